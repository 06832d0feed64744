"""Neuron, Layer, Network: the forward pass against hand computation, layout, labels, bad input."""

from __future__ import annotations

import math
import sys
from typing import Any

import pytest

import nn
from autograd import Value

W1 = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]
W2 = [[0.7, -0.8], [0.9, 1.0]]
X = [0.5, -0.2, 0.1]


def sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def seed_net() -> nn.Network:
    return nn.Network.from_weights([W1, W2], activation="sigmoid")


def graph_nodes(root: Value) -> set[Value]:
    seen, stack = {root}, [root]
    while stack:
        for v in stack.pop().inputs:
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return seen


# -- the blog's network -------------------------------------------------------------------------


def test_seed_forward_matches_hand_computation() -> None:
    net = seed_net()
    x2 = [sigma(sum(W1[i][j] * X[j] for j in range(3))) for i in range(2)]
    x3 = [sigma(sum(W2[i][j] * x2[j] for j in range(2))) for i in range(2)]
    out = net(X)
    assert [v.data for v in out] == pytest.approx(x3, abs=1e-15)
    loss = nn.mse(out, [1.0, 0.0])
    assert loss.data == pytest.approx((x3[0] - 1.0) ** 2 + x3[1] ** 2, abs=1e-15)


def test_seed_network_shape_and_attributes() -> None:
    net = nn.Network([3, 2, 2], activation="sigmoid", bias=False, seed=0)
    assert net.sizes == [3, 2, 2]
    assert net.activation == net.output_activation == "sigmoid"
    assert net.bias is False
    assert [len(m) for m in net.weights] == [2, 2]
    assert [len(r) for m in net.weights for r in m] == [3, 3, 2, 2]
    assert net.biases == [[], []]
    assert len(net.parameters()) == 10
    assert net.parameters()[:3] == net.weights[0][0]


def test_weight_layout_row_is_neuron_column_is_input() -> None:
    # Only w₂₃⁽¹⁾ is non-zero: neuron 2 of layer 2 sees input 3, neuron 1 sees nothing.
    w1 = [[0.0, 0.0, 0.0], [0.0, 0.0, 2.0]]
    net = nn.Network.from_weights([w1], activation="linear")
    out = net([5.0, 7.0, 11.0])
    assert [v.data for v in out] == [0.0, 22.0]
    assert net.weights[0][1][2].label == "w₂₃⁽¹⁾"
    assert net.weight_matrices() == [w1]


def test_labels_follow_the_blog() -> None:
    net = nn.Network([3, 2, 2], bias=True, seed=0)
    assert net.weights[0][0][1].label == "w₁₂⁽¹⁾"
    assert net.weights[1][1][0].label == "w₂₁⁽²⁾"
    assert net.biases[0][1].label == "b₂⁽²⁾"
    assert net.biases[1][0].label == "b₁⁽³⁾"
    layers = net.forward_all(X)
    assert [[v.label for v in layer] for layer in layers] == [
        ["x₁⁽¹⁾", "x₂⁽¹⁾", "x₃⁽¹⁾"],
        ["x₁⁽²⁾", "x₂⁽²⁾"],
        ["x₁⁽³⁾", "x₂⁽³⁾"],
    ]
    assert [[v.inputs[0].label for v in layer] for layer in layers[1:]] == [
        ["z₁⁽²⁾", "z₂⁽²⁾"],  # σ's input: the weighted sum, where δ⁽²⁾ lives
        ["z₁⁽³⁾", "z₂⁽³⁾"],
    ]
    assert nn.mse(layers[-1], [1.0, 0.0]).label == "MSE"


def test_linear_layers_label_their_output_only() -> None:
    net = nn.Network([2, 1], activation="linear", bias=False, seed=0)
    (out,) = net([1.0, 2.0])
    assert out.label == "x₁⁽²⁾" and out.op == "+"


