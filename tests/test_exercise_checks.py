"""The checkers of notebook 04 (notebooks/exercise_checks.py): each rejects the usual wrong
answers with its one sentence, reports a placeholder as not done yet, and accepts the right
answer; and the notebook is laid out as a student needs it."""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Value, reverse_topological, sigmoid, tanh

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "exercise_checks", NOTEBOOKS / "exercise_checks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ec = _load()


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    ec.reset()
    yield
    ec.reset()


def rejects(check: Callable[..., None], *answer: Any, says: str) -> None:
    with pytest.raises(AssertionError) as info:
        check(*answer)
    message = str(info.value)
    assert says in message, message
    assert message.endswith("."), message  # one sentence


def accepts(check: Callable[..., None], *answer: Any, capsys: pytest.CaptureFixture[str]) -> None:
    check(*answer)
    assert capsys.readouterr().out.startswith("Right: ")


def not_done(check: Callable[..., None], *answer: Any, capsys: pytest.CaptureFixture[str]) -> None:
    check(*answer)  # must not raise: the notebook runs on past a placeholder
    assert capsys.readouterr().out.startswith("Not done yet: ")


# -- 1. the local derivatives of tanh and σ ------------------------------------------------------


def tanh_rule(x: Any, out: Any) -> tuple[Any]:
    return (1 - out * out,)


def sigmoid_rule(x: Any, out: Any) -> tuple[Any]:
    return (out * (1 - out),)


def test_activation_rules(capsys: pytest.CaptureFixture[str]) -> None:
    accepts(ec.check_activation_rules, tanh_rule, sigmoid_rule, capsys=capsys)
    # written from x with autograd's primitives: also right, on floats and on Values
    accepts(
        ec.check_activation_rules,
        lambda x, out: (1 - tanh(x) ** 2,),
        lambda x, out: (sigmoid(x) * (1 - sigmoid(x)),),
        capsys=capsys,
    )


def test_activation_rules_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    not_done(ec.check_activation_rules, ..., ..., capsys=capsys)
    not_done(ec.check_activation_rules, lambda x, out: (...,), lambda x, out: (...,), capsys=capsys)
    not_done(ec.check_activation_rules, tanh_rule, lambda x, out: (...,), capsys=capsys)


@pytest.mark.parametrize(
    ("tanh_", "sigmoid_", "says"),
    [
        (lambda x, out: (out * out - 1,), sigmoid_rule, "Wrong sign"),
        (lambda x, out: (1 - x * x,), sigmoid_rule, "with the input x"),
        (lambda x, out: (1 - out,), sigmoid_rule, "Square the output"),
        (lambda x, out: (1 + out * out,), sigmoid_rule, "not 1 + tanh²(x)"),
        (lambda x, out: (1 / math.cosh(x),), sigmoid_rule, "the cosh is squared"),
        (sigmoid_rule, sigmoid_rule, "the sigmoid's slope"),
        (lambda x, out: 1 - out * out, sigmoid_rule, "return a tuple"),
        (tanh_rule, lambda x, out: (x * (1 - x),), "with the input x"),
        (tanh_rule, lambda x, out: (out,), "multiply out by (1 − out)"),  # a missing factor
        (tanh_rule, lambda x, out: (1 - out,), "multiply (1 − out) by out"),
        (tanh_rule, lambda x, out: (out * (1 + out),), "not out·(1 + out)"),
        (tanh_rule, lambda x, out: (-out * (1 - out),), "Wrong sign"),
        (tanh_rule, tanh_rule, "tanh's slope"),
        (tanh_rule, lambda x, out: (0.25,), "finite differences give"),
        (tanh_rule, lambda x, out: (math.log(x),), "raised ValueError"),
        (lambda x, out: (1 - math.tanh(x) ** 2,), sigmoid_rule, "not on Values"),
    ],
)
def test_activation_rules_wrong(tanh_: Any, sigmoid_: Any, says: str) -> None:
    rejects(ec.check_activation_rules, tanh_, sigmoid_, says=says)


