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
* The flow regime is a choice with evidence (methods-2.md section 1): a choked orifice and
  molecular effusion give ``m_dot ∝ p``; viscous flow through a micrometre gap gives
  ``m_dot ∝ p^2`` (:func:`viscous_slit_mass_flow`). Every scaling of a leak between
  pressures goes through :func:`pressure_scale` with an explicit exponent (the July 2021
  fit gives about 1.9). "Hole size" is a flow-equivalent diameter
  (:func:`flow_equivalent_diameter`): the ideal orifice passing the same flow, not a size.
* A steady hold bounds the NET flow: outflow minus seal inflow minus outgassing
  (:func:`net_flow_bound`); holds at two pressures separate them
  (:func:`two_hold_separation`). The seal inflow from the station is choked below about
  400 mmHg (:func:`seal_inflow`, :func:`orifice_flow_fraction`).

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
    "MFP_P_AIR_20C",
    "M_AIR",
    "REGIME_EXPONENTS",
    "R_AIR",
    "R_GAS",
    "SUTHERLAND_AIR",
    "T_CABIN",
    "DetectionLimit",
    "NetFlowBound",
    "TwoHoldSeparation",
    "air_mass",
    "air_viscosity",
    "apparent_leak_from_temperature_drift",
    "area_from_k",
    "choked_flux_coefficient",
    "choked_mass_flow",
    "critical_pressure_ratio",
    "density",
    "detection_limit",
    "detection_limit_curve",
    "diameter_from_area",
    "equivalent_hole_diameter",
    "flow_equivalent_diameter",
    "gamma_factor",
    "implied_volume",
    "interval_eval",
    "k_from_area",
    "k_from_mass_rate",
    "kg_per_mmhg",
    "knudsen_number",
    "mass_rate_from_k",
    "net_flow_bound",
    "orifice_flow_fraction",
    "pressure_scale",
    "sccs_to_kg_per_day",
    "seal_inflow",
    "two_hold_separation",
    "vacuum_decay_leak_rate",
    "viscous_gap",
    "viscous_slit_mass_flow",
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


def _number(name: str, value: object, accepted: str) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise PrkError(f"argument {name!r} = {value!r} is not a number; accepted range "
                       f"{accepted}") from None


def _positive(name: str, value: float) -> float:
    """``value`` as a float if finite and > 0, else a PrkError naming argument, value, range."""
    v = _number(name, value, "(0, inf)")
    if not (math.isfinite(v) and v > 0):
        raise PrkError(f"argument {name!r} = {value!r} is outside the accepted range (0, inf): "
                       "it must be a positive finite number")
    return v


def _nonneg(name: str, value: float) -> float:
    """``value`` as a float if finite and >= 0, else a PrkError naming argument, value, range."""
    v = _number(name, value, "[0, inf)")
    if not (math.isfinite(v) and v >= 0):
        raise PrkError(f"argument {name!r} = {value!r} is outside the accepted range [0, inf): "
                       "it must be a non-negative finite number")
    return v


def _finite(name: str, value: float) -> float:
    v = _number(name, value, "(-inf, inf)")
    if not math.isfinite(v):
        raise PrkError(f"argument {name!r} = {value!r} is outside the accepted range "
                       "(-inf, inf): it must be finite")
    return v


def _cd(cd: float) -> float:
    v = _number("cd", cd, "(0, 1]")
    if not (math.isfinite(v) and 0 < v <= 1):
        raise PrkError(f"argument 'cd' = {cd!r} is outside the accepted range (0, 1]: a "
                       "discharge coefficient is positive and at most 1")
    return v


def air_mass(p_pa: float, v_m3: float, t_k: float, molar_mass: float = M_AIR) -> float:
    """Mass of an ideal gas, ``m = p V M / (R T)`` in kg.

    Example:
        >>> round(air_mass(101325, 916, 295.15), 1)
        1095.5
    """
    _nonneg("p_pa", p_pa)
    _nonneg("v_m3", v_m3)
    _positive("t_k", t_k)
    _positive("molar_mass", molar_mass)
    return p_pa * v_m3 * molar_mass / (R_GAS * t_k)


