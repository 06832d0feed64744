"""Reverse mode: graph traversal, ``Value.backward`` and the functional ``grad``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .value import Value, derivative_error


def reverse_topological(root: Value) -> list[Value]:
    """Every Value ``root`` depends on, each after all of the Values computed from it.

    Kahn's algorithm, iterative: one pass counts each node's consumers inside the graph,
    a second releases a node once all of its consumers have been visited.
    """
    consumers: dict[Value, int] = {root: 0}
    stack = [root]
    while stack:
        for inp in stack.pop().inputs:
            if inp in consumers:
                consumers[inp] += 1
            else:
                consumers[inp] = 1
                stack.append(inp)
    order = []
    ready = [root]
    while ready:
        node = ready.pop()
        order.append(node)
        for inp in node.inputs:
            left = consumers[inp] - 1
            consumers[inp] = left
            if left == 0:
                ready.append(inp)
    return order


def backward(root: Value) -> None:
    """Fill ``.grad`` with ∂root/∂v for every v in root's graph (see ``Value.backward``).

    On an error every ``.grad`` is left as it was before the call.
    """
    order = reverse_topological(root)
    before = [node.grad for node in order]
    for node in order:
        if node._op is not None:
            node.grad = 0.0  # intermediates hold the latest call only; leaves accumulate
    root.grad += 1.0
    node = root
    try:
        for node in order:
            g = node.grad
            if g - g != 0.0:
                raise non_finite_grad(node, g)
            op = node._op
            if op is None:
                continue
            inputs = node.inputs
            if len(inputs) == 2:
                a, b = inputs
                da, db = op.local_grads(a.data, b.data, node.data)
                a.grad += g * da
                b.grad += g * db
            else:
                (a,) = inputs
                (da,) = op.local_grads(a.data, node.data)
                a.grad += g * da
    except (ZeroDivisionError, OverflowError, ValueError) as exc:
        for v, g in zip(order, before):
            v.grad = g
        if isinstance(exc, NonFiniteGradError):
            raise
        raise derivative_error(node, exc) from exc


class NonFiniteGradError(OverflowError):
    """A gradient overflowed to ±inf (or became nan) on its way back through the graph."""


def non_finite_grad(node: Value, g: float) -> NonFiniteGradError:
    """The error for a gradient that reached ``node`` as ±inf or nan."""
    what = f"{node.label!r}" if node.label else f"the {node.op or 'leaf'} Value {node.data!r}"
    return NonFiniteGradError(
        f"the gradient reaching {what} overflows to {g!r}: some local derivative on the way "
        f"back from the output is too large"
    )


def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """∂output/∂x for every x in ``inputs``, leaving every ``.grad`` untouched.

    Returns floats; with ``create_graph=True`` returns Values built from the local derivative
    rules, so they can be differentiated again (second derivatives, Hessians).  Such a Value may
    be a node of the original graph (∂(x·w)/∂x is ``w`` itself), so relabel a copy
    (``g * 1.0``), not the result.  An input that ``output`` does not depend on gets 0.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad needs a Value as output, got {type(output).__name__} {output!r}")
    if isinstance(inputs, Value):
        raise TypeError("grad needs a list of Values as inputs, e.g. grad(y, [x]); got one Value")
    inputs = list(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"grad needs Values as inputs, got {type(x).__name__} {x!r}")
    seed = Value(1.0) if create_graph else 1.0  # ∂output/∂output
    grads: dict[Value, Any] = {output: seed}
    for node in reverse_topological(output):
        op = node._op
        g = grads.get(node)
        if g is None:
            continue
        if not create_graph and g - g != 0.0:
            raise non_finite_grad(node, g)
        if op is None:
            continue
        if create_graph:
            try:
                local = op.local_grads(*node.inputs, node)
            except (ZeroDivisionError, OverflowError, ValueError) as exc:
                raise derivative_error(node, exc) from exc
        else:
            local = node.local_grads
        for inp, d in zip(node.inputs, local):
            if isinstance(d, float) and d == 1.0:
                term = g
            elif g is seed:  # 1·d: no "× 1" node in a create_graph result
                term = d if isinstance(d, Value) or not create_graph else Value(d)
            else:
                term = g * d
            grads[inp] = term if inp not in grads else grads[inp] + term
    return [grads[x] if x in grads else Value(0.0) if create_graph else 0.0 for x in inputs]
