"""Property tests: random expression graphs against finite differences (hypothesis)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Value, grad, numerical_grad

# Ops that keep every intermediate inside a safe domain, so finite differences are reliable.
# Written with methods and operators, so the same programs run on forward-mode Duals too.
UNARY: dict[str, Callable[[Value], Value]] = {
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "sin": lambda a: a.sin(),
    "cos∘(a/2)": lambda a: (a / 2.0).cos(),
    "square": lambda a: a**2,
    "cube": lambda a: a**3,
    "neg": lambda a: -a,
    "exp∘tanh": lambda a: a.tanh().exp(),
    "log(1+a²)": lambda a: (1 + a * a).log(),
    "sqrt(1+a²)": lambda a: (1 + a * a).sqrt(),
    "(1+σ)^a": lambda a: (1 + a.sigmoid()) ** a.tanh(),
}
BINARY: dict[str, Callable[[Value, Value], Value]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (1.5 + b.tanh()),
    "rsub": lambda a, b: 2.0 - a * b,
}

# A program: each step applies an op to earlier results (so values get reused: fan-out, diamonds).
step = st.one_of(
    st.tuples(st.sampled_from(sorted(UNARY)), st.integers(0, 10**6)),
    st.tuples(st.sampled_from(sorted(BINARY)), st.integers(0, 10**6), st.integers(0, 10**6)),
)
programs = st.tuples(
    st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=4),
    st.lists(step, min_size=1, max_size=14),
)


def run(program: list[tuple], xs: list[Value]) -> Value:
    values = list(xs)
    for name, *args in program:
        operands = [values[k % len(values)] for k in args]
        op = UNARY[name] if len(operands) == 1 else BINARY[name]
        values.append(op(*operands))
    return values[-1] + values[-2] if len(values) > 1 else values[-1]


@settings(max_examples=150, deadline=None)
@given(programs)
def test_random_graphs_match_finite_differences(case):
    point, program = case
    try:
        xs = [Value(x) for x in point]
        out = run(program, xs)
        assume(abs(out.data) < 1e4)
        out.backward()
    except (OverflowError, ZeroDivisionError, ValueError):
        assume(False)
    numeric = numerical_grad(lambda v: run(program, v), point, eps=1e-6)
    scale = max(1.0, abs(out.data))
    for x, n in zip(xs, numeric):
        assert math.isfinite(x.grad)
        assert x.grad == pytest.approx(n, rel=1e-4, abs=1e-5 * scale)


@settings(max_examples=80, deadline=None)
@given(programs)
def test_grad_agrees_with_backward_and_create_graph(case):
    point, program = case
    try:
        xs = [Value(x) for x in point]
        out = run(program, xs)
        assume(abs(out.data) < 1e4)
        floats = grad(out, xs)
        values = grad(out, xs, create_graph=True)
        out.backward()
    except (OverflowError, ZeroDivisionError, ValueError):
        assume(False)
    assert floats == [x.grad for x in xs]
    assert [v.data for v in values] == pytest.approx(floats, rel=1e-12, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.floats(-3.0, 3.0), st.floats(-3.0, 3.0))
def test_second_derivatives_match_finite_differences_of_grad(x0, y0):
    def f(x: Value, y: Value) -> Value:
        return (x * y).tanh() + x.sigmoid() * y**2

    def first(x: float, y: float) -> list[float]:
        xs = [Value(x), Value(y)]
        return grad(f(*xs), xs)

    xs = [Value(x0), Value(y0)]
    gx, gy = grad(f(*xs), xs, create_graph=True)
    hessian = [grad(gx, xs), grad(gy, xs)]
    eps = 1e-5
    for j in range(2):
        up = first(x0 + eps * (j == 0), y0 + eps * (j == 1))
        down = first(x0 - eps * (j == 0), y0 - eps * (j == 1))
        for i in range(2):
            assert hessian[i][j] == pytest.approx((up[i] - down[i]) / (2 * eps), abs=1e-6)
