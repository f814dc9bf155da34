"""The evidence base in data/: completeness against the public record and its reviewed
corrections (corrections.md), contested values, when each row became public, internal
consistency, source resolution, checksums and independent Frictionless validation.

The expected values below are the published figures as printed in the record (OIG via Ars
Technica, Montalbano's briefing, the Rogozin tweet, crew radio calls ...). Each test fails if a
row is missing, mis-typed or mis-flagged.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from prkanalysis import config
from prkanalysis.errors import DataValidationError
from prkanalysis.provenance import sha256_file, stale_resources, update_hashes
from prkanalysis.units import convert

TABLES = ["sources", "leak_rates", "pressure_readings", "events", "constants", "other_figures",
          "gas_deliveries", "codes", "contest_groups"]
#: evidence tables: every row cites sources and says when it became public
EVIDENCE = {"leak_rates": "rate_id", "pressure_readings": "reading_id", "events": "event_id",
            "other_figures": "figure_id", "constants": "constant_id",
            "gas_deliveries": "delivery_id"}
#: tables whose rows can be contested (contest_group column)
CONTESTABLE = ["leak_rates", "pressure_readings", "events", "other_figures"]


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(config.DATA_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def t() -> dict[str, pd.DataFrame]:
    return {name: _read(name) for name in TABLES}


def _preferred(df: pd.DataFrame, id_col: str, groups: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``df`` that are not alternatives (contest members outside ``preferred_ids``)."""
    decided = groups[groups.preferred_ids != ""]
    pref = {i for cell in decided.preferred_ids for i in cell.split(";")}
    alt = df.contest_group.isin(set(decided.group_id)) & ~df[id_col].isin(pref)
    return df[~alt]


def _one(df: pd.DataFrame, **eq: str) -> pd.Series:
    mask = pd.Series(True, index=df.index)
    for col, val in eq.items():
        mask &= df[col] == val
    rows = df[mask]
    assert len(rows) == 1, f"expected exactly one row with {eq}, found {len(rows)}"
    return rows.iloc[0]


# ----------------------------------------------------------------------------- row counts


def test_row_counts_at_least_the_record(t):
    # section 1 holds 50 numbered rows (17 mass-rate rows incl. before/after and derived),
    # section 2 about 45 dated events, section 4 six station constants, physics.md 8 Progress
    # gas loads, 3.3 the 2020-2021 PrK readings.
    assert len(t["leak_rates"]) >= 17
    assert len(t["events"]) >= 45
    assert len(t["pressure_readings"]) >= 16
    assert len(t["constants"]) >= 20
    assert len(t["other_figures"]) >= 25
    assert len(t["gas_deliveries"]) == 8
    assert len(t["sources"]) >= 93  # distinct URLs in public-record.md alone


def test_every_numbered_record_row_is_encoded(t):
    refs: set[int] = set()
    for name in ["leak_rates", "pressure_readings", "events", "constants", "other_figures"]:
        for cell in t[name]["record_ref"]:
            for part in cell.replace(",", ";").split(";"):
                part = part.strip().lstrip("#")
                if "-" in part and part.replace("-#", "-").replace("-", "").isdigit():
                    lo, hi = part.replace("#", "").split("-")
                    refs.update(range(int(lo), int(hi) + 1))
                elif part.isdigit():
                    refs.add(int(part))
    missing = sorted(set(range(1, 51)) - refs)
    assert missing == [], f"public-record.md section 1 rows not encoded anywhere: {missing}"


# ----------------------------------------------------------------------------- leak rates


def test_contract_columns_present(t):
    lr_cols = ["rate_id", "record_ref", "quantity", "period_reported", "period_start",
               "period_end", "period_precision", "reported_on", "value_reported", "qualifier",
               "value", "value_high", "unit_reported", "unit", "derived", "speaker",
               "source_ids", "note"]
    assert set(lr_cols) <= set(t["leak_rates"].columns)
    pr_cols = ["reading_id", "episode_id", "seq", "time", "time_precision", "elapsed_h",
               "elapsed_low_h", "elapsed_high_h", "pressure_mmhg", "pressure_reported",
               "qualifier", "kind", "source_ids", "note"]
    assert set(pr_cols) <= set(t["pressure_readings"].columns)


def test_april_2024_peak_is_3_7_lb_per_day(t):
    peak = _one(t["leak_rates"], period_start="2024-04-01", unit="lb/day")
    got = (peak.value, peak.qualifier, peak.derived, peak.duplicate_of)
    assert got == ("3.7", "=", "false", "")
    assert peak.period_precision == "month"
    assert peak.reported_on == "2024-09-26"


def test_1_7_kg_is_a_flagged_relay_of_the_3_7_lb_peak(t):
    lr = t["leak_rates"]
    peak = _one(lr, period_start="2024-04-01", unit="lb/day")
    metric = _one(lr, period_start="2024-04-01", unit="kg/day")
    assert metric.duplicate_of == peak.rate_id
    assert metric.qualifier == "~<" and metric.value_reported == "nearly 1.7"
    # pure rounding: 3.7 lb = 1.678 kg
    assert abs(convert(float(peak.value), "lb/day", "kg/day") - float(metric.value)) < 0.05


def test_feb_2024_values(t):
    lr = t["leak_rates"]
    feb = lr[(lr.period_start == "2024-02-01") & (lr.unit == "lb/day")]
    assert sorted(feb.value_reported) == ["2.4", "a little over 2"]
    oig = _one(feb, value_reported="2.4")
    assert (oig.qualifier, oig.value, oig.derived) == ("=", "2.4", "false")
    brief = _one(feb, value_reported="a little over 2")
    assert (brief.qualifier, brief.value) == ("~>", "2")


