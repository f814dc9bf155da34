"""Per-segment decay constants with intervals that cover under hour-scale gauge memory.

Within a hatch-closed segment a choked leak gives ``p(t) = p0 exp(-k t)``, so
``log p = a - k t``: ordinary least squares of ``log p`` on ``t`` per segment gives ``k``.
With ``x = t - mean(t)``, residuals ``e`` and scores ``u = x e``,
``Var(slope) = LRV / (sum x^2)^2`` where ``LRV`` estimates ``Var(sum u)``. Three estimators
(``cov``):

* ``"HAC"`` (default): the long-run variance of :mod:`prkanalysis.telemetry.hac`: the
  correlation time of the noise (``corr_time_s``, a physical time; estimated from the
  residuals when not given), block sums of the scores over half of it, AR(1) prewhitening,
  a Bartlett kernel with Andrews' (1991) bandwidth, recolouring; times ``n / (n - 2)`` with
  ``use_correction``. Chosen by the coverage study of
  :mod:`prkanalysis.telemetry.coverage` (SIMULATED segments, noise memory 1 min to 4 h).
* ``"NW"``: Newey-West (Bartlett kernel) with ``L = maxlags`` or the rule of thumb
  ``floor(4 (n/100)^(2/9))``: ``S = sum u_t^2 + 2 sum_{l=1..L} (1 - l/(L+1)) sum_t u_t u_{t-l}``,
  ``Var = S / (sum x^2)^2`` times ``n / (n - 2)`` with ``use_correction``. This equals
  ``statsmodels`` ``OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction":
  ...})`` for the slope. Its 5-9 lags at 1-minute sampling are far shorter than hour-scale
  disturbances: kept as the reference ("before") of the coverage study.
* ``"ols"``: iid errors, ``Var = sum e^2 / (n - 2) / sum x^2``.

**Quantile convention** (the package's one convention, shared with
:mod:`prkanalysis.models.regression`): a two-sided interval is ``estimate +- t_{df,(1+level)/2}
se`` with ``df`` the degrees of freedom of the variance estimate: ``n - 2`` for ``"ols"``;
for ``"NW"`` and ``"HAC"`` the effective df of the long-run variance
(:func:`prkanalysis.telemetry.hac.lrv_df`), never more than ``n - 2``.

``"NW"`` and ``"ols"`` on segments shorter than 4096 samples are summed together with one
:func:`numpy.add.reduceat` per sum; every other segment is fitted by :func:`fit_segment`.
Lags count samples, so the estimators assume regular sampling within a segment.

The mass rate at a reference pressure is ``m_dot = k p_ref V M / (R T)``.
"""

from __future__ import annotations

import warnings
from typing import Final, Literal

import numpy as np
import pandas as pd
from scipy import stats

from prkanalysis.errors import ArgumentError, InsufficientDataError, TelemetryError
from prkanalysis.models._linalg import EXACT_FIT_RTOL, as_real
from prkanalysis.telemetry import hac
from prkanalysis.telemetry.kernels import fit as kfit
from prkanalysis.telemetry.schema import PRK_PRESSURE
from prkanalysis.units import MMHG_PA

#: Molar mass of air, kg/mol (SPEC section 5).
M_AIR: Final[float] = 0.0289647
#: Molar gas constant, J/(mol K).
R_GAS: Final[float] = 8.314462618
_DAY_S: Final[float] = 86400.0


def air_mass_kg(p_mmhg: float, volume_m3: float, temperature_k: float) -> float:
    """Mass of air in a volume, ideal gas: ``m = p V M / (R T)`` with p in Pa.

    Raises:
        ArgumentError: a pressure < 0, a volume or temperature <= 0, or a non-number.

    Example:
        >>> round(air_mass_kg(760.0, 1.0, 295.15), 4)
        1.1959
    """
    p = as_real(p_mmhg, "p_mmhg", 0.0)
    v = as_real(volume_m3, "volume_m3", 0.0, lo_open=True)
    t = as_real(temperature_k, "temperature_k", 0.0, lo_open=True)
    return p * MMHG_PA * v * M_AIR / (R_GAS * t)


