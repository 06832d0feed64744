"""mse: the blog's Σᵢ (xᵢ − yᵢ)² and its mean, values and gradients, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value, grad

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
        ([], [], {}, ValueError, "at least one prediction"),
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
