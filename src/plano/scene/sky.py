"""Sky and weather parameters for the renderer: colours, turbidity, haze, clouds, wind.

Colours are scene-linear ACEScg, relative to the sun's (the renderer scales them by the sky exposure).
"""

from __future__ import annotations

import numpy as np

from plano.scene.model import Sky, Sun

# weather -> (turbidity, haze extinction per m, cloud cover, wind speed m/s)
WEATHER = {
    "clear": (2.5, 0.00025, 0.0, 3.0),
    "partly_cloudy": (3.0, 0.0003, 0.4, 4.0),
    "hazy": (6.0, 0.0012, 0.1, 2.0),
    "overcast": (4.0, 0.0008, 0.95, 5.0),
    "fog": (10.0, 0.006, 1.0, 1.0),
    "rain": (5.0, 0.0015, 1.0, 7.0),
    "snow": (5.0, 0.002, 1.0, 4.0),
    "storm": (6.0, 0.002, 1.0, 14.0),
}


def make_sky(sun: Sun, weather: str, mood: tuple[str, ...], rng: np.random.Generator,
             solar_elevation_deg: float | None = None) -> Sky:
    """Sky for the sun's real elevation (``solar_elevation_deg``; at night the key light is the moon, but the
    sky is a night sky)."""
    turb, haze, cloud, wind = WEATHER.get(weather, WEATHER["clear"])
    if "gritty" in mood or "dusty" in mood:
        haze *= 1.6
        turb += 1.0
    el = sun.elevation_deg if solar_elevation_deg is None else solar_elevation_deg
    day = float(np.clip((el + 6.0) / 16.0, 0.0, 1.0))  # 0 at night .. 1 from 10 deg up
    low = float(np.clip(1.0 - el / 25.0, 0.0, 1.0))  # 1 near the horizon
    zenith = np.array([0.10, 0.22, 0.55]) * day + np.array([0.004, 0.006, 0.015]) * (1 - day)
    horizon = np.array([0.55, 0.62, 0.75]) * day + np.array([0.01, 0.012, 0.02]) * (1 - day)
    warm = np.array([1.0, 0.62, 0.35])
    horizon = horizon * (1 - 0.6 * low * day) + 0.6 * low * day * warm * horizon.max()
    grey = np.array([0.45, 0.47, 0.5]) * day + 0.01
    zenith = zenith * (1 - cloud) + grey * 0.8 * cloud
    horizon = horizon * (1 - cloud) + grey * cloud
    haze_mix = min(1.0, (turb - 2.0) / 10.0)
    zenith = zenith * (1 - haze_mix) + horizon * haze_mix
    ground = np.array([0.12, 0.11, 0.10]) * day + 0.003
    ang = rng.uniform(0, 2 * np.pi)
    speed = wind * rng.uniform(0.8, 1.2)
    return Sky(tuple(map(float, zenith)), tuple(map(float, horizon)), tuple(map(float, ground)), weather,
               float(turb), float(haze), float(cloud),
               (float(speed * np.cos(ang)), float(speed * np.sin(ang)), 0.0))
