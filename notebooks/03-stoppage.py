# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3 (prkanalysis)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · "Holding steady": what a pressure hold can show
#
# **What this chapter shows.** In January 2026 NASA said the PrK pressure was "holding
# steady"; no hold duration, pressure trace or gauge resolution was published. A hold never
# shows a leak of exactly zero. It shows that the NET flow (outflow through the leak, minus
# inflow across the hatch seal from the station, minus gas from the walls) was too small to
# move the gauge. This chapter computes that net limit for the hold at the agreed pressure,
# carries it to station pressure with the flow exponent, states what a steady gauge cannot
# exclude (an outflow balanced by the seal inflow) and what holds at different pressures
# would separate, shows how far each unpublished term moves the numbers, runs an equivalence
# test (TOST) on SIMULATED hold telemetry against the per-module allowance, and sets the
# statement against the May-June 2026 recurrence. Only evidence whose best source grade the
# reader trusts decides a number (`GRADES`; by default the shared judgement J01).

# %% tags=["parameters"]
GRADES = None  # source grades trusted, e.g. ("P", "T"); None: the shared judgement J01
INCLUDE_DERIVED = None  # keep outlet-computed figures; None: judgement J02
APPROX_REL = None  # relative half-width for "about" figures; None: judgement J04
HOLD_READING_ID = "PR17"  # pressure_readings row: the hold pressure agreed in June 2025
STATION_PRESSURE_ID = "K02"  # constants row: nominal cabin pressure, mmHg
ALLOWANCE_ID = "K23"  # constants row: whole-station design leak allowance
MODULE_ALLOWANCE_ID = "K24"  # constants row: per-module design leak allowance
TEMPERATURE_K = 295.15  # gas temperature for point values, K
GAUGE_RESOLUTION_MMHG = 1.0  # resolution of the PrK gauge for the SIMULATED hold, mmHg
GAUGE_RESOLUTIONS_MMHG = (0.1, 1.0)  # gauge resolutions considered (unpublished), mmHg
ASSUMED_VOLUMES_M3 = (1.0, 8.0)  # PrK volumes drawn when the volume cannot be determined, m3
HOLD_DAYS = 30.0  # hold duration assumed for the net-flow statement, days (none published)
INFLOW = "choked"  # seal inflow: "choked", "linear" (July 2021 fit) or "none" (sealed hatch)
EXPONENT = "fitted"  # mass-flow exponent: "fitted" (July 2021), "choked" or "viscous"
SECOND_HOLD_MMHG = 300.0  # pressure of the second hold in the two-hold illustration, mmHg
SIM_DAYS = 14  # length of the SIMULATED hold, days
SIM_SEED = 20260102  # seed of the SIMULATED hold

# %%
import math

import numpy as np
import pandas as pd
from IPython.display import display

import prkanalysis
from prkanalysis import figures, present
from prkanalysis.analysis import detection, judgements, lookup, rates
from prkanalysis.analysis.detection_grid import detection_limit_table
from prkanalysis.analysis.volume import volume_estimate
from prkanalysis.models import equivalence
from prkanalysis.present import widgets
from prkanalysis.present.text import count_word, findings, fmt, interval_text
from prkanalysis.telemetry.simulate import simulate as simulate_telemetry

params = judgements.check_params(temperature_k=TEMPERATURE_K, grades=GRADES,
                                 gauge_resolution_mmhg=GAUGE_RESOLUTION_MMHG)
rec = prkanalysis.load_record()
trust = judgements.defaults(rec).replace(grades=params["grades"],
                                         include_derived=INCLUDE_DERIVED,
                                         approx_rel=APPROX_REL)
grades_text = "/".join(trust.grades)
trusted, _ = rates.trusted_rates(rec, trust.grades, trust.include_derived,
                                 approx_rel=trust.approx_rel)
def is_trusted(source_ids: object) -> bool:
    """Whether the best grade of a row's sources is trusted in this run."""
    return lookup.is_trusted(rec, source_ids, trust.grades)


