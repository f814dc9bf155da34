"""The claims ledger: verdicts on the story's key facts, computed from the evidence base.

A news summary of the PrK leak gives five "key facts" (C1-C5, SPEC section 3). The record
adds further checkable statements (C6-C11). Each claim is an *evaluator*: a function of the
record (:func:`prkanalysis.load_record`, or any object with the same DataFrame attributes)
and of explicit parameters (:class:`ClaimParams`). It returns a frozen :class:`ClaimResult`
whose verdict is one of :data:`VERDICTS` and follows from the computed numbers by a rule
stated in words. Nothing is typed in: dates come from the ``events`` table by category
(``detection``, ``crack``, ``repair``, ``risk``, ``stop``, ``recurrence``, ``cause``,
``escalation``), rates from ``leak_rates`` normalised by
:func:`prkanalysis.clean.normalize_leak_rates` (kg/day with bounds), and ratios by interval
arithmetic (:func:`prkanalysis.models.rate_ratio`).

Evidence handling shared by every claim:

* each row's grade is the best grade (P > T > A) of its sources; rows whose grade is not in
  ``params.grades`` are ignored (default: all grades, each one shown in the evidence);
* leak rates flagged ``derived`` or ``secondary`` are left out unless
  ``params.include_derived`` / ``params.include_secondary``; restatements (``duplicate_of``)
  are always left out, so that no observation counts twice;
* **grade cap**: a claim whose deciding rows all carry grade A (aggregators) is at best
  ``supported with caveats``;
* **after a stop**: the leak counts as active after a stop confirmation if an event of
  ``params.recurrence_categories`` (the leak reported back or growing) or of
  ``params.response_categories`` (sealing, crew sheltering, a leak hunt) starts after the
  stop's end date, or a rate with a positive lower bound is dated after it (C2, C5, C10).

One declared set of defaults (:class:`ClaimParams`) serves every view: the report index and
the main table of chapter 04 are both :func:`ledger` with those defaults, and the ledger's
``attrs`` carry the parameters (:func:`params_text`). :func:`grade_sensitivity` shows the
verdicts under other grade sets, as a separate table.

Dates are intervals ``[date_start, date_end]``; a duration between two events is the
interval ``[start2 - end1, end2 - start1]``, in years of 365.25 days.

Example:
    >>> from prkanalysis.claims import ledger
    >>> table = ledger()
    >>> table.loc[table.claim_id == "C5", "verdict"].item()
    'superseded'
"""

from __future__ import annotations

import dataclasses
import math
import re
import shutil
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from prkanalysis.clean import GRADE_ORDER, normalize_leak_rates, rate_bounds, rounding_halfwidth
from prkanalysis.errors import DataValidationError, PrkError
from prkanalysis.models import breakpoints, rate_ratio
from prkanalysis.units import convert

__all__ = [
    "CLAIMS",
    "VERDICTS",
    "Claim",
    "ClaimParams",
    "ClaimResult",
    "evaluate",
    "evaluate_all",
    "format_ledger",
    "grade_sensitivity",
    "ledger",
    "params_text",
    "prepare",
    "print_ledger",
    "render_numbers",
]

#: The five verdicts, in the order the ledger explains them.
VERDICTS: tuple[str, ...] = (
    "supported",
    "supported with caveats",
    "contradicted",
    "superseded",
    "undetermined",
)

SUPPORTED, CAVEATS, CONTRADICTED, SUPERSEDED, UNDETERMINED = VERDICTS

#: Days per year used for durations.
YEAR_DAYS = 365.25

#: Exact length factors to millimetres (1 in = 25.4 mm by definition).
_LENGTH_MM: Mapping[str, float] = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4,
                                   "ft": 304.8}

_MONTH_YEAR = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(\d{4})\b",
    re.IGNORECASE,
)
_SCORE = re.compile(r"(\d+)\s*[x\u00d7]\s*(\d+)")


