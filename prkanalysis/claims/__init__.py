"""The claims ledger: verdicts on the story's claims, computed from the evidence base.

Claims are rows of ``data/claims.csv`` (words, who said them, the measure they call, the
band they assert, a caveat template); :mod:`~prkanalysis.claims.measures` computes what the
evidence says and one evaluator (:func:`judge`) gives the verdict; the rule a reader sees is
written from the band (:func:`rule_text`). Any ledger can be asked as of a date
(:func:`as_of`, :func:`timeline`) and under any trust setting (:func:`grade_sensitivity`).
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
                                       format_ledger,
                                       grade_sensitivity,
                                       ledger,
                                       print_ledger,
                                       render_numbers,
)
from prkanalysis.claims.measures import MEASURES
from prkanalysis.claims.table import Band, Claim, claims_table, rule_text
from prkanalysis.claims.timeline import VERDICT_COLOURS, plot_timeline, timeline, timeline_changes

__all__ = ["GRADE_SETS", "LEDGER_COLUMNS", "MEASURES", "VERDICTS", "VERDICT_COLOURS", "Band",
           "Claim", "ClaimParams", "ClaimResult", "as_of", "claims_table", "evaluate",
           "evaluate_all", "evidence_dates", "format_ledger", "grade_sensitivity", "judge",
           "ledger", "plot_timeline", "print_ledger", "render_numbers", "rule_text",
           "timeline", "timeline_changes"]
