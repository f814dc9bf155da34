"""Audited cleaning: normalise leak rates and pressure readings, filter rows, account for all.

Every public function is pure (the input frame is not modified) and returns ``(clean, audit)``.
The audit has one row per change, drop or flag, with the columns
:data:`prkanalysis.codes.AUDIT_COLUMNS` (``table``, ``row_id``, ``column``, ``action``,
``code``, ``reason``, ``before``, ``after``); ``code`` is one of
:class:`prkanalysis.codes.Code`. Reported columns are never overwritten: normalised values go
into new columns. Each function checks the accounting invariant
*rows in = rows out + rows dropped* and raises :class:`~prkanalysis.errors.PrkError` if it
ever fails.

Bound rules for a leak rate (all parameters of :func:`normalize_leak_rates`, applied in the
reported unit and then converted exactly to kg/day):

======== ================================ =============================================
qualifier meaning                          ``[low, high]``
======== ================================ =============================================
``=``     printed value                    value -/+ half a unit of the last printed digit
                                           ("3.7" -> [3.65, 3.75]; "1" -> [0.5, 1.5]);
                                           ``rounding=False`` gives [value, value]
``<``     less than                        [lt_floor, value] (default floor 0)
``>``     more than                        [value, value * (1 + approx_rel)]
``~``     about                            [value * (1 - approx_rel), value * (1 + approx_rel)]
``~>``    a little over                    [value, value * (1 + approx_rel)]
``~<``    nearly                           [value * (1 - nearly_rel), value];
                                           ``nearly_rel`` defaults to ``approx_rel / 2``
``range`` from a to b                      [a - h(a), b + h(b)], h = half a unit of the last
                                           printed digit of each end (``rounding=False``: [a, b])
======== ================================ =============================================

The point value ``kg_per_day`` is the printed value converted (for a range, the midpoint of
its two ends; for ``<`` the printed upper limit itself, so use the bounds for anything
quantitative).

Example:
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rate_id": ["LR29"], "value_reported": ["3.7"], "qualifier": ["="],
    ...                    "value": [3.7], "value_high": [float("nan")], "unit": ["lb/day"]})
    >>> clean, audit = normalize_leak_rates(df, sources=None)
    >>> cols = ["kg_per_day", "kg_per_day_low", "kg_per_day_high"]
    >>> [round(float(x), 4) for x in clean.loc[0, cols]]
    [1.6783, 1.6556, 1.701]
    >>> audit.loc[0, "code"]
    'BOUND_ROUNDING'
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from prkanalysis.codes import AUDIT_COLUMNS, Code
from prkanalysis.errors import DataValidationError, PrkError, UnitError
from prkanalysis.units import convert

__all__ = [
    "GRADE_ORDER",
    "PRECISIONS",
    "SEASON_MONTHS",
    "best_grade",
    "clean_leak_rates",
    "concat_audits",
    "date_interval",
    "drop_derived",
    "drop_duplicates_of",
    "empty_audit",
    "filter_grades",
    "is_true",
    "normalize_leak_rates",
    "normalize_pressure_readings",
    "rate_bounds",
    "rounding_halfwidth",
]

#: Source grades from best to worst: P (primary) > T (trade/wire) > A (aggregator).
GRADE_ORDER: tuple[str, ...] = ("P", "T", "A")

#: Date precisions understood by :func:`date_interval`.
PRECISIONS: tuple[str, ...] = (
    "minute", "hour", "day", "week", "month", "season", "year", "range", "before", "unknown",
)

#: Meteorological seasons of the northern hemisphere (winter starts in December of the
#: previous year: "winter 2021" is Dec 2020 - Feb 2021).
SEASON_MONTHS: Mapping[str, tuple[int, int, int]] = {
    "spring": (3, 4, 5),
    "summer": (6, 7, 8),
    "autumn": (9, 10, 11),
    "fall": (9, 10, 11),
    "winter": (12, 1, 2),
}

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_name) if m})
_MONTHS["sept"] = 9

#: Half-width of the elapsed-time bounds per time precision, in hours (an elapsed time is a
#: difference of two times, each known to within one precision unit).
ELAPSED_HALFWIDTH_H: Mapping[str, float] = {"minute": 1 / 60, "hour": 1.0, "day": 24.0}

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


# --------------------------------------------------------------------------------------
# audit helpers
# --------------------------------------------------------------------------------------


def empty_audit() -> pd.DataFrame:
    """Return an audit frame with no rows and the standard columns (all ``string``)."""
    return pd.DataFrame({c: pd.Series([], dtype="string") for c in AUDIT_COLUMNS})


def _audit(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return empty_audit()
    frame = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    for c in AUDIT_COLUMNS:
        frame[c] = frame[c].map(lambda v: None if _isna(v) else str(v)).astype("string")
    return frame


def _entry(
    table: str, row_id: object, column: str, code: Code, before: object, after: object,
    reason: str | None = None,
) -> dict[str, Any]:
    return {
        "table": table,
        "row_id": row_id,
        "column": column,
        "action": code.action,
        "code": code.value,
        "reason": reason or code.meaning,
        "before": before,
        "after": after,
    }


def concat_audits(*audits: pd.DataFrame) -> pd.DataFrame:
    """Concatenate audit frames in order (empty input gives an empty audit).

    Example:
        >>> len(concat_audits(empty_audit(), empty_audit()))
        0
    """
    frames = [a for a in audits if len(a)]
    if not frames:
        return empty_audit()
    return pd.concat(frames, ignore_index=True)


_TRUE = frozenset({"true", "1", "yes", "t", "y"})


def is_true(values: Any) -> pd.Series:
    """Read a flag column: True for ``True``, ``1`` and the texts true/1/yes/t/y (any case).

    Missing values and everything else are False. The one reading of a flag in the package
    (``derived``, ``secondary`` and the like; re-exported by
    :mod:`prkanalysis.analysis.rates`).

    Example:
        >>> is_true(pd.Series([True, "TRUE", "0", None, 1, "yes"])).tolist()
        [True, True, False, False, True, True]
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    text = s.astype("string").str.strip().str.lower()
    return text.isin(_TRUE).fillna(False).astype(bool)


