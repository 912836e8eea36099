"""What the rigid-body sim tells the effects: where and how hard things broke or hit.

The rigid sim collects events between two frames and hands them to the effects stepper, so dust, debris,
papers and glass are driven by the collapse, not by a timer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BREAK, IMPACT, GROUND_IMPACT, WINDOW_BREAK, CRUSH = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class Events:
    """E events. ``times_s`` (E,) from the first frame; ``positions`` (E, 3) m; ``velocities`` (E, 3) m/s
    of the material involved; ``strength`` (E,) how violent (impulse in N*s for impacts, broken bond area in m^2
    times strength in Pa times 1 s for breaks, the crushed member's mass in kg for crushes; compare within a
    kind); ``kinds`` (E,) uint8 (BREAK, IMPACT, GROUND_IMPACT, WINDOW_BREAK, CRUSH: a load-bearing member
    crushed into rubble and dust); ``material_ids`` (E,) int32 (Material.id)."""

    times_s: np.ndarray
    positions: np.ndarray
    velocities: np.ndarray
    strength: np.ndarray
    kinds: np.ndarray
    material_ids: np.ndarray

    @property
    def count(self) -> int:
        return len(self.times_s)

    @staticmethod
    def empty() -> "Events":
        return Events(
            np.zeros(0), np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0), np.zeros(0, np.uint8), np.zeros(0, np.int32)
        )

    @staticmethod
    def concat(items: list["Events"]) -> "Events":
        items = [e for e in items if e.count]
        if not items:
            return Events.empty()
        return Events(*(np.concatenate([getattr(e, f) for e in items]) for f in
                        ("times_s", "positions", "velocities", "strength", "kinds", "material_ids")))
