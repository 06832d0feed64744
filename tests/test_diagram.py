"""net.draw() and the MSE graph of the blog's 3-2-2 network, rendered to SVG and parsed."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import pytest
from test_render import parse_svg, svg_of

import nn
from autograd import Value, draw_graph
from autograd.render import EDGE_COLOR, PARAM_COLOR, format_number
from nn.diagram import FLAG_COLOR, NEGATIVE_COLOR, POSITIVE_COLOR, draw_network

X = [0.5, -1.0, 2.0]
Y = [1.0, 0.0]

# The blog's names, written out: wᵢⱼ⁽ˡ⁾ joins input j (layer l) to neuron i (layer l+1).
WEIGHTS = {
    (1, 1, 1): "w₁₁⁽¹⁾",
    (1, 1, 2): "w₁₂⁽¹⁾",
    (1, 1, 3): "w₁₃⁽¹⁾",
    (1, 2, 1): "w₂₁⁽¹⁾",
    (1, 2, 2): "w₂₂⁽¹⁾",
    (1, 2, 3): "w₂₃⁽¹⁾",
    (2, 1, 1): "w₁₁⁽²⁾",
    (2, 1, 2): "w₁₂⁽²⁾",
    (2, 2, 1): "w₂₁⁽²⁾",
    (2, 2, 2): "w₂₂⁽²⁾",
}
NEURONS = ["x₁⁽¹⁾", "x₂⁽¹⁾", "x₃⁽¹⁾", "x₁⁽²⁾", "x₂⁽²⁾", "x₁⁽³⁾", "x₂⁽³⁾"]


def blog_net() -> nn.Network:
    return nn.Network([3, 2, 2], activation="sigmoid", bias=False, seed=7)


def test_network_has_one_node_per_neuron_and_one_edge_per_weight() -> None:
    net = blog_net()
    pic = svg_of(net.draw())
    assert sorted(texts[0] for texts in pic.node_texts.values()) == sorted(NEURONS)
    assert len(pic.node_texts) == 7
    assert len(pic.edges) == 10
    for (layer, i, j), name in WEIGHTS.items():
        tail = pic.node(f"x{'₁₂₃'[j - 1]}⁽{'¹²³'[layer - 1]}⁾")
        head = pic.node(f"x{'₁₂₃'[i - 1]}⁽{'¹²³'[layer]}⁾")
        w = net.weights[layer - 1][i - 1][j - 1]
        assert pic.edge_labels(tail, head) == [[f"{name} = {format_number(w.data)}"]]
    assert not [t for t in pic.texts if "grad" in t]  # no backward yet: no grads shown
    captions = [texts[0] for texts in pic.clusters]
    assert captions == ["input x⁽¹⁾", "hidden x⁽²⁾ = σ(W⁽¹⁾x⁽¹⁾)", "output x⁽³⁾ = σ(W⁽²⁾x⁽²⁾)"]


def test_network_edges_show_grads_after_backward() -> None:
    net = blog_net()
    nn.mse(net(X), Y).backward()
    pic = svg_of(net.draw())
    for layer, matrix in enumerate(net.weights, start=1):
        for i, row in enumerate(matrix, start=1):
            for j, w in enumerate(row, start=1):
                assert w.grad != 0.0
                (texts,) = [t for _, _, t in pic.edges if t[0].startswith(WEIGHTS[layer, i, j])]
                assert texts == [
                    f"{WEIGHTS[layer, i, j]} = {format_number(w.data)}",
                    f"grad {format_number(w.grad)}",
                ]
    hidden = draw_network(net, show_grad=False, show_values=False, legend=False)
    assert sorted(t for _, _, (t,) in svg_of(hidden).edges) == sorted(WEIGHTS.values())
    assert "grad" not in net.draw(show_grad=False, legend=False).source  # net.draw passes it on


def test_biases_are_written_in_their_neurons() -> None:
    net = nn.Network([2, 2, 1], activation="tanh", output_activation="linear", seed=3)
    pic = svg_of(draw_network(net, show_grad=True))
    b = net.biases[0][1]
    assert pic.node_texts[pic.node("x₂⁽²⁾")] == [
        "x₂⁽²⁾",
        f"b₂⁽²⁾ = {format_number(b.data)}",
        "grad 0",
    ]
    captions = [texts[0] for texts in pic.clusters]
    assert captions[1:] == ["hidden x⁽²⁾ = tanh(W⁽¹⁾x⁽¹⁾ + b⁽²⁾)", "output x⁽³⁾ = W⁽²⁾x⁽²⁾ + b⁽³⁾"]
    assert len(pic.node_texts) == 5 and len(pic.edges) == 6


def test_network_renders_to_an_svg_file(tmp_path: Path) -> None:
    g = blog_net().draw(rankdir="TB")
    assert isinstance(g, graphviz.Digraph)
    path = Path(g.render(outfile=tmp_path / "network.svg"))
    assert len(parse_svg(path.read_bytes()).node_texts) == 7
    assert b"<svg" in g.pipe()  # SVG by default, as Jupyter and render() without a file use it
    with pytest.raises(ValueError, match=r"^rankdir must be one of TB, LR, BT, RL, got 'sideways'"):
        blog_net().draw(rankdir="sideways")


def test_mse_graph_of_the_blog_network() -> None:
    net = blog_net()
    loss = nn.mse(net(X), Y)
    loss.backward()
    pic = svg_of(draw_graph(loss, params=net.parameters()))
    for (layer, i, j), name in WEIGHTS.items():
        w = net.weights[layer - 1][i - 1][j - 1]
        node = pic.node(name)
        assert pic.node_texts[node] == [
            name,
            f"data {format_number(w.data)}",
            f"grad {format_number(w.grad)}",
        ]
        assert PARAM_COLOR in pic.node_fills[node]
        # w feeds one product w·x; its edge passes through ∂(w·x)/∂w = x, the neuron's input.
        ((number, product),) = [
            (h, n) for t, h, _ in pic.edges if t == node for n in [h[: h.index("-d")]]
        ]
        assert pic.node_texts[product][0] == "×"
        x_in = net.forward_all(X)[layer - 1][j - 1].data
        assert pic.node_texts[number] == [format_number(x_in)]
    assert pic.box("MSE") == ["+", "MSE", f"data {format_number(loss.data)}", "grad 1"]
    for neuron in NEURONS:
        assert pic.node(neuron)


def test_big_networks_are_refused_before_anything_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    big = nn.Network([784, 100, 10], seed=0)  # 784·100 + 100·10 = 79 400 weights

    def no_diagram(*args: object, **kwargs: object) -> None:
        raise AssertionError("a Diagram was built")

    monkeypatch.setattr("nn.diagram.Diagram", no_diagram)
    with pytest.raises(ValueError, match=r"79400 weights.*max_edges=500.*max_edges=79400"):
        big.draw()
    monkeypatch.undo()
    # 10·50 = 500 edges is allowed by default, 10·50 + 50·1 = 550 is not, unless asked for
    assert draw_network(nn.Network([10, 50], seed=0)).source.count(" -> ") == 500
    wider = nn.Network([10, 50, 1], seed=0)
    with pytest.raises(ValueError, match="550 weights"):
        wider.draw()
    assert wider.draw(max_edges=550).source.count(" -> ") == 550
    with pytest.raises(ValueError, match=r"^max_edges must be a positive integer, got 0"):
        draw_network(wider, max_edges=0)


def _edge_looks(g: graphviz.Digraph) -> dict[str, tuple[float, str]]:
    """Weight name → (pen width, colour), from the DOT source."""
    looks = {}
    for line in g.source.splitlines():
        m = re.search(r"<(w\S+?) = .*penwidth=([\d.]+)", line)
        c = re.search(r'color="(#[0-9a-f]{6})"', line)
        if m and c:
            looks[m.group(1)] = (float(m.group(2)), c.group(1))
    return looks


def test_edges_show_the_size_and_sign_of_each_weight() -> None:
    net = nn.Network.from_weights([[[2.0, -1.0, 0.5]], [[-0.25]]], activation="sigmoid")
    pic = svg_of(net.draw())
    looks = _edge_looks(net.draw())
    assert looks["w₁₁⁽¹⁾"] == (4.0, POSITIVE_COLOR)  # the largest |w|: the widest
    assert looks["w₁₂⁽¹⁾"] == (pytest.approx(0.6 + 3.4 * 0.5, abs=0.01), NEGATIVE_COLOR)
    assert looks["w₁₃⁽¹⁾"][0] < looks["w₁₂⁽¹⁾"][0] and looks["w₁₃⁽¹⁾"][1] == POSITIVE_COLOR
    assert looks["w₁₁⁽²⁾"] == (pytest.approx(0.6 + 3.4 * 0.125, abs=0.01), NEGATIVE_COLOR)
    assert any("edge width ∝ |w|" in t for t in pic.texts)
    assert "edge width ∝ |w|" in draw_network(net).source  # the legend is drawn by default
    # all weights zero (no largest |w| to scale by): every edge the thinnest, neither colour
    zeros = nn.Network.from_weights([[[0.0, 0.0]], [[0.0]]], activation="sigmoid")
    assert set(_edge_looks(zeros.draw()).values()) == {(0.6, EDGE_COLOR)}


def test_saturated_sigmoids_and_dead_relus_are_flagged_after_a_forward_pass() -> None:
    # z₁⁽²⁾ = 9·1 = 9: σ′ = σ(9)(1 − σ(9)) ≈ 1.2e-4 < 0.01; z₂⁽²⁾ = 0.1: not saturated
    net = nn.Network.from_weights([[[9.0, 0.0], [0.1, 0.0]], [[1.0, 1.0]]], activation="sigmoid")
    pic = svg_of(net.draw(x=[1.0, 1.0]))
    s = 1 / (1 + math.exp(-9.0))
    assert pic.box("x₁⁽²⁾") == [
        "x₁⁽²⁾",
        f"= {format_number(s)}",
        f"saturated: σ′ = {format_number(s * (1 - s))}",
    ]
    assert FLAG_COLOR in pic.node_fills[pic.node("x₁⁽²⁾")]
    assert len(pic.box("x₂⁽²⁾")) == 2 and FLAG_COLOR not in pic.node_fills[pic.node("x₂⁽²⁾")]
    relu = nn.Network.from_weights([[[-1.0, 0.5], [1.0, 0.5]], [[1.0, 1.0]]], activation="relu")
    pic = svg_of(relu.draw(x=[1.0, 1.0]))  # z₁⁽²⁾ = −0.5: dead; z₂⁽²⁾ = 1.5: alive
    assert pic.box("x₁⁽²⁾") == ["x₁⁽²⁾", "= 0", "dead ReLU: z ≤ 0"]
    assert pic.box("x₂⁽²⁾") == ["x₂⁽²⁾", "= 1.5"]
    assert not [t for t in svg_of(relu.draw()).texts if "dead" in t]  # no input: no flags


def test_readme_and_demo_pictures_are_legible_at_830_px(tmp_path: Path) -> None:
    """Width over smallest font ≤ 92: text at least 9 px tall in an 830 px README column."""
    from nn.cli import main

    assert main(["--out", str(tmp_path), "--epochs", "1"]) == 0
    for name in ("graph.svg", "network.svg"):
        ratio = _legibility(tmp_path / name)
        assert ratio <= 92, (name, ratio)
    docs = Path(__file__).resolve().parent.parent / "docs"
    for name in ("graph.svg", "network.svg"):
        assert _legibility(docs / name) <= 92, name


def _legibility(path: Path) -> float:
    """As /work/shared/tools/svg_legibility.py measures it: viewBox width / smallest font."""
    root = ET.parse(path).getroot()
    width = float(root.get("viewBox", "0 0 0 0").split()[2])
    scale = 1.0
    for el in root.iter():
        m = re.search(r"scale\(([\d.]+)", el.get("transform") or "")
        if m:
            scale = float(m.group(1))
            break
    sizes = [float(el.get("font-size", "")) for el in root.iter() if el.get("font-size")]
    return width / (min(sizes) * scale)


GOLDEN = Path(__file__).resolve().parent / "golden"


def test_the_whole_picture_of_the_blogs_network_after_backward() -> None:
    # the blog's network at the sample: activations, weights and grads as the δ formulas give
    # them (test_cli checks the same numbers), widths by |w|, blue w > 0, orange w < 0
    net = nn.Network([3, 2, 2], activation="sigmoid", bias=False, seed=0)
    nn.mse(net([0.5, -0.2, 0.1]), [1.0, 0.0]).backward()
    expected = (GOLDEN / "blog-network.gv").read_text(encoding="utf-8")
    assert net.draw(x=[0.5, -0.2, 0.1]).source == expected


def test_the_whole_picture_of_a_network_with_a_dead_and_a_saturated_unit() -> None:
    # x = (1, 0.5): x₁⁽²⁾ = ReLU(1 + 1 + 0.1) = 2.1, x₂⁽²⁾ = ReLU(−1.7) = 0 (dead),
    # x₃⁽²⁾ = 0.5; z⁽³⁾ = 8·2.1 + 4·0.5 + 0.5 = 19.3, σ′(19.3) = 4.151e-09 (saturated);
    # a zero weight is neither blue nor orange; without show_values only the biases' names
    net = nn.Network.from_weights(
        [[[1.0, 2.0], [-1.0, -1.0], [0.5, 0.0]], [[8.0, 0.0, 4.0]]],
        activation="relu",
        biases=[[0.1, -0.2, 0.0], [0.5]],
        output_activation="sigmoid",
    )
    expected = (GOLDEN / "flagged-network.gv").read_text(encoding="utf-8")
    assert net.draw(x=[1.0, 0.5], show_values=False, rankdir="TB").source == expected
    bare = net.draw(legend=False).source
    assert "<TABLE" not in bare and "labelloc" not in bare
    assert "b₁⁽²⁾ = 0.1" in bare and "w₁₁⁽¹⁾ = 1>" in bare  # values shown by default


def test_inputs_computed_from_other_values_are_drawn_and_never_flagged() -> None:
    a = Value(0.25)
    net = nn.Network.from_weights([[[1.0, 1.0]]], activation="sigmoid")
    pic = svg_of(net.draw(x=[a * 2.0, a + 0.5]))  # inputs with inputs of their own
    assert pic.box("x₁⁽¹⁾") == ["x₁⁽¹⁾", "= 0.5"] and pic.box("x₂⁽¹⁾") == ["x₂⁽¹⁾", "= 0.75"]
    assert not any(FLAG_COLOR in fill for fill in pic.node_fills.values())


def test_a_slope_of_exactly_one_hundredth_is_not_saturated() -> None:
    from autograd.ops import _sigmoid
    from nn.activations import derivative

    z = -4.584863339122355  # found by search: σ′(z) = s(1 − s) is 0.01 to the last bit
    assert derivative("sigmoid", z, _sigmoid(z)) == 0.01
    net = nn.Network.from_weights([[[z]]], activation="sigmoid")
    assert "saturated" not in net.draw(x=[1.0]).source  # below 0.01 only


@pytest.mark.parametrize(("slope", "flagged"), [(0.0095, True), (0.0105, False)])
def test_a_unit_is_saturated_below_a_slope_of_one_hundredth(slope: float, flagged: bool) -> None:
    # σ′(z) = s(1 − s) = slope at s = (1 − √(1 − 4·slope))/2, z = ln(s/(1 − s))
    s = (1 - math.sqrt(1 - 4 * slope)) / 2
    z = math.log(s / (1 - s))
    net = nn.Network.from_weights([[[z]]], activation="sigmoid")
    source = net.draw(x=[1.0]).source
    assert ("saturated: σ′ = " in source) is flagged
    if flagged:
        assert f"saturated: σ′ = {slope:.4g}<" in source.replace("</I>", "<")
