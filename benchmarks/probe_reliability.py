"""Bad and degenerate inputs through the public API and the CLI, counted by class.

Each probe calls one public function (or the CLI) with a bad or degenerate input and states
what a correct answer is: a *clear error* (a project error, :class:`prkanalysis.errors.PrkError`,
whose one-line message mentions the given words: the argument, file, row or column) or a
*correct result* (a check on the value returned). Anything else counts as *bad*: a
non-project exception, a traceback from the CLI, an error where a result was due, or a result
that reads a degenerate series as a finding.

Run: ``python benchmarks/probe_reliability.py`` (about a minute; ``--verbose`` lists every
probe). The table counts probes by class: tried, clear error, correct result, bad. The
catalogue is also run by ``tests/test_reliability_probes.py``. Simulated series are seeded
and labelled SIMULATED.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prkanalysis import cli, config, models
from prkanalysis.errors import PrkError


@dataclass(frozen=True)
class Probe:
    """One probe: a class, a description, a call and what counts as correct."""

    cls: str
    what: str
    call: Callable[[], Any]
    error: tuple[str, ...] | None = None  # expected clear error mentioning these words
    check: Callable[[Any], bool] | None = None  # or: a result passing this check


@dataclass(frozen=True)
class Outcome:
    """How a probe went: ``"error"`` (clear error), ``"result"`` (correct) or ``"bad"``."""

    probe: Probe
    kind: str
    detail: str


def run_probe(p: Probe) -> Outcome:
    """Run one probe and classify what happened."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = p.call()
        except PrkError as err:
            text = str(err)
            if p.error is None:
                return Outcome(p, "bad", f"error where a result was due: {text[:160]}")
            missing = [w for w in p.error if w.lower() not in text.lower()]
            if missing or "\n" in text.strip():
                return Outcome(p, "bad", f"unclear error (lacks {missing}): {text[:160]}")
            return Outcome(p, "error", text[:160])
        except Exception as exc:  # a non-project exception is the failure being counted
            return Outcome(p, "bad", f"{type(exc).__name__}: {str(exc)[:160]}")
    if p.error is not None:
        return Outcome(p, "bad", f"returned {str(value)[:120]!r} where an error was due")
    try:
        ok = p.check(value) if p.check is not None else True
    except Exception as exc:  # a failing check is a wrong result
        return Outcome(p, "bad", f"check failed: {type(exc).__name__}: {exc}")
    return Outcome(p, "result" if ok else "bad", str(value)[:120])


# ------------------------------------------------------------------------ the catalogue

N = 60
T = np.arange(N, dtype=float)
RNG = np.random.default_rng(20261129)  # SIMULATED noise
NOISE = RNG.normal(size=N)


