"""Compiled mode: trace a function once, then run it as straight-line Python.

``compile(f, params)`` returns a callable.  Its first call with a given argument structure
calls ``f`` with Values standing in for the numbers (the *trace*) and turns the graph into the
source of one Python function: the forward pass, one assignment per operation, then the
backward pass, one assignment per edge: the chain rule as a textbook's Wengert list writes it.
Later calls with that structure run the function on the new numbers and the parameters' data as
it is then, and add ∂f/∂p to ``p.grad``.

The code comes from the op table alone: each primitive's forward is called (Python's own
operator for + − × ÷ and unary −), and each local derivative rule is run once on expression
objects (:class:`_Expr`) whose operators and primitive calls write source text, so a
user-defined primitive compiles as a built-in does and no rule is written twice.

Replay is faithful or it does not happen: what tracing cannot capture (a Python ``if`` on a
traced number, a Value made outside ``f``, a result that is not a Value) is refused while
tracing, and a replay that meets an error or a number that is not finite changes nothing and
runs the step again with the eager engine, which raises its own clear error.
"""

from __future__ import annotations

import ast
import builtins
import copy
import inspect
import keyword
import linecache
import numbers
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .numbers import as_list, counted, describe, real, unordered
from .primitive import Primitive
from .value import (
    Value,
    _inputs,
    _tick,
    check_fresh,
    name_of,
    reads_watched,
    reverse_topological,
)

__all__ = ["DEFAULT_MAX_NODES", "Compiled", "TraceError", "compile"]

DEFAULT_MAX_NODES = 100_000
"""Largest traced graph, in Values, that ``compile`` turns into code unless given a larger
``max_nodes`` (generating and compiling the code takes about 2 s per 50,000 Values)."""

_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = 11, 12, 13, 14, 100  # Python's precedences, in order
# A primitive whose forward is one of Python's operators is written as that operator (the
# same function, without a call), with Python's precedence for parentheses.
_INLINE: dict[Callable[..., Any], tuple[str, int]] = {
    operator.add: ("+", _SUM),
    operator.sub: ("-", _SUM),
    operator.mul: ("*", _PRODUCT),
    operator.truediv: ("/", _PRODUCT),
    operator.neg: ("-", _UNARY),
}
_WIDTH = 96  # the generated source's line width, for lists of names

# Names the generated code uses for itself; arguments and functions stay clear of them.
_RESERVED = re.compile(r"(v|dv|p|gp|t|P|s|seed|samples|losses|arg|float)[0-9_]*")


class TraceError(RuntimeError):
    """``compile`` cannot replay this function faithfully; raised while it traces the function."""


