"""Equivalence tests (TOST): is a mean, or a regression slope, within a margin of zero?

Two one-sided tests (Schuirmann 1987). For an estimate ``b`` with standard error ``se`` and
margins ``(low, upp)``:

* ``p_low = P(T > (b - low)/se)`` tests H0: ``b <= low``;
* ``p_upp = P(T < (b - upp)/se)`` tests H0: ``b >= upp``;
* ``p = max(p_low, p_upp)``; equivalence is concluded at level ``alpha`` when ``p < alpha``,
  which is the same as the ``(1 - 2 alpha)`` confidence interval lying inside
  ``(low, upp)``.

``T`` is Student t with the residual degrees of freedom for classical errors, and the
standard normal for HAC errors (their distribution is only asymptotic). There is no TOST on a
regression coefficient in statsmodels; :func:`tost_mean` agrees with
``statsmodels.stats.weightstats.DescrStatsW(x).ttost_mean`` to 1e-9.

For slopes of ``ln(rate)`` on time, Dixon & Pechmann (2005) take ``delta = ln 2 / T`` for a
halving or doubling time of at least ``T`` (0.0346/yr for 20 years, 0.0693/yr for 10).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from prkanalysis.errors import ArgumentError, InsufficientDataError
from prkanalysis.models._linalg import as_real, as_response, require_variation
from prkanalysis.models.regression import ols_fit

__all__ = [
    "TostResult",
    "format_pvalue",
    "margin_from_allowance",
    "tost_from_estimate",
    "tost_mean",
    "tost_slope",
]

#: Smallest p-value printed as a number; below it :func:`format_pvalue` prints "p < 1e-16"
#: (``1 - cdf`` loses all precision near double epsilon, 2.2e-16).
P_FLOOR = 1e-16


def format_pvalue(p: float, floor: float = P_FLOOR) -> str:
    """A p-value for print: 2 significant figures, or ``"p < 1e-16"`` when it underflows.

    Never prints ``"p = 0"``: a value below ``floor`` (including an underflow to 0.0) is a
    display bound, not the p-value.

    Example:
        >>> format_pvalue(0.0), format_pvalue(3.2e-20), format_pvalue(0.0123)
        ('p < 1e-16', 'p < 1e-16', 'p = 0.012')
    """
    if not math.isfinite(p):
        return f"p = {p}"
    if p < floor:
        return f"p < {floor:.0e}".replace("e-0", "e-")
    return f"p = {p:.2g}"


def margin_from_allowance(allowance_kg_day: float, volume_m3: float, *,
                          hold_pressure_mmhg: float, station_pressure_mmhg: float = 760.0,
                          exponent: float = 1.0, temperature_k: float = 295.15) -> float:
    """TOST margin (mmHg/day at the hold pressure) for a leak of ``allowance`` at station pressure.

    The leak that loses ``allowance_kg_day`` at ``station_pressure_mmhg`` (e.g. the per-module
    design allowance, about 0.045 kg/day) loses ``allowance / (P_s/p)^n`` at the hold pressure
    (``n`` the mass-flow exponent: 1 choked, 2 viscous); divided by the kg per mmHg of the
    volume, that is the pressure slope the margin must exclude. A margin set in kg/day at the
    hold pressure instead (e.g. 0.05 kg/day at 100 mmHg) is a leak of about 0.38 kg/day at
    station pressure for a choked hole, near the pre-2024 level, and is trivially met.

    Example:
        >>> round(margin_from_allowance(0.045, 5.0, hold_pressure_mmhg=100), 4)
        0.7525
    """
    for name, v in (("allowance_kg_day", allowance_kg_day), ("volume_m3", volume_m3),
                    ("hold_pressure_mmhg", hold_pressure_mmhg),
                    ("station_pressure_mmhg", station_pressure_mmhg),
                    ("temperature_k", temperature_k)):
        if not (math.isfinite(v) and v > 0):
            raise InsufficientDataError(f"argument {name!r} = {v!r} is outside the accepted "
                                        "range (0, inf)")
    if not (math.isfinite(exponent) and 0 <= exponent <= 4):
        raise InsufficientDataError(f"argument 'exponent' = {exponent!r} is outside the "
                                    "accepted range [0, 4]")
    kg_per_mmhg = 133.322368 * volume_m3 * 0.0289647 / (8.314462618 * temperature_k)
    at_hold = allowance_kg_day / (station_pressure_mmhg / hold_pressure_mmhg) ** exponent
    return at_hold / kg_per_mmhg


@dataclass(frozen=True)
class TostResult:
    """Result of a two one-sided tests procedure.

    Attributes:
        estimate: The mean or slope.
        se: Its standard error.
        df: Degrees of freedom (``inf`` for normal-based inference).
        low: Lower equivalence margin.
        upp: Upper equivalence margin.
        alpha: Level of each one-sided test.
        p_low: p-value of H0 ``estimate <= low``.
        p_upp: p-value of H0 ``estimate >= upp``.
        pvalue: ``max(p_low, p_upp)``.
        conf_int: The ``(1 - 2 alpha)`` confidence interval.
        equivalent: ``pvalue < alpha``.
        what: ``"mean"`` or ``"slope"``.
        distribution: ``"t"`` or ``"normal"``.
    """

    estimate: float
    se: float
    df: float
    low: float
    upp: float
    alpha: float
    p_low: float
    p_upp: float
    pvalue: float
    conf_int: tuple[float, float]
    equivalent: bool
    what: str = "mean"
    distribution: str = "t"

    def summary(self) -> str:
        """One sentence in words."""
        lo, hi = self.conf_int
        verdict = "equivalent to zero within" if self.equivalent else "NOT shown to lie within"
        return (f"{self.what} {self.estimate:.4g} (SE {self.se:.3g}) is {verdict} "
                f"({self.low:.4g}, {self.upp:.4g}) at alpha={self.alpha:g}: "
                f"TOST {format_pvalue(self.pvalue)}; "
                f"{100 * (1 - 2 * self.alpha):.0f}% CI [{lo:.4g}, {hi:.4g}] ({self.distribution})")

    def __repr__(self) -> str:
        return (f"TostResult({self.what}={self.estimate:.4g}, margins=({self.low:.4g}, "
                f"{self.upp:.4g}), {format_pvalue(self.pvalue)}, equivalent={self.equivalent})")


def tost_from_estimate(
    estimate: float, se: float, low: float, upp: float, df: float = math.inf,
    alpha: float = 0.05, what: str = "estimate",
) -> TostResult:
    """TOST for an estimate with a known standard error (t with ``df``; normal if ``inf``).

    Example:
        >>> r = tost_from_estimate(0.01, 0.01, -0.05, 0.05)
        >>> round(r.pvalue, 5), r.equivalent
        (3e-05, True)
    """
    if not (math.isfinite(se) and se > 0):
        raise InsufficientDataError(f"standard error must be positive and finite, got {se!r}")
    if not low < upp:
        raise InsufficientDataError(f"equivalence margins must satisfy low < upp, got "
                                    f"({low!r}, {upp!r})")
    if not 0 < alpha < 0.5:
        raise InsufficientDataError(f"argument 'alpha' must be in (0, 0.5), got {alpha!r}")
    dist = stats.norm() if math.isinf(df) else stats.t(df)
    p_low = float(dist.sf((estimate - low) / se))
    p_upp = float(dist.cdf((estimate - upp) / se))
    q = float(dist.ppf(1 - alpha))
    ci = (estimate - q * se, estimate + q * se)
    p = max(p_low, p_upp)
    return TostResult(estimate=float(estimate), se=float(se), df=float(df), low=float(low),
                      upp=float(upp), alpha=alpha, p_low=p_low, p_upp=p_upp, pvalue=p,
                      conf_int=ci, equivalent=p < alpha, what=what,
                      distribution="normal" if math.isinf(df) else "t")


def _margins(low: object, upp: object) -> tuple[float, float]:
    lo = as_real(low, "low")
    hi = as_real(upp, "upp")
    if not lo < hi:
        raise ArgumentError("upp", upp, f"a number above low = {lo:g}")
    return lo, hi


def tost_mean(x: npt.ArrayLike, low: float, upp: float, alpha: float = 0.05) -> TostResult:
    """TOST that the mean of ``x`` lies in ``(low, upp)`` (one-sample t, ``df = n - 1``).

    Args:
        x: Observations (NaNs are an error).
        low: Lower margin.
        upp: Upper margin.
        alpha: Level of each one-sided test.

    Returns:
        A :class:`TostResult`.

    Example:
        >>> r = tost_mean([0.1, -0.2, 0.05, 0.0, 0.15, -0.1], -0.5, 0.5)
        >>> r.equivalent, round(r.pvalue, 6)
        (True, 0.000115)
    """
    xv = as_response(x, "x", min_len=2)
    low, upp = _margins(low, upp)
    require_variation(float(np.sum((xv - xv.mean()) ** 2)), xv, "the mean")
    se = float(np.std(xv, ddof=1) / math.sqrt(xv.size))
    return tost_from_estimate(float(xv.mean()), se, low, upp, df=xv.size - 1, alpha=alpha,
                              what="mean")


def tost_slope(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    delta: float | Sequence[float],
    cov: str = "nonrobust",
    alpha: float = 0.05,
    maxlags: int | None = None,
) -> TostResult:
    """TOST that the OLS slope of ``y`` on ``x`` lies within ``(-delta, delta)``.

    ``p = max(T.sf((b + delta)/se), T.cdf((b - delta)/se))`` with ``T`` = t(n - 2) for
    classical errors and the standard normal for HAC errors.

    Args:
        x: Regressor (e.g. time).
        y: Response (e.g. pressure, or log leak rate).
        delta: Margin, or ``(low, upp)`` for asymmetric margins.
        cov: ``"nonrobust"`` or ``"HAC"``.
        alpha: Level of each one-sided test.
        maxlags: HAC truncation lag (default Newey-West rule).

    Returns:
        A :class:`TostResult` with ``what="slope"``.

    Example:
        >>> import numpy as np
        >>> t = np.arange(20.0)
        >>> y = 100 + 0.001 * t + np.tile([0.1, -0.1], 10)
        >>> tost_slope(t, y, 0.05).equivalent
        True
    """
    if isinstance(delta, (tuple, list, np.ndarray)):
        if len(delta) != 2:
            raise ArgumentError("delta", delta, "a positive number or a (low, upp) pair")
        low, upp = _margins(delta[0], delta[1])
    else:
        d = as_real(delta, "delta", 0.0, lo_open=True)
        low, upp = -d, d
    as_real(alpha, "alpha", 0.0, 0.5, lo_open=True, hi_open=True)
    yv = as_response(y, "y", min_len=3)
    res = ols_fit(yv, as_response(x, "x", min_len=3), cov=cov, maxlags=maxlags,
                  names=["slope"])
    require_variation(res.rss, yv, "the straight line")
    df = res.df_t  # the package's t convention (regression module docstring)
    return tost_from_estimate(res.param("slope"), res.se("slope"), low, upp, df=df,
                              alpha=alpha, what="slope")
