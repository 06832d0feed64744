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
    DEFAULT_MAX_NODES,
    DIM_COLOR,
    DIM_FILL,
    EDGE_COLOR,
    EDGE_LABEL_COLOR,
    FOCUS_COLOR,
    FONT,
    FONT_SIZE,
    LABEL_LIMIT,
    NAMED_COLOR,
    OP_COLOR,
    OUTPUT_COLOR,
    PARAM_COLOR,
    VALUE_COLOR,
    Diagram,
    GraphvizNotFoundError,
    build,
    format_number,
    graph_of,
    html_escape,
    tooltip,
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
    ids: dict[str, ET.Element] = field(default_factory=dict)  # node, edge and cluster groups

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
        if kind in ("node", "edge", "cluster"):
            pic.ids[g.get("id", "")] = g
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


def shapes(group: ET.Element) -> list[ET.Element]:
    """The outlines and fills drawn in an SVG group, in drawing order."""
    return [e for e in group.iter() if e.tag in (f"{SVG}path", f"{SVG}polygon")]


def outline(pic: Picture, text: str) -> tuple[str, float]:
    """Colour and width of the frame of the one box showing ``text``."""
    *_, frame = [e for e in shapes(pic.ids[pic.node(text)]) if e.get("fill") == "none"]
    return frame.get("stroke", ""), float(frame.get("stroke-width", "1"))


def text_colors(group: ET.Element) -> set[str]:
    return {t.get("fill", "black") for t in group.iter(f"{SVG}text")}


def size(shape: ET.Element) -> tuple[float, float]:
    """Width and height, in points, of an SVG path or polygon."""
    points = shape.get("d", shape.get("points", ""))
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", points)]
    xs, ys = numbers[0::2], numbers[1::2]
    return max(xs) - min(xs), max(ys) - min(ys)


def dot_defaults(source: str, kind: str) -> dict[str, str]:
    """The attributes of a DOT source's default statement for ``graph``, ``node`` or ``edge``."""
    (line,) = [ln for ln in source.splitlines() if ln.startswith(f"\t{kind} [")]
    return {k: v.strip('"') for k, v in re.findall(r'(\w+)=("[^"]*"|\S+?)(?=[ \]])', line)}


def html_labels(source: str) -> list[str]:
    """Every HTML-like label of a DOT source: the text between ``label=<`` and its ``>``."""
    labels = []
    for start in re.finditer("label=<", source):
        depth, i = 1, start.end()
        while depth:
            depth += {"<": 1, ">": -1}.get(source[i], 0)
            i += 1
        labels.append(source[start.end() : i - 1])
    return labels


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
    # an unlabelled Value's tooltip starts with its data: no empty label before it
    assert "data=4.0 grad=8.0 (+)" in pic.tooltips and "data=10.0 grad=8.0" in pic.tooltips


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
    assert VALUE_COLOR in pic.node_fills[pic.node("data 0.5")]  # w·x, computed
    assert {"output", "parameter", "labelled leaf", "constant"} <= set(pic.texts)  # the legend
    # Without params=, every labelled leaf is a "labelled leaf".
    plain = svg_of(draw_graph(out))
    assert NAMED_COLOR in plain.node_fills[plain.node("w")]
    legend = " ".join(plain.texts)
    assert "labelled leaf" in legend and "parameter" not in legend
    assert "local derivative" in legend
    assert "box: op symbol, label, data, grad" in plain.texts


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
    assert len(shown) == LABEL_LIMIT and shown == "w" * 39 + "…"  # 40 characters
    assert pic.clusters == [[shown]]
    assert "w" * 3999 + "…" in pic.tooltips  # 4000 characters: dot refuses much longer ones
    v.label = "v" * 40  # at the limit: shown whole
    assert svg_of(draw_graph(v * 3)).box("data 2")[0] == v.label
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


