"""Cleaning: bound rules against the published figures, date intervals, audited filters."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from evidence_pkg import real_data_available, write_package
from hypothesis import given
from hypothesis import strategies as st

from prkanalysis import clean
from prkanalysis.codes import AUDIT_COLUMNS, CODES, Code, describe
from prkanalysis.errors import DataValidationError
from prkanalysis.record import load_record
from prkanalysis.units import LB_KG

T = pd.Timestamp


@pytest.fixture(scope="module")
def rec(tmp_path_factory: pytest.TempPathFactory):
    return load_record(write_package(tmp_path_factory.mktemp("pkg") / "pkg"))


@pytest.fixture(scope="module")
def norm(rec):
    return clean.normalize_leak_rates(rec.leak_rates, sources=rec.sources)


def row(frame: pd.DataFrame, rid: str) -> pd.Series:
    return frame.set_index("rate_id").loc[rid]


# ----------------------------------------------------------------------------- bounds


def test_april_2024_peak(norm) -> None:
    clean_, _ = norm
    r = row(clean_, "LR05")  # OIG 3.7 lb/day
    assert r.kg_per_day == pytest.approx(3.7 * LB_KG, abs=0, rel=1e-15)
    assert round(r.kg_per_day, 3) == 1.678
    assert r.kg_per_day_low == pytest.approx(3.65 * LB_KG, rel=1e-15)
    assert r.kg_per_day_high == pytest.approx(3.75 * LB_KG, rel=1e-15)
    assert (round(r.kg_per_day_low, 4), round(r.kg_per_day_high, 4)) == (1.6556, 1.7010)


def test_feb_2024_rounding(norm) -> None:
    r = row(norm[0], "LR04")  # 2.4 lb/day
    assert (r.kg_per_day_low / LB_KG, r.kg_per_day_high / LB_KG) == pytest.approx((2.35, 2.45))


def test_less_than_one(norm) -> None:
    r = row(norm[0], "LR02")
    assert (r.kg_per_day_low, r.kg_per_day_high) == (0.0, LB_KG)


def test_grams_per_day(norm) -> None:
    r = row(norm[0], "LR01")  # 270 g per 24 h
    assert r.kg_per_day == pytest.approx(0.270)
    assert (r.kg_per_day_low, r.kg_per_day_high) == pytest.approx((0.2695, 0.2705))


def test_little_over_nearly_about_range(norm) -> None:
    c = norm[0]
    assert (row(c, "LR03").kg_per_day_low, row(c, "LR03").kg_per_day_high) == pytest.approx(
        (2 * LB_KG, 2.5 * LB_KG))
    assert (row(c, "LR06").kg_per_day_low, row(c, "LR06").kg_per_day_high) == pytest.approx(
        (1.7 * 0.875, 1.7))
    # "nearly 1.7 kg/day" (SpaceNews) contains the OIG's 3.7 lb/day
    assert row(c, "LR06").kg_per_day_low <= 3.7 * LB_KG <= row(c, "LR06").kg_per_day_high
    assert (row(c, "LR07").kg_per_day_low, row(c, "LR07").kg_per_day_high) == pytest.approx(
        (1.13 * 0.75, 1.13 * 1.25))
    r = row(c, "LR08")  # "2 to 2.5" lb/day
    assert (r.kg_per_day_low / LB_KG, r.kg_per_day_high / LB_KG) == pytest.approx((1.5, 2.55))
    assert r.kg_per_day == pytest.approx(2.25 * LB_KG)


def test_one_prints_half_to_one_and_a_half() -> None:
    assert clean.rate_bounds("=", 1.0, printed="1")[:2] == (0.5, 1.5)
    assert clean.rate_bounds("=", 1.0, printed="1", rounding=False)[:2] == (1.0, 1.0)


def test_parameters_change_bounds() -> None:
    lo, hi, code = clean.rate_bounds("~", 2.0, approx_rel=0.1)
    assert (lo, hi, code) == (pytest.approx(1.8), pytest.approx(2.2), Code.BOUND_APPROX)
    assert clean.rate_bounds("~<", 2.0, nearly_rel=0.5)[:2] == (1.0, 2.0)
    assert clean.rate_bounds("<", 2.0, lt_floor=0.2)[:2] == (0.2, 2.0)
    assert clean.rate_bounds(">", 6.0, approx_rel=0.5)[:2] == (6.0, 9.0)


def test_bad_qualifier_and_range() -> None:
    with pytest.raises(DataValidationError) as e:
        clean.rate_bounds("about", 1.0)
    assert e.value.column == "qualifier"
    with pytest.raises(DataValidationError) as e:
        clean.rate_bounds("range", 1.0, None)
    assert e.value.column == "value_high"


@given(
    v=st.decimals(min_value="0.001", max_value="10000", places=3),
    approx=st.floats(min_value=0, max_value=0.9),
    q=st.sampled_from(["=", "<", ">", "~", "~>", "~<"]),
)
def test_bounds_bracket_value(v, approx, q) -> None:
    printed = str(v)
    lo, hi, _ = clean.rate_bounds(q, float(v), printed=printed, approx_rel=approx)
    assert lo <= float(v) <= hi


@given(
    v=st.decimals(min_value="0.01", max_value="1000", places=2),
    unit=st.sampled_from(["lb/day", "g/day", "kg/day", "kg/h"]),
)
def test_bounds_monotone_in_digits_and_kept_by_conversion(v, unit) -> None:
    # fewer printed digits -> wider (or equal) bounds, nested
    coarse = str(v.quantize(1))
    fine = str(v.quantize(pytest.importorskip("decimal").Decimal("0.01")))
    if float(coarse) == 0:
        return
    c_lo, c_hi, _ = clean.rate_bounds("=", float(coarse), printed=coarse)
    f_lo, f_hi, _ = clean.rate_bounds("=", float(fine), printed=fine)
    assert c_hi - c_lo >= f_hi - f_lo
    df = pd.DataFrame({"value": [float(fine)], "qualifier": ["="], "unit": [unit],
                       "value_reported": [fine]})
    out, _ = clean.normalize_leak_rates(df, sources=None)
    r = out.iloc[0]
    assert r.kg_per_day_low <= r.kg_per_day <= r.kg_per_day_high


def test_unknown_unit_in_clean_names_row() -> None:
    df = pd.DataFrame({"value": [1.0, 2.0], "qualifier": ["=", "="],
                       "unit": ["lb/day", "stone/week"]})
    with pytest.raises(DataValidationError) as e:
        clean.normalize_leak_rates(df, sources=None)
    assert (e.value.file, e.value.row, e.value.column) == ("leak_rates", 2, "unit")


def test_missing_column_in_clean() -> None:
    with pytest.raises(DataValidationError) as e:
        clean.normalize_leak_rates(pd.DataFrame({"value": [1.0]}), sources=None)
    assert e.value.column == "qualifier"


# ----------------------------------------------------------------------------- audit


def test_audit_shape_and_codes(norm) -> None:
    clean_, audit = norm
    assert tuple(audit.columns) == AUDIT_COLUMNS
    assert set(audit.code) <= set(CODES.code)
    bound_rows = audit[audit.code.str.startswith("BOUND_")]
    assert len(bound_rows) == len(clean_)  # one bound entry per rate
    assert row(clean_, "LR05").name == "LR05"
    by_id = bound_rows.set_index("row_id")
    assert by_id.loc["LR05", "code"] == "BOUND_ROUNDING"
    assert by_id.loc["LR02", "code"] == "BOUND_QUALIFIER_LT"
    assert by_id.loc["LR08", "code"] == "BOUND_RANGE"
    assert by_id.loc["LR03", "code"] == "BOUND_LITTLE_OVER"
    assert by_id.loc["LR06", "code"] == "BOUND_NEARLY"


def test_originals_kept(rec, norm) -> None:
    clean_, _ = norm
    for col in rec.leak_rates.columns:
        if col in ("period_start", "period_end"):
            continue
        pd.testing.assert_series_equal(clean_[col], rec.leak_rates[col])


def test_input_not_mutated(rec) -> None:
    before = rec.leak_rates.copy()
    clean.clean_leak_rates(rec.leak_rates, sources=rec.sources)
    pd.testing.assert_frame_equal(rec.leak_rates, before)


def test_grade_best(norm) -> None:
    c = norm[0]
    assert row(c, "LR07").grade_best == "A"
    assert row(c, "LR05").grade_best == "T"
    assert clean.best_grade("a;b;c", {"a": "A", "b": "P", "c": "T"}) == "P"


def test_filters_account_for_every_row(norm) -> None:
    c = norm[0]
    kept, audit = clean.filter_grades(c, {"P", "T"})
    assert len(c) == len(kept) + len(audit)
    assert set(audit.row_id) == {"LR07", "LR08"}
    assert set(audit.code) == {"DROP_GRADE"}
    kept, audit = clean.drop_derived(c)
    assert list(audit.row_id) == ["LR07"] and len(kept) == len(c) - 1
    kept, audit = clean.drop_duplicates_of(c)
    assert list(audit.row_id) == ["LR06"] and audit.loc[0, "before"] == "LR05"
    kept, audit = clean.filter_grades(c, ("P",))
    assert len(kept) == 0 and len(audit) == len(c)


def test_pipeline(rec) -> None:
    out, audit = clean.clean_leak_rates(rec.leak_rates, sources=rec.sources)
    dropped = audit[audit.action == "dropped"]
    assert len(rec.leak_rates) == len(out) + len(dropped)
    assert set(out.rate_id) == {"LR01", "LR02", "LR03", "LR04", "LR05"}
    assert dict(zip(dropped.row_id, dropped.code, strict=True)) == {
        "LR07": "DROP_DERIVED", "LR06": "DROP_DUPLICATE", "LR08": "DROP_GRADE"}
    everything, a2 = clean.clean_leak_rates(rec.leak_rates, sources=rec.sources,
                                            grades="PTA", keep_derived=True,
                                            keep_duplicates=True)
    assert len(everything) == len(rec.leak_rates) and not (a2.action == "dropped").any()


def test_filter_grades_rejects_unknown_grade(norm) -> None:
    with pytest.raises(DataValidationError):
        clean.filter_grades(norm[0], {"B"})


def test_codes_table() -> None:
    assert CODES.code.is_unique
    assert set(CODES.action) == {"changed", "dropped", "flagged"}
    assert describe(Code.DROP_DERIVED).startswith("DROP_DERIVED (dropped)")
    with pytest.raises(KeyError):
        describe("NOPE")


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "precision", "expected"),
    [
        ("2024-04-12", "day", (T("2024-04-12"), T("2024-04-12"))),
        ("2021-07-14T10:00Z", "hour", (T("2021-07-14"), T("2021-07-14"))),
        ("2024-04-01", "month", (T("2024-04-01"), T("2024-04-30"))),
        ("2024-02", "month", (T("2024-02-01"), T("2024-02-29"))),
        ("Sept 2019", "month", (T("2019-09-01"), T("2019-09-30"))),
        ("2024-02-07", "week", (T("2024-02-07"), T("2024-02-13"))),
        ("Summer 2021", "season", (T("2021-06-01"), T("2021-08-31"))),
        ("2021-07-14", "season", (T("2021-06-01"), T("2021-08-31"))),
        ("2021-01-10", "season", (T("2020-12-01"), T("2021-02-28"))),
        ("2024", "year", (T("2024-01-01"), T("2024-12-31"))),
        ("2022/2023", "range", (T("2022-01-01"), T("2023-12-31"))),
        ("2024-02 to 2024-04", "range", (T("2024-02-01"), T("2024-04-30"))),
        ("2024-02-01", "before", (pd.NaT, T("2024-01-31"))),
    ],
)
def test_date_interval(text, precision, expected) -> None:
    got = clean.date_interval(text, precision)
    for g, e in zip(got, expected, strict=True):
        assert (pd.isna(g) and pd.isna(e)) or g == e


def test_date_interval_unknown_and_errors() -> None:
    assert all(pd.isna(x) for x in clean.date_interval("2024-01-01", "unknown"))
    assert all(pd.isna(x) for x in clean.date_interval("", "month"))
    with pytest.raises(DataValidationError) as e:
        clean.date_interval("2024-01-01", "fortnight")
    assert e.value.column == "precision"
    with pytest.raises(DataValidationError) as e:
        clean.date_interval("the other day", "day")
    assert e.value.column == "text"


def test_periods_filled_and_opened() -> None:
    df = pd.DataFrame({
        "rate_id": ["a", "b", "c", "d"],
        "value": [1.0] * 4, "qualifier": ["="] * 4, "unit": ["lb/day"] * 4,
        "period_start": [T("2024-04-01"), T("2024-02-01"), T("2021-06-01"), T("2019-09-01")],
        "period_end": [pd.NaT, pd.NaT, T("2021-08-31"), pd.NaT],
        "period_precision": ["month", "before", "season", "unknown"],
    })
    out, audit = clean.normalize_leak_rates(df, sources=None)
    assert out.period_end.tolist()[:3] == [T("2024-04-30"), T("2024-01-31"), T("2021-08-31")]
    assert pd.isna(out.period_start[1]) and pd.isna(out.period_start[3])
    codes = audit[~audit.code.str.startswith("BOUND_")].set_index("row_id").code.to_dict()
    assert codes == {"a": "DATE_INTERVAL", "b": "DATE_OPEN_START", "d": "DATE_UNKNOWN"}
    assert out.period_start.dtype == "datetime64[ns]"
    df2 = df.assign(period_start=[T("2024-04-01"), T("2019-09-01"), T("2021-06-01"), pd.NaT],
                    period_end=[pd.NaT, T("2024-01-31"), T("2021-08-31"), pd.NaT])
    kept, audit = clean.normalize_leak_rates(df2, sources=None, open_before=False)
    assert kept.period_start[1] == T("2019-09-01") and kept.period_end[1] == T("2024-01-31")
    assert "DATE_OPEN_START" not in set(audit.code)
    opened, audit = clean.normalize_leak_rates(df2, sources=None)
    assert pd.isna(opened.period_start[1]) and "DATE_OPEN_START" in set(audit.code)


# ----------------------------------------------------------------------------- pressure


def test_pressure_readings(rec) -> None:
    out, audit = clean.normalize_pressure_readings(rec.pressure_readings)
    assert len(out) == len(rec.pressure_readings)
    flagged = audit[audit.action == "flagged"]
    assert dict(zip(flagged.row_id, flagged.code, strict=True)) == {"PR06": "FLAG_TARGET"}
    assert out.is_measurement.tolist() == [True] * 5 + [False]
    assert out.elapsed_d.iloc[1] == 6.0
    assert out.pressure_pa.iloc[0] == pytest.approx(473 * 101325 / 760)
    assert (out.elapsed_low_d <= out.elapsed_d).all()
    assert (out.elapsed_d <= out.elapsed_high_d).all()


def test_pressure_bounds_filled_from_precision() -> None:
    df = pd.DataFrame({"reading_id": ["a", "b", "c", "d"], "elapsed_h": [0.0, 11.5, 18, np.nan],
                       "time_precision": ["hour", "hour", "day", "unknown"],
                       "pressure_mmhg": [730, 678, 620, 200],
                       "kind": ["reading", "reading", "reading", "held"]})
    out, audit = clean.normalize_pressure_readings(df)
    assert (out.elapsed_low_d * 24).tolist()[:3] == [0.0, 10.5, 0.0]
    assert (out.elapsed_high_d * 24).tolist()[:3] == [0.0, 12.5, 42.0]
    assert set(audit[audit.row_id == "d"].code) == {"FLAG_HELD", "FLAG_NO_ELAPSED"}
    assert not out.is_measurement.iloc[3]
    assert math.isnan(out.elapsed_d.iloc[3])


# ----------------------------------------------------------------------------- real data


@pytest.mark.skipif(not real_data_available(), reason="data/ has no datapackage.json yet")
def test_real_april_peak_and_accounting() -> None:
    rec = load_record()
    out, _audit = clean.normalize_leak_rates(rec.leak_rates, sources=rec.sources)
    peak = out[(out.unit == "lb/day") & (out.value == 3.7) & (out.qualifier == "=")]
    assert len(peak) >= 1
    assert peak.kg_per_day.iloc[0] == pytest.approx(1.678291769, abs=1e-9)
    assert peak.kg_per_day_low.iloc[0] == pytest.approx(1.6556, abs=1e-4)
    assert peak.kg_per_day_high.iloc[0] == pytest.approx(1.7010, abs=1e-4)
    assert (out.kg_per_day_low <= out.kg_per_day + 1e-12).all()
    assert (out.kg_per_day <= out.kg_per_day_high + 1e-12).all()
    kept, a2 = clean.clean_leak_rates(rec.leak_rates, sources=rec.sources)
    assert len(rec.leak_rates) == len(kept) + int((a2.action == "dropped").sum())
    pr, _ = clean.normalize_pressure_readings(rec.pressure_readings)
    assert len(pr) == len(rec.pressure_readings)


