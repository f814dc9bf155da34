"""Project paths and defaults, resolved from the package location.

Every path in the package and the notebooks comes from here, so the code runs the same
way from JupyterLab, pytest, the report builder and CI, whatever the working directory.
Nothing here depends on the machine: the root is found from this file's location, and
``PRKANALYSIS_ROOT`` may override it (for example when the package is installed
non-editable and the repository lives elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root (the folder holding ``pyproject.toml``, ``data/`` and ``notebooks/``).
PROJ_ROOT: Path = Path(os.environ.get("PRKANALYSIS_ROOT", Path(__file__).resolve().parents[1]))

#: The sourced evidence base: CSV tables plus ``datapackage.json``. Never written to.
DATA_DIR: Path = PROJ_ROOT / "data"

#: The Frictionless descriptor of the evidence base.
DATAPACKAGE: Path = DATA_DIR / "datapackage.json"

#: The chapter notebooks, kept as jupytext ``py:percent`` text files.
NOTEBOOKS_DIR: Path = PROJ_ROOT / "notebooks"

#: Where the rendered report is written (ignored by git).
REPORT_DIR: Path = Path(os.environ.get("PRKANALYSIS_REPORT_DIR", PROJ_ROOT / "report"))

#: Scratch space for caches (executed-notebook cache, benchmark output); ignored by git.
CACHE_DIR: Path = Path(os.environ.get("PRKANALYSIS_CACHE_DIR", PROJ_ROOT / ".cache"))

#: Test fixtures (small real or seeded-simulated files).
FIXTURES_DIR: Path = PROJ_ROOT / "tests" / "fixtures"
