"""Benchmark the report build: cold (empty cache) against the no-change rebuild.

Builds the real chapters of ``notebooks/`` into ``benchmarks/out/report`` with a private
cache folder (``benchmarks/out/cache/report``, cleared first), so the project's own cache
and ``report/`` are untouched. The one-time imports (nbclient, jupytext, nbformat)
are timed apart; the no-change rebuild is also timed as ``prkanalysis report`` in a fresh
interpreter, as a user would run it. Prints per-chapter execution seconds (cold) and the
per-chapter and total rebuild seconds, and the ratios rebuild/cold (and, with
``--serial``, parallel/serial). Targets on a 2-core machine: cold < 60 s, rebuild < 5 s.
Timings are printed, never asserted.

Usage: ``python benchmarks/report_bench.py [--serial] [--no-pdf] [--only STEM ...]``
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence

from prkanalysis import config
from prkanalysis.report.build import BuildResult, build_report

OUT = config.PROJ_ROOT / "benchmarks" / "out"
CACHE = OUT / "cache"  # private PRKANALYSIS_CACHE_DIR: the project's cache is untouched
COLD_TARGET_S = 60.0
REBUILD_TARGET_S = 5.0


def run_build(
    tag: str, *, clear: bool, jobs: int, make_pdf: bool, only: Sequence[str] | None
) -> tuple[BuildResult, float]:
    """One build; ``clear`` empties the private cache first. Returns (result, wall seconds)."""
    cache = CACHE / "report"
    if clear and cache.exists():
        shutil.rmtree(cache)
    t0 = time.perf_counter()
    result = build_report(
        out_dir=OUT / "report",
        cache_dir=cache,
        jobs=jobs,
        make_pdf=make_pdf,
        only=only,
        stream=io.StringIO(),
    )
    seconds = time.perf_counter() - t0
    print(f"{tag:10s} {seconds:7.2f} s wall  ({'ok' if result.ok else 'with problems'})")
    return result, seconds


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table; exit status 0 (timings are not judged)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serial", action="store_true", help="also time a one-at-a-time build")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    parser.add_argument("--only", nargs="*", default=None, help="chapter stems")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    pdf = not args.no_pdf

    t0 = time.perf_counter()
    import jupytext  # noqa: F401
    import nbclient  # noqa: F401
    import nbformat  # noqa: F401

    import_s = time.perf_counter() - t0
    print(f"{'imports':10s} {import_s:7.2f} s (nbclient, jupytext, nbformat; once)")
    cold, cold_s = run_build("cold", clear=True, jobs=2, make_pdf=pdf, only=args.only)
    warm, warm_s = run_build("rebuild", clear=False, jobs=2, make_pdf=pdf, only=args.only)
    cli = [sys.executable, "-m", "prkanalysis.cli", "report", "--out", str(OUT / "report")]
    if not pdf:
        cli.append("--no-pdf")
    if args.only:
        cli += ["--only", *args.only]
    env = dict(os.environ, PRKANALYSIS_CACHE_DIR=str(CACHE))
    t0 = time.perf_counter()
    subprocess.run(cli, env=env, capture_output=True, check=False)
    cli_s = time.perf_counter() - t0
    print(f"{'rebuild':10s} {cli_s:7.2f} s wall as `prkanalysis report` (fresh interpreter)")
    serial_s = None
    if args.serial:
        _, serial_s = run_build("serial", clear=True, jobs=1, make_pdf=pdf, only=args.only)

    print()
    print(f"{'chapter':32s} {'cold exec (s)':>14s} {'rebuild cache':>14s}")
    for c_cold, c_warm in zip(cold.chapters, warm.chapters, strict=True):
        print(f"{c_cold.stem:32s} {c_cold.seconds:14.2f} {c_warm.cache:>14s}")
    print()
    print(
        f"cold build     {cold_s + import_s:7.2f} s  (target < {COLD_TARGET_S:.0f} s, imports in)"
    )
    print(f"  rendering    {cold.render_seconds:7.2f} s")
    print(
        f"rebuild        {warm_s:7.2f} s in process, {cli_s:.2f} s via the CLI"
        f"  (target < {REBUILD_TARGET_S:.0f} s)"
    )
    print(f"  rendering    {warm.render_seconds:7.2f} s")
    print(f"ratio rebuild/cold = {cli_s / (cold_s + import_s):.3f} (CLI rebuild vs cold)")
    if serial_s is not None:
        print(f"serial cold    {serial_s:7.2f} s; ratio parallel/serial = {cold_s / serial_s:.3f}")
    print(f"pages: {len(warm.pages)} HTML; PDF {warm.pdf_pages} pages; output in {OUT / 'report'}")
    for err in warm.errors:
        print(f"problem: {err.splitlines()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
