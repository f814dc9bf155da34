"""Scoring against SIMULATED ground truth: segments, cleaning flags, intervals.

Every function here compares an estimate made through the public API with the
:class:`~prkanalysis.telemetry.simulate.SimTruth` of the run that produced the data. They
exist to measure the methods (the simulation studies of
:mod:`prkanalysis.telemetry.study`); the data they see is SIMULATED.

Conventions:

* a fitted segment is *clean* when its first and last samples lie inside one true closure
  (then it holds no open, repressurising or other closure's sample); it *spans* closures
  when it overlaps more than one;
* boundary matching is one-to-one: each true closure start (end) is matched to the nearest
  unmatched fitted start (end) within the tolerance, in time order; precision = matched /
  fitted, recall = matched / true;
* a dropped sample is a true fault when its true state is glitch, stale or duplicate.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from prkanalysis.telemetry.clean import DROP_MASK, GLITCH, STALE, clean_arrays
from prkanalysis.telemetry.simulate import (
    CLOSED,
    DUPLICATE_STATE,
    GLITCH_STATE,
    STALE_STATE,
    SimTruth,
)

__all__ = [
    "binomial_interval",
    "k_coverage",
    "match_boundaries",
    "score_flags",
    "score_segments",
]


def binomial_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson (exact) interval for a proportion ``k / n``.

    Example:
        >>> [round(x, 3) for x in binomial_interval(95, 100)]
        [0.887, 0.984]
    """
    if n <= 0:
        return float("nan"), float("nan")
    a = (1.0 - level) / 2.0
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1.0 - a, k + 1, n - k))
    return lo, hi


def match_boundaries(found: np.ndarray, true: np.ndarray, tol_ns: int) -> tuple[int, np.ndarray]:
    """One-to-one matches of true boundary times to found ones within ``tol_ns``.

    Greedy in order of distance (closest pairs first), each time used once.

    Returns:
        ``(matched, errors_ns)``: the number of matches and each match's
        ``found - true`` in ns.

    Example:
        >>> match_boundaries(np.array([10, 52, 90]), np.array([0, 50, 100]), 5)[0]
        1
    """
    f = np.asarray(found, dtype=np.int64)
    t = np.asarray(true, dtype=np.int64)
    if f.size == 0 or t.size == 0:
        return 0, np.zeros(0, dtype=np.int64)
    d = f[:, None] - t[None, :]
    i, j = np.nonzero(np.abs(d) <= tol_ns)
    o = np.argsort(np.abs(d[i, j]), kind="stable")
    used_f: set[int] = set()
    used_t: set[int] = set()
    err = []
    for a, b in zip(i[o].tolist(), j[o].tolist(), strict=True):
        if a in used_f or b in used_t:
            continue
        used_f.add(a)
        used_t.add(b)
        err.append(int(d[a, b]))
    return len(err), np.asarray(err, dtype=np.int64)


def _ns(x: pd.Series) -> np.ndarray:
    return pd.to_datetime(x, utc=True).to_numpy(dtype="datetime64[ns]").view(np.int64)


def score_segments(
    segs: pd.DataFrame, truth: SimTruth, *, tol_start_s: float, tol_end_s: float
) -> dict[str, Any]:
    """Fitted segments (``start``, ``end`` columns) against the true closures.

    Args:
        segs: A table of :func:`~prkanalysis.telemetry.segments` or
            :func:`~prkanalysis.telemetry.fit_segments`.
        truth: The run's truth.
        tol_start_s: Tolerance on segment starts, seconds.
        tol_end_s: Tolerance on segment ends, seconds.

    Returns:
        dict: ``n_true``, ``n_found``, ``n_clean`` (inside one closure), ``n_span`` (overlap
        two or more closures), ``n_impure`` (not clean: hold open or ramp samples),
        ``start_matched``, ``end_matched``, precision and recall of starts and ends, and
        the median and largest ``|found - true|`` of matched starts and ends (hours).
    """
    ts, te = _ns(truth.segments["start"]), _ns(truth.segments["end"])
    fs, fe = _ns(segs["start"]), _ns(segs["end"])
    # closure index holding each fitted start and end (-1: none)
    i_s = np.searchsorted(ts, fs, side="right") - 1
    i_e = np.searchsorted(ts, fe, side="right") - 1
    in_s = (i_s >= 0) & (fs <= te[np.maximum(i_s, 0)])
    in_e = (i_e >= 0) & (fe <= te[np.maximum(i_e, 0)])
    clean = in_s & in_e & (i_s == i_e)
    n_over = np.array([int(((ts <= b) & (te >= a)).sum()) for a, b in zip(fs, fe, strict=True)],
                      dtype=np.int64)
    ms, es = match_boundaries(fs, ts, int(tol_start_s * 1e9))
    me, ee = match_boundaries(fe, te, int(tol_end_s * 1e9))
    nf, nt = len(fs), len(ts)

    def ratio(a: int, b: int) -> float:
        return a / b if b else float("nan")

    def hours(e: np.ndarray, f: str) -> float:
        return float(getattr(np, f)(np.abs(e)) / 3.6e12) if e.size else float("nan")

    return {
        "n_true": nt, "n_found": nf, "n_clean": int(clean.sum()),
        "n_span": int((n_over > 1).sum()), "n_impure": int((~clean).sum()),
        "start_matched": ms, "end_matched": me,
        "start_precision": ratio(ms, nf), "start_recall": ratio(ms, nt),
        "end_precision": ratio(me, nf), "end_recall": ratio(me, nt),
        "start_err_median_h": hours(es, "median"), "start_err_max_h": hours(es, "max"),
        "end_err_median_h": hours(ee, "median"), "end_err_max_h": hours(ee, "max"),
    }


