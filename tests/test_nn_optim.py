"""SGD (with and without momentum) and Adam: update rules by hand, convergence, bad input."""

from __future__ import annotations

import math
from typing import Any

import pytest

import nn
from autograd import Value


def test_sgd_step_is_w_minus_lr_grad() -> None:
    a, b = Value(1.0), Value(-2.0)
    a.grad, b.grad = 0.5, -4.0
    opt = nn.SGD([a, b], lr=0.1)
    opt.step()
    assert (a.data, b.data) == pytest.approx((0.95, -1.6), abs=1e-15)
    opt.zero_grad()
    assert (a.grad, b.grad) == (0.0, 0.0)


def test_sgd_momentum_by_hand() -> None:
    w = Value(0.0)
    opt = nn.SGD([w], lr=0.1, momentum=0.9)
    for _ in range(3):
        w.grad = 1.0
        opt.step()
    # v: 1, 1.9, 2.71; w = −0.1·(1 + 1.9 + 2.71)
    assert w.data == pytest.approx(-0.561, abs=1e-12)


def test_adam_first_step_is_lr_times_sign() -> None:
    a, b = Value(1.0), Value(1.0)
    a.grad, b.grad = 3.0, -0.001
    nn.Adam([a, b], lr=0.01).step()
    assert a.data == pytest.approx(0.99, abs=1e-6)
    assert b.data == pytest.approx(1.01, abs=1e-4)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: nn.SGD(ps, lr=0.1),
        lambda ps: nn.SGD(ps, lr=0.05, momentum=0.9),
        lambda ps: nn.Adam(ps, lr=0.1),
    ],
)
def test_optimizers_minimise_a_quadratic(make: Any) -> None:
    x, y = Value(3.0), Value(-2.0)
    opt = make([x, y])
    for _ in range(300):
        opt.zero_grad()
        loss = (x - 1.0) ** 2 + 2.0 * (y + 0.5) ** 2
        loss.backward()
        opt.step()
    assert (x.data, y.data) == pytest.approx((1.0, -0.5), abs=1e-3)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: nn.SGD([], lr=0.1), ValueError, "empty parameter list"),
        (lambda: nn.SGD(Value(1.0), lr=0.1), TypeError, "list of Values.*got Value"),
        (lambda: nn.SGD([1.0], lr=0.1), TypeError, "parameters must be Values, got float"),
        (lambda: nn.SGD([V, V], lr=0.1), ValueError, "same parameter twice"),
        (lambda: nn.SGD([V], lr=0.0), ValueError, r"lr \(learning rate\) must be positive"),
        (lambda: nn.SGD([V], lr=math.nan), ValueError, "finite"),
        (lambda: nn.SGD([V], lr="0.1"), TypeError, "real number, got str"),
        (lambda: nn.SGD([V], lr=0.1, momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda: nn.Adam([V], betas=(0.9,)), TypeError, "betas must be a pair"),
        (lambda: nn.Adam([V], betas=(0.9, 1.5)), ValueError, r"betas\[1\] must be in"),
        (lambda: nn.Adam([V], eps=-1.0), ValueError, "eps must be positive"),
    ],
)
def test_optimizer_bad_input(make: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        make()


V = Value(1.0)