def trusted_constant(constant_id: str, unit: str) -> float:
    """A constant in ``unit`` if its source is trusted in this run, else NaN."""
    return lookup.trusted_constant(rec, constant_id, trust.grades, to_unit=unit)


hold_row = lookup.row_by_id(rec.pressure_readings, "reading_id", HOLD_READING_ID,
                            table="pressure_readings.csv")
hold_p = float(hold_row["pressure_mmhg"])
hold_trusted = is_trusted(hold_row["source_ids"])
station_p = lookup.constant_value(rec.constants, STATION_PRESSURE_ID, to_unit="mmHg")
allowance = trusted_constant(ALLOWANCE_ID, "kg/day")
module_allowance = trusted_constant(MODULE_ALLOWANCE_ID, "kg/day")
events = rec.events.copy()
for c in ("date_start", "date_end"):
    events[c] = pd.to_datetime(events[c], errors="coerce")
t_events = events[[is_trusted(s) for s in events["source_ids"]]]
stops = t_events[t_events["category"] == "stop"]
stop = stops.iloc[-1] if len(stops) else None
recurrences = t_events[t_events["category"] == "recurrence"]
hold_text = (f"{hold_p:g} mmHg ({HOLD_READING_ID}"
             + (")" if hold_trusted else f", not trusted under grades {grades_text})"))
stop_text = (f"{stop['date_start']:%d %b %Y} ({stop['event_id']}: {stop['summary']})"
             if stop is not None else f"no stop confirmation is trusted under grades {grades_text}")
print(f"grades {grades_text}; hold {hold_p:g} mmHg; station {station_p:g} mmHg")

# %% [markdown]
# The stop confirmation: {eval}`stop_text`. The agreed hold pressure: {eval}`hold_text`.

# %% [markdown]
# ## What a hold at one pressure bounds
#
# Over a hold of duration t, a steady gauge allows a true net drop of up to one gauge step
# plus the gauge drift plus p dT/T for an unmeasured warming (the isolated PrK is not on the
# cabin's temperature control, so the drift is a range up to the width of the cabin design
# band). Divided by t and turned into mass through the PrK volume, that is the **net limit**.
# The leak's outflow is the net flow plus the seal inflow and any outgassing, so a steady
# gauge hides an outflow as large as the inflow. Both are carried to station pressure with
# the mass-flow exponent of the July 2021 fit when it is trusted, else with the bracket from a
# choked orifice to viscous flow.

# %%
sb = detection.stop_bound(rec, grades=trust.grades, duration_days=HOLD_DAYS, inflow=INFLOW,
                          exponent=EXPONENT, pressure_mmhg=hold_p,
                          station_pressure_mmhg=station_p, second_hold_mmhg=SECOND_HOLD_MMHG)
stop_wording = sb.wording
stop_caveat = sb.caveat
hold_days_text = f"{HOLD_DAYS:g}"
exponent_text = interval_text(*sb.exponent)
inflow_known = math.isfinite(sb.hidden_outflow_station_kg_day[1])
if sb.determined:
    net_text = (f"{fmt(sb.net_limit_kg_day[1])} kg/day at {hold_p:g} mmHg, up to "
                f"{fmt(sb.net_limit_station_kg_day[1])} kg/day for the same leak at "
                f"{station_p:g} mmHg")
    hidden_text = (f"{interval_text(*sb.hidden_outflow_station_kg_day)} kg/day at "
                   f"{station_p:g} mmHg" if inflow_known else
                   "cannot be determined: no trusted reading measures the seal inflow")
    two_hold_text = (f"{fmt(sb.two_hold_outflow_station_kg_day)} kg/day at {station_p:g} mmHg "
                     f"(holds at {sb.two_hold_pressures_mmhg[0]:g} and "
                     f"{sb.two_hold_pressures_mmhg[1]:g} mmHg)")