def test_no_needless_nodes() -> None:
    # 3 inputs + 10 weights; per neuron: one product per input, (inputs − 1) sums, one σ.
    out = seed_net()(X)
    nodes = graph_nodes(out[0]) | graph_nodes(out[1])
    assert len(nodes) == 3 + 10 + 2 * (3 + 2 + 1) + 2 * (2 + 1 + 1)


def test_bias_is_added() -> None:
    net = nn.Network.from_weights([[[2.0, 3.0]]], activation="linear", biases=[[0.5]])
    assert net([1.0, 10.0])[0].data == 32.5
    assert net.bias is True
    assert net.bias_vectors() == [[0.5]]


@pytest.mark.parametrize(
    ("activation", "f"),
    [
        ("sigmoid", sigma),
        ("tanh", math.tanh),
        ("relu", lambda z: max(0.0, z)),
        ("linear", lambda z: z),
    ],
)
def test_activations(activation: str, f: Any) -> None:
    w = [[[1.0, -2.0], [0.5, 0.25]], [[1.5, -1.0]]]
    net = nn.Network.from_weights(w, activation=activation)
    x = [0.3, 0.4]
    h = [f(w[0][i][0] * x[0] + w[0][i][1] * x[1]) for i in range(2)]
    want = f(w[1][0][0] * h[0] + w[1][0][1] * h[1])
    assert net(x)[0].data == pytest.approx(want, abs=1e-15)


def test_each_activation_has_the_symbol_drawn_for_it_and_linear_none() -> None:
    from nn.activations import symbol

    assert [symbol(a) for a in ("sigmoid", "tanh", "relu", "linear")] == ["σ", "tanh", "ReLU", ""]


def test_output_activation_applies_to_last_layer_only() -> None:
    w = [[[1.0, -2.0]], [[3.0]]]
    net = nn.Network.from_weights(w, activation="tanh", output_activation="linear")
    assert net.output_activation == "linear"
    assert net([0.5, 0.5])[0].data == pytest.approx(3.0 * math.tanh(-0.5), abs=1e-15)
    assert "output_activation='linear'" in repr(net)


def test_inputs_may_be_values_and_gradients_reach_them() -> None:
    xs = [Value(v) for v in X]
    loss = nn.mse(seed_net()(xs), [1.0, 0.0])
    loss.backward()
    assert any(x.grad != 0.0 for x in xs)


def test_seeded_init_is_deterministic_and_scaled() -> None:
    a = nn.Network([4, 8, 3], seed=7)
    b = nn.Network([4, 8, 3], seed=7)
    c = nn.Network([4, 8, 3], seed=8)
    assert a.weight_matrices() == b.weight_matrices()
    assert a.bias_vectors() == b.bias_vectors()
    assert a.weight_matrices() != c.weight_matrices()
    for layer, n_in in zip(a.layers, a.sizes):
        bound = 1.0 / math.sqrt(n_in)
        values = [w.data for w in layer.parameters()]
        assert all(-bound <= v <= bound for v in values)
        assert len(set(values)) == len(values)


def test_zero_grad_and_grad_matrices() -> None:
    net = nn.Network([3, 2, 2], seed=1)
    nn.mse(net(X), [1.0, 0.0]).backward()
    assert any(g != 0.0 for m in net.grad_matrices() for r in m for g in r)
    assert any(g != 0.0 for b in net.bias_grads() for g in b)
    net.zero_grad()
    assert all(p.grad == 0.0 for p in net.parameters())
    assert net.grad_matrices() == [[[0.0] * 3] * 2, [[0.0] * 2] * 2]


def test_neuron_and_layer_views_share_the_networks_values() -> None:
    net = nn.Network([3, 2, 2], seed=2)
    neuron = net.layers[0].neurons[1]
    assert neuron.weights is net.weights[0][1]
    assert neuron.bias is net.biases[0][1]
    assert neuron(X).data == net.forward_all(X)[1][1].data
    net.weights[0][1][0].data = 5.0  # an edit through net.weights reaches the layer
    assert net.layers[0].weights[1][0].data == 5.0


def test_standalone_neuron() -> None:
    n = nn.Neuron([2.0, -1.0], bias=0.5, activation="linear")
    assert n([3.0, 4.0]).data == 2.5
    assert len(n.parameters()) == 3


