"""Figures of the story: each function takes tidy DataFrames and returns a :class:`FigureResult`.

Every figure has a title, axis labels with units and a caption that says what to see. The
plotted data travel with the figure as a DataFrame, so the report can save a CSV beside each
PNG (:meth:`FigureResult.save`). The functions never load evidence or fit models themselves:
the notebooks (and :mod:`prkanalysis.analysis`) compute, the figures draw. Every annotation
(dates, limits, labels) comes from the input frames or arguments.

Figures are built on :class:`matplotlib.figure.Figure` objects, not through ``pyplot``, so that
nothing is displayed or kept alive behind the caller's back; in a notebook the result displays
itself (image plus caption).

Example:
    >>> import pandas as pd
    >>> tbl = pd.DataFrame({"label": ["a", "b"], "estimate": [1.0, 2.0],
    ...                     "low": [0.5, 1.5], "high": [1.5, 3.0]})
    >>> res = interval_forest(tbl, xlabel="ratio (-)", title="Two ratios", caption="See b > a.")
    >>> res.title
    'Two ratios'
    >>> res.data["estimate"].tolist()
    [1.0, 2.0]
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from prkanalysis import theme
from prkanalysis.errors import PrkError

__all__ = [
    "DEFAULT_EVENT_CATEGORIES",
    "FigureResult",
    "break_dating",
    "cumulative_loss",
    "decay_episodes",
    "detection_limits",
    "interval_forest",
    "rate_timeline",
    "sources_by_grade",
    "volume_sensitivity",
]

#: Event categories annotated on the timeline by default.
DEFAULT_EVENT_CATEGORIES: tuple[str, ...] = (
    "detection",
    "crack",
    "escalation",
    "repair",
    "risk",
    "stop",
    "recurrence",
)


@dataclass(frozen=True, repr=False)
class FigureResult:
    """A finished figure with its caption and the data it plots.

    Attributes:
        fig: The matplotlib figure.
        caption: One or two sentences saying what to see.
        data: The plotted data, one row per plotted element.
        name: A short file-name stem (used by :meth:`save`).
        notes: Extra key numbers the figure annotates (computed, for the caller to quote).
    """

    fig: Figure
    caption: str
    data: pd.DataFrame
    name: str = "figure"
    notes: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The figure title (suptitle if set, else the first axes title)."""
        sup = getattr(self.fig, "_suptitle", None)
        if sup is not None and sup.get_text():
            return str(sup.get_text())
        for ax in self.fig.axes:
            if ax.get_title():
                return str(ax.get_title())
        return ""

    def summary(self) -> str:
        """One-line description: name, title, number of plotted rows, caption."""
        return f"{self.name}: {self.title} ({len(self.data)} rows). {self.caption}"

    def __repr__(self) -> str:
        return f"FigureResult(name={self.name!r}, title={self.title!r}, rows={len(self.data)})"

    def png_bytes(self, dpi: int = 110) -> bytes:
        """Render the figure to PNG bytes."""
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        return buf.getvalue()

    def save(self, directory: str | Path, stem: str | None = None) -> tuple[Path, Path]:
        """Write ``<stem>.png`` and ``<stem>.csv`` (the plotted data) into ``directory``.

        Args:
            directory: Target folder (created if missing).
            stem: File-name stem; defaults to :attr:`name`.

        Returns:
            The PNG and CSV paths.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        stem = stem or self.name
        png, csv = out / f"{stem}.png", out / f"{stem}.csv"
        png.write_bytes(self.png_bytes(dpi=150))
        self.data.to_csv(csv, index=False)
        return png, csv

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """HTML figure (image, caption under it, source line) and the overlap check.

        Only ``text/html`` (and ``text/plain``) are offered, so the report shows the caption
        and source line with the image; the output metadata ``prkanalysis.figure`` records
        the name, caption, sources and the overlapping label pairs
        (:func:`prkanalysis.present.figures.text_overlaps`) for the tests.
        """
        from prkanalysis.present.figures import source_line, text_overlaps

        overlaps = text_overlaps(self.fig)
        png = base64.b64encode(self.png_bytes()).decode("ascii")
        cap = html.escape(self.caption)
        line = source_line(self.sources)
        src = f'<span class="source-line">{html.escape(line)}</span>' if line else ""
        return (
            {
                "text/html": (
                    f'<figure class="prk-figure"><img alt="{html.escape(self.title)}" '
                    f'src="data:image/png;base64,{png}"/>'
                    f'<figcaption><span class="caption">{cap}</span>{src}</figcaption></figure>'
                ),
                "text/plain": "\n".join(filter(None, (self.title, self.caption, line))),
            },
            {
                "prkanalysis": {
                    "figure": self.name,
                    "title": self.title,
                    "caption": self.caption,
                    "sources": list(self.sources),
                    "overlaps": [list(p) for p in overlaps],
                }
            },
        )


# --------------------------------------------------------------------------------------------
# helpers


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise a :class:`PrkError` naming the missing columns of an input frame."""
    if not isinstance(df, pd.DataFrame):
        raise PrkError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise PrkError(f"{what}: missing column(s) {missing}; has {list(df.columns)}")


def _finish(
    fig: Figure, caption: str, data: pd.DataFrame, name: str, **notes: Any
) -> FigureResult:
    fig._caption = caption  # type: ignore[attr-defined]
    return FigureResult(fig=fig, caption=caption, data=data.reset_index(drop=True), name=name,
                        notes=notes)


