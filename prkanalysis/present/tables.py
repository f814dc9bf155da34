"""Tables for readers: one function, :func:`table`, formats any DataFrame a chapter displays.

What a reader gets instead of a raw DataFrame:

- headers in words with their units (``rate_lb_day`` -> ``rate (lb/day)`` via ``units=``/
  ``labels=``; underscores become spaces);
- sensible rounding: three significant figures by default (``digits=`` per column overrides),
  whole numbers without decimals, years without a thousands separator, very small or large
  values as ``2.97 × 10⁻⁴``; dates as ``2024-04-12``; booleans as yes/no;
- no index column;
- no ``NaN``, ``<NA>``, ``NaT`` or ``inf``: missing values read "not published" (or the
  ``missing=`` text, e.g. "—") and infinite ones "unbounded", each explained in a footnote;
- wide tables (more than ``max_columns`` columns) transposed when they have few rows, else split
  into several tables that repeat the key column.

The result (:class:`ReaderTable`) displays itself as an HTML table in JupyterLab and in the
report (and so in the PDF, which is printed from the report's pages).

Example:
    >>> import pandas as pd
    >>> t = table(pd.DataFrame({"year": [2019.0, 2024.0], "rate": [0.123456, float("nan")]}),
    ...           units={"rate": "lb/day"})
    >>> t.frame.to_dict("list")
    {'year': ['2019', '2024'], 'rate (lb/day)': ['0.123', 'not published*']}
    >>> t.notes
    ('* not published: no public source gives this value.',)
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from prkanalysis.errors import PrkError

__all__ = ["ReaderTable", "format_value", "header", "table"]

#: Text shown for an infinite value (an open-ended interval end).
UNBOUNDED = "unbounded"

#: Default footnotes for the missing-value texts.
MISSING_NOTES: Mapping[str, str] = {
    "not published": "no public source gives this value.",
    "—": "not applicable or not available.",
}

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, list | tuple | set) else False
    except (TypeError, ValueError):
        return False


def format_number(value: float, digits: int | None = None) -> str:
    """A number for readers: ``digits`` decimals, else three significant figures.

    Whole numbers and values from a thousand up get no decimals (a thousands separator from
    10 000 up, so years stay ``1898``); values below 0.001 use ``× 10ⁿ``.

    Example:
        >>> [format_number(v) for v in (1898.0, 1597457.19, 0.000296570, 75.93, 2.0)]
        ['1898', '1,597,457', '2.97 × 10⁻⁴', '75.9', '2']
        >>> format_number(3.14159, digits=2), format_number(-0.5)
        ('3.14', '-0.5')
    """
    if digits is not None:
        return f"{value:,.{digits}f}"
    if value == 0:
        return "0"
    if float(value).is_integer() and abs(value) < 1e15:
        n = int(value)
        return f"{n:,}" if abs(n) >= 10_000 else str(n)
    mag = math.floor(math.log10(abs(value)))
    if 3 <= mag < 15:  # a thousand and more: whole units are precise enough
        return format_number(float(round(value)))
    if mag < -3 or mag >= 15:
        mant = value / 10**mag
        return f"{mant:.2f} × 10{str(mag).translate(_SUPERSCRIPT)}"
    decimals = max(0, 2 - mag)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_value(value: Any, digits: int | None = None, missing: str = "not published") -> str:
    """One cell as text for readers (see the module docstring for the rules).

    Example:
        >>> format_value(pd.Timestamp("2024-04-12")), format_value(True), format_value(7)
        ('2024-04-12', 'yes', '7')
        >>> format_value(float("inf")), format_value(pd.NA), format_value(["S001", "S002"])
        ('unbounded', 'not published', 'S001; S002')
    """
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(format_value(v, digits, missing) for v in value)
    if _is_missing(value):
        return missing
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp | datetime):
        ts = pd.Timestamp(value)
        has_time = (ts.hour, ts.minute, ts.second) != (0, 0, 0)
        return ts.strftime("%Y-%m-%d %H:%M" if has_time else "%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, pd.Timedelta):
        return f"{format_number(value.total_seconds() / 86400)} days"
    if isinstance(value, numbers.Integral):
        return format_number(float(value), digits if digits else None)
    if isinstance(value, numbers.Real):
        v = float(value)
        if math.isinf(v):
            return UNBOUNDED if v > 0 else f"{UNBOUNDED} (below)"
        return format_number(v, digits)
    return str(value)


def header(column: Any, units: Mapping[str, str], labels: Mapping[str, str]) -> str:
    """A column header in words with its unit.

    Example:
        >>> header("rate_lb_day", {"rate_lb_day": "lb/day"}, {"rate_lb_day": "leak rate"})
        'leak rate (lb/day)'
        >>> header("ci_low", {}, {})
        'ci low'
    """
    name = str(column)
    text = labels.get(name, name.replace("_", " "))
    unit = units.get(name, "")
    return f"{text} ({unit})" if unit else text


@dataclass(frozen=True)
class ReaderTable:
    """A formatted table: text cells only, headers with units, footnotes, caption, sources.

    Attributes:
        parts: One or more frames of strings (several when a wide table was split).
        numeric: Per part, the headers of the columns that were numeric (right-aligned).
        notes: Footnotes (what "not published", "unbounded", ... mean here).
        caption: Sentence above the table (may be empty).
        sources: Source ids or evidence-row ids the table shows (the source line).
    """

    parts: tuple[pd.DataFrame, ...]
    numeric: tuple[frozenset[str], ...] = ()
    notes: tuple[str, ...] = ()
    caption: str = ""
    sources: tuple[str, ...] = field(default=())

    @property
    def frame(self) -> pd.DataFrame:
        """The (first) formatted frame."""
        return self.parts[0]

    def to_html(self) -> str:
        """The table(s) as HTML: ``<div class="reader-table">`` with caption, notes, sources."""
        out = ['<div class="reader-table">']
        if self.caption:
            out.append(f'<p class="table-caption">{html.escape(self.caption)}</p>')
        for i, part in enumerate(self.parts):
            nums = self.numeric[i] if i < len(self.numeric) else frozenset()
            head = "".join(
                f'<th{" class=num" if c in nums else ""}>{html.escape(str(c))}</th>'
                for c in part.columns
            )
            rows = "".join(
                "<tr>"
                + "".join(
                    f'<td{" class=num" if c in nums else ""}>{html.escape(str(v))}</td>'
                    for c, v in zip(part.columns, row, strict=True)
                )
                + "</tr>"
                for row in part.itertuples(index=False, name=None)
            )
            out.append(f'<table class="reader"><thead><tr>{head}</tr></thead>'
                       f"<tbody>{rows}</tbody></table>")
        for note in self.notes:
            out.append(f'<p class="table-note">{html.escape(note)}</p>')
        if self.sources:
            out.append(f'<p class="source-line">Sources: {html.escape(", ".join(self.sources))}'
                       "</p>")
        out.append("</div>")
        return "".join(out)

    def to_text(self) -> str:
        """Plain-text form (for ``print`` and the text/plain output)."""
        blocks = [p.to_string(index=False) for p in self.parts]
        return "\n\n".join([*( [self.caption] if self.caption else []), *blocks, *self.notes])

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.to_text()


def table(
    frame: pd.DataFrame | pd.Series,
    *,
    units: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    digits: Mapping[str, int] | int | None = None,
    missing: str = "not published",
    missing_note: str | None = None,
    caption: str = "",
    sources: Sequence[str] = (),
    key: Sequence[str] | str | None = None,
    max_columns: int = 7,
    transpose: bool | None = None,
    index: bool = False,
) -> ReaderTable:
    """Format a DataFrame for readers (headers with units, rounding, no index, no NaN/inf).

    Transformations, in order: a Series becomes a one-column frame; the index is dropped
    (kept as the first column(s) only with ``index=True``); each cell becomes text by
    :func:`format_value` (``digits`` per column or for all); missing cells read ``missing``
    with a ``*`` and infinite ones ``unbounded`` with a ``†``, each mark explained in a
    footnote; headers become words with units (:func:`header`); a frame with more than
    ``max_columns`` columns is transposed if it has at most four rows (or ``transpose=True``),
    else split into frames of at most ``max_columns`` columns that each repeat the ``key``
    column(s) (default: the first column).

    Args:
        frame: The data (not modified).
        units: ``column -> unit`` shown in the header.
        labels: ``column -> words`` for the header (default: the name, underscores as spaces).
        digits: Decimals per column (mapping) or for every numeric column (int); default three
            significant figures.
        missing: Text for a missing value ("not published" or "—").
        missing_note: Footnote for it (default from :data:`MISSING_NOTES`).
        caption: Sentence shown above the table.
        sources: Source ids / evidence-row ids for the source line under the table.
        key: Column(s) repeated in every part of a split table.
        max_columns: Widest table shown as is.
        transpose: Force (``True``) or forbid (``False``) transposing a wide table.
        index: Keep the index as leading column(s).

    Returns:
        The :class:`ReaderTable`.

    Raises:
        PrkError: ``frame`` is not a DataFrame/Series, ``max_columns`` < 2, or a ``units``/
            ``labels``/``digits``/``key`` entry names no column.

    Example:
        >>> import pandas as pd
        >>> wide = pd.DataFrame({f"c{i}": [i * 1.5] for i in range(9)})
        >>> t = table(wide)
        >>> list(t.frame.columns), t.frame.iloc[0].tolist()
        (['quantity', 'value'], ['c0', '0'])
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if not isinstance(frame, pd.DataFrame):
        raise PrkError(f"present.table(frame): expected a DataFrame, got {type(frame).__name__}")
    if max_columns < 2:
        raise PrkError(f"present.table(max_columns={max_columns}): must be at least 2")
    df = frame.reset_index() if index else frame.reset_index(drop=True)
    df.columns = [str(c) for c in df.columns]
    units, labels = dict(units or {}), dict(labels or {})
    per_col = digits if isinstance(digits, Mapping) else {}
    for what, mapping in (("units", units), ("labels", labels), ("digits", per_col)):
        unknown = [k for k in mapping if k not in df.columns]
        if unknown:
            raise PrkError(
                f"present.table({what}=...): no column {unknown}; columns are {list(df.columns)}"
            )
    keys = [key] if isinstance(key, str) else list(key or df.columns[:1])
    if any(k not in df.columns for k in keys):
        raise PrkError(
            f"present.table(key={key!r}): no such column; columns are {list(df.columns)}"
        )

    marks: dict[str, str] = {}
    text = pd.DataFrame(index=df.index)
    numeric: set[str] = set()
    for col in df.columns:
        d = per_col.get(col) if per_col else (digits if isinstance(digits, int) else None)
        cells = []
        for v in df[col].tolist():
            s = format_value(v, d, missing)
            if not isinstance(v, list | tuple | set | frozenset) and _is_missing(v):
                marks.setdefault("*", f"* {missing}: "
                                 + (missing_note or MISSING_NOTES.get(missing, "no value.")))
                s += "*"
            elif s.startswith(UNBOUNDED):
                marks.setdefault("†", "† unbounded: the interval has no finite limit on this "
                                 "side (open-ended); it is not a bound.")
                s += "†"
            cells.append(s)
        if pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col]):
            numeric.add(header(col, units, labels))
        text[header(col, units, labels)] = cells
    notes = tuple(marks[m] for m in ("*", "†") if m in marks)
    key_heads = [header(k, units, labels) for k in keys]

    parts: list[pd.DataFrame]
    nums: list[frozenset[str]]
    if text.shape[1] > max_columns and (transpose or (transpose is None and len(text) <= 4)):
        first = key_heads[0]
        if len(text) == 1:
            t = pd.DataFrame({"quantity": list(text.columns), "value": text.iloc[0].tolist()})
        else:
            rest = [c for c in text.columns if c != first]
            t = pd.DataFrame({"quantity": rest})
            for _, row in text.iterrows():
                t[str(row[first])] = [row[c] for c in rest]
        parts, nums = [t], [frozenset(c for c in t.columns if c != "quantity")]
    elif text.shape[1] > max_columns:
        others = [c for c in text.columns if c not in key_heads]
        width = max(1, max_columns - len(key_heads))
        parts = [text[key_heads + others[i:i + width]] for i in range(0, len(others), width)]
        nums = [frozenset(c for c in p.columns if c in numeric) for p in parts]
    else:
        parts, nums = [text], [frozenset(numeric)]
    return ReaderTable(
        parts=tuple(p.reset_index(drop=True) for p in parts),
        numeric=tuple(nums),
        notes=notes,
        caption=caption,
        sources=tuple(str(s) for s in sources),
    )