else:
    net_text = hidden_text = two_hold_text = (
        f"cannot be determined under grades {grades_text}: no trusted figure fixes the PrK "
        "volume, so no pressure limit turns into kg/day")
allowance_text = (f"{fmt(module_allowance, 3)} kg/day ({MODULE_ALLOWANCE_ID})"
                  if math.isfinite(module_allowance)
                  else f"not trusted under grades {grades_text}")
if not sb.determined or not math.isfinite(module_allowance):
    exclusion_text = "whether the hold excludes it cannot be determined"
elif sb.excludes_module_allowance:
    exclusion_text = "a steady hold excludes an outflow of that size"
else:
    exclusion_text = ("a steady hold does not exclude an outflow of that size"
                      + ("; the net limit alone would" if sb.net_excludes_module_allowance
                         else ""))

# %% [markdown]
# {eval}`stop_wording`
#
# {eval}`stop_caveat`
#
# **What one hold can exclude.** A net flow above the net limit: {eval}`net_text` (a
# {eval}`hold_days_text`-day hold, mass flow proportional to p to the power
# {eval}`exponent_text`). **What it cannot exclude.** An outflow balanced by the seal inflow:
# {eval}`hidden_text`. Against the per-module design allowance ({eval}`allowance_text`),
# {eval}`exclusion_text`. **What holds at different pressures would separate.** The outflow
# grows with pressure while the choked seal inflow does not, so a second hold steady to the
# same net limit bounds the outflow itself: {eval}`two_hold_text`.

# %% [markdown]
# ## The net limit by hold duration
#
# The figure draws the largest net leak a steady hold cannot exclude, carried to station
# pressure with the exponent above (its high end) and the temperature-drift range, against
# reference rates at station pressure. The volumes drawn are the ends of the PrK volume band
# of chapter 01 when it is determined, else an assumed range (labelled so).

# %%
drift = detection.temperature_drift_range(rec)
drift_text = f"{fmt(drift[1])} K"
vol_est = volume_estimate(rec, grades=trust.grades, rates=trusted)
vol_band = vol_est.band
volumes = vol_band if vol_band is not None else ASSUMED_VOLUMES_M3
volumes_text = (f"{interval_text(*vol_band)} m³ (chapter 01, grades {grades_text})"
                if vol_band is not None else
                f"{interval_text(*ASSUMED_VOLUMES_M3)} m³, ASSUMED: the volume cannot be "
                f"determined under grades {grades_text}")
durations_h = np.geomspace(1, 24 * 90, 40)
grid = detection_limit_table(durations_h, GAUGE_RESOLUTIONS_MMHG, volumes,
                             hold_pressure_mmhg=hold_p, temperature_k=TEMPERATURE_K,
                             temperature_drift_k=drift, exponent=sb.exponent,
                             station_pressure_mmhg=station_p)
refs = {}
if math.isfinite(module_allowance):
    refs["per-module allowance"] = module_allowance
if math.isfinite(allowance):
    refs["whole-station allowance"] = allowance
after_stop = (detection.rates_after_stop(trusted, stop["date_end"]) if stop is not None
              else trusted.iloc[:0])
if len(after_stop):
    r0 = after_stop.iloc[0]
    refs[f"{r0['rate_id']} after the stop ({r0['grade_best']})"] = float(r0["kg_per_day"])
display(present.figure(
    figures.detection_limits(
        grid, references=refs, y="limit_cabin_high_kg_day",
        ylabel="largest undetectable net leak at station pressure (kg/day, log scale)",
        title="What a steady hold cannot exclude (net flow)"),
    caption=f"Net limit of a steady hold at {hold_p:g} mmHg carried to {station_p:g} mmHg "
            f"(mass-flow exponent up to {fmt(sb.exponent[1])}, temperature drift up to "
            f"{fmt(drift[1])} K); PrK volumes {volumes_text}. An outflow balanced by the seal "
            "inflow is not in this limit.",
    sources=[HOLD_READING_ID, STATION_PRESSURE_ID, MODULE_ALLOWANCE_ID, ALLOWANCE_ID, "K11",
             *after_stop["rate_id"].astype(str).iloc[:1]]))

