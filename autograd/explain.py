"""The chain rule for one weight: ∂root/∂w as a sum over paths, then in the factored δ form.

``explain(loss, w)`` names the labelled Values between ``w`` and ``loss`` (xᵢ⁽ˡ⁾, zᵢ⁽ˡ⁾, … in
the blog's networks) and writes ∂loss/∂w twice: as the sum, over every path from ``w`` to the
loss, of the product of the derivatives along it (∂MSE/∂x₁⁽³⁾ · ∂x₁⁽³⁾/∂z₁⁽³⁾ · … + …), and as
backpropagation computes it, each ∂loss/∂v once from the Values after v, with δᵢ⁽ˡ⁾ for
∂loss/∂zᵢ⁽ˡ⁾.  Unlabelled Values in between (the products w·x, partial sums) are folded into
the derivative between the labelled ones around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .backward import grad
from .numbers import counted, describe
from .paths import formula_name, path_graph
from .render import format_number, parenthesized
from .value import Value

__all__ = ["DEFAULT_MAX_PATHS", "Explanation", "Path", "explain"]

DEFAULT_MAX_PATHS = 8
"""Most paths written out; past that only the δ form is shown, with the number of paths."""


@dataclass(frozen=True)
class Path:
    """One path from w to the root: ``values`` (w first, then each labelled Value on the way,
    the root last), ``factors`` (∂values[k+1]/∂values[k]) and their ``product``."""

    values: tuple[Value, ...]
    factors: tuple[float, ...]
    product: float


@dataclass(frozen=True)
class Term:
    """One term of a δ-form line: ∂root/∂``after`` (1 when ``after`` is the root) times
    ∂``after``/∂v."""

    after: Value
    upstream: float
    local: float


@dataclass(frozen=True)
class Line:
    """∂root/∂``value`` = Σ over ``terms``; ``total`` its value."""

    value: Value
    terms: tuple[Term, ...]
    total: float


@dataclass(frozen=True)
class Explanation:
    """∂root/∂w, written out: ``paths`` (empty past ``max_paths``; ``count`` says how many
    there are), the δ-form ``lines`` (from the root down to w) and ``total`` = ∂root/∂w.

    ``str()`` is the text; in Jupyter it shows as LaTeX.
    """

    root: Value
    w: Value
    count: int
    paths: list[Path]
    lines: list[Line]
    total: float
    max_paths: int

    def __str__(self) -> str:
        return "\n".join(self._text(_Format()))

    def _repr_latex_(self) -> str:
        rows = self._text(_Latex())
        return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"

    def __repr__(self) -> str:
        root, w = formula_name(self.root, self.root), formula_name(self.w, self.root)
        return f"<Explanation of ∂{root}/∂{w} = {self.total:.6g}: {counted(self.count, 'path')}>"

    def _text(self, f: _Format) -> list[str]:
        root, w = self.root, self.w
        lhs = f.partial(root, w, root)
        n = self.count
        paths = counted(n, "path")
        out: list[str] = []
        if self.paths:
            out.append(
                f.note(
                    "the chain rule along ",
                    f"each of the {paths}" if n > 1 else "the one path",
                    " from ",
                    w,
                    " to ",
                    root,
                    ", multiplied, then summed:",
                )
            )
            for k, path in enumerate(self.paths):
                symbols = [
                    f.partial(path.values[i + 1], path.values[i], root)
                    for i in reversed(range(len(path.factors)))
                ]
                numbers = [f.number(x) for x in reversed(path.factors)]
                out += f.row(
                    lhs if k == 0 else "",
                    "=" if k == 0 else "+",
                    f.times(symbols) or "1",
                    f"{f.product(numbers)} = {f.number(path.product)}",
                )
            out += f.row("", "=", f.number(self.total), "")
        else:
            out.append(
                f.note(
                    f"{paths} lead from ",
                    w,
                    " to ",
                    root,
                    ": too many to write "
                    f"out (more than {self.max_paths}); backpropagation never does:",
                )
            )
        out.append(
            f.note(
                "factored as backpropagation computes it, each derivative of ",
                root,
                " once, from the Values after it:",
            )
        )
        if any(_delta(line.value.label) for line in self.lines):
            out.append(f.delta_definition(root))
        for line in self.lines:
            if [t.after for t in line.terms] == [root]:  # straight to the root: one number
                out += f.row(f.grad(line.value, root), "=", f.number(line.total), "")
                continue
            symbols = [
                (f.grad(t.after, root) + f.dot if t.after is not root else "")
                + f.partial(t.after, line.value, root)
                for t in line.terms
            ]
            numbers = [
                f.product([f.number(t.upstream), f.number(t.local)])
                if t.after is not root
                else f.number(t.local)
                for t in line.terms
            ]
            out += f.row(
                f.grad(line.value, root),
                "=",
                " + ".join(symbols),
                f"{' + '.join(numbers)} = {f.number(line.total)}",
            )
        return out


def explain(root: Value, w: Value, max_paths: int = DEFAULT_MAX_PATHS) -> Explanation:
    """∂root/∂w as the sum over every path from ``w`` to ``root`` of the product of the
    derivatives along it, then in the factored δ form; see :class:`Explanation`.

    Past ``max_paths`` paths only the δ form is written, and the number of paths is given.
    Raises as ``backward`` does for a graph whose data changed or a derivative that is not
    finite.
    """
    if isinstance(max_paths, bool) or not isinstance(max_paths, int):
        raise TypeError(f"max_paths must be an int, got {describe(max_paths)}")
    graph = path_graph(root, w)
    order = graph.order
    named = [v for v in order if v.label or v is w or v is root]
    position = {v: k for k, v in enumerate(order)}
    local_grads = {node: node.local_grads for node in order}  # each rule run once
    # ∂u/∂v through unlabelled Values only, for every labelled v and each labelled u after it
    after: dict[Value, dict[Value, float]] = {}
    for v in named:
        if v is root:
            continue
        through = {v: 1.0}
        reached: dict[Value, float] = {}
        for node in order[position[v] + 1 :]:
            ins = [(k, x) for k, x in enumerate(node.inputs) if x in through]
            if not ins:
                continue
            local = local_grads[node]
            d = sum(through[x] * local[k] for k, x in ins)
            if node.label or node is root:
                reached[node] = d
            else:
                through[node] = d
        after[v] = reached
    # ∂root/∂v for each labelled v, from the ones after it: the δ form
    grads = {root: 1.0}
    lines: list[Line] = []
    for v in reversed(named):
        if v is root:
            continue
        terms = tuple(
            Term(u, grads[u], d) for u, d in sorted(after[v].items(), key=lambda p: position[p[0]])
        )
        grads[v] = sum(t.upstream * t.local for t in terms)  # never empty: v reaches root
        lines.append(Line(v, terms, grads[v]))
    counts = {root: 1}
    for v in reversed(named):
        if v is not root:
            counts[v] = sum(counts[u] for u in after[v])
    paths: list[Path] = []
    if counts[w] <= max_paths:
        paths = _paths(w, root, after, position)
    total = float(grad(root, [w])[0])  # backward's own sum, to the last bit, not the δ form's
    return Explanation(root, w, counts[w], paths, lines, total, max_paths)


def _paths(
    w: Value, root: Value, after: dict[Value, dict[Value, float]], position: dict[Value, int]
) -> list[Path]:
    """Every path from ``w`` to ``root`` through labelled Values (depth first, no recursion)."""
    if w is root:
        return [Path((w,), (), 1.0)]
    found = []
    stack: list[tuple[tuple[Value, ...], tuple[float, ...]]] = [((w,), ())]
    while stack:
        values, factors = stack.pop()
        nexts = sorted(after[values[-1]].items(), key=lambda p: position[p[0]], reverse=True)
        for u, d in nexts:
            if u is root:
                product = 1.0
                for x in (*factors, d):
                    product *= x
                found.append(Path((*values, u), (*factors, d), product))
            else:
                stack.append(((*values, u), (*factors, d)))
    return found


# -- writing it: plain text and LaTeX from the same lines ------------------------------------


def _delta(label: str) -> str | None:
    """``δ₁⁽²⁾`` for ``z₁⁽²⁾``: the blog's name for ∂loss/∂zᵢ⁽ˡ⁾, or None for other labels."""
    if label.startswith("z") and len(label) > 1 and label[1] in _SUB:
        return "δ" + label[1:]
    return None