def compile(
    fn: Callable[..., Value],
    params: Iterable[Value],
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Compiled:
    """``fn`` (numbers, or lists of numbers → a Value) replayed as generated Python code.

    ``fast = compile(sample_loss, params=net.parameters())``; then ``fast(x, y)`` returns the
    loss as a float and adds ∂loss/∂p to ``p.grad`` for every p in ``params``, exactly as
    ``sample_loss(x, y).backward()`` would; ``fast.source`` is the generated code.  See
    :class:`Compiled`.
    """
    return Compiled(fn, params, max_nodes=max_nodes)


class Compiled:
    """A function traced once per argument structure and replayed as generated Python code.

    Call it with numbers or (nested) lists of numbers (tuples and numpy arrays too).  The first
    call with a structure (the list lengths) traces ``fn`` and generates the code; every call
    runs the code on its numbers and the parameters' ``.data`` as they are then (so optimizers
    work unchanged), returns the loss, a float, and adds ``scale``·∂loss/∂p to ``p.grad`` for
    each parameter p, as ``(scale * loss).backward()`` would.  ``map`` does that for many
    samples in one call.

    Refused while tracing (:class:`TraceError`): reading a traced Value's number (``.data``,
    ``float``, ``bool``, ``if``, comparisons, ``max``, formats, ``backward``); a Value made
    outside ``fn`` that is not in ``params``; a result that is not a Value; a graph of more than
    ``max_nodes`` Values.  A replay that meets an error (log of a negative number, an overflow)
    changes no ``.grad`` and runs again with the eager engine, which raises its error.  Only the
    parameters' gradients are computed: an overflow in the gradient of an argument or a
    constant, which eager ``backward`` reports, goes unnoticed.
    """

    def __init__(
        self,
        fn: Callable[..., Value],
        params: Iterable[Value],
        *,
        max_nodes: int = DEFAULT_MAX_NODES,
    ) -> None:
        if not callable(fn):
            raise TypeError(f"compile needs a function, got {describe(fn)}")
        if isinstance(params, (Value, str, bytes)) or not isinstance(params, Iterable):
            raise TypeError(
                f"compile needs params as a list of Values (e.g. net.parameters()), "
                f"got {describe(params)}"
            )
        self.fn = fn
        self.params: tuple[Value, ...] = tuple(params)
        seen: set[Value] = set()
        for k, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"compile: params[{k}] must be a Value, got {describe(p)}")
            if p.primitive is not None:
                raise ValueError(
                    f"compile: params[{k}] is computed ({p.op} of other Values); parameters "
                    "are leaves, Values whose data an optimizer sets"
                )
            if p in seen:
                raise ValueError(f"compile: params[{k}] appears twice in params: {p!r}")
            seen.add(p)
        if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
            raise ValueError(f"compile: max_nodes must be a positive int, got {max_nodes!r}")
        self.max_nodes = max_nodes
        self.name: str = getattr(fn, "__name__", "") or "f"
        self._arg_names = _parameter_names(fn)
        self._plans: dict[tuple[Any, ...], _Plan] = {}
        self._last: _Plan | None = None

    def __call__(self, *args: Any, scale: float = 1.0) -> float:
        """The loss at ``args``; adds ``scale``·∂loss/∂p to ``p.grad`` for every parameter."""
        return self._run([args], scale)[0]

    def map(self, *columns: Iterable[Any], scale: float = 1.0) -> list[float]:
        """``list(map(fast, xs, ys))`` in one call: the loss of every sample, and the sum of
        ``scale``·∂loss/∂p added to ``p.grad``.  The parameters are read and written once, not
        once per sample, so it is faster; all samples must share one structure."""
        rows = [as_list(c) for c in columns]
        for k, row in enumerate(rows):
            if row is None:
                raise TypeError(
                    f"{self.name}.map needs one list per argument (e.g. map(xs, ys)); "
                    f"argument {k} is {unordered(columns[k])}"
                )
        lengths = {len(r) for r in rows if r is not None}
        if len(lengths) > 1:
            raise ValueError(f"{self.name}.map needs lists of one length, got {sorted(lengths)}")
        return self._run(list(zip(*rows)), scale)

    @property
    def source(self) -> str:
        """The generated code (forward, then backward) for the last argument structure used."""
        if self._last is None:
            raise RuntimeError(
                f"{self.name} has not been traced yet: call it once with arguments, "
                "then read .source"
            )
        return self._last.source

    def __repr__(self) -> str:
        parameters = counted(len(self.params), "parameter")
        structures = counted(len(self._plans), "argument structure")
        return f"<compiled {self.name}: {parameters}, traced for {structures}>"

    # -- running -----------------------------------------------------------------------------

    def _run(self, samples: list[tuple[Any, ...]], scale: Any) -> list[float]:
        if scale.__class__ is not float or scale - scale != 0.0:
            scale = real(scale, f"{self.name}: scale")
        if not samples:
            return []
        key = None
        flats = []
        for k, args in enumerate(samples):
            flat: list[float] = []
            shape = tuple([_flatten(a, flat, self._where(j)) for j, a in enumerate(args)])
            if key is None:
                key = shape
            elif shape != key:
                raise ValueError(
                    f"{self.name}.map needs samples of one structure; sample {k} differs from "
                    f"sample 0 (the lengths of its lists)"
                )
            flats.append(flat)
        assert key is not None
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._trace(key, flats[0])
        self._last = plan
        try:
            losses = plan.run(flats, self.params, scale)
        except (ArithmeticError, ValueError, TypeError):
            losses = None
        if losses is None:  # an error, or inf or nan: the eager engine says what and where
            return self._eager(key, flats, scale)
        return losses

    def _eager(self, key: tuple[Any, ...], flats: list[list[float]], scale: float) -> list[float]:
        """The same step by the eager engine: its error if there is one, else its result."""
        outs = []
        for flat in flats:
            floats = iter(flat)
            out = self.fn(*(_stand_ins(s, floats, self._where(j), {}) for j, s in enumerate(key)))
            if not isinstance(out, Value):
                raise TypeError(f"{self.name} returned {describe(out)}, not a Value")
            outs.append(out)
        root = outs[0] if scale == 1.0 else outs[0] * scale
        for out in outs[1:]:  # one backward for all: it changes every grad or none
            root = root + (out if scale == 1.0 else out * scale)
        root.backward()
        return [out.data for out in outs]

    # -- tracing -----------------------------------------------------------------------------

    def _where(self, k: int) -> str:
        """The name of argument k, for messages."""
        return self._arg_names[k] if k < len(self._arg_names) else f"arg{k}"

    def _trace(self, key: tuple[Any, ...], flat: list[float]) -> _Plan:
        """Call ``fn`` on Values standing in for the arguments (their numbers ``flat``, their
        structure ``key``); generate the code of its graph."""
        arguments: dict[Value, str] = {}  # each stand-in → its variable in the code
        floats = iter(flat)
        values = [_stand_ins(s, floats, self._where(k), arguments) for k, s in enumerate(key)]
        used: set[str] = set()
        for v, var in arguments.items():  # x1 from x[1] and an argument named x1: x1, x1_
            while var in used:
                var += "_"
            arguments[v] = var
            used.add(var)
        start = _tick()  # every Value made from here on is made by fn
        watched = set(arguments) | set(self.params)

        def refuse(v: Value, what: str) -> None:
            culprit = _traced_by(v, start, watched)
            if culprit is not None:
                raise TraceError(
                    f"compile({self.name}): {what} reads the number of a Value that depends "
                    f"on the arguments or parameters (on {name_of(culprit)}) while tracing; the "
                    "generated code would keep the number it has now, whatever the "
                    "arguments. Write the choice with primitives instead (relu, step, abs, "
                    f"sign compile), or call {self.name} without compile"
                )

        with reads_watched(refuse):
            out = self.fn(*values)
        if not isinstance(out, Value):
            raise TraceError(
                f"compile({self.name}): {self.name} returned {describe(out)}; it must return "
                "one Value (the loss), computed from its arguments and the parameters"
            )
        order = reverse_topological(out)
        if len(order) > self.max_nodes:
            raise TraceError(
                f"compile({self.name}): the traced graph has {len(order):,} Values, more than "
                f"the limit max_nodes={self.max_nodes:,} (its code would be slow to generate "
                "and compile); trace one sample rather than a batch, or raise max_nodes"
            )
        return _Codegen(self, order, arguments, start).plan()


