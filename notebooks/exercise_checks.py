"""The checkers of notebook 04: each says in one sentence what is wrong, or that it is right.

A checker given the placeholder ``...`` (or a function that still returns ``...``) prints
"Not done yet" and returns.  Given a wrong answer it raises ``AssertionError`` with one
sentence saying what is wrong, recognising the usual slips (a wrong sign, a missing factor, a
forgotten ``zero_grad``, …) by computing them and comparing.  Given the right answer it prints
"Right" with what was checked.  The reference answers come from the library: ``gradcheck``,
``numerical_grad``, ``backward_steps``, ``jvp`` and the three-way check of ``nn``.

``report()`` lists every exercise's last result and raises if one is not right, so a notebook
run top to bottom fails unless every answer checks out.  The notebook imports this module from
``notebooks/``; the tests import it by path.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from types import EllipsisType
from typing import Any

import numpy as np
import numpy.typing as npt

import nn
from autograd import (
    StaleGraphError,
    Value,
    backward_steps,
    grad,
    gradcheck,
    jvp,
    primitive,
    reverse_topological,
    sigmoid,
)

__all__ = [
    "EXERCISES",
    "check_activation_rules",
    "check_backprop",
    "check_backward_by_hand",
    "check_sgd_step",
    "check_swish_rule",
    "check_tangent_rules",
    "report",
    "reset",
]

EXERCISES = {
    1: "the local derivatives of tanh and σ",
    2: "a new primitive: swish",
    3: "the δ formulas of the blog's network",
    4: "reverse mode by hand",
    5: "forward mode: tangent rules",
    6: "one SGD step by hand",
}
_status: dict[int, str] = {}

# The blog's network with the numbers of notebook 01.
W1 = [[0.1, 0.4, -0.3], [-0.2, 0.5, 0.6]]
W2 = [[0.7, -0.8], [0.9, 0.3]]
X = [0.5, -0.2, 0.1]
Y = [1.0, 0.0]


def blog_network() -> nn.Network:
    """The 3-2-2 sigmoid network of notebook 01 (no biases), fresh each call."""
    return nn.Network.from_weights([W1, W2], activation="sigmoid")


# -- the three outcomes -------------------------------------------------------------------------


def _right(number: int, message: str) -> None:
    _status[number] = "right"
    print(f"Right: {message}")


def _wrong(number: int, message: str) -> AssertionError:
    _status[number] = "wrong"
    return AssertionError(message)


def _not_done(number: int, message: str) -> None:
    _status[number] = "not done yet"
    print(f"Not done yet: {message}")


def _placeholder(x: object) -> bool:
    return x is Ellipsis or (isinstance(x, (tuple, list)) and any(v is Ellipsis for v in x))


def _close(a: Any, b: Any, rtol: float = 1e-7, atol: float = 1e-12) -> bool:
    """Same shape and equal within rtol·|b| + atol everywhere (False for non-numbers)."""
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _raised(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _number(x: float) -> str:
    return f"{x:.10g}"


def reset() -> None:
    """Forget every result (for tests)."""
    _status.clear()


def report() -> None:
    """Print every exercise's last result; AssertionError naming those that are not right."""
    for number, title in EXERCISES.items():
        print(f"{number}. {title:<40} {_status.get(number, 'not checked yet')}")
    missing = [str(n) for n in EXERCISES if _status.get(n) != "right"]
    if len(missing) == 1:
        raise AssertionError(f"exercise {missing[0]} is not right yet")
    if missing:
        raise AssertionError(f"exercises {', '.join(missing)} are not right yet")
    print("All six exercises are right.")


# -- 1 and 2. local derivatives, as primitives ----------------------------------------------------

POINTS = [-2.0, -0.5, 0.3, 1.5]
"""Where the rules are checked: both signs, near 0 and on the flanks."""

Slips = Callable[[npt.NDArray[np.float64], npt.NDArray[np.float64]], list[tuple[Any, str]]]


