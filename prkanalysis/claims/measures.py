"""Measures: what the evidence says about the quantity a claim is about.

A measure is ``f(evidence, args) -> Measured``: an interval ``(low, point, high)`` in the
claim's band unit, or a category; the deciding rows; qualifications (``flags``) and plain
notes; a reason the claim no longer holds (``superseded``); or why it cannot be formed
(``missing``). Measures hold no numbers of their own: bands, windows and row ids come from
``data/claims.csv`` (the claim's ``measure_args``), defaults from ``data/judgements.csv``,
and the leak rates from :func:`prkanalysis.analysis.rates.trusted_rates` (the selection the
chapters use). Rows are found by id, category or kind, never by matching free text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from prkanalysis.analysis.judgements import Defaults
from prkanalysis.analysis.rates import ratios_2024, trusted_rates
from prkanalysis.clean import best_grade, rate_bounds, rounding_halfwidth
from prkanalysis.errors import PrkError
from prkanalysis.models import rate_ratio
from prkanalysis.units import convert

__all__ = ["MEASURES", "Evidence", "Measured", "prepare"]

Row = tuple[str, str, str]
#: Exact length factors to millimetres (1 in = 25.4 mm by definition).
_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4, "ft": 304.8}
_YEAR = 365.25


@dataclass
class Measured:
    """A measure's result (see the module description)."""

    value: tuple[Any, Any, Any] | None = None
    category: str = ""
    numbers: dict[str, Any] = field(default_factory=dict)
    evidence: tuple[Row, ...] = ()
    grades: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    superseded: str = ""
    missing: str = ""


@dataclass(frozen=True)
class Evidence:
    """The record graded once: ``grade_best`` per row from the sources it cites."""

    judgements: Defaults
    as_of: pd.Timestamp | None
    rates: pd.DataFrame
    events: pd.DataFrame
    figures: pd.DataFrame
    constants: pd.DataFrame
    readings: pd.DataFrame
    grade_of: Mapping[str, str]

    @property
    def grades(self) -> tuple[str, ...]:
        return self.judgements.grades

    def trusted(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["grade_best"].isin(self.grades).to_numpy()]

    def of(self, categories: str, *, trusted: bool = True) -> pd.DataFrame:
        """Events of the space-separated ``categories``, earliest first."""
        ev = self.events[self.events["category"].isin(categories.split()).to_numpy()]
        return self.trusted(ev) if trusted else ev

    def ids(self, frame: pd.DataFrame, col: str, ids: str) -> pd.DataFrame:
        """Trusted rows of ``frame`` whose ``col`` is one of the space-separated ``ids``."""
        return self.trusted(frame[frame[col].isin(ids.split()).to_numpy()])

    def rows(self, frame: pd.DataFrame, col: str) -> tuple[Row, ...]:
        return tuple((str(r), s, self.grade_of.get(s, "?"))
                     for r, sids in zip(frame[col], frame["source_ids"], strict=True)
                     for s in str(sids).split(";") if s.strip())

    def lack(self, what: str, everywhere: pd.DataFrame | None = None) -> str:
        """Why a measure cannot be formed, in words a reader can act on."""
        when = f" by {self.as_of:%Y-%m-%d}" if self.as_of is not None else ""
        if everywhere is not None and len(everywhere):
            return f"no grade-{'/'.join(self.grades)} source reports {what}{when}"
        return f"the record has no {what}{when}"


def _graded(frame: pd.DataFrame, grades: Mapping[str, str], *dates: str) -> pd.DataFrame:
    out = frame.copy()
    out["grade_best"] = [best_grade(s, grades) for s in out["source_ids"]]
    for c in dates:
        if c in out.columns:
            out[c] = pd.to_datetime(out[c].astype("string").str.slice(0, 10), errors="coerce")
    return out


