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
from prkanalysis.analysis.rates import is_true, ratios_2024
from prkanalysis.errors import DataValidationError, InsufficientDataError
from prkanalysis.models.decay import compare_decay_models, fit_decay, two_point_k
from prkanalysis.models.growth import RatioInterval, rate_ratio
from prkanalysis.units import MMHG_PA, convert

__all__ = [
    "AIR_LOST_EPOCHS",
    "AIR_LOST_METHODS",
    "AIR_LOST_PERIOD",
    "DEFAULT_GRADES",
    "VOLUME_METHODS",
    "VOLUME_PAIRINGS",
    "AirLost",
    "cumulative_air_lost",
    "daily_loss_band",
    "decay_curves",
    "episode_readings",
    "fit_episodes",
    "hole_diameters",
    "implied_volume_band",
    "july_2021_model_comparison",
    "july_2021_verdict",
    "k_ratio",
    "print_episode_fits",
    "ratios_2024",
    "record_rates",
    "segment_rates",
    "stop_detection_limits",
    "volume_band",
    "volume_sensitivity",
]

Interval = tuple[float, float]

_READING_COLS = ("episode_id", "seq", "kind", "elapsed_h", "pressure_mmhg")
_RATE_COLS = ("rate_id", "kg_per_day", "kg_per_day_low", "kg_per_day_high")


