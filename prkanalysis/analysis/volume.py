"""The PrK free volume implied by pairing a leak figure with a decay of the same leak state.

``V = m_dot / (k rho(p, T))`` for a mass rate ``m_dot`` (kg/day) and the decay constant ``k``
(1/day) of a hatch-closed episode starting at ``p``; for an equivalent hole of diameter ``d``
(an ideal choked orifice, ``Cd = 1``) ``V = A Gamma sqrt(R_air T) / k`` with
``A = pi d^2/4``. Which figure goes with which decay is the analyst's judgement, kept in the
``volume_pairings`` table (one row per pairing, with its rationale and sources). On top of
that table the code applies, per pairing:

1. **Trust**: the figure's row must be trusted (``leak_rates`` rows through
   :func:`prkanalysis.analysis.rates.trusted_rates`; ``other_figures`` rows by the best grade
   of their sources).
2. **Same leak state**: no ``repair`` event of the ``events`` table may fall inside the span
   from the figure's period to the episode's first reading (``start < date <= end`` of the
   span); a pairing across a repair is excluded whatever the table says.
3. **Source-level uncertainty**: the figure's interval (its rounding, or its reported range)
   is widened to ``[low / f, high * f]`` with the table's ``source_factor`` ``f``.
4. **Background**: for figures that include the station's background leak, the measured
   background interval (constants K25 and K26, 2004 and 2011 ppN2 trending) is subtracted by
   interval arithmetic: ``[low - bg_high, high - bg_low]``, floored at 0.
5. **Whole-station pressure rates** (mmHg/day) become mass through the station's pressurised
   volume (constants K12): ``kg_per_mmhg(V_station, T)``.

Each pairing's V interval is the corner evaluation over the figure, ``k``, the episode's start
pressure within ``+/- resolution`` and the temperature interval (V is monotone in each).
Pairings whose intervals do not overlap are reported as an inconsistency with both values
(:class:`VolumeEstimate`), not merged into one band.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from prkanalysis import physics
from prkanalysis.errors import DataValidationError, InsufficientDataError
from prkanalysis.units import DAY_S, MMHG_PA, convert

__all__ = [
    "VolumeEstimate",
    "background_interval",
    "figure_grade",
    "pairing_volumes",
    "volume_estimate",
]

Interval = tuple[float, float]
_GRADE_ORDER = {"P": 0, "T": 1, "A": 2}


def _row(df: pd.DataFrame, col: str, key: str, table: str) -> pd.Series:
    hit = df[df[col].astype(str) == key]
    if hit.empty:
        raise DataValidationError(f"row {key!r} not found", file=table, column=col, value=key)
    return hit.iloc[0]


def figure_grade(source_ids: Any, sources: pd.DataFrame) -> str | None:
    """Best grade (P better than T better than A) among ``;``-separated source ids.

    Example:
        >>> s = pd.DataFrame({"source_id": ["S1", "S2"], "grade": ["A", "T"]})
        >>> figure_grade("S1;S2", s)
        'T'
    """
    ids = [i.strip() for i in str(source_ids or "").split(";") if i.strip()]
    col = sources[sources["source_id"].astype(str).isin(ids)]["grade"].astype(str).str[0]
    found = [str(x) for x in col if x in _GRADE_ORDER]
    return min(found, key=_GRADE_ORDER.__getitem__) if found else None


def _kg_day(constants: pd.DataFrame, cid: str) -> float:
    row = _row(constants, "constant_id", cid, "constants")
    return float(convert(float(row["value"]), str(row["unit"]), "kg/day"))


def background_interval(constants: pd.DataFrame, ids: Sequence[str] = ("K25", "K26"), *,
                        record: Any = None, grades: Sequence[str] | None = None) -> Interval:
    """The station's measured background leak as ``(low, high)`` kg/day (constants rows).

    Default: the 2004 and Q1 2011 ppN2-trending figures (0.064 and 0.227 kg/day). With
    ``record`` and ``grades``, only the rows whose best source grade is trusted count (the
    rule every chapter applies); if none is trusted, nothing is subtracted: ``(0.0, 0.0)``.
    """
    if record is not None and grades is not None:
        from prkanalysis.analysis.lookup import is_trusted, row_by_id

        ids = [c for c in ids if is_trusted(
            record, row_by_id(constants, "constant_id", c, table="constants.csv")["source_ids"],
            grades)]
        if not ids:
            return (0.0, 0.0)
    vals = [_kg_day(constants, c) for c in ids]
    return (min(vals), max(vals))


def _figure_interval(kind: str, fig: pd.Series, approx_rel: float) -> tuple[float, Interval]:
    """Point and ``(low, high)`` of an ``other_figures`` row in its kind's unit."""
    v = float(fig["value"])
    vh = pd.to_numeric(pd.Series([fig.get("value_high")]), errors="coerce").iloc[0]
    hi = float(vh) if pd.notna(vh) else v
    lo = v
    q = str(fig.get("qualifier", "") or "")
    if q in ("~", "about"):
        lo, hi = lo * (1 - approx_rel), hi * (1 + approx_rel)
    unit = str(fig.get("unit", ""))
    if kind == "equivalent_diameter":
        f = float(convert(1.0, unit, "mm")) if unit != "mm" else 1.0
        return (v + hi) / 2 * f if pd.notna(vh) else v * f, (lo * f, hi * f)
    if unit not in ("mmHg/day",):
        f = float(convert(1.0, unit, "mmHg/day"))
        v, lo, hi = v * f, lo * f, hi * f
    point = (float(fig["value"]) + float(vh)) / 2 if pd.notna(vh) else v
    return point, (lo, hi)


