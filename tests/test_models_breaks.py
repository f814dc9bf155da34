"""Structural-change routines against published references, brute force and simulation.

References: strucchange 1.5-4 saved outputs (Nile, Longley) as collected in the project's
methods notes; tolerances: RSS rel 1e-6, published statistics abs 5e-4, integers exact.
"""

from __future__ import annotations

import doctest
import itertools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import integrate

import prkanalysis.models._linalg as linalg_mod
import prkanalysis.models.breaks as breaks_mod
from prkanalysis.errors import InsufficientDataError
from prkanalysis.models import (
    argmax_v_cdf,
    argmax_v_quantile,
    breakpoints,
    chow_test,
    segment_rss_matrix,
    sup_bessel_pvalue,
    sup_f_test,
)
from prkanalysis.models._linalg import coef_table
from prkanalysis.models.breaks import sup_bessel_tail


@pytest.fixture(scope="module")
def nile() -> pd.Series:
    s = sm.datasets.nile.load_pandas().data["volume"].astype(float)
    s.index = pd.RangeIndex(1871, 1971)
    return s


@pytest.fixture(scope="module")
def longley() -> tuple[np.ndarray, np.ndarray]:
    d = sm.datasets.longley.load_pandas()
    X = sm.add_constant(d.exog[["YEAR", "GNPDEFL", "GNP", "ARMED"]]).to_numpy()
    return d.endog.to_numpy() / 1000, X


# ----------------------------------------------------------------------------- Nile DP

NILE_RSS = [2835157, 1597457, 1552924, 1538097, 1507888, 1659994]
NILE_BREAKS = {
    0: (),
    1: (28,),
    2: (28, 83),
    3: (28, 68, 83),
    4: (28, 45, 68, 83),
    5: (15, 30, 45, 68, 83),
}
NILE_BIC = [1318, 1270, 1276, 1285, 1292, 1311]


def test_nile_breakpoints_table(nile):
    bp = breakpoints(nile)
    assert bp.h == 15
    assert bp.breaks == (28,)
    assert list(bp.rss.index) == [0, 1, 2, 3, 4, 5]
    for m, ref in enumerate(NILE_RSS):
        # published RSS are printed to the unit
        assert abs(bp.rss[m] - ref) <= 0.5 + 1e-6 * ref
        assert bp.breaks_for(m) == NILE_BREAKS[m]
        assert round(bp.bic[m]) == NILE_BIC[m]
    assert bp.bic[0] == pytest.approx(1318.24, abs=5e-3)
    assert bp.bic[1] == pytest.approx(1270.08, abs=5e-3)
    assert bp.bic[2] == pytest.approx(1276.47, abs=5e-3)
    assert bp.breakdates() == [1898]
    assert bp.breakdates(2) == [1898, 1953]
    assert "BIC choice" in bp.summary() and "28" in repr(bp)


def test_nile_confint_and_segments(nile):
    bp = breakpoints(nile)
    assert bp.confint() == [(25, 28, 32)]
    lo, b, hi = bp.confint()[0]
    assert (nile.index[lo - 1], nile.index[b - 1], nile.index[hi - 1]) == (1895, 1898, 1902)
    np.testing.assert_allclose(bp.segment_means(), [1097.75, 849.972222], rtol=1e-7)
    coefs = bp.coefficients()
    assert coefs["n"].tolist() == [28, 72]
    assert bp.fitted()[:28] == pytest.approx(1097.75)
    hac = bp.coefficients(cov="HAC")
    assert (hac["se0"] > 0).all() and not np.allclose(hac["se0"], coefs["se0"])
    assert bp.confint(m=0) == []
    with pytest.raises(ValueError):
        bp.breaks_for(6)


def test_nile_step_dummy_shift(nile):
    """Derived reference: OLS on the step dummy, shift -247.78 (SE 28.435)."""
    d = (np.arange(100) >= 28).astype(float)
    t = coef_table(nile.to_numpy(), np.c_[np.ones(100), d])
    assert t.params[1] == pytest.approx(-247.78, abs=5e-3)
    assert t.bse[1] == pytest.approx(28.435, abs=5e-3)
    assert t.bse[0] == pytest.approx(24.128, abs=5e-3)


