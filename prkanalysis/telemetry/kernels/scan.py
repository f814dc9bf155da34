"""Per-partition scans of :mod:`prkanalysis.telemetry.scale` as compiled loops.

The partitioned pipeline reads each partition's time-sorted ``(t, v)`` arrays (int64 ns,
float64) a few times: a summary, the strided samples of the first differences that fix the
global quantisation step and noise scale, and the gathering of each segment's kept samples
for its fit. These loops do each of those in one pass, without the boolean masks, index
arrays and copies of the NumPy formulation. What they compute is defined in
:mod:`prkanalysis.telemetry.scale` (and :func:`~prkanalysis.telemetry.clean.pre_flags`);
``tests/test_telemetry_scan_kernel.py`` checks them against NumPy formulations.

*Surviving* (live) rows are those that :func:`~prkanalysis.telemetry.clean.pre_flags` does
not drop: a row is dropped when its value is not finite (``NAN``) or when it has the time of
the previous row (``DUPLICATE`` if the value is equal too, else ``TIME_COLLISION``; a
non-finite value is ``NAN`` either way). The scans take the sorted positions of the dropped
rows (:func:`pre_dropped`), which are few, and step over them.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["flagged_positions", "gather_kept", "halo_rows", "pre_dropped", "strided_diffs",
           "summary_scan"]


@njit(cache=True, nogil=True)
def pre_dropped(t: np.ndarray, v: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """Sorted positions of the rows that ``pre_flags`` drops (int64; empty if none).

    Row ``i`` is dropped when ``v[i]`` is not finite or ``i > 0`` and ``t[i] == t[i-1]``:
    the union of ``NAN``, ``DUPLICATE`` and ``TIME_COLLISION`` of
    :func:`~prkanalysis.telemetry.clean.pre_flags`.
    """
    n = t.size
    count = 0
    for i in range(n):
        if not math.isfinite(v[i]) or (i > 0 and t[i] == t[i - 1]):
            count += 1
    out = np.empty(count, dtype=np.int64)
    if count == 0:
        return out
    k = 0
    for i in range(n):
        if not math.isfinite(v[i]) or (i > 0 and t[i] == t[i - 1]):
            out[k] = i
            k += 1
    return out


@njit(cache=True, nogil=True)
def summary_scan(
    v: np.ndarray, dropped: np.ndarray, tiny_rel: float
) -> tuple[int, int, int, float, float, int, np.ndarray]:  # pragma: no cover - compiled
    """Surviving count, first and last surviving rows, value range, non-zero differences.

    Args:
        v: Values of the partition.
        dropped: :func:`pre_dropped` of the partition.
        tiny_rel: ``tiny_max = tiny_rel x max(max |v|, 1)`` over the surviving values.

    Returns:
        ``(n_live, first_row, last_row, lo, hi, nz_above_tiny, tiny)``: ``lo``/``hi`` the
        smallest and largest surviving value; ``nz_above_tiny`` the count of ``|d| >
        tiny_max`` over the first differences ``d`` of consecutive surviving values;
        ``tiny`` the sorted ``|d|`` with ``0 < |d| <= tiny_max``. ``first_row = -1`` when
        nothing survives.
    """
    n = v.size
    nd = dropped.size
    q = 0
    n_live = 0
    first = -1
    last = -1
    lo = np.inf
    hi = -np.inf
    for i in range(n):
        if q < nd and dropped[q] == i:
            q += 1
            continue
        if first < 0:
            first = i
        last = i
        x = v[i]
        if x < lo:
            lo = x
        if x > hi:
            hi = x
        n_live += 1
    if n_live == 0:
        return 0, -1, -1, np.nan, np.nan, 0, np.empty(0, dtype=np.float64)
    tiny_max = tiny_rel * max(max(abs(lo), abs(hi)), 1.0)
    above = 0
    n_tiny = 0
    q = 0
    prev = np.nan
    have = False
    for i in range(n):
        if q < nd and dropped[q] == i:
            q += 1
            continue
        if have:
            d = abs(v[i] - prev)
            # branch-free counts: zero and non-zero differences alternate at random
            above += d > tiny_max
            n_tiny += (d > 0.0) & (d <= tiny_max)
        prev = v[i]
        have = True
    tiny = np.empty(n_tiny, dtype=np.float64)
    if n_tiny:
        k = 0
        q = 0
        have = False
        for i in range(n):
            if q < nd and dropped[q] == i:
                q += 1
                continue
            if have:
                d = abs(v[i] - prev)
                if 0.0 < d <= tiny_max:
                    tiny[k] = d
                    k += 1
            prev = v[i]
            have = True
        tiny.sort()
    return n_live, first, last, lo, hi, above, tiny


@njit(cache=True, nogil=True)
def _live_walk(
    t: np.ndarray, dropped: np.ndarray, from_end: bool, start_q: int, limit_t: float,
    need: int,
) -> tuple[int, int]:  # pragma: no cover - compiled
    """Walk the surviving rows from one end: ``(count within limit, row of index need)``.

    From the head (``from_end`` false) counts the surviving rows with ``t <= limit_t``;
    from the tail those with ``t >= limit_t`` (starting at the ``start_q``-th surviving row
    from that end, 0-based), and returns the row of the surviving sample ``need`` places
    from that end (``-1`` if there are not that many).
    """
    n = t.size
    nd = dropped.size
    count = 0
    row_need = -1
    k = 0  # surviving rows passed so far
    if not from_end:
        q = 0
        for i in range(n):
            if q < nd and dropped[q] == i:
                q += 1
                continue
            if k == need:
                row_need = i
            if float(t[i]) <= limit_t:
                count += 1
            elif k >= need:
                break
            k += 1
    else:
        q = nd - 1
        for i in range(n - 1, -1, -1):
            if q >= 0 and dropped[q] == i:
                q -= 1
                continue
            if k >= start_q:
                if k - start_q == need:
                    row_need = i
                if float(t[i]) >= limit_t:
                    count += 1
                elif k - start_q >= need:
                    break
            k += 1
    return count, row_need


@njit(cache=True, nogil=True)
def _live_row_from_end(dropped: np.ndarray, n: int, j: int) -> int:  # pragma: no cover
    """Row of the ``j``-th surviving sample counted from the end (0 = the last)."""
    q = dropped.size - 1
    k = 0
    for i in range(n - 1, -1, -1):
        if q >= 0 and dropped[q] == i:
            q -= 1
            continue
        if k == j:
            return i
        k += 1
    return -1


@njit(cache=True, nogil=True)
def halo_rows(
    t: np.ndarray, v: np.ndarray, dropped: np.ndarray, n_live: int, need_n: int,
    span_ns: float, tail: bool,
) -> int:  # pragma: no cover - compiled
    """Rows from one end of a partition that make a sufficient halo (or all rows).

    The definition is that of :func:`prkanalysis.telemetry.scale._halo_rows`, in surviving
    positions ``idx`` (``L`` of them, times ``tl``): if ``L < need_n``, all rows. Head:
    ``j = max(need_n, #{tl <= tl[0] + span} + 1)``; all rows if ``j >= L``, else rows up
    to ``idx[j]`` inclusive. Tail, counted from the end: ``q = max(need_n, #{tl >=
    tl[-1] - span} + 1)``; if the last ``q + 1`` surviving values all equal the last one,
    the run of that value at the tail (first surviving index ``r``) is taken whole with
    ``q`` recomputed from ``tl[r] - span`` and ``need_n`` more samples before ``r``; all
    rows if that reaches the first surviving sample, else rows from ``idx[L - 1 - q]``.
    """
    n = t.size
    if n_live < need_n:
        return n
    if not tail:
        q0 = 0
        nd = dropped.size
        first = 0
        while q0 < nd and dropped[q0] == first:
            q0 += 1
            first += 1
        c, _ = _live_walk(t, dropped, False, 0, float(t[first]) + span_ns, 0)
        j = max(need_n, c + 1)
        if j >= n_live:
            return n
        _, row = _live_walk(t, dropped, False, 0, -np.inf, j)
        return row + 1
    last_row = _live_row_from_end(dropped, n, 0)
    c, _ = _live_walk(t, dropped, True, 0, float(t[last_row]) - span_ns, 0)
    q = max(need_n, c + 1)  # = L - 1 - j of the definition
    if q > n_live - 1:
        return n
    # a run of values equal to the last one that covers the halo is taken whole
    last_v = v[last_row]
    qd = dropped.size - 1
    k = 0
    run = 0  # surviving samples at the tail equal to last_v
    for i in range(n - 1, -1, -1):
        if qd >= 0 and dropped[qd] == i:
            qd -= 1
            continue
        if v[i] != last_v:
            break
        run += 1
        k += 1
    if run >= q + 2:  # the run starts before the halo's first sample
        r_from_end = run - 1  # the run's first sample, counted from the end
        r_row = _live_row_from_end(dropped, n, r_from_end)
        c2, _ = _live_walk(t, dropped, True, 0, float(t[r_row]) - span_ns, 0)
        q = max(r_from_end + 1 + need_n, c2 + 1)
    if q > n_live - 1:
        return n
    return n - _live_row_from_end(dropped, n, q)


@njit(cache=True, nogil=True)
def strided_diffs(
    v: np.ndarray, dropped: np.ndarray, prev_last: float, has_prev: bool, eps: float,
    d_first: int, d_stride: int, z_first: int, z_stride: int,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Every ``d_stride``-th first difference and every ``z_stride``-th ``|d| > eps``.

    ``d`` are the first differences of the surviving values, led (``has_prev``) by the one
    across the left boundary, ``v[first surviving] - prev_last``. Returns
    ``d[d_first::d_stride]`` and ``a[z_first::z_stride]`` with ``a = |d|[|d| > eps]``.
    """
    n = v.size
    nd = dropped.size
    n_live = n - nd
    n_d = n_live - 1 + (1 if has_prev else 0)
    if n_d < 0:
        n_d = 0
    n_all = 0 if n_d <= d_first else (n_d - d_first - 1) // d_stride + 1
    n_nz = 0 if n_d <= z_first else (n_d - z_first - 1) // z_stride + 1  # at most
    all_part = np.empty(n_all, dtype=np.float64)
    nz_part = np.empty(n_nz, dtype=np.float64)
    q = 0
    prev = prev_last
    have = has_prev
    k = 0  # index of the difference
    kz = 0  # index among |d| > eps
    ia = 0
    iz = 0
    next_d = d_first
    next_z = z_first
    for i in range(n):
        if q < nd and dropped[q] == i:
            q += 1
            continue
        if have:
            d = v[i] - prev
            if k == next_d and ia < n_all:
                all_part[ia] = d
                ia += 1
                next_d += d_stride
            a = abs(d)
            big = a > eps
            if kz == next_z and big and iz < n_nz:  # rare: once per z_stride
                nz_part[iz] = a
                iz += 1
                next_z += z_stride
            kz += big  # branch-free: zero and non-zero differences alternate at random
            k += 1
        prev = v[i]
        have = True
    return all_part[:ia], nz_part[:iz]


