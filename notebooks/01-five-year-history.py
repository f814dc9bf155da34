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
# # 01 · The history of a leak: 2019-2026
#
# **What this chapter shows.** The reported leak rates on one timeline with the events that
# explain them; the crew's PrK pressure readings from the hatch-closed episodes of 2020-2021,
# each fitted with an exponential decay whose constant k carries an interval; whether the
# March 2021 sealing changed k; what PrK volume and hole size the rates and decays imply
# together; and how much air the leak cost from its first registration (September 2019) to the
# end of the record (June 2026: through the January 2026 "stop" and the May-June 2026
# recurrence), as a band, against the make-up gas delivered and the station's design
# allowance. The PrK free volume was never published: it is a parameter here, and its effect
# is shown across its plausible range. Every number comes from the same functions as the command
# `prkanalysis episodes` (module `prkanalysis.episodes`), so they always agree.

# %% tags=["parameters"]
VOLUME_M3 = 5.0  # assumed PrK free volume, m3 (unpublished; plausible range 3-8)
VOLUME_RANGE = (3.0, 8.0)  # range shown in the sensitivity figure, m3
TEMPERATURE_K = 295.15  # cabin temperature, K (22 C), for point values
TEMPERATURE_RANGE_K = (295.15, 297.15)  # cabin temperature interval for the implied volume, K
GRADES = ("P", "T")  # source grades trusted; add "A" to include aggregator relays
INCLUDE_DERIVED = False  # keep figures an outlet computed rather than reported
GAUGE_RESOLUTION_MMHG = 0.5  # half-width of a crew pressure reading, mmHg
APPROX_REL = 0.25  # relative half-width for "about"/"a little over" figures
AIR_LOST_METHOD = "epochs"  # air lost: "epochs" (evidence epochs, default) or "daily"
AIR_LOST_END = None  # None: end of the record (30 Jun 2026, incl. the recurrence); or a date

# %%
import numpy as np
import pandas as pd
from IPython.display import display

import prkanalysis
from prkanalysis import clean, episodes, figures, physics, story

params = story.validate_params(volume_m3=VOLUME_M3, temperature_k=TEMPERATURE_K, grades=GRADES,
                               gauge_resolution_mmhg=GAUGE_RESOLUTION_MMHG)
rec = prkanalysis.load_record()
rates_all, _ = clean.normalize_leak_rates(rec.leak_rates, sources=rec.sources,
                                          approx_rel=APPROX_REL)
rates, audit = clean.clean_leak_rates(rec.leak_rates, sources=rec.sources,
                                      grades=params["grades"], keep_derived=INCLUDE_DERIVED,
                                      approx_rel=APPROX_REL)
allowance = story.constant(rec.constants, r"total leak-rate requirement", to_unit="kg/day")
background_2011 = story.constant(rec.constants, r"background.*2011", to_unit="kg/day")
events = rec.events.copy()
events["date_start"] = pd.to_datetime(events["date_start"], errors="coerce")
detected = events.loc[events["category"] == "detection", "date_start"].min()
stopped = events.loc[events["category"] == "stop", "date_start"].min()
print(f"{len(rates)} trusted rates (grades {'/'.join(params['grades'])}); "
      f"detection {detected:%b %Y}, stop confirmed {stopped:%b %Y}")

# %% [markdown]
# ## The timeline
#
# Rates are drawn on a log scale because they span an order of magnitude. Each point is one
# observation, however many outlets relayed it; its colour is the best source grade. A dotted
# line means "before this date": the figure held at some unknown time earlier.

# %%
display(figures.rate_timeline(rates, events, allowance_kg_day=allowance,
                              allowance_label="whole-station design allowance"))

# %% [markdown]
# Investigators can change the grade filter and the derived-figure toggle here (the chapter
# itself runs with the parameters above):

# %%
_ = story.interactive_timeline(rates_all, events, allowance_kg_day=allowance,
                               grades=params["grades"], include_derived=INCLUDE_DERIVED)

# %% tags=["remove-input"]
early = rates_all[(rates_all["period_end"] < "2021-01-01") & ~rates_all["secondary"].astype(bool)
                  & ~rates_all["derived"].astype(bool)]
