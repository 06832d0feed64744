"""train: loss goes down, one full-batch step equals a hand-made gradient step, bar, bad input."""

from __future__ import annotations

import itertools
import sys
from typing import Any

import pytest

import nn

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
    nn.train(net, XOR_X, XOR_Y, epochs=3)
    err = capsys.readouterr().err
    assert "3/3" in err and "loss=" in err


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
        ({"loss": "mse"}, TypeError, "loss must be a function"),
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
    with pytest.raises(ValueError, match="not this network's"):
        nn.train(net, XOR_X, XOR_Y, optimizer=nn.SGD(other.parameters()), progress=False)
    with pytest.raises(ValueError, match="either an optimizer or lr"):
        nn.train(net, XOR_X, XOR_Y, optimizer=nn.SGD(net.parameters()), lr=0.1, progress=False)
    with pytest.raises(TypeError, match=r"train needs an nn\.Network"):
        nn.train("net", XOR_X, XOR_Y)  # type: ignore[arg-type]


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


def test_progress_bar_shows_the_running_mean_of_the_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []

    class Bar:  # stands in for tqdm and records what the bar would show
        def __init__(self, iterable: Any, **kwargs: Any) -> None:
            self.iterable = iterable

        def __iter__(self) -> Any:
            return iter(self.iterable)

        def set_postfix(self, refresh: bool = True, **kwargs: str) -> None:
            shown.append(kwargs["loss"])

        def refresh(self) -> None:
            pass

        def close(self) -> None:
            pass

    monkeypatch.setattr(sys.modules["nn.train"], "tqdm", Bar)
    history = nn.train(line(), LINE_X, LINE_Y, epochs=1, lr=0.01)
    # the sample losses, as in test_numpy_arrays_are_accepted: 1, 0.98²·4, 0.9016²·9
    losses = [1.0, 0.98**2 * 4, 0.9016**2 * 9]
    assert shown == [f"{sum(losses[:k]) / k:.4g}" for k in (1, 2, 3)]
    assert shown[-1] == f"{history[-1]:.4g}"