def _repairs_between(events: pd.DataFrame | None, a: Any, b: Any) -> list[str]:
    if events is None or events.empty or pd.isna(a) or pd.isna(b):
        return []
    ev = events[events["category"].astype(str) == "repair"].copy()
    d = pd.to_datetime(ev["date_start"], errors="coerce")
    lo, hi = min(a, b), max(a, b)
    hit = ev[(d > lo) & (d <= hi)]
    return hit["event_id"].astype(str).tolist()


def pairing_volumes(
    record: Any,
    *,
    rates: pd.DataFrame | None = None,
    grades: Sequence[str] | None = None,
    pairings: pd.DataFrame | None = None,
    temperature_k: Interval = (295.15, 297.15),
    resolution_mmhg: float = 0.5,
    approx_rel: float | None = None,
    background: Interval | None = None,
) -> pd.DataFrame:
    """One row per pairing of the ``volume_pairings`` table with its V interval and status.

    Args:
        record: The evidence record (``load_record()``).
        rates: Trusted normalised rates (default :func:`~prkanalysis.analysis.rates.
            trusted_rates` with ``grades``).
        grades: Trusted grades (default the judgements table's).
        pairings: A pairings table (default ``record.table("volume_pairings")``).
        temperature_k: Gas temperature interval, K.
        resolution_mmhg: Half-width of a reading, mmHg.
        approx_rel: Width of "about" figures (default the judgements table's).
        background: Background interval, kg/day (default the trusted rows of
            constants K25-K26).

    Returns:
        Columns ``pairing_id``, ``label``, ``rate_id``, ``rate_kind``, ``episode_id``,
        ``figure_low``, ``figure_high`` (kg/day, mmHg/day or mm as reported),
        ``kg_per_day_low``/``high`` (after factor and background; NaN for diameters),
        ``background_low``/``high``, ``k_per_day``, ``k_low``, ``k_high``, ``p_mmhg``,
        ``volume_m3``, ``volume_low_m3``, ``volume_high_m3``, ``same_state``, ``repairs``,
        ``trusted``, ``used``, ``status``, ``rationale``, ``source_ids``. The decay of a
        pairing is fitted on the readings trusted at ``grades``
        (:func:`prkanalysis.episodes.trusted_readings`); an episode with no trusted reading
        is shown with its full-record fit but not used.
    """
    from prkanalysis.analysis.judgements import defaults
    from prkanalysis.analysis.rates import trusted_rates
    from prkanalysis.episodes import fit_episodes, trusted_readings

    d = defaults(record)
    g = tuple(grades) if grades is not None else d.grades
    arel = d.approx_rel if approx_rel is None else float(approx_rel)
    if rates is None:
        rates, _ = trusted_rates(record, grades=g)
    table = record.table("volume_pairings") if pairings is None else pairings
    bg = (background_interval(record.constants, record=record, grades=g)
          if background is None else background)
    v_station = float(_row(record.constants, "constant_id", "K12", "constants")["value"])
    fits = fit_episodes(record.pressure_readings, resolution_mmhg).set_index("episode_id")
    tr = trusted_readings(record, g)
    # a decay counts only from readings trusted at these grades (shown, not used, otherwise)
    fits_tr = (fit_episodes(tr, resolution_mmhg).set_index("episode_id") if len(tr)
               else fits.iloc[:0])
    rows = []
    for pr in table.to_dict("records"):
        rid, kind, ep = str(pr["rate_id"]), str(pr["rate_kind"]), str(pr["episode_id"])
        f = float(pr["source_factor"])
        out: dict[str, Any] = {k: pr[k] for k in ("pairing_id", "label", "rationale",
                                                  "source_ids")}
        out.update(rate_id=rid, rate_kind=kind, episode_id=ep)
        status = []
        if ep not in fits.index:
            raise DataValidationError(f"episode {ep!r} not found", file="volume_pairings",
                                      column="episode_id", value=ep)
        decay_trusted = ep in fits_tr.index
        fit: Any = fits_tr.loc[ep] if decay_trusted else fits.loc[ep]
        t_ep = pd.Timestamp(fit["first_time"]) if pd.notna(fit["first_time"]) else pd.NaT
        if str(pr["rate_table"]) == "leak_rates":
            allr = record.leak_rates
            src = _row(allr, "rate_id", rid, "leak_rates")
            hit = rates[rates["rate_id"].astype(str) == rid] if len(rates) else rates
            trusted = len(hit) > 0
            if trusted:
                r = hit.iloc[0]
                point, (lo, hi) = float(r["kg_per_day"]), (float(r["kg_per_day_low"]),
                                                           float(r["kg_per_day_high"]))
            else:
                point = lo = hi = math.nan
            p_start = pd.to_datetime(src["period_start"], errors="coerce")
            p_end = pd.to_datetime(src["period_end"], errors="coerce")
        else:
            src = _row(record.other_figures, "figure_id", rid, "other_figures")
            grade = figure_grade(src["source_ids"], record.sources)
            trusted = grade in g
            point, (lo, hi) = _figure_interval(kind, src, arel)
            p_start = pd.to_datetime(src["date_start"], errors="coerce")
            p_end = pd.to_datetime(src["date_end"], errors="coerce")
        div = 1.0
        if isinstance(pr.get("divisor_figure_id"), str) and pr["divisor_figure_id"]:
            div = float(_row(record.other_figures, "figure_id", pr["divisor_figure_id"],
                             "other_figures")["value"])
        point, lo, hi = point / div, lo / div / f, hi / div * f
        out.update(figure_low=lo, figure_high=hi)
        if kind == "station_pressure_rate":
            kpm = (physics.kg_per_mmhg(v_station, temperature_k[1]),
                   physics.kg_per_mmhg(v_station, temperature_k[0]))
            point = point * physics.kg_per_mmhg(v_station, sum(temperature_k) / 2)
            lo, hi = lo * kpm[0], hi * kpm[1]
        b = bg if str(pr["background"]) == "included" else (0.0, 0.0)
        if kind != "equivalent_diameter":
            point, lo, hi = point - sum(b) / 2, lo - b[1], hi - b[0]
            lo, point = max(lo, 0.0), max(point, 0.0)
        out.update(kg_per_day_low=lo if kind != "equivalent_diameter" else math.nan,
                   kg_per_day_high=hi if kind != "equivalent_diameter" else math.nan,
                   background_low=b[0], background_high=b[1])
        span_a = p_start if pd.notna(p_start) else t_ep
        span_b = p_end if pd.notna(p_end) else span_a
        reps = _repairs_between(record.events, min(span_a, t_ep), max(span_b, t_ep)) \
            if pd.notna(t_ep) and pd.notna(span_a) else []
        same = not reps
        k = (float(fit["k_low"]), float(fit["k_high"]))
        p0 = float(fit["p_start_mmhg"])
        out.update(k_per_day=float(fit["k_per_day"]), k_low=k[0], k_high=k[1], p_mmhg=p0,
                   same_state=same, repairs=";".join(reps), trusted=trusted)
        vol = (math.nan, math.nan, math.nan)
        if (math.isfinite(k[0]) and k[0] > 0 and trusted and decay_trusted
                and math.isfinite(hi) and hi > 0):
            if kind == "equivalent_diameter":
                def fv(dmm: float, kk: float, tt: float) -> float:
                    area = math.pi * (dmm * 1e-3) ** 2 / 4
                    return (area * physics.gamma_factor() * math.sqrt(physics.R_AIR * tt)
                            * DAY_S / kk)
                nom = fv(point, float(fit["k_per_day"]), sum(temperature_k) / 2)
                _, vlo, vhi = physics.interval_eval(fv, (lo, hi), k, temperature_k)
            else:
                def fv2(mm: float, kk: float, pp: float, tt: float) -> float:
                    return physics.implied_volume(mm, kk, pp * MMHG_PA, tt)
                nom = fv2(point, float(fit["k_per_day"]), p0, sum(temperature_k) / 2)
                _, vlo, vhi = physics.interval_eval(
                    fv2, (lo, hi), k, (p0 - resolution_mmhg, p0 + resolution_mmhg),
                    temperature_k)
            vol = (nom, vlo, vhi)
        if not bool(pr["include"]):
            status.append("excluded by the analyst (see rationale)")
        if not same:
            status.append(f"spans repair {', '.join(reps)}")
        if not trusted:
            status.append("figure not trusted at these grades")
        if not decay_trusted:
            status.append("decay readings not trusted at these grades")
        if not math.isfinite(vol[1]):
            status.append("no volume (no decay constant or no positive rate)")
        used = not status
        out.update(volume_m3=vol[0], volume_low_m3=vol[1], volume_high_m3=vol[2], used=used,
                   status="used" if used else "; ".join(status))
        rows.append(out)
    cols = ["pairing_id", "label", "rate_id", "rate_kind", "episode_id", "figure_low",
            "figure_high", "kg_per_day_low", "kg_per_day_high", "background_low",
            "background_high", "k_per_day", "k_low", "k_high", "p_mmhg", "volume_m3",
            "volume_low_m3", "volume_high_m3", "same_state", "repairs", "trusted", "used",
            "status", "rationale", "source_ids"]
    return pd.DataFrame(rows, columns=cols)