def test_deep_network_runs() -> None:
    net = nn.Network([2] + [3] * 30 + [1], activation="tanh", seed=0)
    nn.mse(net([0.1, 0.2]), [0.0]).backward()
    assert len(net.layers) == 31


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "error", "words"),
    [
        ([3, 0, 2], ValueError, ["sizes[1]", "positive integer", "0"]),
        ([3, -1], ValueError, ["sizes[1]", "-1"]),
        ([3, 2.0, 2], TypeError, ["sizes[1]", "positive integer", "float 2.0"]),
        ([3, "2"], TypeError, ["sizes[1]", "str '2'"]),
        ([True, 2], TypeError, ["sizes[0]", "bool"]),
        ([3], ValueError, ["at least two", "[3]"]),
        ([], ValueError, ["at least two"]),
        (3, TypeError, ["sizes", "int 3"]),
        ("32", TypeError, ["sizes", "str"]),
    ],
)
def test_bad_sizes(sizes: Any, error: type[Exception], words: list[str]) -> None:
    with pytest.raises(error) as info:
        nn.Network(sizes)
    for w in words:
        assert w in str(info.value)


def test_unknown_activation() -> None:
    with pytest.raises(ValueError, match=r"unknown activation 'softmax'.*sigmoid, tanh, relu"):
        nn.Network([3, 2], activation="softmax")
    with pytest.raises(ValueError, match="unknown output_activation 'Sigmoid'"):
        nn.Network([3, 2], output_activation="Sigmoid")
    with pytest.raises(TypeError, match=r"activation must be one of.*got NoneType"):
        nn.Network([3, 2], activation=None)  # type: ignore[arg-type]


def test_bias_flag_must_be_bool() -> None:
    with pytest.raises(TypeError, match="bias must be True or False, got int 1"):
        nn.Network([3, 2], bias=1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "error", "words"),
    [
        ([1.0, 2.0], ValueError, ["3 entries", "got 2"]),
        ([1.0, 2.0, 3.0, 4.0], ValueError, ["3 entries", "got 4"]),
        ([1.0, "a", 3.0], TypeError, ["network input[1]", "real number", "str 'a'"]),
        ([1.0, None, 3.0], TypeError, ["network input[1]", "NoneType"]),
        ([1.0, True, 3.0], TypeError, ["network input[1]", "bool"]),
        ([1.0, float("nan"), 3.0], ValueError, ["network input[1]", "finite", "nan"]),
        ("abc", TypeError, ["list of 3 numbers", "str 'abc'"]),
        (1.5, TypeError, ["list of 3 numbers", "float 1.5"]),
    ],
)
def test_bad_network_input(x: Any, error: type[Exception], words: list[str]) -> None:
    with pytest.raises(error) as info:
        seed_net()(x)
    for w in words:
        assert w in str(info.value)


