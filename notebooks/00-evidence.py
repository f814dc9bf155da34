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
# # 00 · The evidence: sources, cleaning, gaps
#
# **What this chapter shows.** Every number in this investigation comes from a public source:
# NASA and Roscosmos statements, crew radio calls relayed by the press, the NASA Inspector
# General's report as quoted by the trade press, and a few aggregator sites. This chapter
# grades those sources (P primary, T trade or wire press relaying a primary, A aggregator),
# shows the analyst's judgements that every chapter and the claims ledger share, shows what the
# cleaning step did to each reported figure and why (rounding and "less than" become
# intervals, dates become periods, derived, duplicated and contested figures are set aside),
# counts the rows that went in and came out, and lists what was never published. Later
# chapters build on the trusted rates selected here, with the same selection.

# %% tags=["parameters"]
GRADES = None  # source grades to trust, e.g. ("P", "T"); None: the shared judgement J01
INCLUDE_DERIVED = None  # keep outlet-computed figures; None: the shared judgement J02
APPROX_REL = None  # relative half-width of "about" figures; None: the shared judgement J04

# %%
import pandas as pd
from IPython.display import display

import prkanalysis
from prkanalysis import clean, codes, figures, present
from prkanalysis.analysis import judgements, rates
from prkanalysis.present.text import count_word, findings, fmt

rec = prkanalysis.load_record()
trust = judgements.defaults(rec).replace(grades=GRADES, include_derived=INCLUDE_DERIVED,
                                         approx_rel=APPROX_REL)
rates_used, audit = rates.trusted_rates(rec, trust.grades, trust.include_derived,
                                        approx_rel=trust.approx_rel)
rates_all, audit_norm = clean.normalize_leak_rates(rec.leak_rates, sources=rec.sources,
                                                   approx_rel=trust.approx_rel,
                                                   nearly_rel=trust.nearly_rel)
grades_text = "/".join(trust.grades)
derived_text = "with" if trust.include_derived else "without"
n_sources, n_rates = len(rec.sources), len(rec.leak_rates)
n_readings, n_events = len(rec.pressure_readings), len(rec.events)
n_trusted = len(rates_used)
n_dropped = int((audit["action"] == "dropped").sum())
assert n_rates == n_trusted + n_dropped, "every dropped row must be accounted for"
n_trusted_text, n_rates_text = count_word(n_trusted), count_word(n_rates)

# %% [markdown]
# The evidence base holds {eval}`n_sources` sources, {eval}`n_rates` reported leak rates,
# {eval}`n_readings` PrK pressure readings and {eval}`n_events` dated events. This run trusts
# sources of grade {eval}`grades_text`, {eval}`derived_text` figures an outlet computed.

# %% [markdown]
# ## The judgements every chapter shares
#
# An analyst's choices are data, not code: each is a row of `data/judgements.csv` with its
# rationale and sources, and every chapter and the claims ledger read the same rows. A reader
# can change a row (or a chapter's parameters cell) and run again.

# %%
judgement_rows = judgements.table(rec)[["judgement_id", "name", "value", "unit", "rationale",
                                        "source_ids"]]
present.table(judgement_rows, key="judgement_id", missing="—",
              caption="The analyst's judgements shared by every chapter and the ledger.",
              sources=["judgements.csv"])

# %% [markdown]
# ## The sources, by grade
#
# The grade is the weakest link we know of: a NASA statement quoted by Ars Technica is graded
# T, a TASS relay of a crew radio call is T, a blog that rewrote a Space.com article is A. A
# figure with several sources takes its best grade.

# %%
grade_counts = rec.sources["grade"].astype(str).str.upper().value_counts()
n_p, n_t, n_a = (int(grade_counts.get(g, 0)) for g in ("P", "T", "A"))
display(present.figure(figures.sources_by_grade(rec.sources),
                       caption="Sources of the evidence base by grade.",
                       sources=["sources.csv"]))

# %% [markdown]
# Of the sources, {eval}`n_p` are primary (P), {eval}`n_t` trade or wire relays of a primary
# (T) and {eval}`n_a` aggregators (A).

# %% [markdown]
# ## The cleaning audit: what changed, and why
#
# The raw tables are never modified. Normalisation adds columns (`kg_per_day`, `_low`,
# `_high`, period bounds, `grade_best`); each change is one audit row with a code. Selection
# then drops rows (derived figures, restatements, secondary restatements, the non-preferred
# reports of a contested value, grades not trusted), and each drop is also an audit row, so
# rows in = rows out + rows dropped.

# %%
by_code = (
    audit.groupby(["action", "code"]).size().rename("rows").reset_index()
    .merge(codes.CODES[["code", "meaning"]], on="code", how="left")
)
drop_counts = audit.loc[audit["action"] == "dropped", "code"].value_counts()
n_dropped_grade = int(drop_counts.get("DROP_GRADE", 0))
n_normalised = int((audit_norm["action"] == "changed").sum())
present.table(by_code, caption="Audit rows by action and code.", sources=["leak_rates.csv"])

# %% [markdown]
# With grades {eval}`grades_text` the selection keeps {eval}`n_trusted_text` of
# {eval}`n_rates_text` reported rates and sets {eval}`n_dropped` aside, each with a coded
# reason ({eval}`n_dropped_grade` for their grade alone). {eval}`n_normalised` normalisation
# steps turned printed values and dates into intervals; no raw value was overwritten. Rows set
# aside, with the reason for each:

# %%
present.table(audit.loc[audit["action"] == "dropped", ["row_id", "code", "reason", "before"]],
              key="row_id", missing="—", caption="Rows set aside by the selection.",
              sources=["leak_rates.csv"])

