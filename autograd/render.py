"""Graphviz pictures of computation graphs: Values with data and grad, ops, local derivatives.

``draw_graph(loss)`` returns a :class:`Diagram` (a ``graphviz.Digraph``): ``g.render(outfile=
"graph.svg")`` writes a file, ``g.source`` is the DOT text, and in Jupyter ``g`` shows inline.
The number on each edge from an input to an op is the local derivative ∂(op output)/∂(input):
the factor the chain rule multiplies on the way back.

The graph is read only through public attributes (``data``, ``grad``, ``label``, ``op``,
``inputs``, ``local_grads``) and ``reverse_topological``, so any depth works.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import graphviz  # type: ignore[import-untyped, unused-ignore]

from .value import StaleGraphError, Value, reverse_topological

__all__ = [
    "DEFAULT_MAX_NODES",
    "Diagram",
    "GraphvizNotFoundError",
    "draw_graph",
    "format_number",
    "html_escape",
]

DEFAULT_MAX_NODES = 500
"""Largest graph, in Values, that ``draw_graph`` lays out unless given a larger ``max_nodes``
(dot needs about a second for 500 Values, and a picture that size is hard to read already)."""

RANKDIRS = ("LR", "TB", "RL", "BT")

INSTALL_HINT = (
    "Graphviz's `dot` program is needed to render this picture but was not found on PATH. "
    "Install Graphviz, then restart Python (or the Jupyter kernel):\n"
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  conda:          conda install -c conda-forge graphviz\n"
    "  Windows:        winget install graphviz   (or https://graphviz.org/download/)\n"
    "Nothing is lost meanwhile: `g.source` holds the DOT text, and `g.save('graph.gv')` "
    "writes it to a file without needing `dot`."
)

# Light fills keep black text readable; the legend under the picture repeats them.
OUTPUT_COLOR = "#ffc078"  # orange: the root (e.g. the loss)
PARAM_COLOR = "#b2f2bb"  # green: parameters, when ``params=`` names them
NAMED_COLOR = "#a5d8ff"  # blue: labelled leaves (inputs, targets; parameters without params=)
CONST_COLOR = "#e9ecef"  # grey: unlabelled leaves (constants)
VALUE_COLOR = "#ffffff"  # white: computed Values
OP_COLOR = "#fff3bf"  # pale yellow: operations
EDGE_LABEL_COLOR = "#c92a2a"  # dark red: local derivatives on edges
FONT = "Helvetica"


class GraphvizNotFoundError(graphviz.ExecutableNotFound):  # type: ignore[misc]
    """Graphviz's ``dot`` is not installed; the message says how to install it."""

    def __init__(self, message: str = INSTALL_HINT) -> None:
        RuntimeError.__init__(self, message)


class Diagram(graphviz.Digraph):  # type: ignore[misc]
    """A ``graphviz.Digraph`` that explains how to install Graphviz when ``dot`` is missing.

    ``render``, ``view``, ``pipe`` and Jupyter's inline display all pass through the two
    methods below; ``source`` and ``save`` never need ``dot``.
    """

    def __repr__(self) -> str:
        return f"<Diagram {self.name!r}: .render(outfile=...) draws it, .source is its DOT text>"

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render to a file, e.g. ``g.render(outfile="graph.svg")``; returns its path."""
        with _explaining_missing_dot():
            return super().render(*args, **kwargs)  # type: ignore[no-any-return]

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        """The rendered picture as bytes (str with ``encoding=``), e.g. ``format="svg"``."""
        with _explaining_missing_dot():
            return super().pipe(*args, **kwargs)


@contextmanager
def _explaining_missing_dot() -> Iterator[None]:
    """Turn graphviz's bare ExecutableNotFound into one that says how to install Graphviz."""
    try:
        yield
    except GraphvizNotFoundError:
        raise
    except graphviz.ExecutableNotFound as exc:
        raise GraphvizNotFoundError() from exc


def format_number(x: float) -> str:
    """``x`` to 4 significant digits: ``0.1235``, ``-2``, ``1.5e-05``; ``-0`` shows as ``0``."""
    s = f"{x:.4g}"
    return "0" if s == "-0" else s


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def html_escape(text: str) -> str:
    """``text`` for the inside of a Graphviz HTML-like label, shown exactly as written.

    Entities for ``& < > "``; backslashes doubled (Graphviz expands ``\\N``, ``\\G`` and
    ``\\\\`` even in HTML labels); newlines as ``<BR/>``; control characters, which XML
    cannot hold, as U+FFFD.
    """
    text = (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\\", "\\\\")
        .replace("\r\n", "\n")
    )
    return _CONTROL.sub("\ufffd", text).replace("\n", "<BR/>")


def _tooltip(text: str) -> str:
    """``text`` for a quoted DOT attribute, shown as written (hover text in SVG)."""
    return graphviz.escape(_CONTROL.sub("\ufffd", text))  # type: ignore[no-any-return]


_FILL = {
    "output": OUTPUT_COLOR,
    "parameter": PARAM_COLOR,
    "named": NAMED_COLOR,
    "constant": CONST_COLOR,
    "computed": VALUE_COLOR,
}
_LEGEND = {
    "output": "output",
    "parameter": "parameter",
    "named": "labelled leaf",
    "constant": "constant",
}


def _kind(v: Value, root: Value, params: set[Value] | None) -> str:
    if v is root:
        return "output"
    if params is not None and v in params:
        return "parameter"
    if v.inputs:
        return "computed"
    return "named" if v.label else "constant"


