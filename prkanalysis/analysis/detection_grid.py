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
    temperature_drift_k: float = 0.0,
) -> pd.DataFrame:
    """Grid of point detection limits over durations, gauge resolutions and volumes.

    Each row is :func:`prkanalysis.episodes.stop_detection_limits` at point inputs (the one
    implementation; the figure only needs the grid): the largest leak a hold of
    ``duration_h`` at ``hold_pressure_mmhg`` cannot exclude.

    Returns:
        One row per combination with ``duration_h``, ``resolution_mmhg``, ``volume_m3``,
        ``k_per_day``, ``limit_kg_day`` (at hold pressure) and ``limit_cabin_kg_day`` (the
        same hole at 760 mmHg).

    Example:
        >>> t = detection_limit_table([24, 240], [1.0], [5.0])
        >>> float(round(t.limit_kg_day.iloc[0] / t.limit_kg_day.iloc[1], 2))  # 10x longer hold
        10.0
    """
    from prkanalysis.episodes import stop_detection_limits

    parts = []
    for res in resolutions_mmhg:
        for vol in volumes_m3:
            d = stop_detection_limits(
                float(vol), pressure_mmhg=hold_pressure_mmhg,
                durations_days=[float(h) / 24.0 for h in durations_h],
                gauge_resolution_mmhg=float(res), temperature_k=float(temperature_k),
                temperature_drift_k=abs(float(temperature_drift_k)))
            parts.append(pd.DataFrame({
                "duration_h": [float(h) for h in durations_h],
                "resolution_mmhg": float(res), "volume_m3": float(vol),
                "k_per_day": d["k_per_day"].to_numpy(),
                "limit_kg_day": d["kg_per_day"].to_numpy(),
                "limit_cabin_kg_day": d["kg_per_day_station"].to_numpy()}))
    return pd.concat(parts, ignore_index=True)
