"""The package's full telemetry job with a Polars core: an alternative design, measured.

Not a product path. :func:`polars_core_job` does what
:func:`prkanalysis.telemetry.scale.run_pipeline_fast` does (same thresholds: the defaults of
:class:`~prkanalysis.telemetry.scale.PipelineParams`), written as lazy, multi-threaded Polars
queries instead of NumPy and compiled loops, so that the two designs can be compared in
speed, memory and amount of hand-written code. ALL DATA IT IS RUN ON HERE IS SIMULATED.

Which part is Polars and which is the package:

1. **Read** (Polars): ``scan_parquet`` of ``channel=prk_pressure/**`` and
   ``channel=prk_hatch/**`` (``time`` as int64 ns, ``value``), collected into one chunk,
   stably sorted by time when it is not in order already.
2. **Pre-flags** (Polars): a row is dropped when its value is not finite (or null) or its
   time equals the previous row's (``DUPLICATE`` and ``TIME_COLLISION`` both drop it).
3. **Step and scale**: the first differences of the surviving values (``diff``), their
   strided samples (``gather_every``, stride ``n // 2e6 + 1`` as ``clean._strided``), the
   non-zero ones above ``eps = 1e-9 x max(median |p|, 1)`` (``median`` computed only when a
   difference falls between the values that ``min |p|`` and ``max |p|`` give ``eps``) in
   Polars; the two formulas on those samples are the package's
   (``clean._step_from_diffs``, ``clean._scale_from_diffs``).
4. **Flags** (Polars), as ``clean._flag_sorted`` defines them: ``GLITCH`` decided on the
   pre-glitch surviving sequence (candidates by ``diff``/``shift``/``arg_where``, the full
   test on their neighbours by ``gather``); ``STALE`` on the sequence without glitches (run
   starts by ``arg_where(v != v.shift(1))``, run length and duration, ``int_ranges``);
   ``GAP_BEFORE`` and ``REPRESS`` on the sequence without stale samples (``shift``). Rows
   are removed with boolean masks built by ``scatter``.
5. **Segments** (Polars): the cleaned hatch rows ``join_asof`` (backward: the last row at
   or before each kept sample); consecutive closed kept samples form one segment
   (``cum_sum`` of open -> closed starts), kept when it has >= 10 samples. Without a hatch
   channel, segments run between ``GAP_BEFORE``/``REPRESS`` flags (pressure mode).
6. **Fit**: OLS slope of ``ln p`` on seconds from the first kept sample, per segment, with
   centred sums in a ``group_by`` over the sorted segment ids (Polars); the HAC standard
   error by the package's :func:`prkanalysis.telemetry.fit.fit_segment` on each segment's
   arrays (``to_numpy``), on a thread pool: its pre-whitened long-run variance (AR(1) fit,
   e-folding time, Bartlett lags) is not practical as Polars expressions. (``fit_segment``
   computes the slope too; the Polars OLS is kept to measure it.)

Measured (5-year SIMULATED dataset, 156.85 M samples, 2 threads, on a shared 2-core machine
with load average about 4): this core 30 s wall, 29 s CPU, 7.3 GB peak RSS; the package's
``run_pipeline_fast`` 8 s wall, 7.5 s CPU, 3.6 GB; the same segments and ``k``. A first
version with whole-column expressions for the glitch and stale tests (every shifted
column a temporary) and a hash ``group_by`` with per-group means peaked at 20 GB and took
80-95 s; the candidate-row tests and the sorted-group OLS above brought it here.

Run as a script to time one job in this process (wall, CPU, peak RSS), for this core or the
package's fast path::

    python benchmarks/polars_core.py DATASET --threads 2 [--package]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

#: What this core does not reproduce of the package's job.
LEAVES_OUT = (
    "mask_degenerate (k and its SE set to NaN for exact or constant segments); t intervals, "
    "df, resid_sd, p_start/p_end and the mass rates; the cleaning audit (counts per code, "
    "REORDERED); the partitioned layout's checks (overlapping partitions). The HAC standard "
    "error is the package's fit_segment, not Polars"
)

# PipelineParams defaults (prkanalysis.telemetry.scale)
GLITCH_K = 4.0
STALE_MIN_S = 600.0
STALE_MIN_N = 5
GAP_S = 3600.0
REPRESS_MIN = 5.0
REPRESS_K = 20.0
MIN_SAMPLES = 10
SAMPLE = 2_000_000  # clean._SAMPLE_FOR_SCALE
DAY_S = 86400.0


def _scan(pl: Any, root: Path, channel: str) -> Any:
    """One channel as a DataFrame ``t`` (int64 ns), ``v`` (float64), stably sorted by time.

    Sorted only when the times are not already in order (as the package does), so that the
    sort's copies do not set the peak memory of a dataset written in time order.
    """
    df = (pl.scan_parquet(str(root / f"channel={channel}" / "**" / "*.parquet"),
                          hive_partitioning=False)
          .select(t=pl.col("time").dt.epoch("ns"), v=pl.col("value").cast(pl.Float64))
          .collect().rechunk())  # one chunk: shifts, gathers and filters run faster
    if df.select((pl.col("t").diff() < 0).any()).item():
        df = df.sort("t", maintain_order=True)
    return df.with_columns(pl.col("t").set_sorted())


def _survivors(pl: Any, df: Any) -> Any:
    """Rows that no pre-flag drops: finite value, time differs from the previous row's."""
    t = pl.col("t")
    return df.filter(pl.col("v").is_finite().fill_null(False)
                     & (t != t.shift(1)).fill_null(True))


