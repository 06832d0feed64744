"""The logsumexp family, and softplus, its n = 2 case with a 0: forward and derivatives against
closed forms computed to 60 digits (decimal; 500 where ln(1 + e⁻¹⁰⁰⁰) needs them), finite
differences, at ±1000; n ≥ 3 inputs through every reader of the table (backward, grad with
create_graph, jvp, gradcheck, pickle, drawing)."""

from __future__ import annotations

import math
import pickle
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, draw_graph, grad, gradcheck, jvp, numerical_grad, primitive
from autograd.ops import logsumexp

wide = st.floats(-1000.0, 1000.0, allow_nan=False)
moderate = st.floats(-30.0, 30.0, allow_nan=False)


def exact_logsumexp(zs: list[float]) -> float:
    with localcontext() as ctx:
        ctx.prec = 60
        return float(sum(Decimal(z).exp() for z in zs).ln())


def exact_softmax(zs: list[float]) -> list[float]:
    with localcontext() as ctx:
        ctx.prec = 60
        es = [Decimal(z).exp() for z in zs]
        total = sum(es)
        return [float(e / total) for e in es]


def exact_softplus(x: float) -> float:
    with localcontext() as ctx:
        ctx.prec = 500  # 1 + e⁻¹⁰⁰⁰ keeps e⁻¹⁰⁰⁰ ≈ 5e-435 to 65 digits
        return float((1 + Decimal(x).exp()).ln())


def exact_sigmoid(x: float) -> float:
    with localcontext() as ctx:
        ctx.prec = 60
        e = Decimal(x).exp()
        return float(e / (1 + e))


# -- softplus(z) = ln(1 + eᶻ) = logsumexp(z, 0), the binary cross-entropy's piece ---------------


@settings(deadline=None)
@given(wide)
def test_softplus_and_its_derivative_match_the_closed_form(x: float) -> None:
    softplus = logsumexp(2)
    v = Value(x)
    out = softplus(v, 0.0)
    assert out.data == pytest.approx(exact_softplus(x), rel=1e-15, abs=1e-300)
    out.backward()
    assert v.grad == pytest.approx(exact_sigmoid(x), rel=1e-12, abs=1e-300)
    assert softplus(x, 0.0) == out.data  # floats in, float out


@pytest.mark.parametrize(("x", "value", "slope"), [(1000.0, 1000.0, 1.0), (-1000.0, 0.0, 0.0)])
def test_softplus_at_saturation(x: float, value: float, slope: float) -> None:
    v = Value(x)
    out = logsumexp(2)(v, 0.0)
    assert out.data == value
    assert grad(out, [v]) == [slope]
    numeric = numerical_grad(lambda xs: logsumexp(2)(xs[0], 0.0), [v])
    assert numeric == [pytest.approx(slope, abs=1e-9)]


def test_softplus_second_derivative_is_the_sigmoid_slope() -> None:
    x = Value(0.7)
    (d1,) = grad(logsumexp(2)(x, 0.0), [x], create_graph=True)
    (d2,) = grad(d1, [x])
    s = exact_sigmoid(0.7)
    assert d2 == pytest.approx(s * (1.0 - s), rel=1e-14)


# -- logsumexp -----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.lists(wide, min_size=1, max_size=6))
def test_logsumexp_and_its_gradient_match_the_closed_form(zs: list[float]) -> None:
    op = logsumexp(len(zs))
    assert op(*zs) == pytest.approx(exact_logsumexp(zs), rel=1e-14, abs=1e-14)
    vs = [Value(z) for z in zs]
    out = op(*vs)
    assert out.op == f"logsumexp_{len(zs)}" and out.inputs == tuple(vs)
    out.backward()
    # ∂/∂zᵢ = e^(zᵢ − out): out is rounded at its own magnitude (an ulp of 1000 is 1.1e-13), so
    # the weights are good to about that relative error, never worse
    want = exact_softmax(zs)
    assert [v.grad for v in vs] == pytest.approx(want, rel=1e-12, abs=1e-300)
    assert list(out.local_grads) == [v.grad for v in vs]