def density(p_pa: float, t_k: float, molar_mass: float = M_AIR) -> float:
    """Ideal-gas density ``rho = p M / (R T)`` in kg/m3.

    Example:
        >>> round(density(101325, 295.15), 3)
        1.196
    """
    _nonneg("p_pa", p_pa)
    _positive("t_k", t_k)
    _positive("molar_mass", molar_mass)
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
    _nonneg("area_m2", area_m2)
    _nonneg("p0_pa", p0_pa)
    _positive("t_k", t_k)
    _cd(cd)
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
    _nonneg("area_m2", area_m2)
    _positive("v_m3", v_m3)
    _positive("t_k", t_k)
    _cd(cd)
    return cd * area_m2 * gamma_factor(gamma) * math.sqrt(R_AIR * t_k) / v_m3 * DAY_S


def area_from_k(
    k_per_day: float, v_m3: float, t_k: float = T_CABIN, cd: float = 1.0, gamma: float = 1.4
) -> float:
    """Effective hole area (m2) from a decay constant per day; inverse of :func:`k_from_area`.

    Example:
        >>> round(area_from_k(k_from_area(1e-7, 5.0), 5.0) * 1e7, 12)
        1.0
    """
    _nonneg("k_per_day", k_per_day)
    _positive("v_m3", v_m3)
    _positive("t_k", t_k)
    _cd(cd)
    return k_per_day / DAY_S * v_m3 / (cd * gamma_factor(gamma) * math.sqrt(R_AIR * t_k))


def mass_rate_from_k(k_per_day: float, p_pa: float, v_m3: float, t_k: float = T_CABIN) -> float:
    """Mass leak rate (kg/day) of a volume decaying at ``k`` per day: ``k p V M/(R T)``.

    Example:
        >>> round(mass_rate_from_k(0.154, 730 * 133.322368, 4.3), 3)
        0.761
    """
    _nonneg("k_per_day", k_per_day)
    return k_per_day * air_mass(p_pa, v_m3, t_k)


def k_from_mass_rate(mass_rate_kg_day: float, p_pa: float, v_m3: float,
                     t_k: float = T_CABIN) -> float:
    """Decay constant per day from a mass rate: ``k = m_dot / m_gas``.

    Example:
        >>> round(k_from_mass_rate(mass_rate_from_k(0.2, 9e4, 5.0), 9e4, 5.0), 12)
        0.2
    """
    _nonneg("mass_rate_kg_day", mass_rate_kg_day)
    _positive("p_pa", p_pa)
    _positive("v_m3", v_m3)
    return mass_rate_kg_day / air_mass(p_pa, v_m3, t_k)


def diameter_from_area(area_m2: float) -> float:
    """Diameter (m) of a circle of area ``area_m2``: ``sqrt(4 A / pi)``.

    Example:
        >>> round(diameter_from_area(math.pi / 4), 12)
        1.0
    """
    _nonneg("area_m2", area_m2)
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
    _nonneg("mass_rate_kg_day", mass_rate_kg_day)
    _positive("p_pa", p_pa)
    _positive("t_k", t_k)
    _cd(cd)
    area = (mass_rate_kg_day / DAY_S) * math.sqrt(R_AIR * t_k) / (cd * p_pa * gamma_factor(gamma))
    return diameter_from_area(area)


def implied_volume(mass_rate_kg_day: float, k_per_day: float, p_pa: float,
                   t_k: float = T_CABIN) -> float:
    """Free volume (m3) implied by a mass rate and a decay constant: ``V = m_dot/(k rho(p))``.

    Example (record/physics.md: 0.77 kg/day with k = 0.154/day at 730 mmHg -> about 4.3 m3):
        >>> round(implied_volume(0.77, 0.154, 730 * 133.322368), 2)
        4.35
    """
    _nonneg("mass_rate_kg_day", mass_rate_kg_day)
    _positive("k_per_day", k_per_day)
    _positive("p_pa", p_pa)
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
    _nonneg("v_m3", v_m3)
    _nonneg("p1_pa", p1_pa)
    _nonneg("p2_pa", p2_pa)
    _positive("t1_k", t1_k)
    _positive("t2_k", t2_k)
    _positive("r_gas", r_gas)
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
    _nonneg("p_pa", p_pa)
    _nonneg("v_m3", v_m3)
    _positive("t_k", t_k)
    _finite("dT_dt_k_per_day", dT_dt_k_per_day)
    return p_pa * v_m3 * M_AIR * abs(dT_dt_k_per_day) / (R_GAS * t_k**2)


