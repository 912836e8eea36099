"""Convex solids (boxes, prisms, wedges) as Parts, and exact tests between convex solids.

Every constructor returns vertices (N, 3) float64 and triangle faces (M, 3) int32, counter-clockwise seen
from outside, so ``Part.volume_m3`` is positive.
"""

from __future__ import annotations

import numpy as np

from plano.scene.model import Part

# box corners: index bits (x, y, z)
_BOX_FACES = np.array(
    [
        [0, 2, 3], [0, 3, 1],  # z- (0,1,2,3 at z0): 0=(x0,y0),1=(x1,y0),2=(x0,y1),3=(x1,y1)
        [4, 5, 7], [4, 7, 6],  # z+
        [0, 1, 5], [0, 5, 4],  # y-
        [2, 6, 7], [2, 7, 3],  # y+
        [0, 4, 6], [0, 6, 2],  # x-
        [1, 3, 7], [1, 7, 5],  # x+
    ],
    dtype=np.int32,
)


def box_mesh(lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """Axis-aligned box from its min and max corner (3,) each."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    if np.any(hi - lo <= 0):
        raise ValueError(f"empty box {lo} .. {hi}")
    v = np.array([[hi[0] if i & 1 else lo[0], hi[1] if i & 2 else lo[1], hi[2] if i & 4 else lo[2]] for i in range(8)])
    return v, _BOX_FACES.copy()


def prism_mesh(polygon_xy, z0: float, z1: float) -> tuple[np.ndarray, np.ndarray]:
    """Vertical prism from a convex polygon (K, 2) in CCW order (seen from above), between z0 and z1."""
    p = np.asarray(polygon_xy, float)
    k = len(p)
    v = np.r_[np.c_[p, np.full(k, z0)], np.c_[p, np.full(k, z1)]]
    f = []
    for i in range(1, k - 1):
        f.append([0, i + 1, i])  # bottom, seen from below CCW
        f.append([k, k + i, k + i + 1])
    for i in range(k):
        j = (i + 1) % k
        f.append([i, j, k + j])
        f.append([i, k + j, k + i])
    return v, np.array(f, dtype=np.int32)


def extrude_mesh(polygon, axis: int, a0: float, a1: float) -> tuple[np.ndarray, np.ndarray]:
    """Prism of a convex polygon (K, 2) given in the plane of the two other axes (cyclic order), extruded
    along ``axis`` from a0 to a1. axis 0: polygon in (y, z); 1: (z, x); 2: (x, y)."""
    v, f = prism_mesh(polygon, a0, a1)
    # prism_mesh builds (p0, p1, a); rotate axes cyclically so 'a' lands on `axis`
    order = {2: [0, 1, 2], 0: [2, 0, 1], 1: [1, 2, 0]}[axis]
    return v[:, order], f


def regular_polygon(cx: float, cy: float, radius: float, sides: int, phase: float = 0.0) -> np.ndarray:
    a = phase + 2 * np.pi * np.arange(sides) / sides
    return np.c_[cx + radius * np.cos(a), cy + radius * np.sin(a)]


def pyramid_mesh(lo_xy, hi_xy, z0: float, apex) -> tuple[np.ndarray, np.ndarray]:
    """Rectangular-based pyramid (base at z0) with its apex (3,)."""
    (x0, y0), (x1, y1) = lo_xy, hi_xy
    v = np.array([[x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0], list(apex)], float)
    f = np.array([[0, 2, 1], [0, 3, 2], [0, 1, 4], [1, 2, 4], [2, 3, 4], [3, 0, 4]], dtype=np.int32)
    return v, f


def hull_mesh(points) -> tuple[np.ndarray, np.ndarray]:
    """Convex hull of points (N, 3) with faces turned outwards."""
    from scipy.spatial import ConvexHull

    pts = np.asarray(points, float)
    hull = ConvexHull(pts)
    v = pts[hull.vertices]
    remap = {int(k): i for i, k in enumerate(hull.vertices)}
    f = np.array([[remap[int(a)] for a in tri] for tri in hull.simplices], dtype=np.int32)
    c = v.mean(axis=0)
    t = v[f]
    n = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])
    flip = np.einsum("ij,ij->i", n, t[:, 0] - c) < 0
    f[flip] = f[flip][:, ::-1]
    return v, f


def ellipsoid_mesh(centre, radii, n: int = 26) -> tuple[np.ndarray, np.ndarray]:
    """A convex, roughly ellipsoidal solid (hull of ``n`` Fibonacci-sphere points)."""
    k = np.arange(n) + 0.5
    phi = np.arccos(1 - 2 * k / n)
    theta = np.pi * (1 + 5**0.5) * k
    p = np.c_[np.cos(theta) * np.sin(phi), np.sin(theta) * np.sin(phi), np.cos(phi)]
    return hull_mesh(np.asarray(centre) + p * np.asarray(radii))


def make_part(name, group, material, mesh, building="hero", floor=-1, dynamic=True) -> Part:
    v, f = mesh
    return Part(name=name, group=group, material=material, vertices=np.asarray(v, np.float64),
                faces=np.asarray(f, np.int32), building=building, floor=int(floor), dynamic=bool(dynamic))


def box(name, group, material, lo, hi, **kw) -> Part:
    return make_part(name, group, material, box_mesh(lo, hi), **kw)


# ---------------------------------------------------------------- convex tests


def face_normals(part: Part) -> np.ndarray:
    v = part.vertices[part.faces]
    n = np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0])
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    return n


def _unique_dirs(d: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    d = d[np.linalg.norm(d, axis=1) > tol]
    if not len(d):
        return d
    d = d / np.linalg.norm(d, axis=1, keepdims=True)
    # canonical sign, then dedupe
    s = np.sign(d[np.arange(len(d)), np.argmax(np.abs(d), axis=1)])
    d = np.round(d * s[:, None], 6)
    return np.unique(d, axis=0)


def edge_dirs(part: Part) -> np.ndarray:
    f = part.faces
    e = np.r_[part.vertices[f[:, 1]] - part.vertices[f[:, 0]], part.vertices[f[:, 2]] - part.vertices[f[:, 1]],
              part.vertices[f[:, 0]] - part.vertices[f[:, 2]]]
    return _unique_dirs(e)


def penetration_depth(a: Part, b: Part) -> float:
    """Separating-axis test between two convex solids: the smallest overlap over the candidate axes (face
    normals of both, cross products of edge directions). <= 0 means they are apart or only touch; > 0 is
    how deep they interpenetrate, in metres."""
    axes = [face_normals(a), face_normals(b)]
    ea, eb = edge_dirs(a), edge_dirs(b)
    if len(ea) and len(eb):
        axes.append(np.cross(ea[:, None, :], eb[None, :, :]).reshape(-1, 3))
    axes = _unique_dirs(np.concatenate(axes))
    pa, pb = a.vertices @ axes.T, b.vertices @ axes.T
    overlap = np.minimum(pa.max(0), pb.max(0)) - np.maximum(pa.min(0), pb.min(0))
    return float(overlap.min())


def aabb_pairs(parts, pad: float = 0.0) -> np.ndarray:
    """(P, 2) index pairs whose bounding boxes overlap (or come within ``pad``): sort and sweep on x."""
    b = np.array([p.bounds for p in parts])  # (N, 2, 3)
    lo, hi = b[:, 0] - pad, b[:, 1] + pad
    order = np.argsort(lo[:, 0])
    lo_s, hi_s = lo[order], hi[order]
    out = []
    starts = lo_s[:, 0]
    for k in range(len(order)):
        j_end = np.searchsorted(starts, hi_s[k, 0], side="right")
        if j_end <= k + 1:
            continue
        cand = np.arange(k + 1, j_end)
        ok = np.all((lo_s[cand, 1:] <= hi_s[k, 1:]) & (hi_s[cand, 1:] >= lo_s[k, 1:]), axis=1)
        for j in cand[ok]:
            out.append((order[k], order[j]))
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def is_axis_aligned_box(part: Part) -> bool:
    if len(part.vertices) != 8:
        return False
    lo, hi = part.bounds
    return bool(np.all(np.isclose(part.vertices, lo) | np.isclose(part.vertices, hi)))


def pair_penetrations(parts, pairs: np.ndarray) -> np.ndarray:
    """:func:`penetration_depth` for many (i, j) pairs: exact and vectorised for two axis-aligned boxes
    (overlap of their bounds), the separating-axis test otherwise."""
    pairs = np.asarray(pairs, np.int64).reshape(-1, 2)
    if not len(pairs):
        return np.zeros(0)
    aabb = np.array([is_axis_aligned_box(p) for p in parts])
    b = np.array([p.bounds for p in parts])
    i, j = pairs[:, 0], pairs[:, 1]
    ov = np.minimum(b[i, 1], b[j, 1]) - np.maximum(b[i, 0], b[j, 0])
    out = ov.min(axis=1)
    slow = ~(aabb[i] & aabb[j])
    for k in np.nonzero(slow)[0]:
        out[k] = penetration_depth(parts[i[k]], parts[j[k]])
    return out