# -- arguments --------------------------------------------------------------------------------


def _parameter_names(fn: Callable[..., Any]) -> list[str]:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p.name for p in signature.parameters.values() if p.kind in kinds]


def _flatten(a: Any, flat: list[float], where: str) -> Any:
    """Append the numbers in ``a`` to ``flat``; return its structure: None for a number, the
    length for a list of numbers, else a tuple of its entries' structures."""
    cls = a.__class__
    if cls is float:
        if a - a != 0.0:
            real(a, f"argument {where}")  # inf or nan: the error
        flat.append(a)
        return None
    if cls is list:  # the usual case, a list of floats
        for x in a:
            if x.__class__ is not float or x - x != 0.0:
                break
        else:
            flat.extend(a)
            return len(a)
    if isinstance(a, Value):
        raise TypeError(
            f"argument {where} is a Value; a compiled function takes numbers (and lists of "
            "numbers): it makes the Values itself when it traces"
        )
    items = as_list(a)
    if items is not None:
        shapes = [_flatten(x, flat, f"{where}[{k}]") for k, x in enumerate(items)]
        return len(items) if all(s is None for s in shapes) else tuple(shapes)
    flat.append(_number(a, where))
    return None


def _number(a: object, where: str) -> float:
    """An argument that is not a list, as a float; a set or a dict is refused as unordered."""
    try:
        return real(a, f"argument {where}")
    except TypeError:
        raise TypeError(
            f"argument {where} must be a number or a list of numbers, got {unordered(a)}"
        ) from None


def _stand_ins(shape: Any, floats: Iterator[float], where: str, made: dict[Value, str]) -> Any:
    """Leaf Values labelled ``x[0]``…, holding the next of ``floats`` in the structure
    ``shape`` (as ``_flatten`` gives it); ``made`` gets each one's variable name in the
    generated code (x0, x1, …). The arguments themselves are read once, by ``_flatten``: an
    iterator among them is used up there."""
    if shape is None:
        v = Value(next(floats), where)
        made[v] = _variable(where)
        return v
    shapes = [None] * shape if isinstance(shape, int) else shape
    return [_stand_ins(s, floats, f"{where}[{k}]", made) for k, s in enumerate(shapes)]