@pytest.mark.parametrize(
    ("weights", "biases", "error", "match"),
    [
        ([], None, TypeError, "non-empty list of weight matrices"),
        (  # a matrix written as one row: its rows are numbers
            [[1.0, 2.0]],
            None,
            TypeError,
            r"^weights\[0\] \(W⁽¹⁾\) row 0 must be a non-empty list of numbers, got float 1\.0",
        ),
        ([[[1.0, 2.0], [3.0]]], None, ValueError, r"row 1 must have 2 entries, as row 0, got 1"),
        (
            [[[1.0, 2.0]], [[1.0, 2.0]]],
            None,
            ValueError,
            r"weights\[1\] \(W⁽²⁾\) row 0 must have 1 entries \(one per row of W⁽¹⁾",
        ),
        ([[[1.0, "x"]]], None, TypeError, r"weights\[0\]\[0\]\[1\] must be a real number"),
        ([[[1.0, math.inf]]], None, ValueError, r"weights\[0\]\[0\]\[1\] must be a finite"),
        (
            [[[1.0, 2.0]]],
            [[1.0, 2.0]],
            ValueError,
            r"biases\[0\] \(b⁽²⁾\) must have 1 entries \(one per row of W⁽¹⁾\), got 2",
        ),
        ([[[1.0, 2.0]]], [[1.0], [2.0]], ValueError, "biases must have 1 lists"),
        ([[[1.0, 2.0]]], 3, TypeError, "^biases must be None or a list of bias lists.*, got int 3"),
        (
            [[[1.0, 2.0]]],
            [3],
            TypeError,
            r"^biases\[0\] \(b⁽²⁾\) must be a list of 1 numbers, got int 3",
        ),
        (
            [[[1.0], []]],
            None,
            TypeError,
            r"^weights\[0\] \(W⁽¹⁾\) row 1 must be a non-empty list .*got list \[\]",
        ),
        (  # empty rows are named as such, not counted as parameters, however many
            [[[]] * 1_000_001],
            [[0.0] * 1_000_001],
            TypeError,
            r"^weights\[0\] \(W⁽¹⁾\) row 0 must be a non-empty list .*got list \[\]",
        ),
        (
            [[[1.0, 2.0]]],
            [["b"]],
            TypeError,
            r"biases\[0\]\[0\] must be a real number.*got str 'b'",
        ),
    ],
)
def test_bad_from_weights(weights: Any, biases: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        nn.Network.from_weights(weights, biases=biases)


def test_from_weights_accepts_numpy_arrays() -> None:
    np = pytest.importorskip("numpy")
    w1, w2 = np.array(W1), np.array(W2)
    net = nn.Network.from_weights([w1, w2], biases=[np.zeros(2), np.ones(2)])
    assert net.weight_matrices() == [W1, W2]
    assert net.bias_vectors() == [[0.0, 0.0], [1.0, 1.0]]
    assert all(type(w.data) is float for w in net.parameters())


def test_layer_and_neuron_check_their_input() -> None:
    layer = nn.Network([3, 2], seed=0).layers[0]
    with pytest.raises(ValueError, match=r"Layer input must have 3 entries, got 2: \[Value"):
        layer([Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match="Neuron input must have 2 entries, got 3"):
        nn.Neuron([1.0, 2.0])([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="non-empty list of weights, or their number, got list"):
        nn.Neuron([])
    with pytest.raises(ValueError, match="got set"):
        nn.Neuron({1.0, 2.0})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Neuron weights\[1\] must be a real number"):
        nn.Neuron([1.0, "w"])  # type: ignore[list-item]


def test_network_activations_are_read_from_its_layers() -> None:
    net = nn.Network([2, 3, 3, 1], activation="tanh", output_activation="linear", seed=0)
    assert [layer.activation for layer in net.layers] == ["tanh", "tanh", "linear"]
    assert (net.activation, net.output_activation) == ("tanh", "linear")
    for attribute in ("activation", "output_activation"):
        with pytest.raises(AttributeError):
            setattr(net, attribute, "relu")  # one source of truth: the layers
    with pytest.raises(AttributeError):
        net.layers[0].activation = "relu"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        net.layers[0].neurons[0].activation = "relu"  # type: ignore[misc]
    # One layer of weights is the output layer, so both names read its activation.
    single = nn.Network.from_weights([[[2.0, 3.0]]], activation="tanh", output_activation="linear")
    assert (single.activation, single.output_activation) == ("linear", "linear")
    assert single([1.0, 1.0])[0].data == 5.0  # 2·1 + 3·1, no tanh


def test_layer_checks_and_converts_its_input() -> None:
    w = [[Value(1.0), Value(-2.0), Value(0.5)]]
    layer = nn.Layer(w, [Value(0.25)], activation="linear", number=2)
    (out,) = layer([1, 2, 4])  # numbers become Values labelled x₁⁽²⁾, x₂⁽²⁾, x₃⁽²⁾
    assert out.data == 1.0 - 4.0 + 2.0 + 0.25
    assert out.label == "x₁⁽³⁾"
    products = [v for v in graph_nodes(out) if v.op == "*"]
    assert sorted(p.inputs[1].label for p in products) == ["x₁⁽²⁾", "x₂⁽²⁾", "x₃⁽²⁾"]
    with pytest.raises(TypeError, match=r"Layer input\[0\] must be a real number.*got str 'a'"):
        layer(["a", 1, 2])
    with pytest.raises(TypeError, match="Layer input must be a list of 3 numbers, got str"):
        layer("abc")


def test_a_neuron_keeps_the_values_it_is_given() -> None:
    w, b = Value(2.0), Value(0.5)
    neuron = nn.Neuron((w, 3.0), bias=b)  # a tuple, so the weights are not taken as a list
    assert neuron.weights[0] is w and neuron.bias is b
    assert isinstance(neuron.weights[1], Value) and neuron.weights[1].data == 3.0


def test_a_layer_keeps_the_lists_it_is_given_and_checks_their_shapes() -> None:
    w, b = [Value(1.0), Value(2.0)], [Value(0.5)]
    layer = nn.Layer([w], b)
    assert layer.weights[0] is w and layer.biases is b  # shared, not copied
    assert nn.Layer([tuple(w)], tuple(b)).weights[0] == w  # other sequences are read into lists
    with pytest.raises(ValueError, match="rows must all have 2 entries; row 1 has 1"):
        nn.Layer([w, [Value(3.0)]])
    with pytest.raises(ValueError, match="Layer has 1 neurons but 2 biases"):
        nn.Layer([w], [Value(0.5), Value(0.6)])
    with pytest.raises(TypeError, match="biases must be None or a list of Values, got int 3"):
        nn.Layer([w], 3)  # type: ignore[arg-type]


def test_layer_biases_must_be_values() -> None:
    with pytest.raises(TypeError, match=r"Layer biases must be Values, got float 0\.5"):
        nn.Layer([[Value(1.0)]], [0.5])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"Layer weights must be Values, got float 1\.0"):
        nn.Layer([[1.0]])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="Layer weight rows must be lists of Values, got int 3"):
        nn.Layer([[Value(1.0)], 3])  # type: ignore[list-item]


def test_neuron_and_layer_compute_and_label_alike() -> None:
    net = nn.Network.from_weights([W1, W2], activation="sigmoid", biases=[[0.1, -0.1], [0.2, 0]])
    layer = net.layers[0]
    assert layer.neurons is layer.neurons  # built once, not on every access
    z = 0.4 * X[0] + 0.5 * X[1] - 0.6 * X[2] - 0.1  # row 2 of W1, bias b₂⁽²⁾
    by_neuron = layer.neurons[1](X)
    by_layer = layer([Value(v) for v in X])[1]
    for out in (by_neuron, by_layer):
        assert out.data == pytest.approx(sigma(z), abs=1e-15)
        assert out.label == "x₂⁽²⁾"
        assert out.inputs[0].label == "z₂⁽²⁾"
        assert out.inputs[0].data == pytest.approx(z, abs=1e-15)
    standalone = nn.Neuron([1.0, 2.0], bias=0.5, activation="tanh", label="h", z_label="zh")
    out = standalone([1.0, 1.0])
    assert (out.label, out.inputs[0].label) == ("h", "zh")
    assert out.data == pytest.approx(math.tanh(3.5), abs=1e-15)
    unnamed = nn.Neuron([1.0, 2.0], bias=0.5, activation="tanh")([1.0, 1.0])
    assert (unnamed.label, unnamed.inputs[0].label) == ("", "")  # drawn by their ops


def test_real_numbers_too_large_for_a_float() -> None:
    with pytest.raises(ValueError, match=r"weights\[0\]\[0\]\[1\] is too large for a float"):
        nn.Network.from_weights([[[1.0, 10**400]]])
    with pytest.raises(ValueError, match=r"network input\[0\] is too large for a float"):
        nn.Network([1, 1], seed=0)([-(10**5000)])  # too long even to print


def test_the_input_is_checked_once_at_the_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    import nn.module

    calls: list[str] = []
    real_check = nn.module.check_vector

    def counting(x: object, n: int, what: str, *rest: Any) -> list[object]:
        calls.append(what)
        return real_check(x, n, what, *rest)

    monkeypatch.setattr(nn.module, "check_vector", counting)
    net = nn.Network([3, 4, 4, 4, 2], seed=0)
    net([0.1, 0.2, 0.3])
    assert calls == ["network input"]  # the layers inside trust their caller
    calls.clear()
    net.layers[1]([0.1, 0.2, 0.3, 0.4])
    assert calls == ["Layer input"]  # a layer called on its own checks its input


# -- idioms people bring: micrograd's sizes, numpy, batches ---------------------------------------


def test_neuron_and_layer_from_sizes_start_as_a_network_does() -> None:
    neuron = nn.Neuron(3, seed=5)
    layer = nn.Layer(3, 2, seed=5)
    net = nn.Network([3, 2], bias=False, seed=5)
    assert [w.data for w in neuron.weights] == net.weight_matrices()[0][0]
    assert [[w.data for w in row] for row in layer.weights] == net.weight_matrices()[0]
    assert [w.label for w in layer.weights[1]] == ["w₂₁⁽¹⁾", "w₂₂⁽¹⁾", "w₂₃⁽¹⁾"]
    assert neuron.bias is None and layer.biases == []
    assert len(neuron.parameters()) == 3 and len(layer.parameters()) == 6
    assert all(abs(w.data) <= 1.0 / math.sqrt(3) for w in layer.parameters())
    assert nn.Neuron(3, seed=1).weights[0].data != nn.Neuron(3, seed=2).weights[0].data
    # they compute what their weights say
    z = sum(w.data * x for w, x in zip(neuron.weights, X))
    assert neuron(X).data == pytest.approx(sigma(z), abs=1e-15)
    assert [v.data for v in layer(X)] == [v.data for v in net(X)]
    micrograd_like = nn.Neuron(2, bias=0.0, activation="relu", seed=0)
    assert micrograd_like.bias is not None and micrograd_like.bias.data == 0.0
    assert len(micrograd_like.parameters()) == 3


def test_mlp_has_micrograds_meaning() -> None:
    mlp = nn.MLP(3, [4, 4, 1], seed=0)
    assert isinstance(mlp, nn.Network)
    assert mlp.sizes == [3, 4, 4, 1]
    assert [layer.activation for layer in mlp.layers] == ["relu", "relu", "linear"]
    assert mlp.bias is True and len(mlp.parameters()) == 4 * 4 + 4 * 5 + 1 * 5
    same = nn.Network([3, 4, 4, 1], "relu", output_activation="linear", seed=0)
    assert mlp.weight_matrices() == same.weight_matrices()
    x = [2.0, 3.0, -1.0]
    (out,) = mlp(x)  # a list, as from every Network
    h = x
    for w, b, layer in zip(mlp.weight_matrices(), mlp.bias_vectors(), mlp.layers):
        z = [sum(wij * xj for wij, xj in zip(row, h)) + bi for row, bi in zip(w, b)]
        h = z if layer.activation == "linear" else [max(0.0, zi) for zi in z]
    assert out.data == pytest.approx(h[0], abs=1e-14)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: nn.Neuron(0), ValueError, ["Neuron's number of inputs", "0"]),
        (lambda: nn.Neuron([1.0, 2.0], seed=0), ValueError, ["seed", "given its weights"]),
        (lambda: nn.Neuron(3, seed=1.5), TypeError, ["seed", "float 1.5"]),
        (lambda: nn.Neuron([1.0], bias="b"), TypeError, ["bias", "str 'b'"]),
        (lambda: nn.Layer(2, 0), ValueError, ["Layer's number of neurons", "0"]),
        (lambda: nn.Layer(0, 2), ValueError, ["Layer's number of inputs", "0"]),
        (lambda: nn.Layer([[Value(1.0)]], seed=0), ValueError, ["seed", "given its weights"]),
        (lambda: nn.Layer([]), ValueError, ["non-empty weight matrix", "[]"]),
        (lambda: nn.Layer([[]]), ValueError, ["non-empty weight matrix", "[[]]"]),
        (lambda: nn.Layer(2, [3]), TypeError, ["Layer(2, n_out)", "list"]),
        (lambda: nn.Layer(2, 4.0), TypeError, ["Layer(2, n_out)", "float 4.0"]),
        (lambda: nn.MLP(3, 4), TypeError, ["nouts", "[4, 4, 1]", "int 4"]),
        (lambda: nn.MLP(3, []), TypeError, ["nouts"]),
        (lambda: nn.MLP(3, [4, 0]), ValueError, ["MLP's nouts[1]", "0"]),
        (lambda: nn.MLP(0, [4]), ValueError, ["MLP's nin", "0"]),
        (lambda: nn.MLP(3, {4, 1}), TypeError, ["set", "no order"]),
        (lambda: nn.Network([3, 2], seed="0"), TypeError, ["seed", "str '0'"]),
    ],
)
def test_sized_constructors_bad_input(call: Any, error: type[Exception], words: list[str]) -> None:
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)