def _degenerate() -> list[Probe]:
    series = {
        "constant 733": (np.full(N, 733.0), None),
        "constant 0": (np.zeros(N), None),
        "constant + 1e-13 wobble": (733.0 + 1e-13 * np.cos(T), None),
        "exact line y=2+t/2, X=[1,t]": (2.0 + 0.5 * T, np.c_[np.ones(N), T]),
    }
    tests: dict[str, Callable[[np.ndarray, Any], Any]] = {
        "sup_f_test": lambda y, X: models.sup_f_test(y, X),
        "cusum_test": lambda y, X: models.cusum_test(y, X),
        "cusum_test rec": lambda y, X: models.cusum_test(y, X, kind="rec"),
        "breakpoints": lambda y, X: models.breakpoints(y, X),
        "chow_test": lambda y, X: models.chow_test(y, X, N // 2),
        "tost_slope": lambda y, X: models.tost_slope(T, y, 0.05),
        "segmented_fit": lambda y, X: models.segmented_fit(T, y),
    }
    out = [Probe("degenerate series", f"{t} on {s}",
                 (lambda f=f, y=y, X=X: f(y, X)), error=("no variation",))
           for s, (y, X) in series.items() for t, f in tests.items()]
    out += [
        Probe("degenerate series", "tost_mean on a constant",
              lambda: models.tost_mean(np.full(12, 101.3), -1, 1), error=("no variation",)),
        Probe("degenerate series", "fit_decay on a frozen gauge",
              lambda: models.fit_decay(np.arange(8.0), np.full(8, 700.0)),
              error=("no variation",)),
        Probe("degenerate series", "fit_decay on a noiseless exponential: no interval",
              lambda: models.fit_decay(np.arange(8.0), 700 * np.exp(-0.1 * np.arange(8.0))),
              check=lambda r: np.isnan(r.k_se) and "no variation" in r.note),
        Probe("degenerate series", "growth_rate on an exact exponential",
              lambda: models.growth_rate(np.arange(8.0), np.exp(0.2 * np.arange(8.0))),
              error=("no variation",)),
        Probe("degenerate series", "sup_f_test on a noiseless step",
              lambda: models.sup_f_test(np.where(T < 25, 700.0, 690.0)), error=("exactly",)),
        Probe("degenerate series", "breakpoints dates a noiseless step where it is",
              lambda: models.breakpoints(np.where(T < 25, 700.0, 690.0)),
              check=lambda r: r.breaks == (25,)),
        Probe("degenerate series", "sup_f_test on real noise stays insignificant",
              lambda: models.sup_f_test(733 + 1e-3 * NOISE), check=lambda r: r.pvalue > 0.01),
        Probe("degenerate series", "frozen gauge: clean -> fit_segments",
              _frozen_gauge_fit, error=("no variation",)),
    ]
    return out


def _frozen_gauge_frame() -> pd.DataFrame:
    from prkanalysis.telemetry import make_frame
    from prkanalysis.telemetry.schema import PRK_HATCH, PRK_PRESSURE

    n = 500
    t = pd.Timestamp("2020-01-01", tz="UTC").value + np.arange(n) * 60_000_000_000
    p = make_frame(t, PRK_PRESSURE, np.full(n, 700.0), "mmHg")
    h = make_frame(t[:1], PRK_HATCH, np.array([1.0]), "1")
    return pd.concat([p, h], ignore_index=True)


def _frozen_gauge_fit() -> Any:
    from prkanalysis.telemetry import clean, fit_segments

    cleaned, _ = clean(_frozen_gauge_frame())
    return fit_segments(cleaned, 5.0, 295.0)


def _pandas() -> list[Probe]:
    days = pd.date_range("2020-01-01", periods=N, freq="D")
    y = pd.Series(700.0 - 0.1 * T + NOISE, index=days)
    shuffled = y.sample(frac=1.0, random_state=1)
    return [
        Probe("pandas inputs", "segmented_fit with a DatetimeIndex x",
              lambda: models.segmented_fit(days, y), error=("'x'", "Timedelta")),
        Probe("pandas inputs", "tost_slope with a datetime Series x",
              lambda: models.tost_slope(pd.Series(days), y.to_numpy(), 0.1), error=("'x'",)),
        Probe("pandas inputs", "sup_f_test on a shuffled DatetimeIndex",
              lambda: models.sup_f_test(shuffled), error=("'y'", "sort_index")),
        Probe("pandas inputs", "breakpoints on a shuffled DatetimeIndex",
              lambda: models.breakpoints(shuffled), error=("sort_index",)),
        Probe("pandas inputs", "chow_test split as a Timestamp",
              lambda: models.chow_test(y, None, days[30]), error=("'split'", "date")),
        Probe("pandas inputs", "chow_test split 50.5",
              lambda: models.chow_test(y, None, 50.5), error=("'split'", "50.5")),
        Probe("pandas inputs", "chow_test split 30.0 (a whole float)",
              lambda: models.chow_test(y, None, 30.0), check=lambda r: r.split == 30),
        Probe("pandas inputs", "tost_mean on strings",
              lambda: models.tost_mean(["a", "b", "c"], -1, 1), error=("'x'", "numbers")),
        Probe("pandas inputs", "sup_f_test with X on another index",
              lambda: models.sup_f_test(y, pd.DataFrame({"c": 1.0}, index=days[::-1])),
              error=("'X'",)),
        Probe("pandas inputs", "elapsed days (the hint) give a sensible kink",
              lambda: models.segmented_fit((days - days[0]) / pd.Timedelta(days=1), y),
              check=lambda r: 0 < r.psi[0] < N),
    ]


def _arguments() -> list[Probe]:
    y = 700.0 + NOISE
    cases: list[tuple[str, Callable[[], Any], str]] = [
        ("sup_f_test trim=0.6", lambda: models.sup_f_test(y, trim=0.6), "'trim'"),
        ("sup_f_test trim=nan", lambda: models.sup_f_test(y, trim=float("nan")), "'trim'"),
        ("breakpoints h=0", lambda: models.breakpoints(y, h=0), "'h'"),
        ("breakpoints h=12.5", lambda: models.breakpoints(y, h=12.5), "'h'"),
        ("breakpoints max_breaks=-1", lambda: models.breakpoints(y, max_breaks=-1),
         "'max_breaks'"),
        ("breakpoints max_breaks='2'", lambda: models.breakpoints(y, max_breaks="2"),
         "'max_breaks'"),
        ("cusum_test kind='mosum'", lambda: models.cusum_test(y, kind="mosum"), "'kind'"),
        ("segmented_fit n_breaks=0", lambda: models.segmented_fit(T, y, n_breaks=0),
         "'n_breaks'"),
        ("segmented_fit cov='robust'", lambda: models.segmented_fit(T, y, cov="robust"),
         "'cov'"),
        ("tost_slope delta=-0.1", lambda: models.tost_slope(T, y, -0.1), "'delta'"),
        ("tost_slope alpha=0.7", lambda: models.tost_slope(T, y, 0.1, alpha=0.7), "'alpha'"),
        ("tost_mean upp=inf", lambda: models.tost_mean(y, 1, float("inf")), "'upp'"),
        ("fit_decay alpha=2", lambda: models.fit_decay(T[:8], 700 - T[:8] + NOISE[:8],
                                                       alpha=2), "'alpha'"),
        ("sup_f_test y with a 1e300", lambda: models.sup_f_test(np.r_[y[:-1], 1e300]), "'y'"),
        ("breakpoints n=1e6 (size guard)", lambda: models.breakpoints(np.zeros(1_000_000)),
         "MAX_BREAKPOINTS_N"),
        ("segment_rss_matrix n=30000 (size guard)",
         lambda: models.segment_rss_matrix(np.arange(30_000.0)), "GiB"),
    ]
    return [Probe("argument checks", w, c, error=(word,)) for w, c, word in cases]


@contextlib.contextmanager
def _tmpdir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="prk-probe-"))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _isslive(lines: list[str], year: int = 2018, convention: str = "elapsed",
             **kw: Any) -> Any:
    from prkanalysis.telemetry import read_isslive

    with _tmpdir() as d:
        path = d / "USLAB000058_probe.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        before = path.read_bytes()
        try:
            return read_isslive(path, year, convention, **kw)  # type: ignore[arg-type]
        finally:
            assert path.read_bytes() == before, "the reader modified its file"


