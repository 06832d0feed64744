"""Built-in data sets."""

from __future__ import annotations

from nn import toy_task


def test_toy_task_labels_follow_its_rule():
    xs, ys = toy_task(seed=1, n=50)
    assert len(xs) == 50
    for x, y in zip(xs, ys):
        assert y == ([1.0, 0.0] if x[0] > x[2] else [0.0, 1.0])


def test_toy_task_is_forty_points_in_the_cube_drawn_by_its_seed():
    xs, ys = toy_task(seed=0)
    assert len(xs) == len(ys) == 40 and all(len(x) == 3 for x in xs)
    assert all(-1.0 <= v <= 1.0 for x in xs for v in x)
    assert min(v for x in xs for v in x) < -0.9 and max(v for x in xs for v in x) > 0.9
    assert toy_task(seed=0) == (xs, ys) and toy_task(seed=1)[0] != xs
    assert {tuple(y) for y in ys} == {(1.0, 0.0), (0.0, 1.0)}
    import random

    rng = random.Random(0)  # the draw itself: three uniform numbers per point, in order
    assert xs[0] == [rng.uniform(-1.0, 1.0) for _ in range(3)]
