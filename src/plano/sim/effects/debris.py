"""Debris and glass: small pieces thrown from breaks and impacts, ballistic with air drag, bouncing and
sliding on the ground until they come to rest."""

from __future__ import annotations

import math

from numba import njit, prange

G = 9.81
AIR_DENSITY_KG_M3 = 1.2


def drag_per_metre(size_m, density_kg_m3, drag_coefficient=1.0):
    """Quadratic drag per unit mass, 1/m: ``a = -k |v| v`` for a piece of size ``size_m`` (a cube-ish lump:
    area size^2, mass density*size^3)."""
    return 0.5 * AIR_DENSITY_KG_M3 * drag_coefficient / (density_kg_m3 * size_m)


@njit(nogil=True, parallel=True, cache=True, fastmath=True)
def step_ballistic(pos, vel, size, age, drag, restitution, friction, resting, dt, substeps):
    """Advance pieces ``dt`` seconds in ``substeps`` steps (semi-implicit Euler).

    ``pos``, ``vel`` (N, 3) float32 in place; ``size`` (N,) m (the piece rests with its centre at size/2 above
    the ground); ``drag`` (N,) 1/m; ``restitution`` (N,) 0..1 per bounce, ``friction`` (N,) Coulomb coefficient;
    ``resting`` (N,) uint8,
    set when a piece has stopped (it then stays put)."""
    h = dt / substeps
    for n in prange(pos.shape[0]):
        age[n] += dt
        if resting[n]:
            vel[n, 0] = 0.0
            vel[n, 1] = 0.0
            vel[n, 2] = 0.0
            continue
        r = 0.5 * size[n]
        for _ in range(substeps):
            vx, vy, vz = vel[n, 0], vel[n, 1], vel[n, 2]
            sp = math.sqrt(vx * vx + vy * vy + vz * vz)
            k = 1.0 / (1.0 + h * drag[n] * sp)  # implicit in the drag, stable at any speed
            vx *= k
            vy *= k
            vz = (vz - h * G) * k
            x = pos[n, 0] + h * vx
            y = pos[n, 1] + h * vy
            z = pos[n, 2] + h * vz
            if z < r:
                z = r
                if vz < 0.0:
                    impact = -vz
                    vz = restitution[n] * impact
                    if vz < 0.8:  # too slow to leave the ground again: slide
                        vz = 0.0
                    # Coulomb friction: the ground's push takes away up to mu times the impact speed sideways
                    ht = math.sqrt(vx * vx + vy * vy)
                    if ht > 0.0:
                        f = max(ht - friction[n] * impact, 0.0) / ht
                        vx *= f
                        vy *= f
            pos[n, 0], pos[n, 1], pos[n, 2] = x, y, z
            vel[n, 0], vel[n, 1], vel[n, 2] = vx, vy, vz
            if z <= r + 1e-4 and vx * vx + vy * vy + vz * vz < 0.04:
                resting[n] = 1
                vel[n, 0] = 0.0
                vel[n, 1] = 0.0
                vel[n, 2] = 0.0
                break
