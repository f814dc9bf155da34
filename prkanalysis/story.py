"""Chapter glue shared by the notebooks: parameters, selections, widgets, findings.

The chapters compute every number through the package's single implementations:
record-derived estimates in :mod:`prkanalysis.episodes` (decay constants, implied volume,
hole sizes, 2024 ratios, air lost, detection limits of a hold), interval ratios in
:func:`prkanalysis.models.growth.rate_ratio`, physics in :mod:`prkanalysis.physics`. This
module holds only what belongs to the story: checking the parameters cell, selecting the rates
a chapter trusts, looking up a constant, formatting numbers for prose, the widgets that redraw
the main figures, and the ``findings`` Markdown. Nothing here types in a figure.

Example:
    >>> validate_params(volume_m3=5.0)["volume_m3"], fmt(2.4999)
    (5.0, '2.5')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from prkanalysis import units
from prkanalysis.errors import PrkError

__all__ = [
    "constant",
    "count_word",
    "detection_limit_table",
    "findings_markdown",
    "fmt",
    "interactive_detection_limits",
    "interactive_timeline",
    "prose",
    "select_rates",
    "validate_params",
]


def _check_range(name: str, value: float, low: float, high: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise PrkError(f"parameter {name}={value!r} is not a number") from exc
    if not (low <= v <= high) or math.isnan(v):
        raise PrkError(f"parameter {name}={v:g} is outside the allowed range {low:g}..{high:g}")
    return v


def validate_params(
    *,
    volume_m3: float = 5.0,
    temperature_k: float = 295.15,
    grades: Iterable[str] = ("P", "T"),
    gauge_resolution_mmhg: float = 1.0,
) -> dict[str, Any]:
    """Check the chapter parameters and return them normalised.

    Ranges: PrK free volume 3-8 m³ (the volume is unpublished, SPEC section 4), cabin
    temperature 283-310 K, grades a non-empty subset of {P, T, A}, gauge resolution 0.001-50
    mmHg.

    Args:
        volume_m3: Assumed PrK free volume.
        temperature_k: Cabin temperature.
        grades: Source grades to trust.
        gauge_resolution_mmhg: Smallest pressure change the PrK gauge shows.

    Returns:
        ``{"volume_m3", "temperature_k", "grades" (sorted tuple), "gauge_resolution_mmhg"}``.

    Raises:
        PrkError: Naming the parameter that is out of range.

    Example:
        >>> validate_params(grades={"T", "P"})["grades"]
        ('P', 'T')
        >>> validate_params(volume_m3=12)
        Traceback (most recent call last):
        ...
        prkanalysis.errors.PrkError: parameter volume_m3=12 is outside the allowed range 3..8
    """
    g = tuple(sorted({str(x).upper() for x in grades}))
    if not g or not set(g) <= {"P", "T", "A"}:
        raise PrkError(f"parameter grades={grades!r} must be a non-empty subset of P, T, A")
    return {
        "volume_m3": _check_range("volume_m3", volume_m3, 3.0, 8.0),
        "temperature_k": _check_range("temperature_k", temperature_k, 283.0, 310.0),
        "grades": g,
        "gauge_resolution_mmhg": _check_range(
            "gauge_resolution_mmhg", gauge_resolution_mmhg, 0.001, 50.0
        ),
    }


def fmt(x: float, digits: int = 2) -> str:
    """Format a computed number for prose: ``digits`` significant figures, no exponent.

    Example:
        >>> fmt(1.67829), fmt(0.0123456, 3), fmt(float("inf"))
        ('1.7', '0.0123', 'unbounded')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if math.isinf(x):
        return "unbounded"
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    dec = max(0, digits - 1 - mag)
    return f"{x:,.{dec}f}"


_COUNT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve")


def count_word(n: int, *, capital: bool = False) -> str:
    """Spell a computed count for prose: words up to twelve, digits above (thousands grouped).

    Example:
        >>> count_word(5), count_word(2, capital=True), count_word(1234)
        ('five', 'Two', '1,234')
    """
    n = int(n)
    text = _COUNT_WORDS[n] if 0 <= n < len(_COUNT_WORDS) else f"{n:,}"
    return text[:1].upper() + text[1:] if capital else text


def prose(*paragraphs: str) -> Any:
    """Chapter prose built from computed values, as ``IPython.display.Markdown``.

    Used in ``remove-input`` cells: the report renders the Markdown output as prose. Each
    argument is one paragraph (joined by a blank line); no other change to the text.

    Example:
        >>> prose("a", "b").data.splitlines()
        ['a', '', 'b']
    """
    from IPython.display import Markdown

    return Markdown("\n\n".join(paragraphs))


# --------------------------------------------------------------------------------------------
# selecting evidence


def select_rates(
    clean: pd.DataFrame,
    *,
    grades: Iterable[str] = ("P", "T"),
    include_derived: bool = False,
) -> pd.DataFrame:
    """The cleaned rates a chapter trusts: filter by best source grade and derived flag.

    Transformations: keep rows whose ``grade_best`` is in ``grades``; drop rows with
    ``derived`` true unless ``include_derived``; no other change (values and bounds as
    :func:`prkanalysis.clean.normalize_leak_rates` produced them).

    Args:
        clean: Output of ``normalize_leak_rates`` (needs ``grade_best``; ``derived`` optional).
        grades: Source grades to trust (P, T, A).
        include_derived: Keep figures an outlet computed rather than reported.

    Returns:
        The selected rows (a copy), original index kept.

    Raises:
        PrkError: If ``grade_best`` is missing.

    Example:
        >>> df = pd.DataFrame({"grade_best": ["P", "A", "T"], "derived": [False, False, True]})
        >>> len(select_rates(df)), len(select_rates(df, grades="PTA", include_derived=True))
        (1, 3)
    """
    if "grade_best" not in clean.columns:
        raise PrkError("select_rates: the cleaned rates have no 'grade_best' column")
    from prkanalysis.analysis.rates import select_trusted

    kept, _ = select_trusted(clean, grades=tuple(grades), include_derived=include_derived,
                             keep_duplicates=True)
    return kept