def _need(df: pd.DataFrame, cols: Sequence[str], table: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataValidationError(f"missing column(s) {missing}", file=table,
                                  column=missing[0])


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
            k, (lo, hi) = two_point_k(float(a["pressure_mmhg"]), float(b["pressure_mmhg"]), dt,
                                      dt_b, resolution_mmhg)
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


def july_2021_verdict(comparison: pd.DataFrame) -> str:
    """Say in words which model the data favour and how strongly (all numbers computed).

    Example:
        >>> df = pd.DataFrame({"episode_id": ["E2021-07"] * 5, "seq": range(1, 6),
        ...                    "kind": ["reading"] * 5, "elapsed_h": [0, 144, 264, 360, 408],
        ...                    "pressure_mmhg": [473, 273, 200, 160, 154]})
        >>> "exponential" in july_2021_verdict(july_2021_model_comparison(df))
        True
    """
    crit = comparison.attrs.get("criterion", "bic")
    c = comparison.set_index("model")
    best = comparison.iloc[0]["model"]
    w = c[f"weight_{crit}"]
    parts = [f"By {crit.upper()}, the data favour the {best} model (weight {w[best]:.2f})"]
    if "exponential" in c.index:
        w_exp = float(w["exponential"])
        parts.append(f"the single exponential (pure outflow) has weight {w_exp:.2g}")
        pv = c["p_vs_exponential"].dropna()
        if not pv.empty:
            parts.append("nested F tests against it: " + ", ".join(
                f"{m} p={v:.3g}" for m, v in pv.items()))
    others = [m for m in c.index if m not in (best, "exponential")]
    for m in others:
        ratio = float(w[best] / w[m]) if w[m] > 0 else math.inf
        strength = ("indistinguishable" if ratio < 3 else "weakly" if ratio < 10 else
                    "clearly")
        parts.append(f"{best} vs {m}: evidence ratio {ratio:.2g} ({strength})")
    if crit != "aicc":
        parts.append("AICc is undefined for three-parameter curves on this few readings")
    return "; ".join(parts) + "."


#: Pairings of a mass rate with a decay episode of the same epoch, for the implied volume:
#: ``(label, rate_id, episode_id, divisor_figure_id)``; the divisor (a "reduced N-fold"
#: figure from ``other_figures``) divides the rate when given.
VOLUME_PAIRINGS: tuple[tuple[str, str, str, str | None], ...] = (
    ("Sept 2020 rate (1.4 kg/day, unnamed Sputnik source) x Oct 2020 decay", "LR03",
     "E2020-10", None),
    ("Sept 2020 rate x Dec 2020 decay", "LR03", "E2020-12", None),
    ("Oct 2020 Graphic News rate (0.77 kg/day, secondary) x Oct 2020 decay", "LR20",
     "E2020-10", None),
    ("Oct 2020 Graphic News rate (secondary) x Dec 2020 decay", "LR20", "E2020-12", None),
    ("Sept 2020 rate / 3 (Apr 2021 'threefold' reduction) x Mar 2021 decay", "LR03",
     "E2021-03", "OF15"),
    ("Oct 2020 Graphic News rate / 3 (Apr 2021 'threefold', secondary) x Mar 2021 decay",
     "LR20", "E2021-03", "OF15"),
)


def _row(df: pd.DataFrame, col: str, key: str, table: str) -> pd.Series:
    hit = df[df[col].astype(str) == key]
    if hit.empty:
        raise DataValidationError(f"row {key!r} not found", file=table, column=col, value=key)
    return hit.iloc[0]


#: Methods of :func:`implied_volume_band`: ``"pairings"`` (default) pairs the rate and the
#: episode named in :data:`VOLUME_PAIRINGS`; ``"window"`` pairs every rate whose period
#: mid-point lies within ``window_days`` of an episode's first reading.
VOLUME_METHODS: tuple[str, ...] = ("pairings", "window")


def implied_volume_band(
    readings: pd.DataFrame,
    rates: pd.DataFrame,
    other_figures: pd.DataFrame | None = None,
    *,
    method: str = "pairings",
    pairings: Sequence[tuple[str, str, str, str | None]] = VOLUME_PAIRINGS,
    window_days: int = 120,
    temperature_k: Interval = (295.15, 297.15),
    resolution_mmhg: float = 0.5,
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

    * ``"pairings"`` (default): the labelled pairings of :data:`VOLUME_PAIRINGS`. Each pairs
      a rate with a decay of the same leak state, between the events that changed it (the
      Oct 2020 crack discovery, the March 2021 sealing, whose effect enters through the Apr
      2021 "threefold" figure). This is the defensible default: a rate and a decay measured
      either side of a repair describe different holes.
    * ``"window"``: every rate in ``rates`` (pass the rates the reader trusts) whose period
      mid-point lies within ``window_days`` of an episode's first reading, regardless of the
      events in between. Mechanical, and blind to repairs; shown as a sensitivity check.

    Args:
        readings: ``pressure_readings``.
        rates: Normalised ``leak_rates`` (``"pairings"`` needs the named rows;
            ``"window"`` also needs ``period_start``/``period_end``).
        other_figures: ``other_figures`` (needed for divisor pairings).
        method: One of :data:`VOLUME_METHODS`.
        pairings: ``(label, rate_id, episode_id, divisor_figure_id)`` tuples
            (``"pairings"`` only).
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
    _need(rates, _RATE_COLS, "leak_rates")
    fits = fit_episodes(readings, resolution_mmhg).set_index("episode_id")
    todo: list[tuple[str, pd.Series, str, float, float]] = []
    if method == "pairings":
        for label, rate_id, ep, div_id in pairings:
            r = _row(rates, "rate_id", rate_id, "leak_rates")
            if ep not in fits.index:
                raise DataValidationError(f"episode {ep!r} not found", file="pressure_readings",
                                          column="episode_id", value=ep)
            div = 1.0
            if div_id is not None:
                if other_figures is None:
                    raise DataValidationError(f"pairing {label!r} needs other_figures",
                                              file="other_figures", value=div_id)
                div = float(_row(other_figures, "figure_id", div_id, "other_figures")["value"])
            todo.append((label, r, ep, div, math.nan))
    else:
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
    """Band of the implied PrK volume across pairings: ``(min low, max high)``, m3.

    ``primary_only`` drops pairings whose rate is flagged ``secondary`` (a figure relayed
    without a primary source behind it). This is the one band the CLI, the chapters and the
    detection limits use.

    Example:
        >>> v = pd.DataFrame({"volume_low_m3": [2.5, 1.0], "volume_high_m3": [6.1, 4.0],
        ...                   "secondary": [False, True]})
        >>> volume_band(v), volume_band(v, primary_only=False)
        ((2.5, 6.1), (1.0, 6.1))
    """
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
    """Equivalent round-hole diameter of every leak rate (choked flow into vacuum).

    ``d_cd1_mm`` is the physics.md convention (Cd = 1, T = 295.15 K, the rate's point value);
    ``d_low_mm``/``d_high_mm`` span the rate's bounds, ``temperature_k`` and the discharge
    coefficient interval ``cd`` (0.6 for a sharp-edged orifice to 1 for an ideal nozzle), by
    corner evaluation.

    Example:
        >>> df = pd.DataFrame({"rate_id": ["x"], "kg_per_day": [1.7], "kg_per_day_low": [1.7],
        ...                    "kg_per_day_high": [1.7]})
        >>> round(float(hole_diameters(df)["d_cd1_mm"].iloc[0]), 2)
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
                     "d_cd1_mm": d_mm(float(r["kg_per_day"]), physics.T_CABIN, 1.0),
                     "d_low_mm": lo, "d_high_mm": hi})
    return pd.DataFrame(rows)


#: Epochs of the air-lost band: ``(start, end, rate_ids, rule, basis)``. ``rule`` is
#: ``"envelope"`` (the rate lies between the lowest low and highest high of the rows: it moved
#: between the reported values without overshooting them), ``"scaled_prev"`` (PrK held at the
#: pressure of reading PR17: a choked leak scales with pressure, so the rate is at most the
#: previous epoch's high times p_held/760, and at least 0) or ``"divided"`` (the rows' bounds
#: divided by the divisor figure, enveloped with any further rows).
AIR_LOST_EPOCHS: tuple[tuple[str, str, tuple[str, ...], str, str], ...] = (
    ("2019-09-01", "2020-08-01", ("LR01", "LR02"), "envelope",
     "first registered 270 g/day (Sept 2019) rising to 540 g/day (Aug 2020)"),
    ("2020-08-01", "2020-10-15", ("LR02", "LR03"), "envelope",
     "540 g/day (Aug 2020) to 1.4 kg/day (Sept 2020); crack found 15 Oct 2020"),
    ("2020-10-15", "2021-03-12", ("LR03", "LR20"), "envelope",
     "1.4 kg/day (Sept 2020) and the secondary 0.77 kg/day (Oct 2020) until the March 2021 "
     "sealing"),
    ("2021-03-12", "2021-09-01", ("LR03", "LR04"), "divided:OF15",
     "Sept 2020 rate reduced threefold (Apr 2021) and 'a little over a pound' (Jul-Aug 2021)"),
    ("2021-09-01", "2024-02-07", ("LR06", "LR08"), "envelope",
     "pre-increase baseline: historic low 0.2 lb/day to Montalbano's 1 lb/day (the OIG's "
     "'< 1' lies inside)"),
    ("2024-02-07", "2024-04-01", ("LR09", "LR10", "LR11"), "envelope",
     "rise from about 2 and 2.4 lb/day (Feb 2024) to the 3.7 lb/day peak (Apr 2024)"),
    ("2024-04-01", "2024-09-27", ("LR11", "LR15"), "envelope",
     "3.7 lb/day peak, cut by about a third by 27 Sept 2024 (2 to 2.5 lb/day in Nov 2024)"),
    ("2024-09-27", "2025-06-12", ("LR15", "LR16"), "envelope",
     "2 to 2.5 lb/day (Nov 2024); 'a couple of pounds' before June 2025"),
    ("2025-06-12", "2026-05-01", (), "scaled_prev:PR17",
     "PrK held at 100 mmHg from late June 2025; 'very small' (July 2025); holding steady "
     "(Jan 2026) until the May 2026 recurrence"),
    ("2026-05-01", "2026-06-30", ("LR17", "LR18"), "envelope",
     "about 1 lb/day rising to 2 lb/day (May-June 2026 recurrence)"),
)


#: The default period of the air-lost band: first registration (Sept 2019) to the end of
#: the record (30 June 2026). It runs THROUGH the May-June 2026 recurrence, not to the January
#: 2026 stop confirmation (the leak did not end there); pass ``end=`` for another period.
AIR_LOST_PERIOD: tuple[str, str] = (AIR_LOST_EPOCHS[0][0], AIR_LOST_EPOCHS[-1][1])

#: Methods of :func:`cumulative_air_lost`: ``"epochs"`` (default; :data:`AIR_LOST_EPOCHS`) and
#: ``"daily"`` (:func:`daily_loss_band` over the rates given).
AIR_LOST_METHODS: tuple[str, ...] = ("epochs", "daily")


@dataclass(frozen=True, eq=False)
class AirLost:
    """Cumulative air lost to the PrK leak, as a band.

    Attributes:
        epochs: One row per epoch (``start``, ``end``, ``days``, ``rate_ids``, ``rule``,
            ``kg_per_day_low``, ``kg_per_day_high``, ``kg_low``, ``kg_high``, ``basis``);
            empty for the ``"daily"`` method.
        total_kg: ``(low, high)`` over the period.
        days: Length of the period, days (``end - start``).
        progress_kg: ``(min, max)`` gas mass per Progress delivery in the record.
        progress_equivalents: ``(total_low / max, total_high / min)`` Progress loads.
        allowance_kg: The design allowance (2 lb/day, constants K23) over the same days.
        background_kg: The 2011 measured background (constants K26) over the same days.
        method: ``"epochs"`` or ``"daily"``.
        start: First day of the period.
        end: End of the period (exclusive: the loss of ``days`` whole days).
        daily: Day-by-day path (``date``, ``rate_low``, ``rate_central``, ``rate_high``
            kg/day, ``observed``, ``low_kg``, ``central_kg``, ``high_kg`` cumulative kg, the
            value on a date being the loss from ``start`` up to that date); its last row
            equals ``total_kg``. For ``"epochs"`` the central path is the band's midpoint.
    """

    epochs: pd.DataFrame
    total_kg: Interval
    days: float
    progress_kg: Interval
    progress_equivalents: Interval
    allowance_kg: float
    background_kg: float
    method: str
    start: pd.Timestamp
    end: pd.Timestamp
    daily: pd.DataFrame

    @property
    def period(self) -> str:
        """The period in words, e.g. ``"1 Sep 2019 to 30 Jun 2026 (2494 days)"``."""
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y} ({self.days:.0f} days)"

    def summary(self) -> str:
        """A few sentences in words; every number computed."""
        lo, hi = self.total_kg
        how = ("evidence epochs" if self.method == "epochs" else
               "day-by-day integration of the given rates, widened in the gaps")
        return (
            f"Air lost to the PrK leak, {self.period}, by {how}: "
            f"{lo:.0f} to {hi:.0f} kg. That is {self.progress_equivalents[0]:.1f} to "
            f"{self.progress_equivalents[1]:.1f} Progress gas loads of "
            f"{self.progress_kg[0]:g}-{self.progress_kg[1]:g} kg; the station's 2 lb/day design "
            f"allowance over the same days is {self.allowance_kg:.0f} kg "
            f"({100 * lo / self.allowance_kg:.0f}-{100 * hi / self.allowance_kg:.0f} % of it), "
            f"and the 2011 background leak rate would lose {self.background_kg:.0f} kg.")

    def __repr__(self) -> str:
        return (f"AirLost({self.total_kg[0]:.0f}-{self.total_kg[1]:.0f} kg, {self.method}, "
                f"{self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}, {self.days:.0f} d)")


def _constant_kg_day(constants: pd.DataFrame | None, cid: str) -> float:
    if constants is None or constants.empty:
        raise DataValidationError("constants table needed", file="constants", value=cid)
    row = _row(constants, "constant_id", cid, "constants")
    return float(convert(float(row["value"]), str(row["unit"]), "kg/day"))


def _epoch_rates(
    rates: pd.DataFrame,
    epochs: Sequence[tuple[str, str, tuple[str, ...], str, str]],
    readings: pd.DataFrame | None,
    other_figures: pd.DataFrame | None,
    station_pressure_mmhg: float,
) -> list[dict[str, Any]]:
    """The rate interval of every epoch by its rule (see :data:`AIR_LOST_EPOCHS`)."""
    rows = []
    prev_high = math.nan
    for start, end, ids, rule, basis in epochs:
        sel = [_row(rates, "rate_id", i, "leak_rates") for i in ids]
        lows = [float(r["kg_per_day_low"]) for r in sel]
        highs = [float(r["kg_per_day_high"]) for r in sel]
        if rule.startswith("divided:"):
            fid = rule.split(":", 1)[1]
            if other_figures is None:
                raise DataValidationError("other_figures needed", file="other_figures",
                                          value=fid)
            div = float(_row(other_figures, "figure_id", fid, "other_figures")["value"])
            lows[0] /= div
            highs[0] /= div
            lo, hi = min(lows), max(highs)
        elif rule.startswith("scaled_prev:"):
            rid = rule.split(":", 1)[1]
            if readings is None:
                raise DataValidationError("pressure_readings needed",
                                          file="pressure_readings", value=rid)
            p_held = float(_row(readings, "reading_id", rid, "pressure_readings")
                           ["pressure_mmhg"])
            lo, hi = 0.0, prev_high * p_held / station_pressure_mmhg
        else:
            lo, hi = min(lows), max(highs)
        prev_high = hi
        rows.append({"start": pd.Timestamp(start), "end": pd.Timestamp(end),
                     "rate_ids": ";".join(ids), "rule": rule, "kg_per_day_low": lo,
                     "kg_per_day_high": hi, "basis": basis})
    return rows


def cumulative_air_lost(
    rates: pd.DataFrame,
    *,
    method: str = "epochs",
    start: Any = None,
    end: Any = None,
    readings: pd.DataFrame | None = None,
    other_figures: pd.DataFrame | None = None,
    constants: pd.DataFrame | None = None,
    gas_deliveries: pd.DataFrame | None = None,
    epochs: Sequence[tuple[str, str, tuple[str, ...], str, str]] = AIR_LOST_EPOCHS,
    station_pressure_mmhg: float = 760.0,
) -> AirLost:
    """Band of the total air lost to the PrK leak over a period.

    The period defaults to :data:`AIR_LOST_PERIOD` (Sept 2019 to 30 June 2026, through the
    May-June 2026 recurrence) for both methods, so their totals are comparable.

    * ``"epochs"`` (default): piecewise-constant rate intervals per epoch of
      :data:`AIR_LOST_EPOCHS` (the rules are documented there), each contributing
      ``[low, high] * days`` for the days it overlaps the period. Each epoch names its evidence
      rows and the events that bound it (crack found, sealing, the 100 mmHg hold), and the
      hold epoch scales the rate by pressure (choked flow), so this is the default: it uses
      what is known about the leak between the figures.
    * ``"daily"``: :func:`daily_loss_band` over ``rates`` (pass the rates the reader trusts):
      a day between figures takes the widest of its neighbours' bounds, whatever happened in
      between. Mechanical and grade-aware, it ignores the hold at 100 mmHg and the repairs,
      so its band is wider; it is the sensitivity check.

    The 2019-2020 figures are whole-station air-loss rates and so include the station's
    background leak; nothing is subtracted.

    Args:
        rates: Normalised ``leak_rates`` (``"epochs"``: all rows, the epochs name the ones
            used; ``"daily"``: the rows to integrate).
        method: One of :data:`AIR_LOST_METHODS`.
        start: First day (default ``AIR_LOST_PERIOD[0]``).
        end: End of the period, exclusive (default ``AIR_LOST_PERIOD[1]``).
        readings: ``pressure_readings`` (for ``scaled_prev`` epochs).
        other_figures: ``other_figures`` (for ``divided`` epochs).
        constants: ``constants`` (design allowance K23, background K26).
        gas_deliveries: ``gas_deliveries`` (gas mass per Progress).
        epochs: The epoch table (``"epochs"`` only).
        station_pressure_mmhg: Pressure the earlier rates refer to (for ``scaled_prev``).

    Returns:
        An :class:`AirLost`.

    Raises:
        DataValidationError: An unknown method, a missing named row, or ``end <= start``.
    """
    if method not in AIR_LOST_METHODS:
        raise DataValidationError(f"unknown air-lost method {method!r}; expected one of "
                                  f"{AIR_LOST_METHODS}", column="method", value=method)
    _need(rates, _RATE_COLS, "leak_rates")
    t0 = pd.Timestamp(start if start is not None else AIR_LOST_PERIOD[0]).normalize()
    t1 = pd.Timestamp(end if end is not None else AIR_LOST_PERIOD[1]).normalize()
    if t0.tzinfo is not None:
        t0 = t0.tz_localize(None)
    if t1.tzinfo is not None:
        t1 = t1.tz_localize(None)
    if t1 <= t0:
        raise DataValidationError(f"end {t1:%Y-%m-%d} is not after start {t0:%Y-%m-%d}",
                                  column="end", value=str(t1.date()))
    if method == "epochs":
        rows = []
        for e in _epoch_rates(rates, epochs, readings, other_figures, station_pressure_mmhg):
            a, b = max(e["start"], t0), min(e["end"], t1)
            days = max((b - a).days, 0)
            if days == 0:
                continue
            rows.append({**e, "start": a, "end": b, "days": days,
                         "kg_low": e["kg_per_day_low"] * days,
                         "kg_high": e["kg_per_day_high"] * days})
        ep = pd.DataFrame(rows, columns=["start", "end", "days", "rate_ids", "rule",
                                         "kg_per_day_low", "kg_per_day_high", "kg_low",
                                         "kg_high", "basis"])
        grid = pd.date_range(t0, t1, freq="D")
        lo_d = np.zeros(len(grid))
        hi_d = np.zeros(len(grid))
        for row in ep.to_dict("records"):
            m = (grid >= row["start"]) & (grid < row["end"])
            lo_d[m] = row["kg_per_day_low"]
            hi_d[m] = row["kg_per_day_high"]
        daily = pd.DataFrame({"date": grid, "rate_low": lo_d, "rate_central": (lo_d + hi_d) / 2,
                              "rate_high": hi_d, "observed": False})
        for c, v in (("low_kg", lo_d), ("central_kg", (lo_d + hi_d) / 2), ("high_kg", hi_d)):
            daily[c] = np.r_[0.0, np.cumsum(v)[:-1]]
        total = (float(ep["kg_low"].sum()), float(ep["kg_high"].sum()))
    else:
        daily = daily_loss_band(rates, start=t0, end=t1)
        ep = pd.DataFrame(columns=["start", "end", "days", "rate_ids", "rule",
                                   "kg_per_day_low", "kg_per_day_high", "kg_low", "kg_high",
                                   "basis"])
        total = (float(daily["low_kg"].iloc[-1]), float(daily["high_kg"].iloc[-1]))
    days_all = float((t1 - t0).days)
    if gas_deliveries is not None and not gas_deliveries.empty:
        prog = gas_deliveries[gas_deliveries["vehicle"].astype(str).str.startswith("Progress")]
        g = pd.to_numeric(prog["gas_mass_kg"], errors="coerce").dropna()
        pk = (float(g.min()), float(g.max()))
    else:
        pk = (math.nan, math.nan)
    allowance = _constant_kg_day(constants, "K23") * days_all if constants is not None \
        else math.nan
    background = _constant_kg_day(constants, "K26") * days_all if constants is not None \
        else math.nan
    return AirLost(epochs=ep, total_kg=total, days=days_all, progress_kg=pk,
                   progress_equivalents=(total[0] / pk[1], total[1] / pk[0]),
                   allowance_kg=allowance, background_kg=background, method=method,
                   start=t0, end=t1, daily=daily)


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


def stop_detection_limits(
    volume_m3: float | Interval,
    *,
    pressure_mmhg: float = 100.0,
    durations_days: Sequence[float] = (1, 7, 30, 90, 180),
    gauge_resolution_mmhg: float | Interval = (0.1, 1.0),
    temperature_k: float | Interval = (295.15, 297.15),
    temperature_drift_k: float | Interval = (0.0, 10 / 9),
    station_pressure_mmhg: float = 760.0,
) -> pd.DataFrame:
    """What a "pressure holding steady" statement can exclude, by hold duration.

    The largest leak that a hold of each duration cannot exclude
    (:func:`prkanalysis.physics.detection_limit_curve`), over the box of inputs: the PrK free
    volume (e.g. the implied-volume band), the held pressure (100 mmHg from June 2025), the
    unpublished gauge resolution, the cabin temperature and an unmeasured temperature drift
    (default up to the +/-2 F setpoint tolerance, 10/9 K). Neither the hold duration nor the
    gauge resolution was published, so both are scanned. The mass rates are at the held
    pressure: the same hole at station pressure (choked flow, proportional to pressure) leaks
    ``station_pressure_mmhg / pressure_mmhg`` times more: columns ``kg_per_day_station``,
    ``kg_per_day_station_low`` and ``kg_per_day_station_high``. Every input may be a number
    or a ``(low, high)`` interval (a number gives a point limit).

    Returns:
        The columns of :func:`prkanalysis.physics.detection_limit_curve`, ``duration_h``,
        ``pressure_mmhg`` and the station-pressure equivalents.

    Example:
        >>> df = stop_detection_limits((2.5, 6.1))
        >>> bool(df["kg_per_day_high"].is_monotonic_decreasing)
        True
        >>> one = stop_detection_limits(5.0, durations_days=[1.0], gauge_resolution_mmhg=1.0,
        ...                             temperature_k=295.15, temperature_drift_k=0.0)
        >>> row = one.iloc[0]
        >>> round(float(row["kg_per_day"]), 7), round(float(row["kg_per_day_station"]), 4)
        (0.0079076, 0.0601)
    """
    def _hi(v: float | Interval) -> float:
        return float(max(v)) if isinstance(v, (tuple, list)) else float(v)

    def _lo(v: float | Interval) -> float:
        return float(min(v)) if isinstance(v, (tuple, list)) else float(v)

    drop = _hi(gauge_resolution_mmhg) + pressure_mmhg * _hi(temperature_drift_k) / _lo(
        temperature_k)
    if not drop < pressure_mmhg:
        raise DataValidationError(
            f"the undetectable drop ({drop:g} mmHg: gauge resolution plus p dT/T) must be "
            f"smaller than the hold pressure {pressure_mmhg:g} mmHg",
            column="gauge_resolution_mmhg", value=drop)
    df = physics.detection_limit_curve(durations_days, pressure_mmhg, gauge_resolution_mmhg,
                                       volume_m3, temperature_k, temperature_drift_k)
    df.insert(1, "duration_h", df["duration_days"] * 24.0)
    df.insert(2, "pressure_mmhg", float(pressure_mmhg))
    scale = station_pressure_mmhg / pressure_mmhg
    for c in ("", "_low", "_high"):
        df[f"kg_per_day_station{c}"] = df[f"kg_per_day{c}"] * scale
    return df


#: Source grades the CLI and the chapters trust by default for the rate-based results that
#: do not name their rows (the 2024 ratios, the hole sizes, the daily air-lost band).
DEFAULT_GRADES: tuple[str, ...] = ("P", "T")


def record_rates(record: Any, grades: Sequence[str] | None = None) -> pd.DataFrame:
    """The normalised leak rates of a record; with ``grades``, only the trusted ones.

    ``grades=None``: every row (:func:`prkanalysis.clean.normalize_leak_rates`; the epoch
    and pairing tables name rows of any grade). Otherwise
    :func:`prkanalysis.clean.clean_leak_rates` with those grades, derived figures and
    restatements dropped: the selection the chapters use.
    """
    from prkanalysis.clean import clean_leak_rates, normalize_leak_rates

    if grades is None:
        out, _ = normalize_leak_rates(record.leak_rates, sources=record.sources)
    else:
        out, _ = clean_leak_rates(record.leak_rates, sources=record.sources,
                                  grades=tuple(grades))
    return out


def print_episode_fits(record: Any | None = None, resolution_mmhg: float = 0.5,
                       grades: Sequence[str] = DEFAULT_GRADES) -> None:
    """Print every result of this module for the record (the ``prkanalysis episodes`` CLI).

    The numbers are those the chapters report for the same parameters (the defaults of each
    function; ``grades`` for the trusted-rate results).
    """
    if record is None:
        from prkanalysis import load_record

        record = load_record()
    rates = record_rates(record)
    trusted = record_rates(record, grades)
    g = "/".join(grades)
    readings = record.pressure_readings
    with pd.option_context("display.width", 160, "display.max_columns", 30,
                           "display.max_colwidth", 60, "display.precision", 4):
        print("PrK decay episodes (k per day; two-point intervals by interval arithmetic, "
              f"readings +/-{resolution_mmhg:g} mmHg)")
        fits = fit_episodes(readings, resolution_mmhg)
        print(fits[["episode_id", "n_readings", "p_start_mmhg", "p_end_mmhg", "duration_days",
                    "k_per_day", "k_low", "k_high", "half_life_days", "method"]]
              .to_string(index=False))
        kr = k_ratio(fits)
        print(f"{kr.label}: [{kr.low:.3g}, {kr.high:.3g}] (point {kr.point:.3g}); "
              f"{'slower after the March 2021 sealing' if kr.high < 1 else 'no clear change'}")
        print("\nConsecutive-reading decay constants")
        print(segment_rates(readings, resolution_mmhg).to_string(index=False))
        print("\nJuly 2021: model comparison")
        comp = july_2021_model_comparison(readings)
        print(comp[["model", "n_params", "rss", "k_per_day", "k_low", "k_high", "aic", "aicc",
                    "bic", "weight_aic", "weight_bic", "p_vs_exponential", "detail"]]
              .to_string(index=False))
        print(july_2021_verdict(comp))
        print("\nImplied PrK free volume (m3), labelled pairings (default method)")
        vol = implied_volume_band(readings, rates, record.other_figures,
                                  resolution_mmhg=resolution_mmhg)
        print(vol[["pairing", "volume_m3", "volume_low_m3", "volume_high_m3"]]
              .to_string(index=False))
        band = volume_band(vol)
        band_all = volume_band(vol, primary_only=False)
        win = implied_volume_band(readings, trusted, method="window",
                                  resolution_mmhg=resolution_mmhg)
        wb = volume_band(win)
        print(f"band, primary-rate pairings: {band[0]:.2f} to {band[1]:.2f} m3; all pairings: "
              f"{band_all[0]:.2f} to {band_all[1]:.2f} m3; method='window' ({g} rates, "
              f"{len(win)} pairings): {wb[0]:.2f} to {wb[1]:.2f} m3")
        print(f"\n2024 rates over the pre-2024 baselines (after / before; grades {g})")
        print(ratios_2024(trusted).to_string(index=False))
        print(f"\nEquivalent hole diameters (choked flow at 760 mmHg; grades {g})")
        print(hole_diameters(trusted)[
            ["rate_id", "value_reported", "unit", "kg_per_day", "d_cd1_mm", "d_low_mm",
             "d_high_mm"]].to_string(index=False))
        al = cumulative_air_lost(rates, readings=readings, other_figures=record.other_figures,
                                 constants=record.constants,
                                 gas_deliveries=record.gas_deliveries)
        print(f"\nCumulative air lost, {al.period}: from first registration through the end of "
              "the record, including the May-June 2026 recurrence")
        print(al.epochs[["start", "end", "days", "rate_ids", "kg_per_day_low",
                         "kg_per_day_high", "kg_low", "kg_high"]].to_string(index=False))
        print(al.summary())
        dl = cumulative_air_lost(trusted, method="daily", constants=record.constants,
                                 gas_deliveries=record.gas_deliveries)
        print(f"Sensitivity, method='daily' ({g} rates): {dl.total_kg[0]:.0f} to "
              f"{dl.total_kg[1]:.0f} kg over the same period.")
        held = readings[readings["kind"] == "held"].sort_values("seq")
        p_held = float(held["pressure_mmhg"].iloc[-1]) if not held.empty else 100.0
        print(f"\nDetection limits of a hold at {p_held:g} mmHg (V {band[0]:.2f}-{band[1]:.2f} m3, "
              "gauge 0.1-1 mmHg, drift 0-1.1 K)")
        print(stop_detection_limits(band, pressure_mmhg=p_held).to_string(index=False))
