"""Growth rates, doubling times and interval ratios of bounded, rounded or censored figures.

``growth_rate``: log-linear OLS ``ln y = a + r t``. The doubling time ``T_d = ln 2 / r`` has
an interval obtained by mapping the r interval's endpoints (the order flips:
``[ln2/r_hi, ln2/r_lo]``) and a delta-method standard error ``ln 2 SE(r) / r^2``. Both are
only meaningful when the r interval excludes 0; otherwise the result says "no detectable
growth" (or decline). Optionally a negligible-trend TOST (Dixon & Pechmann 2005) with margin
``ln 2 / T_max``.

``rate_ratio``: the interval of ``b / a`` (``b`` = "after", ``a`` = "before") from interval
inputs by interval arithmetic, ``[b_low / a_high, b_high / a_low]``, with ``a_low = 0``
giving an infinite upper bound (a "< 1 lb/day" baseline). ``.doubled`` reads it against 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from prkanalysis.errors import InsufficientDataError
from prkanalysis.models._linalg import _reject_datetimes, as_real, require_variation
from prkanalysis.models.equivalence import TostResult, tost_from_estimate
from prkanalysis.models.regression import ols_fit

__all__ = [
    "GrowthResult",
    "RatioInterval",
    "doubling_time",
    "growth_rate",
    "negligible_margin",
    "rate_ratio",
]

LN2 = math.log(2.0)


def negligible_margin(t_max: float) -> float:
    """Dixon & Pechmann margin ``ln 2 / T_max`` on a log-linear slope.

    Example:
        >>> round(negligible_margin(20), 4), round(negligible_margin(10), 4)
        (0.0347, 0.0693)
    """
    if not t_max > 0:
        raise InsufficientDataError(f"argument 't_max' must be positive, got {t_max!r}")
    return LN2 / t_max


def doubling_time(r: float) -> float:
    """``ln 2 / r`` (negative for a decline: then it is minus the halving time).

    Example:
        >>> round(doubling_time(0.0693147), 3)
        10.0
    """
    return LN2 / r if r != 0 else math.inf


@dataclass(frozen=True)
class GrowthResult:
    """A log-linear growth rate and its doubling time.

    Attributes:
        r: Growth rate per unit of ``t`` (negative for a decline).
        se: Standard error of ``r``.
        ci: ``(1 - alpha)`` interval of ``r``.
        detectable: Whether the r interval excludes 0.
        doubling_time: ``ln 2 / r`` (NaN when not detectable).
        doubling_time_ci: Endpoints mapped from ``ci`` (NaN when not detectable).
        doubling_time_se: Delta-method SE ``ln 2 SE(r) / r^2`` (NaN when not detectable).
        n: Number of points.
        cov_type: ``"nonrobust"`` or ``"HAC"``.
        alpha: Nominal error rate.
        negligible: TOST on ``r`` against ``+/- ln2/T_max`` (``None`` if no ``t_max``).
        verdict: Words: "growth", "decline" or "no detectable growth".
    """

    r: float
    se: float
    ci: tuple[float, float]
    detectable: bool
    doubling_time: float
    doubling_time_ci: tuple[float, float]
    doubling_time_se: float
    n: int
    cov_type: str
    alpha: float
    negligible: TostResult | None
    verdict: str

    def summary(self) -> str:
        """One or two sentences in words."""
        lo, hi = self.ci
        s = (f"r = {self.r:.4g} per unit time ({100 * (1 - self.alpha):.0f}% CI {lo:.4g} to "
             f"{hi:.4g}, {self.cov_type}, n={self.n}): {self.verdict}")
        if self.detectable:
            a, b = self.doubling_time_ci
            kind = "doubling" if self.r > 0 else "halving"
            s += (f"; {kind} time {abs(self.doubling_time):.3g} "
                  f"({min(abs(a), abs(b)):.3g} to {max(abs(a), abs(b)):.3g}; delta-method SE "
                  f"{self.doubling_time_se:.3g})")
        if self.negligible is not None:
            s += f". Negligible-trend TOST: {self.negligible.summary()}"
        return s

    def __repr__(self) -> str:
        return (f"GrowthResult(r={self.r:.4g} [{self.ci[0]:.4g}, {self.ci[1]:.4g}], "
                f"T_d={self.doubling_time:.4g}, {self.verdict})")


def growth_rate(
    t: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    alpha: float = 0.05,
    cov: str = "nonrobust",
    maxlags: int | None = None,
    t_max: float | None = None,
) -> GrowthResult:
    """Log-linear growth rate of positive values ``y`` over time ``t``.

    Args:
        t: Times (any unit; ``r`` is per that unit).
        y: Positive values (rates, counts).
        alpha: ``1 - alpha`` interval.
        cov: ``"nonrobust"`` or ``"HAC"``.
        maxlags: HAC lag.
        t_max: If given, also run the negligible-trend TOST with margin ``ln 2 / t_max``
            (in the units of ``t``).

    Returns:
        A :class:`GrowthResult`.

    Raises:
        InsufficientDataError: On non-positive ``y``, NaNs or fewer than three points.

    Example:
        >>> g = growth_rate([0, 1, 2, 3, 4], [1.0, 2.1, 3.9, 8.2, 15.8])
        >>> g.verdict, round(g.doubling_time, 2)
        ('growth', 1.01)
    """
    _reject_datetimes(t, "t")
    _reject_datetimes(y, "y")
    as_real(alpha, "alpha", 0.0, 1.0, lo_open=True, hi_open=True)
    try:
        tv = np.asarray(t, dtype=float)
        yv = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InsufficientDataError(f"arguments 't' and 'y' must be numbers ({exc})") from None
    if yv.size < 3:
        raise InsufficientDataError(f"growth_rate needs at least three points, got {yv.size}")
    if not np.all(np.isfinite(yv)) or np.any(yv <= 0):
        raise InsufficientDataError("argument 'y' must be finite and positive for a log-linear "
                                    "growth rate")
    res = ols_fit(np.log(yv), tv, cov=cov, maxlags=maxlags, names=["t"])
    require_variation(res.rss, np.log(yv), "the log-linear line")
    r, se = res.param("t"), res.se("t")
    lo, hi = res.conf_int("t", alpha)
    detectable = lo > 0 or hi < 0
    if detectable:
        td = LN2 / r
        td_ci = (LN2 / hi, LN2 / lo)
        td_se = LN2 * se / r**2
        verdict = "growth" if r > 0 else "decline"
    else:
        td, td_ci, td_se = math.nan, (math.nan, math.nan), math.nan
        verdict = "no detectable growth"
    neg = None
    if t_max is not None:
        m = negligible_margin(t_max)
        neg = tost_from_estimate(r, se, -m, m, df=res.df_t,
                                 alpha=alpha, what="growth rate")
    return GrowthResult(r=r, se=se, ci=(lo, hi), detectable=detectable, doubling_time=td,
                        doubling_time_ci=td_ci, doubling_time_se=td_se, n=int(yv.size),
                        cov_type=res.cov_type, alpha=alpha, negligible=neg, verdict=verdict)


@dataclass(frozen=True)
class RatioInterval:
    """Interval for a ratio ``after / before`` from interval inputs.

    Attributes:
        low: ``b_low / a_high``.
        high: ``b_high / a_low`` (``inf`` when ``a_low == 0``).
        point: ``b_point / a_point`` when both points were given, else NaN.
        a: The "before" interval.
        b: The "after" interval.
        label: Free text naming the pairing.
    """

    low: float
    high: float
    point: float
    a: tuple[float, float]
    b: tuple[float, float]
    label: str = ""

    @property
    def doubled(self) -> str:
        """Verdict against a doubling (a ratio of 2).

        "at least doubled" if ``low >= 2``, "consistent with doubling" if
        ``low < 2 <= high``, "less than doubled" if ``high < 2``.
        """
        if self.low >= 2:
            return "at least doubled"
        if self.high >= 2:
            return "consistent with doubling"
        return "less than doubled"

    def summary(self) -> str:
        """One line in words."""
        hi = "inf" if math.isinf(self.high) else f"{self.high:.3g}"
        lab = f"{self.label}: " if self.label else ""
        pt = "" if math.isnan(self.point) else f" (point {self.point:.3g})"
        return f"{lab}after/before in [{self.low:.3g}, {hi}]{pt}: {self.doubled}"

    def __repr__(self) -> str:
        return f"RatioInterval([{self.low:.4g}, {self.high:.4g}], {self.doubled!r})"


def rate_ratio(
    a_low: float, a_high: float, b_low: float, b_high: float, *,
    a_point: float | None = None, b_point: float | None = None, label: str = "",
) -> RatioInterval:
    """Interval of ``b / a`` ("after" over "before") by interval arithmetic.

    ``[b_low / a_high, b_high / a_low]``; ``a_low = 0`` (a censored "< x" baseline) makes the
    upper end infinite.

    Args:
        a_low: Lower bound of the "before" rate (>= 0).
        a_high: Upper bound of the "before" rate (> 0).
        b_low: Lower bound of the "after" rate (>= 0).
        b_high: Upper bound of the "after" rate.
        a_point: Optional point value of ``a``.
        b_point: Optional point value of ``b``.
        label: Name of the pairing.

    Example ("< 1 lb/day" before, 2.4 lb/day printed to one decimal after):
        >>> rr = rate_ratio(0.0, 1.0, 2.35, 2.45)
        >>> rr.low, rr.high, rr.doubled
        (2.35, inf, 'at least doubled')
    """
    vals = tuple(as_real(v, nm, 0.0) for v, nm in ((a_low, "a_low"), (a_high, "a_high"),
                                                   (b_low, "b_low"), (b_high, "b_high")))
    a_low, a_high, b_low, b_high = vals
    if any(not math.isfinite(v) for v in vals) or min(vals) < 0:
        raise InsufficientDataError(f"rate bounds must be finite and non-negative, got {vals}")
    if a_low > a_high or b_low > b_high:
        raise InsufficientDataError(f"interval low exceeds high: a=({a_low}, {a_high}), "
                                    f"b=({b_low}, {b_high})")
    if a_high == 0:
        raise InsufficientDataError("the 'before' rate is identically zero: no ratio")
    low = b_low / a_high
    high = b_high / a_low if a_low > 0 else math.inf
    point = (b_point / a_point) if (a_point and b_point is not None) else math.nan
    return RatioInterval(low=low, high=high, point=point, a=(a_low, a_high), b=(b_low, b_high),
                         label=label)