def newey_west_lags(n: np.ndarray | int) -> np.ndarray:
    """Newey-West (1994) rule-of-thumb lag truncation ``floor(4 (n / 100)^(2/9))``.

    Raises:
        ArgumentError: ``n`` is not numeric or holds a negative or non-finite count.

    Example:
        >>> newey_west_lags(np.array([100, 10000])).tolist()
        [4, 11]
    """
    nn = _numeric_array(n, "n")
    if not np.all(np.isfinite(nn) & (nn >= 0)):
        raise ArgumentError("n", n, "sample counts >= 0")
    return np.floor(4.0 * (nn / 100.0) ** (2.0 / 9.0)).astype(np.int64)


def _numeric_array(x: object, name: str, ndim: int | None = None) -> np.ndarray:
    """``x`` as a float64 array, or ArgumentError naming ``name`` (text, dates, objects)."""
    accepted = "numbers" if ndim is None else "a 1-D array of numbers"
    if isinstance(x, str | bytes) or isinstance(x, dict):
        raise ArgumentError(name, x, accepted)
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ArgumentError(name, x, accepted) from None
    if ndim is not None and arr.ndim != ndim:
        raise ArgumentError(name, x, accepted, f"got shape {arr.shape}")
    return arr


#: Segments with at least this many samples are fitted one by one with dot products;
#: shorter ones together with one ``reduceat`` per sum (fewer Python calls).
_LONG_SEGMENT: Final[int] = 4096
_FIT_KEYS: Final[tuple[str, ...]] = ("slope", "intercept", "t_mean", "se", "se_ols",
                                     "resid_sd", "maxlags", "df", "corr_time_s")
_COVS: Final[tuple[str, ...]] = ("HAC", "NW", "ols")
CovName = Literal["HAC", "NW", "ols"]


def _check_options(cov: str, maxlags: int | None, corr_time_s: float | None) -> None:
    """Reject an unknown ``cov`` and options that do not apply to it."""
    if cov not in _COVS:
        raise TelemetryError(f"cov must be one of {list(_COVS)}, got {cov!r}")
    if maxlags is not None:
        if cov != "NW":
            raise TelemetryError(
                f"maxlags={maxlags!r} applies only to cov='NW' (a fixed Newey-West lag); "
                f"cov={cov!r} sets its lags from the correlation time (corr_time_s)")
        if isinstance(maxlags, bool) or int(maxlags) != maxlags or maxlags < 0:
            raise TelemetryError(f"maxlags must be an integer >= 0 or None, got {maxlags!r}")
    if corr_time_s is not None:
        if cov != "HAC":
            raise TelemetryError(f"corr_time_s applies only to cov='HAC', got cov={cov!r}")
        if not (np.isfinite(corr_time_s) and corr_time_s >= 0):
            raise TelemetryError(
                f"corr_time_s must be a finite time >= 0 in seconds or None, got {corr_time_s!r}")


