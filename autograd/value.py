"""``Value``: one scalar node of a computation graph, and the operators that build graphs."""

from __future__ import annotations

import math
import numbers
from typing import Any

from . import ops
from .ops import Op

Number = int | float


def _as_float(x: object, what: str) -> float:
    """Check that ``x`` is a finite real number and return it as a float."""
    if x.__class__ is not float and x.__class__ is not int:  # else skip the slow ABC check
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise TypeError(
                f"{what} needs a real number (int or float), got {type(x).__name__} {x!r}"
            )
    try:
        f = float(x)
    except OverflowError:
        raise ValueError(
            f"{what} needs a finite number, got an int too large for a float"
        ) from None
    if not math.isfinite(f):
        raise ValueError(f"{what} needs a finite number, got {f!r}")
    return f


class Value:
    """A scalar in a computation graph.

    ``data`` is the number, ``grad`` is ∂(output)/∂(this Value) after ``output.backward()``,
    ``inputs`` are the Values it was computed from and ``local_grads`` the local derivatives
    ∂(this)/∂inputs[k] on its incoming edges: the factors the chain rule multiplies.
    """

    __slots__ = ("_op", "data", "grad", "inputs", "label")

    data: float
    grad: float
    label: str
    inputs: tuple[Value, ...]
    _op: Op | None

    def __init__(self, data: Number, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__} {label!r}")
        self.data = _as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self.inputs = ()
        self._op = None

    @property
    def op(self) -> str:
        """The operation that produced this Value ("" for a leaf)."""
        return "" if self._op is None else self._op.name

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂inputs[k] at the forward values (empty for a leaf).

        Computed from the op table when asked, from the inputs' ``data`` as it is now (after an
        optimizer step has changed the leaves, rebuild the graph to see matching numbers).
        """
        if self._op is None:
            return ()
        return local_grads_at(self)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # -- building the graph ----------------------------------------------------------------

    def __add__(self, other: Value | Number) -> Value:
        return _binary(ops.ADD, self, other)

    def __radd__(self, other: Number) -> Value:
        return _binary(ops.ADD, other, self)

    def __sub__(self, other: Value | Number) -> Value:
        return _binary(ops.SUB, self, other)

    def __rsub__(self, other: Number) -> Value:
        return _binary(ops.SUB, other, self)

    def __mul__(self, other: Value | Number) -> Value:
        return _binary(ops.MUL, self, other)

    def __rmul__(self, other: Number) -> Value:
        return _binary(ops.MUL, other, self)

    def __truediv__(self, other: Value | Number) -> Value:
        return _binary(ops.DIV, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return _binary(ops.DIV, other, self)

    def __pow__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _binary(ops.POW, self, other)
        try:
            c = _as_float(other, "**") + 0.0  # + 0.0: -0.0 is 0.0
        except TypeError:
            return NotImplemented  # not a number: let Python say so, naming both types
        return _unary(ops.power(c), self)

    def __rpow__(self, other: Number) -> Value:
        return _binary(ops.POW, other, self)

    def __neg__(self) -> Value:
        return _unary(ops.NEG, self)

    def exp(self) -> Value:
        """eˣ."""
        return _unary(ops.EXP, self)

    def log(self) -> Value:
        """ln x, for x > 0."""
        return _unary(ops.LOG, self)

    def sqrt(self) -> Value:
        """√x, for x ≥ 0."""
        return _unary(ops.SQRT, self)

    def tanh(self) -> Value:
        """tanh x."""
        return _unary(ops.TANH, self)

    def sigmoid(self) -> Value:
        """σ(x) = 1/(1 + e⁻ˣ), stable for large |x|."""
        return _unary(ops.SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x); its derivative at 0 is taken as 0."""
        return _unary(ops.RELU, self)

    def abs(self) -> Value:
        """|x|; its derivative at 0 is taken as 1."""
        return _unary(ops.ABS, self)

    __abs__ = abs

    # -- gradients -------------------------------------------------------------------------

    def backward(self) -> None:
        """Set ``.grad`` of every Value this one depends on to ∂self/∂(that Value).

        Reverse mode: seeds ∂self/∂self = 1, then walks the graph in reverse topological order
        (iteratively, so any depth works), adding ``grad * local_grad`` along every edge, so a
        Value reached by several paths gets the sum over all of them.  As in PyTorch, leaf
        grads accumulate across calls (zero them between training steps), while the grads of
        intermediate Values hold the result of the latest call only.
        """
        from .backward import backward

        backward(self)


def _constant(x: object, op: Op) -> Value | None:
    """A plain number as a constant leaf Value, or None if ``x`` is no real number."""
    try:
        return Value(_as_float(x, op.name))
    except TypeError:  # _as_float's verdict on non-numbers; the caller returns NotImplemented
        return None


def _binary(op: Op, a: Any, b: Any) -> Value:
    # `__class__ is Value` first: the common case, cheaper than isinstance
    if a.__class__ is not Value and not isinstance(a, Value) and (a := _constant(a, op)) is None:
        return NotImplemented  # type: ignore[no-any-return]
    if b.__class__ is not Value and not isinstance(b, Value) and (b := _constant(b, op)) is None:
        return NotImplemented  # type: ignore[no-any-return]
    return _node(op, op.forward(a.data, b.data), (a, b))


def _unary(op: Op, a: Value) -> Value:
    return _node(op, op.forward(a.data), (a,))


def _node(op: Op, data: float, inputs: tuple[Value, ...]) -> Value:
    """A Value computed by ``op`` (no type checks: ``data`` comes from ``op.forward``)."""
    if data - data != 0.0:  # inf or nan: an overflow the forward rule could not see coming
        args = ", ".join(repr(v.data) for v in inputs)
        if all(math.isfinite(v.data) for v in inputs):
            raise OverflowError(f"{op.name} of {args} overflows to {data!r}")
        raise ValueError(f"{op.name} of {args}: an input's data is not finite")
    v = _new_value(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v.inputs = inputs
    v._op = op
    return v


_new_value = object.__new__


def local_grads_at(node: Value) -> tuple[float, ...]:
    """The float local derivatives of a non-leaf node, with a clear error where one is infinite."""
    assert node._op is not None
    try:
        return node._op.local_grads(*(v.data for v in node.inputs), node.data)
    except (ZeroDivisionError, OverflowError, ValueError) as exc:
        raise derivative_error(node, exc) from exc


def derivative_error(node: Value, exc: Exception) -> Exception:
    """The error for a local derivative that is infinite or undefined at ``node``'s inputs."""
    args = ", ".join(repr(v.data) for v in node.inputs)
    return type(exc)(f"the derivative of {node.op} at {args} is not finite ({exc})")
