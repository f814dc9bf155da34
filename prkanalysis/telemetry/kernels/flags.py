"""Compiled loops of the cleaning flags (Numba, ``nogil``, cached on disk).

The flags are defined by :func:`prkanalysis.telemetry.clean.pre_flags` and
:func:`prkanalysis.telemetry.clean.flag_arrays` (and the numbered steps of
:func:`prkanalysis.telemetry.clean.clean_arrays`); these loops compute the same ``uint16``
arrays, bit for bit:

* :func:`pre_flags`: ``NAN`` (non-finite value), ``DUPLICATE`` (same time and value as the
  previous row) and ``TIME_COLLISION`` (same time as the previous row, another finite value),
  in one pass.
* :func:`flag_parts`: the flags of ``flag_arrays`` (``pre_flags``, then ``GLITCH``,
  ``STALE``, ``GAP_BEFORE`` and ``REPRESS`` on the surviving samples) of the concatenation of
  three time-ordered parts (a partition between halos of its neighbours' rows) without
  concatenating them; with empty halos, the flags of one array.

:func:`flag_parts` makes one pass over the rows and keeps a window of the surviving samples:

1. the row's pre-flags (from the previous row, across part boundaries);
2. a surviving sample ``i-1`` is decided a glitch (or not) when the next surviving sample
   ``i`` arrives, from ``i-2``, ``i-1`` and ``i`` (so every glitch is decided on the
   sequence before glitches are removed, as in ``flag_arrays``);
3. a sample that is not a glitch extends or ends the current run of equal values; when the
   run reaches ``stale_min_n`` samples and lasts more than ``stale_min_s`` (both grow with
   the run, so the run's final test is passed as soon as it is passed once), its samples but
   the first get ``STALE`` (the earlier ones by a walk back over the run's rows), and so do
   the run's later samples;
4. ``GAP_BEFORE`` and ``REPRESS`` of a sample are set against the previous sample that
   survives 1-3 when the sample is not stale; a run that turns stale takes back those of its
   stale samples (keeping any bits they carried on input).

Most rows need none of this: the pass looks ahead by blocks of ``_BLOCK`` rows of one part
and skips a block (pre-flags 0, the window and the run moved to its end) when one
vectorised pass of minima, maxima and sums shows that nothing in it can set a flag: finite
values, increasing times, no step larger than the glitch or repressurisation threshold, no
gap, and no run of equal values long enough to turn stale. Otherwise the rows go one by
one through 1-4, so the flags do not depend on the blocks.

The comparisons are those of ``flag_arrays``: ``int64`` time differences against the
``float64`` thresholds, ``(t_last - t_first) / 1e9 > stale_min_s`` (as the equivalent
``t_last - t_first >= D``, with ``D`` the least ``int64`` that passes), ``d > thr or d < -thr``
for ``|d| > thr``, NumPy's ``sign`` and ``minimum``, and Python's ``max`` for the
repressurisation threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np
from numba import njit, types

from prkanalysis.errors import TelemetryError
from prkanalysis.telemetry.clean import DROP_MASK, GAP_BEFORE, GLITCH, REPRESS, STALE

# the bits are those of prkanalysis.telemetry.clean (which imports this module only inside
# its functions); the compiled loops freeze these module constants in
_GAP_REP: Final[int] = GAP_BEFORE | REPRESS
_NS: Final[float] = 1e9

_RO_T = types.Array(types.int64, 1, "C", readonly=True)
_RO_V = types.Array(types.float64, 1, "C", readonly=True)
_RO_F = types.Array(types.uint16, 1, "C", readonly=True)
_RW_F = types.Array(types.uint16, 1, "C")
_B = types.boolean
_D = types.float64

#: Rows per block of the quiet-block test (a block with nothing to flag is skipped).
_BLOCK: int = 256

_EMPTY_F: Final[np.ndarray] = np.empty(0, dtype=np.uint16)


@njit(types.void(_RO_T, _RO_V, _RW_F), cache=True, nogil=True)
def _pre_flags_loop(t: np.ndarray, v: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover
    """Write the pre-flags of ``t``, ``v`` into ``out`` (every element)."""
    n = t.size
    if n == 0:
        return
    x = v[0]
    out[0] = np.uint16(not x - x == 0.0)  # x - x == 0 exactly when x is finite
    for i in range(1, n):
        x = v[i]
        fin = x - x == 0.0
        st = t[i] == t[i - 1]
        sv = x == v[i - 1]
        out[i] = np.uint16((not fin) | ((st & sv) << 1) | ((st & (not sv) & fin) << 2))


@njit(cache=True, nogil=True, inline="always")
def _sign(x: float) -> float:  # pragma: no cover
    """``numpy.sign`` of a float."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    if x == 0.0:
        return 0.0
    return x  # NaN


