"""The claims ledger: one evaluator over data/claims.csv, as of any date, under any trust.

Verdicts are moved by changing data (a modified copy of the record), never by asserting a
typed verdict table; the rule text is checked against the band it is written from.
"""

from __future__ import annotations

import dataclasses
import importlib
import itertools
import math

import pandas as pd
import pytest

from prkanalysis import claims, load_record
from prkanalysis.analysis.judgements import defaults
from prkanalysis.claims.measures import Measured
from prkanalysis.errors import DataValidationError, PrkError

ALL = ("P", "T", "A")


@pytest.fixture(scope="module")
def rec():
    return load_record()


def _with(rec, **tables):
    """A copy of the record with some tables replaced (claims lives under ``extra``)."""
    extra = dict(rec.extra)
    if "claims" in tables:
        extra["claims"] = tables.pop("claims")
    return dataclasses.replace(rec, extra=extra, **tables)


def _claims(rec, claim_id, **cells):
    t = rec.table("claims").copy()
    for col, val in cells.items():
        t.loc[t["claim_id"] == claim_id, col] = val
    return t


def _verdicts(rec, **kw):
    led = claims.ledger(rec, **kw)
    return dict(zip(led["claim_id"], led["verdict"], strict=True))


def test_every_claim_of_the_table_is_judged(rec) -> None:
    led = claims.ledger(rec)
    assert list(led.columns) == list(claims.LEDGER_COLUMNS)
    assert list(led["claim_id"]) == list(rec.table("claims")["claim_id"])
    assert set(led["verdict"]) <= set(claims.VERDICTS)
    assert "grades=" + "/".join(defaults(rec).grades) in led.attrs["params_text"]


def test_judge_follows_the_band() -> None:
    band = claims.Band(2.0, 4.0, "ratio")
    assert claims.judge(band, Measured(value=(2.1, 2.5, 3.0))) == "supported"
    assert claims.judge(band, Measured(value=(1.5, 1.9, 2.2))) == "supported with caveats"
    assert claims.judge(band, Measured(value=(1.0, 1.2, 1.5))) == "contradicted"
    assert claims.judge(band, Measured(value=(2.1, 2.5, 3.0), flags=["x"])) == \
        "supported with caveats"
    assert claims.judge(band, Measured(value=(2.1, 2.5, 3.0), grades=["A", "A"])) == \
        "supported with caveats"
    assert claims.judge(band, Measured(value=(2.1, 2.5, 3.0), superseded="later")) == \
        "superseded"
    assert claims.judge(band, Measured(missing="nothing")) == "undetermined"
    loose = claims.Band(4.0, 6.0, "years", loose=(2.5, 7.5))
    assert claims.judge(loose, Measured(value=(7.0, 7.2, 7.4))) == "supported with caveats"
    assert claims.judge(loose, Measured(value=(8.0, 8.2, 8.4))) == "contradicted"
    cat = claims.Band(category="back")
    assert claims.judge(cat, Measured(category="back")) == "supported"
    assert claims.judge(cat, Measured(category="other")) == "contradicted"


def test_rule_text_is_written_from_the_band(rec) -> None:
    r = claims.evaluate("C11", rec)
    assert "[1.65, 1.75] kg/day" in r.rule
    moved = _with(rec, claims=_claims(rec, "C11", band_low="2.5", band_high="3"))
    r2 = claims.evaluate("C11", moved)
    assert "[2.5, 3] kg/day" in r2.rule and "1.65" not in r2.rule
    assert r2.verdict == "contradicted"  # the peak (1.66-1.70 kg/day) is far below the band


def test_every_rule_states_its_band(rec) -> None:
    rules = {r.claim_id: r.rule for r in claims.evaluate_all(rec)}
    for c in claims.claims_table(rec):
        want = f"'{c.band.category}'" if c.band.category else c.band.text()
        assert want in rules[c.claim_id], (c.claim_id, want)
        assert rules[c.claim_id].startswith(f"measure {c.measure}: ")


def test_c3_doubling_moves_with_its_band(rec) -> None:
    r = claims.evaluate("C3", rec)
    assert r.verdict == "supported"
    assert r.numbers["ratio"] == pytest.approx(2.4)  # LR10 (2.4) over LR08 (1 lb/day)
    assert "LR06" not in r.numbers["baselines"]  # undated "historic low"
    moved = _with(rec, claims=_claims(rec, "C3", band_low="3"))
    assert claims.evaluate("C3", moved).verdict == "supported with caveats"


