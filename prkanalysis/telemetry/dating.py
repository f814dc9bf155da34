"""Dating a change in the leak constant from the per-segment decay constants.

One k per closure (:func:`~prkanalysis.telemetry.fit_segments`) forms a short, unevenly
spaced series whose points have very different precision (a 10-day closure pins k far
better than a 2-day one). :func:`date_break` dates one change in it with the Bai-Perron
machinery of :func:`prkanalysis.models.breakpoints` and Bai's (1997) interval:

* response ``log k`` (a step by a factor is a shift of the same size at any level, and
  its standard error ``se(k) / k`` is nearly free of the level), or ``k`` itself;
* weighted least squares by transformation: ``y_j / w_j`` on the single regressor
  ``1 / w_j`` (a break in that regressor's coefficient is a break in the weighted mean).
  ``weights="random"`` (default): ``w_j^2 = se_j^2 + tau^2``, ``tau^2`` the
  closure-to-closure variance of the response beyond its standard errors (k differs
  between closures for reasons a segment's fit cannot see: temperature, seal, crew
  activity), estimated from the residuals of an unweighted one-break fit as
  ``max(0, mean(r^2) - mean(se^2))`` (method of moments); ``"se"``: ``w_j = se_j``;
  ``"none"``: a constant;
* the interval in break counts ``(low, high)`` is mapped to dates: a break after ``c``
  segments means the change happened after the start of segment ``c - 1`` and no later
  than the start of segment ``c`` (k is constant within a closure), so the date interval
  is ``(start[low - 1], start[high]]`` and its width is in days.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from prkanalysis.errors import InsufficientDataError, TelemetryError
from prkanalysis.models import breaks

__all__ = ["date_break"]


def date_break(
    fits: pd.DataFrame,
    *,
    level: float = 0.95,
    h: float = 0.15,
    log: bool = True,
    weights: str = "random",
) -> dict[str, Any]:
    """One change in the per-segment k, its date and a ``level`` confidence interval.

    Args:
        fits: Table of :func:`~prkanalysis.telemetry.fit_segments` (``start``,
            ``k_per_day``, ``k_se``), in time order.
        level: Confidence level of Bai's interval.
        h: Minimum regime length: a fraction of the segments (at least 2), or a count,
            as in :func:`prkanalysis.models.breakpoints`.
        log: Date the change in ``log k`` (default) rather than in ``k``.
        weights: ``"random"`` (standard error and between-closure variance), ``"se"``
            (standard error only) or ``"none"``.

    Returns:
        dict: ``index`` (segments before the change), ``ci_index`` ``(low, high)``,
        ``date`` (start of the first segment after the change), ``low``, ``high`` (the
        date interval ``(low, high]``), ``width_days``, ``ratio`` (k after / k before,
        weighted regime means), ``n`` (segments used), ``tau`` (between-closure sd of the
        response, 0 unless ``weights="random"``).

    Raises:
        InsufficientDataError: too few segments, or non-positive k with ``log=True``.
        TelemetryError: missing columns or a bad ``level``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> k = np.r_[np.full(20, 0.02), np.full(20, 0.03)] * np.exp(rng.normal(0, 0.02, 40))
        >>> start = pd.date_range("2024-01-01", periods=40, freq="7D", tz="UTC")
        >>> fits = pd.DataFrame({"start": start, "k_per_day": k, "k_se": 0.02 * k})
        >>> out = date_break(fits)
        >>> out["index"], str(out["date"].date()), round(out["ratio"], 2)
        (20, '2024-05-20', 1.51)
    """
    for col in ("start", "k_per_day", "k_se"):
        if col not in fits.columns:
            raise TelemetryError(f"date_break: fits has no column {col!r}")
    if not 0 < level < 1:
        raise TelemetryError(f"date_break: level must be in (0, 1), got {level!r}")
    f = fits[np.isfinite(fits["k_per_day"]) & np.isfinite(fits["k_se"])
             & (fits["k_se"] > 0)].sort_values("start")
    k = f["k_per_day"].to_numpy(dtype=np.float64)
    se = f["k_se"].to_numpy(dtype=np.float64)
    if log:
        if np.any(k <= 0):
            raise InsufficientDataError("date_break: k <= 0 in some segment; use log=False")
        y, w = np.log(k), se / k
    else:
        y, w = k, se
    if weights not in ("random", "se", "none"):
        raise TelemetryError(f"date_break: weights must be 'random', 'se' or 'none', "
                             f"got {weights!r}")
    n = y.size
    if n < 4:
        raise InsufficientDataError(f"date_break: {n} usable segments; need at least 4")
    h = max(2, int(np.floor(h * n))) if h < 1 else int(h)  # at least 2 per regime
    tau2 = 0.0
    if weights == "none":
        w = np.ones_like(y)
    elif weights == "random":
        b0 = breaks.breakpoints(y, None, h=h, max_breaks=1)
        resid = y - (b0.fitted(m=1) if 1 in b0.partitions else b0.fitted(m=0))
        tau2 = max(0.0, float(np.mean(resid**2) - np.mean(w**2)))
        w = np.sqrt(w**2 + tau2)
    bp = breaks.breakpoints(y / w, (1.0 / w)[:, None], h=h, max_breaks=1)
    if 1 not in bp.partitions:
        raise InsufficientDataError(f"date_break: {n} segments leave no room for a break "
                                    f"with h={h}")
    (lo, c, hi), = bp.confint(m=1, level=level)
    lo, hi = max(int(lo), 1), min(int(hi), n - 1)
    start = pd.to_datetime(f["start"], utc=True).reset_index(drop=True)
    wt = 1.0 / w**2
    m1 = float(np.sum(wt[:c] * y[:c]) / np.sum(wt[:c]))
    m2 = float(np.sum(wt[c:] * y[c:]) / np.sum(wt[c:]))
    ratio = float(np.exp(m2 - m1)) if log else m2 / m1
    low, high = start[lo - 1], start[hi]
    return {"index": int(c), "ci_index": (lo, hi), "date": start[c], "low": low, "high": high,
            "width_days": (high - low).total_seconds() / 86400.0, "ratio": ratio, "n": n,
            "tau": float(np.sqrt(tau2))}
