"""Load the evidence base and validate it with frictionless, plus the project's domain rules.

:func:`load_record` reads every resource listed in ``data/datapackage.json`` and checks, in
this order, stopping at the first problem with a :class:`~prkanalysis.errors.DataValidationError`
(or its subclass :class:`~prkanalysis.errors.ChecksumMismatchError`) that names the file, the
row and the column:

1. the descriptor's structure (readable JSON, a ``resources`` list, each resource with a
   string ``name``, a *safe* relative ``path`` -- no absolute path, ``..``, ``~``, variable
   or URL, as the Frictionless spec requires -- and an inline schema with ``fields``; every
   ``pattern`` compiles), the core tables present;
2. the sha256 of each file against the resource's ``hash`` (``"sha256:<hex>"``; a bare
   64-character hex string is read as sha256);
3. the raw bytes: not empty (no header: row 0), UTF-8, no NUL byte (a CSV reader would
   silently cut the cell there);
4. **frictionless** (``Package.validate``): every schema against the Table Schema spec (a
   malformed schema is one error naming ``datapackage.json`` and the resource), the header
   (missing, undeclared, duplicate columns: row 0), field types (real calendar dates and
   datetimes), constraints (``required``, ``enum``, ``pattern``, ``minimum``/``maximum``,
   ``minLength``/``maxLength``, ``unique``), primary keys and declared foreign keys.
   Blank lines carry no data and are skipped, as pandas skips them;
5. typing with pandas, column by column (vectorised): ``number`` -> float64 (finite only:
   frictionless reads ``NaN`` and ``inf`` as numbers, the project does not), ``integer`` ->
   ``Int64``, ``boolean`` -> ``boolean``, ``date`` and ``datetime`` (offsets converted to
   UTC, stored tz-naive) -> ``datetime64[ns]``, ``year`` -> ``Int64``, anything else ->
   ``string``;
6. foreign keys on ``";"``-separated id lists (columns whose name ends in ``_ids`` or whose
   field declares ``"separator"``): every listed id must exist (frictionless compares whole
   cells, so these are the project's check), and every table with a ``source_ids`` column
   cites ``sources.source_id`` even without a declaration;
7. domain rules the descriptor cannot express (:data:`DOMAIN_RULES`): a leak-rate unit must be a
   mass rate known to :mod:`prkanalysis.units`, rates and pressures are not negative, a range's
   upper end is not below its lower end, period ends do not precede starts, elapsed-time bounds
   bracket the elapsed time, and text dates of mixed precision (``YYYY``, ``YYYY-MM``,
   ``YYYY-MM-DD`` or an ISO datetime) name a real calendar date or time.

Any well-formed resource is accepted generically: a new table only needs its entry (schema,
primary key, hash) in ``datapackage.json``; it is reachable as ``record.table(name)``.

**Row numbers** in every error are 1-based data rows: the header is row 0, the first data row
is row 1 (a spreadsheet shows it as line 2). File-level errors (checksum, descriptor) carry
``row=None``.

Nothing under ``data/`` is ever written. **Caching** (explicit and content-addressed), in two
layers keyed on the sha256 of ``datapackage.json`` and of every file it lists (recomputed on
every call, so a change of any byte is a miss):

* in memory, a validated record (plus the folder and ``verify_hashes``); a hit returns fresh
  copies of the tables, so callers may modify what they get; :func:`clear_cache` empties it;
* on disk, an empty *stamp* file under ``config.CACHE_DIR/record-validated/`` named by the
  digests, :data:`VALIDATOR_VERSION` and the frictionless version, written only after every
  check passed. With a stamp, step 4 (frictionless, ~0.4 s) is skipped; every other step
  still runs. A missing or unwritable cache folder only costs a re-validation.

``load_record(..., cache=False)`` bypasses both.

Example:
    >>> from prkanalysis.record import load_record
    >>> rec = load_record()  # doctest: +SKIP
    >>> rec.table_names()[:2]  # doctest: +SKIP
    ['sources', 'leak_rates']
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prkanalysis import config
from prkanalysis.errors import (
    ArgumentError,
    ChecksumMismatchError,
    DataValidationError,
    UnitError,
    UnknownNameError,
)
from prkanalysis.provenance import is_safe_path
from prkanalysis.provenance import sha256_file as file_sha256
from prkanalysis.provenance import update_hashes as _provenance_update
from prkanalysis.units import factor

__all__ = [
    "CORE_TABLES",
    "DOMAIN_RULES",
    "OPTIONAL_TABLES",
    "Record",
    "clear_cache",
    "file_sha256",
    "load_record",
    "load_table",
    "read_descriptor",
    "split_ids",
    "update_hashes",
]

#: Tables every evidence base must have.
CORE_TABLES: tuple[str, ...] = (
    "sources",
    "leak_rates",
    "pressure_readings",
    "events",
    "constants",
)
#: Tables that become empty frames when the descriptor does not list them.
OPTIONAL_TABLES: tuple[str, ...] = ("other_figures", "gas_deliveries")

#: Separator of id lists such as ``source_ids`` ("S01;S07").
ID_SEPARATOR = ";"

_TRUE = ("true", "True", "TRUE", "1")
_FALSE = ("false", "False", "FALSE", "0")


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------


def split_ids(text: object, sep: str = ID_SEPARATOR) -> list[str]:
    """Split a ``";"``-separated id list into stripped, non-empty ids.

    Args:
        text: The cell (missing values give an empty list).
        sep: The separator.

    Returns:
        The ids in their written order.

    Example:
        >>> split_ids("S01; S07;")
        ['S01', 'S07']
        >>> split_ids(None)
        []
    """
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return []
    return [p.strip() for p in str(text).split(sep) if p.strip()]


def _expected_hash(resource: Mapping[str, Any]) -> str | None:
    raw = resource.get("hash")
    if raw is None:
        raw = resource.get("sha256")
    if raw is None:
        return None
    text = str(raw).strip()
    if ":" in text:
        algo, _, hexdigest = text.partition(":")
        if algo.lower() != "sha256":
            return None
        return hexdigest.lower()
    return text.lower() if len(text) == 64 else None


def _check_descriptor(desc: Any, name: str = "datapackage.json") -> dict[str, Any]:
    """Structural checks the loader needs before frictionless sees the descriptor.

    A ``resources`` list of objects, each with a string ``name``, a safe relative string
    ``path`` (no absolute path, no ``..`` segment, no ``~``, no variable, no URL: the
    Frictionless spec forbids them) and an inline ``schema`` with a ``fields`` list.
    """
    resources = desc.get("resources") if isinstance(desc, dict) else None
    if not isinstance(resources, list) or not resources:
        raise DataValidationError("descriptor has no 'resources' list", file=name)
    for i, res in enumerate(resources):
        if not isinstance(res, dict) or not res.get("name") or not res.get("path"):
            raise DataValidationError(f"resource #{i} lacks a 'name' or a 'path'", file=name)
        if not isinstance(res["name"], str) or not isinstance(res["path"], str):
            raise DataValidationError(
                f"resource #{i}: 'name' and 'path' must be strings (got name={res['name']!r}, "
                f"path={res['path']!r})", file=name)
        if not _safe_path(res["path"]):
            raise DataValidationError(
                f"resource {res['name']!r}: path {res['path']!r} is not safe (it must be "
                "relative to the descriptor's folder, without '..', '~', variables or a "
                "URL scheme)", file=name)
        schema = res.get("schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            raise DataValidationError(
                f"resource {res['name']!r} has no inline schema with 'fields'", file=name
            )
    return desc


def read_descriptor_dict(desc: Any) -> dict[str, Any]:
    """Check a descriptor already parsed from JSON (see :func:`read_descriptor`)."""
    return _check_descriptor(desc)


def _safe_path(path: str) -> bool:
    """The Frictionless safe-path rule (:func:`prkanalysis.provenance.is_safe_path`)."""
    return is_safe_path(path)


def _as_folder(data_dir: object) -> Path:
    if isinstance(data_dir, (str, Path)) or (hasattr(data_dir, "__fspath__")
                                             and not isinstance(data_dir, bytes)):
        return Path(data_dir)
    raise ArgumentError("data_dir", data_dir, "a folder path (str or pathlib.Path)")


def read_descriptor(data_dir: str | Path = config.DATA_DIR) -> dict[str, Any]:
    """Read and minimally check ``datapackage.json`` in ``data_dir``.

    Args:
        data_dir: Folder holding ``datapackage.json`` and the CSV files.

    Returns:
        The descriptor as a dict.

    Raises:
        DataValidationError: If the folder or the file is missing, the file is not JSON, or
            it has no ``resources`` list of resources with a string ``name``, a safe
            relative ``path`` and an inline ``schema`` with ``fields``.
    """
    folder = _as_folder(data_dir)
    path = folder / "datapackage.json"
    name = "datapackage.json"
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise DataValidationError(f"data folder {what}", file=str(folder))
    if not path.is_file():
        raise DataValidationError(f"descriptor not found in {folder}", file=name)
    try:
        desc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataValidationError(f"descriptor is not valid JSON: {exc}", file=name) from None
    return _check_descriptor(desc, name)


# --------------------------------------------------------------------------------------
# frictionless: the schema, the types, the keys, the paths
# --------------------------------------------------------------------------------------

#: Bump when the checks change: part of the key of the on-disk validation stamps.
VALIDATOR_VERSION = "2"

#: Folder of the validation stamps (see the module description).
STAMP_DIR_NAME = "record-validated"


def _import_frictionless() -> Any:
    """Import frictionless, without jsonschema's optional IRI grammars.

    jsonschema imports ``rfc3987_syntax`` when it is installed, which compiles 39 Lark
    grammars (about 1 s) for the ``iri`` string formats; frictionless never checks those
    formats. If jsonschema is not imported yet, that one optional import is made to fail
    while jsonschema loads, and the name is released again afterwards, so any later
    ``import rfc3987_syntax`` works as usual.
    """
    import sys

    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
        try:
            import jsonschema  # noqa: F401
        finally:
            if sys.modules.get("rfc3987_syntax", 0) is None:
                del sys.modules["rfc3987_syntax"]
    import frictionless

    return frictionless


def _is_list_field(spec: Mapping[str, Any] | None, column: str) -> bool:
    return _list_separator(spec, column) is not None


def _friction_descriptor(desc: Mapping[str, Any]) -> dict[str, Any]:
    """The descriptor as frictionless should see it.

    Per resource: ``hash``/``bytes``/``sha256`` dropped (checked by the project before, and
    skippable with ``verify_hashes=False``); a package-level ``missingValues`` copied into
    each schema lacking one; ``profile`` defaulted to ``tabular-data-resource``; foreign
    keys on ``";"``-separated id lists dropped (frictionless compares whole cells; the
    project checks every listed id itself).
    """
    out = json.loads(json.dumps(desc))
    pkg_missing = out.pop("missingValues", None)
    for res in out["resources"]:
        for key in ("hash", "bytes", "sha256"):
            res.pop(key, None)
        # every resource has an inline table schema (read_descriptor demands it), so it is
        # a tabular resource whether or not its author wrote the profile
        res.setdefault("profile", "tabular-data-resource")
        schema = res["schema"]
        if pkg_missing is not None and "missingValues" not in schema:
            schema["missingValues"] = pkg_missing
        specs = {str(f.get("name")): f for f in schema.get("fields", []) if isinstance(f, dict)}
        fks = schema.get("foreignKeys")
        if isinstance(fks, list):
            schema["foreignKeys"] = [fk for fk in fks if not _fk_on_list(fk, specs)]
            if not schema["foreignKeys"]:
                del schema["foreignKeys"]
    return out


def _fk_on_list(fk: Any, specs: Mapping[str, Any]) -> bool:
    if not isinstance(fk, dict):
        return False
    cols = fk.get("fields")
    cols = [cols] if isinstance(cols, str) else cols if isinstance(cols, list) else []
    return any(_is_list_field(specs.get(str(c)), str(c)) for c in cols)


def _check_schema_text(desc: Mapping[str, Any]) -> None:
    """Checks frictionless leaves to Python and that would escape as ``re.error``/``TypeError``."""
    for res in desc["resources"]:
        for f in res["schema"]["fields"]:
            if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"]:
                raise DataValidationError(
                    f"resource {res['name']!r}: every field needs a non-empty string 'name' "
                    f"(got {f!r})", file="datapackage.json")
            cons = f.get("constraints", {})
            if not isinstance(cons, dict):
                raise DataValidationError(
                    f"resource {res['name']!r}, field {f['name']!r}: 'constraints' must be an "
                    f"object (got {cons!r})", file="datapackage.json")
            pattern = cons.get("pattern")
            if pattern is not None:
                try:
                    re.compile(str(pattern))
                except re.error as exc:
                    raise DataValidationError(
                        f"resource {res['name']!r}, field {f['name']!r}: constraint 'pattern' "
                        f"{pattern!r} is not a valid regular expression ({exc})",
                        file="datapackage.json") from None


def _position(note: str) -> int | None:
    m = re.search(r"position (\d+)", note)
    return int(m.group(1)) - 1 if m else None


def _from_frictionless(
    err: Any, fname: str, schema: Mapping[str, Any], resource: str = ""
) -> DataValidationError:
    """Turn one frictionless error into a project error (rows: header 0, first data row 1)."""
    etype = str(getattr(err, "type", "error"))
    note = str(getattr(err, "note", "") or "")
    if etype in ("resource-error", "schema-error", "field-error", "package-error",
                 "dialect-error", "checklist-error", "pipeline-error"):
        return DataValidationError(f"resource {resource!r} is not valid ({etype}): {note}",
                                   file="datapackage.json")
    title = str(getattr(err, "title", etype) or etype).lower()
    row_number = getattr(err, "row_number", None)
    row = int(row_number) - 1 if row_number is not None else None
    column = getattr(err, "field_name", None) or None
    cell = getattr(err, "cell", None)
    value = cell if cell not in (None, "") else None
    if etype in ("missing-label", "extra-label", "blank-label", "duplicate-label",
                 "incorrect-label"):
        label = getattr(err, "label", None) or column
        words = {
            "missing-label": "required column missing from the header",
            "extra-label": "column not declared in the schema",
            "blank-label": "blank column name in the header",
            "duplicate-label": "column appears twice in the header",
            "incorrect-label": "header does not match the schema's field order",
        }[etype]
        return DataValidationError(words, file=fname, row=0, column=label or None)
    if etype == "primary-key":
        pk = _primary_key(schema)
        first = _position(note)
        msg = (f"duplicate primary key {'+'.join(pk)}: rows {first} and {row}" if first
               else f"primary key {'+'.join(pk)}: {note}")
        return DataValidationError(msg, file=fname, row=row, column=pk[0] if pk else None)
    if etype == "unique-error":
        first = _position(note)
        return DataValidationError(f"duplicate value in a unique column: rows {first} and {row}",
                                   file=fname, row=row, column=column, value=value)
    if etype == "foreign-key":
        m = re.search(r'for "([^"]+)"', note)
        col = m.group(1).split(",")[0].strip() if m else column
        return DataValidationError(f"foreign key: {note}", file=fname, row=row, column=col)
    if etype == "constraint-error":
        if "required" in note:
            return DataValidationError("required value is missing (empty or NaN)", file=fname,
                                       row=row, column=column)
        return DataValidationError(f"value breaks the {note}", file=fname, row=row,
                                   column=column, value=value)
    if etype == "type-error":
        m = re.search(r'type is "([^"/]+)', note)
        ftype = m.group(1) if m else "value of the declared type"
        art = "an" if ftype[:1] in "aeiou" else "a"
        return DataValidationError(f"expected {art} {ftype}", file=fname, row=row,
                                   column=column, value=value)
    if etype in ("extra-cell", "missing-cell"):
        what = "more" if etype == "extra-cell" else "fewer"
        what += " cells than the header"
        return DataValidationError(f"malformed CSV: row has {what}", file=fname, row=row,
                                   column=column)
    return DataValidationError(f"{title}: {note}".rstrip(": "), file=fname, row=row,
                               column=column, value=value)


def _descriptor_error(exc: Exception) -> DataValidationError:
    """A descriptor rejected by frictionless, as one project error naming the descriptor."""
    reasons = getattr(exc, "reasons", None) or []
    err = getattr(exc, "error", None)
    notes = [str(getattr(r, "note", r)) for r in reasons] or [
        str(getattr(err, "note", None) or exc)]
    kind = str(getattr(err, "type", type(exc).__name__))
    return DataValidationError(f"descriptor is not a valid data package ({kind}): "
                               + "; ".join(notes[:3]), file="datapackage.json")


def _validate_frictionless(desc: Mapping[str, Any], data_dir: Path) -> None:
    """Validate the whole package with frictionless; raise the first error as a project error.

    Covers the descriptor (every schema against the Table Schema spec, safe relative paths),
    the header, field types (real calendar dates and times), constraints, primary keys,
    ``unique`` and the declared foreign keys.
    """
    fl = _import_frictionless()
    try:
        package = fl.Package(_friction_descriptor(desc), basepath=str(data_dir))
        report = package.validate()
    except DataValidationError:
        raise
    except Exception as exc:  # frictionless raises FrictionlessException, and a few others
        raise _descriptor_error(exc) from None
    if report.valid:
        return
    by_name = {str(r["name"]): r for r in desc["resources"]}
    for task in report.tasks:
        # a blank line carries no data (pandas skips it too): neither it nor what
        # frictionless derives from it (an all-empty primary key) is an error
        blank = {e.row_number for e in task.errors if e.type == "blank-row"}
        errors = [e for e in task.errors
                  if e.type != "blank-row" and getattr(e, "row_number", None) not in blank]
        if errors:
            res = by_name.get(str(task.name), {})
            fname = str(res.get("path", task.name))
            raise _from_frictionless(errors[0], fname, res.get("schema", {}), str(task.name))
    if not any(t.errors for t in report.tasks) and report.errors:
        raise _descriptor_error(Exception(str(report.errors[0].note)))


def _stamp_path(key: tuple[str, bool, tuple[tuple[str, str], ...]]) -> Path:
    import hashlib

    text = json.dumps([VALIDATOR_VERSION, _friction_version(), key[2]])
    return config.CACHE_DIR / STAMP_DIR_NAME / hashlib.sha256(text.encode()).hexdigest()


def _friction_version() -> str:
    from importlib.metadata import version

    try:
        return version("frictionless")
    except Exception:  # pragma: no cover - frictionless is a dependency
        return "unknown"


def _write_stamp(path: Path) -> None:
    import os
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".stamp-")
        os.close(fd)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache only costs the next load a re-validation


# --------------------------------------------------------------------------------------
# reading and typing one table
# --------------------------------------------------------------------------------------


def _fail(
    cls: type[DataValidationError],
    msg: str,
    file: str,
    mask: pd.Series | np.ndarray | None = None,
    column: str | None = None,
    values: pd.Series | None = None,
) -> None:
    """Raise ``cls`` naming the first row where ``mask`` is true (if any row is)."""
    if mask is None:
        raise cls(msg, file=file, column=column)
    arr = np.asarray(mask, dtype=bool)
    if not arr.any():
        return
    i = int(np.flatnonzero(arr)[0])
    value = None if values is None else values.iloc[i]
    if isinstance(value, np.generic):
        value = value.item()
    if value is not None and (value is pd.NA or (isinstance(value, float) and np.isnan(value))):
        value = None
    raise cls(msg, file=file, row=i + 1, column=column, value=value)


def _check_bytes(data: bytes, fname: str) -> str:
    """File-level checks on the raw bytes: not empty, UTF-8, no NUL byte. Returns the text."""
    if not data.strip():
        raise DataValidationError("file is empty: no header and no rows", file=fname, row=0)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n")
        raise DataValidationError(f"file is not UTF-8: {exc.reason} at byte {exc.start}",
                                  file=fname, row=line) from None
    nul = text.find("\x00")
    if nul >= 0:
        before = text[:nul]
        line = before.count("\n")
        header = text.split("\n", 1)[0].rstrip("\r").split(",")
        k = before[before.rfind("\n") + 1:].count(",")
        raise DataValidationError(
            "NUL byte inside the file (a CSV reader would cut the cell short there)",
            file=fname, row=line, column=header[k] if k < len(header) else None)
    return text


def _read_raw(text: str, fname: str, missing: list[str]) -> pd.DataFrame:
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_values=missing,
            skipinitialspace=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        m = re.search(r"line (\d+)", str(exc))
        row = int(m.group(1)) - 1 if m else None
        raise DataValidationError(f"malformed CSV: {exc}", file=fname, row=row) from None
    if raw.empty:
        raise DataValidationError("file has a header but no data rows", file=fname, row=1)
    return raw


def _cast(
    s: pd.Series, spec: Mapping[str, Any], fname: str, present: np.ndarray
) -> pd.Series:
    """Cast one raw text column per its field spec (vectorised; frictionless has checked it).

    The one check left here is the project's: numbers are finite (frictionless reads
    ``NaN`` and ``inf`` as numbers).
    """
    name = str(spec["name"])
    ftype = spec.get("type", "string")
    if ftype == "string" or ftype not in _TYPED:
        return s.astype("string")
    txt = s.str.strip()
    if ftype in ("number", "integer", "year"):
        vals = pd.to_numeric(txt, errors="coerce").to_numpy(dtype=float)
        finite = np.isfinite(vals)
        _fail(DataValidationError, f"expected {'an' if ftype == 'integer' else 'a'} finite "
              f"{ftype}", fname, present & ~finite, name, s)
        out = pd.Series(vals, index=s.index, dtype=float)
        if ftype in ("integer", "year"):
            frac = present & (np.where(finite, vals, 0.0) % 1 != 0)
            _fail(DataValidationError, f"expected an {ftype}", fname, frac, name, s)
            return out.astype("Int64")
        return out
    if ftype == "boolean":
        trues = tuple(spec.get("trueValues", _TRUE))
        falses = tuple(spec.get("falseValues", _FALSE))
        is_t = txt.isin(trues).to_numpy(dtype=bool)
        is_f = txt.isin(falses).to_numpy(dtype=bool)
        _fail(DataValidationError, f"expected a boolean ({'/'.join(trues + falses)})",
              fname, present & ~is_t & ~is_f, name, s)
        return pd.Series(pd.array(np.where(is_t, True, False), dtype="boolean"),
                         index=s.index).where(is_t | is_f, pd.NA)
    if ftype == "date":
        ok = txt.str.fullmatch(r"\d{4}-\d{2}-\d{2}").to_numpy(dtype=object) == True  # noqa: E712
        dates = pd.to_datetime(txt.where(ok), format="%Y-%m-%d", errors="coerce")
        _fail(DataValidationError, "expected a date (YYYY-MM-DD)", fname,
              present & dates.isna().to_numpy(), name, s)
        return dates.astype("datetime64[ns]")
    stamps = pd.to_datetime(txt, format="ISO8601", errors="coerce", utc=True)
    _fail(DataValidationError, "expected an ISO 8601 datetime", fname,
          present & stamps.isna().to_numpy(), name, s)
    return stamps.dt.tz_convert(None).astype("datetime64[ns]")


_TYPED = ("number", "integer", "year", "boolean", "date", "datetime")


def _fields(schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [dict(f) for f in schema["fields"]]


def _primary_key(schema: Mapping[str, Any]) -> list[str]:
    pk = schema.get("primaryKey") or []
    return [pk] if isinstance(pk, str) else [str(p) for p in pk]


def _typed_table(text: str, schema: Mapping[str, Any], fname: str) -> pd.DataFrame:
    """Read validated CSV text into one typed column per schema field, in schema order."""
    missing = [str(m) for m in schema.get("missingValues", [""])]
    raw = _read_raw(text, fname, missing)
    out: dict[str, pd.Series] = {}
    for spec in _fields(schema):
        n = str(spec["name"])
        if n not in raw.columns:
            raise DataValidationError("required column missing from the header", file=fname,
                                      row=0, column=n)
        s = raw[n]
        out[n] = _cast(s, spec, fname, s.notna().to_numpy(dtype=bool))
    return pd.DataFrame(out, index=pd.RangeIndex(len(raw)))


def load_table(
    path: str | Path,
    schema: Mapping[str, Any],
    *,
    file: str | None = None,
    missing_values: Iterable[str] = ("",),
) -> pd.DataFrame:
    r"""Read one CSV file and validate it against one Frictionless table schema.

    The file is checked for emptiness, UTF-8 and NUL bytes, then validated by frictionless
    (header, types, constraints, primary key, foreign keys to itself), then typed as in
    the module description. Cross-table foreign keys and domain rules need the whole
    package and are checked by :func:`load_record`.

    Args:
        path: The CSV file.
        schema: The resource's ``schema`` (``fields``, optional ``primaryKey``,
            ``missingValues``).
        file: Name used in error messages (default: the file name).
        missing_values: Texts read as missing when the schema gives no ``missingValues``.

    Returns:
        The table with one typed column per schema field, in schema order, and a
        ``RangeIndex`` (index ``i`` is data row ``i + 1``).

    Raises:
        DataValidationError: On the first problem, naming file, row and column.

    Example:
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "t.csv").write_text("id,x\na,1.5\nb,oops\n")
        >>> sch = {"fields": [{"name": "id"}, {"name": "x", "type": "number"}]}
        >>> try:
        ...     load_table(d / "t.csv", sch)
        ... except DataValidationError as err:
        ...     print(err)
        file t.csv, row 2, column 'x': expected a number (value: 'oops')
    """
    if not isinstance(path, (str, Path)):
        raise ArgumentError("path", path, "a file path (str or pathlib.Path)")
    if not isinstance(schema, Mapping):
        raise ArgumentError("schema", schema, "a Table Schema mapping with 'fields'")
    path = Path(path)
    fname = file or path.name
    if not path.is_file():
        raise DataValidationError("file does not exist", file=fname)
    text = _check_bytes(path.read_bytes(), fname)
    schema = dict(schema)
    schema.setdefault("missingValues", [str(m) for m in missing_values])
    desc = {"resources": [{"name": "table", "path": path.name, "schema": schema,
                           "format": "csv", "encoding": "utf-8"}]}
    desc = read_descriptor_dict(desc)
    _check_schema_text(desc)
    _validate_frictionless(desc, path.parent)
    return _typed_table(text, schema, fname)


# --------------------------------------------------------------------------------------
# cross-table checks
# --------------------------------------------------------------------------------------


def _list_separator(spec: Mapping[str, Any] | None, column: str) -> str | None:
    if spec is not None:
        sep = spec.get("separator") or spec.get("x-separator")
        if sep:
            return str(sep)
    return ID_SEPARATOR if column.endswith("_ids") else None


def _check_foreign_key(
    table: pd.DataFrame,
    fname: str,
    column: str,
    sep: str | None,
    target: pd.DataFrame,
    target_file: str,
    target_column: str,
) -> None:
    if column not in table.columns or target_column not in target.columns:
        return
    known = set(target[target_column].dropna().astype(str).str.strip())
    values = table[column]
    for i, cell in enumerate(values):
        if cell is pd.NA or cell is None:
            continue
        ids = split_ids(cell, sep) if sep else [str(cell).strip()]
        for one in ids:
            if one not in known:
                raise DataValidationError(
                    f"unknown id {one!r}: not a {target_column} of {target_file}",
                    file=fname,
                    row=i + 1,
                    column=column,
                    value=one,
                )


def _check_foreign_keys(
    tables: Mapping[str, pd.DataFrame],
    files: Mapping[str, str],
    schemas: Mapping[str, Mapping[str, Any]],
) -> None:
    for name, schema in schemas.items():
        table, fname = tables[name], files[name]
        specs = {str(f["name"]): f for f in schema["fields"]}
        declared: set[str] = set()
        for fk in schema.get("foreignKeys", []) or []:
            cols = fk.get("fields")
            ref = fk.get("reference", {}) or {}
            rcols = ref.get("fields")
            cols = [cols] if isinstance(cols, str) else list(cols or [])
            rcols = [rcols] if isinstance(rcols, str) else list(rcols or [])
            target = ref.get("resource") or name
            if target not in tables:
                raise DataValidationError(
                    f"foreign key on {cols} refers to unknown resource {target!r}",
                    file="datapackage.json",
                )
            for col, rcol in zip(cols, rcols, strict=False):
                declared.add(col)
                sep = _list_separator(specs.get(col), col)
                if sep is None:
                    continue  # a plain foreign key: frictionless has checked it
                _check_foreign_key(table, fname, col, sep, tables[target], files[target], rcol)
        if "source_ids" in table.columns and "source_ids" not in declared and name != "sources":
            _check_foreign_key(table, fname, "source_ids", ID_SEPARATOR, tables["sources"],
                               files["sources"], "source_id")


def _rule_rate_unit(t: pd.DataFrame, fname: str) -> None:
    if "unit" not in t.columns:
        return
    for i, u in enumerate(t["unit"]):
        if u is pd.NA:
            continue
        try:
            dim, _ = factor(str(u))
        except UnitError:
            dim = "unknown"
        if dim != "mass_rate":
            raise DataValidationError(
                "unknown unit: expected a mass rate such as 'lb/day', 'kg/day' or 'g/day'",
                file=fname, row=i + 1, column="unit", value=u,
            )


def _rule_nonnegative(*cols: str) -> Callable[[pd.DataFrame, str], None]:
    def rule(t: pd.DataFrame, fname: str) -> None:
        for c in cols:
            if c in t.columns and pd.api.types.is_numeric_dtype(t[c]):
                bad = t[c].lt(0).fillna(False).astype(bool)
                _fail(DataValidationError, "negative value where a rate or pressure must be >= 0",
                      fname, bad, c, t[c])

    return rule


def _rule_ordered(low: str, high: str, what: str) -> Callable[[pd.DataFrame, str], None]:
    def rule(t: pd.DataFrame, fname: str) -> None:
        if low in t.columns and high in t.columns:
            bad = (t[high] < t[low]).fillna(False).astype(bool)
            _fail(DataValidationError, f"{what}: {high} is below {low}", fname, bad, high, t[high])

    return rule


def _rule_range_has_high(t: pd.DataFrame, fname: str) -> None:
    if {"qualifier", "value_high"} <= set(t.columns):
        bad = t["qualifier"].eq("range").fillna(False).astype(bool) & t["value_high"].isna()
        _fail(DataValidationError, "qualifier 'range' needs value_high", fname, bad,
              "value_high", t["qualifier"])


def _rule_real_times(*cols: str) -> Callable[[pd.DataFrame, str], None]:
    """Text dates of mixed precision (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ISO datetime).

    The Table Schema has no type for a date whose precision varies row by row, so such
    columns are strings with a pattern; this rule adds that each one names a real calendar
    date or time (no month 13, no 30 February, no 25:00).
    """

    def rule(t: pd.DataFrame, fname: str) -> None:
        for c in cols:
            if c not in t.columns:
                continue
            txt = t[c].astype("string").str.strip()
            present = txt.notna() & txt.ne("")
            stamps = pd.to_datetime(txt.where(present), format="ISO8601", errors="coerce",
                                    utc=True)
            bad = present.to_numpy(dtype=bool) & stamps.isna().to_numpy()
            _fail(DataValidationError, "not a real calendar date or time", fname, bad, c, t[c])

    return rule


#: Domain rules per table, applied after the schema checks: ``table -> [rule(df, file)]``.
DOMAIN_RULES: dict[str, list[Callable[[pd.DataFrame, str], None]]] = {
    "leak_rates": [
        _rule_rate_unit,
        _rule_nonnegative("value", "value_high"),
        _rule_ordered("value", "value_high", "range"),
        _rule_range_has_high,
        _rule_ordered("period_start", "period_end", "period"),
    ],
    "pressure_readings": [
        _rule_nonnegative("pressure_mmhg", "elapsed_h"),
        _rule_ordered("elapsed_low_h", "elapsed_h", "elapsed bounds"),
        _rule_ordered("elapsed_h", "elapsed_high_h", "elapsed bounds"),
        _rule_real_times("time"),
    ],
    "sources": [_rule_real_times("published")],
    "events": [_rule_ordered("date_start", "date_end", "event dates")],
    "constants": [
        _rule_ordered("value_low", "value_high", "constant bounds"),
        _rule_real_times("date"),
    ],
}


def _check_contest_groups(tables: Mapping[str, pd.DataFrame], files: Mapping[str, str],
                          schemas: Mapping[str, Mapping[str, Any]]) -> None:
    """Contested values (``contest_groups``): each group has at least two member rows.

    Members are the rows of any table whose ``contest_group`` names the group (the foreign key
    itself is declared in the descriptor); ``preferred_ids`` must name members only, at most
    one per table. Skipped when the package has no ``contest_groups`` resource.
    """
    groups = tables.get("contest_groups")
    if groups is None or groups.empty:
        return
    members: dict[str, list[tuple[str, str]]] = {str(g): [] for g in groups["group_id"]}
    for name, table in tables.items():
        if "contest_group" not in table.columns:
            continue
        key = _primary_key(schemas[name])[0]
        for gid, rid in zip(table["contest_group"], table[key], strict=True):
            if not pd.isna(gid):
                members.setdefault(str(gid), []).append((name, str(rid)))
    fname = files["contest_groups"]
    prefs = groups["preferred_ids"] if "preferred_ids" in groups.columns else None
    for i, gid in enumerate(groups["group_id"].astype(str)):
        rows = members[gid]
        if len(rows) < 2:
            raise DataValidationError(
                f"contest group has {len(rows)} member row(s); a contest needs at least two",
                file=fname, row=i + 1, column="group_id", value=gid)
        cell = prefs.iloc[i] if prefs is not None else None
        pref = split_ids(cell) if cell is not None and not pd.isna(cell) else []
        ids = {rid: name for name, rid in rows}
        for one in pref:
            if one not in ids:
                raise DataValidationError(
                    f"preferred id {one!r} is not a member of {gid} (members: "
                    f"{sorted(ids)})", file=fname, row=i + 1, column="preferred_ids", value=one)
        if len({ids[p] for p in pref}) < len(pref):
            raise DataValidationError("at most one preferred row per table", file=fname,
                                      row=i + 1, column="preferred_ids", value=cell)


# --------------------------------------------------------------------------------------
# the record
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Record:
    """The validated evidence base: one typed DataFrame per table.

    Attributes:
        sources: ``sources.csv`` (``source_id``, ``title``, ``publisher``, ``url``,
            ``published``, ``grade`` P/T/A ...).
        leak_rates: ``leak_rates.csv``, values as reported (see :mod:`prkanalysis.clean`
            for the normalised kg/day with bounds).
        pressure_readings: ``pressure_readings.csv`` (PrK pressure in mmHg per episode).
        events: ``events.csv``.
        constants: ``constants.csv``.
        other_figures: ``other_figures.csv`` (empty frame if the package has none).
        gas_deliveries: ``gas_deliveries.csv`` (empty frame if the package has none).
        extra: Any further resource of the descriptor, by name (also reachable as an
            attribute).
        descriptor: The parsed ``datapackage.json``.
        checksums: ``resource name -> sha256`` of each file as read.
        data_dir: The folder the record was read from.
    """

    sources: pd.DataFrame
    leak_rates: pd.DataFrame
    pressure_readings: pd.DataFrame
    events: pd.DataFrame
    constants: pd.DataFrame
    other_figures: pd.DataFrame = field(default_factory=pd.DataFrame)
    gas_deliveries: pd.DataFrame = field(default_factory=pd.DataFrame)
    extra: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    descriptor: Mapping[str, Any] = field(default_factory=dict)
    checksums: Mapping[str, str] = field(default_factory=dict)
    data_dir: Path = field(default_factory=lambda: config.DATA_DIR)

    def __getattr__(self, name: str) -> pd.DataFrame:
        extra = self.__dict__.get("extra", {})
        if name in extra:
            return extra[name]
        raise AttributeError(f"Record has no table {name!r}; tables: {self.table_names()}")

    def table_names(self) -> list[str]:
        """Return the names of the tables, in descriptor order (absent optional ones last)."""
        names = [str(r["name"]) for r in self.descriptor.get("resources", [])]
        for n in (*CORE_TABLES, *OPTIONAL_TABLES):
            if n not in names:
                names.append(n)
        return names

    def table(self, name: str) -> pd.DataFrame:
        """Return a table by name.

        Raises:
            UnknownNameError: If there is no such table (a ``KeyError`` too).
        """
        if name in (*CORE_TABLES, *OPTIONAL_TABLES):
            table: pd.DataFrame = getattr(self, name)
            return table
        if name in self.extra:
            return self.extra[name]
        raise UnknownNameError(f"no table {name!r}; tables: {self.table_names()}")

    def sources_for(self, ids: str | Iterable[str]) -> pd.DataFrame:
        """Return the ``sources`` rows for some source ids, in the order given.

        Args:
            ids: A ``";"``-separated string (as in a ``source_ids`` cell) or an iterable of
                ids; repeats are dropped.

        Returns:
            The matching rows of :attr:`sources`.

        Raises:
            UnknownNameError: If an id is not in ``sources`` (a ``KeyError`` too).

        Example:
            >>> rec = load_record()  # doctest: +SKIP
            >>> rec.sources_for(rec.leak_rates.source_ids.iloc[0])  # doctest: +SKIP
        """
        wanted = split_ids(ids) if isinstance(ids, str) else [str(i).strip() for i in ids]
        wanted = list(dict.fromkeys(wanted))
        idx = pd.Index(self.sources["source_id"].astype(str))
        missing = [i for i in wanted if i not in idx]
        if missing:
            raise UnknownNameError(f"unknown source ids {missing}")
        pos = [int(np.flatnonzero(idx == i)[0]) for i in wanted]
        return self.sources.iloc[pos]

    def rows_citing(self, source_id: str) -> dict[str, pd.DataFrame]:
        """Return, per table with a ``source_ids`` column, the rows citing ``source_id``."""
        out: dict[str, pd.DataFrame] = {}
        for name in self.table_names():
            t = self.table(name)
            if "source_ids" in t.columns:
                hit = t["source_ids"].map(lambda c: source_id in split_ids(c)).astype(bool)
                if hit.any():
                    out[name] = t[hit]
        return out

    def summary(self) -> str:
        """One line per table: name, rows, columns, sha256 prefix."""
        lines = [f"evidence base at {self.data_dir.name}/ ({len(self.table_names())} tables)"]
        for n in self.table_names():
            t = self.table(n)
            h = self.checksums.get(n, "")[:12]
            lines.append(f"  {n:18s} {len(t):4d} rows {t.shape[1]:3d} cols  sha256 {h}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}={len(self.table(n))}" for n in self.table_names())
        return f"Record({parts})"


#: Content-addressed memo of validated records (see the module description).
_MEMO: dict[tuple[str, bool, tuple[tuple[str, str], ...]], Record] = {}
_MEMO_SIZE = 8


def clear_cache() -> None:
    """Forget every memoised record (the next :func:`load_record` re-validates)."""
    _MEMO.clear()


def _copy(rec: Record) -> Record:
    return Record(
        **{n: getattr(rec, n).copy() for n in (*CORE_TABLES, *OPTIONAL_TABLES)},
        extra={n: t.copy() for n, t in rec.extra.items()},
        descriptor=json.loads(json.dumps(rec.descriptor)),
        checksums=dict(rec.checksums),
        data_dir=rec.data_dir,
    )


def _content_key(data_dir: Path, verify: bool) -> tuple[str, bool, tuple[tuple[str, str], ...]]:
    """Key: folder, flag, sha256 of the descriptor and of every file it lists (or a miss)."""
    desc_path = data_dir / "datapackage.json"
    parts = [("datapackage.json", file_sha256(desc_path) if desc_path.is_file() else "")]
    try:
        desc = json.loads(desc_path.read_text(encoding="utf-8"))
        for res in desc.get("resources", []):
            if not isinstance(res.get("path"), str) or not _safe_path(res["path"]):
                parts.append(("", "unsafe"))
                continue
            p = data_dir / str(res.get("path"))
            parts.append((str(res.get("path")), file_sha256(p) if p.is_file() else ""))
    except (OSError, ValueError, AttributeError, TypeError):
        parts.append(("", "unreadable"))
    return str(data_dir.resolve()), verify, tuple(parts)


def load_record(
    data_dir: str | Path = config.DATA_DIR, *, verify_hashes: bool = True, cache: bool = True
) -> Record:
    """Load and validate every table of the evidence base.

    A pure function of the file contents: nothing is written; a repeated load of unchanged
    files is served from a content-addressed memo (see the module description).

    Args:
        data_dir: Folder with ``datapackage.json`` and the CSV files (default
            :data:`prkanalysis.config.DATA_DIR`).
        verify_hashes: Check each file's sha256 against the descriptor (default True; turn
            off only while editing the data, then run :func:`update_hashes`).
        cache: Use the content-addressed memo (default True).

    Returns:
        A :class:`Record`.

    Raises:
        ChecksumMismatchError: A file's sha256 differs from the descriptor (names the file).
        DataValidationError: Any schema, key or domain-rule violation (names file, row,
            column); see the module description for the checks and the row numbering.

    Example:
        >>> rec = load_record()  # doctest: +SKIP
        >>> rec.leak_rates["value"].dtype  # doctest: +SKIP
        dtype('float64')
    """
    data_dir = _as_folder(data_dir)
    for flag, value in (("verify_hashes", verify_hashes), ("cache", cache)):
        if not isinstance(value, (bool, np.bool_)):
            raise ArgumentError(flag, value, "True or False")
    key = _content_key(data_dir, verify_hashes) if cache else None
    if key is not None and key in _MEMO:
        return _copy(_MEMO[key])
    rec = _load_record(data_dir, verify_hashes, key)
    if key is not None:
        while len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = _copy(rec)
    return rec


def _load_record(
    data_dir: Path, verify_hashes: bool,
    key: tuple[str, bool, tuple[tuple[str, str], ...]] | None = None,
) -> Record:
    desc = read_descriptor(data_dir)
    _check_schema_text(desc)
    texts: dict[str, str] = {}
    files: dict[str, str] = {}
    checksums: dict[str, str] = {}
    for res in desc["resources"]:
        name, rel = str(res["name"]), str(res["path"])
        path = data_dir / rel
        if not path.is_file():
            raise DataValidationError("file listed in the descriptor does not exist", file=rel)
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        checksums[name] = digest
        if verify_hashes:
            expected = _expected_hash(res)
            if expected is None:
                raise ChecksumMismatchError(
                    "descriptor records no sha256 'hash' for this file", file=rel
                )
            if digest != expected:
                raise ChecksumMismatchError(
                    f"sha256 mismatch: file has {digest[:16]}..., descriptor says "
                    f"{expected[:16]}... (the file changed since the descriptor was written)",
                    file=rel,
                )
        texts[name] = _check_bytes(data, rel)
        files[name] = rel
    absent = [n for n in CORE_TABLES if n not in texts]
    if absent:
        raise DataValidationError(f"descriptor lacks the core tables {absent}",
                                  file="datapackage.json")
    stamp = _stamp_path(key) if key is not None else None
    if stamp is None or not stamp.is_file():
        _validate_frictionless(desc, data_dir)
    flat = _friction_descriptor(desc)
    schemas = {str(r["name"]): r["schema"] for r in flat["resources"]}
    for r in desc["resources"]:  # keep the list-valued foreign keys for the project's check
        schemas[str(r["name"])] = {**schemas[str(r["name"])],
                                   "foreignKeys": r["schema"].get("foreignKeys", [])}
    tables = {n: _typed_table(texts[n], schemas[n], files[n]) for n in texts}
    _check_foreign_keys(tables, files, schemas)
    _check_contest_groups(tables, files, schemas)
    for name, rules in DOMAIN_RULES.items():
        if name in tables:
            for rule in rules:
                rule(tables[name], files[name])
    if stamp is not None:
        _write_stamp(stamp)
    known = {*CORE_TABLES, *OPTIONAL_TABLES}
    return Record(
        **{n: tables[n] for n in CORE_TABLES},
        **{n: tables.get(n, pd.DataFrame()) for n in OPTIONAL_TABLES},
        extra={n: t for n, t in tables.items() if n not in known},
        descriptor=desc,
        checksums=checksums,
        data_dir=data_dir,
    )


def update_hashes(data_dir: str | Path) -> dict[str, str]:
    """Recompute ``hash`` and ``bytes`` of every resource in ``data_dir/datapackage.json``.

    The only function here that writes (it delegates to
    :func:`prkanalysis.provenance.update_hashes`). Use it after deliberately editing a CSV
    (and on copies in tests); :func:`load_record` never calls it.

    Args:
        data_dir: Folder with ``datapackage.json``.

    Returns:
        ``resource name -> sha256`` (bare hex) for every resource, after the update.
    """
    data_dir = _as_folder(data_dir)
    _provenance_update(data_dir / "datapackage.json")
    desc = read_descriptor(data_dir)
    return {str(r["name"]): str(r["hash"]).partition(":")[2] for r in desc["resources"]}
