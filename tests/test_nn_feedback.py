"""train's warnings, judged epoch by epoch on histories written by hand."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nn
from nn.feedback import Feedback


def feedback(model: object = None, inputs: list[list[float]] | None = None) -> Feedback:
    return Feedback(model, inputs or [[0.0]], "MSE")


def test_a_loss_that_is_no_longer_finite() -> None:
    f = feedback()
    assert f.epoch_done([1.0, 0.5]) == []
    (message,) = f.epoch_done([1.0, 0.5, math.inf])
    assert message.startswith("the mean MSE of epoch 3 is inf, no longer a finite number")
    assert f.epoch_done([1.0, 0.5, math.inf, math.nan]) == []  # once per run


def test_a_rise_is_three_rising_epochs_ending_ten_percent_up() -> None:
    assert feedback().epoch_done([1.0, 1.01, 1.05]) == []  # two rises only
    assert feedback().epoch_done([1.0, 1.01, 1.05, 1.09]) == []  # 9% up
    assert feedback().epoch_done([1.0, 1.2, 1.2, 1.3]) == []  # one epoch did not rise
    f = feedback()
    (message,) = f.epoch_done([5.0, 1.0, 1.01, 1.05, 1.1])  # exactly 10% up
    assert "rose for 3 epochs in a row, from 1 (epoch 2) to 1.1 (epoch 5)" in message
    assert f.epoch_done([5.0, 1.0, 1.01, 1.05, 1.1, 1.3]) == []  # once per run


def saturated_net() -> nn.Network:
    # σ(±20·x) on inputs near ±1: both sigmoid units saturated on every sample
    return nn.Network.from_weights([[[20.0], [-20.0]], [[1.0, 1.0]]], output_activation="linear")


def test_a_stall_with_saturated_units_five_epochs_long() -> None:
    xs = [[1.0], [-1.0], [0.9]]
    f = feedback(saturated_net(), xs)
    assert f.epoch_done([1.0] * 5) == []  # not yet five epochs after the best
    (message,) = f.epoch_done([1.0] * 6)
    assert "saturated (σ′(z) = x(1 − x) < 0.01) in 100% of cases (2 units × 3 samples)" in message
    assert "has not improved for 5 epochs (1)" in message
    assert f.epoch_done([1.0] * 7) == []  # once per run
    # improving by more than 0.1% over the last five epochs is no stall
    assert feedback(saturated_net(), xs).epoch_done([1.0, 1.0, 1.0, 1.0, 1.0, 0.998]) == []
    (stalled,) = feedback(saturated_net(), xs).epoch_done([1.0] * 5 + [0.9995])  # 0.05%: stall
    assert "has not improved for 5 epochs (0.9995)" in stalled  # the last epoch's loss
    assert feedback(saturated_net(), xs).epoch_done([0.0] * 6) == []  # nothing to improve
    # the best of the last five against the best before them: a dip to 0.5 is progress
    assert feedback(saturated_net(), xs).epoch_done([1.0, 0.5, 1.0, 1.0, 1.0, 1.0]) == []
    assert feedback(saturated_net(), xs).epoch_done([1.0] + [0.999] * 5)  # 0.1% exactly: a stall
    assert feedback(None, xs).epoch_done([1.0] * 6) == []  # not a Network: not judged
    assert feedback(object(), xs).epoch_done([1.0] * 6) == []


def test_half_of_the_cases_saturated_is_not_yet_a_warning() -> None:
    # one unit saturated (σ(20x)), one not (σ(0.1x)): 50% of the cases
    net = nn.Network.from_weights([[[20.0], [0.1]], [[1.0, 1.0]]], output_activation="linear")
    assert nn.feedback.saturation(net, [[1.0], [-1.0]]) == (2, 4)
    assert feedback(net, [[1.0], [-1.0]]).epoch_done([1.0] * 6) == []


def test_saturation_is_judged_on_the_first_64_samples() -> None:
    xs = [[1.0]] * 100
    (message,) = feedback(saturated_net(), xs).epoch_done([1.0] * 6)
    assert "(2 units × 64 samples)" in message


def test_a_slope_of_exactly_one_hundredth_is_not_saturated() -> None:
    from autograd.ops import _sigmoid
    from nn.activations import derivative

    z = -4.584863339122355  # found by search: σ′(z) = s(1 − s) is 0.01 to the last bit
    assert derivative("sigmoid", z, _sigmoid(z)) == 0.01
    net = nn.Network.from_weights([[[z]]], activation="sigmoid")
    assert nn.feedback.saturation(net, [[1.0]]) == (0, 1)  # below 0.01 only
    assert nn.feedback.saturation(net, [[1.01]]) == (1, 1)


def test_once_saturation_is_reported_it_is_not_measured_again(monkeypatch: Any) -> None:
    measured: list[int] = []
    real_saturation = nn.feedback.saturation

    def counting(net: nn.Network, inputs: list[list[float]]) -> tuple[int, int]:
        measured.append(len(inputs))  # a forward pass per sample: worth sparing
        return real_saturation(net, inputs)

    monkeypatch.setattr(nn.feedback, "saturation", counting)
    f = feedback(saturated_net(), [[1.0], [-1.0]])
    assert len(f.epoch_done([1.0] * 6)) == 1 and measured == [2]
    assert f.epoch_done([1.0] * 7) == [] and measured == [2]


RISING_TWICE = """
import warnings
import nn
for _ in range(2):
    net = nn.Network.from_weights([[[1.0]]], activation="linear")
    nn.train(net, [[1.0], [2.0], [3.0]], [[0.0]] * 3, epochs=10, lr=0.3, progress=False)
    warnings.warn("another warning", UserWarning)
"""


def test_training_warnings_show_in_every_run_and_yield_to_the_users_filters() -> None:
    """Python shows a warning once per place; a TrainingWarning in every run that goes wrong.
    That rule is appended to the filters: other warnings keep Python's, a user's own filter
    (here -W at start-up) still wins. In a fresh interpreter: pytest sets filters of its own."""

    def stderr(*flags: str) -> str:
        root = Path(__file__).resolve().parent.parent
        command = [sys.executable, *flags, "-c", RISING_TWICE]
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "PYTHONDEVMODE")}
        done = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, check=True
        )
        return done.stderr

    err = stderr()
    assert err.count("TrainingWarning: ") == 2 and err.count("another warning") == 1
    assert "TrainingWarning" not in stderr("-W", "ignore::UserWarning")
