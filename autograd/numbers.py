"""The one number check shared by ``autograd`` and ``nn``: finite real numbers, clear errors."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, MappingView, Set
from typing import Any

__all__ = ["as_list", "counted", "describe", "positive_int", "real", "short", "unordered"]

_UNORDERED = (Set, Mapping, MappingView)  # sets, dicts and their views: no order to index by


def counted(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless n is 1: "1 input", "3 parameters"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def short(x: object, limit: int = 80) -> str:
    """``repr(x)``, cut to ``limit`` characters for error messages."""
    try:
        text = repr(x)
    except ValueError:  # e.g. an int past Python's limit on digits converted to text
        return "<too long to show>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(x: object) -> str:
    """``"int 5"``, ``"str 'abc'"``: a value and its type, shortened for error messages."""
    return f"{type(x).__name__} {short(x)}"


def real(x: object, what: str) -> float:
    """``x`` as a finite Python float; ``what`` names it in the error.

    TypeError for anything but a real number (bools too, and complex numbers); ValueError for
    nan, ±inf and ints too large for a float.  numpy scalars of any precision are accepted and
    become Python floats, so no other number type leaks into a graph.
    """
    if x.__class__ is not float and x.__class__ is not int:  # else skip the slow ABC check
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise TypeError(f"{what} must be a real number (int or float), got {describe(x)}")
    try:
        f = float(x)
    except OverflowError:
        raise ValueError(f"{what} is too large for a float, got an int of that size") from None
    if not math.isfinite(f):
        raise ValueError(f"{what} must be a finite number, got {f!r}")
    return f


def positive_int(x: object, what: str) -> int:
    """``x`` as an int ≥ 1: TypeError for anything but an integer (bools, 2.0), ValueError for
    nan and numbers ≤ 0, so that a size or a limit can never be switched off by accident."""
    if isinstance(x, float) and math.isnan(x):
        raise ValueError(f"{what} must be a positive integer, got nan")
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{what} must be a positive integer, got {describe(x)}")
    if x < 1:
        raise ValueError(f"{what} must be a positive integer, got {x!r}")
    return int(x)


def as_list(x: object) -> list[Any] | None:
    """``list(x)`` for a list-like ``x`` (list, tuple, numpy array, ...), else None.

    Strings, bytes, unordered collections (sets, dicts and their views) and 0-d numpy arrays are
    not list-like here, though Python can iterate them; nor are Values, which are not iterable.
    """
    if isinstance(x, (str, bytes, *_UNORDERED)) or not isinstance(x, Iterable):
        return None
    try:
        return list(x)
    except TypeError:  # iterable by its type, not by its value (a 0-d numpy array)
        return None


def unordered(x: object) -> str:
    """``describe(x)``, saying why a set or dict is not accepted as a list."""
    if isinstance(x, _UNORDERED):
        return f"{describe(x)} (a {type(x).__name__} has no order; use a list)"
    return describe(x)
