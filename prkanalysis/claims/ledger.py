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

LEDGER_COLUMNS: tuple[str, ...] = ("claim_id", "claim", "verdict", "numbers", "evidence",
                                   "caveat", "rule")
#: Trust settings compared by :func:`grade_sensitivity`.
GRADE_SETS: tuple[tuple[str, ...], ...] = (("P",), ("P", "T"), ("P", "T", "A"))


def render_numbers(numbers: Mapping[str, Any]) -> str:
    """``"a=1.5; b [2, 3]"``: ``x_low``/``x_high`` pairs merged, floats to 3 figures.

    Example:
        >>> render_numbers({"years_low": 6.2601, "years_high": 6.3368, "stop": "2026-01"})
        'years [6.26, 6.34]; stop=2026-01'
    """
    def f(v: Any) -> str:
        return (f"{v:.3g}" if abs(v) != float("inf") else "unbounded") if isinstance(
            v, float) else str(v)

    parts = []
    for k, v in numbers.items():
        if k.endswith("_high") and f"{k[:-5]}_low" in numbers:
            continue
        if k.endswith("_low") and f"{k[:-4]}_high" in numbers:
            parts.append(f"{k[:-4]} [{f(v)}, {f(numbers[k[:-4] + '_high'])}]")
        else:
            parts.append(f"{k}={f(v)}")
    return "; ".join(parts)


def _evidence_text(evidence: Sequence[tuple[str, str, str]]) -> str:
    by_row: dict[str, list[str]] = {}
    for row, src, grade in evidence:
        item = f"{src} ({grade})"
        if item not in by_row.setdefault(row, []):
            by_row[row].append(item)
    return "; ".join(f"{row}: {', '.join(s)}" for row, s in by_row.items())


def ledger(record: Any = None, params: ClaimParams | None = None,
           **overrides: Any) -> pd.DataFrame:
    """The claims ledger, one row per claim (:data:`LEDGER_COLUMNS`).

    Args:
        record: A record, a data folder path, or ``None`` (the evidence base).
        params: :class:`ClaimParams`.
        **overrides: ``grades``, ``as_of``, ``include_derived``.

    Returns:
        The ledger; ``attrs["params_text"]`` states the trust setting and date.

    Example:
        >>> ledger(as_of="2026-01-10").set_index("claim_id").loc["C5", "verdict"]
        'supported with caveats'
    """
    p = ClaimParams.build(params, **overrides)
    rec = _load(record)
    rows = [{"claim_id": r.claim_id, "claim": r.claim, "verdict": r.verdict,
             "numbers": render_numbers(r.numbers), "evidence": _evidence_text(r.evidence),
             "caveat": r.caveat, "rule": r.rule} for r in evaluate_all(rec, p)]
    frame = pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))
    frame.attrs["params_text"] = p.text(rec)
    return frame


def grade_sensitivity(record: Any = None, params: ClaimParams | None = None,
                      grade_sets: Sequence[Sequence[str]] = GRADE_SETS,
                      **overrides: Any) -> pd.DataFrame:
    """Every claim's verdict and caveat under each trust setting (columns ``grades P`` ...).

    Returns:
        ``claim_id``, one verdict column per grade set, ``stable`` (same verdict under
        every set), and one ``caveat <set>`` column per set (what cannot be determined).
    """
    p = ClaimParams.build(params, **overrides)
    rec = _load(record)
    out: dict[str, list[Any]] = {}
    caveats: dict[str, list[str]] = {}
    for gs in grade_sets:
        res = evaluate_all(rec, p, grades=tuple(gs))
        out["claim_id"] = [r.claim_id for r in res]
        out[f"grades {'/'.join(gs)}"] = [r.verdict for r in res]
        caveats[f"caveat {'/'.join(gs)}"] = [r.caveat for r in res]
    frame = pd.DataFrame(out)
    frame["stable"] = frame.iloc[:, 1:].nunique(axis=1).eq(1)
    return pd.concat([frame, pd.DataFrame(caveats)], axis=1)


def format_ledger(frame: pd.DataFrame, *, width: int | None = None,
                  columns: Sequence[str] = ("claim_id", "verdict", "claim", "numbers",
                                            "caveat"),
                  weights: Mapping[str, float] | None = None) -> str:
    """A fixed-width text table of a ledger, cells wrapped to ``width`` characters.

    Raises:
        DataValidationError: If a column is not in the frame.
    """
    for c in columns:
        if c not in frame.columns:
            raise DataValidationError("column not in the ledger", column=c)
    natural = {c: max([len(c), *(len(str(v)) for v in frame[c])]) for c in columns}
    fixed = [c for c in columns if c in ("claim_id", "verdict")]
    room = max((width or max(60, shutil.get_terminal_size((120, 24)).columns))
               - 3 * (len(columns) - 1) - sum(natural[c] for c in fixed), 10 * len(columns))
    w = {c: (weights or {}).get(c, 1.0) for c in columns if c not in fixed}
    widths = {c: natural[c] if c in fixed else max(10, min(natural[c], int(
        room * w[c] / sum(w.values())))) for c in columns}
    rule = "-+-".join("-" * widths[c] for c in columns)
    lines = [" | ".join(c.ljust(widths[c]) for c in columns).rstrip(), rule]
    for _, row in frame.iterrows():
        cells = [textwrap.wrap(str(row[c]), widths[c]) or [""] for c in columns]
        lines += [" | ".join((cell[i] if i < len(cell) else "").ljust(widths[c]) for cell, c
                             in zip(cells, columns, strict=True)).rstrip()
                  for i in range(max(map(len, cells)))] + [rule]
    return "\n".join(lines[:-1])


def print_ledger(record: Any = None, *, width: int | None = None, full: bool = False,
                 **overrides: Any) -> None:
    """Print the ledger (parameters first, verdict counts last); ``full`` adds evidence/rule."""
    frame = ledger(record, **overrides)
    cols: tuple[str, ...] = ("claim_id", "verdict", "claim", "numbers", "caveat")
    weights = {"claim": 1.0, "numbers": 1.3, "caveat": 2.2, "evidence": 1.2, "rule": 1.5}
    if full:
        cols = (*cols, "evidence", "rule")
    counts = frame["verdict"].value_counts()
    print("parameters: " + frame.attrs["params_text"] + "\n")
    print(format_ledger(frame, width=width, columns=cols, weights=weights) + "\n")
    print("verdicts: " + ", ".join(f"{v} {int(counts.get(v, 0))}" for v in VERDICTS))
