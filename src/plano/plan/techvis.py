"""Techvis for the plate shoot: for each shot a top-down plan (the building, the street and its neighbours, the
camera with its field-of-view cone and height, the sun's direction) and a camera report (lens, sensor, distance
to the building, camera height, tilt, field of view, the sun's azimuth and elevation); and, for the shoot day,
the hours when the sun stands where the shot needs it.

World axes are the scene's: x east, y north, z up, metres (the plan has north up). The sun's azimuth is
clockwise from north. Everything is read from the shot's own run folder (its scene, the camera it was rendered
with) and plano.scene.sun; nothing is drawn that the render did not use.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from plano.errors import PlanoError

SUN_MATCH_AZ_DEG = 15.0
"""The sun 'stands where the shot needs it' within this many degrees of azimuth ..."""
SUN_MATCH_EL_DEG = 7.0
"""... and of elevation of the shot's sun."""
STEP_MIN = 2


@dataclass(frozen=True)
class CameraReport:
    shot: str
    lens_mm: float
    anamorphic: bool
    squeeze: float
    body: str
    sensor_mm: tuple[float, float]
    film_back_mm: tuple[float, float]
    """The part of the sensor the delivered aspect uses."""
    hfov_deg: float
    vfov_deg: float
    camera_height_m: float
    tilt_deg: float
    """Up (+) or down (-) from level, at the first frame."""
    heading_deg: float
    """Where the lens points, clockwise from north."""
    distance_to_building_m: float
    """Horizontal distance from the lens to the nearest point of the building's footprint."""
    distance_to_centre_m: float
    building_height_m: float
    movement: str
    camera_travel_m: float
    """How far the camera moves over the shot."""
    place: str
    latitude: float
    longitude: float
    shot_date: str
    shot_local_time: str
    sun_azimuth_deg: float
    sun_elevation_deg: float
    sun_from_camera_deg: float
    """The sun's azimuth relative to the lens heading: 0 behind the subject (back light), 180 behind the camera."""
    shoot_date: str
    sun_windows: tuple[tuple[str, str], ...]
    """Local clock times on the shoot date when the sun is within the match tolerance of the shot's sun."""


def _hull(points: np.ndarray) -> np.ndarray:
    from scipy.spatial import ConvexHull, QhullError

    try:
        return points[ConvexHull(points).vertices]
    except (QhullError, ValueError):
        return points


def _footprint(parts) -> np.ndarray:
    return _hull(np.concatenate([p.vertices[:, :2] for p in parts]))


def distance_to_polygon(p: np.ndarray, poly: np.ndarray) -> float:
    """Horizontal distance from point ``p`` (2,) to the polygon ``poly`` (N, 2) given in order (0 inside a convex one)."""
    n = len(poly)
    best = math.inf
    inside = True
    sign = None
    for i in range(n):
        a, b = poly[i], poly[(i + 1) % n]
        ab, ap = b - a, p - a
        t = float(np.clip(np.dot(ap, ab) / max(np.dot(ab, ab), 1e-12), 0.0, 1.0))
        best = min(best, float(np.linalg.norm(p - (a + t * ab))))
        cross = ab[0] * ap[1] - ab[1] * ap[0]
        s = cross > 0
        if sign is None:
            sign = s
        elif s != sign:
            inside = False
    return 0.0 if inside else best


def sun_windows(lat: float, lon: float, tz: str, date: dt.date, az: float, el: float,
                tol_az: float = SUN_MATCH_AZ_DEG, tol_el: float = SUN_MATCH_EL_DEG) -> list[tuple[str, str]]:
    """The local clock intervals on ``date`` when the sun is within ``tol_az`` / ``tol_el`` degrees of (az, el)."""
    from zoneinfo import ZoneInfo

    from plano.scene.sun import solar_position

    zone = ZoneInfo(tz)
    start = dt.datetime.combine(date, dt.time(0, 0), zone)
    out, open_at, last = [], None, None
    for k in range(0, 24 * 60, STEP_MIN):
        when = start + dt.timedelta(minutes=k)
        pos = solar_position(lat, lon, when)
        d_az = abs((pos.azimuth_deg - az + 180.0) % 360.0 - 180.0)
        ok = pos.elevation_deg > 0 and d_az <= tol_az and abs(pos.elevation_deg - el) <= tol_el
        if ok and open_at is None:
            open_at = when
        if not ok and open_at is not None:
            out.append((open_at.strftime("%H:%M"), last.strftime("%H:%M")))
            open_at = None
        last = when
    if open_at is not None:
        out.append((open_at.strftime("%H:%M"), last.strftime("%H:%M")))
    return out


