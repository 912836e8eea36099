"""The cities and camera bodies the parser knows."""

from __future__ import annotations

import zoneinfo

import pytest

from plano.spec.cameras import CAMERA_BODIES, body_by_name
from plano.spec.cities import CITIES, city_by_name
from plano.spec.parse import parse_prompt


def test_at_least_50_cities_with_valid_coordinates_and_time_zones():
    assert len(CITIES) >= 50
    assert len({c.name for c in CITIES}) == len(CITIES)
    zones = zoneinfo.available_timezones()
    for c in CITIES:
        assert -90 <= c.latitude <= 90 and -180 <= c.longitude <= 180, c.name
        assert c.timezone in zones, c.name


@pytest.mark.parametrize("name, lat, lon", [
    ("Buenos Aires", -34.60, -58.38), ("Tokyo", 35.68, 139.65), ("Prague", 50.08, 14.44), ("Kyiv", 50.45, 30.52),
    ("New York", 40.71, -74.01), ("Sydney", -33.87, 151.21), ("Reykjavik", 64.15, -21.94),
])
def test_city_coordinates(name, lat, lon):
    c = city_by_name(name)
    assert (c.latitude, c.longitude) == pytest.approx((lat, lon), abs=0.02)


def test_every_city_and_alias_is_understood():
    for c in CITIES:
        for name in (c.name.replace(",", ""),) + c.aliases:
            s = parse_prompt(f"a tower in {name}")
            assert s.place.name == c.name, name
            assert s.unparsed == (), (name, s.unparsed)


@pytest.mark.parametrize("name, w, h", [
    ("ARRI Alexa 35", 27.99, 19.22), ("ARRI Alexa Mini LF", 36.70, 25.54), ("ARRI Alexa 65", 54.12, 25.58),
    ("RED V-Raptor 8K VV", 40.96, 21.60), ("Sony Venice 2 8.6K", 35.94, 23.96),
])
def test_required_camera_sensors(name, w, h):
    b = body_by_name(name)
    assert (b.sensor_width_mm, b.sensor_height_mm) == (w, h)


def test_every_camera_alias_is_understood():
    for b in CAMERA_BODIES:
        for alias in b.aliases + b.generic_aliases:
            s = parse_prompt(f"shot on {alias}")
            assert s.camera.body == b.name, alias
            assert s.camera.sensor_width_mm == b.sensor_width_mm


def test_generic_alexa_is_the_alexa_35():
    s = parse_prompt("shot on Arri Alexa")
    assert s.camera.body == "ARRI Alexa 35" and s.camera.sensor_width_mm == 27.99
    assert any("'Arri Alexa' read as the ARRI Alexa 35" in n for n in s.notes)
