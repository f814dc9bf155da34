"""The OLS slope and its HAC standard error of one segment as compiled loops.

:func:`fit_core` computes what :func:`~prkanalysis.telemetry.fit.fit_segment` returns for one
segment (the ``"HAC"``, ``"NW"`` and ``"ols"`` estimators of :mod:`prkanalysis.telemetry.fit`,
the long-run variance of :mod:`prkanalysis.telemetry.hac`) in a few passes over the arrays:

1. :func:`ols_pass`: the means of ``x`` (seconds) and ``y``; the centred sums
   ``sxx = sum xc^2``, ``sxy = sum xc (y - ybar)`` (``xc = x - xbar``); then, in one pass,
   the residuals ``e = (y - ybar) - slope xc``, the scores ``u = xc e``, the autocovariance
   sums of ``e`` at lags 0..8 (lag 0 is ``sse = sum e^2``) and the lag-0/lag-1 sums of ``u``
   (step 3 when the block length is 1). ``e`` and ``u`` go to two work arrays kept per
   thread (fresh memory would cost a page fault per 4 KiB, as much as the fit).
2. ``"HAC"`` without ``corr_time_s``: the e-folding time of
   :func:`~prkanalysis.telemetry.hac.efold_time`. Its iterations (``hac._efold_iterated``)
   read the lags up to the e-folding point and up to ``max(3 tau, 3)`` only, and when those
   lie within the lags given the result does not depend on how many more were given;
   otherwise it reports ``None``. So lags 0..8 decide it unless they report ``None``; then
   lags 0..32 (:func:`lag_sums`); then all lags by one FFT
   (:func:`~prkanalysis.telemetry.hac.autocov_sums`), as ``efold_time`` does.
3. ``"HAC"``: steps 2-4 of :mod:`prkanalysis.telemetry.hac`: block sums of ``u``
   (:func:`block_sums`, ``m > 1``), then :func:`prewhitened`: the AR(1) coefficient of the
   block series, and one pass that forms the prewhitened series tile by tile (without
   storing it) and sums the lag products of the demeaned series (Andrews' bandwidth) and
   lags 0..4 of the prewhitened series; :func:`bartlett_lrv` finishes the Bartlett sum,
   with more lags, up to :data:`DIRECT_LAGS`, by :func:`lag_sums` of the stored series and
   beyond by an FFT (:func:`~prkanalysis.telemetry.hac.bartlett_sum`). ``"NW"``: the
   Bartlett sum of ``u`` over ``maxlags`` lags (:func:`lag_sums`).

Each sum is summed in vector lanes within tiles of 2048 rows, and the tile sums are added
with Neumaier's compensation: at least as accurate as NumPy's pairwise sums. The results
equal those of the NumPy formulation up to the order of summation (about 1e-13 relative on
the standard error of a week of 1 Hz data); the integer results (block length, lags) are
the same unless a threshold falls within that rounding (an exactly constant or exactly
linear ``y``, whose residuals are rounding only). ``tests/test_telemetry_fit_kernel.py``
checks this against the NumPy formulation.

The sums within a tile (:func:`_sum2`, :func:`_centred`, :func:`_dot`, :func:`_u_sums`,
:func:`_lags5`, :func:`_lags9`) are
compiled with LLVM's ``reassoc`` flag, which lets the compiler split a sum into vector
lanes: it changes the order of the additions and nothing else (no contraction, no
assumptions on NaN or infinities). Every element-wise value (``x``, ``e``, ``u``, the
prewhitened series) is computed without it, by the operations of the NumPy formulation.
Floating-point errors follow IEEE rules (``error_model="numpy"``: a division by zero gives
an infinity or NaN, as in NumPy).
"""

from __future__ import annotations

import math
import threading
from typing import Final

import numpy as np
from numba import njit

from prkanalysis.telemetry import hac

__all__ = ["BARTLETT_LAGS", "COV_CODES", "DIRECT_LAGS", "FEW_LAGS", "MORE_LAGS", "fit_core"]

