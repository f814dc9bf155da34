"""Run the benchmarks: ``make bench`` calls this file.

Runs ``benchmarks/telemetry_bench.py`` (telemetry at scale, simulated data) and, when present,
``benchmarks/report_bench.py``. Extra command-line arguments are passed to the telemetry
benchmark (for example ``python benchmarks/run.py --years 1``). Each benchmark runs in its own
interpreter so that peak-memory figures are not polluted by the other; the exit status is the
first non-zero status, or 0.
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
    report_bench = HERE / "report_bench.py"
    if report_bench.exists():
        runs.append([sys.executable, str(report_bench)])
    for cmd in runs:
        print(f"== {Path(cmd[1]).name} {' '.join(cmd[2:])}", flush=True)
        rc = subprocess.call(cmd)
        if rc != 0:
            print(f"!! {Path(cmd[1]).name} exited with status {rc}", flush=True)
            status = status or rc
    return status


if __name__ == "__main__":
    sys.exit(main())
