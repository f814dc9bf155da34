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
# **What this chapter shows.** The news summary of the leak stated its "key facts" (and the
# coverage around it several more). Each is treated as a claim under investigation: a rule
# written in advance decides its verdict (supported, supported with caveats, contradicted,
# superseded, undetermined) from the evidence rows and the numbers computed from them. The
# ledger below is computed, not typed; change the parameters (which source grades to trust,
# whether derived figures count, how wide "about" is) and the verdicts are recomputed.
#
# The parameters below are the ledger's declared defaults (`claims.ClaimParams()`): with them
# the main table is the same computation as the ledger on the report index. Every grade is
# admitted, each row shows its grade, and a claim whose deciding rows are all grade A
# (aggregators) is at best "supported with caveats". How the verdicts move when fewer grades
# are trusted is a separate table further down.

# %% tags=["parameters"]
GRADES = ("P", "T", "A")  # source grades trusted by the rules
INCLUDE_DERIVED = False  # let outlet-computed figures decide
APPROX_REL = 0.25  # relative half-width of "about" figures

# %%
from IPython.display import Markdown, display

import prkanalysis
from prkanalysis import claims, story

params = claims.ClaimParams(grades=tuple(GRADES), include_derived=INCLUDE_DERIVED,
                            approx_rel=APPROX_REL)
rec = prkanalysis.load_record()
ledger = claims.ledger(rec, params)
results = claims.evaluate_all(rec, params)
same_as_index = params == claims.ClaimParams()
display(Markdown(
    f"**Parameters of this ledger:** {ledger.attrs['params_text']}. "
    + ("These are the declared defaults: the report index shows the same ledger."
       if same_as_index else
       "**These differ from the declared defaults, so this table differs from the ledger on "
       "the report index.**")
))

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
# ## Sensitivity to the grade filter (not the ledger)
#
# The same rules and parameters, with only the trusted source grades changed: every grade
# (the ledger above), primary and trade press (P/T, no aggregator relays), and primary
# sources only (P). A verdict that changes between the first column and the P/T column rests
# on relayed figures; the ledger's verdict is the first column.

# %%
sensitivity = claims.grade_sensitivity(rec, params)
main_col = f"grades {'/'.join(params.grades)}"
display(
    sensitivity.style.map(_shade, subset=[c for c in sensitivity.columns
                                          if c.startswith("grades ")])
    .set_caption("Verdict per claim under each set of trusted source grades "
                 "(sensitivity table; the ledger is the table above)")
    .hide(axis="index")
)
pt_col = "grades P/T"
changed = (sensitivity[sensitivity[main_col] != sensitivity[pt_col]]
           if pt_col in sensitivity.columns and pt_col != main_col else sensitivity.iloc[:0])

# %% tags=["findings", "remove-input"]
counts = ledger["verdict"].value_counts()
items = [
    f"{len(ledger)} claims evaluated with grades {'/'.join(params.grades)}: "
    + ", ".join(f"{n} {v}" for v, n in counts.items()) + ".",
]
for r in results[:5]:
    items.append(f"{r.claim_id} ({r.claim}): **{r.verdict}**. {r.caveat}")
items.append(
    f"Trusting only P/T sources instead of {main_col.removeprefix('grades ')} changes "
    f"{len(changed)} verdict(s)"
    + (": " + ", ".join(f"{c} {a} -> {b}" for c, a, b in zip(
        changed["claim_id"], changed[main_col], changed[pt_col], strict=True))
       if len(changed) else "")
    + "."
)
story.findings_markdown("Findings: the claims", items)
