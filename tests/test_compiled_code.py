"""compile: the code it writes from rules and forwards, and how that code is laid out."""

from __future__ import annotations

import ast
import math
import operator

import pytest

from autograd import NonFiniteGradError, TraceError, Value, compile, primitive
from autograd.compiled import _expression


def eager_step(f, params: list[Value], *args) -> tuple[float, list[float]]:
    """The loss and the grads of ``f`` at ``args`` by the eager engine, from zero grads."""
    for p in params:
        p.grad = 0.0
    out = f(*[[Value(x) for x in a] if isinstance(a, list) else Value(a) for a in args])
    out.backward()
    result = out.data, [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    return result


def compiled_step(f, params: list[Value], *args) -> tuple[float, list[float], str]:
    """The same by ``compile``, from zero grads, with the code it wrote."""
    for p in params:
        p.grad = 0.0
    fast = compile(f, params)
    loss = fast(*args)
    result = loss, [p.grad for p in params], fast.source
    for p in params:
        p.grad = 0.0
    return result


# -- rules run on code -----------------------------------------------------------------------

_inner = primitive("code_inner", lambda a, b: a * b, lambda a, b, out: (b, a))


@pytest.mark.parametrize(
    "rule, words",
    [
        (lambda a, out: (a * "x",), r"\(TypeError: \* got str"),
        (lambda a, out: (a - None,), r"\(TypeError: - got NoneType"),
        (lambda a, out: (True + a,), r"\(TypeError: \+ got bool"),  # a bool is no number
        (lambda a, out: (_inner(a, "x"),), r"\(TypeError: code_inner got str"),
    ],
    ids=["times a str", "minus None", "a bool plus", "a primitive given a str"],
)
def test_a_rule_that_computes_with_a_non_number_is_refused_naming_the_operation(rule, words):
    op = primitive("code_bad", lambda a: 2.0 * a, rule)  # declared again: replaced
    w = Value(0.5, "w")
    with pytest.raises(TraceError, match=words):
        compile(lambda x: op(w * x), [w])(1.0)


def test_a_rules_infinite_constants_are_written_so_python_reads_them_back():
    # a / inf is 0: the rule is finite, and its code must say float('inf'), not inf
    damp = primitive(
        "code_damp",
        lambda a: 0.5 * a,
        lambda a, out: (0.5 + a / math.inf - a / -math.inf,),
    )
    w = Value(0.5, "w")
    f = lambda x: damp(w * x)  # noqa: E731
    loss, grads, source = compiled_step(f, [w], 2.0)
    assert (loss, grads) == eager_step(f, [w], 2.0) == (0.5, [1.0])
    assert "dv1 = seed * (0.5 + v1 / float('inf') - v1 / float('-inf'))" in source


def test_a_negative_constant_derivative_is_parenthesized_as_in_the_forward_pass():
    scale = primitive("code_scale", lambda a: -2.5 * a, lambda a, out: (-2.5,))
    w = Value(0.5, "w")
    f = lambda x: scale(w * x) * -0.5  # noqa: E731
    loss, grads, source = compiled_step(f, [w], 2.0)
    assert (loss, grads) == eager_step(f, [w], 2.0) == (1.25, [2.5])
    assert "v3 = v2 * (-0.5)" in source  # the forward pass's way
    assert "dv1 = dv2 * (-2.5)" in source  # and the backward pass's


def test_a_forward_without_a_module_name_compiles_as_any_other():
    # a bound method of a float has no __module__: the code calls it, checked as in eager
    twice = primitive("code_twice", (2.0).__mul__, lambda a, out: (2.0,))
    w = Value(1.5, "w")
    f = lambda x: twice(w * x) + w  # noqa: E731
    loss, grads, source = compiled_step(f, [w], 2.0)
    assert (loss, grads) == eager_step(f, [w], 2.0) == (7.5, [5.0])
    assert "code_twice(v1)" in source


def test_a_rule_may_keep_its_inputs_in_a_dict_as_values_allow() -> None:
    """The stand-ins that trace a rule refuse comparisons, but hash by identity as Values do."""
    seen: dict[object, object] = {}

    def rule(a, out):
        seen[a] = out
        return (2.0 * a,)

    square = primitive("code_memo", lambda a: a * a, rule)
    w = Value(0.5, "w")
    fast = compile(lambda x: square(w * x), [w])
    assert fast(3.0) == 2.25 and w.grad == 9.0  # ∂(wx)²/∂w = 2wx·x
    assert seen


def test_a_primitive_of_pythons_operator_module_is_called_as_it_is() -> None:
    plus = primitive("code_pos", operator.pos, lambda a, out: (1.0,))  # not one written inline
    w = Value(2.5, "w")
    fast = compile(lambda x: plus(w * x) * x, [w])
    assert fast(3.0) == 22.5 and w.grad == 9.0  # w·x²; ∂/∂w = x²
    assert "code_pos(" in fast.source


# -- forwards written out in place of a call ---------------------------------------------------

X = None
USE_LAMBDA = True
SCALE = 3.0
PLAIN = lambda a: a * 2.0  # noqa: E731
# the layouts are the point: the lambda's line alone is no statement (ruff would join it)
# fmt: off
IN_A_GENERATOR = next(
    lambda a: a * 3.0 for _ in range(1)
)
AN_ARGUMENT = next(iter((
    lambda a: a * 5.0,
)))
# fmt: on
# its whole line is parsed, up to the last character
PICKED = (lambda a: a * 4.0) if USE_LAMBDA else X
READS_A_GLOBAL = lambda a: a * SCALE  # noqa: E731
HAS_A_LOCAL = lambda a: (b := a * 2.0) + b  # noqa: E731


@pytest.mark.parametrize(
    "forward, body",
    [
        (PLAIN, "a * 2.0"),
        (IN_A_GENERATOR, "a * 3.0"),
        (PICKED, "a * 4.0"),
        (AN_ARGUMENT, "a * 5.0"),
        # not written out: the code has no SCALE, and b could be one of its own names
        (READS_A_GLOBAL, None),
        (HAS_A_LOCAL, None),
    ],
    ids=["plain", "in a generator", "in a choice", "an argument", "reads a global", "has a local"],
)
def test_a_lambda_of_its_inputs_and_numbers_alone_is_read_from_its_source(forward, body):
    op = primitive("code_expr", forward, lambda a, out: (1.0,))
    found = _expression(op)
    if body is None:
        assert found is None
    else:
        assert found is not None
        params, tree = found
        assert (params, ast.unparse(tree)) == (("a",), body)
        assert eval(f"lambda a: {ast.unparse(tree)}")(1.5) == forward(1.5)


# -- the names and the layout of the code ------------------------------------------------------


@pytest.mark.parametrize(
    "name, function",
    [
        ("my loss", "my_loss"),
        ("_private_", "private"),
        ("X_ray", "X_ray"),
        ("<lambda>", "f_lambda"),  # lambda is a keyword
        ("+", "f"),  # nothing of it is a letter
    ],
)
def test_the_code_is_a_function_named_after_the_traced_one(name, function):
    w = Value(0.5, "w")

    def f(x):
        return w * x

    f.__name__ = name
    fast = compile(f, [w])
    assert fast(2.0) == 1.0 and w.grad == 2.0
    assert fast.source.startswith(f"def {function}(samples, P, seed):\n")
    assert f'    """{name}(x) for each sample, compiled' in fast.source


def _for_lines(source: str) -> list[str]:
    lines = source.splitlines()
    first = next(k for k, line in enumerate(lines) if line.startswith("    for "))
    last = next(k for k in range(first, len(lines)) if " in samples:" in lines[k])
    return lines[first : last + 1]


def test_a_statement_of_96_columns_stays_on_one_line():
    w = Value(0.5, "w")
    fast = compile(lambda x, y: w * x[0] + y, [w])
    fast([1.0] * 17, 2.0)
    names = ", ".join([f"x{k}" for k in range(17)] + ["y"])
    line = f"    for {names} in samples:"
    assert len(line) == 96
    assert _for_lines(fast.source) == [line]


def test_a_longer_statement_wraps_in_parentheses_filling_lines_to_96_columns():
    w = Value(0.5, "w")

    def g(xxx):
        return w * xxx[0] + xxx[24]

    fast = compile(g, [w])
    fast([1.0] * 25)
    assert _for_lines(fast.source) == [
        "    for (xxx0, xxx1, xxx2, xxx3, xxx4, xxx5, xxx6, xxx7, xxx8, xxx9, xxx10, xxx11, "
        "xxx12, xxx13,",
        "         xxx14, xxx15, xxx16, xxx17, xxx18, xxx19, xxx20, xxx21, xxx22, xxx23,",
        "         xxx24) in samples:",
    ]
    assert len(_for_lines(fast.source)[0]) == 96
    assert fast([2.0] * 25) == 3.0 and w.grad == 3.0


@pytest.mark.parametrize("k", [0, 47, 48, 49])
def test_an_overflowing_gradient_is_caught_among_more_than_48_parameters(k):
    # the gradients are checked 48 to a statement; any one of them may overflow
    ws = [Value(1e-300, f"w{j}") for j in range(50)]

    def f(x):
        total = ws[k] * x[k]  # ws[k] is used twice: its gradient is 2·x[k]
        for w, xj in zip(ws, x):
            total = total + w * xj
        return total

    fast = compile(f, ws)
    fast([1.0] * 50)
    for w in ws:
        w.grad = 0.0
    x = [1.0] * 50
    x[k] = 1e308
    with pytest.raises(NonFiniteGradError, match="overflows"):
        fast(x)
    assert all(w.grad == 0.0 for w in ws)


def test_map_near_the_float_limit_equals_calling_once_per_sample():
    # ∂/∂w48 sums to 1.2e308, finite: map runs its own code and adds up the samples' grads
    # in their order, as one call per sample does (the eager engine adds them the other way)
    ws = [Value(1e-300 if j == 48 else 1.0, f"w{j}") for j in range(50)]

    def f(x):
        total = ws[0] * x[0]
        for w, xj in zip(ws[1:], x[1:]):
            total = total + w * xj
        return total

    fast = compile(f, ws)
    samples = [[0.1 * k] + [1.0] * 47 + [0.4e308, 1.0] for k in (1, 2, 3)]
    one_by_one = [fast(x) for x in samples]
    expected = [w.grad for w in ws]
    for w in ws:
        w.grad = 0.0
    assert fast.map(samples) == one_by_one
    assert [w.grad for w in ws] == expected
    assert expected[0] == (0.1 + 0.2) + 0.1 * 3 and expected[48] == 1.2e308  # in sample order
