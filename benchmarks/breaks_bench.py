"""Benchmark of the Bai-Perron dynamic programme (simulated, seeded data).

Compares, in the same run, the vectorised segment-RSS matrix + DP of
``prkanalysis.models.breaks`` with a baseline that fills the same matrix by one least-squares
fit per segment, and prints the ratio. Also prints the time of a full ``breakpoints`` call for
n = 1000 and 2000 with max_breaks = 5. Run: ``python benchmarks/breaks_bench.py``.
"""

from __future__ import annotations

import time

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


def main() -> None:
    """Print timings and speed-up ratios (simulated data, seed 2024)."""
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
    print(
        f"segment RSS matrix n={n}, k=2: vectorised {t1 - t0:.3f} s, one fit per segment "
        f"{t2 - t1:.3f} s, ratio {(t2 - t1) / (t1 - t0):.0f}x, identical={ok}"
    )
    for n in (1000, 2000):
        for k in (1, 2):
            y = rng.normal(size=n)
            y[n // 3 :] += 1.0
            X = np.c_[np.ones(n), np.arange(n) / n][:, :k]
            t0 = time.perf_counter()
            bp = breakpoints(y, X, h=0.15, max_breaks=5)
            dt = time.perf_counter() - t0
            print(f"breakpoints n={n}, k={k}, max_breaks=5: {dt:.3f} s, breaks {bp.breaks}")


if __name__ == "__main__":
    main()
