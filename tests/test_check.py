"""numerical_grad and gradcheck."""

from __future__ import annotations

import math

import pytest

from autograd import Primitive, Value, gradcheck, numerical_grad, primitive
from autograd.check import GradcheckResult


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
    with pytest.raises(TypeError, match=r"checked function's result.*got str 'x'"):
        numerical_grad(lambda v: "x", [1.0])  # type: ignore[arg-type, return-value]


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


def test_where_the_check_for_a_step_too_small_applies():
    """f = 1 + 10⁻⁸·x: at a relative step h = ε·max(1, |x|) of 10⁻¹⁰ or less, f(x ± h) round to
    the same float, while a step of 10⁻⁴·max(1, |x|) shows the slope."""

    def f(xs):
        return 1.0 + xs[0] * 1e-8

    assert numerical_grad(f, [0.0], 1e-10) == [0.0]  # the check starts below 10⁻¹⁰
    with pytest.raises(ValueError, match=r"differ by 0\.0 \(rounding\), while a step of 0\.0001"):
        numerical_grad(f, [0.0], 9e-11)
    # far from 0 the probe is relative too: 10⁻⁴·10⁴ = 1 resolves f = 1 + 10⁻¹²·x
    with pytest.raises(ValueError, match=r"while a step of 1 shows a slope"):
        numerical_grad(lambda xs: 1.0 + xs[0] * 1e-12, [1e4], 1e-12)
    # a fine step that f resolves is no error: x ± 10⁻¹¹ differ by far more than 2 ulps
    assert numerical_grad(lambda xs: xs[0] * 1.0, [1.0], 1e-11) == [pytest.approx(1.0, rel=1e-4)]
    # f undefined a probe away (√ of a negative number): the step is given the benefit of the doubt
    g = numerical_grad(lambda xs: 1.0 + xs[0].sqrt() * 1e-9, [1e-5], 1e-12)
    assert g == [0.0]


def test_rounding_is_taken_to_move_f_by_at_most_two_ulps():
    """Below the 10⁻¹⁰ step, f(x ± h) two ulps apart could be rounding alone, so the probe
    decides; three ulps apart is a slope that f resolved."""
    u = math.ulp(1.5)

    def stepped(below: int, above: int):  # f = 1.5 near x = 1, a slope of 0.1 a probe away
        def f(xs):
            x = xs[0].data
            if abs(x - 1.0) > 1e-6:
                return 1.5 + 0.1 * (x - 1.0)
            return 1.5 + (above * u if x > 1.0 else -below * u if x < 1.0 else 0.0)

        return f

    with pytest.raises(ValueError, match=r"too small to resolve f .* shows a slope"):
        numerical_grad(stepped(1, 1), [1.0], 1e-12)
    step = (1.0 + 1e-12) - (1.0 - 1e-12)
    assert numerical_grad(stepped(1, 2), [1.0], 1e-12) == [3 * u / step]


def test_a_result_over_no_inputs_has_no_error():
    # gradcheck refuses no inputs (below); a GradcheckResult made by hand may have none
    assert GradcheckResult([], [], [], 1e-6, 1e-6).max_error == 0.0


def test_gradcheck_with_no_inputs_is_an_error_not_agreement():
    with pytest.raises(ValueError, match="at least one input"):
        gradcheck(lambda v: Value(1.0), [])


# -- the verdict, against hand-chosen numbers (the tolerance is atol + rtol·|numeric|) ----------


def verdict(analytic: float, numeric: float, atol: float, rtol: float) -> GradcheckResult:
    return GradcheckResult(["x"], [analytic], [numeric], atol, rtol)


def test_the_relative_tolerance_scales_with_the_numeric_slope():
    # rtol = 1e-3 of |numeric| = 2.0 allows 0.002: an error of 0.0018 agrees, 0.0022 does not
    assert verdict(2.0018, 2.0, atol=0.0, rtol=1e-3)
    assert not verdict(2.0022, 2.0, atol=0.0, rtol=1e-3)
    # of |numeric|, not of |analytic|: rtol = 1 of 0.001 does not allow an error of 0.999
    assert not verdict(1.0, 0.001, atol=0.0, rtol=1.0)
    # the absolute part adds to it: 0.001 + 1e-3 · 2.0 = 0.003
    assert verdict(2.0029, 2.0, atol=1e-3, rtol=1e-3)
    assert not verdict(2.0031, 2.0, atol=1e-3, rtol=1e-3)


