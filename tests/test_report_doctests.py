"""Run the docstring examples of the report builder modules as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "prkanalysis.report.build",
    "prkanalysis.report.cache",
    "prkanalysis.report.execute",
    "prkanalysis.report.inline",
    "prkanalysis.report.printing",
    "prkanalysis.report.render",
    "prkanalysis.report.sources",
    "prkanalysis.present.tables",
    "prkanalysis.present.figures",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
