"""Least-squares helpers shared by the structural-change routines.

Everything here works on plain NumPy arrays and uses orthogonal factorisations
(``numpy.linalg.lstsq`` / QR): no explicit matrix inverse is formed where a solve serves.
Input checking lives here too, so that every routine in :mod:`prkanalysis.models` rejects
bad input the same way, with a project error naming the argument:

* :func:`as_response` / :func:`as_design` turn array-likes into float arrays and reject
  NaN/inf, wrong shapes, mismatched lengths, text, and datetimes (a time axis must be
  numbers, e.g. days: ``(t - t[0]) / pd.Timedelta(days=1)``); with ``ordered=True`` (tests
  that read the series in row order) a pandas index that is not increasing is refused, and
  pandas ``y`` and ``X`` must share their index;
* :func:`as_count` / :func:`as_real` check scalar arguments and name the argument, its value
  and the accepted range (:class:`~prkanalysis.errors.ArgumentError`);
* :func:`require_variation` calls a constant or exactly fitted series what it is: the
  residual RMS at or below :data:`EXACT_FIT_RTOL` times ``max |y|`` raises
  :class:`~prkanalysis.errors.InsufficientDataError` ("no variation") instead of letting
  rounding noise become a test statistic;
* :func:`ols` fits ordinary least squares and returns a small :class:`OLSFit`;
* :func:`hac_cov` is the Newey-West (Bartlett kernel) covariance, the same estimator as
  statsmodels ``cov_type="HAC"`` with ``use_correction=True``;
* :func:`coef_table` packages coefficients and standard errors (``"nonrobust"`` or ``"HAC"``).
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import linalg as sla

from prkanalysis.errors import ArgumentError, InsufficientDataError

__all__ = [
    "EXACT_FIT_RTOL",
    "CoefTable",
    "OLSFit",
    "as_count",
    "as_design",
    "as_real",
    "as_response",
    "coef_table",
    "default_maxlags",
    "hac_cov",
    "ols",
    "qr_r",
    "require_variation",
]

#: An exact fit: residual RMS at or below this fraction of ``max |y|`` (about 5e5 float64
#: epsilons: rounding in a least-squares fit stays far below it, measured noise far above).
EXACT_FIT_RTOL = 1e-10


#: Largest magnitude accepted in a series: beyond it sums of squares overflow float64.
MAX_ABS_VALUE = 1e150


def _check_magnitude(arr: np.ndarray, name: str) -> None:
    if arr.size and float(np.max(np.abs(arr))) > MAX_ABS_VALUE:
        big = float(np.max(np.abs(arr)))
        raise ArgumentError(name, f"<values up to {big:.3g}>",
                            f"magnitudes up to {MAX_ABS_VALUE:g}",
                            "sums of squares would overflow: rescale (change units)",
                            type_name="array")


def _is_complex(obj: object) -> bool:
    try:
        return bool(np.iscomplexobj(cast(Any, obj)))
    except (TypeError, ValueError):  # ragged or odd input: the float conversion will say so
        return False


def _is_datetime_like(obj: object) -> bool:
    if isinstance(obj, (pd.Timestamp, _dt.date, np.datetime64, pd.Timedelta, _dt.timedelta)):
        return True
    dtype = getattr(obj, "dtype", None)
    if dtype is not None:
        return bool(pd.api.types.is_datetime64_any_dtype(dtype)
                    or pd.api.types.is_timedelta64_dtype(dtype))
    if isinstance(obj, (list, tuple)) and obj:
        return _is_datetime_like(obj[0])
    return False


def _reject_datetimes(obj: object, name: str) -> None:
    if _is_datetime_like(obj):
        raise ArgumentError(
            name, _preview(obj), "numbers",
            "datetimes are not converted silently: pass elapsed time in a unit you name, "
            "e.g. (t - t[0]) / pd.Timedelta(days=1)", type_name=type(obj).__name__)
    if isinstance(obj, pd.DataFrame):
        for col in obj.columns:
            if _is_datetime_like(obj[col]):
                raise ArgumentError(
                    f"{name}[{col!r}]", _preview(obj[col]), "numbers",
                    "pass elapsed time, e.g. (t - t[0]) / pd.Timedelta(days=1)",
                    type_name="datetime column")


def _preview(obj: object) -> object:
    if isinstance(obj, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        seq = list(obj[:3]) if not isinstance(obj, pd.Series) else list(obj.iloc[:3])
        return f"[{', '.join(str(v) for v in seq)}{', ...' if len(obj) > 3 else ''}]"
    return obj


def _check_order(obj: object, name: str) -> None:
    index = obj.index if isinstance(obj, (pd.Series, pd.DataFrame)) else (
        obj if isinstance(obj, pd.DatetimeIndex) else None)
    if index is None or index.is_monotonic_increasing:
        return
    try:
        vals = index.to_numpy()
        bad = int(np.flatnonzero(vals[1:] < vals[:-1])[0]) + 1
        where = f"first decrease at position {bad}: {vals[bad - 1]} then {vals[bad]}"
    except (TypeError, IndexError):
        where = "not monotonic"
    raise ArgumentError(
        name, "<unsorted index>", "a series in time order",
        f"its index is not increasing ({where}); sort it first (y.sort_index()): the test "
        "reads the series in row order", type_name=type(obj).__name__)


def as_count(value: Any, name: str, lo: int, hi: int | None = None) -> int:
    """Check an integer argument (a count or a position) and return it as ``int``.

    A float is accepted only when it is a whole number (``50.0``, not ``50.5``); bools,
    strings and dates are refused (a date gets a hint: pass the number of observations
    before it).

    Raises:
        ArgumentError: Naming the argument, its value and ``[lo, hi]``.

    Examples:
        >>> as_count(7.0, "split", 2, 10)
        7
    """
    rng = f"an integer in [{lo}, {hi}]" if hi is not None else f"an integer >= {lo}"
    if _is_datetime_like(value):
        raise ArgumentError(name, value, rng,
                            "a date is not a position: pass the number of observations "
                            "before it, e.g. int((y.index < date).sum())")
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, np.integer, float, np.floating)):
        raise ArgumentError(name, value, rng)
    if isinstance(value, (float, np.floating)) and not (
            math.isfinite(value) and float(value).is_integer()):
        raise ArgumentError(name, value, rng, "it is not a whole number and is not rounded")
    v = int(value)
    if v < lo or (hi is not None and v > hi):
        raise ArgumentError(name, value, rng)
    return v


def as_real(
    value: Any, name: str, lo: float = -math.inf, hi: float = math.inf, *,
    lo_open: bool = False, hi_open: bool = False,
) -> float:
    """Check a finite real argument inside ``[lo, hi]`` (ends open on request).

    Raises:
        ArgumentError: Naming the argument, its value and the range.

    Examples:
        >>> as_real(0.05, "alpha", 0, 0.5, lo_open=True, hi_open=True)
        0.05
    """
    rng = (f"a number in {'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}")
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, np.integer, float, np.floating)):
        raise ArgumentError(name, value, rng)
    v = float(value)
    if not math.isfinite(v) or v < lo or v > hi or (lo_open and v == lo) or (
            hi_open and v == hi):
        raise ArgumentError(name, value, rng)
    return v


def is_exact_fit(rss: float, y: np.ndarray) -> bool:
    """True when the residual RMS is at or below ``EXACT_FIT_RTOL * max|y|`` (or zero)."""
    n = max(int(y.size), 1)
    rms = math.sqrt(max(float(rss), 0.0) / n)
    scale = float(np.max(np.abs(y))) if y.size else 0.0
    return rms == 0.0 or rms <= EXACT_FIT_RTOL * scale


def require_variation(rss: float, y: np.ndarray, what: str) -> None:
    """Raise :class:`InsufficientDataError` if ``rss`` is an exact fit of ``y`` (see above).

    Args:
        rss: Residual sum of squares of the fit in question.
        y: The response it fits.
        what: The fit, in words (``"the pooled fit"``), for the message.

    Examples:
        >>> require_variation(1e-30, np.full(10, 733.0), "the mean")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        prkanalysis.errors.InsufficientDataError: no variation: the mean fits y exactly ...
    """
    if is_exact_fit(rss, y):
        rms = math.sqrt(max(float(rss), 0.0) / max(int(y.size), 1))
        scale = float(np.max(np.abs(y))) if y.size else 0.0
        raise InsufficientDataError(
            f"no variation: {what} fits y exactly (residual RMS {rms:.2g} <= "
            f"{EXACT_FIT_RTOL:g} x max|y| = {scale:.6g}); a constant series, a frozen gauge "
            "or an exactly fitted one has nothing to test")

CovType = Literal["nonrobust", "HAC"]


def as_response(
    y: npt.ArrayLike, name: str = "y", min_len: int = 1, *, ordered: bool = False
) -> np.ndarray:
    """Convert a response to a finite 1-D float array.

    Args:
        y: Array-like of numbers (list, NumPy array, pandas Series).
        name: Argument name used in error messages.
        min_len: Minimum accepted length.
        ordered: Refuse a pandas index that is not increasing (series read in row order).

    Returns:
        ``numpy.asarray(y, dtype=float)`` flattened from a single column if needed.

    Raises:
        InsufficientDataError: If ``y`` is not 1-D, holds NaN/inf, or is shorter than
            ``min_len``.

    Examples:
        >>> as_response([1, 2, 3])
        array([1., 2., 3.])
    """
    _reject_datetimes(y, name)
    if ordered:
        _check_order(y, name)
    if isinstance(y, (str, bytes, dict)):
        raise ArgumentError(name, y, "a 1-D array-like of numbers")
    if _is_complex(y):
        raise ArgumentError(name, _preview(y), "real numbers",
                            "complex values are not cut to their real part silently",
                            type_name="complex array")
    try:
        arr = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InsufficientDataError(
            f"argument {name!r} cannot be read as numbers ({exc})") from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise InsufficientDataError(
            f"argument {name!r}: expected a 1-D series, got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InsufficientDataError(
            f"argument {name!r}: {int(bad.sum())} non-finite value(s) (NaN/inf or missing), "
            f"first at position {first}"
        )
    if arr.size < min_len:
        raise InsufficientDataError(
            f"argument {name!r}: {arr.size} observation(s), at least {min_len} needed")
    _check_magnitude(arr, name)
    return arr


def as_design(
    y: npt.ArrayLike, X: npt.ArrayLike | None = None, min_len: int = 1, *, ordered: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Check a response and its regressor matrix (``X=None`` means a constant only).

    Args:
        y: Response, 1-D array-like of length n.
        X: Regressor matrix (n, k) including the constant if wanted, like statsmodels
            ``exog``; a 1-D array is taken as a single column; ``None`` gives ``ones(n, 1)``.
        min_len: Minimum accepted n.
        ordered: Refuse a pandas ``y`` or ``X`` whose index is not increasing, and pandas
            ``y`` and ``X`` with different indexes (default True: every caller reads the
            rows in time order).

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
    yy = as_response(y, "y", min_len=min_len, ordered=ordered)
    n = yy.size
    if X is None:
        return yy, np.ones((n, 1))
    _reject_datetimes(X, "X")
    if _is_complex(X):
        raise ArgumentError("X", "<complex array>", "real numbers", type_name="complex array")
    if ordered:
        _check_order(X, "X")
        if (isinstance(y, pd.Series) and isinstance(X, (pd.Series, pd.DataFrame))
                and not y.index.equals(X.index)):
            raise ArgumentError("X", "<pandas object with another index>",
                                "the same index as y", "align them first (X.loc[y.index])",
                                type_name=type(X).__name__)
    try:
        XX = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InsufficientDataError(f"argument 'X' cannot be read as numbers ({exc})") from None
    if XX.ndim == 1:
        XX = XX[:, None]
    if XX.ndim != 2:
        raise InsufficientDataError(
            f"argument 'X': expected a 2-D regressor matrix, got shape {XX.shape}")
    if XX.shape[0] != n:
        raise InsufficientDataError(
            f"argument 'X' has {XX.shape[0]} rows but 'y' has {n} observations")
    if XX.shape[1] == 0:
        raise InsufficientDataError("argument 'X' has no column")
    bad = ~np.isfinite(XX)
    if bad.any():
        r, c = (int(v[0]) for v in np.nonzero(bad))
        raise InsufficientDataError(
            f"argument 'X': non-finite value (NaN/inf) at row {r}, column {c}")
    _check_magnitude(XX, "X")
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
        raise ArgumentError("cov", cov, "'nonrobust' or 'HAC'")
    return CoefTable(
        params=fit.beta,
        bse=np.sqrt(np.diag(c)),
        cov=c,
        cov_type=cov,
        df_resid=n - k,
        maxlags=lags,
    )