def prepare(record: Any, judgements: Defaults, as_of: pd.Timestamp | None) -> Evidence:
    """Grade the (already as-of restricted) record and select the trusted rates."""
    grades = {str(k): str(v) for k, v in zip(record.sources["source_id"],
                                             record.sources["grade"], strict=True)}
    j = judgements
    rates, _ = trusted_rates(record, j.grades, j.include_derived,
                             include_secondary=j.include_secondary, approx_rel=j.approx_rel,
                             nearly_rel=j.nearly_rel)
    events = _graded(record.events, grades, "date_start", "date_end")
    events["date_end"] = events["date_end"].fillna(events["date_start"])
    events = events.sort_values(["date_start", "date_end"], kind="stable")
    return Evidence(j, as_of, rates, events,
                    _graded(record.other_figures, grades, "date_start", "date_end",
                            "reported_on"),
                    _graded(record.constants, grades),
                    _graded(record.pressure_readings, grades, "time"), grades)


def _g(x: Any, digits: int = 3) -> str:
    if isinstance(x, pd.Timestamp):
        return x.strftime("%Y-%m-%d")
    if isinstance(x, float):
        return "n/a" if math.isnan(x) else "unbounded" if math.isinf(x) else f"{x:.{digits}g}"
    return str(x)


def _when(start: Any, end: Any) -> str:
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if s == e:
        return _g(s)
    if s.day == 1 and e.is_month_end and (s.year, s.month) == (e.year, e.month):
        return s.strftime("%Y-%m")
    return f"{_g(s)} to {_g(e)}"


def _rate(r: pd.Series) -> tuple[float, float, float]:
    return float(r["kg_per_day_low"]), float(r["kg_per_day"]), float(r["kg_per_day_high"])


def _peak(ev: Evidence) -> pd.Series | None:
    r = ev.rates.dropna(subset=["kg_per_day"])
    return None if r.empty else r.sort_values(["kg_per_day", "kg_per_day_low"],
                                              ascending=False, kind="stable").iloc[0]


def _in_month(frame: pd.DataFrame, month: str) -> pd.DataFrame:
    p = pd.Period(month, freq="M")
    return frame[(frame["period_start"] >= p.start_time)
                 & (frame["period_end"] <= p.end_time.normalize())]


def _after_stop(ev: Evidence, stop: pd.Series, a: Mapping[str, str]) -> pd.DataFrame:
    """Rows dated after ``stop`` that show the leak active: events of the ``recurrence`` and
    ``response`` categories and rates with a positive lower bound (columns ``kind``, ``id``,
    ``start``, ``end``, ``grade_best``, ``source_ids``).
    """
    later = ev.of(f"{a['recurrence']} {a.get('response', '')}")
    later = later[later["date_start"] > stop["date_end"]]
    r = ev.rates
    r = r[(r["period_start"] > stop["date_end"]) & (r["kg_per_day_low"] > 0)]
    cols = ["kind", "id", "start", "end", "grade_best", "source_ids"]
    frames = [pd.DataFrame({"kind": later["category"] + " event", "id": later["event_id"],
                            "start": later["date_start"], "end": later["date_end"],
                            "grade_best": later["grade_best"],
                            "source_ids": later["source_ids"]}),
              pd.DataFrame({"kind": "rate", "id": r["rate_id"], "start": r["period_start"],
                            "end": r["period_end"], "grade_best": r["grade_best"],
                            "source_ids": r["source_ids"]})]
    both = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(
        len(f) for f in frames) else pd.DataFrame(columns=cols)
    return both.sort_values(["start", "end"], kind="stable")


def cause_found(ev: Evidence, a: Mapping[str, str]) -> Measured:
    """What the record names as the leak's source: 'crack' if a crack find is reported."""
    cracks = ev.of(a["category"])
    if cracks.empty:
        return Measured(missing=ev.lack("a crack find", ev.of(a["category"], trusted=False)))
    causes = ev.of(a["cause"])
    lengths = ev.ids(ev.figures, "figure_id", a["lengths"])
    mm = [(float(r["value"]) * _MM[r["unit"]],
           float(r["value_high"] if pd.notna(r.get("value_high")) else r["value"])
           * _MM[r["unit"]]) for _, r in lengths.iterrows() if r["unit"] in _MM]
    counts = ev.ids(ev.figures, "figure_id", a["counts"])
    m = Measured(category="crack", numbers={
        "crack_events": len(cracks), "repair_events": len(ev.of("repair")),
        "cause_statements": len(causes)})
    if len(counts):
        m.notes.append(f"up to {counts['value'].max():g} cracks were tracked")
    if mm and max(h for _, h in mm) > float(a["microscopic_mm"]):
        lo, hi = min(x for x, _ in mm), max(h for _, h in mm)
        m.numbers.update(crack_length_mm_low=lo, crack_length_mm_high=hi)
        m.flags.append(f"the cracks found were {_g(lo)}-{_g(hi)} mm long, not microscopic")
        hole = ev.ids(ev.figures, "figure_id", a.get("hole", ""))
        if len(hole):
            m.notes.append(f"the leak equalled a {_g(float(hole['value'].iloc[0]))} mm hole")
    actors = {str(x) for x in causes["actor"].dropna()}
    if len(causes) >= 2 or len(actors) >= 2:
        m.flags.append(f"{len(causes)} competing cause statements from {len(actors)} parties "
                       "leave the root cause of the cracks unresolved")
    m.evidence = ev.rows(pd.concat([cracks, causes]), "event_id") + ev.rows(lengths,
                                                                           "figure_id")
    m.grades = list(pd.concat([cracks, causes])["grade_best"])
    return m


