"""Telemetry readers and writers: ISS Live text, CSV layouts and partitioned Parquet.

All readers return the long format of :mod:`prkanalysis.telemetry.schema` (``time``,
``channel``, ``value``, ``unit``) and never modify the file they read. Readers keep every
sample as recorded (repeated values and exact duplicate rows included); removing them is
the job of :func:`prkanalysis.telemetry.clean`, which counts what it drops.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from prkanalysis.errors import TelemetryError
from prkanalysis.telemetry.schema import COLUMNS, UNITS, make_frame, validate_schema

DayConvention = Literal["gmt_doy", "elapsed"]

#: Value ranges used to infer the unit of a cabin total-pressure item (see :func:`infer_unit`).
UNIT_RANGES: dict[str, tuple[float, float]] = {"mmHg": (600.0, 800.0), "psi": (10.0, 16.0)}

_NS_PER_H = 3_600_000_000_000

#: Parquet layout written by :func:`write_parquet` (and the benchmark): lz4 pages,
#: delta-encoded int64 times, dictionary-encoded values and text columns, row groups of at
#: most :data:`PARQUET_ROW_GROUP_ROWS` rows. Measured on one year of SIMULATED 1 Hz pressure
#: (benchmarks/README.md): 0.77 bytes per sample instead of 7.3 with pyarrow's defaults, and
#: the read-plus-one-pass floor about 3x faster; zstd is smaller (0.55) but slower to read.
PARQUET_WRITE_OPTIONS: dict[str, object] = {
    "compression": "lz4",
    "use_dictionary": ["value", "unit", "label", "channel"],
    "column_encoding": {"time": "DELTA_BINARY_PACKED"},
}
PARQUET_ROW_GROUP_ROWS = 262_144


def infer_unit(values: np.ndarray, *, source: str = "telemetry") -> str:
    """Infer the pressure unit of a cabin total-pressure series from its values.

    ISS Live labels ``USLAB000058`` "PSI" although its values (about 742) are mmHg, so the
    unit is decided from the data: ``mmHg`` when the median lies in 600-800, ``psi`` when it
    lies in 10-16. Anything else is ambiguous and raises; pass ``unit=`` explicitly then.

    Args:
        values: Sample values (NaN ignored).
        source: Name used in the error message.

    Returns:
        ``"mmHg"`` or ``"psi"``.

    Raises:
        TelemetryError: if no finite value exists or the median fits neither range.

    Example:
        >>> infer_unit(np.array([742.0, 743.1])), infer_unit(np.array([14.7]))
        ('mmHg', 'psi')
    """
    try:
        v = np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise TelemetryError(f"{source}: values cannot be read as numbers ({exc})") from None
    v = v[np.isfinite(v)]
    if v.size == 0:
        raise TelemetryError(f"{source}: no finite value to infer the unit from")
    med = float(np.median(v))
    for unit, (lo, hi) in UNIT_RANGES.items():
        if lo <= med <= hi:
            return unit
    raise TelemetryError(
        f"{source}: cannot infer the unit from values (median {med:g}); "
        "expected 600-800 (mmHg) or 10-16 (psi); pass unit= explicitly"
    )


def isslive_hours_to_ns(hours: np.ndarray, year: int, day_convention: DayConvention) -> np.ndarray:
    """Convert ISS Live ``TimeStamp`` hours-of-year to int64 nanoseconds since the epoch (UTC).

    * ``"gmt_doy"``: the hours count ISS GMT day numbers, which start at 001 on 1 January, so
      ``t = 1 Jan 00:00 + (hours - 24) h`` (6845.0665 h -> GMT 285/05:04 = 12 Oct 2018 05:04).
    * ``"elapsed"``: elapsed hours since 1 January 00:00, ``t = 1 Jan 00:00 + hours``
      (6845.0665 h -> 13 Oct 2018 05:04).

    The conversion is exact to the nanosecond rounding of ``hours * 3.6e12``.

    Args:
        hours: Decimal hours.
        year: The UTC year (ISS Live stamps carry none).
        day_convention: ``"gmt_doy"`` or ``"elapsed"`` (no default: the choice is the caller's).

    Returns:
        int64 nanoseconds since 1970-01-01 UTC.

    Example:
        >>> ns = isslive_hours_to_ns(np.array([6845.06652833336]), 2018, "gmt_doy")
        >>> str(pd.Timestamp(ns[0], tz="UTC").floor("min"))
        '2018-10-12 05:03:00+00:00'
        >>> ns = isslive_hours_to_ns(np.array([6845.06652833336]), 2018, "elapsed")
        >>> str(pd.Timestamp(ns[0], tz="UTC").floor("min"))
        '2018-10-13 05:03:00+00:00'
    """
    if day_convention == "gmt_doy":
        offset_h = -24.0
    elif day_convention == "elapsed":
        offset_h = 0.0
    else:
        raise TelemetryError(
            f"day_convention must be 'gmt_doy' or 'elapsed', got {day_convention!r}"
        )
    jan1 = pd.Timestamp(year=int(year), month=1, day=1, tz="UTC").value
    h = np.asarray(hours, dtype=np.float64) + offset_h
    return jan1 + np.rint(h * _NS_PER_H).astype(np.int64)


def read_isslive(
    path: str | Path,
    year: int,
    day_convention: DayConvention,
    channel: str | None = None,
    *,
    unit: str | None = None,
) -> pd.DataFrame:
    """Read an ISS Live recording in the ISS-Mimic text format.

    Each line is ``<hours of year> <value> `` (space separated, usually a trailing space).
    The item's unit is inferred from the values (:func:`infer_unit`) unless ``unit`` is
    given, because the public catalogue's labels are unreliable. Every line becomes one
    row, in file order; repeated values and duplicate lines are kept (see
    :func:`prkanalysis.telemetry.clean`).

    Args:
        path: The text file.
        year: UTC year of the recording (not in the file).
        day_convention: How the hours count days, ``"gmt_doy"`` or ``"elapsed"``
            (:func:`isslive_hours_to_ns`). Required: the two differ by exactly one day.
        channel: Channel name; default the file name up to the first ``_`` or ``.``
            (``USLAB000058_2018-10-12.txt`` -> ``USLAB000058``).
        unit: Unit of the values, when it cannot be inferred.

    Returns:
        A long telemetry table (``df.attrs["source"]`` holds the file name).

    Raises:
        TelemetryError: empty file; a NUL byte; a malformed line (names file, 1-based line
            number and column ``hours`` or ``value``); an hour outside ``year`` (negative,
            or past the year's end under ``day_convention``); values that switch unit
            mid-file (:func:`check_one_unit`); unit not inferable; ``year``,
            ``day_convention`` or ``unit`` outside their accepted values. The error
            carries ``.file``, ``.row`` (the line) and ``.column``.

    Example:
        >>> from prkanalysis.config import FIXTURES_DIR
        >>> df = read_isslive(FIXTURES_DIR / "USLAB000058_2018-10-12.txt", 2018, "gmt_doy")
        >>> len(df), df["unit"].iloc[0], str(df["time"].iloc[0].floor("min"))
        (208, 'mmHg', '2018-10-12 05:03:00+00:00')
    """
    path = _as_path(path)
    name = path.name
    if not path.is_file():
        raise TelemetryError(f"file {name}: not found ({path})")
    year = _year(year)
    if day_convention not in ("gmt_doy", "elapsed"):
        raise TelemetryError(
            f"argument 'day_convention' = {day_convention!r}: accepted 'gmt_doy' or 'elapsed'")
    if unit is not None and unit not in UNITS:
        raise TelemetryError(f"argument 'unit' = {unit!r}: accepted one of {sorted(UNITS)}")
    hours, values, lines = _parse_two_columns(
        path.read_text(encoding="utf-8", errors="replace"), name)
    _check_hours(hours, lines, year, day_convention, name)
    check_one_unit(values, source=f"file {name}", lines=lines, file=name)
    ch = channel if channel is not None else path.name.split("_")[0].split(".")[0]
    u = unit if unit is not None else infer_unit(values, source=f"file {name}")
    df = make_frame(isslive_hours_to_ns(hours, year, day_convention), ch, values, u)
    df.attrs["source"] = name
    df.attrs["day_convention"] = day_convention
    return validate_schema(df, extra_channels=(ch,), allow_nan=True, source=f"file {name}")


def _as_path(path: object, name: str = "path") -> Path:
    """A file-system path argument, or a TelemetryError naming it."""
    if isinstance(path, (str, Path)) or hasattr(path, "__fspath__"):
        return Path(path)
    raise TelemetryError(f"argument {name!r} = {path!r} ({type(path).__name__}): accepted a "
                         "file path (str or pathlib.Path)")


def _year(year: object) -> int:
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or not (
            1970 <= int(year) <= 2100):
        raise TelemetryError(
            f"argument 'year' = {year!r} ({type(year).__name__}): accepted an integer year "
            "in [1970, 2100]")
    return int(year)


def _parse_two_columns(text: str, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse ``<number> <number>`` lines; raise naming the first bad line and column.

    Returns:
        ``(hours, values, line_numbers)`` (1-based file lines of the samples).
    """
    if "\x00" in text:
        nul_line = text[: text.index("\x00")].count("\n") + 1
        raise TelemetryError(f"file {name}, line {nul_line}: NUL byte (not a text recording)",
                             file=name, row=nul_line)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise TelemetryError(f"file {name}: empty file, no sample", file=name)
    hours = np.empty(len(lines))
    values = np.empty(len(lines))
    linenos = np.empty(len(lines), dtype=np.int64)
    n = 0
    for lineno, line in enumerate(lines, start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 2:
            col = "value" if len(fields) == 1 else "(extra field)"
            raise TelemetryError(
                f"file {name}, line {lineno}, column {col!r}: expected '<hours> <value>', "
                f"got {line[:80]!r}", file=name, row=lineno, column=col
            )
        for j, col in enumerate(("hours", "value")):
            try:
                x = float(fields[j])
            except ValueError:
                raise TelemetryError(
                    f"file {name}, line {lineno}, column {col!r}: not a number: "
                    f"{fields[j][:40]!r}", file=name, row=lineno, column=col
                ) from None
            if not np.isfinite(x) and col == "hours":
                raise TelemetryError(
                    f"file {name}, line {lineno}, column 'hours': not finite: {fields[j]!r}",
                    file=name, row=lineno, column="hours"
                )
            (hours if j == 0 else values)[n] = x
        linenos[n] = lineno
        n += 1
    return hours[:n], values[:n], linenos[:n]


def _check_hours(hours: np.ndarray, lines: np.ndarray, year: int,
                 day_convention: DayConvention, name: str) -> None:
    """Hours must fall inside the stated year (ISS Live stamps carry no year)."""
    days = 366 if pd.Timestamp(year=year, month=1, day=1).is_leap_year else 365
    lo, hi = (24.0, 24.0 * (days + 1)) if day_convention == "gmt_doy" else (0.0, 24.0 * days)
    bad = (hours < lo) | (hours >= hi)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TelemetryError(
            f"file {name}, line {int(lines[i])}, column 'hours': {hours[i]:g} h is outside "
            f"the year {year} (accepted [{lo:g}, {hi:g}) h for day_convention="
            f"{day_convention!r}); a negative or too large hour is not a time of that year",
            file=name, row=int(lines[i]), column="hours")


def unit_classes(values: np.ndarray) -> np.ndarray:
    """Per sample, the index in :data:`UNIT_RANGES` whose range holds it (-1: none).

    Example:
        >>> unit_classes(np.array([742.0, 14.6, 3.0])).tolist()
        [0, 1, -1]
    """
    v = np.asarray(values, dtype=np.float64)
    out = np.full(v.shape, -1, dtype=np.int64)
    for j, (lo, hi) in enumerate(UNIT_RANGES.values()):
        out[(v >= lo) & (v <= hi)] = j
    return out


#: Consecutive samples in another unit's range that make a unit switch (not a glitch).
SWITCH_RUN = 3


def check_one_unit(values: np.ndarray, *, source: str, lines: np.ndarray | None = None,
                   file: str | None = None) -> None:
    """Refuse a series whose values move from one unit's range to another's mid-file.

    A run of :data:`SWITCH_RUN` or more consecutive samples in the range of a unit other
    than the one the series starts in (:data:`UNIT_RANGES`: mmHg 600-800, psi 10-16) is a
    change of unit (a recorder relabelled, two files joined), which a single ``unit``
    label would hide. Single out-of-range samples are left to cleaning (glitches).

    Raises:
        TelemetryError: Naming the source, the line (or row) where the switch starts, and
            both units.

    Example:
        >>> check_one_unit(np.array([742.0, 741.9, 14.3, 742.1]), source="f")  # a glitch
    """
    cls = unit_classes(values)
    known = np.flatnonzero(cls >= 0)
    if known.size == 0:
        return
    first = int(cls[known[0]])
    other = (cls >= 0) & (cls != first)
    if not other.any():
        return
    # start of a run of >= SWITCH_RUN consecutive samples in another unit
    run = np.convolve(other.astype(np.int64), np.ones(SWITCH_RUN, dtype=np.int64), "valid")
    hits = np.flatnonzero(run >= SWITCH_RUN)
    if hits.size == 0:
        return
    i = int(hits[0])
    names = list(UNIT_RANGES)
    where = f"line {int(lines[i])}" if lines is not None else f"row {i}"
    raise TelemetryError(
        f"{source}, {where}, column 'value': the values switch from {names[first]} "
        f"(about {float(np.median(values[cls == first])):g}) to {names[int(cls[i])]} "
        f"({float(values[i]):g}) and stay there; one file must hold one unit: split it at "
        "the switch and read each part with its unit",
        file=file, row=int(lines[i]) if lines is not None else i, column="value")


Layout = Literal["long", "iss_dashboard", "wide", "parquet"]


def read_csv_telemetry(
    path: str | Path,
    layout: Layout = "long",
    *,
    channels: Mapping[str, str] | None = None,
    units: Mapping[str, str] | str | None = None,
    time_column: str | None = None,
) -> pd.DataFrame:
    r"""Read telemetry from a CSV (three layouts) or a Parquet dataset.

    Layouts:

    * ``"long"``: columns ``time`` (ISO 8601, read as UTC), ``channel``, ``value``,
      ``unit``, one row per sample.
    * ``"iss_dashboard"``: the iss-dashboard ISS-Telemetry-Data layout: a header row, first
      column UNIX seconds, then one column per item; each value column becomes a channel.
    * ``"wide"``: like ``iss_dashboard`` but the time column holds ISO 8601 text.
    * ``"parquet"``: a file or hive-partitioned folder written by :func:`write_parquet`
      (chosen automatically for a ``.parquet`` suffix or a folder).

    Args:
        path: The file.
        layout: One of the above.
        channels: For wide layouts, header name -> channel name (default: the header).
        units: For wide layouts, one unit for all columns or header -> unit; a column
            without one gets :func:`infer_unit`.
        time_column: For wide layouts, the time column (default: the first column).

    Returns:
        A long telemetry table, rows in file order within each channel.

    Raises:
        TelemetryError: empty file, missing columns, unparseable time or value (names file,
            1-based data row and column), unknown channel in the long layout.

    Example:
        >>> import io, tempfile, os
        >>> d = tempfile.mkdtemp(); p = os.path.join(d, "airlock.csv")
        >>> _ = open(p, "w").write("time,AIRLOCK000049\n1752937260,755.7\n1752937320,755.8\n")
        >>> df = read_csv_telemetry(p, "iss_dashboard")
        >>> df[["channel", "value", "unit"]].values.tolist()
        [['AIRLOCK000049', 755.7, 'mmHg'], ['AIRLOCK000049', 755.8, 'mmHg']]
    """
    path = _as_path(path)
    name = path.name
    if layout == "parquet" or path.is_dir() or path.suffix == ".parquet":
        return read_parquet(path)
    if not path.is_file():
        raise TelemetryError(f"file {name}: not found ({path})")
    if path.stat().st_size == 0:
        raise TelemetryError(f"file {name}: empty file, no sample")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise TelemetryError(f"file {name}: not a readable CSV ({exc})") from None
    if raw.empty:
        raise TelemetryError(f"file {name}: header only, no sample")
    if layout == "long":
        return _long_from_raw(raw, name)
    if layout in ("iss_dashboard", "wide"):
        return _wide_from_raw(raw, name, layout, channels, units, time_column)
    raise TelemetryError(f"layout must be long, iss_dashboard, wide or parquet, got {layout!r}")


def _numbers(col: pd.Series, name: str, column: str) -> np.ndarray:
    """Parse a text column as float64; an empty cell is NaN; text raises naming the row."""
    out = pd.to_numeric(col.replace("", "nan"), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(out) & ~col.str.strip().str.lower().isin(["", "nan"]).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TelemetryError(
            f"file {name}, row {i + 1}, column {column!r}: not a number: {col.iloc[i]!r}"
        )
    return out


def _times(col: pd.Series, name: str, column: str, unix: bool) -> np.ndarray:
    """Parse a time column (UNIX seconds or ISO 8601) to int64 ns; raise naming the row."""
    if unix:
        secs = _numbers(col, name, column)
        bad = ~np.isfinite(secs)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise TelemetryError(f"file {name}, row {i + 1}, column {column!r}: missing time")
        return np.rint(secs * 1e9).astype(np.int64)
    t = pd.to_datetime(col, utc=True, errors="coerce", format="ISO8601")
    bad = t.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TelemetryError(
            f"file {name}, row {i + 1}, column {column!r}: not an ISO 8601 time: "
            f"{col.iloc[i]!r}"
        )
    return t.dt.as_unit("ns").to_numpy(dtype="datetime64[ns]").view(np.int64)


def _long_from_raw(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """Long CSV -> long table."""
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise TelemetryError(f"file {name}: missing column(s) {missing}; have {list(raw.columns)}")
    t_ns = _times(raw["time"], name, "time", unix=False)
    df = pd.DataFrame(
        {
            "time": pd.DatetimeIndex(t_ns.view("datetime64[ns]")).tz_localize("UTC"),
            "channel": raw["channel"].str.strip().astype("category"),
            "value": _numbers(raw["value"], name, "value"),
            "unit": raw["unit"].str.strip().astype("category"),
        }
    )
    df.attrs["source"] = name
    return validate_schema(df, allow_nan=True, source=f"file {name}")


def _wide_from_raw(
    raw: pd.DataFrame,
    name: str,
    layout: str,
    channels: Mapping[str, str] | None,
    units: Mapping[str, str] | str | None,
    time_column: str | None,
) -> pd.DataFrame:
    """Wide CSV (one value column per channel) -> long table."""
    tcol = time_column if time_column is not None else str(raw.columns[0])
    if tcol not in raw.columns:
        raise TelemetryError(f"file {name}: no time column {tcol!r}")
    t_ns = _times(raw[tcol], name, tcol, unix=layout == "iss_dashboard")
    parts = []
    names: list[str] = []
    for col in raw.columns:
        if col == tcol:
            continue
        v = _numbers(raw[col], name, str(col))
        check_one_unit(v, source=f"file {name}, column {col!r}",
                       lines=np.arange(2, v.size + 2), file=name)  # line 1 is the header
        ch = (channels or {}).get(str(col), str(col).strip())
        if isinstance(units, str):
            u = units
        elif units is not None and str(col) in units:
            u = units[str(col)]
        else:
            u = infer_unit(v, source=f"file {name}, column {col!r}")
        parts.append(make_frame(t_ns, ch, v, u))
        names.append(ch)
    if not parts:
        raise TelemetryError(f"file {name}: no value column besides {tcol!r}")
    df = pd.concat(parts, ignore_index=True)
    df["channel"] = df["channel"].astype("category")
    df["unit"] = df["unit"].astype("category")
    df.attrs["source"] = name
    return validate_schema(df, extra_channels=tuple(names), allow_nan=True, source=f"file {name}")


Partition = Literal["month", "day", "year"] | None
_PARTITION_UNIT = {"month": ("M", "%Y-%m"), "day": ("D", "%Y-%m-%d"), "year": ("Y", "%Y")}


def write_parquet(
    df: pd.DataFrame,
    path: str | Path,
    partition_by: Partition = "month",
    *,
    extra_channels: Sequence[str] = (),
) -> Path:
    """Write a long table as a hive-partitioned Parquet dataset.

    Layout: ``path/channel=<channel>/month=YYYY-MM/part-*.parquet`` (``day=YYYY-MM-DD`` or
    ``year=YYYY`` for the other ``partition_by``; ``None`` partitions by channel only).
    Existing files under ``path`` with the same names are overwritten, others are kept.
    Extra columns (``label``, ``flags``) are written too; ``df.attrs["simulated"]`` is kept in
    the Parquet metadata.

    Args:
        df: A long table (validated with :func:`validate_schema`).
        path: Folder of the dataset.
        partition_by: ``"month"`` (default), ``"day"``, ``"year"`` or ``None``.
        extra_channels: Channel names to accept besides the known ones.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Example:
        >>> import tempfile
        >>> t = pd.to_datetime(["2020-01-31 23:00", "2020-02-01 01:00"], utc=True)
        >>> df = pd.DataFrame({"time": t, "channel": "prk_pressure", "value": [730.0, 729.0],
        ...                    "unit": "mmHg"})
        >>> out = write_parquet(df, tempfile.mkdtemp())
        >>> sorted(p.parent.name for p in out.rglob("*.parquet"))
        ['month=2020-01', 'month=2020-02']
        >>> read_parquet(out, start="2020-02-01")["value"].tolist()
        [729.0]
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    validate_schema(df, extra_channels=tuple(extra_channels), allow_nan=True)
    path = _as_path(path)
    path.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(df, preserve_index=False)
    table = table.set_column(
        table.schema.get_field_index("channel"), "channel", pa.array(df["channel"].astype(str))
    )
    table = table.set_column(
        table.schema.get_field_index("unit"), "unit", pa.array(df["unit"].astype(str))
    )
    fields = [("channel", pa.string())]
    if partition_by is not None:
        if partition_by not in _PARTITION_UNIT:
            raise TelemetryError(f"partition_by must be month, day, year or None: {partition_by!r}")
        unit, fmt = _PARTITION_UNIT[partition_by]
        t64 = df["time"].to_numpy(dtype="datetime64[ns]").astype(f"datetime64[{unit}]")
        uniq, inv = np.unique(t64, return_inverse=True)
        labels = [pd.Timestamp(u).strftime(fmt) for u in uniq]
        col = pa.DictionaryArray.from_arrays(pa.array(inv.astype(np.int32)), pa.array(labels))
        table = table.append_column(partition_by, col.cast(pa.string()))
        fields.append((partition_by, pa.string()))
    meta = dict(table.schema.metadata or {})
    meta[b"prkanalysis.simulated"] = str(bool(df.attrs.get("simulated", False))).encode()
    table = table.replace_schema_metadata(meta)
    ds.write_dataset(
        table,
        path,
        format="parquet",
        partitioning=ds.partitioning(pa.schema(fields), flavor="hive"),
        existing_data_behavior="overwrite_or_ignore",
        basename_template="part-{i}.parquet",
        file_options=ds.ParquetFileFormat().make_write_options(**PARQUET_WRITE_OPTIONS),
        max_rows_per_group=PARQUET_ROW_GROUP_ROWS,
    )
    return path


def read_parquet(
    path: str | Path,
    channels: Sequence[str] | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Read a Parquet dataset written by :func:`write_parquet` (or a single Parquet file).

    Filters are pushed down to the partitions: ``channels`` selects channel folders;
    ``start`` (inclusive) and ``end`` (exclusive) select times (naive times read as UTC).
    Partition columns other than ``channel`` are dropped. Rows come back sorted by channel
    then time (stable).

    Args:
        path: Dataset folder or file.
        channels: Channels to read (default all).
        start: First time to include.
        end: First time to exclude.

    Returns:
        A long table; ``attrs["simulated"]`` is restored when the writer recorded it.

    Raises:
        TelemetryError: the path does not exist or holds no Parquet data.
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    path = _as_path(path)
    if not path.exists():
        raise TelemetryError(f"Parquet dataset {path.name}: not found ({path})")
    try:
        dset = ds.dataset(path, format="parquet", partitioning="hive")
    except (pa.ArrowInvalid, OSError) as exc:
        raise TelemetryError(f"Parquet dataset {path.name}: unreadable ({exc})") from None
    filt = None
    if channels is not None:
        filt = ds.field("channel").isin([str(c) for c in channels])
    for bound, op in ((start, "ge"), (end, "lt")):
        if bound is None:
            continue
        try:
            ts = pd.Timestamp(bound)
        except (TypeError, ValueError) as exc:
            arg = "start" if op == "ge" else "end"
            raise TelemetryError(f"argument {arg!r} = {bound!r}: accepted a time (ISO 8601 "
                                 f"text or a Timestamp) ({exc})") from None
        if ts is pd.NaT:
            raise TelemetryError(f"argument {'start' if op == 'ge' else 'end'!r} is NaT")
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
        scalar = pa.scalar(ts.as_unit("ns").value, type=pa.timestamp("ns", tz="UTC"))
        expr = ds.field("time") >= scalar if op == "ge" else ds.field("time") < scalar
        filt = expr if filt is None else filt & expr
    table = dset.to_table(filter=filt)
    if table.num_rows == 0 and len(dset.files) == 0:
        raise TelemetryError(f"Parquet dataset {path.name}: no Parquet file in {path}")
    df = table.to_pandas()
    keep = [c for c in df.columns if c not in ("month", "day", "year")]
    df = df[keep]
    df["time"] = pd.to_datetime(df["time"], utc=True).dt.as_unit("ns")
    df["channel"] = df["channel"].astype(str).astype("category")
    df["unit"] = df["unit"].astype(str).astype("category")
    df["value"] = df["value"].astype(np.float64)
    df = df.sort_values(["channel", "time"], kind="stable", ignore_index=True)
    meta = dset.schema.metadata or {}
    df.attrs["simulated"] = meta.get(b"prkanalysis.simulated", b"False") == b"True"
    if df.attrs["simulated"]:
        df.attrs["label"] = "SIMULATED"
    return df