def test_an_error_equal_to_the_tolerance_agrees():
    assert verdict(0.75, 0.75, atol=0.0, rtol=0.0)  # an exact match, with no tolerance at all
    assert verdict(1.5, 1.0, atol=0.5, rtol=0.0)  # |1.5 − 1.0| = 0.5 exactly
    assert not verdict(1.5, 1.0, atol=0.25, rtol=0.0)


def test_max_error_and_the_table_show_the_difference():
    result = GradcheckResult(["a", "b"], [1.5, -2.0], [1.0, -2.25], atol=0.3, rtol=0.0)
    assert result.max_error == 0.5
    assert not result  # a: 0.5 > 0.3; b: 0.25 ≤ 0.3
    rows = str(result).splitlines()
    assert rows[1].split() == ["a", "1.5", "1", "5.00e-01", "NO"]
    assert rows[2].split() == ["b", "-2", "-2.25", "2.50e-01", "yes"]
    assert "max error 5.00e-01" in rows[3] and "DISAGREE" in rows[3]
    assert GradcheckResult(["x"], [1.0], [1.0], 0.0, 0.0).max_error == 0.0


def wrong_by(factor: float, offset: float = 0.0) -> Primitive:
    """f(x) = x, with a local derivative deliberately off: factor + offset instead of 1."""
    return primitive("wrong_slope", lambda a: a, lambda a, out: (factor + offset,))


def test_gradcheck_default_tolerances():
    # numeric slope 1 (exact for f(x) = x): the defaults allow 1e-5 + 1e-3 · 1 = 0.00101
    assert gradcheck(lambda v: wrong_by(1.0, 0.0009)(v[0]), [0.5], verbose=False)
    assert not gradcheck(lambda v: wrong_by(1.0, 0.0011)(v[0]), [0.5], verbose=False)
    # numeric slope 0 (f(x) = 0·x): only atol = 1e-5 is left
    assert gradcheck(lambda v: wrong_by(0.0, 0.9e-5)(v[0]) * 0.0, [0.5], verbose=False)
    flat = primitive("flat_but_sloped", lambda a: 0.0, lambda a, out: (1.1e-5,))
    assert not gradcheck(lambda v: flat(v[0]), [0.5], verbose=False)
    assert gradcheck(lambda v: flat(v[0]), [0.5], verbose=False, atol=1.2e-5)


def test_the_default_step_is_one_millionth():
    # the central difference of sin(10⁴x) at 0 with step h is sin(10⁴h)/h: with h = 10⁻⁶,
    # 10⁴ · sin(0.01)/0.01 = 9999.83…, visibly off the slope 10⁴ (a larger h would be further)
    expected = math.sin(0.01) / 1e-6
    assert numerical_grad(lambda v: (v[0] * 1e4).sin(), [0.0]) == [pytest.approx(expected)]
    result = gradcheck(lambda v: (v[0] * 1e4).sin(), [0.0], verbose=False)
    assert result.numeric == [pytest.approx(expected)] and result.analytic == [1e4]


def test_the_table_header_the_verdict_line_and_the_repr():
    good = GradcheckResult(["w"], [2.0], [2.0], 1e-5, 1e-3)
    bad = GradcheckResult(["a", "b"], [1.5, -2.0], [1.0, -2.0], 1e-5, 1e-3)
    for result, verdict in ((good, "agree"), (bad, "DISAGREE")):
        lines = str(result).splitlines()
        assert lines[0].split() == ["input", "analytic", "numeric", "abs", "error", "ok"]
        assert lines[-1].startswith(f"gradcheck: autograd and finite differences {verdict} (")
        assert lines[-1].endswith("atol=1e-05, rtol=0.001)")
    assert repr(good) == "<GradcheckResult: agree, max error 0.00e+00 over 1 inputs>"
    assert repr(bad) == "<GradcheckResult: DISAGREE, max error 5.00e-01 over 2 inputs>"


def test_gradcheck_uses_the_step_it_is_given():
    # sin(10⁴x) at 0, central difference with step h: sin(10⁴h)/h
    result = gradcheck(lambda v: (v[0] * 1e4).sin(), [0.0], eps=1e-8, verbose=False)
    assert result.numeric == [pytest.approx(math.sin(1e-4) / 1e-8)]
