"""Peer pipelines for the telemetry benchmark: what a user would write in Polars or DuckDB.

These are the benchmark's own implementations, written here after the two peer scripts a
user shared (``polars_pipeline.py`` and ``duckdb_pipeline.py``, kept outside this repository
in ``../shared/peers/``): the same job, as functions that return the per-segment table so
that the benchmark can compare it with the package's, plus the OLS standard error (one more
grouped sum). They are *peers*, not part of the package; ALL DATA THEY READ HERE IS SIMULATED.

The job, in both: read the ``time`` and ``value`` columns of the partitioned Parquet
(``channel=prk_pressure/**`` and ``channel=prk_hatch/**``) -> sort by time -> drop a sample
whose differences to both neighbours exceed a FIXED 1.0 mmHg with opposite signs (single
glitch) -> attach the hatch state of the latest hatch row at or before each sample (as-of
join) -> per closed-hatch interval with >= ``min_samples`` samples, OLS of ``ln p`` on the
seconds since the interval's hatch change, from grouped sums: ``k = -slope x 86400`` per
day and its OLS standard error.

What they leave out of the package's job (printed by the benchmark, :data:`LEAVES_OUT`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

#: The package's work that the peers do not do (same list for both).
LEAVES_OUT = (
    "HAC standard errors and t intervals (OLS SE only); NaN, duplicate and time-collision "
    "drops; a glitch threshold from the data's noise scale (fixed 1.0 mmHg); quantisation "
    "step and noise scale; stale (frozen), gap and repressurisation flags; per-partition "
    "checks (overlap, p <= 0); degenerate-segment masking; mass rates with volume and "
    "temperature intervals; the cleaning audit"
)

GLITCH_MMHG = 1.0  # the peers' fixed glitch threshold, as in the shared scripts


def _glob(root: Path, channel: str) -> str:
    return str(Path(root) / f"channel={channel}" / "**" / "*.parquet")


def polars_job(root: str | Path, min_samples: int = 10) -> dict[str, np.ndarray]:
    """The Polars peer (lazy scan, streaming-capable plan); threads: ``POLARS_MAX_THREADS``.

    Returns:
        ``seg_start_ns`` (hatch change time), ``n``, ``k_per_day``, ``k_se_ols`` arrays.
    """
    import polars as pl

    p = (pl.scan_parquet(_glob(Path(root), "prk_pressure"), hive_partitioning=False)
         .select(pl.col("time").dt.epoch("ns").alias("tn"), pl.col("value").alias("v"))
         .sort("tn"))
    p = p.with_columns(dl=pl.col("v") - pl.col("v").shift(1),
                       dr=pl.col("v").shift(-1) - pl.col("v"))
    p = p.filter(~((pl.col("dl").abs() > GLITCH_MMHG) & (pl.col("dr").abs() > GLITCH_MMHG)
                   & (pl.col("dl").sign() != pl.col("dr").sign())))
    h = (pl.scan_parquet(_glob(Path(root), "prk_hatch"), hive_partitioning=False)
         .select(pl.col("time").dt.epoch("ns").alias("seg_start"),
                 pl.col("value").alias("closed"))
         .sort("seg_start"))
    s = p.join_asof(h, left_on="tn", right_on="seg_start").filter(pl.col("closed") == 1)
    s = s.with_columns(x=(pl.col("tn") - pl.col("seg_start")).cast(pl.Float64) / 1e9,
                       y=pl.col("v").log())
    g = (s.group_by("seg_start")
         .agg(n=pl.len(), sx=pl.col("x").sum(), sy=pl.col("y").sum(),
              sxx=(pl.col("x") * pl.col("x")).sum(), sxy=(pl.col("x") * pl.col("y")).sum(),
              syy=(pl.col("y") * pl.col("y")).sum())
         .filter(pl.col("n") >= min_samples)
         .with_columns(cxx=pl.col("sxx") - pl.col("sx") ** 2 / pl.col("n"),
                       cxy=pl.col("sxy") - pl.col("sx") * pl.col("sy") / pl.col("n"),
                       cyy=pl.col("syy") - pl.col("sy") ** 2 / pl.col("n"))
         .with_columns(slope=pl.col("cxy") / pl.col("cxx"))
         .with_columns(k_per_day=-pl.col("slope") * 86400.0,
                       k_se_ols=((pl.col("cyy") - pl.col("slope") * pl.col("cxy")).clip(0.0)
                                 / (pl.col("n") - 2) / pl.col("cxx")).sqrt() * 86400.0)
         .sort("seg_start"))
    res = g.collect()
    return {"seg_start_ns": res["seg_start"].to_numpy().astype(np.int64),
            "n": res["n"].to_numpy().astype(np.int64),
            "k_per_day": res["k_per_day"].to_numpy(),
            "k_se_ols": res["k_se_ols"].to_numpy()}


def duckdb_job(root: str | Path, threads: int = 2, min_samples: int = 10,
               memory_limit: str = "4GB") -> dict[str, np.ndarray]:
    """The DuckDB peer (one SQL query: window functions, ASOF join, ``regr_*`` aggregates).

    ``memory_limit`` caps DuckDB's buffer memory (it spills to a temporary folder beyond
    it); the shared machine of the benchmark cannot give it the default 80 % of RAM.

    Returns:
        ``seg_start_ns`` (hatch change time), ``n``, ``k_per_day``, ``k_se_ols`` arrays.
    """
    import duckdb

    con = duckdb.connect()
    con.execute(f"PRAGMA threads={int(threads)}")
    con.execute(f"PRAGMA memory_limit='{memory_limit}'")
    pg, hg = _glob(Path(root), "prk_pressure"), _glob(Path(root), "prk_hatch")
    q = f"""
    WITH p AS (
      SELECT epoch_ns(time) AS tn, value AS v FROM read_parquet('{pg}')
    ), d AS (
      SELECT tn, v, v - lag(v) OVER w AS dl, lead(v) OVER w - v AS dr
      FROM p WINDOW w AS (ORDER BY tn)
    ), kept AS (
      SELECT tn, v FROM d
      WHERE NOT (abs(dl) > {GLITCH_MMHG} AND abs(dr) > {GLITCH_MMHG} AND sign(dl) <> sign(dr))
    ), h AS (
      SELECT epoch_ns(time) AS tn, value AS closed FROM read_parquet('{hg}')
    ), seg AS (
      SELECT kept.tn, kept.v, h.tn AS seg_start, h.closed
      FROM kept ASOF JOIN h ON kept.tn >= h.tn
    )
    SELECT seg_start, count(*) AS n,
           -regr_slope(ln(v), (tn - seg_start) / 1e9) * 86400 AS k_per_day,
           sqrt(greatest(regr_syy(ln(v), (tn - seg_start) / 1e9)
                         - regr_slope(ln(v), (tn - seg_start) / 1e9)
                         * regr_sxy(ln(v), (tn - seg_start) / 1e9), 0)
                / (count(*) - 2) / regr_sxx(ln(v), (tn - seg_start) / 1e9)) * 86400 AS k_se_ols
    FROM seg WHERE closed = 1 GROUP BY seg_start HAVING count(*) >= {int(min_samples)}
    ORDER BY seg_start
    """
    res = con.execute(q).fetchnumpy()
    con.close()
    return {"seg_start_ns": np.asarray(res["seg_start"]).astype(np.int64),
            "n": np.asarray(res["n"]).astype(np.int64),
            "k_per_day": np.asarray(res["k_per_day"], dtype=np.float64),
            "k_se_ols": np.asarray(res["k_se_ols"], dtype=np.float64)}


def available() -> dict[str, str | None]:
    """Installed version of each peer's library, or ``None`` when it is not installed."""
    out: dict[str, str | None] = {}
    for name in ("polars", "duckdb"):
        try:
            mod = __import__(name)
            out[name] = str(getattr(mod, "__version__", "?"))
        except ImportError:
            out[name] = None
    return out


