"""Rigid-body engines behind one small interface.

An engine holds chunk shapes and compound bodies (one per intact cluster), steps them, and reports the
contact forces on each chunk. Chunk ``c``'s collider sits at its rest position in its body's frame, so a
body's pose (translation ``t``, rotation ``R``) moves its chunks to ``R @ rest_c + t``; a body created at
rest has the identity pose, and the pieces of a split body take the parent's pose.

Engines: ``rapier`` (rapier3d, the default, chosen by ``benchmarks/sim_engines.py``). A missing engine raises
MissingEngine with how to install it.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from plano.errors import MissingEngine, PlanoError

GROUND = -1
"""Chunk index reported for contacts with the ground or a static part."""


class Engine(Protocol):
    name: str

    def add_static(self, vertices: np.ndarray) -> None:
        """A fixed convex collider (a plinth, a context building) from its world vertices (N, 3). The ground
        itself (everything below z = 0) is always there."""

    def set_chunks(self, local_vertices: list[np.ndarray], rest_position: np.ndarray, thresholds_n: np.ndarray,
                   density_kg_m3: np.ndarray) -> None:
        """Every chunk's convex shape: (N_c, 3) vertices about its centre of mass, (C, 3) rest positions, (C,)
        the contact force below which a chunk's contacts are not reported, and (C,) densities."""

    def add_body(self, chunks: np.ndarray, translation, rotation_xyzw, linvel, angvel, fixed: bool,
                 ghost: bool = False) -> int:
        """A compound body of ``chunks`` (indices); returns its id. A ``ghost`` body only collides with static
        colliders (a support blown out by a charge)."""

    def remove_body(self, body: int) -> None: ...

    def remove_chunks(self, body: int, chunks: np.ndarray) -> None:
        """Take ``chunks`` out of ``body`` (its mass and centre of mass follow)."""

    def step(self) -> None: ...

    def poses(self, bodies: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(n, 3) translations and (n, 4) rotations (x, y, z, w) of ``bodies``."""

    def velocities(self, bodies: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(n, 3) centre-of-mass linear velocity, (n, 3) angular velocity, (n, 3) world centre of mass."""

    def contacts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Contact forces since the last call: chunk a (K,), chunk b (K,) (GROUND for static), force (K, 3) N."""

    def kick(self, body: int, linvel: np.ndarray, angvel: np.ndarray | None = None) -> None:
        """Set a body's linear (and angular) velocity."""

    def snapshot(self) -> bytes: ...


ENGINES = ("rapier",)


def get_engine(name: str, dt: float) -> Engine:
    """An engine by name with a fixed time step ``dt`` (s)."""
    if name == "rapier":
        try:
            import rapier3d  # noqa: F401
        except ImportError:
            raise MissingEngine("rapier", "the Python package rapier3d is not installed",
                                "pip install 'plano[sim]' (or: pip install rapier3d)") from None
        from plano.sim.engines.rapier import RapierEngine

        return RapierEngine(dt)
    raise PlanoError(f"unknown sim engine {name!r}; expected one of {ENGINES}")
