"""Small scenes and an in-memory sim cache for the render tests (real model dataclasses, no files).

``fixture_scene``: a concrete slab-and-column building with glass bands and spandrels (the hero, dynamic),
a brick neighbour (static), a road and a pavement, a camera, the afternoon sun.
``MemorySimCache``: the SimCache interface (``.info``, ``.chunks``, ``.frames``, ``.frame(n)``) over chunks
cut from the hero parts, some of which fall; a Gaussian dust blob that grows; a few debris, papers and shards.
"""

from __future__ import annotations

import numpy as np

from plano.scene.model import CameraRig, Material, Part, Scene, Sky, Sun
from plano.sim.model import DEBRIS, DUST, GLASS, PAPER, Chunks, DustGrid, Particles, SimFrame, SimInfo

BOX_FACES = np.array([
    [0, 2, 1], [0, 3, 2],        # bottom (z = lo)
    [4, 5, 6], [4, 6, 7],        # top
    [0, 1, 5], [0, 5, 4],        # y = lo
    [2, 3, 7], [2, 7, 6],        # y = hi
    [1, 2, 6], [1, 6, 5],        # x = hi
    [3, 0, 4], [3, 4, 7],        # x = lo
], np.int32)


def box_vertices(lo, hi) -> np.ndarray:
    (x0, y0, z0), (x1, y1, z1) = lo, hi
    return np.array([[x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0],
                     [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]], np.float64)


def box_part(name, group, material, lo, hi, building="hero", floor=-1, dynamic=True) -> Part:
    return Part(name, group, material, box_vertices(lo, hi), BOX_FACES.copy(), building, floor, dynamic)


MATERIALS = {
    "concrete": Material("concrete", 1, 2400, 3e6, 0.6, (0.42, 0.40, 0.37), 0.85, texture="board_formed"),
    "glass": Material("glass", 2, 2500, 4e7, 1.0, (0.05, 0.07, 0.07), 0.05, transmission=0.7, texture="glass"),
    "asphalt": Material("asphalt", 3, 2300, 1e6, 0.3, (0.09, 0.09, 0.09), 0.9, texture="asphalt"),
    "paving": Material("paving", 4, 2300, 1e6, 0.3, (0.30, 0.29, 0.27), 0.8, texture="paving"),
    "brick": Material("brick", 5, 1900, 1e6, 0.5, (0.36, 0.17, 0.10), 0.9, texture="brick"),
    "panel": Material("panel", 6, 2400, 3e6, 0.5, (0.55, 0.53, 0.49), 0.7, texture="panel"),
}


def make_rig(positions, targets, width=160, height=90, focal_mm=24.0, fps=24.0, squeeze=1.0, fstop=8.0,
             focus_m=None) -> CameraRig:
    positions = np.asarray(positions, np.float64)
    targets = np.asarray(targets, np.float64)
    n = len(positions)
    ap_h = 18.0
    ap_w = ap_h * width / height / squeeze
    focus = np.linalg.norm(targets - positions, axis=1) if focus_m is None else np.full(n, focus_m)
    return CameraRig(
        frames=np.arange(1001, 1001 + n), fps=fps, positions=positions, targets=targets,
        ups=np.tile([0.0, 0.0, 1.0], (n, 1)), focal_length_mm=np.full(n, focal_mm), focus_distance_m=focus,
        aperture_width_mm=ap_w, aperture_height_mm=ap_h, squeeze=squeeze, fstop=fstop, width=width, height=height,
        near_m=0.5, far_m=3000.0,
    )