# ------------------------------------------------------------------------ F-type tests


def test_nile_supf(nile):
    r = sup_f_test(nile)
    assert r.statistic == pytest.approx(75.93, abs=5e-3)
    assert r.statistic == pytest.approx(75.9298, abs=5e-4)
    assert r.argmax == 28
    assert r.candidates[0] == 15 and r.candidates[-1] == 85
    assert r.pvalue < 1e-10
    assert r.ave_f == pytest.approx(21.215, abs=5e-4)
    assert r.exp_f == pytest.approx(33.759, abs=5e-4)
    assert r.fstats.size == 71
    assert "sup-F" in r.summary()


def test_longley_chow(longley):
    y, X = longley
    r = chow_test(y, X, split=7)
    assert r.statistic == pytest.approx(3.9268, abs=5e-4)
    assert r.pvalue == pytest.approx(0.06307, abs=5e-5)
    assert r.df == (5, 6)
    assert r.wald == pytest.approx(5 * r.statistic)
    assert r.rss0 == pytest.approx(4.8987, abs=5e-4)
    assert r.rss1 == pytest.approx(1.1466, abs=5e-4)
    # independent route: nested F test on the interacted design
    d = (np.arange(16) >= 7).astype(float)[:, None]
    full = sm.OLS(y, np.c_[X * (1 - d), X * d]).fit()
    f, p, _df = full.compare_f_test(sm.OLS(y, X).fit())
    assert r.statistic == pytest.approx(f, rel=1e-9) and r.pvalue == pytest.approx(p, rel=1e-9)


def test_chow_nile_known_date(nile):
    r = chow_test(nile, None, 28)
    assert r.statistic == pytest.approx(75.93, abs=5e-3)
    assert r.df == (1, 98)
    assert r.pvalue == pytest.approx(7.44e-14, rel=5e-3)


def test_supf_equals_max_of_chow_wald():
    rng = np.random.default_rng(11)
    n = 60
    X = np.c_[np.ones(n), np.arange(n) / 10, rng.normal(size=n)]
    y = X @ [1.0, 0.3, -0.5] + rng.normal(size=n)
    r = sup_f_test(y, X, trim=0.2)
    wald = [chow_test(y, X, b).wald for b in r.candidates]
    np.testing.assert_allclose(r.fstats, wald, rtol=1e-8)
    assert r.candidates[0] == 12 and r.candidates[-1] == 48


def test_sup_bessel_pvalue_andrews_and_tail():
    # Andrews (1993) table: pi0 = 0.15, one restriction, 5 % critical value 8.68
    assert 0.04 < sup_bessel_pvalue(8.68, 1, 0.15, 0.85) < 0.06
    assert sup_bessel_pvalue(3.0, 1, 0.15, 0.85) > 0.5
    # analytic tail and simulation agree where both apply (p around 1-2 %)
    sims = breaks_mod._bessel_simulation(2, 0.15, 0.85)[0]
    for x in (14.0, 15.5):
        mc = (sims >= x).mean()
        assert sup_bessel_tail(x, 2, 0.15, 0.85) == pytest.approx(mc, rel=0.2)
    # monotone decreasing in x
    ps = [sup_bessel_pvalue(x, 3, 0.1, 0.9) for x in (5, 10, 15, 20, 40)]
    assert all(a > b for a, b in itertools.pairwise(ps))


def test_supf_size_under_null():
    """Seeded simulation, no break: rejection rate at 5 % close to nominal."""
    rej = []
    for seed in range(200):
        rng = np.random.default_rng(1000 + seed)
        y = 5 + rng.normal(size=100)
        rej.append(sup_f_test(y).pvalue < 0.05)
    rate = float(np.mean(rej))
    print(f"sup-F empirical size at 5 %: {rate:.3f}")
    assert 0.01 <= rate <= 0.10