def camera_report(scene, spec, shoot_date: dt.date | None = None) -> CameraReport:
    """The numbers the crew needs to shoot the plate of this shot (see :class:`CameraReport`)."""
    rig = scene.camera
    if rig is None:
        raise PlanoError("the scene has no camera; techvis needs a shot's scene (its run folder's scene/)")
    hero = [p for p in scene.parts if p.building == "hero"]
    if not hero:
        raise PlanoError("the scene has no building to measure the camera against")
    foot = _footprint(hero)
    eye, target = rig.positions[0], rig.targets[0]
    fwd = (target - eye) / np.linalg.norm(target - eye)
    heading = math.degrees(math.atan2(fwd[0], fwd[1])) % 360.0
    tilt = math.degrees(math.asin(float(np.clip(fwd[2], -1, 1))))
    centre = scene.hero_bounds.mean(axis=0)
    place, sun = spec.place, scene.info.get("sun", {})
    az, el = float(scene.sun.azimuth_deg), float(scene.sun.elevation_deg)
    date = shoot_date or place.date
    windows = sun_windows(place.latitude, place.longitude, place.timezone, date, az, el)
    travel = float(np.linalg.norm(np.diff(rig.positions, axis=0), axis=1).sum()) if len(rig.positions) > 1 else 0.0
    cam = spec.camera
    return CameraReport(
        shot=spec.shot, lens_mm=float(rig.focal_length_mm[0]), anamorphic=bool(cam.anamorphic), squeeze=float(rig.squeeze),
        body=cam.body, sensor_mm=(cam.sensor_width_mm, cam.sensor_height_mm),
        film_back_mm=(round(rig.aperture_width_mm, 2), round(rig.aperture_height_mm, 2)),
        hfov_deg=round(math.degrees(rig.horizontal_fov(0)), 2), vfov_deg=round(math.degrees(rig.vertical_fov(0)), 2),
        camera_height_m=round(float(eye[2]), 2), tilt_deg=round(tilt, 2), heading_deg=round(heading, 1),
        distance_to_building_m=round(distance_to_polygon(eye[:2], foot), 1),
        distance_to_centre_m=round(float(np.hypot(*(centre - eye)[:2])), 1),
        building_height_m=round(float(scene.hero_bounds[1, 2] - scene.hero_bounds[0, 2]), 1), movement=cam.movement,
        camera_travel_m=round(travel, 2), place=place.name, latitude=place.latitude, longitude=place.longitude,
        shot_date=place.date.isoformat(), shot_local_time=str(sun.get("local_time", "")),
        sun_azimuth_deg=round(az, 1), sun_elevation_deg=round(el, 1),
        sun_from_camera_deg=round((az - heading + 180.0) % 360.0 - 180.0, 1),
        shoot_date=date.isoformat(), sun_windows=tuple(windows),
    )


