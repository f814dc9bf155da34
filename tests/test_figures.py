"""Figure functions: title, axis labels with units, caption, and plotted data matching inputs.

The input frames here are small hand-made test inputs (not evidence): they only exercise the
drawing code. Numbers that matter for the story are tested through the evidence elsewhere.
"""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from prkanalysis import episodes, figures, present, theme
from prkanalysis.analysis.detection_grid import detection_limit_table
from prkanalysis.errors import PrkError

UNIT = re.compile(r"\(.+\)")


def _check(res: figures.FigureResult) -> None:
    assert isinstance(res, figures.FigureResult)
    assert res.title
    assert res.caption and len(res.caption) > 20
    assert getattr(res.fig, "_caption", None) == res.caption
    labelled = [ax for ax in res.fig.axes if ax.get_visible() and ax.get_xlabel()]
    assert labelled, "no axis has an x label"
    for ax in res.fig.axes:
        if not ax.get_visible():
            continue
        for lab in (ax.get_xlabel(), ax.get_ylabel()):
            if lab and lab not in ("event category",) and not lab.startswith("label"):
                assert UNIT.search(lab), f"axis label without unit: {lab!r}"
    png = res.png_bytes(dpi=40)
    assert png[:4] == b"\x89PNG"
    overlaps = present.text_overlaps(res.fig)
    assert not overlaps, f"{res.name}: overlapping labels {overlaps}"
    assert "FigureResult(" in repr(res)
    assert res.name in res.summary()


@pytest.fixture
def rates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rate_id": ["R1", "R2", "R3", "R4"],
            "period_start": ["2019-09-01", "2023-06-01", "2024-02-01", "2024-04-01"],
            "period_end": ["2019-09-30", "2024-01-31", "2024-02-29", "2024-04-30"],
            "kg_per_day": [0.27, 0.45, 1.09, 1.68],
            "kg_per_day_low": [0.265, np.nan, 1.07, 1.655],
            "kg_per_day_high": [0.275, 0.45, 1.11, 1.70],
            "grade_best": ["T", "T", "P", "A"],
            "derived": [False, False, False, True],
        }
    )


@pytest.fixture
def events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": ["EV1", "EV2", "EV3"],
            "date_start": ["2019-09-01", "2020-10-15", "2021-03-10"],
            "category": ["detection", "crack", "repair"],
            "summary": ["first signs", "crack found", "sealed"],
        }
    )


def test_rate_timeline(rates: pd.DataFrame, events: pd.DataFrame) -> None:
    res = figures.rate_timeline(rates, events, allowance_kg_day=0.907)
    _check(res)
    plotted = res.data[res.data["kind"] == "rate"]
    assert plotted["rate_id"].tolist() == rates["rate_id"].tolist()
    assert plotted["kg_per_day"].tolist() == rates["kg_per_day"].tolist()
    # the "less than" row is drawn as an upper bound, the derived one hollow
    assert plotted.set_index("rate_id").loc["R2", "upper_bound_only"]
    assert plotted.set_index("rate_id").loc["R4", "derived_flag"]
    ev = res.data[res.data["kind"] == "event"]
    assert sorted(ev["category"]) == ["crack", "detection", "repair"]
    main = res.fig.axes[1]
    assert main.get_yscale() == "log"
    lo, hi = main.get_ylim()
    assert lo < rates["kg_per_day"].min() and hi > 0.907
    assert res.notes["n_rates"] == 4


def test_rate_timeline_rejects_missing_column(rates: pd.DataFrame) -> None:
    with pytest.raises(PrkError, match="grade_best"):
        figures.rate_timeline(rates.drop(columns="grade_best"))


def test_decay_episodes_with_curves() -> None:
    readings = pd.DataFrame(
        {
            "episode_id": ["A", "A", "B", "B", "B", "C"],
            "elapsed_h": [0, 18, 0, 144, 264, np.nan],
            "pressure_mmhg": [730, 620, 473, 273, 200, 700],
        }
    )
    t = np.linspace(0, 18, 5)
    curves = pd.DataFrame(
        {
            "episode_id": "A",
            "elapsed_h": t,
            "fit_mmhg": 730 * np.exp(-0.009 * t),
            "low_mmhg": 725 * np.exp(-0.009 * t),
            "high_mmhg": 735 * np.exp(-0.009 * t),
        }
    )
    res = figures.decay_episodes(readings, curves)
    _check(res)
    assert res.notes["episodes"] == ["A", "B"]
    assert res.notes["dropped_no_time"] == 1
    reading_rows = res.data[res.data["kind_row"] == "reading"]
    assert reading_rows["pressure_mmhg"].tolist() == [730, 620, 473, 273, 200]
    assert (res.data["kind_row"] == "curve").sum() == len(curves)


def test_break_dating_simulated_stamp_and_coverage() -> None:
    s = pd.DataFrame({"t": np.arange(100), "value": np.r_[np.zeros(40), np.ones(60)]})
    b = pd.DataFrame({"estimate": [39.0], "ci_low": [36.0], "ci_high": [42.0]})
    res = figures.break_dating(s, b, truth=[39.0], xlabel="day (d)", ylabel="rate (kg/day)")
    _check(res)
    assert res.title.startswith("SIMULATED")
    texts = [t.get_text() for t in res.fig.axes[0].texts]
    assert theme.SIMULATED_LABEL in texts
    assert bool(res.data.loc[0, "covered"])


