"""How finely the sim works for a quality tier.

``previs`` and ``final`` simulate the same collapse (the chunks and effects of the reference shot); ``draft``,
for variants side by side and a sequence's first look, breaks the building into fewer chunks and carries fewer
particles on a coarser dust grid: the same building comes down the same way in outline, in a fraction of the
time. The tier is in the sim's cache key only when it changes what the sim makes.
"""

from __future__ import annotations

import dataclasses

from plano.errors import PlanoError

TIERS = ("draft", "previs", "final")
DRAFT_CHUNKS = 1200
"""Chunks of a draft fracture (the reference building gets ~3,500 at previs)."""
DRAFT_EFFECTS = dict(grid_cells=150_000, dust_particles=60_000, max_dust_particles=50_000, max_debris=20_000,
                     max_papers=4_000, pressure_iterations=16, max_substeps=2)
"""A coarser dust grid (a quarter of the cells), a fifth of the particles, fewer pressure iterations."""


def sim_tier(quality: str) -> dict | None:
    """``None`` for the full sim (previs, final); for ``draft`` the settings it changes (JSON, for the key)."""
    if quality not in TIERS:
        raise PlanoError(f"quality {quality!r} is not known; expected one of {', '.join(TIERS)}")
    if quality != "draft":
        return None
    return {"tier": "draft", "target_chunks": DRAFT_CHUNKS, "effects": dict(DRAFT_EFFECTS)}


def effects_config(tier: dict | None):
    """The effects' settings of a tier, an EffectsConfig (``None``: the defaults)."""
    if not tier:
        return None
    from plano.sim.effects.config import EffectsConfig

    return dataclasses.replace(EffectsConfig(), **tier["effects"])
