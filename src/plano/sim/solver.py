"""The rigid-body collapse: glued clusters as compound bodies in an engine, bonds that break, clusters that split.

Each frame: the engine takes ``substeps`` steps; after each, the contact forces it reports break the bonds
they overload; after the frame, every standing (anchored) cluster is checked for its static load and its
balance; then clusters whose bonds broke are split into new bodies that keep the parent's motion.
"""

from __future__ import annotations

import numpy as np

from plano.scene.model import Scene
from plano.sim.crush import CRUSHES, LOOSE_SHARE, PUNCHES, Crushing
from plano.sim.engines import GROUND, Engine
from plano.sim.events import BREAK, CRUSH, GROUND_IMPACT, IMPACT, WINDOW_BREAK, Events
from plano.sim.fracture import Fracture
from plano.sim.glue import G, Glue, contact_demand, static_demand
from plano.sim.scenarios import Charge

IMPACT_SPEED_M_S = 1.0
"""A contact is an impact (for dust and debris) when the chunk moves faster than this."""
FATIGUE_S = 0.12
"""A bond held at its full strength for this long breaks (impulses accumulate: Chaos-style strain); loads
below ``FATIGUE_FLOOR`` of its strength do no harm."""
FATIGUE_FLOOR = 0.35
PRE_MIN_CHUNKS = 2
"""Bodies of at least this many chunks have their velocity read before each step (see ``_carry_on``)."""
SETTLE_S = 0.3
HELD_FRACTION = 0.3
SETTLE_RAD_S = 0.15
"""A free cluster older than SETTLE_S whose supports push up with more than HELD_FRACTION of its weight is
held up by them (not falling) and turning slower than SETTLE_RAD_S (not tipping over): its own weight then
loads its bonds towards those supports."""


def quat_to_matrix(q: np.ndarray) -> np.ndarray:
    """(n, 4) quaternions (x, y, z, w) -> (n, 3, 3) rotation matrices."""
    x, y, z, w = q[:, 0], q[:, 1], q[:, 2], q[:, 3]
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
        np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
        np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1),
    ], -2)


