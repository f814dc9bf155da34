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
# # 04 · The claims ledger
#
# **What this chapter shows.** The news summary of the leak stated its "key facts", and the
# coverage around it several more. Each is a row of `data/claims.csv`: the claim's words, who
# made it, the measure it calls and the band it asserts. One evaluator judges every claim: the
# measure's best estimate inside the band is *supported*, only its uncertainty reaching the band
# is *supported with caveats*, outside is *contradicted*, later evidence against it makes it
# *superseded*, and a measure the trusted evidence cannot form leaves it *undetermined*. The
# rule each row shows is written from its band by code, so it cannot drift from the decision.
# Change the parameters below and re-run: the verdicts, the timeline and the prose follow.

# %% tags=["parameters"]
GRADES = None  # trusted source grades, e.g. ("P", "T"); None = the judgement in data/judgements.csv
AS_OF = None  # "YYYY-MM-DD": use only evidence reported on or before that day; None = all
INCLUDE_DERIVED = None  # let outlet-computed rates decide; None = the judgement
CHECK_DATES = ("2019-08-01", "2024-03-01", "2026-01-10", "2026-06-06")  # dates shown side by side

# %%
import pandas as pd
from IPython.display import display

import prkanalysis
from prkanalysis import claims, present
from prkanalysis.present import text

rec = prkanalysis.load_record()
params = claims.ClaimParams(grades=GRADES, as_of=AS_OF, include_derived=INCLUDE_DERIVED)
results = claims.evaluate_all(rec, params)
ledger = claims.ledger(rec, params)
by_id = {r.claim_id: r for r in results}
trust = params.judgements(rec)
grades_text = "/".join(trust.grades)
derived_text = "outlet-computed rates " + ("included" if trust.include_derived else "set aside")
as_of_text = ("all the evidence" if params.as_of is None else
              f"only the evidence public on {params.as_of:%Y-%m-%d}")
n_claims = len(results)
counts = ledger["verdict"].value_counts()
counts_text = ", ".join(f"{int(counts.get(v, 0))} {v}" for v in claims.VERDICTS)

# %% [markdown]
# ## The ledger
#
# This ledger judges {eval}`n_claims` claims on {eval}`as_of_text`, trusting sources of grade
# {eval}`grades_text` ({eval}`derived_text`). Its verdicts: {eval}`counts_text`. Each row gives
# the deciding numbers and the caveat that qualifies the verdict; the evidence rows behind each
# verdict, with their sources and grades, follow the rules below.

# %%
present.table(ledger[["claim_id", "claim", "verdict", "numbers", "caveat"]],
              caption="The claims ledger: one row per claim of data/claims.csv.",
              sources=sorted({r for res in results for r in res.rows}), key="claim_id")

# %% [markdown]
# ## The rules, written from the bands
#
# The band is data (`data/claims.csv`, with its rationale); the rule text below is generated
# from it by `prkanalysis.claims.rule_text`, the same band the evaluator compares against.

# %%
table = claims.claims_table(rec)
bands = pd.DataFrame({
    "claim_id": [c.claim_id for c in table],
    "asserted band": [f"'{c.band.category}'" if c.band.category else c.band.text()
                      for c in table],
    "rule": [by_id[c.claim_id].rule for c in table],
    "rationale": [c.rationale for c in table]})
present.table(bands, caption="What each claim asserts and the rule that judges it.",
              key="claim_id")

# %% [markdown]
# ## The evidence behind each verdict

# %%
present.table(ledger[["claim_id", "verdict", "evidence"]],
              caption="Evidence rows (row id: source (grade)) that decided each verdict.",
              key="claim_id")

# %%
c12 = by_id["C12"]
c12_figure = next(c.args.get("figure", "") for c in table if c.claim_id == "C12")
pairings = rec.table("volume_pairings")
used = pairings[pairings["include"].astype(str).str.lower().eq("true")]
feeds_volume = c12_figure in set(used["divisor_figure_id"].dropna().astype(str))
c12_verdict = c12.verdict
c12_volume_text = (
    f"The figure {c12_figure} also feeds a volume pairing, so the volume rests on a figure the "
    f"ledger rules {c12_verdict}." if feeds_volume and c12_verdict == "contradicted" else
    f"Its figure {c12_figure} feeds no included volume pairing of data/volume_pairings.csv."
    if not feeds_volume else f"Its figure {c12_figure} feeds an included volume pairing of "
    "data/volume_pairings.csv.")