early_text = ", ".join(f"{r.value_reported} {r.unit_reported}" for r in early.itertuples())
early_years = f"{early['period_start'].min():%Y}-{early['period_end'].max():%Y}"
story.prose(f"**Caveat.** The {early_years} mass rates ({early_text}) come from a single "
            "unnamed source to Sputnik; NASA published no number for that period. They are "
            "whole-station air-loss figures, not PrK-only measurements.")

# %% [markdown]
# ## The hatch-closed episodes and their decay constants
#
# With the PrK hatch closed, the crew read the PrK pressure hours or days apart. A hole into
# vacuum passes a mass flow proportional to pressure, so the pressure decays as
# p(t) = p0 exp(-k t).

# %%
readings, _ = clean.normalize_pressure_readings(rec.pressure_readings)
fits = episodes.fit_episodes(readings, resolution_mmhg=params["gauge_resolution_mmhg"])
fitted = fits[np.isfinite(fits["k_per_day"])]
curves = episodes.decay_curves(fitted)
display(figures.decay_episodes(readings[readings["kind"] == "reading"], curves))

# %% tags=["remove-input"]
_n_min = int(fitted["n_readings"].min())
_nls = fitted[fitted["method"].astype(str).str.contains("nls", case=False)]
story.prose(
    f"An episode of {story.count_word(_n_min)} readings gives k by interval arithmetic over the "
    "rounding of the readings and the uncertainty of the elapsed time; "
    + "; ".join(f"the {story.count_word(r.n_readings)} readings of {r.episode_id} give an NLS "
                "fit" for r in _nls.itertuples()) + ".")

# %%
fits[["episode_id", "n_readings", "p_start_mmhg", "p_end_mmhg", "duration_days", "k_per_day",
      "k_low", "k_high", "half_life_days", "method"]]

# %% [markdown]
# ## Did the March 2021 sealing change k?
#
# Compare the last episode before the sealing of both cracks with the one just after it. The
# ratio of the k intervals is computed by interval arithmetic.

# %%
repair_dates = events.loc[events["category"] == "repair", "date_start"].dropna().sort_values()
fits_t = fitted.dropna(subset=["first_time"]).sort_values("first_time")
mar_repair = repair_dates[(repair_dates >= "2021-03-01") & (repair_dates < "2021-04-01")].min()
before = fits_t[fits_t["first_time"] < mar_repair - pd.Timedelta(days=30)].iloc[-1]
after = fits_t[fits_t["first_time"] >= mar_repair].iloc[0]
k_ratio = episodes.k_ratio(fits, before=before["episode_id"], after=after["episode_id"])
k_ratio_text = (f"{k_ratio.label} in [{story.fmt(k_ratio.low, 3)}, "
                f"{story.fmt(k_ratio.high, 3)}] (point {story.fmt(k_ratio.point, 3)})")
print(k_ratio_text)

# %% tags=["remove-input"]
_p0 = (before["p_start_mmhg"], after["p_start_mmhg"])
_n_pair = sorted({int(before["n_readings"]), int(after["n_readings"])})
_n_text = " and ".join(story.count_word(n, capital=i == 0) for i, n in enumerate(_n_pair))
_p0_text = (f"Both episodes started at {story.fmt(_p0[0], 3)} mmHg"
            if story.fmt(_p0[0], 3) == story.fmt(_p0[1], 3) else
            f"The episodes started at {story.fmt(_p0[0], 3)} and {story.fmt(_p0[1], 3)} mmHg")
story.prose(
    f"**Caveat.** {_p0_text}, so pressure does not explain the change; temperature and the "
    f"unknown timing of the sealing layers could. {_n_text} readings per episode make this a "
    "comparison of intervals, not a test.")

# %% [markdown]
# ## July 2021: does a single exponential fit?
#
# The July 2021 series slows as the pressure falls. The models compared by information
# criterion are pure outflow (exponential), outflow plus inflow across the hatch seal (decay
# towards an equilibrium pressure), and a pressure-dependent crack opening.

# %%
cmp = episodes.july_2021_model_comparison(readings)
jul_verdict = episodes.july_2021_verdict(cmp)
n_jul = len(episodes.episode_readings(readings, "E2021-07").dropna(subset=["t_d"]))
print(jul_verdict)
cmp

# %% tags=["remove-input"]
_rich = cmp[cmp["model"] != "exponential"]
_df = int(_rich["df_resid"].min())
story.prose(
    f"**Caveat.** {story.count_word(n_jul, capital=True)} readings "
    f"({story.count_word(int((_rich['n'] - _rich['df_resid']).max()))} parameters for the richer "
    f"models) leave {story.count_word(_df)} degree{'s' if _df != 1 else ''} of freedom: the "
    "information criteria rank the models, but weakly.")

