"""Primitives: an operation declared once, by its forward value and its local derivative rule.

``primitive(name, forward, local_grads, symbol)`` returns a callable :class:`Primitive`.
Called with numbers it returns a float; called with a ``Value`` it returns a ``Value`` (a node
of the graph); with a forward-mode dual number, a dual number.  The rule
``local_grads(*inputs, out)`` gives ∂out/∂inputₖ for every k.  It is written with arithmetic
operators and other primitives, so the same rule runs on floats (``backward``), on Values
(``grad(..., create_graph=True)``), on dual numbers (``jvp``) and on any other stand-in that
defines the operators.

This module knows nothing of Values: a non-number argument whose class has ``_apply`` (a
*tracer*) is handed the call, ``cls._apply(primitive, args)``; with several kinds of tracer in
one call, the highest ``_trace_rank`` wins.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

from .numbers import counted, describe, real

__all__ = ["Primitive", "lookup", "primitive"]

Rule = Callable[..., Sequence[Any]]

_REGISTRY: dict[str, Primitive] = {}
_BUILT_IN: set[str] = set()
_FAMILIES: list[str] = []  # name prefixes of built-in families (**2, logsumexp_3)
_INFIX = ("+", "-", "*", "/", "**")
_PYTHON_REASONS = {  # Python's own words, for errors from math and float arithmetic
    "math domain error": "outside its domain",
    "math range error": "overflows",
    "float division by zero": "division by zero",
}


class Primitive:
    """One operation: ``name``, ``forward`` (floats → float), ``local_grads`` (the rule giving
    ∂out/∂inputₖ), the ``symbol`` drawn for it, and its ``arity`` (number of inputs)."""

    __slots__ = ("_pickle", "_template", "arity", "forward", "local_grads", "name", "symbol")

    name: str
    forward: Callable[..., float]
    local_grads: Rule
    symbol: str
    arity: int

    def __init__(
        self,
        name: str,
        forward: Callable[..., float],
        local_grads: Rule,
        symbol: str,
        arity: int,
        template: str | None = None,
    ) -> None:
        self.name = name
        self.forward = forward
        self.local_grads = local_grads
        self.symbol = symbol
        self.arity = arity
        if template is None:
            if name in _INFIX and arity == 2:
                template = f"{{0}} {name} {{1}}"
            else:
                template = f"{name}({', '.join(f'{{{k}}}' for k in range(arity))})"
        self._template = template
        self._pickle: tuple[Any, ...] = (lookup, (name,))

    def __call__(self, *args: Any) -> Any:
        """f(args): a float for numbers, a Value when any argument is a Value."""
        if len(args) != self.arity:
            raise TypeError(f"{self.name} takes {counted(self.arity, 'input')}, got {len(args)}")
        tracer: Any = None
        floats = True
        for x in args:
            cls = x.__class__
            if cls is float and x - x == 0.0:  # a finite float
                continue
            floats = False
            rank = getattr(cls, "_trace_rank", None)
            if rank is not None and (tracer is None or rank > tracer._trace_rank):
                tracer = cls
        if floats:  # the common case in eager backward: relu's rule calls step(a) on floats
            return self.evaluate(*args)
        if tracer is not None:
            return tracer._apply(self, args)
        return self.evaluate(*(self.number(x) for x in args))

    @property
    def infix(self) -> bool:
        """Whether it is written between its inputs, as Python's ``a + b`` (+ − × ÷ and powers)."""
        return self._template.startswith("{0} ")

    def checked_grads(self, local: Any) -> tuple[Any, ...]:
        """The result of ``local_grads`` as a tuple, or TypeError if it is not one derivative
        per input (a rule returning too few would otherwise drop a term silently)."""
        if not isinstance(local, (tuple, list)) or len(local) != self.arity:
            raise TypeError(
                f"local_grads of {self.name} must return {counted(self.arity, 'derivative')} "
                f"(one per input), got {describe(local)}"
            )
        return tuple(local)

    def number(self, x: object) -> float:
        """An argument that is not a tracer, as a float (TypeError naming this primitive)."""
        try:
            return real(x, self.name)
        except TypeError:
            raise TypeError(f"{self.name} needs numbers or Values, got {describe(x)}") from None

    def evaluate(self, *xs: float) -> float:
        """``forward(*xs)`` as a finite float, or an error naming this primitive and ``xs``."""
        try:
            out = self.forward(*xs)
        except (ArithmeticError, ValueError) as exc:
            raise self.error(exc, xs) from None
        if out.__class__ is not float:
            out = self.result(out, xs)
        if out - out != 0.0:
            raise self.not_finite(xs, out)
        return out

    # -- clear errors --------------------------------------------------------------------------

    def call_text(self, xs: Sequence[Any]) -> str:
        """``"log(-2.0)"``, ``"1.0 / 0.0"``: this primitive applied to ``xs``, for messages."""
        if self._template.startswith("{0}"):  # infix: (-2.0) ** 0.5, not -2.0 ** 0.5
            shown = [f"({x!r})" if isinstance(x, float) and x < 0.0 else repr(x) for x in xs]
        else:
            shown = [repr(x) for x in xs]
        return self._template.format(*shown)

    def error(self, exc: BaseException, xs: Sequence[Any]) -> Exception:
        """``exc`` (raised by forward at ``xs``) restated as ``"log(-2.0): <reason>"``."""
        reason = str(exc) or type(exc).__name__
        return _same_kind(exc, f"{self.call_text(xs)}: {_PYTHON_REASONS.get(reason, reason)}")

    def derivative_error(self, exc: BaseException, xs: Sequence[Any]) -> Exception:
        """``exc`` (raised by local_grads at ``xs``) as ``"the derivative of sqrt(0.0) is not
        finite (<reason>)"``."""
        reason = str(exc) or type(exc).__name__
        return _same_kind(exc, f"the derivative of {self.call_text(xs)} is not finite ({reason})")

    def not_finite(self, xs: Sequence[float], out: float) -> Exception:
        """The error for a forward that returned ±inf or nan."""
        if out == out:
            return OverflowError(f"{self.call_text(xs)} overflows to {out!r}")
        return ValueError(f"{self.call_text(xs)} is not a number (nan)")

    def result(self, out: object, xs: Sequence[float]) -> float:
        """A forward's result that is not a Python float, as one (numpy, int), or TypeError."""
        if isinstance(out, bool) or not isinstance(out, numbers.Real):
            raise TypeError(
                f"{self.call_text(xs)}: forward must return a real number, got {describe(out)}"
            )
        try:
            return float(out)
        except OverflowError:  # an int too large for a float
            return math.inf

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled by name, so graphs pickle though forward and local_grads are lambdas
        return self._pickle


