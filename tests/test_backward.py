"""Reverse mode: backward semantics, the functional grad, higher order, depth and memory."""

from __future__ import annotations

import gc
import math

import pytest

from autograd import NonFiniteGradError, StaleGraphError, Value, grad, reverse_topological


def test_fan_out_sums_over_every_path():
    x = Value(3.0)
    y = x * x + x  # ∂y/∂x = 2x + 1
    y.backward()
    assert x.grad == 7.0


def test_diamond_sums_both_branches():
    x = Value(0.5)
    a = x.exp()
    b = a * 2.0  # branch 1
    c = a.tanh()  # branch 2
    y = b * c  # y = 2eˣ·tanh(eˣ)
    y.backward()
    e = math.exp(0.5)
    expected = 2 * e * math.tanh(e) + 2 * e * (1 - math.tanh(e) ** 2) * e
    assert x.grad == pytest.approx(expected, rel=1e-12)
    assert a.grad == pytest.approx(2 * math.tanh(e) + 2 * e * (1 - math.tanh(e) ** 2), rel=1e-12)


def test_backward_twice_accumulates_leaves_and_refreshes_intermediates():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    d = c * 4.0
    d.backward()
    assert (a.grad, b.grad, c.grad, d.grad) == (-12.0, 8.0, 4.0, 1.0)
    d.backward()
    assert (a.grad, b.grad) == (-24.0, 16.0)  # leaves accumulate, as in PyTorch
    assert (c.grad, d.grad) == (4.0, 1.0)  # intermediates hold the latest call only


def test_backward_of_a_leaf_seeds_one():
    a = Value(2.0)
    a.backward()
    a.backward()
    assert a.grad == 2.0


def test_backward_leaves_values_outside_the_graph_alone():
    a, b = Value(1.0), Value(2.0)
    unrelated = b * 3.0
    unrelated.backward()
    (a * 2.0).backward()
    assert (a.grad, b.grad, unrelated.grad) == (2.0, 3.0, 1.0)


def test_reverse_topological_puts_every_consumer_before_its_inputs():
    x = Value(1.0)
    y = (x * x + x.exp()) * (x - 1.0).tanh()
    order = reverse_topological(y)
    position = {v: k for k, v in enumerate(order)}
    assert order[0] is y and len(order) == len(position)
    for node in order:
        for inp in node.inputs:
            assert position[node] < position[inp]


def test_grad_matches_backward_and_touches_no_grad():
    a, b = Value(0.3), Value(-1.2)
    y = (a * b).sigmoid() + (a / b).tanh() * a
    ga, gb = grad(y, [a, b])
    assert (a.grad, b.grad, y.grad) == (0.0, 0.0, 0.0)
    y.backward()
    assert (ga, gb) == (a.grad, b.grad)


def test_grad_of_unused_input_is_zero():
    a, b = Value(1.0), Value(2.0)
    assert grad(a * 3.0, [a, b]) == [3.0, 0.0]
    zero = grad(a * 3.0, [b], create_graph=True)[0]
    assert isinstance(zero, Value) and zero.data == 0.0


def test_grad_rejects_non_values():
    with pytest.raises(TypeError, match=r"grad needs a Value as output, got float 1\.5"):
        grad(1.5, [Value(1.0)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"list of Values as inputs, e.g. grad\(y, \[x\]\)"):
        grad(Value(1.0), Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"grad needs Values as inputs, got float 2\.5"):
        grad(Value(1.0), [Value(1.0), 2.5])  # type: ignore[list-item]


def test_a_local_derivative_that_is_one_still_carries_its_own_derivative():
    """∂(x·y)/∂x = y, which is 1 at y = 1 but still depends on y: ∂²(x·y)/∂y∂x = 1."""
    x, y = Value(3.0), Value(1.0)
    (dx,) = grad(x * y, [x], create_graph=True)
    assert dx.data == 1.0
    assert grad(dx, [x, y]) == [0.0, 1.0]


SECOND_DERIVATIVES = [
    # (f, closed-form f'', point)
    (lambda x: x**3, lambda x: 6 * x, -0.7),
    (lambda x: x.exp(), math.exp, 0.4),
    (lambda x: x.log(), lambda x: -1 / x**2, 0.8),
    (lambda x: 1 / x, lambda x: 2 / x**3, 1.3),
    (lambda x: x.sqrt(), lambda x: -0.25 * x**-1.5, 2.0),
    (lambda x: x.tanh(), lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2), 0.6),
    (
        lambda x: x.sigmoid(),
        lambda x: (s := 1 / (1 + math.exp(-x))) * (1 - s) * (1 - 2 * s),
        0.9,
    ),
    (lambda x: 2**x, lambda x: 2**x * math.log(2) ** 2, 1.1),
    (lambda x: x**x, lambda x: x**x * ((math.log(x) + 1) ** 2 + 1 / x), 1.7),
]


