"""Pressure-decay fits for a closed compartment: decay constant k, its interval, half-life.

Three models of the PrK pressure ``p(t)`` (mmHg) after the hatch is closed, ``t`` in days:

``"exponential"`` (pure outflow through a choked hole, SPEC section 5)
    ``p = p0 exp(-k t)``. Fitted by nonlinear least squares on ``p`` (``method="nls"``,
    the default, so that every model is compared on the same response) or by OLS of
    ``ln p`` on ``t`` (``method="loglinear"``: ``k = -slope``; classical or HAC errors).

``"equilibrium"`` (outflow plus inflow across the hatch seal)
    ``dp/dt = -k_out p + k_in (P_s - p)`` with the station at ``P_s`` gives
    ``p = p_inf + (p0 - p_inf) exp(-k t)``, ``k = k_out + k_in``,
    ``p_inf = k_in P_s / k``. Reported extras: ``p_inf_mmhg`` and the outflow share
    ``k_out = k (1 - p_inf / P_s)`` (``P_s`` = ``p_station_mmhg``, 760 by default).

``"pressure_dependent"`` (a crack whose opening grows with the pressure difference)
    The choked flow through an area ``A(p) = A_ref (p/p_ref)^m`` gives
    ``dp/dt = -k p (p/p_ref)^m``, whose solution is
    ``p = p_ref ((p0/p_ref)^(-m) + m k t)^(-1/m)`` (the exponential when ``m = 0``).
    ``k`` is the instantaneous decay constant at ``p_ref``, fixed at the first reading;
    ``m > 0`` means the decay slows faster than exponentially as the pressure falls (an
    elastic crack closing as the load drops). Parameters ``p0, k, m``; ``m`` is bounded to
    ``[-0.9, 10]``.

Uncertainty of k:

* three or more readings: Wald interval ``k -/+ t(df, 1-alpha/2) SE(k)`` with the NLS
  (Gauss-Newton) or OLS standard error; HAC available for the log-linear OLS;
* **two readings** (no residuals): interval arithmetic. Each reading is known to
  ``+/- r`` (``p_resolution``, mmHg; 0.5 for readings printed as integers) and the elapsed
  time lies in ``[dt_low, dt_high]`` (from ``t_bounds``). Then
  ``k_low = ln((p0 - r)/(p1 + r)) / dt_high`` and ``k_high = ln((p0 + r)/(p1 - r)) / dt_low``
  (for a positive log-ratio; in general the min and max of the log-ratio interval over the
  duration interval, i.e. corner evaluation, exact because ``a/dt`` is monotone in both).
  The point value is ``ln(p0/p1)/dt`` at the stated elapsed time.

Half-life ``ln 2 / k``; its interval maps the k interval's endpoints (the order flips; an
upper bound of ``inf`` when the k interval reaches 0).

Information criteria follow :mod:`prkanalysis.models.regression` (Gaussian likelihood,
``k`` counts the residual variance): AIC, BIC and AICc; AICc is ``inf`` when
``n <= k + 1`` (five readings cannot support AICc for a three-parameter curve).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from prkanalysis.errors import InsufficientDataError, UnknownNameError
from prkanalysis.models._linalg import (
    EXACT_FIT_RTOL,
    _reject_datetimes,
    as_real,
    is_exact_fit,
    require_variation,
)
from prkanalysis.models.regression import NLSResult, nls_fit, ols_fit
from prkanalysis.units import TIME

__all__ = [
    "MODELS",
    "CoverageResult",
    "DecayFit",
    "akaike_weights",
    "compare_decay_models",
    "decay_coverage",
    "fit_decay",
    "model_curve",
    "simulate_decay",
    "two_point_k",
]

#: The decay models understood by :func:`fit_decay`.
MODELS: tuple[str, ...] = ("exponential", "equilibrium", "pressure_dependent")

LN2 = math.log(2.0)
Interval = tuple[float, float]


@dataclass(frozen=True)
class DecayFit:
    """A fitted pressure decay.

    Attributes:
        model: ``"exponential"``, ``"equilibrium"`` or ``"pressure_dependent"``.
        method: ``"nls"``, ``"loglinear"`` or ``"two-point"``.
        n: Number of readings.
        k_per_day: Decay constant, per day.
        k_se: Its standard error (NaN for two-point fits).
        k_ci: ``(low, high)`` interval for k.
        half_life_days: ``ln 2 / k``.
        half_life_ci: Interval mapped from ``k_ci`` (order flipped).
        p0_mmhg: Fitted (or first observed) starting pressure.
        params: ``(name, estimate, se)`` for every fitted parameter.
        extras: Derived quantities, ``(name, value)``.
        rss: Residual sum of squares on the fitted response (NaN for two points).
        df_resid: Residual degrees of freedom.
        aic: AIC (NaN for two points).
        aicc: AICc (``inf`` when undefined).
        bic: BIC.
        interval_method: How ``k_ci`` was obtained.
        alpha: The interval's nominal error rate (``1 - alpha`` coverage).
        note: Anything a reader must know.
    """

    model: str
    method: str
    n: int
    k_per_day: float
    k_se: float
    k_ci: Interval
    half_life_days: float
    half_life_ci: Interval
    p0_mmhg: float
    params: tuple[tuple[str, float, float], ...] = ()
    extras: tuple[tuple[str, float], ...] = ()
    rss: float = math.nan
    df_resid: int = 0
    aic: float = math.nan
    aicc: float = math.nan
    bic: float = math.nan
    interval_method: str = ""
    alpha: float = 0.05
    note: str = ""

    def extra(self, name: str) -> float:
        """Return the derived quantity ``name`` (e.g. ``"p_inf_mmhg"``, ``"m"``)."""
        for nm, v in self.extras:
            if nm == name:
                return v
        for nm, v, _ in self.params:
            if nm == name:
                return v
        raise UnknownNameError(
            f"no parameter or derived quantity {name!r}; have "
            f"{[nm for nm, _ in self.extras] + [nm for nm, _, _ in self.params]}")

    def summary(self) -> str:
        """A few lines in words."""
        lo, hi = self.k_ci
        hl_lo, hl_hi = self.half_life_ci
        lines = [
            f"{self.model} decay ({self.method}, n={self.n}): k = {self.k_per_day:.4g}/day "
            f"[{lo:.4g}, {hi:.4g}] ({100 * (1 - self.alpha):.0f}% {self.interval_method}); "
            f"half-life {self.half_life_days:.3g} d [{hl_lo:.3g}, {hl_hi:.3g}]",
        ]
        if self.params:
            lines.append("  " + ", ".join(f"{n}={v:.4g}±{s:.2g}" for n, v, s in self.params))
        if self.extras:
            lines.append("  " + ", ".join(f"{n}={v:.4g}" for n, v in self.extras))
        if math.isfinite(self.aic):
            lines.append(f"  RSS={self.rss:.4g}, df={self.df_resid}, AIC={self.aic:.3f}, "
                         f"AICc={self.aicc:.3f}, BIC={self.bic:.3f}")
        if self.note:
            lines.append(f"  note: {self.note}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        lo, hi = self.k_ci
        return (f"DecayFit({self.model}/{self.method}, n={self.n}, k={self.k_per_day:.4g}/d "
                f"[{lo:.4g}, {hi:.4g}], t½={self.half_life_days:.3g} d)")


def _half_life(k: float, ci: Interval) -> tuple[float, Interval]:
    hl = LN2 / k if k > 0 else math.inf
    lo, hi = ci
    hl_lo = LN2 / hi if hi > 0 else math.inf
    hl_hi = LN2 / lo if lo > 0 else math.inf
    return hl, (hl_lo, hl_hi)


def _to_days(t: npt.ArrayLike, t_unit: str) -> npt.NDArray[np.float64]:
    if not isinstance(t_unit, str) or t_unit not in TIME:
        raise InsufficientDataError(f"argument 't_unit' must be one of {sorted(TIME)}, "
                                    f"got {t_unit!r}")
    try:
        tv = np.asarray(t, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InsufficientDataError(f"argument 't' cannot be read as numbers ({exc})") from None
    return tv * (TIME[t_unit] / TIME["day"])


def two_point_k(
    p0: float,
    p1: float,
    dt_days: float,
    dt_bounds_days: Interval | None = None,
    p_resolution: float = 0.5,
) -> tuple[float, Interval]:
    """Decay constant between two readings, with its interval by interval arithmetic.

    ``k = ln(p0/p1)/dt``; the interval is the min and max of ``a/d`` over
    ``a in [ln((p0-r)/(p1+r)), ln((p0+r)/(p1-r))]`` and ``d in dt_bounds``.

    Args:
        p0: First reading, mmHg.
        p1: Second reading, mmHg.
        dt_days: Elapsed time between them, days.
        dt_bounds_days: ``(low, high)`` bounds on the elapsed time (default: exact).
        p_resolution: Half-width ``r`` of each reading's uncertainty, mmHg.

    Returns:
        ``(k, (k_low, k_high))`` per day.

    Raises:
        InsufficientDataError: On non-positive pressures or durations, or ``r >= p1``.

    Example (Dec 2020: 730 -> 620 mmHg in 18 h, readings +/- 0.5 mmHg):
        >>> k, (lo, hi) = two_point_k(730, 620, 18 / 24)
        >>> round(k, 4), round(lo, 4), round(hi, 4)
        (0.2178, 0.2158, 0.2198)
    """
    r = float(p_resolution)
    if not (p0 > 0 and p1 > 0):
        raise InsufficientDataError(f"pressures must be positive, got {p0!r} and {p1!r}")
    if r < 0 or r >= min(p0, p1):
        raise InsufficientDataError(f"argument 'p_resolution' must be in [0, {min(p0, p1)}), "
                                    f"got {p_resolution!r}")
    lo_d, hi_d = (dt_days, dt_days) if dt_bounds_days is None else dt_bounds_days
    if not (math.isfinite(dt_days) and dt_days > 0 and lo_d > 0 and hi_d >= lo_d):
        raise InsufficientDataError(
            f"elapsed time must be positive with low <= high, got {dt_days!r} in "
            f"{dt_bounds_days!r}")
    k = math.log(p0 / p1) / dt_days
    a_lo = math.log((p0 - r) / (p1 + r))
    a_hi = math.log((p0 + r) / (p1 - r))
    corners = [a / d for a in (a_lo, a_hi) for d in (lo_d, hi_d) if math.isfinite(d)]
    if not math.isfinite(hi_d):
        corners += [0.0]
    return k, (min(corners), max(corners))


def model_curve(model: str, t: npt.ArrayLike, *params: float,
                p_ref: float | None = None) -> npt.NDArray[np.float64]:
    """Evaluate a decay model at times ``t`` (days).

    Args:
        model: One of :data:`MODELS`.
        t: Times, days since the first reading.
        *params: ``(p0, k)``, ``(p0, k, p_inf)`` or ``(p0, k, m)``.
        p_ref: Reference pressure of the pressure-dependent model (default ``p0``).

    Example:
        >>> [round(float(v), 3) for v in model_curve("equilibrium", [0, 1e9], 473, 0.2, 150)]
        [473.0, 150.0]
    """
    tv = np.asarray(t, dtype=float)
    if model == "exponential":
        p0, k = params
        return p0 * np.exp(-k * tv)
    if model == "equilibrium":
        p0, k, p_inf = params
        return p_inf + (p0 - p_inf) * np.exp(-k * tv)
    if model == "pressure_dependent":
        p0, k, m = params
        pr = p0 if p_ref is None else p_ref
        if abs(m) < 1e-9:
            return pr * (p0 / pr) * np.exp(-k * tv)
        base = (p0 / pr) ** (-m) + m * k * tv
        base = np.maximum(base, 1e-300)
        return pr * base ** (-1.0 / m)
    raise InsufficientDataError(f"unknown decay model {model!r}; choose one of {MODELS}")


def _validate(t: npt.NDArray[np.float64], p: npt.NDArray[np.float64]) -> None:
    if t.shape != p.shape or t.ndim != 1:
        raise InsufficientDataError(f"t and p must be 1-D of equal length, got {t.shape} and "
                                    f"{p.shape}")
    if t.size < 2:
        raise InsufficientDataError(f"a decay fit needs at least two readings, got {t.size}")
    if not np.all(np.isfinite(t)):
        raise InsufficientDataError("elapsed times contain NaN (unknown duration): k is "
                                    "undetermined without bounds on the elapsed time")
    if not np.all(np.isfinite(p)) or np.any(p <= 0):
        raise InsufficientDataError("pressures must be finite and positive")
    if np.any(np.diff(t) <= 0):
        raise InsufficientDataError("elapsed times must be strictly increasing")


def _best_nls(model: str, t: npt.NDArray[np.float64], p: npt.NDArray[np.float64],
              p_ref: float) -> NLSResult:
    slope = np.polyfit(t, np.log(p), 1)[0]
    k0 = max(-slope, 1e-6)
    names: tuple[str, ...]
    if model == "exponential":
        starts = [[p[0], k0], [float(np.exp(np.polyfit(t, np.log(p), 1)[1])), k0]]
        names = ("p0", "k")
        bounds = None
    elif model == "equilibrium":
        pmin = float(p.min())
        starts = [[p[0], k0 * f, pmin * g] for f in (1.0, 2.0, 4.0) for g in (0.0, 0.5, 0.9)]
        names = ("p0", "k", "p_inf")
        bounds = ([0.0, 0.0, 0.0], [np.inf, np.inf, float(p.max())])
    else:
        starts = [[p[0], k0 * f, m] for f in (1.0, 2.0) for m in (0.0, 0.5, 1.5, 3.0)]
        names = ("p0", "k", "m")
        bounds = ([0.0, 0.0, -0.9], [np.inf, np.inf, 10.0])

    def f(tt: npt.NDArray[np.float64], *b: float) -> npt.NDArray[np.float64]:
        return model_curve(model, tt, *b, p_ref=p_ref)

    best: NLSResult | None = None
    for s0 in starts:
        try:
            res = nls_fit(f, t, p, s0, names=names, bounds=bounds, max_nfev=20000)
        except (InsufficientDataError, ValueError, FloatingPointError):
            continue
        if best is None or res.rss < best.rss:
            best = res
    if best is None:
        raise InsufficientDataError(f"the {model} model could not be fitted to these readings")
    return best


def fit_decay(
    t: npt.ArrayLike,
    p: npt.ArrayLike,
    model: str = "exponential",
    *,
    t_unit: str = "day",
    t_bounds: Sequence[Interval] | None = None,
    p_resolution: float = 0.5,
    method: str = "nls",
    cov: str = "nonrobust",
    maxlags: int | None = None,
    alpha: float = 0.05,
    p_station_mmhg: float = 760.0,
) -> DecayFit:
    """Fit a pressure decay and return k (per day) with its interval and the half-life.

    Args:
        t: Elapsed times since the first reading (any origin; shifted to start at 0).
        p: Pressures, mmHg.
        model: One of :data:`MODELS` (see the module docstring for the formulas).
        t_unit: Unit of ``t`` (``"day"``, ``"h"``, ``"min"``, ``"s"``).
        t_bounds: Per-reading ``(low, high)`` bounds on ``t`` in ``t_unit`` (two-point fits:
            the elapsed-time interval is ``[t1_low - t0_high, t1_high - t0_low]``).
        p_resolution: Half-width of a reading's uncertainty, mmHg (two-point fits).
        method: ``"nls"`` or ``"loglinear"`` (exponential model only).
        cov: ``"nonrobust"`` or ``"HAC"`` (log-linear OLS only).
        maxlags: HAC truncation lag.
        alpha: ``1 - alpha`` is the interval's nominal coverage.
        p_station_mmhg: Station pressure for the equilibrium model's outflow share.

    Returns:
        A :class:`DecayFit`.

    Raises:
        InsufficientDataError: On too few readings, NaNs, non-increasing times, a model
            with more parameters than readings, or an unknown model/method.

    Example (the July 2021 PrK series, 473 -> 273 -> 200 -> 160 -> 154 mmHg):
        >>> fit = fit_decay([0, 6, 11, 15, 17], [473, 273, 200, 160, 154], "equilibrium")
        >>> round(fit.extra("p_inf_mmhg")), fit.df_resid
        (118, 2)
        >>> fit_decay([0, 18], [730, 620], t_unit="h").interval_method
        'interval arithmetic'
    """
    if model not in MODELS:
        raise InsufficientDataError(f"unknown decay model {model!r}; choose one of {MODELS}")
    _reject_datetimes(t, "t")
    _reject_datetimes(p, "p")
    as_real(alpha, "alpha", 0.0, 1.0, lo_open=True, hi_open=True)
    tv = _to_days(t, t_unit)
    try:
        pv = np.asarray(p, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InsufficientDataError(f"argument 'p' cannot be read as numbers ({exc})") from None
    _validate(tv, pv)
    if pv.size > 2:  # a frozen gauge: every reading the same
        require_variation(float(np.sum((pv - pv.mean()) ** 2)), pv, "a constant pressure")
    t0 = tv[0]
    tv = tv - t0
    n = tv.size

    if n == 2:
        if model != "exponential":
            raise InsufficientDataError(f"two readings determine only the exponential model, "
                                        f"not {model!r}")
        if t_bounds is not None:
            b = np.asarray(t_bounds, dtype=float) * (TIME[t_unit] / TIME["day"])
            if b.shape != (2, 2):
                raise InsufficientDataError("argument 't_bounds' must hold one (low, high) "
                                            "pair per reading")
            dt_b: Interval | None = (float(b[1, 0] - b[0, 1]), float(b[1, 1] - b[0, 0]))
        else:
            dt_b = None
        k, ci = two_point_k(float(pv[0]), float(pv[1]), float(tv[1]), dt_b, p_resolution)
        hl, hl_ci = _half_life(k, ci)
        return DecayFit(
            model="exponential", method="two-point", n=2, k_per_day=k, k_se=math.nan,
            k_ci=ci, half_life_days=hl, half_life_ci=hl_ci, p0_mmhg=float(pv[0]),
            interval_method="interval arithmetic",
            alpha=alpha,
            note=(f"bounds from readings +/-{p_resolution:g} mmHg and elapsed time "
                  f"{'exact' if dt_b is None else f'in [{dt_b[0]:.4g}, {dt_b[1]:.4g}] d'}; "
                  "not a confidence interval"),
        )

    if method == "loglinear":
        if model != "exponential":
            raise InsufficientDataError("method 'loglinear' applies to the exponential model")
        res = ols_fit(np.log(pv), tv, cov=cov, maxlags=maxlags, names=["t"])
        exact = is_exact_fit(res.rss, np.log(pv))
        k = -res.param("t")
        se = res.se("t")
        lo, hi = res.conf_int("t", alpha)
        ci = (-hi, -lo)
        hl, hl_ci = _half_life(k, ci)
        p0 = math.exp(res.param("const"))
        return _no_interval_if(exact, DecayFit(
            model="exponential", method="loglinear", n=n, k_per_day=k, k_se=se, k_ci=ci,
            half_life_days=hl, half_life_ci=hl_ci, p0_mmhg=p0,
            params=(("ln_p0", res.param("const"), res.se("const")), ("k", k, se)),
            rss=res.rss, df_resid=res.df_resid, aic=res.aic, aicc=res.aicc, bic=res.bic,
            interval_method=f"Wald ({'t' if res.use_t else 'normal'}, {res.cov_type})",
            alpha=alpha,
            note="information criteria are on ln p and not comparable with NLS fits on p",
        ))
    if method != "nls":
        raise InsufficientDataError(f"argument 'method' must be 'nls' or 'loglinear', "
                                    f"got {method!r}")
    n_par = 2 if model == "exponential" else 3
    if n < n_par:
        raise InsufficientDataError(f"the {model} model has {n_par} parameters but only {n} "
                                    "readings")
    p_ref = float(pv[0])
    res_n = _best_nls(model, tv, pv, p_ref)
    # with df 0 the fit is exact by construction (noted below)
    exact = res_n.df_resid > 0 and is_exact_fit(res_n.rss, pv)
    k = res_n.param("k")
    se = res_n.se("k")
    ci = res_n.conf_int("k", alpha)
    hl, hl_ci = _half_life(k, ci)
    extras: list[tuple[str, float]] = []
    note = ""
    if res_n.df_resid == 0:
        note = "as many parameters as readings: exact fit, no interval"
    if model == "equilibrium":
        p_inf = res_n.param("p_inf")
        extras = [("p_inf_mmhg", p_inf), ("k_out_per_day", k * (1 - p_inf / p_station_mmhg)),
                  ("k_in_per_day", k * p_inf / p_station_mmhg)]
    elif model == "pressure_dependent":
        m = res_n.param("m")
        extras = [("m", m), ("p_ref_mmhg", p_ref),
                  ("k_at_last_per_day", k * (float(pv[-1]) / p_ref) ** m)]
    return _no_interval_if(exact, DecayFit(
        model=model, method="nls", n=n, k_per_day=k, k_se=se, k_ci=ci,
        half_life_days=hl, half_life_ci=hl_ci, p0_mmhg=res_n.param("p0"),
        params=tuple(zip(res_n.names, res_n.params, res_n.bse, strict=True)),
        extras=tuple(extras), rss=res_n.rss, df_resid=res_n.df_resid,
        aic=res_n.aic, aicc=res_n.aicc, bic=res_n.bic,
        interval_method="Wald (t, NLS)", alpha=alpha, note=note,
    ))


def _no_interval_if(exact: bool, fit: DecayFit) -> DecayFit:
    """An exact fit (noiseless readings) keeps its point values but has no interval."""
    if not exact:
        return fit
    nan2 = (math.nan, math.nan)
    return dataclasses.replace(
        fit, k_se=math.nan, k_ci=nan2, half_life_ci=nan2,
        interval_method="none: no variation",
        note=("no variation: the curve fits the readings exactly (residual RMS <= "
              f"{EXACT_FIT_RTOL:g} x max), so there is no noise to measure k's "
              "uncertainty; no interval"))


def akaike_weights(values: Sequence[float] | npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Akaike (or Schwarz) weights ``exp(-d_i/2) / sum exp(-d_j/2)``, ``d_i = IC_i - min IC``.

    Infinite or NaN criteria get weight 0.

    Example:
        >>> [round(float(w), 3) for w in akaike_weights([10.0, 12.0, float("inf")])]
        [0.731, 0.269, 0.0]
    """
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    w = np.zeros_like(v)
    if ok.any():
        d = v[ok] - v[ok].min()
        e = np.exp(-0.5 * d)
        w[ok] = e / e.sum()
    return w


