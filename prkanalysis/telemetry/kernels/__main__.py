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
from pathlib import Path


def main() -> None:
    """Run the warm-up and print how long it took."""
    from prkanalysis.telemetry.kernels import warm_up_data
    from prkanalysis.telemetry.scale import run_pipeline_fast, run_pipeline_memory

    clock = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = warm_up_data(Path(tmp) / "warmup")
        run_pipeline_fast(path, 5.0, 295.15)
        run_pipeline_memory(path, 5.0, 295.15)
        run_pipeline_fast(path, 5.0, 295.15, use_hatch=False, cov="NW")
    print(f"prkanalysis telemetry kernels compiled or loaded from the cache in "
          f"{time.perf_counter() - clock:.1f} s")


if __name__ == "__main__":
    main()
