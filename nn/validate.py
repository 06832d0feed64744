"""Argument checks shared by the ``nn`` modules: errors say what was expected and what was given."""

from __future__ import annotations

import numbers
from typing import Any

from autograd import Value
from autograd.numbers import as_list, describe, positive_int, real, short, unordered

from .notation import superscript

__all__ = [
    "MAX_PARAMETERS",
    "REDUCTIONS",
    "Matrix",
    "check_parameter_count",
    "check_parameters",
    "check_reduction",
    "check_seed",
    "check_sizes",
    "check_vector",
    "class_index",
]

Matrix = list[list[float]]

MAX_PARAMETERS = 1_000_000
"""The most weights and biases a network may have: every parameter is a Python object (about
100 bytes, and a graph node per use in every forward pass), so a larger network would exhaust
memory or take minutes per sample. Larger sizes are refused before anything is allocated."""


REDUCTIONS = ("sum", "mean")
"""How ``mse`` combines the squared errors: Σᵢ (the blog's formula) or their mean."""


def class_index(target: object, n: int, what: str) -> int | None:
    """A class index k (an int, 0 … n − 1) for a target that is an integer; None for a target
    that is not (a list of numbers); ValueError, naming ``what``, for one out of range."""
    if isinstance(target, bool) or not isinstance(target, numbers.Integral):
        return None
    k = int(target)
    if not 0 <= k < n:
        raise ValueError(
            f"{what} is the class index {k}, out of range (0 … {n - 1} for {n} classes)"
        )
    return k


def check_seed(seed: object) -> int | None:
    """A seed for ``random.Random``: None (fresh randomness) or an integer (numpy's too)."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer or None, got {describe(seed)}")
    return int(seed)


def check_sizes(sizes: object) -> list[int]:
    """Layer sizes: at least two positive integers, input layer first."""
    items = as_list(sizes)
    if items is None:
        raise TypeError(
            f"sizes must be a list of layer sizes such as [3, 2, 2], got {unordered(sizes)}"
        )
    if len(items) < 2:
        raise ValueError(
            f"sizes needs at least two layers (inputs and outputs), such as [3, 2, 2], "
            f"got {short(items)}"
        )
    return [positive_int(n, f"sizes[{k}]") for k, n in enumerate(items)]


def check_parameter_count(count: int, what: str) -> None:
    """ValueError if ``count`` parameters are more than :data:`MAX_PARAMETERS`."""
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"{what} would have {count:,} parameters, more than the limit of "
            f"{MAX_PARAMETERS:,} (nn.MAX_PARAMETERS): each is a Python object, so it would "
            "exhaust memory long before it trained"
        )


def check_reduction(reduction: object) -> str:
    """One of :data:`REDUCTIONS`."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}; expected 'sum' or 'mean'")
    return reduction


def check_vector(x: object, n: int, what: str, batch_hint: str = "loop over its rows") -> list[Any]:
    """A list of ``n`` entries, each a Value (kept) or a finite real number (as a float).

    A list of lists (a 2-D batch) is refused, with ``batch_hint`` saying how to run it.
    """
    items = as_list(x)
    if items is None:
        raise TypeError(f"{what} must be a list of {n} numbers, got {unordered(x)}")
    if items and as_list(items[0]) is not None:
        raise TypeError(
            f"{what} must be one sample, a list of {n} numbers, got a batch of {len(items)} "
            f"rows: {short(items)}; it takes one sample at a time ({batch_hint})"
        )
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
            f"got {unordered(weights)}"
        )
    matrices: list[Matrix] = []
    count = 0
    for l, m in enumerate(given):  # noqa: E741
        name = f"weights[{l}] (W⁽{superscript(l + 1)}⁾)"
        rows = as_list(m)
        if not rows:
            raise TypeError(f"{name} must be a non-empty list of rows, got {unordered(m)}")
        first = as_list(rows[0])
        count += len(rows) * (len(first) + (biases is not None) if first else 0)
        check_parameter_count(count, "the network")
        matrix: Matrix = []
        for i, r in enumerate(rows):
            row = as_list(r)
            if not row:
                raise TypeError(
                    f"{name} row {i} must be a non-empty list of numbers, got {unordered(r)}"
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
            f"biases must be None or a list of bias lists, one per layer, got {unordered(biases)}"
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
            raise TypeError(f"{name} must be a list of {n} numbers, got {unordered(given_b)}")
        if len(b) != n:
            raise ValueError(
                f"{name} must have {n} entries (one per row of W⁽{superscript(l + 1)}⁾), "
                f"got {len(b)}"
            )
        vectors.append([real(v, f"biases[{l}][{k}]") for k, v in enumerate(b)])
    return matrices, vectors
