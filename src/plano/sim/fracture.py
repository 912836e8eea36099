"""Fracture: every dynamic part of the scene is cut into convex chunks (seeded Voronoi cells).

Each cell of a seeded Voronoi diagram is clipped against the part's own faces (every part is one convex
solid), with scipy's HalfspaceIntersection and ConvexHull (Qhull). Cells are finer near where the collapse
starts and in brittle materials, coarser in steel and core walls; glass panes break into radial slivers.
The shared Voronoi faces give the bonds inside a part (see :mod:`plano.sim.glue` for the bonds between parts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import ConvexHull, HalfspaceIntersection, QhullError, cKDTree

from plano.errors import PlanoError
from plano.scene.model import Part, Scene
from plano.sim.model import Chunks

MAX_CELLS_PER_PART = 90
NEIGHBOURS = 28
"""Voronoi neighbours tried per cell (bisector planes); more than a 3-D Voronoi cell has on average."""


@dataclass(frozen=True)
class Fracture:
    """The chunks of all dynamic parts. ``chunks`` is the cache's geometry; ``volumes_m3`` (C,);
    ``bounds`` (C, 2, 3) world min/max corners at rest; ``bonds`` (B, 2) int32 chunk pairs i < j that share a
    Voronoi face inside one part and ``bond_area_m2`` (B,) the area of that face."""

    chunks: Chunks
    volumes_m3: np.ndarray
    bounds: np.ndarray
    bonds: np.ndarray
    bond_area_m2: np.ndarray


def part_halfspaces(part: Part) -> np.ndarray:
    """(K, 4) halfspaces ``[n, -n.p]`` (outward unit normal n) of the part's distinct face planes: a point x is
    inside where ``H[:, :3] @ x + H[:, 3] <= 0``."""
    v = part.vertices[part.faces]
    n = np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0])
    norm = np.linalg.norm(n, axis=1)
    keep = norm > 1e-12
    n = n[keep] / norm[keep, None]
    d = -np.einsum("ij,ij->i", n, v[keep, 0])
    h = np.c_[n, d]
    _, first = np.unique(np.round(h, 6), axis=0, return_index=True)
    return h[np.sort(first)]


def cell_counts(scene: Scene, parts: list[int], focus: np.ndarray, focus_radius_m: float, target: int) -> np.ndarray:
    """How many cells each dynamic part gets: about ``target`` in all, more per cubic metre near ``focus`` (3,)
    and in brittle materials, fewer in steel and cores; glass panes count by area."""
    w = np.zeros(len(parts))
    for k, pi in enumerate(parts):
        p = scene.parts[pi]
        mat = scene.materials[p.material]
        ext = np.sort(np.ptp(p.vertices, axis=0))
        vol = max(p.volume_m3, 1e-9)
        if mat.transmission > 0.5 or p.group == "window":
            vol = ext[1] * ext[2] * 0.25  # a pane breaks by its area, not its thin volume
        dist = np.linalg.norm(p.centroid - focus)
        near = 1.0 + 2.0 * np.exp(-((dist / focus_radius_m) ** 2))
        soft = 0.35 + 1.3 * float(np.clip(mat.brittleness, 0.0, 1.0))
        if p.group == "core":
            soft *= 0.5
        w[k] = vol * near * soft
    if w.sum() <= 0:
        return np.ones(len(parts), int)
    scale = target / w.sum()
    for _ in range(6):  # clipping moves the total: rescale a few times
        n = np.clip(np.round(w * scale), 1, MAX_CELLS_PER_PART).astype(int)
        scale *= target / max(n.sum(), 1)
    return n


def _seeds(part: Part, h: np.ndarray, n: int, rng: np.random.Generator, glass: bool) -> np.ndarray:
    lo, hi = part.bounds
    ext = hi - lo
    margin = max(1e-4, 0.02 * float(np.min(ext)))
    if glass:
        # radial slivers: seeds on rays from a random break point in the pane's plane
        axes = np.argsort(ext)[::-1]
        centre = lo + ext * rng.uniform(0.3, 0.7, 3)
        ang = np.sort(rng.uniform(0, 2 * np.pi, n))
        rad = rng.uniform(0.15, 0.6, n) * ext[axes[0]]
        pts = np.repeat(centre[None], n, 0)
        pts[:, axes[0]] += rad * np.cos(ang)
        pts[:, axes[1]] += rad * np.sin(ang) * ext[axes[1]] / ext[axes[0]]
        pts[:, axes[2]] = lo[axes[2]] + ext[axes[2]] * rng.uniform(0.3, 0.7, n)
        pts = np.clip(pts, lo + margin, hi - margin)
        inside = (pts @ h[:, :3].T + h[:, 3] < -margin * 0.5).all(axis=1)
        pts = pts[inside]
        if len(pts):
            return pts
    out = np.zeros((0, 3))
    for _ in range(50):
        cand = lo + ext * rng.random((max(4 * n, 16), 3))
        inside = (cand @ h[:, :3].T + h[:, 3] < -margin).all(axis=1)
        out = np.concatenate([out, cand[inside]])[:n]
        if len(out) >= n:
            break
    if len(out) == 0:
        out = part.centroid[None]
    return out


def _hull(points: np.ndarray):
    hull = ConvexHull(points)
    verts = points[hull.vertices]
    remap = np.full(len(points), -1)
    remap[hull.vertices] = np.arange(len(hull.vertices))
    faces = remap[hull.simplices]
    tri = verts[faces]
    nrm = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    flip = np.einsum("ij,ij->i", nrm, hull.equations[:, :3]) < 0
    faces[flip] = faces[flip][:, ::-1]
    return verts, faces, float(hull.volume)


def _fracture_part(part: Part, n: int, rng: np.random.Generator, glass: bool):
    """Yield (vertices (N,3) world, faces (M,3), volume, neighbour areas {local j: area})."""
    h = part_halfspaces(part)
    if n <= 1:
        verts, faces, vol = _hull(part.vertices)
        return [(verts, faces, vol, {})]
    seeds = _seeds(part, h, n, rng, glass)
    if len(seeds) <= 1:
        verts, faces, vol = _hull(part.vertices)
        return [(verts, faces, vol, {})]
    k = min(len(seeds) - 1, NEIGHBOURS)
    _, nbr = cKDTree(seeds).query(seeds, k=k + 1)
    nbr = np.atleast_2d(nbr)[:, 1:]
    scale = float(np.max(np.ptp(part.vertices, axis=0)))
    cells = []
    for i, s in enumerate(seeds):
        js = nbr[i]
        mid = 0.5 * (seeds[js] + s)
        nrm = seeds[js] - s
        nrm /= np.linalg.norm(nrm, axis=1, keepdims=True)
        bis = np.c_[nrm, -np.einsum("ij,ij->i", nrm, mid)]
        hs = np.r_[h, bis]
        try:
            pts = HalfspaceIntersection(hs, s).intersections
            verts, faces, vol = _hull(pts)
        except (QhullError, ValueError):
            continue
        tri = verts[faces]
        area = 0.5 * np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
        cen = tri.mean(axis=1)
        dist = np.abs(cen @ bis[:, :3].T + bis[:, 3])
        on = dist.argmin(axis=1)
        hit = dist[np.arange(len(on)), on] < 1e-6 * scale + 1e-9
        acc = np.bincount(on[hit], weights=area[hit], minlength=len(js))
        cells.append((verts, faces, vol, {int(js[q]): float(acc[q]) for q in np.flatnonzero(acc > 1e-9)}, i))
    if not cells:
        verts, faces, vol = _hull(part.vertices)
        return [(verts, faces, vol, {})]
    # renumber neighbours from seed index to cell index (a failed cell leaves no gap in the bonds)
    seed_to_cell = {c[4]: q for q, c in enumerate(cells)}
    return [(v, f, vol, {seed_to_cell[j]: a for j, a in nb.items() if j in seed_to_cell}) for v, f, vol, nb, _ in cells]


def fracture_scene(
    scene: Scene, seed: int, focus: np.ndarray, focus_radius_m: float, target_chunks: int = 3500
) -> Fracture:
    """Cut every dynamic part of ``scene`` into chunks. ``focus`` (3,) is where the collapse starts (cells are
    finer within about ``focus_radius_m`` of it). The same scene and seed give the same chunks."""
    dyn = [i for i, p in enumerate(scene.parts) if p.dynamic]
    if not dyn:
        raise PlanoError(
            "the scene has no dynamic parts to break (every Part has dynamic=False); "
            "expected the hero building's parts to be dynamic: check the scene stage"
        )
    counts = cell_counts(scene, dyn, np.asarray(focus, float), focus_radius_m, target_chunks)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x51F7]))
    V, F, voff, foff, mats, pidx, mass, rest, vols, bnds = [], [], [0], [0], [], [], [], [], [], []
    bonds, areas = [], []
    for pi, n in zip(dyn, counts):
        part = scene.parts[pi]
        mat = scene.materials.get(part.material)
        if mat is None:
            raise PlanoError(
                f"part {part.name!r} has material {part.material!r}, which is not in the scene's materials "
                f"({sorted(scene.materials)}); add it to Scene.materials"
            )
        glass = mat.transmission > 0.5 or part.group == "window"
        prng = np.random.default_rng(rng.integers(2**63))
        cells = _fracture_part(part, int(n), prng, glass)
        base = len(vols)
        for q, (verts, faces, vol, nb) in enumerate(cells):
            tri = verts[faces]
            tv = np.einsum("ij,ij->i", tri[:, 0], np.cross(tri[:, 1], tri[:, 2])) / 6.0
            com = (tv[:, None] * tri.sum(axis=1) / 4.0).sum(axis=0) / tv.sum()
            V.append((verts - com).astype(np.float32))
            F.append(faces.astype(np.int32))
            voff.append(voff[-1] + len(verts))
            foff.append(foff[-1] + len(faces))
            mats.append(mat.id)
            pidx.append(pi)
            vols.append(vol)
            mass.append(vol * mat.density_kg_m3)
            rest.append(com)
            bnds.append(np.stack([verts.min(0), verts.max(0)]))
            for j, a in nb.items():
                if j > q:
                    a2 = cells[j][3].get(q, a)
                    bonds.append((base + q, base + j))
                    areas.append(0.5 * (a + a2))
    chunks = Chunks(
        vertices=np.concatenate(V),
        faces=np.concatenate(F),
        vertex_offsets=np.asarray(voff, np.int64),
        face_offsets=np.asarray(foff, np.int64),
        material_ids=np.asarray(mats, np.int32),
        part_index=np.asarray(pidx, np.int32),
        mass_kg=np.asarray(mass, np.float64),
        rest_position=np.asarray(rest, np.float64),
    )
    return Fracture(
        chunks=chunks,
        volumes_m3=np.asarray(vols),
        bounds=np.asarray(bnds),
        bonds=np.asarray(bonds, np.int32).reshape(-1, 2),
        bond_area_m2=np.asarray(areas, np.float64),
    )