# -- 2. a primitive's local derivative ---------------------------------------------------------


def swish_rule(x: Any, out: Any) -> tuple[Any]:
    s = sigmoid(x)
    return (s + x * s * (1 - s),)


def test_swish_rule(capsys: pytest.CaptureFixture[str]) -> None:
    accepts(ec.check_swish_rule, swish_rule, capsys=capsys)
    # written with out = x·σ(x) instead: also right, on floats and on Values
    accepts(
        ec.check_swish_rule, lambda x, out: (sigmoid(x) + out * (1 - sigmoid(x)),), capsys=capsys
    )


def test_swish_rule_placeholder(capsys: pytest.CaptureFixture[str]) -> None:
    not_done(ec.check_swish_rule, ..., capsys=capsys)
    not_done(ec.check_swish_rule, lambda x, out: (...,), capsys=capsys)


def math_rule(x: float, out: float) -> tuple[float]:
    s = 1 / (1 + math.exp(-x))
    return (s + x * s * (1 - s),)


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (lambda x, out: (-swish_rule(x, out)[0],), "Wrong sign"),
        (lambda x, out: (sigmoid(x),), "That is σ(x) alone"),  # a missing term
        (lambda x, out: (x * sigmoid(x) * (1 - sigmoid(x)),), "That is x·σ′(x) alone"),
        (lambda x, out: (sigmoid(x) * (1 - sigmoid(x)),), "That is σ′(x)"),
        (lambda x, out: (out * (1 - out),), "out·(1 − out)"),
        (lambda x, out: (sigmoid(x) - x * sigmoid(x) * (1 - sigmoid(x)),), "second term"),
        (lambda x, out: swish_rule(x, out)[0], "return a tuple"),
        (math_rule, "not on Values"),
        (lambda x, out: (math.log(x),), "raised ValueError"),
        (lambda x, out: (1.0,), "finite differences give"),
        (lambda x, out: (1 / x,), "finite differences give"),
    ],
)
def test_swish_rule_wrong(answer: Any, says: str) -> None:
    rejects(ec.check_swish_rule, answer, says=says)


# -- 3. the δ formulas ---------------------------------------------------------------------------


@pytest.fixture
def blog() -> dict[str, Any]:
    net = ec.blog_network()
    bp = nn.backprop(net, ec.X, ec.Y)
    x1, x2, x3 = (np.array(a) for a in bp.activations)
    w2, y = np.array(ec.W2), np.array(ec.Y)
    d3 = 2 * (x3 - y) * x3 * (1 - x3)
    d2 = (w2.T @ d3) * x2 * (1 - x2)
    return dict(net=net, x1=x1, x2=x2, x3=x3, w2=w2, y=y, d3=d3, d2=d2)


def answer(b: dict[str, Any], **changes: Any) -> tuple[Any, ...]:
    given = dict(
        delta3=b["d3"],
        delta2=b["d2"],
        grad_W2=np.outer(b["d3"], b["x2"]),
        grad_W1=np.outer(b["d2"], b["x1"]),
    )
    given.update(changes)
    return (b["net"], ec.X, ec.Y, *given.values())


