"""The compiled per-partition scans equal their NumPy definitions (SIMULATED series).

The oracles below are the NumPy formulations the scans replace (the halo rule as
``prkanalysis.telemetry.scale`` stated it with boolean masks and ``searchsorted``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prkanalysis.telemetry.clean import DROP_MASK, pre_flags
from prkanalysis.telemetry.kernels.scan import (
    gather_kept,
    halo_rows,
    pre_dropped,
    strided_diffs,
    summary_scan,
)

NS = 1e9


# ------------------------------------------------------------------------------ oracles


def _frozen_run_start(v: np.ndarray, idx: np.ndarray, j: int) -> int:
    last = v[idx[-1]]
    if not np.all(v[idx[j:]] == last):
        return j
    diff = np.flatnonzero(v[idx[:j]] != last)
    return int(diff[-1]) + 1 if diff.size else 0


def _halo_oracle(t: np.ndarray, v: np.ndarray, live: np.ndarray, need_n: int, span_s: float,
                 side: str) -> int:
    idx = np.flatnonzero(live)
    if len(idx) < need_n:
        return t.size
    tl = t[idx]
    if side == "head":
        cand = np.searchsorted(tl, tl[0] + span_s * NS, side="right")
        j = max(need_n, int(cand) + 1)
        return t.size if j >= len(idx) else int(idx[j]) + 1
    cand = np.searchsorted(tl, tl[-1] - span_s * NS, side="left") - 1
    j = min(len(idx) - 1 - need_n, int(cand) - 1)
    if j >= 0:
        r = _frozen_run_start(v, idx, j)
        if r < j:
            cand = np.searchsorted(tl, tl[r] - span_s * NS, side="left") - 1
            j = min(r - 1 - need_n, int(cand) - 1)
    return t.size if j < 0 else t.size - int(idx[j])


def _live_diffs(v: np.ndarray, live: np.ndarray, prev: float | None) -> np.ndarray:
    vv = v[live]
    if prev is None or not vv.size:
        return np.diff(vv)
    return np.diff(np.r_[prev, vv])


# ------------------------------------------------------------------------------ series


@st.composite
def series(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Small sorted series with ties, NaNs, frozen runs and gaps (SIMULATED)."""
    n = draw(st.integers(0, 60))
    steps = draw(st.lists(st.sampled_from([0, 1, 1, 1, 2, 30, 400, 4000]), min_size=n,
                          max_size=n))
    t = (np.cumsum(np.asarray(steps, dtype=np.int64)) * 10**9).astype(np.int64)
    vals = draw(st.lists(st.sampled_from([700.0, 700.1, 700.2, 0.0, -3.0, np.nan, np.inf]),
                         min_size=n, max_size=n))
    return t, np.asarray(vals, dtype=np.float64)


@given(series())
@settings(max_examples=300, deadline=None)
def test_pre_dropped_is_the_drop_set_of_pre_flags(s: tuple[np.ndarray, np.ndarray]) -> None:
    t, v = s
    expect = np.flatnonzero(pre_flags(t, v) & DROP_MASK)
    assert np.array_equal(pre_dropped(t, v), expect)


@given(series(), st.integers(0, 8), st.sampled_from([0.0, 5.0, 600.0, 3600.0]),
       st.sampled_from([1.0, 60.0, 3600.0, np.inf]))
@settings(max_examples=400, deadline=None)
def test_halo_rows_equal_the_numpy_rule(s: tuple[np.ndarray, np.ndarray], stale_n: int,
                                        stale_s: float, gap_s: float) -> None:
    t, v = s
    dropped = pre_dropped(t, v)
    live = np.ones(t.size, dtype=bool)
    live[dropped] = False
    need_n = stale_n + 1  # the pipeline uses stale_min_n + 6; smaller values probe the edges
    span_s = max(stale_s, gap_s) + 1.0
    n_live = int(live.sum())
    for side in ("head", "tail"):
        got = halo_rows(t, v, dropped, n_live, need_n, span_s * NS, side == "tail")
        assert got == _halo_oracle(t, v, live, need_n, span_s, side), side


