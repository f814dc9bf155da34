"""Static checks run as tests, so CI fails on a ruff finding or a mypy error in the package."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from prkanalysis import config


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(config.PROJ_ROOT / ".venv" / "bin")) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: install the dev extra (make env)")
    return found


def test_ruff_is_clean() -> None:
    targets = ["prkanalysis", "tests", "benchmarks", "notebooks"]
    proc = subprocess.run(
        [_tool("ruff"), "check", "--no-cache", *targets],
        cwd=config.PROJ_ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_mypy_is_clean_on_the_package() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "prkanalysis"],
        cwd=config.PROJ_ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
