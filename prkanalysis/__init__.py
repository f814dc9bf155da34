"""prkanalysis: an investigative analysis of the Zvezda PrK air leak, 2019-2026.

The package holds the evidence loading and validation (:mod:`prkanalysis.record`),
cleaning (:mod:`prkanalysis.clean`), units and physics (:mod:`prkanalysis.units`,
:mod:`prkanalysis.physics`), statistical models (:mod:`prkanalysis.models`), telemetry
(:mod:`prkanalysis.telemetry`), claims (:mod:`prkanalysis.claims`), figures
(:mod:`prkanalysis.figures`) and the report builder (:mod:`prkanalysis.report`).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_record"]


def load_record(*args: Any, **kwargs: Any) -> Any:
    """Load and validate the whole evidence base; see :func:`prkanalysis.record.load_record`."""
    from prkanalysis.record import load_record as _load_record

    return _load_record(*args, **kwargs)
