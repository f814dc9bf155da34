"""Evidence rows looked up by id (never by matching their prose).

Example:
    >>> import pandas as pd
    >>> c = pd.DataFrame({"constant_id": ["K23"], "value": [2.0], "unit": ["lb/day"]})
    >>> round(constant_value(c, "K23", to_unit="kg/day"), 6)
    0.907185
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from prkanalysis import units
from prkanalysis.errors import DataValidationError

__all__ = ["constant_value", "is_trusted", "row_by_id", "trusted_constant", "trusted_row",
           "trusted_rows"]


def row_by_id(frame: pd.DataFrame, id_column: str, row_id: str, *, table: str) -> pd.Series:
    """The one row of ``frame`` whose ``id_column`` is ``row_id``.

    Raises:
        DataValidationError: If the column is missing or no row has that id (naming the
            table, column and id).
    """
    if id_column not in frame.columns:
        raise DataValidationError("id column missing", file=table, column=id_column)
    hit = frame[frame[id_column].astype(str).str.strip() == str(row_id)]
    if len(hit) != 1:
        raise DataValidationError(f"expected one row with this id, found {len(hit)}",
                                  file=table, column=id_column, value=row_id)
    return hit.iloc[0]


def constant_value(constants: pd.DataFrame, constant_id: str, *,
                   to_unit: str | None = None) -> float:
    """The value of constant ``constant_id``, optionally converted from its ``unit``.

    Raises:
        DataValidationError: If there is no such row or it has no value.
    """
    row = row_by_id(constants, "constant_id", constant_id, table="constants.csv")
    val = pd.to_numeric(pd.Series([row.get("value")]), errors="coerce").iloc[0]
    if pd.isna(val):
        raise DataValidationError("the constant has no published value", file="constants.csv",
                                  column="value", value=constant_id)
    if to_unit is not None:
        return float(units.convert(float(val), str(row.get("unit")), to_unit))
    return float(val)


def is_trusted(record: Any, source_ids: object, grades: Sequence[str]) -> bool:
    """Whether the best grade (P > T > A) among ``source_ids`` is one of ``grades``.

    The rule every chapter and the claims ledger apply to a single evidence row.

    Args:
        record: The evidence record (its ``sources`` table grades the ids).
        source_ids: A ``";"``-separated ``source_ids`` cell.
        grades: The trusted grades, e.g. ``("P", "T")``.
    """
    from prkanalysis.clean import best_grade

    grade_of = dict(zip(record.sources["source_id"].astype(str),
                        record.sources["grade"].astype(str), strict=True))
    return best_grade(source_ids, grade_of) in tuple(grades)


def trusted_rows(record: Any, frame: pd.DataFrame, grades: Sequence[str]) -> pd.DataFrame:
    """The rows of ``frame`` (with a ``source_ids`` column) whose best grade is trusted."""
    from prkanalysis.clean import best_grade

    grade_of = dict(zip(record.sources["source_id"].astype(str),
                        record.sources["grade"].astype(str), strict=True))
    keep = [best_grade(s, grade_of) in tuple(grades) for s in frame["source_ids"]]
    return frame[keep]


def trusted_row(record: Any, frame: pd.DataFrame, id_column: str, row_id: str, *, table: str,
                grades: Sequence[str]) -> pd.Series | None:
    """The row ``row_id`` of ``frame`` if its best source grade is trusted, else ``None``.

    Raises:
        DataValidationError: If there is no such row (naming the table, column and id).
    """
    row = row_by_id(frame, id_column, row_id, table=table)
    return row if is_trusted(record, row["source_ids"], grades) else None


def trusted_constant(record: Any, constant_id: str, grades: Sequence[str], *,
                     to_unit: str | None = None) -> float:
    """The value of a constant if its best source grade is trusted, else NaN.

    Args:
        record: The evidence record (``constants`` and ``sources``).
        constant_id: The ``constant_id`` (e.g. ``"K23"``).
        grades: The trusted grades.
        to_unit: Convert from the row's ``unit`` to this unit.
    """
    row = trusted_row(record, record.constants, "constant_id", constant_id,
                      table="constants.csv", grades=grades)
    if row is None:
        return float("nan")
    return constant_value(record.constants, constant_id, to_unit=to_unit)
