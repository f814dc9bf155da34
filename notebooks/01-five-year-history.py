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
# # 01 · Five years of a leak: 2019-2026
#
# **What this chapter shows.** The reported leak rates on one timeline with the events that
# explain them; the crew's PrK pressure readings from the hatch-closed episodes of 2020-2021,
# each fitted with an exponential decay whose constant k carries an interval; whether the
# March 2021 sealing changed k; what PrK volume and hole size the rates and decays imply
# together; and how much air the leak cost from detection to the January 2026 "stop", as a
# band, against the make-up gas delivered and the station's design allowance. The PrK free
# volume was never published: it is a parameter here, and its effect is shown across 3-8 m³.

# %% tags=["parameters"]
VOLUME_M3 = 5.0  # assumed PrK free volume, m3 (unpublished; plausible range 3-8)
VOLUME_RANGE = (3.0, 8.0)  # range shown in the sensitivity figure, m3
TEMPERATURE_K = 295.15  # cabin temperature, K (22 C)
GRADES = ("P", "T")  # source grades trusted; add "A" to include aggregator relays
INCLUDE_DERIVED = False  # keep figures an outlet computed rather than reported
GAUGE_RESOLUTION_MMHG = 0.5  # half-width of a crew pressure reading, mmHg
APPROX_REL = 0.25  # relative half-width for "about"/"a little over" figures
PAIRING_WINDOW_DAYS = 120  # a rate and a decay are paired when this close in time

# %%
import numpy as np
import pandas as pd
from IPython.display import display

import prkanalysis
from prkanalysis import clean, figures, physics, story, units
from prkanalysis.models import decay

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

# %% [markdown]
# **Caveat.** The 2019-2020 mass rates (270 g, 540 g, 1.4 kg per day) come from a single
# unnamed source to Sputnik; NASA published no number for that period. They are whole-station
# air-loss figures, not PrK-only measurements.
#
# ## The hatch-closed episodes and their decay constants
#
# With the PrK hatch closed, the crew read the PrK pressure hours or days apart. A hole into
# vacuum passes a mass flow proportional to pressure, so the pressure decays as
# p(t) = p0 exp(-k t). Two readings give k by interval arithmetic over the rounding of the
# readings and the uncertainty of the elapsed time; five readings (July 2021) give an NLS fit.

# %%
readings, _ = clean.normalize_pressure_readings(rec.pressure_readings)
fits, curves = story.episode_fits(readings, p_resolution=params["gauge_resolution_mmhg"])
display(figures.decay_episodes(readings[readings["kind"] == "reading"], curves))
fits

# %% [markdown]
# ## Did the March 2021 sealing change k?
#
# Compare the last episode before the sealing of both cracks with the one just after it. The
# ratio of the k intervals is computed by interval arithmetic.

# %%
repair_dates = events.loc[events["category"] == "repair", "date_start"].dropna().sort_values()
fits_t = fits.dropna(subset=["first_time"]).copy()
fits_t["first_time"] = pd.to_datetime(fits_t["first_time"]).dt.tz_localize(None)
mar_repair = repair_dates[(repair_dates >= "2021-03-01") & (repair_dates < "2021-04-01")].min()
before = fits_t[fits_t["first_time"] < mar_repair - pd.Timedelta(days=30)].iloc[-1]
after = fits_t[fits_t["first_time"] >= mar_repair].iloc[0]
k_ratio = story.ratio_interval(after["k_per_day"], after["k_low"], after["k_high"],
                               before["k_per_day"], before["k_low"], before["k_high"],
                               f"k {after['episode_id']} / k {before['episode_id']}")
print(k_ratio.summary())

# %% [markdown]
# **Caveat.** Both episodes started near 730 mmHg, so pressure does not explain the change;
# temperature and the unknown timing of the sealing layers could. Two readings per episode make
# this a comparison of two intervals, not a test.
#
# ## July 2021: does a single exponential fit?
#
# The July 2021 series slows as the pressure falls. Three models are compared by information
# criterion: pure outflow (exponential), outflow plus inflow across the hatch seal (decay
# towards an equilibrium pressure), and a pressure-dependent crack opening.

# %%
jul = readings[(readings["episode_id"] == "E2021-07") & readings["is_measurement"]]
jul = jul.sort_values("elapsed_h")
cmp = decay.compare_decay_models(jul["elapsed_h"].to_numpy(), jul["pressure_mmhg"].to_numpy(),
                                 t_unit="h")
best = cmp.iloc[0]
cmp

