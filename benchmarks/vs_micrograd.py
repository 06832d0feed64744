"""This engine against micrograd, same driver code, one process, alternating runs.

    .venv/bin/python benchmarks/vs_micrograd.py [--rounds N] [--steps K]

Prints, for each engine: the time of one forward+backward+SGD step of a 2-16-16-1 ReLU MLP
over 100 samples with three drivers, the bytes per graph node of that step's graph
(tracemalloc), and backward over a 1,000,000-node chain.  A timed run is K steps of one
engine, with the garbage collector running as it does for a user, then a final
``gc.collect()``, all counted in that engine's time (so the cycles micrograd's closures leave
behind are paid for by micrograd); the engines take turns, run after run.  The drivers:

* squared error: Σ (net(x) − y)², Values almost everywhere;
* hinge + chain: a per-sample hinge loss (1 + −y·s).relu() and then a chain
  x = x·1.0001 + 0.0, where plain numbers meet Values at almost every operation;
* hinge (the moons-style step of compiled mode): the mean of the per-sample hinge losses,
  also run compiled (``autograd.compile`` of one sample's loss, ``map`` over the 100
  samples), with the time to trace and generate the code for one sample.
"""

from __future__ import annotations

import argparse
import functools
import gc
import itertools
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from micrograd.engine import Value as MicrogradValue

import autograd
from autograd import Value as OurValue

ENGINES: dict[str, Any] = {"backprop-demystified": OurValue, "micrograd": MicrogradValue}
SIZES = [2, 16, 16, 1]
SAMPLES = 100
CHAIN = 1_000_000
HINGE_CHAIN = 200  # deep enough to matter, shallow enough for micrograd's recursion


class MLP:
    """A ReLU MLP written only with operators both engines have (the shared driver code)."""

    def __init__(self, value: Any, sizes: list[int], rng: random.Random) -> None:
        self.layers = [
            [([value(rng.uniform(-1, 1)) for _ in range(n_in)], value(0.0)) for _ in range(n_out)]
            for n_in, n_out in itertools.pairwise(sizes)
        ]
        self.params = [p for layer in self.layers for w, b in layer for p in (*w, b)]

    def __call__(self, x: list[Any]) -> Any:
        for k, layer in enumerate(self.layers):
            x = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
            if k < len(self.layers) - 1:
                x = [v.relu() for v in x]
        return x[0]


def make_data(rng: random.Random) -> tuple[list[list[float]], list[float]]:
    xs = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(SAMPLES)]
    ys = [1.0 if a * b > 0 else -1.0 for a, b in xs]
    return xs, ys


def loss_of(net: MLP, value: Any, xs: list[list[float]], ys: list[float]) -> Any:
    """The squared error Σ (net(x) − y)²."""
    return sum(((net(x) - y) ** 2 for x, y in zip(xs, ys)), value(0.0))


def sample_hinge(net: MLP, x: list[Any], y: Any) -> Any:
    """One sample's hinge loss: the moons-style step averages it over the samples."""
    return (1 + -y * net(x)).relu()


def mean_hinge_of(net: MLP, value: Any, xs: list[list[float]], ys: list[float]) -> Any:
    """The mean of the per-sample hinge losses, built as one graph (eager, micrograd)."""
    return sum((sample_hinge(net, x, y) for x, y in zip(xs, ys)), value(0.0)) * (1.0 / len(xs))


def hinge_loss_of(net: MLP, value: Any, xs: list[list[float]], ys: list[float]) -> Any:
    """A per-sample hinge loss, then a chain that mixes plain numbers into every operation."""
    loss = mean_hinge_of(net, value, xs, ys)
    for _ in range(HINGE_CHAIN):
        loss = loss * 1.0001 + 0.0
    return loss


DRIVERS = {"squared error": loss_of, "hinge + chain": hinge_loss_of, "hinge": mean_hinge_of}
COMPILED = "compiled"  # autograd.compile: measured on the "hinge" driver


def step(net: MLP, value: Any, xs: list[list[float]], ys: list[float], loss_fn: Any) -> float:
    loss = loss_fn(net, value, xs, ys)
    for p in net.params:
        p.grad = 0.0
    loss.backward()
    for p in net.params:
        p.data -= 0.01 * p.grad
    return float(loss.data)


def compiled_step(
    net: MLP, fast: autograd.Compiled, xs: list[list[float]], ys: list[float]
) -> float:
    """The "hinge" step compiled: each sample's loss and gradient by the generated code."""
    for p in net.params:
        p.grad = 0.0
    losses = fast.map(xs, ys, scale=1.0 / len(xs))
    for p in net.params:
        p.data -= 0.01 * p.grad
    return sum(losses) / len(losses)


def trace_seconds(net: MLP, xs: list[list[float]], ys: list[float]) -> float:
    """Tracing one sample and generating, compiling and running its code, in seconds."""
    start = time.perf_counter()
    fast = autograd.compile(lambda x, y: sample_hinge(net, x, y), net.params)
    fast(xs[0], ys[0])
    seconds = time.perf_counter() - start
    for p in net.params:
        p.grad = 0.0
    return seconds


