"""``Value``: one scalar node of a computation graph, the operators that build graphs, and the
reverse-mode traversal behind ``backward``.

Every operator and method is a call of a primitive from the op table (``ops``).  A node keeps
its primitive and its inputs, never a closure, so a dropped graph is freed by reference
counting alone.  Its local derivatives are computed from the table's rule when backward needs
them, from the inputs' data; every Value's data carries a *stamp* (a tick of one clock, taken
when the data is set), so a leaf changed after a node was built from it is noticed, and backward
refuses a graph that no longer matches its data instead of mixing old and new numbers.  Stamps
also order the graph: a node is always stamped after its inputs.
"""

from __future__ import annotations

import itertools
import numbers
import operator
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from . import ops
from .numbers import describe, real
from .primitive import Primitive

__all__ = ["NonFiniteGradError", "StaleGraphError", "Value", "reverse_topological"]

Number = int | float

_new = object.__new__
_POWERS = ops.POWERS
_tick = itertools.count(1).__next__  # the clock behind every stamp

_on_read: Callable[[Value, str], None] | None = None
"""Told of every read of a Value's number for Python (``.data``, ``float``, ``bool``, a
comparison, a format, ``backward``) while ``compile`` traces a function; None otherwise, so
eager code pays one global lookup per read.  See :func:`reads_watched`."""


@contextmanager
def reads_watched(hook: Callable[[Value, str], None]) -> Iterator[None]:
    """Within the block, ``hook(v, "float(v)")`` is called before Python reads ``v``'s number;
    it raises to refuse the read.  ``compile`` uses it to refuse reads that tracing would
    freeze into the generated code."""
    global _on_read
    previous = _on_read
    _on_read = hook
    try:
        yield
    finally:
        _on_read = previous


def notice_read(v: Value, what: str) -> None:
    """Tell the hook of :func:`reads_watched`, if any, that ``what`` reads ``v``'s number."""
    if _on_read is not None:
        _on_read(v, what)


class StaleGraphError(RuntimeError):
    """A Value's data changed after a node was computed from it: the graph no longer matches."""


class NonFiniteGradError(OverflowError):
    """A gradient overflowed to ±inf (or became nan) on its way back through the graph."""


def _binary(op: Primitive, reflected: bool = False) -> Callable[[Value, Value | Number], Value]:
    """Value's operator method for the binary primitive ``op``: ``self ∘ other`` (``other ∘
    self`` when reflected), a plain number becoming a constant leaf.  This is the hot path of
    building a graph, so the forward value and the node are made here, without further calls.
    """
    forward = op.forward

    def method(self: Value, other: Any) -> Value:
        if other.__class__ is not Value:
            other = _operand(other, op)
            if other is None:
                return NotImplemented  # type: ignore[no-any-return]  # Python then says so
        if reflected:
            a, b = other, self
        else:
            a, b = self, other
        x = a._data
        y = b._data
        try:
            data = forward(x, y)
        except (ArithmeticError, ValueError) as exc:
            raise op.error(exc, (x, y)) from None
        if data.__class__ is not float:
            data = op.result(data, (x, y))
        if data - data != 0.0:  # inf or nan
            raise op.not_finite((x, y), data)
        v = _new(Value)
        v._data = data
        v.grad = 0.0
        v._label = ""
        v._op = op
        v._a = a
        v._b = b
        v._stamp = _tick()
        return v

    return method


def _unary(op: Primitive, doc: str) -> Callable[[Value], Value]:
    """Value's method for the unary primitive ``op`` (the hot path, as for :func:`_binary`)."""
    forward = op.forward

    def method(self: Value) -> Value:
        x = self._data
        try:
            data = forward(x)
        except (ArithmeticError, ValueError) as exc:
            raise op.error(exc, (x,)) from None
        if data.__class__ is not float:
            data = op.result(data, (x,))
        if data - data != 0.0:
            raise op.not_finite((x,), data)
        v = _new(Value)
        v._data = data
        v.grad = 0.0
        v._label = ""
        v._op = op
        v._a = self
        v._b = None
        v._stamp = _tick()
        return v

    method.__doc__ = doc
    return method


