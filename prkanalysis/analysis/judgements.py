"""The analyst's generic defaults, read once from ``data/judgements.csv``.

Every chapter and the claims ledger take their default trusted grades, "about" widths and 2024
ratio windows from here, so one question gets one answer (what a claim's own words allow, e.g.
"about half a decade" = 4 to 6 years, is that claim's band in ``data/claims.csv``). The table
has one row per judgement (``judgement_id``, ``name``, ``value``, ``unit``, ``applies_to``,
``rationale``, ``source_ids``); :func:`defaults` parses and validates it into a
:class:`Defaults`.

Parsing by ``unit``: ``grades`` is a ``;``-separated non-empty subset of ``P;T;A`` (returned
in the order P, T, A); ``boolean`` is ``true``/``false``; ``date`` is ``YYYY-MM-DD`` (kept as
text); ``fraction`` is a number in (0, 1); ``days`` and ``years`` are non-negative numbers
(days as integers).

Example:
    >>> d = defaults()
    >>> d.grades, d.approx_rel
    (('P', 'T'), 0.25)
    >>> d.replace(grades=("P",)).grades
    ('P',)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from prkanalysis.errors import DataValidationError, PrkError

__all__ = ["GRADES", "Defaults", "check_grades", "check_params", "defaults", "table"]

#: The source grades, best first.
GRADES: tuple[str, ...] = ("P", "T", "A")

_FILE = "judgements.csv"

#: ``name -> (unit, Defaults field)``: every name the table must hold exactly once.
_NAMES: dict[str, tuple[str, str]] = {
    "trusted_grades": ("grades", "grades"),
    "include_derived": ("boolean", "include_derived"),
    "include_secondary": ("boolean", "include_secondary"),
    "approx_rel": ("fraction", "approx_rel"),
    "nearly_rel": ("fraction", "nearly_rel"),
    "increase_start": ("date", "increase_start"),
    "increase_end": ("date", "increase_end"),
    "baseline_days": ("days", "baseline_days"),
    "onset_slack_days": ("days", "onset_slack_days"),
}


@dataclass(frozen=True)
class Defaults:
    """The generic judgements, typed (see ``data/judgements.csv`` for each rationale).

    Attributes:
        grades: Trusted source grades (subset of P, T, A, in that order).
        include_derived: Use figures an outlet computed.
        include_secondary: Use secondary timeline restatements.
        approx_rel: Relative half-width of "about" figures.
        nearly_rel: Downward relative width of "nearly" figures.
        increase_start: First day of the 2024 increase window (``YYYY-MM-DD``).
        increase_end: Last day of the 2024 increase window.
        baseline_days: A baseline rate's period ends at most this many days before
            ``increase_start``.
        onset_slack_days: ... or at most this many days after it ("before the increase").
    """

    grades: tuple[str, ...]
    include_derived: bool
    include_secondary: bool
    approx_rel: float
    nearly_rel: float
    increase_start: str
    increase_end: str
    baseline_days: int
    onset_slack_days: int

    def replace(self, **changes: Any) -> Defaults:
        """A copy with some judgements changed (``None`` values are ignored).

        Raises:
            PrkError: On an unknown name or an invalid grade set.
        """
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise PrkError(f"unknown judgement(s) {unknown}; known: {sorted(known)}")
        kept = {k: v for k, v in changes.items() if v is not None}
        if "grades" in kept:
            kept["grades"] = check_grades(kept["grades"])
        return dataclasses.replace(self, **kept)

    def as_dict(self) -> dict[str, Any]:
        """The judgements as a plain mapping (for display and for passing on)."""
        return dataclasses.asdict(self)


def check_grades(grades: Any, *, name: str = "grades") -> tuple[str, ...]:
    """Normalise a grade selection: a non-empty subset of P, T, A, returned in that order.

    Accepts a sequence (``("T", "P")``), a string of letters (``"PT"``) or a
    ``;``-separated string (``"P;T"``). Case is ignored.

    Raises:
        PrkError: Naming the argument, the value and the accepted set.

    Example:
        >>> check_grades("t;p"), check_grades(["A", "P"])
        (('P', 'T'), ('P', 'A'))
    """
    if isinstance(grades, str):
        items = [c for tok in grades.replace(";", " ").replace(",", " ").split() for c in tok]
    else:
        try:
            items = [str(g) for g in grades]
        except TypeError:
            raise PrkError(f"argument {name}={grades!r} must be a non-empty subset of "
                           "P, T, A") from None
    got = {s.strip().upper() for s in items if s.strip()}
    if not got or not got <= set(GRADES):
        raise PrkError(f"argument {name}={grades!r} must be a non-empty subset of P, T, A")
    return tuple(g for g in GRADES if g in got)


def table(record: Any = None) -> pd.DataFrame:
    """The judgements table as loaded (for chapters to show), from ``record`` or the base.

    A record without a ``judgements`` table (a test fixture, an older package) falls back
    to the evidence base's table.
    """
    frame = None
    if record is not None:
        extra = getattr(record, "extra", None)
        if isinstance(extra, dict) or hasattr(extra, "get"):
            frame = extra.get("judgements") if extra is not None else None
    if frame is None:
        from prkanalysis.record import load_record

        frame = load_record().table("judgements")
    return frame.copy()


def _parse(unit: str, text: str, row: int, name: str) -> Any:
    def bad(why: str) -> DataValidationError:
        return DataValidationError(f"judgement {name!r}: {why}", file=_FILE, row=row,
                                   column="value", value=text)

    if unit == "grades":
        try:
            return check_grades(text)
        except PrkError:
            raise bad("must be a ';'-separated non-empty subset of P;T;A") from None
    if unit == "boolean":
        low = text.strip().lower()
        if low not in ("true", "false"):
            raise bad("must be true or false")
        return low == "true"
    if unit == "date":
        ts = pd.to_datetime(text.strip(), format="%Y-%m-%d", errors="coerce")
        if pd.isna(ts):
            raise bad("must be a date YYYY-MM-DD")
        return ts.strftime("%Y-%m-%d")
    try:
        v = float(text)
    except ValueError:
        raise bad(f"must be a number ({unit})") from None
    if not math.isfinite(v):
        raise bad("must be finite")
    if unit == "fraction":
        if not 0.0 < v < 1.0:
            raise bad("must lie in (0, 1)")
        return v
    if v < 0:
        raise bad(f"must be >= 0 {unit}")
    if unit == "days":
        if v != int(v):
            raise bad("must be a whole number of days")
        return int(v)
    return v


def defaults(record: Any = None) -> Defaults:
    """Load, validate and type the generic judgements.

    Args:
        record: A :class:`prkanalysis.record.Record` (its ``judgements`` table is used), or
            ``None`` for the evidence base.

    Returns:
        The :class:`Defaults`.

    Raises:
        DataValidationError: A name missing, repeated or unknown, a unit that does not match
            the name, or a value that does not parse (naming file, row, column and value).
    """
    frame = table(record)
    for col in ("name", "value", "unit"):
        if col not in frame.columns:
            raise DataValidationError("column missing", file=_FILE, row=0, column=col)
    values: dict[str, Any] = {}
    for i, (name, value, unit) in enumerate(
            zip(frame["name"], frame["value"], frame["unit"], strict=True), start=1):
        key = str(name).strip()
        if key not in _NAMES:
            raise DataValidationError(f"unknown judgement; known: {sorted(_NAMES)}",
                                      file=_FILE, row=i, column="name", value=key)
        want, field = _NAMES[key]
        if str(unit).strip() != want:
            raise DataValidationError(f"judgement {key!r} must have unit {want!r}", file=_FILE,
                                      row=i, column="unit", value=unit)
        if field in values:
            raise DataValidationError("judgement given twice", file=_FILE, row=i,
                                      column="name", value=key)
        values[field] = _parse(want, str(value), i, key)
    missing = sorted(k for k, (_, f) in _NAMES.items() if f not in values)
    if missing:
        raise DataValidationError(f"judgements missing: {missing}", file=_FILE)
    if values["increase_end"] < values["increase_start"]:
        raise DataValidationError("increase_end is before increase_start", file=_FILE,
                                  column="value", value=values["increase_end"])
    return Defaults(**values)


def _check_range(name: str, value: float, low: float, high: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise PrkError(f"parameter {name}={value!r} is not a number") from exc
    if not (low <= v <= high) or math.isnan(v):
        raise PrkError(f"parameter {name}={v:g} is outside the allowed range {low:g}..{high:g}")
    return v


def check_params(
    *,
    volume_m3: float = 5.0,
    temperature_k: float = 295.15,
    grades: Iterable[str] | None = None,
    gauge_resolution_mmhg: float = 1.0,
) -> dict[str, Any]:
    """Check the chapter parameters and return them normalised.

    Ranges: PrK free volume 3-8 m³ (the volume is unpublished, SPEC section 4), cabin
    temperature 283-310 K, grades a non-empty subset of {P, T, A}, gauge resolution 0.001-50
    mmHg.

    Args:
        volume_m3: Assumed PrK free volume.
        temperature_k: Cabin temperature.
        grades: Source grades to trust (``None``: the judgement ``trusted_grades``).
        gauge_resolution_mmhg: Smallest pressure change the PrK gauge shows.

    Returns:
        ``{"volume_m3", "temperature_k", "grades" (order P, T, A),
        "gauge_resolution_mmhg"}``.

    Raises:
        PrkError: Naming the parameter that is out of range.

    Example:
        >>> check_params(grades={"T", "P"})["grades"]
        ('P', 'T')
        >>> check_params(volume_m3=12)
        Traceback (most recent call last):
        ...
        prkanalysis.errors.PrkError: parameter volume_m3=12 is outside the allowed range 3..8
    """
    g = defaults().grades if grades is None else check_grades(grades, name="parameter grades")
    return {
        "volume_m3": _check_range("volume_m3", volume_m3, 3.0, 8.0),
        "temperature_k": _check_range("temperature_k", temperature_k, 283.0, 310.0),
        "grades": g,
        "gauge_resolution_mmhg": _check_range(
            "gauge_resolution_mmhg", gauge_resolution_mmhg, 0.001, 50.0
        ),
    }