# ------------------------------------------------------------- DP versus brute force


def _brute_force(y, X, h, m):
    n = len(y)
    best = (math.inf, ())
    for bps in itertools.combinations(range(h, n - h + 1), m):
        edges = [0, *bps, n]
        if min(b - a for a, b in itertools.pairwise(edges)) < h:
            continue
        rss = 0.0
        for a, b in itertools.pairwise(edges):
            beta = np.linalg.lstsq(X[a:b], y[a:b], rcond=None)[0]
            rss += float(np.sum((y[a:b] - X[a:b] @ beta) ** 2))
        if rss < best[0]:
            best = (rss, bps)
    return best


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dp_matches_brute_force_with_regressors(seed):
    rng = np.random.default_rng(seed)
    n = 36
    t = np.arange(n, dtype=float)
    X = np.c_[np.ones(n), t, rng.normal(size=n)]
    y = X @ [1.0, 0.1, 0.5] + 2.0 * (t >= 12) - 0.15 * t * (t >= 25) + rng.normal(size=n)
    bp = breakpoints(y, X, h=5, max_breaks=2)
    for m in (1, 2):
        rss, bps = _brute_force(y, X, 5, m)
        assert bp.breaks_for(m) == bps
        assert bp.rss[m] == pytest.approx(rss, rel=1e-9)


def test_segment_rss_matrix_badly_scaled():
    rng = np.random.default_rng(4)
    n = 50
    years = 1871.0 + np.arange(n)
    X = np.c_[np.ones(n), years, years**2 / 1e3]
    y = 1e4 + 3 * years + rng.normal(scale=50, size=n)
    R = segment_rss_matrix(y, X, h=5)
    for i, j in [(0, n), (0, 5), (7, 19), (30, 50), (12, 40)]:
        beta = np.linalg.lstsq(X[i:j], y[i:j], rcond=None)[0]
        direct = float(np.sum((y[i:j] - X[i:j] @ beta) ** 2))
        assert R[i, j] == pytest.approx(direct, rel=1e-7, abs=1e-9 * R[0, n])
    assert np.isinf(R[3, 7])


def test_dp_large_series_runs():
    rng = np.random.default_rng(9)
    y = rng.normal(size=1000)
    y[400:] += 1.0
    y[700:] -= 1.5
    bp = breakpoints(y, max_breaks=5)
    assert bp.max_breaks == 5
    assert bp.breaks == pytest.approx((400, 700), abs=5)


# ----------------------------------------------------------------- Bai (1997) argmax V


def _argmax_cdf_numeric(x: float, xi: float, phi: float) -> float:
    """P(argmax V <= x), x < 0, by 2-D integration of the drifted-Brownian path law."""
    c = xi / phi
    a = abs(x) / 4

    def dens(z, s):
        w = 2 * s - z
        return 2 * w / (math.sqrt(2 * math.pi) * a**1.5) * math.exp(-w * w / (2 * a) - z - a / 2)

    p1 = integrate.dblquad(
        lambda z, s: math.exp(-2 * (s - z)) * dens(z, s), 0, 30, -30, lambda s: s
    )[0]
    cc = 2 * c
    p2 = integrate.dblquad(
        lambda z, s: math.exp(-cc * z) * 2 / (2 + cc) * math.exp(-(2 + cc) * (s - z)) * dens(z, s),
        0,
        30,
        -30,
        lambda s: s,
    )[0]
    return p1 - p2


@pytest.mark.parametrize(("xi", "phi"), [(1.0, 1.0), (0.5, 3.0), (1.7, 0.4)])
def test_argmax_v_cdf_against_integration(xi, phi):
    for x in (-0.5, -4.0):
        assert argmax_v_cdf(x, xi, phi) == pytest.approx(_argmax_cdf_numeric(x, xi, phi), abs=1e-8)
    # x > 0 through the mirror image
    xm = 2.0
    mirror = 1 - _argmax_cdf_numeric(-xm * xi * xi / phi, phi / xi * 1.0, 1.0)
    assert argmax_v_cdf(xm, xi, phi) == pytest.approx(mirror, abs=1e-8)


