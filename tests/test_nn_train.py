"""train: loss goes down, steps equal hand-made gradient steps, any model, warnings, Ctrl-C."""

from __future__ import annotations

import functools
import itertools
import math
import os
import random
import signal
import sys
import threading
import time
import warnings
from typing import Any

import pytest

import nn
import nn.feedback
from autograd import Value

XOR_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_Y = [[0.0], [1.0], [1.0], [0.0]]


def mean_loss(net: nn.Network, xs: list[list[float]], ys: list[list[float]]) -> float:
    return sum(nn.mse(net(x), y).data for x, y in zip(xs, ys)) / len(xs)


def test_training_learns_xor() -> None:
    net = nn.Network([2, 4, 1], activation="tanh", output_activation="sigmoid", seed=1)
    before = mean_loss(net, XOR_X, XOR_Y)
    history = nn.train(
        net, XOR_X, XOR_Y, epochs=300, optimizer=nn.Adam(net.parameters(), 0.05), progress=False
    )
    assert len(history) == 300
    assert history[-1] < 0.01 * before
    assert mean_loss(net, XOR_X, XOR_Y) < 0.01
    assert [round(net(x)[0].data) for x in XOR_X] == [0, 1, 1, 0]


def test_seed_network_sgd_lowers_the_loss() -> None:
    net = nn.Network([3, 2, 2], activation="sigmoid", bias=False, seed=0)
    xs = [[0.5, -0.2, 0.1], [-0.3, 0.8, 0.4], [0.9, 0.1, -0.7]]
    ys = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    history = nn.train(net, xs, ys, epochs=400, optimizer=2.0, progress=False)
    assert history[-1] < 0.25 * history[0]
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(history[10:]))


def test_full_batch_epoch_is_one_gradient_step_on_the_mean_loss() -> None:
    net = nn.Network([2, 3, 1], seed=4)
    before = net.weight_matrices()
    grads = [nn.autograd_grad_matrices(net, x, y) for x, y in zip(XOR_X, XOR_Y)]
    initial = mean_loss(net, XOR_X, XOR_Y)
    history = nn.train(net, XOR_X, XOR_Y, epochs=1, lr=0.5, batch_size=4, progress=False)
    assert history == [pytest.approx(initial, abs=1e-15)]
    for l, m in enumerate(before):  # noqa: E741
        for i, row in enumerate(m):
            for j, w in enumerate(row):
                g = sum(gs[l][i][j] for gs in grads) / 4
                assert net.weights[l][i][j].data == pytest.approx(w - 0.5 * g, abs=1e-14)


def test_shuffle_is_reproducible_with_a_seed() -> None:
    runs = []
    for _ in range(2):
        net = nn.Network([2, 3, 1], seed=0)
        runs.append(nn.train(net, XOR_X, XOR_Y, epochs=5, shuffle=True, seed=3, progress=False))
    assert runs[0] == runs[1]
    plain = nn.train(nn.Network([2, 3, 1], seed=0), XOR_X, XOR_Y, epochs=5, progress=False)
    assert plain != runs[0]


def test_progress_bar_shows_loss_and_can_be_silenced(capsys: pytest.CaptureFixture[str]) -> None:
    net = nn.Network([2, 2, 1], seed=0)
    nn.train(net, XOR_X, XOR_Y, epochs=3, progress=False)
    assert capsys.readouterr().err == ""
    history = nn.train(net, XOR_X, XOR_Y, epochs=3)
    err = capsys.readouterr().err
    assert "3/3" in err and f"mean mse={history[-1]:.4g}" in err


