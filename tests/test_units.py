import pytest

from model import units


def test_plan_units_convert_to_tonnes_and_cny():
    assert units.to_t(8.01, "万吨") == pytest.approx(80_100)
    assert units.to_t(8.01, "wan_t") == pytest.approx(80_100)
    assert units.to_cny(6.14, "亿元") == pytest.approx(614_000_000)
    assert units.t_to_wan_t(80_100) == pytest.approx(8.01)
    assert units.cny_to_yi(614_000_000) == pytest.approx(6.14)


def test_unknown_unit_names_the_choices():
    with pytest.raises(ValueError, match="unknown mass unit 'tons'.*万吨"):
        units.to_t(1, "tons")