class Value:
    """A scalar in a computation graph.

    ``data`` is the number, ``grad`` is ∂(output)/∂(this Value) after ``output.backward()``,
    ``inputs`` are the Values it was computed from and ``local_grads`` the local derivatives
    ∂(this)/∂inputs[k] on its incoming edges: the factors the chain rule multiplies.
    """

    # _a, _b: the inputs (_b is None for one input; for three or more, _a is None and _b holds
    # them all), kept in slots rather than a tuple: half the objects for the collector to track.
    __slots__ = ("_a", "_b", "_data", "_label", "_op", "_stamp", "grad")
    _trace_rank = 1  # a primitive called with Values and numbers builds a Value

    grad: float
    _data: float
    _label: str
    _op: Primitive | None
    _a: Any  # Value | None
    _b: Any  # Value | tuple[Value, ...] | None
    _stamp: int

    def __init__(self, data: Number, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {describe(label)}")
        self._data = real(data, "Value")
        self.grad = 0.0
        self._label = label
        self._op = None
        self._a = self._b = None
        self._stamp = _tick()

    # -- attributes ------------------------------------------------------------------------

    @property
    def data(self) -> float:
        """The number this Value holds (a Python float)."""
        if _on_read is not None:
            _on_read(self, "v.data")
        return self._data

    @data.setter
    def data(self, x: Number) -> None:
        if self._op is not None:
            raise AttributeError(
                f"data of a computed Value is read-only (it is {self._op.name} of its inputs); "
                "change a leaf's data and run the forward pass again"
            )
        self._data = real(x, "Value.data")
        self._stamp = _tick()  # every node built from the old data is now stale

    @property
    def label(self) -> str:
        """A name shown in drawings and messages ("" for none)."""
        return self._label

    @label.setter
    def label(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"Value label must be a str, got {describe(text)}")
        self._label = text

    @property
    def op(self) -> str:
        """The name of the primitive that produced this Value ("" for a leaf)."""
        return "" if self._op is None else self._op.name

    @property
    def primitive(self) -> Primitive | None:
        """The primitive that produced this Value (None for a leaf)."""
        return self._op

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The Values this one was computed from (empty for a leaf)."""
        return _inputs(self)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂inputs[k] at the inputs' data (empty for a leaf).

        StaleGraphError if an input's data changed after this Value was computed.
        """
        if self._op is None:
            return ()
        if _on_read is not None:
            _on_read(self, "v.local_grads")
        return _local_grads(self)

    def __repr__(self) -> str:
        label = f", label={self._label!r}" if self._label else ""
        return f"Value(data={self._data!r}, grad={self.grad!r}{label})"

    # -- as a plain number, for Python: no gradient flows through any of these ---------------

    def __float__(self) -> float:
        """``float(v)`` is ``v.data``: a plain number, cut off from the graph."""
        if _on_read is not None:
            _on_read(self, "float(v)")
        return self._data

    def __bool__(self) -> bool:
        """``v.data != 0``, so ``if v:`` tests the number (the test is not part of the graph)."""
        if _on_read is not None:
            _on_read(self, "bool(v) (an if, while, and, or, not on a Value)")
        return self._data != 0.0

    def __format__(self, spec: str) -> str:
        """``f"{v:.3f}"`` formats ``v.data``; ``f"{v}"`` is ``str(v)``."""
        if not spec:
            return str(self)
        if _on_read is not None:
            _on_read(self, f"format(v, {spec!r})")
        return format(self._data, spec)

    # Comparisons read .data and give a plain bool: no gradient flows through them.  max(),
    # min() and sorted() work (max returns the Value with the largest data).  == and hash stay
    # identity, so Values remain usable as dict keys.
    def __lt__(self, other: Value | Number) -> bool:
        return _compare(self, other, operator.lt, "<")

    def __le__(self, other: Value | Number) -> bool:
        return _compare(self, other, operator.le, "<=")

    def __gt__(self, other: Value | Number) -> bool:
        return _compare(self, other, operator.gt, ">")

    def __ge__(self, other: Value | Number) -> bool:
        return _compare(self, other, operator.ge, ">=")

    # -- building the graph: every operator is a primitive of the op table ------------------

    __add__ = _binary(ops.add)
    __radd__ = _binary(ops.add, reflected=True)
    __sub__ = _binary(ops.sub)
    __rsub__ = _binary(ops.sub, reflected=True)
    __mul__ = _binary(ops.mul)
    __rmul__ = _binary(ops.mul, reflected=True)
    __truediv__ = _binary(ops.div)
    __rtruediv__ = _binary(ops.div, reflected=True)
    __rpow__ = _binary(ops.pow_, reflected=True)
    __neg__ = _unary(ops.neg, "−x.")
    exp = _unary(ops.exp, "eˣ.")
    log = _unary(ops.log, "ln x, for x > 0.")
    sqrt = _unary(ops.sqrt, "√x, for x ≥ 0.")
    tanh = _unary(ops.tanh, "tanh x.")
    sigmoid = _unary(ops.sigmoid, "σ(x) = 1/(1 + e⁻ˣ), stable for large |x|.")
    relu = _unary(ops.relu, "max(0, x); its derivative at 0 is taken as 0.")
    abs = _unary(ops.abs_, "|x|; its derivative at 0 is taken as 0 (the central difference).")
    __abs__ = abs
    sin = _unary(ops.sin, "sin x.")
    cos = _unary(ops.cos, "cos x.")

    def __pow__(self, other: Value | Number) -> Value:
        """xᶜ for a number c (a negative base only with an integer c), or xʸ for a Value y (a
        positive base)."""
        if isinstance(other, Value):
            return _node(ops.pow_, ops.pow_.evaluate(self._data, other._data), self, other)
        op = _POWERS.get(other) if other.__class__ in (int, float) else None  # x², fast
        if op is None:
            try:
                op = ops.power(other)
            except TypeError:
                return NotImplemented  # not a number: let Python say so, naming both types
        return _node(op, op.evaluate(self._data), self, None)

    @classmethod
    def _apply(cls, op: Primitive, args: Iterable[Any]) -> Value:
        """``op(*args)`` as a node, for a primitive called with Values (and numbers)."""
        inputs = tuple(x if isinstance(x, Value) else _leaf(op.number(x)) for x in args)
        return _node_of(op, op.evaluate(*(v._data for v in inputs)), inputs)

    # -- pickling and copying ----------------------------------------------------------------

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (and deep-copied) by value, primitives by name, stamped afresh when loaded.

        A computed Value carries its graph flattened in topological order, so no depth is too
        deep; its leaves are pickled as themselves, so a leaf shared with other objects (a
        network's weights) stays shared.
        """
        if self._op is None:
            return (_restore_leaf, (self._data, self.grad, self._label))
        nodes = reverse_topological(self)
        nodes.reverse()  # inputs first
        position: dict[Value, int] = {}
        payload: list[Any] = []
        for v in nodes:
            position[v] = len(payload)
            if v._op is None:
                payload.append(v)
                continue
            inputs = _inputs(v)
            check_fresh(v, inputs)  # a graph that no longer matches its data is not saved
            links = tuple(position[i] for i in inputs)
            payload.append((v._op, v._data, v.grad, v._label, links))
        return (_restore_graph, (payload,))

    # -- gradients -------------------------------------------------------------------------

    def backward(self) -> None:
        """Set ``.grad`` of every Value this one depends on to ∂self/∂(that Value).

        Reverse mode: seeds ∂self/∂self = 1, then walks the graph in reverse topological order
        (iteratively, so any depth works), adding ``grad * local_grad`` along every edge, so a
        Value reached by several paths gets the sum over all of them.  Leaf grads accumulate
        across calls (zero them between training steps); the grads of computed Values are
        recomputed by each call.  If it fails (an infinite derivative, an overflowing gradient,
        a graph whose leaves changed, Ctrl-C) every ``.grad`` is left as it was.
        """
        backward(self)


def _compare(v: Value, other: Any, compare: Callable[[Any, Any], bool], symbol: str) -> bool:
    """``v <symbol> other`` on the numbers (a Value's data, or a real number), as a bool."""
    if isinstance(other, Value):
        if _on_read is not None:
            _on_read(v, f"a comparison (v {symbol} w)")
            _on_read(other, f"a comparison (v {symbol} w)")
        return compare(v._data, other._data)
    if isinstance(other, numbers.Real):
        if _on_read is not None:
            _on_read(v, f"a comparison (v {symbol} {other!r})")
        return compare(v._data, other)
    return NotImplemented  # type: ignore[no-any-return]  # Python then says which types


# -- making nodes -------------------------------------------------------------------------------


def _leaf(x: float) -> Value:
    """A leaf holding the float ``x`` (already checked), e.g. a constant in ``v * 2``."""
    v = _new(Value)
    v._data = x
    v.grad = 0.0
    v._label = ""
    v._op = v._a = v._b = None
    v._stamp = _tick()
    return v


def _operand(x: object, op: Primitive) -> Value | None:
    """The other operand of ``op`` as a Value: itself, a plain number as a constant leaf, or None
    for anything else (the operator then returns NotImplemented and Python says so)."""
    if x.__class__ is float:
        return _leaf(x)
    if isinstance(x, Value):
        return x
    try:
        return _leaf(real(x, f"the number in {op.name}"))
    except TypeError:
        return None


def _node_of(op: Primitive, data: float, inputs: tuple[Value, ...]) -> Value:
    """A node of ``op`` holding ``data``, its ``inputs`` laid out in the two slots."""
    if len(inputs) > 2:
        return _node(op, data, None, inputs)
    return _node(op, data, inputs[0], inputs[1] if len(inputs) == 2 else None)


def _node(op: Primitive, data: float, a: Value | None, b: Any) -> Value:
    """A node of ``op`` holding ``data`` (already checked), with inputs ``a`` and ``b``."""
    v = _new(Value)
    v._data = data
    v.grad = 0.0
    v._label = ""
    v._op = op
    v._a = a
    v._b = b
    v._stamp = _tick()
    return v


def _restore_leaf(data: float, grad: float, label: str) -> Value:
    v = _leaf(data)
    v.grad = grad
    v._label = label
    return v


def _restore_graph(payload: list[Any]) -> Value:
    """The graph that ``Value.__reduce__`` flattened: each node after its inputs, so the stamps
    taken here order it as the original was ordered."""
    built: list[Value] = []
    for item in payload:
        if isinstance(item, Value):
            built.append(item)
            continue
        op, data, grad, label, links = item
        v = _node_of(op, data, tuple(built[k] for k in links))
        v.grad = grad
        v._label = label
        built.append(v)
    return built[-1]


def _inputs(v: Value) -> tuple[Value, ...]:
    a, b = v._a, v._b
    if a is None:
        return () if b is None else b  # a leaf, or three or more inputs
    return (a,) if b is None else (a, b)


# -- local derivatives --------------------------------------------------------------------------


def _local_grads(node: Value) -> tuple[float, ...]:
    """The float local derivatives of a computed node: its primitive's rule on the data."""
    op = node._op
    assert op is not None
    inputs = _inputs(node)
    check_fresh(node, inputs)
    try:
        local = op.local_grads(*(v._data for v in inputs), node._data)
    except (ArithmeticError, ValueError) as exc:
        raise derivative_error(node, exc) from None
    return op.checked_grads(local)


def check_fresh(node: Value, inputs: Iterable[Value]) -> None:
    """StaleGraphError if some input's data was set after ``node`` was computed from it."""
    for v in inputs:
        if v._stamp > node._stamp:
            raise stale_error(node, v)


def stale_error(node: Value, changed: Value) -> StaleGraphError:
    return StaleGraphError(
        f"{name_of(changed)} changed after {name_of(node)} was computed from it, so the graph "
        f"no longer matches its data; run the forward pass again (rebuild the graph) after "
        f"changing data, then call backward"
    )


def derivative_error(node: Value, exc: BaseException) -> Exception:
    """The error for a local derivative that is infinite or undefined at ``node``'s inputs."""
    assert node._op is not None
    return node._op.derivative_error(exc, [v._data for v in _inputs(node)])


def name_of(v: Value) -> str:
    """``'w₁₁⁽¹⁾'`` or ``the sigmoid Value 0.62``: a Value as messages name it."""
    if v._label:
        return repr(v._label)
    return f"the {v._op.name if v._op else 'leaf'} Value {v._data!r}"


# -- reverse mode -------------------------------------------------------------------------------

_stamp_of = operator.attrgetter("_stamp")


def reverse_topological(root: Value) -> list[Value]:
    """Every Value ``root`` depends on, each after all of the Values computed from it.

    Collects the graph iteratively, then orders it by stamp, newest first: a Value is always
    stamped after the Values it was computed from.
    """
    if not isinstance(root, Value):
        raise TypeError(f"reverse_topological needs a Value, got {describe(root)}")
    seen = {root}
    stack = [root]
    mark, push = seen.add, stack.append
    while stack:
        node = stack.pop()
        a = node._a
        if a is not None:
            if a not in seen:
                mark(a)
                push(a)
            b = node._b
            if b is not None and b not in seen:
                mark(b)
                push(b)
        elif node._b is not None:
            for v in node._b:
                if v not in seen:
                    mark(v)
                    push(v)
    order = list(seen)
    order.sort(key=_stamp_of, reverse=True)
    return order


def backward(root: Value) -> None:
    """Fill ``.grad`` with ∂root/∂v for every v in root's graph (see ``Value.backward``).

    On any error, or Ctrl-C, every ``.grad`` is left as it was before the call.
    """
    if _on_read is not None:
        _on_read(root, "backward()")
    order = reverse_topological(root)
    before = [v.grad for v in order]
    node = root
    try:
        for v in order:
            if v._op is not None:
                v.grad = 0.0  # computed Values hold this call's gradient; leaves accumulate
        root.grad += 1.0
        for node in order:
            op = node._op
            if op is None:  # a leaf: its grad is complete, and any overflow upstream reached it
                if node.grad - node.grad != 0.0:
                    raise non_finite_grad(next(v for v in order if v.grad - v.grad != 0.0))
                continue
            g = node.grad
            a, b, stamp = node._a, node._b, node._stamp
            if b is None:
                if a._stamp > stamp:
                    raise stale_error(node, a)
                (da,) = op.local_grads(a._data, node._data)
                a.grad += g * da
            elif a is not None:
                if a._stamp > stamp or b._stamp > stamp:
                    raise stale_error(node, a if a._stamp > stamp else b)
                da, db = op.local_grads(a._data, b._data, node._data)
                a.grad += g * da
                b.grad += g * db
            else:
                for v, d in zip(b, _local_grads(node)):
                    v.grad += g * d
    except BaseException as exc:
        for v, g in zip(order, before):
            v.grad = g
        if isinstance(exc, (ArithmeticError, ValueError, TypeError)) and not isinstance(
            exc, NonFiniteGradError
        ):
            clear = _explain(node)
            if clear is not None:
                raise clear from None
        raise


def _explain(node: Value) -> Exception | None:
    """The clear error for a node whose rule fails (a derivative that is not finite, a rule that
    returns the wrong number of derivatives), or None if its rule is not what failed."""
    if node._op is None:
        return None
    try:
        _local_grads(node)
    except (ArithmeticError, ValueError, TypeError) as clear:
        return clear
    return None


def non_finite_grad(node: Value, g: float | None = None) -> NonFiniteGradError:
    """The error for a gradient that reached ``node`` as ±inf or nan (its ``.grad`` or ``g``)."""
    g = node.grad if g is None else g
    return NonFiniteGradError(
        f"the gradient reaching {name_of(node)} overflows to {g!r}: some local derivative on "
        f"the way back from the output is too large"
    )
