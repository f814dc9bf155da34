"""Rows looked up by id and judged by the trusted grades (the rule every chapter applies)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from prkanalysis import units
from prkanalysis.analysis import lookup
from prkanalysis.errors import DataValidationError


@pytest.fixture()
def rec() -> SimpleNamespace:
    sources = pd.DataFrame({"source_id": ["S1", "S2", "S3"], "grade": ["P", "T", "A"]})
    constants = pd.DataFrame({"constant_id": ["K1", "K2"], "value": [2.0, 5.0],
                              "unit": ["lb/day", "lb/day"], "source_ids": ["S2;S3", "S3"]})
    return SimpleNamespace(sources=sources, constants=constants)


def test_best_grade_decides(rec: SimpleNamespace) -> None:
    assert lookup.is_trusted(rec, "S3;S2", ("P", "T"))
    assert not lookup.is_trusted(rec, "S3;S2", ("P",))
    assert not lookup.is_trusted(rec, "S3", ("P", "T"))
    assert lookup.is_trusted(rec, "S3", ("P", "T", "A"))


def test_trusted_constant_converts_or_is_nan(rec: SimpleNamespace) -> None:
    got = lookup.trusted_constant(rec, "K1", ("P", "T"), to_unit="kg/day")
    assert got == pytest.approx(units.convert(2.0, "lb/day", "kg/day"))
    assert math.isnan(lookup.trusted_constant(rec, "K2", ("P", "T"), to_unit="kg/day"))
    assert lookup.trusted_constant(rec, "K2", ("A",)) == 5.0


def test_trusted_rows_and_row(rec: SimpleNamespace) -> None:
    kept = lookup.trusted_rows(rec, rec.constants, ("P", "T"))
    assert list(kept["constant_id"]) == ["K1"]
    assert lookup.trusted_row(rec, rec.constants, "constant_id", "K2", table="constants.csv",
                              grades=("P", "T")) is None
    with pytest.raises(DataValidationError, match="K9"):
        lookup.trusted_row(rec, rec.constants, "constant_id", "K9", table="constants.csv",
                           grades=("P",))
