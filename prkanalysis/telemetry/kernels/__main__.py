"""Compile the telemetry kernels into Numba's on-disk cache.

Run as ``python -m prkanalysis.telemetry.kernels``; ``make env`` runs it once after
installing, so the first notebook or test that touches the telemetry functions loads the
compiled loops from the cache instead of compiling them (8-10 s on 2 cores). It runs the
partitioned pipeline (hatch and pressure mode) and the in-memory pipeline on three days of
SIMULATED 1 Hz telemetry in a temporary folder, which calls the kernels with the argument
types the package passes, and prints the seconds it took.
"""

from __future__ import annotations

import tempfile
import time


def main() -> None:
    """Run the warm-up and print how long it took."""
    from prkanalysis.telemetry import simulate, write_parquet
    from prkanalysis.telemetry.scale import run_pipeline_fast, run_pipeline_memory

    clock = time.perf_counter()
    df, _ = simulate(duration_days=3, rate_hz=1.0, closed_days=1, n_glitches=5, n_stale=1,
                     n_gaps=1, ar1_phi=0.3, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_parquet(df, tmp)
        run_pipeline_fast(path, 5.0, 295.15)
        run_pipeline_memory(path, 5.0, 295.15)
        run_pipeline_fast(path, 5.0, 295.15, use_hatch=False, cov="NW")
    print(f"prkanalysis telemetry kernels compiled or loaded from the cache in "
          f"{time.perf_counter() - clock:.1f} s")


if __name__ == "__main__":
    main()
