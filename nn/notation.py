"""Labels in the blog's notation: ``w₁₂⁽¹⁾``, ``x₁⁽²⁾``, ``b₁⁽²⁾``.

All indices are 1-based, as in the blog. The superscript ``⁽ˡ⁾`` on a weight
names the weight matrix W⁽ˡ⁾ (l = 1 is the first one); on a neuron or a bias
it names the layer the neuron is in (layer 1 is the input), so W⁽¹⁾ feeds the
neurons x⁽²⁾, whose biases are b⁽²⁾.
"""

from __future__ import annotations

__all__ = [
    "bias_label",
    "neuron_label",
    "preactivation_label",
    "subscript",
    "superscript",
    "weight_label",
]

_SUB = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def subscript(n: int) -> str:
    """``12`` → ``₁₂``."""
    return str(n).translate(_SUB)


def superscript(n: int) -> str:
    """``12`` → ``¹²``."""
    return str(n).translate(_SUP)


def _layer(n: int) -> str:
    return f"⁽{superscript(n)}⁾"


def weight_label(l: int, i: int, j: int) -> str:  # noqa: E741
    """wᵢⱼ⁽ˡ⁾: row i of W⁽ˡ⁾ (neuron i of layer l+1), column j (input j).

    ``weight_label(1, 1, 2) == "w₁₂⁽¹⁾"``; with an index ≥ 10 the subscripts
    are separated by a comma: ``weight_label(1, 12, 3) == "w₁₂,₃⁽¹⁾"``.
    """
    sep = "," if i >= 10 or j >= 10 else ""
    return f"w{subscript(i)}{sep}{subscript(j)}{_layer(l)}"


def neuron_label(l: int, i: int) -> str:  # noqa: E741
    """xᵢ⁽ˡ⁾: neuron i of layer l (layer 1 is the input). ``neuron_label(2, 1) == "x₁⁽²⁾"``."""
    return f"x{subscript(i)}{_layer(l)}"


def preactivation_label(l: int, i: int) -> str:  # noqa: E741
    """zᵢ⁽ˡ⁾ = Σⱼ wᵢⱼ⁽ˡ⁻¹⁾ xⱼ⁽ˡ⁻¹⁾ (+ bᵢ⁽ˡ⁾), so that xᵢ⁽ˡ⁾ = f(zᵢ⁽ˡ⁾) and δᵢ⁽ˡ⁾ = ∂MSE/∂zᵢ⁽ˡ⁾.

    ``preactivation_label(2, 1) == "z₁⁽²⁾"``.
    """
    return f"z{subscript(i)}{_layer(l)}"


def bias_label(l: int, i: int) -> str:  # noqa: E741
    """bᵢ⁽ˡ⁾: bias of neuron xᵢ⁽ˡ⁾ (l ≥ 2). ``bias_label(2, 1) == "b₁⁽²⁾"``."""
    return f"b{subscript(i)}{_layer(l)}"
