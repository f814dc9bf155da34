"""Hatch-closed segments of the PrK pressure record.

A segment is a stretch during which the PrK is a closed volume, so its pressure decays
smoothly and one decay constant describes it. Two ways to find them:

* ``source="hatch"``: from the ``prk_hatch`` channel (1 = closed, 0 = open, change-driven
  is fine): each pressure sample takes the last hatch state at or before its time; a
  segment is a run of closed samples.
* ``source="pressure"``: without a hatch channel, from the pressure itself. The default
  rule (``pressure_method="onset"``, :func:`onset_ranges`) ends each closure before its
  repressurisation ramp (:func:`rise_events`) and starts it where a fitted decay leaves
  the flat open period (:func:`hinge_onset`), with guards so that no open or ramp sample
  is fitted. The older rule (``"steps"``, the partitioned pipeline's) starts a segment at
  each ``repress`` flag of :func:`~prkanalysis.telemetry.clean` and after each gap, so the
  open period after a refill is fitted with the next closure. Either way a refill too
  small to see (a leak near zero) does not split.
"""

from __future__ import annotations

from typing import Any, Final, Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import fft as sp_fft

from prkanalysis.errors import InsufficientDataError, TelemetryError
from prkanalysis.telemetry.clean import GAP_BEFORE, REPRESS, robust_scale
from prkanalysis.telemetry.schema import PRK_HATCH, PRK_PRESSURE, SIMULATED_LABEL

