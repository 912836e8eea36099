"""The street around the hero: ground, a wide avenue with lanes, kerbs and pavements, lamp posts, and
neighbouring buildings of the same city and era (static, simpler, but with massing and window rhythm).

Built in the hero's local frame (front facade towards -y, the avenue in front of it).
"""

from __future__ import annotations

import numpy as np

from plano.scene.grammar import GRAMMARS
from plano.scene.hero import Builder, Rect
from plano.scene.parts import ellipsoid_mesh
from plano.scene.model import Part



def _context_building(b: Builder, r: Rect, storeys: int, fh: float, wall: str, rng, front_piers: bool) -> None:
    """Floors as a solid spandrel band and a recessed glass band; piers on the street face; maybe a setback top."""
    setback_at = storeys + 1
    if storeys >= 8 and rng.random() < 0.45:
        setback_at = int(storeys * rng.uniform(0.6, 0.85))
    spandrel = rng.uniform(0.9, 1.3)
    inset = 0.3
    pier_step = rng.uniform(3.0, 4.5)
    z = 0.0
    for i in range(storeys):
        rr = r if i < setback_at else r.grow(-min(3.0, 0.2 * min(r.w, r.d)))
        z0, z1 = z, z + fh
        b.box("context", wall, rr.x0, rr.x1, rr.y0, rr.y1, z0, z0 + spandrel, i)
        g = rr.grow(-inset)
        b.box("window", "glass_dark", g.x0, g.x1, g.y0, g.y1, z0 + spandrel, z1, i)
        if front_piers:
            n = max(1, int(rr.w // pier_step))
            for x in np.linspace(rr.x0, rr.x1 - 0.5, n + 1):
                b.box("context", wall, x, x + 0.5, rr.y0, g.y0, z0 + spandrel, z1, i)
        z = z1
    top = r if storeys <= setback_at else r.grow(-min(3.0, 0.2 * min(r.w, r.d)))
    b.box("context", wall, top.x0, top.x1, top.y0, top.y1, z, z + 0.5, storeys)
    if rng.random() < 0.7 and top.w > 8 and top.d > 8:
        w, d = rng.uniform(3, 6), rng.uniform(3, 5)
        cx, cy = rng.uniform(top.x0 + w / 2 + 1, top.x1 - w / 2 - 1), rng.uniform(top.y0 + d / 2 + 1, top.y1 - d / 2 - 1)
        b.box("context", "concrete", cx - w / 2, cx + w / 2, cy - d / 2, cy + d / 2, z + 0.5, z + 0.5 + rng.uniform(2, 4),
              storeys)


def in_corridor(x: float, y: float, lo, hi, view, pad_m: float = 3.0) -> bool:
    """Whether (x, y) lies in front of the hero towards the camera's bearing ``view`` (unit, horizontal), inside
    the band the hero's silhouette sweeps along it (plus ``pad_m``, growing by 4% of the distance). The wedge
    between any camera on that bearing and the hero lies inside this band, so what is left out of it can never
    hide the building, wherever the lens puts the camera."""
    c = 0.5 * (np.asarray(lo[:2], float) + np.asarray(hi[:2], float))
    d = np.asarray(view[:2], float) / np.linalg.norm(view[:2])
    corners = np.array([(lo[0], lo[1]), (hi[0], lo[1]), (lo[0], hi[1]), (hi[0], hi[1])]) - c
    half = float(np.max(np.abs(corners[:, 0] * d[1] - corners[:, 1] * d[0])))
    rx, ry = x - c[0], y - c[1]
    t = rx * d[0] + ry * d[1]
    lateral = abs(rx * d[1] - ry * d[0])
    return bool(t > 0 and lateral < half + pad_m + 0.04 * t)


def _tree(b: Builder, x: float, y: float, rng) -> None:
    r = rng.uniform(2.0, 3.2)
    b.box("street_furniture", "timber", x - 0.2, x + 0.2, y - 0.2, y + 0.2, 0.15, 3.0)
    top = 3.0 + 2 * r * rng.uniform(0.8, 1.1)
    b.add("street_furniture", "foliage", ellipsoid_mesh((x, y, 0.5 * (3.0 + top)), (r, r, 0.5 * (top - 3.0))))


def _car(b: Builder, x: float, y: float, along_x: bool, rng) -> None:
    l, w = rng.uniform(4.0, 4.8), 1.8
    hx, hy = (l / 2, w / 2) if along_x else (w / 2, l / 2)
    b.box("street_furniture", "car_paint", x - hx, x + hx, y - hy, y + hy, 0.04, 0.04 + 0.75)
    cx, cy = (hx * 0.55, hy * 0.9) if along_x else (hx * 0.9, hy * 0.55)
    b.box("street_furniture", "glass_dark", x - cx, x + cx, y - cy, y + cy, 0.79, 1.45)


STREET_X_M = 220.0
"""Half the length of the avenue in the set; the backdrop lengthens it for a camera that sees further."""
GROUND_M = 700.0
"""Half the side of the set's ground; the backdrop adds a ring around it for a camera that sees further."""
PLAZA_ROWS_M = 160.0
"""Rows of trees across the plaza in front of the avenue in the set, this far; the backdrop adds the rest."""
LANE_M = 3.5


def _bands(hero_lo_y: float) -> dict:
    """The avenue's y positions (local frame), from the building line outwards."""
    forecourt = 8.0
    y_k = hero_lo_y - forecourt
    y1 = y_k - 0.3 - 3 * LANE_M  # end of the first roadway
    y2 = y1 - 6.0  # the median
    y3 = y2 - 3 * LANE_M  # the far side of the second roadway
    return {"y_build": hero_lo_y, "y_k": y_k, "y1": y1, "y2": y2, "y3": y3}


def _avenue(st: Builder, x0: float, x1: float, b: dict) -> None:
    """Pavements, kerbs, two roadways with lane paint and the median, between x0 and x1. Paint, lamps and
    trees lie on grids anchored at x = 0, so two spans laid side by side read as one street."""
    y_build, y_k = b["y_build"], b["y_k"]
    st.box("sidewalk", "paving", x0, x1, y_k, y_build, 0.0, 0.15)
    st.box("kerb", "kerb_stone", x0, x1, y_k - 0.3, y_k, 0.0, 0.18)
    y = y_k - 0.3
    for road in range(2):
        ya = y - 3 * LANE_M
        st.box("road", "asphalt", x0, x1, ya, y, 0.0, 0.04)
        for k in (1, 2):
            yl = y - k * LANE_M
            for x in _grid(x0 + 2, x1 - 5, 9.0, 2.0 - STREET_X_M):
                st.box("road", "road_paint", x, x + 3.0, yl - 0.075, yl + 0.075, 0.04, 0.05)
        y = ya
        if road == 0:
            st.box("kerb", "kerb_stone", x0, x1, y - 0.3, y, 0.0, 0.18)
            st.box("sidewalk", "paving", x0, x1, y - 5.7, y - 0.3, 0.0, 0.15)
            st.box("kerb", "kerb_stone", x0, x1, y - 6.0, y - 5.7, 0.0, 0.18)
            for x in _grid(x0 + 10, x1 - 10, 30.0, 10.0 - STREET_X_M):
                st.box("street_furniture", "steel", x - 0.1, x + 0.1, y - 3.1, y - 2.9, 0.15, 9.0)
            y -= 6.0
    st.box("kerb", "kerb_stone", x0, x1, y - 0.3, y, 0.0, 0.18)
    st.box("sidewalk", "paving", x0, x1, y - 6.3, y - 0.3, 0.0, 0.15)
    for x in _grid(x0 + 10, x1 - 10, 30.0, 10.0 - STREET_X_M):
        st.box("street_furniture", "steel", x - 0.1, x + 0.1, y_k + 1.9, y_k + 2.1, 0.15, 9.0)


def _grid(a: float, b: float, step: float, anchor: float) -> np.ndarray:
    """The points ``anchor + k * step`` in [a, b)."""
    k0 = np.ceil((a - anchor) / step)
    k1 = np.ceil((b - anchor) / step)
    return anchor + step * np.arange(k0, k1)


def _trees(st: Builder, x0: float, x1: float, b: dict, lo, hi, view, rng, keep=lambda x, y: True) -> None:
    """Trees on the median and the far pavement between x0 and x1, none in the camera's corridor."""
    y_med = b["y2"] + 3.0
    for x in _grid(x0 + 17.5, x1 - 10, 15.0, 17.5 - STREET_X_M):
        if not in_corridor(x, y_med, lo, hi, view) and keep(x, y_med):
            _tree(st, float(x), y_med, rng)
    y_far = b["y3"] - 3.3
    for x in _grid(x0 + 25, x1 - 10, 14.0, 25.0 - STREET_X_M):
        if not in_corridor(x, y_far, lo, hi, view) and keep(x, y_far):
            _tree(st, float(x), y_far, rng)


def _plaza(st: Builder, x0: float, x1: float, y_from: float, y_to: float, lo, hi, view, rng,
           keep=lambda x, y: True) -> None:
    """Rows of trees across the open plaza, from ``y_from`` down to ``y_to`` (rows every 30 m on a fixed grid)."""
    b_y = y_from
    for row_y in np.arange(b_y, y_to, -30.0):
        for x in _grid(x0 + 20, x1 - 10, 24.0, 20.0 - STREET_X_M):
            xx = float(x + rng.uniform(-3, 3))
            if not in_corridor(xx, row_y, lo, hi, view, 6.0) and keep(xx, row_y):
                _tree(st, xx, float(row_y), rng)


def build_street(hero_local_bounds: np.ndarray, style: str, era: int, view_local: np.ndarray, seed: int,
                 n_context: int = 9) -> tuple[list[Part], dict]:
    """The set's street and context parts (local frame) for a hero whose parts span ``hero_local_bounds`` (2, 3),
    seen from the bearing ``view_local`` (unit, horizontal, from the hero towards the camera).

    Nothing here depends on where the camera stands, only on its bearing: trees and cars are left out of the
    corridor towards the camera, so that they never hide the building at any distance."""
    from plano.scene.build import rng_for

    lo, hi = hero_local_bounds
    dress = rng_for(seed, "street.dressing")
    st = Builder("street", dynamic=False)
    st.box("ground", "ground", -GROUND_M, GROUND_M, -GROUND_M, GROUND_M, -0.5, 0.0)
    b = _bands(float(lo[1]))
    _avenue(st, -STREET_X_M, STREET_X_M, b)
    _trees(st, -STREET_X_M, STREET_X_M, b, lo, hi, view_local, dress)
    facts = {"lanes": 6, "avenue_width_m": float(b["y_k"] - b["y3"]), "street_x_m": STREET_X_M}
    cars, last = 0, 0.0
    y_k, y3 = b["y_k"], b["y3"]
    for lane_y in (y_k - 0.3 - 1.75, y_k - 0.3 - 5.25, y_k - 0.3 - 8.75, y3 + 1.75, y3 + 5.25, y3 + 8.75):
        for x in np.sort(dress.uniform(-STREET_X_M * 0.7, STREET_X_M * 0.7, 5)):
            if in_corridor(float(x), lane_y, lo, hi, view_local, 5.0) or cars and abs(x - last) < 6:
                continue
            _car(st, float(x), lane_y, True, dress)
            cars += 1
            last = x
    plaza_from, plaza_to = b["y3"] - 6.3 - 25.0, b["y3"] - PLAZA_ROWS_M
    _plaza(st, -STREET_X_M, STREET_X_M, plaza_from, plaza_to, lo, hi, view_local, dress)
    facts["cars"] = cars
    facts["plaza_rows_to_y_m"] = float(np.arange(plaza_from, plaza_to, -30.0)[-1] - 30.0)
    facts["bands"] = {k: float(v) for k, v in b.items()}
    parts = list(st.parts)
    hood = rng_for(seed, "street.neighbours")
    slots = _neighbour_slots(lo, hi, hood)
    parts += _neighbours(slots, style, era, float(hi[2]), float(hi[1]), hood, n_context, "context", [], facts)
    return parts, facts


def _neighbour_slots(lo, hi, rng) -> list[tuple[Rect, bool]]:
    """Neighbours on the hero's side, left and right, then a row behind it."""
    y_build = float(lo[1])
    slots: list[tuple[Rect, bool]] = []
    x_right, x_left = hi[0], lo[0]
    for _ in range(3):
        gap, w, d = rng.uniform(6.0, 14.0), rng.uniform(22.0, 40.0), rng.uniform(18.0, 30.0)
        slots.append((Rect(x_right + gap, x_right + gap + w, y_build, y_build + d), True))
        x_right += gap + w
        gap, w, d = rng.uniform(6.0, 14.0), rng.uniform(22.0, 40.0), rng.uniform(18.0, 30.0)
        slots.append((Rect(x_left - gap - w, x_left - gap, y_build, y_build + d), True))
        x_left -= gap + w
    yb = hi[1] + rng.uniform(15.0, 25.0)
    for x in np.linspace(lo[0] - 60.0, hi[0] + 60.0, 4):
        w, d = rng.uniform(24.0, 38.0), rng.uniform(20.0, 30.0)
        slots.append((Rect(x - w / 2, x + w / 2, yb, yb + d), False))
    return slots


def _neighbours(slots, style: str, era: int, hero_h: float, hero_back_y: float, rng, limit: int, name: str,
                placed: list[Rect], facts: dict) -> list[Part]:
    """Context buildings in the free slots (none overlapping another), at most ``limit``."""
    walls = GRAMMARS[style].context_facades if style in GRAMMARS else GRAMMARS["modernist"].context_facades
    fh = 3.3 if era < 1950 else 3.1
    parts: list[Part] = []
    count = 0
    for r, piers in slots:
        if count >= limit:
            break
        if any(not (r.x1 + 2 < o.x0 or o.x1 + 2 < r.x0 or r.y1 + 2 < o.y0 or o.y1 + 2 < r.y0) for o in placed):
            continue
        behind = r.y0 > hero_back_y
        hmax = hero_h * ((1.15 if hero_h < 50 else 0.75) if behind else (0.9 if hero_h < 50 else 0.6))
        storeys = int(np.clip(rng.normal(0.6 * hero_h / fh, 0.25 * hero_h / fh), 4, max(5, hmax / fh)))
        b = Builder(f"{name}_{count:02d}", dynamic=False)
        _context_building(b, r, storeys, fh, walls[int(rng.integers(len(walls)))], rng, piers)
        parts += b.parts
        placed.append(r)
        count += 1
    facts["context_buildings"] = facts.get("context_buildings", 0) + count
    return parts


def build_backdrop(hero_local_bounds: np.ndarray, style: str, era: int, view_local: np.ndarray, seed: int,
                   camera_local: np.ndarray, set_facts: dict) -> tuple[list[Part], dict]:
    """What a camera standing at ``camera_local`` (x, y) sees beyond the set: the ground and the avenue
    lengthened to its reach, the plaza's trees out to it, and buildings across the plaza behind it. Static,
    far from the hero (the sim never collides with it), and laid beside the set's parts, never over them."""
    from plano.scene.build import rng_for

    lo, hi = hero_local_bounds
    cx, cy = float(camera_local[0]), float(camera_local[1])
    rng = rng_for(seed, "backdrop")
    bd = Builder("backdrop", dynamic=False)
    reach = max(GROUND_M, 3.0 * abs(cy) + 200.0)
    if reach > GROUND_M:  # a ring of ground around the set's
        g = GROUND_M
        bd.box("ground", "ground", -reach, reach, g, reach, -0.5, 0.0)
        bd.box("ground", "ground", -reach, reach, -reach, -g, -0.5, 0.0)
        bd.box("ground", "ground", -reach, -g, -g, g, -0.5, 0.0)
        bd.box("ground", "ground", g, reach, -g, g, -0.5, 0.0)
    b = {k: float(v) for k, v in set_facts["bands"].items()}
    street_x = max(STREET_X_M, 1.2 * abs(cy) + 120.0)
    away = lambda x, y: np.hypot(x - cx, y - cy) > 45  # noqa: E731 - nothing right on top of the camera
    if street_x > STREET_X_M:
        for x0, x1 in ((-street_x, -STREET_X_M), (STREET_X_M, street_x)):
            _avenue(bd, x0, x1, b)
            _trees(bd, x0, x1, b, lo, hi, view_local, rng, away)
    y_far = min(b["y3"] - 40.0, cy - 30.0)
    plaza_from = set_facts["plaza_rows_to_y_m"]
    _plaza(bd, -street_x, street_x, plaza_from, y_far + 10.0, lo, hi, view_local, rng, away)
    if street_x > STREET_X_M:  # the plaza's rows beside the set's, out to the lengthened avenue
        for x0, x1 in ((-street_x, -STREET_X_M), (STREET_X_M, street_x)):
            _plaza(bd, x0, x1, b["y3"] - 6.3 - 25.0, plaza_from, lo, hi, view_local, rng, away)
    parts = list(bd.parts)
    facts = {"street_x_m": float(street_x), "ground_m": float(reach), "context_buildings": 0}
    slots = []
    for _ in range(3):  # the far side of the plaza, behind the camera
        x = rng.uniform(-street_x * 0.6, street_x * 0.6)
        w, d = rng.uniform(24.0, 40.0), rng.uniform(18.0, 28.0)
        slots.append((Rect(x - w / 2, x + w / 2, y_far - 6.0 - d, y_far - 6.0), False))
    parts += _neighbours(slots, style, era, float(hi[2]), float(hi[1]), rng, 3, "context_far", [], facts)
    return parts, facts
