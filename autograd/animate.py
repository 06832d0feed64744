"""A player for reverse mode: the forward pass, then ``backward()`` one edge at a time.

``animate(loss)`` lays the graph out once (``draw_graph``'s picture) and plays frames over it:
first the Values appear in topological order, each with the line that computes it; then one
frame per :class:`~autograd.steps.Step` of ``backward_steps``: the edge in use lit, the line
``∂L/∂a += ∂L/∂c · ∂c/∂a = 0.31 × 2 = 0.62``, the receiving box's grad updated, and a Value
reached by several paths showing its sum build up.  ``Player.save("backprop.html")`` writes
one self-contained page (inline SVG, script and style; no network requests, works from
``file://``); in Jupyter a Player shows inline.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from .render import DEFAULT_MAX_NODES, FONT, build, format_number, graph_of, parenthesized
from .steps import Step, backward_steps
from .value import Value

__all__ = ["Player", "animate"]

NAME_LIMIT = 28  # characters of an unlabelled Value's name written as its expression


def _number(x: float) -> str:
    return parenthesized(format_number(x))


class Player:
    """The frames of one forward and backward pass over a graph, as a self-contained page.

    ``frames`` is the number of frames (the forward pass, the seed ∂L/∂L = 1, then one per
    step); ``steps`` the :class:`Step` list; ``html`` the page; ``save(path)`` writes it.
    """

    def __init__(self, svg: str, data: dict[str, object], steps: list[Step]):
        self.steps = steps
        self._svg = svg
        self._data = data

    @property
    def frames(self) -> int:
        """How many frames the page plays."""
        return len(self._data["values"]) + 1 + len(self.steps)  # type: ignore[arg-type]

    @property
    def html(self) -> str:
        """The whole page: inline SVG, frame data, script and style."""
        data = json.dumps(self._data, ensure_ascii=False).replace("</", "<\\/")
        return _PAGE.format(
            title=html.escape(f"Backpropagation through {self._data['root']}"),
            font=FONT,
            svg=self._svg,
            data=data,
            script=_SCRIPT,
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (e.g. ``"backprop.html"``); returns the path."""
        out = Path(path)
        out.write_text(self.html, encoding="utf-8")
        return out

    def _repr_html_(self) -> str:
        """The page in an iframe, so its script and ids stay its own in a notebook."""
        height = min(900, int(self._data["height"]) + 170)  # type: ignore[call-overload]
        return (
            f'<iframe srcdoc="{html.escape(self.html)}" '
            f'style="width: 100%; height: {height}px; border: 1px solid #dee2e6" '
            'sandbox="allow-scripts"></iframe>'
        )

    def __repr__(self) -> str:
        return (
            f"<Player: {self.frames} frames over {len(self._data['values'])} Values "  # type: ignore[arg-type]
            f"and {len(self.steps)} edges; .save('backprop.html') writes the page>"
        )