#: Lags of the first autocovariance pass of the e-folding estimate (fused with the
#: residuals), then of the second.
FEW_LAGS: Final[int] = 8
MORE_LAGS: Final[int] = 32
#: Lags of the prewhitened series summed in the pass that forms it (more in a second pass).
BARTLETT_LAGS: Final[int] = 4
#: Bartlett sums over at most this many lags are summed directly; more lags use an FFT.
DIRECT_LAGS: Final[int] = 64
#: Estimator codes of :func:`fit_core`.
COV_CODES: Final[dict[str, int]] = {"HAC": 0, "NW": 1, "ols": 2}
#: Tile length: each sum is a vector sum within a tile, compensated across tiles.
_TILE: Final[int] = 2048
_E_INV: Final[float] = float(np.exp(-1.0))
#: Work arrays of up to this many samples are kept per thread between calls.
_KEEP_SAMPLES: Final[int] = 1 << 22

_SUM = {"reassoc"}


# --------------------------------------------------------------------------------------------
# Sums within a tile (reassociable: vector lanes)
# --------------------------------------------------------------------------------------------


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_SUM)
def _sum2(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:  # pragma: no cover
    """``(sum a, sum b)`` over the length of ``a``."""
    sa = 0.0
    sb = 0.0
    for i in range(a.size):
        sa += a[i]
        sb += b[i]
    return sa, sb


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_SUM)
def _centred(x: np.ndarray, t_mean: float, y: np.ndarray,
             y_mean: float) -> tuple[float, float]:  # pragma: no cover - compiled
    """``(sum xc^2, sum xc (y - y_mean))``, ``xc = x - t_mean``."""
    sxx = 0.0
    sxy = 0.0
    for i in range(x.size):
        xc = x[i] - t_mean
        sxx += xc * xc
        sxy += xc * (y[i] - y_mean)
    return sxx, sxy


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_SUM)
def _dot(a: np.ndarray, b: np.ndarray) -> float:  # pragma: no cover - compiled
    """``sum a b`` over the length of ``a`` (``b`` at least as long)."""
    s = 0.0
    for i in range(a.size):
        s += a[i] * b[i]
    return s


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_SUM)
def _lags5(z: np.ndarray, lo: int, hi: int, out: np.ndarray) -> None:  # pragma: no cover
    """``out[k] = sum_{lo<=i<hi} z_i z_{i-k}`` for ``k = 0..4`` (``lo >= 4``; one pass)."""
    z0 = z[lo:hi]
    z1 = z[lo - 1 : hi - 1]
    z2 = z[lo - 2 : hi - 2]
    z3 = z[lo - 3 : hi - 3]
    z4 = z[lo - 4 : hi - 4]
    s0 = s1 = s2 = s3 = s4 = 0.0
    for i in range(hi - lo):
        zi = z0[i]
        s0 += zi * zi
        s1 += zi * z1[i]
        s2 += zi * z2[i]
        s3 += zi * z3[i]
        s4 += zi * z4[i]
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_SUM)
def _u_sums(cur: np.ndarray, prev: np.ndarray) -> tuple[float, float, float]:  # pragma: no cover
    """``(sum prev^2, sum cur prev, sum prev)`` over the length of ``cur``."""
    s2 = 0.0
    s1 = 0.0
    s0 = 0.0
    for i in range(cur.size):
        p = prev[i]
        s2 += p * p
        s1 += cur[i] * p
        s0 += p
    return s2, s1, s0


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_SUM)
def _lags9(z: np.ndarray, lo: int, hi: int, base: int,
           out: np.ndarray) -> None:  # pragma: no cover - compiled
    """``out[j] = sum_{lo<=i<hi} z_i z_{i-base-j}``, ``j = 0..8`` (``lo >= base + 8``; one pass)."""
    z0 = z[lo:hi]
    z1 = z[lo - base : hi - base]
    z2 = z[lo - base - 1 : hi - base - 1]
    z3 = z[lo - base - 2 : hi - base - 2]
    z4 = z[lo - base - 3 : hi - base - 3]
    z5 = z[lo - base - 4 : hi - base - 4]
    z6 = z[lo - base - 5 : hi - base - 5]
    z7 = z[lo - base - 6 : hi - base - 6]
    z8 = z[lo - base - 7 : hi - base - 7]
    z9 = z[lo - base - 8 : hi - base - 8]
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = s8 = 0.0
    for i in range(hi - lo):
        zi = z0[i]
        s0 += zi * z1[i]
        s1 += zi * z2[i]
        s2 += zi * z3[i]
        s3 += zi * z4[i]
        s4 += zi * z5[i]
        s5 += zi * z6[i]
        s6 += zi * z7[i]
        s7 += zi * z8[i]
        s8 += zi * z9[i]
    out[0] = s0
    out[1] = s1
    out[2] = s2
    out[3] = s3
    out[4] = s4
    out[5] = s5
    out[6] = s6
    out[7] = s7
    out[8] = s8


