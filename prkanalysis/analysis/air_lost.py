"""Air lost to the PrK leak: a scenario envelope, labelled as one.

The total is not a probability band: it sums, epoch by epoch, the lowest and highest rate the
evidence allows, so its ends are scenarios (the leak at its lowest, or its highest, allowed
rate throughout). The epochs are the ``air_lost_epochs`` judgement table; per epoch:

* **Trust**: only the named rows the reader trusts count (``leak_rates`` rows present in the
  ``rates`` passed; whole-station pressure figures of ``other_figures`` by the best grade of
  their sources, converted with the station volume K12). An epoch left with no trusted row
  takes the widest bounds of its nearest neighbours with evidence and is flagged.
* **Rule**: ``envelope`` (lowest low to highest high), ``bounded_prev`` (the rows' low to the
  larger of their high and the previous epoch's high: a sealing does not enlarge a leak) or
  ``scaled_hold`` (PrK held at a low pressure: the previous epoch's rate scaled by
  ``(p_hold/760)^n`` with the July 2021 exponent interval, except for the fraction of time the
  hatch is open for cargo, when it leaks at station pressure; low end 0).
* **Background**: ``included`` subtracts the measured station background (constants K25-K26,
  0.064-0.227 kg/day); ``unknown`` subtracts from 0 up to its high end (low end only);
  ``none`` nothing. Floored at 0.

The no-data epochs (``no_data``: no dated measurement, Aug 2021 - Feb 2024) are totalled as
their own band. The total is compared with the per-module design allowance (constants K24) and
the whole-station one (K23), and its nitrogen (mass fraction of N2 in air from the 79/21 mole
split, ``record/physics.md`` section 1) with the nitrogen of the recorded deliveries (N2 in
full, air at its N2 fraction, unspecified "compressed gases" from none to all).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from prkanalysis import physics
from prkanalysis.errors import DataValidationError
from prkanalysis.units import convert

__all__ = [
    "AIR_LOST_METHODS",
    "N2_MOLE_FRACTION",
    "AirLost",
    "cumulative_air_lost",
    "epoch_rates",
    "n2_mass_fraction",
    "nitrogen_delivered",
]

Interval = tuple[float, float]

#: Methods of :func:`cumulative_air_lost`.
AIR_LOST_METHODS: tuple[str, ...] = ("epochs", "daily")
#: Nitrogen mole fraction of cabin air ("O2/N2 mix about 21/79", record/physics.md section 1).
N2_MOLE_FRACTION = 0.79
_M_N2 = 0.0280134
_M_O2 = 0.0319988


def n2_mass_fraction(x_n2: float = N2_MOLE_FRACTION) -> float:
    """Mass fraction of N2 in an N2/O2 mix of N2 mole fraction ``x_n2``.

    Example:
        >>> round(n2_mass_fraction(), 3)
        0.767
    """
    if not 0 <= x_n2 <= 1:
        raise DataValidationError(f"argument 'x_n2' = {x_n2!r} is outside the accepted range "
                                  "[0, 1]", column="x_n2", value=x_n2)
    return x_n2 * _M_N2 / (x_n2 * _M_N2 + (1 - x_n2) * _M_O2)


def nitrogen_delivered(gas_deliveries: pd.DataFrame | None, start: pd.Timestamp,
                       end: pd.Timestamp) -> Interval:
    """N2 (kg) in the recorded deliveries launched in ``[start, end)``, as ``(low, high)``.

    ``N2`` rows count in full, ``air`` rows at :func:`n2_mass_fraction`, any other gas (e.g.
    "compressed gases (extra N2)") from 0 to its full mass. Dragon, Cygnus and NORS masses are
    unpublished, so this is a floor of what was shipped.
    """
    if gas_deliveries is None or gas_deliveries.empty:
        return (math.nan, math.nan)
    g = gas_deliveries.copy()
    d = pd.to_datetime(g["launch_date"], errors="coerce")
    g = g[(d >= start) & (d < end)]
    m = pd.to_numeric(g["gas_mass_kg"], errors="coerce").fillna(0.0)
    gas = g["gas"].astype(str).str.strip().str.lower()
    w = n2_mass_fraction()
    is_n2 = gas.eq("n2")
    is_air = gas.isin(["air", "compressed air"])
    other = ~(is_n2 | is_air)
    lo = float(m[is_n2].sum() + w * m[is_air].sum())
    return (lo, lo + float(m[other].sum()))


@dataclass(frozen=True, eq=False)
class AirLost:
    """Cumulative air lost to the PrK leak: a SCENARIO ENVELOPE, not a probability band.

    Attributes:
        epochs: One row per epoch (``epoch_id``, ``start``, ``end``, ``days``, ``rate_ids``
            (trusted rows used), ``rule``, ``background``, ``no_data``, ``evidence``
            (``"trusted rows"``, ``"neighbours"`` or ``"none"``), ``kg_per_day_low``,
            ``kg_per_day_high``, ``kg_low``, ``kg_high``, ``basis``); empty for ``"daily"``.
        total_kg: ``(low, high)`` over the period (NaN when undetermined).
        data_kg: The part from epochs with dated data.
        no_data_kg: The part from the no-data epochs (their own band).
        days: Length of the period, days.
        progress_kg: ``(min, max)`` gas mass per Progress delivery.
        progress_equivalents: ``(total_low / max, total_high / min)``.
        allowance_kg: Whole-station design allowance (K23) over the days.
        module_allowance_kg: Per-module design allowance (K24) over the days.
        background_kg: The 2011 background (K26) over the days.
        nitrogen_kg: N2 in the air lost, ``(low, high)``.
        nitrogen_delivered_kg: N2 in the recorded deliveries of the period, ``(low, high)``.
        method: ``"epochs"`` or ``"daily"``.
        start: First day.
        end: End (exclusive).
        daily: Day-by-day path (``date``, ``rate_low``, ``rate_central``, ``rate_high``,
            ``observed``, ``low_kg``, ``central_kg``, ``high_kg``).
        determined: False when no trusted evidence bounds any epoch.
        label: ``"scenario envelope"``.
    """

    epochs: pd.DataFrame
    total_kg: Interval
    data_kg: Interval
    no_data_kg: Interval
    days: float
    progress_kg: Interval
    progress_equivalents: Interval
    allowance_kg: float
    module_allowance_kg: float
    background_kg: float
    nitrogen_kg: Interval
    nitrogen_delivered_kg: Interval
    method: str
    start: pd.Timestamp
    end: pd.Timestamp
    daily: pd.DataFrame
    determined: bool = True
    label: str = "scenario envelope"

    @property
    def period(self) -> str:
        """The period in words, e.g. ``"1 Sep 2019 to 30 Jun 2026 (2494 days)"``."""
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y} ({self.days:.0f} days)"

    def summary(self) -> str:
        """A few sentences in words; every number computed."""
        if not self.determined:
            return (f"Air lost to the PrK leak, {self.period}: cannot be determined, no trusted "
                    "rate bounds any epoch at these grades.")
        lo, hi = self.total_kg
        return (
            f"Air lost to the PrK leak, {self.period} ({self.label}: every epoch at its lowest "
            f"or its highest allowed rate, not a probability band): {lo:.0f} to {hi:.0f} kg, "
            f"of which the no-data years give {self.no_data_kg[0]:.0f} to "
            f"{self.no_data_kg[1]:.0f} kg. Nitrogen in it: {self.nitrogen_kg[0]:.0f} to "
            f"{self.nitrogen_kg[1]:.0f} kg, against {self.nitrogen_delivered_kg[0]:.0f} to "
            f"{self.nitrogen_delivered_kg[1]:.0f} kg of N2 in the recorded Progress "
            f"deliveries. The per-module allowance over the same days is "
            f"{self.module_allowance_kg:.0f} kg, the whole-station one "
            f"{self.allowance_kg:.0f} kg.")

    def __repr__(self) -> str:
        return (f"AirLost({self.total_kg[0]:.0f}-{self.total_kg[1]:.0f} kg, {self.label}, "
                f"{self.method}, {self.start:%Y-%m-%d} to {self.end:%Y-%m-%d})")


def _kg_day(constants: pd.DataFrame | None, cid: str) -> float:
    if constants is None or constants.empty:
        return math.nan
    row = constants[constants["constant_id"].astype(str) == cid]
    if row.empty:
        raise DataValidationError(f"row {cid!r} not found", file="constants",
                                  column="constant_id", value=cid)
    r = row.iloc[0]
    return float(convert(float(r["value"]), str(r["unit"]), "kg/day"))


def epoch_rates(
    rates: pd.DataFrame,
    epochs: pd.DataFrame,
    record: Any,
    *,
    grades: Sequence[str],
    exponent: Interval,
    background: Interval,
    station_pressure_mmhg: float = 760.0,
    temperature_k: float = physics.T_CABIN,
) -> pd.DataFrame:
    """The rate interval of every epoch by its rule (see the module docstring)."""
    from prkanalysis.analysis.volume import figure_grade

    have = set(rates["rate_id"].astype(str)) if len(rates) else set()
    idx = rates.set_index(rates["rate_id"].astype(str)) if len(rates) else rates
    kpm = physics.kg_per_mmhg(float(record.constants.set_index("constant_id").loc["K12", "value"]),
                              temperature_k)
    rows: list[dict[str, Any]] = []
    prev_hi = math.nan
    for e in epochs.to_dict("records"):
        ids = [i for i in str(e.get("rate_ids") or "").split(";") if i and i != "<NA>"]
        lows: list[float] = []
        highs: list[float] = []
        used: list[str] = []
        for i in ids:
            if i.startswith("LR") and i in have:
                r = idx.loc[i]
                r = r.iloc[0] if isinstance(r, pd.DataFrame) else r
                lows.append(float(r["kg_per_day_low"]))
                highs.append(float(r["kg_per_day_high"]))
                used.append(i)
            elif i.startswith("OF"):
                f = record.other_figures
                f = f[f["figure_id"].astype(str) == i]
                if f.empty or figure_grade(f.iloc[0]["source_ids"], record.sources) not in grades:
                    continue
                v = float(f.iloc[0]["value"])
                vh = pd.to_numeric(pd.Series([f.iloc[0].get("value_high")]),
                                   errors="coerce").iloc[0]
                lows.append(v * kpm)
                highs.append((float(vh) if pd.notna(vh) else v) * kpm)
                used.append(i)
        rule = str(e["rule"])
        evidence = "trusted rows"
        if rule == "scaled_hold":
            rd = record.pressure_readings
            hold = rd[rd["reading_id"].astype(str) == str(e["hold_reading_id"])]
            if hold.empty:
                raise DataValidationError("hold reading not found", file="pressure_readings",
                                          column="reading_id", value=e["hold_reading_id"])
            p_hold = float(hold["pressure_mmhg"].iloc[0])
            s = physics.pressure_scale(station_pressure_mmhg, p_hold, min(exponent))
            f_hi = float(e["hatch_open_high"]) if pd.notna(e.get("hatch_open_high")) else 0.0
            lo, hi = 0.0, prev_hi * ((1 - f_hi) * s + f_hi)
            evidence = "previous epoch" if math.isfinite(prev_hi) else "none"
        elif rule == "bounded_prev":
            lo = min(lows) if lows else 0.0
            cands = [h for h in [*highs, prev_hi] if math.isfinite(h)]
            hi = max(cands) if cands else math.nan
            if not lows and not math.isfinite(prev_hi):
                evidence = "none"
        else:
            lo = min(lows) if lows else math.nan
            hi = max(highs) if highs else math.nan
            if not lows:
                evidence = "none"
        bg = str(e["background"])
        if math.isfinite(lo) and math.isfinite(hi):
            if bg == "included":
                lo, hi = lo - background[1], hi - background[0]
            elif bg == "unknown":
                lo = lo - background[1]
            lo, hi = max(lo, 0.0), max(hi, 0.0)
        if math.isfinite(hi):
            prev_hi = hi
        rows.append({"epoch_id": e["epoch_id"], "start": pd.Timestamp(e["start"]),
                     "end": pd.Timestamp(e["end"]), "rate_ids": ";".join(used), "rule": rule,
                     "background": bg, "no_data": bool(e["no_data"]), "evidence": evidence,
                     "kg_per_day_low": lo, "kg_per_day_high": hi, "basis": e["rationale"]})
    out = pd.DataFrame(rows)
    # epochs without trusted evidence: the widest bounds of their nearest neighbours with it
    ok = out["evidence"] != "none"
    if ok.any():
        pos = np.arange(len(out))
        for i in pos[~ok.to_numpy()]:
            prev = pos[(pos < i) & ok.to_numpy()]
            nxt = pos[(pos > i) & ok.to_numpy()]
            nb = [int(prev[-1])] if len(prev) else []
            nb += [int(nxt[0])] if len(nxt) else []
            lows_nb = [float(out["kg_per_day_low"].iloc[j]) for j in nb]
            highs_nb = [float(out["kg_per_day_high"].iloc[j]) for j in nb]
            out.loc[i, "kg_per_day_low"] = min(lows_nb)
            out.loc[i, "kg_per_day_high"] = max(highs_nb)
            out.loc[i, "evidence"] = "neighbours"
    return out


def cumulative_air_lost(
    rates: pd.DataFrame,
    *,
    method: str = "epochs",
    start: Any = None,
    end: Any = None,
    record: Any = None,
    readings: pd.DataFrame | None = None,
    other_figures: pd.DataFrame | None = None,
    constants: pd.DataFrame | None = None,
    gas_deliveries: pd.DataFrame | None = None,
    epochs: pd.DataFrame | None = None,
    grades: Sequence[str] | None = None,
    exponent: str | float = "fitted",
    station_pressure_mmhg: float = 760.0,
) -> AirLost:
    """Scenario envelope of the air lost to the PrK leak over a period.

    Args:
        rates: The trusted normalised rates (their selection moves the envelope).
        method: ``"epochs"`` (the judgement table) or ``"daily"``
            (:func:`prkanalysis.episodes.daily_loss_band` over ``rates``).
        start: First day (default the first epoch's start).
        end: End, exclusive (default the last epoch's end).
        record: The evidence record (default ``load_record()``); supplies any table not
            passed.
        readings: ``pressure_readings`` (hold pressures).
        other_figures: ``other_figures`` (whole-station pressure rates).
        constants: ``constants`` (K12, K23, K24, K25, K26).
        gas_deliveries: ``gas_deliveries``.
        epochs: An epochs table (default ``record.table("air_lost_epochs")``).
        grades: Trusted grades for ``other_figures`` rows (default the judgements').
        exponent: Mass-flow exponent for the hold epochs (``"fitted"``: July 2021).
        station_pressure_mmhg: Station pressure.

    Returns:
        An :class:`AirLost` (``determined=False`` and NaN totals when no epoch has trusted
        evidence).
    """
    from types import SimpleNamespace

    from prkanalysis.analysis.flow import (
        FlowEvidence,
        july_2021_flow,
        resolve_exponent,
        trusted_flow,
    )
    from prkanalysis.analysis.judgements import defaults
    from prkanalysis.analysis.volume import background_interval

    if method not in AIR_LOST_METHODS:
        raise DataValidationError(f"unknown air-lost method {method!r}; expected one of "
                                  f"{AIR_LOST_METHODS}", column="method", value=method)
    if record is None:
        from prkanalysis import load_record

        record = load_record()
    rec = SimpleNamespace(
        pressure_readings=readings if readings is not None else record.pressure_readings,
        other_figures=other_figures if other_figures is not None else record.other_figures,
        constants=constants if constants is not None else record.constants,
        sources=record.sources)
    gas_deliveries = gas_deliveries if gas_deliveries is not None else record.gas_deliveries
    ep_table = epochs if epochs is not None else record.table("air_lost_epochs")
    g = tuple(grades) if grades is not None else defaults(record).grades
    t0 = pd.Timestamp(start if start is not None else ep_table["start"].min()).normalize()
    t1 = pd.Timestamp(end if end is not None else ep_table["end"].max()).normalize()
    t0 = t0.tz_localize(None) if t0.tzinfo is not None else t0
    t1 = t1.tz_localize(None) if t1.tzinfo is not None else t1
    if t1 <= t0:
        raise DataValidationError(f"end {t1:%Y-%m-%d} is not after start {t0:%Y-%m-%d}",
                                  column="end", value=str(t1.date()))
    days_all = float((t1 - t0).days)
    bg = background_interval(rec.constants, record=rec, grades=g)
    cols = ["epoch_id", "start", "end", "days", "rate_ids", "rule", "background", "no_data",
            "evidence", "kg_per_day_low", "kg_per_day_high", "kg_low", "kg_high", "basis"]
    determined = True
    if method == "epochs":
        flow: FlowEvidence | None
        if readings is not None:  # readings passed explicitly: the caller chose them
            flow = july_2021_flow(readings, station_pressure_mmhg=station_pressure_mmhg)
        else:
            flow = trusted_flow(record, g, station_pressure_mmhg=station_pressure_mmhg)
        n_iv, _ = resolve_exponent(exponent, flow)
        er = epoch_rates(rates, ep_table, rec, grades=g, exponent=n_iv, background=bg,
                         station_pressure_mmhg=station_pressure_mmhg)
        rows = []
        for e in er.to_dict("records"):
            a, b = max(e["start"], t0), min(e["end"], t1)
            days = max((b - a).days, 0)
            if days == 0:
                continue
            rows.append({**e, "start": a, "end": b, "days": days,
                         "kg_low": e["kg_per_day_low"] * days,
                         "kg_high": e["kg_per_day_high"] * days})
        ep = pd.DataFrame(rows, columns=cols)
        determined = bool(len(ep)) and bool((ep["evidence"] != "none").all())
        grid = pd.date_range(t0, t1, freq="D")
        lo_d = np.full(len(grid), np.nan)
        hi_d = np.full(len(grid), np.nan)
        for row in ep.to_dict("records"):
            m = (grid >= row["start"]) & (grid < row["end"])
            lo_d[m] = row["kg_per_day_low"]
            hi_d[m] = row["kg_per_day_high"]
        lo_d = np.nan_to_num(lo_d)
        hi_d = np.nan_to_num(hi_d)
        daily = pd.DataFrame({"date": grid, "rate_low": lo_d, "rate_central": (lo_d + hi_d) / 2,
                              "rate_high": hi_d, "observed": False})
        for c, v in (("low_kg", lo_d), ("central_kg", (lo_d + hi_d) / 2), ("high_kg", hi_d)):
            daily[c] = np.r_[0.0, np.cumsum(v)[:-1]]
        nd = ep["no_data"].astype(bool) if len(ep) else pd.Series(dtype=bool)
        total = (float(ep["kg_low"].sum()), float(ep["kg_high"].sum()))
        no_data = (float(ep.loc[nd, "kg_low"].sum()), float(ep.loc[nd, "kg_high"].sum()))
        data = (total[0] - no_data[0], total[1] - no_data[1])
    else:
        from prkanalysis.episodes import daily_loss_band

        ep = pd.DataFrame(columns=cols)
        if rates is None or len(rates) == 0:
            determined = False
            daily = pd.DataFrame(columns=["date", "rate_low", "rate_central", "rate_high",
                                          "observed", "low_kg", "central_kg", "high_kg"])
            total = (math.nan, math.nan)
        else:
            daily = daily_loss_band(rates, start=t0, end=t1)
            total = (float(daily["low_kg"].iloc[-1]), float(daily["high_kg"].iloc[-1]))
        no_data = (math.nan, math.nan)
        data = total
    if not determined:
        total = data = no_data = (math.nan, math.nan)
    pk = (math.nan, math.nan)
    if gas_deliveries is not None and not gas_deliveries.empty:
        prog = gas_deliveries[gas_deliveries["vehicle"].astype(str).str.startswith("Progress")]
        gm = pd.to_numeric(prog["gas_mass_kg"], errors="coerce").dropna()
        if len(gm):
            pk = (float(gm.min()), float(gm.max()))
    w = n2_mass_fraction()
    return AirLost(
        epochs=ep, total_kg=total, data_kg=data, no_data_kg=no_data, days=days_all,
        progress_kg=pk, progress_equivalents=(total[0] / pk[1], total[1] / pk[0]),
        allowance_kg=_kg_day(rec.constants, "K23") * days_all,
        module_allowance_kg=_kg_day(rec.constants, "K24") * days_all,
        background_kg=_kg_day(rec.constants, "K26") * days_all,
        nitrogen_kg=(total[0] * w, total[1] * w),
        nitrogen_delivered_kg=nitrogen_delivered(gas_deliveries, t0, t1), method=method,
        start=t0, end=t1, daily=daily, determined=determined)
