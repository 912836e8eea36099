"""EffectsSim: dust, smoke, fire, debris, papers and glass, stepped once per frame by the rigid-body sim."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

import numpy as np

from plano.errors import PlanoError
from plano.scene.model import Scene
from plano.sim.effects import emit
from plano.sim.effects.config import EffectsConfig
from plano.sim.effects.debris import drag_per_metre, step_ballistic
from plano.sim.effects.grid import FluidGrid, numba_threads
from plano.sim.effects.papers import step_papers
from plano.sim.effects.particles import step_tracers
from plano.sim.effects.pool import Pool
from plano.sim.events import BREAK, CRUSH, GROUND_IMPACT, IMPACT, WINDOW_BREAK, Events
from plano.sim.model import DEBRIS, DUST, FIRE, GLASS, PAPER, SMOKE, DustGrid, Particles
from plano.spec.model import ShotSpec

GRID_EFFECTS = ("dust", "smoke", "fire", "papers")
# one random stream per effect, derived from the run's seed
_STREAMS = {"dust": 1, "debris": 2, "papers": 3, "glass": 4, "smoke": 5, "fire": 6}


def hero_mass_kg(scene: Scene) -> float:
    """Mass of the hero building from its parts' volumes and materials (a 25 %-solid box if it has none)."""
    total = 0.0
    for p in scene.hero_parts():
        mat = scene.materials.get(p.material)
        total += abs(p.volume_m3) * (mat.density_kg_m3 if mat is not None else 2400.0)
    if total <= 0.0:
        size = np.ptp(np.asarray(scene.hero_bounds, dtype=np.float64), axis=0)
        total = 0.25 * 2400.0 * float(np.prod(np.maximum(size, 1.0)))
    return total


def grid_layout(hero_bounds: np.ndarray, cfg: EffectsConfig) -> tuple[tuple[int, int, int], np.ndarray, float]:
    """Shape, origin and cell size of a dust grid centred on the building, reaching ``margin_widths`` building
    widths beyond each side and ``height_factor`` heights up, with about ``grid_cells`` cubic cells."""
    b = np.asarray(hero_bounds, dtype=np.float64)
    size = np.maximum(b[1] - b[0], 1.0)
    margin = cfg.margin_widths * max(size[0], size[1])
    ext = np.array([size[0] + 2 * margin, size[1] + 2 * margin, max(cfg.height_factor * b[1, 2], cfg.min_height_m)])
    cell = float(np.cbrt(np.prod(ext) / max(cfg.grid_cells, 64)))
    shape = tuple(int(max(4, math.ceil(e / cell))) for e in ext)
    centre = 0.5 * (b[0] + b[1])
    origin = np.array([centre[0] - 0.5 * shape[0] * cell, centre[1] - 0.5 * shape[1] * cell, 0.0])
    return shape, origin, cell


