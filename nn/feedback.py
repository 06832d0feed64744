"""What ``train`` tells you while it runs: warnings for a run going wrong, each once per run.

- the mean loss of an epoch is not finite;
- the mean loss rose for :data:`RISING_EPOCHS` epochs in a row, by :data:`RISE` or more in all
  (smaller rises are the noise of stochastic gradient descent);
- the loss stopped improving for :data:`STALLED_EPOCHS` epochs while the sigmoid units are
  mostly saturated: σ′(z) = x(1 − x) < :data:`SATURATED` for more than half of the
  (unit, sample) pairs, so almost no gradient flows back through them.  (Saturation alone is no
  alarm: a trained classifier's units are often saturated on the samples it gets right.)
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from typing import Any

from .activations import SATURATED, derivative
from .backprop import forward_numbers
from .module import Network

__all__ = [
    "RISE",
    "RISING_EPOCHS",
    "STALLED_EPOCHS",
    "Feedback",
    "TrainingWarning",
    "saturation",
]

RISING_EPOCHS = 3
RISE = 0.1  # 10%
STALLED_EPOCHS = 5
SAMPLES_CHECKED = 64  # saturation is measured on the first samples only


class TrainingWarning(UserWarning):
    """Training is going wrong in a way its numbers alone do not say (learning rate too large?)."""


# Shown every time (each kind at most once per run), not once per session as Python's default:
# a second run that goes wrong the same way deserves the same word.  Appended, so a filter the
# user sets (e.g. "ignore" or "error") still takes precedence.
warnings.simplefilter("always", TrainingWarning, append=True)


class Feedback:
    """Watches the epochs of one run; :meth:`epoch_done` returns the warnings due, once each."""

    def __init__(self, model: Any, inputs: Sequence[Sequence[float]], loss_name: str) -> None:
        self._net = model if isinstance(model, Network) else None
        self._inputs = inputs[:SAMPLES_CHECKED]
        self._name = loss_name
        self._said: set[str] = set()

    def epoch_done(self, history: Sequence[float]) -> list[str]:
        """The warnings due after the last epoch of ``history`` (the mean loss per epoch)."""
        due = {
            "not finite": self._not_finite(history),
            "rising": self._rising(history),
            "saturated": self._saturated(history),
        }
        messages = [m for kind, m in due.items() if m and kind not in self._said]
        self._said.update(kind for kind, m in due.items() if m)
        return messages

    def _not_finite(self, history: Sequence[float]) -> str:
        if math.isfinite(history[-1]):
            return ""
        return (
            f"the mean {self._name} of epoch {len(history)} is {history[-1]!r}, no longer a "
            "finite number: learning rate too large?"
        )

    def _rising(self, history: Sequence[float]) -> str:
        last = history[-RISING_EPOCHS - 1 :]
        if len(last) <= RISING_EPOCHS or any(b <= a for a, b in itertools.pairwise(last)):
            return ""
        if last[-1] < last[0] * (1.0 + RISE):
            return ""
        e = len(history)
        return (
            f"the mean {self._name} rose for {RISING_EPOCHS} epochs in a row, from {last[0]:.4g} "
            f"(epoch {e - RISING_EPOCHS}) to {last[-1]:.4g} (epoch {e}): learning rate too large?"
        )

    def _saturated(self, history: Sequence[float]) -> str:
        if self._net is None or "saturated" in self._said or len(history) <= STALLED_EPOCHS:
            return ""
        best_before = min(history[:-STALLED_EPOCHS])
        if best_before == 0.0 or min(history[-STALLED_EPOCHS:]) < best_before * (1.0 - 1e-3):
            return ""  # still improving, or nothing left to improve
        saturated, cases = saturation(self._net, self._inputs)
        if saturated <= cases / 2:
            return ""
        units = cases // len(self._inputs)
        return (
            f"the sigmoid units are saturated (σ′(z) = x(1 − x) < {SATURATED}) in "
            f"{saturated / cases:.0%} of cases ({units} units × {len(self._inputs)} samples) and "
            f"the mean {self._name} has not improved for {STALLED_EPOCHS} epochs "
            f"({history[-1]:.4g}): almost no gradient flows back through them. Learning rate too "
            "large, or initial weights too large?"
        )


def saturation(net: Network, inputs: Sequence[Sequence[float]]) -> tuple[int, int]:
    """(saturated, all) over the (sigmoid unit, input) pairs of ``net``: how many have
    σ′(z) = x(1 − x) below :data:`SATURATED`."""
    layers = [k for k, layer in enumerate(net.layers) if layer.activation == "sigmoid"]
    saturated = cases = 0
    for x in inputs:
        zs, xs = forward_numbers(net, x)
        for k in layers:
            cases += len(zs[k])
            slopes = (derivative("sigmoid", z, out) for z, out in zip(zs[k], xs[k + 1]))
            saturated += sum(slope < SATURATED for slope in slopes)
    return saturated, cases
