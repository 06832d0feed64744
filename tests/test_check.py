"""numerical_grad and gradcheck."""

from __future__ import annotations

import math

import pytest

from autograd import Value, gradcheck, numerical_grad


def test_numerical_grad_matches_closed_form():
    # f(x, y) = x² eʸ: ∂f/∂x = 2x eʸ, ∂f/∂y = x² eʸ
    got = numerical_grad(lambda v: v[0] ** 2 * v[1].exp(), [1.5, -0.5])
    assert got == pytest.approx([3 * math.exp(-0.5), 2.25 * math.exp(-0.5)], rel=1e-8)


def test_numerical_grad_accepts_values_and_leaves_them_alone():
    x = Value(2.0)
    assert numerical_grad(lambda v: v[0] * v[0], [x]) == [pytest.approx(4.0, rel=1e-8)]
    assert (x.data, x.grad) == (2.0, 0.0)


def test_numerical_grad_rejects_bad_eps_and_points():
    with pytest.raises(ValueError, match="eps > 0"):
        numerical_grad(lambda v: v[0], [1.0], eps=0.0)
    with pytest.raises(TypeError, match="numerical_grad needs a real number"):
        numerical_grad(lambda v: v[0], ["a"])  # type: ignore[list-item]


def test_gradcheck_passes_and_prints_a_table(capsys):
    a = Value(0.7, label="a")
    result = gradcheck(lambda v: (v[0] * v[1]).tanh() + v[1].log(), [a, 2.0])
    out = capsys.readouterr().out
    assert result
    assert result.max_error < 1e-8
    assert "analytic" in out and "numeric" in out and "agree" in out
    assert "a " in out.splitlines()[1] and "x[1]" in out  # labels, or positions
    assert result.analytic[1] == pytest.approx((1 - math.tanh(1.4) ** 2) * 0.7 + 0.5)


def test_gradcheck_reports_a_disagreement(capsys):
    # relu at 0: autograd takes the derivative as 0, central differences see 1/2
    result = gradcheck(lambda v: v[0].relu(), [0.0])
    out = capsys.readouterr().out
    assert not result
    assert "DISAGREE" in out and "NO" in out
    assert result.analytic == [0.0] and result.numeric == [pytest.approx(0.5)]


def test_gradcheck_can_be_quiet(capsys):
    assert gradcheck(lambda v: v[0] * 3.0, [1.0], verbose=False)
    assert capsys.readouterr().out == ""