@njit(cache=True, nogil=True)
def gather_kept(
    t: np.ndarray, v: np.ndarray, flags: np.ndarray, drop_mask: int, ra: int, rb: int,
    t0: int, out_t: np.ndarray, out_p: np.ndarray,
) -> tuple[int, int, int]:  # pragma: no cover - compiled
    """Copy the kept rows of ``[ra, rb)`` into ``out_t`` (seconds from ``t0``) and ``out_p``.

    Kept: ``flags & drop_mask == 0``. ``out_t[k] = (t[r] - t0) / 1e9`` (int64 difference,
    then float division, as NumPy computes it); ``out_p[k] = v[r]``.

    Returns:
        ``(m, first_row, last_row)``: the number of rows copied and the first and last
        kept rows (``-1`` when none).
    """
    m = 0
    first = -1
    last = -1
    for r in range(ra, rb):
        if flags[r] & drop_mask:
            continue
        if first < 0:
            first = r
        last = r
        out_t[m] = (t[r] - t0) / 1e9
        out_p[m] = v[r]
        m += 1
    return m, first, last


@njit(cache=True, nogil=True)
def flagged_positions(flags: np.ndarray, start: int, stop: int,
                      mask: int) -> np.ndarray:  # pragma: no cover - compiled
    """``np.flatnonzero(flags[start:stop] & mask)``: positions relative to ``start`` (int64).

    One counting pass (branch-free) and, when some are set, one filling pass.
    """
    count = 0
    for i in range(start, stop):
        count += (flags[i] & mask) != 0
    out = np.empty(count, dtype=np.int64)
    if count:
        k = 0
        for i in range(start, stop):
            if flags[i] & mask:
                out[k] = i - start
                k += 1
    return out
