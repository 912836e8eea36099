"""Scenarios from the spec's action: where and when the building's supports fail.

A scenario only breaks bonds and throws out the supports it destroys (charges), at its place and time; what
follows (the upper floors falling, slabs pancaking, the building tipping over) comes from the physics.

- ``collapse``: progressive (pancake) collapse: every support of ``start_floor`` (default about a third of
  the way up) fails at ``start_s``.
- ``partial_collapse``: ``region`` ``top_floors`` (the supports of a floor a quarter from the top fail) or
  ``corner`` (the supports of one corner fail over two floors); ``whole`` behaves like ``collapse``.
- ``topple``: the supports on one side of ``start_floor`` (default the ground floor) fail and the base's
  hold on the ground gives: the building pivots over the side that still stands.
- ``implosion``: timed charges: the core first, then the inner columns, then the perimeter, on the lower
  floors and every third floor above, 0.15 s apart, the debris thrown inwards.
- ``none``: nothing is triggered.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from plano.scene.model import Scene
from plano.sim.crush import ENERGY_SHARE
from plano.spec.model import ShotSpec

SUPPORT_GROUPS = ("column", "core", "wall", "stair", "facade", "window", "foundation", "beam")


@dataclass(frozen=True)
class Charge:
    """At ``time_s`` every bond of the parts ``parts`` (indices into Scene.parts) breaks and their chunks are
    thrown at ``speed_m_s`` away from (or towards, if ``inward``) the building's vertical axis.
    ``release``: also cut the building from the ground: what still stands pivots on what is left of its base."""

    time_s: float
    parts: tuple[int, ...]
    speed_m_s: float = 6.0
    inward: bool = False
    release: bool = False
    """Also cut the building from the ground: what still stands pivots on what is left of its base."""
    tear_xy: tuple[tuple[float, float], tuple[float, float]] | None = None
    """((x0, y0), (x1, y1)): also tear what stands over this plan area (above ``tear_z_m``) from the rest of
    the building: the bonds across its edges break, so it comes down while the rest stands."""
    tear_z_m: float = 0.0
    cut_parts: tuple[int, ...] = ()
    """Also break every bond between these parts and the rest (what the spec leaves standing lets go of the
    floors around it)."""


@dataclass(frozen=True)
class Scenario:
    kind: str
    focus: np.ndarray
    """(3,) where the collapse starts: fracture is finest around it."""
    focus_radius_m: float
    charges: tuple[Charge, ...]
    seam_loads: bool = True
    """False: contacts across cracks load no bonds (a local failure that must not spread by itself)."""
    hinge_until_s: float = 0.0
    hinge_deg: float = 0.0
    """Topple: until ``hinge_until_s``, or until the building has tilted ``hinge_deg``, its base acts as a
    hinge (what it pivots on bends rather than crushes: contacts load no bonds and a free cluster is not yet
    loaded by its own weight); after that it breaks up as it falls and hits the ground."""
    energy_share: float = ENERGY_SHARE
    """How tough the members are when they crush (``plano.sim.crush``): the spec's speed."""
    keep_parts: tuple[int, ...] = ()
    """Parts that never crush or break (what the spec leaves standing)."""


def _floor_z(scene: Scene, floor: int) -> float:
    return float(scene.hero_bounds[0, 2] + (floor + 0.5) * scene.floor_height_m)


def _supports(scene: Scene, floors: set[int], where=None, groups=SUPPORT_GROUPS) -> tuple[int, ...]:
    out = []
    for i, p in enumerate(scene.parts):
        if not p.dynamic or p.group not in groups or p.floor not in floors:
            continue
        if where is not None and not where(p.centroid):
            continue
        out.append(i)
    return tuple(out)


SPEED_ENERGY_SHARE = {"slow": 0.05, "natural": ENERGY_SHARE, "fast": 0.002}
"""The spec's ``action.speed`` as the energy the crushing members absorb (``plano.sim.crush``)."""
IMPLOSION_DELAY_S = 0.15
WEDGE_SHARE = 0.7
"""A topple's felling cut reaches this share of the storeys at its outer edge: deep enough that the cut does not
close (and stop the fall) before the building is past 60 degrees."""
HINGE_S, HINGE_DEG = 5.0, 70.0
"""A topple pivots on what is left of its base as one block until it has tilted HINGE_DEG (or for HINGE_S):
a building felled like a tree comes down whole and breaks up when it hits the ground."""