@pytest.mark.parametrize(
    "zs",
    [[1000.0, -1000.0, 0.0], [1000.0, 1000.0, 1000.0], [-1000.0, -1000.0, -999.0, -1000.0]],
)
def test_logsumexp_at_saturation_is_exact(zs: list[float]) -> None:
    vs = [Value(z) for z in zs]
    out = logsumexp(len(zs))(*vs)
    assert out.data == exact_logsumexp(zs)
    assert grad(out, vs) == pytest.approx(exact_softmax(zs), rel=1e-12, abs=1e-300)
    numeric = numerical_grad(lambda xs: logsumexp(len(xs))(*xs), vs)
    assert numeric == pytest.approx(exact_softmax(zs), abs=1e-6)  # step h = 1e-3 here


@settings(max_examples=60, deadline=None)
@given(st.lists(moderate, min_size=3, max_size=5))
def test_three_or_more_inputs_through_every_reader(zs: list[float]) -> None:
    n = len(zs)
    op = logsumexp(n)
    s = exact_softmax(zs)
    vs = [Value(z) for z in zs]
    # second derivatives: ∂²/∂zᵢ∂zⱼ = sᵢ(δᵢⱼ − sⱼ), through grad(create_graph=True)
    first = grad(op(*vs), vs, create_graph=True)
    assert [g.data for g in first] == pytest.approx(s, rel=1e-12, abs=1e-15)
    for i in range(n):
        row = grad(first[i], vs)
        want = [s[i] * ((i == j) - s[j]) for j in range(n)]
        assert row == pytest.approx(want, rel=1e-9, abs=1e-12)
    # forward mode: the directional derivative Σᵢ sᵢtᵢ
    t = [(-1.0) ** k * (k + 1) for k in range(n)]
    value, slope = jvp(lambda xs: op(*xs), zs, t)
    assert value == pytest.approx(exact_logsumexp(zs), rel=1e-14)
    assert slope == pytest.approx(sum(si * ti for si, ti in zip(s, t)), rel=1e-12, abs=1e-12)
    # and the user-facing check
    assert gradcheck(lambda xs: op(*xs) * xs[0], vs, verbose=False)


def test_logsumexp_family_is_cached_pickles_and_draws() -> None:
    assert logsumexp(3) is logsumexp(3) and logsumexp(3) is not logsumexp(4)
    assert logsumexp(1)(2.5) == 2.5
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    out = logsumexp(3)(a, b, c) * 2.0
    copy = pickle.loads(pickle.dumps(out))
    assert copy.inputs[0].primitive is logsumexp(3)
    assert copy.data == out.data
    source = draw_graph(out).source
    assert '">log Σ exp</TD>' in source  # the op's cell holds its symbol, and nothing more
    # five edges (three into log Σ exp, two into ×), each drawn through its local derivative
    assert source.count("->") == 2 * (3 + 2)


@pytest.mark.parametrize(
    ("n", "error", "words"),
    [
        (0, ValueError, ["logsumexp's number of inputs", "positive integer", "0"]),
        (2.0, TypeError, ["logsumexp", "float 2.0"]),
        (True, TypeError, ["logsumexp", "bool"]),
    ],
)
def test_logsumexp_bad_size(n: object, error: type[Exception], words: list[str]) -> None:
    with pytest.raises(error) as info:
        logsumexp(n)  # type: ignore[arg-type]
    for w in words:
        assert w in str(info.value)


def test_an_error_names_the_call_as_logsumexp_of_the_inputs() -> None:
    # tangents at the largest float: each weight e^(0 − ln 3) rounds above 1/3, so the tangent,
    # the largest float in exact arithmetic, overflows
    big = 1.7976931348623157e308
    with pytest.raises(OverflowError, match=r"tangent of logsumexp\(0\.0, 0\.0, 0\.0\) overflows"):
        jvp(lambda z: logsumexp(3)(*z), [0.0, 0.0, 0.0], [big, big, big])


def test_wrong_number_of_inputs_and_reserved_names() -> None:
    with pytest.raises(TypeError, match="logsumexp_3 takes 3 inputs, got 2"):
        logsumexp(3)(1.0, 2.0)
    with pytest.raises(ValueError, match="built-in"):
        primitive("logsumexp_3", lambda a: a, lambda a, out: (1.0,))
    with pytest.raises(ValueError, match="finite"):
        logsumexp(2)(1.0, float("inf"))


