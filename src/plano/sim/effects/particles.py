"""Dust, smoke and ember particles: tracers carried by the grid's air and the wind.

Each particle follows the air (midpoint rule) plus a random walk for the turbulence the grid cannot resolve,
minus a small settling speed; it grows with age (the puff spreads) and is removed at the end of its life.
Nothing goes below the ground: a particle that would is kept on it and slides with the outflow.
"""

from __future__ import annotations

import math

from numba import njit, prange

from plano.sim.effects.grid import _cell, _lerp8


@njit(nogil=True, cache=True, fastmath=True, inline="always")
def _air(u, v, w, x, y, z, origin, cell, wind_x10, wind_y10):
    """Air velocity (m/s) at world point (x, y, z): grid motion (zero outside) plus the wind profile."""
    nx, ny, nz = u.shape
    gx = (x - origin[0]) / cell - 0.5
    gy = (y - origin[1]) / cell - 0.5
    gz = (z - origin[2]) / cell - 0.5
    f = (max(z, 0.5) / 10.0) ** 0.2
    ax, ay, az = wind_x10 * f, wind_y10 * f, 0.0
    if gx >= -0.5 and gy >= -0.5 and gx <= nx - 0.5 and gy <= ny - 0.5 and gz <= nz - 0.5:
        i0, fx = _cell(gx, nx)
        j0, fy = _cell(gy, ny)
        k0, fz = _cell(gz, nz)
        ax += _lerp8(u, i0, j0, k0, fx, fy, fz)
        ay += _lerp8(v, i0, j0, k0, fx, fy, fz)
        az += _lerp8(w, i0, j0, k0, fx, fy, fz)
    return ax, ay, az


@njit(nogil=True, parallel=True, cache=True, fastmath=True)
def step_tracers(pos, vel, size, age, grow, rise, jitter, u, v, w, origin, cell, wind_x10, wind_y10, dt, sigma):
    """Advance tracer particles ``dt`` seconds.

    ``pos``, ``vel`` (N, 3) float32, updated in place (``vel`` becomes the velocity used, for motion blur);
    ``size``, ``age`` (N,) updated; ``grow`` (N,) m/s size growth; ``rise`` (N,) m/s own vertical speed
    (negative: settling; positive: hot embers); ``jitter`` (N, 3) standard normal numbers; ``sigma`` m/sqrt(s)
    random-walk strength."""
    sq = sigma * math.sqrt(dt)
    for n in prange(pos.shape[0]):
        x, y, z = pos[n, 0], pos[n, 1], pos[n, 2]
        ax, ay, az = _air(u, v, w, x, y, z, origin, cell, wind_x10, wind_y10)
        az += rise[n]
        bx, by, bz = _air(u, v, w, x + 0.5 * dt * ax, y + 0.5 * dt * ay, max(z + 0.5 * dt * az, 0.0),
                          origin, cell, wind_x10, wind_y10)
        bz += rise[n]
        x += dt * bx + sq * jitter[n, 0]
        y += dt * by + sq * jitter[n, 1]
        z += dt * bz + sq * jitter[n, 2]
        if z < 0.0:
            z = 0.0
        pos[n, 0], pos[n, 1], pos[n, 2] = x, y, z
        vel[n, 0], vel[n, 1], vel[n, 2] = bx, by, bz
        age[n] += dt
        size[n] += grow[n] * dt
