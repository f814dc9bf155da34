"""One evaluator for every claim: the measure's result against the claim's band.

:func:`judge` is the whole decision (its rule in words is
:func:`prkanalysis.claims.table.rule_text`):

* the measure cannot be formed: ``undetermined`` (the measure says what is missing);
* a category band: the measured category equals it: ``supported``, else ``contradicted``;
* a numeric band: the best estimate lies in the band: ``supported``; only the interval
  reaches the band (or the loose band): ``supported with caveats``; else ``contradicted``;
* a qualification (``flags``) or deciding rows all of grade A turn ``supported`` into
  ``supported with caveats``; later evidence against it (``superseded``) turns a supported
  claim ``superseded``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from prkanalysis.analysis.judgements import check_grades, defaults
from prkanalysis.claims.asof import as_of as restrict
from prkanalysis.claims.asof import as_of_day
from prkanalysis.claims.measures import MEASURES, Measured, measure, prepare
from prkanalysis.claims.table import Band, Claim, claims_table, rule_text
from prkanalysis.errors import PrkError

__all__ = ["VERDICTS", "ClaimParams", "ClaimResult", "evaluate", "evaluate_all", "judge"]

VERDICTS: tuple[str, ...] = ("supported", "supported with caveats", "contradicted",
                             "superseded", "undetermined")
SUPPORTED, CAVEATS, CONTRADICTED, SUPERSEDED, UNDETERMINED = VERDICTS


@dataclass(frozen=True)
class ClaimParams:
    """What the reader chooses; everything else is data.

    Attributes:
        grades: Trusted source grades (``None``: the judgement ``trusted_grades``).
        as_of: Use only evidence reported on or before this day (``None``: all of it).
        include_derived: Let outlet-computed rates decide (``None``: the judgement).
    """

    grades: tuple[str, ...] | None = None
    as_of: pd.Timestamp | None = None
    include_derived: bool | None = None

    def __post_init__(self) -> None:
        if self.grades is not None:
            object.__setattr__(self, "grades", check_grades(self.grades))
        object.__setattr__(self, "as_of", as_of_day(self.as_of))
        if self.include_derived not in (None, True, False):
            raise PrkError(f"argument include_derived={self.include_derived!r} must be True, "
                           "False or None")

    @classmethod
    def build(cls, params: ClaimParams | None = None, **overrides: Any) -> ClaimParams:
        """``params`` (or the defaults) with keyword overrides.

        Raises:
            PrkError: On an unknown name (naming it, its value and the accepted names).
        """
        known = [f.name for f in dataclasses.fields(cls)]
        for k, v in overrides.items():
            if k not in known:
                raise PrkError(f"unknown claims parameter {k}={v!r}; accepted: "
                               f"{', '.join(known)} (bands and judgements are rows of "
                               "data/claims.csv and data/judgements.csv)")
        base = params if params is not None else cls()
        return dataclasses.replace(base, **overrides) if overrides else base

    def text(self, record: Any) -> str:
        """``"grades=P/T; include_derived=False; as_of=all evidence"``."""
        j = self.judgements(record)
        when = "all evidence" if self.as_of is None else f"{self.as_of:%Y-%m-%d}"
        return f"grades={'/'.join(j.grades)}; include_derived={j.include_derived}; as_of={when}"

    def judgements(self, record: Any) -> Any:
        return defaults(record).replace(grades=self.grades,
                                        include_derived=self.include_derived)


@dataclass(frozen=True)
class ClaimResult:
    """The verdict on one claim with what decided it."""

    claim_id: str
    claim: str
    verdict: str
    numbers: Mapping[str, Any] = field(default_factory=dict)
    evidence: tuple[tuple[str, str, str], ...] = ()
    caveat: str = ""
    rule: str = ""

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise PrkError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")
        object.__setattr__(self, "numbers", MappingProxyType(dict(self.numbers)))

    @property
    def rows(self) -> tuple[str, ...]:
        """The deciding row ids, in order of first appearance."""
        return tuple(dict.fromkeys(r for r, _, _ in self.evidence))


def judge(band: Band, m: Measured) -> str:
    """The verdict of a measure against a band (see the module description).

    Example:
        >>> judge(Band(2.0, 4.0, "ratio"), Measured(value=(1.9, 2.4, 2.6)))
        'supported'
        >>> judge(Band(2.0, 4.0, "ratio"), Measured(value=(1.5, 1.8, 2.1)))
        'supported with caveats'
    """
    if m.missing or (m.value is None and not m.category):
        return UNDETERMINED
    if band.category:
        verdict = SUPPORTED if m.category == band.category else CONTRADICTED
    else:
        lo, pt, hi = m.value  # type: ignore[misc]
        lb, hb = band.loose or (band.low, band.high)
        if band.low <= pt <= band.high:
            verdict = SUPPORTED
        elif hi >= min(band.low, lb) and lo <= max(band.high, hb):
            verdict = CAVEATS
        else:
            verdict = CONTRADICTED
    if verdict == SUPPORTED and (m.flags or (m.grades and set(m.grades) == {"A"})):
        verdict = CAVEATS
    if verdict in (SUPPORTED, CAVEATS) and m.superseded:
        verdict = SUPERSEDED
    return verdict


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) != float("inf") else "unbounded"
    return str(v)


def _caveat(claim: Claim, m: Measured, grades: tuple[str, ...]) -> str:
    if m.missing:
        return f"Cannot be determined: {m.missing}."
    try:
        head = claim.caveat.format(**{k: _fmt(v) for k, v in m.numbers.items()})
    except (KeyError, IndexError, ValueError) as exc:
        raise PrkError(f"claims.csv, claim {claim.claim_id}: caveat template names {exc}, "
                       f"which measure {claim.measure!r} does not give; it gives "
                       f"{sorted(m.numbers)}") from None
    parts = [head, *m.notes]
    quals = list(m.flags)
    if m.grades and set(m.grades) == {"A"}:
        quals.append("every deciding row is grade A")
    text = "; ".join(parts)
    if quals:
        text += ", but " + " and ".join(quals)
    if m.superseded:
        text += "; " + m.superseded
    return text + "."


def _one(claim: Claim, ev: Any) -> ClaimResult:
    m = measure(claim.measure, ev, claim.args)
    doc = (MEASURES[claim.measure].__doc__ or "").strip().split("\n\n")[0]
    return ClaimResult(claim.claim_id, claim.text, judge(claim.band, m), m.numbers, m.evidence,
                       _caveat(claim, m, ev.grades), rule_text(claim, " ".join(doc.split())))


def _load(record: Any) -> Any:
    if record is None or isinstance(record, (str, bytes)) or hasattr(record, "__fspath__"):
        from prkanalysis.record import load_record

        return load_record() if record is None else load_record(record)  # type: ignore[arg-type]
    return record


def evaluate_all(record: Any = None, params: ClaimParams | None = None,
                 **overrides: Any) -> list[ClaimResult]:
    """Judge every claim of ``data/claims.csv``, in table order.

    Args:
        record: A record, a data folder path, or ``None`` (the evidence base).
        params: :class:`ClaimParams`.
        **overrides: ``grades``, ``as_of``, ``include_derived``.

    Example:
        >>> [r.verdict for r in evaluate_all(as_of="2019-08-01")][:2]
        ['undetermined', 'undetermined']
    """
    p = ClaimParams.build(params, **overrides)
    rec = _load(record)
    ev = prepare(restrict(rec, p.as_of), p.judgements(rec), p.as_of)
    return [_one(c, ev) for c in claims_table(rec)]


def evaluate(claim_id: str, record: Any = None, params: ClaimParams | None = None,
             **overrides: Any) -> ClaimResult:
    """Judge one claim (see :func:`evaluate_all`).

    Raises:
        PrkError: On an unknown claim id (naming the known ones).
    """
    p = ClaimParams.build(params, **overrides)
    rec = _load(record)
    table = {c.claim_id: c for c in claims_table(rec)}
    if claim_id not in table:
        raise PrkError(f"unknown claim id {claim_id!r}; claims: {list(table)}")
    ev = prepare(restrict(rec, p.as_of), p.judgements(rec), p.as_of)
    return _one(table[claim_id], ev)
