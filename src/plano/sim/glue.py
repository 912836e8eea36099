"""Glue: the connection graph between chunks, and the loads that break it.

Bonds join chunks that touch: inside a part along their shared Voronoi faces, between parts where their
bounding boxes touch (contact area estimated from the overlap of the boxes). A chunk resting on the ground
is anchored. Intact clusters (connected components of unbroken bonds) move as one compound rigid body; a
cluster that still reaches an anchor stands (a fixed body) until its bonds or its balance fail.

Loads on bonds, compared with ``capacity_n`` (material bond strength x contact area):
- static: every anchored cluster carries its own weight and what rests on it down to its anchors; the weight
  flows from chunk to chunk towards the anchors (by hops in the bond graph), shared among the bonds that lead
  down in proportion to their area, and a side bond (in a slab or beam) also carries the bending moment of the
  load's horizontal lever arm (tension ``6 M / depth``). Vertical (bearing) bonds carry the load in
  compression, ten times stronger than in tension.
- dynamic: a contact force the engine reports on a chunk loads that chunk's bonds (a bearing bond takes its
  vertical part in compression), and 60% of it the next ones.
Buildings are designed to carry their own weight: a bond's capacity is at least ``DESIGN_FACTOR`` times its
load in the intact building, so the intact building stands and a removed support overloads its neighbours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from plano.scene.model import Scene
from plano.sim.fracture import Fracture

G = 9.81
DESIGN_FACTOR = 2.0
"""Intact-building safety factor on static loads: codes ask for 1.35 on dead load and, against progressive
collapse, that the loss of one support be carried by the others (GSA guidelines use a dynamic factor of 2)."""
COMPRESSION_FACTOR = 10.0
"""Concrete carries about ten times more in compression than in tension."""
TOUCH_M = 0.02
"""Chunks of different parts closer than this are glued."""
ANCHOR_Z_M = 0.05
"""Chunks whose bottom is this close to the ground (z = 0), or that stand on a static part, are anchored."""


@dataclass
class Glue:
    """The bond graph (mutable: ``intact`` and ``anchored`` change as the sim runs).

    ``pairs`` (B, 2) int32 chunk indices; ``area_m2`` (B,); ``capacity_n`` (B,) force at which the bond breaks;
    ``normal`` (B, 3) unit contact normal; ``depth_m`` (B,) section depth for bending; ``intact`` (B,) bool;
    ``anchored`` (C,) bool: glued to the ground."""

    pairs: np.ndarray
    area_m2: np.ndarray
    capacity_n: np.ndarray
    normal: np.ndarray
    depth_m: np.ndarray
    intact: np.ndarray
    anchored: np.ndarray
    n_chunks: int

    @property
    def count(self) -> int:
        return len(self.pairs)

    @property
    def broken(self) -> int:
        return int((~self.intact).sum())

    def components(self) -> np.ndarray:
        """(C,) cluster label of each chunk (labels ordered by each cluster's lowest chunk index)."""
        p = self.pairs[self.intact]
        g = coo_matrix((np.ones(len(p)), (p[:, 0], p[:, 1])), shape=(self.n_chunks, self.n_chunks))
        return connected_components(g, directed=False)[1]


def _between_parts(fr: Fracture) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chunk pairs of different parts whose boxes touch: (pairs (K,2), area (K,), normal axis (K,))."""
    lo, hi = fr.bounds[:, 0], fr.bounds[:, 1]
    part = fr.chunks.part_index
    order = np.argsort(lo[:, 0], kind="stable")
    slo = lo[order, 0]
    out_i, out_j = [], []
    for a in range(len(order)):
        i = order[a]
        b = np.searchsorted(slo, hi[i, 0] + TOUCH_M, side="right")
        js = order[a + 1 : b]
        if not len(js):
            continue
        ok = (lo[js] <= hi[i] + TOUCH_M).all(axis=1) & (hi[js] >= lo[i] - TOUCH_M).all(axis=1) & (part[js] != part[i])
        js = js[ok]
        out_i.append(np.full(len(js), i))
        out_j.append(js)
    if not out_i:
        return np.zeros((0, 2), np.int32), np.zeros(0), np.zeros(0, int)
    i, j = np.concatenate(out_i), np.concatenate(out_j)
    ov = np.minimum(hi[i], hi[j]) - np.maximum(lo[i], lo[j])  # (K, 3) overlap extents
    axis = np.argmin(ov, axis=1)
    ext = np.sort(np.clip(ov, 0, None), axis=1)
    area = ext[:, 1] * ext[:, 2]
    keep = (area > 1e-4) & (ov[np.arange(len(i)), axis] < 0.05)
    pairs = np.sort(np.c_[i, j][keep], axis=1).astype(np.int32)
    return pairs, area[keep], axis[keep]


def build_glue(fr: Fracture, scene: Scene) -> Glue:
    """Bonds inside parts (shared Voronoi faces) and between touching parts; anchors at the ground."""
    ch = fr.chunks
    pos = ch.rest_position
    p1 = fr.bonds
    n1 = pos[p1[:, 1]] - pos[p1[:, 0]]
    n1 /= np.maximum(np.linalg.norm(n1, axis=1, keepdims=True), 1e-12)
    p2, a2, axis2 = _between_parts(fr)
    n2 = np.eye(3)[axis2]
    pairs = np.r_[p1, p2].astype(np.int32)
    area = np.r_[fr.bond_area_m2, a2]
    normal = np.r_[n1, n2]
    strength = np.zeros(len(scene.materials) and max(m.id for m in scene.materials.values()) + 1)
    for m in scene.materials.values():
        strength[m.id] = m.tensile_strength_pa
    mat = ch.material_ids
    s = np.minimum(strength[mat[pairs[:, 0]]], strength[mat[pairs[:, 1]]]) if len(pairs) else np.zeros(0)
    ext = fr.bounds[:, 1] - fr.bounds[:, 0]
    vertical = np.abs(normal[:, 2]) > 0.7
    # section depth: horizontal width of a bearing bond, the smaller chunk height of a side bond
    depth = np.where(vertical, np.sqrt(area), np.minimum(ext[pairs[:, 0], 2], ext[pairs[:, 1], 2]))
    anchored = fr.bounds[:, 0, 2] < ANCHOR_Z_M
    # a chunk standing on a static part (a plinth, a podium, the street) is anchored to it too
    for part in scene.parts:
        if part.dynamic:
            continue
        lo, hi = part.bounds
        touch = ((fr.bounds[:, 0] <= hi + TOUCH_M).all(axis=1) & (fr.bounds[:, 1] >= lo - TOUCH_M).all(axis=1)
                 & (fr.bounds[:, 0, 2] >= hi[2] - TOUCH_M))
        anchored |= touch
    glue = Glue(pairs, area, s * area, normal, np.maximum(depth, 0.05), np.ones(len(pairs), bool), anchored, ch.count)
    demand = static_demand(glue, ch.mass_kg, pos)
    glue.capacity_n = np.maximum(glue.capacity_n, DESIGN_FACTOR * demand)
    return glue


def static_demand(glue: Glue, mass_kg: np.ndarray, positions: np.ndarray, extra_n: np.ndarray | None = None,
                  supports: np.ndarray | None = None) -> np.ndarray:
    """(B,) equivalent tensile force on each intact bond from the weight (plus ``extra_n`` (C,) downward
    contact loads, N) that flows through it to the anchors (and ``supports`` (C,) bool: chunks resting on
    something); 0 for bonds of clusters with neither."""
    return _load_flow(glue, mass_kg, positions, extra_n, supports)[0]


def through_load(glue: Glue, mass_kg: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """(C,) the weight each chunk carries down to the anchors, N: its own and all that rests on it through the
    bond graph (a ground-floor column carries its share of every storey above)."""
    return _load_flow(glue, mass_kg, positions, None, None)[1]


def _load_flow(glue, mass_kg, positions, extra_n, supports) -> tuple[np.ndarray, np.ndarray]:
    C = glue.n_chunks
    ok = np.flatnonzero(glue.intact)
    p = glue.pairs[ok]
    root = C
    anc = np.flatnonzero(glue.anchored if supports is None else glue.anchored | supports)
    rows = np.r_[p[:, 0], np.full(len(anc), root)]
    cols = np.r_[p[:, 1], anc]
    # load follows stiff paths: the "distance" of a bond is its length over its area (a resistance), so the
    # weight goes down columns and slabs rather than through the small contacts of a facade panel
    length = np.linalg.norm(positions[p[:, 0]] - positions[p[:, 1]], axis=1)
    res = np.r_[length / np.maximum(glue.area_m2[ok], 1e-4) + 1e-6, np.full(len(anc), 1e-6)]
    g = coo_matrix((res, (rows, cols)), shape=(C + 1, C + 1)).tocsr()
    dist = dijkstra(g, directed=False, indices=root)[:C]
    demand = np.zeros(glue.count)
    if not np.isfinite(dist).any():
        return demand, np.zeros(C)
    di, dj = dist[p[:, 0]], dist[p[:, 1]]
    down = np.isfinite(di) & np.isfinite(dj) & (di != dj)
    src = np.where(di > dj, p[:, 0], p[:, 1])[down]
    dst = np.where(di > dj, p[:, 1], p[:, 0])[down]
    bidx = ok[down]
    w_bond = glue.area_m2[bidx]
    share_den = np.bincount(src, weights=w_bond, minlength=C)
    share = w_bond / np.maximum(share_den[src], 1e-12)
    load = mass_kg * G + (extra_n if extra_n is not None else 0.0)
    load = np.where(np.isfinite(dist), load, 0.0)
    xy = positions[:, :2]
    mom = load[:, None] * xy  # load-weighted horizontal position of everything passing through a chunk
    bond_mid = 0.5 * (positions[src, :2] + positions[dst, :2])
    flow = np.zeros(len(src))
    lever = np.zeros(len(src))
    # from the top of the graph down: a bond's upper chunk has all its load before the bond passes it on (every
    # bond goes to a chunk strictly nearer the ground, so bonds of one level never feed each other)
    order = np.argsort(-dist[src], kind="stable")
    _flow_down(order, src, dst, share, load, mom, bond_mid, flow, lever)
    vertical = np.abs(glue.normal[bidx, 2]) > 0.7
    axial = np.where(vertical, flow / COMPRESSION_FACTOR, flow)
    bending = np.where(vertical, 0.0, 6.0 * flow * lever / glue.depth_m[bidx])
    demand[bidx] = axial + bending
    return demand, load


@njit(nogil=True, cache=True)
def _flow_down(order, src, dst, share, load, mom, bond_mid, flow, lever):
    """Pass each chunk's load (and its load-weighted position ``mom``) down its bonds in ``order``, in place."""
    for k in order:
        s, d = src[k], dst[k]
        f = load[s] * share[k]
        den = max(load[s], 1e-12)
        cx, cy = mom[s, 0] / den, mom[s, 1] / den
        flow[k] = f
        dx, dy = cx - bond_mid[k, 0], cy - bond_mid[k, 1]
        lever[k] = math.sqrt(dx * dx + dy * dy)
        load[d] += f
        mom[d, 0] += f * cx
        mom[d, 1] += f * cy


def contact_demand(glue: Glue, chunk: np.ndarray, force_n: np.ndarray, carry: float = 0.6) -> np.ndarray:
    """(B,) load on bonds from contact forces ``force_n`` (K, 3) on chunks ``chunk`` (K,): the force on a chunk
    passes through each of its intact bonds (it is what holds the chunk), and ``carry`` of it through the bonds
    one step further. A vertical (bearing) bond takes the vertical part of the force in compression, ten times
    stronger than in tension or shear."""
    C = glue.n_chunks
    f = np.asarray(force_n, float).reshape(-1, 3)
    fh = np.zeros(C)
    fz = np.zeros(C)
    np.add.at(fh, chunk, np.linalg.norm(f[:, :2], axis=1))
    np.add.at(fz, chunk, np.abs(f[:, 2]))
    p = glue.pairs
    live = glue.intact
    vertical = np.abs(glue.normal[:, 2]) > 0.7
    load = lambda c: np.where(vertical, fh[c] + fz[c] / COMPRESSION_FACTOR, fh[c] + fz[c])  # noqa: E731
    d = np.where(live, np.maximum(load(p[:, 0]), load(p[:, 1])), 0.0)
    recv = np.zeros(C)
    np.maximum.at(recv, p[live, 0], d[live])
    np.maximum.at(recv, p[live, 1], d[live])
    d2 = carry * np.where(live, np.maximum(recv[p[:, 0]], recv[p[:, 1]]), 0.0)
    return np.maximum(d, d2)
