"""The record as a careful investigator could have read it on a given day.

:func:`as_of`, the one as-of filter: rows with ``reported_on`` (earliest day public; a month
or year means its first day) on or before ``day``, each citing only its sources published by
then (undated sources count), and no row whose sources are all unpublished.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from prkanalysis.analysis.rates import as_of_date as as_of_day

__all__ = ["EVIDENCE_TABLES", "as_of", "as_of_day", "evidence_dates"]

EVIDENCE_TABLES = ("leak_rates", "pressure_readings", "events", "constants", "other_figures",
                   "gas_deliveries")


def _first_day(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.slice(0, 10)
    text = text.where(text.str.len() != 7, text + "-01")
    text = text.where(text.str.len() != 4, text + "-01-01")
    return pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")


def as_of(record: Any, day: Any) -> Any:
    """The record restricted to the evidence public on ``day`` (``None``: unchanged).

    Evidence tables keep only rows reported on or before ``day``, each citing only its
    sources published by then; ``sources`` keeps those sources; tables under ``extra``
    (judgements, claims) are kept whole.
    """
    ts = as_of_day(day)
    if ts is None:
        return record
    src = record.sources
    ok = ~(_first_day(src["published"]) > ts)
    known, public = set(src["source_id"]), set(src.loc[ok.to_numpy(), "source_id"])
    changes = {"sources": src[ok.to_numpy()]}
    for name in (f.name for f in dataclasses.fields(record) if f.name in EVIDENCE_TABLES):
        t = getattr(record, name)
        keep = ~(_first_day(t["reported_on"]) > ts) if "reported_on" in t.columns else (
            pd.Series(True, index=t.index))
        ids = t["source_ids"].astype("string").fillna("").str.split(";")
        kept = ids.map(lambda xs: [x for x in map(str.strip, xs)
                                   if x and (x in public or x not in known)])
        keep &= ~(ids.map(lambda xs: any(map(str.strip, xs))) & kept.map(len).eq(0))
        changes[name] = t.assign(source_ids=kept.map(";".join))[keep.to_numpy()]
    return dataclasses.replace(record, **changes)


def evidence_dates(record: Any, start: Any = None) -> list[pd.Timestamp]:
    """Every day on which a row of an evidence table became public (on or after ``start``)."""
    days = {d for n in EVIDENCE_TABLES if "reported_on" in getattr(record, n, pd.DataFrame())
            for d in _first_day(getattr(record, n)["reported_on"]).dropna()}
    lo = as_of_day(start)
    return sorted(d for d in days if lo is None or d >= lo)