def kept_parts(scene: Scene, spec: ShotSpec, start_floor: int | None) -> tuple[int, ...]:
    """Indices of the parts the spec's ``action.leaves_standing`` keeps up (a collapse of the top floors keeps
    the floors below it: that is what makes it partial)."""
    keep = set(spec.action.leaves_standing)
    if spec.action.kind == "partial_collapse" and spec.action.region == "top_floors":
        keep.add("lower_floors")
    out = []
    for i, p in enumerate(scene.parts):
        if not p.dynamic:
            continue
        if p.group in keep or ("lower_floors" in keep and start_floor is not None and 0 <= p.floor < start_floor):
            out.append(i)
    return tuple(out)


FALL_DIRECTIONS = ("toward_camera", "away_from_camera", "left", "right")


def fall_vector(scene: Scene, direction: str | None) -> np.ndarray | None:
    """The spec's fall direction as a horizontal unit vector in the set (from the camera's bearing)."""
    if direction is None:
        return None
    view = np.asarray(scene.as_set().view_dir, float)[:2]
    view = view / max(np.linalg.norm(view), 1e-9)
    right = np.array([view[1], -view[0]])
    return {"toward_camera": -view, "away_from_camera": view, "left": -right, "right": right}[direction]


def plan_scenario(scene: Scene, spec: ShotSpec) -> Scenario:
    """The scenario for ``spec.action`` in ``scene``, with the spec's art direction (speed, direction, stage
    delay, what stays standing)."""
    scen = _plan(scene, spec)
    a = spec.action
    floor = start_floor(scene, spec, scen.kind)
    keep = kept_parts(scene, spec, floor)
    charges = scen.charges
    if keep and charges:
        first = charges[0]
        charges = (dataclasses.replace(first, parts=tuple(i for i in first.parts if i not in set(keep)),
                                       cut_parts=keep),) + tuple(charges[1:])
    return dataclasses.replace(scen, charges=charges, energy_share=SPEED_ENERGY_SHARE[a.speed], keep_parts=keep)