# --------------------------------------------------------------------------------------------
# Compensated sums over tiles, element-wise passes (strict IEEE order, as NumPy)
# --------------------------------------------------------------------------------------------


@njit(cache=True, nogil=True, error_model="numpy")
def _nadd(s: float, c: float, x: float) -> tuple[float, float]:  # pragma: no cover
    """Neumaier's compensated ``s + x`` (running sum ``s``, compensation ``c``)."""
    t = s + x
    if abs(s) >= abs(x):
        c += (s - t) + x
    else:
        c += (x - t) + s
    return t, c


@njit(cache=True, nogil=True, error_model="numpy")
def _total(s: float, c: float) -> float:  # pragma: no cover - compiled
    """The compensated sum ``s + c``; ``s`` itself once it is infinite or NaN (as NumPy)."""
    return s + c if math.isfinite(s) else s


@njit(cache=True, nogil=True, error_model="numpy")
def _lags_head(z: np.ndarray, hi: int, k_max: int, acc: np.ndarray,
               comp: np.ndarray) -> None:  # pragma: no cover - compiled
    """Add ``z_i z_{i-k}`` for ``i < hi`` (``hi <= 8``), ``k <= min(i, k_max)``."""
    for i in range(hi):
        for k in range(min(i, k_max) + 1):
            acc[k], comp[k] = _nadd(acc[k], comp[k], z[i] * z[i - k])


@njit(cache=True, nogil=True, error_model="numpy")
def _tile_lags9(z: np.ndarray, lo: int, hi: int, acc: np.ndarray, comp: np.ndarray,
                part: np.ndarray) -> None:  # pragma: no cover - compiled
    """Add lags 0..8 of ``z`` over rows ``lo..hi-1`` (rows ``< 8`` term by term)."""
    if lo < FEW_LAGS:
        _lags_head(z, min(hi, FEW_LAGS), FEW_LAGS, acc, comp)
        lo = FEW_LAGS
    if lo < hi:
        _lags9(z, lo, hi, 0, part)
        for k in range(FEW_LAGS + 1):
            acc[k], comp[k] = _nadd(acc[k], comp[k], part[k])


@njit(cache=True, nogil=True, error_model="numpy")
def lag_sums(z: np.ndarray, k0: int, k1: int, out: np.ndarray) -> None:  # pragma: no cover
    """``out[k] = sum_{i>=k} z_i z_{i-k}`` for ``k = k0..k1``.

    Rows ``i < k1 + 9`` term by term; then per tile, nine lags per pass over it.
    """
    n = z.size
    nk = k1 - k0 + 1
    acc = np.zeros(nk)
    comp = np.zeros(nk)
    part = np.empty(9)
    head = min(n, k1 + 9)
    for k in range(k0, k1 + 1):
        for i in range(k, head):
            acc[k - k0], comp[k - k0] = _nadd(acc[k - k0], comp[k - k0], z[i] * z[i - k])
    for lo in range(head, n, _TILE):
        hi = min(n, lo + _TILE)
        for b in range(k0, k1 + 1, 9):
            _lags9(z, lo, hi, b, part)
            for j in range(min(9, k1 + 1 - b)):
                acc[b + j - k0], comp[b + j - k0] = _nadd(acc[b + j - k0], comp[b + j - k0],
                                                          part[j])
    for k in range(nk):
        out[k0 + k] = _total(acc[k], comp[k])