def test_argmax_v_cdf_properties():
    xs = np.concatenate([np.linspace(-60, 60, 121), [-3000.0, 3000.0]])
    xs.sort()
    for xi, phi in [(1, 1), (2, 0.5), (0.3, 4), (13, 1)]:
        g = np.array([argmax_v_cdf(x, xi, phi) for x in xs])
        assert np.all(np.diff(g) >= -1e-12)
        assert g[0] < 1e-3 and g[-1] > 1 - 1e-3
    assert argmax_v_cdf(-7.7) + argmax_v_cdf(7.7) == pytest.approx(1.0, abs=1e-12)
    # symmetric case: the classical 97.5 % point is about 11.0 (Bai 1994)
    assert argmax_v_quantile(0.975) == pytest.approx(11.03, abs=0.01)
    q = argmax_v_quantile(0.1, 2.0, 0.7)
    assert argmax_v_cdf(q, 2.0, 0.7) == pytest.approx(0.1, abs=1e-10)


# ------------------------------------------------------- simulated ground truth (seeded)


def _simulate(seed, n, bps, deltas, sig=(1.0,)):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    X = np.c_[np.ones(n), x]
    b = np.array([0.0, 1.0])
    y = np.empty(n)
    edges = [0, *bps, n]
    for i, (a, c) in enumerate(itertools.pairwise(edges)):
        if i > 0:
            b = b + np.asarray(deltas[i - 1])
        y[a:c] = X[a:c] @ b + rng.normal(scale=sig[min(i, len(sig) - 1)], size=c - a)
    return y, X


@pytest.mark.parametrize(
    ("label", "n", "bps", "deltas", "sig"),
    [
        ("one break", 120, (48,), ((1.5, 1.5),), (1.0,)),
        ("one break, unequal variances", 120, (48,), ((2.5, 2.5),), (1.0, 3.0)),
        ("two breaks", 150, (50, 100), ((1.5, 1.5), (-1.5, 1.0)), (1.0,)),
    ],
)
def test_simulated_recovery_and_ci_coverage(label, n, bps, deltas, sig):
    reps = 300
    covered = np.zeros((reps, len(bps)), dtype=bool)
    close = np.zeros(reps, dtype=bool)
    chosen = np.zeros(reps, dtype=bool)
    for seed in range(reps):
        y, X = _simulate(seed, n, bps, deltas, sig)
        bp = breakpoints(y, X, h=0.15, max_breaks=len(bps) + 1)
        est = bp.breaks_for(len(bps))
        close[seed] = max(abs(e - t) for e, t in zip(est, bps, strict=True)) <= 3
        chosen[seed] = bp.n_breaks == len(bps)
        ci = bp.confint(len(bps))
        covered[seed] = [lo <= t <= hi for (lo, _, hi), t in zip(ci, bps, strict=True)]
    cov = covered.mean(axis=0)
    print(
        f"{label}: 95 % Bai CI coverage {np.round(cov, 3).tolist()}, "
        f"|error| <= 3 in {close.mean():.3f}, BIC picks m={len(bps)} in {chosen.mean():.3f}"
    )
    assert np.all((cov >= 0.88) & (cov <= 0.99))
    assert close.mean() >= 0.8
    assert chosen.mean() >= 0.85


# ------------------------------------------------------------------------- HAC helper


def test_hac_matches_statsmodels():
    rng = np.random.default_rng(2)
    n = 80
    X = np.c_[np.ones(n), np.arange(n) / n]
    e = np.convolve(rng.normal(size=n + 3), [1, 0.6, 0.3, 0.1], "valid")
    y = X @ [2.0, -1.0] + e
    ours = coef_table(y, X, cov="HAC", maxlags=4)
    ref = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 4, "use_correction": True})
    np.testing.assert_allclose(ours.bse, ref.bse, rtol=1e-8)
    classic = coef_table(y, X)
    np.testing.assert_allclose(classic.bse, sm.OLS(y, X).fit().bse, rtol=1e-9)