@dataclass(frozen=True, eq=False)
class VolumeEstimate:
    """The implied PrK volume across the used pairings.

    Attributes:
        pairings: :func:`pairing_volumes` output (every pairing, with its status).
        consistent: Whether every used pairing's interval overlaps every other's.
        conflicts: ``(id_a, id_b, (low_a, high_a), (low_b, high_b))`` for each pair of used
            pairings whose intervals do not overlap.
        common: The interval every used pairing allows (their intersection) or ``None``.
        envelope: ``(min low, max high)`` over the used pairings, or ``None``.
        band: The band carried downstream: ``common`` when consistent, else ``envelope``
            (stated as the envelope of conflicting pairings).
        determined: Whether any pairing is used.
    """

    pairings: pd.DataFrame
    consistent: bool
    conflicts: list[tuple[str, str, Interval, Interval]] = field(default_factory=list)
    common: Interval | None = None
    envelope: Interval | None = None
    band: Interval | None = None
    determined: bool = False

    def describe(self) -> str:
        """The result in words: the band, or the inconsistency with both values."""
        if not self.determined:
            return ("No pairing of a trusted leak figure with a decay of the same leak state: "
                    "the PrK volume cannot be determined at these grades.")
        used = self.pairings[self.pairings["used"]]
        parts = [f"{r.pairing_id} {r.volume_low_m3:.2f}-{r.volume_high_m3:.2f} m³"
                 for r in used.itertuples()]
        if self.consistent and self.common is not None:
            return (f"{len(used)} same-state pairing(s) ({'; '.join(parts)}) agree on "
                    f"{self.common[0]:.2f}-{self.common[1]:.2f} m³.")
        conf = "; ".join(f"{a} ({ia[0]:.2f}-{ia[1]:.2f} m³) against {b} ({ib[0]:.2f}-"
                         f"{ib[1]:.2f} m³)" for a, b, ia, ib in self.conflicts)
        env = self.envelope or (math.nan, math.nan)
        return (f"The same-state pairings are inconsistent: {conf}. Their envelope "
                f"{env[0]:.2f}-{env[1]:.2f} m³ is carried downstream as a scenario range, "
                "not an estimate.")


