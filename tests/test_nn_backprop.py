"""∇W three ways (autograd, δ formulas, finite differences), checked against a hand closed form."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, numerical_grad

Matrix = list[list[float]]

weight = st.floats(-3.0, 3.0, allow_nan=False)
unit = st.floats(-1.0, 1.0, allow_nan=False)
target = st.floats(0.0, 1.0, allow_nan=False)


def sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def assert_close(a: list[Matrix], b: list[Matrix], tol: float = 1e-6) -> None:
    assert [[len(r) for r in m] for m in a] == [[len(r) for r in m] for m in b]
    for m, n in zip(a, b):
        for r, s in zip(m, n):
            for u, v in zip(r, s):
                assert abs(u - v) <= tol * (1.0 + abs(v)), (a, b)


def closed_form_322(w1: Matrix, w2: Matrix, x: list[float], y: list[float]) -> list[Matrix]:
    """The blog's 3-2-2 network differentiated by hand, one entry at a time (no loops over δ).

    x⁽²⁾ = σ(W⁽¹⁾x⁽¹⁾), x⁽³⁾ = σ(W⁽²⁾x⁽²⁾), MSE = Σᵢ (xᵢ⁽³⁾ − yᵢ)²:
    ∂MSE/∂wᵢⱼ⁽²⁾ = 2(xᵢ⁽³⁾ − yᵢ) xᵢ⁽³⁾(1 − xᵢ⁽³⁾) xⱼ⁽²⁾
    ∂MSE/∂wⱼₖ⁽¹⁾ = Σᵢ 2(xᵢ⁽³⁾ − yᵢ) xᵢ⁽³⁾(1 − xᵢ⁽³⁾) wᵢⱼ⁽²⁾ xⱼ⁽²⁾(1 − xⱼ⁽²⁾) xₖ⁽¹⁾
    """
    h1 = sigma(w1[0][0] * x[0] + w1[0][1] * x[1] + w1[0][2] * x[2])
    h2 = sigma(w1[1][0] * x[0] + w1[1][1] * x[1] + w1[1][2] * x[2])
    o1 = sigma(w2[0][0] * h1 + w2[0][1] * h2)
    o2 = sigma(w2[1][0] * h1 + w2[1][1] * h2)
    e1 = 2.0 * (o1 - y[0]) * o1 * (1.0 - o1)
    e2 = 2.0 * (o2 - y[1]) * o2 * (1.0 - o2)
    g2 = [[e1 * h1, e1 * h2], [e2 * h1, e2 * h2]]
    s1 = (e1 * w2[0][0] + e2 * w2[1][0]) * h1 * (1.0 - h1)
    s2 = (e1 * w2[0][1] + e2 * w2[1][1]) * h2 * (1.0 - h2)
    g1 = [[s1 * x[0], s1 * x[1], s1 * x[2]], [s2 * x[0], s2 * x[1], s2 * x[2]]]
    return [g1, g2]


# -- the blog's 3-2-2 network --------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    w1=st.lists(st.lists(weight, min_size=3, max_size=3), min_size=2, max_size=2),
    w2=st.lists(st.lists(weight, min_size=2, max_size=2), min_size=2, max_size=2),
    x=st.lists(unit, min_size=3, max_size=3),
    y=st.lists(target, min_size=2, max_size=2),
)
def test_seed_network_three_ways_and_closed_form(
    w1: Matrix, w2: Matrix, x: list[float], y: list[float]
) -> None:
    net = nn.Network.from_weights([w1, w2], activation="sigmoid")
    loss = nn.mse(net(x), y)
    loss.backward()
    by_autograd = net.grad_matrices()
    by_hand = closed_form_322(w1, w2, x, y)
    assert_close(by_autograd, by_hand, 1e-12)
    assert_close(nn.backprop_deltas(net, x, y), by_hand, 1e-12)
    assert_close(nn.autograd_grad_matrices(net, x, y), by_hand, 1e-12)
    assert_close(nn.numerical_grad_matrices(net, x, y), by_hand, 1e-6)
    assert nn.backprop(net, x, y).loss == pytest.approx(loss.data, abs=1e-14)


def test_seed_network_fixed_numbers() -> None:
    """One worked example whose numbers a reader can check by hand."""
    w1 = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]
    w2 = [[0.7, -0.8], [0.9, 1.0]]
    x, y = [0.5, -0.2, 0.1], [1.0, 0.0]
    net = nn.Network.from_weights([w1, w2])
    result = nn.backprop(net, x, y)
    assert result.activations[1] == pytest.approx([sigma(0.12), sigma(0.04)], abs=1e-15)
    assert len(result.deltas) == 2
    assert [len(d) for d in result.deltas] == [2, 2]
    assert result.bias_grads == [[], []]
    assert_close(result.weight_grads, closed_form_322(w1, w2, x, y), 1e-14)


def test_autograd_grad_matrices_leaves_grad_alone() -> None:
    net = nn.Network([3, 2, 2], bias=False, seed=3)
    nn.autograd_grad_matrices(net, [0.1, 0.2, 0.3], [1.0, 0.0])
    assert all(p.grad == 0.0 for p in net.parameters())


def test_numerical_grad_matrices_leaves_weights_alone() -> None:
    net = nn.Network([3, 2, 2], seed=3)
    before = net.weight_matrices(), net.bias_vectors()
    nn.numerical_grad_matrices(net, [0.1, 0.2, 0.3], [1.0, 0.0])
    assert (net.weight_matrices(), net.bias_vectors()) == before


# -- with biases, deeper and wider ---------------------------------------------------------------


def numerical_bias_grads(net: nn.Network, x: list[float], y: Any, loss: str) -> list[list[float]]:
    f = {"mse": nn.mse, "cross_entropy": nn.cross_entropy}[loss]
    flat = [b for layer in net.biases for b in layer]

    def of(bs: list[Value]) -> Value:
        saved = [b.data for b in flat]
        for b, v in zip(flat, bs):
            b.data = v.data
        try:
            return f(net(x), y)
        finally:
            for b, v in zip(flat, saved):
                b.data = v

    g = iter(numerical_grad(of, flat))
    return [[next(g) for _ in layer] for layer in net.biases]


@settings(max_examples=150, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=5),
    activation=st.sampled_from(list(nn.ACTIVATIONS)),
    output_activation=st.sampled_from(list(nn.ACTIVATIONS)),
    bias=st.booleans(),
    loss=st.sampled_from(nn.LOSSES),
    seed=st.integers(0, 10**6),
    data=st.data(),
)
def test_deltas_match_autograd_and_differences_for_every_activation_and_loss(
    sizes: list[int],
    activation: str,
    output_activation: str,
    bias: bool,
    loss: str,
    seed: int,
    data: st.DataObject,
) -> None:
    net = nn.Network(sizes, activation, bias, output_activation=output_activation, seed=seed)
    x = data.draw(st.lists(unit, min_size=sizes[0], max_size=sizes[0]))
    n = sizes[-1]
    y: Any
    if loss == "mse":
        y = data.draw(st.lists(target, min_size=n, max_size=n))
        f = nn.mse
    elif data.draw(st.booleans()):
        y = data.draw(st.integers(0, n - 1))  # a class index
        f = nn.cross_entropy
    else:  # class probabilities
        weights = data.draw(st.lists(st.floats(0.1, 1.0), min_size=n, max_size=n))
        y = [w / sum(weights) for w in weights]
        f = nn.cross_entropy
    f(net(x), y).backward()
    result = nn.backprop(net, x, y, loss=loss)
    assert_close(result.weight_grads, net.grad_matrices(), 1e-12)
    assert_close([result.bias_grads], [net.bias_grads()], 1e-12)
    assert result.loss == pytest.approx(f(net(x), y).data, rel=1e-12, abs=1e-14)
    assert_close(nn.autograd_grad_matrices(net, x, y, loss=loss), net.grad_matrices(), 1e-12)
    # finite differences need every ReLU away from its kink at 0
    zs = [v.inputs[0].data for layer in net.forward_all(x)[1:] for v in layer if v.op == "relu"]
    assume(all(abs(z) > 1e-4 for z in zs))
    assert_close(result.weight_grads, nn.numerical_grad_matrices(net, x, y, loss=loss), 1e-6)
    if bias:
        assert_close([result.bias_grads], [numerical_bias_grads(net, x, y, loss)], 1e-6)


def test_cross_entropy_deltas_against_a_closed_form() -> None:
    """One linear layer z = Wx + b and L = −ln softmax(z)ₖ: ∇W = (softmax(z) − eₖ) xᵀ, ∇b = its
    first factor, by hand."""
    w = [[0.2, -0.5], [1.5, 0.3], [-0.7, 0.9]]
    b = [0.1, -0.2, 0.05]
    x, k = [0.6, -1.2], 2
    z = [sum(wij * xj for wij, xj in zip(row, x)) + bi for row, bi in zip(w, b)]
    e = [math.exp(zi) for zi in z]
    s = [ei / sum(e) for ei in e]
    error = [si - (i == k) for i, si in enumerate(s)]
    net = nn.Network.from_weights([w], activation="linear", biases=[b])
    result = nn.backprop(net, x, k, loss="cross_entropy")
    assert_close(result.weight_grads, [[[ei * xj for xj in x] for ei in error]], 1e-14)
    assert result.bias_grads[0] == pytest.approx(error, abs=1e-15)
    assert result.loss == pytest.approx(-math.log(s[k]), abs=1e-14)
    one_hot = nn.backprop(net, x, [0.0, 0.0, 1.0], loss="cross_entropy")
    assert one_hot.weight_grads == result.weight_grads


def test_deltas_for_the_mean_reduction() -> None:
    net = nn.Network([3, 2, 2], seed=0)
    x, y = [0.1, 0.2, 0.3], [1.0, 0.0]
    mean = nn.backprop_deltas(net, x, y, reduction="mean")
    total = nn.backprop_deltas(net, x, y)
    assert_close(mean, [[[g / 2 for g in row] for row in m] for m in total], 1e-15)
    assert_close(mean, nn.autograd_grad_matrices(net, x, y, "mean"), 1e-12)
    assert nn.backprop(net, x, y, reduction="mean").loss == pytest.approx(
        nn.mse(net(x), y, "mean").data, abs=1e-15
    )


@settings(max_examples=80, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    activation=st.sampled_from(["sigmoid", "tanh", "linear"]),
    output_activation=st.sampled_from(["sigmoid", "tanh", "linear"]),
    bias=st.booleans(),
    reduction=st.sampled_from(["sum", "mean"]),
    seed=st.integers(0, 10**6),
    data=st.data(),
)
def test_deeper_and_wider_networks_autograd_matches_differences(
    sizes: list[int],
    activation: str,
    output_activation: str,
    bias: bool,
    reduction: str,
    seed: int,
    data: st.DataObject,
) -> None:
    net = nn.Network(sizes, activation, bias, output_activation=output_activation, seed=seed)
    x = data.draw(st.lists(unit, min_size=sizes[0], max_size=sizes[0]))
    y = data.draw(st.lists(unit, min_size=sizes[-1], max_size=sizes[-1]))
    nn.mse(net(x), y, reduction).backward()
    numeric = nn.numerical_grad_matrices(net, x, y, reduction=reduction)
    assert_close(net.grad_matrices(), numeric, 1e-6)
    assert_close(nn.autograd_grad_matrices(net, x, y, reduction), net.grad_matrices(), 1e-12)


def test_wide_relu_network_matches_differences() -> None:
    net = nn.Network([6, 12, 10, 3], activation="relu", output_activation="linear", seed=5)
    x = [0.3, -0.7, 0.2, 0.9, -0.1, 0.5]
    pre = [abs(v.inputs[0].data) for layer in net.forward_all(x)[1:-1] for v in layer]
    assert min(pre) > 1e-3  # finite differences need every ReLU away from its kink
    y = [0.1, 0.2, 0.3]
    nn.mse(net(x), y).backward()
    assert_close(net.grad_matrices(), nn.numerical_grad_matrices(net, x, y), 1e-6)
    assert net.weights[0][11][5].label == "w₁₂,₆⁽¹⁾"


# -- refusals ------------------------------------------------------------------------------------


def test_unknown_losses_and_reductions_are_refused() -> None:
    net = nn.Network([3, 2, 2], seed=0)
    x, y = [0.1, 0.2, 0.3], [1.0, 0.0]
    for f in (nn.backprop_deltas, nn.autograd_grad_matrices, nn.numerical_grad_matrices):
        with pytest.raises(ValueError, match=r"unknown loss 'bce'.*mse, cross_entropy"):
            f(net, x, y, loss="bce")
        with pytest.raises(ValueError, match="reduction applies to mse only"):
            f(net, x, 1, reduction="mean", loss="cross_entropy")
    with pytest.raises(ValueError, match="unknown reduction 'max'"):
        nn.numerical_grad_matrices(net, x, y, reduction="max")
    with pytest.raises(ValueError, match="unknown reduction 'max'"):
        nn.autograd_grad_matrices(net, x, y, reduction="max")
    with pytest.raises(ValueError, match="class index 2, out of range"):
        nn.backprop(net, x, 2, loss="cross_entropy")
    with pytest.raises(ValueError, match="sum to 1"):
        nn.backprop(net, x, [0.5, 0.6], loss="cross_entropy")


def test_refusals_name_the_argument_and_show_the_value() -> None:
    net = nn.Network([3, 2, 2], seed=0)
    x, y = [0.1, 0.2, 0.3], [1.0, 0.0]
    with pytest.raises(TypeError, match=r"backprop needs an nn\.Network, got int 3"):
        nn.backprop(3, x, y)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"^network input must have 3 entries, got 2: \[0.1, 0.2\]"
    ):
        nn.backprop(net, [0.1, 0.2], y)
    with pytest.raises(ValueError, match=r"^network input must have 3 entries, got 4"):
        nn.numerical_grad_matrices(net, [*x, 0.4], y)
    with pytest.raises(ValueError, match=r"^target must have 2 entries, got 1"):
        nn.backprop(net, x, [1.0])
    with pytest.raises(TypeError, match=r"^eps must be a real number"):
        nn.numerical_grad_matrices(net, x, y, eps="small")  # type: ignore[arg-type]


@pytest.mark.parametrize(("y", "loss"), [([1.0, 0.0], "mse"), ([0.25, 0.75], "cross_entropy")])
def test_values_count_as_their_numbers(y: list[float], loss: str) -> None:
    net = nn.Network([3, 2, 2], seed=0)
    x = [0.1, 0.2, 0.3]
    given = nn.backprop(net, [Value(v) for v in x], [Value(v) for v in y], loss=loss)
    assert given == nn.backprop(net, x, y, loss=loss)


def test_numerical_grad_matrices_takes_the_step_it_is_given() -> None:
    """Each entry is (L(w + h) − L(w − h)) / 2h with h = ε·max(1, |w|), computed here by hand;
    its error grows as ε², so ε = 0.1 and ε = 10⁻⁶ give visibly different answers."""
    net = nn.Network.from_weights([[[0.5]]], activation="tanh")
    x, y = [2.0], [0.0]

    def loss(w: float) -> float:
        return (math.tanh(w * x[0]) - y[0]) ** 2

    for eps in (0.1, 1e-6):
        (((got,),),) = nn.numerical_grad_matrices(net, x, y, eps=eps)
        h = eps * max(1.0, 0.5)
        assert got == pytest.approx((loss(0.5 + h) - loss(0.5 - h)) / (2 * h), rel=1e-9)
    (((coarse,),),) = nn.numerical_grad_matrices(net, x, y, eps=0.1)
    (((fine,),),) = nn.numerical_grad_matrices(net, x, y, eps=1e-6)
    assert abs(coarse - fine) > 1e-3


# -- numbers too large: the δ formulas refuse them as autograd does (issue 11, item 4) -----------


@pytest.mark.parametrize(("y", "words"), [([0.0], ["z₁⁽²⁾", "nan"]), ([1e200], ["z₁⁽²⁾", "nan"])])
def test_overflow_is_an_error_not_nan(y: list[float], words: list[str]) -> None:
    net = nn.Network.from_weights([[[2.0, -2.0]], [[1.0]]])
    x = [1e308, 1e308]
    with pytest.raises(OverflowError) as info:
        nn.backprop(net, x, y)
    for w in words:
        assert w in str(info.value)
    with pytest.raises(OverflowError):  # the autograd path, on the same input
        nn.mse(net(x), y)


@pytest.mark.parametrize(
    ("weights", "x", "y", "loss", "name"),
    [
        ([[[1.0]]], [1e200], [-1e200], "mse", "the mse loss is inf"),  # (2e200)² overflows
        ([[[1e200]], [[1e200]], [[1e200]]], [1.0], [0.0], "mse", "z₁⁽³⁾ is inf"),
        # logits ±1e200 give a finite loss, 2e200, but δ⁽²⁾ = 2e200 times x⁽¹⁾ = 1e200 is not
        ([[[1e-200]], [[1e200], [-1e200]]], [1e200], 1, "cross_entropy", "∂L/∂w₁₁⁽¹⁾ is inf"),
    ],
)
def test_overflow_names_the_number(
    weights: Any, x: list[float], y: Any, loss: str, name: str
) -> None:
    net = nn.Network.from_weights(weights, activation="linear")
    with pytest.raises(OverflowError, match=name):
        nn.backprop(net, x, y, loss=loss)
    with pytest.raises(OverflowError):  # the autograd path, on the same input
        nn.autograd_grad_matrices(net, x, y, loss=loss)


def test_a_delta_that_overflows_is_named() -> None:
    # logits ±10³⁰⁸·h with h = 0.001 give a finite cross-entropy for class 1 (2·10³⁰⁵), and
    # δ⁽³⁾ = softmax − one-hot = (1, −1), but δ₁⁽²⁾ = 10³⁰⁸·1 + (−10³⁰⁸)·(−1) overflows
    net = nn.Network.from_weights([[[0.001]], [[1e308], [-1e308]]], activation="linear")
    with pytest.raises(OverflowError, match=r"^backprop: δ₁⁽²⁾ is inf, not a finite number"):
        nn.backprop(net, [1.0], 1, loss="cross_entropy")