def start_floor(scene: Scene, spec: ShotSpec, kind: str) -> int | None:
    n = max(scene.storeys, 1)
    a = spec.action
    if a.start_floor is not None:
        return min(a.start_floor, n - 1)
    if kind == "partial_collapse" and a.region == "top_floors":
        return max(1, n - max(2, n // 4))
    if kind == "collapse":
        return min(max(1, round(0.3 * n)), n - 1)
    return 0


def _open_side(scene: Scene, to_local: np.ndarray, lo: np.ndarray, hi: np.ndarray, k: int) -> tuple[int, float]:
    """The wall axis and side a topple falls to when the spec does not say: across the picture (axis ``k``),
    to the side with no neighbour in the way (a neighbour is static: a tower felled into it stops leaning on
    it), else along the other axis; the first side if every side is blocked."""
    height = float(scene.hero_bounds[1, 2] - scene.hero_bounds[0, 2])
    others = [p.vertices[:, :2] @ to_local.T for p in scene.parts
              if not p.dynamic and p.building not in ("hero", "street") and p.bounds[1, 2] > 0.1 * height]
    for kk, side in ((k, -1.0), (k, 1.0), (1 - k, -1.0), (1 - k, 1.0)):
        zlo, zhi = lo.copy(), hi.copy()
        if side < 0:
            zlo[kk], zhi[kk] = lo[kk] - height, lo[kk]
        else:
            zlo[kk], zhi[kk] = hi[kk], hi[kk] + height
        if not any(((v.max(0) > zlo) & (v.min(0) < zhi)).all() for v in others):
            return kk, side
    return k, -1.0


def _topple(scene: Scene, spec: ShotSpec, n: int, t0: float) -> Scenario:
    """A felling cut, as in a toppling demolition: a wedge of supports is blown out on the side it falls to,
    deepest at the outer edge (WEDGE_SHARE of the storeys, slabs included) and none on the far side, which
    acts as the hinge. The wedge is cut square to the building's own walls (the set turns the building to face
    its street); by default it falls across the picture, along the wall axis most square to the view."""
    a = spec.action
    yaw = float(scene.as_set().info.get("yaw_rad", 0.0)) if hasattr(scene, "info") else 0.0
    c, s_ = np.cos(yaw), np.sin(yaw)
    to_local = np.array([[c, s_], [-s_, c]])  # world xy -> the building's own axes
    pts = np.concatenate([p.vertices[:, :2] for p in scene.parts if p.dynamic]) @ to_local.T
    lo, hi = pts.min(0), pts.max(0)
    size = hi - lo
    fall = fall_vector(scene, a.direction)
    if fall is None:
        view = to_local @ np.asarray(scene.as_set().view_dir, float)[:2]
        k, side = _open_side(scene, to_local, lo, hi, int(np.argmin(np.abs(view))))
    else:
        fl = to_local @ fall
        k = int(np.argmax(np.abs(fl)))
        side = float(np.sign(fl[k])) or -1.0
    f = a.start_floor if a.start_floor is not None else 0
    edge = lo[k] if side < 0 else hi[k]  # the side it falls to: the wedge is cut there
    cut = edge - side * 0.75 * size[k]
    depth = max(2, round(WEDGE_SHARE * n))

    def in_wedge(p) -> bool:
        u = ((to_local @ p.centroid[:2])[k] - cut) / (edge - cut)  # 1 at the outer edge, 0 at the hinge
        return u > 0 and p.floor - f < max(1, int(np.ceil(depth * u)))

    floors = set(range(f, f + depth))
    parts = tuple(i for i in _supports(scene, floors, groups=SUPPORT_GROUPS + ("slab",))
                  if in_wedge(scene.parts[i]))
    local = 0.5 * (lo + hi)
    local[k] = edge - side * 0.3 * size[k]
    focus = np.array([*(to_local.T @ local), _floor_z(scene, f + 1)])
    return Scenario("topple", focus, 2.0 * scene.floor_height_m, (Charge(t0, parts, speed_m_s=4.0, release=True),),
                    seam_loads=False, hinge_until_s=t0 + HINGE_S, hinge_deg=HINGE_DEG)


def _plan(scene: Scene, spec: ShotSpec) -> Scenario:
    a = spec.action
    t0 = a.start_s
    n = max(scene.storeys, 1)
    lo, hi = scene.hero_bounds
    mid = 0.5 * (lo + hi)
    size = hi - lo
    kind, region = a.kind, a.region
    if kind == "partial_collapse" and region == "whole":
        kind = "collapse"
    if kind == "none":
        return Scenario("none", mid, float(np.max(size)), ())
    if kind == "collapse":
        f = a.start_floor if a.start_floor is not None else max(1, round(0.3 * n))
        f = min(f, n - 1)
        focus = np.array([mid[0], mid[1], _floor_z(scene, f)])
        return Scenario(kind, focus, 2.5 * scene.floor_height_m, (Charge(t0, _supports(scene, {f})),))
    if kind == "partial_collapse" and region == "top_floors":
        f = a.start_floor if a.start_floor is not None else max(1, n - max(2, n // 4))
        f = min(f, n - 1)
        focus = np.array([mid[0], mid[1], _floor_z(scene, f)])
        return Scenario(kind, focus, 2.0 * scene.floor_height_m, (Charge(t0, _supports(scene, {f})),))
    if kind == "partial_collapse":  # corner
        f = a.start_floor if a.start_floor is not None else 0
        cx, cy = lo[0] + 0.3 * size[0], lo[1] + 0.35 * size[1]
        parts = _supports(scene, {f, f + 1}, lambda c: c[0] < cx and c[1] < cy)
        focus = np.array([lo[0] + 0.15 * size[0], lo[1] + 0.15 * size[1], _floor_z(scene, f + 1)])
        tear = ((float(lo[0]) - 1.0, float(lo[1]) - 1.0), (float(cx), float(cy)))
        ch = Charge(t0, parts, tear_xy=tear, tear_z_m=float(lo[2] + f * scene.floor_height_m))
        return Scenario(kind, focus, 0.4 * float(np.max(size[:2])), (ch,), seam_loads=False)
    if kind == "topple":
        return _topple(scene, spec, n, t0)
    if kind == "implosion":
        gap = a.stage_delay_s if a.stage_delay_s is not None else IMPLOSION_DELAY_S
        charges = []
        inner = lambda c: abs(c[0] - mid[0]) < 0.3 * size[0] and abs(c[1] - mid[1]) < 0.3 * size[1]  # noqa: E731
        floors = {0, 1} | set(range(3, n, 3))
        core = tuple(i for i in _supports(scene, floors) if scene.parts[i].group == "core")
        charges.append(Charge(t0, core, 3.0, inward=True))
        charges.append(Charge(t0 + gap, tuple(i for i in _supports(scene, floors, inner) if i not in core), 4.0, True))
        outer = tuple(i for i in _supports(scene, floors) if i not in core and not inner(scene.parts[i].centroid))
        by_floor: dict[int, list[int]] = {}
        for i in outer:
            by_floor.setdefault(scene.parts[i].floor, []).append(i)
        for k, fl in enumerate(sorted(by_floor)):
            charges.append(Charge(t0 + 2 * gap + gap * k, tuple(by_floor[fl]), 5.0, inward=True))
        focus = np.array([mid[0], mid[1], _floor_z(scene, 1)])
        return Scenario(kind, focus, 3.0 * scene.floor_height_m, tuple(c for c in charges if c.parts))
    raise ValueError(f"unknown action kind {kind!r}")