def test_pre_2024_baselines(t):
    lr = t["leak_rates"]
    base = _one(lr, value_reported="less than 1")
    assert (base.qualifier, base.value, base.unit, base.period_precision) == ("<", "1", "lb/day",
                                                                               "before")
    assert base.period_end < "2024-02-14"
    low = _one(lr, value_reported="0.2")
    # the date of the "historic low" was never established: no end date to be "within N days"
    assert low.unit == "lb/day" and low.period_precision == "unknown" and low.period_end == ""
    before = _one(lr, record_ref="25", value_reported="1")
    assert before.qualifier == "="


def test_derived_rows_are_flagged_and_arithmetically_right(t):
    lr = t["leak_rates"]
    derived = lr[lr.derived == "true"]
    assert {"1.13", "2.47"} <= set(derived.value)
    third = _one(lr, value="2.47")
    assert abs(3.7 * 2 / 3 - float(third.value)) < 0.005
    gn = _one(lr, value="1.13")
    assert abs(1.7 * 2 / 3 - float(gn.value)) < 0.005
    assert gn.duplicate_of == third.rate_id
    # a derived or duplicate row never stands alone as the only row of its period
    assert (lr.loc[lr.duplicate_of != "", "duplicate_of"].isin(lr.rate_id)).all()


def test_2019_2020_sputnik_series(t):
    lr = t["leak_rates"]
    sputnik = lr.speaker.str.contains("Sputnik")
    series = lr[lr.record_ref.isin(["2", "3", "4"]) & sputnik].sort_values("period_start")
    assert list(series.value) == ["270", "540", "1.4"]
    assert list(series.unit) == ["g/day", "g/day", "kg/day"]
    # "fivefold" (other_figures) agrees with 270 g -> 1.4 kg within 5 %
    five = _one(t["other_figures"], value_reported="fivefold")
    assert abs(1400 / 270 / float(five.value) - 1) < 0.05


def test_2026_rows(t):
    lr = t["leak_rates"]
    rec = _one(lr, record_ref="48")
    assert (rec.value, rec.unit, rec.qualifier) == ("2", "lb/day", "=")
    assert rec.period_start.startswith("2026-05") and rec.period_end == "2026-06-05"
    assert _one(lr, record_ref="47").value == "1"


def test_graphic_news_timeline_is_secondary(t):
    lr = t["leak_rates"]
    gn = lr[(lr.secondary == "true") & (lr.speaker == "Graphic News timeline")]
    assert sorted(gn.value) == ["0.54", "0.77"]
    assert (gn.unit == "kg/day").all()


def test_leak_rate_enums(t):
    lr = t["leak_rates"]
    assert set(lr.qualifier) <= {"=", "<", ">", "~", "~>", "~<", "range"}
    assert set(lr.unit) <= {"lb/day", "kg/day", "g/day"}
    rng = lr[lr.qualifier == "range"]
    assert (rng.value_high != "").all()
    assert (lr.loc[lr.qualifier != "range", "value_high"] == "").all()


# ----------------------------------------------------------------------------- pressures


def test_july_2021_series(t):
    pr = t["pressure_readings"]
    ep = pr[(pr.episode_id == "E2021-07") & (pr.kind == "reading")].copy()
    ep["seq"] = ep.seq.astype(int)
    ep = ep.sort_values("seq")
    # Rogozin's series with the 28 July reading (corrections.md row 19), then Sputnik's 154
    assert list(ep.pressure_mmhg.astype(float)) == [473, 273, 200, 167, 160, 154]
    assert list(ep.time) == ["2021-07-14", "2021-07-20", "2021-07-25", "2021-07-28",
                             "2021-07-29", "2021-07-31"]
    assert list(ep.seq) == list(range(1, 7))
    days = (pd.to_datetime(ep.time) - pd.Timestamp("2021-07-14")).dt.days * 24
    assert list(ep.elapsed_h.astype(float)) == list(days.astype(float))
    targets = pr[(pr.episode_id == "E2021-07") & (pr.kind == "target")]
    assert sorted(targets.pressure_mmhg) == ["200", "220"]


def test_march_2021_msk_converted_to_utc(t):
    pr = t["pressure_readings"]
    ep = pr[pr.episode_id == "E2021-03"].sort_values("seq")
    t0, t1 = pd.to_datetime(ep.time.tolist())
    assert t0 == pd.Timestamp("2021-03-12T19:30:00Z")  # 22:30 MSK
    assert (t1 - t0) / pd.Timedelta(hours=1) == pytest.approx(float(ep.elapsed_h.iloc[1]))
    assert list(ep.pressure_mmhg.astype(float)) == [730, 678]


def test_other_episodes(t):
    pr = t["pressure_readings"]
    oct20 = pr[pr.episode_id == "E2020-10"].sort_values("seq")
    assert list(oct20.pressure_mmhg) == ["733", "643"]
    assert float(oct20.elapsed_low_h.iloc[1]) < 12 < float(oct20.elapsed_high_h.iloc[1])
    nov20 = _preferred(pr, "reading_id", t["contest_groups"])
    nov20 = nov20[nov20.episode_id == "E2020-11"].sort_values("seq")
    assert list(nov20.pressure_mmhg) == ["723", "685"]
    assert nov20.elapsed_h.iloc[1] == ""  # duration not published
    dec20 = pr[pr.episode_id == "E2020-12"].sort_values("seq")
    assert list(dec20.pressure_mmhg) == ["730", "620"] and dec20.elapsed_h.iloc[1] == "18"
    assert _one(pr, episode_id="E2021-summer").pressure_mmhg == "200"
    assert _one(pr, episode_id="E2021-spring").pressure_mmhg == "405"
    assert _one(pr, episode_id="E2025-06").pressure_mmhg == "100"


