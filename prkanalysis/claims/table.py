"""The claims table (``data/claims.csv``): each claim's words, measure and band, as data.

A band is ``[band_low, band_high]`` in ``band_unit`` (dates ``YYYY-MM-DD``; empty is
unbounded), optionally a loose band, or a category. :func:`rule_text` writes the rule from
the band, so the words cannot drift from :func:`prkanalysis.claims.evaluate.judge`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from prkanalysis.errors import DataValidationError

__all__ = ["Band", "Claim", "claims_table", "rule_text"]

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
        f = [x.strftime("%Y-%m-%d") if isinstance(x, pd.Timestamp) else f"{x:g}"
             for x in (lo, hi)]
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
