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

import pandas as pd

from prkanalysis import physics
from prkanalysis.errors import DataValidationError, InsufficientDataError
from prkanalysis.models.decay import compare_decay_models, fit_decay, two_point_k
from prkanalysis.models.growth import RatioInterval, rate_ratio
from prkanalysis.units import MMHG_PA, convert

__all__ = [
    "AIR_LOST_EPOCHS",
    "VOLUME_PAIRINGS",
    "AirLost",
    "cumulative_air_lost",
    "episode_readings",
    "fit_episodes",
    "hole_diameters",
    "implied_volume_band",
    "july_2021_model_comparison",
    "july_2021_verdict",
    "k_ratio",
    "print_episode_fits",
    "ratios_2024",
    "segment_rates",
    "stop_detection_limits",
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
        ``half_life_days``, ``half_life_low``, ``half_life_high``, ``method``,
        ``reading_ids``, ``note``.

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
        nan_fields = {k: math.nan for k in (
            "p_start_mmhg", "p_end_mmhg", "duration_days", "duration_low_days",
            "duration_high_days", "k_per_day", "k_low", "k_high", "half_life_days",
            "half_life_low", "half_life_high")}
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
                     "half_life_high": fit.half_life_ci[1],
                     "method": f"{fit.method} ({fit.interval_method})", "note": note})
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


def implied_volume_band(
    readings: pd.DataFrame,
    rates: pd.DataFrame,
    other_figures: pd.DataFrame | None = None,
    *,
    pairings: Sequence[tuple[str, str, str, str | None]] = VOLUME_PAIRINGS,
    temperature_k: Interval = (295.15, 297.15),
    resolution_mmhg: float = 0.5,
) -> pd.DataFrame:
    """PrK free volume implied by pairing a mass rate with a decay constant of the same epoch.

    ``V = m_dot / (k rho(p, T))`` with ``p`` the episode's first reading (the PrK at
    station pressure when the hatch was closed), ``m_dot`` the rate's ``[kg_per_day_low,
    kg_per_day_high]`` (divided by the divisor figure when the pairing names one), ``k`` the
    episode's interval-arithmetic interval, ``p`` within +/- ``resolution_mmhg`` and ``T``
    within ``temperature_k`` (default 22-24 C, the typical cabin range, constants K08).
    The interval is the corner evaluation (V is monotone in each input).

    Args:
        readings: ``pressure_readings``.
        rates: Normalised ``leak_rates``.
        other_figures: ``other_figures`` (needed for divisor pairings).
        pairings: ``(label, rate_id, episode_id, divisor_figure_id)`` tuples.
        temperature_k: Gas temperature interval, K.
        resolution_mmhg: Reading half-width, mmHg.

    Returns:
        One row per pairing: ``pairing``, ``rate_id``, ``episode_id``, ``divisor``,
        ``kg_per_day_low``/``high``, ``k_low``/``high``, ``p_mmhg``, ``volume_m3``
        (nominal), ``volume_low_m3``, ``volume_high_m3``, ``secondary``. The band across all
        pairings is ``(min volume_low_m3, max volume_high_m3)``.
    """
    _need(rates, _RATE_COLS, "leak_rates")
    fits = fit_episodes(readings, resolution_mmhg).set_index("episode_id")
    rows = []
    for label, rate_id, ep, div_id in pairings:
        r = _row(rates, "rate_id", rate_id, "leak_rates")
        if ep not in fits.index:
            raise DataValidationError(f"episode {ep!r} not found", file="pressure_readings",
                                      column="episode_id", value=ep)
        f: pd.Series = fits.loc[ep]  # type: ignore[assignment]
        if not math.isfinite(float(f["k_per_day"])):
            continue
        div = 1.0
        if div_id is not None:
            if other_figures is None:
                raise DataValidationError(f"pairing {label!r} needs other_figures",
                                          file="other_figures", value=div_id)
            div = float(_row(other_figures, "figure_id", div_id, "other_figures")["value"])
        m = (float(r["kg_per_day_low"]) / div, float(r["kg_per_day_high"]) / div)
        p0 = float(f["p_start_mmhg"])
        k = (float(f["k_low"]), float(f["k_high"]))

        def vol(mm: float, kk: float, pp: float, tt: float) -> float:
            return physics.implied_volume(mm, kk, pp * MMHG_PA, tt)

        _, lo, hi = physics.interval_eval(
            vol, m, k, (p0 - resolution_mmhg, p0 + resolution_mmhg), temperature_k)
        v_point = vol(float(r["kg_per_day"]) / div, float(f["k_per_day"]), p0,
                      sum(temperature_k) / 2)
        sec = bool(r.get("secondary", False)) if "secondary" in r.index else False
        rows.append({"pairing": label, "rate_id": rate_id, "episode_id": ep,
                     "divisor": div, "kg_per_day_low": m[0], "kg_per_day_high": m[1],
                     "k_low": k[0], "k_high": k[1], "p_mmhg": p0, "volume_m3": v_point,
                     "volume_low_m3": lo, "volume_high_m3": hi, "secondary": sec})
    return pd.DataFrame(rows)


