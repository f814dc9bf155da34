"""Cleaning of telemetry: clock, duplicates, quantisation, glitches, stale stretches, gaps.

The array core :func:`clean_arrays` works on one channel's ``int64`` nanosecond times and
``float64`` values with a few NumPy passes and the compiled flag loop of
:mod:`~prkanalysis.telemetry.kernels.flags` (no Python loop over samples, no rolling window),
so it can be called per partition on hundreds of millions of samples.
:func:`clean` applies it to every channel of a long table and returns the kept rows with a
``qc`` column plus a :class:`CleanAudit` that accounts for every row
(``rows_in == rows_out + dropped``).

Reason codes (bit flags, see :data:`CODES`): a sample may carry several; a dropped sample is
counted once, under the first dropping reason in the table's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
from scipy import optimize, special

from prkanalysis.errors import TelemetryError
from prkanalysis.telemetry.schema import PRK_HATCH, validate_schema

NAN: Final[int] = 1
DUPLICATE: Final[int] = 2
TIME_COLLISION: Final[int] = 4
GLITCH: Final[int] = 8
STALE: Final[int] = 16
REORDERED: Final[int] = 32
GAP_BEFORE: Final[int] = 64
REPRESS: Final[int] = 128

#: Reason codes: bit -> (code, action, meaning). Dropping reasons come first.
CODES: Final[dict[int, tuple[str, str, str]]] = {
    NAN: ("nan", "drop", "value is NaN or infinite"),
    DUPLICATE: ("duplicate", "drop", "exact duplicate of the previous row (same time, same value)"),
    TIME_COLLISION: (
        "time_collision",
        "drop",
        "same time as the previous row but a different value (the first row is kept)",
    ),
    GLITCH: (
        "glitch",
        "drop",
        "single-sample spike: departs from both neighbours by > glitch_k scales, same sign, "
        "while the neighbours agree",
    ),
    STALE: (
        "stale",
        "drop",
        "repeats the value of a run lasting > stale_min_s with >= stale_min_n samples "
        "(frozen feed; stale_min_n by default from the series' own repeat rate); the run's "
        "first sample is kept",
    ),
    REORDERED: ("reordered", "flag", "arrived out of time order; moved by the clock repair"),
    GAP_BEFORE: ("gap_before", "flag", "first sample after a gap longer than gap_s"),
    REPRESS: (
        "repress",
        "flag",
        "first sample after an upward step > max(repress_min, repress_k scales): "
        "a repressurisation",
    ),
}
#: Bits whose samples are dropped.
DROP_MASK: Final[int] = NAN | DUPLICATE | TIME_COLLISION | GLITCH | STALE

_NS: Final[float] = 1e9
_SAMPLE_FOR_SCALE: Final[int] = 2_000_000


def codes_table() -> pd.DataFrame:
    """The reason-code table as a DataFrame (bit, code, action, meaning).

    Example:
        >>> codes_table()["code"].tolist()[:3]
        ['nan', 'duplicate', 'time_collision']
    """
    return pd.DataFrame(
        [(bit, c, a, m) for bit, (c, a, m) in CODES.items()],
        columns=["bit", "code", "action", "meaning"],
    )


def _step_from_diffs(d: np.ndarray, tol: float = 0.1, min_share: float = 0.9) -> float:
    """The step of :func:`detect_step` from its filtered, strided ``|differences|`` ``d``."""
    if d.size < 10:
        return float("nan")
    q0 = float(np.percentile(d, 5))
    m = np.rint(d / q0)
    use = (m >= 1) & (m <= 10)
    if not use.any():
        return float("nan")
    q = float(d[use].sum() / m[use].sum())
    frac = np.abs(d / q - np.rint(d / q))
    share = float(np.mean((frac <= tol) & (np.rint(d / q) >= 1)))
    return q if share >= min_share else float("nan")


def _scale_from_diffs(d: np.ndarray, step: float, floor: float, n_values: int) -> float:
    """The scale of :func:`robust_scale` from its strided first differences ``d``."""
    if n_values < 3:
        return max(floor, 0.0 if np.isnan(step) else step)
    mad = float(np.median(np.abs(d - np.median(d))))
    sigma = 1.4826 * mad / np.sqrt(2.0)
    return float(max(sigma, 0.0 if np.isnan(step) else step, floor))


def detect_step(values: np.ndarray, *, tol: float = 0.1, min_share: float = 0.9) -> float:
    """Estimate the quantisation step of a series from its value differences.

    Method: take the non-zero absolute first differences ``d`` (ignoring those below
    ``1e-9 x`` the median magnitude of the values, i.e. float noise); a first guess ``q0`` is
    their 5th percentile; the multiples ``m = round(d / q0)`` (``1 <= m <= 10``) give the
    refined step ``q = sum(d) / sum(m)``. The series is declared quantised when at least
    ``min_share`` of the differences lie within ``tol`` steps of a whole multiple of ``q``.

    Args:
        values: The series (finite values, time order).
        tol: Tolerance, in steps, on a whole multiple.
        min_share: Share of differences that must be whole multiples.

    Returns:
        The step, or NaN when the series is not quantised (or has fewer than 10 changes).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> v = np.round((740 + rng.normal(0, 0.2, 500)) / 0.101) * 0.101
        >>> round(detect_step(v), 4)
        0.101
        >>> bool(np.isnan(detect_step(740 + rng.normal(0, 0.2, 500))))
        True
    """
    v = np.asarray(values, dtype=np.float64)
    return _step_and_scale(v[np.isfinite(v)], None, 0.0, tol, min_share)[0]


def robust_scale(values: np.ndarray, step: float = float("nan")) -> float:
    """Noise scale of a series: ``max(MAD sigma of first differences / sqrt(2), step)``.

    The MAD is taken around the median difference (so a steady trend does not inflate it)
    and scaled by 1.4826; at most 2 million differences are used (evenly strided). With
    quantised data most differences are zero, so the step is the floor of the scale. A
    series with neither noise nor step gets ``1e-9 x`` its median magnitude.

    Args:
        values: Finite values in time order.
        step: Quantisation step (NaN if none).

    Returns:
        The scale, in the values' unit.

    Example:
        >>> rng = np.random.default_rng(1)
        >>> round(robust_scale(rng.normal(0, 2.0, 20000)), 1)
        2.0
    """
    return _step_and_scale(np.asarray(values, dtype=np.float64), float(step), None)[1]


def _strided(d: np.ndarray) -> np.ndarray:
    """At most 2 million evenly strided elements of ``d`` (all of them if fewer)."""
    return d[:: d.size // _SAMPLE_FOR_SCALE + 1] if d.size > _SAMPLE_FOR_SCALE else d


def _step_and_scale(v: np.ndarray, step: float | None, scale: float | None,
                    tol: float = 0.1, min_share: float = 0.9) -> tuple[float, float]:
    """:func:`detect_step` (if ``step`` is None) and :func:`robust_scale` (if ``scale`` is None).

    One first difference and one median of ``|v|`` serve both (``eps``, the float-noise
    threshold of the step, is also the floor of the scale).
    """
    if step is not None and scale is not None:
        return float(step), float(scale)
    buf = np.abs(v)
    eps = 1e-9 * max(float(np.median(buf, overwrite_input=True)) if v.size else 1.0, 1.0)
    d = np.diff(v) if v.size >= 3 else np.zeros(0)
    q = float(step) if step is not None else float("nan")
    if step is None and v.size >= 11:
        ad = np.abs(d, out=buf[: d.size])
        q = _step_from_diffs(_strided(ad[ad > eps]), tol, min_share)
    del buf
    s = float(scale) if scale is not None else _scale_from_diffs(_strided(d), q, eps, v.size)
    return q, s


def stale_run_length(values: np.ndarray, *, alpha: float = 0.01, block: int = 64,
                     quantile: float = 0.95, floor: int = 5) -> int:
    """Shortest run of repeated values that a live gauge would not produce by chance.

    A quantised gauge repeats its value whenever the noise is small against the step, so
    a run of equal values is evidence of a frozen feed only if it is improbably long. With
    ``p`` the share of zero first differences in a block of ``block`` samples, and
    ``p_hi`` its ``quantile`` over the blocks (quiet stretches repeat more than average),
    a live gauge gives a run of ``L`` equal values with probability about
    ``p_hi^(L-1)`` per sample; the run length returned makes the expected number of such
    runs in the whole series at most ``alpha``:
    ``L = 1 + ceil(log(alpha / n) / log(p_hi))``, and at least ``floor``. A series that
    repeats in every block (``p_hi = 1``) gets ``n + 1``: no run is called frozen.

    Args:
        values: Surviving values in time order.
        alpha: Expected number of false frozen runs in the series.
        block: Block length, samples.
        quantile: Quantile of the block shares used.
        floor: Smallest length returned.

    Returns:
        The minimum frozen-run length in samples.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> v = np.rint((760 + rng.normal(0, 0.08, 100_000)) / 0.101) * 0.101
        >>> stale_run_length(v)
        22
        >>> stale_run_length(np.rint((760 + rng.normal(0, 0.01, 1000)) / 0.101) * 0.101)
        1001
    """
    v = np.asarray(values, dtype=np.float64)
    n = v.size
    if n < 2 * block:
        return max(floor, 1 + (n if n and np.all(v == v[0]) else 0))
    z = v[1:] == v[:-1]  # bool: one byte per sample
    m = z.size // block
    share = np.count_nonzero(z[: m * block].reshape(m, block), axis=1) / block
    p_hi = float(np.quantile(share, quantile))
    if p_hi >= 1.0:
        return n + 1
    if p_hi <= 0.0:
        return floor
    return max(floor, 1 + int(np.ceil(np.log(alpha / n) / np.log(p_hi))))


def _glitch_fp(k: float) -> float:
    """Chance that one Gaussian sample passes the glitch test at ``k`` noise scales.

    Upper bound (the neighbours' agreement condition ignored): the sample departs from
    both neighbours by more than ``k sigma`` with the same sign,
    ``2 int phi(x) Phi(x - k)^2 dx`` (trapezoid rule on a fixed grid).
    """
    x = np.linspace(-8.0, 25.0, 33_001)
    f = np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi) * special.ndtr(x - k) ** 2
    return float(2.0 * np.sum((f[1:] + f[:-1]) * 0.5) * (x[1] - x[0]))


def glitch_threshold(n: int, *, alpha: float = 0.05, floor: float = 4.0) -> float:
    """Glitch threshold (noise scales) giving at most ``alpha`` false glitches in ``n``.

    Solves ``n x P(k) = alpha`` for ``k``, ``P`` the chance that a Gaussian sample passes
    the glitch test (:func:`clean_arrays` step 5), and returns at least ``floor``. The
    threshold grows slowly with the length of the series: about 4.1 for 200 samples, 6.0
    for 220,000, 6.4 for 1.2 million, 7.1 for 36 million.

    Args:
        n: Number of samples tested.
        alpha: Expected false glitches in the whole series.
        floor: Smallest threshold returned.

    Returns:
        ``k``.

    Example:
        >>> round(glitch_threshold(1_200_000), 1), glitch_threshold(10)
        (6.4, 4.0)
    """
    if n * _glitch_fp(floor) <= alpha:
        return float(floor)
    return float(optimize.brentq(lambda k: n * _glitch_fp(k) - alpha, floor, 40.0, xtol=1e-4))


def check_thresholds(**kw: Any) -> None:
    """Reject cleaning thresholds outside their ranges, naming the argument and its value.

    Accepted: ``glitch_k`` > 0 or None (``inf`` disables); ``stale_min_s`` > 0;
    ``stale_min_n`` an integer >= 2 or None; ``gap_s`` > 0; ``repress_min`` >= 0;
    ``repress_k`` >= 0; ``scale`` > 0 or None; ``step`` >= 0, NaN or None. NaN is
    rejected everywhere except ``step``.

    Raises:
        TelemetryError: the first argument outside its range.

    Example:
        >>> try:
        ...     check_thresholds(glitch_k=-1.0)
        ... except TelemetryError as e:
        ...     print(e)
        clean: argument glitch_k=-1.0 is outside (0, inf] (or None)
    """
    rules = {"glitch_k": (0.0, False, True), "stale_min_s": (0.0, False, False),
             "gap_s": (0.0, False, False), "repress_min": (0.0, True, False),
             "repress_k": (0.0, True, False), "scale": (0.0, False, True)}
    for name, value in kw.items():
        if name == "stale_min_n":
            ok = value is None or (isinstance(value, int | np.integer)
                                   and not isinstance(value, bool) and value >= 2)
            if not ok:
                raise TelemetryError(f"clean: argument stale_min_n={value!r} must be an integer "
                                     ">= 2 (or None)")
            continue
        if name == "step":
            if value is not None and not (isinstance(value, int | float | np.floating)
                                          and (np.isnan(value) or value >= 0)):
                raise TelemetryError(f"clean: argument step={value!r} must be >= 0, NaN or None")
            continue
        lo, closed, none_ok = rules[name]
        if value is None and none_ok:
            continue
        try:
            x = float(value)
        except (TypeError, ValueError):
            x = float("nan")
        if not (x >= lo if closed else x > lo):
            rng = f"{'[' if closed else '('}{lo:g}, inf]" + (" (or None)" if none_ok else "")
            raise TelemetryError(f"clean: argument {name}={value!r} is outside {rng}")


def spike_statistic(values: np.ndarray) -> np.ndarray:
    """Size of each sample as a single-sample spike (0 where it does not have the shape).

    ``g_i = min(|a|, |b|)`` with ``a = v[i] - v[i-1]``, ``b = v[i] - v[i+1]``, when ``a`` and
    ``b`` have the same sign and the neighbours agree (``|v[i+1] - v[i-1]| <= g_i / 2``), as
    in the glitch test of :func:`clean_arrays`; the end samples get 0.

    Example:
        >>> spike_statistic(np.array([0.0, 0.1, 3.0, 0.0, 0.1])).tolist()
        [0.0, 0.0, 2.9, 0.0, 0.0]
    """
    v = np.asarray(values, dtype=np.float64)
    g = np.zeros(v.size)
    if v.size < 3:
        return g
    a = v[1:-1] - v[:-2]
    b = v[1:-1] - v[2:]
    m = np.minimum(np.abs(a), np.abs(b))
    ok = (np.sign(a) == np.sign(b)) & (np.abs(v[2:] - v[:-2]) <= 0.5 * m)
    g[1:-1] = np.where(ok, m, 0.0)
    return g


def spike_tail_threshold(values: np.ndarray, *, alpha: float = 0.05,
                         min_n: int = 20_000) -> float:
    """Spike size a series' own noise exceeds ``alpha`` times, from its spike-size tail.

    A gauge's noise may have heavier tails than a Gaussian (then a threshold in noise
    scales flags many samples that are only noise). The upper tail of
    :func:`spike_statistic` is taken as Pareto between its quantiles at ``1 - p1`` and
    ``1 - p2`` (``p1 = 1e-2``, ``p2 = max(1e-4, 20 / n)``; injected glitches, far rarer
    than ``p2``, barely move them): with slope
    ``beta = log(p1 / p2) / log(q2 / q1)`` the size exceeded ``alpha`` times in the series
    is ``q2 (p2 n / alpha)^(1 / beta)``. A Pareto tail lies above a Gaussian or exponential
    one, so the extrapolation errs on the side of keeping samples.

    Args:
        values: Values in time order (surviving samples).
        alpha: Expected number of noise spikes above the threshold.
        min_n: Shorter series get 0 (too few samples for the tail).

    Returns:
        The threshold in the values' unit (0 when it cannot be estimated).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> gauss = rng.normal(0, 1, 200_000)
        >>> heavy = rng.standard_t(3, 200_000) / np.sqrt(3)
        >>> spike_tail_threshold(heavy) > 2 * spike_tail_threshold(gauss)
        True
    """
    v = np.asarray(values, dtype=np.float64)
    n = v.size
    if n < min_n:
        return 0.0
    g = spike_statistic(v)
    p1, p2 = 1e-2, max(1e-4, 20.0 / n)
    q1, q2 = np.quantile(g, [1.0 - p1, 1.0 - p2])
    if not (q1 > 0 and q2 > q1):
        return 0.0
    beta = np.log(p1 / p2) / np.log(q2 / q1)
    return float(q2 * (p2 * n / alpha) ** (1.0 / beta))


def auto_glitch_k(values: np.ndarray, scale: float) -> float:
    """The default glitch threshold of :func:`clean_arrays`, in noise scales.

    :func:`glitch_threshold` of the series length ``k``, unless the spikes above ``k``
    scales look like the tail of the noise rather than a few separate glitches: more than
    ``2 c2 + 10`` of them when ``c2`` lie above ``2 k`` scales (glitches stand far out, so
    they count in both; the tail of heavy-tailed noise thins out between the two). Then
    the gauge's own spikes would pass, and the threshold becomes
    :func:`spike_tail_threshold` over the scale if that is larger. A glitch no larger
    than the noise's own spikes is then kept: it cannot be told from them.

    Example:
        >>> rng = np.random.default_rng(1)
        >>> round(auto_glitch_k(rng.normal(0, 1, 100_000), 1.0), 1)
        5.8
        >>> auto_glitch_k(rng.standard_t(3, 100_000) / np.sqrt(3), 1.0) > 8
        True
    """
    v = np.asarray(values, dtype=np.float64)
    n = v.size
    k = glitch_threshold(n)
    if n < 3 or not scale > 0:
        return k
    c1 = c2 = 0
    for a in range(0, n - 2, _SAMPLE_FOR_SCALE):  # chunks: memory stays bounded
        g = spike_statistic(v[a : min(a + _SAMPLE_FOR_SCALE + 2, n)])[1:-1]
        c1 += int((g > k * scale).sum())
        c2 += int((g > 2.0 * k * scale).sum())
    if c1 > 2 * c2 + 10:
        k = max(k, spike_tail_threshold(v) / scale)
    return k


def pre_flags(t_ns: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``NAN``, ``DUPLICATE`` and ``TIME_COLLISION`` flags of time-sorted arrays.

    Steps 1 and 3 of :func:`clean_arrays`: a non-finite value gets ``NAN``; a row with the
    same time and value as the previous row gets ``DUPLICATE``; the same time but another
    (finite) value, ``TIME_COLLISION``. The tests look only at neighbouring rows, so a
    partition of a time-ordered series (disjoint in time from the others) gets the same
    flags alone as inside the whole. One compiled pass
    (:func:`prkanalysis.telemetry.kernels.flags.pre_flags`).

    Args:
        t_ns: int64 ns times, sorted.
        values: float64 values.

    Returns:
        uint16 flags, one per row.

    Example:
        >>> pre_flags(np.array([0, 1, 1, 2, 2]), np.array([1.0, 2.0, 2.0, np.nan, 3.0])).tolist()
        [0, 0, 2, 1, 4]
    """
    from prkanalysis.telemetry.kernels.flags import pre_flags as pre_flags_loop

    return pre_flags_loop(t_ns, values)


