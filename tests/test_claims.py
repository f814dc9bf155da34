"""Claims ledger: verdicts and deciding numbers on the real record, and perturbations.

The perturbation tests build modified records in memory (``dataclasses.replace`` of the loaded
record with edited copies of its tables) and check that each verdict moves as its rule says:
the verdicts follow the data, they are not typed in.
"""

from __future__ import annotations

import dataclasses
import doctest
import math
import warnings
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from prkanalysis import claims
from prkanalysis.claims import (
    CLAIMS,
    VERDICTS,
    ClaimParams,
    ClaimResult,
    evaluate,
    evaluate_all,
    format_ledger,
    ledger,
    print_ledger,
    render_numbers,
)
from prkanalysis.errors import DataValidationError, PrkError
from prkanalysis.record import load_record
from prkanalysis.units import LB_KG

DAYS = 365.25


@pytest.fixture(scope="module")
def record() -> Any:
    return load_record()


@pytest.fixture(scope="module")
def results(record: Any) -> dict[str, ClaimResult]:
    return {r.claim_id: r for r in evaluate_all(record)}


def _edit(record: Any, table: str, key: str, row_id: str, **values: Any) -> Any:
    frame = getattr(record, table).copy()
    idx = frame.index[frame[key] == row_id]
    assert len(idx) == 1, f"{row_id} not in {table}"
    for col, val in values.items():
        if col in ("date_start", "date_end", "period_start", "period_end") and val is not None:
            val = pd.Timestamp(val)
        frame.loc[idx, col] = val
    return dataclasses.replace(record, **{table: frame})


def _drop(record: Any, table: str, mask_fn: Any) -> Any:
    frame = getattr(record, table)
    return dataclasses.replace(record, **{table: frame[~mask_fn(frame)].copy()})


def _rate(record: Any, rate_id: str, value: float) -> Any:
    return _edit(record, "leak_rates", "rate_id", rate_id, value=value,
                 value_reported=f"{value:g}", qualifier="=", value_high=float("nan"))


# --------------------------------------------------------------------------------------
# the real record
# --------------------------------------------------------------------------------------

EXPECTED = {
    "C1": "supported with caveats",
    "C2": "supported with caveats",
    "C3": "supported",
    "C4": "supported",
    "C5": "superseded",
    "C6": "supported with caveats",
    "C7": "supported",
    "C8": "supported with caveats",
    "C9": "undetermined",
    "C10": "supported with caveats",
    "C11": "supported",
    "C12": "contradicted",
}


@pytest.mark.parametrize("claim_id", list(EXPECTED))
def test_real_verdicts(results: dict[str, ClaimResult], claim_id: str) -> None:
    r = results[claim_id]
    assert r.verdict == EXPECTED[claim_id], r.summary()
    assert r.evidence, "every verdict carries its evidence rows"
    assert r.caveat.endswith(".") and r.caveat.count(". ") == 0, "one sentence"
    assert r.rule


def test_c1_numbers(results: dict[str, ClaimResult]) -> None:
    n = results["C1"].numbers
    assert n["crack_events"] == 3 and n["cause_statements"] == 3
    assert n["cracks_counted_max"] == 4
    # 2-3 cm (Ivanishin) ... 1.8 in = 45.72 mm (Sputnik): not microscopic
    assert n["crack_length_mm_low"] == pytest.approx(20.0)
    assert n["crack_length_mm_high"] == pytest.approx(1.8 * 25.4)
    assert n["equivalent_hole_mm"] == pytest.approx(0.2)
    assert {"EV10", "EV23", "EV25", "EV39"} <= set(results["C1"].rows)


def test_c2_duration_from_event_intervals(results: dict[str, ClaimResult]) -> None:
    n = results["C2"].numbers
    lo = (pd.Timestamp("2026-01-01") - pd.Timestamp("2019-09-30")).days / DAYS
    hi = (pd.Timestamp("2026-01-02") - pd.Timestamp("2019-09-01")).days / DAYS
    assert n["years_low"] == pytest.approx(lo) and n["years_high"] == pytest.approx(hi)
    assert 6.2 < lo < hi < 6.4  # more than half a decade: hence the caveat
    assert float(n["recurrence_after_years_low"]) > 0
    assert results["C2"].rows[:2] == ("EV02", "EV49")