def test_one_primitive_per_exponent_and_a_bounded_cache(monkeypatch):
    from autograd import ops

    monkeypatch.setattr(ops, "POWERS", {})
    assert ops.power(2.5) is ops.power(2.5) and ops.power(3) is ops.power(3.0)
    assert ops.POWERS == {2.5: ops.power(2.5), 3.0: ops.power(3)}
    monkeypatch.setattr(ops, "POWERS_KEPT", 3)  # past the bound, each call makes its own
    made = [ops.power(c) for c in (4.0, 5.0, 6.0)]
    assert len(ops.POWERS) == 3 and 4.0 in ops.POWERS and 5.0 not in ops.POWERS
    assert ops.power(5.0) is not made[1] and ops.power(5.0).name == "**5"
    monkeypatch.setattr(ops, "LOGSUMEXPS", {})
    assert ops.logsumexp(2) is ops.logsumexp(2) and len(ops.LOGSUMEXPS) == 1
    for n in (3, 4, 5):
        ops.logsumexp(n)
    assert sorted(ops.LOGSUMEXPS) == [2, 3, 4]


# -- the op table, entry by entry, against closed forms ------------------------------------------

_a, _b = 1.5, -2.0
_s = 1.0 / (1.0 + math.exp(-_a))
TABLE = [
    # (name, symbol, inputs, forward, local derivatives): every built-in, at a point
    ("+", "+", (_a, _b), _a + _b, (1.0, 1.0)),
    ("-", "−", (_a, _b), _a - _b, (1.0, -1.0)),
    ("*", "×", (_a, _b), _a * _b, (_b, _a)),
    ("/", "÷", (_a, _b), _a / _b, (1 / _b, -_a / _b**2)),
    ("**", "xʸ", (_a, _b), _a**_b, (_b * _a ** (_b - 1), _a**_b * math.log(_a))),
    ("neg", "−x", (_a,), -_a, (-1.0,)),
    ("exp", "exp", (_a,), math.exp(_a), (math.exp(_a),)),
    ("log", "ln", (_a,), math.log(_a), (1 / _a,)),
    ("sqrt", "√", (_a,), math.sqrt(_a), (0.5 / math.sqrt(_a),)),
    ("tanh", "tanh", (_a,), math.tanh(_a), (1 - math.tanh(_a) ** 2,)),
    ("sigmoid", "σ", (_a,), _s, (_s * (1 - _s),)),
    ("sigmoid", "σ", (-_a,), 1 - _s, (_s * (1 - _s),)),
    ("relu", "ReLU", (_a,), _a, (1.0,)),
    ("relu", "ReLU", (-_a,), 0.0, (0.0,)),
    ("relu", "ReLU", (0.0,), 0.0, (0.0,)),
    ("abs", "|x|", (-_a,), _a, (-1.0,)),
    ("abs", "|x|", (_a,), _a, (1.0,)),
    ("abs", "|x|", (0.0,), 0.0, (0.0,)),
    ("sin", "sin", (_a,), math.sin(_a), (math.cos(_a),)),
    ("cos", "cos", (_a,), math.cos(_a), (-math.sin(_a),)),
    ("step", "H", (_a,), 1.0, (0.0,)),
    ("step", "H", (0.0,), 0.0, (0.0,)),
    ("step", "H", (-_a,), 0.0, (0.0,)),
    ("sign", "sign", (_a,), 1.0, (0.0,)),
    ("sign", "sign", (-_a,), -1.0, (0.0,)),
    ("sign", "sign", (0.0,), 0.0, (0.0,)),
]


@pytest.mark.parametrize(("name", "symbol", "xs", "value", "derivatives"), TABLE)
def test_every_built_in_entry_of_the_op_table(name, symbol, xs, value, derivatives):
    from autograd.primitive import lookup

    op = lookup(name)
    assert (op.name, op.symbol, op.arity) == (name, symbol, len(xs))
    assert op(*xs) == pytest.approx(value, rel=1e-15)
    assert op.local_grads(*xs, value) == pytest.approx(derivatives, rel=1e-15)
    with pytest.raises(ValueError, match="built-in"):
        primitive(name, lambda a: a, lambda a, out: (1.0,))  # names the user cannot take
    # and Value's operators and methods are these primitives
    node = op(*(Value(x) for x in xs))
    assert node.primitive is op and node.data == pytest.approx(value, rel=1e-15)


def test_the_caches_keep_1024_entries():
    from autograd import ops

    for k in range(1030):
        ops.power(k + 0.5)
    assert len(ops.POWERS) == 1024 and 1023.5 in ops.POWERS and 1024.5 not in ops.POWERS
    for n in range(1, 1031):
        ops.logsumexp(n)
    assert len(ops.LOGSUMEXPS) == 1024 and 1024 in ops.LOGSUMEXPS