def summarise_volumes(pairings: pd.DataFrame) -> VolumeEstimate:
    """Consistency, conflicts, common interval and envelope of the used pairings."""
    used = pairings[pairings["used"].astype(bool)] if len(pairings) else pairings
    if used.empty:
        return VolumeEstimate(pairings=pairings, consistent=False, determined=False)
    iv = [(str(r["pairing_id"]), (float(r["volume_low_m3"]), float(r["volume_high_m3"])))
          for r in used.to_dict("records")]
    conflicts = [(a, b, ia, ib) for i, (a, ia) in enumerate(iv) for (b, ib) in iv[i + 1:]
                 if ia[1] < ib[0] or ib[1] < ia[0]]
    lo = max(x[1][0] for x in iv)
    hi = min(x[1][1] for x in iv)
    common = (lo, hi) if lo <= hi else None
    env = (min(x[1][0] for x in iv), max(x[1][1] for x in iv))
    ok = not conflicts and common is not None
    return VolumeEstimate(pairings=pairings, consistent=ok, conflicts=conflicts, common=common,
                          envelope=env, band=common if ok else env, determined=True)


def volume_estimate(record: Any, **kwargs: Any) -> VolumeEstimate:
    """:func:`pairing_volumes` summarised (keyword arguments passed through).

    Raises:
        InsufficientDataError: Never; an undetermined volume has ``determined=False``.
    """
    return summarise_volumes(pairing_volumes(record, **kwargs))


def _unused(_: InsufficientDataError) -> None:  # keeps the import for the docstring
    return None
