"""Forward mode: jvp against reverse mode on random graphs, and what it must not do."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_properties import programs, run

from autograd import Dual, Value, grad, jvp


@settings(max_examples=150, deadline=None)
@given(programs, st.data())
def test_jvp_is_the_gradient_times_the_tangent_on_random_graphs(case, data) -> None:  # type: ignore[no-untyped-def]
    point, program = case
    tangents = data.draw(st.lists(st.floats(-2.0, 2.0), min_size=len(point), max_size=len(point)))
    try:
        xs = [Value(x) for x in point]
        out = run(program, xs)
        gradient = grad(out, xs)
    except (OverflowError, ZeroDivisionError, ValueError):
        assume(False)
    assume(all(math.isfinite(g) and abs(g) < 1e8 for g in gradient))
    value, slope = jvp(lambda v: run(program, v), point, tangents)
    expected = math.fsum(g * t for g, t in zip(gradient, tangents))
    assert value == out.data  # the same forward values, op by op
    # the same chain-rule sums, added in another order: equal up to rounding, which cancellation
    # between paths of size about 1 can leave as an absolute error
    scale = math.fsum(abs(g * t) for g, t in zip(gradient, tangents))
    assert slope == pytest.approx(expected, rel=1e-12, abs=1e-12 * (1.0 + scale))


def test_one_pass_per_input_gives_every_partial_derivative() -> None:
    def f(v: list[Value]) -> Value:
        a, b, c = v
        return (a * b).exp() / (1.0 + c * c) + a**3 - (b - c).relu()

    point = [0.3, -0.8, 1.1]
    xs = [Value(x) for x in point]
    reverse = grad(f(xs), xs)
    forward = [jvp(f, point, [1.0 * (i == k) for i in range(3)])[1] for k in range(3)]
    assert forward == pytest.approx(reverse, rel=1e-14)


def test_jvp_builds_no_graph_and_touches_no_grad() -> None:
    w = Value(-0.5, "w")  # a Value inside f is a constant for forward mode
    seen: list[object] = []

    def f(v: list[Value]) -> Value:
        h = (v[0] * w).tanh()
        seen.append(h)
        return h * v[1]

    x = Value(0.4)
    value, slope = jvp(f, [x, 2.0], [1.0, 0.0])
    assert all(type(h) is Dual for h in seen)  # pairs (value, tangent), not graph nodes
    assert (w.grad, x.grad) == (0.0, 0.0)
    assert value == pytest.approx(math.tanh(-0.2) * 2.0, rel=1e-15)
    assert slope == pytest.approx((1 - math.tanh(-0.2) ** 2) * -0.5 * 2.0, rel=1e-15)


def test_a_zero_tangent_needs_no_derivative() -> None:
    # √x has no finite slope at 0, but along a direction that leaves x alone none is needed
    value, slope = jvp(lambda v: v[0].sqrt() + v[1] * 3.0, [0.0, 1.0], [0.0, 1.0])
    assert (value, slope) == (3.0, 3.0)
    with pytest.raises(ZeroDivisionError, match=r"derivative of sqrt\(0\.0\) is not finite"):
        jvp(lambda v: v[0].sqrt(), [0.0], [1.0])


def test_jvp_of_a_function_that_ignores_its_inputs() -> None:
    assert jvp(lambda v: Value(2.0) * 3.0, [1.0], [1.0]) == (6.0, 0.0)
    assert jvp(lambda v: 4.0, [1.0], [1.0]) == (4.0, 0.0)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="one tangent per input, got 2 inputs and 1 tangents"):
        jvp(lambda v: v[0], [1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match="jvp needs lists"):
        jvp(lambda v: v[0], Value(1.0), [1.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"jvp tangent tangents\[0\] must be a finite number"):
        jvp(lambda v: v[0], [1.0], [math.inf])
    with pytest.raises(TypeError, match=r"jvp needs f to return the output .* got str"):
        jvp(lambda v: "x", [1.0], [1.0])
    with pytest.raises(OverflowError, match=r"exp\(1000\.0\): overflows"):
        jvp(lambda v: v[0].exp(), [1000.0], [1.0])
    with pytest.raises(OverflowError, match=r"tangent of .* overflows"):
        jvp(lambda v: v[0] * 1e300, [1.0], [1e300])


def test_a_rule_with_too_few_derivatives_is_an_error_not_a_dropped_term() -> None:
    from autograd import primitive

    short = primitive("short_rule", lambda a, b: a * b, lambda a, b, out: (b,))
    with pytest.raises(TypeError, match="local_grads of short_rule must return 2 derivatives"):
        jvp(lambda v: short(v[0], v[1]), [1.0, 2.0], [0.0, 1.0])


def test_dual_has_the_operators_and_methods_of_value() -> None:
    def surface(cls: type) -> set[str]:
        return {n for n in dir(cls) if not n.startswith("_") or n in OPERATORS}

    OPERATORS = {
        "__add__",
        "__radd__",
        "__sub__",
        "__rsub__",
        "__mul__",
        "__rmul__",
        "__truediv__",
        "__rtruediv__",
        "__pow__",
        "__rpow__",
        "__neg__",
        "__abs__",
    }
    value_math = {"exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "sin", "cos"}
    assert value_math | OPERATORS <= surface(Value)
    assert value_math | OPERATORS <= surface(Dual)
    d = Dual(0.5, 1.0)
    for name in sorted(value_math):
        out = getattr(d, name)()
        assert isinstance(out, Dual) and out.value == getattr(Value(0.5), name)().data


def test_abs_of_a_dual_is_its_abs_method() -> None:
    assert jvp(lambda x: abs(x[0]) * 2.0, [-3.0], [1.0]) == (6.0, -2.0)  # ∂|x|/∂x = −1 at −3


def test_dual_numbers_check_their_parts_and_start_with_no_tangent() -> None:
    assert Dual(2.0).tangent == 0.0 and Dual(2.0, 1.5).tangent == 1.5
    with pytest.raises(TypeError, match="Dual value must be a real number"):
        Dual("2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Dual tangent must be a finite number, got nan"):
        Dual(2.0, math.nan)


def test_dual_operators_keep_the_order_of_their_operands() -> None:
    x = Dual(3.0, 1.0)
    for result, value, tangent in [
        (x - 1.0, 2.0, 1.0),
        (1.0 - x, -2.0, -1.0),
        (x / 2.0, 1.5, 0.5),
        (6.0 / x, 2.0, -6.0 / 9.0),
        (2.0**x, 8.0, 8.0 * math.log(2.0)),
        (x**2, 9.0, 6.0),
        (x * 2.0, 6.0, 2.0),
        (2.0 * x, 6.0, 2.0),
        (x + 1.0, 4.0, 1.0),
        (1.0 + x, 4.0, 1.0),
    ]:
        assert (result.value, result.tangent) == pytest.approx((value, tangent), rel=1e-15)


def test_jvp_names_a_bad_input_and_a_bad_result() -> None:
    with pytest.raises(TypeError, match=r"jvp input xs\[1\] must be a real number"):
        jvp(lambda v: v[0] + v[1], [1.0, "2"], [1.0, 0.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="f's result must be a finite number, got nan"):
        jvp(lambda v: math.nan, [1.0], [1.0])  # type: ignore[arg-type,return-value]
    assert jvp(lambda v: 2.5, [1.0], [1.0]) == (2.5, 0.0)  # type: ignore[arg-type,return-value]


def test_a_primitive_given_a_value_and_a_dual_pushes_the_tangent_either_way_round() -> None:
    # forward mode outranks Values: the Value is a constant, whichever argument comes first
    from autograd import ops

    w, d = Value(2.0, "w"), Dual(3.0, 1.0)
    for result in (ops.mul(w, d), ops.mul(d, w), ops.add(w, d)):
        assert isinstance(result, Dual)
    assert (ops.mul(w, d).value, ops.mul(w, d).tangent) == (6.0, 2.0)
    assert (ops.add(w, d).value, ops.add(w, d).tangent) == (5.0, 1.0)