def test_op_symbols_longer_than_twelve_characters_are_cut() -> None:
    twelve = primitive("draw_twelve", lambda a: a, lambda a, out: (1.0,), symbol="s" * 12)
    thirteen = primitive("draw_thirteen", lambda a: a, lambda a, out: (1.0,), symbol="t" * 13)
    x = Value(1.0, label="x")
    texts = svg_of(draw_graph(twelve(x) + thirteen(x))).texts
    assert "s" * 12 in texts
    assert "t" * 11 + "…" in texts and "t" * 13 not in texts


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
    assert (pic.node("b"), pic.node("c")) in pic.pairs()  # every input's edge, not the first
    assert not [t for t in pic.texts if "labelled leaf" in t or t.startswith("box:")]
    # with the legend on, it says what a box shows: no grad when grads are hidden
    pic = svg_of(draw_graph(loss, show_grad=False))
    assert "box: op symbol, label, data" in pic.texts and "labelled leaf" in pic.texts


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
    with pytest.raises(TypeError, match=r"groups must map a caption to Values.* got list"):
        draw_graph(x * 2, groups=[x])  # type: ignore[arg-type]
    for members, got in [(5, "int 5"), (x, "Value")]:
        with pytest.raises(TypeError, match=rf"groups\['a'\] must be a list of Values.* {got}"):
            draw_graph(x * 2, groups={"a": members})  # type: ignore[dict-item]


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
        assert "not found on PATH" in message and "restart Python" in message
        assert "apt-get install graphviz" in message
        assert "brew install graphviz" in message
        assert "conda install -c conda-forge graphviz" in message
        assert "winget install graphviz" in message
        for system in ("Debian/Ubuntu", "macOS", "conda", "Windows"):  # each with its command
            assert f"\n  {system}: " in message, system
        assert "g.source" in message and "without needing `dot`" in message
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


@pytest.mark.parametrize(
    ("text", "html", "hover"),
    [
        ('say "hi" & <go>', "say &quot;hi&quot; &amp; &lt;go&gt;", 'say \\"hi\\" &amp; <go>'),
        # a Windows (\r\n) or old Mac (\r) line break is one break, as \n is
        ("one\r\ntwo\rthree\nfour", "one<BR/>two<BR/>three<BR/>four", "one\\ntwo\\nthree\\nfour"),
        ("\\N", "\\\\N", "\\\\\\\\N"),
    ],
)
def test_text_is_escaped_for_html_labels_and_for_tooltips(text: str, html: str, hover: str) -> None:
    assert html_escape(text) == html
    assert tooltip(text) == hover


def test_every_html_label_is_well_formed_tables_of_rows_of_cells() -> None:
    a, b, _, loss = small_graph()
    g = draw_graph(loss, focus=a, groups={"the <b> input": [b]})
    labels = html_labels(g.source)
    assert len(labels) == 6 + 1 + 1  # the boxes, the group's caption, the caption below
    for label in labels:
        tree = ET.fromstring(f"<label>{label}</label>")
        for table in tree.iter("TABLE"):
            assert not (table.text or "").strip()
            for row in table:
                assert row.tag == "TR" and not (row.text or "").strip()
                assert not (row.tail or "").strip()
                for cell in row:
                    assert cell.tag == "TD" and not (cell.tail or "").strip()


def test_boxes_are_framed_thin_and_black_but_the_output_thick() -> None:
    *_, loss = small_graph()
    pic = svg_of(draw_graph(loss))
    assert outline(pic, "L") == ("black", 2.0)
    for text in ("a", "b", "c", "data 4", "data 10"):
        assert outline(pic, text) == ("black", 1.0), text
    assert OP_COLOR in pic.node_fills[pic.node("c")]  # the op symbol's cell
    assert all(text_colors(pic.ids[pic.node(t)]) == {"black"} for t in ("a", "c", "L"))


