"""∇W⁽ˡ⁾ three ways: autograd, the δ formulas of classic backpropagation, finite differences.

This finishes the blog's "Backpropagation..." section. Write zᵢ⁽ˡ⁺¹⁾ = Σⱼ wᵢⱼ⁽ˡ⁾ xⱼ⁽ˡ⁾
(+ bᵢ⁽ˡ⁺¹⁾), so xᵢ⁽ˡ⁺¹⁾ = f(zᵢ⁽ˡ⁺¹⁾), and δᵢ⁽ˡ⁾ = ∂L/∂zᵢ⁽ˡ⁾ for the loss L. The chain rule gives

    δ⁽ᴸ⁾ = ∂L/∂x⁽ᴸ⁾ ⊙ f′(z⁽ᴸ⁾)                                  (output layer)
    δ⁽ˡ⁾ = (W⁽ˡ⁾ᵀ δ⁽ˡ⁺¹⁾) ⊙ f′(z⁽ˡ⁾)                             (each earlier layer)
    ∂L/∂wᵢⱼ⁽ˡ⁾ = δᵢ⁽ˡ⁺¹⁾ xⱼ⁽ˡ⁾,  i.e.  ∇W⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ (x⁽ˡ⁾)ᵀ        ∂L/∂bᵢ⁽ˡ⁾ = δᵢ⁽ˡ⁾

with f′ read from the activation's own derivative rule in the op table (for the blog's
sigmoid, σ′(z) = σ(z)(1 − σ(z)) = x(1 − x)), and ∂L/∂x⁽ᴸ⁾ from the loss:

    MSE = Σᵢ (xᵢ⁽ᴸ⁾ − yᵢ)²                        ∂MSE/∂xᵢ⁽ᴸ⁾ = 2 (xᵢ⁽ᴸ⁾ − yᵢ)  (÷ n for the mean)
    cross-entropy = ln Σⱼ e^xⱼ⁽ᴸ⁾ − Σᵢ yᵢ xᵢ⁽ᴸ⁾   ∂/∂xᵢ⁽ᴸ⁾ = softmax(x⁽ᴸ⁾)ᵢ − yᵢ  (Σᵢ yᵢ = 1)

For the blog's 3-2-2 network: ∇W⁽²⁾ = δ⁽³⁾ (x⁽²⁾)ᵀ (2×2) and ∇W⁽¹⁾ = δ⁽²⁾ (x⁽¹⁾)ᵀ (2×3).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from autograd import Value, grad, numerical_grad
from autograd.numbers import describe, real
from autograd.ops import logsumexp

from .activations import activate, derivative
from .losses import class_target, cross_entropy, mse
from .module import Layer, Network
from .notation import preactivation_label, subscript, superscript, weight_label
from .validate import Matrix, check_reduction, check_vector

__all__ = [
    "LOSSES",
    "Backprop",
    "autograd_grad_matrices",
    "backprop",
    "backprop_deltas",
    "forward_numbers",
    "numerical_grad_matrices",
]

LOSSES = ("mse", "cross_entropy")
"""The losses the δ formulas know: ``nn.mse`` and ``nn.cross_entropy`` (from logits)."""

T = TypeVar("T")


@dataclass(frozen=True)
class Backprop:
    """Every number of one hand-derived backward pass (lists indexed from the input layer).

    ``activations``: x⁽¹⁾ … x⁽ᴸ⁾; ``deltas``: δ⁽²⁾ … δ⁽ᴸ⁾; ``weight_grads``: ∇W⁽¹⁾ … ∇W⁽ᴸ⁻¹⁾;
    ``bias_grads``: ∇b⁽²⁾ … ∇b⁽ᴸ⁾ ([] per layer without biases); ``loss``: the loss L.
    """

    activations: list[list[float]]
    deltas: list[list[float]]
    weight_grads: list[Matrix]
    bias_grads: list[list[float]]
    loss: float


def _numbers(v: object, n: int, what: str) -> list[float]:
    return [x.data if isinstance(x, Value) else x for x in check_vector(v, n, what)]


def _finite(values: list[float], name: Callable[[int], str]) -> list[float]:
    """``values``, or OverflowError naming the first that is ±inf or nan (``name(i)``, i from 1)."""
    for i, v in enumerate(values, 1):
        if v - v != 0.0:
            raise OverflowError(
                f"backprop: {name(i)} is {v!r}, not a finite number (a term overflowed); the δ "
                "formulas, like autograd, refuse input this large"
            )
    return values


def forward_numbers(
    net: Network, x: Sequence[float]
) -> tuple[list[list[float]], list[list[float]]]:
    """The forward pass in plain floats: ([z⁽²⁾, …, z⁽ᴸ⁾], [x⁽¹⁾, x⁽²⁾, …, x⁽ᴸ⁾]).

    zᵢ⁽ˡ⁺¹⁾ = Σⱼ wᵢⱼ⁽ˡ⁾ xⱼ⁽ˡ⁾ (+ bᵢ⁽ˡ⁺¹⁾) and xᵢ⁽ˡ⁺¹⁾ = f(zᵢ⁽ˡ⁺¹⁾), no graph built; OverflowError
    naming the first number that is not finite.
    """
    xs = [_numbers(x, net.sizes[0], "network input")]
    zs = []
    for l, (layer, w, b) in enumerate(  # noqa: E741
        zip(net.layers, net.weight_matrices(), net.bias_vectors()), start=2
    ):
        prev = xs[-1]
        z = [sum(wij * xj for wij, xj in zip(row, prev)) for row in w]
        if b:
            z = [zi + bi for zi, bi in zip(z, b)]
        zs.append(_finite(z, partial(preactivation_label, l)))
        xs.append([activate(layer.activation, zi) for zi in z])
    return zs, xs


def _loss_and_slope(
    loss: str, out: list[float], target: list[float], reduction: str
) -> tuple[float, list[float]]:
    """The loss L and ∂L/∂xᵢ⁽ᴸ⁾, for the output x⁽ᴸ⁾ = ``out``: MSE, or the cross-entropy of
    the logits ``out`` against class probabilities ``target`` (softmax(x)ᵢ·Σₖ yₖ − yᵢ)."""
    if loss == "mse":
        total = sum((o - t) * (o - t) for o, t in zip(out, target))
        scale = 2.0 / len(out) if reduction == "mean" else 2.0
        value = total / len(out) if reduction == "mean" else total
        return value, [scale * (o - t) for o, t in zip(out, target)]
    lse: float = logsumexp(len(out))(*out)
    mass = sum(target)
    value = lse * mass - sum(t * o for t, o in zip(target, out))
    return value, [math.exp(o - lse) * mass - t for o, t in zip(out, target)]


def _check_loss(loss: object, reduction: object) -> str:
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; the δ formulas know {', '.join(LOSSES)}")
    check_reduction(reduction)
    if loss == "cross_entropy" and reduction != "sum":
        raise ValueError(
            "reduction applies to mse only: the cross-entropy of one sample is one number, "
            f"so leave reduction='sum' (got {reduction!r})"
        )
    return loss


def _target_numbers(net: Network, y: object, loss: str) -> list[float]:
    """The target as floats: y for MSE; for cross-entropy, class probabilities (one-hot for an
    index)."""
    n = net.sizes[-1]
    if loss == "mse":
        return _numbers(y, n, "target")
    return [t.data if isinstance(t, Value) else t for t in class_target(y, n)]


def backprop(
    net: Network,
    x: Sequence[float],
    y: Sequence[float] | int,
    *,
    loss: str = "mse",
    reduction: str = "sum",
) -> Backprop:
    """The δ formulas (module docstring) for ``loss`` "mse" or "cross_entropy", any activations.

    Plain float arithmetic, independent of autograd's graph, so the two can be compared; the
    activation f and its derivative f′ come from the op table.  ``y`` is the target: a list of
    numbers for MSE; a class index or a list of class probabilities for cross-entropy, whose
    logits are the network's outputs x⁽ᴸ⁾.  A number that overflows raises OverflowError
    naming it, as autograd does.
    """
    if not isinstance(net, Network):
        raise TypeError(f"backprop needs an nn.Network, got {describe(net)}")
    loss = _check_loss(loss, reduction)
    target = _target_numbers(net, y, loss)
    zs, xs = forward_numbers(net, x)
    out = xs[-1]
    value, slope = _loss_and_slope(loss, out, target, reduction)
    value = _finite([value], lambda i: f"the {loss} loss")[0]
    slopes = [  # f′(z⁽ˡ⁾) for every layer after the input
        [derivative(layer.activation, zi, xi) for zi, xi in zip(z, xl)]
        for layer, z, xl in zip(net.layers, zs, xs[1:])
    ]
    delta = [s * d for s, d in zip(slope, slopes[-1])]  # δ⁽ᴸ⁾
    deltas = [_finite(delta, partial(_delta_name, len(xs)))]
    weights = net.weight_matrices()
    for l in range(len(weights) - 1, 0, -1):  # noqa: E741  δ⁽ˡ⁺¹⁾ from δ⁽ˡ⁺²⁾ through W⁽ˡ⁺¹⁾
        w, slope = weights[l], slopes[l - 1]
        delta = [
            sum(w[i][j] * delta[i] for i in range(len(w))) * slope[j] for j in range(len(slope))
        ]
        deltas.insert(0, _finite(delta, partial(_delta_name, l + 1)))
    weight_grads = []
    for l, d in enumerate(deltas):  # noqa: E741
        rows = [[di * xj for xj in xs[l]] for di in d]
        for i, row in enumerate(rows, 1):
            _finite(row, partial(_grad_name, l + 1, i))
        weight_grads.append(rows)
    bias_grads = [list(d) if net.bias else [] for d in deltas]
    return Backprop(xs, deltas, weight_grads, bias_grads, value)


def _delta_name(layer: int, i: int) -> str:
    return f"δ{subscript(i)}⁽{superscript(layer)}⁾"


def _grad_name(layer: int, i: int, j: int) -> str:
    return f"∂L/∂{weight_label(layer, i, j)}"


def backprop_deltas(
    net: Network,
    x: Sequence[float],
    y: Sequence[float] | int,
    reduction: str = "sum",
    *,
    loss: str = "mse",
) -> list[Matrix]:
    """∇W⁽¹⁾, ∇W⁽²⁾, … from the δ formulas: ``backprop(...).weight_grads``."""
    return backprop(net, x, y, loss=loss, reduction=reduction).weight_grads


def _flat(net: Network) -> list[Value]:
    return [w for m in net.weights for row in m for w in row]


def _shape(net: Network, flat: Sequence[T]) -> list[list[list[T]]]:
    it = iter(flat)
    return [[[next(it) for _ in row] for row in m] for m in net.weights]


def _loss_function(loss: str, reduction: str) -> Callable[[list[Value], Any], Value]:
    if loss == "mse":
        return lambda pred, target: mse(pred, target, reduction)
    return cross_entropy


def autograd_grad_matrices(
    net: Network,
    x: Sequence[float],
    y: Sequence[float] | int,
    reduction: str = "sum",
    *,
    loss: str = "mse",
) -> list[Matrix]:
    """∇W⁽¹⁾, ∇W⁽²⁾, … by reverse-mode autograd (``autograd.grad``; ``.grad`` is left untouched)."""
    f = _loss_function(_check_loss(loss, reduction), reduction)
    return _shape(net, [float(g) for g in grad(f(net(x), y), _flat(net))])


def numerical_grad_matrices(
    net: Network,
    x: Sequence[float],
    y: Sequence[float] | int,
    eps: float = 1e-6,
    reduction: str = "sum",
    *,
    loss: str = "mse",
) -> list[Matrix]:
    """∇W⁽¹⁾, ∇W⁽²⁾, … by central differences (``autograd.numerical_grad``).

    Entry [i][j] of matrix l ≈ (L(w + h) − L(w − h)) / 2h for w = wᵢⱼ⁽ˡ⁺¹⁾ and the step
    h = ε·max(1, |w|), as ``numerical_grad`` takes it.
    """
    f = _loss_function(_check_loss(loss, reduction), reduction)
    eps = real(eps, "eps")
    xs = _numbers(x, net.sizes[0], "network input")
    target: Any = _target_numbers(net, y, loss)

    def loss_of(ws: list[Value]) -> Value:  # the network's forward pass, with weights ws
        h = [Value(v) for v in xs]
        for layer, m in zip(net.layers, _shape(net, ws)):
            h = Layer(m, layer.biases, layer.activation, layer.number)(h)
        return f(h, target)

    return _shape(net, numerical_grad(loss_of, _flat(net), eps))
