"""Exact unit identities and property-based round trips for prkanalysis.units."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from prkanalysis.errors import UnitError
from prkanalysis.units import (
    LB_KG,
    MASS,
    MMHG_PA,
    PRESSURE,
    PSI_PA,
    TIME,
    convert,
    factor,
    is_known,
)


def test_exact_identities() -> None:
    assert convert(760, "mmHg", "kPa") == pytest.approx(101.325, rel=1e-15)
    assert convert(760, "mmHg", "Pa") == pytest.approx(101325.0, rel=1e-15)
    assert convert(1, "psi", "Pa") == pytest.approx(6894.757293168, abs=1e-9)
    assert PSI_PA == pytest.approx(0.45359237 * 9.80665 / 0.0254**2, rel=1e-15)
    assert convert(1, "lb", "kg") == 0.45359237
    assert LB_KG == 0.45359237
    assert convert(3.7, "lb/day", "kg/day") == pytest.approx(1.678291769, abs=1e-9)
    assert convert(1, "day", "s") == 86400.0
    assert convert(1, "kg/day", "g/h") == pytest.approx(1000 / 24, rel=1e-15)
    assert MMHG_PA == pytest.approx(133.322368421, rel=1e-12)
    assert convert(14.7, "psi", "mmHg") == pytest.approx(760.2, abs=0.05)  # nominal cabin


def test_aliases() -> None:
    assert convert(270, "grams/24 h", "kg/day") == pytest.approx(0.27)
    assert convert(1, "pounds/day", "kg/day") == LB_KG
    assert convert(2, "mm Hg", "mmHg") == 2


@pytest.mark.parametrize("bad", ["furlong", "lb/fortnight", "", "kg/mmHg"])
def test_unknown_units(bad: str) -> None:
    assert not is_known(bad)
    with pytest.raises(UnitError):
        factor(bad)


def test_dimension_mismatch() -> None:
    with pytest.raises(UnitError, match="cannot convert"):
        convert(1, "kg", "Pa")
    with pytest.raises(UnitError):
        convert(1, "lb/day", "lb")


def test_array_input() -> None:
    out = convert([1.0, 2.0], "lb/day", "kg/day")
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [LB_KG, 2 * LB_KG], rtol=1e-15)


finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
rate_units = st.sampled_from([f"{m}/{t}" for m in MASS for t in TIME])
any_group = st.sampled_from([list(MASS), list(PRESSURE), list(TIME)])


@given(x=finite, units=any_group, data=st.data())
def test_round_trip(x: float, units: list[str], data: st.DataObject) -> None:
    a = data.draw(st.sampled_from(units))
    b = data.draw(st.sampled_from(units))
    back = convert(convert(x, a, b), b, a)
    assert back == pytest.approx(x, rel=1e-12, abs=1e-300)


@given(x=finite, a=rate_units, b=rate_units, c=rate_units)
def test_rate_conversion_transitive(x: float, a: str, b: str, c: str) -> None:
    direct = convert(x, a, c)
    via = convert(convert(x, a, b), b, c)
    assert via == pytest.approx(direct, rel=1e-12, abs=1e-300)


@given(x=finite, y=finite, a=rate_units, b=rate_units)
def test_conversion_preserves_order(x: float, y: float, a: str, b: str) -> None:
    lo, hi = sorted((x, y))
    assert convert(lo, a, b) <= convert(hi, a, b)


@given(x=st.floats(min_value=1e-6, max_value=1e6), a=rate_units)
def test_positive_stays_positive(x: float, a: str) -> None:
    assert convert(x, a, "kg/day") > 0
    assert math.isfinite(convert(x, a, "kg/day"))
