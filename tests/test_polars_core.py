"""The Polars core of ``benchmarks/polars_core.py`` against the package's fast pipeline.

Both run the full job (pre-flags, data-driven step and scale, glitch, stale, gap and
repressurisation flags, hatch segments, OLS slope with a HAC standard error) on the same
SIMULATED dataset, with and without the hatch channel (segments from closed-hatch intervals,
or between gap and repressurisation flags); the segments must be identical and ``k`` and
its standard error equal to 1e-9 relative. The datasets hold glitches and frozen stretches
inside the segments, so a segment's sample count differs if either flag is computed
differently (checked: without the glitch or the stale test the counts change).
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from prkanalysis import config
from prkanalysis.telemetry import simulate, write_parquet
from prkanalysis.telemetry.scale import run_pipeline_fast

pytest.importorskip("polars")
sys.path.insert(0, str(config.PROJ_ROOT / "benchmarks"))
import polars_core


@pytest.mark.parametrize(("hatch", "days", "rate_hz", "n_seg"),
                         [(True, 20, 1.0, 3), (False, 30, 0.2, 9)], ids=["hatch", "pressure"])
def test_polars_core_matches_package(tmp_path, hatch: bool, days: float, rate_hz: float,
                                     n_seg: int) -> None:
    df, _ = simulate(hatch_channel=hatch, duration_days=days, rate_hz=rate_hz, closed_days=7,
                     n_glitches=50, n_stale=3, n_gaps=3, ar1_phi=0.3, seed=2 if hatch else 5)
    path = write_parquet(df, tmp_path / "telemetry")
    ref = run_pipeline_fast(path, 5.0, 295.15, workers=2)
    job = polars_core.polars_core_job(path, 2)
    assert job["source"] == ref["source"].iloc[0] == ("hatch" if hatch else "pressure")
    assert job["n"].size == len(ref) == n_seg
    np.testing.assert_array_equal(job["start_ns"], ref["start"].astype("int64").to_numpy())
    np.testing.assert_array_equal(job["end_ns"], ref["end"].astype("int64").to_numpy())
    np.testing.assert_array_equal(job["n"], ref["n"].to_numpy())
    np.testing.assert_allclose(job["k_per_day"], ref["k_per_day"].to_numpy(), rtol=1e-9, atol=0)
    np.testing.assert_allclose(job["k_se"], ref["k_se"].to_numpy(), rtol=1e-9, atol=0)
    assert job["step"] == ref.attrs["step"] and job["scale"] == ref.attrs["scale"]
