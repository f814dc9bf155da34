"""Leak physics: ideal gas, choked flow through an orifice, pressure decay, detection limits.

Model (SPEC section 5, ``record/physics.md`` section 3):

* Ideal gas: ``m = p V M / (R T)``; density ``rho = p M / (R T)``.
* A small hole into vacuum is choked: ``m_dot = Cd A p0 Gamma / sqrt(R_air T0)`` with
  ``Gamma = sqrt(gamma) (2/(gamma+1))^((gamma+1)/(2(gamma-1)))`` (0.6847 for gamma = 1.4) and
  ``R_air = R / M``. For air this is Higgins' ``m_dot = 0.04042 A p0 / sqrt(T0)`` (SI).
* The mass flow is proportional to the pressure, so a closed volume decays exponentially,
  ``p(t) = p0 exp(-k t)`` with ``k = Cd A Gamma sqrt(R_air T) / V`` (per second; this module
  reports it **per day**), and ``m_dot = k p V M / (R T) = k m_gas``.
* A hold of a closed volume sees ``dp/p = dT/T``: a temperature drift mimics a leak.

Units: SI (Pa, m3, K, kg) unless a name says otherwise; mass rates are kg/day and decay
constants are per day, the units of the record.

Constants: ``R = 8.314462618 J/(mol K)`` (CODATA 2018, exact since the 2019 SI redefinition),
``M_air = 0.0289647 kg/mol`` (dry air, US Standard Atmosphere 1976 / ISO 2533). The test
suite checks the identities of ``record/physics.md`` (1.441 kg/mmHg for 916 m3 at 22 C; the
Higgins hole diameters; 1 sccs = 0.11165 kg/day) and the worked example of 40 CFR 1065.644.

Uncertainty: the interval versions (:func:`detection_limit` and :func:`interval_eval`) take
``(low, high)`` pairs for any input and evaluate the function at every corner of the input
box, returning the min and max. This is exact for functions that are monotone in each
argument over the box, which holds for every formula in this module on physical inputs
(positive pressures, volumes, temperatures, durations).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from prkanalysis.errors import PrkError
from prkanalysis.units import ATM_PA, DAY_S, MMHG_PA

__all__ = [
    "M_AIR",
    "R_AIR",
    "R_GAS",
    "T_CABIN",
    "DetectionLimit",
    "air_mass",
    "apparent_leak_from_temperature_drift",
    "area_from_k",
    "choked_flux_coefficient",
    "choked_mass_flow",
    "density",
    "detection_limit",
    "detection_limit_curve",
    "diameter_from_area",
    "equivalent_hole_diameter",
    "gamma_factor",
    "implied_volume",
    "interval_eval",
    "k_from_area",
    "k_from_mass_rate",
    "kg_per_mmhg",
    "mass_rate_from_k",
    "sccs_to_kg_per_day",
    "vacuum_decay_leak_rate",
]

#: Molar gas constant, J/(mol K) (CODATA 2018; exact in the 2019 SI).
R_GAS: Final[float] = 8.314462618
#: Molar mass of dry air, kg/mol (US Standard Atmosphere 1976).
M_AIR: Final[float] = 0.0289647
#: Specific gas constant of air, J/(kg K) = R / M (287.05).
R_AIR: Final[float] = R_GAS / M_AIR
#: Reference cabin temperature, K (22 C; record/physics.md conventions).
T_CABIN: Final[float] = 295.15

Interval = tuple[float, float]


def _positive(name: str, value: float) -> float:
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise PrkError(f"argument {name!r} must be a positive finite number, got {value!r}")
    return v


def _nonneg(name: str, value: float) -> float:
    v = float(value)
    if not (math.isfinite(v) and v >= 0):
        raise PrkError(f"argument {name!r} must be a non-negative finite number, got {value!r}")
    return v


def air_mass(p_pa: float, v_m3: float, t_k: float, molar_mass: float = M_AIR) -> float:
    """Mass of an ideal gas, ``m = p V M / (R T)`` in kg.

    Example:
        >>> round(air_mass(101325, 916, 295.15), 1)
        1095.5
    """
    return p_pa * v_m3 * molar_mass / (R_GAS * t_k)


def density(p_pa: float, t_k: float, molar_mass: float = M_AIR) -> float:
    """Ideal-gas density ``rho = p M / (R T)`` in kg/m3.

    Example:
        >>> round(density(101325, 295.15), 3)
        1.196
    """
    return p_pa * molar_mass / (R_GAS * t_k)


def kg_per_mmhg(v_m3: float, t_k: float = T_CABIN) -> float:
    """Kilograms of air per 1 mmHg of pressure in a volume ``v_m3``: ``133.32 V M/(R T)``.

    Example:
        >>> round(kg_per_mmhg(916), 3)
        1.441
    """
    return air_mass(MMHG_PA, v_m3, t_k)


def gamma_factor(gamma: float = 1.4) -> float:
    """Choked-flow factor ``Gamma = sqrt(g) (2/(g+1))^((g+1)/(2(g-1)))``.

    Example:
        >>> round(gamma_factor(1.4), 4)
        0.6847
    """
    g = _positive("gamma", gamma)
    if g <= 1:
        raise PrkError(f"argument 'gamma' must exceed 1, got {gamma!r}")
    return math.sqrt(g) * (2.0 / (g + 1.0)) ** ((g + 1.0) / (2.0 * (g - 1.0)))


def choked_flux_coefficient(gamma: float = 1.4, r_specific: float = R_AIR) -> float:
    """Higgins' coefficient ``Gamma / sqrt(R_air)`` in ``m_dot = c A p0 / sqrt(T0)`` (SI).

    Example:
        >>> round(choked_flux_coefficient(), 4)
        0.0404
    """
    return gamma_factor(gamma) / math.sqrt(r_specific)


def choked_mass_flow(
    area_m2: float, p0_pa: float, t_k: float, cd: float = 1.0, gamma: float = 1.4
) -> float:
    """Choked mass flow through an orifice into vacuum, kg/s.

    ``m_dot = Cd A p0 Gamma / sqrt(R_air T0)``.

    Example:
        >>> round(choked_mass_flow(1e-6, 101325, 295.15) * 86400, 3)
        20.594
    """
    return cd * area_m2 * p0_pa * gamma_factor(gamma) / math.sqrt(R_AIR * t_k)


def k_from_area(
    area_m2: float, v_m3: float, t_k: float = T_CABIN, cd: float = 1.0, gamma: float = 1.4
) -> float:
    """Decay constant per day of a closed volume leaking through a choked hole.

    ``k = Cd A Gamma sqrt(R_air T) / V * 86400``.

    Example:
        >>> round(k_from_area(1e-7, 5.0), 4)
        0.3444
    """
    return cd * area_m2 * gamma_factor(gamma) * math.sqrt(R_AIR * t_k) / v_m3 * DAY_S


def area_from_k(
    k_per_day: float, v_m3: float, t_k: float = T_CABIN, cd: float = 1.0, gamma: float = 1.4
) -> float:
    """Effective hole area (m2) from a decay constant per day; inverse of :func:`k_from_area`.

    Example:
        >>> round(area_from_k(k_from_area(1e-7, 5.0), 5.0) * 1e7, 12)
        1.0
    """
    return k_per_day / DAY_S * v_m3 / (cd * gamma_factor(gamma) * math.sqrt(R_AIR * t_k))


def mass_rate_from_k(k_per_day: float, p_pa: float, v_m3: float, t_k: float = T_CABIN) -> float:
    """Mass leak rate (kg/day) of a volume decaying at ``k`` per day: ``k p V M/(R T)``.

    Example:
        >>> round(mass_rate_from_k(0.154, 730 * 133.322368, 4.3), 3)
        0.761
    """
    return k_per_day * air_mass(p_pa, v_m3, t_k)


def k_from_mass_rate(mass_rate_kg_day: float, p_pa: float, v_m3: float,
                     t_k: float = T_CABIN) -> float:
    """Decay constant per day from a mass rate: ``k = m_dot / m_gas``.

    Example:
        >>> round(k_from_mass_rate(mass_rate_from_k(0.2, 9e4, 5.0), 9e4, 5.0), 12)
        0.2
    """
    return mass_rate_kg_day / air_mass(p_pa, v_m3, t_k)


def diameter_from_area(area_m2: float) -> float:
    """Diameter (m) of a circle of area ``area_m2``: ``sqrt(4 A / pi)``.

    Example:
        >>> round(diameter_from_area(math.pi / 4), 12)
        1.0
    """
    return math.sqrt(4.0 * area_m2 / math.pi)


def equivalent_hole_diameter(
    mass_rate_kg_day: float,
    p_pa: float = ATM_PA,
    t_k: float = T_CABIN,
    cd: float = 1.0,
    gamma: float = 1.4,
) -> float:
    """Diameter (m) of the round hole that passes ``mass_rate`` by choked flow.

    ``A = m_dot sqrt(R_air T) / (Cd p Gamma)``, ``d = sqrt(4 A / pi)``.

    Example (record/physics.md: 1.7 kg/day at 101.3 kPa, 295 K, Cd = 1 -> 0.32 mm):
        >>> round(equivalent_hole_diameter(1.7, 101.3e3, 295.0) * 1e3, 2)
        0.32
    """
    area = (mass_rate_kg_day / DAY_S) * math.sqrt(R_AIR * t_k) / (cd * p_pa * gamma_factor(gamma))
    return diameter_from_area(area)


def implied_volume(mass_rate_kg_day: float, k_per_day: float, p_pa: float,
                   t_k: float = T_CABIN) -> float:
    """Free volume (m3) implied by a mass rate and a decay constant: ``V = m_dot/(k rho(p))``.

    Example (record/physics.md: 0.77 kg/day with k = 0.154/day at 730 mmHg -> about 4.3 m3):
        >>> round(implied_volume(0.77, 0.154, 730 * 133.322368), 2)
        4.35
    """
    return mass_rate_kg_day / (k_per_day * density(p_pa, t_k))


def vacuum_decay_leak_rate(
    v_m3: float, p1_pa: float, t1_k: float, p2_pa: float, t2_k: float, dt_s: float,
    r_gas: float = R_GAS,
) -> float:
    """Leak rate (mol/s) from a vacuum-decay (rate-of-rise) test, 40 CFR 1065.644.

    ``n_dot = (V / R) (p2/T2 - p1/T1) / (t2 - t1)``.

    Example (the regulation's worked example):
        >>> f"{vacuum_decay_leak_rate(0.002, 25300, 293.15, 50600, 293.15, 70, 8.314472):.4e}"
        '2.9657e-04'
    """
    _positive("dt_s", dt_s)
    return (v_m3 / r_gas) * (p2_pa / t2_k - p1_pa / t1_k) / dt_s


def apparent_leak_from_temperature_drift(
    p_pa: float, v_m3: float, t_k: float, dT_dt_k_per_day: float
) -> float:
    """Apparent mass leak (kg/day) that a cooling of ``dT/dt`` mimics in a closed volume.

    At constant mass, ``dp/dt = (p/T) dT/dt``; read as a leak, that is
    ``m_app = -(p V M/(R T^2)) dT/dt`` (positive for cooling). The returned value is the
    magnitude ``p V M |dT/dt| / (R T^2)``.

    Example (1 K/day in a 5 m3 volume at 760 mmHg, 22 C):
        >>> round(apparent_leak_from_temperature_drift(101325, 5.0, 295.15, 1.0), 4)
        0.0203
    """
    return p_pa * v_m3 * M_AIR * abs(dT_dt_k_per_day) / (R_GAS * t_k**2)


def sccs_to_kg_per_day(sccs: float, t_std_k: float = 273.15, p_std_pa: float = ATM_PA) -> float:
    """Air mass rate (kg/day) of a flow in standard cm3/s (``T_std`` 0 C unless given).

    Example (methods.md: 1 sccs = 0.11165 kg/day):
        >>> round(sccs_to_kg_per_day(1.0), 5)
        0.11165
    """
    return sccs * 1e-6 * p_std_pa / (R_GAS * t_std_k) * M_AIR * DAY_S


def interval_eval(
    fun: Callable[..., float], *args: float | Sequence[float]
) -> tuple[float, float, float]:
    """Evaluate ``fun`` over a box of inputs by corner evaluation.

    Each argument is a number or a ``(low, high)`` pair. Returns ``(nominal, low, high)``:
    the value at the midpoints and the min and max over all ``2^m`` corners. Exact for
    functions monotone in each argument over the box.

    Example:
        >>> interval_eval(lambda a, b: a / b, (2.35, 2.45), (0.5, 1.0))
        (3.2000000000000006, 2.35, 4.9)
    """
    boxes: list[tuple[float, float]] = []
    for a in args:
        if isinstance(a, (tuple, list, np.ndarray)):
            lo, hi = float(a[0]), float(a[1])
            if lo > hi:
                raise PrkError(f"interval ({lo}, {hi}) has low > high")
            boxes.append((lo, hi))
        else:
            boxes.append((float(a), float(a)))  # type: ignore[arg-type]
    mids = [(lo + hi) / 2.0 for lo, hi in boxes]
    nominal = float(fun(*mids))
    vals = [float(fun(*c)) for c in itertools.product(*boxes)]
    return nominal, min(vals), max(vals)


@dataclass(frozen=True)
class DetectionLimit:
    """The largest leak that a pressure hold of a closed volume cannot exclude.

    A hold that shows "no change" allows a true pressure drop of up to
    ``dp_max = resolution + p * dT/T``: the gauge reading cannot resolve less than
    ``resolution``, and an unmeasured warming of ``dT`` over the hold adds ``p dT/T`` that
    can hide a leak. The corresponding decay constant is
    ``k_max = -ln(1 - dp_max/p) / duration``, the mass rate ``k_max * p V M/(R T)`` and the
    equivalent hole the choked-flow area with that ``k`` (Cd as given).

    Attributes:
        duration_days: Hold duration, days (nominal).
        pressure_mmhg: Pressure held, mmHg (nominal).
        delta_p_mmhg: Largest hidden drop ``dp_max`` (nominal), mmHg.
        k_per_day: Largest decay constant not excluded (nominal).
        k_per_day_interval: ``(low, high)`` over the input box.
        mass_rate_kg_day: Largest mass leak not excluded (nominal).
        mass_rate_interval: ``(low, high)``.
        hole_diameter_mm: Equivalent hole diameter (nominal), mm.
        hole_diameter_interval: ``(low, high)``, mm.
        method: How the interval was propagated.
    """

    duration_days: float
    pressure_mmhg: float
    delta_p_mmhg: float
    k_per_day: float
    k_per_day_interval: Interval
    mass_rate_kg_day: float
    mass_rate_interval: Interval
    hole_diameter_mm: float
    hole_diameter_interval: Interval
    method: str = "corner evaluation over the input box (monotone in every input)"

    def summary(self) -> str:
        """One paragraph in words."""
        lo, hi = self.mass_rate_interval
        return (
            f"A {self.duration_days:g}-day hold at {self.pressure_mmhg:g} mmHg cannot exclude a "
            f"drop of {self.delta_p_mmhg:.3g} mmHg: k up to {self.k_per_day:.3g}/day "
            f"({self.k_per_day_interval[0]:.3g} to {self.k_per_day_interval[1]:.3g}), a leak of "
            f"{self.mass_rate_kg_day:.3g} kg/day ({lo:.3g} to {hi:.3g}), an equivalent hole of "
            f"{self.hole_diameter_mm:.3g} mm ({self.hole_diameter_interval[0]:.3g} to "
            f"{self.hole_diameter_interval[1]:.3g}); {self.method}."
        )

    def __repr__(self) -> str:
        return (f"DetectionLimit(duration={self.duration_days:g} d, p={self.pressure_mmhg:g} mmHg, "
                f"k<={self.k_per_day:.3g}/d, m_dot<={self.mass_rate_kg_day:.3g} kg/d "
                f"[{self.mass_rate_interval[0]:.3g}, {self.mass_rate_interval[1]:.3g}], "
                f"d_eq<={self.hole_diameter_mm:.3g} mm)")


def _dl_point(duration: float, p_mmhg: float, res_mmhg: float, v_m3: float, t_k: float,
              drift_k: float, cd: float) -> tuple[float, float, float, float]:
    dp = res_mmhg + p_mmhg * drift_k / t_k
    frac = min(dp / p_mmhg, 1.0 - 1e-15)
    k = -math.log1p(-frac) / duration
    m_dot = mass_rate_from_k(k, p_mmhg * MMHG_PA, v_m3, t_k)
    d_mm = diameter_from_area(area_from_k(k, v_m3, t_k, cd)) * 1e3
    return dp, k, m_dot, d_mm


def detection_limit(
    duration_days: float | Sequence[float],
    pressure_mmhg: float | Sequence[float],
    gauge_resolution_mmhg: float | Sequence[float],
    volume_m3: float | Sequence[float],
    temperature_k: float | Sequence[float] = T_CABIN,
    temperature_drift_k: float | Sequence[float] = 0.0,
    cd: float | Sequence[float] = 1.0,
) -> DetectionLimit:
    """Largest leak a hold of ``duration`` at ``pressure`` cannot exclude (see DetectionLimit).

    Every argument may be a number or a ``(low, high)`` interval; the interval outputs come
    from corner evaluation (the formulas are monotone in each input: the limit grows with
    resolution, drift and volume, and falls with duration and temperature).

    Args:
        duration_days: How long the pressure held, days.
        pressure_mmhg: The pressure held, mmHg (100 mmHg in the PrK from June 2025).
        gauge_resolution_mmhg: Smallest pressure change the reading resolves, mmHg.
        volume_m3: Free volume of the closed compartment, m3 (unpublished for the PrK).
        temperature_k: Gas temperature, K.
        temperature_drift_k: Largest unmeasured temperature change over the hold, K.
        cd: Discharge coefficient used for the equivalent hole.

    Returns:
        A :class:`DetectionLimit`.

    Raises:
        PrkError: If an input is non-positive (negative for resolution and drift).

    Example (30-day hold at 100 mmHg, 1 mmHg resolution, PrK volume 3 to 8 m3):
        >>> dl = detection_limit(30, 100, 1.0, (3.0, 8.0))
        >>> round(dl.k_per_day, 5), [round(v, 4) for v in dl.mass_rate_interval]
        (0.00034, [0.0002, 0.0004])
    """
    def box(name: str, v: float | Sequence[float], pos: bool = True) -> tuple[float, float]:
        pair = (v[0], v[1]) if isinstance(v, (tuple, list, np.ndarray)) else (v, v)
        chk = _positive if pos else _nonneg
        lo, hi = chk(name, pair[0]), chk(name, pair[1])  # type: ignore[arg-type]
        if lo > hi:
            raise PrkError(f"argument {name!r}: interval low {lo} exceeds high {hi}")
        return (lo, hi)

    boxes = [
        box("duration_days", duration_days),
        box("pressure_mmhg", pressure_mmhg),
        box("gauge_resolution_mmhg", gauge_resolution_mmhg, pos=False),
        box("volume_m3", volume_m3),
        box("temperature_k", temperature_k),
        box("temperature_drift_k", temperature_drift_k, pos=False),
        box("cd", cd),
    ]
    mids = [(lo + hi) / 2.0 for lo, hi in boxes]
    dp, k, m, d = _dl_point(*mids)
    corners = [_dl_point(*c) for c in itertools.product(*boxes)]
    ks = [c[1] for c in corners]
    ms = [c[2] for c in corners]
    ds = [c[3] for c in corners]
    return DetectionLimit(
        duration_days=mids[0],
        pressure_mmhg=mids[1],
        delta_p_mmhg=dp,
        k_per_day=k,
        k_per_day_interval=(min(ks), max(ks)),
        mass_rate_kg_day=m,
        mass_rate_interval=(min(ms), max(ms)),
        hole_diameter_mm=d,
        hole_diameter_interval=(min(ds), max(ds)),
    )


def detection_limit_curve(
    durations_days: Sequence[float],
    pressure_mmhg: float | Sequence[float],
    gauge_resolution_mmhg: float | Sequence[float],
    volume_m3: float | Sequence[float],
    temperature_k: float | Sequence[float] = T_CABIN,
    temperature_drift_k: float | Sequence[float] = 0.0,
    cd: float | Sequence[float] = 1.0,
) -> pd.DataFrame:
    """Detection limit as a function of hold duration (one row per duration).

    Columns: ``duration_days``, ``delta_p_mmhg``, ``k_per_day``, ``k_low``, ``k_high``,
    ``kg_per_day``, ``kg_per_day_low``, ``kg_per_day_high``, ``hole_mm``, ``hole_mm_low``,
    ``hole_mm_high``.

    Example:
        >>> df = detection_limit_curve([1, 7, 30], 100, 1.0, 5.0)
        >>> bool(df["kg_per_day"].is_monotonic_decreasing)
        True
    """
    rows = []
    for dur in durations_days:
        dl = detection_limit(dur, pressure_mmhg, gauge_resolution_mmhg, volume_m3,
                             temperature_k, temperature_drift_k, cd)
        rows.append({
            "duration_days": float(dur),
            "delta_p_mmhg": dl.delta_p_mmhg,
            "k_per_day": dl.k_per_day,
            "k_low": dl.k_per_day_interval[0],
            "k_high": dl.k_per_day_interval[1],
            "kg_per_day": dl.mass_rate_kg_day,
            "kg_per_day_low": dl.mass_rate_interval[0],
            "kg_per_day_high": dl.mass_rate_interval[1],
            "hole_mm": dl.hole_diameter_mm,
            "hole_mm_low": dl.hole_diameter_interval[0],
            "hole_mm_high": dl.hole_diameter_interval[1],
        })
    return pd.DataFrame(rows)