def sccs_to_kg_per_day(sccs: float, t_std_k: float = 273.15, p_std_pa: float = ATM_PA) -> float:
    """Air mass rate (kg/day) of a flow in standard cm3/s (``T_std`` 0 C unless given).

    Example (methods.md: 1 sccs = 0.11165 kg/day):
        >>> round(sccs_to_kg_per_day(1.0), 5)
        0.11165
    """
    _finite("sccs", sccs)
    _positive("t_std_k", t_std_k)
    _positive("p_std_pa", p_std_pa)
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
        hole_diameter_mm: Flow-equivalent diameter (nominal), mm.
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
    ``kg_per_day``, ``kg_per_day_low``, ``kg_per_day_high``, ``flow_equiv_d_mm``,
    ``flow_equiv_d_low_mm``, ``flow_equiv_d_high_mm`` (the flow-equivalent diameter of the
    limit: the round orifice passing it, not the size of any opening).

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
            "flow_equiv_d_mm": dl.hole_diameter_mm,
            "flow_equiv_d_low_mm": dl.hole_diameter_interval[0],
            "flow_equiv_d_high_mm": dl.hole_diameter_interval[1],
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Flow regimes (methods-2.md section 1): choked orifice, viscous slit, molecular effusion.
# --------------------------------------------------------------------------------------------

#: Mass-flow pressure exponent ``n`` of each regime (``m_dot ∝ p^n`` into vacuum): a choked
#: orifice and molecular effusion are linear in ``p`` (exponential decay of a closed volume),
#: viscous (Poiseuille) flow through a micrometre gap goes as ``p^2``.
REGIME_EXPONENTS: Final[dict[str, float]] = {"choked": 1.0, "molecular": 1.0, "viscous": 2.0}

#: Sutherland constants for air (methods-2.md 1.0): ``mu0`` Pa s at ``T0`` K, ``S`` K.
SUTHERLAND_AIR: Final[tuple[float, float, float]] = (1.716e-5, 273.15, 110.4)

#: Mean free path of air at 20 C times pressure, m Pa (6.8e-3 mbar cm; methods-2.md 1.3).
MFP_P_AIR_20C: Final[float] = 6.8e-3 * 1e-2 * 100.0


def critical_pressure_ratio(gamma: float = 1.4) -> float:
    """Downstream/upstream pressure ratio below which an orifice chokes: ``(2/(g+1))^(g/(g-1))``.

    Example:
        >>> round(critical_pressure_ratio(), 4)
        0.5283
    """
    g = _positive("gamma", gamma)
    if g <= 1:
        raise PrkError(f"argument 'gamma' = {gamma!r} is outside the accepted range (1, inf)")
    return (2.0 / (g + 1.0)) ** (g / (g - 1.0))


def orifice_flow_fraction(p_down_pa: float, p_up_pa: float, gamma: float = 1.4) -> float:
    """Mass flow through an orifice as a fraction of its choked value at the same upstream state.

    ``1`` when ``p_down/p_up <= (2/(g+1))^(g/(g-1))`` (choked); otherwise the isentropic
    subsonic flow ``sqrt(2/(g-1) (r^(2/g) - r^((g+1)/g)))`` divided by the choked
    ``(2/(g+1))^((g+1)/(2(g-1)))``, with ``r = p_down/p_up`` (0 at ``r = 1``). This is the
    inflow across the hatch seal from the station (upstream, ~760 mmHg) into the PrK: choked,
    hence independent of the PrK pressure, below about 400 mmHg.

    Example:
        >>> orifice_flow_fraction(100.0, 760.0), round(orifice_flow_fraction(600.0, 760.0), 3)
        (1.0, 0.834)
    """
    up = _positive("p_up_pa", p_up_pa)
    down = _nonneg("p_down_pa", p_down_pa)
    if down > up:
        raise PrkError(f"argument 'p_down_pa' = {p_down_pa!r} is outside the accepted range "
                       f"[0, p_up_pa = {p_up_pa!r}]")
    g = _positive("gamma", gamma)
    r = down / up
    if r <= critical_pressure_ratio(g):
        return 1.0
    sub = math.sqrt(max(2.0 / (g - 1.0) * (r ** (2.0 / g) - r ** ((g + 1.0) / g)), 0.0))
    return sub / (2.0 / (g + 1.0)) ** ((g + 1.0) / (2.0 * (g - 1.0)))