def test_c5_supported_until_the_recurrence(rec) -> None:
    assert claims.evaluate("C5", rec).verdict == "superseded"
    stop = rec.events.loc[rec.events["category"] == "stop", "date_end"].max()
    before = rec.events[pd.to_datetime(rec.events["date_start"]) <= pd.Timestamp(stop)]
    rates = rec.leak_rates[~(pd.to_datetime(rec.leak_rates["period_start"])
                             > pd.Timestamp(stop))]
    quiet = _with(rec, events=before, leak_rates=rates)
    assert claims.evaluate("C5", quiet, grades=ALL).verdict in (
        "supported", "supported with caveats")


def test_c10_counts_trusted_reports_of_the_renewed_leak(rec) -> None:
    r = claims.evaluate("C10", rec, grades=("P", "T"))
    assert r.verdict == "supported" and r.numbers["trusted_sources"] >= 1
    later = pd.to_datetime(rec.events["date_start"]) > pd.Timestamp("2026-01-02")
    rates_later = pd.to_datetime(rec.leak_rates["period_start"]) > pd.Timestamp("2026-01-02")
    quiet = _with(rec, events=rec.events[~later], leak_rates=rec.leak_rates[~rates_later])
    r2 = claims.evaluate("C10", quiet, grades=ALL)
    assert r2.verdict == "undetermined" and "no report is not proof" in r2.caveat


def test_c9_reads_its_source(rec) -> None:
    r = claims.evaluate("C9", rec, grades=ALL)
    assert r.verdict == "supported with caveats" and "OF21" in r.rows
    gone = _with(rec, other_figures=rec.other_figures[rec.other_figures["figure_id"] != "OF21"])
    r2 = claims.evaluate("C9", gone, grades=ALL)
    assert r2.verdict == "undetermined" and "OF21" in r2.caveat


def test_c12_needs_a_test_between_sealing_and_statement(rec) -> None:
    r = claims.evaluate("C12", rec, grades=ALL)
    assert r.verdict == "undetermined" and "no pressure test lies between the sealing" in r.caveat
    # a test on 1 April 2021 decaying three times slower than Dec 2020 (730 -> 620 in 18 h)
    k = math.log(730 / 620) / 18 / 3
    p1 = round(730 * math.exp(-k * 12))
    extra = pd.DataFrame({
        "reading_id": ["PRX1", "PRX2"], "episode_id": ["EX"] * 2, "seq": [1, 2],
        "time": ["2021-04-01", pd.NA], "elapsed_h": [0.0, 12.0], "elapsed_low_h": [0.0, 12.0],
        "elapsed_high_h": [0.0, 12.0], "pressure_mmhg": [730.0, float(p1)],
        "pressure_reported": ["730", str(p1)], "kind": ["reading"] * 2,
        "source_ids": ["S016"] * 2})
    readings = pd.concat([rec.pressure_readings, extra], ignore_index=True)
    r2 = claims.evaluate("C12", _with(rec, pressure_readings=readings), grades=ALL)
    assert r2.verdict != "undetermined" and r2.numbers["after"] == "EX"
    lo, hi = r2.numbers["k_ratio_low"], r2.numbers["k_ratio_high"]
    mid = f"{(lo + hi) / 2:.6f}"
    hit = _with(rec, pressure_readings=readings,
                claims=_claims(rec, "C12", band_low=mid, band_high=mid))
    assert claims.evaluate("C12", hit, grades=ALL).verdict in (
        "supported with caveats", "supported")
    miss = _with(rec, pressure_readings=readings,
                 claims=_claims(rec, "C12", band_low=str(2 * hi), band_high=str(3 * hi)))
    assert claims.evaluate("C12", miss, grades=ALL).verdict == "contradicted"


def test_as_of_restricts_rows_and_sources(rec) -> None:
    day = pd.Timestamp("2024-03-01")
    r = claims.as_of(rec, day)
    assert len(r.events) < len(rec.events) and len(r.sources) < len(rec.sources)
    pub = pd.to_datetime(r.sources["published"].astype("string").str.slice(0, 7)
                         .str.pad(7, fillchar="x").str.replace("x", ""), errors="coerce",
                         format="mixed")
    assert not (pub > day).any()
    for name in ("leak_rates", "other_figures", "events"):
        t = getattr(r, name)
        cited = {s for ids in t["source_ids"] for s in str(ids).split(";") if s}
        assert cited <= set(r.sources["source_id"]) | (
            set(rec.sources["source_id"]) - set(rec.sources["source_id"]))
        if "reported_on" in t.columns:
            first = pd.to_datetime(t["reported_on"].astype("string").str.slice(0, 10),
                                   errors="coerce")
            assert not (first > day).any()
    assert claims.as_of(rec, None) is rec