def duration_years(ev: Evidence, a: Mapping[str, str]) -> Measured:
    """Years from the first start event to the first end event after it, as an interval."""
    first, ends = ev.of(a["start"]), ev.of(a["end"])
    if first.empty or ends.empty:
        what, cat = ("a detection event", a["start"]) if first.empty else ("a stop event",
                                                                          a["end"])
        return Measured(missing=ev.lack(what, ev.of(cat, trusted=False)))
    d0 = first.iloc[0]
    ends = ends[ends["date_start"] >= d0["date_start"]]
    if ends.empty:
        return Measured(missing="no stop event follows the first detection")
    s0 = ends.iloc[0]
    lo = (s0["date_start"] - d0["date_end"]).days / _YEAR
    hi = (s0["date_end"] - d0["date_start"]).days / _YEAR
    m = Measured((lo, (lo + hi) / 2, hi), numbers={
        "years_low": lo, "years_high": hi, "detection": _when(d0["date_start"], d0["date_end"]),
        "stop": _when(s0["date_start"], s0["date_end"])})
    after = _after_stop(ev, s0, a)
    if len(after):
        f = after.iloc[0]
        rlo = (f["start"] - s0["date_end"]).days / _YEAR
        rhi = (f["end"] - s0["date_start"]).days / _YEAR
        m.numbers.update(active_again_years_low=rlo, active_again_years_high=rhi)
        m.flags.append(f"the leak was active again {_g(rlo, 2)}-{_g(rhi, 2)} years after the "
                       f"stop (first sign: a {f['kind']}, {f['id']})")
    key = pd.concat([first.iloc[:1], ends.iloc[:1]])
    m.evidence = ev.rows(key, "event_id") + ev.rows(after.iloc[:1].rename(
        columns={"id": "event_id"}), "event_id")
    m.grades = list(key["grade_best"])
    return m


def ratio_to_baseline(ev: Evidence, a: Mapping[str, str]) -> Measured:
    """The rates of ``after_month`` over the dated baselines (analysis.rates.ratios_2024)."""
    r = ratios_2024(ev.rates, after_months=[a["after_month"]], judgements=ev.judgements)
    if r.empty:
        return Measured(missing=ev.lack("both a dated baseline and a rate of "
                                        f"{a['after_month']}", None))
    width = r["ratio_high"] - r["ratio_low"]
    best = r.loc[width.idxmin()]
    m = Measured((float(r["ratio_low"].min()), float(best["ratio_point"]),
                  float(r["ratio_high"].max())), numbers={
        "baselines": ", ".join(dict.fromkeys(r["before_id"])),
        "after": ", ".join(dict.fromkeys(r["after_id"])),
        "ratio_low": float(r["ratio_low"].min()), "ratio_high": float(r["ratio_high"].max()),
        "pair": f"{best['after_id']}/{best['before_id']}", "ratio": float(best["ratio_point"]),
        "pairs": len(r)})
    rows = ev.rates[ev.rates["rate_id"].isin(set(r["before_id"]) | set(r["after_id"]))]
    m.evidence, m.grades = ev.rows(rows, "rate_id"), list(rows["grade_best"])
    return m


