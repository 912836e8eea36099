"""The shot camera, solved from the spec: film back, framing, angle, height and movement.

Framing is solved with the real field of view: the distance is found by bisection so that the framed region
of the hero building spans :data:`FRAMING`'s ``fill`` share of the frame height (and never more than 92% of
the width for shots meant to hold the whole building). A move (push-in, pan, orbit...) is sampled once per
frame and shrunk until the framed region stays inside the frame on every frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from plano.scene.model import CameraRig
from plano.spec.model import ShotSpec


@dataclass(frozen=True)
class Framing:
    z_share: tuple[float, float]
    """Which heights of the hero building are framed, as shares of its height (0 ground .. 1 top)."""
    half_width_m: float | None
    """Horizontal half-width of the framed region around the centre (None: the whole building)."""
    fill: float
    """Share of the frame height the framed region spans."""
    whole_building: bool
    """The whole building must stay in frame (and within 92% of the width)."""
    centre_y: float = 0.5
    """Where the middle of the framed region sits, as a share of the frame height from the top. Above 0.5 puts
    the building low in the frame, with sky above it for the dust and smoke to rise into and less empty
    foreground."""


FRAMING: dict[str, Framing] = {
    "extreme_wide": Framing((0.0, 1.0), None, 0.45, True, 0.56),
    "wide": Framing((0.0, 1.0), None, 0.65, True, 0.52),
    "full": Framing((0.0, 1.0), None, 0.90, True),
    "medium": Framing((0.0, 0.5), None, 0.90, False),
    "medium_close_up": Framing((0.0, 0.3), 12.0, 0.85, False),
    "close_up": Framing((0.25, 0.40), 6.0, 0.85, False),
    "insert": Framing((0.30, 0.36), 2.0, 0.85, False),
}

# angle -> (camera height rule, elevation of the line of sight above the horizontal in degrees)
EYE_HEIGHT_M = {"eye_level": 1.7, "low": 0.5, "dutch": 1.7}
ELEVATION_DEG = {"high": 22.0, "aerial": 35.0, "top_down": 89.0}
MARGIN = 0.02  # share of the frame kept free at every edge when checking that the subject stays in frame


def film_back(sensor_w_mm: float, sensor_h_mm: float, aspect: float, squeeze: float) -> tuple[float, float]:
    """The sensor cropped to the delivered aspect (before de-squeeze): (aperture_width_mm, aperture_height_mm)."""
    a = aspect / squeeze
    if sensor_w_mm / sensor_h_mm > a:
        return sensor_h_mm * a, sensor_h_mm
    return sensor_w_mm, sensor_w_mm / a


def region_corners(hero_bounds: np.ndarray, front: np.ndarray, framing: Framing) -> np.ndarray:
    """(8, 3) corners of the framed region: the building's bounds cut to the framed heights and width."""
    lo, hi = hero_bounds
    h = hi[2] - lo[2]
    z0, z1 = lo[2] + framing.z_share[0] * h, lo[2] + framing.z_share[1] * h
    lo2, hi2 = lo.copy(), hi.copy()
    lo2[2], hi2[2] = z0, z1
    if framing.half_width_m is not None:
        # a detail on the front facade: thin slab of the bounds on the camera side, limited in width
        c = 0.5 * (lo + hi)
        side = np.array([-front[1], front[0], 0.0])
        ax = int(np.argmax(np.abs(side[:2])))
        lo2[ax] = max(lo[ax], c[ax] - framing.half_width_m)
        hi2[ax] = min(hi[ax], c[ax] + framing.half_width_m)
        fa = int(np.argmax(np.abs(front[:2])))
        if front[fa] < 0:
            hi2[fa] = lo[fa] + 1.0
        else:
            lo2[fa] = hi[fa] - 1.0
    return np.array([[hi2[0] if i & 1 else lo2[0], hi2[1] if i & 2 else lo2[1], hi2[2] if i & 4 else lo2[2]]
                     for i in range(8)])