# %% [markdown]
# ## What the rates and the decays imply together: PrK volume and hole size
#
# A mass rate and a decay constant from the same epoch imply the PrK volume:
# V = m_dot / (k rho(p)). Which rate goes with which decay is a choice. The default
# ("pairings") pairs a rate with a decay of the same leak state, between the events that
# changed it (the crack found in October 2020, the March 2021 sealing whose effect enters
# through the reported April 2021 reduction factor). The alternative ("window") pairs every
# trusted rate within a time window of an episode, blind to the repairs in between. Both bands
# are shown; the primary-rate band (secondary relays left out) is the one used downstream.

# %%
vol_est = episodes.volume_estimate(rec, grades=params["grades"],
                                   temperature_k=TEMPERATURE_RANGE_K,
                                   resolution_mmhg=params["gauge_resolution_mmhg"])
vols = vol_est.pairings
vol_band = vol_est.band
volume_text = vol_est.describe()
vols[["pairing_id", "label", "rate_id", "episode_id", "volume_m3", "volume_low_m3",
      "volume_high_m3", "status"]]

# %% [markdown]
# The pairings are a judgement table (`data/volume_pairings.csv`, each row with its rationale
# and sources): only a figure and a decay of the same leak state count (no repair in
# between), whole-station figures lose the station background, each figure carries its
# source-level uncertainty, and the "threefold" division is dropped. {eval}`volume_text`

# %%
CD_RANGE = (0.6, 1.0)  # discharge coefficient: sharp-edged orifice to ideal nozzle
hole = episodes.hole_diameters(rates, temperature_k=TEMPERATURE_RANGE_K, cd=CD_RANGE)
hole[["rate_id", "value_reported", "unit", "kg_per_day", "d_cd1_mm", "d_low_mm", "d_high_mm"]]

# %% [markdown]
# Because the volume is unknown, every mass rate derived from a pressure decay scales with
# it. The sensitivity figure shows the mass rate and hole size implied by each episode's k
# across the plausible volumes.

# %%
sens = episodes.volume_sensitivity(fitted, np.linspace(*VOLUME_RANGE, 11),
                                   temperature_k=params["temperature_k"])
display(figures.volume_sensitivity(sens, hue="episode_id", chosen=params["volume_m3"],
                                   units={"mass rate": "kg/day", "hole diameter": "mm"}))

# %% [markdown]
# ## How much air did the leak cost?
#
# The period runs from the first registration (September 2019) to the end of the record
# (June 2026), so it includes the May-June 2026 recurrence; the loss up to the January 2026
# stop confirmation is given as well. The default method ("epochs") splits the period at the
# events that changed the leak (crack found, sealing, the low-pressure hold from June 2025) and
# gives each epoch the interval of its evidence rows; the hold epoch scales the rate by
# pressure (choked flow). The alternative ("daily") integrates the trusted rates day by day,
# taking the widest neighbouring bounds where the record is silent: it ignores the hold and
# the repairs, so its band is wider. Both are shown; the difference is the cost of the choice.

# %%
AIR_RATES = {"epochs": rates, "daily": rates}
air_kw = dict(record=rec, grades=params["grades"])
air = episodes.cumulative_air_lost(AIR_RATES[AIR_LOST_METHOD], method=AIR_LOST_METHOD,
                                   end=AIR_LOST_END, **air_kw)
air_alt = {m: episodes.cumulative_air_lost(AIR_RATES[m], method=m, end=AIR_LOST_END, **air_kw)
           for m in episodes.AIR_LOST_METHODS}
air_to_stop = episodes.cumulative_air_lost(AIR_RATES[AIR_LOST_METHOD], method=AIR_LOST_METHOD,
                                           end=stopped, **air_kw)
deliv = rec.gas_deliveries.rename(columns={"launch_date": "date", "gas_mass_kg": "mass_kg"})
loss = figures.cumulative_loss(air.daily, deliveries=deliv, allowance_kg_day=allowance)
display(loss)
air_text = air.summary()
print(air_text)
display(pd.DataFrame([{"method": m, "start": a.start, "end": a.end, "kg_low": a.total_kg[0],
                       "kg_high": a.total_kg[1]} for m, a in air_alt.items()]))
