"""Property-based tests: generated malformed input never escapes as a non-project exception.

hypothesis drives the evidence loader (mutated cells and descriptors), the evidence cleaning,
the models and the telemetry readers. Every call either returns or raises a
:class:`~prkanalysis.errors.PrkError` (whose message names what is wrong); no file is ever
modified by a reader (sha256 of every file before and after). Runtime is kept modest with
``max_examples`` (deadline off: the first load of a package pays frictionless' start-up).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from evidence_pkg import write_package
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from prkanalysis import clean, config, models
from prkanalysis.errors import PrkError
from prkanalysis.record import clear_cache, load_record, update_hashes
from prkanalysis.telemetry import read_csv_telemetry, read_isslive

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
#: Fewer examples where one example validates a whole package (about 1 s each).
SLOW = settings(SETTINGS, max_examples=15)
#: More where one example is cheap.
FAST = settings(SETTINGS, max_examples=200)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@contextlib.contextmanager
def only_project_errors() -> Iterator[None]:
    """Let a PrkError through silently; any other exception fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            yield
        except PrkError as err:
            assert str(err).strip(), "a project error must say what is wrong"


@pytest.fixture(scope="module")
def base_pkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_package(tmp_path_factory.mktemp("prop") / "pkg")


@pytest.fixture()
def pkg(base_pkg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    return base_pkg


def _restore(folder: Path, saved: dict[str, bytes]) -> None:
    for name, data in saved.items():
        (folder / name).write_bytes(data)


# ------------------------------------------------------------------------ evidence loader

CELL_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "NaN", "inf", "-1", "1e309", "2019-02-30", "2020-13",
                     "2020-10-02T25:00:00Z", "\x00", "a\x00b", "S999", "S01;S01",
                     ";", "\"", "'", "\n", "1,2", "true", "TRUE", "maybe", "0x10",
                     "९", "１２", "\u202e", "LR01"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@SLOW
@given(table=st.sampled_from(["sources", "leak_rates", "pressure_readings", "events",
                              "constants"]),
       row=st.integers(1, 3), col=st.integers(0, 20), text=CELL_TEXT)
def test_mutated_cell_loads_or_raises_a_project_error(pkg: Path, table: str, row: int,
                                                      col: int, text: str) -> None:
    path = pkg / f"{table}.csv"
    saved = {p.name: p.read_bytes() for p in pkg.iterdir() if p.is_file()}
    try:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        assume(row < len(rows))
        rows[row][col % len(rows[0])] = text
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")
        update_hashes(pkg)
        before = digests(pkg)
        clear_cache()
        with only_project_errors():
            rec = load_record(pkg, cache=False)
            clean.clean_leak_rates(rec.leak_rates, sources=rec.sources)
            clean.normalize_pressure_readings(rec.pressure_readings)
        assert digests(pkg) == before
    finally:
        _restore(pkg, saved)


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False)
    | st.text(max_size=8) | st.sampled_from(["[", "(?P<", "../../x", "/etc/passwd", "nosuch"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6)

SCHEMA_KEYS = st.sampled_from(["type", "name", "constraints", "format", "trueValues",
                               "missingValues", "separator"])
CONSTRAINT_KEYS = st.sampled_from(["required", "unique", "pattern", "enum", "minimum",
                                   "maximum", "minLength", "maxLength"])


@SETTINGS
@given(res_i=st.integers(0, 4), field_i=st.integers(0, 20),
       where=st.sampled_from(["field", "constraint", "schema", "resource", "package"]),
       key=st.one_of(SCHEMA_KEYS, CONSTRAINT_KEYS,
                     st.sampled_from(["fields", "primaryKey", "foreignKeys", "path",
                                      "schema", "resources", "name", "profile"])),
       value=JSON_VALUE)
def test_mutated_descriptor_raises_only_project_errors(pkg: Path, res_i: int, field_i: int,
                                                       where: str, key: str,
                                                       value: Any) -> None:
    dpath = pkg / "datapackage.json"
    saved = {p.name: p.read_bytes() for p in pkg.iterdir() if p.is_file()}
    try:
        desc = json.loads(dpath.read_text(encoding="utf-8"))
        res = desc["resources"][res_i % len(desc["resources"])]
        fields = res["schema"]["fields"]
        target: dict[str, Any] = {
            "field": fields[field_i % len(fields)],
            "constraint": fields[field_i % len(fields)].setdefault("constraints", {}),
            "schema": res["schema"], "resource": res, "package": desc,
        }[where]
        target[key] = value
        dpath.write_text(json.dumps(desc), encoding="utf-8")
        before = digests(pkg)
        clear_cache()
        with only_project_errors():
            load_record(pkg, cache=False)
        assert digests(pkg) == before
    finally:
        _restore(pkg, saved)


# --------------------------------------------------------------------------------- models

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)
SERIES = st.one_of(
    st.lists(FLOATS, max_size=40),
    st.lists(st.floats(-1e6, 1e6), min_size=0, max_size=40),
    st.builds(lambda v, n: [v] * n, st.floats(-1e3, 1e3), st.integers(0, 40)),
    st.lists(st.sampled_from([0.0, 1.0, 1e-300, 1e300, -0.0]), max_size=30),
)
ARG = st.one_of(st.none(), st.booleans(), st.integers(-5, 60), FLOATS,
                st.text(max_size=4), st.sampled_from([0.15, 0.5, 3, 0.05, (0.1, -0.1)]))

