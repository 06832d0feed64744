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


def test_numerical_grad_steps_relative_to_x():
    # absolute steps of 1e-6 vanish in rounding at |x| = 1e10; relative ones do not
    assert numerical_grad(lambda v: v[0] * 3.0, [1e10]) == [pytest.approx(3.0, rel=1e-9)]
    assert numerical_grad(lambda v: v[0] * v[0], [-1e10]) == [pytest.approx(-2e10, rel=1e-9)]
    with pytest.raises(ValueError, match=r"eps=1e-17 is too small for x\[0\]=1000000000000\.0"):
        numerical_grad(lambda v: v[0], [1e12], eps=1e-17)


def test_numerical_grad_rejects_bad_eps_and_points():
    with pytest.raises(ValueError, match="eps > 0"):
        numerical_grad(lambda v: v[0], [1.0], eps=0.0)
    with pytest.raises(ValueError, match="eps must be ≥ 0, got -1e-06"):
        numerical_grad(lambda v: v[0], [1.0], eps=-1e-6)
    with pytest.raises(ValueError, match="eps must be a finite number, got inf"):
        numerical_grad(lambda v: v[0], [1.0], eps=math.inf)
    with pytest.raises(TypeError, match="numerical_grad must be a real number"):
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


def test_gradcheck_checks_its_arguments():
    with pytest.raises(ValueError, match=r"atol must be ≥ 0, got -1\.0"):
        gradcheck(lambda v: v[0], [1.0], atol=-1.0)
    with pytest.raises(TypeError, match="rtol must be a real number"):
        gradcheck(lambda v: v[0], [1.0], rtol="0.1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="gradcheck needs f to return a Value, got float"):
        gradcheck(lambda v: 2.0, [1.0], verbose=False)  # type: ignore[arg-type,return-value]


def test_gradcheck_repr_is_one_line_and_str_is_the_table():
    result = gradcheck(lambda v: v[0] * 3.0, [1.0], verbose=False)
    assert repr(result).startswith("<GradcheckResult: agree, max error")
    assert "\n" not in repr(result) and "analytic" in str(result)


def test_gradcheck_can_be_quiet(capsys):
    assert gradcheck(lambda v: v[0] * 3.0, [1.0], verbose=False)
    assert capsys.readouterr().out == ""


def test_a_step_too_small_to_resolve_f_is_an_error_not_a_zero():
    with pytest.raises(ValueError, match=r"eps=1e-300 is too small to resolve f at x\[0\]=0\.0"):
        numerical_grad(lambda xs: xs[0].exp(), [0.0], 1e-300)
    with pytest.raises(ValueError, match=r"too small to resolve f at x\[1\]=0\.0"):
        numerical_grad(lambda xs: xs[0] * 0.0 + xs[1].exp(), [0.0, 0.0], 1e-300)  # x[0]: flat
    # a function that is flat there is not an error: its slope is 0 at any step
    assert numerical_grad(lambda xs: xs[0].relu() + 3.0, [-1.0], 1e-12) == [0.0]
    assert numerical_grad(lambda xs: xs[0] * 0.0, [0.5], 1e-12) == [0.0]
    # a small but sufficient step still works
    assert numerical_grad(lambda xs: xs[0].exp(), [0.0], 1e-8) == [pytest.approx(1.0, rel=1e-7)]


def test_gradcheck_with_no_inputs_is_an_error_not_agreement():
    with pytest.raises(ValueError, match="at least one input"):
        gradcheck(lambda v: Value(1.0), [])