# %% [markdown]
# **Caveat.** Five readings (three parameters for the richer models) leave two degrees of
# freedom: the information criteria rank the models, but weakly.
#
# ## What the rates and the decays imply together: PrK volume and hole size
#
# A mass rate and a decay constant from the same epoch imply the PrK volume:
# V = m_dot / (k rho(p)). Every trusted rate within the pairing window of an episode is paired.

# %%
vols = story.implied_volumes(fits, rates, window_days=PAIRING_WINDOW_DAYS,
                             temperature_k=params["temperature_k"])
vols

# %%
hole = rates.dropna(subset=["kg_per_day"]).assign(
    hole_mm=lambda d: [physics.equivalent_hole_diameter(m, units.ATM_PA,
                                                        params["temperature_k"]) * 1e3
                       for m in d["kg_per_day"]]
)[["rate_id", "period_reported", "kg_per_day", "hole_mm"]]
hole

# %% [markdown]
# Because the volume is unknown, every mass rate derived from a pressure decay scales with
# it. The sensitivity figure shows the mass rate and hole size implied by each episode's k
# across the plausible volumes.

# %%
sens = story.volume_sensitivity_table(fits, np.linspace(*VOLUME_RANGE, 11),
                                      temperature_k=params["temperature_k"])
display(figures.volume_sensitivity(sens, hue="episode_id", chosen=params["volume_m3"],
                                   units={"mass rate": "kg/day", "hole diameter": "mm"}))

# %% [markdown]
# ## How much air did the leak cost?
#
# The rate is integrated day by day from detection to the stop confirmation. Where the record
# is silent, the band takes the lowest and highest neighbouring bounds, and "before" figures
# widen it: the band is wide where the evidence is thin, and that is the honest answer.

# %%
band = story.cumulative_loss_band(rates, start=detected, end=stopped)
deliv = rec.gas_deliveries.rename(columns={"launch_date": "date", "gas_mass_kg": "mass_kg"})
loss = figures.cumulative_loss(band, deliveries=deliv, allowance_kg_day=allowance)
display(loss)
years = (stopped - detected).days / 365.25

# %% [markdown]
# **Caveat.** The delivery table lists only the Progress flights whose gas mass was found
# (40-50 kg each); Dragon, Cygnus and NORS gas masses were never published per flight, so the
# make-up line is a floor, not the total.

# %% tags=["findings", "remove-input"]
vol_ok = vols.replace([np.inf, -np.inf], np.nan).dropna(subset=["volume_m3"])
items = [
    f"{len(rates)} trusted rates span {detected:%b %Y} to "
    f"{rates['period_end'].max():%b %Y}, from {story.fmt(rates['kg_per_day'].min())} to "
    f"{story.fmt(rates['kg_per_day'].max())} kg/day; the whole-station design allowance is "
    f"{story.fmt(allowance, 3)} kg/day.",
    "Decay constants of the hatch-closed episodes: "
    + "; ".join(f"{r.episode_id} k = {story.fmt(r.k_per_day)}/day "
                f"[{story.fmt(r.k_low)}, {story.fmt(r.k_high)}]" for r in fits.itertuples())
    + ".",
    f"Across the March 2021 sealing, {k_ratio.summary()}"
    + (" — the interval excludes 1, so k changed." if not k_ratio.contains(1.0)
       else " — the interval includes 1: no change can be shown."),
    f"July 2021: the best-ranked model is '{best['model']}' by AICc; "
    f"{len(cmp)} models compared on {len(jul)} readings.",
]
if len(vol_ok):
    items.append(
        f"Pairing rates with decays implies a PrK free volume of "
        f"{story.fmt(vol_ok['volume_m3'].min())} to {story.fmt(vol_ok['volume_m3'].max())} m³ "
        f"({len(vol_ok)} pairings); the chapter assumes {story.fmt(params['volume_m3'])} m³."
    )
items.append(
    f"Equivalent hole at cabin pressure: {story.fmt(hole['hole_mm'].min())} to "
    f"{story.fmt(hole['hole_mm'].max())} mm across the trusted rates."
)
items.append(
    f"From {detected:%b %Y} to {stopped:%b %Y} ({story.fmt(years)} years) the leak cost "
    f"between {story.fmt(loss.notes['loss_low_kg'])} and {story.fmt(loss.notes['loss_high_kg'])}"
    f" kg of air; the recorded Progress deliveries in that window carried "
    f"{story.fmt(loss.notes.get('deliveries_total_kg', 0.0))} kg, and the design allowance "
    f"accumulates to {story.fmt(loss.notes['allowance_total_kg'])} kg (2011 background: "
    f"{story.fmt(background_2011, 3)} kg/day)."
)
story.findings_markdown("Findings: five years of a leak", items)