def _total(values: Iterable[Value]) -> Value:
    """The sum of Values: one function whose ∂/∂xᵢ checks a rule at every point xᵢ at once."""
    it = iter(values)
    out = next(it)
    for v in it:
        out = out + v
    return out


def _check_rule(
    number: int,
    name: str,
    forward: Callable[[float], float],
    rule: Callable[..., Any] | EllipsisType,
    slips: Slips,
) -> bool:
    """Declare ``rule`` as the local derivative of the primitive ``name`` and gradcheck it, on
    floats and (its second derivative) on Values.  True when right, False when it is still the
    placeholder; AssertionError with the reason when wrong."""
    what = f"{name}_local_grads"
    if rule is Ellipsis:
        _not_done(number, f"write {what}(x, out).")
        return False
    x0 = POINTS[0]
    try:
        first = rule(x0, forward(x0))
    except Exception as exc:
        raise _wrong(number, f"{what} raised {_raised(exc)} at x = {x0}.") from None
    if _placeholder(first):
        _not_done(number, f"{what} still returns `(...,)`.")
        return False
    if not isinstance(first, (tuple, list)) or len(first) != 1:
        raise _wrong(
            number,
            f"{what} returned {first!r}: return a tuple with one derivative per input, `(d,)`.",
        )
    try:
        op = primitive(f"my_{name}", forward, rule)
        result = gradcheck(lambda v: _total(op(x) for x in v), POINTS, verbose=False)
    except Exception as exc:
        raise _wrong(number, f"gradcheck could not run {what}: {_raised(exc)}.") from None
    if not result:
        analytic, numeric = np.array(result.analytic), np.array(result.numeric)
        xs = np.array(POINTS)
        out = np.array([forward(x) for x in POINTS])
        known = [
            (-numeric, f"Wrong sign: {what} gives the negative of the slope."),
            *slips(xs, out),
        ]
        for slip, message in known:
            if _close(analytic, slip, rtol=1e-4):
                raise _wrong(number, message)
        k = next(i for i in range(len(xs)) if not result.agrees(i))
        raise _wrong(
            number,
            f"At x = {xs[k]:g}, {what} gives {_number(analytic[k])} but finite differences "
            f"give {_number(numeric[k])}.",
        )

    def derivative(v: list[Value]) -> Value:  # Σ f′(xᵢ) as a Value: the rule run on Values
        return _total(grad(op(x), [x], create_graph=True)[0] for x in v)

    try:
        second = gradcheck(derivative, POINTS, verbose=False)
    except TypeError as exc:
        raise _wrong(
            number,
            f"{what} works on floats but not on Values ({exc}): write it with operators and "
            "autograd's primitives (sigmoid, tanh, exp), not math's, so that "
            "grad(…, create_graph=True) can run it.",
        ) from None
    if not second:  # right on floats, not on Values: e.g. it reads .data
        raise _wrong(
            number,
            f"On Values {what} does not give a differentiable derivative: build it from x and "
            "out with operators and primitives only.",
        )
    return True


