"""The decay models applied to the real record (data/), plus small in-test frames."""

from __future__ import annotations

import doctest
import math

import pandas as pd
import pytest

import prkanalysis.episodes as episodes
from prkanalysis import physics
from prkanalysis.clean import normalize_leak_rates
from prkanalysis.episodes import (
    cumulative_air_lost,
    fit_episodes,
    hole_diameters,
    implied_volume_band,
    july_2021_model_comparison,
    july_2021_verdict,
    ratios_2024,
    segment_rates,
)
from prkanalysis.errors import DataValidationError
from prkanalysis.units import MMHG_PA


@pytest.fixture(scope="module")
def record():  # type: ignore[no-untyped-def]
    from prkanalysis import load_record

    return load_record()


@pytest.fixture(scope="module")
def rates(record) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    clean, _ = normalize_leak_rates(record.leak_rates, sources=record.sources)
    return clean


def test_doctests() -> None:
    res = doctest.testmod(episodes)
    assert res.attempted > 0 and res.failed == 0


def test_fit_episodes_real_record(record) -> None:  # type: ignore[no-untyped-def]
    fits = fit_episodes(record.pressure_readings).set_index("episode_id")
    # physics.md 3.3: Dec 2020 k = 0.218, Mar 2021 k = 0.154 (point values)
    assert fits.loc["E2020-12", "k_per_day"] == pytest.approx(0.218, abs=6e-4)
    assert fits.loc["E2021-03", "k_per_day"] == pytest.approx(0.154, abs=6e-4)
    for ep in ("E2020-10", "E2020-12", "E2021-03"):
        row = fits.loc[ep]
        assert row["k_low"] < row["k_per_day"] < row["k_high"]
        assert "interval arithmetic" in row["method"]
    # Nov 2020: clock lost -> undetermined
    assert fits.loc["E2020-11", "method"] == "undetermined"
    assert math.isnan(fits.loc["E2020-11", "k_per_day"])
    # held-only episodes carry no k
    assert math.isnan(fits.loc["E2025-06", "k_per_day"])
    assert fits.loc["E2025-06", "p_start_mmhg"] == 100
    # the repaired March 2021 decay is slower than December 2020, beyond the intervals
    assert fits.loc["E2021-03", "k_high"] < fits.loc["E2020-12", "k_low"]


def test_two_point_interval_by_hand(record) -> None:  # type: ignore[no-untyped-def]
    fits = fit_episodes(record.pressure_readings, resolution_mmhg=0.5).set_index("episode_id")
    # Dec 2020: 730 -> 620 in 18 h, bounds 17.5-18.5 h, readings +/-0.5
    lo = math.log(729.5 / 620.5) / (18.5 / 24)
    hi = math.log(730.5 / 619.5) / (17.5 / 24)
    assert fits.loc["E2020-12", "k_low"] == pytest.approx(lo, rel=1e-12)
    assert fits.loc["E2020-12", "k_high"] == pytest.approx(hi, rel=1e-12)


def test_segment_rates_july_slow_down(record) -> None:  # type: ignore[no-untyped-def]
    seg = segment_rates(record.pressure_readings)
    july = seg[seg["episode_id"] == "E2021-07"]
    # 473 -> 273 -> 200 -> 167 (28 Jul, corrections.md) -> 160 -> 154
    assert len(july) == 5
    expected = [math.log(473 / 273) / 6, math.log(273 / 200) / 5, math.log(200 / 167) / 3,
                math.log(167 / 160) / 1, math.log(160 / 154) / 2]
    assert july["k_per_day"].tolist() == pytest.approx(expected, rel=1e-12)
    # a day apart at day precision: no finite upper bound on k
    assert math.isinf(july["k_high"].iloc[3])
    # first vs last segment: the slow-down exceeds the interval arithmetic
    assert july["k_high"].iloc[-1] < july["k_low"].iloc[0]


