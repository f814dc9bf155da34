"""Coverage of nominal 95 % k intervals through fit_segments (SIMULATED, seeded small grid).

The full study is ``python -m prkanalysis.telemetry.coverage --full`` (``make study-coverage``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from prkanalysis.errors import TelemetryError
from prkanalysis.telemetry.coverage import (
    MEMORIES,
    SMALL_SEGMENTS,
    TARGET,
    coverage_table,
    simulate_regime,
    wilson_interval,
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return coverage_table(n_segments=SMALL_SEGMENTS, seed=2026, methods=("NW", "HAC"))


def test_table_is_labelled_and_complete(table):
    assert table.attrs["simulated"] is True and table.attrs["label"] == "SIMULATED"
    assert (table["label"] == "SIMULATED").all()
    assert table["regime"].tolist() == [m for m, _ in MEMORIES for _ in range(2)]
    assert (table["n"] == SMALL_SEGMENTS).all()  # every simulated segment fitted and matched
    assert ((table["ci_low"] <= table["coverage"]) & (table["coverage"] <= table["ci_high"])).all()


def test_hac_covers_in_every_regime(table):
    """Nominal 95 %: the HAC covers within 0.90-0.98 pooled, and its binomial 95 % interval
    reaches into [0.90, 0.98] in every regime (60 segments each)."""
    assert TARGET == (0.90, 0.98)
    hac = table[table["method"] == "HAC"]
    assert (hac["ci_high"] >= TARGET[0]).all() and (hac["ci_low"] <= TARGET[1]).all()
    pooled = hac["covered"].sum() / hac["n"].sum()
    assert TARGET[0] <= pooled <= TARGET[1]
    # the estimated correlation time tracks the simulated memory (within a factor 2)
    ratio = hac["median_corr_time_s"].to_numpy() / hac["memory_s"].to_numpy()
    assert np.all((ratio > 0.5) & (ratio < 2.0))


def test_newey_west_rule_undercovers_hour_scale_memory(table):
    """The reviewer's finding: the rule-of-thumb lag covers far below nominal at >= 1 h."""
    nw = table[(table["method"] == "NW") & (table["memory_s"] >= 3600)]
    assert (nw["ci_high"] < 0.90).all()
    hac = table[(table["method"] == "HAC") & (table["memory_s"] >= 3600)]
    # honest intervals are wider, not merely re-centred
    assert (hac["mean_width_per_day"].to_numpy() > 2 * nw["mean_width_per_day"].to_numpy()).all()


def test_wilson_interval_reference_values():
    # Wilson (1927) score interval; e.g. Newcombe (1998) Table I: 81/263 -> 0.2553, 0.3662
    lo, hi = wilson_interval(81, 263)
    assert (lo, hi) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == pytest.approx(1.0)
    with pytest.raises(TelemetryError, match="covered"):
        wilson_interval(11, 10)


def test_simulate_regime_checks_arguments():
    from prkanalysis.errors import PrkError

    with pytest.raises(PrkError, match="memory_s"):
        simulate_regime(0.0, 3, seed=0)
    with pytest.raises(PrkError, match="memory_s"):
        simulate_regime("x", 3, seed=0)  # type: ignore[arg-type]
    with pytest.raises(PrkError, match="n_segments"):
        simulate_regime(60.0, 0, seed=0)
    with pytest.raises(PrkError, match="n_segments"):
        coverage_table(n_segments=2.5)  # type: ignore[arg-type]
    with pytest.raises(PrkError, match="memories"):
        coverage_table(memories=[("1 h", -3600.0)])
    with pytest.raises(PrkError, match="memories"):
        coverage_table(memories=5)  # type: ignore[arg-type]
    with pytest.raises(TelemetryError, match="methods"):
        coverage_table(methods=("bootstrap",))
