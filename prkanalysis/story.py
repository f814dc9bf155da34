"""Chapter-level helpers shared by the notebooks.

The chapters call the package; this module holds the few steps that belong to the story
rather than to one estimator: selecting the rates a chapter trusts (source grades, derived
figures), the ideal-gas detection limit of a pressure hold, the cumulative-loss band, interval
arithmetic for ratios of rounded and bounded figures, the widgets that redraw the main
figures, and the ``findings`` Markdown. Everything is computed from the evidence or from
arguments; nothing here types in a figure.

Physics used (SPEC section 5; ideal gas, choked outflow into vacuum):

* mass of air per mmHg in a volume ``V`` at temperature ``T``:
  ``dm/dp = V * M / (R * T) * 133.322... Pa/mmHg``;
* a closed volume decays as ``p(t) = p0 * exp(-k t)`` and loses
  ``m_dot = k * p * V * M / (R * T)``; for the same hole ``k`` does not depend on ``p``, so a
  leak seen at hold pressure ``p_h`` would carry ``p_cabin / p_h`` times more mass at cabin
  pressure.

Example:
    >>> round(gas_mass_per_mmhg(5.0, 295.15) * 1000, 3)  # grams of air per mmHg in 5 m3
    7.868
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from prkanalysis import units
from prkanalysis.errors import InsufficientDataError, PrkError

__all__ = [
    "CABIN_PRESSURE_MMHG",
    "M_AIR",
    "R_GAS",
    "DetectionLimit",
    "RatioInterval",
    "cumulative_loss_band",
    "detection_limit",
    "detection_limit_table",
    "findings_markdown",
    "fmt",
    "gas_mass_per_mmhg",
    "interactive_timeline",
    "ratio_interval",
    "select_rates",
    "validate_params",
]

#: Molar mass of air (kg/mol), SPEC section 5.
M_AIR = 0.0289647
#: Molar gas constant (J/(mol K)), SPEC section 5.
R_GAS = 8.314462618
#: Nominal cabin pressure used to scale a leak seen at reduced PrK pressure (760 mmHg).
CABIN_PRESSURE_MMHG = 760.0


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
    keep = clean["grade_best"].astype(str).str.upper().isin({g.upper() for g in grades})
    if not include_derived and "derived" in clean.columns:
        der = clean["derived"].astype(str).str.lower().isin(["true", "1", "yes"])
        keep &= ~der
    return clean.loc[keep].copy()


# --------------------------------------------------------------------------------------------
# physics of a pressure hold


def gas_mass_per_mmhg(volume_m3: float, temperature_k: float) -> float:
    """Mass of air (kg) per mmHg of pressure in a volume, ideal gas.

    ``dm/dp = V * M_air / (R * T) * (Pa per mmHg)``.

    Args:
        volume_m3: Volume in m³.
        temperature_k: Gas temperature in K.

    Returns:
        kg per mmHg.

    Example:
        >>> round(gas_mass_per_mmhg(916.0, 295.15), 3)  # whole ISS, physics.md: 1.441
        1.441
    """
    if volume_m3 <= 0 or temperature_k <= 0:
        raise PrkError(
            f"gas_mass_per_mmhg: volume_m3={volume_m3} and temperature_k={temperature_k} "
            "must be positive"
        )
    return volume_m3 * M_AIR / (R_GAS * temperature_k) * units.MMHG_PA


@dataclass(frozen=True)
class DetectionLimit:
    """The largest leak a pressure hold cannot exclude.

    Attributes:
        duration_h: Hold duration.
        hold_pressure_mmhg: PrK pressure during the hold.
        resolution_mmhg: Gauge resolution (one step).
        volume_m3: PrK free volume.
        temperature_k: Gas temperature.
        temperature_drift_k: Temperature change allowed over the hold (masks a drop of
            ``p * dT / T``).
        undetectable_drop_mmhg: Pressure drop that can pass unseen.
        k_per_day: Largest decay constant consistent with that drop.
        at_hold_kg_day: Mass rate of that leak at the hold pressure.
        at_cabin_kg_day: Mass rate of the same hole at cabin pressure (760 mmHg).
    """

    duration_h: float
    hold_pressure_mmhg: float
    resolution_mmhg: float
    volume_m3: float
    temperature_k: float
    temperature_drift_k: float
    undetectable_drop_mmhg: float
    k_per_day: float
    at_hold_kg_day: float
    at_cabin_kg_day: float

    def summary(self) -> str:
        """One sentence with the limits."""
        return (
            f"A {self.duration_h:g} h hold at {self.hold_pressure_mmhg:g} mmHg read to "
            f"{self.resolution_mmhg:g} mmHg in {self.volume_m3:g} m³ cannot exclude a leak of "
            f"{fmt(self.at_hold_kg_day, 3)} kg/day at that pressure, the same hole losing "
            f"{fmt(self.at_cabin_kg_day, 3)} kg/day at {CABIN_PRESSURE_MMHG:g} mmHg."
        )


def detection_limit(
    duration_h: float,
    *,
    hold_pressure_mmhg: float = 100.0,
    resolution_mmhg: float = 1.0,
    volume_m3: float = 5.0,
    temperature_k: float = 295.15,
    temperature_drift_k: float = 0.0,
    steps: float = 1.0,
) -> DetectionLimit:
    """Largest leak a pressure hold of a given duration cannot exclude (ideal gas, choked flow).

    Wraps :func:`prkanalysis.physics.detection_limit` (hours instead of days) and adds the
    cabin-pressure equivalent of the same hole. Transformations: the unseen drop is
    ``steps * resolution + p_h * dT / T`` (gauge quantisation plus a temperature drift);
    the decay constant that produces exactly that drop is ``k = -ln(1 - drop / p_h) / t``;
    the mass rate is ``k * p * V * M / (R T)`` evaluated
    at ``p_h`` and at 760 mmHg (same hole).

    Args:
        duration_h: Hold duration (h), > 0.
        hold_pressure_mmhg: PrK pressure during the hold (100 mmHg from June 2025).
        resolution_mmhg: Gauge resolution (mmHg).
        volume_m3: PrK free volume (m³).
        temperature_k: Gas temperature (K).
        temperature_drift_k: Temperature change over the hold that could mask a drop (K).
        steps: How many resolution steps must change to call a drop (default 1).

    Returns:
        A :class:`DetectionLimit`.

    Raises:
        PrkError: For a non-positive duration or a drop not smaller than the hold pressure.

    Example:
        >>> d = detection_limit(24, hold_pressure_mmhg=100, resolution_mmhg=1, volume_m3=5)
        >>> round(d.k_per_day, 5), round(d.at_hold_kg_day * 1000, 2), round(d.at_cabin_kg_day, 4)
        (0.01005, 7.91, 0.0601)
    """
    from prkanalysis import physics

    if duration_h <= 0:
        raise PrkError(f"detection_limit: duration_h={duration_h} must be positive")
    drop = steps * resolution_mmhg + hold_pressure_mmhg * abs(temperature_drift_k) / temperature_k
    if not 0 < drop < hold_pressure_mmhg:
        raise PrkError(
            f"detection_limit: undetectable drop {drop:g} mmHg must be between 0 and the hold "
            f"pressure {hold_pressure_mmhg:g} mmHg"
        )
    core = physics.detection_limit(
        duration_h / 24.0,
        hold_pressure_mmhg,
        steps * resolution_mmhg,
        volume_m3,
        temperature_k,
        abs(temperature_drift_k),
    )
    return DetectionLimit(
        duration_h=float(duration_h),
        hold_pressure_mmhg=float(hold_pressure_mmhg),
        resolution_mmhg=float(resolution_mmhg),
        volume_m3=float(volume_m3),
        temperature_k=float(temperature_k),
        temperature_drift_k=float(temperature_drift_k),
        undetectable_drop_mmhg=core.delta_p_mmhg,
        k_per_day=core.k_per_day,
        at_hold_kg_day=core.mass_rate_kg_day,
        at_cabin_kg_day=core.mass_rate_kg_day * CABIN_PRESSURE_MMHG / hold_pressure_mmhg,
    )


def detection_limit_table(
    durations_h: Sequence[float],
    resolutions_mmhg: Sequence[float],
    volumes_m3: Sequence[float],
    *,
    hold_pressure_mmhg: float = 100.0,
    temperature_k: float = 295.15,
    temperature_drift_k: float = 0.0,
) -> pd.DataFrame:
    """Grid of :func:`detection_limit` over durations, gauge resolutions and volumes.

    Returns:
        One row per combination with ``duration_h``, ``resolution_mmhg``, ``volume_m3``,
        ``k_per_day``, ``limit_kg_day`` (at hold pressure) and ``limit_cabin_kg_day``.

    Example:
        >>> t = detection_limit_table([24, 240], [1.0], [5.0])
        >>> float(round(t.limit_kg_day.iloc[0] / t.limit_kg_day.iloc[1], 2))  # 10x longer hold
        10.0
    """
    rows = []
    for res in resolutions_mmhg:
        for vol in volumes_m3:
            for dur in durations_h:
                d = detection_limit(
                    dur,
                    hold_pressure_mmhg=hold_pressure_mmhg,
                    resolution_mmhg=res,
                    volume_m3=vol,
                    temperature_k=temperature_k,
                    temperature_drift_k=temperature_drift_k,
                )
                rows.append(
                    {
                        "duration_h": float(dur),
                        "resolution_mmhg": float(res),
                        "volume_m3": float(vol),
                        "k_per_day": d.k_per_day,
                        "limit_kg_day": d.at_hold_kg_day,
                        "limit_cabin_kg_day": d.at_cabin_kg_day,
                    }
                )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# interval arithmetic


@dataclass(frozen=True)
class RatioInterval:
    """A ratio of two interval-valued figures.

    Attributes:
        estimate: Ratio of the point values.
        low: Smallest ratio compatible with both intervals.
        high: Largest ratio (``inf`` when the denominator may be 0).
        label: What was divided.
    """

    estimate: float
    low: float
    high: float
    label: str = ""

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in ``[low, high]``."""
        return self.low <= value <= self.high

    def summary(self) -> str:
        """One line: label, estimate and interval."""
        return f"{self.label}: {fmt(self.estimate)} (interval {fmt(self.low)} to {fmt(self.high)})"