air.epochs

# %% [markdown]
# This total is a **scenario envelope**, not a probability band: each end keeps every epoch at
# its lowest or highest allowed rate. The epochs are a judgement table
# (`data/air_lost_epochs.csv`); only the rows the reader trusts bound them, the station
# background is subtracted, the 100 mmHg hold scales by the July 2021 flow exponent with the
# hatch open for cargo part of the time, and the no-data years 2021-2024 are their own band.
# {eval}`air_text`

# %% tags=["remove-input"]
_gas = pd.to_numeric(rec.gas_deliveries["gas_mass_kg"], errors="coerce")
story.prose(
    "**Caveat.** The delivery table lists only the Progress flights whose gas mass was found "
    f"({story.fmt(_gas.min())}-{story.fmt(_gas.max())} kg each); Dragon, Cygnus and NORS gas "
    "masses were never published per flight, so the make-up line is a floor, not the total.")

# %% tags=["findings", "remove-input"]
undetermined = fits[~np.isfinite(fits["k_per_day"]) & (fits["n_readings"] >= 2)]
other_air = next(m for m in episodes.AIR_LOST_METHODS if m != AIR_LOST_METHOD)
items = [
    f"{len(rates)} trusted rates span {detected:%b %Y} to "
    f"{rates['period_end'].max():%b %Y}, from {story.fmt(rates['kg_per_day'].min())} to "
    f"{story.fmt(rates['kg_per_day'].max())} kg/day; the whole-station design allowance is "
    f"{story.fmt(allowance, 3)} kg/day.",
    "Decay constants of the hatch-closed episodes: "
    + "; ".join(f"{r.episode_id} k = {story.fmt(r.k_per_day)}/day "
                f"[{story.fmt(r.k_low)}, {story.fmt(r.k_high)}]" for r in fitted.itertuples())
    + (f"; {', '.join(undetermined['episode_id'])}: undetermined (elapsed time unknown)"
       if len(undetermined) else "") + ".",
    f"Across the March 2021 sealing, {k_ratio_text}"
    + (" — the interval excludes 1, so k changed." if not k_ratio.low <= 1.0 <= k_ratio.high
       else " — the interval includes 1: no change can be shown."),
    f"July 2021 ({n_jul} readings): {jul_verdict}",
    f"PrK free volume from same-state pairings: {volume_text}",
    f"Flow-equivalent diameter at cabin pressure (ideal nozzle, "
    f"{story.fmt(physics.T_CABIN - 273.15)} C): {story.fmt(hole['d_cd1_mm'].min())} to "
    f"{story.fmt(hole['d_cd1_mm'].max())} mm across the trusted rates "
    f"({story.fmt(hole['d_low_mm'][hole['d_low_mm'] > 0].min())} to "
    f"{story.fmt(hole['d_high_mm'].max())} mm with their bounds, Cd {CD_RANGE[0]:g}-"
    f"{CD_RANGE[1]:g}, {story.fmt(TEMPERATURE_RANGE_K[0] - 273.15)}-"
    f"{story.fmt(TEMPERATURE_RANGE_K[1] - 273.15)} C).",
    f"From {air.period} — through the May-June 2026 recurrence — the leak cost between "
    f"{story.fmt(air.total_kg[0])} and {story.fmt(air.total_kg[1])} kg of air "
    f"('{AIR_LOST_METHOD}' method; '{other_air}' gives {story.fmt(air_alt[other_air].total_kg[0])}"
    f" to {story.fmt(air_alt[other_air].total_kg[1])} kg); up to the stop confirmation "
    f"({air_to_stop.end:%d %b %Y}) {story.fmt(air_to_stop.total_kg[0])} to "
    f"{story.fmt(air_to_stop.total_kg[1])} kg. That is {story.fmt(air.progress_equivalents[0])}"
    f" to {story.fmt(air.progress_equivalents[1])} Progress gas loads; the recorded Progress "
    f"deliveries in the period carried {story.fmt(loss.notes.get('deliveries_total_kg', 0.0))}"
    f" kg, and the design allowance accumulates to {story.fmt(air.allowance_kg)} kg (2011 "
    f"background: {story.fmt(background_2011, 3)} kg/day, {story.fmt(air.background_kg)} kg).",
]
story.findings_markdown("Findings: five years of a leak", items)
