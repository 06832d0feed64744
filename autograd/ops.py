"""The op table: every built-in primitive, declared with ``primitive()`` as a user declares one.

Each entry is a forward function on floats and a rule ``local_grads(*inputs, out)`` written
with operators and primitives only, so it runs on floats (``backward``), on Values
(``create_graph``), on dual numbers (``jvp``) and on code-generating stand-ins alike.  A
forward raises with the reason only; the primitive adds its name and inputs
(``log(-2.0): defined only for x > 0``).  ``Value``'s operators and methods, the symbols in
drawings and the ``nn`` activations all read this table.
"""

from __future__ import annotations

import math
import operator
import re
from typing import Any

from .numbers import positive_int, real
from .primitive import Primitive, primitive, protect

__all__ = [
    "abs_",
    "add",
    "cos",
    "div",
    "exp",
    "log",
    "logsumexp",
    "mul",
    "neg",
    "pow_",
    "power",
    "relu",
    "sigmoid",
    "sign",
    "sin",
    "sqrt",
    "step",
    "sub",
    "tanh",
]


def _log(a: float) -> float:
    if a <= 0.0:
        raise ValueError("defined only for x > 0")
    return math.log(a)


def _sqrt(a: float) -> float:
    if a < 0.0:
        raise ValueError("defined only for x ≥ 0")
    return math.sqrt(a)


def _pow(a: float, b: float) -> float:
    if a <= 0.0:
        raise ValueError("a Value exponent needs a positive base (∂aᵇ/∂b = aᵇ·ln a)")
    return math.pow(a, b)


def _sigmoid(a: float) -> float:
    # σ(a) = 1/(1+e⁻ᵃ), evaluated so that e^|a| never overflows.
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


# Steps with no slope: the derivatives of relu and abs, and themselves primitives so that those
# rules run on Values too.  step(0) = 0 (relu′(0) = 0); sign(0) = 0 (abs′(0) = 0, the central
# difference there, as in PyTorch).
step = primitive("step", lambda a: 1.0 if a > 0.0 else 0.0, lambda a, out: (0.0,), "H")
sign = primitive(
    "sign", lambda a: 1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0, lambda a, out: (0.0,)
)

log: Primitive  # used by the rule of ** before its own declaration
cos: Primitive  # likewise for sin
add = primitive("+", operator.add, lambda a, b, out: (1.0, 1.0), "+")
sub = primitive("-", operator.sub, lambda a, b, out: (1.0, -1.0), "−")
mul = primitive("*", operator.mul, lambda a, b, out: (b, a), "×")
div = primitive("/", operator.truediv, lambda a, b, out: (1.0 / b, -out / b), "÷")
pow_ = primitive("**", _pow, lambda a, b, out: (b * a ** (b - 1.0), out * log(a)), "xʸ")
neg = primitive("neg", operator.neg, lambda a, out: (-1.0,), "−x")
exp = primitive("exp", math.exp, lambda a, out: (out,), "exp")
log = primitive("log", _log, lambda a, out: (1.0 / a,), "ln")
sqrt = primitive("sqrt", _sqrt, lambda a, out: (0.5 / out,), "√")
tanh = primitive("tanh", math.tanh, lambda a, out: (1.0 - out * out,), "tanh")
sigmoid = primitive("sigmoid", _sigmoid, lambda a, out: (out * (1.0 - out),), "σ")
relu = primitive("relu", lambda a: a if a > 0.0 else 0.0, lambda a, out: (step(a),), "ReLU")
abs_ = primitive("abs", math.fabs, lambda a, out: (sign(a),), "|x|")
sin = primitive("sin", math.sin, lambda a, out: (cos(a),), "sin")
cos = primitive("cos", math.cos, lambda a, out: (-sin(a),), "cos")

protect(step, sign, add, sub, mul, div, pow_, neg, exp, log, sqrt, tanh, sigmoid, relu, abs_)
protect(sin, cos, families=("**", "logsumexp_"))  # the families power(c) and logsumexp(n) name

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
POWERS: dict[float, Primitive] = {}  # exponent → primitive; read by Value's ** as well
POWERS_KEPT = 1024  # distinct exponents cached; past that each call makes its own


def power(c: float) -> Primitive:
    """xᶜ for a constant exponent c: one primitive per exponent, named ``**2``, ``**0.5``."""
    # + 0.0 turns -0.0 into 0.0: the name never depends on which of the two was cached first
    c = real(c, "the exponent in **") + 0.0
    op = POWERS.get(c)
    if op is None:
        op = _make_power(c)
        if len(POWERS) < POWERS_KEPT:
            POWERS[c] = op
    return op


def _make_power(c: float) -> Primitive:
    def forward(a: float) -> float:
        if a < 0.0 and not c.is_integer():
            raise ValueError("a fractional power of a negative number")
        if a == 0.0 and c < 0.0:
            raise ZeroDivisionError("zero to a negative power")
        return math.pow(a, c)

    def local_grads(a: Any, out: Any) -> tuple[Any]:
        if c == 0.0:
            return (0.0,)
        if c == 1.0:
            return (1.0,)
        if c == 2.0:
            return (2.0 * a,)
        return (c * a ** (c - 1.0),)

    short = f"{c:g}"
    exponent = short if float(short) == c else repr(c)
    integer = re.fullmatch(r"-?[0-9]+", exponent)
    symbol = "x" + exponent.translate(_SUPERSCRIPT) if integer else "x^" + exponent
    op = Primitive(f"**{exponent}", forward, local_grads, symbol, 1, f"{{0}} ** {c!r}")
    op._pickle = (power, (c,))
    return op


LOGSUMEXPS: dict[int, Primitive] = {}  # number of inputs → primitive


def logsumexp(n: int) -> Primitive:
    """ln Σᵢ e^zᵢ of n inputs: one primitive per n, named ``logsumexp_2``, ``logsumexp_3``, ….

    The forward shifts by m = maxₖ zₖ: m + ln(1 + Σᵢ≠ₖ e^(zᵢ − m)), so no e^z overflows, the log
    is never of 0 at a finite input, and log1p keeps the digits of a small sum (softplus(z) =
    ln(1 + eᶻ) = logsumexp(2)(z, 0) is accurate for z → −∞ too).  The rule is the softmax,
    ∂out/∂zᵢ = e^(zᵢ − out), whose exponents are ≤ 0: no overflow at ±1000, and differentiable
    again (``create_graph``).
    """
    n = positive_int(n, "logsumexp's number of inputs")
    op = LOGSUMEXPS.get(n)
    if op is None:
        op = _make_logsumexp(n)
        if len(LOGSUMEXPS) < POWERS_KEPT:  # the same bound as for the powers
            LOGSUMEXPS[n] = op
    return op


def _logsumexp(*zs: float) -> float:
    k = max(range(len(zs)), key=zs.__getitem__)
    m = zs[k]
    return m + math.log1p(math.fsum([math.exp(z - m) for i, z in enumerate(zs) if i != k]))


def _softmax_weights(*args: Any) -> tuple[Any, ...]:
    out = args[-1]
    return tuple(exp(z - out) for z in args[:-1])


def _make_logsumexp(n: int) -> Primitive:
    template = "logsumexp(" + ", ".join(f"{{{k}}}" for k in range(n)) + ")"
    op = Primitive(f"logsumexp_{n}", _logsumexp, _softmax_weights, "log Σ exp", n, template)
    op._pickle = (logsumexp, (n,))
    return op
