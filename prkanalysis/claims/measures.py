"""Measures: what the evidence says about the quantity a claim is about.

``f(evidence, args) -> Measured``: an interval or a category, deciding rows, flags, notes,
``superseded`` or ``missing``. No numbers of their own: args come from ``data/claims.csv``,
defaults from ``data/judgements.csv``, rates, ratios, k fits and the stop bound from the
functions the chapters call. Rows are found by id, category or kind, never by free text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from prkanalysis import episodes
from prkanalysis.analysis import rates as _rates
from prkanalysis.analysis.detection import stop_bound
from prkanalysis.analysis.judgements import Defaults
from prkanalysis.analysis.rates import ratios_2024, trusted_rates
from prkanalysis.clean import best_grade, rate_bounds
from prkanalysis.errors import InsufficientDataError, PrkError
from prkanalysis.models import rate_ratio
from prkanalysis.units import convert

__all__ = ["MEASURES", "TRACKED", "Evidence", "Measured", "measure", "prepare"]

Args = Mapping[str, str]
_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4, "ft": 304.8}  # exact, by definition
_YEAR = 365.25
#: Evidence fields whose reads go to ``Evidence.reads`` (and the record table each reflects).
TRACKED = {"record": "", "judgements": "", "as_of": "", "rates": "leak_rates", "events": "events",
           "figures": "other_figures", "constants": "constants", "readings": "pressure_readings"}
_BY = {"events": "category", "figures": "figure_id", "constants": "constant_id"}  # Evidence.ids


@dataclass
class Measured:
    """A measure's result (module description); ``missing``'s ``{by}`` is the as-of day."""

    value: tuple[Any, Any, Any] | None = None
    category: str = ""
    numbers: dict[str, Any] = field(default_factory=dict)
    evidence: tuple[tuple[str, str, str], ...] = ()
    grades: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    superseded: str = ""
    missing: str = ""


@dataclass(frozen=True)
class Evidence:
    """The (as-of) record graded once (``grade_best`` from the sources) and its trusted rates."""

    record: Any
    judgements: Defaults
    as_of: pd.Timestamp | None
    rates: pd.DataFrame
    events: pd.DataFrame
    figures: pd.DataFrame
    constants: pd.DataFrame
    readings: pd.DataFrame
    grade_of: Mapping[str, str]  # untracked: lookups of cited (so public) ids never change
    keys: Mapping[str, Any] = field(default_factory=dict)  # fingerprints of TRACKED fields
    reads: set[Any] = field(default_factory=set)
    cache: dict[Any, Any] = field(default_factory=dict)  # pure calls, by their inputs' keys

    def __getattribute__(self, name: str) -> Any:
        if name in TRACKED:
            object.__getattribute__(self, "reads").add(name)
        return object.__getattribute__(self, name)

    def key(self, read: Any) -> Any:
        """A read's fingerprint: a field's, or for ``(field, *ids)`` those rows' (:meth:`ids`)."""
        if isinstance(read, str):
            return self.keys.get(read)
        f = object.__getattribute__(self, read[0])  # untracked: this read's rows are its key
        by = _once(self.cache, ("by", read[0], self.keys.get(read[0])), lambda: {
            v: (tuple(g.index), tuple(g["source_ids"])) for v, g in f.groupby(_BY[read[0]])})
        return tuple(map(by.get, read[1:]))

    def trusted(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows whose best grade is trusted."""
        return frame[frame["grade_best"].isin(self.judgements.grades).to_numpy()]

    def of(self, categories: str, *, trusted: bool = True) -> pd.DataFrame:
        """Events of the space-separated ``categories``, earliest first."""
        return self.ids("events", categories, trusted=trusted)

    def ids(self, name: str, ids: str, *, trusted: bool = True) -> pd.DataFrame:
        """Rows of field ``name`` whose :data:`_BY` column is in ``ids`` (a tracked read)."""
        self.reads.add((name, *ids.split()))
        f = object.__getattribute__(self, name)
        rows = f[f[_BY[name]].isin(ids.split()).to_numpy()]
        return self.trusted(rows) if trusted else rows

    def rows(self, frame: pd.DataFrame) -> tuple[tuple[str, str, str], ...]:
        """``(row id, source id, grade)`` per source of each row (id: the first column)."""
        return tuple((str(r), s, self.grade_of.get(s, "?"))
                     for r, sids in zip(frame.iloc[:, 0], frame["source_ids"], strict=True)
                     for s in str(sids).split(";") if s.strip())

    def lack(self, what: str, everywhere: pd.DataFrame | None = None) -> Measured:
        """Undetermined, saying which grade lacks ``what`` when other grades report it."""
        g, when = "/".join(self.judgements.grades), "{by}"  # " by <as-of day>" in the caveat
        return Measured(missing=f"the grade-{g} evidence{when} does not give {what}"
                        if everywhere is None else f"no grade-{g} source reports {what}{when}"
                        if len(everywhere) else f"nothing in the record reports {what}{when}")


def _graded(frame: pd.DataFrame, grades: Mapping[str, str], *dates: str) -> pd.DataFrame:
    out = frame.assign(grade_best=pd.Series([best_grade(s, grades) for s in frame["source_ids"]],
                                            index=frame.index, dtype=object))
    for c in (d for d in dates if d in out.columns):
        out[c] = pd.to_datetime(out[c].astype("string").str.slice(0, 10), errors="coerce")
    return out


def _once(cache: dict[Any, Any], key: Any, make: Callable[[], Any]) -> Any:
    if key not in cache:
        cache[key] = make()
    return cache[key]


def prepare(record: Any, judgements: Defaults, as_of: pd.Timestamp | None,
            keys: Mapping[str, Any] | None = None, cache: dict[Any, Any] | None = None
            ) -> Evidence:
    """Grade the (as-of) record, select its trusted rates; ``cache`` them by table ``keys``."""
    g = dict(zip(record.sources["source_id"], record.sources["grade"], strict=True))
    j, k, c = judgements, keys or {}, {} if cache is None else cache

    def once(name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        return _once(c, (name, j, k.get(name)), make)

    rates = once("leak_rates", lambda: trusted_rates(
        record, j.grades, j.include_derived, approx_rel=j.approx_rel,
        include_secondary=j.include_secondary, nearly_rel=j.nearly_rel)[0])
    events = once("events", lambda: (e := _graded(record.events, g, "date_start", "date_end"))
                  .assign(date_end=e["date_end"].fillna(e["date_start"])).sort_values(
                      ["date_start", "date_end"]))
    return Evidence(record, j, as_of, rates, events, once("other_figures", lambda: _graded(
        record.other_figures, g, "date_start", "date_end", "reported_on")),
        once("constants", lambda: _graded(record.constants, g)),
        once("pressure_readings", lambda: _graded(record.pressure_readings, g, "time")), g,
        {**{f: k.get(t) for f, t in TRACKED.items()}, "record": tuple(k.items()),
         "judgements": j, "as_of": as_of}, cache=c)


def _g(x: Any, digits: int = 3) -> str:
    return (x.strftime("%Y-%m-%d") if isinstance(x, pd.Timestamp) else "unbounded"
            if isinstance(x, float) and math.isinf(x) else f"{x:.{digits}g}"
            if isinstance(x, float) else str(x))


def _when(start: Any, end: Any) -> str:
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    month = s.day == 1 and e.is_month_end and (s.year, s.month) == (e.year, e.month)
    return s.strftime("%Y-%m") if month else _g(s) if s == e else f"{_g(s)} to {_g(e)}"


def _rate(r: pd.Series) -> tuple[float, float, float]:
    return float(r["kg_per_day_low"]), float(r["kg_per_day"]), float(r["kg_per_day_high"])


def _in_month(frame: pd.DataFrame, month: str) -> pd.DataFrame:
    p = pd.Period(month, freq="M")
    return frame[(frame["period_start"] >= p.start_time)
                 & (frame["period_end"] <= p.end_time.normalize())]


def _after_stop(ev: Evidence, stop: pd.Series, a: Args) -> pd.DataFrame:
    # rows after the stop showing the leak active, earliest first: events of the recurrence
    # and response categories, rates with a positive lower bound
    e = ev.of(f"{a['recurrence']} {a.get('response', '')}")
    e = e[e["date_start"] > stop["date_end"]]
    r = ev.rates[(ev.rates["period_start"] > stop["date_end"]) & (ev.rates["kg_per_day_low"] > 0)]
    cols = ["id", "kind", "start", "end", "grade_best", "source_ids"]
    out = pd.concat([e.assign(kind=e["category"] + " event").rename(columns={
        "event_id": "id", "date_start": "start", "date_end": "end"})[cols].astype(object),
        r.assign(kind="rate").rename(columns={"rate_id": "id", "period_start": "start",
                                              "period_end": "end"})[cols].astype(object)])
    return out.sort_values(["start", "end"], kind="stable")


def cause_found(ev: Evidence, a: Args) -> Measured:
    """What the record names as the leak's source: 'crack' if a crack find is reported."""
    cracks, causes = ev.of(a["category"]), ev.of(a["cause"])
    if cracks.empty:
        return ev.lack("a crack find", ev.of(a["category"], trusted=False))
    lengths, counts = ev.ids("figures", a["lengths"]), ev.ids("figures", a["counts"])
    mm = [(float(r["value"]) * _MM[r["unit"]], float(r["value_high"] if pd.notna(
        r["value_high"]) else r["value"]) * _MM[r["unit"]]) for _, r in lengths.iterrows()]
    key, actors = pd.concat([cracks, causes]), set(causes["actor"].dropna().astype(str))
    m = Measured(category="crack", evidence=ev.rows(key) + ev.rows(lengths),
                 grades=list(key["grade_best"]), numbers={
        "crack_events": len(cracks), "repair_events": len(ev.of("repair")),
        "cause_statements": len(causes)})
    m.notes += [f"up to {v:g} cracks were tracked" for v in counts["value"].nlargest(1)]
    if mm and max(h for _, h in mm) > float(a["microscopic_mm"]):
        lo, hi = min(x for x, _ in mm), max(h for _, h in mm)
        m.numbers.update(crack_length_mm_low=lo, crack_length_mm_high=hi)
        m.flags.append(f"the cracks found were {_g(lo)}-{_g(hi)} mm long, not microscopic")
        m.notes += [f"the leak equalled a {v:g} mm hole"
                    for v in ev.ids("figures", a.get("hole", ""))["value"].iloc[:1]]
    if len(causes) >= 2 or len(actors) >= 2:
        m.flags.append(f"{len(causes)} competing cause statements from {len(actors)} parties "
                       "leave the root cause of the cracks unresolved")
    return m


def duration_years(ev: Evidence, a: Args) -> Measured:
    """Years from the first start event to the first end event after it, as an interval."""
    first, ends = ev.of(a["start"]), ev.of(a["end"])
    if first.empty or ends.empty:
        cat = a["start"] if first.empty else a["end"]
        return ev.lack(f"a {cat} event", ev.of(cat, trusted=False))
    d0 = first.iloc[0]
    ends = ends[ends["date_start"] >= d0["date_start"]]
    if ends.empty:
        return ev.lack(f"a {a['end']} event after the first {a['start']}")
    s0, key = ends.iloc[0], pd.concat([first.iloc[:1], ends.iloc[:1]])
    lo = (s0["date_start"] - d0["date_end"]).days / _YEAR
    hi = (s0["date_end"] - d0["date_start"]).days / _YEAR
    m = Measured((lo, (lo + hi) / 2, hi), evidence=ev.rows(key), grades=list(key["grade_best"]),
                 numbers={"years_low": lo, "years_high": hi, "stop": _when(s0["date_start"],
                          s0["date_end"]), "detection": _when(d0["date_start"], d0["date_end"])})
    for _, f in _after_stop(ev, s0, a).iloc[:1].iterrows():
        rlo = (f["start"] - s0["date_end"]).days / _YEAR
        rhi = (f["end"] - s0["date_start"]).days / _YEAR
        m.flags.append(f"the leak was active again {_g(rlo, 2)}-{_g(rhi, 2)} years after the "
                       f"stop (first sign: a {f['kind']}, {f['id']})")
        m.evidence += ev.rows(f.to_frame().T)
    return m


def ratio_to_baseline(ev: Evidence, a: Args) -> Measured:
    """The rates of ``after_month`` over the dated baselines (analysis.rates.ratios_2024)."""
    r = ratios_2024(ev.rates, after_months=[a["after_month"]], judgements=ev.judgements)
    if r.empty:
        return ev.lack(f"both a dated baseline and a rate of {a['after_month']}")
    best = r.iloc[int((r["ratio_high"] - r["ratio_low"]).to_numpy().argmin())]
    lo, hi = float(r["ratio_low"].min()), float(r["ratio_high"].max())
    rows = ev.rates[ev.rates["rate_id"].isin(set(r["before_id"]) | set(r["after_id"]))]
    return Measured((lo, float(best["ratio_point"]), hi), evidence=ev.rows(rows),
                    grades=list(rows["grade_best"]), numbers={
        "baselines": ", ".join(dict.fromkeys(r["before_id"])), "ratio_low": lo,
        "after": ", ".join(dict.fromkeys(r["after_id"])), "ratio_high": hi, "n_pairs": len(r),
        "pair": f"{best['after_id']}/{best['before_id']}", "ratio": float(best["ratio_point"])})


def stop_confirmation(ev: Evidence, a: Args) -> Measured:
    """The latest stop confirmation and what its hold bounds (analysis.detection.stop_bound)."""
    stops = ev.of("stop")
    if stops.empty:
        return ev.lack("a stop confirmation", ev.of("stop", trusted=False))
    stop = stops.iloc[-1]
    after = _after_stop(ev, stop, a)
    m = Measured(category="holding steady", grades=[stop["grade_best"]],
                 evidence=ev.rows(stops.iloc[-1:]) + ev.rows(after), numbers={
        "stop": _when(stop["date_start"], stop["date_end"]), "confirmed_by": stop["actor"],
        "n_rates_after_stop": int((after["kind"] == "rate").sum())})
    m.flags += [] if a["actor"] in str(stop["actor"]) else [f"not confirmed by {a['actor']}"]
    try:
        sb = stop_bound(ev.record, grades=ev.judgements.grades)
        m.notes += [sb.wording, sb.caveat]
        m.flags += [] if sb.excludes_module_allowance else [
            "a steady hold cannot exclude a hidden outflow above the per-module allowance"]
    except InsufficientDataError as exc:
        m.flags.append(f"what the hold bounds cannot be computed ({exc})")
    for _, f in after.iloc[:1].iterrows():
        d = ((f["start"] - stop["date_end"]).days, (f["end"] - stop["date_start"]).days)
        m.superseded = (f"after it came {len(after)} report(s) of the leak, the first a "
                        f"{f['kind']} ({f['id']}, {_when(f['start'], f['end'])}, {d[0]}-{d[1]} "
                        "days later)")
    return m


def first_event_date(ev: Evidence, a: Args) -> Measured:
    """The date interval of the first event of ``category`` (alternatives: its contest group)."""
    det = ev.of(a["category"])
    if det.empty:
        return ev.lack(f"a {a['category']} event", ev.of(a["category"], trusted=False))
    s, e, group = (d0 := det.iloc[0])["date_start"], d0["date_end"], d0.get("contest_group")
    alt = ev.trusted(ev.events[ev.events["contest_group"] == group]) if isinstance(
        group, str) and group else det[:0]
    return Measured((s, s + (e - s) / 2, e), numbers={"first": _when(s, e)},
                    evidence=ev.rows(det.iloc[:1]), grades=[d0["grade_best"]], flags=[
        f"the record also dates it {_when(x, y)} ({i})" for i, x, y in zip(
            alt["event_id"], alt["date_start"], alt["date_end"], strict=True)
        if i != d0["event_id"]])


def rise_between_months(ev: Evidence, a: Args) -> Measured:
    """Percent rise from each rate of month ``from`` to each of month ``to``."""
    x, y = _in_month(ev.rates, a["from"]), _in_month(ev.rates, a["to"])
    if x.empty or y.empty:
        return ev.lack(f"a rate in both {a['from']} and {a['to']}")
    pairs = [(p, q, rate_ratio(*_rate(p)[::2], *_rate(q)[::2], a_point=p["kg_per_day"],
                               b_point=q["kg_per_day"]))
             for _, p in x.iterrows() for _, q in y.iterrows()]
    p, q, best = min(pairs, key=lambda t: t[2].high - t[2].low)
    lo, hi = 100 * (min(t[2].low for t in pairs) - 1), 100 * (max(t[2].high for t in pairs) - 1)
    rows = pd.concat([x, y])
    return Measured((lo, 100 * (best.point - 1), hi), evidence=ev.rows(rows),
                    grades=list(rows["grade_best"]), numbers={
        "rise": _g(100 * (best.point - 1)), "rise_low": _g(lo), "rise_high": _g(hi),
        "pairs": len(pairs), "pair": f"{p['rate_id']}>{q['rate_id']}"})


def cut_after_repair(ev: Evidence, a: Args) -> Measured:
    """Cut from the peak rate to the rates after the next repair (else the stated fraction)."""
    peak, reps = _rates.peak_rate(ev.rates), ev.of("repair")
    reps = reps[reps["date_start"] >= peak["period_start"]] if peak is not None else reps[:0]
    if peak is None or reps.empty:
        return ev.lack("a leak rate followed by a repair")
    rep, r, (pk_lo, pk, pk_hi) = reps.iloc[0], ev.rates, _rate(peak)
    end = rep["date_end"] + pd.Timedelta(days=int(a["window_days"]))
    post = r[(r["period_start"] > peak["period_end"]) & (r["period_start"] <= end)]
    fr = ev.trusted(ev.figures[(ev.figures["kind"] == a["fraction"])
                               & (ev.figures["date_end"] >= rep["date_start"])]).iloc[:1]
    if post.empty and fr.empty:
        return ev.lack("a post-repair rate or a stated cut")
    cuts = [(1 - q["kg_per_day_high"] / pk_lo, 1 - q["kg_per_day"] / pk,
             1 - q["kg_per_day_low"] / pk_hi) for _, q in post.iterrows()] or [
        (float(fr["value"].iloc[0]),) * 3]
    v = (min(c[0] for c in cuts), cuts[0][1], max(c[2] for c in cuts))
    used = pd.concat([peak.to_frame().T, post]) if len(post) else fr
    return Measured(v, evidence=ev.rows(reps.iloc[:1]) + ev.rows(used),
                    grades=list((post if len(post) else fr)["grade_best"]),
                    flags=[] if len(post) else ["no measured post-repair rate is public, only "
                                                "the stated fraction"], numbers={
        "peak": peak["rate_id"], "repair": _when(rep["date_start"], rep["date_end"]),
        "cut": _g(v[1]), "cut_low": _g(v[0]), "cut_high": _g(v[2])})


def stated_figure(ev: Evidence, a: Args) -> Measured:
    """The value the earliest-reported ``figure`` row states, its qualifier read as bounds."""
    fig = ev.ids("figures", a["figure"]).sort_values("reported_on", kind="stable")
    if fig.empty:
        return ev.lack(f"the figure {a['figure']}", ev.ids("figures", a["figure"], trusted=False))
    f, rel, peak = fig.iloc[0], ev.judgements.approx_rel, _rates.peak_rate(ev.rates)
    lo, hi, _ = rate_bounds(str(f["qualifier"]), float(f["value"]), approx_rel=rel, rounding=False)
    m = Measured((lo, float(f["value"]), hi), evidence=ev.rows(fig), grades=[f["grade_best"]],
                 flags=[a["unchecked"]] if "unchecked" in a else [], numbers={
        "figure": f"{f['figure_id']}, '{f['value_reported']}'", "dated": _when(
            f["date_start"], f["date_end"]), "value": f"{_g(lo)}-{_g(hi)}" if math.isfinite(hi)
        and hi > lo else _g(lo) if hi == lo else f"more than {_g(lo)}"})
    for key in ("requirement", "background") if peak is not None else ():
        for _, k in ev.ids("constants", a.get(key, "")).iloc[:1].iterrows():
            c_lo, c_hi, _ = rate_bounds(str(k["qualifier"]) if pd.notna(k["qualifier"]) else
                                        "=", float(k["value"]), approx_rel=rel, rounding=False)
            f_kg = float(convert(1.0, str(k["unit"]), "kg/day"))
            rr = rate_ratio(c_lo * f_kg, c_hi * f_kg, *_rate(peak)[::2])  # type: ignore[arg-type]
            m.numbers.update({f"x_{key}_low": rr.low, f"x_{key}_high": rr.high})
            m.notes.append(f"the peak {peak['rate_id']} was {_g(rr.low)}-{_g(rr.high)} times "  # type: ignore[index]
                           f"the {key} ({k['constant_id']}, {k['value_reported']})")
            m.evidence += ev.rows(k.to_frame().T)
    return m


def renewed_leak(ev: Evidence, a: Args) -> Measured:
    """Reports (rows, and their sources) of the leak active after the last stop in ``year``."""
    stops = ev.of("stop")
    if stops.empty:
        return ev.lack("a stop confirmation", ev.of("stop", trusted=False))
    after = _after_stop(ev, stop := stops.iloc[-1], a)
    after = after[pd.to_datetime(after["start"]).dt.year == int(a["year"])]
    if after.empty:
        return ev.lack(f"a report of the leak after the stop in {a['year']} (no report is not "
                       "proof of absence)")
    srcs = {s for ids in after["source_ids"] for s in str(ids).split(";") if s}
    return Measured(category="back", evidence=ev.rows(stops.iloc[-1:]) + ev.rows(after),
                    grades=list(after["grade_best"]), notes=["first: " + ", ".join(
                        f"{r['kind']} {r['id']} ({_when(r['start'], r['end'])})"
                        for _, r in after.iloc[:3].iterrows())], numbers={
        "stop": _when(stop["date_start"], stop["date_end"]), "reports": len(after), "sources":
        len(srcs), "trusted_sources": sum(ev.grade_of.get(s) in ("P", "T") for s in srcs)})


def peak_rate(ev: Evidence, a: Args) -> Measured:
    """The highest trusted leak rate in kg/day with its bounds (flagged if not in ``month``)."""
    peak = _rates.peak_rate(ev.rates)
    if peak is None or _in_month(ev.rates, a["month"]).empty:
        return ev.lack(f"a leak rate in {a['month']}")
    lo, pt, hi = _rate(peak)
    return Measured((lo, pt, hi), evidence=ev.rows(peak.to_frame().T),
                    grades=[peak["grade_best"]], flags=[f"the peak is not in {a['month']}"]
                    if _in_month(peak.to_frame().T, a["month"]).empty else [], numbers={
        "peak_rate_id": peak["rate_id"], "peak_kg_day": pt, "kg_day_low": _g(lo, 4),
        "kg_day_high": _g(hi, 4), "period": _when(peak["period_start"], peak["period_end"])})


def sealing_factor(ev: Evidence, a: Args) -> Measured:
    """Ratio of k before to k after the last sealing, from a test between it and the claim."""
    fig = ev.ids("figures", a["figure"])
    if fig.empty:
        return ev.lack(f"the figure {a['figure']}", ev.ids("figures", a["figure"], trusted=False))
    f = fig.iloc[0]
    said = f["reported_on"] if pd.notna(f["reported_on"]) else f["date_start"]
    reps = ev.of(a["repair"])
    reps = reps[reps["date_end"] < said]
    if reps.empty:
        return ev.lack("a sealing before the statement")
    ev.reads.add("readings")  # the fits read the readings only (and their sources' grades)
    rep, fits = reps.iloc[-1], _once(ev.cache, ("fits", ev.judgements, ev.key("readings")),
                                     lambda: episodes.fit_episodes(episodes.trusted_readings(
                                         ev.record, ev.judgements.grades)))
    sc = episodes.sealing_comparison(fits, ev.record.events, str(rep["event_id"])) if len(
        fits) else None
    m = Measured(evidence=ev.rows(fig.iloc[:1]) + ev.rows(reps.iloc[-1:]), numbers={
        "repair": _when(rep["date_start"], rep["date_end"]), "statement": _g(said)})
    if sc is None or sc.ratio is None or not dict(zip(fits["episode_id"], fits["first_time"],
                                                      strict=True))[sc.after_id] < said:
        m.missing = (f"no pressure test lies between the sealing {m.numbers['repair']} and "
                     f"the statement {m.numbers['statement']}, with one before the sealing")
        return m
    lo, pt, hi = 1 / sc.ratio.high, 1 / sc.ratio.point, 1 / sc.ratio.low
    used = ev.trusted(ev.readings[ev.readings["episode_id"].isin([sc.before[-1], sc.after_id])])
    m.value, m.grades, m.evidence = (lo, pt, hi), [f["grade_best"]], m.evidence + ev.rows(used)
    m.numbers.update(before=sc.before[-1], after=sc.after_id, k_ratio_low=lo, k_ratio_high=hi)
    return m


#: Every measure by the name ``data/claims.csv`` uses.
MEASURES: dict[str, Callable[[Evidence, Args], Measured]] = {f.__name__: f for f in (
    cause_found, duration_years, ratio_to_baseline, stated_figure, stop_confirmation,
    first_event_date, rise_between_months, cut_after_repair, renewed_leak,
    peak_rate, sealing_factor)}


class _Args(dict[str, str]):
    def __missing__(self, key: str) -> str:
        raise PrkError(f"claims.csv: the measure needs {key!r} in measure_args (has "
                       f"{sorted(self)})")


def measure(name: str, ev: Evidence, args: Args) -> Measured:
    """Run one measure by name (an unknown name or a missing argument names itself)."""
    if name not in MEASURES:
        raise PrkError(f"claims.csv names measure {name!r}; known: {sorted(MEASURES)}")
    return MEASURES[name](ev, _Args(args))
