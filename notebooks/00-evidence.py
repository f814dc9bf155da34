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
# shows what the cleaning step did to each reported figure and why (rounding and "less than"
# become intervals, dates become periods, derived and duplicated figures are set aside), counts
# the rows that went in and came out, and lists what was never published. Later chapters build
# on the cleaned rates selected here.

# %% tags=["parameters"]
# Source grades to trust: {"P", "T"} (default) or add "A" for aggregator relays.
GRADES = ("P", "T")
# Keep figures an outlet computed (e.g. 1.7 x 2/3 = 1.13 kg/day) rather than reported.
INCLUDE_DERIVED = False
# Relative half-width given to "about"/"a little over" figures (0.25 = +-25 %).
APPROX_REL = 0.25

# %%
import pandas as pd
from IPython.display import display

import prkanalysis
from prkanalysis import clean, codes, figures, story

params = story.validate_params(grades=GRADES)
rec = prkanalysis.load_record()
print(rec.summary())

# %% [markdown]
# ## The sources, by grade
#
# The grade is the weakest link we know of: a NASA statement quoted by Ars Technica is graded
# T, a TASS relay of a crew radio call is T, a blog that rewrote a Space.com article is A. A
# figure with several sources takes its best grade.

# %%
display(figures.sources_by_grade(rec.sources))
grade_counts = rec.sources["grade"].astype(str).str.upper().value_counts()
grade_counts.rename("sources").to_frame()

# %% [markdown]
# ## The cleaning audit: what changed, and why
#
# The raw tables are never modified. Normalisation adds columns (`kg_per_day`, `_low`,
# `_high`, period bounds, `grade_best`); each change is one audit row with a code. Selection
# then drops rows (derived figures, restatements, grades not trusted), and each drop is also
# an audit row, so rows in = rows out + rows dropped.

# %%
rates_all, audit_norm = clean.normalize_leak_rates(rec.leak_rates, approx_rel=APPROX_REL)
rates_used, audit = clean.clean_leak_rates(
    rec.leak_rates, grades=params["grades"], keep_derived=INCLUDE_DERIVED, approx_rel=APPROX_REL
)
by_code = (
    audit.groupby(["action", "code"]).size().rename("rows").reset_index()
    .merge(codes.CODES[["code", "meaning"]], on="code", how="left")
)
n_in, n_out = len(rec.leak_rates), len(rates_used)
n_dropped = int((audit["action"] == "dropped").sum())
assert n_in == n_out + n_dropped, "every dropped row must be accounted for"
by_code

# %% [markdown]
# Rows dropped from the primary estimates, with the reason for each:

# %%
audit.loc[audit["action"] == "dropped", ["row_id", "code", "reason", "before"]]

# %% [markdown]
# ## The rates, as reported and as normalised
#
# Each reported figure keeps its wording; the interval says what the wording allows.

# %% tags=["remove-input"]
def _as_interval(row: pd.Series) -> str:
    return (f'"{row["value_reported"]} {row["unit_reported"]}" becomes '
            f'{story.fmt(row["kg_per_day_low"], 3)} to {story.fmt(row["kg_per_day_high"], 3)} '
            "kg/day")


_bounded = rates_all[rates_all["qualifier"] == "<"]
_exact = rates_all[(rates_all["qualifier"] == "=")
                   & rates_all["value_reported"].astype(str).str.contains(".", regex=False)]
story.prose("For example, " + "; ".join(
    _as_interval(r) for _, r in pd.concat([_bounded.head(1), _exact.head(1)]).iterrows()) + ".")

# %%
cols = ["rate_id", "period_reported", "value_reported", "unit_reported", "qualifier",
        "kg_per_day", "kg_per_day_low", "kg_per_day_high", "grade_best", "derived"]
rates_all[[c for c in cols if c in rates_all.columns]].assign(
    used=rates_all.index.isin(rates_used.index)
)

# %% [markdown]
# ## Gaps and unknowns
#
# The record is sparse. The largest silences between reported rates, and the quantities that
# were never published, are part of the result: later chapters treat them as parameters or
# intervals, never as zeros.

# %%
dated = rates_used.dropna(subset=["period_start"]).sort_values("period_start")
ends = dated["period_end"].fillna(dated["period_start"])
gaps = pd.DataFrame(
    {
        "after": dated["rate_id"].to_numpy()[:-1],
        "before": dated["rate_id"].to_numpy()[1:],
        "gap_from": ends.to_numpy()[:-1],
        "gap_to": dated["period_start"].to_numpy()[1:],
    }
)
gaps["days"] = (pd.to_datetime(gaps["gap_to"]) - pd.to_datetime(gaps["gap_from"])).dt.days
gaps = gaps.sort_values("days", ascending=False)
longest = gaps.iloc[0] if len(gaps) else None
gaps.head(5)

# %%
const = rec.constants
unknown_const = const[const["value"].isna()] if "value" in const.columns else const.iloc[0:0]
no_date = rates_all[rates_all["period_start"].isna()]
readings_norm, audit_p = clean.normalize_pressure_readings(rec.pressure_readings)
n_no_elapsed = int((~readings_norm["is_measurement"]).sum())
unknown_const[[c for c in ("constant_id", "name", "value_reported", "note") if c in const]]

# %% [markdown]
# **Caveat, next to the numbers it qualifies.** The PrK free volume, the hold duration
# behind the January 2026 "stopped" statement and any 2022-2023 rate were never published.
# A relayed figure counts once however many outlets repeated it.

# %% tags=["findings", "remove-input"]
grade_text = ", ".join(f"{int(grade_counts.get(g, 0))} {g}" for g in ("P", "T", "A"))
drop_counts = audit.loc[audit["action"] == "dropped", "code"].value_counts()
drop_text = ", ".join(f"{c}: {n}" for c, n in drop_counts.items()) or "none"
items = [
    f"The evidence base holds {len(rec.sources)} sources ({grade_text}), "
    f"{len(rec.leak_rates)} reported leak rates, {len(rec.pressure_readings)} PrK pressure "
    f"readings and {len(rec.events)} dated events.",
    f"Cleaning for grades {'/'.join(params['grades'])}"
    f"{' with' if INCLUDE_DERIVED else ' without'} derived figures keeps {n_out} of {n_in} "
    f"rates; {n_dropped} are set aside, each with a coded reason "
    f"({drop_text}).",
    f"{int((audit_norm['action'] == 'changed').sum())} normalisation steps turned printed "
    "values and dates into intervals; no raw value was overwritten.",
]
if longest is not None:
    items.append(
        f"The longest silence between trusted rates runs {int(longest['days'])} days, from "
        f"{pd.Timestamp(longest['gap_from']):%b %Y} to {pd.Timestamp(longest['gap_to']):%b %Y}."
    )
items.append(
    f"{len(unknown_const)} constants have no published value; {len(no_date)} rates have no "
    f"usable date; {n_no_elapsed} pressure rows are targets, holds or undated."
)
story.findings_markdown("Findings: the evidence", items)
