"""Neural networks from autograd ``Value``s: the blog's 3-2-2 sigmoid network and beyond.

import nn
net = nn.Network([3, 2, 2], activation="sigmoid", bias=False, seed=0)   # the blog's network
loss = nn.mse(net([0.5, -0.2, 0.1]), [1.0, 0.0])   # Σᵢ (xᵢ⁽³⁾ − yᵢ)²
loss.backward()
net.grad_matrices()                                 # [∇W⁽¹⁾ (2×3), ∇W⁽²⁾ (2×2)]
nn.backprop(net, [0.5, -0.2, 0.1], [1.0, 0.0]).weight_grads     # the same, by the δ formulas
nn.numerical_grad_matrices(net, [0.5, -0.2, 0.1], [1.0, 0.0])   # and by finite differences
"""

from .activations import ACTIVATIONS
from .backprop import (
    LOSSES,
    Backprop,
    autograd_grad_matrices,
    backprop,
    backprop_deltas,
    numerical_grad_matrices,
)
from .data import toy_task
from .feedback import TrainingWarning
from .losses import binary_cross_entropy, cross_entropy, log_softmax, mse, softmax
from .module import MLP, Layer, Module, Network, Neuron
from .notation import bias_label, neuron_label, preactivation_label, superscript, weight_label
from .optim import SGD, Adam, Optimizer
from .train import History, train
from .validate import MAX_PARAMETERS

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "MAX_PARAMETERS",
    "MLP",
    "SGD",
    "Adam",
    "Backprop",
    "History",
    "Layer",
    "Module",
    "Network",
    "Neuron",
    "Optimizer",
    "TrainingWarning",
    "autograd_grad_matrices",
    "backprop",
    "backprop_deltas",
    "bias_label",
    "binary_cross_entropy",
    "cross_entropy",
    "log_softmax",
    "mse",
    "neuron_label",
    "numerical_grad_matrices",
    "preactivation_label",
    "softmax",
    "superscript",
    "toy_task",
    "train",
    "weight_label",
]
