"""The claims ledger: verdicts on the claims of ``data/claims.csv``, from the evidence.

Measures (:mod:`.measures`) say what the evidence shows; one evaluator (:func:`judge`) gives
the verdict; the rule text comes from the band (:func:`rule_text`); any ledger can be asked
as of a date (:func:`as_of`, :func:`timeline`) and under any trust setting.
"""

from prkanalysis.claims.asof import as_of, evidence_dates
from prkanalysis.claims.evaluate import (
    VERDICTS,
    ClaimParams,
    ClaimResult,
    evaluate,
    evaluate_all,
    judge,
)
from prkanalysis.claims.ledger import (
    GRADE_SETS,
    LEDGER_COLUMNS,
    VERDICT_COLOURS,
    format_ledger,
    grade_sensitivity,
    ledger,
    plot_timeline,
    print_ledger,
    render_numbers,
    timeline,
    timeline_changes,
)
from prkanalysis.claims.table import Band, claims_table, rule_text

__all__ = ["GRADE_SETS", "LEDGER_COLUMNS", "VERDICTS", "VERDICT_COLOURS", "Band", "ClaimParams",
           "ClaimResult", "as_of", "claims_table", "evaluate", "evaluate_all", "evidence_dates",
           "format_ledger", "grade_sensitivity", "judge", "ledger", "plot_timeline",
           "print_ledger", "render_numbers", "rule_text", "timeline", "timeline_changes"]