def _is_true(s: pd.Series) -> pd.Series:
    return s.astype("string").str.lower().isin(["true", "1"])


def _primary_rows(rates: pd.DataFrame) -> pd.DataFrame:
    keep = pd.Series(True, index=rates.index)
    if "derived" in rates.columns:
        keep &= ~_is_true(rates["derived"])
    if "duplicate_of" in rates.columns:
        dup = rates["duplicate_of"].astype("string").str.strip()
        keep &= dup.isna() | dup.eq("")
    return rates[keep]


def ratios_2024(rates: pd.DataFrame, *, increase_start: str = "2024-02-01",
                increase_end: str = "2024-04-30") -> pd.DataFrame:
    """Feb and Apr 2024 rates over the pre-2024 baselines, by interval arithmetic.

    "After" rows: period starting within ``[increase_start, increase_end]``. "Before"
    rows: periods ending in the 35 days before ``increase_start``+6 days (the record's
    "before the Feb 2024 increase" rows end 2024-01-31 or 2024-02-06). Derived rows and
    restatements (``duplicate_of``) are excluded. Each pair gives
    ``[b_low/a_high, b_high/a_low]`` (``inf`` for a "<" baseline) and the doubling verdict.

    Returns:
        One row per (before, after) pair: ``before_id``, ``after_id``, ``before_reported``,
        ``after_reported``, ``before_grade``, ``after_grade``, ``same_speaker``,
        ``ratio_low``, ``ratio_high``, ``ratio_point``, ``verdict``.
    """
    _need(rates, (*_RATE_COLS, "period_start", "period_end"), "leak_rates")
    r = _primary_rows(rates)
    ps = pd.to_datetime(r["period_start"])
    pe = pd.to_datetime(r["period_end"])
    t0, t1 = pd.Timestamp(increase_start), pd.Timestamp(increase_end)
    after = r[(ps >= t0) & (ps <= t1)]
    before = r[(pe < t0 + pd.Timedelta(days=7)) & (pe >= t0 - pd.Timedelta(days=35))
               & ~((ps >= t0) & (ps <= t1))]
    rows = []
    for _, a in before.iterrows():
        for _, b in after.iterrows():
            rr = rate_ratio(float(a["kg_per_day_low"]), float(a["kg_per_day_high"]),
                            float(b["kg_per_day_low"]), float(b["kg_per_day_high"]),
                            a_point=float(a["kg_per_day"]), b_point=float(b["kg_per_day"]))
            rows.append({
                "before_id": a["rate_id"], "after_id": b["rate_id"],
                "before_reported": f"{a.get('value_reported', '')} {a.get('unit', '')}".strip(),
                "after_reported": f"{b.get('value_reported', '')} {b.get('unit', '')}".strip(),
                "after_period": str(pd.Timestamp(b["period_start"]).strftime("%b %Y")),
                "before_grade": a.get("grade_best", None),
                "after_grade": b.get("grade_best", None),
                "same_speaker": bool(a.get("speaker", "x") == b.get("speaker", "y")),
                "ratio_low": rr.low, "ratio_high": rr.high, "ratio_point": rr.point,
                "verdict": rr.doubled,
            })
    return pd.DataFrame(rows)


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