def _new_figure(figsize: tuple[float, float] = (9.0, 4.8), **kw: Any) -> Figure:
    theme.apply_theme()
    return Figure(figsize=figsize, layout="constrained", **kw)


def _as_ts(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


# --------------------------------------------------------------------------------------------
# 1. the timeline of rates


def _plain_log_ticks(ax: Axes, axis: str = "y") -> None:
    """Label a log axis with plain decimals (0.2, 0.5, 1, 2) instead of powers of ten.

    Spans of more than three decades get one label per decade, and spans of more than one
    decade labels at 1, 2 and 5 only up to three decades, so labels never crowd.
    """
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    decades = math.log10(hi / lo) if lo > 0 and hi > 0 else 0.0
    subs = (1.0,) if decades > 3 else (1.0, 2.0, 5.0)
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(mticker.LogLocator(base=10, subs=subs))
    target.set_major_formatter(mticker.FuncFormatter(lambda v, _pos: f"{v:g}"))
    target.set_minor_formatter(mticker.NullFormatter())


def rate_timeline(
    rates: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    allowance_kg_day: float | None = None,
    allowance_label: str = "design allowance",
    categories: Sequence[str] = DEFAULT_EVENT_CATEGORIES,
    title: str = "PrK leak rate as reported, 2019-2026",
    caption: str | None = None,
) -> FigureResult:
    """Timeline of the reported leak rates on a log axis, with events above it.

    Transformations: each rate is drawn at the midpoint of ``period_start``..``period_end``
    (the start alone when the end is unknown) with a horizontal bar over the period and a
    vertical bar from ``kg_per_day_low`` to ``kg_per_day_high``; colour and marker follow
    ``grade_best``; an upper bound (low missing or <= 0) is drawn as a downward triangle at
    the bound; derived figures (``derived`` true) are drawn hollow. Events whose ``category``
    is in ``categories`` are drawn in a strip above the rates (one row per category) and as
    faint vertical lines across the rates.

    Args:
        rates: Cleaned rates with ``rate_id``, ``period_start``, ``period_end``,
            ``kg_per_day``, ``kg_per_day_low``, ``kg_per_day_high``, ``grade_best``
            (optional ``derived``, ``value_reported``, ``unit_reported``).
        events: Events with ``date_start``, ``category`` (optional ``summary``,
            ``event_id``), or ``None``.
        allowance_kg_day: A horizontal reference line (e.g. the station design allowance).
        allowance_label: Legend text of that line.
        categories: Event categories to annotate.
        title: Figure title.
        caption: Caption; a computed default is used when ``None``.

    Returns:
        The figure; ``data`` holds one row per plotted rate (``kind="rate"``) and per
        annotated event (``kind="event"``).

    Raises:
        PrkError: When a required column is missing or no rate has a value and a date.

    Example:
        >>> import pandas as pd
        >>> r = pd.DataFrame({"rate_id": ["X1"], "period_start": ["2024-02-01"],
        ...     "period_end": ["2024-02-29"], "kg_per_day": [1.0], "kg_per_day_low": [0.9],
        ...     "kg_per_day_high": [1.1], "grade_best": ["T"]})
        >>> rate_timeline(r).data.loc[0, "rate_id"]
        'X1'
    """
    need = ["rate_id", "period_start", "kg_per_day", "kg_per_day_low", "kg_per_day_high",
            "grade_best"]
    _require(rates, need, "rate_timeline(rates)")
    df = rates.copy()
    df["period_start"] = _as_ts(df["period_start"])
    end = df["period_end"] if "period_end" in df.columns else df["period_start"]
    df["period_end"] = _as_ts(end).fillna(df["period_start"])
    # "before <date>" figures: no start; drawn at their end with a dotted line to the left
    df["open_start"] = df["period_start"].isna() & df["period_end"].notna()
    df["period_start"] = df["period_start"].fillna(df["period_end"])
    df = df.dropna(subset=["period_start"])
    df = df[pd.to_numeric(df["kg_per_day_high"], errors="coerce").fillna(
        pd.to_numeric(df["kg_per_day"], errors="coerce")) > 0]
    if df.empty:
        raise PrkError("rate_timeline(rates): no rate has both a date and a positive value")
    for c in ("kg_per_day", "kg_per_day_low", "kg_per_day_high"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    df["x_mid"] = df["period_start"] + (df["period_end"] - df["period_start"]) / 2
    df["upper_bound_only"] = ~(df["kg_per_day_low"] > 0)
    df["y"] = np.where(df["upper_bound_only"], df["kg_per_day_high"].fillna(df["kg_per_day"]),
                       df["kg_per_day"].fillna(df["kg_per_day_high"]))
    derived = df["derived"].astype(str).str.lower().isin(["true", "1", "yes"]) if (
        "derived" in df.columns) else pd.Series(False, index=df.index)
    df["derived_flag"] = derived.to_numpy()

    fig = _new_figure((10.0, 6.0))
    gs = fig.add_gridspec(2, 1, height_ratios=[1.3, 4.0])
    ax_ev = fig.add_subplot(gs[0])
    ax = fig.add_subplot(gs[1], sharex=ax_ev)
    fig.suptitle(title, fontweight="bold")

    ypos = df["y"].to_numpy(dtype=float)
    lo = df["kg_per_day_low"].where(~df["upper_bound_only"], np.nan).fillna(df["y"])
    hi = df["kg_per_day_high"].fillna(df["y"])
    for grade, sub in df.groupby(df["grade_best"].astype(str).str.upper(), sort=True):
        color = theme.grade_color(grade)
        idx = sub.index
        x = sub["x_mid"]
        xerr = np.vstack([(x - sub["period_start"]).dt.days.to_numpy(),
                          (sub["period_end"] - x).dt.days.to_numpy()])
        yy = sub["y"].to_numpy(dtype=float)
        yerr = np.vstack([np.clip(yy - lo.loc[idx].to_numpy(dtype=float), 0, None),
                          np.clip(hi.loc[idx].to_numpy(dtype=float) - yy, 0, None)])
        xnum = mdates.date2num(x.to_numpy())
        ax.errorbar(xnum, yy, xerr=xerr, yerr=yerr, fmt="none", ecolor=color, alpha=0.7,
                    elinewidth=1.2, capsize=2)
        for is_bound, is_der in [(False, False), (False, True), (True, False), (True, True)]:
            m = (sub["upper_bound_only"] == is_bound) & (sub["derived_flag"] == is_der)
            if not m.any():
                continue
            marker = "v" if is_bound else theme.GRADE_MARKERS.get(grade, "o")
            ax.scatter(mdates.date2num(sub.loc[m, "x_mid"].to_numpy()), sub.loc[m, "y"],
                       marker=marker, s=46, zorder=3,
                       facecolors="white" if is_der else color, edgecolors=color,
                       linewidths=1.4)
    x_left = mdates.date2num(df.loc[~df["open_start"], "period_start"].min()
                             if (~df["open_start"]).any() else df["period_start"].min())
    for _, r in df[df["open_start"]].iterrows():
        ax.hlines(r["y"], x_left, mdates.date2num(r["period_end"]), colors=theme.grade_color(
            str(r["grade_best"]).upper()), linestyles=":", lw=1.0, alpha=0.8)
    ax.set_yscale("log")
    ymin = float(np.nanmin(np.r_[ypos, lo.to_numpy(dtype=float)]))
    ymax = float(np.nanmax(np.r_[ypos, hi.to_numpy(dtype=float)]))
    if allowance_kg_day is not None:
        ymax = max(ymax, allowance_kg_day)
        ax.axhline(allowance_kg_day, color=theme.ALLOWANCE_COLOR, ls="--", lw=1.2)
        ax.annotate(f"{allowance_label}: {allowance_kg_day:.3g} kg/day",
                    xy=(0.01, allowance_kg_day), xycoords=("axes fraction", "data"),
                    xytext=(0, 3), textcoords="offset points", color=theme.ALLOWANCE_COLOR,
                    fontsize=8)
    ax.set_ylim(ymin / 2.0, ymax * 2.0)
    _plain_log_ticks(ax)
    ax.set_ylabel("leak rate (kg/day, log scale)")
    ax.set_xlabel("date (UTC)")

    ev_rows: list[dict[str, Any]] = []
    cats = [c for c in categories]
    if events is not None and len(events):
        _require(events, ["date_start", "category"], "rate_timeline(events)")
        ev = events.copy()
        ev["date_start"] = _as_ts(ev["date_start"])
        ev = ev[ev["category"].astype(str).isin(cats)].dropna(subset=["date_start"])
        for _, e in ev.iterrows():
            cat = str(e["category"])
            yi = cats.index(cat)
            ax_ev.scatter(mdates.date2num(e["date_start"]), yi, marker=theme.event_marker(cat),
                          s=60, color=theme.CATEGORY_COLORS.get(cat, "#555555"), zorder=3)
            ax.axvline(mdates.date2num(e["date_start"]),
                       color=theme.CATEGORY_COLORS.get(cat, "#555555"), alpha=0.25, lw=0.8)
            ev_rows.append({"kind": "event", "event_id": e.get("event_id", ""),
                            "category": cat, "date": e["date_start"],
                            "summary": e.get("summary", "")})
    ax_ev.set_yticks(range(len(cats)), cats)
    ax_ev.set_ylim(-0.7, len(cats) - 0.3)
    ax_ev.invert_yaxis()
    ax_ev.set_ylabel("event category")
    ax_ev.tick_params(labelbottom=False)
    ax_ev.grid(axis="y", alpha=0.2)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))

    handles = [Line2D([], [], ls="", marker=theme.GRADE_MARKERS[g], color=theme.GRADE_COLORS[g],
                      label=theme.GRADE_LABELS[g]) for g in ("P", "T", "A")
               if g in set(df["grade_best"].astype(str).str.upper())]
    if df["upper_bound_only"].any():
        handles.append(Line2D([], [], ls="", marker="v", color="#555555",
                              label="upper bound only (\"less than\")"))
    if df["open_start"].any():
        handles.append(Line2D([], [], ls=":", color="#555555",
                              label="\"before\" this date (start unknown)"))
    if df["derived_flag"].any():
        handles.append(Line2D([], [], ls="", marker="o", markerfacecolor="white",
                              color="#555555", label="derived by an outlet"))
    ax.legend(handles=handles, loc="lower right")

    rows = df.assign(kind="rate")
    keep = [c for c in ["kind", "rate_id", "period_start", "period_end", "x_mid", "kg_per_day",
                        "kg_per_day_low", "kg_per_day_high", "grade_best", "derived_flag",
                        "upper_bound_only", "open_start", "value_reported", "unit_reported"]
            if c in rows]
    data = pd.concat([rows[keep], pd.DataFrame(ev_rows)], ignore_index=True)
    first, last = df["period_start"].min(), df["period_end"].max()
    if caption is None:
        caption = (
            f"{len(df)} reported rates from {first:%b %Y} to {last:%b %Y} on a log scale; "
            "horizontal bars span the reported period, vertical bars the rounding or "
            "qualifier interval. Read the climb across the 2024 rows against the earlier "
            "ones, and the events strip for what happened when."
        )
    return _finish(fig, caption, data, "rate_timeline", n_rates=len(df), n_events=len(ev_rows))


