"""Load the evidence base and validate it against its Frictionless descriptor on every load.

:func:`load_record` reads every resource listed in ``data/datapackage.json`` and checks, in
this order, stopping at the first problem with a :class:`~prkanalysis.errors.DataValidationError`
(or its subclass :class:`~prkanalysis.errors.ChecksumMismatchError`) that names the file, the
row and the column:

1. the descriptor itself (readable JSON, a ``resources`` list, the core tables present);
2. the sha256 of each file against the resource's ``hash`` (``"sha256:<hex>"``; a bare
   64-character hex string is read as sha256);
3. the file is not empty (no header: row 0; header but no data rows: row 1);
4. the header: every schema field present, no column the schema does not declare;
5. field types, cast column by column (vectorised): ``number`` -> float64, ``integer`` ->
   ``Int64``, ``boolean`` -> ``boolean`` (``trueValues``/``falseValues`` honoured),
   ``date`` (``YYYY-MM-DD``) and ``datetime`` (ISO 8601; offsets converted to UTC, stored
   tz-naive) -> ``datetime64[ns]``, ``year`` -> ``Int64``, anything else -> ``string``;
   missing values are the schema's ``missingValues`` (default: the empty string);
6. constraints: ``required`` (and every primary-key field), ``enum``, ``pattern`` (full match
   on the text as written), ``minimum``/``maximum``, ``minLength``/``maxLength``, ``unique``;
7. primary-key uniqueness (the error names the duplicate row and the row it repeats);
8. foreign keys declared in the schema, and, for every table with a ``source_ids`` column,
   an implicit foreign key to ``sources.source_id``. Columns whose name ends in ``_ids`` (or
   whose field declares ``"separator"``) hold ``";"``-separated lists: every entry is checked;
9. domain rules the descriptor cannot express (:data:`DOMAIN_RULES`): a leak-rate unit must be a
   mass rate known to :mod:`prkanalysis.units`, rates and pressures are not negative, a range's
   upper end is not below its lower end, period ends do not precede starts, elapsed-time bounds
   bracket the elapsed time.

**Row numbers** in every error are 1-based data rows: the header is row 0, the first data row
is row 1 (a spreadsheet shows it as line 2). File-level errors (checksum, descriptor) carry
``row=None``.

No file is ever written. **Caching** (explicit and content-addressed): a validated record is
memoised under the sha256 of ``datapackage.json`` and of every file it lists (plus the folder
and ``verify_hashes``), which are recomputed on every call; a change of any byte is a cache
miss and a full re-validation. A hit returns fresh copies of the tables, so callers may modify
what they get. :func:`clear_cache` empties the memo; ``load_record(..., cache=False)``
bypasses it.

Example:
    >>> from prkanalysis.record import load_record
    >>> rec = load_record()  # doctest: +SKIP
    >>> rec.table_names()[:2]  # doctest: +SKIP
    ['sources', 'leak_rates']
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prkanalysis import config
from prkanalysis.errors import ChecksumMismatchError, DataValidationError, UnitError
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


def read_descriptor(data_dir: str | Path = config.DATA_DIR) -> dict[str, Any]:
    """Read and minimally check ``datapackage.json`` in ``data_dir``.

    Args:
        data_dir: Folder holding ``datapackage.json`` and the CSV files.

    Returns:
        The descriptor as a dict.

    Raises:
        DataValidationError: If the file is missing, not JSON, or has no ``resources`` list
            of named resources with a ``path`` and a ``schema``.
    """
    path = Path(data_dir) / "datapackage.json"
    name = "datapackage.json"
    if not path.is_file():
        raise DataValidationError(f"descriptor not found in {Path(data_dir).name}/", file=name)
    try:
        desc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataValidationError(f"descriptor is not valid JSON: {exc}", file=name) from None
    resources = desc.get("resources") if isinstance(desc, dict) else None
    if not isinstance(resources, list) or not resources:
        raise DataValidationError("descriptor has no 'resources' list", file=name)
    for i, res in enumerate(resources):
        if not isinstance(res, dict) or not res.get("name") or not res.get("path"):
            raise DataValidationError(f"resource #{i} lacks a 'name' or a 'path'", file=name)
        schema = res.get("schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            raise DataValidationError(
                f"resource {res['name']!r} has no inline schema with 'fields'", file=name
            )
    return desc


# --------------------------------------------------------------------------------------
# table loading and validation
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


def _read_raw(path: Path, fname: str, missing: list[str]) -> pd.DataFrame:
    if path.stat().st_size == 0 or not path.read_bytes().strip():
        raise DataValidationError("file is empty: no header and no rows", file=fname, row=0)
    try:
        raw = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=missing,
            skipinitialspace=False,
            encoding="utf-8",
        )
    except UnicodeDecodeError as exc:
        raise DataValidationError(f"file is not UTF-8: {exc}", file=fname) from None
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
    """Cast one raw text column per its Frictionless field spec (vectorised)."""
    name = str(spec["name"])
    ftype = spec.get("type", "string")
    if ftype == "string" or ftype not in _TYPED:
        return s.astype("string")
    txt = s.str.strip()
    if ftype in ("number", "integer", "year"):
        vals = pd.to_numeric(txt, errors="coerce").to_numpy(dtype=float)
        finite = np.isfinite(vals)
        _fail(DataValidationError, f"expected {'an' if ftype == 'integer' else 'a'} {ftype}",
              fname, present & ~finite, name, s)
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


def _check_constraints(
    raw: pd.Series, cast: pd.Series, spec: Mapping[str, Any], fname: str, required: bool,
    present: np.ndarray,
) -> None:
    name = str(spec["name"])
    cons = spec.get("constraints", {}) or {}
    if required or cons.get("required"):
        _fail(DataValidationError, "required value is missing (empty or NaN)", fname,
              ~present, name, raw)
    if not cons:
        return
    ftype = spec.get("type", "string")
    if "enum" in cons:
        allowed = cons["enum"]
        if ftype in ("number", "integer", "year"):
            inside = cast.astype(float).isin([float(a) for a in allowed])
        else:
            inside = raw.str.strip().isin([str(a) for a in allowed])
        _fail(DataValidationError, f"value not among the allowed {allowed}", fname,
              present & ~inside.to_numpy(dtype=bool), name, raw)
    if "pattern" in cons:
        ok = raw.str.fullmatch(str(cons["pattern"])).to_numpy(dtype=object) == True  # noqa: E712
        _fail(DataValidationError, f"value does not match pattern {cons['pattern']!r}",
              fname, present & ~ok, name, raw)
    for key, op in (("minimum", "lt"), ("maximum", "gt")):
        if key not in cons:
            continue
        bound: Any = cons[key]
        if ftype in ("date", "datetime"):
            bound = pd.Timestamp(bound)
        else:
            bound = float(bound)
        cmp = cast.lt(bound) if op == "lt" else cast.gt(bound)
        bad = present & cmp.fillna(False).to_numpy(dtype=bool)
        word = "below the minimum" if op == "lt" else "above the maximum"
        _fail(DataValidationError, f"value {word} {cons[key]}", fname, bad, name, raw)
    for key, op in (("minLength", "lt"), ("maxLength", "gt")):
        if key in cons:
            n = raw.str.len()
            cmp = n.lt(int(cons[key])) if op == "lt" else n.gt(int(cons[key]))
            _fail(DataValidationError, f"length breaks {key}={cons[key]}", fname,
                  present & cmp.fillna(False).to_numpy(dtype=bool), name, raw)
    if cons.get("unique"):
        _check_unique(raw.where(present), [name], fname, name)


def _check_unique(key: pd.Series, fields: list[str], fname: str, column: str) -> None:
    dup = key.notna() & key.duplicated(keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        first = int(np.flatnonzero((key == key.iloc[i]).to_numpy())[0])
        label = "primary key" if len(fields) >= 1 else "key"
        raise DataValidationError(
            f"duplicate {label} {'+'.join(fields)} = {key.iloc[i]!r}: rows {first + 1} and "
            f"{i + 1}",
            file=fname,
            row=i + 1,
            column=column,
            value=key.iloc[i],
        )


def _fields(schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [dict(f) for f in schema["fields"]]


def _primary_key(schema: Mapping[str, Any]) -> list[str]:
    pk = schema.get("primaryKey") or []
    return [pk] if isinstance(pk, str) else list(pk)


def load_table(
    path: str | Path,
    schema: Mapping[str, Any],
    *,
    file: str | None = None,
    missing_values: Iterable[str] = ("",),
) -> pd.DataFrame:
    r"""Read one CSV file and validate it against one Frictionless table schema.

    Covers steps 3 to 7 of the module description (emptiness, header, types, constraints,
    primary key); foreign keys and domain rules need the whole package and are checked by
    :func:`load_record`.

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
    path = Path(path)
    fname = file or path.name
    missing = [str(m) for m in schema.get("missingValues", list(missing_values))]
    if not path.is_file():
        raise DataValidationError("file listed in the descriptor does not exist", file=fname)
    raw = _read_raw(path, fname, missing)
    fields = _fields(schema)
    names = [str(f["name"]) for f in fields]
    cols = [str(c) for c in raw.columns]
    for n in names:
        if n not in cols:
            raise DataValidationError("required column missing from the header", file=fname,
                                      row=0, column=n)
    for c in cols:
        if c not in names:
            raise DataValidationError("column not declared in the schema", file=fname, row=0,
                                      column=c)
    dupcols = [c for c in cols if cols.count(c) > 1]
    if dupcols:
        raise DataValidationError("column appears twice in the header", file=fname, row=0,
                                  column=dupcols[0])
    pk = _primary_key(schema)
    out: dict[str, pd.Series] = {}
    for spec in fields:
        n = str(spec["name"])
        s = raw[n]
        present = s.notna().to_numpy(dtype=bool)
        cast = _cast(s, spec, fname, present)
        _check_constraints(s, cast, spec, fname, n in pk, present)
        out[n] = cast
    table = pd.DataFrame(out, index=pd.RangeIndex(len(raw)))
    if pk:
        key = raw[pk[0]].str.strip() if len(pk) == 1 else raw[pk].agg("|".join, axis=1)
        _check_unique(key, pk, fname, pk[0])
    return table


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
                _check_foreign_key(table, fname, col, _list_separator(specs.get(col), col),
                                   tables[target], files[target], rcol)
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
    ],
    "events": [_rule_ordered("date_start", "date_end", "event dates")],
    "constants": [_rule_ordered("value_low", "value_high", "constant bounds")],
}


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
            KeyError: If there is no such table.
        """
        if name in (*CORE_TABLES, *OPTIONAL_TABLES):
            table: pd.DataFrame = getattr(self, name)
            return table
        if name in self.extra:
            return self.extra[name]
        raise KeyError(f"no table {name!r}; tables: {self.table_names()}")

    def sources_for(self, ids: str | Iterable[str]) -> pd.DataFrame:
        """Return the ``sources`` rows for some source ids, in the order given.

        Args:
            ids: A ``";"``-separated string (as in a ``source_ids`` cell) or an iterable of
                ids; repeats are dropped.

        Returns:
            The matching rows of :attr:`sources`.

        Raises:
            KeyError: If an id is not in ``sources``.

        Example:
            >>> rec = load_record()  # doctest: +SKIP
            >>> rec.sources_for(rec.leak_rates.source_ids.iloc[0])  # doctest: +SKIP
        """
        wanted = split_ids(ids) if isinstance(ids, str) else [str(i).strip() for i in ids]
        wanted = list(dict.fromkeys(wanted))
        idx = pd.Index(self.sources["source_id"].astype(str))
        missing = [i for i in wanted if i not in idx]
        if missing:
            raise KeyError(f"unknown source ids {missing}")
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
    data_dir = Path(data_dir)
    key = _content_key(data_dir, verify_hashes) if cache else None
    if key is not None and key in _MEMO:
        return _copy(_MEMO[key])
    rec = _load_record(data_dir, verify_hashes)
    if key is not None:
        while len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = _copy(rec)
    return rec


def _load_record(data_dir: Path, verify_hashes: bool) -> Record:
    desc = read_descriptor(data_dir)
    pkg_missing = desc.get("missingValues")
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    schemas: dict[str, Mapping[str, Any]] = {}
    checksums: dict[str, str] = {}
    for res in desc["resources"]:
        name, rel = str(res["name"]), str(res["path"])
        path = data_dir / rel
        fname = rel
        if not path.is_file():
            raise DataValidationError("file listed in the descriptor does not exist", file=fname)
        digest = file_sha256(path)
        checksums[name] = digest
        if verify_hashes:
            expected = _expected_hash(res)
            if expected is None:
                raise ChecksumMismatchError(
                    "descriptor records no sha256 'hash' for this file", file=fname
                )
            if digest != expected:
                raise ChecksumMismatchError(
                    f"sha256 mismatch: file has {digest[:16]}..., descriptor says "
                    f"{expected[:16]}... (the file changed since the descriptor was written)",
                    file=fname,
                )
        schema = dict(res["schema"])
        if pkg_missing is not None and "missingValues" not in schema:
            schema["missingValues"] = pkg_missing
        tables[name] = load_table(path, schema, file=fname)
        files[name] = fname
        schemas[name] = schema
    absent = [n for n in CORE_TABLES if n not in tables]
    if absent:
        raise DataValidationError(f"descriptor lacks the core tables {absent}",
                                  file="datapackage.json")
    _check_foreign_keys(tables, files, schemas)
    for name, rules in DOMAIN_RULES.items():
        if name in tables:
            for rule in rules:
                rule(tables[name], files[name])
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
    data_dir = Path(data_dir)
    _provenance_update(data_dir / "datapackage.json")
    desc = read_descriptor(data_dir)
    return {str(r["name"]): str(r["hash"]).partition(":")[2] for r in desc["resources"]}
