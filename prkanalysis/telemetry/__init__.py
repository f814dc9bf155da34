"""Telemetry: loaders, cleaning, segmentation, per-segment decay fits and a simulator.

The long format (``time``, ``channel``, ``value``, ``unit``) is documented in
:mod:`prkanalysis.telemetry.schema` and in ``prkanalysis/telemetry/README.md``. Array-level
cores (:func:`clean_arrays`, :func:`segment_arrays`, :func:`fit_arrays`,
:func:`simulate_arrays`) take and return NumPy arrays so that a partitioned (Dask) path can
call them per partition. Simulated output is always labelled ``SIMULATED``.
"""

from __future__ import annotations

from prkanalysis.telemetry.clean import (
    CODES,
    CleanAudit,
    auto_glitch_k,
    clean,
    clean_arrays,
    codes_table,
    detect_step,
    flag_arrays,
    glitch_threshold,
    pre_flags,
    robust_scale,
    stale_run_length,
)
from prkanalysis.telemetry.dating import date_break
from prkanalysis.telemetry.fit import (
    air_mass_kg,
    fit_arrays,
    fit_segment,
    fit_segments,
    newey_west_lags,
)
from prkanalysis.telemetry.io import (
    infer_unit,
    isslive_hours_to_ns,
    read_csv_telemetry,
    read_isslive,
    read_parquet,
    write_parquet,
)
from prkanalysis.telemetry.schema import (
    CHANNELS,
    COLUMNS,
    PRK_HATCH,
    PRK_PRESSURE,
    SIMULATED_LABEL,
    make_frame,
    validate_schema,
)
from prkanalysis.telemetry.segments import (
    assign_segments,
    closed_ranges,
    hatch_changes,
    hinge_onset,
    onset_ranges,
    rise_events,
    segment_arrays,
    segments,
)
from prkanalysis.telemetry.simulate import (
    RECORD_LEAK_HISTORY,
    SAMPLE_STATES,
    SimTruth,
    leak_levels,
    simulate,
    simulate_arrays,
)

__all__ = [
    "CHANNELS",
    "CODES",
    "COLUMNS",
    "PRK_HATCH",
    "PRK_PRESSURE",
    "RECORD_LEAK_HISTORY",
    "SAMPLE_STATES",
    "SIMULATED_LABEL",
    "CleanAudit",
    "SimTruth",
    "air_mass_kg",
    "assign_segments",
    "auto_glitch_k",
    "clean",
    "clean_arrays",
    "closed_ranges",
    "codes_table",
    "date_break",
    "detect_step",
    "fit_arrays",
    "fit_segment",
    "fit_segments",
    "flag_arrays",
    "glitch_threshold",
    "hatch_changes",
    "hinge_onset",
    "infer_unit",
    "isslive_hours_to_ns",
    "leak_levels",
    "make_frame",
    "newey_west_lags",
    "onset_ranges",
    "pre_flags",
    "read_csv_telemetry",
    "read_isslive",
    "read_parquet",
    "rise_events",
    "robust_scale",
    "segment_arrays",
    "segments",
    "simulate",
    "simulate_arrays",
    "stale_run_length",
    "validate_schema",
    "write_parquet",
]