def test_detection_limits_matches_the_detection_grid() -> None:
    tbl = detection_limit_table([1, 24, 240], [0.1, 1.0], [3.0, 8.0])
    res = figures.detection_limits(tbl, references={"allowance": 0.907})
    _check(res)
    assert res.notes["n_lines"] == 4
    assert len(res.data) == 12
    ax = res.fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    # each plotted line carries exactly the table's values
    line = ax.get_lines()[0]
    first = tbl[(tbl.resolution_mmhg == 0.1) & (tbl.volume_m3 == 3.0)].sort_values("duration_h")
    np.testing.assert_allclose(line.get_ydata(), first["limit_kg_day"])


def test_cumulative_loss_band_and_allowance() -> None:
    rates = pd.DataFrame(
        {
            "period_start": ["2020-01-01", "2020-12-31"],
            "period_end": ["2020-01-01", "2020-12-31"],
            "kg_per_day": [1.0, 1.0],
            "kg_per_day_low": [0.5, 0.5],
            "kg_per_day_high": [2.0, 2.0],
        }
    )
    band = episodes.daily_loss_band(rates)
    dv = pd.DataFrame({"date": ["2020-03-01", "2020-09-01", "2030-01-01"], "mass_kg": [40, 50, 9]})
    res = figures.cumulative_loss(band, deliveries=dv, allowance_kg_day=0.907)
    _check(res)
    # 2020 is a leap year: 365 days integrated from 1 Jan to 31 Dec
    assert res.notes["loss_low_kg"] == pytest.approx(0.5 * 365)
    assert res.notes["loss_high_kg"] == pytest.approx(2.0 * 365)
    assert res.notes["deliveries_total_kg"] == 90  # the 2030 row lies outside the band
    assert res.notes["allowance_total_kg"] == pytest.approx(0.907 * 365)


def test_volume_sensitivity_panels() -> None:
    v = np.linspace(3, 8, 6)
    tbl = pd.concat(
        [
            pd.DataFrame({"quantity": "mass rate", "volume_m3": v, "estimate": 0.17 * v,
                          "low": 0.15 * v, "high": 0.19 * v}),
            pd.DataFrame({"quantity": "hole", "volume_m3": v, "estimate": np.sqrt(v)}),
        ]
    )
    res = figures.volume_sensitivity(tbl, units={"mass rate": "kg/day", "hole": "mm"}, chosen=5)
    _check(res)
    assert len(res.fig.axes) == 2
    np.testing.assert_allclose(res.fig.axes[0].get_lines()[0].get_ydata(), 0.17 * v)


def test_interval_forest_and_sources() -> None:
    t = pd.DataFrame({"label": ["a", "b"], "estimate": [2.4, 3.7], "low": [2.3, 3.6],
                      "high": [2.5, 3.8]})
    res = figures.interval_forest(t, reference=2.0, xlabel="ratio (-)", title="Ratios",
                                  caption="Both ratios exceed two, neither by much.")
    _check(res)
    assert res.data["estimate"].tolist() == [2.4, 3.7]
    s = pd.DataFrame({"grade": ["P", "T", "T", "A", "a"]})
    res2 = figures.sources_by_grade(s)
    _check(res2)
    assert res2.data.set_index("grade")["n_sources"].to_dict() == {"P": 1, "T": 2, "A": 2}


def test_save_writes_png_and_csv(tmp_path, rates: pd.DataFrame) -> None:
    res = figures.rate_timeline(rates)
    png, csv = res.save(tmp_path)
    assert png.read_bytes()[:4] == b"\x89PNG"
    back = pd.read_csv(csv)
    assert back["rate_id"].tolist() == rates["rate_id"].tolist()


def test_mimebundle_has_image_caption_and_source_line(rates: pd.DataFrame) -> None:
    res = figures.rate_timeline(rates)
    res = type(res)(fig=res.fig, caption=res.caption, data=res.data, sources=("S001",))
    bundle, meta = res._repr_mimebundle_()
    html = bundle["text/html"]
    assert 'src="data:image/png;base64,' in html and "<figcaption>" in html
    assert html.index("<img") < html.index("<figcaption>") < html.index("Sources: S001")
    assert meta["prkanalysis"]["caption"] == res.caption


def test_open_ended_interval_is_an_arrow_not_a_bar_to_a_bound() -> None:
    t = pd.DataFrame({"label": ["open", "closed"], "estimate": [2.5, 1.8],
                      "low": [1.33, 1.5], "high": [np.inf, 3.0]})
    res = figures.interval_forest(t, reference=2.0, reference_label="doubled", log=True,
                                  xlabel="ratio (-)", title="Ratios",
                                  caption="One ratio has no upper bound; it is an arrow.")
    _check(res)
    ax = res.fig.axes[0]
    arrows = [a for a in ax.texts if getattr(a, "arrow_patch", None) is not None]
    assert len(arrows) == 1
    assert arrows[0].xy[0] == 1.0  # to the axis edge (axes fraction), not to a number
    assert ax.get_xlim()[1] < 50  # the axis is not stretched to a made-up bound
    segs = ax.collections[0].get_segments()
    assert len(segs) == 1  # only the closed interval is a bar