def compare_decay_models(
    t: npt.ArrayLike,
    p: npt.ArrayLike,
    models: Sequence[str] = MODELS,
    *,
    t_unit: str = "day",
    criterion: str = "auto",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Fit several decay models by NLS on ``p`` and rank them by an information criterion.

    Args:
        t: Elapsed times.
        p: Pressures, mmHg.
        models: Models to compare (default all three).
        t_unit: Unit of ``t``.
        criterion: ``"aicc"``, ``"aic"``, ``"bic"`` or ``"auto"`` (the default): the
            ranking column. ``"auto"`` uses AICc when it is finite for every model and BIC
            otherwise (AICc is undefined when ``n <= k + 1``, e.g. a three-parameter curve
            on five readings); the choice is stored in ``df.attrs["criterion"]``.
        alpha: For the k intervals.

    Returns:
        One row per model: ``model``, ``n``, ``n_params`` (counting the residual variance),
        ``rss``, ``sigma``, ``k_per_day``, ``k_low``, ``k_high``, ``aic``, ``aicc``, ``bic``,
        ``delta_<ic>`` and ``weight_<ic>`` for each criterion, ``detail`` (the extra
        parameters), and the nested extra-sum-of-squares test against the exponential
        (both three-parameter models reduce to it, at ``p_inf = 0`` and ``m = 0``):
        ``f_vs_exponential = ((RSS_exp - RSS)/(df_exp - df)) / (RSS/df)`` and its
        ``p_vs_exponential`` from F(df_exp - df, df). Sorted by the criterion, best first.

    Example:
        >>> df = compare_decay_models([0, 6, 11, 15, 17], [473, 273, 200, 160, 154])
        >>> df.loc[df["weight_bic"].idxmax(), "model"] != "exponential"
        True
    """
    if criterion not in ("aicc", "aic", "bic", "auto"):
        raise InsufficientDataError(f"argument 'criterion' must be aicc, aic, bic or auto, "
                                    f"got {criterion!r}")
    rows = []
    for m in models:
        fit = fit_decay(t, p, m, t_unit=t_unit, alpha=alpha)
        if fit.method == "two-point":
            raise InsufficientDataError("model comparison needs at least three readings")
        detail = ", ".join(f"{n}={v:.4g}" for n, v in fit.extras)
        rows.append({
            "model": m, "n": fit.n, "n_params": len(fit.params) + 1, "rss": fit.rss,
            "sigma": math.sqrt(fit.rss / fit.df_resid) if fit.df_resid > 0 else math.nan,
            "k_per_day": fit.k_per_day, "k_low": fit.k_ci[0], "k_high": fit.k_ci[1],
            "aic": fit.aic, "aicc": fit.aicc, "bic": fit.bic, "detail": detail,
            "df_resid": fit.df_resid,
        })
    df = pd.DataFrame(rows)
    f_stat = np.full(len(df), np.nan)
    p_val = np.full(len(df), np.nan)
    if "exponential" in set(df["model"]):
        ref = df.loc[df["model"] == "exponential"].iloc[0]
        for i, row in df.iterrows():
            ddf = int(ref["df_resid"] - row["df_resid"])
            if row["model"] != "exponential" and ddf > 0 and row["df_resid"] > 0:
                f = ((ref["rss"] - row["rss"]) / ddf) / (row["rss"] / row["df_resid"])
                f_stat[int(str(i))] = f
                p_val[int(str(i))] = float(stats.f.sf(f, ddf, row["df_resid"]))
    df["f_vs_exponential"] = f_stat
    df["p_vs_exponential"] = p_val
    for ic in ("aic", "aicc", "bic"):
        vals = df[ic].to_numpy(dtype=float)
        finite = np.isfinite(vals)
        best = vals[finite].min() if finite.any() else math.nan
        df[f"delta_{ic}"] = vals - best
        df[f"weight_{ic}"] = akaike_weights(vals)
    if criterion == "auto":
        criterion = "aicc" if bool(np.isfinite(df["aicc"]).all()) else "bic"
    out = df.sort_values([criterion, "bic"], kind="stable").reset_index(drop=True)
    out.attrs["criterion"] = criterion
    return out


def simulate_decay(
    t: npt.ArrayLike,
    p0: float,
    k: float,
    sigma: float,
    seed: int,
    *,
    model: str = "exponential",
    extra: float | None = None,
    noise: str = "additive",
) -> npt.NDArray[np.float64]:
    """SIMULATED pressure readings from a known decay (for method validation only).

    Args:
        t: Times, days.
        p0: Starting pressure, mmHg.
        k: Decay constant, per day.
        sigma: Noise SD: mmHg (``"additive"``) or on ``ln p`` (``"multiplicative"``).
        seed: Seed of :func:`numpy.random.default_rng`.
        model: Decay model; ``extra`` is ``p_inf`` or ``m``.
        extra: Third parameter for the three-parameter models.
        noise: ``"additive"`` or ``"multiplicative"``.

    Example:
        >>> simulate_decay([0, 1], 700, 0.2, 0.0, seed=1).round(2).tolist()
        [700.0, 573.11]
    """
    params = (p0, k) if model == "exponential" else (p0, k, float(extra or 0.0))
    clean = model_curve(model, t, *params)
    rng = np.random.default_rng(seed)
    e = rng.normal(0.0, sigma, size=clean.shape)
    return clean + e if noise == "additive" else clean * np.exp(e)


@dataclass(frozen=True)
class CoverageResult:
    """Coverage of the k interval over simulated decays (SIMULATED data).

    Attributes:
        n_sims: Number of simulated series.
        k_true: The true decay constant.
        mean_k: Mean estimate.
        bias_rel: ``mean_k / k_true - 1``.
        coverage: Share of intervals containing ``k_true``.
        nominal: ``1 - alpha``.
        mc_se: Monte Carlo standard error of the coverage, ``sqrt(c(1-c)/n)``.
        method: Fitting method.
    """

    n_sims: int
    k_true: float
    mean_k: float
    bias_rel: float
    coverage: float
    nominal: float
    mc_se: float
    method: str

    def summary(self) -> str:
        """One line in words."""
        return (f"SIMULATED: {self.n_sims} series, k={self.k_true:g}/d ({self.method}): mean "
                f"estimate {self.mean_k:.4g} (bias {100 * self.bias_rel:+.2f}%), coverage "
                f"{100 * self.coverage:.1f}% (nominal {100 * self.nominal:.0f}%, MC SE "
                f"{100 * self.mc_se:.1f} pts)")


def decay_coverage(
    n_sims: int = 400,
    *,
    k: float = 0.1,
    p0: float = 730.0,
    t: Sequence[float] = (0, 1, 2, 3, 5, 7, 10, 14),
    sigma: float = 3.0,
    method: str = "nls",
    alpha: float = 0.05,
    seed: int = 20190901,
) -> CoverageResult:
    """Recover k from SIMULATED noisy exponential decays and measure interval coverage.

    Series ``i`` uses seed ``seed + i``; additive Gaussian noise for ``"nls"``,
    multiplicative (Gaussian on ``ln p``) for ``"loglinear"``, matching each method's error
    model.

    Example:
        >>> r = decay_coverage(40, seed=1)
        >>> 0.8 <= r.coverage <= 1.0
        True
    """
    noise = "additive" if method == "nls" else "multiplicative"
    s = sigma if method == "nls" else sigma / p0
    hits = 0
    ks = []
    for i in range(n_sims):
        y = simulate_decay(t, p0, k, s, seed + i, noise=noise)
        fit = fit_decay(t, y, "exponential", method=method, alpha=alpha)
        ks.append(fit.k_per_day)
        hits += fit.k_ci[0] <= k <= fit.k_ci[1]
    c = hits / n_sims
    mk = float(np.mean(ks))
    return CoverageResult(n_sims=n_sims, k_true=k, mean_k=mk, bias_rel=mk / k - 1,
                          coverage=c, nominal=1 - alpha, mc_se=math.sqrt(c * (1 - c) / n_sims),
                          method=method)
