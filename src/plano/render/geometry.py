"""Vertex data for the renderer: static parts, sim chunks, particle shapes, the material table, transforms.

Every triangle gets its own three vertices (flat shading; parts and chunks are convex solids), with an outward
normal checked against the solid's centre so a wrongly wound face still shades right.

Vertex layout (``VERTEX_FORMAT``), 12 values per vertex:
``pos`` (3 f4, world for static parts, chunk-local for chunks), ``normal`` (3 f4), ``rest`` (3 f4: the position
in the building before anything moved, where procedural textures are looked up so they stick to a falling
chunk), ``ids`` (3 i4: chunk index or -1, object id, material slot).

Object ids (the ``id.object`` pass): ``Scene.parts`` index + 1 for every part, hero or static, whether it is
drawn from the scene or through its sim chunks (a chunk carries its part's id); 0 is the sky; particles get
``len(scene.parts) + 1 + kind`` (debris, papers, glass).
Material ids (``id.material``): ``Material.id``; particles use ``PARTICLE_MATERIAL_BASE + kind``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from plano.errors import PlanoError
from plano.scene.materials import texture_id
from plano.scene.model import Material, Scene
from plano.sim.model import DEBRIS, GLASS, PAPER, Chunks

VERTEX_FORMAT = "3f 3f 3f 3i"
VERTEX_ATTRS = ("in_pos", "in_normal", "in_rest", "in_ids")
SHADOW_FORMAT = "3f 24x 3i"
SHADOW_ATTRS = ("in_pos", "in_ids")

PARTICLE_MATERIAL_BASE = 1000
DRAWN_PARTICLE_KINDS = (DEBRIS, PAPER, GLASS)

# particle look: base colour (ACEScg), roughness, metallic, transmission, texture
_PARTICLE_MATERIALS = {
    DEBRIS: ((0.30, 0.29, 0.27), 0.9, 0.0, 0.0, "concrete"),
    PAPER: ((0.80, 0.79, 0.75), 0.6, 0.0, 0.0, "paper"),
    GLASS: ((0.03, 0.035, 0.035), 0.04, 0.0, 0.6, "glass"),
}


@dataclass(frozen=True)
class Mesh:
    """``data``: the packed vertex buffer, 12 four-byte values per vertex (ids stored as int32)."""

    data: bytes
    count: int
    bounds: np.ndarray
    """(2, 3) world bounds (rest pose)."""


def _flat_triangles(verts: np.ndarray, faces: np.ndarray, centres: np.ndarray):
    """Per-triangle vertices (T*3, 3) and outward normals (T*3, 3). ``centres`` (T, 3) solid centre per face."""
    tri = verts[faces]  # (T, 3, 3)
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    length = np.linalg.norm(n, axis=1, keepdims=True)
    n = n / np.maximum(length, 1e-12)
    flip = np.einsum("ij,ij->i", n, tri.mean(axis=1) - centres) < 0
    n[flip] *= -1
    return tri.reshape(-1, 3), np.repeat(n, 3, axis=0)


def _pack(pos, normal, rest, ids) -> bytes:
    out = np.empty((len(pos), 12), np.float32)
    out[:, 0:3], out[:, 3:6], out[:, 6:9] = pos, normal, rest
    out[:, 9:12] = np.asarray(ids, np.int32).view(np.float32)
    return out.tobytes()


def material_slot(scene: Scene, name: str) -> Material:
    try:
        return scene.materials[name]
    except KeyError:
        raise PlanoError(
            f"part material {name!r} is not in the scene's materials ({', '.join(sorted(scene.materials))}); "
            "the scene is inconsistent: rebuild it with `plano scene`"
        ) from None


def static_mesh(scene: Scene, include_dynamic: bool) -> Mesh | None:
    """All parts drawn from the scene: the static ones, and the dynamic ones too when there is no sim."""
    pos, nrm, ids = [], [], []
    for index, part in enumerate(scene.parts):
        if part.dynamic and not include_dynamic:
            continue
        faces = np.asarray(part.faces, np.int64)
        if len(faces) == 0:
            continue
        v = np.asarray(part.vertices, np.float64)
        centre = np.repeat(v.mean(axis=0)[None], len(faces), axis=0)
        p, n = _flat_triangles(v, faces, centre)
        mat = material_slot(scene, part.material)
        pos.append(p)
        nrm.append(n)
        ids.append(np.tile([-1, index + 1, mat.id], (len(p), 1)))
    if not pos:
        return None
    p, n, i = np.concatenate(pos), np.concatenate(nrm), np.concatenate(ids)
    return Mesh(_pack(p, n, p, i), len(p), np.stack([p.min(0), p.max(0)]))


def chunk_mesh(chunks: Chunks) -> Mesh | None:
    """The sim chunks in their local frames; ``rest`` is local + rest_position (where the chunk started)."""
    if chunks.count == 0 or len(chunks.faces) == 0:
        return None
    face_counts = np.diff(chunks.face_offsets)
    chunk_of_face = np.repeat(np.arange(chunks.count), face_counts)
    faces = chunks.faces.astype(np.int64) + chunks.vertex_offsets[:-1][chunk_of_face][:, None]
    verts = chunks.vertices.astype(np.float64)
    vert_counts = np.diff(chunks.vertex_offsets)
    chunk_of_vert = np.repeat(np.arange(chunks.count), vert_counts)
    sums = np.zeros((chunks.count, 3))
    np.add.at(sums, chunk_of_vert, verts)
    centres = sums / np.maximum(vert_counts, 1)[:, None]
    p, n = _flat_triangles(verts, faces, centres[chunk_of_face])
    c = np.repeat(chunk_of_face, 3)
    rest = p + chunks.rest_position[c]
    ids = np.stack([c, chunks.part_index[c] + 1, chunks.material_ids[c]], axis=1)
    return Mesh(_pack(p, n, rest, ids), len(p), np.stack([rest.min(0), rest.max(0)]))


PARTICLE_SHAPES = {DEBRIS: (1.0, 0.8, 0.6), PAPER: (1.0, 0.72, 0.02), GLASS: (1.0, 0.55, 0.03)}
"""The axes of each drawn kind's octahedron, in units of its size (papers and glass are flat cards):
``particles.vert`` gets them as uniforms, ``split_particles`` measures with them."""
POINT_BELOW_PX2 = 1.0
"""A particle whose mean projected area is under this many pixels is drawn as a one-pixel point."""


def mean_projected_area(shape) -> float:
    """Mean projected area over all orientations of the octahedron with vertices at +-``shape``/2: a quarter of
    its surface (Cauchy's formula for convex bodies)."""
    a, b, c = (float(v) / 2.0 for v in shape)
    return float(np.sqrt(a * a * b * b + b * b * c * c + a * a * c * c))


def _unit_hash(ids: np.ndarray) -> np.ndarray:
    """A number in [0, 1) per particle id (Knuth's multiplicative hash), the same every frame."""
    return ((ids.astype(np.uint64) * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)).astype(np.float64) / 2.0 ** 32


def split_particles(inst: np.ndarray, viewproj: np.ndarray, focal_px: float) -> tuple[np.ndarray, np.ndarray]:
    """The particle instances (N, 10: position, velocity, size, kind, id, age) as (octahedra, points).

    ``focal_px``: pixels per metre at one metre from the camera (projection[1, 1] times half the height). A
    particle whose mean projected area is under ``POINT_BELOW_PX2`` becomes a one-pixel point, kept with a
    probability of its area in pixels by a hash of its id (a particle keeps its choice from frame to frame): the
    expected coverage of the frame stays the same, drawn with one vertex instead of 24. Most debris is a few
    centimetres across, under a pixel in a wide shot. Particles behind the camera stay octahedra (clipped)."""
    if len(inst) == 0:
        return inst, inst
    w = inst[:, 0:3].astype(np.float64) @ viewproj[3, 0:3] + viewproj[3, 3]
    factor = np.zeros(8)
    for kind, shape in PARTICLE_SHAPES.items():
        factor[kind] = mean_projected_area(shape)
    kinds = np.clip(np.rint(inst[:, 7]).astype(np.int64), 0, len(factor) - 1)
    px = inst[:, 6] * focal_px / np.maximum(w, 1e-6)
    area = factor[kinds] * px * px
    small = (w > 0) & (area < POINT_BELOW_PX2)
    keep = small & (_unit_hash(inst[:, 8]) < area)
    return inst[~small], inst[keep]


def particle_point() -> np.ndarray:
    """(1, 6): the one vertex of a particle drawn as a point (its centre; the normal turns with the particle)."""
    return np.array([[0.0, 0.0, 0.0, 0.0, 0.0, 1.0]], np.float32)


def particle_shape() -> np.ndarray:
    """An octahedron (24, 6): position and normal per vertex, unit size; flattened per kind in the shader."""
    v = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], np.float64) * 0.5
    faces = []
    for sx in (0, 1):
        for sy in (2, 3):
            for sz in (4, 5):
                faces.append([sx, sy, sz])
    faces = np.array(faces)
    p, n = _flat_triangles(v, faces, np.zeros((len(faces), 3)))
    return np.c_[p, n].astype(np.float32)


