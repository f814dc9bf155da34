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
# # The bottom line and the limits of the evidence
#
# The report's front page opens with the Markdown cell tagged `bottom-line` below and carries
# the cell tagged `limitations` as its limitations section. Every value in them is computed
# here from the sourced record and the claims ledger and written inline with `{eval}`.

# %% tags=["parameters"]
GRADES = None  # trusted source grades, e.g. ("P", "T"); None = the judgement in data/judgements.csv

# %%
import re

import pandas as pd

import prkanalysis
from prkanalysis import claims, units
from prkanalysis.analysis.rates import trusted_rates
from prkanalysis.present.text import count_word

rec = prkanalysis.load_record()
events = rec.events.sort_values("date_start", kind="stable")


def first_event(category: str) -> pd.Series | None:
    """The earliest event of a category, or None."""
    rows = events[events["category"] == category]
    return rows.iloc[0] if len(rows) else None


def when(date: object, precision: object) -> str:
    """A date in words at its recorded precision."""
    ts = pd.Timestamp(date)
    if str(precision) == "day":
        return f"{ts.day} {ts:%B %Y}"
    if str(precision) == "year":
        return f"{ts:%Y}"
    return f"{ts:%B %Y}"


def listing(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [i for i in items if i]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# %%
detect = first_event("detection")
stop = first_event("stop")
back = first_event("recurrence")
detected_text = when(detect["date_start"], detect["date_precision"]) if detect is not None else (
    "an unrecorded date")
stop_text = when(stop["date_start"], "month") if stop is not None else "no recorded date"
stop_actor = str(stop["actor"]).split("(")[0].strip() if stop is not None else "no agency"
back_text = when(back["date_start"], "month") if back is not None else ""

rates, _audit = trusted_rates(rec, grades=GRADES)
rates = rates.dropna(subset=["kg_per_day"]).sort_values("period_start", kind="stable")
lb = units.convert(1.0, "lb/day", "kg/day")
first_rate = rates.iloc[0]
peak = rates.loc[rates["kg_per_day"].idxmax()]
first_kg = float(first_rate["kg_per_day"])
first_rate_text = f"about {first_kg:.2f} kg ({first_kg / lb:.1f} lb)"
first_rate_when = f"{pd.Timestamp(first_rate['period_start']):%B %Y}"
peak_text = f"about {peak['kg_per_day']:.1f} kg ({peak['kg_per_day'] / lb:.1f} lb) of air a day"
peak_when = f"{pd.Timestamp(peak['period_start']):%B %Y}"
peak_ratio_text = f"roughly {float(peak['kg_per_day']) / first_kg:.0f} times"

# %%
ledger = claims.ledger(rec, claims.ClaimParams(grades=GRADES))
verdicts = ledger["verdict"].astype(str)
n_claims_text = count_word(len(ledger))
n_right = int(verdicts.isin(["supported", "supported with caveats"]).sum())
n_caveats = int((verdicts == "supported with caveats").sum())
right_text = f"{count_word(n_right)} hold ({count_word(n_caveats)} of them only with caveats)"


def claim_list(verdict: str) -> str:
    """The claims with a verdict, quoted with their ids."""
    rows = ledger[verdicts == verdict]
    quoted = [re.sub(r'"([^"]*)"', "\u2018\\1\u2019", str(r.claim)) for r in rows.itertuples()]
    return listing([f"\u201c{q}\u201d ({r.claim_id})"
                    for q, r in zip(quoted, rows.itertuples(), strict=True)]) or "none"


wrong_list = claim_list("contradicted")
superseded_list = claim_list("superseded")
open_list = claim_list("undetermined")
volume = rec.constants[rec.constants["kind"].astype(str) == "volume"]
unpublished = volume[volume["value"].isna()]  # a volume row with no value was never published
unpublished_text = listing([re.sub(r"\s*\([^)]*\)", "", str(n)) for n in unpublished["name"]])

# %% [markdown] tags=["bottom-line"]
# **What happened.** Air started leaking from the PrK, the small tunnel that links the
# Zvezda module of the International Space Station to a docking port, in
# {eval}`detected_text`. The leak grew from {eval}`first_rate_text` a day in
# {eval}`first_rate_when` to a peak of {eval}`peak_text` in {eval}`peak_when`,
# {eval}`peak_ratio_text` as much. In {eval}`stop_text`, {eval}`stop_actor` said the tunnel was
# holding pressure after more sealing; in {eval}`back_text` a new slow leak was reported.
#
# **What the public claims get right and wrong.** Of the {eval}`n_claims_text` public claims
# tested against the sourced record, {eval}`right_text`. Contradicted by the evidence:
# {eval}`wrong_list`. Overtaken by later events: {eval}`superseded_list`.
#
# **What cannot be known from public sources.** The record cannot decide
# {eval}`open_list`. No source gives the {eval}`unpublished_text`, so every
# figure that depends on it (hole size, the largest leak a pressure test could miss) is a
# range over plausible values, not a single number.

# %%
sources = rec.sources
grades = sources["grade"].astype(str).str.upper()
n_sources_text = count_word(len(sources))
n_primary_text = count_word(int((grades == "P").sum()))
n_relay_text = count_word(int(grades.isin(["T", "A"]).sum()))
grade_of = dict(zip(sources["source_id"], grades, strict=True))
rate_has_primary = rec.leak_rates["source_ids"].fillna("").astype(str).map(
    lambda ids: any(grade_of.get(s.strip()) == "P" for s in ids.split(";")))
n_rates_text = count_word(len(rec.leak_rates))
n_rates_relayed_text = count_word(int((~rate_has_primary).sum()))
precisions = [rec.events["date_precision"]]
if "period_precision" in rec.leak_rates.columns:
    precisions.append(rec.leak_rates["period_precision"])
coarse = pd.concat(precisions)
n_coarse_text = count_word(int((~coarse.astype(str).isin(["day"])).sum()))

# %% [markdown] tags=["limitations"]
# - **Second-hand figures.** The record holds {eval}`n_sources_text` sources: {eval}`n_primary_text`
#   primary (an agency's own statement or report) and {eval}`n_relay_text` trade-press or
#   aggregator pages that relay them. Of the {eval}`n_rates_text` reported leak rates,
#   {eval}`n_rates_relayed_text` reach us only through such relays; which grades are trusted is
#   a parameter, and the claims chapter shows how the verdicts move with it.
# - **Rounded words, not measurements.** Officials gave rates as "about" or "less than" a round
#   figure. Each is turned into an interval from its rounding; ratios of such intervals can be
#   wide or open-ended, and then a claim such as "doubled" can be neither confirmed nor excluded.
# - **Unpublished quantities.** The {eval}`unpublished_text` and the size of the hole were never
#   published. They are parameters, and every result that depends on them is shown as a range.
# - **Imprecise dates.** {eval}`n_coarse_text` dated rows are known only to a month, a range or
#   less; they are treated as intervals, and an "as of" verdict counts a row as public only once
#   its earliest possible publication day has passed.
# - **No telemetry.** The station's pressure telemetry for the tunnel is not public. The
#   break-dating and equivalence methods are therefore demonstrated on SIMULATED series, labelled
#   as such wherever they appear; they show what such data could settle, not what happened.
# - **Methods checked, not infallible.** The estimators reproduce published reference results
#   and are tested for coverage on simulated truth (the methods chapter), but every verdict is
#   only as good as the public record behind it.
