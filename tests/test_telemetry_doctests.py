"""The telemetry modules' docstring examples run (they are part of the documentation)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["schema", "io", "clean", "segments", "fit", "simulate", "truth", "dating", "study"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(f"prkanalysis.telemetry.{name}")
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0
    assert res.failed == 0
