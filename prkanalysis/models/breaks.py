"""Structural-change tests and break dating for linear regressions.

Conventions (shared by every routine here):

* ``y`` is a 1-D array-like; ``X`` a 2-D regressor matrix that includes the constant if
  wanted (as statsmodels ``exog``); ``X=None`` means a constant only.
* A break is reported as the **number of observations in the left segment**: break 28
  means the left segment is ``y[:28]`` (the strucchange convention: 1-based index of the
  last observation before the break; Nile: 28 = year 1898).

Routines:

* :func:`chow_test`: known-date Chow test, ``F = ((RSS0 - RSS1)/k) / (RSS1/(n - 2k))``.
* :func:`sup_f_test`: Andrews (1993) sup-F over all admissible splits, with Andrews &
  Ploberger (1994) ave-F and exp-F. Statistics on the Wald scale
  ``(RSS0 - RSS1) / (RSS1/(n - 2k))`` (k times the textbook F).
* :func:`breakpoints`: Bai & Perron (1998, 2003) exact minimum-RSS partition by dynamic
  programming, BIC choice of the number of breaks, and Bai (1997) confidence intervals
  for the break dates.

Written from the published formulas (Andrews 1993; Andrews & Ploberger 1994; Bai 1997;
Bai & Perron 1998, 2003). The asymptotic p-value machinery is described in
:func:`sup_bessel_pvalue` and :func:`argmax_v_cdf`.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize, special, stats

from prkanalysis.errors import ArgumentError, InsufficientDataError
from prkanalysis.models._linalg import (
    EXACT_FIT_RTOL,
    CovType,
    as_count,
    as_design,
    as_real,
    coef_table,
    is_exact_fit,
    ols,
    require_variation,
)

__all__ = [
    "BreakpointsResult",
    "ChowResult",
    "SupFResult",
    "argmax_v_cdf",
    "argmax_v_quantile",
    "breakpoints",
    "chow_test",
    "segment_rss_matrix",
    "sup_bessel_pvalue",
    "sup_f_test",
]

#: Monte Carlo settings of the Bessel-process simulation (fixed: results are reproducible).
SIM_REPS = 20_000
SIM_STEP = 0.0025
SIM_SEED = 19_930_701
#: Below this value of the analytic tail approximation, sup-F p-values use it directly.
TAIL_SWITCH = 0.02
_SIEGMUND_BETA = 0.5826  # -zeta(1/2)/sqrt(2 pi): discrete-to-continuous maximum shift


def _index_of(y: npt.ArrayLike) -> pd.Index | None:
    return y.index if isinstance(y, pd.Series) else None


def _min_size(value: float, n: int, name: str) -> int:
    """Fraction in (0, 1) -> floor(value * n); a whole number >= 1 -> int(value)."""
    accepted = "a fraction in (0, 1) or a whole number of observations >= 1"
    v = as_real(value, name, 0.0, lo_open=True) if not isinstance(value, bool) else -1.0
    if v <= 0:
        raise ArgumentError(name, value, accepted)
    if v < 1:
        return math.floor(v * n)
    if not v.is_integer():
        raise ArgumentError(name, value, accepted, "a count is not rounded silently")
    return int(v)


# --------------------------------------------------------------------------- Chow test


@dataclass(frozen=True)
class ChowResult:
    """Result of :func:`chow_test`.

    Attributes:
        statistic: Textbook Chow F, ``((RSS0 - RSS1)/k) / (RSS1/(n - 2k))``.
        pvalue: Upper tail of F(k, n - 2k).
        df: ``(k, n - 2k)``.
        wald: strucchange's scale, ``k * statistic``.
        split: Observations in the left segment.
        rss0: Pooled RSS.
        rss1: Sum of the two segment RSS.
    """

    statistic: float
    pvalue: float
    df: tuple[int, int]
    wald: float
    split: int
    rss0: float
    rss1: float

    def summary(self) -> str:
        """Plain-text summary."""
        return (
            f"Chow test at split {self.split} (left segment = first {self.split} obs)\n"
            f"  F({self.df[0]}, {self.df[1]}) = {self.statistic:.4f}, p = {self.pvalue:.4g}\n"
            f"  RSS pooled {self.rss0:.6g}, split {self.rss1:.6g}; Wald scale {self.wald:.4f}"
        )


def chow_test(y: npt.ArrayLike, X: npt.ArrayLike | None, split: int) -> ChowResult:
    """Chow (1960) test of equal coefficients before and after a known split.

    ``RSS0`` is the pooled OLS fit, ``RSS1 = RSS(y[:split]) + RSS(y[split:])`` from
    separate fits; ``F = ((RSS0 - RSS1)/k) / (RSS1/(n - 2k))`` ~ F(k, n - 2k) under the
    null of no change.

    Args:
        y: Response (n,).
        X: Regressors (n, k) with the constant if wanted; ``None`` = constant only.
        split: Number of observations in the left segment (k <= split <= n - k).

    Returns:
        :class:`ChowResult`.

    Raises:
        InsufficientDataError: Bad input, a segment with fewer than k observations, no
            residual degrees of freedom (n <= 2k), or no variation (the pooled fit or both
            segment fits exact relative to max|y|, see
            :func:`~prkanalysis.models._linalg.require_variation`).
        ArgumentError: ``split`` not a whole number in ``[k, n - k]`` (a date or 50.5 is
            refused, not converted).

    Examples:
        >>> import statsmodels.api as sm
        >>> d = sm.datasets.longley.load_pandas()
        >>> X = sm.add_constant(d.exog[["YEAR", "GNPDEFL", "GNP", "ARMED"]])
        >>> r = chow_test(d.endog / 1000, X, split=7)
        >>> round(r.statistic, 4), round(r.pvalue, 5), r.df
        (3.9268, 0.06307, (5, 6))
    """
    yy, XX = as_design(y, X, min_len=2)
    n, k = XX.shape
    if n <= 2 * k:
        raise InsufficientDataError(f"Chow test needs n > 2k (n={n}, k={k})")
    split = as_count(split, "split", k, n - k)
    for name, rows in (("left", slice(0, split)), ("right", slice(split, n))):
        if np.linalg.matrix_rank(XX[rows]) < k:
            raise InsufficientDataError(f"X is singular on the {name} segment of split {split}")
    rss0 = ols(yy, XX).rss
    require_variation(rss0, yy, "the pooled model")
    rss1 = ols(yy[:split], XX[:split]).rss + ols(yy[split:], XX[split:]).rss
    if is_exact_fit(rss1, yy):
        raise InsufficientDataError(
            f"both segments of split {split} are fitted exactly (RSS1 = {rss1:.2g}): a "
            "noiseless step, F would be infinite; there is no variation to test against")
    df2 = n - 2 * k
    f = ((rss0 - rss1) / k) / (rss1 / df2)
    return ChowResult(
        statistic=float(f),
        pvalue=float(stats.f.sf(f, k, df2)),
        df=(k, df2),
        wald=float(k * f),
        split=split,
        rss0=float(rss0),
        rss1=float(rss1),
    )


# ------------------------------------------------------------ segment RSS (all segments)


def _prepare(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Re-express (y, X) for well-conditioned cross-products with the same segment RSS.

    X is replaced by ``Q sqrt(n)`` from its thin QR (same column space on every row
    subset, since ``X[rows] = Q[rows] R`` with R invertible) and y by its full-sample OLS
    residual e divided by its RMS ``s`` (a global fit lies in every segment's column
    space, so every segment RSS is the RSS of e, i.e. ``s^2`` times that of ``e/s``).

    Returns:
        ``(e / s, Q sqrt(n), s^2)``.
    """
    n = X.shape[0]
    q, _ = np.linalg.qr(X)
    q = q * math.sqrt(n)
    e = y - q @ np.linalg.lstsq(q, y, rcond=None)[0]
    scale2 = float(e @ e / n)
    if scale2 == 0.0:
        scale2 = 1.0
    return e / math.sqrt(scale2), q, scale2