# %% [markdown]
# **The 2021 sealing (C12).** The verdict is {eval}`c12_verdict`. {eval}`c12_volume_text`

# %% [markdown]
# ## The verdict timeline
#
# What could a careful investigator have concluded on a given day? Each ledger below uses only
# the rows reported on or before that day, and only the sources published by then (a row's
# grade is the best grade of the sources it had). The table gives every claim's verdict at
# each date new evidence arrived; the figure colours each claim by its verdict over time.

# %%
timeline = claims.timeline(rec, params)
changes = claims.timeline_changes(timeline)
n_dates = timeline["as_of"].nunique()
first_date = f"{timeline['as_of'].min():%Y-%m-%d}"
last_date = f"{timeline['as_of'].max():%Y-%m-%d}"
present.table(changes, caption="Each change of a verdict, with the day the evidence for it "
              "became public.", key="claim_id")

# %% tags=["verdict-timeline"]
display(present.figure(
    claims.plot_timeline(timeline),
    caption="Every claim's verdict as of each day new evidence became public; grey is "
            "undetermined.",
    sources=sorted({r for res in results for r in res.rows})))

# %%
side = claims.timeline(rec, params, dates=CHECK_DATES)
side_by_side = side.pivot_table(index="claim_id", columns="as_of", values="verdict",
                              aggfunc="first")
side_by_side = side_by_side.loc[[c.claim_id for c in table]]
side_by_side.columns = [f"{d:%Y-%m-%d}" for d in side_by_side.columns]
c5_dates = side_by_side.loc["C5"]
c5_first, c5_last = str(c5_dates.iloc[0]), str(c5_dates.iloc[-1])
c5_jan = str(c5_dates.iloc[-2])
first_check, jan_check, last_check = (side_by_side.columns[0], side_by_side.columns[-2],
                                      side_by_side.columns[-1])
present.table(side_by_side.reset_index(), caption="The ledger at the dates of the parameters.",
              key="claim_id")

# %% [markdown]
# The timeline runs over {eval}`n_dates` dates from {eval}`first_date` to {eval}`last_date`.
# NASA's "holding steady" (C5) reads {eval}`c5_first` on {eval}`first_check`,
# {eval}`c5_jan` on {eval}`jan_check` and {eval}`c5_last` on {eval}`last_check`.

# %% [markdown]
# ## Sensitivity to the trusted grades
#
# The same claims and bands with only the trusted grades changed: primary sources only (P),
# primary and trade press (P/T), and every grade including aggregators (P/T/A). Where the
# evidence at a setting cannot form a measure, the caveat says which grade lacks what.

# %%
sens = claims.grade_sensitivity(rec, params)
n_stable = int(sens["stable"].sum())
p_only_missing = int((sens["grades P"] == "undetermined").sum())
present.table(sens[["claim_id", "grades P", "grades P/T", "grades P/T/A", "stable"]],
              caption="Verdict per claim under each set of trusted source grades.",
              key="claim_id")

# %%
present.table(sens[["claim_id", "caveat P"]],
              caption="What trusting only primary sources (P) can and cannot determine.",
              key="claim_id")

# %% [markdown]
# {eval}`n_stable` of {eval}`n_claims` verdicts are the same under every setting; trusting only
# primary sources leaves {eval}`p_only_missing` claims undetermined.

# %% tags=["findings", "remove-input"]
values = {f"{r.claim_id}_verdict": r.verdict for r in results}
values.update(n_claims=n_claims, n_stable=n_stable, n_timeline_dates=n_dates)
text.findings("Findings: the claims", values,
              {f"{r.claim_id}_verdict": f"{r.claim_id} ({r.claim})" for r in results})
