"""Neurons, layers and networks, built from ``Value``s with the public operators only.

The blog's network: x⁽²⁾ = σ(W⁽¹⁾·x⁽¹⁾), x⁽³⁾ = σ(W⁽²⁾·x⁽²⁾), with W⁽¹⁾ 2×3 and W⁽²⁾ 2×2::

    net = Network([3, 2, 2], activation="sigmoid", bias=False)
    out = net([0.5, -0.2, 0.1])        # [x₁⁽³⁾, x₂⁽³⁾]
    net.weights[0][0][1]               # w₁₂⁽¹⁾: row i = neuron i of layer 2, column j = input j
"""

from __future__ import annotations

import itertools
import math
import os
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from autograd import Value

from .notation import bias_label, neuron_label, preactivation_label, superscript, weight_label
from .validate import (
    check_activation,
    check_sizes,
    check_vector,
    describe,
    real,
    short,
)

__all__ = ["Layer", "Module", "Network", "Neuron"]

Matrix = list[list[float]]

_ACTIVATE: dict[str, Callable[[Value], Value] | None] = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "linear": None,
}


def _weighted_sum(row: Sequence[Value], bias: Value | None, x: Sequence[Value]) -> Value:
    """Σⱼ wⱼxⱼ (+ b), started from the first product so no needless ``0 +`` node is made."""
    z = row[0] * x[0]
    for k in range(1, len(row)):
        z = z + row[k] * x[k]
    return z if bias is None else z + bias


class Module:
    """Anything with parameters: ``parameters()`` lists them, ``zero_grad()`` resets their grads."""

    def parameters(self) -> list[Value]:
        """Every trainable Value."""
        return []

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (leaf grads accumulate across ``backward``)."""
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """f(Σⱼ wⱼxⱼ + b): one row of a weight matrix, its bias (or none) and an activation f."""

    def __init__(
        self,
        weights: Sequence[Value | float],
        bias: Value | float | None = None,
        activation: str = "sigmoid",
        label: str = "",
    ) -> None:
        if isinstance(weights, list) and weights and all(isinstance(w, Value) for w in weights):
            self.weights: list[Value] = weights  # shared with the Layer that made it
        else:
            row = _as_list(weights)
            if not row:
                raise ValueError(
                    f"Neuron needs a non-empty list of weights, got {describe(weights)}"
                )
            row = check_vector(row, len(row), "Neuron weights")
            self.weights = [w if isinstance(w, Value) else Value(w) for w in row]
        if bias is not None and not isinstance(bias, Value):
            bias = Value(real(bias, "bias"))
        self.bias = bias
        self.activation = check_activation(activation)
        self.label = label

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """The neuron's output for inputs ``x`` (one per weight)."""
        xs = [
            v if isinstance(v, Value) else Value(v)
            for v in check_vector(x, len(self.weights), "Neuron input")
        ]
        return self._forward(xs)

    def _forward(self, x: Sequence[Value]) -> Value:
        z = _weighted_sum(self.weights, self.bias, x)
        f = _ACTIVATE[self.activation]
        out = z if f is None else f(z)
        if self.label:
            out.label = self.label
        return out

    def parameters(self) -> list[Value]:
        """The weights, then the bias if there is one."""
        return [*self.weights, *([] if self.bias is None else [self.bias])]

    def __repr__(self) -> str:
        has_bias = self.bias is not None
        return (
            f"Neuron({len(self.weights)} inputs, activation={self.activation!r}, bias={has_bias})"
        )