@pytest.mark.parametrize(("f", "f2", "x0"), SECOND_DERIVATIVES)
def test_second_derivatives_against_closed_forms(f, f2, x0):
    x = Value(x0)
    (dy,) = grad(f(x), [x], create_graph=True)
    (d2y,) = grad(dy, [x])
    assert d2y == pytest.approx(f2(x0), rel=1e-10)


def test_first_derivative_with_create_graph_matches_float_mode():
    x, y = Value(0.4), Value(1.9)
    f = (x * y).sigmoid() * x**y - (y / x).log()
    floats = grad(f, [x, y])
    values = grad(f, [x, y], create_graph=True)
    assert [v.data for v in values] == pytest.approx(floats, rel=1e-14)


def test_create_graph_result_is_the_local_derivative_itself_not_one_times_it():
    s = Value(0.5)
    y = s.sigmoid()
    (d,) = grad(y, [s], create_graph=True)
    assert d.op == "*" and d.inputs[0] is y  # σ′ = σ·(1 − σ), with no "× 1" from the seed
    (d_sub,) = grad(s - 2.0, [s], create_graph=True)
    assert d_sub.data == 1.0
    (d_neg,) = grad(2.0 - s, [s], create_graph=True)
    assert isinstance(d_neg, Value) and d_neg.data == -1.0


def test_hessian_and_mixed_partials():
    # f = x²y + y³ + xʸ: ∂²f/∂x² = 2y + y(y−1)xʸ⁻², ∂²f/∂x∂y = 2x + xʸ⁻¹(1 + y ln x),
    # ∂²f/∂y² = 6y + xʸ(ln x)²
    x0, y0 = 1.3, 0.7
    x, y = Value(x0), Value(y0)
    f = x * x * y + y**3 + x**y
    gx, gy = grad(f, [x, y], create_graph=True)
    hessian = [grad(gx, [x, y]), grad(gy, [x, y])]
    ln = math.log(x0)
    expected = [
        [2 * y0 + y0 * (y0 - 1) * x0 ** (y0 - 2), 2 * x0 + x0 ** (y0 - 1) * (1 + y0 * ln)],
        [2 * x0 + x0 ** (y0 - 1) * (1 + y0 * ln), 6 * y0 + x0**y0 * ln**2],
    ]
    for row, expected_row in zip(hessian, expected):
        assert row == pytest.approx(expected_row, rel=1e-12)


def test_third_derivative():
    x = Value(0.9)
    (d1,) = grad(x**4, [x], create_graph=True)
    (d2,) = grad(d1, [x], create_graph=True)
    (d3,) = grad(d2, [x])
    assert d3 == pytest.approx(24 * 0.9, rel=1e-12)


def test_second_derivative_matches_finite_differences_of_the_first():
    def loss(w: Value) -> Value:
        return ((w * -0.4 + 0.3).sigmoid() - 1.0) ** 2

    def first(w0: float) -> float:
        w = Value(w0)
        return grad(loss(w), [w])[0]

    w = Value(0.8)
    (dw,) = grad(loss(w), [w], create_graph=True)
    (d2w,) = grad(dw, [w])
    eps = 1e-6
    assert d2w == pytest.approx((first(0.8 + eps) - first(0.8 - eps)) / (2 * eps), rel=1e-6)