@njit(cache=True, nogil=True, error_model="numpy")
def _resid_tile(x: np.ndarray, y: np.ndarray, x_mean: float, y_mean: float, slope: float,
                e: np.ndarray, u: np.ndarray) -> None:  # pragma: no cover - compiled
    """``e = (y - y_mean) - slope (x - x_mean)``, ``u = (x - x_mean) e`` (``e`` may be ``x``)."""
    for i in range(x.size):
        xc = x[i] - x_mean
        r = (y[i] - y_mean) - slope * xc
        e[i] = r
        u[i] = xc * r


@njit(cache=True, nogil=True, error_model="numpy")
def _prewhiten_tile(nxt: np.ndarray, cur: np.ndarray, rho: float, mu: float, v: np.ndarray,
                    a: np.ndarray) -> None:  # pragma: no cover - compiled
    """``v = nxt - rho cur`` and ``a = v - mu`` (over the length of ``cur``)."""
    for i in range(cur.size):
        vi = nxt[i] - rho * cur[i]
        v[i] = vi
        a[i] = vi - mu


def more_lags(e: np.ndarray, k: int, g: np.ndarray) -> None:
    """``g[9..k]``: the lags of ``e`` after those of :func:`ols_pass` (:func:`lag_sums`)."""
    lag_sums(e, FEW_LAGS + 1, k, g)


@njit(cache=True, nogil=True, error_model="numpy")
def seconds(t: np.ndarray, t0: int, div: float, out: np.ndarray) -> None:  # pragma: no cover
    """``out = (t - t0) / div`` (int64 times to float seconds, as NumPy)."""
    for i in range(t.size):
        out[i] = (t[i] - t0) / div


@njit(cache=True, nogil=True, error_model="numpy")
def ols_pass(
    x: np.ndarray, y: np.ndarray, e: np.ndarray, u: np.ndarray, g: np.ndarray, su: np.ndarray
) -> tuple[float, float, float, float, float]:  # pragma: no cover - compiled
    """The OLS fit of ``y`` on ``x`` (seconds), its residuals, scores and their first sums.

    ``e`` may be ``x`` itself (overwritten). Fills ``e = (y - ybar) - slope (x - xbar)``,
    ``u = (x - xbar) e``, ``g[k] = sum_i e_i e_{i-k}`` (``k = 0..8``; ``sse = g[0]``) and
    ``su = (sum_{i<n-1} u_i^2, sum_i u_i u_{i-1}, sum u)``, unless a mean is not finite.

    Returns:
        ``(x_mean, y_mean, sxx, slope, sse)``; NaN where undefined.
    """
    n = x.size
    sx = cx = sy = cy = 0.0
    for lo in range(0, n, _TILE):
        hi = min(n, lo + _TILE)
        px, py = _sum2(x[lo:hi], y[lo:hi])
        sx, cx = _nadd(sx, cx, px)
        sy, cy = _nadd(sy, cy, py)
    x_mean = _total(sx, cx) / n
    y_mean = _total(sy, cy) / n
    if not (math.isfinite(x_mean) and math.isfinite(y_mean)):
        return x_mean, y_mean, math.nan, math.nan, math.nan
    sxx = cxx = sxy = cxy = 0.0
    for lo in range(0, n, _TILE):
        hi = min(n, lo + _TILE)
        pxx, pxy = _centred(x[lo:hi], x_mean, y[lo:hi], y_mean)
        sxx, cxx = _nadd(sxx, cxx, pxx)
        sxy, cxy = _nadd(sxy, cxy, pxy)
    sxx = _total(sxx, cxx)
    slope = _total(sxy, cxy) / sxx
    acc = np.zeros(FEW_LAGS + 1)
    comp = np.zeros(FEW_LAGS + 1)
    part = np.empty(FEW_LAGS + 1)
    s_uu = c_uu = s_u1 = c_u1 = s_u = c_u = 0.0
    for lo in range(0, n, _TILE):
        hi = min(n, lo + _TILE)
        _resid_tile(x[lo:hi], y[lo:hi], x_mean, y_mean, slope, e[lo:hi], u[lo:hi])
        _tile_lags9(e, lo, hi, acc, comp, part)
        a1 = max(lo, 1)
        if a1 < hi:  # rows i >= 1: u_{i-1}^2, u_i u_{i-1}, u_{i-1}
            puu, pu1, pu = _u_sums(u[a1:hi], u[a1 - 1 : hi - 1])
            s_uu, c_uu = _nadd(s_uu, c_uu, puu)
            s_u1, c_u1 = _nadd(s_u1, c_u1, pu1)
            s_u, c_u = _nadd(s_u, c_u, pu)
    for k in range(FEW_LAGS + 1):
        g[k] = _total(acc[k], comp[k])
    su[0] = _total(s_uu, c_uu)
    su[1] = _total(s_u1, c_u1)
    s_u, c_u = _nadd(s_u, c_u, u[n - 1])
    su[2] = _total(s_u, c_u)
    return x_mean, y_mean, sxx, slope, g[0]