@njit(types.boolean(_D, _D, _D, _D, _D, types.int64, types.int64, types.int64, _D),
      cache=True, nogil=True)
def _is_glitch(v0: float, v1: float, v2: float, d1: float, d2: float, t0: np.int64,
               t1: np.int64, t2: np.int64, gap_ns: float) -> bool:  # pragma: no cover
    """The glitch test of ``v1`` between ``v0`` and ``v2`` once both steps are large.

    ``d1 = v1 - v0`` and ``d2 = v2 - v1`` (as ``numpy.diff``), times in ns.
    """
    a = d1
    b = -d2
    aa = abs(a)
    ab = abs(b)
    mc = aa if aa <= ab else ab  # numpy.minimum (no NaN here: the steps passed a test)
    c = abs(v2 - v0)
    near = (t1 - t0) <= gap_ns and (t2 - t1) <= gap_ns
    return bool(_sign(a) == _sign(b) and c <= 0.5 * mc and near)


@njit(types.void(_RW_F, _RO_F, types.int64, types.int64), cache=True, nogil=True)
def _stale_onset(flags: np.ndarray, orig: np.ndarray, i0: int,
                 r: int) -> None:  # pragma: no cover
    """A run from row ``i0`` turns stale at row ``r``: mark its rows ``i0+1 .. r``.

    ``STALE`` on its surviving rows after ``i0`` up to ``r``; their ``GAP_BEFORE`` and
    ``REPRESS`` bits go back to the input's (``orig``, or none).
    """
    has_orig = orig.size > 0
    for q in range(i0 + 1, r + 1):
        fq = flags[q]
        if (fq & DROP_MASK) == 0:
            fq = (fq & ~_GAP_REP) | STALE
            if has_orig:
                fq |= orig[q] & _GAP_REP
            flags[q] = fq


@njit(_D(_RO_V, _RO_V, _RO_V, types.int64), cache=True, nogil=True)
def _value_at(lv: np.ndarray, v: np.ndarray, rv: np.ndarray, i: int) -> float:  # pragma: no cover
    """Row ``i`` of ``lv|v|rv``."""
    if i < lv.size:
        return float(lv[i])
    i -= lv.size
    if i < v.size:
        return float(v[i])
    return float(rv[i - v.size])


@njit(types.boolean(_RO_T, _RO_V, _RW_F, _B, types.int64, types.int64, types.int64, _D, _B,
                    _B, types.int64, _D, _B, _B, types.int64, types.int64), cache=True,
      nogil=True)
