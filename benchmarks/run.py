"""Run the benchmarks: ``make bench`` calls this file.

Runs ``benchmarks/telemetry_bench.py`` (telemetry at scale, SIMULATED data: the package's
fast path against the floor, the Polars and DuckDB peers of ``benchmarks/peers.py`` when
those libraries are installed (``pip install -e '.[bench]'``), pandas/statsmodels and Dask)
first, then every
other ``benchmarks/*_bench.py`` that exists (``report_bench.py``, ...), each in its own
interpreter so that peak-memory figures are not polluted by another. Extra command-line
arguments go to the telemetry benchmark (for example ``python benchmarks/run.py --years 1``).
The exit status is the first non-zero status, or 0.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark found next to this file and return the combined exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    status = 0
    runs: list[list[str]] = [[sys.executable, str(HERE / "telemetry_bench.py"), *args]]
    for other in sorted(HERE.glob("*_bench.py")):
        if other.name != "telemetry_bench.py":
            runs.append([sys.executable, str(other)])
    for cmd in runs:
        print(f"== {Path(cmd[1]).name} {' '.join(cmd[2:])}", flush=True)
        rc = subprocess.call(cmd)
        if rc != 0:
            print(f"!! {Path(cmd[1]).name} exited with status {rc}", flush=True)
            status = status or rc
    return status


if __name__ == "__main__":
    sys.exit(main())
