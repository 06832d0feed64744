"""``train``: epochs of gradient steps over a small data set, with a tqdm progress bar."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]

from autograd import Value

from .losses import mse
from .module import Network
from .optim import SGD, Optimizer
from .validate import check_positive_int, check_vector, describe

__all__ = ["train"]

Loss = Callable[[list[Value], list[float]], Value]


def train(
    net: Network,
    xs: Sequence[Sequence[float]],
    ys: Sequence[Sequence[float]],
    epochs: int = 100,
    optimizer: Optimizer | float | None = None,
    *,
    lr: float | None = None,
    loss: Loss = mse,
    batch_size: int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
    progress: bool = True,
) -> list[float]:
    """Train ``net`` on inputs ``xs`` and targets ``ys``; return the mean loss of every epoch.

    Each step: zero the grads, L = mean of ``loss(net(x), y)`` over a batch, ``L.backward()``,
    ``optimizer.step()``. ``batch_size=None`` steps after every sample (plain SGD); ``optimizer``
    is an Optimizer or a learning rate for SGD (``lr=`` works too; default SGD with η = 0.1).
    ``shuffle`` reorders the samples every epoch, reproducibly with ``seed``. The progress bar
    shows the latest epoch's loss; ``progress=False`` silences it.
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
    rng = random.Random(seed)
    order = list(range(len(data)))
    history: list[float] = []
    bar = tqdm(range(epochs), desc="train", unit="epoch", disable=not progress)
    try:
        for _ in bar:
            if shuffle:
                rng.shuffle(order)
            total = 0.0
            for start in range(0, len(order), batch):
                chunk = order[start : start + batch]
                opt.zero_grad()
                losses = [loss(net(data[k][0]), data[k][1]) for k in chunk]
                batch_loss = (
                    losses[0] if len(losses) == 1 else sum(losses[1:], losses[0]) / len(losses)
                )
                if not isinstance(batch_loss, Value):
                    raise TypeError(f"loss must return a Value, got {describe(batch_loss)}")
                batch_loss.backward()
                opt.step()
                total += sum(v.data for v in losses)
            history.append(total / len(order))
            bar.set_postfix(loss=f"{history[-1]:.4g}", refresh=False)
    finally:
        bar.close()
    return history


def _check_data(net: Network, xs: object, ys: object) -> list[tuple[list[float], list[float]]]:
    """Every sample checked up front, so a bad one cannot stop training half way."""
    for name, v in (("xs", xs), ("ys", ys)):
        if isinstance(v, (str, bytes)) or not isinstance(v, Sequence):
            raise TypeError(
                f"{name} must be a list of samples (lists of numbers), got {describe(v)}"
            )
    assert isinstance(xs, Sequence) and isinstance(ys, Sequence)
    if not xs:
        raise ValueError("train needs at least one sample, got empty xs")
    if len(xs) != len(ys):
        raise ValueError(
            f"xs and ys must have the same length, got {len(xs)} inputs and {len(ys)} targets"
        )
    n_in, n_out = net.sizes[0], net.sizes[-1]
    return [
        (check_vector(x, n_in, f"xs[{k}]"), check_vector(y, n_out, f"ys[{k}]"))
        for k, (x, y) in enumerate(zip(xs, ys))
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
