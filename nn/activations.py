"""The activations a network can use: one table, name → primitive of autograd's op table.

Network, the argument checks, the network diagram and the δ formulas all read this table: the
forward value f(z), the symbol drawn for f, and f′ from the primitive's own derivative rule.
"""

from __future__ import annotations

from typing import TypeVar

from autograd import Primitive, Value, relu, sigmoid, tanh
from autograd.numbers import describe

__all__ = ["ACTIVATIONS", "SATURATED", "activate", "check_activation", "derivative", "symbol"]

ACTIVATIONS: dict[str, Primitive | None] = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "linear": None,
}
"""Activation names a Network accepts: σ, tanh, max(0, ·), and the identity (None: no node)."""

T = TypeVar("T", Value, float)

SATURATED = 0.01
"""A unit with f′(z) below this passes almost no gradient back: saturated (σ′ ≤ 1/4, so this is
under 4% of its largest value, |z| > 4.6), as the diagram and ``train``'s warnings judge it."""


def check_activation(name: object, what: str = "activation") -> str:
    """``name`` if it is a key of :data:`ACTIVATIONS`, else a TypeError or ValueError."""
    names = ", ".join(ACTIVATIONS)
    if not isinstance(name, str):
        raise TypeError(f"{what} must be one of {names}; got {describe(name)}")
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown {what} {name!r}; expected one of {names}")
    return name


def activate(name: str, z: T) -> T:
    """f(z) for the activation ``name``: a Value for a Value, a float for a float (z itself for
    "linear")."""
    f = ACTIVATIONS[name]
    return z if f is None else f(z)


def derivative(name: str, z: float, x: float) -> float:
    """f′(z), where x = f(z), from the primitive's rule on floats (1 for "linear")."""
    f = ACTIVATIONS[name]
    return 1.0 if f is None else float(f.local_grads(z, x)[0])


def symbol(name: str) -> str:
    """The symbol drawn for f: σ, tanh, ReLU ("" for "linear")."""
    f = ACTIVATIONS[name]
    return "" if f is None else f.symbol
