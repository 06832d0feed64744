"""Argument checks shared by the ``nn`` modules: errors say what was expected and what was given."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

from autograd import Value
from autograd.numbers import describe, real, short

from .notation import superscript

__all__ = [
    "REDUCTIONS",
    "Matrix",
    "as_list",
    "check_parameters",
    "check_positive_int",
    "check_reduction",
    "check_sizes",
    "check_vector",
    "describe",
    "real",
    "short",
]

Matrix = list[list[float]]

REDUCTIONS = ("sum", "mean")
"""How ``mse`` combines the squared errors: Σᵢ (the blog's formula) or their mean."""


def check_positive_int(x: object, what: str) -> int:
    """``x`` as an int ≥ 1 (bools and floats like 2.0 are refused)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{what} must be a positive integer, got {describe(x)}")
    if x < 1:
        raise ValueError(f"{what} must be a positive integer, got {x!r}")
    return int(x)


def check_sizes(sizes: object) -> list[int]:
    """Layer sizes: at least two positive integers, input layer first."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Iterable):
        raise TypeError(
            f"sizes must be a list of layer sizes such as [3, 2, 2], got {describe(sizes)}"
        )
    items = list(sizes)
    if len(items) < 2:
        raise ValueError(
            f"sizes needs at least two layers (inputs and outputs), such as [3, 2, 2], "
            f"got {short(items)}"
        )
    return [check_positive_int(n, f"sizes[{k}]") for k, n in enumerate(items)]


def as_list(x: object) -> list[Any] | None:
    """``list(x)`` for a list-like ``x`` (list, tuple, numpy array, ...), else None.

    Strings, bytes, mappings and Values are not list-like here, though Python can iterate them.
    """
    if isinstance(x, (str, bytes, Mapping, Value)) or not isinstance(x, Iterable):
        return None
    return list(x)


def check_reduction(reduction: object) -> str:
    """One of :data:`REDUCTIONS`."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}; expected 'sum' or 'mean'")
    return reduction


def check_vector(x: object, n: int, what: str) -> list[Any]:
    """A list of ``n`` entries, each a Value (kept) or a finite real number (as a float)."""
    items = as_list(x)
    if items is None:
        raise TypeError(f"{what} must be a list of {n} numbers, got {describe(x)}")
    if len(items) != n:
        raise ValueError(f"{what} must have {n} entries, got {len(items)}: {short(items)}")
    return [v if isinstance(v, Value) else real(v, f"{what}[{k}]") for k, v in enumerate(items)]


def check_parameters(
    weights: object, biases: object
) -> tuple[list[Matrix], list[list[float]] | None]:
    """Weight matrices W⁽¹⁾, W⁽²⁾, … (and biases b⁽²⁾, …, or None) as floats, with shapes that
    chain: W⁽ˡ⁺¹⁾ has one column per row of W⁽ˡ⁾. Only checks; builds no Values."""
    given = as_list(weights)
    if not given:
        raise TypeError(
            "weights must be a non-empty list of weight matrices (lists of rows), "
            f"got {describe(weights)}"
        )
    matrices: list[Matrix] = []
    for l, m in enumerate(given):  # noqa: E741
        name = f"weights[{l}] (W⁽{superscript(l + 1)}⁾)"
        rows = as_list(m)
        if not rows:
            raise TypeError(f"{name} must be a non-empty list of rows, got {describe(m)}")
        matrix: Matrix = []
        for i, r in enumerate(rows):
            row = as_list(r)
            if not row:
                raise TypeError(
                    f"{name} row {i} must be a non-empty list of numbers, got {describe(r)}"
                )
            if l > 0 and len(row) != len(matrices[-1]):
                raise ValueError(
                    f"{name} row {i} must have {len(matrices[-1])} entries (one per row of "
                    f"W⁽{superscript(l)}⁾, the neurons feeding it), got {len(row)}"
                )
            if i > 0 and len(row) != len(matrix[0]):
                raise ValueError(
                    f"{name} row {i} must have {len(matrix[0])} entries, as row 0, got {len(row)}"
                )
            matrix.append([real(x, f"weights[{l}][{i}][{j}]") for j, x in enumerate(row)])
        matrices.append(matrix)
    if biases is None:
        return matrices, None
    vectors_given = as_list(biases)
    if vectors_given is None:
        raise TypeError(
            f"biases must be None or a list of bias lists, one per layer, got {describe(biases)}"
        )
    if len(vectors_given) != len(matrices):
        raise ValueError(
            f"biases must have {len(matrices)} lists (one per weight matrix), "
            f"got {len(vectors_given)}"
        )
    vectors = []
    for l, given_b in enumerate(vectors_given):  # noqa: E741
        name = f"biases[{l}] (b⁽{superscript(l + 2)}⁾)"
        n = len(matrices[l])
        b = as_list(given_b)
        if b is None:
            raise TypeError(f"{name} must be a list of {n} numbers, got {describe(given_b)}")
        if len(b) != n:
            raise ValueError(
                f"{name} must have {n} entries (one per row of W⁽{superscript(l + 1)}⁾), "
                f"got {len(b)}"
            )
        vectors.append([real(v, f"biases[{l}][{k}]") for k, v in enumerate(b)])
    return matrices, vectors