def _check_accounting(n_in: int, kept: pd.DataFrame, audit: pd.DataFrame, what: str) -> None:
    dropped = int((audit["action"] == "dropped").sum()) if len(audit) else 0
    if n_in != len(kept) + dropped:
        raise PrkError(
            f"{what}: accounting broken: {n_in} rows in, {len(kept)} kept, {dropped} dropped"
        )


def _isna(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v)


def _row_ids(df: pd.DataFrame, id_column: str) -> list[object]:
    if id_column in df.columns:
        return list(df[id_column])
    return [f"row {i + 1}" for i in range(len(df))]


def _need(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    for c in columns:
        if c not in df.columns:
            raise DataValidationError("column needed for cleaning is missing", file=table,
                                      column=c)


# --------------------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------------------


def _parse_date_text(text: str) -> tuple[pd.Timestamp, str] | None:
    """Parse ISO or month/season text; return (first day, implied precision)."""
    t = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", t)
    if m:
        return pd.Timestamp(int(m[1]), int(m[2]), int(m[3])), "day"
    m = re.fullmatch(r"(\d{4})-(\d{2})", t)
    if m:
        return pd.Timestamp(int(m[1]), int(m[2]), 1), "month"
    m = re.fullmatch(r"(\d{4})", t)
    if m:
        return pd.Timestamp(int(m[1]), 1, 1), "year"
    m = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})", t)
    if m and m[2].lower() in _MONTHS:
        return pd.Timestamp(int(m[3]), _MONTHS[m[2].lower()], int(m[1])), "day"
    m = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", t)
    if m and m[1].lower() in _MONTHS:
        return pd.Timestamp(int(m[2]), _MONTHS[m[1].lower()], 1), "month"
    if m and m[1].lower() in SEASON_MONTHS:
        months = SEASON_MONTHS[m[1].lower()]
        year = int(m[2]) - (1 if months[0] == 12 else 0)
        return pd.Timestamp(year, months[0], 1), "season"
    return None


