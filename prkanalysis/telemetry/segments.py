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

#: Up to this many segments, ids are written one slice per segment; beyond, by a cumsum.
_FILL_LOOP_MAX: Final[int] = 10_000
SEGMENT_COLUMNS: Final[tuple[str, ...]] = (
    "segment_id", "start", "end", "n_samples", "p_start", "p_end", "source",
)


def hatch_changes(hatch_t_ns: np.ndarray, hatch_v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hatch rows reduced to the first row and every row whose value differs from the last.

    The hatch state at a time is the last row at or before it, so a row repeating the
    previous value changes nothing and is dropped.

    Args:
        hatch_t_ns: Hatch row times, sorted.
        hatch_v: Hatch values (1 closed, 0 open).

    Returns:
        ``(times, values)`` of the change rows.

    Example:
        >>> hatch_changes(np.array([0, 5, 9, 12]), np.array([1.0, 1.0, 0.0, 0.0]))[0].tolist()
        [0, 9]
    """
    ht = np.asarray(hatch_t_ns, dtype=np.int64)
    hv = np.asarray(hatch_v, dtype=np.float64)
    if ht.size == 0:
        return ht, hv
    ch = np.r_[True, hv[1:] != hv[:-1]]
    return ht[ch], hv[ch]


def closed_ranges(t_ns: np.ndarray, hatch_t_ns: np.ndarray, hatch_v: np.ndarray) -> np.ndarray:
    """Sample-index ranges ``[a, b)`` of ``t_ns`` during which the hatch is closed.

    A sample is closed when the last hatch row at or before its time equals 1 (unknown,
    so not closed, before the first row). The state is constant between hatch changes, so
    one binary search of each change time in the sample times (``np.searchsorted``) replaces
    a search per sample. Ranges are in time order; two may touch (``b == a`` of the next)
    when the hatch opened and closed between two samples.

    Args:
        t_ns: Sample times, sorted.
        hatch_t_ns: Hatch row times, sorted.
        hatch_v: Hatch values (1 closed, 0 open).

    Returns:
        int64 array of shape ``(ranges, 2)``.

    Example:
        >>> t = np.arange(10)
        >>> closed_ranges(t, np.array([2, 5, 7]), np.array([1.0, 0.0, 1.0])).tolist()
        [[2, 5], [7, 10]]
    """
    t = np.asarray(t_ns, dtype=np.int64)
    ht, hv = hatch_changes(hatch_t_ns, hatch_v)
    a = np.searchsorted(t, ht, side="left")
    b = np.r_[a[1:], t.size]
    sel = (hv == 1) & (b > a)
    return np.stack([a[sel], b[sel]], axis=1).astype(np.int64)


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
    (unknown before the first hatch row, so ``-1``), from :func:`closed_ranges`; a new id at
    every open -> closed change.
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
    cuts: list[np.ndarray] = []  # sample indices that start a new segment
    if split_gaps:
        cuts.append(np.flatnonzero((np.asarray(qc) & GAP_BEFORE) != 0) if qc is not None
                    else np.flatnonzero(np.diff(t) > gap_s * 1e9) + 1)
    if hatch_t_ns is not None:
        cr = closed_ranges(t, hatch_t_ns, np.asarray(hatch_v))
        # consecutive closed samples belong together even if the hatch opened in between
        first = np.flatnonzero(np.r_[True, cr[1:, 0] != cr[:-1, 1]]) if cr.size else cr[:0, 0]
        ra = cr[first, 0]
        rb = cr[np.r_[first[1:], cr.shape[0]] - 1, 1] if cr.size else cr[:0, 1]
    else:
        ra, rb = np.zeros(1, dtype=np.int64), np.full(1, n, dtype=np.int64)
        if qc is not None:
            cuts.append(np.flatnonzero((np.asarray(qc) & REPRESS) != 0))
        else:
            thr = max(repress_min, repress_k * robust_scale(v))
            cuts.append(np.flatnonzero(np.diff(v) > thr) + 1)
    return _ranges_to_ids(ra, rb, cuts, n, min_samples)


def _ranges_to_ids(ra: np.ndarray, rb: np.ndarray, cuts: list[np.ndarray], n: int,
                   min_samples: int) -> np.ndarray:
    """Segment ids of ``n`` samples from disjoint sorted ranges ``[ra, rb)`` split at ``cuts``.

    Segment starts are the range starts and the cuts that fall inside a range; a segment
    ends at the next start or at its range's end. Segments shorter than ``min_samples`` are
    dropped and the rest numbered 0, 1, 2 ... in time order; other samples get -1.
    """
    out = np.full(n, -1, dtype=np.int64)
    if ra.size == 0:
        return out
    st = np.unique(np.concatenate([ra.astype(np.int64), *[c.astype(np.int64) for c in cuts]]))
    r = np.searchsorted(ra, st, side="right") - 1
    inside = (r >= 0) & (st < rb[np.maximum(r, 0)])
    st, r = st[inside], r[inside]
    en = np.minimum(np.r_[st[1:], n], rb[r])
    keep = en - st >= min_samples
    st, en = st[keep], en[keep]
    if st.size <= _FILL_LOOP_MAX:  # a slice assignment per segment
        for k, (x, y) in enumerate(zip(st.tolist(), en.tolist(), strict=True)):
            out[x:y] = k
        return out
    delta = np.zeros(n + 1, dtype=np.int64)
    ids = np.arange(1, st.size + 1, dtype=np.int64)
    delta[st] += ids
    delta[en] -= ids
    np.cumsum(delta[:-1], out=out)
    out -= 1
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
