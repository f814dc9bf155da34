"""Decay fits and the regression core: NIST StRD certified values, identities, SIMULATED truth."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest

import prkanalysis.models.decay as decay
import prkanalysis.models.regression as regression
from prkanalysis.config import FIXTURES_DIR
from prkanalysis.errors import InsufficientDataError
from prkanalysis.models.decay import (
    compare_decay_models,
    decay_coverage,
    fit_decay,
    model_curve,
    simulate_decay,
    two_point_k,
)
from prkanalysis.models.regression import nls_fit, ols_fit

JULY_T = [0, 6, 11, 15, 17]
JULY_P = [473, 273, 200, 160, 154]


@pytest.mark.parametrize("module", [decay, regression])
def test_doctests(module: object) -> None:
    res = doctest.testmod(module)  # type: ignore[arg-type]
    assert res.attempted > 0
    assert res.failed == 0


# ---------------------------------------------------------------- NIST StRD


def test_nist_norris_ols() -> None:
    d = pd.read_csv(FIXTURES_DIR / "nist_norris.csv", comment="#")
    assert len(d) == 36
    r = ols_fit(d["y"], d["x"])
    assert r.param("x1") == pytest.approx(1.00211681802045, rel=1e-9)
    assert r.se("x1") == pytest.approx(4.29796848199937e-04, rel=1e-9)
    assert r.param("const") == pytest.approx(-0.262323073774029, rel=1e-9)
    assert r.se("const") == pytest.approx(0.232818234301152, rel=1e-9)
    assert r.r2 == pytest.approx(0.999993745883712, rel=1e-9)
    assert r.rss == pytest.approx(26.6173985294224, rel=1e-9)
    assert r.df_resid == 34
    assert "OLS" in r.summary() and "OLSResult" in repr(r)


@pytest.mark.parametrize("start", [(500.0, 1e-4), (250.0, 5e-4)])
def test_nist_misra1a_nls(start: tuple[float, float]) -> None:
    d = pd.read_csv(FIXTURES_DIR / "nist_misra1a.csv", comment="#")
    r = nls_fit(lambda x, b1, b2: b1 * (1 - np.exp(-b2 * x)), d["x"], d["y"], list(start))
    assert r.param("b1") == pytest.approx(2.3894212918e02, rel=1e-6)
    assert r.param("b2") == pytest.approx(5.5015643181e-04, rel=1e-6)
    assert r.se("b1") == pytest.approx(2.7070075241e00, rel=1e-5)
    assert r.se("b2") == pytest.approx(7.2668688436e-06, rel=1e-5)
    assert r.rss == pytest.approx(1.2455138894e-01, rel=1e-6)
    assert r.sigma == pytest.approx(1.0187876330e-01, rel=1e-6)
    assert r.df_resid == 12


def test_nist_misra1a_analytic_jacobian() -> None:
    d = pd.read_csv(FIXTURES_DIR / "nist_misra1a.csv", comment="#")

    def jac(x: np.ndarray, b1: float, b2: float) -> np.ndarray:
        return np.column_stack([1 - np.exp(-b2 * x), b1 * x * np.exp(-b2 * x)])

    r = nls_fit(lambda x, b1, b2: b1 * (1 - np.exp(-b2 * x)), d["x"], d["y"], [500, 1e-4],
                jac=jac)
    assert r.param("b1") == pytest.approx(2.3894212918e02, rel=1e-7)
    assert r.se("b2") == pytest.approx(7.2668688436e-06, rel=1e-6)


def test_ols_hac_matches_statsmodels() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    x = np.arange(60.0)
    y = 0.5 * x + np.cumsum(rng.normal(size=60))
    r = ols_fit(y, x, cov="HAC", maxlags=4)
    ref = sm.OLS(y, sm.add_constant(x)).fit(cov_type="HAC",
                                           cov_kwds={"maxlags": 4, "use_correction": True})
    assert r.se("x1") == pytest.approx(float(ref.bse[1]), rel=1e-12)
    # one quantile convention (regression docstring): t with the HAC's effective df,
    # min(n - 2, 1.5 n / (L + 1)) = 18 here, not the normal (changed deliberately: the
    # normal quantile made HAC intervals too short; see prkanalysis.telemetry.coverage)
    assert r.use_t and r.maxlags == 4 and r.df_t == 18.0
    q = 2.1009220402410382  # scipy.stats.t.ppf(0.975, 18)
    assert r.conf_int("x1")[1] - r.param("x1") == pytest.approx(q * r.se("x1"), rel=1e-12)


def test_information_criteria_match_statsmodels_llf() -> None:
    import statsmodels.api as sm

    d = pd.read_csv(FIXTURES_DIR / "nist_norris.csv", comment="#")
    r = ols_fit(d["y"], d["x"])
    ref = sm.OLS(d["y"], sm.add_constant(d["x"])).fit()
    assert r.llf == pytest.approx(ref.llf, rel=1e-12)
    # statsmodels counts only the coefficients; we also count sigma (+2)
    assert r.aic == pytest.approx(ref.aic + 2, rel=1e-12)
    assert r.bic == pytest.approx(ref.bic + math.log(36), rel=1e-12)


def test_regression_bad_input() -> None:
    with pytest.raises(InsufficientDataError, match="NaN"):
        ols_fit([1, 2, np.nan, 4], [1, 2, 3, 4])
    with pytest.raises(InsufficientDataError, match="cov"):
        ols_fit([1, 2, 3, 4], [1, 2, 3, 5], cov="robust")
    with pytest.raises(InsufficientDataError, match="singular"):
        ols_fit([1, 2, 3, 4], [1, 1, 1, 1])
    with pytest.raises(InsufficientDataError, match="3 values"):
        nls_fit(lambda x, a: a * x, [1, 2, 3], [1, 2], [1.0])


# ---------------------------------------------------------------- two-point episodes


def test_two_point_matches_physics_md_table() -> None:
    # physics.md 3.3: Dec 2020 730->620 in 18 h: k = 0.218 (tau 4.6 d); Mar 2021 730->678 in
    # 11.5 h: 0.154 (6.5 d); Jul 2021 473->273 in 6 d: 0.092
    for p0, p1, hours, k_ref in [(730, 620, 18, 0.218), (730, 678, 11.5, 0.154),
                                 (473, 273, 144, 0.092)]:
        fit = fit_decay([0, hours], [p0, p1], t_unit="h")
        assert fit.k_per_day == pytest.approx(k_ref, abs=6e-4)
        assert fit.method == "two-point" and math.isnan(fit.k_se)
        lo, hi = fit.k_ci
        assert lo < fit.k_per_day < hi


def test_two_point_interval_formula() -> None:
    r, p0, p1 = 0.5, 730.0, 678.0
    _k, (lo, hi) = two_point_k(p0, p1, 11.5 / 24, (11.0 / 24, 12.0 / 24), r)
    assert lo == pytest.approx(math.log((p0 - r) / (p1 + r)) / (12.0 / 24), rel=1e-14)
    assert hi == pytest.approx(math.log((p0 + r) / (p1 - r)) / (11.0 / 24), rel=1e-14)
    # t_bounds per reading give the same elapsed-time interval
    fit = fit_decay([0, 11.5], [p0, p1], t_unit="h", t_bounds=[(0, 0), (11, 12)])
    assert fit.k_ci == pytest.approx((lo, hi), rel=1e-14)
    # a zero resolution and exact time collapse the interval
    k0, (a, b) = two_point_k(p0, p1, 0.5, None, 0.0)
    assert a == pytest.approx(b) == pytest.approx(k0)


def test_two_point_unbounded_duration() -> None:
    k, (lo, hi) = two_point_k(723, 685, 1.0, (0.1, math.inf))
    assert lo == 0.0 and hi > k


def test_two_point_bad_input() -> None:
    with pytest.raises(InsufficientDataError, match="unknown duration"):
        fit_decay([0, np.nan], [723, 685])
    with pytest.raises(InsufficientDataError, match="p_resolution"):
        two_point_k(10, 1, 1.0, None, 2.0)
    with pytest.raises(InsufficientDataError, match="two readings"):
        fit_decay([0, 1], [700, 600], "equilibrium")
    with pytest.raises(InsufficientDataError, match="increasing"):
        fit_decay([0, 2, 1], [700, 600, 500])
    with pytest.raises(InsufficientDataError, match="unknown decay model"):
        fit_decay([0, 1, 2], [700, 600, 500], "linear")


# ---------------------------------------------------------------- multi-point models


def test_exact_recovery_noiseless() -> None:
    t = np.array([0, 1, 2, 4, 7, 10.0])
    for model, params in [("exponential", (730, 0.15)), ("equilibrium", (473, 0.14, 120)),
                          ("pressure_dependent", (473, 0.12, 0.9))]:
        p = model_curve(model, t, *params)
        fit = fit_decay(t, p, model)
        est = [v for _, v, _ in fit.params]
        assert est == pytest.approx(list(params), rel=1e-6)


def test_loglinear_and_nls_agree_on_exact_exponential() -> None:
    t = np.array([0, 1, 2, 3.0])
    p = 730 * np.exp(-0.2 * t)
    a = fit_decay(t, p, method="loglinear")
    b = fit_decay(t, p)
    assert a.k_per_day == pytest.approx(0.2, rel=1e-10)
    assert b.k_per_day == pytest.approx(0.2, rel=1e-8)
    assert a.half_life_days == pytest.approx(math.log(2) / 0.2)


def test_half_life_interval_flips() -> None:
    fit = fit_decay(JULY_T, JULY_P)
    lo, hi = fit.k_ci
    assert fit.half_life_ci == pytest.approx((math.log(2) / hi, math.log(2) / lo))


def test_july_2021_comparison() -> None:
    df = compare_decay_models(JULY_T, JULY_P)
    assert df.attrs["criterion"] == "bic"  # AICc undefined for 3 parameters on 5 points
    assert set(df["model"]) == {"exponential", "equilibrium", "pressure_dependent"}
    exp = df.set_index("model").loc["exponential"]
    assert exp["weight_bic"] < 0.01 and exp["weight_aic"] < 0.01
    assert math.isinf(df.set_index("model").loc["equilibrium", "aicc"])
    assert df["weight_bic"].sum() == pytest.approx(1.0)
    # nested F test: both slowing models beat the single exponential at 5 %
    assert (df.dropna(subset=["p_vs_exponential"])["p_vs_exponential"] < 0.05).all()
    # the equilibrium pressure lies below the lowest reading
    eq = fit_decay(JULY_T, JULY_P, "equilibrium")
    assert 0 < eq.extra("p_inf_mmhg") < 154
    assert eq.extra("k_out_per_day") + eq.extra("k_in_per_day") == pytest.approx(eq.k_per_day)


def test_pressure_dependent_slows() -> None:
    fit = fit_decay(JULY_T, JULY_P, "pressure_dependent")
    assert fit.extra("m") > 0
    assert fit.extra("k_at_last_per_day") < fit.k_per_day


def test_simulated_recovery_three_parameter_models() -> None:
    t = np.array([0, 1, 2, 3, 5, 7, 9, 12, 15, 20.0])
    p = simulate_decay(t, 473, 0.14, 1.0, seed=11, model="equilibrium", extra=120)
    fit = fit_decay(t, p, "equilibrium")
    assert fit.k_ci[0] < 0.14 < fit.k_ci[1]
    p2 = simulate_decay(t, 473, 0.12, 1.0, seed=12, model="pressure_dependent", extra=1.0)
    fit2 = fit_decay(t, p2, "pressure_dependent")
    assert fit2.k_ci[0] < 0.12 < fit2.k_ci[1]
    # and the comparison picks the generating model over the exponential
    df = compare_decay_models(t, p, criterion="aicc")
    assert df.iloc[-1]["model"] == "exponential"


def test_coverage_nls_simulated() -> None:
    r = decay_coverage(300, seed=100)
    assert abs(r.bias_rel) < 0.01
    assert 0.92 <= r.coverage <= 0.98
    assert "SIMULATED" in r.summary()


def test_coverage_loglinear_simulated() -> None:
    r = decay_coverage(300, method="loglinear", seed=500)
    assert 0.92 <= r.coverage <= 0.98


def test_decay_hac_option() -> None:
    t = np.arange(30.0)
    p = simulate_decay(t, 700, 0.05, 0.01, seed=5, noise="multiplicative")
    fit = fit_decay(t, p, method="loglinear", cov="HAC", maxlags=3)
    assert "HAC" in fit.interval_method
    assert fit.k_ci[0] < 0.05 < fit.k_ci[1]
