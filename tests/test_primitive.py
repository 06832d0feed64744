"""User-defined primitives, declared through the public API only, as the built-ins are."""

from __future__ import annotations

import math

import pytest
from test_render import svg_of

from autograd import Value, cos, draw_graph, grad, gradcheck, jvp, primitive, sin

cosh = primitive("cosh", forward=math.cosh, local_grads=lambda a, out: (sinh(a),), symbol="cosh")
sinh = primitive("sinh", forward=math.sinh, local_grads=lambda a, out: (cosh(a),), symbol="sinh")
# three inputs: a·b + c
fma = primitive("fma", lambda a, b, c: a * b + c, lambda a, b, c, out: (b, a, 1.0), "a·b+c")


def f(v: list[Value]) -> Value:
    x, w = v
    return sinh(x * w) + cos(x)


def test_called_with_numbers_a_primitive_is_a_function_of_floats() -> None:
    assert sinh(0.5) == math.sinh(0.5) and type(sinh(0.5)) is float
    assert sinh(2) == math.sinh(2.0)  # ints are numbers too
    assert fma(2.0, 3.0, 1.0) == 7.0
    assert sin(0.3) == math.sin(0.3) and cos(0.3) == math.cos(0.3)


def test_backward_matches_the_closed_form() -> None:
    x0, w0 = 0.7, -1.3
    x, w = Value(x0, "x"), Value(w0, "w")
    y = f([x, w])
    assert y.op == "+" and y.inputs[0].op == "sinh"
    y.backward()
    assert x.grad == pytest.approx(math.cosh(x0 * w0) * w0 - math.sin(x0), rel=1e-14)
    assert w.grad == pytest.approx(math.cosh(x0 * w0) * x0, rel=1e-14)


def test_second_derivatives_through_create_graph_match_closed_forms() -> None:
    x0, w0 = 0.7, -1.3
    x, w = Value(x0), Value(w0)
    gx, gw = grad(f([x, w]), [x, w], create_graph=True)  # the rule of sinh calls cosh: a Value
    hxx, hxw = grad(gx, [x, w])
    hwx, hww = grad(gw, [x, w])
    s, c = math.sinh(x0 * w0), math.cosh(x0 * w0)
    assert hxx == pytest.approx(s * w0 * w0 - math.cos(x0), rel=1e-13)
    assert hxw == pytest.approx(s * x0 * w0 + c, rel=1e-13)
    assert hwx == pytest.approx(hxw, rel=1e-13)
    assert hww == pytest.approx(s * x0 * x0, rel=1e-13)
    (third,) = grad(grad(grad(sinh(x), [x], create_graph=True)[0], [x], create_graph=True)[0], [x])
    assert third == pytest.approx(math.cosh(x0), rel=1e-14)  # sinh‴ = cosh


def test_forward_mode_and_gradcheck() -> None:
    point = [0.7, -1.3]
    value, slope = jvp(f, point, [0.25, -2.0])
    xs = [Value(p) for p in point]
    gx, gw = grad(f(xs), xs)
    assert value == f(xs).data
    assert slope == pytest.approx(0.25 * gx - 2.0 * gw, rel=1e-14)
    assert gradcheck(f, point, verbose=False)


def test_three_inputs_everywhere() -> None:
    a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(0.5, "c")
    y = fma(a, b, c) * fma(a, a, b)  # (ab + c)(a² + b)
    assert y.data == (2.0 * -3.0 + 0.5) * (4.0 - 3.0)
    assert y.inputs[0].inputs == (a, b, c) and y.inputs[0].local_grads == (-3.0, 2.0, 1.0)
    y.backward()
    u, v = 2.0 * -3.0 + 0.5, 4.0 - 3.0
    assert (a.grad, b.grad, c.grad) == (-3.0 * v + u * 4.0, 2.0 * v + u, v)
    (ga,) = grad(y, [a], create_graph=True)
    assert grad(ga, [a]) == [pytest.approx(2 * -3.0 * 2.0 * 2 + 2 * u, rel=1e-14)]
    assert jvp(lambda t: fma(t[0], t[1], t[2]), [2.0, -3.0, 0.5], [1.0, 1.0, 1.0]) == (-5.5, 0.0)
    assert gradcheck(lambda t: fma(t[0], t[1], t[2]).tanh(), [0.2, -0.3, 0.1], verbose=False)
    assert fma(a, 1, 2).inputs[1].data == 1.0  # numbers become constant leaves, as for +