def test_c3_ratios_against_every_baseline(results: dict[str, ClaimResult]) -> None:
    n = results["C3"].numbers
    assert n["after"].startswith("LR11")  # type: ignore[union-attr]
    # 3.7 lb/day printed to 0.1 over "1" printed to units: [3.65/1.5, 3.75/0.5]
    assert n["x_LR08_low"] == pytest.approx(3.65 / 1.5)
    assert n["x_LR08_high"] == pytest.approx(3.75 / 0.5)
    # over "< 1": [3.65/1, inf)
    assert n["x_LR07_low"] == pytest.approx(3.65) and math.isinf(n["x_LR07_high"])  # type: ignore[arg-type]
    # over the 0.2 "historic low": [3.65/0.25, 3.75/0.15]
    assert n["x_LR06_low"] == pytest.approx(14.6) and n["x_LR06_high"] == pytest.approx(25.0)
    # the Feb step alone (2.4 over "1") is only consistent with a doubling
    assert n["first_LR10_low"] == pytest.approx(2.35 / 1.5)
    assert {"LR06", "LR07", "LR08", "LR11", "EV27", "EV30"} <= set(results["C3"].rows)


def test_c4_score_and_date_interval(results: dict[str, ClaimResult]) -> None:
    n = results["C4"].numbers
    assert (n["likelihood"], n["consequence"]) == (5, 5)
    assert n["rated"] == "2024-05-01 to 2024-08-31" and n["date_span_days"] == 123
    assert results["C4"].rows == ("OF22", "EV31")


def test_c5_numbers(results: dict[str, ClaimResult]) -> None:
    n = results["C5"].numbers
    assert n["confirmed_by"] == "NASA" and n["recurrence"] == "2026-05"
    assert (n["days_to_recurrence_low"], n["days_to_recurrence_high"]) == (119, 150)
    assert n["post_stop_kg_per_day"] == pytest.approx(2 * LB_KG)
    assert n["prk_readings_prior_year"] == 0
    # the 5 June 2026 safe-haven (EV51, grade T) is a leak response after the stop
    assert n["response"] == "EV51 safety 2026-06-05"
    assert (n["direct_events_after"], n["response_events_after"], n["rates_after"]) == (1, 1, 1)
    assert {"EV49", "EV50", "EV51", "LR18"} <= set(results["C5"].rows)
    assert "grade-A" not in results["C5"].caveat  # EV51 has a grade-T source


def test_c6_alternative_date(results: dict[str, ClaimResult]) -> None:
    n = results["C6"].numbers
    assert n["detection"] == "2019-09" and n["earliest_alternative"] == "2019-08"
    assert n["first_rate_period"] == "2019-09"


def test_c7_increase_interval_contains_54_percent(results: dict[str, ClaimResult]) -> None:
    n = results["C7"].numbers
    lo, hi = n["rise_LR10>LR11_low"], n["rise_LR10>LR11_high"]
    assert lo == pytest.approx(3.65 / 2.45 - 1) and hi == pytest.approx(3.75 / 2.35 - 1)
    assert lo <= 0.54 <= hi and lo <= 0.50 <= hi  # type: ignore[operator]
    assert n["rise_LR10>LR11_point"] == pytest.approx(3.7 / 2.4 - 1)
    assert "+54 %" in results["C7"].caveat


def test_c8_cut_and_derived_figures(results: dict[str, ClaimResult]) -> None:
    n = results["C8"].numbers
    # "2 to 2.5" lb/day (ends rounded to their last digit: [1.5, 2.55]) against [3.65, 3.75]
    assert n["cut_LR15_low"] == pytest.approx(1 - 2.55 / 3.65)
    assert n["cut_LR15_high"] == pytest.approx(1 - 1.5 / 3.75)
    assert n["peak_x_rest_kg_per_day"] == pytest.approx(3.7 * LB_KG * 2 / 3)
    assert n["derived_kg_per_day"] == "LR13 1.12, LR14 1.13"
    assert n["stated_fraction"] == pytest.approx(1 / 3, abs=1e-4)


def test_c9_undetermined_planned_rate(results: dict[str, ClaimResult]) -> None:
    n = results["C9"].numbers
    assert n["implied_planned_below_kg_per_day"] == pytest.approx(3.75 * LB_KG / 6)
    assert n["x_requirement_low"] == pytest.approx(3.65 / 2)
    assert n["x_requirement_high"] == pytest.approx(3.75 / 2)
    assert n["x_background_low"] == pytest.approx(3.65 * LB_KG / (0.227 * 1.25))
    assert "K27" in results["C9"].rows and "OF21" in results["C9"].rows


