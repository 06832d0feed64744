"""``train``: epochs of gradient steps over a small data set, with a progress bar and feedback.

Ctrl-C stops training at a step boundary: the weights are those after the last complete
optimizer step, never half of one, and ``train`` returns the history so far, marked
``interrupted``.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import random
import signal
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from types import FrameType
from typing import Any, Protocol

from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]

import autograd
from autograd import Value
from autograd.numbers import as_list, describe, positive_int, real, short, unordered

from .feedback import Feedback, TrainingWarning
from .losses import mse
from .module import Network
from .optim import SGD, Optimizer
from .validate import check_seed, check_vector, class_index

__all__ = ["History", "Model", "train"]

Loss = Callable[[Any, Any], Value]


class Model(Protocol):
    """What ``train`` trains: an nn.Network, or anything with its Values in ``parameters()``
    and a call from one input x to the prediction that the loss compares with the target."""

    def parameters(self) -> list[Value]: ...

    def __call__(self, x: Any, /) -> Any: ...


class History(list[float]):
    """The mean loss of every complete epoch, as a list, and how the run ended.

    ``interrupted`` is True when Ctrl-C stopped training; ``steps`` counts the optimizer steps
    taken (the weights are those after the last of them).
    """

    __slots__ = ("interrupted", "steps")

    def __init__(self, losses: Iterable[float] = ()) -> None:
        super().__init__(losses)
        self.interrupted = False
        self.steps = 0


def train(
    model: Model,
    xs: Iterable[Iterable[float]],
    ys: Iterable[Iterable[float] | int],
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
) -> History:
    """Train ``model`` on inputs ``xs`` and targets ``ys``; return the mean loss of every epoch.

    ``model`` is an nn.Network, or anything with ``parameters()`` (its Values) and a call
    ``model(x)`` whose result ``loss`` accepts.  Each step: zero the grads, L = mean of
    ``loss(model(x), y)`` over a batch, ``L.backward()``, ``optimizer.step()``.
    ``batch_size=None`` steps after every sample (plain SGD); ``optimizer`` is an Optimizer or
    a learning rate for SGD (``lr=`` works too; default SGD with η = 0.1).  ``shuffle``
    reorders the samples every epoch, reproducibly with ``seed``.  ``xs`` and ``ys`` are lists
    of samples (or 2-D numpy arrays, one sample per row); a target is a list of numbers, or a
    class index for ``loss=nn.cross_entropy``.

    The progress bar (``progress=False`` silences it) shows the last complete epoch's mean loss.
    A :class:`TrainingWarning` says, once per run, when the loss stops being finite, rises for
    several epochs, or stalls with most sigmoid units saturated.  Ctrl-C stops at a step
    boundary, prints where, and returns the history so far with ``interrupted`` set.

    ``compile=True`` computes each batch's losses and gradients with code that
    ``autograd.compile`` generates once (the same numbers, many times faster; the loss must not
    branch on the numbers it computes, which compiling refuses with a clear error).
    """
    _check_model(model)
    data = _check_data(model, xs, ys)
    epochs = positive_int(epochs, "epochs")
    batch = 1 if batch_size is None else positive_int(batch_size, "batch_size")
    opt = _optimizer(model, optimizer, lr)
    if not callable(loss):
        raise TypeError(
            f"loss must be a function (prediction, target) -> Value, got {describe(loss)}"
        )
    for flag, value in (("shuffle", shuffle), ("progress", progress), ("compile", compile)):
        if not isinstance(value, bool):
            raise TypeError(f"{flag} must be True or False, got {describe(value)}")
    batch_step = _compiled_step(model, loss) if compile else _eager_step(model, loss)
    rng = random.Random(check_seed(seed))
    name = _name(loss)
    feedback = Feedback(model, [x for x, _ in data], name)
    order = list(range(len(data)))
    steps_per_epoch = -(-len(order) // batch)
    history = History()
    bar = tqdm(total=epochs, desc="train", unit="epoch", disable=not progress)
    try:
        with _step_boundaries() as boundary:
            for _ in range(epochs):
                if shuffle:
                    rng.shuffle(order)
                total = 0.0
                for start in range(0, len(order), batch):
                    opt.zero_grad()
                    batch_total = batch_step([data[k] for k in order[start : start + batch]])
                    with boundary:  # Ctrl-C here waits until the step and its bookkeeping end
                        opt.step()
                        history.steps += 1
                        total += batch_total
                        if start + batch >= len(order):
                            history.append(total / len(order))
                for message in feedback.epoch_done(history):
                    bar.clear()  # the warning on a line of its own; the bar redraws below it
                    warnings.warn(message, TrainingWarning, stacklevel=2)
                bar.set_postfix_str(f"mean {name}={history[-1]:.4g}", refresh=False)
                bar.update()
    except KeyboardInterrupt:
        history.interrupted = True
    except OverflowError as exc:
        raise _stopped(exc, _where(history, epochs, steps_per_epoch)) from exc
    finally:
        bar.close()
    if history.interrupted:
        print(
            f"train: interrupted (Ctrl-C) {_where(history, epochs, steps_per_epoch)}; the "
            f"weights are those after the last complete step ({history.steps} in all); "
            f"returning the mean losses of the {len(history)} complete epochs"
        )
    return history


def _where(history: History, epochs: int, steps_per_epoch: int) -> str:
    """Where training stopped, from the steps taken (counted with the weights they changed)."""
    partial = history.steps - len(history) * steps_per_epoch
    if partial == 0 and history:
        return f"after epoch {len(history)} of {epochs}"
    return (
        f"in epoch {len(history) + 1} of {epochs}, after {partial} of its {steps_per_epoch} steps"
    )


def loss_and_gradient(model: Model, loss: Loss, samples: list[tuple[Any, Any]]) -> float:
    """One batch: adds ∂L/∂p to every parameter's ``.grad`` for L, the mean of
    ``loss(model(x), y)`` over ``samples``, and returns the sum of those losses."""
    losses = [_sample_loss(model, loss, x, y) for x, y in samples]
    mean = losses[0] if len(losses) == 1 else sum(losses[1:], losses[0]) / len(losses)
    mean.backward()
    return math.fsum(v.data for v in losses)


Sample = tuple[Any, Any]


def _eager_step(model: Model, loss: Loss) -> Callable[[list[Sample]], float]:
    return lambda samples: loss_and_gradient(model, loss, samples)


def _compiled_step(model: Model, loss: Loss) -> Callable[[list[Sample]], float]:
    """What :func:`loss_and_gradient` does, by code ``autograd.compile`` generates once per
    shape of a sample, and for a class-index target once per class (the index picks which
    output the loss reads, so it is part of the graph's shape, not a number in it)."""
    params = model.parameters()
    by_class: dict[int, autograd.Compiled] = {}

    def sample_loss(x: Any, y: Any) -> Value:
        return _sample_loss(model, loss, x, y)

    with_targets = autograd.compile(sample_loss, params)

    def for_class(k: int) -> autograd.Compiled:
        if k not in by_class:
            by_class[k] = autograd.compile(lambda x: _sample_loss(model, loss, x, k), params)
        return by_class[k]

    def step(samples: list[Sample]) -> float:
        # ∂(mean)/∂lossₖ is 1/n, and eager backward adds the samples' gradients last sample
        # first: the same order here gives the very same numbers
        scale = 1.0 if len(samples) == 1 else 1.0 / len(samples)
        last_first = samples[::-1]
        if not any(isinstance(y, int) for _, y in samples):
            xs, ys = [x for x, _ in last_first], [y for _, y in last_first]
            return math.fsum(with_targets.map(xs, ys, scale=scale))
        return math.fsum(
            for_class(y)(x, scale=scale) if isinstance(y, int) else with_targets(x, y, scale=scale)
            for x, y in last_first
        )

    return step


def _sample_loss(model: Model, loss: Loss, x: Any, y: Any) -> Value:
    value = loss(model(x), y)
    if not isinstance(value, Value):
        raise TypeError(
            f"loss must return a Value computed from the prediction, so that it can be "
            f"differentiated; {_name(loss)}(prediction, target) returned {describe(value)}"
        )
    return value


def _name(loss: Loss) -> str:
    name = getattr(loss, "__name__", "")
    return name if isinstance(name, str) and name.isidentifier() else "loss"


def _stopped(exc: OverflowError, where: str) -> OverflowError:
    """``exc`` restated with where training stopped (same type, so handlers still match)."""
    hint = "" if "lr" in str(exc) else " (learning rate too large?)"
    message = (
        f"training stopped {where} (the weights are those after the last complete step): "
        f"{exc}{hint}"
    )
    try:
        return type(exc)(message)
    except TypeError:  # an OverflowError subclass with other constructor arguments
        return exc


class _StepBoundary:
    """Ctrl-C during training: raised at once, except inside ``with boundary:`` (an optimizer
    step and its bookkeeping), which first runs to its end; KeyboardInterrupt is raised then."""

    def __init__(self) -> None:
        self.previous: Any = None
        self.inside = False
        self.pending = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.inside:
            self.pending = True
        else:
            self.previous(signum, frame)

    def __enter__(self) -> None:
        self.inside = True

    def __exit__(self, kind: object, exc: object, traceback: object) -> None:
        self.inside = False
        if self.pending and kind is None:
            self.pending = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def _step_boundaries() -> Iterator[_StepBoundary]:
    """A :class:`_StepBoundary` that receives SIGINT for the duration, in the main thread (the
    only one Ctrl-C reaches) unless SIGINT is ignored or left to the operating system."""
    boundary = _StepBoundary()
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or not callable(previous):
        yield boundary
        return
    boundary.previous = previous
    signal.signal(signal.SIGINT, boundary.handle)
    try:
        yield boundary
    finally:
        signal.signal(signal.SIGINT, previous)


def _check_model(model: object) -> None:
    if not callable(model) or not callable(getattr(model, "parameters", None)):
        raise TypeError(
            "train needs a model: an nn.Network, or anything with parameters() and a call "
            f"model(x), got {describe(model)}"
        )


def _check_data(model: object, xs: object, ys: object) -> list[tuple[list[Any], Any]]:
    """Every sample checked up front, so a bad one cannot stop training half way."""
    inputs, targets = as_list(xs), as_list(ys)
    for name, v, given in (("xs", inputs, xs), ("ys", targets, ys)):
        if v is None:
            raise TypeError(
                f"{name} must be a list of samples (lists of numbers), got {unordered(given)}"
            )
    assert inputs is not None and targets is not None
    if not inputs:
        raise ValueError("train needs at least one sample, got empty xs")
    if len(inputs) != len(targets):
        raise ValueError(
            f"xs and ys must have the same length, got {len(inputs)} inputs and "
            f"{len(targets)} targets"
        )
    if not isinstance(model, Network):  # its own shapes and loss: checked as numbers only
        return [
            (_numbers(x, f"xs[{k}]"), _numbers(y, f"ys[{k}]"))
            for k, (x, y) in enumerate(zip(inputs, targets))
        ]
    n_in, n_out = model.sizes[0], model.sizes[-1]
    return [
        (check_vector(x, n_in, f"xs[{k}]"), _target(y, n_out, f"ys[{k}]"))
        for k, (x, y) in enumerate(zip(inputs, targets))
    ]


def _numbers(v: object, what: str) -> Any:
    """A number (as given), or a list of numbers (checked), for a model of unknown shape."""
    if isinstance(v, numbers.Real) and not isinstance(v, bool):
        return real(v, what) if not isinstance(v, numbers.Integral) else int(v)
    items = as_list(v)
    if items is None:
        raise TypeError(f"{what} must be a number or a list, got {unordered(v)}")
    return check_vector(items, len(items), what)


def _target(y: object, n_out: int, what: str) -> Any:
    """A list of ``n_out`` numbers, or a class index (an int, 0 … n_out − 1)."""
    k = class_index(y, n_out, what)
    return k if k is not None else check_vector(y, n_out, what)


def _optimizer(model: Model, optimizer: object, lr: object) -> Optimizer:
    params = model.parameters()
    if isinstance(optimizer, Optimizer):
        if lr is not None:
            raise ValueError(
                "give either an optimizer or lr, not both (the optimizer has its own lr)"
            )
        mine = {id(p) for p in params}
        if any(id(p) not in mine for p in optimizer.params):
            raise ValueError(
                "the optimizer holds parameters that are not this model's "
                "(was it made for another model? use Optimizer(model.parameters(), ...))"
            )
        return optimizer
    if optimizer is None:
        return SGD(params, 0.1 if lr is None else lr)  # type: ignore[arg-type]
    if lr is not None:
        raise ValueError(
            f"give either an optimizer or lr, not both; got optimizer={short(optimizer)} and "
            f"lr={short(lr)}"
        )
    if isinstance(optimizer, bool) or not isinstance(optimizer, numbers.Real):
        raise TypeError(
            f"optimizer must be an nn.Optimizer or a learning rate, got {describe(optimizer)}"
        )
    return SGD(params, optimizer)  # type: ignore[arg-type]