def test_july_2021_comparison_real(record) -> None:  # type: ignore[no-untyped-def]
    comp = july_2021_model_comparison(record.pressure_readings)
    crit = comp.attrs["criterion"]
    c = comp.set_index("model")
    # six readings (with 28 July 2021): the exact nested F tests reject pure outflow; BIC
    # agrees; AICc's small-sample penalty (40 for four parameters at n = 6) does not
    assert (c["p_vs_exponential"].dropna() < 0.01).all()
    assert c.loc["exponential", "weight_bic"] < 0.01
    assert crit in ("aicc", "bic")
    text = july_2021_verdict(comp)
    # the verdict follows the exact tests, not the criterion's ranking: AICc ranks the
    # exponential first here, and the text must still say the readings reject it
    assert comp["model"].iloc[0] == "exponential" and crit == "aicc"
    assert text.startswith("The 6 readings reject a single exponential")
    assert "favour the exponential" not in text
    v = episodes.july_2021_tests(comp)
    assert v.rejected and v.preferred != "exponential"
    assert v.f_p == pytest.approx(c["p_vs_exponential"].dropna().to_dict(), rel=1e-12)
    # AICc penalty 2k(k+1)/(n-k-1): k = 3 -> 12, k = 4 -> 40 at n = 6
    assert v.penalty["exponential"] == pytest.approx(12.0)
    assert v.penalty[v.preferred] == pytest.approx(40.0)
    # equal parameter counts: the evidence ratio of the richer models is exp(dAIC/2)
    other = next(m for m in c.index if m not in ("exponential", v.preferred))
    assert v.rich_ratio == pytest.approx(
        math.exp((c.loc[other, "aic"] - c.loc[v.preferred, "aic"]) / 2), rel=1e-12)


def test_july_2021_verdict_when_exponential_holds() -> None:
    """SIMULATED pure exponential readings: the F tests do not reject and the text says so."""
    from prkanalysis.models.decay import simulate_decay

    t = [0.0, 6.0, 11.0, 14.0, 15.0, 17.0]
    n_any = 0
    seeds = range(40)
    for seed in seeds:
        p = simulate_decay(t, 473.0, 0.07, 0.5, seed=seed)
        df = pd.DataFrame({"episode_id": ["E2021-07"] * 6, "seq": range(1, 7),
                           "kind": ["reading"] * 6, "elapsed_h": [x * 24 for x in t],
                           "pressure_mmhg": p})
        v = episodes.july_2021_tests(july_2021_model_comparison(df))
        n_any += v.any_rejected
        if not v.any_rejected:
            assert v.preferred == "exponential"
            assert "do not reject a single exponential" in v.text
        else:
            assert v.preferred != "exponential"
    # two tests at the 5 % level on a true exponential: "any rejects" about 10 % of the time
    assert n_any <= 0.25 * len(seeds)


def test_trusted_readings_and_flow_follow_the_grades(record) -> None:  # type: ignore[no-untyped-def]
    from prkanalysis.analysis.flow import REGIME_BRACKET, trusted_flow
    from prkanalysis.clean import best_grade

    grade_of = dict(zip(record.sources["source_id"], record.sources["grade"], strict=True))
    for g in (("P",), ("P", "T"), ("P", "T", "A")):
        tr = episodes.trusted_readings(record, g)
        want = [r for r, s in zip(record.pressure_readings["reading_id"],
                                  record.pressure_readings["source_ids"], strict=True)
                if best_grade(s, grade_of) in g]
        assert tr["reading_id"].tolist() == want
    # the July 2021 series is trusted only with aggregator relays: no fit under P/T, and the
    # stop bound then uses the choked-to-viscous bracket and cannot bound the hidden outflow
    july_pt = episodes.trusted_readings(record, ("P", "T"))
    assert (july_pt["episode_id"] == "E2021-07").sum() < 4
    assert trusted_flow(record, ("P", "T")) is None
    assert trusted_flow(record, ("P", "T", "A")) is not None
    sb = episodes.stop_bound(record, grades=("P", "T"))
    assert sb.exponent == REGIME_BRACKET
    assert math.isinf(sb.hidden_outflow_station_kg_day[1]) and not sb.excludes_module_allowance
    assert "cannot be determined" in sb.caveat
    sba = episodes.stop_bound(record, grades=("P", "T", "A"))
    assert math.isfinite(sba.hidden_outflow_station_kg_day[1])


