"""How the building came down, measured from a sim cache: the numbers a VFX supervisor checks against reality.

Everything is mass-weighted over the chunks (a crushed chunk keeps its mass: its rubble lands on the pile and
its dust share is counted from the sim's own record). Heights are of chunk centres of mass above the ground
(z = 0), so the "roof line" of the intact building is a little under its top.

- roof line: the 99th mass percentile of height, frame by frame;
- centre of mass: its height, frame by frame;
- descent: from the last frame the roof line was within 5 cm of its start, the mean acceleration of its fall
  (``2 d / T^2``, as a fraction of g) until it first comes to rest (or has done 90% of its whole drop: the pile
  settling afterwards is not the fall), and the peak acceleration (roof line smoothed over 5 frames);
- pile: height (the roof line at the last frame) and footprint (the area of the ground cells under 95% of the
  mass, 1 m cells), against the building's own footprint;
- mass: what stands, what lies on the pile, what was crushed (debris and dust), and what was lost (below the
  ground or out of the world): the balance is conserved when nothing is lost.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

G = 9.81
ROOF_PERCENTILE = 99.0
MOVED_M = 1.0
"""The roof line is moving once it is this far below where it started."""
FALLING_M_S, REST_M_S = 3.0, 1.0
"""The roof line is falling above FALLING_M_S; once it has, it has come to rest below REST_M_S."""
LOST_BELOW_M = -0.5
"""A chunk whose centre is this far below the ground has gone through it."""


def weighted_percentile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q``-th percentile (0..100) of ``values`` weighted by ``weights``."""
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cw = np.cumsum(w)
    if cw[-1] <= 0:
        return float(np.percentile(values, q))
    return float(v[min(np.searchsorted(cw, q / 100.0 * cw[-1]), len(v) - 1)])


@dataclass(frozen=True)
class CollapseMeasure:
    fps: float
    frame_start: int
    height_m: float
    """The building's height (top of its highest chunk at rest)."""
    mass_kg: float
    roof_m: list[float]
    com_m: list[float]
    above_half: list[float]
    """Share of the mass above half the building's height, frame by frame."""
    moved_frame: int | None
    """First frame at which the roof line is MOVED_M below its start; None: it never moved."""
    mean_descent_g: float | None
    peak_descent_g: float | None
    pile_height_m: float
    pile_footprint_m2: float
    building_footprint_m2: float
    standing_kg: float
    pile_kg: float
    crushed_kg: float
    dust_kg: float
    lost_kg: float
    lowest_m: float
    """The lowest chunk vertex over the sampled frames (negative: below the ground)."""
    block_tilt_deg: float
    """The most the heaviest piece moving as one body tilted, over the sampled frames (a topple that lands the
    building on the ground goes past 60 degrees before it breaks up)."""
    tilt_deg: float
    """At the last frame, the mass-weighted median angle between each chunk's up axis and the vertical (a
    topple that lands the building on the ground is past 60 degrees; a crush-down leaves most slabs flat)."""

    @property
    def com_ratio(self) -> float:
        return self.com_m[-1] / max(self.com_m[0], 1e-9)

    @property
    def roof_ratio(self) -> float:
        """The last frame's roof line over the building's height."""
        return self.roof_m[-1] / max(self.height_m, 1e-9)

    @property
    def mass_error(self) -> float:
        """Share of the building's mass not accounted for as standing, pile, debris or dust."""
        counted = self.standing_kg + self.pile_kg + self.crushed_kg
        return abs(self.mass_kg - counted) / max(self.mass_kg, 1e-9)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.update(com_ratio=self.com_ratio, roof_ratio=self.roof_ratio, mass_error=self.mass_error)
        return d


