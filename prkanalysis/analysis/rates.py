"""Trusted leak rates and the 2024 ratios: each written once, with the shared defaults.

:func:`trusted_rates` is the one selection of the leak rates a reader trusts: normalise
(:func:`prkanalysis.clean.normalize_leak_rates`), then :func:`select_trusted`, which drops,
with one audit row per drop, in this order: rows not yet reported on ``as_of``
(``DROP_AS_OF``), derived figures (``DROP_DERIVED``), restatements (``DROP_DUPLICATE``),
secondary timeline rows (``DROP_SECONDARY``) and rows whose best grade is not trusted
(``DROP_GRADE``). Every default (grades, derived, secondary, "about" widths) comes from
``data/judgements.csv`` via :func:`prkanalysis.analysis.judgements.defaults`.

:func:`ratios_2024` answers "did it double?" for chapter 02 and claim C3 alike, and
:func:`ratio_band` summarises its answer. :func:`is_true` is the one reading of a flag column.

Example:
    >>> rates, audit = trusted_rates()
    >>> sorted(set(rates["grade_best"]))
    ['T']
    >>> len(rates) + int((audit["action"] == "dropped").sum()) == len(audit[audit["code"]
    ...     .str.startswith("BOUND")])
    True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from prkanalysis import clean
from prkanalysis.analysis.judgements import Defaults, check_grades, defaults
from prkanalysis.clean import is_true
from prkanalysis.codes import AUDIT_COLUMNS, Code
from prkanalysis.errors import DataValidationError, PrkError
from prkanalysis.models.growth import rate_ratio

__all__ = [
    "RATIO_COLUMNS",
    "as_of_date",
    "dated_period_end",
    "is_true",
    "peak_rate",
    "rates_2024",
    "ratio_band",
    "ratios_2024",
    "select_trusted",
    "trusted_rates",
]

#: Columns of :func:`ratios_2024`, in order.
RATIO_COLUMNS: tuple[str, ...] = (
    "before_id", "after_id", "before_reported", "after_reported", "after_period",
    "after_month", "before_period_end", "before_grade", "after_grade", "same_speaker",
    "ratio_low", "ratio_high", "ratio_point", "verdict",
)


def as_of_date(as_of: Any) -> pd.Timestamp | None:
    """Read an ``as_of`` argument (``None``, a date text or a Timestamp) as a day.

    Raises:
        PrkError: If it is not a date.

    Example:
        >>> as_of_date("2026-01-10")
        Timestamp('2026-01-10 00:00:00')
    """
    if as_of is None:
        return None
    ts = pd.to_datetime(as_of, errors="coerce")
    if pd.isna(ts):
        raise PrkError(f"argument as_of={as_of!r} is not a date (YYYY-MM-DD)")
    return pd.Timestamp(ts).normalize().tz_localize(None) if ts.tzinfo else pd.Timestamp(ts)


def _day(text: object) -> pd.Timestamp:
    """The earliest day a dated text can mean (``2025-06``: 1 June 2025; NaT if none)."""
    if isinstance(text, pd.Timestamp):
        return text
    if not isinstance(text, str) or not text.strip():
        return pd.NaT  # type: ignore[return-value]
    t = text.strip()
    t = t + "-01" if len(t) == 7 else t + "-01-01" if len(t) == 4 else t[:10]
    ts = pd.to_datetime(t, errors="coerce")
    return pd.NaT if pd.isna(ts) else pd.Timestamp(ts)  # type: ignore[return-value]


def _audit_drop(df: pd.DataFrame, mask: pd.Series, code: Code, column: str,
                table: str, id_column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    m = mask.reindex(df.index).fillna(False).astype(bool)
    ids = df[id_column] if id_column in df.columns else pd.Series(df.index, index=df.index)
    rows = [{"table": table, "row_id": ids.loc[i], "column": column, "action": code.action,
             "code": code.value, "reason": code.meaning,
             "before": None if column not in df.columns else df.loc[i, column], "after": None}
            for i in df.index[m.to_numpy()]]
    audit = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    for c in AUDIT_COLUMNS:
        audit[c] = audit[c].map(lambda v: None if v is None or v is pd.NA else str(v)
                                ).astype("string")
    return df.loc[~m.to_numpy()].copy(), audit


def _as_of_filter(df: pd.DataFrame, day: pd.Timestamp, sources: pd.DataFrame | None,
                  table: str, id_column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop rows not yet reported on ``day``; regrade the rest from the sources out by then."""
    late = pd.Series(False, index=df.index)
    if "reported_on" in df.columns:
        first = pd.Series([_day(t) for t in df["reported_on"]], index=df.index)
        late |= first.notna() & (first > day)
    regraded: dict[Any, str | None] = {}
    if sources is not None and "published" in sources.columns and "source_ids" in df.columns:
        out_by = {str(sid).strip(): str(g).strip()
                  for sid, g, pub in zip(sources["source_id"], sources["grade"],
                                         sources["published"], strict=True)
                  if not (_day(pub) > day)}
        for i, sids in zip(df.index, df["source_ids"], strict=True):
            ids = [s.strip() for s in str(sids).split(";") if s.strip()] if isinstance(
                sids, str) else []
            have = [out_by[s] for s in ids if s in out_by]
            if ids and not have:
                late.loc[i] = True
            else:
                regraded[i] = next((g for g in ("P", "T", "A") if g in have), None)
    kept, audit = _audit_drop(df, late, Code.DROP_AS_OF,
                              "reported_on" if "reported_on" in df.columns else "source_ids",
                              table, id_column)
    if regraded and "grade_best" in kept.columns:
        new = pd.Series([regraded.get(i, kept.loc[i, "grade_best"]) for i in kept.index],
                        index=kept.index, dtype="string")
        kept["grade_best"] = new
    return kept, audit


