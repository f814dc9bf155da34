"""Exact unit conversions for mass, pressure, time and mass rates.

Every factor below is an exact definition (or a ratio of exact definitions), so a round
trip is exact up to floating-point rounding:

* mass: 1 lb = 0.45359237 kg (international avoirdupois pound, exact); 1 g = 1e-3 kg.
* pressure: 1 atm = 101325 Pa (exact); 1 mmHg = 101325/760 Pa = 133.322368... Pa
  (the conventional millimetre of mercury, equal to the torr to within 1.5e-7, treated
  here as equal as ISS telemetry does); 1 psi = 0.45359237 kg * 9.80665 m/s^2 /
  (0.0254 m)^2 = 6894.757293168... Pa (exact from lb, g_n and inch); 1 kPa = 1000 Pa.
* time: 1 day = 24 h = 86400 s.

Rates are written ``"<mass>/<time>"`` (``"lb/day"``, ``"kg/h"``, ``"g/day"``).

Example:
    >>> round(convert(3.7, "lb/day", "kg/day"), 6)
    1.678292
    >>> round(convert(760, "mmHg", "kPa"), 3)
    101.325
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from prkanalysis.errors import UnitError

LB_KG: Final[float] = 0.45359237
G_N: Final[float] = 9.80665
INCH_M: Final[float] = 0.0254
ATM_PA: Final[float] = 101325.0
MMHG_PA: Final[float] = ATM_PA / 760.0
PSI_PA: Final[float] = LB_KG * G_N / INCH_M**2
DAY_S: Final[float] = 86400.0
HOUR_S: Final[float] = 3600.0

#: Mass units in kilograms.
MASS: Final[dict[str, float]] = {"kg": 1.0, "g": 1e-3, "lb": LB_KG, "lbm": LB_KG}
#: Pressure units in pascals.
PRESSURE: Final[dict[str, float]] = {
    "Pa": 1.0,
    "kPa": 1e3,
    "hPa": 1e2,
    "mmHg": MMHG_PA,
    "torr": MMHG_PA,
    "psi": PSI_PA,
    "psia": PSI_PA,
    "atm": ATM_PA,
}
#: Time units in seconds.
TIME: Final[dict[str, float]] = {
    "s": 1.0,
    "min": 60.0,
    "h": HOUR_S,
    "hour": HOUR_S,
    "day": DAY_S,
    "d": DAY_S,
}

_ALIASES: Final[dict[str, str]] = {
    "mm hg": "mmHg",
    "mmhg": "mmHg",
    "mm Hg": "mmHg",
    "kpa": "kPa",
    "pa": "Pa",
    "PSI": "psi",
    "lbs": "lb",
    "pound": "lb",
    "pounds": "lb",
    "kilogram": "kg",
    "kilograms": "kg",
    "gram": "g",
    "grams": "g",
    "24 h": "day",
    "24h": "day",
    "hours": "h",
    "days": "day",
}


def _canon(unit: str) -> str:
    u = unit.strip()
    return _ALIASES.get(u, _ALIASES.get(u.lower(), u))


def factor(unit: str) -> tuple[str, float]:
    """Return ``(dimension, factor to SI)`` for a unit string.

    Args:
        unit: A mass (``kg``, ``g``, ``lb``), pressure (``Pa``, ``kPa``, ``mmHg``, ``psi``),
            time (``s``, ``h``, ``day``) or mass-rate (``lb/day``, ``kg/h``) unit.

    Returns:
        The dimension name (``"mass"``, ``"pressure"``, ``"time"`` or ``"mass_rate"``) and
        the factor that converts one of the unit into kg, Pa, s or kg/s.

    Raises:
        UnitError: If the unit is not known.
    """
    u = _canon(unit)
    if "/" in u:
        num, _, den = u.partition("/")
        num, den = _canon(num), _canon(den)
        if num in MASS and den in TIME:
            return "mass_rate", MASS[num] / TIME[den]
        raise UnitError(f"unknown rate unit {unit!r}; expected <mass>/<time> such as 'lb/day'")
    for dim, table in (("mass", MASS), ("pressure", PRESSURE), ("time", TIME)):
        if u in table:
            return dim, table[u]
    raise UnitError(
        f"unknown unit {unit!r}; known: {sorted(MASS)} {sorted(PRESSURE)} {sorted(TIME)}"
        " and <mass>/<time>"
    )


def is_known(unit: str) -> bool:
    """Return True if :func:`factor` understands ``unit``."""
    try:
        factor(unit)
    except UnitError:
        return False
    return True


def convert(
    value: float | npt.ArrayLike, from_unit: str, to_unit: str
) -> float | npt.NDArray[np.float64]:
    """Convert a value (scalar or array) between two units of the same dimension.

    Args:
        value: The number(s) to convert.
        from_unit: Unit of ``value``.
        to_unit: Target unit.

    Returns:
        ``value * factor(from_unit) / factor(to_unit)``; a float for scalar input.

    Raises:
        UnitError: If either unit is unknown or the dimensions differ.

    Example:
        >>> convert(1.0, "psi", "Pa")
        6894.757293168361
    """
    d1, f1 = factor(from_unit)
    d2, f2 = factor(to_unit)
    if d1 != d2:
        raise UnitError(f"cannot convert {from_unit!r} ({d1}) to {to_unit!r} ({d2})")
    if np.isscalar(value):
        return float(value) * f1 / f2  # type: ignore[arg-type]
    return np.asarray(value, dtype=float) * (f1 / f2)
