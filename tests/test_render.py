"""draw_graph: the SVG Graphviz makes of it, parsed and checked; escaping; limits; no `dot`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import graphviz
import pytest

from autograd import Value, draw_graph
from autograd.render import (
    CONST_COLOR,
    NAMED_COLOR,
    OUTPUT_COLOR,
    PARAM_COLOR,
    Diagram,
    GraphvizNotFoundError,
    format_number,
)

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class Picture:
    """A rendered SVG, parsed: texts and fill colours per node, texts per edge, clusters."""

    node_texts: dict[str, list[str]] = field(default_factory=dict)
    node_fills: dict[str, set[str]] = field(default_factory=dict)
    edges: list[tuple[str, str, list[str]]] = field(default_factory=list)
    clusters: list[list[str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def node(self, text: str) -> str:
        """The name of the one node showing ``text``."""
        found = [name for name, texts in self.node_texts.items() if text in texts]
        assert len(found) == 1, (text, found)
        return found[0]

    def edge_labels(self, tail: str, head: str) -> list[list[str]]:
        return [texts for t, h, texts in self.edges if (t, h) == (tail, head)]


def parse_svg(svg: str | bytes) -> Picture:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    pic = Picture(texts=[t.text or "" for t in root.iter(f"{SVG}text")])
    for g in root.iter(f"{SVG}g"):
        kind = g.get("class")
        title = g.findtext(f"{SVG}title", "")
        texts = [t.text or "" for t in g.iter(f"{SVG}text")]
        if kind == "node":
            pic.node_texts[title] = texts
            pic.node_fills[title] = {e.get("fill", "") for e in g.iter() if e.get("fill")}
        elif kind == "edge":
            tail, head = title.split("->")
            pic.edges.append((tail, head, texts))
        elif kind == "cluster":
            pic.clusters.append(texts)
    return pic


def svg_of(g: graphviz.Digraph) -> Picture:
    return parse_svg(g.pipe(format="svg", encoding="utf-8"))


def small_graph() -> tuple[Value, Value, Value, Value]:
    """L = (a·b + 10)², with a = 2, b = −3 labelled and 10 a constant."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    loss = (c + 10) ** 2
    loss.label = "L"
    loss.backward()
    return a, b, c, loss


def test_nodes_show_label_data_and_grad() -> None:
    *_, loss = small_graph()
    pic = svg_of(draw_graph(loss))
    # L = (ab + 10)²: ∂L/∂c = 2(c + 10) = 8, ∂L/∂a = 8b = −24, ∂L/∂b = 8a = 16.
    assert pic.node_texts[pic.node("a")] == ["a", "data 2", "grad -24"]
    assert pic.node_texts[pic.node("b")] == ["b", "data -3", "grad 16"]
    assert pic.node_texts[pic.node("c")] == ["c", "data -6", "grad 8"]
    assert pic.node_texts[pic.node("L")] == ["L", "data 16", "grad 1"]
    assert ["data 4", "grad 8"] in pic.node_texts.values()  # c + 10, unlabelled
    assert ["data 10"] in pic.node_texts.values()  # the constant: no grad shown


def test_each_input_edge_carries_its_local_derivative() -> None:
    *_, loss = small_graph()
    pic = svg_of(draw_graph(loss))
    mul = pic.node("×")
    # ∂(ab)/∂a = b = −3 on a's edge, ∂(ab)/∂b = a = 2 on b's edge.
    assert pic.edge_labels(pic.node("a"), mul) == [["-3"]]
    assert pic.edge_labels(pic.node("b"), mul) == [["2"]]
    add = pic.node("+")
    assert pic.edge_labels(pic.node("c"), add) == [["1"]]
    assert pic.edge_labels(pic.node("data 10"), add) == [["1"]]
    square = pic.node("x²")
    # d(u²)/du = 2u = 8 at u = 4, on the edge into the square.
    (into_square,) = [texts for t, h, texts in pic.edges if h == square]
    assert into_square == ["8"]
    # The op's edge to its result carries no number.
    assert pic.edge_labels(mul, pic.node("c")) == [[]]


