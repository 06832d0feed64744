"""Every test starts with the op table's caches empty: the primitives of ``x ** c`` and of
``logsumexp(n)`` are made by the test that uses them, so no test depends on which tests ran
before it, and each test that uses a power runs the code that makes it (which is how mutation
testing, ``make mutation``, learns which tests check that code).

Tests that send the process a real SIGINT ask for ``python_sigint``."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from autograd import ops


@pytest.fixture(autouse=True)
def _empty_op_caches() -> Iterator[None]:
    ops.POWERS.clear()  # cleared in place: Value's ** reads the same dict
    ops.LOGSUMEXPS.clear()
    yield


@pytest.fixture
def python_sigint() -> Iterator[None]:
    """SIGINT handled as Python does by default (KeyboardInterrupt), whatever the test runner
    inherited: a process started in the background by a shell has SIGINT ignored."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)
