"""Telemetry cleaning and segmentation against SIMULATED ground truth and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from prkanalysis.errors import TelemetryError
from prkanalysis.telemetry import (
    CODES,
    clean,
    clean_arrays,
    codes_table,
    segments,
    simulate,
)
from prkanalysis.telemetry.clean import DROP_MASK, GLITCH, REORDERED


@pytest.fixture(scope="module")
def messy():
    # SIMULATED: 30 days at 0.1 Hz, 4-day closed segments, defects injected
    return simulate(duration_days=30, rate_hz=0.1, closed_days=4, open_hours=0.25,
                    leak_k_per_day=0.25, n_glitches=25, n_stale=3, n_gaps=3, seed=7)


def _tol(truth):
    return pd.Timedelta(seconds=1.5 / truth.params["rate_hz"])


def test_simulated_is_labelled(messy):
    df, truth = messy
    assert df.attrs["simulated"] and truth.simulated
    assert set(df["label"]) == {"SIMULATED"}
    assert "SIMULATED" in repr(truth) and "SIMULATED" in truth.summary()


def test_audit_accounts_for_every_row(messy):
    df, _ = messy
    out, audit = clean(df)
    assert audit.rows_in == len(df)
    assert audit.rows_out == len(out)
    assert audit.rows_in == audit.rows_out + audit.dropped
    assert set(audit.counts["code"]) == {c for c, _, _ in CODES.values()}
    assert len(codes_table()) == len(CODES)
    assert "rows in" in audit.summary()


def test_glitches_recovered(messy):
    df, truth = messy
    out, audit = clean(df)
    p = df[df["channel"] == "prk_pressure"]
    ns = "datetime64[ns]"
    kept = set(out.loc[out["channel"] == "prk_pressure", "time"].to_numpy(ns).view(np.int64))
    removed = set(p["time"].to_numpy(ns).view(np.int64)) - kept
    g = set(truth.glitch_times.tolist())
    assert len(g) >= 20
    assert g <= removed  # every true glitch dropped
    # nothing else dropped as a glitch: glitch count equals truth
    assert audit.n("glitch", "prk_pressure") == len(g)


def test_stale_and_gaps_match_truth(messy):
    df, truth = messy
    _, audit = clean(df)
    tol = _tol(truth)
    assert len(audit.stale) == len(truth.stale) == 3
    for (_, s), (_, t) in zip(audit.stale.iterrows(), truth.stale.iterrows(), strict=True):
        # a frozen run may start a few samples early when the value happened to repeat
        assert t["start"] - pd.Timedelta(minutes=10) <= s["start"] <= t["start"] + tol
        assert abs(s["end"] - t["end"]) <= tol
    gaps = audit.gaps[audit.gaps["channel"] == "prk_pressure"]
    long_gaps = gaps[gaps["duration_s"] > 1.5 * 3600]
    assert len(long_gaps) == len(truth.gaps) == 3
    for (_, g), (_, t) in zip(long_gaps.iterrows(), truth.gaps.iterrows(), strict=True):
        assert abs(g["start"] + tol / 1.5 - t["start"]) <= tol
        assert abs(g["end"] - tol / 1.5 - t["end"]) <= tol


def test_segments_from_hatch_match_truth(messy):
    df, truth = messy
    out, _ = clean(df)
    seg = segments(out)
    ts = truth.segments
    assert (seg["source"] == "hatch").all()
    assert len(seg) == len(ts)
    tol = _tol(truth)
    assert (abs(seg["start"] - ts["start"]) <= tol).all()
    assert (abs(seg["end"] - ts["end"]) <= tol).all()
    # the clean removed glitches/stale samples, so counts are at most the truth's
    assert (seg["n_samples"] <= ts["n_samples"]).all()


def test_segments_from_pressure_cover_truth(messy):
    df, truth = messy
    out, audit = clean(df)
    seg = segments(out, use_hatch=False, pressure_method="steps")
    assert (seg["source"] == "pressure").all()
    open_tol = pd.Timedelta(hours=truth.params["open_hours"]) + _tol(truth)
    ts = truth.segments
    # every refill is found: each true segment starts within the open interval of one
    for start in ts["start"].iloc[1:]:
        assert (abs(seg["start"] - start) <= open_tol).any()
    # every detected segment lies inside one true segment (plus its leading open interval)
    for _, s in seg.iterrows():
        inside = (ts["start"] - open_tol <= s["start"]) & (s["end"] <= ts["end"] + _tol(truth))
        assert inside.sum() == 1
    # the extra splits are the gaps (stale runs leave gaps once dropped)
    n_gaps = int((audit.gaps["channel"] == "prk_pressure").sum())
    assert len(seg) == len(ts) + n_gaps


def test_record_history_simulation_runs():
    _df, truth = simulate(start="2024-01-01", duration_days=150, rate_hz=0.002,
                          leak_history="record", closed_days=5, seed=1)
    k = truth.segments.set_index("start")["kg_per_day"]
    # levels follow data/leak_rates.csv LR10 (2.4 lb/day) and LR11 (3.7 lb/day)
    assert k.loc[:"2024-01-31"].round(3).unique().tolist() == [0.454]
    assert np.allclose(k.loc["2024-02-05":"2024-03-25"], 2.4 * 0.45359237)
    assert np.allclose(k.loc["2024-04-05":"2024-05-25"], 3.7 * 0.45359237)


def _frame(t_s, v, channel="prk_pressure", unit="mmHg"):
    return pd.DataFrame({
        "time": pd.to_datetime(np.asarray(t_s) * 10**9, utc=True),
        "channel": channel, "value": np.asarray(v, dtype=float), "unit": unit,
    })


def test_non_monotonic_clock_reject_and_repair():
    t = np.array([0, 10, 20, 15, 30, 40, 50, 60, 70, 80, 90, 100])
    v = 730.0 - np.arange(t.size) * 0.1
    df = _frame(t, v)
    with pytest.raises(TelemetryError, match=r"channel prk_pressure, row 3, column 'time'"):
        clean(df, clock="reject")
    out, audit = clean(df, clock="repair")
    assert out["time"].is_monotonic_increasing
    assert audit.channels["n_backward"].iloc[0] == 1
    assert audit.n("reordered") >= 1
    assert (out["qc"] & REORDERED).any()
    assert audit.rows_in == audit.rows_out + audit.dropped


def test_duplicates_collisions_nan():
    t = np.array([0, 10, 10, 20, 20, 30, 40, 50, 60, 70])
    v = np.array([730, 729.9, 729.9, 729.8, 729.0, np.nan, 729.6, 729.5, 729.4, 729.3])
    out, audit = clean(_frame(t, v))
    assert audit.n("duplicate") == 1
    assert audit.n("time_collision") == 1
    assert audit.n("nan") == 1
    assert len(out) == 7 and out["value"].notna().all()


def test_unknown_channel_and_nan_time():
    with pytest.raises(TelemetryError, match="unknown channel 'prk_gauge'"):
        clean(_frame([0, 1], [1.0, 2.0], channel="prk_gauge"))
    df = _frame([0, 1], [1.0, 2.0])
    df.loc[1, "time"] = pd.NaT
    with pytest.raises(TelemetryError, match=r"row 1, column 'time': missing time"):
        clean(df)


def test_clean_arrays_glitch_needs_agreeing_neighbours():
    rng = np.random.default_rng(0)
    n = 2000
    t = np.arange(n, dtype=np.int64) * 10**9
    v = np.round((700 + rng.normal(0, 0.05, n)) / 0.101) * 0.101
    v[500] += 3.0            # single glitch
    v[1000:1002] += 3.0      # two-sample excursion: not a single-sample glitch
    v[1500:] += 60.0         # refill step, not a glitch
    out = clean_arrays(t, v)
    g = np.flatnonzero(out["flags"] & GLITCH)
    assert g.tolist() == [500]
    assert np.flatnonzero(out["flags"] & 128).tolist() == [1500]
    assert out["step"] == pytest.approx(0.101, rel=1e-6)
    assert not (out["flags"][1000:1002] & DROP_MASK).any()


def _messy_arrays(seed=11, days=6.0):
    from prkanalysis.telemetry import simulate_arrays

    # SIMULATED: 0.2 Hz with glitches, frozen stretches and gaps
    t, v, _, _ = simulate_arrays(duration_days=days, rate_hz=0.2, closed_days=1.5,
                                 leak_k_per_day=0.3, ar1_phi=0.3, n_glitches=40, n_stale=4,
                                 stale_s=1800.0, n_gaps=3, seed=seed)
    return t, v


def test_clean_arrays_given_step_and_scale_reproduce_estimates():
    t, v = _messy_arrays()
    ref = clean_arrays(t, v)
    out = clean_arrays(t, v, step=ref["step"], scale=ref["scale"])
    assert out["scale"] == ref["scale"] and out["step"] == ref["step"]
    assert np.array_equal(out["flags"], ref["flags"])
    assert (ref["flags"] & GLITCH).sum() > 0  # the test has something to agree on
    # a larger scale hides the glitches: the hook is really used
    big = clean_arrays(t, v, scale=100 * ref["scale"])
    assert not (big["flags"] & GLITCH).any()


def test_flag_arrays_on_windows_with_halo_equals_whole_series():
    from prkanalysis.telemetry import flag_arrays, pre_flags

    t, v = _messy_arrays(seed=12)
    ref = clean_arrays(t, v)
    s = ref["scale"]
    assert np.array_equal(flag_arrays(t, v, scale=s), ref["flags"])
    halo = 2000  # rows: > max(stale_min_s, gap_s) at 0.2 Hz
    for a, b in ((0, 20000), (20000, 50000), (50000, t.size)):
        lo, hi = max(a - halo, 0), min(b + halo, t.size)
        f = flag_arrays(t[lo:hi], v[lo:hi], scale=s)[a - lo : b - lo]
        assert np.array_equal(f, ref["flags"][a:b])
    assert np.array_equal(pre_flags(t, v), ref["flags"] & 7)


def test_flag_arrays_bad_input():
    from prkanalysis.telemetry import flag_arrays

    with pytest.raises(TelemetryError, match="times must be sorted"):
        flag_arrays(np.array([2, 1]), np.array([1.0, 2.0]), scale=0.1)
    with pytest.raises(TelemetryError, match="2 times but 1 values"):
        flag_arrays(np.array([1, 2]), np.array([1.0]), scale=0.1)


def _segments_by_definition(t, v, qc, ht, hv, split_gaps, min_samples, gap_s=3600.0):
    """Per-sample reference of segment_arrays: hatch state by a search per sample."""
    n = t.size
    start = np.zeros(n, dtype=bool)
    start[0] = True
    if split_gaps:
        start |= (qc & 64) != 0
    if ht is not None:
        j = np.searchsorted(ht, t, side="right") - 1
        closed = np.zeros(n, dtype=bool)
        closed[j >= 0] = hv[j[j >= 0]] == 1
        start[1:] |= closed[1:] & ~closed[:-1]
        seg = np.cumsum(start) - 1
        seg[~closed] = -1
    else:
        start |= (qc & 128) != 0
        seg = np.cumsum(start) - 1
    out = np.full(n, -1)
    ok = seg >= 0
    if ok.any():
        keep = np.bincount(seg[ok]) >= min_samples
        out[ok] = np.where(keep, np.cumsum(keep) - 1, -1)[seg[ok]]
    return out


@pytest.mark.parametrize("seed", range(6))
def test_segment_arrays_equals_per_sample_definition(seed, monkeypatch):
    from prkanalysis.telemetry import segment_arrays

    if seed % 3 == 0:  # the cumsum fill used for many segments
        import sys

        monkeypatch.setattr(sys.modules["prkanalysis.telemetry.segments"], "_FILL_LOOP_MAX", 0)

    rng = np.random.default_rng(seed)
    n = 30_000
    t = np.cumsum(rng.integers(0, 3, n)).astype(np.int64) * 10**9  # repeated times too
    v = 700.0 + rng.normal(0, 1, n)
    qc = np.where(rng.random(n) < 0.002, 64, 0) | np.where(rng.random(n) < 0.003, 128, 0)
    qc = qc.astype(np.uint16)
    # hatch rows: sparse, or flapping (> 10,000 closed ranges), with repeats and a NaN
    m = 200 if seed % 2 else 25_000
    ht = np.sort(rng.integers(t[0] - 5 * 10**9, t[-1] + 10**9, m)).astype(np.int64)
    hv = rng.integers(0, 2, m).astype(np.float64)
    hv[m // 2] = np.nan
    for split, min_samples in ((False, 1), (True, 3), (False, 10)):
        got = segment_arrays(t, v, qc=qc, hatch_t_ns=ht, hatch_v=hv, split_gaps=split,
                             min_samples=min_samples)
        ref = _segments_by_definition(t, v, qc, ht, hv, split, min_samples)
        assert np.array_equal(got, ref)
        got = segment_arrays(t, v, qc=qc, min_samples=min_samples, split_gaps=split)
        assert np.array_equal(got, _segments_by_definition(t, v, qc, None, None, split,
                                                           min_samples))
    assert segment_arrays(t, v, hatch_t_ns=t[-1:] + 1, hatch_v=np.ones(1)).max() == -1


def test_dropped_rows_do_not_shift_other_flags():
    # NaN rows between 5% of the samples: the other rows keep the flags of the series without
    t, v = _messy_arrays(seed=13)
    ref = clean_arrays(t, v)
    assert ref["order"] is None  # already in time order: no permutation built
    assert (ref["flags"] & GLITCH).any() and (ref["flags"] & 16).any()  # glitch and stale
    ins = np.sort(np.random.default_rng(3).choice(t.size - 1, t.size // 20, replace=False)) + 1
    t2 = np.insert(t, ins, t[ins - 1] + 1)  # 1 ns after the previous sample
    v2 = np.insert(v, ins, np.nan)
    out = clean_arrays(t2, v2, step=ref["step"], scale=ref["scale"])
    nan = np.isnan(v2)
    assert (out["flags"][nan] == 1).all()
    assert np.array_equal(out["flags"][~nan], ref["flags"])


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"glitch_k": -1}, "glitch_k"), ({"glitch_k": float("nan")}, "glitch_k"),
    ({"stale_min_s": 0}, "stale_min_s"), ({"stale_min_n": 1}, "stale_min_n"),
    ({"stale_min_n": 2.5}, "stale_min_n"), ({"gap_s": -5}, "gap_s"),
    ({"repress_min": -1}, "repress_min"), ({"repress_k": float("nan")}, "repress_k"),
    ({"clock": "bogus"}, "clock"),
])
def test_clean_rejects_bad_thresholds_by_name(kwargs, name):
    df = _frame(np.arange(20), 700.0 + np.arange(20) * 0.1)
    with pytest.raises(TelemetryError, match=name):
        clean(df, **kwargs)
    if name != "clock":
        with pytest.raises(TelemetryError, match=name):
            clean_arrays(np.arange(20) * 10**9, np.zeros(20), **kwargs)