def test_backprop(blog: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    accepts(ec.check_backprop, *answer(blog), capsys=capsys)
    accepts(
        ec.check_backprop,
        *answer(blog, grad_W1=[list(r) for r in np.outer(blog["d2"], blog["x1"])]),
        capsys=capsys,
    )


def test_backprop_placeholders(blog: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    not_done(
        ec.check_backprop,
        *answer(blog, delta3=..., delta2=..., grad_W2=..., grad_W1=...),
        capsys=capsys,
    )
    not_done(ec.check_backprop, *answer(blog, delta2=..., grad_W2=..., grad_W1=...), capsys=capsys)
    not_done(ec.check_backprop, *answer(blog, grad_W1=...), capsys=capsys)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            lambda b: {"delta3": (b["x3"] - b["y"]) * b["x3"] * (1 - b["x3"])},
            "missing the factor 2",
        ),
        (lambda b: {"delta3": 2 * (b["y"] - b["x3"]) * b["x3"] * (1 - b["x3"])}, "wrong sign"),
        (lambda b: {"delta3": 2 * (b["x3"] - b["y"])}, "missing σ′(z⁽³⁾)"),
        (lambda b: {"delta3": [0.1, 0.2]}, "δ⁽³⁾ should be"),
        (lambda b: {"delta2": (b["w2"] @ b["d3"]) * b["x2"] * (1 - b["x2"])}, "transpose"),
        (lambda b: {"delta2": b["w2"].T @ b["d3"]}, "missing σ′(z⁽²⁾)"),
        (
            lambda b: {"delta2": (b["w2"].T @ b["d3"]) * b["x3"] * (1 - b["x3"])},
            "hidden layer's slope",
        ),
        (lambda b: {"delta2": [1.0, 2.0, 3.0]}, "vector of 2 numbers"),
        (lambda b: {"grad_W2": np.outer(b["x2"], b["d3"])}, "∇W⁽²⁾ is transposed"),
        (lambda b: {"grad_W2": np.outer(b["d3"], b["x3"])}, "∇W⁽²⁾ uses x⁽³⁾"),
        (lambda b: {"grad_W1": np.outer(b["x1"], b["d2"])}, "∇W⁽¹⁾ is transposed"),
        (lambda b: {"grad_W1": np.outer(b["d3"], b["x1"])}, "∇W⁽¹⁾ uses δ⁽³⁾"),
        (lambda b: {"grad_W1": np.outer(b["d2"], b["x2"])}, "∇W⁽¹⁾ uses x⁽²⁾"),
        (lambda b: {"grad_W1": [[1.0, 2.0], [3.0, 4.0]]}, "2×3 matrix"),
        (lambda b: {"grad_W1": 2 * np.outer(b["d2"], b["x1"])}, "disagrees with autograd"),
    ],
)
def test_backprop_wrong(blog: dict[str, Any], change: Any, says: str) -> None:
    rejects(ec.check_backprop, *answer(blog, **change(blog)), says=says)


# -- 4. reverse mode by hand ---------------------------------------------------------------------


def sweep(
    zero: bool = True, seed: float | None = 1.0, kind: str = "right"
) -> Callable[[Value], None]:
    def backward_by_hand(root: Value) -> None:
        order = reverse_topological(root)
        if zero:
            for v in order:
                v.grad = 0.0
        if seed is not None:
            root.grad = seed
        for v in reversed(order) if kind == "forward order" else order:
            for inp, local in zip(v.inputs, v.local_grads):
                if kind == "overwrite":
                    inp.grad = v.grad * local
                elif kind == "no upstream":
                    inp.grad += local
                else:
                    inp.grad += v.grad * local

    return backward_by_hand


def test_backward_by_hand(capsys: pytest.CaptureFixture[str]) -> None:
    accepts(ec.check_backward_by_hand, sweep(), capsys=capsys)


def test_backward_by_hand_placeholder(capsys: pytest.CaptureFixture[str]) -> None:
    not_done(ec.check_backward_by_hand, ..., capsys=capsys)
    not_done(ec.check_backward_by_hand, lambda root: None, capsys=capsys)


def skews_one(root: Value) -> None:
    sweep()(root)
    root.inputs[0].inputs[0].grad *= 1.5


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (sweep(zero=False), "set every grad in the graph to 0"),  # forgotten zeroing
        (sweep(kind="overwrite"), "add them up"),
        (sweep(kind="no upstream"), "v.grad * local"),  # a missing factor
        (sweep(kind="forward order"), "from the output back"),
        (sweep(seed=-1.0), "seed the sweep with root.grad = 1.0"),  # a wrong sign
        (skews_one, "The first wrong grad in backward's order is that of the − node"),
        (lambda root: root.no_such_thing, "raised AttributeError"),
    ],
)
def test_backward_by_hand_wrong(answer: Any, says: str) -> None:
    rejects(ec.check_backward_by_hand, answer, says=says)


