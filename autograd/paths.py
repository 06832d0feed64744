"""The paths of the chain rule: every way ``w`` reaches ``root`` through the graph, edge by edge.

∂root/∂w is the sum, over every path from ``w`` to ``root``, of the product of the local
derivatives on the path's edges.  A path is a tuple of edges ``(node, k)``: the step into
``node`` through its input ``k`` (``node.inputs[k]``), so ``x * x`` gives two paths from ``x``.
Read by ``draw_graph(focus=)`` and ``explain``; iterative, so any depth works.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .numbers import describe
from .value import Value, name_of, reverse_topological

__all__ = ["Edge", "PathGraph", "formula_name", "path_graph"]

Edge = tuple[Value, int]
"""``(node, k)``: the edge from ``node.inputs[k]`` into ``node``."""


@dataclass(frozen=True)
class PathGraph:
    """The part of ``root``'s graph between ``w`` and ``root``.

    ``order``: those Values, inputs first (``w`` first, ``root`` last); ``consumers[v]``: the
    edges leaving v towards ``root``; ``counts[v]``: how many paths lead from v to ``root``.
    """

    root: Value
    w: Value
    order: list[Value]
    consumers: dict[Value, list[Edge]]
    counts: dict[Value, int]

    @property
    def count(self) -> int:
        """The number of paths from ``w`` to ``root``."""
        return self.counts[self.w]

    def edges(self) -> Iterator[Edge]:
        """Every edge on some path from ``w`` to ``root``."""
        for v in self.order:
            yield from self.consumers[v]

    def paths(self) -> Iterator[tuple[Edge, ...]]:
        """Every path from ``w`` to ``root``, depth first (no recursion)."""
        if self.w is self.root:
            yield ()
            return
        path: list[Edge] = []
        stack = [iter(self.consumers[self.w])]
        while stack:
            edge = next(stack[-1], None)
            if edge is None:
                stack.pop()
                if path:
                    path.pop()
                continue
            path.append(edge)
            if edge[0] is self.root:
                yield tuple(path)
                path.pop()
            else:
                stack.append(iter(self.consumers[edge[0]]))


def path_graph(
    root: Value, w: Value, what: str = "w", order: list[Value] | None = None
) -> PathGraph:
    """The Values and edges on the paths from ``w`` to ``root`` (ValueError if there are none);
    ``order``: root's graph inputs first, when the caller has it already."""
    if not isinstance(root, Value):
        raise TypeError(f"the root must be a Value, got {describe(root)}")
    if not isinstance(w, Value):
        raise TypeError(f"{what} must be a Value of the graph, got {describe(w)}")
    if order is None:
        order = reverse_topological(root)
        order.reverse()  # inputs first
    if w not in set(order):
        raise ValueError(
            f"{what} ({name_of(w)}) is not in the graph of {name_of(root)}: {name_of(root)} does "
            f"not depend on it, so every path product and ∂/∂{what} is 0"
        )
    on = {w}
    consumers: dict[Value, list[Edge]] = {w: []}
    kept = [w]
    for v in order[order.index(w) + 1 :]:
        ins = [(k, x) for k, x in enumerate(v.inputs) if x in on]
        if ins:
            on.add(v)
            consumers[v] = []
            kept.append(v)
            for k, x in ins:
                consumers[x].append((v, k))
    counts = {root: 1}
    for v in reversed(kept):
        if v is not root:
            counts[v] = sum(counts[node] for node, _ in consumers[v])
    return PathGraph(root, w, kept, consumers, counts)


def formula_name(v: Value, root: Value) -> str:
    """What a formula calls ``v``: its label, else ``root`` for the root and ``w`` for the
    Value differentiated by (∂root/∂w)."""
    if v.label:
        return v.label
    return "root" if v is root else "w"
