"""Small scenes for the sim tests and benchmarks, built from the scene data model (boxes, slabs, columns)."""

from __future__ import annotations

import numpy as np

from plano.scene.model import CameraRig, Material, Part, Scene, Sky, Sun

_BOX_FACES = np.array(
    [[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
     [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]], np.int32)

MATERIALS = {
    "concrete": Material("concrete", 1, 2400.0, 2.5e6, 0.6, (0.5, 0.5, 0.48), 0.9, texture="board_formed"),
    "core_concrete": Material("core_concrete", 2, 2500.0, 4.0e6, 0.4, (0.45, 0.45, 0.44), 0.9),
    "glass": Material("glass", 3, 2500.0, 5.0e6, 1.0, (0.2, 0.25, 0.3), 0.05, transmission=0.9, texture="glass"),
    "asphalt": Material("asphalt", 4, 2300.0, 1e6, 0.5, (0.1, 0.1, 0.1), 0.95),
    "brick": Material("brick", 5, 1900.0, 1.5e6, 0.6, (0.4, 0.2, 0.15), 0.9),
}


def box(name, lo, hi, group="wall", material="concrete", floor=-1, dynamic=True, building="hero") -> Part:
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    v = np.array([[lo[0], lo[1], lo[2]], [hi[0], lo[1], lo[2]], [hi[0], hi[1], lo[2]], [lo[0], hi[1], lo[2]],
                  [lo[0], lo[1], hi[2]], [hi[0], lo[1], hi[2]], [hi[0], hi[1], hi[2]],
                  [lo[0], hi[1], hi[2]]])
    return Part(name, group, material, v, _BOX_FACES.copy(), building=building, floor=floor, dynamic=dynamic)


def camera(target=(0, 0, 10), eye=(60, -80, 20), frames=120, fps=24.0, width=320, height=180) -> CameraRig:
    f = np.arange(1001, 1001 + frames)
    return CameraRig(
        frames=f, fps=fps, positions=np.tile(eye, (frames, 1)).astype(float),
        targets=np.tile(target, (frames, 1)).astype(float), ups=np.tile((0, 0, 1.0), (frames, 1)),
        focal_length_mm=np.full(frames, 24.0), focus_distance_m=np.full(frames, 100.0),
        aperture_width_mm=27.99, aperture_height_mm=15.74, squeeze=1.0, fstop=4.0, width=width, height=height)


def scene_from(parts, storeys=1, floor_height_m=3.5, cam=None) -> Scene:
    hero = [p for p in parts if p.building == "hero"]
    lo = np.min([p.bounds[0] for p in hero], axis=0)
    hi = np.max([p.bounds[1] for p in hero], axis=0)
    sun = Sun(np.array([0.3, -0.5, 0.8]) / np.linalg.norm([0.3, -0.5, 0.8]), 53.0, 210.0, (1, 0.95, 0.9), 80000.0)
    sky = Sky((0.3, 0.4, 0.6), (0.7, 0.75, 0.8), (0.3, 0.3, 0.3))
    H = hi[2] - lo[2]
    cam = cam or camera(target=(0.5 * (lo + hi)).tolist(), eye=(lo[0] + 1.5 * H, lo[1] - 2.4 * H, 0.3 * H + 1.7))
    return Scene(tuple(parts), dict(MATERIALS), cam, sun, sky, "test", storeys, floor_height_m, np.stack([lo, hi]))


def ground(size=200.0) -> Part:
    return box("street/ground", (-size, -size, -1.0), (size, size, 0.0), group="ground", material="asphalt",
               dynamic=False, building="street")


def stack(n=3, size=1.0) -> Scene:
    """``n`` glued cubes of concrete stacked on the ground."""
    parts = [box(f"hero/wall/b{i}", (0, 0, i * size), (size, size, (i + 1) * size), floor=i) for i in range(n)]
    return scene_from(parts + [ground()], storeys=n, floor_height_m=size)


def building(storeys=6, nx=4, ny=3, bay_m=6.0, floor_h=3.5, windows=True, context=True) -> Scene:
    """A small frame building: per storey columns on a grid, a slab, a core and facade walls with windows."""
    parts = []
    col = 0.5
    slab = 0.3
    W, D = nx * bay_m, ny * bay_m
    for f in range(storeys):
        z0 = f * floor_h
        zc = z0 + floor_h - slab
        for i in range(nx + 1):
            for j in range(ny + 1):
                x, y = i * bay_m - W / 2, j * bay_m - D / 2
                x0, y0 = np.clip(x - col / 2, -W / 2, W / 2 - col), np.clip(y - col / 2, -D / 2, D / 2 - col)
                parts.append(box(f"hero/column/f{f:02d}_{i}{j}", (x0, y0, z0), (x0 + col, y0 + col, zc), "column", floor=f))
        for k in range(2):  # two slab pieces per floor
            xa, xb = -W / 2 + k * W / 2, -W / 2 + (k + 1) * W / 2
            parts.append(box(f"hero/slab/f{f:02d}_{k}", (xa, -D / 2, zc), (xb, D / 2, zc + slab), "slab", floor=f))
        # core: four walls around a lift shaft in the middle
        t = 0.3
        for k, (a, b) in enumerate((((-2.0, -1.5), (2.0, -1.5 + t)), ((-2.0, 1.5 - t), (2.0, 1.5)),
                                    ((-2.0, -1.5 + t), (-2.0 + t, 1.5 - t)), ((2.0 - t, -1.5 + t), (2.0, 1.5 - t)))):
            parts.append(box(f"hero/core/f{f:02d}_{k}", (*a, z0), (*b, zc), "core", "core_concrete", floor=f))
        if windows:
            for i in range(nx):
                xa = i * bay_m - W / 2 + col
                parts.append(box(f"hero/facade/f{f:02d}_s{i}", (xa, -D / 2, z0), (xa + bay_m - col, -D / 2 + 0.25, z0 + 1.0),
                                 "facade", floor=f))
                parts.append(box(f"hero/window/f{f:02d}_s{i}", (xa, -D / 2 + 0.1, z0 + 1.0),
                                 (xa + bay_m - col, -D / 2 + 0.12, zc), "window", "glass", floor=f))
    ctx = []
    if context:
        ctx.append(box("context_00/block", (W / 2 + 15, -10, 0), (W / 2 + 30, 10, 18), "context", "brick",
                       dynamic=False, building="context_00"))
    return scene_from(parts + ctx + [ground()], storeys=storeys, floor_height_m=floor_h)