def _telemetry() -> list[Probe]:
    good = [f"{6845 + i / 60:.5f} {742.0 + 0.01 * (i % 3):.2f} " for i in range(20)]
    switch = good + [f"{6846 + i / 60:.5f} {14.35 + 0.001 * i:.3f} " for i in range(20)]
    out = [
        Probe("telemetry readers", "ISS Live file switching mmHg -> psi halfway",
              lambda: _isslive(switch), error=("switch", "line 21", "'value'")),
        Probe("telemetry readers", "... even with unit='mmHg' given",
              lambda: _isslive(switch, unit="mmHg"), error=("switch",)),
        Probe("telemetry readers", "a single psi-range glitch stays (cleaning's job)",
              lambda: _isslive([*good[:10], "6845.2 14.3 ", *good[10:]]),
              check=lambda df: len(df) == 21),
        Probe("telemetry readers", "9000 h in 2018 (elapsed)",
              lambda: _isslive([*good, "9000 742.0 "]), error=("line 21", "'hours'", "9000")),
        Probe("telemetry readers", "negative hours",
              lambda: _isslive(["-3 742.0 ", *good]), error=("line 1", "'hours'")),
        Probe("telemetry readers", "hour 10 under gmt_doy (before day 001)",
              lambda: _isslive(["10 742.0 ", *good], convention="gmt_doy"),
              error=("'hours'",)),
        Probe("telemetry readers", "8783.5 h in leap year 2020 (elapsed) is inside the year",
              lambda: _isslive(["8783.5 742.0 "], year=2020), check=lambda df: len(df) == 1),
        Probe("telemetry readers", "8783.5 h in 2019 (elapsed) is not",
              lambda: _isslive(["8783.5 742.0 "], year=2019), error=("'hours'", "2019")),
        Probe("telemetry readers", "NUL byte", lambda: _isslive([*good[:3], "68\x0045 742"]),
              error=("NUL", "line 4")),
        Probe("telemetry readers", "year='2018'", lambda: _isslive(good, year="2018"),  # type: ignore[arg-type]
              error=("'year'",)),
        Probe("telemetry readers", "day_convention='doy'",
              lambda: _isslive(good, convention="doy"), error=("day_convention",)),
        Probe("telemetry readers", "unit='bar'", lambda: _isslive(good, unit="bar"),
              error=("'unit'",)),
        Probe("telemetry readers", "empty file", lambda: _isslive([]), error=("empty",)),
    ]
    return out