def ratio_interval(
    num: float,
    num_low: float,
    num_high: float,
    den: float,
    den_low: float,
    den_high: float,
    label: str = "",
) -> RatioInterval:
    """Ratio of two positive interval-valued figures by interval arithmetic.

    ``[a, b] / [c, d] = [a / d, b / c]`` for ``a, c >= 0``; a denominator that can be 0 (an
    "less than" bound) gives an unbounded upper end.

    Args:
        num: Numerator point value.
        num_low: Numerator lower bound.
        num_high: Numerator upper bound.
        den: Denominator point value.
        den_low: Denominator lower bound (0 for a "less than" bound).
        den_high: Denominator upper bound.
        label: Description.

    Returns:
        A :class:`RatioInterval`.

    Raises:
        PrkError: On negative inputs or inverted bounds.

    Example:
        >>> r = ratio_interval(2.4, 2.35, 2.45, 1.0, 0.95, 1.05, "Feb 2024 / baseline")
        >>> round(r.low, 3), round(r.high, 3), r.contains(2.0)
        (2.238, 2.579, False)
    """
    vals = [num, num_low, num_high, den, den_low, den_high]
    if any(v is None or math.isnan(v) or v < 0 for v in vals):
        raise PrkError(f"ratio_interval({label!r}): bounds must be non-negative numbers: {vals}")
    if num_low > num_high or den_low > den_high:
        raise PrkError(f"ratio_interval({label!r}): a lower bound exceeds its upper bound")
    est = num / den if den > 0 else math.inf
    low = num_low / den_high if den_high > 0 else math.inf
    high = num_high / den_low if den_low > 0 else math.inf
    return RatioInterval(estimate=est, low=low, high=high, label=label)


