"""The set-up scripts say, with --plan, exactly what they would install, for make to announce."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def plan(script: str, tools: list[str], tmp_path: Path) -> str:
    """What ``script --plan`` prints on a PATH holding only ``tools`` (and bash, id)."""
    for tool in ["bash", "id", *tools]:
        found = shutil.which(tool) or f"/usr/bin/{tool}"
        os.symlink(found, tmp_path / tool)
    result = subprocess.run(
        ["bash", str(SCRIPTS / script), "--plan"],
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
        executable=shutil.which("bash"),
    )
    return result.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="the apt-get lines differ for a user (sudo)")
def test_plans_name_the_apt_get_command_when_the_program_is_missing(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert plan("ensure-dot.sh", ["apt-get"], tmp_path / "a") == (
        "  - Graphviz, for its dot command: apt-get install graphviz\n"
    )
    assert plan("ensure-browser.sh", ["apt-get"], tmp_path / "b") == (
        "  - Chromium, for the player's browser tests: apt-get install chromium\n"
    )


def test_plans_say_nothing_when_the_program_is_there(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "dot").write_text("#!/bin/sh\n")
    (tmp_path / "a" / "dot").chmod(0o755)
    (tmp_path / "b" / "chromium").write_text("#!/bin/sh\n")
    (tmp_path / "b" / "chromium").chmod(0o755)
    assert plan("ensure-dot.sh", [], tmp_path / "a") == ""
    assert plan("ensure-browser.sh", [], tmp_path / "b") == ""


def test_plans_without_a_package_manager_say_so(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert "not automatically here" in plan("ensure-dot.sh", [], tmp_path / "a")
    assert "will skip" in plan("ensure-browser.sh", [], tmp_path / "b")