def test_numpy_seeds_and_sizes_are_accepted() -> None:
    np = pytest.importorskip("numpy")
    a = nn.Network([np.int64(3), np.int32(2)], seed=np.int64(4))
    assert a.weight_matrices() == nn.Network([3, 2], seed=4).weight_matrices()
    assert nn.MLP(np.int64(2), np.array([3, 1]), seed=np.int8(1)).sizes == [2, 3, 1]


def test_unordered_sizes_are_refused() -> None:
    with pytest.raises(TypeError, match=r"got set .*has no order; use a list"):
        nn.Network({3, 2})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got dict_keys"):
        nn.Network({3: 0, 2: 0}.keys())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got frozenset"):
        nn.Network.from_weights([frozenset([0.1, 0.2])])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("x", "error", "words"),
    [
        ({0.5, -0.2, 0.1}, TypeError, ["network input", "set", "no order"]),
        ({"a": 1.0, "b": 2.0, "c": 3.0}, TypeError, ["network input", "dict"]),
        (
            [[0.5, -0.2, 0.1], [0.1, 0.2, 0.3]],
            TypeError,
            ["one sample", "batch of 2 rows", "[net(x) for x in X]"],
        ),
    ],
)
def test_unordered_and_batched_network_input(
    x: Any, error: type[Exception], words: list[str]
) -> None:
    with pytest.raises(error) as info:
        seed_net()(x)
    for w in words:
        assert w in str(info.value)


