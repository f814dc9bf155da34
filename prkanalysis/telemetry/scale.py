"""Telemetry at scale: the load -> clean -> segment -> fit pipeline, partition by partition.

Two front-ends share one engine:

* :func:`run_pipeline_dask` runs over a partitioned Parquet dataset written by
  :func:`~prkanalysis.telemetry.write_parquet` (``channel=<name>/month=YYYY-MM/*.parquet``)
  with :func:`dask.dataframe.read_parquet` and Dask tasks (a ``distributed`` client, or the
  default scheduler), so the whole dataset never sits in memory;
* :func:`run_pipeline_fast` runs the same rounds in this process on a thread pool, reading
  each file once (the benchmark's fast path).

Both return the table of the in-memory reference :func:`run_pipeline_memory`
(:func:`~prkanalysis.telemetry.read_parquet` -> :func:`~prkanalysis.telemetry.clean` ->
:func:`~prkanalysis.telemetry.fit_segments`): the same segments (same first and last sample,
same sample count), the same ``k`` and standard errors to about 1e-12 relative (the tests
require 1e-9).

Method (one partition = one Parquet file of the pressure channel; partitions must not
overlap in time, which the monthly layout guarantees and the code checks):

1. **Summaries** (one task per partition): stable time sort; NaN, duplicate and time-collision
   flags (local, because partitions are strictly ordered in time); number of surviving
   samples, their first and last values, smallest and largest ``|p|``; the count of non-zero
   first differences; and the *halos*: the first and last rows of the partition, enough of
   them that, leaving out the outermost surviving sample, they hold ``stale_min_n + 6``
   surviving samples and span more than ``max(stale_min_s, gap_s)``.
2. **Global quantisation step and noise scale.** :func:`~prkanalysis.telemetry.clean`
   estimates both once per channel from the whole series: :func:`detect_step` from the
   non-zero absolute first differences above ``1e-9 x median |p|`` (strided to at most 2
   million) and :func:`robust_scale` from all first differences (strided the same way). The
   partitions return exactly those strided samples from their global positions (the
   differences across partition boundaries included), and the driver applies the same
   formulas (the same private helpers of :mod:`~prkanalysis.telemetry.clean`). The
   threshold ``1e-9 x median |p|`` is bracketed by the smallest and largest ``|p|``; only
   if a difference falls inside the bracket (never with quantised gauge data) is the exact
   global median computed, by histogram refinement over the partitions.
3. **Per-partition work** with the global step and scale: the flags of
   :func:`~prkanalysis.telemetry.clean_arrays` (glitch, stale, gap, repressurisation) are
   computed by its flag core :func:`~prkanalysis.telemetry.flag_arrays` on
   ``[left halo | partition | right halo]`` and kept for the partition's own rows.
   They are exact: a glitch needs one surviving neighbour each side; a frozen run that
   reaches the outer end of a halo is at least as long as the halo, so it is frozen in both
   views; a gap or step before the first own sample is measured against the same previous
   kept sample, or, if that one lies beyond the halo, both views see more than ``gap_s``.
   A frozen run that covers a partition's tail halo is taken into that halo whole, with
   a sufficient halo before it (chained over partitions that are frozen throughout), so
   the next partition also sees the kept sample before a frozen stretch of any length that
   ends on the boundary, and the hatch state there. Segments follow
   :func:`~prkanalysis.telemetry.segment_arrays`: hatch mode, runs of kept samples in
   closed-hatch intervals (hatch channel cleaned, compressed to its change points by
   :func:`~prkanalysis.telemetry.hatch_changes`, broadcast; intervals located by
   :func:`~prkanalysis.telemetry.closed_ranges`); pressure mode, runs between ``repress``
   and ``gap_before`` flags. Segments wholly inside the partition are fitted there; the
   head and tail pieces are returned (their rows and the rows' flags).
4. **Reduction**, in partition order as results arrive: pieces of a segment that straddles
   boundaries are joined (their kept rows gathered in order) and fitted (as a task);
   segments with fewer than ``min_samples`` samples are dropped and ids renumbered 0, 1,
   2 ...; ``k``, its interval and the mass rates follow
   :func:`~prkanalysis.telemetry.fit_segments`. Times are seconds from the first kept
   pressure sample of the whole dataset, as in the in-memory path. Each segment is
   fitted by :func:`~prkanalysis.telemetry.fit.fit_segment`, the one-segment core of
   :func:`~prkanalysis.telemetry.fit_arrays`.

Speed: the per-partition passes are compiled loops (:mod:`~prkanalysis.telemetry.kernels`:
the drop set, summary, halos and strided differences of :mod:`~.kernels.scan`, the flags of
:func:`~prkanalysis.telemetry.clean.flag_arrays`, the fit of
:func:`~prkanalysis.telemetry.fit.fit_segment`) that release the GIL, so threads use every
core. A complete segment's kept samples are gathered once from the partition's rows into a
per-thread work array (seconds from ``t0``, then ``log p`` in place) and fitted there;
nothing else copies a partition.

Memory: a worker holds one partition (plus halos) at a time; the client holds the small
summaries and the rows of the segments that are open across a boundary (a hatch-closed
week at 1 Hz is about 11 MB: times, values, flags; in the fast path, views of the
partitions it holds anyway). The Dask front-end reads each partition three times (summary,
strided samples, work), more only on the exact-median path.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from prkanalysis.errors import InsufficientDataError, TelemetryError
from prkanalysis.telemetry.clean import (
    DROP_MASK,
    GAP_BEFORE,
    REPRESS,
    _live,
    _scale_from_diffs,
    _step_from_diffs,
    clean,
    pre_flags,
)
from prkanalysis.telemetry.fit import (
    _interval,
    air_mass_kg,
    fit_segment,
    fit_segments,
    mask_degenerate,
    t_quantile,
)
from prkanalysis.telemetry.io import read_parquet
from prkanalysis.telemetry.kernels.flags import flag_parts
from prkanalysis.telemetry.kernels.scan import (
    flagged_positions,
    gather_kept,
    halo_rows,
    pre_dropped,
    strided_diffs,
    summary_scan,
)
from prkanalysis.telemetry.schema import PRK_HATCH, PRK_PRESSURE
from prkanalysis.telemetry.segments import closed_ranges, hatch_changes

__all__ = [
    "PipelineParams",
    "channel_files",
    "compare_fits",
    "read_channel_arrays",
    "run_pipeline_dask",
    "run_pipeline_fast",
    "run_pipeline_memory",
    "text_progress",
]

_NS = 1e9
_DAY_S = 86400.0
_SAMPLE = 2_000_000  # the strided-sample size of clean.detect_step / clean.robust_scale
_GATHER_MAX = 200_000  # values per partition gathered by the exact-median search
#: The summary keeps the |first differences| below ``_TINY_REL x max(max |p|, 1)`` one by one.
_TINY_REL = 1e-6


@dataclass(frozen=True)
class PipelineParams:
    """Thresholds of the pipeline; the defaults are those of ``clean`` and ``fit_segments``.

    Attributes:
        glitch_k: Glitch threshold in noise scales.
        stale_min_s: Shortest frozen run, seconds.
        stale_min_n: Fewest samples in a frozen run.
        gap_s: Gap threshold, seconds.
        repress_min: Smallest repressurisation step, mmHg.
        repress_k: Repressurisation threshold in noise scales.
        step: Quantisation step of the pressure gauge; ``None`` = estimated from the data.
        ref_pressure_mmhg: Reference pressure of the mass rate.
        cov: ``"HAC"``, ``"NW"`` or ``"ols"`` (see :mod:`~prkanalysis.telemetry.fit`).
        maxlags: Fixed Newey-West lag, only with ``cov="NW"``.
        use_correction: HAC small-sample factor ``n / (n - 2)``.
        min_samples: Smallest segment kept.
        level: Confidence level of the intervals.
        use_hatch: Segment from the hatch channel (``None`` = when present).
        channel: Pressure channel.
        corr_time_s: Correlation time of the noise (s) for ``cov="HAC"`` (``None`` =
            estimated per segment).

    Example:
        >>> PipelineParams(min_samples=20).min_samples
        20
    """

    glitch_k: float = 4.0
    stale_min_s: float = 600.0
    stale_min_n: int = 5
    gap_s: float = 3600.0
    repress_min: float = 5.0
    repress_k: float = 20.0
    step: float | None = None
    ref_pressure_mmhg: float = 760.0
    cov: Literal["HAC", "NW", "ols"] = "HAC"
    maxlags: int | None = None
    use_correction: bool = True
    min_samples: int = 10
    corr_time_s: float | None = None
    level: float = 0.95
    use_hatch: bool | None = None
    channel: str = PRK_PRESSURE


def _params(params: PipelineParams | None, kwargs: dict[str, Any]) -> PipelineParams:
    """Merge a params object and keyword overrides; unknown names raise TelemetryError."""
    base = asdict(params or PipelineParams())
    unknown = sorted(set(kwargs) - set(base))
    if unknown:
        raise TelemetryError(f"unknown pipeline parameter(s) {unknown}; known: {sorted(base)}")
    base.update(kwargs)
    return PipelineParams(**base)


# --------------------------------------------------------------------------------------------
# In-memory reference
# --------------------------------------------------------------------------------------------


def run_pipeline_memory(
    path: str | Path,
    volume_m3: float | tuple[float, float],
    temperature_k: float | tuple[float, float],
    params: PipelineParams | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """The in-memory pipeline: ``read_parquet`` -> ``clean`` -> ``fit_segments``.

    Reads the pressure channel and (if present) the hatch channel, cleans them with the
    thresholds of ``params``, and fits every segment. This is the reference that
    :func:`run_pipeline_dask` reproduces.

    Args:
        path: Dataset folder written by :func:`~prkanalysis.telemetry.write_parquet`.
        volume_m3: PrK free volume, or ``(low, high)``.
        temperature_k: Gas temperature, or ``(low, high)``.
        params: Thresholds (default :class:`PipelineParams`).
        **kwargs: Overrides of single fields of ``params``.

    Returns:
        The table of :func:`~prkanalysis.telemetry.fit_segments`.

    Example:
        >>> import tempfile
        >>> from prkanalysis.telemetry import simulate, write_parquet
        >>> df, truth = simulate(duration_days=4, rate_hz=0.01, closed_days=2, seed=3)
        >>> fits = run_pipeline_memory(write_parquet(df, tempfile.mkdtemp()), 5.0, 295.15)
        >>> len(fits), fits.attrs["simulated"]
        (2, True)
    """
    p = _params(params, kwargs)
    df = read_parquet(path, channels=[p.channel, PRK_HATCH])
    steps = None if p.step is None else {p.channel: float(p.step)}
    cleaned, _ = clean(
        df, glitch_k=p.glitch_k, stale_min_s=p.stale_min_s, stale_min_n=p.stale_min_n,
        gap_s=p.gap_s, repress_min=p.repress_min, repress_k=p.repress_k, steps=steps,
        extra_channels=(p.channel,),
    )
    return fit_segments(
        cleaned, volume_m3, temperature_k, ref_pressure_mmhg=p.ref_pressure_mmhg, cov=p.cov,
        maxlags=p.maxlags, use_correction=p.use_correction, min_samples=p.min_samples,
        corr_time_s=p.corr_time_s, level=p.level, gap_s=p.gap_s, use_hatch=p.use_hatch,
        channel=p.channel,
        pressure_method="steps",  # the partitioned engine implements the step rule only
    )


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def channel_files(path: str | Path, channel: str) -> list[Path]:
    """The Parquet files of one channel of a hive-partitioned dataset, in path order.

    Args:
        path: Dataset folder.
        channel: Channel name (folder ``channel=<name>``).

    Returns:
        Sorted file paths (empty if the channel is absent).

    Raises:
        TelemetryError: ``path`` is not a folder.

    Example:
        >>> import tempfile
        >>> channel_files(tempfile.mkdtemp(), "prk_pressure")
        []
    """
    root = Path(path)
    if not root.is_dir():
        raise TelemetryError(f"Parquet dataset {root.name}: not a folder ({root})")
    return sorted((root / f"channel={channel}").rglob("*.parquet"))


def _time_sorted(t: np.ndarray, v: np.ndarray) -> Arrays:
    """``(t, v)`` stable-sorted by time; the same arrays when already sorted."""
    if t.size > 1 and np.any(t[1:] < t[:-1]):
        o = np.argsort(t, kind="stable")
        return t[o], v[o]
    return t, v


def read_channel_arrays(
    path: str | Path, channel: str = PRK_PRESSURE
) -> tuple[np.ndarray, np.ndarray]:
    """Read one channel as bare arrays (int64 ns times, float64 values), time-sorted.

    The lean reader of the benchmark's fast path: only the ``time`` and ``value`` columns
    are read (with pyarrow, multi-threaded), converted to NumPy without going through a
    DataFrame, and stable-sorted by time only if they are not sorted already.

    Args:
        path: Dataset folder written by :func:`~prkanalysis.telemetry.write_parquet`.
        channel: Channel name.

    Returns:
        ``(t_ns, values)``.

    Raises:
        TelemetryError: no file for the channel.

    Example:
        >>> import tempfile
        >>> from prkanalysis.telemetry import simulate, write_parquet
        >>> df, _ = simulate(duration_days=1, rate_hz=0.01, seed=0)
        >>> t, v = read_channel_arrays(write_parquet(df, tempfile.mkdtemp()))
        >>> t.dtype.name, v.dtype.name, t.size
        ('int64', 'float64', 864)
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = channel_files(path, channel)
    if not files:
        raise TelemetryError(f"Parquet dataset {Path(path).name}: no file for channel {channel!r}")
    table = pq.read_table([str(f) for f in files] if len(files) > 1 else str(files[0]),
                          columns=["time", "value"], partitioning=None)
    t = table.column("time").cast(pa.int64()).to_numpy()
    v = table.column("value").to_numpy()
    del table
    t, v = _time_sorted(t, v)
    return t, v


