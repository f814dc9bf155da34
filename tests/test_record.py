"""The evidence loader on the small fixture package and on the repository's data/."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from evidence_pkg import copy_real_package, real_data_available, write_package

from prkanalysis import config
from prkanalysis import record as record_module
from prkanalysis.errors import ChecksumMismatchError
from prkanalysis.record import (
    CORE_TABLES,
    Record,
    clear_cache,
    file_sha256,
    load_record,
    read_descriptor,
    split_ids,
    update_hashes,
)

needs_data = pytest.mark.skipif(not real_data_available(),
                                reason="data/ has no datapackage.json yet")


@pytest.fixture()
def fixture_pkg(tmp_path: Path) -> Path:
    return write_package(tmp_path / "pkg")


def test_dtypes(fixture_pkg: Path) -> None:
    rec = load_record(fixture_pkg)
    lr = rec.leak_rates
    assert lr["value"].dtype == "float64"
    assert lr["rate_id"].dtype == "string"
    assert lr["derived"].dtype == "boolean"
    assert lr["period_start"].dtype == "datetime64[ns]"
    assert rec.pressure_readings["seq"].dtype == "Int64"
    assert lr["value_high"].isna().sum() == len(lr) - 1  # only the range has an upper end
    assert pd.isna(lr.set_index("rate_id").loc["LR02", "period_start"])
    assert lr.set_index("rate_id").loc["LR07", "derived"]


def test_record_api(fixture_pkg: Path) -> None:
    rec = load_record(fixture_pkg)
    assert isinstance(rec, Record)
    assert rec.table_names()[:5] == list(CORE_TABLES)
    assert rec.other_figures.empty and rec.gas_deliveries.empty
    assert rec.checksums["sources"] == file_sha256(fixture_pkg / "sources.csv")
    assert rec.descriptor["name"] == "prk-evidence-fixture"
    assert list(rec.sources_for("S04;S02").source_id) == ["S04", "S02"]
    assert list(rec.sources_for(["S01", "S01"]).source_id) == ["S01"]
    with pytest.raises(KeyError):
        rec.sources_for("S77")
    citing = rec.rows_citing("S02")
    assert set(citing["leak_rates"].rate_id) == {"LR02", "LR04", "LR05"}
    assert "leak_rates" in rec.summary() and repr(rec).startswith("Record(sources=")
    with pytest.raises(AttributeError):
        _ = rec.no_such_table
    with pytest.raises(KeyError):
        rec.table("no_such_table")


def test_row_numbers_are_data_rows(fixture_pkg: Path) -> None:
    """Row 1 is the first data row (the header is row 0)."""
    path = fixture_pkg / "leak_rates.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",270,=,270,", ",270,=,x,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    update_hashes(fixture_pkg)
    with pytest.raises(Exception) as info:
        load_record(fixture_pkg)
    assert (info.value.row, info.value.column) == (1, "value")  # type: ignore[attr-defined]


def test_memo_is_content_addressed(fixture_pkg: Path) -> None:
    clear_cache()
    a = load_record(fixture_pkg)
    a.leak_rates.loc[0, "value"] = -99.0  # callers may modify what they get
    b = load_record(fixture_pkg)
    assert b.leak_rates.loc[0, "value"] == 270.0
    # change one byte: the memo must not hide the change
    path = fixture_pkg / "events.csv"
    path.write_bytes(path.read_bytes().replace(b"highest", b"Highest"))
    with pytest.raises(ChecksumMismatchError):
        load_record(fixture_pkg)
    update_hashes(fixture_pkg)
    assert "Highest" in load_record(fixture_pkg).events.summary.iloc[0]
    assert load_record(fixture_pkg, cache=False).events.summary.iloc[0].startswith("Leak")


def test_split_ids() -> None:
    assert split_ids("S001;S002 ; S003") == ["S001", "S002", "S003"]
    assert split_ids(pd.NA) == [] and split_ids("") == []


@pytest.mark.slow
def test_frictionless_agrees_on_fixture(fixture_pkg: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(fixture_pkg / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])[:5]


# ----------------------------------------------------------------------------- real data


@needs_data
def test_real_package_loads_with_types() -> None:
    rec = load_record()
    for name in CORE_TABLES:
        assert len(rec.table(name)) > 0, name
    desc = json.loads(config.DATAPACKAGE.read_text(encoding="utf-8"))
    for res in desc["resources"]:
        table = rec.table(res["name"])
        assert list(table.columns) == [f["name"] for f in res["schema"]["fields"]]
        for f in res["schema"]["fields"]:
            dtype = str(table[f["name"]].dtype)
            expected = {"number": "float64", "integer": "Int64", "boolean": "boolean",
                        "date": "datetime64[ns]", "datetime": "datetime64[ns]"}.get(
                            f.get("type", "string"), "string")
            assert dtype == expected, (res["name"], f["name"], dtype)


@needs_data
def test_real_every_row_cites_known_sources() -> None:
    rec = load_record()
    known = set(rec.sources.source_id)
    for name in rec.table_names():
        t = rec.table(name)
        if "source_ids" in t.columns:
            ids = t.source_ids.map(split_ids)
            if "rationale" not in t.columns:  # judgement tables may hold pure conventions
                assert ids.map(len).gt(0).all(), name
            assert set().union(*ids) <= known, name
    assert set(rec.sources.grade) <= {"P", "T", "A"}


@needs_data
def test_real_published_figures_present() -> None:
    lr = load_record().leak_rates
    lb = lr[lr.unit == "lb/day"]
    # OIG figures relayed by Ars Technica: 2.4 lb/day (Feb 2024), 3.7 lb/day (Apr 2024)
    assert {2.4, 3.7} <= set(lb.value)
    peak = lb[lb.value == 3.7].iloc[0]
    assert peak.period_start == pd.Timestamp("2024-04-01")


@needs_data
@pytest.mark.slow
def test_frictionless_agrees_on_real_data(tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    copy = copy_real_package(tmp_path / "pkg")
    # the independent check the README promises: frictionless' own validate, descriptor as
    # committed (no foreignKeys on ";"-list columns: the loader checks those lists itself)
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])[:5]
    # and what the loader hands frictionless agrees
    desc = record_module._friction_descriptor(read_descriptor(copy))
    assert frictionless.Package(desc, basepath=str(copy)).validate().valid
