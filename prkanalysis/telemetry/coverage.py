"""Coverage of the per-segment k intervals on SIMULATED segments with noise memory.

ALL DATA HERE IS SIMULATED (seeded; every table says so). The study asks: do nominal 95 %
intervals for the leak constant ``k`` from :func:`~prkanalysis.telemetry.fit_segments` cover
the true ``k`` about 95 % of the time when the gauge noise remembers for minutes to hours?

Design (one *regime* per noise memory ``tau``):

* :func:`~prkanalysis.telemetry.simulate` with hatch-closed segments of ``segment_days``
  (default 5 days) at ``rate_hz`` (default 1 per minute), ``open_hours`` open between them,
  constant true ``k`` (0.2 per day), AR(1) gauge noise of standard deviation ``noise_mmhg``
  (0.2 mmHg) with coefficient ``phi = exp(-dt / tau)`` (``dt = 1 / rate_hz``), then rounding
  to the gauge step ``quant_step`` (0.101 mmHg); seed ``seed + 1000 i`` for regime ``i``.
* every segment fitted through the public :func:`~prkanalysis.telemetry.fit_segments` with
  each method (``"NW"``: the Newey-West rule-of-thumb lag, the former default; ``"HAC"``:
  the correlation-time HAC of :mod:`~prkanalysis.telemetry.hac`, the default; optionally
  ``"HAC-known"``: the same with ``corr_time_s`` set to the true memory);
* a segment is *covered* when ``k_low < k_true < k_high``; its true ``k`` is matched by the
  segment's start time in the simulator's truth table;
* coverage ``c = covered / n`` with a Wilson score interval (:func:`wilson_interval`), the mean
  interval width ``k_high - k_low`` (1/day), and the median correlation time the HAC
  estimated.

Run the full study (300 segments per regime, memories 1 min, 10 min, 1 h, 2 h, 4 h)::

    python -m prkanalysis.telemetry.coverage --full

(``make study-coverage``). Without ``--full`` it runs the small seeded grid of the test suite.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Final

import numpy as np
import pandas as pd
from scipy import stats

from prkanalysis.errors import TelemetryError
from prkanalysis.models._linalg import as_count, as_real
from prkanalysis.telemetry.fit import fit_segments
from prkanalysis.telemetry.schema import SIMULATED_LABEL
from prkanalysis.telemetry.simulate import simulate

__all__ = [
    "FULL_SEGMENTS",
    "MEMORIES",
    "SMALL_SEGMENTS",
    "TARGET",
    "CoverageSettings",
    "coverage_table",
    "simulate_regime",
    "wilson_interval",
]

#: Noise memories of the study: (label, seconds).
MEMORIES: Final[tuple[tuple[str, float], ...]] = (
    ("1 min", 60.0), ("10 min", 600.0), ("1 h", 3600.0), ("2 h", 7200.0), ("4 h", 14400.0),
)
#: Segments per regime of the full study and of the small grid run by the tests.
FULL_SEGMENTS: Final[int] = 300
SMALL_SEGMENTS: Final[int] = 60
_METHODS: Final[tuple[str, ...]] = ("NW", "HAC", "HAC-known")
#: Acceptable coverage of nominal 95 % intervals (the project's requirement, issue 14).
TARGET: Final[tuple[float, float]] = (0.90, 0.98)


@dataclass(frozen=True)
class CoverageSettings:
    """Simulation settings of one coverage study (all SIMULATED).

    Attributes:
        segment_days: Length of each hatch-closed segment.
        rate_hz: Sampling rate.
        open_hours: Open time between segments.
        leak_k_per_day: True leak constant.
        noise_mmhg: Standard deviation of the AR(1) gauge noise.
        quant_step: Gauge quantisation step (mmHg).
        volume_m3: Volume passed to the simulator and the fit.
        temperature_k: Temperature passed to the simulator and the fit.
        level: Nominal confidence level of the intervals.

    Example:
        >>> CoverageSettings().segment_days
        5.0
    """

    segment_days: float = 5.0
    rate_hz: float = 1.0 / 60.0
    open_hours: float = 1.0
    leak_k_per_day: float = 0.2
    noise_mmhg: float = 0.2
    quant_step: float = 0.101
    volume_m3: float = 5.0
    temperature_k: float = 295.15
    level: float = 0.95


def wilson_interval(covered: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion ``covered / n``.

    ``(p + z^2/(2n) -+ z sqrt(p(1-p)/n + z^2/(4n^2))) / (1 + z^2/n)`` with ``z`` the
    standard normal ``(1 + level)/2`` quantile (Wilson 1927).

    Example:
        >>> [round(v, 4) for v in wilson_interval(45, 50)]
        [0.7864, 0.9565]
    """
    if n <= 0 or not 0 <= covered <= n:
        raise TelemetryError(f"wilson_interval: need 0 <= covered <= n and n > 0, got "
                             f"covered={covered}, n={n}")
    z = float(stats.norm.ppf(0.5 + level / 2.0))
    p = covered / n
    den = 1.0 + z * z / n
    mid = p + z * z / (2.0 * n)
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    return (mid - half) / den, (mid + half) / den