def test_a_value_used_twice_gets_two_edges() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    pic = svg_of(draw_graph(y))
    assert pic.edge_labels(pic.node("x"), pic.node("×")) == [["3"], ["3"]]
    assert pic.node_texts[pic.node("x")] == ["x", "data 3", "grad 6"]


def test_leaves_parameters_and_output_are_coloured_apart() -> None:
    w = Value(0.25, label="w")
    x = Value(2.0, label="x")
    out = (w * x + 1.0).sigmoid()
    out.backward()
    pic = svg_of(draw_graph(out, params=[w]))
    assert PARAM_COLOR in pic.node_fills[pic.node("w")]
    assert NAMED_COLOR in pic.node_fills[pic.node("x")]
    assert CONST_COLOR in pic.node_fills[pic.node("data 1")]
    assert OUTPUT_COLOR in pic.node_fills[pic.node(f"data {format_number(out.data)}")]
    # Without params=, every labelled leaf is a "labelled leaf".
    plain = svg_of(draw_graph(out))
    assert NAMED_COLOR in plain.node_fills[plain.node("w")]
    legend = " ".join(plain.texts)
    assert "labelled leaf" in legend and "parameter" not in legend
    assert "local derivative" in legend


NASTY = 'a{b}|<c>"d"\\e&f'


@pytest.mark.parametrize(
    "label",
    [NASTY, "\\N \\G \\L \\\\", "<b>bold?</b>", "x &amp; y", "trailing\\", "100%", "∂L/∂w₁₂⁽¹⁾"],
)
def test_labels_render_exactly_as_written(label: str) -> None:
    v = Value(1.5, label=label)
    out = v * 2
    out.label = label + "!"
    out.backward()
    g = draw_graph(out, groups={label: [v]})
    pic = svg_of(g)  # ET.fromstring: the SVG is well-formed XML
    assert pic.node_texts[pic.node(label)] == [label, "data 1.5", "grad 2"]
    assert pic.node_texts[pic.node(label + "!")][0] == label + "!"
    assert pic.clusters == [[label]]


def test_control_characters_and_newlines_keep_the_svg_well_formed() -> None:
    v = Value(1.0, label="two\nlines\x00\x1b")
    pic = svg_of(draw_graph(v * 2))
    assert ["two", "lines\ufffd\ufffd", "data 1", "grad 0"] in pic.node_texts.values()


def test_op_symbols() -> None:
    x = Value(0.5, label="x")
    out = (
        (x + 1) * (x - 1) / (-x)
        + x.exp()
        + x.log()
        + x.sqrt()
        + x.tanh()
        + x.sigmoid()
        + x.relu()
        + abs(x)
        + x**2
        + x**-1
        + x**0.5
        + x**x
    )
    pic = svg_of(draw_graph(out))
    texts = set(pic.texts)
    for symbol in ["+", "−", "×", "÷", "−x", "exp", "ln", "√", "tanh", "σ", "ReLU", "|x|"]:
        assert symbol in texts, symbol
    for symbol in ["x²", "x⁻¹", "x^0.5", "xʸ"]:
        assert symbol in texts, symbol
    assert (x**10).primitive.symbol == "x¹⁰"  # type: ignore[union-attr]
    assert (x**1e20).primitive.symbol == "x^1e+20"  # type: ignore[union-attr]


def test_number_format() -> None:
    assert format_number(0.123456) == "0.1235"
    assert format_number(-2.0) == "-2"
    assert format_number(-0.0) == "0"
    assert format_number(1.5e-5) == "1.5e-05"
    assert format_number(123456.0) == "1.235e+05"


def test_infinite_local_derivative_is_drawn_not_raised() -> None:
    x = Value(0.0, label="x")
    y = x.sqrt()  # d√x/dx = 1/(2√x) is infinite at 0
    pic = svg_of(draw_graph(y))
    assert pic.edge_labels(pic.node("x"), pic.node("√")) == [["∞"]]


