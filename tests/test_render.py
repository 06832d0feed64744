"""draw_graph: the SVG Graphviz makes of it, parsed and checked; escaping; limits; no `dot`."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import graphviz
import pytest

from autograd import StaleGraphError, Value, draw_graph, grad, primitive
from autograd.render import (
    CONST_COLOR,
    DIM_FILL,
    FOCUS_COLOR,
    LABEL_LIMIT,
    NAMED_COLOR,
    OUTPUT_COLOR,
    PARAM_COLOR,
    Diagram,
    GraphvizNotFoundError,
    format_number,
)

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


@dataclass
class Picture:
    """A rendered SVG, parsed: texts and fill colours per node, texts per edge, clusters."""

    node_texts: dict[str, list[str]] = field(default_factory=dict)
    node_fills: dict[str, set[str]] = field(default_factory=dict)
    edges: list[tuple[str, str, list[str]]] = field(default_factory=list)
    clusters: list[list[str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    tooltips: list[str] = field(default_factory=list)
    node_strokes: dict[str, set[str]] = field(default_factory=dict)
    edge_colors: list[tuple[str, str, str]] = field(default_factory=list)

    def node(self, text: str) -> str:
        """The name of the one node showing ``text``."""
        found = [name for name, texts in self.node_texts.items() if text in texts]
        assert len(found) == 1, (text, found)
        return found[0]

    def edge_labels(self, tail: str, head: str) -> list[list[str]]:
        return [texts for t, h, texts in self.edges if (t, h) == (tail, head)]

    def numbers(self, tail: str, head: str) -> list[str]:
        """The numbers drawn on the edges from ``tail`` into ``head`` (one per edge)."""
        return sorted(
            self.node_texts[mid][0]
            for t, mid, _ in self.edges
            if t == tail and mid.startswith(f"{head}-d") and (mid, head) in self.pairs()
        )

    def pairs(self) -> set[tuple[str, str]]:
        return {(t, h) for t, h, _ in self.edges}

    def box(self, text: str) -> list[str]:
        """The texts of the one box showing ``text``."""
        return self.node_texts[self.node(text)]


def parse_svg(svg: str | bytes) -> Picture:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    pic = Picture(texts=[t.text or "" for t in root.iter(f"{SVG}text")])
    pic.tooltips = [a.get(f"{XLINK}title", "") for a in root.iter(f"{SVG}a")]
    for g in root.iter(f"{SVG}g"):
        kind = g.get("class")
        title = g.findtext(f"{SVG}title", "")
        texts = [t.text or "" for t in g.iter(f"{SVG}text")]
        if kind == "node":
            pic.node_texts[title] = texts
            pic.node_fills[title] = {e.get("fill", "") for e in g.iter() if e.get("fill")}
            pic.node_strokes[title] = {e.get("stroke", "") for e in g.iter() if e.get("stroke")}
        elif kind == "edge":
            tail, head = title.split("->")
            pic.edges.append((tail, head, texts))
            path = g.find(f"{SVG}path")
            pic.edge_colors.append((tail, head, "" if path is None else path.get("stroke", "")))
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


def test_boxes_show_op_label_data_and_grad() -> None:
    *_, loss = small_graph()
    pic = svg_of(draw_graph(loss))
    # L = (ab + 10)²: ∂L/∂c = 2(c + 10) = 8, ∂L/∂a = 8b = −24, ∂L/∂b = 8a = 16.
    assert pic.box("a") == ["a", "data 2", "grad -24"]
    assert pic.box("b") == ["b", "data -3", "grad 16"]
    assert pic.box("c") == ["×", "c", "data -6", "grad 8"]
    assert pic.box("L") == ["x²", "L", "data 16", "grad 1"]
    assert ["+", "data 4", "grad 8"] in pic.node_texts.values()  # c + 10, unlabelled
    assert ["data 10"] in pic.node_texts.values()  # the constant: no grad shown


def test_each_input_edge_passes_through_its_own_local_derivative() -> None:
    *_, loss = small_graph()
    pic = svg_of(draw_graph(loss))
    a, b, c = pic.node("a"), pic.node("b"), pic.node("c")
    # ∂(ab)/∂a = b = −3 on a's edge, ∂(ab)/∂b = a = 2 on b's edge: each number is a node
    # of its own edge, a → number → c, so no number can be read as another edge's.
    assert pic.numbers(a, c) == ["-3"]
    assert pic.numbers(b, c) == ["2"]
    total = pic.node("data 4")
    assert pic.numbers(c, total) == ["1"]
    assert pic.numbers(pic.node("data 10"), total) == ["1"]
    # d(u²)/du = 2u = 8 at u = 4, on the edge into the square.
    assert pic.numbers(total, pic.node("L")) == ["8"]
    numbers = [n for n in pic.node_texts if "-d" in n]
    assert len(numbers) == 5  # one per edge, and no other edge carries text
    assert all(texts == [] for _, _, texts in pic.edges)


def test_a_value_used_twice_gets_two_edges() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    pic = svg_of(draw_graph(y))
    assert pic.numbers(pic.node("x"), pic.node("y")) == ["3", "3"]
    assert pic.box("x") == ["x", "data 3", "grad 6"]


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
def test_labels_and_tooltips_render_exactly_as_written(label: str) -> None:
    v = Value(1.5, label=label)
    out = v * 2
    out.label = label + "!"
    out.backward()
    g = draw_graph(out, groups={label: [v]})
    pic = svg_of(g)  # ET.fromstring: the SVG is well-formed XML
    assert pic.box(label) == [label, "data 1.5", "grad 2"]
    assert pic.box(label + "!")[1] == label + "!"
    assert pic.clusters == [[label]]
    assert f"{label}: data=1.5 grad=2.0" in pic.tooltips
    assert f"{label}!: data=3.0 grad=1.0 (*)" in pic.tooltips


@pytest.mark.parametrize(
    "label", ["two\nlines\x00\x1b", "\ufffe\uffff", "lone \ud800 surrogate", "bell\x07\r\nnext"]
)
def test_characters_xml_cannot_hold_are_shown_as_replacement_characters(label: str) -> None:
    v = Value(1.0, label=label)
    out = v * 2
    pic = svg_of(draw_graph(out, groups={label: [v]}))  # dot and the XML parser both accept it
    (texts,) = [t for t in pic.node_texts.values() if t[-2:] == ["data 1", "grad 0"]]
    shown = "\n".join(texts[:-2])
    assert shown == re.sub(
        "[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]", "\ufffd", label.replace("\r\n", "\n")
    )


def test_long_labels_are_shortened_in_the_box_and_whole_in_the_tooltip() -> None:
    label = "w" * 20_000
    v = Value(2.0, label=label)
    pic = svg_of(draw_graph(v * 3, groups={label: [v]}))
    shown = pic.box("data 2")[0]
    assert len(shown) == LABEL_LIMIT and shown == "w" * (LABEL_LIMIT - 1) + "…"
    assert pic.clusters == [[shown]]
    middle = "x" * 1000
    v.label = middle
    pic = svg_of(draw_graph(v * 3))
    assert f"{middle}: data=2.0 grad=0.0" in pic.tooltips  # whole, up to 4000 characters


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
    pic = svg_of(draw_graph(out, max_nodes=100))
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
    y.label = "y"
    pic = svg_of(draw_graph(y))
    assert pic.numbers(pic.node("x"), pic.node("y")) == ["∞"]


def test_a_graph_whose_leaves_changed_is_drawn_with_stale_edges() -> None:
    x = Value(4.0, label="x")
    y = x.log()
    y.label = "y"
    x.data = -1.0  # now outside log's domain, and y no longer matches x
    with pytest.raises(StaleGraphError):
        _ = y.local_grads
    pic = svg_of(draw_graph(y))
    assert pic.numbers(pic.node("x"), pic.node("y")) == ["stale"]
    assert pic.box("y") == ["ln", "y", f"data {format_number(math.log(4.0))}", "grad 0"]


def test_a_rule_that_fails_is_drawn_as_unknown() -> None:
    broken = primitive("broken_rule_for_drawing", lambda a: 2.0 * a, lambda a, out: (1.0, 2.0))
    x = Value(1.0, label="x")
    y = broken(x)
    y.label = "y"
    pic = svg_of(draw_graph(y))
    assert pic.numbers(pic.node("x"), pic.node("y")) == ["?"]


def test_flags_hide_grads_local_derivatives_and_legend() -> None:
    *_, loss = small_graph()
    pic = svg_of(draw_graph(loss, show_grad=False, show_local_grads=False, legend=False))
    assert not [t for t in pic.texts if t.startswith("grad")]
    assert not [n for n in pic.node_texts if "-d" in n]  # no number nodes
    assert pic.box("a") == ["a", "data 2"]
    assert (pic.node("a"), pic.node("c")) in pic.pairs()


def test_groups_frame_values() -> None:
    _, _, c, loss = small_graph()
    g = draw_graph(loss, groups={"product": [c], "unused": []})
    pic = svg_of(g)
    assert pic.clusters == [["product"]]
    assert "subgraph cluster_0" in g.source and "cluster_1" not in g.source


def test_focus_highlights_exactly_the_paths_and_sums_their_products() -> None:
    # a reaches L by two paths, through c = a·b and through d = a + 1 (a diamond); b by one.
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = a + 1.0
    d.label = "d"
    loss = c * d
    loss.label = "L"
    g = draw_graph(loss, focus=a)
    pic = svg_of(g)
    lit = {name for name, strokes in pic.node_strokes.items() if FOCUS_COLOR in strokes}
    assert {n for n in lit if "-d" not in n} == {pic.node(t) for t in ("a", "c", "d", "L")}
    into = [(pic.node("c"), 0), (pic.node("d"), 0), (pic.node("L"), 0), (pic.node("L"), 1)]
    assert {n for n in lit if "-d" in n} == {f"{h}-d{j}" for h, j in into}  # their numbers
    dimmed = {name for name, fills in pic.node_fills.items() if DIM_FILL in fills}
    assert pic.node("b") in dimmed and pic.node("data 1") in dimmed
    lit_edges = {(t, h) for t, h, color in pic.edge_colors if color == FOCUS_COLOR}
    path_values = {pic.node(t) for t in ("a", "c", "d", "L")}
    for t, h in lit_edges:  # every lit edge runs between path Values, through a number
        assert t in path_values or h in path_values
    assert len(lit_edges) == 2 * 4  # a→c, a→d, c→L, d→L, each in two halves
    caption = [t for t in pic.texts if t.startswith(("∂L/∂a", "=", "+"))]
    # ∂L/∂a = ∂L/∂c·∂c/∂a + ∂L/∂d·∂d/∂a = d·b + c·1 = 3·(−3) + (−6)·1 = −15
    assert caption[0] == (
        "∂L/∂a = sum over the 2 highlighted paths of the product of the numbers on its edges"
    )
    assert sorted(caption[1:3]) == sorted(["= (-3) × 3", "+ 1 × (-6)"])
    assert caption[3] == "= -15"
    assert loss.grad == 0.0 and a.grad == 0.0  # drawing runs no backward on .grad


def test_focus_counts_the_paths_it_does_not_write_out() -> None:
    x = Value(0.5, label="x")
    v = x
    for _ in range(5):  # each level doubles the paths: v + v
        v = v * v + v
    pic = svg_of(draw_graph(v, focus=x))
    assert any(t.startswith("∂root/∂x = sum over the ") for t in pic.texts)
    more = [t for t in pic.texts if "more paths" in t]
    assert more == ["+ … (237 more paths)"]  # 3 paths per level (v·v twice, + v): 3⁵ − 6
    shown = [t for t in pic.texts if t.startswith(("= ", "+ ")) and "more paths" not in t]
    assert len(shown) == 6 + 1  # six products and the total
    assert shown[-1] == f"= {format_number(grad(v, [x])[0])}"


def test_focus_must_be_in_the_graph() -> None:
    x = Value(1.0, label="x")
    with pytest.raises(ValueError, match=r"focus \('other'\) is not in the graph"):
        draw_graph(x * 2, focus=Value(1.0, label="other"))
    with pytest.raises(TypeError, match="focus must be a Value"):
        draw_graph(x * 2, focus=1.0)  # type: ignore[arg-type]


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


@pytest.mark.parametrize(
    ("limit", "error", "words"),
    [
        (None, TypeError, "max_nodes must be a positive integer, got NoneType None"),
        ("500", TypeError, "max_nodes must be a positive integer, got str '500'"),
        (500.0, TypeError, "max_nodes must be a positive integer, got float 500.0"),
        (True, TypeError, "max_nodes must be a positive integer, got bool True"),
        (math.nan, ValueError, "max_nodes must be a positive integer, got nan"),
        (0, ValueError, "max_nodes must be a positive integer, got 0"),
        (-5, ValueError, "max_nodes must be a positive integer, got -5"),
    ],
)
def test_max_nodes_is_checked(limit: object, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=re.escape(words)):
        draw_graph(Value(1.0) * 2.0, max_nodes=limit)  # type: ignore[arg-type]


def test_deep_graph_builds_without_recursion() -> None:
    v = Value(0.1, label="x")
    for _ in range(3_000):
        v = v.tanh()
    g = draw_graph(v, max_nodes=10_000)
    assert g.source.count("->") == 2 * 3_000  # input → number → box


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match=r"draw_graph needs a Value, got float 1\.0"):
        draw_graph(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rankdir must be one of TB, LR, BT, RL, got 'XY'"):
        draw_graph(Value(1.0), rankdir="XY")
    x = Value(1.0)
    with pytest.raises(TypeError, match="groups captions must be str, got int 1"):
        draw_graph(x * 2, groups={1: [x]})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match=r"groups\['a'\] must hold Values, got float 2\.0"):
        draw_graph(x * 2, groups={"a": [2.0]})  # type: ignore[list-item]
    with pytest.raises(TypeError, match="groups must map a caption to Values"):
        draw_graph(x * 2, groups=[x])  # type: ignore[arg-type]


def test_a_label_set_to_a_non_string_is_refused_before_drawing() -> None:
    x = Value(1.0, label="x")
    with pytest.raises(TypeError, match="label must be a str, got int 5"):
        x.label = 5  # type: ignore[assignment]
    assert svg_of(draw_graph(x * 2)).box("x") == ["x", "data 1", "grad 0"]


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


def test_focus_names_an_unlabelled_computed_w_as_w() -> None:
    x = Value(0.5, "x")
    h = x * 3.0  # unlabelled and computed
    y = (h * h).exp()
    caption = draw_graph(y, focus=h).source
    assert "∂root/∂w" in caption and "∂root/∂root" not in caption


def test_focus_caption_shortens_long_names_and_says_when_the_sum_cannot_be_computed() -> None:
    # √a has no finite slope at 0: the path through it shows ∞, the total cannot be computed
    a = Value(0.0, "an_input_with_a_long_name")
    y = a.sqrt() + a
    y.label = "the_loss_with_a_long_name"
    pic = svg_of(draw_graph(y, focus=a))
    caption = [t for t in pic.texts if t.startswith(("∂", "= ", "+ "))]
    assert caption[0].startswith("∂the_loss_with_a_lon…/∂an_input_with_a_lon… = sum over the 2 ")
    assert caption[1:] == ["= ∞ × 1", "+ 1", "= ? (a derivative on the way cannot be computed)"]


def test_focus_on_the_root_itself_is_one_path_with_no_edges() -> None:
    y = Value(0.5, "x") * 3.0  # unlabelled: named root in the caption
    pic = svg_of(draw_graph(y, focus=y))
    caption = [t for t in pic.texts if t.startswith(("∂", "= ", "+ "))]
    assert caption == [
        "∂root/∂root = sum over the 1 highlighted path of the product of the numbers on its edges",
        "= 1",
        "= 1",
    ]
