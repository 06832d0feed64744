"""Loss functions: the blog's MSE = Σᵢ (xᵢ⁽³⁾ − yᵢ)²."""

from __future__ import annotations

from collections.abc import Iterable

from autograd import Value

from .notation import subscript
from .validate import REDUCTIONS, as_list, check_reduction, check_vector, describe, short

__all__ = ["REDUCTIONS", "mse"]


def mse(
    pred: Iterable[Value | float], target: Iterable[Value | float], reduction: str = "sum"
) -> Value:
    """Σᵢ (predᵢ − yᵢ)² (``reduction="sum"``, the blog's formula) or its mean over i ("mean").

    ``pred`` and ``target`` are lists (or tuples, numpy arrays, ...) of numbers or Values.
    Targets given as numbers become leaves labelled y₁, y₂, …; the result is labelled "MSE".
    """
    check_reduction(reduction)
    given = as_list(pred)
    if given is None:
        raise TypeError(f"mse prediction must be a list of numbers or Values, got {describe(pred)}")
    if not given:
        raise ValueError(f"mse needs at least one prediction, got {short(pred)}")
    ps = [
        p if isinstance(p, Value) else Value(p)
        for p in check_vector(given, len(given), "prediction")
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
