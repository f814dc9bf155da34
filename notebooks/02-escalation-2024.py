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
# # 02 · The 2024 escalation: did it double?
#
# **What this chapter shows.** In February 2024 NASA said the leak had "doubled", and by April
# it had reached its highest rate; the Inspector General rated the risk 5x5 and summer repairs
# cut it by a reported fraction. This chapter puts intervals on those words: the ratios of the
# 2024 rates to the dated pre-2024 baseline by interval arithmetic (rounding and "less than"
# bounds included), the rates against the station's design allowance, the reported reduction,
# and the 5x5 rating. The ratios are the ones the claims ledger judges claim C3 by: one
# function, one set of defaults. The rate series is far too sparse for a structural-break test
# on the evidence itself (a handful of points), so break dating is demonstrated on SIMULATED
# telemetry built from the evidence's rates, to show what dating would be possible with data.

# %% tags=["parameters"]
GRADES = None  # source grades trusted, e.g. ("P", "T"); None: the shared judgement J01
INCLUDE_DERIVED = None  # keep outlet-computed figures; None: judgement J02
APPROX_REL = None  # relative half-width for "about" figures; None: judgement J04
INCREASE_WINDOW = None  # ("YYYY-MM-DD", "YYYY-MM-DD") of the "after" rates; None: J06-J07
BASELINE_DAYS = None  # a baseline's period must end this many days before; None: J08
ALLOWANCE_ID = "K23"  # constants row: the whole-station design leak allowance
REDUCTION_ID = "OF23"  # other_figures row: the reported cut by the summer 2024 repairs
RISK_ID = "OF22"  # other_figures row: the OIG risk score
VOLUME_M3 = 5.0  # PrK free volume for the simulated telemetry, m3 (3-8)
TEMPERATURE_K = 295.15  # cabin temperature, K
GAUGE_RESOLUTION_MMHG = 0.101  # simulated gauge step (ISS Live USLAB000058 step), mmHg
SIM_DAYS = 90  # length of the SIMULATED telemetry, days
SIM_SEED = 20240207  # seed of the SIMULATED telemetry

# %%
import math

import numpy as np
import pandas as pd
from IPython.display import display

import prkanalysis
from prkanalysis import figures, present
from prkanalysis.analysis import judgements, lookup, rates
from prkanalysis.models import breaks
from prkanalysis.present.text import count_word, findings, fmt, interval_text
from prkanalysis.telemetry.simulate import simulate as simulate_telemetry

params = judgements.check_params(volume_m3=VOLUME_M3, temperature_k=TEMPERATURE_K,
                                 grades=GRADES, gauge_resolution_mmhg=GAUGE_RESOLUTION_MMHG)
rec = prkanalysis.load_record()
window = INCREASE_WINDOW or (None, None)
trust = judgements.defaults(rec).replace(
    grades=params["grades"], include_derived=INCLUDE_DERIVED, approx_rel=APPROX_REL,
    increase_start=window[0], increase_end=window[1], baseline_days=BASELINE_DAYS)
trusted, _ = rates.trusted_rates(rec, trust.grades, trust.include_derived,
                                 approx_rel=trust.approx_rel)
grades_text = "/".join(trust.grades)


def trusted_row(frame: pd.DataFrame, id_column: str, row_id: str, table: str) -> pd.Series | None:
    """The row by id if its best source grade is trusted in this run, else None."""
    return lookup.trusted_row(rec, frame, id_column, row_id, table=table, grades=trust.grades)


# %% [markdown]
# ## The ratios, with intervals
#
# Baseline: trusted rates whose period END is a date within the window before the escalation
# (an undated figure, such as a "historic low" of unknown date, cannot be "within" any window).
# After: trusted rates of the increase window. Each ratio is [after_low / before_high,
# after_high / before_low]; a "less than" baseline has a lower bound of zero, so the upper end
# of its ratio is unbounded. Ratios come from `prkanalysis.analysis.rates.ratios_2024`, the
# function the claims ledger calls for claim C3.

# %%
feb_month = trust.increase_start[:7]
after, base = rates.rates_2024(trusted, judgements=trust)
ratios_raw = rates.ratios_2024(trusted, judgements=trust)
band = rates.ratio_band(ratios_raw)
feb_ratios = rates.ratios_2024(trusted, after_months=[feb_month], judgements=trust)
feb_band = rates.ratio_band(feb_ratios)
n_base, n_after = len(base), len(after)
window_text = (f"{pd.Timestamp(trust.increase_start):%d %b %Y} to "
               f"{pd.Timestamp(trust.increase_end):%d %b %Y}")
