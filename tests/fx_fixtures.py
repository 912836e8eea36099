"""Test scenes and synthetic collapses for the effects tests (the scene and rigid stages are built elsewhere).

``box_scene()``: a 30 x 20 x 40 m concrete building of 10 storeys (slabs, columns, glass windows) centred on the
origin. ``synthetic_collapse()``: chunks filling that building released floor by floor and falling freely,
with BREAK events where they let go, WINDOW_BREAK events on the facade, and GROUND_IMPACT events (impulse
m * v) where they land; per frame the events since the last frame and the chunks' positions and velocities.
"""

from __future__ import annotations

import numpy as np

from plano.scene.model import CameraRig, Material, Part, Scene, Sky, Sun
from plano.sim.events import BREAK, GROUND_IMPACT, WINDOW_BREAK, Events

G = 9.81
_BOX_FACES = np.array([[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
                       [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]], np.int32)


def box(name: str, group: str, material: str, lo, hi, floor: int = -1, building: str = "hero") -> Part:
    (x0, y0, z0), (x1, y1, z1) = lo, hi
    v = np.array([[x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0],
                  [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]], np.float64)
    return Part(name, group, material, v, _BOX_FACES.copy(), building=building, floor=floor,
                dynamic=building == "hero")


MATERIALS = {
    "concrete": Material("concrete", 1, 2400.0, 2.0e6, 0.6, (0.45, 0.44, 0.42), 0.85, texture="board_formed"),
    "glass": Material("glass", 2, 2500.0, 5.0e6, 1.0, (0.1, 0.12, 0.13), 0.05, transmission=0.9, texture="glass"),
    "asphalt": Material("asphalt", 3, 2300.0, 1.0e6, 0.3, (0.05, 0.05, 0.05), 0.9, texture="asphalt"),
}


def box_scene(width_m: float = 30.0, depth_m: float = 20.0, height_m: float = 40.0, storeys: int = 10,
              wind_m_s=(2.0, 0.5, 0.0), seed: int = 0) -> Scene:
    w, d, fh = width_m / 2, depth_m / 2, height_m / storeys
    parts = [box("street/ground", "ground", "asphalt", (-200, -200, -0.5), (200, 200, 0.0), building="street")]
    for f in range(storeys):
        z0 = f * fh
        parts.append(box(f"hero/slab/f{f:02d}", "slab", "concrete", (-w, -d, z0 + fh - 0.3), (w, d, z0 + fh), f))
        for i, (x, y) in enumerate([(-w, -d), (w - 0.6, -d), (w - 0.6, d - 0.6), (-w, d - 0.6)]):
            parts.append(box(f"hero/column/f{f:02d}_{i}", "column", "concrete", (x, y, z0),
                             (x + 0.6, y + 0.6, z0 + fh - 0.3), f))
        parts.append(box(f"hero/window/f{f:02d}", "window", "glass", (-w + 1, -d, z0 + 1),
                         (w - 1, -d + 0.02, z0 + fh - 1), f))
    n = 3
    cam = CameraRig(frames=np.arange(1001, 1001 + n), fps=24.0, positions=np.tile([0.0, -150.0, 20.0], (n, 1)),
                    targets=np.tile([0.0, 0.0, 20.0], (n, 1)), ups=np.tile([0.0, 0.0, 1.0], (n, 1)),
                    focal_length_mm=np.full(n, 35.0), focus_distance_m=np.full(n, 150.0), aperture_width_mm=27.99,
                    aperture_height_mm=15.74, squeeze=1.0, fstop=4.0, width=320, height=180)
    sun = Sun(direction=np.array([0.3, -0.5, 0.81]) / np.linalg.norm([0.3, -0.5, 0.81]), elevation_deg=54.0,
              azimuth_deg=150.0, color=(1.0, 0.95, 0.9), illuminance_lux=90000.0)
    sky = Sky((0.3, 0.45, 0.8), (0.7, 0.75, 0.8), (0.2, 0.2, 0.2), wind_m_s=tuple(wind_m_s))
    return Scene(parts=tuple(parts), materials=dict(MATERIALS), camera=cam, sun=sun, sky=sky, style="brutalist",
                 storeys=storeys, floor_height_m=fh, hero_bounds=np.array([[-w, -d, 0.0], [w, d, height_m]]), seed=seed)


def synthetic_collapse(scene: Scene, duration_s: float = 5.0, fps: float = 24.0, chunks: int = 600,
                       start_s: float = 0.5, seed: int = 0):
    """List of (Events, chunk_positions (C, 3), chunk_velocities (C, 3)) per frame, frame 0 at t = 0."""
    from plano.sim.effects import hero_mass_kg

    rng = np.random.default_rng(seed)
    b = scene.hero_bounds
    p0 = rng.uniform(b[0] + [0.5, 0.5, 0.5], b[1] - [0.5, 0.5, 0.5], size=(chunks, 3))
    height = b[1, 2] - b[0, 2]
    # floors let go from the top down within ~1.2 s, with a little outward push
    release = start_s + 1.2 * (1.0 - p0[:, 2] / height) + rng.uniform(0.0, 0.3, chunks)
    centre = 0.5 * (b[0] + b[1])
    out = p0[:, :2] - centre[:2]
    v_xy = out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6) * rng.uniform(0.2, 1.5, (chunks, 1))
    land = release + np.sqrt(2 * (p0[:, 2] - 0.5) / G)
    mass = hero_mass_kg(scene) / chunks
    edge = np.minimum.reduce([p0[:, 0] - b[0, 0], b[1, 0] - p0[:, 0], p0[:, 1] - b[0, 1], b[1, 1] - p0[:, 1]])
    facade = edge < 2.0

    def state(t):
        tau = np.clip(t - release, 0.0, None)
        tf = np.minimum(tau, land - release)
        pos = p0.copy()
        pos[:, :2] += v_xy * tf[:, None]
        pos[:, 2] = np.maximum(p0[:, 2] - 0.5 * G * tf ** 2, 0.5)
        vel = np.zeros_like(pos)
        falling = (tau > 0) & (t < land)
        vel[falling, :2] = v_xy[falling]
        vel[falling, 2] = -G * tau[falling]
        return pos, vel

    frames = []
    n = int(round(duration_s * fps))
    for i in range(n):
        t0, t1 = (i - 1) / fps, i / fps
        items = []
        br = (release > t0) & (release <= t1)
        if br.any():
            items.append(Events(release[br], p0[br], np.c_[v_xy[br], np.zeros(br.sum())],
                                np.full(br.sum(), 5e4), np.full(br.sum(), BREAK, np.uint8),
                                np.full(br.sum(), 1, np.int32)))
            wb = br & facade
            if wb.any():
                items.append(Events(release[wb], p0[wb], np.c_[v_xy[wb], np.zeros(wb.sum())],
                                    np.full(wb.sum(), 1e3), np.full(wb.sum(), WINDOW_BREAK, np.uint8),
                                    np.full(wb.sum(), 2, np.int32)))
        gi = (land > t0) & (land <= t1)
        if gi.any():
            v = G * (land[gi] - release[gi])
            pos, _ = state(land[gi].max())
            p = np.c_[p0[gi, :2] + v_xy[gi] * (land[gi] - release[gi])[:, None], np.zeros(gi.sum())]
            items.append(Events(land[gi], p, np.c_[v_xy[gi], -v], mass * v, np.full(gi.sum(), GROUND_IMPACT, np.uint8),
                                np.full(gi.sum(), 1, np.int32)))
        pos, vel = state(t1)
        frames.append((Events.concat(items), pos, vel))
    return frames


