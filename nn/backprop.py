"""∇W⁽ˡ⁾ three ways: autograd, the δ formulas of classic backpropagation, finite differences.

This finishes the blog's "Backpropagation..." section. For MSE = Σᵢ (xᵢ⁽ᴸ⁾ − yᵢ)², write
zᵢ⁽ˡ⁺¹⁾ = Σⱼ wᵢⱼ⁽ˡ⁾ xⱼ⁽ˡ⁾ (+ bᵢ⁽ˡ⁺¹⁾), so xᵢ⁽ˡ⁺¹⁾ = f(zᵢ⁽ˡ⁺¹⁾), and δᵢ⁽ˡ⁾ = ∂MSE/∂zᵢ⁽ˡ⁾. The
chain rule gives

    δ⁽ᴸ⁾ = 2 (x⁽ᴸ⁾ − y) ⊙ f′(z⁽ᴸ⁾)                              (output layer)
    δ⁽ˡ⁾ = (W⁽ˡ⁾ᵀ δ⁽ˡ⁺¹⁾) ⊙ f′(z⁽ˡ⁾)                             (each earlier layer)
    ∂MSE/∂wᵢⱼ⁽ˡ⁾ = δᵢ⁽ˡ⁺¹⁾ xⱼ⁽ˡ⁾,  i.e.  ∇W⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ (x⁽ˡ⁾)ᵀ      ∂MSE/∂bᵢ⁽ˡ⁾ = δᵢ⁽ˡ⁾

with f′ read from the activation's own derivative rule in the op table; for the blog's sigmoid,
σ′(z) = σ(z)(1 − σ(z)) = x(1 − x). For the blog's 3-2-2 network: ∇W⁽²⁾ = δ⁽³⁾ (x⁽²⁾)ᵀ (2×2)
and ∇W⁽¹⁾ = δ⁽²⁾ (x⁽¹⁾)ᵀ (2×3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from autograd import Value, grad, numerical_grad
from autograd.numbers import describe, real

from .activations import activate, derivative
from .losses import mse
from .module import Layer, Network
from .validate import Matrix, check_reduction, check_vector

__all__ = [
    "Backprop",
    "autograd_grad_matrices",
    "backprop",
    "backprop_deltas",
    "numerical_grad_matrices",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Backprop:
    """Every number of one hand-derived backward pass (lists indexed from the input layer).

    ``activations``: x⁽¹⁾ … x⁽ᴸ⁾; ``deltas``: δ⁽²⁾ … δ⁽ᴸ⁾; ``weight_grads``: ∇W⁽¹⁾ … ∇W⁽ᴸ⁻¹⁾;
    ``bias_grads``: ∇b⁽²⁾ … ∇b⁽ᴸ⁾ ([] per layer without biases); ``loss``: the MSE.
    """

    activations: list[list[float]]
    deltas: list[list[float]]
    weight_grads: list[Matrix]
    bias_grads: list[list[float]]
    loss: float


def _numbers(v: Sequence[float], n: int, what: str) -> list[float]:
    return [x.data if isinstance(x, Value) else x for x in check_vector(v, n, what)]


def backprop(net: Network, x: Sequence[float], y: Sequence[float]) -> Backprop:
    """The δ formulas (module docstring) for MSE = Σᵢ (xᵢ⁽ᴸ⁾ − yᵢ)², any activations.

    Plain float arithmetic, independent of autograd's graph, so the two can be compared; the
    activation f and its derivative f′ come from the op table.
    """
    if not isinstance(net, Network):
        raise TypeError(f"backprop needs an nn.Network, got {describe(net)}")
    xs = [_numbers(x, net.sizes[0], "network input")]
    target = _numbers(y, net.sizes[-1], "target")
    slopes = []  # f′(z⁽ˡ⁾) for every layer after the input
    for layer, w, b in zip(net.layers, net.weight_matrices(), net.bias_vectors()):
        prev = xs[-1]  # forward: x⁽ˡ⁺¹⁾ = f(W⁽ˡ⁾ x⁽ˡ⁾ + b⁽ˡ⁺¹⁾)
        z = [sum(wij * xj for wij, xj in zip(row, prev)) for row in w]
        if b:
            z = [zi + bi for zi, bi in zip(z, b)]
        out = [activate(layer.activation, zi) for zi in z]
        slopes.append([derivative(layer.activation, zi, xi) for zi, xi in zip(z, out)])
        xs.append(out)
    out = xs[-1]
    loss = sum((o - t) ** 2 for o, t in zip(out, target))
    delta = [2.0 * (o - t) * s for o, t, s in zip(out, target, slopes[-1])]  # δ⁽ᴸ⁾
    deltas = [delta]
    weights = net.weight_matrices()
    for l in range(len(weights) - 1, 0, -1):  # noqa: E741  δ⁽ˡ⁺¹⁾ from δ⁽ˡ⁺²⁾ through W⁽ˡ⁺¹⁾
        w, slope = weights[l], slopes[l - 1]
        delta = [
            sum(w[i][j] * delta[i] for i in range(len(w))) * slope[j] for j in range(len(slope))
        ]
        deltas.insert(0, delta)
    weight_grads = [[[di * xj for xj in xs[l]] for di in d] for l, d in enumerate(deltas)]  # noqa: E741
    bias_grads = [list(d) if net.bias else [] for d in deltas]
    return Backprop(xs, deltas, weight_grads, bias_grads, loss)


def backprop_deltas(
    net: Network, x: Sequence[float], y: Sequence[float], reduction: str = "sum"
) -> list[Matrix]:
    """∇W⁽¹⁾, ∇W⁽²⁾, … from the δ formulas (MSE with ``reduction="sum"``)."""
    if reduction != "sum":
        raise ValueError(
            f"the δ formulas here are for the blog's MSE = Σᵢ (xᵢ − yᵢ)² (reduction='sum'), "
            f"got reduction={reduction!r}"
        )
    return backprop(net, x, y).weight_grads


def _flat(net: Network) -> list[Value]:
    return [w for m in net.weights for row in m for w in row]


def _shape(net: Network, flat: Sequence[T]) -> list[list[list[T]]]:
    it = iter(flat)
    return [[[next(it) for _ in row] for row in m] for m in net.weights]


def autograd_grad_matrices(
    net: Network, x: Sequence[float], y: Sequence[float], reduction: str = "sum"
) -> list[Matrix]:
    """∇W⁽¹⁾, ∇W⁽²⁾, … by reverse-mode autograd (``autograd.grad``; ``.grad`` is left untouched)."""
    check_reduction(reduction)
    loss = mse(net(x), y, reduction)
    return _shape(net, [float(g) for g in grad(loss, _flat(net))])


def numerical_grad_matrices(
    net: Network,
    x: Sequence[float],
    y: Sequence[float],
    eps: float = 1e-6,
    reduction: str = "sum",
) -> list[Matrix]:
    """∇W⁽¹⁾, ∇W⁽²⁾, … by central differences (``autograd.numerical_grad``), for the MSE.

    Entry [i][j] of matrix l ≈ (MSE(wᵢⱼ⁽ˡ⁺¹⁾ + ε) − MSE(wᵢⱼ⁽ˡ⁺¹⁾ − ε)) / 2ε.
    """
    check_reduction(reduction)
    eps = real(eps, "eps")
    xs = _numbers(x, net.sizes[0], "network input")
    ys = _numbers(y, net.sizes[-1], "target")

    def loss(ws: list[Value]) -> Value:  # the network's forward pass, with weights ws
        h = [Value(v) for v in xs]
        for layer, m in zip(net.layers, _shape(net, ws)):
            h = Layer(m, layer.biases, layer.activation, layer.number)(h)
        return mse(h, ys, reduction)

    return _shape(net, numerical_grad(loss, _flat(net), eps))