baseline_days_text = f"{trust.baseline_days} days"
if band["determined"]:
    ratio_band_text = interval_text(band["low"], band["high"])
    ratio_answer = (f"{count_word(band['n_at_least_doubled'], capital=True)} of "
                    f"{count_word(band['n_pairs'])} pairs at least doubled; the others are "
                    "consistent with doubling or less")
else:
    ratio_band_text = "cannot be determined"
    ratio_answer = (f"cannot be determined under grades {grades_text}, which trust "
                    f"{count_word(n_base)} dated baseline {'rate' if n_base == 1 else 'rates'} "
                    f"and {count_word(n_after)} {'rate' if n_after == 1 else 'rates'} in the "
                    "window; a ratio needs one of each")
if feb_band["determined"]:
    feb_band_text = interval_text(feb_band["low"], feb_band["high"])
    feb_answer = (f"{count_word(feb_band['n_at_least_doubled'], capital=True)} of "
                  f"{count_word(feb_band['n_pairs'])} February pairs at least doubled")
else:
    feb_band_text = "cannot be determined"
    feb_answer = f"cannot be determined under grades {grades_text}"
if len(ratios_raw):
    ratios = pd.DataFrame({
        "label": [f"{r.after_id} ({r.after_period}) / {r.before_id}"
                  for r in ratios_raw.itertuples()],
        "estimate": ratios_raw["ratio_point"], "low": ratios_raw["ratio_low"],
        "high": ratios_raw["ratio_high"],
        "high_unbounded": np.isinf(ratios_raw["ratio_high"]), "verdict": ratios_raw["verdict"]})
    display(present.figure(figures.interval_forest(
        ratios, reference=2.0, reference_label="doubled", log=True,
        xlabel="ratio after / before (-, log scale)",
        title="2024 rates over the pre-2024 baseline"),
        caption="Each bar is the set of ratios the rounded and bounded figures allow; an "
                "unbounded upper end (a 'less than' baseline) is an arrow to the axis edge. Bars "
                "wholly right of the line mean the rate at least doubled.",
        sources=sorted(set(ratios_raw["before_id"]) | set(ratios_raw["after_id"]))))
    display(present.table(ratios_raw[["before_id", "after_id", "before_reported",
                                      "after_reported", "after_period", "ratio_low",
                                      "ratio_high", "ratio_point", "verdict"]],
                          caption="Every pair of a baseline and a 2024 rate.",
                          sources=sorted(set(ratios_raw["before_id"])
                                         | set(ratios_raw["after_id"]))))

# %% [markdown]
# With grades {eval}`grades_text`, "after" rates start {eval}`window_text` and a baseline's
# period must end within {eval}`baseline_days_text` before the window.
#
# - Every pair's ratio lies in: {eval}`ratio_band_text`.
# - Did the rate double? {eval}`ratio_answer`.
#
# **The February statement.** NASA said "doubled" in February, so the claim (C3 in the ledger)
# is tested on the February rates alone.
#
# - February ratios to the dated baseline: {eval}`feb_band_text`.
# - Had it doubled by February? {eval}`feb_answer`.

# %%
undated = trusted[rates.dated_period_end(trusted).isna().to_numpy()]
base_text = ", ".join(f'"{r.value_reported}" {r.unit} ({r.rate_id})'
                      for r in base.itertuples()) or "none"
undated_text = ", ".join(f'"{r.value_reported}" {r.unit} ({r.rate_id})'
                         for r in undated.itertuples()) or "none"

# %% [markdown]
# **Caveat.** The baseline figures ({eval}`base_text`) are "before the increase": their
# start is unknown, only their end is dated. Trusted figures whose period has no dated end
# are never baselines, whatever the window: {eval}`undated_text`.

# %% [markdown]
# ## Against the design allowance

# %%
allowance_row = trusted_row(rec.constants, "constant_id", ALLOWANCE_ID, "constants.csv")
allowance = (lookup.constant_value(rec.constants, ALLOWANCE_ID, to_unit="kg/day")
             if allowance_row is not None else math.nan)
allowance_text = (f"{fmt(allowance, 3)} kg/day ({ALLOWANCE_ID})" if allowance_row is not None
                  else f"cannot be determined: its source ({ALLOWANCE_ID}) is not trusted under "
                       f"grades {grades_text}")