def pressure_scale(p_from: float, p_to: float, exponent: float) -> float:
    """Factor that carries a leak's mass flow from pressure ``p_from`` to ``p_to``.

    ``(p_to / p_from)^n`` for a mass flow ``∝ p^n`` into vacuum: ``n = 1`` for a choked
    orifice (the old x7.6 from 100 to 760 mmHg), ``n = 2`` for viscous flow through a
    micrometre gap, or the exponent fitted to the July 2021 decay (``n = 1 + m``, ``m`` the
    pressure exponent of the decay constant). Any unit, as long as both pressures share it.

    Example:
        >>> pressure_scale(100, 760, 1.0), round(pressure_scale(100, 760, 2.0), 2)
        (7.6, 57.76)
    """
    a = _positive("p_from", p_from)
    b = _positive("p_to", p_to)
    n = _number("exponent", exponent, "[0, 4]")
    if not (math.isfinite(n) and 0 <= n <= 4):
        raise PrkError(f"argument 'exponent' = {exponent!r} is outside the accepted range [0, 4]")
    return (b / a) ** n


def air_viscosity(t_k: float = T_CABIN) -> float:
    """Dynamic viscosity of air (Pa s), Sutherland's law ``mu0 (T/T0)^1.5 (T0+S)/(T+S)``.

    Example (methods-2.md: 1.8229e-5 Pa s at 295.15 K):
        >>> round(air_viscosity(295.15) * 1e5, 4)
        1.8229
    """
    t = _positive("t_k", t_k)
    mu0, t0, s = SUTHERLAND_AIR
    return mu0 * (t / t0) ** 1.5 * (t0 + s) / (t + s)


def viscous_slit_mass_flow(
    length_m: float, gap_m: float, wall_m: float, p1_pa: float, p2_pa: float = 0.0,
    t_k: float = T_CABIN,
) -> float:
    """Isothermal laminar (Poiseuille) mass flow of air through a slit, kg/s.

    ``m_dot = w h^3 (p1^2 - p2^2) / (24 mu L R_air T)`` with ``w`` the slit (crack) length,
    ``h`` the gap, ``L`` the flow-path length (wall thickness) (methods-2.md 1.2). Valid for
    ``w >> h``, ``L >> h``, laminar flow and ``Kn = lambda/h`` below about 0.01-0.1 (see
    :func:`knudsen_number`).

    Example (methods-2.md: w = 4.5 cm, h = 10 um, L = 2 mm, 730 mmHg -> 0.497 kg/day):
        >>> round(viscous_slit_mass_flow(0.045, 10e-6, 2e-3, 730 * 133.322368) * 86400, 3)
        0.497
    """
    w = _positive("length_m", length_m)
    h = _positive("gap_m", gap_m)
    wall = _positive("wall_m", wall_m)
    p1 = _nonneg("p1_pa", p1_pa)
    p2 = _nonneg("p2_pa", p2_pa)
    return w * h**3 * (p1**2 - p2**2) / (24.0 * air_viscosity(t_k) * wall * R_AIR * t_k)


def viscous_gap(
    mass_rate_kg_day: float, length_m: float, wall_m: float, p1_pa: float = ATM_PA,
    t_k: float = T_CABIN,
) -> float:
    """Slit gap (m) that passes ``mass_rate`` by viscous flow into vacuum; inverse of the above.

    ``h = (24 mu L R_air T m_dot / (w p1^2))^(1/3)``.

    Example:
        >>> h = viscous_gap(0.497, 0.045, 2e-3, 730 * 133.322368)
        >>> round(h * 1e6, 2)
        10.0
    """
    m = _nonneg("mass_rate_kg_day", mass_rate_kg_day) / DAY_S
    w = _positive("length_m", length_m)
    wall = _positive("wall_m", wall_m)
    p1 = _positive("p1_pa", p1_pa)
    return (24.0 * air_viscosity(t_k) * wall * R_AIR * t_k * m / (w * p1**2)) ** (1.0 / 3.0)