def report_lines(r: CameraReport) -> list[str]:
    lens = f"{r.lens_mm:g} mm" + (f" anamorphic {r.squeeze:g}x" if r.anamorphic else " spherical")
    win = ", ".join(f"{a}-{b}" for a, b in r.sun_windows) or "none: the sun never stands there that day"
    return [
        f"{r.shot}",
        f"lens            {lens}",
        f"camera          {r.body}, sensor {r.sensor_mm[0]:g} x {r.sensor_mm[1]:g} mm",
        f"film back used  {r.film_back_mm[0]:g} x {r.film_back_mm[1]:g} mm",
        f"field of view   {r.hfov_deg:.1f} deg H x {r.vfov_deg:.1f} deg V",
        f"camera height   {r.camera_height_m:.1f} m",
        f"tilt            {r.tilt_deg:+.1f} deg",
        f"heading         {r.heading_deg:.0f} deg from north",
        f"to building     {r.distance_to_building_m:.1f} m (to its centre {r.distance_to_centre_m:.1f} m)",
        f"building        {r.building_height_m:.1f} m high",
        f"movement        {r.movement}" + (f", {r.camera_travel_m:.1f} m of travel" if r.camera_travel_m > 0.05 else ""),
        f"place           {r.place} ({r.latitude:.3f}, {r.longitude:.3f})",
        f"shot's sun      {r.shot_local_time.replace('T', ' ')}: az {r.sun_azimuth_deg:.1f}, el {r.sun_elevation_deg:.1f}",
        f"sun vs lens     {r.sun_from_camera_deg:+.0f} deg ({_light_words(r.sun_from_camera_deg)})",
        f"shoot date      {r.shoot_date}",
        f"sun matches     {win}",
        f"                (within {SUN_MATCH_AZ_DEG:g} deg of azimuth, {SUN_MATCH_EL_DEG:g} deg of elevation)",
    ]


def _light_words(rel: float) -> str:
    a = abs(rel)
    if a < 45:
        return "back light: the sun ahead of the lens"
    if a < 135:
        return "side light from the " + ("right" if rel > 0 else "left")
    return "front light: the sun behind the camera"


# ------------------------------------------------------------------ the plan image