def test_sealing_comparison_rules(record) -> None:  # type: ignore[no-untyped-def]
    fits = fit_episodes(episodes.trusted_readings(record, ("P", "T", "A")))
    sc = episodes.sealing_comparison(fits, record.events, "EV15")
    # E2021-03 began on 12 Mar 2021, the sealing's last day: a window comparison, not an
    # "after" test; July 2021 starts at 473 mmHg, not comparable with 730 mmHg decays
    assert sc.window_after_id == "E2021-03" and sc.after_id is None and sc.ratio is None
    assert sc.before == ("E2020-12", "E2021-02")
    r = sc.window_ratios["E2020-12"]
    f = fits.set_index("episode_id")
    assert r.low == pytest.approx(f.loc["E2021-03", "k_low"] / f.loc["E2020-12", "k_high"])
    assert r.high < 1.0  # slower than the Dec 2020 decay beyond the readings' resolution
    assert sc.window_ratios["E2021-02"].low < 1.0 < sc.window_ratios["E2021-02"].high
    with pytest.raises(DataValidationError, match="EV01"):
        episodes.sealing_comparison(fits, record.events, "EV01")


def test_volume_pairings_same_state_background_trust(record) -> None:  # type: ignore[no-untyped-def]
    vol = episodes.pairing_volumes(record, grades=("P", "T"))
    v = vol.set_index("pairing_id")
    assert len(vol) == len(record.table("volume_pairings"))
    # same-state rule: the Sept 2020 rate against the Dec 2020 decay spans the Oct/Nov repairs
    assert not v.loc["VP02", "same_state"] and "spans repair" in v.loc["VP02", "status"]
    assert {"EV11", "EV12"} <= set(v.loc["VP02", "repairs"].split(";"))
    assert v.loc["VP01", "same_state"] and v.loc["VP07", "same_state"]
    # the contradicted 'threefold' division is never used
    assert not v.loc[["VP05", "VP06"], "used"].any()
    assert set(vol.loc[vol["used"], "pairing_id"]) == {"VP01", "VP07", "VP08"}
    # background subtraction and the factor-2 source-level uncertainty on the 1.4 kg/day
    bg = episodes.volume_estimate  # noqa: F841  (re-exported name stays public)
    from prkanalysis.analysis.volume import background_interval
    assert background_interval(record.constants) == pytest.approx((0.064, 0.227))
    # only the trusted background rows count: K26 (Q1 2011) rests on a grade-A summary
    assert background_interval(record.constants, record=record,
                               grades=("P", "T", "A")) == pytest.approx((0.064, 0.227))
    b_lo, b_hi = background_interval(record.constants, record=record, grades=("P", "T"))
    assert (b_lo, b_hi) == pytest.approx((0.064, 0.064))
    assert v.loc["VP01", "kg_per_day_low"] == pytest.approx(1.35 / 2 - b_hi)
    assert v.loc["VP01", "kg_per_day_high"] == pytest.approx(1.45 * 2 - b_lo)
    # V = m/(k rho) identity at the point values
    row = v.loc["VP01"]
    m_pt = 1.4 - (b_lo + b_hi) / 2
    assert row["volume_m3"] == pytest.approx(
        physics.implied_volume(m_pt, row["k_per_day"], 733 * MMHG_PA, 296.15), rel=1e-12)
    # the equivalent hole: V = A Gamma sqrt(R T)/k at Cd = 1
    hole = v.loc["VP08"]
    a = math.pi * (0.2e-3) ** 2 / 4
    assert hole["volume_m3"] == pytest.approx(
        a * physics.gamma_factor() * math.sqrt(physics.R_AIR * 296.15) * 86400
        / hole["k_per_day"], rel=1e-12)
    assert (vol.loc[vol["used"], "volume_low_m3"] <= vol.loc[vol["used"], "volume_m3"]).all()
    assert vol["volume_high_m3"].max() < 75  # inside Zvezda
    # trusting P only leaves no figure: undetermined, not a crash
    est_p = episodes.volume_estimate(record, grades=("P",))
    assert not est_p.determined and est_p.band is None
    assert "cannot be determined" in est_p.describe()