def knudsen_number(p_pa: float, gap_m: float, t_k: float = T_CABIN) -> float:
    """Knudsen number ``lambda/h`` of air; ``lambda = 6.8e-3 mbar cm / p`` at 20 C, ``∝ T``.

    Continuum (viscous) below 0.01, slip/transitional above (methods-2.md 1.3; the vacuum and
    microfluidics conventions differ above 0.1).

    Example (methods-2.md: 100 mmHg, h = 10 um -> 0.051 at 20 C):
        >>> round(knudsen_number(100 * 133.322368, 10e-6, 293.15), 3)
        0.051
    """
    p = _positive("p_pa", p_pa)
    h = _positive("gap_m", gap_m)
    t = _positive("t_k", t_k)
    return MFP_P_AIR_20C * (t / 293.15) / p / h


def flow_equivalent_diameter(
    mass_rate_kg_day: float, p_pa: float = ATM_PA, t_k: float = T_CABIN, cd: float = 1.0,
    gamma: float = 1.4,
) -> float:
    """Flow-equivalent diameter (m): the round choked orifice that passes ``mass_rate``.

    The same number as :func:`equivalent_hole_diameter`, named for what it is: a leak's flow
    expressed as an ideal orifice, not the size of a hole. The PrK cracks are tens of mm long
    with micrometre openings (:func:`viscous_gap`).

    Example:
        >>> round(flow_equivalent_diameter(1.7, 101.3e3, 295.0) * 1e3, 2)
        0.32
    """
    return equivalent_hole_diameter(mass_rate_kg_day, p_pa, t_k, cd, gamma)


# --------------------------------------------------------------------------------------------
# "Stopped" as a bound on NET flow.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetFlowBound:
    """What a hold of a closed compartment at one pressure can and cannot exclude.

    A steady gauge bounds the NET flow, ``outflow - inflow - outgassing``, to within
    ``+/- net_limit`` (gauge resolution, gauge drift and ``p dT/T`` over the hold, divided by
    its duration). Outflow through the leak is therefore excluded only above
    ``inflow + outgassing + net_limit``; any outflow in
    ``[max(0, inflow + outgassing - net_limit), inflow + outgassing + net_limit]`` (the hidden
    range) is consistent with "holding steady". With a seal inflow ``k_in (P_s - p)`` and
    nothing else, a perfectly steady gauge hides an outflow decay constant
    ``k_in (P_s - p)/p``.

    All flows are pressure rates in the compartment (mmHg/day) and mass rates (kg/day) at the
    hold pressure; ``*_station`` columns carry the outflow to station pressure with
    ``pressure_scale(p, P_s, exponent)``. Intervals are ``(low, high)``.

    Attributes:
        pressure_mmhg: Hold pressure.
        duration_days: Hold duration.
        volume_m3: Volume interval used.
        net_limit_mmhg_day: Largest net pressure rate the hold cannot see.
        inflow_mmhg_day: Seal inflow interval at the hold pressure.
        outgassing_mmhg_day: Outgassing/desorption interval.
        hidden_outflow_mmhg_day: Outflow interval a steady gauge cannot exclude.
        hidden_outflow_k_per_day: The same as a decay constant at the hold pressure.
        net_limit_kg_day: ``net_limit`` as mass, interval over the volume box.
        inflow_kg_day: Seal inflow as mass.
        hidden_outflow_kg_day: Hidden outflow as mass (low over the box, high over the box).
        exponent: Mass-flow pressure exponent used for the station equivalents.
        station_pressure_mmhg: Station pressure.
        net_limit_station_kg_day: The net limit carried to station pressure (the old sealed-
            compartment reading of a hold).
        hidden_outflow_station_kg_day: Hidden outflow carried to station pressure.
    """

    pressure_mmhg: float
    duration_days: float
    volume_m3: Interval
    net_limit_mmhg_day: float
    inflow_mmhg_day: Interval
    outgassing_mmhg_day: Interval
    hidden_outflow_mmhg_day: Interval
    hidden_outflow_k_per_day: Interval
    net_limit_kg_day: Interval
    inflow_kg_day: Interval
    hidden_outflow_kg_day: Interval
    exponent: float
    station_pressure_mmhg: float
    net_limit_station_kg_day: Interval
    hidden_outflow_station_kg_day: Interval

    def excludes(self, outflow_kg_day_at_station: float) -> bool:
        """Whether the hold excludes an outflow of this size at station pressure.

        True only when the outflow lies above the highest hidden outflow.
        """
        return outflow_kg_day_at_station > self.hidden_outflow_station_kg_day[1]

    def summary(self) -> str:
        """What the hold can and cannot exclude, in words (numbers computed)."""
        lo, hi = self.hidden_outflow_kg_day
        return (
            f"A {self.duration_days:g}-day hold at {self.pressure_mmhg:g} mmHg bounds the NET "
            f"flow to {self.net_limit_mmhg_day:.3g} mmHg/day ({self.net_limit_kg_day[0]:.2g}-"
            f"{self.net_limit_kg_day[1]:.2g} kg/day). With a seal inflow of "
            f"{self.inflow_mmhg_day[0]:.3g}-{self.inflow_mmhg_day[1]:.3g} mmHg/day it cannot "
            f"exclude an outflow of {lo:.2g}-{hi:.2g} kg/day at {self.pressure_mmhg:g} mmHg, "
            f"{self.hidden_outflow_station_kg_day[0]:.2g}-"
            f"{self.hidden_outflow_station_kg_day[1]:.2g} kg/day for the same leak at "
            f"{self.station_pressure_mmhg:g} mmHg (mass flow ∝ p^{self.exponent:.3g}).")


