"""explain and the path machinery: path products summing to the gradient, the δ form."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from test_properties import programs, run

import nn
from autograd import StaleGraphError, Value, explain, grad, numerical_grad
from autograd.explain import latex
from autograd.paths import path_graph


def blog() -> tuple[nn.Network, Value]:
    net = nn.Network([3, 2, 2], activation="sigmoid", bias=False, seed=0)
    return net, nn.mse(net([0.5, -0.2, 0.1]), [1.0, 0.0])


@settings(max_examples=100, deadline=None)
@given(programs)
def test_path_products_sum_to_the_gradient_on_random_graphs(case) -> None:
    point, program = case
    try:
        xs = [Value(x, label=f"x{k}") for k, x in enumerate(point)]
        out = run(program, xs)
        expected = grad(out, xs)
    except (ArithmeticError, ValueError):
        assume(False)
        return
    for x, g in zip(xs, expected):
        if x not in out.inputs and g == 0.0:
            continue
        try:
            graph = path_graph(out, x)
        except ValueError:  # out does not depend on x
            continue
        paths = list(graph.paths())
        assert len(paths) == graph.count
        total = 0.0
        for path in paths:
            assert path[-1][0] is out
            product = 1.0
            for node, k in path:
                product *= node.local_grads[k]
            total += product
        assert total == pytest.approx(g, rel=1e-9, abs=1e-12)
        if graph.count <= 50:
            e = explain(out, x, max_paths=50)
            assert e.total == g
            assert sum(p.product for p in e.paths) == pytest.approx(g, rel=1e-9, abs=1e-12)
            assert e.lines[-1].value is x
            assert e.lines[-1].total == pytest.approx(g, rel=1e-9, abs=1e-12)


def test_blog_weight_of_the_first_layer_has_two_paths_through_the_labelled_values() -> None:
    net, loss = blog()
    w = net.weights[0][0][0]
    e = explain(loss, w)
    assert e.count == 2 and len(e.paths) == 2
    labels = [[v.label for v in p.values] for p in e.paths]
    assert sorted(labels) == [
        ["w₁₁⁽¹⁾", "z₁⁽²⁾", "x₁⁽²⁾", "z₁⁽³⁾", "x₁⁽³⁾", "MSE"],
        ["w₁₁⁽¹⁾", "z₁⁽²⁾", "x₁⁽²⁾", "z₂⁽³⁾", "x₂⁽³⁾", "MSE"],
    ]
    # an independent answer: finite differences on the network's forward pass
    bp = nn.backprop(net, [0.5, -0.2, 0.1], [1.0, 0.0])
    assert e.total == pytest.approx(bp.weight_grads[0][0][0], rel=1e-12)
    for p in e.paths:
        assert p.product == math.prod(p.factors)
        # ∂z₁⁽²⁾/∂w₁₁⁽¹⁾ = x₁⁽¹⁾ = 0.5; ∂x₁⁽²⁾/∂z₁⁽²⁾ = x(1 − x)
        assert p.factors[0] == 0.5
        x2 = bp.activations[1][0]
        assert p.factors[1] == pytest.approx(x2 * (1 - x2))
    assert sum(p.product for p in e.paths) == pytest.approx(e.total, rel=1e-12)
    text = str(e)
    assert "∂MSE/∂w₁₁⁽¹⁾ = ∂MSE/∂x₁⁽³⁾ · ∂x₁⁽³⁾/∂z₁⁽³⁾ · ∂z₁⁽³⁾/∂x₁⁽²⁾" in text
    assert "2 paths" in text
    # the δ form: δ₁⁽²⁾ is the one computed by the δ formulas, and ∂MSE/∂w = δ₁⁽²⁾ · x₁⁽¹⁾
    deltas = {line.value.label: line.total for line in e.lines}
    assert deltas["z₁⁽²⁾"] == pytest.approx(bp.deltas[0][0], rel=1e-12)
    assert deltas["z₁⁽³⁾"] == pytest.approx(bp.deltas[1][0], rel=1e-12)
    assert "δ₁⁽²⁾ = ∂MSE/∂x₁⁽²⁾ · ∂x₁⁽²⁾/∂z₁⁽²⁾" in text
    assert "∂MSE/∂w₁₁⁽¹⁾ = δ₁⁽²⁾ · ∂z₁⁽²⁾/∂w₁₁⁽¹⁾" in text
    assert f"= {e.total:.4g}" in text


def test_blog_weight_of_the_second_layer_has_one_path() -> None:
    net, loss = blog()
    e = explain(loss, net.weights[1][0][1])
    assert e.count == 1
    (path,) = e.paths
    assert [v.label for v in path.values] == ["w₁₂⁽²⁾", "z₁⁽³⁾", "x₁⁽³⁾", "MSE"]
    assert "along the one path" in str(e)


def test_past_the_limit_only_the_delta_form_is_shown_and_the_paths_counted() -> None:
    x = Value(0.3, label="x")
    v = x
    for k in range(12):  # two labelled routes per level, p = 2v and q = v², joined: 2¹² paths
        p = v * 2.0
        p.label = f"p{k}"
        q = v * v
        q.label = f"q{k}"
        v = (p + q) * 0.25
        v.label = f"v{k}"
    e = explain(v, x)
    assert e.count == 2**12 and e.paths == []
    text = str(e)
    assert "4096 paths lead from x to v11: too many to write out (more than 8)" in text
    assert e.total == grad(v, [x])[0]
    assert e.lines[-1].total == pytest.approx(e.total, rel=1e-9)
    (numeric,) = numerical_grad(lambda xs: _tower(xs[0]), [0.3])
    assert e.total == pytest.approx(numeric, rel=1e-5)
    assert len(explain(v, x, max_paths=4096).paths) == 4096


def _tower(x: Value) -> Value:
    v = x
    for _ in range(12):
        v = (v * 2.0 + v * v) * 0.25
    return v


def test_latex_uses_the_blogs_notation() -> None:
    assert latex("w₁₂⁽¹⁾") == "w_{12}^{(1)}"
    assert latex("δ₁⁽²⁾") == "\\delta_{1}^{(2)}"
    assert latex("MSE") == "\\mathrm{MSE}"
    assert latex("a_b") == "\\mathrm{a\\_b}"
    net, loss = blog()
    tex = explain(loss, net.weights[0][0][0])._repr_latex_()
    assert tex.startswith("$$\\begin{aligned}") and tex.endswith("\\end{aligned}$$")
    assert "\\frac{\\partial \\mathrm{MSE}}{\\partial w_{11}^{(1)}}" in tex
    assert "\\delta_{1}^{(2)}" in tex


def test_latex_writes_greek_letters_and_escapes_what_latex_reserves() -> None:
    assert latex("X₁") == "X_{1}" and latex("X⁽²⁾") == "X^{(2)}"
    assert latex("σ₁⁽²⁾") == "\\sigma_{1}^{(2)}" and latex("η") == "\\eta"
    assert latex("∂x") == "\\partial x"
    assert latex("X#$%&_{}") == "\\mathrm{X\\#\\$\\%\\&\\_\\{\\}}"
    assert latex("a\\b~c^d") == "\\mathrm{a\\backslash b\\sim c\\hat{}d}"


def test_bad_calls() -> None:
    x = Value(1.0, label="x")
    y = x * 2
    with pytest.raises(ValueError, match=r"w \('z'\) is not in the graph of the \* Value 2\.0"):
        explain(y, Value(3.0, label="z"))
    with pytest.raises(TypeError, match="w must be a Value"):
        explain(y, 3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_paths must be an int, got str"):
        explain(y, x, max_paths="8")  # type: ignore[arg-type]
    x.data = 5.0
    with pytest.raises(StaleGraphError):
        explain(y, x)


def small_graph() -> tuple[Value, Value, Value]:
    """L = (w·x)² + w at w = 2, x = 3: ∂L/∂w = 2(w·x)·x + 1 = 37 along two paths, ∂L/∂x = 24."""
    w, x = Value(2.0, "w"), Value(3.0, "x")
    z = w * x
    z.label = "z₁⁽²⁾"
    y = z * z
    y.label = "y"
    loss = y + w
    loss.label = "L"
    return loss, w, x


def test_the_whole_explanation_of_a_small_graph_worked_by_hand() -> None:
    # the direct path w → L has the factor 1; the other 1 · 2z · x = 1 × 12 × 3 = 36
    loss, w, x = small_graph()
    assert str(explain(loss, w)) == "\n".join(
        [
            "the chain rule along each of the 2 paths from w to L, multiplied, then summed:",
            "  ∂L/∂w = ∂L/∂w",
            "          = 1 = 1",
            "        + ∂L/∂y · ∂y/∂z₁⁽²⁾ · ∂z₁⁽²⁾/∂w",
            "          = 1 × 12 × 3 = 36",
            "        = 37",
            "factored as backpropagation computes it, each derivative of L once, from the Values"
            " after it:",
            "  (δᵢ⁽ˡ⁾ = ∂L/∂zᵢ⁽ˡ⁾)",
            "  ∂L/∂y = 1",
            "  δ₁⁽²⁾ = ∂L/∂y · ∂y/∂z₁⁽²⁾",
            "          = 1 × 12 = 12",
            "  ∂L/∂w = δ₁⁽²⁾ · ∂z₁⁽²⁾/∂w + ∂L/∂w",
            "          = 12 × 3 + 1 = 37",
        ]
    )
    assert repr(explain(loss, w)) == "<Explanation of ∂L/∂w = 37: 2 paths>"
    assert repr(explain(loss, x)) == "<Explanation of ∂L/∂x = 24: 1 path>"


def test_the_whole_latex_of_a_small_graph() -> None:
    loss, w, _ = small_graph()
    d = "\\partial"
    assert explain(loss, w)._repr_latex_() == "\n".join(
        [
            "$$\\begin{aligned}",
            "&\\text{the chain rule along }\\text{each of the 2 paths}\\text{ from }w\\text{ to }L"
            "\\text{, multiplied, then summed:} \\\\",
            f"\\frac{{{d} L}}{{{d} w}} &= \\frac{{{d} L}}{{{d} w}} = 1 = 1 \\\\",
            f" &+ \\frac{{{d} L}}{{{d} y}} \\cdot \\frac{{{d} y}}{{{d} z_{{1}}^{{(2)}}}} \\cdot "
            f"\\frac{{{d} z_{{1}}^{{(2)}}}}{{{d} w}} = 1 \\times 12 \\times 3 = 36 \\\\",
            " &= 37 \\\\",
            "&\\text{factored as backpropagation computes it, each derivative of }L\\text{ once, "
            "from the Values after it:} \\\\",
            f"&\\text{{where }} \\delta_i^{{(l)}} = \\frac{{{d} L}}{{{d} z_i^{{(l)}}}} \\\\",
            f"\\frac{{{d} L}}{{{d} y}} &= 1 \\\\",
            f"\\delta_{{1}}^{{(2)}} &= \\frac{{{d} L}}{{{d} y}} \\cdot "
            f"\\frac{{{d} y}}{{{d} z_{{1}}^{{(2)}}}} = 1 \\times 12 = 12 \\\\",
            f"\\frac{{{d} L}}{{{d} w}} &= \\delta_{{1}}^{{(2)}} \\cdot "
            f"\\frac{{{d} z_{{1}}^{{(2)}}}}{{{d} w}} + \\frac{{{d} L}}{{{d} w}} = 12 \\times 3 + 1"
            " = 37",
            "\\end{aligned}$$",
        ]
    )


def test_unlabelled_values_are_named_as_root_and_w() -> None:
    u = Value(1.0)
    assert str(explain(u * 3.0, u)) == "\n".join(
        [
            "the chain rule along the one path from the Value to the Value, multiplied, then"
            " summed:",
            "  ∂root/∂w = ∂root/∂w",
            "             = 3 = 3",
            "           = 3",
            "factored as backpropagation computes it, each derivative of the Value once, from the"
            " Values after it:",
            "  ∂root/∂w = 3",
        ]
    )


def test_path_graph_names_what_is_not_a_value() -> None:
    x = Value(1.0, label="x")
    with pytest.raises(TypeError, match=r"the root must be a Value, got float 2\.0"):
        path_graph(2.0, x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="w must be a Value of the graph, got int 3"):
        path_graph(x * 2, 3)  # type: ignore[arg-type]


GOLDEN = Path(__file__).resolve().parent / "golden"


def two_paths(z_label: str) -> tuple[Value, Value]:
    """(root, w): root = z·h + z, unlabelled, with z = 2w (labelled ``z_label``), h = w − 5
    and w = 3, so z = 6, h = −2. Two paths from w: ∂root/∂w = (h + 1)·2 + z·1 = 4."""
    w = Value(3.0, "w")
    z = w * 2.0
    z.label = z_label
    h = w - 5.0
    h.label = "h"
    return z * h + z, w


def test_an_unlabelled_root_and_terms_in_the_order_of_the_graph() -> None:
    # ∂root/∂z = h + 1 = −1, ∂root/∂h = z = 6, so ∂root/∂w = (−1)·2 + 6·1 = 4. The unlabelled
    # root is "root" in formulas and "the Value" in words; z (computed first) comes before h
    # though 6 > −2.
    e = explain(*two_paths("z₁⁽²⁾"))
    assert e.total == 4.0 and repr(e) == "<Explanation of ∂root/∂w = 4: 2 paths>"
    assert str(e) + "\n" == (GOLDEN / "explain-unlabelled-root.txt").read_text(encoding="utf-8")
    tex = (GOLDEN / "explain-unlabelled-root.tex").read_text(encoding="utf-8")
    assert e._repr_latex_() + "\n" == tex


def test_explaining_a_value_by_itself_is_one_empty_path() -> None:
    x = Value(2.0, "x")
    e = explain(x, x)
    assert (e.count, e.total, e.lines) == (1, 1.0, [])
    (path,) = e.paths
    assert (path.values, path.factors, path.product) == ((x,), (), 1.0)
    assert str(e).splitlines()[1:4] == ["  ∂x/∂x = 1", "          = 1 = 1", "        = 1"]
    u = Value(2.0)  # unlabelled: "root" on both sides, though it is also the w
    e = explain(u, u)
    assert repr(e) == "<Explanation of ∂root/∂root = 1: 1 path>"
    assert str(e).splitlines()[1:3] == ["  ∂root/∂root = 1", "                = 1 = 1"]
    root = "\\mathrm{root}"
    assert e._repr_latex_().splitlines()[2] == (
        f"\\frac{{\\partial {root}}}{{\\partial {root}}} &= 1 = 1 = 1 \\\\"
    )


def test_a_term_straight_to_an_unlabelled_root_is_named_root() -> None:
    # root = a·b + b with b = 3a, at a = 2: ∂root/∂b = a + 1 = 3, and a reaches the root
    # directly too (through the unlabelled a·b): ∂root/∂a = 3 × 3 + b = 15 = 6a + 3
    a = Value(2.0, "a")
    b = a * 3.0
    b.label = "b"
    e = explain(a * b + b, a)
    assert str(e).splitlines()[-2:] == [
        "  ∂root/∂a = ∂root/∂b · ∂b/∂a + ∂root/∂a",
        "             = 3 × 3 + 6 = 15",
    ]
    d, root = "\\partial", "\\mathrm{root}"
    assert e._repr_latex_().splitlines()[-2] == (
        f"\\frac{{{d} {root}}}{{{d} a}} &= \\frac{{{d} {root}}}{{{d} b}} \\cdot "
        f"\\frac{{{d} b}}{{{d} a}} + \\frac{{{d} {root}}}{{{d} a}} = 3 \\times 3 + 6 = 15"
    )


def test_the_limit_on_written_paths_is_the_one_given() -> None:
    e = explain(*two_paths("z"), max_paths=1)
    assert e.paths == [] and "too many to write out (more than 1)" in str(e)


def test_delta_names_and_latex_of_short_and_symbolic_labels() -> None:
    from autograd.explain import _delta

    assert (_delta("z₁"), _delta("z"), _delta("zeta")) == ("δ₁", None, None)
    assert latex("ab") == "\\mathrm{ab}" and latex("a") == "a"
    assert latex("x+y") == "\\mathrm{x\\text{+}y}"
