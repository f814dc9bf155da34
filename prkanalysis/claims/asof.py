"""The record as a careful investigator could have read it on a given day (:func:`as_of`)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from prkanalysis.analysis.rates import as_of_date as as_of_day

__all__ = ["EVIDENCE_TABLES", "Snapshots", "as_of", "as_of_day", "evidence_dates"]

EVIDENCE_TABLES = ("leak_rates", "pressure_readings", "events", "constants", "other_figures",
                   "gas_deliveries")


def _first_day(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.slice(0, 10)
    text = text.where(text.str.len() != 7, text + "-01")
    text = text.where(text.str.len() != 4, text + "-01-01")
    return pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")


class Snapshots:
    """A record parsed once (report days, cited sources); :meth:`at` restricts it to a day."""

    def __init__(self, record: Any) -> None:
        self.record, src = record, record.sources
        self.frames, self.tables = dict[Any, pd.DataFrame](), dict[str, Any]()  # frames: by key
        self.published = list(zip(src["source_id"], _first_day(src["published"]), strict=True))
        for name in (f.name for f in dataclasses.fields(record) if f.name in EVIDENCE_TABLES):
            t = getattr(record, name)
            days = _first_day(t["reported_on"]) if "reported_on" in t.columns else [pd.NaT] * len(t)
            ids = t["source_ids"].astype("string").fillna("").str.split(";")
            self.tables[name] = t, list(days), [[x for x in map(str.strip, xs) if x] for xs in ids]

    def at(self, day: Any) -> tuple[Any, dict[str, Any]]:
        """The record as of ``day`` (:func:`as_of`), a fingerprint per table (labels, sources)."""
        if (ts := as_of_day(day)) is None:
            return self.record, dict.fromkeys(["sources", *self.tables])
        public, known = {s for s, d in self.published if not d > ts}, {s for s, _ in self.published}
        changes = {"sources": (s := self.record.sources)[s["source_id"].isin(public).to_numpy()]}
        keys: dict[str, Any] = {"sources": tuple(sorted(public))}
        for name, (t, days, ids) in self.tables.items():
            kept = [[x for x in xs if x in public or x not in known] for xs in ids]
            keep = np.array([not d > ts and (bool(k) or not xs)
                             for d, k, xs in zip(days, kept, ids, strict=True)], dtype=bool)
            cited = pd.Series([";".join(k) for k in kept], index=t.index, dtype=object)
            key = keys[name] = (tuple(t.index[keep]), tuple(cited[keep]))
            if (name, key) not in self.frames:  # else unchanged since an earlier day
                self.frames[name, key] = t.assign(source_ids=cited)[keep]
            changes[name] = self.frames[name, key]
        return dataclasses.replace(self.record, **changes), keys


def as_of(record: Any, day: Any) -> Any:
    """The record restricted to the evidence public on ``day`` (``None``: unchanged).

    The one as-of filter: evidence tables keep the rows with ``reported_on`` (earliest day
    public; a month or year means its first day) on or before ``day``, each citing only its
    sources published by then (undated sources count), and no row whose sources are all
    unpublished; ``sources`` keeps those sources; ``extra`` tables (claims...) stay whole.
    """
    return record if as_of_day(day) is None else Snapshots(record).at(day)[0]


def evidence_dates(record: Any, start: Any = None) -> list[pd.Timestamp]:
    """Every day (from ``start``) a row of an evidence table or a later source of it went public."""
    s, lo = Snapshots(record), as_of_day(start)
    pub = {k: d for k, d in s.published if pd.notna(d)}
    days = {max(x for x in (d, pub.get(k, d)) if pd.notna(x)) for _, ds, ids in s.tables.values()
            for d, ks in zip(ds, ids, strict=True) for k in ["", *ks] if pd.notna(d) or k in pub}
    return sorted(d for d in days if lo is None or d >= lo)