def _interval(name: str, v: float | Sequence[float], nonneg: bool = True) -> Interval:
    if isinstance(v, (tuple, list, np.ndarray)):
        if len(v) != 2:
            raise PrkError(f"argument {name!r} = {v!r} must be a number or a (low, high) pair")
        lo, hi = float(v[0]), float(v[1])
    else:
        lo = hi = float(v)  # type: ignore[arg-type]
    chk = _nonneg if nonneg else _finite
    chk(name, lo)
    chk(name, hi)
    if lo > hi:
        raise PrkError(f"argument {name!r} = ({lo!r}, {hi!r}) has low > high")
    return (lo, hi)


def net_flow_bound(
    pressure_mmhg: float,
    duration_days: float,
    volume_m3: float | Sequence[float],
    *,
    inflow_mmhg_day: float | Sequence[float] = 0.0,
    outgassing_kg_day: float | Sequence[float] = 0.0,
    gauge_resolution_mmhg: float = 1.0,
    gauge_drift_mmhg: float = 0.0,
    temperature_drift_k: float = 0.0,
    temperature_k: float = T_CABIN,
    exponent: float = 1.0,
    station_pressure_mmhg: float = 760.0,
) -> NetFlowBound:
    """The net-flow reading of a steady hold (see :class:`NetFlowBound`).

    Transformations: ``net_limit = (resolution + gauge_drift + p dT/T) / duration``
    (mmHg/day; a linear drift of that size over the hold is invisible); outgassing in kg/day
    becomes mmHg/day through ``kg_per_mmhg(V)``; the hidden outflow is
    ``inflow + outgassing -/+ net_limit`` (floored at 0) in mmHg/day, times
    ``kg_per_mmhg(V)`` for kg/day (interval over ``volume_m3``), divided by ``p`` for a decay
    constant, and times ``pressure_scale(p, P_s, exponent)`` at station pressure.

    Args:
        pressure_mmhg: Hold pressure, mmHg.
        duration_days: Hold duration, days.
        volume_m3: Compartment free volume or ``(low, high)``, m3.
        inflow_mmhg_day: Seal inflow at the hold pressure, mmHg/day, or ``(low, high)``
            (see :func:`seal_inflow`).
        outgassing_kg_day: Gas released by the walls (outgassing, water desorption), kg/day.
        gauge_resolution_mmhg: Smallest resolved change, mmHg.
        gauge_drift_mmhg: Gauge drift over the hold (accuracy term), mmHg.
        temperature_drift_k: Unmeasured warming over the hold, K.
        temperature_k: Gas temperature, K.
        exponent: Mass-flow pressure exponent (:data:`REGIME_EXPONENTS` or fitted).
        station_pressure_mmhg: Station pressure, mmHg.

    Returns:
        A :class:`NetFlowBound`.

    Example (identity: a steady gauge with inflow k_in (760 - p) hides k_out = k_in (760-p)/p):
        >>> b = net_flow_bound(100, 30, 5.0, inflow_mmhg_day=0.021 * 660, gauge_resolution_mmhg=0)
        >>> round(b.hidden_outflow_k_per_day[1], 4), round(0.021 * 660 / 100, 4)
        (0.1386, 0.1386)
    """
    p = _positive("pressure_mmhg", pressure_mmhg)
    dur = _positive("duration_days", duration_days)
    vol = _interval("volume_m3", volume_m3)
    if vol[0] <= 0:
        raise PrkError(f"argument 'volume_m3' = {volume_m3!r} is outside the accepted range "
                       "(0, inf)")
    q_in = _interval("inflow_mmhg_day", inflow_mmhg_day)
    gas = _interval("outgassing_kg_day", outgassing_kg_day)
    res = _nonneg("gauge_resolution_mmhg", gauge_resolution_mmhg)
    gd = _nonneg("gauge_drift_mmhg", gauge_drift_mmhg)
    dt = _nonneg("temperature_drift_k", temperature_drift_k)
    t = _positive("temperature_k", temperature_k)
    ps = _positive("station_pressure_mmhg", station_pressure_mmhg)
    scale = pressure_scale(p, ps, exponent)
    e = (res + gd + p * dt / t) / dur
    kpm = (kg_per_mmhg(vol[0], t), kg_per_mmhg(vol[1], t))
    # outgassing in mmHg/day: a mass source is a larger pressure rate in a smaller volume
    gas_mm = (gas[0] / kpm[1], gas[1] / kpm[0])
    src = (q_in[0] + gas_mm[0], q_in[1] + gas_mm[1])
    hid = (max(src[0] - e, 0.0), src[1] + e)
    hid_kg = (hid[0] * kpm[0], hid[1] * kpm[1])
    net_kg = (e * kpm[0], e * kpm[1])
    return NetFlowBound(
        pressure_mmhg=p, duration_days=dur, volume_m3=vol, net_limit_mmhg_day=e,
        inflow_mmhg_day=q_in, outgassing_mmhg_day=gas_mm, hidden_outflow_mmhg_day=hid,
        hidden_outflow_k_per_day=(hid[0] / p, hid[1] / p), net_limit_kg_day=net_kg,
        inflow_kg_day=(q_in[0] * kpm[0], q_in[1] * kpm[1]), hidden_outflow_kg_day=hid_kg,
        exponent=float(exponent), station_pressure_mmhg=ps,
        net_limit_station_kg_day=(net_kg[0] * scale, net_kg[1] * scale),
        hidden_outflow_station_kg_day=(hid_kg[0] * scale, hid_kg[1] * scale))