def test_focus_draws_its_paths_thick_and_blue_and_everything_else_grey() -> None:
    # out = x·2 + y, focus y: y → out is the only path; x, 2 and u = x·2 are off it
    x = Value(1.5, label="x")
    y = Value(-2.0, label="y")
    u = x * 2.0
    u.label = "u"
    out = u + y
    out.label = "out"
    pic = svg_of(draw_graph(out, focus=y))
    for text in ("y", "out"):
        assert outline(pic, text) == (FOCUS_COLOR, 2.0), text
        assert text_colors(pic.ids[pic.node(text)]) == {"black"}
    grey_text = "#868e96"
    for text in ("x", "u", "data 2"):
        assert outline(pic, text) == ("#adb5bd", 1.0), text
        assert text_colors(pic.ids[pic.node(text)]) == {grey_text}, text
    assert OP_COLOR in pic.node_fills[pic.node("out")]
    assert OP_COLOR not in pic.node_fills[pic.node("u")]  # the op cell is dimmed too
    o, n = pic.node("out"), pic.node("u")
    lit, dim = [f"{o}-d1"], [f"{o}-d0", f"{n}-d0", f"{n}-d1"]  # y is out's input 2
    for name in lit + dim:
        on = name in lit
        (shape,) = shapes(pic.ids[name])
        assert shape.get("stroke") == (FOCUS_COLOR if on else DIM_COLOR), name
        assert text_colors(pic.ids[name]) == {EDGE_LABEL_COLOR if on else DIM_COLOR}, name
        for half in "ab":  # the edge into the number and the edge out of it
            (path,) = pic.ids[name.replace("-d", "-in") + half].iter(f"{SVG}path")
            assert path.get("stroke") == (FOCUS_COLOR if on else DIM_COLOR), name
            assert float(path.get("stroke-width", "1")) == (2.0 if on else 0.8), name
    # without numbers, each edge is one line, lit or dimmed as well
    pic = svg_of(draw_graph(out, focus=y, show_local_grads=False))
    o = pic.node("out")
    (dimmed,) = pic.ids[f"{o}-in0"].iter(f"{SVG}path")
    (lit,) = pic.ids[f"{o}-in1"].iter(f"{SVG}path")
    assert dimmed.get("stroke") == DIM_COLOR and dimmed.get("stroke-width") == "0.8"
    assert lit.get("stroke") == FOCUS_COLOR and lit.get("stroke-width") == "2"


def test_numbers_sit_in_small_white_boxes_in_red_with_a_tooltip_naming_their_input() -> None:
    *_, loss = small_graph()
    pic = svg_of(draw_graph(loss))
    c = pic.node("c")
    for j in (0, 1):
        number = pic.ids[f"{c}-d{j}"]
        (shape,) = shapes(number)
        assert shape.tag == f"{SVG}path"  # rounded corners: a path of curves
        assert shape.get("fill", "").lower() == "white" and shape.get("stroke") == EDGE_COLOR
        width, height = size(shape)
        assert width < 20 and height < 16  # hugs its text ("-3"); Graphviz's least is 54 × 36
        assert float(shape.get("stroke-width", "1")) < 0.8  # thinner than the edges
        assert text_colors(number) == {EDGE_LABEL_COLOR}
    assert "∂/∂(input 1) of *" in pic.tooltips and "∂/∂(input 2) of *" in pic.tooltips
    for _, _, color in pic.edge_colors:
        assert color == EDGE_COLOR
    for edge in (g for g in pic.ids.values() if g.get("class") == "edge"):
        (path,) = edge.iter(f"{SVG}path")
        assert float(path.get("stroke-width", "1")) < 1  # thin lines


@pytest.mark.parametrize("numbers", [True, False])
def test_every_box_number_and_edge_has_the_id_the_player_reads(numbers: bool) -> None:
    *_, loss = small_graph()
    order = graph_of(loss, DEFAULT_MAX_NODES)
    pic = svg_of(draw_graph(loss, show_local_grads=numbers))
    expected = {}  # id: (tail, head) for an edge, None for a node
    for k, v in enumerate(order):
        expected[f"v{k}"] = None
        for j, inp in enumerate(v.inputs):
            tail = f"v{order.index(inp)}"
            if numbers:
                expected[f"v{k}-d{j}"] = None
                expected[f"v{k}-in{j}a"] = (tail, f"v{k}-d{j}")
                expected[f"v{k}-in{j}b"] = (f"v{k}-d{j}", f"v{k}")
            else:
                expected[f"v{k}-in{j}"] = (tail, f"v{k}")
    assert set(pic.ids) == set(expected)
    for name, ends in expected.items():
        group = pic.ids[name]
        if ends is None:
            assert group.get("class") == "node" and group.findtext(f"{SVG}title") == name
            continue
        assert group.findtext(f"{SVG}title") == "->".join(ends)
        # one arrowhead per edge: at its Value, none at its number
        assert len(group.findall(f"{SVG}polygon")) == (0 if name.endswith("a") else 1), name


