"""``train``: epochs of gradient steps over a small data set, with a tqdm progress bar."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable

from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]

import autograd
from autograd import Value

from .losses import mse
from .module import Network
from .optim import SGD, Optimizer
from .validate import as_list, check_positive_int, check_vector, describe

__all__ = ["train"]

Loss = Callable[[list[Value], list[float]], Value]


def train(
    net: Network,
    xs: Iterable[Iterable[float]],
    ys: Iterable[Iterable[float]],
    epochs: int = 100,
    optimizer: Optimizer | float | None = None,
    *,
    lr: float | None = None,
    loss: Loss = mse,
    batch_size: int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
    progress: bool = True,
    compile: bool = False,
) -> list[float]:
    """Train ``net`` on inputs ``xs`` and targets ``ys``; return the mean loss of every epoch.

    Each step: zero the grads, L = mean of ``loss(net(x), y)`` over a batch, ``L.backward()``,
    ``optimizer.step()``. ``batch_size=None`` steps after every sample (plain SGD); ``optimizer``
    is an Optimizer or a learning rate for SGD (``lr=`` works too; default SGD with η = 0.1).
    ``shuffle`` reorders the samples every epoch, reproducibly with ``seed``. ``xs`` and ``ys``
    are lists of samples (or 2-D numpy arrays, one sample per row). The progress bar shows the
    mean loss of the epoch so far, updated as steps complete; ``progress=False`` silences it.
    ``compile=True`` computes each sample's loss and gradient with ``autograd.compile`` (the
    same numbers, several times faster; the loss must not branch on the numbers, see README).
    """
    if not isinstance(net, Network):
        raise TypeError(f"train needs an nn.Network, got {describe(net)}")
    data = _check_data(net, xs, ys)
    epochs = check_positive_int(epochs, "epochs")
    batch = 1 if batch_size is None else check_positive_int(batch_size, "batch_size")
    opt = _optimizer(net, optimizer, lr)
    if not callable(loss):
        raise TypeError(
            f"loss must be a function (prediction, target) -> Value, got {describe(loss)}"
        )
    batch_step = _compiled_step(net, loss) if compile else _eager_step(net, loss)
    rng = random.Random(seed)
    order = list(range(len(data)))
    history: list[float] = []
    bar = tqdm(range(epochs), desc="train", unit="epoch", disable=not progress)
    shown = time.monotonic()
    try:
        for _ in bar:
            if shuffle:
                rng.shuffle(order)
            total = 0.0
            for start in range(0, len(order), batch):
                chunk = order[start : start + batch]
                opt.zero_grad()
                losses = batch_step([data[k] for k in chunk])
                opt.step()
                total += sum(losses)
                if progress:  # the running mean; redrawn at most twice a second mid-epoch
                    bar.set_postfix(loss=f"{total / (start + len(chunk)):.4g}", refresh=False)
                    if time.monotonic() - shown >= 0.5:
                        bar.refresh()
                        shown = time.monotonic()
            history.append(total / len(order))
    finally:
        bar.close()
    return history


Sample = tuple[list[float], list[float]]


def _eager_step(net: Network, loss: Loss) -> Callable[[list[Sample]], list[float]]:
    """The losses of a batch; adds ∂(their mean)/∂p to every p.grad (one backward)."""

    def step(batch: list[Sample]) -> list[float]:
        losses = [loss(net(x), y) for x, y in batch]
        mean = losses[0] if len(losses) == 1 else sum(losses[1:], losses[0]) / len(losses)
        if not isinstance(mean, Value):
            raise TypeError(f"loss must return a Value, got {describe(mean)}")
        mean.backward()
        return [v.data for v in losses]

    return step


def _compiled_step(net: Network, loss: Loss) -> Callable[[list[Sample]], list[float]]:
    """The same as _eager_step, by code generated once per sample shape (autograd.compile)."""

    def sample_loss(x: list[Value], y: list[Value]) -> Value:
        return loss(net(x), y)  # type: ignore[arg-type]  # traced: Values stand in for y

    fast = autograd.compile(sample_loss, net.parameters())

    def step(batch: list[Sample]) -> list[float]:
        # ∂(mean)/∂lossₖ is 1/n, as eager backward computes it; and samples in reverse order,
        # the order in which eager backward adds their gradients up: the very same numbers.
        scale = 1.0 if len(batch) == 1 else 1.0 / len(batch)
        losses = fast.map([x for x, _ in batch[::-1]], [y for _, y in batch[::-1]], scale=scale)
        return losses[::-1]

    return step


def _check_data(net: Network, xs: object, ys: object) -> list[tuple[list[float], list[float]]]:
    """Every sample checked up front, so a bad one cannot stop training half way."""
    inputs, targets = as_list(xs), as_list(ys)
    for name, v, given in (("xs", inputs, xs), ("ys", targets, ys)):
        if v is None:
            raise TypeError(
                f"{name} must be a list of samples (lists of numbers), got {describe(given)}"
            )
    assert inputs is not None and targets is not None
    if not inputs:
        raise ValueError("train needs at least one sample, got empty xs")
    if len(inputs) != len(targets):
        raise ValueError(
            f"xs and ys must have the same length, got {len(inputs)} inputs and "
            f"{len(targets)} targets"
        )
    n_in, n_out = net.sizes[0], net.sizes[-1]
    return [
        (check_vector(x, n_in, f"xs[{k}]"), check_vector(y, n_out, f"ys[{k}]"))
        for k, (x, y) in enumerate(zip(inputs, targets))
    ]


def _optimizer(net: Network, optimizer: object, lr: object) -> Optimizer:
    if isinstance(optimizer, Optimizer):
        if lr is not None:
            raise ValueError(
                "give either an optimizer or lr, not both (the optimizer has its own lr)"
            )
        mine = {id(p) for p in net.parameters()}
        if any(id(p) not in mine for p in optimizer.params):
            raise ValueError(
                "the optimizer holds parameters that are not this network's "
                "(was it made for another network? use Optimizer(net.parameters(), ...))"
            )
        return optimizer
    if optimizer is None:
        return SGD(net.parameters(), 0.1 if lr is None else lr)  # type: ignore[arg-type]
    if lr is not None:
        raise ValueError(
            f"give either an optimizer or lr, not both; got optimizer={optimizer!r} and lr={lr!r}"
        )
    if isinstance(optimizer, bool) or not isinstance(optimizer, (int, float)):
        raise TypeError(
            f"optimizer must be an nn.Optimizer or a learning rate, got {describe(optimizer)}"
        )
    return SGD(net.parameters(), optimizer)