# ----------------------------------------------------------------------------- errors


def test_errors():
    y = np.arange(30, dtype=float) % 7
    with pytest.raises(InsufficientDataError, match="NaN"):
        breakpoints(np.r_[y[:-1], np.nan])
    with pytest.raises(InsufficientDataError, match="rows"):
        breakpoints(y, np.ones((29, 1)))
    with pytest.raises(InsufficientDataError, match="singular"):
        breakpoints(y, np.c_[np.ones(30), np.ones(30)])
    with pytest.raises(InsufficientDataError, match="exceed"):
        breakpoints(y, np.c_[np.ones(30), np.arange(30)], h=2)
    with pytest.raises(InsufficientDataError):
        sup_f_test(y, trim=0.6)
    with pytest.raises(InsufficientDataError, match="k \\+ 1"):
        sup_f_test(y[:10], np.c_[np.ones(10), np.arange(10)], trim=0.15)
    with pytest.raises(InsufficientDataError, match="split"):
        chow_test(y, None, 0)
    with pytest.raises(InsufficientDataError, match="2k"):
        chow_test(y[:4], np.c_[np.ones(4), np.arange(4)], 2)
    with pytest.raises(ValueError, match="level"):
        breakpoints(y + np.arange(30), h=5).confint(level=1.5)
    with pytest.raises(InsufficientDataError):
        breakpoints([1.0])
    with pytest.raises(ValueError):
        coef_table(y, np.ones((30, 1)), cov="robust")  # type: ignore[arg-type]


def test_breakpoints_max_breaks_capped():
    y = np.r_[np.zeros(10), np.ones(10), np.zeros(10)] + np.linspace(0, 0.1, 30)
    bp = breakpoints(y, h=10, max_breaks=5)
    assert bp.max_breaks == 2
    assert bp.breaks_for(2) == (10, 20)


def test_doctests_of_structural_change_modules():
    import prkanalysis.models.cusum as cusum_mod
    import prkanalysis.models.segmented as seg_mod

    for mod in (linalg_mod, breaks_mod, cusum_mod, seg_mod):
        res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
        assert res.failed == 0, mod.__name__
        assert res.attempted > 0, mod.__name__


def _dense_partitions(y, X, h, mmax):
    """The former programme: the full (n + 1)^2 RSS matrix, argmin over it per layer."""
    n = len(y)
    R = segment_rss_matrix(y, X, h)
    F = R[0].copy()
    back, parts = [], {}
    for m in range(1, mmax + 1):
        tot = F[:, None] + R
        arg = np.argmin(tot, axis=0)
        F = tot[arg, np.arange(n + 1)]
        back.append(arg)
        j, found = n, []
        for mm in range(m, 0, -1):
            j = int(back[mm - 1][j])
            found.append(j)
        parts[m] = tuple(sorted(found))
    return parts


@pytest.mark.parametrize("seed", range(9))
def test_streamed_programme_equals_the_dense_one(seed):
    # SIMULATED series (integer-valued ones have exact ties): same partition for every m
    rng = np.random.default_rng(seed)
    n = int(rng.integers(60, 300))
    k = 1 + seed % 2
    y = (rng.integers(0, 3, size=n).astype(float) if seed % 3 == 0
         else rng.normal(size=n) + (np.arange(n) > n // 2))
    X = None if k == 1 else np.c_[np.ones(n), np.arange(n) / n]
    h = max(k + 1, n // 10)
    mmax = min(5, n // h - 1)
    bp = breakpoints(y, X, h=h, max_breaks=mmax)
    ref = _dense_partitions(y, X, h, mmax)
    assert {m: bp.partitions[m] for m in ref} == ref
