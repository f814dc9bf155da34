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
