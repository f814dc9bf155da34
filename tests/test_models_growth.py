"""Growth rates, doubling times (CI by endpoint mapping, delta method) and ratio intervals."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

import prkanalysis.models.growth as growth
from prkanalysis.errors import InsufficientDataError
from prkanalysis.models.growth import growth_rate, negligible_margin, rate_ratio


def test_doctests() -> None:
    res = doctest.testmod(growth)
    assert res.attempted > 0 and res.failed == 0


def test_dixon_pechmann_margins() -> None:
    assert negligible_margin(20) == pytest.approx(0.034657, abs=1e-6)
    assert negligible_margin(10) == pytest.approx(0.069315, abs=1e-6)


def test_exact_doubling() -> None:
    t = np.arange(6.0)
    g = growth_rate(t, 3.0 * 2 ** (t / 2.5) * np.exp(np.tile([1e-3, -1e-3], 3)))
    assert g.doubling_time == pytest.approx(2.5, rel=1e-3)
    assert g.verdict == "growth"


def test_doubling_ci_maps_endpoints_and_delta_method() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(12.0)
    y = np.exp(0.3 * t + rng.normal(0, 0.1, size=12))
    g = growth_rate(t, y)
    lo, hi = g.ci
    assert g.doubling_time_ci == pytest.approx((math.log(2) / hi, math.log(2) / lo))
    assert g.doubling_time_ci[0] < g.doubling_time < g.doubling_time_ci[1]
    assert g.doubling_time_se == pytest.approx(math.log(2) * g.se / g.r**2)


def test_no_detectable_growth() -> None:
    rng = np.random.default_rng(5)
    t = np.arange(8.0)
    g = growth_rate(t, np.exp(rng.normal(0, 0.3, size=8)))
    assert g.ci[0] < 0 < g.ci[1]
    assert g.verdict == "no detectable growth" and math.isnan(g.doubling_time)
    assert "no detectable growth" in g.summary()


def test_negligible_trend_tost() -> None:
    t = np.arange(0, 10, 0.5)
    y = np.exp(0.001 * t + np.tile([0.01, -0.01], 10))
    g = growth_rate(t, y, t_max=20)
    assert g.negligible is not None and g.negligible.equivalent
    assert g.negligible.upp == pytest.approx(math.log(2) / 20)


def test_simulated_growth_coverage() -> None:
    # SIMULATED: 95 % CI of r covers the true rate close to nominally
    rng = np.random.default_rng(77)
    t = np.arange(10.0)
    hits = 0
    n = 300
    for _ in range(n):
        y = np.exp(1 + 0.2 * t + rng.normal(0, 0.2, size=10))
        g = growth_rate(t, y)
        hits += g.ci[0] <= 0.2 <= g.ci[1]
    assert 0.92 <= hits / n <= 0.98


def test_rate_ratio_interval_arithmetic() -> None:
    rr = rate_ratio(0.5, 1.5, 2.35, 2.45, a_point=1.0, b_point=2.4, label="x")
    assert rr.low == pytest.approx(2.35 / 1.5)
    assert rr.high == pytest.approx(2.45 / 0.5)
    assert rr.point == pytest.approx(2.4)
    assert rr.doubled == "consistent with doubling"
    assert rate_ratio(0.9, 1.0, 2.0, 2.1).doubled == "at least doubled"
    assert rate_ratio(1.0, 1.2, 1.5, 1.9).doubled == "less than doubled"
    censored = rate_ratio(0.0, 1.0, 2.35, 2.45)
    assert math.isinf(censored.high) and "inf" in censored.summary()


def test_rate_ratio_contains_every_pair() -> None:
    rng = np.random.default_rng(3)
    rr = rate_ratio(0.4, 0.6, 1.0, 1.8)
    for _ in range(500):
        a, b = rng.uniform(0.4, 0.6), rng.uniform(1.0, 1.8)
        assert rr.low <= b / a <= rr.high


def test_bad_input() -> None:
    with pytest.raises(InsufficientDataError, match="positive"):
        growth_rate([0, 1, 2], [1, 0, 2])
    with pytest.raises(InsufficientDataError, match="low exceeds high"):
        rate_ratio(2, 1, 1, 2)
    with pytest.raises(InsufficientDataError, match="identically zero"):
        rate_ratio(0, 0, 1, 2)
