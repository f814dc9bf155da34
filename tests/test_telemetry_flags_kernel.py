"""The compiled cleaning flags against the NumPy implementation they replaced.

The oracle below is the vectorised NumPy code of ``pre_flags`` and ``flag_arrays`` that
defined the flags before the compiled loops of
:mod:`prkanalysis.telemetry.kernels.flags`; every test asserts that the full ``uint16``
arrays are equal, on hypothesis-generated small series (ties, NaNs, infinities,
duplicates, time collisions, glitches, frozen runs, gaps, steps, signed zeros), with
thresholds including infinities and NaNs, split into three parts at random, and on a few
million SIMULATED samples.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prkanalysis.errors import TelemetryError
from prkanalysis.telemetry import flag_arrays, pre_flags, simulate_arrays
from prkanalysis.telemetry.clean import (
    DROP_MASK,
    DUPLICATE,
    GAP_BEFORE,
    GLITCH,
    NAN,
    REORDERED,
    REPRESS,
    STALE,
    TIME_COLLISION,
)
from prkanalysis.telemetry.kernels import flags as kf

_NS = 1e9
SETTINGS = settings(max_examples=300, deadline=None, derandomize=True)


# --- oracle: the NumPy implementation (as it was in clean.py) -------------------------------


def oracle_pre_flags(t_ns: np.ndarray, values: np.ndarray) -> np.ndarray:
    t = np.asarray(t_ns, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    flags = np.zeros(t.size, dtype=np.uint16)
    if t.size == 0:
        return flags
    fin = np.isfinite(v)
    if not fin.all():
        flags[~fin] |= NAN
    same_t = t[1:] == t[:-1]
    if same_t.any():
        same_v = v[1:] == v[:-1]
        flags[1:][same_t & same_v] |= DUPLICATE
        flags[1:][same_t & ~same_v & fin[1:]] |= TIME_COLLISION
    return flags


def _live(flags, t, v):
    drop = (flags & DROP_MASK) != 0
    dropped = np.flatnonzero(drop)
    if dropped.size == 0:
        return None, (t, v)
    keep = ~drop
    return dropped - np.arange(dropped.size), (t[keep], v[keep])


def _mark(flags, key, idx, bit):
    if key is not None:
        idx = idx + np.searchsorted(key, idx, side="right")
    flags[idx] |= bit


def oracle_flag_sorted(t, v, s, glitch_k, stale_min_s, stale_min_n, gap_s, repress_min,
                       repress_k, flags):
    if flags is None:
        flags = oracle_pre_flags(t, v)
    key, (tv, vv) = _live(flags, t, v)
    gap_ns = gap_s * _NS
    d = None
    if tv.size >= 3 and np.isfinite(glitch_k):
        d = np.diff(vv)
        thr = glitch_k * s
        big = d > thr
        big |= d < -thr
        cand = np.flatnonzero(big[:-1] & big[1:])
        if cand.size:
            a = d[cand]
            b = -d[cand + 1]
            mc = np.minimum(np.abs(a), np.abs(b))
            c = np.abs(vv[cand + 2] - vv[cand])
            near = (tv[cand + 1] - tv[cand] <= gap_ns) & (tv[cand + 2] - tv[cand + 1] <= gap_ns)
            is_g = (np.sign(a) == np.sign(b)) & (c <= 0.5 * mc) & near
            if is_g.any():
                _mark(flags, key, cand[is_g] + 1, GLITCH)
                key, (tv, vv) = _live(flags, t, v)
                d = None
    if tv.size >= 2 and np.isfinite(stale_min_s):
        same = (d == 0) if d is not None else (vv[1:] == vv[:-1])
        starts = np.flatnonzero(np.r_[True, ~same])
        cnt = np.diff(np.r_[starts, tv.size])
        long_runs = np.flatnonzero(cnt >= stale_min_n)
        if long_runs.size:
            r0 = starts[long_runs]
            r1 = r0 + cnt[long_runs] - 1
            bad = (tv[r1] - tv[r0]) / _NS > stale_min_s
            if bad.any():
                b0, b1 = r0[bad], r1[bad]
                lens = b1 - b0
                idx = np.repeat(b0 + 1 - np.r_[0, np.cumsum(lens)[:-1]], lens) + np.arange(
                    int(lens.sum())
                )
                _mark(flags, key, idx, STALE)
                key, (tv, vv) = _live(flags, t, v)
                d = None
    if tv.size >= 2:
        if np.isfinite(gap_ns):
            _mark(flags, key, np.flatnonzero(np.diff(tv) > gap_ns) + 1, GAP_BEFORE)
        thr = max(repress_min, repress_k * s)
        if np.isfinite(thr):
            dv = d if d is not None else np.diff(vv)
            _mark(flags, key, np.flatnonzero(dv > thr) + 1, REPRESS)
    return flags


# --- generated series ------------------------------------------------------------------------

_STEPS = [0, 0, 1, 1, 1, 1, 1, 2, 3, 7, 60]  # seconds between rows (0: same time)
_OPS = ["noise", "noise", "noise", "same", "same", "same", "spike", "up", "down", "nan",
        "inf", "-inf", "zero", "-zero", "repeat_row"]


@st.composite
def series(draw, max_n: int = 40):
    n = draw(st.integers(0, max_n))
    steps = draw(st.lists(st.sampled_from(_STEPS), min_size=n, max_size=n))
    ops = draw(st.lists(st.sampled_from(_OPS), min_size=n, max_size=n))
    noise = draw(st.lists(st.integers(-2, 2), min_size=n, max_size=n))
    q = draw(st.sampled_from([0.1, 0.5, 1.0]))
    t = np.empty(n, dtype=np.int64)
    v = np.empty(n, dtype=np.float64)
    t0 = draw(st.integers(-10**12, 10**12))
    level = draw(st.sampled_from([0.0, 740.0, -3.0]))
    cur_t, prev_v = t0, level
    for i in range(n):
        cur_t += steps[i] * 10**9
        op = ops[i]
        if op == "noise":
            x = level + noise[i] * q
        elif op in ("same", "repeat_row"):
            x = prev_v
            if op == "repeat_row" and i > 0:
                cur_t = int(t[i - 1])
        elif op == "spike":
            x = level + (1 if noise[i] >= 0 else -1) * 30.0 * q * (1 + abs(noise[i]))
        elif op == "up":
            level += 25.0
            x = level
        elif op == "down":
            level -= 25.0
            x = level
        elif op == "nan":
            x = np.nan
        elif op == "inf":
            x = np.inf
        elif op == "-inf":
            x = -np.inf
        elif op == "zero":
            x = 0.0
        else:
            x = -0.0
        t[i] = cur_t
        v[i] = x
        if np.isfinite(x) or op in ("nan", "inf", "-inf"):
            prev_v = x
    return t, v


_F = [0.0, 0.5, 1.0, 4.0, np.inf, np.nan, -1.0]
params = st.fixed_dictionaries({
    "s": st.sampled_from([0.1, 1.0, 0.0, np.nan, np.inf]),
    "glitch_k": st.sampled_from([4.0, 1.5, 0.0, np.inf, np.nan, -1.0]),
    "stale_min_s": st.sampled_from([0.0, 1.0, 2.5, 5.0, np.inf, np.nan, -1.0]),
    "stale_min_n": st.sampled_from([0, 1, 2, 3, 5]),
    "gap_s": st.sampled_from([1.5, 2.0, 3.0, 10.0, np.inf, np.nan, 0.0]),
    "repress_min": st.sampled_from([5.0, 0.0, -1.0, np.inf, np.nan]),
    "repress_k": st.sampled_from([20.0, 0.0, 1.0, np.inf, np.nan]),
})


def _args(p):
    return (p["s"], p["glitch_k"], p["stale_min_s"], p["stale_min_n"], p["gap_s"],
            p["repress_min"], p["repress_k"])


def _kernel_whole(t, v, p, flags=None):
    e_t, e_v = np.empty(0, np.int64), np.empty(0, np.float64)
    return kf.flag_parts(e_t, e_v, t, v, e_t, e_v, *_args(p), flags=flags)


class _block:
    """Set the quiet-block size of the loop (small blocks: the skipping is exercised)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __enter__(self) -> None:
        self.old = kf._BLOCK
        kf._BLOCK = self.n

    def __exit__(self, *exc) -> None:
        kf._BLOCK = self.old