def hero_parts(storeys=5, floor_h=3.6, width=30.0, depth=18.0, glass=True) -> list[Part]:
    parts = []
    x0, y0, x1, y1 = -width / 2, -depth / 2, width / 2, depth / 2
    for f in range(storeys + 1):
        z = f * floor_h
        parts.append(box_part(f"hero/slab/f{f:02d}", "slab", "concrete", (x0 - 0.8, y0 - 0.8, z), (x1 + 0.8, y1 + 0.8, z + 0.45), floor=f))
    for f in range(storeys):
        z0, z1 = f * floor_h + 0.45, (f + 1) * floor_h
        for cx in np.linspace(x0 + 0.4, x1 - 0.4, 6):
            for cy in (y0 + 0.4, y1 - 0.4):
                parts.append(box_part(f"hero/column/f{f:02d}_{cx:.0f}_{cy:.0f}", "column", "concrete",
                                      (cx - 0.4, cy - 0.4, z0), (cx + 0.4, cy + 0.4, z1), floor=f))
        if glass:
            # spandrel and a set-back window band on the front (y = y0) and back faces
            for yf, sgn in ((y0, 1), (y1 - 0.3, 1)):
                parts.append(box_part(f"hero/wall/f{f:02d}_{yf:.0f}", "facade", "panel",
                                      (x0, yf, z0), (x1, yf + 0.3, z0 + 1.0), floor=f))
                parts.append(box_part(f"hero/window/f{f:02d}_{yf:.0f}", "window", "glass",
                                      (x0 + 0.8, yf + 0.5 * sgn, z0 + 1.0), (x1 - 0.8, yf + 0.5 * sgn + 0.05, z1), floor=f))
            for xf in (x0, x1 - 0.3):
                parts.append(box_part(f"hero/wall/f{f:02d}_side{xf:.0f}", "wall", "concrete",
                                      (xf, y0 + 0.8, z0), (xf + 0.3, y1 - 0.8, z1), floor=f))
    return parts


def fixture_scene(frames=3, width=160, height=90, camera_positions=None, camera_targets=None, storeys=5,
                  weather="clear", squeeze=1.0, focal_mm=24.0, context=True) -> Scene:
    parts = hero_parts(storeys)
    parts += [
        box_part("street/ground", "ground", "asphalt", (-300, -300, -0.3), (300, 300, 0.0), "street", dynamic=False),
        box_part("street/sidewalk", "sidewalk", "paving", (-40, -16, 0.0), (40, -10, 0.15), "street", dynamic=False),
    ]
    if context:
        parts.append(box_part("context_00/block", "context", "brick", (28, -8, 0.0), (46, 12, 24.0), "context_00", dynamic=False))
        parts.append(box_part("context_01/block", "context", "panel", (-60, 0, 0.0), (-36, 20, 30.0), "context_01", dynamic=False))
    if camera_positions is None:
        camera_positions = np.tile([12.0, -75.0, 8.0], (frames, 1))
    if camera_targets is None:
        camera_targets = np.tile([0.0, 0.0, 9.0], (frames, 1))
    rig = make_rig(camera_positions, camera_targets, width, height, focal_mm=focal_mm, squeeze=squeeze)
    hero = [p for p in parts if p.building == "hero"]
    allv = np.concatenate([p.vertices for p in hero])
    hb = np.stack([allv.min(0), allv.max(0)])
    el, az = np.radians(30.0), np.radians(255.0)
    sun_dir = np.array([np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)])
    cloud = 0.9 if weather == "overcast" else 0.0
    sun = Sun(sun_dir, 30.0, 255.0, (1.0, 0.9, 0.78), 90000.0 if weather == "clear" else 25000.0)
    sky = Sky((0.18, 0.30, 0.62), (0.55, 0.62, 0.72), (0.20, 0.18, 0.16), weather=weather, haze_density=0.0015,
              cloud_cover=cloud)
    return Scene(tuple(parts), dict(MATERIALS), rig, sun, sky, "brutalist", storeys, 3.6, hb)


def make_chunks(scene: Scene, pieces=2) -> Chunks:
    """Cut every dynamic box part into ``pieces`` along its longest axis."""
    verts, faces, voff, foff, mats, pidx, mass, rest = [], [], [0], [0], [], [], [], []
    for index, part in enumerate(scene.parts):
        if not part.dynamic:
            continue
        lo, hi = part.bounds
        axis = int(np.argmax(hi - lo))
        edges = np.linspace(lo[axis], hi[axis], pieces + 1)
        for k in range(pieces):
            a, b = lo.copy(), hi.copy()
            a[axis], b[axis] = edges[k], edges[k + 1]
            c = (a + b) / 2
            v = box_vertices(a - c, b - c)
            verts.append(v)
            faces.append(BOX_FACES)
            voff.append(voff[-1] + 8)
            foff.append(foff[-1] + 12)
            mats.append(scene.materials[part.material].id)
            pidx.append(index)
            mass.append(float(np.prod(b - a)) * scene.materials[part.material].density_kg_m3)
            rest.append(c)
    return Chunks(np.concatenate(verts).astype(np.float32), np.concatenate(faces).astype(np.int32),
                  np.array(voff, np.int64), np.array(foff, np.int64), np.array(mats, np.int32),
                  np.array(pidx, np.int32), np.array(mass), np.array(rest, np.float64))