def test_c10_and_c11_numbers(results: dict[str, ClaimResult]) -> None:
    n10 = results["C10"].numbers
    assert n10["recurrence"] == "2026-05"
    assert n10["x_peak"] == pytest.approx(2 / 3.7)
    n11 = results["C11"].numbers
    assert n11["peak"] == "LR11"
    assert n11["peak_kg_per_day"] == pytest.approx(3.7 * LB_KG)
    assert n11["peak_kg_per_day_low"] == pytest.approx(3.65 * LB_KG)
    assert n11["peak_kg_per_day_high"] == pytest.approx(3.75 * LB_KG)


def test_c12_decay_constants_by_hand(results: dict[str, ClaimResult]) -> None:
    n = results["C12"].numbers
    assert (n["before"], n["after"], n["claimed_factor"]) == ("E2020-12", "E2021-03", 3.0)
    # 730 -> 620 mmHg in 18 +- 0.5 h; 730 -> 678 mmHg in 11.5 h +- 2 min; gauge +- 0.5 mmHg
    assert n["k_before_per_h_low"] == pytest.approx(math.log(729.5 / 620.5) / 18.5)
    assert n["k_before_per_h_high"] == pytest.approx(math.log(730.5 / 619.5) / 17.5)
    k_ratio = (math.log(730 / 620) / 18) / (math.log(730 / 678) / 11.5)
    assert float(n["k_ratio_low"]) < k_ratio < float(n["k_ratio_high"]) < 2.25  # not "3x"
    assert n["days_test_to_figure"] == 34  # 12 Mar test, 15 Apr statement
    assert {"OF15", "EV15", "PR05", "PR06", "PR07", "PR08"} <= set(results["C12"].rows)


# --------------------------------------------------------------------------------------
# perturbations: the verdicts follow the data
# --------------------------------------------------------------------------------------


def test_c3_april_rate_lowered(record: Any) -> None:
    r = evaluate("C3", _rate(record, "LR11", 1.0))
    assert r.verdict != "supported"
    assert r.verdict == "supported with caveats"  # 2.4 over "1" is only consistent: [1.57, 4.9]
    assert r.numbers["after"].startswith("LR10")  # type: ignore[union-attr]
    assert evaluate("C11", _rate(record, "LR11", 1.0)).verdict == "contradicted"


def test_c3_contradicted_when_no_baseline_allows_doubling(record: Any) -> None:
    rec = _drop(record, "leak_rates", lambda f: f["rate_id"].isin(["LR06", "LR07"]))
    rec = _rate(_rate(_rate(rec, "LR08", 2.0), "LR10", 2.4), "LR11", 2.6)
    rec = _drop(rec, "leak_rates", lambda f: f["rate_id"] == "LR09")
    r = evaluate("C3", rec)
    assert r.verdict == "contradicted"  # [2.55/2.5, 2.65/1.5] = [1.02, 1.77] < 2
    assert r.numbers["x_LR08_high"] == pytest.approx(2.65 / 1.5)


def test_c3_understated_and_undetermined(record: Any) -> None:
    only_low = _drop(record, "leak_rates", lambda f: f["rate_id"].isin(["LR07", "LR08"]))
    assert evaluate("C3", only_low).verdict == "supported with caveats"  # 14.6x: understated
    no_esc = _drop(record, "events", lambda f: f["category"] == "escalation")
    assert evaluate("C3", no_esc).verdict == "undetermined"


def test_c5_recurrence_events_and_rates(record: Any) -> None:
    no_rec = _drop(record, "events", lambda f: f["category"] == "recurrence")
    assert evaluate("C5", no_rec).verdict == "superseded"  # the 2026 rate LR18 remains
    no_rate = _drop(no_rec, "leak_rates", lambda f: f["rate_id"] == "LR18")
    assert evaluate("C5", no_rate).verdict == "superseded"  # EV51 remains
    quiet = _drop(no_rate, "events", lambda f: f["event_id"] == "EV51")
    assert evaluate("C5", quiet).verdict == "supported"
    assert evaluate("C10", quiet).verdict == "contradicted"
    other = _edit(quiet, "events", "event_id", "EV49", actor="Roscosmos")
    assert evaluate("C5", other).verdict == "supported with caveats"
    no_stop = _drop(record, "events", lambda f: f["category"] == "stop")
    assert evaluate("C5", no_stop).verdict == "undetermined"
    assert evaluate("C10", no_stop).verdict == "undetermined"


