"""The functional reverse mode: ``grad(y, xs)``, floats or (``create_graph``) Values."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .numbers import describe
from .value import (
    Value,
    _inputs,
    _local_grads,
    check_fresh,
    derivative_error,
    non_finite_grad,
    notice_read,
    reads_watched,
    reverse_topological,
)

__all__ = ["grad"]


def _refuse_read(v: Value, what: str) -> None:
    """A rule run for create_graph must build Values: reading one's number (math.exp(a) calls
    float(a)) would make the derivative a constant, and every higher derivative wrong."""
    raise TypeError(f"it reads the number of a Value, {what}, which no gradient flows through")


def grad(output: Value, inputs: Iterable[Value], create_graph: bool = False) -> list[Any]:
    """∂output/∂x for every x in ``inputs``, leaving every ``.grad`` untouched.

    Returns floats; with ``create_graph=True`` returns Values built from the local derivative
    rules, so they can be differentiated again (second derivatives, Hessians).  Such a Value may
    be a node of the original graph (∂(x·w)/∂x is ``w`` itself), so relabel a copy
    (``g * 1.0``), not the result.  An input that ``output`` does not depend on gets 0.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad needs a Value as output, got {describe(output)}")
    if isinstance(inputs, Value):
        raise TypeError("grad needs a list of Values as inputs, e.g. grad(y, [x]); got one Value")
    inputs = list(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"grad needs Values as inputs, got {describe(x)}")
    if not create_graph:  # float gradients are numbers read off the graph, as .data is
        notice_read(output, "grad(y, xs) (floats; create_graph=True gives Values)")
    seed = Value(1.0) if create_graph else 1.0  # ∂output/∂output
    grads: dict[Value, Any] = {output: seed}
    for node in reverse_topological(output):
        g = grads.get(node)
        if g is None:
            continue
        if not create_graph and g - g != 0.0:
            raise non_finite_grad(node, g)
        op = node._op
        if op is None:
            continue
        ins = _inputs(node)
        if create_graph:
            check_fresh(node, ins)
            try:  # the same rule, run on Values: its result is differentiable again
                with reads_watched(_refuse_read):
                    result = op.local_grads(*ins, node)
            except (ArithmeticError, ValueError) as exc:
                raise derivative_error(node, exc) from None
            except TypeError as exc:  # e.g. math.exp(a) on a Value
                raise TypeError(
                    f"the rule local_grads of {op.name} cannot run on Values ({exc}); for "
                    "create_graph write it with operators and autograd's primitives "
                    "(autograd.exp, autograd.sigmoid, ...), not math's functions"
                ) from exc
            local = op.checked_grads(result)
        else:
            local = _local_grads(node)
        for inp, d in zip(ins, local):
            if d.__class__ is float and d == 1.0:
                term = g
            elif g is seed:  # 1·d: no "× 1" node in a create_graph result
                term = d if isinstance(d, Value) or not create_graph else Value(d)
            else:
                term = g * d
            grads[inp] = term if inp not in grads else grads[inp] + term
    return [grads[x] if x in grads else Value(0.0) if create_graph else 0.0 for x in inputs]
