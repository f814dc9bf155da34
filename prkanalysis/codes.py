"""The one table of cleaning codes used in every audit.

Each row of a cleaning audit (see :mod:`prkanalysis.clean`) carries one of these codes, so
the audit can be grouped, counted and explained in the evidence chapter. The table
:data:`CODES` lists code, action and meaning; :class:`Code` is the same list as an enum.

Actions:

* ``changed``: a value was derived or normalised (the original column is kept; the new value
  sits in a new column, e.g. ``kg_per_day_low``).
* ``dropped``: the row left the table (and is counted: rows in = rows out + rows dropped).
* ``flagged``: the row stays but is marked (e.g. a pressure target that is not a reading).

Example:
    >>> Code.BOUND_ROUNDING.action
    'changed'
    >>> CODES.set_index("code").loc["DROP_DERIVED", "action"]
    'dropped'
"""

from __future__ import annotations

from enum import StrEnum

import pandas as pd

__all__ = ["AUDIT_COLUMNS", "CODES", "Code", "describe"]


class Code(StrEnum):
    """Cleaning codes; ``action`` and ``meaning`` explain each (see :data:`CODES`)."""

    BOUND_ROUNDING = "BOUND_ROUNDING"
    BOUND_QUALIFIER_LT = "BOUND_QUALIFIER_LT"
    BOUND_QUALIFIER_GT = "BOUND_QUALIFIER_GT"
    BOUND_APPROX = "BOUND_APPROX"
    BOUND_LITTLE_OVER = "BOUND_LITTLE_OVER"
    BOUND_NEARLY = "BOUND_NEARLY"
    BOUND_RANGE = "BOUND_RANGE"
    DATE_INTERVAL = "DATE_INTERVAL"
    DATE_OPEN_START = "DATE_OPEN_START"
    DATE_UNKNOWN = "DATE_UNKNOWN"
    BOUND_ELAPSED = "BOUND_ELAPSED"
    FLAG_TARGET = "FLAG_TARGET"
    FLAG_HELD = "FLAG_HELD"
    FLAG_NO_ELAPSED = "FLAG_NO_ELAPSED"
    DROP_GRADE = "DROP_GRADE"
    DROP_DERIVED = "DROP_DERIVED"
    DROP_DUPLICATE = "DROP_DUPLICATE"
    DROP_SECONDARY = "DROP_SECONDARY"
    DROP_AS_OF = "DROP_AS_OF"
    DROP_ALTERNATIVE = "DROP_ALTERNATIVE"

    @property
    def action(self) -> str:
        """``changed``, ``dropped`` or ``flagged``."""
        return _INFO[self.value][0]

    @property
    def meaning(self) -> str:
        """What the code means, with the rule applied."""
        return _INFO[self.value][1]


#: ``code -> (action, meaning)``.
_INFO: dict[str, tuple[str, str]] = {
    "BOUND_ROUNDING": (
        "changed",
        "value printed without qualifier: bounds are +- half a unit of the last printed digit",
    ),
    "BOUND_QUALIFIER_LT": (
        "changed",
        "'less than' value: bounds are [lt_floor, value]",
    ),
    "BOUND_QUALIFIER_GT": (
        "changed",
        "'more than' value: bounds are [value, value * (1 + approx_rel)]",
    ),
    "BOUND_APPROX": (
        "changed",
        "'about' value: bounds are value * (1 -/+ approx_rel)",
    ),
    "BOUND_LITTLE_OVER": (
        "changed",
        "'a little over' value: bounds are [value, value * (1 + approx_rel)]",
    ),
    "BOUND_NEARLY": (
        "changed",
        "'nearly' value: bounds are [value * (1 - nearly_rel), value]",
    ),
    "BOUND_RANGE": (
        "changed",
        "range 'a to b': bounds are [a, b] widened by half a unit of each end's last digit",
    ),
    "DATE_INTERVAL": (
        "changed",
        "period bound filled from the date and its precision (day, week, month, season, year)",
    ),
    "DATE_OPEN_START": (
        "changed",
        "'before' a date: the period has an open (unknown) start",
    ),
    "DATE_UNKNOWN": (
        "changed",
        "period of unknown date: start and end set to NaT",
    ),
    "BOUND_ELAPSED": (
        "changed",
        "elapsed-time bounds filled from the time precision (+- one precision unit)",
    ),
    "FLAG_TARGET": (
        "flagged",
        "pressure is a target to reach, not a measurement: kept out of decay fits",
    ),
    "FLAG_HELD": (
        "flagged",
        "pressure is a level held by the crew, not a single measurement",
    ),
    "FLAG_NO_ELAPSED": (
        "flagged",
        "elapsed time unknown: the reading cannot enter a decay fit",
    ),
    "DROP_GRADE": (
        "dropped",
        "best source grade of the row is not among the grades kept",
    ),
    "DROP_DERIVED": (
        "dropped",
        "figure computed by an outlet, not reported: kept out of primary estimates",
    ),
    "DROP_DUPLICATE": (
        "dropped",
        "row restates another row's figure (duplicate_of set): one observation, not two",
    ),
    "DROP_SECONDARY": (
        "dropped",
        "secondary timeline row (restates a period years later): kept out unless asked for",
    ),
    "DROP_AS_OF": (
        "dropped",
        "not yet reported on the as-of date (reported_on later, or no source published by then)",
    ),
    "DROP_ALTERNATIVE": (
        "dropped",
        "alternative report of a contested value (contest group with a preferred row): shown, "
        "not counted",
    ),
}


#: The codes as a table: ``code``, ``action``, ``meaning``.
CODES: pd.DataFrame = pd.DataFrame(
    {
        "code": [c.value for c in Code],
        "action": [c.action for c in Code],
        "meaning": [c.meaning for c in Code],
    }
).astype("string")

#: Columns of every audit frame, in order.
AUDIT_COLUMNS: tuple[str, ...] = (
    "table",
    "row_id",
    "column",
    "action",
    "code",
    "reason",
    "before",
    "after",
)


def describe(code: str | Code) -> str:
    """Return ``"<CODE> (<action>): <meaning>"`` for a code.

    Args:
        code: A :class:`Code` or its string value.

    Returns:
        One line of text.

    Raises:
        KeyError: If the code is not in the table.

    Example:
        >>> describe("DROP_GRADE")
        'DROP_GRADE (dropped): best source grade of the row is not among the grades kept'
    """
    try:
        c = Code(str(code))
    except ValueError:
        raise KeyError(f"unknown cleaning code {code!r}; known: {list(CODES['code'])}") from None
    return f"{c.value} ({c.action}): {c.meaning}"