#: Largest n for :func:`segment_rss_matrix`, which returns the full (n + 1)^2 matrix
#: (20 000 -> 3.2 GB of float64). :func:`breakpoints` never builds that matrix.
MAX_RSS_MATRIX_N = 20_000
#: Largest n for :func:`breakpoints`. Memory is O(n x max_breaks) at any n (38-46 MiB
#: peak at n = 1e5), but the exact dynamic programme visits every one of the ~n^2/2
#: segments: n = 1e5 took 2 to 5 minutes with k = 1 and max_breaks = 5 on a shared
#: two-core machine (``benchmarks/breaks_bench.py``). Above this limit, thin or aggregate
#: the series first.
MAX_BREAKPOINTS_N = 100_000
#: Memory budget of one block of segment RSS rows (float64 elements, k x k solves included).
BLOCK_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class _Cum:
    """Cumulative cross-products of the re-expressed problem (see :func:`_prepare`)."""

    qq: np.ndarray  # (n + 1, k, k)
    qe: np.ndarray  # (n + 1, k)
    ee: np.ndarray  # (n + 1,)
    scale2: float

    @property
    def n(self) -> int:
        return int(self.ee.size - 1)

    @property
    def k(self) -> int:
        return int(self.qe.shape[1])


def _cumulate(e: np.ndarray, q: np.ndarray, scale2: float) -> _Cum:
    n, k = q.shape
    cqq = np.zeros((n + 1, k, k))
    cqq[1:] = np.cumsum(q[:, :, None] * q[:, None, :], axis=0)
    cqe = np.zeros((n + 1, k))
    cqe[1:] = np.cumsum(q * e[:, None], axis=0)
    cee = np.zeros(n + 1)
    cee[1:] = np.cumsum(e * e)
    return _Cum(cqq, cqe, cee, scale2)


def _rss_block(cum: _Cum, starts: np.ndarray, h: int) -> tuple[int, np.ndarray]:
    """RSS of segments ``[starts[r], j)`` for every end ``j >= starts[0] + h``.

    One batched solve of ``S_qq beta = S_qe`` per segment; memory ``len(starts) x (n + 1)
    x k^2`` floats. ``starts`` must be increasing.

    Returns:
        ``(j0, block)``: ``block[r, c]`` is the RSS of ``[starts[r], j0 + c)``, ``inf``
        where that segment is shorter than h.
    """
    n, k = cum.n, cum.k
    st = np.asarray(starts)
    j0 = int(st[0]) + h if st.size else n + 1
    if j0 > n:
        return n + 1, np.empty((st.size, 0))
    A = cum.qq[None, j0:] - cum.qq[st][:, None]
    b = cum.qe[None, j0:] - cum.qe[st][:, None]
    c = cum.ee[None, j0:] - cum.ee[st][:, None]
    if k == 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            fit = np.square(b[..., 0])
            fit /= A[..., 0, 0]
    else:
        try:
            sol = np.linalg.solve(A, b[..., None])[..., 0]
        except np.linalg.LinAlgError:
            sol = (np.linalg.pinv(A, rcond=1e-12) @ b[..., None])[..., 0]
        fit = np.einsum("rjk,rjk->rj", b, sol)
    rss = np.subtract(c, fit, out=c)
    np.maximum(rss, 0.0, out=rss)
    rss *= cum.scale2
    for r in range(1, st.size):  # segments shorter than h: a small triangle at the left
        rss[r, : int(st[r]) - int(st[0])] = np.inf
    return j0, rss


