"""Least-squares helpers shared by the structural-change routines.

Everything here works on plain NumPy arrays and uses orthogonal factorisations
(``numpy.linalg.lstsq`` / QR): no explicit matrix inverse is formed where a solve serves.
Input checking lives here too, so that every routine in :mod:`prkanalysis.models` rejects
bad input the same way, with a project error naming the argument:

* :func:`as_response` / :func:`as_design` turn array-likes into float arrays and reject
  NaN/inf, wrong shapes and mismatched lengths;
* :func:`ols` fits ordinary least squares and returns a small :class:`OLSFit`;
* :func:`hac_cov` is the Newey-West (Bartlett kernel) covariance, the same estimator as
  statsmodels ``cov_type="HAC"`` with ``use_correction=True``;
* :func:`coef_table` packages coefficients and standard errors (``"nonrobust"`` or ``"HAC"``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np
import numpy.typing as npt
from scipy import linalg as sla

from prkanalysis.errors import InsufficientDataError

__all__ = [
    "CoefTable",
    "OLSFit",
    "as_design",
    "as_response",
    "coef_table",
    "default_maxlags",
    "hac_cov",
    "ols",
    "qr_r",
]

CovType = Literal["nonrobust", "HAC"]


def as_response(y: npt.ArrayLike, name: str = "y", min_len: int = 1) -> np.ndarray:
    """Convert a response to a finite 1-D float array.

    Args:
        y: Array-like of numbers (list, NumPy array, pandas Series).
        name: Argument name used in error messages.
        min_len: Minimum accepted length.

    Returns:
        ``numpy.asarray(y, dtype=float)`` flattened from a single column if needed.

    Raises:
        InsufficientDataError: If ``y`` is not 1-D, holds NaN/inf, or is shorter than
            ``min_len``.

    Examples:
        >>> as_response([1, 2, 3])
        array([1., 2., 3.])
    """
    try:
        arr = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InsufficientDataError(f"{name}: cannot be read as numbers ({exc})") from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise InsufficientDataError(f"{name}: expected a 1-D series, got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InsufficientDataError(
            f"{name}: {int(bad.sum())} non-finite value(s) (NaN/inf), first at position {first}"
        )
    if arr.size < min_len:
        raise InsufficientDataError(f"{name}: {arr.size} observation(s), at least {min_len} needed")
    return arr


def as_design(
    y: npt.ArrayLike, X: npt.ArrayLike | None = None, min_len: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Check a response and its regressor matrix (``X=None`` means a constant only).

    Args:
        y: Response, 1-D array-like of length n.
        X: Regressor matrix (n, k) including the constant if wanted, like statsmodels
            ``exog``; a 1-D array is taken as a single column; ``None`` gives ``ones(n, 1)``.
        min_len: Minimum accepted n.

    Returns:
        ``(y, X)`` as float arrays of shapes (n,) and (n, k).

    Raises:
        InsufficientDataError: On NaN/inf, mismatched lengths, no column, or a
            rank-deficient ``X`` (singular design).

    Examples:
        >>> y, X = as_design([1.0, 2.0, 4.0])
        >>> X.ravel()
        array([1., 1., 1.])
    """
    yy = as_response(y, "y", min_len=min_len)
    n = yy.size
    if X is None:
        return yy, np.ones((n, 1))
    try:
        XX = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InsufficientDataError(f"X: cannot be read as numbers ({exc})") from None
    if XX.ndim == 1:
        XX = XX[:, None]
    if XX.ndim != 2:
        raise InsufficientDataError(f"X: expected a 2-D regressor matrix, got shape {XX.shape}")
    if XX.shape[0] != n:
        raise InsufficientDataError(f"X has {XX.shape[0]} rows but y has {n} observations")
    if XX.shape[1] == 0:
        raise InsufficientDataError("X has no column")
    bad = ~np.isfinite(XX)
    if bad.any():
        r, c = (int(v[0]) for v in np.nonzero(bad))
        raise InsufficientDataError(f"X: non-finite value (NaN/inf) at row {r}, column {c}")
    if np.linalg.matrix_rank(XX) < XX.shape[1]:
        raise InsufficientDataError(
            f"X: singular design (rank {np.linalg.matrix_rank(XX)} < {XX.shape[1]} columns)"
        )
    return yy, XX


def default_maxlags(n: int) -> int:
    """Newey-West default truncation lag ``floor(4 (n/100)^(2/9))``.

    Examples:
        >>> default_maxlags(100)
        4
    """
    return math.floor(4.0 * (n / 100.0) ** (2.0 / 9.0))


@dataclass(frozen=True)
class OLSFit:
    """Ordinary least squares on one design.

    Attributes:
        beta: Coefficients (k,).
        resid: Residuals y - X beta (n,).
        rss: Residual sum of squares.
        rank: Numerical rank of X.
        n: Number of observations.
        k: Number of columns of X.
    """

    beta: np.ndarray = field(repr=False)
    resid: np.ndarray = field(repr=False)
    rss: float
    rank: int
    n: int
    k: int

    @property
    def df_resid(self) -> int:
        """Residual degrees of freedom ``n - k``."""
        return self.n - self.k


