"""The ledger as a table, as text, under each trust setting, and as a verdict timeline."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from prkanalysis.claims.asof import Snapshots, as_of_day, evidence_dates
from prkanalysis.claims.evaluate import VERDICTS, ClaimParams, _load, _results, evaluate_all
from prkanalysis.claims.measures import _g
from prkanalysis.errors import DataValidationError

__all__ = ["GRADE_SETS", "LEDGER_COLUMNS", "VERDICT_COLOURS", "format_ledger",
           "grade_sensitivity", "ledger", "plot_timeline", "print_ledger", "render_numbers",
           "timeline", "timeline_changes"]

LEDGER_COLUMNS = ("claim_id", "claim", "verdict", "numbers", "evidence", "caveat", "rule")
#: Trust settings compared by :func:`grade_sensitivity`.
GRADE_SETS: tuple[tuple[str, ...], ...] = (("P",), ("P", "T"), ("P", "T", "A"))


def render_numbers(numbers: Mapping[str, Any]) -> str:
    """``"years [6.26, 6.34]; stop=2026-01"``: ``x_low``/``x_high`` merged, floats to 3 figures."""
    return "; ".join(f"{k[:-4]} [{_g(v)}, {_g(numbers[k[:-4] + '_high'])}]" if k.endswith(
        "_low") and k[:-4] + "_high" in numbers else f"{k}={_g(v)}" for k, v in numbers.items()
        if not (k.endswith("_high") and k[:-5] + "_low" in numbers))


def ledger(record: Any = None, params: ClaimParams | None = None, **overrides: Any) -> pd.DataFrame:
    """The ledger, one row per claim; ``attrs["params_text"]`` states trust and date.

    ``record``: a record, a data folder or None; ``params`` or the overrides ``grades``,
    ``as_of``, ``include_derived``.
    """
    p, rec = ClaimParams.build(params, **overrides), _load(record)
    rows = [{"claim_id": r.claim_id, "claim": r.claim, "verdict": r.verdict,
             "numbers": render_numbers(r.numbers), "caveat": r.caveat, "rule": r.rule,
             "evidence": "; ".join(f"{k}: " + ", ".join(dict.fromkeys(
                 f"{s} ({g})" for x, s, g in r.evidence if x == k)) for k in r.rows)}
            for r in evaluate_all(rec, p)]
    frame = pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))
    frame.attrs["params_text"] = p.text(rec)
    return frame


def grade_sensitivity(record: Any = None, params: ClaimParams | None = None,
                      grade_sets: Sequence[Sequence[str]] = GRADE_SETS,
                      **overrides: Any) -> pd.DataFrame:
    """Every claim's verdict (``grades P`` ...), ``stable``, and caveat (``caveat P`` ...)."""
    p, rec = ClaimParams.build(params, **overrides), _load(record)
    res = {"/".join(gs): evaluate_all(rec, p, grades=tuple(gs)) for gs in grade_sets}
    frame = pd.DataFrame({"claim_id": [r.claim_id for r in next(iter(res.values()))], **{
        f"grades {g}": [r.verdict for r in rs] for g, rs in res.items()}})
    return frame.assign(stable=frame.iloc[:, 1:].nunique(axis=1).eq(1), **{
        f"caveat {g}": [r.caveat for r in rs] for g, rs in res.items()})


def format_ledger(frame: pd.DataFrame, *, width: int | None = None,
                  columns: Sequence[str] = ("numbers", "caveat")) -> str:
    """The ledger as text: ``id [verdict] claim``, then ``columns`` wrapped (names a bad one)."""
    for c in (c for c in ("claim_id", "verdict", "claim", *columns) if c not in frame.columns):
        raise DataValidationError("column not in the ledger", column=c)
    w = width or max(60, shutil.get_terminal_size((100, 24)).columns)
    return "\n\n".join([textwrap.fill(f"{r['claim_id']} [{r['verdict']}] {r['claim']}", w,
                                      subsequent_indent="    ") + "".join(
        "\n" + textwrap.fill(f"{c}: {r[c]}", w, initial_indent="    ",
                             subsequent_indent="      ") for c in columns)
        for _, r in frame.iterrows()])


def print_ledger(record: Any = None, *, width: int | None = None, full: bool = False,
                 **overrides: Any) -> None:
    """Print the ledger (parameters first, verdict counts last); ``full`` adds evidence/rule."""
    frame = ledger(record, **overrides)
    cols = ("numbers", "caveat", "evidence", "rule") if full else ("numbers", "caveat")
    counts = frame["verdict"].value_counts()
    print("parameters: " + frame.attrs["params_text"], format_ledger(
        frame, width=width, columns=cols), "verdicts: " + ", ".join(
            f"{v} {int(counts.get(v, 0))}" for v in VERDICTS), sep="\n\n")


#: One colour per verdict (Okabe-Ito hues; grey for undetermined).
VERDICT_COLOURS = dict(zip(VERDICTS, ("#009E73", "#E69F00", "#D55E00", "#CC79A7", "#BBBBBB"),
                           strict=True))


def timeline(record: Any = None, params: ClaimParams | None = None, *, start: Any = None,
             dates: Any = None, **overrides: Any) -> pd.DataFrame:
    """Verdicts as of ``dates``, or of ``start`` (the first detection) and each new evidence day."""
    p, rec = ClaimParams.build(params, **overrides), _load(record)
    det = rec.events.loc[rec.events["category"] == "detection", "date_start"].astype(str)
    first = as_of_day(start if start is not None or det.empty else min(det))
    days = [as_of_day(d) for d in dates] if dates is not None else sorted(
        {d for d in (first, *evidence_dates(rec, first)) if d is not None})
    snaps, cache = Snapshots(rec), dict[Any, Any]()  # one parse, one cache for every day
    rows = [(d, r.claim_id, r.verdict, r.caveat) for d in days
            for r in _results(rec, ClaimParams.build(p, as_of=d), snaps, cache)]
    return pd.DataFrame(rows, columns=["as_of", "claim_id", "verdict", "caveat"])


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
    ax.set(yticks=range(len(ids)), yticklabels=ids, ylim=(len(ids) - 0.5, -0.5),
           xlabel="as of (date the evidence was public)")
    ax.legend(handles=[Patch(color=c, label=v) for v, c in VERDICT_COLOURS.items()],
              loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=5, frameon=False)
    ax.figure.tight_layout()
    return ax.figure