def figure_value(ev: Evidence, a: Mapping[str, str]) -> Measured:
    """The highest figure of ``kind`` (value to value_high), dated by the overlapping event."""
    figs = ev.trusted(ev.figures[ev.figures["kind"] == a["kind"]])
    if figs.empty:
        return Measured(missing=ev.lack(f"a {a['kind']} figure",
                                        ev.figures[ev.figures["kind"] == a["kind"]]))
    s = figs.sort_values("value", kind="stable").iloc[-1]
    hi = float(s["value_high"]) if pd.notna(s.get("value_high")) else float(s["value"])
    ov = ev.of(a["event"])
    ov = ov[(ov["date_start"] <= s["date_end"]) & (ov["date_end"] >= s["date_start"])]
    lo_d = max([s["date_start"], *ov["date_start"].iloc[:1]])
    hi_d = min([s["date_end"], *ov["date_end"].iloc[:1]])
    m = Measured((float(s["value"]), float(s["value"]), hi), numbers={
        "score": _g(float(s["value"])), "rated": _when(lo_d, hi_d),
        "span_days": (hi_d - lo_d).days + 1})
    m.evidence = ev.rows(figs.loc[[s.name]], "figure_id") + ev.rows(ov.iloc[:1], "event_id")
    m.grades = [s["grade_best"]]
    return m


def stop_confirmation(ev: Evidence, a: Mapping[str, str]) -> Measured:
    """The latest stop confirmation ('holding steady'), and what came after it."""
    stops = ev.of("stop")
    if stops.empty:
        return Measured(missing=ev.lack("a stop confirmation", ev.of("stop", trusted=False)))
    stop = stops.iloc[-1]
    by = a["actor"] in str(stop["actor"])
    m = Measured(category="holding steady", numbers={
        "stop": _when(stop["date_start"], stop["date_end"]),
        "confirmed_by": a["actor"] if by else str(stop["actor"])})
    if not by:
        m.flags.append(f"confirmed by someone other than {a['actor']}")
    rd = ev.trusted(ev.readings)
    n = int(((rd["time"] <= stop["date_end"])
             & (rd["time"] > stop["date_start"] - pd.Timedelta(days=365))).sum())
    m.numbers["prk_readings_prior_year"] = n
    m.notes.append(f"a steady gauge bounds only the NET flow into the PrK (leak minus inflow "
                   f"across the hatch seal), and with {n} published PrK readings from the year "
                   "before it and no hold duration the hidden outflow cannot be sized "
                   "(physics.net_flow_bound needs both)")
    after = _after_stop(ev, stop, a)
    if len(after):
        f = after.iloc[0]
        days = ((f["start"] - stop["date_end"]).days, (f["end"] - stop["date_start"]).days)
        m.numbers.update(rows_after=len(after), first_after=f"{f['id']} ({f['kind']})",
                         days_after_low=days[0], days_after_high=days[1])
        m.superseded = (f"after it came {len(after)} report(s) of the leak, the first a "
                        f"{f['kind']} ({f['id']}, {_when(f['start'], f['end'])}, "
                        f"{days[0]}-{days[1]} days later)")
    m.evidence = ev.rows(stops.iloc[-1:], "event_id") + ev.rows(
        after.rename(columns={"id": "row_id"}), "row_id")
    m.grades = [stop["grade_best"]]
    return m


def first_event_date(ev: Evidence, a: Mapping[str, str]) -> Measured:
    """The date interval of the first event of ``category`` (alternatives in its contest group)."""
    det = ev.of(a["category"])
    if det.empty:
        return Measured(missing=ev.lack(f"a {a['category']} event",
                                        ev.of(a["category"], trusted=False)))
    d0 = det.iloc[0]
    s, e = d0["date_start"], d0["date_end"]
    m = Measured((s, s + (e - s) / 2, e), numbers={"first": _when(s, e)})
    grp = d0.get("contest_group")
    if isinstance(grp, str) and grp:
        alt = ev.trusted(ev.events[ev.events.get("contest_group") == grp])
        alt = alt[alt["event_id"] != d0["event_id"]]
        if len(alt):
            m.flags.append("the record holds other dates for it: " + ", ".join(
                f"{i} {_when(x, y)}" for i, x, y in zip(alt["event_id"], alt["date_start"],
                                                         alt["date_end"], strict=True)))
    m.evidence, m.grades = ev.rows(det.iloc[:1], "event_id"), [d0["grade_best"]]
    return m


