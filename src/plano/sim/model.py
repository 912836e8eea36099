"""The simulation cache's data model: chunks and what happens to them, frame by frame.

Chunk geometry is stored once, in each chunk's own frame (centred on its centre of mass); every frame
stores each chunk's world position and rotation, so a renderer draws chunk ``c`` at frame ``i`` as
``R(rotations[i, c]) @ local_vertex + positions[i, c]``. Quaternions are (x, y, z, w).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# particle kinds
DUST, DEBRIS, PAPER, GLASS, SMOKE, FIRE = 0, 1, 2, 3, 4, 5
PARTICLE_KINDS = {"dust": DUST, "debris": DEBRIS, "papers": PAPER, "glass": GLASS, "smoke": SMOKE, "fire": FIRE}


@dataclass(frozen=True)
class Chunks:
    """All chunks' geometry, concatenated.

    ``vertices`` (V, 3) float32 local coordinates; ``faces`` (T, 3) int32 indices into each chunk's own
    vertex range (add ``vertex_offsets[c]``); ``vertex_offsets`` (C+1,), ``face_offsets`` (C+1,);
    ``material_ids`` (C,) int32 (Material.id); ``part_index`` (C,) int32 index into Scene.parts;
    ``mass_kg`` (C,) float64; ``rest_position`` (C, 3) float64 world centre of mass before anything moves.
    """

    vertices: np.ndarray
    faces: np.ndarray
    vertex_offsets: np.ndarray
    face_offsets: np.ndarray
    material_ids: np.ndarray
    part_index: np.ndarray
    mass_kg: np.ndarray
    rest_position: np.ndarray

    @property
    def count(self) -> int:
        return len(self.mass_kg)

    def chunk_vertices(self, c: int) -> np.ndarray:
        return self.vertices[self.vertex_offsets[c] : self.vertex_offsets[c + 1]]

    def chunk_faces(self, c: int) -> np.ndarray:
        return self.faces[self.face_offsets[c] : self.face_offsets[c + 1]]


@dataclass(frozen=True)
class DustGrid:
    """Dust / smoke density on a regular grid. ``density`` (nx, ny, nz) float32, kg/m^3-like units
    (render scales it by an extinction coefficient); cell ``(i, j, k)`` is centred at
    ``origin + (i + 0.5, j + 0.5, k + 0.5) * cell_m``. ``temperature`` optional (same shape) for fire.
    The grid's floor is the ground (origin z = 0). ``density`` is kg of suspended dust and smoke per m^3
    (a thick collapse cloud is ~0.01-0.1; fine dust extinguishes roughly 500 m^2 per kg)."""

    origin: np.ndarray
    cell_m: float
    density: np.ndarray
    temperature: np.ndarray | None = None
    """Kelvin above the ambient air (same shape), where the spec asks for fire."""
    smoke: np.ndarray | None = None
    """The part of ``density`` that is dark smoke rather than pale dust (same shape), where the spec asks for
    smoke or fire; render may tint by ``smoke / density``."""


@dataclass(frozen=True)
class Particles:
    """(P, 3) ``positions`` and ``velocities`` (m, m/s), (P,) ``sizes_m``, ``ages_s``, ``kinds`` uint8,
    ``ids`` int64 (stable across frames: the same particle keeps its id)."""

    positions: np.ndarray
    velocities: np.ndarray
    sizes_m: np.ndarray
    ages_s: np.ndarray
    kinds: np.ndarray
    ids: np.ndarray

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class SimFrame:
    frame: int
    positions: np.ndarray
    """(C, 3) float64 chunk centres of mass."""
    rotations: np.ndarray
    """(C, 4) float32 quaternions (x, y, z, w)."""
    velocities: np.ndarray
    """(C, 3) float32 linear velocity, m/s (for motion vectors and blur)."""
    particles: Particles
    dust: DustGrid | None
    bonds_broken: int
    """Bonds broken so far (cumulative)."""
    scales: np.ndarray | None = None
    """(C,) float32 how big each chunk is drawn (1; a crushed member shrinks to 0 as it turns into rubble and
    dust); None: all 1."""


@dataclass(frozen=True)
class SimInfo:
    fps: float
    frame_start: int
    frame_count: int
    engine: str
    seed: int
    bonds_total: int
    seconds: float
