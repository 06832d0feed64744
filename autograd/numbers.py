"""The one number check shared by ``autograd`` and ``nn``: finite real numbers, clear errors."""

from __future__ import annotations

import math
import numbers

__all__ = ["describe", "real", "short"]


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