# --------------------------------------------------------------------------------------------
# Step 1: e-folding time (hac._efold_from, hac._efold_iterated)
# --------------------------------------------------------------------------------------------


@njit(cache=True, nogil=True, error_model="numpy")
def _efold_from(g: np.ndarray, k: int, full: bool, c: float) -> float:  # pragma: no cover
    """``hac._efold_from(g[:k+1] + c, full)``; -1 for ``None``."""
    if k < 2:
        return 0.0
    g1 = g[1] + c
    if not g1 > 0:
        return 0.0
    for i in range(1, k):  # r[i] = (g[i+1] + c) / g1; r[0] = 1
        r = (g[i + 1] + c) / g1
        if r < _E_INV:
            l0 = math.log((g[i] + c) / g1)
            l1 = math.log(max(r, 1e-300))
            return (i - 1) + (l0 + 1.0) / (l0 - l1)
    return float(k - 1) if full else -1.0


@njit(cache=True, nogil=True, error_model="numpy")
def efold_iterated(g: np.ndarray, k: int, n: int) -> float:  # pragma: no cover - compiled
    """``hac._efold_iterated(g[:k+1], n)`` (``g``: sums divided by ``n``); -1 for ``None``."""
    full = k >= n - 1
    c = 0.0
    tau = _efold_from(g, k, full, c)
    for _ in range(2):
        if tau < 0:
            return -1.0
        m = int(min(float(n - 1), max(3.0 * tau, 3.0)))
        if m > k:
            return -1.0
        s = 0.0
        for j in range(1, m + 1):
            s += g[j]
        lrv = max(g[0] + 2.0 * (s + m * c), g[0])
        c = 1.0 * lrv / n
        tau = _efold_from(g, k, full, c)
    return tau


# --------------------------------------------------------------------------------------------
# Steps 2-4: block sums, prewhitening, bandwidth, Bartlett sum (hac.prewhitened_lrv)
# --------------------------------------------------------------------------------------------


@njit(cache=True, nogil=True, error_model="numpy")
def block_sums(u: np.ndarray, m: int, out: np.ndarray) -> int:  # pragma: no cover
    """Step 2 for ``m > 1``: ``out[:nb]`` = sums of ``u`` over blocks of ``m`` (and the rest).

    Returns:
        ``nb``, the number of block sums (a shorter last block counts).
    """
    n = u.size
    nb = n // m
    for b in range(nb):
        s = 0.0
        for i in range(b * m, (b + 1) * m):
            s += u[i]
        out[b] = s
    if nb * m < n:
        s = 0.0
        for i in range(nb * m, n):
            s += u[i]
        out[nb] = s
        nb += 1
    return nb


@njit(cache=True, nogil=True, error_model="numpy")
def series_sums(z: np.ndarray, su: np.ndarray) -> None:  # pragma: no cover - compiled
    """``su = (sum_{i<n-1} z_i^2, sum_i z_i z_{i-1}, sum z)`` (as :func:`ols_pass` for ``u``)."""
    n = z.size
    s_uu = c_uu = s_u1 = c_u1 = s_u = c_u = 0.0
    for lo in range(1, n, _TILE):
        hi = min(n, lo + _TILE)
        puu, pu1, pu = _u_sums(z[lo:hi], z[lo - 1 : hi - 1])
        s_uu, c_uu = _nadd(s_uu, c_uu, puu)
        s_u1, c_u1 = _nadd(s_u1, c_u1, pu1)
        s_u, c_u = _nadd(s_u, c_u, pu)
    su[0] = _total(s_uu, c_uu)
    su[1] = _total(s_u1, c_u1)
    s_u, c_u = _nadd(s_u, c_u, z[n - 1])
    su[2] = _total(s_u, c_u)


