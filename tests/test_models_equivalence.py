"""TOST on a mean and on a regression slope: statsmodels agreement and the CI formulation."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

import prkanalysis.models.equivalence as eq
from prkanalysis.errors import InsufficientDataError
from prkanalysis.models.equivalence import tost_from_estimate, tost_mean, tost_slope
from prkanalysis.models.regression import ols_fit


def test_doctests() -> None:
    res = doctest.testmod(eq)
    assert res.attempted > 0 and res.failed == 0


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize(("low", "upp"), [(-0.5, 0.5), (-0.2, 0.6), (-1.0, 0.1)])
def test_tost_mean_matches_statsmodels(seed: int, low: float, upp: float) -> None:
    x = np.random.default_rng(seed).normal(0.1, 0.6, size=15)
    ours = tost_mean(x, low, upp)
    p, (_t1, p1, df1), (_t2, p2, df2) = DescrStatsW(x).ttost_mean(low, upp)
    assert ours.pvalue == pytest.approx(p, rel=1e-9)
    assert ours.p_low == pytest.approx(p1, rel=1e-9)
    assert ours.p_upp == pytest.approx(p2, rel=1e-9)
    assert ours.df == df1 == df2


def test_tost_mean_equivalent_iff_ci_inside() -> None:
    rng = np.random.default_rng(42)
    for _ in range(200):
        x = rng.normal(rng.uniform(-0.3, 0.3), 0.5, size=12)
        r = tost_mean(x, -0.4, 0.4, alpha=0.05)
        lo, hi = DescrStatsW(x).tconfint_mean(alpha=0.10)
        assert r.conf_int == pytest.approx((lo, hi), rel=1e-12)
        assert r.equivalent == (lo > -0.4 and hi < 0.4)


def test_tost_slope_formula_and_ci_equivalence() -> None:
    rng = np.random.default_rng(9)
    t = np.arange(40.0)
    for _ in range(100):
        y = 100 + rng.normal(0, 0.01) * t + rng.normal(0, 0.5, size=40)
        delta = 0.02
        r = tost_slope(t, y, delta)
        fit = ols_fit(y, t)
        b, se, df = fit.param("x1"), fit.se("x1"), fit.df_resid
        p_ref = max(stats.t.sf((b + delta) / se, df), stats.t.cdf((b - delta) / se, df))
        assert r.pvalue == pytest.approx(p_ref, rel=1e-12)
        lo, hi = fit.conf_int("x1", alpha=0.10)
        assert r.conf_int == pytest.approx((lo, hi), rel=1e-12)
        assert r.equivalent == (lo > -delta and hi < delta)


def test_tost_slope_hac_uses_t_with_effective_df() -> None:
    # one quantile convention: t with the HAC's effective df min(n - 2, 1.5 n/(L + 1)) = 15
    # (changed deliberately from the normal, which made HAC intervals too short)
    rng = np.random.default_rng(4)
    t = np.arange(60.0)
    y = np.cumsum(rng.normal(0, 0.1, size=60)) * 0.1
    r = tost_slope(t, y, 0.05, cov="HAC", maxlags=5)
    fit = ols_fit(y, t, cov="HAC", maxlags=5)
    b, se = fit.param("x1"), fit.se("x1")
    p_ref = max(stats.t.sf((b + 0.05) / se, 15.0), stats.t.cdf((b - 0.05) / se, 15.0))
    assert r.distribution == "t" and r.df == 15.0
    assert r.pvalue == pytest.approx(p_ref, rel=1e-12)


def test_tost_slope_simulated_size() -> None:
    # SIMULATED: at a true slope on the margin, TOST rejects at most alpha of the time
    rng = np.random.default_rng(2024)
    t = np.arange(20.0)
    rejections = 0
    n = 400
    for _ in range(n):
        y = 0.05 * t + rng.normal(0, 1.0, size=20)
        rejections += tost_slope(t, y, 0.05).equivalent
    assert rejections / n <= 0.05 + 2 * math.sqrt(0.05 * 0.95 / n)


def test_asymmetric_margins() -> None:
    r = tost_slope(np.arange(10.0), np.arange(10.0) * 0.01 + np.tile([0, 0.001], 5), (-0.1, 0.02))
    assert (r.low, r.upp) == (-0.1, 0.02)
    assert "slope" in r.summary() and "TostResult" in repr(r)


def test_bad_input() -> None:
    with pytest.raises(InsufficientDataError, match=r"'upp' = -1 .*above low"):
        tost_mean([1, 2, 3], 1, -1)
    with pytest.raises(InsufficientDataError, match="NaN"):
        tost_mean([1, np.nan, 3], -1, 1)
    with pytest.raises(InsufficientDataError, match="delta"):
        tost_slope([1, 2, 3], [1, 2, 3.5], -0.1)
    with pytest.raises(InsufficientDataError, match="standard error"):
        tost_from_estimate(0, 0, -1, 1)
    with pytest.raises(InsufficientDataError, match=r"'x'.*numbers"):
        tost_mean(["a", "b", "c"], -1, 1)
    with pytest.raises(InsufficientDataError, match="'alpha'"):
        tost_slope([1, 2, 3, 4], [1, 2, 3.5, 3], 0.1, alpha=0.7)


def test_degenerate_series_are_no_variation_not_equivalence() -> None:
    # a constant series (a frozen gauge) has no standard error: never "equivalent, p = 0"
    t = np.arange(30.0)
    for y in (np.full(30, 733.0), 2.0 + 0.5 * t):  # constant; exactly linear
        with pytest.raises(InsufficientDataError, match="no variation"):
            tost_slope(t, y, 0.05)
    with pytest.raises(InsufficientDataError, match="no variation"):
        tost_mean(np.full(12, 101.3), -1, 1)
