"""Finite differences and ``gradcheck``: an independent answer to compare autograd against."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .backward import grad
from .numbers import describe, real
from .value import Value

Function = Callable[[list[Value]], Value]


def _evaluate(f: Function, point: Sequence[float]) -> float:
    out = f([Value(x) for x in point])
    return out.data if isinstance(out, Value) else real(out, "the checked function's result")


def numerical_grad(f: Function, xs: Sequence[Value | float], eps: float = 1e-6) -> list[float]:
    """Central differences: ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h, for every i.

    ``f`` maps a list of Values to a Value; ``xs`` are the point (Values or numbers).  The step
    is relative, h = ε·max(1, |xᵢ|), so it stays above float rounding at large |xᵢ|, and the
    division is by the step as the floats actually took it.
    """
    eps = _tolerance(eps, "eps")
    if eps == 0.0:
        raise ValueError("numerical_grad needs eps > 0, got 0.0")
    point = [x.data if isinstance(x, Value) else real(x, "numerical_grad") for x in xs]
    return [_central_difference(f, point, i, eps) for i in range(len(point))]


_FINE = 1e-10
"""Below this relative step, rounding in f hides slopes smaller than about 1e-6 of f's scale."""
_PROBE = 1e-4
"""A relative step that any smooth function resolves, to tell a flat f from a step too small."""


def _central_difference(f: Function, point: list[float], i: int, eps: float) -> float:
    x = point[i]
    scale = max(1.0, abs(x))
    up, down = _moved(point, i, eps * scale), _moved(point, i, -eps * scale)
    step = up[i] - down[i]
    if step == 0.0:
        raise ValueError(f"eps={eps!r} is too small for x[{i}]={x!r}: x ± eps rounds to x")
    f_up, f_down = _evaluate(f, up), _evaluate(f, down)
    # f(x ± h) equal to their last digits with a very fine step: f is flat here, or h is below
    # what f's rounding can show; a coarser step tells the two apart
    if eps < _FINE and abs(f_up - f_down) <= 2.0 * math.ulp(max(abs(f_up), abs(f_down))):
        probe = _PROBE * scale
        try:
            slope = _evaluate(f, _moved(point, i, probe)) - _evaluate(f, _moved(point, i, -probe))
        except (ArithmeticError, ValueError):  # f is not defined that far away: cannot tell
            slope = 0.0
        if slope != 0.0:
            raise ValueError(
                f"eps={eps!r} is too small to resolve f at x[{i}]={x!r}: f(x ± h) differ by "
                f"{f_up - f_down!r} (rounding), while a step of {probe:g} shows a slope; use a "
                f"larger eps (the default, 1e-6, suits most functions)"
            )
    return (f_up - f_down) / step


def _moved(point: list[float], i: int, h: float) -> list[float]:
    moved = list(point)
    moved[i] += h
    return moved


def _tolerance(x: float, name: str) -> float:
    """A finite number ≥ 0, or a ValueError/TypeError naming the argument."""
    value = real(x, name)
    if value < 0.0:
        raise ValueError(f"{name} must be ≥ 0, got {value!r}")
    return value


@dataclass(frozen=True)
class GradcheckResult:
    """Autograd against finite differences, per input; truthy when every row agrees."""

    names: list[str]
    analytic: list[float]
    numeric: list[float]
    atol: float
    rtol: float

    def agrees(self, i: int) -> bool:
        """|analytic − numeric| ≤ atol + rtol·|numeric| for input i."""
        return abs(self.analytic[i] - self.numeric[i]) <= self.atol + self.rtol * abs(
            self.numeric[i]
        )

    @property
    def max_error(self) -> float:
        """The largest |analytic − numeric| over all inputs."""
        return max((abs(a - n) for a, n in zip(self.analytic, self.numeric)), default=0.0)

    def __bool__(self) -> bool:
        return all(self.agrees(i) for i in range(len(self.names)))

    def __str__(self) -> str:
        width = max([len("input"), *(len(n) for n in self.names)])
        lines = [f"{'input':<{width}}  {'analytic':>14}  {'numeric':>14}  {'abs error':>10}  ok"]
        for i, name in enumerate(self.names):
            error = abs(self.analytic[i] - self.numeric[i])
            mark = "yes" if self.agrees(i) else "NO"
            lines.append(
                f"{name:<{width}}  {self.analytic[i]:>14.8g}  {self.numeric[i]:>14.8g}"
                f"  {error:>10.2e}  {mark}"
            )
        verdict = "agree" if self else "DISAGREE"
        lines.append(
            f"gradcheck: autograd and finite differences {verdict} "
            f"(max error {self.max_error:.2e}, atol={self.atol:g}, rtol={self.rtol:g})"
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        verdict = "agree" if self else "DISAGREE"
        n = len(self.names)
        return f"<GradcheckResult: {verdict}, max error {self.max_error:.2e} over {n} inputs>"


def gradcheck(
    f: Function,
    xs: Sequence[Value | float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    verbose: bool = True,
) -> GradcheckResult:
    """Compare autograd's ∂f/∂xᵢ with central differences; print the per-input table.

    The result is truthy when every input agrees within ``atol + rtol·|numeric|``; its ``str``
    is the table, its ``repr`` a one-line verdict.
    """
    atol, rtol = _tolerance(atol, "atol"), _tolerance(rtol, "rtol")
    values = [x if isinstance(x, Value) else Value(x) for x in xs]
    if not values:
        raise ValueError("gradcheck needs at least one input to check, got none")
    numeric = numerical_grad(f, values, eps)
    point = [Value(v.data) for v in values]
    out = f(point)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck needs f to return a Value, got {describe(out)}")
    analytic = grad(out, point)
    names = [v.label or f"x[{i}]" for i, v in enumerate(values)]
    result = GradcheckResult(names, analytic, numeric, atol, rtol)
    if verbose:
        print(result)
    return result