def _variable(where: str) -> str:
    """``x[0][2]`` → ``x0_2``, the variable of one argument number in the generated code."""
    name, _, rest = where.partition("[")  # an identifier: a parameter's name, or arg0, arg1, …
    if _RESERVED.fullmatch(name):
        name = "arg_" + name
    indices = re.findall(r"\d+", rest)
    return (
        name + "_".join(indices)
        if indices and not name[-1].isdigit()
        else "_".join([name, *indices])
    )


def _traced_by(v: Value, start: int, watched: set[Value]) -> Value | None:
    """An argument, parameter or older Value that ``v`` depends on; None when ``v`` was
    computed inside the traced function from constants alone."""
    seen = {v}
    stack = [v]
    while stack:
        node = stack.pop()
        if node._stamp < start or node in watched:
            return node
        for x in _inputs(node):
            if x not in seen:
                seen.add(x)
                stack.append(x)
    return None


# -- code generation --------------------------------------------------------------------------


class _Plan:
    """The generated code for one argument structure: ``run(samples, P, seed)``, its source."""

    __slots__ = ("run", "source")

    def __init__(self, run: Callable[..., list[float] | None], source: str) -> None:
        self.run = run
        self.source = source


class _Codegen:
    """Writes the forward and backward pass of one traced graph as Python source."""

    def __init__(
        self, owner: Compiled, order: list[Value], arguments: dict[Value, str], start: int
    ) -> None:
        self.owner = owner
        self.order = order  # newest first: the order backward visits the graph in
        self.arguments = arguments
        self.start = start
        self.param_index = {p: k for k, p in enumerate(owner.params)}
        self.names: dict[Value, str] = {}  # every Value of the graph → its text in the code
        self.namespace: dict[str, Any] = {}
        self.taken = set(arguments.values())
        self.functions: dict[Primitive, str] = {}
        self.expressions: dict[Primitive, tuple[tuple[str, ...], ast.expr] | None] = {}
        self.lines: list[str] = []  # the loop's body
        self.checks: list[str] = []  # names whose sum is checked to be finite
        self.temps = 0

    def function(self, prim: Primitive) -> str:
        """The name under which the code calls ``prim``'s forward."""
        name = self.functions.get(prim)
        if name is None:
            base = prim.name
            if base.startswith("**"):  # x**2 → pow2, x**-0.5 → pow_m0_5
                base = "pow" + base[2:].replace("-", "_m").replace("+", "")
            base = re.sub(r"\W", "_", base)
            if not base.isidentifier() or keyword.iskeyword(base) or _RESERVED.fullmatch(base):
                base = f"f_{base}"
            if hasattr(builtins, base):
                base += "_"
            name, k = base, 1
            while name in self.namespace or name in self.taken:
                k += 1
                name = f"{base}{k}"
            # The op table's forwards return floats (or raise); a user's is checked as in eager.
            self.namespace[name] = prim.forward if _returns_float(prim) else prim.evaluate
            self.functions[prim] = name
        return name

    def call(self, prim: Primitive, args: list[str]) -> tuple[str, int]:
        """``prim`` applied to ``args`` as source text, and its precedence: the forward's own
        expression where it is a lambda of its inputs and numbers alone, else a call."""
        if prim not in self.expressions:
            self.expressions[prim] = _expression(prim) if _returns_float(prim) else None
        found = self.expressions[prim]
        if found is None:
            return f"{self.function(prim)}({', '.join(args)})", _ATOM
        params, body = found
        names = {p: a if a.isidentifier() else f"({a})" for p, a in zip(params, args)}
        tree = copy.deepcopy(body)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                node.id = names[node.id]
        return ast.unparse(tree), 0  # lowest precedence: parenthesized as an operand

    def leaf(self, v: Value) -> str:
        if v in self.arguments:
            return self.arguments[v]
        k = self.param_index.get(v)
        if k is not None:
            return f"p{k}"
        if v._stamp > self.start:
            return _literal(v._data)
        raise TraceError(
            f"compile({self.owner.name}): the function uses {name_of(v)} (data {v._data!r}), a "
            "Value made before tracing began that is not in params: the generated code would "
            "keep the number it has now. Pass it in params (it then gets a grad, as in eager "
            "mode), or make it inside the function"
        )

    def plan(self) -> _Plan:
        owner = self.owner
        fname = _identifier(owner.name)
        self.taken.add(fname)
        forward = self.order[::-1]
        for v in forward:
            if v._op is None:
                self.names[v] = self.leaf(v)
        self.forward(forward)
        root = self.order[0]
        loss = self.names[root]
        grads = self.backward(forward, root)
        used = sorted(self.param_index[v] for v in forward if v in self.param_index)
        variables = list(self.arguments.values())
        signature = ", ".join(owner._arg_names) or "…"
        lines = [
            f"def {fname}(samples, P, seed):",
            f'    """{owner.name}({signature}) for each sample, compiled: the forward pass, one',
            "    line per operation, then the backward pass from the loss down, dv = seed·∂loss/∂v",
            '    (seed = 1.0 unless scaled).  P: the parameters; gp = P.grad + seed·∂loss/∂P."""',
        ]
        lines += [_commented(f"    p{k} = P[{k}]._data", owner.params[k]._label) for k in used]
        lines += [f"    gp{k} = P[{k}].grad" for k in sorted(grads)]
        lines += ["    losses = []", "    s = 0.0  # sums what could hide an inf or nan"]
        if not variables:
            lines.append("    for _ in samples:")
        elif len(variables) == 1:
            lines.append(f"    for ({variables[0]},) in samples:")
        else:
            lines += _joined(variables, "    for ", " in samples:", ", ")
        lines += self.lines
        lines.append(f"        losses.append({loss})")
        lines.append(
            "    # inf or nan anywhere above would show in s (+, −, × pass them on): then nothing"
        )
        lines.append("    # is changed and the eager engine runs instead, to say what and where")
        checks = [f"gp{k}" for k in sorted(grads)]
        if checks:
            lines += _sums(checks, "    ")
        lines += ["    if s - s != 0.0:", "        return None"]
        lines += [f"    P[{k}].grad = gp{k}" for k in sorted(grads)]
        lines.append("    return losses")
        source = "\n".join(lines) + "\n"
        filename = f"<compiled {owner.name} #{_tick()}>"
        code = builtins.compile(source, filename, "exec")
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        namespace = dict(self.namespace)
        exec(code, namespace)  # our own generated code, made from the op table
        return _Plan(namespace[fname], source)

    # the forward pass --------------------------------------------------------------------------

    def forward(self, forward: list[Value]) -> None:
        self.lines.append("        # forward")
        count = 0
        for v in forward:
            if v._op is None:
                continue
            inputs = _inputs(v)
            if v._stamp < self.start:
                raise TraceError(
                    f"compile({self.owner.name}): the function uses {name_of(v)}, computed "
                    "before tracing began; the generated code cannot recompute it. Compute it "
                    "inside the function"
                )
            check_fresh(v, inputs)
            count += 1
            name = self.names[v] = f"v{count}"
            text = self.forward_text(v._op, inputs)
            label = v._label
            if self.expressions.get(v._op) is not None:  # written out: say what it is
                label = f"{label} ({v._op.name})" if label else v._op.name
            self.lines.append(_commented(f"        {name} = {text}", label))
        if self.order[0]._op is not None:
            self.checks.append(self.names[self.order[0]])
        if self.checks:
            self.lines += _sums(self.checks, "        ")

    def forward_text(self, op: Primitive, inputs: Sequence[Value]) -> str:
        names = [self.names[x] for x in inputs]
        inline = _INLINE.get(op.forward)
        if inline is not None and len(inputs) == (1 if inline[1] == _UNARY else 2):
            symbol, prec = inline
            if prec == _UNARY:
                return f"-{_operand(names[0], right=True)}"
            if op.forward is operator.truediv and inputs[1]._op is not None:
                self.checks.append(names[1])  # x / inf is 0: check the denominator
            return f"{_operand(names[0], right=False)} {symbol} {_operand(names[1], right=True)}"
        for x, name in zip(inputs, names):
            if x._op is not None:  # a call need not pass an inf or nan on: check its inputs
                self.checks.append(name)
        return self.call(op, names)[0]

    # the backward pass -------------------------------------------------------------------------

    def backward(self, forward: list[Value], root: Value) -> set[int]:
        """Append the backward lines; return the indices of the parameters given grads."""
        needed: set[Value] = set()  # the Values on a path from a parameter to the root
        for v in forward:
            if v in self.param_index or any(x in needed for x in _inputs(v)):
                needed.add(v)
        if root not in needed:
            return set()
        self.lines.append("        # backward")
        if root._op is None:  # the loss is a parameter itself
            k = self.param_index[root]
            self.lines.append(f"        gp{k} += seed")
            return {k}
        uses: dict[Value, int] = {}  # how many edges bring each Value its gradient
        for v in self.order:
            if v in needed and v._op is not None:
                for x in _inputs(v):
                    if x in needed:
                        uses[x] = uses.get(x, 0) + 1
        adjoint = {root: "seed"}
        seen: set[Value] = set()
        grads: set[int] = set()
        for v in self.order:  # as eager backward: newest first, each edge in input order
            if v._op is None or v not in needed:
                continue
            g = adjoint[v]
            for x, d in zip(_inputs(v), self.rule(v)):
                if x not in needed:
                    continue
                negate, term = _chain(g, d)
                first = x not in seen
                seen.add(x)
                index = self.param_index.get(x)
                if index is not None:
                    grads.add(index)
                    line = f"        gp{index} {'-' if negate else '+'}= {term}"
                    self.lines.append(_commented(line, x._label and f"∂/∂{x._label}"))
                elif first and uses[x] == 1 and not negate and term.isidentifier():
                    adjoint[x] = term  # x feeds only this + or −: its dv is the result's
                elif first:
                    adjoint[x] = f"d{self.names[x]}"
                    text = f"-{term}" if negate else term
                    label = x._label and f"∂/∂{x._label}"
                    self.lines.append(_commented(f"        d{self.names[x]} = {text}", label))
                else:
                    sign = "-" if negate else "+"
                    self.lines.append(f"        {adjoint[x]} {sign}= {term}")
        return grads

    def rule(self, v: Value) -> list[float | tuple[str, int]]:
        """``v``'s local derivatives: numbers, or (source text, precedence); its primitive's
        rule run on expressions."""
        op = v._op
        assert op is not None
        atoms = [_Expr.atom(self, self.names[x]) for x in (*_inputs(v), v)]
        try:
            local = op.local_grads(*atoms)
        except TraceError as exc:
            raise TraceError(f"compile: the rule local_grads of {op.name} {exc}") from None
        except Exception as exc:
            raise TraceError(
                f"compile: the rule local_grads of {op.name} cannot be turned into code "
                f"({type(exc).__name__}: {exc}); a rule must use operators and primitives "
                "only (exp(a), not math.exp(a)), so that it runs on floats, Values and code"
            ) from None
        local = op.checked_grads(local)
        shared = _shared(local)
        out: list[float | tuple[str, int]] = []
        for d in local:
            if isinstance(d, _Expr):
                out.append(self.render(d, shared))
            elif isinstance(d, numbers.Real) and not isinstance(d, bool):
                out.append(float(d))
            else:
                raise TraceError(
                    f"compile: the rule local_grads of {op.name} returned {describe(d)} as a "
                    "derivative; it must return numbers or expressions of its inputs"
                )
        return out

    def render(self, e: _Expr, shared: set[int]) -> tuple[str, int]:
        """``e`` as source text and its precedence; a part used twice, or one that must be
        checked finite, gets a line of its own (a temporary t1, t2, …)."""
        if e.kind == "atom" or e.temp is not None:
            return (e.text, e.prec) if e.temp is None else (e.temp, _ATOM)
        parts = [self.render(c, shared) for c in e.children]
        if e.kind == "call":
            assert e.prim is not None
            text, prec = self.call(e.prim, [t for t, _ in parts])
        elif e.kind == "neg":
            (t, p), prec = parts[0], _UNARY
            text = f"-{_paren(t, p <= _UNARY)}"
        else:  # a binary operator; ** groups to the right, the others to the left
            (lt, lp), (rt, rp), prec = parts[0], parts[1], e.prec
            right_assoc = e.text == "**"
            left = _paren(lt, lp < prec or (right_assoc and lp == prec) or lp == _UNARY)
            right = _paren(rt, rp < prec or (not right_assoc and rp == prec))
            text = f"{left} {e.text} {right}"
        if id(e) in shared or e.checked:
            self.temps += 1
            e.temp = f"t{self.temps}"
            self.lines.append(f"        {e.temp} = {text}")
            if e.checked:
                self.lines.append(f"        s += {e.temp}")
            return e.temp, _ATOM
        return text, prec