@njit(cache=True, nogil=True, error_model="numpy")
def _clip(x: float, bound: float) -> float:  # pragma: no cover - compiled
    return min(max(x, -bound), bound)


@njit(cache=True, nogil=True, error_model="numpy")
def lrv_df(n_rows: int, bw: float, rho: float) -> float:  # pragma: no cover - compiled
    """``hac.lrv_df(n_rows, bw, rho)``."""
    v = 4.0 / 3.0 * bw / n_rows
    if rho != 0.0:
        v += 4.0 * (1.0 + rho) / (n_rows * (1.0 - rho))
    return 2.0 / v


@njit(cache=True, nogil=True, error_model="numpy")
def prewhiten_series(big: np.ndarray, rho: float, v: np.ndarray) -> None:  # pragma: no cover
    """``v[i] = big[i+1] - rho big[i]`` for ``i < big.size - 1`` (as in :func:`prewhitened`)."""
    for i in range(big.size - 1):
        v[i] = big[i + 1] - rho * big[i]


@njit(cache=True, nogil=True, error_model="numpy")
def prewhitened(big: np.ndarray, su: np.ndarray,
                c: np.ndarray) -> tuple[float, float]:  # pragma: no cover - compiled
    """Steps 3-4 on the block sums ``big`` (``nb >= 3`` of them): ``(rho_b, S)``.

    ``su`` holds :func:`series_sums` of ``big``. One pass forms the prewhitened series
    ``V_i = big_{i+1} - rho_b big_i`` tile by tile and sums the lag products of the demeaned
    ``V`` (Andrews' bandwidth ``S``) and the lags ``0..4`` of ``V`` into ``c`` (those
    below ``nb - 1``); :func:`bartlett_lrv` adds more lags when ``S`` asks for them.
    """
    nb = big.size
    den = su[0]
    rho = _clip(su[1] / den, hac.RHO_MAX) if den > 0 else 0.0
    nv = nb - 1
    mu = ((su[2] - big[0]) - rho * (su[2] - big[nv])) / nv
    # a[0]: the last demeaned value of the previous tile, vt[:4] its last 4 values of V
    # (zeros before the first tile: products with them add exact zeros)
    a = np.zeros(_TILE + 1)
    vt = np.zeros(_TILE + BARTLETT_LAGS)
    acc = np.zeros(BARTLETT_LAGS + 1)
    comp = np.zeros(BARTLETT_LAGS + 1)
    part = np.empty(BARTLETT_LAGS + 1)
    s_aa = c_aa = s_a1 = c_a1 = 0.0
    for lo in range(0, nv, _TILE):
        hi = min(nv, lo + _TILE)
        w = hi - lo
        _prewhiten_tile(big[lo + 1 : hi + 1], big[lo:hi], rho, mu, vt[BARTLETT_LAGS:], a[1:])
        ha = min(hi, nv - 1) - lo  # rows i < nv - 1
        if ha > 0:
            s_aa, c_aa = _nadd(s_aa, c_aa, _dot(a[1 : ha + 1], a[1 : ha + 1]))
        s_a1, c_a1 = _nadd(s_a1, c_a1, _dot(a[1 : w + 1], a[0:w]))
        _lags5(vt, BARTLETT_LAGS, BARTLETT_LAGS + w, part)
        for k in range(BARTLETT_LAGS + 1):
            acc[k], comp[k] = _nadd(acc[k], comp[k], part[k])
        a[0] = a[w]
        if hi < nv:  # a full tile: carry its last values
            vt[:BARTLETT_LAGS] = vt[w : w + BARTLETT_LAGS]
    for k in range(BARTLETT_LAGS + 1):
        c[k] = _total(acc[k], comp[k])
    # the bandwidth (hac.andrews_bartlett_bandwidth of V)
    s = 1.0
    if nv >= 3:
        den_a = _total(s_aa, c_aa)
        if den_a > 0:
            r = _clip(_total(s_a1, c_a1) / den_a, 0.99)
            alpha1 = 4.0 * r * r / (1.0 - r * r) ** 2
            s = max(1.0, 1.1447 * (alpha1 * nv) ** (1.0 / 3.0))
    return rho, s