MODEL_CALLS: dict[str, Callable[[list[float], Any], Any]] = {
    "sup_f_test": lambda y, a: models.sup_f_test(y, trim=a),
    "cusum_test": lambda y, a: models.cusum_test(y, kind=a if isinstance(a, str) else "ols"),
    "breakpoints": lambda y, a: models.breakpoints(y, h=a, max_breaks=2),
    "chow_test": lambda y, a: models.chow_test(y, None, split=a),
    "segmented_fit": lambda y, a: models.segmented_fit(np.arange(len(y)), y, n_breaks=a),
    "tost_mean": lambda y, a: models.tost_mean(y, -1.0, a),
    "tost_slope": lambda y, a: models.tost_slope(np.arange(len(y)), y, a),
    "fit_decay": lambda y, a: models.fit_decay(np.arange(len(y)), y, alpha=a),
    "growth_rate": lambda y, a: models.growth_rate(np.arange(len(y)), y),
}


@FAST
@given(name=st.sampled_from(sorted(MODEL_CALLS)), y=SERIES, arg=ARG)
def test_models_raise_only_project_errors(name: str, y: list[float], arg: Any) -> None:
    with only_project_errors():
        MODEL_CALLS[name](y, arg)


@SLOW
@given(y=st.lists(st.floats(-1e3, 1e3), min_size=20, max_size=40))
def test_a_significant_break_test_has_variation(y: list[float]) -> None:
    # whatever the series, a p-value below 0.05 never comes from a series without variation
    arr = np.asarray(y)
    with only_project_errors():
        r = models.sup_f_test(arr)
        if r.pvalue < 0.05:
            assert not models._linalg.is_exact_fit(float(np.sum((arr - arr.mean()) ** 2)), arr)


# ------------------------------------------------------------------------- telemetry

LINE = st.one_of(
    st.builds(lambda h, v: f"{h} {v} ", st.floats(-1e5, 1e5), st.floats(-1e3, 1e3)),
    st.builds(lambda h, v: f"{h!r} {v!r}", FLOATS, FLOATS),
    st.text(max_size=20),
    st.sampled_from(["", "  ", "6845.0 742.1", "6845.0", "1 2 3", "nan 742", "24.0 14.7",
                     "9000 742", "-3 742", "\x00", "8785 742.0"]),
)


@FAST
@given(lines=st.lists(LINE, max_size=30), year=st.sampled_from([2018, 2020, 1969, 2101]),
       convention=st.sampled_from(["gmt_doy", "elapsed", "bogus"]))
def test_isslive_reader_raises_only_project_errors(tmp_path: Path, lines: list[str],
                                                   year: int, convention: str) -> None:
    path = tmp_path / "USLAB000058_x.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    before = digests(tmp_path)
    with only_project_errors():
        df = read_isslive(path, year, convention)  # type: ignore[arg-type]
        assert df["unit"].nunique() == 1
    assert digests(tmp_path) == before


CSV_CELL = st.one_of(st.text(max_size=12), FLOATS.map(repr),
                     st.sampled_from(["2020-01-01T00:00:00Z", "1600000000", "742.1", "psi",
                                      "mmHg", "prk_pressure", "", "2020-02-30T00:00:00Z"]))


@FAST
@given(header=st.lists(st.sampled_from(["time", "channel", "value", "unit", "USLAB000058",
                                        "x", ""]), min_size=1, max_size=5),
       rows=st.lists(st.lists(CSV_CELL, min_size=1, max_size=5), max_size=8),
       layout=st.sampled_from(["long", "wide", "iss_dashboard", "nonsense"]))
def test_csv_reader_raises_only_project_errors(tmp_path: Path, header: list[str],
                                               rows: list[list[str]], layout: str) -> None:
    path = tmp_path / "telemetry.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    before = digests(tmp_path)
    with only_project_errors():
        read_csv_telemetry(path, layout)  # type: ignore[arg-type]
    assert digests(tmp_path) == before


# ------------------------------------------------------------------ telemetry cleaning


@FAST
@given(values=st.lists(FLOATS, min_size=0, max_size=40),
       steps=st.lists(st.integers(-120, 3600), min_size=0, max_size=40),
       channel=st.sampled_from(["prk_pressure", "USLAB000058", "prk_hatch", "nosuch"]),
       unit=st.sampled_from(["mmHg", "psi", "1", "bar"]))
def test_telemetry_clean_raises_only_project_errors(values: list[float], steps: list[int],
                                                    channel: str, unit: str) -> None:
    import pandas as pd

    from prkanalysis.telemetry import clean as clean_telemetry

    n = min(len(values), len(steps))
    t = pd.Timestamp("2020-01-01", tz="UTC").value + np.cumsum(
        np.asarray(steps[:n], dtype=np.int64)) * 1_000_000_000
    df = pd.DataFrame({"time": pd.to_datetime(t, utc=True), "channel": [channel] * n,
                       "value": np.asarray(values[:n], dtype=float), "unit": [unit] * n})
    with only_project_errors():
        out, audit = clean_telemetry(df)
        # every dropped row is accounted for
        assert audit.rows_in == len(df) and audit.rows_out == len(out)
        drops = audit.counts[audit.counts["action"] == "drop"]["n"].sum() if len(
            audit.counts) else 0
        assert audit.rows_in - audit.rows_out == drops
