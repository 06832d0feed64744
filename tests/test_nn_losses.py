"""Losses against closed forms: the blog's MSE, and the cross-entropies to 60 digits, at ±1000."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, grad, gradcheck, numerical_grad, reverse_topological

finite = st.floats(-100.0, 100.0, allow_nan=False)


@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=8))
def test_mse_value_and_gradient(pairs: list[tuple[float, float]]) -> None:
    pred = [Value(p) for p, _ in pairs]
    target = [t for _, t in pairs]
    total = sum((p - t) ** 2 for p, t in pairs)
    loss = nn.mse(pred, target)
    assert loss.data == pytest.approx(total, rel=1e-12, abs=1e-12)
    assert grad(loss, pred) == pytest.approx([2.0 * (p - t) for p, t in pairs], abs=1e-9)
    mean = nn.mse(pred, target, reduction="mean")
    assert mean.data == pytest.approx(total / len(pairs), rel=1e-12, abs=1e-12)
    n = len(pairs)
    assert grad(mean, pred) == pytest.approx([2.0 * (p - t) / n for p, t in pairs], abs=1e-9)


def test_mse_worked_example() -> None:
    loss = nn.mse([Value(0.8), Value(0.3)], [1.0, 0.0])
    assert loss.data == pytest.approx(0.04 + 0.09, abs=1e-15)
    assert loss.label == "MSE"
    targets = [sq.inputs[0].inputs[1] for sq in (loss.inputs[0], loss.inputs[1])]  # (p − y)²
    assert [(y.label, y.data) for y in targets] == [("y₁", 1.0), ("y₂", 0.0)]
    given = Value(1.0, label="target")
    assert nn.mse([Value(0.8)], [given]).inputs[0].inputs[1] is given  # Values are used as given
    assert nn.mse([0.8, 0.3], [1.0, 0.0], "mean").data == pytest.approx(0.065, abs=1e-15)


@pytest.mark.parametrize(
    ("pred", "target", "kwargs", "error", "match"),
    [
        ([Value(1.0)], [1.0, 2.0], {}, ValueError, r"target.*must have 1 entries, got 2"),
        ([Value(1.0), Value(2.0)], [1.0], {}, ValueError, r"must have 2 entries, got 1"),
        ([], [], {}, ValueError, r"at least one prediction, got \[\]"),
        ([Value(1.0)], ["a"], {}, TypeError, r"target.*\[0\] must be a real number.*got str"),
        ([Value(1.0)], [float("nan")], {}, ValueError, "finite"),
        ([Value(1.0)], 1.0, {}, TypeError, r"list of 1 numbers, got float 1.0"),
        (Value(1.0), [1.0], {}, TypeError, "list of numbers or Values, got Value"),
        ({"a": 1.0}, [1.0], {}, TypeError, "list of numbers or Values, got dict"),
        ([Value(1.0)], [1.0], {"reduction": "avg"}, ValueError, "unknown reduction 'avg'"),
    ],
)
def test_mse_bad_input(
    pred: Any, target: Any, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        nn.mse(pred, target, **kwargs)


def test_mse_accepts_numpy_arrays() -> None:
    np = pytest.importorskip("numpy")
    loss = nn.mse(np.array([0.8, 0.3]), np.array([1.0, 0.0]))
    assert loss.data == pytest.approx(0.2**2 + 0.3**2, abs=1e-15)
    assert nn.mse((0.8, 0.3), (1.0, 0.0), "mean").data == pytest.approx(0.065, abs=1e-15)


def test_losses_and_gradient_helpers_refuse_the_same_reductions() -> None:
    net = nn.Network([1, 1], seed=0)
    messages = []
    for call in (
        lambda: nn.mse([1.0], [1.0], "max"),
        lambda: nn.autograd_grad_matrices(net, [1.0], [1.0], "max"),
        lambda: nn.numerical_grad_matrices(net, [1.0], [1.0], reduction="max"),
    ):
        with pytest.raises(ValueError) as info:
            call()
        messages.append(str(info.value))
    assert messages == ["unknown reduction 'max'; expected 'sum' or 'mean'"] * 3


def test_mse_refuses_unordered_and_batched_targets() -> None:
    with pytest.raises(TypeError, match=r"got set .*has no order"):
        nn.mse([Value(0.5), Value(0.2)], {1.0, 0.0})
    with pytest.raises(TypeError, match="got dict"):
        nn.mse([Value(0.5)], {0: 1.0})
    with pytest.raises(TypeError, match="got dict_values"):
        nn.mse([Value(0.5)], {0: 1.0}.values())
    with pytest.raises(TypeError, match="a class index"):
        nn.mse([Value(0.5), Value(0.2)], 1)
    with pytest.raises(TypeError, match=r"batch of 2 rows: \[\[1.0, 0.0\], .*loop over its rows"):
        nn.mse([Value(0.5), Value(0.2)], [[1.0, 0.0], [0.0, 1.0]])


# -- the cross-entropies: closed forms to 60 digits ---------------------------------------------


def exact(f: Any) -> float:
    with localcontext() as ctx:
        ctx.prec = 60
        return float(f())


def sigmoid(z: float) -> float:
    return exact(lambda: Decimal(z).exp() / (1 + Decimal(z).exp()))


def bce_closed_form(z: float, y: float) -> float:
    """−[y ln σ(z) + (1 − y) ln(1 − σ(z))], with σ(z) and 1 − σ(z) written without cancellation."""

    def f() -> Decimal:
        e = Decimal(z).exp()
        p, q = e / (1 + e), 1 / (1 + e)
        return -(Decimal(y) * p.ln() + (1 - Decimal(y)) * q.ln())

    return exact(f)


def softmax_closed_form(zs: list[float]) -> list[float]:
    with localcontext() as ctx:
        ctx.prec = 60
        es = [Decimal(z).exp() for z in zs]
        return [float(e / sum(es)) for e in es]


def cross_entropy_closed_form(zs: list[float], k: int) -> float:
    """The definition: −ln softmax(z)ₖ."""
    with localcontext() as ctx:
        ctx.prec = 60
        es = [Decimal(z).exp() for z in zs]
        return float(-(es[k] / sum(es)).ln())


def bce_slope_closed_form(z: float, y: float) -> float:
    """σ(z) − y to 60 digits."""
    with localcontext() as ctx:
        ctx.prec = 60
        return float(1 / (1 + (-Decimal(z)).exp()) - Decimal(y))


wide = st.floats(-1000.0, 1000.0, allow_nan=False)
probability = st.floats(0.0, 1.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(wide, probability), min_size=1, max_size=4))
def test_bce_from_logits_matches_the_closed_form(pairs: list[tuple[float, float]]) -> None:
    zs = [Value(z) for z, _ in pairs]
    ys = [y for _, y in pairs]
    loss = nn.binary_cross_entropy(zs, ys, logits=True)
    want = sum(bce_closed_form(z, y) for z, y in pairs)
    assert loss.data == pytest.approx(want, rel=1e-12, abs=1e-12)
    assert loss.label == "BCE"
    # ∂/∂z = σ(z) − y, computed by the rule as e^(z − out) − y: out = ln(1 + eᶻ) is rounded
    # to the float grid around z, so the slope carries up to about one ulp of z, absolutely
    for g, (z, y) in zip(grad(loss, zs), pairs):
        exact = bce_slope_closed_form(z, y)
        assert abs(g - exact) <= 1e-12 * abs(exact) + 4 * math.ulp(max(1.0, abs(z)))
    mean = nn.binary_cross_entropy(zs, ys, logits=True, reduction="mean")
    assert mean.data == pytest.approx(want / len(pairs), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("z", "y", "value", "slope"),
    [
        (1000.0, 1.0, 0.0, 0.0),  # confidently right
        (1000.0, 0.0, 1000.0, 1.0),  # confidently wrong: a loss of 1000, not ln 0
        (-1000.0, 0.0, 0.0, 0.0),
        (-1000.0, 1.0, 1000.0, -1.0),
        (1000.0, 0.25, 750.0, 0.75),
    ],
)
def test_bce_from_logits_at_saturation(z: float, y: float, value: float, slope: float) -> None:
    v = Value(z)
    loss = nn.binary_cross_entropy([v], [y], logits=True)
    assert loss.data == value
    assert grad(loss, [v]) == [slope]

    def f(xs: list[Value]) -> Value:
        return nn.binary_cross_entropy(xs, [y], logits=True)

    assert numerical_grad(f, [v]) == [pytest.approx(slope, abs=1e-9)]
    assert gradcheck(f, [v], verbose=False)


@settings(deadline=None)
@given(st.floats(-30.0, 30.0), probability)
def test_bce_on_probabilities(z: float, y: float) -> None:
    p = Value(z).sigmoid()
    loss = nn.binary_cross_entropy([p], [y])
    # the definition, at the float p (1 − p loses digits near p = 1: why logits=True exists)
    q = Decimal(p.data)
    want = exact(lambda: -(Decimal(y) * q.ln() + (1 - Decimal(y)) * (1 - q).ln()))
    assert loss.data == pytest.approx(want, rel=1e-12, abs=1e-15)
    if abs(z) < 5.0:  # where σ(z) and 1 − σ(z) keep their digits, the same loss as from z
        assert loss.data == pytest.approx(bce_closed_form(z, y), rel=1e-12, abs=1e-15)
    # ∂/∂p = (p − y) / (p(1 − p)), a closed form in p
    (g,) = grad(loss, [p])
    assert g == pytest.approx((p.data - y) / (p.data * (1.0 - p.data)), rel=1e-9)


def test_bce_on_a_saturated_probability_says_to_use_logits() -> None:
    p = Value(40.0).sigmoid()
    assert p.data == 1.0  # σ(40) rounds to 1
    with pytest.raises(ValueError) as info:
        nn.binary_cross_entropy([p], [1.0])
    for words in ("prediction 0", "1.0", "logits=True"):
        assert words in str(info.value)
    with pytest.raises(ValueError, match=r"prediction 1 is 1\.5"):
        nn.binary_cross_entropy([0.5, 1.5], [1.0, 0.0])


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: nn.binary_cross_entropy([0.5], [1.5]), ValueError, ["target[0]", "[0, 1]", "1.5"]),
        (lambda: nn.binary_cross_entropy([0.5], [0.0, 1.0]), ValueError, ["1 entries", "got 2"]),
        (lambda: nn.binary_cross_entropy([0.5], {1.0}), TypeError, ["set", "no order"]),
        (lambda: nn.binary_cross_entropy([], []), ValueError, ["at least one prediction"]),
        (lambda: nn.binary_cross_entropy([0.5], [1.0], logits=1), TypeError, ["logits", "int 1"]),
        (lambda: nn.binary_cross_entropy([0.5], [1.0], reduction="max"), ValueError, ["'max'"]),
    ],
)
def test_bce_bad_input(call: Any, error: type[Exception], words: list[str]) -> None:
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)


@pytest.mark.parametrize("loss", [nn.softmax, nn.log_softmax])
@pytest.mark.parametrize(
    ("zs", "error"), [([], ValueError), ("z", TypeError), ([1.0, None], TypeError)]
)
def test_softmax_and_log_softmax_errors_name_the_function_called(
    loss: Any, zs: Any, error: type[Exception]
) -> None:
    with pytest.raises(error) as info:
        loss(zs)
    assert str(info.value).startswith(loss.__name__ + " ")  # softmax, not log_softmax


@settings(max_examples=150, deadline=None)
@given(st.lists(wide, min_size=1, max_size=5), st.data())
def test_softmax_log_softmax_cross_entropy_match_the_definitions(
    zs: list[float], data: st.DataObject
) -> None:
    vs = [Value(z) for z in zs]
    probabilities = softmax_closed_form(zs)
    assert [p.data for p in nn.softmax(vs)] == pytest.approx(probabilities, rel=1e-12, abs=1e-300)
    log_p = nn.log_softmax(vs)
    for k, lp in enumerate(log_p):
        assert -lp.data == pytest.approx(cross_entropy_closed_form(zs, k), rel=1e-12, abs=1e-12)
    k = data.draw(st.integers(0, len(zs) - 1))
    loss = nn.cross_entropy(vs, k)
    assert loss.label == "cross-entropy"
    assert loss.data == pytest.approx(cross_entropy_closed_form(zs, k), rel=1e-12, abs=1e-12)
    one_hot = [1.0 if i == k else 0.0 for i in range(len(zs))]
    assert grad(loss, vs) == pytest.approx(
        [p - y for p, y in zip(probabilities, one_hot)], rel=1e-12, abs=1e-12
    )
    assert nn.cross_entropy(vs, one_hot).data == loss.data  # the same loss, one-hot


def test_cross_entropy_at_saturation() -> None:
    zs = [Value(1000.0), Value(-1000.0)]
    assert [p.data for p in nn.softmax(zs)] == [1.0, 0.0]
    assert [v.data for v in nn.log_softmax(zs)] == [0.0, -2000.0]
    wrong = nn.cross_entropy(zs, 1)
    assert wrong.data == 2000.0  # no ln 0: ln Σ e^z − z₂ = 1000 − (−1000)
    assert grad(wrong, zs) == [1.0, -1.0]
    right = nn.cross_entropy(zs, 0)
    assert right.data == 0.0 and grad(right, zs) == [0.0, 0.0]

    def f(xs: list[Value]) -> Value:
        return nn.cross_entropy(xs, 1)

    assert numerical_grad(f, zs) == pytest.approx([1.0, -1.0], abs=1e-6)
    assert gradcheck(f, zs, verbose=False)


def test_cross_entropy_with_soft_labels() -> None:
    zs = [0.5, -1.0, 2.0]
    ys = [0.2, 0.3, 0.5]
    loss = nn.cross_entropy([Value(z) for z in zs], ys)
    want = sum(y * cross_entropy_closed_form(zs, k) for k, y in enumerate(ys))
    assert loss.data == pytest.approx(want, rel=1e-14)


def test_cross_entropies_are_differentiable_twice() -> None:
    zs = [Value(0.3), Value(-0.4), Value(1.1)]
    s = softmax_closed_form([0.3, -0.4, 1.1])
    first = grad(nn.cross_entropy(zs, 2), zs, create_graph=True)
    hessian = [grad(g, zs) for g in first]
    want = [[s[i] * ((i == j) - s[j]) for j in range(3)] for i in range(3)]
    for row, expected in zip(hessian, want):
        assert row == pytest.approx(expected, rel=1e-12, abs=1e-15)
    z = Value(0.8)
    (d1,) = grad(nn.binary_cross_entropy([z], [1.0], logits=True), [z], create_graph=True)
    (d2,) = grad(d1, [z])
    assert d2 == pytest.approx(sigmoid(0.8) * (1.0 - sigmoid(0.8)), rel=1e-14)


@pytest.mark.parametrize(
    ("target", "error", "words"),
    [
        (2, ValueError, ["cross_entropy target is the class index 2", "2 classes", "0 … 1"]),
        (-1, ValueError, ["index -1", "out of range"]),
        (True, TypeError, ["class index", "bool"]),
        (1.0, TypeError, ["class index", "float 1.0"]),
        (
            [1.0, 0.0, 0.0],
            ValueError,
            ["cross_entropy target (one probability per logit) must have 2 entries", "got 3"],
        ),
        ([0.5, 0.6], ValueError, ["sum to 1, got [0.5, 0.6]", "1.1"]),
        ([1.5, -0.5], ValueError, ["target[0]", "[0, 1]", "1.5"]),
        ({0: 1.0}, TypeError, ["an int from 0 to 1", "2 class probabilities", "dict"]),
    ],
)
def test_cross_entropy_bad_target(target: Any, error: type[Exception], words: list[str]) -> None:
    from nn.losses import class_target

    # the same refusal from the loss and from class_target (which the δ formulas call)
    for call in (
        lambda: nn.cross_entropy([Value(0.1), Value(0.2)], target),
        lambda: class_target(target, 2),
    ):
        with pytest.raises(error) as info:
            call()
        for w in words:
            assert w in str(info.value)


def test_soft_labels_may_miss_a_sum_of_1_by_up_to_n_billionths() -> None:
    from nn.losses import class_target

    n = 27895  # the first n for which 1e-9·n is a multiple of 2⁻⁵³: a sum can be that far off
    off = 1e-9 * n
    edge = [0.0] * (n - 1) + [1.0 - off]
    assert abs(sum(edge) - 1.0) == off
    assert class_target(edge, n) == edge  # at the tolerance: accepted
    with pytest.raises(ValueError, match="must sum to 1"):
        class_target([0.0] * (n - 1) + [1.0 - off - 2**-53], n)  # past it by one ulp


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: nn.log_softmax(3.0), "log_softmax"),
        (lambda: nn.cross_entropy(3.0, 0), "cross_entropy"),
    ],
)
def test_log_softmax_and_cross_entropy_name_themselves(call: Any, name: str) -> None:
    with pytest.raises(TypeError, match=f"^{name} prediction must be a list"):
        call()


def test_a_one_hot_target_builds_the_graph_of_its_class_index() -> None:
    zs = [Value(0.3), Value(-0.4), Value(1.1)]
    by_index = nn.cross_entropy(zs, 1)
    one_hot = nn.cross_entropy(zs, [0.0, 1.0, 0.0])  # no ×1 node, no 0 · (…) terms
    assert len(reverse_topological(one_hot)) == len(reverse_topological(by_index))
    assert one_hot.data == by_index.data and one_hot.label == "cross-entropy"


def test_cross_entropy_accepts_numpy_indices() -> None:
    np = pytest.importorskip("numpy")
    zs = np.array([0.1, 0.7, -0.3])
    assert nn.cross_entropy(zs, np.int64(1)).data == nn.cross_entropy(list(zs), 1).data


def test_losses_read_no_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiled mode traces a loss once: reading a traced Value's .data would bake a decision
    into the generated code. The losses decide from shapes only."""
    zs = [Value(0.3), Value(-0.4), Value(1.1)]

    def refuse(self: Value) -> float:
        raise AssertionError("a loss read .data")

    monkeypatch.setattr(Value, "data", property(refuse))
    nn.cross_entropy(zs, 2)
    nn.cross_entropy(zs, [0.0, 0.5, 0.5])
    nn.softmax(zs)
    nn.log_softmax(zs)
    nn.binary_cross_entropy(zs, [1.0, 0.0, 0.5], logits=True)
    nn.binary_cross_entropy([z.sigmoid() for z in zs], [1.0, 0.0, 0.5])
    nn.mse(zs, [1.0, 0.0, 0.5], "mean")


@pytest.mark.parametrize(("loss", "name"), [(nn.mse, "mse"), (nn.binary_cross_entropy, "bce")])
def test_losses_name_themselves_and_label_the_targets_they_make(loss: Any, name: str) -> None:
    full = {"mse": "mse", "bce": "binary_cross_entropy"}[name]
    with pytest.raises(TypeError, match=f"^{full} prediction must be a list"):
        loss(3.0, [1.0])
    with pytest.raises(ValueError, match=rf"^{full} target \(one per prediction\) must have 1 "):
        loss([Value(0.5)], [1.0, 0.0])
    out = loss([Value(0.5), Value(0.25)], [1.0, 0.0])
    made = sorted(v.label for v in reverse_topological(out) if v.op == "" and v.label)
    assert made == ["y₁", "y₂"]
    target = Value(1.0, "t")  # a Value given as a target is used as it is
    assert target in reverse_topological(loss([Value(0.5)], [target]))