def select_trusted(
    normalised: pd.DataFrame,
    *,
    grades: Iterable[str] | None = None,
    include_derived: bool | None = None,
    include_secondary: bool | None = None,
    keep_duplicates: bool = False,
    as_of: Any = None,
    sources: pd.DataFrame | None = None,
    judgements: Defaults | None = None,
    contest_groups: pd.DataFrame | None = None,
    keep_alternatives: bool = False,
    table: str = "leak_rates",
    id_column: str = "rate_id",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of normalised rates a reader trusts, with one audit row per drop.

    Steps, in order (each step only if its column exists): ``as_of`` (a row is public on
    the day when its ``reported_on``, the earliest day it can have been public, is on or
    before it; rows whose every source was ``published`` after the day are dropped too; the
    rest are regraded from the sources out by then; a month or year date counts from its
    first day), ``derived`` unless ``include_derived``,
    ``duplicate_of`` unless ``keep_duplicates``, ``secondary`` unless
    ``include_secondary``, contest alternatives unless ``keep_alternatives`` (a row of a
    ``contest_group`` whose ``preferred_ids`` name other rows: one contested value counts
    once; groups without a preferred row keep all their members), then ``grade_best`` must
    be in ``grades`` (rows without a grade are dropped). Values and bounds are not changed.

    Args:
        normalised: Output of :func:`prkanalysis.clean.normalize_leak_rates` (needs
            ``grade_best`` for the grade step).
        grades: Trusted grades; ``None``: the judgement ``trusted_grades``.
        include_derived: ``None``: the judgement ``include_derived``.
        include_secondary: ``None``: the judgement ``include_secondary``.
        keep_duplicates: Keep restatements (default False).
        as_of: Only evidence reported on or before this day (``None``: all).
        sources: The ``sources`` table (regrading under ``as_of``).
        judgements: Defaults to use instead of ``data/judgements.csv``.
        contest_groups: The ``contest_groups`` table (``group_id``, ``preferred_ids``).
        keep_alternatives: Keep the non-preferred members of contest groups.
        table: Table name in the audit.
        id_column: Column naming the row in the audit.

    Returns:
        ``(kept, audit)``; rows in = rows kept + rows in the audit.

    Raises:
        PrkError: On an invalid grade set or ``as_of``.
        DataValidationError: If ``grade_best`` is missing.

    Example:
        >>> df = pd.DataFrame({"rate_id": ["a", "b", "c"], "grade_best": ["P", "A", "T"],
        ...                    "derived": [False, False, "true"]})
        >>> kept, audit = select_trusted(df, grades="PTA")
        >>> list(kept.rate_id), list(audit.code)
        (['a', 'b'], ['DROP_DERIVED'])
    """
    j = judgements or defaults()
    g = check_grades(j.grades if grades is None else grades)
    inc_der = j.include_derived if include_derived is None else bool(include_derived)
    inc_sec = j.include_secondary if include_secondary is None else bool(include_secondary)
    day = as_of_date(as_of)
    if "grade_best" not in normalised.columns:
        raise DataValidationError("the rates have no 'grade_best' column (normalise them with "
                                  "sources first)", file=table, column="grade_best")
    out = normalised.copy()
    audits = []
    if day is not None:
        out, a = _as_of_filter(out, day, sources, table, id_column)
        audits.append(a)
    if not inc_der and "derived" in out.columns:
        out, a = _audit_drop(out, is_true(out["derived"]), Code.DROP_DERIVED, "derived",
                             table, id_column)
        audits.append(a)
    if not keep_duplicates and "duplicate_of" in out.columns:
        dup = out["duplicate_of"].astype("string").str.strip()
        out, a = _audit_drop(out, (dup.notna() & dup.ne("")).fillna(False),
                             Code.DROP_DUPLICATE, "duplicate_of", table, id_column)
        audits.append(a)
    if not inc_sec and "secondary" in out.columns:
        out, a = _audit_drop(out, is_true(out["secondary"]), Code.DROP_SECONDARY, "secondary",
                             table, id_column)
        audits.append(a)
    if (not keep_alternatives and contest_groups is not None and "contest_group" in out.columns
            and {"group_id", "preferred_ids"} <= set(contest_groups.columns)):
        pref = contest_groups["preferred_ids"].astype("string").fillna("").str.strip()
        decided = set(contest_groups.loc[pref.ne("").to_numpy(), "group_id"].astype(str))
        preferred = {i.strip() for ids in pref for i in ids.split(";") if i.strip()}
        grp = out["contest_group"].astype("string").str.strip()
        alt = grp.isin(sorted(decided)).fillna(False) & ~out[id_column].astype(str).isin(
            preferred)
        out, a = _audit_drop(out, alt, Code.DROP_ALTERNATIVE, "contest_group", table, id_column)
        audits.append(a)
    grade = out["grade_best"].astype("string").str.upper()
    out, a = _audit_drop(out, ~grade.isin(g).fillna(False), Code.DROP_GRADE, "grade_best",
                         table, id_column)
    audits.append(a)
    audit = clean.concat_audits(*audits)
    if len(out) + len(audit) != len(normalised):
        raise PrkError(f"select_trusted: {len(normalised)} rows in, {len(out)} kept, "
                       f"{len(audit)} dropped: accounting broken")
    return out, audit


def _contest_groups(record: Any) -> pd.DataFrame | None:
    extra = getattr(record, "extra", None)
    table = extra.get("contest_groups") if isinstance(extra, Mapping) else None
    return table if isinstance(table, pd.DataFrame) else None


def trusted_rates(
    record: Any = None,
    grades: Iterable[str] | None = None,
    include_derived: bool | None = None,
    as_of: Any = None,
    *,
    include_secondary: bool | None = None,
    keep_duplicates: bool = False,
    approx_rel: float | None = None,
    nearly_rel: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The leak rates a reader trusts, normalised to kg/day with bounds, and the audit.

    :func:`prkanalysis.clean.normalize_leak_rates` (with the "about"/"nearly" widths of the
    judgements unless given) followed by :func:`select_trusted` with the record's
    ``contest_groups`` (an alternative report counts once). Every ``None`` argument takes its
    value from ``data/judgements.csv`` (of ``record`` if it has the table).

    Args:
        record: A :class:`prkanalysis.record.Record` (``None``: the evidence base).
        grades: Trusted grades (subset of P, T, A).
        include_derived: Use outlet-computed figures.
        as_of: Only evidence reported on or before this day.
        include_secondary: Use secondary timeline rows.
        keep_duplicates: Keep restatements.
        approx_rel: Relative half-width of "about".
        nearly_rel: Downward width of "nearly".

    Returns:
        ``(rates, audit)``: the trusted rows (original index) and the audit of every
        normalisation step and every drop (rows in = rows out + rows dropped).
    """
    if record is None:
        from prkanalysis.record import load_record

        record = load_record()
    j = defaults(record)
    norm, audit_n = clean.normalize_leak_rates(
        record.leak_rates, sources=record.sources,
        approx_rel=j.approx_rel if approx_rel is None else float(approx_rel),
        nearly_rel=j.nearly_rel if nearly_rel is None else float(nearly_rel))
    kept, audit_s = select_trusted(norm, grades=grades, include_derived=include_derived,
                                   include_secondary=include_secondary,
                                   keep_duplicates=keep_duplicates, as_of=as_of,
                                   sources=record.sources, judgements=j,
                                   contest_groups=_contest_groups(record))
    return kept, clean.concat_audits(audit_n, audit_s)


def dated_period_end(r: pd.DataFrame) -> pd.Series:
    """Period ends that are dates: known, and the period's precision is not ``unknown``.

    NaT where a rate has no dated end: such a figure cannot be "within N days" of anything.

    Example:
        >>> df = pd.DataFrame({"period_end": ["2024-02-06", None, "2024-01-31"],
        ...                    "period_precision": ["before", "before", "unknown"]})
        >>> dated_period_end(df).notna().tolist()
        [True, False, False]
    """
    pe = pd.to_datetime(r["period_end"], errors="coerce")
    if "period_precision" in r.columns:
        pe = pe.where(r["period_precision"].astype("string").str.lower().ne("unknown")
                      .fillna(True))
    return pe


def _split_2024(rates: pd.DataFrame, increase_start: str | None, increase_end: str | None,
                baseline_days: int | None, onset_slack_days: int | None,
                after_months: Iterable[str] | None,
                j: Defaults) -> tuple[pd.DataFrame, pd.DataFrame]:
    t0 = pd.Timestamp(increase_start or j.increase_start)
    t1 = pd.Timestamp(increase_end or j.increase_end)
    days = j.baseline_days if baseline_days is None else int(baseline_days)
    slack = j.onset_slack_days if onset_slack_days is None else int(onset_slack_days)
    if "duplicate_of" in rates.columns:  # a restatement is not a second observation
        dup = rates["duplicate_of"].astype("string").str.strip()
        rates = rates[~(dup.notna() & dup.ne("")).fillna(False).to_numpy()]
    ps = pd.to_datetime(rates["period_start"], errors="coerce")
    pe = dated_period_end(rates)
    is_after = ((ps >= t0) & (ps <= t1)).fillna(False)
    after_mask = is_after
    if after_months is not None:
        months = {str(m)[:7] for m in after_months}
        after_mask = after_mask & ps.dt.strftime("%Y-%m").isin(months).fillna(False)
    before_mask = (pe.notna() & (pe >= t0 - pd.Timedelta(days=days))
                   & (pe < t0 + pd.Timedelta(days=slack)) & ~is_after).fillna(False)
    return rates[after_mask.to_numpy()], rates[before_mask.to_numpy()]


def rates_2024(
    rates: pd.DataFrame,
    *,
    increase_start: str | None = None,
    increase_end: str | None = None,
    baseline_days: int | None = None,
    onset_slack_days: int | None = None,
    after_months: Iterable[str] | None = None,
    judgements: Defaults | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows :func:`ratios_2024` pairs: ``(after, before)`` (same arguments and rules).

    Example:
        >>> after, before = rates_2024(trusted_rates()[0])
        >>> sorted(after["rate_id"]), sorted(before["rate_id"])
        (['LR09', 'LR10', 'LR11'], ['LR07', 'LR08'])
    """
    return _split_2024(rates, increase_start, increase_end, baseline_days, onset_slack_days,
                       after_months, judgements or defaults())


def ratios_2024(
    rates: pd.DataFrame,
    *,
    increase_start: str | None = None,
    increase_end: str | None = None,
    baseline_days: int | None = None,
    onset_slack_days: int | None = None,
    after_months: Iterable[str] | None = None,
    judgements: Defaults | None = None,
) -> pd.DataFrame:
    """The 2024 rates over the dated pre-2024 baselines, by interval arithmetic.

    The one answer to "did it double?" (chapter 02, claim C3, ``prkanalysis episodes``).
    Pass trusted rates (:func:`trusted_rates`); nothing is filtered here but by date, and
    restatements (``duplicate_of`` set) never pair: they are not a second observation.

    * "After" rows: period starting within ``[increase_start, increase_end]``; with
      ``after_months`` (``["2024-02"]``), only those starting in those months (C3 tests
      the February "doubled").
    * "Before" rows (baselines): not "after" rows, and their period END is a date (known,
      precision not ``unknown``) within ``[increase_start - baseline_days,
      increase_start + onset_slack_days)``. An undated figure has no end and is never a
      baseline, whatever the window.

    Each (before, after) pair is :func:`prkanalysis.models.growth.rate_ratio`:
    ``[after_low / before_high, after_high / before_low]`` (``inf`` for a "<" baseline),
    point ratio of the point values, and the doubling verdict.

    Args:
        rates: Normalised rates (``rate_id``, ``kg_per_day``, ``kg_per_day_low``,
            ``kg_per_day_high``, ``period_start``, ``period_end``; optional
            ``period_precision``, ``value_reported``, ``unit``, ``grade_best``, ``speaker``).
        increase_start: ``None``: the judgement ``increase_start``.
        increase_end: ``None``: the judgement ``increase_end``.
        baseline_days: ``None``: the judgement ``baseline_days``.
        onset_slack_days: ``None``: the judgement ``onset_slack_days``.
        after_months: Restrict the "after" rows to these ``YYYY-MM`` months.
        judgements: Defaults to use instead of ``data/judgements.csv``.

    Returns:
        One row per pair with :data:`RATIO_COLUMNS` (empty, same columns, when either side
        has no row: the question cannot be answered under that selection).

    Raises:
        DataValidationError: If a needed column is missing.
    """
    need = ("rate_id", "kg_per_day", "kg_per_day_low", "kg_per_day_high", "period_start",
            "period_end")
    for c in need:
        if c not in rates.columns:
            raise DataValidationError("column needed by the 2024 ratios is missing",
                                      file="leak_rates", column=c)
    after, before = _split_2024(rates, increase_start, increase_end, baseline_days,
                                onset_slack_days, after_months, judgements or defaults())
    pe = dated_period_end(before)
    rows = []
    ends = pe.tolist()
    for (_, a), a_end in zip(before.iterrows(), ends, strict=True):
        for _, b in after.iterrows():
            rr = rate_ratio(float(a["kg_per_day_low"]), float(a["kg_per_day_high"]),
                            float(b["kg_per_day_low"]), float(b["kg_per_day_high"]),
                            a_point=float(a["kg_per_day"]), b_point=float(b["kg_per_day"]))
            bstart = pd.Timestamp(b["period_start"])
            rows.append({
                "before_id": a["rate_id"], "after_id": b["rate_id"],
                "before_reported": f"{a.get('value_reported', '')} {a.get('unit', '')}".strip(),
                "after_reported": f"{b.get('value_reported', '')} {b.get('unit', '')}".strip(),
                "after_period": bstart.strftime("%b %Y"), "after_month": bstart.strftime("%Y-%m"),
                "before_period_end": a_end,
                "before_grade": a.get("grade_best", None),
                "after_grade": b.get("grade_best", None),
                "same_speaker": bool(a.get("speaker", "x") == b.get("speaker", "y")),
                "ratio_low": rr.low, "ratio_high": rr.high, "ratio_point": rr.point,
                "verdict": rr.doubled,
            })
    return pd.DataFrame(rows, columns=list(RATIO_COLUMNS))


def peak_rate(rates: pd.DataFrame) -> pd.Series | None:
    """The highest rate: largest point value ``kg_per_day`` (ties: the larger lower bound).

    The one answer to "what was the peak?" (chapter 02, claims C8, C9 and C11). Pass
    trusted rates (:func:`trusted_rates`); ``None`` when no rate has a value.

    Example:
        >>> df = pd.DataFrame({"rate_id": ["a", "b", "c"], "kg_per_day": [1.0, 1.7, 1.7],
        ...                    "kg_per_day_low": [0.9, 1.6, 1.65]})
        >>> peak_rate(df)["rate_id"]
        'c'
    """
    r = rates.dropna(subset=["kg_per_day"])
    if r.empty:
        return None
    return r.sort_values(["kg_per_day", "kg_per_day_low"], ascending=False,
                         kind="stable").iloc[0]


def ratio_band(ratios: pd.DataFrame) -> Mapping[str, Any]:
    """What the 2024 ratios say together: the band every pair allows, and the counts.

    Returns:
        ``n_pairs``, ``n_before``, ``n_after``, ``low`` (smallest lower bound), ``high``
        (largest upper bound; ``inf`` with a "<" baseline), ``point_min``, ``point_max``,
        ``n_at_least_doubled`` and ``determined`` (False when there is no pair: the
        question cannot be answered under that selection; numbers are then NaN).

    Example:
        >>> r = pd.DataFrame({"before_id": ["a"], "after_id": ["b"], "ratio_low": [2.2],
        ...                   "ratio_high": [3.0], "ratio_point": [2.5],
        ...                   "verdict": ["at least doubled"]})
        >>> band = ratio_band(r)
        >>> band["low"], band["n_at_least_doubled"], band["determined"]
        (2.2, 1, True)
    """
    n = len(ratios)
    if n == 0:
        nan = math.nan
        return {"n_pairs": 0, "n_before": 0, "n_after": 0, "low": nan, "high": nan,
                "point_min": nan, "point_max": nan, "n_at_least_doubled": 0,
                "determined": False}
    pts = pd.to_numeric(ratios["ratio_point"], errors="coerce")
    return {
        "n_pairs": int(n),
        "n_before": int(ratios["before_id"].nunique()),
        "n_after": int(ratios["after_id"].nunique()),
        "low": float(ratios["ratio_low"].min()),
        "high": float(ratios["ratio_high"].max()),
        "point_min": float(np.nanmin(pts)) if pts.notna().any() else math.nan,
        "point_max": float(np.nanmax(pts)) if pts.notna().any() else math.nan,
        "n_at_least_doubled": int((ratios["verdict"] == "at least doubled").sum()),
        "determined": True,
    }