BLOCKS = st.sampled_from([256, 2, 3, 5, 8])


# --- tests -----------------------------------------------------------------------------------


@SETTINGS
@given(series(60))
def test_pre_flags_equal_oracle(tv):
    t, v = tv
    ref = oracle_pre_flags(t, v)
    assert np.array_equal(pre_flags(t, v), ref)
    assert np.array_equal(kf.pre_flags(t, v), ref)


@SETTINGS
@given(series(), params, BLOCKS)
def test_flags_equal_oracle(tv, p, blk):
    t, v = tv
    ref = oracle_flag_sorted(t, v, *_args(p), None)
    with _block(blk):
        got = flag_arrays(t, v, scale=p["s"], glitch_k=p["glitch_k"], stale_min_s=p["stale_min_s"],
                          stale_min_n=p["stale_min_n"], gap_s=p["gap_s"],
                          repress_min=p["repress_min"], repress_k=p["repress_k"])
        whole = _kernel_whole(t, v, p)
    assert got.dtype == np.uint16
    assert np.array_equal(got, ref)
    assert np.array_equal(whole, ref)


@SETTINGS
@given(series(), params, BLOCKS, st.data())
def test_given_flags_equal_oracle(tv, p, blk, data):
    """Flags passed in (extra bits, even gap/repress bits) are kept and or-ed into."""
    t, v = tv
    extra = np.array(data.draw(st.lists(
        st.sampled_from([0, 0, 0, REORDERED, GAP_BEFORE, REPRESS, GLITCH]),
        min_size=t.size, max_size=t.size)), dtype=np.uint16)
    f0 = oracle_pre_flags(t, v) | extra
    ref = oracle_flag_sorted(t, v, *_args(p), f0.copy())
    f1 = f0.copy()
    with _block(blk):
        got = flag_arrays(t, v, scale=p["s"], glitch_k=p["glitch_k"],
                          stale_min_s=p["stale_min_s"], stale_min_n=p["stale_min_n"],
                          gap_s=p["gap_s"], repress_min=p["repress_min"],
                          repress_k=p["repress_k"], flags=f1)
    assert got is f1
    assert np.array_equal(got, ref)


