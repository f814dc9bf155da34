"""The claims ledger: verdicts on the claims of ``data/claims.csv``, from the evidence.

Measures (:mod:`.measures`) say what the evidence shows; one evaluator (:func:`judge`) gives
the verdict, under any trust setting and as of any date (:func:`as_of`, :func:`timeline`).
"""

from prkanalysis.claims.asof import *  # noqa: F403
from prkanalysis.claims.evaluate import *  # noqa: F403
from prkanalysis.claims.ledger import *  # noqa: F403
