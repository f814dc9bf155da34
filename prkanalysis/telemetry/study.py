"""Simulation study of the no-hatch telemetry path (all data SIMULATED, seeded).

Each *case* simulates a run with :func:`~prkanalysis.telemetry.simulate` (no hatch
channel, one step in k on a known date), passes it through the public API
(:func:`~prkanalysis.telemetry.clean` -> :func:`~prkanalysis.telemetry.fit_segments` ->
:func:`~prkanalysis.telemetry.dating.date_break`) and scores the result against the truth
(:mod:`prkanalysis.telemetry.truth`): segment boundaries, no open or ramp sample fitted, no
segment spanning two closures, cleaning flags, break-date interval coverage and width,
per-segment k interval coverage. Cases are drawn across :data:`REGIMES`; inside a regime
each seed draws the leak constant, the step factor (1.2x to 3x), the step date and the
closure-to-closure variation of k (log-normal, sd 0 to 0.3).

Command line (the full study; the test suite runs a small grid)::

    python -m prkanalysis.telemetry.study --full        # REGIMES x 20 seeds, full length
    python -m prkanalysis.telemetry.study --seeds 3     # quick look
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from prkanalysis.errors import PrkError
from prkanalysis.telemetry.clean import clean
from prkanalysis.telemetry.dating import date_break
from prkanalysis.telemetry.fit import air_mass_kg, fit_segments
from prkanalysis.telemetry.simulate import simulate
from prkanalysis.telemetry.truth import binomial_interval, k_coverage, score_flags, score_segments

if TYPE_CHECKING:
    from prkanalysis.figures import FigureResult

__all__ = [
    "QUICK_RATE_HZ",
    "REGIMES",
    "STEP_RANGE",
    "TOL_END_S",
    "TOL_START_S",
    "Regime",
    "dating_calibration",
    "run_case",
    "run_grid",
    "summarise",
]

#: Stated boundary tolerances of the pressure-only segmentation (seconds): a fitted
#: segment starts after the true closure start by the onset guard (15 min, or the time the
#: decay needs to fall 4 noise scales) and ends before the ramp by the end guard (5 min).
TOL_START_S: Final[float] = 4 * 3600.0
TOL_END_S: Final[float] = 3600.0
SIM_LABEL: Final[str] = "SIMULATED"
#: Range of the step factor in k drawn per case (k after / k before).
STEP_RANGE: Final[tuple[float, float]] = (1.2, 3.0)
#: Highest sampling rate of a test-suite (quick) case, Hz.
QUICK_RATE_HZ: Final[float] = 1 / 60
_V, _T = 5.0, 295.15


@dataclass(frozen=True)
class Regime:
    """One operating regime of the study (ranges are drawn per closure or per case).

    Attributes:
        name: Short label.
        rate_hz: Sampling rate.
        duration_days: Length of a full-study run.
        quick_days: Length of a test-suite run.
        k_range: Leak constant before the step, 1/day (log-uniform per case).
        closed_days: Closure length range.
        open_hours: Open period range (held at station pressure).
        repress_minutes: Repressurisation ramp duration range.
        noise_mmhg: Gauge noise sd.
        quant_step: Gauge quantisation step.
        temp_amplitude_k: Diurnal temperature amplitude.
        ar1_phi: AR(1) coefficient of the noise.
        glitches_per_100d: Single-sample glitches per 100 days.
        k_jitter: Range of the closure-to-closure sd of log k (drawn per case).
    """

    name: str
    rate_hz: float
    duration_days: float
    quick_days: float
    k_range: tuple[float, float]
    closed_days: tuple[float, float]
    open_hours: tuple[float, float]
    repress_minutes: tuple[float, float]
    noise_mmhg: float
    quant_step: float
    temp_amplitude_k: float
    ar1_phi: float = 0.0
    glitches_per_100d: float = 10.0
    k_jitter: tuple[float, float] = (0.0, 0.3)


#: The regimes: the reviewer's case and variations in noise, leak size, open periods
#: (minutes to a day), ramp duration, sampling and temperature swing.
REGIMES: Final[tuple[Regime, ...]] = (
    Regime("reviewer-like", 1 / 30, 425, 120, (0.012, 0.025), (4, 10), (2, 10), (8, 12),
           0.08, 0.101, 0.5),
    Regime("quiet gauge", 1 / 60, 300, 90, (0.01, 0.03), (3, 8), (0.5, 12), (5, 15),
           0.02, 0.01, 0.3),
    Regime("noisy gauge", 1 / 60, 300, 90, (0.015, 0.04), (3, 8), (1, 24), (5, 20),
           0.2, 0.101, 1.0),
    Regime("short opens", 1 / 30, 300, 60, (0.02, 0.06), (2, 6), (0.1, 1), (3, 10),
           0.05, 0.101, 0.5, ar1_phi=0.3),
    Regime("slow leak", 1 / 60, 425, 120, (0.005, 0.01), (5, 12), (2, 24), (5, 15),
           0.05, 0.101, 0.5),
    Regime("fast leak", 1 / 30, 200, 50, (0.05, 0.15), (1, 4), (0.25, 24), (10, 30),
           0.1, 0.101, 0.5, ar1_phi=0.5),
)


def _case_params(reg: Regime, seed: int, quick: bool) -> dict[str, Any]:
    """Draw a case of ``reg``: k, step factor, step date (middle 35-65 % of the run)."""
    rng = np.random.default_rng([seed, 7])
    days = reg.quick_days if quick else reg.duration_days
    k0 = float(np.exp(rng.uniform(*np.log(reg.k_range))))
    factor = float(rng.uniform(*STEP_RANGE))
    jitter = float(rng.uniform(*reg.k_jitter))
    start = pd.Timestamp("2024-01-01", tz="UTC")
    step = start + pd.Timedelta(days=float(rng.uniform(0.35, 0.65)) * days)
    return {"days": days, "k0": k0, "factor": factor, "start": start, "step": step,
            "jitter": jitter}


def run_case(reg: Regime, seed: int, *, quick: bool = True) -> dict[str, Any]:
    """Simulate one case of ``reg`` (SIMULATED), run the public API, score against truth.

    Args:
        reg: The regime.
        seed: Case seed (draws k, step and the simulation).
        quick: Test-suite size: ``reg.quick_days`` long, sampled at most every minute
            (:data:`QUICK_RATE_HZ`).

    Returns:
        One flat dict: regime, seed, drawn k and step, the fields of
        :func:`~prkanalysis.telemetry.truth.score_segments`, ``flag_*`` from
        :func:`~prkanalysis.telemetry.truth.score_flags`, ``kcov_*`` from
        :func:`~prkanalysis.telemetry.truth.k_coverage`, and the break date
        (``break_error_days``, ``break_covered``, ``break_width_days``), plus ``error``
        (a project error's message, or empty).
    """
    c = _case_params(reg, seed, quick)
    rate = min(reg.rate_hz, QUICK_RATE_HZ) if quick else reg.rate_hz
    m_ref = air_mass_kg(760.0, _V, _T)
    hist = [(str(c["start"].date()), c["k0"] * m_ref), (str(c["step"]), c["k0"] * c["factor"]
                                                          * m_ref)]
    n_g = max(round(reg.glitches_per_100d * c["days"] / 100), 1)
    df, truth = simulate(
        start=str(c["start"].date()), duration_days=c["days"], rate_hz=rate,
        volume_m3=_V, temperature_k=_T, leak_history=hist, closed_days=reg.closed_days,
        open_hours=reg.open_hours, repress_minutes=reg.repress_minutes,
        noise_mmhg=reg.noise_mmhg, quant_step=reg.quant_step,
        temp_amplitude_k=reg.temp_amplitude_k, ar1_phi=reg.ar1_phi, n_glitches=n_g,
        n_stale=1, stale_s=3600.0, n_gaps=1, gap_len_s=7200.0, n_duplicates=5,
        k_jitter=c["jitter"], hatch_channel=False, seed=seed)
    row: dict[str, Any] = {"regime": reg.name, "seed": seed, "label": SIM_LABEL,
                           "k0": c["k0"], "factor": c["factor"], "step": c["step"],
                           "jitter": c["jitter"], "error": ""}
    row.update({f"flag_{k}": v for k, v in score_flags(df, truth).items()})
    try:
        out, _ = clean(df)
        fits = fit_segments(out, _V, _T)
    except PrkError as exc:
        row["error"] = str(exc)
        return row
    row.update(score_segments(fits, truth, tol_start_s=TOL_START_S, tol_end_s=TOL_END_S))
    row.update({f"kcov_{k}": v for k, v in k_coverage(fits, truth).items()})
    try:
        b = date_break(fits)
    except PrkError as exc:
        row["error"] = str(exc)
        return row
    step = c["step"]
    row.update({
        "break_error_days": (b["date"] - step).total_seconds() / 86400.0,
        "break_covered": bool(b["low"] < step <= b["high"]),
        "break_width_days": b["width_days"],
        "break_ratio": b["ratio"],
        "break_tau": b["tau"],
    })
    return row


def run_grid(regimes: Sequence[Regime] = REGIMES, seeds: Sequence[int] = range(10), *,
             quick: bool = True) -> pd.DataFrame:
    """:func:`run_case` for every regime and seed; one row per case (SIMULATED).

    Example:
        >>> g = run_grid(REGIMES[:1], [1], quick=True)
        >>> g[["regime", "label"]].values.tolist()
        [['reviewer-like', 'SIMULATED']]
    """
    rows = [run_case(r, int(s), quick=quick) for r in regimes for s in seeds]
    out = pd.DataFrame(rows)
    out.attrs.update(simulated=True, label=SIM_LABEL)
    return out


def dating_calibration(
    jitters: Sequence[float] = (0.05, 0.15, 0.3),
    factors: Sequence[float] = (1.2, 1.5, 3.0),
    n_cases: int = 200,
    *,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Coverage of :func:`~prkanalysis.telemetry.dating.date_break` on per-closure k series.

    The dating layer alone, fast enough for many cases: each case draws 30-69 closures of
    4-10 days, a step by ``factor`` after a closure in the middle 30-70 %, at a uniformly
    drawn time within that closure, log-normal closure-to-closure variation of sd
    ``jitter``, and per-segment standard errors of 0.1-1 % of k (as
    :func:`~prkanalysis.telemetry.fit_segments` gives). SIMULATED.

    Returns:
        One row per (jitter, factor): ``cases``, ``covered``, ``coverage``,
        ``cov_low``/``cov_high`` (Clopper-Pearson), ``width_days`` (mean).

    Example:
        >>> t = dating_calibration((0.05,), (3.0,), 20)
        >>> int(t["covered"].iloc[0]) >= 19
        True
    """
    rng = np.random.default_rng([seed, 11])
    rows = []
    t0 = pd.Timestamp("2024-01-01", tz="UTC")
    for jit in jitters:
        for fac in factors:
            hits, widths, done = 0, [], 0
            for _ in range(n_cases):
                n = int(rng.integers(30, 70))
                c = int(rng.integers(int(0.3 * n), int(0.7 * n)))
                days = rng.uniform(4, 10, n)
                offs = (np.r_[0.0, np.cumsum(days)[:-1]] * 86400e9).astype(np.int64)
                start = pd.DatetimeIndex(pd.to_datetime(t0.value + offs, utc=True))
                step = start[c - 1] + (start[c] - start[c - 1]) * float(rng.uniform(0.01, 1))
                k = 0.02 * np.where(np.arange(n) >= c, fac, 1.0) * np.exp(
                    rng.normal(0, jit, n))
                fits = pd.DataFrame({"start": start, "k_per_day": k,
                                     "k_se": k * rng.uniform(0.001, 0.01, n)})
                try:
                    b = date_break(fits, level=level)
                except PrkError:
                    continue
                done += 1
                hits += int(b["low"] < step <= b["high"])
                widths.append(b["width_days"])
            lo, hi = binomial_interval(hits, done, level)
            rows.append({"jitter": jit, "factor": fac, "cases": done, "covered": hits,
                         "coverage": hits / done if done else float("nan"),
                         "cov_low": lo, "cov_high": hi,
                         "width_days": float(np.mean(widths)) if widths else float("nan")})
    out = pd.DataFrame(rows)
    out.attrs.update(simulated=True, label=SIM_LABEL)
    return out


def summarise(grid: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Per-regime (and overall) summary of a :func:`run_grid` table.

    Columns: ``regime``, ``cases``, ``true_closures``, ``segments``, boundary
    ``start_precision``, ``start_recall``, ``end_precision``, ``end_recall`` (pooled over
    cases, at :data:`TOL_START_S` / :data:`TOL_END_S`), ``impure`` and ``spanning``
    segment counts, ``flag_precision``, ``flag_recall`` (pooled dropped samples vs
    injected faults), ``break_coverage`` with ``break_cov_low``/``break_cov_high``
    (Clopper-Pearson at ``level``), ``break_width_days`` (mean), ``break_abs_err_days``
    (median), ``k_coverage`` (pooled per-segment), ``k_median_bias``.
    """
    def one(name: str, g: pd.DataFrame) -> dict[str, Any]:
        ok = g[g["n_found"].notna()] if "n_found" in g else g.iloc[:0]
        br = g[g["break_covered"].notna()] if "break_covered" in g else g.iloc[:0]
        cov = int(br["break_covered"].astype(bool).sum()) if len(br) else 0
        lo, hi = binomial_interval(cov, len(br), level)

        def pooled(num: str, den: str, frame: pd.DataFrame) -> float:
            d = float(frame[den].sum())
            return float(frame[num].sum()) / d if d else float("nan")

        return {
            "regime": name, "cases": len(g), "failed": int((g["error"] != "").sum()),
            "true_closures": int(ok["n_true"].sum()), "segments": int(ok["n_found"].sum()),
            "start_precision": pooled("start_matched", "n_found", ok),
            "start_recall": pooled("start_matched", "n_true", ok),
            "end_precision": pooled("end_matched", "n_found", ok),
            "end_recall": pooled("end_matched", "n_true", ok),
            "start_err_median_h": float(ok["start_err_median_h"].median()),
            "impure": int(ok["n_impure"].sum()), "spanning": int(ok["n_span"].sum()),
            "flag_precision": pooled("flag_dropped_faults", "flag_dropped", g),
            "flag_recall": pooled("flag_dropped_faults", "flag_faults", g),
            "break_cases": len(br), "break_coverage": cov / len(br) if len(br) else float("nan"),
            "break_cov_low": lo, "break_cov_high": hi,
            "break_width_days": float(br["break_width_days"].mean()) if len(br) else np.nan,
            "break_abs_err_days": float(br["break_error_days"].abs().median()) if len(br)
            else np.nan,
            "k_coverage": pooled("kcov_covered", "kcov_n", ok),
            "k_median_bias": float(ok["kcov_median_rel_bias"].median()),
        }

    rows = [one(str(n), g) for n, g in grid.groupby("regime", sort=False)]
    rows.append(one("all", grid))
    out = pd.DataFrame(rows)
    out.attrs.update(simulated=True, label=SIM_LABEL,
                     tol_start_h=TOL_START_S / 3600, tol_end_h=TOL_END_S / 3600)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the study and print the per-regime summary (SIMULATED)."""
    ap = argparse.ArgumentParser(prog="python -m prkanalysis.telemetry.study",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true",
                    help="full-length runs, 20 seeds per regime (several minutes)")
    ap.add_argument("--seeds", type=int, default=None, help="seeds per regime")
    ap.add_argument("--out", default=None, help="write the per-case table to this CSV")
    a = ap.parse_args(argv)
    n_seeds = a.seeds if a.seeds is not None else (20 if a.full else 3)
    t0 = time.perf_counter()
    grid = run_grid(REGIMES, range(n_seeds), quick=not a.full)
    summ = summarise(grid)
    if a.out:
        grid.to_csv(a.out, index=False)
    cal = dating_calibration(n_cases=500 if a.full else 100)
    with pd.option_context("display.width", 200, "display.max_columns", 40):
        print(f"{SIM_LABEL} study: {len(grid)} cases, {len(REGIMES)} regimes, "
              f"{'full' if a.full else 'quick'} length, {time.perf_counter() - t0:.0f} s; "
              f"tolerance: starts {TOL_START_S / 3600:g} h, ends {TOL_END_S / 3600:g} h")
        print(summ.T.to_string())
        print(f"\n{SIM_LABEL} break-dating calibration on per-closure k series:")
        print(cal.to_string(index=False))
    return 0


def regimes_table(regimes: Sequence[Regime] = REGIMES) -> pd.DataFrame:
    """The regimes as a table for readers (one row each; ranges as ``low-high`` text).

    Example:
        >>> regimes_table()["regime"].iloc[0]
        'reviewer-like'
    """
    def rng(x: tuple[float, float]) -> str:
        return f"{x[0]:g}-{x[1]:g}"

    return pd.DataFrame([{
        "regime": r.name, "sampling_s": 1.0 / r.rate_hz, "k_per_day": rng(r.k_range),
        "closed_days": rng(r.closed_days), "open_hours": rng(r.open_hours),
        "repress_minutes": rng(r.repress_minutes), "noise_mmhg": r.noise_mmhg,
        "quant_step_mmhg": r.quant_step, "temp_amplitude_k": r.temp_amplitude_k,
        "ar1_phi": r.ar1_phi, "k_jitter": rng(r.k_jitter),
    } for r in regimes])


def example_case(reg: Regime, seed: int, *, days: float = 40.0) -> dict[str, Any]:
    """One short SIMULATED case of ``reg`` through the public API, for a figure.

    Returns:
        dict with ``df`` (the simulated table, no hatch channel), ``truth``, ``fits``
        (:func:`~prkanalysis.telemetry.fit_segments` on the cleaned table) and ``score``
        (:func:`~prkanalysis.telemetry.truth.score_segments`).
    """
    c = _case_params(reg, seed, True)
    df, truth = simulate(
        start=str(c["start"].date()), duration_days=days, rate_hz=reg.rate_hz, volume_m3=_V,
        temperature_k=_T, leak_k_per_day=c["k0"], closed_days=reg.closed_days,
        open_hours=reg.open_hours, repress_minutes=reg.repress_minutes,
        noise_mmhg=reg.noise_mmhg, quant_step=reg.quant_step,
        temp_amplitude_k=reg.temp_amplitude_k, ar1_phi=reg.ar1_phi, n_glitches=5, n_stale=1,
        n_duplicates=3, hatch_channel=False, seed=seed)
    out, _ = clean(df)
    fits = fit_segments(out, _V, _T)
    return {"df": df, "truth": truth, "fits": fits,
            "score": score_segments(fits, truth, tol_start_s=TOL_START_S,
                                    tol_end_s=TOL_END_S)}


def plot_case(case: dict[str, Any], *,
              title: str = "Closures found from pressure alone") -> FigureResult:
    """Pressure of an :func:`example_case`, true closures shaded, found segments as bars.

    Returns:
        A :class:`prkanalysis.figures.FigureResult` stamped SIMULATED.
    """
    import matplotlib.pyplot as plt

    from prkanalysis.figures import FigureResult

    df, truth, fits = case["df"], case["truth"], case["fits"]
    prs = df[(df["channel"] == "prk_pressure").to_numpy()]
    fig, ax = plt.subplots(figsize=(9, 4.0))
    ax.plot(prs["time"], prs["value"], lw=0.6, color="0.3", label="pressure (SIMULATED)")
    for i, r in enumerate(truth.segments.itertuples()):
        ax.axvspan(r.start, r.end, color="tab:blue", alpha=0.12, lw=0,
                   label="true closure" if i == 0 else None)
    lo = float(prs["value"].min())
    span = float(prs["value"].max()) - lo
    for i, r in enumerate(fits.itertuples()):
        ax.plot([r.start, r.end], [lo - 0.06 * span] * 2, color="tab:orange", lw=4,
                solid_capstyle="butt", label="fitted segment" if i == 0 else None)
    ax.set_ylim(lo - 0.12 * span, lo + 1.05 * span)
    ax.set_ylabel("PrK pressure (mmHg)")
    ax.set_xlabel("date (UTC)")
    ax.set_title(f"{title} (SIMULATED)")
    fig.autofmt_xdate()
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.38), fontsize=8, ncol=3,
              frameon=False)
    fig.tight_layout()
    data = fits[["start", "end", "k_per_day"]].assign(label=SIM_LABEL)
    return FigureResult(fig=fig, caption="", data=data, name="segments_from_pressure")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