def test_c2_stop_moved(record: Any) -> None:
    early = _edit(record, "events", "event_id", "EV49", date_start="2022-01-01",
                  date_end="2022-01-02")
    r = evaluate("C2", early)
    assert r.verdict == "contradicted"
    assert r.numbers["years_high"] == pytest.approx(
        (pd.Timestamp("2022-01-02") - pd.Timestamp("2019-09-01")).days / DAYS)
    on_time = _edit(record, "events", "event_id", "EV49", date_start="2024-09-01",
                    date_end="2024-09-02")
    assert evaluate("C2", on_time).verdict == "supported with caveats"  # recurrence follows
    p = ClaimParams()
    cats = (*p.recurrence_categories, *p.response_categories)
    quiet = _drop(on_time, "events", lambda f: f["category"].isin(cats)
                  & (pd.to_datetime(f["date_start"]) > pd.Timestamp("2024-09-02")))
    assert evaluate("C2", quiet).verdict == "supported with caveats"  # LR15, LR18 follow
    quiet = _drop(quiet, "leak_rates",
                  lambda f: pd.to_datetime(f["period_start"]) > pd.Timestamp("2024-09-02"))
    assert evaluate("C2", quiet).verdict == "supported"
    no_stop = _drop(record, "events", lambda f: f["category"] == "stop")
    assert evaluate("C2", no_stop).verdict == "undetermined"


def test_c4_score_removed_or_lowered(record: Any) -> None:
    gone = _drop(record, "other_figures", lambda f: f["kind"] == "risk_score")
    assert evaluate("C4", gone).verdict == "undetermined"
    lower = _edit(record, "other_figures", "figure_id", "OF22", value_reported="4 x 5", value=4.0)
    r = evaluate("C4", lower)
    assert r.verdict == "contradicted" and r.numbers["likelihood"] == 4


def test_c1_cracks_and_dispute(record: Any) -> None:
    no_cracks = _drop(record, "events", lambda f: f["category"] == "crack")
    assert evaluate("C1", no_cracks).verdict == "undetermined"
    clean = _drop(record, "events", lambda f: f["category"] == "cause")
    clean = _drop(clean, "other_figures", lambda f: f["kind"] == "length")
    assert evaluate("C1", clean).verdict == "supported"
    assert evaluate("C1", clean, microscopic_mm=50.0).verdict == "supported"
    no_cause = _drop(record, "events", lambda f: f["category"] == "cause")
    assert evaluate("C1", no_cause).verdict == "supported with caveats"  # lengths in cm
    assert evaluate("C1", no_cause, microscopic_mm=50.0).verdict == "supported"


def test_c6_detection_date(record: Any) -> None:
    aug = _edit(record, "events", "event_id", "EV02", date_start="2019-08-01",
                date_end="2019-08-31")
    assert evaluate("C6", aug).verdict == "contradicted"
    wide = _edit(record, "events", "event_id", "EV02", date_start="2019-08-01")
    assert evaluate("C6", wide).verdict == "supported with caveats"
    no_note = _edit(record, "events", "event_id", "EV02", note=pd.NA)
    assert evaluate("C6", no_note).verdict == "supported"
    assert evaluate("C6", record, detection_month="2019-08").verdict == "contradicted"


def test_c7_april_rate_raised(record: Any) -> None:
    r = evaluate("C7", _rate(record, "LR11", 4.5))
    assert r.verdict == "contradicted"
    assert r.numbers["rise_LR10>LR11_low"] == pytest.approx(4.45 / 2.45 - 1)
    assert evaluate("C7", record, increase_pct=85.0).verdict == "supported with caveats"


def test_c8_post_repair_rate(record: Any) -> None:
    high = _rate(record, "LR15", 3.6)
    assert evaluate("C8", high).verdict == "contradicted"
    none = _drop(record, "leak_rates", lambda f: f["rate_id"] == "LR15")
    r = evaluate("C8", none)
    assert r.verdict == "supported with caveats" and "Only the stated fraction" in r.caveat
    # the derived 2.47 lb/day, if admitted, agrees with the statement it came from
    assert evaluate("C8", none, include_derived=True).verdict == "supported"


