"""Loss functions: the blog's MSE = Σᵢ (xᵢ⁽³⁾ − yᵢ)²."""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value

from .notation import subscript
from .validate import check_vector, describe, short

__all__ = ["REDUCTIONS", "mse"]

REDUCTIONS = ("sum", "mean")


def mse(
    pred: Sequence[Value | float], target: Sequence[Value | float], reduction: str = "sum"
) -> Value:
    """Σᵢ (predᵢ − yᵢ)² (``reduction="sum"``, the blog's formula) or its mean over i ("mean").

    Targets given as numbers become leaves labelled y₁, y₂, …; the result is labelled "MSE".
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}; expected 'sum' or 'mean'")
    if isinstance(pred, (str, bytes, Value)) or not isinstance(pred, Sequence):
        raise TypeError(f"mse prediction must be a list of Values, got {describe(pred)}")
    if not pred:
        raise ValueError(f"mse needs at least one prediction, got {short(pred)}")
    ps = [
        p if isinstance(p, Value) else Value(p) for p in check_vector(pred, len(pred), "prediction")
    ]
    ys = [
        y if isinstance(y, Value) else Value(y, f"y{subscript(i)}")
        for i, y in enumerate(check_vector(target, len(ps), "target (one per prediction)"), 1)
    ]
    loss = (ps[0] - ys[0]) ** 2
    for p, y in zip(ps[1:], ys[1:]):
        loss = loss + (p - y) ** 2
    if reduction == "mean":
        loss = loss / len(ps)
    loss.label = "MSE"
    return loss