def animate(
    root: Value,
    *,
    params: Iterable[Value] | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Player:
    """The forward pass and then every step of ``root.backward()``, as a :class:`Player`.

    Nothing in the graph changes (the steps come from ``backward_steps``).  ``params`` colours
    parameters as ``draw_graph`` does; a graph of more than ``max_nodes`` Values is refused
    before anything is built, as ``draw_graph`` refuses it.
    """
    order = graph_of(root, max_nodes, "animate")
    steps = backward_steps(root)
    index = {v: k for k, v in enumerate(order)}
    final = {root: 1.0}
    edges_into: dict[Value, int] = {}
    for s in steps:
        final[s.input] = s.total
        edges_into[s.input] = edges_into.get(s.input, 0) + 1
    names = _names(order, root)
    svg = build(
        root,
        order,
        params=params,
        grad_text=lambda v: format_number(final.get(v, 0.0)),
        legend=True,
    ).pipe(format="svg", encoding="utf-8")
    svg = svg[svg.index("<svg") :]
    height = re.search(r'height="([\d.]+)pt"', svg)

    r = names[root]
    values = []
    for k, v in enumerate(order):
        if v.primitive is None:
            line = f"{names[v]} = {format_number(v.data)}" + ("" if v.label else " (a constant)")
        else:
            call = expression(v, [format_number(x.data) for x in v.inputs])
            line = f"{names[v]} = {call} = {format_number(v.data)}"
        values.append({"id": f"v{k}", "line": f"forward: {line}"})
    seen: dict[Value, list[str]] = {}
    frames = []
    for s in steps:
        a, c = names[s.input], names[s.node]
        parts = seen.setdefault(s.input, [])
        parts.append(_number(s.contribution))
        n = edges_into[s.input]
        line = (
            f"∂{r}/∂{a} += ∂{r}/∂{c} · ∂{c}/∂{a} = {_number(s.upstream)} × "
            f"{_number(s.local)} = {format_number(s.contribution)}"
        )
        total = ""
        if n > 1:
            rest = " + …" if len(parts) < n else ""
            total = (
                f"{a} is reached by {n} edges, {len(parts)} counted so far: ∂{r}/∂{a} = "
                f"{' + '.join(parts)}{rest} = {format_number(s.total)}"
            )
        frames.append(
            [
                index[s.node],
                index[s.input],
                s.index,
                line,
                total,
                format_number(s.total),
                len(parts) == n,
            ]
        )
    data: dict[str, object] = {
        "root": r,
        "values": values,
        "rootIndex": index[root],
        "steps": frames,
        "height": float(height.group(1)) * 4 / 3 if height else 600.0,
    }
    return Player(svg, data, steps)


def _names(order: list[Value], root: Value) -> dict[Value, str]:
    """What the lines call each Value: its label, else its expression if short, else its op."""
    names: dict[Value, str] = {}
    for v in order:
        if v.label:
            names[v] = v.label
        elif v.primitive is None:
            names[v] = format_number(v.data)
        elif v is root:
            names[v] = "L"
        else:
            text = expression(v, [names[x] for x in v.inputs])
            names[v] = f"({text})" if len(text) <= NAME_LIMIT else f"[{v.primitive.symbol}]"
    return names


def expression(v: Value, args: list[str]) -> str:
    """``v``'s op applied to ``args``, written with the symbol the picture shows:
    ``a × b``, ``σ(z)``, ``(a − y)²``."""
    op = v.primitive
    assert op is not None
    shown = [f"({a})" if " " in a or a.startswith("-") else a for a in args]
    symbol = op.symbol
    if op.infix and len(shown) == 2:  # + − × ÷, and ^ for a Value exponent
        return f"{shown[0]} {'^' if symbol == 'xʸ' else symbol} {shown[1]}"
    if len(shown) == 1 and (symbol.startswith("x") or symbol in ("−x", "|x|")):
        return symbol.replace("x", shown[0], 1)  # x², −x, |x|: the input in the x's place
    return f"{symbol}({', '.join(args)})"


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ margin: 0; font-family: {font}; color: #212529; background: #fff; }}
  header {{ position: sticky; top: 0; background: #f8f9fa; border-bottom: 1px solid #dee2e6;
           padding: 8px 12px; z-index: 1; }}
  .controls {{ display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }}
  button {{ font: inherit; min-width: 2.4em; padding: 2px 8px; cursor: pointer; }}
  input[type=range] {{ flex: 1; min-width: 160px; }}
  #counter {{ font-variant-numeric: tabular-nums; white-space: nowrap; }}
  #line {{ margin-top: 6px; font-size: 15px; min-height: 1.3em; }}
  #total {{ margin-top: 2px; font-size: 14px; color: #e8590c; min-height: 1.2em; }}
  .hint {{ color: #868e96; font-size: 12px; }}
  main {{ padding: 8px; }}
  main svg {{ max-width: 100%; height: auto; }}
  g.node, g.edge {{ transition: opacity 0.15s; }}
  .pending {{ opacity: 0.18; }}
  .active path {{ stroke: #1864ab; stroke-width: 3px; }}
  .active polygon {{ stroke: #1864ab; fill: #1864ab; }}
  g.node.active-number polygon, g.node.active-number path {{ stroke: #1864ab;
           stroke-width: 2px; }}
  .source {{ filter: drop-shadow(0 0 3px #1864ab) drop-shadow(0 0 2px #1864ab); }}
  .target {{ filter: drop-shadow(0 0 3px #e8590c) drop-shadow(0 0 2px #e8590c); }}
  text.partial {{ fill: #e8590c; font-style: italic; }}
</style>
</head>
<body>
<header>
  <div class="controls">
    <button id="first" title="first frame (Home)">|◀</button>
    <button id="prev" title="previous frame (←)">◀</button>
    <button id="play" title="play / pause (space)">play</button>
    <button id="next" title="next frame (→)">▶</button>
    <button id="last" title="last frame (End)">▶|</button>
    <input id="slider" type="range" min="0" value="0" aria-label="frame">
    <span id="counter"></span>
  </div>
  <div id="line"></div>
  <div id="total"></div>
  <div class="hint">← → step · Home / End first / last · space play / pause</div>
</header>
<main>
{svg}
</main>
<script type="application/json" id="frames">{data}</script>
<script>
{script}
</script>
</body>
</html>
"""

_SCRIPT = r"""
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("frames").textContent);
  const values = data.values, steps = data.steps, n = values.length;
  const frames = n + 1 + steps.length;
  const box = values.map(v => document.getElementById(v.id));
  function rowText(g, word) {
    for (const t of g.querySelectorAll("text")) {
      if (t.textContent.startsWith(word + " ")) return t;
    }
    return null;
  }
  function centred(t) {  // keep a changing text centred where dot centred the first one
    if (!t) return t;
    const b = t.getBBox();
    t.setAttribute("x", b.x + b.width / 2);
    t.setAttribute("text-anchor", "middle");
    return t;
  }
  const gradText = box.map(g => centred(rowText(g, "grad")));
  const edgesInto = box.map((g, k) => {
    const found = [];
    for (let j = 0; ; j++) {
      const parts = ["-in" + j + "a", "-in" + j + "b", "-d" + j, "-in" + j]
        .map(s => document.getElementById(values[k].id + s)).filter(e => e);
      if (!parts.length) break;
      found.push(parts);
    }
    return found;
  });
  const slider = document.getElementById("slider");
  const line = document.getElementById("line"), total = document.getElementById("total");
  const counter = document.getElementById("counter"), play = document.getElementById("play");
  slider.max = frames - 1;
  let frame = 0, timer = null;

  function mark(elements, cls, on) {
    for (const e of elements) e.classList.toggle(cls, on);
  }
  function light(e) {  // an edge half, or the number node on the edge
    e.classList.add(e.classList.contains("node") ? "active-number" : "active");
  }
  function show(f) {
    frame = Math.max(0, Math.min(frames - 1, f));
    slider.value = frame;
    document.querySelectorAll(".active, .active-number, .source, .target")
      .forEach(e => e.classList.remove("active", "active-number", "source", "target"));
    const known = Math.min(frame, n - 1);  // Values computed so far
    const grads = new Array(n).fill(null), complete = new Array(n).fill(true);
    const backward = frame >= n;
    if (backward) grads[data.rootIndex] = "1";
    const done = backward ? frame - n : 0;  // steps applied
    for (let s = 0; s < done; s++) {
      const [, input, , , , totalText, last] = steps[s];
      grads[input] = totalText;
      complete[input] = last;
    }
    box.forEach((g, k) => {
      g.classList.toggle("pending", k > known);
      for (const parts of edgesInto[k]) mark(parts, "pending", k > known);
      if (gradText[k]) {
        gradText[k].textContent = grads[k] === null ? "grad" : "grad " + grads[k];
        gradText[k].classList.toggle("partial", grads[k] !== null && !complete[k]);
      }
    });
    total.textContent = "";
    if (!backward) {
      line.textContent = values[frame].line;
      box[frame].classList.add("target");
      for (const parts of edgesInto[frame]) {
        for (const e of parts) light(e);
      }
    } else if (done === 0) {
      line.textContent = "backward: ∂" + data.root + "/∂" + data.root + " = 1, the seed";
      box[data.rootIndex].classList.add("target");
    } else {
      const [node, input, j, text, sum] = steps[done - 1];
      line.textContent = "backward: " + text;
      total.textContent = sum;
      box[node].classList.add("source");
      box[input].classList.add("target");
      for (const e of edgesInto[node][j]) light(e);
    }
    counter.textContent = "frame " + (frame + 1) + " of " + frames + (backward
      ? " · step " + done + " of " + steps.length
      : " · forward " + (frame + 1) + " of " + n);
  }
  function stop() { clearInterval(timer); timer = null; play.textContent = "play"; }
  function toggle() {
    if (timer) return stop();
    if (frame === frames - 1) show(0);
    play.textContent = "pause";
    timer = setInterval(() => { if (frame >= frames - 1) stop(); else show(frame + 1); }, 700);
  }
  document.getElementById("first").onclick = () => { stop(); show(0); };
  document.getElementById("prev").onclick = () => { stop(); show(frame - 1); };
  document.getElementById("next").onclick = () => { stop(); show(frame + 1); };
  document.getElementById("last").onclick = () => { stop(); show(frames - 1); };
  play.onclick = toggle;
  slider.oninput = () => { stop(); show(Number(slider.value)); };
  document.addEventListener("keydown", e => {
    const to = { ArrowRight: frame + 1, ArrowLeft: frame - 1, Home: 0, End: frames - 1 }[e.key];
    if (to !== undefined) { e.preventDefault(); stop(); show(to); }
    else if (e.key === " ") { e.preventDefault(); toggle(); }
  });
  show(0);
})();
"""
