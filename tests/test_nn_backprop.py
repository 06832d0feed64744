"""∇W three ways (autograd, δ formulas, finite differences), checked against a hand closed form."""

from __future__ import annotations

import math

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


def numerical_bias_grads(net: nn.Network, x: list[float], y: list[float]) -> list[list[float]]:
    flat = [b for layer in net.biases for b in layer]

    def f(bs: list[Value]) -> Value:
        saved = [b.data for b in flat]
        for b, v in zip(flat, bs):
            b.data = v.data
        try:
            return nn.mse(net(x), y)
        finally:
            for b, v in zip(flat, saved):
                b.data = v

    g = iter(numerical_grad(f, flat))
    return [[next(g) for _ in layer] for layer in net.biases]


@settings(max_examples=120, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=5),
    activation=st.sampled_from(list(nn.ACTIVATIONS)),
    output_activation=st.sampled_from(list(nn.ACTIVATIONS)),
    bias=st.booleans(),
    seed=st.integers(0, 10**6),
    data=st.data(),
)
def test_deltas_match_autograd_and_differences_for_every_activation(
    sizes: list[int],
    activation: str,
    output_activation: str,
    bias: bool,
    seed: int,
    data: st.DataObject,
) -> None:
    net = nn.Network(sizes, activation, bias, output_activation=output_activation, seed=seed)
    x = data.draw(st.lists(unit, min_size=sizes[0], max_size=sizes[0]))
    y = data.draw(st.lists(target, min_size=sizes[-1], max_size=sizes[-1]))
    nn.mse(net(x), y).backward()
    result = nn.backprop(net, x, y)
    assert_close(result.weight_grads, net.grad_matrices(), 1e-12)
    assert_close([result.bias_grads], [net.bias_grads()], 1e-12)
    # finite differences need every ReLU away from its kink at 0
    zs = [v.inputs[0].data for layer in net.forward_all(x)[1:] for v in layer if v.op == "relu"]
    assume(all(abs(z) > 1e-4 for z in zs))
    assert_close(result.weight_grads, nn.numerical_grad_matrices(net, x, y), 1e-6)
    if bias:
        assert_close([result.bias_grads], [numerical_bias_grads(net, x, y)], 1e-6)


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


def test_deltas_refuse_mean_reduction() -> None:
    net = nn.Network([3, 2, 2], seed=0)
    with pytest.raises(ValueError, match="reduction='mean'"):
        nn.backprop_deltas(net, [0.1, 0.2, 0.3], [1.0, 0.0], reduction="mean")
    with pytest.raises(ValueError, match="unknown reduction 'max'"):
        nn.numerical_grad_matrices(net, [0.1, 0.2, 0.3], [1.0, 0.0], reduction="max")
    with pytest.raises(ValueError, match="unknown reduction 'max'"):
        nn.autograd_grad_matrices(net, [0.1, 0.2, 0.3], [1.0, 0.0], reduction="max")


def test_three_ways_check_their_inputs() -> None:
    net = nn.Network([3, 2, 2], seed=0)
    for f in (nn.backprop_deltas, nn.numerical_grad_matrices, nn.autograd_grad_matrices):
        with pytest.raises(ValueError, match="network input must have 3 entries, got 2"):
            f(net, [0.1, 0.2], [1.0, 0.0])
        with pytest.raises(ValueError, match=r"target.* must have 2 entries, got 3"):
            f(net, [0.1, 0.2, 0.3], [1.0, 0.0, 0.0])
    with pytest.raises(TypeError, match=r"backprop needs an nn\.Network, got list"):
        nn.backprop([1, 2], [0.1], [0.2])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="eps > 0"):
        nn.numerical_grad_matrices(net, [0.1, 0.2, 0.3], [1.0, 0.0], eps=0.0)