def rise_between_months(ev: Evidence, a: Mapping[str, str]) -> Measured:
    """Percent rise from each rate of month ``from`` to each of month ``to``."""
    x, y = _in_month(ev.rates, a["from"]), _in_month(ev.rates, a["to"])
    if x.empty or y.empty:
        return Measured(missing=ev.lack(f"a rate in both {a['from']} and {a['to']}", None))
    pairs = [(p, q, rate_ratio(*_rate(p)[::2], *_rate(q)[::2], a_point=p["kg_per_day"],
                               b_point=q["kg_per_day"]))
             for _, p in x.iterrows() for _, q in y.iterrows()]
    p, q, best = min(pairs, key=lambda t: t[2].high - t[2].low)
    lo, hi = 100 * (min(t[2].low for t in pairs) - 1), 100 * (max(t[2].high for t in pairs) - 1)
    m = Measured((lo, 100 * (best.point - 1), hi), numbers={
        "rise": _g(100 * (best.point - 1)), "rise_low": _g(lo), "rise_high": _g(hi),
        "pairs": len(pairs), "pair": f"{p['rate_id']}>{q['rate_id']}"})
    rows = pd.concat([x, y])
    m.evidence, m.grades = ev.rows(rows, "rate_id"), list(rows["grade_best"])
    return m


def cut_after_repair(ev: Evidence, a: Mapping[str, str]) -> Measured:
    """Fractional cut from the peak rate to the rates after the first repair that follows it."""
    peak = _peak(ev)
    if peak is None:
        return Measured(missing=ev.lack("a leak rate"))
    reps = ev.of("repair")
    reps = reps[reps["date_start"] >= peak["period_start"]]
    if reps.empty:
        return Measured(missing=ev.lack("a repair after the peak", None))
    rep = reps.iloc[0]
    r = ev.rates
    post = r[(r["period_start"] > peak["period_end"]) & (r["period_start"] <= rep["date_end"]
                                                         + pd.Timedelta(days=int(a["window_days"])))]
    pk_lo, pk, pk_hi = _rate(peak)
    m = Measured(numbers={"peak": peak["rate_id"], "repair": _when(rep["date_start"],
                                                                   rep["date_end"])})
    if len(post):
        cuts = [(1 - q["kg_per_day_high"] / pk_lo, 1 - q["kg_per_day"] / pk,
                 1 - q["kg_per_day_low"] / pk_hi) for _, q in post.iterrows()]
        m.value = (min(c[0] for c in cuts), cuts[0][1], max(c[2] for c in cuts))
        m.evidence = ev.rows(pd.concat([peak.to_frame().T, post]), "rate_id")
        m.grades = list(post["grade_best"])
    else:
        fr = ev.trusted(ev.figures[(ev.figures["kind"] == a["fraction"])
                                   & (ev.figures["date_end"] >= rep["date_start"])])
        if fr.empty:
            return Measured(missing=ev.lack("a post-repair rate or a stated cut", None))
        v = float(fr["value"].iloc[0])
        m.value = (v, v, v)
        m.flags.append("no measured post-repair rate is public; only the stated fraction")
        m.evidence, m.grades = ev.rows(fr.iloc[:1], "figure_id"), list(fr["grade_best"])
    m.numbers.update(cut=_g(m.value[1]), cut_low=_g(m.value[0]), cut_high=_g(m.value[2]))
    m.evidence += ev.rows(reps.iloc[:1], "event_id")
    return m


def _kg_day(row: pd.Series, approx_rel: float) -> tuple[float, float, float]:
    q = "=" if pd.isna(row.get("qualifier")) else str(row["qualifier"])
    lo, hi, _ = rate_bounds(q, float(row["value"]), None, None, approx_rel=approx_rel,
                            rounding=False)
    f = float(convert(1.0, str(row["unit"]), "kg/day"))
    return lo * f, float(row["value"]) * f, hi * f


