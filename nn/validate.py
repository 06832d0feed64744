"""Argument checks shared by the ``nn`` modules: errors say what was expected and what was given."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

from autograd import Value

__all__ = [
    "ACTIVATIONS",
    "check_activation",
    "check_positive_int",
    "check_sizes",
    "check_vector",
    "describe",
    "real",
    "short",
]

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
"""Activation names a Network accepts: σ, tanh, max(0, ·) and the identity."""


def short(x: object, limit: int = 80) -> str:
    """``repr(x)``, cut to ``limit`` characters for error messages."""
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(x: object) -> str:
    """``"int 5"``, ``"str 'abc'"``: a value and its type, shortened for error messages."""
    return f"{type(x).__name__} {short(x)}"


def real(x: object, what: str) -> float:
    """``x`` as a finite float: TypeError for non-numbers (and bools), ValueError for nan/inf."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a real number, got {describe(x)}")
    f = float(x)
    if not math.isfinite(f):
        raise ValueError(f"{what} must be a finite number, got {f!r}")
    return f


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


def check_activation(name: object, what: str = "activation") -> str:
    """One of :data:`ACTIVATIONS`."""
    if not isinstance(name, str):
        raise TypeError(f"{what} must be one of {', '.join(ACTIVATIONS)}; got {describe(name)}")
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown {what} {name!r}; expected one of {', '.join(ACTIVATIONS)}")
    return name


def check_vector(x: object, n: int, what: str) -> list[Any]:
    """A list of ``n`` entries, each a Value (kept) or a finite real number (as a float)."""
    if isinstance(x, (str, bytes, Value)) or not isinstance(x, Iterable):
        raise TypeError(f"{what} must be a list of {n} numbers, got {describe(x)}")
    items = list(x)
    if len(items) != n:
        raise ValueError(f"{what} must have {n} entries, got {len(items)}: {short(items)}")
    return [v if isinstance(v, Value) else real(v, f"{what}[{k}]") for k, v in enumerate(items)]
