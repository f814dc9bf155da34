"""Physics identities, published worked examples and interval propagation."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import prkanalysis.physics as ph
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