def test_numpy_batches_and_scalars_get_one_clear_line() -> None:
    np = pytest.importorskip("numpy")
    batch = np.array([[0.5, -0.2, 0.1]] * 4)
    with pytest.raises(TypeError, match=r"batch of 4 rows.*\[net\(x\) for x in X\]"):
        seed_net()(batch)
    assert [v.data for v in seed_net()(batch[0])] == [v.data for v in seed_net()(X)]
    with pytest.raises(TypeError, match=r"network input must be a list of 3 numbers, got ndarray"):
        seed_net()(np.array(1.0))


@pytest.mark.parametrize(
    ("call", "what", "count"),
    [
        (lambda: nn.Network([3, 10**30]), "the network", 4 * 10**30),
        (lambda: nn.Network([1001, 1000], bias=False), "the network", 1_001_000),
        (lambda: nn.MLP(10**6, [2]), "the network", 2 * (10**6 + 1)),
        (lambda: nn.Neuron(10**7), "the Neuron", 10**7),
        (lambda: nn.Neuron(10**6, bias=0.0), "the Neuron", 10**6 + 1),  # the bias counts
        (lambda: nn.Layer(10**4, 10**4), "the Layer", 10**8),
        (lambda: nn.Network.from_weights([[[0.0] * 1001] * 1000]), "the network", 1001 * 1000),
    ],
)
def test_networks_over_the_size_limit_are_refused_before_allocation(
    call: Any, what: str, count: int
) -> None:
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value).startswith(f"{what} would have {count:,} parameters")
    assert f"{nn.MAX_PARAMETERS:,}" in str(info.value)