def _rss_rows(
    e: np.ndarray, q: np.ndarray, starts: Sequence[int], h: int, scale2: float
) -> np.ndarray:
    """RSS[i, j] of ``e[i:j]`` on ``q[i:j]`` for i in ``starts`` and j >= i + h (else inf)."""
    cum = _cumulate(e, q, scale2)
    st = np.asarray(list(starts), dtype=int)
    out = np.full((st.size, cum.n + 1), np.inf)
    rows = _block_rows(cum.n, cum.k)
    for a in range(0, st.size, rows):
        j0, block = _rss_block(cum, st[a:a + rows], h)
        out[a:a + rows, j0:] = block
    return out


def _block_rows(n: int, k: int) -> int:
    """Rows per block so that one block stays within :data:`BLOCK_ELEMENTS`."""
    return max(1, BLOCK_ELEMENTS // ((n + 1) * (k * k + k + 3)))


def segment_rss_matrix(y: npt.ArrayLike, X: npt.ArrayLike | None = None, h: int = 1) -> np.ndarray:
    """Residual sums of squares of every admissible segment, all at once.

    ``R[i, j]`` (0 <= i < j <= n) is the OLS RSS of ``y[i:j]`` on ``X[i:j]`` for segments
    of at least ``h`` observations, ``inf`` otherwise. Computed from cumulative
    cross-products ``sum q_t q_t'``, ``sum q_t e_t``, ``sum e_t^2`` of a re-expressed
    problem (orthonormalised X, y replaced by its global OLS residual, see
    :func:`_prepare`), so that ``RSS = S_ee - S_qe' S_qq^-1 S_qe`` is solved per segment
    without loss of precision from badly scaled regressors; rows are solved in batches.

    This returns the whole (n + 1)^2 matrix, so n is limited to :data:`MAX_RSS_MATRIX_N`;
    :func:`breakpoints` streams the rows instead and needs O(n x breaks) memory.

    Args:
        y: Response (n,).
        X: Regressors (n, k); ``None`` = constant.
        h: Minimum segment length (integer >= 1).

    Returns:
        (n + 1, n + 1) array.

    Raises:
        InsufficientDataError: Bad input, ``h`` not an integer >= 1, or n above
            :data:`MAX_RSS_MATRIX_N`.

    Examples:
        >>> R = segment_rss_matrix([1.0, 2.0, 3.0, 10.0], h=2)
        >>> round(float(R[0, 3]), 9), round(float(R[0, 2]), 9), bool(np.isinf(R[0, 1]))
        (2.0, 0.5, True)
    """
    yy, XX = as_design(y, X, ordered=True)
    n = yy.size
    hh = as_count(h, "h", 1, max(n, 1))
    if n > MAX_RSS_MATRIX_N:
        raise InsufficientDataError(
            f"segment_rss_matrix: n={n} would need an ({n + 1})^2 matrix "
            f"({8 * (n + 1) ** 2 / 2**30:.1f} GiB); accepted n <= {MAX_RSS_MATRIX_N} "
            "(breakpoints() streams the rows and has no such limit)"
        )
    e, q, scale2 = _prepare(yy, XX)
    return _rss_rows(e, q, range(n + 1), hh, scale2)


# ----------------------------------------------------- sup-F and its asymptotic p-value


def sup_bessel_tail(x: float, k: int, pi1: float, pi2: float) -> float:
    """Large-x approximation of P(sup_{pi1<=t<=pi2} |B_k(t)|^2 / (t(1-t)) > x).

    ``B_k`` is a k-dimensional Brownian bridge. With ``lam = pi2 (1-pi1) / (pi1 (1-pi2))``
    and ``f(x) = x^(k/2) exp(-x/2) / (2^(k/2) Gamma(k/2))``:
    ``p ~ f(x) [ (1 - k/x) log(lam) + 2/x ]``: the leading terms of the up-crossing
    expansion of the stationary (Ornstein-Uhlenbeck) form of the process (see
    :func:`sup_bessel_pvalue`). Accurate to a few percent for p < 0.05 (checked against
    the simulation in the tests).

    Examples:
        >>> f"{sup_bessel_tail(75.93, 1, 0.15, 0.85):.1e}"
        '3.9e-16'
    """
    if x <= 0:
        return 1.0
    lam = pi2 * (1 - pi1) / (pi1 * (1 - pi2))
    logf = 0.5 * k * math.log(x) - 0.5 * x - 0.5 * k * math.log(2.0) - special.gammaln(0.5 * k)
    return float(min(1.0, math.exp(logf) * ((1 - k / x) * math.log(lam) + 2.0 / x)))


@functools.lru_cache(maxsize=64)
def _bessel_simulation(k: int, pi1: float, pi2: float) -> tuple[np.ndarray, ...]:
    """Seeded draws of (sup, ave, exp) functionals of the squared tied-down Bessel process.

    ``Q(pi) = |B_k(pi)|^2 / (pi (1-pi))`` equals ``|U(s)|^2`` for the stationary k-variate
    Ornstein-Uhlenbeck process U with ``corr(U(s), U(s')) = exp(-|s - s'|)`` at
    ``s = log(pi/(1-pi))/2`` (Brownian-bridge covariance ``pi(1-pi')``). U is simulated
    exactly on a grid of step ``SIM_STEP`` in s (AR(1) with rho = exp(-ds)); the discrete
    maximum is moved to the continuous one by Siegmund's correction
    ``(sqrt(max) + 0.5826 sqrt(2 ds))^2``; the averages use the trapezoid rule in pi
    (``d pi = 2 pi (1-pi) ds``). Returns sorted arrays (sup, ave, exp).
    """
    rng = np.random.default_rng([SIM_SEED, k, round(pi1 * 1e6), round(pi2 * 1e6)])
    s1 = 0.5 * math.log(pi1 / (1 - pi1))
    s2 = 0.5 * math.log(pi2 / (1 - pi2))
    steps = max(1, math.ceil((s2 - s1) / SIM_STEP))
    ds = (s2 - s1) / steps
    rho = math.exp(-ds)
    sd = math.sqrt(1 - rho * rho)
    grid = s1 + ds * np.arange(steps + 1)
    pis = 1.0 / (1.0 + np.exp(-2.0 * grid))
    w = 2.0 * pis * (1 - pis) * ds
    w[0] *= 0.5
    w[-1] *= 0.5
    w = w / w.sum()
    u = rng.standard_normal((SIM_REPS, k))
    q = np.einsum("ij,ij->i", u, u)
    mx = q.copy()
    ave = w[0] * q
    # exp functional accumulated relative to the running maximum to avoid overflow
    ex = w[0] * np.ones(SIM_REPS)
    ref = q.copy()
    for j in range(1, steps + 1):
        u = rho * u + sd * rng.standard_normal((SIM_REPS, k))
        q = np.einsum("ij,ij->i", u, u)
        ave += w[j] * q
        newref = np.maximum(ref, q)
        ex = ex * np.exp(0.5 * (ref - newref)) + w[j] * np.exp(0.5 * (q - newref))
        ref = newref
        np.maximum(mx, q, out=mx)
    sup = (np.sqrt(mx) + _SIEGMUND_BETA * math.sqrt(2 * ds)) ** 2
    expf = 0.5 * ref + np.log(ex)
    return np.sort(sup), np.sort(ave), np.sort(expf)


def _mc_pvalue(sorted_draws: np.ndarray, x: float) -> float:
    """(1 + #draws >= x) / (1 + R)."""
    count = sorted_draws.size - np.searchsorted(sorted_draws, x, side="left")
    return float((1 + count) / (1 + sorted_draws.size))


def sup_bessel_pvalue(x: float, k: int, pi1: float, pi2: float, functional: str = "sup") -> float:
    """Asymptotic p-value of sup-F / ave-F / exp-F (Andrews 1993; Andrews-Ploberger 1994).

    Under the null the Wald sequence converges to ``Q(pi) = |B_k(pi)|^2 / (pi (1-pi))``
    on ``[pi1, pi2]`` (B_k a k-variate Brownian bridge). For ``"sup"`` the analytic tail
    :func:`sup_bessel_tail` is used when it is below ``TAIL_SWITCH`` (0.02), so that tiny
    p-values are not floored; otherwise, and for ``"ave"`` (mean of Q) and ``"exp"``
    (``log mean exp(Q/2)``), the p-value is the Monte Carlo tail frequency
    ``(1 + #{draws >= x}) / (1 + R)`` from a seeded simulation (R = 20 000 paths, cached
    per (k, pi1, pi2); see :func:`_bessel_simulation`).

    Args:
        x: Observed statistic (Wald scale).
        k: Number of parameters allowed to change.
        pi1: First candidate break as a fraction of n.
        pi2: Last candidate break as a fraction of n.
        functional: ``"sup"``, ``"ave"`` or ``"exp"``.

    Returns:
        p-value in (0, 1].

    Examples:
        >>> p = sup_bessel_pvalue(8.7, 1, 0.15, 0.85)   # Andrews (1993): 5 % value 8.68
        >>> 0.04 < p < 0.06
        True
    """
    x = as_real(x, "x")
    k = as_count(k, "k", 1)
    pi1 = as_real(pi1, "pi1", 0.0, 1.0, lo_open=True, hi_open=True)
    pi2 = as_real(pi2, "pi2", pi1, 1.0, lo_open=True, hi_open=True)
    if functional not in ("sup", "ave", "exp"):
        raise ArgumentError("functional", functional, "'sup', 'ave' or 'exp'")
    if functional == "sup":
        tail = sup_bessel_tail(x, k, pi1, pi2)
        if tail < TAIL_SWITCH:
            return tail
        return _mc_pvalue(_bessel_simulation(k, round(pi1, 6), round(pi2, 6))[0], x)
    idx = {"ave": 1, "exp": 2}.get(functional)
    if idx is None:
        raise ArgumentError("functional", functional, "'sup', 'ave' or 'exp'")
    return _mc_pvalue(_bessel_simulation(k, round(pi1, 6), round(pi2, 6))[idx], x)


@dataclass(frozen=True)
class SupFResult:
    """Result of :func:`sup_f_test`.

    Attributes:
        statistic: sup-F on the Wald scale ``(RSS0 - RSS1) / (RSS1/(n - 2k))``.
        pvalue: Asymptotic p-value (Andrews 1993), see :func:`sup_bessel_pvalue`.
        argmax: Candidate break (left-segment size) with the largest F.
        fstats: F statistic at every candidate.
        candidates: The candidate breaks ``floor(trim n) .. n - floor(trim n)``.
        ave_f: Mean of ``fstats`` (Andrews-Ploberger ave-F).
        exp_f: ``log(mean(exp(fstats/2)))`` (Andrews-Ploberger exp-F).
        k: Number of regressors.
        n: Number of observations.
    """

    statistic: float
    pvalue: float
    argmax: int
    fstats: np.ndarray = field(repr=False)
    candidates: np.ndarray = field(repr=False)
    ave_f: float
    exp_f: float
    k: int
    n: int

    @property
    def pi_range(self) -> tuple[float, float]:
        """First and last candidate as fractions of n."""
        return float(self.candidates[0] / self.n), float(self.candidates[-1] / self.n)

    @property
    def ave_pvalue(self) -> float:
        """Monte Carlo asymptotic p-value of ave-F."""
        return sup_bessel_pvalue(self.ave_f, self.k, *self.pi_range, functional="ave")

    @property
    def exp_pvalue(self) -> float:
        """Monte Carlo asymptotic p-value of exp-F."""
        return sup_bessel_pvalue(self.exp_f, self.k, *self.pi_range, functional="exp")

    def summary(self) -> str:
        """Plain-text summary."""
        lo, hi = int(self.candidates[0]), int(self.candidates[-1])
        return (
            f"sup-F test (n={self.n}, k={self.k}, candidates {lo}..{hi})\n"
            f"  sup-F = {self.statistic:.4f} at break {self.argmax}, p = {self.pvalue:.4g}\n"
            f"  ave-F = {self.ave_f:.4f}, exp-F = {self.exp_f:.4f}"
        )


def sup_f_test(y: npt.ArrayLike, X: npt.ArrayLike | None = None, trim: float = 0.15) -> SupFResult:
    """Andrews (1993) sup-F test for one break at an unknown date.

    For every candidate break b from ``f = floor(trim n)`` to ``n - f`` (left segment
    ``y[:b]``; ``trim >= 1`` is taken as f itself), ``F_b = (RSS0 - RSS1(b)) / (RSS1(b) /
    (n - 2k))`` with RSS1(b) the sum of the two segment RSS (strucchange ``Fstats``
    scale). Returns the maximum, its location, ave-F, exp-F and the p-value of
    :func:`sup_bessel_pvalue` with ``pi1 = f/n``, ``pi2 = (n - f)/n``.

    Args:
        y: Response (n,).
        X: Regressors (n, k); ``None`` = constant only.
        trim: Trimming fraction (0 < trim < 0.5) or minimum segment size (>= 1).

    Returns:
        :class:`SupFResult`.

    Raises:
        InsufficientDataError: Bad input, a trim leaving segments shorter than k + 1 or
            no candidate, or no variation (a constant or exactly fitted y, or a split
            fitting both segments exactly).
        ArgumentError: ``trim`` not a fraction in (0, 0.5) or a whole count >= 1.

    Examples:
        >>> import statsmodels.api as sm
        >>> nile = sm.datasets.nile.load_pandas().data["volume"].to_numpy()
        >>> r = sup_f_test(nile)
        >>> round(r.statistic, 2), r.argmax, r.pvalue < 1e-10
        (75.93, 28, True)
    """
    yy, XX = as_design(y, X, min_len=3)
    n, k = XX.shape
    f = _min_size(trim, n, "trim")
    if trim < 1 and not trim < 0.5:
        raise ArgumentError("trim", trim, "a fraction in (0, 0.5) or a count >= 1")
    if f <= k:
        raise InsufficientDataError(
            f"trim={trim} gives segments of {f} observation(s); at least k + 1 = {k + 1} "
            f"needed (n={n})"
        )
    cands = np.arange(f, n - f + 1)
    if cands.size == 0:
        raise InsufficientDataError(f"trim={trim} leaves no candidate break (n={n})")
    require_variation(ols(yy, XX).rss, yy, "the no-break model")
    e, q, scale2 = _prepare(yy, XX)
    fwd = _rss_rows(e, q, [0], 1, 1.0)[0]
    bwd = _rss_rows(e[::-1].copy(), q[::-1].copy(), [0], 1, 1.0)[0]
    rss0 = float(e @ e)
    rss1 = fwd[cands] + bwd[n - cands]
    worst = int(np.argmin(rss1))
    if is_exact_fit(float(rss1[worst]) * scale2, yy):
        raise InsufficientDataError(
            f"split {int(cands[worst])} fits both segments exactly: a noiseless step, "
            "sup-F would be infinite; there is no variation to test against")
    fstats = (rss0 - rss1) / (rss1 / (n - 2 * k))
    j = int(np.argmax(fstats))
    sup = float(fstats[j])
    return SupFResult(
        statistic=sup,
        pvalue=sup_bessel_pvalue(sup, k, f / n, (n - f) / n),
        argmax=int(cands[j]),
        fstats=fstats,
        candidates=cands,
        ave_f=float(np.mean(fstats)),
        exp_f=float(np.max(fstats) / 2 + np.log(np.mean(np.exp((fstats - sup) / 2)))),
        k=k,
        n=n,
    )


# ------------------------------------------------- Bai (1997) distribution of argmax V


def _g_left(a: float, c: float) -> float:
    """P(argmax V <= -a) for a > 0, with c = xi/phi (closed form, log-space products)."""
    ra = math.sqrt(a)
    alpha = 0.5 * c * (1 + c)
    beta = 0.5 + c
    coef = (1 + 2 * c) / (c * (1 + c))
    d = (1 + 2 * c) ** 2 / (c * (1 + c))
    term = math.exp(alpha * a + float(special.log_ndtr(-beta * ra)))
    return float(
        -ra / math.sqrt(2 * math.pi) * math.exp(-a / 8)
        - coef * term
        + (d - 2 + a / 2) * float(special.ndtr(-ra / 2))
    )


def argmax_v_cdf(x: float, xi: float = 1.0, phi: float = 1.0) -> float:
    """CDF of the location of the maximum of Bai's (1997) two-sided process V.

    ``V(s) = W1(-s) - |s|/2`` for s <= 0 and ``V(s) = sqrt(phi) W2(s) - xi |s|/2`` for
    s > 0 (W1, W2 independent Brownian motions). Derived here from the path
    decomposition of a drifted Brownian motion at time |x| (the running maximum and the
    current value have the reflection-principle joint law; the maximum of a drifted
    Brownian motion is exponential). With ``c = xi/phi``, for x < 0 and a = -x:

    ``G(x) = -sqrt(a/(2 pi)) e^(-a/8) - (1+2c)/(c(1+c)) e^(c(1+c)a/2) Phi(-(1/2+c) sqrt(a))
    + ((1+2c)^2/(c(1+c)) - 2 + a/2) Phi(-sqrt(a)/2)``;

    for x > 0, by the mirror image ``s -> -s`` with time rescaled by ``xi^2/phi``,
    ``G(x) = 1 - G_{c'}(-x xi^2/phi)`` with ``c' = phi/xi``. With xi = phi = 1 this is the
    symmetric law of Yao (1987) / Bai (1994).

    Examples:
        >>> round(argmax_v_cdf(0.0), 6), round(argmax_v_cdf(-3.0) + argmax_v_cdf(3.0), 12)
        (0.5, 1.0)
    """
    x = as_real(x, "x")
    xi = as_real(xi, "xi", 0.0, lo_open=True)
    phi = as_real(phi, "phi", 0.0, lo_open=True)
    c = xi / phi
    if x < 0:
        return min(1.0, max(0.0, _g_left(-x, c)))
    if x == 0:
        return min(
            1.0,
            max(0.0, 0.5 * ((1 + 2 * c) ** 2 / (c * (1 + c)) - 2 - (1 + 2 * c) / (c * (1 + c)))),
        )
    return min(1.0, max(0.0, 1.0 - _g_left(x * xi * xi / phi, phi / xi)))


def argmax_v_quantile(p: float, xi: float = 1.0, phi: float = 1.0) -> float:
    """Inverse of :func:`argmax_v_cdf` by bracketing and Brent's method.

    Examples:
        >>> round(argmax_v_quantile(0.975), 2)   # symmetric case: about 11.03
        11.03
    """
    p = as_real(p, "p", 0.0, 1.0, lo_open=True, hi_open=True)
    xi = as_real(xi, "xi", 0.0, lo_open=True)
    phi = as_real(phi, "phi", 0.0, lo_open=True)
    g0 = argmax_v_cdf(0.0, xi, phi)
    if p == g0:
        return 0.0
    sign = 1.0 if p > g0 else -1.0
    hi = 1.0
    while (argmax_v_cdf(sign * hi, xi, phi) - p) * sign < 0:
        hi *= 2.0
        if hi > 1e12:
            raise InsufficientDataError("argmax V quantile out of range")
    return float(
        optimize.brentq(
            lambda t: argmax_v_cdf(t, xi, phi) - p,
            min(0.0, sign * hi),
            max(0.0, sign * hi),
            xtol=1e-12,
            rtol=1e-12,
        )
    )


# ------------------------------------------------------------------- Bai-Perron dating


@dataclass(frozen=True)
class BreakpointsResult:
    """Result of :func:`breakpoints`: optimal partitions for m = 0..max_breaks.

    Attributes:
        n: Observations.
        k: Regressors per segment.
        h: Minimum segment size (observations).
        rss: Minimum RSS per number of breaks m (``pandas.Series`` indexed by m).
        bic: ``n log(RSS/n) + n (1 + log 2 pi) + log(n) (k+1)(m+1)`` per m.
        partitions: Breaks (left-segment sizes) per m.
        breaks: The BIC choice (tuple, possibly empty).
    """

    n: int
    k: int
    h: int
    rss: pd.Series = field(repr=False)
    bic: pd.Series = field(repr=False)
    partitions: dict[int, tuple[int, ...]] = field(repr=False)
    breaks: tuple[int, ...]
    y: np.ndarray = field(repr=False, compare=False)
    X: np.ndarray = field(repr=False, compare=False)
    index: pd.Index | None = field(default=None, repr=False, compare=False)

    @property
    def n_breaks(self) -> int:
        """Number of breaks chosen by BIC."""
        return len(self.breaks)

    @property
    def max_breaks(self) -> int:
        """Largest m computed (capped by what h allows)."""
        return int(self.rss.index.max())

    def _m(self, m: int | None) -> int:
        mm = self.n_breaks if m is None else as_count(m, "m", 0, self.max_breaks)
        if mm not in self.partitions:
            raise ArgumentError("m", m, f"a number of breaks in [0, {self.max_breaks}] (those "
                                "computed), or None for the BIC choice")
        return mm

    def breaks_for(self, m: int) -> tuple[int, ...]:
        """Optimal breaks with exactly m breaks (left-segment sizes)."""
        return self.partitions[self._m(m)]

    def breakdates(self, m: int | None = None) -> list[object]:
        """Index labels of the last observation before each break (y's index, or 1-based)."""
        bps = self.breaks_for(self._m(m))
        if self.index is None:
            return list(bps)
        return [self.index[b - 1] for b in bps]

    def segments(self, m: int | None = None) -> list[tuple[int, int]]:
        """Half-open row ranges ``(start, stop)`` of the m + 1 segments."""
        edges = [0, *self.breaks_for(self._m(m)), self.n]
        return list(itertools.pairwise(edges))

    def coefficients(
        self, m: int | None = None, cov: CovType = "nonrobust", maxlags: int | None = None
    ) -> pd.DataFrame:
        """Per-segment OLS coefficients and standard errors.

        Args:
            m: Number of breaks (default: the BIC choice).
            cov: ``"nonrobust"`` or ``"HAC"`` (Newey-West, Bartlett kernel, per segment;
                use it where the errors may be autocorrelated).
            maxlags: HAC lag (default ``floor(4 (n_seg/100)^(2/9))``).

        Returns:
            One row per segment: ``start``, ``stop``, ``n``, ``b0..`` and ``se0..``.
        """
        rows = []
        for i, (a, b) in enumerate(self.segments(m)):
            t = coef_table(self.y[a:b], self.X[a:b], cov=cov, maxlags=maxlags)
            row: dict[str, object] = {"segment": i, "start": a, "stop": b, "n": b - a}
            row.update({f"b{j}": float(v) for j, v in enumerate(t.params)})
            row.update({f"se{j}": float(v) for j, v in enumerate(t.bse)})
            rows.append(row)
        return pd.DataFrame(rows).set_index("segment")

    def segment_means(self, m: int | None = None) -> np.ndarray:
        """Mean of y in each segment."""
        return np.array([self.y[a:b].mean() for a, b in self.segments(m)])

    def fitted(self, m: int | None = None) -> np.ndarray:
        """Fitted values of the segment-wise OLS fits."""
        out = np.empty(self.n)
        for a, b in self.segments(m):
            beta = np.linalg.lstsq(self.X[a:b], self.y[a:b], rcond=None)[0]
            out[a:b] = self.X[a:b] @ beta
        return out

    def confint(
        self,
        m: int | None = None,
        level: float = 0.95,
        het_reg: bool = True,
        het_err: bool = True,
    ) -> list[tuple[int, int, int]]:
        """Bai (1997) confidence intervals for the break dates.

        For break j with left segment 1 and right segment 2 (its neighbours in the
        partition): segment OLS estimates b1, b2, ``delta = b2 - b1``; ``Q_i = X_i'X_i/n_i``
        (or the full-sample ``X'X/n`` for both if not ``het_reg``); ``s_i^2 = RSS_i/n_i``
        (or the pooled ``RSS/n`` if not ``het_err``). Then ``xi = d'Q2d / d'Q1d``,
        ``phi = xi (s2/s1)^2``, scale ``s1^2 / d'Q1d``; with ``lo, up`` the
        ``(1-level)/2`` and ``(1+level)/2`` quantiles of :func:`argmax_v_cdf` times the
        scale, the interval is ``[bp - ceil(up), bp - floor(lo)]``.

        Args:
            m: Number of breaks (default: the BIC choice).
            level: Confidence level.
            het_reg: Segment-specific regressor moments.
            het_err: Segment-specific error variances.

        Returns:
            List of ``(low, break, high)`` tuples, in observations (left-segment sizes).
        """
        if not (isinstance(level, (int, float)) and 0 < level < 1):
            raise ArgumentError("level", level, "a confidence level in (0, 1)")
        mm = self._m(m)
        bps = self.partitions[mm]
        if not bps:
            return []
        edges = [0, *bps, self.n]
        fits = [ols(self.y[a:b], self.X[a:b]) for a, b in itertools.pairwise(edges)]
        q_all = self.X.T @ self.X / self.n
        s2_all = sum(f.rss for f in fits) / self.n
        out = []
        for j, bp in enumerate(bps):
            (a1, b1), (a2, b2) = (edges[j], edges[j + 1]), (edges[j + 1], edges[j + 2])
            f1, f2 = fits[j], fits[j + 1]
            delta = f2.beta - f1.beta
            if het_reg:
                q1 = self.X[a1:b1].T @ self.X[a1:b1] / (b1 - a1)
                q2 = self.X[a2:b2].T @ self.X[a2:b2] / (b2 - a2)
            else:
                q1 = q2 = q_all
            if het_err:
                s1, s2 = f1.rss / (b1 - a1), f2.rss / (b2 - a2)
            else:
                s1 = s2 = s2_all
            dq1 = float(delta @ q1 @ delta)
            dq2 = float(delta @ q2 @ delta)
            if not (dq1 > 0 and dq2 > 0 and s1 > 0 and s2 > 0):
                raise InsufficientDataError(
                    f"break {bp}: zero coefficient change or zero variance, no interval"
                )
            xi = dq2 / dq1
            phi = xi * s2 / s1
            scale = s1 / dq1
            lo = argmax_v_quantile((1 - level) / 2, xi, phi) * scale
            up = argmax_v_quantile((1 + level) / 2, xi, phi) * scale
            out.append((int(bp - math.ceil(up)), int(bp), int(bp - math.floor(lo))))
        return out

    def summary(self) -> str:
        """Plain-text table of RSS, BIC and breaks per m."""
        lines = [
            f"Bai-Perron breakpoints (n={self.n}, k={self.k}, h={self.h})",
            f"  {'m':>2} {'RSS':>14} {'BIC':>10}  breaks",
        ]
        for m in self.rss.index:
            star = " *" if len(self.partitions[m]) == self.n_breaks else ""
            bps = ", ".join(str(b) for b in self.partitions[m]) or "-"
            lines.append(f"  {m:>2} {self.rss[m]:>14.6g} {self.bic[m]:>10.2f}  {bps}{star}")
        lines.append(f"  BIC choice: {self.n_breaks} break(s) at {list(self.breaks)}")
        return "\n".join(lines)


def _dp_partitions(
    y: np.ndarray, X: np.ndarray, h: int, mmax: int
) -> dict[int, tuple[int, ...]]:
    """Optimal partitions for m = 0..mmax by the Bai-Perron dynamic programme, streamed.

    ``F_0(j) = R[0, j]``, ``F_m(j) = min_i F_{m-1}(i) + R[i, j]`` with R the segment RSS
    (:func:`segment_rss_matrix`), but R is never stored: its rows are computed in blocks
    of at most ``h`` consecutive starts i (a row i only feeds ``F(j)`` for ``j >= i + h``,
    so every ``F_{m-1}(i)`` a block reads is final) and folded into the running minima at
    once (the last layer only at ``j = n``, the one column it is read at).
    Ties keep the smallest i, as ``argmin`` over the full matrix would. Memory:
    ``2 (mmax + 1) (n + 1)`` numbers plus one block (:data:`BLOCK_ELEMENTS`).
    """
    n = y.size
    e, q, scale2 = _prepare(y, X)
    cum = _cumulate(e, q, scale2)
    F = np.full((mmax + 1, n + 1), np.inf)
    back = np.zeros((max(mmax, 1), n + 1), dtype=np.int64)
    j0, first = _rss_block(cum, np.array([0]), h)
    F[0, j0:] = first[0]
    rows = max(1, min(h, _block_rows(n, cum.k)))
    last = n - h  # no segment of >= h observations starts after this row
    for a in range(h, last + 1, rows) if mmax > 0 else ():
        starts = np.arange(a, min(a + rows, last + 1))
        j0, block = _rss_block(cum, starts, h)
        for m in range(1, mmax + 1):
            prev = F[m - 1, starts]
            if not np.isfinite(prev).any():
                continue
            if m == mmax:  # the last layer is read at j = n only
                cand = prev + block[:, -1]
                r = int(np.argmin(cand))
                if cand[r] < F[m, n]:
                    F[m, n] = cand[r]
                    back[m - 1, n] = starts[r]
                continue
            tot = prev[:, None] + block
            arg = np.argmin(tot, axis=0)  # first minimum: ties keep the smallest i
            best = np.take_along_axis(tot, arg[None, :], axis=0)[0]
            cur = F[m, j0:]
            better = best < cur
            cur[better] = best[better]
            back[m - 1, j0:][better] = starts[arg[better]]
    partitions: dict[int, tuple[int, ...]] = {0: ()}
    for m in range(1, mmax + 1):
        found: list[int] = []
        j = n
        for mm in range(m, 0, -1):
            j = int(back[mm - 1][j])
            found.append(j)
        partitions[m] = tuple(sorted(found))
    return partitions


def breakpoints(
    y: npt.ArrayLike,
    X: npt.ArrayLike | None = None,
    h: float = 0.15,
    max_breaks: int | None = 5,
) -> BreakpointsResult:
    """Bai-Perron multiple break dating by dynamic programming (exact minimum RSS).

    1. ``R = segment_rss_matrix(y, X, h)``: RSS of every segment with >= h observations.
    2. ``F_0(j) = R[0, j]``; ``F_m(j) = min_i F_{m-1}(i) + R[i, j]`` (O(n^2) per m,
       vectorised, R streamed row block by row block, never stored); the optimal m-break
       partition of y is read back from ``F_m(n)``.
    3. ``BIC(m) = n log(RSS_m/n) + n (1 + log 2 pi) + log(n) (k+1)(m+1)``; ``breaks`` is
       the BIC minimiser.

    Args:
        y: Response (n,). A ``pandas.Series`` index is kept for :meth:`~BreakpointsResult.
            breakdates`.
        X: Regressors (n, k) with the constant if wanted; ``None`` = constant only.
        h: Minimum segment size: fraction of n (``floor(h n)``) if < 1, else a count.
            Must exceed k.
        max_breaks: Largest number of breaks (capped at ``floor(n/h) - 1``; ``None`` =
            the cap).

    Returns:
        :class:`BreakpointsResult`.

    Raises:
        InsufficientDataError: Bad input, ``h <= k``, ``h > n``, or no variation (a
            constant or exactly fitted y: a frozen gauge has no breaks to date). Fewer
            than 2h observations is allowed: m = 0 only.
        ArgumentError: ``h`` not a fraction in (0, 1) or a whole count, ``max_breaks`` not
            a whole number >= 0, or n above :data:`MAX_BREAKPOINTS_N`.

    Memory is O(n x max_breaks): the segment-RSS rows are streamed in blocks (see
    :func:`_dp_partitions`); time grows as n^2 (``benchmarks/breaks_bench.py``).

    Examples:
        >>> import statsmodels.api as sm
        >>> nile = sm.datasets.nile.load_pandas().data["volume"].to_numpy()
        >>> bp = breakpoints(nile)
        >>> bp.breaks, [round(v) for v in bp.rss]
        ((28,), [2835157, 1597457, 1552924, 1538097, 1507888, 1659994])
        >>> bp.confint()
        [(25, 28, 32)]
    """
    yy, XX = as_design(y, X, min_len=2)
    n, k = XX.shape
    if n > MAX_BREAKPOINTS_N:
        raise ArgumentError(
            "y", f"<{n} observations>", f"at most MAX_BREAKPOINTS_N = {MAX_BREAKPOINTS_N} "
            "observations", "the exact programme's time grows as n^2: thin or aggregate "
            "the series first", type_name="series")
    if max_breaks is not None:
        max_breaks = as_count(max_breaks, "max_breaks", 0)
    hh = _min_size(h, n, "h")
    if hh <= k:
        raise InsufficientDataError(
            f"minimum segment size h={hh} must exceed the number of regressors k={k}"
        )
    if hh > n:
        raise InsufficientDataError(f"minimum segment size h={hh} exceeds n={n}")
    cap = n // hh - 1
    mmax = cap if max_breaks is None else min(int(max_breaks), cap)
    if mmax < 0:
        raise ArgumentError("max_breaks", max_breaks, "an integer >= 0")
    require_variation(ols(yy, XX).rss, yy, "the no-break model")
    partitions = _dp_partitions(yy, XX, hh, mmax)
    rss: dict[int, float] = {}
    # recompute the RSS of the chosen partitions directly (least squares per segment)
    for m, bps in partitions.items():
        edges = [0, *bps, n]
        rss[m] = float(sum(ols(yy[a:b], XX[a:b]).rss for a, b in itertools.pairwise(edges)))
    rss_s = pd.Series(rss, name="rss", dtype=float)
    rss_s.index.name = "m"
    ms = rss_s.index.to_numpy()
    # a partition fitting exactly (a noiseless step) is floored at the exact-fit level so
    # that BIC stays finite and prefers the fewest breaks that reach it
    floor = n * float(np.square(EXACT_FIT_RTOL * np.max(np.abs(yy))))
    bic = (
        n * np.log(np.maximum(rss_s.to_numpy(), floor) / n)
        + n * (1 + math.log(2 * math.pi))
        + math.log(n) * (k + 1) * (ms + 1)
    )
    bic_s = pd.Series(bic, index=rss_s.index, name="bic")
    best = int(ms[int(np.argmin(bic))])
    return BreakpointsResult(
        n=n,
        k=k,
        h=hh,
        rss=rss_s,
        bic=bic_s,
        partitions=partitions,
        breaks=partitions[best],
        y=yy,
        X=XX,
        index=_index_of(y),
    )