def test_elapsed_bounds_bracket_elapsed(t):
    pr = t["pressure_readings"]
    known = pr[pr.elapsed_h != ""]
    lo, mid, hi = (known[c].astype(float) for c in ("elapsed_low_h", "elapsed_h",
                                                      "elapsed_high_h"))
    assert ((lo <= mid) & (mid <= hi)).all()
    first = pr[pr.seq == "1"]
    assert (first.elapsed_h.isin(["0", ""])).all()


# ----------------------------------------------------------------------------- events


def test_key_events(t):
    ev = t["events"]
    stop = _one(ev, category="stop")
    assert stop.date_start == "2026-01-01" and stop.date_end == "2026-01-02"
    assert "No duration" in stop.note
    rec = _one(ev, category="recurrence")
    assert rec.date_start.startswith("2026-05")
    haven = _one(ev, category="safety")
    assert haven.date_start == "2026-06-05"
    det = _one(ev, category="detection")
    assert det.date_start == "2019-09-01" and det.date_precision == "month"
    risk = ev[(ev.category == "risk") & ev.summary.str.contains("5x5")]
    assert len(risk) == 1
    assert (ev.date_start <= ev.date_end).all()
    assert ev.date_start.str[:4].astype(int).between(2000, 2026).all()
    assert set(ev.category) <= set(t["codes"].query("field == 'category'").code)


# ----------------------------------------------------------------------------- other tables


def test_constants(t):
    c = t["constants"]
    prk = _one(c, name="PrK (transfer chamber) free volume")
    assert prk.value == "" and "NOT FOUND" in prk.note
    assert _one(c, name="Lower limit of total pressure (Flight Rule)").value == "14.2"
    assert _one(c, name="ISS total leak-rate requirement (design)").value == "2"
    assert _one(c, name="Measured background station leak, 2004").value == "0.064"
    assert _one(c, name="Measured background station leak, Q1 2011").value == "0.227"
    band = _one(c, name="Cabin temperature design band")
    assert (band.value_low, band.value_high) == ("18.3", "26.7")
    assert _one(c, name="Pressurized volume, whole ISS").value == "916"
    # design allowance: 2 lb/day = 0.907 kg/day as the record prints it
    assert convert(2, "lb/day", "kg/day") == pytest.approx(0.907, abs=5e-4)


def test_other_figures(t):
    of = t["other_figures"]
    oig = _one(of, kind="risk_score", record_ref="33")
    assert oig.value_reported.startswith("5 x 5")
    assert _one(of, kind="diameter").value == "0.2"
    solovyov = _one(of, record_ref="14")
    assert (solovyov.qualifier, solovyov.value, solovyov.value_high) == ("range", "0.3", "0.4")
    assert _one(of, kind="money").value == "266000"
    for rep in ["fivefold", "reduced threefold", "by 50%", ">6", "about one third",
                "1 mm Hg per 8 h"]:
        _one(of, value_reported=rep)
    ports = of[of.kind == "count"].query("unit_reported == 'ports'")
    assert sorted(ports.value) == ["3", "4"]
    assert set(of.kind) <= set(t["codes"].query("field == 'kind (other_figures)'").code)


def test_gas_deliveries(t):
    gd = t["gas_deliveries"]
    kg = gd.gas_mass_kg.astype(float)
    assert kg.between(40, 50).all() and kg.sum() == pytest.approx(353.5)
    assert _one(gd, vehicle="Progress MS-30").launch_date == "2025-02-27"  # 00:24 MSK 28 Feb


# ----------------------------------------------------------------------------- sources


def test_every_source_id_resolves_and_every_source_is_used(t):
    ids = set(t["sources"].source_id)
    used: set[str] = set()
    for name in ["leak_rates", "pressure_readings", "events", "constants", "other_figures",
                 "gas_deliveries"]:
        df = t[name]
        assert (df.source_ids != "").all(), f"{name}: a row cites no source"
        for cell in df.source_ids:
            entries = cell.split(";")
            unknown = set(entries) - ids
            assert not unknown, f"{name}: unknown source ids {unknown}"
            used.update(entries)
    assert ids - used == set(), f"sources cited by no row: {sorted(ids - used)}"


def test_sources_graded_and_unique(t):
    s = t["sources"]
    assert set(s.grade) <= {"P", "T", "A"}
    assert (s.url.str.match(r"^https?://")).all()
    assert s.url.is_unique and s.source_id.is_unique
    assert (s.title != "").all() and (s.publisher != "").all()
    oig = _one(s, url="https://www.oversight.gov/reports/audit/"
                      "nasas-management-risks-sustaining-iss-operations-through-2030")
    assert oig.grade == "P"
    psf = s[s.url.str.contains("lr.us.psf.lt")].iloc[0]
    assert "Ars Technica" in psf.original_outlet


# ----------------------------------------------------------------------------- descriptor


def test_descriptor_hashes_match_files():
    assert stale_resources() == []
    desc = json.loads(config.DATAPACKAGE.read_text(encoding="utf-8"))
    names = {r["name"] for r in desc["resources"]}
    assert set(TABLES) <= names
    for res in desc["resources"]:
        path = config.DATA_DIR / res["path"]
        assert res["hash"] == "sha256:" + sha256_file(path)
        assert res["bytes"] == path.stat().st_size
    assert desc["licenses"][0]["name"] == "CC-BY-4.0"


