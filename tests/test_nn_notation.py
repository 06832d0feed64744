"""Labels in the blog's notation."""

import pytest

from nn.notation import (
    bias_label,
    neuron_label,
    preactivation_label,
    subscript,
    superscript,
    weight_label,
)


@pytest.mark.parametrize(
    ("args", "label"),
    [
        ((1, 1, 2), "w₁₂⁽¹⁾"),
        ((2, 2, 1), "w₂₁⁽²⁾"),
        ((3, 9, 9), "w₉₉⁽³⁾"),
        ((1, 12, 3), "w₁₂,₃⁽¹⁾"),
        ((1, 10, 1), "w₁₀,₁⁽¹⁾"),
        ((1, 3, 10), "w₃,₁₀⁽¹⁾"),
        ((12, 1, 1), "w₁₁⁽¹²⁾"),
    ],
)
def test_weight_label(args: tuple[int, int, int], label: str) -> None:
    assert weight_label(*args) == label


def test_neuron_and_bias_labels() -> None:
    assert neuron_label(2, 1) == "x₁⁽²⁾"
    assert neuron_label(1, 3) == "x₃⁽¹⁾"
    assert neuron_label(3, 10) == "x₁₀⁽³⁾"
    assert bias_label(2, 1) == "b₁⁽²⁾"
    assert bias_label(3, 2) == "b₂⁽³⁾"
    assert preactivation_label(2, 1) == "z₁⁽²⁾"


def test_digits() -> None:
    assert subscript(1234567890) == "₁₂₃₄₅₆₇₈₉₀"
    assert superscript(1234567890) == "¹²³⁴⁵⁶⁷⁸⁹⁰"


def test_negative_indices_keep_their_sign() -> None:
    assert subscript(-12) == "₋₁₂" and superscript(-3) == "⁻³"
