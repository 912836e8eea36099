"""The rapier3d engine (Rust, deterministic, Apache-2.0): compound bodies of convex chunk colliders."""

from __future__ import annotations

import numpy as np
import rapier3d as rp

from plano.sim.engines import GROUND

FRICTION = 0.7
RESTITUTION = 0.1
LINEAR_DAMPING = 0.05
ANGULAR_DAMPING = 0.4
STATIC_DATA = 2**31
GROUND_HALF_M = 3000.0
GROUND_DEPTH_M = 100.0
CHUNK, STATIC, GHOST = 1, 2, 4
"""Collision groups: chunks hit chunks and static colliders; ghosts (supports blown out by a charge) only hit
static colliders (the ground), so a pulverised column does not hold up the floors above it."""


def _groups(member: int, filt: int):
    return rp.InteractionGroups(rp.Group(member), rp.Group(filt))


class RapierEngine:
    name = "rapier"

    def __init__(self, dt: float):
        self.world = rp.PhysicsWorld(gravity=(0.0, 0.0, -9.81))
        self.world.set_num_threads(1)  # deterministic and polite on a shared 2-core machine
        ip = self.world.integration_parameters  # modified in place
        ip.dt = float(dt)
        # stiffer contacts than the defaults (30 Hz, 60 Hz with static bodies): piles of concrete sink less
        ip.contact_softness = rp.SpringCoefficients(60.0, 10.0)
        ip.static_contact_softness = rp.SpringCoefficients(150.0, 10.0)
        # speculative contacts 10 cm ahead (default 2 mm): a piece falling at 10 m/s moves 10 cm a step
        ip.normalized_prediction_distance = 0.1
        self.events = rp.ChannelEventCollector()
        self.world.event_handler = self.events
        self.shapes: list = []
        self.rest = np.zeros((0, 3))
        self.thresholds = np.zeros(0)
        self.bodies: dict[int, object] = {}
        self.collider: dict[int, object] = {}
        self._next = 0
        # the ground (z = 0) as a deep box: pieces pressed into it are pushed back up through its top face
        # (a half-space lets heavy plates standing on edge sink; a thin street slab pushes them out below)
        ground = rp.Collider.cuboid(GROUND_HALF_M, GROUND_HALF_M, GROUND_DEPTH_M / 2.0, friction=FRICTION,
                                    restitution=RESTITUTION).translation((0.0, 0.0, -GROUND_DEPTH_M / 2.0))
        self.world.add_body(rp.RigidBody.fixed(), [ground.user_data(STATIC_DATA).collision_groups(_groups(STATIC, 7))])

    def add_static(self, vertices: np.ndarray) -> None:
        v = np.asarray(vertices, np.float64)
        try:
            col = rp.Collider.convex_hull(v, friction=FRICTION, restitution=RESTITUTION)
        except rp.MeshConversionError:  # flat (a road marking, a sign): its box, at least 1 cm thick
            lo, hi = v.min(axis=0), v.max(axis=0)
            half = np.maximum((hi - lo) / 2.0, 0.005)
            col = rp.Collider.cuboid(*map(float, half), friction=FRICTION, restitution=RESTITUTION).translation(
                tuple(map(float, (lo + hi) / 2.0)))
        self.world.add_body(rp.RigidBody.fixed(), [col.user_data(STATIC_DATA).collision_groups(_groups(STATIC, 7))])

    def set_chunks(self, local_vertices, rest_position, thresholds_n, density_kg_m3) -> None:
        self.shapes = [rp.SharedShape.convex_hull(np.asarray(v, np.float64)) for v in local_vertices]
        self.rest = np.asarray(rest_position, np.float64)
        self.thresholds = np.asarray(thresholds_n, np.float64)
        self.density = np.asarray(density_kg_m3, np.float64)

    def add_body(self, chunks, translation, rotation_xyzw, linvel, angvel, fixed: bool, ghost: bool = False) -> int:
        ev = rp.ActiveEvents.CONTACT_FORCE_EVENTS
        groups = _groups(GHOST, STATIC) if ghost else _groups(CHUNK, CHUNK | STATIC)
        cols = [
            rp.Collider.new(self.shapes[c], density=float(self.density[c]), friction=FRICTION, restitution=RESTITUTION)
            .translation(tuple(self.rest[c]))
            .user_data(int(c))
            .active_events(ev)
            .contact_force_event_threshold(float(self.thresholds[c]))
            .collision_groups(groups)
            for c in chunks
        ]
        x, y, z, w = (float(v) for v in rotation_xyzw)
        q = rp.Rotation3(w, x, y, z)
        if fixed:
            b = rp.RigidBody.fixed()
        else:
            b = (rp.RigidBody.dynamic().linvel(tuple(map(float, linvel))).angvel(tuple(map(float, angvel)))
                 .linear_damping(LINEAR_DAMPING).angular_damping(ANGULAR_DAMPING)
                 # a glued cluster must keep reporting its contacts (its weight can still break what holds it)
                 .can_sleep(len(chunks) < 2))
        b = b.position(rp.Isometry3(tuple(map(float, translation)), q))
        h = self.world.add_body(b, cols)
        cs = self.world.colliders
        for ch in self.world.rigid_bodies[h].colliders:
            self.collider[cs[ch].user_data] = ch
        bid = self._next
        self._next += 1
        self.bodies[bid] = h
        return bid

    def remove_body(self, body: int) -> None:
        h = self.bodies.pop(body)
        for ch in self.world.rigid_bodies[h].colliders:
            del self.collider[self.world.colliders[ch].user_data]
        self.world.remove_body(h)

    def remove_chunks(self, body: int, chunks) -> None:
        for c in chunks:
            self.world.remove_collider(self.collider.pop(int(c)))

    def step(self) -> None:
        self.world.step()

    def poses(self, bodies):
        rb = self.world.rigid_bodies
        t = np.empty((len(bodies), 3))
        q = np.empty((len(bodies), 4))
        for k, b in enumerate(bodies):
            body = rb[self.bodies[b]]
            t[k] = body.translation.to_tuple()
            r = body.rotation
            q[k] = (r.i, r.j, r.k, r.w)
        return t, q

    def velocities(self, bodies):
        rb = self.world.rigid_bodies
        v = np.empty((len(bodies), 3))
        w = np.empty((len(bodies), 3))
        c = np.empty((len(bodies), 3))
        for k, b in enumerate(bodies):
            body = rb[self.bodies[b]]
            v[k] = body.linvel.to_tuple()
            w[k] = body.angvel.to_tuple()
            c[k] = body.center_of_mass.to_tuple()
        return v, w, c

    def contacts(self):
        evs = self.events.drain_contact_force_events()
        if not evs:
            return np.zeros(0, int), np.zeros(0, int), np.zeros((0, 3))
        cs = self.world.colliders
        a = np.empty(len(evs), np.int64)
        b = np.empty(len(evs), np.int64)
        f = np.empty((len(evs), 3))
        for k, e in enumerate(evs):
            a[k] = cs[e.collider1].user_data
            b[k] = cs[e.collider2].user_data
            f[k] = e.total_force.to_tuple()
        a[a == STATIC_DATA] = GROUND
        b[b == STATIC_DATA] = GROUND
        return a, b, f

    def kick(self, body: int, linvel, angvel=None) -> None:
        rb = self.world.rigid_bodies[self.bodies[body]]
        rb.linvel = tuple(map(float, linvel))
        if angvel is not None:
            rb.angvel = tuple(map(float, angvel))

    def snapshot(self) -> bytes:
        return self.world.snapshot()