_SUB = "₀₁₂₃₄₅₆₇₈₉₋,"
_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁽⁾"
_PLAIN_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉₋", "0123456789-")
_PLAIN_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁽⁾", "0123456789-()")
_GREEK = {"δ": "\\delta", "σ": "\\sigma", "η": "\\eta", "∂": "\\partial"}
_LATEX_SPECIAL = {c: "\\" + c for c in "#$%&_{}"} | {
    "\\": "\\backslash ",
    "~": "\\sim ",
    "^": "\\hat{}",
}


def latex(label: str) -> str:
    """A label as LaTeX math: ``w₁₂⁽¹⁾`` → ``w_{12}^{(1)}``, ``δ₁⁽²⁾`` → ``\\delta_{1}^{(2)}``."""
    out: list[str] = []
    sub: list[str] = []
    sup: list[str] = []

    def flush() -> None:
        if sub:
            out.append("_{" + "".join(sub).translate(_PLAIN_SUB) + "}")
            sub.clear()
        if sup:
            out.append("^{" + "".join(sup).translate(_PLAIN_SUP) + "}")
            sup.clear()

    for c in label:
        if c in _SUB and not sup:
            sub.append(c)
        elif c in _SUP:
            sup.append(c)
        else:
            flush()
            if c.isascii() and c.isalnum():
                out.append(c)
            elif c in _GREEK:
                out.append(_GREEK[c] + " ")
            elif c in _LATEX_SPECIAL:
                out.append(_LATEX_SPECIAL[c])
            else:
                out.append(f"\\text{{{c}}}")
    flush()
    text = re.sub(r"(\\[a-z]+) (?=[_^]|$)", r"\1", "".join(out))
    return text if len(label) <= 1 or not label.isascii() else f"\\mathrm{{{text}}}"