class EffectsSim:
    """Secondary effects of a collapse, driven by the rigid-body sim frame by frame.

    ``EffectsSim(scene, spec, seed, fps)`` then, once per frame in order,
    ``particles, dust = fx.step(frame_index, t_s, events, chunk_positions, chunk_velocities)`` where ``events``
    are the :class:`~plano.sim.events.Events` since the previous call, ``chunk_positions`` and
    ``chunk_velocities`` (C, 3) the rigid chunks now (m, m/s). Returns :class:`~plano.sim.model.Particles`
    (all live particles, float32, ids stable) and a :class:`~plano.sim.model.DustGrid` (``None`` unless the spec
    asks for dust, smoke or fire). Which effects run follows ``spec.effects``.
    """

    def __init__(self, scene: Scene, spec: ShotSpec, seed: int, fps: float | None = None,
                 config: EffectsConfig | None = None):
        self.cfg = cfg = config or EffectsConfig()
        self.effects = frozenset(spec.effects)
        self.fps = float(fps if fps is not None else spec.format.fps)
        if not self.fps > 0:
            raise PlanoError(f"fps is {fps}; expected a positive frame rate such as 24")
        self.seed = int(seed)
        self.rng = {k: np.random.default_rng([self.seed, 0x5EC0, v]) for k, v in _STREAMS.items()}
        b = np.asarray(scene.hero_bounds, dtype=np.float64)
        if b.shape != (2, 3) or not np.all(np.isfinite(b)) or np.any(b[1] < b[0]):
            raise PlanoError(f"scene.hero_bounds is {b.tolist()}; expected (2, 3) min and max corners, min <= max")
        self.hero_bounds = b
        self.centre_xy = 0.5 * (b[0, :2] + b[1, :2])
        self.hero_mass_kg = hero_mass_kg(scene)
        self.hero_volume_m3 = float(np.prod(np.maximum(b[1] - b[0], 0.1)))
        self.wind_m_s = tuple(float(x) for x in scene.sky.wind_m_s)
        self.glass_ids = np.array([m.id for m in scene.materials.values()
                                   if m.transmission > 0.5 or "glass" in m.name.lower()], np.int32)
        self.grid: FluidGrid | None = None
        if self.effects & set(GRID_EFFECTS):
            shape, origin, cell = grid_layout(b, cfg)
            self.grid = FluidGrid(shape, origin, cell, self.wind_m_s, pressure_iterations=cfg.pressure_iterations,
                                  vorticity=cfg.vorticity, dust_settle_s=cfg.dust_settle_s,
                                  smoke_thin_s=cfg.smoke_thin_s, cool_s=cfg.cool_s, damping_s=cfg.damping_s,
                                  dust_weight=cfg.dust_weight, threads=cfg.threads,
                                  max_speed_m_s=cfg.max_air_speed_m_s)
        # expected dust of a full collapse -> particles per kg, so a full collapse gives cfg.dust_particles
        self.particles_per_kg = cfg.dust_particles / max(cfg.dust_fraction * self.hero_mass_kg, 1e-9)
        self.tracers = Pool({"grow": ((), np.float32), "rise": ((), np.float32)})
        self.pieces = Pool({"drag": ((), np.float32), "restitution": ((), np.float32),
                            "friction": ((), np.float32), "resting": ((), np.uint8)})
        self.papers = Pool({"heading": ((), np.float32), "theta": ((), np.float32), "omega": ((), np.float32),
                            "yaw_rate": ((), np.float32), "landed": ((), np.uint8)})
        self.smoke_sources: np.ndarray | None = None
        self.next_id = 0
        self.last_t: float | None = None
        self.dust_emitted = 0
        self.air_expelled_m3 = 0.0
        self.frames = 0
        self._prev_cv: np.ndarray | None = None
        self._first_break_t: float | None = None
        self._crush: emit.Sources = emit.Sources.concat([])

    # --------------------------------------------------------------------------------------------- stepping
    def step(self, frame_index: int, t_s: float, events: Events, chunk_positions: np.ndarray,
             chunk_velocities: np.ndarray) -> tuple[Particles, DustGrid | None]:
        """Advance to time ``t_s`` (seconds from the first frame) and return this frame's particles and dust."""
        with numba_threads(self.cfg.threads):
            return self._step(frame_index, t_s, events, chunk_positions, chunk_velocities)

    def _step(self, frame_index, t_s, events, chunk_positions, chunk_velocities):
        if not isinstance(events, Events):
            raise PlanoError(f"events is a {type(events).__name__}; expected plano.sim.events.Events")
        cp, cv = _points(chunk_positions), _points(chunk_velocities)
        if cp is None or cv is None or cp.shape != cv.shape:
            raise PlanoError(f"chunk_positions {np.shape(chunk_positions)} and chunk_velocities "
                             f"{np.shape(chunk_velocities)} differ; expected both (C, 3)")
        ok = np.all(np.isfinite(cp), axis=1) & np.all(np.isfinite(cv), axis=1)
        cp, cv = cp[ok], cv[ok]
        ev = _finite_events(events)
        # the effects start at t = 0 (the first frame): a first call at t = 0 only emits
        dt = float(t_s) - (0.0 if self.last_t is None else self.last_t)
        if dt < 0:
            raise PlanoError(f"effects stepped back in time, from {self.last_t} s to {t_s} s; step frames in order")
        self.last_t = float(t_s)
        self.frames += 1
        t = float(t_s)

        dust_kg, speed, violence = emit.event_dust(ev, self.hero_mass_kg, self.cfg)
        self._crush = emit.Sources.concat([])
        cr = ev.kinds == CRUSH
        if "dust" in self.effects and (len(cp) or cr.any()):
            mass, hit = emit.crush(self._prev_cv, cp, cv, self.hero_mass_kg / max(len(cp), 1),
                                   self.cfg.crush_min_speed_m_s)
            # members the rigid sim crushed: all their mass came down, at the level where they crushed
            pts = np.r_[cp, ev.positions[cr]]
            mass = np.r_[mass, ev.strength[cr]]
            hit = np.r_[hit, np.maximum(emit.event_speed(ev)[cr], self.cfg.crush_min_speed_m_s)]
            self._crush = emit.crush_sources(pts, mass, hit, self.hero_bounds, self.hero_mass_kg, self.hero_volume_m3,
                                             max(dt, 1e-3), self.cfg, self.rng["dust"])
        self._prev_cv = cv.copy()
        # move what exists, then add what was born since the last frame
        if dt > 0:
            self._step_grid(dt, ev, dust_kg, speed, violence, cp, cv, t)
            self._step_particles(dt)
        self._age_out()
        self._spawn(ev, dust_kg, speed, violence, cp, cv, t, dt)
        return self._particles(), self._dust()

    def _step_grid(self, dt, ev, dust_kg, speed, violence, cp, cv, t):
        g = self.grid
        if g is None:
            return
        cfg = self.cfg
        src = []
        if "dust" in self.effects:
            src.append(emit.grid_sources(ev, dust_kg, speed, violence, self.centre_xy, self.hero_mass_kg,
                                         self.hero_volume_m3, dt, cfg, self.hero_bounds))
            src.append(self._crush)
            tp, tv, tkg = emit.chunk_trails(cp, cv, dt, self.hero_mass_kg, cfg)
            n = len(tkg)
            src.append(emit.Sources(tp, np.full(n, 1.5), tkg, np.zeros(n), np.full(n, 0.5 * cfg.break_heat_k),
                                    0.3 * tv, np.zeros(n), np.zeros(n), np.zeros(n)))
        sm = self._smoke_sources(ev, cp, dt)
        if sm is not None:
            src.append(sm)
        s = emit.Sources.concat(src)
        # the building only holds so much air, and cannot empty in an instant
        want = float(s.air_m3_s.sum()) * dt
        room = min(self.hero_volume_m3 * dt / cfg.air_expel_min_s,
                   max(self.hero_volume_m3 - self.air_expelled_m3, 0.0))
        if want > room > 0.0 or (want > 0.0 and room <= 0.0):
            s = emit.Sources(*[getattr(s, f) for f in emit.Sources.__dataclass_fields__][:-1],
                             s.air_m3_s * (max(room, 0.0) / want))
        self.air_expelled_m3 += float(s.air_m3_s.sum()) * dt
        g.add_sources(s.centres_m, s.radii_m, s.dust_kg, s.smoke_kg, s.heat_k, s.vel_m_s, s.radial_m_s, s.blend,
                      s.air_m3_s)
        moving = np.linalg.norm(cv, axis=1) > 0.5 if len(cv) else np.zeros(0, bool)
        g.push(cp[moving], cv[moving], cfg.chunk_coupling)
        # substeps when the air moves more than ~2 cells a frame
        n = int(np.clip(math.ceil(g.max_speed() * dt / (2.0 * g.cell_m)), 1, cfg.max_substeps))
        for _ in range(n):
            g.step(dt / n)
        g.end_frame()

    def _smoke_sources(self, ev: Events, cp: np.ndarray, dt: float) -> emit.Sources | None:
        """Smoke (and fire) from a few places of the building, rising from the top of what
        stands there (the roof, then the rubble) so the plumes climb into the sky above the dust; from the first impact
        on (the moment the building comes down)."""
        if not self.effects & {"smoke", "fire"}:
            return None
        if self.smoke_sources is None:
            # the fires start when the building comes down (the first impact), not at the first crack; at the
            # latest ``smoke_delay_s`` after it
            if self._first_break_t is None and ev.count:
                self._first_break_t = self.last_t
            late = self._first_break_t is not None and self.last_t - self._first_break_t >= self.cfg.smoke_delay_s
            brk = ev.positions[np.isin(ev.kinds, [IMPACT, GROUND_IMPACT] + ([BREAK] if late else []))]
            if len(brk) == 0 and late and len(cp):
                brk = cp
            if len(brk) == 0:
                return None
            rng = self.rng["smoke"]
            b = self.hero_bounds
            pick = brk[rng.choice(len(brk), size=self.cfg.smoke_sources, replace=len(brk) < self.cfg.smoke_sources)]
            # sources inside the building: mix the break points with random points of its middle storeys
            # spread over the footprint (a plume per quarter), pulled a little towards where things hit
            q = (np.arange(len(pick)) + rng.uniform(0.2, 0.8, len(pick))) / len(pick)
            long = int(np.argmax(b[1, :2] - b[0, :2]))
            frac = rng.uniform([0.2, 0.2, 0.15], [0.8, 0.8, 0.6], size=(len(pick), 3))
            frac[:, long] = 0.1 + 0.8 * q
            inner = b[0] + (b[1] - b[0]) * frac
            self.smoke_sources = 0.3 * pick + 0.7 * inner
        src = self.smoke_sources.copy()
        if len(cp):
            for i, p in enumerate(src):  # a handful of sources: loop is fine
                near = np.hypot(cp[:, 0] - p[0], cp[:, 1] - p[1]) < 8.0
                top = cp[near, 2].max() if near.any() else 0.0
                # the plume comes out of the top of the building or of its rubble: above the dust, into the sky
                src[i, 2] = max(top + 1.0, 1.0)
        n = len(src)
        fire = "fire" in self.effects
        heat = self.cfg.fire_heat_k if fire else self.cfg.smoke_heat_k
        smoke_kg = np.full(n, self.cfg.smoke_kg_s * dt)
        return emit.Sources(src, np.full(n, 4.0), np.zeros(n), smoke_kg, np.full(n, heat),
                            np.tile([0.0, 0.0, 20.0], (n, 1)), np.zeros(n), np.full(n, 0.8), np.zeros(n))

    def _step_particles(self, dt: float) -> None:
        g = self.grid
        if len(self.tracers) and g is not None:
            a = self.tracers.a
            self.tracers.make_contiguous()
            jitter = self.rng["dust"].standard_normal((len(self.tracers), 3), dtype=np.float32)
            step_tracers(a["pos"], a["vel"], a["size"], a["age"], a["grow"], a["rise"], jitter, g.u, g.v, g.w,
                         g.origin, g.cell_m, self.wind_m_s[0], self.wind_m_s[1], dt, self.cfg.turbulence_m_sqrt_s)
        if len(self.pieces):
            a = self.pieces.a
            self.pieces.make_contiguous()
            step_ballistic(a["pos"], a["vel"], a["size"], a["age"], a["drag"], a["restitution"], a["friction"],
                           a["resting"], dt, 4)
        if len(self.papers):
            a = self.papers.a
            self.papers.make_contiguous()
            if g is not None:
                air = g.air_velocity(a["pos"]).astype(np.float32)
            else:
                air = np.zeros((len(self.papers), 3), np.float32)
            step_papers(a["pos"], a["vel"], a["age"], a["size"], a["heading"], a["theta"], a["omega"],
                        a["yaw_rate"], a["landed"], air, dt, 0.002)

    def _age_out(self) -> None:
        for pool in (self.tracers, self.pieces, self.papers):
            if len(pool):
                pool.keep(pool.a["age"] < pool.a["life"])

    # --------------------------------------------------------------------------------------------- spawning
    def _ids(self, n: int) -> np.ndarray:
        ids = np.arange(self.next_id, self.next_id + n, dtype=np.int64)
        self.next_id += n
        return ids

    def _room(self, n: int) -> int:
        have = len(self.tracers) + len(self.pieces) + len(self.papers)
        return int(max(0, min(n, self.cfg.max_particles - have)))

    def _spawn(self, ev: Events, dust_kg, speed, violence, cp, cv, t, dt) -> None:
        cfg = self.cfg
        out = emit.outward(ev.positions, self.centre_xy) if ev.count else np.zeros((0, 3))
        age0 = np.clip(t - ev.times_s, 0.0, max(dt, 0.0)) if ev.count else np.zeros(0)
        if "dust" in self.effects:
            self._spawn_dust(ev, dust_kg, speed, violence, out, age0, cp, cv, dt)
        if self.smoke_sources is not None and self.effects & {"smoke", "fire"}:
            self._spawn_smoke(dt)
        if "debris" in self.effects and ev.count:
            self._spawn_debris(ev, speed, violence, out, age0)
        wb = ev.kinds == WINDOW_BREAK
        glass_break = (ev.kinds == BREAK) & np.isin(ev.material_ids, self.glass_ids)
        if "glass" in self.effects and (wb.any() or glass_break.any()):
            self._spawn_glass(ev, wb | glass_break, out, age0)
        if "papers" in self.effects and ev.count:
            self._spawn_papers(ev, wb, out, age0)

    def _spawn_dust(self, ev, dust_kg, speed, violence, out, age0, cp, cv, dt) -> None:
        cfg, rng = self.cfg, self.rng["dust"]
        pos = ev.positions.astype(np.float64)
        out = out.copy()
        inner = ev.kinds != GROUND_IMPACT
        if inner.any():  # dust of breaks and impacts inside the building comes out of its facade
            pos[inner], out[inner] = emit.to_facade(pos[inner], self.hero_bounds, cfg.facade_offset_m)
        radii = np.clip(1.0 + 0.1 * speed, 1.0, 4.0)
        # a break's puff is small next to the crush, but still shows in the particles (two a break at least)
        expect = dust_kg * self.particles_per_kg
        puff = (ev.kinds == BREAK) & (dust_kg > 0)
        expect[puff] = np.maximum(expect[puff], cfg.break_particles)
        counts = emit.stochastic_round(expect, rng)
        hard = (ev.kinds == GROUND_IMPACT) & (violence > 0)
        counts[hard] = np.maximum(counts[hard], 4)
        # dust shed by falling chunks
        tp, tv, tkg = emit.chunk_trails(cp, cv, dt, self.hero_mass_kg, cfg)
        tcount = emit.stochastic_round(tkg * self.particles_per_kg, rng)
        # dust of crushed floors: its particles move with the sources' push
        cr = self._crush
        ccount = emit.stochastic_round(cr.dust_kg * self.particles_per_kg, rng)
        n_trail = len(tp)
        tp, tv = np.concatenate([tp, cr.centres_m]), np.concatenate([tv, cr.vel_m_s / 0.3])
        tcount = np.concatenate([tcount, ccount])
        centres = np.concatenate([pos, tp])
        counts = np.concatenate([counts, tcount])
        live_dust = int(np.sum(self.tracers.a["kind"] == DUST)) if len(self.tracers) else 0
        total = min(self._room(int(counts.sum())), max(cfg.max_dust_particles - live_dust, 0))
        if total < counts.sum():
            counts = np.floor(counts * (total / max(counts.sum(), 1))).astype(np.int64)
        radii = np.concatenate([radii, np.full(n_trail, 1.0), cr.radii_m])
        pts, idx = emit.spread(centres, counts, radii, rng)
        n = len(idx)
        if n == 0:
            return
        base = np.concatenate([0.3 * ev.velocities, 0.3 * tv])
        dirs = np.concatenate([out, np.zeros((len(tp), 3))])
        rad = np.concatenate([np.where(ev.kinds == GROUND_IMPACT, np.clip(0.5 * speed, 2.0, 15.0), 1.0),
                              np.zeros(len(tp))])
        d = pts - centres[idx]
        d[:, 2] = 0.0
        d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-6)
        vel = base[idx] + (0.5 * dirs[idx] + 0.5 * d) * rad[idx, None] * rng.uniform(0.3, 1.0, (n, 1))
        vel[:, 2] += rng.uniform(0.0, 2.0, n)
        age = np.concatenate([age0, np.zeros(len(tp))])[idx]
        self.tracers.append(
            pos=pts, vel=vel, size=rng.uniform(*cfg.dust_size_m, n), age=age, life=rng.uniform(*cfg.dust_life_s, n),
            kind=DUST, ids=self._ids(n), grow=rng.uniform(*cfg.dust_grow_m_s, n), rise=-cfg.dust_settle_m_s)
        self.dust_emitted += n

    def _spawn_smoke(self, dt) -> None:
        cfg = self.cfg
        src = self.smoke_sources
        for kind, key, rate, life, size, rise in (
                (SMOKE, "smoke", cfg.smoke_particles_s, (6.0, 12.0), (0.8, 1.6), 1.0),
                (FIRE, "fire", cfg.embers_s, (1.0, 2.5), (0.03, 0.08), 3.0)):
            if key not in self.effects:
                continue
            rng = self.rng[key]
            counts = emit.stochastic_round(np.full(len(src), rate * dt), rng)
            counts = np.minimum(counts, self._room(int(counts.sum())))
            pts, idx = emit.spread(src, counts, np.full(len(src), 2.0), rng)
            n = len(idx)
            if n == 0:
                continue
            vel = rng.normal(0.0, 1.0, (n, 3)) + np.array([0.0, 0.0, 3.0])
            grow = rng.uniform(0.3, 0.8, n) if kind == SMOKE else np.zeros(n)
            self.tracers.append(pos=pts, vel=vel, size=rng.uniform(*size, n), age=0.0, life=rng.uniform(*life, n),
                                kind=kind, ids=self._ids(n), grow=grow, rise=rise)

    def _add_pieces(self, rng, pos, vel, size, kind, density, restitution, friction, age) -> None:
        n = len(pos)
        if n == 0:
            return
        self.pieces.append(pos=pos, vel=vel, size=size, age=age, life=np.inf, kind=kind, ids=self._ids(n),
                           drag=drag_per_metre(size, density), restitution=restitution * rng.uniform(0.7, 1.3, n),
                           friction=friction, resting=0)

    def _spawn_debris(self, ev, speed, violence, out, age0) -> None:
        cfg, rng = self.cfg, self.rng["debris"]
        k = ev.kinds
        rate = np.select([k == GROUND_IMPACT, k == BREAK, k == IMPACT, k == CRUSH],
                         [cfg.debris_per_ground_impact * (0.5 + violence), np.full(len(k), cfg.debris_per_break),
                          np.full(len(k), cfg.debris_per_impact), np.full(len(k), cfg.debris_per_crush)], 0.0)
        rate[((k == GROUND_IMPACT) | (k == IMPACT)) & (violence <= 0)] = 0.0
        counts = emit.stochastic_round(rate, rng)
        room = min(self._room(int(counts.sum())), max(cfg.max_debris - int(np.sum(self.pieces.a["kind"] == DEBRIS)), 0))
        if room < counts.sum():
            counts = np.floor(counts * (room / max(counts.sum(), 1))).astype(np.int64)
        pts, idx = emit.spread(ev.positions.astype(np.float64), counts, np.full(len(k), 0.8), rng)
        n = len(idx)
        if n == 0:
            return
        ground = (k == GROUND_IMPACT)[idx]
        sp = speed[idx, None]
        # pieces thrown up and out of a ground impact; from breaks they keep the material's motion and scatter
        spray = np.clip(rng.normal(0.0, 1.0, (n, 3)), -2.0, 2.0)
        up = np.abs(spray[:, 2:3])
        v_ground = (out[idx] * rng.uniform(0.1, 0.3, (n, 1)) * sp + spray * np.array([0.12, 0.12, 0.0]) * sp
                    + up * 0.25 * sp)
        v_break = ev.velocities[idx] + spray * 2.5 + out[idx] * rng.uniform(0.5, 3.0, (n, 1))
        vel = np.where(ground[:, None], v_ground, v_break)
        size = emit.lognormal_between(*cfg.debris_size_m, n, rng)
        pts[:, 2] = np.maximum(pts[:, 2], 0.5 * size)
        self._add_pieces(rng, pts, vel, size, DEBRIS, 2200.0, 0.25, 0.8, age0[idx])

    def _spawn_glass(self, ev, which, out, age0) -> None:
        cfg, rng = self.cfg, self.rng["glass"]
        counts = np.where(which, emit.stochastic_round(np.full(ev.count, cfg.glass_per_window), rng), 0)
        counts = np.minimum(counts, self._room(int(counts.sum())))
        pts, idx = emit.spread(ev.positions.astype(np.float64), counts, np.full(ev.count, 0.6), rng)
        n = len(idx)
        if n == 0:
            return
        pts[:, :2] += 0.3 * out[idx, :2]
        vel = ev.velocities[idx] + out[idx] * rng.uniform(1.0, 5.0, (n, 1)) + rng.normal(0.0, 1.5, (n, 3))
        size = emit.lognormal_between(*cfg.glass_size_m, n, rng)
        pts[:, 2] = np.maximum(pts[:, 2], 0.5 * size)
        self._add_pieces(rng, pts, vel, size, GLASS, 2500.0, 0.15, 0.6, age0[idx])

    def _spawn_papers(self, ev, wb, out, age0) -> None:
        cfg, rng = self.cfg, self.rng["papers"]
        b = self.hero_bounds
        p = ev.positions
        # breaks in the facade (within 1.5 m of the building's outline, above the ground floor) release papers too
        edge = np.minimum.reduce([p[:, 0] - b[0, 0], b[1, 0] - p[:, 0], p[:, 1] - b[0, 1], b[1, 1] - p[:, 1]])
        facade = (ev.kinds == BREAK) & (np.abs(edge) < 1.5) & (p[:, 2] > 3.0)
        rate = np.where(wb, cfg.papers_per_window, np.where(facade, cfg.papers_per_facade_break, 0.0))
        counts = rng.poisson(rate)
        room = min(self._room(int(counts.sum())), max(cfg.max_papers - len(self.papers), 0))
        if room < counts.sum():
            counts = np.floor(counts * (room / max(counts.sum(), 1))).astype(np.int64)
        pts, idx = emit.spread(p.astype(np.float64), counts, np.full(ev.count, 0.8), rng)
        n = len(idx)
        if n == 0:
            return
        pts[:, :2] += 0.5 * out[idx, :2]  # start just outside the facade
        vel = 0.3 * ev.velocities[idx] + out[idx] * rng.uniform(2.0, 6.0, (n, 1)) + rng.normal(0.0, 0.7, (n, 3))
        vel[:, 2] += 1.0
        heading = np.arctan2(vel[:, 1], vel[:, 0]) + rng.normal(0.0, 0.5, n)
        self.papers.append(pos=pts, vel=vel, size=rng.uniform(*cfg.paper_chord_m, n), age=age0[idx], life=np.inf,
                           kind=PAPER, ids=self._ids(n), heading=heading, theta=rng.uniform(-1.2, 1.2, n),
                           omega=rng.normal(0.0, 3.0, n), yaw_rate=rng.normal(0.0, 0.3, n), landed=0)

    # --------------------------------------------------------------------------------------------- output
    def _particles(self) -> Particles:
        pools = [p for p in (self.tracers, self.pieces, self.papers) if len(p)]
        if not pools:
            z3, z = np.zeros((0, 3), np.float32), np.zeros(0, np.float32)
            return Particles(z3, z3.copy(), z, z.copy(), np.zeros(0, np.uint8), np.zeros(0, np.int64))
        cat = lambda k, dt: np.concatenate([p.a[k] for p in pools]).astype(dt, copy=False)  # noqa: E731
        return Particles(cat("pos", np.float32), cat("vel", np.float32), cat("size", np.float32),
                         cat("age", np.float32), cat("kind", np.uint8), cat("ids", np.int64))

    def _dust(self) -> DustGrid | None:
        g = self.grid
        if g is None or not self.effects & {"dust", "smoke", "fire"}:
            return None
        density = g.dust + g.smoke
        return DustGrid(origin=g.origin.copy(), cell_m=g.cell_m, density=density.astype(np.float32),
                        temperature=g.heat.copy() if "fire" in self.effects else None,
                        smoke=g.smoke.copy() if self.effects & {"smoke", "fire"} else None)