@pytest.mark.slow  # the first frictionless call imports and warms up its plugins
def test_frictionless_validates_the_package():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(config.DATAPACKAGE))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_frictionless_catches_a_bad_value(tmp_path):
    frictionless = pytest.importorskip("frictionless")
    dst = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, dst)
    p = dst / "leak_rates.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(",=,3.7,", ",=,-3.7,", 1), encoding="utf-8")
    assert update_hashes(dst / "datapackage.json") == ["leak_rates"]
    report = frictionless.validate(str(dst / "datapackage.json"))
    assert not report.valid
    assert "constraint-error" in {e.type for task in report.tasks for e in task.errors}


def test_update_hashes_on_a_copy(tmp_path: Path):
    dst = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, dst)
    desc = dst / "datapackage.json"
    assert update_hashes(desc) == []
    with (dst / "events.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert stale_resources(desc) == ["events"]
    assert update_hashes(desc) == ["events"]
    assert stale_resources(desc) == []


def test_update_hashes_bad_input(tmp_path: Path):
    with pytest.raises(DataValidationError, match="descriptor not found"):
        update_hashes(tmp_path / "datapackage.json")
    (tmp_path / "datapackage.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataValidationError, match="not valid JSON"):
        update_hashes(tmp_path / "datapackage.json")
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "x", "path": "x.csv"}]}), encoding="utf-8")
    with pytest.raises(DataValidationError, match="does not exist"):
        update_hashes(tmp_path / "datapackage.json")


# ----------------------------------------------------------------------------- corrections.md
# Each item of the reviewed corrections (../shared/record/corrections.md, 2026-11-29) with the
# URLs it gives verbatim and the data rows that carry it. data/README.md ("Changes from the
# public record") prints the same mapping; a test below checks the two agree.

CORRECTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "14": (("OF12", "K33"), (
        "http://news100.ru/post/42095/%D0%BD%D0%B0+%D0%BC%D0%BA%D1%81+%D0%BE%D0%B1%D0%BD%D0%B0"
        "%D1%80%D1%83%D0%B6%D0%B5%D0%BD%D0%B0+%D0%B2%D1%82%D0%BE%D1%80%D0%B0%D1%8F+%D1%82%D1%80"
        "%D0%B5%D1%89%D0%B8%D0%BD%D0%B0",)),
    "47": (("LR17", "EV50", "LR18"), (
        "https://www.uniladtech.com/science/space/"
        "iss-bleeding-nasa-engineers-brace-catastrophic-failure-846144-20260528",
        "https://bittide.aicompass.dev/article/14d8a67a-8871-41ca-afa6-40504588596e",
        "https://totalnews.com/?p=1287446")),
    "39": (("LR15",), (
        "https://www.businesstoday.in/science/story/air-escaping-iss-sunita-williams-on-board-as-"
        "nasa-and-russia-disagree-on-the-next-steps-454861-2024-11-23",
        "https://gaya.one/zh-cn/science/astronomy-astrophysics/1efa906d-ceba-6c12-82fa-058b2508bf00")),
    "19": (("PR18", "PR13"), (
        "https://www.world-today-news.com/the-pressure-on-the-iss-module-has-dropped-significantly/",)),
    "20": (("PR15", "PR19", "CG01"), (
        "https://www.pakistanpoint.com/en/story/1315204/"
        "russian-space-agency-to-raise-pressure-in-iss-zvezda-mo.html",
        "https://www.world-today-news.com/the-pressure-on-the-iss-module-has-dropped-significantly/")),
    "50 (time)": (("EV51", "OF31", "OF33"), (
        "https://news-grower.ru/en/news/"
        "the-saga-of-the-international-space-station-air-leak-took-a-worrying-turn-friday",
        "https://www.cosmosweek.com/en/news/iss-evacuation-astronauts-briefly-shelter-as-leak-worsens/",
        "https://longform.social/post/did:plc:oznbnvgr7dmvddiyvr7dih52/3mnkfkvzgfsk2/source")),
    "50 (duration)": (("OF33", "OF39", "CG04"), (
        "https://www.nereidatlas.com/story_clusters/df59aa0b-a5c8-4174-b47c-4d16d7fdee06",
        "https://leksi.co/en/topic/science-iss-air-leak-prompts-astronaut-shelter",
        "https://hype.aero/cluster/nasa-puts-iss-astronauts-on-ev/"
        "5ff2508f-ce8f-4592-b906-766d6e8c6bd7/")),
    "Events, 5 June 2026": (("EV55",), (
        "https://the-executive-brief.web.app/news/"
        "nasa-blocked-roscosmos-from-cutting-into-iss-crack-zone-sending-crew-dragon-shelter-d59f6a",
        "https://trends.glance.com/story/bundles/US/en/s-c06640630b-77aac91b-2ad6-59b3-889c-"
        "7c76e0f6970c?pagesource=explore_more_button&summary=false")),
    "4 (NASA, 29 Sept 2020)": (("OF36", "LR03", "OF02", "EV07", "CG03"), (
        "https://spaceref.com/space-stations/"
        "nasa-space-station-on-orbit-status-29-september-2020-leak-continues-to-mystify",
        "https://foxexclusive.com/11820/space-station-air-leak-forces-middle-of-night-crew-wakeup/")),
    "4 (Kowalski)": (("LR21", "CG03"), (
        "http://gerhardkowalski.com/?p=20548", "http://gerhardkowalski.com/?p=20418",
        "http://gerhardkowalski.com/?p=20613")),
    "Events, ~23-24 June 2025 (Petro)": (("EV45",), (
        "https://menafn.com/1109718285/NASA-Sets-Coverage-For-Axiom-Mission-4-Launch-Arrival-At-Station",)),
    "A1": (("EV52", "OF45"), (
        "https://toppikr.com/on-the-space-station-band-aid-fixes-for-systemic-problems",
        "https://theverysoon.com/as-leaks-on-the-space-station-worsen-theres-no-clear-plan-to-deal-"
        "with-them",
        "https://arstechnica.com/space/2024/06/on-the-space-station-band-aid-fixes-for-systemic-problems/",
        "https://soylentnews.org/comments.pl?noupdate=1&sid=62505&page=1&cid=1379292",
        "https://carbrandexperts.com/nasas-concerns-grow-as-leak-in-international-space-station-"
        "worsens")),
    "A2": (("OF37", "OF38", "CG06"), (
        "https://ria24.today/news/rukovoditel-poleta-nazval-utechku-vozduha-na/4326724",)),
    "A3": (("PR03", "PR04", "PR20", "CG02"), (
        "https://www.ng.ru/news/695562.html", "http://gerhardkowalski.com/?p=20905",
        "https://rtarabic.com/space/1175365-%D8%A7%D8%B3%D8%AA%D9%85%D8%B1%D8%A7%D8%B1-%D8%AA%D8%B3"
        "%D8%B1%D9%8A%D8%A8-%D8%A7%D9%84%D9%87%D9%88%D8%A7%D8%A1-%D9%85%D9%86-%D8%A7%D9%84%D9%85%D8"
        "%AD%D8%B7%D8%A9-%D8%A7%D9%84%D9%81%D8%B6%D8%A7%D8%A6%D9%8A%D8%A9-%D8%A7%D9%84%D8%AF%D9%88"
        "%D9%84%D9%8A%D8%A9")),
    "A4": (("OF40",), ("https://tass.com/science/1996901",)),
    "A5": (("EV53",), (
        "http://www.gazeta.ru/science/news/2020/12/19/n_15382154.shtml",
        "https://noticiabrasil.net.br/amp/20201218/"
        "tripulacao-da-iss-busca-mais-um-vazamento-de-ar-no-modulo-russo-zvezda-16643306.html")),
    "A6": (("OF41",), (
        "https://newssummedup.com/summary/%D0%AD%D0%BA%D0%B8%D0%BF%D0%B0%D0%B6-%D0%9C%D0%9A%D0%A1-"
        "%D0%B7%D0%B0%D0%B4%D0%B5%D0%BB%D0%B0%D0%BB-%D0%BF%D0%B5%D1%80%D0%B2%D1%83%D1%8E-%D1%82"
        "%D1%80%D0%B5%D1%89%D0%B8%D0%BD%D1%83-%D0%B2-%D1%80%D0%BE%D1%81%D1%81%D0%B8%D0%B9%D1%81"
        "%D0%BA%D0%BE%D0%BC-%D0%BC%D0%BE%D0%B4%D1%83%D0%BB%D0%B5-0l250j",
        "https://nsn.fm/aviation-and-space/kosmonavty-zafiksirovali-snizhenie-davleniya-v-otseke-"
        "mks-s-treschinoi")),
    "A7": (("OF42", "OF43", "OF44"), (
        "http://www.gerhardkowalski.com/?p=21545", "http://gerhardkowalski.com/?p=21600")),
    "A8": (("EV24",), (
        "https://vpk.name/en/561740_nasa-told-about-the-worst-case-scenario-for-a-leaky-russian-star"
        ".html",)),
    "A9": (("EV54",), (
        "https://vpk.name/en/572935_nasa-allowed-permanent-isolation-of-the-russian-star.html",
        "https://news.rambler.ua/tech/47961773-rossiyskiy-modul-mks-mogut-izolirovat-iz-za-utechki-"
        "vozduha/comments")),
    "X1": (("PR21", "PR22", "EV09"), ("http://gerhardkowalski.com/?p=20613",)),
    "X2": (("PR23", "PR24", "PR25", "CG05"), (
        "https://en.newizv.ru/news/incident/01-03-2021/"
        "in-one-of-the-compartments-of-the-iss-the-pressure-dropped-by-a-third-in-two-days",
        "https://nsn.fm/aviation-and-space/kosmonavty-zafiksirovali-snizhenie-davleniya-v-otseke-"
        "mks-s-treschinoi")),
    "Unconfirmed 3 (Progressive Robot)": (("EV51",), (
        "https://blog.progressiverobot.com/iss-astronauts-had-to-shelter-in-place-in-the-spacex-"
        "dragon-capsule-because-of-an-air-leak",)),
}

ID_COLS = {**EVIDENCE, "contest_groups": "group_id"}


def _row(t: dict[str, pd.DataFrame], row_id: str) -> pd.Series:
    for name, col in ID_COLS.items():
        hit = t[name][t[name][col] == row_id]
        if len(hit):
            return hit.iloc[0]
    raise AssertionError(f"row {row_id} not found in any table")


def _source(t: dict[str, pd.DataFrame], url: str) -> pd.Series:
    return _one(t["sources"], url=url)


def _cites(row: pd.Series, *source_ids: str) -> bool:
    return set(source_ids) <= set(row.source_ids.split(";"))


@pytest.mark.parametrize("item", list(CORRECTIONS))
def test_every_corrections_item_is_carried(t, item):
    rows, urls = CORRECTIONS[item]
    for rid in rows:
        _row(t, rid)
    cited = {s for name in EVIDENCE for cell in t[name].source_ids for s in cell.split(";")}
    for url in urls:
        src = _source(t, url)  # the exact URL as corrections.md gives it
        assert "corrections.md" in src.cited_in.split(";"), (item, url)
        assert src.source_id in cited, f"{item}: {src.source_id} ({url}) is cited by no row"
        assert src.grade in {"P", "T", "A"} and src.publisher


