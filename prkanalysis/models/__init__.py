"""Statistical models: structural change, segmented regression, decay and equivalence.

Structural change (:mod:`~prkanalysis.models.breaks`, :mod:`~prkanalysis.models.cusum`,
:mod:`~prkanalysis.models.segmented`) share one convention: ``y`` is 1-D, ``X`` is the
regressor matrix including the constant if wanted (``None`` = constant only), and a break
is the number of observations in the left segment.
"""

from __future__ import annotations

from prkanalysis.models.breaks import (
    BreakpointsResult,
    ChowResult,
    SupFResult,
    argmax_v_cdf,
    argmax_v_quantile,
    breakpoints,
    chow_test,
    segment_rss_matrix,
    sup_bessel_pvalue,
    sup_f_test,
)
from prkanalysis.models.cusum import CusumResult, cusum_test, recursive_residuals
from prkanalysis.models.decay import DecayFit, compare_decay_models, fit_decay
from prkanalysis.models.equivalence import TostResult, tost_mean, tost_slope
from prkanalysis.models.growth import GrowthResult, RatioInterval, growth_rate, rate_ratio
from prkanalysis.models.regression import NLSResult, OLSResult, nls_fit, ols_fit
from prkanalysis.models.segmented import SegmentedResult, segmented_fit

__all__ = [
    "BreakpointsResult",
    "ChowResult",
    "CusumResult",
    "DecayFit",
    "GrowthResult",
    "NLSResult",
    "OLSResult",
    "RatioInterval",
    "SegmentedResult",
    "SupFResult",
    "TostResult",
    "argmax_v_cdf",
    "argmax_v_quantile",
    "breakpoints",
    "chow_test",
    "compare_decay_models",
    "cusum_test",
    "fit_decay",
    "growth_rate",
    "nls_fit",
    "ols_fit",
    "rate_ratio",
    "recursive_residuals",
    "segment_rss_matrix",
    "segmented_fit",
    "sup_bessel_pvalue",
    "sup_f_test",
    "tost_mean",
    "tost_slope",
]