def ols(y: np.ndarray, X: np.ndarray) -> OLSFit:
    """Least squares by ``numpy.linalg.lstsq`` (SVD): no normal equations are formed.

    Args:
        y: Response (n,), already checked.
        X: Design (n, k), already checked.

    Returns:
        :class:`OLSFit` with ``rss = sum((y - X beta)**2)`` recomputed from the residuals.

    Examples:
        >>> fit = ols(np.array([1.0, 2.0, 3.0]), np.ones((3, 1)))
        >>> float(fit.beta[0]), float(fit.rss)
        (2.0, 2.0)
    """
    beta, _, rank, _ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    return OLSFit(
        beta=beta,
        resid=resid,
        rss=float(resid @ resid),
        rank=int(rank),
        n=int(X.shape[0]),
        k=int(X.shape[1]),
    )


def qr_r(X: np.ndarray) -> np.ndarray:
    """Triangular factor R (k, k) of the thin QR decomposition X = QR.

    Examples:
        >>> np.abs(qr_r(np.ones((4, 1))))
        array([[2.]])
    """
    return cast(np.ndarray, np.linalg.qr(X, mode="r"))


def _xtx_inv(X: np.ndarray) -> np.ndarray:
    """(X'X)^-1 via the triangular factor of a QR decomposition: R^-1 R^-T."""
    r = qr_r(X)
    rinv = sla.solve_triangular(r, np.eye(r.shape[0]), lower=False)
    return rinv @ rinv.T


def hac_cov(
    X: np.ndarray,
    resid: np.ndarray,
    maxlags: int | None = None,
    use_correction: bool = True,
) -> np.ndarray:
    """Newey-West heteroskedasticity- and autocorrelation-consistent covariance.

    ``S = sum_{l=-L..L} w_l Gamma_l`` with Bartlett weights ``w_l = 1 - |l|/(L+1)`` and
    ``Gamma_l = sum_t u_t u_{t-l}'``, ``u_t = x_t e_t``; the covariance is
    ``(X'X)^-1 S (X'X)^-1``, times ``n/(n-k)`` when ``use_correction`` (as statsmodels
    ``cov_type="HAC", use_correction=True``).

    Args:
        X: Design (n, k).
        resid: OLS residuals (n,).
        maxlags: Truncation lag L; default :func:`default_maxlags`.
        use_correction: Apply the small-sample factor n/(n-k).

    Returns:
        (k, k) covariance matrix.

    Examples:
        >>> X = np.ones((4, 1)); e = np.array([1.0, -1.0, 1.0, -1.0])
        >>> float(hac_cov(X, e, maxlags=0, use_correction=False)[0, 0])
        0.25
    """
    n, k = X.shape
    L = default_maxlags(n) if maxlags is None else int(maxlags)
    if L < 0:
        raise InsufficientDataError(f"maxlags must be >= 0, got {maxlags}")
    u = X * resid[:, None]
    S = u.T @ u
    for lag in range(1, min(L, n - 1) + 1):
        w = 1.0 - lag / (L + 1.0)
        g = u[lag:].T @ u[:-lag]
        S += w * (g + g.T)
    bread = _xtx_inv(X)
    cov = bread @ S @ bread
    if use_correction:
        cov *= n / (n - k)
    return cov


@dataclass(frozen=True)
class CoefTable:
    """Coefficients with standard errors.

    Attributes:
        params: Coefficients (k,).
        bse: Standard errors (k,).
        cov: Covariance matrix (k, k).
        cov_type: ``"nonrobust"`` (s^2 (X'X)^-1, s^2 = RSS/(n-k)) or ``"HAC"``.
        df_resid: n - k.
        maxlags: HAC truncation lag (``None`` for nonrobust).
    """

    params: np.ndarray
    bse: np.ndarray
    cov: np.ndarray = field(repr=False)
    cov_type: str
    df_resid: int
    maxlags: int | None = None


def coef_table(
    y: np.ndarray, X: np.ndarray, cov: CovType = "nonrobust", maxlags: int | None = None
) -> CoefTable:
    """OLS coefficients and standard errors, classical or Newey-West.

    Args:
        y: Response (n,).
        X: Design (n, k) with n > k.
        cov: ``"nonrobust"`` or ``"HAC"``.
        maxlags: HAC truncation lag (default ``floor(4 (n/100)^(2/9))``).

    Returns:
        :class:`CoefTable`.

    Raises:
        InsufficientDataError: If n <= k.
        ValueError: On an unknown ``cov``.

    Examples:
        >>> t = coef_table(np.array([1.0, 2.0, 3.0, 5.0]), np.ones((4, 1)))
        >>> round(float(t.params[0]), 4), round(float(t.bse[0]), 4)
        (2.75, 0.8539)
    """
    n, k = X.shape
    if n <= k:
        raise InsufficientDataError(f"{n} observation(s) for {k} coefficient(s): no residual df")
    fit = ols(y, X)
    if cov == "nonrobust":
        c = fit.rss / (n - k) * _xtx_inv(X)
        lags = None
    elif cov == "HAC":
        lags = default_maxlags(n) if maxlags is None else int(maxlags)
        c = hac_cov(X, fit.resid, maxlags=lags)
    else:
        raise ValueError(f"cov must be 'nonrobust' or 'HAC', got {cov!r}")
    return CoefTable(
        params=fit.beta,
        bse=np.sqrt(np.diag(c)),
        cov=c,
        cov_type=cov,
        df_resid=n - k,
        maxlags=lags,
    )
