"""Hatch-closed segments of the PrK pressure record.

A segment is a stretch during which the PrK is a closed volume, so its pressure decays
smoothly and one decay constant describes it. Two ways to find them:

* ``source="hatch"``: from the ``prk_hatch`` channel (1 = closed, 0 = open, change-driven
  is fine): each pressure sample takes the last hatch state at or before its time; a
  segment is a run of closed samples.
* ``source="pressure"``: without a hatch channel, from the pressure itself: a new segment
  starts at each repressurisation (an upward step far beyond the noise, the ``repress``
  flag of :func:`~prkanalysis.telemetry.clean`) and, by default, after each gap. The short
  open interval right after a refill is then part of the next segment, and a refill too
  small to see (a leak near zero) does not split.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from prkanalysis.errors import InsufficientDataError, TelemetryError
from prkanalysis.telemetry.clean import GAP_BEFORE, REPRESS, robust_scale
from prkanalysis.telemetry.schema import PRK_HATCH, PRK_PRESSURE, SIMULATED_LABEL

SEGMENT_COLUMNS: Final[tuple[str, ...]] = (
    "segment_id", "start", "end", "n_samples", "p_start", "p_end", "source",
)


def segment_arrays(
    t_ns: np.ndarray,
    p: np.ndarray,
    *,
    qc: np.ndarray | None = None,
    hatch_t_ns: np.ndarray | None = None,
    hatch_v: np.ndarray | None = None,
    gap_s: float = 3600.0,
    split_gaps: bool | None = None,
    repress_min: float = 5.0,
    repress_k: float = 20.0,
    min_samples: int = 3,
) -> np.ndarray:
    """Segment id of every pressure sample (time-sorted arrays); ``-1`` = in no segment.

    Hatch mode (``hatch_t_ns`` given): state = last hatch value at or before the sample
    (unknown before the first hatch row, so ``-1``); a new id at every open -> closed change.
    Pressure mode: a new id at every ``REPRESS``-flagged sample (from ``qc``, or recomputed
    as an upward step > ``max(repress_min, repress_k * robust_scale)``). In both modes a gap
    longer than ``gap_s`` also starts a new id when ``split_gaps`` (default: pressure mode
    only). Segments with fewer than ``min_samples`` samples become ``-1``; ids are then
    renumbered 0, 1, 2 ... in time order.

    Args:
        t_ns: int64 ns times, sorted.
        p: Pressures.
        qc: Optional ``qc`` flags from :func:`~prkanalysis.telemetry.clean`.
        hatch_t_ns: Hatch row times (sorted).
        hatch_v: Hatch values (1 closed, 0 open).
        gap_s: Gap threshold, seconds.
        split_gaps: Split at gaps (default ``True`` in pressure mode, ``False`` with hatch).
        repress_min: Smallest refill step (mmHg) when ``qc`` is absent.
        repress_k: Refill threshold in noise scales when ``qc`` is absent.
        min_samples: Smallest segment kept.

    Returns:
        int64 ids, one per sample.

    Example:
        >>> t = np.arange(8) * 10**9
        >>> p = np.array([700, 690, 680, 760, 750, 740, 730, 720.0])
        >>> segment_arrays(t, p, min_samples=2).tolist()
        [0, 0, 0, 1, 1, 1, 1, 1]
    """
    t = np.asarray(t_ns, dtype=np.int64)
    v = np.asarray(p, dtype=np.float64)
    n = t.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if np.any(t[1:] < t[:-1]):
        raise TelemetryError("segment_arrays: times must be sorted (run telemetry.clean first)")
    hatch_mode = hatch_t_ns is not None
    if split_gaps is None:
        split_gaps = not hatch_mode
    start = np.zeros(n, dtype=bool)
    start[0] = True
    if split_gaps:
        if qc is not None:
            start |= (np.asarray(qc) & GAP_BEFORE) != 0
        else:
            start[1:] |= np.diff(t) > gap_s * 1e9
    if hatch_mode:
        ht = np.asarray(hatch_t_ns, dtype=np.int64)
        hv = np.asarray(hatch_v, dtype=np.float64)
        j = np.searchsorted(ht, t, side="right") - 1
        closed = np.zeros(n, dtype=bool)
        ok = j >= 0
        closed[ok] = hv[j[ok]] == 1
        start[1:] |= closed[1:] & ~closed[:-1]
        seg = np.cumsum(start) - 1
        seg[~closed] = -1
    else:
        if qc is not None:
            start |= (np.asarray(qc) & REPRESS) != 0
        else:
            thr = max(repress_min, repress_k * robust_scale(v))
            start[1:] |= np.diff(v) > thr
        seg = np.cumsum(start) - 1
    return _renumber(seg, min_samples)


def _renumber(seg: np.ndarray, min_samples: int) -> np.ndarray:
    """Drop segments shorter than ``min_samples`` (-> -1) and renumber 0..S-1."""
    out = np.full(seg.size, -1, dtype=np.int64)
    ok = seg >= 0
    if not ok.any():
        return out
    s = seg[ok]
    counts = np.bincount(s)
    keep = counts >= min_samples
    new = np.where(keep, np.cumsum(keep) - 1, -1)
    out[ok] = new[s]
    return out


def assign_segments(
    df: pd.DataFrame,
    *,
    channel: str = PRK_PRESSURE,
    gap_s: float = 3600.0,
    split_gaps: bool | None = None,
    min_samples: int = 3,
    use_hatch: bool | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Pressure rows, the segment table and each row's segment id.

    Args:
        df: Long telemetry (cleaned, or at least time-sortable; a ``qc`` column is used).
        channel: The pressure channel.
        gap_s: Gap threshold, seconds.
        split_gaps: See :func:`segment_arrays`.
        min_samples: Smallest segment kept.
        use_hatch: Use the hatch channel (default: when present).

    Returns:
        ``(pressure_rows, table, seg_id)``: the pressure rows sorted by time, the table of
        :func:`segments`, and the int64 id per row (-1 outside segments).

    Raises:
        InsufficientDataError: no row of ``channel``.
    """
    for col in ("time", "channel", "value"):
        if col not in df.columns:
            raise TelemetryError(f"telemetry: missing column {col!r}")
    ch = df["channel"]
    prs = df[(ch == channel).to_numpy()]
    if not prs["time"].is_monotonic_increasing:
        prs = prs.sort_values("time", kind="stable")
    if prs.empty:
        raise InsufficientDataError(f"telemetry: no {channel!r} rows to segment")
    t = prs["time"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    v = prs["value"].to_numpy(dtype=np.float64)
    qc = prs["qc"].to_numpy() if "qc" in prs.columns else None
    hatch = df[(ch == PRK_HATCH).to_numpy()].sort_values("time", kind="stable")
    with_hatch = (not hatch.empty) if use_hatch is None else use_hatch
    if with_hatch and hatch.empty:
        raise InsufficientDataError("telemetry: use_hatch=True but no prk_hatch rows")
    seg = segment_arrays(
        t, v, qc=qc,
        hatch_t_ns=hatch["time"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        if with_hatch else None,
        hatch_v=hatch["value"].to_numpy(dtype=np.float64) if with_hatch else None,
        gap_s=gap_s, split_gaps=split_gaps, min_samples=min_samples,
    )
    table = _table(t, v, seg, "hatch" if with_hatch else "pressure")
    if df.attrs.get("simulated"):
        table.attrs.update(simulated=True, label=SIMULATED_LABEL)
    return prs.reset_index(drop=True), table, seg


def _table(t: np.ndarray, v: np.ndarray, seg: np.ndarray, source: str) -> pd.DataFrame:
    """Per-segment first/last time and value and sample count (segments are contiguous)."""
    ok = np.flatnonzero(seg >= 0)
    if ok.size == 0:
        return pd.DataFrame({c: [] for c in SEGMENT_COLUMNS})
    s = seg[ok]
    first = ok[np.r_[True, s[1:] != s[:-1]]]
    last = ok[np.r_[s[1:] != s[:-1], True]]
    n = np.bincount(s)
    return pd.DataFrame({
        "segment_id": seg[first],
        "start": pd.to_datetime(t[first], utc=True),
        "end": pd.to_datetime(t[last], utc=True),
        "n_samples": n[seg[first]],
        "p_start": v[first],
        "p_end": v[last],
        "source": source,
    })


def segments(
    df: pd.DataFrame,
    *,
    channel: str = PRK_PRESSURE,
    gap_s: float = 3600.0,
    split_gaps: bool | None = None,
    min_samples: int = 3,
    use_hatch: bool | None = None,
) -> pd.DataFrame:
    """One row per hatch-closed segment of the pressure record.

    Columns: ``segment_id``, ``start``, ``end`` (first and last sample times), ``n_samples``,
    ``p_start``, ``p_end`` (first and last pressure), ``source`` (``"hatch"`` or
    ``"pressure"``); ``attrs`` says ``simulated``/``label`` = ``"SIMULATED"`` when ``df``
    is simulated. See the module docstring for how segments are found.

    Args:
        df: Long telemetry, preferably cleaned by :func:`~prkanalysis.telemetry.clean`.
        channel: The pressure channel.
        gap_s: Gap threshold, seconds.
        split_gaps: Split at gaps (default: only without the hatch channel).
        min_samples: Smallest segment kept.
        use_hatch: Force (True) or forbid (False) the hatch channel; default when present.

    Returns:
        The segment table.

    Example:
        >>> from prkanalysis.telemetry.simulate import simulate
        >>> df, truth = simulate(duration_days=3, rate_hz=0.01, closed_days=1, seed=2)
        >>> segments(df)[["segment_id", "n_samples", "source"]].values.tolist()
        [[0, 864, 'hatch'], [1, 864, 'hatch'], [2, 846, 'hatch']]
    """
    return assign_segments(
        df, channel=channel, gap_s=gap_s, split_gaps=split_gaps, min_samples=min_samples,
        use_hatch=use_hatch,
    )[1]