def _quiet_block(t: np.ndarray, v: np.ndarray, flags: np.ndarray, compute_pre: bool,
                 j0: int, j1: int, i0: int, thr_g: float, do_glitch: bool, do_gap: bool,
                 gap_int: int, thr_r: float, do_rep: bool, do_stale: bool, stale_ns: int,
                 run_t0: np.int64) -> bool:  # pragma: no cover
    """Whether rows ``j0 .. j1-1`` of ``t``, ``v`` (``j0 >= 1``) are quiet.

    Quiet: finite values, increasing times, no dropping pre-flag (rows ``i0 ..`` of
    ``flags`` when they are given), no step from the row before that is large
    (``|d| > thr_g``), a gap (``dt >= gap_int``) or a repressurisation (``d > thr_r``), and
    no run of equal values (the one through row ``j0 - 1`` started at ``run_t0``) lasting
    ``stale_ns`` or more. One pass of minima, maxima and sums (vectorised by the compiler);
    the runs are followed one by one only when the summed duration of the equal steps does
    not already rule a stale run out.
    """
    fin = 0.0
    d_max = -np.inf
    d_min = np.inf
    dt_min = t[j0] - t[j0 - 1]
    dt_max = dt_min
    eq_sum = 0
    for j in range(j0, j1):
        x = v[j]
        y = v[j - 1]
        d = x - y
        dt = t[j] - t[j - 1]
        fin += x - x  # NaN if any value is not finite
        d_max = d if d > d_max else d_max
        d_min = d if d < d_min else d_min
        dt_min = dt if dt < dt_min else dt_min
        dt_max = dt if dt > dt_max else dt_max
        eq_sum += dt if x == y else 0
    if not fin == 0.0 or dt_min <= 0:
        return False
    if do_gap and dt_max >= gap_int:
        return False
    if do_glitch and (d_max > thr_g or d_min < -thr_g):
        return False
    if do_rep and d_max > thr_r:
        return False
    if do_stale:
        # the runs' durations sum to at most (t[j0-1] - run_t0) + eq_sum (exact in int64
        # when no step is longer than 2**62 / rows)
        lead = t[j0 - 1] - run_t0
        if not (dt_max < (2**62) // (j1 - j0 + 1) and 0 <= lead < 2**62
                and lead + eq_sum < stale_ns):
            rs = run_t0
            for j in range(j0, j1):
                if v[j] == v[j - 1]:
                    if t[j] - rs >= stale_ns:
                        return False
                else:
                    rs = t[j]
    if not compute_pre:
        for j in range(j0, j1):
            if flags[i0 + j - j0] & DROP_MASK:
                return False
    return True


@njit(types.boolean(_RO_T, _RO_V, _RO_T, _RO_V, _RO_T, _RO_V, _RW_F, _B, _RO_F, _D, _B, _D, _B,
                    types.int64, _D, _B, types.int64, _D, _B, types.int64), cache=True,
      nogil=True)