def _points(a) -> np.ndarray | None:
    """(C, 3) float64, (0, 3) for an empty input, None when the shape is wrong."""
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:
        return np.zeros((0, 3))
    return a if a.ndim == 2 and a.shape[1] == 3 else None


def _finite_events(ev: Events) -> Events:
    ok = np.all(np.isfinite(ev.positions), axis=1) & np.all(np.isfinite(ev.velocities), axis=1) & np.isfinite(
        ev.strength) & np.isfinite(ev.times_s)
    if ok.all():
        return ev
    return Events(ev.times_s[ok], ev.positions[ok], ev.velocities[ok], ev.strength[ok], ev.kinds[ok],
                  ev.material_ids[ok])


def simulate_effects(scene: Scene, spec: ShotSpec, seed: int,
                     frames: Iterable[tuple[Events, np.ndarray, np.ndarray]], fps: float | None = None,
                     config: EffectsConfig | None = None) -> Iterator[tuple[Particles, DustGrid | None]]:
    """Run the effects over a whole shot: ``frames`` yields, per frame in order, the events since the previous
    frame and the chunks' (C, 3) positions and velocities; yields each frame's particles and dust grid."""
    fx = EffectsSim(scene, spec, seed, fps, config)
    for i, (events, cp, cv) in enumerate(frames):
        yield fx.step(i, i / fx.fps, events, cp, cv)