def fit_segment(
    t_s: np.ndarray,
    logp: np.ndarray,
    *,
    cov: CovName = "HAC",
    maxlags: int | None = None,
    use_correction: bool = True,
    corr_time_s: float | None = None,
) -> dict[str, float]:
    """OLS slope of ``logp`` on ``t_s`` for one segment, with its standard error and df.

    The one-segment core of :func:`fit_arrays`. With ``x = t - mean(t)``,
    ``yc = y - mean(y)``: ``slope = sum x yc / sum x^2``, ``e = yc - slope x``,
    ``se_ols^2 = sum e^2 / (n - 2) / sum x^2``; ``se`` from ``cov`` (module docstring):

    * ``"HAC"``: ``tau`` = ``corr_time_s`` divided by the mean sampling interval
      ``(t_last - t_first) / (n - 1)``, or :func:`~prkanalysis.telemetry.hac.efold_time` of
      ``e``; ``LRV, df`` from :func:`~prkanalysis.telemetry.hac.prewhitened_lrv` of
      ``u = x e``; ``se^2 = LRV / (sum x^2)^2`` (times ``n / (n - 2)``); ``maxlags`` reports
      the lag span in samples, ``block length x (ceil(S) - 1)``.
    * ``"NW"``: ``L = min(maxlags or newey_west_lags(n), n - 1)``, Bartlett weights
      ``1 - l/(L+1)``; ``df = 1.5 n / (L + 1)``.
    * ``"ols"``: ``se = se_ols``, ``maxlags = 0``.

    ``df`` is capped at ``n - 2``. The sums are compiled loops
    (:func:`prkanalysis.telemetry.kernels.fit.fit_core`: a few passes over the arrays, lags of
    ``e`` beyond 8 only when the e-folding point lies beyond, an FFT only for more than 32
    of them or more than 64 Bartlett lags); they equal the NumPy formulation up to the order
    of summation. Fewer than 3 samples, or a non-finite time or value (then ``t_mean`` or
    ``intercept`` is not finite either), give NaN.

    Args:
        t_s: Times in seconds (any origin), float64.
        logp: Natural log of pressure.
        cov: ``"HAC"``, ``"NW"`` or ``"ols"``.
        maxlags: Newey-West lag for ``cov="NW"``; ``None`` = :func:`newey_west_lags`.
        use_correction: Small-sample factor ``n / (n - 2)`` of the HAC and NW variances.
        corr_time_s: Correlation time of the noise in seconds for ``cov="HAC"`` (a physical
            parameter, e.g. 7200 for 2-hour thermal memory); ``None`` = estimated.

    Returns:
        dict with ``n``, ``slope`` (1/s), ``intercept`` (log p at ``t_mean``), ``t_mean``,
        ``se``, ``se_ols``, ``resid_sd``, ``maxlags``, ``df`` (of the t quantile) and
        ``corr_time_s`` (the correlation time used, s; NaN unless ``cov="HAC"``).

    Example:
        >>> t = np.arange(300.0)
        >>> y = 6.6 - 2e-3 * t + np.random.default_rng(0).normal(0, 1e-4, 300)
        >>> r = fit_segment(t, y, cov="NW")
        >>> round(r["slope"], 5), r["maxlags"], r["se"] > 0
        (-0.002, 5, True)
        >>> h = fit_segment(t, y)
        >>> h["corr_time_s"] < 2, 0.8 < h["se"] / r["se"] < 1.25
        (True, True)
    """
    t = _numeric_array(t_s, "t_s", 1)
    y = _numeric_array(logp, "logp", 1)
    n = int(t.size)
    _check_options(cov, maxlags, corr_time_s)
    if y.size != n:
        raise TelemetryError(f"fit_segment: lengths differ ({n}, {y.size})")
    lags = 0
    if cov == "NW":
        lags = int(newey_west_lags(n)) if maxlags is None else int(maxlags)
        lags = min(lags, max(n - 1, 0))
    if n < 3:
        t_mean = float(t.sum() / n) if n else float("nan")
        y_mean = float(y.sum() / n) if n else float("nan")
        return {"n": n, "slope": np.nan, "intercept": y_mean, "t_mean": t_mean, "se": np.nan,
                "se_ols": np.nan, "resid_sd": np.nan, "maxlags": lags, "df": np.nan,
                "corr_time_s": np.nan}
    r = kfit.fit_core(t, 0.0, 1.0, y, kfit.COV_CODES[cov], lags, use_correction,
                      -1.0 if corr_time_s is None else float(corr_time_s))
    out: dict[str, float] = {"n": n, **dict(zip(_FIT_KEYS, r, strict=True))}
    out["maxlags"] = int(r[6])
    return out


