"""backward_steps: the edge updates of backward(), recorded, against backward() itself."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from test_properties import programs, run

from autograd import NonFiniteGradError, StaleGraphError, Value, backward_steps, reverse_topological


def graph_values(root: Value) -> list[Value]:
    return reverse_topological(root)


@settings(max_examples=150, deadline=None)
@given(programs)
def test_last_totals_are_what_backward_gives_and_no_grad_changes(case) -> None:
    point, program = case
    try:
        xs = [Value(x) for x in point]
        out = run(program, xs)
        before = {v: v.grad for v in graph_values(out)}
        steps = backward_steps(out)
    except (ArithmeticError, ValueError):
        assume(False)
        return
    assert {v: v.grad for v in graph_values(out)} == before  # nothing touched
    last: dict[Value, float] = {}
    for s in steps:
        assert s.input is s.node.inputs[s.index]
        assert s.contribution == s.upstream * s.local
        assert s.total == last.get(s.input, 0.0) + s.contribution  # the sum building up
        last[s.input] = s.total
    try:
        out.backward()
    except (ArithmeticError, ValueError):
        assume(False)
        return
    for v in graph_values(out):
        if v is not out:
            assert last[v] == v.grad  # bit for bit: the same additions in the same order


def test_steps_follow_backwards_order_and_upstream_is_the_nodes_final_grad() -> None:
    # a diamond with fan-out: a feeds b and c, both feed d.
    a = Value(1.5, label="a")
    b = a * 2.0
    c = a.tanh()
    d = b * c
    steps = backward_steps(d)
    order = reverse_topological(d)
    positions = [order.index(s.node) for s in steps]
    assert positions == sorted(positions)  # nodes visited in backward's order
    d.backward()
    for s in steps:
        assert s.upstream == s.node.grad  # complete before the node pushes it on
        assert s.local == s.node.local_grads[s.index]
    into_a = [s for s in steps if s.input is a]
    assert len(into_a) == 2
    # ∂d/∂a = 2c + b(1 − tanh²a): the two paths' contributions, summed in the second step
    assert into_a[1].total == pytest.approx(2 * math.tanh(1.5) + 3.0 * (1 - math.tanh(1.5) ** 2))
    assert into_a[1].total == into_a[0].contribution + into_a[1].contribution


def test_a_value_used_twice_by_one_node_gets_two_steps() -> None:
    x = Value(3.0, label="x")
    y = x * x
    steps = backward_steps(y)
    assert [(s.index, s.local, s.total) for s in steps] == [(0, 3.0, 3.0), (1, 3.0, 6.0)]


def test_a_leaf_has_no_steps_and_leaf_grads_are_not_accumulated() -> None:
    x = Value(2.0)
    assert backward_steps(x) == []
    x.grad = 5.0
    step, to_constant = backward_steps(x * 4.0)
    assert step.input is x and to_constant.input.data == 4.0  # the constant gets its step too
    assert step.total == 4.0 and x.grad == 5.0  # ∂root/∂x only; .grad untouched


def test_errors_are_backwards_errors() -> None:
    x = Value(4.0, label="x")
    y = x.sqrt()
    x.data = 9.0
    with pytest.raises(StaleGraphError, match="'x' changed after"):
        backward_steps(y)
    z = Value(0.0, label="z")
    with pytest.raises(ZeroDivisionError, match=r"sqrt\(0\.0\)"):
        backward_steps(z.sqrt())
    tiny = Value(1e-300, label="tiny")
    with pytest.raises(NonFiniteGradError, match="'tiny' overflows to inf"):
        backward_steps((tiny * 1e300) * 1e300)  # data 1e300, ∂/∂tiny = 1e600
    with pytest.raises(TypeError, match=r"backward_steps needs a Value, got float 1\.0"):
        backward_steps(1.0)  # type: ignore[arg-type]