def test_readme_lists_the_rows_of_every_item(t):
    text = (config.DATA_DIR / "README.md").read_text(encoding="utf-8")
    section = text.split("## Changes from the public record", 1)[1].split("\n## ", 1)[0]
    table = [ln for ln in section.splitlines() if ln.startswith("| ")][1:]
    listed = {ln.split("|")[1].strip(): ln.split("|")[-2] for ln in table}
    assert set(CORRECTIONS) <= set(listed), set(CORRECTIONS) - set(listed)
    for item, (rows, _) in CORRECTIONS.items():
        ids = set(re.findall(r"\b(?:LR|PR|EV|OF|K|CG)\d{2}\b", listed[item]))
        assert set(rows) <= ids, (item, set(rows) - ids)
    every = set(re.findall(r"\b(?:LR|PR|EV|OF|K|CG|S)\d{2,3}\b", section))
    for rid in every - {i for i in every if i.startswith("S")}:
        _row(t, rid)
    assert {i for i in every if i.startswith("S")} <= set(t["sources"].source_id)


def test_row_47_is_nasa_after_the_2026_recurrence(t):
    lr = t["leak_rates"]
    row = _one(lr, record_ref="47")
    assert row.period_precision != "before"
    assert row.period_start >= "2026-05-01" and row.period_end == "2026-05-21"
    assert row.reported_on == "2026-05-21" and row.reported_on_precision == "day"
    assert "NASA" in row.speaker and "Finch" in row.speaker
    assert (row.value, row.unit, row.qualifier) == ("1", "lb/day", "~")
    ars = _source(t, CORRECTIONS["47"][1][1])
    assert _cites(row, ars.source_id) and ars.published == "2026-05-21" and ars.grade == "T"
    # the 2 lb/day of 5 June (row 48) comes after it; the recurrence event is dated by it
    assert _one(lr, record_ref="48").reported_on > row.reported_on
    rec = _one(t["events"], category="recurrence")
    assert rec.date_start == "2026-05-01" and rec.reported_on == "2026-05-21"
    # no 'before 2026' baseline of about 1 lb/day is left
    before = lr[(lr.period_precision == "before") & (lr.period_end >= "2026-01-01")]
    assert before.empty


def test_row_14_solovyov_is_a_range_at_750(t):
    row = _one(t["other_figures"], record_ref="14")
    assert (row.qualifier, row.value, row.value_high, row.unit) == ("range", "0.3", "0.4",
                                                                    "mmHg/day")
    assert row.value_reported.startswith("0,3-0,4")  # as broadcast, beside the numbers
    assert row.date_start == "2021-01-22" and row.reported_on == "2021-01-22"
    news100 = _source(t, CORRECTIONS["14"][1][0])
    assert news100.grade == "T" and row.source_ids.split(";")[0] == news100.source_id
    ref = _row(t, "K33")
    assert (ref.value, ref.unit, ref.date) == ("750", "mmHg", "2021-01-22")


def test_row_19_reading_of_167_on_28_july_2021(t):
    pr = t["pressure_readings"]
    row = _one(pr, time="2021-07-28", pressure_mmhg="167")
    assert (row.episode_id, row.kind, row.elapsed_h) == ("E2021-07", "reading", "336")
    assert _cites(row, _source(t, CORRECTIONS["19"][1][0]).source_id)
    ep = pr[(pr.episode_id == "E2021-07") & (pr.kind == "reading")]
    ep = ep.assign(seq=ep.seq.astype(int)).sort_values("seq")
    before, after = ep[ep.seq < int(row.seq)], ep[ep.seq > int(row.seq)]
    assert before.time.max() < row.time < after.time.min()
    # the corrected derived rates, about 33, 15, 11 and 7 mm Hg/day
    rogozin = ep[ep.time <= "2021-07-29"]
    p = rogozin.pressure_mmhg.astype(float).to_numpy()
    d = pd.to_datetime(rogozin.time).diff().dt.days.to_numpy()[1:]
    rates = (p[:-1] - p[1:]) / d
    assert [round(r) for r in rates] == [33, 15, 11, 7]


def test_row_20_target_stands_as_two_alternatives(t):
    pr = t["pressure_readings"]
    sputnik = _one(pr, episode_id="E2021-07", kind="target", pressure_mmhg="220")
    other = _one(pr, episode_id="E2021-07", kind="target", pressure_mmhg="200")
    assert sputnik.contest_group == other.contest_group != ""
    group = _one(t["contest_groups"], group_id=sputnik.contest_group)
    assert group.preferred_ids == sputnik.reading_id
    assert _cites(sputnik, _source(t, CORRECTIONS["20"][1][0]).source_id)
    assert _cites(other, _source(t, CORRECTIONS["20"][1][1]).source_id)


def test_row_39_attributed_to_nasa_generically_grade_a(t):
    row = _one(t["leak_rates"], record_ref="39")
    assert "NASA" in row.speaker and "generic" in row.speaker
    grades = t["sources"].set_index("source_id").loc[row.source_ids.split(";"), "grade"]
    assert set(grades) == {"A"}
    for url in CORRECTIONS["39"][1]:
        assert _cites(row, _source(t, url).source_id)


def test_row_50_time_duration_and_reason(t):
    ev, of = t["events"], t["other_figures"]
    haven = _one(ev, category="safety")
    assert "13:00 UTC" in haven.date_reported and "14:00 UTC" not in haven.date_reported
    for fid in ("OF31", "OF33"):
        assert "13:00 UTC" in _row(t, fid).refers_to
    two, alt = _row(t, "OF33"), _one(of, kind="duration", value="1.5")
    assert (two.value, two.unit) == ("2", "h") and alt.unit == "h"
    assert two.contest_group == alt.contest_group != ""
    assert _one(t["contest_groups"], group_id=two.contest_group).preferred_ids == "OF33"
    hype = _source(t, CORRECTIONS["50 (duration)"][1][2])
    assert alt.source_ids == hype.source_id and hype.grade == "A"
    reason = _row(t, "EV55")
    assert reason.date_start == "2026-06-05" and "bracket" in reason.summary
    assert "not a sudden leak increase" in reason.summary
    assert _cites(reason, _source(t, CORRECTIONS["Events, 5 June 2026"][1][0]).source_id)


