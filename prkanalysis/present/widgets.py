"""Widgets that redraw a chapter's main figures (JupyterLab); headless they draw once.

Without a frontend (the report, tests) a widget renders as its text repr and the figure is
drawn once with the initial values, so nothing blocks or errors. The widgets select nothing
themselves: the rate filter is :func:`prkanalysis.analysis.rates.select_trusted`, the
detection grid :func:`prkanalysis.analysis.detection_grid.detection_limit_table`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from prkanalysis.analysis.detection_grid import detection_limit_table
from prkanalysis.analysis.judgements import check_grades, defaults
from prkanalysis.analysis.rates import select_trusted

__all__ = ["interactive_detection_limits", "interactive_timeline"]


def interactive_timeline(
    clean: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    allowance_kg_day: float | None = None,
    grades: Iterable[str] | None = None,
    include_derived: bool | None = None,
    display_now: bool = True,
) -> Any:
    """Widgets (grade filter, derived toggle) that redraw the rate timeline.

    Without a frontend (headless execution, tests) the widgets render as their text repr and
    the figure is drawn once with the defaults, so nothing blocks or errors.

    Args:
        clean: Cleaned rates (all grades; the widget filters).
        events: Events for the annotation strip.
        allowance_kg_day: Reference line.
        grades: Initial grades (``None``: the judgement default).
        include_derived: Initial derived toggle (``None``: the judgement default).
        display_now: Display the widget box immediately.

    Returns:
        The ``ipywidgets.VBox`` holding the controls and the output area.
    """
    import ipywidgets as w
    from IPython.display import display

    from prkanalysis import figures

    j = defaults()
    grades = j.grades if grades is None else check_grades(grades)
    include_derived = j.include_derived if include_derived is None else include_derived
    grade_box = w.SelectMultiple(options=["P", "T", "A"], value=tuple(grades),
                                 description="grades")
    derived_box = w.Checkbox(value=include_derived, description="include derived")
    out = w.Output()

    def _draw(*_: Any) -> None:
        out.clear_output(wait=True)
        with out:
            sel, _audit = select_trusted(clean, grades=grade_box.value or ("P",),
                                    include_derived=derived_box.value, keep_duplicates=True)
            if sel.empty:
                print("no rate matches this filter")
                return
            display(figures.rate_timeline(sel, events, allowance_kg_day=allowance_kg_day))

    grade_box.observe(_draw, names="value")
    derived_box.observe(_draw, names="value")
    _draw()
    box = w.VBox([w.HBox([grade_box, derived_box]), out])
    if display_now:
        display(box)
    return box


def interactive_detection_limits(
    *,
    durations_h: Sequence[float],
    references: Mapping[str, float] | None = None,
    hold_pressure_mmhg: float = 100.0,
    display_now: bool = True,
    exponent: float | tuple[float, float] = 1.0,
    volume_m3: tuple[float, float] = (3.0, 8.0),
    temperature_drift_k: float | tuple[float, float] = 0.0,
) -> Any:
    """Sliders (PrK volume, temperature, gauge resolution) that redraw the detection limit.

    Args:
        durations_h: Hold durations on the x axis.
        references: Reference rates (label -> kg/day).
        hold_pressure_mmhg: PrK pressure during the hold.
        display_now: Display the widget box immediately.
        exponent: Mass-flow pressure exponent (number or interval) carrying the limit to
            station pressure; with it the figure draws the station-pressure limit (the
            references are station-pressure rates).
        volume_m3: Range of the volume slider, m3.
        temperature_drift_k: Unmeasured temperature drift over the hold, K.

    Returns:
        The ``ipywidgets.VBox``.
    """
    import ipywidgets as w
    from IPython.display import display

    from prkanalysis import figures

    v_lo, v_hi = float(min(volume_m3)), float(max(volume_m3))
    vol = w.FloatSlider(value=(v_lo + v_hi) / 2, min=v_lo, max=v_hi, step=(v_hi - v_lo) / 20 or 0.1,
                        description="PrK m³")
    temp = w.FloatSlider(value=295.15, min=283.0, max=310.0, step=0.5, description="T (K)")
    res = w.FloatLogSlider(value=1.0, base=10, min=-2, max=1, step=0.25, description="gauge mmHg")
    out = w.Output()

    def _draw(*_: Any) -> None:
        out.clear_output(wait=True)
        with out:
            tbl = detection_limit_table(durations_h, [res.value], [vol.value],
                                        hold_pressure_mmhg=hold_pressure_mmhg,
                                        temperature_k=temp.value, exponent=exponent,
                                        temperature_drift_k=temperature_drift_k)
            display(figures.detection_limits(
                tbl, references=references, y="limit_cabin_high_kg_day",
                ylabel="largest undetectable net leak at station pressure (kg/day, log scale)"))

    for ctl in (vol, temp, res):
        ctl.observe(_draw, names="value")
    _draw()
    box = w.VBox([w.HBox([vol, temp, res]), out])
    if display_now:
        display(box)
    return box
