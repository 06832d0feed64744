"""The README's Python examples run as written: each block alone, in a fresh namespace and an
empty folder, as a reader pasting it would run it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)


def test_the_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("source", BLOCKS, ids=[f"block{k + 1}" for k in range(len(BLOCKS))])
def test_readme_example_runs_as_written(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(source, str(README), "exec"), {"__name__": "__main__"})
    assert capsys.readouterr().out  # every example shows something
    for written in re.findall(r'outfile="([^"]+)"', source):
        assert (tmp_path / written).stat().st_size > 0
