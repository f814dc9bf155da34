"""What replaced the chapter glue (``story.py``, dissolved): parameter checks
(analysis.judgements), the detection grid (analysis.detection_grid), prose formatting and
findings (present.text), widgets (present.widgets); and the single implementations the
chapters call for physics identities, interval ratios and the cumulative band."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest

from prkanalysis import episodes, physics
from prkanalysis.analysis import detection_grid, judgements, lookup, rates
from prkanalysis.errors import PrkError
from prkanalysis.models.growth import rate_ratio
from prkanalysis.present import text, widgets


@pytest.mark.parametrize("module", [text, widgets, detection_grid, judgements, lookup])
def test_doctests(module) -> None:  # type: ignore[no-untyped-def]
    res = doctest.testmod(module)
    assert res.failed == 0


def test_story_is_gone() -> None:
    import importlib.util

    assert importlib.util.find_spec("prkanalysis.story") is None


def test_gas_mass_per_mmhg_matches_physics_note() -> None:
    # record/physics.md 3.4: 1.441 kg/mmHg for 916 m3 at 22 C; 0.001574 kg per m3
    assert physics.kg_per_mmhg(916.0, 295.15) == pytest.approx(1.441, abs=1e-3)
    assert physics.kg_per_mmhg(1.0, 295.15) == pytest.approx(0.001574, rel=1e-3)
    assert physics.kg_per_mmhg(5.0, 295.15) * 1000 == pytest.approx(7.868, abs=5e-4)


def _limit(hours: float, **kw: float) -> pd.Series:
    args = {"volume_m3": 5.0, "pressure_mmhg": 100.0, "resolution": 1.0, "drift": 0.0} | kw
    return episodes.stop_detection_limits(
        args["volume_m3"], pressure_mmhg=args["pressure_mmhg"], durations_days=[hours / 24],
        gauge_resolution_mmhg=args["resolution"], temperature_k=295.15,
        temperature_drift_k=args["drift"]).iloc[0]


def test_detection_limit_identities() -> None:
    d = _limit(24.0)
    # a decay at k over one day loses exactly one resolution step
    assert 100 * (1 - math.exp(-d["k_per_day"])) == pytest.approx(1.0)
    # mass rate = k p V M/(RT); the same hole at 760 mmHg carries 7.6x the mass
    assert d["kg_per_day"] == pytest.approx(d["k_per_day"] * 100 * physics.kg_per_mmhg(5, 295.15))
    assert d["kg_per_day_station"] / d["kg_per_day"] == pytest.approx(7.6)
    # doubling the volume doubles the limit; ten times the duration divides it by ten
    d2 = _limit(24.0, volume_m3=8.0)
    assert d2["kg_per_day"] / d["kg_per_day"] == pytest.approx(8.0 / 5.0)
    d10 = _limit(240.0)
    assert d["kg_per_day"] / d10["kg_per_day"] == pytest.approx(10.0)
    # a temperature drift of 1 K hides p/T more mmHg
    dt = _limit(24.0, drift=1.0)
    assert dt["delta_p_mmhg"] == pytest.approx(1.0 + 100 / 295.15)
    # the figure's grid is the same implementation
    tbl = detection_grid.detection_limit_table([24.0], [1.0], [5.0]).iloc[0]
    assert tbl["limit_kg_day"] == d["kg_per_day"]
    assert tbl["limit_cabin_kg_day"] == d["kg_per_day_station"]


def test_detection_limit_bad_input() -> None:
    with pytest.raises(PrkError, match="duration_days"):
        _limit(0.0)
    with pytest.raises(PrkError, match="hold pressure"):
        _limit(24.0, pressure_mmhg=1.0, resolution=2.0)


def test_ratio_interval() -> None:
    r = rate_ratio(0.0, 1.0, 2.35, 2.45, a_point=1.0, b_point=2.4, label="x")
    assert r.point == pytest.approx(2.4)
    assert r.low == pytest.approx(2.35)
    assert math.isinf(r.high)
    assert not r.low <= 2.0 <= r.high and r.low <= 3.0 <= r.high
    with pytest.raises(PrkError):
        rate_ratio(1, 1, 2, 1)  # after: low above high


def test_cumulative_band_brackets_and_widens_in_gaps() -> None:
    rates = pd.DataFrame(
        {
            "period_start": ["2020-01-01", "2020-03-01"],
            "period_end": ["2020-01-31", "2020-03-31"],
            "kg_per_day": [1.0, 2.0],
            "kg_per_day_low": [0.8, np.nan],  # second row: an upper bound only
            "kg_per_day_high": [1.2, 2.0],
        }
    )
    b = episodes.daily_loss_band(rates)
    assert (b["low_kg"] <= b["central_kg"]).all() and (b["central_kg"] <= b["high_kg"]).all()
    feb = b[(b.date >= "2020-02-01") & (b.date <= "2020-02-29")]
    assert not feb["observed"].any()
    assert (feb["rate_low"] == 0.0).all() and (feb["rate_high"] == 2.0).all()
    jan = b[b.date.dt.month == 1]
    assert (jan["rate_low"] == 0.8).all() and (jan["rate_high"] == 1.2).all()
    assert b["low_kg"].iloc[0] == 0.0
    assert b["high_kg"].is_monotonic_increasing


def test_select_rates_and_params() -> None:
    df = pd.DataFrame({"grade_best": ["P", "T", "A"], "derived": ["false", "true", "false"]})
    assert rates.select_trusted(df, grades={"P", "T"})[0].index.tolist() == [0]
    assert rates.select_trusted(df, grades=("A",), include_derived=True)[0].index.tolist() == [2]
    with pytest.raises(PrkError, match="grade_best"):
        rates.select_trusted(df.drop(columns="grade_best"))
    with pytest.raises(PrkError, match="temperature_k"):
        judgements.check_params(temperature_k=400)
    with pytest.raises(PrkError, match="grades"):
        judgements.check_params(grades=["X"])
    # default grades come from the judgements table, not from a constant
    assert judgements.check_params()["grades"] == judgements.defaults().grades


def test_widgets_headless() -> None:
    pytest.importorskip("ipywidgets")
    rates = pd.DataFrame(
        {
            "rate_id": ["R1"], "period_start": ["2024-02-01"], "period_end": ["2024-02-29"],
            "kg_per_day": [1.0], "kg_per_day_low": [0.9], "kg_per_day_high": [1.1],
            "grade_best": ["P"],
        }
    )
    box = widgets.interactive_timeline(rates, display_now=False)
    assert len(box.children) == 2
    box2 = widgets.interactive_detection_limits(durations_h=[1, 10], display_now=False)
    assert len(box2.children) == 2


def test_fmt() -> None:
    assert text.fmt(1234.4) == "1,234"  # integer digits are kept
    assert text.fmt(0.00791, 2) == "0.0079"
    assert text.fmt(float("nan")) == "n/a"
    assert text.count_word(3, capital=True) == "Three" and text.count_word(13) == "13"


def test_findings_output_is_markdown_and_json() -> None:
    from prkanalysis.present.text import FINDINGS_MIME, findings

    bundle, _ = findings("Findings: x", {"n": 2, "low": float("nan"), "high": float("inf"),
                                         "ids": ["LR07"]}, {"n": "pairs"})._repr_mimebundle_()
    assert bundle[FINDINGS_MIME] == {"title": "Findings: x", "values": {
        "n": 2, "low": None, "high": "inf", "ids": ["LR07"]}}
    md = bundle["text/markdown"]
    assert md.startswith("### Findings: x") and "- pairs: 2" in md
    assert "- low: cannot be determined" in md


def test_widgets_headless_draw_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("ipywidgets")
    import prkanalysis
    from prkanalysis.analysis.rates import trusted_rates
    from prkanalysis.present import widgets

    rates, _ = trusted_rates(prkanalysis.load_record(), ("P", "T", "A"))
    box = widgets.interactive_timeline(rates, display_now=False)
    assert box.children and box.children[0].children[0].value  # the grade filter holds grades