class MemorySimCache:
    """The SimCache interface over arrays in memory.

    ``moves(c, t_s) -> offset (3,)`` for chunk ``c`` at time ``t_s`` (default: the top two floors fall after
    1 frame with gravity); ``dust_sigma(t_s) -> (sigma_m, peak) or None``; dust centred at ``dust_centre``.
    """

    def __init__(self, scene: Scene, chunks: Chunks, n_frames: int, moves=None, dust=True, grid=(24, 24, 16),
                 cell_m=4.0, particles=True):
        self.scene, self.chunks, self.n = scene, chunks, n_frames
        self.info = SimInfo(scene.camera.fps, 1001, n_frames, "memory", 0, 0, n_frames / scene.camera.fps)
        self.frames = list(range(1001, 1001 + n_frames))
        self.grid, self.cell_m, self.with_dust, self.with_particles = grid, cell_m, dust, particles
        top = chunks.rest_position[:, 2] > scene.hero_bounds[1, 2] - 8.0
        self.falling = top
        self.moves = moves

    def offsets(self, t: float) -> np.ndarray:
        if self.moves is not None:
            return np.array([self.moves(c, t) for c in range(self.chunks.count)], np.float64)
        off = np.zeros((self.chunks.count, 3))
        tt = max(t - 1.0 / self.info.fps, 0.0)
        off[self.falling, 2] = -0.5 * 9.81 * tt * tt
        off[self.falling, 0] = 1.5 * tt
        return off

    def dust_grid(self, t: float) -> DustGrid | None:
        if not self.with_dust:
            return None
        nx, ny, nz = self.grid
        origin = np.array([-nx / 2 * self.cell_m, -ny / 2 * self.cell_m, 0.0])
        sigma = 3.0 + 7.0 * t
        c = (np.arange(nx) + 0.5) * self.cell_m + origin[0]
        y = (np.arange(ny) + 0.5) * self.cell_m + origin[1]
        z = (np.arange(nz) + 0.5) * self.cell_m
        X, Y, Z = np.meshgrid(c, y, z, indexing="ij")
        r2 = (X * 0.8) ** 2 + (Y + 10.0) ** 2 + ((Z - 3.0 - 6.0 * t) * 1.4) ** 2
        dens = 0.006 * np.exp(-r2 / (2 * sigma * sigma)) * min(1.0, t * 2.0)  # kg/m^3
        return DustGrid(origin, self.cell_m, dens.astype(np.float32))

    def frame(self, n: int, effects: bool = True) -> SimFrame:
        i = n - 1001
        if not 0 <= i < self.n:
            raise KeyError(n)
        fps = self.info.fps
        t = i / fps
        pos = self.chunks.rest_position + self.offsets(t)
        vel = (self.offsets(t + 1e-3) - self.offsets(t)) / 1e-3
        rot = np.tile(np.array([0, 0, 0, 1], np.float32), (self.chunks.count, 1))
        if self.with_particles:
            rng = np.random.default_rng(5)
            k = 60
            kinds = np.array([DEBRIS] * 20 + [PAPER] * 20 + [GLASS] * 10 + [DUST] * 10, np.uint8)
            p0 = rng.uniform([-15, -12, 2], [15, -9, 18], (k, 3))
            v0 = rng.normal(0, 2, (k, 3)) + [0, -3, 2]
            ppos = p0 + v0 * t + [0, 0, -0.5 * 3.0 * t * t]
            ppos[:, 2] = np.maximum(ppos[:, 2], 0.1)
            sizes = np.where(kinds == DEBRIS, 0.5, np.where(kinds == PAPER, 0.35, 0.25))
            particles = Particles(ppos, v0.astype(np.float32), sizes.astype(np.float32), np.full(k, t, np.float32),
                                  kinds, np.arange(k, dtype=np.int64))
        else:
            particles = Particles(np.zeros((0, 3)), np.zeros((0, 3), np.float32), np.zeros(0, np.float32),
                                  np.zeros(0, np.float32), np.zeros(0, np.uint8), np.zeros(0, np.int64))
        return SimFrame(n, pos, rot, vel.astype(np.float32), particles, self.dust_grid(t), 0)