@SETTINGS
@given(series(), params, BLOCKS, st.data())
def test_three_parts_equal_oracle_on_concatenation(tv, p, blk, data):
    t, v = tv
    i = data.draw(st.integers(0, t.size))
    j = data.draw(st.integers(i, t.size))
    ref = oracle_flag_sorted(t, v, *_args(p), None)
    with _block(blk):
        got = kf.flag_parts(t[:i], v[:i], t[i:j], v[i:j], t[j:], v[j:], *_args(p))
    assert np.array_equal(got, ref)


@st.composite
def quiet_series(draw):
    """Long quiet stretches (quantised noise, equal neighbours) with a few events."""
    n = draw(st.integers(50, 400))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    t = np.cumsum(rng.choice([1, 1, 1, 1, 2], n)).astype(np.int64) * 10**9
    v = np.round(rng.normal(0.0, 0.6, n)) * 0.1 + 100.0
    for _ in range(draw(st.integers(0, 6))):
        k = int(rng.integers(0, n))
        kind = draw(st.sampled_from(["spike", "gap", "up", "frozen", "dup", "nan", "coll"]))
        if kind == "spike":
            v[k] += 5.0
        elif kind == "gap":
            t[k:] += 50 * 10**9
        elif kind == "up":
            v[k:] += 8.0
        elif kind == "frozen":
            v[k : k + int(rng.integers(2, 40))] = v[k]
        elif kind == "dup" and k > 0:
            t[k], v[k] = t[k - 1], v[k - 1]
        elif kind == "nan":
            v[k] = np.nan
        elif kind == "coll" and k > 0:
            t[k] = t[k - 1]
    return t, v