def seal_inflow(
    pressure_mmhg: float, rate: float, *, regime: str = "choked",
    station_pressure_mmhg: float = 760.0, gamma: float = 1.4,
) -> float:
    """Inflow across the hatch seal into the PrK at ``pressure_mmhg``, mmHg/day.

    * ``"choked"`` (default): the seal is an orifice fed from the station, so ``rate`` is the
      choked inflow (mmHg/day) and the flow is ``rate * orifice_flow_fraction(p, P_s)``:
      independent of ``p`` below the critical ratio (about 401 mmHg), falling to 0 at
      ``p = P_s``. The July 2021 equilibrium curve ``p_inf + (p0 - p_inf) exp(-k t)`` read
      this way has ``k_out = k`` and ``rate = k p_inf``.
    * ``"linear"``: ``rate`` is ``k_in`` (1/day) and the flow is ``k_in (P_s - p)`` (the
      equilibrium model as first written: ``k_out = k (1 - p_inf/P_s)``, ``k_in = k p_inf/P_s``).

    Example:
        >>> round(seal_inflow(100, 0.021, regime="linear"), 2)
        13.86
        >>> seal_inflow(100, 16.0) == seal_inflow(300, 16.0) == 16.0
        True
    """
    p = _nonneg("pressure_mmhg", pressure_mmhg)
    q = _nonneg("rate", rate)
    ps = _positive("station_pressure_mmhg", station_pressure_mmhg)
    if p > ps:
        raise PrkError(f"argument 'pressure_mmhg' = {pressure_mmhg!r} is outside the accepted "
                       f"range [0, station_pressure_mmhg = {ps:g}]")
    if regime == "linear":
        return q * (ps - p)
    if regime != "choked":
        raise PrkError(f"argument 'regime' = {regime!r} is outside the accepted values "
                       "('choked', 'linear')")
    return q * orifice_flow_fraction(p, ps, gamma)


