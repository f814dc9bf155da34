"""Bad input gets a precise project error, and nothing under data/ is ever modified.

Every corruption is applied to a copy of a valid package in ``tmp_path`` (the small package of
``evidence_pkg`` always, and the repository's ``data/`` when it exists), then the copy is
re-hashed (except for the checksum test) so that the loader reaches the corrupted cell.
Row numbers are 1-based data rows (header = row 0).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from evidence_pkg import copy_real_package, real_data_available, write_package

from prkanalysis import clean
from prkanalysis.errors import ChecksumMismatchError, DataValidationError
from prkanalysis.record import load_record, update_hashes

PACKAGES = ["fixture", pytest.param("real", marks=pytest.mark.skipif(
    not real_data_available(), reason="data/ has no datapackage.json yet"))]

BAD_VALUE = {
    "number": "abc",
    "integer": "1.5x",
    "year": "MMXX",
    "boolean": "maybe",
    "date": "2024-13-45",
    "datetime": "yesterday at noon",
}


# ----------------------------------------------------------------------------- helpers


@pytest.fixture(params=PACKAGES)
def pkg(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "real":
        return copy_real_package(tmp_path / "pkg")
    return write_package(tmp_path / "pkg")


def descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def resource(folder: Path, name: str) -> dict:
    for res in descriptor(folder)["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(name)


def tables(folder: Path) -> list[str]:
    return [r["name"] for r in descriptor(folder)["resources"]]


def read_rows(folder: Path, name: str) -> list[list[str]]:
    path = folder / resource(folder, name)["path"]
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def write_rows(folder: Path, name: str, rows: list[list[str]], *, rehash: bool = True) -> None:
    path = folder / resource(folder, name)["path"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    if rehash:
        update_hashes(folder)


def target_row(rows: list[list[str]]) -> int:
    """The data row to corrupt: the second if there is one (so row 1 must pass first)."""
    return 2 if len(rows) > 2 else 1


def set_cell(folder: Path, name: str, column: str, value: str, row: int | None = None) -> int:
    rows = read_rows(folder, name)
    k = target_row(rows) if row is None else row
    rows[k][rows[0].index(column)] = value
    write_rows(folder, name, rows)
    return k


def fields_of(folder: Path, name: str) -> list[dict]:
    return resource(folder, name)["schema"]["fields"]


def primary_key(folder: Path, name: str) -> list[str]:
    pk = resource(folder, name)["schema"].get("primaryKey") or []
    return [pk] if isinstance(pk, str) else list(pk)


def raises_at(folder: Path, exc: type[Exception] = DataValidationError) -> DataValidationError:
    with pytest.raises(exc) as info:
        load_record(folder)
    err = info.value
    assert isinstance(err, DataValidationError)
    assert err.file is not None and err.file in str(err)
    return err


def each_table(test: Callable[[Path, str], None], folder: Path) -> int:
    n = 0
    for name in tables(folder):
        test(folder, name)
        n += 1
    return n


# ----------------------------------------------------------------------------- per table


def test_valid_package_loads(pkg: Path) -> None:
    rec = load_record(pkg)
    assert len(rec.leak_rates) > 0 and len(rec.sources) > 0


@pytest.mark.parametrize("which", ["sources", "leak_rates", "pressure_readings", "events",
                                   "constants"])
def test_missing_column(pkg: Path, which: str) -> None:
    rows = read_rows(pkg, which)
    col = rows[0][-1]
    write_rows(pkg, which, [r[:-1] for r in rows])
    err = raises_at(pkg)
    assert (err.file, err.row, err.column) == (resource(pkg, which)["path"], 0, col)
    assert "missing" in err.message


@pytest.mark.parametrize("which", ["sources", "leak_rates", "pressure_readings", "events",
                                   "constants"])
def test_wrong_type(pkg: Path, which: str) -> None:
    typed = [f for f in fields_of(pkg, which) if f.get("type") in BAD_VALUE]
    if not typed:
        pytest.skip(f"{which} has only string fields")
    for f in typed:
        folder = pkg
        original = read_rows(folder, which)
        k = set_cell(folder, which, f["name"], BAD_VALUE[f["type"]])
        err = raises_at(folder)
        assert (err.file, err.row, err.column) == (resource(folder, which)["path"], k, f["name"])
        assert err.value == BAD_VALUE[f["type"]]
        assert "expected" in err.message
        write_rows(folder, which, original)  # restore for the next field
    load_record(pkg)


@pytest.mark.parametrize("which", ["sources", "leak_rates", "pressure_readings", "events",
                                   "constants"])
def test_duplicate_key(pkg: Path, which: str) -> None:
    pk = primary_key(pkg, which)
    assert pk, f"{which} declares no primary key"
    rows = read_rows(pkg, which)
    if len(rows) < 3:
        pytest.skip("needs two data rows")
    j = rows[0].index(pk[0])
    rows[2][j] = rows[1][j]
    for other in pk[1:]:
        rows[2][rows[0].index(other)] = rows[1][rows[0].index(other)]
    write_rows(pkg, which, rows)
    err = raises_at(pkg)
    assert (err.file, err.row, err.column) == (resource(pkg, which)["path"], 2, pk[0])
    assert "rows 1 and 2" in err.message


@pytest.mark.parametrize("which", ["leak_rates", "pressure_readings", "events", "constants"])
def test_unknown_source_id(pkg: Path, which: str) -> None:
    rows = read_rows(pkg, which)
    if "source_ids" not in rows[0]:
        pytest.skip(f"{which} has no source_ids")
    j = rows[0].index("source_ids")
    k = target_row(rows)
    first = rows[k][j].split(";")[0].strip()
    known = {r[0] for r in read_rows(pkg, "sources")[1:]}
    absent = next(f"S{n:03d}" for n in range(999, 0, -1) if f"S{n:03d}" not in known)
    rows[k][j] = f"{first};{absent}"  # well-formed, but cites no row of sources.csv
    write_rows(pkg, which, rows)
    err = raises_at(pkg)
    assert (err.file, err.row, err.column) == (resource(pkg, which)["path"], k, "source_ids")
    assert err.value == absent
    assert "unknown id" in err.message


@pytest.mark.parametrize("which", ["sources", "leak_rates", "pressure_readings", "events",
                                   "constants"])
def test_missing_required_value(pkg: Path, which: str) -> None:
    pk = primary_key(pkg, which)
    req = [f["name"] for f in fields_of(pkg, which)
           if (f.get("constraints") or {}).get("required") and f["name"] not in pk]
    col = req[0] if req else pk[0]
    k = set_cell(pkg, which, col, "")
    err = raises_at(pkg)
    assert (err.file, err.row, err.column) == (resource(pkg, which)["path"], k, col)
    assert "required" in err.message


@pytest.mark.parametrize("which", ["sources", "leak_rates", "pressure_readings", "events",
                                   "constants"])
def test_empty_file(pkg: Path, which: str) -> None:
    (pkg / resource(pkg, which)["path"]).write_text("", encoding="utf-8")
    update_hashes(pkg)
    err = raises_at(pkg)
    assert (err.file, err.row, err.column) == (resource(pkg, which)["path"], 0, None)
    assert "empty" in err.message


@pytest.mark.parametrize("which", ["sources", "leak_rates", "pressure_readings", "events",
                                   "constants"])
def test_header_only(pkg: Path, which: str) -> None:
    rows = read_rows(pkg, which)
    write_rows(pkg, which, rows[:1])
    err = raises_at(pkg)
    assert (err.file, err.row, err.column) == (resource(pkg, which)["path"], 1, None)


@pytest.mark.parametrize("which", ["sources", "leak_rates", "pressure_readings", "events",
                                   "constants"])
def test_checksum_mismatch(pkg: Path, which: str) -> None:
    path = pkg / resource(pkg, which)["path"]
    path.write_bytes(path.read_bytes() + b"\n")  # a harmless-looking blank line
    err = raises_at(pkg, ChecksumMismatchError)
    assert (err.file, err.row, err.column) == (resource(pkg, which)["path"], None, None)
    assert "sha256" in err.message
    # the same file loads when hashes are not verified
    load_record(pkg, verify_hashes=False)


@pytest.mark.parametrize("which", ["sources", "leak_rates", "pressure_readings", "events",
                                   "constants"])
def test_undeclared_column(pkg: Path, which: str) -> None:
    rows = read_rows(pkg, which)
    write_rows(pkg, which, [[*r, "x"] for r in rows[:1]] + [[*r, "1"] for r in rows[1:]])
    err = raises_at(pkg)
    assert (err.row, err.column) == (0, "x")


# ----------------------------------------------------------------------------- specific


def test_unknown_unit(pkg: Path) -> None:
    k = set_cell(pkg, "leak_rates", "unit", "furlongs/fortnight")
    err = raises_at(pkg)
    assert (err.file, err.row, err.column) == (resource(pkg, "leak_rates")["path"], k, "unit")
    assert err.value == "furlongs/fortnight"


def test_pressure_unit_is_not_a_rate(pkg: Path) -> None:
    k = set_cell(pkg, "leak_rates", "unit", "mmHg")
    err = raises_at(pkg)
    assert (err.row, err.column) == (k, "unit")


def test_negative_rate(pkg: Path) -> None:
    k = set_cell(pkg, "leak_rates", "value", "-1.5")
    err = raises_at(pkg)
    assert (err.file, err.row, err.column) == (resource(pkg, "leak_rates")["path"], k, "value")
    assert err.value in (-1.5, "-1.5")


def test_negative_pressure(pkg: Path) -> None:
    k = set_cell(pkg, "pressure_readings", "pressure_mmhg", "-5")
    err = raises_at(pkg)
    assert (err.row, err.column) == (k, "pressure_mmhg")


def test_nan_text_in_number(pkg: Path) -> None:
    k = set_cell(pkg, "leak_rates", "value", "NaN")
    err = raises_at(pkg)
    assert (err.row, err.column, err.value) == (k, "value", "NaN")


def test_unparseable_date(pkg: Path) -> None:
    k = set_cell(pkg, "leak_rates", "reported_on", "26 Sept 2024")
    err = raises_at(pkg)
    assert (err.file, err.row, err.column) == (resource(pkg, "leak_rates")["path"], k,
                                               "reported_on")
    assert "date" in err.message


def test_bad_enum(pkg: Path) -> None:
    k = set_cell(pkg, "leak_rates", "qualifier", "about")
    err = raises_at(pkg)
    assert (err.row, err.column, err.value) == (k, "qualifier", "about")


def test_bad_grade(pkg: Path) -> None:
    k = set_cell(pkg, "sources", "grade", "B")
    err = raises_at(pkg)
    assert (err.row, err.column, err.value) == (k, "grade", "B")


def test_range_upper_below_lower(pkg: Path) -> None:
    rows = read_rows(pkg, "leak_rates")
    h = rows[0]
    k = next(i for i in range(1, len(rows)) if rows[i][h.index("qualifier")] == "range")
    rows[k][h.index("value_high")] = "0.1"
    write_rows(pkg, "leak_rates", rows)
    err = raises_at(pkg)
    assert (err.row, err.column) == (k, "value_high")


def test_period_end_before_start(pkg: Path) -> None:
    rows = read_rows(pkg, "leak_rates")
    h = rows[0]
    k = next(i for i in range(1, len(rows)) if rows[i][h.index("period_start")]
             and rows[i][h.index("period_end")])
    rows[k][h.index("period_end")] = "2001-01-01"
    write_rows(pkg, "leak_rates", rows)
    err = raises_at(pkg)
    assert (err.row, err.column) == (k, "period_end")


def test_ragged_row(pkg: Path) -> None:
    path = pkg / resource(pkg, "events")["path"]
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n" + ",".join(["x"] * 40) + "\n"
    path.write_text(text, encoding="utf-8")
    update_hashes(pkg)
    err = raises_at(pkg)
    assert err.file == resource(pkg, "events")["path"]
    assert err.row is not None


def test_descriptor_not_json(pkg: Path) -> None:
    (pkg / "datapackage.json").write_text("{not json", encoding="utf-8")
    err = raises_at(pkg)
    assert err.file == "datapackage.json"


def test_file_listed_but_absent(pkg: Path) -> None:
    (pkg / resource(pkg, "events")["path"]).unlink()
    err = raises_at(pkg)
    assert err.file == resource(pkg, "events")["path"]


def test_hash_missing_from_descriptor(pkg: Path) -> None:
    desc = descriptor(pkg)
    desc["resources"][0].pop("hash", None)
    (pkg / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    err = raises_at(pkg, ChecksumMismatchError)
    assert err.file == desc["resources"][0]["path"]


# ----------------------------------------------------------------------------- no data loss


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _run_everything(folder: Path) -> None:
    rec = load_record(folder)
    rates, audit = clean.clean_leak_rates(rec.leak_rates, sources=rec.sources,
                                          grades=("P", "T", "A"))
    assert len(rec.leak_rates) == len(rates) + int((audit.action == "dropped").sum())
    clean.normalize_pressure_readings(rec.pressure_readings)
    clean.filter_grades(clean.normalize_leak_rates(rec.leak_rates, sources=rec.sources)[0])


def test_load_and_clean_never_modify_files(pkg: Path) -> None:
    before = _digests(pkg)
    _run_everything(pkg)
    assert _digests(pkg) == before


@pytest.mark.skipif(not real_data_available(), reason="data/ has no datapackage.json yet")
def test_repository_data_untouched() -> None:
    from prkanalysis import config

    before = _digests(config.DATA_DIR)
    _run_everything(config.DATA_DIR)
    assert _digests(config.DATA_DIR) == before
