"""Loss functions: the blog's MSE, and the cross-entropies a classifier needs.

The cross-entropies are built from one family of primitives of the op table,
logsumexp(z₁, …, zₙ) = ln Σᵢ e^zᵢ, whose forward never overflows and never takes the log of 0
at a finite input, and whose derivative, the softmax, stays finite and exact at ±1000.  They
read no ``.data``: every decision is made from the shapes of the inputs, never their values.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from typing import Any

from autograd import Value, log
from autograd.numbers import as_list, describe, short, unordered
from autograd.ops import logsumexp

from .notation import subscript
from .validate import REDUCTIONS, check_reduction, check_vector, class_index

__all__ = [
    "REDUCTIONS",
    "binary_cross_entropy",
    "class_target",
    "cross_entropy",
    "log_softmax",
    "mse",
    "softmax",
]

Vector = Iterable[Value | float]


def _predictions(pred: object, loss: str) -> list[Value]:
    """The predictions as a non-empty list of Values (numbers become leaves)."""
    given = as_list(pred)
    if given is None:
        raise TypeError(
            f"{loss} prediction must be a list of numbers or Values, got {describe(pred)}"
        )
    if not given:
        raise ValueError(f"{loss} needs at least one prediction, got {short(pred)}")
    return [
        p if isinstance(p, Value) else Value(p)
        for p in check_vector(given, len(given), f"{loss} prediction")
    ]


def _targets(target: object, n: int, loss: str) -> list[Value | float]:
    """One target per prediction: Values as given, numbers as floats."""
    try:
        return check_vector(target, n, f"{loss} target (one per prediction)")
    except TypeError:
        if isinstance(target, numbers.Integral) and not isinstance(target, bool):
            raise TypeError(
                f"{loss} target must be a list of {n} numbers, got {describe(target)} (a class "
                "index? nn.cross_entropy takes one)"
            ) from None
        raise


def _reduce(terms: list[Value], reduction: str, label: str) -> Value:
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    if reduction == "mean" and len(terms) > 1:
        total = total / len(terms)
    total.label = label
    return total


def mse(pred: Vector, target: Vector, reduction: str = "sum") -> Value:
    """Σᵢ (predᵢ − yᵢ)² (``reduction="sum"``, the blog's formula) or its mean over i ("mean").

    ``pred`` and ``target`` are lists (or tuples, numpy arrays, ...) of numbers or Values.
    Targets given as numbers become leaves labelled y₁, y₂, …; the result is labelled "MSE".
    """
    check_reduction(reduction)
    ps = _predictions(pred, "mse")
    ys = [
        y if isinstance(y, Value) else Value(y, f"y{subscript(i)}")
        for i, y in enumerate(_targets(target, len(ps), "mse"), 1)
    ]
    return _reduce([(p - y) ** 2 for p, y in zip(ps, ys)], reduction, "MSE")


def binary_cross_entropy(
    pred: Vector, target: Vector, logits: bool = False, reduction: str = "sum"
) -> Value:
    """−Σᵢ [yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)]: one yes/no question per output, yᵢ ∈ [0, 1].

    With ``logits=True``, ``pred`` holds zᵢ with pᵢ = σ(zᵢ), and each term is computed as
    ln(1 + e^zᵢ) − yᵢzᵢ = logsumexp(zᵢ, 0) − yᵢzᵢ (the cross-entropy of the two logits zᵢ and
    0): stable for any finite zᵢ, with ∂/∂zᵢ = σ(zᵢ) − yᵢ.  Prefer it for
    training: a saturated sigmoid rounds pᵢ to exactly 0 or 1, where ln 0 is undefined, so with
    ``logits=False`` (probabilities) such a pᵢ is refused.  ``reduction`` as for :func:`mse`;
    the result is labelled "BCE".
    """
    check_reduction(reduction)
    if not isinstance(logits, bool):
        raise TypeError(f"logits must be True or False, got {describe(logits)}")
    ps = _predictions(pred, "binary_cross_entropy")
    given = _targets(target, len(ps), "binary_cross_entropy")
    _check_probabilities(given, "binary_cross_entropy target")
    ys = [
        y if isinstance(y, Value) else Value(y, f"y{subscript(i)}") for i, y in enumerate(given, 1)
    ]
    if logits:
        softplus = logsumexp(2)  # ln(1 + eᶻ) = ln(eᶻ + e⁰)
        terms = [softplus(z, 0.0) - z * y for z, y in zip(ps, ys)]
    else:
        terms = []
        for i, (p, y) in enumerate(zip(ps, ys)):
            try:
                terms.append(-(y * log(p) + (1.0 - y) * log(1.0 - p)))
            except ValueError:
                raise ValueError(
                    f"binary_cross_entropy: prediction {i} is {p.data!r}, but probabilities must "
                    "lie strictly between 0 and 1 (ln 0 is undefined; a saturated sigmoid rounds "
                    "to exactly 0 or 1). Give the sigmoid's input instead: "
                    "binary_cross_entropy(z, y, logits=True), with a linear output layer"
                ) from None
    return _reduce(terms, reduction, "BCE")


def log_softmax(zs: Vector) -> list[Value]:
    """ln softmax(z)ᵢ = zᵢ − ln Σⱼ e^zⱼ for every i, stable for any finite zᵢ (log-sum-exp)."""
    return _log_softmax(_predictions(zs, "log_softmax"))


def _log_softmax(z: list[Value]) -> list[Value]:
    lse: Value = logsumexp(len(z))(*z)
    return [zi - lse for zi in z]


def softmax(zs: Vector) -> list[Value]:
    """softmax(z)ᵢ = e^zᵢ / Σⱼ e^zⱼ for every i: probabilities that sum to 1.

    Computed as e^(zᵢ − ln Σⱼ e^zⱼ), whose exponent is ≤ 0, so no e^z overflows.
    """
    return [v.exp() for v in _log_softmax(_predictions(zs, "softmax"))]


def cross_entropy(logits: Vector, target: int | Sequence[Value | float]) -> Value:
    """−ln softmax(z)ₖ = ln Σⱼ e^zⱼ − zₖ for the class index k (0, 1, …, n − 1).

    ``logits`` z are the network's outputs before any softmax (use a linear output layer).
    ``target`` is the index k of the right class, or a list of n class probabilities yᵢ
    (one-hot, or soft labels summing to 1), giving −Σᵢ yᵢ ln softmax(z)ᵢ.  Stable for any finite
    z: ∂/∂zᵢ = softmax(z)ᵢ − yᵢ.  The result is labelled "cross-entropy".
    """
    z = _predictions(logits, "cross_entropy")
    n = len(z)
    lse: Value = logsumexp(n)(*z)
    k = class_index(target, n, "cross_entropy target")
    if k is not None:
        loss = lse - z[k]
    else:
        terms = []  # −Σᵢ yᵢ ln softmax(z)ᵢ = Σᵢ yᵢ (ln Σⱼ e^zⱼ − zᵢ), without the terms yᵢ = 0
        for zi, y in zip(z, class_target(target, n)):
            if isinstance(y, Value) or y != 0.0:
                term = lse - zi
                terms.append(term if y.__class__ is float and y == 1.0 else term * y)
        loss = _reduce(terms, "sum", "")
    loss.label = "cross-entropy"
    return loss


def class_target(target: object, n: int) -> list[Value | float]:
    """A cross-entropy target as n class probabilities: one-hot for a class index k (0 … n − 1),
    else the given list, checked (entries in [0, 1], summing to 1)."""
    k = class_index(target, n, "cross_entropy target")
    if k is not None:
        return [1.0 if i == k else 0.0 for i in range(n)]
    if as_list(target) is None:
        raise TypeError(
            f"cross_entropy target must be a class index (an int from 0 to {n - 1}) or a list "
            f"of {n} class probabilities, got {unordered(target)}"
        )
    ys = check_vector(target, n, "cross_entropy target (one probability per logit)")
    _check_probabilities(ys, "cross_entropy target")
    numbers_only = [y for y in ys if not isinstance(y, Value)]
    if len(numbers_only) == n and abs(sum(numbers_only) - 1.0) > 1e-9 * n:
        raise ValueError(
            f"cross_entropy target probabilities must sum to 1, got {short(ys)} "
            f"(sum {sum(numbers_only)!r})"
        )
    return ys


def _check_probabilities(ys: list[Any], what: str) -> None:
    for i, y in enumerate(ys):
        if not isinstance(y, Value) and not 0.0 <= y <= 1.0:
            raise ValueError(f"{what}[{i}] must be a probability in [0, 1], got {y!r}")