@dataclass(frozen=True)
class TwoHoldSeparation:
    """Outflow and inflow bounds from steady holds at two pressures.

    Net flow at ``p_i`` is ``a p_i^n - b g(p_i)`` (outflow coefficient ``a``, inflow
    coefficient ``b``, ``g = P_s - p`` linear or ``1`` choked). Two holds with
    ``|net_i| <= e_i`` give ``|a| <= (e1 g2 + e2 g1) / |p1^n g2 - p2^n g1|`` (Cramer's rule
    on the 2x2 system): the outflow is separated from the inflow unless the two pressures
    make the system singular (equal pressures).

    Attributes:
        pressures_mmhg: ``(p1, p2)``.
        net_limits_mmhg_day: ``(e1, e2)``.
        outflow_coef_max: Largest ``a`` (mmHg/day per mmHg^n).
        outflow_mmhg_day_max: ``(a p1^n, a p2^n)`` at the two hold pressures.
        outflow_station_mmhg_day_max: ``a P_s^n``.
        inflow_coef_max: Largest ``b``.
        exponent: ``n``.
        inflow_regime: ``"linear"`` or ``"choked"``.
    """

    pressures_mmhg: Interval
    net_limits_mmhg_day: Interval
    outflow_coef_max: float
    outflow_mmhg_day_max: Interval
    outflow_station_mmhg_day_max: float
    inflow_coef_max: float
    exponent: float
    inflow_regime: str


def two_hold_separation(
    p1_mmhg: float, p2_mmhg: float, net_limit1_mmhg_day: float, net_limit2_mmhg_day: float,
    *, exponent: float = 1.0, inflow_regime: str = "choked",
    station_pressure_mmhg: float = 760.0,
) -> TwoHoldSeparation:
    """What two steady holds at different pressures exclude (see :class:`TwoHoldSeparation`).

    Example (two holds at 100 and 300 mmHg, each steady to 0.05 mmHg/day, choked inflow):
        >>> s = two_hold_separation(100, 300, 0.05, 0.05)
        >>> round(s.outflow_coef_max, 6), round(s.outflow_station_mmhg_day_max, 3)
        (0.0005, 0.38)
    """
    p1 = _positive("p1_mmhg", p1_mmhg)
    p2 = _positive("p2_mmhg", p2_mmhg)
    e1 = _nonneg("net_limit1_mmhg_day", net_limit1_mmhg_day)
    e2 = _nonneg("net_limit2_mmhg_day", net_limit2_mmhg_day)
    ps = _positive("station_pressure_mmhg", station_pressure_mmhg)
    n = _number("exponent", exponent, "[0, 4]")
    if inflow_regime == "linear":
        g1, g2 = ps - p1, ps - p2
    elif inflow_regime == "choked":
        g1 = g2 = 1.0
    else:
        raise PrkError(f"argument 'inflow_regime' = {inflow_regime!r} is outside the accepted "
                       "values ('choked', 'linear')")
    det = p1**n * g2 - p2**n * g1
    if abs(det) < 1e-12 * max(p1**n * abs(g2), p2**n * abs(g1), 1e-300):
        raise PrkError(f"arguments 'p1_mmhg' = {p1_mmhg!r} and 'p2_mmhg' = {p2_mmhg!r}: holds "
                       "at these pressures cannot separate outflow from inflow (singular system)")
    a = (e1 * abs(g2) + e2 * abs(g1)) / abs(det)
    b = (e1 * p2**n + e2 * p1**n) / abs(det)
    return TwoHoldSeparation(
        pressures_mmhg=(p1, p2), net_limits_mmhg_day=(e1, e2), outflow_coef_max=a,
        outflow_mmhg_day_max=(a * p1**n, a * p2**n), outflow_station_mmhg_day_max=a * ps**n,
        inflow_coef_max=b, exponent=float(n), inflow_regime=inflow_regime)
