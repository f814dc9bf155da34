"""Physics identities, published worked examples and interval propagation."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import prkanalysis.physics as ph
import prkanalysis.physics as physics
from prkanalysis.errors import PrkError
from prkanalysis.units import ATM_PA, DAY_S, MMHG_PA, convert


def test_doctests() -> None:
    res = doctest.testmod(ph, optionflags=doctest.ELLIPSIS)
    assert res.attempted > 15
    assert res.failed == 0


def test_constants() -> None:
    assert ph.R_GAS == 8.314462618
    assert ph.M_AIR == 0.0289647
    assert ph.R_AIR == pytest.approx(287.05, abs=0.01)


def test_ideal_gas_identity() -> None:
    p, v, t = 97_000.0, 4.2, 293.0
    assert ph.air_mass(p, v, t) == pytest.approx(p * v * ph.M_AIR / (ph.R_GAS * t), rel=1e-15)
    assert ph.air_mass(p, v, t) == pytest.approx(ph.density(p, t) * v, rel=1e-15)
    # physics.md: 1.196 kg/m3 at 101.325 kPa and 22 C; 916 m3 -> about 1,095 kg
    assert ph.density(ATM_PA, 295.15) == pytest.approx(1.196, abs=5e-4)
    assert ph.air_mass(ATM_PA, 916, 295.15) == pytest.approx(1095, abs=1)


def test_one_kelvin_is_034_percent() -> None:
    # closed volume: p2/p1 = T2/T1
    assert 1.0 / 295.0 == pytest.approx(0.0034, abs=5e-5)
    dp = ph.air_mass(ATM_PA, 1, 296.0) / ph.air_mass(ATM_PA, 1, 295.0)
    assert (1 / dp - 1) == pytest.approx(0.00339, abs=1e-5)
    # methods.md: 1 K at 293 K is 0.341 %, 346 Pa at 101.3 kPa
    assert 101.3e3 / 293.0 == pytest.approx(346, abs=0.5)


def test_kg_per_mmhg() -> None:
    assert ph.kg_per_mmhg(1.0) == pytest.approx(0.001574, abs=5e-7)
    assert ph.kg_per_mmhg(916.0) == pytest.approx(1.441, abs=5e-4)
    assert ph.kg_per_mmhg(388.0) == pytest.approx(0.611, abs=5e-4)
    assert ph.kg_per_mmhg(75.0) == pytest.approx(0.118, abs=5e-4)


def test_station_wide_equivalents() -> None:
    # physics.md 3.4: 0.91 kg/day over 916 m3 = 0.63 mmHg/day; 1.7 -> 1.18
    assert 0.91 / ph.kg_per_mmhg(916) == pytest.approx(0.63, abs=0.005)
    assert 1.7 / ph.kg_per_mmhg(916) == pytest.approx(1.18, abs=0.005)


def test_gamma_and_higgins() -> None:
    assert ph.gamma_factor(1.4) == pytest.approx(0.6847, abs=5e-5)
    # Higgins: m_dot = 0.04042 A p0 / sqrt(T0)
    assert ph.choked_flux_coefficient() == pytest.approx(0.04042, rel=2e-4)
    a, p0, t0 = 3e-8, 101.3e3, 295.0
    assert ph.choked_mass_flow(a, p0, t0) == pytest.approx(0.04042 * a * p0 / math.sqrt(t0),
                                                           rel=2e-4)


@pytest.mark.parametrize(("rate", "d_mm"), [(0.5, 0.18), (1.0, 0.25), (1.7, 0.32)])
def test_physics_md_hole_diameters(rate: float, d_mm: float) -> None:
    d = ph.equivalent_hole_diameter(rate, 101.3e3, 295.0, cd=1.0) * 1e3
    assert d == pytest.approx(d_mm, abs=0.005)
    # and against Higgins' published coefficient directly
    area = rate / DAY_S / (0.04042 * 101.3e3 / math.sqrt(295.0))
    assert d == pytest.approx(ph.diameter_from_area(area) * 1e3, rel=2e-4)


def test_physics_md_k_band_from_hole() -> None:
    # With A fixed at the 1.7 kg/day hole, k ~ 0.47, 0.28, 0.18 /day for V = 3, 5, 8 m3
    d = ph.equivalent_hole_diameter(1.7, 101.3e3, 295.0)
    area = math.pi * d**2 / 4
    ks = [ph.k_from_area(area, v, 295.0) for v in (3.0, 5.0, 8.0)]
    assert ks == pytest.approx([0.47, 0.28, 0.18], abs=0.006)


def test_sccs() -> None:
    assert ph.sccs_to_kg_per_day(1.0) == pytest.approx(0.11165, abs=5e-6)
    # 1 lbm/day = 4.0626 sccs
    assert convert(1, "lb/day", "kg/day") / ph.sccs_to_kg_per_day(1.0) == pytest.approx(
        4.0626, abs=5e-4)


def test_40cfr_1065_644_worked_example() -> None:
    n_dot = ph.vacuum_decay_leak_rate(0.00200, 25300, 293.15, 50600, 293.15, 70.0,
                                      r_gas=8.314472)
    assert n_dot == pytest.approx(2.9657e-4, rel=2e-5)


def test_implied_volume_physics_md() -> None:
    # physics.md: 0.77 kg/day with k = 0.154/day at 730 mmHg (rho = 1.149) -> V about 4.3 m3
    assert ph.density(730 * MMHG_PA, 295.15) == pytest.approx(1.149, abs=5e-4)
    v = ph.implied_volume(0.77, 0.154, 730 * MMHG_PA)
    assert v == pytest.approx(0.77 / (0.154 * 1.149), rel=1e-3)


def test_per_m3_rates_physics_md() -> None:
    # Dec 2020: 146.7 mmHg/day -> 0.231 kg/day per m3 (mass = V dP/dt M/(RT))
    assert 146.7 * ph.kg_per_mmhg(1.0) == pytest.approx(0.231, abs=5e-4)
    assert 108.5 * ph.kg_per_mmhg(1.0) == pytest.approx(0.171, abs=5e-4)


@settings(max_examples=60, deadline=None)
@given(
    area=st.floats(1e-10, 1e-5),
    v=st.floats(0.5, 1000.0),
    t=st.floats(250.0, 320.0),
    p=st.floats(1e3, 1.2e5),
    cd=st.floats(0.3, 1.0),
)
def test_round_trips(area: float, v: float, t: float, p: float, cd: float) -> None:
    k = ph.k_from_area(area, v, t, cd)
    assert ph.area_from_k(k, v, t, cd) == pytest.approx(area, rel=1e-12)
    m_dot = ph.mass_rate_from_k(k, p, v, t)
    # the mass rate from k equals the choked flow through the area (per day)
    assert m_dot == pytest.approx(ph.choked_mass_flow(area, p, t, cd) * DAY_S, rel=1e-12)
    assert ph.k_from_mass_rate(m_dot, p, v, t) == pytest.approx(k, rel=1e-12)
    assert ph.implied_volume(m_dot, k, p, t) == pytest.approx(v, rel=1e-12)
    d = ph.equivalent_hole_diameter(m_dot, p, t, cd)
    assert math.pi * d**2 / 4 == pytest.approx(area, rel=1e-12)


def test_temperature_drift_identity() -> None:
    # the apparent leak equals the mass that a p-change of p dT/T represents
    p, v, t, dT = 9.7e4, 5.0, 295.0, 0.5
    dp = p * dT / t
    assert ph.apparent_leak_from_temperature_drift(p, v, t, dT) == pytest.approx(
        ph.air_mass(dp, v, t), rel=1e-12)


def test_detection_limit_identities() -> None:
    dl = ph.detection_limit(10.0, 100.0, 0.5, 5.0)
    assert dl.delta_p_mmhg == pytest.approx(0.5)
    assert dl.k_per_day == pytest.approx(-math.log(1 - 0.005) / 10)
    assert dl.mass_rate_kg_day == pytest.approx(
        ph.mass_rate_from_k(dl.k_per_day, 100 * MMHG_PA, 5.0, ph.T_CABIN))
    assert dl.k_per_day_interval == pytest.approx((dl.k_per_day, dl.k_per_day))
    # temperature drift adds p dT/T to the hidden drop
    dl2 = ph.detection_limit(10.0, 100.0, 0.5, 5.0, temperature_drift_k=1.0)
    assert dl2.delta_p_mmhg == pytest.approx(0.5 + 100 / ph.T_CABIN)
    assert dl2.mass_rate_kg_day > dl.mass_rate_kg_day
    assert "hold" in dl.summary() and "DetectionLimit" in repr(dl)


def test_detection_limit_interval_matches_monte_carlo() -> None:
    rng = np.random.default_rng(7)
    box = {"duration_days": (5.0, 30.0), "pressure_mmhg": (90.0, 110.0),
           "gauge_resolution_mmhg": (0.1, 1.0), "volume_m3": (3.0, 8.0),
           "temperature_drift_k": (0.0, 0.5)}
    dl = ph.detection_limit(**box)
    lo, hi = dl.mass_rate_interval
    for _ in range(300):
        draw = {k: rng.uniform(*v) for k, v in box.items()}
        m = ph.detection_limit(**draw).mass_rate_kg_day
        assert lo - 1e-15 <= m <= hi + 1e-15
    assert lo < dl.mass_rate_kg_day < hi


def test_detection_limit_curve_monotone() -> None:
    df = ph.detection_limit_curve([1, 2, 7, 30, 90], 100, 1.0, (3, 8))
    assert list(df.columns)[:3] == ["duration_days", "delta_p_mmhg", "k_per_day"]
    assert df["kg_per_day_high"].is_monotonic_decreasing
    assert (df["kg_per_day_low"] <= df["kg_per_day"]).all()


def test_bad_input_errors() -> None:
    with pytest.raises(PrkError, match="duration_days"):
        ph.detection_limit(0.0, 100, 1.0, 5.0)
    with pytest.raises(PrkError, match="volume_m3"):
        ph.detection_limit(1.0, 100, 1.0, (8.0, 3.0))
    with pytest.raises(PrkError, match="gamma"):
        ph.gamma_factor(1.0)
    with pytest.raises(PrkError, match="dt_s"):
        ph.vacuum_decay_leak_rate(1, 1, 1, 1, 1, 0)


# --- flow regimes, net-flow bound, argument checks (issue 14 items 1, 3; issue 11) -----------

def test_viscous_slit_reference_and_p2_scaling() -> None:
    # methods-2.md 1.2: w = 4.5 cm, h = 10 um, L = 2 mm, 730 mmHg, 295.15 K -> 0.497 kg/day
    m = physics.viscous_slit_mass_flow(0.045, 10e-6, 2e-3, 730 * 133.322368) * 86400
    assert m == pytest.approx(0.497, abs=5e-4)
    # viscous identities: doubling p1 into vacuum quadruples the flow; h^3 law
    one = physics.viscous_slit_mass_flow(0.045, 5e-6, 1e-3, 5e4)
    assert physics.viscous_slit_mass_flow(0.045, 5e-6, 1e-3, 1e5) == pytest.approx(4 * one)
    assert physics.viscous_slit_mass_flow(0.045, 10e-6, 1e-3, 5e4) == pytest.approx(8 * one)
    # the published p^2 rescaling (LACO manual): 10 -> 1 atm gives 0.001, 20 -> 1 atm 0.00403
    r = (physics.viscous_slit_mass_flow(1, 1e-5, 1e-3, 20.0, 1.0)
         / physics.viscous_slit_mass_flow(1, 1e-5, 1e-3, 10.0, 1.0))
    assert 0.001 * r == pytest.approx(0.00403, abs=1e-5)
    # the gap that passes a flow inverts the law
    h = physics.viscous_gap(0.497, 0.045, 2e-3, 730 * 133.322368)
    assert h == pytest.approx(10e-6, rel=1e-3)
    assert physics.air_viscosity(295.15) == pytest.approx(1.8229e-5, rel=1e-4)
    assert physics.knudsen_number(100 * 133.322368, 10e-6, 293.15) == pytest.approx(0.051,
                                                                                    abs=1e-3)


def test_pressure_scaling_by_regime() -> None:
    assert physics.pressure_scale(100, 760, physics.REGIME_EXPONENTS["choked"]) == 7.6
    assert physics.pressure_scale(100, 760, physics.REGIME_EXPONENTS["viscous"]) == \
        pytest.approx(57.76)
    assert physics.pressure_scale(760, 100, 2.0) * physics.pressure_scale(100, 760, 2.0) == \
        pytest.approx(1.0)
    # a choked orifice and molecular effusion both decay exponentially; the ratio of their
    # decay constants for the same area is Gamma sqrt(2 pi) (methods-2.md 1.4)
    assert physics.gamma_factor() * math.sqrt(2 * math.pi) == pytest.approx(1.7164, abs=1e-4)


def test_orifice_flow_fraction_choked_below_critical() -> None:
    r = physics.critical_pressure_ratio()
    assert r == pytest.approx(0.5283, abs=1e-4)
    assert physics.orifice_flow_fraction(r * 760 * (1 - 1e-9), 760) == 1.0
    assert physics.orifice_flow_fraction(r * 760 * (1 + 1e-9), 760) == pytest.approx(1.0,
                                                                                      abs=1e-6)
    assert physics.orifice_flow_fraction(760, 760) == 0.0
    # choked seal inflow does not depend on the PrK pressure below ~401 mmHg
    assert physics.seal_inflow(100, 16.0) == physics.seal_inflow(400, 16.0) == 16.0
    assert physics.seal_inflow(100, 0.021, regime="linear") == pytest.approx(0.021 * 660)


def test_net_flow_bound_identity() -> None:
    # with inflow k_in (760 - p) and a perfect gauge, a steady gauge hides k_out = k_in(760-p)/p
    for p in (100.0, 200.0, 400.0):
        k_in = 0.021
        b = physics.net_flow_bound(p, 30, 5.0, inflow_mmhg_day=k_in * (760 - p),
                                   gauge_resolution_mmhg=0.0)
        assert b.hidden_outflow_k_per_day == pytest.approx((k_in * (760 - p) / p,) * 2)
        assert b.net_limit_mmhg_day == 0.0
    # the net limit: (resolution + gauge drift + p dT/T) / duration, as mass through V
    b = physics.net_flow_bound(100, 10, (3.0, 8.0), gauge_resolution_mmhg=1.0,
                               gauge_drift_mmhg=0.5, temperature_drift_k=295.15 / 100)
    assert b.net_limit_mmhg_day == pytest.approx(0.25)
    assert b.net_limit_kg_day == pytest.approx((0.25 * physics.kg_per_mmhg(3.0),
                                                0.25 * physics.kg_per_mmhg(8.0)))
    # a sealed hatch: the hidden outflow is the net limit itself, from 0
    assert b.hidden_outflow_mmhg_day == pytest.approx((0.0, 0.25))
    # outgassing adds to the source term it must balance
    g = physics.net_flow_bound(100, 10, 5.0, outgassing_kg_day=physics.kg_per_mmhg(5.0),
                               gauge_resolution_mmhg=0.0)
    assert g.hidden_outflow_mmhg_day == pytest.approx((1.0, 1.0))
    # station equivalent uses the exponent
    v = physics.net_flow_bound(100, 1, 5.0, gauge_resolution_mmhg=1.0, exponent=2.0)
    assert v.net_limit_station_kg_day[1] == pytest.approx(v.net_limit_kg_day[1] * 57.76)


def test_two_hold_separation_bounds_true_outflow() -> None:
    # true a, b with net flows exactly at the limits: Cramer's bound must cover a
    n, ps = 2.0, 760.0
    for p1, p2, e in ((100, 300, 0.05), (100, 200, 0.2)):
        s = physics.two_hold_separation(p1, p2, e, e, exponent=n, inflow_regime="linear")
        g1, g2 = ps - p1, ps - p2
        # net_i = a p_i^n - b g_i = +-e: solve for the worst (a, b)
        det = p1**n * g2 - p2**n * g1
        a = (e * g2 + e * g1) / abs(det)
        assert s.outflow_coef_max == pytest.approx(a)
        assert s.outflow_station_mmhg_day_max == pytest.approx(a * ps**n)
    with pytest.raises(PrkError, match="cannot separate"):
        physics.two_hold_separation(100, 100, 0.1, 0.1)


@pytest.mark.parametrize(("call", "arg"), [
    (lambda: physics.air_mass(101325, -1.0, 295.15), "v_m3"),
    (lambda: physics.implied_volume(1.0, 0.0, 9e4), "k_per_day"),
    (lambda: physics.implied_volume(-1.0, 0.2, 9e4), "mass_rate_kg_day"),
    (lambda: physics.mass_rate_from_k(0.1, 9e4, -5.0), "v_m3"),
    (lambda: physics.k_from_area(1e-7, 0.0), "v_m3"),
    (lambda: physics.choked_mass_flow(1e-6, 101325, 295.15, cd=1.5), "cd"),
    (lambda: physics.equivalent_hole_diameter(1.0, float("nan")), "p_pa"),
    (lambda: physics.kg_per_mmhg(5.0, -3.0), "t_k"),
    (lambda: physics.pressure_scale(100, 760, 9.0), "exponent"),
    (lambda: physics.seal_inflow(800, 16.0), "pressure_mmhg"),
    (lambda: physics.density("abc", 295.0), "p_pa"),  # type: ignore[arg-type]
])
def test_impossible_arguments_name_argument_value_range(call, arg) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PrkError) as exc:
        call()
    msg = str(exc.value)
    assert repr(arg) in msg and "accepted range" in msg


def test_tost_margin_and_pvalue_format() -> None:
    from prkanalysis.models.equivalence import (
        format_pvalue,
        margin_from_allowance,
        tost_from_estimate,
    )

    # the per-module allowance at station pressure, carried to 100 mmHg: choked /7.6
    m1 = margin_from_allowance(0.045, 5.0, hold_pressure_mmhg=100)
    assert m1 == pytest.approx(0.045 / 7.6 / physics.kg_per_mmhg(5.0, 295.15))
    m2 = margin_from_allowance(0.045, 5.0, hold_pressure_mmhg=100, exponent=2.0)
    assert m1 / m2 == pytest.approx(7.6)
    # the old margin (0.05 kg/day at 100 mmHg) is the same hole losing ~0.38 kg/day at 760
    old_mmhg_day = 0.05 / physics.kg_per_mmhg(5.0, 295.15)
    assert old_mmhg_day == pytest.approx(6.35, abs=0.01)
    assert old_mmhg_day / m1 == pytest.approx(0.05 * 7.6 / 0.045)
    r = tost_from_estimate(0.0, 1e-3, -1.0, 1.0)
    assert r.pvalue < 1e-16 and "p < 1e-16" in r.summary() and "p = 0" not in r.summary()
    assert format_pvalue(0.0) == "p < 1e-16"
    assert format_pvalue(0.04827315) == "p = 0.048"