# %% [markdown]
# ## The rates, as reported and as normalised
#
# Each reported figure keeps its wording; the interval says what the wording allows.

# %%
lt_rows = rates_all[rates_all["qualifier"] == "<"]
eq_rows = rates_all[(rates_all["qualifier"] == "=")
                    & rates_all["value_reported"].astype(str).str.contains(".", regex=False)]
lt_ex, eq_ex = lt_rows.iloc[0], eq_rows.iloc[0]
lt_reported = f'"{lt_ex["value_reported"]} {lt_ex["unit_reported"]}" ({lt_ex["rate_id"]})'
lt_interval = f'{fmt(lt_ex["kg_per_day_low"], 3)} to {fmt(lt_ex["kg_per_day_high"], 3)} kg/day'
eq_reported = f'"{eq_ex["value_reported"]} {eq_ex["unit_reported"]}" ({eq_ex["rate_id"]})'
eq_interval = f'{fmt(eq_ex["kg_per_day_low"], 3)} to {fmt(eq_ex["kg_per_day_high"], 3)} kg/day'

# %% [markdown]
# For example, {eval}`lt_reported` becomes {eval}`lt_interval`, and {eval}`eq_reported`
# becomes {eval}`eq_interval`.

# %%
cols = ["rate_id", "period_reported", "value_reported", "unit_reported", "qualifier",
        "kg_per_day", "kg_per_day_low", "kg_per_day_high", "grade_best", "derived"]
present.table(
    rates_all[[c for c in cols if c in rates_all.columns]].assign(
        trusted=rates_all.index.isin(rates_used.index)),
    key="rate_id", units={"kg_per_day": "kg/day", "kg_per_day_low": "kg/day",
                          "kg_per_day_high": "kg/day"},
    caption="Every reported leak rate, normalised; 'trusted' marks the rows this run uses.",
    sources=["leak_rates.csv"])

# %% [markdown]
# ## Gaps and unknowns
#
# The record is sparse. The largest silences between trusted rates, and the quantities that
# were never published, are part of the result: later chapters treat them as parameters or
# intervals, never as zeros.

# %%
dated = rates_used.dropna(subset=["period_start"]).sort_values("period_start")
ends = dated["period_end"].fillna(dated["period_start"])
gaps = pd.DataFrame({
    "after": dated["rate_id"].to_numpy()[:-1],
    "before": dated["rate_id"].to_numpy()[1:],
    "gap_from": ends.to_numpy()[:-1],
    "gap_to": dated["period_start"].to_numpy()[1:],
})
gaps["days"] = (pd.to_datetime(gaps["gap_to"]) - pd.to_datetime(gaps["gap_from"])).dt.days
gaps = gaps.sort_values("days", ascending=False)
if len(gaps):
    longest = gaps.iloc[0]
    longest_gap_days = int(longest["days"])
    longest_gap_text = (f"{longest_gap_days} days, from {pd.Timestamp(longest['gap_from']):%b %Y}"
                        f" to {pd.Timestamp(longest['gap_to']):%b %Y}")
else:
    longest_gap_days = None
    longest_gap_text = (f"cannot be determined (fewer than two trusted rates have a start date "
                        f"under grades {grades_text})")
present.table(gaps.head(5), caption="The five longest silences between trusted rates.",
              units={"days": "days"}, sources=["leak_rates.csv"])

# %%
const = rec.constants
unknown_const = const[const["value"].isna()] if "value" in const.columns else const.iloc[0:0]
n_unknown_const = len(unknown_const)
n_no_date = int(rates_all["period_start"].isna().sum())
readings_norm, audit_p = clean.normalize_pressure_readings(rec.pressure_readings)
n_no_elapsed = int((~readings_norm["is_measurement"]).sum())
present.table(unknown_const[[c for c in ("constant_id", "name", "value_reported", "note")
                             if c in const]],
              key="constant_id", missing="—", caption="Constants with no published value.",
              sources=["constants.csv"])

# %% [markdown]
# The longest silence between trusted rates: {eval}`longest_gap_text`.
# {eval}`n_unknown_const` constants have no published value, {eval}`n_no_date` rates have no
# start date (only a bound such as "before February 2024"), and {eval}`n_no_elapsed` pressure
# rows are targets, holds or undated.
#
# **Caveat, next to the numbers it qualifies.** The PrK free volume, the hold duration
# behind the January 2026 "stopped" statement and any 2022-2023 rate were never published.
# A relayed figure counts once however many outlets repeated it. When a trust setting leaves
# no trusted rate, every later result that rests on rates cannot be determined under it, and
# the chapters say so instead of using a figure the reader chose not to trust.

# %% tags=["findings", "remove-input"]
findings("Findings: the evidence", {
    "grades": list(trust.grades),
    "n_sources": n_sources,
    "n_rates": n_rates,
    "n_trusted": n_trusted,
    "n_dropped": n_dropped,
    "trusted_rate_ids": sorted(rates_used["rate_id"].astype(str)),
    "n_normalisation_steps": n_normalised,
    "longest_gap_days": longest_gap_days,
    "n_constants_unpublished": n_unknown_const,
}, {
    "grades": "trusted grades",
    "n_sources": "sources in the evidence base",
    "n_rates": "reported leak rates",
    "n_trusted": "rates kept by the selection",
    "n_dropped": "rates set aside, each with a coded reason",
    "trusted_rate_ids": "trusted rates",
    "n_normalisation_steps": "normalisation steps (values and dates to intervals)",
    "longest_gap_days": "longest silence between trusted rates (days)",
    "n_constants_unpublished": "constants with no published value",
})
