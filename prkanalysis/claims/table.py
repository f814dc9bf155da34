"""The claims table (``data/claims.csv``): each claim's words, measure and band, as data.

A claim asserts a *band*: a numeric interval ``[band_low, band_high]`` in ``band_unit``
(``date`` bounds are ``YYYY-MM-DD``; empty means unbounded), optionally a looser band
``[loose_low, loose_high]`` within which it is supported with caveats, or a category
(``band_category``). :func:`rule_text` writes the decision rule a reader sees from the band,
so the words cannot drift from :func:`prkanalysis.claims.evaluate.judge`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from prkanalysis.errors import DataValidationError

__all__ = ["Band", "Claim", "claims_table", "rule_text"]

_FILE = "claims.csv"
_COLUMNS = ("claim_id", "claim", "source_ids", "measure", "measure_args", "band_low",
            "band_high", "band_unit", "loose_low", "loose_high", "band_category", "caveat",
            "rationale")


@dataclass(frozen=True)
class Band:
    """What a claim asserts: ``[low, high]`` (``loose`` widening it) or a category."""

    low: Any = -math.inf
    high: Any = math.inf
    unit: str = ""
    loose: tuple[Any, Any] | None = None
    category: str = ""

    def text(self, low: Any = None, high: Any = None) -> str:
        """``"[2, 4] ratio"``, ``"at least 6 ratio"``, ``"2019-09-01 to 2019-09-30"``."""
        lo, hi = (self.low, self.high) if low is None else (low, high)
        f = _show
        if self.unit == "date":
            return f"{f(lo)} to {f(hi)}"
        if hi == math.inf:
            return f"at least {f(lo)} {self.unit}"
        if lo == -math.inf:
            return f"at most {f(hi)} {self.unit}"
        return f"[{f(lo)}, {f(hi)}] {self.unit}"


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


def _show(v: Any) -> str:
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return f"{v:g}" if isinstance(v, float) else str(v)


def _bound(text: object, unit: str, default: float, where: dict[str, Any]) -> Any:
    s = "" if pd.isna(text) else str(text).strip()
    if not s:
        return default
    try:
        return pd.Timestamp(s) if unit == "date" else float(s)
    except ValueError:
        raise DataValidationError("band bound is not a " + ("date" if unit == "date" else
                                  "number"), value=s, **where) from None


def _args(text: object, where: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in ("" if pd.isna(text) else str(text)).split(";"):
        if not part.strip():
            continue
        key, sep, val = part.partition("=")
        if not sep or not key.strip():
            raise DataValidationError("measure_args must read 'key=value; ...'", value=part,
                                      **where)
        out[key.strip()] = val.strip()
    return out


def claims_table(record: Any) -> list[Claim]:
    """Parse the record's ``claims`` table (``record.table("claims")``).

    Raises:
        DataValidationError: If the table or a column is missing, or a band bound or the
            measure arguments cannot be read (names file, row and column).
    """
    try:
        frame = record.table("claims")
    except (KeyError, AttributeError):
        raise DataValidationError("the record has no claims table (data/claims.csv is not "
                                  "a resource of its datapackage.json)", file=_FILE) from None
    for c in _COLUMNS:
        if c not in frame.columns:
            raise DataValidationError("column missing", file=_FILE, column=c)
    out = []
    for i, r in enumerate(frame.itertuples(index=False), 1):
        row = r._asdict()
        where = {"file": _FILE, "row": i}
        unit = "" if pd.isna(row["band_unit"]) else str(row["band_unit"]).strip()
        lo = _bound(row["loose_low"], unit, -math.inf, {**where, "column": "loose_low"})
        hi = _bound(row["loose_high"], unit, math.inf, {**where, "column": "loose_high"})
        cat = row["band_category"]
        band = Band(_bound(row["band_low"], unit, -math.inf, {**where, "column": "band_low"}),
                    _bound(row["band_high"], unit, math.inf, {**where, "column": "band_high"}),
                    unit, None if (lo, hi) == (-math.inf, math.inf) else (lo, hi),
                    "" if pd.isna(cat) else str(cat).strip())
        out.append(Claim(str(row["claim_id"]), str(row["claim"]), str(row["source_ids"]),
                         str(row["measure"]).strip(),
                         _args(row["measure_args"], {**where, "column": "measure_args"}),
                         band, str(row["caveat"]), str(row["rationale"])))
    return out


def rule_text(claim: Claim, measure_doc: str) -> str:
    """The decision rule in words, written from the claim's band and its measure.

    Example:
        >>> c = Claim("C0", "x", "S001", "m", {}, Band(2.0, 4.0, "ratio"), "", "")
        >>> rule_text(c, "The ratio.").split("; ")[1]
        'supported if its best estimate lies in [2, 4] ratio'
    """
    b = claim.band
    head = f"measure {claim.measure}: {measure_doc.strip().rstrip('.')}"
    if b.category:
        parts = [f"supported if it finds '{b.category}'",
                 "contradicted if it finds anything else"]
    else:
        parts = [f"supported if its best estimate lies in {b.text()}",
                 f"supported with caveats if only its interval reaches {b.text()}"
                 + (f" or reaches {b.text(*b.loose)}" if b.loose else ""),
                 "contradicted if its interval lies outside "
                 + (b.text(*b.loose) if b.loose else b.text())]
    parts += ["a qualification found by the measure, or deciding rows that are all grade A, "
              "turn supported into supported with caveats",
              "later evidence that the claim no longer holds makes it superseded",
              "undetermined if the trusted evidence cannot form the measure"]
    return "; ".join([head, *parts])
