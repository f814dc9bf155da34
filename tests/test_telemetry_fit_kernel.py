"""The compiled per-segment fit (kernels.fit) against the NumPy formulation it replaced.

The oracle below is the NumPy implementation of ``fit_segment`` (``"HAC"``, ``"NW"``,
``"ols"``) and of the ``hac`` functions it used, kept verbatim: einsum dot products, FFT
autocovariances. The compiled loops sum in another order, so floating-point results agree to
rounding (asserted to 1e-10 relative; a slope near zero relative to its standard error), and
the integer results (lag span, block length) exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import lfilter

from prkanalysis.telemetry import fit_arrays, hac
from prkanalysis.telemetry.fit import fit_segment, newey_west_lags
from prkanalysis.telemetry.kernels import fit as kfit

# --------------------------------------------------------------------------------------------
# The oracle: the NumPy implementation
# --------------------------------------------------------------------------------------------

_E_INV = float(np.exp(-1.0))


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.einsum("i,i->", a, b))


def _autocov_sums(z: np.ndarray, max_lag: int) -> np.ndarray:
    n = z.size
    max_lag = int(min(max_lag, n - 1))
    if max_lag < 0:
        return np.zeros(0)
    if max_lag <= 4 or (max_lag <= 32 and n > 65536):
        return np.array([_dot(z, z)] + [_dot(z[j:], z[:-j]) for j in range(1, max_lag + 1)])
    nfft = 1 << int(np.ceil(np.log2(2 * n)))
    f = np.fft.rfft(z, nfft)
    return np.fft.irfft(f * np.conj(f), nfft)[: max_lag + 1]


def _efold_from(g: np.ndarray, full: bool) -> float | None:
    if g.size < 3 or not g[1] > 0:
        return 0.0
    r = g[1:] / g[1]
    below = np.flatnonzero(r < _E_INV)
    if below.size == 0:
        return float(g.size - 2) if full else None
    i = int(below[0])
    l0, l1 = np.log(r[i - 1]), np.log(max(r[i], 1e-300))
    return float((i - 1) + (l0 + 1.0) / (l0 - l1))


def _efold_iterated(g0: np.ndarray, n: int) -> float | None:
    k = g0.size - 1
    full = k >= n - 1
    c = 0.0
    tau = _efold_from(g0, full)
    for _ in range(2):
        if tau is None:
            return None
        m = int(min(n - 1, max(3.0 * tau, 3.0)))
        if m > k:
            return None
        lrv = max(g0[0] + 2.0 * (float(np.sum(g0[1 : m + 1])) + m * c), g0[0])
        c = 1.0 * lrv / n
        tau = _efold_from(g0 + c, full)
    return tau


def _efold_time(e: np.ndarray) -> tuple[float, int]:
    """The e-folding time and the lags it read: 32 (dot products) or all (FFT)."""
    z = np.asarray(e, dtype=np.float64)
    n = z.size
    if n < 4:
        return 0.0, 0
    k = min(32, n - 1) if n > 65536 else n - 1
    tau = _efold_iterated(_autocov_sums(z, k) / n, n)
    if tau is None:
        k = n - 1
        tau = _efold_iterated(_autocov_sums(z, n - 1) / n, n)
    return (float(tau) if tau is not None else float(n - 2)), k


def _andrews(v: np.ndarray) -> float:
    n = v.size
    if n < 3:
        return 1.0
    a = v - v.mean()
    den = _dot(a[:-1], a[:-1])
    if not den > 0:
        return 1.0
    r = float(np.clip(_dot(a[1:], a[:-1]) / den, -0.99, 0.99))
    alpha1 = 4.0 * r * r / (1.0 - r * r) ** 2
    return max(1.0, float(1.1447 * (alpha1 * n) ** (1.0 / 3.0)))


def _bartlett_sum(v: np.ndarray, s: float) -> float:
    c = _autocov_sums(v, int(np.ceil(s)) - 1)
    j = np.arange(1, c.size)
    return float(c[0] + 2.0 * np.sum((1.0 - j / s) * c[1:]))


def _lrv_df(n_rows: int, bandwidth: float, rho: float = 0.0) -> float:
    v = 4.0 / 3.0 * bandwidth / n_rows
    if rho != 0.0:
        v += 4.0 * (1.0 + rho) / (n_rows * (1.0 - rho))
    return 2.0 / v


def _prewhitened_lrv(u: np.ndarray, tau: float) -> tuple[float, float, int, float]:
    n = u.size
    m = int(max(1, min(np.floor(tau / 2.0), n // 8)))
    nb = n // m
    big = u[: nb * m].reshape(nb, m).sum(axis=1) if m > 1 else u
    if nb * m < n:
        big = np.r_[big, u[nb * m :].sum()]
        nb += 1
    if nb < 3:
        return float(_dot(big, big)), 1.0, m, 1.0
    den = _dot(big[:-1], big[:-1])
    rho = float(np.clip(_dot(big[1:], big[:-1]) / den, -0.97, 0.97)) if den > 0 else 0.0
    v = big[1:] - rho * big[:-1]
    s = _andrews(v)
    lrv = _bartlett_sum(v, s) / (1.0 - rho) ** 2 * nb / (nb - 1)
    return max(lrv, 0.0), _lrv_df(nb, s, rho), m, s


def oracle(t: np.ndarray, y: np.ndarray, cov: str = "HAC", maxlags: int | None = None,
           use_correction: bool = True, corr_time_s: float | None = None) -> dict[str, float]:
    """``fit_segment`` as it was in NumPy (plus the lags its e-folding time read)."""
    t = np.asarray(t, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = int(t.size)
    lags = 0
    if cov == "NW":
        lags = int(newey_west_lags(n)) if maxlags is None else int(maxlags)
        lags = min(lags, max(n - 1, 0))
    t_mean = float(t.sum() / n) if n else float("nan")
    y_mean = float(y.sum() / n) if n else float("nan")
    out: dict[str, float] = {"n": n, "slope": np.nan, "intercept": y_mean, "t_mean": t_mean,
                             "se": np.nan, "se_ols": np.nan, "resid_sd": np.nan,
                             "maxlags": lags, "df": np.nan, "corr_time_s": np.nan,
                             "efold_lags": 0}
    dof = n - 2
    if n < 3 or not (np.isfinite(t_mean) and np.isfinite(y_mean)):
        return out
    x = t - t_mean
    e = y - y_mean
    sxx = _dot(x, x)
    slope = _dot(x, e) / sxx
    e -= slope * x
    sse = _dot(e, e)
    var_ols = sse / dof / sxx
    df = float(dof)
    if cov == "ols":
        var = var_ols
    elif cov == "NW":
        u = x * e
        s_hac = _dot(u, u)
        for lag in range(1, lags + 1):
            s_hac += 2.0 * (1.0 - lag / (lags + 1.0)) * _dot(u[lag:], u[:-lag])
        var = s_hac / sxx**2
        if use_correction:
            var = var * n / dof
        df = min(df, _lrv_df(n, lags + 1.0))
    else:
        dt = float(t[-1] - t[0]) / (n - 1)
        if corr_time_s is None:
            tau, out["efold_lags"] = _efold_time(e)
        else:
            tau = float(corr_time_s) / dt if dt > 0 else 0.0
        u = x * e
        lrv, df_lrv, block, bw = _prewhitened_lrv(u, tau)
        var = lrv / sxx**2
        if use_correction:
            var = var * n / dof
        df = min(df, df_lrv)
        out["maxlags"] = int(block * (np.ceil(bw) - 1))
        out["corr_time_s"] = float(tau * dt)
        out["block"] = block
    with np.errstate(invalid="ignore"):
        out.update(slope=slope, se=float(np.sqrt(var)), se_ols=float(np.sqrt(var_ols)),
                   resid_sd=float(np.sqrt(sse / dof)), df=df)
    return out


# --------------------------------------------------------------------------------------------
# Data and comparison
# --------------------------------------------------------------------------------------------

RTOL = 1e-10
_FLOAT_KEYS = ("intercept", "t_mean", "se", "se_ols", "resid_sd", "df", "corr_time_s")


def segment(n: int, dt: float, phi: float, seed: int, *, quant: float = 0.101,
            noise: float = 0.05, k_per_day: float = 0.15, t_start: float = 3.1e7,
            ) -> tuple[np.ndarray, np.ndarray]:
    """SIMULATED decay ``p = 760 exp(-k t)`` + AR(1) noise, quantised; ``(t_s, log p)``."""
    rng = np.random.default_rng(seed)
    t = t_start + dt * np.arange(n)
    e = lfilter([1.0], [1.0, -phi], rng.normal(0.0, noise, n)) if phi else rng.normal(
        0.0, noise, n)
    p = 760.0 * np.exp(-k_per_day / 86400.0 * (t - t_start)) + e
    if quant:
        p = np.round(p / quant) * quant
    return t, np.log(p)


def assert_same(new: dict[str, float], ref: dict[str, float]) -> None:
    """Floats to 1e-10 relative (the slope relative to its size or its OLS error), ints."""
    for k in _FLOAT_KEYS:
        a, b = float(new[k]), float(ref[k])
        if np.isnan(b):
            assert np.isnan(a), k
        else:
            assert a == pytest.approx(b, rel=RTOL, abs=0.0), (k, a, b)
    scale = max(abs(ref["slope"]), ref["se_ols"]) if np.isfinite(ref["se_ols"]) else 0.0
    if np.isnan(ref["slope"]):
        assert np.isnan(new["slope"])
    else:
        assert abs(new["slope"] - ref["slope"]) <= RTOL * scale, (new["slope"], ref["slope"])
    assert new["maxlags"] == ref["maxlags"]
    assert isinstance(new["maxlags"], int)
    assert new["n"] == ref["n"]


def both(t: np.ndarray, y: np.ndarray, **kw: object) -> tuple[dict[str, float], dict]:
    return fit_segment(t, y, **kw), oracle(t, y, **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dt", [1.0, 60.0])
@pytest.mark.parametrize("n", [3, 4, 5, 9, 10, 33, 100, 1000, 65536, 65537, 200_000, 700_000])
def test_hac_matches_numpy_on_ar1_quantised_segments(monkeypatch, n, dt):
    calls = []
    more_lags = kfit.more_lags
    monkeypatch.setattr(kfit, "more_lags", lambda *a: calls.append(a[1]) or more_lags(*a))
    t, y = segment(n, dt, 0.3, seed=n, k_per_day=0.15 * min(1.0, 7 * 86400 / (n * dt)))
    new, ref = both(t, y)
    assert_same(new, ref)
    if n >= 1000:  # the fast path: lags 0..8 decided the correlation time; no blocks
        assert calls == [] and ref["block"] == 1 and ref["corr_time_s"] / dt < 8 / 3


@pytest.mark.parametrize("n", [5, 100, 5000, 100_000])
def test_white_noise(n):
    rng = np.random.default_rng(n)
    t = np.arange(n) * 1.0
    y = 6.6 + rng.normal(0.0, 1e-4, n)
    new, ref = both(t, y)
    assert_same(new, ref)
    assert new["corr_time_s"] < 1.0


@pytest.mark.parametrize(("n", "phi", "lags"), [
    (100_000, np.exp(-1 / 6.0), 32),   # e-folding point beyond lag 8: the 32-lag pass
    (100_000, np.exp(-1 / 300.0), -1),  # beyond lag 32: all lags (FFT)
    (20_000, np.exp(-1 / 6.0), 32),  # short segments: the oracle's FFT of all lags
    (20_000, np.exp(-1 / 300.0), -1),
    (3000, 0.9999, -1),  # a random walk: no e-folding point at all (tau = n - 2)
])
def test_strongly_correlated_noise_uses_the_longer_lag_passes(monkeypatch, n, phi, lags):
    calls = {"more_lags": [], "fft": 0}
    more_lags, autocov = kfit.more_lags, hac.autocov_sums

    def counting_more_lags(z, k, out):
        calls["more_lags"].append(k)
        return more_lags(z, k, out)

    def counting_autocov(z, max_lag):
        calls["fft"] += 1
        return autocov(z, max_lag)

    monkeypatch.setattr(kfit, "more_lags", counting_more_lags)
    monkeypatch.setattr(hac, "autocov_sums", counting_autocov)
    t, y = segment(n, 1.0, phi, seed=int(n * phi), quant=0.0)
    new, ref = both(t, y)
    assert_same(new, ref)
    assert calls["more_lags"] == [kfit.MORE_LAGS]
    if lags == 32:
        assert calls["fft"] == 0 and ref["efold_lags"] == (32 if n > 65536 else n - 1)
    else:
        assert calls["fft"] == 1
    assert ref["block"] > 1


def test_corr_time_given_and_block_sums():
    t, y = segment(50_000, 60.0, np.exp(-1 / 20.0), seed=4)
    for corr in (0.0, 30.0, 120.0, 600.0, 3600.0, 7200.0, 1e6):
        new, ref = both(t, y, corr_time_s=corr)
        assert_same(new, ref)
    assert ref["block"] == 50_000 // 8


def test_bartlett_sum_beyond_the_direct_lags_uses_the_fft(monkeypatch):
    # strongly correlated scores, no blocks (corr_time_s = 0): many Bartlett lags
    calls = []
    bartlett = hac.bartlett_sum

    def counting(v, s):
        calls.append(s)
        return bartlett(v, s)

    monkeypatch.setattr(hac, "bartlett_sum", counting)
    t, y = segment(200_000, 1.0, np.exp(-1 / 2000.0), seed=5, quant=0.0)
    new, ref = both(t, y, corr_time_s=0.0)
    assert_same(new, ref)
    assert len(calls) == 1 and np.ceil(calls[0]) - 1 > kfit.DIRECT_LAGS
    t, y = segment(200_000, 1.0, np.exp(-1 / 200.0), seed=6, quant=0.0)
    new, ref = both(t, y, corr_time_s=0.0)
    assert_same(new, ref)
    assert kfit.BARTLETT_LAGS < ref["maxlags"] <= kfit.DIRECT_LAGS and len(calls) == 1


@pytest.mark.parametrize("maxlags", [None, 0, 1, 9, 40])
@pytest.mark.parametrize("n", [3, 50, 5000, 100_000])
def test_newey_west_and_ols(n, maxlags):
    t, y = segment(n, 10.0, 0.6, seed=7)
    for use_correction in (True, False):
        new, ref = both(t, y, cov="NW", maxlags=maxlags, use_correction=use_correction)
        assert_same(new, ref)
    new, ref = both(t, y, cov="ols")
    assert_same(new, ref)
    new, ref = both(t, y, use_correction=False)
    assert_same(new, ref)


def test_constant_and_exactly_linear_segments():
    t = np.arange(10_000) * 1.0
    for y in (np.full(t.size, np.log(760.0)), 6.6 - 1e-6 * t):
        new, ref = both(t, y)
        assert new["intercept"] == pytest.approx(ref["intercept"], rel=1e-15)
        assert new["t_mean"] == pytest.approx(ref["t_mean"], rel=1e-15)
        # residuals are rounding only: every estimate of the noise is ~0 in both
        for k in ("se", "se_ols", "resid_sd"):
            assert new[k] < 1e-14 and ref[k] < 1e-14
        assert new["slope"] == pytest.approx(ref["slope"], abs=1e-16)


def test_non_finite_and_tiny_inputs():
    t = np.arange(50) * 1.0
    y = np.full(50, 6.0)
    y[7] = np.nan
    for cov in ("HAC", "NW", "ols"):
        new, ref = both(t, y, cov=cov)
        assert np.isnan(new["slope"]) and np.isnan(new["se"]) and np.isnan(new["intercept"])
        assert new["maxlags"] == ref["maxlags"]
        assert new["t_mean"] == pytest.approx(ref["t_mean"], rel=1e-15)
    for n in (0, 1, 2):
        new, ref = both(np.arange(n) * 1.0, np.ones(n))
        assert np.isnan(new["slope"]) and new["n"] == n
        assert np.isnan(new["t_mean"]) == np.isnan(ref["t_mean"])


def test_int64_times_and_strided_inputs():
    t_s, y = segment(100_001, 1.0, 0.3, seed=8)
    t_ns = 1_600_000_000_000_000_000 + np.round((t_s - t_s[0]) * 1e9).astype(np.int64) + 17
    t0 = 1_590_000_000_123_456_789
    ref = oracle((t_ns - t0) / 1e9, y)
    r = kfit.fit_core(t_ns, t0, 1e9, y, kfit.COV_CODES["HAC"], 0, True, -1.0)
    new = {"n": y.size, **dict(zip(("slope", "intercept", "t_mean", "se", "se_ols", "resid_sd",
                                    "maxlags", "df", "corr_time_s"), r, strict=True))}
    new["maxlags"] = int(new["maxlags"])
    assert_same(new, ref)
    # a strided (non-contiguous) view, and float times with an origin and a divisor
    new, ref = both(t_s[::3], y[::3])
    assert_same(new, ref)
    r2 = kfit.fit_core(t_s * 1e3, t_s[0] * 1e3, 1e3, y, 0, 0, True, -1.0)
    ref2 = oracle((t_s * 1e3 - t_s[0] * 1e3) / 1e3, y)
    assert r2[3] == pytest.approx(ref2["se"], rel=RTOL)
    assert r2[6] == ref2["maxlags"]


def test_fit_arrays_uses_the_same_fits():
    t, y = segment(30_000, 1.0, 0.3, seed=9)
    seg = np.repeat([0, 1, 2], 10_000)
    out = fit_arrays(t, y, seg)
    for s in range(3):
        ref = oracle(t[seg == s], y[seg == s])
        assert out["se"][s] == pytest.approx(ref["se"], rel=RTOL)
        assert out["maxlags"][s] == ref["maxlags"]


@pytest.mark.parametrize("n", [1, 5, 20, 40, 2100, 5000])
def test_lag_sums_match_dot_products(n):
    z = np.random.default_rng(n).normal(size=n)
    for k0, k1 in ((0, 0), (0, 8), (3, 3), (9, 32), (0, 40), (5, 22)):
        out = np.full(k1 + 1, np.nan)
        kfit.lag_sums(z, k0, k1, out)
        ref = [float(z[k:] @ z[: n - k]) if k < n else 0.0 for k in range(k0, k1 + 1)]
        np.testing.assert_allclose(out[k0:], ref, rtol=1e-12, atol=1e-12 * n)
        assert np.all(np.isnan(out[:k0]))


@pytest.mark.parametrize("cov", ["HAC", "NW", "ols"])
def test_infinite_and_overflowing_values_as_numpy(cov):
    t = np.arange(100.0)
    rng = np.random.default_rng(1)
    with np.errstate(all="ignore"):
        for y in (np.r_[np.ones(99), -np.inf], np.r_[np.ones(50), np.inf, np.ones(49)],
                  rng.normal(size=100) * 1e300):
            new, ref = both(t, y, cov=cov)
            for k in ("slope", "intercept", "t_mean", "se", "se_ols", "resid_sd", "df"):
                a, b = float(new[k]), float(ref[k])
                assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=RTOL), k
            assert new["maxlags"] == ref["maxlags"]


def test_equal_times_give_nan_not_an_error():
    # the NumPy formulation divided a Python float by sum x^2 = 0 (ZeroDivisionError)
    with np.errstate(all="ignore"):
        r = fit_segment(np.full(50, 7.0), np.random.default_rng(2).normal(size=50))
    assert np.isnan(r["slope"]) and np.isnan(r["se"]) and r["t_mean"] == 7.0
