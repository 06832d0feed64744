"""Graphviz pictures of computation graphs: Values with data and grad, ops, local derivatives.

``draw_graph(loss)`` returns a :class:`Diagram` (a ``graphviz.Digraph``): ``g.render(outfile=
"graph.svg")`` writes a file, ``g.source`` is the DOT text, and in Jupyter ``g`` shows inline.
Each box is a Value (its op's symbol at its left, then label, data, grad); each edge from an
input to it passes through a small red number, the local derivative ∂(box)/∂(input): the
factor the chain rule multiplies on the way back.  ``focus=w`` highlights every path from w to
the root and writes ∂root/∂w under the picture as the sum over those paths of the products of
their numbers.

The graph is read only through public attributes (``data``, ``grad``, ``label``, ``primitive``,
``inputs``, ``local_grads``) and ``reverse_topological``, so any depth works.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import graphviz  # type: ignore[import-untyped, unused-ignore]

from .backward import grad
from .numbers import describe, positive_int
from .paths import PathGraph, formula_name, path_graph
from .value import StaleGraphError, Value, reverse_topological

__all__ = [
    "DEFAULT_MAX_NODES",
    "FONT",
    "LABEL_LIMIT",
    "Diagram",
    "GraphvizNotFoundError",
    "draw_graph",
    "format_number",
    "html_escape",
    "local_grad_texts",
    "parenthesized",
]

DEFAULT_MAX_NODES = 500
"""Largest graph, in Values, that ``draw_graph`` lays out unless given a larger ``max_nodes``
(dot needs about a second for 500 Values, and a picture that size is hard to read already)."""

LABEL_LIMIT = 40
"""Characters of a label shown in a box; a longer one is cut with … and given whole (up to
``TOOLTIP_LIMIT``) in the box's tooltip."""
TOOLTIP_LIMIT = 4000  # dot refuses quoted strings past 16384 bytes
FOCUS_PATHS_SHOWN = 6  # paths written out under a focused picture; the rest are counted

RANKDIRS = ("TB", "LR", "BT", "RL")

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
OP_COLOR = "#fff3bf"  # pale yellow: the op's symbol
EDGE_LABEL_COLOR = "#c92a2a"  # dark red: local derivatives on edges
EDGE_COLOR = "#495057"
FOCUS_COLOR = "#1864ab"  # dark blue: the paths of ``focus=``
DIM_COLOR = "#ced4da"  # lines and text off those paths
DIM_FILL = "#f8f9fa"

FONT = "DejaVu Sans,Bitstream Vera Sans,Verdana,sans-serif"
"""The font family of every picture: Graphviz measures text with DejaVu Sans (Debian's default,
installed with Graphviz), and a viewer without it falls back to Bitstream Vera Sans (the same
metrics), then to Verdana (about as wide), so text stays inside its boxes."""
FONT_SIZE = "10"


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


def parenthesized(text: str) -> str:
    """``(-0.5)`` for a negative number's text, so that it reads as one factor of a product."""
    return f"({text})" if text.startswith("-") else text


def graph_of(root: Value, max_nodes: object, caller: str = "draw_graph") -> list[Value]:
    """Every Value of ``root``'s graph, inputs first, or an error before anything is built if
    there are more than ``max_nodes`` of them."""
    if not isinstance(root, Value):
        raise TypeError(f"{caller} needs a Value, got {describe(root)}")
    limit = positive_int(max_nodes, "max_nodes")
    order = reverse_topological(root)
    if len(order) > limit:
        raise ValueError(
            f"the graph has {len(order)} Values, more than max_nodes={limit}: Graphviz would "
            f"take long to lay it out and the picture would be unreadable. Draw a smaller "
            f"part (one output, one neuron), or pass max_nodes={len(order)} to draw it anyway."
        )
    order.reverse()  # inputs first: dot keeps this order within a rank
    return order


# -- text: shown exactly as written, and never able to break dot or the SVG -----------------