def _same_kind(exc: BaseException, message: str) -> Exception:
    for kind in (ZeroDivisionError, OverflowError, ArithmeticError):
        if isinstance(exc, kind):
            return kind(message)
    return ValueError(message)


def lookup(name: str) -> Primitive:
    """The primitive declared under ``name`` (KeyError naming it if there is none)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(
            f"no primitive named {name!r} has been declared: run its primitive({name!r}, ...) "
            "declaration before loading a graph that uses it"
        ) from None


def primitive(
    name: str,
    forward: Callable[..., float],
    local_grads: Rule,
    symbol: str | None = None,
) -> Primitive:
    """Declare an operation, as every built-in is declared: e.g. sinh on floats and Values::

        sinh = primitive("sinh", math.sinh, lambda a, out: (cosh(a),), symbol="sinh")

    ``forward`` takes floats (its arity is its number of parameters) and returns a float; an
    error it raises (ValueError, ArithmeticError) is restated with the name and the inputs,
    e.g. ``sinh(1000.0): overflows``, so raise it with the reason only.  ``local_grads(*inputs,
    out)`` returns ∂out/∂inputₖ for every input; write it with operators and primitives so it
    runs on floats and on Values alike.  ``symbol`` is drawn on the op's node (default
    ``name``).  Declaring a name again replaces the earlier primitive (built-ins excepted).
    """
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"a primitive's name must be a non-empty str, got {describe(name)}")
    if name in _BUILT_IN or any(name.startswith(family) for family in _FAMILIES):
        raise ValueError(f"{name!r} is the name of a built-in primitive; choose another name")
    if symbol is not None and not isinstance(symbol, str):
        raise TypeError(f"symbol of {name} must be a str or None, got {describe(symbol)}")
    prim = Primitive(name, forward, local_grads, symbol or name, _arity(name, forward))
    _check_rule(prim)
    _REGISTRY[name] = prim
    return prim


def protect(*prims: Primitive, families: tuple[str, ...] = ()) -> None:
    """Mark ``prims`` as built-ins: a user's ``primitive()`` may not take their names, nor a
    name that starts as a built-in family's do (``families``: ``"**"`` for ``**2``, …)."""
    _BUILT_IN.update(p.name for p in prims)
    _FAMILIES.extend(families)


def _arity(name: str, forward: object) -> int:
    if not callable(forward):
        raise TypeError(f"forward of {name} must be a function of floats, got {describe(forward)}")
    try:
        params = inspect.signature(forward).parameters.values()
    except (TypeError, ValueError):
        raise TypeError(
            f"cannot tell how many inputs forward of {name} takes; wrap it, e.g. lambda x: f(x)"
        ) from None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    n = 0
    for p in params:
        if p.kind in positional:
            n += p.default is p.empty  # a parameter with a default is not an input
        elif p.kind is inspect.Parameter.VAR_POSITIONAL or (
            p.default is p.empty and (p.kind is inspect.Parameter.KEYWORD_ONLY)
        ):
            raise TypeError(
                f"forward of {name} must take a fixed number of float inputs, got ({p})"
            )
    if n == 0:
        raise TypeError(f"forward of {name} must take at least one input")
    return n


def _check_rule(prim: Primitive) -> None:
    rule = prim.local_grads
    if not callable(rule):
        raise TypeError(
            f"local_grads of {prim.name} must be a function (inputs…, out) -> derivatives, "
            f"got {describe(rule)}"
        )
    try:
        signature = inspect.signature(rule)
    except (TypeError, ValueError):
        return  # cannot inspect it (a C function): the first backward will tell
    try:
        signature.bind(*range(prim.arity + 1))
    except TypeError:
        names = ", ".join([*"abcdefgh"[: prim.arity], "out"]) if prim.arity <= 8 else "…, out"
        raise TypeError(
            f"local_grads of {prim.name} must take the {prim.arity} input(s) and the output, "
            f"lambda {names}: (…), got the signature {signature}"
        ) from None
