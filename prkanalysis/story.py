"""Former chapter glue, dissolved: every name here is a re-export of its new home.

Kept so chapters keep working until they switch. What replaces what:

========================== =======================================================
``story.`` name            new home
========================== =======================================================
``validate_params``        :func:`prkanalysis.analysis.judgements.check_params`
``select_rates``           :func:`prkanalysis.analysis.rates.select_trusted`
``detection_limit_table``  :func:`prkanalysis.analysis.detection_grid.detection_limit_table`
``fmt``, ``count_word``    :mod:`prkanalysis.present.text`
``prose``                  none: write Markdown cells with ``{eval}`name``` values
``findings_markdown``      :func:`prkanalysis.present.text.findings` (Markdown + JSON)
``interactive_*``          :mod:`prkanalysis.present.widgets`
``constant`` (regex)       :func:`prkanalysis.analysis.lookup.constant_value` (by id)
========================== =======================================================

Example:
    >>> validate_params(volume_m3=5.0)["volume_m3"], fmt(2.4999)
    (5.0, '2.5')
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from prkanalysis import units
from prkanalysis.analysis.detection_grid import detection_limit_table
from prkanalysis.analysis.judgements import check_params as validate_params
from prkanalysis.analysis.rates import select_trusted
from prkanalysis.errors import PrkError
from prkanalysis.present.text import count_word, findings_markdown, fmt, prose
from prkanalysis.present.widgets import interactive_detection_limits, interactive_timeline

__all__ = [
    "constant",
    "count_word",
    "detection_limit_table",
    "findings_markdown",
    "fmt",
    "interactive_detection_limits",
    "interactive_timeline",
    "prose",
    "select_rates",
    "validate_params",
]


def select_rates(
    clean: pd.DataFrame,
    *,
    grades: Iterable[str] | None = None,
    include_derived: bool | None = None,
) -> pd.DataFrame:
    """Trusted rows of normalised rates: :func:`prkanalysis.analysis.rates.select_trusted`.

    Restatements are kept (this filter only applies grades, derived and secondary flags).

    Raises:
        PrkError: If ``grade_best`` is missing.

    Example:
        >>> df = pd.DataFrame({"grade_best": ["P", "A", "T"], "derived": [False, False, True]})
        >>> len(select_rates(df)), len(select_rates(df, grades="PTA", include_derived=True))
        (1, 3)
    """
    if "grade_best" not in clean.columns:
        raise PrkError("select_rates: the cleaned rates have no 'grade_best' column")
    kept, _ = select_trusted(clean, grades=grades, include_derived=include_derived,
                             keep_duplicates=True)
    return kept


def constant(constants: pd.DataFrame, pattern: str, *, to_unit: str | None = None) -> float:
    """The value of the one constant whose id or name matches ``pattern`` (regex, any case).

    Deprecated: rows are referred to by id; use
    :func:`prkanalysis.analysis.lookup.constant_value`.

    Args:
        constants: The ``constants`` table (``constant_id``, ``name``, ``value``, ``unit``).
        pattern: Regular expression searched in ``constant_id`` and ``name``.
        to_unit: Convert the value with :func:`prkanalysis.units.convert` (from ``unit``).

    Returns:
        The value as a float.

    Raises:
        PrkError: When no row or several rows match, or the value is empty.

    Example:
        >>> c = pd.DataFrame({"constant_id": ["K1"], "name": ["ISS design leak allowance"],
        ...                   "value": [2.0], "unit": ["lb/day"]})
        >>> round(constant(c, "allowance", to_unit="kg/day"), 6)
        0.907185
    """
    text = constants.get("constant_id", pd.Series("", index=constants.index)).astype(str) + " " + (
        constants.get("name", pd.Series("", index=constants.index)).astype(str)
    )
    hit = constants[text.str.contains(pattern, case=False, regex=True)]
    if len(hit) != 1:
        raise PrkError(
            f"constant({pattern!r}): expected one matching row in constants, found {len(hit)}"
            + (f" ({', '.join(hit['constant_id'].astype(str))})" if len(hit) else "")
        )
    row = hit.iloc[0]
    val = pd.to_numeric(pd.Series([row.get("value")]), errors="coerce").iloc[0]
    if pd.isna(val):
        raise PrkError(f"constant({pattern!r}): row {row.get('constant_id')} has no value")
    if to_unit is not None:
        return float(units.convert(float(val), str(row.get("unit")), to_unit))
    return float(val)