# -- 5. forward mode --------------------------------------------------------------------------


def mul_tangent(a: float, a_dot: float, b: float, b_dot: float) -> float:
    return a_dot * b + a * b_dot


def sigmoid_tangent(a: float, a_dot: float) -> float:
    s = 1 / (1 + math.exp(-a))
    return s * (1 - s) * a_dot


def test_tangent_rules(capsys: pytest.CaptureFixture[str]) -> None:
    accepts(ec.check_tangent_rules, mul_tangent, sigmoid_tangent, capsys=capsys)
    # the library's sigmoid on floats is a float: also right
    accepts(
        ec.check_tangent_rules,
        mul_tangent,
        lambda a, t: sigmoid(a) * (1 - sigmoid(a)) * t,
        capsys=capsys,
    )


def test_tangent_rules_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    not_done(ec.check_tangent_rules, ..., ..., capsys=capsys)
    not_done(ec.check_tangent_rules, lambda a, ad, b, bd: ..., lambda a, ad: ..., capsys=capsys)
    not_done(ec.check_tangent_rules, mul_tangent, lambda a, ad: ..., capsys=capsys)


@pytest.mark.parametrize(
    ("mul", "sig", "says"),
    [
        (lambda a, ad, b, bd: ad * bd, sigmoid_tangent, "ε² = 0"),
        (lambda a, ad, b, bd: ad * b, sigmoid_tangent, "Missing a·ḃ"),  # a missing term
        (lambda a, ad, b, bd: a * bd, sigmoid_tangent, "Missing ȧ·b"),
        (lambda a, ad, b, bd: ad + bd, sigmoid_tangent, "tangent of a + b"),
        (lambda a, ad, b, bd: a * b, sigmoid_tangent, "a·b is the value"),
        (lambda a, ad, b, bd: ad * b - a * bd, sigmoid_tangent, "Sign"),
        (lambda a, ad, b, bd: 7.0, sigmoid_tangent, "jvp says 0.88"),
        (mul_tangent, lambda a, ad: sigmoid_tangent(a, 1.0), "Multiply by ȧ"),  # missing factor
        (mul_tangent, lambda a, ad: a * (1 - a) * ad, "not a(1 − a)"),
        (mul_tangent, lambda a, ad: ad / (1 + math.exp(-a)), "not σ(a)"),
        (mul_tangent, lambda a, ad: -sigmoid_tangent(a, ad), "Wrong sign"),
        (mul_tangent, lambda a, ad: "0.1", "jvp says"),
        (mul_tangent, lambda a: 0.0, "raised TypeError"),
    ],
)
def test_tangent_rules_wrong(mul: Any, sig: Any, says: str) -> None:
    rejects(ec.check_tangent_rules, mul, sig, says=says)


# -- 6. one SGD step by hand ---------------------------------------------------------------------


def sgd(slip: str = "", returns: str = "loss") -> Callable[..., Any]:
    """An sgd_step, right or with one usual slip."""

    def sgd_step(net: nn.Network, x: list[float], y: list[float], lr: float) -> Any:
        if slip != "no zero_grad":
            for p in net.parameters():
                p.grad = 0.0
        loss = nn.mse(net(x), y)
        if slip == "update first":
            for p in net.parameters():
                p.data -= lr * p.grad
        if slip != "no backward":
            loss.backward()
        if slip != "update first":
            step = {"uphill": lr, "no lr": 1.0}.get(slip, lr)
            sign = 1.0 if slip == "uphill" else -1.0
            for p in net.parameters():
                p.data += sign * step * p.grad
        return {"loss": loss, "data": loss.data, "none": None}[returns]

    return sgd_step


def test_sgd_step(capsys: pytest.CaptureFixture[str]) -> None:
    accepts(ec.check_sgd_step, sgd(), capsys=capsys)
    accepts(ec.check_sgd_step, sgd(returns="data"), capsys=capsys)