def test_row_4_contested_sept_2020_rate(t):
    lr, of = t["leak_rates"], t["other_figures"]
    sputnik = _one(lr, record_ref="4", value="1.4")
    group = _one(t["contest_groups"], group_id=sputnik.contest_group)
    members = {r for name in CONTESTABLE for r in
               t[name].loc[t[name].contest_group == group.group_id, ID_COLS[name]]}
    kowalski = _one(lr, value="220", unit="g/day")
    nasa = _one(of, value_reported="the overall rate of leak remaining unchanged")
    assert {sputnik.rate_id, kowalski.rate_id, nasa.figure_id} <= members
    assert sputnik.rate_id in group.preferred_ids.split(";")
    assert kowalski.secondary == "true" and kowalski.reported_on == "2020-09-26"
    grades = t["sources"].set_index("source_id").loc[kowalski.source_ids.split(";"), "grade"]
    assert set(grades) == {"A"}
    spaceref = _source(t, CORRECTIONS["4 (NASA, 29 Sept 2020)"][1][0])
    assert spaceref.grade == "P" and _cites(nasa, spaceref.source_id)
    assert nasa.reported_on == "2020-09-29"


def test_petro_named_as_acting_nasa_administrator(t):
    row = _row(t, "EV45")
    assert "acting NASA Administrator Janet Petro" in row.actor
    assert "Roscosmos (Acting" not in row.actor


def test_additions_a1_to_a9(t):
    of, pr = t["other_figures"], t["pressure_readings"]
    ars = _source(t, CORRECTIONS["A1"][1][2])
    june = _row(t, "EV52")
    assert june.category == "risk" and june.date_start == "2024-06-01"
    assert _cites(june, ars.source_id)
    score = _row(t, "OF45")
    assert (score.kind, score.value, score.reported_on) == ("risk_score", "5", "2024-06-01")
    assert score.reported_on < _one(of, kind="risk_score", record_ref="33").reported_on
    a2 = _row(t, "OF37")
    assert (a2.value, a2.value_high, a2.unit, a2.date_start) == ("1", "2", "mmHg/day", "2020-10-01")
    assert a2.contest_group == _row(t, "OF04").contest_group != ""
    nov = pr[pr.episode_id == "E2020-11"]
    starts = nov[nov.seq == "1"]
    assert sorted(starts.pressure_mmhg) == ["723", "736"] and starts.contest_group.nunique() == 1
    assert (nov.elapsed_h[nov.seq == "2"] == "").all()  # interval unknown: no rate
    assert _one(t["contest_groups"], group_id=starts.contest_group.iloc[0]).preferred_ids == \
        _one(nov, pressure_mmhg="723").reading_id
    a4 = _row(t, "OF40")
    assert (a4.kind, a4.value, a4.reported_on) == ("multiplier", "10", "2025-08-01")
    a5 = _row(t, "EV53")
    assert a5.date_start == "2020-12-18" and "safety reserve" in a5.summary
    assert _one(of, kind="count", value="6").figure_id == "OF41"
    a7 = _row(t, "OF42")
    assert (a7.value, a7.unit) == ("0.2", "mm")
    assert "March 2022" in _row(t, "EV24").summary
    a9 = _row(t, "EV54")
    assert a9.date_start.startswith("2022-01") and "permanently isolate" in a9.summary


def test_additions_x1_x2_pressure_episodes(t):
    pr = t["pressure_readings"]
    x1 = pr[pr.episode_id == "E2020-10b"].sort_values("seq")
    assert list(x1.pressure_mmhg) == ["727", "634"] and x1.elapsed_h.iloc[1] == "12"
    x2 = pr[pr.episode_id == "E2021-02"]
    starts = x2[x2.seq == "1"]
    assert sorted(starts.pressure_mmhg) == ["728", "730"] and starts.contest_group.nunique() == 1
    end = _one(x2, seq="2")
    assert end.pressure_mmhg == "465" and end.time == "2021-03-01"
    assert float(end.elapsed_low_h) <= 48 <= float(end.elapsed_high_h)  # 'two days'
    kept = _preferred(x2, "reading_id", t["contest_groups"])
    assert sorted(kept.pressure_mmhg) == ["465", "728"]


def test_every_corrections_url_is_a_source(t):
    urls = {u for _, us in CORRECTIONS.values() for u in us}
    assert len(urls) == 43  # distinct URLs in corrections.md, incl. the Unconfirmed section
    assert urls <= set(t["sources"].url)


# ----------------------------------------------------------------------------- alternatives


def test_contest_groups_are_valid(t):
    groups = t["contest_groups"]
    assert groups.group_id.is_unique and (groups.rationale != "").all()
    members: dict[str, list[pd.Series]] = {g: [] for g in groups.group_id}
    for name in CONTESTABLE:
        df = t[name]
        for _, row in df[df.contest_group != ""].iterrows():
            assert row.contest_group in members, (name, row.contest_group)
            members[row.contest_group].append(row)
    ids = set(t["sources"].source_id)
    for _, g in groups.iterrows():
        rows = members[g.group_id]
        assert len(rows) >= 2, f"{g.group_id}: a contest needs at least two members"
        source_sets = [frozenset(r.source_ids.split(";")) for r in rows]
        assert all(s and s <= ids for s in source_sets)
        # each alternative has its own sources: no two members cite exactly the same set
        assert len(set(source_sets)) == len(source_sets), g.group_id
        row_ids = [r.iloc[0] for r in rows]
        pref = [p for p in g.preferred_ids.split(";") if p]
        assert set(pref) <= set(row_ids), (g.group_id, pref)
        assert len({p[:2] for p in pref}) == len(pref), "at most one preferred row per table"
        assert set(g.source_ids.split(";")) <= set().union(*source_sets)