def set_threads(threads: int) -> None:
    """Limit Polars to ``threads`` threads (must run before ``import polars``)."""
    os.environ["POLARS_MAX_THREADS"] = str(int(threads))


def match_k(pkg_start_ns: np.ndarray, pkg_k: np.ndarray, pkg_se: np.ndarray,
            peer: dict[str, np.ndarray]) -> dict[str, float | int]:
    """Pair each package segment with the peer segment of the same hatch interval; compare k.

    A package segment starts at its first kept sample inside a closed-hatch interval; the
    peer's starts at the interval's hatch change, at or before it. Each package segment is
    paired with the latest peer segment starting at or before it (as-of); segments of one
    side with no partner are counted.

    Returns:
        ``paired``, ``unpaired_package``, ``unpaired_peer``, ``max_abs_diff`` (per day),
        ``max_rel_diff`` and ``max_diff_over_se`` (|k_peer - k_pkg| / package HAC SE).
    """
    ps = peer["seg_start_ns"]
    j = np.searchsorted(ps, pkg_start_ns, side="right") - 1
    ok = j >= 0
    ok &= np.bincount(np.where(ok, j, 0), minlength=ps.size)[np.where(ok, j, 0)] == 1
    a, b, se = pkg_k[ok], peer["k_per_day"][j[ok]], pkg_se[ok]
    d = np.abs(a - b)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(np.maximum(np.abs(a), np.abs(b)) > 0,
                       d / np.maximum(np.abs(a), np.abs(b)), 0.0)
        over = np.where(se > 0, d / se, np.inf)
    return {"paired": int(ok.sum()), "unpaired_package": int((~ok).sum()),
            "unpaired_peer": int(ps.size - int(ok.sum())),
            "max_abs_diff": float(np.nanmax(d)) if d.size else float("nan"),
            "max_rel_diff": float(np.nanmax(rel)) if rel.size else float("nan"),
            "max_diff_over_se": float(np.nanmax(over)) if over.size else float("nan")}
