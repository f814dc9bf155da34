"""What "holding steady" can exclude: detection limits as bounds on NET flow.

A hold of the isolated PrK at one pressure ``p`` shows that the NET flow (outflow through the
leak, minus inflow across the hatch seal from the station, minus gas released by the walls)
was too small to move the gauge. It does not show that the outflow was small: a steady gauge
is what an outflow equal to the inflow looks like. :func:`stop_bound` puts numbers on both:

* the **net limit**: the largest net pressure rate the hold cannot see,
  ``(gauge resolution + gauge drift + p dT/T) / duration``, as mass through the PrK volume;
* the **hidden outflow**: ``seal inflow + outgassing -/+ net limit``. With the July 2021
  equilibrium fit read as a choked seal inflow (:mod:`prkanalysis.analysis.flow`), about
  16 mmHg/day flows in below 400 mmHg; a steady gauge then hides an outflow decay constant of
  ``q_in / p`` (``k_in (760 - p)/p`` with a linear inflow);
* both **at station pressure**, scaled with the mass-flow exponent
  (:func:`prkanalysis.physics.pressure_scale`; the July 2021 fit by default, about 1.9: x50
  from 100 to 760 mmHg, not the choked x7.6);
* what **two holds at different pressures** would separate
  (:func:`prkanalysis.physics.two_hold_separation`).

The isolated PrK is not on cabin temperature control, so the unmeasured temperature drift is
a parameter range, by default up to the width of the cabin design band (constants K11).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from prkanalysis import physics
from prkanalysis.errors import DataValidationError, PrkError
from prkanalysis.units import convert

__all__ = [
    "StopBound",
    "detection_sensitivity",
    "rates_after_stop",
    "stop_bound",
    "stop_detection_limits",
    "temperature_drift_range",
]

Interval = tuple[float, float]


def _iv(v: float | Sequence[float]) -> Interval:
    if isinstance(v, (tuple, list)):
        return (float(min(v)), float(max(v)))
    return (float(v), float(v))  # type: ignore[arg-type]


def _const(record: Any, cid: str, unit: str) -> tuple[float, float]:
    c = record.constants
    row = c[c["constant_id"].astype(str) == cid]
    if row.empty:
        raise DataValidationError(f"row {cid!r} not found", file="constants",
                                  column="constant_id", value=cid)
    r = row.iloc[0]
    vals = [pd.to_numeric(pd.Series([r.get(k)]), errors="coerce").iloc[0]
            for k in ("value", "value_low", "value_high")]
    nums = [float(v) for v in vals if pd.notna(v)]
    u = str(r["unit"])
    conv = [float(convert(v, u, unit)) if u != unit else v for v in nums]
    return (min(conv), max(conv))


def temperature_drift_range(record: Any) -> Interval:
    """Default unmeasured temperature drift of the isolated PrK over a hold, K: ``(0, w)``.

    ``w`` is the width of the cabin design band (constants K11, 18.3-26.7 C): the PrK is
    closed off from the cabin's temperature control, so the setpoint tolerance (K10) is no
    basis; the design band is the widest range the record gives for the module's air.
    """
    lo, hi = _const(record, "K11", "degC")
    return (0.0, hi - lo)


@dataclass(frozen=True)
class StopBound:
    """The "stopped" statement as a bound on net flow (see the module docstring).

    Every ``(low, high)`` spans the input box (volume, gauge, temperature, inflow, exponent).

    Attributes:
        pressure_mmhg: Hold pressure.
        duration_days: Hold duration assumed (none was published).
        volume_m3: PrK volume interval used (``None`` if undetermined).
        exponent: Mass-flow pressure exponent interval.
        inflow_mmhg_day: Seal inflow interval at the hold pressure.
        net_limit_kg_day: What the hold bounds: net flow, at hold pressure.
        net_limit_station_kg_day: The same carried to station pressure (what the old
            sealed-compartment reading claimed to exclude).
        hidden_outflow_kg_day: Outflow a steady gauge cannot exclude, at hold pressure.
        hidden_outflow_station_kg_day: The same leak at station pressure.
        hidden_outflow_k_per_day: As a decay constant at the hold pressure.
        module_allowance_kg_day: Per-module design allowance (constants K24).
        station_allowance_kg_day: Whole-station allowance (constants K23).
        excludes_module_allowance: Whether a steady hold excludes an outflow of the
            per-module allowance at station pressure (hidden outflow high below it).
        net_excludes_module_allowance: Whether the NET limit is below it (the old reading).
        two_hold_outflow_station_kg_day: Largest outflow at station pressure left by two steady
            holds at ``two_hold_pressures_mmhg`` with the same net limit (``None`` if the
            volume is undetermined).
        two_hold_pressures_mmhg: The pressures of that illustration.
        determined: False when the volume cannot be determined at the trusted grades.
        wording: What the hold shows, in words (computed).
        caveat: What it cannot show, in words (computed).
    """

    pressure_mmhg: float
    duration_days: float
    volume_m3: Interval | None
    exponent: Interval
    inflow_mmhg_day: Interval
    net_limit_kg_day: Interval
    net_limit_station_kg_day: Interval
    hidden_outflow_kg_day: Interval
    hidden_outflow_station_kg_day: Interval
    hidden_outflow_k_per_day: Interval
    module_allowance_kg_day: float
    station_allowance_kg_day: float
    excludes_module_allowance: bool
    net_excludes_module_allowance: bool
    two_hold_outflow_station_kg_day: float | None
    two_hold_pressures_mmhg: Interval
    determined: bool
    wording: str
    caveat: str


def _fmt(x: float) -> str:
    return f"{x:.2g}" if abs(x) < 10 else f"{x:.0f}"


def stop_bound(
    record: Any = None,
    *,
    grades: Sequence[str] | None = None,
    volume_m3: float | Sequence[float] | None = None,
    pressure_mmhg: float | None = None,
    duration_days: float = 30.0,
    gauge_resolution_mmhg: float | Sequence[float] = (0.1, 1.0),
    gauge_drift_mmhg: float | Sequence[float] = 0.0,
    temperature_drift_k: float | Sequence[float] | None = None,
    temperature_k: float | Sequence[float] = (295.15, 297.15),
    outgassing_kg_day: float | Sequence[float] = 0.0,
    inflow: str | float | Sequence[float] = "choked",
    exponent: str | float = "fitted",
    station_pressure_mmhg: float = 760.0,
    second_hold_mmhg: float = 300.0,
) -> StopBound:
    """The net-flow bound of a hold of the isolated PrK (the ledger's C5 and chapter 03).

    Args:
        record: The evidence record (default ``load_record()``).
        grades: Trusted grades for the volume (default the judgements table's).
        volume_m3: PrK volume or interval (default the same-state volume band,
            :func:`prkanalysis.analysis.volume.volume_estimate`).
        pressure_mmhg: Hold pressure (default the agreed hold of reading PR17, 100 mmHg).
        duration_days: Hold duration, days (none was published).
        gauge_resolution_mmhg: Gauge resolution or interval (unpublished).
        gauge_drift_mmhg: Gauge drift over the hold (accuracy term), mmHg.
        temperature_drift_k: Unmeasured warming over the hold (default
            :func:`temperature_drift_range`).
        temperature_k: Gas temperature interval, K.
        outgassing_kg_day: Wall outgassing and water desorption, kg/day (unpublished).
        inflow: ``"choked"`` or ``"linear"`` (the July 2021 equilibrium fit read either way),
            ``"none"`` (a sealed hatch), or a number/interval in mmHg/day.
        exponent: ``"fitted"`` (July 2021), ``"choked"``, ``"viscous"`` or a number.
        station_pressure_mmhg: Station pressure.
        second_hold_mmhg: Pressure of the second hold in the two-hold illustration.

    Returns:
        A :class:`StopBound`.
    """
    from prkanalysis.analysis.flow import resolve_exponent, trusted_flow
    from prkanalysis.analysis.volume import volume_estimate

    if record is None:
        from prkanalysis import load_record

        record = load_record()
    readings = record.pressure_readings
    if pressure_mmhg is None:
        pr = readings[readings["reading_id"].astype(str) == "PR17"]
        pressure_mmhg = float(pr["pressure_mmhg"].iloc[0]) if len(pr) else 100.0
    p = float(pressure_mmhg)
    flow = trusted_flow(record, grades, station_pressure_mmhg=station_pressure_mmhg)
    n_iv, n_basis = resolve_exponent(exponent, flow)
    inflow_known = True
    if isinstance(inflow, str):
        if inflow == "none":
            q_in: Interval = (0.0, 0.0)
        elif flow is None:
            # no trusted July 2021 fit: the seal inflow is not measured at these grades
            q_in, inflow_known = (0.0, 0.0), False
        else:
            q_in = flow.inflow_mmhg_day(p, inflow)
    else:
        q_in = _iv(inflow)
    vol: Interval | None
    if volume_m3 is None:
        est = volume_estimate(record, grades=grades)
        vol = est.band
    else:
        vol = _iv(volume_m3)
    m_allow = _const(record, "K24", "kg/day")[0]
    s_allow = _const(record, "K23", "kg/day")[0]
    drift = temperature_drift_range(record) if temperature_drift_k is None \
        else _iv(temperature_drift_k)
    if vol is None:
        nan2 = (math.nan, math.nan)
        return StopBound(
            pressure_mmhg=p, duration_days=duration_days, volume_m3=None, exponent=n_iv,
            inflow_mmhg_day=q_in, net_limit_kg_day=nan2, net_limit_station_kg_day=nan2,
            hidden_outflow_kg_day=nan2, hidden_outflow_station_kg_day=nan2,
            hidden_outflow_k_per_day=(q_in[0] / p, q_in[1] / p),
            module_allowance_kg_day=m_allow, station_allowance_kg_day=s_allow,
            excludes_module_allowance=False, net_excludes_module_allowance=False,
            two_hold_outflow_station_kg_day=None,
            two_hold_pressures_mmhg=(p, second_hold_mmhg), determined=False,
            wording=(f"A hold at {p:g} mmHg bounds only the net flow; with no trusted figure "
                     "to fix the PrK volume, its size in kg/day cannot be determined."),
            caveat=("Holding steady is consistent with an outflow equal to the seal inflow "
                    + (f"({q_in[0]:.3g}-{q_in[1]:.3g} mmHg/day at {p:g} mmHg)." if inflow_known
                       else "(which no trusted reading measures at these grades).")))
    res, gd, tk = _iv(gauge_resolution_mmhg), _iv(gauge_drift_mmhg), _iv(temperature_k)
    gas = _iv(outgassing_kg_day)
    # the bound grows with resolution, drift, volume and inflow and falls with temperature:
    # evaluate at the two extreme corners
    lo_b = physics.net_flow_bound(p, duration_days, vol[0], inflow_mmhg_day=q_in[0],
                                  outgassing_kg_day=gas[0], gauge_resolution_mmhg=res[0],
                                  gauge_drift_mmhg=gd[0], temperature_drift_k=drift[0],
                                  temperature_k=tk[1], exponent=n_iv[0],
                                  station_pressure_mmhg=station_pressure_mmhg)
    hi_b = physics.net_flow_bound(p, duration_days, vol[1], inflow_mmhg_day=q_in[1],
                                  outgassing_kg_day=gas[1], gauge_resolution_mmhg=res[1],
                                  gauge_drift_mmhg=gd[1], temperature_drift_k=drift[1],
                                  temperature_k=tk[0], exponent=n_iv[0],
                                  station_pressure_mmhg=station_pressure_mmhg)
    # a smaller exponent scales less from p up to the station (p < P_s): take both ends
    sc = [physics.pressure_scale(p, station_pressure_mmhg, n) for n in n_iv]
    net = (lo_b.net_limit_kg_day[0], hi_b.net_limit_kg_day[1])
    hid = (lo_b.hidden_outflow_kg_day[0], hi_b.hidden_outflow_kg_day[1])
    net_st = (net[0] * min(sc), net[1] * max(sc))
    hid_st = (hid[0] * min(sc), hid[1] * max(sc))
    two = physics.two_hold_separation(p, second_hold_mmhg, hi_b.net_limit_mmhg_day,
                                      hi_b.net_limit_mmhg_day, exponent=n_iv[1],
                                      station_pressure_mmhg=station_pressure_mmhg)
    kpm_hi = physics.kg_per_mmhg(vol[1], tk[0])
    two_kg = two.outflow_station_mmhg_day_max * kpm_hi
    hid_k = (lo_b.hidden_outflow_k_per_day[0], hi_b.hidden_outflow_k_per_day[1])
    if not inflow_known:
        # the seal inflow is not measured by any trusted reading: the outflow a steady gauge
        # hides has no upper bound from the record
        hid = (hid[0], math.inf)
        hid_st = (hid_st[0], math.inf)
        hid_k = (hid_k[0], math.inf)
    excl = hid_st[1] < m_allow
    net_excl = net_st[1] < m_allow
    wording = (
        f"A steady {duration_days:g}-day hold at {p:g} mmHg bounds the net flow (leak outflow "
        f"minus seal inflow and outgassing) to {_fmt(net[1])} kg/day; the same leak at "
        f"{station_pressure_mmhg:g} mmHg would be up to {_fmt(net_st[1])} kg/day "
        f"(mass flow ∝ p^{n_iv[0]:.2g}-{n_iv[1]:.2g}, {n_basis}).")
    two_text = (f"Holds at two pressures ({p:g} and {second_hold_mmhg:g} mmHg) steady to the "
                f"same net limit would bound the outflow at {station_pressure_mmhg:g} mmHg to "
                f"{_fmt(two_kg)} kg/day.")
    if inflow_known:
        caveat = (
            f"It does not bound the outflow: with the seal inflow of the July 2021 fit "
            f"({q_in[0]:.3g}-{q_in[1]:.3g} mmHg/day at {p:g} mmHg), a steady gauge hides an "
            f"outflow of {_fmt(hid[0])}-{_fmt(hid[1])} kg/day at {p:g} mmHg, "
            f"{_fmt(hid_st[0])}-{_fmt(hid_st[1])} kg/day for the same leak at "
            f"{station_pressure_mmhg:g} mmHg, against a per-module allowance of "
            f"{m_allow:.3g} kg/day. " + two_text)
    else:
        caveat = (
            "It does not bound the outflow: a steady gauge is what an outflow equal to the "
            "inflow across the hatch seal looks like, and no reading trusted at these grades "
            "measures that inflow (fewer than four readings of the July 2021 series, the "
            "one decay that does, are trusted), so the hidden outflow cannot be determined; "
            "against a "
            f"per-module allowance of {m_allow:.3g} kg/day nothing is excluded. " + two_text)
    return StopBound(
        pressure_mmhg=p, duration_days=float(duration_days), volume_m3=vol, exponent=n_iv,
        inflow_mmhg_day=q_in, net_limit_kg_day=net, net_limit_station_kg_day=net_st,
        hidden_outflow_kg_day=hid, hidden_outflow_station_kg_day=hid_st,
        hidden_outflow_k_per_day=hid_k,
        module_allowance_kg_day=m_allow, station_allowance_kg_day=s_allow,
        excludes_module_allowance=excl, net_excludes_module_allowance=net_excl,
        two_hold_outflow_station_kg_day=two_kg, two_hold_pressures_mmhg=(p, second_hold_mmhg),
        determined=True, wording=wording, caveat=caveat)


def stop_detection_limits(
    volume_m3: float | Interval,
    *,
    pressure_mmhg: float = 100.0,
    durations_days: Sequence[float] = (1, 7, 30, 90, 180),
    gauge_resolution_mmhg: float | Interval = (0.1, 1.0),
    temperature_k: float | Interval = (295.15, 297.15),
    temperature_drift_k: float | Interval = (0.0, 10 / 9),
    station_pressure_mmhg: float = 760.0,
    exponent: float | Interval = 1.0,
    inflow_mmhg_day: float | Interval = 0.0,
    outgassing_kg_day: float | Interval = 0.0,
) -> pd.DataFrame:
    """Net-flow detection limit of a hold by duration, and the outflow it hides.

    The columns of :func:`prkanalysis.physics.detection_limit_curve` (the NET limit: the
    largest net decay a steady gauge cannot see), ``duration_h``, ``pressure_mmhg``, the
    station-pressure equivalents ``kg_per_day_station`` (``_low``/``_high``) scaled by
    ``pressure_scale(p, P_s, n)`` over the ``exponent`` interval (1 = choked orifice, the old
    x7.6; the July 2021 fit gives about 1.9), and the hidden outflow
    ``hidden_kg_per_day_low``/``_high`` (at the hold pressure) and
    ``hidden_kg_per_day_station_low``/``_high``: ``inflow + outgassing -/+ net limit``.

    Example:
        >>> one = stop_detection_limits(5.0, durations_days=[1.0], gauge_resolution_mmhg=1.0,
        ...                             temperature_k=295.15, temperature_drift_k=0.0)
        >>> row = one.iloc[0]
        >>> round(float(row["kg_per_day"]), 7), round(float(row["kg_per_day_station"]), 4)
        (0.0079076, 0.0601)
    """
    def _hi(v: float | Interval) -> float:
        return float(max(v)) if isinstance(v, (tuple, list)) else float(v)

    def _lo(v: float | Interval) -> float:
        return float(min(v)) if isinstance(v, (tuple, list)) else float(v)

    drop = _hi(gauge_resolution_mmhg) + pressure_mmhg * _hi(temperature_drift_k) / _lo(
        temperature_k)
    if not drop < pressure_mmhg:
        raise DataValidationError(
            f"the undetectable drop ({drop:g} mmHg: gauge resolution plus p dT/T) must be "
            f"smaller than the hold pressure {pressure_mmhg:g} mmHg",
            column="gauge_resolution_mmhg", value=drop)
    df = physics.detection_limit_curve(durations_days, pressure_mmhg, gauge_resolution_mmhg,
                                       volume_m3, temperature_k, temperature_drift_k)
    df.insert(1, "duration_h", df["duration_days"] * 24.0)
    df.insert(2, "pressure_mmhg", float(pressure_mmhg))
    n = _iv(exponent)
    sc = [physics.pressure_scale(pressure_mmhg, station_pressure_mmhg, x) for x in n]
    df["kg_per_day_station"] = df["kg_per_day"] * physics.pressure_scale(
        pressure_mmhg, station_pressure_mmhg, sum(n) / 2)
    df["kg_per_day_station_low"] = df["kg_per_day_low"] * min(sc)
    df["kg_per_day_station_high"] = df["kg_per_day_high"] * max(sc)
    q = _iv(inflow_mmhg_day)
    gas = _iv(outgassing_kg_day)
    v = _iv(volume_m3)
    t = _iv(temperature_k)
    kpm = (physics.kg_per_mmhg(v[0], t[1]), physics.kg_per_mmhg(v[1], t[0]))
    hid_lo = [max(q[0] * kpm[0] + gas[0] - m, 0.0) for m in df["kg_per_day_high"]]
    hid_hi = [q[1] * kpm[1] + gas[1] + m for m in df["kg_per_day_high"]]
    df["hidden_kg_per_day_low"] = hid_lo
    df["hidden_kg_per_day_high"] = hid_hi
    df["hidden_kg_per_day_station_low"] = [x * min(sc) for x in hid_lo]
    df["hidden_kg_per_day_station_high"] = [x * max(sc) for x in hid_hi]
    return df


def detection_sensitivity(record: Any = None, *, grades: Sequence[str] | None = None,
                          duration_days: float = 30.0) -> pd.DataFrame:
    """How far each unpublished term moves the main "stopped" numbers (one row per setting).

    Terms: the temperature drift (0; the cabin setpoint tolerance K10, no basis for the
    isolated PrK; the design-band width K11), the gauge (resolution 0.1 and 1 mmHg; a drift of
    1 mmHg over the hold), outgassing (0, 1e-3 and 1e-2 kg/day, orders of magnitude with no
    published value), the seal inflow (none, linear, choked) and the flow exponent (choked,
    fitted, viscous). Every other input stays at the :func:`stop_bound` default.

    Returns:
        ``term``, ``setting``, ``net_limit_station_high`` (kg/day),
        ``hidden_outflow_station_high`` (kg/day), ``hidden_outflow_high`` (kg/day at the hold
        pressure), ``excludes_module_allowance``.
    """
    if record is None:
        from prkanalysis import load_record

        record = load_record()
    tol_f = _const(record, "K10", "degF")[0]
    tol_k = tol_f * 5.0 / 9.0
    band = temperature_drift_range(record)[1]
    from prkanalysis.analysis.flow import trusted_flow

    fitted_label = ("July 2021 fit (default)" if trusted_flow(record, grades) is not None else
                    "fitted (default): no trusted July 2021 fit, choked-to-viscous bracket")
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("baseline", "defaults", {}),
        ("temperature drift", "0 K", {"temperature_drift_k": 0.0}),
        ("temperature drift", f"{tol_k:.2f} K (cabin setpoint tolerance)",
         {"temperature_drift_k": (0.0, tol_k)}),
        ("temperature drift", f"{band:.1f} K (cabin design band width)",
         {"temperature_drift_k": (0.0, band)}),
        ("gauge", "resolution 0.1 mmHg", {"gauge_resolution_mmhg": 0.1}),
        ("gauge", "resolution 1 mmHg", {"gauge_resolution_mmhg": 1.0}),
        ("gauge", "drift up to 1 mmHg over the hold", {"gauge_drift_mmhg": (0.0, 1.0)}),
        ("outgassing", "1e-3 kg/day", {"outgassing_kg_day": 1e-3}),
        ("outgassing", "1e-2 kg/day", {"outgassing_kg_day": 1e-2}),
        ("seal inflow", "none (sealed hatch)", {"inflow": "none"}),
        ("seal inflow", "linear in 760 - p", {"inflow": "linear"}),
        ("seal inflow", "choked (default)", {"inflow": "choked"}),
        ("flow exponent", "choked orifice (n = 1)", {"exponent": "choked"}),
        ("flow exponent", fitted_label, {"exponent": "fitted"}),
        ("flow exponent", "viscous gap (n = 2)", {"exponent": "viscous"}),
    ]
    rows: list[dict[str, Any]] = []
    for term, setting, kw in cases:
        try:
            b = stop_bound(record, grades=grades, duration_days=duration_days, **kw)
        except PrkError as exc:
            rows.append({"term": term, "setting": setting, "error": str(exc)})
            continue
        rows.append({"term": term, "setting": setting,
                     "net_limit_station_high": b.net_limit_station_kg_day[1],
                     "hidden_outflow_high": b.hidden_outflow_kg_day[1],
                     "hidden_outflow_station_high": b.hidden_outflow_station_kg_day[1],
                     "excludes_module_allowance": b.excludes_module_allowance})
    return pd.DataFrame(rows)


def rates_after_stop(rates: pd.DataFrame, stop_end: Any) -> pd.DataFrame:
    """Rates that show the leak active after a stop, earliest first.

    A rate counts when its ``period_start`` is after the stop's last day and its lower bound
    ``kg_per_day_low`` is positive (a "less than" figure does not show a leak): the rule of
    the claims ledger's C5 (``n_rates_after_stop``).

    Example:
        >>> r = pd.DataFrame({"rate_id": ["a", "b", "c"],
        ...                   "period_start": ["2025-12-01", "2026-05-01", "2026-06-05"],
        ...                   "kg_per_day_low": [0.4, 0.3, 0.0]})
        >>> rates_after_stop(r, "2026-01-02")["rate_id"].tolist()
        ['b']
    """
    from prkanalysis.errors import ArgumentError

    if not isinstance(rates, pd.DataFrame) or not {"period_start", "kg_per_day_low"} <= set(
            rates.columns):
        raise ArgumentError("rates", rates, "a DataFrame of normalised rates with "
                            "'period_start' and 'kg_per_day_low'")
    try:
        end: Any = pd.Timestamp(stop_end)
    except (TypeError, ValueError):
        end = pd.NaT
    if pd.isna(end):
        raise ArgumentError("stop_end", stop_end, "a date (the stop's last day)")
    start = pd.to_datetime(rates["period_start"], errors="coerce")
    low = pd.to_numeric(rates["kg_per_day_low"], errors="coerce")
    keep = (start > end) & (low > 0)
    return rates[keep.fillna(False)].assign(_s=start[keep.fillna(False)]).sort_values(
        "_s", kind="stable").drop(columns="_s")