def test_alternatives_are_never_overwritten(t):
    # the record's values stay; each alternative is its own row with its own value
    pr, lr, of = t["pressure_readings"], t["leak_rates"], t["other_figures"]
    assert _one(pr, reading_id="PR15").pressure_mmhg == "220"
    assert _one(pr, reading_id="PR03").pressure_mmhg == "723"
    assert _one(lr, rate_id="LR03").value == "1.4"
    assert _one(of, figure_id="OF33").value == "2"
    assert _one(of, figure_id="OF04").value == "1"


# ----------------------------------------------------------------------------- as-of dates

_ORDER = {"day": 0, "month": 1, "year": 2}


def _bounds(text: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    if not text:
        return None
    lo = pd.Timestamp(text[:10] if len(text) >= 10 else text)
    hi = {4: lo + pd.offsets.YearEnd(0), 7: lo + pd.offsets.MonthEnd(0)}.get(len(text[:10]), lo)
    return lo, hi


def _own_start(name: str, row: pd.Series, df: pd.DataFrame) -> pd.Timestamp | None:
    col = {"leak_rates": "period_start", "events": "date_start", "other_figures": "date_start",
           "pressure_readings": "time", "constants": "date"}.get(name)
    if col is None:
        return None
    text = row[col]
    if name == "pressure_readings" and not text:
        ep = df[(df.episode_id == row.episode_id) & (df.time != "")]
        text = ep.sort_values("seq").time.iloc[0] if len(ep) else ""
    b = _bounds(text)
    return b[0] if b else None


@pytest.mark.parametrize("name", list(EVIDENCE))
def test_every_evidence_row_says_when_it_became_public(t, name):
    df, published = t[name], t["sources"].set_index("source_id").published
    assert {"reported_on", "reported_on_precision"} <= set(df.columns)
    assert (df.reported_on.str.fullmatch(r"\d{4}-\d{2}-\d{2}")).all(), "reported_on filled"
    assert set(df.reported_on_precision) <= {"day", "month", "year", "undated"}
    for _, row in df.iterrows():
        rid, when = row.iloc[0], pd.Timestamp(row.reported_on)
        own = _own_start(name, row, df)
        observed = name in CONTESTABLE  # constants and gas loads may be published beforehand
        spans = [_bounds(published[s]) for s in row.source_ids.split(";")]
        # a source published before an observation's own start date cannot report it
        spans = [b for b in spans if b and not (observed and own is not None and b[1] < own)]
        if not spans:
            assert row.reported_on_precision == "undated", rid
            assert when == (own if own is not None else pd.Timestamp("2000-07-12")), rid
            continue
        assert row.reported_on_precision != "undated", rid
        # never later than a citing source, never before what the row describes
        assert when <= min(hi for _, hi in spans), (rid, row.reported_on)
        if observed and own is not None:
            assert when >= own, (rid, row.reported_on)


def test_reported_on_follows_the_earliest_source_when_the_record_gives_no_date(t):
    # rows added from corrections.md and the event rows are set by the rule alone
    ev = t["events"].set_index("event_id")
    assert ev.loc["EV07", "reported_on"] == "2020-09-29"   # NASA blog of 29 Sept 2020
    assert ev.loc["EV39", "reported_on"] == "2024-11-13"   # a Sept 2024 source cannot report it
    assert ev.loc["EV49", ["reported_on", "reported_on_precision"]].tolist() == ["2026-01-01",
                                                                                 "month"]
    assert ev.loc["EV01", "reported_on_precision"] == "undated"
    k = t["constants"].set_index("constant_id")
    assert k.loc["K27", "reported_on"] == "2024-09-26"    # the OIG's planned rate
    assert k.loc["K23", "reported_on_precision"] == "undated"


@pytest.mark.parametrize(("old", "new", "match"), [
    ("CG01,PrK re-pressurization target announced on 31 July 2021,PR15,",
     "CG01,PrK re-pressurization target announced on 31 July 2021,PR14,", "not a member"),
    ("CG04,Time the crew spent in the safe haven on 5 June 2026,OF33,",
     "CG04,Time the crew spent in the safe haven on 5 June 2026,OF33;OF39,", "one preferred"),
])
def test_loader_rejects_a_broken_contest_group(tmp_path: Path, old, new, match):
    from prkanalysis.record import load_record
    dst = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, dst)
    p = dst / "contest_groups.csv"
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new), encoding="utf-8")
    update_hashes(dst / "datapackage.json")
    with pytest.raises(DataValidationError, match=match):
        load_record(dst)


def test_loader_rejects_a_contest_of_one(tmp_path: Path):
    from prkanalysis.record import load_record
    dst = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, dst)
    p = dst / "other_figures.csv"
    lines = p.read_text(encoding="utf-8").split("\n")
    lines = [ln.replace(",S142,CG04,", ",S142,,") if ln.startswith("OF39,") else ln
             for ln in lines]
    p.write_text("\n".join(lines), encoding="utf-8")
    update_hashes(dst / "datapackage.json")
    with pytest.raises(DataValidationError, match="at least two"):
        load_record(dst)
