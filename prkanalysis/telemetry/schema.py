"""The long telemetry format and its validation.

Every telemetry table in the package is a *long* DataFrame, one row per sample:

========== ============================ ===============================================
column     dtype                        meaning
========== ============================ ===============================================
``time``   ``datetime64[ns, UTC]``      sample time (UTC)
``channel`` ``str`` or ``category``     what was measured (see :data:`CHANNELS`)
``value``  ``float64``                  the sample, in ``unit``
``unit``   ``str`` or ``category``      unit of ``value`` (see :data:`UNITS`)
========== ============================ ===============================================

Channels of the PrK analysis:

* ``prk_pressure``: PrK total pressure, mmHg.
* ``prk_hatch``: hatch state between PrK and the Zvezda work compartment, ``1`` = closed,
  ``0`` = open (dimensionless, unit ``"1"``). It may be change-driven (one row per change).
* ``station_pressure``, ``cabin_temperature``: optional context channels.
* ISS Live items keep their public identifiers (for example ``USLAB000058``, the US Lab
  cabin pressure): any name made of capital letters followed by six digits is accepted.

Extra columns are allowed and kept (for example ``label`` = ``"SIMULATED"`` on simulated
data, or ``flags`` after cleaning).
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import pandas as pd

from prkanalysis.errors import TelemetryError

#: The four required columns, in order.
COLUMNS: Final[tuple[str, ...]] = ("time", "channel", "value", "unit")

#: Channel name of the PrK pressure gauge (mmHg).
PRK_PRESSURE: Final[str] = "prk_pressure"
#: Channel name of the PrK hatch state (1 = closed, 0 = open).
PRK_HATCH: Final[str] = "prk_hatch"

#: Known channels and their expected unit.
CHANNELS: Final[dict[str, str]] = {
    PRK_PRESSURE: "mmHg",
    PRK_HATCH: "1",
    "station_pressure": "mmHg",
    "cabin_temperature": "K",
}

#: Units a telemetry value may carry.
UNITS: Final[frozenset[str]] = frozenset({"mmHg", "psi", "kPa", "Pa", "hPa", "K", "degC", "1"})

#: Public ISS Live item identifiers (``USLAB000058``, ``AIRLOCK000054`` ...).
ISSLIVE_ITEM: Final[re.Pattern[str]] = re.compile(r"^[A-Z]+[0-9]{6}$")

#: Label placed on every simulated table (column ``label`` and ``df.attrs["label"]``).
SIMULATED_LABEL: Final[str] = "SIMULATED"


def is_known_channel(name: str, extra: tuple[str, ...] = ()) -> bool:
    """Whether ``name`` is a known channel, an ISS Live item id, or listed in ``extra``.

    Example:
        >>> is_known_channel("prk_pressure"), is_known_channel("USLAB000058")
        (True, True)
        >>> is_known_channel("prk_presure")
        False
    """
    return name in CHANNELS or name in extra or bool(ISSLIVE_ITEM.match(name))


def validate_schema(
    df: pd.DataFrame,
    *,
    extra_channels: tuple[str, ...] = (),
    allow_nan: bool = False,
    source: str = "telemetry",
) -> pd.DataFrame:
    """Check that ``df`` is a long telemetry table; return it unchanged.

    Checks, in order: the four columns exist; ``time`` is ``datetime64[ns, UTC]`` without
    missing values; ``value`` is float64 and (unless ``allow_nan``) has no NaN; every
    channel is known (:func:`is_known_channel`); every unit is in :data:`UNITS` and matches
    the channel's expected unit where :data:`CHANNELS` names one.

    Args:
        df: The table.
        extra_channels: Further channel names to accept.
        allow_nan: Accept NaN values (raw tables before :func:`~prkanalysis.telemetry.clean`).
        source: Name of the file or table, used in error messages.

    Returns:
        ``df`` itself.

    Raises:
        TelemetryError: naming the source, the column and the first offending row.

    Example:
        >>> t = pd.to_datetime(["2020-01-01 00:00"], utc=True)
        >>> df = pd.DataFrame({"time": t, "channel": ["prk_pressure"], "value": [730.0],
        ...                    "unit": ["mmHg"]})
        >>> validate_schema(df) is df
        True
        >>> validate_schema(df.assign(channel="nope"))
        Traceback (most recent call last):
        ...
        prkanalysis.errors.TelemetryError: telemetry, row 0, column 'channel': unknown ...
    """
    if not isinstance(df, pd.DataFrame):
        raise TelemetryError(f"{source}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise TelemetryError(f"{source}: missing column(s) {missing}; have {list(df.columns)}")
    time = df["time"]
    if not isinstance(time.dtype, pd.DatetimeTZDtype) or str(time.dtype.tz) != "UTC":
        raise TelemetryError(
            f"{source}, column 'time': expected datetime64[ns, UTC], got {time.dtype}"
        )
    bad_t = time.isna().to_numpy()
    if bad_t.any():
        raise TelemetryError(f"{source}, row {_first(bad_t)}, column 'time': missing time")
    if df["value"].dtype != np.float64:
        raise TelemetryError(
            f"{source}, column 'value': expected float64, got {df['value'].dtype}"
        )
    if not allow_nan:
        bad_v = ~np.isfinite(df["value"].to_numpy())
        if bad_v.any():
            i = _first(bad_v)
            raise TelemetryError(
                f"{source}, row {i}, column 'value': not a finite number "
                f"({df['value'].iloc[i]!r}); run telemetry.clean() first or drop it"
            )
    ch_codes, ch_names = pd.factorize(df["channel"], use_na_sentinel=True)
    u_codes, u_names = pd.factorize(df["unit"], use_na_sentinel=True)
    for bad, col in ((ch_codes < 0, "channel"), (u_codes < 0, "unit")):
        if bad.any():
            raise TelemetryError(f"{source}, row {_first(bad)}, column {col!r}: missing {col}")
    for ci, name in enumerate(ch_names):
        if not is_known_channel(str(name), extra_channels):
            raise TelemetryError(
                f"{source}, row {_first(ch_codes == ci)}, column 'channel': "
                f"unknown channel {str(name)!r}"
            )
    pairs = np.unique(ch_codes.astype(np.int64) * (len(u_names) + 1) + u_codes)
    for pair in pairs:
        ci, ui = divmod(int(pair), len(u_names) + 1)
        name, unit = str(ch_names[ci]), str(u_names[ui])
        if unit not in UNITS:
            i = _first((ch_codes == ci) & (u_codes == ui))
            raise TelemetryError(f"{source}, row {i}, column 'unit': unknown unit {unit!r}")
        want = CHANNELS.get(name)
        if want is not None and unit != want:
            i = _first((ch_codes == ci) & (u_codes == ui))
            raise TelemetryError(
                f"{source}, row {i}, column 'unit': channel {name!r} must be in {want!r}, "
                f"got {unit!r}"
            )
    return df


def make_frame(
    time: pd.DatetimeIndex | np.ndarray,
    channel: str,
    value: np.ndarray,
    unit: str,
) -> pd.DataFrame:
    """Build a one-channel long table from arrays (no copy of ``value`` if float64).

    Args:
        time: Times, ``int64`` nanoseconds since the epoch or datetimes (read as UTC).
        channel: Channel name for every row.
        value: Values.
        unit: Unit for every row.

    Returns:
        A long table with categorical ``channel`` and ``unit``.

    Example:
        >>> df = make_frame(np.array([0, 10**9]), "prk_pressure", np.array([1.0, 2.0]), "mmHg")
        >>> df.dtypes.astype(str).tolist()
        ['datetime64[ns, UTC]', 'category', 'float64', 'category']
    """
    if not isinstance(channel, str) or not isinstance(unit, str):
        raise TelemetryError(f"make_frame: arguments 'channel' and 'unit' must be text, got "
                             f"{channel!r} and {unit!r}")
    t = np.asarray(time)
    try:
        if t.dtype.kind in "iu":
            t_idx = pd.DatetimeIndex(t.astype("int64").view("datetime64[ns]")).tz_localize("UTC")
        else:
            t_idx = pd.DatetimeIndex(pd.to_datetime(time, utc=True)).as_unit("ns")
    except (TypeError, ValueError, OverflowError) as exc:
        raise TelemetryError(f"make_frame: argument 'time' cannot be read as times "
                             f"(int64 ns since the epoch or datetimes): {exc}") from None
    n = len(t_idx)
    try:
        v = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise TelemetryError(f"make_frame: argument 'value' cannot be read as numbers: "
                             f"{exc}") from None
    if v.size != n:
        raise TelemetryError(f"make_frame: {n} time(s) but {v.size} value(s)")
    return pd.DataFrame(
        {
            "time": t_idx,
            "channel": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), pd.Index([channel])),
            "value": v,
            "unit": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), pd.Index([unit])),
        }
    )


def _first(mask: np.ndarray) -> int:
    """Index of the first True in ``mask``."""
    return int(np.flatnonzero(mask)[0])
