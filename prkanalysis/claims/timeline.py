"""The verdict timeline: every claim's verdict at each date when new evidence arrived."""

from __future__ import annotations

from typing import Any

import pandas as pd

from prkanalysis.claims.asof import as_of_day, evidence_dates
from prkanalysis.claims.evaluate import VERDICTS, ClaimParams, _load, evaluate_all

__all__ = ["VERDICT_COLOURS", "plot_timeline", "timeline", "timeline_changes"]

#: One colour per verdict (colour-blind-safe Okabe-Ito hues; grey for undetermined).
VERDICT_COLOURS: dict[str, str] = dict(zip(VERDICTS, (
    "#009E73", "#E69F00", "#D55E00", "#CC79A7", "#BBBBBB"), strict=True))


def timeline(record: Any = None, params: ClaimParams | None = None, *, start: Any = None,
             dates: Any = None, **overrides: Any) -> pd.DataFrame:
    """Every claim's verdict as of each day new evidence became public.

    Args:
        record: A record, a data folder path, or ``None``.
        params: :class:`ClaimParams` (its ``as_of`` is replaced by each date).
        start: Only dates on or after this day (default: all).
        dates: Explicit dates instead of the evidence dates.
        **overrides: ``grades``, ``include_derived``.

    Returns:
        Long table: ``as_of``, ``claim_id``, ``verdict``, ``caveat`` (one row per date and
        claim), dates ascending.
    """
    p = ClaimParams.build(params, **overrides)
    rec = _load(record)
    days = ([as_of_day(d, "dates") for d in dates] if dates is not None
            else evidence_dates(rec, start))
    rows = [{"as_of": d, "claim_id": r.claim_id, "verdict": r.verdict, "caveat": r.caveat}
            for d in days for r in evaluate_all(rec, p, as_of=d)]
    return pd.DataFrame(rows, columns=["as_of", "claim_id", "verdict", "caveat"])


def timeline_changes(table: pd.DataFrame) -> pd.DataFrame:
    """The dates at which a claim's verdict changed (first date of each verdict per claim).

    Returns:
        ``claim_id``, ``as_of``, ``verdict``, ``previous`` (empty before the first).
    """
    t = table.sort_values(["claim_id", "as_of"], kind="stable")
    prev = t.groupby("claim_id")["verdict"].shift()
    out = t[prev.ne(t["verdict"])].assign(previous=prev.fillna(""))
    key = out["claim_id"].str.slice(1).astype(int)
    return out.assign(_k=key).sort_values(["_k", "as_of"])[
        ["claim_id", "as_of", "verdict", "previous"]].reset_index(drop=True)


def plot_timeline(table: pd.DataFrame, ax: Any = None) -> Any:
    """Draw the timeline: one row per claim, each span coloured by its verdict.

    Args:
        table: From :func:`timeline`.
        ax: A matplotlib Axes (default: a new figure).

    Returns:
        The matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    ids = list(dict.fromkeys(table["claim_id"]))
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.4 * len(ids) + 1.5))
    days = sorted(set(table["as_of"]))
    ends = {d: e for d, e in zip(days, [*days[1:], days[-1] + pd.Timedelta(days=90)],
                                 strict=True)}
    for y, cid in enumerate(ids):
        t = table[table["claim_id"] == cid]
        for d, v in zip(t["as_of"], t["verdict"], strict=True):
            ax.barh(y, (ends[d] - d).days, left=d, height=0.7, color=VERDICT_COLOURS[v],
                    linewidth=0)
    ax.set_yticks(range(len(ids)), ids)
    ax.invert_yaxis()
    ax.set_xlabel("as of (date the evidence was public)")
    ax.legend(handles=[Patch(color=c, label=v) for v, c in VERDICT_COLOURS.items()],
              loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=5, frameon=False)
    ax.figure.tight_layout()
    return ax.figure