def _validator() -> list[Probe]:
    from prkanalysis.record import load_record, update_hashes

    sys.path.insert(0, str(config.PROJ_ROOT / "tests"))
    from evidence_pkg import write_package

    def leak(d: dict) -> dict:
        return next(r for r in d["resources"] if r["name"] == "leak_rates")

    def fld(d: dict, name: str) -> dict:
        return next(f for f in leak(d)["schema"]["fields"] if f["name"] == name)

    def with_desc(change: Callable[[dict], None]) -> Callable[[], Any]:
        def call() -> Any:
            with _tmpdir() as d:
                pkg = write_package(d / "pkg")
                path = pkg / "datapackage.json"
                desc = json.loads(path.read_text(encoding="utf-8"))
                change(desc)
                path.write_text(json.dumps(desc), encoding="utf-8")
                return load_record(pkg, cache=False)
        return call

    def with_cell(table: str, column: str, value: str) -> Callable[[], Any]:
        def call() -> Any:
            import csv

            with _tmpdir() as d:
                pkg = write_package(d / "pkg")
                p = pkg / f"{table}.csv"
                rows = list(csv.reader(p.open(encoding="utf-8")))
                rows[1][rows[0].index(column)] = value
                with p.open("w", newline="", encoding="utf-8") as fh:
                    csv.writer(fh, lineterminator="\n").writerows(rows)
                update_hashes(pkg)
                return load_record(pkg, cache=False)
        return call

    malformed: list[tuple[str, Callable[[dict], None]]] = [
        ("field type 'nosuch'", lambda d: fld(d, "value").__setitem__("type", "nosuch")),
        ("pattern '['", lambda d: fld(d, "rate_id").__setitem__("constraints",
                                                               {"pattern": "["})),
        ("fields = 'x'", lambda d: leak(d)["schema"].__setitem__("fields", "x")),
        ("field without a name", lambda d: fld(d, "value").pop("name")),
        ("primaryKey not a field", lambda d: leak(d)["schema"].__setitem__("primaryKey",
                                                                           ["zz"])),
        ("enum = 5", lambda d: fld(d, "qualifier").__setitem__("constraints", {"enum": 5})),
        ("constraints a list", lambda d: fld(d, "value").__setitem__("constraints", [1])),
        ("foreign key to nowhere", lambda d: leak(d)["schema"].__setitem__(
            "foreignKeys", [{"fields": ["duplicate_of"],
                             "reference": {"resource": "nosuch", "fields": ["x"]}}])),
        ("path ../../etc/passwd", lambda d: leak(d).__setitem__("path", "../../etc/passwd")),
        ("path /etc/passwd", lambda d: leak(d).__setitem__("path", "/etc/passwd")),
        ("path a list", lambda d: leak(d).__setitem__("path", ["a.csv"])),
    ]
    out = [Probe("validator", f"descriptor: {w}", with_desc(c), error=("datapackage.json",))
           for w, c in malformed]
    out += [
        Probe("validator", "impossible date 2019-02-30",
              with_cell("leak_rates", "period_start", "2019-02-30"),
              error=("leak_rates.csv", "row 1", "period_start")),
        Probe("validator", "NUL byte in a cell", with_cell("leak_rates", "unit", "kg\x00/day"),
              error=("leak_rates.csv", "row 1", "NUL")),
        Probe("validator", "NaN in a number", with_cell("leak_rates", "value", "NaN"),
              error=("row 1", "value")),
        Probe("validator", "unknown source id", with_cell("events", "source_ids", "S999"),
              error=("events.csv", "row 1", "source_ids")),
        Probe("validator", "missing data folder",
              lambda: load_record(Path(tempfile.gettempdir()) / "prk-no-such-folder"),
              error=("prk-no-such-folder", "does not exist")),
        Probe("validator", "load_record(None)", lambda: load_record(None),  # type: ignore[arg-type]
              error=("'data_dir'",)),
        Probe("validator", "load_record(b'data')", lambda: load_record(b"data"),  # type: ignore[arg-type]
              error=("'data_dir'",)),
        Probe("validator", "load_record(a file)", lambda: load_record(Path(__file__)),
              error=("not a folder",)),
        Probe("validator", "load_record(verify_hashes='yes')",
              lambda: load_record(verify_hashes="yes"),  # type: ignore[arg-type]
              error=("'verify_hashes'",)),
        Probe("validator", "record.table('nosuch')", lambda: load_record().table("nosuch"),
              error=("nosuch",)),
        Probe("validator", "record.sources_for('S999')",
              lambda: load_record().sources_for("S999"), error=("S999",)),
        Probe("validator", "the repository's data/ loads",
              lambda: load_record(), check=lambda r: len(r.leak_rates) > 0),
    ]
    return out