def test_the_bar_is_drawn_at_tqdm_pace_not_at_every_epoch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Setting the loss does not redraw the bar: tqdm draws it at most every 0.1 s (and at the
    end), so drawing does not slow a fast run of many epochs."""
    history = nn.train(nn.Network([1, 1], seed=0), [[1.0]], [[0.0]], epochs=500)
    err = capsys.readouterr().err
    assert err.count("\r") < 100 and f"mean mse={history[-1]:.4g}" in err


def test_custom_loss() -> None:
    net = nn.Network([2, 2, 1], seed=0)
    history = nn.train(
        net, XOR_X, XOR_Y, epochs=2, loss=lambda p, y: nn.mse(p, y, "mean"), progress=False
    )
    assert len(history) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"xs": XOR_X[:3]}, ValueError, "same length, got 3 inputs and 4 targets"),
        ({"xs": [], "ys": []}, ValueError, "at least one sample"),
        ({"xs": [*XOR_X[:3], [1.0]]}, ValueError, r"xs\[3\] must have 2 entries, got 1"),
        ({"ys": [*XOR_Y[:3], [1.0, 0.0]]}, ValueError, r"ys\[3\] must have 1 entries, got 2"),
        ({"ys": [*XOR_Y[:3], ["one"]]}, TypeError, r"ys\[3\]\[0\] must be a real number"),
        ({"xs": "abcd"}, TypeError, "xs must be a list of samples"),
        ({"epochs": 0}, ValueError, "epochs must be a positive integer, got 0"),
        ({"epochs": 2.5}, TypeError, "epochs must be a positive integer, got float"),
        ({"batch_size": 0}, ValueError, "batch_size must be a positive integer"),
        ({"optimizer": 0.1, "lr": 0.1}, ValueError, "either an optimizer or lr"),
        ({"optimizer": "sgd"}, TypeError, "optimizer must be an nn.Optimizer or a learning rate"),
        ({"lr": -1.0}, ValueError, "must be positive"),
        ({"loss": "mse"}, TypeError, "loss must be a function .*, got str 'mse'"),
        ({"progress": 1}, TypeError, "^progress must be True or False, got int 1"),
        ({"compile": "yes"}, TypeError, "^compile must be True or False, got str 'yes'"),
    ],
)
def test_bad_training_input_changes_nothing(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    net = nn.Network([2, 2, 1], seed=0)
    before = net.weight_matrices(), net.bias_vectors()
    args: dict[str, Any] = {"xs": XOR_X, "ys": XOR_Y, "epochs": 2, "progress": False, **kwargs}
    with pytest.raises(error, match=match):
        nn.train(net, **args)
    assert (net.weight_matrices(), net.bias_vectors()) == before


def test_optimizer_of_another_network_is_refused() -> None:
    net, other = nn.Network([2, 2, 1], seed=0), nn.Network([2, 2, 1], seed=0)
    with pytest.raises(ValueError, match="not this model's"):
        nn.train(net, XOR_X, XOR_Y, optimizer=nn.SGD(other.parameters()), progress=False)
    with pytest.raises(ValueError, match="either an optimizer or lr"):
        nn.train(net, XOR_X, XOR_Y, optimizer=nn.SGD(net.parameters()), lr=0.1, progress=False)
    with pytest.raises(TypeError, match=r"^train needs a model: an nn\.Network, .* got str 'net'$"):
        nn.train("net", XOR_X, XOR_Y)


# y = w·x with one weight, w₀ = 1, and targets 0: each sample's loss is (w·x)², its grad 2w·x².
LINE_X = [[1.0], [2.0], [3.0]]
LINE_Y = [[0.0], [0.0], [0.0]]


def line() -> nn.Network:
    return nn.Network.from_weights([[[1.0]]], activation="linear")


def test_last_batch_may_be_short() -> None:
    net = line()
    history = nn.train(net, LINE_X, LINE_Y, epochs=1, lr=0.01, batch_size=2, progress=False)
    # batch {1, 2}: mean grad (2·1 + 2·4)/2 = 5, w = 1 − 0.05 = 0.95
    # batch {3}: grad 2·0.95·9 = 17.1, w = 0.95 − 0.171 = 0.779
    assert net.weights[0][0][0].data == pytest.approx(0.779, abs=1e-15)
    # epoch loss: the losses each batch saw, 1 + 4 (w = 1) and (0.95·3)² = 8.1225, over 3
    assert history == [pytest.approx((1.0 + 4.0 + 8.1225) / 3, abs=1e-14)]


def test_batch_larger_than_the_data_is_one_full_batch() -> None:
    net = line()
    history = nn.train(net, LINE_X, LINE_Y, epochs=1, lr=0.01, batch_size=10, progress=False)
    # mean grad (2 + 8 + 18)/3 = 28/3
    assert net.weights[0][0][0].data == pytest.approx(1.0 - 0.01 * 28 / 3, abs=1e-15)
    assert history == [pytest.approx(14 / 3, abs=1e-15)]


def test_numpy_arrays_are_accepted() -> None:
    np = pytest.importorskip("numpy")
    net = line()
    history = nn.train(net, np.array(LINE_X), np.array(LINE_Y), epochs=1, lr=0.01, progress=False)
    # one sample at a time: w = 1 − 0.02 = 0.98, then 0.98 − 0.01·2·0.98·4 = 0.9016,
    # then 0.9016 − 0.01·2·0.9016·9 = 0.9016·0.82
    assert net.weights[0][0][0].data == pytest.approx(0.9016 * 0.82, abs=1e-15)
    assert history == [pytest.approx((1.0 + 0.98**2 * 4 + 0.9016**2 * 9) / 3, abs=1e-14)]
    with pytest.raises(TypeError, match=r"xs must be a list of samples \(.*\), got dict"):
        nn.train(net, {"a": [1.0]}, LINE_Y, progress=False)


def test_progress_bar_shows_the_last_complete_epochs_mean(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []

    class Bar:  # stands in for tqdm and records what the bar would show
        def __init__(self, **kwargs: Any) -> None:
            self.total = kwargs["total"]

        def set_postfix_str(self, text: str, refresh: bool = True) -> None:
            shown.append(text)

        def update(self, n: int = 1) -> None:
            pass

        def clear(self) -> None:
            pass

        def close(self) -> None:
            pass

    monkeypatch.setattr(sys.modules["nn.train"], "tqdm", Bar)
    history = nn.train(line(), LINE_X, LINE_Y, epochs=3, lr=0.01)
    # epoch 1 as in test_numpy_arrays_are_accepted: the mean of 1, 0.98²·4, 0.9016²·9
    assert history[0] == pytest.approx((1.0 + 0.98**2 * 4 + 0.9016**2 * 9) / 3, abs=1e-14)
    assert shown == [f"mean mse={h:.4g}" for h in history]  # once per epoch, named


# -- anything with parameters() and a call (micrograd's habit) ------------------------------------


class Line(nn.Module):
    """y = w·x, written as a user would: one Value, a call returning a list."""

    def __init__(self) -> None:
        self.w = Value(1.0)

    def __call__(self, x: list[float]) -> list[Value]:
        return [self.w * x[0]]

    def parameters(self) -> list[Value]:
        return [self.w]


def test_any_model_with_parameters_and_a_call_trains() -> None:
    model = Line()
    history = nn.train(model, LINE_X, LINE_Y, epochs=1, lr=0.01, progress=False)
    # the same three steps as test_numpy_arrays_are_accepted, by hand
    assert model.w.data == pytest.approx(0.9016 * 0.82, abs=1e-15)
    assert history == [pytest.approx((1.0 + 0.98**2 * 4 + 0.9016**2 * 9) / 3, abs=1e-14)]


def test_a_model_returning_one_value_with_its_own_loss() -> None:
    class Scalar(Line):
        def __call__(self, x: list[float]) -> Value:  # type: ignore[override]
            return self.w * x[0]  # micrograd's MLP returns a Value for one output

    model = Scalar()
    nn.train(model, LINE_X, [0.0, 0, 0.0], epochs=1, lr=0.01, progress=False, loss=squared)
    assert model.w.data == pytest.approx(0.9016 * 0.82, abs=1e-15)
    with pytest.raises(TypeError, match=r"ys\[1\] must be a number or a list, got str"):
        nn.train(model, LINE_X, [0.0, "0", 0.0], progress=False, loss=squared)


def squared(pred: Value, target: float) -> Value:
    return (pred - target) ** 2


@pytest.mark.parametrize(
    ("model", "match"),
    [
        (object(), "train needs a model"),
        (lambda x: x, "train needs a model"),  # a call, but no parameters()
        (nn.Module(), "train needs a model"),  # parameters(), but no call
    ],
)
def test_not_a_model(model: Any, match: str) -> None:
    with pytest.raises(TypeError, match=match):
        nn.train(model, LINE_X, LINE_Y, progress=False)


# -- targets, numbers and containers --------------------------------------------------------------


def test_class_index_targets_with_cross_entropy() -> None:
    xs, ys = nn.toy_task(0, n=20)
    labels = [0 if y[0] == 1.0 else 1 for y in ys]
    by_index = nn.Network([3, 4, 2], "tanh", output_activation="linear", seed=0)
    by_one_hot = nn.Network([3, 4, 2], "tanh", output_activation="linear", seed=0)
    h1 = nn.train(by_index, xs, labels, epochs=3, loss=nn.cross_entropy, progress=False)
    h2 = nn.train(by_one_hot, xs, ys, epochs=3, loss=nn.cross_entropy, progress=False)
    assert h1 == h2 and by_index.weight_matrices() == by_one_hot.weight_matrices()
    assert h1[-1] < h1[0]


def half(prediction: Any, target: Any) -> float:
    return 0.5  # not a Value: train refuses it, naming this function


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"ys": [0, 1, 2, 1]}, ValueError, r"ys\[2\] is the class index 2, out of range"),
        ({"ys": [0, 1, -1, 1]}, ValueError, r"ys\[2\] is the class index -1"),
        ({"ys": [0, 1, 1, 0]}, TypeError, r"mse target must be a list.*got int 0.*class index"),
        ({"xs": {(0.0, 0.0), (1.0, 1.0)}}, TypeError, r"xs must be a list.*set.*no order"),
        ({"ys": {0: [0.0], 1: [1.0]}}, TypeError, r"ys must be a list.*dict"),
        ({"xs": [{0.0, 1.0}] * 4}, TypeError, r"xs\[0\] must be a list.*set.*no order"),
        ({"loss": lambda p, y: None}, TypeError, r"; loss\(prediction, target\) returned NoneType"),
        ({"loss": lambda p, y: 0.5}, TypeError, r"must return a Value.*returned float 0\.5"),
        ({"loss": half}, TypeError, r"; half\(prediction, target\) returned float 0\.5"),
        (  # a callable without a __name__ is called "loss" too
            {"loss": functools.partial(lambda p, y, value: value, value=0.5)},
            TypeError,
            r"; loss\(prediction, target\) returned float 0\.5",
        ),
        ({"optimizer": 0.5, "lr": 0.1}, ValueError, r"not both; got optimizer=0\.5 and lr=0\.1"),
        ({"shuffle": 1}, TypeError, "shuffle must be True or False"),
        ({"seed": 1.5}, TypeError, "seed must be an integer or None, got float 1.5"),
        (
            {"optimizer": True},
            TypeError,
            "optimizer must be an nn.Optimizer or a .*, got bool True",
        ),
    ],
)
def test_bad_targets_and_losses_change_nothing(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    net = nn.Network([2, 2, 2], seed=0)
    before = net.weight_matrices(), net.bias_vectors()
    args: dict[str, Any] = {"xs": XOR_X, "ys": [[1.0, 0.0]] * 4, "progress": False, **kwargs}
    with pytest.raises(error, match=match):
        nn.train(net, **args)
    assert (net.weight_matrices(), net.bias_vectors()) == before


def test_every_numeric_argument_accepts_numpy_numbers() -> None:
    np = pytest.importorskip("numpy")
    runs = []
    for lr, epochs, batch, seed in (
        (np.float32(0.05), np.int64(2), np.int32(2), np.int64(3)),
        (float(np.float32(0.05)), 2, 2, 3),
    ):
        net = nn.Network([2, 2, 1], seed=0)
        h = nn.train(net, XOR_X, XOR_Y, epochs, lr, batch_size=batch, shuffle=True, seed=seed)
        runs.append((list(h), net.weight_matrices()))
    assert runs[0] == runs[1]
    net = nn.Network([2, 2, 1], seed=0)
    nn.train(net, XOR_X, XOR_Y, 1, lr=np.float16(0.5), progress=False)  # lr= too


def test_history_is_a_list_that_says_how_the_run_ended() -> None:
    history = nn.train(line(), LINE_X, LINE_Y, epochs=4, lr=0.01, batch_size=2, progress=False)
    assert isinstance(history, list) and len(history) == 4
    assert history.interrupted is False
    assert history.steps == 4 * 2  # two batches per epoch: {1, 2} and {3}
    assert history[1:] == list(history)[1:] and max(history) == history[0]


# -- training that tells you what is going on ---------------------------------------------------


def training_warnings(**kwargs: Any) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call = (__file__, sys._getframe().f_lineno + 1)  # the next line, which calls train
        nn.train(progress=False, **kwargs)
    assert all(w.category is nn.TrainingWarning for w in caught)
    if not hasattr(nn.train, "__wrapped__"):  # under make mutation, a trampoline calls train
        assert all((w.filename, w.lineno) == call for w in caught)  # they point at that call
    return [str(w.message) for w in caught]


def test_a_rising_loss_warns_once_per_run() -> None:
    # w ← w − η·2w·x² multiplies w by (1 − 0.6)(1 − 2.4)(1 − 5.4) ≈ −2.5 per epoch
    for _ in range(2):  # each run warns, once
        messages = training_warnings(model=line(), xs=LINE_X, ys=LINE_Y, epochs=10, lr=0.3)
        assert len(messages) == 1
        assert "rose for 3 epochs in a row" in messages[0]
        assert "(epoch 1)" in messages[0] and "(epoch 4)" in messages[0]
        assert "learning rate too large?" in messages[0]


@pytest.mark.parametrize(("growth", "warned"), [(1.01, False), (1.05, True)])
def test_a_slowly_rising_loss_is_noise(growth: float, warned: bool) -> None:
    calls = itertools.count()

    def rising(pred: list[Value], target: list[float]) -> Value:
        return pred[0] * 0.0 + growth ** (next(calls) // 3)  # ×growth per epoch of 3 samples

    messages = training_warnings(model=line(), xs=LINE_X, ys=LINE_Y, epochs=6, loss=rising)
    assert len(messages) == warned  # 3 rises of 1% are 3% in all; of 5%, 15.8% (over 10%)


def test_a_loss_that_is_not_finite_warns() -> None:
    def huge(pred: list[Value], target: list[float]) -> Value:
        return pred[0] * 0.0 + 1e308  # each sample's loss is finite, their sum is not

    messages = training_warnings(model=line(), xs=LINE_X, ys=LINE_Y, epochs=3, loss=huge)
    assert len(messages) == 1
    assert "mean huge of epoch 1 is inf" in messages[0]
    assert "learning rate too large?" in messages[0]


def test_saturated_sigmoids_on_a_stalled_loss_warn() -> None:
    # backprop-demo --lr 1000: the loss goes from 0.49 to 0.65 and stays there
    xs, ys = nn.toy_task(0)
    net = nn.Network([3, 2, 2], bias=False, seed=0)
    messages = training_warnings(model=net, xs=xs, ys=ys, epochs=12, lr=1000.0)
    assert len(messages) == 1
    for words in ("sigmoid units are saturated", "(4 units × 40 samples)", "for 5 epochs"):
        assert words in messages[0]
    assert "Learning rate too large" in messages[0]


def test_training_that_goes_well_says_nothing() -> None:
    xs, ys = nn.toy_task(0)
    net = nn.Network([3, 2, 2], bias=False, seed=0)  # backprop-demo's run: saturated, and right
    args = {"epochs": 300, "lr": 2.0, "shuffle": True, "seed": 0}
    assert training_warnings(model=net, xs=xs, ys=ys, **args) == []
    saturated, cases = nn.feedback.saturation(net, xs)
    assert saturated > cases / 2  # saturated, yet learning: no warning
    moons = nn.Network([2, 4, 1], activation="tanh", output_activation="sigmoid", seed=1)
    adam = nn.Adam(moons.parameters(), 0.05)
    assert training_warnings(model=moons, xs=XOR_X, ys=XOR_Y, epochs=300, optimizer=adam) == []


def test_saturation_is_counted_over_units_and_samples() -> None:
    # two sigmoid units, z = 10·x and z = 0.1·x: saturated (σ′ < 0.01) where |z| > 4.6
    net = nn.Network.from_weights([[[10.0], [0.1]], [[1.0, 1.0]]], output_activation="linear")
    assert nn.feedback.saturation(net, [[1.0], [0.4], [-0.5]]) == (2, 6)
    assert nn.feedback.saturation(net, [[50.0]]) == (2, 2)
    relu = nn.Network([2, 3, 1], activation="relu", output_activation="linear", seed=0)
    assert nn.feedback.saturation(relu, XOR_X) == (0, 0)


def test_an_overflow_says_where_training_stopped() -> None:
    net = line()
    with pytest.raises(OverflowError) as info:  # the optimizer refuses a step to inf
        nn.train(net, LINE_X, LINE_Y, epochs=2, lr=1e308, progress=False)
    message = str(info.value)
    assert message.startswith("training stopped in epoch 1 of 2, after 0 of its 3 steps")
    assert "lr=1e+308" in message and "learning rate too large?" not in message
    assert message.endswith("no parameter was changed (a smaller lr usually helps)")
    assert net.weights[0][0][0].data == 1.0  # no step was half done
    with pytest.raises(OverflowError, match=r"epoch 1 of 1.*overflows.*learning rate too large\?"):
        nn.train(line(), [[1e200]], [[0.0]], epochs=1, progress=False)
    with pytest.raises(OverflowError) as info:
        nn.train(line(), [[1e200]], [[0.0]], epochs=1, progress=False)
    assert str(info.value).endswith("1e+200 ** 2.0: overflows (learning rate too large?)")


# -- Ctrl-C: a real SIGINT, and the weights after the last complete step ------------------------


def by_hand(net: nn.Network, steps: int, lr: float, seed: int) -> list[float]:
    """``steps`` SGD steps of one XOR sample each, shuffled as train shuffles; the epoch means."""
    opt, rng, order = nn.SGD(net.parameters(), lr), random.Random(seed), list(range(4))
    means: list[float] = []
    while steps > 0:
        rng.shuffle(order)
        total = 0.0
        for k in order[:steps]:
            opt.zero_grad()
            loss = nn.mse(net(XOR_X[k]), XOR_Y[k])
            loss.backward()
            opt.step()
            total += loss.data
        if steps >= 4:
            means.append(total / 4)
        steps -= 4
    return means


def test_ctrl_c_stops_at_a_step_boundary_and_returns_the_history(
    capsys: pytest.CaptureFixture[str], python_sigint: None
) -> None:
    net = nn.Network([2, 8, 1], seed=0)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:  # epochs enough for several seconds: only the SIGINT ends it
        history = nn.train(net, XOR_X, XOR_Y, 20_000, 0.5, shuffle=True, seed=1, progress=False)
    finally:
        timer.cancel()
        timer.join()
    assert history.interrupted
    assert history.steps > 0 and len(history) == history.steps // 4
    reference = nn.Network([2, 8, 1], seed=0)
    means = by_hand(reference, history.steps, 0.5, seed=1)
    assert net.weight_matrices() == reference.weight_matrices()
    assert net.bias_vectors() == reference.bias_vectors()
    assert list(history) == means
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    partial = history.steps % 4  # steps done in the epoch that was interrupted
    where = (
        f"in epoch {len(history) + 1} of 20000, after {partial} of its 4 steps"
        if partial
        else f"after epoch {len(history)} of 20000"  # between two epochs
    )
    for words in (
        "interrupted (Ctrl-C)",
        where,
        f"{history.steps} in all",
        f"the {len(history)} complete epochs",
    ):
        assert words in out[0]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handed back


def test_ctrl_c_during_an_optimizer_step_lets_the_step_finish(python_sigint: None) -> None:
    class SlowSGD(nn.SGD):
        """Plain SGD, one parameter at a time; on its third step a real SIGINT arrives
        half way through, as a Ctrl-C would."""

        steps = 0

        def step(self) -> None:
            self.steps += 1
            for k, p in enumerate(self.params):
                p.data = p.data - self.lr * p.grad
                if self.steps == 3 and k == len(self.params) // 2:
                    os.kill(os.getpid(), signal.SIGINT)
                    time.sleep(0.05)  # the handler runs here, mid-step

    net = nn.Network([2, 8, 1], seed=0)
    history = nn.train(net, XOR_X, XOR_Y, 5, SlowSGD(net.parameters(), 0.5), progress=False)
    assert history.interrupted and history.steps == 3 and list(history) == []
    unshuffled = nn.Network([2, 8, 1], seed=0)
    opt = nn.SGD(unshuffled.parameters(), 0.5)
    for x, y in zip(XOR_X[:3], XOR_Y[:3]):
        opt.zero_grad()
        nn.mse(unshuffled(x), y).backward()
        opt.step()
    assert net.weight_matrices() == unshuffled.weight_matrices()  # three whole steps, no half
    assert net.bias_vectors() == unshuffled.bias_vectors()


@pytest.mark.parametrize(
    ("calls", "where"),
    [
        (1, "in epoch 1 of 3, after 0 of its 4 steps"),
        (5, "after epoch 1 of 3"),  # between two epochs
        (6, "in epoch 2 of 3, after 1 of its 4 steps"),
    ],
)
def test_ctrl_c_says_where_training_stopped(
    calls: int, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    count = itertools.count(1)

    def loss(prediction: list[Value], target: list[float]) -> Value:
        if next(count) == calls:  # Ctrl-C while this call computes the loss
            raise KeyboardInterrupt
        return nn.mse(prediction, target)

    net = nn.Network([2, 2, 1], seed=0)
    history = nn.train(net, XOR_X, XOR_Y, 3, 0.5, loss=loss, progress=False)
    assert history.interrupted and history.steps == calls - 1
    assert f"train: interrupted (Ctrl-C) {where}; " in capsys.readouterr().out


def test_ctrl_c_outside_a_step_stops_at_once(python_sigint: None) -> None:
    count = itertools.count(1)

    def loss(prediction: list[Value], target: list[float]) -> Value:
        if next(count) == 3:  # a real SIGINT while the third loss is computed, between steps
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler runs here
        return nn.mse(prediction, target)

    net = nn.Network([2, 2, 1], seed=0)
    history = nn.train(net, XOR_X, XOR_Y, 3, 0.5, loss=loss, progress=False)
    assert history.interrupted and history.steps == 2  # the third step never began


def test_train_steps_with_sgd_and_a_learning_rate_of_a_tenth_by_default() -> None:
    net, by_hand = nn.Network([2, 2, 1], seed=0), nn.Network([2, 2, 1], seed=0)
    nn.train(net, XOR_X[:1], XOR_Y[:1], epochs=1, progress=False)
    nn.mse(by_hand(XOR_X[0]), XOR_Y[0]).backward()
    nn.SGD(by_hand.parameters(), lr=0.1).step()
    assert net.weight_matrices() == by_hand.weight_matrices()
    assert len(nn.train(nn.Network([1, 1], seed=0), [[1.0]], [[0.0]], progress=False)) == 100


def test_compiled_training_refuses_a_loss_that_branches_on_its_numbers() -> None:
    import autograd

    def branchy(prediction: list[Value], target: list[float]) -> Value:
        return nn.mse(prediction, target) if prediction[0].data > 0 else nn.mse(target, target)

    net = nn.Network([1, 1], seed=0)
    before = net.weight_matrices()
    nn.train(net, [[1.0]], [[0.0]], epochs=1, loss=branchy, progress=False)  # eager: fine
    with pytest.raises(autograd.TraceError, match=r"\.data reads the number"):
        nn.train(net, [[1.0]], [[0.0]], epochs=1, loss=branchy, progress=False, compile=True)
    assert net.weight_matrices() != before


def test_the_progress_bar_counts_epochs_of_train(capsys: pytest.CaptureFixture[str]) -> None:
    nn.train(nn.Network([1, 1], seed=0), [[1.0]], [[0.0]], epochs=3)
    bar = capsys.readouterr().err.rstrip().split("\r")[-1]
    assert bar.startswith("train: 100%") and "3/3" in bar and "mean mse=" in bar
    assert "epoch/s" in bar or "s/epoch" in bar


def test_without_ctrl_c_nothing_is_interrupted(python_sigint: None) -> None:
    history = nn.train(line(), LINE_X, LINE_Y, epochs=2, lr=0.01, progress=False)
    assert history.interrupted is False
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):  # and Ctrl-C outside train is Python's again
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1.0)


def test_training_in_another_thread_leaves_sigint_alone() -> None:
    results: list[nn.History] = []
    worker = threading.Thread(
        target=lambda: results.append(nn.train(line(), LINE_X, LINE_Y, 2, 0.01, progress=False))
    )
    worker.start()
    worker.join()
    assert len(results[0]) == 2 and not results[0].interrupted


def test_sigint_ignored_stays_ignored(python_sigint: None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as for a job started in the background
    net = nn.Network([2, 2, 1], seed=0)
    opt = nn.SGD(net.parameters(), 0.5)
    opt.step = lambda: (nn.SGD.step(opt), os.kill(os.getpid(), signal.SIGINT))  # type: ignore[method-assign]
    history = nn.train(net, XOR_X, XOR_Y, 3, opt, progress=False)
    assert not history.interrupted and len(history) == 3
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def test_a_model_of_its_own_gets_its_numbers_as_given() -> None:
    # an int target stays an int (a class index for cross_entropy), a float a float
    seen: list[object] = []

    class Two(nn.Module):
        def __init__(self) -> None:
            self.w = Value(0.5)

        def __call__(self, x: list[float]) -> list[Value]:
            seen.append(x)
            return [self.w * x[0], self.w * x[1]]

        def parameters(self) -> list[Value]:
            return [self.w]

    nn.train(Two(), [[1.0, 2]], [1], epochs=1, lr=0.1, loss=nn.cross_entropy, progress=False)
    assert seen == [[1.0, 2.0]]
    with pytest.raises(ValueError, match=r"^ys\[0\] must be a finite number, got nan"):
        nn.train(Two(), [[1.0, 2.0]], [math.nan], epochs=1, progress=False, loss=squared)
    with pytest.raises(TypeError, match=r"^xs\[0\]\[1\] must be a real number"):
        nn.train(Two(), [[1.0, "2"]], [1], epochs=1, progress=False, loss=nn.cross_entropy)


def test_ctrl_c_outside_a_step_goes_to_the_handler_there_was() -> None:
    from nn.train import _StepBoundary

    calls: list[tuple[int, object]] = []
    boundary = _StepBoundary()
    boundary.previous = lambda signum, frame: calls.append((signum, frame))
    frame = sys._getframe()
    boundary.handle(signal.SIGINT, frame)
    assert calls == [(signal.SIGINT, frame)]
    with pytest.raises(KeyboardInterrupt), boundary:  # inside a step: raised at its end
        boundary.handle(signal.SIGINT, frame)
        assert calls == [(signal.SIGINT, frame)] and boundary.pending
    assert not boundary.pending