def test_the_drawing_shows_the_declared_symbol() -> None:
    x, w = Value(0.7, "x"), Value(-1.3, "w")
    pic = svg_of(draw_graph(f([x, w])))
    assert {"sinh", "cos", "×", "+"} <= set(pic.texts)
    assert "a·b+c" in svg_of(draw_graph(fma(x, w, x))).texts


def test_a_declaration_again_replaces_the_earlier_one() -> None:
    first = primitive("twice", lambda a: 2.0 * a, lambda a, out: (2.0,))
    second = primitive("twice", lambda a: 2.0 * a, lambda a, out: (2.0,), "2x")
    assert second(Value(1.0)).primitive is second and first is not second
    assert second.symbol == "2x" and first.symbol == "twice"


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: sinh(1.0, 2.0), TypeError, r"sinh takes 1 input, got 2"),
        (lambda: fma(1.0), TypeError, r"fma takes 3 inputs, got 1"),
        (lambda: sinh("a"), TypeError, r"sinh needs numbers or Values, got str 'a'"),
        (lambda: sinh(None), TypeError, r"sinh needs numbers or Values, got NoneType"),
        (lambda: sinh(1000.0), OverflowError, r"sinh\(1000\.0\): overflows"),
        (lambda: sinh(Value(1000.0)), OverflowError, r"sinh\(1000\.0\): overflows"),
        (lambda: fma(1e308, 10.0, 0.0), OverflowError, r"fma\(1e\+308, 10\.0, 0\.0\) overflows"),
        (lambda: sinh(math.nan), ValueError, r"sinh must be a finite number, got nan"),
        (lambda: sin(True), TypeError, r"sin needs numbers or Values, got bool"),
    ],
)
def test_bad_calls_name_the_primitive_and_the_value(call, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=words):
        call()


def test_forward_errors_and_bad_results_name_the_primitive() -> None:
    acosh = primitive("acosh", math.acosh, lambda a, out: (1 / (a * a - 1) ** 0.5,))
    with pytest.raises(ValueError, match=r"acosh\(0\.5\): outside its domain"):
        acosh(Value(0.5))
    nan_maker = primitive("nan_maker", lambda a: math.nan, lambda a, out: (0.0,))
    with pytest.raises(ValueError, match=r"nan_maker\(1\.0\) is not a number"):
        nan_maker(1.0)
    inf_maker = primitive("inf_maker", lambda a: math.inf, lambda a, out: (0.0,))
    with pytest.raises(OverflowError, match=r"inf_maker\(1\.0\) overflows to inf"):
        inf_maker(Value(1.0))
    texter = primitive("texter", lambda a: "1.0", lambda a, out: (0.0,))
    with pytest.raises(TypeError, match=r"texter\(1\.0\): forward must return a real number"):
        texter(Value(1.0))
    to_int = primitive("to_int", lambda a: 3, lambda a, out: (0.0,))
    assert type(to_int(Value(1.0)).data) is float  # a number of another type becomes a float


def test_a_rule_that_breaks_is_named_at_backward() -> None:
    wrong_count = primitive("wrong_count", lambda a: a, lambda a, out: (1.0, 2.0))
    x = Value(1.0)
    y = wrong_count(x) * 2.0
    with pytest.raises(
        TypeError, match=r"wrong_count must return 1 derivative.*got tuple \(1\.0, 2"
    ):
        y.backward()
    assert x.grad == 0.0
    with pytest.raises(TypeError, match=r"wrong_count must return 1 derivative"):
        grad(y, [x], create_graph=True)
    inverse = primitive("inverse", lambda a: 1.0 / a if a else 0.0, lambda a, out: (-1.0 / a**2,))
    z = inverse(Value(0.0, "z"))
    with pytest.raises(ZeroDivisionError, match=r"derivative of inverse\(0\.0\) is not finite"):
        z.backward()


