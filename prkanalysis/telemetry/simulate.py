"""Seeded simulation of PrK hatch-closed pressure telemetry, with known ground truth.

Everything produced here is **SIMULATED**: the DataFrame carries a ``label`` column equal
to ``"SIMULATED"`` and ``attrs["simulated"] = True``; the truth object says so too. It
exists to test the loaders, the cleaning and the estimators against a known answer, and
to benchmark them at scale. It is never evidence.

Model (per hatch-closed segment ``j`` of length ``closed_days``, then ``open_hours`` open):

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
* defects: single-sample glitches, frozen (stale) stretches and gaps (samples removed),
  placed at random inside closed segments.

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
            reference pressure), ``p0_mmhg`` (start pressure, before temperature and noise).
        glitch_times: int64 ns times of the injected glitches that survived (not inside a
            stale stretch or a gap).
        stale: Frozen stretches: ``start``, ``end`` (first and last frozen sample).
        gaps: Removed stretches: ``start`` (first missing time), ``end`` (last missing time).
        params: Every parameter of the run, including the seed.
        simulated: Always ``True``.
        label: Always ``"SIMULATED"``.
    """

    segments: pd.DataFrame
    glitch_times: np.ndarray
    stale: pd.DataFrame
    gaps: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
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
    closed_days: float = 7.0,
    open_hours: float = 0.25,
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
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, SimTruth]:
    """Simulate PrK pressure as arrays (no DataFrame overhead); SIMULATED data.

    See the module docstring for the model. Samples are on a regular grid
    ``start + i / rate_hz`` (minus the gaps).

    Args:
        start: First sample time (UTC).
        duration_days: Length of the run.
        rate_hz: Sampling rate.
        volume_m3: PrK free volume (a parameter: it was never published).
        temperature_k: Mean gas temperature ``T0``.
        leak_k_per_day: Constant leak constant (1/day). Default 0.2 when no history.
        leak_history: Piecewise mass-rate history (:func:`leak_levels`), e.g. ``"record"``.
        inflow_k_per_day: Inflow constant across the hatch seal, toward ``station_mmhg``.
        ref_pressure_mmhg: Reference pressure for the mass-rate <-> k conversion.
        station_mmhg: Station (and open-hatch) pressure.
        target_mmhg: Pressure at which each closed segment starts (default station).
        closed_days: Length of each hatch-closed segment.
        open_hours: Length of each open interval between segments.
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
        seed: Seed of :func:`numpy.random.default_rng`.

    Returns:
        ``(t_ns, p_mmhg, hatch, truth)``: int64 ns times, float64 pressures, int8 hatch state
        (1 closed, 0 open) per sample, and the :class:`SimTruth`.

    Raises:
        TelemetryError: inconsistent parameters (both or neither leak inputs given in a
            conflicting way, non-positive rate or duration, |ar1_phi| >= 1).

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
    if rate_hz <= 0 or duration_days <= 0 or closed_days <= 0 or open_hours < 0:
        raise TelemetryError("rate_hz, duration_days, closed_days must be > 0, open_hours >= 0")
    if not -1.0 < ar1_phi < 1.0:
        raise TelemetryError(f"ar1_phi must be in (-1, 1), got {ar1_phi}")
    rng = np.random.default_rng(seed)
    t0_ns = pd.Timestamp(start, tz="UTC").value if pd.Timestamp(start).tzinfo is None \
        else pd.Timestamp(start).tz_convert("UTC").value
    dt_ns = round(1e9 / rate_hz)
    n = int(np.floor(duration_days * _DAY_S * rate_hz))
    nc = max(round(closed_days * _DAY_S * rate_hz), 1)
    spc = nc + round(open_hours * 3600.0 * rate_hz)
    n_cyc = -(-n // spc)
    target = station_mmhg if target_mmhg is None else float(target_mmhg)
    m_ref = air_mass_kg(ref_pressure_mmhg, volume_m3, temperature_k)

    cyc_start_ns = t0_ns + np.arange(n_cyc, dtype=np.int64) * spc * dt_ns
    if leak_history is not None:
        lv_start, lv_rate = leak_levels(leak_history)
        j = np.searchsorted(lv_start, cyc_start_ns, side="right") - 1
        kg_day = np.where(j >= 0, lv_rate[np.clip(j, 0, None)], 0.0)
        k_day = kg_day / m_ref
    else:
        k_day = np.full(n_cyc, 0.2 if leak_k_per_day is None else float(leak_k_per_day))
        kg_day = k_day * m_ref
    kin = float(inflow_k_per_day)
    ktot_s = (k_day + kin) / _DAY_S
    p_eq = np.where(k_day + kin > 0, kin * station_mmhg / np.where(k_day + kin > 0,
                                                                   k_day + kin, 1.0), target)

    p = np.empty(n, dtype=np.float64)
    hatch = np.empty(n, dtype=np.int8)
    zi = np.zeros(1)
    innov = noise_mmhg * np.sqrt(1.0 - ar1_phi**2)
    for a in range(0, n, _CHUNK):
        b = min(a + _CHUNK, n)
        i = np.arange(a, b, dtype=np.int64)
        cyc = i // spc
        pos = i - cyc * spc
        closed = pos < nc
        tau = pos / rate_hz
        pe = p_eq[cyc]
        val = pe + (target - pe) * np.exp(-ktot_s[cyc] * tau)
        val = np.where(closed, val, station_mmhg)
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

    glitch_idx = np.arange(0)
    if n_glitches > 0:
        ok_idx = _closed_positions(rng, n, spc, nc, 3)
        glitch_idx = np.sort(rng.choice(ok_idx, size=min(n_glitches, ok_idx.size), replace=False))
    if glitch_idx.size:
        p[glitch_idx] += glitch_mmhg * rng.choice([-1.0, 1.0], size=glitch_idx.size)
    stale_rows = _place_stretches(rng, n_stale, round(stale_s * rate_hz), n, spc, nc)
    for s0, s1 in stale_rows:
        p[s0 + 1 : s1 + 1] = p[s0]
    gap_rows = _place_stretches(rng, n_gaps, round(gap_len_s * rate_hz), n, spc, nc)
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

    seg_first = np.arange(n_cyc, dtype=np.int64) * spc
    seg_last = np.minimum(seg_first + nc, n) - 1
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
                  open_hours=open_hours, temp_amplitude_k=temp_amplitude_k, quant_step=quant_step,
                  noise_mmhg=noise_mmhg, ar1_phi=ar1_phi, n_glitches=n_glitches,
                  glitch_mmhg=glitch_mmhg, n_stale=n_stale, stale_s=stale_s, n_gaps=n_gaps,
                  gap_len_s=gap_len_s, seed=seed)
    truth = SimTruth(segs, t_at(g_ok), stale_df, gaps_df, params)
    keep = _keep_ranges(n, gap_rows)
    p = _compact(p, keep)
    hatch = _compact(hatch, keep)
    t_ns = np.empty(p.size, dtype=np.int64)
    w = 0
    for a0, b0 in keep:
        for c0 in range(a0, b0, _CHUNK):
            c1 = min(c0 + _CHUNK, b0)
            t_ns[w : w + c1 - c0] = t_at(np.arange(c0, c1, dtype=np.int64))
            w += c1 - c0
    return t_ns, p, hatch, truth


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


def _closed_positions(
    rng: np.random.Generator, n: int, spc: int, nc: int, margin: int
) -> np.ndarray:
    """Indices inside closed segments at least ``margin`` samples from either end."""
    if nc <= 2 * margin:
        return np.arange(0)
    n_cyc = -(-n // spc)
    base = np.arange(n_cyc, dtype=np.int64)[:, None] * spc
    # sample candidate positions rather than enumerate all of them (memory-lean)
    k = min(n, 200_000)
    cyc = rng.integers(0, n_cyc, size=k)
    pos = rng.integers(margin, nc - margin, size=k)
    idx = base[cyc, 0] + pos
    return np.unique(idx[idx < n - margin])


def _place_stretches(
    rng: np.random.Generator, count: int, length: int, n: int, spc: int, nc: int
) -> list[tuple[int, int]]:
    """Non-overlapping stretches of ``length`` samples inside closed segments."""
    if count <= 0 or length <= 0 or nc <= length + 20:
        return []
    n_cyc = -(-n // spc)
    out: list[tuple[int, int]] = []
    for _ in range(count * 20):
        if len(out) == count:
            break
        c = int(rng.integers(0, n_cyc))
        a = c * spc + int(rng.integers(10, nc - length - 10))
        b = a + length - 1
        if b >= n - 10:
            continue
        if any(not (b + 10 < a2 or a - 10 > b2) for a2, b2 in out):
            continue
        out.append((a, b))
    return sorted(out)


def simulate(**kwargs: Any) -> tuple[pd.DataFrame, SimTruth]:
    """Simulate PrK telemetry as a long table; SIMULATED data (see :func:`simulate_arrays`).

    The table holds channel ``prk_pressure`` (every sample, mmHg) and channel ``prk_hatch``
    (change-driven: the first sample and every change, 1 = closed, 0 = open), a ``label``
    column equal to ``"SIMULATED"``, and ``attrs`` ``simulated=True``, ``label``, ``seed``.

    Args:
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
    change = np.flatnonzero(np.r_[True, hatch[1:] != hatch[:-1]])
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
    df.attrs.update(simulated=True, label=SIMULATED_LABEL, seed=truth.params["seed"])
    return df, truth