def test_volume_conflict_reported_not_merged() -> None:
    from prkanalysis.analysis.volume import summarise_volumes

    df = pd.DataFrame({"pairing_id": ["A", "B", "C"], "used": [True, True, False],
                       "volume_low_m3": [2.48, 5.20, 0.1], "volume_high_m3": [2.81, 6.06, 99.0]})
    est = summarise_volumes(df)
    assert not est.consistent and est.common is None
    assert est.conflicts == [("A", "B", (2.48, 2.81), (5.20, 6.06))]
    assert est.band == est.envelope == (2.48, 6.06)
    text = est.describe()
    assert "inconsistent" in text and "A (2.48-2.81" in text and "B (5.20-6.06" in text
    ok = summarise_volumes(df.assign(volume_low_m3=[2.0, 2.5, 0.1]))
    assert ok.consistent and ok.band == (2.5, 2.81)


def test_ratios_2024_real(rates) -> None:  # type: ignore[no-untyped-def]
    r = ratios_2024(rates)
    pairs = set(zip(r["before_id"], r["after_id"], strict=True))
    assert ("LR07", "LR10") in pairs and ("LR08", "LR11") in pairs
    oig = r[(r["before_id"] == "LR07") & (r["after_id"] == "LR10")].iloc[0]
    assert math.isinf(oig["ratio_high"])  # "< 1 lb/day" baseline
    assert oig["verdict"] == "at least doubled"
    assert oig["ratio_low"] == pytest.approx(2.35, rel=1e-9)  # 2.35 lb / 1 lb
    mont = r[(r["before_id"] == "LR08") & (r["after_id"] == "LR10")].iloc[0]
    assert mont["ratio_low"] == pytest.approx(2.35 / 1.5, rel=1e-9)
    assert mont["verdict"] == "consistent with doubling"
    # derived and restated rows never enter
    assert not set(r["after_id"]) & {"LR12", "LR13", "LR14"}


def test_hole_diameters_real(rates) -> None:  # type: ignore[no-untyped-def]
    h = hole_diameters(rates).set_index("rate_id")
    assert h.loc["LR12", "flow_equiv_d_mm"] == pytest.approx(0.32, abs=0.005)  # "nearly 1.7"
    assert (h["flow_equiv_d_low_mm"] <= h["flow_equiv_d_high_mm"]).all()
    assert h.loc["LR07", "flow_equiv_d_low_mm"] == 0.0  # "< 1 lb/day" admits no leak
    assert not any(c.startswith("d_") for c in h.columns)  # named as flow-equivalent


