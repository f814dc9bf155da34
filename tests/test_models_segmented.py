"""Segmented regression: Nile reference (R segmented), brute force and simulation."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from prkanalysis.errors import InsufficientDataError
from prkanalysis.models import segmented_fit


@pytest.fixture(scope="module")
def nile() -> tuple[np.ndarray, np.ndarray]:
    y = sm.datasets.nile.load_pandas().data["volume"].to_numpy(dtype=float)
    return np.arange(1871, 1971, dtype=float), y


def test_nile_reference(nile):
    x, y = nile
    fit = segmented_fit(x, y)
    assert fit.psi[0] == pytest.approx(1912.999, abs=1e-2)
    assert fit.psi[0] == pytest.approx(1913.0, abs=1e-2)
    assert fit.psi_se[0] == pytest.approx(6.307558, rel=1e-3)
    assert fit.rss == pytest.approx(1833664, rel=1e-6)
    # not the local optimum an iteration started at 1913 can stall in (1918.68)
    assert abs(fit.psi[0] - 1918.68) > 1
    assert fit.slopes.size == 2 and fit.slopes[0] < 0 < fit.slopes[1]
    assert np.sum((y - fit.predict(x)) ** 2) == pytest.approx(fit.rss, rel=1e-10)
    assert "psi1" in fit.summary()


def test_nile_global_optimum_by_fine_grid(nile):
    x, y = nile
    fit = segmented_fit(x, y)
    grid = np.linspace(1874, 1967, 9301)
    rss = []
    for p in grid:
        X = np.c_[np.ones_like(x), x, np.maximum(x - p, 0)]
        r = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
        rss.append(r @ r)
    assert fit.rss <= min(rss) * (1 + 1e-12)


def test_nile_hac_option(nile):
    x, y = nile
    fit = segmented_fit(x, y, cov="HAC", maxlags=4)
    assert fit.cov_type == "HAC"
    assert fit.psi[0] == pytest.approx(1913.0, abs=1e-2)
    assert np.isfinite(fit.psi_se).all() and fit.psi_se[0] > 0


def test_simulated_one_kink_recovery_and_se():
    """Seeded simulation: psi recovered; Muggeo SE close to the spread of the estimates."""
    est, ses = [], []
    for seed in range(60):
        rng = np.random.default_rng(seed)
        x = np.sort(rng.uniform(0, 10, 80))
        y = 2 + 0.8 * x - 1.6 * np.maximum(x - 4.0, 0) + rng.normal(0, 0.5, 80)
        f = segmented_fit(x, y)
        est.append(f.psi[0])
        ses.append(f.psi_se[0])
    est = np.array(est)
    print(
        f"one kink: mean psi {est.mean():.3f} (true 4), sd {est.std(ddof=1):.3f}, "
        f"mean SE {np.mean(ses):.3f}"
    )
    assert abs(np.median(est) - 4.0) < 0.1
    assert 0.6 < np.mean(ses) / est.std(ddof=1) < 1.6
    cover = np.mean(np.abs(est - 4.0) <= 1.96 * np.array(ses))
    assert 0.85 <= cover <= 1.0


def test_simulated_two_kinks():
    for seed in range(3):
        rng = np.random.default_rng(100 + seed)
        x = np.sort(rng.uniform(0, 10, 150))
        y = 1 + 0.5 * x - 1.5 * np.maximum(x - 3, 0) + 2 * np.maximum(x - 7, 0)
        y = y + rng.normal(0, 0.3, x.size)
        f = segmented_fit(x, y, n_breaks=2)
        np.testing.assert_allclose(f.psi, [3, 7], atol=0.3)
        np.testing.assert_allclose(f.slopes, [0.5, -1.0, 1.0], atol=0.25)
        assert f.psi_se.shape == (2,) and np.all(f.psi_se > 0)


def test_exact_kink_data():
    x = np.arange(20, dtype=float)
    line = np.where(x < 8.5, x, 8.5 - 2 * (x - 8.5))
    # a wobble of 1e-7 (8e-9 of max|y|) is noise; the search still lands on the kink
    f = segmented_fit(x, line + 1e-7 * np.cos(x))
    assert f.psi[0] == pytest.approx(8.5, abs=1e-4)
    np.testing.assert_allclose(f.slopes, [1, -2], atol=1e-5)
    # with no noise (or rounding-level noise) the broken line is an exact fit: no SE exists
    for wobble in (0.0, 1e-12):
        with pytest.raises(InsufficientDataError, match="no variation"):
            segmented_fit(x, line + wobble * np.cos(x))


def test_segmented_errors():
    x = np.arange(10, dtype=float)
    with pytest.raises(InsufficientDataError, match="no variation"):
        segmented_fit(x, np.ones(10))
    with pytest.raises(InsufficientDataError, match="values but"):
        segmented_fit(x, x[:-1])
    with pytest.raises(InsufficientDataError, match="NaN"):
        segmented_fit(np.r_[x[:-1], np.nan], x)
    with pytest.raises(InsufficientDataError):
        segmented_fit(x[:5], x[:5] ** 2, n_breaks=2)
    with pytest.raises(ValueError):
        segmented_fit(x, x**2, n_breaks=0)