@SETTINGS
@given(quiet_series(), st.sampled_from([2, 3, 8, 32, 256]), st.data())
def test_quiet_blocks_equal_oracle(tv, blk, data):
    """Long series, small blocks: the quiet blocks skipped, events at any offset."""
    t, v = tv
    p = {"s": 0.1, "glitch_k": data.draw(st.sampled_from([4.0, np.inf])),
         "stale_min_s": data.draw(st.sampled_from([5.0, 10.0, np.inf])),
         "stale_min_n": data.draw(st.sampled_from([2, 5])),
         "gap_s": data.draw(st.sampled_from([10.0, np.inf])),
         "repress_min": 5.0, "repress_k": data.draw(st.sampled_from([20.0, np.nan]))}
    i = data.draw(st.integers(0, 20))
    j = data.draw(st.integers(t.size - 20, t.size))
    ref = oracle_flag_sorted(t, v, *_args(p), None)
    f0 = oracle_pre_flags(t, v) | REORDERED * (np.arange(t.size) % 7 == 0)
    ref_given = oracle_flag_sorted(t, v, *_args(p), f0.copy())
    with _block(blk):
        assert np.array_equal(_kernel_whole(t, v, p), ref)
        assert np.array_equal(
            kf.flag_parts(t[:i], v[:i], t[i:j], v[i:j], t[j:], v[j:], *_args(p)), ref)
        assert np.array_equal(_kernel_whole(t, v, p, f0.astype(np.uint16)), ref_given)


def test_frozen_run_turning_stale_takes_back_gap_and_repress():
    """A frozen run crossing a gap, with a negative repress threshold: the samples it keeps
    flagged as gap/repress are those of the oracle (the stale ones carry none)."""
    t = np.array([0, 1, 5, 6, 7, 20, 21, 22], dtype=np.int64) * 10**9
    v = np.array([1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 3.0, 3.0])
    p = {"s": 1.0, "glitch_k": np.inf, "stale_min_s": 4.5, "stale_min_n": 3, "gap_s": 3.0,
         "repress_min": -1.0, "repress_k": -5.0}
    ref = oracle_flag_sorted(t, v, *_args(p), None)
    assert ref.tolist() == [0, 128, 16, 16, 16, 16, 192, 128]
    assert np.array_equal(_kernel_whole(t, v, p), ref)


def test_glitches_decided_before_removal():
    """Two adjacent spikes: each is judged with the other as neighbour (oracle semantics)."""
    t = np.arange(7, dtype=np.int64) * 10**9
    v = np.array([0.0, 0.0, 10.0, 0.0, 10.0, 0.0, 0.0])
    p = {"s": 1.0, "glitch_k": 4.0, "stale_min_s": np.inf, "stale_min_n": 5, "gap_s": 10.0,
         "repress_min": 100.0, "repress_k": 0.0}
    ref = oracle_flag_sorted(t, v, *_args(p), None)
    assert np.flatnonzero(ref & GLITCH).tolist() == [2, 3, 4]
    assert np.array_equal(_kernel_whole(t, v, p), ref)


def test_inputs_noncontiguous_readonly_and_checked():
    t = np.arange(20, dtype=np.int64)[::2] * 10**9
    v = np.repeat([1.0, 5.0], 10)[::2].copy()
    v.flags.writeable = False
    p = {"s": 0.1, "glitch_k": 4.0, "stale_min_s": 1.0, "stale_min_n": 2, "gap_s": 1.5,
         "repress_min": 1.0, "repress_k": 1.0}
    ref = oracle_flag_sorted(np.ascontiguousarray(t), v, *_args(p), None)
    assert np.array_equal(kf.flag_parts(t[:3], v[:3], t[3:], v[3:], t[:0], v[:0], *_args(p)),
                          ref)
    with pytest.raises(TelemetryError, match="sorted"):
        kf.flag_parts(t[3:], v[3:], t[:3], v[:3], t[:0], v[:0], *_args(p))
    with pytest.raises(TelemetryError, match="values"):
        kf.flag_parts(t, v[:-1], t[:0], v[:0], t[:0], v[:0], *_args(p))
    with pytest.raises(TelemetryError, match="values"):
        kf.pre_flags(t, v[:-1])