def _month_end(ts: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(ts.year, ts.month, calendar.monthrange(ts.year, ts.month)[1])


def date_interval(text: object, precision: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Turn a date (ISO or short text) and its precision into a ``(start, end)`` day interval.

    Both ends are inclusive days at midnight. Rules by precision:

    * ``minute``/``hour``/``day``: that day for both ends;
    * ``week``: the day and the six days after it;
    * ``month``: first to last day of the month;
    * ``season``: the three months of the meteorological season containing the date (or named
      in the text, "Summer 2021" -> 2021-06-01..2021-08-31; winter spans Dec-Feb);
    * ``year``: 1 January to 31 December;
    * ``range``: ``"A/B"``, ``"A..B"`` or ``"A to B"``: start of A to end of B, each end read
      at its own precision (``"2024-02/2024-04"`` -> 2024-02-01..2024-04-30);
    * ``before``: open start (``NaT``) and the day before the date's first day;
    * ``unknown`` (or an empty date): ``(NaT, NaT)``.

    Args:
        text: ISO date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ISO datetime), a Timestamp, or
            short text such as ``"Apr 2024"``, ``"12 Mar 2021"``, ``"Summer 2021"``.
        precision: One of :data:`PRECISIONS`.

    Returns:
        ``(start, end)`` Timestamps, ``NaT`` where open or unknown.

    Raises:
        DataValidationError: If the precision is unknown or the date cannot be read (the
            ``column`` attribute says which argument).

    Example:
        >>> date_interval("2024-04-01", "month")
        (Timestamp('2024-04-01 00:00:00'), Timestamp('2024-04-30 00:00:00'))
        >>> date_interval("Summer 2021", "season")[1]
        Timestamp('2021-08-31 00:00:00')
        >>> date_interval("2024-02-01", "before")
        (NaT, Timestamp('2024-01-31 00:00:00'))
    """
    if precision not in PRECISIONS:
        raise DataValidationError(f"unknown date precision; expected one of {PRECISIONS}",
                                  column="precision", value=precision)
    nat = pd.NaT
    if precision == "unknown" or _isna(text) or str(text).strip() == "":
        return nat, nat  # type: ignore[return-value]
    if isinstance(text, pd.Timestamp):
        text = text.strftime("%Y-%m-%d")
    raw = str(text).strip()
    if precision == "range":
        parts = re.split(r"\s*(?:/|\.\.|\bto\b|–)\s*", raw)
        if len(parts) != 2:
            raise DataValidationError("a range must read 'A/B', 'A..B' or 'A to B'",
                                      column="text", value=raw)
        a, b = _parse_date_text(parts[0]), _parse_date_text(parts[1])
        if a is None or b is None:
            raise DataValidationError("cannot read a date in the range", column="text",
                                      value=raw)
        return date_interval(a[0], a[1])[0], date_interval(b[0], b[1])[1]
    parsed = _parse_date_text(raw)
    if parsed is None:
        raise DataValidationError("cannot read the date (ISO or 'Mon YYYY' expected)",
                                  column="text", value=raw)
    ts, implied = parsed
    ts = ts.normalize()
    if precision in ("minute", "hour", "day"):
        return ts, ts
    if precision == "week":
        return ts, ts + pd.Timedelta(days=6)
    if precision == "month":
        start = pd.Timestamp(ts.year, ts.month, 1)
        return start, _month_end(start)
    if precision == "season":
        if implied == "season":
            start = ts
        else:
            season = next(s for s, ms in SEASON_MONTHS.items() if ts.month in ms)
            first = SEASON_MONTHS[season][0]
            year = ts.year - (1 if first == 12 and ts.month < 12 else 0)
            start = pd.Timestamp(year, first, 1)
        end_month = start + pd.DateOffset(months=2)
        return start, _month_end(pd.Timestamp(end_month))
    if precision == "year":
        return pd.Timestamp(ts.year, 1, 1), pd.Timestamp(ts.year, 12, 31)
    # before: the period ends the day before the reference's first day
    return nat, ts - pd.Timedelta(days=1)  # type: ignore[return-value]


# --------------------------------------------------------------------------------------
# bounds
# --------------------------------------------------------------------------------------


def rounding_halfwidth(printed: object) -> float:
    """Half a unit of the last printed digit of a number as written.

    Args:
        printed: The number as printed ("3.7", "270", "less than 1") or a float (whose
            shortest ``repr`` is used). The first number in the text counts.

    Returns:
        ``0.5 * 10**-d`` with ``d`` the digits after the decimal point (0 for integers).

    Raises:
        DataValidationError: If there is no number in the text.

    Example:
        >>> rounding_halfwidth("3.7"), rounding_halfwidth("1"), rounding_halfwidth("2.45")
        (0.05, 0.5, 0.005)
    """
    return float(_halfwidth_dec(printed))


def _halfwidth_dec(printed: object) -> Decimal:
    text = repr(float(printed)) if isinstance(printed, (int, float)) else str(printed)
    m = _NUMBER.search(text)
    if m is None:
        raise DataValidationError("no number in the printed value", column="value_reported",
                                  value=printed)
    digits = len(m.group(0).partition(".")[2])
    if isinstance(printed, (int, float)) and float(printed).is_integer():
        digits = 0
    return Decimal(5).scaleb(-(digits + 1))


def _plus(v: float, h: Decimal) -> float:
    """``v + h`` computed in decimal, so 2.4 + 0.05 is 2.45, not 2.4499999999999997."""
    return float(Decimal(repr(float(v))) + h)


def rate_bounds(
    qualifier: str,
    value: float,
    value_high: float | None = None,
    printed: str | None = None,
    *,
    approx_rel: float = 0.25,
    nearly_rel: float | None = None,
    lt_floor: float = 0.0,
    rounding: bool = True,
) -> tuple[float, float, Code]:
    """Bounds ``(low, high, code)`` of one reported value, in its own unit.

    See the table in the module description for the rule per qualifier.

    Args:
        qualifier: ``=``, ``<``, ``>``, ``~``, ``~>``, ``~<`` or ``range``.
        value: The number as printed (a range's low end).
        value_high: A range's upper end.
        printed: The value as printed, to read the last digit (default: ``repr(value)``);
            for a range, the first number is the low end and the last the high end.
        approx_rel: Relative half-width for ``~``, and the upward width for ``>`` and ``~>``.
        nearly_rel: Relative downward width for ``~<`` (default ``approx_rel / 2``).
        lt_floor: Lower bound for ``<`` (default 0).
        rounding: Widen ``=`` and ``range`` by half a unit of the last printed digit.

    Returns:
        ``(low, high, code)`` with ``low <= value <= high`` (for a range,
        ``low <= value <= value_high <= high``).

    Raises:
        DataValidationError: Unknown qualifier, a range without its upper end, or a negative
            relative width.

    Example:
        >>> rate_bounds("=", 2.4, printed="2.4")[:2]
        (2.35, 2.45)
        >>> rate_bounds("<", 1.0)[:2]
        (0.0, 1.0)
        >>> rate_bounds("range", 2.0, 2.5, printed="2 to 2.5")[:2]
        (1.5, 2.55)
    """
    if approx_rel < 0 or (nearly_rel is not None and nearly_rel < 0):
        raise DataValidationError("relative widths must be >= 0", column="approx_rel",
                                  value=approx_rel)
    nrel = approx_rel / 2 if nearly_rel is None else nearly_rel
    v = float(value)
    if qualifier == "=":
        h = _halfwidth_dec(printed if printed is not None else v) if rounding else Decimal(0)
        return _plus(v, -h), _plus(v, h), Code.BOUND_ROUNDING
    if qualifier == "<":
        return min(lt_floor, v), v, Code.BOUND_QUALIFIER_LT
    if qualifier == ">":
        return v, v * (1 + approx_rel), Code.BOUND_QUALIFIER_GT
    if qualifier == "~":
        return v * (1 - approx_rel), v * (1 + approx_rel), Code.BOUND_APPROX
    if qualifier == "~>":
        return v, v * (1 + approx_rel), Code.BOUND_LITTLE_OVER
    if qualifier == "~<":
        return v * (1 - nrel), v, Code.BOUND_NEARLY
    if qualifier == "range":
        if value_high is None or _isna(value_high):
            raise DataValidationError("a range needs value_high", column="value_high")
        hi = float(value_high)
        h_lo = h_hi = Decimal(0)
        if rounding:
            nums = _NUMBER.findall(printed) if printed else []
            h_lo = _halfwidth_dec(nums[0] if nums else v)
            h_hi = _halfwidth_dec(nums[-1] if len(nums) >= 2 else hi)
        return _plus(v, -h_lo), _plus(hi, h_hi), Code.BOUND_RANGE
    raise DataValidationError("unknown qualifier", column="qualifier", value=qualifier)


# --------------------------------------------------------------------------------------
# grades
# --------------------------------------------------------------------------------------


def best_grade(source_ids: object, grades: Mapping[str, str]) -> str | None:
    """Best grade (P > T > A) among the sources of one ``";"``-separated id list.

    Args:
        source_ids: ``"S02;S04"``.
        grades: ``source_id -> grade``.

    Returns:
        The best grade, or ``None`` for an empty list.

    Raises:
        KeyError: If an id is not in ``grades``.

    Example:
        >>> best_grade("S1;S2", {"S1": "A", "S2": "T"})
        'T'
    """
    if _isna(source_ids):
        return None
    ids = [p.strip() for p in str(source_ids).split(";") if p.strip()]
    found = [grades[i] for i in ids]
    ranked = [g for g in GRADE_ORDER if g in found]
    return ranked[0] if ranked else None


def _grade_map(sources: pd.DataFrame) -> dict[str, str]:
    _need(sources, ["source_id", "grade"], "sources")
    return {str(k).strip(): str(v).strip() for k, v in zip(sources["source_id"],
                                                          sources["grade"], strict=True)}


# --------------------------------------------------------------------------------------
# leak rates
# --------------------------------------------------------------------------------------


def _default_sources() -> pd.DataFrame:
    from prkanalysis.record import load_record

    return load_record().sources


def normalize_leak_rates(
    df: pd.DataFrame,
    *,
    sources: pd.DataFrame | str | None = "record",
    approx_rel: float = 0.25,
    nearly_rel: float | None = None,
    lt_floor: float = 0.0,
    rounding: bool = True,
    open_before: bool = True,
    table: str = "leak_rates",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Normalise leak rates to kg/day with bounds, dates to intervals, and grade each row.

    Adds (never overwrites a reported column): ``kg_per_day``, ``kg_per_day_low``,
    ``kg_per_day_high`` (bounds per the module table, converted exactly from ``unit`` with
    :func:`prkanalysis.units.convert`), ``period_start``/``period_end`` as Timestamps (kept
    from the data where given; a missing end is filled by :func:`date_interval` from
    ``period_start`` and ``period_precision``; ``before`` forces an open start, ``unknown``
    gives ``NaT``), and ``grade_best`` (best grade among the row's sources, P > T > A).

    Audit: one ``BOUND_*`` row per rate (column ``kg_per_day``; before = value as printed
    with its unit, after = ``[low, high] kg/day``), plus one ``DATE_*`` row per period bound
    that was filled or opened. Nothing is dropped.

    Args:
        df: The ``leak_rates`` table (at least ``value``, ``qualifier``, ``unit``; optional
            ``value_high``, ``value_reported``, ``period_*``, ``source_ids``, ``rate_id``).
        sources: The ``sources`` table for ``grade_best``; ``"record"`` (default) loads it
            from the evidence base, ``None`` skips grading (``grade_best`` is missing).
        approx_rel: Relative width for ``~``, ``>`` and ``~>`` (default 0.25).
        nearly_rel: Downward relative width for ``~<`` (default ``approx_rel / 2``).
        lt_floor: Lower bound of ``<`` values, in the reported unit (default 0).
        rounding: Widen printed values by half a unit of their last digit (default True).
        open_before: For ``before`` periods with an end, replace the data's ``period_start``
            (often the first detection, Sept 2019) by ``NaT``, an open start (default True);
            False keeps it as a lower bound. Without an end, ``period_start`` is read as the
            reference date: the period is ``NaT`` .. the day before it.
        table: Table name written in the audit.

    Returns:
        ``(clean, audit)``; ``clean`` has the rows of ``df`` in order, same index.

    Raises:
        DataValidationError: A missing column, an unknown unit or qualifier, or an unknown
            source id (naming table, 1-based row and column).

    Example:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"value": [1.0], "qualifier": ["<"], "unit": ["lb/day"]})
        >>> clean, _ = normalize_leak_rates(df, sources=None)
        >>> float(clean.loc[0, "kg_per_day_high"])
        0.45359237
    """
    _need(df, ["value", "qualifier", "unit"], table)
    out = df.copy()
    ids = _row_ids(df, "rate_id")
    grades = None
    if isinstance(sources, str):
        sources = _default_sources()
    if sources is not None:
        grades = _grade_map(sources)
    printed_col = df["value_reported"] if "value_reported" in df.columns else None
    high_col = df["value_high"] if "value_high" in df.columns else None
    n = len(df)
    point, low, high = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    grade_best: list[str | None] = [None] * n
    rows: list[dict[str, Any]] = []
    for i in range(n):
        q = df["qualifier"].iloc[i]
        v = df["value"].iloc[i]
        unit = str(df["unit"].iloc[i])
        vh = None if high_col is None or _isna(high_col.iloc[i]) else float(high_col.iloc[i])
        printed = None if printed_col is None or _isna(printed_col.iloc[i]) else str(
            printed_col.iloc[i])
        if _isna(v) or _isna(q):
            raise DataValidationError("value and qualifier are needed to normalise a rate",
                                      file=table, row=i + 1,
                                      column="value" if _isna(v) else "qualifier")
        try:
            lo, hi, code = rate_bounds(str(q), float(v), vh, printed if q in ("=", "range")
                                       else None, approx_rel=approx_rel,
                                       nearly_rel=nearly_rel, lt_floor=lt_floor,
                                       rounding=rounding)
            f = float(convert(1.0, unit, "kg/day"))
        except DataValidationError as exc:
            raise DataValidationError(exc.message, file=table, row=i + 1, column=exc.column,
                                      value=exc.value) from None
        except UnitError as exc:
            raise DataValidationError(f"unknown unit: {exc}", file=table, row=i + 1,
                                      column="unit", value=unit) from None
        pv = (float(v) + vh) / 2 if q == "range" and vh is not None else float(v)
        point[i], low[i], high[i] = pv * f, lo * f, hi * f
        shown = printed if printed is not None else f"{v:g}"
        rows.append(_entry(table, ids[i], "kg_per_day", code, f"{q} {shown} {unit}",
                           f"[{low[i]:.6g}, {high[i]:.6g}] kg/day"))
        if grades is not None and "source_ids" in df.columns:
            try:
                grade_best[i] = best_grade(df["source_ids"].iloc[i], grades)
            except KeyError as exc:
                raise DataValidationError("unknown source id", file=table, row=i + 1,
                                          column="source_ids", value=exc.args[0]) from None
    out["kg_per_day"] = point
    out["kg_per_day_low"] = low
    out["kg_per_day_high"] = high
    out["grade_best"] = pd.Series(grade_best, index=df.index, dtype="string")
    if "period_start" in df.columns or "period_end" in df.columns:
        _normalize_periods(df, out, ids, table, rows, open_before)
    audit = _audit(rows)
    _check_accounting(n, out, audit, "normalize_leak_rates")
    return out, audit


def _to_ts(v: object) -> pd.Timestamp:
    if _isna(v) or (isinstance(v, str) and not v.strip()):
        return pd.NaT  # type: ignore[return-value]
    return pd.Timestamp(v)  # type: ignore[arg-type]


def _normalize_periods(
    df: pd.DataFrame, out: pd.DataFrame, ids: list[object], table: str,
    rows: list[dict[str, Any]], open_before: bool,
) -> None:
    n = len(df)
    prec = df["period_precision"] if "period_precision" in df.columns else pd.Series(
        ["unknown"] * n, index=df.index)
    starts = [_to_ts(v) for v in (df["period_start"] if "period_start" in df.columns
                                  else [None] * n)]
    ends = [_to_ts(v) for v in (df["period_end"] if "period_end" in df.columns
                                else [None] * n)]
    new_s: list[Any] = list(starts)
    new_e: list[Any] = list(ends)
    for i in range(n):
        p = "unknown" if _isna(prec.iloc[i]) else str(prec.iloc[i])
        s0, e0 = starts[i], ends[i]
        if p == "unknown":
            if not (_isna(s0) and _isna(e0)):
                new_s[i], new_e[i] = pd.NaT, pd.NaT
                rows.append(_entry(table, ids[i], "period_start", Code.DATE_UNKNOWN,
                                   f"{_fmt(s0)}..{_fmt(e0)}", "NaT..NaT"))
            continue
        if p == "before":
            # no end: the start is the reference date ("before s0"), the period ends the day
            # before it; with an end: the start is a lower bound, opened if open_before
            if not _isna(s0) and (_isna(e0) or open_before):
                new_s[i] = pd.NaT
                if _isna(e0):
                    new_e[i] = date_interval(s0, "before")[1]
                rows.append(_entry(table, ids[i], "period_start", Code.DATE_OPEN_START,
                                   _fmt(s0), f"NaT..{_fmt(new_e[i])}"))
            continue
        if _isna(e0) and not _isna(s0) and p != "range":
            try:
                new_e[i] = date_interval(s0, p)[1]
            except DataValidationError as exc:
                raise DataValidationError(exc.message, file=table, row=i + 1,
                                          column="period_precision", value=p) from None
            rows.append(_entry(table, ids[i], "period_end", Code.DATE_INTERVAL, "",
                               _fmt(new_e[i]), f"end of the {p} starting {_fmt(s0)}"))
    out["period_start"] = pd.Series(new_s, index=df.index, dtype="datetime64[ns]")
    out["period_end"] = pd.Series(new_e, index=df.index, dtype="datetime64[ns]")


def _fmt(ts: object) -> str:
    return "NaT" if _isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# filters
# --------------------------------------------------------------------------------------


def _drop(
    df: pd.DataFrame, mask: pd.Series, code: Code, column: str, table: str, id_column: str,
    after: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    m = mask.fillna(False).astype(bool).to_numpy()
    ids = _row_ids(df, id_column)
    rows = [
        _entry(table, ids[i], column, code, df[column].iloc[i], after)
        for i in np.flatnonzero(m)
    ]
    kept = df.loc[~m]
    audit = _audit(rows)
    _check_accounting(len(df), kept, audit, code.value)
    return kept, audit


def filter_grades(
    df: pd.DataFrame,
    grades: Iterable[str] = ("P", "T"),
    *,
    table: str = "leak_rates",
    id_column: str = "rate_id",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep rows whose ``grade_best`` is among ``grades``; audit each drop (``DROP_GRADE``).

    Rows with no ``grade_best`` are dropped too (their grade is not among those kept).

    Args:
        df: A table with ``grade_best`` (see :func:`normalize_leak_rates`).
        grades: Grades to keep (default P and T).
        table: Table name for the audit.
        id_column: Column naming the row in the audit.

    Returns:
        ``(kept, audit)``.

    Raises:
        DataValidationError: If ``grade_best`` is missing or a grade is not P, T or A.

    Example:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"rate_id": ["a", "b"], "grade_best": ["T", "A"]})
        >>> kept, audit = filter_grades(df)
        >>> list(kept.rate_id), list(audit.code)
        (['a'], ['DROP_GRADE'])
    """
    keep = {str(g) for g in grades}
    bad = keep - set(GRADE_ORDER)
    if bad:
        raise DataValidationError(f"unknown grades {sorted(bad)}; grades are P, T, A",
                                  column="grades", value=sorted(bad))
    _need(df, ["grade_best"], table)
    mask = ~df["grade_best"].astype("string").isin(sorted(keep)).fillna(False)
    return _drop(df, mask, Code.DROP_GRADE, "grade_best", table, id_column)


def drop_derived(
    df: pd.DataFrame, *, table: str = "leak_rates", id_column: str = "rate_id"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop rows flagged ``derived`` (computed by an outlet); audit each (``DROP_DERIVED``).

    Args:
        df: A table with a boolean ``derived`` column.
        table: Table name for the audit.
        id_column: Column naming the row in the audit.

    Returns:
        ``(kept, audit)``.

    Example:
        >>> import pandas as pd
        >>> kept, audit = drop_derived(pd.DataFrame({"rate_id": ["a", "b"],
        ...                                          "derived": [False, True]}))
        >>> list(kept.rate_id), list(audit.row_id)
        (['a'], ['b'])
    """
    _need(df, ["derived"], table)
    mask = is_true(df["derived"])
    return _drop(df, mask, Code.DROP_DERIVED, "derived", table, id_column)


def drop_duplicates_of(
    df: pd.DataFrame, *, table: str = "leak_rates", id_column: str = "rate_id"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop rows that restate another row (``duplicate_of`` set); audit each (``DROP_DUPLICATE``).

    A table without a ``duplicate_of`` column is returned whole with an empty audit.

    Args:
        df: A table, optionally with ``duplicate_of``.
        table: Table name for the audit.
        id_column: Column naming the row in the audit.

    Returns:
        ``(kept, audit)``.

    Example:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"rate_id": ["a", "b"], "duplicate_of": [None, "a"]})
        >>> kept, audit = drop_duplicates_of(df)
        >>> list(kept.rate_id), list(audit["before"])
        (['a'], ['a'])
    """
    if "duplicate_of" not in df.columns:
        return df.copy(), empty_audit()
    dup = df["duplicate_of"].astype("string").str.strip()
    mask = dup.notna() & dup.ne("")
    return _drop(df, mask.fillna(False), Code.DROP_DUPLICATE, "duplicate_of", table, id_column)


def clean_leak_rates(
    df: pd.DataFrame,
    *,
    sources: pd.DataFrame | str | None = "record",
    grades: Iterable[str] | None = None,
    keep_derived: bool | None = None,
    keep_duplicates: bool = False,
    keep_secondary: bool | None = None,
    as_of: Any = None,
    contest_groups: pd.DataFrame | None = None,
    **bounds: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Normalise, then keep the trusted rows: the one selection, with the shared defaults.

    :func:`normalize_leak_rates` followed by
    :func:`prkanalysis.analysis.rates.select_trusted` (as-of, derived, duplicates,
    secondary, grades; each drop audited). Every ``None`` argument, and the "about"/"nearly"
    widths when not given in ``bounds``, take the value of ``data/judgements.csv``
    (:func:`prkanalysis.analysis.judgements.defaults`). Prefer
    :func:`prkanalysis.analysis.rates.trusted_rates`, which takes a record.

    Args:
        df: The ``leak_rates`` table.
        sources: As in :func:`normalize_leak_rates`; the rates must be graded (not ``None``).
        grades: Trusted grades (``None``: the judgement, today P and T).
        keep_derived: Keep rows an outlet computed (``None``: the judgement).
        keep_duplicates: Keep rows restating another (default False).
        keep_secondary: Keep secondary timeline rows (``None``: the judgement).
        as_of: Only rows reported on or before this day.
        contest_groups: The ``contest_groups`` table: non-preferred alternatives are dropped.
        **bounds: Passed to :func:`normalize_leak_rates` (``approx_rel``, ``nearly_rel``,
            ``lt_floor``, ``rounding``).

    Returns:
        ``(clean, audit)``, the audit of every step concatenated in order.

    Raises:
        DataValidationError: If ``sources`` is ``None`` (the grade step needs grades).

    Example:
        >>> clean, audit = clean_leak_rates(load_record().leak_rates)  # doctest: +SKIP
    """
    from prkanalysis.analysis.judgements import defaults
    from prkanalysis.analysis.rates import select_trusted

    if sources is None:
        raise DataValidationError("clean_leak_rates needs the sources to grade the rates "
                                  "(sources=None given)", file="leak_rates",
                                  column="source_ids")
    if isinstance(sources, str):
        sources = _default_sources()
    j = defaults()
    bounds.setdefault("approx_rel", j.approx_rel)
    bounds.setdefault("nearly_rel", j.nearly_rel)
    out, audit = normalize_leak_rates(df, sources=sources, **bounds)
    kept, drops = select_trusted(out, grades=grades, include_derived=keep_derived,
                                 include_secondary=keep_secondary,
                                 keep_duplicates=keep_duplicates, as_of=as_of, sources=sources,
                                 judgements=j, contest_groups=contest_groups)
    full = concat_audits(audit, drops)
    _check_accounting(len(df), kept, full, "clean_leak_rates")
    return kept, full


# --------------------------------------------------------------------------------------
# pressure readings
# --------------------------------------------------------------------------------------


def normalize_pressure_readings(
    df: pd.DataFrame,
    *,
    halfwidth_h: Mapping[str, float] = ELAPSED_HALFWIDTH_H,
    table: str = "pressure_readings",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add elapsed days with bounds, pressure in Pa, and flag non-measurements.

    Adds ``elapsed_d``, ``elapsed_low_d``, ``elapsed_high_d`` (hours / 24; a missing bound is
    filled as ``elapsed_h -/+ halfwidth_h[time_precision]`` and audited ``BOUND_ELAPSED``;
    the first reading of an episode, ``elapsed_h == 0``, keeps [0, 0] since elapsed time is
    counted from it; the low bound is clipped at 0), ``pressure_pa`` (exact from mmHg) and
    ``is_measurement`` (``kind == "reading"`` and the elapsed time known). Rows whose
    ``kind`` is ``target`` or ``held`` are flagged (``FLAG_TARGET``/``FLAG_HELD``), rows
    without elapsed time ``FLAG_NO_ELAPSED``; nothing is dropped.

    Args:
        df: The ``pressure_readings`` table (``pressure_mmhg``, ``kind``; optional
            ``elapsed_h``, ``elapsed_low_h``, ``elapsed_high_h``, ``time_precision``,
            ``reading_id``).
        halfwidth_h: Hours of uncertainty per time precision.
        table: Table name for the audit.

    Returns:
        ``(clean, audit)``, same rows and index as ``df``.

    Raises:
        DataValidationError: If ``pressure_mmhg`` or ``kind`` is missing.

    Example:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"reading_id": ["a", "b"], "elapsed_h": [0.0, 144.0],
        ...                    "time_precision": ["day", "day"], "pressure_mmhg": [473, 273],
        ...                    "kind": ["reading", "reading"]})
        >>> clean, audit = normalize_pressure_readings(df)
        >>> clean[["elapsed_low_d", "elapsed_d", "elapsed_high_d"]].iloc[1].tolist()
        [5.0, 6.0, 7.0]
    """
    _need(df, ["pressure_mmhg", "kind"], table)
    out = df.copy()
    n = len(df)
    ids = _row_ids(df, "reading_id")
    nan = pd.Series(np.nan, index=df.index)
    el = df["elapsed_h"].astype(float) if "elapsed_h" in df.columns else nan
    lo = df["elapsed_low_h"].astype(float) if "elapsed_low_h" in df.columns else nan.copy()
    hi = df["elapsed_high_h"].astype(float) if "elapsed_high_h" in df.columns else nan.copy()
    prec = df["time_precision"] if "time_precision" in df.columns else pd.Series(
        [None] * n, index=df.index)
    lo, hi = lo.copy(), hi.copy()
    rows: list[dict[str, Any]] = []
    for i in range(n):
        e = el.iloc[i]
        if _isna(e):
            continue
        if _isna(lo.iloc[i]) or _isna(hi.iloc[i]):
            p = prec.iloc[i]
            h = 0.0 if e == 0 else halfwidth_h.get(str(p), np.nan) if not _isna(p) else np.nan
            before = f"[{lo.iloc[i]}, {hi.iloc[i]}] h"
            if _isna(lo.iloc[i]):
                lo.iloc[i] = max(e - h, 0.0)
            if _isna(hi.iloc[i]):
                hi.iloc[i] = e + h
            rows.append(_entry(table, ids[i], "elapsed_d", Code.BOUND_ELAPSED, before,
                               f"[{lo.iloc[i]:g}, {hi.iloc[i]:g}] h",
                               f"+- {h:g} h for time precision {p}"))
    kind = df["kind"].astype("string")
    for j in np.flatnonzero(kind.isin(["target", "held"]).fillna(False).to_numpy()):
        code = Code.FLAG_TARGET if kind.iloc[j] == "target" else Code.FLAG_HELD
        rows.append(_entry(table, ids[j], "kind", code, kind.iloc[j], "is_measurement=False"))
    for j in np.flatnonzero(el.isna().to_numpy()):
        rows.append(_entry(table, ids[j], "elapsed_h", Code.FLAG_NO_ELAPSED, None,
                           "is_measurement=False"))
    out["elapsed_d"] = el / 24.0
    out["elapsed_low_d"] = lo / 24.0
    out["elapsed_high_d"] = hi / 24.0
    out["pressure_pa"] = df["pressure_mmhg"].astype(float) * float(convert(1.0, "mmHg", "Pa"))
    out["is_measurement"] = (kind.eq("reading").fillna(False) & el.notna()).astype(bool)
    audit = _audit(rows)
    _check_accounting(n, out, audit, "normalize_pressure_readings")
    return out, audit
