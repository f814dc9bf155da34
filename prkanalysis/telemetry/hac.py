"""Long-run variance of a regression score under hour-scale gauge memory.

The slope of a per-segment decay fit has ``Var(slope) = LRV / (sum x^2)^2``, where
``LRV = Var(sum_t u_t)`` is the long-run variance (times ``n``) of the score ``u_t = x_t e_t``
(``x`` the centred time, ``e`` the OLS residual). The Newey-West rule-of-thumb lag
``floor(4 (n/100)^(2/9))`` (5-9 lags at 1-minute sampling) ignores the physical memory of the
noise: thermal disturbances last hours, so the lag must follow the correlation time.
This module estimates ``LRV`` in four steps (methods-2 sections 2.1-2.4, 2.6):

1. **Correlation time** ``tau`` in samples: given by the caller (a physical time divided by
   the sampling interval), or estimated by :func:`efold_time`: the lag at which the residual
   autocovariance ``gamma(j)`` falls to ``gamma(1)/e``, minus one. Starting from lag 1, not
   lag 0, makes it insensitive to white noise (quantisation): for AR(1) noise of coefficient
   ``rho`` plus white noise, ``gamma(j)/gamma(1) = rho^(j-1)`` for ``j >= 1``, so the rule
   returns ``-1/ln rho``. Removing the mean and trend biases every ``gamma(j)`` down by about
   ``LRV_e / n``; the estimate adds ``kappa * LRV_e / n`` back (``kappa = 1``) with
   ``LRV_e = gamma(0) + 2 sum_{j<=3 tau} gamma(j)``, re-estimating ``tau`` twice.
2. **Block sums**: the scores are summed over consecutive blocks of
   ``m = max(1, min(floor(tau/2), floor(n/8)))`` samples (at least 8 blocks).
   ``Var(sum u) = Var(sum U)`` exactly; summing averages the white part down by ``m``
   relative to the correlated part, which is what defeats plain AR(1) prewhitening when
   quantisation noise is large (the AR coefficient of the scores is then attenuated).
3. **Prewhitening** (Andrews & Monahan 1992) of the block sums ``U_i`` by an AR(1) fitted by
   OLS without intercept (``sum U = 0`` by the normal equations):
   ``rho_b = sum U_i U_{i-1} / sum U_{i-1}^2``, bounded to ``[-0.97, 0.97]``,
   ``V_i = U_i - rho_b U_{i-1}`` (``nb - 1`` values).
4. **Kernel step and recolouring**: Bartlett kernel ``1 - j/S`` (Andrews' convention; lags
   ``j < S``) with Andrews' (1991) AR(1) plug-in bandwidth on ``V``,
   ``S = max(1, 1.1447 (alpha1 nV)^(1/3))``, ``alpha1 = 4 r^2 / (1 - r^2)^2`` with ``r`` the
   demeaned lag-1 OLS coefficient of ``V``; then
   ``LRV = [sum_{|j|<S} (1 - |j|/S) sum_i V_i V_{i-j}] / (1 - rho_b)^2 * nb / (nb - 1)``.

**Degrees of freedom** for the t quantile (:func:`lrv_df`): the LRV estimate is treated as a
scaled chi-square whose relative variance ``v`` adds the Bartlett term ``(4/3) S / nb`` and the
delta-method variance of ``ln (1 - rho_b)^-2``, ``4 (1 + rho_b) / (nb (1 - rho_b))``;
``df = 2 / v``. The same rule with ``rho_b = 0`` gives the df of a plain Newey-West estimate
with ``L`` lags (``S = L + 1``, ``df = 1.5 n / (L + 1)``).

The coverage of intervals built this way, against the Newey-West rule, is measured by
:mod:`prkanalysis.telemetry.coverage` on SIMULATED segments.
"""

from __future__ import annotations

from typing import Final

import numpy as np