def test_the_size_limit_counts_weights_and_biases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules["nn.validate"], "MAX_PARAMETERS", 20)
    assert len(nn.Network([4, 4]).parameters()) == 20  # at the limit: built
    assert len(nn.Network.from_weights([[[0.0] * 4] * 4], biases=[[0.0] * 4]).parameters()) == 20
    for call in (
        lambda: nn.Network([4, 4, 1]),
        lambda: nn.Network([3, 3, 3]),  # 12 + 12
        lambda: nn.Network.from_weights([[[0.0] * 5] * 4, [[0.0] * 4]]),  # 20 + 4
        lambda: nn.Network.from_weights([[[0.0] * 4] * 5], biases=[[0.0] * 5]),  # 20 + 5
        lambda: nn.Layer(3, 7),
    ):
        with pytest.raises(ValueError, match="more than the limit of 20"):
            call()


def test_one_name_for_loading(tmp_path: Any) -> None:
    assert not hasattr(nn, "load")  # nn.Network.load is the one name
    net = nn.MLP(2, [3, 1], seed=0)
    net.save(tmp_path / "mlp.json")
    loaded = nn.MLP.load(tmp_path / "mlp.json")
    assert isinstance(loaded, nn.MLP) and loaded.weight_matrices() == net.weight_matrices()


