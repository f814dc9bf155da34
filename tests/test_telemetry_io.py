"""Telemetry loaders: the real ISS Live fixture, CSV layouts, Parquet, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from prkanalysis.config import FIXTURES_DIR
from prkanalysis.errors import TelemetryError
from prkanalysis.telemetry import (
    clean,
    detect_step,
    read_csv_telemetry,
    read_isslive,
    read_parquet,
    simulate,
    validate_schema,
    write_parquet,
)

FIXTURE = FIXTURES_DIR / "USLAB000058_2018-10-12.txt"


@pytest.fixture(scope="module")
def uslab() -> pd.DataFrame:
    return read_isslive(FIXTURE, 2018, "gmt_doy")


def test_fixture_is_the_recorded_file():
    # provenance note: 7,217 bytes, unchanged from ISS-Mimic/Mimic at 4e6e3599
    assert FIXTURE.stat().st_size == 7217


def test_fixture_shape_and_unit(uslab):
    assert len(uslab) == 208
    assert set(uslab["channel"]) == {"USLAB000058"}
    assert set(uslab["unit"]) == {"mmHg"}  # catalogue says PSI; values ~742 are mmHg
    assert str(uslab["time"].dtype) == "datetime64[ns, UTC]"
    assert 741.6 < uslab["value"].min() < 741.7 and 745.0 < uslab["value"].max() < 745.2


def test_fixture_first_sample_gmt_doy(uslab):
    first = uslab["time"].iloc[0]
    assert first.round("min") == pd.Timestamp("2018-10-12 05:04", tz="UTC")
    assert uslab["time"].iloc[-1].round("min") == pd.Timestamp("2018-10-13 04:47", tz="UTC")


def test_fixture_elapsed_convention_is_one_day_later(uslab):
    el = read_isslive(FIXTURE, 2018, "elapsed")
    assert el["time"].iloc[0].round("min") == pd.Timestamp("2018-10-13 05:04", tz="UTC")
    assert ((el["time"] - uslab["time"]) == pd.Timedelta(days=1)).all()


def test_fixture_quantisation_step(uslab):
    assert detect_step(uslab["value"].to_numpy()) == pytest.approx(0.101, abs=5e-4)


def test_fixture_glitch_flagged_and_repeats_kept(uslab):
    out, audit = clean(uslab)
    assert audit.n("glitch") == 1
    assert audit.rows_in == audit.rows_out + audit.dropped == 208
    dropped = uslab[~uslab["time"].isin(out["time"])]
    assert len(dropped) == 1
    assert dropped["value"].iloc[0] == pytest.approx(741.685, abs=1e-3)
    hours = (dropped["time"].iloc[0] - pd.Timestamp("2018-01-01", tz="UTC")).total_seconds()
    assert hours / 3600 + 24 == pytest.approx(6867.26486, abs=1e-5)
    # consecutive equal values at different times are genuine samples: kept
    v = out["value"].to_numpy()
    assert np.any(v[1:] == v[:-1])
    assert audit.n("duplicate") == 0
    step = audit.channels.set_index("channel").loc["USLAB000058", "step"]
    assert step == pytest.approx(0.101, abs=5e-4)


def test_isslive_convention_required():
    with pytest.raises(TelemetryError, match="day_convention"):
        read_isslive(FIXTURE, 2018, "julian")  # type: ignore[arg-type]


def test_isslive_malformed_line(tmp_path):
    p = tmp_path / "USLAB000058.txt"
    p.write_text("6845.0665 742.99 \n6845.07 abc \n")
    with pytest.raises(TelemetryError, match=r"USLAB000058.txt, line 2, column 'value'"):
        read_isslive(p, 2018, "gmt_doy")
    p.write_text("6845.0665 742.99 \n6845.07\n")
    with pytest.raises(TelemetryError, match=r"line 2"):
        read_isslive(p, 2018, "gmt_doy")
    p.write_text("x 742.99 \n")
    with pytest.raises(TelemetryError, match=r"line 1, column 'hours'"):
        read_isslive(p, 2018, "gmt_doy")


def test_isslive_empty_file(tmp_path):
    p = tmp_path / "USLAB000058.txt"
    p.write_text("")
    with pytest.raises(TelemetryError, match="empty file"):
        read_isslive(p, 2018, "gmt_doy")


def test_isslive_unit_inference(tmp_path):
    p = tmp_path / "AIRLOCK000054.txt"
    p.write_text("100.0 14.6 \n100.1 14.7 \n")
    assert read_isslive(p, 2025, "gmt_doy")["unit"].iloc[0] == "psi"
    p.write_text("100.0 200.0 \n")
    with pytest.raises(TelemetryError, match="cannot infer the unit"):
        read_isslive(p, 2025, "gmt_doy")
    assert read_isslive(p, 2025, "gmt_doy", unit="mmHg")["unit"].iloc[0] == "mmHg"


def test_iss_dashboard_csv(tmp_path):
    p = tmp_path / "airlock_pressures.csv"
    p.write_text("timestamp,AIRLOCK000049,AIRLOCK000054\n1752937260,755.7,757.9\n"
                 "1752937320,755.7,757.9\n")
    df = read_csv_telemetry(p, "iss_dashboard")
    assert len(df) == 4
    assert sorted(set(df["channel"])) == ["AIRLOCK000049", "AIRLOCK000054"]
    assert df["time"].iloc[0] == pd.Timestamp(1752937260, unit="s", tz="UTC")


def test_long_csv_and_errors(tmp_path):
    p = tmp_path / "long.csv"
    p.write_text("time,channel,value,unit\n2020-10-01T00:00:00Z,prk_pressure,730,mmHg\n"
                 "2020-10-01T01:00:00Z,prk_hatch,1,1\n")
    df = read_csv_telemetry(p)
    assert df["value"].tolist() == [730.0, 1.0]
    p.write_text("time,channel,value,unit\n2020-10-01T00:00:00Z,prk_presure,730,mmHg\n")
    with pytest.raises(TelemetryError, match=r"row 0, column 'channel': unknown channel"):
        read_csv_telemetry(p)
    p.write_text("time,channel,value,unit\n2020-10-01T00:00:00Z,prk_pressure,7x0,mmHg\n")
    with pytest.raises(TelemetryError, match=r"long.csv, row 1, column 'value'"):
        read_csv_telemetry(p)
    p.write_text("time,channel,value,unit\nyesterday,prk_pressure,730,mmHg\n")
    with pytest.raises(TelemetryError, match=r"row 1, column 'time'"):
        read_csv_telemetry(p)
    p.write_text("")
    with pytest.raises(TelemetryError, match="empty file"):
        read_csv_telemetry(p)
    p.write_text("time,channel,value,unit\n2020-10-01T00:00:00Z,prk_pressure,730,psi\n")
    with pytest.raises(TelemetryError, match="must be in 'mmHg'"):
        read_csv_telemetry(p)


def test_validate_schema_errors():
    t = pd.to_datetime(["2020-01-01"], utc=True)
    ok = pd.DataFrame({"time": t, "channel": ["prk_pressure"], "value": [1.0], "unit": ["mmHg"]})
    validate_schema(ok)
    with pytest.raises(TelemetryError, match="missing column"):
        validate_schema(ok.drop(columns="unit"))
    with pytest.raises(TelemetryError, match="not a finite number"):
        validate_schema(ok.assign(value=np.nan))
    with pytest.raises(TelemetryError, match="datetime64"):
        validate_schema(ok.assign(time=pd.to_datetime(["2020-01-01"])))


def test_parquet_round_trip(tmp_path):
    df, _ = simulate(start="2020-01-30", duration_days=4, rate_hz=0.01, closed_days=1, seed=4)
    out = write_parquet(df, tmp_path / "ds")
    parts = sorted({p.parent.relative_to(out).as_posix() for p in out.rglob("*.parquet")})
    assert parts == [
        "channel=prk_hatch/month=2020-01", "channel=prk_hatch/month=2020-02",
        "channel=prk_pressure/month=2020-01", "channel=prk_pressure/month=2020-02",
    ]
    back = read_parquet(out)
    assert back.attrs["simulated"] is True
    want = df.assign(channel=df["channel"].astype(str)).sort_values(
        ["channel", "time"], kind="stable", ignore_index=True
    )
    assert len(back) == len(df)
    np.testing.assert_array_equal(back["value"].to_numpy(), want["value"].to_numpy())
    assert (back["time"].to_numpy() == want["time"].to_numpy()).all()
    sub = read_parquet(out, channels=["prk_pressure"], start="2020-02-01", end="2020-02-02")
    assert set(sub["channel"]) == {"prk_pressure"}
    assert sub["time"].min() >= pd.Timestamp("2020-02-01", tz="UTC")
    assert sub["time"].max() < pd.Timestamp("2020-02-02", tz="UTC")
    assert len(sub) == 864
    via_csv_reader = read_csv_telemetry(out, "parquet")
    assert len(via_csv_reader) == len(df)
    with pytest.raises(TelemetryError, match="not found"):
        read_parquet(tmp_path / "nope")


# ------------------------------------------------ impossible input and frozen gauges


def _write_isslive(tmp_path, lines):
    path = tmp_path / "USLAB000058_test.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = [f"{6845 + i / 60:.5f} {742.0 + 0.01 * (i % 3):.2f} " for i in range(20)]


def test_unit_switch_halfway_is_an_error(tmp_path):
    switch = GOOD + [f"{6846 + i / 60:.5f} {14.35 + 0.001 * i:.3f} " for i in range(20)]
    path = _write_isslive(tmp_path, switch)
    before = path.read_bytes()
    for unit in (None, "mmHg", "psi"):
        with pytest.raises(TelemetryError, match=r"switch from mmHg .* to psi") as info:
            read_isslive(path, 2018, "elapsed", unit=unit)
        err = info.value
        assert (err.file, err.row, err.column) == (path.name, 21, "value")
    assert path.read_bytes() == before
    # one glitch in the other range is not a switch (cleaning removes glitches)
    ok = read_isslive(_write_isslive(tmp_path, [*GOOD[:10], "6845.2 14.3 ", *GOOD[10:]]),
                      2018, "elapsed")
    assert len(ok) == 21 and set(ok["unit"]) == {"mmHg"}


def test_unit_switch_in_a_wide_csv_column(tmp_path):
    t = pd.date_range("2020-01-01", periods=12, freq="min", tz="UTC")
    vals = [742.0] * 6 + [14.3] * 6
    path = tmp_path / "wide.csv"
    pd.DataFrame({"time": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "USLAB000058": vals}).to_csv(
        path, index=False)
    with pytest.raises(TelemetryError, match="line 8, column 'value'"):
        read_csv_telemetry(path, "wide")


@pytest.mark.parametrize(("line", "year", "convention", "bad"), [
    ("9000 742.0", 2018, "elapsed", True),    # 2018 has 8760 h
    ("8783.5 742.0", 2019, "elapsed", True),
    ("8783.5 742.0", 2020, "elapsed", False),  # leap year: 8784 h
    ("-3 742.0", 2018, "elapsed", True),
    ("10 742.0", 2018, "gmt_doy", True),       # day 001 starts at 24 h
    ("8783.5 742.0", 2018, "gmt_doy", False),  # GMT day 365, 23:30
    ("8784.5 742.0", 2018, "gmt_doy", True),   # GMT day 366 does not exist in 2018
])
def test_hours_outside_the_year(tmp_path, line, year, convention, bad):
    path = _write_isslive(tmp_path, [*GOOD[:4], line])
    if bad:
        with pytest.raises(TelemetryError, match="outside the year") as info:
            read_isslive(path, year, convention)
        assert (info.value.file, info.value.row, info.value.column) == (path.name, 5, "hours")
    else:
        assert len(read_isslive(path, year, convention)) == 5


@pytest.mark.parametrize(("kwargs", "word"), [
    ({"year": "2018"}, "'year'"), ({"year": 1969}, "'year'"),
    ({"day_convention": "doy"}, "day_convention"), ({"unit": "bar"}, "'unit'"),
])
def test_reader_arguments_are_checked(tmp_path, kwargs, word):
    path = _write_isslive(tmp_path, GOOD)
    args = {"year": 2018, "day_convention": "elapsed", **kwargs}
    with pytest.raises(TelemetryError, match=word):
        read_isslive(path, args.pop("year"), args.pop("day_convention"), **args)


def test_nul_byte_is_an_error(tmp_path):
    path = _write_isslive(tmp_path, [*GOOD[:3], "6845.1\x00 742.0"])
    with pytest.raises(TelemetryError, match="NUL") as info:
        read_isslive(path, 2018, "elapsed")
    assert info.value.row == 4


def _frozen(n, value, start="2020-01-01"):
    from prkanalysis.telemetry import make_frame
    from prkanalysis.telemetry.schema import PRK_PRESSURE

    t = pd.Timestamp(start, tz="UTC").value + np.arange(n) * 60_000_000_000
    return make_frame(t, PRK_PRESSURE, np.full(n, float(value)), "mmHg")


def test_frozen_gauge_through_clean_and_fit_is_no_variation():
    from prkanalysis.errors import InsufficientDataError
    from prkanalysis.telemetry import fit_segments, make_frame
    from prkanalysis.telemetry.schema import PRK_HATCH

    hatch = make_frame(np.array([pd.Timestamp("2020-01-01", tz="UTC").value]), PRK_HATCH,
                       np.array([1.0]), "1")
    df = pd.concat([_frozen(500, 700.0), hatch], ignore_index=True)
    cleaned, _ = clean(df)
    with pytest.raises(InsufficientDataError, match="no variation"):
        fit_segments(cleaned, 5.0, 295.0)


def test_frozen_segment_beside_a_real_one_gets_no_k():
    from prkanalysis.telemetry import fit_segments

    # SIMULATED: a leaking closed segment, then the gauge freezes for a second closure
    sim, _ = simulate(duration_days=4, rate_hz=0.01, closed_days=2, leak_k_per_day=0.15,
                          seed=3)
    fits_real = fit_segments(sim, 5.0, 295.15)
    assert np.isfinite(fits_real["k_per_day"]).all()
    pressure = sim[sim["channel"] == "prk_pressure"]
    frozen = pressure.copy()
    frozen["time"] = frozen["time"] + pd.Timedelta(days=10)
    frozen["value"] = float(pressure["value"].iloc[0])
    hatch = sim[sim["channel"] != "prk_pressure"].copy()
    hatch2 = hatch.copy()
    hatch2["time"] = hatch2["time"] + pd.Timedelta(days=10)
    both = pd.concat([sim, frozen, hatch2], ignore_index=True).sort_values(
        "time", kind="stable").reset_index(drop=True)
    both.attrs.update(sim.attrs)
    with pytest.warns(RuntimeWarning, match="frozen"):
        fits = fit_segments(both, 5.0, 295.15)
    late = fits["start"] >= pressure["time"].iloc[0] + pd.Timedelta(days=10)
    assert late.any() and fits.loc[late, "k_per_day"].isna().all()
    assert np.isfinite(fits.loc[~late, "k_per_day"]).all()


def test_writer_and_frame_arguments_are_checked(tmp_path):
    from prkanalysis.telemetry import make_frame

    with pytest.raises(TelemetryError, match="'path'"):
        read_csv_telemetry(None)  # type: ignore[arg-type]
    with pytest.raises(TelemetryError, match="1 time"):
        make_frame(np.array([0]), "prk_pressure", np.array([1.0, 2.0]), "mmHg")
    with pytest.raises(TelemetryError, match="'time'"):
        make_frame(["yesterday"], "prk_pressure", np.array([1.0]), "mmHg")
    df = make_frame(np.array([0, 10**9]), "prk_pressure", np.array([700.0, 699.0]), "mmHg")
    write_parquet(df, tmp_path / "p")
    with pytest.raises(TelemetryError, match="'start'"):
        read_parquet(tmp_path / "p", start="not a date")