class _Expr:
    """An expression of the generated code, for running a local derivative rule on code.

    Its operators build larger expressions, written with Python's own operators, so the code
    does the arithmetic the rule does on floats; a primitive called on one (``cos(a)``)
    becomes a call of that primitive's forward.  Anything that needs the number (``if``,
    comparisons) is refused: the code would then hold for one number only.
    """

    __slots__ = ("checked", "children", "gen", "kind", "prec", "prim", "temp", "text")
    _trace_rank = 3  # above Value and Dual: a rule run on code writes code

    def __init__(
        self, gen: _Codegen, kind: str, text: str, prec: int, children: tuple[_Expr, ...]
    ) -> None:
        self.gen = gen
        self.kind = kind  # "atom" (a name or a number), "call", "neg" or "binary"
        self.text = text  # the name, number, function or operator
        self.prec = prec
        self.children = children
        self.checked = False  # must be checked finite: it feeds an op that may hide inf/nan
        self.temp: str | None = None
        self.prim: Primitive | None = None  # the primitive a "call" applies

    @classmethod
    def atom(cls, gen: _Codegen, text: str) -> _Expr:
        return cls(gen, "atom", text, _UNARY if text.startswith("-") else _ATOM, ())

    @classmethod
    def _apply(cls, op: Primitive, args: Sequence[Any]) -> _Expr:
        gen = next(a.gen for a in args if isinstance(a, _Expr))
        children = tuple(_lift(gen, a, op.name) for a in args)
        for c in children:  # a call need not pass an inf or nan on: check what it is given
            c.checked = c.checked or c.kind != "atom"
        call = cls(gen, "call", op.name, _ATOM, children)
        call.prim = op
        return call

    def _binary(self, other: Any, symbol: str, prec: int, reflected: bool = False) -> _Expr:
        b = _lift(self.gen, other, symbol)
        left, right = (b, self) if reflected else (self, b)
        hiders = (right,) if symbol == "/" else (left, right) if symbol == "**" else ()
        for c in hiders:  # x / inf is 0, 1 ** nan is 1: check what might hide one
            c.checked = c.checked or c.kind != "atom"
        return _Expr(self.gen, "binary", symbol, prec, (left, right))

    def __add__(self, other: Any) -> _Expr:
        return self._binary(other, "+", _SUM)

    def __radd__(self, other: Any) -> _Expr:
        return self._binary(other, "+", _SUM, reflected=True)

    def __sub__(self, other: Any) -> _Expr:
        return self._binary(other, "-", _SUM)

    def __rsub__(self, other: Any) -> _Expr:
        return self._binary(other, "-", _SUM, reflected=True)

    def __mul__(self, other: Any) -> _Expr:
        return self._binary(other, "*", _PRODUCT)

    def __rmul__(self, other: Any) -> _Expr:
        return self._binary(other, "*", _PRODUCT, reflected=True)

    def __truediv__(self, other: Any) -> _Expr:
        return self._binary(other, "/", _PRODUCT)

    def __rtruediv__(self, other: Any) -> _Expr:
        return self._binary(other, "/", _PRODUCT, reflected=True)

    def __pow__(self, other: Any) -> _Expr:
        return self._binary(other, "**", _POWER)

    def __rpow__(self, other: Any) -> _Expr:
        return self._binary(other, "**", _POWER, reflected=True)

    def __neg__(self) -> _Expr:
        return _Expr(self.gen, "neg", "-", _UNARY, (self,))

    def __pos__(self) -> _Expr:
        return self

    def _refuse(self, *_: Any) -> Any:
        raise TraceError(
            "compares or tests its inputs' numbers (if, <, ==, and, or, abs); the generated "
            "code would hold for those numbers only. Write the rule with primitives instead "
            "(step(a), sign(a)), as the op table's rules are"
        )

    __bool__ = __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = __abs__ = _refuse
    __hash__ = object.__hash__