#: Up to this many segments, ids are written one slice per segment; beyond, by a cumsum.
_FILL_LOOP_MAX: Final[int] = 10_000
_DAY: Final[float] = 86400.0
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
    method: Literal["steps", "onset"] = "steps",
    onset: dict[str, Any] | None = None,
) -> np.ndarray:
    """Segment id of every pressure sample (time-sorted arrays); ``-1`` = in no segment.

    Hatch mode (``hatch_t_ns`` given): state = last hatch value at or before the sample
    (unknown before the first hatch row, so ``-1``), from :func:`closed_ranges`; a new id at
    every open -> closed change.
    Pressure mode: a new id at every ``REPRESS``-flagged sample (from ``qc``, or recomputed
    as an upward step > ``max(repress_min, repress_k * robust_scale)``). In both modes a gap
    longer than ``gap_s`` also starts a new id when ``split_gaps`` (default: pressure mode
    only). That is ``method="steps"``, the rule the partitioned pipeline
    (:mod:`~prkanalysis.telemetry.scale`) implements. ``method="onset"`` (pressure mode
    only) takes the closures of :func:`onset_ranges` instead (``qc``, ``split_gaps``,
    ``repress_*`` unused; ``onset`` holds its keyword arguments). Segments with fewer than
    ``min_samples`` samples become ``-1``; ids are then renumbered 0, 1, 2 ... in time order.

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
        method: Pressure-mode rule, ``"steps"`` or ``"onset"``.
        onset: Keyword arguments of :func:`onset_ranges` (``method="onset"``).

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
    if method not in ("steps", "onset"):
        raise TelemetryError(f"segment method must be 'steps' or 'onset', got {method!r}")
    if method == "onset" and not hatch_mode:
        kw = {"gap_s": gap_s, **check_onset(onset)}
        r = onset_ranges(t, v, min_samples=min_samples, **kw)
        return _ranges_to_ids(r[:, 0], r[:, 1], [], n, min_samples)
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
    pressure_method: Literal["onset", "steps"] = "onset",
    onset: dict[str, Any] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Pressure rows, the segment table and each row's segment id.

    With the hatch channel (present, and ``use_hatch`` not False) segments are its closed
    runs. Without it, ``pressure_method="onset"`` (default) finds each closure from the
    pressure alone (:func:`onset_ranges`: repressurisation ramps end closures, a fitted
    decay onset starts them, guards keep open and ramp samples out), and ``"steps"`` splits
    at ``repress`` flags and gaps (the partitioned pipeline's rule).

    Args:
        df: Long telemetry (cleaned, or at least time-sortable; a ``qc`` column is used).
        channel: The pressure channel.
        gap_s: Gap threshold, seconds.
        split_gaps: See :func:`segment_arrays`.
        min_samples: Smallest segment kept.
        use_hatch: Use the hatch channel (default: when present).
        pressure_method: Rule without the hatch channel, ``"onset"`` or ``"steps"``.
        onset: Keyword arguments of :func:`onset_ranges` (thresholds and guards).

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
        method=pressure_method, onset=onset,
    )
    table = _table(t, v, seg, "hatch" if with_hatch else "pressure")
    table.attrs["pressure_method"] = None if with_hatch else pressure_method
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
    pressure_method: Literal["onset", "steps"] = "onset",
    onset: dict[str, Any] | None = None,
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
        pressure_method: Rule without the hatch channel (see :func:`assign_segments`).
        onset: Keyword arguments of :func:`onset_ranges`.

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
        use_hatch=use_hatch, pressure_method=pressure_method, onset=onset,
    )[1]


# --------------------------------------------------------------------------------------------
# Pressure-only segmentation: repressurisation ramps and closure onsets
# --------------------------------------------------------------------------------------------

#: Defaults of :func:`onset_ranges` (documented there and in the telemetry README).
ONSET_DEFAULTS: Final[dict[str, float]] = {
    "rise_window_s": 1800.0,
    "rise_k": 10.0,
    "rise_min": 0.5,
    "guard_start_s": 900.0,
    "guard_end_s": 300.0,
    "rise_q": 4.0,
    "onset_z": 4.0,
    "diurnal_period_s": 86400.0,
    "min_duration_s": 3600.0,
    "set_c": 20.0,
}


def check_onset(onset: dict[str, Any] | None) -> dict[str, Any]:
    """Keyword arguments for :func:`onset_ranges`, checked: known names, values in range.

    Every number must be finite and >= 0 (``diurnal_period_s`` may be None, the guards and
    ``rise_min`` may be 0; the others must be > 0); ``trend`` and ``step`` are booleans.

    Raises:
        TelemetryError: an unknown name, or a value outside its range (both named).

    Example:
        >>> check_onset({"guard_start_s": 600})
        {'guard_start_s': 600}
    """
    kw = dict(onset or {})
    known = set(ONSET_DEFAULTS) | {"trend", "step", "scale"}
    unknown = sorted(set(kw) - known)
    if unknown:
        raise TelemetryError(f"onset: unknown argument(s) {unknown}; known: {sorted(known)}")
    for name, value in kw.items():
        if name in ("trend", "step"):
            if not isinstance(value, bool | np.bool_):
                raise TelemetryError(f"onset: argument {name}={value!r} must be True or False")
            continue
        if value is None and name in ("diurnal_period_s", "scale"):
            continue
        zero_ok = name in ("guard_start_s", "guard_end_s", "rise_min", "min_duration_s")
        try:
            x = float(value)
        except (TypeError, ValueError):
            x = float("nan")
        if not (np.isfinite(x) and (x >= 0 if zero_ok else x > 0)):
            rng = "[0, inf)" if zero_ok else "(0, inf)"
            raise TelemetryError(f"onset: argument {name}={value!r} is outside {rng}")
    return kw


def _med3(v: np.ndarray) -> np.ndarray:
    """Running median of three (ends kept): removes any isolated single-sample spike."""
    if v.size < 3:
        return v.copy()
    a, b, c = v[:-2], v[1:-1], v[2:]
    mid = np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))
    return np.r_[v[0], mid, v[-1]]


def rise_events(
    t_ns: np.ndarray, p: np.ndarray, *, scale: float, rise_window_s: float = 1800.0,
    rise_k: float = 10.0, rise_min: float = 0.5, rise_q: float = 4.0, gap_s: float = 3600.0,
) -> np.ndarray:
    """Repressurisations: stretches where the pressure rises far beyond noise and drift.

    With ``m`` the running median of three of ``p`` (a missed glitch cannot rise), sample
    ``i`` *rises* when ``m[j] - m[i] > thr`` for ``j`` the last sample at or before
    ``t_i + rise_window_s``, ``thr = max(rise_min, rise_k x scale, rise_q x q95)`` with
    ``q95`` the 95th percentile of those differences over the whole series (a leak only
    lowers the pressure, and ramps are far rarer than 5 % of samples, so ``q95`` measures
    the rises a temperature swing causes: a diurnal +-0.5 K about 0.2 mmHg per half
    hour, an orbital +-1 K cycle several mmHg). Rising samples closer than
    ``rise_window_s`` form one event; a rise across a gap longer than ``gap_s`` (``m``
    after the gap above ``m`` before by ``thr``) is an event too. For each event the ramp
    start ``rs`` is the sample of least ``m`` in the event (the bottom of the decay; noise
    can only move it earlier), and the ramp end ``re`` the first sample at which ``m``
    reaches ``top - 3 scale``, ``top`` being the
    largest ``m`` within the event and ``rise_window_s`` after it.

    Args:
        t_ns: int64 ns times, sorted, without dropped samples.
        p: Pressures (mmHg).
        scale: Noise scale (:func:`~prkanalysis.telemetry.robust_scale`).
        rise_window_s: Longest ramp the test looks across, seconds.
        rise_k: Rise threshold in noise scales.
        rise_min: Smallest rise, mmHg.
        rise_q: Rise threshold in multiples of the series' 95th-percentile rise.
        gap_s: Gap threshold, seconds.

    Returns:
        int64 array ``(events, 2)`` of ``(rs, re)`` sample indices, in time order.

    Example:
        >>> t = np.arange(2000) * 30 * 10**9
        >>> p = np.r_[np.linspace(700, 690, 1000), np.linspace(692, 760, 20), np.full(980, 760)]
        >>> rise_events(t, p, scale=0.1).tolist()  # last closed sample 999, ramp to 1019
        [[998, 1019]]
    """
    t = np.asarray(t_ns, dtype=np.int64)
    m = _med3(np.asarray(p, dtype=np.float64))
    n = t.size
    if n < 3:
        return np.zeros((0, 2), dtype=np.int64)
    w_ns = int(rise_window_s * 1e9)
    j = np.searchsorted(t, t + w_ns, side="right") - 1
    dm = m[j] - m
    background = float(np.quantile(dm, 0.95)) if n >= 20 else 0.0
    thr = max(float(rise_min), float(rise_k) * float(scale), rise_q * background)
    rising = np.flatnonzero(dm > thr)
    gap = np.flatnonzero((np.diff(t) > gap_s * 1e9) & (np.diff(m) > thr))
    if rising.size == 0 and gap.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    # each rising i covers [i, j[i]]; a gap rise covers [g, g + 1]
    a = np.r_[rising, gap]
    b = np.r_[j[rising], gap + 1]
    o = np.argsort(a, kind="stable")
    a, b = a[o], b[o]
    ends = np.maximum.accumulate(b)
    new = np.r_[True, a[1:] > ends[:-1]]
    ev_a = a[new]
    ev_b = ends[np.r_[np.flatnonzero(new)[1:] - 1, a.size - 1]]
    out = []
    for a0, b0 in zip(ev_a.tolist(), ev_b.tolist(), strict=True):
        rs = a0 + int(np.argmin(m[a0:b0 + 1]))
        hi = int(np.searchsorted(t, t[b0] + w_ns, side="right"))
        top = float(m[a0:hi].max())
        reach = np.flatnonzero(m[rs:hi] >= top - 3.0 * scale)
        re = rs + (int(reach[0]) if reach.size else hi - 1 - rs)
        out.append((rs, re))
    return np.asarray(out, dtype=np.int64).reshape(-1, 2)


class Onset(NamedTuple):
    """Result of :func:`hinge_onset` (``sample == -1``: no decay found)."""

    sample: int
    kappa_per_s: float
    rss: float
    latest: int
    s2: float
    corr_len: float


def hinge_onset(
    t_s: np.ndarray, logp: np.ndarray, *, period_s: float | None = 86400.0,
    min_tail: int = 10, trend: bool = True, step: bool = True, set_c: float = 20.0,
) -> Onset:
    """Least-squares onset of a decay: open (level or drifting), then falling faster.

    Fits ``log p = a + b sin(w t) + c cos(w t) + g t + d 1(t >= tau) - kappa (t - tau)_+``
    for every sample time ``tau`` leaving at least ``min_tail`` samples after it, and
    returns the ``tau`` with the least residual sum of squares among those with
    ``kappa > 0``. The sine and cosine (``w = 2 pi / period_s``; none when ``period_s`` is
    None) absorb a temperature swing, the trend ``g t`` (``trend``) a drifting station
    pressure before the closure, the step ``d`` (``step``) a jump at the closure. For fixed
    ``tau`` the regressors ``H = [1(t >= tau), (t - tau)_+]`` enter through cross-products
    that are suffix sums (``sum_{t>=tau} (t - tau) y = sum t y - tau sum y`` and alike), so
    every candidate costs O(1): with ``M`` the residual maker of the fixed regressors
    ``Z``, ``RSS(tau) = RSS_Z - b' A^-1 b``, ``A = H'MH``, ``b = H'My``.

    Args:
        t_s: Times, seconds (any origin), sorted.
        logp: Natural log of pressure.
        period_s: Period of the nuisance swing, or None.
        min_tail: Fewest samples after the onset.
        trend: Allow a linear drift before the onset (the decay is then a change of slope).
        step: Allow a jump at the onset.
        set_c: Width of the confidence set of the onset, in residual variances times the
            residuals' correlation length (smooth misfit, e.g. an unmodelled temperature
            cycle, widens the set).

    Returns:
        :class:`Onset`: ``sample`` (the onset sample), ``kappa_per_s`` (the decay rate
        there: the change of slope), ``rss`` (residual sum of squares), ``latest`` (the
        latest onset inside the confidence set), ``s2`` (residual variance) and
        ``corr_len`` (the residuals' correlation length, samples); ``sample = -1`` when no
        candidate has ``kappa > 0``.

    Example:
        >>> t = np.arange(400) * 60.0
        >>> y = np.log(np.where(t < 6000, 760.0, 760.0 * np.exp(-2e-6 * (t - 6000))))
        >>> hinge_onset(t, y, period_s=None, step=False).sample
        100
    """
    t = np.asarray(t_s, dtype=np.float64)
    n = t.size
    none = Onset(-1, float("nan"), float("nan"), -1, float("nan"), float("nan"))
    if n < min_tail + 5:
        return none
    x = (t - t[0]) / _DAY
    y = np.asarray(logp, dtype=np.float64)
    y = y - y.mean()
    cols = [np.ones(n)]
    if trend:
        cols.append(x - x.mean())
    if period_s:
        ph = 2.0 * np.pi * (t % period_s) / period_s
        cols += [np.sin(ph), np.cos(ph)]
    Z = np.stack(cols, axis=1)
    G = np.linalg.pinv(Z.T @ Z)
    bz = G @ (Z.T @ y)

    def suffix(a: np.ndarray) -> np.ndarray:
        return np.cumsum(a[::-1], axis=0)[::-1]

    s0 = np.arange(n, 0, -1, dtype=np.float64)
    st, stt = suffix(x), suffix(x * x)
    sy, sty = suffix(y), suffix(x * y)
    sz, stz = suffix(Z), suffix(x[:, None] * Z)
    # hinge h = (t - tau)_+ and step u = 1(t >= tau), projected off Z
    hz = stz - x[:, None] * sz
    hy = sty - x * sy - hz @ bz
    hzg = hz @ G
    hh = stt - 2.0 * x * st + x * x * s0 - np.sum(hzg * hz, axis=1)
    scale = max(float(hh[0]), 1e-300)
    if step:
        uy = sy - sz @ bz
        uu = s0 - np.sum((sz @ G) * sz, axis=1)
        uh = (st - x * s0) - np.sum(hzg * sz, axis=1)
        det = uu * hh - uh * uh
        ok = det > 1e-9 * np.maximum(uu * hh, 1e-300)
        with np.errstate(invalid="ignore", divide="ignore"):
            c_h = (uu * hy - uh * uy) / det  # coefficient of h
            gain = (hh * uy * uy - 2.0 * uh * uy * hy + uu * hy * hy) / det
    else:
        ok = hh > 1e-12 * scale
        with np.errstate(invalid="ignore", divide="ignore"):
            c_h = hy / hh
            gain = hy * hy / hh
    ok &= c_h < 0
    ok[n - min_tail:] = False
    ok[0] &= not trend  # with a free drift, an onset at the first sample is no onset
    if not ok.any():
        return none
    gain = np.where(ok, gain, -1.0)
    i = int(np.argmax(gain))
    # residuals of the best fit: their variance and correlation length set the
    # confidence set {tau : RSS(tau) - RSS(best) <= set_c sigma^2 m}
    H = [np.maximum(x - x[i], 0.0)]
    if step:
        H.append((x >= x[i]).astype(np.float64))
    X = np.column_stack([Z, *H])
    e = y - X @ (np.linalg.pinv(X.T @ X) @ (X.T @ y))
    rss = float(e @ e)
    s2 = rss / max(n - X.shape[1], 1)
    m = _corr_length(e)
    inside = np.flatnonzero(ok & (gain[i] - gain <= set_c * s2 * m))
    return Onset(i, float(-c_h[i] / _DAY), rss, int(inside.max()) if inside.size else i, s2, m)


def _corr_length(e: np.ndarray, max_lag: int = 2000) -> float:
    """``1 + 2 sum rho_l`` over the lags before the first ``rho_l <= 0.05`` (>= 1).

    The number of samples that carry one sample's worth of independent information in
    residuals ``e``; autocorrelations by FFT.
    """
    n = e.size
    if n < 8:
        return 1.0
    size = sp_fft.next_fast_len(2 * n, real=True)
    f = sp_fft.rfft(e - e.mean(), size)
    ac = sp_fft.irfft(f * np.conj(f), size)[: min(max_lag, n // 2) + 1]
    if ac[0] <= 0:
        return 1.0
    rho = ac[1:] / ac[0]
    stop = np.flatnonzero(rho <= 0.05)
    k = int(stop[0]) if stop.size else rho.size
    return float(max(1.0, 1.0 + 2.0 * rho[:k].sum()))


def onset_ranges(
    t_ns: np.ndarray,
    p: np.ndarray,
    *,
    scale: float | None = None,
    gap_s: float = 3600.0,
    rise_window_s: float = 1800.0,
    rise_k: float = 10.0,
    rise_min: float = 0.5,
    guard_start_s: float = 900.0,
    guard_end_s: float = 300.0,
    rise_q: float = 4.0,
    onset_z: float = 4.0,
    diurnal_period_s: float | None = 86400.0,
    trend: bool = True,
    step: bool = True,
    min_duration_s: float = 3600.0,
    set_c: float = 20.0,
    min_samples: int = 3,
) -> np.ndarray:
    """Closures found from the pressure alone: sample ranges ``[a, b)`` (no hatch channel).

    The operations cycle is closure (decay), repressurisation (a fast rise), then an open
    period at station pressure (flat) until the next closure begins. So:

    1. :func:`rise_events` finds the ramps ``(rs, re)``; a closure ends before ``rs`` and
       nothing after ``re`` up to the next onset is closed.
    2. Between a ramp end (or the first sample) and the next ramp start (or the last
       sample) :func:`hinge_onset` finds where the open period (level, or drifting with
       the station) turns into a decay, on ``log p`` with a diurnal sine and cosine as
       nuisance terms and a possible jump at the closure.
    3. The closure is then ``[start, rs - guard_end_s]``: ``start`` is the later of the
       latest onset in the fit's confidence set and the onset plus a guard, the larger of
       ``guard_start_s`` and the time the fitted decay needs to fall ``onset_z`` noise
       scales (``onset_z scale / (kappa p)``): before that the onset cannot be told from
       noise, so those samples may be open.

    A window whose fitted decay loses less than ``max(rise_min, rise_k scale)`` between the
    onset and the window's end is not a closure that can be told from an open period
    (the last open period of a record, or a hold with no leak) and gives no segment.
    Without a visible ramp (a leak so small that a closure loses less than that) two
    closures cannot be told apart.

    Args:
        t_ns: int64 ns times, sorted, without dropped samples.
        p: Pressures, mmHg (> 0).
        scale: Noise scale (default :func:`~prkanalysis.telemetry.robust_scale` of ``p``).
        gap_s: Gap threshold (a rise across a longer gap is a repressurisation).
        rise_window_s: Longest ramp looked across, seconds (:func:`rise_events`).
        rise_k: Rise threshold in noise scales.
        rise_min: Smallest rise, mmHg.
        rise_q: Rise threshold in multiples of the 95th-percentile rise.
        guard_start_s: Least time kept out after a found onset, seconds.
        guard_end_s: Time kept out before a ramp start, seconds.
        onset_z: Noise scales the decay must fall before the closure is trusted.
        diurnal_period_s: Period of the temperature swing modelled by the onset fit (None:
            no swing).
        trend: Also try an open period that drifts (station pressure is not constant); the
            drift is kept when it lowers the residual sum of squares by more than the
            confidence-set width; if it then leaves less than half of the decay rate after
            its onset (drift and decay cannot be told apart), the segment starts after
            both fits' onsets.
        step: Let the pressure jump at the closure.
        min_duration_s: Shortest closure returned, seconds.
        set_c: Width of the onset's confidence set (:func:`hinge_onset`).
        min_samples: Smallest closure returned, samples.

    Returns:
        int64 array ``(closures, 2)`` of ``[a, b)`` sample ranges, in time order.

    Example:
        >>> t = np.arange(3000) * 60 * 10**9
        >>> open_ = np.full(100, 760.0)
        >>> dec = 760.0 * np.exp(-0.05 * np.arange(1380) / 1440)
        >>> ramp = np.linspace(dec[-1], 760.0, 12)[1:-1]
        >>> p = np.r_[open_, dec, ramp, np.full(128, 760.0), 760.0 * np.exp(
        ...     -0.05 * np.arange(1382) / 1440)]
        >>> onset_ranges(t, p, scale=0.05, diurnal_period_s=None).tolist()  # true 100, 1618
        [[116, 1474], [1634, 3000]]
    """
    t = np.asarray(t_ns, dtype=np.int64)
    v = np.asarray(p, dtype=np.float64)
    n = t.size
    if n == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if np.any(t[1:] < t[:-1]):
        raise TelemetryError("onset_ranges: times must be sorted (run telemetry.clean first)")
    if not np.all(np.isfinite(v)) or np.any(v <= 0):
        raise TelemetryError("onset_ranges: pressures must be finite and > 0 (clean first)")
    s = robust_scale(v) if scale is None else float(scale)
    ev = rise_events(t, v, scale=s, rise_window_s=rise_window_s, rise_k=rise_k,
                     rise_min=rise_min, rise_q=rise_q, gap_s=gap_s)
    visible = max(float(rise_min), float(rise_k) * s)
    win_a = np.r_[0, ev[:, 1]]
    win_b = np.r_[ev[:, 0] + 1, n]  # exclusive: the ramp start sample is the last closed one
    logp = np.log(v)
    out = []
    ge_ns = int(guard_end_s * 1e9)
    for a, b in zip(win_a.tolist(), win_b.tolist(), strict=True):
        if b - a < max(min_samples, 3):
            continue
        t_end = int(t[b - 1]) - (ge_ns if b < n else 0)
        ts = (t[a:b] - t[a]) / 1e9
        # a window at the record's start or right after a gap may begin inside a closure:
        # there the onset may be the first sample, which a free drift would absorb
        blind = a == 0 or int(t[a] - t[a - 1]) > gap_s * 1e9
        tail = max(min_samples, 10)
        fit = hinge_onset(ts, logp[a:b], period_s=diurnal_period_s, min_tail=tail,
                          trend=False, step=step, set_c=set_c)
        late_extra = -1
        if trend and not blind:
            # a drifting open period, kept if it fits better by more than the set width
            alt = hinge_onset(ts, logp[a:b], period_s=diurnal_period_s, min_tail=tail,
                              trend=True, step=step, set_c=set_c)
            if alt.sample >= 0 and (fit.sample < 0 or
                                    fit.rss - alt.rss > set_c * alt.s2 * alt.corr_len):
                if fit.sample < 0 or alt.kappa_per_s >= 0.5 * fit.kappa_per_s:
                    fit = alt
                else:
                    # the drift takes over most of the fall: drift and decay cannot be told
                    # apart before the drift model's onset, so the segment starts after both
                    late_extra = alt.latest
        i, kappa, late = fit.sample, fit.kappa_per_s, max(fit.latest, late_extra)
        if i < 0:
            continue  # no decay: open (or a closure that cannot be told from open)
        p_mid = float(np.median(v[a + i:b]))
        if kappa * p_mid * (ts[-1] - ts[i]) < visible:
            continue  # the decay is not visible above the noise
        lag = onset_z * s / (kappa * p_mid)
        start_ns = max(int(t[a + i]) + int(max(guard_start_s, min(lag, 0.25 * ts[-1])) * 1e9),
                       int(t[a + late]))
        if blind and i == late == 0:  # closed from the window's first sample: no guard
            start_ns = int(t[a])
        aa = int(np.searchsorted(t, start_ns, side="left"))
        bb = int(np.searchsorted(t, t_end, side="right"))
        if bb - aa >= min_samples and (t[bb - 1] - t[aa]) / 1e9 >= min_duration_s:
            out.append((aa, bb))
    return np.asarray(out, dtype=np.int64).reshape(-1, 2)
