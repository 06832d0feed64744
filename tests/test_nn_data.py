"""Built-in data sets."""

from __future__ import annotations

from nn import toy_task


def test_toy_task_labels_follow_its_rule():
    xs, ys = toy_task(seed=1, n=50)
    assert len(xs) == 50
    for x, y in zip(xs, ys):
        assert y == ([1.0, 0.0] if x[0] > x[2] else [0.0, 1.0])