def test_cumulative_air_lost_envelope(record) -> None:  # type: ignore[no-untyped-def]
    from prkanalysis.analysis.air_lost import n2_mass_fraction
    from prkanalysis.analysis.flow import july_2021_flow
    from prkanalysis.analysis.rates import trusted_rates

    pt, _ = trusted_rates(record, grades=("P", "T"))
    al = cumulative_air_lost(pt, record=record, grades=("P", "T"))
    assert al.label == "scenario envelope" and "not a probability band" in al.summary()
    lo, hi = al.total_kg
    assert 0 < lo < hi
    ep = al.epochs
    assert (ep["kg_low"] <= ep["kg_high"]).all()
    assert ep["days"].sum() == al.days
    assert (ep["start"].iloc[1:].to_numpy() == ep["end"].iloc[:-1].to_numpy()).all()
    # the no-data years are their own band, and the parts add up
    nd = ep[ep["no_data"]]
    assert al.no_data_kg == pytest.approx((nd["kg_low"].sum(), nd["kg_high"].sum()))
    assert al.data_kg[1] + al.no_data_kg[1] == pytest.approx(hi)
    # allowances: per module (K24, 0.1 lb/day) and whole station (K23, 2 lb/day)
    assert al.module_allowance_kg == pytest.approx(0.1 * 0.45359237 * al.days)
    assert al.allowance_kg == pytest.approx(2 * 0.45359237 * al.days)
    assert al.nitrogen_kg == pytest.approx((lo * n2_mass_fraction(), hi * n2_mass_fraction()))
    # the hold epoch: previous high x ((1 - f) (100/760)^n_min + f), f the hatch-open fraction
    held = ep[ep["rule"] == "scaled_hold"].iloc[0]
    prev = ep.iloc[int(held.name) - 1]
    # under P/T the July 2021 readings are not trusted: the choked-to-viscous bracket
    from prkanalysis.analysis.flow import REGIME_BRACKET, trusted_flow

    assert trusted_flow(record, ("P", "T")) is None
    n_min = REGIME_BRACKET[0]
    f = 0.1
    assert held["kg_per_day_high"] == pytest.approx(
        prev["kg_per_day_high"] * ((1 - f) * (100 / 760) ** n_min + f))
    # background: AE01 (station figures) low = 270 g/day rounding low minus the highest
    # trusted background (P/T: the 2004 level K25 only; the 2011 level K26 is grade A)
    ae01 = ep.set_index("epoch_id").loc["AE01"]
    assert ae01["kg_per_day_low"] == pytest.approx(max(0.2695 - 0.064, 0.0), abs=1e-3)
    # trust settings move the envelope; P only cannot determine it
    pta, _ = trusted_rates(record, grades=("P", "T", "A"))
    al_a = cumulative_air_lost(pta, record=record, grades=("P", "T", "A"))
    ae01_a = al_a.epochs.set_index("epoch_id").loc["AE01"]
    assert ae01_a["kg_per_day_low"] == pytest.approx(max(0.2695 - 0.227, 0.0), abs=1e-3)
    assert al_a.total_kg != al.total_kg
    held_a = al_a.epochs[al_a.epochs["rule"] == "scaled_hold"].iloc[0]
    prev_a = al_a.epochs.iloc[int(held_a.name) - 1]
    n_a = july_2021_flow(record.pressure_readings).n_ci[0]  # every July reading trusted
    assert held_a["kg_per_day_high"] == pytest.approx(
        prev_a["kg_per_day_high"] * ((1 - f) * (100 / 760) ** n_a + f))
    p_only, _ = trusted_rates(record, grades=("P",))
    al_p = cumulative_air_lost(p_only, record=record, grades=("P",))
    assert not al_p.determined and "cannot be determined" in al_p.summary()


