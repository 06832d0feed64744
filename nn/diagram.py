"""The blog's picture of a network: neurons xᵢ⁽ˡ⁾ in layers, one edge per weight wᵢⱼ⁽ˡ⁾.

``draw_network(net)`` (also ``net.draw()``) returns a ``graphviz.Digraph``: render it with
``.render(outfile="network.svg")``, or let Jupyter show it inline.  Each edge carries its
weight's name, value and, once ``backward`` has run, its grad; its width grows with |w| and its
colour gives the sign.  Drawn with an input (``net.draw(x=[…])``), each neuron shows its
activation, and units that pass almost no gradient back are flagged: a saturated sigmoid or
tanh (f′(z) < 0.01) and a dead ReLU (z ≤ 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd.numbers import positive_int
from autograd.render import (
    EDGE_COLOR,
    EDGE_LABEL_COLOR,
    FONT,
    NAMED_COLOR,
    OUTPUT_COLOR,
    RANKDIRS,
    VALUE_COLOR,
    Diagram,
    format_number,
    html_escape,
)

from .activations import SATURATED, derivative, symbol
from .notation import bias_label, neuron_label, superscript, weight_label

__all__ = ["DEFAULT_MAX_EDGES", "draw_network"]

POSITIVE_COLOR = "#1c7ed6"  # blue: w > 0
NEGATIVE_COLOR = "#e8590c"  # orange: w < 0
FLAG_COLOR = "#dee2e6"  # grey fill: a unit that passes (almost) no gradient back
"""f′(z) below this flags a sigmoid or tanh unit as saturated: the gradient through it shrinks
at least a hundredfold."""
DEFAULT_MAX_EDGES = 500
"""Most weights (edges) ``draw_network`` lays out unless given a larger ``max_edges``: like
``autograd.render.DEFAULT_MAX_NODES``, about what dot lays out in a second and a reader can
still follow."""


def _up(layer: int) -> str:
    return f"⁽{superscript(layer)}⁾"


def _layer_caption(layer: int, count: int, activation: str, bias: bool) -> str:
    """``"hidden x⁽²⁾ = σ(W⁽¹⁾x⁽¹⁾)"``: the layer's role and the blog's formula for it."""
    if layer == 1:
        return f"input x{_up(1)}"
    kind = "output" if layer == count else "hidden"
    z = f"W{_up(layer - 1)}x{_up(layer - 1)}" + (f" + b{_up(layer)}" if bias else "")
    if activation != "linear":
        z = f"{symbol(activation)}({z})"
    return f"{kind} x{_up(layer)} = {z}"


def draw_network(
    net: Any,
    *,
    show_values: bool = True,
    show_grad: bool | None = None,
    rankdir: str = "LR",
    legend: bool = True,
    max_edges: int = DEFAULT_MAX_EDGES,
    x: Sequence[float] | None = None,
) -> Diagram:
    """The nn.Network ``net`` as a Graphviz diagram, in the blog's notation.

    One circle per neuron xᵢ⁽ˡ⁾ (layer 1 is the input), layers side by side, one edge per
    weight wᵢⱼ⁽ˡ⁾ from xⱼ⁽ˡ⁾ to xᵢ⁽ˡ⁺¹⁾ labelled with its name, its value (``show_values``)
    and its grad (``show_grad``; by default shown once any parameter has a nonzero grad).
    Biases bᵢ⁽ˡ⁾ are written inside their neuron.  An edge's width grows with |w| (relative to
    the largest weight), blue for w > 0, orange for w < 0.  With an input ``x`` the network
    runs forward: each neuron shows its xᵢ⁽ˡ⁾, and a unit whose f′(z) is below 0.01 (a
    saturated sigmoid or tanh) or 0 (a dead ReLU, z ≤ 0) is greyed and says so.  A network
    of more than ``max_edges`` weights raises ValueError before anything is built.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    max_edges = positive_int(max_edges, "max_edges")
    sizes = list(net.sizes)
    edges = sum(len(row) for matrix in net.weights for row in matrix)
    if edges > max_edges:
        raise ValueError(
            f"the network has {edges} weights (one edge each), more than max_edges={max_edges}: "
            f"Graphviz would take long to lay it out and the picture would be unreadable. Draw a "
            f"smaller network, or pass max_edges={edges} to draw it anyway."
        )
    count = len(sizes)
    layers = None if x is None else net.forward_all(x)
    if show_grad is None:
        show_grad = any(p.grad != 0.0 for p in net.parameters())

    g = Diagram(
        "network",
        format="svg",
        graph_attr={
            "rankdir": rankdir,
            "ranksep": "1.6",
            "nodesep": "0.35",
            "fontname": FONT,
            "fontsize": "11",
        },
        node_attr={
            "shape": "circle",
            "style": "filled",
            "margin": "0.04",
            "fontname": FONT,
            "fontsize": "12",
        },
        edge_attr={"color": EDGE_COLOR, "arrowsize": "0.6", "fontname": FONT, "fontsize": "11"},
    )
    for layer in range(1, count + 1):
        activation = net.layers[layer - 2].activation if layer > 1 else ""
        caption = _layer_caption(layer, count, activation, net.bias)
        cluster = Diagram(
            f"cluster_layer{layer}",
            graph_attr={
                "label": f"<{html_escape(caption)}>",
                "style": "rounded,dashed",
                "color": "#868e96",
                "rank": "same",
            },
        )
        layer_fill = NAMED_COLOR if layer == 1 else OUTPUT_COLOR if layer == count else VALUE_COLOR
        biases = net.biases[layer - 2] if layer > 1 else []
        for i in range(1, sizes[layer - 1] + 1):
            fill = layer_fill
            lines = [html_escape(neuron_label(layer, i))]
            if biases:
                b = biases[i - 1]
                value = f" = {format_number(b.data)}" if show_values else ""
                lines.append(
                    f'<FONT POINT-SIZE="9">{html_escape(bias_label(layer, i))}{value}</FONT>'
                )
                if show_grad:
                    grad = f"grad {format_number(b.grad)}"
                    lines.append(f'<FONT POINT-SIZE="9" COLOR="{EDGE_LABEL_COLOR}">{grad}</FONT>')
            if layers is not None:
                unit = layers[layer - 1][i - 1]
                lines.append(f'<FONT POINT-SIZE="10">= {format_number(unit.data)}</FONT>')
                flag = _flag(unit, activation) if layer > 1 else None
                if flag is not None:
                    fill = FLAG_COLOR
                    lines.append(f'<FONT POINT-SIZE="10"><I>{html_escape(flag)}</I></FONT>')
            cluster.node(f"x{layer}_{i}", f"<{'<BR/>'.join(lines)}>", fillcolor=fill)
        g.subgraph(cluster)

    largest = max((abs(w.data) for m in net.weights for row in m for w in row), default=0.0)
    for l, matrix in enumerate(net.weights, start=1):  # noqa: E741
        for i, row in enumerate(matrix, start=1):
            for j, w in enumerate(row, start=1):
                share = abs(w.data) / largest if largest > 0.0 else 0.0
                look = {
                    "penwidth": f"{0.6 + 3.4 * share:.2f}",
                    "color": POSITIVE_COLOR
                    if w.data > 0
                    else NEGATIVE_COLOR
                    if w.data < 0
                    else EDGE_COLOR,
                }
                text = html_escape(weight_label(l, i, j))
                if show_values:
                    text += f" = {format_number(w.data)}"
                if show_grad:
                    grad = f"grad {format_number(w.grad)}"
                    text += f'<BR/><FONT COLOR="{EDGE_LABEL_COLOR}">{grad}</FONT>'
                g.edge(f"x{l}_{j}", f"x{l + 1}_{i}", f"<{text}>", **look)

    if legend:
        rows = [
            f'edge width ∝ |w|; <FONT COLOR="{POSITIVE_COLOR}">blue w &gt; 0</FONT>,'
            f' <FONT COLOR="{NEGATIVE_COLOR}">orange w &lt; 0</FONT>'
        ]
        if show_grad:
            rows.append(
                f'<FONT COLOR="{EDGE_LABEL_COLOR}">grad</FONT>: ∂/∂(weight or bias) of the'
                " Value last differentiated with backward()"
            )
        if layers is not None:
            rows.append("grey unit: f′(z) &lt; 0.01, almost no gradient flows back through it")
        cells = "".join(f'<TR><TD ALIGN="LEFT">{r}</TD></TR>' for r in rows)
        g.attr(
            label=f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>>',
            labelloc="b",
            labeljust="l",
        )
    return g


def _flag(unit: Any, activation: str) -> str | None:
    """Why a unit passes (almost) no gradient back, or None: f′(z) from the op table's rule."""
    if activation == "linear" or not unit.inputs:
        return None
    slope = derivative(activation, unit.inputs[0].data, unit.data)
    if activation == "relu":
        return "dead ReLU: z ≤ 0" if slope == 0.0 else None
    if slope < SATURATED:
        return f"saturated: {symbol(activation)}′ = {format_number(slope)}"
    return None