def ground_burst(t_s: float = 0.0, n: int = 40, radius_m: float = 12.0, speed_m_s: float = 20.0,
                 mass_kg: float = 2e4, seed: int = 0) -> Events:
    """``n`` GROUND_IMPACT events at time ``t_s`` on a disc of ``radius_m`` around the origin."""
    rng = np.random.default_rng(seed)
    r = radius_m * np.sqrt(rng.random(n))
    a = rng.uniform(0, 2 * np.pi, n)
    pos = np.c_[r * np.cos(a), r * np.sin(a), np.zeros(n)]
    return Events(np.full(n, t_s), pos, np.tile([0.0, 0.0, -speed_m_s], (n, 1)), np.full(n, mass_kg * speed_m_s),
                  np.full(n, GROUND_IMPACT, np.uint8), np.ones(n, np.int32))


def small_config(**kw):
    """A coarse, smaller grid (2.4 m cells, one building width each side) and fewer particles: the same
    physics, fast enough for unit tests."""
    from plano.sim.effects import EffectsConfig

    return EffectsConfig(**{"grid_cells": 30_000, "dust_particles": 20_000, "margin_widths": 1.0,
                            "height_factor": 1.5, **kw})


def no_chunks():
    return np.zeros((0, 3)), np.zeros((0, 3))
