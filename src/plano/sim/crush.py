"""Crushing: load-bearing members that fail in compression, so a falling floor crushes the storey below.

Glue alone does not bring a building down: columns that lost their bonds still carry the slabs by contact,
like a tower of blocks. Real members also fail by crushing: a column or wall whose load (static, or the
impact of what falls on it) exceeds its crushing capacity shortens and breaks into rubble and dust, and
what it carried falls onto the next storey: the crush-down of a progressive collapse (Bazant and Verdure,
"Mechanics of progressive collapse", J. Eng. Mech. 133(3), 2007).

- capacity (N) of a chunk of a load-bearing part: its material's crushing strength (``Material.
  crushing_strength_pa``, the one table in ``plano.scene.materials``) times its horizontal section (volume
  over height), and at least ``DESIGN_FACTOR`` times the weight it carries in the intact building (a
  building is designed to carry itself; a failure elsewhere loads it past that);
- energy (J) it absorbs when it crushes: ``energy_share`` of capacity x height. A crushing column's
  resistance drops soon after its peak (buckling, broken ties): Bazant's mean crushing force is a small
  part of the squash load, which is why a collapse, once started, runs at a large part of free fall.
  ``energy_share`` is how the spec's speed is honoured: a slower collapse is a tougher structure, within
  ``ENERGY_SHARE_RANGE``;
- a crushed chunk loses its bonds and its hold on the ground, stops colliding with other chunks (it is
  rubble falling through the storey, not a block) and shrinks to nothing over ``VANISH_S`` in the cache's
  per-chunk scales while the effects turn its mass into debris and dust.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from plano.scene.model import Scene
from plano.sim.fracture import Fracture
from plano.sim.glue import G, Glue, through_load

CRUSHABLE_GROUPS = ("column", "core", "wall", "stair", "facade", "window", "foundation")
"""What carries load downwards (or stands in the way of a falling floor) and crushes under it."""
PUNCHED_GROUPS = ("slab", "beam", "balcony")
"""What a falling floor punches off its supports and carries down with it: these stack up in the pile (the
pancakes) rather than turn to rubble. A piece is punched out when the contact load passes what its bonds hold."""
HOLDS, CRUSHES, PUNCHES = 0, 1, 2
"""How a chunk fails under a load past its capacity (``Crushing.mode``)."""
LOOSE_SHARE = 1.0 / 16.0
"""A member that lost every bond (no longer braced by the floors it held) fails at this share of its capacity:
the buckling load of a column goes with 1 / (K L)^2, and K goes from 0.5 (both ends held) to 2 (free top)."""
EJECTED = 0.3
"""Of a crushed storey's rubble, the share thrown out of the footprint rather than carried down with the
crushing front (Bazant and Verdure's mass ejection ratio; they take 0.2-0.3 for a tall frame)."""
DESIGN_FACTOR = 2.5
"""A member's crushing capacity is at least this times its load in the intact building (codes: 1.35-1.5 on
dead load, times the material factors)."""
ENERGY_SHARE = 0.01
"""Mean crushing resistance over a member's crush stroke, as a share of its peak capacity."""
ENERGY_SHARE_RANGE = (0.002, 0.5)
"""The physical range of ``energy_share`` (a brittle, badly tied frame .. a ductile, well tied one)."""
VANISH_S = 0.4
"""A crushed chunk shrinks to nothing over this long (its rubble and dust are the effects' from then on)."""
DUST_SHARE = 0.02
"""Of a crushed member's mass, this much becomes fine dust in the air; the rest is debris on the pile."""


@dataclass
class Crushing:
    """Per chunk: ``capacity_n`` (the contact load at which it fails), ``energy_j`` (what its failure
    absorbs), ``mode`` (HOLDS, CRUSHES: turns to rubble, PUNCHES: torn off and carried down), ``carried`` (the share
    of its mass a floor breaking through it carries on with) and ``time_s`` (when it crushed; inf: not yet).
    Mutable: the rigid sim sets ``time_s``."""

    capacity_n: np.ndarray
    energy_j: np.ndarray
    mode: np.ndarray
    carried: np.ndarray
    time_s: np.ndarray = field(default=None)

    def __post_init__(self):
        if self.time_s is None:
            self.time_s = np.full(len(self.capacity_n), np.inf)

    @property
    def crushed(self) -> np.ndarray:
        return np.isfinite(self.time_s)

    def scales(self, t_s: float) -> np.ndarray:
        """(C,) float32 how big each chunk is drawn at ``t_s``: 1, shrinking to 0 over VANISH_S once crushed."""
        age = np.where(self.crushed, t_s - np.where(self.crushed, self.time_s, 0.0), -1.0)
        return np.where(age < 0, 1.0, np.clip(1.0 - age / VANISH_S, 0.0, 1.0)).astype(np.float32)


def build_crushing(scene: Scene, fr: Fracture, glue: Glue, energy_share: float = ENERGY_SHARE,
                   keep_parts: tuple[int, ...] = ()) -> Crushing:
    """The crushing model of the fractured ``scene``; ``keep_parts`` (indices into scene.parts) never fail
    this way (what the spec leaves standing)."""
    ch = fr.chunks
    part = ch.part_index
    groups = np.array([p.group for p in scene.parts])[part]
    kept = np.isin(part, np.asarray(keep_parts, dtype=np.int64))
    mode = np.where(np.isin(groups, CRUSHABLE_GROUPS), CRUSHES,
                    np.where(np.isin(groups, PUNCHED_GROUPS), PUNCHES, HOLDS))
    mode = np.where(kept, HOLDS, mode).astype(np.int8)
    strength = np.zeros(max((m.id for m in scene.materials.values()), default=0) + 1)
    for m in scene.materials.values():
        strength[m.id] = m.crushing_strength_pa
    height = np.maximum(fr.bounds[:, 1, 2] - fr.bounds[:, 0, 2], 0.05)
    section = fr.volumes_m3 / height
    carried_load = through_load(glue, ch.mass_kg, ch.rest_position)
    crush_cap = np.maximum(strength[ch.material_ids] * section, DESIGN_FACTOR * carried_load)
    held = np.zeros(ch.count)  # what a piece's bonds hold together
    np.add.at(held, glue.pairs[:, 0], glue.capacity_n)
    np.add.at(held, glue.pairs[:, 1], glue.capacity_n)
    capacity = np.where(mode == PUNCHES, held, crush_cap)
    capacity = np.maximum(capacity, 2.0 * ch.mass_kg * G)  # a piece always carries twice its own weight
    share = float(np.clip(energy_share, *ENERGY_SHARE_RANGE))
    carried = np.where(mode == CRUSHES, 1.0 - EJECTED, 1.0)
    return Crushing(capacity, share * capacity * height, mode, carried)