class Layer(Module):
    """x⁽ˡ⁺¹⁾ = f(W⁽ˡ⁾·x⁽ˡ⁾ + b⁽ˡ⁺¹⁾): ``weights`` is W (a row per neuron), ``biases`` is b.

    ``number`` is l, the index of W⁽ˡ⁾ (1 for the first layer of weights); it names the outputs
    x₁⁽ˡ⁺¹⁾, x₂⁽ˡ⁺¹⁾, ...
    """

    def __init__(
        self,
        weights: list[list[Value]],
        biases: list[Value] | None = None,
        activation: str = "sigmoid",
        number: int = 1,
    ) -> None:
        if not weights or not weights[0]:
            raise ValueError(f"Layer needs a non-empty weight matrix, got {short(weights)}")
        n_in = len(weights[0])
        for i, row in enumerate(weights):
            if len(row) != n_in:
                raise ValueError(
                    f"weight matrix rows must all have {n_in} entries; row {i} has {len(row)}"
                )
            for w in row:
                if not isinstance(w, Value):
                    raise TypeError(f"Layer weights must be Values, got {describe(w)}")
        biases = [] if biases is None else biases
        if biases and len(biases) != len(weights):
            raise ValueError(f"Layer has {len(weights)} neurons but {len(biases)} biases")
        self.weights = weights
        self.biases = biases
        self.activation = check_activation(activation)
        self.number = number
        self._labels = [neuron_label(number + 1, i + 1) for i in range(len(weights))]
        self._z_labels = [preactivation_label(number + 1, i + 1) for i in range(len(weights))]

    @property
    def n_in(self) -> int:
        """Number of inputs (columns of W)."""
        return len(self.weights[0])

    @property
    def n_out(self) -> int:
        """Number of neurons (rows of W)."""
        return len(self.weights)

    @property
    def neurons(self) -> list[Neuron]:
        """One Neuron per row, sharing this layer's Values."""
        return [
            Neuron(row, self.biases[i] if self.biases else None, self.activation, self._labels[i])
            for i, row in enumerate(self.weights)
        ]

    def __call__(self, x: Sequence[Value]) -> list[Value]:
        """f(W·x + b), one Value per neuron, labelled xᵢ⁽ˡ⁺¹⁾ (and W·x + b labelled zᵢ⁽ˡ⁺¹⁾)."""
        if len(x) != len(self.weights[0]):
            raise ValueError(f"Layer input must have {self.n_in} entries, got {len(x)}")
        f = _ACTIVATE[self.activation]
        biases = self.biases
        out = []
        for i, row in enumerate(self.weights):
            z = _weighted_sum(row, biases[i] if biases else None, x)
            if f is None:
                a = z
            else:
                z.label = self._z_labels[i]
                a = f(z)
            a.label = self._labels[i]
            out.append(a)
        return out

    def parameters(self) -> list[Value]:
        """W row by row, then b."""
        return [w for row in self.weights for w in row] + list(self.biases)

    def __repr__(self) -> str:
        w = f"W⁽{superscript(self.number)}⁾ {self.n_out}×{self.n_in}"
        return f"Layer({w}, activation={self.activation!r}, bias={bool(self.biases)})"


