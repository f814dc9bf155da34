"""The ledger: every claim's verdict as a table, as text, and under other trust settings."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from prkanalysis.claims.evaluate import VERDICTS, ClaimParams, _load, evaluate_all
from prkanalysis.errors import DataValidationError

__all__ = ["GRADE_SETS", "LEDGER_COLUMNS", "format_ledger", "grade_sensitivity", "ledger",
           "print_ledger", "render_numbers"]

LEDGER_COLUMNS = ("claim_id", "claim", "verdict", "numbers", "evidence", "caveat", "rule")
#: Trust settings compared by :func:`grade_sensitivity`.
GRADE_SETS: tuple[tuple[str, ...], ...] = (("P",), ("P", "T"), ("P", "T", "A"))


def render_numbers(numbers: Mapping[str, Any]) -> str:
    """``"years [6.26, 6.34]; stop=2026-01"``: ``x_low``/``x_high`` merged, floats to 3 figures."""
    def f(v: Any) -> str:
        return ("unbounded" if abs(v) == float("inf") else f"{v:.3g}") if isinstance(
            v, float) else str(v)

    return "; ".join(f"{k[:-4]} [{f(v)}, {f(numbers[k[:-4] + '_high'])}]" if k.endswith("_low")
                     and k[:-4] + "_high" in numbers else f"{k}={f(v)}"
                     for k, v in numbers.items()
                     if not (k.endswith("_high") and k[:-5] + "_low" in numbers))


def ledger(record: Any = None, params: ClaimParams | None = None,
           **overrides: Any) -> pd.DataFrame:
    """The ledger, one row per claim; ``attrs["params_text"]`` states trust and date.

    ``record``: a record, a data folder or None; ``params`` or the overrides ``grades``,
    ``as_of``, ``include_derived``.
    """
    p, rec = ClaimParams.build(params, **overrides), _load(record)
    rows = []
    for r in evaluate_all(rec, p):
        by_row: dict[str, list[str]] = {}
        for row, src, grade in r.evidence:
            by_row.setdefault(row, []).append(f"{src} ({grade})")
        rows.append({"claim_id": r.claim_id, "claim": r.claim, "verdict": r.verdict,
                     "numbers": render_numbers(r.numbers), "caveat": r.caveat, "rule": r.rule,
                     "evidence": "; ".join(f"{k}: {', '.join(dict.fromkeys(v))}"
                                           for k, v in by_row.items())})
    frame = pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))
    frame.attrs["params_text"] = p.text(rec)
    return frame


def grade_sensitivity(record: Any = None, params: ClaimParams | None = None,
                      grade_sets: Sequence[Sequence[str]] = GRADE_SETS,
                      **overrides: Any) -> pd.DataFrame:
    """Every claim's verdict (``grades P`` ...), ``stable``, and caveat (``caveat P`` ...)."""
    p, rec = ClaimParams.build(params, **overrides), _load(record)
    verdicts: dict[str, list[Any]] = {}
    caveats: dict[str, list[str]] = {}
    for gs in grade_sets:
        res = evaluate_all(rec, p, grades=tuple(gs))
        verdicts["claim_id"] = [r.claim_id for r in res]
        verdicts[f"grades {'/'.join(gs)}"] = [r.verdict for r in res]
        caveats[f"caveat {'/'.join(gs)}"] = [r.caveat for r in res]
    frame = pd.DataFrame(verdicts)
    frame["stable"] = frame.iloc[:, 1:].nunique(axis=1).eq(1)
    return pd.concat([frame, pd.DataFrame(caveats)], axis=1)


def format_ledger(frame: pd.DataFrame, *, width: int | None = None,
                  columns: Sequence[str] = ("numbers", "caveat")) -> str:
    """The ledger as text: per claim ``id [verdict] claim``, then ``columns`` wrapped, indented.

    Raises:
        DataValidationError: If a column is not in the frame.
    """
    for c in ("claim_id", "verdict", "claim", *columns):
        if c not in frame.columns:
            raise DataValidationError("column not in the ledger", column=c)
    w = width or max(60, shutil.get_terminal_size((100, 24)).columns)
    blocks = [textwrap.fill(f"{r['claim_id']} [{r['verdict']}] {r['claim']}", w,
                            subsequent_indent="    ") + "".join(
        "\n" + textwrap.fill(f"{c}: {r[c]}", w, initial_indent="    ",
                             subsequent_indent="      ") for c in columns)
        for _, r in frame.iterrows()]
    return "\n\n".join(blocks)


def print_ledger(record: Any = None, *, width: int | None = None, full: bool = False,
                 **overrides: Any) -> None:
    """Print the ledger (parameters first, verdict counts last); ``full`` adds evidence/rule."""
    frame = ledger(record, **overrides)
    cols = ("numbers", "caveat", "evidence", "rule") if full else ("numbers", "caveat")
    counts = frame["verdict"].value_counts()
    print("parameters: " + frame.attrs["params_text"] + "\n")
    print(format_ledger(frame, width=width, columns=cols) + "\n")
    print("verdicts: " + ", ".join(f"{v} {int(counts.get(v, 0))}" for v in VERDICTS))
