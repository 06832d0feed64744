"""Reverse mode, step by step: the edge updates ``backward()`` performs, in its order.

``backward_steps(loss)`` walks the graph exactly as ``backward`` does (``reverse_topological``,
each node's ``local_grads``) and records, for every edge, what is added where, instead of
adding it into ``.grad``.  Nothing in the graph changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .numbers import describe
from .value import Value, non_finite_grad, reverse_topological

__all__ = ["Step", "backward_steps"]


@dataclass(frozen=True)
class Step:
    """One edge of reverse mode: ∂root/∂input += ∂root/∂node · ∂node/∂input.

    ``node`` pushes its grad to ``input`` (``node.inputs[index]``); ``upstream`` = ∂root/∂node;
    ``local`` = ∂node/∂input; ``contribution`` = upstream × local; ``total`` = ∂root/∂input
    summed over the edges counted so far (after this one).
    """

    node: Value
    input: Value
    index: int
    upstream: float
    local: float
    contribution: float
    total: float


def backward_steps(root: Value) -> list[Step]:
    """Every edge update of ``root.backward()``, in its order, without touching any ``.grad``.

    The last ``total`` of each Value is ∂root/∂(that Value), what ``backward()`` leaves in its
    ``.grad`` (for a leaf, on top of what it held: leaves accumulate).  Raises as ``backward``
    does: StaleGraphError for a graph whose leaves changed, an error naming the op for a local
    derivative that is not finite, NonFiniteGradError for a gradient that overflows.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps needs a Value, got {describe(root)}")
    grads: dict[Value, float] = {root: 1.0}
    steps: list[Step] = []
    for node in reverse_topological(root):
        if node.primitive is None:
            continue
        upstream = grads.get(node, 0.0)
        for k, (inp, local) in enumerate(zip(node.inputs, node.local_grads)):
            contribution = upstream * local
            total = grads.get(inp, 0.0) + contribution
            if total - total != 0.0:
                raise non_finite_grad(inp, total)
            grads[inp] = total
            steps.append(Step(node, inp, k, upstream, local, contribution, total))
    return steps
