"""The shared judgements, the one trusted-rate selection and the one 2024 ratio computation."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from prkanalysis import clean, episodes
from prkanalysis.analysis import judgements, rates
from prkanalysis.errors import DataValidationError, PrkError


@pytest.fixture(scope="module")
def rec():  # type: ignore[no-untyped-def]
    import prkanalysis

    return prkanalysis.load_record()


def _with_judgements(rec, edit):  # type: ignore[no-untyped-def]
    table = judgements.table(rec)
    edit(table)
    return SimpleNamespace(extra={"judgements": table})


# ---------------------------------------------------------------------------------------------
# judgements


def test_defaults_typed(rec) -> None:  # type: ignore[no-untyped-def]
    d = judgements.defaults(rec)
    assert set(d.grades) <= {"P", "T", "A"} and d.grades
    assert isinstance(d.include_derived, bool) and 0 < d.approx_rel < 1
    assert pd.Timestamp(d.increase_start) <= pd.Timestamp(d.increase_end)
    assert d.replace(grades="a;p").grades == ("P", "A")
    assert d.replace(grades=None) == d
    with pytest.raises(PrkError, match="unknown judgement"):
        d.replace(nonsense=1)


@pytest.mark.parametrize(("name", "value", "column", "match"), [
    ("trusted_grades", "P;X", "value", "subset of P;T;A"),
    ("include_derived", "maybe", "value", "true or false"),
    ("approx_rel", "1.5", "value", r"\(0, 1\)"),
    ("baseline_days", "3.5", "value", "whole number"),
    ("increase_start", "Feb 2024", "value", "YYYY-MM-DD"),
])
def test_bad_judgement_names_file_row_column(rec, name, value, column, match) -> None:  # type: ignore[no-untyped-def]
    def edit(t: pd.DataFrame) -> None:
        t.loc[t["name"] == name, "value"] = value

    fake = _with_judgements(rec, edit)
    row = int(judgements.table(rec).index[judgements.table(rec)["name"] == name][0]) + 1
    with pytest.raises(DataValidationError, match=match) as err:
        judgements.defaults(fake)
    assert err.value.file == "judgements.csv" and err.value.row == row
    assert err.value.column == column and err.value.value == value


def test_missing_duplicate_unknown_judgement(rec) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataValidationError, match="missing"):
        judgements.defaults(_with_judgements(rec, lambda t: t.drop(t.index[0], inplace=True)))
    with pytest.raises(DataValidationError, match="unknown judgement"):
        judgements.defaults(_with_judgements(
            rec, lambda t: t.loc.__setitem__((t.index[0], "name"), "typo_name")))

    def dup(t: pd.DataFrame) -> None:
        t.loc[len(t)] = t.iloc[0]
    with pytest.raises(DataValidationError, match="twice"):
        judgements.defaults(_with_judgements(rec, dup))


def test_check_grades_forms() -> None:
    assert judgements.check_grades("TP") == ("P", "T")
    assert judgements.check_grades(["a", "t"]) == ("T", "A")
    for bad in ("", (), "PX", ["Q"]):
        with pytest.raises(PrkError, match="subset of P, T, A"):
            judgements.check_grades(bad)


# ---------------------------------------------------------------------------------------------
# one selection


def test_is_true() -> None:
    s = pd.Series([True, False, "true", "False", "1", "0", None, pd.NA, "yes", 1, 0])
    assert rates.is_true(s).tolist() == [True, False, True, False, True, False, False, False,
                                          True, True, False]
    assert episodes._is_true is rates.is_true


@pytest.mark.parametrize("grades", [("P",), ("P", "T"), ("P", "T", "A")])
def test_selection_accounting_and_rules(rec, grades) -> None:  # type: ignore[no-untyped-def]
    kept, audit = rates.trusted_rates(rec, grades)
    dropped = audit[audit["action"] == "dropped"]
    assert len(kept) + len(dropped) == len(rec.leak_rates)
    assert set(kept["grade_best"].astype(str)) <= set(grades)
    assert not rates.is_true(kept["derived"]).any()
    assert not rates.is_true(kept["secondary"]).any()
    assert kept["duplicate_of"].isna().all()
    # every other path to "the trusted rates" is this selection
    old, _ = clean.clean_leak_rates(rec.leak_rates, sources=rec.sources, grades=grades,
                                    contest_groups=rec.extra.get("contest_groups"))
    pd.testing.assert_frame_equal(old, kept)


def test_contest_alternatives_count_once() -> None:
    df = pd.DataFrame({"rate_id": ["a", "b", "c", "d"], "grade_best": ["T", "A", "T", "T"],
                       "contest_group": ["CG1", "CG1", "CG2", None]})
    cg = pd.DataFrame({"group_id": ["CG1", "CG2"], "preferred_ids": ["a", None]})
    kept, audit = rates.select_trusted(df, grades="PTA", contest_groups=cg)
    # b is CG1's alternative (a preferred); CG2 is undecided, so c stays
    assert kept["rate_id"].tolist() == ["a", "c", "d"]
    assert audit["code"].tolist() == ["DROP_ALTERNATIVE"] and audit["row_id"].tolist() == ["b"]
    kept, _ = rates.select_trusted(df, grades="PTA", contest_groups=cg, keep_alternatives=True)
    assert len(kept) == 4


def test_select_trusted_as_of_regrades() -> None:
    df = pd.DataFrame({
        "rate_id": ["a", "b", "c"], "grade_best": ["P", "P", "T"],
        "source_ids": ["S1;S2", "S2", "S3"],
        "reported_on": ["2024-01-10", "2024-03-01", "2024-01"],
    })
    src = pd.DataFrame({"source_id": ["S1", "S2", "S3"], "grade": ["T", "P", "T"],
                        "published": ["2024-01-10", "2024-03-01", "2024-01"]})
    kept, audit = rates.select_trusted(df, grades="PTA", as_of="2024-02-01", sources=src)
    # a: only its T source was out by then (regraded T); b: not yet reported; c: month counts
    assert kept["rate_id"].tolist() == ["a", "c"]
    assert kept.set_index("rate_id").loc["a", "grade_best"] == "T"
    assert audit["code"].tolist() == ["DROP_AS_OF"] and audit["row_id"].tolist() == ["b"]
    with pytest.raises(PrkError, match="as_of"):
        rates.select_trusted(df, as_of="not a date")


# ---------------------------------------------------------------------------------------------
# one 2024 ratio computation


def _rate(rid: str, lo: float, hi: float, start: str | None, end: str | None,
          precision: str = "month", dup: str | None = None) -> dict[str, object]:
    return {"rate_id": rid, "kg_per_day": (lo + hi) / 2, "kg_per_day_low": lo,
            "kg_per_day_high": hi, "period_start": pd.Timestamp(start) if start else pd.NaT,
            "period_end": pd.Timestamp(end) if end else pd.NaT, "period_precision": precision,
            "duplicate_of": dup}


def test_ratios_need_a_dated_baseline() -> None:
    df = pd.DataFrame([
        _rate("base", 1.0, 1.0, None, "2024-02-06", "before"),  # end dated: a baseline
        _rate("undated", 0.1, 0.1, None, None, "unknown"),  # no date: never a baseline
        _rate("old", 0.5, 0.5, "2023-06-01", "2023-06-30"),  # ended too long before
        _rate("feb", 2.0, 3.0, "2024-02-01", "2024-02-29"),
        _rate("apr", 3.0, 4.0, "2024-04-01", "2024-04-30"),
        _rate("apr2", 3.0, 4.0, "2024-04-01", "2024-04-30", dup="apr"),  # restatement
    ])
    r = rates.ratios_2024(df)
    assert sorted(zip(r["before_id"], r["after_id"], strict=True)) == [
        ("base", "apr"), ("base", "feb")]
    feb = rates.ratios_2024(df, after_months=["2024-02"])
    assert feb["after_id"].tolist() == ["feb"]
    assert feb["ratio_low"].iloc[0] == 2.0 and feb["ratio_high"].iloc[0] == 3.0
    band = rates.ratio_band(r)
    assert (band["low"], band["high"], band["n_pairs"], band["n_at_least_doubled"]) == (
        2.0, 4.0, 2, 2)
    # a longer window still cannot take in an undated figure
    r60 = rates.ratios_2024(df, baseline_days=400)
    assert "undated" not in set(r60["before_id"]) and "old" in set(r60["before_id"])
    after, before = rates.rates_2024(df)
    assert sorted(after["rate_id"]) == ["apr", "feb"] and before["rate_id"].tolist() == ["base"]


def test_ratios_real_reference(rec) -> None:  # type: ignore[no-untyped-def]
    trusted, _ = rates.trusted_rates(rec, ("P", "T"))
    r = rates.ratios_2024(trusted)
    oig = r[(r["before_id"] == "LR07") & (r["after_id"] == "LR10")]
    if len(oig):  # "less than 1 lb/day" before, "2.4 lb/day" after (record section 3)
        assert oig["ratio_low"].iloc[0] == pytest.approx(2.35, rel=1e-9)
        assert math.isinf(oig["ratio_high"].iloc[0])
    assert episodes.ratios_2024 is rates.ratios_2024


def test_empty_band_is_undetermined() -> None:
    band = rates.ratio_band(pd.DataFrame(columns=list(rates.RATIO_COLUMNS)))
    assert band["determined"] is False and band["n_pairs"] == 0 and math.isnan(band["low"])


def test_ratios_missing_column_named() -> None:
    with pytest.raises(DataValidationError, match="period_end"):
        rates.ratios_2024(pd.DataFrame({"rate_id": [], "kg_per_day": [], "kg_per_day_low": [],
                                        "kg_per_day_high": [], "period_start": []}))


def test_changing_a_judgement_row_moves_the_numbers(rec) -> None:  # type: ignore[no-untyped-def]
    """A reader edits data/judgements.csv and re-runs: the selection and ratios follow."""
    def edited(**values: str):  # type: ignore[no-untyped-def]
        table = judgements.table(rec)
        for name, value in values.items():
            table.loc[table["name"] == name, "value"] = value
        return SimpleNamespace(leak_rates=rec.leak_rates, sources=rec.sources,
                               extra={**rec.extra, "judgements": table})

    all_grades = edited(trusted_grades="P;T;A")
    wide, _ = rates.trusted_rates(all_grades)
    assert set(wide["grade_best"].astype(str)) <= {"P", "T", "A"}
    assert len(wide) == len(rates.trusted_rates(rec, ("P", "T", "A"))[0])
    narrow, _ = rates.trusted_rates(edited(trusted_grades="P"))
    assert len(narrow) == len(rates.trusted_rates(rec, ("P",))[0])
    # a zero-day baseline window leaves no baseline, so no ratio
    j0 = judgements.defaults(edited(baseline_days="0", onset_slack_days="0"))
    trusted, _ = rates.trusted_rates(rec)
    assert rates.ratios_2024(trusted, judgements=j0).empty
