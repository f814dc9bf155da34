"""The claims table (``data/claims.csv``) and one evaluator for every claim.

A claim's band is ``[band_low, band_high]`` in ``band_unit`` (dates ``YYYY-MM-DD``; empty is
unbounded), optionally a loose band, or a category. :func:`judge` compares a measure's result
with it; :func:`rule_text` writes that rule from the band, so the words cannot drift from it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from prkanalysis.analysis.judgements import Defaults, check_grades, defaults
from prkanalysis.claims.asof import Snapshots, as_of, as_of_day
from prkanalysis.claims.measures import MEASURES, Measured, _once, measure, prepare
from prkanalysis.errors import DataValidationError, PrkError
from prkanalysis.record import load_record

__all__ = ["VERDICTS", "Band", "Claim", "ClaimParams", "ClaimResult", "claims_table", "evaluate",
           "evaluate_all", "judge", "rule_text"]

VERDICTS: tuple[str, ...] = ("supported", "supported with caveats", "contradicted",
                             "superseded", "undetermined")
SUPPORTED, CAVEATS, CONTRADICTED, SUPERSEDED, UNDETERMINED = VERDICTS
_FILE = "claims.csv"


@dataclass(frozen=True)
class Band:
    """What a claim asserts: ``[low, high]`` (``loose`` widening it) or a category."""

    low: Any = -math.inf
    high: Any = math.inf
    unit: str = ""
    loose: tuple[Any, Any] | None = None
    category: str = ""

    def text(self, low: Any = None, high: Any = None) -> str:
        """``"[2, 4] ratio"``, ``"at least 6 ratio"`` or ``"2019-09-01 to 2019-09-30"``."""
        lo, hi = (self.low, self.high) if low is None else (low, high)
        f = [x.strftime("%Y-%m-%d") if isinstance(x, pd.Timestamp) else f"{x:g}" for x in (lo, hi)]
        return (f"{f[0]} to {f[1]}" if self.unit == "date" else f"at least {f[0]} {self.unit}"
                if hi == math.inf else f"at most {f[1]} {self.unit}" if lo == -math.inf
                else f"[{f[0]}, {f[1]}] {self.unit}")


@dataclass(frozen=True)
class Claim:
    """One row of the claims table, parsed."""

    claim_id: str
    text: str
    source_ids: str
    measure: str
    args: dict[str, str]
    band: Band
    caveat: str
    rationale: str


def _bound(cell: dict[str, str], col: str, default: float, row: int) -> Any:
    try:
        s = cell[col]
        return default if not s else pd.Timestamp(s) if cell["band_unit"] == "date" else float(s)
    except (KeyError, ValueError):
        raise DataValidationError("band bound missing or not a number (a date if band_unit is "
                                  "'date')", file=_FILE, row=row, column=col,
                                  value=cell.get(col)) from None


def claims_table(record: Any) -> list[Claim]:
    """Parse the record's ``claims`` table; a bad cell names file, row and column."""
    try:
        frame = record.table("claims")
    except (KeyError, AttributeError):
        raise DataValidationError("the record has no claims table (claims.csv is not a "
                                  "resource of its datapackage.json)", file=_FILE) from None
    out = []
    for i, row in enumerate(frame.to_dict("records"), 1):
        c = {str(k): "" if pd.isna(v) else str(v).strip() for k, v in row.items()}
        loose = (_bound(c, "loose_low", -math.inf, i), _bound(c, "loose_high", math.inf, i))
        band = Band(_bound(c, "band_low", -math.inf, i), _bound(c, "band_high", math.inf, i),
                    c["band_unit"], None if loose == (-math.inf, math.inf) else loose,
                    c.get("band_category", ""))
        args = (p.split("=", 1) for p in c.get("measure_args", "").split(";") if "=" in p)
        out.append(Claim(c["claim_id"], c["claim"], c["source_ids"], c["measure"],
                         {k.strip(): v.strip() for k, v in args}, band, c["caveat"],
                         c["rationale"]))
    return out