def test_c9_planned_rate_published(record: Any) -> None:
    low = _edit(record, "constants", "constant_id", "K27", value=0.5, qualifier="=")
    r = evaluate("C9", low)
    assert r.numbers["x_planned_low"] == pytest.approx(3.65 / 0.5)
    assert r.verdict == "supported with caveats"  # K27 cites one grade-A source: capped
    relayed = _edit(low, "constants", "constant_id", "K27", source_ids="S034;S027")
    assert evaluate("C9", relayed).verdict == "supported"
    high = _edit(record, "constants", "constant_id", "K27", value=1.0, qualifier="=")
    assert evaluate("C9", high).verdict == "contradicted"
    edge = _edit(record, "constants", "constant_id", "K27", value=0.61, qualifier="=")
    assert evaluate("C9", edge).verdict == "supported with caveats"  # [5.98, 6.15] straddles 6


def test_c12_follows_the_readings(record: Any) -> None:
    slower = _edit(record, "pressure_readings", "reading_id", "PR08", pressure_mmhg=705.0,
                   pressure_reported="705")
    r = evaluate("C12", slower)  # ln(730/705)/11.5 h: about 3 times slower than Dec 2020
    assert r.verdict == "supported with caveats"  # the statement came 34 days later
    assert r.numbers["k_ratio_low"] < 3 < r.numbers["k_ratio_high"]  # type: ignore[operator]
    gone = _drop(record, "other_figures", lambda f: f["figure_id"] == "OF15")
    assert evaluate("C12", gone).verdict == "undetermined"


def test_grades_parameter(record: Any) -> None:
    trusted = {r.claim_id: r for r in evaluate_all(record, grades=("P", "T"))}
    # the 2026 recurrence reaches the record only through grade-A relays, but the grade-T
    # 5 June 2026 safe-haven during a leak repair (EV51) follows the stop too
    assert trusted["C5"].verdict == "superseded"
    assert trusted["C10"].verdict == "supported with caveats"
    assert "only a response" in trusted["C10"].caveat
    assert trusted["C3"].verdict == "supported"
    assert "x_LR06_low" not in trusted["C3"].numbers
    for r in trusted.values():
        grades: dict[str, set[str]] = {}
        for row, _, g in r.evidence:
            grades.setdefault(row, set()).add(g)
        assert all(g & {"P", "T"} for g in grades.values()), r.claim_id


def test_grade_cap(record: Any) -> None:
    a_only = _edit(record, "leak_rates", "rate_id", "LR11", source_ids="S025")
    r = evaluate("C11", a_only)
    assert r.verdict == "supported with caveats" and "grade A" in r.caveat


def test_hand_built_record_follows_contract() -> None:
    """A small in-memory record with plain strings (no loader) is evaluated too."""
    sources = pd.DataFrame({"source_id": ["S1", "S2"], "grade": ["P", "A"]})
    rates = pd.DataFrame({
        "rate_id": ["R1", "R2", "R3"], "qualifier": ["=", "=", "="],
        "value": [1.0, 2.4, 3.7], "value_high": [None, None, None],
        "value_reported": ["1", "2.4", "3.7"], "unit": ["lb/day"] * 3,
        "period_start": ["2019-09-01", "2024-02-01", "2024-04-01"],
        "period_end": ["2024-02-06", "2024-02-29", "2024-04-30"],
        "period_precision": ["before", "month", "month"],
        "derived": [False] * 3, "source_ids": ["S1"] * 3,
    })
    events = pd.DataFrame({
        "event_id": ["E1", "E2", "E3"], "category": ["detection", "escalation", "stop"],
        "date_start": ["2019-09-01", "2024-02-07", "2024-09-01"],
        "date_end": ["2019-09-30", "2024-02-07", "2024-09-01"],
        "actor": ["NASA"] * 3, "source_ids": ["S1"] * 3, "note": [None] * 3,
    })
    figures = pd.DataFrame(columns=["figure_id", "kind", "value", "source_ids", "quantity"])
    constants = pd.DataFrame(columns=["constant_id", "name", "value", "unit", "source_ids"])
    rec = SimpleNamespace(sources=sources, leak_rates=rates, events=events,
                          other_figures=figures, constants=constants)
    res = {r.claim_id: r for r in evaluate_all(rec)}
    assert res["C2"].verdict == "supported"  # 4.92-5.0 years
    assert res["C3"].verdict == "supported"  # 3.7 over "1": [2.43, 7.5]
    assert res["C5"].verdict == "supported"
    assert res["C6"].verdict == "supported"
    assert res["C4"].verdict == "undetermined" and res["C1"].verdict == "undetermined"
    assert res["C9"].verdict == "undetermined" and res["C10"].verdict == "contradicted"