def bartlett_lrv(big: np.ndarray, rho: float, s: float, c: np.ndarray,
                 work: np.ndarray) -> tuple[float, float]:
    """``(LRV, df)`` of step 4 from :func:`prewhitened` (``rho_b``, ``S``, lags 0..4 in ``c``).

    ``L = ceil(S) - 1`` lags (at most ``nb - 2``): up to :data:`BARTLETT_LAGS` from ``c``;
    up to :data:`DIRECT_LAGS` the rest by :func:`lag_sums` of ``V`` (formed in ``work``,
    at least ``nb - 1`` long, by :func:`prewhiten_series`); beyond,
    :func:`~prkanalysis.telemetry.hac.bartlett_sum` (an FFT).
    """
    nb = big.size
    nv = nb - 1
    lags = min(math.ceil(s) - 1, nv - 1)
    if lags > BARTLETT_LAGS:
        prewhiten_series(big, rho, work)
    if lags > DIRECT_LAGS:
        b = hac.bartlett_sum(work[:nv], s)
    else:
        if lags > BARTLETT_LAGS:
            lag_sums(work[:nv], BARTLETT_LAGS + 1, lags, c)
        acc = 0.0
        for j in range(1, lags + 1):
            acc += (1.0 - j / s) * float(c[j])
        b = float(c[0]) + 2.0 * acc
    lrv = b / (1.0 - rho) ** 2 * nb / (nb - 1)
    return max(lrv, 0.0), hac.lrv_df(nb, s, rho)


def nw_sum(u: np.ndarray, lags: int, c: np.ndarray) -> float:
    """Newey-West ``sum u^2 + 2 sum_{l<=L} (1 - l/(L+1)) sum u_t u_{t-l}`` (:func:`lag_sums`)."""
    lag_sums(u, 0, lags, c)
    s = float(c[0])
    for lag in range(1, lags + 1):
        s += 2.0 * (1.0 - lag / (lags + 1.0)) * float(c[lag])
    return s


# --------------------------------------------------------------------------------------------
# The segment
# --------------------------------------------------------------------------------------------

_local = threading.local()


