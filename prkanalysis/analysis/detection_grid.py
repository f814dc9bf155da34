"""The grid of detection limits over hold durations, gauge resolutions and PrK volumes.

One row per combination, each :func:`prkanalysis.episodes.stop_detection_limits` at point
inputs (the one implementation); chapter 03's figure and widget draw it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["detection_limit_table"]


def detection_limit_table(
    durations_h: Sequence[float],
    resolutions_mmhg: Sequence[float],
    volumes_m3: Sequence[float],
    *,
    hold_pressure_mmhg: float = 100.0,
    temperature_k: float = 295.15,
    temperature_drift_k: float | tuple[float, float] = 0.0,
    exponent: float | tuple[float, float] = 1.0,
    station_pressure_mmhg: float = 760.0,
) -> pd.DataFrame:
    """Grid of point detection limits over durations, gauge resolutions and volumes.

    Each row is :func:`prkanalysis.episodes.stop_detection_limits` at point inputs (the one
    implementation; the figure only needs the grid): the largest leak a hold of
    ``duration_h`` at ``hold_pressure_mmhg`` cannot exclude (a NET flow: see
    :func:`prkanalysis.analysis.detection.stop_bound` for the outflow a seal inflow hides).

    Args:
        durations_h: Hold durations, hours.
        resolutions_mmhg: Gauge resolutions, mmHg.
        volumes_m3: PrK volumes, m3.
        hold_pressure_mmhg: Hold pressure.
        temperature_k: Gas temperature, K.
        temperature_drift_k: Unmeasured drift over the hold, K (a number or ``(low, high)``;
            the limit takes the high end).
        exponent: Mass-flow pressure exponent ``n`` (a number or ``(low, high)``; 1 = choked,
            2 = viscous, the July 2021 fit about 1.9) carrying the limit to station pressure.
        station_pressure_mmhg: Station pressure.

    Returns:
        One row per combination with ``duration_h``, ``resolution_mmhg``, ``volume_m3``,
        ``k_per_day``, ``limit_kg_day`` (at hold pressure), ``limit_cabin_kg_day`` (the same
        leak at station pressure, the exponent's middle) and ``limit_cabin_low_kg_day`` /
        ``limit_cabin_high_kg_day`` (its ends).

    Example:
        >>> t = detection_limit_table([24, 240], [1.0], [5.0])
        >>> float(round(t.limit_kg_day.iloc[0] / t.limit_kg_day.iloc[1], 2))  # 10x longer hold
        10.0
    """
    from prkanalysis.episodes import stop_detection_limits

    parts = []
    for res in resolutions_mmhg:
        for vol in volumes_m3:
            drift = (float(max(temperature_drift_k))
                     if isinstance(temperature_drift_k, (tuple, list))
                     else abs(float(temperature_drift_k)))
            n = (tuple(float(x) for x in exponent) if isinstance(exponent, (tuple, list))
                 else float(exponent))
            d = stop_detection_limits(
                float(vol), pressure_mmhg=hold_pressure_mmhg,
                durations_days=[float(h) / 24.0 for h in durations_h],
                gauge_resolution_mmhg=float(res), temperature_k=float(temperature_k),
                temperature_drift_k=drift, exponent=n,  # type: ignore[arg-type]
                station_pressure_mmhg=station_pressure_mmhg)
            parts.append(pd.DataFrame({
                "duration_h": [float(h) for h in durations_h],
                "resolution_mmhg": float(res), "volume_m3": float(vol),
                "k_per_day": d["k_per_day"].to_numpy(),
                "limit_kg_day": d["kg_per_day"].to_numpy(),
                "limit_cabin_kg_day": d["kg_per_day_station"].to_numpy(),
                "limit_cabin_low_kg_day": d["kg_per_day_station_low"].to_numpy(),
                "limit_cabin_high_kg_day": d["kg_per_day_station_high"].to_numpy()}))
    return pd.concat(parts, ignore_index=True)