def descent(roof_m: np.ndarray, fps: float) -> tuple[int | None, float | None, float | None]:
    """(index of the first moving frame, mean descent acceleration / g, peak / g) of a roof line."""
    drop = roof_m[0] - roof_m
    moving = np.flatnonzero(drop >= MOVED_M)
    if not len(moving):
        return None, None, None
    i0 = int(moving[0])
    # where it started: the last frame before i0 still within 5 cm of the start
    still = np.flatnonzero(drop[: i0 + 1] < 0.05)
    s = int(still[-1]) if len(still) else 0
    # the fall ends where the roof line first comes to rest (below REST_M_S after falling faster than
    # FALLING_M_S), or at 90% of its whole drop: what settles after that is the pile, not the fall
    k = 5
    sm = np.convolve(np.pad(roof_m, (k // 2, k // 2), mode="edge"), np.ones(k) / k, mode="valid")
    speed = -np.gradient(sm) * fps
    fast = np.flatnonzero(speed[s:] > FALLING_M_S)
    i1 = int(np.flatnonzero(drop >= 0.9 * drop.max())[0])
    if len(fast):
        rest = np.flatnonzero(speed[s + fast[0]:] < REST_M_S)
        if len(rest):
            i1 = min(i1, s + int(fast[0]) + int(rest[0]))
    T = max(i1 - s, 1) / fps
    mean = 2.0 * (drop[i1] - drop[s]) / T**2 / G
    acc = -np.diff(sm, 2) * fps**2  # downward positive
    peak = float(acc[max(s - 1, 0): i1 + 1].max()) / G if i1 > s else mean
    return s, float(mean), float(peak)


def footprint_m2(xy: np.ndarray, mass: np.ndarray, share: float = 0.95, cell_m: float = 1.0) -> float:
    """Area of the fewest ``cell_m`` ground cells that hold ``share`` of the mass."""
    if not len(xy):
        return 0.0
    ij = np.floor(xy / cell_m).astype(np.int64)
    _, inv = np.unique(ij, axis=0, return_inverse=True)
    per = np.bincount(inv.ravel(), weights=mass)
    per = np.sort(per)[::-1]
    n = int(np.searchsorted(np.cumsum(per), share * per.sum())) + 1
    return float(min(n, len(per)) * cell_m**2)


def measure_collapse(cache, frames: list[int] | None = None) -> CollapseMeasure:
    """Measure a :class:`plano.sim.cache.SimCache` (every frame, or ``frames``)."""
    ch = cache.chunks
    m = ch.mass_kg.astype(np.float64)
    frames = frames or cache.frames
    verts_z = [ch.chunk_vertices(c)[:, 2] for c in range(ch.count)]
    top = max(float(ch.rest_position[c, 2] + verts_z[c].max()) for c in range(ch.count)) if ch.count else 0.0
    roof, com, half = [], [], []
    lowest = np.inf
    block_tilt = 0.0
    for k, f in enumerate(frames):
        sf = cache.frame(f, effects=False)
        z = sf.positions[:, 2]
        roof.append(weighted_percentile(z, m, ROOF_PERCENTILE))
        com.append(float((m * z).sum() / m.sum()))
        half.append(float(m[z > 0.5 * top].sum() / m.sum()))
        if k in (0, len(frames) - 1) or k % 12 == 0:
            lowest = min(lowest, _lowest_vertex(ch, sf))
        if k % 3 == 0 or k == len(frames) - 1:
            block_tilt = max(block_tilt, _block_tilt_deg(sf.rotations, m))
    last = cache.frame(frames[-1], effects=False)
    extra = cache.extra
    crushed_mask = np.zeros(ch.count, bool)
    crushed_mask[np.asarray(extra.get("crushed_chunks", []), dtype=np.int64)] = True
    z = last.positions[:, 2]
    r = np.linalg.norm(last.positions[:, :2] - ch.rest_position[:, :2].mean(0), axis=1)
    lost = (z < LOST_BELOW_M) | (r > 2000.0) | ~np.isfinite(last.positions).all(axis=1)
    moved = np.linalg.norm(last.positions - ch.rest_position, axis=1) > 0.5
    standing = ~moved & ~crushed_mask & ~lost
    pile = moved & ~crushed_mask & ~lost
    crushed = crushed_mask & ~lost
    dust_kg = float(extra.get("crush_dust_kg", 0.0))
    s, mean_g, peak_g = descent(np.asarray(roof), cache.info.fps)
    keep = ~lost
    return CollapseMeasure(
        fps=cache.info.fps, frame_start=frames[0], height_m=top, mass_kg=float(m.sum()), roof_m=roof, com_m=com,
        above_half=half, moved_frame=None if s is None else frames[s], mean_descent_g=mean_g, peak_descent_g=peak_g,
        pile_height_m=roof[-1], pile_footprint_m2=footprint_m2(last.positions[keep, :2], m[keep]),
        building_footprint_m2=footprint_m2(ch.rest_position[:, :2], m),
        standing_kg=float(m[standing].sum()), pile_kg=float(m[pile].sum()), crushed_kg=float(m[crushed].sum()),
        dust_kg=dust_kg, lost_kg=float(m[lost].sum()), lowest_m=float(lowest),
        block_tilt_deg=block_tilt, tilt_deg=_tilt_deg(last.rotations, m),
    )


def _block_tilt_deg(q: np.ndarray, mass: np.ndarray) -> float:
    """Tilt of the heaviest group of chunks that share one rotation (one rigid body), if it holds a tenth of
    the mass; else 0."""
    _, inv = np.unique(np.round(np.asarray(q, np.float64), 4), axis=0, return_inverse=True)
    inv = inv.ravel()
    w = np.bincount(inv, weights=mass)
    g = int(np.argmax(w))
    if w[g] < 0.1 * mass.sum():
        return 0.0
    return _tilt_deg(np.asarray(q)[inv == g][:1], np.ones(1))


def _tilt_deg(q: np.ndarray, mass: np.ndarray) -> float:
    q = np.asarray(q, np.float64)
    up_z = 1.0 - 2.0 * (q[:, 0] ** 2 + q[:, 1] ** 2)  # z of each chunk's rotated up axis
    tilt = np.degrees(np.arccos(np.clip(up_z, -1.0, 1.0)))
    return weighted_percentile(tilt, mass, 50.0) if len(tilt) else 0.0


def _lowest_vertex(ch, sf) -> float:
    from plano.sim.solver import quat_to_matrix

    R = quat_to_matrix(sf.rotations.astype(np.float64))
    counts = np.diff(ch.vertex_offsets)
    owner = np.repeat(np.arange(ch.count), counts)
    scale = np.ones(ch.count) if getattr(sf, "scales", None) is None else sf.scales.astype(np.float64)
    zrow = R[owner, 2, :]
    z = np.einsum("nj,nj->n", zrow, ch.vertices.astype(np.float64)) * scale[owner] + sf.positions[owner, 2]
    return float(z.min()) if len(z) else 0.0
