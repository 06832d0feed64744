"""Graphs and networks pickle and deep-copy: primitives by name, stamps taken afresh."""

from __future__ import annotations

import copy
import math
import pickle

import pytest

import nn
from autograd import StaleGraphError, Value, grad, primitive
from autograd.primitive import lookup

softsign = primitive(
    "softsign", lambda a: a / (1 + abs(a)), lambda a, out: (1 / (1 + abs(a)) ** 2,)
)


def graph() -> tuple[Value, Value, Value]:
    x, w = Value(0.5, "x"), Value(-1.5, "w")
    y = softsign(x * w).exp() + (x**2).sigmoid()
    y.label = "y"
    return x, w, y


@pytest.mark.parametrize("clone", [lambda v: pickle.loads(pickle.dumps(v)), copy.deepcopy])
def test_a_graph_round_trips_with_its_structure_and_gradients(clone) -> None:  # type: ignore[no-untyped-def]
    x, w, y = graph()
    y2 = clone(y)
    assert y2 is not y and (y2.data, y2.label, y2.op) == (y.data, "y", "+")
    leaves = [v for v in _all(y2) if not v.op]
    x2 = next(v for v in leaves if v.label == "x")
    w2 = next(v for v in leaves if v.label == "w")
    assert {v.op for v in _all(y2)} == {v.op for v in _all(y)} >= {"softsign", "exp", "**2"}
    y.backward()
    y2.backward()
    assert (x2.grad, w2.grad) == (x.grad, w.grad)
    y3 = clone(y)  # after backward: every Value, computed ones too, keeps its grad
    assert [v.grad for v in _all(y3)] == [v.grad for v in _all(y)]
    assert y3.grad == 1.0 and len({v.grad for v in _all(y3)}) > 3
    z = x2 * 3.0 + y2  # new nodes built on the copy: stamps still order the graph
    assert grad(z, [x2]) == [pytest.approx(x.grad + 3.0, rel=1e-15)]


def _all(v: Value) -> list[Value]:
    from autograd import reverse_topological

    return reverse_topological(v)


def test_a_deep_chain_pickles_without_recursion() -> None:
    v = x = Value(1.0, "x")
    for _ in range(50_000):
        v = v * 1.00001
    v2 = pickle.loads(pickle.dumps(v))
    assert v2.data == v.data
    (g,) = grad(v2, [next(u for u in _all(v2) if u.label == "x")])
    assert g == pytest.approx(1.00001**50_000, rel=1e-9) and x.grad == 0.0


def test_leaves_stay_shared_with_what_else_is_pickled() -> None:
    x, _, y = graph()
    x2, y2 = pickle.loads(pickle.dumps([x, y]))
    assert x2 in _all(y2)  # one object, not two copies


def test_a_stale_graph_is_not_pickled() -> None:
    x, _, y = graph()
    x.data = 2.0
    with pytest.raises(StaleGraphError, match="'x' changed"):
        pickle.dumps(y)


def test_networks_pickle_and_deep_copy_and_train_afterwards() -> None:
    net = nn.Network([3, 4, 2], activation="tanh", seed=1)
    for clone in (pickle.loads(pickle.dumps(net)), copy.deepcopy(net)):
        assert clone.weight_matrices() == net.weight_matrices()
        assert clone.layers[0].weights[0][0] is clone.weights[0][0][0]  # still shared
        loss = nn.mse(clone([0.1, 0.2, 0.3]), [0.5, -0.5])
        loss.backward()
        expected = nn.autograd_grad_matrices(net, [0.1, 0.2, 0.3], [0.5, -0.5])
        assert clone.grad_matrices() == expected
        assert all(p.grad == 0.0 for p in net.parameters())


def test_primitives_pickle_by_name() -> None:
    assert pickle.loads(pickle.dumps(softsign)) is softsign
    from autograd import ops

    assert pickle.loads(pickle.dumps(ops.power(2.5))) is ops.power(2.5)
    with pytest.raises(KeyError, match=r"no primitive named 'never_declared'.*declaration"):
        lookup("never_declared")
    assert math.isclose(pickle.loads(pickle.dumps(softsign))(1.0), 0.5)
