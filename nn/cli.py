"""``backprop-demo`` (also ``python -m nn``): the blog's 3-2-2 network, start to finish.

Forward pass, MSE, ∇W⁽¹⁾ and ∇W⁽²⁾ three ways (autograd, the δ formulas, finite differences),
the computation graph and the network drawn to SVG, then training with a loss curve.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import graphviz

from autograd import animate, draw_graph

from .backprop import autograd_grad_matrices, backprop, numerical_grad_matrices
from .data import toy_task
from .losses import mse
from .module import Network
from .notation import neuron_label, superscript
from .train import train
from .validate import Matrix

SIZES = [3, 2, 2]
SAMPLE_X = [0.5, -0.2, 0.1]
SAMPLE_Y = [1.0, 0.0]
PLOT_HINT = "pip install 'backprop-demystified[plot]'"
INTERRUPTED = 130  # the exit status of a program stopped by Ctrl-C (128 + SIGINT)


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {n}")
    return n


def _positive_float(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not 0.0 < x < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return x


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="backprop-demo",
        description=(
            "Walk through the blog's 3-2-2 sigmoid network: forward pass, MSE, every ∂MSE/∂wᵢⱼ "
            "computed three ways (autograd, δ formulas, finite differences), the computation "
            "graph and the network drawn to SVG, then training on a small task."
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("demo-output"),
        help="folder for graph.svg, network.svg, backprop.html, loss.png and weights.json "
        "(created if missing; default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=_int, default=0, help="seeds the weights and the data (default: 0)"
    )
    parser.add_argument(
        "--epochs", type=_positive_int, default=300, help="training epochs (default: 300)"
    )
    parser.add_argument(
        "--lr", type=_positive_float, default=2.0, help="SGD learning rate η (default: 2.0)"
    )
    return parser.parse_args(argv)


def _row(numbers: Sequence[float]) -> str:
    return "[" + " ".join(f"{x:+.6f}" for x in numbers) + "]"


def _vector(name: str, numbers: Sequence[float]) -> str:
    return f"  {name} = {_row(numbers)}"


def _side_by_side(title: str, matrices: dict[str, Matrix]) -> list[str]:
    """One matrix per method, rows aligned, under a shared title."""
    blocks = {name: [_row(r) for r in m] for name, m in matrices.items()}
    width = max(len(line) for lines in blocks.values() for line in lines)
    head = "  ".join(f"{name:<{width}}" for name in blocks)
    lines = [f"  {title}", f"    {head}"]
    for k in range(len(next(iter(blocks.values())))):
        lines.append("    " + "  ".join(f"{b[k]:<{width}}" for b in blocks.values()))
    return [line.rstrip() for line in lines]


def _max_difference(a: list[Matrix], b: list[Matrix]) -> float:
    return max(abs(p - q) for ma, mb in zip(a, b) for ra, rb in zip(ma, mb) for p, q in zip(ra, rb))


OUTPUTS = (
    "graph.svg",
    "graph.gv",
    "network.svg",
    "network.gv",
    "backprop.html",
    "loss.png",
    "weights.json",
)
"""The files the demo writes into ``--out`` (the .gv files are dot's input, removed after)."""


def prepare_output(out: Path) -> None:
    """Make the output folder, and refuse, before any work, one that cannot take the files."""
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(
            f"--out {out} is a file, not a folder; give a folder (it is made if missing)"
        )
    out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:
        if (out / name).is_dir():
            raise IsADirectoryError(
                f"{out / name} is a folder, where the demo writes a file; move it or choose "
                "another --out"
            )


def run(args: argparse.Namespace) -> int:
    """The walk-through; returns the exit status (1 when a picture could not be drawn)."""
    out: Path = args.out
    prepare_output(out)
    net = Network(SIZES, activation="sigmoid", bias=False, seed=args.seed)

    print("The blog's network: x⁽²⁾ = σ(W⁽¹⁾·x⁽¹⁾), x⁽³⁾ = σ(W⁽²⁾·x⁽²⁾), no biases")
    for l, matrix in enumerate(net.weight_matrices(), start=1):  # noqa: E741
        print(f"  W⁽{superscript(l)}⁾ =")
        for row in matrix:
            print(f"    {_row(row)}")

    print("\nForward pass")
    layers = net.forward_all(SAMPLE_X)
    for l, layer in enumerate(layers, start=1):  # noqa: E741
        print(_vector(f"x⁽{superscript(l)}⁾", [v.data for v in layer]))
    print(_vector("y   ", SAMPLE_Y))
    loss = mse(layers[-1], SAMPLE_Y)
    print(f"  MSE = Σᵢ (xᵢ⁽³⁾ − yᵢ)² = {loss.data:.6f}")

    print("\nBackpropagation: ∂MSE/∂wᵢⱼ three ways")
    methods = {
        "autograd": autograd_grad_matrices(net, SAMPLE_X, SAMPLE_Y),
        "δ formulas": backprop(net, SAMPLE_X, SAMPLE_Y).weight_grads,
        "finite differences": numerical_grad_matrices(net, SAMPLE_X, SAMPLE_Y),
    }
    for l in range(len(net.weights)):  # noqa: E741
        rows, cols = len(net.weights[l]), len(net.weights[l][0])
        title = f"∇W⁽{superscript(l + 1)}⁾ ({rows}×{cols})"
        print("\n".join(_side_by_side(title, {k: m[l] for k, m in methods.items()})))
    auto = methods["autograd"]
    print(
        "  largest disagreement: "
        f"autograd vs δ formulas {_max_difference(auto, methods['δ formulas']):.1e}, "
        f"autograd vs finite differences "
        f"{_max_difference(auto, methods['finite differences']):.1e}"
    )

    loss.backward()  # so the drawings show every grad
    print()
    dot_missing = False
    pictures = {
        "graph": (
            draw_graph(loss, params=net.parameters()),
            "the MSE's computation graph, local derivatives on the edges",
        ),
        "network": (
            net.draw(x=SAMPLE_X),
            "the network, weights and their gradients on the edges",
        ),
    }
    for name, (g, what) in pictures.items():
        try:
            path = g.render(outfile=out / f"{name}.svg", cleanup=True)
        except graphviz.ExecutableNotFound as exc:  # autograd.render.GraphvizNotFoundError
            path = g.save(out / f"{name}.gv")
            print(f"Not drawn, `dot` is missing: {path} holds the DOT source ({what})")
            if not dot_missing:
                print(f"backprop-demo: {exc}", file=sys.stderr)
                dot_missing = True
        else:
            print(f"Drawn: {path} ({what})")
    if not dot_missing:
        page = animate(loss, params=net.parameters()).save(out / "backprop.html")
        print(f"Player: {page} (backward() step by step; open it in a browser)")

    xs, ys = toy_task(args.seed)
    inputs = ", ".join(neuron_label(1, j) for j in range(1, 4))
    print(
        f"\nTraining on {len(xs)} points ({inputs}) in [−1, 1]³, target [1, 0] when x₁⁽¹⁾ > x₃⁽¹⁾ "
        f"else [0, 1]: SGD, η = {args.lr:g}, {args.epochs} epochs"
    )
    before = _mean_loss(net, xs, ys)
    history = train(net, xs, ys, epochs=args.epochs, lr=args.lr, shuffle=True, seed=args.seed)
    after = _mean_loss(net, xs, ys)
    correct = sum(
        (out[0].data > out[1].data) == (y[0] > y[1])
        for out, y in ((net(x), y) for x, y in zip(xs, ys))
    )
    print(
        f"  mean MSE before {before:.4f}, after {after:.4f}; {correct}/{len(xs)} classified right"
    )
    weights = out / "weights.json"
    net.save(weights)  # before plotting, so a missing matplotlib cannot cost the weights
    print(f"  trained weights: {weights}")
    curve = _plot_loss(history, out / "loss.png") if history else None
    if not history:
        print("  loss.png skipped: no epoch was complete")
    elif curve is None:
        print(f"  loss.png skipped: matplotlib is not installed; {PLOT_HINT}")
    else:
        print(f"  loss curve: {curve}")
    if history.interrupted:
        print(
            f"Interrupted (Ctrl-C) after {len(history)} of {args.epochs} epochs: the weights and "
            "the loss curve above are those of the training done so far"
        )
        return INTERRUPTED
    if not dot_missing:
        return 0
    print(
        "backprop-demo: the pictures were saved as DOT source (.gv) because Graphviz's `dot` is "
        "missing; once it is installed, `dot -Tsvg graph.gv -o graph.svg` draws one",
        file=sys.stderr,
    )
    return 1


def _mean_loss(net: Network, xs: list[list[float]], ys: list[list[float]]) -> float:
    return sum(mse(net(x), y).data for x, y in zip(xs, ys)) / len(xs)


def _plot_loss(history: list[float], path: Path) -> Path | None:
    """Draw the loss curve to ``path``; None when matplotlib (the ``plot`` extra) is missing."""
    try:
        import matplotlib
    except ImportError:
        return None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(range(1, len(history) + 1), history)
    ax.set(xlabel="epoch", ylabel="mean MSE", title="Training the 3-2-2 network", yscale="log")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``backprop-demo`` and ``python -m nn``; returns the exit status."""
    args = parse_args(argv)
    try:
        return run(args)
    except (OSError, subprocess.CalledProcessError) as exc:  # a file it cannot write; dot failing
        print(f"backprop-demo: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # outside training, which stops at a step and saves its work
        print("\nbackprop-demo: interrupted (Ctrl-C)", file=sys.stderr)
        return INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