def _look_rig(positions, targets, ups, f_mm, aw, ah, sq, spec, body, focus=None) -> CameraRig:
    fmt = spec.format
    n = len(positions)
    focus = np.linalg.norm(targets - positions, axis=1) if focus is None else focus
    dist = float(np.max(np.linalg.norm(targets - positions, axis=1)))
    return CameraRig(
        frames=np.arange(fmt.frame_start, fmt.frame_start + n, dtype=np.int64), fps=float(fmt.fps),
        positions=np.asarray(positions, float), targets=np.asarray(targets, float), ups=np.asarray(ups, float),
        focal_length_mm=np.full(n, float(f_mm)), focus_distance_m=np.asarray(focus, float),
        aperture_width_mm=float(aw), aperture_height_mm=float(ah), squeeze=float(sq), fstop=float(spec.camera.fstop),
        width=int(fmt.width), height=int(fmt.height), near_m=0.1 if dist < 30 else 0.5,
        far_m=float(max(5000.0, 6 * dist)), body=body)


def _aim(eye: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """A target point that centres the corners in view (bisects their yaw and pitch as seen from ``eye``)."""
    d = corners - eye
    yaw = np.arctan2(d[:, 1], d[:, 0])
    ref = yaw[0]
    yaw = ref + np.angle(np.exp(1j * (yaw - ref)))
    yc = 0.5 * (yaw.min() + yaw.max())
    horiz = np.hypot(d[:, 0], d[:, 1])
    pitch = np.arctan2(d[:, 2], horiz)
    pc = 0.5 * (pitch.min() + pitch.max())
    pc = float(np.clip(pc, -np.radians(89.5), np.radians(89.5)))
    dist = float(np.linalg.norm(d.mean(axis=0)))
    return eye + dist * np.array([np.cos(pc) * np.cos(yc), np.cos(pc) * np.sin(yc), np.sin(pc)])


def _project(eye, target, up, corners, f_mm, aw, ah, sq, spec) -> np.ndarray:
    rig = _look_rig(eye[None], target[None], up[None], f_mm, aw, ah, sq, spec, "")
    return rig.project(0, corners)


def _extent(p: np.ndarray, w: int, h: int) -> tuple[float, float]:
    """(height share, width share) the projected points span; inf when any is behind the camera."""
    if np.any(p[:, 2] <= 0.05):
        return math.inf, math.inf
    return (p[:, 1].max() - p[:, 1].min()) / h, (p[:, 0].max() - p[:, 0].min()) / w


def in_frame(rig: CameraRig, i: int, points: np.ndarray, margin: float = 0.0) -> bool:
    """Whether every point projects in front of the camera and inside the frame, ``margin`` (share) from the edges."""
    p = rig.project(i, points)
    mx, my = margin * rig.width, margin * rig.height
    return bool(np.all(p[:, 2] > 0) and np.all(p[:, 0] >= mx) and np.all(p[:, 0] <= rig.width - mx)
                and np.all(p[:, 1] >= my) and np.all(p[:, 1] <= rig.height - my))


def in_frame_vertically(rig: CameraRig, i: int, points: np.ndarray, margin: float = 0.0) -> bool:
    """For shots tighter than the building: the points span no more than the frame height (``margin`` share
    kept free) and their middle is in frame; they may run past the sides."""
    p = rig.project(i, points)
    my = margin * rig.height
    cx = 0.5 * (p[:, 0].min() + p[:, 0].max())
    return bool(np.all(p[:, 2] > 0) and np.all(p[:, 1] >= my) and np.all(p[:, 1] <= rig.height - my)
                and 0 <= cx <= rig.width)


def solve_plate_camera(spec: ShotSpec, hero_bounds: np.ndarray, front: np.ndarray) -> tuple[CameraRig, dict]:
    """The CG camera of a plate (``spec.plate.camera``): its lens and film back, its height and tilt, and the
    distance and bearing that put the foot of the building's front where the plate shows it (``building_px``,
    pixels at the spec's resolution) or at ``building_distance_m``. Static: a hand-held plate's motion comes from
    the 2D track in comp."""
    from plano.errors import PlanoError

    cam, pc, fmt = spec.camera, spec.plate.camera, spec.format
    sq = cam.squeeze if cam.anamorphic else 1.0
    aw, ah = film_back(pc.sensor_width_mm or cam.sensor_width_mm, pc.sensor_height_mm or cam.sensor_height_mm,
                       fmt.aspect, sq)
    f_mm = float(pc.focal_length_mm)
    W, H = fmt.width, fmt.height
    fx, fy = f_mm * W / (sq * aw), f_mm * H / ah  # focal length in pixels
    z = 1.7 if pc.height_m is None else float(pc.height_m)
    tilt = math.radians(pc.tilt_deg)
    front = np.asarray(front, float)
    front = front / np.linalg.norm(front)
    lo, hi = np.asarray(hero_bounds, float)
    c, half = 0.5 * (lo + hi), 0.5 * (hi - lo)
    foot = np.array([c[0], c[1], lo[2]]) + np.r_[front[:2], 0.0] * (abs(front[0]) * half[0] + abs(front[1]) * half[1])
    bx, by = pc.building_px if pc.building_px is not None else (W / 2.0, H * 0.8)
    yaw = math.atan((bx - W / 2.0) / fx)
    if pc.building_distance_m is not None:
        d = float(pc.building_distance_m)
    else:
        dep = math.atan((by - H / 2.0) / fy) * math.cos(yaw) - tilt
        if dep <= math.radians(0.05):
            raise PlanoError(
                f"plate.camera: the building's foot at y = {by:g} px is at or above the horizon for a lens {z:g} m high "
                f"tilted {pc.tilt_deg:g} deg; give a y lower in the frame, another tilt or height, or building_distance_m")
        d = (z - lo[2]) / math.tan(dep) / max(math.cos(yaw), 1e-3)
    eye = foot + np.r_[front[:2], 0.0] * d
    eye[2] = z
    to_foot = np.r_[(foot - eye)[:2], 0.0]
    to_foot /= np.linalg.norm(to_foot)
    horiz = _rot_z(to_foot, yaw)
    view = math.cos(tilt) * horiz + np.array([0.0, 0.0, math.sin(tilt)])
    n = fmt.frame_count
    P = np.repeat(eye[None], n, axis=0)
    T = P + view * max(d, 1.0)
    U = np.repeat(np.array([[0.0, 0.0, 1.0]]), n, axis=0)
    if cam.dutch_deg:
        U = np.array([_rodrigues(u, view, math.radians(cam.dutch_deg)) for u in U])
    rig = _look_rig(P, T, U, f_mm, aw, ah, sq, spec, cam.body, focus=np.full(n, float(np.linalg.norm(foot - eye))))
    got = rig.project(0, foot[None])[0]
    facts = {"plate_camera": True, "focal_length_mm": f_mm, "height_m": z, "tilt_deg": pc.tilt_deg,
             "distance_m": float(np.linalg.norm(foot - eye)), "building_px_wanted": [float(bx), float(by)],
             "building_px_got": [float(got[0]), float(got[1])], "hfov_deg": math.degrees(rig.horizontal_fov(0)),
             "vfov_deg": math.degrees(rig.vertical_fov(0)), "movement": "plate (static; hand-held motion from the track)"}
    return rig, facts


def solve_camera(spec: ShotSpec, hero_bounds: np.ndarray, front: np.ndarray, rng: np.random.Generator
                 ) -> tuple[CameraRig, dict]:
    """The camera rig for a spec, a hero building's bounds (2, 3) and its front direction (unit, horizontal).
    A plate camera stated in the spec (``plate.camera.focal_length_mm``) is matched instead."""
    if spec.plate.camera.focal_length_mm is not None:
        return solve_plate_camera(spec, hero_bounds, front)
    cam, fmt = spec.camera, spec.format
    framing = FRAMING[cam.shot_size]
    sq = cam.squeeze if cam.anamorphic else 1.0
    aw, ah = film_back(cam.sensor_width_mm, cam.sensor_height_mm, fmt.aspect, sq)
    f_mm = cam.focal_length_mm
    front = np.asarray(front, float) / np.linalg.norm(front)
    corners = region_corners(hero_bounds, front, framing)
    whole = region_corners(hero_bounds, front, FRAMING["wide"])
    centre = corners.mean(axis=0)
    angle = cam.angle
    elev = ELEVATION_DEG.get(angle)

    def place(d: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if angle == "top_down":
            eye = centre + np.array([0, 0, d]) + 0.001 * front
            up = -front.copy()
            return eye, centre.copy(), up
        if cam.height_m is not None:
            z = cam.height_m
        elif elev is not None:
            z = centre[2] + d * math.tan(math.radians(elev))
        elif not framing.whole_building and centre[2] > 3.0:
            # a detail up the facade: level with it (from a lift or a window opposite), or below it for low
            z = centre[2] if angle != "low" else max(0.5, centre[2] - d * math.tan(math.radians(15.0)))
        else:
            z = EYE_HEIGHT_M.get(angle, 1.7)
        eye = np.array([centre[0] + front[0] * d, centre[1] + front[1] * d, z])
        target = _aim(eye, corners)
        for _ in range(2):
            p = _project(eye, target, np.array([0, 0, 1.0]), corners, f_mm, aw, ah, sq, spec)
            # nudge the aim so the projected region is centred (perspective makes angle-bisection approximate)
            rig = _look_rig(eye[None], target[None], np.array([[0, 0, 1.0]]), f_mm, aw, ah, sq, spec, "")
            cx, cy = 0.5 * (p[:, 0].min() + p[:, 0].max()), 0.5 * (p[:, 1].min() + p[:, 1].max())
            dx = (cx / rig.width - 0.5) * 2 * math.tan(rig.horizontal_fov(0) / 2)
            dy = -(cy / rig.height - framing.centre_y) * 2 * math.tan(rig.vertical_fov(0) / 2)
            v = np.linalg.inv(rig.view_matrix(0))
            ray = v[:3, :3] @ np.array([dx, dy, -1.0])
            target = eye + ray / np.linalg.norm(ray) * np.linalg.norm(target - eye)
        return eye, target, np.array([0, 0, 1.0])

    def fill(d: float) -> float:
        eye, target, up = place(d)
        p = _project(eye, target, up, corners, f_mm, aw, ah, sq, spec)
        hs, ws = _extent(p, fmt.width, fmt.height)
        if framing.whole_building:
            return max(hs / framing.fill, ws / 0.92 * 1.0)
        return hs / framing.fill

    lo, hi = 1.0, 50000.0
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        if fill(mid) > 1.0:
            lo = mid
        else:
            hi = mid
    d = hi
    eye0, target0, up0 = place(d)

    # dutch angle: roll about the view axis
    roll = math.radians(cam.dutch_deg if cam.dutch_deg else (12.0 if angle == "dutch" else 0.0))
    n = fmt.frame_count
    t = np.linspace(0.0, 1.0, n)
    noise = _smooth_noise(rng, n, fmt.fps)

    def path(s: float):
        P, T, U = [], [], []
        fwd0 = target0 - eye0
        for k in range(n):
            eye, target = eye0.copy(), target0.copy()
            mv = cam.movement
            if mv == "push_in":
                eye = target0 - fwd0 * (1 + 0.3 * s * (1 - t[k]))
            elif mv == "pull_out":
                eye = target0 - fwd0 * (1 + 0.3 * s * t[k])
            elif mv == "pan":
                target = eye0 + _rot_z(fwd0, math.radians(8.0 * s * (t[k] - 0.5)))
            elif mv == "tilt":
                target = eye0 + _tilt(fwd0, math.radians(6.0 * s * (t[k] - 0.5)))
            elif mv == "crane":
                eye = eye0 + np.array([0, 0, 0.25 * s * (hero_bounds[1, 2] - hero_bounds[0, 2]) * t[k]])
            elif mv == "orbit":
                eye = target0 + _rot_z(eye0 - target0, math.radians(24.0 * s * (t[k] - 0.5)))
            elif mv == "tracking":
                side = np.array([-front[1], front[0], 0.0])
                off = side * 0.12 * np.linalg.norm(fwd0) * s * (t[k] - 0.5)
                eye, target = eye0 + off, target0 + off
            elif mv == "handheld":
                dist = np.linalg.norm(fwd0)
                eye = eye0 + noise[k, :3] * 0.03 * s
                target = target0 + noise[k, 3:] * dist * math.radians(0.35) * s
            up = up0.copy()
            if roll:
                fwd = (target - eye) / np.linalg.norm(target - eye)
                up = _rodrigues(up, fwd, roll)
            P.append(eye), T.append(target), U.append(up)
        return np.array(P), np.array(T), np.array(U)

    body = cam.body
    s = 1.0
    check = whole if framing.whole_building else corners
    for _ in range(12):
        P, T, U = path(s)
        rig = _look_rig(P, T, U, f_mm, aw, ah, sq, spec, body)
        test = in_frame if framing.whole_building else in_frame_vertically
        if all(test(rig, i, check, MARGIN * 0.5) for i in range(n)):
            break
        s *= 0.6
    else:
        s = 0.0
        P, T, U = path(0.0)
        rig = _look_rig(P, T, U, f_mm, aw, ah, sq, spec, body)
    p0 = rig.project(0, corners)
    facts = {
        "shot_size": cam.shot_size, "fill_target": framing.fill,
        "fill_measured": float((p0[:, 1].max() - p0[:, 1].min()) / rig.height), "distance_m": float(np.linalg.norm(target0 - eye0)),
        "horizontal_distance_m": float(np.hypot(*(centre - eye0)[:2])), "height_m": float(eye0[2]),
        "movement": cam.movement, "movement_scale": float(s), "hfov_deg": math.degrees(rig.horizontal_fov(0)),
        "vfov_deg": math.degrees(rig.vertical_fov(0)),
    }
    return rig, facts


def _rot_z(v: np.ndarray, a: float) -> np.ndarray:
    c, s = math.cos(a), math.sin(a)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]])


def _tilt(v: np.ndarray, a: float) -> np.ndarray:
    horiz = np.array([v[0], v[1], 0.0])
    axis = np.cross(horiz, [0, 0, 1.0])
    if np.linalg.norm(axis) < 1e-9:
        return v
    return _rodrigues(v, axis / np.linalg.norm(axis), -a)


def _rodrigues(v: np.ndarray, k: np.ndarray, a: float) -> np.ndarray:
    k = k / np.linalg.norm(k)
    return v * math.cos(a) + np.cross(k, v) * math.sin(a) + k * np.dot(k, v) * (1 - math.cos(a))


def _smooth_noise(rng: np.random.Generator, n: int, fps: float) -> np.ndarray:
    """(n, 6) smooth, seeded noise in about -1..1: a few sinusoids of 0.2-1.5 Hz per channel."""
    t = np.arange(n) / fps
    out = np.zeros((n, 6))
    for c in range(6):
        for _ in range(3):
            f, ph, a = rng.uniform(0.2, 1.5), rng.uniform(0, 2 * np.pi), rng.uniform(0.3, 1.0)
            out[:, c] += a * np.sin(2 * np.pi * f * t + ph)
    return out / 1.5
