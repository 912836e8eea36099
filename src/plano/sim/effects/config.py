"""The knobs of the secondary effects, with the values the reference shot uses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EffectsConfig:
    """Tuning of dust, smoke, debris, papers and glass. Masses are scaled by the hero building's mass, so the
    same values work for a house and a tower."""

    # the dust grid
    grid_cells: int = 600_000
    """Cells in the dust grid (cubic cells; the shape follows the domain)."""
    margin_widths: float = 2.0
    """The grid reaches this many building widths (the larger footprint side) beyond each side."""
    height_factor: float = 2.0
    """The grid's height, in building heights."""
    min_height_m: float = 30.0
    pressure_iterations: int = 30
    vorticity: float = 0.6
    """Vorticity confinement (billowing); 0 turns it off."""
    dust_settle_s: float = 30.0
    """Time for the suspended dust mass to fall to 1/e (settling out of the air)."""
    smoke_thin_s: float = 45.0
    cool_s: float = 4.0
    """Time for hot air to cool to 1/e: hot dust rises, then stops rising."""
    damping_s: float = 12.0
    dust_weight: float = 0.5
    """Fraction of the suspended dust's weight the air feels (1: all of it; the cloud then hugs the ground)."""
    expelled_air: float = 0.9
    """Fraction of the building's volume of air pushed out as its mass comes down (the collapse's surge)."""
    air_expel_min_s: float = 1.0
    """The building's air cannot all be pushed out faster than this: caps a frame's expelled air at
    volume * dt / air_expel_min_s, and the whole shot's at the building's volume."""
    break_air: float = 2e-4
    """Air pushed out at each broken bond, as a fraction of the building's volume: the puffs of dust blown out
    of the facade below a pancaking floor."""
    chunk_coupling: float = 0.35
    """How strongly a moving chunk drags the air in its cells each frame (0..1): falling mass pushes a downdraft
    that turns into an outflow along the ground."""
    max_substeps: int = 3
    max_air_speed_m_s: float = 60.0
    threads: int | None = 1
    """Numba threads for the grid and particles; ``None`` uses numba's default. One is the fastest on a busy
    2-core machine (measured here: two threads ran 2 to 30 times slower while other jobs used the cores)."""

    # dust sources
    dust_fraction: float = 0.0005
    """Dust kg per kg of falling mass that hits the ground (mass = impulse / impact speed)."""
    break_dust_fraction: float = 3e-9
    """Dust kg per broken bond, as a fraction of the hero's mass."""
    impact_dust_speed_m_s: float = 10.0
    """Chunk-on-chunk impacts make their full dust (twice a break's) at this speed, less as its square below."""
    crush_dust_fraction: float = 0.0005
    """Dust kg per kg of falling mass stopped hard (a floor pancaking onto the one below, rubble landing)."""
    crush_min_speed_m_s: float = 2.5
    crush_sources: int = 24
    """Grid sources per frame for the crushed floors' dust (picked among the stopped chunks by mass)."""
    surge_share: float = 0.8
    """Part of the crush dust that comes out at the foot of the facade as the ground surge (the rest puffs out of
    the windows at the crushed floor)."""
    surge_speed_m_s: float = 24.0
    surge_height_m: float = 2.0
    surge_heat_k: float = 0.0
    puff_speed_m_s: float = 7.0
    """Speed dust is blown out of the windows at a break or a crushed floor."""
    puff_heat_k: float = 35.0
    facade_offset_m: float = 1.5
    """Dust made inside the building starts this far outside its nearest facade."""
    trail_dust_rate: float = 2.5e-8
    """Dust kg per second shed by each fast-moving chunk in the air, as a fraction of the hero's mass."""
    trail_speed_m_s: float = 6.0
    min_impact_speed_m_s: float = 2.0
    """Impacts slower than this (resting contacts, pieces settling) make no dust or debris."""
    impact_lift: float = 0.4
    """Upward air speed at a ground impact, as a fraction of the impact speed (the splash that starts the billow)."""
    impact_heat_k: float = 120.0
    break_heat_k: float = 20.0

    # dust particles
    dust_particles: int = 300_000
    """Dust particles a full collapse of the hero emits (the particle count follows the dust mass)."""
    break_particles: float = 2.0
    """Dust particles per broken bond at least (the puffs out of the facade show in the particles too)."""
    dust_life_s: tuple[float, float] = (8.0, 14.0)
    dust_size_m: tuple[float, float] = (0.3, 0.9)
    dust_grow_m_s: tuple[float, float] = (0.2, 0.6)
    dust_settle_m_s: float = 0.05
    turbulence_m_sqrt_s: float = 0.8

    # smoke and fire
    smoke_sources: int = 4
    smoke_delay_s: float = 0.75
    """Smoke starts at the first impact (the building coming down), or this long after the first break."""
    smoke_kg_s: float = 35.0
    """Smoke mass per second per source."""
    smoke_heat_k: float = 400.0
    fire_heat_k: float = 600.0
    smoke_particles_s: float = 240.0
    embers_s: float = 120.0

    # debris, glass, papers
    debris_per_ground_impact: float = 4.0
    debris_per_break: float = 0.6
    debris_per_impact: float = 1.5
    debris_per_crush: float = 6.0
    """Debris pieces thrown out of each member the rigid sim crushes (its rubble)."""
    debris_size_m: tuple[float, float] = (0.04, 0.35)
    glass_per_window: float = 18.0
    glass_size_m: tuple[float, float] = (0.02, 0.12)
    papers_per_window: float = 2.5
    papers_per_facade_break: float = 0.25
    paper_chord_m: tuple[float, float] = (0.18, 0.30)
    max_debris: int = 80_000
    max_papers: int = 20_000
    max_dust_particles: int = 250_000
    """Live dust particles at most (caps the cache at about 3 MB a frame; the grid, not the particles, carries the dust to the renderer)."""
    max_particles: int = 2_000_000