def timed(fn: Callable[[], object], steps: int) -> tuple[float, float]:
    """Seconds per call for ``steps`` calls of fn() and a final gc.collect(), and the share of
    that collection (which walks the whole heap of this process, whatever fn left)."""
    start = time.perf_counter()
    for _ in range(steps):
        fn()
    middle = time.perf_counter()
    gc.collect()
    end = time.perf_counter()
    return (end - start) / steps, (end - middle) / steps


def count_nodes(root: Any) -> int:
    """Values in root's graph; ours list their inputs in ``inputs``, micrograd's in ``_prev``."""
    children = "inputs" if isinstance(root, OurValue) else "_prev"
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        for child in getattr(node, children):
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def bytes_per_node(value: Any) -> float:
    rng = random.Random(1)
    net = MLP(value, SIZES, rng)
    xs, ys = make_data(rng)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loss = loss_of(net, value, xs, ys)
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return used / (count_nodes(loss) - len(net.params))  # the parameters existed before


def chain_backward(value: Any) -> str:
    k = value(1.0000001)
    v = x = value(0.5)
    for _ in range(CHAIN):
        v = v * k
    start = time.perf_counter()
    try:
        v.backward()
    except RecursionError:
        return "fails (RecursionError)"
    seconds = time.perf_counter() - start
    assert abs(x.grad - 1.0000001**CHAIN) < 1e-6 * x.grad
    return f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed runs per engine")
    parser.add_argument("--steps", type=int, default=4, help="steps in a timed run")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}; MLP {'-'.join(map(str, SIZES))}, {SAMPLES} samples")

    setups = {}
    for name, value in ENGINES.items():
        rng = random.Random(0)
        net = MLP(value, SIZES, rng)
        xs, ys = make_data(rng)
        setups[name] = (net, value, xs, ys)
    rng = random.Random(0)
    compiled_net = MLP(OurValue, SIZES, rng)
    compiled_xs, compiled_ys = make_data(rng)
    traces = [trace_seconds(compiled_net, compiled_xs, compiled_ys) for _ in range(5)]
    fast = autograd.compile(lambda x, y: sample_hinge(compiled_net, x, y), compiled_net.params)
    fast(compiled_xs[0], compiled_ys[0])

    times: dict[tuple[str, str], list[float]] = {
        (driver, name): [] for driver in DRIVERS for name in [*ENGINES, COMPILED]
    }
    collections: dict[tuple[str, str], list[float]] = {key: [] for key in times}
    steps: dict[str, Callable[[], float]] = {}
    for _ in range(args.rounds):  # alternate, so drift in machine load hits all alike
        for driver, loss_fn in DRIVERS.items():
            for name, (net, value, xs, ys) in setups.items():
                steps[name] = functools.partial(step, net, value, xs, ys, loss_fn)
            if driver == "hinge":
                steps[COMPILED] = functools.partial(
                    compiled_step, compiled_net, fast, compiled_xs, compiled_ys
                )
            for name, run in steps.items():
                per_step, collect = timed(run, args.steps)
                times[driver, name].append(per_step)
                collections[driver, name].append(collect)
            steps.clear()

    ours, theirs = "backprop-demystified", "micrograd"
    for driver in DRIVERS:
        t_theirs = statistics.median(times[driver, theirs])
        print(f"\nMLP forward+backward+SGD step, {driver} (median; in it, the final collection):")
        names = [ours, COMPILED, theirs] if driver == "hinge" else [ours, theirs]
        for name in names:
            t = statistics.median(times[driver, name])
            c = statistics.median(collections[driver, name])
            label = f"{ours}, compiled" if name == COMPILED else name
            versus = "" if name == theirs else f"  {t_theirs / t:6.1f}x micrograd"
            print(f"  {label:<32} {t * 1e3:8.2f} ms  ({c * 1e3:6.2f} ms){versus}")
    print(
        f"  (the final gc.collect() walks the whole heap of this process, whatever the engine "
        f"left; shared by the {args.steps} steps of a run)"
    )
    print(
        f"\nCompiled mode: trace one sample, generate and compile its code: "
        f"{statistics.median(traces) * 1e3:.0f} ms (median of {len(traces)})"
    )

    b_ours, b_theirs = bytes_per_node(OurValue), bytes_per_node(MicrogradValue)
    print("\nMemory per graph node (tracemalloc, that step's graph):")
    print(f"  {ours:<22} {b_ours:8.0f} bytes")
    print(f"  {theirs:<22} {b_theirs:8.0f} bytes")
    print(f"  ratio: {b_theirs / b_ours:.1f}x less")

    print(f"\nBackward over a {CHAIN:,}-node chain:")
    for name, value in ENGINES.items():
        print(f"  {name:<22} {chain_backward(value)}")
        gc.collect()


if __name__ == "__main__":
    main()