def test_neuron_repr_says_inputs_activation_and_bias() -> None:
    assert repr(nn.Neuron(3, seed=0)) == "Neuron(3 inputs, activation='sigmoid', bias=False)"
    assert repr(nn.Neuron([1.0, 2.0], 0.5, "relu")) == (
        "Neuron(2 inputs, activation='relu', bias=True)"
    )


def test_a_module_has_no_parameters_until_it_says_so() -> None:
    class Empty(nn.Module):
        pass

    assert Empty().parameters() == []
    Empty().zero_grad()  # nothing to reset

    class Scale(nn.Module):
        def __init__(self) -> None:
            self.k = Value(2.0)

        def parameters(self) -> list[Value]:
            return [self.k]

    s = Scale()
    s.k.grad = 5.0
    s.zero_grad()
    assert s.k.grad == 0.0


def test_an_unknown_activation_is_refused_naming_the_ones_there_are() -> None:
    from nn.activations import check_activation

    with pytest.raises(ValueError, match=r"^unknown activation 'softmax'; expected one of "):
        nn.Network([2, 1], activation="softmax")
    with pytest.raises(ValueError, match=r"sigmoid, tanh, relu, linear$"):
        check_activation("gelu")
    with pytest.raises(TypeError, match=r"^output_activation must be one of .*; got int 3"):
        nn.Network([2, 1], output_activation=3)  # type: ignore[arg-type]
    assert [check_activation(a) for a in ("sigmoid", "tanh", "relu", "linear")] == [
        "sigmoid",
        "tanh",
        "relu",
        "linear",
    ]


def test_layer_and_network_reprs() -> None:
    net = nn.Network([3, 2, 2], bias=False, seed=0)
    assert repr(net) == "Network([3, 2, 2], activation='sigmoid', bias=False)"
    assert repr(net.layers[1]) == "Layer(W⁽²⁾ 2×2, activation='sigmoid', bias=False)"
    relu = nn.Network([2, 3, 1], activation="relu", output_activation="linear", seed=0)
    assert repr(relu.layers[0]) == "Layer(W⁽¹⁾ 3×2, activation='relu', bias=True)"
    assert repr(relu) == (
        "Network([2, 3, 1], activation='relu', bias=True, output_activation='linear')"
    )


def test_mlp_names_its_arguments() -> None:
    with pytest.raises(ValueError, match=r"^MLP's nin \(number of inputs\) must be a positive"):
        nn.MLP(0, [2])
    with pytest.raises(TypeError, match=r"^MLP's nouts\[1\] must be a positive integer"):
        nn.MLP(2, [2, 1.5])  # type: ignore[list-item]
