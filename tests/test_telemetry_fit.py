"""Per-segment decay fits: statsmodels equality, physics identities, SIMULATED coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.signal import lfilter

from prkanalysis.errors import InsufficientDataError, TelemetryError
from prkanalysis.telemetry import (
    air_mass_kg,
    clean,
    fit_arrays,
    fit_segments,
    newey_west_lags,
    simulate,
    simulate_arrays,
)
from prkanalysis.telemetry.fit import M_AIR, R_GAS


@pytest.fixture(scope="module")
def ar_segments():
    rng = np.random.default_rng(11)
    sizes = [40, 257, 1000, 3]
    seg = np.repeat(np.arange(len(sizes)), sizes)
    t = np.concatenate([np.arange(k) * 10.0 + 1e6 * i for i, k in enumerate(sizes)])
    e = lfilter([1.0], [1.0, -0.7], rng.normal(0, 1e-3, seg.size))
    y = 6.5 - 2e-6 * t + e
    return t, y, seg


@pytest.mark.parametrize("use_correction", [True, False])
@pytest.mark.parametrize("maxlags", [None, 0, 9])
def test_hac_equals_statsmodels(ar_segments, use_correction, maxlags):
    t, y, seg = ar_segments
    out = fit_arrays(t, y, seg, cov="NW", maxlags=maxlags, use_correction=use_correction)
    for s in range(3):
        m = seg == s
        lags = int(out["maxlags"][s])
        if maxlags is None:
            assert lags == newey_west_lags(m.sum())
        res = sm.OLS(y[m], sm.add_constant(t[m])).fit(
            cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": use_correction})
        assert out["slope"][s] == pytest.approx(res.params[1], rel=1e-8)
        assert out["se"][s] == pytest.approx(res.bse[1], rel=1e-8)
    assert np.isfinite(out["slope"][3])  # 3 samples = the minimum for a slope and its SE


def test_ols_equals_statsmodels_and_min_samples(ar_segments):
    t, y, seg = ar_segments
    out = fit_arrays(t, y, seg, cov="ols", min_samples=4)
    for s in range(3):
        m = seg == s
        res = sm.OLS(y[m], sm.add_constant(t[m])).fit()
        assert out["slope"][s] == pytest.approx(res.params[1], rel=1e-10)
        assert out["se"][s] == pytest.approx(res.bse[1], rel=1e-8)
        assert out["resid_sd"][s] == pytest.approx(np.sqrt(res.scale), rel=1e-8)
    assert np.isnan(out["slope"][3]) and out["n"][3] == 3


def test_fit_arrays_unsorted_ids_and_negative_ids(ar_segments):
    t, y, seg = ar_segments
    ref = fit_arrays(t, y, seg)
    perm = np.random.default_rng(0).permutation(3)
    blocks = [np.flatnonzero(seg == s) for s in perm]
    idx = np.concatenate([*blocks, np.array([0, 1])])
    sid = np.concatenate([seg[b] for b in blocks] + [np.array([-1, -1])])
    out = fit_arrays(t[idx], y[idx], sid)
    assert out["segment_id"][:3].tolist() == [0, 1, 2]
    np.testing.assert_allclose(out["slope"][:3], ref["slope"][:3], rtol=1e-10)
    with pytest.raises(TelemetryError, match="lengths differ"):
        fit_arrays(t, y[:-1], seg)


def test_air_mass_identity():
    # m = p V M / (R T): one standard atmosphere, 1 m3, 295.15 K
    assert air_mass_kg(760.0, 1.0, 295.15) == pytest.approx(101325.0 * M_AIR / (R_GAS * 295.15))
    # physics.md 3.4: 0.001574 kg per m3 per mmHg at 22 C
    assert air_mass_kg(1.0, 1.0, 295.15) == pytest.approx(0.001574, abs=5e-7)


def test_noise_free_decay_exact():
    # SIMULATED, no noise and no quantisation: the fit returns k exactly
    df, truth = simulate(duration_days=6, rate_hz=0.01, closed_days=2, leak_k_per_day=0.3,
                         noise_mmhg=0.0, quant_step=0.0, seed=0)
    with pytest.warns(RuntimeWarning, match="exactly fitted segment"):
        fits = fit_segments(df, 5.0, 295.15)
    np.testing.assert_allclose(fits["k_per_day"], 0.3, rtol=1e-9)
    assert fits["k_se"].isna().all()  # an exact fit has no evidence-based interval
    m_ref = air_mass_kg(760.0, 5.0, 295.15)
    np.testing.assert_allclose(fits["kg_per_day"], 0.3 * m_ref, rtol=1e-9)
    np.testing.assert_allclose(truth.segments["kg_per_day"], 0.3 * m_ref, rtol=1e-12)
    assert fits.attrs["simulated"] is True


def test_mass_rate_round_trip_from_history():
    # 1.7 kg/day in the history -> k -> fitted kg/day at the same V, T, p_ref
    df, truth = simulate(duration_days=4, rate_hz=0.01, closed_days=2, leak_history=[
        ("2019-01-01", 1.7)], noise_mmhg=0.0, quant_step=0.0, seed=0)
    with pytest.warns(RuntimeWarning, match="exactly fitted"):
        fits = fit_segments(df, 5.0, 295.15)
    np.testing.assert_allclose(fits["kg_per_day"], 1.7, rtol=1e-9)
    np.testing.assert_allclose(truth.segments["kg_per_day"], 1.7, rtol=1e-12)


def test_volume_and_temperature_intervals_widen():
    df, _ = simulate(duration_days=4, rate_hz=0.01, closed_days=2, leak_k_per_day=0.2, seed=5)
    point = fit_segments(df, 5.0, 295.15)
    wide = fit_segments(df, (3.0, 8.0), (291.0, 299.0))
    assert (wide["kg_per_day_low"] < point["kg_per_day_low"]).all()
    assert (wide["kg_per_day_high"] > point["kg_per_day_high"]).all()
    assert (wide["kg_per_day_low"] < wide["kg_per_day"]).all()
    lo = point["k_low"] * air_mass_kg(760.0, 3.0, 299.0)
    np.testing.assert_allclose(wide["kg_per_day_low"], lo, rtol=1e-12)


def test_fit_segments_bad_input():
    df, _ = simulate(duration_days=2, rate_hz=0.01, closed_days=1, seed=5)
    with pytest.raises(TelemetryError, match="volume_m3"):
        fit_segments(df, -1.0, 295.15)
    bad = df.copy()
    i = bad.index[bad["channel"] == "prk_pressure"][5]
    bad.loc[i, "value"] = -3.0
    with pytest.raises(TelemetryError, match="pressure must be finite and > 0"):
        fit_segments(bad, 5.0, 295.15)
    with pytest.raises(InsufficientDataError):
        fit_segments(df[df["channel"] == "prk_hatch"], 5.0, 295.15)
    with pytest.raises(InsufficientDataError, match="no segment"):
        fit_segments(df, 5.0, 295.15, min_samples=10**6)
    # issue 11: min_samples=2 used to raise a KeyError; now one clear line
    for bad_ms in (2, 0, 2.5, True):
        with pytest.raises(TelemetryError, match=r"min_samples must be an integer >= 3"):
            fit_segments(df, 5.0, 295.15, min_samples=bad_ms)  # type: ignore[arg-type]
    with pytest.raises(TelemetryError, match="maxlags=5 applies only to cov='NW'"):
        fit_segments(df, 5.0, 295.15, maxlags=5)
    with pytest.raises(TelemetryError, match="corr_time_s must be a finite time"):
        fit_segments(df, 5.0, 295.15, corr_time_s=-60.0)
    with pytest.raises(TelemetryError, match="corr_time_s applies only to cov='HAC'"):
        fit_segments(df, 5.0, 295.15, cov="NW", corr_time_s=60.0)
    with pytest.raises(TelemetryError, match="cov must be one of"):
        fit_segments(df, 5.0, 295.15, cov="HC0")  # type: ignore[arg-type]


@pytest.mark.slow
def test_hac_coverage_over_seeds():
    """95 % intervals cover the true k at close to nominal rate (SIMULATED, AR(1) noise)."""
    hits_hac: list[bool] = []
    hits_ols: list[bool] = []
    for seed in range(12):
        df, truth = simulate(duration_days=30, rate_hz=0.1, closed_days=2, leak_k_per_day=0.2,
                             ar1_phi=0.5, noise_mmhg=0.05, seed=100 + seed)
        out, _ = clean(df)
        k_true = truth.segments.set_index("start")["k_per_day"]
        for cov, hits in (("HAC", hits_hac), ("ols", hits_ols)):
            f = fit_segments(out, 5.0, 295.15, cov=cov)
            k = k_true.loc[f["start"]].to_numpy()
            hits.extend(((f["k_low"] < k) & (k < f["k_high"])).tolist())
    cov_hac, cov_ols = float(np.mean(hits_hac)), float(np.mean(hits_ols))
    print(f"coverage of 95% CI over {len(hits_hac)} segments: HAC {cov_hac:.3f}, OLS {cov_ols:.3f}")
    assert len(hits_hac) >= 150
    assert 0.88 <= cov_hac <= 0.99
    assert cov_ols < cov_hac  # iid errors understate the SE under AR(1) noise


def test_escalation_dated_by_breakpoints():
    """A simulated escalation is dated within the Bai (1997) interval from the k series."""
    models = pytest.importorskip("prkanalysis.models")
    history = [("2024-01-01", 0.45), ("2024-02-11", 1.09)]  # SIMULATED levels
    df, _truth = simulate(start="2024-01-01", duration_days=80, rate_hz=0.005, closed_days=1,
                         open_hours=0.5, leak_history=history, noise_mmhg=1.0, ar1_phi=0.9,
                         seed=3)
    out, _ = clean(df)
    fits = fit_segments(out, 5.0, 295.15)
    bp = models.breakpoints(fits["k_per_day"].to_numpy(), h=0.15, max_breaks=3)
    assert bp.n_breaks == 1
    lo, b, hi = bp.confint()[0]
    true_b = int((fits["start"] < pd.Timestamp("2024-02-11", tz="UTC")).sum())
    assert lo <= true_b <= hi
    # the first segment after the break starts on the escalation date (within a cycle)
    first_new = fits["start"].iloc[b]
    assert abs(first_new - pd.Timestamp("2024-02-11", tz="UTC")) <= pd.Timedelta(days=1.1)


def test_simulator_inflow_and_temperature_closed_forms():
    """Noise-free SIMULATED pressure equals the closed forms of the module docstring."""
    k, kin, p_st, t0_k, amp = 0.3, 0.05, 760.0, 295.15, 1.0
    t, p, h, _ = simulate_arrays(duration_days=3, rate_hz=0.001, closed_days=3, open_hours=0,
                                 leak_k_per_day=k, inflow_k_per_day=kin, station_mmhg=p_st,
                                 noise_mmhg=0.0, quant_step=0.0)
    tau = (t - t[0]) / 86400e9
    p_eq = kin * p_st / (k + kin)
    np.testing.assert_allclose(p, p_eq + (p_st - p_eq) * np.exp(-(k + kin) * tau), rtol=1e-12)
    assert (h == 1).all()
    t2, p2, _, _ = simulate_arrays(duration_days=3, rate_hz=0.001, closed_days=3, open_hours=0,
                                   leak_k_per_day=k, temp_amplitude_k=amp, start="2020-01-01",
                                   noise_mmhg=0.0, quant_step=0.0)
    swing = 1.0 + amp / t0_k * np.sin(2 * np.pi * (t2 / 1e9) / 86400.0)
    np.testing.assert_allclose(p2, p_st * np.exp(-k * tau) * swing, rtol=1e-9)


@pytest.mark.parametrize("cov", ["NW", "ols"])
def test_long_and_short_segments_equal_statsmodels(cov):
    # segments of >= 4096 samples go through fit_segment, shorter ones through reduceat
    from prkanalysis.telemetry.fit import _LONG_SEGMENT

    rng = np.random.default_rng(5)
    sizes = [40, _LONG_SEGMENT + 904, 3, 2 * _LONG_SEGMENT, 700]
    seg = np.repeat(np.arange(len(sizes)), sizes)
    t = np.concatenate([np.arange(k) * 1.0 + 1e7 * i for i, k in enumerate(sizes)])
    e = lfilter([1.0], [1.0, -0.5], rng.normal(0, 1e-3, seg.size))
    y = 6.5 - 3e-6 * t + e
    out = fit_arrays(t, y, seg, cov=cov)
    for s in (0, 1, 3, 4):
        m = seg == s
        kw = {"cov_type": "HAC", "cov_kwds": {"maxlags": int(out["maxlags"][s]),
                                              "use_correction": True}} if cov == "NW" else {}
        res = sm.OLS(y[m], sm.add_constant(t[m] - t[m][0])).fit(**kw)
        assert out["slope"][s] == pytest.approx(res.params[1], rel=1e-8)
        assert out["se"][s] == pytest.approx(res.bse[1], rel=1e-8)
        assert out["intercept"][s] == pytest.approx(y[m].mean(), rel=1e-12)
        assert out["t_mean"][s] == pytest.approx(t[m].mean(), rel=1e-12)
    assert out["n"].tolist() == sizes
    assert np.isfinite(out["slope"][2])
    # the one-segment core equals the vectorised sums on the same long segment
    from prkanalysis.telemetry.fit import _fit_short, fit_segment

    m = seg == 1
    one = fit_segment(t[m], y[m], cov=cov)
    vec = _fit_short(t[m], y[m], np.array([0]), cov, None, True)
    for k in ("slope", "se", "se_ols", "resid_sd", "df"):
        assert one[k] == pytest.approx(vec[k][0], rel=1e-10)
    assert one["maxlags"] == vec["maxlags"][0]


def test_fit_segment_bad_input_and_tiny():
    from prkanalysis.telemetry.fit import fit_segment

    with pytest.raises(TelemetryError, match="lengths differ"):
        fit_segment(np.arange(5.0), np.arange(4.0))
    with pytest.raises(TelemetryError, match="cov must be"):
        fit_segment(np.arange(5.0), np.arange(5.0), cov="white")  # type: ignore[arg-type]
    r = fit_segment(np.arange(2.0), np.arange(2.0))
    assert np.isnan(r["slope"]) and r["n"] == 2


def test_fit_arrays_ignores_anything_outside_segments():
    from prkanalysis.telemetry.fit import _LONG_SEGMENT

    rng = np.random.default_rng(8)
    sizes = [50, _LONG_SEGMENT + 10, 7, 300]
    seg = np.repeat(np.arange(len(sizes)), sizes)
    t = np.arange(seg.size, dtype=np.float64)
    y = 6.5 - 1e-5 * t + rng.normal(0, 1e-4, t.size)
    ref = fit_arrays(t, y, seg)
    # -1 stretches with NaN values between and around the segments
    gaps = np.array([0, 50, 50 + sizes[1], seg.size])
    t2 = np.insert(t, np.repeat(gaps, 3), -1.0)
    y2 = np.insert(y, np.repeat(gaps, 3), np.nan)
    s2 = np.insert(seg, np.repeat(gaps, 3), -1)
    out = fit_arrays(t2, y2, s2)
    for k in ("segment_id", "n", "t_first", "t_last", "slope", "se", "intercept", "maxlags"):
        np.testing.assert_allclose(out[k], ref[k], rtol=1e-12)
    y2[np.flatnonzero(s2 == 1)[5]] = np.inf
    with pytest.raises(TelemetryError, match="non-finite"):
        fit_arrays(t2, y2, s2)
    y2[np.flatnonzero(s2 == 1)[5]] = 0.0
    y2[np.flatnonzero(s2 == 2)[3]] = np.nan
    with pytest.raises(TelemetryError, match="non-finite"):
        fit_arrays(t2, y2, s2)


# --- correlation-time HAC (prkanalysis.telemetry.hac) ----------------------------------------


def _ar1_plus_white(n: int, tau: float, sd_ar: float, sd_white: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    phi = np.exp(-1.0 / tau)
    ar = lfilter([1.0], [1.0, -phi], rng.normal(0, sd_ar * np.sqrt(1 - phi**2), n))
    return ar + rng.normal(0, sd_white, n)


@pytest.mark.parametrize("tau", [5.0, 60.0])
def test_efold_time_ignores_white_noise(tau):
    """AR(1) + white noise: gamma(j)/gamma(1) = phi^(j-1), so the e-folding lag is tau."""
    from prkanalysis.telemetry.hac import efold_time

    e = _ar1_plus_white(200_000, tau, 1.0, 1.0, seed=int(tau))
    assert efold_time(e - e.mean()) == pytest.approx(tau, rel=0.1)
    white = np.random.default_rng(3).normal(size=5000)
    assert efold_time(white - white.mean()) < 1.0


def test_prewhitened_lrv_matches_ar1_long_run_variance():
    """Var(sum e) of AR(1) + white noise is n (s_ar^2 (1+phi)/(1-phi) + s_w^2) (identity)."""
    from prkanalysis.telemetry.hac import efold_time, prewhitened_lrv

    n, tau = 400_000, 40.0
    phi = np.exp(-1.0 / tau)
    e = _ar1_plus_white(n, tau, 1.0, 0.5, seed=7)
    true = n * ((1 + phi) / (1 - phi) + 0.25)
    lrv, df, m, _ = prewhitened_lrv(e - e.mean(), efold_time(e - e.mean()))
    # block-level AR(1) + Bartlett leans conservative (about +20 % here), never far below
    assert 0.9 * true < lrv < 1.3 * true
    assert m == int(tau // 2) or abs(m - tau / 2) <= 3
    assert 10 < df < n
    # the Newey-West rule-of-thumb lag sees a fraction of it
    from prkanalysis.telemetry.hac import bartlett_sum

    nw = bartlett_sum(e - e.mean(), float(newey_west_lags(n) + 1))
    assert nw < 0.5 * true


def test_hac_known_time_and_df_in_fit_segments():
    """corr_time_s sets the block length; k_low/k_high use t(k_df); NW df = 1.5 n/(L+1)."""
    df, _ = simulate(duration_days=4, rate_hz=1 / 60, closed_days=2, open_hours=1.0,
                     leak_k_per_day=0.2, ar1_phi=np.exp(-1 / 60), noise_mmhg=0.2, seed=4)
    fits = fit_segments(df, 5.0, 295.15, corr_time_s=3600.0)
    np.testing.assert_allclose(fits["corr_time_s"], 3600.0, rtol=1e-9)
    from scipy import stats

    q = stats.t.ppf(0.975, fits["k_df"])
    np.testing.assert_allclose(fits["k_high"] - fits["k_per_day"], q * fits["k_se"], rtol=1e-12)
    assert (fits["k_df"] < fits["n"] - 2).all()
    nw = fit_segments(df, 5.0, 295.15, cov="NW")
    np.testing.assert_allclose(nw["k_df"], np.minimum(1.5 * nw["n"] / (nw["maxlags"] + 1),
                                                      nw["n"] - 2), rtol=1e-12)
    ols = fit_segments(df, 5.0, 295.15, cov="ols")
    np.testing.assert_allclose(ols["k_df"], ols["n"] - 2)
    assert ols["corr_time_s"].isna().all()
    # hour-scale memory: the HAC interval is wider than the rule-of-thumb one
    assert (fits["k_se"] > nw["k_se"]).all()


def test_fit_arrays_hac_equals_fit_segment_per_segment(ar_segments):
    """The all-segments path gives each segment exactly the one-segment core's numbers."""
    from prkanalysis.telemetry.fit import fit_segment

    t, y, seg = ar_segments
    out = fit_arrays(t, y, seg)
    for s in range(4):
        m = seg == s
        one = fit_segment(t[m], y[m])
        for k in ("slope", "se", "df", "corr_time_s", "maxlags"):
            assert out[k][s] == one[k] or (np.isnan(out[k][s]) and np.isnan(one[k]))


