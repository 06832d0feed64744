"""Optimizers: move each parameter w against its gradient ∂L/∂w (read from ``w.grad``)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value
from autograd.numbers import counted, describe, real

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

    def _assign(self, new: list[float]) -> None:
        """Set every parameter's data to ``new``, or, if interrupted (Ctrl-C), none of them."""
        old = [p.data for p in self.params]
        try:
            for p, x in zip(self.params, new):
                p.data = x
        except BaseException:
            for p, x in zip(self.params, old):
                p.data = x
            raise

    def _name(self, k: int) -> str:
        p = self.params[k]
        return p.label or f"parameter {k}"

    def _check_finite(self, new: list[float]) -> None:
        """OverflowError naming the first parameter whose new value would be inf or nan."""
        for k, x in enumerate(new):
            if not math.isfinite(x):
                p = self.params[k]
                hint = (
                    "a smaller lr usually helps"
                    if math.isfinite(p.grad)
                    else "the grad itself is not finite: check the loss"
                )
                raise OverflowError(
                    f"{type(self).__name__} step would set {self._name(k)} to {x!r} "
                    f"(from {p.data!r} with grad {p.grad!r}, lr={self.lr!r}); no parameter was "
                    f"changed ({hint})"
                )


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
        """w ← w − η·grad (or the momentum update) for every parameter, or for none of them:
        a step that would make any parameter inf or nan raises OverflowError instead, and one
        interrupted by Ctrl-C changes nothing."""
        lr, mu, params = self.lr, self.momentum, self.params
        if mu == 0.0:
            new = [p.data - lr * p.grad for p in params]
        else:
            v = [mu * vk + p.grad for vk, p in zip(self._velocity, params)]
            new = [p.data - lr * vk for p, vk in zip(params, v)]
        self._check_finite(new)
        self._assign(new)
        if mu != 0.0:
            self._velocity = v

    def __repr__(self) -> str:
        params = counted(len(self.params), "parameter")
        return f"SGD({params}, lr={self.lr!r}, momentum={self.momentum!r})"


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
        """One Adam update of every parameter, or of none of them: a step that would make any
        parameter (or its running g²) inf or nan raises OverflowError instead, and one
        interrupted by Ctrl-C changes nothing."""
        t = self.t + 1
        b1, b2 = self.betas
        c1 = 1.0 - b1**t
        c2 = 1.0 - b2**t
        params, lr, eps = self.params, self.lr, self.eps
        m = [b1 * mk + (1.0 - b1) * p.grad for mk, p in zip(self._m, params)]
        v = [b2 * vk + (1.0 - b2) * p.grad * p.grad for vk, p in zip(self._v, params)]
        for k, vk in enumerate(v):
            if not math.isfinite(vk):
                raise OverflowError(
                    f"Adam step: the grad of {self._name(k)} is {params[k].grad!r}, whose square "
                    f"is not a finite float (lr={lr!r}); no parameter was changed"
                )
        new = [
            p.data - lr * (mk / c1) / (math.sqrt(vk / c2) + eps) for p, mk, vk in zip(params, m, v)
        ]
        self._check_finite(new)
        self._assign(new)
        self.t, self._m, self._v = t, m, v

    def __repr__(self) -> str:
        params = counted(len(self.params), "parameter")
        return f"Adam({params}, lr={self.lr!r}, betas={self.betas!r})"


def _positive(x: object, what: str) -> float:
    f = real(x, what)
    if f <= 0.0:
        raise ValueError(f"{what} must be positive, got {f!r}")
    return f
