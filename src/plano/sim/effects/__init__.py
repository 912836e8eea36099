"""Secondary effects of the collapse: dust and smoke on a numba grid, dust particles carried by it, debris and
glass thrown from breaks and impacts, papers fluttering from broken windows. Driven by the rigid-body sim's
events and moving chunks, frame by frame (see :class:`EffectsSim`)."""

from plano.sim.effects.config import EffectsConfig
from plano.sim.effects.sim import EffectsSim, grid_layout, hero_mass_kg, simulate_effects

__all__ = ["EffectsConfig", "EffectsSim", "grid_layout", "hero_mass_kg", "simulate_effects"]