def test_andrews_bartlett_bandwidth_reference_values():
    """methods-2 section 2.2 (Derived, single AR(1) series): S_T Bartlett for (rho, T)."""
    from prkanalysis.telemetry.hac import bartlett_bandwidth_ar1

    for rho, n, ref in ((0.5, 100, 6.4365), (0.9, 100, 23.789), (0.5, 1000, 13.867)):
        assert bartlett_bandwidth_ar1(rho, n) == pytest.approx(ref, rel=1e-4)


def test_bartlett_lrv_df_matches_simulated_variance():
    """SIMULATED white noise: Var(LRV_hat)/LRV^2 is about (4/3) S/n, i.e. df = 1.5 n/S."""
    from prkanalysis.telemetry.hac import bartlett_sum, lrv_df

    rng = np.random.default_rng(12)
    n, s = 2000, 20.0
    est = np.array([bartlett_sum(rng.normal(size=n), s) / n for _ in range(600)])
    rel_var = float(np.var(est))  # true LRV per sample is 1
    assert rel_var == pytest.approx(2.0 / lrv_df(n, s), rel=0.2)


def test_frozen_gauge_is_no_variation_not_no_leak():
    """Issue 11: a constant (frozen) pressure never reads as k = 0 with zero uncertainty."""
    df, _ = simulate(duration_days=4, rate_hz=0.01, closed_days=2, leak_k_per_day=0.2,
                     seed=6)
    prs = (df["channel"] == "prk_pressure").to_numpy()
    frozen = df.copy()
    frozen.loc[prs, "value"] = 700.0
    with pytest.raises(InsufficientDataError, match="no variation"):
        fit_segments(frozen, 5.0, 295.15)
    # one frozen segment among live ones: its k is NaN, the others are untouched
    ref = fit_segments(df, 5.0, 295.15)
    part = df.copy()
    first_seg = prs & (part["time"] <= ref["end"].iloc[0]).to_numpy()
    part.loc[first_seg, "value"] = 700.0
    with pytest.warns(RuntimeWarning, match="1 segment.s. with constant pressure"):
        out = fit_segments(part, 5.0, 295.15)
    assert np.isnan(out["k_per_day"].iloc[0]) and np.isnan(out["k_high"].iloc[0])
    np.testing.assert_allclose(out["k_per_day"].iloc[1:], ref["k_per_day"].iloc[1:], rtol=1e-12)


