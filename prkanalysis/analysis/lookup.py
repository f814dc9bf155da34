"""Evidence rows looked up by id (never by matching their prose).

Example:
    >>> import pandas as pd
    >>> c = pd.DataFrame({"constant_id": ["K23"], "value": [2.0], "unit": ["lb/day"]})
    >>> round(constant_value(c, "K23", to_unit="kg/day"), 6)
    0.907185
"""

from __future__ import annotations

import pandas as pd

from prkanalysis import units
from prkanalysis.errors import DataValidationError

__all__ = ["constant_value", "row_by_id"]


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
