"""From what the rigid-body sim reports (events, moving chunks) to sources: dust, heat and pushed air for the
grid, and new particles. Pure numpy; every random number comes from the generator passed in."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from plano.sim.events import BREAK, GROUND_IMPACT, IMPACT, WINDOW_BREAK, Events


@dataclass(frozen=True)
class Sources:
    """E grid sources (see :meth:`plano.sim.effects.grid.FluidGrid.add_sources`): ``centres_m`` (E, 3),
    ``radii_m``, ``dust_kg``, ``smoke_kg``, ``heat_k`` (E,), ``vel_m_s`` (E, 3), ``radial_m_s``, ``blend``,
    ``air_m3_s`` (E,)."""

    centres_m: np.ndarray
    radii_m: np.ndarray
    dust_kg: np.ndarray
    smoke_kg: np.ndarray
    heat_k: np.ndarray
    vel_m_s: np.ndarray
    radial_m_s: np.ndarray
    blend: np.ndarray
    air_m3_s: np.ndarray

    @property
    def count(self) -> int:
        return len(self.radii_m)

    @staticmethod
    def concat(items: list["Sources"]) -> "Sources":
        items = [s for s in items if s.count]
        if not items:
            z = np.zeros(0)
            return Sources(np.zeros((0, 3)), z, z, z, z, np.zeros((0, 3)), z, z, z)
        return Sources(*(np.concatenate([getattr(s, f) for s in items]) for f in Sources.__dataclass_fields__))


def outward(points: np.ndarray, centre_xy: np.ndarray) -> np.ndarray:
    """(N, 3) unit horizontal directions from the building's vertical axis to ``points``."""
    d = np.zeros((len(points), 3))
    d[:, :2] = points[:, :2] - centre_xy
    n = np.linalg.norm(d, axis=1, keepdims=True)
    d[:, 0] = np.where(n[:, 0] > 1e-6, d[:, 0], 1.0)
    return d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)


def stochastic_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Non-negative reals -> integers with the same expected value."""
    x = np.maximum(np.asarray(x, dtype=np.float64), 0.0)
    base = np.floor(x)
    return (base + (rng.random(len(x)) < x - base)).astype(np.int64)


def event_speed(events: Events) -> np.ndarray:
    """(E,) speed of the material involved in each event; 10 m/s where the rigid sim left the velocity at zero."""
    if events.count == 0:
        return np.zeros(0)
    speed = np.linalg.norm(events.velocities, axis=1)
    return np.where(speed > 1e-9, speed, 10.0)


def event_dust(events: Events, hero_mass_kg: float, cfg) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per event: dust kg, impact speed m/s and a 0..1 violence used for radii, outflow and debris.

    Impacts slower than ``cfg.min_impact_speed_m_s`` (resting contacts) have zero violence and make nothing."""
    speed = event_speed(events)
    dust = np.zeros(events.count)
    k = events.kinds
    ground = k == GROUND_IMPACT
    # impulse / speed = the mass that came down; a fraction of it is pulverised into dust
    mass = events.strength[ground] / np.maximum(speed[ground], 3.0)
    dust[ground] = cfg.dust_fraction * np.maximum(mass, 0.0)
    per_break = cfg.break_dust_fraction * hero_mass_kg
    dust[k == BREAK] = per_break
    # chunk against chunk: grinding contacts at walking pace make little dust, a hard hit a puff
    hit = k == IMPACT
    dust[hit] = 2.0 * per_break * np.clip(speed[hit] / cfg.impact_dust_speed_m_s, 0.0, 1.5) ** 2
    dust[k == WINDOW_BREAK] = 0.3 * per_break
    violence = np.clip(speed / 20.0, 0.05, 1.0)
    slow = ((k == GROUND_IMPACT) | (k == IMPACT)) & (speed < cfg.min_impact_speed_m_s)
    dust[slow] = 0.0
    violence[slow] = 0.0
    return dust, speed, violence


