"""The op table: every primitive's forward value and local derivative rule, defined once.

An :class:`Op` holds two functions:

* ``forward(*xs) -> float`` computes the output from the input floats and raises a clear error
  (naming the op and the value) on input outside its domain;
* ``local_grads(*xs, out) -> tuple`` gives ∂out/∂xₖ for every input k.  It is written with
  arithmetic operators only (plus :func:`log` and :func:`data_of` below), so the same rule runs on
  floats, for the eager ``backward``, and on ``Value``s, for ``grad(..., create_graph=True)``
  where the derivatives must themselves be differentiable.

Everything else (``Value`` operators, both backward modes, the numbers on rendered edges)
reads this table; adding an op means adding one entry here and one method on ``Value``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, slots=True)
class Op:
    """A primitive operation: its name, forward value and local derivative rule."""

    name: str
    forward: Callable[..., float]
    local_grads: Callable[..., tuple[Any, ...]]


def data_of(x: Any) -> float:
    """The number behind ``x``: ``x`` itself for a number, ``x.data`` for a ``Value``."""
    return x if isinstance(x, (float, int)) else x.data


def log(x: Any) -> Any:
    """ln x for a number or a ``Value`` (for rules that need it, e.g. ∂(aᵇ)/∂b = aᵇ ln a)."""
    return math.log(x) if isinstance(x, (float, int)) else x.log()


def _divide(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"division of {a!r} by zero")
    return a / b


def _pow_value(a: float, b: float) -> float:
    if a <= 0.0:
        raise ValueError(
            f"{a!r} ** {b!r}: a Value exponent needs a positive base "
            f"(∂aᵇ/∂b = aᵇ·ln a), got base {a!r}"
        )
    return _checked_pow(a, b)


def _checked_pow(a: float, b: float) -> float:
    try:
        return math.pow(a, b)
    except OverflowError:
        raise OverflowError(f"{a!r} ** {b!r} overflows (the result exceeds a float)") from None


def _exp(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        raise OverflowError(f"exp overflows at {a!r} (the result exceeds a float)") from None


def _log(a: float) -> float:
    if a <= 0.0:
        raise ValueError(f"log of non-positive value {a!r}")
    return math.log(a)


def _sqrt(a: float) -> float:
    if a < 0.0:
        raise ValueError(f"sqrt of negative value {a!r}")
    return math.sqrt(a)


def _sigmoid(a: float) -> float:
    # σ(a) = 1/(1+e⁻ᵃ), evaluated so that e^|a| never overflows.
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


ADD = Op("+", lambda a, b: a + b, lambda a, b, out: (1.0, 1.0))
SUB = Op("-", lambda a, b: a - b, lambda a, b, out: (1.0, -1.0))
MUL = Op("*", lambda a, b: a * b, lambda a, b, out: (b, a))
DIV = Op("/", _divide, lambda a, b, out: (1.0 / b, -out / b))
POW = Op("**", _pow_value, lambda a, b, out: (b * a ** (b - 1.0), out * log(a)))
NEG = Op("neg", lambda a: -a, lambda a, out: (-1.0,))
EXP = Op("exp", _exp, lambda a, out: (out,))
LOG = Op("log", _log, lambda a, out: (1.0 / a,))
SQRT = Op("sqrt", _sqrt, lambda a, out: (0.5 / out,))
TANH = Op("tanh", math.tanh, lambda a, out: (1.0 - out * out,))
SIGMOID = Op("sigmoid", _sigmoid, lambda a, out: (out * (1.0 - out),))
RELU = Op(
    "relu", lambda a: a if a > 0.0 else 0.0, lambda a, out: (1.0 if data_of(a) > 0.0 else 0.0,)
)
ABS = Op("abs", abs, lambda a, out: (1.0 if data_of(a) >= 0.0 else -1.0,))


@lru_cache(maxsize=256)
def power(c: float) -> Op:
    """xᶜ for a constant exponent c; one shared Op per exponent, not one per node."""

    def forward(a: float) -> float:
        if a < 0.0 and not c.is_integer():
            raise ValueError(f"fractional power {c!r} of negative value {a!r}")
        if a == 0.0 and c < 0.0:
            raise ZeroDivisionError(f"0.0 raised to negative power {c!r}")
        return _checked_pow(a, c)

    def local_grads(a: Any, out: Any) -> tuple[Any, ...]:
        return (c * a ** (c - 1.0),) if c != 0.0 else (0.0,)

    short = f"{c:g}"
    return Op(f"**{short if float(short) == c else repr(c)}", forward, local_grads)
