"""Seconds of the telemetry array core on one long array (SIMULATED data).

Times :func:`~prkanalysis.telemetry.clean_arrays`, :func:`~prkanalysis.telemetry.segment_arrays`
(hatch mode, from the hatch change times) and :func:`~prkanalysis.telemetry.fit_arrays` on one
seeded 1 Hz simulation of ``--samples`` samples (default 15 million: about 174 days), with the
disturbances of ``telemetry_bench.py`` (AR(1) noise, 0.101 mmHg quantisation, 10 glitches per
day, a 30-minute frozen stretch and a 2-hour gap per fortnight). Prints the best of
``--repeat`` runs per stage and samples per second. The data are SIMULATED; the figures
measure the code only.

Usage::

    .venv/bin/python benchmarks/telemetry_core_bench.py --samples 15000000
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main(argv: list[str] | None = None) -> int:
    """Simulate, then time the three array-core stages; print one line per stage."""
    from prkanalysis.telemetry import clean_arrays, fit_arrays, segment_arrays, simulate_arrays
    from prkanalysis.telemetry.clean import DROP_MASK

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=float, default=15e6)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    days = float(args.samples) / 86400.0
    fortnights = max(int(days // 14), 1)
    t, v, h, _ = simulate_arrays(
        duration_days=days, rate_hz=1.0, leak_history="record", ar1_phi=0.3,
        n_glitches=int(10 * days), n_stale=fortnights, stale_s=1800.0, n_gaps=fortnights,
        gap_len_s=7200.0, seed=args.seed,
    )
    ch = np.r_[True, h[1:] != h[:-1]]
    ht, hv = t[ch], h[ch].astype(np.float64)
    print(f"SIMULATED: {t.size:,} samples at 1 Hz, {int(ch.sum())} hatch changes", flush=True)
    best: dict[str, float] = {}
    segments = 0
    for _ in range(max(int(args.repeat), 1)):
        c0 = time.perf_counter()
        c = clean_arrays(t, v)
        keep = (c["flags"] & DROP_MASK) == 0
        tk, vk, qk = t[keep], v[keep], c["flags"][keep]
        c1 = time.perf_counter()
        seg = segment_arrays(tk, vk, qc=qk, hatch_t_ns=ht, hatch_v=hv, min_samples=10)
        c2 = time.perf_counter()
        res = fit_arrays((tk - tk[0]) / 1e9, np.log(np.where(seg >= 0, vk, 1.0)), seg,
                         min_samples=10)
        c3 = time.perf_counter()
        segments = int(res["n"].size)
        for name, sec in (("clean", c1 - c0), ("segment", c2 - c1), ("fit", c3 - c2),
                          ("total", c3 - c0)):
            best[name] = min(best.get(name, np.inf), sec)
    for name, sec in best.items():
        print(f"{name:<8} {sec:7.3f} s  {t.size / sec / 1e6:8.1f} M samples/s")
    print(f"segments fitted: {segments}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