def _value_label(v: Value, kind: str, show_grad: bool) -> str:
    rows = []
    if v.label:
        rows.append(f"<B>{html_escape(v.label)}</B>")
    rows.append(f"data {format_number(v.data)}")
    if show_grad and kind != "constant":
        rows.append(f"grad {format_number(v.grad)}")
    border = "2" if kind == "output" else "1"
    cells = "".join(f"<TR><TD>{r}</TD></TR>" for r in rows)
    return (
        f'<<TABLE BORDER="{border}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"'
        f' BGCOLOR="{_FILL[kind]}" STYLE="ROUNDED">{cells}</TABLE>>'
    )


def _legend(kinds: set[str], show_grad: bool, show_local_grads: bool) -> str:
    cells = [
        f'<TD BGCOLOR="{_FILL[k]}" BORDER="1">{text}</TD>'
        for k, text in _LEGEND.items()
        if k in kinds
    ]
    notes = ["box: label / data" + (" / grad" if show_grad else "")]
    if show_local_grads:
        notes.append(
            f'<FONT COLOR="{EDGE_LABEL_COLOR}">number on an edge</FONT>: local derivative'
            " ∂(op output)/∂(input), the factor the chain rule multiplies"
        )
    cells.append(f"<TD>{' · '.join(notes)}</TD>")
    return f'<<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="2"><TR>{"".join(cells)}</TR></TABLE>>'


def _edge_labels(v: Value) -> list[str]:
    try:
        return [format_number(d) for d in v.local_grads]
    except (ZeroDivisionError, OverflowError):  # an infinite slope (√x at 0): draw it anyway
        return ["∞"] * len(v.inputs)
    except (ValueError, StaleGraphError):  # undefined there, or its inputs changed since
        return ["?"] * len(v.inputs)


def draw_graph(
    root: Value,
    *,
    rankdir: str = "LR",
    max_nodes: int = DEFAULT_MAX_NODES,
    params: Iterable[Value] | None = None,
    show_grad: bool = True,
    show_local_grads: bool = True,
    legend: bool = True,
    groups: Mapping[str, Iterable[Value]] | None = None,
) -> Diagram:
    """The computation graph behind ``root`` as a Graphviz picture (a ``graphviz.Digraph``).

    One box per Value (label, data, grad), one small circle per operation, and on each edge
    from an input to an operation its local derivative ∂(output)/∂(input).  Colours: ``root``
    orange; ``params`` (when given, e.g. ``net.parameters()``) green; other labelled leaves
    blue; unlabelled leaves (constants) grey; computed Values white.  ``groups`` maps a
    caption to Values to frame together (a Value's op is framed with it).  A graph of more
    than ``max_nodes`` Values raises ``ValueError`` before anything is built.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph needs a Value, got {type(root).__name__} {root!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    order = reverse_topological(root)
    size = len(order)
    if size > max_nodes:
        raise ValueError(
            f"the graph has {size} Values, more than max_nodes={max_nodes}: Graphviz would "
            f"take long to lay it out and the picture would be unreadable. Draw a smaller "
            f"part (one output, one neuron), or pass max_nodes={size} to draw it anyway."
        )
    order.reverse()  # inputs first: dot keeps this order within a rank
    names = {v: f"v{k}" for k, v in enumerate(order)}
    param_set = None if params is None else set(params)

    g = Diagram(
        "computation_graph",
        format="svg",
        graph_attr={
            "rankdir": rankdir,
            "nodesep": "0.15",
            "ranksep": "0.3",
            "fontname": FONT,
            "fontsize": "10",
        },
        node_attr={"shape": "plain", "fontname": FONT, "fontsize": "11"},
        edge_attr={
            "fontname": FONT,
            "fontsize": "10",
            "fontcolor": EDGE_LABEL_COLOR,
            "arrowsize": "0.6",
            "decorate": "true",  # a thin line ties each number to its own edge
        },
    )
    cluster_of: dict[Value, Diagram] = {}
    clusters: list[Diagram] = []
    for caption, members in (groups or {}).items():
        cluster = Diagram(
            f"cluster_{len(clusters)}",
            graph_attr={
                "label": f"<{html_escape(caption)}>",
                "style": "rounded,dashed",
                "color": "#868e96",
            },
        )
        clusters.append(cluster)
        for v in members:
            cluster_of.setdefault(v, cluster)

    kinds: set[str] = set()
    for v in order:
        name = names[v]
        kind = _kind(v, root, param_set)
        kinds.add(kind)
        home = cluster_of.get(v, g)
        tooltip = f"{v.label + ': ' if v.label else ''}data={v.data!r} grad={v.grad!r}"
        home.node(name, _value_label(v, kind, show_grad), tooltip=_tooltip(tooltip))
        if not v.inputs:
            continue
        op = f"{name}_op"
        home.node(
            op,
            f"<{html_escape(v.primitive.symbol if v.primitive else v.op)}>",
            shape="circle",
            style="filled",
            fillcolor=OP_COLOR,
            margin="0.02",
            width="0.3",
            tooltip=_tooltip(v.op),
        )
        g.edge(op, name)
        labels = _edge_labels(v) if show_local_grads else [None] * len(v.inputs)
        for inp, label in zip(v.inputs, labels):
            g.edge(names[inp], op, label)
    for cluster in clusters:
        if cluster.body:
            g.subgraph(cluster)
    if legend:
        g.attr(label=_legend(kinds, show_grad, show_local_grads), labelloc="b", labeljust="l")
    return g