def _frame_arrays(pdf: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(t_ns, value) of a partition frame, stable-sorted by time."""
    t = pdf["time"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    v = pdf["value"].to_numpy(dtype=np.float64)
    t, v = _time_sorted(t, v)
    return np.ascontiguousarray(t), np.ascontiguousarray(v)


# --------------------------------------------------------------------------------------------
# Halos (the flags themselves are clean.flag_arrays with the global scale)
# --------------------------------------------------------------------------------------------

Arrays = tuple[np.ndarray, np.ndarray]
#: A segment's piece in one partition: its rows' times and values and their flags.
Piece = tuple[np.ndarray, np.ndarray, np.ndarray]


class _Part(tuple):
    """A partition's time-sorted ``(t, v)`` with the positions :func:`pre_flags` drops.

    ``dropped`` (sorted int64 positions, usually few or none) is computed once, when the
    fast path reads the file; the Dask path recomputes it in each round (one pass).
    """

    dropped: np.ndarray


def _part(t: np.ndarray, v: np.ndarray) -> _Part:
    """``(t, v)`` as a :class:`_Part` with its dropped positions."""
    out = _Part((t, v))
    out.dropped = pre_dropped(t, v)
    return out


def _dropped(a: Arrays) -> np.ndarray:
    """The sorted positions of the rows of ``a`` that :func:`pre_flags` drops."""
    d = getattr(a, "dropped", None)
    return pre_dropped(a[0], a[1]) if d is None else d


def _halo_sizes(a: Arrays, dropped: np.ndarray, n_live: int, p: PipelineParams) -> tuple[int, int]:
    """Rows of a sufficient head and tail halo (:func:`~.kernels.scan.halo_rows`).

    Sufficient: leaving out the outermost surviving sample, the halo holds at least
    ``stale_min_n + 6`` surviving samples and spans more than ``max(stale_min_s, gap_s)``.
    At the tail, a run of equal surviving values that covers that halo is taken whole,
    with a sufficient halo before its first sample: the next partition then sees the kept
    sample before a frozen stretch that ends on the boundary (and the hatch state there),
    however long the stretch.
    """
    t, v = a
    need_n = int(p.stale_min_n) + 6
    span_ns = (max(p.stale_min_s if np.isfinite(p.stale_min_s) else 0.0, p.gap_s) + 1.0) * _NS
    return (int(halo_rows(t, v, dropped, n_live, need_n, span_ns, False)),
            int(halo_rows(t, v, dropped, n_live, need_n, span_ns, True)))


# --------------------------------------------------------------------------------------------
# Partition kernels (each takes the partition's time-sorted arrays first)
# --------------------------------------------------------------------------------------------


def _summary(a: Arrays, p: PipelineParams) -> dict[str, Any]:
    """Per-partition summary: times, surviving count, value range, edge values, halos."""
    t, v = a
    dropped = _dropped(a)
    n_live, first, last, lo_v, hi_v, above, tiny = summary_scan(v, dropped, _TINY_REL)
    out: dict[str, Any] = {"n": int(t.size), "n_live": int(n_live)}
    if t.size:
        out["t_min"], out["t_max"] = int(t[0]), int(t[-1])
    if n_live:
        out["first_t"], out["last_t"] = int(t[first]), int(t[last])
        out["first_v"], out["last_v"] = float(v[first]), float(v[last])
        out["min_abs"] = 0.0 if lo_v <= 0.0 <= hi_v else min(abs(lo_v), abs(hi_v))
        out["max_abs"] = max(abs(lo_v), abs(hi_v))
        # non-zero |first differences| (internal to the partition), for detect_step's
        # threshold eps = 1e-9 x median|p| that is only known globally: the count above
        # ``tiny_max`` plus the few values below it let the driver count above any eps
        out["nz_above_tiny"] = int(above)
        out["tiny"] = tiny
        out["tiny_max"] = _TINY_REL * max(out["max_abs"], 1.0)
    h, k = _halo_sizes(a, dropped, int(n_live), p)
    out["head"] = (t[:h].copy(), v[:h].copy())
    out["tail"] = (t[t.size - k:].copy(), v[t.size - k:].copy())
    out["whole"] = h >= t.size
    out["tail_whole"] = k >= t.size  # a frozen tail can make the tail halo whole alone
    return out


def _live_pair(a: Arrays) -> Arrays:
    """The partition's samples that survive :func:`pre_flags` (the same arrays if all do)."""
    t, v = a
    dropped = _dropped(a)
    if not dropped.size:
        return t, v
    keep = np.ones(t.size, dtype=bool)
    keep[dropped] = False
    return t[keep], v[keep]


def _live_diffs(a: Arrays, prev_last: float | None) -> np.ndarray:
    """First differences of the surviving values, led by the one across the left boundary."""
    _, vv = _live_pair(a)
    if prev_last is None or not vv.size:
        return np.diff(vv)
    d = np.empty(vv.size, dtype=np.float64)  # = np.diff([prev_last, *vv]) without a copy
    d[0] = vv[0] - prev_last
    np.subtract(vv[1:], vv[:-1], out=d[1:])
    return d


def _count_nonzero(a: Arrays, prev_last: float | None, lo: float, hi: float) -> tuple[int, int]:
    """(differences with |d| > hi, differences with lo < |d| <= hi) of one partition."""
    d = np.abs(_live_diffs(a, prev_last))
    return int(np.count_nonzero(d > hi)), int(np.count_nonzero((d > lo) & (d <= hi)))


def _strided(a: Arrays, prev_last: float | None, eps: float, d_off: int, d_stride: int,
             z_off: int, z_stride: int) -> tuple[np.ndarray, np.ndarray]:
    """This partition's share of the two strided samples (all diffs; |diffs| > eps).

    With ``d`` the partition's first differences (:func:`_live_diffs`) at global positions
    from ``d_off``: ``d`` at the global positions that are multiples of ``d_stride``, and
    likewise ``|d|`` among the ``|d| > eps`` (global count from ``z_off``, stride
    ``z_stride``); one pass of :func:`~.kernels.scan.strided_diffs`.
    """
    return strided_diffs(a[1], _dropped(a), np.nan if prev_last is None else float(prev_last),
                         prev_last is not None, float(eps), (-d_off) % d_stride, int(d_stride),
                         (-z_off) % z_stride, int(z_stride))


def _abs_histogram(a: Arrays, lo: float, hi: float, bins: int, keep_max: int,
                   ) -> tuple[int, np.ndarray, np.ndarray | None]:
    """(count of |p| < lo, histogram of |p| on [lo, hi], sorted values in range if few)."""
    _, vv = _live_pair(a)
    x = np.abs(vv)
    below = int(np.count_nonzero(x < lo))
    inr = x[(x >= lo) & (x <= hi)]
    counts = np.histogram(inr, bins=bins, range=(lo, hi))[0] if hi > lo else np.array(
        [inr.size])
    return below, counts, (np.sort(inr) if inr.size <= keep_max else None)


def _global_median_abs(run: Any, order: list[int], summ: list[dict[str, Any]],
                       n_live: int) -> float:
    """Exact ``np.median(|p|)`` over all partitions, by histogram refinement.

    Each round counts the values below a range and histograms those inside it (4096 bins);
    the range shrinks to the bins holding the middle rank(s) until the values inside it are
    few enough to gather. ``np.median`` averages the two middle values when the count is
    even; so does this.
    """
    k1, k2 = (n_live - 1) // 2, n_live // 2
    lo = min(s_["min_abs"] for s_ in summ if s_["n_live"])
    hi = max(s_["max_abs"] for s_ in summ if s_["n_live"])
    bins, keep = 4096, _GATHER_MAX
    for _ in range(12):
        res = run("hist", [(i, (lo, hi, bins, keep)) for i in order])
        below = sum(r[0] for r in res)
        counts = np.sum([r[1] for r in res], axis=0)
        if all(r[2] is not None for r in res) or hi <= lo:
            if hi <= lo:
                return float(lo)
            vals = np.sort(np.concatenate([r[2] for r in res]))
            pair = vals[[k1 - below, k2 - below]]
            return float(np.mean(pair)) if k1 != k2 else float(pair[0])
        edges = np.linspace(lo, hi, bins + 1)
        cum = below + np.cumsum(counts)
        b1 = int(np.searchsorted(cum, k1, side="right"))
        b2 = int(np.searchsorted(cum, k2, side="right"))
        lo, hi = float(edges[b1]), float(edges[min(b2 + 1, bins)])
    raise TelemetryError("run_pipeline: the median of |p| did not converge; pass step=")


def _hatch_changes(a: Arrays) -> Arrays:
    """Cleaned hatch rows of one partition, reduced to the first row and the changes."""
    t, v = a
    _, (t, v) = _live(pre_flags(t, v), t, v)
    return hatch_changes(t, v)


def _flags_with_halos(lt: np.ndarray, lv: np.ndarray, t: np.ndarray, v: np.ndarray,
                      rt: np.ndarray, rv: np.ndarray, s: float, p: PipelineParams,
                      ) -> np.ndarray:
    """:func:`flag_arrays` of ``[left halo | partition | right halo]`` with the global scale.

    Computed by :func:`~.kernels.flags.flag_parts` on the three parts, without copying the
    partition into a concatenation.
    """
    return flag_parts(lt, lv, t, v, rt, rv, s, p.glitch_k, p.stale_min_s, p.stale_min_n,
                      p.gap_s, p.repress_min, p.repress_k)


def _process(
    a: Arrays,
    left: tuple[np.ndarray, np.ndarray, bool],
    right: tuple[np.ndarray, np.ndarray, bool],
    s: float,
    hatch: Arrays | None,
    t0_ns: int,
    is_first: bool,
    p: PipelineParams,
) -> dict[str, Any]:
    """Flags, segment pieces, fits of complete segments, arrays of the edge pieces.

    Works in *kept positions* (the index among the partition's kept samples): a segment is
    a range ``[ka, kb)`` of them. Hatch mode: the ranges of kept samples inside closed-hatch
    intervals, two ranges joined when no kept sample lies between them (as
    ``segment_arrays`` sees consecutive closed samples). Pressure mode: ranges between the
    kept samples flagged ``gap_before`` or ``repress``. A range is mapped back to the rows
    it spans; complete segments are fitted from those rows (their kept samples gathered
    once, :func:`_fit_rows`), edge pieces are returned as views of their rows with the
    rows' flags (:data:`Piece`), whose kept samples the join gathers.
    """
    t, v = a
    lt, lv, left_complete = left
    rt, rv, _ = right
    flags = _flags_with_halos(lt, lv, t, v, rt, rv, s, p)
    f_own = flags[lt.size : lt.size + t.size]
    # the few dropped positions, not an index of the many kept ones
    dropped = flagged_positions(flags, lt.size, lt.size + t.size, DROP_MASK)
    n = t.size - dropped.size
    # the previous kept sample (in the left halo), for the first own kept sample
    lk = np.flatnonzero((flags[: lt.size] & DROP_MASK) == 0)
    prev_t = int(lt[lk[-1]]) if lk.size else None
    halo_live = np.flatnonzero((pre_flags(lt, lv) & DROP_MASK) == 0)
    uncertain = (not left_complete and lk.size > 0 and halo_live.size > 0
                 and int(lk[-1]) == int(halo_live[0]))
    res: dict[str, Any] = {"n_kept": int(n), "head": None, "tail": None, "fits": None,
                           "whole": False, "closes_left": True}
    if n == 0:
        return res
    key = dropped - np.arange(dropped.size)  # kept position j sits at row j + #{key <= j}

    def kpos(i: np.ndarray) -> np.ndarray:
        """Sample index -> kept position (of the first kept sample at or after it)."""
        return i - np.searchsorted(dropped, i, side="left")

    def rows(ka: int, kb: int) -> tuple[int, int]:
        """The rows ``[ra, rb)`` from the kept position ``ka`` to ``kb - 1``."""
        ra = ka + int(np.searchsorted(key, ka, side="right"))
        rb = kb - 1 + int(np.searchsorted(key, kb - 1, side="right")) + 1
        return ra, rb

    def edge(ka: int, kb: int) -> Piece:
        """A piece returned to the driver: its rows and their flags (views, no copy)."""
        ra, rb = rows(ka, kb)
        return t[ra:rb], v[ra:rb], f_own[ra:rb]

    global_start = is_first and prev_t is None
    if hatch is not None:
        ht, hv = hatch
        cr = closed_ranges(t, ht, hv)
        ka = kpos(cr[:, 0])
        kb = kpos(cr[:, 1])
        ok = kb > ka
        ka, kb = ka[ok], kb[ok]
        if ka.size == 0:
            return res
        # join ranges with no kept sample between them
        join = np.r_[False, ka[1:] == kb[:-1]]
        first_of = np.flatnonzero(~join)
        last_of = np.r_[first_of[1:], ka.size] - 1
        ka, kb = ka[first_of], kb[last_of]
        prev_closed = False
        if prev_t is not None:
            prev_closed = closed_ranges(np.array([prev_t]), ht, hv).size > 0
            if uncertain and ka[0] == 0:
                raise TelemetryError(
                    "run_pipeline: a frozen stretch longer than the halo ends at a partition "
                    "boundary; the hatch state before it is not known locally. Repartition "
                    "the dataset (e.g. by year) or use run_pipeline_memory."
                )
        head_open = bool(ka[0] == 0) and prev_closed and not global_start
    else:
        st = np.flatnonzero((f_own & (GAP_BEFORE | REPRESS)) != 0)
        bnd = kpos(st)
        if global_start:
            bnd = np.r_[0, bnd]
        bnd = np.unique(bnd)
        head_open = not (bnd.size and bnd[0] == 0)
        edges = np.r_[0, bnd[bnd > 0], n]
        ka, kb = edges[:-1], edges[1:]
    tail_open = bool(kb[-1] == n)
    res["closes_left"] = not head_open
    if head_open and tail_open and ka.size == 1:
        res["head"] = edge(0, n)
        res["whole"] = True
        return res
    lo, hi = 0, ka.size
    if head_open:
        res["head"] = edge(int(ka[0]), int(kb[0]))
        lo = 1
    if tail_open:
        res["tail"] = edge(int(ka[-1]), int(kb[-1]))
        hi -= 1
    if hi > lo:
        res["fits"] = _fit_rows(t, v, f_own, [rows(int(x), int(y)) for x, y in
                                              zip(ka[lo:hi], kb[lo:hi], strict=True)], t0_ns, p)
    return res


def _join_and_fit(pieces: list[Piece], t0_ns: int, p: PipelineParams) -> list[tuple[Any, ...]]:
    """Fit one segment that straddles partitions, given its pieces in time order.

    The kept rows of every piece (:func:`~.kernels.scan.gather_kept`) are gathered one
    after the other into this thread's work arrays; a segment with fewer than
    ``min_samples`` kept samples gives no row.
    """
    t_s, pv = _scratch(sum(x[0].size for x in pieces))
    m = 0
    first_ns = last_ns = 0
    for t, v, f in pieces:
        k, first, last = gather_kept(t, v, f, DROP_MASK, 0, t.size, t0_ns, t_s[m:], pv[m:])
        if k:
            first_ns = int(t[first]) if m == 0 else first_ns
            last_ns = int(t[last])
        m += k
    if m < p.min_samples or m == 0:
        return []
    return [_fit_kept(t_s[:m], pv[:m], first_ns, last_ns, p)]


#: Scratch arrays of the fits, one set per thread (results never depend on them).
_SCRATCH = threading.local()


def _scratch(m: int) -> tuple[np.ndarray, np.ndarray]:
    """Two float64 work arrays of ``m`` values for this thread (reused across segments)."""
    buf = getattr(_SCRATCH, "f64", None)
    if buf is None or buf[0].size < m:
        size = max(m, 1 << 20)
        buf = (np.empty(size), np.empty(size))
        _SCRATCH.f64 = buf
    return buf[0][:m], buf[1][:m]


def _fit_kept(t_s: np.ndarray, pv: np.ndarray, start_ns: int, end_ns: int,
              p: PipelineParams) -> tuple[Any, ...]:
    """Fit one segment from its kept samples (seconds, pressure; ``pv`` is overwritten).

    ``log p`` is taken in place; the row holds the columns of :data:`_FIT_FRAME_COLUMNS`.
    """
    n = t_s.size
    p_lo, p_hi = float(pv.min()), float(pv.max())
    if not p_lo > 0:
        raise TelemetryError("run_pipeline: a pressure <= 0 in a segment; cannot take its log")
    p_first, p_last = float(pv[0]), float(pv[-1])
    lv = np.log(pv, out=pv)
    lo, hi = (float(x) for x in np.log(np.array([p_lo, p_hi])))  # log is monotone
    f = fit_segment(t_s, lv, cov=p.cov, maxlags=p.maxlags, use_correction=p.use_correction,
                    corr_time_s=p.corr_time_s)
    return (n, f["slope"], f["se"], f["se_ols"], f["resid_sd"], int(f["maxlags"]), f["df"],
            f["corr_time_s"], max(abs(lo), abs(hi)), hi - lo, start_ns, end_ns, p_first, p_last)


#: The columns of a fitted segment's row (tuples until the reduction makes one table).
_FIT_FRAME_COLUMNS = ["n", "slope", "se", "se_ols", "resid_sd", "maxlags", "df", "corr_time_s",
                      "logp_scale", "logp_span", "start_ns", "end_ns", "p_start", "p_end"]


def _fit_rows(t: np.ndarray, v: np.ndarray, f_own: np.ndarray, ranges: list[tuple[int, int]],
              t0_ns: int, p: PipelineParams) -> list[tuple[Any, ...]]:
    """Fit the complete segments spanning rows ``ranges`` of a partition (kept rows only).

    Each segment's kept samples are gathered once (:func:`~.kernels.scan.gather_kept`:
    seconds from ``t0_ns`` and pressure) into this thread's work arrays; segments with
    fewer than ``min_samples`` kept samples are dropped.
    """
    out = []
    for ra, rb in ranges:
        t_s, pv = _scratch(rb - ra)
        m, first, last = gather_kept(t, v, f_own, DROP_MASK, ra, rb, t0_ns, t_s, pv)
        if m < p.min_samples or m == 0:
            continue
        out.append(_fit_kept(t_s[:m], pv[:m], int(t[first]), int(t[last]), p))
    return out


_KERNELS: dict[str, Callable[..., Any]] = {
    "summary": _summary,
    "count": _count_nonzero,
    "strided": _strided,
    "process": _process,
    "hatch": _hatch_changes,
    "hist": _abs_histogram,
}


def _on_frame(kernel: str, pdf: pd.DataFrame, *args: Any) -> Any:
    """Run a partition kernel on a Dask partition (a DataFrame with time and value).

    The edge pieces of the ``process`` kernel are copied: as views they would keep the
    whole partition in the worker's memory until the client has taken the result.
    """
    out = _KERNELS[kernel](_frame_arrays(pdf), *args)
    if kernel == "process":
        for side in ("head", "tail"):
            if out[side] is not None:
                out[side] = tuple(x.copy() for x in out[side])
    return out


# --------------------------------------------------------------------------------------------
# The engine (shared by the Dask and the threaded in-process front-ends)
# --------------------------------------------------------------------------------------------

#: ``run(kernel, [(partition index, args), ...]) -> results`` in the order given.
Runner = Callable[[str, list[tuple[int, tuple[Any, ...]]]], list[Any]]
#: The same, yielding the results one by one in the order given (bounded client memory).
IterRunner = Callable[[str, list[tuple[int, tuple[Any, ...]]]], Iterator[Any]]
#: ``submit(fn, *args)`` -> a handle with ``.result()`` (or the result itself).
Submit = Callable[..., Any]


def _chain_halo(
    summ: list[dict[str, Any]], i: int, side: str
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Left (``side="left"``) or right halo of partition ``i`` from its neighbours' edges.

    Returns ``(t_ns, values, complete)``; ``complete`` when the halo reaches the end of the
    data (so nothing lies beyond it).
    """
    ts: list[np.ndarray] = []
    vs: list[np.ndarray] = []
    j = i - 1 if side == "left" else i + 1
    while 0 <= j < len(summ):
        et, ev = summ[j]["tail"] if side == "left" else summ[j]["head"]
        if side == "left":
            ts.insert(0, et)
            vs.insert(0, ev)
        else:
            ts.append(et)
            vs.append(ev)
        if not summ[j]["tail_whole" if side == "left" else "whole"]:
            return np.concatenate(ts), np.concatenate(vs), False
        j = j - 1 if side == "left" else j + 1
    if not ts:
        return np.zeros(0, np.int64), np.zeros(0, np.float64), True
    return np.concatenate(ts), np.concatenate(vs), True


#: ``progress(round, done, total)``: called after each partition of a round completes.
Progress = Callable[[str, int, int], None]


def text_progress(stream: Any = None, every_s: float = 1.0) -> Progress:
    """A progress callback that prints plain text lines (no terminal control codes).

    Each line reads ``telemetry <round>: <done>/<total> partitions, <seconds> s``; at most
    one line per ``every_s`` seconds for a round, plus its last one. The rounds are those
    of ``attrs["timings"]``: ``load`` (fast path only), ``summaries``, ``step_scale``,
    ``process``.

    Args:
        stream: Text stream (default ``sys.stderr``, looked up at each line).
        every_s: Least seconds between two lines of one round.

    Returns:
        A callable ``progress(round, done, total)`` for ``run_pipeline_fast`` /
        ``run_pipeline_dask``.

    Example:
        >>> import io
        >>> buf = io.StringIO()
        >>> cb = text_progress(buf, every_s=0.0)
        >>> cb("summaries", 1, 2); cb("summaries", 2, 2)
        >>> buf.getvalue().splitlines()[-1].split(",")[0]
        'telemetry summaries: 2/2 partitions'
    """
    import sys

    start = time.perf_counter()
    last: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - last.get(stage, -np.inf) < every_s:
            return
        last[stage] = now
        out = stream if stream is not None else sys.stderr
        out.write(f"telemetry {stage}: {done}/{total} partitions, {now - start:.1f} s\n")
        out.flush()

    return progress


def _as_progress(progress: Progress | bool | None) -> Progress | None:
    """``True`` -> :func:`text_progress` to stderr; ``False``/``None`` -> no progress."""
    if progress is True:
        return text_progress()
    if progress is None or progress is False:
        return None
    if not callable(progress):
        raise TelemetryError(
            f"progress must be a callable progress(round, done, total), True or None, got "
            f"{progress!r}"
        )
    return progress


def _tracked(progress: Progress | None, stage: str, items: Iterator[Any] | list[Any],
             total: int) -> Iterator[Any]:
    """Yield ``items``, reporting ``progress(stage, done, total)`` after each."""
    if progress is None:
        yield from items
        return
    done = 0
    for item in items:
        done += 1
        progress(stage, done, total)
        yield item


def _engine(
    run: Runner,
    run_iter: IterRunner,
    submit: Submit,
    n_parts: int,
    names: list[str],
    hatch_parts: Callable[[], list[Arrays]] | None,
    volume_m3: float | tuple[float, float],
    temperature_k: float | tuple[float, float],
    p: PipelineParams,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Rounds 1-4 and the reduction (see the module docstring)."""
    v_c, v_lo, v_hi = _interval(volume_m3, "volume_m3")
    t_c, t_lo, t_hi = _interval(temperature_k, "temperature_k")
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    summ_all = list(_tracked(progress, "summaries",
                             run_iter("summary", [(i, (p,)) for i in range(n_parts)]), n_parts))
    nonempty = [i for i, s_ in enumerate(summ_all) if s_["n"]]
    order = sorted(nonempty, key=lambda i: summ_all[i]["t_min"])
    for a, b in itertools.pairwise(order):
        if summ_all[b]["t_min"] <= summ_all[a]["t_max"]:
            raise TelemetryError(
                f"partitions {names[a]} and {names[b]} overlap in time; partitions must be "
                "disjoint"
            )
    summ = [summ_all[i] for i in order]
    if not summ or sum(s_["n_live"] for s_ in summ) == 0:
        raise InsufficientDataError(f"telemetry: no {p.channel!r} sample to fit")
    timings["summaries"] = time.perf_counter() - clock

    # previous surviving value for each partition (the difference across the boundary)
    prev_last: list[float | None] = []
    last: float | None = None
    for s_ in summ:
        prev_last.append(last)
        if s_["n_live"]:
            last = s_["last_v"]
    n_live = sum(s_["n_live"] for s_ in summ)
    # the global median of |p| lies between the smallest and the largest |p|
    eps_lo = 1e-9 * max(min(s_["min_abs"] for s_ in summ if s_["n_live"]), 1.0) * 0.5
    eps_hi = 1e-9 * max(max(s_["max_abs"] for s_ in summ if s_["n_live"]), 1.0) * 2.0

    # global step and scale, from the same strided samples as clean.detect_step/robust_scale
    clock = time.perf_counter()
    live_summ = [s_ for s_ in summ if s_["n_live"]]
    if all(eps_hi <= s_["tiny_max"] for s_ in live_summ):
        counts = []
        for k, s_ in enumerate(summ):
            if not s_["n_live"]:
                counts.append((0, 0))
                continue
            tiny = s_["tiny"]
            above = s_["nz_above_tiny"] + int(np.count_nonzero(tiny > eps_hi))
            amb = int(np.count_nonzero((tiny > eps_lo) & (tiny <= eps_hi)))
            if prev_last[k] is not None:  # the difference across the left boundary
                db = abs(s_["first_v"] - prev_last[k])
                above += int(db > eps_hi)
                amb += int(eps_lo < db <= eps_hi)
            counts.append((above, amb))
    else:  # partitions of very different magnitude: count again with the bracket known
        counts = run("count", [(i, (prev_last[k], eps_lo, eps_hi)) for k, i in enumerate(order)])
    eps = eps_hi
    if p.step is None and any(c[1] for c in counts):
        # some |difference| lies near 1e-9 x median|p|: find the exact global median
        m = _global_median_abs(run, order, summ, n_live)
        eps = 1e-9 * max(m, 1.0)
        counts = run("count", [(i, (prev_last[k], eps, eps)) for k, i in enumerate(order)])
        timings["exact_median"] = time.perf_counter() - clock
    n_d = max(n_live - 1, 0)
    d_stride = n_d // _SAMPLE + 1 if n_d > _SAMPLE else 1
    z_tot = sum(c[0] for c in counts)
    z_stride = z_tot // _SAMPLE + 1 if z_tot > _SAMPLE else 1
    d_off, z_off = 0, 0
    jobs: list[tuple[int, tuple[Any, ...]]] = []
    for k, i in enumerate(order):
        jobs.append((i, (prev_last[k], eps, d_off, d_stride, z_off, z_stride)))
        d_off += max(summ[k]["n_live"] - (0 if prev_last[k] is not None else 1), 0)
        z_off += counts[k][0]
    samples = list(_tracked(progress, "step_scale", run_iter("strided", jobs), len(jobs)))
    d_all = np.concatenate([x for x, _ in samples])
    d_nz = np.concatenate([z for _, z in samples])
    if p.step is None:
        step = _step_from_diffs(d_nz) if n_live >= 11 and z_tot >= 10 else float("nan")
    else:
        step = float(p.step)
    # the floor 1e-9 x median |p| only matters when noise and step are below it
    scale = _scale_from_diffs(d_all, step, 0.0, n_live)
    del samples, d_all, d_nz
    if scale <= eps_hi:
        raise TelemetryError(
            "run_pipeline: the noise scale is at the float-noise floor; pass step= explicitly"
        )
    timings["step_scale"] = time.perf_counter() - clock

    # hatch channel, compressed to its change points
    clock = time.perf_counter()
    hatch: Arrays | None = None
    if p.use_hatch is not False and hatch_parts is not None:
        hp = [h for h in hatch_parts() if h[0].size]
        if hp:
            ht = np.concatenate([h[0] for h in hp])
            hv = np.concatenate([h[1] for h in hp])
            o = np.argsort(ht, kind="stable")
            ht, hv = ht[o], hv[o]
            _, (ht, hv) = _live(pre_flags(ht, hv), ht, hv)
            hatch = hatch_changes(ht, hv)
    if hatch is None and p.use_hatch:
        raise InsufficientDataError("telemetry: use_hatch=True but no prk_hatch rows")

    t0_ns = next(s_["first_t"] for s_ in summ if s_["n_live"])
    first_k = next(k for k, s_ in enumerate(summ) if s_["n_live"])
    jobs = [
        (i, (_chain_halo(summ, k, "left"), _chain_halo(summ, k, "right"), scale, hatch, t0_ns,
             k == first_k, p))
        for k, i in enumerate(order)
    ]
    results = _tracked(progress, "process", run_iter("process", jobs), len(jobs))

    # reduction: join the edge pieces in time order, consuming results as they arrive
    rows: list[Any] = []  # lists of fitted rows, or handles of fits running on the pool/cluster
    open_pieces: list[Piece] = []

    def close_open() -> None:
        if open_pieces:
            rows.append(submit(_join_and_fit, list(open_pieces), t0_ns, p))
            open_pieces.clear()

    for r in results:
        if r["n_kept"] == 0:
            continue
        if r["closes_left"]:
            close_open()
        if r["head"] is not None:
            open_pieces.append(r["head"])
            if r["whole"]:
                continue
            close_open()
        if r["fits"]:
            rows.append(r["fits"])
        if r["tail"] is not None:
            open_pieces.append(r["tail"])
    close_open()
    fitted = [x for r in rows for x in (r.result() if hasattr(r, "result") else r)]
    timings["process"] = time.perf_counter() - clock
    if not fitted:
        raise InsufficientDataError(f"telemetry: no segment with >= {p.min_samples} samples")
    res = pd.DataFrame(fitted, columns=_FIT_FRAME_COLUMNS)

    k_ = -res["slope"].to_numpy() * _DAY_S
    k_se = res["se"].to_numpy() * _DAY_S
    k_, k_se = mask_degenerate(k_, k_se, res["resid_sd"].to_numpy(),
                               res["logp_scale"].to_numpy(), res["logp_span"].to_numpy())
    nn = res["n"].to_numpy()
    q = t_quantile(p.level, res["df"].to_numpy(dtype=np.float64))
    k_low, k_high = k_ - q * k_se, k_ + q * k_se
    m_c = air_mass_kg(p.ref_pressure_mmhg, v_c, t_c)
    m_lo = air_mass_kg(p.ref_pressure_mmhg, v_lo, t_hi)
    m_hi = air_mass_kg(p.ref_pressure_mmhg, v_hi, t_lo)
    out = pd.DataFrame({
        "segment_id": np.arange(len(res), dtype=np.int64),
        "start": pd.to_datetime(res["start_ns"].to_numpy(), utc=True),
        "end": pd.to_datetime(res["end_ns"].to_numpy(), utc=True),
        "n": nn.astype(np.int64),
        "p_start": res["p_start"].to_numpy(),
        "p_end": res["p_end"].to_numpy(),
        "k_per_day": k_,
        "k_se": k_se,
        "k_low": k_low,
        "k_high": k_high,
        "kg_per_day": k_ * m_c,
        "kg_per_day_low": np.minimum(k_low * m_lo, k_low * m_hi),
        "kg_per_day_high": np.maximum(k_high * m_hi, k_high * m_lo),
        "resid_sd": res["resid_sd"].to_numpy(),
        "maxlags": res["maxlags"].to_numpy().astype(np.int64),
        "k_df": res["df"].to_numpy(dtype=np.float64),
        "corr_time_s": res["corr_time_s"].to_numpy(dtype=np.float64),
        "cov": p.cov,
        "source": "hatch" if hatch is not None else "pressure",
    })
    out.attrs.update(volume_m3=volume_m3, temperature_k=temperature_k,
                     ref_pressure_mmhg=p.ref_pressure_mmhg, level=p.level,
                     partitions=len(order), samples=int(sum(s_["n"] for s_ in summ)),
                     step=step, scale=scale, timings=timings)
    return out


# --------------------------------------------------------------------------------------------
# Front-ends
# --------------------------------------------------------------------------------------------


def _compute(client: Any, tasks: list[Any]) -> list[Any]:
    """Compute a list of delayed objects on the client, or with the default scheduler."""
    import dask

    if client is not None:
        return list(client.gather(client.compute(tasks)))
    return list(dask.compute(*tasks))


def run_pipeline_dask(
    path: str | Path,
    volume_m3: float | tuple[float, float],
    temperature_k: float | tuple[float, float],
    client: Any = None,
    params: PipelineParams | None = None,
    *,
    persist: bool = False,
    progress: Progress | bool | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """The telemetry pipeline over a partitioned Parquet dataset with Dask.

    Same result as :func:`run_pipeline_memory` (see the module docstring for the method),
    computed partition by partition so that the whole dataset never sits in memory.

    Args:
        path: Dataset folder written by :func:`~prkanalysis.telemetry.write_parquet`.
        volume_m3: PrK free volume, or ``(low, high)``.
        temperature_k: Gas temperature, or ``(low, high)``.
        client: A :class:`distributed.Client`; ``None`` uses Dask's default scheduler.
        params: Thresholds (default :class:`PipelineParams`).
        persist: Keep the pressure partitions in worker memory between rounds (faster,
            needs memory for the whole channel).
        progress: ``progress(round, done, total)`` after each partition of each round
            (:func:`text_progress`), ``True`` for text lines on stderr, ``None`` (default)
            for none. Same rounds and counts as :func:`run_pipeline_fast` (less ``load``).
        **kwargs: Overrides of single fields of ``params``.

    Returns:
        The table of :func:`~prkanalysis.telemetry.fit_segments` (``attrs`` records the
        partition count, the estimated step and scale, and the seconds per round).

    Raises:
        TelemetryError: no pressure file, partitions overlapping in time, a pressure <= 0,
            an ambiguous float-noise threshold (pass ``step``).
        InsufficientDataError: no segment with ``min_samples`` samples.

    Example:
        >>> import tempfile
        >>> from prkanalysis.telemetry import simulate, write_parquet
        >>> df, _ = simulate(duration_days=40, rate_hz=0.01, closed_days=3, seed=4)
        >>> path = write_parquet(df, tempfile.mkdtemp())
        >>> a = run_pipeline_dask(path, 5.0, 295.15)
        >>> b = run_pipeline_memory(path, 5.0, 295.15)
        >>> len(a) == len(b), max(compare_fits(a, b).values()) < 1e-9
        (True, True)
    """
    import dask
    import dask.dataframe as dd

    p = _params(params, kwargs)
    _interval(volume_m3, "volume_m3")
    _interval(temperature_k, "temperature_k")
    files = channel_files(path, p.channel)
    if not files:
        raise TelemetryError(
            f"Parquet dataset {Path(path).name}: no file for channel {p.channel!r}"
        )
    ddf = dd.read_parquet([str(f) for f in files], columns=["time", "value"], categories=[])
    if persist and client is not None:
        ddf = client.persist(ddf)
    parts = ddf.to_delayed()
    on_frame = dask.delayed(_on_frame, pure=True)

    def run(kernel: str, jobs: list[tuple[int, tuple[Any, ...]]]) -> list[Any]:
        return _compute(client, [on_frame(kernel, parts[i], *args) for i, args in jobs])

    def run_iter(kernel: str, jobs: list[tuple[int, tuple[Any, ...]]]) -> Iterator[Any]:
        tasks = [on_frame(kernel, parts[i], *args) for i, args in jobs]
        if client is None:
            yield from dask.compute(*tasks)
            return
        futures = client.compute(tasks)
        del tasks
        for k in range(len(futures)):
            fut = futures[k]
            futures[k] = None
            yield fut.result()
            fut.release()

    def hatch_parts() -> list[Arrays]:
        hfiles = channel_files(path, PRK_HATCH)
        if not hfiles:
            return []
        hdf = dd.read_parquet([str(f) for f in hfiles], columns=["time", "value"],
                              categories=[])
        return _compute(client, [on_frame("hatch", x) for x in hdf.to_delayed()])

    names = [str(f.relative_to(path)) for f in files]
    def submit(fn: Callable[..., Any], *args: Any) -> Any:
        if client is None:
            return fn(*args)
        # scatter the sample arrays first: embedded in the task they would stay in the
        # scheduler's memory (the client process) until the end of the run
        moved = [client.scatter(a, hash=False) if isinstance(a, list) else a for a in args]
        return client.submit(fn, *moved, pure=False)

    return _engine(run, run_iter, submit, len(parts), names, hatch_parts, volume_m3,
                   temperature_k, p, _as_progress(progress))


def _read_file(f: Path) -> Arrays:
    """One Parquet file's time (int64 ns) and value (float64) columns, time-sorted."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(str(f))
    n = pf.metadata.num_rows
    t = np.empty(n, dtype=np.int64)
    v = np.empty(n, dtype=np.float64)
    pos = 0
    for rg in range(pf.num_row_groups):  # one row group at a time: no second full copy
        table = pf.read_row_group(rg, columns=["time", "value"])
        m = table.num_rows
        for out, col in ((t, "time"), (v, "value")):
            q = pos
            for chunk in table.column(col).chunks:
                x = chunk.to_numpy(zero_copy_only=False)
                out[q : q + x.size] = x.view(np.int64) if col == "time" else x
                q += x.size
        pos += m
        del table
    t, v = _time_sorted(t, v)
    return t, v


def run_pipeline_fast(
    path: str | Path,
    volume_m3: float | tuple[float, float],
    temperature_k: float | tuple[float, float],
    params: PipelineParams | None = None,
    *,
    workers: int = 2,
    progress: Progress | bool | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """The same partitioned pipeline in this process, threads over partitions, one read each.

    Each Parquet file of the pressure channel is read once (time and value columns only,
    straight to NumPy), summarised as it is read (round 1 of :func:`run_pipeline_dask`, so
    the ``summaries`` round takes no time here) and kept for the other rounds, which run on
    a thread pool (Arrow, NumPy and the compiled loops of
    :mod:`~prkanalysis.telemetry.kernels` release the GIL). Memory: the two columns (16
    bytes per sample) plus the working set of ``workers`` partitions. The result equals
    :func:`run_pipeline_memory` to rounding.

    Args:
        path: Dataset folder written by :func:`~prkanalysis.telemetry.write_parquet`.
        volume_m3: PrK free volume, or ``(low, high)``.
        temperature_k: Gas temperature, or ``(low, high)``.
        params: Thresholds (default :class:`PipelineParams`).
        workers: Threads.
        progress: ``progress(round, done, total)`` after each partition of each round
            (``load``, ``summaries``, ``step_scale``, ``process``; see
            :func:`text_progress`), ``True`` for text lines on stderr, ``None`` (default)
            for none.
        **kwargs: Overrides of single fields of ``params``.

    Returns:
        The table of :func:`~prkanalysis.telemetry.fit_segments`; ``attrs["timings"]`` holds
        the seconds of each round (``load`` included).

    Raises:
        TelemetryError: as :func:`run_pipeline_dask`.
        InsufficientDataError: as :func:`run_pipeline_dask`.

    Example:
        >>> import tempfile
        >>> from prkanalysis.telemetry import simulate, write_parquet
        >>> df, _ = simulate(duration_days=40, rate_hz=0.01, closed_days=3, seed=4)
        >>> path = write_parquet(df, tempfile.mkdtemp())
        >>> a = run_pipeline_fast(path, 5.0, 295.15)
        >>> b = run_pipeline_memory(path, 5.0, 295.15)
        >>> max(compare_fits(a, b).values()) < 1e-9
        True
    """
    from concurrent.futures import ThreadPoolExecutor

    p = _params(params, kwargs)
    _interval(volume_m3, "volume_m3")
    _interval(temperature_k, "temperature_k")
    files = channel_files(path, p.channel)
    if not files:
        raise TelemetryError(
            f"Parquet dataset {Path(path).name}: no file for channel {p.channel!r}"
        )
    report = _as_progress(progress)
    clock = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(int(workers), 1)) as pool:
        summaries: list[dict[str, Any]] = [{} for _ in files]

        def load(i: int) -> _Part:
            """Read one file and summarise it while its arrays are fresh in memory."""
            part = _part(*_read_file(files[i]))
            summaries[i] = _summary(part, p)
            return part

        loading = pool.map(load, range(len(files)))
        # the hatch channel (a few change rows per file) is read by whichever thread is free
        hatch_read = None if p.use_hatch is False else pool.submit(
            lambda: [_hatch_changes(_read_file(f)) for f in channel_files(path, PRK_HATCH)])
        arrays = list(_tracked(report, "load", loading, len(files)))
        load_s = time.perf_counter() - clock

        def call(kernel: str, job: tuple[int, tuple[Any, ...]]) -> Any:
            if kernel == "summary":  # computed as the file was read
                return summaries[job[0]]
            return _KERNELS[kernel](arrays[job[0]], *job[1])

        def run_iter(kernel: str, jobs: list[tuple[int, tuple[Any, ...]]]) -> Iterator[Any]:
            return pool.map(lambda job: call(kernel, job), jobs)

        def run(kernel: str, jobs: list[tuple[int, tuple[Any, ...]]]) -> list[Any]:
            return list(run_iter(kernel, jobs))

        def hatch_parts() -> list[Arrays]:
            return [] if hatch_read is None else hatch_read.result()

        names = [str(f.relative_to(path)) for f in files]
        out = _engine(run, run_iter, pool.submit, len(files), names, hatch_parts, volume_m3,
                      temperature_k, p, report)
    out.attrs["timings"] = {"load": load_s, **out.attrs["timings"]}
    return out


def compare_fits(a: pd.DataFrame, b: pd.DataFrame, rtol: float = 1e-9) -> dict[str, float]:
    """Largest relative difference per float column between two fit tables.

    Args:
        a: A table of :func:`run_pipeline_dask` or :func:`run_pipeline_memory`.
        b: Another one.
        rtol: Only used to name the tolerance in errors.

    Returns:
        Column -> max relative difference (0.0 when identical).

    Raises:
        TelemetryError: the tables differ in length or in the segment boundaries.

    Example:
        >>> t = pd.DataFrame({"start": [1], "end": [2], "n": [3], "k_per_day": [0.1]})
        >>> compare_fits(t, t)["k_per_day"]
        0.0
    """
    if len(a) != len(b):
        raise TelemetryError(f"fit tables differ in length: {len(a)} vs {len(b)}")
    for col in ("start", "end", "n"):
        if col in a and not (a[col].to_numpy() == b[col].to_numpy()).all():
            raise TelemetryError(f"fit tables differ in column {col!r} (rtol {rtol})")
    out: dict[str, float] = {}
    for col in a.columns:
        if col in b and pd.api.types.is_float_dtype(a[col]):
            x = a[col].to_numpy(dtype=np.float64)
            y = b[col].to_numpy(dtype=np.float64)
            den = np.maximum(np.abs(x), np.abs(y))
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.where(den > 0, np.abs(x - y) / den, 0.0)
            out[col] = float(np.nanmax(rel)) if rel.size else 0.0
    return out
