"""The demo command: what it prints, the files it writes, and its handling of bad options."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import nn
from autograd.render import PARAM_COLOR
from nn.cli import SAMPLE_X, SAMPLE_Y, main, parse_args
from nn.data import toy_task


def test_demo_prints_the_walk_through_and_writes_every_file(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--out", str(out), "--epochs", "40", "--seed", "3"]) == 0
    text = capsys.readouterr().out

    # The expected numbers come from the δ formulas (plain floats, no autograd).
    by_hand = nn.backprop(nn.Network([3, 2, 2], bias=False, seed=3), SAMPLE_X, SAMPLE_Y)
    assert f"MSE = Σᵢ (xᵢ⁽³⁾ − yᵢ)² = {by_hand.loss:.6f}" in text
    for row in by_hand.weight_grads[0] + by_hand.weight_grads[1]:
        assert text.count("[" + " ".join(f"{g:+.6f}" for g in row) + "]") == 3  # three methods
    assert "autograd" in text and "δ formulas" in text and "finite differences" in text
    worst = re.search(r"autograd vs finite differences (\S+)", text)
    assert worst and float(worst.group(1)) < 1e-8

    before, after = map(float, re.search(r"before (\S+), after (\S+);", text).groups())
    assert after < before

    for svg in ("graph.svg", "network.svg"):
        root = ET.parse(out / svg).getroot()  # well-formed SVG
        assert root.tag.endswith("svg")
    assert "MSE" in (out / "graph.svg").read_text()
    page = (out / "backprop.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert f"Player: {out / 'backprop.html'}" in text
    assert (out / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    trained = nn.Network.load(out / "weights.json")
    assert trained.sizes == [3, 2, 2] and json.loads((out / "weights.json").read_text())
    assert not list(out.glob("*.gv"))  # no stray DOT sources beside the pictures


def test_without_matplotlib_the_weights_are_saved_and_the_plot_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` fails
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    assert main(["--out", str(tmp_path), "--epochs", "2"]) == 0
    text = capsys.readouterr().out
    assert "loss.png skipped: matplotlib is not installed" in text
    assert "pip install 'backprop-demystified[plot]'" in text
    assert not (tmp_path / "loss.png").exists()
    assert nn.Network.load(tmp_path / "weights.json").sizes == [3, 2, 2]


def test_without_graphviz_the_dot_sources_are_saved_and_training_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `dot` anywhere
    out = tmp_path / "out"
    assert main(["--out", str(out), "--epochs", "2"]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("apt-get install graphviz") == 1  # the hint, once
    assert "Drawn:" not in captured.out
    assert sorted(p.name for p in out.iterdir()) == [
        "graph.gv",
        "loss.png",
        "network.gv",
        "weights.json",
    ]
    assert (out / "graph.gv").read_text(encoding="utf-8").startswith("digraph computation_graph")
    assert "w₁₂⁽¹⁾" in (out / "network.gv").read_text(encoding="utf-8")
    for name, what in [
        ("graph", "the MSE's computation graph, local derivatives on the edges"),
        ("network", "the network, weights and their gradients on the edges"),
    ]:
        said = f"Not drawn, `dot` is missing: {out / (name + '.gv')} holds the DOT source ({what})"
        assert said in captured.out
    assert "before" in captured.out and "after" in captured.out  # training ran
    assert nn.Network.load(out / "weights.json").sizes == [3, 2, 2]
    last = captured.err.splitlines()[-1]  # after the work: why exit status 1, and the way out
    assert last.startswith("backprop-demo: the pictures were saved as DOT source (.gv) ")
    for words in ("Graphviz's `dot` is missing;", "`dot -Tsvg graph.gv -o graph.svg` draws one"):
        assert words in last


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--out", "--seed", "--epochs", "--lr"):
        assert option in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--epochs", "0"], "expected a positive integer, got 0"),
        (["--epochs", "ten"], "expected a positive integer, got 'ten'"),
        (["--lr", "-1"], "expected a positive number, got -1"),
        (["--lr", "nan"], "expected a positive number, got nan"),
        (["--seed", "1.5"], "expected an integer, got '1.5'"),
        (["--colour"], "unrecognized arguments: --colour"),
    ],
)
def test_bad_options_exit_non_zero_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_unusable_output_folder_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["--out", str(blocker / "sub"), "--epochs", "1"]) == 1
    assert "backprop-demo:" in capsys.readouterr().err


def test_runs_as_a_module(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "nn", "--out", str(tmp_path), "--epochs", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "∇W⁽¹⁾ (2×3)" in result.stdout and (Path(tmp_path) / "network.svg").exists()


def test_the_cli_module_runs_as_itself_too():
    command = [sys.executable, "-m", "nn.cli", "--help"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "--out" in result.stdout and "--seed" in result.stdout


def test_out_naming_a_file_is_one_clear_line(tmp_path, capsys):
    blocker = tmp_path / "afile"
    blocker.write_text("mine")
    assert main(["--out", str(blocker), "--epochs", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "afile is a file, not a folder" in err
    assert blocker.read_text() == "mine"


@pytest.mark.parametrize(
    "name",
    [
        "graph.svg",
        "graph.gv",
        "network.svg",
        "network.gv",
        "backprop.html",
        "loss.png",
        "weights.json",
    ],
)
def test_an_output_file_that_is_a_folder_is_one_clear_line_before_any_work(tmp_path, capsys, name):
    (tmp_path / name).mkdir()
    assert main(["--out", str(tmp_path), "--epochs", "1"]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and f"{name} is a folder" in captured.err
    assert captured.out == ""  # refused before printing, computing or writing anything
    assert os.listdir(tmp_path) == [name]


def test_ctrl_c_during_training_saves_the_work_done_and_exits_130(tmp_path):
    import signal
    import time

    child = subprocess.Popen(
        [sys.executable, "-m", "nn", "--out", str(tmp_path), "--epochs", "100000000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C raises KeyboardInterrupt in the child even when this process ignores SIGINT
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert child.stdout is not None
    for line in child.stdout:  # wait until training has started, then a little longer
        if line.startswith("Training on"):
            break
    time.sleep(1.5)
    child.send_signal(signal.SIGINT)
    rest, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "Interrupted (Ctrl-C) after" in rest and "of 100000000 epochs" in rest
    assert "Traceback" not in err
    epochs = int(re.search(r"after (\d+) of", rest).group(1))
    assert epochs > 0
    saved = nn.Network.load(tmp_path / "weights.json")
    assert saved.sizes == [3, 2, 2]
    assert (tmp_path / "loss.png").stat().st_size > 0


# The whole walk-through for seed 0 and 3 epochs (tests/golden): the numbers are the README's
# (∇W⁽¹⁾, ∇W⁽²⁾ and the MSE agree with the δ formulas, as the first test checks); only the
# finite differences' last digits may vary with the platform's math library.
TRANSCRIPT = Path(__file__).resolve().parent / "golden" / "demo-seed0-epochs3.txt"


def test_the_whole_walk_through(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--out", str(out), "--epochs", "3", "--seed", "0"]) == 0
    lines = capsys.readouterr().out.rstrip("\n").split("\n")
    text = TRANSCRIPT.read_text(encoding="utf-8").rstrip("\n")
    expected = [line.replace("{out}", str(out)) for line in text.split("\n")]
    assert len(lines) == len(expected)
    for got, want in zip(lines, expected):
        if "autograd vs finite differences" in want:
            want, got = want[: want.rindex(" ")], got[: got.rindex(" ")]
        assert got == want
    with (out / "loss.png").open("rb") as png:  # 6 × 3.5 inches at 120 dpi
        assert struct.unpack(">II", png.read(24)[16:24]) == (720, 420)


def test_help_says_what_each_option_does_and_its_default(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert text.startswith("usage: backprop-demo [-h] [--out OUT] [--seed SEED]")
    for words in [
        "Walk through the blog's 3-2-2 sigmoid network: forward pass, MSE, every ∂MSE/∂wᵢⱼ "
        "computed three ways (autograd, δ formulas, finite differences), the computation graph "
        "and the network drawn to SVG, then training on a small task.",
        "--out OUT folder for graph.svg, network.svg, backprop.html, loss.png and weights.json "
        "(created if missing; default: demo-output)",
        "--seed SEED seeds the weights and the data (default: 0)",
        "--epochs EPOCHS training epochs (default: 300)",
        "--lr LR SGD learning rate η (default: 2.0)",
    ]:
        assert words in text


def test_the_defaults_are_the_ones_the_help_states():
    args = parse_args([])
    assert (args.out, args.seed, args.epochs, args.lr) == (Path("demo-output"), 0, 300, 2.0)


def test_the_pictures_show_the_parameters_and_the_sample(tmp_path, capsys):
    out = tmp_path / "nested" / "out"  # folders made as needed
    assert main(["--out", str(out), "--epochs", "1", "--lr", "0.5"]) == 0
    graph = (out / "graph.svg").read_text(encoding="utf-8")
    assert graph.count(f'fill="{PARAM_COLOR}"') == 11  # ten weights and the legend, green
    network = (out / "network.svg").read_text(encoding="utf-8")
    assert "= 0.5325" in network  # x₁⁽²⁾ at the sample input
    page = (out / "backprop.html").read_text(encoding="utf-8")
    assert page.count(f'fill="{PARAM_COLOR}"') == 11
    assert "SGD, η = 0.5, 1 epochs" in capsys.readouterr().out


@pytest.mark.parametrize("lr", ["0", "inf", "abc", "-0.5"])
def test_the_learning_rate_must_be_a_positive_finite_number(lr, capsys):
    with pytest.raises(SystemExit):
        parse_args(["--lr", lr])
    shown = repr(lr) if lr == "abc" else lr
    assert f"argument --lr: expected a positive number, got {shown}" in capsys.readouterr().err
    assert parse_args(["--lr", "1e-300"]).lr == 1e-300 and parse_args(["--lr", "0.5"]).lr == 0.5


def test_the_loss_plot_is_the_history_on_a_log_scale(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from nn.cli import _plot_loss

    seen = {}
    save = Figure.savefig

    def savefig(fig, *args, **kwargs):
        (ax,) = fig.axes
        (line,) = ax.get_lines()
        gridline = ax.xaxis.get_gridlines()[0]
        seen.update(
            x=list(line.get_xdata()),
            y=list(line.get_ydata()),
            labels=(ax.get_xlabel(), ax.get_ylabel(), ax.get_title()),
            scale=ax.get_yscale(),
            grid=(gridline.get_visible(), gridline.get_alpha()),
            size=tuple(fig.get_size_inches()),
        )
        return save(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _plot_loss([0.5, 0.25, 0.125], tmp_path / "loss.png") == tmp_path / "loss.png"
    assert [str(w.message) for w in caught] == []  # matplotlib found nothing to complain of
    assert seen == {
        "x": [1, 2, 3],  # epochs count from 1
        "y": [0.5, 0.25, 0.125],
        "labels": ("epoch", "mean MSE", "Training the 3-2-2 network"),
        "scale": "log",
        "grid": (True, 0.3),
        "size": (6.0, 3.5),
    }


def test_ctrl_c_before_the_first_epoch_ends_skips_the_plot_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def stopped_in_the_first_epoch(net: nn.Network, *args: object, **kwargs: object) -> nn.History:
        # the steps taken made W⁽²⁾'s rows equal: the two outputs tie on every point
        for w, same in zip(net.weights[1][1], net.weights[1][0]):
            w.data = same.data
        history = nn.History()
        history.interrupted, history.steps = True, 3
        return history

    monkeypatch.setattr("nn.cli.train", stopped_in_the_first_epoch)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `dot`: no time spent drawing
    out = tmp_path / "out"
    assert main(["--out", str(out), "--epochs", "5"]) == 130
    text = capsys.readouterr().out
    assert "\n  loss.png skipped: no epoch was complete\n" in text
    assert not (out / "loss.png").exists()  # no curve drawn from an empty history
    saved = nn.Network.load(out / "weights.json").weight_matrices()[1]
    assert saved[0] == saved[1]  # the weights as training left them
    last = text.splitlines()[-1]
    assert last.startswith("Interrupted (Ctrl-C) after 0 of 5 epochs: the weights and the loss ")
    assert last.endswith(" curve above are those of the training done so far")
    # a tie is read as the second class, [0, 1]: only those points count as right
    _, ys = toy_task(0)
    second = sum(y == [0.0, 1.0] for y in ys)
    assert second != len(ys) - second
    assert f"; {second}/{len(ys)} classified right" in text


def test_ctrl_c_outside_training_is_one_line_on_stderr_and_exit_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("nn.cli.draw_graph", interrupted)  # Ctrl-C while drawing
    assert main(["--out", str(tmp_path), "--epochs", "1"]) == 130
    captured = capsys.readouterr()
    assert "Backpropagation" in captured.out and "Training" not in captured.out
    # on a line of its own, below the ^C the terminal echoes
    assert captured.err.splitlines() == ["", "backprop-demo: interrupted (Ctrl-C)"]
    assert not (tmp_path / "weights.json").exists()
