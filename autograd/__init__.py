"""A scalar autograd engine: Values, reverse and forward mode, higher-order gradients, gradcheck.

Every operation is a primitive of one op table (``autograd.ops``); ``primitive()`` declares a
new one exactly as the built-ins are declared.  ``compile(f, params)`` traces a loss once and
replays it as straight-line Python generated from that table.
"""

from .animate import Player, animate
from .backward import grad
from .check import gradcheck, numerical_grad
from .compiled import Compiled, TraceError, compile
from .explain import Explanation, explain
from .forward import Dual, jvp
from .ops import cos, exp, log, logsumexp, relu, sigmoid, sign, sin, sqrt, step, tanh
from .primitive import Primitive, primitive
from .render import draw_graph
from .steps import Step, backward_steps
from .value import NonFiniteGradError, StaleGraphError, Value, reverse_topological

__all__ = [
    "Compiled",
    "Dual",
    "Explanation",
    "NonFiniteGradError",
    "Player",
    "Primitive",
    "StaleGraphError",
    "Step",
    "TraceError",
    "Value",
    "animate",
    "backward_steps",
    "compile",
    "cos",
    "draw_graph",
    "exp",
    "explain",
    "grad",
    "gradcheck",
    "jvp",
    "log",
    "logsumexp",
    "numerical_grad",
    "primitive",
    "relu",
    "reverse_topological",
    "sigmoid",
    "sign",
    "sin",
    "sqrt",
    "step",
    "tanh",
]
