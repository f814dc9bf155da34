"""Every chapter and the ledger run under every trust setting, and say what they cannot tell.

Each chapter (00-05) is executed by the report's executor with ``GRADES`` injected into its
parameters cell as P only, P/T and P/T/A (the setting equal to the shared default runs the
chapter as committed; a chapter without a GRADES parameter runs once). Requirements (issue 9,
item 7): no chapter errors; where a setting leaves a result without evidence the chapter says
it "cannot be determined" (or "undetermined") instead of crashing or using untrusted rows;
the chapters that publish machine-readable findings report the grades they were run with;
the ledger runs under each setting and a claim whose evidence the setting removes is
undetermined, never decided by rows the reader chose not to trust.
"""

from __future__ import annotations

import pytest
from chapter_runs import SETTINGS, chapters, key_of, run_many

from prkanalysis.analysis import rates
from prkanalysis.analysis.judgements import defaults

CANNOT = ("cannot be determined", "undetermined", "cannot be answered")


@pytest.fixture(scope="module")
def runs():  # type: ignore[no-untyped-def]
    return run_many([(c, g) for c in chapters() for g in SETTINGS])


@pytest.fixture(scope="module")
def rec():  # type: ignore[no-untyped-def]
    import prkanalysis

    return prkanalysis.load_record()


def _setting_id(g: tuple[str, ...]) -> str:
    return "".join(g)


def test_default_is_one_of_the_settings() -> None:
    assert defaults().grades in SETTINGS


@pytest.mark.slow
@pytest.mark.xdist_group("nb")
@pytest.mark.parametrize("grades", SETTINGS, ids=_setting_id)
@pytest.mark.parametrize("chapter", chapters())
def test_chapter_runs_under_setting(runs, chapter: str, grades: tuple[str, ...]) -> None:
    run = runs[key_of(chapter, grades)]
    assert run.error is None, f"{chapter} under GRADES={grades}: {run.error}"
    if run.findings is not None and "grades" in run.findings and run.grades is not None:
        assert tuple(run.findings["grades"]) == grades, "the chapter ignored the setting"


@pytest.mark.slow
@pytest.mark.xdist_group("nb")
@pytest.mark.parametrize("chapter", [c for c in chapters() if not c.startswith("05")])
def test_missing_evidence_is_stated(runs, rec, chapter: str) -> None:
    """With only primary sources trusted, results that rest on rates cannot be determined."""
    only_p = ("P",)
    trusted, _ = rates.trusted_rates(rec, only_p)
    run = runs[key_of(chapter, only_p)]
    assert run.error is None, run.error
    if trusted.empty:  # no primary leak rate in the record: every rate-based result is open
        low = run.text.lower()
        assert any(w in low for w in CANNOT), (
            f"{chapter} under GRADES=('P',) has no trusted leak rate but never says what cannot "
            "be determined")


@pytest.mark.slow
@pytest.mark.xdist_group("nb")
@pytest.mark.parametrize("grades", SETTINGS, ids=_setting_id)
def test_chapters_00_02_report_the_selection(runs, rec, grades: tuple[str, ...]) -> None:
    """Chapters 00 and 02 show exactly the shared selection and ratios under each setting."""
    trusted, _ = rates.trusted_rates(rec, grades)
    ch00 = runs[key_of("00-evidence.py", grades)].findings
    assert ch00 is not None
    assert ch00["grades"] == list(grades)
    assert ch00["n_trusted"] == len(trusted)
    assert ch00["trusted_rate_ids"] == sorted(trusted["rate_id"].astype(str))
    ch02 = runs[key_of("02-escalation-2024.py", grades)].findings
    assert ch02 is not None
    band = rates.ratio_band(rates.ratios_2024(trusted))
    assert ch02["n_pairs"] == band["n_pairs"]
    if band["determined"]:
        assert ch02["ratio_low"] == pytest.approx(band["low"], rel=1e-12)
    else:
        assert ch02["ratio_low"] is None and ch02["ratio_high"] is None


@pytest.mark.parametrize("grades", SETTINGS, ids=_setting_id)
def test_ledger_under_setting(rec, grades: tuple[str, ...]) -> None:
    from prkanalysis import claims

    led = claims.ledger(rec, claims.ClaimParams(grades=grades))
    assert len(led) == len(claims.claims_table(rec))
    assert set(led["verdict"]) <= set(claims.VERDICTS)
    # C3 ("doubled" in February) is decided by the February ratios under these grades, or is
    # undetermined when the setting leaves no dated baseline / February rate
    trusted, _ = rates.trusted_rates(rec, grades)
    feb = rates.ratios_2024(trusted, after_months=["2024-02"])
    c3 = led.set_index("claim_id").loc["C3", "verdict"]
    assert (c3 == "undetermined") == feb.empty, (grades, c3, len(feb))
    # an undetermined verdict names what is missing, never claims absent rows that exist
    und = led[led["verdict"] == "undetermined"]
    for text in und["caveat"].astype(str) + " " + und["numbers"].astype(str):
        assert text.strip(), "an undetermined claim must say what is missing"
