"""Compiled loops of the telemetry pipeline (Numba, ``nogil``, cached on disk).

Each module holds the loops of one concern, called by the NumPy-level functions of
:mod:`prkanalysis.telemetry` that define what they compute:

* :mod:`~prkanalysis.telemetry.kernels.flags`: the cleaning flags of
  :func:`~prkanalysis.telemetry.clean.pre_flags` and
  :func:`~prkanalysis.telemetry.clean.flag_arrays`;
* :mod:`~prkanalysis.telemetry.kernels.fit`: the OLS slope and its HAC standard error of
  :func:`~prkanalysis.telemetry.fit.fit_segment`;
* :mod:`~prkanalysis.telemetry.kernels.scan`: the per-partition summaries and strided
  samples of :mod:`~prkanalysis.telemetry.scale`.

The loops release the GIL, so the thread pool of
:func:`~prkanalysis.telemetry.scale.run_pipeline_fast` runs them on every core. They are
compiled on first use and the machine code is cached beside the module (``__pycache__``).
"""

from __future__ import annotations

from pathlib import Path


def warm_up_data(folder: str | Path) -> Path:
    """Three days of SIMULATED 1 Hz telemetry with every defect, as partitioned Parquet.

    Enough to call every kernel once with the argument types the package passes (glitches,
    a frozen stretch, a gap, hatch-closed days); written to ``folder`` unless it exists.
    Used by ``python -m prkanalysis.telemetry.kernels`` and the benchmark's warm-up runs.

    Args:
        folder: Dataset folder.

    Returns:
        ``folder`` as a :class:`~pathlib.Path`.
    """
    from prkanalysis.telemetry import simulate, write_parquet

    root = Path(folder)
    if not root.exists():
        df, _ = simulate(duration_days=3, rate_hz=1.0, closed_days=1, n_glitches=5, n_stale=1,
                         n_gaps=1, ar1_phi=0.3, seed=1)
        write_parquet(df, root)
    return root