def material_table(scene: Scene) -> tuple[np.ndarray, int]:
    """(M, 8) float32 rows indexed by material id: base colour, roughness, metallic, transmission,
    texture kind (``plano.scene.materials.TEXTURE_IDS``), texture scale. Rows for the particle materials sit at
    PARTICLE_MATERIAL_BASE + kind."""
    max_id = max([m.id for m in scene.materials.values()] + [0])
    if max_id >= PARTICLE_MATERIAL_BASE:
        raise PlanoError(f"material id {max_id} is too large; the renderer expects ids below {PARTICLE_MATERIAL_BASE}")
    rows = np.zeros((PARTICLE_MATERIAL_BASE + 8, 8), np.float32)
    rows[:, 0:3], rows[:, 3], rows[:, 7] = 0.5, 0.8, 1.0
    for m in scene.materials.values():
        rows[m.id] = [*m.base_color, m.roughness, m.metallic, m.transmission,
                      texture_id(m.texture), max(m.texture_scale_m, 1e-3)]
    for kind, (col, rough, metal, trans, tex) in _PARTICLE_MATERIALS.items():
        rows[PARTICLE_MATERIAL_BASE + kind] = [*col, rough, metal, trans, texture_id(tex), 1.0]
    return rows, max_id


def quat_to_matrices(positions: np.ndarray, quats_xyzw: np.ndarray, scales: np.ndarray | None = None) -> np.ndarray:
    """(C, 3) positions, (C, 4) quaternions (x, y, z, w) and optional (C,) uniform scales about each chunk's
    centre -> (C, 4, 4) float32 model matrices, column-major when read by OpenGL (the array is the transpose,
    ready to upload)."""
    q = np.asarray(quats_xyzw, np.float64)
    q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
    x, y, z, w = q.T
    m = np.zeros((len(q), 4, 4))
    m[:, 0, 0] = 1 - 2 * (y * y + z * z)
    m[:, 0, 1] = 2 * (x * y - z * w)
    m[:, 0, 2] = 2 * (x * z + y * w)
    m[:, 1, 0] = 2 * (x * y + z * w)
    m[:, 1, 1] = 1 - 2 * (x * x + z * z)
    m[:, 1, 2] = 2 * (y * z - x * w)
    m[:, 2, 0] = 2 * (x * z - y * w)
    m[:, 2, 1] = 2 * (y * z + x * w)
    m[:, 2, 2] = 1 - 2 * (x * x + y * y)
    if scales is not None:
        m[:, :3, :3] *= np.asarray(scales, np.float64)[:, None, None]
    m[:, :3, 3] = positions
    m[:, 3, 3] = 1.0
    return np.ascontiguousarray(m.transpose(0, 2, 1), np.float32)