class _Format:
    dot = " · "

    def name(self, v: Value, root: Value) -> str:
        return formula_name(v, root)

    def partial(self, top: Value, bottom: Value, root: Value) -> str:
        return f"∂{self.name(top, root)}/∂{self.name(bottom, root)}"

    def grad(self, v: Value, root: Value) -> str:
        delta = _delta(v.label) if v is not root else None
        return delta if delta else self.partial(root, v, root)

    def times(self, symbols: list[str]) -> str:
        return self.dot.join(symbols)

    def number(self, x: float) -> str:
        return format_number(x)

    def product(self, numbers: list[str]) -> str:
        return " × ".join(parenthesized(n) for n in numbers) or "1"

    def row(self, lhs: str, sign: str, symbols: str, numbers: str) -> list[str]:
        """``lhs sign symbols``, then ``= numbers`` under the symbols; a row without ``lhs``
        continues the one before."""
        if lhs:
            self._width = len(lhs)
        head = f"  {lhs or ' ' * self._width} {sign} "
        rows = [head + symbols]
        if numbers:
            rows.append(" " * len(head) + "= " + numbers)
        return rows

    def note(self, *parts: str | Value) -> str:
        return "".join(p if isinstance(p, str) else self._root_name(p) for p in parts)

    def delta_definition(self, root: Value) -> str:
        return f"  (δᵢ⁽ˡ⁾ = ∂{formula_name(root, root)}/∂zᵢ⁽ˡ⁾)"

    def _root_name(self, v: Value) -> str:
        return v.label or "the Value"

    _width = 0


class _Latex(_Format):
    dot = " \\cdot "

    def name(self, v: Value, root: Value) -> str:
        return latex(formula_name(v, root))

    def partial(self, top: Value, bottom: Value, root: Value) -> str:
        return f"\\frac{{\\partial {self.name(top, root)}}}{{\\partial {self.name(bottom, root)}}}"

    def grad(self, v: Value, root: Value) -> str:
        delta = _delta(v.label) if v is not root else None
        return latex(delta) if delta else self.partial(root, v, root)

    def product(self, numbers: list[str]) -> str:
        return " \\times ".join(parenthesized(n) for n in numbers) or "1"

    def row(self, lhs: str, sign: str, symbols: str, numbers: str) -> list[str]:
        tail = f" = {numbers}" if numbers else ""
        return [f"{lhs} &{sign} {symbols}{tail}"]

    def note(self, *parts: str | Value) -> str:
        text = "".join(
            f"\\text{{{p}}}" if isinstance(p, str) else latex(p.label or "the Value") for p in parts
        )
        return f"&{text}"

    def delta_definition(self, root: Value) -> str:
        z = "\\frac{\\partial " + latex(formula_name(root, root)) + "}{\\partial z_i^{(l)}}"
        return f"&\\text{{where }} \\delta_i^{{(l)}} = {z}"
