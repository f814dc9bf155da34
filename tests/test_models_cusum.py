"""CUSUM tests against strucchange's saved Nile outputs and statsmodels' diagnostics."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.stats import diagnostic

from prkanalysis.errors import InsufficientDataError
from prkanalysis.models import cusum_test, recursive_residuals
from prkanalysis.models.cusum import brownian_bridge_sup_pvalue, rec_cusum_pvalue


@pytest.fixture(scope="module")
def nile() -> np.ndarray:
    return sm.datasets.nile.load_pandas().data["volume"].to_numpy(dtype=float)


def test_ols_cusum_nile(nile):
    r = cusum_test(nile, kind="ols")
    assert r.statistic == pytest.approx(2.9518, abs=5e-4)
    assert r.pvalue == pytest.approx(5.409e-08, rel=1e-3)
    assert r.process.size == 101 and r.process[0] == 0.0
    assert abs(r.process[-1]) < 1e-10  # OLS residuals with a constant sum to zero
    assert int(np.argmax(np.abs(r.process))) == 28
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = diagnostic.breaks_cusumolsresid(nile - nile.mean(), ddof=1)
    assert r.statistic == pytest.approx(ref[0], rel=1e-10)
    assert r.pvalue == pytest.approx(ref[1], rel=1e-6)
    assert "CUSUM" in r.summary()


def test_rec_cusum_nile(nile):
    r = cusum_test(nile, kind="rec")
    assert r.statistic == pytest.approx(2.0669, abs=5e-4)
    assert r.pvalue == pytest.approx(7.487e-08, rel=1e-3)
    assert r.process.size == 100


def test_recursive_residuals_match_statsmodels(nile):
    X = np.c_[np.ones(100), np.arange(1871, 1971.0)]
    ours = recursive_residuals(nile, X)
    res = sm.OLS(nile, X).fit()
    ref = diagnostic.recursive_olsresiduals(res, skip=2)[4][2:]
    np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=1e-6)
    # under a correct model recursive residuals are uncorrelated with equal variance
    assert ours.size == 98


def test_pvalue_functions():
    assert brownian_bridge_sup_pvalue(1.358) == pytest.approx(0.05, abs=5e-4)
    assert brownian_bridge_sup_pvalue(0.0) == 1.0
    assert rec_cusum_pvalue(0.948) == pytest.approx(0.05, abs=2e-3)  # BDE 5 % boundary
    assert rec_cusum_pvalue(0.0) == 1.0


def test_cusum_size_under_null():
    rej = {"ols": 0, "rec": 0}
    reps = 300
    for seed in range(reps):
        rng = np.random.default_rng(seed)
        n = 80
        X = np.c_[np.ones(n), rng.normal(size=n)]
        y = X @ [1.0, 2.0] + rng.normal(size=n)
        for kind in rej:
            rej[kind] += cusum_test(y, X, kind=kind).pvalue < 0.05
    rates = {k: v / reps for k, v in rej.items()}
    print(f"CUSUM empirical size at 5 %: {rates}")
    assert all(0.005 <= v <= 0.09 for v in rates.values())


def test_cusum_detects_shift():
    rng = np.random.default_rng(3)
    y = rng.normal(size=120)
    y[60:] += 1.5
    assert cusum_test(y).pvalue < 1e-4
    assert cusum_test(y, kind="rec").pvalue < 1e-3


def test_cusum_errors():
    with pytest.raises(InsufficientDataError, match="no variation"):
        cusum_test(np.ones(20))
    with pytest.raises(InsufficientDataError, match="NaN"):
        cusum_test([1.0, np.nan, 3.0, 4.0])
    with pytest.raises(InsufficientDataError):
        cusum_test([1.0, 2.0], kind="rec")
    with pytest.raises(ValueError, match="kind"):
        cusum_test(np.arange(10.0) % 3, kind="mosum")  # type: ignore[arg-type]
    with pytest.raises(InsufficientDataError, match="singular"):
        recursive_residuals(np.arange(10.0), np.c_[np.ones(10), np.r_[np.zeros(5), np.ones(5)]])