def test_million_node_chain_backward_without_recursion():
    n = 1_000_000
    k = Value(1.0000001)
    x = Value(0.5)
    v = x
    for _ in range(n):
        v = v * k
    v.backward()
    assert x.grad == pytest.approx(1.0000001**n, rel=1e-9)
    assert k.grad == pytest.approx(n * 0.5 * 1.0000001 ** (n - 1), rel=1e-6)
    assert grad(v, [x]) == [pytest.approx(x.grad, rel=1e-12)]
    del v  # freeing a million-deep chain must not overflow the C stack either


def test_dropped_graphs_are_freed_without_the_cyclic_collector():
    gc.collect()
    gc.disable()
    try:
        a, b = Value(0.5), Value(-1.5)
        for _ in range(3):
            y = ((a * b).tanh() + a.exp() / b) ** 2
            y.backward()
            (g,) = grad(y, [a], create_graph=True)
            grad(g, [a, b])
        del y, g
        assert gc.collect() == 0  # nothing was left for the cycle collector to find
    finally:
        gc.enable()


def test_a_gradient_that_overflows_is_an_error_and_leaves_grads_as_they_were():
    x = Value(1e-200, label="x")
    y = 1 / x  # ∂y/∂x = −1/x² = −1e400: not a float
    with pytest.raises(OverflowError, match=r"gradient reaching 'x' overflows to -inf"):
        y.backward()
    assert (x.grad, y.grad) == (0.0, 0.0)
    with pytest.raises(OverflowError, match="overflows to -inf"):
        grad(y, [x])


def test_a_failed_backward_changes_no_grad():
    x = Value(0.0)
    w = Value(2.0)
    (w * x).backward()
    assert (x.grad, w.grad) == (2.0, 0.0)
    y = x.sqrt() + x * 3.0  # √x has no finite slope at 0; the x·3 branch runs first
    with pytest.raises(ZeroDivisionError, match=r"derivative of sqrt\(0\.0\) is not finite"):
        y.backward()
    assert (x.grad, w.grad) == (2.0, 0.0)


def test_a_leaf_changed_after_the_forward_pass_is_a_clear_error_never_a_mix():
    x = Value(1.0, label="x")
    y = x * x + x.exp()
    x.data = 2.0  # the graph was built at x = 1: its local derivatives would now mix 1 and 2
    for differentiate in (y.backward, lambda: grad(y, [x]), lambda: grad(y, [x], True)):
        with pytest.raises(StaleGraphError, match=r"'x' changed after .* was computed from it"):
            differentiate()
    with pytest.raises(StaleGraphError, match="'x' changed"):
        _ = y.inputs[1].local_grads
    assert (x.grad, y.grad) == (0.0, 0.0)
    y = x * x + x.exp()  # rebuilt: the gradient at x = 2
    y.backward()
    assert x.grad == pytest.approx(4 + math.exp(2), rel=1e-15)


def test_a_leaf_changed_between_two_parts_of_one_graph_is_noticed():
    x = Value(1.0, label="x")
    first = x * x
    x.data = 2.0
    y = first + x.exp()  # first was computed at x = 1, exp at x = 2
    with pytest.raises(StaleGraphError, match="'x'"):
        y.backward()
    w = Value(3.0, label="w")
    z = w * 2.0
    w.data = 3.0  # set again to the same number: still a change of data after z was built
    with pytest.raises(StaleGraphError):
        z.backward()


def test_a_stale_graph_is_named_even_where_the_new_data_breaks_a_rule() -> None:
    x = Value(1.0, label="x")
    y = x.log()
    x.data = 0.0  # ∂ln x/∂x = 1/x would now divide by zero: the stale graph is the news
    with pytest.raises(StaleGraphError, match="'x' changed"):
        y.backward()


@pytest.mark.parametrize("changed", ["a", "b"])
def test_the_error_names_the_input_that_changed(changed: str) -> None:
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    y = a * b
    y.label = "y"
    (a if changed == "a" else b).data = 5.0
    with pytest.raises(StaleGraphError, match=rf"^'{changed}' changed after 'y' was computed"):
        y.backward()