def test_partitioned_pipeline_passes_corr_time_and_df(tmp_path):
    """run_pipeline_fast (partitioned) equals the in-memory fit with a given corr_time_s."""
    from prkanalysis.telemetry import write_parquet
    from prkanalysis.telemetry.scale import compare_fits, run_pipeline_fast, run_pipeline_memory

    df, _ = simulate(start="2019-09-20", duration_days=20, rate_hz=1 / 60, closed_days=3,
                     open_hours=1.0, leak_k_per_day=0.2, ar1_phi=np.exp(-1 / 30),
                     noise_mmhg=0.2, seed=9)
    path = write_parquet(df, tmp_path)
    mem = run_pipeline_memory(path, 5.0, 295.15, corr_time_s=1800.0)
    fast = run_pipeline_fast(path, 5.0, 295.15, corr_time_s=1800.0, workers=1)
    assert list(fast.columns) == list(mem.columns)
    rel = compare_fits(mem, fast)
    assert max(rel.values()) < 1e-9
    np.testing.assert_allclose(fast["corr_time_s"], 1800.0, rtol=1e-9)


def test_public_functions_check_their_arguments():
    """Issue 11: each bad argument gets one project error naming it (no raw numpy/pandas)."""
    from prkanalysis.errors import PrkError
    from prkanalysis.telemetry.fit import fit_segment

    df, _ = simulate(duration_days=2, rate_hz=0.01, closed_days=1, seed=5)
    cases = [
        (lambda: fit_segments("x", 5.0, 295.15), "'df'"),  # type: ignore[arg-type]
        (lambda: fit_segments(df, "x", 295.15), "volume_m3"),  # type: ignore[arg-type]
        (lambda: fit_segments(df, 5.0, (290.0, np.nan)), "temperature_k"),
        (lambda: fit_segments(df, 5.0, 295.15, level="x"), "'level'"),  # type: ignore[arg-type]
        (lambda: fit_segments(df, 5.0, 295.15, level=1.0), "'level'"),
        (lambda: fit_segments(df, 5.0, 295.15, gap_s=-1.0), "'gap_s'"),
        (lambda: fit_segments(df, 5.0, 295.15, ref_pressure_mmhg=0.0), "ref_pressure_mmhg"),
        (lambda: air_mass_kg("x", 1.0, 295.0), "p_mmhg"),  # type: ignore[arg-type]
        (lambda: air_mass_kg(760.0, -1.0, 295.0), "volume_m3"),
        (lambda: newey_west_lags("x"), "'n'"),  # type: ignore[arg-type]
        (lambda: newey_west_lags(-5), "'n'"),
        (lambda: fit_arrays(3.0, np.arange(3.0), np.zeros(3)), "t_s"),  # type: ignore[arg-type]
        (lambda: fit_arrays(np.arange(3.0), "abc", np.zeros(3)), "logp"),  # type: ignore[arg-type]
        (lambda: fit_arrays(np.arange(3.0), np.arange(3.0), [0, 0.5, 1]), "seg_id"),
        (lambda: fit_segment(np.zeros((2, 2)), np.zeros(4)), "t_s"),
    ]
    for call, name in cases:
        with pytest.raises(PrkError, match=name):
            call()