def stated_multiple(ev: Evidence, a: Mapping[str, str]) -> Measured:
    """The multiple the record's figure row states (its qualifier read as an interval)."""
    fig = ev.ids(ev.figures, "figure_id", a["figure"])
    if fig.empty:
        return Measured(missing=ev.lack(f"the figure {a['figure']}", ev.figures[
            ev.figures["figure_id"] == a["figure"]]))
    f = fig.iloc[0]
    lo, hi, _ = rate_bounds(str(f["qualifier"]), float(f["value"]), None, None,
                            approx_rel=ev.judgements.approx_rel, rounding=False)
    m = Measured((lo, float(f["value"]), hi), numbers={
        "figure": f"{f['figure_id']}, '{f['value_reported']}'", "multiple": _g(lo)
        if math.isinf(hi) else f"{_g(lo)}-{_g(hi)}"})
    m.flags.append("the planned rate itself is not published, so no independent number "
                   "checks the multiple")
    peak = _peak(ev)
    for key in ("requirement", "background"):
        c = ev.ids(ev.constants, "constant_id", a.get(key, ""))
        if len(c) and peak is not None:
            clo, _, chi = _kg_day(c.iloc[0], ev.judgements.approx_rel)
            rr = rate_ratio(clo, chi, float(peak["kg_per_day_low"]),
                            float(peak["kg_per_day_high"]))
            m.numbers[f"x_{key}_low"], m.numbers[f"x_{key}_high"] = rr.low, rr.high
            m.notes.append(f"the peak {peak['rate_id']} was {_g(rr.low)}-{_g(rr.high)} times "
                           f"the {key} ({c['constant_id'].iloc[0]}, "
                           f"{c['value_reported'].iloc[0]})")
            m.evidence += ev.rows(c.iloc[:1], "constant_id")
    m.evidence = ev.rows(fig.iloc[:1], "figure_id") + m.evidence
    m.grades = [f["grade_best"]]
    return m


def renewed_leak(ev: Evidence, a: Mapping[str, str]) -> Measured:
    """Reports (rows and their sources) of the leak active after the last stop, in ``year``."""
    stops = ev.of("stop")
    if stops.empty:
        return Measured(missing=ev.lack("a stop confirmation", ev.of("stop", trusted=False)))
    stop = stops.iloc[-1]
    after = _after_stop(ev, stop, a)
    after = after[pd.to_datetime(after["start"]).dt.year == int(a["year"])]
    if after.empty:
        return Measured(missing=f"{ev.lack('a report of the leak after the stop')} in "
                        f"{a['year']} (no report is not proof of absence)")
    srcs = {s for ids in after["source_ids"] for s in str(ids).split(";") if s}
    trusted = sorted(s for s in srcs if ev.grade_of.get(s) in ("P", "T"))
    m = Measured(category="back", numbers={
        "stop": _when(stop["date_start"], stop["date_end"]), "reports": len(after),
        "sources": len(srcs), "trusted_sources": len(trusted)})
    if True:
        m.notes.append("first: " + ", ".join(f"{k} {i} ({_when(s, e)})" for k, i, s, e in zip(
            after["kind"].iloc[:3], after["id"].iloc[:3], after["start"].iloc[:3],
            after["end"].iloc[:3], strict=True)))
    m.evidence = ev.rows(stops.iloc[-1:], "event_id") + ev.rows(
        after.rename(columns={"id": "row_id"}), "row_id")
    m.grades = list(after["grade_best"])
    return m


def peak_rate(ev: Evidence, a: Mapping[str, str]) -> Measured:
    """The highest trusted leak rate in kg/day, with its bounds (qualified if not in ``month``)."""
    peak = _peak(ev)
    if peak is None or _in_month(ev.rates, a["month"]).empty:
        return Measured(missing=ev.lack(f"a leak rate in {a['month']}"))
    lo, pt, hi = _rate(peak)
    m = Measured((lo, pt, hi), numbers={
        "peak": peak["rate_id"], "period": _when(peak["period_start"], peak["period_end"]),
        "kg_per_day": _g(pt, 4), "kg_per_day_low": _g(lo, 4), "kg_per_day_high": _g(hi, 4)})
    if len(_in_month(peak.to_frame().T, a["month"])) == 0:
        m.flags.append(f"the peak is not in {a['month']}")
    m.evidence, m.grades = ev.rows(peak.to_frame().T, "rate_id"), [peak["grade_best"]]
    return m