def simulate_regime(memory_s: float, n_segments: int, seed: int,
                    settings: CoverageSettings | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SIMULATED telemetry of one regime and its truth table (segment start -> true k).

    Args:
        memory_s: Correlation time of the AR(1) gauge noise, seconds (> 0).
        n_segments: Number of hatch-closed segments.
        seed: Seed of the simulator.
        settings: Simulation settings (default :class:`CoverageSettings`).

    Returns:
        ``(df, truth_segments)`` from :func:`~prkanalysis.telemetry.simulate`.

    Example:
        >>> df, truth = simulate_regime(600.0, 2, seed=1)
        >>> len(truth), df.attrs["simulated"]
        (2, True)
    """
    s = settings or CoverageSettings()
    memory_s = as_real(memory_s, "memory_s", 0.0, lo_open=True)
    n_segments = as_count(n_segments, "n_segments", 1)
    seed = as_count(seed, "seed", 0)
    phi = math.exp(-1.0 / (s.rate_hz * memory_s))
    cycle_days = s.segment_days + s.open_hours / 24.0
    df, truth = simulate(
        duration_days=n_segments * cycle_days - s.open_hours / 48.0, rate_hz=s.rate_hz,
        closed_days=s.segment_days, open_hours=s.open_hours, leak_k_per_day=s.leak_k_per_day,
        noise_mmhg=s.noise_mmhg, ar1_phi=phi, quant_step=s.quant_step,
        volume_m3=s.volume_m3, temperature_k=s.temperature_k, seed=seed,
    )
    return df, truth.segments


def _fit(df: pd.DataFrame, method: str, memory_s: float, s: CoverageSettings) -> pd.DataFrame:
    """Fit every segment with one method of the study."""
    if method == "NW":
        return fit_segments(df, s.volume_m3, s.temperature_k, cov="NW", level=s.level)
    corr = memory_s if method == "HAC-known" else None
    return fit_segments(df, s.volume_m3, s.temperature_k, cov="HAC", corr_time_s=corr,
                        level=s.level)


def coverage_table(
    memories: Sequence[tuple[str, float]] = MEMORIES,
    n_segments: int = SMALL_SEGMENTS,
    seed: int = 2026,
    methods: Sequence[str] = ("NW", "HAC"),
    settings: CoverageSettings | None = None,
) -> pd.DataFrame:
    """Coverage of nominal intervals for ``k`` per noise memory and method (SIMULATED).

    Args:
        memories: ``(label, seconds)`` of the noise memories (regimes).
        n_segments: Segments simulated per regime (the same data for every method).
        seed: Base seed; regime ``i`` uses ``seed + 1000 i``.
        methods: Any of ``"NW"``, ``"HAC"``, ``"HAC-known"`` (module docstring).
        settings: Simulation settings (default :class:`CoverageSettings`).

    Returns:
        One row per regime and method: ``regime``, ``memory_s``, ``method``, ``n``
        (segments fitted), ``covered``, ``coverage``, ``ci_low``, ``ci_high`` (Wilson 95 %),
        ``mean_width_per_day`` (mean ``k_high - k_low``), ``median_k_df``,
        ``median_corr_time_s`` (the HAC's estimate, NaN for NW), ``label`` = SIMULATED.
        ``attrs``: ``simulated``, ``label``, ``level``, ``seed``, ``settings``.

    Example:
        >>> tab = coverage_table([("10 min", 600.0)], n_segments=4, seed=1)
        >>> tab[["method", "n"]].values.tolist(), tab.attrs["label"]
        ([['NW', 4], ['HAC', 4]], 'SIMULATED')
    """
    s = settings or CoverageSettings()
    n_segments = as_count(n_segments, "n_segments", 1)
    seed = as_count(seed, "seed", 0)
    if isinstance(methods, str):
        raise TelemetryError(f"methods: a sequence of method names, got {methods!r}")
    try:
        memories = [(str(lab), as_real(sec, "memories (seconds)", 0.0, lo_open=True))
                    for lab, sec in memories]
    except (TypeError, ValueError):
        raise TelemetryError(f"memories: a sequence of (label, seconds) pairs, got "
                             f"{memories!r}") from None
    bad = [m for m in methods if m not in _METHODS]
    if bad:
        raise TelemetryError(f"methods: unknown {bad}; known: {list(_METHODS)}")
    rows = []
    for i, (label, memory_s) in enumerate(memories):
        df, truth = simulate_regime(float(memory_s), int(n_segments), seed + 1000 * i, s)
        k_true = truth.set_index("start")["k_per_day"]
        for method in methods:
            f = _fit(df, method, float(memory_s), s)
            k = k_true.reindex(f["start"]).to_numpy(dtype=np.float64)
            ok = np.isfinite(k) & np.isfinite(f["k_low"].to_numpy())
            lo, hi = f["k_low"].to_numpy()[ok], f["k_high"].to_numpy()[ok]
            hits = int(np.sum((lo < k[ok]) & (k[ok] < hi)))
            n = int(ok.sum())
            c_lo, c_hi = wilson_interval(hits, n) if n else (math.nan, math.nan)
            rows.append({
                "regime": label, "memory_s": float(memory_s), "method": method, "n": n,
                "covered": hits, "coverage": hits / n if n else math.nan,
                "ci_low": c_lo, "ci_high": c_hi,
                "mean_width_per_day": float(np.mean(hi - lo)) if n else math.nan,
                "median_k_df": float(np.median(f["k_df"].to_numpy()[ok])) if n else math.nan,
                "median_corr_time_s": float(np.nanmedian(f["corr_time_s"].to_numpy()[ok]))
                if n and method != "NW" else math.nan,
                "label": SIMULATED_LABEL,
            })
    out = pd.DataFrame(rows)
    out.attrs.update(simulated=True, label=SIMULATED_LABEL, level=s.level, seed=seed,
                     settings=asdict(s))
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: print the coverage table (small seeded grid, or ``--full``)."""
    ap = argparse.ArgumentParser(
        prog="python -m prkanalysis.telemetry.coverage",
        description="Coverage of nominal 95 % k intervals on SIMULATED segments.")
    ap.add_argument("--full", action="store_true",
                    help=f"{FULL_SEGMENTS} segments per regime (default {SMALL_SEGMENTS})")
    ap.add_argument("--segments", type=int, default=None, help="segments per regime")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--known", action="store_true",
                    help="also the HAC with the true memory given as corr_time_s")
    ap.add_argument("--noise-mmhg", type=float, default=CoverageSettings.noise_mmhg,
                    help="standard deviation of the AR(1) gauge noise (mmHg)")
    ap.add_argument("--csv", default=None, help="also write the table to this CSV file")
    args = ap.parse_args(argv)
    n = args.segments or (FULL_SEGMENTS if args.full else SMALL_SEGMENTS)
    methods = ("NW", "HAC", "HAC-known") if args.known else ("NW", "HAC")
    s = CoverageSettings(noise_mmhg=args.noise_mmhg)
    tab = coverage_table(n_segments=n, seed=args.seed, methods=methods, settings=s)
    print(f"SIMULATED coverage study: {n} segments of {s.segment_days:g} days per regime at "
          f"{s.rate_hz * 60:g}/min, AR(1) noise sd {s.noise_mmhg:g} mmHg + "
          f"{s.quant_step:g} mmHg steps, nominal level {s.level:g}, seed {args.seed}")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(tab.drop(columns=["label"]).to_string(index=False, float_format="%.4g"))
    if args.csv:
        tab.to_csv(args.csv, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
