"""The blog's picture of a network: neurons xᵢ⁽ˡ⁾ in layers, one edge per weight wᵢⱼ⁽ˡ⁾.

``draw_network(net)`` (also ``net.draw()``) returns a ``graphviz.Digraph``: render it with
``.render(outfile="network.svg")``, or let Jupyter show it inline.  Each edge carries its
weight's name, value and, once ``backward`` has run, its grad.
"""

from __future__ import annotations

from typing import Any

from autograd.render import (
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

from .activations import symbol
from .notation import bias_label, neuron_label, superscript, weight_label

__all__ = ["DEFAULT_MAX_EDGES", "draw_network"]

EDGE_COLOR = "#495057"
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
    show_grads: bool | None = None,
    rankdir: str = "LR",
    legend: bool = True,
    max_edges: int = DEFAULT_MAX_EDGES,
) -> Diagram:
    """The nn.Network ``net`` as a Graphviz diagram, in the blog's notation.

    One circle per neuron xᵢ⁽ˡ⁾ (layer 1 is the input), layers side by side, one edge per
    weight wᵢⱼ⁽ˡ⁾ from xⱼ⁽ˡ⁾ to xᵢ⁽ˡ⁺¹⁾ labelled with its name, its value (``show_values``)
    and its grad (``show_grads``; by default shown once any parameter has a nonzero grad).
    Biases bᵢ⁽ˡ⁾ are written inside their neuron. A network of more than ``max_edges`` weights
    raises ValueError before anything is built.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    sizes = list(net.sizes)
    edges = sum(len(row) for matrix in net.weights for row in matrix)
    if edges > max_edges:
        raise ValueError(
            f"the network has {edges} weights (one edge each), more than max_edges={max_edges}: "
            f"Graphviz would take long to lay it out and the picture would be unreadable. Draw a "
            f"smaller network, or pass max_edges={edges} to draw it anyway."
        )
    count = len(sizes)
    if show_grads is None:
        show_grads = any(p.grad != 0.0 for p in net.parameters())

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
        fill = NAMED_COLOR if layer == 1 else OUTPUT_COLOR if layer == count else VALUE_COLOR
        biases = net.biases[layer - 2] if layer > 1 else []
        for i in range(1, sizes[layer - 1] + 1):
            lines = [html_escape(neuron_label(layer, i))]
            if biases:
                b = biases[i - 1]
                value = f" = {format_number(b.data)}" if show_values else ""
                lines.append(
                    f'<FONT POINT-SIZE="9">{html_escape(bias_label(layer, i))}{value}</FONT>'
                )
                if show_grads:
                    grad = f"grad {format_number(b.grad)}"
                    lines.append(f'<FONT POINT-SIZE="9" COLOR="{EDGE_LABEL_COLOR}">{grad}</FONT>')
            cluster.node(f"x{layer}_{i}", f"<{'<BR/>'.join(lines)}>", fillcolor=fill)
        g.subgraph(cluster)

    for l, matrix in enumerate(net.weights, start=1):  # noqa: E741
        for i, row in enumerate(matrix, start=1):
            for j, w in enumerate(row, start=1):
                text = html_escape(weight_label(l, i, j))
                if show_values:
                    text += f" = {format_number(w.data)}"
                if show_grads:
                    grad = f"grad {format_number(w.grad)}"
                    text += f'<BR/><FONT COLOR="{EDGE_LABEL_COLOR}">{grad}</FONT>'
                g.edge(f"x{l}_{j}", f"x{l + 1}_{i}", f"<{text}>")

    if legend and show_grads:
        g.attr(
            label=f'<<FONT COLOR="{EDGE_LABEL_COLOR}">grad</FONT>: ∂/∂(weight or bias) of the'
            " Value last differentiated with backward(), e.g. the loss>",
            labelloc="b",
            labeljust="l",
        )
    return g
