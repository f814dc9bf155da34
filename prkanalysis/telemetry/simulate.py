"""Seeded simulation of PrK hatch-closed pressure telemetry, with known ground truth.

Everything produced here is **SIMULATED**: the DataFrame carries a ``label`` column equal
to ``"SIMULATED"`` and ``attrs["simulated"] = True``; the truth object says so too. It
exists to test the loaders, the cleaning and the estimators against a known answer, and
to benchmark them at scale. It is never evidence.

Model (per cycle ``j``: a closure of ``closed_days`` (fixed, or drawn from a range), a
repressurisation ramp of ``repress_minutes``, then ``open_hours`` open at station pressure):

* leak constant ``k_j`` (1/day) from ``leak_k_per_day`` or from a piecewise mass-rate
  history converted at the reference pressure, ``k = m_dot / (p_ref V M / (R T))``; the
  level in force at the segment's start applies to the whole segment;
* optional inflow across the hatch seal, ``k_in``: ``dp/dt = -k p + k_in (p_st - p)``, so
  ``p(t) = p_eq + (p0 - p_eq) exp(-(k + k_in) t)`` with ``p_eq = k_in p_st / (k + k_in)``;
* each closed segment starts at ``target_mmhg``; while open the PrK is at ``station_mmhg``;
* optional diurnal temperature swing: the gauge reads ``p T(t) / T0`` (isochoric), with
  ``T(t) = T0 + A sin(2 pi t / 1 day)``;
* gauge noise: Gaussian, white or AR(1) with coefficient ``ar1_phi`` (stationary variance
  ``noise_mmhg**2``), then rounding to the quantisation step;
* the ramp rises linearly from the closure's last pressure to ``station_mmhg``;
* defects: single-sample glitches, frozen (stale) stretches and gaps (samples removed),
  placed at random inside closures (glitches also in open periods when the schedule is
  drawn from ranges or has ramps), and rows duplicated at the same time;
* ground truth: every closure's first and last sample and true k, and the true state of
  every sample (closed, open, repressurising, glitch, stale, duplicate).

Generation is closed-form and chunked (fixed 4-million-sample chunks, so the result does not
depend on the machine): 5 years at 1 Hz (158 million samples) take seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from prkanalysis.errors import TelemetryError
from prkanalysis.telemetry.fit import air_mass_kg
from prkanalysis.telemetry.schema import PRK_HATCH, PRK_PRESSURE, SIMULATED_LABEL
from prkanalysis.units import LB_KG

_CHUNK: Final[int] = 4_000_000
_DAY_S: Final[float] = 86400.0

#: Piecewise leak history following the public record, as
#: ``(level_start, kg_per_day, rate_ids, how the level was chosen)``; ``rate_ids`` are rows of
#: ``data/leak_rates.csv``. Where the record has no figure (2021-2023 levels, the hold after
#: June 2025) the level is an assumption stated in the last field. Used by :func:`simulate`
#: with ``leak_history="record"``; the output is SIMULATED, never evidence.
RECORD_LEAK_HISTORY: Final[tuple[tuple[str, float, str, str], ...]] = (
    ("2019-09-01", 0.270, "LR01", "270 g per 24 h when first registered (Sputnik source)"),
    ("2020-08-01", 0.540, "LR02", "540 g per 24 h, rate doubled, first isolation"),
    ("2020-09-15", 1.4, "LR03", "1.4 kg per 24 h after a further 2.5x rise"),
    ("2021-04-15", 1.0 * LB_KG, "LR04;LR08",
     "assumption: about 1 lb/day after the March 2021 sealant ('a little over a pound' in "
     "2021, '1' before Feb 2024); no dated 2022-2023 figure exists"),
    ("2024-02-01", 2.4 * LB_KG, "LR10", "2.4 lb/day after the February 2024 increase (OIG)"),
    ("2024-04-01", 3.7 * LB_KG, "LR11", "3.7 lb/day, April 2024 peak (OIG)"),
    ("2024-09-01", 3.7 * LB_KG * 2.0 / 3.0, "LR13",
     "reduced by about one third from the peak (derived: 3.7 lb x 2/3)"),
    ("2025-06-15", 0.0, "",
     "assumption: zero after the June 2025 repair (pressure 'holding', no number published)"),
    ("2026-05-01", 2.0 * LB_KG, "LR18", "2 lb/day after the May-June 2026 recurrence"),
)


@dataclass(frozen=True, eq=False)
class SimTruth:
    """Ground truth of one SIMULATED telemetry run.

    Attributes:
        segments: One row per hatch-closed segment: ``segment_id``, ``start``, ``end``
            (times of the first and last closed sample), ``n_samples`` (after gap removal),
            ``k_per_day`` (true leak constant), ``kg_per_day`` (true mass rate at the
            reference pressure), ``p0_mmhg`` (start pressure, before temperature and noise),
            ``repress_s`` and ``open_s`` (durations of the ramp and open period after it).
        glitch_times: int64 ns times of the injected glitches that survived (not inside a
            stale stretch or a gap).
        stale: Frozen stretches: ``start``, ``end`` (first and last frozen sample).
        gaps: Removed stretches: ``start`` (first missing time), ``end`` (last missing time).
        params: Every parameter of the run, including the seed.
        state: int8 true state of every returned sample, in the order returned (codes of
            :data:`SAMPLE_STATES`: closed, open, repressurising, glitch, stale, duplicate).
        simulated: Always ``True``.
        label: Always ``"SIMULATED"``.
    """

    segments: pd.DataFrame
    glitch_times: np.ndarray
    stale: pd.DataFrame
    gaps: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    state: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    simulated: bool = True
    label: str = SIMULATED_LABEL

    def __repr__(self) -> str:
        return (
            f"SimTruth[{self.label}](segments={len(self.segments)}, "
            f"glitches={len(self.glitch_times)}, stale={len(self.stale)}, gaps={len(self.gaps)}, "
            f"seed={self.params.get('seed')})"
        )

    def summary(self) -> str:
        """One paragraph: what was simulated and the range of true rates."""
        s = self.segments
        return (
            f"{self.label}: {len(s)} hatch-closed segments, true k "
            f"{s['k_per_day'].min():.4g}-{s['k_per_day'].max():.4g} /day "
            f"({s['kg_per_day'].min():.3g}-{s['kg_per_day'].max():.3g} kg/day at "
            f"{self.params['ref_pressure_mmhg']:g} mmHg, V={self.params['volume_m3']:g} m3); "
            f"{len(self.glitch_times)} glitches, {len(self.stale)} stale stretches, "
            f"{len(self.gaps)} gaps; seed {self.params['seed']}."
        )


def leak_levels(
    history: str | Sequence[tuple[str, float]] | pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray]:
    """Normalise a piecewise leak history to (level start ns, kg/day) arrays.

    Args:
        history: ``"record"`` (:data:`RECORD_LEAK_HISTORY`), a sequence of
            ``(start date, kg_per_day)`` pairs, or a DataFrame with columns ``start`` and
            ``kg_per_day``.

    Returns:
        ``(starts_ns, kg_per_day)``, sorted by start.

    Example:
        >>> s, r = leak_levels([("2024-04-01", 1.7), ("2024-02-01", 1.1)])
        >>> r.tolist()
        [1.1, 1.7]
    """
    if isinstance(history, str):
        if history != "record":
            raise TelemetryError(f"leak_history must be 'record' or a table, got {history!r}")
        pairs = [(d, r) for d, r, _, _ in RECORD_LEAK_HISTORY]
    elif isinstance(history, pd.DataFrame):
        pairs = list(zip(history["start"], history["kg_per_day"], strict=True))
    else:
        pairs = [(d, r) for d, r in history]
    if not pairs:
        raise TelemetryError("leak_history is empty")
    starts = np.array([pd.Timestamp(d, tz="UTC").value if pd.Timestamp(d).tzinfo is None
                       else pd.Timestamp(d).tz_convert("UTC").value for d, _ in pairs])
    rates = np.array([float(r) for _, r in pairs])
    if np.any(rates < 0) or not np.all(np.isfinite(rates)):
        raise TelemetryError(f"leak_history rates must be finite and >= 0: {rates.tolist()}")
    o = np.argsort(starts, kind="stable")
    return starts[o], rates[o]


#: Per-sample true states in :attr:`SimTruth.state` (index = code).
SAMPLE_STATES: Final[tuple[str, ...]] = (
    "closed", "open", "repressurising", "glitch", "stale", "duplicate",
)
CLOSED, OPEN, REPRESSURISING, GLITCH_STATE, STALE_STATE, DUPLICATE_STATE = range(6)
#: Largest number of samples one call may generate (about 16 GB of float64).
MAX_SAMPLES: Final[int] = 2_000_000_000
#: Accepted sampling rates, Hz (one sample per 11.6 days to 1 kHz).
RATE_RANGE_HZ: Final[tuple[float, float]] = (1e-6, 1e3)

Range = float | tuple[float, float]


def _num(name: str, value: Any, lo: float, hi: float, *, lo_open: bool = False,
         hi_open: bool = False, integer: bool = False) -> float:
    """``value`` as a float (or int) checked to lie in ``[lo, hi]`` (open ends as asked).

    Raises:
        TelemetryError: naming the argument, its value and the accepted range.
    """
    lb, rb = ("(" if lo_open else "["), (")" if hi_open else "]")
    rng_txt = f"{lb}{lo:g}, {hi:g}{rb}" + (" (an integer)" if integer else "")
    try:
        if isinstance(value, bool):
            raise TypeError
        x = float(value)
        if integer and (not np.isfinite(x) or x != int(x)):
            raise TypeError
    except (TypeError, ValueError, OverflowError):
        raise TelemetryError(
            f"simulate: argument {name}={value!r} is not a number in {rng_txt}") from None
    ok = np.isfinite(x) and (x > lo if lo_open else x >= lo) and (x < hi if hi_open else x <= hi)
    if not ok:
        raise TelemetryError(f"simulate: argument {name}={value!r} is outside {rng_txt}")
    return x


def _int(name: str, value: Any, lo: int, hi: int) -> int:
    """``value`` as an int checked to lie in ``[lo, hi]`` (see :func:`_num`)."""
    return int(_num(name, value, lo, hi, integer=True))


def _range(name: str, value: Range, lo: float, hi: float, *, lo_open: bool) -> tuple[float, float]:
    """A number or a ``(low, high)`` pair, each end checked by :func:`_num`; low <= high."""
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise TelemetryError(f"simulate: argument {name}={value!r} must be a number or a "
                                 "(low, high) pair")
        a = _num(name, value[0], lo, hi, lo_open=lo_open)
        b = _num(name, value[1], lo, hi, lo_open=lo_open)
        if b < a:
            raise TelemetryError(f"simulate: argument {name}={value!r}: low exceeds high")
        return a, b
    x = _num(name, value, lo, hi, lo_open=lo_open)
    return x, x


def _timestamp_ns(name: str, value: Any) -> int:
    """UTC nanoseconds of a date/time (naive = UTC); a clear error when unparseable."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise TelemetryError(f"simulate: argument {name}={value!r} is not a date/time "
                             f"({exc})") from None
    if ts is pd.NaT:
        raise TelemetryError(f"simulate: argument {name}={value!r} is not a date/time")
    return int((ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")).value)


def _schedule(n: int, rate_hz: float, closed: tuple[float, float], opened: tuple[float, float],
              ramp: tuple[float, float], seed: int) -> tuple[np.ndarray, ...]:
    """Cycles covering ``n`` samples: first sample, closed, ramp and open sample counts.

    A cycle is a closure (decay), a repressurisation ramp, then an open period at station
    pressure. Fixed lengths give the regular grid of earlier versions (``first = j x spc``);
    ranges are drawn uniformly, per cycle, from a generator seeded by ``(seed, 1)`` (so the
    noise and defect draws of a fixed-length run do not change).
    """
    fixed = closed[0] == closed[1] and opened[0] == opened[1] and ramp[0] == ramp[1]
    if fixed:
        nc = max(round(closed[0] * _DAY_S * rate_hz), 1)
        nr = round(ramp[0] * 60.0 * rate_hz)
        no = round(opened[0] * 3600.0 * rate_hz)
        spc = nc + nr + no
        n_cyc = -(-n // spc)
        ones = np.ones(n_cyc, dtype=np.int64)
        return np.arange(n_cyc, dtype=np.int64) * spc, nc * ones, nr * ones, no * ones
    rng = np.random.default_rng([seed, 1])
    mean_spc = (sum(closed) / 2 * _DAY_S + sum(ramp) / 2 * 60.0 + sum(opened) / 2 * 3600.0) \
        * rate_hz
    parts: list[np.ndarray] = []
    total = 0
    while total < n:
        m = int(min(max((n - total) / max(mean_spc, 1.0) * 1.2 + 8, 8), 1e7))
        blk = np.stack([
            np.maximum(np.rint(rng.uniform(*closed, m) * _DAY_S * rate_hz), 1),
            np.rint(rng.uniform(*ramp, m) * 60.0 * rate_hz),
            np.rint(rng.uniform(*opened, m) * 3600.0 * rate_hz),
        ]).astype(np.int64)
        parts.append(blk)
        total += int(blk.sum())
    allc = np.concatenate(parts, axis=1)
    spc = allc.sum(axis=0)
    first = np.r_[0, np.cumsum(spc)[:-1]]
    keep = first < n
    return first[keep], allc[0, keep], allc[1, keep], allc[2, keep]


def simulate_arrays(
    *,
    start: str = "2019-09-01",
    duration_days: float = 30.0,
    rate_hz: float = 1.0,
    volume_m3: float = 5.0,
    temperature_k: float = 295.15,
    leak_k_per_day: float | None = None,
    leak_history: str | Sequence[tuple[str, float]] | pd.DataFrame | None = None,
    inflow_k_per_day: float = 0.0,
    ref_pressure_mmhg: float = 760.0,
    station_mmhg: float = 760.0,
    target_mmhg: float | None = None,
    closed_days: Range = 7.0,
    open_hours: Range = 0.25,
    repress_minutes: Range = 0.0,
    temp_amplitude_k: float = 0.0,
    quant_step: float = 0.101,
    noise_mmhg: float = 0.05,
    ar1_phi: float = 0.0,
    n_glitches: int = 0,
    glitch_mmhg: float = 3.0,
    n_stale: int = 0,
    stale_s: float = 3600.0,
    n_gaps: int = 0,
    gap_len_s: float = 7200.0,
    n_duplicates: int = 0,
    k_jitter: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, SimTruth]:
    """Simulate PrK pressure as arrays (no DataFrame overhead); SIMULATED data.

    See the module docstring for the model. Samples are on a regular grid
    ``start + i / rate_hz`` (minus the gaps, plus the duplicated rows).

    Args:
        start: First sample time (UTC).
        duration_days: Length of the run.
        rate_hz: Sampling rate (1e-6 to 1000 Hz).
        volume_m3: PrK free volume (a parameter: it was never published).
        temperature_k: Mean gas temperature ``T0``.
        leak_k_per_day: Constant leak constant (1/day). Default 0.2 when no history.
        leak_history: Piecewise mass-rate history (:func:`leak_levels`), e.g. ``"record"``;
            a two-row history is a step in k on a known date.
        inflow_k_per_day: Inflow constant across the hatch seal, toward ``station_mmhg``.
        ref_pressure_mmhg: Reference pressure for the mass-rate <-> k conversion.
        station_mmhg: Station (and open-hatch) pressure.
        target_mmhg: Pressure at which each closed segment starts (default station).
        closed_days: Length of each closure, or a ``(low, high)`` range drawn per closure.
        open_hours: Length of each open period (at station pressure), or a range.
        repress_minutes: Duration of the repressurisation ramp that ends each closure
            (linear from the closure's last pressure to the station's), or a range; 0 = a
            step (the earlier model).
        temp_amplitude_k: Diurnal temperature amplitude (K).
        quant_step: Gauge quantisation step, mmHg (0 for none).
        noise_mmhg: Gauge noise standard deviation, mmHg.
        ar1_phi: AR(1) coefficient of the noise (0 = white).
        n_glitches: Single-sample glitches to inject (``+-glitch_mmhg``).
        glitch_mmhg: Glitch size.
        n_stale: Frozen stretches of ``stale_s`` seconds.
        stale_s: Length of each frozen stretch.
        n_gaps: Gaps of ``gap_len_s`` seconds (samples removed).
        gap_len_s: Length of each gap.
        n_duplicates: Rows repeated right after their original (same time): half exact
            copies, half a second reading of the gauge (fresh noise).
        k_jitter: Closure-to-closure variation of the leak constant: each closure's k is
            multiplied by ``exp(N(0, k_jitter^2))`` (drawn from a generator seeded by
            ``(seed, 3)``; 0 = none).
        seed: Seed of :func:`numpy.random.default_rng`.

    Returns:
        ``(t_ns, p_mmhg, hatch, truth)``: int64 ns times, float64 pressures, int8 hatch state
        (1 closed, 0 open or repressurising) per sample, and the :class:`SimTruth` whose
        ``state`` gives every returned sample's true state (:data:`SAMPLE_STATES`).

    Raises:
        TelemetryError: an argument outside its accepted range (named, with its value and
            the range), both leak inputs, an unparseable ``start``, or more defects than
            fit in the run.

    Example:
        >>> t, p, h, truth = simulate_arrays(duration_days=2, rate_hz=0.01, closed_days=1,
        ...                                  leak_k_per_day=0.2, noise_mmhg=0, quant_step=0)
        >>> len(t), h[:2].tolist(), round(float(p[0]), 3)
        (1728, [1, 1], 760.0)
        >>> truth.segments["k_per_day"].round(3).tolist()
        [0.2, 0.2]
    """
    if leak_k_per_day is not None and leak_history is not None:
        raise TelemetryError("give leak_k_per_day or leak_history, not both")
    t0_ns = _timestamp_ns("start", start)
    rate_hz = _num("rate_hz", rate_hz, *RATE_RANGE_HZ)
    duration_days = _num("duration_days", duration_days, 0.0, 1e5, lo_open=True)
    volume_m3 = _num("volume_m3", volume_m3, 0.0, 1e6, lo_open=True)
    temperature_k = _num("temperature_k", temperature_k, 0.0, 1e4, lo_open=True)
    if leak_k_per_day is not None:
        leak_k_per_day = _num("leak_k_per_day", leak_k_per_day, 0.0, 1e3)
    inflow_k_per_day = _num("inflow_k_per_day", inflow_k_per_day, 0.0, 1e3)
    ref_pressure_mmhg = _num("ref_pressure_mmhg", ref_pressure_mmhg, 0.0, 1e5, lo_open=True)
    station_mmhg = _num("station_mmhg", station_mmhg, 0.0, 1e5, lo_open=True)
    if target_mmhg is not None:
        target_mmhg = _num("target_mmhg", target_mmhg, 0.0, 1e5, lo_open=True)
    closed_r = _range("closed_days", closed_days, 0.0, 1e5, lo_open=True)
    open_r = _range("open_hours", open_hours, 0.0, 1e6, lo_open=False)
    ramp_r = _range("repress_minutes", repress_minutes, 0.0, 1e5, lo_open=False)
    temp_amplitude_k = _num("temp_amplitude_k", temp_amplitude_k, 0.0, temperature_k,
                            hi_open=True)
    quant_step = _num("quant_step", quant_step, 0.0, 1e3)
    noise_mmhg = _num("noise_mmhg", noise_mmhg, 0.0, 1e3)
    ar1_phi = _num("ar1_phi", ar1_phi, -1.0, 1.0, lo_open=True, hi_open=True)
    glitch_mmhg = _num("glitch_mmhg", glitch_mmhg, -1e4, 1e4)
    stale_s = _num("stale_s", stale_s, 0.0, 1e9, lo_open=True)
    gap_len_s = _num("gap_len_s", gap_len_s, 0.0, 1e9, lo_open=True)
    seed = _int("seed", seed, 0, 2**63 - 1)
    n_f = np.floor(duration_days * _DAY_S * rate_hz)
    if not 1 <= n_f <= MAX_SAMPLES:
        raise TelemetryError(
            f"simulate: duration_days={duration_days!r} at rate_hz={rate_hz!r} gives {n_f:.0f} "
            f"samples; accepted 1 to {MAX_SAMPLES:,}")
    n = int(n_f)
    n_glitches = _int("n_glitches", n_glitches, 0, n)
    n_duplicates = _int("n_duplicates", n_duplicates, 0, n)
    for name, count, length_s in (("n_stale", n_stale, stale_s), ("n_gaps", n_gaps, gap_len_s)):
        room = n // (round(length_s * rate_hz) + 21)
        _int(name, count, 0, room)
    n_stale, n_gaps = int(n_stale), int(n_gaps)

    rng = np.random.default_rng(seed)
    dt_ns = round(1e9 / rate_hz)
    first, ncs, nrs, nos = _schedule(n, rate_hz, closed_r, open_r, ramp_r, seed)
    spcs = ncs + nrs + nos
    regular = bool(np.all(spcs == spcs[0]))
    n_cyc = first.size
    target = station_mmhg if target_mmhg is None else float(target_mmhg)
    m_ref = air_mass_kg(ref_pressure_mmhg, volume_m3, temperature_k)

    cyc_start_ns = t0_ns + first * dt_ns
    if leak_history is not None:
        lv_start, lv_rate = leak_levels(leak_history)
        j = np.searchsorted(lv_start, cyc_start_ns, side="right") - 1
        kg_day = np.where(j >= 0, lv_rate[np.clip(j, 0, None)], 0.0)
        k_day = kg_day / m_ref
    else:
        k_day = np.full(n_cyc, 0.2 if leak_k_per_day is None else float(leak_k_per_day))
        kg_day = k_day * m_ref
    k_jitter = _num("k_jitter", k_jitter, 0.0, 3.0)
    if k_jitter > 0:
        jit = np.exp(k_jitter * np.random.default_rng([seed, 3]).standard_normal(n_cyc))
        k_day, kg_day = k_day * jit, kg_day * jit
    kin = float(inflow_k_per_day)
    ktot_s = (k_day + kin) / _DAY_S
    p_eq = np.where(k_day + kin > 0, kin * station_mmhg / np.where(k_day + kin > 0,
                                                                   k_day + kin, 1.0), target)
    # pressure at the end of each closure (start of its ramp), before temperature and noise
    p_last = p_eq + (target - p_eq) * np.exp(-ktot_s * ncs / rate_hz)

    p = np.empty(n, dtype=np.float64)
    hatch = np.empty(n, dtype=np.int8)
    state = np.empty(n, dtype=np.int8)
    zi = np.zeros(1)
    innov = noise_mmhg * np.sqrt(1.0 - ar1_phi**2)
    spc0 = int(spcs[0])
    for a in range(0, n, _CHUNK):
        b = min(a + _CHUNK, n)
        i = np.arange(a, b, dtype=np.int64)
        if regular:
            cyc = i // spc0
            pos = i - cyc * spc0
        else:
            cyc = np.searchsorted(first, i, side="right") - 1
            pos = i - first[cyc]
        nc_i = ncs[cyc]
        closed = pos < nc_i
        tau = pos / rate_hz
        pe = p_eq[cyc]
        val = pe + (target - pe) * np.exp(-ktot_s[cyc] * tau)
        val = np.where(closed, val, station_mmhg)
        st = np.where(closed, CLOSED, OPEN).astype(np.int8)
        if nrs.any():
            nr_i = nrs[cyc]
            ramp = ~closed & (pos < nc_i + nr_i)
            frac = (pos - nc_i + 1) / (nr_i + 1.0)
            pl = p_last[cyc]
            val = np.where(ramp, pl + (station_mmhg - pl) * frac, val)
            st[ramp] = REPRESSURISING
        if temp_amplitude_k:
            ts = i / rate_hz
            val *= 1.0 + temp_amplitude_k / temperature_k * np.sin(2 * np.pi * ts / _DAY_S
                                                                   + 2 * np.pi * (t0_ns / 1e9)
                                                                   / _DAY_S)
        if noise_mmhg > 0:
            e = rng.standard_normal(b - a)
            if ar1_phi:
                if a == 0:
                    e[0] *= noise_mmhg
                    e[1:] *= innov
                    e[1:], zi = lfilter([1.0], [1.0, -ar1_phi], e[1:], zi=ar1_phi * e[:1])
                else:
                    e *= innov
                    e, zi = lfilter([1.0], [1.0, -ar1_phi], e, zi=zi)
                val += e
            else:
                val += noise_mmhg * e
        if quant_step > 0:
            val = np.rint(val / quant_step) * quant_step
        p[a:b] = val
        hatch[a:b] = closed
        state[a:b] = st

    glitch_idx = np.arange(0)
    if n_glitches > 0:
        ok_idx = _fault_positions(rng, n, first, ncs, nrs, spcs, 3, include_open=not regular
                                  or bool(nrs.any()))
        glitch_idx = np.sort(rng.choice(ok_idx, size=min(n_glitches, ok_idx.size), replace=False))
    if glitch_idx.size:
        p[glitch_idx] += glitch_mmhg * rng.choice([-1.0, 1.0], size=glitch_idx.size)
        state[glitch_idx] = GLITCH_STATE
    stale_rows = _place_stretches(rng, n_stale, round(stale_s * rate_hz), n, first, ncs)
    for s0, s1 in stale_rows:
        p[s0 + 1 : s1 + 1] = p[s0]
        state[s0 + 1 : s1 + 1] = STALE_STATE
    gap_rows = _place_stretches(rng, n_gaps, round(gap_len_s * rate_hz), n, first, ncs)
    g_ok = glitch_idx
    # a glitch inside a frozen stretch or a gap, or next to a gap or another glitch, has no
    # clean neighbours: it is not a single-sample glitch any more
    for a0, b0 in stale_rows:
        g_ok = g_ok[(g_ok < a0) | (g_ok > b0)]
    for a0, b0 in gap_rows:
        g_ok = g_ok[(g_ok < a0 - 1) | (g_ok > b0 + 1)]
    if g_ok.size:
        g_ok = g_ok[(np.diff(np.r_[-10, g_ok]) > 2) & (np.diff(np.r_[g_ok, n + 10]) > 2)]

    def t_at(i: np.ndarray | int | list[int]) -> np.ndarray:
        return t0_ns + np.asarray(i, dtype=np.int64) * dt_ns

    seg_first = first
    seg_last = np.minimum(seg_first + ncs, n) - 1
    n_seg = seg_last - seg_first + 1
    for a0, b0 in gap_rows:
        n_seg -= np.maximum(0, np.minimum(seg_last, b0) - np.maximum(seg_first, a0) + 1)
    segs = pd.DataFrame({
        "segment_id": np.arange(n_cyc),
        "start": pd.to_datetime(t_at(seg_first), utc=True),
        "end": pd.to_datetime(t_at(seg_last), utc=True),
        "n_samples": n_seg,
        "k_per_day": k_day,
        "kg_per_day": kg_day,
        "p0_mmhg": np.full(n_cyc, target),
        "repress_s": nrs / rate_hz,
        "open_s": nos / rate_hz,
    })
    stale_df = pd.DataFrame({
        "start": pd.to_datetime(t_at([a for a, _ in stale_rows]), utc=True),
        "end": pd.to_datetime(t_at([b for _, b in stale_rows]), utc=True),
    })
    gaps_df = pd.DataFrame({
        "start": pd.to_datetime(t_at([a for a, _ in gap_rows]), utc=True),
        "end": pd.to_datetime(t_at([b for _, b in gap_rows]), utc=True),
    })
    params = dict(start=start, duration_days=duration_days, rate_hz=rate_hz, volume_m3=volume_m3,
                  temperature_k=temperature_k, leak_k_per_day=leak_k_per_day,
                  leak_history=leak_history if isinstance(leak_history, str) else
                  (None if leak_history is None else "table"),
                  inflow_k_per_day=inflow_k_per_day, ref_pressure_mmhg=ref_pressure_mmhg,
                  station_mmhg=station_mmhg, target_mmhg=target, closed_days=closed_days,
                  open_hours=open_hours, repress_minutes=repress_minutes,
                  temp_amplitude_k=temp_amplitude_k, quant_step=quant_step,
                  noise_mmhg=noise_mmhg, ar1_phi=ar1_phi, n_glitches=n_glitches,
                  glitch_mmhg=glitch_mmhg, n_stale=n_stale, stale_s=stale_s, n_gaps=n_gaps,
                  gap_len_s=gap_len_s, n_duplicates=n_duplicates, k_jitter=k_jitter,
                  seed=seed)
    keep = _keep_ranges(n, gap_rows)
    p = _compact(p, keep)
    hatch = _compact(hatch, keep)
    state = _compact(state, keep)
    t_ns = np.empty(p.size, dtype=np.int64)
    w = 0
    for a0, b0 in keep:
        for c0 in range(a0, b0, _CHUNK):
            c1 = min(c0 + _CHUNK, b0)
            t_ns[w : w + c1 - c0] = t_at(np.arange(c0, c1, dtype=np.int64))
            w += c1 - c0
    if n_duplicates:
        t_ns, p, hatch, state = _duplicate_rows(t_ns, p, hatch, state, int(n_duplicates),
                                                noise_mmhg, quant_step, seed)
    truth = SimTruth(segs, t_at(g_ok), stale_df, gaps_df, params, state=state)
    return t_ns, p, hatch, truth


def _duplicate_rows(t: np.ndarray, p: np.ndarray, h: np.ndarray, s: np.ndarray, m: int,
                    noise: float, step: float, seed: int) -> tuple[np.ndarray, ...]:
    """Insert ``m`` rows right after randomly chosen rows, at the same time (SIMULATED).

    Half are exact copies; the other half are a second reading (fresh Gaussian noise of
    ``noise`` sd, quantised to ``step``). Drawn from a generator seeded by ``(seed, 2)``.
    """
    rng = np.random.default_rng([seed, 2])
    m = min(m, t.size)
    idx = np.sort(rng.choice(t.size, size=m, replace=False))
    val = p[idx].copy()
    second = rng.random(m) < 0.5
    val[second] += noise * rng.standard_normal(int(second.sum()))
    if step > 0:
        val[second] = np.rint(val[second] / step) * step
    at = idx + 1
    return (np.insert(t, at, t[idx]), np.insert(p, at, val), np.insert(h, at, h[idx]),
            np.insert(s, at, np.int8(DUPLICATE_STATE)))


def _keep_ranges(n: int, gaps: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open index ranges outside the (inclusive, sorted) gap stretches."""
    out, a = [], 0
    for g0, g1 in gaps:
        if g0 > a:
            out.append((a, g0))
        a = g1 + 1
    if a < n:
        out.append((a, n))
    return out


def _compact(arr: np.ndarray, keep: list[tuple[int, int]]) -> np.ndarray:
    """Move the kept ranges to the front in place (chunk by chunk); return the used view."""
    if len(keep) == 1 and keep[0] == (0, arr.size):
        return arr
    w = 0
    for a0, b0 in keep:
        for c0 in range(a0, b0, _CHUNK):
            c1 = min(c0 + _CHUNK, b0)
            if w != c0:
                arr[w : w + c1 - c0] = arr[c0:c1]
            w += c1 - c0
    return arr[:w]


def _fault_positions(
    rng: np.random.Generator, n: int, first: np.ndarray, nc: np.ndarray, nr: np.ndarray,
    spc: np.ndarray, margin: int, *, include_open: bool
) -> np.ndarray:
    """Indices at least ``margin`` samples from any change of state.

    Inside closures, and with ``include_open`` inside open periods too (never on a ramp).
    """
    hi = int(spc.max() if include_open else nc.max()) - margin
    if hi <= margin:
        return np.arange(0)
    n_cyc = first.size
    # sample candidate positions rather than enumerate all of them (memory-lean)
    k = min(n, 200_000)
    cyc = rng.integers(0, n_cyc, size=k)
    pos = rng.integers(margin, hi, size=k)
    ok = pos < nc[cyc] - margin
    if include_open:
        ok |= (pos >= nc[cyc] + nr[cyc] + margin) & (pos < spc[cyc] - margin)
    idx = first[cyc] + pos
    return np.unique(idx[ok & (idx < n - margin)])


def _place_stretches(
    rng: np.random.Generator, count: int, length: int, n: int, first: np.ndarray,
    nc: np.ndarray
) -> list[tuple[int, int]]:
    """Non-overlapping stretches of ``length`` samples inside closures (best effort)."""
    if count <= 0 or length <= 0 or nc.max() <= length + 20:
        return []
    n_cyc = first.size
    out: list[tuple[int, int]] = []
    for _ in range(count * 20):
        if len(out) == count:
            break
        c = int(rng.integers(0, n_cyc))
        if nc[c] <= length + 20:
            continue
        a = int(first[c]) + int(rng.integers(10, int(nc[c]) - length - 10))
        b = a + length - 1
        if b >= n - 10:
            continue
        if any(not (b + 10 < a2 or a - 10 > b2) for a2, b2 in out):
            continue
        out.append((a, b))
    return sorted(out)


def simulate(*, hatch_channel: bool = True, **kwargs: Any) -> tuple[pd.DataFrame, SimTruth]:
    """Simulate PrK telemetry as a long table; SIMULATED data (see :func:`simulate_arrays`).

    The table holds channel ``prk_pressure`` (every sample, mmHg) and, unless
    ``hatch_channel=False``, channel ``prk_hatch`` (change-driven: the first sample and
    every change, 1 = closed, 0 = open), a ``label`` column equal to ``"SIMULATED"``, and
    ``attrs`` ``simulated=True``, ``label``, ``seed``. The pressure rows are first, in the
    order of ``truth.state``.

    Args:
        hatch_channel: Include the ``prk_hatch`` channel (public ISS telemetry has none).
        **kwargs: The keyword arguments of :func:`simulate_arrays`.

    Returns:
        ``(df, truth)``.

    Example:
        >>> df, truth = simulate(duration_days=3, rate_hz=0.01, closed_days=1, seed=1)
        >>> df["label"].unique().tolist(), df.attrs["simulated"]
        (['SIMULATED'], True)
        >>> df["channel"].value_counts().to_dict()
        {'prk_pressure': 2592, 'prk_hatch': 5}
    """
    t_ns, p, hatch, truth = simulate_arrays(**kwargs)
    if hatch_channel:
        change = np.flatnonzero(np.r_[True, (hatch[1:] != hatch[:-1]) & (t_ns[1:] != t_ns[:-1])])
    else:
        change = np.arange(0)
    n_p, n_h = t_ns.size, change.size
    time = np.concatenate([t_ns, t_ns[change]])
    codes = np.r_[np.zeros(n_p, np.int8), np.ones(n_h, np.int8)]
    df = pd.DataFrame({
        "time": pd.DatetimeIndex(time.view("datetime64[ns]")).tz_localize("UTC"),
        "channel": pd.Categorical.from_codes(codes, pd.Index([PRK_PRESSURE, PRK_HATCH])),
        "value": np.concatenate([p, hatch[change].astype(np.float64)]),
        "unit": pd.Categorical.from_codes(codes, pd.Index(["mmHg", "1"])),
        "label": pd.Categorical.from_codes(np.zeros_like(codes), pd.Index([SIMULATED_LABEL])),
    })
    df.attrs.update(simulated=True, label=SIMULATED_LABEL, seed=truth.params["seed"],
                    hatch_channel=bool(hatch_channel))
    return df, truth