#: Bound on the AR(1) coefficient of the block sums (keeps ``(1 - rho)^-2 <= 1111``).
RHO_MAX: Final[float] = 0.97
#: Lag-1 based e-folding threshold.
_E_INV: Final[float] = float(np.exp(-1.0))
#: Detrending-bias correction factor of :func:`efold_time` and its iterations.
_KAPPA: Final[float] = 1.0
_ITERS: Final[int] = 2
#: Fewest blocks in step 2.
MIN_BLOCKS: Final[int] = 8
#: Up to this many lags, series longer than :data:`_FFT_N` use dot products, not an FFT.
_FFT_LAGS: Final[int] = 32
#: Series up to this length use an FFT beyond :data:`_FEW_LAGS` lags (fewer Python calls).
_FFT_N: Final[int] = 65536
_FEW_LAGS: Final[int] = 4


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Dot product without BLAS (an einsum loop; BLAS thread wake-ups are slow in threads)."""
    return float(np.einsum("i,i->", a, b))


def autocov_sums(z: np.ndarray, max_lag: int) -> np.ndarray:
    """``c_j = sum_{t>=j} z_t z_{t-j}`` for ``j = 0..max_lag`` (no demeaning, no 1/n).

    Dot products for up to 4 lags, and for up to 32 lags when ``n > 65536``; otherwise one
    FFT of length ``>= 2 n``.

    Example:
        >>> autocov_sums(np.array([1.0, 2.0, 3.0]), 2).tolist()
        [14.0, 8.0, 3.0]
    """
    n = z.size
    max_lag = int(min(max_lag, n - 1))
    if max_lag < 0:
        return np.zeros(0)
    if max_lag <= _FEW_LAGS or (max_lag <= _FFT_LAGS and n > _FFT_N):
        return np.array([_dot(z, z)] + [_dot(z[j:], z[:-j]) for j in range(1, max_lag + 1)])
    nfft = 1 << int(np.ceil(np.log2(2 * n)))
    f = np.fft.rfft(z, nfft)
    return np.fft.irfft(f * np.conj(f), nfft)[: max_lag + 1]


def _efold_from(g: np.ndarray, full: bool) -> float | None:
    """Lag minus one at which ``g(j)/g(1)`` first drops below ``1/e`` (log-interpolated).

    When it does not drop within the lags given: ``None``, or ``g.size - 2`` if ``full``
    (every lag of the segment was given).
    """
    if g.size < 3 or not g[1] > 0:
        return 0.0
    r = g[1:] / g[1]  # r[i] = g(i+1)/g(1)
    below = np.flatnonzero(r < _E_INV)
    if below.size == 0:
        return float(g.size - 2) if full else None
    i = int(below[0])  # r[i-1] >= 1/e > r[i]; i >= 1 because r[0] = 1
    l0, l1 = np.log(r[i - 1]), np.log(max(r[i], 1e-300))
    return float((i - 1) + (l0 + 1.0) / (l0 - l1))


def _efold_iterated(g0: np.ndarray, n: int) -> float | None:
    """Step 1 on autocovariances ``g0`` (lags 0..K); ``None`` if K lags are not enough."""
    k = g0.size - 1
    full = k >= n - 1
    c = 0.0  # the detrending-bias correction added to every gamma(j)
    tau = _efold_from(g0, full)
    for _ in range(_ITERS):
        if tau is None:
            return None
        m = int(min(n - 1, max(3.0 * tau, 3.0)))
        if m > k:
            return None
        lrv = max(g0[0] + 2.0 * (float(np.sum(g0[1 : m + 1])) + m * c), g0[0])
        c = _KAPPA * lrv / n
        tau = _efold_from(g0 + c, full)
    return tau


def efold_time(e: np.ndarray) -> float:
    """Correlation time of residuals ``e`` in samples (step 1 of the module docstring).

    Up to 65536 samples all lags come from one FFT; longer series first get 32 lags by dot
    products, and all lags by an FFT only when the e-folding point (or three times it) lies
    beyond.

    Args:
        e: OLS residuals of one segment (mean zero), regularly sampled.

    Returns:
        ``tau >= 0`` in samples (0 for white or anti-correlated noise; ``n - 2`` when the
        autocovariance never falls to ``gamma(1)/e``).

    Example:
        >>> from scipy.signal import lfilter
        >>> rng = np.random.default_rng(1)
        >>> e = lfilter([1.0], [1.0, -np.exp(-1 / 30)], rng.normal(size=20000))
        >>> 25 < efold_time(e - e.mean()) < 35
        True
    """
    z = np.asarray(e, dtype=np.float64)
    n = z.size
    if n < 4:
        return 0.0
    tau = _efold_iterated(autocov_sums(z, min(_FFT_LAGS, n - 1) if n > _FFT_N else n - 1) / n, n)
    if tau is None:
        tau = _efold_iterated(autocov_sums(z, n - 1) / n, n)
    return float(tau) if tau is not None else float(n - 2)


def bartlett_bandwidth_ar1(rho: float, n: int) -> float:
    """Andrews (1991) Bartlett bandwidth of one AR(1) series: ``1.1447 (alpha1 n)^(1/3)``.

    ``alpha1 = 4 rho^2 / (1 - rho^2)^2`` (methods-2 section 2.2, single-series closed form).

    Example (methods-2 section 2.2 table: rho = 0.5, T = 100):
        >>> round(bartlett_bandwidth_ar1(0.5, 100), 4)
        6.4365
    """
    alpha1 = 4.0 * rho * rho / (1.0 - rho * rho) ** 2
    return float(1.1447 * (alpha1 * n) ** (1.0 / 3.0))


def andrews_bartlett_bandwidth(v: np.ndarray) -> float:
    """Andrews (1991) AR(1) plug-in Bartlett bandwidth ``S`` (weights ``1 - j/S``), ``>= 1``.

    ``r`` is the lag-1 OLS coefficient of the demeaned series (bounded to ``+-0.99``), then
    ``S = max(1, bartlett_bandwidth_ar1(r, n))``.

    Example:
        >>> round(andrews_bartlett_bandwidth(np.array([1.0, -1.0, 1.0, -1.0, 1.0])), 2)
        10.53
    """
    n = v.size
    if n < 3:
        return 1.0
    a = v - v.mean()
    den = _dot(a[:-1], a[:-1])
    if not den > 0:
        return 1.0
    r = float(np.clip(_dot(a[1:], a[:-1]) / den, -0.99, 0.99))
    return max(1.0, bartlett_bandwidth_ar1(r, n))


def bartlett_sum(v: np.ndarray, s: float) -> float:
    """``sum_{|j|<S} (1 - |j|/S) sum_i v_i v_{i-j}`` (Bartlett kernel, Andrews' convention).

    Example:
        >>> bartlett_sum(np.array([1.0, -1.0, 1.0, -1.0]), 2.0)
        1.0
    """
    lags = int(np.ceil(s)) - 1
    c = autocov_sums(v, lags)
    j = np.arange(1, c.size)
    return float(c[0] + 2.0 * np.sum((1.0 - j / s) * c[1:]))


def lrv_df(n_rows: int, bandwidth: float, rho: float = 0.0) -> float:
    """Degrees of freedom of a (prewhitened) Bartlett long-run variance estimate.

    ``df = 2 / v``, ``v = (4/3) S / n_rows + 4 (1 + rho) / (n_rows (1 - rho))`` (the second
    term only when ``rho != 0``, i.e. when an AR(1) was estimated).

    Example:
        >>> round(lrv_df(1000, 10.0), 1)
        150.0
    """
    v = 4.0 / 3.0 * bandwidth / n_rows
    if rho != 0.0:
        v += 4.0 * (1.0 + rho) / (n_rows * (1.0 - rho))
    return 2.0 / v


def prewhitened_lrv(u: np.ndarray, tau: float) -> tuple[float, float, int, float]:
    """Steps 2-4 of the module docstring: ``(LRV, df, block length m, bandwidth S)``.

    Args:
        u: Scores ``x_t e_t`` of one segment (they sum to zero for an OLS fit).
        tau: Correlation time in samples.

    Returns:
        ``LRV`` (an estimate of ``Var(sum u)``), its degrees of freedom (:func:`lrv_df`,
        on the block scale), the block length and the Bartlett bandwidth of step 4.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> u = rng.normal(size=4000)
        >>> lrv, df, m, s = prewhitened_lrv(u, 0.0)
        >>> 0.9 < lrv / 4000 < 1.1, m
        (True, 1)
    """
    n = u.size
    m = int(max(1, min(np.floor(tau / 2.0), n // MIN_BLOCKS)))
    nb = n // m
    big = u[: nb * m].reshape(nb, m).sum(axis=1) if m > 1 else u
    if nb * m < n:
        big = np.r_[big, u[nb * m :].sum()]
        nb += 1
    if nb < 3:
        return float(_dot(big, big)), 1.0, m, 1.0
    den = _dot(big[:-1], big[:-1])
    rho = float(np.clip(_dot(big[1:], big[:-1]) / den, -RHO_MAX, RHO_MAX)) if den > 0 else 0.0
    v = big[1:] - rho * big[:-1]
    s = andrews_bartlett_bandwidth(v)
    lrv = bartlett_sum(v, s) / (1.0 - rho) ** 2 * nb / (nb - 1)
    return max(lrv, 0.0), lrv_df(nb, s, rho), m, s