peak = rates.peak_rate(trusted)
if len(after) and allowance_row is not None:
    vs_allow = after.assign(
        multiple=after["kg_per_day"] / allowance,
        multiple_low=after["kg_per_day_low"] / allowance,
        multiple_high=after["kg_per_day_high"] / allowance,
    )[["rate_id", "period_reported", "kg_per_day", "multiple", "multiple_low", "multiple_high"]]
    display(present.table(vs_allow, units={"kg_per_day": "kg/day"},
                          caption="The 2024 rates as multiples of the design allowance.",
                          sources=[ALLOWANCE_ID, *vs_allow["rate_id"]]))
if peak is not None:
    peak_kg_day, peak_rate_id = float(peak["kg_per_day"]), str(peak["rate_id"])
    peak_text = f"{fmt(peak_kg_day, 3)} kg/day ({peak_rate_id}, {peak['period_reported']})"
    peak_multiple_low = float(peak["kg_per_day_low"]) / allowance
    peak_multiple_high = float(peak["kg_per_day_high"]) / allowance
else:
    peak_kg_day = peak_multiple_low = peak_multiple_high = math.nan
    peak_rate_id = None
    peak_text = f"cannot be determined: no rate is trusted under grades {grades_text}"
peak_multiple = peak_kg_day / allowance
peak_multiple_text = (
    f"{fmt(peak_multiple)} ({interval_text(peak_multiple_low, peak_multiple_high)})"
    if math.isfinite(peak_multiple) else "cannot be determined")

# %% [markdown]
# - Design allowance of the whole station: {eval}`allowance_text`.
# - Highest rate on record (the claims ledger's peak too): {eval}`peak_text`.
# - That rate as a multiple of the allowance: {eval}`peak_multiple_text`.

# %% [markdown]
# ## The reported reduction and the 5x5 rating

# %%
third = trusted_row(rec.other_figures, "figure_id", REDUCTION_ID, "other_figures.csv")
risk = trusted_row(rec.other_figures, "figure_id", RISK_ID, "other_figures.csv")
if third is not None and peak is not None:
    cut = float(third["value"])
    post_repair = peak_kg_day * (1 - cut)
    post_lo = float(peak["kg_per_day_low"]) * (1 - cut * (1 + trust.approx_rel))
    post_hi = float(peak["kg_per_day_high"]) * (1 - cut * (1 - trust.approx_rel))
    reduction_words = f'"{third["value_reported"]}" ({REDUCTION_ID})'
    post_repair_text = f"{fmt(post_repair)} kg/day ({interval_text(post_lo, post_hi)})" + (
        f", {fmt(post_repair / allowance)} times the allowance" if allowance_row is not None
        else "")
else:
    post_repair = post_lo = post_hi = math.nan
    reduction_words = f"the reported reduction ({REDUCTION_ID})"
    post_repair_text = (f"cannot be determined: the reduction or the peak is not trusted under "
                        f"grades {grades_text}")
risk_text = (f"{risk['value_reported']} ({risk['refers_to']}; {RISK_ID})" if risk is not None
             else f"cannot be determined: its source ({RISK_ID}) is not trusted under grades "
                  f"{grades_text}")

# %% [markdown]
# - The peak less {eval}`reduction_words`: {eval}`post_repair_text`.
# - The risk score: {eval}`risk_text`.
#
# **Caveat.** The post-repair figure is derived by us from the reported words and the April
# peak; no post-repair rate was published by NASA.

# %% [markdown]
# ## When did the escalation begin? Break dating on SIMULATED telemetry

