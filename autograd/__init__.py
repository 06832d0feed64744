"""A scalar autograd engine: Values, reverse-mode gradients, higher-order gradients, gradcheck."""

from .backward import grad, reverse_topological
from .check import gradcheck, numerical_grad
from .render import draw_graph
from .value import Value

__all__ = ["Value", "draw_graph", "grad", "gradcheck", "numerical_grad", "reverse_topological"]
