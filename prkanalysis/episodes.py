"""The decay models applied to the record: PrK episodes, volume, hole sizes, 2024 ratios, air lost.

Every function takes tables of the evidence base (``prkanalysis.load_record()``) and returns a
DataFrame (or a small result object) whose rows name the evidence rows they use, so every
number is traceable. :func:`print_episode_fits` (``prkanalysis episodes``) prints them all.

Inputs:

* ``readings``: the ``pressure_readings`` table as loaded (``episode_id``, ``seq``, ``kind``,
  ``elapsed_h``, ``elapsed_low_h``, ``elapsed_high_h``, ``pressure_mmhg``, ``reading_id``).
  Only ``kind == "reading"`` rows enter a fit; ``held`` and ``target`` rows are reported as
  such. Elapsed hours are converted to days; their bounds feed the two-point intervals.
* ``rates``: the ``leak_rates`` table normalised by
  :func:`prkanalysis.clean.normalize_leak_rates` (``kg_per_day``, ``kg_per_day_low``,
  ``kg_per_day_high``, ``period_start``, ``period_end``, ``derived``, ``duplicate_of``,
  ``grade_best``).

Conventions are those of :mod:`prkanalysis.models.decay` (k per day; two-point intervals by
interval arithmetic from the reading resolution and the elapsed-time bounds) and
:mod:`prkanalysis.physics` (interval outputs by corner evaluation, exact for the monotone
formulas used here).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from prkanalysis import physics
from prkanalysis.analysis.air_lost import AIR_LOST_METHODS, AirLost, cumulative_air_lost
from prkanalysis.analysis.detection import (
    StopBound,
    detection_sensitivity,
    stop_bound,
    stop_detection_limits,
    temperature_drift_range,
)
from prkanalysis.analysis.flow import FlowEvidence, exponent_interval, july_2021_flow
from prkanalysis.analysis.rates import is_true, ratios_2024
from prkanalysis.analysis.volume import VolumeEstimate, pairing_volumes, volume_estimate
from prkanalysis.errors import ArgumentError, DataValidationError, InsufficientDataError
from prkanalysis.models.decay import compare_decay_models, fit_decay, two_point_k
from prkanalysis.models.growth import RatioInterval, rate_ratio
from prkanalysis.units import MMHG_PA

__all__ = [
    "AIR_LOST_METHODS",
    "VOLUME_METHODS",
    "AirLost",
    "FlowEvidence",
    "JulyVerdict",
    "SealingComparison",
    "StopBound",
    "VolumeEstimate",
    "cumulative_air_lost",
    "daily_loss_band",
    "decay_curves",
    "detection_sensitivity",
    "episode_readings",
    "exponent_interval",
    "fit_episodes",
    "hole_diameters",
    "implied_volume_band",
    "july_2021_flow",
    "july_2021_model_comparison",
    "july_2021_tests",
    "july_2021_verdict",
    "k_ratio",
    "pairing_volumes",
    "print_episode_fits",
    "ratios_2024",
    "record_rates",
    "sealing_comparison",
    "segment_rates",
    "stop_bound",
    "stop_detection_limits",
    "trusted_readings",
    "volume_band",
    "volume_estimate",
    "volume_sensitivity",
]

Interval = tuple[float, float]

_READING_COLS = ("episode_id", "seq", "kind", "elapsed_h", "pressure_mmhg")
_RATE_COLS = ("rate_id", "kg_per_day", "kg_per_day_low", "kg_per_day_high")


def _need(df: pd.DataFrame, cols: Sequence[str], table: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ArgumentError(table, df, f"a DataFrame with columns {list(cols)}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataValidationError(f"missing column(s) {missing}", file=table,
                                  column=missing[0])


def trusted_readings(record: Any, grades: Sequence[str] | None = None) -> pd.DataFrame:
    """The ``pressure_readings`` rows whose best source grade is trusted.

    A reading is trusted when the best grade (P > T > A) among its ``source_ids`` is in
    ``grades`` (default: the judgements table's trusted grades, J01), the rule the claims
    ledger applies to readings. Untrusted rows are shown by the chapters but never decide.

    Args:
        record: The evidence record (``sources`` and ``pressure_readings``).
        grades: Trusted grades (``None``: the shared default).

    Returns:
        The trusted rows with a ``grade_best`` column added.
    """
    from prkanalysis.analysis.judgements import check_grades, defaults
    from prkanalysis.clean import best_grade

    if not (hasattr(record, "pressure_readings") and hasattr(record, "sources")):
        raise ArgumentError("record", record, "an evidence record (prkanalysis.load_record())")
    g = defaults(record).grades if grades is None else check_grades(grades)
    grade_of = {str(k): str(v) for k, v in zip(record.sources["source_id"],
                                               record.sources["grade"], strict=True)}
    out = record.pressure_readings.copy()
    out["grade_best"] = [best_grade(s, grade_of) for s in out["source_ids"]]
    return out[out["grade_best"].isin(g)].reset_index(drop=True)


def episode_readings(readings: pd.DataFrame, episode_id: str) -> pd.DataFrame:
    """The ``kind == "reading"`` rows of one episode, ordered by ``seq``, with day columns.

    Adds ``t_d``, ``t_low_d`` and ``t_high_d`` (elapsed hours / 24; a missing bound falls back
    to ``t_d``).

    Example:
        >>> df = pd.DataFrame({"episode_id": ["E"] * 2, "seq": [1, 2], "kind": ["reading"] * 2,
        ...                    "elapsed_h": [0, 18], "pressure_mmhg": [730, 620]})
        >>> episode_readings(df, "E")["t_d"].tolist()
        [0.0, 0.75]
    """
    _need(readings, _READING_COLS, "pressure_readings")
    sel = readings[(readings["episode_id"] == episode_id) & (readings["kind"] == "reading")]
    if "contest_group" in sel.columns:
        # alternative reports of one reading (a contest group) enter once: the first listed,
        # which is the record's preferred reading (alternatives are appended after it)
        grp = sel["contest_group"].astype("string").str.strip()
        dup = grp.notna() & grp.ne("") & grp.duplicated(keep="first")
        sel = sel[~dup]
    sel = sel.sort_values("seq").copy()
    t = pd.to_numeric(sel["elapsed_h"], errors="coerce").astype(float) / 24.0
    lo = (pd.to_numeric(sel["elapsed_low_h"], errors="coerce").astype(float) / 24.0
          if "elapsed_low_h" in sel.columns else t)
    hi = (pd.to_numeric(sel["elapsed_high_h"], errors="coerce").astype(float) / 24.0
          if "elapsed_high_h" in sel.columns else t)
    sel["t_d"] = t
    sel["t_low_d"] = lo.fillna(t)
    sel["t_high_d"] = hi.fillna(t)
    sel["pressure_mmhg"] = pd.to_numeric(sel["pressure_mmhg"], errors="coerce").astype(float)
    return sel


def _ids(df: pd.DataFrame) -> str:
    return ";".join(df["reading_id"].astype(str)) if "reading_id" in df.columns else ""


def fit_episodes(readings: pd.DataFrame, resolution_mmhg: float = 0.5,
                 alpha: float = 0.05) -> pd.DataFrame:
    """Decay constant k with an interval for every PrK episode of the record.

    * two readings: ``ln(p0/p1)/dt`` with the interval-arithmetic bounds of
      :func:`prkanalysis.models.decay.two_point_k` (readings +/- ``resolution_mmhg``, elapsed
      time within its bounds);
    * three or more: single-exponential NLS with a Wald interval (see
      :func:`july_2021_model_comparison` for whether one exponential is adequate);
    * an unknown elapsed time (Nov 2020: the clock was lost): k undetermined;
    * episodes with only ``held``/``target`` rows: no decay, the held pressure is reported.

    Args:
        readings: The ``pressure_readings`` table.
        resolution_mmhg: Half-width of a reading's uncertainty, mmHg.
        alpha: ``1 - alpha`` coverage of the Wald intervals.

    Returns:
        One row per episode: ``episode_id``, ``n_readings``, ``p_start_mmhg``, ``p_end_mmhg``,
        ``duration_days`` (+ ``_low``/``_high``), ``k_per_day``, ``k_low``, ``k_high``,
        ``half_life_days``, ``half_life_low``, ``half_life_high``, ``p0_fit_mmhg`` (the
        fitted starting pressure of the curve, the first reading for two-point episodes),
        ``first_time`` (earliest parseable ``time`` of the episode's rows, tz-naive UTC,
        ``NaT`` if none), ``method``, ``reading_ids``, ``note``.

    Example:
        >>> df = pd.DataFrame({"episode_id": ["E"] * 2, "seq": [1, 2], "kind": ["reading"] * 2,
        ...                    "elapsed_h": [0, 18], "elapsed_low_h": [0, 17.5],
        ...                    "elapsed_high_h": [0, 18.5], "pressure_mmhg": [730, 620],
        ...                    "reading_id": ["a", "b"]})
        >>> row = fit_episodes(df).iloc[0]
        >>> [round(float(row[c]), 3) for c in ("k_per_day", "k_low", "k_high")]
        [0.218, 0.21, 0.226]
    """
    _need(readings, _READING_COLS, "pressure_readings")
    rows: list[dict[str, Any]] = []
    for ep in pd.unique(readings["episode_id"].astype(str)):
        all_rows = readings[readings["episode_id"] == ep]
        sel = episode_readings(readings, ep)
        base: dict[str, Any] = {"episode_id": ep, "n_readings": len(sel)}
        base["first_time"] = _first_time(all_rows)
        nan_fields = {k: math.nan for k in (
            "p_start_mmhg", "p_end_mmhg", "duration_days", "duration_low_days",
            "duration_high_days", "k_per_day", "k_low", "k_high", "half_life_days",
            "half_life_low", "half_life_high", "p0_fit_mmhg")}
        if sel.empty:
            held = all_rows.sort_values("seq")
            p_held = pd.to_numeric(held["pressure_mmhg"], errors="coerce").astype(float)
            rows.append({**base, **nan_fields, "p_start_mmhg": float(p_held.iloc[0]),
                         "method": "none (no decay readings)", "reading_ids": _ids(held),
                         "note": f"{', '.join(sorted(set(held['kind'].astype(str))))} only: "
                                 "the pressure was held or targeted; no decay to fit"})
            continue
        known = sel[sel["t_d"].notna()]
        p = sel["pressure_mmhg"].to_numpy(float)
        rec = {**base, **nan_fields, "p_start_mmhg": float(p[0]), "p_end_mmhg": float(p[-1]),
               "reading_ids": _ids(sel)}
        if len(known) < len(sel) or len(known) < 2:
            rows.append({**rec, "method": "undetermined",
                         "note": "elapsed time unknown for some readings: k undetermined "
                                 f"(the pressure fell {p[0]:g} -> {p[-1]:g} mmHg)"})
            continue
        t = known["t_d"].to_numpy(float)
        tb = list(zip(known["t_low_d"].to_numpy(float), known["t_high_d"].to_numpy(float),
                      strict=True))
        dur_lo = tb[-1][0] - tb[0][1]
        dur_hi = tb[-1][1] - tb[0][0]
        rec.update(duration_days=float(t[-1] - t[0]), duration_low_days=dur_lo,
                   duration_high_days=dur_hi)
        if len(known) == 2:
            fit = fit_decay(t, p, t_bounds=tb, p_resolution=resolution_mmhg, alpha=alpha)
            note = fit.note
        else:
            fit = fit_decay(t, p, "exponential", alpha=alpha)
            _, env = two_point_k(float(p[0]), float(p[-1]), float(t[-1] - t[0]),
                                 (dur_lo, dur_hi), resolution_mmhg)
            note = (f"single exponential, NLS; first-to-last interval-arithmetic bounds "
                    f"[{env[0]:.4g}, {env[1]:.4g}]/day; the decay slows as p falls (see the "
                    "model comparison)")
        rows.append({**rec, "k_per_day": fit.k_per_day, "k_low": fit.k_ci[0],
                     "k_high": fit.k_ci[1], "half_life_days": fit.half_life_days,
                     "half_life_low": fit.half_life_ci[0],
                     "half_life_high": fit.half_life_ci[1], "p0_fit_mmhg": fit.p0_mmhg,
                     "method": f"{fit.method} ({fit.interval_method})", "note": note})
    return pd.DataFrame(rows)


def _first_time(rows: pd.DataFrame) -> Any:
    """Earliest parseable ``time`` of some readings, tz-naive UTC (``NaT`` if none)."""
    if "time" not in rows.columns:
        return pd.NaT
    t = pd.to_datetime(rows["time"].astype("string"), errors="coerce", utc=True, format="mixed")
    t = t.dropna()
    return pd.Timestamp(t.min().tz_localize(None)) if len(t) else pd.NaT


def decay_curves(fits: pd.DataFrame, n: int = 60) -> pd.DataFrame:
    """Fitted single-exponential curves with their k-interval band, for plotting.

    For every episode of :func:`fit_episodes` with a finite k: ``n`` elapsed times from 0 to
    ``duration_days``; ``fit_mmhg = p0 exp(-k t)``, ``low_mmhg = p0 exp(-k_high t)``,
    ``high_mmhg = p0 exp(-k_low t)`` with ``p0 = p0_fit_mmhg``. ``elapsed_h`` is in hours
    since the episode's first reading (the columns :func:`prkanalysis.figures.decay_episodes`
    reads).

    Example:
        >>> f = pd.DataFrame({"episode_id": ["E"], "p0_fit_mmhg": [730.0], "k_per_day": [0.2],
        ...                   "k_low": [0.19], "k_high": [0.21], "duration_days": [1.0]})
        >>> c = decay_curves(f, n=3)
        >>> c["elapsed_h"].tolist(), round(float(c["fit_mmhg"].iloc[-1]), 1)
        ([0.0, 12.0, 24.0], 597.7)
    """
    out = []
    for rec in fits.to_dict("records"):
        k, dur = float(rec["k_per_day"]), float(rec["duration_days"])
        if not (math.isfinite(k) and math.isfinite(dur)):
            continue
        td = np.linspace(0.0, dur, n)
        p0 = float(rec["p0_fit_mmhg"])
        out.append(pd.DataFrame({
            "episode_id": str(rec["episode_id"]), "model": "exponential fit",
            "elapsed_h": td * 24.0, "fit_mmhg": p0 * np.exp(-k * td),
            "low_mmhg": p0 * np.exp(-float(rec["k_high"]) * td),
            "high_mmhg": p0 * np.exp(-float(rec["k_low"]) * td)}))
    if not out:
        raise InsufficientDataError("decay_curves: no episode has a finite decay constant")
    return pd.concat(out, ignore_index=True)


def volume_sensitivity(
    fits: pd.DataFrame,
    volumes_m3: Sequence[float],
    *,
    temperature_k: float = physics.T_CABIN,
    cd: float = 1.0,
) -> pd.DataFrame:
    """Mass rate and equivalent hole implied by each episode's k across assumed PrK volumes.

    ``m_dot = k p V M/(R T)`` (:func:`prkanalysis.physics.mass_rate_from_k`, ``p`` the
    episode's first reading ``p_start_mmhg``) and ``d = sqrt(4 A / pi)`` with ``A`` from
    :func:`prkanalysis.physics.area_from_k`; ``low``/``high`` use the ends of the k
    interval. Episodes without a finite k are skipped.

    Returns:
        Rows with ``quantity`` (``"mass rate"`` kg/day or ``"hole diameter"`` mm),
        ``episode_id``, ``volume_m3``, ``estimate``, ``low``, ``high``.

    Example:
        >>> f = pd.DataFrame({"episode_id": ["E"], "p_start_mmhg": [730.0],
        ...                   "k_per_day": [0.154], "k_low": [0.15], "k_high": [0.16]})
        >>> t = volume_sensitivity(f, [4.3])
        >>> round(float(t.loc[t.quantity == "mass rate", "estimate"].iloc[0]), 2)
        0.76
    """
    rows = []
    for _, f in fits.iterrows():
        if not math.isfinite(float(f["k_per_day"])):
            continue
        p_pa = float(f["p_start_mmhg"]) * MMHG_PA
        ks = (float(f["k_per_day"]), float(f["k_low"]), float(f["k_high"]))
        for v in volumes_m3:
            m = [physics.mass_rate_from_k(k, p_pa, v, temperature_k) for k in ks]
            d = [physics.diameter_from_area(physics.area_from_k(max(k, 0.0), v, temperature_k,
                                                                cd)) * 1e3 for k in ks]
            rows.append({"quantity": "mass rate", "episode_id": f["episode_id"],
                         "volume_m3": float(v), "estimate": m[0], "low": m[1], "high": m[2]})
            rows.append({"quantity": "hole diameter", "episode_id": f["episode_id"],
                         "volume_m3": float(v), "estimate": d[0], "low": d[1], "high": d[2]})
    return pd.DataFrame(rows)


def segment_rates(readings: pd.DataFrame, resolution_mmhg: float = 0.5) -> pd.DataFrame:
    """Decay constant between consecutive readings (interval arithmetic), every episode.

    The elapsed-time bounds of a pair are ``dt -/+ hw`` with ``hw`` the larger of the two
    readings' half-widths (their bounds are relative to the episode's first reading, so this
    is exact when the readings share one time precision, e.g. day-precision dates give
    ``dt -/+ 1`` day). Columns: ``episode_id``, ``from_id``, ``to_id``, ``p_from``,
    ``p_to``, ``p_mid_mmhg`` (geometric mean), ``dt_days``, ``dt_low``, ``dt_high``,
    ``k_per_day``, ``k_low``, ``k_high``. Pairs with an unknown elapsed time are skipped.

    Example:
        >>> df = pd.DataFrame({"episode_id": ["E"] * 3, "seq": [1, 2, 3],
        ...                    "kind": ["reading"] * 3, "elapsed_h": [0, 144, 264],
        ...                    "pressure_mmhg": [473, 273, 200]})
        >>> segment_rates(df)["k_per_day"].round(3).tolist()
        [0.092, 0.062]
    """
    rows = []
    for ep in pd.unique(readings["episode_id"].astype(str)):
        sel = episode_readings(readings, ep)
        sel = sel[sel["t_d"].notna()]
        ids = sel["reading_id"].astype(str).tolist() if "reading_id" in sel else [""] * len(sel)
        for i in range(len(sel) - 1):
            a, b = sel.iloc[i], sel.iloc[i + 1]
            dt = float(b["t_d"] - a["t_d"])
            hw = max(float(a["t_high_d"] - a["t_low_d"]), float(b["t_high_d"] - b["t_low_d"])) / 2
            dt_b = (dt - hw, dt + hw)
            if dt_b[0] > 0:
                k, (lo, hi) = two_point_k(float(a["pressure_mmhg"]), float(b["pressure_mmhg"]),
                                          dt, dt_b, resolution_mmhg)
            else:
                # readings a day apart at day precision: the elapsed time may be near 0, so
                # k has no finite upper bound
                k, (lo, _) = two_point_k(float(a["pressure_mmhg"]), float(b["pressure_mmhg"]),
                                         dt, (dt, dt_b[1]), resolution_mmhg)
                hi = math.inf
                dt_b = (0.0, dt_b[1])
            rows.append({"episode_id": ep, "from_id": ids[i], "to_id": ids[i + 1],
                         "p_from": float(a["pressure_mmhg"]), "p_to": float(b["pressure_mmhg"]),
                         "p_mid_mmhg": math.sqrt(float(a["pressure_mmhg"] * b["pressure_mmhg"])),
                         "dt_days": dt, "dt_low": dt_b[0], "dt_high": dt_b[1],
                         "k_per_day": k, "k_low": lo, "k_high": hi})
    return pd.DataFrame(rows)


def july_2021_model_comparison(readings: pd.DataFrame,
                               episode_id: str = "E2021-07") -> pd.DataFrame:
    """Pure outflow vs equilibrium (hatch-seal inflow) vs pressure-dependent, July 2021.

    Fits the three models of :mod:`prkanalysis.models.decay` by NLS to the episode's
    readings at their stated elapsed days and ranks them (AICc when defined for all, else
    BIC; ``df.attrs["criterion"]``), with Akaike/Schwarz weights and the nested F test
    against the single exponential.

    Example:
        >>> df = pd.DataFrame({"episode_id": ["E2021-07"] * 5, "seq": range(1, 6),
        ...                    "kind": ["reading"] * 5, "elapsed_h": [0, 144, 264, 360, 408],
        ...                    "pressure_mmhg": [473, 273, 200, 160, 154]})
        >>> july_2021_model_comparison(df)["model"].iloc[-1]
        'exponential'
    """
    sel = episode_readings(readings, episode_id)
    sel = sel[sel["t_d"].notna()]
    if len(sel) < 4:
        raise InsufficientDataError(f"episode {episode_id} has {len(sel)} timed readings; the "
                                    "three-parameter models need at least four")
    return compare_decay_models(sel["t_d"].to_numpy(float), sel["pressure_mmhg"].to_numpy(float))


@dataclass(frozen=True)
class JulyVerdict:
    """What the July 2021 readings say about a single exponential (numbers computed).

    For models nested in the single exponential (both three-parameter models reduce to it),
    the exact nested F tests decide; the information-criterion weights are reported beside
    them. With a handful of readings AICc's small-sample penalty
    (``2k(k+1)/(n-k-1)``) can outweigh a large drop in the residual sum of squares and rank
    the exponential first while the F tests reject it; the criterion does not overrule an
    exact test of the nested hypothesis.

    Attributes:
        n: Readings fitted.
        alpha: Level of the F tests.
        f_p: Richer model -> p of its nested F test against the exponential.
        rejected: Whether every nested F test rejects the exponential at ``alpha``.
        any_rejected: Whether at least one does.
        preferred: The model the evidence points to: ``"exponential"`` if no test rejects
            it, else the richer model with the smaller residual sum of squares.
        rich_ratio: Evidence ratio (equal parameter counts: ``exp(dRSS-based AIC/2)``) of
            the preferred richer model over the other richer model (NaN if only one).
        weights: Criterion -> model -> weight (``aicc``, ``bic``).
        penalty: Model -> AICc small-sample penalty ``2k(k+1)/(n-k-1)``.
        text: The verdict in words.
    """

    n: int
    alpha: float
    f_p: dict[str, float]
    rejected: bool
    any_rejected: bool
    preferred: str
    rich_ratio: float
    weights: dict[str, dict[str, float]]
    penalty: dict[str, float]
    text: str


def _strength(ratio: float) -> str:
    return ("indistinguishable" if ratio < 3 else "weakly favoured" if ratio < 10 else
            "clearly favoured")


def july_2021_tests(comparison: pd.DataFrame, alpha: float = 0.05) -> JulyVerdict:
    """Read :func:`july_2021_model_comparison`: nested F tests decide, weights beside them.

    Transformations: the F tests (``p_vs_exponential``) of each richer model against the
    single exponential; the exponential is rejected when every test has ``p < alpha``. The
    two richer models have equal parameter counts, so their comparison is the ratio of their
    AIC weights (``exp((AIC_b - AIC_a)/2)``, identical under AICc and BIC). AICc's penalty
    ``2k(k+1)/(n-k-1)`` (``k`` counting the residual variance) is reported so a reader sees
    why AICc alone would rank otherwise.

    Example:
        >>> df = pd.DataFrame({"episode_id": ["E2021-07"] * 6, "seq": range(1, 7),
        ...     "kind": ["reading"] * 6, "elapsed_h": [0, 144, 264, 336, 360, 408],
        ...     "pressure_mmhg": [473, 273, 200, 167, 160, 154]})
        >>> v = july_2021_tests(july_2021_model_comparison(df))
        >>> v.rejected, v.preferred
        (True, 'equilibrium')
    """
    _need(comparison, ("model", "n", "n_params", "rss", "aic", "p_vs_exponential"),
          "comparison")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ArgumentError("alpha", alpha, "a number in (0, 1)")
    c = comparison.set_index("model")
    n = int(c["n"].max())
    f_p = {str(m): float(v) for m, v in c["p_vs_exponential"].dropna().items()}
    rejected = bool(f_p) and all(v < alpha for v in f_p.values())
    any_rej = any(v < alpha for v in f_p.values())
    rich = [m for m in c.index if m != "exponential"]
    weights = {ic: {str(m): float(c.loc[m, f"weight_{ic}"]) for m in c.index}
               for ic in ("aicc", "bic") if f"weight_{ic}" in c.columns}
    rss = {str(m): float(v) for m, v in c["rss"].items()}
    n_par = {str(m): int(v) for m, v in c["n_params"].items()}
    aic = {str(m): float(v) for m, v in c["aic"].items()}
    penalty: dict[str, float] = {}
    for m in n_par:
        k = n_par[m]
        penalty[str(m)] = 2 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else math.inf
    if rich:
        best_rich = str(min(rich, key=lambda m: rss[str(m)]))
    else:
        best_rich = "exponential"
    ratio = math.nan
    others = [m for m in rich if m != best_rich]
    if others:
        d_aic = aic[str(others[0])] - aic[best_rich]
        ratio = math.exp(d_aic / 2)
    preferred = best_rich if any_rej else "exponential"
    tests = ", ".join(f"{m.replace('_', '-')} p = {v:.2g}" for m, v in f_p.items())
    names = {"aicc": "AICc", "bic": "BIC"}
    w_text = "; ".join(
        f"{names[ic]} weights " + ", ".join(f"{m.replace('_', '-')} {w:.2g}"
                                             for m, w in ws.items())
        for ic, ws in weights.items())
    if rejected:
        head = (f"The {n} readings reject a single exponential (pure outflow): the exact "
                f"nested F tests give {tests}. The decay slows more than one exponential "
                "allows")
    elif any_rej:
        head = (f"The {n} readings reject a single exponential against one richer model "
                f"only ({tests})")
    else:
        head = (f"The {n} readings do not reject a single exponential (nested F tests: "
                f"{tests})")
    parts = [head]
    if others and any_rej:
        parts.append(f"between the two richer models the {best_rich.replace('_', '-')} model "
                     f"fits better by an evidence ratio of {ratio:.2g} "
                     f"({_strength(ratio)}; they have equal parameter counts)")
    if w_text:
        parts.append(f"beside the tests, {w_text}")
    ep = penalty.get("exponential", math.nan)
    pr = penalty.get(best_rich, math.nan)
    wa = weights.get("aicc", {})
    if wa and rejected and max(wa, key=lambda m: wa[m]) == "exponential":
        parts.append(f"AICc ranks the exponential first only through its small-sample penalty "
                     f"({pr:.0f} for {n_par[best_rich]} parameters on {n} "
                     f"readings against {ep:.0f} for the exponential), which does not overrule "
                     "the exact tests of the nested hypothesis")
    text = "; ".join(parts) + "."
    return JulyVerdict(n=n, alpha=alpha, f_p=f_p, rejected=rejected, any_rejected=any_rej,
                       preferred=preferred, rich_ratio=ratio, weights=weights,
                       penalty=penalty, text=text)


def july_2021_verdict(comparison: pd.DataFrame, alpha: float = 0.05) -> str:
    """The July 2021 verdict in words (:func:`july_2021_tests`; every number computed).

    Example:
        >>> df = pd.DataFrame({"episode_id": ["E2021-07"] * 6, "seq": range(1, 7),
        ...     "kind": ["reading"] * 6, "elapsed_h": [0, 144, 264, 336, 360, 408],
        ...     "pressure_mmhg": [473, 273, 200, 167, 160, 154]})
        >>> july_2021_verdict(july_2021_model_comparison(df)).startswith("The 6 readings reject")
        True
    """
    return july_2021_tests(comparison, alpha).text


def _row(df: pd.DataFrame, col: str, key: str, table: str) -> pd.Series:
    hit = df[df[col].astype(str) == key]
    if hit.empty:
        raise DataValidationError(f"row {key!r} not found", file=table, column=col, value=key)
    return hit.iloc[0]


#: Methods of :func:`implied_volume_band`: ``"pairings"`` (default) uses the
#: ``volume_pairings`` judgement table (:mod:`prkanalysis.analysis.volume`: same leak state,
#: background, source-level uncertainty); ``"window"`` pairs every rate whose period
#: mid-point lies within ``window_days`` of an episode's first reading.
VOLUME_METHODS: tuple[str, ...] = ("pairings", "window")


def implied_volume_band(
    readings: pd.DataFrame,
    rates: pd.DataFrame,
    other_figures: pd.DataFrame | None = None,
    *,
    method: str = "pairings",
    window_days: int = 120,
    temperature_k: Interval = (295.15, 297.15),
    resolution_mmhg: float = 0.5,
    record: Any = None,
    grades: Sequence[str] | None = None,
) -> pd.DataFrame:
    """PrK free volume implied by pairing a mass rate with a decay constant of the same epoch.

    ``V = m_dot / (k rho(p, T))`` with ``p`` the episode's first reading (the PrK at
    station pressure when the hatch was closed), ``m_dot`` the rate's ``[kg_per_day_low,
    kg_per_day_high]`` (divided by the divisor figure when the pairing names one), ``k`` the
    episode's interval from :func:`fit_episodes`, ``p`` within +/- ``resolution_mmhg`` and
    ``T`` within ``temperature_k`` (default 22-24 C, the typical cabin range, constants K08).
    The interval is the corner evaluation (V is monotone in each input); the point value uses
    the point rate, the point k and the middle of ``temperature_k``.

    Which rate goes with which decay is the method:

    * ``"pairings"`` (default): the ``volume_pairings`` judgement table, evaluated by
      :func:`prkanalysis.analysis.volume.pairing_volumes` (``record``, default
      ``load_record()``; ``rates`` are the trusted rates): only pairings of the same leak
      state (no repair in between), the station background subtracted, each figure with its
      source-level uncertainty, Solovyov's whole-station rate and equivalent hole as
      cross-checks, the contradicted "threefold" division dropped. Its columns are those of
      ``pairing_volumes`` (``used`` marks the pairings that count).
    * ``"window"``: every rate in ``rates`` (pass the rates the reader trusts) whose period
      mid-point lies within ``window_days`` of an episode's first reading, regardless of the
      events in between. Mechanical, and blind to repairs; shown as a sensitivity check.

    Args:
        readings: ``pressure_readings``.
        rates: Normalised ``leak_rates`` (``"pairings"`` needs the named rows;
            ``"window"`` also needs ``period_start``/``period_end``).
        other_figures: ``other_figures`` (needed for divisor pairings).
        method: One of :data:`VOLUME_METHODS`.
        record: The evidence record for ``"pairings"`` (default ``load_record()``).
        grades: Trusted grades for ``other_figures`` rows (``"pairings"``).
        window_days: Largest distance between a rate's period mid-point and an episode's
            first reading, days (``"window"`` only).
        temperature_k: Gas temperature interval, K.
        resolution_mmhg: Reading half-width, mmHg.

    Returns:
        One row per pairing: ``pairing``, ``rate_id``, ``episode_id``, ``divisor``,
        ``kg_per_day_low``/``high``, ``k_low``/``high``, ``p_mmhg``, ``volume_m3``
        (nominal), ``volume_low_m3``, ``volume_high_m3``, ``secondary``, ``days_apart``
        (``"window"``; NaN otherwise); ``df.attrs["method"]``. :func:`volume_band` gives the
        band across pairings.

    Raises:
        DataValidationError: A named rate, episode or figure is missing, or an unknown
            ``method``.
    """
    if method not in VOLUME_METHODS:
        raise DataValidationError(f"unknown implied-volume method {method!r}; expected one of "
                                  f"{VOLUME_METHODS}", column="method", value=method)
    if method == "pairings":
        from prkanalysis.analysis.volume import pairing_volumes

        if record is None:
            from prkanalysis import load_record

            record = load_record()
        out = pairing_volumes(record, rates=rates, grades=grades, temperature_k=temperature_k,
                              resolution_mmhg=resolution_mmhg)
        out.attrs["method"] = method
        return out
    _need(rates, _RATE_COLS, "leak_rates")
    fits = fit_episodes(readings, resolution_mmhg).set_index("episode_id")
    todo: list[tuple[str, pd.Series, str, float, float]] = []
    if method == "window":
        _need(rates, ("period_start", "period_end"), "leak_rates")
        rr = rates.copy()
        rr["_ps"] = pd.to_datetime(rr["period_start"], errors="coerce")
        rr["_pe"] = pd.to_datetime(rr["period_end"], errors="coerce").fillna(rr["_ps"])
        rr = rr.dropna(subset=["_ps"])
        rr["_mid"] = rr["_ps"] + (rr["_pe"] - rr["_ps"]) / 2
        for ep_key, fr in fits.iterrows():
            t0 = fr["first_time"]
            if pd.isna(t0) or not math.isfinite(float(fr["k_per_day"])):
                continue
            ep = str(ep_key)
            for _, r in rr.iterrows():
                apart = abs((r["_mid"] - pd.Timestamp(t0)).days)
                if apart <= window_days and float(r["kg_per_day_high"]) > 0:
                    todo.append((f"{r['rate_id']} x {ep} ({apart} days apart)", r, ep,
                                 1.0, float(apart)))
    rows = []
    for label, r, ep, div, apart in todo:
        f: pd.Series = fits.loc[ep]  # type: ignore[assignment]
        if not math.isfinite(float(f["k_per_day"])):
            continue
        m = (float(r["kg_per_day_low"]) / div, float(r["kg_per_day_high"]) / div)
        p0 = float(f["p_start_mmhg"])
        k = (float(f["k_low"]), float(f["k_high"]))

        def vol(mm: float, kk: float, pp: float, tt: float) -> float:
            return physics.implied_volume(mm, kk, pp * MMHG_PA, tt)

        _, lo, hi = physics.interval_eval(
            vol, m, k, (p0 - resolution_mmhg, p0 + resolution_mmhg), temperature_k)
        v_point = vol(float(r["kg_per_day"]) / div, float(f["k_per_day"]), p0,
                      sum(temperature_k) / 2)
        sec = bool(_is_true(pd.Series([r["secondary"]])).iloc[0]) if "secondary" in r.index \
            else False
        rows.append({"pairing": label, "rate_id": r["rate_id"], "episode_id": ep,
                     "divisor": div, "kg_per_day_low": m[0], "kg_per_day_high": m[1],
                     "k_low": k[0], "k_high": k[1], "p_mmhg": p0, "volume_m3": v_point,
                     "volume_low_m3": lo, "volume_high_m3": hi, "secondary": sec,
                     "days_apart": apart})
    out = pd.DataFrame(rows, columns=[
        "pairing", "rate_id", "episode_id", "divisor", "kg_per_day_low", "kg_per_day_high",
        "k_low", "k_high", "p_mmhg", "volume_m3", "volume_low_m3", "volume_high_m3",
        "secondary", "days_apart"])
    out.attrs["method"] = method
    return out


def volume_band(volumes: pd.DataFrame, *, primary_only: bool = True) -> Interval:
    """The implied PrK volume band carried downstream (detection limits, hole sizes), m3.

    For a ``"pairings"`` table (a ``used`` column,
    :func:`prkanalysis.analysis.volume.pairing_volumes`): the interval every used pairing
    allows when they agree, else the envelope of the conflicting pairings
    (:func:`prkanalysis.analysis.volume.summarise_volumes` says which; its ``describe()``
    reports an inconsistency with both values). For a ``"window"`` table:
    ``(min low, max high)`` over the pairings (``primary_only`` drops ``secondary`` rates).

    Raises:
        InsufficientDataError: No usable pairing (e.g. no trusted figure at these grades).

    Example:
        >>> v = pd.DataFrame({"volume_low_m3": [2.5, 1.0], "volume_high_m3": [6.1, 4.0],
        ...                   "secondary": [False, True]})
        >>> volume_band(v), volume_band(v, primary_only=False)
        ((2.5, 6.1), (1.0, 6.1))
    """
    if "used" in volumes.columns:
        from prkanalysis.analysis.volume import summarise_volumes

        est = summarise_volumes(volumes)
        if est.band is None:
            raise InsufficientDataError("no same-state volume pairing with a trusted figure")
        return est.band
    v = volumes[~volumes["secondary"].astype(bool)] if primary_only else volumes
    v = v.replace([math.inf, -math.inf], math.nan).dropna(
        subset=["volume_low_m3", "volume_high_m3"])
    if v.empty:
        raise InsufficientDataError("no implied-volume pairing"
                                    + (" with a primary rate" if primary_only else ""))
    return (float(v["volume_low_m3"].min()), float(v["volume_high_m3"].max()))


# The 2024 ratios and the flag reader are written once, in prkanalysis.analysis.rates;
# re-exported here so ``episodes.ratios_2024`` keeps working.
_is_true = is_true


def hole_diameters(
    rates: pd.DataFrame,
    *,
    p_mmhg: float = 760.0,
    temperature_k: Interval = (295.15, 297.15),
    cd: Interval = (0.6, 1.0),
) -> pd.DataFrame:
    """Flow-equivalent diameter of every leak rate (choked flow into vacuum).

    The diameter of the round orifice that would pass the rate at ``p_mmhg``: a measure of
    the leak's size in flow terms, not the size of any opening (a crack of micrometre width
    and centimetre length passes the same flow). ``flow_equiv_d_mm`` is the physics.md
    convention (Cd = 1, T = 295.15 K, the rate's point value); ``flow_equiv_d_low_mm`` /
    ``flow_equiv_d_high_mm`` span the rate's bounds, ``temperature_k`` and the discharge
    coefficient interval ``cd`` (0.6 for a sharp-edged orifice to 1 for an ideal nozzle), by
    corner evaluation.

    Example:
        >>> df = pd.DataFrame({"rate_id": ["x"], "kg_per_day": [1.7], "kg_per_day_low": [1.7],
        ...                    "kg_per_day_high": [1.7]})
        >>> round(float(hole_diameters(df)["flow_equiv_d_mm"].iloc[0]), 2)
        0.32
    """
    _need(rates, _RATE_COLS, "leak_rates")
    p_pa = p_mmhg * MMHG_PA

    def d_mm(m: float, t: float, c: float) -> float:
        return physics.equivalent_hole_diameter(m, p_pa, t, c) * 1e3

    rows = []
    for _, r in rates.iterrows():
        m = (float(r["kg_per_day_low"]), float(r["kg_per_day_high"]))
        _, lo, hi = physics.interval_eval(d_mm, m, temperature_k, cd)
        rows.append({"rate_id": r["rate_id"],
                     "period_start": r.get("period_start", pd.NaT),
                     "value_reported": r.get("value_reported", None), "unit": r.get("unit", None),
                     "kg_per_day": float(r["kg_per_day"]), "kg_per_day_low": m[0],
                     "kg_per_day_high": m[1],
                     "flow_equiv_d_mm": d_mm(float(r["kg_per_day"]), physics.T_CABIN, 1.0),
                     "flow_equiv_d_low_mm": lo, "flow_equiv_d_high_mm": hi})
    return pd.DataFrame(rows)


def daily_loss_band(rates: pd.DataFrame, *, start: Any = None, end: Any = None) -> pd.DataFrame:
    """Cumulative air lost as a band, integrating the rate intervals day by day.

    The ``"daily"`` method of :func:`cumulative_air_lost`. Transformations:

    * each rate row is an observation over ``period_start``..``period_end`` (end = start
      when unknown) with bounds ``kg_per_day_low`` (missing -> 0, an upper bound only) and
      ``kg_per_day_high`` (missing -> ``kg_per_day``);
    * a day covered by observations takes the lowest low and highest high among them and the
      mean of their point values;
    * a day between observations (the unknown periods, e.g. 2022-2023) takes the lower of the
      neighbouring lows and the higher of the neighbouring highs, and the linear interpolation
      of the neighbouring point values: the band widens where the record is silent;
    * days before the first or after the last observation are held at the nearest one;
    * a "before <date>" figure (``period_start`` missing, ``period_end`` known) held at an
      unknown time before its end: it widens the band on every unobserved day up to its end;
    * the daily bounds are summed from ``start`` (left Riemann sum: the value on a date is
      the loss from ``start`` up to that date, 0 on the first day).

    Args:
        rates: Cleaned rates (``period_start``, ``period_end``, ``kg_per_day``,
            ``kg_per_day_low``, ``kg_per_day_high``).
        start: First day integrated (default: first ``period_start``).
        end: Last grid day (default: last ``period_end``); the total covers ``end - start``
            days.

    Returns:
        ``date``, ``rate_low``, ``rate_central``, ``rate_high`` (kg/day), ``observed``
        (bool), ``low_kg``, ``central_kg``, ``high_kg`` (cumulative kg).

    Raises:
        InsufficientDataError: When no rate has a date and a value.
        DataValidationError: A missing column or ``end`` not after ``start``.

    Example:
        >>> r = pd.DataFrame({"period_start": ["2020-01-01", "2020-01-11"],
        ...     "period_end": ["2020-01-01", "2020-01-11"], "kg_per_day": [1.0, 3.0],
        ...     "kg_per_day_low": [0.5, 2.5], "kg_per_day_high": [1.5, 3.5]})
        >>> b = daily_loss_band(r)
        >>> float(b.low_kg.iloc[-1]), float(b.central_kg.iloc[-1]), float(b.high_kg.iloc[-1])
        (5.0, 19.0, 33.0)
    """
    _need(rates, ("period_start", "kg_per_day", "kg_per_day_low", "kg_per_day_high"),
          "leak_rates")
    df = rates.copy()
    df["period_start"] = pd.to_datetime(df["period_start"], errors="coerce")
    endcol = df["period_end"] if "period_end" in df.columns else df["period_start"]
    df["period_end"] = pd.to_datetime(endcol, errors="coerce").fillna(df["period_start"])
    for c in ("kg_per_day", "kg_per_day_low", "kg_per_day_high"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    df["kg_per_day_high"] = df["kg_per_day_high"].fillna(df["kg_per_day"])
    df["kg_per_day"] = df["kg_per_day"].fillna(df["kg_per_day_high"])
    df["kg_per_day_low"] = df["kg_per_day_low"].fillna(0.0)
    df = df.dropna(subset=["kg_per_day_high"])
    open_start = df[df["period_start"].isna() & df["period_end"].notna()]
    df = df.dropna(subset=["period_start"])
    if df.empty:
        raise InsufficientDataError("daily_loss_band: no rate has a date and a value")
    t0 = pd.Timestamp(start) if start is not None else df["period_start"].min()
    t1 = pd.Timestamp(end) if end is not None else df["period_end"].max()
    if t1 <= t0:
        raise DataValidationError(f"end {t1:%Y-%m-%d} is not after start {t0:%Y-%m-%d}",
                                  column="end", value=str(t1))
    grid = pd.date_range(t0.normalize(), t1.normalize(), freq="D")
    n = len(grid)
    lo = np.full(n, np.nan)
    hi = np.full(n, np.nan)
    ce_sum = np.zeros(n)
    ce_n = np.zeros(n)
    for _, r in df.iterrows():
        m = (grid >= r["period_start"].normalize()) & (grid <= r["period_end"].normalize())
        lo[m] = np.fmin(lo[m], r["kg_per_day_low"])
        hi[m] = np.fmax(hi[m], r["kg_per_day_high"])
        ce_sum[m] += r["kg_per_day"]
        ce_n[m] += 1
    observed = ~np.isnan(hi)
    ce = np.where(ce_n > 0, ce_sum / np.maximum(ce_n, 1), np.nan)
    if not observed.any():
        # no observation falls on the grid: anchor on the rows' mid-dates
        mids = df["period_start"] + (df["period_end"] - df["period_start"]) / 2
        order = np.argsort(mids.to_numpy())
        xs = mids.to_numpy()[order].astype("datetime64[ns]").astype(np.int64)
        xg = grid.to_numpy().astype("datetime64[ns]").astype(np.int64)
        ce = np.interp(xg, xs, df["kg_per_day"].to_numpy()[order])
        lo = np.full(n, df["kg_per_day_low"].min())
        hi = np.full(n, df["kg_per_day_high"].max())
    else:
        idx = np.arange(n)
        obs_idx = idx[observed]
        prev = np.maximum.accumulate(np.where(observed, idx, -1))
        nxt = np.minimum.accumulate(np.where(observed, idx, n)[::-1])[::-1]
        prev = np.where(prev < 0, nxt, prev)
        nxt = np.where(nxt >= n, prev, nxt)
        gap = ~observed
        lo[gap] = np.minimum(lo[prev[gap]], lo[nxt[gap]])
        hi[gap] = np.maximum(hi[prev[gap]], hi[nxt[gap]])
        ce = np.interp(idx, obs_idx, ce[obs_idx])
    # "before <date>" figures (open start): their value held at some unknown time before
    # their end, so they widen the band on every unobserved day up to that end
    for _, r in open_start.iterrows():
        m = (~observed) & (grid <= r["period_end"].normalize())
        lo[m] = np.minimum(lo[m], r["kg_per_day_low"])
        hi[m] = np.maximum(hi[m], r["kg_per_day_high"])
    out = pd.DataFrame({"date": grid, "rate_low": lo, "rate_central": ce, "rate_high": hi,
                        "observed": observed})
    # left Riemann sum: the value on day i is what was lost from day 0 up to day i
    for c, v in (("low_kg", lo), ("central_kg", ce), ("high_kg", hi)):
        out[c] = np.r_[0.0, np.cumsum(v)[:-1]]
    return out


def k_ratio(fits: pd.DataFrame, before: str = "E2020-12", after: str = "E2021-03") -> RatioInterval:
    """Ratio of two episodes' decay constants (after / before) by interval arithmetic.

    With the default episodes this asks whether the March 2021 sealing changed k: a ratio
    interval entirely below 1 means the decay slowed beyond the readings' resolution and
    timing. (Decay constants, not mass rates: the same ratio holds for the mass rate at equal
    pressure, temperature and volume.)

    Example:
        >>> fits = pd.DataFrame({"episode_id": ["a", "b"], "k_per_day": [0.2, 0.1],
        ...                      "k_low": [0.19, 0.09], "k_high": [0.21, 0.11]})
        >>> r = k_ratio(fits, "a", "b")
        >>> round(r.low, 3), round(r.high, 3)
        (0.429, 0.579)
    """
    cols = ["k_per_day", "k_low", "k_high"]
    rows: dict[str, dict[str, float]] = {
        str(r["episode_id"]): {c: float(r[c]) for c in cols}
        for r in fits[["episode_id", *cols]].to_dict("records")
    }
    for ep in (before, after):
        if ep not in rows or not math.isfinite(rows[ep]["k_low"]):
            raise InsufficientDataError(f"episode {ep!r} has no decay constant interval")
    a, b = rows[before], rows[after]
    return rate_ratio(a["k_low"], a["k_high"], b["k_low"], b["k_high"],
                      a_point=a["k_per_day"], b_point=b["k_per_day"],
                      label=f"k {after} / k {before}")


@dataclass(frozen=True)
class SealingComparison:
    """Decay constants before and after a sealing (the March 2021 one by default).

    Attributes:
        repair_id: The repair event.
        repair_start: Its first day.
        repair_end: Its last day (day precision: work may have gone on all that day).
        before: Episodes with a finite k that began after the previous repair's last day and
            before this repair's first day (the same leak state), oldest first.
        after_id: First episode with a finite k beginning on or after the day AFTER the
            repair's last day (so certainly after the sealing), or ``None``.
        window_after_id: First episode with a finite k beginning on or after the repair's
            first day (it may have begun during the sealing), or ``None``.
        ratio: ``k after / k last-before`` for ``after_id`` (``None`` if either is missing).
        window_ratios: ``before episode -> k window_after / k before``.
    """

    repair_id: str
    repair_start: pd.Timestamp
    repair_end: pd.Timestamp
    before: tuple[str, ...]
    after_id: str | None
    window_after_id: str | None
    ratio: RatioInterval | None
    window_ratios: dict[str, RatioInterval]


def sealing_comparison(fits: pd.DataFrame, events: pd.DataFrame,
                       repair_id: str = "EV15", *,
                       p_start_tolerance_mmhg: float = 10.0) -> SealingComparison:
    """Which episodes bracket a sealing, and the ratios of their decay constants.

    Transformations: episodes are dated by ``first_time`` (:func:`fit_episodes`); only
    finite k count. "Before": began after the previous repair event's last day and before
    this repair's first day. "After": began on or after the day after the repair's last day
    (the rule the claims ledger applies to C12). "Window after": the first episode beginning
    on or after the repair's first day, which may overlap the work. k depends on pressure
    (the July 2021 fit gives k roughly proportional to p^0.9), so an "after" episode must
    start within ``p_start_tolerance_mmhg`` of the last "before" episode's first reading
    (a decay from 473 mmHg is not compared with one from 730 mmHg). Ratios by
    :func:`k_ratio` (interval arithmetic).

    Raises:
        DataValidationError: ``repair_id`` is not a repair event.
    """
    _need(fits, ("episode_id", "k_per_day", "k_low", "k_high", "first_time", "p_start_mmhg"),
          "fits")
    _need(events, ("event_id", "category", "date_start", "date_end"), "events")
    tol = p_start_tolerance_mmhg
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 <= tol < math.inf:
        raise ArgumentError("p_start_tolerance_mmhg", tol, "a finite number >= 0 (mmHg)")
    ev = events.copy()
    ev["date_start"] = pd.to_datetime(ev["date_start"], errors="coerce")
    ev["date_end"] = pd.to_datetime(ev["date_end"], errors="coerce").fillna(ev["date_start"])
    row = ev[(ev["event_id"].astype(str) == repair_id) & (ev["category"] == "repair")]
    if row.empty:
        raise DataValidationError(f"repair event {repair_id!r} not found", file="events",
                                  column="event_id", value=repair_id)
    r0, r1 = pd.Timestamp(row["date_start"].iloc[0]), pd.Timestamp(row["date_end"].iloc[0])
    prev = ev[(ev["category"] == "repair") & (ev["date_end"] < r0)]["date_end"]
    prev_end = pd.Timestamp(prev.max()) if len(prev) else pd.Timestamp.min
    f = fits[np.isfinite(pd.to_numeric(fits["k_per_day"], errors="coerce"))
             & fits["first_time"].notna()].sort_values("first_time")
    t = pd.to_datetime(f["first_time"])
    before = f[(t.dt.normalize() > prev_end) & (t < r0)]
    after = f[t >= r1.normalize() + pd.Timedelta(days=1)]
    window = f[t >= r0]
    b_ids = tuple(str(x) for x in before["episode_id"])
    if b_ids:
        p_ref = float(before["p_start_mmhg"].iloc[-1])
        after = after[(after["p_start_mmhg"] - p_ref).abs() <= p_start_tolerance_mmhg]
        window = window[(window["p_start_mmhg"] - p_ref).abs() <= p_start_tolerance_mmhg]
    after_id = str(after["episode_id"].iloc[0]) if len(after) else None
    win_id = str(window["episode_id"].iloc[0]) if len(window) else None
    ratio = k_ratio(fits, b_ids[-1], after_id) if b_ids and after_id else None
    wr = {b: k_ratio(fits, b, win_id) for b in b_ids} if win_id else {}
    return SealingComparison(repair_id=repair_id, repair_start=r0, repair_end=r1, before=b_ids,
                             after_id=after_id, window_after_id=win_id, ratio=ratio,
                             window_ratios=wr)


def record_rates(record: Any, grades: Sequence[str] | None = None) -> pd.DataFrame:
    """The normalised leak rates of a record; with ``grades``, only the trusted ones.

    ``grades=None``: every row (:func:`prkanalysis.clean.normalize_leak_rates`; the epoch
    and pairing tables name rows of any grade). Otherwise the one trusted-rate selection,
    :func:`prkanalysis.analysis.rates.trusted_rates` with those grades and the judgement
    defaults: the selection the chapters and the ledger use.
    """
    from prkanalysis.analysis.rates import trusted_rates
    from prkanalysis.clean import normalize_leak_rates

    if grades is None:
        out, _ = normalize_leak_rates(record.leak_rates, sources=record.sources)
    else:
        out, _ = trusted_rates(record, tuple(grades))
    return out


def print_episode_fits(record: Any | None = None, resolution_mmhg: float = 0.5,
                       grades: Sequence[str] | None = None) -> None:
    """Print every result of this module for the record (the ``prkanalysis episodes`` CLI).

    The numbers are those the chapters report for the same parameters (the defaults of each
    function; ``grades`` for the trusted rates and readings, ``None``: the judgement default
    J01 of :func:`prkanalysis.analysis.judgements.defaults`).
    """
    from prkanalysis.analysis.judgements import check_grades, defaults

    if record is None:
        from prkanalysis import load_record

        record = load_record()
    grades = defaults(record).grades if grades is None else check_grades(grades)
    trusted = record_rates(record, grades)
    g = "/".join(grades)
    readings = trusted_readings(record, grades)
    with pd.option_context("display.width", 160, "display.max_columns", 30,
                           "display.max_colwidth", 60, "display.precision", 4):
        print("PrK decay episodes (k per day; two-point intervals by interval arithmetic, "
              f"readings +/-{resolution_mmhg:g} mmHg)")
        fits = fit_episodes(readings, resolution_mmhg)
        print(fits[["episode_id", "n_readings", "p_start_mmhg", "p_end_mmhg", "duration_days",
                    "k_per_day", "k_low", "k_high", "half_life_days", "method"]]
              .to_string(index=False))
        sc = sealing_comparison(fits, record.events)
        for b, kr in sc.window_ratios.items():
            print(f"{kr.label}: [{kr.low:.3g}, {kr.high:.3g}] (point {kr.point:.3g}); "
                  f"{'slower' if kr.high < 1 else 'no clear change'} ({sc.window_after_id} began "
                  f"within the sealing {sc.repair_id}, before {b})")
        print(f"test wholly after the sealing: {sc.after_id or 'none'}")
        print("\nConsecutive-reading decay constants")
        print(segment_rates(readings, resolution_mmhg).to_string(index=False))
        print(f"\nJuly 2021: model comparison (readings trusted at grades {g})")
        try:
            comp = july_2021_model_comparison(readings)
        except InsufficientDataError as exc:
            print(f"cannot be determined: {exc}")
        else:
            print(comp[["model", "n_params", "rss", "k_per_day", "k_low", "k_high", "aic",
                        "aicc", "bic", "weight_aicc", "weight_bic", "p_vs_exponential",
                        "detail"]].to_string(index=False))
            print(july_2021_verdict(comp))
        print("\nImplied PrK free volume (m3): the volume_pairings judgement table")
        vol = pairing_volumes(record, rates=trusted, grades=grades,
                              resolution_mmhg=resolution_mmhg)
        print(vol[["pairing_id", "volume_m3", "volume_low_m3", "volume_high_m3", "status"]]
              .to_string(index=False))
        est = volume_estimate(record, rates=trusted, grades=grades,
                              resolution_mmhg=resolution_mmhg)
        print(est.describe())
        band = est.band
        print(f"\n2024 rates over the pre-2024 baselines (after / before; grades {g})")
        print(ratios_2024(trusted).to_string(index=False))
        print(f"\nFlow-equivalent diameters (choked flow at 760 mmHg; grades {g})")
        print(hole_diameters(trusted)[
            ["rate_id", "value_reported", "unit", "kg_per_day", "flow_equiv_d_mm",
             "flow_equiv_d_low_mm", "flow_equiv_d_high_mm"]].to_string(index=False))
        al = cumulative_air_lost(trusted, record=record, grades=grades)
        print(f"\nCumulative air lost, {al.period} ({al.label}; grades {g})")
        print(al.epochs[["epoch_id", "start", "end", "days", "rate_ids", "evidence",
                         "kg_per_day_low", "kg_per_day_high", "kg_low", "kg_high"]]
              .to_string(index=False))
        print(al.summary())
        if band is None:
            print("\nStop bound: the PrK volume cannot be determined at these grades.")
            return
        sb = stop_bound(record, grades=grades)
        print(f"\nWhat a hold at {sb.pressure_mmhg:g} mmHg shows (V {band[0]:.2f}-"
              f"{band[1]:.2f} m3): {sb.wording} {sb.caveat}")
        inflow = (sb.inflow_mmhg_day if math.isfinite(sb.hidden_outflow_kg_day[1])
                  else (0.0, 0.0))
        lim = stop_detection_limits(band, pressure_mmhg=sb.pressure_mmhg, exponent=sb.exponent,
                                    inflow_mmhg_day=inflow,
                                    temperature_drift_k=temperature_drift_range(record))
        if not math.isfinite(sb.hidden_outflow_kg_day[1]):
            for c in ("hidden_kg_per_day_high", "hidden_kg_per_day_station_high"):
                lim[c] = math.inf  # the seal inflow is not measured at these grades
        print(lim.to_string(index=False))