def _cli(argv: list[str], code: int, words: tuple[str, ...]) -> Probe:
    def call() -> Any:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            got = cli.main(argv)
        text = err.getvalue()
        lines = [ln for ln in text.splitlines() if ln.strip()]
        ok = (got == code and "Traceback" not in text and len(lines) == 1
              and all(w in text for w in words))
        return ok, got, text.strip()[:160]

    return Probe("CLI", " ".join(argv), call, check=lambda r: bool(r[0]))


def _clis() -> list[Probe]:
    missing = str(Path(tempfile.gettempdir()) / "prk-no-data")
    return [
        _cli(["validate", "--data", missing], 2, (missing,)),
        _cli(["--data", missing, "ledger"], 2, (missing,)),
        _cli(["episodes", "--data", missing], 2, (missing,)),
        _cli(["nosuch"], 2, ("invalid choice",)),
        _cli(["validate", "--data", str(config.PROJ_ROOT)], 2, ("datapackage.json",)),
        _cli(["report", "--out", "/proc/prk-report", "--only", "00"], 2, ("/proc/prk-report",)),
        _cli(["ledger", "--as-of", "not-a-date"], 2, ("as_of",)),
    ]


def _others() -> list[Probe]:
    """Probes of parts other issues own (counted, so the table shows the whole surface)."""
    from prkanalysis import physics
    from prkanalysis.claims import ledger
    from prkanalysis.telemetry import fit_segments, simulate

    sim, _ = simulate(duration_days=2, rate_hz=0.01, closed_days=1, leak_k_per_day=0.1,
                      seed=1)
    return [
        Probe("API edges (other owners)", "ledger(approx_rel=5)",
              lambda: ledger(approx_rel=5), error=("approx_rel",)),
        Probe("API edges (other owners)", "ledger('some/folder')",
              lambda: ledger("some/folder"), error=("some/folder",)),
        Probe("API edges (other owners)", "implied_volume(k=0)",
              lambda: physics.implied_volume(1.0, 0.0, 1e5), error=("k",)),
        Probe("API edges (other owners)", "fit_segments(min_samples=2)",
              lambda: fit_segments(sim, 5.0, 295.0, min_samples=2), error=("min_samples",)),
        Probe("API edges (other owners)", "simulate(volume_m3=-1)",
              lambda: simulate(volume_m3=-1.0, duration_days=1, seed=1),
              error=("volume_m3",)),
        Probe("API edges (other owners)", "simulate(start='not a date')",
              lambda: simulate(start="not a date", duration_days=1, seed=1),
              error=("start",)),
    ]