# %% [markdown]
# Volumes: {eval}`volumes_text`. Temperature drift: up to {eval}`drift_text` (the width of the
# cabin design band). Investigators can move the volume, temperature and gauge here:

# %%
_ = widgets.interactive_detection_limits(durations_h=durations_h, references=refs,
                                         hold_pressure_mmhg=hold_p, exponent=sb.exponent,
                                         volume_m3=tuple(volumes), temperature_drift_k=drift)

# %% [markdown]
# How long must a hold last? The net limit and the outflow it hides, over the volume band,
# the gauge resolutions, the temperature range and drift, and the exponent:

# %%
HOLDS_DAYS = (1 / 24, 1.0, 7.0, 30.0, 90.0)
if sb.determined:
    inflow_iv = sb.inflow_mmhg_day if inflow_known else (0.0, 0.0)
    lim = detection.stop_detection_limits(
        vol_band, pressure_mmhg=hold_p, durations_days=HOLDS_DAYS,
        gauge_resolution_mmhg=GAUGE_RESOLUTIONS_MMHG, temperature_drift_k=drift,
        exponent=sb.exponent, inflow_mmhg_day=inflow_iv, station_pressure_mmhg=station_p)
    show = lim[["duration_h", "kg_per_day_high", "kg_per_day_station_low",
                "kg_per_day_station_high", "hidden_kg_per_day_station_low",
                "hidden_kg_per_day_station_high"]].copy()
    if not inflow_known:
        show["hidden_kg_per_day_station_high"] = math.inf
    display(present.table(
        show, units={"duration_h": "h", "kg_per_day_high": "kg/day",
                     "kg_per_day_station_low": "kg/day", "kg_per_day_station_high": "kg/day",
                     "hidden_kg_per_day_station_low": "kg/day",
                     "hidden_kg_per_day_station_high": "kg/day"},
        labels={"duration_h": "hold", "kg_per_day_high": f"net limit at {hold_p:g} mmHg",
                "kg_per_day_station_low": f"net limit at {station_p:g} mmHg, low",
                "kg_per_day_station_high": f"net limit at {station_p:g} mmHg, high",
                "hidden_kg_per_day_station_low": "hidden outflow at station pressure, low",
                "hidden_kg_per_day_station_high": "hidden outflow at station pressure, high"},
        caption="The net limit and the hidden outflow by hold duration (unbounded: the seal "
                "inflow is not measured by trusted readings).",
        sources=[HOLD_READING_ID, *vol_est.pairings.loc[vol_est.pairings["used"],
                                                        "pairing_id"]]))
    d30 = lim.set_index("duration_days").loc[30.0]
    limit_30_text = (f"{fmt(d30['kg_per_day_station_low'])} to "
                     f"{fmt(d30['kg_per_day_station_high'])} kg/day at {station_p:g} mmHg")
else:
    limit_30_text = (f"cannot be determined under grades {grades_text}: the PrK volume is "
                     "not determined")

# %% [markdown]
# A steady hold of a month bounds the net flow to {eval}`limit_30_text`.
#
# ## How far each unpublished term moves the numbers
#
# Each row changes one input of the net-flow bound and keeps the others at their defaults:
# the temperature drift of the uncontrolled PrK, the gauge resolution and drift, outgassing
# of the walls, the reading of the seal inflow and the flow exponent.