# --------------------------------------------------------------------------------------
# ledger, printing, errors
# --------------------------------------------------------------------------------------


def test_ledger_frame(record: Any) -> None:
    frame = ledger(record)
    assert list(frame.columns) == list(claims.LEDGER_COLUMNS)
    assert list(frame["claim_id"]) == list(CLAIMS)
    assert set(frame["verdict"]) <= set(VERDICTS)
    assert frame.loc[frame.claim_id == "C3", "numbers"].item().startswith("after=LR11")
    ev = frame.loc[frame.claim_id == "C4", "evidence"].item()
    assert ev.startswith("OF22: S035 (T), S032 (T)")
    assert len(frame) >= 10


def test_print_ledger_fits_width(record: Any, capsys: pytest.CaptureFixture[str]) -> None:
    print_ledger(record, width=110, full=True)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert all(len(line) <= 110 for line in lines), max(len(line) for line in lines)
    assert all(f"{cid} " in out for cid in CLAIMS)
    assert "verdicts: supported" in out


def test_render_numbers() -> None:
    assert render_numbers({"a_low": 1.0, "a_high": float("inf"), "b": "x", "c": 3}) == \
        "a [1, unbounded]; b=x; c=3"
    assert render_numbers({"a": 1.23456, "b": 2.0, "c": 3.0}, limit=2) == "a=1.23; b=2; ..."


def test_errors(record: Any) -> None:
    with pytest.raises(PrkError, match="unknown claim parameter"):
        ledger(record, tolerance=3)
    with pytest.raises(PrkError, match="grades"):
        ClaimParams(grades=("B",))
    with pytest.raises(PrkError, match="month"):
        ClaimParams(detection_month="Sept 2019")
    with pytest.raises(PrkError, match="unknown claim id"):
        evaluate("C99", record)
    with pytest.raises(PrkError, match="verdict"):
        ClaimResult("C1", "x", "true")
    bad = dataclasses.replace(record, events=record.events.drop(columns=["category"]))
    with pytest.raises(DataValidationError) as exc:
        evaluate("C2", bad)
    assert exc.value.file == "events" and exc.value.column == "category"
    unknown = _edit(record, "events", "event_id", "EV02", source_ids="S999")
    with pytest.raises(DataValidationError) as exc2:
        evaluate("C6", unknown)
    assert (exc2.value.file, exc2.value.row, exc2.value.column) == ("events", 2, "source_ids")
    with pytest.raises(DataValidationError):
        format_ledger(ledger(record), columns=("claim_id", "nope"))


def test_result_repr_and_frames(results: dict[str, ClaimResult]) -> None:
    r = results["C7"]
    assert repr(r).startswith("ClaimResult(C7, 'supported',")
    assert list(r.evidence_frame.columns) == ["row_id", "source_id", "grade"]
    assert r.summary().splitlines()[0].startswith("C7 [supported]")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.verdict = "contradicted"  # type: ignore[misc]
    with pytest.raises(TypeError):
        r.numbers["claimed_pct"] = 0.0  # type: ignore[index]


def test_claim_objects_are_evaluators(record: Any) -> None:
    r = CLAIMS["C10"](record, grades=("P", "T"))
    assert r.claim_id == "C10" and r.verdict == "supported with caveats"
    assert "C10" in repr(CLAIMS["C10"])


def test_doctests() -> None:
    res = doctest.testmod(claims)
    assert res.failed == 0 and res.attempted > 0


# --------------------------------------------------------------------------------------
# the rule "active after the stop" (C2, C5, C10), by perturbation
# --------------------------------------------------------------------------------------

PT = ("P", "T")
ALL = ("P", "T", "A")


def _without(record: Any, events: tuple[str, ...] = (), rates: tuple[str, ...] = ()) -> Any:
    rec = _drop(record, "events", lambda f: f["event_id"].isin(events))
    return _drop(rec, "leak_rates", lambda f: f["rate_id"].isin(rates))


@pytest.mark.parametrize("grades", [PT, ALL])
def test_stop_holds_without_ev51_and_the_recurrence_rows(record: Any, grades: Any) -> None:
    quiet = _without(record, ("EV50", "EV51"), ("LR18",))
    assert evaluate("C5", quiet, grades=grades).verdict == "supported"
    assert evaluate("C10", quiet, grades=grades).verdict == "contradicted"
    n = evaluate("C5", quiet, grades=grades).numbers
    assert (n["direct_events_after"], n["response_events_after"], n["rates_after"]) == (0, 0, 0)


