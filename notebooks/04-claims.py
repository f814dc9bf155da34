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
# **What this chapter shows.** The news summary of the leak made five "key facts" (and the
# coverage around it several more). Each is treated as a claim under investigation: a rule
# written in advance decides its verdict (supported, supported with caveats, contradicted,
# superseded, undetermined) from the evidence rows and the numbers computed from them. The
# ledger below is computed, not typed; change the parameters (which source grades to trust,
# whether derived figures count, how wide "about" is) and the verdicts are recomputed.

# %% tags=["parameters"]
GRADES = ("P", "T")  # source grades trusted by the rules
INCLUDE_DERIVED = False  # let outlet-computed figures decide
APPROX_REL = 0.25  # relative half-width of "about" figures

# %%
from IPython.display import display

import prkanalysis
from prkanalysis import claims, story

params = story.validate_params(grades=GRADES)
rec = prkanalysis.load_record()
ledger = claims.ledger(rec, grades=params["grades"], include_derived=INCLUDE_DERIVED,
                       approx_rel=APPROX_REL)
results = claims.evaluate_all(rec, grades=params["grades"], include_derived=INCLUDE_DERIVED,
                              approx_rel=APPROX_REL)

# %% [markdown]
# ## The ledger
#
# Each row: the claim, the verdict, the deciding numbers, the evidence rows with their
# sources and grades, and the caveat that qualifies the verdict. The rule column says how the
# verdict was reached.

# %%
VERDICT_COLORS = {
    "supported": "#d9f0d3",
    "supported with caveats": "#fff2cc",
    "contradicted": "#f4cccc",
    "superseded": "#d9d2e9",
    "undetermined": "#eeeeee",
}


def _shade(v: str) -> str:
    return f"background-color: {VERDICT_COLORS.get(v, '#ffffff')}"


styled = (
    ledger.style.map(_shade, subset=["verdict"])
    .set_properties(**{"text-align": "left", "vertical-align": "top", "white-space": "pre-wrap"})
    .hide(axis="index")
)
display(styled)

# %% [markdown]
# ## Claim by claim, with the caveat next to the verdict

# %%
for r in results:
    display(story.findings_markdown(
        f"{r.claim_id}: {r.verdict}",
        [r.claim, f"Caveat: {r.caveat}", f"Rule: {r.rule}",
         "Evidence rows: " + ", ".join(r.rows)],
    ))

# %% [markdown]
# ## Sensitivity to the grade filter
#
# The same rules with aggregator relays (grade A) admitted. A verdict that changes here rests
# on relayed figures.

# %%
wide = claims.ledger(rec, grades=("P", "T", "A"), include_derived=INCLUDE_DERIVED,
                     approx_rel=APPROX_REL)
compare = ledger[["claim_id", "verdict"]].merge(
    wide[["claim_id", "verdict"]], on="claim_id", suffixes=("", "_with_A"))
changed = compare[compare["verdict"] != compare["verdict_with_A"]]
compare

# %% tags=["findings", "remove-input"]
counts = ledger["verdict"].value_counts()
items = [
    f"{len(ledger)} claims evaluated with grades {'/'.join(params['grades'])}: "
    + ", ".join(f"{n} {v}" for v, n in counts.items()) + ".",
]
for r in results[:5]:
    items.append(f"{r.claim_id} ({r.claim}): **{r.verdict}**. {r.caveat}")
items.append(
    f"Admitting aggregator relays changes {len(changed)} verdict(s)"
    + (": " + ", ".join(f"{c.claim_id} {c.verdict} -> {c.verdict_with_A}"
                         for c in changed.itertuples()) if len(changed) else "")
    + "."
)
story.findings_markdown("Findings: the claims", items)