def _live(
    flags: np.ndarray, t: np.ndarray, v: np.ndarray
) -> tuple[np.ndarray | None, tuple[np.ndarray, np.ndarray]]:
    """The surviving samples' times and values, and a key to map their positions back.

    Returns ``(key, (t_live, v_live))``; ``key`` is ``None`` when nothing is dropped (then
    no copy is made), else ``dropped - arange(len(dropped))`` for the sorted positions
    ``dropped`` of the dropped samples: the number of surviving samples before each one
    (surviving sample ``j`` sits at ``j + #{key <= j}``). Dropped samples are usually few,
    so this is much smaller than an index of the surviving samples.
    """
    drop = (flags & DROP_MASK) != 0
    dropped = np.flatnonzero(drop)
    if dropped.size == 0:
        return None, (t, v)
    keep = ~drop
    del drop
    return dropped - np.arange(dropped.size), (t[keep], v[keep])


def flag_arrays(
    t_ns: np.ndarray,
    values: np.ndarray,
    *,
    scale: float,
    glitch_k: float = 4.0,
    stale_min_s: float = 600.0,
    stale_min_n: int = 5,
    gap_s: float = 3600.0,
    repress_min: float = 5.0,
    repress_k: float = 20.0,
    flags: np.ndarray | None = None,
) -> np.ndarray:
    """Flags of time-sorted arrays for a given noise scale (:func:`clean_arrays` minus 2, 4).

    The flag core shared by :func:`clean_arrays` (whole series, estimated scale) and the
    partitioned pipeline of :mod:`prkanalysis.telemetry.scale` (a partition between halos
    of its neighbours' rows, with the global scale). Transformations: ``NAN``,
    ``DUPLICATE`` and ``TIME_COLLISION`` by :func:`pre_flags` (unless ``flags`` is given);
    then on the surviving samples ``GLITCH``, ``STALE``, ``GAP_BEFORE`` and ``REPRESS`` as
    :func:`clean_arrays` defines them. Only the samples with ``min(|a|, |b|) > glitch_k x
    scale`` get the full glitch test, only runs of at least ``stale_min_n`` identical values
    get the duration test, and nothing is copied while no sample is dropped; the comparisons
    are those of the definitions (``x - y == -(y - x)`` in IEEE arithmetic), so the flags do
    not depend on these shortcuts.

    Args:
        t_ns: int64 ns times, sorted.
        values: float64 values.
        scale: Noise scale ``s`` (see :func:`robust_scale`).
        glitch_k: Glitch threshold in noise scales (``inf`` disables).
        stale_min_s: Shortest frozen run, seconds (``inf`` disables).
        stale_min_n: Fewest samples in a frozen run.
        gap_s: Longest interval that is not a gap, seconds.
        repress_min: Smallest repressurisation step, in the values' unit.
        repress_k: Repressurisation threshold in noise scales.
        flags: ``pre_flags`` already computed (updated in place).

    Returns:
        uint16 flags, one per row.

    Raises:
        TelemetryError: lengths differ or times are not sorted.

    Example:
        >>> t = np.arange(8) * 10**9
        >>> v = np.array([740.0, 740.1, 740.0, 735.0, 740.1, 740.0, 760.0, 760.1])
        >>> np.flatnonzero(flag_arrays(t, v, scale=0.1)).tolist()
        [3, 6]
    """
    t = np.asarray(t_ns, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    if t.size != v.size:
        raise TelemetryError(f"flag_arrays: {t.size} times but {v.size} values")
    if t.size > 1 and np.any(t[1:] < t[:-1]):
        raise TelemetryError("flag_arrays: times must be sorted (use clean_arrays to sort)")
    return _flag_sorted(t, v, float(scale), glitch_k, stale_min_s, stale_min_n, gap_s,
                        repress_min, repress_k, flags)


def _flag_sorted(t: np.ndarray, v: np.ndarray, s: float, glitch_k: float, stale_min_s: float,
                 stale_min_n: int, gap_s: float, repress_min: float, repress_k: float,
                 flags: np.ndarray | None) -> np.ndarray:
    """:func:`flag_arrays` without the argument checks (sorted int64/float64 arrays).

    One compiled pass (:func:`prkanalysis.telemetry.kernels.flags.flag_parts` with empty
    halos) computes the flags that these steps define on the live samples (those with no
    ``DROP_MASK`` bit): ``pre_flags`` when ``flags`` is ``None``; ``GLITCH`` where sample
    ``i`` passes the glitch test against live ``i-1`` and ``i+1``, all decided before any
    glitch is removed (only when there are at least 3 live samples and ``glitch_k`` is
    finite; ``thr = glitch_k * s``, ``|d| > thr`` as ``d > thr or d < -thr``, neighbours
    within ``gap_s * 1e9`` ns); then, without the glitches, ``STALE`` on all but the first
    sample of each run of equal values with at least ``stale_min_n`` samples and
    ``(t_last - t_first) / 1e9 > stale_min_s`` (if ``stale_min_s`` is finite); then,
    without the stale samples, ``GAP_BEFORE`` where ``t[j] - t[j-1] > gap_s * 1e9`` (if
    finite) and ``REPRESS`` where ``v[j] - v[j-1] > max(repress_min, repress_k * s)`` (if
    finite). Bits are or-ed into ``flags`` (updated in place when given).
    """
    from prkanalysis.telemetry.kernels.flags import flag_parts

    e_t = np.empty(0, dtype=np.int64)
    e_v = np.empty(0, dtype=np.float64)
    work = flags
    if flags is not None and (flags.dtype != np.uint16 or not flags.flags.c_contiguous
                              or not flags.flags.writeable):
        work = np.ascontiguousarray(flags & 0xFFFF, dtype=np.uint16)
    out = flag_parts(e_t, e_v, t, v, e_t, e_v, s, glitch_k, stale_min_s, stale_min_n, gap_s,
                     repress_min, repress_k, work)
    if flags is None:
        return out
    if work is not flags:
        flags |= out
    return flags


def clean_arrays(
    t_ns: np.ndarray,
    values: np.ndarray,
    *,
    glitch_k: float | None = None,
    stale_min_s: float = 600.0,
    stale_min_n: int | None = None,
    gap_s: float = 3600.0,
    repress_min: float = 5.0,
    repress_k: float = 20.0,
    clock: Literal["repair", "reject"] = "repair",
    step: float | None = None,
    scale: float | None = None,
    source: str = "telemetry",
) -> dict[str, Any]:
    """Flag one channel's samples; the array core of :func:`clean`.

    Transformations, in order (NumPy passes and the compiled loop of
    :mod:`~prkanalysis.telemetry.kernels.flags`):

    1. **NaN**: non-finite values get ``NAN``.
    2. **Clock**: if a time is earlier than the one before it, ``clock="reject"`` raises and
       ``clock="repair"`` stable-sorts by time; moved samples get ``REORDERED``.
    3. **Duplicates**: a row with the same time and value as the previous one gets
       ``DUPLICATE``; same time but another value, ``TIME_COLLISION`` (first kept).
    4. **Quantisation**: the step is estimated by :func:`detect_step` (unless given) and the
       noise scale ``s`` by :func:`robust_scale` (unless given) on the surviving samples.
    5. **Glitches**: sample ``i`` with neighbours ``i-1``, ``i+1`` (surviving, no gap between)
       is a glitch when ``a = v[i]-v[i-1]`` and ``b = v[i]-v[i+1]`` have the same sign,
       ``min(|a|,|b|) > glitch_k * s`` and ``|v[i+1]-v[i-1]| <= min(|a|,|b|)/2``.
    6. **Stale**: runs of identical values lasting more than ``stale_min_s`` seconds with at
       least ``stale_min_n`` samples (by default from :func:`stale_run_length`, so that a
       quantised gauge that legitimately repeats its value is not called frozen): all but
       the first sample get ``STALE``. (Change-driven
       feeds send one sample per change, so they never form such runs; a frozen feed does.)
    7. **Gaps**: the first sample after more than ``gap_s`` seconds gets ``GAP_BEFORE``.
    8. **Repressurisations**: the first sample after an upward step larger than
       ``max(repress_min, repress_k * s)`` gets ``REPRESS``.

    Steps 1, 3 and 5-8 are :func:`flag_arrays`; a caller that holds the step and scale of a
    whole series (the partitioned pipeline) passes them and gets the same flags on a part.

    Args:
        t_ns: int64 nanoseconds since the epoch, in arrival order.
        values: float64 values.
        glitch_k: Glitch threshold in noise scales; ``None`` (default) = the larger of
            :func:`glitch_threshold` of the number of surviving samples (4 for a few
            hundred samples, 6.4 for a million: a fixed 4 called one Gaussian sample in
            about 3,000 a glitch), raised by :func:`auto_glitch_k` when the gauge's
            noise has heavy tails (its own spikes are not glitches).
        stale_min_s: Shortest frozen run, in seconds (default 600; ``inf`` disables).
        stale_min_n: Fewest samples in a frozen run; ``None`` (default) =
            :func:`stale_run_length` of the surviving values (at least 5).
        gap_s: Longest interval that is not a gap, in seconds (default 3600).
        repress_min: Smallest repressurisation step in the values' unit (default 5 mmHg).
        repress_k: Repressurisation threshold in noise scales (default 20).
        clock: ``"repair"`` (default) or ``"reject"``.
        step: Quantisation step if known (skips detection); NaN for none.
        scale: Noise scale if known (skips :func:`robust_scale`).
        source: Name used in error messages.

    Returns:
        dict with ``order`` (int64 permutation to time order, or ``None`` when the input is
        already in time order), ``flags`` (uint16, in time order), ``step``, ``scale``
        (floats), ``n_backward`` (backward clock jumps), ``stale_min_n`` and ``glitch_k`` (the
        thresholds used).

    Raises:
        TelemetryError: lengths differ, or the clock runs backwards with ``clock="reject"``
            (names the first offending row, 0-based in arrival order).

    Example:
        >>> t = np.arange(12) * 10**9
        >>> v = np.array([740.0, 740.1, 740.0, 740.1, 740.0, 735.0, 740.0, 740.1, 740.0,
        ...               740.1, 760.0, 760.1])
        >>> out = clean_arrays(t, v, repress_min=5.0)
        >>> f = out["flags"]
        >>> np.flatnonzero(f == GLITCH).tolist(), np.flatnonzero(f == REPRESS).tolist()
        ([5], [10])
        >>> np.flatnonzero(clean_arrays(t, v, scale=2.0)["flags"]).tolist()  # 5 < 4 x 2
        []
    """
    check_thresholds(glitch_k=glitch_k, stale_min_s=stale_min_s, stale_min_n=stale_min_n,
                     gap_s=gap_s, repress_min=repress_min, repress_k=repress_k, scale=scale,
                     step=step)
    t = np.asarray(t_ns, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    n = t.size
    if v.size != n:
        raise TelemetryError(f"{source}: {n} times but {v.size} values")
    if n == 0:
        return {"order": None, "flags": np.zeros(0, dtype=np.uint16),
                "step": float("nan"), "scale": float("nan"), "n_backward": 0,
                "stale_min_n": 5 if stale_min_n is None else int(stale_min_n),
                "glitch_k": 4.0 if glitch_k is None else float(glitch_k)}
    back = np.flatnonzero(t[1:] < t[:-1])
    if back.size and clock == "reject":
        i = int(back[0]) + 1
        raise TelemetryError(
            f"{source}, row {i}, column 'time': clock runs backwards "
            f"({pd.Timestamp(t[i], tz='UTC')} after {pd.Timestamp(t[i - 1], tz='UTC')}); "
            f"{back.size} backward jump(s); use clock='repair' to sort"
        )
    if clock not in ("repair", "reject"):
        raise TelemetryError(f"clock must be 'repair' or 'reject', got {clock!r}")
    order: np.ndarray | None = None  # None: already in time order (no n-sized permutation)
    moved: np.ndarray | None = None
    if back.size:
        order = np.argsort(t, kind="stable")
        t = t[order]
        v = v[order]
        moved = order != np.arange(n)
    flags = pre_flags(t, v)
    if moved is not None:
        flags[moved] |= REORDERED
    _, (_, vv) = _live(flags, t, v)
    q, s = _step_and_scale(vv, step, scale)
    if stale_min_n is None:
        stale_min_n = stale_run_length(vv)
    if glitch_k is None:
        glitch_k = auto_glitch_k(vv, s)
    del vv
    _flag_sorted(t, v, s, glitch_k, stale_min_s, stale_min_n, gap_s, repress_min, repress_k,
                 flags)
    return {"order": order, "flags": flags, "step": q, "scale": s, "n_backward": int(back.size),
            "stale_min_n": int(stale_min_n), "glitch_k": float(glitch_k)}


@dataclass(frozen=True, eq=False)
class CleanAudit:
    """Account of one :func:`clean` run.

    Attributes:
        rows_in: Rows received.
        rows_out: Rows returned.
        counts: One row per (channel, code) with ``action`` (drop/flag) and ``n``; a dropped
            row is counted once, under its first dropping reason.
        channels: Per channel: ``rows_in``, ``rows_out``, ``step`` (quantisation step, NaN if
            none), ``scale`` (noise scale), ``n_backward`` (backward clock jumps),
            ``dither_share`` (share of one-step changes reversed at the next change).
        gaps: Per gap: ``channel``, ``start``, ``end``, ``duration_s``.
        stale: Per frozen run: ``channel``, ``start``, ``end``, ``n_dropped``.
        params: The thresholds used.
    """

    rows_in: int
    rows_out: int
    counts: pd.DataFrame
    channels: pd.DataFrame
    gaps: pd.DataFrame
    stale: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def dropped(self) -> int:
        """Rows dropped (sum over the dropping codes)."""
        c = self.counts
        return int(c.loc[c["action"] == "drop", "n"].sum()) if len(c) else 0

    def n(self, code: str, channel: str | None = None) -> int:
        """Rows carrying ``code`` (for one channel or all)."""
        c = self.counts
        sel = c["code"] == code
        if channel is not None:
            sel &= c["channel"] == channel
        return int(c.loc[sel, "n"].sum())

    def __repr__(self) -> str:
        c = self.counts
        per_code = c[c["action"] == "drop"].groupby("code", sort=False)["n"].sum()
        drops = {str(k): int(v) for k, v in per_code.items() if v}
        return (
            f"CleanAudit(rows_in={self.rows_in}, rows_out={self.rows_out}, "
            f"dropped={self.dropped} {drops}, gaps={len(self.gaps)}, stale_runs={len(self.stale)})"
        )

    def summary(self) -> str:
        """A few lines of text: rows in/out, each code's count, steps per channel."""
        lines = [f"rows in {self.rows_in:,}, out {self.rows_out:,}, dropped {self.dropped:,}"]
        for ch, code, action, n in self.counts[["channel", "code", "action", "n"]].to_numpy():
            if n:
                lines.append(f"  {ch:<16} {code:<15} {action:<5} {int(n):>10,}")
        for r in self.channels.itertuples():
            lines.append(
                f"  {r.channel}: step {r.step:.4g}, noise scale {r.scale:.3g}, "
                f"backward clock jumps {r.n_backward}"
            )
        return "\n".join(lines)


def clean(
    df: pd.DataFrame,
    *,
    glitch_k: float | None = None,
    stale_min_s: float = 600.0,
    stale_min_n: int | None = None,
    gap_s: float = 3600.0,
    repress_min: float = 5.0,
    repress_k: float = 20.0,
    clock: Literal["repair", "reject"] = "repair",
    steps: dict[str, float] | None = None,
    extra_channels: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, CleanAudit]:
    """Clean a long telemetry table channel by channel; see :func:`clean_arrays`.

    Pressure-like channels get every step. The hatch channel (and any channel with unit
    ``"1"``) gets only NaN, clock and duplicate handling (its jumps are real, and it may be
    change-driven, so long silences are not gaps).

    Args:
        df: Long telemetry table (NaN values allowed).
        glitch_k: Glitch threshold in noise scales (``None``: per channel, from
            :func:`glitch_threshold`).
        stale_min_s: Shortest frozen run, seconds.
        stale_min_n: Fewest samples in a frozen run (``None``: per channel, from
            :func:`stale_run_length`).
        gap_s: Longest interval that is not a gap, seconds.
        repress_min: Smallest repressurisation step, in the channel's unit (mmHg).
        repress_k: Repressurisation threshold in noise scales.
        clock: ``"repair"`` sorts a backward-running clock, ``"reject"`` raises.
        steps: Known quantisation step per channel (skips detection for those).
        extra_channels: Channel names to accept besides the known ones.

    Returns:
        ``(clean_df, audit)``: the kept rows sorted by channel then time, with a ``qc``
        column (uint16, the kept flags: reordered, gap_before, repress), attrs preserved;
        and the :class:`CleanAudit`.

    Raises:
        TelemetryError: schema errors, or a backward clock with ``clock="reject"``.

    Example:
        >>> t = pd.to_datetime(np.arange(10) * 10**9, utc=True)
        >>> v = [730.0, 730.1, 730.0, 730.1, 700.0, 730.1, 730.0, 730.1, 730.0, np.nan]
        >>> df = pd.DataFrame({"time": t, "channel": "prk_pressure", "value": v, "unit": "mmHg"})
        >>> out, audit = clean(df)
        >>> len(out), 700.0 in out["value"].tolist(), audit.rows_in == audit.rows_out + 2
        (8, False, True)
        >>> audit.n("glitch"), audit.n("nan")
        (1, 1)
    """
    check_thresholds(glitch_k=glitch_k, stale_min_s=stale_min_s, stale_min_n=stale_min_n,
                     gap_s=gap_s, repress_min=repress_min, repress_k=repress_k)
    if clock not in ("repair", "reject"):
        raise TelemetryError(f"clean: argument clock={clock!r} must be 'repair' or 'reject'")
    validate_schema(df, allow_nan=True, extra_channels=extra_channels)
    params = dict(glitch_k=glitch_k, stale_min_s=stale_min_s, stale_min_n=stale_min_n,
                  gap_s=gap_s, repress_min=repress_min, repress_k=repress_k, clock=clock)
    t_all = df["time"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    v_all = df["value"].to_numpy(dtype=np.float64)
    ch_codes, ch_names = pd.factorize(df["channel"])
    u_codes, u_names = pd.factorize(df["unit"])
    keep_idx: list[np.ndarray] = []
    keep_flags: list[np.ndarray] = []
    counts: list[tuple[str, str, str, int]] = []
    chan_rows: list[dict[str, Any]] = []
    gap_rows: list[tuple[str, pd.Timestamp, pd.Timestamp, float]] = []
    stale_rows: list[tuple[str, pd.Timestamp, pd.Timestamp, int]] = []
    order = np.argsort(np.asarray(ch_names, dtype=str), kind="stable")
    for ci in order:
        name = str(ch_names[ci])
        rows = np.flatnonzero(ch_codes == ci)
        binary = name == PRK_HATCH or str(u_names[u_codes[rows[0]]]) == "1"
        res = clean_arrays(
            t_all[rows], v_all[rows],
            glitch_k=np.inf if binary else glitch_k,
            stale_min_s=np.inf if binary else stale_min_s,
            stale_min_n=stale_min_n,
            gap_s=np.inf if binary else gap_s,
            repress_min=np.inf if binary else repress_min,
            repress_k=repress_k,
            clock=clock,
            step=(steps or {}).get(str(name)),
            source=f"channel {name}",
        )
        flags = res["flags"]
        ordered = rows if res["order"] is None else rows[res["order"]]
        drop = (flags & DROP_MASK) != 0
        remaining = np.ones(flags.size, dtype=bool)
        for bit, (code, action, _) in CODES.items():
            has = (flags & bit) != 0
            if action == "drop":
                has = has & remaining
                remaining &= ~has
            counts.append((str(name), code, action, int(has.sum())))
        keep_idx.append(ordered[~drop])
        keep_flags.append(flags[~drop])
        tk = t_all[ordered[~drop]]
        vk = v_all[ordered[~drop]]
        g = np.flatnonzero(flags[~drop] & GAP_BEFORE)
        for i in g:
            gap_rows.append((str(name), pd.Timestamp(tk[i - 1], tz="UTC"),
                             pd.Timestamp(tk[i], tz="UTC"), (tk[i] - tk[i - 1]) / _NS))
        stale_rows.extend(_stale_runs(str(name), t_all[ordered], flags))
        chan_rows.append({
            "channel": str(name), "rows_in": rows.size, "rows_out": int((~drop).sum()),
            "step": res["step"], "scale": res["scale"], "n_backward": res["n_backward"],
            "dither_share": _dither_share(vk, res["step"]),
        })
    idx = np.concatenate(keep_idx) if keep_idx else np.arange(0)
    out = df.iloc[idx].reset_index(drop=True)
    out["qc"] = np.concatenate(keep_flags) if keep_flags else np.zeros(0, np.uint16)
    out.attrs = dict(df.attrs)
    audit = CleanAudit(
        rows_in=len(df),
        rows_out=len(out),
        counts=pd.DataFrame(counts, columns=["channel", "code", "action", "n"]),
        channels=pd.DataFrame(chan_rows),
        gaps=pd.DataFrame(gap_rows, columns=["channel", "start", "end", "duration_s"]),
        stale=pd.DataFrame(stale_rows, columns=["channel", "start", "end", "n_dropped"]),
        params=params,
    )
    if audit.rows_in != audit.rows_out + audit.dropped:  # pragma: no cover - invariant
        raise TelemetryError(f"cleaning lost rows: {audit!r}")
    return out, audit


def _stale_runs(
    name: str, t: np.ndarray, flags: np.ndarray
) -> list[tuple[str, pd.Timestamp, pd.Timestamp, int]]:
    """Contiguous STALE stretches (in time order) as (channel, start, end, n)."""
    st = (flags & STALE) != 0
    if not st.any():
        return []
    idx = np.flatnonzero(st)
    brk = np.flatnonzero(np.diff(idx) > 1)
    s0 = np.r_[idx[0], idx[brk + 1]]
    s1 = np.r_[idx[brk], idx[-1]]
    return [
        (name, pd.Timestamp(t[a], tz="UTC"), pd.Timestamp(t[b], tz="UTC"), int(b - a + 1))
        for a, b in zip(s0, s1, strict=True)
    ]


def _dither_share(v: np.ndarray, step: float) -> float:
    """Share of one-step changes immediately reversed by the next change (dither)."""
    if not np.isfinite(step) or v.size < 3:
        return float("nan")
    d = np.diff(v)
    d = d[d != 0]
    if d.size < 2:
        return float("nan")
    one = np.abs(np.abs(d) / step - 1.0) < 0.1
    rev = one[:-1] & one[1:] & (np.sign(d[:-1]) != np.sign(d[1:]))
    return float(rev.sum() / max(one[:-1].sum(), 1))
