"""Forward mode: ``jvp`` carries (value, tangent) pairs through the same local derivative rules.

A :class:`Dual` holds a value u and a tangent u̇ = Σᵢ ∂u/∂xᵢ·tᵢ.  Applying a primitive f gives
f(u, v, …) and, by the chain rule, Σₖ ∂f/∂(input k)·(tangent of input k): the rule
``local_grads`` of the op table, run on floats, as ``backward`` runs it, but pushed forward
along the inputs instead of pulled back from the output.  No graph is built and no ``.grad``
is touched; one pass gives the derivative along one direction t.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import ops
from .numbers import describe, real
from .primitive import Primitive
from .value import Value

__all__ = ["Dual", "jvp"]

Number = int | float


def _binary(op: Primitive, reflected: bool = False) -> Callable[[Dual, Any], Dual]:
    """Dual's operator method for the binary primitive ``op`` (``other ∘ self`` reflected)."""

    def method(self: Dual, other: Any) -> Any:
        return op(other, self) if reflected else op(self, other)

    return method


def _unary(op: Primitive) -> Callable[[Dual], Dual]:
    """Dual's method for the unary primitive ``op``."""

    def method(self: Dual) -> Any:
        return op(self)

    return method


class Dual:
    """A value and its tangent, for forward mode: u + u̇·ε with ε² = 0."""

    __slots__ = ("tangent", "value")
    _trace_rank = 2  # a primitive called with Duals and Values pushes tangents forward

    def __init__(self, value: float, tangent: float = 0.0) -> None:
        self.value = real(value, "Dual value")
        self.tangent = real(tangent, "Dual tangent")

    def __repr__(self) -> str:
        return f"Dual(value={self.value!r}, tangent={self.tangent!r})"

    @classmethod
    def _apply(cls, op: Primitive, args: Sequence[Any]) -> Dual:
        """f(args) and Σₖ ∂f/∂argₖ · (tangent of argₖ); a Value or a number is a constant."""
        values = [_value(op, x) for x in args]
        out = op.evaluate(*values)
        tangents = [x.tangent if x.__class__ is Dual else 0.0 for x in args]
        tangent = 0.0
        if any(t != 0.0 for t in tangents):  # else every derivative would be multiplied by 0
            try:
                local = op.checked_grads(op.local_grads(*values, out))
            except (ArithmeticError, ValueError) as exc:
                raise op.derivative_error(exc, values) from None
            for d, t in zip(local, tangents):
                if t != 0.0:
                    tangent += d * t
            if tangent - tangent != 0.0:
                raise OverflowError(
                    f"the tangent of {op.call_text(values)} overflows to {tangent!r}"
                )
        result = _new(Dual)
        result.value, result.tangent = out, tangent
        return result

    # The same operators and methods as Value, each a call of the op table.
    __add__ = _binary(ops.add)
    __radd__ = _binary(ops.add, reflected=True)
    __sub__ = _binary(ops.sub)
    __rsub__ = _binary(ops.sub, reflected=True)
    __mul__ = _binary(ops.mul)
    __rmul__ = _binary(ops.mul, reflected=True)
    __truediv__ = _binary(ops.div)
    __rtruediv__ = _binary(ops.div, reflected=True)
    __rpow__ = _binary(ops.pow_, reflected=True)
    __neg__ = _unary(ops.neg)
    exp = _unary(ops.exp)
    log = _unary(ops.log)
    sqrt = _unary(ops.sqrt)
    tanh = _unary(ops.tanh)
    sigmoid = _unary(ops.sigmoid)
    relu = _unary(ops.relu)
    abs = _unary(ops.abs_)
    __abs__ = abs
    sin = _unary(ops.sin)
    cos = _unary(ops.cos)

    def __pow__(self, other: Dual | Value | Number) -> Dual:
        if isinstance(other, (Dual, Value)):
            return ops.pow_(self, other)  # type: ignore[no-any-return]
        return ops.power(other)(self)  # type: ignore[no-any-return]


_new = object.__new__


def _value(op: Primitive, x: object) -> float:
    if x.__class__ is Dual:
        return x.value
    if isinstance(x, Value):
        return x.data
    return op.number(x)


def jvp(
    f: Callable[[list[Dual]], Any],
    xs: Iterable[Value | float],
    tangents: Iterable[float],
) -> tuple[float, float]:
    """Forward mode: (f(xs), Σᵢ ∂f/∂xᵢ·tᵢ) as floats, in one pass that builds no graph.

    ``f`` maps a list of inputs to one output, as for ``gradcheck``; it gets Dual numbers,
    which have Value's operators and methods and go through every primitive.  ``xs`` are the
    point (numbers or Values), ``tangents`` the direction t.  With t = eᵢ the derivative is
    ∂f/∂xᵢ: one pass per input, where reverse mode gets every ∂f/∂xᵢ in one backward pass.
    """
    if isinstance(xs, (Value, str, bytes)) or isinstance(tangents, (Value, str, bytes)):
        raise TypeError("jvp needs lists: jvp(f, [x₁, x₂, …], [t₁, t₂, …])")
    point, direction = list(xs), list(tangents)
    if len(point) != len(direction):
        raise ValueError(
            f"jvp needs one tangent per input, got {len(point)} inputs and "
            f"{len(direction)} tangents"
        )
    duals = [
        Dual(
            x.data if isinstance(x, Value) else real(x, f"jvp input xs[{i}]"),
            real(t, f"jvp tangent tangents[{i}]"),
        )
        for i, (x, t) in enumerate(zip(point, direction))
    ]
    out = f(duals)
    if isinstance(out, Dual):
        return out.value, out.tangent
    if isinstance(out, Value):  # built from constants only: it does not depend on xs
        return out.data, 0.0
    try:
        return real(out, "f's result"), 0.0
    except TypeError:
        raise TypeError(
            f"jvp needs f to return the output computed from its inputs, got {describe(out)}"
        ) from None