def test_stop_bound_net_flow(record) -> None:  # type: ignore[no-untyped-def]
    from prkanalysis.analysis.flow import july_2021_flow

    flow = july_2021_flow(record.pressure_readings)
    # choked reading of the equilibrium fit: k_out = k, inflow = k p_inf (constant below 400)
    assert flow.k_out_choked == flow.k_eq
    assert flow.inflow_choked_mmhg_day == pytest.approx(flow.k_eq * flow.p_inf_mmhg)
    assert flow.k_out_linear == pytest.approx(flow.k_eq * (1 - flow.p_inf_mmhg / 760))
    assert flow.inflow_mmhg_day(100) == flow.inflow_mmhg_day(300)
    # a perfect steady gauge hides exactly the inflow: k_out = q_in / p
    pta = ("P", "T", "A")  # the July 2021 readings are trusted only with grade A
    b = episodes.stop_bound(record, grades=pta, volume_m3=5.0, gauge_resolution_mmhg=0.0,
                            temperature_drift_k=0.0, inflow="linear", exponent="choked")
    q = flow.inflow_mmhg_day(100, "linear")
    assert b.hidden_outflow_k_per_day == pytest.approx((q[0] / 100, q[1] / 100))
    assert q[1] == pytest.approx(flow.k_eq_ci[1] * flow.p_inf_ci[1] / 760 * 660)
    assert b.net_limit_kg_day == (0.0, 0.0)
    assert b.hidden_outflow_station_kg_day[1] == pytest.approx(b.hidden_outflow_kg_day[1] * 7.6)
    # defaults: the hold bounds net flow, not outflow; the allowance is not excluded
    d = episodes.stop_bound(record, grades=pta)
    assert d.determined and not d.excludes_module_allowance
    assert d.hidden_outflow_kg_day[1] > d.net_limit_kg_day[1] * 10
    assert "net flow" in d.wording and "does not bound the outflow" in d.caveat
    # two holds at different pressures separate outflow from inflow
    assert d.two_hold_outflow_station_kg_day < d.hidden_outflow_station_kg_day[1]
    assert not episodes.stop_bound(record, grades=("P",)).determined
    sens = episodes.detection_sensitivity(record)
    assert {"temperature drift", "gauge", "outgassing", "seal inflow",
            "flow exponent"} <= set(sens["term"])


def test_stop_detection_limits_exponent() -> None:
    a = episodes.stop_detection_limits(5.0, durations_days=[30], gauge_resolution_mmhg=1.0,
                                       temperature_drift_k=0.0, temperature_k=295.15)
    b = episodes.stop_detection_limits(5.0, durations_days=[30], gauge_resolution_mmhg=1.0,
                                       temperature_drift_k=0.0, temperature_k=295.15,
                                       exponent=2.0)
    assert a["kg_per_day_station"].iloc[0] == pytest.approx(a["kg_per_day"].iloc[0] * 7.6)
    assert b["kg_per_day_station"].iloc[0] == pytest.approx(b["kg_per_day"].iloc[0] * 7.6**2)


def test_print_episode_fits(record, capsys) -> None:  # type: ignore[no-untyped-def]
    episodes.print_episode_fits(record)
    out = capsys.readouterr().out
    for text in ("E2020-12", "July 2021", "Implied PrK free volume", "Cumulative air lost",
                 "scenario envelope", "net flow"):
        assert text in out


def test_in_memory_frame_and_errors() -> None:
    df = pd.DataFrame({"episode_id": ["A", "A", "B"], "seq": [1, 2, 1],
                       "kind": ["reading", "reading", "held"], "elapsed_h": [0, 12, None],
                       "pressure_mmhg": [700, 650, 100], "reading_id": ["a1", "a2", "b1"]})
    fits = fit_episodes(df).set_index("episode_id")
    assert fits.loc["A", "k_per_day"] == pytest.approx(2 * math.log(700 / 650))
    assert fits.loc["B", "method"].startswith("none")
    with pytest.raises(DataValidationError, match="pressure_mmhg"):
        fit_episodes(df.drop(columns=["pressure_mmhg"]))
    rates = pd.DataFrame({"rate_id": ["X"], "kg_per_day": [1.0], "kg_per_day_low": [0.9],
                          "kg_per_day_high": [1.1]})
    with pytest.raises(DataValidationError, match="method"):
        implied_volume_band(df, rates, method="nearest")


def test_k_ratio_march_2021_repair(record) -> None:  # type: ignore[no-untyped-def]
    fits = fit_episodes(record.pressure_readings)
    r = episodes.k_ratio(fits)
    f = fits.set_index("episode_id")
    assert r.low == pytest.approx(f.loc["E2021-03", "k_low"] / f.loc["E2020-12", "k_high"])
    assert r.high < 1  # the sealing slowed the decay beyond resolution and timing
    with pytest.raises(Exception, match="E2020-11"):
        episodes.k_ratio(fits, "E2020-11", "E2021-03")


