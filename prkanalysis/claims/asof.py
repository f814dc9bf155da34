"""The record as a careful investigator could have read it on a given day.

:func:`as_of` is the one as-of filter: a row is public on ``day`` when its ``reported_on``
(the earliest day it can have been public; a month or year means its first day) is on or
before ``day``; a source is public when its ``published`` date is (undated sources count as
public); each row keeps only its public sources (so its grade is the best grade among them)
and a row none of whose sources is public yet is dropped. :func:`evidence_dates` lists the
days on which new evidence arrived.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from prkanalysis.errors import PrkError

__all__ = ["EVIDENCE_TABLES", "as_of", "as_of_day", "evidence_dates"]

#: Tables restricted by :func:`as_of` (those a record has).
EVIDENCE_TABLES: tuple[str, ...] = ("leak_rates", "pressure_readings", "events", "constants",
                                    "other_figures", "gas_deliveries")


def as_of_day(value: Any, name: str = "as_of") -> pd.Timestamp | None:
    """Read a date argument (``None``, ``YYYY-MM-DD`` text, a date or Timestamp).

    Raises:
        PrkError: Naming the argument and value, if it is not a date.

    Example:
        >>> as_of_day("2026-01-10")
        Timestamp('2026-01-10 00:00:00')
    """
    if value is None:
        return None
    ts = pd.to_datetime(value, errors="coerce") if not isinstance(value, bool) else pd.NaT
    if pd.isna(ts):
        raise PrkError(f"argument {name}={value!r} is not a date; accepted: YYYY-MM-DD "
                       "(or None for all the evidence)")
    ts = pd.Timestamp(ts)
    return (ts.tz_localize(None) if ts.tzinfo else ts).normalize()


def _first_day(values: pd.Series) -> pd.Series:
    """Earliest day each dated text can mean (``2025-06`` -> 2025-06-01; NaT if none)."""
    text = values.astype("string").str.strip().str.slice(0, 10)
    text = text.where(text.str.len() != 7, text + "-01")
    text = text.where(text.str.len() != 4, text + "-01-01")
    return pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")


def _restrict(frame: pd.DataFrame, day: pd.Timestamp, public: set[str],
              known: set[str]) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if "reported_on" in frame.columns:
        keep &= ~(_first_day(frame["reported_on"]) > day)
    if "source_ids" in frame.columns:
        ids = frame["source_ids"].astype("string").fillna("").str.split(";")
        kept = ids.map(lambda xs: [x.strip() for x in xs
                                   if x.strip() and (x.strip() in public
                                                     or x.strip() not in known)])
        had = ids.map(lambda xs: any(x.strip() for x in xs))
        keep &= ~(had & kept.map(len).eq(0))
        frame = frame.assign(source_ids=kept.map(";".join))
    return frame[keep.to_numpy()]


def as_of(record: Any, day: Any) -> Any:
    """The record restricted to the evidence public on ``day`` (sources too).

    Args:
        record: A :class:`prkanalysis.record.Record` (or a dataclass with the same tables).
        day: The day (see :func:`as_of_day`); ``None`` returns ``record`` unchanged.

    Returns:
        A copy of the record whose evidence tables hold only rows reported on or before
        ``day``, each citing only its sources published by then; ``sources`` holds only
        those sources. Tables under ``extra`` (judgements, claims) are kept whole.

    Example:
        >>> from prkanalysis import load_record
        >>> len(as_of(load_record(), "2019-08-01").events) < len(load_record().events)
        True
    """
    ts = as_of_day(day)
    if ts is None:
        return record
    src = record.sources
    pub = _first_day(src["published"]) if "published" in src.columns else None
    ok = pd.Series(True, index=src.index) if pub is None else ~(pub > ts)
    known = set(src["source_id"].astype(str))
    public = set(src.loc[ok.to_numpy(), "source_id"].astype(str))
    changes = {"sources": src[ok.to_numpy()]}
    for name in EVIDENCE_TABLES:
        frame = getattr(record, name, None)
        if isinstance(frame, pd.DataFrame) and name in {f.name for f in
                                                        dataclasses.fields(record)}:
            changes[name] = _restrict(frame, ts, public, known)
    return dataclasses.replace(record, **changes)


def evidence_dates(record: Any, start: Any = None) -> list[pd.Timestamp]:
    """Every day on which a row of an evidence table became public (sorted, unique).

    Args:
        record: The record.
        start: Only days on or after this one.
    """
    days: set[pd.Timestamp] = set()
    for name in EVIDENCE_TABLES:
        frame = getattr(record, name, None)
        if isinstance(frame, pd.DataFrame) and "reported_on" in frame.columns:
            days |= set(_first_day(frame["reported_on"]).dropna())
    lo = as_of_day(start)
    return sorted(d for d in days if lo is None or d >= lo)
