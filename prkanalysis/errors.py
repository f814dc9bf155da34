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
    """Telemetry input is malformed (bad clock, unknown channel, unparseable line).

    The message names the file, line/row and column in words; the same places are kept
    as attributes when the raiser gives them (``None`` otherwise).

    Args:
        message: What is wrong, where.
        file: The file name, if the error is about one.
        row: 1-based line (text files) or row number.
        column: The column (``"hours"``, ``"value"`` ...).
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        super().__init__(message)


class ArgumentError(InsufficientDataError):
    """An argument outside its accepted range: names the argument, its value and the range.

    A subclass of :class:`InsufficientDataError` (and so of ``ValueError``), which earlier
    versions raised for the same cases.

    Args:
        name: The argument's name.
        value: The value given.
        accepted: The accepted range or kinds, in words (``"an integer in [2, 98]"``).
        hint: An optional sentence on how to fix the call.
        type_name: The type shown (default: ``type(value).__name__``); when given,
            ``value`` is a preview printed as is (not ``repr``).
    """

    def __init__(self, name: str, value: object, accepted: str, hint: str = "", *,
                 type_name: str | None = None) -> None:
        self.name = name
        self.value = value
        self.accepted = accepted
        shown = str(value) if type_name is not None else repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        kind = type_name or type(value).__name__
        text = f"argument {name!r} = {shown} ({kind}): accepted {accepted}"
        if hint:
            text += f"; {hint}"
        super().__init__(text)


class UnknownNameError(PrkError, KeyError):
    """A name that does not exist (a table, a source id, a fitted parameter).

    A subclass of ``KeyError`` too, which earlier versions raised; its text is the plain
    message (not the quoted repr ``KeyError`` prints).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