def _fit_short(t: np.ndarray, y: np.ndarray, starts: np.ndarray, cov: str,
               maxlags: int | None, use_correction: bool) -> dict[str, np.ndarray]:
    """The sums of :func:`fit_segment` (``"NW"`` or ``"ols"``) for many short segments."""
    ends = np.r_[starts[1:], t.size]
    n = ends - starts
    rep = np.repeat(np.arange(starts.size), n)
    t_mean = np.add.reduceat(t, starts) / n
    y_mean = np.add.reduceat(y, starts) / n
    x = t - t_mean[rep]
    yc = y - y_mean[rep]
    sxx = np.add.reduceat(x * x, starts)
    sxy = np.add.reduceat(x * yc, starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = sxy / sxx
        e = yc - slope[rep] * x
        sse = np.add.reduceat(e * e, starts)
        dof = np.where(n > 2, n - 2, np.nan)
        var_ols = sse / dof / sxx
        df = n - 2.0
        if cov == "ols":
            var = var_ols
            lags = np.zeros(starts.size, dtype=np.int64)
        else:
            lags = (newey_west_lags(n) if maxlags is None
                    else np.full(starts.size, int(maxlags), dtype=np.int64))
            lags = np.minimum(lags, np.maximum(n - 1, 0))
            u = x * e
            s_hac = np.add.reduceat(u * u, starts)
            idx = np.empty(2 * starts.size, dtype=np.int64)
            idx[0::2] = starts
            for lag in range(1, int(lags.max(initial=0)) + 1):
                prod = np.empty(u.size - lag + 1)
                np.multiply(u[lag:], u[:-lag], out=prod[:-1])
                prod[-1] = 0.0
                idx[1::2] = ends - lag
                # segments with n <= lag get clipped indices; their sums are masked below
                sums = np.add.reduceat(prod, np.clip(idx, 0, prod.size - 1))[0::2]
                w = np.where(lags >= lag, 1.0 - lag / (lags + 1.0), 0.0)
                s_hac += 2.0 * w * np.where(n > lag, sums, 0.0)
            var = s_hac / sxx**2
            if use_correction:
                var = var * n / dof
            df = np.minimum(df, hac.lrv_df(n, lags + 1.0))
        short = n < 3
        return {"slope": np.where(short, np.nan, slope), "intercept": y_mean, "t_mean": t_mean,
                "se": np.where(short, np.nan, np.sqrt(var)),
                "se_ols": np.where(short, np.nan, np.sqrt(var_ols)),
                "resid_sd": np.where(short, np.nan, np.sqrt(sse / dof)), "maxlags": lags,
                "df": np.where(short, np.nan, df), "corr_time_s": np.full(starts.size, np.nan)}


def fit_arrays(
    t_s: np.ndarray,
    logp: np.ndarray,
    seg_id: np.ndarray,
    *,
    cov: CovName = "HAC",
    maxlags: int | None = None,
    use_correction: bool = True,
    min_samples: int = 3,
    corr_time_s: float | None = None,
) -> dict[str, np.ndarray]:
    """Slope of ``logp`` on ``t_s`` per segment, with its standard error and df.

    Samples with ``seg_id < 0`` are ignored (and may hold anything). When each segment's
    samples are contiguous and ids increase (time-sorted input guarantees it) the segments
    are read in place; otherwise the arrays are stable-sorted by id first.
    Every segment gets the estimates of :func:`fit_segment`: with ``cov="HAC"`` by calling
    it on each segment's slice; with ``"NW"``/``"ols"``, segments of at least 4096 samples
    the same way, shorter ones together with one :func:`numpy.add.reduceat` per sum (the
    same formulas, equal to rounding).

    Args:
        t_s: Times in seconds (any origin; subtracting a common origin keeps precision).
        logp: Natural log of pressure.
        seg_id: int segment id per sample.
        cov: ``"HAC"`` (correlation-time HAC, default), ``"NW"`` (Newey-West rule) or
            ``"ols"`` (iid errors); see the module docstring.
        maxlags: Newey-West lag for ``cov="NW"``; ``None`` = :func:`newey_west_lags`.
        use_correction: Multiply the HAC/NW variance by ``n / (n - 2)`` (as statsmodels).
        min_samples: Segments with fewer samples get NaN results; an integer >= 3.
        corr_time_s: Correlation time of the noise (s) for ``cov="HAC"``; ``None`` =
            estimated per segment.

    Returns:
        dict of arrays, one entry per segment in id order: ``segment_id``, ``n``,
        ``t_first``, ``t_last`` (s), ``slope`` (1/s), ``intercept`` (log p at ``t_mean``),
        ``t_mean``, ``se`` (slope standard error), ``se_ols``, ``resid_sd``, ``maxlags``,
        ``df`` (degrees of freedom of the t quantile), ``corr_time_s``.

    Example:
        >>> t = np.arange(200.0)
        >>> y = 6.6 - 1e-3 * t + np.random.default_rng(0).normal(0, 1e-4, 200)
        >>> out = fit_arrays(t, y, np.repeat([0, 1], 100), cov="NW")
        >>> np.round(out["slope"], 5).tolist(), out["maxlags"].tolist()
        ([-0.001, -0.001], [4, 4])
    """
    t = _numeric_array(t_s, "t_s", 1)
    y = _numeric_array(logp, "logp", 1)
    sid_f = _numeric_array(seg_id, "seg_id", 1)
    if not np.all(np.isfinite(sid_f) & (sid_f == np.round(sid_f))):
        raise ArgumentError("seg_id", seg_id, "integer segment ids (-1 = no segment)")
    sid = sid_f.astype(np.int64)
    if not (t.size == y.size == sid.size):
        raise TelemetryError(f"fit_arrays: lengths differ ({t.size}, {y.size}, {sid.size})")
    _check_options(cov, maxlags, corr_time_s)
    _check_min_samples(min_samples)
    empty = {k: np.zeros(0) for k in ("segment_id", "n", "t_first", "t_last", *_FIT_KEYS)}
    if sid.size == 0:
        return empty
    # runs of equal ids on the arrays as given (no gather when each segment is one run)
    change = np.flatnonzero(sid[1:] != sid[:-1]) + 1
    starts, ends = np.r_[0, change], np.r_[change, sid.size]
    use = sid[starts] >= 0
    starts, ends = starts[use], ends[use]
    ids = sid[starts]
    if ids.size > 1 and np.any(ids[1:] <= ids[:-1]):
        # a segment in several runs, or ids out of order: gather and stable-sort by id
        keep = sid >= 0
        t, y, sid = t[keep], y[keep], sid[keep]
        o = np.argsort(sid, kind="stable")
        t, y, sid = t[o], y[o], sid[o]
        starts = np.flatnonzero(np.r_[True, sid[1:] != sid[:-1]])
        ends = np.r_[starts[1:], sid.size]
        ids = sid[starts]
    if starts.size == 0:
        return empty
    n = (ends - starts).astype(np.int64)
    res = {k: np.full(starts.size, np.nan) for k in _FIT_KEYS}
    res["maxlags"] = np.zeros(starts.size, dtype=np.int64)
    long_ = (n >= _LONG_SEGMENT) | (cov == "HAC")
    for i in np.flatnonzero(long_):
        a, b = int(starts[i]), int(ends[i])
        r = fit_segment(t[a:b], y[a:b], cov=cov, maxlags=maxlags, use_correction=use_correction,
                        corr_time_s=corr_time_s)
        for k in _FIT_KEYS:
            res[k][i] = r[k]
    short = np.flatnonzero(~long_)
    if short.size:
        if (short.size == starts.size and starts[0] == 0 and ends[-1] == t.size
                and np.array_equal(starts[1:], ends[:-1])):  # the segments tile the arrays
            ts, ys, s0 = t, y, starts
        else:  # gather the short segments' samples
            rows = np.repeat(starts[short] - np.r_[0, np.cumsum(n[short])[:-1]], n[short])
            rows += np.arange(rows.size)
            ts, ys = t[rows], y[rows]
            s0 = np.r_[0, np.cumsum(n[short])[:-1]]
        r_short = _fit_short(ts, ys, s0, cov, maxlags, use_correction)
        for k in _FIT_KEYS:
            res[k][short] = r_short[k]
    # a NaN or infinite time or value makes its segment's mean non-finite
    if not (np.all(np.isfinite(res["t_mean"])) and np.all(np.isfinite(res["intercept"]))):
        raise TelemetryError("fit_arrays: non-finite time or log-pressure (p <= 0 or NaN?)")
    bad = n < min_samples
    for k in ("slope", "se", "se_ols", "resid_sd", "df"):
        res[k][bad] = np.nan
    return {"segment_id": ids, "n": n, "t_first": t[starts], "t_last": t[ends - 1], **res}


#: Columns of :func:`fit_segments` (and of the partitioned pipeline), in order.
FIT_COLUMNS: Final[tuple[str, ...]] = (
    "segment_id", "start", "end", "n", "p_start", "p_end", "k_per_day", "k_se", "k_low",
    "k_high", "kg_per_day", "kg_per_day_low", "kg_per_day_high", "resid_sd", "maxlags", "k_df",
    "corr_time_s", "cov", "source")


def _check_min_samples(min_samples: int) -> None:
    """``min_samples`` must be an integer >= 3: a slope and its standard error need 3."""
    if (isinstance(min_samples, bool) or not isinstance(min_samples, int | np.integer)
            or min_samples < 3):
        raise TelemetryError(
            f"min_samples must be an integer >= 3 (a slope and its standard error need at "
            f"least 3 samples), got {min_samples!r}")


def t_quantile(level: float, df: np.ndarray | float) -> np.ndarray:
    """Two-sided Student t quantile ``t_{df, (1 + level)/2}`` (the package's convention).

    ``df`` is the degrees of freedom of the variance estimate (``n - 2``, or the effective
    df of a long-run variance); NaN df gives NaN.

    Example:
        >>> round(float(t_quantile(0.95, 10.0)), 4)
        2.2281
    """
    d = np.asarray(df, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.asarray(stats.t.ppf(0.5 + level / 2.0, np.where(d > 0, d, np.nan)))


def _degenerate(k: np.ndarray, k_se: np.ndarray, resid_sd: np.ndarray, logp: np.ndarray,
                seg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`mask_degenerate` with the per-segment scale and span of ``log p``."""
    idx = np.flatnonzero(seg >= 0)
    s = seg[idx]
    first = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    y = logp[idx]
    scale = np.maximum.reduceat(np.abs(y), first)
    span = np.maximum.reduceat(y, first) - np.minimum.reduceat(y, first)
    return mask_degenerate(k, k_se, resid_sd, scale, span)


def mask_degenerate(k: np.ndarray, k_se: np.ndarray, resid_sd: np.ndarray, scale: np.ndarray,
                    span: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """No false certainty from degenerate segments (issue 11).

    Per segment, with ``scale = max |log p|`` and ``span = max log p - min log p``: an
    *exact* fit has ``resid_sd <= 1e-10 scale``
    (:data:`prkanalysis.models._linalg.EXACT_FIT_RTOL`), so its standard error is 0 by
    construction, not by evidence: ``k_se`` becomes NaN (no interval). A *constant* segment
    also has ``span <= 1e-10 scale`` (a frozen gauge): ``k`` becomes NaN too, since ``k = 0``
    would read as "no leak". A RuntimeWarning counts them.

    Returns:
        ``(k, k_se)`` with the degenerate rows set to NaN.

    Raises:
        InsufficientDataError: every segment is constant ("no variation").

    Example:
        >>> mask_degenerate(np.array([0.2]), np.array([0.01]), np.array([1e-3]),
        ...                 np.array([6.6]), np.array([0.5]))
        (array([0.2]), array([0.01]))
    """
    with np.errstate(invalid="ignore"):
        exact = np.isfinite(resid_sd) & (resid_sd <= EXACT_FIT_RTOL * scale)
    constant = exact & (span <= EXACT_FIT_RTOL * scale)
    if constant.size and constant.all():
        raise InsufficientDataError(
            f"telemetry: no variation: the pressure is constant in every segment "
            f"({constant.size}); a frozen gauge gives no leak constant")
    if exact.any():
        warnings.warn(
            f"fit_segments: {int(constant.sum())} segment(s) with constant pressure (frozen "
            f"gauge?) get k = NaN; {int((exact & ~constant).sum())} exactly fitted segment(s) "
            f"get no interval (segment ids {np.flatnonzero(exact).tolist()[:10]})",
            RuntimeWarning, stacklevel=3)
        k = np.where(constant, np.nan, k)
        k_se = np.where(exact, np.nan, k_se)
    return k, k_se


def _interval(x: float | tuple[float, float], name: str) -> tuple[float, float, float]:
    """(central, low, high) from a number or a (low, high) pair; central = midpoint."""
    if isinstance(x, tuple | list):
        ok = len(x) == 2 and all(
            isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
            and np.isfinite(v) for v in x)
        if not ok or not (0 < x[0] <= x[1]):
            raise TelemetryError(f"{name} must be a positive number or (low, high), got {x!r}")
        lo, hi = float(x[0]), float(x[1])
        return (lo + hi) / 2.0, lo, hi
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
        raise TelemetryError(f"{name} must be a positive number or (low, high), got {x!r}")
    v = float(x)
    if not (np.isfinite(v) and v > 0):
        raise TelemetryError(f"{name} must be a finite number > 0, got {x!r}")
    return v, v, v


def fit_segments(
    df: pd.DataFrame,
    volume_m3: float | tuple[float, float],
    temperature_k: float | tuple[float, float],
    *,
    ref_pressure_mmhg: float = 760.0,
    cov: CovName = "HAC",
    maxlags: int | None = None,
    use_correction: bool = True,
    min_samples: int = 10,
    corr_time_s: float | None = None,
    level: float = 0.95,
    gap_s: float = 3600.0,
    use_hatch: bool | None = None,
    channel: str = PRK_PRESSURE,
    pressure_method: Literal["onset", "steps"] = "onset",
) -> pd.DataFrame:
    """Decay constant and mass rate of every hatch-closed segment.

    Segments come from :func:`~prkanalysis.telemetry.segments.assign_segments`; each is fitted
    by :func:`fit_arrays` on ``log p`` (p in mmHg) against seconds since the first sample.
    ``k = -slope x 86400`` (1/day); its interval is ``k +- t_{df, (1+level)/2} se`` with
    ``df`` the degrees of freedom of the variance estimate (module docstring; column
    ``k_df``). By default ``se`` is the correlation-time HAC of
    :mod:`~prkanalysis.telemetry.hac` (``cov="HAC"``), whose nominal 95 % intervals covered
    0.90-0.98 of SIMULATED segments with noise memory from 1 minute to 4 hours
    (:mod:`~prkanalysis.telemetry.coverage`).
    The mass rate at ``ref_pressure_mmhg`` is ``kg_per_day = k m_ref`` with
    ``m_ref = p_ref V M / (R T)``. ``kg_per_day_low``/``_high`` combine the k interval with
    the volume and temperature intervals when those are given as ``(low, high)`` (low mass
    at large T and small V); the point value uses their midpoints.

    Args:
        df: Long telemetry, cleaned (see :func:`~prkanalysis.telemetry.clean`).
        volume_m3: PrK free volume, or a ``(low, high)`` interval.
        temperature_k: Gas temperature, or a ``(low, high)`` interval.
        ref_pressure_mmhg: Reference pressure of the mass rate (default 760 mmHg).
        cov: ``"HAC"`` (default), ``"NW"`` (Newey-West rule-of-thumb lag, the former
            default) or ``"ols"``.
        maxlags: Fixed Newey-West lag, only with ``cov="NW"``.
        use_correction: HAC/NW small-sample factor ``n / (n - 2)``.
        min_samples: Segments with fewer samples are left out; an integer >= 3.
        corr_time_s: Correlation time of the gauge noise in seconds (``cov="HAC"``), e.g.
            the memory of thermal disturbances; ``None`` = estimated per segment from the
            residuals (reported in column ``corr_time_s``).
        level: Confidence level of the intervals.
        gap_s: Gap threshold for segmentation, seconds.
        use_hatch: Segment from the hatch channel (default: when present).
        pressure_method: Segmentation without the hatch channel: ``"onset"`` (closures
            from repressurisation ramps and fitted decay onsets) or ``"steps"`` (see
            :func:`~prkanalysis.telemetry.segments.assign_segments`).
        channel: Pressure channel.

    Returns:
        One row per segment: ``segment_id``, ``start``, ``end``, ``n``, ``p_start``,
        ``p_end``, ``k_per_day``, ``k_se``, ``k_low``, ``k_high``, ``kg_per_day``,
        ``kg_per_day_low``, ``kg_per_day_high``, ``resid_sd`` (log p), ``maxlags``, ``k_df``
        (df of the t quantile), ``corr_time_s`` (HAC only, else NaN), ``cov``, ``source``.
        ``attrs`` carries ``simulated``/``label`` from ``df``.

    Raises:
        InsufficientDataError: no pressure rows or no segment with ``min_samples``.
        TelemetryError: a pressure <= 0, bad volume, temperature, ``level``,
            ``min_samples``, ``cov``, ``maxlags`` or ``corr_time_s``.

    Example:
        >>> from prkanalysis.telemetry.simulate import simulate
        >>> df, truth = simulate(duration_days=4, rate_hz=0.01, closed_days=2,
        ...                      leak_k_per_day=0.15, seed=3)
        >>> fits = fit_segments(df, 5.0, 295.15)
        >>> bool(((fits.k_low < 0.15) & (0.15 < fits.k_high)).all())
        True
    """
    if not isinstance(df, pd.DataFrame):
        raise ArgumentError("df", df, "a pandas DataFrame of long telemetry (time, channel, "
                            "value)", type_name=type(df).__name__)
    v_c, v_lo, v_hi = _interval(volume_m3, "volume_m3")
    t_c, t_lo, t_hi = _interval(temperature_k, "temperature_k")
    as_real(level, "level", 0.0, 1.0, lo_open=True, hi_open=True)
    as_real(ref_pressure_mmhg, "ref_pressure_mmhg", 0.0, lo_open=True)
    as_real(gap_s, "gap_s", 0.0, lo_open=True)
    _check_options(cov, maxlags, corr_time_s)
    _check_min_samples(min_samples)
    prs, table, seg = assign_segments(df, channel=channel, gap_s=gap_s,
                                      min_samples=min_samples, use_hatch=use_hatch,
                                      pressure_method=pressure_method)
    if table.empty:
        raise InsufficientDataError(f"telemetry: no segment with >= {min_samples} samples")
    p = prs["value"].to_numpy(dtype=np.float64)
    use = seg >= 0
    if np.any(p[use] <= 0) or not np.all(np.isfinite(p[use])):
        i = int(np.flatnonzero(use & ~(p > 0))[0])
        raise TelemetryError(
            f"telemetry, row {i}, column 'value': pressure must be finite and > 0 to take its "
            f"log (got {p[i]!r}); run telemetry.clean first"
        )
    t_ns = prs["time"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    t_s = (t_ns - t_ns[0]) / 1e9
    res = fit_arrays(t_s, np.log(np.where(use, p, 1.0)), seg, cov=cov, maxlags=maxlags,
                     use_correction=use_correction, min_samples=min_samples,
                     corr_time_s=corr_time_s)
    k = -res["slope"] * _DAY_S
    k_se = res["se"] * _DAY_S
    k, k_se = _degenerate(k, k_se, res["resid_sd"], np.log(np.where(use, p, 1.0)), seg)
    q = t_quantile(level, res["df"])
    k_low, k_high = k - q * k_se, k + q * k_se
    m_c = air_mass_kg(ref_pressure_mmhg, v_c, t_c)
    m_lo = air_mass_kg(ref_pressure_mmhg, v_lo, t_hi)
    m_hi = air_mass_kg(ref_pressure_mmhg, v_hi, t_lo)
    out = table.set_index("segment_id").loc[res["segment_id"]].reset_index()
    out = out.rename(columns={"n_samples": "n"})
    out["k_per_day"] = k
    out["k_se"] = k_se
    out["k_low"] = k_low
    out["k_high"] = k_high
    out["kg_per_day"] = k * m_c
    out["kg_per_day_low"] = np.minimum(k_low * m_lo, k_low * m_hi)
    out["kg_per_day_high"] = np.maximum(k_high * m_hi, k_high * m_lo)
    out["resid_sd"] = res["resid_sd"]
    out["maxlags"] = res["maxlags"]
    out["k_df"] = res["df"]
    out["corr_time_s"] = res["corr_time_s"]
    out["cov"] = cov
    out = out[list(FIT_COLUMNS)]
    out.attrs.update({k_: v_ for k_, v_ in df.attrs.items() if k_ in ("simulated", "label")})
    out.attrs.update(volume_m3=volume_m3, temperature_k=temperature_k,
                     ref_pressure_mmhg=ref_pressure_mmhg, level=level)
    return out


from prkanalysis.telemetry.segments import assign_segments  # noqa: E402
