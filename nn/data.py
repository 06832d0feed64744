"""Small built-in data sets."""

from __future__ import annotations

import random

__all__ = ["toy_task"]


def toy_task(seed: int, n: int = 40) -> tuple[list[list[float]], list[list[float]]]:
    """Points x⁽¹⁾ in [−1, 1]³, labelled y = [1, 0] when x₁ > x₃ and [0, 1] otherwise."""
    rng = random.Random(seed)
    xs = [[rng.uniform(-1.0, 1.0) for _ in range(3)] for _ in range(n)]
    ys = [[1.0, 0.0] if x[0] > x[2] else [0.0, 1.0] for x in xs]
    return xs, ys
