"""The street around the hero: ground, a wide avenue with lanes, kerbs and pavements, lamp posts, and
neighbouring buildings of the same city and era (static, simpler, but with massing and window rhythm).

Built in the hero's local frame (front facade towards -y, the avenue in front of it).
"""

from __future__ import annotations

import numpy as np

from plano.scene.hero import Builder, Rect
from plano.scene.parts import ellipsoid_mesh
from plano.scene.model import Part

CONTEXT_FACADES = {
    "brutalist": ("concrete", "render_plaster", "brick", "concrete_precast_panel", "terracotta", "limestone"),
    "modernist": ("concrete", "glass_curtain", "limestone", "aluminium_frame"),
    "art_deco": ("limestone", "terracotta", "brick", "render_plaster"),
    "neoclassical": ("limestone", "render_plaster", "terracotta", "limestone"),
    "soviet_panel": ("concrete_precast_panel", "concrete_precast_panel", "brick", "concrete"),
    "brick_residential": ("brick", "brick", "render_plaster", "concrete"),
}


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


def _in_view_wedge(x: float, y: float, cam_xy, lo, hi, pad_deg: float = 3.0) -> bool:
    """Whether (x, y) lies between the camera and the hero, inside the horizontal angle the hero spans."""
    cx, cy = cam_xy
    corners = [(lo[0], lo[1]), (hi[0], lo[1]), (lo[0], hi[1]), (hi[0], hi[1])]
    ang = [np.arctan2(py - cy, px - cx) for px, py in corners]
    a = np.arctan2(y - cy, x - cx)
    ref = ang[0]
    rel = [np.angle(np.exp(1j * (t - ref))) for t in ang]
    r = np.angle(np.exp(1j * (a - ref)))
    pad = np.radians(pad_deg)
    near = np.hypot(x - cx, y - cy) < np.hypot((lo[0] + hi[0]) / 2 - cx, (lo[1] + hi[1]) / 2 - cy)
    return bool(near and min(rel) - pad <= r <= max(rel) + pad)


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


