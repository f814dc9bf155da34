"""The numbers the chapters SHOW equal the ledger's numbers for the same question.

The chapters are executed (the report's executor, a clean kernel; the chapter as committed
for the default trust setting, with ``GRADES`` injected for the others) and their
machine-readable findings (the ``application/json`` output of the cell tagged
``findings``) are read from the executed notebook: nothing of the chapters' code is copied
here. Each number is compared with the claims ledger's number for the same quantity
(:func:`prkanalysis.claims.evaluate_all` gives each claim's ``numbers``) under the same trust
setting (P, P/T, P/T/A), and the ledger and the chapters must select the same trusted rates.
One question, one computation, one answer, under every setting.

Pairs (chapter key -> claim and its number key):

========================== ============== =====================================
chapter finding            claim          ledger number
========================== ============== =====================================
02 ``feb_ratio_low/high``  C3 (doubled)   ``ratio_low`` / ``ratio_high``
02 ``feb_n_pairs``         C3             ``n_pairs``
02 ``peak_kg_day``         C11 (peak)     ``peak_kg_day`` (and ``peak_rate_id``)
02 ``peak_allowance_*``    C9 (6 times)   ``x_requirement_low`` / ``_high``
01 ``k_ratio_low/high``    C12 (sealing)  ``k_ratio_low`` / ``k_ratio_high``
03 ``n_rates_after_stop``  C5 (stopped)   ``n_rates_after_stop``
========================== ============== =====================================

A chapter that publishes no machine-readable findings yet is skipped with its name in the
reason; one that publishes findings without the agreed key fails. Where the ledger leaves the
claim undetermined (so has no number) the pair passes if the chapter shows none either, and
is skipped with both sides named otherwise (the claim may need evidence the chapter's
quantity does not, e.g. C9 needs the OIG figure, the chapter only the allowance).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from chapter_runs import SETTINGS, key_of, run_many

from prkanalysis.analysis import rates
from prkanalysis.analysis.judgements import defaults

#: (chapter, chapter key, claim id, ledger number key)
PAIRS: tuple[tuple[str, str, str, str], ...] = (
    ("02-escalation-2024.py", "feb_ratio_low", "C3", "ratio_low"),
    ("02-escalation-2024.py", "feb_ratio_high", "C3", "ratio_high"),
    ("02-escalation-2024.py", "feb_n_pairs", "C3", "n_pairs"),
    ("02-escalation-2024.py", "peak_kg_day", "C11", "peak_kg_day"),
    ("02-escalation-2024.py", "peak_rate_id", "C11", "peak_rate_id"),
    ("02-escalation-2024.py", "peak_allowance_low", "C9", "x_requirement_low"),
    ("02-escalation-2024.py", "peak_allowance_high", "C9", "x_requirement_high"),
    ("01-five-year-history.py", "k_ratio_low", "C12", "k_ratio_low"),
    ("01-five-year-history.py", "k_ratio_high", "C12", "k_ratio_high"),
    ("03-stoppage.py", "n_rates_after_stop", "C5", "n_rates_after_stop"),
)

CHAPTERS = sorted({p[0] for p in PAIRS} | {"00-evidence.py"})


@pytest.fixture(scope="module")
def rec():  # type: ignore[no-untyped-def]
    import prkanalysis

    return prkanalysis.load_record()


def _setting_id(g: tuple[str, ...]) -> str:
    return "".join(g)


@pytest.fixture(scope="module")
def runs() -> dict[Any, Any]:
    """Each chapter as executed under each trust setting (cached across test files)."""
    return run_many([(c, g) for c in CHAPTERS for g in SETTINGS])


@pytest.fixture(scope="module")
def ledgers(rec) -> dict[tuple[str, ...], dict[str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    from prkanalysis import claims

    return {g: {r.claim_id: {**dict(r.numbers), "_verdict": r.verdict}
                for r in claims.evaluate_all(rec, claims.ClaimParams(grades=g))}
            for g in SETTINGS}


def _same(a: Any, b: Any) -> bool:
    """Equal as shown: numbers to 1e-12 relative (JSON "inf" = inf, None = NaN), else ==."""
    def num(v: Any) -> float | None:
        if v is None:
            return math.nan
        if v in ("inf", "-inf"):
            return float(v)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
        return None

    x, y = num(a), num(b)
    if x is not None and y is not None:
        if math.isnan(x) or math.isnan(y):
            return math.isnan(x) and math.isnan(y)
        return x == y or math.isclose(x, y, rel_tol=1e-12)
    return str(a) == str(b)


@pytest.mark.slow
@pytest.mark.xdist_group("nb")
@pytest.mark.parametrize("grades", SETTINGS, ids=_setting_id)
@pytest.mark.parametrize(("chapter", "key", "claim", "number"), PAIRS,
                         ids=[f"{p[0][:2]}.{p[1]}={p[2]}.{p[3]}" for p in PAIRS])
def test_chapter_number_equals_ledger(runs, ledgers, chapter: str, key: str,  # type: ignore[no-untyped-def]
                                      claim: str, number: str, grades: tuple[str, ...]) -> None:
    run = runs[key_of(chapter, grades)]
    if run.error is not None:
        pytest.skip(f"{chapter} fails under GRADES={grades} (test_trust_settings reports it)")
    if run.findings is None:
        pytest.skip(f"{chapter} publishes no machine-readable findings yet")
    assert key in run.findings, f"{chapter} does not show {key!r} in its findings"
    led = ledgers[grades][claim]
    if led["_verdict"] == "undetermined" and number not in led:
        if run.findings[key] not in (None, 0):  # a count of zero pairs is "none" too
            pytest.skip(f"the ledger leaves {claim} undetermined under {grades}; {chapter} "
                        f"shows {key}={run.findings[key]!r} (a different evidence need)")
        return
    assert number in led, f"the ledger's {claim} has no number {number!r}: {sorted(led)}"
    assert _same(run.findings[key], led[number]), (
        f"{chapter} shows {key}={run.findings[key]!r}, the ledger's {claim} {number}="
        f"{led[number]!r}")


@pytest.mark.slow
@pytest.mark.xdist_group("nb")
@pytest.mark.parametrize("grades", SETTINGS, ids=_setting_id)
def test_chapters_and_ledger_trust_the_same_rates(runs, rec, grades) -> None:  # type: ignore[no-untyped-def]
    from prkanalysis.claims.measures import prepare

    ch00 = runs[key_of("00-evidence.py", grades)]
    assert ch00.error is None, ch00.error
    assert ch00.findings is not None
    j = defaults(rec).replace(grades=grades)
    ev = prepare(rec, j, None)
    assert ch00.findings["grades"] == list(j.grades)
    assert ch00.findings["trusted_rate_ids"] == sorted(ev.rates["rate_id"].astype(str))


@pytest.mark.slow
@pytest.mark.xdist_group("nb")
def test_2024_band_equals_the_one_computation(runs, rec) -> None:  # type: ignore[no-untyped-def]
    """Chapter 02 as committed shows ratio_band(ratios_2024(trusted_rates())) exactly."""
    ch02 = runs[key_of("02-escalation-2024.py", defaults(rec).grades)]
    assert ch02.error is None, ch02.error
    assert ch02.findings is not None
    band = rates.ratio_band(rates.ratios_2024(rates.trusted_rates(rec)[0]))
    for key, want in (("ratio_low", band["low"]), ("ratio_high", band["high"]),
                      ("n_pairs", band["n_pairs"]),
                      ("n_at_least_doubled", band["n_at_least_doubled"])):
        assert _same(ch02.findings[key], want), (key, ch02.findings[key], want)


def test_same_helper() -> None:
    assert _same("inf", math.inf) and _same(None, math.nan) and _same(2, 2.0)
    assert not _same(1.0, 1.0001) and not _same("LR11", "LR12") and not _same(None, 1.0)
