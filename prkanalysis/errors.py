"""Project exception classes.

Every error raised on bad input is one of these, and names what is wrong and where
(file, row, column) so that an investigator never has to read a traceback from deep
inside pandas.
"""

from __future__ import annotations


class PrkError(Exception):
    """Base class for every error raised by prkanalysis."""


class DataValidationError(PrkError, ValueError):
    """A data file breaks its schema: names the file, the row and the column.

    Args:
        message: What is wrong, in words.
        file: The file (name relative to ``data/`` where possible).
        row: 1-based data row number (the header is row 0), or ``None`` for file-level errors.
        column: The column name, or ``None`` when the whole row or file is at fault.
        value: The offending value as read, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        where = []
        if file is not None:
            where.append(f"file {file}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = ", ".join(where)
        text = f"{prefix}: {message}" if prefix else message
        if value is not None:
            text += f" (value: {value!r})"
        super().__init__(text)


class ChecksumMismatchError(DataValidationError):
    """A data file's sha256 differs from the one recorded in ``datapackage.json``."""


class UnitError(PrkError, ValueError):
    """A unit string is unknown or a conversion between incompatible dimensions was asked."""


class InsufficientDataError(PrkError, ValueError):
    """A series is too short, constant, singular or trimmed to nothing for the estimator."""


class TelemetryError(PrkError, ValueError):
    """Telemetry input is malformed (bad clock, unknown channel, unparseable line)."""


class ArgumentError(InsufficientDataError):
    """An argument outside its accepted range: names the argument, its value and the range.

    A subclass of :class:`InsufficientDataError` (and so of ``ValueError``), which earlier
    versions raised for the same cases.

    Args:
        name: The argument's name.
        value: The value given.
        accepted: The accepted range or kinds, in words (``"an integer in [2, 98]"``).
        hint: An optional sentence on how to fix the call.
    """

    def __init__(self, name: str, value: object, accepted: str, hint: str = "") -> None:
        self.name = name
        self.value = value
        self.accepted = accepted
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        text = f"argument {name!r} = {shown} ({type(value).__name__}): accepted {accepted}"
        if hint:
            text += f"; {hint}"
        super().__init__(text)