def test_ledger_as_of_dates(rec) -> None:
    early = _verdicts(rec, as_of="2019-08-01")
    assert set(early.values()) == {"undetermined"}
    jan = claims.evaluate("C5", rec, as_of="2026-01-10")
    assert jan.verdict in ("supported", "supported with caveats")
    assert "net flow" in jan.caveat  # what a steady hold bounds (analysis.detection.stop_bound)
    assert _verdicts(rec, as_of="2026-06-06")["C5"] == "superseded"


def test_timeline_at_four_dates(rec) -> None:
    days = ["2019-08-01", "2024-03-01", "2026-01-10", "2026-06-06"]
    t = claims.timeline(rec, dates=days)
    assert len(t) == 4 * len(rec.table("claims"))
    c5 = t[t["claim_id"] == "C5"].set_index("as_of")["verdict"]
    assert c5.iloc[0] == "undetermined" and c5.iloc[-1] == "superseded"
    changes = claims.timeline_changes(t)
    assert {"C5"} <= set(changes["claim_id"])
    fig = claims.plot_timeline(t)
    assert len(fig.axes[0].patches) == len(t)


#: Evidence days around the verdict changes (first detection, 2020 leak hunt, the C12
#: statement, the 2024 rise, the 2026 stop, recurrence and shelter), in timeline order.
MEMO_DAYS = ["2019-09-01", "2020-09-29", "2020-09-30", "2021-04-16", "2024-03-01",
             "2025-09-11", "2026-01-01", "2026-01-02", "2026-05-21", "2026-06-05"]


@pytest.mark.parametrize("grades", [None, ALL])
def test_timeline_memo_equals_the_ledger_day_by_day(rec, monkeypatch, grades) -> None:
    """One parse and one cache for every day; a measure re-runs only when a row it read (or
    that row's sources) changed, and each day's results equal a plain ledger as of that day."""
    evaluate = importlib.import_module("prkanalysis.claims.evaluate")
    real, runs = evaluate.measure, []
    monkeypatch.setattr(evaluate, "measure", lambda *a: runs.append(a[0]) or real(*a))
    snaps, cache = claims.Snapshots(rec), {}
    memo = {d: evaluate._results(rec, claims.ClaimParams(grades, as_of=d), snaps, cache)
            for d in MEMO_DAYS}
    n_claims = len(rec.table("claims"))
    assert 0 < len(runs) < len(MEMO_DAYS) * n_claims  # results were reused, some re-run
    monkeypatch.undo()
    for d in MEMO_DAYS:  # verdict, numbers, evidence, caveat and rule, claim by claim
        assert memo[d] == claims.evaluate_all(rec, grades=grades, as_of=d), d
    t = claims.timeline(rec, grades=grades, dates=MEMO_DAYS)
    plain = pd.concat([claims.ledger(rec, grades=grades, as_of=d).assign(as_of=pd.to_datetime(d))
                       for d in MEMO_DAYS], ignore_index=True)
    pd.testing.assert_frame_equal(t, plain[list(t.columns)])
    assert len(claims.timeline_changes(t)) > n_claims  # the days do move verdicts


def test_as_of_snapshots_equal_a_fresh_filter(rec) -> None:
    snaps = claims.Snapshots(rec)
    for d in MEMO_DAYS:
        day, keys = snaps.at(d)
        fresh = claims.as_of(rec, d)
        for name in ("sources", *claims.EVIDENCE_TABLES):
            pd.testing.assert_frame_equal(getattr(day, name), getattr(fresh, name))
            assert keys[name] == claims.Snapshots(fresh).at(d)[1][name]  # same rows, same key


def test_the_as_of_record_changes_only_on_evidence_dates(rec) -> None:
    """Between two evidence dates nothing becomes public: not a row, not a source of one."""
    days, snaps = claims.evidence_dates(rec, start="2019-09-01"), claims.Snapshots(rec)

    def rows(day):  # each evidence table's kept rows and their cited sources
        return {n: k for n, k in snaps.at(day)[1].items() if n != "sources"}

    for a, b in itertools.pairwise(days):
        assert rows(a) == rows(b - pd.Timedelta(days=1)), (a, b)
    assert rows(days[-1]) == rows("2100-01-01")