def test_sgd_step_placeholder(capsys: pytest.CaptureFixture[str]) -> None:
    not_done(ec.check_sgd_step, ..., capsys=capsys)
    not_done(ec.check_sgd_step, lambda net, x, y, lr: ..., capsys=capsys)


def with_optimizer_made_once() -> Callable[..., Any]:
    """An nn.SGD kept across calls: the same steps as one per call (plain SGD has no state)."""
    made: dict[int, nn.SGD] = {}

    def sgd_step(net: nn.Network, x: list[float], y: list[float], lr: float) -> Value:
        opt = made.setdefault(id(net), nn.SGD(net.parameters(), lr=lr))
        opt.zero_grad()
        loss = nn.mse(net(x), y)
        loss.backward()
        opt.step()
        return loss

    return sgd_step


def test_sgd_step_with_nn_sgd(capsys: pytest.CaptureFixture[str]) -> None:
    accepts(ec.check_sgd_step, with_optimizer_made_once(), capsys=capsys)


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (sgd("no zero_grad"), "Forgotten zero_grad"),
        (sgd("uphill"), "Wrong sign"),
        (sgd("no lr"), "Missing the factor lr"),
        (sgd("no backward"), "The weights never moved"),
        (sgd("update first"), "call backward() first"),
        (sgd(returns="none"), "return the loss"),
        (lambda net, x, y, lr: nn.train(net, [x], [y], epochs=2, lr=lr, progress=False), "differ"),
        (lambda net, x, y, lr: net.no_such_method(), "raised AttributeError"),
    ],
)
def test_sgd_step_wrong(answer: Any, says: str) -> None:
    rejects(ec.check_sgd_step, answer, says=says)


# -- the report, and the notebook's layout -------------------------------------------------------


def test_report_fails_until_every_exercise_is_right(
    blog: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(AssertionError, match="exercises 1, 2, 3, 4, 5, 6 are not right yet"):
        ec.report()
    ec.check_activation_rules(tanh_rule, sigmoid_rule)
    ec.check_swish_rule(swish_rule)
    ec.check_backprop(*answer(blog))
    ec.check_backward_by_hand(sweep())
    ec.check_tangent_rules(mul_tangent, sigmoid_tangent)
    with pytest.raises(AssertionError, match="exercise 6 is not right yet"):
        ec.report()
    ec.check_sgd_step(...)  # a placeholder is not right
    with pytest.raises(AssertionError, match="exercise 6 is not right yet"):
        ec.report()
    ec.check_sgd_step(sgd())
    ec.report()
    assert "All six exercises are right." in capsys.readouterr().out
    with pytest.raises(AssertionError):  # the last answer counts
        ec.check_activation_rules(tanh_rule, tanh_rule)
    with pytest.raises(AssertionError, match="exercise 1 is not right yet"):
        ec.report()


def test_notebook_layout() -> None:
    """Each exercise: a fill-in cell with ..., its check, a "Solution" heading, the solution in
    a collapsed cell, the check again; the last cell is report(), so a wrong or missing
    solution fails the notebook's run in the test suite."""
    cells = json.loads((NOTEBOOKS / "04_exercises.ipynb").read_text())["cells"]
    source = ["".join(c["source"]) for c in cells]
    hidden = [
        k for k, c in enumerate(cells) if c["metadata"].get("jupyter", {}).get("source_hidden")
    ]
    assert len(hidden) == len(ec.EXERCISES)
    for k in hidden:
        check = source[k + 1]
        assert cells[k]["cell_type"] == "code" and cells[k + 1]["cell_type"] == "code"
        assert cells[k - 1]["cell_type"] == "markdown" and "Solution" in source[k - 1]
        assert check.startswith("check_"), check
        fill_in = next(j for j in range(k - 2, 0, -1) if source[j] == check) - 1
        assert "..." in source[fill_in], source[fill_in]
    assert source[-1].strip() == "report()"