def _episode_k(grp: pd.DataFrame) -> tuple[float, float, float] | None:
    """``k = ln(p0/p1)/t`` per hour of an episode's first and last timed readings, with bounds
    from half a unit of the printed pressures and the elapsed-time bounds.
    """
    r = grp[(grp["kind"] == "reading") & grp["elapsed_h"].notna()].sort_values("elapsed_h")
    if len(r) < 2:
        return None
    a, b = r.iloc[0], r.iloc[-1]
    t = float(b["elapsed_h"]) - float(a["elapsed_h"])
    t_lo = float(b["elapsed_low_h"]) if pd.notna(b["elapsed_low_h"]) else t
    t_hi = float(b["elapsed_high_h"]) if pd.notna(b["elapsed_high_h"]) else t
    if t <= 0 or t_lo <= 0:
        return None
    p0, p1 = float(a["pressure_mmhg"]), float(b["pressure_mmhg"])
    h0, h1 = (rounding_halfwidth(x["pressure_reported"]) for x in (a, b))
    return (math.log((p0 - h0) / (p1 + h1)) / t_hi, math.log(p0 / p1) / t,
            math.log((p0 + h0) / (p1 - h1)) / t_lo)


def sealing_factor(ev: Evidence, a: Mapping[str, str]) -> Measured:
    """K before / k after the last sealing before the statement, from the pressure tests
    between them (a test must start after the sealing's last day and before the statement).
    """
    fig = ev.ids(ev.figures, "figure_id", a["figure"])
    if fig.empty:
        return Measured(missing=ev.lack(f"the figure {a['figure']}", ev.figures[
            ev.figures["figure_id"] == a["figure"]]))
    f = fig.iloc[0]
    said = f["reported_on"] if pd.notna(f["reported_on"]) else f["date_start"]
    reps = ev.of(a["repair"])
    reps = reps[reps["date_end"] < said]
    if reps.empty:
        return Measured(missing=ev.lack("a sealing before the statement", None))
    rep = reps.iloc[-1]
    tests = []
    for eid, grp in ev.trusted(ev.readings).groupby("episode_id", sort=False):
        k, t0 = _episode_k(grp), grp["time"].min()
        if k is not None and pd.notna(t0):
            tests.append((str(eid), t0, k, grp))
    after = [t for t in tests if rep["date_end"] + pd.Timedelta(days=1) <= t[1] < said]
    before = [t for t in tests if t[1] < rep["date_start"]]
    m = Measured(numbers={"repair": _when(rep["date_start"], rep["date_end"]),
                          "statement": _g(said)})
    m.evidence = ev.rows(fig.iloc[:1], "figure_id") + ev.rows(reps.iloc[-1:], "event_id")
    if not after or not before:
        side = "between the sealing and the statement" if not after else "before the sealing"
        m.missing = (f"no pressure test lies {side} (sealing {m.numbers['repair']}, "
                     f"statement {m.numbers['statement']})")
        return m
    b, aa = max(before, key=lambda t: t[1]), min(after, key=lambda t: t[1])
    rr = rate_ratio(aa[2][0], aa[2][2], b[2][0], b[2][2], a_point=aa[2][1], b_point=b[2][1])
    m.value = (rr.low, rr.point, rr.high)
    m.numbers.update(before=b[0], after=aa[0], k_ratio_low=_g(rr.low), k_ratio_high=_g(rr.high))
    rows = pd.concat([aa[3], b[3]])
    m.evidence += ev.rows(rows, "reading_id")
    m.grades = [f["grade_best"]]
    return m


#: Every measure by the name ``data/claims.csv`` uses.
MEASURES: dict[str, Callable[[Evidence, Mapping[str, str]], Measured]] = {
    f.__name__: f for f in (cause_found, duration_years, ratio_to_baseline, figure_value,
                            stop_confirmation, first_event_date, rise_between_months,
                            cut_after_repair, stated_multiple, renewed_leak, peak_rate,
                            sealing_factor)}


def measure(name: str, ev: Evidence, args: Mapping[str, str]) -> Measured:
    """Run one measure by name (a clear error names an unknown one or a missing argument)."""
    if name not in MEASURES:
        raise PrkError(f"claims.csv names measure {name!r}; known: {sorted(MEASURES)}")
    try:
        return MEASURES[name](ev, args)
    except KeyError as exc:
        raise PrkError(f"claims.csv: measure {name!r} needs the argument {exc} in "
                       "measure_args") from None