@dataclass(frozen=True, eq=False)
class AirLost:
    """Cumulative air lost to the PrK leak, as a band.

    Attributes:
        epochs: One row per epoch (``start``, ``end``, ``days``, ``rate_ids``, ``rule``,
            ``kg_per_day_low``, ``kg_per_day_high``, ``kg_low``, ``kg_high``, ``basis``).
        total_kg: ``(low, high)`` sum over epochs.
        days: Length of the whole period, days.
        progress_kg: ``(min, max)`` gas mass per Progress delivery in the record.
        progress_equivalents: ``(total_low / max, total_high / min)`` Progress loads.
        allowance_kg: The design allowance (2 lb/day, constants K23) over the same days.
        background_kg: The 2011 measured background (constants K26) over the same days.
    """

    epochs: pd.DataFrame
    total_kg: Interval
    days: float
    progress_kg: Interval
    progress_equivalents: Interval
    allowance_kg: float
    background_kg: float

    def summary(self) -> str:
        """A few sentences in words; every number computed."""
        lo, hi = self.total_kg
        start = pd.Timestamp(self.epochs["start"].iloc[0]).strftime("%b %Y")
        end = pd.Timestamp(self.epochs["end"].iloc[-1]).strftime("%b %Y")
        return (
            f"Air lost to the PrK leak, {start} to {end} ({self.days:.0f} days): "
            f"{lo:.0f} to {hi:.0f} kg. That is {self.progress_equivalents[0]:.1f} to "
            f"{self.progress_equivalents[1]:.1f} Progress gas loads of "
            f"{self.progress_kg[0]:g}-{self.progress_kg[1]:g} kg; the station's 2 lb/day design "
            f"allowance over the same days is {self.allowance_kg:.0f} kg "
            f"({100 * lo / self.allowance_kg:.0f}-{100 * hi / self.allowance_kg:.0f} % of it), "
            f"and the 2011 background leak rate would lose {self.background_kg:.0f} kg.")

    def __repr__(self) -> str:
        return (f"AirLost({self.total_kg[0]:.0f}-{self.total_kg[1]:.0f} kg over "
                f"{self.days:.0f} d, {len(self.epochs)} epochs)")


def _constant_kg_day(constants: pd.DataFrame | None, cid: str) -> float:
    if constants is None or constants.empty:
        raise DataValidationError("constants table needed", file="constants", value=cid)
    row = _row(constants, "constant_id", cid, "constants")
    return float(convert(float(row["value"]), str(row["unit"]), "kg/day"))


def cumulative_air_lost(
    rates: pd.DataFrame,
    *,
    readings: pd.DataFrame | None = None,
    other_figures: pd.DataFrame | None = None,
    constants: pd.DataFrame | None = None,
    gas_deliveries: pd.DataFrame | None = None,
    epochs: Sequence[tuple[str, str, tuple[str, ...], str, str]] = AIR_LOST_EPOCHS,
    station_pressure_mmhg: float = 760.0,
) -> AirLost:
    """Band of the total air lost, from piecewise-constant rate intervals per epoch.

    Each epoch contributes ``[low, high] * days``; the rules are documented at
    :data:`AIR_LOST_EPOCHS`. The 2019-2020 figures are whole-station air-loss rates and so
    include the station's background leak; nothing is subtracted.

    Args:
        rates: Normalised ``leak_rates`` (all rows; the epochs name the ones used).
        readings: ``pressure_readings`` (for ``scaled_prev`` epochs).
        other_figures: ``other_figures`` (for ``divided`` epochs).
        constants: ``constants`` (design allowance K23, background K26).
        gas_deliveries: ``gas_deliveries`` (gas mass per Progress).
        epochs: The epoch table.
        station_pressure_mmhg: Pressure the earlier rates refer to (for ``scaled_prev``).

    Returns:
        An :class:`AirLost`.
    """
    _need(rates, _RATE_COLS, "leak_rates")
    rows = []
    prev_high = math.nan
    for start, end, ids, rule, basis in epochs:
        days = (pd.Timestamp(end) - pd.Timestamp(start)).days
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
        rows.append({"start": pd.Timestamp(start), "end": pd.Timestamp(end), "days": days,
                     "rate_ids": ";".join(ids), "rule": rule, "kg_per_day_low": lo,
                     "kg_per_day_high": hi, "kg_low": lo * days, "kg_high": hi * days,
                     "basis": basis})
    ep = pd.DataFrame(rows)
    total = (float(ep["kg_low"].sum()), float(ep["kg_high"].sum()))
    days_all = float(ep["days"].sum())
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
                   allowance_kg=allowance, background_kg=background)


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
    f = fits.set_index("episode_id")
    for ep in (before, after):
        if ep not in f.index or not math.isfinite(float(f.loc[ep, "k_low"])):
            raise InsufficientDataError(f"episode {ep!r} has no decay constant interval")
    a, b = f.loc[before], f.loc[after]
    return rate_ratio(float(a["k_low"]), float(a["k_high"]), float(b["k_low"]),
                      float(b["k_high"]), a_point=float(a["k_per_day"]),
                      b_point=float(b["k_per_day"]), label=f"k {after} / k {before}")