def build_street(hero_local_bounds: np.ndarray, style: str, era: int, camera_y_local: float,
                 rng: np.random.Generator, n_context: int = 10, camera_x_local: float = 0.0) -> tuple[list[Part], dict]:
    """Street and context parts (local frame) for a hero whose parts span ``hero_local_bounds`` (2, 3).

    Trees and parked or passing cars are left out of the wedge between the camera and the hero, so that they
    never hide the building."""
    lo, hi = hero_local_bounds
    cam_xy = (camera_x_local, camera_y_local)
    st = Builder("street", dynamic=False)
    reach = max(700.0, 3.0 * abs(camera_y_local) + 200.0)
    st.box("ground", "ground", -reach, reach, -reach, reach, -0.5, 0.0)
    y_build = lo[1]  # building line: the front of the hero's plinth / steps
    forecourt = 8.0
    y_k = y_build - forecourt
    street_x = max(220.0, 1.2 * abs(camera_y_local) + 120.0)
    # pavement in front of the hero and its neighbours
    st.box("sidewalk", "paving", -street_x, street_x, y_k, y_build, 0.0, 0.15)
    st.box("kerb", "kerb_stone", -street_x, street_x, y_k - 0.3, y_k, 0.0, 0.18)
    # the avenue: two roadways of three lanes and a planted median
    lane = 3.5
    y = y_k - 0.3
    facts = {"lanes": 6}
    for road in range(2):
        y0 = y - 3 * lane
        st.box("road", "asphalt", -street_x, street_x, y0, y, 0.0, 0.04)
        for k in (1, 2):
            yl = y - k * lane
            for x in np.arange(-street_x + 2, street_x - 5, 9.0):
                st.box("road", "road_paint", x, x + 3.0, yl - 0.075, yl + 0.075, 0.04, 0.05)
        y = y0
        if road == 0:
            st.box("kerb", "kerb_stone", -street_x, street_x, y - 0.3, y, 0.0, 0.18)
            st.box("sidewalk", "paving", -street_x, street_x, y - 5.7, y - 0.3, 0.0, 0.15)
            st.box("kerb", "kerb_stone", -street_x, street_x, y - 6.0, y - 5.7, 0.0, 0.18)
            for x in np.arange(-street_x + 10, street_x - 10, 30.0):
                st.box("street_furniture", "steel", x - 0.1, x + 0.1, y - 3.1, y - 2.9, 0.15, 9.0)
            for x in np.arange(-street_x + 17.5, street_x - 10, 15.0):
                if not _in_view_wedge(x, y - 3.0, cam_xy, lo, hi):
                    _tree(st, float(x), y - 3.0, rng)
            y -= 6.0
    st.box("kerb", "kerb_stone", -street_x, street_x, y - 0.3, y, 0.0, 0.18)
    y_far = min(y - 40.0, camera_y_local - 30.0)
    last = 0.0
    st.box("sidewalk", "paving", -street_x, street_x, y - 6.3, y - 0.3, 0.0, 0.15)
    for x in np.arange(-street_x + 10, street_x - 10, 30.0):
        st.box("street_furniture", "steel", x - 0.1, x + 0.1, y_k + 1.9, y_k + 2.1, 0.15, 9.0)
    facts["avenue_width_m"] = float(y_k - y)
    # traffic: cars in the lanes, trees along the far pavement and in rows across the open plaza
    cars = 0
    for lane_y in (y_k - 0.3 - 1.75, y_k - 0.3 - 5.25, y_k - 0.3 - 8.75, y + 1.75, y + 5.25, y + 8.75):
        for x in np.sort(rng.uniform(-street_x * 0.7, street_x * 0.7, 5)):
            if _in_view_wedge(float(x), lane_y, cam_xy, lo, hi, 5.0) or cars and abs(x - last) < 6:
                continue
            _car(st, float(x), lane_y, True, rng)
            cars += 1
            last = x
    for x in np.arange(-street_x + 25, street_x - 10, 14.0):
        if not _in_view_wedge(x, y - 3.3, cam_xy, lo, hi):
            _tree(st, float(x), y - 3.3, rng)
    for row_y in np.arange(y - 25.0, y_far + 10.0, -30.0):
        for x in np.arange(-street_x + 20, street_x - 10, 24.0):
            xx = float(x + rng.uniform(-3, 3))
            if not _in_view_wedge(xx, row_y, cam_xy, lo, hi, 6.0) and np.hypot(xx - cam_xy[0], row_y - cam_xy[1]) > 45:
                _tree(st, xx, float(row_y), rng)
    facts["cars"] = cars

    # neighbours on the hero's side, left and right, then a row behind, then the far side of the plaza
    parts = list(st.parts)
    walls = CONTEXT_FACADES.get(style, CONTEXT_FACADES["modernist"])
    fh = 3.3 if era < 1950 else 3.1
    hero_h = hi[2]
    slots: list[tuple[Rect, bool]] = []
    x_right, x_left = hi[0], lo[0]
    for k in range(3):
        gap = rng.uniform(6.0, 14.0)
        w = rng.uniform(22.0, 40.0)
        d = rng.uniform(18.0, 30.0)
        slots.append((Rect(x_right + gap, x_right + gap + w, y_build, y_build + d), True))
        x_right += gap + w
        gap = rng.uniform(6.0, 14.0)
        w = rng.uniform(22.0, 40.0)
        d = rng.uniform(18.0, 30.0)
        slots.append((Rect(x_left - gap - w, x_left - gap, y_build, y_build + d), True))
        x_left -= gap + w
    yb = hi[1] + rng.uniform(15.0, 25.0)
    xs = np.linspace(lo[0] - 60.0, hi[0] + 60.0, 4)
    for x in xs:
        w, d = rng.uniform(24.0, 38.0), rng.uniform(20.0, 30.0)
        slots.append((Rect(x - w / 2, x + w / 2, yb, yb + d), False))
    for k in range(3):
        x = rng.uniform(-street_x * 0.6, street_x * 0.6)
        w, d = rng.uniform(24.0, 40.0), rng.uniform(18.0, 28.0)
        slots.append((Rect(x - w / 2, x + w / 2, y_far - 6.0 - d, y_far - 6.0), False))
    placed: list[Rect] = []
    count = 0
    for r, piers in slots:
        if count >= n_context:
            break
        if any(not (r.x1 + 2 < o.x0 or o.x1 + 2 < r.x0 or r.y1 + 2 < o.y0 or o.y1 + 2 < r.y0) for o in placed):
            continue
        behind = r.y0 > hi[1]
        hmax = hero_h * ((1.15 if hero_h < 50 else 0.75) if behind else (0.9 if hero_h < 50 else 0.6))
        storeys = int(np.clip(rng.normal(0.6 * hero_h / fh, 0.25 * hero_h / fh), 4, max(5, hmax / fh)))
        b = Builder(f"context_{count:02d}", dynamic=False)
        _context_building(b, r, storeys, fh, walls[int(rng.integers(len(walls)))], rng, piers)
        parts += b.parts
        placed.append(r)
        count += 1
    facts["context_buildings"] = count
    return parts, facts
