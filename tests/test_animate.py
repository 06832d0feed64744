"""animate and its page: frame data against backward(), then the page in headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import nn
from autograd import Player, Value, animate, backward_steps, draw_graph, reverse_topological
from autograd.render import FONT, format_number

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def blog() -> tuple[nn.Network, Value]:
    net = nn.Network([3, 2, 2], activation="sigmoid", bias=False, seed=0)
    return net, nn.mse(net([0.5, -0.2, 0.1]), [1.0, 0.0])


def frame_data(player: Player) -> dict[str, Any]:
    found = re.search(r'id="frames">(.*?)</script>', player.html, re.S)
    assert found
    return json.loads(found.group(1))  # type: ignore[no-any-return]  # as JSON.parse reads it


def test_markup_in_a_label_stays_text_in_the_page() -> None:
    """The frames are JSON inside a <script> element: a label's "</" is written "<\\/", so
    that it cannot end that element, and JSON reads it back as "</"."""
    x = Value(0.5, "</script><b>x")
    player = animate((x * 2.0).sigmoid())
    page = player.html
    assert page.count("</script>") == page.count("<script")  # only the page's own elements end
    assert frame_data(player)["values"][0]["line"] == "forward: </script><b>x = 0.5"


def test_the_page_is_titled_by_its_root_and_written_in_the_drawing_font() -> None:
    page = animate(nn.mse([Value(0.5, "a").sigmoid()], [1.0])).html
    assert "<title>Backpropagation through MSE</title>" in page
    assert f"font-family: {FONT};" in page
    assert "<title>Backpropagation through L</title>" in animate(Value(0.5).exp()).html


def test_frames_are_the_forward_pass_the_seed_and_one_per_step() -> None:
    net, loss = blog()
    player = animate(loss, params=net.parameters())
    order = reverse_topological(loss)
    steps = backward_steps(loss)
    assert player.frames == len(order) + 1 + len(steps)
    data = frame_data(player)
    assert len(data["values"]) == len(order) and len(data["steps"]) == len(steps)
    last = data["values"][-1]["line"]
    assert last.startswith("forward: MSE = ") and last.endswith(f"= {format_number(loss.data)}")
    for step, row in zip(steps, data["steps"]):
        assert row[3].endswith(f"= {format_number(step.contribution)}")
        assert row[5] == format_number(step.total)
    assert all(v.grad == 0.0 for v in order)  # animate changes no grad


def test_the_line_of_a_step_reads_like_the_chain_rule() -> None:
    a = Value(2.0, label="a")
    b = Value(0.31, label="b")
    c = a * b
    c.label = "c"
    loss = c * 2.0 + a
    loss.label = "L"
    data = frame_data(animate(loss))
    lines = [row[3] for row in data["steps"]]
    assert "∂L/∂a += ∂L/∂c · ∂c/∂a = 2 × 0.31 = 0.62" in lines
    sums = [row[4] for row in data["steps"] if row[4]]
    assert sums[-1] == "a is reached by 2 edges, 2 counted so far: ∂L/∂a = 1 + 0.62 = 1.62"


def test_graphs_over_the_limit_are_refused_as_draw_graph_refuses_them() -> None:
    v = Value(1.0)
    for _ in range(300):
        v = v * 1.01
    with pytest.raises(ValueError, match=r"601 Values, more than max_nodes=500"):
        animate(v)
    with pytest.raises(ValueError, match=r"601 Values, more than max_nodes=500"):
        draw_graph(v)
    with pytest.raises(TypeError, match="max_nodes must be a positive integer"):
        animate(v, max_nodes=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="animate needs a Value, got int 3"):
        animate(3)  # type: ignore[arg-type]


def test_the_page_is_one_self_contained_file(tmp_path: Path) -> None:
    _, loss = blog()
    player = animate(loss)
    path = player.save(tmp_path / "backprop.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 1
    # nothing to fetch: no src= or href= at all, no url(…), no @import
    assert not re.search(r"\b(src|href)\s*=|url\(|@import", page)
    assert len(page) < 200_000  # light: one SVG, the frames are data
    inline = player._repr_html_()
    assert inline.startswith("<iframe srcdoc=") and inline.endswith(
        ' sandbox="allow-scripts"></iframe>'
    )
    assert "&lt;!DOCTYPE html&gt;" in inline
    # the page sits in one attribute: every " in it escaped, so the attribute ends where it should
    srcdoc = inline[len('<iframe srcdoc="') : inline.index('" style=')]
    assert '"' not in srcdoc and srcdoc.count("&quot;") == page.count('"')
    # the frame is as tall as the picture plus the controls (170 px), at most 900 px
    height = min(900, int(json.loads(_frames_json(page))["height"]) + 170)
    assert f"height: {height}px;" in inline
    tall = animate(_chain(60))._repr_html_()
    assert "height: 900px;" in tall
    small = animate(Value(0.5, "x").sigmoid())
    drawn = int(json.loads(_frames_json(small.html))["height"])
    assert drawn + 170 < 900 and f"height: {drawn + 170}px;" in small._repr_html_()
    assert "Player: 85 frames" in repr(player)


# -- in a real browser ---------------------------------------------------------------------


def _browser_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    why = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        why = "the playwright package is missing: pip install 'backprop-demystified[test]'"
    executable = _browser_path()
    if why is None and executable is None:
        why = "no Chromium found: `make test` installs it (apt-get install chromium)"
    if why is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run under CI: {why}")
        pytest.skip(why)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    page.problems = []  # console errors, page errors and any request but the page itself
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on(
        "request",
        lambda r: (
            (r.url.startswith("file://") and r.url.endswith(".html"))
            or page.problems.append(f"request {r.url}")
        ),
    )
    yield page
    context.close()


def grad_texts(page: Any, ids: list[str]) -> list[str]:
    return page.evaluate(
        """ids => ids.map(id => [...document.getElementById(id).querySelectorAll("text")]
              .map(t => t.textContent).find(t => t.startsWith("grad")))""",
        ids,
    )


def test_the_player_in_chromium(page: Any, tmp_path: Path) -> None:
    net, loss = blog()
    player = animate(loss, params=net.parameters())
    path = player.save(tmp_path / "backprop.html")
    page.goto(path.as_uri())
    slider = page.locator("#slider")
    assert slider.input_value() == "0"
    page.keyboard.press("ArrowRight")
    assert slider.input_value() == "1"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert slider.input_value() == "1"
    assert page.inner_text("#line").startswith("forward: ")
    page.keyboard.press("End")
    assert slider.input_value() == str(player.frames - 1)
    assert page.inner_text("#line").startswith("backward: ∂MSE/∂")
    order = list(reversed(reverse_topological(loss)))
    leaves = [v for v in order if not v.inputs and (v.label or True)]
    ids = [f"v{order.index(v)}" for v in leaves]
    shown = grad_texts(page, ids)
    loss.backward()  # the engine's own answer, after the page was made
    for v, text in zip(leaves, shown):
        if v.label:  # constants show no grad row
            assert text == f"grad {format_number(v.grad)}", v.label
    page.keyboard.press("Home")
    assert slider.input_value() == "0"
    assert all(t == "grad" for t in grad_texts(page, ids) if t)  # nothing computed yet
    page.click("#next")
    assert slider.input_value() == "1"
    assert page.problems == []


def test_text_fits_its_boxes_in_chromium(page: Any, tmp_path: Path) -> None:
    net, loss = blog()
    loss.backward()
    svg = draw_graph(loss, params=net.parameters()).pipe(format="svg", encoding="utf-8")
    path = tmp_path / "graph.svg"
    path.write_text(svg, encoding="utf-8")
    page.goto(path.as_uri())
    overflow = page.evaluate(
        """() => [...document.querySelectorAll("g.node")].flatMap(g => {
             const shapes = [...g.querySelectorAll("polygon, path")].map(s => s.getBBox());
             const outer = shapes.reduce((a, b) => a.width * a.height > b.width * b.height ? a : b);
             return [...g.querySelectorAll("text")].filter(t => {
               const b = t.getBBox();
               return b.x < outer.x - 0.5 || b.x + b.width > outer.x + outer.width + 0.5;
             }).map(t => t.textContent);
           })"""
    )
    assert overflow == []
    assert page.evaluate("getComputedStyle(document.querySelector('text')).fontFamily").startswith(
        '"DejaVu Sans"'
    )


def test_lines_write_infix_only_the_operators_and_call_the_rest() -> None:
    from autograd import primitive
    from autograd.animate import expression

    hypot = primitive(
        "hypot", lambda a, b: (a * a + b * b) ** 0.5, lambda a, b, out: (a / out, b / out)
    )
    a, b = Value(3.0, "a"), Value(4.0, "b")
    assert expression(a * b, ["a", "b"]) == "a × b"
    assert expression(a**b, ["a", "b"]) == "a ^ b"
    assert expression(hypot(a, b), ["a", "b"]) == "hypot(a, b)"
    assert expression(a**2, ["a"]) == "a²"
    # only the x the symbol starts with is the input; a later x is a letter of a word
    clipped = primitive("clipped", lambda a: max(a, 0.0), lambda a, out: (1.0,), "x max 0")
    assert expression(clipped(a), ["a"]) == "a max 0"


def test_an_unlabelled_root_is_L_and_others_are_named_by_expressions_up_to_28_chars() -> None:
    a, b, c = Value(2.0, "a" * 12), Value(3.0, "b" * 13), Value(0.5, "c" * 14)
    short = a * b  # written out, a × b: 28 characters
    long = a * c  # 29 characters: named by its op
    data = frame_data(animate(short + long))
    named = f"({a.label} × {b.label})"
    assert data["root"] == "L"
    assert [v["line"] for v in data["values"][3:]] == [
        f"forward: {named} = 2 × 3 = 6",
        "forward: [×] = 2 × 0.5 = 1",
        "forward: L = 6 + 1 = 7",
    ]
    assert data["steps"][0][3] == f"∂L/∂{named} += ∂L/∂L · ∂L/∂{named} = 1 × 1 = 1"
    assert data["steps"][1][3] == "∂L/∂[×] += ∂L/∂L · ∂L/∂[×] = 1 × 1 = 1"


def test_the_picture_shows_what_draw_graph_shows_after_backward() -> None:
    # the boxes hold the final grads (dot sizes each box for its widest text; a page whose
    # script cannot run shows them) and the root is coloured as the output; only the
    # tooltips differ, as they hold .grad, still 0 when animate ran
    net, loss = blog()
    page = animate(loss, params=net.parameters()).html
    svg = page[page.index("<main>\n") + len("<main>\n") : page.index("\n</main>")]
    loss.backward()
    drawn = draw_graph(loss, params=net.parameters()).pipe(format="svg", encoding="utf-8")
    drawn = drawn[drawn.index("<svg") :]
    assert "grad 1</text>" in drawn  # the root's seed, ∂MSE/∂MSE

    def no_tooltips(svg: str) -> str:
        return re.sub(r' xlink:title="[^"]*"', "", svg)

    assert no_tooltips(svg) == no_tooltips(drawn)


def _frames_json(page: str) -> str:
    return page.split('<script type="application/json" id="frames">', 1)[1].split("</script>")[0]


def _chain(n: int) -> Value:
    v = Value(0.5, "x")
    for _ in range(n):
        v = v * 1.5
    return v


def test_the_frames_of_a_small_graph_whole() -> None:
    # what the page's script plays: each Value's forward line (constants say so, unlabelled
    # Values are named by their expression), then every edge update with its running sum;
    # ∂L/∂b = −1 (through |b|) + 2(c + 10)·a = 15, reached by 2 edges
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    c.label = "c"
    loss = (c + 10.0) ** 2 + (-a).exp() * 0.0 + abs(b)
    loss.label = "L"
    page = animate(loss).html
    data = json.loads(_frames_json(page))
    svg_height = float(re.search(r'<svg[^>]* height="([\d.]+)pt"', page).group(1))  # type: ignore[union-attr]
    assert data.pop("height") == svg_height * 4 / 3  # points to pixels
    golden = Path(__file__).resolve().parent / "golden" / "player-frames.json"
    assert data == json.loads(golden.read_text(encoding="utf-8"))
    assert data["steps"][-1][3:] == [
        "∂L/∂b += ∂L/∂c · ∂c/∂b = 8 × 2 = 16",
        "b is reached by 2 edges, 2 counted so far: ∂L/∂b = (-1) + 16 = 15",
        "15",
        True,
    ]


def test_the_page_is_saved_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    # in an ASCII locale (a bare container's C locale, with Python's coercions turned off),
    # ∂ and σ still go to the file, as UTF-8
    script = (
        "import sys; from autograd import Value, animate\n"
        "x = Value(0.5, 'x')\n"
        "animate(x.sigmoid()).save(sys.argv[1])\n"
    )
    env = dict(os.environ, LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    out = tmp_path / "page.html"
    done = subprocess.run(
        [sys.executable, "-c", script, str(out)], env=env, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "σ" in out.read_bytes().decode("utf-8")


def test_the_page_is_saved_as_utf8_where_the_default_encoding_is_ascii(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the test above in this process: the default that write_text and open fall back on
    # (io.text_encoding) made ASCII, as in a C locale
    import io

    monkeypatch.setattr(io, "text_encoding", lambda encoding, stacklevel=2: encoding or "ascii")
    path = animate(Value(0.5, "x").sigmoid()).save(tmp_path / "page.html")
    assert "σ" in path.read_bytes().decode("utf-8")
