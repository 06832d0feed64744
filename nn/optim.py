"""Optimizers: move each parameter w against its gradient ∂L/∂w (read from ``w.grad``)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value

from .validate import describe, real

__all__ = ["SGD", "Adam", "Optimizer"]


class Optimizer:
    """Holds the parameters: ``step()`` updates them from ``.grad``, ``zero_grad()`` resets it."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        if isinstance(params, Value) or not isinstance(params, Iterable):
            raise TypeError(
                f"{type(self).__name__} needs a list of Values such as net.parameters(), "
                f"got {describe(params)}"
            )
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        seen: set[int] = set()
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(
                    f"{type(self).__name__} parameters must be Values, got {describe(p)}"
                )
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__} got the same parameter twice: {p!r}")
            seen.add(id(p))
        self.lr = _positive(lr, "lr (learning rate)")

    def step(self) -> None:
        """Update every parameter once from its ``.grad``."""
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (grads accumulate across ``backward`` calls)."""
        for p in self.params:
            p.grad = 0.0


class SGD(Optimizer):
    """Gradient descent: w ← w − η ∂L/∂w.

    With ``momentum`` μ > 0: v ← μv + ∂L/∂w, w ← w − ηv (as in PyTorch).
    """

    def __init__(self, params: Iterable[Value], lr: float = 0.1, momentum: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = real(momentum, "momentum")
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum!r}")
        self._velocity = [0.0] * len(self.params)

    def step(self) -> None:
        lr, mu = self.lr, self.momentum
        if mu == 0.0:
            for p in self.params:
                p.data -= lr * p.grad
            return
        v = self._velocity
        for k, p in enumerate(self.params):
            v[k] = mu * v[k] + p.grad
            p.data -= lr * v[k]

    def __repr__(self) -> str:
        return f"SGD({len(self.params)} parameters, lr={self.lr!r}, momentum={self.momentum!r})"


class Adam(Optimizer):
    """Adam: per-parameter steps scaled by running averages of g = ∂L/∂w and g².

    m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − η m̂/(√v̂ + ε), where m̂, v̂ undo the bias
    of starting at 0 (m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ) at step t).
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.01,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, tuple) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (β₁, β₂), got {describe(betas)}")
        self.betas = (real(betas[0], "betas[0]"), real(betas[1], "betas[1]"))
        for k, b in enumerate(self.betas):
            if not 0.0 <= b < 1.0:
                raise ValueError(f"betas[{k}] must be in [0, 1), got {b!r}")
        self.eps = _positive(eps, "eps")
        self.t = 0
        self._m = [0.0] * len(self.params)
        self._v = [0.0] * len(self.params)

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        c1 = 1.0 - b1**self.t
        c2 = 1.0 - b2**self.t
        m, v = self._m, self._v
        for k, p in enumerate(self.params):
            g = p.grad
            m[k] = b1 * m[k] + (1.0 - b1) * g
            v[k] = b2 * v[k] + (1.0 - b2) * g * g
            p.data -= self.lr * (m[k] / c1) / (math.sqrt(v[k] / c2) + self.eps)

    def __repr__(self) -> str:
        return f"Adam({len(self.params)} parameters, lr={self.lr!r}, betas={self.betas!r})"


def _positive(x: object, what: str) -> float:
    f = real(x, what)
    if f <= 0.0:
        raise ValueError(f"{what} must be positive, got {f!r}")
    return f