def grid_sources(events: Events, dust: np.ndarray, speed: np.ndarray, violence: np.ndarray, centre_xy: np.ndarray,
                 hero_mass_kg: float, hero_volume_m3: float, dt: float, cfg, bounds: np.ndarray | None = None) -> Sources:
    """Dust, heat and pushed air where things broke and where they hit the ground.

    A ground impact makes a ring of outflow (radial speed about half the impact speed) and pushes out the air
    its share of the building held (``expelled_air`` of the building's volume, in proportion to the mass that
    came down, over this frame): the projection turns that into a surge that rolls out along the ground. Breaks
    make a small warm puff blown out of the nearest facade (``bounds``, the building's (2, 3) box) at the level
    where they happened: the dust that bursts out of the windows of a pancaking floor."""
    if events.count == 0:
        return Sources.concat([])
    k = events.kinds
    ground = k == GROUND_IMPACT
    # the size of a source follows its dust mass (a ball of a few metres for a big impact); a ground impact's
    # ball sits on the ground
    ref = max(cfg.dust_fraction * hero_mass_kg * 1e-3, 1e-6)
    radii = np.clip(1.5 + 2.0 * np.cbrt(dust / ref), 1.5, 4.5)
    pos = events.positions.astype(np.float64).copy()
    pos[ground, 2] = 0.5 * radii[ground]
    pos[:, 2] = np.maximum(pos[:, 2], 0.5)
    out = outward(pos, centre_xy)
    vel = np.zeros((events.count, 3))
    radial = np.zeros(events.count)
    heat = np.full(events.count, cfg.break_heat_k)
    blend = np.full(events.count, 0.3)
    # ground impacts: outflow away from the impact and from the building, with some lift
    vel[ground] = out[ground] * (0.3 * speed[ground, None]) + np.array([0.0, 0.0, 1.0]) * (
        1.0 + cfg.impact_lift * speed[ground, None])
    radial[ground] = np.clip(0.5 * speed[ground], 2.0, 15.0)
    heat[ground] = cfg.impact_heat_k * (0.5 + 0.5 * violence[ground])
    blend[ground] = 0.6
    other = ~ground
    vel[other] = 0.5 * events.velocities[other]
    if bounds is not None and other.any():
        pos[other], normal = to_facade(pos[other], bounds, cfg.facade_offset_m)
        vel[other] += normal * (cfg.puff_speed_m_s * (0.3 + violence[other, None]))
        blend[other] = 0.5
    air = np.zeros(events.count)
    mass = events.strength[ground] / np.maximum(speed[ground], 3.0)
    air[k == BREAK] = cfg.break_air * hero_volume_m3 / max(dt, 1e-3)
    share = np.maximum(mass, 0.0) / hero_mass_kg  # of the building that came down here
    air[ground] = (violence[ground] > 0) * cfg.expelled_air * hero_volume_m3 * share / max(dt, 1e-3)
    return Sources(pos, radii, dust, np.zeros(events.count), heat, vel, radial, blend, air)


