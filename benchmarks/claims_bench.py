"""Benchmark of the verdict timeline: one parse and one cache for all days against a plain ledger
per day (the evidence record, no simulated data).

Prints, in one run, for each trust setting: the CPU seconds of ``claims.timeline()`` (fast path:
``Snapshots`` + reads-keyed memo) and of the same days judged one by one with
``claims.evaluate_all(record, as_of=day)`` (baseline), the ratio, and whether every result
(verdict, numbers, evidence, caveat, rule) is identical; then a warm ``claims.ledger()``.

Run: ``python benchmarks/claims_bench.py`` (about a minute on a quiet machine; the baseline
dominates); ``--settings P/T`` for one trust setting.
"""

from __future__ import annotations

import argparse
import sys
import time

from prkanalysis import claims, load_record


def _setting(rec, grades: tuple[str, ...]) -> str:  # type: ignore[no-untyped-def]
    evaluate = sys.modules["prkanalysis.claims.evaluate"]
    t = time.process_time()
    table = claims.timeline(rec, grades=grades)
    fast = time.process_time() - t
    days = sorted(set(table["as_of"]))
    snaps, cache = claims.Snapshots(rec), {}
    memo = [evaluate._results(rec, claims.ClaimParams(grades=grades, as_of=d), snaps, cache)
            for d in days]
    t = time.process_time()
    plain = [claims.evaluate_all(rec, grades=grades, as_of=d) for d in days]
    slow = time.process_time() - t
    same = memo == plain and list(table["verdict"]) == [r.verdict for rs in plain for r in rs]
    return (f"timeline {'/'.join(grades):6s} {len(days)} days: fast {fast:6.2f} s, day by day "
            f"{slow:6.2f} s, ratio {slow / fast:5.1f}x, identical results: {same}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--settings", nargs="*", default=["P/T", "P", "P/T/A"])
    args = ap.parse_args(argv)
    rec = load_record()
    claims.ledger(rec)  # imports and first-call costs out of the timings
    for setting in args.settings:
        print(_setting(rec, tuple(setting.split("/"))), flush=True)
    t = time.process_time()
    for _ in range(5):
        claims.ledger(rec)
    print(f"ledger (warm, P/T): {(time.process_time() - t) / 5:.3f} s per call")
    return 0


if __name__ == "__main__":
    sys.exit(main())