def _work(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two float64 work arrays of length ``n`` (kept per thread up to :data:`_KEEP_SAMPLES`).

    Reusing them spares the page faults of fresh memory, which cost as much as the fit.
    """
    if n > _KEEP_SAMPLES:
        return np.empty(n), np.empty(n)
    w = getattr(_local, "work", None)
    if w is None or w[0].size < n:
        size = min(max(n, 2 * (0 if w is None else w[0].size)), _KEEP_SAMPLES)
        w = (np.empty(size), np.empty(size))
        _local.work = w
    return w[0][:n], w[1][:n]


def fit_core(
    t: np.ndarray,
    t0: float | int,
    div: float,
    y: np.ndarray,
    cov_code: int,
    maxlags: int,
    use_correction: bool,
    corr_time_s: float,
) -> tuple[float, float, float, float, float, float, float, float, float]:
    """The estimates of :func:`~prkanalysis.telemetry.fit.fit_segment` for one segment.

    The time regressor is ``(t - t0) / div`` in seconds: float seconds with ``t0 = 0.0`` and
    ``div = 1.0`` (used as they are), or int64 times with an int ``t0`` (e.g. nanoseconds
    with ``t0`` the first time and ``div = 1e9``; the seconds are then formed as
    ``(t - t0) / div`` in NumPy would).

    Args:
        t: Times, float64 or int64.
        t0: Time origin (an int for int64 times).
        div: Divisor giving seconds.
        y: ``log p``, as long as ``t``.
        cov_code: :data:`COV_CODES` of ``cov``: 0 ``"HAC"``, 1 ``"NW"``, 2 ``"ols"``.
        maxlags: Newey-West lag ``L`` for ``"NW"`` (``0 <= L <= n - 1``); else ignored.
        use_correction: Multiply the HAC/NW variance by ``n / (n - 2)``.
        corr_time_s: ``"HAC"`` correlation time in seconds; negative: estimate it.

    Returns:
        ``(slope, intercept, t_mean, se, se_ols, resid_sd, maxlags, df, corr_time_s)`` as
        :func:`~prkanalysis.telemetry.fit.fit_segment` (``maxlags`` as a float).
    """
    y = np.ascontiguousarray(y, dtype=np.float64)
    t = np.ascontiguousarray(t)
    n = int(t.size)
    if t.size != y.size:
        raise ValueError(f"fit_core: lengths differ ({t.size}, {y.size})")
    e, u = _work(n)
    if t.dtype.kind in "iu":
        t = t.astype(np.int64, copy=False)
        seconds(t, int(t0), float(div), e)
        x = e
    elif float(t0) == 0.0 and float(div) == 1.0:
        x = t.astype(np.float64, copy=False)
    else:
        x = (t.astype(np.float64, copy=False) - float(t0)) / float(div)
    x_first, x_last = (float(x[0]), float(x[-1])) if n else (math.nan, math.nan)
    nan = math.nan
    lags_out = float(maxlags) if cov_code == 1 else 0.0
    g = np.empty(MORE_LAGS + 1)
    su = np.empty(3)
    t_mean, y_mean, sxx, slope, sse = ols_pass(x, y, e, u, g, su)
    if n < 3 or not (math.isfinite(t_mean) and math.isfinite(y_mean)):
        return nan, y_mean, t_mean, nan, nan, nan, lags_out, nan, nan
    dof = n - 2
    with np.errstate(divide="ignore", invalid="ignore"):
        var_ols = float(np.float64(sse) / dof / sxx)
    df = float(dof)
    ctime = nan
    if cov_code == 2:
        var = var_ols
    elif cov_code == 1:
        lags = int(maxlags)
        c = np.empty(lags + 1)
        var = float(np.float64(nw_sum(u, lags, c)) / sxx**2)
        if use_correction:
            var = var * n / dof
        df = min(df, lrv_df(n, lags + 1.0, 0.0))
    else:
        dt = (x_last - x_first) / (n - 1)
        if corr_time_s < 0:
            tau = _efold_time(e, g, n)
        else:
            tau = float(corr_time_s) / dt if dt > 0 else 0.0
        m = int(max(1, min(float(np.floor(tau / 2.0)), n // hac.MIN_BLOCKS)))
        if m == 1:
            big = u
        else:
            big = e[: block_sums(u, m, e)]
            series_sums(big, su)
        c = np.empty(DIRECT_LAGS + 1)
        if big.size < 3:
            lrv, df_lrv, bw = float(np.einsum("i,i->", big, big)), 1.0, 1.0
        else:
            rho, bw = prewhitened(big, su, c)
            lrv, df_lrv = bartlett_lrv(big, rho, bw, c, u if m > 1 else e)
        with np.errstate(divide="ignore", invalid="ignore"):
            var = float(np.float64(lrv) / sxx**2)
        if use_correction:
            var = var * n / dof
        df = min(df, df_lrv)
        lags_out = float(int(m * (math.ceil(bw) - 1)))
        ctime = float(tau * dt)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = float(np.sqrt(var))
        se_ols = float(np.sqrt(var_ols))
        resid_sd = float(np.sqrt(np.float64(sse) / dof))
    return slope, y_mean, t_mean, se, se_ols, resid_sd, lags_out, df, ctime


def _efold_time(e: np.ndarray, g: np.ndarray, n: int) -> float:
    """:func:`~prkanalysis.telemetry.hac.efold_time` of ``e`` from its lag sums ``g[:9]``.

    More lags only when the e-folding point (or three times it) lies beyond: 32, then all
    (one FFT, as ``efold_time``).
    """
    if n < 4:
        return 0.0
    k = min(FEW_LAGS, n - 1)
    gn = g[: k + 1] / n
    tau = efold_iterated(gn, k, n)
    if tau < 0 and n - 1 > FEW_LAGS:
        k = min(MORE_LAGS, n - 1)
        more_lags(e, k, g)
        tau = efold_iterated(g[: k + 1] / n, k, n)
    if tau < 0 and n - 1 > MORE_LAGS:
        found = hac._efold_iterated(hac.autocov_sums(e, n - 1) / n, n)
        tau = -1.0 if found is None else float(found)
    return float(tau) if tau >= 0 else float(n - 2)
