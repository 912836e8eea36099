"""Where the sun is: NOAA's solar position algorithm, and its colour and strength.

The NOAA algorithm (Global Monitoring Laboratory's solar calculator, after Meeus, *Astronomical Algorithms*):
Julian century, geometric mean longitude and anomaly of the sun, equation of centre, apparent longitude,
obliquity, declination, equation of time, true solar time, hour angle, zenith, atmospheric refraction and
azimuth (clockwise from north). Accurate to about 0.01 degree for years 1800-2100.
Local clock times are turned into UTC through the IANA time zone database (``zoneinfo``, daylight saving
included).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from plano.errors import PlanoError
from plano.scene.model import Sun


@dataclass(frozen=True)
class SolarPosition:
    elevation_deg: float
    """Apparent elevation (with refraction)."""
    azimuth_deg: float
    """Clockwise from north."""
    declination_deg: float
    equation_of_time_min: float
    hour_angle_deg: float


def _tz(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PlanoError(f"unknown time zone {name!r}; expected an IANA name such as 'America/Argentina/Buenos_Aires' "
                         "or 'Europe/London' (place.timezone in the spec)") from None


def julian_day(when_utc: dt.datetime) -> float:
    """Julian day of a UTC datetime."""
    t = when_utc.astimezone(dt.timezone.utc)
    y, m = t.year, t.month
    d = t.day + (t.hour + (t.minute + (t.second + t.microsecond / 1e6) / 60.0) / 60.0) / 24.0
    if m <= 2:
        y, m = y - 1, m + 12
    a = y // 100
    b = 2 - a + a // 4
    return math.floor(365.25 * (y + 4716)) + math.floor(30.6001 * (m + 1)) + d + b - 1524.5


def _sun_terms(jd: float) -> tuple[float, float]:
    """(declination deg, equation of time minutes) for a Julian day."""
    jc = (jd - 2451545.0) / 36525.0
    L0 = (280.46646 + jc * (36000.76983 + jc * 0.0003032)) % 360.0
    M = 357.52911 + jc * (35999.05029 - 0.0001537 * jc)
    e = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
    Mr = math.radians(M)
    C = (math.sin(Mr) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) + math.sin(2 * Mr) * (0.019993 - 0.000101 * jc)
         + math.sin(3 * Mr) * 0.000289)
    true_long = L0 + C
    omega = math.radians(125.04 - 1934.136 * jc)
    app_long = true_long - 0.00569 - 0.00478 * math.sin(omega)
    mean_obliq = 23.0 + (26.0 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60.0) / 60.0
    obliq = mean_obliq + 0.00256 * math.cos(omega)
    decl = math.degrees(math.asin(math.sin(math.radians(obliq)) * math.sin(math.radians(app_long))))
    y = math.tan(math.radians(obliq / 2.0)) ** 2
    L0r = math.radians(L0)
    eot = 4.0 * math.degrees(y * math.sin(2 * L0r) - 2 * e * math.sin(Mr) + 4 * e * y * math.sin(Mr) * math.cos(2 * L0r)
                             - 0.5 * y * y * math.sin(4 * L0r) - 1.25 * e * e * math.sin(2 * Mr))
    return decl, eot


def _refraction_deg(elev: float) -> float:
    if elev > 85.0:
        return 0.0
    te = math.tan(math.radians(elev))
    if elev > 5.0:
        r = 58.1 / te - 0.07 / te**3 + 0.000086 / te**5
    elif elev > -0.575:
        r = 1735.0 + elev * (-518.2 + elev * (103.4 + elev * (-12.79 + elev * 0.711)))
    else:
        r = -20.772 / te
    return r / 3600.0


def solar_position(lat_deg: float, lon_deg: float, when: dt.datetime) -> SolarPosition:
    """The sun seen from (lat, lon) at an aware datetime ``when`` (any time zone)."""
    if when.tzinfo is None:
        raise PlanoError(f"solar_position needs a time with a time zone, got naive {when.isoformat()}")
    utc = when.astimezone(dt.timezone.utc)
    decl, eot = _sun_terms(julian_day(utc))
    minutes = utc.hour * 60 + utc.minute + utc.second / 60.0 + utc.microsecond / 6e7
    tst = (minutes + eot + 4.0 * lon_deg) % 1440.0
    ha = tst / 4.0 - 180.0 if tst / 4.0 >= 0 else tst / 4.0 + 180.0
    lat, dec, har = math.radians(lat_deg), math.radians(decl), math.radians(ha)
    cz = math.sin(lat) * math.sin(dec) + math.cos(lat) * math.cos(dec) * math.cos(har)
    zen = math.degrees(math.acos(max(-1.0, min(1.0, cz))))
    elev = 90.0 - zen
    denom = math.cos(lat) * math.sin(math.radians(zen))
    if abs(denom) < 1e-12:
        az = 180.0 if lat_deg > 0 else 0.0
    else:
        c = (math.sin(lat) * math.cos(math.radians(zen)) - math.sin(dec)) / denom
        a = math.degrees(math.acos(max(-1.0, min(1.0, c))))
        az = (a + 180.0) % 360.0 if ha > 0 else (540.0 - a) % 360.0
    return SolarPosition(elev + _refraction_deg(elev), az, decl, eot, ha)


def sun_events(lat_deg: float, lon_deg: float, date: dt.date, tz: str) -> dict[str, dt.datetime]:
    """Local sunrise, solar noon and sunset (NOAA, zenith 90.833 deg). Polar day/night: sunrise/sunset absent."""
    zone = _tz(tz)
    out: dict[str, dt.datetime] = {}
    # evaluate the sun's terms at local noon of that date
    noon_local = dt.datetime.combine(date, dt.time(12, 0), zone)
    decl, eot = _sun_terms(julian_day(noon_local))
    midnight_utc = dt.datetime.combine(date, dt.time(0, 0), dt.timezone.utc)
    noon_utc_min = 720.0 - 4.0 * lon_deg - eot
    out["solar_noon"] = (midnight_utc + dt.timedelta(minutes=noon_utc_min)).astimezone(zone)
    lat, dec = math.radians(lat_deg), math.radians(decl)
    c = math.cos(math.radians(90.833)) / (math.cos(lat) * math.cos(dec)) - math.tan(lat) * math.tan(dec)
    if -1.0 <= c <= 1.0:
        ha = math.degrees(math.acos(c))
        out["sunrise"] = (midnight_utc + dt.timedelta(minutes=noon_utc_min - 4 * ha)).astimezone(zone)
        out["sunset"] = (midnight_utc + dt.timedelta(minutes=noon_utc_min + 4 * ha)).astimezone(zone)
    return out


# time of day -> how to find the local clock time
DEFAULT_TIMES = {
    "dawn": ("sunrise", +10),
    "morning": (dt.time(9, 30), 0),
    "noon": ("solar_noon", 0),
    "afternoon": (dt.time(15, 30), 0),
    "golden_hour": ("sunset", -50),
    "dusk": ("sunset", +10),
    "blue_hour": ("sunset", +20),
    "night": (dt.time(22, 0), 0),
}


def local_time_for(time_of_day: str, lat: float, lon: float, date: dt.date, tz: str,
                   exact: dt.time | None = None) -> dt.datetime:
    """The aware local datetime a time of day (or an exact clock time) means on that date and place."""
    zone = _tz(tz)
    if exact is not None:
        return dt.datetime.combine(date, exact, zone)
    if time_of_day not in DEFAULT_TIMES:
        raise PlanoError(f"unknown time of day {time_of_day!r}; expected one of {', '.join(DEFAULT_TIMES)}")
    what, offset = DEFAULT_TIMES[time_of_day]
    if isinstance(what, dt.time):
        return dt.datetime.combine(date, what, zone)
    events = sun_events(lat, lon, date, tz)
    if what not in events:  # polar day or night: fall back to clock times
        fallback = {"sunrise": dt.time(6, 0), "sunset": dt.time(18, 0)}[what]
        return dt.datetime.combine(date, fallback, zone) + dt.timedelta(minutes=offset)
    return (events[what] + dt.timedelta(minutes=offset)).replace(second=0, microsecond=0)


def direction_from(elevation_deg: float, azimuth_deg: float) -> np.ndarray:
    """Unit vector towards (elevation, azimuth clockwise from north); north = +Y, east = +X, up = +Z."""
    e, a = math.radians(elevation_deg), math.radians(azimuth_deg)
    return np.array([math.cos(e) * math.sin(a), math.cos(e) * math.cos(a), math.sin(e)])


WEATHER_DIRECT = {"clear": 1.0, "partly_cloudy": 0.8, "hazy": 0.6, "overcast": 0.12, "fog": 0.08, "rain": 0.06,
                  "snow": 0.08, "storm": 0.04}


def air_mass(elevation_deg: float) -> float:
    """Kasten & Young (1989)."""
    e = max(elevation_deg, -0.5)
    return 1.0 / (math.sin(math.radians(e)) + 0.50572 * (e + 6.07995) ** -1.6364)


def make_sun(lat: float, lon: float, when: dt.datetime, weather: str = "clear") -> tuple[Sun, dict]:
    """The Sun record (direction, colour, illuminance) and facts for the summary.

    At night (sun below -6 deg) the key light is a dim, cool moon-like light high in the opposite sky."""
    pos = solar_position(lat, lon, when)
    facts = {"local_time": when.isoformat(timespec="minutes"), "light_source": "sun",
             "solar_elevation_deg": pos.elevation_deg, "solar_azimuth_deg": pos.azimuth_deg,
             "declination_deg": pos.declination_deg, "equation_of_time_min": pos.equation_of_time_min}
    if pos.elevation_deg < -6.0:
        el, az = 35.0, (pos.azimuth_deg + 180.0) % 360.0
        facts["light_source"] = "moon"
        sun = Sun(direction_from(el, az), el, az, (0.55, 0.65, 1.0), 0.25)
        return sun, facts
    el = pos.elevation_deg
    m = air_mass(max(el, 0.5))
    # per-channel extinction (Rayleigh + aerosol): long wavelengths pass, short ones scatter near the horizon
    tau = np.array([0.10, 0.16, 0.30])
    rgb = np.exp(-tau * m)
    rgb = rgb / rgb.max()
    clear_lux = 128000.0 * math.exp(-0.21 * m) if el > 0 else 0.0  # below the horizon: no direct sun
    lux = clear_lux * WEATHER_DIRECT.get(weather, 1.0)
    if weather in ("overcast", "fog", "rain", "storm", "snow"):
        rgb = 0.3 * rgb + 0.7 * np.array([0.9, 0.93, 1.0])
    sun = Sun(direction_from(el, pos.azimuth_deg), float(el), float(pos.azimuth_deg),
              tuple(float(c) for c in rgb), float(lux))
    return sun, facts