def test_empty_and_all_dropped():
    p = {"s": 1.0, "glitch_k": 4.0, "stale_min_s": 1.0, "stale_min_n": 2, "gap_s": 1.0,
         "repress_min": 1.0, "repress_k": 1.0}
    e_t, e_v = np.empty(0, np.int64), np.empty(0, np.float64)
    assert _kernel_whole(e_t, e_v, p).tolist() == []
    t = np.array([0, 0, 5], dtype=np.int64) * 10**9
    v = np.array([np.nan, np.nan, np.inf])
    ref = oracle_flag_sorted(t, v, *_args(p), None)
    assert ref.tolist() == [NAN, NAN, NAN]
    assert np.array_equal(_kernel_whole(t, v, p), ref)


@pytest.fixture(scope="module")
def simulated():
    # SIMULATED: 40 days at 1 Hz (3.5 million samples) with every kind of defect
    t, v, _, _ = simulate_arrays(duration_days=40, closed_days=(3.0, 6.0), n_glitches=400,
                                 n_stale=6, stale_s=1800.0, n_gaps=5, gap_len_s=7200.0,
                                 n_duplicates=300, seed=11)
    o = np.argsort(t, kind="stable")
    return t[o], v[o]


def test_simulated_series_equal_oracle(simulated):
    t, v = simulated
    assert t.size > 3_000_000
    kw = {"s": 0.05, "glitch_k": 6.4, "stale_min_s": 600.0, "stale_min_n": 5, "gap_s": 3600.0,
          "repress_min": 5.0, "repress_k": 20.0}
    ref = oracle_flag_sorted(t, v, *_args(kw), None)
    for bit in (DUPLICATE, GLITCH, STALE, GAP_BEFORE, REPRESS):
        assert (ref & bit).any()
    assert np.array_equal(_kernel_whole(t, v, kw), ref)
    a, b = t.size // 3, 2 * t.size // 3 + 17
    assert np.array_equal(kf.flag_parts(t[:a], v[:a], t[a:b], v[a:b], t[b:], v[b:],
                                        *_args(kw)), ref)
    assert np.array_equal(pre_flags(t, v), oracle_pre_flags(t, v))


def test_kernel_docstring_examples():
    import doctest

    res = doctest.testmod(kf, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0
    assert res.failed == 0


@pytest.mark.parametrize("blk", [2, 3, 4, 7])
def test_patterns_at_every_offset_from_block_edges(blk):
    """Near-threshold patterns placed at every offset: a skipped block must leave the loop in
    the state the row-by-row loop would have (window, run, previous kept sample)."""
    p = {"s": 1.0, "glitch_k": 1.0, "stale_min_s": 4.0, "stale_min_n": 3, "gap_s": 2.0,
         "repress_min": 3.0, "repress_k": 0.0}
    patterns = [
        [0.9, -0.15],  # a step just under the threshold, then a large one back
        [1.5, 0.0],  # a glitch
        [1.5, 1.5, 0.0],  # two high samples: no glitch
        [3.5, 3.5],  # a repressurisation step
        [0.0] * 6,  # a frozen run that turns stale (5 s > 4 s)
        [2.0] * 5,  # a frozen run of exactly 4 s: not stale
    ]
    for pat in patterns:
        for pos in range(1, 16):
            v = np.r_[np.arange(pos) % 2 * 0.5, pat, (np.arange(12) % 2) * 0.5]
            t = np.arange(v.size, dtype=np.int64) * 10**9
            for gap_at in (None, pos + len(pat)):
                tt = t.copy()
                if gap_at is not None:
                    tt[gap_at:] += 3 * 10**9
                ref = oracle_flag_sorted(tt, v, *_args(p), None)
                with _block(blk):
                    got = _kernel_whole(tt, v, p)
                assert np.array_equal(got, ref), (pat, pos, gap_at)
