"""Value: construction, operators, local derivatives, and every bad input."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from autograd import Value, numerical_grad, ops, primitive
from autograd.value import _binary, _unary

# (name, f, points): every primitive, reached through the public API, with points in its domain.
OPS = [
    ("add", lambda a, b: a + b, [(1.5, -2.0)]),
    ("radd", lambda a, b: 3 + a, [(1.5, 0.0)]),
    ("sub", lambda a, b: a - b, [(1.5, -2.0)]),
    ("rsub", lambda a, b: 3 - a, [(1.5, 0.0)]),
    ("mul", lambda a, b: a * b, [(1.5, -2.0)]),
    ("rmul", lambda a, b: 3 * a, [(1.5, 0.0)]),
    ("div", lambda a, b: a / b, [(1.5, -2.0), (-0.3, 0.7)]),
    ("rdiv", lambda a, b: 3 / a, [(1.5, 0.0)]),
    ("neg", lambda a, b: -a, [(1.5, 0.0)]),
    ("pow const", lambda a, b: a**3, [(1.5, 0.0), (-1.2, 0.0)]),
    ("pow frac", lambda a, b: a**0.5, [(1.5, 0.0)]),
    ("pow negative", lambda a, b: a**-2, [(-1.5, 0.0)]),
    ("pow zero", lambda a, b: a**0, [(-1.5, 0.0)]),
    ("pow value", lambda a, b: a**b, [(1.5, -2.0), (0.3, 2.5)]),
    ("rpow", lambda a, b: 2.0**a, [(1.5, 0.0), (-3.0, 0.0)]),
    ("exp", lambda a, b: a.exp(), [(1.5, 0.0), (-4.0, 0.0)]),
    ("log", lambda a, b: a.log(), [(1.5, 0.0), (0.01, 0.0)]),
    ("sqrt", lambda a, b: a.sqrt(), [(1.5, 0.0)]),
    ("tanh", lambda a, b: a.tanh(), [(0.5, 0.0), (-2.0, 0.0)]),
    ("sigmoid", lambda a, b: a.sigmoid(), [(0.5, 0.0), (-2.0, 0.0)]),
    ("relu", lambda a, b: a.relu(), [(0.5, 0.0), (-2.0, 0.0)]),
    ("abs", lambda a, b: abs(a), [(0.5, 0.0), (-2.0, 0.0)]),
    ("abs method", lambda a, b: a.abs(), [(-0.5, 0.0)]),
]


@pytest.mark.parametrize(("name", "f", "points"), OPS, ids=[o[0] for o in OPS])
def test_every_op_against_finite_differences(name, f, points):
    for x, y in points:
        a, b = Value(x), Value(y)
        out = f(a, b)
        out.backward()
        numeric = numerical_grad(lambda v: f(v[0], v[1]) + 0 * v[1], [x, y])
        assert a.grad == pytest.approx(numeric[0], rel=1e-6, abs=1e-7), name
        assert b.grad == pytest.approx(numeric[1], rel=1e-6, abs=1e-7), name


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (lambda a: a + 2, 3.5),
        (lambda a: a * 2, 3.0),
        (lambda a: a / 2, 0.75),
        (lambda a: 2 / a, 2 / 1.5),
        (lambda a: a**2, 2.25),
        (lambda a: 2**a, 2**1.5),
        (lambda a: a.exp(), math.exp(1.5)),
        (lambda a: a.log(), math.log(1.5)),
        (lambda a: a.tanh(), math.tanh(1.5)),
        (lambda a: a.sigmoid(), 1 / (1 + math.exp(-1.5))),
        (lambda a: (-a).relu(), 0.0),
        (lambda a: a.sqrt(), math.sqrt(1.5)),
    ],
)
def test_forward_values(f, expected):
    assert f(Value(1.5)).data == pytest.approx(expected, rel=1e-15)


def test_node_attributes():
    a = Value(2.0, label="a")
    b = Value(-3)
    c = a * b
    assert (a.data, a.grad, a.label, a.op, a.inputs, a.local_grads) == (2.0, 0.0, "a", "", (), ())
    assert isinstance(b.data, float)
    assert c.op == "*" and c.inputs == (a, b) and c.inputs[0] is a
    assert c.local_grads == (-3.0, 2.0)  # ∂(ab)/∂a = b, ∂(ab)/∂b = a
    c.label = "c"
    assert "label='c'" in repr(c) and "data=-6.0" in repr(c)
    d = a + 1
    assert d.inputs[1].op == "" and d.inputs[1].data == 1.0  # a plain number becomes a leaf
    assert (a**2).op == "**2" and (a**b).op == "**" and (-a).op == "neg"
    assert Value(3.0).sigmoid().local_grads == pytest.approx((0.045176659730912,))


def test_numpy_scalars_are_numbers():
    assert Value(np.float32(1.5)).data == 1.5
    assert Value(np.int64(3)).data == 3.0
    assert (Value(1.0) * np.float64(2.0)).data == 2.0
    assert (Value(1.0) + np.int32(2)).data == 3.0


@pytest.mark.parametrize("bad", ["a", None, [1], 1 + 2j, True, {}])
def test_non_numbers_are_type_errors(bad):
    with pytest.raises(TypeError, match="Value must be a real number"):
        Value(bad)


def test_label_must_be_text():
    with pytest.raises(TypeError, match="Value label must be a str, got int 3"):
        Value(1.0, label=3)  # type: ignore[arg-type]


def test_ints_too_large_for_a_float_are_value_errors():
    with pytest.raises(ValueError, match="Value is too large for a float"):
        Value(10**400)
    with pytest.raises(ValueError, match=r"number in \+ is too large for a float"):
        Value(1.0) + 10**400
    with pytest.raises(ValueError, match=r"exponent in \*\* is too large for a float"):
        Value(1.0) ** 10**400


def test_data_written_by_hand_is_checked_and_stored_as_a_float():
    a = Value(1.0)
    for bad in (math.nan, math.inf):
        with pytest.raises(ValueError, match=r"Value\.data must be a finite number, got (nan|inf)"):
            a.data = bad
    with pytest.raises(TypeError, match=r"Value\.data must be a real number.*str"):
        a.data = "2"  # type: ignore[assignment]
    assert a.data == 1.0  # a refused value changes nothing
    a.data = np.float32(0.5)  # type: ignore[assignment]
    assert type(a.data) is float and type((a * 2).data) is float
    a.data = 2
    assert type(a.data) is float


def test_data_of_a_computed_value_is_read_only():
    a = Value(1.0)
    y = a.exp()
    with pytest.raises(AttributeError, match=r"computed Value is read-only.*exp"):
        y.data = 3.0  # type: ignore[misc]
    assert y.data == math.e


def test_power_op_names_keep_the_exponent_exactly():
    x = Value(2.0)
    assert (x ** (1 / 3)).op == "**0.3333333333333333"
    assert (x**-0.0).op == "**0" and (x**0.0).op == "**0"
    assert (x**2).op == "**2" and (x**-1.5).op == "**-1.5"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_value_errors(bad):
    with pytest.raises(ValueError, match="finite"):
        Value(bad)


@pytest.mark.parametrize("bad", ["a", None, [1], 1 + 2j, True])
def test_operators_with_non_numbers_raise_type_error(bad):
    named = f"'Value' and '{type(bad).__name__}'"  # Python's own words: Value declined
    with pytest.raises(TypeError, match=named):
        Value(1.0) + bad
    with pytest.raises(TypeError):
        bad * Value(1.0)
    assert (Value(1.0) ** 1).op == "**1"  # now cached: True (== 1) must not find it
    with pytest.raises(TypeError, match=named):
        Value(1.0) ** bad


def test_operators_with_nan_are_value_errors():
    with pytest.raises(ValueError, match="nan"):
        Value(1.0) * math.nan
    with pytest.raises(ValueError, match="inf"):
        Value(1.0) ** math.inf


@pytest.mark.parametrize(
    ("f", "error", "message"),
    [
        (lambda: Value(0.0).log(), ValueError, r"log\(0\.0\): defined only for x > 0"),
        (lambda: Value(-2.0).log(), ValueError, r"log\(-2\.0\): defined only for x > 0"),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, r"\(-8\.0\) \*\* 0\.33+: .*fractional"),
        (lambda: Value(-2.0) ** 0.5, ValueError, r"\(-2\.0\) \*\* 0\.5: a fractional power"),
        (lambda: Value(-1.0) ** Value(2.0), ValueError, r"\(-1\.0\) \*\* 2\.0: .*positive base"),
        (lambda: Value(0.0) ** Value(2.0), ValueError, r"0\.0 \*\* 2\.0: .*positive base"),
        (lambda: (-2) ** Value(0.5), ValueError, r"\(-2\.0\) \*\* 0\.5: .*positive base"),
        (lambda: Value(-1.0).sqrt(), ValueError, r"sqrt\(-1\.0\): defined only for x ≥ 0"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, r"1\.0 / 0\.0: division by zero"),
        (lambda: Value(1.0) / Value(0.0), ZeroDivisionError, r"1\.0 / 0\.0: division by zero"),
        (lambda: 3 / Value(0.0), ZeroDivisionError, r"3\.0 / 0\.0: division by zero"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, r"0\.0 \*\* -1\.0: zero to a negative"),
        (lambda: Value(710.0).exp(), OverflowError, r"exp\(710\.0\): overflows"),
        (lambda: Value(1e200) * Value(1e200), OverflowError, r"1e\+200 \* 1e\+200 overflows"),
        (lambda: Value(1e308) - Value(-1e308), OverflowError, r"1e\+308 - \(-1e\+308\) overflows"),
        (lambda: Value(10.0) ** 400, OverflowError, r"10\.0 \*\* 400\.0: overflows"),
        (lambda: Value(10.0) ** Value(400.0), OverflowError, r"10\.0 \*\* 400\.0: overflows"),
    ],
)
def test_domain_errors_name_the_operation_and_value(f, error, message):
    with pytest.raises(error, match=message):
        f()


def test_infinite_local_derivative_is_a_clear_error():
    y = Value(0.0) ** 0.5  # √x at 0: the value is fine, its slope is not
    with pytest.raises(ZeroDivisionError, match=r"derivative of 0\.0 \*\* 0\.5 is not finite"):
        y.backward()
    with pytest.raises(ZeroDivisionError, match=r"derivative of 0\.0 \*\* 0\.5 is not finite"):
        _ = y.local_grads


@pytest.mark.parametrize("x", [1000.0, -1000.0, 745.0, -745.0])
def test_sigmoid_and_tanh_are_stable_at_large_inputs(x):
    for f, limit in [(Value.sigmoid, 1.0 if x > 0 else 0.0), (Value.tanh, math.copysign(1, x))]:
        a = Value(x)
        y = f(a)
        y.backward()
        assert y.data == pytest.approx(limit, abs=1e-300)
        assert math.isfinite(a.grad) and abs(a.grad) < 1e-300


def test_relu_and_abs_derivatives_at_zero_follow_the_documented_convention():
    a = Value(0.0)
    a.relu().backward()
    assert a.grad == 0.0
    b = Value(0.0)
    b.abs().backward()
    assert b.grad == 0.0  # as in PyTorch, and the central difference (|h| − |−h|)/2h there
    assert numerical_grad(lambda v: abs(v[0]), [0.0]) == [0.0]


# -- a Value as a plain number for Python (issue 12): reads .data, no gradient flows -----------


def test_float_format_and_bool_read_the_data():
    v = Value(2.5) * 1.0
    assert float(v) == 2.5 and type(float(v)) is float
    assert f"{v:.3f}" == "2.500" and f"{v:+.1e}" == "+2.5e+00"
    assert f"{v}" == str(v) == repr(v)  # no spec: the Value itself, as Python's default
    assert math.exp(Value(1.0)) == math.e  # math functions take it through float()
    assert bool(Value(0.5)) is True and bool(Value(0.0)) is False and not Value(-0.0)


def test_comparisons_give_plain_bools_from_the_data():
    a, b = Value(1.0), Value(2.0)
    assert (a < b, a <= b, a > b, a >= b) == (True, True, False, False)
    assert (a > 0.5, 0.5 < a, a >= 1, 2 <= a) == (True, True, True, False)
    assert (a < 2, a <= 1.0, a < 1, a <= 0.5) == (True, True, False, False)
    assert (a > 1.0, a >= 1.5, a > 0, a >= 1) == (False, False, True, True)
    assert type(a < b) is bool
    assert a <= Value(1.0) and a >= Value(1.0)
    assert np.float64(0.5) < a


def test_max_min_sorted_pick_values_by_data_and_gradient_reaches_only_the_winner():
    xs = [Value(x) for x in (0.3, -1.0, 2.0, 0.7)]
    assert max(xs) is xs[2] and min(xs) is xs[1]
    assert [v.data for v in sorted(xs)] == [-1.0, 0.3, 0.7, 2.0]
    (max(xs) * 3.0).backward()
    assert [v.grad for v in xs] == [0.0, 0.0, 3.0, 0.0]


def test_equality_and_hash_stay_identity():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a and a != 1.0
    assert len({a: 1, b: 2}) == 2 and hash(a) != hash(b)


@pytest.mark.parametrize("bad", ["1", None, [1.0], 1j])
def test_comparing_with_a_non_number_is_a_type_error(bad):
    with pytest.raises(TypeError, match="not supported"):
        _ = Value(1.0) < bad


def test_comparisons_are_not_part_of_the_graph():
    x = Value(0.5)
    y = x * 2.0
    assert isinstance(y > 0.5, bool)
    y.backward()
    assert x.grad == 2.0 and y.inputs[0] is x


def test_the_name_of_x_to_minus_zero_does_not_depend_on_what_was_cached(monkeypatch):
    # power(c) caches one primitive per exponent: -0.0 and 0.0 must give the name "**0" and
    # the symbol x⁰ whichever of them reaches an empty cache first
    for first, second in ((-0.0, 0.0), (0.0, -0.0)):
        monkeypatch.setattr(ops, "POWERS", {})
        for c in (first, second):
            assert (ops.power(c).name, ops.power(c).symbol) == ("**0", "x⁰")
    monkeypatch.setattr(ops, "POWERS", {})
    assert (ops.power(2).symbol, ops.power(-3).symbol, ops.power(-1.5).symbol) == (
        "x²",
        "x⁻³",
        "x^-1.5",
    )


def test_a_computed_value_has_no_label_until_given_one():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    made = [a + b, 1 + a, a - 1, 2 * a, a / b, 2**a, -a, a.exp(), a**2, a**b, ops.tanh(a)]
    for v in made:
        assert v.label == "" and "label" not in repr(v)
        assert all(i.label in ("a", "b", "") for i in v.inputs)
    (one,) = (a * 1.0).inputs[1:]
    assert one.label == ""  # the constant's leaf


def test_reflected_operators_keep_the_number_on_the_left():
    # 3 − a is sub(3, a): the constant is the first input, as written (and as drawn)
    a = Value(2.0, "a")
    for v, value in [(3 + a, 5.0), (3 - a, 1.0), (3 * a, 6.0), (3 / a, 1.5), (3**a, 9.0)]:
        first, second = v.inputs
        assert (first.data, second, v.data) == (3.0, a, value)
    for v, c, value in [
        (a + 3, 3.0, 5.0),
        (a - 3, 3.0, -1.0),
        (a * 3, 3.0, 6.0),
        (a / 4, 4.0, 0.5),
    ]:
        first, second = v.inputs
        assert (first, second.data, v.data) == (a, c, value)


def test_setting_label_and_data_checks_the_new_value():
    v = Value(1.0)
    with pytest.raises(TypeError, match="Value label must be a str, got int 3"):
        v.label = 3  # type: ignore[assignment]
    assert repr(v) == "Value(data=1.0, grad=0.0)"
    v.label = "v"
    assert v.label == "v" and repr(v) == "Value(data=1.0, grad=0.0, label='v')"
    with pytest.raises(TypeError, match=r"^Value\.data must be a real number"):
        v.data = "2"  # type: ignore[assignment]
    v.data = 2
    assert v.data == 2.0 and type(v.data) is float


@pytest.mark.parametrize(
    ("result", "error", "words"),
    [
        (3, None, ""),
        (math.inf, OverflowError, "overflows to inf"),
        (math.nan, ValueError, "is not a number"),
        ("1.0", TypeError, "must return a real number"),
    ],
)
def test_operator_factories_keep_every_result_a_finite_float(result, error, words) -> None:
    """Value's operators are made by two factories. The built-in forwards all return floats and
    raise on overflow; the factories hold a future one to that, as for any primitive: a forward
    that returns another number, ±inf, nan or text is converted or named."""
    unary = _unary(primitive("made_1", lambda a: result, lambda a, out: (0.0,)), "doc")
    binary = _binary(primitive("made_2", lambda a, b: result, lambda a, b, out: (0.0, 0.0)))
    for call, shown in [
        (lambda: unary(Value(1.5)), "made_1(1.5)"),
        (lambda: binary(Value(1.5), 2.0), "made_2(1.5, 2.0)"),
    ]:
        if error is None:
            out = call()
            assert type(out.data) is float and out.data == 3.0
        else:
            with pytest.raises(error, match=re.escape(shown) + r".*" + words):
                call()


def test_every_method_and_property_of_value_has_a_docstring() -> None:
    """help(Value.log) and Jupyter's Value.log? show what each computes."""
    public = ["data", "label", "op", "primitive", "inputs", "local_grads", "backward", "__neg__"]
    public += ["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "sin", "cos"]
    assert [name for name in public if not getattr(Value, name).__doc__] == []
    assert _unary(ops.exp, "the doc").__doc__ == "the doc"
