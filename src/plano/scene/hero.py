"""The hero building: a style grammar turned into closed convex parts that touch but never overlap.

Local frame: the footprint is centred on the origin, width along x, depth along y, the front facade faces -y
(towards the street), z up from the ground. Layers of one storey ``i`` (storey height ``h``):
``z0 = plinth + i h`` .. ``z1 = z0 + h``; the floor slab fills ``z0 .. z0 + t`` (storey 0 stands on the
plinth), columns, walls, facade and glass fill ``z0 + t .. z1``. Core walls and stairs run through the slab
layer, so the slabs are cut around the cores.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from plano.scene.grammar import Dimensions, Grammar
from plano.scene.model import Part
from plano.scene.parts import box_mesh, extrude_mesh, make_part, prism_mesh, pyramid_mesh, regular_polygon


@dataclass
class Rect:
    x0: float
    x1: float
    y0: float
    y1: float

    def grow(self, d: float) -> "Rect":
        return Rect(self.x0 - d, self.x1 + d, self.y0 - d, self.y1 + d)

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def d(self) -> float:
        return self.y1 - self.y0


@dataclass
class Builder:
    """Collects parts with unique names ``{building}/{group}/f{floor}_{n}``."""

    building: str = "hero"
    dynamic: bool = True
    parts: list[Part] = field(default_factory=list)
    _count: dict = field(default_factory=dict)

    def add(self, group: str, material: str, mesh, floor: int = -1) -> None:
        k = self._count.get((group, floor), 0)
        self._count[(group, floor)] = k + 1
        name = f"{self.building}/{group}/f{floor:02d}_{k:03d}" if floor >= 0 else f"{self.building}/{group}/{k:03d}"
        # the foundation (plinth, stylobate) stays put: part of the hero, but a static collider for the sim
        dynamic = self.dynamic and group != "foundation"
        self.parts.append(make_part(name, group, material, mesh, self.building, floor, dynamic))

    def box(self, group, material, x0, x1, y0, y1, z0, z1, floor=-1) -> None:
        if x1 - x0 < 1e-6 or y1 - y0 < 1e-6 or z1 - z0 < 1e-6:
            return
        self.add(group, material, box_mesh((x0, y0, z0), (x1, y1, z1)), floor)


def _swap_xy(mesh):
    v, f = mesh
    return v[:, [1, 0, 2]], f[:, ::-1].copy()


class _Side:
    """Maps facade coordinates (u along the side, v inwards from the outer face) to world boxes."""

    def __init__(self, name: str, r: Rect, th: float):
        self.name = name
        if name in ("front", "back"):
            self.u0, self.u1 = r.x0, r.x1
        else:
            self.u0, self.u1 = r.y0 + th, r.y1 - th
        self.r = r

    def box(self, b: Builder, group, mat, u0, u1, v0, v1, z0, z1, floor):
        r = self.r
        if self.name == "front":
            b.box(group, mat, u0, u1, r.y0 + v0, r.y0 + v1, z0, z1, floor)
        elif self.name == "back":
            b.box(group, mat, u0, u1, r.y1 - v1, r.y1 - v0, z0, z1, floor)
        elif self.name == "left":
            b.box(group, mat, r.x0 + v0, r.x0 + v1, u0, u1, z0, z1, floor)
        else:
            b.box(group, mat, r.x1 - v1, r.x1 - v0, u0, u1, z0, z1, floor)


SIDES = ("front", "back", "left", "right")


def _bays(u0: float, u1: float, bay: float) -> np.ndarray:
    n = max(1, int(round((u1 - u0) / bay)))
    return np.linspace(u0, u1, n + 1)


def _facade(b: Builder, g: Grammar, side: _Side, zb: float, z1: float, floor: int, sill: float, head: float,
            balcony_bays: set, windows: bool = True) -> None:
    th = g.wall_t_m
    gt = min(0.06, th)
    gd = min(g.glass_depth_m, th - gt)
    edges = _bays(side.u0, side.u1, g.bay_m)
    sill = min(sill, 0.45 * (z1 - zb))
    head = min(head, 0.3 * (z1 - zb))
    # continuous sill and head bands where they read the same as per-bay spandrels (fewer parts)
    band = g.pier_frac <= 0.0 or g.spandrel_mat == g.wall_mat
    pz0, pz1 = (zb + sill, z1 - head) if band else (zb, z1)
    if band:
        side.box(b, "facade", g.spandrel_mat, side.u0, side.u1, 0, th, zb, zb + sill, floor)
        side.box(b, "facade", g.spandrel_mat, side.u0, side.u1, 0, th, z1 - head, z1, floor)
    for k in range(len(edges) - 1):
        a, c = edges[k], edges[k + 1]
        wa, wc = a, c
        if g.pier_frac > 0:
            pw = (c - a) * g.pier_frac
            first, last = k == 0, k == len(edges) - 2
            wa, wc = a + pw / 2, c - pw / 2
            # piers: half at each end of the side, whole between bays
            if first:
                side.box(b, "facade", g.wall_mat, a, wa, 0, th, pz0, pz1, floor)
            side.box(b, "facade", g.wall_mat, wc, c + (0 if last else pw / 2), 0, th, pz0, pz1, floor)
            if not band:
                side.box(b, "facade", g.spandrel_mat, wa, wc, 0, th, zb, zb + sill, floor)
                side.box(b, "facade", g.spandrel_mat, wa, wc, 0, th, z1 - head, z1, floor)
        if windows:
            side.box(b, "window", g.glass_mat, wa, wc, gd, gd + gt, zb + sill, z1 - head, floor)
        else:
            side.box(b, "facade", g.wall_mat, wa, wc, 0, th, zb + sill, z1 - head, floor)
        if (side.name, k) in balcony_bays and floor >= 1:
            bu0, bu1 = max(side.u0, wa - 0.3), min(side.u1, wc + 0.3)
            rail = g.balcony_rail_mat
            side.box(b, "balcony", g.slab_mat, bu0, bu1, -1.4, 0.0, zb, zb + 0.2, floor)
            side.box(b, "balcony", rail, bu0, bu1, -1.4, -1.28, zb + 0.2, zb + 1.1, floor)
            if g.balcony_rail_posts:
                side.box(b, "balcony", rail, bu0, bu0 + 0.08, -1.28, 0.0, zb + 0.2, zb + 1.1, floor)
                side.box(b, "balcony", rail, bu1 - 0.08, bu1, -1.28, 0.0, zb + 0.2, zb + 1.1, floor)


def _ring(b: Builder, group: str, mat: str, r: Rect, t: float, z0: float, z1: float, floor: int) -> None:
    """Four boxes of thickness ``t`` just inside the edge of ``r``, corners owned by the long sides."""
    b.box(group, mat, r.x0, r.x1, r.y0, r.y0 + t, z0, z1, floor)
    b.box(group, mat, r.x0, r.x1, r.y1 - t, r.y1, z0, z1, floor)
    b.box(group, mat, r.x0, r.x0 + t, r.y0 + t, r.y1 - t, z0, z1, floor)
    b.box(group, mat, r.x1 - t, r.x1, r.y0 + t, r.y1 - t, z0, z1, floor)


def _slab(b: Builder, mat: str, s: Rect, cores: list[Rect], z0: float, z1: float, floor: int, group="slab") -> None:
    """A slab over ``s`` with the core shafts left open (cut into convex boxes)."""
    xs = [s.x0]
    for c in cores:
        xs += [c.x0, c.x1]
    xs.append(s.x1)
    for k in range(0, len(xs) - 1, 2):
        b.box(group, mat, xs[k], xs[k + 1], s.y0, s.y1, z0, z1, floor)
    for c in cores:
        b.box(group, mat, c.x0, c.x1, s.y0, c.y0, z0, z1, floor)
        b.box(group, mat, c.x0, c.x1, c.y1, s.y1, z0, z1, floor)


def _core(b: Builder, g: Grammar, c: Rect, z0: float, z1: float, floor: int) -> None:
    wt = 0.3 if g.core_m[0] < 5 else 0.4
    _ring(b, "core", "reinforced_concrete", c, wt, z0, z1, floor)
    # one stair flight as a wedge in half the shaft, rising along y
    sx0, sx1 = c.x0 + wt, c.x0 + wt + (c.w - 2 * wt) / 2
    ya, yb = c.y0 + wt, c.y1 - wt
    tri = [(ya, z0), (yb, z0), (yb, z1)]
    b.add("stair", "reinforced_concrete", extrude_mesh(tri, 0, sx0, sx1), floor)


def _column(b: Builder, g: Grammar, x: float, y: float, z0: float, z1: float, floor: int, size: float | None = None,
            round_: bool | None = None) -> None:
    s = size or g.column_m
    if round_ if round_ is not None else g.column_round:
        b.add("column", g.column_mat, prism_mesh(regular_polygon(x, y, s / 2, 12), z0, z1), floor)
    else:
        b.box("column", g.column_mat, x - s / 2, x + s / 2, y - s / 2, y + s / 2, z0, z1, floor)


def _pilotis(b: Builder, r0: Rect, r1: Rect, z0: float, z1: float, bay: float) -> None:
    """Tapered board-formed concrete pilotis under the first floor, between the recessed lobby and the slab edge."""
    mat = "concrete_board_formed"
    nf = max(2, int(round(r1.w / (2 * bay)))) + 1
    for side_y, sgn in ((r1.y0 + 0.9, 1), (r1.y1 - 0.9, -1)):
        for x in np.linspace(r1.x0 + 0.9, r1.x1 - 0.9, nf):
            tri = [(side_y - 0.45, z0), (side_y + 0.45, z0), (side_y + 0.9, z1), (side_y - 0.9, z1)]
            b.add("column", mat, extrude_mesh(tri, 0, x - 0.45, x + 0.45), 0)
    ns = max(2, int(round(r1.d / (2 * bay)))) + 1
    for x in (r1.x0 + 0.9, r1.x1 - 0.9):
        for y in np.linspace(r1.y0 + 0.9, r1.y1 - 0.9, ns)[1:-1]:
            quad = [(x - 0.45, z0), (x + 0.45, z0), (x + 0.9, z1), (x - 0.9, z1)]
            b.add("column", mat, _swap_xy(extrude_mesh(quad, 0, y - 0.45, y + 0.45)), 0)


def build_hero(g: Grammar, dim: Dimensions, era: int, rng: np.random.Generator) -> tuple[list[Part], dict]:
    """All parts of the hero building in the local frame, and facts about it (heights, footprint)."""
    b = Builder("hero", True)
    n, h, t = dim.storeys, dim.floor_h_m, g.slab_t_m
    full = Rect(-dim.width_m / 2, dim.width_m / 2, -dim.depth_m / 2, dim.depth_m / 2)
    ov, th = g.overhang_m, g.wall_t_m
    # facade line of each storey: setbacks, and the recessed ground floor (pilotis / lobby)
    rects = []
    for i in range(n):
        inset = sum(d * min(dim.width_m, dim.depth_m) for share, d in g.setbacks if i >= int(round(share * n)) and n >= 8)
        rects.append(full.grow(-inset))
    if g.ground_recess_m > 0:
        rects[0] = full.grow(-min(g.ground_recess_m, 0.2 * min(dim.width_m, dim.depth_m)))
    plinth = g.plinth_m
    plinth_r = full.grow(ov + 0.8)
    b.box("foundation", "reinforced_concrete", plinth_r.x0, plinth_r.x1, plinth_r.y0, plinth_r.y1, 0.0, plinth)

    # cores and the column grid (shared by every storey so that columns stack)
    ncore = max(1, int(round(dim.width_m / g.core_every_m)))
    narrow_w = min(r.w for r in rects)
    narrow_d = min(r.d for r in rects)
    cw = min(g.core_m[0], 0.8 * narrow_w / ncore - 2)
    cd = min(g.core_m[1], narrow_d - 2 * (th + 2.5))
    if cw < 2.0 or cd < 2.0:  # too small a building for a core: stairs and services go without one
        ncore = 0
    cores = []
    for k in range(ncore):
        cx = full.x0 + dim.width_m * (k + 0.5) / ncore
        cx = round(cx / 0.5) * 0.5
        cores.append(Rect(cx - cw / 2, cx + cw / 2, -cd / 2, cd / 2))
    margin = th + 1.6
    cs = g.column_spacing_m
    nx = max(1, int((dim.width_m - 2 * margin) // cs) + 1)
    ny = max(1, int((dim.depth_m - 2 * margin) // cs) + 1)
    gx = (np.arange(nx) - (nx - 1) / 2) * cs
    gy = (np.arange(ny) - (ny - 1) / 2) * cs

    facts = {"plinth_m": plinth, "storey_z_m": []}
    # balconies stack up whole columns of bays, chosen once per building
    balcony_bays = set()
    if g.balcony_share > 0:
        for sname, r in (("front", full), ("back", full)):
            nb = len(_bays(r.x0, r.x1, g.bay_m)) - 1
            for k in range(nb):
                if rng.random() < g.balcony_share:
                    balcony_bays.add((sname, k))

    for i in range(n):
        z0 = plinth + i * h
        z1 = z0 + h
        zb = z0 + t if i > 0 else z0
        facts["storey_z_m"].append(z0)
        r = rects[i]
        if i > 0:
            prev = rects[i - 1]
            s = (prev if prev.w > r.w else r).grow(ov)
            _slab(b, g.slab_mat, s, cores, z0, zb, i)
            edge = r.grow(ov)
            if s.w > edge.w + 0.5:  # a terrace at a setback: parapet at the slab edge
                _ring(b, "parapet", g.wall_mat, s, 0.3, zb, zb + 1.1, i)
            elif g.upstand_m > 0:
                _ring(b, "facade", g.wall_mat, edge, 0.3, zb, zb + g.upstand_m, i)
        for c in cores:
            _core(b, g, c, z0 if i > 0 else plinth, z1, i)
        inner = r.grow(-margin)
        for x in gx:
            for y in gy:
                if not (inner.x0 <= x <= inner.x1 and inner.y0 <= y <= inner.y1):
                    continue
                if any(c.x0 - 1.0 < x < c.x1 + 1.0 and c.y0 - 1.0 < y < c.y1 + 1.0 for c in cores):
                    continue
                _column(b, g, float(x), float(y), zb, z1, i)
        ground_shop = i == 0 and g.ground_shop
        sill = 0.0 if ground_shop else g.sill_m
        for sname in SIDES:
            side = _Side(sname, r, th)
            blind = g.blind_ends and sname in ("left", "right")
            _facade(b, g, side, zb, z1, i, sill, g.head_m, balcony_bays if i > 0 else set(), windows=not blind)
            if g.fins and i > 0:
                edges = _bays(side.u0, side.u1, g.bay_m)
                if sname in ("left", "right"):
                    edges = edges[1:-1]
                for u in edges:
                    side.box(b, "facade", g.wall_mat, u - 0.15, u + 0.15, -(ov - 0.3), 0.0, zb, z1, i)
        if i == 0 and g.ground_recess_m > 0 and g.pilotis and n > 1:
            _pilotis(b, r, rects[1], zb, z1, g.bay_m)
        elif i == 0 and g.ground_recess_m > 0 and n > 1:
            # lobby colonnade: slender columns under the slab edge
            r1 = rects[1]
            for y in (r1.y0 + 0.6, r1.y1 - 0.6):
                for x in np.linspace(r1.x0 + 0.6, r1.x1 - 0.6, max(2, int(r1.w // 9)) + 1):
                    _column(b, g, float(x), float(y), zb, z1, 0, size=0.7, round_=True)

    # roof
    z_top = plinth + n * h
    top = rects[-1]
    roof = top.grow(g.roof_overhang_m)
    b.box("slab", g.slab_mat, roof.x0, roof.x1, roof.y0, roof.y1, z_top, z_top + t, n)
    zr = z_top + t
    facts["roof_z_m"] = zr
    if g.parapet_m > 0:
        _ring(b, "parapet", g.parapet_mat or g.wall_mat, roof, 0.3, zr, zr + g.parapet_m, n)
    occupied: list[Rect] = []
    if g.roof == "gable":
        ridge = 0.33 * roof.d
        xs = _bays(roof.x0, roof.x1, 6.0)
        for k in range(len(xs) - 1):
            tri = [(roof.y0, zr), (roof.y1, zr), (0.5 * (roof.y0 + roof.y1), zr + ridge)]
            b.add("slab", "roof_tile", extrude_mesh(tri, 0, xs[k], xs[k + 1]), n)
        facts["top_z_m"] = zr + ridge
    elif g.roof == "crown":
        z = zr
        for k, (inset, hh) in enumerate(((2.0, 4.5), (4.5, 4.0))):
            c = top.grow(-inset)
            b.box("ornament", g.wall_mat, c.x0, c.x1, c.y0, c.y1, z, z + hh, n)
            z += hh
        c = top.grow(-6.0)
        apex = (0.5 * (c.x0 + c.x1), 0.5 * (c.y0 + c.y1), z + rng.uniform(12.0, 18.0))
        b.add("ornament", "steel", pyramid_mesh((c.x0, c.y0), (c.x1, c.y1), z, apex), n)
        facts["top_z_m"] = apex[2]
    else:
        # lift overruns above the cores, then plant boxes where they fit
        for c in cores:
            b.box("roof_plant", "reinforced_concrete", c.x0, c.x1, c.y0, c.y1, zr, zr + 3.2, n)
            occupied.append(c)
        free = top.grow(-(0.3 + 1.5))
        for _ in range(12):
            if len(occupied) >= len(cores) + 4:
                break
            w, d = rng.uniform(3.0, 7.0), rng.uniform(2.5, 5.0)
            if free.w < w + 1 or free.d < d + 1:
                break
            x = rng.uniform(free.x0, free.x1 - w)
            y = rng.uniform(free.y0, free.y1 - d)
            cand = Rect(x, x + w, y, y + d)
            if any(not (cand.x1 + 1 < o.x0 or o.x1 + 1 < cand.x0 or cand.y1 + 1 < o.y0 or o.y1 + 1 < cand.y0)
                   for o in occupied):
                continue
            occupied.append(cand)
            b.box("roof_plant", "plant_metal", cand.x0, cand.x1, cand.y0, cand.y1, zr, zr + rng.uniform(1.8, 3.5), n)
        facts["top_z_m"] = zr + max(3.2, g.parapet_m)

    if g.portico:
        _portico(b, g, full, plinth, z_top, g.roof_overhang_m, rng)
    facts["footprint_m"] = (dim.width_m, dim.depth_m)
    facts["cores"] = len(cores)
    return b.parts, facts


def _portico(b: Builder, g: Grammar, full: Rect, plinth: float, z_top: float, roof_ov: float, rng) -> None:
    """Giant-order portico on the front: stylobate and steps, round columns, entablature and pediment."""
    ncol = int(rng.choice([6, 8]))
    pw = min(full.w * 0.5, ncol * 4.2)
    r = 0.9 if pw > 12 else 0.45
    ncol = max(2, min(ncol, int((pw - 2.4) // (2 * r + 0.6)) + 1))
    pd = 7.0
    x0, x1 = -pw / 2, pw / 2
    y_front = full.y0 - pd
    plinth_y0 = full.y0 - (g.overhang_m + 0.8)
    b.box("foundation", "limestone", x0 - 0.6, x1 + 0.6, y_front - 0.6, plinth_y0, 0.0, plinth)
    nstep = 5
    for j in range(nstep):
        ya = y_front - 0.6 - (j + 1) * 0.45
        b.box("stair", "limestone", x0 - 0.6, x1 + 0.6, ya, ya + 0.45, 0.0, plinth * (nstep - j) / (nstep + 1))
    ent = 2.0
    for x in np.linspace(x0 + 1.2, x1 - 1.2, ncol):
        b.add("column", "limestone", prism_mesh(regular_polygon(float(x), y_front + 1.2, r, 16), plinth, z_top - ent))
    b.box("beam", "limestone", x0, x1, y_front, full.y0, z_top - ent, z_top)
    ph = 0.2 * pw
    tri = [(z_top, x1), (z_top, x0), (z_top + ph, 0.0)]
    b.add("ornament", "limestone", extrude_mesh(tri, 1, y_front, full.y0 - roof_ov))