# --------------------------------------------------------------------------------------
# parameters and results
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimParams:
    """Assumptions behind the verdicts; every field can be passed to :func:`ledger`.

    Attributes:
        grades: Source grades trusted (``P``, ``T``, ``A``); rows of other grades are ignored.
        include_derived: Use leak rates an outlet computed (``derived``).
        include_secondary: Use secondary timeline rates (``secondary``).
        approx_rel: Relative half-width of "about" figures (passed to the rate normalisation
            and used for ``~`` constants).
        doubling: The multiple "doubled" stands for (C3).
        understatement: "Doubled" understates when every ratio's low end is at least
            ``doubling * understatement`` (C3).
        claim_year: The year of the doubling (C3).
        baseline_days: A baseline rate ends at most this many days before the escalation (C3).
        half_decade_years: The duration "half a decade" stands for (C2).
        duration_tolerance_years: "Approximately": the duration interval lies within
            ``+-`` this many years (C2).
        duration_loose_years: Beyond this distance the duration contradicts the claim (C2).
        detection_month: The claimed month of first detection, ``YYYY-MM`` (C6).
        increase_pct: Claimed rise from ``increase_from`` to ``increase_to`` in percent (C7).
        increase_tolerance_pct: "About": accepted distance in percentage points (C7).
        increase_from: First month of the rise, ``YYYY-MM`` (C7).
        increase_to: Last month of the rise, ``YYYY-MM`` (C7).
        reduction_fraction: Claimed cut by the repairs ("a third") (C8).
        reduction_tolerance: "About": accepted distance of the cut (C8).
        repair_window_days: Post-repair rates start within this many days of the repair (C8).
        planned_multiple: Claimed multiple of the planned leak rate (C9).
        planned_pattern: Regular expression finding the planned rate (constants) and its
            multiplier (other_figures) (C9).
        allowance_pattern: Regular expression finding the design requirement constant (C9).
        background_pattern: Regular expression finding the background leak constants (C9).
        peak_kg_per_day: Claimed peak in kg/day, as printed (C11).
        peak_month: Claimed month of the peak, ``YYYY-MM`` (C11).
        microscopic_mm: Cracks longer than this are not "microscopic" (C1).
        confirming_actor: Who must have confirmed the stop (C5).
        recurrence_year: Year in which the leak is said to be back (C10).
        risk_scale_max: Top of the likelihood and consequence scales (C4).
        reduction_pattern: Regular expression finding the multiplier figure of the 2021
            reduction (C12); "about" is ``+- approx_rel`` around its value.
        recurrence_categories: Event categories that report the leak itself after a stop
            (it is back, it grew): direct evidence the stop did not last (C2, C5, C10).
        response_categories: Event categories of a response to a leak (sealing, crew
            sheltering, a leak hunt): indirect evidence the stop did not last (C2, C5, C10).
        break_trim: Trimming of the Bai-Perron break test on the rate series (C3): each
            segment holds at least ``floor(break_trim * n)`` observations.
        break_min_segment: The test is run only if ``floor(break_trim * n)`` reaches this
            many observations per segment (C3).
        break_max_period_days: A rate enters the break-test series only if its period is at
            most this many days long (a dated observation, not a bound over years) (C3).
    """

    grades: tuple[str, ...] = ("P", "T", "A")
    include_derived: bool = False
    include_secondary: bool = False
    approx_rel: float = 0.25
    doubling: float = 2.0
    understatement: float = 2.0
    claim_year: int = 2024
    baseline_days: int = 60
    half_decade_years: float = 5.0
    duration_tolerance_years: float = 1.0
    duration_loose_years: float = 2.5
    detection_month: str = "2019-09"
    increase_pct: float = 50.0
    increase_tolerance_pct: float = 5.0
    increase_from: str = "2024-02"
    increase_to: str = "2024-04"
    reduction_fraction: float = 1.0 / 3.0
    reduction_tolerance: float = 0.05
    repair_window_days: int = 183
    planned_multiple: float = 6.0
    planned_pattern: str = r"planned"
    allowance_pattern: str = r"leak-rate requirement"
    background_pattern: str = r"background"
    peak_kg_per_day: str = "1.7"
    peak_month: str = "2024-04"
    microscopic_mm: float = 1.0
    confirming_actor: str = "NASA"
    recurrence_year: int = 2026
    risk_scale_max: int = 5
    reduction_pattern: str = r"reduction in the prk leak"
    recurrence_categories: tuple[str, ...] = ("recurrence", "escalation")
    response_categories: tuple[str, ...] = ("repair", "safety", "hunt")
    break_trim: float = 0.15
    break_min_segment: int = 2
    break_max_period_days: int = 31

    def __post_init__(self) -> None:
        for name in ("recurrence_categories", "response_categories"):
            cats = getattr(self, name)
            if isinstance(cats, str) or not all(isinstance(c, str) for c in cats):
                raise PrkError(f"argument {name!r} must be a sequence of category names, "
                               f"got {cats!r}")
            object.__setattr__(self, name, tuple(cats))
        if not (0 < self.break_trim < 0.5):
            raise PrkError(f"argument 'break_trim' must lie in (0, 0.5), got {self.break_trim!r}")
        if int(self.break_min_segment) < 2:
            raise PrkError("argument 'break_min_segment' must be at least 2 (more than the "
                           f"one regressor, the mean), got {self.break_min_segment!r}")
        grades = tuple(str(g) for g in self.grades)
        bad = [g for g in grades if g not in GRADE_ORDER]
        if bad or not grades:
            raise PrkError(f"argument 'grades' must be a non-empty subset of {GRADE_ORDER}, "
                           f"got {self.grades!r}")
        object.__setattr__(self, "grades", grades)
        for name in ("approx_rel", "doubling", "half_decade_years", "reduction_fraction",
                     "planned_multiple", "microscopic_mm"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise PrkError(f"argument {name!r} must be a positive number, got {v!r}")
        for name in ("detection_month", "increase_from", "increase_to", "peak_month"):
            _month(getattr(self, name), name)
        try:
            float(self.peak_kg_per_day)
        except ValueError:
            raise PrkError("argument 'peak_kg_per_day' must be a number as printed, got "
                           f"{self.peak_kg_per_day!r}") from None

    @classmethod
    def build(cls, params: ClaimParams | None = None, **overrides: Any) -> ClaimParams:
        """Start from ``params`` (or the defaults) and apply keyword overrides.

        Raises:
            PrkError: On an unknown parameter name (the message lists the known ones).

        Example:
            >>> ClaimParams.build(grades=("P", "T")).grades
            ('P', 'T')
        """
        base = params if params is not None else cls()
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise PrkError(f"unknown claim parameter(s) {unknown}; known: {sorted(known)}")
        return dataclasses.replace(base, **overrides) if overrides else base


@dataclass(frozen=True)
class ClaimResult:
    """The verdict on one claim with what decided it.

    Attributes:
        claim_id: ``C1``...
        claim: The claim in words.
        verdict: One of :data:`VERDICTS`.
        numbers: The computed numbers the rule uses (floats or short strings).
        evidence: ``(row id, source id, grade)`` per source of each deciding row.
        caveat: One sentence built from the numbers.
        rule: The decision rule in words.
    """

    claim_id: str
    claim: str
    verdict: str
    numbers: Mapping[str, float | str] = field(default_factory=dict)
    evidence: tuple[tuple[str, str, str], ...] = ()
    caveat: str = ""
    rule: str = ""

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise PrkError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")
        object.__setattr__(self, "numbers", MappingProxyType(dict(self.numbers)))
        object.__setattr__(self, "evidence", tuple(tuple(e) for e in self.evidence))

    @property
    def evidence_frame(self) -> pd.DataFrame:
        """The evidence as a DataFrame (``row_id``, ``source_id``, ``grade``)."""
        return pd.DataFrame(list(self.evidence), columns=["row_id", "source_id", "grade"])

    @property
    def rows(self) -> tuple[str, ...]:
        """The deciding row ids, in order of first appearance."""
        return tuple(dict.fromkeys(r for r, _, _ in self.evidence))

    def summary(self) -> str:
        """Two lines: id, verdict and claim; then the caveat."""
        return f"{self.claim_id} [{self.verdict}] {self.claim}\n  {self.caveat}"

    def __repr__(self) -> str:
        return (f"ClaimResult({self.claim_id}, {self.verdict!r}, "
                f"{render_numbers(self.numbers, limit=4)})")


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------


def _month(text: str, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    if not re.fullmatch(r"\d{4}-\d{2}", str(text)):
        raise PrkError(f"argument {name!r} must be a month 'YYYY-MM', got {text!r}")
    try:
        p = pd.Period(str(text), freq="M")
    except (ValueError, TypeError):
        raise PrkError(f"argument {name!r} must be a month 'YYYY-MM', got {text!r}") from None
    return p.start_time.normalize(), p.end_time.normalize()


def _isna(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v)


def _d(ts: object) -> str:
    """``YYYY-MM-DD`` (``"unknown"`` for NaT)."""
    return "unknown" if _isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")  # type: ignore[arg-type]


def _period_text(start: object, end: object) -> str:
    """A date interval in the fewest words: a day, a month, or ``start to end``."""
    if _isna(start) and _isna(end):
        return "an unknown date"
    if _isna(start):
        return f"before {_d(end)}"
    s, e = pd.Timestamp(start), pd.Timestamp(end)  # type: ignore[arg-type]
    if s == e:
        return _d(s)
    if s.day == 1 and s.year == e.year and s.month == e.month and e.is_month_end:
        return s.strftime("%Y-%m")
    return f"{_d(s)} to {_d(e)}"


def _g(x: float, digits: int = 3) -> str:
    """A number with ``digits`` significant figures (``inf`` as ``unbounded``).

    Example:
        >>> _g(2.4333), _g(float("inf")), _g(14.6)
        ('2.43', 'unbounded', '14.6')
    """
    if _isna(x):
        return "n/a"
    if math.isinf(x):
        return "unbounded"
    return f"{x:.{digits}g}"


def _times(low: float, high: float) -> str:
    """``"2.43 to 7.5 times"``, or ``"at least 3.65 times"`` when unbounded above.

    Example:
        >>> _times(2.4333, 7.5), _times(3.65, float("inf"))
        ('2.43 to 7.5 times', 'at least 3.65 times')
    """
    if math.isinf(high):
        return f"at least {_g(low)} times"
    return f"{_g(low)} to {_g(high)} times"


def _pct(x: float) -> str:
    return "unbounded" if math.isinf(x) else f"{100 * x:.0f} %"


def render_numbers(numbers: Mapping[str, float | str], *, limit: int | None = None) -> str:
    """Render a numbers mapping as one short line.

    Keys ``<name>_low`` and ``<name>_high`` that come together are merged into
    ``<name> [low, high]`` (``<name>=point [low, high]`` after a key ``<name>``); floats
    get three significant figures.

    Args:
        numbers: The mapping.
        limit: Render at most this many entries (then ``...``).

    Returns:
        ``"a=1.5; b [2, 3]; c=x"``.

    Example:
        >>> render_numbers({"years_low": 6.2601, "years_high": 6.3368, "stop": "2026-01"})
        'years [6.26, 6.34]; stop=2026-01'
        >>> render_numbers({"kg": 1.678, "kg_low": 1.656, "kg_high": 1.701})
        'kg=1.68 [1.66, 1.7]'
    """
    parts: list[str] = []
    seen: set[str] = set()
    for key, val in numbers.items():
        if key in seen:
            continue
        if key.endswith("_low") and f"{key[:-4]}_high" in numbers:
            stem = key[:-4]
            hi = numbers[f"{stem}_high"]
            seen.add(f"{stem}_high")
            bounds = f"[{_fmt_val(val)}, {_fmt_val(hi)}]"
            if stem in numbers:  # the point came first: "stem=point [low, high]"
                idx = next(i for i, t in enumerate(parts) if t.startswith(f"{stem}="))
                parts[idx] += f" {bounds}"
            else:
                parts.append(f"{stem} {bounds}")
        else:
            parts.append(f"{key}={_fmt_val(val)}")
    if limit is not None and len(parts) > limit:
        parts = [*parts[:limit], "..."]
    return "; ".join(parts)


def _fmt_val(v: object) -> str:
    if isinstance(v, (float, np.floating)):
        return _g(float(v))
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return str(int(v))
    return str(v)


def _split(text: object) -> list[str]:
    if _isna(text):
        return []
    return [p.strip() for p in str(text).split(";") if p.strip()]


def _best(ids: Iterable[str], grades: Mapping[str, str]) -> str | None:
    found = [grades[i] for i in ids if i in grades]
    for g in GRADE_ORDER:
        if g in found:
            return g
    return None


def _cap_caveat(verdict: str, grades: Sequence[str | None], caveat: str) -> tuple[str, str]:
    """:func:`_cap`, and say so at the end of the caveat sentence."""
    verdict, capped = _cap(verdict, grades)
    if capped:
        caveat = caveat.rstrip(".") + "; every deciding row is grade A."
    return verdict, caveat


def _cap(verdict: str, grades: Sequence[str | None]) -> tuple[str, bool]:
    """Apply the grade cap: ``supported`` on grade-A rows only becomes ``with caveats``."""
    known = [g for g in grades if g is not None]
    if verdict == SUPPORTED and known and all(g == "A" for g in known):
        return CAVEATS, True
    return verdict, False


# --------------------------------------------------------------------------------------
# the prepared evidence
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Evidence:
    """The record prepared for the evaluators (graded, filtered, rates normalised)."""

    params: ClaimParams
    rates: pd.DataFrame
    events: pd.DataFrame
    figures: pd.DataFrame
    constants: pd.DataFrame
    readings: pd.DataFrame
    derived_rates: pd.DataFrame
    grade_of: Mapping[str, str]

    def evidence(self, frame: pd.DataFrame, id_col: str) -> tuple[tuple[str, str, str], ...]:
        """``(row id, source id, grade)`` for every source of every row of ``frame``."""
        out: list[tuple[str, str, str]] = []
        for rid, sids in zip(frame[id_col], frame["source_ids"], strict=True):
            for s in _split(sids):
                out.append((str(rid), s, self.grade_of.get(s, "?")))
        return tuple(out)

    def by_category(self, category: str) -> pd.DataFrame:
        """Events of one category, earliest first."""
        ev = self.events[self.events["category"] == category]
        return ev.sort_values(["date_start", "date_end"], kind="stable")


def _table(record: Any, name: str, columns: Sequence[str]) -> pd.DataFrame:
    frame = getattr(record, name, None)
    if frame is None:
        raise DataValidationError("the record has no such table", file=name)
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError("the table is not a DataFrame", file=name,
                                  value=type(frame).__name__)
    for c in columns:
        if c not in frame.columns:
            raise DataValidationError("column needed by the claims ledger is missing",
                                      file=name, column=c)
    return frame.copy()


def _dates(frame: pd.DataFrame, cols: Sequence[str], name: str) -> pd.DataFrame:
    for c in cols:
        if c in frame.columns:
            try:
                frame[c] = pd.to_datetime(frame[c])
            except (ValueError, TypeError):
                bad = next((i for i, v in enumerate(frame[c], 1)
                            if not _isna(v) and pd.isna(pd.to_datetime(v, errors="coerce"))),
                           None)
                raise DataValidationError("not a date", file=name, row=bad, column=c) from None
    return frame


def _grade_rows(frame: pd.DataFrame, grades: Mapping[str, str], name: str,
                id_col: str) -> pd.DataFrame:
    best: list[str | None] = []
    for i, sids in enumerate(frame["source_ids"], 1):
        ids = _split(sids)
        unknown = [s for s in ids if s not in grades]
        if unknown:
            raise DataValidationError("unknown source id", file=name, row=i,
                                      column="source_ids", value=unknown[0])
        best.append(_best(ids, grades))
    frame["grade_best"] = pd.Series(best, index=frame.index, dtype="object")
    return frame


def _truthy(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.lower().isin(["true", "1"]).fillna(False)


def prepare(record: Any = None, params: ClaimParams | None = None) -> _Evidence:
    """Grade, filter and normalise the record once for all evaluators.

    Args:
        record: A :class:`prkanalysis.record.Record` or any object with the DataFrame
            attributes ``sources``, ``leak_rates``, ``events``, ``other_figures``,
            ``constants`` (``pressure_readings`` optional); ``None`` loads the evidence base.
        params: The parameters (default :class:`ClaimParams`).

    Returns:
        The prepared evidence (internal type).

    Raises:
        DataValidationError: If a table or column is missing, a date cannot be read or a
            source id does not resolve (the error names table, row and column).

    Example:
        >>> ev = prepare(params=ClaimParams(grades=("P", "T")))
        >>> sorted(set(ev.rates["grade_best"]))
        ['T']
    """
    p = params or ClaimParams()
    if record is None:
        from prkanalysis.record import load_record

        record = load_record()
    sources = _table(record, "sources", ["source_id", "grade"])
    grades = {str(k).strip(): str(v).strip()
              for k, v in zip(sources["source_id"], sources["grade"], strict=True)}
    raw_rates = _table(record, "leak_rates",
                       ["rate_id", "qualifier", "value", "unit", "source_ids",
                        "period_start", "period_end"])
    rates, _ = normalize_leak_rates(raw_rates, sources=sources, approx_rel=p.approx_rel)
    rates["grade_best"] = rates["grade_best"].astype("object")
    keep = rates["grade_best"].isin(p.grades)
    if "duplicate_of" in rates.columns:
        dup = rates["duplicate_of"].astype("string").str.strip()
        keep &= (dup.isna() | dup.eq("")).fillna(True)
    derived = (_truthy(rates["derived"]) if "derived" in rates.columns
               else pd.Series(False, index=rates.index))
    secondary = (_truthy(rates["secondary"]) if "secondary" in rates.columns
                 else pd.Series(False, index=rates.index))
    derived_rates = rates[derived & rates["grade_best"].isin(p.grades)]
    if not p.include_derived:
        keep &= ~derived
    if not p.include_secondary:
        keep &= ~secondary
    rates = rates[keep]

    events = _table(record, "events", ["event_id", "date_start", "date_end", "category",
                                       "source_ids"])
    events = _dates(events, ["date_start", "date_end"], "events")
    events["date_end"] = events["date_end"].fillna(events["date_start"])
    events = _grade_rows(events, grades, "events", "event_id")
    events = events[events["grade_best"].isin(p.grades)]

    figures = _table(record, "other_figures", ["figure_id", "kind", "value", "source_ids"])
    figures = _dates(figures, ["date_start", "date_end", "reported_on"], "other_figures")
    figures = _grade_rows(figures, grades, "other_figures", "figure_id")
    figures = figures[figures["grade_best"].isin(p.grades)]

    constants = _table(record, "constants", ["constant_id", "name", "value", "unit",
                                             "source_ids"])
    constants = _grade_rows(constants, grades, "constants", "constant_id")
    constants = constants[constants["grade_best"].isin(p.grades)]

    readings = getattr(record, "pressure_readings", None)
    if not isinstance(readings, pd.DataFrame):
        readings = pd.DataFrame(columns=["reading_id", "time", "kind", "pressure_mmhg"])
    readings = readings.copy()
    if "time" in readings.columns:
        day = readings["time"].astype("string").str.slice(0, 10)
        readings["time"] = pd.to_datetime(day, errors="coerce", format="mixed")
    return _Evidence(params=p, rates=rates, events=events, figures=figures,
                     constants=constants, readings=readings, derived_rates=derived_rates,
                     grade_of=grades)


# --------------------------------------------------------------------------------------
# shared selections
# --------------------------------------------------------------------------------------


def _rate_interval(row: pd.Series) -> tuple[float, float, float]:
    return (float(row["kg_per_day_low"]), float(row["kg_per_day"]),
            float(row["kg_per_day_high"]))


def _peak(ev: _Evidence) -> pd.Series | None:
    """The highest rate on record (largest point value; ties: larger lower bound)."""
    r = ev.rates.dropna(subset=["kg_per_day"])
    if r.empty:
        return None
    r = r.sort_values(["kg_per_day", "kg_per_day_low"], ascending=False, kind="stable")
    return r.iloc[0]


def _in_month(frame: pd.DataFrame, month: str) -> pd.DataFrame:
    lo, hi = _month(month, "month")
    ps, pe = frame["period_start"], frame["period_end"]
    return frame[(ps >= lo) & (pe <= hi)]


def _lb(kg: float) -> float:
    return float(convert(kg, "kg/day", "lb/day"))


def _constant_bounds(row: pd.Series, approx_rel: float) -> tuple[float, float, float]:
    """``(low, point, high)`` of a constant in kg/day; requirements (``=``) are exact."""
    q = "=" if _isna(row.get("qualifier")) else str(row["qualifier"])
    v = float(row["value"])
    lo, hi, _ = rate_bounds(q, v, None, None, approx_rel=approx_rel, rounding=False)
    f = float(convert(1.0, str(row["unit"]), "kg/day"))
    return lo * f, v * f, hi * f


def _matching(frame: pd.DataFrame, col: str, pattern: str) -> pd.DataFrame:
    text = frame[col].astype("string").fillna("")
    return frame[text.str.contains(pattern, case=False, regex=True)]


# --------------------------------------------------------------------------------------
# the claims
# --------------------------------------------------------------------------------------


def _c1(ev: _Evidence) -> ClaimResult:
    p = ev.params
    cracks = ev.by_category("crack")
    repairs = ev.by_category("repair")
    causes = ev.by_category("cause")
    figs = ev.figures
    counts = _matching(figs[figs["kind"] == "count"], "quantity", r"crack")
    lengths = pd.DataFrame()
    if not cracks.empty:
        first = cracks["date_start"].min()
        lens = _matching(figs[figs["kind"] == "length"], "quantity", r"crack")
        lengths = lens[lens["date_end"] >= first]
    hole = figs[figs["kind"] == "diameter"]
    mm: list[tuple[float, float]] = []
    for _, r in lengths.iterrows():
        f = _LENGTH_MM.get(str(r["unit"]).strip())
        if f is None:
            continue
        hi = r["value_high"] if "value_high" in r and not _isna(r["value_high"]) else r["value"]
        mm.append((float(r["value"]) * f, float(hi) * f))
    actors = {str(a) for a in causes.get("actor", pd.Series(dtype=str)) if not _isna(a)}
    n_crack, n_cause = len(cracks), len(causes)
    numbers: dict[str, float | str] = {
        "crack_events": n_crack,
        "repair_events": len(repairs),
        "cracks_counted_max": float(counts["value"].max()) if len(counts) else "none",
        "cause_statements": n_cause,
    }
    if mm:
        numbers["crack_length_mm_low"] = min(a for a, _ in mm)
        numbers["crack_length_mm_high"] = max(b for _, b in mm)
    if len(hole):
        numbers["equivalent_hole_mm"] = float(hole["value"].iloc[0])
    disputed = n_cause >= 2 or len(actors) >= 2
    not_micro = bool(mm) and max(b for _, b in mm) > p.microscopic_mm
    if n_crack == 0:
        verdict = UNDETERMINED
        caveat = ("No crack find is in the events table, so the cause of the leak cannot be "
                  "tied to cracks from this record.")
    else:
        verdict = CAVEATS if (disputed or not_micro) else SUPPORTED
        parts = [f"{n_crack} crack finds and {len(repairs)} repairs are recorded"]
        if len(counts):
            parts[0] += f" and up to {counts['value'].max():g} cracks were tracked"
        if not_micro:
            s = (f"the cracks found were {_g(numbers['crack_length_mm_low'])}-"  # type: ignore[arg-type]
                 f"{_g(numbers['crack_length_mm_high'])} mm long, not microscopic")  # type: ignore[arg-type]
            if "equivalent_hole_mm" in numbers:
                s += f" (though the leak equalled a {_g(numbers['equivalent_hole_mm'])} mm hole)"  # type: ignore[arg-type]
            parts.append(s)
        if disputed:
            parts.append(f"{n_cause} competing cause statements from {len(actors)} parties "
                         "leave the root cause of the cracks unresolved")
        caveat = parts[0] + (", but " + " and ".join(parts[1:]) if len(parts) > 1 else "") + "."
    key = pd.concat([cracks, causes]) if n_crack else cracks
    verdict, caveat = _cap_caveat(verdict, list(key["grade_best"]), caveat)
    evidence = (ev.evidence(cracks, "event_id") + ev.evidence(causes, "event_id")
                + ev.evidence(lengths, "figure_id") if len(lengths)
                else ev.evidence(cracks, "event_id") + ev.evidence(causes, "event_id"))
    rule = ("no crack event: undetermined; crack events and neither a dispute (two or more "
            "cause events or parties) nor a crack longer than microscopic_mm: supported; "
            "otherwise supported with caveats")
    return ClaimResult("C1", _text("C1", p), verdict, numbers, evidence,
                       caveat, rule)


def _duration(first: pd.Series, second: pd.Series) -> tuple[float, float]:
    lo = (second["date_start"] - first["date_end"]).days / YEAR_DAYS
    hi = (second["date_end"] - first["date_start"]).days / YEAR_DAYS
    return lo, hi


def _c2(ev: _Evidence) -> ClaimResult:
    p = ev.params
    det = ev.by_category("detection")
    stops = ev.by_category("stop")
    rule = ("duration = first detection event to the first stop event after it, as "
            "[stop start - detection end, stop end - detection start] years; within "
            "half_decade_years +- duration_tolerance_years: supported (with caveats if the "
            "leak is active after the stop); overlapping that band or within +- "
            "duration_loose_years: supported with caveats; further away: contradicted; no "
            "detection or stop event: undetermined; " + _AFTER_STOP_RULE)
    text = _text("C2", p)
    if det.empty or stops.empty:
        missing = "detection" if det.empty else "stop"
        return ClaimResult("C2", text, UNDETERMINED, {f"{missing}_events": 0},
                           ev.evidence(pd.concat([det, stops]), "event_id"),
                           f"The events table has no {missing} event, so the duration has no "
                           "end point.", rule)
    d0 = det.iloc[0]
    after = stops[stops["date_start"] >= d0["date_start"]]
    if after.empty:
        return ClaimResult("C2", text, UNDETERMINED, {"stop_events_after_detection": 0},
                           ev.evidence(det.iloc[:1], "event_id"),
                           "No stop event follows the first detection.", rule)
    s0 = after.iloc[0]
    lo, hi = _duration(d0, s0)
    active = _after_stop(ev, s0)
    rec = active.events
    target, tol, loose = p.half_decade_years, p.duration_tolerance_years, p.duration_loose_years
    if target - tol <= lo and hi <= target + tol:
        verdict = CAVEATS if active.found else SUPPORTED
    elif hi >= target - tol and lo <= target + tol:
        verdict = CAVEATS
    elif hi >= target - loose and lo <= target + loose:
        verdict = CAVEATS
    else:
        verdict = CONTRADICTED
    numbers: dict[str, float | str] = {
        "years_low": lo, "years_high": hi,
        "detection": _period_text(d0["date_start"], d0["date_end"]),
        "stop": _period_text(s0["date_start"], s0["date_end"]),
    }
    mid = (lo + hi) / 2
    rel = ("about" if target - tol <= mid <= target + tol
           else "more than" if mid > target else "less than")
    caveat = (f"From first detection ({numbers['detection']}) to the stop confirmation "
              f"({numbers['stop']}) is {_g(lo)}-{_g(hi)} years, {rel} half a decade")
    signs = [(r["date_start"], r["date_end"], str(r["category"]) + " event")
             for _, r in rec.iterrows()]
    signs += [(r["period_start"], r["period_end"] if not _isna(r["period_end"])
               else r["period_start"], "rate") for _, r in active.rates.iterrows()]
    if signs:
        r_start, r_end, what = min(signs, key=lambda t: (t[0], t[1]))
        rlo = (r_start - s0["date_end"]).days / YEAR_DAYS
        rhi = (r_end - s0["date_start"]).days / YEAR_DAYS
        numbers["recurrence_after_years_low"] = rlo
        numbers["recurrence_after_years_high"] = rhi
        caveat += (f", and the leak was active again {_g(rlo, 2)}-{_g(rhi, 2)} years after the "
                   f"stop (first sign: a {what})")
    caveat += "."
    key = pd.concat([det.iloc[:1], after.iloc[:1], rec.iloc[:1]])
    verdict, caveat = _cap_caveat(verdict, list(key["grade_best"]), caveat)
    evidence = ev.evidence(key, "event_id")
    if signs and rec.empty:
        evidence += ev.evidence(active.rates.iloc[:1], "rate_id")
    return ClaimResult("C2", text, verdict, numbers, evidence, caveat, rule)


def _after_window(ev: _Evidence) -> tuple[pd.Timestamp, pd.Timestamp, pd.DataFrame]:
    """From the first escalation event of ``claim_year`` to the year's end, and the events."""
    y0 = pd.Timestamp(ev.params.claim_year, 1, 1)
    y1 = pd.Timestamp(ev.params.claim_year, 12, 31)
    esc = ev.by_category("escalation")
    esc = esc[(esc["date_start"] >= y0) & (esc["date_start"] <= y1)]
    if esc.empty:
        return y0, y1, esc
    return esc["date_start"].min(), y1, esc


def _break_min_n(trim: float, min_segment: int) -> int:
    """Smallest n with ``floor(trim * n) >= min_segment``.

    Example:
        >>> _break_min_n(0.15, 2)
        14
    """
    n = max(1, math.ceil(min_segment / trim) - 1)
    while math.floor(trim * n) < min_segment:
        n += 1
    return n


def _break_test(ev: _Evidence, w0: pd.Timestamp,
                w1: pd.Timestamp) -> tuple[dict[str, float | str], str, bool | None]:
    """Bai-Perron test for one break in log(kg/day) over the dated rates, if the data allow.

    The series: rates with both period ends known, a period of at most
    ``break_max_period_days`` days and a positive point value, ordered by period midpoint.
    With ``n`` of them, each segment must hold ``h = floor(break_trim * n)`` observations;
    the test runs only if ``h >= break_min_segment``
    (:func:`prkanalysis.models.breakpoints`, constant mean, at most one break, BIC choice).

    Returns:
        Numbers, a caveat clause, and whether a break was dated between the first escalation
        and the claim year's end (``None`` if the test could not be run).
    """
    p = ev.params
    r = ev.rates.dropna(subset=["period_start", "period_end", "kg_per_day"])
    days = (r["period_end"] - r["period_start"]).dt.days + 1
    r = r[(days <= p.break_max_period_days) & (r["kg_per_day"] > 0)]
    mid = r["period_start"] + (r["period_end"] - r["period_start"]) / 2
    r = r.assign(_mid=mid).sort_values(["_mid", "rate_id"], kind="stable")
    n = len(r)
    n_before = int((r["_mid"] < w0).sum())
    need = _break_min_n(p.break_trim, int(p.break_min_segment))
    numbers: dict[str, float | str] = {"break_series_n": n, "break_series_before": n_before,
                                       "break_series_needed": need}
    h = math.floor(p.break_trim * n)
    if h < p.break_min_segment:
        clause = (f"no structural-change test is possible: the record has {n} dated rates "
                  f"({n_before} before the escalation), and a break test trimmed at "
                  f"{100 * p.break_trim:g} % needs at least {need}")
        return numbers, clause, None
    y = np.log(r["kg_per_day"].to_numpy(dtype=float))
    bp = breakpoints(y, h=h, max_breaks=1)
    if not bp.breaks:
        numbers["break"] = "none"
        return numbers, f"a break test on the {n} dated rates finds no break (BIC)", False
    b = bp.breaks[0]
    left, right = r.iloc[b - 1], r.iloc[b]
    numbers["break"] = f"between {left['rate_id']} and {right['rate_id']}"
    inside = bool(right["period_end"] >= w0 and left["period_start"] <= w1)
    clause = (f"a break test on the {n} dated rates puts the break between {left['rate_id']} "
              f"({_period_text(left['period_start'], left['period_end'])}) and "
              f"{right['rate_id']} ({_period_text(right['period_start'], right['period_end'])})")
    if not inside:
        clause += f", not in {p.claim_year}"
    return numbers, clause, inside


def _c3(ev: _Evidence) -> ClaimResult:
    p = ev.params
    text = _text("C3", p)
    rule = ("2024 rates: rates whose period overlaps the claim year from its first escalation "
            "event on; baselines: rates whose period ends within "
            "baseline_days before the window; for the 2024 rate with the highest lower bound, "
            "ratio interval [after_low / base_high, after_high / base_low] per baseline; every "
            "low end >= doubling: supported (with caveats if every low end >= doubling x "
            "understatement); every high end >= doubling: supported with caveats; every high "
            "end < doubling: contradicted; otherwise or no rates: undetermined; then a "
            "Bai-Perron one-break test on log(kg/day) of the rates dated to at most "
            "break_max_period_days, run only if floor(break_trim x n) >= break_min_segment: "
            "if run and it dates no break inside the claim year, supported becomes supported "
            "with caveats")
    w0, w1, esc = _after_window(ev)
    r = ev.rates
    ps, pe = r["period_start"], r["period_end"]
    after = r[ps.notna() & (ps <= w1) & (pe >= w0)]
    base = r[pe.notna() & (pe < w0) & (pe >= w0 - pd.Timedelta(days=p.baseline_days))]
    if esc.empty or after.empty or base.empty:
        what = ("escalation events" if esc.empty else "2024 rates" if after.empty
                else "baseline rates")
        return ClaimResult("C3", text, UNDETERMINED, {f"{what.replace(' ', '_')}": 0},
                           ev.evidence(pd.concat([after, base]), "rate_id"),
                           f"No {what} in the record, so no ratio can be formed.", rule)
    top = after.sort_values(["kg_per_day_low", "kg_per_day"], ascending=False,
                            kind="stable").iloc[0]
    first = after.sort_values(["period_start", "kg_per_day_low"], ascending=[True, False],
                              kind="stable").iloc[0]
    top_when = _period_text(top["period_start"], top["period_end"])
    numbers: dict[str, float | str] = {"after": f"{top['rate_id']} ({top_when})"}
    peak_ratios = []
    for _, b in base.sort_values("rate_id").iterrows():
        rr = rate_ratio(float(b["kg_per_day_low"]), float(b["kg_per_day_high"]),
                        float(top["kg_per_day_low"]), float(top["kg_per_day_high"]),
                        a_point=float(b["kg_per_day"]), b_point=float(top["kg_per_day"]),
                        label=f"{top['rate_id']}/{b['rate_id']}")
        peak_ratios.append(rr)
        numbers[f"x_{b['rate_id']}_low"] = rr.low
        numbers[f"x_{b['rate_id']}_high"] = rr.high
    first_ratios = []
    if first["rate_id"] != top["rate_id"]:
        for _, b in base.sort_values("rate_id").iterrows():
            rr = rate_ratio(float(b["kg_per_day_low"]), float(b["kg_per_day_high"]),
                            float(first["kg_per_day_low"]), float(first["kg_per_day_high"]))
            first_ratios.append(rr)
        numbers[f"first_{first['rate_id']}_low"] = min(x.low for x in first_ratios)
        numbers[f"first_{first['rate_id']}_high"] = max(x.high for x in first_ratios)
    lows = [x.low for x in peak_ratios]
    highs = [x.high for x in peak_ratios]
    d = p.doubling
    if all(lo >= d for lo in lows):
        verdict = CAVEATS if min(lows) >= d * p.understatement else SUPPORTED
    elif all(hi < d for hi in highs):
        verdict = CONTRADICTED
    elif all(hi >= d for hi in highs):
        verdict = CAVEATS
    else:
        verdict = UNDETERMINED
    n_at_least = sum(lo >= d for lo in lows)
    base_ids = ", ".join(sorted(str(x) for x in base["rate_id"]))
    caveat = (f"Against the {len(base)} pre-increase baselines ({base_ids}) the "
              f"{_period_text(top['period_start'], top['period_end'])} rate {top['rate_id']} is "
              f"{_times(min(lows), max(highs))} the baseline, at least double under "
              f"{n_at_least} of {len(lows)} baseline choices")
    if first_ratios:
        caveat += (f", while the first step ({first['rate_id']}, "
                   f"{_period_text(first['period_start'], first['period_end'])}) is "
                   f"{_times(min(x.low for x in first_ratios), max(x.high for x in first_ratios))}"
                   )
    bnum, clause, inside = _break_test(ev, w0, w1)
    numbers.update(bnum)
    caveat += "; " + clause
    if inside is False and verdict == SUPPORTED:
        verdict = CAVEATS
    caveat += "."
    key = pd.concat([after[after["rate_id"] == top["rate_id"]], base])
    verdict, caveat = _cap_caveat(verdict, list(key["grade_best"]), caveat)
    evidence = ev.evidence(key, "rate_id") + ev.evidence(esc, "event_id")
    return ClaimResult("C3", text, verdict, numbers, evidence, caveat, rule)


def _c4(ev: _Evidence) -> ClaimResult:
    p = ev.params
    text = _text("C4", p)
    rule = ("a risk_score figure whose likelihood and consequence both reach risk_scale_max: "
            "supported (the risk event overlapping its date gives the date interval); a "
            "lower score: contradicted; no risk_score figure: undetermined")
    scores = ev.figures[ev.figures["kind"] == "risk_score"]
    if scores.empty:
        return ClaimResult("C4", text, UNDETERMINED, {"risk_score_rows": 0}, (),
                           "No risk score is in the record, so the classification cannot be "
                           "checked.", rule)
    parsed = []
    for _, s in scores.iterrows():
        m = _SCORE.search(str(s.get("value_reported", "")))
        lk, cq = (int(m[1]), int(m[2])) if m else (float(s["value"]), float(s["value"]))
        parsed.append((lk + cq, lk, cq, s))
    _, lk, cq, s = max(parsed, key=lambda t: t[0])
    top = lk >= p.risk_scale_max and cq >= p.risk_scale_max
    risk = ev.by_category("risk")
    s0, s1 = s.get("date_start"), s.get("date_end")
    match = risk
    if not _isna(s0):
        match = risk[(risk["date_start"] <= s1) & (risk["date_end"] >= s0)]
    numbers: dict[str, float | str] = {"likelihood": lk, "consequence": cq,
                                       "scale_max": p.risk_scale_max}
    lo_d: Any = s0 if not _isna(s0) else pd.NaT
    hi_d: Any = s1 if not _isna(s0) else pd.NaT
    if len(match):
        e = match.iloc[0]
        lo_d = max(x for x in (lo_d, e["date_start"]) if not _isna(x))
        hi_d = min(x for x in (hi_d, e["date_end"]) if not _isna(x))
    numbers["rated"] = _period_text(lo_d, hi_d)
    span = (pd.Timestamp(hi_d) - pd.Timestamp(lo_d)).days + 1 if not _isna(lo_d) else math.nan
    numbers["date_span_days"] = float(span)
    verdict = SUPPORTED if top else CONTRADICTED
    n_src = len(_split(s["source_ids"]))
    caveat = (f"The record gives likelihood {lk} and consequence {cq} on {p.risk_scale_max}-point "
              f"scales, {'the top of' if top else 'below the top of'} NASA's risk matrix")
    if not _isna(lo_d):
        caveat += (f", rated at a date known only to lie in {numbers['rated']} "
                   f"({span:.0f} days) across its {n_src} relaying sources")
    caveat += "."
    key = pd.DataFrame([s])
    verdict, caveat = _cap_caveat(verdict, list(key["grade_best"]), caveat)
    evidence = ev.evidence(key, "figure_id") + ev.evidence(match.iloc[:1], "event_id")
    return ClaimResult("C4", text, verdict, numbers, evidence, caveat, rule)


@dataclass(frozen=True)
class _AfterStop:
    """What the record dates after a stop confirmation (each frame earliest first).

    ``direct``: events of ``params.recurrence_categories``; ``response``: events of
    ``params.response_categories``; ``rates``: leak rates with a positive lower bound. An
    event counts if its ``date_start`` is after the stop's ``date_end``, a rate if its
    ``period_start`` is.
    """

    stop: pd.Series
    direct: pd.DataFrame
    response: pd.DataFrame
    rates: pd.DataFrame

    @property
    def events(self) -> pd.DataFrame:
        """Direct and response events together, earliest first."""
        both = pd.concat([self.direct, self.response])
        return both.sort_values(["date_start", "date_end"], kind="stable")

    @property
    def found(self) -> bool:
        """Whether anything shows the leak active after the stop."""
        return bool(len(self.direct) or len(self.response) or len(self.rates))

    def in_year(self, year: int) -> _AfterStop:
        """The same evidence restricted to events and rate periods starting in ``year``."""
        return _AfterStop(self.stop,
                          self.direct[self.direct["date_start"].dt.year == year],
                          self.response[self.response["date_start"].dt.year == year],
                          self.rates[self.rates["period_start"].dt.year == year])

    def grades(self) -> list[str | None]:
        """The best grade of every row in the three frames."""
        return [*self.direct["grade_best"], *self.response["grade_best"],
                *self.rates["grade_best"]]


def _after_stop(ev: _Evidence, stop: pd.Series) -> _AfterStop:
    """Evidence that the leak was active after ``stop`` (see :class:`_AfterStop`)."""
    p = ev.params
    later = ev.events[ev.events["date_start"] > stop["date_end"]]
    later = later.sort_values(["date_start", "date_end"], kind="stable")
    direct = later[later["category"].isin(p.recurrence_categories)]
    response = later[later["category"].isin(p.response_categories)]
    r = ev.rates
    post = r[r["period_start"].notna() & (r["period_start"] > stop["date_end"])
             & (r["kg_per_day_low"] > 0)]
    return _AfterStop(stop, direct, response, post)


_AFTER_STOP_RULE = ("'active after the stop' = an event of recurrence_categories (direct) or "
                    "response_categories (a leak response) starting after the stop event's "
                    "end date, or a rate with a positive lower bound whose period starts "
                    "after it")


def _event_phrase(row: pd.Series, stop: pd.Series) -> str:
    """``"a safety event (EV51, 2026-06-05, 154-155 days after the stop)"``."""
    dlo = (row["date_start"] - stop["date_end"]).days
    dhi = (row["date_end"] - stop["date_start"]).days
    return (f"a {row['category']} event ({row['event_id']}, "
            f"{_period_text(row['date_start'], row['date_end'])}, {dlo}-{dhi} days after it)")


def _and(parts: Sequence[str]) -> str:
    """``"a, b and c"``.

    Example:
        >>> _and(["a", "b", "c"]), _and(["a"])
        ('a, b and c', 'a')
    """
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _c5(ev: _Evidence) -> ClaimResult:
    p = ev.params
    text = _text("C5", p)
    rule = ("no stop event: undetermined; the latest stop event confirmed by "
            "confirming_actor: supported (by someone else: supported with caveats); then "
            "anything active after the stop: superseded; " + _AFTER_STOP_RULE)
    stops = ev.by_category("stop")
    if stops.empty:
        return ClaimResult("C5", text, UNDETERMINED, {"stop_events": 0}, (),
                           "No stop event is in the record.", rule)
    stop = stops.iloc[-1]
    actor = "" if _isna(stop.get("actor")) else str(stop.get("actor"))
    by_actor = p.confirming_actor.lower() in actor.lower()
    after = _after_stop(ev, stop)
    rd = ev.readings
    n_read = 0
    if "time" in rd.columns and len(rd):
        t = rd["time"]
        kind = rd["kind"] if "kind" in rd.columns else pd.Series("reading", index=rd.index)
        win = (t <= stop["date_end"]) & (t > stop["date_start"] - pd.Timedelta(days=365))
        n_read = int((win & (kind == "reading")).sum())
    numbers: dict[str, float | str] = {
        "stop": _period_text(stop["date_start"], stop["date_end"]),
        "confirmed_by": p.confirming_actor if by_actor else "other",
        "prk_readings_prior_year": n_read,
        "direct_events_after": len(after.direct),
        "response_events_after": len(after.response),
        "rates_after": len(after.rates),
    }
    caveat = f"The stop confirmation is dated {numbers['stop']}"
    caveat += "" if by_actor else f" by someone other than {p.confirming_actor}"
    if after.found:
        verdict = SUPERSEDED
        parts = []
        if len(after.direct):
            r0 = after.direct.iloc[0]
            numbers["recurrence"] = _period_text(r0["date_start"], r0["date_end"])
            dlo = (r0["date_start"] - stop["date_end"]).days
            dhi = (r0["date_end"] - stop["date_start"]).days
            numbers["days_to_recurrence_low"] = float(dlo)
            numbers["days_to_recurrence_high"] = float(dhi)
            parts.append(_event_phrase(r0, stop))
        if len(after.rates):
            top = after.rates.sort_values("kg_per_day", ascending=False).iloc[0]
            numbers["post_stop_kg_per_day"] = float(top["kg_per_day"])
            parts.append(f"a rate of {_g(float(top['kg_per_day']))} kg/day ({top['rate_id']})")
        if len(after.response):
            r1 = after.response.iloc[0]
            numbers["response"] = (f"{r1['event_id']} {r1['category']} "
                                   f"{_period_text(r1['date_start'], r1['date_end'])}")
            parts.append(_event_phrase(r1, stop))
        caveat += ", but after it came " + _and(parts)
        grades_after = [g for g in after.grades() if g is not None]
        if grades_after and all(g == "A" for g in grades_after):
            caveat += " relayed only by grade-A sources"
    else:
        verdict = SUPPORTED if by_actor else CAVEATS
    caveat += (f"; {n_read} PrK pressure readings from the year before it are published, so "
               "the hold behind it cannot be sized.")
    key = pd.concat([stops.iloc[-1:], after.events])
    verdict, caveat = _cap_caveat(verdict, list(stops.iloc[-1:]["grade_best"]), caveat)
    evidence = ev.evidence(key, "event_id") + ev.evidence(after.rates, "rate_id")
    return ClaimResult("C5", text, verdict, numbers, evidence, caveat, rule)


def _c6(ev: _Evidence) -> ClaimResult:
    p = ev.params
    text = _text("C6", p)
    rule = ("first detection event within the claimed month: supported (with caveats if its "
            "note records an earlier month); overlapping it: supported with caveats; "
            "disjoint: contradicted; no detection event: undetermined")
    det = ev.by_category("detection")
    if det.empty:
        return ClaimResult("C6", text, UNDETERMINED, {"detection_events": 0}, (),
                           "No detection event is in the record.", rule)
    d0 = det.iloc[0]
    m0, m1 = _month(p.detection_month, "detection_month")
    s, e = d0["date_start"], d0["date_end"]
    alternatives: list[pd.Timestamp] = []
    for mon, yr in _MONTH_YEAR.findall("" if _isna(d0.get("note")) else str(d0.get("note"))):
        ts = pd.Timestamp(f"{mon[:3]} {yr}")
        if not (m0 <= ts <= m1):
            alternatives.append(ts)
    earlier = sorted(a for a in alternatives if a < m0)
    r = ev.rates.dropna(subset=["period_start"])
    first_rate = r.sort_values("period_start").iloc[0] if len(r) else None
    numbers: dict[str, float | str] = {
        "detection": _period_text(s, e), "claimed": m0.strftime("%Y-%m"),
        "earlier_alternatives": len(earlier),
    }
    if earlier:
        numbers["earliest_alternative"] = earlier[0].strftime("%Y-%m")
    if first_rate is not None:
        numbers["first_rate_period"] = _period_text(first_rate["period_start"],
                                                    first_rate["period_end"])
    if m0 <= s and e <= m1:
        verdict = CAVEATS if earlier else SUPPORTED
    elif s <= m1 and e >= m0:
        verdict = CAVEATS
    else:
        verdict = CONTRADICTED
    caveat = (f"The first detection event is dated {numbers['detection']} against the claimed "
              f"{numbers['claimed']}")
    if earlier:
        caveat += (f", but its note records {len(earlier)} earlier date(s) (earliest "
                   f"{numbers['earliest_alternative']}) from another party")
    if first_rate is not None:
        caveat += (f"; the earliest dated rate ({first_rate['rate_id']}) refers to "
                   f"{numbers['first_rate_period']}")
    caveat += "."
    verdict, caveat = _cap_caveat(verdict, [d0["grade_best"]], caveat)
    evidence = ev.evidence(det.iloc[:1], "event_id")
    if first_rate is not None:
        evidence += ev.evidence(pd.DataFrame([first_rate]), "rate_id")
    return ClaimResult("C6", text, verdict, numbers, evidence, caveat, rule)


def _c7(ev: _Evidence) -> ClaimResult:
    p = ev.params
    text = _text("C7", p)
    rule = ("for every pair (rate in increase_from, rate in increase_to) the increase "
            "interval [to_low / from_high - 1, to_high / from_low - 1]; every interval meets "
            "increase_pct +- increase_tolerance_pct: supported; some: supported with caveats; "
            "none: contradicted; no pair: undetermined")
    a = _in_month(ev.rates, p.increase_from)
    b = _in_month(ev.rates, p.increase_to)
    if a.empty or b.empty:
        return ClaimResult("C7", text, UNDETERMINED, {"pairs": 0},
                           ev.evidence(pd.concat([a, b]), "rate_id"),
                           "The record lacks a rate in one of the two months.", rule)
    c_lo = (p.increase_pct - p.increase_tolerance_pct) / 100
    c_hi = (p.increase_pct + p.increase_tolerance_pct) / 100
    numbers: dict[str, float | str] = {"claimed_pct": p.increase_pct}
    hits = []
    details = []
    for _, x in a.sort_values(["kg_per_day_high", "rate_id"], ascending=[True, True]).iterrows():
        for _, y in b.sort_values("rate_id").iterrows():
            rr = rate_ratio(float(x["kg_per_day_low"]), float(x["kg_per_day_high"]),
                            float(y["kg_per_day_low"]), float(y["kg_per_day_high"]),
                            a_point=float(x["kg_per_day"]), b_point=float(y["kg_per_day"]))
            lo, hi, pt = rr.low - 1, rr.high - 1, rr.point - 1
            tag = f"{x['rate_id']}>{y['rate_id']}"
            numbers[f"rise_{tag}_low"] = lo
            numbers[f"rise_{tag}_high"] = hi
            numbers[f"rise_{tag}_point"] = pt
            hit = hi >= c_lo and lo <= c_hi
            hits.append(hit)
            details.append((tag, lo, hi, pt, x, y))
    if all(hits):
        verdict = SUPPORTED
    elif any(hits):
        verdict = CAVEATS
    else:
        verdict = CONTRADICTED
    # the pair with the narrowest interval is quoted
    tag, lo, hi, pt, x, y = min(details, key=lambda t: t[2] - t[1])
    caveat = (f"{x['value_reported']} -> {y['value_reported']} {y['unit']} ({tag}) is "
              f"+{_pct(pt)} ({_pct(lo)} to {_pct(hi)} with rounding), against the claimed "
              f"{p.increase_pct:g} %; {sum(hits)} of {len(hits)} pairings meet the claim.")
    key = pd.concat([a, b])
    verdict, caveat = _cap_caveat(verdict, list(key["grade_best"]), caveat)
    return ClaimResult("C7", text, verdict, numbers, ev.evidence(key, "rate_id"), caveat, rule)


def _c8(ev: _Evidence) -> ClaimResult:
    p = ev.params
    text = _text("C8", p)
    rule = ("peak = highest rate; repair = first repair event after the peak began; "
            "post-repair rates start after the peak period and within repair_window_days of the "
            "repair's end (derived rates only if include_derived); cut interval 1 - "
            "[post_high / peak_low, post_low / peak_high] per rate; every interval meets "
            "reduction_fraction +- reduction_tolerance: supported; none: contradicted; no "
            "post-repair rate but a stated fraction: supported with caveats; else undetermined")
    peak = _peak(ev)
    reps = ev.by_category("repair")
    fracs = ev.figures[ev.figures["kind"] == "fraction"]
    if peak is None:
        return ClaimResult("C8", text, UNDETERMINED, {"rates": 0}, (), "No rates.", rule)
    reps = reps[reps["date_start"] >= peak["period_start"]]
    if reps.empty:
        return ClaimResult("C8", text, UNDETERMINED, {"repairs_after_peak": 0},
                           ev.evidence(pd.DataFrame([peak]), "rate_id"),
                           "No repair event follows the peak.", rule)
    rep = reps.iloc[0]
    fr = fracs[(fracs["date_end"] >= rep["date_start"])] if len(fracs) else fracs
    r = ev.rates
    post = r[r["period_start"].notna() & (r["period_start"] > peak["period_end"])
             & (r["period_start"] <= rep["date_end"] + pd.Timedelta(days=p.repair_window_days))]
    numbers: dict[str, float | str] = {"peak": f"{peak['rate_id']}",
                                       "repair": _period_text(rep["date_start"], rep["date_end"])}
    if len(fr):
        numbers["stated_fraction"] = float(fr["value"].iloc[0])
    pk_lo, pk_pt, pk_hi = _rate_interval(peak)
    c_lo, c_hi = p.reduction_fraction - p.reduction_tolerance, \
        p.reduction_fraction + p.reduction_tolerance
    hits = []
    cuts = []
    for _, q in post.iterrows():
        lo = 1 - float(q["kg_per_day_high"]) / pk_lo
        hi = 1 - float(q["kg_per_day_low"]) / pk_hi
        numbers[f"cut_{q['rate_id']}_low"] = lo
        numbers[f"cut_{q['rate_id']}_high"] = hi
        hits.append(hi >= c_lo and lo <= c_hi)
        cuts.append((q, lo, hi))
    dr = ev.derived_rates
    dr = dr[dr["period_start"].notna() & (dr["period_start"] > peak["period_end"])]
    if len(dr):
        numbers["derived_kg_per_day"] = ", ".join(
            f"{i} {_g(v)}" for i, v in zip(dr["rate_id"], dr["kg_per_day"], strict=True))
    numbers["peak_x_rest_kg_per_day"] = pk_pt * (1 - p.reduction_fraction)
    if cuts:
        verdict = SUPPORTED if all(hits) else CONTRADICTED if not any(hits) else CAVEATS
        q, lo, hi = cuts[0]
        when = _period_text(q["period_start"], q["period_end"])
        caveat = (f"The later rate {q['rate_id']} ({when}, grade {q['grade_best']}) implies a "
                  f"cut of {_pct(lo)} to {_pct(hi)} from the peak")
    elif len(fr):
        verdict = CAVEATS
        caveat = (f"Only the stated fraction ({_g(numbers['stated_fraction'])}) supports the "  # type: ignore[arg-type]
                  "cut: no measured post-repair rate is in the record")
    else:
        verdict = UNDETERMINED
        caveat = "Neither a stated fraction nor a post-repair rate is in the record"
    if len(dr):
        caveat += (f", and the {len(dr)} post-repair figure(s) in kg/day "
                   f"({numbers['derived_kg_per_day']}) are outlet arithmetic: the peak x "
                   f"(1 - {_g(p.reduction_fraction)}) = {_g(pk_pt * (1 - p.reduction_fraction))}"
                   " kg/day")
    caveat += "."
    verdict, capped = _cap(verdict, list(post["grade_best"]))
    if capped:
        caveat = caveat[:-1] + "; the only measured post-repair rate is grade A."
    evidence = (ev.evidence(pd.DataFrame([peak]), "rate_id") + ev.evidence(post, "rate_id")
                + ev.evidence(fr, "figure_id") + ev.evidence(reps.iloc[:1], "event_id"))
    return ClaimResult("C8", text, verdict, numbers, evidence, caveat, rule)


def _c9(ev: _Evidence) -> ClaimResult:
    p = ev.params
    text = _text("C9", p)
    rule = ("planned rate = the constant matching planned_pattern; with a value: peak / planned "
            "interval, low end > planned_multiple: supported, high end <= planned_multiple: "
            "contradicted, else supported with caveats; without a value: undetermined (the "
            "design requirement and background leak are shown for comparison)")
    peak = _peak(ev)
    if peak is None:
        return ClaimResult("C9", text, UNDETERMINED, {"rates": 0}, (), "No rates.", rule)
    pk_lo, pk_pt, pk_hi = _rate_interval(peak)
    const = ev.constants
    planned = _matching(const, "name", p.planned_pattern)
    mult = _matching(ev.figures[ev.figures["kind"] == "multiplier"], "quantity",
                     p.planned_pattern)
    allow = _matching(const, "name", p.allowance_pattern)
    back = _matching(const, "name", p.background_pattern)
    numbers: dict[str, float | str] = {"peak": str(peak["rate_id"]),
                                       "claimed_multiple": p.planned_multiple}
    numbers["implied_planned_below_kg_per_day"] = pk_hi / p.planned_multiple
    have = planned[pd.to_numeric(planned["value"], errors="coerce").notna()]
    if len(have):
        lo, pt, hi = _constant_bounds(have.iloc[0], p.approx_rel)
        rr = rate_ratio(lo, hi, pk_lo, pk_hi, a_point=pt, b_point=pk_pt)
        numbers["x_planned_low"], numbers["x_planned_high"] = rr.low, rr.high
        if rr.low > p.planned_multiple:
            verdict = SUPPORTED
        elif rr.high <= p.planned_multiple:
            verdict = CONTRADICTED
        else:
            verdict = CAVEATS
        caveat = (f"The peak is {_g(rr.low)} to {_g(rr.high)} times the planned rate of "
                  f"{_g(pt)} kg/day")
    else:
        verdict = UNDETERMINED
        caveat = (f"The planned rate is not published, so '>{p.planned_multiple:g}x' cannot be "
                  f"checked: it implies a planned rate below "
                  f"{_g(numbers['implied_planned_below_kg_per_day'])} kg/day "  # type: ignore[arg-type]
                  f"({_g(_lb(pk_hi / p.planned_multiple))} lb/day)")
    comps = []
    for label, rows in (("design requirement", allow), ("background leak", back)):
        rows = rows[pd.to_numeric(rows["value"], errors="coerce").notna()]
        if rows.empty:
            continue
        row = rows.iloc[-1]
        lo, pt, hi = _constant_bounds(row, p.approx_rel)
        rr = rate_ratio(lo, hi, pk_lo, pk_hi)
        key = "x_requirement" if label.startswith("design") else "x_background"
        numbers[f"{key}_low"], numbers[f"{key}_high"] = rr.low, rr.high
        shown = re.sub(r"\s*\(.*\)\s*$", "", str(row["value_reported"]))
        comps.append(f"{_g(rr.low)}-{_g(rr.high)} times the {label} ({row['constant_id']}, "
                     f"{shown})")
    if comps:
        caveat += ", while the peak was " + " and ".join(comps)
    caveat += "."
    key_rows = mult
    verdict, caveat = _cap_caveat(verdict, list(have["grade_best"]) if len(have) else [],
                                  caveat)
    evidence = (ev.evidence(pd.DataFrame([peak]), "rate_id") + ev.evidence(key_rows, "figure_id")
                + ev.evidence(pd.concat([planned, allow, back]), "constant_id"))
    return ClaimResult("C9", text, verdict, numbers, evidence, caveat, rule)


def _c10(ev: _Evidence) -> ClaimResult:
    p = ev.params
    text = _text("C10", p)
    rule = ("after the latest stop event, in recurrence_year: a direct event or a rate with a "
            "grade-P or -T source: supported; only grade-A direct reports, or only "
            "leak-response events: supported with caveats; nothing: contradicted; no stop "
            "event: undetermined; " + _AFTER_STOP_RULE)
    stops = ev.by_category("stop")
    if stops.empty:
        return ClaimResult("C10", text, UNDETERMINED, {"stop_events": 0}, (),
                           "No stop event is in the record, so 'back' has no reference.", rule)
    stop = stops.iloc[-1]
    after = _after_stop(ev, stop).in_year(p.recurrence_year)
    rec, post, resp = after.direct, after.rates, after.response
    numbers: dict[str, float | str] = {
        "stop": _period_text(stop["date_start"], stop["date_end"]),
        "recurrence_events": len(rec), "post_stop_rates": len(post),
        "response_events": len(resp),
    }
    if not after.found:
        verdict = CONTRADICTED
        caveat = (f"Nothing in the record follows the stop of {numbers['stop']} in "
                  f"{p.recurrence_year}.")
        return ClaimResult("C10", text, verdict, numbers,
                           ev.evidence(stops.iloc[-1:], "event_id"), caveat, rule)
    direct_grades = [*rec["grade_best"], *post["grade_best"]]
    strong = any(g in ("P", "T") for g in direct_grades)
    verdict = SUPPORTED if strong else CAVEATS
    parts = []
    if len(rec):
        r0 = rec.iloc[0]
        numbers["recurrence"] = _period_text(r0["date_start"], r0["date_end"])
        parts.append(_event_phrase(r0, stop))
    if len(post):
        q = post.sort_values("kg_per_day", ascending=False).iloc[0]
        lo, pt, hi = _rate_interval(q)
        numbers["rate_kg_per_day_low"], numbers["rate_kg_per_day_high"] = lo, hi
        rate = f"a rate of {_g(pt)} kg/day ({q['rate_id']}"
        allow = _matching(ev.constants, "name", p.allowance_pattern)
        allow = allow[pd.to_numeric(allow["value"], errors="coerce").notna()]
        peak = _peak(ev)
        if len(allow):
            alo, _, ahi = _constant_bounds(allow.iloc[0], p.approx_rel)
            rr = rate_ratio(alo, ahi, lo, hi)
            numbers["x_requirement_low"], numbers["x_requirement_high"] = rr.low, rr.high
            rate += f", {_g(rr.low)}-{_g(rr.high)} times the design requirement"
        if peak is not None:
            numbers["x_peak"] = pt / float(peak["kg_per_day"])
        parts.append(rate + ")")
    if len(resp):
        r1 = resp.iloc[0]
        numbers["response"] = (f"{r1['event_id']} {r1['category']} "
                               f"{_period_text(r1['date_start'], r1['date_end'])}")
        parts.append(_event_phrase(r1, stop))
    caveat = f"After the stop of {numbers['stop']} came " + _and(parts)
    if not strong:
        caveat += (", but the leak itself is reported only through grade-A relays"
                   if direct_grades else
                   ", but no event or rate at these grades reports the leak itself, only a "
                   "response to it")
    caveat += "."
    evidence = (ev.evidence(stops.iloc[-1:], "event_id") + ev.evidence(rec, "event_id")
                + ev.evidence(post, "rate_id") + ev.evidence(resp, "event_id"))
    return ClaimResult("C10", text, verdict, numbers, evidence, caveat, rule)


def _c11(ev: _Evidence) -> ClaimResult:
    p = ev.params
    text = _text("C11", p)
    rule = ("peak = highest rate on record (derived and restated rows excluded); claimed value "
            "+- half a unit of its last printed digit; intervals overlap and the peak lies in "
            "peak_month: supported; overlap but another month: supported with caveats; no "
            "overlap: contradicted; no rates: undetermined")
    peak = _peak(ev)
    if peak is None:
        return ClaimResult("C11", text, UNDETERMINED, {"rates": 0}, (), "No rates.", rule)
    lo, pt, hi = _rate_interval(peak)
    claimed = float(p.peak_kg_per_day)
    h = float(rate_bounds("=", claimed, None, p.peak_kg_per_day)[1]) - claimed
    m0, m1 = _month(p.peak_month, "peak_month")
    in_month = bool(peak["period_start"] >= m0 and peak["period_end"] <= m1)
    overlap = hi >= claimed - h and lo <= claimed + h
    numbers: dict[str, float | str] = {
        "peak": str(peak["rate_id"]),
        "peak_period": _period_text(peak["period_start"], peak["period_end"]),
        "peak_kg_per_day": pt, "peak_kg_per_day_low": lo, "peak_kg_per_day_high": hi,
        "peak_lb_per_day": _lb(pt), "claimed_kg_per_day": claimed,
    }
    if overlap:
        verdict = SUPPORTED if in_month else CAVEATS
    else:
        verdict = CONTRADICTED
    caveat = (f"The highest rate on record, {peak['rate_id']} ({peak['value_reported']} "
              f"{peak['unit']} in {numbers['peak_period']}), is {_g(pt, 4)} kg/day "
              f"({_g(lo, 4)}-{_g(hi, 4)} with rounding), "
              f"{'within' if overlap else 'outside'} the claimed {p.peak_kg_per_day} +- {h:g}"
              f"{'' if in_month else ' but not in ' + m0.strftime('%Y-%m')}.")
    key = pd.DataFrame([peak])
    verdict, caveat = _cap_caveat(verdict, list(key["grade_best"]), caveat)
    return ClaimResult("C11", text, verdict, numbers, ev.evidence(key, "rate_id"), caveat,
                       rule)


def _episode_k(readings: pd.DataFrame) -> tuple[float, float, float, Any] | None:
    """Decay constant bounds (per hour) from an episode's first and last timed readings.

    ``k = ln(p0 / p1) / t``; bounds take the pressures -/+ half a unit of their printed last
    digit and ``elapsed_low_h``/``elapsed_high_h``: ``[ln(p0_lo / p1_hi) / t_hi,
    ln(p0_hi / p1_lo) / t_lo]``.
    """
    r = readings[(readings["kind"] == "reading") & readings["elapsed_h"].notna()]
    r = r.sort_values("elapsed_h")
    if len(r) < 2:
        return None
    a, b = r.iloc[0], r.iloc[-1]
    t = float(b["elapsed_h"]) - float(a["elapsed_h"])
    t_lo = float(b.get("elapsed_low_h", t) if not _isna(b.get("elapsed_low_h")) else t)
    t_hi = float(b.get("elapsed_high_h", t) if not _isna(b.get("elapsed_high_h")) else t)
    if t <= 0 or t_lo <= 0:
        return None

    def half(row: pd.Series) -> float:
        printed = row.get("pressure_reported")
        return rounding_halfwidth(printed if not _isna(printed) else float(row["pressure_mmhg"]))

    p0, p1 = float(a["pressure_mmhg"]), float(b["pressure_mmhg"])
    h0, h1 = half(a), half(b)
    k = math.log(p0 / p1) / t
    k_lo = math.log((p0 - h0) / (p1 + h1)) / t_hi
    k_hi = math.log((p0 + h0) / (p1 - h1)) / t_lo
    when = readings["time"].dropna().min() if "time" in readings.columns else pd.NaT
    return k_lo, k, k_hi, when


def _c12(ev: _Evidence) -> ClaimResult:
    p = ev.params
    text = _text("C12", p)
    rule = ("factor = the multiplier figure matching reduction_pattern; repair = the last repair "
            "event before it; k = ln(p0/p1)/t of the last timed pressure episode before the "
            "repair and the first after it, with pressure rounding and elapsed-time bounds; "
            "k_before / k_after interval meets factor x (1 +- approx_rel): supported (with "
            "caveats if measured more than 14 days before the figure's date); misses it: "
            "contradicted; a missing figure, repair or episode: undetermined")
    figs = _matching(ev.figures[ev.figures["kind"] == "multiplier"], "quantity",
                     p.reduction_pattern)
    rd = ev.readings
    need = {"episode_id", "elapsed_h", "pressure_mmhg", "kind", "time"}
    if figs.empty or not need <= set(rd.columns):
        what = "reduction figure" if figs.empty else "pressure readings"
        return ClaimResult("C12", text, UNDETERMINED, {what.replace(" ", "_"): 0},
                           ev.evidence(figs, "figure_id"), f"The record has no {what}.", rule)
    fig = figs.iloc[0]
    reps = ev.by_category("repair")
    reps = reps[reps["date_end"] <= fig["date_end"]]
    if reps.empty:
        return ClaimResult("C12", text, UNDETERMINED, {"repairs_before": 0},
                           ev.evidence(figs.iloc[:1], "figure_id"),
                           "No repair event precedes the reduction figure.", rule)
    rep = reps.iloc[-1]
    ks = []
    for eid, grp in rd.groupby("episode_id", sort=False):
        res = _episode_k(grp)
        if res is not None and not _isna(res[3]):
            ks.append((str(eid), *res, grp))
    before = [k for k in ks if k[4] < rep["date_start"]]
    after = [k for k in ks if k[4] >= rep["date_end"]]
    if not before or not after:
        return ClaimResult("C12", text, UNDETERMINED, {"episodes_before": len(before),
                                                       "episodes_after": len(after)},
                           ev.evidence(figs.iloc[:1], "figure_id"),
                           "No timed pressure episode on one side of the repair.", rule)
    b = max(before, key=lambda k: k[4])
    a = min(after, key=lambda k: k[4])
    rr = rate_ratio(a[1], a[3], b[1], b[3], a_point=a[2], b_point=b[2])
    factor = float(fig["value"])
    c_lo, c_hi = factor * (1 - p.approx_rel), factor * (1 + p.approx_rel)
    hit = rr.high >= c_lo and rr.low <= c_hi
    said: Any = fig.get("reported_on")
    said = fig["date_start"] if _isna(said) else said
    gap = (pd.Timestamp(said) - a[4]).days
    numbers: dict[str, float | str] = {
        "claimed_factor": factor, "repair": _period_text(rep["date_start"], rep["date_end"]),
        "before": b[0], "after": a[0],
        "k_before_per_h_low": b[1], "k_before_per_h_high": b[3],
        "k_after_per_h_low": a[1], "k_after_per_h_high": a[3],
        "k_ratio_low": rr.low, "k_ratio_high": rr.high, "days_test_to_figure": float(gap),
    }
    verdict = (CAVEATS if gap > 14 else SUPPORTED) if hit else CONTRADICTED
    caveat = (f"The pressure test after the {numbers['repair']} sealing ({a[0]}) decays "
              f"{_g(rr.low)}-{_g(rr.high)} times slower than the last test before it ({b[0]}), "
              f"{'consistent with' if hit else 'not'} about {factor:g} times, though the "
              f"figure was stated {gap} days after that test")
    caveat += "."
    rows = pd.concat([a[5], b[5]])
    rows = rows[rows["kind"] == "reading"]
    verdict, caveat = _cap_caveat(verdict, [fig["grade_best"]], caveat)
    evidence = (ev.evidence(figs.iloc[:1], "figure_id") + ev.evidence(reps.iloc[-1:], "event_id")
                + (ev.evidence(rows, "reading_id") if "source_ids" in rows.columns else ()))
    return ClaimResult("C12", text, verdict, numbers, evidence, caveat, rule)


# --------------------------------------------------------------------------------------
# registry and public API
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """One claim: its id, wording (formatted with the parameters) and evaluator.

    Calling a claim evaluates it: ``CLAIMS["C3"](record, grades=("P", "T"))``.
    """

    claim_id: str
    text: str
    func: Callable[[_Evidence], ClaimResult]

    def __call__(self, record: Any = None, params: ClaimParams | None = None,
                 **overrides: Any) -> ClaimResult:
        """Evaluate this claim on ``record`` (see :func:`evaluate`)."""
        return self.func(prepare(record, ClaimParams.build(params, **overrides)))

    def __repr__(self) -> str:
        return f"Claim({self.claim_id}: {self.text!r})"


CLAIMS: dict[str, Claim] = {
    c.claim_id: c
    for c in (
        Claim("C1", "The leak was caused by microscopic structural cracks inside the PrK", _c1),
        Claim("C2", "The problem persisted for approximately half a decade", _c2),
        Claim("C3", "The leak rate doubled in {claim_year}", _c3),
        Claim("C4", "NASA classified the leak 'high likelihood' and 'high consequence' "
                    "({risk_scale_max}x{risk_scale_max})", _c4),
        Claim("C5", "NASA has confirmed the leaks have stopped", _c5),
        Claim("C6", "The leak was first detected in {detection_month_name}", _c6),
        Claim("C7", "The leak rate rose by about {increase_pct:g} % from "
                    "{increase_from_name} to {increase_to_name}", _c7),
        Claim("C8", "Repairs after the peak cut the leak rate by about a third "
                    "(to about 1.13 kg/day)", _c8),
        Claim("C9", "The {peak_month_name} peak was more than {planned_multiple:g} times the "
                    "station's normal planned leak rate", _c9),
        Claim("C10", "The leak is back in {recurrence_year}", _c10),
        Claim("C11", "The {peak_month_name} peak was about {peak_kg_per_day} kg/day", _c11),
        Claim("C12", "Sealing the cracks in 2021 reduced the PrK leak threefold", _c12),
    )
}


def _text(claim_id: str, p: ClaimParams) -> str:
    """The claim's wording with the parameters filled in (months as "September 2019")."""
    keys: dict[str, Any] = dict(vars(p))
    for name in ("detection_month", "increase_from", "increase_to", "peak_month"):
        keys[f"{name}_name"] = _month(getattr(p, name), name)[0].strftime("%B %Y")
    return CLAIMS[claim_id].text.format(**keys)


def evaluate(
    claim_id: str, record: Any = None, params: ClaimParams | None = None, **overrides: Any
) -> ClaimResult:
    """Evaluate one claim.

    Args:
        claim_id: ``C1`` ... ``C11`` (see :data:`CLAIMS`).
        record: The evidence (``None`` loads it); any object with the record's DataFrame
            attributes works, e.g. a ``dataclasses.replace`` of a loaded record.
        params: Parameters (default :class:`ClaimParams`).
        **overrides: Parameter overrides by name.

    Returns:
        The :class:`ClaimResult`.

    Raises:
        PrkError: On an unknown claim id or parameter.

    Example:
        >>> evaluate("C5").verdict
        'superseded'
        >>> evaluate("C5", grades=("P", "T")).verdict  # EV51 (grade T) follows the stop
        'superseded'
    """
    if claim_id not in CLAIMS:
        raise PrkError(f"unknown claim id {claim_id!r}; claims: {list(CLAIMS)}")
    p = ClaimParams.build(params, **overrides)
    return CLAIMS[claim_id].func(prepare(record, p))


def evaluate_all(
    record: Any = None, params: ClaimParams | None = None, **overrides: Any
) -> list[ClaimResult]:
    """Evaluate every claim in :data:`CLAIMS` order on one prepared record.

    Args:
        record: As in :func:`evaluate`.
        params: Parameters (default :class:`ClaimParams`).
        **overrides: Parameter overrides by name (e.g. ``grades=("P", "T")``).

    Returns:
        One :class:`ClaimResult` per claim.

    Example:
        >>> [(r.claim_id, r.verdict) for r in evaluate_all()][:3]
        [('C1', 'supported with caveats'), ('C2', 'supported with caveats'), ('C3', 'supported')]
    """
    p = ClaimParams.build(params, **overrides)
    ev = prepare(record, p)
    return [c.func(ev) for c in CLAIMS.values()]


def _evidence_text(evidence: Sequence[tuple[str, str, str]]) -> str:
    by_row: dict[str, list[str]] = {}
    for row, src, grade in evidence:
        by_row.setdefault(row, [])
        item = f"{src} ({grade})"
        if item not in by_row[row]:
            by_row[row].append(item)
    return "; ".join(f"{row}: {', '.join(srcs)}" for row, srcs in by_row.items())


LEDGER_COLUMNS: tuple[str, ...] = ("claim_id", "claim", "verdict", "numbers", "evidence",
                                   "caveat", "rule")


def ledger(record: Any = None, params: ClaimParams | None = None,
           **overrides: Any) -> pd.DataFrame:
    """The claims ledger as a DataFrame, one row per claim.

    Args:
        record: As in :func:`evaluate`.
        params: Parameters (default :class:`ClaimParams`).
        **overrides: Parameter overrides by name.

    Returns:
        Columns ``claim_id``, ``claim``, ``verdict``, ``numbers`` (the deciding numbers,
        rendered by :func:`render_numbers`), ``evidence`` (``row: source (grade)``),
        ``caveat``, ``rule``. ``attrs["params"]`` holds every parameter (a dict) and
        ``attrs["params_text"]`` the line :func:`params_text` makes of them.

    Example:
        >>> list(ledger().columns)
        ['claim_id', 'claim', 'verdict', 'numbers', 'evidence', 'caveat', 'rule']
    """
    p = ClaimParams.build(params, **overrides)
    rows = [
        {"claim_id": r.claim_id, "claim": r.claim, "verdict": r.verdict,
         "numbers": render_numbers(r.numbers), "evidence": _evidence_text(r.evidence),
         "caveat": r.caveat, "rule": r.rule}
        for r in evaluate_all(record, p)
    ]
    frame = pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))
    frame.attrs["params"] = dataclasses.asdict(p)
    frame.attrs["params_text"] = params_text(p)
    return frame


#: The parameters every ledger states, whatever their value (the rest only if changed).
KEY_PARAMS: tuple[str, ...] = (
    "grades", "include_derived", "include_secondary", "approx_rel", "duration_tolerance_years",
    "increase_tolerance_pct", "reduction_tolerance", "recurrence_categories",
    "response_categories",
)


def params_text(params: ClaimParams | None = None) -> str:
    """The parameters behind a ledger in one line.

    :data:`KEY_PARAMS` always, then any other parameter that differs from its default.

    Args:
        params: The parameters (default :class:`ClaimParams`).

    Returns:
        ``"grades=P/T/A; include_derived=False; ...; other parameters at their defaults"``.

    Example:
        >>> params_text(ClaimParams(grades=("P", "T"), doubling=3)).split("; ")[0]
        'grades=P/T'
        >>> params_text(ClaimParams(doubling=3)).endswith("doubling=3")
        True
    """
    p = params or ClaimParams()
    default = ClaimParams()

    def show(v: object) -> str:
        if isinstance(v, tuple):
            return "/".join(str(x) for x in v)
        return _fmt_val(v)

    parts = [f"{k}={show(getattr(p, k))}" for k in KEY_PARAMS]
    changed = [f.name for f in dataclasses.fields(p)
               if f.name not in KEY_PARAMS and getattr(p, f.name) != getattr(default, f.name)]
    parts += [f"{k}={show(getattr(p, k))}" for k in changed]
    if not changed:
        parts.append("other parameters at their defaults")
    return "; ".join(parts)


#: Grade sets compared by :func:`grade_sensitivity`.
GRADE_SETS: tuple[tuple[str, ...], ...] = (("P", "T", "A"), ("P", "T"), ("P",))


def grade_sensitivity(record: Any = None, params: ClaimParams | None = None,
                      grade_sets: Sequence[Sequence[str]] = GRADE_SETS,
                      **overrides: Any) -> pd.DataFrame:
    """The verdict on every claim under each set of trusted source grades.

    Every other parameter is held at ``params`` (with ``overrides``); only ``grades``
    changes from column to column.

    Args:
        record: As in :func:`evaluate`.
        params: Parameters (default :class:`ClaimParams`).
        grade_sets: The grade sets, one column each (named ``grades P/T/A`` ...).
        **overrides: Parameter overrides by name.

    Returns:
        Columns ``claim_id``, one verdict column per grade set, and ``stable`` (the same
        verdict under every set). ``attrs["params"]`` holds the parameters held fixed.

    Example:
        >>> t = grade_sensitivity()
        >>> list(t.columns)
        ['claim_id', 'grades P/T/A', 'grades P/T', 'grades P', 'stable']
        >>> t.set_index("claim_id").loc["C5", "grades P/T"]
        'superseded'
    """
    p = ClaimParams.build(params, **overrides)
    cols: dict[str, list[str]] = {}
    ids: list[str] = []
    for gs in grade_sets:
        q = dataclasses.replace(p, grades=tuple(gs))
        res = evaluate_all(record, q)
        ids = [r.claim_id for r in res]
        cols[f"grades {'/'.join(q.grades)}"] = [r.verdict for r in res]
    frame = pd.DataFrame({"claim_id": ids, **cols})
    frame["stable"] = frame[list(cols)].nunique(axis=1).eq(1)
    frame.attrs["params"] = dataclasses.asdict(p)
    frame.attrs["params_text"] = params_text(p)
    return frame


def format_ledger(
    frame: pd.DataFrame,
    *,
    width: int | None = None,
    columns: Sequence[str] = ("claim_id", "verdict", "claim", "numbers", "caveat"),
    weights: Mapping[str, float] | None = None,
) -> str:
    """A fixed-width text table of a ledger, cells wrapped to fit ``width`` characters.

    Narrow columns (``claim_id``, ``verdict``) keep their natural width; the rest share the
    remaining width by ``weights``. A rule line separates the claims.

    Args:
        frame: A ledger from :func:`ledger`.
        width: Total width (default: the terminal width, at least 60).
        columns: Columns shown, in order.
        weights: Relative widths of the wrapped columns (default: equal).

    Returns:
        The table as text.

    Raises:
        DataValidationError: If a column is not in the frame.

    Example:
        >>> f = pd.DataFrame({"claim_id": ["C1"], "verdict": ["supported"],
        ...                   "caveat": ["A long caveat that has to be wrapped."]})
        >>> print(format_ledger(f, width=40, columns=("claim_id", "verdict", "caveat")))
        claim_id | verdict   | caveat
        ---------+-----------+------------------
        C1       | supported | A long caveat
                 |           | that has to be
                 |           | wrapped.
    """
    for c in columns:
        if c not in frame.columns:
            raise DataValidationError("column not in the ledger", column=c)
    total = width or max(60, shutil.get_terminal_size((120, 24)).columns)
    fixed = {"claim_id", "verdict"}
    natural = {c: max([len(c), *(len(str(v)) for v in frame[c])]) for c in columns}
    sep = 3 * (len(columns) - 1)
    fixed_w = sum(natural[c] for c in columns if c in fixed)
    free = [c for c in columns if c not in fixed]
    room = max(total - sep - fixed_w, 10 * max(len(free), 1))
    w = weights or {}
    wsum = sum(w.get(c, 1.0) for c in free) or 1.0
    widths = {c: natural[c] for c in columns if c in fixed}
    for c in free:
        widths[c] = max(10, min(natural[c], int(room * w.get(c, 1.0) / wsum)))
    lines = [" | ".join(c.ljust(widths[c]) for c in columns).rstrip(),
             "-+-".join("-" * widths[c] for c in columns)]
    for k, (_, row) in enumerate(frame.iterrows()):
        cells = [textwrap.wrap(str(row[c]), widths[c]) or [""] for c in columns]
        for i in range(max(len(x) for x in cells)):
            lines.append(" | ".join((cell[i] if i < len(cell) else "").ljust(widths[c])
                                    for cell, c in zip(cells, columns, strict=True)).rstrip())
        if k < len(frame) - 1:
            lines.append("-+-".join("-" * widths[c] for c in columns))
    return "\n".join(lines)


def print_ledger(record: Any = None, *, width: int | None = None, full: bool = False,
                 **overrides: Any) -> None:
    """Print the claims ledger as a fixed-width table wrapped to the terminal width.

    A first line states the parameters that produced it (:func:`params_text`); a last line
    counts the verdicts.

    Args:
        record: As in :func:`evaluate`.
        width: Table width (default: the terminal's).
        full: Also show the evidence and the decision rule.
        **overrides: Parameter overrides by name.

    Example:
        >>> print_ledger(width=100)  # doctest: +SKIP
    """
    frame = ledger(record, **overrides)
    cols: tuple[str, ...] = ("claim_id", "verdict", "claim", "numbers", "caveat")
    weights = {"claim": 1.0, "numbers": 1.3, "caveat": 2.2}
    if full:
        cols = (*cols, "evidence", "rule")
        weights.update({"evidence": 1.2, "rule": 1.5})
    counts = frame["verdict"].value_counts()
    table = format_ledger(frame, width=width, columns=cols, weights=weights)
    wrap = width or max(60, max(len(line) for line in table.splitlines()))
    print(textwrap.fill("parameters: " + frame.attrs["params_text"], wrap,
                        subsequent_indent="  "))
    print()
    print(table)
    print()
    print("verdicts: " + ", ".join(f"{v} {int(counts.get(v, 0))}" for v in VERDICTS))
