"""Every test starts with the op table's caches empty: the primitives of ``x ** c`` and of
``logsumexp(n)`` are made by the test that uses them, so no test depends on which tests ran
before it, and each test that uses a power runs the code that makes it (which is how mutation
testing, ``make mutation``, learns which tests check that code)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from autograd import ops


@pytest.fixture(autouse=True)
def _empty_op_caches() -> Iterator[None]:
    ops.POWERS.clear()  # cleared in place: Value's ** reads the same dict
    ops.LOGSUMEXPS.clear()
    yield
