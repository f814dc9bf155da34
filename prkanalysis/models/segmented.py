"""Continuous piecewise-linear (segmented) regression with a global search for the kinks.

Model (Muggeo 2003 parametrisation), for breakpoints ``psi_1 < ... < psi_m``:

``y = b0 + b1 x + sum_j d_j (x - psi_j)_+ + e``,

so the slope is ``b1`` left of ``psi_1`` and ``b1 + d_1 + ... + d_j`` right of ``psi_j``.
For fixed psi the model is linear, so the fit profiles ``RSS(psi)`` and minimises it
**globally** (never by a local iteration that can stall):

* one kink: ``RSS`` is evaluated at every admissible distinct x and every midpoint; then
  a bounded Brent search runs on each interval between neighbouring x values next to the
  best grid points (RSS is smooth inside such an interval, and can have its minimum on a
  data point where it has a kink);
* two or more kinks: an exhaustive search over ordered combinations of a grid of
  candidate values, then coordinate-wise 1-D global searches (as above, each psi_j
  between its neighbours) until the RSS stops decreasing.

Standard error of psi (Muggeo 2003; the formula of R ``segmented``): refit with the design
``[1, x, (x - psi_j)_+, -d_j I(x > psi_j)]``, ``s^2 = RSS/(n - p)`` with p counting the
coefficients and the psi's (n - 4 for one kink) and RSS that of the fitted model, and take
``SE(psi_j) = sqrt(s^2 [(Z'Z)^-1]_{psi_j psi_j})``. When psi coincides with an observation
(the RSS optimum often sits on such a kink) the derivative of ``(x - psi)_+`` is one-sided;
the left limit, ``I(x >= psi)``, is used (the value an iterative fit converging to the
kink from below reports: R ``segmented`` on the Nile gives psi = 1912.999, SE 6.307558).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import optimize

from prkanalysis.errors import ArgumentError, InsufficientDataError
from prkanalysis.models._linalg import (
    CovType,
    as_count,
    as_response,
    coef_table,
    default_maxlags,
    hac_cov,
    qr_r,
    require_variation,
)

__all__ = ["SegmentedResult", "segmented_fit"]


def _design(x: np.ndarray, psi: np.ndarray) -> np.ndarray:
    cols = [np.ones_like(x), x]
    cols += [np.maximum(x - p, 0.0) for p in psi]
    return np.column_stack(cols)


def _rss(x: np.ndarray, y: np.ndarray, psi: np.ndarray) -> float:
    X = _design(x, psi)
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    r = y - X @ beta
    return float(r @ r)


@dataclass(frozen=True)
class SegmentedResult:
    """Result of :func:`segmented_fit`.

    Attributes:
        psi: Breakpoints (x units), increasing.
        psi_se: Muggeo standard errors of psi.
        intercept: b0.
        slopes: Slope of each of the m + 1 pieces, left to right.
        params: ``[b0, b1, d_1..d_m]``.
        bse: Standard errors of ``params`` given psi (``cov_type``).
        rss: Residual sum of squares.
        n: Observations.
        cov_type: ``"nonrobust"`` or ``"HAC"``.
    """

    psi: np.ndarray
    psi_se: np.ndarray
    intercept: float
    slopes: np.ndarray
    params: np.ndarray = field(repr=False)
    bse: np.ndarray = field(repr=False)
    rss: float
    n: int
    cov_type: str = "nonrobust"

    @property
    def n_breaks(self) -> int:
        """Number of kinks."""
        return int(self.psi.size)

    def predict(self, x: npt.ArrayLike) -> np.ndarray:
        """Fitted piecewise-linear function at ``x``."""
        xx = np.asarray(x, dtype=float)
        return _design(np.atleast_1d(xx), self.psi) @ self.params

    def summary(self) -> str:
        """Plain-text summary."""
        lines = [f"Segmented regression: {self.n_breaks} kink(s), n={self.n}, RSS={self.rss:.6g}"]
        for j, (p, s) in enumerate(zip(self.psi, self.psi_se, strict=True), 1):
            lines.append(f"  psi{j} = {p:.6g} (SE {s:.4g})")
        lines.append(
            "  slopes: " + ", ".join(f"{v:.6g}" for v in self.slopes) + f" ({self.cov_type} SE)"
        )
        lines.append(f"  intercept = {self.intercept:.6g} (SE {self.bse[0]:.4g})")
        return "\n".join(lines)


def _refine_1d(
    f: Callable[[float], float],
    knots: np.ndarray,
    lo: float,
    hi: float,
    tol: float,
) -> tuple[float, float]:
    """Global 1-D minimisation of f on [lo, hi]: grid on knots and midpoints, then Brent.

    ``knots`` are the sorted distinct x values; f is smooth between consecutive knots.
    """
    inside = knots[(knots >= lo) & (knots <= hi)]
    pts = np.unique(np.concatenate([[lo, hi], inside]))
    if pts.size > 1:
        mids = (pts[:-1] + pts[1:]) / 2
        cand = np.concatenate([pts, mids])
    else:
        cand = pts
    if cand.size > 4000:  # very long series: thin the grid, Brent covers the gaps
        cand = np.unique(np.quantile(cand, np.linspace(0, 1, 4000)))
    vals = np.array([f(c) for c in cand])
    best_i = int(np.argmin(vals))
    best = (float(vals[best_i]), float(cand[best_i]))
    order = np.argsort(vals)[:5]
    grid = np.sort(cand)
    for i in order:
        c = cand[i]
        pos = int(np.searchsorted(grid, c))
        a = grid[max(pos - 1, 0)]
        b = grid[min(pos + 1, grid.size - 1)]
        for aa, bb in ((a, c), (c, b)):
            if bb - aa <= tol:
                continue
            res = optimize.minimize_scalar(
                f, bounds=(aa, bb), method="bounded", options={"xatol": tol}
            )
            if res.fun < best[0]:
                best = (float(res.fun), float(res.x))
    # a minimum on a knot is snapped onto it (the profile has a kink there)
    k = int(np.argmin(np.abs(inside - best[1]))) if inside.size else -1
    if k >= 0 and abs(inside[k] - best[1]) < 100 * tol:
        v = f(inside[k])
        if v <= best[0] * (1 + 1e-12) + 1e-300:
            best = (float(v), float(inside[k]))
    return best[1], best[0]


def segmented_fit(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    n_breaks: int = 1,
    *,
    min_seg: int = 3,
    cov: CovType = "nonrobust",
    maxlags: int | None = None,
    max_sweeps: int = 50,
) -> SegmentedResult:
    """Continuous piecewise-linear least-squares fit with globally searched kinks.

    Args:
        x: Explanatory variable (n,), any order (internally centred and scaled).
        y: Response (n,).
        n_breaks: Number of kinks m >= 1.
        min_seg: Each kink lies between the ``min_seg``-th smallest and largest distinct
            x, and consecutive kinks have at least ``min_seg`` observations between them.
        cov: ``"nonrobust"`` or ``"HAC"`` (Newey-West) for the coefficient and psi
            standard errors (conditional on psi; use HAC where residuals are
            autocorrelated, e.g. a time series).
        maxlags: HAC lag (default ``floor(4 (n/100)^(2/9))``).
        max_sweeps: Maximum coordinate sweeps for m >= 2.

    Returns:
        :class:`SegmentedResult` (see the module docstring for the search and the SE).

    Raises:
        InsufficientDataError: NaN, mismatched lengths, too few distinct x values for
            the requested kinks, or no variation: y constant, or fitted exactly by the
            broken line (residual RMS <= 1e-10 x max|y|: no noise left to measure the
            kink's uncertainty).
        ArgumentError: ``x`` or ``y`` datetimes or text (pass elapsed time as numbers,
            e.g. days), ``n_breaks``/``min_seg``/``max_sweeps`` not whole numbers >= 1,
            unknown ``cov``.

    Examples:
        >>> import statsmodels.api as sm
        >>> flow = sm.datasets.nile.load_pandas().data["volume"].to_numpy()
        >>> fit = segmented_fit(np.arange(1871, 1971), flow)
        >>> round(float(fit.psi[0]), 2), round(float(fit.psi_se[0]), 3), round(fit.rss)
        (1913.0, 6.308, 1833664)
    """
    xx = as_response(x, "x")
    yy = as_response(y, "y")
    if xx.size != yy.size:
        raise InsufficientDataError(f"x has {xx.size} values but y has {yy.size}")
    m = as_count(n_breaks, "n_breaks", 1)
    min_seg = as_count(min_seg, "min_seg", 1)
    max_sweeps = as_count(max_sweeps, "max_sweeps", 1)
    if cov not in ("nonrobust", "HAC"):
        raise ArgumentError("cov", cov, "'nonrobust' or 'HAC'")
    if maxlags is not None:
        maxlags = as_count(maxlags, "maxlags", 0)
    n = yy.size
    p = 2 + 2 * m
    if n <= p:
        raise InsufficientDataError(f"{n} observations for {p} parameters ({m} kink(s))")
    require_variation(float(np.sum((yy - yy.mean()) ** 2)), yy, "a constant")
    centre = float(np.mean(xx))
    spread = float(np.std(xx))
    if spread == 0:
        raise InsufficientDataError("x is constant: no kink can be estimated")
    u = (xx - centre) / spread
    knots = np.unique(u)
    if knots.size < 2 * min_seg + m - 1:
        raise InsufficientDataError(
            f"{knots.size} distinct x values: too few for {m} kink(s) with min_seg={min_seg}"
        )
    lo_all, hi_all = float(knots[min_seg - 1]), float(knots[-min_seg])
    tol = 1e-9 * float(knots[-1] - knots[0])

    def bounds_for(psi: np.ndarray, j: int) -> tuple[float, float]:
        lo = lo_all if j == 0 else float(np.sort(u[u > psi[j - 1]])[min_seg - 1])
        hi = hi_all if j == m - 1 else float(np.sort(u[u <= psi[j + 1]])[-min_seg])
        return lo, hi

    if m == 1:
        psi_u, best = _refine_1d(lambda t: _rss(u, yy, np.array([t])), knots, lo_all, hi_all, tol)
        psi = np.array([psi_u])
    else:
        adm = knots[(knots >= lo_all) & (knots <= hi_all)]
        g = 8
        while g < adm.size and math.comb(g + 1, m) <= 3000:
            g += 1
        cand = np.unique(np.quantile(adm, np.linspace(0, 1, min(g, adm.size))))
        best, psi = math.inf, np.empty(0)
        for combo in itertools.combinations(cand, m):
            pc = np.array(combo)
            counts = np.histogram(u, bins=np.concatenate([[-np.inf], pc, [np.inf]]))[0]
            if counts[1:-1].min() < min_seg:
                continue
            v = _rss(u, yy, pc)
            if v < best:
                best, psi = v, pc
        if psi.size == 0:
            raise InsufficientDataError(f"no admissible placement of {m} kinks (min_seg={min_seg})")
        for _ in range(max_sweeps):
            improved = False
            for j in range(m):
                lo, hi = bounds_for(psi, j)
                if hi <= lo:
                    continue

                def fj(t: float, j: int = j, base: np.ndarray = psi) -> float:
                    q = base.copy()
                    q[j] = t
                    return _rss(u, yy, q)

                t, v = _refine_1d(fj, knots, lo, hi, tol)
                if v < best * (1 - 1e-13):
                    best, psi = v, psi.copy()
                    psi[j] = t
                    improved = True
            if not improved:
                break
    psi_x = psi * spread + centre
    # snap onto an observation when within rounding of it (kink on a data point)
    for j in range(m):
        near = xx[np.argmin(np.abs(xx - psi_x[j]))]
        if abs(near - psi_x[j]) <= 1e-6 * spread:
            psi_x[j] = near
    Xd = _design(xx, psi_x)
    tab = coef_table(yy, Xd, cov=cov, maxlags=maxlags)
    beta = tab.params
    resid = yy - Xd @ beta
    rss = float(resid @ resid)
    require_variation(rss, yy, f"the {m}-kink broken line")
    # Muggeo's SE of psi: augmented design, s^2 = RSS / (n - p)
    Z = np.column_stack([Xd] + [-beta[2 + j] * (xx >= psi_x[j]) for j in range(m)])
    if np.linalg.matrix_rank(Z) < Z.shape[1]:
        psi_se = np.full(m, np.nan)
    else:
        r = qr_r(Z)
        rinv = np.linalg.solve(r, np.eye(r.shape[0], dtype=float))
        zz_inv = rinv @ rinv.T
        if cov == "HAC":
            lags = default_maxlags(n) if maxlags is None else int(maxlags)
            cz = hac_cov(Z, resid, maxlags=lags)  # small-sample factor n / (n - p)
        else:
            cz = rss / (n - p) * zz_inv
        psi_se = np.sqrt(np.diag(cz)[2 + m :])
    slopes = beta[1] + np.concatenate([[0.0], np.cumsum(beta[2:])])
    return SegmentedResult(
        psi=psi_x,
        psi_se=psi_se,
        intercept=float(beta[0]),
        slopes=slopes,
        params=beta,
        bse=tab.bse,
        rss=rss,
        n=n,
        cov_type=cov,
    )