def test_stop_detection_limits_scale_with_volume() -> None:
    a = episodes.stop_detection_limits((3.0, 3.0), gauge_resolution_mmhg=(0.5, 0.5),
                                       temperature_drift_k=(0.0, 0.0))
    b = episodes.stop_detection_limits((6.0, 6.0), gauge_resolution_mmhg=(0.5, 0.5),
                                       temperature_drift_k=(0.0, 0.0))
    assert (b["kg_per_day"] / a["kg_per_day"]).to_numpy() == pytest.approx(2.0)


def test_detection_grid_carries_the_exponent_and_drift() -> None:
    from prkanalysis.analysis.detection_grid import detection_limit_table

    base = detection_limit_table([24.0], [1.0], [2.0], temperature_drift_k=0.0)
    fit = detection_limit_table([24.0], [1.0], [2.0], temperature_drift_k=0.0,
                                exponent=(1.5, 2.3))
    warm = detection_limit_table([24.0], [1.0], [2.0], temperature_drift_k=(0.0, 8.0))
    lim = float(base["limit_kg_day"].iloc[0])
    # choked (n = 1) is the old x7.6; an exponent interval scales each end by (760/100)^n
    assert base["limit_cabin_kg_day"].iloc[0] == pytest.approx(lim * 7.6)
    assert fit["limit_cabin_low_kg_day"].iloc[0] == pytest.approx(lim * 7.6 ** 1.5)
    assert fit["limit_cabin_high_kg_day"].iloc[0] == pytest.approx(lim * 7.6 ** 2.3)
    # the drift range adds p dT/T to the undetectable drop (the high end of the range)
    drop = 1.0 + 100.0 * 8.0 / 295.15
    k = -math.log(1 - drop / 100.0)
    assert warm["k_per_day"].iloc[0] == pytest.approx(k, rel=1e-9)


@pytest.mark.parametrize("grades", [("P",), ("P", "T"), ("P", "T", "A")])
def test_rates_after_stop_is_the_ledgers_rule(record, grades) -> None:  # type: ignore[no-untyped-def]
    from prkanalysis import claims
    from prkanalysis.analysis.detection import rates_after_stop
    from prkanalysis.analysis.rates import trusted_rates

    c5 = claims.evaluate("C5", record, grades=grades)
    if "n_rates_after_stop" not in c5.numbers:
        pytest.skip(f"C5 undetermined under {grades}")
    trusted, _ = trusted_rates(record, grades)
    ev = record.events
    stop = ev[ev["event_id"] == "EV49"].iloc[0]
    after = rates_after_stop(trusted, stop["date_end"])
    assert len(after) == c5.numbers["n_rates_after_stop"]
    assert (pd.to_numeric(after["kg_per_day_low"]) > 0).all()


def test_new_public_functions_name_bad_arguments(record) -> None:  # type: ignore[no-untyped-def]
    from prkanalysis.analysis.detection import rates_after_stop
    from prkanalysis.errors import ArgumentError

    with pytest.raises(ArgumentError, match="record"):
        episodes.trusted_readings("not a record")
    with pytest.raises(ArgumentError, match="fits"):
        episodes.sealing_comparison("x", record.events)
    fits = fit_episodes(record.pressure_readings)
    with pytest.raises(DataValidationError, match="events"):
        episodes.sealing_comparison(fits, record.events.drop(columns=["category"]))
    with pytest.raises(ArgumentError, match="p_start_tolerance_mmhg"):
        episodes.sealing_comparison(fits, record.events, p_start_tolerance_mmhg=-1)
    cmp = july_2021_model_comparison(record.pressure_readings)
    with pytest.raises(ArgumentError, match="alpha"):
        episodes.july_2021_tests(cmp, alpha=1.5)
    with pytest.raises(ArgumentError, match="comparison"):
        episodes.july_2021_tests([1, 2])
    with pytest.raises(ArgumentError, match="stop_end"):
        rates_after_stop(pd.DataFrame({"period_start": [], "kg_per_day_low": []}), "soon")
    with pytest.raises(ArgumentError, match="rates"):
        rates_after_stop(None, "2026-01-02")