def stop_detection_limits(
    volume_m3: Interval,
    *,
    pressure_mmhg: float = 100.0,
    durations_days: Sequence[float] = (1, 7, 30, 90, 180),
    gauge_resolution_mmhg: Interval = (0.1, 1.0),
    temperature_k: Interval = (295.15, 297.15),
    temperature_drift_k: Interval = (0.0, 10 / 9),
) -> pd.DataFrame:
    """What a "pressure holding steady" statement can exclude, by hold duration.

    The largest leak that a hold of each duration cannot exclude
    (:func:`prkanalysis.physics.detection_limit_curve`), over the box of inputs: the PrK free
    volume (e.g. the implied-volume band), the held pressure (100 mmHg from June 2025), the
    unpublished gauge resolution, the cabin temperature and an unmeasured temperature drift
    (default up to the +/-2 F setpoint tolerance, 10/9 K). Neither the hold duration nor the
    gauge resolution was published, so both are scanned. The mass rates are at the held
    pressure: the same hole at station pressure (choked flow, proportional to pressure) leaks
    ``760 / pressure_mmhg`` times more.

    Example:
        >>> df = stop_detection_limits((2.5, 6.1))
        >>> bool(df["kg_per_day_high"].is_monotonic_decreasing)
        True
    """
    return physics.detection_limit_curve(durations_days, pressure_mmhg, gauge_resolution_mmhg,
                                         volume_m3, temperature_k, temperature_drift_k)


def _normalised_rates(record: Any) -> pd.DataFrame:
    from prkanalysis.clean import normalize_leak_rates

    clean, _ = normalize_leak_rates(record.leak_rates, sources=record.sources)
    return clean


def print_episode_fits(record: Any | None = None, resolution_mmhg: float = 0.5) -> None:
    """Print every result of this module for the record (the ``prkanalysis episodes`` CLI)."""
    if record is None:
        from prkanalysis import load_record

        record = load_record()
    rates = _normalised_rates(record)
    readings = record.pressure_readings
    with pd.option_context("display.width", 160, "display.max_columns", 30,
                           "display.max_colwidth", 60, "display.precision", 4):
        print("PrK decay episodes (k per day; two-point intervals by interval arithmetic, "
              f"readings +/-{resolution_mmhg:g} mmHg)")
        fits = fit_episodes(readings, resolution_mmhg)
        print(fits[["episode_id", "n_readings", "p_start_mmhg", "p_end_mmhg", "duration_days",
                    "k_per_day", "k_low", "k_high", "half_life_days", "method"]]
              .to_string(index=False))
        print("\nConsecutive-reading decay constants")
        print(segment_rates(readings, resolution_mmhg).to_string(index=False))
        print("\nJuly 2021: model comparison")
        comp = july_2021_model_comparison(readings)
        print(comp[["model", "n_params", "rss", "k_per_day", "k_low", "k_high", "aic", "aicc",
                    "bic", "weight_aic", "weight_bic", "p_vs_exponential", "detail"]]
              .to_string(index=False))
        print(july_2021_verdict(comp))
        print("\nImplied PrK free volume (m3)")
        vol = implied_volume_band(readings, rates, record.other_figures)
        print(vol[["pairing", "volume_m3", "volume_low_m3", "volume_high_m3"]]
              .to_string(index=False))
        prim = vol[~vol["secondary"]]
        kr = k_ratio(fits)
        print(f"{kr.label}: [{kr.low:.3g}, {kr.high:.3g}] (point {kr.point:.3g}); "
              f"{'slower after the March 2021 sealing' if kr.high < 1 else 'no clear change'}")
        print(f"band, all pairings: {vol['volume_low_m3'].min():.2f} to "
              f"{vol['volume_high_m3'].max():.2f} m3; primary-rate pairings only: "
              f"{prim['volume_low_m3'].min():.2f} to {prim['volume_high_m3'].max():.2f} m3")
        print("\n2024 rates over the pre-2024 baselines (after / before)")
        print(ratios_2024(rates).to_string(index=False))
        print("\nEquivalent hole diameters (choked flow at 760 mmHg)")
        print(hole_diameters(_primary_rows(rates))[
            ["rate_id", "value_reported", "unit", "kg_per_day", "d_cd1_mm", "d_low_mm",
             "d_high_mm"]].to_string(index=False))
        print("\nCumulative air lost")
        al = cumulative_air_lost(rates, readings=readings, other_figures=record.other_figures,
                                 constants=record.constants,
                                 gas_deliveries=record.gas_deliveries)
        print(al.epochs[["start", "end", "days", "rate_ids", "kg_per_day_low",
                         "kg_per_day_high", "kg_low", "kg_high"]].to_string(index=False))
        print(al.summary())
        band = (float(prim["volume_low_m3"].min()), float(prim["volume_high_m3"].max()))
        held = readings[readings["kind"] == "held"].sort_values("seq")
        p_held = float(held["pressure_mmhg"].iloc[-1]) if not held.empty else 100.0
        print(f"\nDetection limits of a hold at {p_held:g} mmHg (V {band[0]:.2f}-{band[1]:.2f} m3, "
              "gauge 0.1-1 mmHg, drift 0-1.1 K)")
        print(stop_detection_limits(band, pressure_mmhg=p_held).to_string(index=False))