def _lift(gen: _Codegen, x: Any, what: str) -> _Expr:
    if isinstance(x, _Expr):
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return _Expr.atom(gen, _literal(x))
    raise TypeError(f"{what} got {describe(x)} in a local derivative rule")


def _shared(local: Sequence[Any]) -> set[int]:
    """ids of the compound expressions used more than once in a rule's results."""
    count: dict[int, int] = {}
    stack = [d for d in local if isinstance(d, _Expr)]
    while stack:
        e = stack.pop()
        if e.kind != "atom":
            count[id(e)] = count.get(id(e), 0) + 1
            if count[id(e)] == 1:
                stack.extend(e.children)
    return {k for k, n in count.items() if n > 1}


# -- formatting -------------------------------------------------------------------------------


def _returns_float(prim: Primitive) -> bool:
    """True for the op table's own forwards, and those of Python's math and operator functions
    that, given floats, return a float or raise: the code calls them unchecked. Others
    (``math.floor`` returns an int) are called through the primitive's checks, as in eager."""
    fn = prim.forward
    module = str(getattr(fn, "__module__", ""))
    return module == "autograd.ops" or getattr(fn, "__name__", None) in _FLOAT_FUNCTIONS.get(
        module, ()
    )


_OPERATORS = frozenset("add sub mul truediv floordiv mod neg pos abs".split())  # pow: complex
_FLOAT_FUNCTIONS = {
    "math": frozenset(
        "acos acosh asin asinh atan atan2 atanh cbrt copysign cos cosh degrees erf erfc exp exp2 "
        "expm1 fabs fmod gamma hypot ldexp lgamma log log10 log1p log2 pow radians remainder "
        "sin sinh sqrt tan tanh".split()
    ),
    "operator": _OPERATORS,
    "_operator": _OPERATORS,
}