def test_evidence_dates_follow_reported_on(rec) -> None:
    days = claims.evidence_dates(rec, start="2026-01-01")
    assert days == sorted(days) and all(d >= pd.Timestamp("2026-01-01") for d in days)
    assert pd.Timestamp("2026-06-05") in days


@pytest.mark.parametrize("grades", [("P",), ("P", "T"), ALL])
def test_every_trust_setting_runs_and_says_what_is_missing(rec, grades) -> None:
    led = claims.ledger(rec, grades=grades)
    assert set(led["verdict"]) <= set(claims.VERDICTS)
    und = led[led["verdict"] == "undetermined"]
    assert und["caveat"].str.startswith("Cannot be determined: ").all()
    if grades == ("P",):
        c1 = led.set_index("claim_id").loc["C1", "caveat"]
        assert "no grade-P source reports a crack find" in c1


def test_grade_sensitivity_columns(rec) -> None:
    g = claims.grade_sensitivity(rec)
    assert {"grades P", "grades P/T", "grades P/T/A", "stable"} <= set(g.columns)
    assert len(g) == len(rec.table("claims"))


def test_c2_duration_moves_with_its_band(rec) -> None:
    r = claims.evaluate("C2", rec)
    assert r.verdict == "supported with caveats"  # 6.3 years: outside [4, 6], inside [2.5, 7.5]
    lo, hi = r.numbers["years_low"], r.numbers["years_high"]
    around = _with(rec, claims=_claims(rec, "C2", band_low=str(lo - 0.5), band_high=str(hi + 0.5)))
    assert claims.evaluate("C2", around).verdict in ("supported", "supported with caveats")
    far = _with(rec, claims=_claims(rec, "C2", band_low="1", band_high="2", loose_low="",
                                    loose_high=""))
    assert claims.evaluate("C2", far).verdict == "contradicted"


@pytest.mark.parametrize(("kw", "words"), [
    ({"approx_rel": 5}, ["approx_rel", "5", "accepted"]),
    ({"grades": ("X",)}, ["grades", "X"]),
    ({"as_of": "not a day"}, ["as_of", "not a day", "YYYY-MM-DD"]),
    ({"as_of": 5}, ["as_of", "5", "YYYY-MM-DD"]),
    ({"include_derived": "yes"}, ["include_derived", "yes"]),
])
def test_bad_parameters_name_themselves(rec, kw, words) -> None:
    with pytest.raises(PrkError) as err:
        claims.ledger(rec, **kw)
    assert all(w in str(err.value) for w in words)


def test_bad_data_folder_names_the_path(tmp_path) -> None:
    missing = tmp_path / "some" / "folder"
    with pytest.raises(DataValidationError) as err:
        claims.ledger(str(missing))
    assert "folder" in str(err.value) and str(missing.name) in str(err.value)


def test_bad_claims_rows_name_file_row_column(rec) -> None:
    bad = _with(rec, claims=_claims(rec, "C2", band_low="four"))
    with pytest.raises(DataValidationError) as err:
        claims.ledger(bad)
    assert "claims.csv" in str(err.value) and "band_low" in str(err.value) and \
        "row 2" in str(err.value)
    unknown = _with(rec, claims=_claims(rec, "C2", measure="no_such_measure"))
    with pytest.raises(PrkError, match="no_such_measure"):
        claims.ledger(unknown)
    with pytest.raises(PrkError, match="unknown claim id"):
        claims.evaluate("C99", rec)


def test_print_and_cli(rec, capsys) -> None:
    from prkanalysis.cli import main

    assert main(["ledger", "--as-of", "2019-08-01", "--grades", "P/T"]) == 0
    out = capsys.readouterr().out
    assert "as_of=2019-08-01" in out and "undetermined 12" in out


def test_timeline_starts_at_the_first_detection(rec) -> None:
    early = claims.as_of(rec, "2020-12-31")  # a short record keeps the run quick
    t = claims.timeline(early)
    first = pd.Timestamp(early.events.loc[early.events["category"] == "detection",
                                          "date_start"].astype(str).min())
    assert t["as_of"].min() == first
    assert set(t.loc[t["as_of"] == first, "verdict"]) == {"undetermined"}
    assert t["as_of"].nunique() >= 4 and t["as_of"].is_monotonic_increasing
