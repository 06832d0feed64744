"""``mutmut`` with each mutant's tests run likely killers first (scripts/mutation.py runs it).

mutmut 3.8 hands each mutant's tests to its fork server as a set, so they run in an order
that changes from run to run; a mutant of ``autograd/compiled.py`` may run hundreds of tests
of other modules before ``tests/test_compiled.py`` kills it. Here the test modules named after
the mutated module run first, then the rest, fastest first within each group (as mutmut's
other runner orders them). The order decides only how soon a mutant dies, never whether it
does: a survivor runs all its tests either way.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from mutation import own_tests  # scripts/, this script's folder, is on sys.path
from mutmut.__main__ import cli
from mutmut.state import state
from mutmut.workers.isolation import ForkServerRunner


def killers_first(mutant_name: str, tests: Iterable[str]) -> list[str]:
    """``tests`` with those of the mutated module's own test files first (``own_tests``),
    each group fastest first."""
    own = set(own_tests(mutant_name))
    duration = state().duration_by_test
    return sorted(
        tests,
        key=lambda test: (test.split("::")[0] not in own, duration.get(test, 0.0), test),
    )


_submit = ForkServerRunner.submit


def _submit_killers_first(
    self: ForkServerRunner,
    mutant_name: str,
    tests: list[str],
    cpu_time_limit: int,
    estimated: float,
) -> None:
    _submit(self, mutant_name, killers_first(mutant_name, tests), cpu_time_limit, estimated)


ForkServerRunner.submit = _submit_killers_first  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(cli())