@pytest.mark.parametrize("grades", [PT, ALL])
def test_ev51_alone_supersedes_the_stop(record: Any, grades: Any) -> None:
    only = _without(record, ("EV50",), ("LR18",))
    r5 = evaluate("C5", only, grades=grades)
    assert r5.verdict == "superseded" and r5.numbers["response"] == "EV51 safety 2026-06-05"
    assert "EV51" in r5.rows and "154-155 days after" in r5.caveat
    r10 = evaluate("C10", only, grades=grades)
    assert r10.verdict == "supported with caveats"  # a response, not a report of the leak
    r2 = evaluate("C2", only, grades=grades)
    # 2026-06-05 minus the stop [2026-01-01, 2026-01-02]: [154, 155] days
    assert r2.numbers["recurrence_after_years_low"] == pytest.approx(154 / DAYS)
    assert r2.numbers["recurrence_after_years_high"] == pytest.approx(155 / DAYS)


def test_post_stop_rule_reads_categories_and_dates(record: Any) -> None:
    only = _without(record, ("EV50",), ("LR18",))
    as_statement = _edit(only, "events", "event_id", "EV51", category="statement")
    assert evaluate("C5", as_statement, grades=PT).verdict == "supported"
    before = _edit(only, "events", "event_id", "EV51", date_start="2025-12-20",
                   date_end="2025-12-20")
    assert evaluate("C5", before, grades=PT).verdict == "supported"
    # the categories are parameters: without "safety" EV51 is not a leak response
    assert evaluate("C5", only, grades=PT,
                    response_categories=("repair", "hunt")).verdict == "supported"
    # a later leak hunt or repair counts like the safe-haven
    hunt = _edit(as_statement, "events", "event_id", "EV51", category="hunt")
    assert evaluate("C5", hunt, grades=PT).verdict == "superseded"
    # a positive rate dated after the stop, alone, supersedes it; a "<" bound does not
    quiet = _without(record, ("EV50", "EV51"))
    assert evaluate("C5", quiet, grades=ALL).verdict == "superseded"  # LR18, 2 lb/day
    bound = _edit(quiet, "leak_rates", "rate_id", "LR18", qualifier="<")
    assert evaluate("C5", bound, grades=ALL).verdict == "supported"


def test_c10_supported_when_a_trusted_source_reports_the_leak(record: Any) -> None:
    assert evaluate("C10", record).verdict == "supported with caveats"  # EV50/LR18 grade A
    trusted = _edit(record, "events", "event_id", "EV50", source_ids="S087")
    r = evaluate("C10", trusted, grades=PT)
    assert r.verdict == "supported" and r.numbers["recurrence"] == "2026-05"


# --------------------------------------------------------------------------------------
# C3: a break test only when the rate series allows one
# --------------------------------------------------------------------------------------


def test_c3_break_test_not_possible_on_the_record(results: dict[str, ClaimResult]) -> None:
    n = results["C3"].numbers
    # month-dated rates: LR01, LR02, LR03 before 2024; LR09, LR10, LR11, LR15 after
    assert (n["break_series_n"], n["break_series_before"]) == (7, 3)
    assert n["break_series_needed"] == 14  # floor(0.15 n) >= 2
    assert "no structural-change test is possible: the record has 7 dated rates" in (
        results["C3"].caveat)
    assert "break" not in n


def _monthly(record: Any, months: list[str], values: list[float]) -> Any:
    frame = record.leak_rates
    base = frame[frame["rate_id"] == "LR11"].iloc[0]
    rows = []
    for i, (m, v) in enumerate(zip(months, values, strict=True)):
        row = base.copy()
        per = pd.Period(m, freq="M")
        row["rate_id"] = f"LRX{i:02d}"
        row["period_start"] = per.start_time.normalize()
        row["period_end"] = per.end_time.normalize()
        row["value"] = v
        row["value_reported"] = f"{v:g}"
        rows.append(row)
    with warnings.catch_warnings():  # all-empty columns of the copied rows
        warnings.simplefilter("ignore", FutureWarning)
        new = pd.concat([frame, pd.DataFrame(rows)], ignore_index=True)
    return dataclasses.replace(record, leak_rates=new)