def _expression(prim: Primitive) -> tuple[tuple[str, ...], ast.expr] | None:
    """(parameters, body) of ``prim``'s forward when it is a lambda of its inputs, numbers and
    operators alone, such as relu's ``lambda a: a if a > 0.0 else 0.0``: written in place of
    a call it is the same computation, only faster.  The body is read from the source and
    used only if it compiles to the very bytecode of the forward.  None otherwise."""
    fn = prim.forward
    code = getattr(fn, "__code__", None)
    if (
        code is None
        or getattr(fn, "__name__", "") != "<lambda>"
        or code.co_names  # globals or attributes: they would need the forward's namespace
        or code.co_freevars
        or code.co_nlocals != code.co_argcount
    ):
        return None
    try:
        text = inspect.getsource(fn).strip()
    except (OSError, TypeError):
        return None
    params = code.co_varnames[: code.co_argcount]
    for attempt in (text, f"({text})"):  # a whole statement, or a piece of a longer one
        try:
            tree = ast.parse(attempt)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Lambda) and tuple(a.arg for a in node.args.args) == params:
                found = eval(builtins.compile(ast.Expression(node), "<forward>", "eval"))
                if (found.__code__.co_code, found.__code__.co_consts) == (
                    code.co_code,
                    code.co_consts,
                ):
                    return params, node.body
    return None


