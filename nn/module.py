"""Neurons, layers and networks, built from ``Value``s with the public operators only.

The blog's network: x⁽²⁾ = σ(W⁽¹⁾·x⁽¹⁾), x⁽³⁾ = σ(W⁽²⁾·x⁽²⁾), with W⁽¹⁾ 2×3 and W⁽²⁾ 2×2::

    net = Network([3, 2, 2], activation="sigmoid", bias=False)
    out = net([0.5, -0.2, 0.1])        # [x₁⁽³⁾, x₂⁽³⁾]
    net.weights[0][0][1]               # w₁₂⁽¹⁾: row i = neuron i of layer 2, column j = input j
"""

from __future__ import annotations

import itertools
import math
import numbers
import os
import random
from collections.abc import Sequence
from typing import overload

from autograd import Value
from autograd.numbers import as_list, describe, positive_int, real, short, unordered
from autograd.render import Diagram

from .activations import ACTIVATIONS, activate, check_activation
from .diagram import DEFAULT_MAX_EDGES, draw_network
from .io import read, write
from .notation import bias_label, neuron_label, preactivation_label, superscript, weight_label
from .validate import (
    Matrix,
    check_parameter_count,
    check_parameters,
    check_seed,
    check_sizes,
    check_vector,
)

__all__ = ["MLP", "Layer", "Module", "Network", "Neuron"]


def _uniform(rng: random.Random, fan_in: int, count: int) -> list[float]:
    """``count`` numbers uniform in ±1/√fan_in: how every weight and bias starts."""
    bound = 1.0 / math.sqrt(fan_in)
    return [rng.uniform(-bound, bound) for _ in range(count)]