def test_the_picture_is_compact_and_all_its_text_in_one_font() -> None:
    a, b, _, loss = small_graph()
    g = draw_graph(loss, groups={"inputs": [a, b]})
    graph = dot_defaults(g.source, "graph")
    # closer than Graphviz's defaults (0.25 and 0.5 inch), with small arrowheads
    assert float(graph["nodesep"]) < 0.25 and float(graph["ranksep"]) < 0.5
    assert float(dot_defaults(g.source, "edge")["arrowsize"]) < 1
    root = ET.fromstring(g.pipe(format="svg", encoding="utf-8"))
    texts = list(root.iter(f"{SVG}text"))
    assert {t.text for t in texts} >= {"a", "data 2", "-3", "inputs", "constant"}
    # the font dot measures text with, then fonts of the same or similar widths
    families = [f.lower() for f in FONT.split(",")]
    assert families == ["dejavu sans", "bitstream vera sans", "verdana", "sans-serif"]
    for t in texts:  # boxes, numbers, the group's caption, the legend
        assert t.get("font-family") == FONT, t.text
        assert float(t.get("font-size", "")) == float(FONT_SIZE), t.text


def test_boxes_are_drawn_by_their_table_alone() -> None:
    *_, loss = small_graph()
    pic = svg_of(draw_graph(loss))
    for text in ("a", "c", "L", "data 10"):  # shape=plain: no ellipse or box around the table
        frames = [e for e in shapes(pic.ids[pic.node(text)]) if e.get("fill") == "none"]
        assert len(frames) == 1 and frames[0].tag == f"{SVG}path", text  # the rounded table


@pytest.mark.parametrize(
    ("rankdir", "axis", "sign"), [("TB", 1, 1), ("BT", 1, -1), ("LR", 0, 1), ("RL", 0, -1)]
)
def test_rankdir_sets_the_direction_from_inputs_to_output(
    rankdir: str, axis: int, sign: int
) -> None:
    *_, loss = small_graph()
    g = draw_graph(loss, rankdir=rankdir)
    assert dot_defaults(g.source, "graph")["rankdir"] == rankdir
    root = ET.fromstring(g.pipe(format="svg", encoding="utf-8"))
    at = {
        t.text: (float(t.get("x", "")), float(t.get("y", "")))
        for t in root.iter(f"{SVG}text")
        if t.get("font-weight") == "bold"  # the labels
    }
    assert sign * (at["L"][axis] - at["a"][axis]) > 0  # SVG's y grows downwards


def test_build_with_its_defaults_draws_what_draw_graph_draws_with_its_defaults() -> None:
    # build is what the player (animate) draws with: the same picture for the same graph
    *_, loss = small_graph()
    order = graph_of(loss, DEFAULT_MAX_NODES)
    built = build(loss, order, grad_text=lambda v: format_number(v.grad))
    assert built.source == draw_graph(loss).source
    assert build(loss, order).source == draw_graph(loss, show_grad=False).source


def test_group_frames_are_grey_dashed_and_rounded() -> None:
    a, b, _, loss = small_graph()
    pic = svg_of(draw_graph(loss, groups={"inputs": [a, b]}))
    (frame,) = shapes(pic.ids["clust1"])
    assert frame.tag == f"{SVG}path"  # rounded corners: a path of curves
    assert frame.get("stroke") == "#868e96" and frame.get("stroke-dasharray")
    assert frame.get("fill") == "none"


def test_the_caption_under_a_wide_picture_starts_at_its_left_edge() -> None:
    level = [Value(float(k), label=f"x{k}") for k in range(16)]
    while len(level) > 1:  # a product tree: 16 leaves side by side
        level = [left * right for left, right in zip(level[::2], level[1::2])]
    root = ET.fromstring(draw_graph(level[0]).pipe(format="svg", encoding="utf-8"))
    legend = [t for t in root.iter(f"{SVG}text") if t.text == "output"]
    assert float(root.get("width", "").removesuffix("pt")) > 600
    assert len(legend) == 1 and float(legend[0].get("x", "")) < 40


def test_dot_draws_every_picture_without_a_warning(capfd: pytest.CaptureFixture[str]) -> None:
    a, b, _, loss = small_graph()
    for g in [
        draw_graph(loss, params=[a], focus=a, groups={"inputs": [a, b]}),
        draw_graph(loss, focus=b, show_local_grads=False),
    ]:
        assert svg_of(g).node("L")
    assert capfd.readouterr().err == ""  # graphviz passes on what dot says on stderr


def test_render_and_pipe_take_graphvizs_positional_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where a render that lost its file name would write
    g = draw_graph(Value(2.0, label="x") * 3.0)
    path = Path(g.render(tmp_path / "graph"))  # in SVG when no format is given
    assert path == tmp_path / "graph.svg"
    assert parse_svg(path.read_bytes()).node("x")
    assert g.pipe("plain", encoding="utf-8").startswith("graph ")  # the format, positional