# --------------------------------------------------------------------------------------------
# 2. decay episodes


def decay_episodes(
    readings: pd.DataFrame,
    curves: pd.DataFrame | None = None,
    *,
    title: str = "PrK pressure in hatch-closed episodes, with fitted decays",
    caption: str | None = None,
    ncols: int = 3,
) -> FigureResult:
    """Small multiples of the PrK pressure readings per episode, with fitted curves and bands.

    Transformations: readings without ``elapsed_h`` are dropped (counted in ``notes``); one
    panel per ``episode_id`` in order of first appearance; readings are points, horizontal
    bars show ``elapsed_low_h``..``elapsed_high_h`` when given; a curve row set (one per
    ``episode_id``, optionally several ``model`` values) is drawn as a line with a shaded
    ``low_mmhg``..``high_mmhg`` band.

    Args:
        readings: ``episode_id``, ``elapsed_h``, ``pressure_mmhg`` (optional ``kind``,
            ``elapsed_low_h``, ``elapsed_high_h``).
        curves: ``episode_id``, ``elapsed_h``, ``fit_mmhg`` (optional ``low_mmhg``,
            ``high_mmhg``, ``model``), or ``None``.
        title: Figure title.
        caption: Caption; computed default when ``None``.
        ncols: Panels per row.

    Returns:
        The figure; ``data`` holds the readings (``kind_row="reading"``) and curve rows.

    Example:
        >>> import pandas as pd
        >>> r = pd.DataFrame({"episode_id": ["E1", "E1"], "elapsed_h": [0.0, 18.0],
        ...                   "pressure_mmhg": [730.0, 620.0]})
        >>> decay_episodes(r).notes["episodes"]
        ['E1']
    """
    _require(readings, ["episode_id", "elapsed_h", "pressure_mmhg"], "decay_episodes(readings)")
    rd = readings.copy()
    rd["elapsed_h"] = pd.to_numeric(rd["elapsed_h"], errors="coerce")
    n_dropped = int(rd["elapsed_h"].isna().sum())
    rd = rd.dropna(subset=["elapsed_h", "pressure_mmhg"])
    counts = rd["episode_id"].astype(str).value_counts()
    untimed = [ep for ep in dict.fromkeys(readings["episode_id"].astype(str))
               if counts.get(ep, 0) < 2]
    episodes = [ep for ep in dict.fromkeys(rd["episode_id"].astype(str)) if counts[ep] >= 2]
    if not episodes:
        raise PrkError("decay_episodes(readings): no episode has two readings with elapsed times")
    rd = rd[rd["episode_id"].astype(str).isin(episodes)]
    ncols = max(1, min(ncols, len(episodes)))
    nrows = math.ceil(len(episodes) / ncols)
    fig = _new_figure((3.4 * ncols + 0.8, 2.9 * nrows + 0.6))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    fig.suptitle(title, fontweight="bold")
    cv = None
    if curves is not None and len(curves):
        _require(curves, ["episode_id", "elapsed_h", "fit_mmhg"], "decay_episodes(curves)")
        cv = curves.copy()
    for i, ep in enumerate(episodes):
        ax: Axes = axes[i // ncols][i % ncols]
        sub = rd[rd["episode_id"].astype(str) == ep]
        xerr = None
        if {"elapsed_low_h", "elapsed_high_h"} <= set(sub.columns):
            lo_h = pd.to_numeric(sub["elapsed_low_h"], errors="coerce").fillna(sub["elapsed_h"])
            hi_h = pd.to_numeric(sub["elapsed_high_h"], errors="coerce").fillna(sub["elapsed_h"])
            xerr = np.vstack([np.clip(sub["elapsed_h"] - lo_h, 0, None),
                              np.clip(hi_h - sub["elapsed_h"], 0, None)])
        ax.errorbar(sub["elapsed_h"], sub["pressure_mmhg"], xerr=xerr, fmt="o", color="#0072B2",
                    ms=5, capsize=2, label="reported reading", zorder=3)
        if cv is not None:
            csub = cv[cv["episode_id"].astype(str) == ep]
            models = csub["model"] if "model" in csub.columns else pd.Series("fit", csub.index)
            for j, (model, m) in enumerate(csub.groupby(models, sort=False)):
                m = m.sort_values("elapsed_h")
                color = theme.FIT_COLOR if j == 0 else theme.PALETTE[(j + 2) % 8]
                ax.plot(m["elapsed_h"], m["fit_mmhg"], color=color, lw=1.5, label=str(model))
                if {"low_mmhg", "high_mmhg"} <= set(m.columns):
                    ax.fill_between(m["elapsed_h"], m["low_mmhg"], m["high_mmhg"], color=color,
                                    alpha=0.18, lw=0)
        ax.set_title(ep, fontsize=10)
        ax.set_xlabel("hours since first reading (h)")
        ax.set_ylabel("PrK pressure (mmHg)")
        if i == 0:
            ax.legend(loc="upper right")
    for j in range(len(episodes), nrows * ncols):
        axes[j // ncols][j % ncols].set_visible(False)
    data = rd.assign(kind_row="reading")
    if cv is not None:
        data = pd.concat([data, cv.assign(kind_row="curve")], ignore_index=True)
    if caption is None:
        caption = (
            f"{len(rd)} crew-reported PrK pressures in {len(episodes)} hatch-closed episodes "
            "(points) with the fitted decay and its band. A steeper curve means a larger "
            "effective hole for the same volume; compare the 2020 panels with the post-repair "
            "ones."
        )
        if untimed:
            caption += (
                f" Not drawn (fewer than two readings with a known elapsed time): "
                f"{', '.join(untimed)}."
            )
    return _finish(fig, caption, data, "decay_episodes", episodes=episodes, untimed=untimed,
                   dropped_no_time=n_dropped)


# --------------------------------------------------------------------------------------------
# 3. break dating


def break_dating(
    series: pd.DataFrame,
    breaks: pd.DataFrame,
    *,
    x: str = "t",
    y: str = "value",
    fitted: str | None = None,
    truth: Sequence[float] | None = None,
    simulated: bool = True,
    xlabel: str = "time",
    ylabel: str = "value",
    title: str = "Estimated break dates with confidence intervals",
    caption: str | None = None,
) -> FigureResult:
    """A series with its estimated breaks (lines) and their confidence intervals (shaded).

    Transformations: the series is drawn as points (and the ``fitted`` column as a step line
    if given); each row of ``breaks`` draws a vertical line at ``estimate`` and a band from
    ``ci_low`` to ``ci_high``; known true break positions (``truth``) are dashed; a
    "SIMULATED" watermark is stamped when ``simulated`` is true.

    Args:
        series: Frame with columns ``x`` and ``y`` (and ``fitted`` if named).
        breaks: ``estimate``, ``ci_low``, ``ci_high`` in the units of ``x``.
        x: Name of the time column.
        y: Name of the value column.
        fitted: Optional column with the fitted segment means.
        truth: True break positions (simulations only).
        simulated: Whether the series is generated data (stamps the watermark).
        xlabel: X label with units.
        ylabel: Y label with units.
        title: Figure title.
        caption: Caption; computed default when ``None``.

    Returns:
        The figure; ``data`` holds the breaks with a ``truth`` column when known.

    Example:
        >>> import pandas as pd
        >>> s = pd.DataFrame({"t": range(10), "value": [0.0] * 5 + [1.0] * 5})
        >>> b = pd.DataFrame({"estimate": [4.5], "ci_low": [3.5], "ci_high": [5.5]})
        >>> float(break_dating(s, b, truth=[4.5]).data.loc[0, "truth"])
        4.5
    """
    _require(series, [x, y], "break_dating(series)")
    _require(breaks, ["estimate", "ci_low", "ci_high"], "break_dating(breaks)")
    fig = _new_figure((10.0, 4.6))
    ax = fig.add_subplot()
    ax.set_title(("SIMULATED: " if simulated else "") + title)
    ax.plot(series[x], series[y], ".", color="#7f7f7f", ms=3, label="series")
    if fitted is not None and fitted in series:
        ax.plot(series[x], series[fitted], color="#0072B2", lw=1.6, label="fitted segments")
    for k, b in breaks.reset_index(drop=True).iterrows():
        ax.axvspan(b["ci_low"], b["ci_high"], color=theme.FIT_COLOR, alpha=0.2,
                   label="95% CI" if k == 0 else None)
        ax.axvline(b["estimate"], color=theme.FIT_COLOR, lw=1.5,
                   label="estimated break" if k == 0 else None)
    if truth is not None:
        for k, tb in enumerate(truth):
            ax.axvline(tb, color="#000000", ls="--", lw=1.0, label="true break" if k == 0 else None)
    if simulated:
        theme.stamp_simulated(ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="best")
    data = breaks.reset_index(drop=True).copy()
    if truth is not None and len(truth) == len(data):
        data["truth"] = list(truth)
        data["covered"] = (data["ci_low"] <= data["truth"]) & (data["truth"] <= data["ci_high"])
    if caption is None:
        caption = (
            f"{len(data)} estimated break(s) with their 95% confidence interval (shaded)"
            + (" on generated data; dashed lines are the true breaks" if truth is not None
               else "")
            + ". The width of the band is the honest uncertainty of the date."
        )
    return _finish(fig, caption, data, "break_dating", simulated=simulated)


# --------------------------------------------------------------------------------------------
# 4. detection limits


def detection_limits(
    table: pd.DataFrame,
    *,
    references: Mapping[str, float] | None = None,
    y: str = "limit_kg_day",
    ylabel: str = "largest undetectable leak (kg/day, log scale)",
    title: str = "What a pressure hold cannot exclude",
    caption: str | None = None,
) -> FigureResult:
    """Largest undetectable leak versus hold duration, one line per gauge resolution and volume.

    Transformations: one line per (``resolution_mmhg``, ``volume_m3``) pair, colour by
    resolution and line style by volume, on log-log axes; each reference rate in
    ``references`` is a labelled horizontal line.

    Args:
        table: ``duration_h``, ``resolution_mmhg``, ``volume_m3`` and the ``y`` column.
        references: Label -> rate (kg/day) reference lines (e.g. the allowance, the 2024 peak).
        y: Column holding the limit.
        ylabel: Y label with units.
        title: Figure title.
        caption: Caption; computed default when ``None``.

    Returns:
        The figure; ``data`` is the input table (sorted).

    Example:
        >>> import pandas as pd
        >>> t = pd.DataFrame({"duration_h": [1.0, 10.0], "resolution_mmhg": [1.0, 1.0],
        ...                   "volume_m3": [5.0, 5.0], "limit_kg_day": [0.1, 0.01]})
        >>> detection_limits(t, references={"allowance": 0.9}).notes["n_lines"]
        1
    """
    _require(table, ["duration_h", "resolution_mmhg", "volume_m3", y], "detection_limits(table)")
    df = table.sort_values(["resolution_mmhg", "volume_m3", "duration_h"]).reset_index(drop=True)
    fig = _new_figure((9.0, 5.0))
    ax = fig.add_subplot()
    ax.set_title(title)
    res_vals = sorted(df["resolution_mmhg"].unique())
    vol_vals = sorted(df["volume_m3"].unique())
    styles = ["-", "--", ":", "-."]
    n = 0
    for (res, vol), sub in df.groupby(["resolution_mmhg", "volume_m3"], sort=True):
        color = theme.PALETTE[res_vals.index(res) % len(theme.PALETTE)]
        ax.plot(sub["duration_h"], sub[y], color=color, ls=styles[vol_vals.index(vol) % 4],
                lw=1.6, label=f"gauge {res:g} mmHg, PrK {vol:g} m³")
        n += 1
    for i, (label, val) in enumerate((references or {}).items()):
        # alternate above/below the line so that references with close values do not overprint
        va, dy = ("bottom", 2) if i % 2 == 0 else ("top", -2)
        ax.axhline(val, color=theme.ALLOWANCE_COLOR, lw=0.9, alpha=0.7, ls="--")
        ax.annotate(f"{label} ({val:.3g} kg/day)", xy=(0.99, val),
                    xycoords=("axes fraction", "data"), xytext=(0, dy),
                    textcoords="offset points", ha="right", va=va, fontsize=8,
                    color=theme.ALLOWANCE_COLOR)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.set_yscale("log")
    _plain_log_ticks(ax)
    ax.set_xlabel("hold duration (h, log scale)")
    ax.set_ylabel(ylabel)
    ax.legend(loc="lower left", ncol=2)
    if caption is None:
        caption = (
            "Below its line, a leak would change the PrK gauge by less than one resolution step "
            "during the hold and so cannot be excluded. Longer holds and finer gauges push the "
            "line down; a larger PrK volume pushes it up."
        )
    return _finish(fig, caption, df, "detection_limits", n_lines=n)


# --------------------------------------------------------------------------------------------
# 5. cumulative loss


def cumulative_loss(
    band: pd.DataFrame,
    *,
    deliveries: pd.DataFrame | None = None,
    allowance_kg_day: float | None = None,
    title: str = "Cumulative air lost through the PrK leak",
    caption: str | None = None,
) -> FigureResult:
    """Cumulative air lost as a band, against cumulative make-up gas and the allowance.

    Transformations: the band ``low_kg``..``high_kg`` is shaded (``central_kg`` drawn if
    present); deliveries (``date``, ``mass_kg``; optional ``mass_high_kg``) are accumulated
    from the band's first date and drawn as a step line; the allowance line is
    ``allowance_kg_day`` times the days since the band's first date.

    Args:
        band: ``date``, ``low_kg``, ``high_kg`` (optional ``central_kg``).
        deliveries: Gas deliveries with ``date``, ``mass_kg``, or ``None``.
        allowance_kg_day: Whole-station design allowance in kg/day, or ``None``.
        title: Figure title.
        caption: Caption; computed default when ``None``.

    Returns:
        The figure; ``data`` holds the band and, when given, the delivery and allowance rows.

    Example:
        >>> import pandas as pd
        >>> b = pd.DataFrame({"date": ["2020-01-01", "2021-01-01"], "low_kg": [0.0, 50.0],
        ...                   "high_kg": [0.0, 150.0]})
        >>> round(cumulative_loss(b, allowance_kg_day=0.9).notes["allowance_total_kg"], 1)
        329.4
    """
    _require(band, ["date", "low_kg", "high_kg"], "cumulative_loss(band)")
    bd = band.copy()
    bd["date"] = _as_ts(bd["date"])
    bd = bd.dropna(subset=["date"]).sort_values("date")
    t0, t1 = bd["date"].min(), bd["date"].max()
    fig = _new_figure((9.5, 5.0))
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.fill_between(bd["date"], bd["low_kg"], bd["high_kg"], color="#0072B2", alpha=0.25,
                    label="air lost (band)")
    if "central_kg" in bd:
        ax.plot(bd["date"], bd["central_kg"], color="#0072B2", lw=1.5, label="central path")
    parts = [bd.assign(series="loss")]
    notes: dict[str, Any] = {"loss_low_kg": float(bd["low_kg"].iloc[-1]),
                             "loss_high_kg": float(bd["high_kg"].iloc[-1])}
    if deliveries is not None and len(deliveries):
        _require(deliveries, ["date", "mass_kg"], "cumulative_loss(deliveries)")
        dv = deliveries.copy()
        dv["date"] = _as_ts(dv["date"])
        dv = dv[(dv["date"] >= t0) & (dv["date"] <= t1)].dropna(subset=["date"])
        dv = dv.sort_values("date")
        dv["cum_kg"] = pd.to_numeric(dv["mass_kg"], errors="coerce").fillna(0).cumsum()
        if len(dv):
            ax.step(dv["date"], dv["cum_kg"], where="post", color="#009E73", lw=1.5,
                    label=f"recorded make-up gas deliveries (n={len(dv)})")
        parts.append(dv.assign(series="deliveries"))
        notes["deliveries_total_kg"] = float(dv["cum_kg"].iloc[-1]) if len(dv) else 0.0
    if allowance_kg_day is not None:
        days = (t1 - t0).days
        al = pd.DataFrame({"date": [t0, t1], "allowance_kg": [0.0, allowance_kg_day * days]})
        ax.plot(al["date"], al["allowance_kg"], color=theme.ALLOWANCE_COLOR, ls="--", lw=1.2,
                label=f"whole-station allowance {allowance_kg_day:.3g} kg/day, accumulated")
        parts.append(al.assign(series="allowance"))
        notes["allowance_total_kg"] = float(allowance_kg_day * days)
    ax.set_xlabel("date (UTC)")
    ax.set_ylabel("cumulative air (kg)")
    ax.legend(loc="upper left")
    if caption is None:
        caption = (
            f"By {t1:%b %Y} the leak had cost between {notes['loss_low_kg']:.0f} and "
            f"{notes['loss_high_kg']:.0f} kg of air (band from the rate intervals and the "
            "unknown periods). Compare the band with the make-up gas and with what the "
            "design allowance alone would have let the whole station lose."
        )
    return _finish(fig, caption, pd.concat(parts, ignore_index=True), "cumulative_loss", **notes)


# --------------------------------------------------------------------------------------------
# 6. sensitivity to the PrK volume


def volume_sensitivity(
    table: pd.DataFrame,
    *,
    x: str = "volume_m3",
    hue: str | None = None,
    units: Mapping[str, str] | None = None,
    chosen: float | None = None,
    log: bool = False,
    title: str = "Sensitivity to the unpublished PrK free volume",
    caption: str | None = None,
) -> FigureResult:
    """One panel per quantity: estimate (and band) against the assumed PrK volume.

    Transformations: rows grouped by ``quantity``; ``estimate`` drawn as a line, ``low`` ..
    ``high`` shaded when present; a vertical line marks the ``chosen`` volume.

    Args:
        table: ``quantity``, ``x`` column, ``estimate`` (optional ``low``, ``high``).
        x: Name of the volume column (m³).
        hue: Optional column splitting each panel into several lines (e.g. ``episode_id``).
        units: Quantity -> unit text for the y labels.
        chosen: The volume used in the chapter (parameter), marked by a line.
        log: Log y axes.
        title: Figure title.
        caption: Caption; computed default when ``None``.

    Returns:
        The figure; ``data`` is the table.

    Example:
        >>> import pandas as pd
        >>> t = pd.DataFrame({"quantity": ["m"] * 2, "volume_m3": [3.0, 8.0],
        ...                   "estimate": [1.0, 2.0]})
        >>> volume_sensitivity(t, units={"m": "kg/day"}).fig.axes[0].get_ylabel()
        'm (kg/day)'
    """
    _require(table, ["quantity", x, "estimate"], "volume_sensitivity(table)")
    qs = list(dict.fromkeys(table["quantity"].astype(str)))
    fig = _new_figure((4.2 * len(qs) + 0.6, 3.8))
    axes = fig.subplots(1, len(qs), squeeze=False)[0]
    fig.suptitle(title, fontweight="bold")
    for ax, q in zip(axes, qs, strict=True):
        sub_q = table[table["quantity"].astype(str) == q]
        groups = list(sub_q.groupby(hue, sort=False)) if hue else [("", sub_q)]
        for j, (key, sub) in enumerate(groups):
            sub = sub.sort_values(x)
            color = theme.PALETTE[j % len(theme.PALETTE)]
            ax.plot(sub[x], sub["estimate"], color=color, lw=1.6, label=str(key) or None)
            if {"low", "high"} <= set(sub.columns):
                ax.fill_between(sub[x], sub["low"], sub["high"], color=color, alpha=0.15, lw=0)
        if hue and len(groups) > 1:
            ax.legend(loc="best")
        if log:
            ax.set_yscale("log")
            _plain_log_ticks(ax)
        if chosen is not None:
            ax.axvline(chosen, color="#555555", ls=":", lw=1)
        unit = (units or {}).get(q, "")
        ax.set_ylabel(f"{q} ({unit})" if unit else q)
        ax.set_xlabel("assumed PrK free volume (m³)")
    if caption is None:
        caption = (
            "The PrK free volume was never published; every mass or size derived from a "
            "pressure decay scales with it. Read each panel across the plausible range rather "
            "than at one point."
        )
    return _finish(fig, caption, table, "volume_sensitivity", quantities=qs)


# --------------------------------------------------------------------------------------------
# 7. intervals (ratios, reference comparisons, coverage)


def interval_forest(
    table: pd.DataFrame,
    *,
    label: str = "label",
    estimate: str = "estimate",
    low: str = "low",
    high: str = "high",
    reference: float | None = None,
    reference_label: str = "",
    log: bool = False,
    xlabel: str = "value",
    title: str = "Estimates with intervals",
    caption: str = "",
    simulated: bool = False,
    open_high: str | None = "high_unbounded",
) -> FigureResult:
    """Forest plot: one row per estimate with its interval, and an optional reference line.

    Transformations: rows drawn top to bottom in table order; ``low``..``high`` as a bar, the
    ``estimate`` as a dot; an interval with no upper bound (``high`` infinite, or the
    ``open_high`` column true) as an arrow from ``low`` to the axis edge, never a bar to a
    made-up bound; the x range covers the finite values; a vertical ``reference`` line (e.g.
    ratio 2 for "doubled", or the nominal coverage 0.95) labelled inside the axes, under the
    title; a log axis labelled in plain decimals.

    Args:
        table: Frame with the label, estimate, low and high columns.
        label: Label column.
        estimate: Estimate column.
        low: Lower-bound column.
        high: Upper-bound column.
        reference: X position of a reference line.
        reference_label: Text of the reference line.
        log: Log x axis.
        xlabel: X label with units.
        title: Figure title.
        caption: Caption.
        simulated: Stamp a "SIMULATED" watermark.
        open_high: Boolean column marking intervals with no upper bound (optional).

    Returns:
        The figure; ``data`` is the table.

    Example:
        >>> import pandas as pd
        >>> t = pd.DataFrame({"label": ["x"], "estimate": [2.0], "low": [1.0], "high": [3.0]})
        >>> interval_forest(t, reference=2.0, xlabel="ratio (-)").fig.axes[0].get_xlabel()
        'ratio (-)'
    """
    _require(table, [label, estimate, low, high], "interval_forest(table)")
    df = table.reset_index(drop=True)
    fig = _new_figure((8.5, 0.45 * len(df) + 1.6))
    ax = fig.add_subplot()
    ax.set_title(("SIMULATED: " if simulated else "") + title)
    ypos = np.arange(len(df))[::-1]
    est = pd.to_numeric(df[estimate], errors="coerce").to_numpy(dtype=float)
    lo = pd.to_numeric(df[low], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(df[high], errors="coerce").to_numpy(dtype=float)
    open_hi = np.isposinf(hi)
    if open_high and open_high in df.columns:
        open_hi |= df[open_high].fillna(False).astype(bool).to_numpy()
    finite = np.concatenate([v[np.isfinite(v) & ((v > 0) | (not log))] for v in
                             (lo, est, np.where(open_hi, np.nan, hi))])
    if reference is not None:
        finite = np.append(finite, reference)
    if finite.size:
        right = finite.max() * (3.0 if log else 1.0) + (0.0 if log else 0.15 * np.ptp(finite) or 1)
        left = finite.min() / (1.5 if log else 1.0) - (0.0 if log else 0.05 * np.ptp(finite))
        ax.set_xlim(left, right)
    closed = ~open_hi
    ax.hlines(ypos[closed], lo[closed], hi[closed], color="#0072B2", lw=2.2, alpha=0.7)
    for y, start in zip(ypos[open_hi], lo[open_hi], strict=True):
        # open-ended: an arrow from the lower end to the axis edge, not a bar to a bound
        ax.annotate("", xy=(1.0, y), xycoords=("axes fraction", "data"), xytext=(start, y),
                    textcoords="data",
                    arrowprops={"arrowstyle": "-|>", "color": "#0072B2", "lw": 2.2,
                                "alpha": 0.7, "shrinkA": 0, "shrinkB": 0})
    ax.plot(est, ypos, "o", color="#0072B2")
    if open_hi.any():
        ax.plot([], [], color="#0072B2", lw=2.2, marker=">", label="no upper bound (open-ended)")
        ax.legend(loc="lower right", fontsize=8, frameon=True)
    if reference is not None:
        ax.axvline(reference, color=theme.ALLOWANCE_COLOR, ls="--", lw=1.1)
        if reference_label:
            ax.annotate(reference_label, xy=(reference, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(4, -4), textcoords="offset points",
                        ha="left", va="top", fontsize=8, color=theme.ALLOWANCE_COLOR)
    ax.set_yticks(ypos, df[label].astype(str).tolist())
    if log:
        ax.set_xscale("log")
        _plain_log_ticks(ax, axis="x")
    ax.set_xlabel(xlabel)
    ax.set_ylim(-0.8, len(df) - 0.2 + (0.6 if reference_label else 0.0))
    if simulated:
        theme.stamp_simulated(ax)
    return _finish(fig, caption or title, df, "interval_forest")


# --------------------------------------------------------------------------------------------
# 8. sources


def sources_by_grade(
    sources: pd.DataFrame,
    *,
    by: str = "grade",
    title: str = "Sources of the evidence base by grade",
    caption: str | None = None,
) -> FigureResult:
    """Bar chart of the number of sources per grade (P, T, A).

    Args:
        sources: Frame with a ``by`` column (default ``grade``).
        by: The grade column.
        title: Figure title.
        caption: Caption; computed default when ``None``.

    Returns:
        The figure; ``data`` has ``grade`` and ``n_sources``.

    Example:
        >>> import pandas as pd
        >>> s = pd.DataFrame({"grade": ["P", "T", "T", "A"]})
        >>> sources_by_grade(s).data.set_index("grade")["n_sources"].to_dict()
        {'P': 1, 'T': 2, 'A': 1}
    """
    _require(sources, [by], "sources_by_grade(sources)")
    order = ["P", "T", "A"]
    counts = sources[by].astype(str).str.upper().value_counts()
    grades = [g for g in order if g in counts.index] + [g for g in counts.index if g not in order]
    data = pd.DataFrame({"grade": grades, "n_sources": [int(counts[g]) for g in grades]})
    fig = _new_figure((6.5, 3.6))
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.bar(data["grade"], data["n_sources"], color=[theme.grade_color(g) for g in grades])
    for xi, n in enumerate(data["n_sources"]):
        ax.annotate(str(n), xy=(xi, n), ha="center", va="bottom", fontsize=9)
    ax.set_xlabel("source grade (P primary, T trade/wire, A aggregator)")
    ax.set_ylabel("number of sources (count)")
    if caption is None:
        caption = (
            f"{int(data['n_sources'].sum())} sources: "
            + ", ".join(f"{n} {g}" for g, n in zip(data["grade"], data["n_sources"], strict=True))
            + ". Much of the record reaches us through relays; the grade filter in the "
            "parameters decides which of them the estimates trust."
        )
    return _finish(fig, caption, data, "sources_by_grade")
