"""The loader on frictionless: malformed schemas, unsafe paths, NUL bytes, impossible times.

Every case edits a copy of the package (the small fixture or the real ``data/``) and expects
one :class:`DataValidationError` naming the file (and, for cell problems, row and column).
Nothing in the repository's ``data/`` is touched.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from evidence_pkg import copy_real_package, real_data_available, write_package

from prkanalysis import config
from prkanalysis.errors import DataValidationError, PrkError
from prkanalysis.record import clear_cache, load_record, update_hashes

PACKAGES = ["fixture", pytest.param("real", marks=pytest.mark.skipif(
    not real_data_available(), reason="data/ has no datapackage.json yet"))]


@pytest.fixture(params=PACKAGES)
def pkg(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    clear_cache()
    if request.param == "real":
        return copy_real_package(tmp_path / "pkg")
    return write_package(tmp_path / "pkg")


def edit_descriptor(folder: Path, change: Callable[[dict], None]) -> None:
    path = folder / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    change(desc)
    path.write_text(json.dumps(desc, indent=2), encoding="utf-8")


def leak(desc: dict) -> dict:
    return next(r for r in desc["resources"] if r["name"] == "leak_rates")


def field(desc: dict, name: str) -> dict:
    return next(f for f in leak(desc)["schema"]["fields"] if f["name"] == name)


def load_error(folder: Path) -> DataValidationError:
    with pytest.raises(DataValidationError) as info:
        load_record(folder, cache=False)
    return info.value


MALFORMED: dict[str, Callable[[dict], None]] = {
    "unknown type": lambda d: field(d, "value").__setitem__("type", "nosuch"),
    "bad regex": lambda d: field(d, "rate_id").__setitem__("constraints", {"pattern": "["}),
    "fields not a list": lambda d: leak(d)["schema"].__setitem__("fields", "x"),
    "field without name": lambda d: field(d, "value").pop("name"),
    "field name not a string": lambda d: field(d, "value").__setitem__("name", 5),
    "primary key not a field": lambda d: leak(d)["schema"].__setitem__("primaryKey", ["zz"]),
    "minimum on a string": lambda d: field(d, "rate_id").__setitem__(
        "constraints", {"minimum": "abc"}),
    "enum not a list": lambda d: field(d, "qualifier").__setitem__("constraints", {"enum": 5}),
    "constraints not an object": lambda d: field(d, "value").__setitem__("constraints", [1]),
    "foreign key to nowhere": lambda d: leak(d)["schema"].__setitem__(
        "foreignKeys", [{"fields": ["duplicate_of"],
                         "reference": {"resource": "nosuch", "fields": ["x"]}}]),
    "schema not an object": lambda d: leak(d).__setitem__("schema", "x"),
    "path not a string": lambda d: leak(d).__setitem__("path", ["a.csv", "b.csv"]),
    "resources not a list": lambda d: d.__setitem__("resources", {"a": 1}),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_schema_is_one_clear_error(pkg: Path, case: str) -> None:
    edit_descriptor(pkg, MALFORMED[case])
    err = load_error(pkg)
    assert err.file == "datapackage.json", str(err)
    assert type(err) is DataValidationError  # never a bare ValueError/KeyError/re.error


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "~/x.csv",
                                  "file:///etc/passwd", "$HOME/x.csv", "sub/../../x.csv"])
def test_unsafe_resource_path_is_refused(pkg: Path, path: str) -> None:
    edit_descriptor(pkg, lambda d: leak(d).__setitem__("path", path))
    err = load_error(pkg)
    assert err.file == "datapackage.json" and "not safe" in err.message


def set_cell(folder: Path, table: str, column: str, value: str, row: int = 1) -> None:
    path = folder / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[row][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    update_hashes(folder)


def test_nul_byte_is_an_error_not_a_truncation(pkg: Path) -> None:
    set_cell(pkg, "leak_rates", "note" if "note" in first_line(pkg) else "record_ref",
             "before\x00after")
    err = load_error(pkg)
    assert (err.file, err.row) == ("leak_rates.csv", 1)
    assert "NUL" in err.message and err.column in ("note", "record_ref")


def first_line(folder: Path) -> list[str]:
    return (folder / "leak_rates.csv").read_text(encoding="utf-8").split("\n")[0].split(",")


@pytest.mark.parametrize("value", ["2019-02-30", "2019-13-01", "2024-04-31"])
def test_impossible_date_is_refused(pkg: Path, value: str) -> None:
    set_cell(pkg, "leak_rates", "period_start", value)
    err = load_error(pkg)
    assert (err.file, err.row, err.column) == ("leak_rates.csv", 1, "period_start")


@pytest.mark.skipif(not real_data_available(), reason="data/ has no datapackage.json yet")
@pytest.mark.parametrize("value", ["2020-02-30", "2020-13", "2020-10-02T25:00:00Z",
                                   "2019-02-29T10:00:00Z"])
def test_impossible_mixed_precision_time_is_refused(tmp_path: Path, value: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    pkg = copy_real_package(tmp_path / "pkg")
    set_cell(pkg, "pressure_readings", "time", value)
    err = load_error(pkg)
    assert (err.file, err.row, err.column) == ("pressure_readings.csv", 1, "time")
    assert err.value == value


def test_new_resource_is_accepted_generically(pkg: Path) -> None:
    (pkg / "thresholds.csv").write_text(
        "threshold_id,applies_to,value,since,rationale,source_ids\n"
        "T1,leak_rates,0.5,2020-01-01T00:00:00Z,a convention,\n"
        "T2,events,1.5,2021-06-30T12:00:00Z,cited,S01\n", encoding="utf-8")

    def add(d: dict) -> None:
        d["resources"].append({
            "name": "thresholds", "path": "thresholds.csv", "format": "csv",
            "schema": {"fields": [
                {"name": "threshold_id", "type": "string", "constraints": {"required": True}},
                {"name": "applies_to", "type": "string"},
                {"name": "value", "type": "number", "constraints": {"minimum": 0}},
                {"name": "since", "type": "datetime"},
                {"name": "rationale", "type": "string"},
                {"name": "source_ids", "type": "string"},
            ], "primaryKey": ["threshold_id"]}})

    sources = (pkg / "sources.csv").read_text(encoding="utf-8").split("\n")[1].split(",")[0]
    text = (pkg / "thresholds.csv").read_text(encoding="utf-8").replace(",S01\n",
                                                                         f",{sources}\n")
    (pkg / "thresholds.csv").write_text(text, encoding="utf-8")
    edit_descriptor(pkg, add)
    update_hashes(pkg)
    rec = load_record(pkg, cache=False)
    t = rec.table("thresholds")
    assert list(t.threshold_id) == ["T1", "T2"] and t["value"].dtype == "float64"
    assert str(t["since"].dtype) == "datetime64[ns]"
    # the same table with an unknown source id and an impossible datetime is refused
    (pkg / "thresholds.csv").write_text(text.replace(f",{sources}\n", ",S999\n"),
                                        encoding="utf-8")
    update_hashes(pkg)
    err = load_error(pkg)
    assert (err.file, err.row, err.column) == ("thresholds.csv", 2, "source_ids")
    (pkg / "thresholds.csv").write_text(text.replace("2021-06-30T12", "2021-06-31T12"),
                                        encoding="utf-8")
    update_hashes(pkg)
    err = load_error(pkg)
    assert (err.file, err.row, err.column) == ("thresholds.csv", 2, "since")


def test_stamp_is_written_only_after_a_clean_validation(pkg: Path) -> None:
    stamps = config.CACHE_DIR / "record-validated"
    set_cell(pkg, "leak_rates", "period_start", "2001-02-30")
    with pytest.raises(DataValidationError):
        load_record(pkg)
    assert not stamps.exists() or not any(stamps.iterdir())
    set_cell(pkg, "leak_rates", "period_start", "2001-02-28")
    clear_cache()
    load_record(pkg)
    assert len(list(stamps.iterdir())) == 1
    # a stamped package still fails the moment any byte changes
    set_cell(pkg, "leak_rates", "period_start", "2001-02-29")
    clear_cache()
    err = load_error(pkg)
    assert err.column == "period_start"


def test_missing_data_folder_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(PrkError) as info:
        load_record(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(info.value)


def test_rehash_refuses_unsafe_paths_and_writes_nothing(pkg: Path) -> None:
    edit_descriptor(pkg, lambda d: leak(d).__setitem__("path", "../../etc/hostname"))
    before = (pkg / "datapackage.json").read_bytes()
    with pytest.raises(DataValidationError, match="not safe"):
        update_hashes(pkg)
    assert (pkg / "datapackage.json").read_bytes() == before