@given(series(), st.booleans(), st.integers(1, 5), st.integers(0, 6), st.integers(1, 4),
       st.integers(0, 5))
@settings(max_examples=300, deadline=None)
def test_strided_diffs_and_summary(s: tuple[np.ndarray, np.ndarray], has_prev: bool,
                                   d_stride: int, d_off: int, z_stride: int,
                                   z_off: int) -> None:
    t, v = s
    dropped = pre_dropped(t, v)
    live = np.ones(t.size, dtype=bool)
    live[dropped] = False
    prev = 699.9 if has_prev else None
    d = _live_diffs(v, live, prev)
    eps = 0.05
    a, z = strided_diffs(v, dropped, np.nan if prev is None else prev, has_prev, eps,
                         (-d_off) % d_stride, d_stride, (-z_off) % z_stride, z_stride)
    assert np.array_equal(a, d[(-d_off) % d_stride :: d_stride])
    nz = np.abs(d)[np.abs(d) > eps]
    assert np.array_equal(z, nz[(-z_off) % z_stride :: z_stride])
    n_live, first, last, lo, hi, above, tiny = summary_scan(v, dropped, 1e-6)
    assert n_live == live.sum()
    if n_live:
        vv = v[live]
        assert (first, last) == (np.flatnonzero(live)[0], np.flatnonzero(live)[-1])
        assert (lo, hi) == (vv.min(), vv.max())
        ad = np.abs(np.diff(vv))
        tiny_max = 1e-6 * max(abs(lo), abs(hi), 1.0)
        assert above == np.count_nonzero(ad > tiny_max)
        assert np.array_equal(tiny, np.sort(ad[(ad > 0) & (ad <= tiny_max)]))
    else:
        assert first == -1


def test_summary_finds_tiny_differences() -> None:
    """Differences below 1e-6 x max|p| are returned one by one, sorted (float noise)."""
    v = np.array([700.0, 700.0 + 1e-10, 700.0, 701.0, 701.0 + 3e-11])
    dropped = pre_dropped(np.arange(5) * 10**9, v)
    *_, above, tiny = summary_scan(v, dropped, 1e-6)
    assert above == 1  # 700 -> 701
    assert tiny.size == 3 and np.all(np.diff(tiny) >= 0) and tiny[-1] < 1e-9


@pytest.mark.parametrize("seed", [0, 1])
def test_gather_kept_equals_boolean_indexing(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 5000
    t = np.cumsum(rng.integers(1, 3, n)).astype(np.int64) * 10**9
    v = 740 + rng.normal(0, 0.1, n)
    flags = rng.choice(np.array([0, 0, 0, 8, 16, 64], dtype=np.uint16), n)
    out_t, out_p = np.empty(n), np.empty(n)
    ra, rb, t0 = 100, 4000, int(t[3])
    m, first, last = gather_kept(t, v, flags, DROP_MASK, ra, rb, t0, out_t, out_p)
    keep = (flags[ra:rb] & DROP_MASK) == 0
    assert m == keep.sum()
    assert np.array_equal(out_t[:m], (t[ra:rb][keep] - t0) / 1e9)
    assert np.array_equal(out_p[:m], v[ra:rb][keep])
    rows = np.flatnonzero(keep) + ra
    assert (first, last) == (rows[0], rows[-1])


def test_flagged_positions_equal_flatnonzero() -> None:
    rng = np.random.default_rng(3)
    flags = rng.choice(np.array([0, 0, 0, 0, 1, 8, 64, 72], dtype=np.uint16), 10_000)
    from prkanalysis.telemetry.kernels.scan import flagged_positions

    for a, b in ((0, 10_000), (17, 9_001), (500, 500)):
        got = flagged_positions(flags, a, b, DROP_MASK)
        assert np.array_equal(got, np.flatnonzero(flags[a:b] & DROP_MASK))


def test_the_warm_up_module_runs_every_pipeline() -> None:
    """``python -m prkanalysis.telemetry.kernels`` (run by ``make env``) completes."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "prkanalysis.telemetry.kernels"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "kernels compiled or loaded from the cache in" in out.stdout