# XML cannot hold these (nor can UTF-8 hold a lone surrogate): each is shown as U+FFFD.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _UNSAFE.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def shorten(text: str, limit: int = LABEL_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, the last one …, when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def html_escape(text: str) -> str:
    """``text`` for the inside of a Graphviz HTML-like label, shown exactly as written.

    Entities for ``& < > "``; backslashes doubled (Graphviz expands ``\\N``, ``\\G`` and
    ``\\\\`` even in HTML labels); newlines as ``<BR/>``; characters XML cannot hold (control
    characters, U+FFFE, U+FFFF, lone surrogates) as U+FFFD.
    """
    text = (
        _clean(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\\", "\\\\")
    )
    return text.replace("\n", "<BR/>")


def tooltip(text: str) -> str:
    """``text`` for a quoted DOT attribute shown as hover text, exactly as written (cut to
    ``TOOLTIP_LIMIT`` characters): each ``\\`` as four, since dot unescapes tooltips twice (so it
    expands no ``\\N``), and ``&`` as ``&amp;`` so an entity is shown as typed."""
    text = shorten(_clean(text), TOOLTIP_LIMIT).replace("\\", "\\" * 4).replace("&", "&amp;")
    return text.replace('"', '\\"').replace("\n", "\\n")


# -- the picture ---------------------------------------------------------------------------

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
    if v.primitive is not None:
        return "computed"
    return "named" if v.label else "constant"


def local_grad_texts(v: Value) -> list[str]:
    """The numbers drawn on ``v``'s incoming edges: its local derivatives, or what stops them
    from being computed ("∞" for an infinite slope, "?" for an undefined one, "stale" when an
    input's data changed after ``v`` was computed)."""
    try:
        return [format_number(d) for d in v.local_grads]
    except StaleGraphError:
        return ["stale"] * len(v.inputs)
    except (ZeroDivisionError, OverflowError):  # an infinite slope (√x at 0)
        return ["∞"] * len(v.inputs)
    except (ArithmeticError, ValueError, TypeError):  # undefined there, or a broken rule
        return ["?"] * len(v.inputs)


def _value_label(
    v: Value, kind: str, grad: str | None, dim: bool = False, mark: str | None = None
) -> str:
    """The box of ``v``: its op's symbol in a cell at the left, then label, data, grad."""
    rows = []
    if v.label:
        rows.append(f"<B>{html_escape(shorten(v.label))}</B>")
    rows.append(f"data {format_number(v.data)}")
    if grad is not None and kind != "constant":
        rows.append(f"grad {grad}")
    fill = DIM_FILL if dim else _FILL[kind]
    cells = [f"<TD>{r}</TD>" for r in rows]
    if v.primitive is not None:
        op_fill = DIM_FILL if dim else OP_COLOR
        symbol = html_escape(shorten(v.primitive.symbol, 12))
        cells[0] = f'<TD ROWSPAN="{len(rows)}" BGCOLOR="{op_fill}">{symbol}</TD>' + cells[0]
    border = "2" if kind == "output" or mark else "1"
    color = f' COLOR="{mark}"' if mark else ' COLOR="#adb5bd"' if dim else ""
    body = "".join(f"<TR>{c}</TR>" for c in cells)
    return (
        f'<<TABLE BORDER="{border}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4"'
        f' BGCOLOR="{fill}"{color} STYLE="ROUNDED">{body}</TABLE>>'
    )


def _legend(kinds: set[str], show_grad: bool, show_local_grads: bool) -> list[str]:
    cells = [
        f'<TD BGCOLOR="{_FILL[k]}" BORDER="1">{text}</TD>'
        for k, text in _LEGEND.items()
        if k in kinds
    ]
    box = "box: op symbol, label, data" + (", grad" if show_grad else "")
    rows = [
        '<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="1">'
        f'<TR>{"".join(cells)}<TD ALIGN="LEFT">{box}</TD></TR></TABLE>'
    ]
    if show_local_grads:
        rows.append(
            '<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1"><TR>'
            f'<TD><FONT COLOR="{EDGE_LABEL_COLOR}">red number</FONT> on an arrow: the local '
            "derivative ∂(box it points to)/∂(box it starts from)</TD></TR></TABLE>"
        )
    return rows


def _focus_caption(paths: PathGraph, total: str) -> list[str]:
    """∂root/∂w = Σ over paths of the product of the numbers on their edges, as table rows."""
    root, w = paths.root, paths.w
    name = f"∂{shorten(formula_name(root, root), 20)}/∂{shorten(formula_name(w, root), 20)}"
    count = paths.count
    rows = [
        f"{name} = sum over the {count} highlighted path{'s' * (count != 1)} of the product"
        " of the numbers on its edges"
    ]
    terms = []
    for k, path in enumerate(paths.paths()):
        if k == FOCUS_PATHS_SHOWN:
            break
        factors = [local_grad_texts(node)[i] for node, i in path]
        terms.append(" × ".join(parenthesized(f) for f in factors) or "1")
    shown = [("= " if k == 0 else "+ ") + t for k, t in enumerate(terms)]
    if count > len(terms):
        shown.append(f"+ … ({count - len(terms)} more paths)")
    shown.append(f"= {total}")
    return [html_escape(r) for r in rows + shown]


def draw_graph(
    root: Value,
    *,
    rankdir: str = "TB",
    max_nodes: int = DEFAULT_MAX_NODES,
    params: Iterable[Value] | None = None,
    show_grad: bool = True,
    show_local_grads: bool = True,
    legend: bool = True,
    groups: Mapping[str, Iterable[Value]] | None = None,
    focus: Value | None = None,
) -> Diagram:
    """The computation graph behind ``root`` as a Graphviz picture (a ``graphviz.Digraph``).

    One box per Value (op symbol, label, data, grad), top to bottom from the inputs to
    ``root``; each edge from an input passes through its local derivative ∂(box)/∂(input).
    Colours: ``root`` orange; ``params`` (when given, e.g. ``net.parameters()``) green; other
    labelled leaves blue; unlabelled leaves (constants) grey; computed Values white.
    ``groups`` maps a caption to Values to frame together.  ``focus=w`` highlights every path
    from w to ``root``, dims the rest, and writes ∂root/∂w under the picture as the sum over
    those paths of the products of their edge numbers.  A graph of more than ``max_nodes``
    Values raises ``ValueError`` before anything is built.
    """
    order = graph_of(root, max_nodes)
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    paths = None if focus is None else path_graph(root, focus, "focus", order)
    return build(
        root,
        order,
        rankdir=rankdir,
        params=params,
        grad_text=(lambda v: format_number(v.grad)) if show_grad else None,
        show_local_grads=show_local_grads,
        legend=legend,
        groups=groups,
        paths=paths,
    )


def _check_groups(groups: object) -> dict[str, list[Value]]:
    if groups is None:
        return {}
    if not isinstance(groups, Mapping):
        raise TypeError(
            f"groups must map a caption to Values, e.g. {{'layer 1': [a, b]}}, got "
            f"{describe(groups)}"
        )
    checked = {}
    for caption, members in groups.items():
        if not isinstance(caption, str):
            raise TypeError(f"groups captions must be str, got {describe(caption)}")
        if isinstance(members, Value) or not isinstance(members, Iterable):
            raise TypeError(
                f"groups[{caption!r}] must be a list of Values, got {describe(members)}"
            )
        values = list(members)
        for v in values:
            if not isinstance(v, Value):
                raise TypeError(f"groups[{caption!r}] must hold Values, got {describe(v)}")
        checked[caption] = values
    return checked


def build(
    root: Value,
    order: list[Value],
    *,
    rankdir: str = "TB",
    params: Iterable[Value] | None = None,
    grad_text: Callable[[Value], str] | None = None,
    show_local_grads: bool = True,
    legend: bool = True,
    groups: object = None,
    paths: PathGraph | None = None,
) -> Diagram:
    """The picture of ``order`` (``graph_of(root)``), for ``draw_graph`` and the player.

    Every Value k is the node ``v{k}``; its input edge j is ``v{k}-in{j}`` or, through its
    number, ``v{k}-in{j}a`` and ``v{k}-in{j}b`` around the number node ``v{k}-d{j}``: the
    names the player's script reads.
    """
    checked_groups = _check_groups(groups)
    param_set = None if params is None else set(params)
    names = {v: f"v{k}" for k, v in enumerate(order)}
    on_path: set[Value] = set() if paths is None else set(paths.order)
    path_edges = set() if paths is None else set(paths.edges())

    g = Diagram(
        "computation_graph",
        format="svg",
        graph_attr={
            "rankdir": rankdir,
            "nodesep": "0.12",
            "ranksep": "0.12",
            "fontname": FONT,
            "fontsize": FONT_SIZE,
        },
        node_attr={"shape": "plain", "fontname": FONT, "fontsize": FONT_SIZE},
        edge_attr={"color": EDGE_COLOR, "arrowsize": "0.5", "penwidth": "0.8"},
    )
    cluster_of: dict[Value, Diagram] = {}
    clusters: list[Diagram] = []
    for caption, members in checked_groups.items():
        cluster = Diagram(
            f"cluster_{len(clusters)}",
            graph_attr={
                "label": f"<{html_escape(shorten(caption))}>",
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
        dim = paths is not None and v not in on_path
        mark = FOCUS_COLOR if paths is not None and not dim else None
        home = cluster_of.get(v, g)
        text = f"{v.label}: " if v.label else ""
        text += f"data={v.data!r} grad={v.grad!r}"
        if v.primitive is not None:
            text += f" ({v.primitive.name})"
        label = _value_label(v, kind, None if grad_text is None else grad_text(v), dim, mark)
        extra = {"fontcolor": "#868e96"} if dim else {}
        home.node(name, label, tooltip=tooltip(text), id=name, **extra)
        if v.primitive is None:
            continue
        numbers_ = local_grad_texts(v) if show_local_grads else [None] * len(v.inputs)
        for j, (inp, number) in enumerate(zip(v.inputs, numbers_)):
            lit = (v, j) in path_edges
            style = {}
            if paths is not None:
                style = {"color": FOCUS_COLOR, "penwidth": "2"} if lit else {"color": DIM_COLOR}
            edge = f"{name}-in{j}"
            if number is None:
                g.edge(names[inp], name, id=edge, **style)
                continue
            home.node(
                f"{name}-d{j}",
                html_escape(number),
                id=f"{name}-d{j}",
                shape="box",
                style="rounded,filled",
                fillcolor="white",
                color=style.get("color", EDGE_COLOR),
                fontcolor=DIM_COLOR if paths is not None and not lit else EDGE_LABEL_COLOR,
                margin="0.03,0.01",
                width="0",
                height="0",
                penwidth="0.6",
                tooltip=tooltip(f"∂/∂(input {j + 1}) of {v.primitive.name}"),
            )
            g.edge(names[inp], f"{name}-d{j}", id=f"{edge}a", arrowhead="none", **style)
            g.edge(f"{name}-d{j}", name, id=f"{edge}b", **style)
    for cluster in clusters:
        if cluster.body:
            g.subgraph(cluster)
    rows: list[str] = []
    if paths is not None:
        total = _total(paths)
        rows += _focus_caption(paths, total)
    if legend:
        rows += _legend(kinds, grad_text is not None, show_local_grads)
    if rows:
        cells = "".join(f'<TR><TD ALIGN="LEFT">{r}</TD></TR>' for r in rows)
        table = f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>'
        g.attr(label=f"<{table}>", labelloc="b", labeljust="l")
    return g


def _total(paths: PathGraph) -> str:
    """∂root/∂w by reverse mode, or "?" when a derivative on the way cannot be computed (the
    picture shows which, on its edge)."""
    try:
        return format_number(grad(paths.root, [paths.w])[0])
    except (ArithmeticError, ValueError, TypeError, StaleGraphError):
        return "? (a derivative on the way cannot be computed)"