def test_flags_hide_grads_local_derivatives_and_legend() -> None:
    *_, loss = small_graph()
    pic = svg_of(draw_graph(loss, show_grad=False, show_local_grads=False, legend=False))
    assert not [t for t in pic.texts if t.startswith("grad")]
    assert all(texts == [] for _, _, texts in pic.edges)
    assert pic.node_texts[pic.node("a")] == ["a", "data 2"]


def test_groups_frame_values_with_their_ops() -> None:
    _, _, c, loss = small_graph()
    g = draw_graph(loss, groups={"product": [c], "unused": []})
    pic = svg_of(g)
    assert pic.clusters == [["product"]]
    assert "subgraph cluster_0" in g.source and "cluster_1" not in g.source


def test_diagram_repr_is_stable_and_says_what_to_do() -> None:
    g = draw_graph(Value(1.0) * 2.0)
    assert repr(g) == (
        "<Diagram 'computation_graph': .render(outfile=...) draws it, .source is its DOT text>"
    )


def test_graphs_larger_than_max_nodes_are_refused_before_layout() -> None:
    x = Value(1.0, label="x")
    v = x
    for _ in range(20_000):  # deep: counting must not recurse
        v = v + 1.0
    # 40 001 Values: x, 20 000 constants, 20 000 sums
    with pytest.raises(ValueError, match=r"40001 Values.*max_nodes=500.*max_nodes=40001"):
        draw_graph(v)
    small = x + 1.0
    with pytest.raises(ValueError, match="3 Values, more than max_nodes=2"):
        draw_graph(small, max_nodes=2)
    assert "->" in draw_graph(small, max_nodes=3).source


def test_deep_graph_builds_without_recursion() -> None:
    v = Value(0.1, label="x")
    for _ in range(3_000):
        v = v.tanh()
    g = draw_graph(v, max_nodes=10_000)
    assert g.source.count("->") == 2 * 3_000


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match=r"draw_graph needs a Value, got float 1\.0"):
        draw_graph(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rankdir must be one of LR, TB, RL, BT, got 'XY'"):
        draw_graph(Value(1.0), rankdir="XY")


def test_render_writes_a_valid_svg_file(tmp_path: Path) -> None:
    *_, loss = small_graph()
    g = draw_graph(loss, rankdir="TB")
    assert isinstance(g, graphviz.Digraph)
    path = Path(g.render(outfile=tmp_path / "graph.svg"))
    assert path == tmp_path / "graph.svg"
    pic = parse_svg(path.read_bytes())
    assert pic.node("L")


def test_jupyter_display_is_svg() -> None:
    *_, loss = small_graph()
    bundle = draw_graph(loss)._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"]
    assert parse_svg(bundle["image/svg+xml"]).node("L")


def test_missing_dot_says_how_to_install_and_keeps_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    *_, loss = small_graph()
    g = draw_graph(loss)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `dot` anywhere
    attempts = [
        lambda: g.render(outfile=tmp_path / "graph.svg"),
        lambda: g.pipe(format="svg"),
        lambda: g._repr_mimebundle_(),  # what Jupyter calls to show `g` inline
    ]
    for attempt in attempts:
        with pytest.raises(GraphvizNotFoundError) as info:
            attempt()
        message = str(info.value)
        assert "apt-get install graphviz" in message
        assert "brew install graphviz" in message
        assert "conda install -c conda-forge graphviz" in message
        assert "g.source" in message
        assert isinstance(info.value, graphviz.ExecutableNotFound)  # old handlers still catch it
    assert g.source.startswith("digraph computation_graph {")
    assert "data 16" in g.source
    g.save(tmp_path / "graph.gv")  # needs no `dot`
    assert (tmp_path / "graph.gv").read_text(encoding="utf-8") == g.source


def test_subgraph_of_a_diagram_is_a_diagram() -> None:
    g = Diagram("x")
    with g.subgraph(name="cluster_a") as sub:
        assert isinstance(sub, Diagram)
        sub.node("n")
    assert "subgraph cluster_a" in g.source
