"""One evaluator for every claim: the measure's result against the claim's band.

:func:`judge` is the whole decision; :func:`prkanalysis.claims.table.rule_text` states it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from prkanalysis.analysis.judgements import Defaults, check_grades, defaults
from prkanalysis.claims.asof import as_of, as_of_day
from prkanalysis.claims.measures import MEASURES, Measured, measure, prepare
from prkanalysis.claims.table import Band, Claim, claims_table, rule_text
from prkanalysis.errors import PrkError
from prkanalysis.record import load_record

__all__ = ["VERDICTS", "ClaimParams", "ClaimResult", "evaluate", "evaluate_all", "judge"]

VERDICTS: tuple[str, ...] = ("supported", "supported with caveats", "contradicted",
                             "superseded", "undetermined")
SUPPORTED, CAVEATS, CONTRADICTED, SUPERSEDED, UNDETERMINED = VERDICTS


@dataclass(frozen=True)
class ClaimParams:
    """Trusted grades, as-of day, derived rates (``None``: the data/judgements.csv default)."""

    grades: tuple[str, ...] | None = None
    as_of: pd.Timestamp | None = None
    include_derived: bool | None = None

    def __post_init__(self) -> None:
        if self.grades is not None:
            object.__setattr__(self, "grades", check_grades(self.grades))
        if isinstance(self.as_of, (int, float)):
            raise PrkError(f"argument as_of={self.as_of!r} is not a date (YYYY-MM-DD)")
        object.__setattr__(self, "as_of", as_of_day(self.as_of))
        if self.include_derived not in (None, True, False):
            raise PrkError(f"argument include_derived={self.include_derived!r}; accepted: "
                           "True, False or None")

    @classmethod
    def build(cls, params: ClaimParams | None = None, **overrides: Any) -> ClaimParams:
        """``params`` (or the defaults) with overrides; an unknown name raises PrkError."""
        known = [f.name for f in dataclasses.fields(cls)]
        for k, v in ((k, v) for k, v in overrides.items() if k not in known):
            raise PrkError(f"unknown claims parameter {k}={v!r}; accepted: {', '.join(known)} "
                           "(bands and judgements are rows of data/claims.csv and "
                           "data/judgements.csv)")
        return dataclasses.replace(params or cls(), **overrides)

    def judgements(self, record: Any) -> Defaults:
        """The record's judgements with this trust setting."""
        return defaults(record).replace(grades=self.grades, include_derived=self.include_derived)

    def text(self, record: Any) -> str:
        """``"grades=P/T; include_derived=False; as_of=all evidence"``."""
        j, day = self.judgements(record), self.as_of
        return (f"grades={'/'.join(j.grades)}; include_derived={j.include_derived}; "
                f"as_of={'all evidence' if day is None else f'{day:%Y-%m-%d}'}")


@dataclass(frozen=True)
class ClaimResult:
    """The verdict on one claim, its deciding numbers, evidence, caveat and rule."""

    claim_id: str
    claim: str
    verdict: str
    numbers: Mapping[str, Any] = field(default_factory=dict)
    evidence: tuple[tuple[str, str, str], ...] = ()
    caveat: str = ""
    rule: str = ""

    @property
    def rows(self) -> tuple[str, ...]:
        """The deciding row ids, in order of first appearance."""
        return tuple(dict.fromkeys(r for r, _, _ in self.evidence))


def judge(band: Band, m: Measured) -> str:
    """The verdict of a measure against a band (see the module description)."""
    if m.missing or (m.value is None and not m.category):
        return UNDETERMINED
    if band.category:
        verdict = SUPPORTED if m.category == band.category else CONTRADICTED
    else:
        lo, pt, hi = m.value  # type: ignore[misc]
        lb, hb = band.loose or (band.low, band.high)
        verdict = (SUPPORTED if band.low <= pt <= band.high else CAVEATS
                   if hi >= min(band.low, lb) and lo <= max(band.high, hb) else CONTRADICTED)
    if verdict == SUPPORTED and (m.flags or (m.grades and set(m.grades) == {"A"})):
        verdict = CAVEATS
    return SUPERSEDED if verdict in (SUPPORTED, CAVEATS) and m.superseded else verdict


def _caveat(claim: Claim, m: Measured) -> str:
    if m.missing:
        return f"Cannot be determined: {m.missing}."
    try:
        text = claim.caveat.format(**{k: f"{v:.3g}" if isinstance(v, float) else v
                                      for k, v in m.numbers.items()})
    except (KeyError, IndexError, ValueError) as exc:
        raise PrkError(f"claims.csv, claim {claim.claim_id}: the caveat names {exc}, which "
                       f"measure {claim.measure!r} does not give ({sorted(m.numbers)})") from None
    quals = [*m.flags, *(["every deciding row is grade A"] if set(m.grades) == {"A"} else [])]
    notes = [n[:1].lower() + n[1:].rstrip(".") for n in m.notes]
    return ("; ".join([text, *notes]) + (", but " + " and ".join(quals) if quals else "")
            + (f"; {m.superseded}" if m.superseded else "") + ".")


def _load(record: Any) -> Any:
    """``None`` or a data-folder path -> the loaded record; a record is returned as is."""
    path = record is None or isinstance(record, str) or hasattr(record, "__fspath__")
    return (load_record() if record is None else load_record(record)) if path else record


def evaluate_all(record: Any = None, params: ClaimParams | None = None,
                 **overrides: Any) -> list[ClaimResult]:
    """Judge every claim of ``data/claims.csv`` (record: a record, a data folder or None)."""
    p, rec = ClaimParams.build(params, **overrides), _load(record)
    ev = prepare(as_of(rec, p.as_of), p.judgements(rec), p.as_of)
    out = []
    for c in claims_table(rec):
        m = measure(c.measure, ev, c.args)
        doc = " ".join((MEASURES[c.measure].__doc__ or "").split())
        out.append(ClaimResult(c.claim_id, c.text, judge(c.band, m), m.numbers, m.evidence,
                               _caveat(c, m), rule_text(c, doc)))
    return out


def evaluate(claim_id: str, record: Any = None, params: ClaimParams | None = None,
             **overrides: Any) -> ClaimResult:
    """Judge one claim (see :func:`evaluate_all`); an unknown id raises PrkError."""
    res = {r.claim_id: r for r in evaluate_all(record, params, **overrides)}
    if claim_id not in res:
        raise PrkError(f"unknown claim id {claim_id!r}; claims: {list(res)}")
    return res[claim_id]