def test_data_may_change_before_a_value_is_used():
    x = Value(1.0)
    x.data = 5.0
    y = x * x
    y.backward()
    assert x.grad == 10.0


def test_create_graph_errors_name_the_operation():
    x = Value(0.0)
    with pytest.raises(ZeroDivisionError, match=r"derivative of sqrt\(0\.0\) is not finite"):
        grad(x.sqrt(), [x], create_graph=True)
    with pytest.raises(ZeroDivisionError, match=r"derivative of 0\.0 \*\* 0\.5 is not finite"):
        grad(x**0.5, [x], create_graph=True)


def test_grad_takes_any_iterable_of_inputs_and_repeats():
    a, b = Value(2.0), Value(3.0)
    y = a * b
    assert grad(y, (v for v in [a, b])) == [3.0, 2.0]
    assert grad(y, [a, a, y]) == [3.0, 3.0, 1.0]  # repeated inputs, and ∂y/∂y = 1


def test_data_reassigned_to_an_int_still_differentiates():
    a = Value(2.0)
    a.data = 2  # an int written by hand into the public attribute: stored as a float
    b = Value(3.0)
    y = a**b + a.relu()
    y.backward()
    assert a.grad == pytest.approx(3 * 2**2 + 1)
    assert b.grad == pytest.approx(2**3 * math.log(2))


def test_backward_interrupted_by_ctrl_c_changes_no_grad(python_sigint: None) -> None:
    import os
    import signal

    from autograd import primitive

    # a rule that sends the process a real SIGINT when backward reaches it, halfway through
    calls: list[float] = []
    interrupt = primitive(
        "interrupt",
        lambda a: a,
        lambda a, out: (calls.append(a) or os.kill(os.getpid(), signal.SIGINT) or 1.0,),
    )
    x, w = Value(0.5, "x"), Value(2.0, "w")
    x.grad, w.grad = 0.25, -1.0  # accumulated by an earlier backward
    h = (x * w).tanh()
    y = interrupt(h * w) * x + h  # backward reaches the interrupt after updating some grads
    with pytest.raises(KeyboardInterrupt):
        y.backward()
    assert len(calls) == 1  # it stops there: no rule runs again to explain the interruption
    assert (x.grad, w.grad) == (0.25, -1.0)
    assert all(v.grad == 0.0 for v in reverse_topological(y) if v.op)


def test_reverse_topological_of_a_non_value_is_one_clear_error() -> None:
    with pytest.raises(TypeError, match="reverse_topological needs a Value, got int 3"):
        reverse_topological(3)  # type: ignore[arg-type]


def test_an_overflowing_gradient_is_reported_as_itself_naming_the_value():
    # the error backward raises is the NonFiniteGradError itself, not a restatement of it
    x = Value(1e-200, label="x")
    with pytest.raises(NonFiniteGradError) as caught:
        (1 / x).backward()
    assert str(caught.value).startswith("the gradient reaching 'x' overflows to -inf:")
    z = Value(1e-200)  # no label: named by its op and number
    with pytest.raises(NonFiniteGradError, match=r"reaching the leaf Value 1e-200 overflows"):
        (1 / z).backward()
    with pytest.raises(NonFiniteGradError, match=r"reaching the leaf Value 1e-200 overflows"):
        grad(1 / z, [z])


def test_powers_zero_and_one_at_zero():
    # x⁰ = 1 with slope 0 everywhere, 0 included (0⁰ = 1 as in math.pow); x¹ has slope 1
    x = Value(0.0)
    assert (x**0).data == 1.0 and (x**0.0).data == 1.0
    assert grad(x**0, [x]) == [0.0]
    (d0,) = grad(x**0, [x], create_graph=True)
    assert d0.data == 0.0 and grad(d0, [x]) == [0.0]
    (d1,) = grad(x**1, [x], create_graph=True)
    assert d1.data == 1.0 and grad(d1, [x]) == [0.0]
    (d2,) = grad(x**2, [x], create_graph=True)
    assert d2.data == 0.0 and grad(d2, [x]) == [2.0]