# --------------------------------------------------------------------------------------------
# the detection-limit grid drawn by the chapter 03 figure and widget


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


# --------------------------------------------------------------------------------------------
# findings and widgets


def findings_markdown(title: str, items: Sequence[str]) -> Any:
    """Build the ``findings`` cell output: a heading and a bullet list, as IPython Markdown.

    Args:
        title: Heading text (e.g. ``"Findings: the five-year history"``).
        items: Bullet texts, each an f-string of computed numbers.

    Returns:
        An ``IPython.display.Markdown`` object (its ``data`` holds the text).

    Example:
        >>> md = findings_markdown("Findings", ["a = 1", "b = 2"])
        >>> md.data.splitlines()[0]
        '### Findings'
    """
    from IPython.display import Markdown

    text = f"### {title}\n\n" + "\n".join(f"- {it}" for it in items) + "\n"
    return Markdown(text)


def interactive_timeline(
    clean: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    allowance_kg_day: float | None = None,
    grades: Iterable[str] = ("P", "T"),
    include_derived: bool = False,
    display_now: bool = True,
) -> Any:
    """Widgets (grade filter, derived toggle) that redraw the rate timeline.

    Without a frontend (headless execution, tests) the widgets render as their text repr and
    the figure is drawn once with the defaults, so nothing blocks or errors.

    Args:
        clean: Cleaned rates (all grades; the widget filters).
        events: Events for the annotation strip.
        allowance_kg_day: Reference line.
        grades: Initial grades.
        include_derived: Initial derived toggle.
        display_now: Display the widget box immediately.

    Returns:
        The ``ipywidgets.VBox`` holding the controls and the output area.
    """
    import ipywidgets as w
    from IPython.display import display

    from prkanalysis import figures

    grade_box = w.SelectMultiple(options=["P", "T", "A"], value=tuple(grades),
                                 description="grades")
    derived_box = w.Checkbox(value=include_derived, description="include derived")
    out = w.Output()

    def _draw(*_: Any) -> None:
        out.clear_output(wait=True)
        with out:
            sel = select_rates(clean, grades=grade_box.value or ("P",),
                               include_derived=derived_box.value)
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
) -> Any:
    """Sliders (PrK volume, temperature, gauge resolution) that redraw the detection limit.

    Args:
        durations_h: Hold durations on the x axis.
        references: Reference rates (label -> kg/day).
        hold_pressure_mmhg: PrK pressure during the hold.
        display_now: Display the widget box immediately.

    Returns:
        The ``ipywidgets.VBox``.
    """
    import ipywidgets as w
    from IPython.display import display

    from prkanalysis import figures

    vol = w.FloatSlider(value=5.0, min=3.0, max=8.0, step=0.5, description="PrK m³")
    temp = w.FloatSlider(value=295.15, min=283.0, max=310.0, step=0.5, description="T (K)")
    res = w.FloatLogSlider(value=1.0, base=10, min=-2, max=1, step=0.25, description="gauge mmHg")
    out = w.Output()

    def _draw(*_: Any) -> None:
        out.clear_output(wait=True)
        with out:
            tbl = detection_limit_table(durations_h, [res.value], [vol.value],
                                        hold_pressure_mmhg=hold_pressure_mmhg,
                                        temperature_k=temp.value)
            display(figures.detection_limits(tbl, references=references))

    for ctl in (vol, temp, res):
        ctl.observe(_draw, names="value")
    _draw()
    box = w.VBox([w.HBox([vol, temp, res]), out])
    if display_now:
        display(box)
    return box


# --------------------------------------------------------------------------------------------
# evidence look-ups


def constant(constants: pd.DataFrame, pattern: str, *, to_unit: str | None = None) -> float:
    """The value of the one constant whose id or name matches ``pattern`` (regex, any case).

    Args:
        constants: The ``constants`` table (``constant_id``, ``name``, ``value``, ``unit``).
        pattern: Regular expression searched in ``constant_id`` and ``name``.
        to_unit: Convert the value with :func:`prkanalysis.units.convert` (from ``unit``).

    Returns:
        The value as a float.

    Raises:
        PrkError: When no row or several rows match, or the value is empty.

    Example:
        >>> c = pd.DataFrame({"constant_id": ["K1"], "name": ["ISS design leak allowance"],
        ...                   "value": [2.0], "unit": ["lb/day"]})
        >>> round(constant(c, "allowance", to_unit="kg/day"), 6)
        0.907185
    """
    text = constants.get("constant_id", pd.Series("", index=constants.index)).astype(str) + " " + (
        constants.get("name", pd.Series("", index=constants.index)).astype(str)
    )
    hit = constants[text.str.contains(pattern, case=False, regex=True)]
    if len(hit) != 1:
        raise PrkError(
            f"constant({pattern!r}): expected one matching row in constants, found {len(hit)}"
            + (f" ({', '.join(hit['constant_id'].astype(str))})" if len(hit) else "")
        )
    row = hit.iloc[0]
    val = pd.to_numeric(pd.Series([row.get("value")]), errors="coerce").iloc[0]
    if pd.isna(val):
        raise PrkError(f"constant({pattern!r}): row {row.get('constant_id')} has no value")
    if to_unit is not None:
        return float(units.convert(float(val), str(row.get("unit")), to_unit))
    return float(val)