def _is_size(x: object) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def _neuron_output(
    row: Sequence[Value],
    bias: Value | None,
    x: Sequence[Value | float],
    activation: str,
    label: str,
    z_label: str,
) -> Value:
    """f(z) with z = Σⱼ wⱼxⱼ (+ b): one neuron's forward pass, shared by Neuron and Layer.

    z is started from the first product (no needless ``0 +`` node) and labelled ``z_label``
    (the blog's zᵢ⁽ˡ⁾, where δᵢ⁽ˡ⁾ lives) unless f is the identity, when z is the output
    itself; the output is labelled ``label`` (xᵢ⁽ˡ⁾).
    """
    z = row[0] * x[0]
    for k in range(1, len(row)):
        z = z + row[k] * x[k]
    if bias is not None:
        z = z + bias
    if ACTIVATIONS[activation] is None:
        out = z
    else:
        if z_label:
            z.label = z_label
        out = activate(activation, z)
    if label:
        out.label = label
    return out


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
    """f(Σⱼ wⱼxⱼ + b): one row of a weight matrix, its bias (or none) and an activation f.

    ``weights`` is the list of wⱼ (numbers or Values), or a number of inputs n: ``Neuron(3)``
    draws 3 weights uniform in ±1/√n from ``random.Random(seed)``, as Network does.  ``bias``
    is b (a number or Value), or None for no bias: ``Neuron(3, bias=0.0, activation="relu")``
    is micrograd's neuron, but for the range of its first weights.  ``label`` names the output
    (e.g. x₁⁽²⁾) and ``z_label`` the weighted sum (e.g. z₁⁽²⁾).
    """

    def __init__(
        self,
        weights: Sequence[Value | float] | int,
        bias: Value | float | None = None,
        activation: str = "sigmoid",
        label: str = "",
        z_label: str = "",
        *,
        seed: int | None = None,
    ) -> None:
        if _is_size(weights):
            n = positive_int(weights, "Neuron's number of inputs")
            check_parameter_count(n + (bias is not None), "the Neuron")
            weights = _uniform(random.Random(check_seed(seed)), n, n)
        elif seed is not None:
            raise ValueError(
                "seed draws random weights, but this Neuron was given its weights; "
                "for random ones give their number, e.g. Neuron(3, seed=0)"
            )
        if isinstance(weights, list) and weights and all(isinstance(w, Value) for w in weights):
            self.weights: list[Value] = weights  # shared with the Layer that made it
        else:
            row = as_list(weights)
            if not row:
                raise ValueError(
                    "Neuron needs a non-empty list of weights, or their number, got "
                    f"{unordered(weights)}"
                )
            row = check_vector(row, len(row), "Neuron weights")
            self.weights = [w if isinstance(w, Value) else Value(w) for w in row]
        if bias is not None and not isinstance(bias, Value):
            bias = Value(real(bias, "bias"))
        self.bias = bias
        self._activation = check_activation(activation)
        self.label = label
        self.z_label = z_label

    @property
    def activation(self) -> str:
        """The activation's name, fixed when the neuron is made."""
        return self._activation

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """The neuron's output for inputs ``x`` (one per weight)."""
        xs = check_vector(x, len(self.weights), "Neuron input")  # numbers: the products' leaves
        return _neuron_output(
            self.weights, self.bias, xs, self._activation, self.label, self.z_label
        )

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

    ``Layer(n_in, n_out)`` (micrograd's order) draws W, n_out × n_in, as
    ``Network([n_in, n_out], bias=False, seed=seed)`` does, without biases.  ``number`` is l,
    the index of W⁽ˡ⁾ (1 for the first layer of weights); it names the outputs x₁⁽ˡ⁺¹⁾,
    x₂⁽ˡ⁺¹⁾, ... ``neurons`` (built once) holds one Neuron per row of W, sharing this layer's
    Values.
    """

    @overload
    def __init__(
        self,
        weights: list[list[Value]],
        biases: list[Value] | None = None,
        activation: str = "sigmoid",
        number: int = 1,
    ) -> None: ...

    @overload
    def __init__(
        self,
        weights: int,
        biases: int,
        activation: str = "sigmoid",
        number: int = 1,
        *,
        seed: int | None = None,
    ) -> None: ...

    def __init__(
        self,
        weights: list[list[Value]] | int,
        biases: list[Value] | int | None = None,
        activation: str = "sigmoid",
        number: int = 1,
        *,
        seed: int | None = None,
    ) -> None:
        if _is_size(weights):
            n_in = positive_int(weights, "Layer's number of inputs")
            if not _is_size(biases):
                raise TypeError(
                    f"Layer({n_in}, n_out) needs its number of neurons as an int, got "
                    f"{describe(biases)}"
                )
            n_out = positive_int(biases, "Layer's number of neurons")
            check_parameter_count(n_in * n_out, "the Layer")
            rng = random.Random(check_seed(seed))
            weights = [
                [Value(x, weight_label(number, i + 1, j + 1)) for j, x in enumerate(row)]
                for i, row in enumerate(_uniform(rng, n_in, n_in) for _ in range(n_out))
            ]
            biases = None
        elif seed is not None:
            raise ValueError(
                "seed draws random weights, but this Layer was given its weights; "
                "for random ones give the sizes, e.g. Layer(2, 4, seed=0)"
            )
        rows = as_list(weights)
        first = as_list(rows[0]) if rows else None
        if not rows or not first:
            raise ValueError(f"Layer needs a non-empty weight matrix, got {short(weights)}")
        n_in = len(first)
        matrix: list[list[Value]] = []
        for i, r in enumerate(rows):
            row = r if isinstance(r, list) else as_list(r)  # a list row is kept, not copied
            if row is None:
                raise TypeError(f"Layer weight rows must be lists of Values, got {describe(r)}")
            if len(row) != n_in:
                raise ValueError(
                    f"weight matrix rows must all have {n_in} entries; row {i} has {len(row)}"
                )
            for w in row:
                if not isinstance(w, Value):
                    raise TypeError(f"Layer weights must be Values, got {describe(w)}")
            matrix.append(row)
        b = [] if biases is None else as_list(biases)
        if b is None:
            raise TypeError(
                f"Layer biases must be None or a list of Values, got {describe(biases)}"
            )
        for v in b:
            if not isinstance(v, Value):
                raise TypeError(f"Layer biases must be Values, got {describe(v)}")
        if b and len(b) != len(matrix):
            raise ValueError(f"Layer has {len(matrix)} neurons but {len(b)} biases")
        self.weights = matrix
        self.biases: list[Value] = biases if isinstance(biases, list) else b
        self._activation = check_activation(activation)
        self.number = number
        self._labels = [neuron_label(number + 1, i + 1) for i in range(len(matrix))]
        self._z_labels = [preactivation_label(number + 1, i + 1) for i in range(len(matrix))]
        self.neurons = [
            Neuron(row, b[i] if b else None, self._activation, self._labels[i], self._z_labels[i])
            for i, row in enumerate(matrix)
        ]

    @property
    def activation(self) -> str:
        """The activation's name, fixed when the layer is made."""
        return self._activation

    @property
    def n_in(self) -> int:
        """Number of inputs (columns of W)."""
        return len(self.weights[0])

    @property
    def n_out(self) -> int:
        """Number of neurons (rows of W)."""
        return len(self.weights)

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        """f(W·x + b), one Value per neuron, labelled xᵢ⁽ˡ⁺¹⁾ (and W·x + b labelled zᵢ⁽ˡ⁺¹⁾).

        Numbers in ``x`` become leaf Values labelled x₁⁽ˡ⁾, x₂⁽ˡ⁾, …; Values are used as given.
        """
        xs = [
            v if isinstance(v, Value) else Value(v, neuron_label(self.number, j + 1))
            for j, v in enumerate(check_vector(x, self.n_in, "Layer input"))
        ]
        return self._forward(xs)

    def _forward(self, xs: list[Value]) -> list[Value]:
        """f(W·x + b) for inputs already checked (a list of n_in Values)."""
        biases, f = self.biases, self._activation
        return [
            _neuron_output(row, biases[i] if biases else None, xs, f, self._labels[i], z)
            for i, (row, z) in enumerate(zip(self.weights, self._z_labels))
        ]

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
    Both are read back from the layers (``layers[0]`` and ``layers[-1]``), so with a single
    layer of weights both name that layer's activation.
    ``bias=False`` drops the biases (the blog has none). Weights and biases start uniform in
    ±1/√(fan-in), drawn from ``random.Random(seed)``: the same seed gives the same network
    (``seed=None`` draws fresh ones).

    ``weights[l][i][j]`` is the Value wᵢⱼ⁽ˡ⁺¹⁾ (row i = neuron i of the next layer, column j =
    input j) and ``biases[l][i]`` is bᵢ⁽ˡ⁺²⁾, both labelled in the blog's notation.
    """

    sizes: list[int]
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
        pairs = list(itertools.pairwise(sizes))
        check_parameter_count(sum(n_out * (n_in + bias) for n_in, n_out in pairs), "the network")
        rng = random.Random(check_seed(seed))
        weights: list[Matrix] = []
        biases: list[list[float]] | None = [] if bias else None
        for n_in, n_out in pairs:
            weights.append([_uniform(rng, n_in, n_in) for _ in range(n_out)])
            if biases is not None:
                biases.append(_uniform(rng, n_in, n_out))
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
        w, b = check_parameters(weights, biases)
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

    @property
    def activation(self) -> str:
        """The hidden layers' activation: the first layer's (read-only; set when built)."""
        return self.layers[0].activation

    @property
    def output_activation(self) -> str:
        """The output layer's activation: the last layer's (read-only; set when built)."""
        return self.layers[-1].activation

    # -- forward -------------------------------------------------------------------------------

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        """x⁽ᴸ⁾, the output layer, for the input x⁽¹⁾ (numbers or Values)."""
        return self.forward_all(x)[-1]

    def forward_all(self, x: Sequence[Value | float]) -> list[list[Value]]:
        """[x⁽¹⁾, x⁽²⁾, …, x⁽ᴸ⁾]: every layer's Values, the input first.

        Numbers in ``x`` become leaf Values labelled x₁⁽¹⁾, x₂⁽¹⁾, …; Values are used as given.
        """
        xs = check_vector(x, self.sizes[0], "network input", "run a batch X as [net(x) for x in X]")
        layer: list[Value] = [
            v if isinstance(v, Value) else Value(v, neuron_label(1, j + 1))
            for j, v in enumerate(xs)
        ]
        out = [layer]
        for lay in self.layers:  # checked once, above: the layers trust their input
            layer = lay._forward(layer)
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
        write(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Network:
        """Read a network written by :meth:`save` (as this class); every field is checked
        before anything is built, so a bad file raises ValueError naming the file and field."""
        weights, activation, biases, output_activation = read(path)
        return cls.from_weights(weights, activation, biases, output_activation=output_activation)

    def draw(
        self,
        *,
        x: Sequence[float] | None = None,
        show_values: bool = True,
        show_grad: bool | None = None,
        rankdir: str = "LR",
        legend: bool = True,
        max_edges: int = DEFAULT_MAX_EDGES,
    ) -> Diagram:
        """The network as a Graphviz diagram in the blog's notation: one circle per neuron
        xᵢ⁽ˡ⁾, one edge per weight wᵢⱼ⁽ˡ⁾ with its value and (``show_grad``, by default once
        any grad is nonzero) its grad; edge width by |w|, colour by sign.  With an input ``x``
        each neuron shows its activation and saturated or dead units are flagged.  More than
        ``max_edges`` weights is refused before layout."""
        return draw_network(
            self,
            x=x,
            show_values=show_values,
            show_grad=show_grad,
            rankdir=rankdir,
            legend=legend,
            max_edges=max_edges,
        )

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


class MLP(Network):
    """micrograd's ``MLP(nin, nouts)``: ``nin`` inputs, then one layer per entry of ``nouts``,
    ReLU on the hidden layers and a linear output layer, with biases; ``seed`` as for Network.

    It is ``Network([nin, *nouts], activation="relu", output_activation="linear", seed=seed)``,
    so, unlike micrograd's, it returns a list even for one output: ``net(x)[0]``.
    """

    def __init__(self, nin: int, nouts: Sequence[int], *, seed: int | None = None) -> None:
        n = positive_int(nin, "MLP's nin (number of inputs)")
        outs = as_list(nouts)
        if not outs:
            raise TypeError(
                "MLP(nin, nouts) needs nouts, the list of layer sizes after the inputs, such as "
                f"[4, 4, 1], got {unordered(nouts)}"
            )
        sizes = [n] + [positive_int(k, f"MLP's nouts[{i}]") for i, k in enumerate(outs)]
        super().__init__(sizes, "relu", output_activation="linear", seed=seed)