def _strided(pl: Any, expr: Any, n: int) -> Any:
    """``clean._strided``: every ``n // 2e6 + 1``-th element when ``n > 2e6``."""
    return expr.gather_every(n // SAMPLE + 1) if n > SAMPLE else expr


def _step_scale(pl: Any, live: Any) -> tuple[float, float]:
    """Quantisation step and noise scale of the surviving values (``clean._step_and_scale``)."""
    from prkanalysis.telemetry.clean import _scale_from_diffs, _step_from_diffs

    n = live.height
    av = live["v"].abs()
    lo, hi = (1e-9 * max(float(x), 1.0) for x in (av.min(), av.max())) if n else (1e-9, 1e-9)
    if n < 3:
        return float("nan"), _scale_from_diffs(np.zeros(0), float("nan"), lo, n)
    d = live["v"].diff().slice(1)  # computed once, sampled twice
    d_all = _strided(pl, d, n - 1).to_numpy()
    ad = d.abs()
    del d
    # eps = 1e-9 x max(median |p|, 1) lies in [lo, hi]: the exact median only when a
    # difference falls inside that bracket (as the package's partitioned pipeline does)
    eps = 1e-9 * max(float(av.median()), 1.0) if ((ad > lo) & (ad <= hi)).any() else hi
    del av
    ad = ad.filter(ad > eps)
    d_nz = _strided(pl, ad, ad.len()).to_numpy()
    del ad
    step = _step_from_diffs(d_nz) if n >= 11 else float("nan")
    return step, _scale_from_diffs(d_all, step, eps, n)


def _without(pl: Any, df: Any, rows: Any) -> Any:
    """``df`` without the rows at positions ``rows`` (a boolean mask built by ``scatter``)."""
    if rows.len() == 0:
        return df
    return df.filter(pl.repeat(True, df.height, eager=True).scatter(rows, False))


def _glitch_rows(pl: Any, live: Any, thr: float) -> Any:
    """Positions of the glitches (``clean._flag_sorted``), decided on the sequence ``live``.

    Candidates: ``|v[i] - v[i-1]| > thr`` and ``|v[i+1] - v[i]| > thr`` (each as ``d > thr
    or d < -thr``); the rest of the test (same sign, neighbours agree within half the
    smaller step, neighbours within ``gap_s``) on the candidates' three rows only.
    """
    d = pl.col("v").diff()
    big = (d > thr) | (d < -thr)
    i = live.select(pl.arg_where((big & big.shift(-1)).fill_null(False))).to_series()
    t, v = live["t"], live["v"]
    c = pl.DataFrame({"i": i, "tm": t.gather(i - 1), "t": t.gather(i), "tp": t.gather(i + 1),
                      "vm": v.gather(i - 1), "v": v.gather(i), "vp": v.gather(i + 1)})
    a, b = pl.col("v") - pl.col("vm"), pl.col("v") - pl.col("vp")
    gap_ns = GAP_S * 1e9
    return c.filter((a.sign() == b.sign())
                    & ((pl.col("vp") - pl.col("vm")).abs()
                       <= 0.5 * pl.min_horizontal(a.abs(), b.abs()))
                    & (pl.col("t") - pl.col("tm") <= gap_ns)
                    & (pl.col("tp") - pl.col("t") <= gap_ns))["i"]


def _stale_rows(pl: Any, df: Any) -> Any:
    """Positions of the stale samples: all but the first of each frozen run of ``df``.

    Runs of equal values start where ``v != v.shift(1)`` (``arg_where``); a run is frozen
    with at least ``stale_min_n`` samples lasting more than ``stale_min_s`` seconds.
    """
    v, s, m = pl.col("v"), pl.col("s"), pl.col("m")
    t = df["t"]
    runs = (df.select(s=pl.arg_where((v != v.shift(1)).fill_null(True)).cast(pl.Int64))
            .with_columns(m=s.shift(-1).fill_null(df.height) - s)
            .filter(m >= STALE_MIN_N))
    runs = runs.filter((t.gather(runs["s"] + runs["m"] - 1) - t.gather(runs["s"])) / 1e9
                       > STALE_MIN_S)
    return runs.select(pl.int_ranges(s + 1, s + m)).explode("s")["s"]


def _fit_hac(t_s: np.ndarray, lp: np.ndarray) -> float:
    """HAC standard error of the slope (the package's ``fit_segment``)."""
    from prkanalysis.telemetry.fit import fit_segment

    return float(fit_segment(t_s, lp, cov="HAC")["se"])


def polars_core_job(path: Path, threads: int) -> dict[str, Any]:
    """The package's telemetry job with a Polars core (see the module docstring).

    ``threads`` sets ``POLARS_MAX_THREADS`` if Polars is not imported yet (it cannot be
    changed afterwards; ``polars_threads`` in the result reports the pool used) and the
    threads of the HAC fits.

    Returns:
        Per segment in time order: ``start_ns``, ``end_ns``, ``n`` (int64), ``k_per_day``
        (``-slope x 86400``), ``k_se`` (HAC, ``x 86400``); and ``step``, ``scale``,
        ``n_live`` (after the pre-flags), ``n_kept``, ``n_gap``, ``n_repress``,
        ``polars_threads``, ``source``, ``notes`` (:data:`LEAVES_OUT`), ``timings``
        (seconds per stage), ``peak_rss_mb`` (the process's peak RSS at the end of each stage).
    """
    if "polars" not in sys.modules:
        os.environ["POLARS_MAX_THREADS"] = str(int(threads))
    import polars as pl

    from prkanalysis.errors import InsufficientDataError, TelemetryError

    root = Path(path)
    clock, timings, peaks = time.perf_counter(), {}, {}

    def lap(stage: str) -> None:
        """Seconds of ``stage`` and the process's peak RSS (MB) at its end."""
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        peaks[stage] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        clock = now

    live = _survivors(pl, _scan(pl, root, "prk_pressure"))
    if live.height == 0:
        raise InsufficientDataError("telemetry: no 'prk_pressure' sample to fit")
    lap("read_preflags")
    n_live = live.height
    step, scale = _step_scale(pl, live)
    lap("step_scale")
    # clean._flag_sorted: glitches decided on the surviving rows, frozen runs on the rows
    # left without the glitches, gaps and repressurisations on the rows left without both
    if live.height >= 3 and np.isfinite(GLITCH_K):
        live = _without(pl, live, _glitch_rows(pl, live, GLITCH_K * scale))
    if live.height >= 2 and np.isfinite(STALE_MIN_S):
        live = _without(pl, live, _stale_rows(pl, live))
    t, v = pl.col("t"), pl.col("v")
    rthr = max(REPRESS_MIN, REPRESS_K * scale)
    kept = live.with_columns(gap=(t - t.shift(1) > GAP_S * 1e9).fill_null(False),
                             rep=(v - v.shift(1) > rthr).fill_null(False))
    del live
    n_kept, n_gap, n_rep = kept.height, int(kept["gap"].sum()), int(kept["rep"].sum())
    lap("flags")
    t0 = int(kept["t"][0])
    has_hatch = any((root / "channel=prk_hatch").rglob("*.parquet"))
    if has_hatch:
        hatch = _survivors(pl, _scan(pl, root, "prk_hatch")).lazy().select("t", hv=v)
        closed = (pl.col("hv") == 1.0).fill_null(False)
        segs = (kept.lazy().select("t", "v").join_asof(hatch, on="t", strategy="backward")
                .with_columns(seg=(closed & ~closed.shift(1).fill_null(False)).cum_sum()
                              .set_sorted())
                .filter(closed))
    else:
        segs = kept.lazy().with_columns(seg=(pl.col("gap") | pl.col("rep")).cum_sum()
                                        .set_sorted())
    segs = segs.select("seg", "t", ts=(t - t0).cast(pl.Float64) / 1e9, lp=v.log()).collect()
    del kept
    if not segs["lp"].is_finite().all():  # log(p <= 0) is -inf or NaN
        raise TelemetryError("polars core: a pressure <= 0 in a segment; cannot take its log")
    lap("segments")
    # OLS with centred sums per segment; ``seg`` is flagged sorted, so the groups are slices
    x, y = pl.col("ts") - pl.col("ts").mean(), pl.col("lp") - pl.col("lp").mean()
    per = (segs.lazy().group_by("seg", maintain_order=True)
           .agg(n=pl.len(), start_ns=t.first(), end_ns=t.last(),
                slope=(x * y).sum() / (x * x).sum())
           .with_columns(row=pl.col("n").cum_sum() - pl.col("n"))
           .filter(pl.col("n") >= MIN_SAMPLES).collect())
    lap("ols")
    if per.height == 0:
        raise InsufficientDataError(f"telemetry: no segment with >= {MIN_SAMPLES} samples")
    ts_all, lp_all = segs["ts"].to_numpy(), segs["lp"].to_numpy()
    bounds = list(zip(per["row"].to_list(), per["n"].to_list(), strict=True))
    with ThreadPoolExecutor(max(int(threads), 1)) as pool:
        se = np.array(list(pool.map(lambda r: _fit_hac(ts_all[r[0]: r[0] + r[1]],
                                                       lp_all[r[0]: r[0] + r[1]]), bounds)))
    lap("fit")
    return {
        "start_ns": per["start_ns"].to_numpy(), "end_ns": per["end_ns"].to_numpy(),
        "n": per["n"].to_numpy().astype(np.int64),
        "k_per_day": -per["slope"].to_numpy() * DAY_S, "k_se": se * DAY_S,
        "step": step, "scale": scale, "n_live": n_live, "n_kept": n_kept,
        "n_gap": n_gap, "n_repress": n_rep, "polars_threads": pl.thread_pool_size(),
        "source": "hatch" if has_hatch else "pressure", "notes": LEAVES_OUT,
        "timings": timings, "peak_rss_mb": peaks,
    }


def _main(argv: list[str] | None = None) -> None:
    """Time one job in this process and print one JSON line (wall, CPU, peak RSS)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--package", action="store_true",
                    help="time prkanalysis' run_pipeline_fast instead of the Polars core")
    a = ap.parse_args(argv)
    os.environ["POLARS_MAX_THREADS"] = str(a.threads)
    if a.package:
        from prkanalysis.telemetry.scale import run_pipeline_fast

        w0, c0 = time.perf_counter(), time.process_time()
        out = run_pipeline_fast(a.path, 5.0, 295.15, workers=a.threads)
        res = {"segments": len(out), "timings": out.attrs.get("timings")}
    else:
        w0, c0 = time.perf_counter(), time.process_time()
        job = polars_core_job(a.path, a.threads)
        res = {"segments": int(job["n"].size), "timings": job["timings"],
               "stage_peak_rss_mb": job["peak_rss_mb"],
               "polars_threads": job["polars_threads"]}
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"core": "package" if a.package else "polars", "wall_s": round(wall, 2),
                      "cpu_s": round(cpu, 2), "peak_rss_mb": round(rss, 1),
                      "load": os.getloadavg(), **res}, default=str))


if __name__ == "__main__":
    _main()