def rule_text(claim: Claim, measure_doc: str) -> str:
    """The decision rule in words, written from the claim's band and its measure."""
    b = claim.band
    parts = [f"measure {claim.measure}: {measure_doc.strip().rstrip('.')}"]
    if b.category:
        parts += [f"supported if it finds '{b.category}'", "contradicted if it finds "
                  "anything else"]
    else:
        parts += [f"supported if its best estimate lies in {b.text()}",
                  f"supported with caveats if only its interval reaches {b.text()}"
                  + (f" or reaches {b.text(*b.loose)}" if b.loose else ""),
                  f"contradicted if its interval lies outside {b.text(*(b.loose or ()))}"]
    return "; ".join([*parts, "a qualification found by the measure, or deciding rows that "
                      "are all grade A, turn supported into supported with caveats",
                      "later evidence that the claim no longer holds makes it superseded",
                      "undetermined if the trusted evidence cannot form the measure"])


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


def _caveat(claim: Claim, m: Measured, day: pd.Timestamp | None) -> str:
    if m.missing:
        by = f" by {day:%Y-%m-%d}" if day is not None else ""
        return f"Cannot be determined: {m.missing.replace('{by}', by)}."
    try:
        text = claim.caveat.format(**{k: ("∞" if v == math.inf else f"{v:.3g}")
                                      if isinstance(v, float) else v for k, v in m.numbers.items()})
    except (KeyError, IndexError, ValueError) as exc:
        raise PrkError(f"claims.csv, claim {claim.claim_id}: the caveat names {exc}, which "
                       f"measure {claim.measure!r} does not give ({sorted(m.numbers)})") from None
    quals = [*m.flags, *(["every deciding row is grade A"] if set(m.grades) == {"A"} else [])]
    notes = [n[:1].lower() + n[1:].rstrip(".") for n in m.notes]
    return ("; ".join([text, *notes]) + (", but " + " and ".join(quals) if quals else "")
            + (f"; {m.superseded}" if m.superseded else "") + ".")


def _load(record: Any) -> Any:
    """``None`` or a data-folder path -> the loaded record; a record is returned as is."""
    path = isinstance(record, str) or hasattr(record, "__fspath__")
    return load_record() if record is None else load_record(record) if path else record


def _results(rec: Any, p: ClaimParams, snaps: Snapshots | None, c: dict[Any, Any]
             ) -> list[ClaimResult]:
    # a timeline (snaps, one cache c for all its days) re-runs a claim's measure only when
    # something it read (measures.TRACKED, Evidence.ids) has another key than at its last run
    day, keys = snaps.at(p.as_of) if snaps else (as_of(rec, p.as_of), None)
    ev, out = prepare(day, p.judgements(rec), p.as_of, keys, c), []
    for cl in _once(c, "claims", lambda: claims_table(rec)):
        reads, m = c.get(("claim", cl.claim_id), (None, None))
        if reads is None or any(ev.key(n) != v for n, v in reads.items()):
            ev.reads.clear()
            m = measure(cl.measure, ev, cl.args)
            c["claim", cl.claim_id] = ({n: ev.key(n) for n in ev.reads}, m)
        doc = " ".join((MEASURES[cl.measure].__doc__ or "").split())
        out.append(ClaimResult(cl.claim_id, cl.text, judge(cl.band, m), dict(m.numbers), m.evidence,
                               _caveat(cl, m, p.as_of), rule_text(cl, doc)))
    return out


def evaluate_all(record: Any = None, params: ClaimParams | None = None,
                 **overrides: Any) -> list[ClaimResult]:
    """Judge every claim of ``data/claims.csv`` (record: a record, a data folder or None)."""
    return _results(_load(record), ClaimParams.build(params, **overrides), None, {})


def evaluate(claim_id: str, record: Any = None, params: ClaimParams | None = None,
             **overrides: Any) -> ClaimResult:
    """Judge one claim (see :func:`evaluate_all`); an unknown id raises PrkError."""
    res = {r.claim_id: r for r in evaluate_all(record, params, **overrides)}
    if claim_id not in res:
        raise PrkError(f"unknown claim id {claim_id!r}; claims: {list(res)}")
    return res[claim_id]
