"""Benchmark of the Bai-Perron dynamic programme (simulated, seeded data; labelled SIMULATED).

Prints, in one run:

1. the vectorised segment-RSS matrix against a baseline that fills the same matrix by one
   least-squares fit per segment (n = 250), with the ratio;
2. ``breakpoints`` (rows of the RSS matrix streamed in blocks, O(n x breaks) memory)
   against the former dense programme (the full (n + 1)^2 matrix and an (n + 1)^2
   temporary per break) at n = 1000 and 4000: time, peak traced memory, identical breaks;
3. the scaling table of ``breakpoints`` at n = 1e3, 1e4, 1e5 (k = 1, h = 0.15,
   max_breaks = 5): time, peak traced memory (``tracemalloc``, which sees NumPy's
   buffers) and the growth exponents ``d log(time) / d log(n)`` and of memory.

Run: ``python benchmarks/breaks_bench.py`` (about a minute: n = 1e5 alone takes ~30 s);
``--quick`` stops the scaling table at n = 1e4.
"""

from __future__ import annotations

import math
import sys
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from prkanalysis.models import breakpoints, segment_rss_matrix


def _naive_rss_matrix(y: np.ndarray, X: np.ndarray, h: int) -> np.ndarray:
    n = y.size
    out = np.full((n + 1, n + 1), np.inf)
    for i in range(n):
        for j in range(i + h, n + 1):
            beta = np.linalg.lstsq(X[i:j], y[i:j], rcond=None)[0]
            r = y[i:j] - X[i:j] @ beta
            out[i, j] = r @ r
    return out


def _dense_breaks(y: np.ndarray, h: int, mmax: int) -> tuple[int, ...]:
    """The former programme: full RSS matrix, one (n + 1)^2 temporary per break."""
    n = y.size
    R = segment_rss_matrix(y, None, h)
    F = R[0].copy()
    back = []
    for _ in range(mmax):
        tot = F[:, None] + R
        arg = np.argmin(tot, axis=0)
        F = tot[arg, np.arange(n + 1)]
        back.append(arg)
    j, found = n, []
    for mm in range(mmax, 0, -1):
        j = int(back[mm - 1][j])
        found.append(j)
    return tuple(sorted(found))


def _measure(fn: Callable[[], object]) -> tuple[float, float, object]:
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return dt, peak / 2**20, out


def _series(n: int, rng: np.random.Generator) -> np.ndarray:
    y = rng.normal(size=n)  # SIMULATED: unit noise, one shift of +1 at n/3
    y[n // 3:] += 1.0
    return y


def main(quick: bool = False) -> None:
    """Print the three tables (simulated data, seed 2024)."""
    rng = np.random.default_rng(2024)
    n = 250
    X = np.c_[np.ones(n), np.arange(n) / n]
    y = X @ [1.0, 2.0] + (np.arange(n) >= 100) + rng.normal(size=n)
    t0 = time.perf_counter()
    fast = segment_rss_matrix(y, X, 15)
    t1 = time.perf_counter()
    slow = _naive_rss_matrix(y, X, 15)
    t2 = time.perf_counter()
    ok = np.allclose(fast[np.isfinite(slow)], slow[np.isfinite(slow)], rtol=1e-7)
    print("SIMULATED data (seed 2024)")
    print(
        f"segment RSS matrix n={n}, k=2: vectorised {t1 - t0:.3f} s, one fit per segment "
        f"{t2 - t1:.3f} s, ratio {(t2 - t1) / (t1 - t0):.0f}x, identical={ok}"
    )
    print("\nbreakpoints (streamed) vs the former dense programme, k=1, h=0.15, max_breaks=5")
    for n in (1000, 4000):
        y = _series(n, rng)
        h = math.floor(0.15 * n)
        ts, ms, bp = _measure(lambda y=y: breakpoints(y, h=0.15, max_breaks=5))
        td, md, dense = _measure(lambda y=y, h=h: _dense_breaks(y, h, 5))
        same = bp.partitions[5] == dense  # type: ignore[attr-defined]
        print(f"  n={n:>6}: streamed {ts:7.3f} s {ms:8.1f} MiB | dense {td:7.3f} s "
              f"{md:8.1f} MiB | time ratio {td / ts:5.1f}x, memory ratio {md / ms:5.1f}x, "
              f"same 5-break partition={same}")
    print("\nscaling of breakpoints (k=1, h=0.15, max_breaks=5)")
    print(f"  {'n':>8} {'time s':>9} {'peak MiB':>9}  breaks (BIC)")
    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 100_000)
    rows = []
    for n in sizes:
        y = _series(n, rng)
        dt, peak, bp = _measure(lambda y=y: breakpoints(y, h=0.15, max_breaks=5))
        rows.append((n, dt, peak))
        print(f"  {n:>8} {dt:9.3f} {peak:9.1f}  {bp.breaks}")  # type: ignore[attr-defined]
    ln = np.log([r[0] for r in rows])
    t_exp = np.polyfit(ln, np.log([r[1] for r in rows]), 1)[0]
    m_exp = np.polyfit(ln, np.log([r[2] for r in rows]), 1)[0]
    print(f"  growth exponents over n = {sizes[0]}..{sizes[-1]}: time n^{t_exp:.2f}, "
          f"peak memory n^{m_exp:.2f} (the dense programme: memory n^2)")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