# %%
sens = detection.detection_sensitivity(rec, grades=trust.grades, duration_days=HOLD_DAYS)
if "net_limit_station_high" in sens.columns and sens["net_limit_station_high"].notna().any():
    display(present.table(
        sens[["term", "setting", "net_limit_station_high", "hidden_outflow_station_high",
              "excludes_module_allowance"]],
        units={"net_limit_station_high": "kg/day", "hidden_outflow_station_high": "kg/day"},
        labels={"net_limit_station_high": "net limit at station pressure, high",
                "hidden_outflow_station_high": "hidden outflow at station pressure, high",
                "excludes_module_allowance": "excludes the per-module allowance"},
        missing="cannot be determined",
        missing_note="no trusted figure fixes the PrK volume under these grades.",
        caption=f"Sensitivity of the {HOLD_DAYS:g}-day bound (grades {grades_text}).",
        sources=[HOLD_READING_ID, MODULE_ALLOWANCE_ID, "K10", "K11"]))
    net_hi = sens["net_limit_station_high"]
    sens_text = (f"the net limit at station pressure ranges over "
                 f"{interval_text(net_hi.min(), net_hi.max())} kg/day across the settings")
else:
    sens_text = f"cannot be determined under grades {grades_text}"

# %% [markdown]
# Across the unpublished terms, {eval}`sens_text`.

# %% [markdown]
# ## An equivalence test on a SIMULATED hold
#
# "Stopped" as a statistical statement: the pressure slope over the hold lies within
# plus or minus delta, where delta is the slope a leak of the per-module allowance at
# station pressure would produce at the hold pressure (carried down with the flow exponent,
# the largest exponent and volume giving the strictest margin). TOST rejects "the slope is at
# least delta" on both sides. The hold is SIMULATED with a true leak of zero, the gauge step
# of the parameters, noise and a daily temperature cycle; it shows what such a test would
# need, not what NASA measured.

# %%
tost = None
if math.isfinite(module_allowance):
    v_tost = float(max(volumes))
    delta_mmhg_day = equivalence.margin_from_allowance(
        module_allowance, v_tost, hold_pressure_mmhg=hold_p, station_pressure_mmhg=station_p,
        exponent=float(sb.exponent[1]), temperature_k=params["temperature_k"])
    sim, truth = simulate_telemetry(
        start="2026-01-01", duration_days=SIM_DAYS, rate_hz=1 / 300, closed_days=SIM_DAYS,
        volume_m3=v_tost, temperature_k=params["temperature_k"], leak_k_per_day=0.0,
        target_mmhg=hold_p, quant_step=params["gauge_resolution_mmhg"], noise_mmhg=0.3,
        temp_amplitude_k=0.2, seed=SIM_SEED)
    p = sim[sim["channel"] == "prk_pressure"]
    t_days = (p["time"] - p["time"].iloc[0]).dt.total_seconds().to_numpy() / 86400
    tost = equivalence.tost_slope(t_days, p["value"].to_numpy(), delta_mmhg_day, cov="HAC")
    print(truth.summary())
    tost_p_text = equivalence.format_pvalue(tost.pvalue)
    tost_text = (f"SIMULATED {SIM_DAYS}-day hold with no leak (seed {SIM_SEED}, PrK "
                 f"{fmt(v_tost)} m³, gauge step {params['gauge_resolution_mmhg']:g} mmHg): "
                 f"slope {fmt(tost.estimate, 2)} mmHg/day, margin ±{fmt(delta_mmhg_day, 2)} "
                 f"mmHg/day (the per-module allowance, {fmt(module_allowance, 3)} kg/day at "
                 f"{station_p:g} mmHg), TOST {tost_p_text}: "
                 + ("equivalent to zero within the margin" if tost.equivalent
                    else "not shown equivalent to zero within the margin"))
else:
    delta_mmhg_day = math.nan
    tost_p_text = "cannot be determined"
    tost_text = (f"cannot be determined under grades {grades_text}: the per-module allowance "
                 f"({MODULE_ALLOWANCE_ID}) that sets the margin is not trusted")

# %% [markdown]
# {eval}`tost_text`.