class RigidSim:
    def __init__(self, scene: Scene, fracture: Fracture, glue: Glue, engine: Engine, fps: float, substeps: int,
                 glass_ids: set[int], seed: int = 0, seam_loads: bool = True,
                 hinge: tuple[float, float] = (0.0, 0.0), crushing: Crushing | None = None):
        self.scene, self.fr, self.glue, self.engine = scene, fracture, glue, engine
        self.crushing = crushing
        """Members that crush under what falls on them (None: bonds only, the pieces stack)."""
        self.seam_loads = seam_loads
        """False: a contact between two chunks that were bonded (across a crack) loads no bonds: the crack
        already broke there, what presses on it is the structure settling, not a new blow."""
        self.hinge_until_s, self.hinge_deg = hinge
        """Until this time, or until the largest free cluster has tilted ``hinge_deg``, contacts at the hinge
        (``hinge_chunks``) load no bonds and free clusters are not loaded by their weight (a topple's base bends
        instead of crushing)."""
        self.ground_crush = self.hinge_until_s > 0
        """A topple: members also crush where they hit the ground (the building lands on its front), and a
        contact crushes only when it is a blow (faster than IMPACT_SPEED_M_S). Not a collapse: its bottom
        storeys stand on the ground and its rubble lands on the pile, as before."""
        self.hinge_chunks: np.ndarray | None = None
        """The chunks the building pivots on (those that stood on the ground when a releasing charge cut it
        free); None: the whole building (no releasing charge yet)."""
        p = glue.pairs.astype(np.int64)
        self._bond_keys = np.sort(p[:, 0] * fracture.chunks.count + p[:, 1])
        self.fps, self.substeps = fps, substeps
        self.dt = 1.0 / (fps * substeps)
        ch = fracture.chunks
        self.C = ch.count
        self.mass = ch.mass_kg
        self.rest = ch.rest_position
        self.glass = np.isin(ch.material_ids, list(glass_ids))
        for p in scene.parts:
            # the engine's ground fills z <= 0; a static part entirely below it (the street's slab) would only
            # push pieces that sank into it further down, out through its bottom face
            if not p.dynamic and p.bounds[1, 2] > 0.01:
                engine.add_static(p.vertices)
        dens = self.mass / np.maximum(fracture.volumes_m3, 1e-12)
        engine.set_chunks([ch.chunk_vertices(c) for c in range(self.C)], self.rest, self._thresholds(), dens)
        # per-chunk body id and per-body state
        self.chunk_body = np.full(self.C, -1, np.int64)
        self.body_chunks: dict[int, np.ndarray] = {}
        self.body_fixed: dict[int, bool] = {}
        self.body_born: dict[int, float] = {}
        self.t = np.zeros((self.C, 3))  # each chunk's body translation
        self.q = np.tile([0.0, 0.0, 0.0, 1.0], (self.C, 1))  # each chunk's body rotation
        self.v = np.zeros((self.C, 3))
        self.w = np.zeros((self.C, 3))
        self.com = np.zeros((self.C, 3))  # each chunk's body's world centre of mass
        self.labels = np.full(self.C, -1)
        self.kicks: dict[int, np.ndarray] = {}
        self.spins: dict[int, np.ndarray] = {}
        self.damage = np.zeros(glue.count)
        self.rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0xC4A7]))
        self.ghost = np.zeros(self.C, bool)
        self.time_s = 0.0
        self._events: list[Events] = []
        self._contact_load = np.zeros(self.C)
        self._support = np.zeros(self.C, bool)
        self._stale = False
        self._dirty = False
        """Bodies must be rebuilt although no bond broke (a lone chunk crushed)."""
        self._pre: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._recluster()

    # --- state -------------------------------------------------------------------------------------------------
    def _thresholds(self) -> np.ndarray:
        cap = np.full(self.C, np.inf)
        p = self.glue.pairs
        np.minimum.at(cap, p[:, 0], self.glue.capacity_n)
        np.minimum.at(cap, p[:, 1], self.glue.capacity_n)
        lone = ~np.isfinite(cap)
        cap[lone] = 20.0 * self.mass[lone] * G
        return 0.25 * cap

    def positions(self) -> np.ndarray:
        """(C, 3) chunk centres of mass in world space."""
        R = quat_to_matrix(self.q)
        return np.einsum("nij,nj->ni", R, self.rest) + self.t

    def chunk_velocities(self) -> np.ndarray:
        return self.v + np.cross(self.w, self.positions() - self.com)

    def _recluster(self) -> None:
        """Bodies for clusters that changed. A split body keeps its largest piece (its other chunks' colliders
        are removed from it) and the other pieces become new bodies with the parent's motion; a cluster that
        lost its last anchor is rebuilt as a free body."""
        glue = self.glue
        self._sync()
        new = glue.components()
        anchored_label = np.zeros(new.max() + 1, bool)
        anchored_label[new[glue.anchored]] = True
        fixed_new = anchored_label[new]
        cb = self.chunk_body
        has = cb >= 0
        create = ~has  # chunks that need a new body
        if has.any():
            keys = np.unique(np.c_[cb[has], new[has]], axis=0)
            nlab = np.bincount(keys[:, 0], minlength=int(cb.max()) + 1)
            status = np.array([self.body_fixed.get(b, False) for b in range(len(nlab))])
            split = np.zeros(len(nlab), bool)
            split[cb[has]] = nlab[cb[has]] > 1
            flip = np.zeros(len(nlab), bool)
            flip[cb[has]] = fixed_new[has] != status[cb[has]]
            for b in np.flatnonzero(flip | split):
                b = int(b)
                cs = self.body_chunks[b]
                if flip[b]:
                    self.engine.remove_body(b)
                    del self.body_chunks[b], self.body_fixed[b]
                    create[cs] = True
                    continue
                labs, counts = np.unique(new[cs], return_counts=True)
                keep = labs[np.argmax(counts)]
                leave = cs[new[cs] != keep]
                self.engine.remove_chunks(b, leave)
                self.body_chunks[b] = cs[new[cs] == keep]
                create[leave] = True
        if create.any():
            pos = self.positions()
            idx = np.flatnonzero(create)
            order = idx[np.argsort(new[idx], kind="stable")]
            bounds = np.flatnonzero(np.diff(new[order])) + 1
            for cs in np.split(order, bounds):
                self._new_body(cs, pos, bool(fixed_new[cs[0]]))
        self.kicks.clear()
        self.spins.clear()
        self.labels = new

    def _new_body(self, cs: np.ndarray, pos: np.ndarray, fixed: bool) -> None:
        m = self.mass[cs]
        com = (m[:, None] * pos[cs]).sum(0) / m.sum()
        c0 = cs[0]
        if fixed:
            lin, ang = np.zeros(3), np.zeros(3)
        else:
            # the parent's rigid motion at the new centre of mass (all chunks of cs shared one parent)
            lin = self.v[c0] + np.cross(self.w[c0], com - self.com[c0])
            ang = self.w[c0].copy()
            kicked = [c for c in cs.tolist() if c in self.kicks]
            if kicked:
                lin = lin + np.mean([self.kicks[c] for c in kicked], axis=0)
                ang = ang + np.mean([self.spins[c] for c in kicked], axis=0)
        b = self.engine.add_body(cs, self.t[c0], self.q[c0], lin, ang, fixed, bool(self.ghost[cs].all()))
        self.body_chunks[b] = cs
        self.body_fixed[b] = fixed
        self.body_born[b] = self.time_s
        self.chunk_body[cs] = b
        self.v[cs], self.w[cs], self.com[cs] = lin, ang, com

    def _sync(self) -> None:
        """Read the moving bodies' state from the engine (after it stepped)."""
        if not self._stale:
            return
        self._stale = False
        moving = [b for b, f in self.body_fixed.items() if not f]
        if not moving:
            return
        t, q = self.engine.poses(moving)
        v, w, com = self.engine.velocities(moving)
        row = np.full(max(self.body_chunks) + 1, -1)
        row[moving] = np.arange(len(moving))
        r = np.where(self.chunk_body >= 0, row[np.maximum(self.chunk_body, 0)], -1)  # -1: between bodies
        m = r >= 0
        r = r[m]
        self.t[m], self.q[m], self.v[m], self.w[m], self.com[m] = t[r], q[r], v[r], w[r], com[r]

    # --- breaking -------------------------------------------------------------------------------------------------
    def _break(self, bonds: np.ndarray) -> None:
        bonds = bonds[self.glue.intact[bonds]]
        if not len(bonds):
            return
        self._sync()
        self.glue.intact[bonds] = False
        p = self.glue.pairs[bonds]
        pos = self.positions()
        vel = self.chunk_velocities()
        mid = 0.5 * (pos[p[:, 0]] + pos[p[:, 1]])
        v = 0.5 * (vel[p[:, 0]] + vel[p[:, 1]])
        strength = self.glue.capacity_n[bonds]  # N x 1 s: area x strength
        glass = self.glass[p[:, 0]] | self.glass[p[:, 1]]
        kinds = np.where(glass, WINDOW_BREAK, BREAK).astype(np.uint8)
        mats = self.fr.chunks.material_ids[p[:, 0]]
        self._events.append(Events(np.full(len(bonds), self.time_s), mid, v, strength, kinds, mats.astype(np.int32)))

    def fire(self, charge: Charge) -> None:
        """Break every bond of the charge's parts, cut them from the ground and throw their chunks."""
        chunks = np.flatnonzero(np.isin(self.fr.chunks.part_index, charge.parts))
        if charge.cut_parts:
            kept = np.isin(self.fr.chunks.part_index, charge.cut_parts)
            self._break(np.flatnonzero(kept[self.glue.pairs[:, 0]] != kept[self.glue.pairs[:, 1]]))
            self._dirty = True
        if not len(chunks):
            return
        sel = np.isin(self.glue.pairs, chunks).any(axis=1)
        if charge.tear_xy is not None:
            (x0, y0), (x1, y1) = charge.tear_xy
            r = self.positions()
            inside = (r[:, 0] > x0) & (r[:, 0] < x1) & (r[:, 1] > y0) & (r[:, 1] < y1) & (r[:, 2] > charge.tear_z_m)
            sel |= inside[self.glue.pairs[:, 0]] != inside[self.glue.pairs[:, 1]]
            self.glue.anchored[inside] = False
        self._break(np.flatnonzero(sel))
        self.glue.anchored[chunks] = False
        if charge.release:
            self.hinge_chunks = self.glue.anchored.copy()
            self.glue.anchored[:] = False
        self.ghost[chunks] = True
        axis = 0.5 * (self.scene.hero_bounds[0] + self.scene.hero_bounds[1])
        pos = self.positions()[chunks]
        d = pos[:, :2] - axis[:2]
        d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-6)
        sign = -1.0 if charge.inward else 1.0
        # a blast throws pieces out at scattered speeds and directions, tumbling
        n = len(chunks)
        speed = charge.speed_m_s * self.rng.uniform(0.25, 1.0, n)
        ang = self.rng.normal(0.0, 0.5, n)
        ca, sa = np.cos(ang), np.sin(ang)
        dx = sign * (ca * d[:, 0] - sa * d[:, 1])
        dy = sign * (sa * d[:, 0] + ca * d[:, 1])
        vz = self.rng.uniform(-0.3, 0.4, n) * charge.speed_m_s
        spin = self.rng.normal(0.0, 3.0, (n, 3))
        for k, c in enumerate(chunks):
            self.kicks[int(c)] = np.array([dx[k] * speed[k], dy[k] * speed[k], vz[k]])
            self.spins[int(c)] = spin[k]
        self._recluster()

    def _hinged(self) -> bool:
        if self.time_s >= self.hinge_until_s:
            return False
        moving = [b for b, f in self.body_fixed.items() if not f]
        if not moving:
            return True
        big = max(moving, key=lambda b: self.mass[self.body_chunks[b]].sum())
        q = self.q[self.body_chunks[big][0]]
        tilt = np.degrees(np.arccos(np.clip(1 - 2 * (q[0] ** 2 + q[1] ** 2), -1.0, 1.0)))
        if tilt >= self.hinge_deg:
            self.hinge_until_s = self.time_s  # released for good
            return False
        return True

    def _contacts_step(self) -> None:
        a, b, f = self.engine.contacts()
        if not len(a):
            return
        # a topple's hinge bends rather than breaks or crushes: while it holds, contacts there load nothing
        # (what lands elsewhere, the front on the ground, loads and crushes as ever)
        if self.hinge_until_s > 0 and self._hinged():
            if self.hinge_chunks is None:
                f = np.zeros_like(f)
            else:
                hc = self.hinge_chunks
                at = (a >= 0) & hc[np.maximum(a, 0)] | (b >= 0) & hc[np.maximum(b, 0)]
                f = np.where(at[:, None], 0.0, f)
        if not self.seam_loads:
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            key = lo * self.C + hi
            i = np.searchsorted(self._bond_keys, key)
            seam = (lo >= 0) & (self._bond_keys[np.minimum(i, len(self._bond_keys) - 1)] == key)
            f = np.where(seam[:, None], 0.0, f)
        mag = np.linalg.norm(f, axis=1)
        both = np.r_[a, b]
        fm = np.r_[mag, mag]
        if self.crushing is not None:
            f = self._crush_step(a, b, f)
            mag = np.linalg.norm(f, axis=1)
            fm = np.r_[mag, mag]
        ok = both != GROUND
        chunk, force = both[ok], fm[ok]
        demand = contact_demand(self.glue, chunk, np.r_[f, f][ok])
        ratio = demand / self.glue.capacity_n
        self.damage += np.clip(ratio - FATIGUE_FLOOR, 0.0, None) * self.dt / FATIGUE_S
        over = np.flatnonzero(self.glue.intact & ((ratio > 1.0) | (self.damage >= 1.0)))
        self._break(over)
        # downward loads on standing chunks (for the static check) and impacts (for the effects)
        fz = np.r_[np.abs(f[:, 2]), np.abs(f[:, 2])][ok]
        np.maximum.at(self._contact_load, chunk, fz)
        # a chunk touching the ground or a chunk below it rests on it: a support for its cluster's weight
        other = np.r_[b, a][ok]
        z = self.positions()[:, 2]
        below = (other == GROUND) | (z[np.maximum(other, 0)] < z[chunk] - 0.05)
        self._support[chunk[below]] = True
        speed = np.linalg.norm(self.v[chunk] + np.cross(self.w[chunk], self.positions()[chunk] - self.com[chunk]), axis=1)
        hit = speed > IMPACT_SPEED_M_S
        if hit.any():
            other = np.r_[b, a][ok][hit]
            cs = chunk[hit]
            kinds = np.where(other == GROUND, GROUND_IMPACT, IMPACT).astype(np.uint8)
            kinds[self.glass[cs]] = WINDOW_BREAK
            pos = self.positions()[cs]
            vel = self.chunk_velocities()[cs]
            self._events.append(Events(np.full(len(cs), self.time_s), pos, vel, force[hit] * self.dt, kinds,
                                       self.fr.chunks.material_ids[cs].astype(np.int32)))

    def _crush_step(self, a: np.ndarray, b: np.ndarray, f: np.ndarray) -> np.ndarray:
        """Crush the members (and punch out the slabs) whose contact load passed their capacity; returns the
        contact forces, those through a failed member capped at its capacity (a crushing column passes on no
        more than it holds).

        The engine's contacts are rigid: the step in which a falling floor met the member also stopped the
        floor. The moving bodies that broke through get that stop undone, less the energy the failure absorbed
        (``Crushing.energy_j``) and sharing their momentum with what they now carry (``Crushing.carried``):
        the floor falls on through the storey at the speed the crush leaves it."""
        cr = self.crushing
        cc = (a >= 0) & (b >= 0)
        if self.ground_crush:
            # a topple: what lands on the ground crushes against it too (the building's front), and only what
            # hits crushes: a building that lies on its face rests on all of it (the engine carries it on a few
            # points, which would grind it down chunk by chunk)
            cc = cc | ((a >= 0) != (b >= 0))
            vel = np.vstack([self.chunk_velocities(), np.zeros((1, 3))])  # row -1: the ground
            rel = np.linalg.norm(vel[np.where(a >= 0, a, -1)] - vel[np.where(b >= 0, b, -1)], axis=1)
            cc &= rel > IMPACT_SPEED_M_S
        if not cc.any():
            return f
        mag = np.linalg.norm(f, axis=1)
        load = np.zeros(self.C)
        ca, cb_ = cc & (a >= 0), cc & (b >= 0)
        np.add.at(load, a[ca], mag[ca])
        np.add.at(load, b[cb_], mag[cb_])
        held = self.glue.anchored.copy()
        live = self.glue.pairs[self.glue.intact]
        held[live.ravel()] = True
        fails = (cr.mode == CRUSHES) | ((cr.mode == PUNCHES) & held)
        # a member cut loose from what braced it buckles long before it crushes
        capacity = np.where(held, cr.capacity_n, LOOSE_SHARE * cr.capacity_n)
        hit = fails & ~self.ghost & ~cr.crushed & (load > capacity)
        if not hit.any():
            return f
        v_before, w_before = self.v.copy(), self.w.copy()  # as last read from the engine (this frame)
        self._sync()
        pos = self.positions()
        impulse, taken = self._breakthroughs(a, b, f, cc, hit, pos)
        carrier = {}
        for body, J in impulse.items():
            v = self._carry_on(body, J, taken.get(body, ()), v_before, w_before)
            for c in taken.get(body, ()):
                carrier.setdefault(c, v)
        crushed = np.flatnonzero(hit & (cr.mode == CRUSHES))
        punched = np.flatnonzero(hit & (cr.mode == PUNCHES))
        cr.time_s[crushed] = self.time_s
        self._pulverise(crushed, pos, carrier)
        self._punch(punched, carrier)
        self._dirty = True
        cap = np.full(len(a), np.inf)
        for side in (a, b):
            m = cc & (side >= 0) & hit[np.maximum(side, 0)]
            cap[m] = np.minimum(cap[m], capacity[side[m]])
        scale = np.minimum(1.0, cap / np.maximum(mag, 1e-9))
        return f * scale[:, None]

    def _breakthroughs(self, a, b, f, cc, hit, pos) -> tuple[dict[int, np.ndarray], dict[int, list[int]]]:
        """For each moving body that broke through a failed member: the impulse all its contacts with other
        chunks gave it this step (N s: the storey it broke into stopped it as a whole) and the failed chunks it
        took (each chunk is taken by the first body that met it)."""
        impulse: dict[int, np.ndarray] = {}
        taken: dict[int, list[int]] = {}
        owner: dict[int, int] = {}
        failing = cc & (((a >= 0) & hit[np.maximum(a, 0)]) | ((b >= 0) & hit[np.maximum(b, 0)]))
        for k in np.flatnonzero(failing).tolist():
            for x, y in ((int(a[k]), int(b[k])), (int(b[k]), int(a[k]))):
                if x < 0:
                    continue
                body = int(self.chunk_body[x])
                if self.body_fixed.get(body, True) or hit[self.body_chunks[body]].all():
                    continue  # standing, or all of it failing now (it keeps the motion it has)
                impulse.setdefault(body, np.zeros(3))
                for c in (x, y):
                    if c >= 0 and hit[c] and c not in owner:
                        owner[c] = body
                        taken.setdefault(body, []).append(c)
        for k in np.flatnonzero(cc).tolist():
            for x, y in ((int(a[k]), int(b[k])), (int(b[k]), int(a[k]))):
                if x < 0:
                    continue
                body = int(self.chunk_body[x])
                if y < 0 and body in impulse:  # the ground pushes up
                    impulse[body] += (f[k] if f[k, 2] >= 0.0 else -f[k]) * self.dt
                elif body in impulse and self.chunk_body[y] != body:
                    fk = f[k] if float(np.dot(f[k], pos[x] - pos[y])) >= 0.0 else -f[k]  # on x's body, away from y
                    impulse[body] += fk * self.dt
        return impulse, taken

    def _read_pre(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Velocity and spin of the moving glued bodies before a step: what a floor that breaks through
        a storey in that step carries on from."""
        bodies = [b for b, f in self.body_fixed.items() if not f and len(self.body_chunks[b]) >= PRE_MIN_CHUNKS]
        if not bodies:
            return {}
        v, w, _ = self.engine.velocities(bodies)
        return {b: (v[k], w[k]) for k, b in enumerate(bodies)}

    def _carry_on(self, body: int, J: np.ndarray, taken, v_before, w_before) -> np.ndarray:
        """Undo the stop of ``body`` (impulse ``J``), take the failure energy of the ``taken`` chunks from it and
        share its momentum with the mass it now carries; sets and returns its new velocity."""
        cr = self.crushing
        cs = self.body_chunks[body]
        M = float(self.mass[cs].sum())
        if body in self._pre:  # as if the failed members had not been there: the step in free flight
            v, w0 = self._pre[body]
            v = v + np.array([0.0, 0.0, -G * self.dt])
        else:  # a body made this step: take the impulse of its contacts back
            v, w0 = self.v[cs[0]] - J / M, w_before[cs[0]]
            # never faster than at the last read plus what gravity added since: only the stop is undone
            vmax = float(np.linalg.norm(v_before[cs[0]])) + G / self.fps
            sp = float(np.linalg.norm(v))
            if sp > vmax:
                v = v * (vmax / sp)
        taken = np.asarray(list(taken), dtype=np.int64)
        own = np.isin(taken, cs)
        e = float(cr.energy_j[taken].sum()) if len(taken) else 0.0
        ke = 0.5 * M * float(v @ v)
        keep = np.sqrt(max(1.0 - e / ke, 0.0)) if ke > 0 else 0.0
        # what it breaks through and carries on with (not its own members: their mass is already in M)
        picked = float((self.mass[taken[~own]] * cr.carried[taken[~own]]).sum()) if len(taken) else 0.0
        keep *= M / (M + picked)
        v = v * keep
        # the stop's off-centre impulse would spin the floor up: it keeps the spin it had, less the same share
        w = w0 * keep
        self.engine.kick(body, v, w)
        self.v[cs], self.w[cs] = v, w
        return v

    def _punch(self, chunks: np.ndarray, carrier: dict[int, np.ndarray]) -> None:
        """Punched-out slab pieces lose their bonds and their hold and move on with what broke through them."""
        if not len(chunks):
            return
        sel = np.isin(self.glue.pairs, chunks).any(axis=1)
        self._break(np.flatnonzero(sel))
        self.glue.anchored[chunks] = False
        for c in chunks.tolist():
            if c in carrier:
                self.kicks[c] = carrier[c] - self.v[c]
                self.spins[c] = np.zeros(3)

    def _pulverise(self, chunks: np.ndarray, pos: np.ndarray, carrier: dict[int, np.ndarray]) -> None:
        """Crushed ``chunks`` become rubble: no bonds, no anchor, colliding with the ground only, carried on with
        what crushed them or thrown out a little; one CRUSH event each (its mass as the strength) for the
        effects' debris and dust."""
        if not len(chunks):
            return
        sel = np.isin(self.glue.pairs, chunks).any(axis=1)
        self._break(np.flatnonzero(sel))
        self.glue.anchored[chunks] = False
        self.ghost[chunks] = True
        for c in chunks.tolist():  # a chunk already alone in its body gets a new (ghost) body
            body = int(self.chunk_body[c])
            if body >= 0 and len(self.body_chunks[body]) == 1:
                self.engine.remove_body(body)
                del self.body_chunks[body], self.body_fixed[body]
                self.chunk_body[c] = -1
        axis = 0.5 * (self.scene.hero_bounds[0] + self.scene.hero_bounds[1])
        d = pos[chunks, :2] - axis[:2]
        d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-6)
        n = len(chunks)
        out = self.rng.uniform(0.5, 2.5, n)
        down = self.rng.uniform(0.0, 1.5, n)
        spin = self.rng.normal(0.0, 2.0, (n, 3))
        vel = self.chunk_velocities()[chunks]
        for k, c in enumerate(chunks.tolist()):
            base = carrier[c] - self.v[c] if c in carrier else np.zeros(3)
            self.kicks[c] = base + np.array([d[k, 0] * out[k], d[k, 1] * out[k], -down[k]])
            self.spins[c] = spin[k]
        self._events.append(Events(np.full(n, self.time_s), pos[chunks], vel, self.mass[chunks],
                                   np.full(n, CRUSH, np.uint8), self.fr.chunks.material_ids[chunks].astype(np.int32)))
        self._stale = True

    def _static_check(self) -> bool:
        """Standing clusters carry their weight and what rests on them down to the ground; a free cluster that
        came to rest on something carries its own weight to what it rests on (an overhang breaks off)."""
        glue = self.glue
        fixed_chunks = np.zeros(self.C, bool)
        glued = np.zeros(self.C, bool)
        hinged = self.hinge_until_s > 0 and self._hinged()
        for b, f in self.body_fixed.items():
            cs = self.body_chunks[b]
            if f:
                fixed_chunks[cs] = True
            elif len(cs) > 1 and not hinged and self.time_s - self.body_born[b] > SETTLE_S:
                held = self._contact_load[cs][self._support[cs]].sum()
                turning = np.linalg.norm(self.w[cs[0]]) > SETTLE_RAD_S  # tipping over: not resting yet
                if held > HELD_FRACTION * self.mass[cs].sum() * G and not turning:
                    glued[cs] = True  # held up by what it rests on: it carries its weight to it
        supports = glued & self._support
        if not fixed_chunks.any() and not supports.any():
            return False
        demand = static_demand(glue, self.mass, self.positions(), np.where(fixed_chunks, self._contact_load, 0.0),
                               supports)
        over = np.flatnonzero(glue.intact & (demand > glue.capacity_n))
        self._break(over)
        toppled = self._balance(fixed_chunks) if fixed_chunks.any() else False
        return len(over) > 0 or toppled

    def _balance(self, fixed_chunks: np.ndarray) -> bool:
        """A standing cluster whose centre of mass is outside its anchors' footprint tips over: free it."""
        freed = False
        for lab in np.unique(self.labels[fixed_chunks]):
            cs = np.flatnonzero(self.labels == lab)
            anc = cs[self.glue.anchored[cs]]
            if not len(anc):
                continue
            m = self.mass[cs]
            com = (m[:, None] * self.rest[cs]).sum(0) / m.sum()
            lo = self.fr.bounds[anc, 0, :2].min(0)
            hi = self.fr.bounds[anc, 1, :2].max(0)
            if (com[:2] < lo).any() or (com[:2] > hi).any():
                self.glue.anchored[anc] = False
                freed = True
        return freed

    # --- stepping -------------------------------------------------------------------------------------------------
    def step_frame(self, charges: list[Charge]) -> Events:
        """Fire ``charges`` due in this frame, advance one frame, and return the events of the frame."""
        frame_end = self.time_s + 1.0 / self.fps
        for ch in charges:
            self.fire(ch)
        self._contact_load[:] = 0.0
        self._support[:] = False
        for _ in range(self.substeps):
            self._pre = self._read_pre() if self.crushing is not None else {}
            self.engine.step()
            self._stale = True
            self.time_s += self.dt
            before = self.glue.broken
            self._contacts_step()
            if self.glue.broken != before or self._dirty:
                self._dirty = False
                self._recluster()
        self._sync()
        if self._static_check():  # one round a frame: a failure spreads through the structure over time
            self._recluster()
        self.time_s = frame_end
        ev = Events.concat(self._events)
        self._events = []
        return ev