def _literal(x: Any) -> str:
    """A number as Python source that reads back as the same number."""
    if isinstance(x, int):
        return repr(x)
    x = float(x)
    return repr(x) if x - x == 0.0 else f"float({str(x)!r})"


def _paren(text: str, needed: bool) -> str:
    return f"({text})" if needed else text


def _operand(name: str, right: bool) -> str:
    """A name or a number as an operand: a negative number to the right is parenthesized."""
    return f"({name})" if right and name.startswith("-") else name


def _chain(g: str, d: float | tuple[str, int]) -> tuple[bool, str]:
    """g·d, the chain rule along one edge: (negated?, text).  ×1 and ×−1 are exact in floating
    point, so they are left out."""
    if isinstance(d, float):
        if d == 1.0:
            return False, g
        if d == -1.0:
            return True, g
        return False, f"{g} * {_operand(_literal(d), right=True)}"
    text, prec = d
    return False, f"{g} * {_paren(text, prec <= _PRODUCT)}"


def _commented(line: str, label: str) -> str:
    return f"{line:<44}  # {label}" if label else line


def _identifier(name: str) -> str:
    name = re.sub(r"\W", "_", name).strip("_") or "f"
    if not name.isidentifier() or keyword.iskeyword(name) or _RESERVED.fullmatch(name):
        name = f"f_{name}"
    return name


def _sums(names: list[str], indent: str) -> list[str]:
    """``s += a + b + …`` lines adding up ``names``, 48 at most a statement (a longer sum
    would nest too deeply for Python's compiler)."""
    lines = []
    for k in range(0, len(names), 48):
        lines += _joined(names[k : k + 48], f"{indent}s += ", "", " + ")
    return lines


def _joined(names: list[str], start: str, end: str, joiner: str) -> list[str]:
    """``start + joiner.join(names) + end``, in parentheses over several lines if too long."""
    one = start + joiner.join(names) + end
    if len(one) <= _WIDTH:
        return [one]
    lines, line = [], start + "("
    for k, name in enumerate(names):
        piece = name + (joiner.rstrip() if k < len(names) - 1 else ")" + end)
        if len(line) + len(piece) > _WIDTH and line.strip() not in ("", "("):
            lines.append(line.rstrip())
            line = " " * (len(start) + 1)
        line += piece + " "
    lines.append(line.rstrip())
    return lines