# %%
events = rec.events.copy()
events["date_start"] = pd.to_datetime(events["date_start"], errors="coerce")
rise = events.loc[events["category"] == "escalation", "date_start"].min()
n_points_text = f"{count_word(n_base, capital=True)} baseline and {count_word(n_after)} 2024"
can_simulate = n_base > 0 and n_after > 0 and not pd.isna(rise)
brk = None
if can_simulate:
    b0 = base.loc[base["kg_per_day"].idxmax()]
    a0 = after.sort_values("period_start").iloc[0]
    start = rise - pd.Timedelta(days=SIM_DAYS // 2)
    sim, truth = simulate_telemetry(
        start=str(start.date()), duration_days=SIM_DAYS, rate_hz=1 / 600, closed_days=1.0,
        volume_m3=params["volume_m3"], temperature_k=params["temperature_k"],
        leak_history=[(str(start.date()), b0["kg_per_day"]),
                      (str(rise.date()), a0["kg_per_day"])],
        quant_step=params["gauge_resolution_mmhg"], noise_mmhg=0.3, temp_amplitude_k=0.3,
        seed=SIM_SEED)
    p = sim[sim["channel"] == "prk_pressure"].set_index("time")["value"]
    seg_k = []
    for s in truth.segments.itertuples():
        x = p[s.start:s.end]
        td = (x.index - x.index[0]).total_seconds() / 86400
        seg_k.append({"t": s.start.tz_convert(None) if s.start.tzinfo else s.start,
                      "value": -np.polyfit(td, np.log(x.to_numpy()), 1)[0],
                      "true_k": s.k_per_day})
    series = pd.DataFrame(seg_k)
    bp = breaks.breakpoints(series["value"].to_numpy(), h=0.15, max_breaks=2)
    m = 1  # one escalation is the hypothesis; BIC's own choice is reported below
    ci = bp.confint(m=m)
    brk = pd.DataFrame([{"estimate": series["t"].iloc[e - 1], "ci_low": series["t"].iloc[lo - 1],
                         "ci_high": series["t"].iloc[min(hi, len(series)) - 1]}
                        for lo, e, hi in ci])
    series["fitted"] = bp.fitted(m=m)
    display(present.figure(
        figures.break_dating(series, brk, fitted="fitted", truth=[pd.Timestamp(rise)],
                             xlabel="date (UTC)",
                             ylabel="decay constant k per segment (1/day)",
                             title="Break dating on segment decay constants"),
        caption="SIMULATED telemetry: one decay constant per closed-hatch day; the dated "
                "break and its 95% interval against the true change.",
        sources=[b0["rate_id"], a0["rate_id"]]))
    print(truth.summary())
    sim_text = (f"SIMULATED telemetry ({count_word(len(series))} one-day segments, seed "
                f"{SIM_SEED}) dates the break {pd.Timestamp(brk['estimate'].iloc[0]):%d %b %Y}"
                f" (95% CI {pd.Timestamp(brk['ci_low'].iloc[0]):%d %b} to "
                f"{pd.Timestamp(brk['ci_high'].iloc[0]):%d %b %Y}) against a true "
                f"{rise:%d %b %Y}; BIC alone would choose {bp.n_breaks} break(s), slow "
                "temperature drift mimicking small shifts")
else:
    sim_text = (f"no simulation is run under grades {grades_text}: it is built from a trusted "
                "baseline and a trusted 2024 rate, and one of them is missing")

# %% [markdown]
# {eval}`n_points_text` rates cannot date a break. If hatch-closed PrK pressure telemetry were
# public, one k per closed segment would form a daily series, and a Bai-Perron break date with
# its confidence interval would follow. Here that series is SIMULATED from the evidence's
# baseline and first 2024 rate, with the parameters above: {eval}`sim_text`.

# %% tags=["findings", "remove-input"]
findings("Findings: the 2024 escalation", {
    "grades": list(trust.grades),
    "n_pairs": band["n_pairs"],
    "ratio_low": band["low"],
    "ratio_high": band["high"],
    "n_at_least_doubled": band["n_at_least_doubled"],
    "feb_n_pairs": feb_band["n_pairs"],
    "feb_ratio_low": feb_band["low"],
    "feb_ratio_high": feb_band["high"],
    "feb_n_at_least_doubled": feb_band["n_at_least_doubled"],
    "peak_kg_day": peak_kg_day,
    "peak_rate_id": peak_rate_id,
    "peak_allowance_multiple": peak_multiple,
    "peak_allowance_low": peak_multiple_low,
    "peak_allowance_high": peak_multiple_high,
    "post_repair_kg_day": post_repair,
    "sim_break_date": (None if brk is None
                       else f"{pd.Timestamp(brk['estimate'].iloc[0]):%Y-%m-%d}"),
}, {
    "grades": "trusted grades",
    "n_pairs": "pairs of a dated baseline and a Feb-Apr 2024 rate",
    "ratio_low": "smallest ratio any pair allows",
    "ratio_high": "largest ratio any pair allows",
    "n_at_least_doubled": "pairs that at least doubled",
    "feb_n_pairs": "February pairs (the 'doubled' statement, claim C3)",
    "feb_ratio_low": "February: smallest ratio",
    "feb_ratio_high": "February: largest ratio",
    "feb_n_at_least_doubled": "February pairs that at least doubled",
    "peak_kg_day": "highest rate on record (kg/day)",
    "peak_rate_id": "its row",
    "peak_allowance_multiple": "as a multiple of the design allowance",
    "peak_allowance_low": "multiple, lowest the bounds allow",
    "peak_allowance_high": "multiple, highest the bounds allow",
    "post_repair_kg_day": "after 'about one third' off (kg/day, derived)",
    "sim_break_date": "break date on SIMULATED telemetry",
})