@pytest.mark.parametrize(
    ("declare", "error", "words"),
    [
        (lambda: primitive("", math.sin, lambda a, out: (1.0,)), TypeError, "non-empty str"),
        (lambda: primitive(3, math.sin, lambda a, out: (1.0,)), TypeError, "name.*int 3"),
        (lambda: primitive("exp", math.exp, lambda a, out: (out,)), ValueError, "'exp' is"),
        (lambda: primitive("+", math.fsum, lambda a, out: (1,)), ValueError, "built-in"),
        (lambda: primitive("**3", math.exp, lambda a, out: (out,)), ValueError, "built-in"),
        (lambda: primitive("f", 2.0, lambda a, out: (1.0,)), TypeError, "forward of f.*float 2.0"),
        (lambda: primitive("f", lambda *a: 0.0, lambda a, out: (1.0,)), TypeError, "fixed.*a"),
        (lambda: primitive("f", lambda a, *, b: a, lambda a, out: (1.0,)), TypeError, "fixed.*b"),
        (lambda: primitive("f", max, lambda a, out: (1.0,)), TypeError, "cannot tell how many"),
        (lambda: primitive("f", lambda: 0.0, lambda out: (1.0,)), TypeError, "at least one"),
        (lambda: primitive("f", math.sin, "rule"), TypeError, "local_grads of f.*str 'rule'"),
        (lambda: primitive("f", math.sin, lambda a: (1.0,)), TypeError, r"lambda a, out: \(…\)"),
        (
            lambda: primitive("f", lambda a, b: a, lambda a: (1.0,)),
            TypeError,
            r"the 2 input\(s\) and the output, lambda a, b, out: \(…\)",
        ),
        (
            lambda: primitive("f", lambda a, b, c, d, e, f, g, h, i: a, lambda a: (1.0,)),
            TypeError,
            r"lambda …, out: \(…\)",
        ),
        (
            lambda: primitive("f", math.sin, lambda a, out: (1.0,), 5),
            TypeError,
            "symbol of f.*int 5",
        ),
    ],
)
def test_bad_declarations_are_refused(declare, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=words):
        declare()


def test_a_rule_written_with_math_says_why_create_graph_cannot_use_it() -> None:
    mathy = primitive("mathy", math.exp, lambda a, out: (math.exp(a),))
    x = Value(0.5)
    assert grad(mathy(x), [x]) == [pytest.approx(math.exp(0.5))]  # floats: fine
    with pytest.raises(
        TypeError,
        match=r"local_grads of mathy cannot run on Values \(it reads the number of a "
        r"Value, float\(v\), which no gradient flows through\).*primitives",
    ):
        grad(mathy(x), [x], create_graph=True)


def test_built_in_family_names_are_reserved_before_use() -> None:
    with pytest.raises(ValueError, match="built-in"):
        primitive("logsumexp_7", lambda a: a, lambda a, out: (1.0,))  # before logsumexp(7)
    with pytest.raises(ValueError, match="built-in"):
        primitive("**9", lambda a: a, lambda a, out: (1.0,))


def test_forward_may_take_parameters_with_defaults_and_keywords() -> None:
    # only the positional parameters without a default are inputs
    scaled = primitive("scaled", lambda a, k=2.0, *, m=1.0, **extra: k * a, lambda a, out: (2.0,))
    assert scaled.arity == 1 and scaled(3.0) == 6.0


def test_errors_without_words_are_named_by_their_kind() -> None:
    def silent(a: float) -> float:
        raise ValueError  # no message: the error says ValueError

    def silent_rule(a: float, out: float) -> tuple[float]:
        raise ZeroDivisionError

    mute = primitive("mute", silent, lambda a, out: (1.0,))
    with pytest.raises(ValueError, match=r"^mute\(1\.0\): ValueError$"):
        mute(1.0)
    flat = primitive("flat", lambda a: a, silent_rule)
    with pytest.raises(
        ZeroDivisionError,
        match=r"^the derivative of flat\(2\.0\) is not finite "
        r"\(ZeroDivisionError\)$",
    ):
        flat(Value(2.0)).backward()
    texter = primitive("texter2", lambda a: "1.0", lambda a, out: (0.0,))
    with pytest.raises(TypeError, match=r"forward must return a real number, got str '1\.0'"):
        texter(1.0)


def test_a_declared_primitive_is_found_by_name() -> None:
    from autograd.primitive import lookup

    double = primitive("double_it", lambda a: 2.0 * a, lambda a, out: (2.0,))
    assert lookup("double_it") is double
    with pytest.raises(KeyError, match="no primitive named 'never_declared'"):
        lookup("never_declared")