def score_flags(df: pd.DataFrame, truth: SimTruth, **clean_kwargs: Any) -> dict[str, Any]:
    """Samples dropped by the cleaning core against the injected faults.

    The pressure rows of ``df`` (as :func:`~prkanalysis.telemetry.simulate` returns them,
    in the order of ``truth.state``) are flagged by
    :func:`~prkanalysis.telemetry.clean_arrays` (the per-channel core of
    :func:`~prkanalysis.telemetry.clean`) with ``clean_kwargs``.

    Returns:
        dict: counts ``faults``, ``dropped``, ``dropped_faults``; ``precision`` and
        ``recall`` of dropped samples; ``glitch_flagged``, ``glitch_precision``,
        ``glitch_recall``; ``stale_flagged``, ``stale_precision``, ``stale_recall``; and
        ``dropped_closed`` (true closed samples dropped), ``dropped_ramp`` (ramp samples).
    """
    prs = df[(df["channel"] == "prk_pressure").to_numpy()]
    t = prs["time"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    v = prs["value"].to_numpy(dtype=np.float64)
    st = np.asarray(truth.state)
    if st.size != v.size:
        raise ValueError(f"truth.state has {st.size} samples, the frame {v.size}")
    res = clean_arrays(t, v, **clean_kwargs)
    flags = np.empty_like(res["flags"])
    if res["order"] is None:
        flags[:] = res["flags"]
    else:
        flags[res["order"]] = res["flags"]
    drop = (flags & DROP_MASK) != 0
    fault = np.isin(st, (GLITCH_STATE, STALE_STATE, DUPLICATE_STATE))
    g_flag, s_flag = (flags & GLITCH) != 0, (flags & STALE) != 0
    g_true, s_true = st == GLITCH_STATE, st == STALE_STATE

    def ratio(a: int, b: int) -> float:
        return a / b if b else float("nan")

    tp = int((drop & fault).sum())
    return {
        "faults": int(fault.sum()), "dropped": int(drop.sum()), "dropped_faults": tp,
        "precision": ratio(tp, int(drop.sum())), "recall": ratio(tp, int(fault.sum())),
        "glitch_flagged": int(g_flag.sum()),
        "glitch_precision": ratio(int((g_flag & g_true).sum()), int(g_flag.sum())),
        "glitch_recall": ratio(int((g_flag & g_true).sum()), int(g_true.sum())),
        "stale_flagged": int(s_flag.sum()),
        "stale_precision": ratio(int((s_flag & s_true).sum()), int(s_flag.sum())),
        "stale_recall": ratio(int((s_flag & s_true).sum()), int(s_true.sum())),
        "dropped_closed": int((drop & (st == CLOSED)).sum()),
        "dropped_ramp": int((drop & (st == 2)).sum()),
    }


def k_coverage(fits: pd.DataFrame, truth: SimTruth) -> dict[str, Any]:
    """Share of clean fitted segments whose ``[k_low, k_high]`` holds the closure's true k.

    Returns:
        dict: ``n`` (clean segments), ``covered``, ``coverage``, ``median_rel_bias``
        (median of ``k / k_true - 1``).
    """
    ts, te = _ns(truth.segments["start"]), _ns(truth.segments["end"])
    fs, fe = _ns(fits["start"]), _ns(fits["end"])
    i = np.searchsorted(ts, fs, side="right") - 1
    ok = (i >= 0) & (fe <= te[np.maximum(i, 0)])
    ktrue = truth.segments["k_per_day"].to_numpy()[i[ok]]
    lo, hi = fits["k_low"].to_numpy()[ok], fits["k_high"].to_numpy()[ok]
    k = fits["k_per_day"].to_numpy()[ok]
    cov = (lo <= ktrue) & (ktrue <= hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        bias = float(np.median(k / ktrue - 1.0)) if k.size else float("nan")
    return {"n": int(ok.sum()), "covered": int(cov.sum()),
            "coverage": float(cov.mean()) if cov.size else float("nan"),
            "median_rel_bias": bias}
