"""SGD (with and without momentum) and Adam: update rules by hand, convergence, bad input."""

from __future__ import annotations

import copy
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
    z = Value(-0.0)  # exactly w − η·g, to the sign of a zero: −0 − 0.1·(−0) is +0
    z.grad = -0.0
    nn.SGD([z], lr=0.1).step()
    assert math.copysign(1.0, z.data) == 1.0


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
        (lambda: nn.SGD([], lr=0.1), ValueError, "^SGD .*empty parameter list"),
        (lambda: nn.SGD(Value(1.0), lr=0.1), TypeError, "^SGD .*list of Values.*got Value"),
        (lambda: nn.Adam([1.0]), TypeError, "^Adam .*parameters must be Values, got float"),
        (lambda: nn.Adam([V, V]), ValueError, "^Adam .*same parameter twice"),
        (lambda: nn.SGD([V], lr=0.0), ValueError, r"lr \(learning rate\) must be positive"),
        (lambda: nn.SGD([V], lr=math.nan), ValueError, "finite"),
        (lambda: nn.SGD([V], lr="0.1"), TypeError, "^lr .*real number.*got str"),
        (lambda: nn.SGD(3, lr=0.1), TypeError, "^SGD .*list of Values.*got int 3"),
        (lambda: nn.SGD([V], lr=0.1, momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda: nn.SGD([V], momentum="0.9"), TypeError, "^momentum must be a real number"),
        (lambda: nn.Adam([V], betas=(0.9,)), TypeError, "betas must be a pair"),
        (lambda: nn.Adam([V], betas=(0.9, 1.5)), ValueError, r"betas\[1\] must be in"),
        (lambda: nn.Adam([V], eps=-1.0), ValueError, "eps must be positive"),
    ],
)
def test_optimizer_bad_input(make: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        make()


V = Value(1.0)


def test_adam_three_steps_by_hand() -> None:
    # PyTorch's Adam written out with lr = 0.1, β₁ = 0.9, β₂ = 0.99, ε = 1e-8, w₀ = 1:
    # m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
    eps = 1e-8
    # t = 1, g = 1: m = 0.1, v = 0.01, so m̂ = 1 and v̂ = 1
    w1 = 1.0 - 0.1 * 1.0 / (math.sqrt(1.0) + eps)
    # t = 2, g = −2: m = 0.09 − 0.2 = −0.11, v = 0.0099 + 0.04 = 0.0499;
    # 1−β₁² = 0.19, 1−β₂² = 0.0199
    w2 = w1 - 0.1 * (-0.11 / 0.19) / (math.sqrt(0.0499 / 0.0199) + eps)
    # t = 3, g = 0.5: m = −0.099 + 0.05 = −0.049, v = 0.049401 + 0.0025 = 0.051901;
    # 1−β₁³ = 0.271, 1−β₂³ = 0.029701
    w3 = w2 - 0.1 * (-0.049 / 0.271) / (math.sqrt(0.051901 / 0.029701) + eps)
    assert (w1, w2, w3) == pytest.approx(
        (0.900000001, 0.9365607721026055, 0.9502388306679819), abs=1e-15
    )

    w = Value(1.0)
    opt = nn.Adam([w], lr=0.1, betas=(0.9, 0.99), eps=eps)
    seen = []
    for g in (1.0, -2.0, 0.5):
        w.grad = g
        opt.step()
        seen.append(w.data)
    assert seen == pytest.approx([w1, w2, w3], abs=1e-15)


def test_sgd_step_that_overflows_changes_nothing() -> None:
    a, b = Value(1.0, label="a"), Value(1e308, label="w₁₂⁽¹⁾")
    a.grad, b.grad = 1.0, -1e300
    opt = nn.SGD([a, b], lr=1e10)  # b would become 1e308 + 1e310 = inf
    with pytest.raises(
        OverflowError, match=r"^SGD .*w₁₂⁽¹⁾ to inf .*lr=10000000000\.0.*no parameter"
    ):
        opt.step()
    assert (a.data, b.data) == (1.0, 1e308)  # a's finite update was not written either
    c = Value(2.0)  # unlabelled: named by its index
    c.grad = math.nan
    with pytest.raises(OverflowError, match=r"parameter 1 to nan.*grad itself is not finite"):
        nn.SGD([Value(0.0), c], lr=0.1).step()
    assert c.data == 2.0


def test_momentum_velocity_survives_a_refused_step() -> None:
    w = Value(0.0)
    opt = nn.SGD([w], lr=0.1, momentum=0.9)
    w.grad = 1.0
    opt.step()  # v = 1, w = −0.1
    w.grad = math.inf
    with pytest.raises(OverflowError):
        opt.step()
    w.grad = 1.0
    opt.step()  # v = 0.9·1 + 1 = 1.9, w = −0.1 − 0.19, as if the refused step never happened
    assert w.data == pytest.approx(-0.29, abs=1e-15)


def test_adam_step_that_overflows_changes_nothing() -> None:
    w = Value(1.0, label="w")
    opt = nn.Adam([w], lr=0.01)
    w.grad = 1e200  # g² = 1e400 overflows v: the step would silently be 0 from then on
    with pytest.raises(OverflowError, match=r"grad of w is 1e\+200.*lr=0\.01.*no parameter"):
        opt.step()
    assert (w.data, opt.t) == (1.0, 0)
    w.grad = 3.0
    opt.step()  # still Adam's first step: w − lr·sign(g)
    assert w.data == pytest.approx(0.99, abs=1e-9)


@pytest.mark.parametrize("make", [lambda ps: nn.SGD(ps, 0.1, momentum=0.9), lambda ps: nn.Adam(ps)])
def test_a_step_interrupted_by_ctrl_c_is_all_or_nothing(make, python_sigint: None) -> None:  # type: ignore[no-untyped-def]
    import os
    import signal

    params = [Value(float(k), f"p{k}") for k in range(6)]
    for p in params:
        p.grad = 0.5
    opt = make(params)
    state = copy.deepcopy({k: v for k, v in vars(opt).items() if k != "params"})
    calls = 0

    class Interrupting(float):  # a number whose conversion sends a real SIGINT mid-assignment
        def __float__(self) -> float:
            nonlocal calls
            calls += 1
            if calls == 3:
                os.kill(os.getpid(), signal.SIGINT)
            return super().__float__()

    real_check = opt._check_finite

    def check_then_interrupt(new: list[float]) -> None:
        real_check(new)
        new[:] = [Interrupting(x) for x in new]

    opt._check_finite = check_then_interrupt
    with pytest.raises(KeyboardInterrupt):
        opt.step()
    assert calls >= 3  # the interrupt landed after some parameters had been set
    assert [p.data for p in params] == [float(k) for k in range(6)]
    assert {k: v for k, v in vars(opt).items() if k not in ("params", "_check_finite")} == state


def test_sgd_default_learning_rate_is_a_tenth() -> None:
    w = Value(1.0)
    w.grad = 2.0
    nn.SGD([w]).step()
    assert w.data == 1.0 - 0.1 * 2.0


def test_adam_accepts_beta1_zero_no_momentum() -> None:
    # β₁ = 0 is allowed (m = g each step): the first two steps each move w by lr·g/(|g| + ε)
    w = Value(1.0)
    opt = nn.Adam([w], lr=0.1, betas=(0.0, 0.999), eps=1e-8)
    w.grad = 2.0
    opt.step()
    assert w.data == pytest.approx(1.0 - 0.1 * 2.0 / (2.0 + 1e-8), rel=1e-12)
    w.grad = -0.5  # m = g now; v = β₂·4 + (1 − β₂)·0.25, corrected by 1 − β₂²
    opt.step()
    v_hat = (0.999 * 0.001 * 4.0 + 0.001 * 0.25) / (1 - 0.999**2)
    assert w.data == pytest.approx(0.9 + 0.1 * 0.5 / (math.sqrt(v_hat) + 1e-8), rel=1e-9)
    with pytest.raises(ValueError, match=r"betas\[0\] must be in \[0, 1\), got 1\.0"):
        nn.Adam([w], betas=(1.0, 0.999))
    with pytest.raises(ValueError, match=r"betas\[0\] must be in \[0, 1\), got -0\.1"):
        nn.Adam([w], betas=(-0.1, 0.999))


def test_reprs_hints_and_defaults() -> None:
    w = Value(1.0, "w")
    assert repr(nn.SGD([w], lr=0.5, momentum=0.9)) == "SGD(1 parameter, lr=0.5, momentum=0.9)"
    adam = nn.Adam([w, Value(2.0)])
    assert repr(adam) == "Adam(2 parameters, lr=0.01, betas=(0.9, 0.999))"
    assert (adam.lr, adam.betas, adam.eps) == (0.01, (0.9, 0.999), 1e-8)
    w.grad = 1e308  # finite grad, a step too large: the hint is the learning rate
    with pytest.raises(OverflowError, match=r"\(a smaller lr usually helps\)$"):
        nn.SGD([w], lr=1e10).step()
    with pytest.raises(ValueError, match=r"^eps must be positive, got 0\.0"):
        nn.Adam([w], eps=0.0)
    with pytest.raises(NotImplementedError):
        nn.Optimizer([w], lr=0.1).step()
    sgd = nn.SGD([w, adam.params[1]])
    w.grad = adam.params[1].grad = 3.0
    sgd.zero_grad()
    assert (w.grad, adam.params[1].grad) == (0.0, 0.0)