def to_facade(points: np.ndarray, bounds: np.ndarray, offset_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Move (N, 3) points inside the building's footprint onto its nearest facade, ``offset_m`` outside it
    (the building is not an obstacle in the grid, so dust made inside it must come out through the windows).
    Points already outside stay. Returns (N, 3) points and (N, 3) unit outward facade normals."""
    p = np.asarray(points, dtype=np.float64).copy()
    b = np.asarray(bounds, dtype=np.float64)
    n = len(p)
    normal = np.zeros((n, 3))
    if n == 0:
        return p, normal
    gaps = np.stack([p[:, 0] - b[0, 0], b[1, 0] - p[:, 0], p[:, 1] - b[0, 1], b[1, 1] - p[:, 1]], axis=1)
    face = np.argmin(gaps, axis=1)
    axis, side = face // 2, face % 2  # side 0: the min face (normal -), 1: the max face (normal +)
    rows = np.arange(n)
    normal[rows, axis] = np.where(side == 1, 1.0, -1.0)
    inside = gaps.min(axis=1) > -offset_m
    target = np.where(side == 1, b[1, axis] + offset_m, b[0, axis] - offset_m)
    p[rows[inside], axis[inside]] = target[inside]
    return p, normal


def crush(prev_vel: np.ndarray | None, positions: np.ndarray, velocities: np.ndarray, chunk_mass_kg: float,
          min_speed_m_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Falling chunks stopped since the previous frame (a floor pancaking onto the one below, rubble landing).

    Returns (N,) mass in kg that came down hard per chunk (the downward momentum lost, divided by the speed it
    had) and (N,) the speed it hit at; zero for chunks that were not falling faster than ``min_speed_m_s``."""
    n = len(positions)
    if prev_vel is None or len(prev_vel) != n or n == 0:
        return np.zeros(n), np.zeros(n)
    down0 = np.maximum(-prev_vel[:, 2], 0.0)
    down1 = np.maximum(-velocities[:, 2], 0.0)
    lost = np.maximum(down0 - down1, 0.0)
    hit = down0 > min_speed_m_s
    mass = np.where(hit, chunk_mass_kg * lost / np.maximum(down0, 1e-6), 0.0)
    return mass, np.where(hit, down0, 0.0)


def crush_sources(positions: np.ndarray, mass: np.ndarray, speed: np.ndarray, bounds: np.ndarray,
                  hero_mass_kg: float, hero_volume_m3: float, dt: float, cfg, rng: np.random.Generator) -> Sources:
    """Dust of crushed floors (see :func:`crush`): ``cfg.crush_dust_fraction`` of the mass that came down,
    blown out of the facade at the level of the crush (a puff out of the windows) and, the larger part, at the
    foot of the facade with a strong outflow and the air the falling mass pushed out of the building: the
    surge that rolls out along the street. ``cfg.crush_sources`` sources at most, picked by mass."""
    total = float(mass.sum())
    if total <= 0.0:
        return Sources.concat([])
    k = int(min(cfg.crush_sources, np.count_nonzero(mass)))
    pick = rng.choice(len(mass), size=k, replace=True, p=mass / total)
    share = np.full(k, total / k)
    v = np.clip(speed[pick] / 4.0, 0.5, 1.5)  # harder hits blow harder
    wall, normal = to_facade(positions[pick], bounds, cfg.facade_offset_m)
    wall[:, :2] += rng.normal(0.0, 1.5, (k, 2)) * (1.0 - np.abs(normal[:, :2]))  # spread along the facade
    foot = wall.copy()
    foot[:, :2] += normal[:, :2] * 2.0
    foot[:, 2] = cfg.surge_height_m
    dust = cfg.crush_dust_fraction * share
    g = cfg.surge_share
    up = np.array([0.0, 0.0, 1.0])
    air = cfg.expelled_air * hero_volume_m3 * (share / hero_mass_kg) / max(dt, 1e-3)
    z = np.zeros(k)
    puff = Sources(wall, np.full(k, 3.0), (1 - g) * dust, z, np.full(k, cfg.puff_heat_k),
                   normal * (cfg.puff_speed_m_s * v[:, None]) - 1.0 * up, z, np.full(k, 0.6), z)
    surge = Sources(foot, np.full(k, 3.5), g * dust, z, np.full(k, cfg.surge_heat_k),
                    normal * (cfg.surge_speed_m_s * v[:, None]), np.full(k, 0.5 * cfg.surge_speed_m_s),
                    np.full(k, 0.7), air)
    return Sources.concat([puff, surge])


def chunk_trails(positions: np.ndarray, velocities: np.ndarray, dt: float, hero_mass_kg: float, cfg) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """Fast chunks in the air shed dust behind them. Returns (T, 3) positions, (T, 3) velocities, (T,) kg."""
    if len(positions) == 0:
        return np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0)
    sp = np.linalg.norm(velocities, axis=1)
    m = (sp > cfg.trail_speed_m_s) & (positions[:, 2] > 1.0)
    kg = cfg.trail_dust_rate * hero_mass_kg * dt * np.minimum(sp[m] / (2 * cfg.trail_speed_m_s), 2.0)
    return positions[m], velocities[m], kg


def spread(centres: np.ndarray, counts: np.ndarray, radii: np.ndarray, rng: np.random.Generator) -> tuple[
        np.ndarray, np.ndarray]:
    """``counts[e]`` points around each centre (gaussian, ``radii[e]`` spread), never below the ground.
    Returns (N, 3) points and (N,) event index of each."""
    idx = np.repeat(np.arange(len(counts)), counts)
    if len(idx) == 0:
        return np.zeros((0, 3)), idx
    off = rng.standard_normal((len(idx), 3)) * (0.5 * radii[idx, None])
    pts = centres[idx] + off
    pts[:, 2] = np.abs(pts[:, 2])  # mirror what would be below the ground
    return pts, idx


def lognormal_between(lo: float, hi: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Sizes spread log-uniformly-ish between ``lo`` and ``hi`` (more small pieces than big ones)."""
    u = rng.random(n) ** 1.7
    return lo * (hi / lo) ** u


def events_of(events: Events, kinds) -> np.ndarray:
    return np.isin(events.kinds, np.asarray(kinds, dtype=np.uint8))


__all__ = ["BREAK", "GROUND_IMPACT", "IMPACT", "WINDOW_BREAK", "Sources", "chunk_trails", "event_dust",
           "events_of", "grid_sources", "lognormal_between", "outward", "spread", "stochastic_round",
           "to_facade", "crush", "crush_sources"]