def _flag_loop(lt: np.ndarray, lv: np.ndarray, t: np.ndarray, v: np.ndarray, rt: np.ndarray,
               rv: np.ndarray, flags: np.ndarray, compute_pre: bool, orig: np.ndarray,
               thr_g: float, do_glitch: bool, gap_ns: float, do_stale: bool,
               stale_ns: int, min_n: float, do_gap: bool, gap_int: int, thr_r: float,
               do_rep: bool, blk: int) -> bool:  # pragma: no cover
    """Flags of the concatenation ``lt|t|rt``, ``lv|v|rv`` into ``flags`` (see the module).

    ``compute_pre``: write the pre-flags (every element of ``flags``); else ``flags`` holds
    them and is updated. ``orig``: a copy of the input flags when they may carry
    ``GAP_BEFORE``/``REPRESS`` bits (else empty). ``stale_ns``, ``gap_int``: the least
    ``int64`` ``D`` with ``D / 1e9 > stale_min_s``, ``D > gap_ns`` (:func:`_least_int`).
    ``blk``: rows per quiet block. Returns whether the times are sorted.
    """
    unsorted = False
    # previous row (pre-flags)
    have_row = False
    prow_t = np.int64(0)
    prow_v = 0.0
    # window of the surviving samples p2, p1 (before glitches are removed)
    have_p1 = False
    p1_i = 0
    p1_t = np.int64(0)
    p1_v = 0.0
    p2_t = np.int64(0)
    p2_v = 0.0
    d_prev = 0.0  # p1 - p2
    big_prev = False  # |p1 - p2| > thr_g
    # current run of equal values (after glitches), and the last sample kept after stale
    run_i0 = 0
    run_t0 = np.int64(0)
    run_cnt = 0
    last_v = 0.0
    run_stale = False
    have_prev = False
    prev_i = -1
    prev_t = np.int64(0)
    prev_v = 0.0
    n0 = lt.size
    n01 = n0 + t.size
    n_tot = n01 + rt.size
    next_try = 2
    i = -1
    while i < n_tot:  # one step more (i == n_tot): decide the last sample
        i += 1
        if (i >= next_try and have_p1 and p1_i == i - 1 and have_prev and prev_i == i - 2
                and not run_stale):
            # a quiet block (rows i .. b-1, in one part, after row i-1 of the same part)
            # changes no flag: skip it, if p1 (row i-1) is no gap or repressurisation either
            # and no run of equal values through the block can turn stale
            b = i + blk
            off = -1
            if i > n0 and b <= n01:
                pt, pv, off = t, v, n0
            elif i > n01 and b <= n_tot:
                pt, pv, off = rt, rv, n01
            elif b <= n0:
                pt, pv, off = lt, lv, 0
            quiet = off >= 0
            if quiet:
                cont = p1_v == last_v  # p1 continues the run of row i-2
                cur_t0 = run_t0 if cont else p1_t  # start of the run through row i-1
                quiet = (not (do_gap & ((p1_t - prev_t) > gap_ns))
                         and not (do_rep & ((p1_v - prev_v) > thr_r))
                         and not (do_stale & cont & ((p1_t - run_t0) >= stale_ns))
                         and _quiet_block(pt, pv, flags, compute_pre, i - off, b - off, i,
                                          thr_g, do_glitch, do_gap, gap_int, thr_r, do_rep,
                                          do_stale, stale_ns, cur_t0))
            if not quiet:
                next_try = i + blk
            else:
                jb = b - off
                if compute_pre:
                    flags[i:b] = 0
                # rows i-1 .. b-2 are emitted, b-1 becomes p1; the run ending at b-2
                k = jb - 2
                while k >= i - off and pv[k] == pv[k - 1]:
                    k -= 1
                if k >= i - off:  # the run starts at row i or later
                    run_i0 = k + off
                    run_t0 = pt[k]
                    run_cnt = jb - 1 - k
                elif cont:  # it continues the run of row i-2
                    run_cnt += b - i
                else:  # it starts at row i-1
                    run_i0 = i - 1
                    run_t0 = p1_t
                    run_cnt = b - i
                last_v = pv[jb - 2]
                prev_i = b - 2
                prev_t = pt[jb - 2]
                prev_v = pv[jb - 2]
                p2_t = prev_t
                p2_v = prev_v
                p1_i = b - 1
                p1_t = pt[jb - 1]
                p1_v = pv[jb - 1]
                d_prev = p1_v - p2_v
                big_prev = False
                prow_t = p1_t
                prow_v = p1_v
                next_try = b
                i = b - 1
                continue
        ti = np.int64(0)
        vi = 0.0
        have_new = i < n_tot
        if have_new:
            # the row of the concatenation (the halo branches are taken rarely)
            if i >= n0 and i < n01:
                ti = t[i - n0]
                vi = v[i - n0]
            elif i < n0:
                ti = lt[i]
                vi = lv[i]
            else:
                ti = rt[i - n01]
                vi = rv[i - n01]
            if compute_pre:
                fin = vi - vi == 0.0
                st = have_row & (ti == prow_t)
                sv = vi == prow_v
                f = (not fin) | ((st & sv) << 1) | ((st & (not sv) & fin) << 2)
                flags[i] = f
            else:
                f = flags[i]
            unsorted |= have_row & (ti < prow_t)
            have_row = True
            prow_t = ti
            prow_v = vi
            if f & DROP_MASK:
                continue
        if not have_p1:
            have_p1 = True
            p1_i = i
            p1_t = ti
            p1_v = vi
            continue
        # decide the glitch test of p1 (between p2 and the new sample)
        d_new = vi - p1_v
        big_new = have_new & do_glitch & ((d_new > thr_g) | (d_new < -thr_g))
        if big_prev and big_new and _is_glitch(p2_v, p1_v, vi, d_prev, d_new, p2_t, p1_t,
                                              ti, gap_ns):
            flags[p1_i] |= GLITCH
        else:
            # p1 survives the glitch test: runs, stale, gap, repress
            r = p1_i
            tr = p1_t
            vr = p1_v
            # equality is transitive for floats that are not NaN: comparing with the
            # previous sample is comparing with the run's first; bit masks, not branches
            same = do_stale & have_prev & (vr == last_v)
            last_v = vr
            keep = -int(same)  # all ones when the run goes on
            run_i0 = (run_i0 & keep) | (r & ~keep)
            run_t0 = (run_t0 & keep) | (tr & ~keep)
            run_stale = run_stale & same
            run_cnt = (run_cnt & keep) + 1
            if run_stale | (same & (run_cnt >= min_n) & ((tr - run_t0) >= stale_ns)):
                if not run_stale:
                    _stale_onset(flags, orig, run_i0, r)
                    run_stale = True
                else:
                    flags[r] |= STALE
                prev_i = run_i0
                prev_t = run_t0
                prev_v = _value_at(lv, v, rv, run_i0)
            else:
                dt = tr - prev_t
                dv = vr - prev_v
                fa = (((have_prev & do_gap & (dt > gap_ns)) << 6)
                      | ((have_prev & do_rep & (dv > thr_r)) << 7))
                if fa:
                    flags[r] |= fa
                have_prev = True
                prev_i = r
                prev_t = tr
                prev_v = vr
        p2_t = p1_t
        p2_v = p1_v
        p1_i = i
        p1_t = ti
        p1_v = vi
        d_prev = d_new
        big_prev = big_new
    return not unsorted


