"""General least-squares fitting: linear OLS (statsmodels) and nonlinear NLS (scipy).

Both fitters return small frozen result objects holding the estimates, standard errors,
residual sum of squares, degrees of freedom and information criteria, so that model
comparison across the package uses one convention:

* Gaussian log-likelihood at the maximum, ``llf = -n/2 * (ln(2*pi*RSS/n) + 1)``;
* ``k`` counts every estimated parameter **including the residual variance** (the
  convention of R's ``AIC(lm)`` / ``AIC(nls)`` and of Burnham & Anderson 2002);
* ``AIC = -2 llf + 2k``, ``BIC = -2 llf + k ln n``,
  ``AICc = AIC + 2k(k+1)/(n-k-1)`` (``inf`` when ``n <= k + 1``: too few points).

Quantile convention (one for the whole package, shared with
:mod:`prkanalysis.telemetry.fit`): a Wald interval is ``b -/+ t_{df, 1 - alpha/2} se`` with
``df`` the degrees of freedom of the variance estimate: ``n - p`` for classical errors; for a
Newey-West (Bartlett, ``L`` lags) covariance the effective df of the long-run variance,
``min(n - p, 1.5 n / (L + 1))`` (a chi-square match to the Bartlett estimator's relative
variance ``(4/3)(L + 1)/n``; see :func:`hac_df`). The standard normal is never used: with
few effective observations it makes HAC intervals too short.

Checked against NIST StRD certified values: Norris (linear) and Misra1a (nonlinear); see
``tests/test_models_decay.py``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats

from prkanalysis.errors import InsufficientDataError
from prkanalysis.models._linalg import _reject_datetimes

__all__ = [
    "NLSResult",
    "OLSResult",
    "default_hac_maxlags",
    "hac_df",
    "information_criteria",
    "nls_fit",
    "ols_fit",
]

ArrayLike = npt.ArrayLike


def information_criteria(rss: float, n: int, k: int) -> tuple[float, float, float, float]:
    """Gaussian log-likelihood, AIC, AICc and BIC from a residual sum of squares.

    Args:
        rss: Residual sum of squares (> 0).
        n: Number of observations.
        k: Number of estimated parameters, counting the residual variance.

    Returns:
        ``(llf, aic, aicc, bic)``; ``aicc`` is ``inf`` when ``n - k - 1 <= 0``.

    Example:
        >>> llf, aic, aicc, bic = information_criteria(26.6173985294224, 36, 3)
        >>> round(aic, 4), round(bic, 4)
        (97.2932, 102.0438)
    """
    if n <= 0:
        raise InsufficientDataError("information criteria need at least one observation")
    rss_eff = max(float(rss), np.finfo(float).tiny * n)
    llf = -0.5 * n * (math.log(2.0 * math.pi * rss_eff / n) + 1.0)
    aic = -2.0 * llf + 2.0 * k
    bic = -2.0 * llf + k * math.log(n)
    denom = n - k - 1
    aicc = aic + 2.0 * k * (k + 1) / denom if denom > 0 else math.inf
    return llf, aic, aicc, bic


def default_hac_maxlags(nobs: int) -> int:
    """Newey-West default truncation lag, ``floor(4 (T/100)^(2/9))``.

    Example:
        >>> default_hac_maxlags(100), default_hac_maxlags(36)
        (4, 3)
    """
    return math.floor(4.0 * (nobs / 100.0) ** (2.0 / 9.0))


def hac_df(nobs: int, maxlags: int, df_resid: int) -> float:
    """Degrees of freedom of a Newey-West variance with ``maxlags`` lags (t quantile).

    ``min(df_resid, 1.5 nobs / (maxlags + 1))``: the Bartlett estimator with bandwidth
    ``S = L + 1`` has relative variance about ``(4/3) S / n``; a scaled chi-square with the
    same relative variance ``2/df`` has ``df = 1.5 n / S``.

    Example:
        >>> hac_df(60, 4, 58)
        18.0
    """
    return float(min(df_resid, 1.5 * nobs / (maxlags + 1.0)))


def _as_1d(values: ArrayLike, name: str) -> npt.NDArray[np.float64]:
    _reject_datetimes(values, name)  # no silent nanoseconds: elapsed time must be numbers
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InsufficientDataError(f"argument {name!r} is not numeric: {exc}") from None
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    return arr



def _estimates_text(names: Any, params: Any, bse: Any) -> str:
    """``name=estimate±SE`` pairs, comma separated (the ``repr`` of the fit results)."""
    return ", ".join(f"{n}={b:.6g}±{s:.3g}" for n, b, s in zip(names, params, bse, strict=True))


def _criteria_text(fit: Any) -> str:
    """The information-criteria line of a fit summary."""
    return f"  AIC={fit.aic:.4f}  AICc={fit.aicc:.4f}  BIC={fit.bic:.4f}"

@dataclass(frozen=True)
class OLSResult:
    """Result of :func:`ols_fit`.

    Attributes:
        names: Coefficient names (``"const"`` first when a constant was added).
        params: Coefficient estimates.
        bse: Standard errors (classical or HAC, see ``cov_type``).
        cov: Coefficient covariance matrix, as nested tuples.
        nobs: Number of observations used.
        df_resid: Residual degrees of freedom ``n - p``.
        rss: Residual sum of squares.
        r2: Coefficient of determination (centred when a constant is present).
        cov_type: ``"nonrobust"`` or ``"HAC"``.
        maxlags: HAC truncation lag (``None`` for nonrobust).
        use_t: Always ``True``: intervals use Student t (module docstring).
        llf: Gaussian log-likelihood.
        aic: Akaike information criterion (``k = p + 1``).
        aicc: Small-sample corrected AIC.
        bic: Bayesian information criterion.
        df_t: Degrees of freedom of the t quantile: ``df_resid`` (nonrobust) or
            :func:`hac_df` (HAC).
    """

    names: tuple[str, ...]
    params: tuple[float, ...]
    bse: tuple[float, ...]
    cov: tuple[tuple[float, ...], ...]
    nobs: int
    df_resid: int
    rss: float
    r2: float
    cov_type: str
    maxlags: int | None
    use_t: bool
    llf: float
    aic: float
    aicc: float
    bic: float
    df_t: float

    def param(self, name: str) -> float:
        """Return the estimate of coefficient ``name``."""
        return self.params[self.names.index(name)]

    def se(self, name: str) -> float:
        """Return the standard error of coefficient ``name``."""
        return self.bse[self.names.index(name)]

    def quantile(self, alpha: float = 0.05) -> float:
        """Two-sided critical value ``t_{df_t, 1 - alpha/2}`` (module docstring)."""
        return float(stats.t.ppf(1.0 - alpha / 2.0, self.df_t))

    def conf_int(self, name: str, alpha: float = 0.05) -> tuple[float, float]:
        """Wald confidence interval ``b -/+ q * se`` for coefficient ``name``."""
        b, s, q = self.param(name), self.se(name), self.quantile(alpha)
        return (b - q * s, b + q * s)

    def summary(self) -> str:
        """A short plain-text table of the coefficients and fit statistics."""
        lag = "" if self.maxlags is None else f", maxlags={self.maxlags}, t df={self.df_t:.4g}"
        lines = [f"OLS ({self.cov_type}{lag}): n={self.nobs}, df={self.df_resid}, "
                 f"RSS={self.rss:.6g}, R2={self.r2:.6g}"]
        for nm, b, s in zip(self.names, self.params, self.bse, strict=True):
            lo, hi = self.conf_int(nm)
            lines.append(f"  {nm:>10s} = {b: .6g} (SE {s:.3g}; 95% CI {lo:.4g} to {hi:.4g})")
        lines.append(_criteria_text(self))
        return "\n".join(lines)

    def __repr__(self) -> str:
        est = _estimates_text(self.names, self.params, self.bse)
        return f"OLSResult({est}; n={self.nobs}, RSS={self.rss:.6g}, cov={self.cov_type})"


def ols_fit(
    y: ArrayLike,
    X: ArrayLike,
    cov: str = "nonrobust",
    maxlags: int | None = None,
    *,
    add_constant: bool = True,
    names: Sequence[str] | None = None,
) -> OLSResult:
    """Ordinary least squares with classical or HAC (Newey-West) standard errors.

    The regression ``y = X b + e`` is fitted with ``statsmodels.OLS``. With
    ``add_constant=True`` a column of ones is prepended (named ``"const"``). With
    ``cov="HAC"`` the Bartlett-kernel Newey-West covariance with small-sample correction is
    used (``cov_kwds={"maxlags": L, "use_correction": True}``); ``L`` defaults to
    :func:`default_hac_maxlags`. Intervals use Student t with ``df_resid`` (nonrobust) or
    :func:`hac_df` (HAC) degrees of freedom.

    Args:
        y: Response, length n.
        X: Regressors, shape (n,) or (n, p); a DataFrame's column names are used.
        cov: ``"nonrobust"`` or ``"HAC"``.
        maxlags: HAC truncation lag; ignored for nonrobust.
        add_constant: Prepend an intercept column.
        names: Optional coefficient names (for the columns of ``X``, without ``const``).

    Returns:
        An :class:`OLSResult`.

    Raises:
        InsufficientDataError: On NaNs, mismatched lengths, too few rows, a singular design,
            or an unknown ``cov``.

    Example (NIST Norris, first 6 points):
        >>> r = ols_fit([0.1, 338.8, 118.1, 888.0, 9.2, 228.1],
        ...             [0.2, 337.4, 118.2, 884.6, 10.1, 226.5])
        >>> round(r.param("x1"), 4), r.df_resid
        (1.0044, 4)
    """
    yv = _as_1d(y, "y")
    _reject_datetimes(X, "X")
    if isinstance(X, pd.DataFrame):
        cols = [str(c) for c in X.columns]
        xm = np.asarray(_as_1d(X.to_numpy(), "X").reshape(X.shape), dtype=float)
    else:
        xm = _as_1d(X, "X").reshape(np.shape(X))
        if xm.ndim == 0 or xm.size == 0:
            raise InsufficientDataError(
                f"argument 'X' must hold one value per observation, got {X!r}")
        if xm.ndim == 1:
            xm = xm[:, None]
        cols = [f"x{i + 1}" for i in range(xm.shape[1])]
    if names is not None:
        if len(names) != xm.shape[1]:
            raise InsufficientDataError(
                f"argument 'names' has {len(names)} entries for {xm.shape[1]} columns of X")
        cols = list(names)
    if xm.shape[0] != yv.size:
        raise InsufficientDataError(f"y has {yv.size} values but X has {xm.shape[0]} rows")
    if not (np.all(np.isfinite(yv)) and np.all(np.isfinite(xm))):
        raise InsufficientDataError("y or X contains NaN or infinite values; drop them first")
    if add_constant:
        xm = np.column_stack([np.ones(yv.size), xm])
        cols = ["const", *cols]
    n, p = xm.shape
    if n <= p:
        raise InsufficientDataError(f"OLS needs more observations ({n}) than coefficients ({p})")
    if np.linalg.matrix_rank(xm) < p:
        raise InsufficientDataError("the design matrix X is singular (collinear or constant)")
    model = sm.OLS(yv, xm)
    cov_key = cov.lower()
    if cov_key == "nonrobust":
        res = model.fit()
        lags: int | None = None
        use_t = True
    elif cov_key == "hac":
        lags = default_hac_maxlags(n) if maxlags is None else int(maxlags)
        res = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True},
                        use_t=True)
        use_t = True
    else:
        raise InsufficientDataError(f"argument 'cov' must be 'nonrobust' or 'HAC', got {cov!r}")
    rss = float(res.ssr)
    _, aic, aicc, bic = information_criteria(rss, n, p + 1)
    covm = np.asarray(res.cov_params(), dtype=float)
    return OLSResult(
        names=tuple(cols),
        params=tuple(float(v) for v in res.params),
        bse=tuple(float(v) for v in res.bse),
        cov=tuple(tuple(float(v) for v in row) for row in covm),
        nobs=n,
        df_resid=n - p,
        rss=rss,
        r2=float(res.rsquared),
        cov_type="nonrobust" if cov_key == "nonrobust" else "HAC",
        maxlags=lags,
        use_t=use_t,
        llf=float(-0.5 * n * (math.log(2 * math.pi * rss / n) + 1)) if rss > 0 else math.inf,
        aic=aic,
        aicc=aicc,
        bic=bic,
        df_t=float(n - p) if lags is None else hac_df(n, lags, n - p),
    )


@dataclass(frozen=True)
class NLSResult:
    """Result of :func:`nls_fit`.

    Attributes:
        names: Parameter names.
        params: Estimates at the least-squares optimum.
        bse: Asymptotic standard errors, ``sqrt(diag(s^2 (J'J)^-1))``,
            ``s^2 = RSS / (n - p)``.
        cov: Parameter covariance matrix, as nested tuples.
        nobs: Number of observations.
        df_resid: ``n - p``.
        rss: Residual sum of squares.
        sigma: Residual standard deviation ``sqrt(RSS / df_resid)`` (NaN when df is 0).
        llf: Gaussian log-likelihood.
        aic: AIC with ``k = p + 1``.
        aicc: Small-sample corrected AIC (``inf`` when ``n <= p + 2``).
        bic: BIC.
        converged: Whether the optimiser reported success.
        message: The optimiser's message.
    """

    names: tuple[str, ...]
    params: tuple[float, ...]
    bse: tuple[float, ...]
    cov: tuple[tuple[float, ...], ...]
    nobs: int
    df_resid: int
    rss: float
    sigma: float
    llf: float
    aic: float
    aicc: float
    bic: float
    converged: bool
    message: str

    def param(self, name: str) -> float:
        """Return the estimate of parameter ``name``."""
        return self.params[self.names.index(name)]

    def se(self, name: str) -> float:
        """Return the standard error of parameter ``name``."""
        return self.bse[self.names.index(name)]

    def conf_int(self, name: str, alpha: float = 0.05) -> tuple[float, float]:
        """Wald interval ``b -/+ t(df_resid, 1 - alpha/2) * se`` (NaN when df is 0)."""
        b, s = self.param(name), self.se(name)
        if self.df_resid <= 0 or not math.isfinite(s):
            return (math.nan, math.nan)
        q = float(stats.t.ppf(1.0 - alpha / 2.0, self.df_resid))
        return (b - q * s, b + q * s)

    def summary(self) -> str:
        """A short plain-text table of the parameters and fit statistics."""
        lines = [f"NLS: n={self.nobs}, df={self.df_resid}, RSS={self.rss:.6g}, "
                 f"sigma={self.sigma:.4g}, converged={self.converged}"]
        for nm, b, s in zip(self.names, self.params, self.bse, strict=True):
            lo, hi = self.conf_int(nm)
            lines.append(f"  {nm:>8s} = {b: .8g} (SE {s:.4g}; 95% CI {lo:.5g} to {hi:.5g})")
        lines.append(_criteria_text(self))
        return "\n".join(lines)

    def __repr__(self) -> str:
        est = _estimates_text(self.names, self.params, self.bse)
        return f"NLSResult({est}; n={self.nobs}, RSS={self.rss:.6g})"


def nls_fit(
    f: Callable[..., npt.NDArray[np.float64]],
    x: ArrayLike,
    y: ArrayLike,
    p0: Sequence[float],
    *,
    names: Sequence[str] | None = None,
    bounds: tuple[Sequence[float], Sequence[float]] | None = None,
    jac: Callable[..., npt.NDArray[np.float64]] | None = None,
    max_nfev: int | None = None,
) -> NLSResult:
    """Nonlinear least squares ``min sum (y - f(x, *b))^2`` with asymptotic standard errors.

    Solved with :func:`scipy.optimize.least_squares` (Levenberg-Marquardt when unbounded,
    trust-region reflective with ``bounds``), tolerances ``1e-15`` and Jacobian scaling.
    Standard errors use the Gauss-Newton covariance ``s^2 (J'J)^-1`` at the optimum,
    ``s^2 = RSS/(n - p)``, with ``J`` the analytic Jacobian if ``jac`` is given, else a
    3-point finite-difference Jacobian. This reproduces the NIST StRD certified values.

    Args:
        f: Model ``f(x, *params) -> array`` of the same length as ``y``.
        x: Predictor values.
        y: Observations.
        p0: Starting values.
        names: Parameter names (default ``b1, b2, ...``).
        bounds: Optional ``(lower, upper)`` sequences.
        jac: Optional analytic Jacobian ``jac(x, *params) -> (n, p) array`` of ``f``.
        max_nfev: Maximum number of function evaluations.

    Returns:
        An :class:`NLSResult`.

    Raises:
        InsufficientDataError: On NaNs, mismatched lengths or fewer points than parameters.

    Example (NIST Misra1a, start 1):
        >>> import numpy as np
        >>> x = np.array([77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8,
        ...               477.3, 536.8, 593.1, 689.1, 760.0])
        >>> y = np.array([10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76,
        ...               55.05, 61.01, 66.40, 75.47, 81.78])
        >>> r = nls_fit(lambda x, b1, b2: b1 * (1 - np.exp(-b2 * x)), x, y, [500, 1e-4])
        >>> f"{r.param('b1'):.6e} {r.rss:.8e}"
        '2.389421e+02 1.24551389e-01'
    """
    if not callable(f):
        raise InsufficientDataError(f"argument 'f' must be a function f(x, *params), got {f!r}")
    _reject_datetimes(x, "x")
    try:
        xv = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InsufficientDataError(f"argument 'x' is not numeric: {exc}") from None
    yv = _as_1d(y, "y")
    b0 = _as_1d(p0, "p0")
    p = b0.size
    nm = tuple(names) if names is not None else tuple(f"b{i + 1}" for i in range(p))
    if len(nm) != p:
        raise InsufficientDataError(f"argument 'names' has {len(nm)} entries for {p} parameters")
    if xv.shape[0] != yv.size:
        raise InsufficientDataError(f"x has {xv.shape[0]} values but y has {yv.size}")
    if not (np.all(np.isfinite(xv)) and np.all(np.isfinite(yv))):
        raise InsufficientDataError("x or y contains NaN or infinite values; drop them first")
    n = yv.size
    if n < p:
        raise InsufficientDataError(f"NLS needs at least as many points ({n}) as parameters ({p})")

    def resid(b: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(f(xv, *b), dtype=float) - yv

    jac_arg: Callable[..., npt.NDArray[np.float64]] | str
    if jac is not None:
        def jac_fun(b: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            return np.asarray(jac(xv, *b), dtype=float)
        jac_arg = jac_fun
    else:
        jac_arg = "3-point"
    kw: dict[str, Any] = {"ftol": 1e-15, "xtol": 1e-15, "gtol": 1e-15, "x_scale": "jac"}
    if max_nfev is not None:
        kw["max_nfev"] = max_nfev
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if bounds is None:
            sol = optimize.least_squares(resid, b0, jac=jac_arg, method="lm", **kw)
        else:
            lo, hi = np.asarray(bounds[0], float), np.asarray(bounds[1], float)
            sol = optimize.least_squares(resid, np.clip(b0, lo, hi), jac=jac_arg, method="trf",
                                         bounds=(lo, hi), **kw)
    b = sol.x
    r = resid(b)
    rss = float(r @ r)
    if jac is not None:
        jm = np.asarray(jac(xv, *b), dtype=float)
    else:
        jm = _jacobian_fd(lambda bb: np.asarray(f(xv, *bb), dtype=float), b)
    df = n - p
    if df > 0:
        s2 = rss / df
        try:
            covm = s2 * np.linalg.inv(jm.T @ jm)
        except np.linalg.LinAlgError:
            covm = np.full((p, p), np.nan)
        sigma = math.sqrt(s2)
    else:
        covm = np.full((p, p), np.nan)
        sigma = math.nan
    bse = np.sqrt(np.where(np.diag(covm) >= 0, np.diag(covm), np.nan))
    llf, aic, aicc, bic = information_criteria(rss, n, p + 1)
    return NLSResult(
        names=nm,
        params=tuple(float(v) for v in b),
        bse=tuple(float(v) for v in bse),
        cov=tuple(tuple(float(v) for v in row) for row in covm),
        nobs=n,
        df_resid=df,
        rss=rss,
        sigma=sigma,
        llf=llf,
        aic=aic,
        aicc=aicc,
        bic=bic,
        converged=bool(sol.success),
        message=str(sol.message),
    )


def _jacobian_fd(
    fun: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]],
    b: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Central-difference Jacobian with relative steps ``eps^(1/3) * max(|b|, 1e-8)``."""
    eps = np.finfo(float).eps ** (1.0 / 3.0)
    cols = []
    for i in range(b.size):
        h = eps * max(abs(b[i]), 1e-8)
        bp, bm = b.copy(), b.copy()
        bp[i] += h
        bm[i] -= h
        cols.append((fun(bp) - fun(bm)) / (2.0 * h))
    return np.column_stack(cols)