class Network(Module):
    """A fully connected network: x⁽ˡ⁺¹⁾ = f(W⁽ˡ⁾·x⁽ˡ⁾ + b⁽ˡ⁺¹⁾) for l = 1 … L−1.

    ``sizes`` lists the layer widths, inputs first ([3, 2, 2] is the blog's network).
    ``activation`` ("sigmoid", "tanh", "relu" or "linear") applies to every layer, as in the blog;
    ``output_activation`` replaces it on the last layer only (e.g. "linear" for regression).
    ``bias=False`` drops the biases (the blog has none). Weights and biases start uniform in
    ±1/√(fan-in), drawn from ``random.Random(seed)``: the same seed gives the same network
    (``seed=None`` draws fresh ones).

    ``weights[l][i][j]`` is the Value wᵢⱼ⁽ˡ⁺¹⁾ (row i = neuron i of the next layer, column j =
    input j) and ``biases[l][i]`` is bᵢ⁽ˡ⁺²⁾, both labelled in the blog's notation.
    """

    sizes: list[int]
    activation: str
    output_activation: str
    bias: bool
    layers: list[Layer]
    weights: list[list[list[Value]]]
    biases: list[list[Value]]

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "sigmoid",
        bias: bool = True,
        *,
        output_activation: str | None = None,
        seed: int | None = None,
    ) -> None:
        sizes = check_sizes(sizes)
        if not isinstance(bias, bool):
            raise TypeError(f"bias must be True or False, got {describe(bias)}")
        activation, output_activation = _check_activations(activation, output_activation)
        rng = random.Random(seed)
        weights: list[Matrix] = []
        biases: list[list[float]] | None = [] if bias else None
        for n_in, n_out in itertools.pairwise(sizes):
            bound = 1.0 / math.sqrt(n_in)
            weights.append(
                [[rng.uniform(-bound, bound) for _ in range(n_in)] for _ in range(n_out)]
            )
            if biases is not None:
                biases.append([rng.uniform(-bound, bound) for _ in range(n_out)])
        self._assemble(weights, biases, activation, output_activation)

    @classmethod
    def from_weights(
        cls,
        weights: Sequence[Sequence[Sequence[float]]],
        activation: str = "sigmoid",
        biases: Sequence[Sequence[float]] | None = None,
        *,
        output_activation: str | None = None,
    ) -> Network:
        """A network with the given weight matrices W⁽¹⁾, W⁽²⁾, … (and biases, or none).

        ``weights[l]`` is a list of rows, one per neuron of layer l+2, each with one number per
        neuron of layer l+1; the sizes follow from the shapes, e.g. the blog's network::

            Network.from_weights([[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[0.7, 0.8], [0.9, 1.0]]])
        """
        activation, output_activation = _check_activations(activation, output_activation)
        w, b = _check_parameters(weights, biases)
        net = cls.__new__(cls)
        net._assemble(w, b, activation, output_activation)
        return net

    def _assemble(
        self,
        weights: list[Matrix],
        biases: list[list[float]] | None,
        activation: str,
        output_activation: str,
    ) -> None:
        """Build the Values and layers from checked numbers."""
        self.sizes = [len(weights[0][0])] + [len(m) for m in weights]
        self.activation = activation
        self.output_activation = output_activation
        self.bias = biases is not None
        self.layers = []
        last = len(weights) - 1
        for l, matrix in enumerate(weights):  # noqa: E741
            w = [
                [Value(x, weight_label(l + 1, i + 1, j + 1)) for j, x in enumerate(row)]
                for i, row in enumerate(matrix)
            ]
            b = (
                []
                if biases is None
                else [Value(x, bias_label(l + 2, i + 1)) for i, x in enumerate(biases[l])]
            )
            self.layers.append(Layer(w, b, output_activation if l == last else activation, l + 1))
        self.weights = [layer.weights for layer in self.layers]
        self.biases = [layer.biases for layer in self.layers]

    # -- forward -------------------------------------------------------------------------------

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        """x⁽ᴸ⁾, the output layer, for the input x⁽¹⁾ (numbers or Values)."""
        return self.forward_all(x)[-1]

    def forward_all(self, x: Sequence[Value | float]) -> list[list[Value]]:
        """[x⁽¹⁾, x⁽²⁾, …, x⁽ᴸ⁾]: every layer's Values, the input first.

        Numbers in ``x`` become leaf Values labelled x₁⁽¹⁾, x₂⁽¹⁾, …; Values are used as given.
        """
        xs = check_vector(x, self.sizes[0], "network input")
        layer: list[Value] = [
            v if isinstance(v, Value) else Value(v, neuron_label(1, j + 1))
            for j, v in enumerate(xs)
        ]
        out = [layer]
        for lay in self.layers:
            layer = lay(layer)
            out.append(layer)
        return out

    # -- parameters ----------------------------------------------------------------------------

    def parameters(self) -> list[Value]:
        """Layer by layer: W⁽ˡ⁾ row by row, then that layer's biases."""
        return [p for layer in self.layers for p in layer.parameters()]

    def weight_matrices(self) -> list[Matrix]:
        """W⁽¹⁾, W⁽²⁾, … as plain numbers."""
        return [[[w.data for w in row] for row in m] for m in self.weights]

    def grad_matrices(self) -> list[Matrix]:
        """∇W⁽¹⁾, ∇W⁽²⁾, … as plain numbers: entry [i][j] of ∇W⁽ˡ⁾ is ``.grad`` of wᵢⱼ⁽ˡ⁾."""
        return [[[w.grad for w in row] for row in m] for m in self.weights]

    def bias_vectors(self) -> list[list[float]]:
        """b⁽²⁾, b⁽³⁾, … as plain numbers ([] per layer when there are no biases)."""
        return [[b.data for b in layer] for layer in self.biases]

    def bias_grads(self) -> list[list[float]]:
        """∇b⁽²⁾, ∇b⁽³⁾, … from ``.grad`` ([] per layer when there are no biases)."""
        return [[b.grad for b in layer] for layer in self.biases]

    # -- files and pictures --------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the network as JSON (atomically: a crash never leaves a truncated file)."""
        from .io import save

        save(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Network:
        """Read a network written by :meth:`save`; every field is checked before building."""
        from .io import load

        return load(path)

    def draw(self, **kwargs: Any) -> Any:
        """The network as a Graphviz diagram in the blog's notation (see ``nn.diagram``)."""
        from .diagram import draw_network  # type: ignore[import-not-found, unused-ignore]

        return draw_network(self, **kwargs)

    def __repr__(self) -> str:
        extra = ""
        if self.output_activation != self.activation:
            extra = f", output_activation={self.output_activation!r}"
        return f"Network({self.sizes}, activation={self.activation!r}, bias={self.bias}{extra})"


def _check_activations(activation: object, output_activation: object) -> tuple[str, str]:
    act = check_activation(activation)
    out = (
        act
        if output_activation is None
        else check_activation(output_activation, "output_activation")
    )
    return act, out


def _as_list(x: object) -> list[Any] | None:
    """``list(x)`` for a list-like ``x`` (list, tuple, numpy array), else None."""
    if isinstance(x, (str, bytes, Mapping, Value)) or not isinstance(x, Iterable):
        return None
    return list(x)


def _check_parameters(
    weights: object, biases: object
) -> tuple[list[Matrix], list[list[float]] | None]:
    """Weight matrices (and biases) as floats, with shapes that chain; nothing is built."""
    given = _as_list(weights)
    if not given:
        raise TypeError(
            "weights must be a non-empty list of weight matrices (lists of rows), "
            f"got {describe(weights)}"
        )
    matrices: list[Matrix] = []
    for l, m in enumerate(given):  # noqa: E741
        name = f"weights[{l}] (W⁽{superscript(l + 1)}⁾)"
        rows = _as_list(m)
        if not rows:
            raise TypeError(f"{name} must be a non-empty list of rows, got {describe(m)}")
        matrix: Matrix = []
        for i, r in enumerate(rows):
            row = _as_list(r)
            if not row:
                raise TypeError(
                    f"{name} row {i} must be a non-empty list of numbers, got {describe(r)}"
                )
            if l > 0 and len(row) != len(matrices[-1]):
                raise ValueError(
                    f"{name} row {i} must have {len(matrices[-1])} entries (one per row of "
                    f"W⁽{superscript(l)}⁾, the neurons feeding it), got {len(row)}"
                )
            if i > 0 and len(row) != len(matrix[0]):
                raise ValueError(
                    f"{name} row {i} must have {len(matrix[0])} entries, as row 0, got {len(row)}"
                )
            matrix.append([real(x, f"weights[{l}][{i}][{j}]") for j, x in enumerate(row)])
        matrices.append(matrix)
    if biases is None:
        return matrices, None
    vectors_given = _as_list(biases)
    if vectors_given is None:
        raise TypeError(
            f"biases must be None or a list of bias lists, one per layer, got {describe(biases)}"
        )
    if len(vectors_given) != len(matrices):
        raise ValueError(
            f"biases must have {len(matrices)} lists (one per weight matrix), "
            f"got {len(vectors_given)}"
        )
    vectors = []
    for l, given_b in enumerate(vectors_given):  # noqa: E741
        name = f"biases[{l}] (b⁽{superscript(l + 2)}⁾)"
        n = len(matrices[l])
        b = _as_list(given_b)
        if b is None:
            raise TypeError(f"{name} must be a list of {n} numbers, got {describe(given_b)}")
        if len(b) != n:
            raise ValueError(
                f"{name} must have {n} entries (one per row of W⁽{superscript(l + 1)}⁾), "
                f"got {len(b)}"
            )
        vectors.append([real(v, f"biases[{l}][{k}]") for k, v in enumerate(b)])
    return matrices, vectors