def _least_int(ok: Callable[[int], bool]) -> int | None:
    """The least ``int64`` ``D`` with ``ok(D)`` for a test that is monotone in ``D``.

    ``None`` when no ``int64`` passes. The loops compare ``int64`` time differences with
    these integers: ``float(D) / 1e9 > stale_min_s`` and ``float(D) > gap_ns`` are monotone
    in ``D`` (rounding to float64 and dividing by a positive number are), so each holds
    exactly when ``D`` is at least its least passing value.
    """
    lo, hi = -(2**63), 2**63 - 1
    if not ok(hi):
        return None
    if ok(lo):
        return lo
    while hi - lo > 1:  # ok(hi) and not ok(lo)
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _as_t(x: Any) -> np.ndarray:
    a = np.asarray(x, dtype=np.int64)
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def _as_v(x: Any) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def pre_flags(t_ns: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``NAN``, ``DUPLICATE`` and ``TIME_COLLISION`` flags, one compiled pass.

    The flags of :func:`prkanalysis.telemetry.clean.pre_flags`: a non-finite value gets
    ``NAN``; a row with the same time as the previous row gets ``DUPLICATE`` if its value
    equals the previous row's (``==``, so a NaN never does), else ``TIME_COLLISION`` if its
    value is finite.

    Args:
        t_ns: int64 ns times (sorted for the flags to mean anything).
        values: float64 values, as many.

    Returns:
        uint16 flags, one per row.

    Raises:
        TelemetryError: the lengths differ.

    Example:
        >>> pre_flags(np.array([0, 1, 1, 2, 2]), np.array([1.0, 2.0, 2.0, np.nan, 3.0])).tolist()
        [0, 0, 2, 1, 4]
    """
    t = _as_t(t_ns)
    v = _as_v(values)
    if t.size != v.size:
        raise TelemetryError(f"pre_flags: {t.size} times but {v.size} values")
    out = np.empty(t.size, dtype=np.uint16)
    _pre_flags_loop(t, v, out)
    return out


def flag_parts(
    lt: np.ndarray,
    lv: np.ndarray,
    t: np.ndarray,
    v: np.ndarray,
    rt: np.ndarray,
    rv: np.ndarray,
    scale: float,
    glitch_k: float,
    stale_min_s: float,
    stale_min_n: float,
    gap_s: float,
    repress_min: float,
    repress_k: float,
    flags: np.ndarray | None = None,
) -> np.ndarray:
    """Flags of ``concatenate([lt, t, rt])``, ``concatenate([lv, v, rv])`` without the copy.

    Equal, element for element, to ``flag_arrays(concatenate(...), concatenate(...), ...)`` of
    :mod:`prkanalysis.telemetry.clean` with the same thresholds (``pre_flags`` included, so
    a row's ``DUPLICATE`` or ``TIME_COLLISION`` is decided against the previous row across a
    part boundary). Pass empty halos for one array.

    Args:
        lt: int64 ns times of the left part (may be empty).
        lv: float64 values of the left part.
        t: int64 ns times of the middle part.
        v: float64 values of the middle part.
        rt: int64 ns times of the right part (may be empty).
        rv: float64 values of the right part.
        scale: Noise scale ``s``.
        glitch_k: Glitch threshold in noise scales (non-finite disables).
        stale_min_s: Shortest frozen run, seconds (non-finite disables).
        stale_min_n: Fewest samples in a frozen run.
        gap_s: Longest interval that is not a gap, seconds.
        repress_min: Smallest repressurisation step, in the values' unit.
        repress_k: Repressurisation threshold in noise scales.
        flags: The concatenation's ``pre_flags`` (or more bits) already computed; updated in
            place and returned. ``None``: computed here.

    Returns:
        uint16 flags, one per row of the concatenation.

    Raises:
        TelemetryError: lengths differ or the concatenated times are not sorted.

    Example:
        >>> t = np.arange(8) * 10**9
        >>> v = np.array([740.0, 740.1, 740.0, 735.0, 740.1, 740.0, 760.0, 760.1])
        >>> f = flag_parts(t[:3], v[:3], t[3:5], v[3:5], t[5:], v[5:], 0.1, 4.0, 600.0, 5,
        ...                3600.0, 5.0, 20.0)
        >>> np.flatnonzero(f).tolist()
        [3, 6]
    """
    ts = [_as_t(x) for x in (lt, t, rt)]
    vs = [_as_v(x) for x in (lv, v, rv)]
    for a, b in zip(ts, vs, strict=True):
        if a.size != b.size:
            raise TelemetryError(f"flag_parts: {a.size} times but {b.size} values")
    n = ts[0].size + ts[1].size + ts[2].size
    compute_pre = flags is None
    orig = _EMPTY_F
    if flags is None:
        flags = np.empty(n, dtype=np.uint16)
    else:
        if flags.dtype != np.uint16 or flags.shape != (n,) or not flags.flags.c_contiguous:
            raise TelemetryError("flag_parts: flags must be a contiguous uint16 array, one "
                                 "per row")
        if n and np.bitwise_and(flags, _GAP_REP).any():
            orig = flags.copy()  # bits a stale sample keeps (rare: never from pre_flags)
    s = float(scale)
    gk = float(glitch_k)
    gap_ns = float(gap_s) * _NS
    thr_r = max(float(repress_min), float(repress_k) * s)  # Python's max, as flag_arrays
    # a run that can never turn stale changes nothing: as if the stale test were off
    ms = float(stale_min_s)
    stale_ns = _least_int(lambda d: float(d) / _NS > ms) if np.isfinite(ms) else None
    do_gap = bool(np.isfinite(gap_ns))
    gap_int = _least_int(lambda d: float(d) > gap_ns) if do_gap else None
    ok = _flag_loop(ts[0], vs[0], ts[1], vs[1], ts[2], vs[2], flags, compute_pre, orig,
                    gk * s, bool(np.isfinite(gk)), gap_ns, stale_ns is not None,
                    0 if stale_ns is None else stale_ns, float(stale_min_n), do_gap,
                    2**63 - 1 if gap_int is None else gap_int, thr_r,
                    bool(np.isfinite(thr_r)), _BLOCK)
    if not ok:
        raise TelemetryError("flag_parts: times must be sorted")
    return flags