def draw_plan(scene, report: CameraReport, out: Path, size: int = 900) -> Path:
    """The top-down plan as a PNG: streets grey, neighbours dark, the building orange, the camera's cone and
    path, the sun's arrow, north, a scale bar, and the camera report beside it."""
    from PIL import Image, ImageDraw, ImageFont

    from plano.core.atomic import atomic_path

    rig = scene.camera
    hero = [p for p in scene.parts if p.building == "hero"]
    foot = _footprint(hero)
    eye = rig.positions[:, :2]
    pts = np.concatenate([foot, eye])
    lo, hi = pts.min(0), pts.max(0)
    span = float(max(hi - lo)) * 1.35 + 20.0
    mid = (lo + hi) / 2
    scale = size / span

    def px(xy) -> tuple[float, float]:
        xy = np.asarray(xy, np.float64)
        return (float((xy[0] - mid[0]) * scale + size / 2), float(size / 2 - (xy[1] - mid[1]) * scale))

    panel = 470
    img = Image.new("RGB", (size + panel, size), (236, 234, 228))
    d = ImageDraw.Draw(img)
    colours = {"road": (120, 120, 124), "sidewalk": (185, 183, 178), "kerb": (160, 160, 160),
               "context": (90, 92, 100), "street_furniture": (60, 110, 60)}
    order = ("road", "kerb", "sidewalk", "context", "street_furniture")
    for group in order:
        for p in scene.parts:
            if p.group == group and p.building != "hero":
                hull = _hull(p.vertices[:, :2])
                if len(hull) >= 3:
                    d.polygon([px(q) for q in hull], fill=colours[group])
    # the cone: the horizontal field of view out past the building
    fwd = rig.targets[0] - rig.positions[0]
    fwd = fwd[:2] / np.linalg.norm(fwd[:2])
    half = math.radians(report.hfov_deg) / 2
    reach = report.distance_to_centre_m * 1.6 + 10
    rot = lambda v, a: np.array([v[0] * math.cos(a) - v[1] * math.sin(a), v[0] * math.sin(a) + v[1] * math.cos(a)])
    e0 = eye[0]
    cone = [px(e0), px(e0 + rot(fwd, half) * reach), px(e0 + rot(fwd, -half) * reach)]
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    ImageDraw.Draw(overlay).polygon(cone, fill=(40, 120, 230, 70), outline=(20, 70, 200, 255))
    img.paste(Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB"))
    d = ImageDraw.Draw(img)
    for p in hero:  # over the cone: the building stays its own colour
        hull = _hull(p.vertices[:, :2])
        if len(hull) >= 3:
            d.polygon([px(q) for q in hull], fill=(214, 120, 40))
    d.polygon([px(q) for q in foot], outline=(120, 50, 0), width=3)
    if len(eye) > 1 and np.linalg.norm(eye[-1] - eye[0]) > 0.05:
        d.line([px(q) for q in eye], fill=(20, 40, 160), width=3)
    cx, cy = px(e0)
    d.ellipse((cx - 7, cy - 7, cx + 7, cy + 7), fill=(20, 40, 160), outline=(255, 255, 255), width=2)
    font = ImageFont.load_default(size=16)
    small = ImageFont.load_default(size=13)
    d.text((cx + 10, cy + 6), f"camera {report.camera_height_m:.1f} m up, {report.lens_mm:g} mm", fill=(10, 20, 90),
           font=small)
    # the sun: an arrow from the sun's side of the plan toward the building (the way its light travels)
    az = math.radians(report.sun_azimuth_deg)
    to_sun = np.array([math.sin(az), math.cos(az)])
    c = foot.mean(0)
    start, end = c + to_sun * span * 0.42, c + to_sun * span * 0.22
    d.line([px(start), px(end)], fill=(230, 170, 0), width=5)
    tip = px(end)
    back = np.array(px(end)) - np.array(px(start))
    back /= max(np.linalg.norm(back), 1e-6)
    nrm = np.array([-back[1], back[0]])
    d.polygon([tip, tuple(np.array(tip) - back * 16 + nrm * 8), tuple(np.array(tip) - back * 16 - nrm * 8)],
              fill=(230, 170, 0))
    sx, sy = px(start)
    d.ellipse((sx - 12, sy - 12, sx + 12, sy + 12), fill=(250, 200, 30), outline=(160, 110, 0), width=2)
    d.text((sx + 14, sy - 8), f"sun az {report.sun_azimuth_deg:.0f}, el {report.sun_elevation_deg:.0f}",
           fill=(120, 80, 0), font=small)
    # north and scale
    d.line([(30, 80), (30, 30)], fill=(0, 0, 0), width=3)
    d.polygon([(30, 22), (23, 36), (37, 36)], fill=(0, 0, 0))
    d.text((24, 86), "N", fill=(0, 0, 0), font=font)
    bar = _nice(span / 5)
    d.line([(30, size - 30), (30 + bar * scale, size - 30)], fill=(0, 0, 0), width=4)
    d.text((30, size - 52), f"{bar:g} m", fill=(0, 0, 0), font=small)
    # the report
    d.rectangle((size, 0, size + panel, size), fill=(250, 250, 248))
    y = 20
    for i, line in enumerate(report_lines(report)):
        label, value = (line[:16].strip(), line[16:]) if i else (line, "")
        d.text((size + 16, y), label, fill=(90, 90, 90) if i else (20, 20, 20),
               font=ImageFont.load_default(size=20 if i == 0 else 14))
        d.text((size + 140, y), value, fill=(20, 20, 20), font=ImageFont.load_default(size=14))
        y += 30 if i == 0 else 22
    with atomic_path(out) as tmp:
        img.save(tmp, format="PNG")
    return out


def _nice(x: float) -> float:
    e = 10 ** math.floor(math.log10(max(x, 1e-6)))
    for m in (1, 2, 5, 10):
        if m * e >= x:
            return m * e
    return 10 * e


def techvis_for_run(run_root: Path, out_png: Path, shoot_date: dt.date | None = None) -> CameraReport:
    """Techvis of one shot's run folder: its plan PNG at ``out_png``; returns the camera report."""
    from plano.scene.io import load_scene
    from plano.spec.io import load_spec

    scene = load_scene(Path(run_root) / "scene")
    spec = load_spec(Path(run_root) / "spec.yaml")
    report = camera_report(scene, spec, shoot_date)
    draw_plan(scene, report, out_png)
    return report


def report_dict(r: CameraReport) -> dict:
    return asdict(r)