# --------------------------------------------------------------------------------------------
# cumulative loss


def cumulative_loss_band(
    rates: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    freq: str = "D",
) -> pd.DataFrame:
    """Cumulative air lost as a band, integrating the rate intervals day by day.

    Transformations:

    * each rate row is an observation over ``period_start``..``period_end`` (end = start
      when unknown) with bounds ``kg_per_day_low`` (missing -> 0, an upper bound only) and
      ``kg_per_day_high`` (missing -> ``kg_per_day``);
    * a day covered by observations takes the lowest low and highest high among them and the
      mean of their point values;
    * a day between observations (the unknown periods, e.g. 2022-2023) takes the lower of the
      neighbouring lows and the higher of the neighbouring highs, and the linear interpolation
      of the neighbouring point values: the band widens where the record is silent;
    * days before the first or after the last observation are held at the nearest one;
    * a "before <date>" figure (``period_start`` missing, ``period_end`` known) held at an
      unknown time before its end: it widens the band on every unobserved day up to its end;
    * the daily bounds are summed from ``start`` (left Riemann sum: the value on a date is
      the loss from ``start`` up to that date, 0 on the first day).

    Args:
        rates: Cleaned rates (``period_start``, ``period_end``, ``kg_per_day``,
            ``kg_per_day_low``, ``kg_per_day_high``).
        start: First day integrated (default: first ``period_start``).
        end: Last day integrated (default: last ``period_end``).
        freq: Grid step (default daily).

    Returns:
        ``date``, ``rate_low``, ``rate_central``, ``rate_high`` (kg/day), ``observed``
        (bool), ``low_kg``, ``central_kg``, ``high_kg`` (cumulative kg).

    Raises:
        InsufficientDataError: When no rate has a date and a value.

    Example:
        >>> r = pd.DataFrame({"period_start": ["2020-01-01", "2020-01-11"],
        ...     "period_end": ["2020-01-01", "2020-01-11"], "kg_per_day": [1.0, 3.0],
        ...     "kg_per_day_low": [0.5, 2.5], "kg_per_day_high": [1.5, 3.5]})
        >>> b = cumulative_loss_band(r)
        >>> float(b.low_kg.iloc[-1]), float(b.central_kg.iloc[-1]), float(b.high_kg.iloc[-1])
        (5.0, 19.0, 33.0)
    """
    need = ["period_start", "kg_per_day", "kg_per_day_low", "kg_per_day_high"]
    missing = [c for c in need if c not in rates.columns]
    if missing:
        raise PrkError(f"cumulative_loss_band: rates lack column(s) {missing}")
    df = rates.copy()
    df["period_start"] = pd.to_datetime(df["period_start"], errors="coerce")
    endcol = df["period_end"] if "period_end" in df.columns else df["period_start"]
    df["period_end"] = pd.to_datetime(endcol, errors="coerce").fillna(df["period_start"])
    for c in ("kg_per_day", "kg_per_day_low", "kg_per_day_high"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    df["kg_per_day_high"] = df["kg_per_day_high"].fillna(df["kg_per_day"])
    df["kg_per_day"] = df["kg_per_day"].fillna(df["kg_per_day_high"])
    df["kg_per_day_low"] = df["kg_per_day_low"].fillna(0.0)
    df = df.dropna(subset=["kg_per_day_high"])
    open_start = df[df["period_start"].isna() & df["period_end"].notna()]
    df = df.dropna(subset=["period_start"])
    if df.empty:
        raise InsufficientDataError("cumulative_loss_band: no rate has a date and a value")
    t0 = pd.Timestamp(start) if start is not None else df["period_start"].min()
    t1 = pd.Timestamp(end) if end is not None else df["period_end"].max()
    if t1 <= t0:
        raise PrkError(f"cumulative_loss_band: end {t1:%Y-%m-%d} is not after start {t0:%Y-%m-%d}")
    grid = pd.date_range(t0.normalize(), t1.normalize(), freq=freq)
    n = len(grid)
    lo = np.full(n, np.nan)
    hi = np.full(n, np.nan)
    ce_sum = np.zeros(n)
    ce_n = np.zeros(n)
    for _, r in df.iterrows():
        m = (grid >= r["period_start"].normalize()) & (grid <= r["period_end"].normalize())
        lo[m] = np.fmin(lo[m], r["kg_per_day_low"])
        hi[m] = np.fmax(hi[m], r["kg_per_day_high"])
        ce_sum[m] += r["kg_per_day"]
        ce_n[m] += 1
    observed = ~np.isnan(hi)
    ce = np.where(ce_n > 0, ce_sum / np.maximum(ce_n, 1), np.nan)
    if not observed.any():
        # no observation falls on the grid: anchor on the rows' mid-dates
        mids = df["period_start"] + (df["period_end"] - df["period_start"]) / 2
        order = np.argsort(mids.to_numpy())
        xs = mids.to_numpy()[order].astype("datetime64[ns]").astype(np.int64)
        xg = grid.to_numpy().astype("datetime64[ns]").astype(np.int64)
        ce = np.interp(xg, xs, df["kg_per_day"].to_numpy()[order])
        lo = np.full(n, df["kg_per_day_low"].min())
        hi = np.full(n, df["kg_per_day_high"].max())
    else:
        idx = np.arange(n)
        obs_idx = idx[observed]
        prev = np.maximum.accumulate(np.where(observed, idx, -1))
        nxt = np.minimum.accumulate(np.where(observed, idx, n)[::-1])[::-1]
        prev = np.where(prev < 0, nxt, prev)
        nxt = np.where(nxt >= n, prev, nxt)
        gap = ~observed
        lo[gap] = np.minimum(lo[prev[gap]], lo[nxt[gap]])
        hi[gap] = np.maximum(hi[prev[gap]], hi[nxt[gap]])
        ce = np.interp(idx, obs_idx, ce[obs_idx])
    # "before <date>" figures (open start): their value held at some unknown time before
    # their end, so they widen the band on every unobserved day up to that end
    for _, r in open_start.iterrows():
        m = (~observed) & (grid <= r["period_end"].normalize())
        lo[m] = np.minimum(lo[m], r["kg_per_day_low"])
        hi[m] = np.maximum(hi[m], r["kg_per_day_high"])
    step_days = (grid[1] - grid[0]) / pd.Timedelta(days=1) if n > 1 else 1.0
    out = pd.DataFrame(
        {
            "date": grid,
            "rate_low": lo,
            "rate_central": ce,
            "rate_high": hi,
            "observed": observed,
        }
    )
    # left Riemann sum: the value on day i is what was lost from day 0 up to day i
    for c, v in (("low_kg", lo), ("central_kg", ce), ("high_kg", hi)):
        out[c] = np.r_[0.0, np.cumsum(v)[:-1]] * step_days
    return out


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
# chapter 01: decay episodes, constants, implied volume


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


def episode_fits(
    readings: pd.DataFrame,
    *,
    p_resolution: float = 0.5,
    n_curve: int = 60,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit an exponential decay to every hatch-closed episode with two or more readings.

    Transformations: keep rows with ``kind == "reading"`` and a known ``elapsed_h``; per
    ``episode_id`` call :func:`prkanalysis.models.decay.fit_decay` (two readings: interval
    arithmetic over the elapsed-time bounds and +-``p_resolution``; more: NLS with a Wald
    interval); the curve band is ``p0 exp(-k t)`` evaluated at the two ends of the k interval.

    Args:
        readings: PrK readings (``episode_id``, ``elapsed_h``, ``pressure_mmhg``, optional
            ``kind``, ``elapsed_low_h``, ``elapsed_high_h``, ``time``).
        p_resolution: Half-width of a reading, mmHg (two-point episodes).
        n_curve: Points per fitted curve.

    Returns:
        ``(table, curves)``: one row per episode (``episode_id``, ``first_time``, ``n``,
        ``p_first``, ``p_last``, ``k_per_day``, ``k_low``, ``k_high``, ``half_life_days``,
        ``method``, ``interval``), and the curve rows for :func:`figures.decay_episodes`.
    """
    from prkanalysis.models import decay

    rd = readings.copy()
    if "kind" in rd.columns:
        rd = rd[rd["kind"].astype(str) == "reading"]
    rd["elapsed_h"] = pd.to_numeric(rd["elapsed_h"], errors="coerce")
    rd = rd.dropna(subset=["elapsed_h", "pressure_mmhg"])
    rows: list[dict[str, Any]] = []
    curves: list[pd.DataFrame] = []
    for ep, sub in rd.groupby("episode_id", sort=False):
        sub = sub.sort_values("elapsed_h")
        if len(sub) < 2:
            continue
        t_h = sub["elapsed_h"].to_numpy(dtype=float)
        p = sub["pressure_mmhg"].to_numpy(dtype=float)
        bounds = None
        if len(sub) == 2 and {"elapsed_low_h", "elapsed_high_h"} <= set(sub.columns):
            lo_h = pd.to_numeric(sub["elapsed_low_h"], errors="coerce").fillna(sub["elapsed_h"])
            hi_h = pd.to_numeric(sub["elapsed_high_h"], errors="coerce").fillna(sub["elapsed_h"])
            bounds = list(zip(lo_h.to_numpy(dtype=float), hi_h.to_numpy(dtype=float),
                              strict=True))
        fit = decay.fit_decay(t_h, p, "exponential", t_unit="h", t_bounds=bounds,
                              p_resolution=p_resolution)
        first_time: Any = pd.NaT
        if "time" in sub.columns:
            times = pd.to_datetime(sub["time"].astype("string"), errors="coerce", utc=True,
                                   format="mixed")
            first_time = times.dt.tz_localize(None).min()
        rows.append(
            {
                "episode_id": str(ep),
                "first_time": first_time,
                "n": len(sub),
                "p_first": float(p[0]),
                "p_last": float(p[-1]),
                "hours": float(t_h[-1] - t_h[0]),
                "k_per_day": fit.k_per_day,
                "k_low": float(fit.k_ci[0]),
                "k_high": float(fit.k_ci[1]),
                "half_life_days": fit.half_life_days,
                "method": fit.method,
                "interval": fit.interval_method,
            }
        )
        tt = np.linspace(0.0, t_h[-1] - t_h[0], n_curve)
        td = tt / 24.0
        curves.append(
            pd.DataFrame(
                {
                    "episode_id": str(ep),
                    "model": "exponential fit",
                    "elapsed_h": tt + t_h[0],
                    "fit_mmhg": fit.p0_mmhg * np.exp(-fit.k_per_day * td),
                    "low_mmhg": fit.p0_mmhg * np.exp(-fit.k_ci[1] * td),
                    "high_mmhg": fit.p0_mmhg * np.exp(-fit.k_ci[0] * td),
                }
            )
        )
    if not rows:
        raise InsufficientDataError("episode_fits: no episode has two timed readings")
    return pd.DataFrame(rows), pd.concat(curves, ignore_index=True)


def implied_volumes(
    fits: pd.DataFrame,
    rates: pd.DataFrame,
    *,
    window_days: int = 120,
    temperature_k: float = 295.15,
) -> pd.DataFrame:
    """PrK free volume implied by pairing each episode's k with a rate from the same epoch.

    Transformations: for each episode with a ``first_time``, every rate whose period lies
    within ``window_days`` of it is paired; ``V = m_dot / (k rho(p_first))``
    (:func:`prkanalysis.physics.implied_volume`) is evaluated at the point values and at the
    interval corners (``kg_per_day_low``/``high`` x ``k_low``/``k_high``), giving a range.

    Returns:
        One row per pairing: ``episode_id``, ``rate_id``, ``kg_per_day``, ``k_per_day``,
        ``volume_m3``, ``volume_low_m3``, ``volume_high_m3``, ``days_apart``.
    """
    from prkanalysis import physics

    out = []
    r = rates.dropna(subset=["period_start"]).copy()
    r["mid"] = r["period_start"] + (r["period_end"].fillna(r["period_start"])
                                    - r["period_start"]) / 2
    for _, f in fits.dropna(subset=["first_time"]).iterrows():
        t = pd.Timestamp(f["first_time"]).tz_localize(None) if pd.Timestamp(
            f["first_time"]).tzinfo else pd.Timestamp(f["first_time"])
        near = r[(r["mid"] - t).abs() <= pd.Timedelta(days=window_days)]
        p_pa = f["p_first"] * units.MMHG_PA
        for _, rr in near.iterrows():
            m, m_lo, m_hi = rr["kg_per_day"], rr["kg_per_day_low"], rr["kg_per_day_high"]
            if not (m > 0 and f["k_low"] > 0):
                continue
            m_lo = m_lo if m_lo > 0 else np.nan
            out.append(
                {
                    "episode_id": f["episode_id"],
                    "rate_id": rr.get("rate_id", ""),
                    "kg_per_day": float(m),
                    "k_per_day": float(f["k_per_day"]),
                    "volume_m3": physics.implied_volume(m, f["k_per_day"], p_pa, temperature_k),
                    "volume_low_m3": physics.implied_volume(m_lo, f["k_high"], p_pa,
                                                            temperature_k),
                    "volume_high_m3": physics.implied_volume(m_hi, f["k_low"], p_pa,
                                                             temperature_k),
                    "days_apart": int(abs((rr["mid"] - t).days)),
                }
            )
    return pd.DataFrame(out, columns=["episode_id", "rate_id", "kg_per_day", "k_per_day",
                                      "volume_m3", "volume_low_m3", "volume_high_m3",
                                      "days_apart"])


def volume_sensitivity_table(
    fits: pd.DataFrame,
    volumes_m3: Sequence[float],
    *,
    temperature_k: float = 295.15,
    cd: float = 1.0,
) -> pd.DataFrame:
    """Mass rate and equivalent hole implied by each episode's k across assumed volumes.

    ``m_dot = k p_first V M/(R T)`` (:func:`prkanalysis.physics.mass_rate_from_k`) and
    ``d = sqrt(4 A / pi)`` with ``A`` from :func:`prkanalysis.physics.area_from_k`; ``low``
    and ``high`` use the ends of the k interval.

    Returns:
        Rows with ``quantity`` (``"mass rate"`` or ``"hole diameter"``), ``episode_id``,
        ``volume_m3``, ``estimate``, ``low``, ``high``.

    Example:
        >>> f = pd.DataFrame({"episode_id": ["E"], "p_first": [730.0], "k_per_day": [0.154],
        ...                   "k_low": [0.15], "k_high": [0.16]})
        >>> t = volume_sensitivity_table(f, [4.3])
        >>> round(float(t.loc[t.quantity == "mass rate", "estimate"].iloc[0]), 2)
        0.76
    """
    from prkanalysis import physics

    rows = []
    for _, f in fits.iterrows():
        p_pa = float(f["p_first"]) * units.MMHG_PA
        for v in volumes_m3:
            ks = (f["k_per_day"], f["k_low"], f["k_high"])
            m = [physics.mass_rate_from_k(k, p_pa, v, temperature_k) for k in ks]
            d = [physics.diameter_from_area(physics.area_from_k(max(k, 0.0), v, temperature_k,
                                                                cd)) * 1e3 for k in ks]
            rows.append({"quantity": "mass rate", "episode_id": f["episode_id"],
                         "volume_m3": float(v), "estimate": m[0], "low": m[1], "high": m[2]})
            rows.append({"quantity": "hole diameter", "episode_id": f["episode_id"],
                         "volume_m3": float(v), "estimate": d[0], "low": d[1], "high": d[2]})
    return pd.DataFrame(rows)