def _shapes() -> list[Probe]:
    """Odd shapes and types for the series arguments of every break test."""
    shapes: dict[str, Any] = {
        "None": None, "empty list": [], "one value": [1.0], "2-D (3, 20)": np.ones((3, 20)),
        "nested ragged lists": [[1.0, 2.0], [3.0]], "a string": "733 733 733",
        "object array with None": np.array([1.0, None] * 20, dtype=object),
        "complex numbers": np.arange(40) + 1j, "bools": [True, False] * 20,
        "a dict": {"a": 1.0}, "NaN inside": np.r_[NOISE[:30], np.nan],
        "inf inside": np.r_[NOISE[:30], np.inf],
    }
    calls: dict[str, Callable[[Any], Any]] = {
        "sup_f_test": models.sup_f_test, "cusum_test": models.cusum_test,
        "breakpoints": models.breakpoints,
        "tost_mean": lambda y: models.tost_mean(y, -1.0, 1.0),
    }
    out = []
    for sname, y in shapes.items():
        for cname, f in calls.items():
            if sname == "bools":  # numbers after all: a valid 0/1 series
                out.append(Probe("odd shapes and types", f"{cname} on {sname}",
                                 lambda f=f, y=y: f(y), check=lambda r: r is not None))
            else:
                out.append(Probe("odd shapes and types", f"{cname} on {sname}",
                                 lambda f=f, y=y: f(y), error=("'",)))
    return out


def catalogue() -> list[Probe]:
    """Every probe, in class order."""
    return [*_degenerate(), *_pandas(), *_arguments(), *_shapes(), *_telemetry(),
            *_validator(), *_clis(), *_others()]


def table(outcomes: list[Outcome]) -> str:
    """Counts by class: tried, clear error, correct result, bad."""
    classes = list(dict.fromkeys(o.probe.cls for o in outcomes))
    lines = [f"{'class':28s} {'tried':>5s} {'clear error':>11s} {'correct result':>14s} "
             f"{'bad':>4s}"]
    for c in [*classes, "total"]:
        sel = [o for o in outcomes if c in ("total", o.probe.cls)]
        n = {k: sum(o.kind == k for o in sel) for k in ("error", "result", "bad")}
        lines.append(f"{c:28s} {len(sel):5d} {n['error']:11d} {n['result']:14d} "
                     f"{n['bad']:4d}")
    return "\n".join(lines)


def main() -> int:
    """Run the catalogue, print bad probes (all with ``--verbose``) and the table."""
    verbose = "--verbose" in sys.argv
    outcomes = [run_probe(p) for p in catalogue()]
    for o in outcomes:
        if verbose or o.kind == "bad":
            print(f"[{o.kind:6s}] {o.probe.cls}: {o.probe.what}: {o.detail}")
    print(table(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