def test_c3_break_test_runs_when_the_series_allows(record: Any) -> None:
    # SIMULATED monthly rates (seeded): 1.0 lb/day through 2023, 2.6 lb/day from Feb 2024
    rng = np.random.default_rng(7)
    months = [f"2023-{m:02d}" for m in range(1, 13)] + [f"2024-{m:02d}" for m in (2, 3, 5, 6)]
    level = [1.0] * 12 + [2.6] * 4
    vals = [round(v * float(rng.uniform(0.95, 1.05)), 2) for v in level]
    rec = _monthly(record, months, vals)
    r = evaluate("C3", rec)
    assert r.numbers["break_series_n"] == 7 + 16
    assert r.numbers["break"] == "between LRX11 and LR09"  # Dec 2023 | Feb 2024
    assert r.verdict == "supported"
    # with the step moved to May 2023 (and no synthetic rate in the 60-day baseline window,
    # so the ratios still say "doubled") the break falls outside 2024: at most caveats
    months2 = [f"2023-{m:02d}" for m in range(1, 11)] + [f"2024-{m:02d}" for m in (2, 3, 5, 6)]
    early = [1.0] * 4 + [2.6] * 10
    rec2 = _monthly(record, months2, [round(v * float(rng.uniform(0.95, 1.05)), 2)
                                      for v in early])
    r2 = evaluate("C3", rec2)
    assert r2.numbers["break"] == "between LRX03 and LRX04"
    assert r2.verdict == "supported with caveats" and "not in 2024" in r2.caveat


# --------------------------------------------------------------------------------------
# one ledger, its parameters, and the grade sensitivity
# --------------------------------------------------------------------------------------


def test_ledger_carries_its_parameters(record: Any, capsys: pytest.CaptureFixture[str]) -> None:
    frame = ledger(record, grades=PT, approx_rel=0.2)
    assert frame.attrs["params"]["grades"] == PT
    assert frame.attrs["params"]["approx_rel"] == 0.2
    assert frame.attrs["params"]["include_derived"] is False
    text = frame.attrs["params_text"]
    assert text.startswith("grades=P/T; include_derived=False; include_secondary=False; "
                           "approx_rel=0.2")
    assert "response_categories=repair/safety/hunt" in text
    print_ledger(record, width=100, grades=PT)
    out = capsys.readouterr().out
    assert out.startswith("parameters: grades=P/T;")
    assert all(len(line) <= 100 for line in out.splitlines())


def test_grade_sensitivity_matches_the_ledgers(record: Any) -> None:
    t = claims.grade_sensitivity(record).set_index("claim_id")
    for grades in claims.GRADE_SETS:
        led = ledger(record, grades=grades).set_index("claim_id")["verdict"]
        assert t[f"grades {'/'.join(grades)}"].equals(led.rename(t.index.name and None))
    # after the post-stop rule, P/T and P/T/A agree on C5 and C10
    assert t.loc["C5", "grades P/T/A"] == t.loc["C5", "grades P/T"] == "superseded"
    assert t.loc["C10", "grades P/T/A"] == t.loc["C10", "grades P/T"]
    assert not t.loc["C5", "stable"]  # P alone has no stop event
    assert t.attrs["params"]["include_derived"] is False


def _chapter_parameters() -> dict[str, Any]:
    from prkanalysis.config import NOTEBOOKS_DIR

    text = (NOTEBOOKS_DIR / "04-claims.py").read_text(encoding="utf-8")
    cell = text.split('# %% tags=["parameters"]', 1)[1].split("# %%", 1)[0]
    ns: dict[str, Any] = {}
    exec(cell, ns)  # the parameters cell holds plain literals
    return ns


def test_chapter_04_main_table_is_the_index_ledger(record: Any) -> None:
    ns = _chapter_parameters()
    params = ClaimParams(grades=tuple(ns["GRADES"]), include_derived=ns["INCLUDE_DERIVED"],
                         approx_rel=ns["APPROX_REL"])
    assert params == ClaimParams(), "chapter 04 must declare the ledger defaults"
    chapter = ledger(record, params)
    index = ledger(record)  # what prkanalysis.report.build.default_ledger computes
    pd.testing.assert_frame_equal(chapter, index)
    assert chapter.attrs == index.attrs


def test_report_ledger_states_the_parameters(record: Any) -> None:
    from prkanalysis.report.render import Ledger, ledger_table_html

    frame = ledger(record)
    led = Ledger.from_frame(frame)
    assert led.parameters == frame.attrs["params_text"]
    assert Ledger.from_json(led.to_json()) == led  # survives the report cache
    html = ledger_table_html(led)
    assert html.startswith('<p class="ledger-params">Parameters: grades=P/T/A;')