# %% [markdown]
# ## The recurrence
#
# Rates after the stop count when their period starts after the stop's last day and their
# lower bound is positive (the rule of the claims ledger's C5).

# %%
n_rates_after_stop = len(after_stop) if stop is not None else None
if len(after_stop):
    display(present.table(
        after_stop[["rate_id", "period_reported", "value_reported", "unit_reported",
                    "kg_per_day", "grade_best"]],
        units={"kg_per_day": "kg/day"}, caption="Trusted rates after the stop.",
        sources=sorted(after_stop["rate_id"].astype(str))))
recur_text = (", ".join(f"{r.event_id} ({r.date_start:%d %b %Y}: {r.summary})"
                        for r in recurrences.itertuples())
              or f"no recurrence event is trusted under grades {grades_text}")
if stop is None:
    after_text = f"cannot be determined under grades {grades_text}: no trusted stop"
elif len(after_stop):
    after_text = (f"{count_word(len(after_stop))} trusted rate(s) after the stop, up to "
                  f"{fmt(after_stop['kg_per_day'].max())} kg/day")
else:
    after_text = f"no rate after the stop is trusted under grades {grades_text}"

# %% [markdown]
# Recurrence: {eval}`recur_text`. Rates after the stop: {eval}`after_text`.

# %% tags=["findings", "remove-input"]
# the findings as a Markdown list for readers and as JSON for the tests (present.text)
findings("Findings: what 'holding steady' shows", {
    "grades": list(trust.grades),
    "hold_pressure_mmhg": hold_p,
    "hold_days": HOLD_DAYS,
    "volume_low_m3": None if vol_band is None else vol_band[0],
    "volume_high_m3": None if vol_band is None else vol_band[1],
    "exponent_low": sb.exponent[0],
    "exponent_high": sb.exponent[1],
    "net_limit_kg_day": sb.net_limit_kg_day[1] if sb.determined else None,
    "net_limit_station_kg_day": sb.net_limit_station_kg_day[1] if sb.determined else None,
    "hidden_outflow_station_low_kg_day": (sb.hidden_outflow_station_kg_day[0]
                                          if sb.determined and inflow_known else None),
    "hidden_outflow_station_high_kg_day": (sb.hidden_outflow_station_kg_day[1]
                                           if sb.determined and inflow_known else None),
    "excludes_module_allowance": sb.excludes_module_allowance if sb.determined else None,
    "two_hold_outflow_station_kg_day": sb.two_hold_outflow_station_kg_day,
    "tost_margin_mmhg_day": delta_mmhg_day,
    "tost_p": tost_p_text,
    "tost_equivalent": None if tost is None else tost.equivalent,
    "n_rates_after_stop": n_rates_after_stop,
}, {
    "grades": "trusted grades",
    "hold_pressure_mmhg": "hold pressure (mmHg)",
    "hold_days": "hold duration assumed (days; none published)",
    "volume_low_m3": "PrK volume, low (m³)",
    "volume_high_m3": "PrK volume, high (m³)",
    "exponent_low": "mass-flow pressure exponent, low",
    "exponent_high": "mass-flow pressure exponent, high",
    "net_limit_kg_day": "net limit at the hold pressure (kg/day)",
    "net_limit_station_kg_day": "net limit, same leak at station pressure (kg/day)",
    "hidden_outflow_station_low_kg_day": "outflow a steady gauge hides, low (kg/day, station)",
    "hidden_outflow_station_high_kg_day": "outflow a steady gauge hides, high (kg/day, station)",
    "excludes_module_allowance": "a steady hold excludes the per-module allowance",
    "two_hold_outflow_station_kg_day": "outflow bound from holds at two pressures (kg/day)",
    "tost_margin_mmhg_day": "TOST margin (mmHg/day, SIMULATED hold)",
    "tost_p": "TOST p (SIMULATED hold)",
    "tost_equivalent": "SIMULATED hold shown equivalent to zero",
    "n_rates_after_stop": "trusted rates after the stop",
})