def _tanh_slips(xs: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> list[tuple[Any, str]]:
    return [
        (1 - xs**2, "That is 1 − x², with the input x: tanh′(x) = 1 − tanh²(x), that is 1 − out²."),
        (1 - out, "Square the output: tanh′(x) = 1 − tanh²(x) = 1 − out²."),
        (1 + out**2, "The sign inside: tanh′(x) = 1 − tanh²(x), not 1 + tanh²(x)."),
        (1 / np.cosh(xs), "tanh′(x) = 1/cosh²(x): the cosh is squared (or write 1 − out²)."),
        (out * (1 - out), "out·(1 − out) is the sigmoid's slope; tanh′(x) = 1 − out²."),
    ]


def _sigmoid_slips(
    xs: npt.NDArray[np.float64], out: npt.NDArray[np.float64]
) -> list[tuple[Any, str]]:
    return [
        (
            xs * (1 - xs),
            "That is x·(1 − x), with the input x: σ′(x) = σ(x)(1 − σ(x)) = out·(1 − out).",
        ),
        (out, "σ′(x) = σ(x)(1 − σ(x)): multiply out by (1 − out)."),
        (1 - out, "σ′(x) = σ(x)(1 − σ(x)): multiply (1 − out) by out."),
        (out * (1 + out), "The sign inside: σ′(x) = out·(1 − out), not out·(1 + out)."),
        (1 - out**2, "1 − out² is tanh's slope; σ′(x) = out·(1 − out)."),
    ]


def _tanh(x: float) -> float:
    return math.tanh(x)


def _sigmoid(x: float) -> float:
    return sigmoid(x)  # type: ignore[no-any-return]


def check_activation_rules(
    tanh_local_grads: Callable[..., Any] | EllipsisType,
    sigmoid_local_grads: Callable[..., Any] | EllipsisType,
) -> None:
    """The local derivatives of tanh (1 − out²,) and σ (out·(1 − out),), declared as the
    primitives my_tanh and my_sigmoid and gradchecked, on floats and on Values."""
    number = 1
    if not _check_rule(number, "tanh", _tanh, tanh_local_grads, _tanh_slips):
        return
    if not _check_rule(number, "sigmoid", _sigmoid, sigmoid_local_grads, _sigmoid_slips):
        return
    _right(
        number,
        f"as primitives, both pass gradcheck at x = {', '.join(f'{x:g}' for x in POINTS)}, "
        "and run on Values, so their second derivatives check out too.",
    )


def _swish(x: float) -> float:
    return x * sigmoid(x)  # type: ignore[no-any-return]


def _swish_slips(
    xs: npt.NDArray[np.float64], out: npt.NDArray[np.float64]
) -> list[tuple[Any, str]]:
    s = 1 / (1 + np.exp(-xs))
    return [
        (
            s,
            "That is σ(x) alone: swish is the product x·σ(x), so the product rule adds "
            "x·σ′(x) = x·σ(x)(1 − σ(x)).",
        ),
        (
            xs * s * (1 - s),
            "That is x·σ′(x) alone: the product rule also gives σ(x), the factor x's "
            "derivative (1) times σ(x).",
        ),
        (s * (1 - s), "That is σ′(x), the sigmoid's slope; swish′(x) = σ(x) + x·σ(x)(1 − σ(x))."),
        (out * (1 - out), "out·(1 − out) is σ′ only when out = σ(x); here out = x·σ(x)."),
        (s - xs * s * (1 - s), "Sign of the second term: the product rule adds x·σ′(x)."),
    ]


def check_swish_rule(swish_local_grads: Callable[..., Any] | EllipsisType) -> None:
    """``swish_local_grads(x, out)`` must be (σ(x) + x·σ(x)(1 − σ(x)),), written with operators
    and autograd's primitives so that it runs on Values too."""
    number = 2
    if _check_rule(number, "swish", _swish, swish_local_grads, _swish_slips):
        _right(
            number,
            f"the primitive passes gradcheck at x = {', '.join(f'{x:g}' for x in POINTS)}, and "
            "its rule runs on Values, so swish″ checks out too.",
        )


# -- 3. the δ formulas --------------------------------------------------------------------------


def _vector(answer: Any, shape: tuple[int, ...], what: str, number: int) -> npt.NDArray[np.float64]:
    try:
        a = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise _wrong(number, f"{what} should be numbers, got {answer!r}.") from None
    if a.shape != shape:
        words = (
            f"a vector of {shape[0]} numbers"
            if len(shape) == 1
            else f"a {shape[0]}×{shape[1]} matrix"
        )
        raise _wrong(number, f"{what} should be {words}, got shape {a.shape}.")
    return a


_SUP = {1: "⁽¹⁾", 2: "⁽²⁾", 3: "⁽³⁾"}


def check_backprop(
    net: nn.Network,
    x: Sequence[float],
    y: Sequence[float],
    delta3: Any,
    delta2: Any,
    grad_W2: Any,
    grad_W1: Any,
) -> None:
    """δ⁽³⁾, δ⁽²⁾, ∇W⁽²⁾ and ∇W⁽¹⁾ of the blog's network, checked in that order against the
    three-way check (autograd, ``nn.backprop``'s δ formulas, finite differences)."""
    number = 3
    bp = nn.backprop(net, x, y)
    x1, x2, x3 = (np.array(a) for a in bp.activations)
    w2 = np.array(net.weight_matrices()[1])
    yv = np.array(y, dtype=float)
    layers = net.forward_all(x)
    loss = nn.mse(layers[-1], y)
    zs = [[n.inputs[0] for n in layer] for layer in layers[1:]]  # z⁽²⁾, z⁽³⁾
    dz = grad(loss, [*zs[0], *zs[1]])  # autograd's δ⁽²⁾, δ⁽³⁾: the grads of the z Values
    true3, true2 = np.array(dz[2:]), np.array(dz[:2])
    s3, s2 = x3 * (1 - x3), x2 * (1 - x2)

    if _placeholder(delta3):
        return _not_done(number, "fill in delta3 (then delta2, grad_W2, grad_W1).")
    d3 = _vector(delta3, (2,), "delta3", number)
    if not _close(d3, true3):
        for slip, message in [
            (
                (x3 - yv) * s3,
                "δ⁽³⁾ is missing the factor 2 from the derivative of the square, "
                "∂(x − y)²/∂x = 2(x − y).",
            ),
            (2 * (yv - x3) * s3, "δ⁽³⁾ has the wrong sign: ∂(x − y)²/∂x = 2(x − y), not 2(y − x)."),
            (
                2 * (x3 - yv),
                "δ⁽³⁾ is missing σ′(z⁽³⁾) = x⁽³⁾(1 − x⁽³⁾): δ is ∂MSE/∂z, one step "
                "further back than ∂MSE/∂x⁽³⁾.",
            ),
        ]:
            if _close(d3, slip):
                raise _wrong(number, message)
        raise _wrong(number, f"δ⁽³⁾ should be {np.round(true3, 6)}, yours is {np.round(d3, 6)}.")
    if _placeholder(delta2):
        return _not_done(number, "delta3 is right; now fill in delta2.")
    d2 = _vector(delta2, (2,), "delta2", number)
    if not _close(d2, true2):
        for slip, message in [
            (
                (w2 @ true3) * s2,
                "δ⁽²⁾ needs the transpose, W⁽²⁾ᵀδ⁽³⁾: δⱼ⁽²⁾ sums wᵢⱼ⁽²⁾δᵢ⁽³⁾ over "
                "the neurons i that xⱼ⁽²⁾ feeds.",
            ),
            (w2.T @ true3, "δ⁽²⁾ is missing σ′(z⁽²⁾) = x⁽²⁾(1 − x⁽²⁾)."),
            (
                (w2.T @ true3) * s3,
                "δ⁽²⁾ needs the hidden layer's slope x⁽²⁾(1 − x⁽²⁾), not the "
                "output layer's x⁽³⁾(1 − x⁽³⁾).",
            ),
            (
                true3 * s2,
                "δ⁽²⁾ must pass δ⁽³⁾ back through the weights: (W⁽²⁾ᵀδ⁽³⁾) ⊙ x⁽²⁾(1 − x⁽²⁾).",
            ),
        ]:
            if _close(d2, slip):
                raise _wrong(number, message)
        raise _wrong(number, f"δ⁽²⁾ should be {np.round(true2, 6)}, yours is {np.round(d2, 6)}.")

    methods = {
        "autograd": nn.autograd_grad_matrices(net, x, y),
        "the δ formulas": bp.weight_grads,
        "finite differences": nn.numerical_grad_matrices(net, x, y),
    }
    layers_ = [  # answer, its layer l in W⁽ˡ⁾, name, x⁽ˡ⁾, δ⁽ˡ⁺¹⁾, and the usual slips
        (grad_W2, 2, "grad_W2", x2, true3, [(x3, "x⁽³⁾"), (x1, "x⁽¹⁾")], [(true2, "δ⁽²⁾")]),
        (grad_W1, 1, "grad_W1", x1, true2, [(x2, "x⁽²⁾")], [(true3, "δ⁽³⁾")]),
    ]
    for answer, l, name, activations, delta, other_xs, other_deltas in layers_:  # noqa: E741
        W, formula = f"∇W{_SUP[l]}", f"np.outer(delta{l + 1}, x{l})"
        if _placeholder(answer):
            return _not_done(number, f"δ⁽³⁾ and δ⁽²⁾ are right; now fill in {name}.")
        if _close(answer, np.outer(activations, delta)):
            raise _wrong(
                number,
                f"{W} is transposed: entry [i][j] is δᵢ{_SUP[l + 1]} xⱼ{_SUP[l]}, so rows follow "
                f"δ and columns follow x, {formula}.",
            )
        for other, text in other_xs:
            if _close(answer, np.outer(delta, other)):
                raise _wrong(
                    number,
                    f"{W} uses {text}, but W{_SUP[l]} multiplies x{_SUP[l]}: {W} = {formula}.",
                )
        for other, text in other_deltas:
            if _close(answer, np.outer(other, activations)):
                raise _wrong(
                    number,
                    f"{W} uses {text}, but W{_SUP[l]} feeds z{_SUP[l + 1]}, "
                    f"whose δ is δ{_SUP[l + 1]}: {W} = {formula}.",
                )
        g = _vector(answer, (2, len(activations)), name, number)
        for method, matrices in methods.items():
            if not _close(g, matrices[l - 1], rtol=1e-6, atol=1e-9):
                raise _wrong(
                    number,
                    f"{W} disagrees with {method}: it should be "
                    f"{np.round(np.array(matrices[l - 1]), 6).tolist()}.",
                )
    _right(
        number,
        "δ⁽³⁾ and δ⁽²⁾ equal the grads autograd leaves on z⁽³⁾ and z⁽²⁾, and ∇W⁽¹⁾, ∇W⁽²⁾ "
        "agree with autograd, the δ formulas and finite differences.",
    )


# -- 4. reverse mode by hand ---------------------------------------------------------------------


def _blog_loss() -> Value:
    net = blog_network()
    return nn.mse(net(X), Y)


def _reference(kind: str) -> Callable[[Value], None]:
    """The usual slips of a backward sweep, to recognise a student's."""

    def sweep(root: Value) -> None:
        order = reverse_topological(root)
        for v in order:
            v.grad = 0.0
        root.grad = 1.0
        visit = list(reversed(order)) if kind == "forward order" else order
        for v in visit:
            for inp, local in zip(v.inputs, v.local_grads):
                if kind == "overwrite":
                    inp.grad = v.grad * local
                elif kind == "no upstream":
                    inp.grad += local
                else:
                    inp.grad += v.grad * local

    return sweep


def _grads_after(fn: Callable[[Value], None]) -> list[float]:
    root = _blog_loss()
    fn(root)
    return [v.grad for v in reverse_topological(root)]


def check_backward_by_hand(backward_by_hand: Callable[[Value], Any] | EllipsisType) -> None:
    """``backward_by_hand(root)`` must set every ``.grad`` in root's graph to ∂root/∂(it), from
    zero (called twice, it gives the same), compared with ``backward_steps``."""
    number = 4
    if backward_by_hand is Ellipsis:
        return _not_done(number, "write backward_by_hand(root).")
    root = _blog_loss()
    order = reverse_topological(root)
    try:
        backward_by_hand(root)
    except Exception as exc:
        raise _wrong(number, f"On the blog's MSE it raised {_raised(exc)}.") from None
    mine = [v.grad for v in order]
    if all(g == 0.0 for g in mine):
        return _not_done(
            number, "backward_by_hand left every grad at 0 (set root.grad = 1.0, then sweep)."
        )
    if root.grad != 1.0:
        raise _wrong(number, f"root.grad is {root.grad!r}: seed the sweep with root.grad = 1.0.")
    expected: dict[Value, float] = {root: 1.0}
    for step in backward_steps(root):
        expected[step.input] = step.total
    right = [expected.get(v, 0.0) for v in order]
    if not _close(mine, right):
        for kind, message in [
            (
                "overwrite",
                "A Value used by several operations keeps only its last contribution: "
                "add them up, inp.grad += …, do not overwrite with =.",
            ),
            (
                "no upstream",
                "Each contribution must be v.grad * local (the chain rule), not the "
                "local derivative alone.",
            ),
            (
                "forward order",
                "Visit the Values from the output back, in the order "
                "reverse_topological gives: a Value may pass its grad on only once it is complete.",
            ),
        ]:
            if _close(mine, _grads_after(_reference(kind))):
                raise _wrong(number, message)
        k = next(i for i, (a, b) in enumerate(zip(mine, right)) if not _close(a, b))
        v = order[k]
        edges = sum(1 for step in backward_steps(root) if step.input is v)
        if v.label:
            name = v.label
        elif v.primitive is not None:
            name = f"the {v.primitive.symbol} node holding {v.data:.4g}"
        else:
            name = f"the constant {v.data:g}"
        raise _wrong(
            number,
            f"The first wrong grad in backward's order is that of {name}: yours is "
            f"{_number(mine[k])}, backward_steps adds up {_number(right[k])} over its "
            f"{edges} edge{'s' if edges != 1 else ''}.",
        )
    try:
        backward_by_hand(root)
    except Exception as exc:
        raise _wrong(number, f"A second call raised {_raised(exc)}.") from None
    if not _close([v.grad for v in order], right):
        raise _wrong(
            number,
            "Called twice it adds to the first call's grads: set every grad in the graph to 0 "
            "before seeding.",
        )
    _right(
        number,
        f"all {len(order)} grads of the blog's MSE equal backward_steps' totals, called once or "
        "twice.",
    )


# -- 5. forward mode ------------------------------------------------------------------------------

TANGENT_POINTS = [(0.7, -1.3, 0.4, 2.0), (-1.5, 0.2, -0.6, 0.9), (2.2, 0.5, 1.7, -0.3)]


def _sig(a: float) -> float:
    return 1 / (1 + math.exp(-a))


def check_tangent_rules(
    mul_tangent: Callable[[float, float, float, float], Any] | EllipsisType,
    sigmoid_tangent: Callable[[float, float], Any] | EllipsisType,
) -> None:
    """``mul_tangent(a, ȧ, b, ḃ)`` must be ȧ·b + a·ḃ and ``sigmoid_tangent(a, ȧ)`` must be
    σ(a)(1 − σ(a))·ȧ, compared with ``jvp``."""
    number = 5
    if mul_tangent is Ellipsis:
        return _not_done(number, "write mul_tangent.")
    if sigmoid_tangent is Ellipsis:
        return _not_done(number, "write sigmoid_tangent.")
    for a, a_dot, b, b_dot in TANGENT_POINTS:
        try:
            got = mul_tangent(a, a_dot, b, b_dot)
        except Exception as exc:
            raise _wrong(number, f"mul_tangent raised {_raised(exc)}.") from None
        if _placeholder(got):
            return _not_done(number, "mul_tangent still returns `...`.")
        ref = jvp(lambda v: v[0] * v[1], [a, b], [a_dot, b_dot])[1]
        if not _number_close(got, ref):
            for slip, message in [
                (
                    a_dot * b_dot,
                    "ȧ·ḃ is a product of two small changes, which forward mode "
                    "drops (ε² = 0); the product rule gives ȧ·b + a·ḃ.",
                ),
                (a_dot * b, "Missing a·ḃ: when both factors move, (a·b)˙ = ȧ·b + a·ḃ."),
                (a * b_dot, "Missing ȧ·b: when both factors move, (a·b)˙ = ȧ·b + a·ḃ."),
                (a_dot + b_dot, "ȧ + ḃ is the tangent of a + b; for a·b it is ȧ·b + a·ḃ."),
                (a * b, "a·b is the value; the tangent is ȧ·b + a·ḃ."),
                (a_dot * b - a * b_dot, "Sign: the product rule adds the two terms, ȧ·b + a·ḃ."),
            ]:
                if _number_close(got, slip):
                    raise _wrong(number, message)
            raise _wrong(
                number,
                f"mul_tangent({a}, {a_dot}, {b}, {b_dot}) is {got!r}; jvp says {_number(ref)}.",
            )
        try:
            got = sigmoid_tangent(a, a_dot)
        except Exception as exc:
            raise _wrong(number, f"sigmoid_tangent raised {_raised(exc)}.") from None
        if _placeholder(got):
            return _not_done(number, "mul_tangent is right; sigmoid_tangent still returns `...`.")
        ref = jvp(lambda v: v[0].sigmoid(), [a], [a_dot])[1]
        s = _sig(a)
        if not _number_close(got, ref):
            for slip, message in [
                (
                    s * (1 - s),
                    "Multiply by ȧ: the tangent is σ′(a)·ȧ, the slope times how fast a moves.",
                ),
                (a * (1 - a) * a_dot, "σ′(a) = σ(a)(1 − σ(a)), the sigmoid of a, not a(1 − a)."),
                (s * a_dot, "σ′(a) is σ(a)(1 − σ(a)), not σ(a)."),
                (-s * (1 - s) * a_dot, "Wrong sign: σ rises, σ′(a) = σ(a)(1 − σ(a)) > 0."),
            ]:
                if _number_close(got, slip):
                    raise _wrong(number, message)
            raise _wrong(
                number, f"sigmoid_tangent({a}, {a_dot}) is {got!r}; jvp says {_number(ref)}."
            )
    # With both rules: ∂L/∂w of the neuron L = (σ(w·x + b) − 1)², by one forward pass.
    w, x, b = -1.5, 0.5, 0.8
    u, u_dot = w * x, mul_tangent(w, 1.0, x, 0.0)  # seed ẇ = 1
    z, z_dot = u + b, u_dot
    p, p_dot = _sig(z), sigmoid_tangent(z, z_dot)
    d, d_dot = p - 1, p_dot
    loss_dot = mul_tangent(d, d_dot, d, d_dot)
    ref = jvp(lambda v: ((v[0] * v[1] + v[2]).sigmoid() - 1) ** 2, [w, x, b], [1, 0, 0])[1]
    if not _number_close(loss_dot, ref):  # right at the points above, wrong elsewhere
        raise _wrong(number, f"Through the neuron your rules give {loss_dot!r}; jvp says {ref!r}.")
    _right(
        number,
        f"both agree with jvp, and with them one forward pass through the neuron of notebook 02 "
        f"gives ∂L/∂w = {loss_dot:.6f}, as jvp does.",
    )


def _number_close(got: Any, ref: float) -> bool:
    try:
        return math.isclose(float(got), ref, rel_tol=1e-9, abs_tol=1e-12)
    except (TypeError, ValueError):
        return False


# -- 6. one SGD step by hand -----------------------------------------------------------------------

SAMPLES = [([0.5, -0.2, 0.1], [1.0, 0.0]), ([-0.3, 0.8, 0.6], [0.0, 1.0])]
STEPS = 4
LR = 0.5

Step = Callable[[nn.Network, list[float], list[float], float], Any]


def _train(step: Step) -> tuple[list[float], list[Any]]:
    """The blog's network after STEPS steps of ``step``, alternating the two SAMPLES."""
    net = blog_network()
    returned = [step(net, *SAMPLES[k % len(SAMPLES)], LR) for k in range(STEPS)]
    return [p.data for p in net.parameters()], returned


def _with_sgd(net: nn.Network, x: list[float], y: list[float], lr: float) -> Value:
    """The same step with nn.SGD: the reference."""
    optimizer = nn.SGD(net.parameters(), lr=lr)
    optimizer.zero_grad()
    loss = nn.mse(net(x), y)
    loss.backward()
    optimizer.step()
    return loss


def _slip(kind: str) -> Step:
    def step(net: nn.Network, x: list[float], y: list[float], lr: float) -> None:
        if kind != "no zero_grad":
            net.zero_grad()
        loss = nn.mse(net(x), y)
        loss.backward()
        factor = {"uphill": lr, "no lr": -1.0}.get(kind, -lr)
        for p in net.parameters():
            p.data += factor * p.grad

    return step


def check_sgd_step(sgd_step: Step | EllipsisType) -> None:
    """``sgd_step(net, x, y, lr)``: zero the grads, forward, MSE, backward, w ← w − η·∂MSE/∂w
    for every parameter, return the loss; four steps must give the weights nn.SGD gives."""
    number = 6
    if sgd_step is Ellipsis:
        return _not_done(number, "write sgd_step(net, x, y, lr).")
    try:
        mine, returned = _train(sgd_step)
    except StaleGraphError:
        raise _wrong(
            number,
            "A weight changed before loss.backward() read the graph built from it: call "
            "backward() first, then update the weights.",
        ) from None
    except Exception as exc:
        raise _wrong(number, f"It raised {_raised(exc)}.") from None
    if any(_placeholder(r) for r in returned):
        return _not_done(number, "sgd_step still returns `...`.")
    right, _ = _train(_with_sgd)
    start = [p.data for p in blog_network().parameters()]
    if not _close(mine, right, rtol=1e-12, atol=0.0):
        if _close(mine, start, rtol=0.0, atol=0.0):
            raise _wrong(
                number,
                "The weights never moved: after loss.backward(), set each p.data to "
                "p.data − lr·p.grad.",
            )
        for kind, message in [
            (
                "no zero_grad",
                "Forgotten zero_grad: grads accumulate across backward() calls, so each step "
                "used the sum of every gradient so far; set every p.grad to 0 first.",
            ),
            ("uphill", "Wrong sign: w − η·∂MSE/∂w goes downhill, w + η·∂MSE/∂w climbs."),
            ("no lr", "Missing the factor lr: the step is η·∂MSE/∂w, not ∂MSE/∂w."),
        ]:
            if _close(mine, _train(_slip(kind))[0], rtol=1e-12, atol=0.0):
                raise _wrong(number, message)
        raise _wrong(
            number,
            "After four steps the weights differ from those nn.SGD gives: zero the grads, "
            "forward, MSE, backward, then w ← w − lr·∂MSE/∂w.",
        )
    first = returned[0]
    loss0 = nn.mse(blog_network()(SAMPLES[0][0]), SAMPLES[0][1]).data
    value = first.data if isinstance(first, Value) else first
    if not _number_close(value, loss0):
        raise _wrong(
            number,
            f"The weights are right, but return the loss (it is {loss0:.6f} at the first step), "
            f"not {first!r}.",
        )
    _right(
        number,
        "after four steps on two examples the ten weights equal, to the last bit, those "
        "nn.SGD gives.",
    )
