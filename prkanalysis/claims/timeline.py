"""The verdict timeline: every claim's verdict at each date when new evidence arrived."""

from __future__ import annotations

from typing import Any

import pandas as pd

from prkanalysis.claims.asof import as_of_day, evidence_dates
from prkanalysis.claims.evaluate import VERDICTS, ClaimParams, _load, evaluate_all

__all__ = ["VERDICT_COLOURS", "plot_timeline", "timeline", "timeline_changes"]

#: One colour per verdict (Okabe-Ito hues; grey for undetermined).
VERDICT_COLOURS = dict(zip(VERDICTS, ("#009E73", "#E69F00", "#D55E00", "#CC79A7", "#BBBBBB"),
                           strict=True))


def timeline(record: Any = None, params: ClaimParams | None = None, *, start: Any = None,
             dates: Any = None, **overrides: Any) -> pd.DataFrame:
    """Every claim's verdict as of each day new evidence became public (or of ``dates``).

    Returns:
        Long table ``as_of``, ``claim_id``, ``verdict``, ``caveat``, dates ascending.
    """
    p, rec = ClaimParams.build(params, **overrides), _load(record)
    days = ([as_of_day(d) for d in dates] if dates is not None
            else evidence_dates(rec, start))
    return pd.DataFrame([{"as_of": d, "claim_id": r.claim_id, "verdict": r.verdict,
                          "caveat": r.caveat} for d in days for r in evaluate_all(rec, p, as_of=d)],
                        columns=["as_of", "claim_id", "verdict", "caveat"])


def timeline_changes(table: pd.DataFrame) -> pd.DataFrame:
    """Each change of a claim's verdict: ``claim_id``, ``as_of``, ``verdict``, ``previous``."""
    t = table.sort_values(["claim_id", "as_of"], kind="stable")
    prev = t.groupby("claim_id")["verdict"].shift()
    out = t[prev.ne(t["verdict"]).to_numpy()].assign(previous=prev.fillna(""))
    out = out.assign(_k=out["claim_id"].str.slice(1).astype(int)).sort_values(["_k", "as_of"])
    return out[["claim_id", "as_of", "verdict", "previous"]].reset_index(drop=True)


def plot_timeline(table: pd.DataFrame, ax: Any = None) -> Any:
    """Draw :func:`timeline`: one row per claim, each span coloured by its verdict."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    ids = list(dict.fromkeys(table["claim_id"]))
    ax = ax or plt.subplots(figsize=(10, 0.4 * len(ids) + 1.5))[1]
    days = sorted(set(table["as_of"]))
    ends = dict(zip(days, [*days[1:], days[-1] + pd.Timedelta(days=90)], strict=True))
    for d, cid, v in zip(table["as_of"], table["claim_id"], table["verdict"], strict=True):
        ax.barh(ids.index(cid), (ends[d] - d).days, left=d, height=0.7,
                color=VERDICT_COLOURS[v], linewidth=0)
    ax.set_yticks(range(len(ids)), ids)
    ax.invert_yaxis()
    ax.set_xlabel("as of (date the evidence was public)")
    ax.legend(handles=[Patch(color=c, label=v) for v, c in VERDICT_COLOURS.items()],
              loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=5, frameon=False)
    ax.figure.tight_layout()
    return ax.figure
