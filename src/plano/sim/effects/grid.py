"""Dust and smoke on a grid: stable fluids (Stam 1999) in numba.

One collocated grid of ``(nx, ny, nz)`` cubic cells of ``cell_m`` metres. The ground is the grid's floor
(z = 0, no flow through it, free slip); the sides and top are open (clean air flows in, dust flows out).
The wind is a horizontal power-law profile added to the velocity the fields are carried by, so it needs no
projection. A step: forces (buoyancy of hot air, weight of dust-laden air, vorticity confinement), pressure
projection (red-black SOR, warm-started), then semi-Lagrangian advection of velocity, dust, smoke and heat
with cooling, settling and damping.

Inside the kernels velocities are m/s and distances are in cells (index space); cell ``(i, j, k)`` is centred
at ``origin + (i + 0.5, j + 0.5, k + 0.5) * cell_m``.
"""

from __future__ import annotations

import contextlib
import math

import numba
import numpy as np
from numba import njit, prange

G = 9.81
T_AMBIENT_K = 293.0
AIR_DENSITY_KG_M3 = 1.2
AIR_SOURCE_CELLS = 4.0


@njit(nogil=True, cache=True, fastmath=True, inline="always")
def _cell(x, n):
    """Index-space coordinate -> lower cell index and fraction, clamped to the grid."""
    if x < 0.0:
        x = 0.0
    elif x > n - 1.0:
        x = n - 1.0
    i = int(x)
    if i > n - 2:
        i = n - 2
    return i, x - i


@njit(nogil=True, cache=True, fastmath=True, inline="always")
def _lerp8(f, i, j, k, fx, fy, fz):
    a = f[i, j, k] * (1 - fz) + f[i, j, k + 1] * fz
    b = f[i, j + 1, k] * (1 - fz) + f[i, j + 1, k + 1] * fz
    c = f[i + 1, j, k] * (1 - fz) + f[i + 1, j, k + 1] * fz
    d = f[i + 1, j + 1, k] * (1 - fz) + f[i + 1, j + 1, k + 1] * fz
    return (a * (1 - fy) + b * fy) * (1 - fx) + (c * (1 - fy) + d * fy) * fx


@njit(nogil=True, parallel=True, cache=True, fastmath=True)
def advect(u, v, w, d, s, t, u2, v2, w2, d2, s2, t2, wind_x, wind_y, dt_cells, keep_vel, keep_dust, keep_smoke, keep_heat):
    """Semi-Lagrangian advection (midpoint back-trace) of all fields into the ``*2`` arrays.

    ``wind_x``, ``wind_y`` (nz,) m/s: the wind profile added to the carrying velocity. ``dt_cells`` = dt / cell_m.
    ``keep_*``: per-step decay factors (damping, settling, smoke thinning, cooling). Back-traces that leave the
    grid through a side or the top bring in clean, still air.
    """
    nx, ny, nz = d.shape
    for i in prange(nx):
        for j in range(ny):
            for k in range(nz):
                vx = u[i, j, k] + wind_x[k]
                vy = v[i, j, k] + wind_y[k]
                vz = w[i, j, k]
                # midpoint
                xm = i - 0.5 * dt_cells * vx
                ym = j - 0.5 * dt_cells * vy
                zm = k - 0.5 * dt_cells * vz
                i0, fx = _cell(xm, nx)
                j0, fy = _cell(ym, ny)
                k0, fz = _cell(zm, nz)
                kw = min(max(zm, 0.0), nz - 1.0)
                kk = int(kw)
                fk = kw - kk
                if kk > nz - 2:
                    kk = nz - 2
                    fk = 1.0
                wxm = wind_x[kk] * (1 - fk) + wind_x[kk + 1] * fk
                wym = wind_y[kk] * (1 - fk) + wind_y[kk + 1] * fk
                vx = _lerp8(u, i0, j0, k0, fx, fy, fz) + wxm
                vy = _lerp8(v, i0, j0, k0, fx, fy, fz) + wym
                vz = _lerp8(w, i0, j0, k0, fx, fy, fz)
                x = i - dt_cells * vx
                y = j - dt_cells * vy
                z = k - dt_cells * vz
                if x < -0.5 or x > nx - 0.5 or y < -0.5 or y > ny - 0.5 or z > nz - 0.5:
                    u2[i, j, k] = 0.0
                    v2[i, j, k] = 0.0
                    w2[i, j, k] = 0.0
                    d2[i, j, k] = 0.0
                    s2[i, j, k] = 0.0
                    t2[i, j, k] = 0.0
                    continue
                i0, fx = _cell(x, nx)
                j0, fy = _cell(y, ny)
                k0, fz = _cell(z, nz)
                u2[i, j, k] = keep_vel * _lerp8(u, i0, j0, k0, fx, fy, fz)
                v2[i, j, k] = keep_vel * _lerp8(v, i0, j0, k0, fx, fy, fz)
                w2[i, j, k] = keep_vel * _lerp8(w, i0, j0, k0, fx, fy, fz)
                d2[i, j, k] = keep_dust * _lerp8(d, i0, j0, k0, fx, fy, fz)
                s2[i, j, k] = keep_smoke * _lerp8(s, i0, j0, k0, fx, fy, fz)
                t2[i, j, k] = keep_heat * _lerp8(t, i0, j0, k0, fx, fy, fz)


@njit(nogil=True, parallel=True, cache=True, fastmath=True)
def curl(u, v, w, ox, oy, oz, mag):
    """Vorticity (m/s per cell) by central differences, one-sided at the borders."""
    nx, ny, nz = u.shape
    for i in prange(nx):
        ip, im = min(i + 1, nx - 1), max(i - 1, 0)
        for j in range(ny):
            jp, jm = min(j + 1, ny - 1), max(j - 1, 0)
            for k in range(nz):
                kp, km = min(k + 1, nz - 1), max(k - 1, 0)
                dwdy = (w[i, jp, k] - w[i, jm, k]) / (jp - jm)
                dvdz = (v[i, j, kp] - v[i, j, km]) / (kp - km)
                dudz = (u[i, j, kp] - u[i, j, km]) / (kp - km)
                dwdx = (w[ip, j, k] - w[im, j, k]) / (ip - im)
                dvdx = (v[ip, j, k] - v[im, j, k]) / (ip - im)
                dudy = (u[i, jp, k] - u[i, jm, k]) / (jp - jm)
                a, b, c = dwdy - dvdz, dudz - dwdx, dvdx - dudy
                ox[i, j, k] = a
                oy[i, j, k] = b
                oz[i, j, k] = c
                mag[i, j, k] = math.sqrt(a * a + b * b + c * c)


@njit(nogil=True, parallel=True, cache=True, fastmath=True)
def forces(u, v, w, d, s, t, ox, oy, oz, mag, dt, eps, buoy_per_k, weight_per_kg):
    """Buoyancy (``buoy_per_k`` m/s^2 per kelvin), weight of dust-laden air (``weight_per_kg`` m/s^2 per kg/m^3
    of dust) and vorticity confinement (strength ``eps``), added to the velocity over ``dt`` seconds."""
    nx, ny, nz = u.shape
    for i in prange(1, nx - 1):
        for j in range(1, ny - 1):
            for k in range(nz):
                kp, km = min(k + 1, nz - 1), max(k - 1, 0)
                gx = 0.5 * (mag[i + 1, j, k] - mag[i - 1, j, k])
                gy = 0.5 * (mag[i, j + 1, k] - mag[i, j - 1, k])
                gz = (mag[i, j, kp] - mag[i, j, km]) / (kp - km)
                gn = math.sqrt(gx * gx + gy * gy + gz * gz) + 1e-6
                nxx, nyy, nzz = gx / gn, gy / gn, gz / gn
                a, b, c = ox[i, j, k], oy[i, j, k], oz[i, j, k]
                u[i, j, k] += dt * eps * (nyy * c - nzz * b)
                v[i, j, k] += dt * eps * (nzz * a - nxx * c)
                w[i, j, k] += dt * (eps * (nxx * b - nyy * a) + buoy_per_k * t[i, j, k] - weight_per_kg * d[i, j, k])


@njit(nogil=True, parallel=True, cache=True, fastmath=True)
def divergence(u, v, w, expansion, div):
    """Central-difference divergence (m/s per cell) minus the wanted ``expansion`` (same units): where air is
    pushed out of a collapsing volume the projected flow spreads away from it. Sides and top: zero-gradient;
    ground: w mirrored (wall)."""
    nx, ny, nz = u.shape
    for i in prange(nx):
        ip, im = min(i + 1, nx - 1), max(i - 1, 0)
        for j in range(ny):
            jp, jm = min(j + 1, ny - 1), max(j - 1, 0)
            for k in range(nz):
                kp = min(k + 1, nz - 1)
                wm = -w[i, j, 0] if k == 0 else w[i, j, k - 1]
                div[i, j, k] = 0.5 * (u[ip, j, k] - u[im, j, k] + v[i, jp, k] - v[i, jm, k] + w[i, j, kp] - wm) \
                    - expansion[i, j, k]


@njit(nogil=True, parallel=True, cache=True, fastmath=True)
def _sor_colour(p, div, colour, omega):
    nx, ny, nz = p.shape
    for i in prange(nx):
        for j in range(ny):
            k0 = (i + j + colour) & 1
            if 0 < i < nx - 1 and 0 < j < ny - 1 and nz >= 3:  # inside: only the ground and the top are special
                k = k0
                if k == 0:
                    acc = p[i - 1, j, 0] + p[i + 1, j, 0] + p[i, j - 1, 0] + p[i, j + 1, 0] + p[i, j, 1]
                    p[i, j, 0] += omega * ((acc - div[i, j, 0]) / 5.0 - p[i, j, 0])  # ground: dp/dz = 0
                    k = 2
                last = nz - 1
                for kk in range(k, last, 2):
                    acc = (p[i - 1, j, kk] + p[i + 1, j, kk] + p[i, j - 1, kk] + p[i, j + 1, kk]
                           + p[i, j, kk + 1] + p[i, j, kk - 1])
                    p[i, j, kk] += omega * ((acc - div[i, j, kk]) / 6.0 - p[i, j, kk])
                if (last - k0) % 2 == 0 and last > 0:  # the top cell is this colour: p = 0 above it
                    acc = p[i - 1, j, last] + p[i + 1, j, last] + p[i, j - 1, last] + p[i, j + 1, last] \
                        + p[i, j, last - 1]
                    p[i, j, last] += omega * ((acc - div[i, j, last]) / 6.0 - p[i, j, last])
                continue
            for k in range(k0, nz, 2):
                acc = 0.0
                if i > 0:
                    acc += p[i - 1, j, k]
                if i < nx - 1:
                    acc += p[i + 1, j, k]
                if j > 0:
                    acc += p[i, j - 1, k]
                if j < ny - 1:
                    acc += p[i, j + 1, k]
                if k < nz - 1:
                    acc += p[i, j, k + 1]
                diag = 6.0
                if k > 0:
                    acc += p[i, j, k - 1]
                else:
                    diag = 5.0  # ground: dp/dz = 0
                new = (acc - div[i, j, k]) / diag
                p[i, j, k] += omega * (new - p[i, j, k])


@njit(nogil=True, cache=True)
def pressure_solve(p, div, iterations, omega):
    """Red-black SOR on the 7-point Laplacian: sides and top p = 0 (open), ground dp/dz = 0 (wall)."""
    for _ in range(iterations):
        _sor_colour(p, div, 0, omega)
        _sor_colour(p, div, 1, omega)


@njit(nogil=True, parallel=True, cache=True, fastmath=True)
def subtract_gradient(u, v, w, p, max_speed):
    """Make the velocity divergence-free, stop flow into the ground and cap the speed at ``max_speed`` m/s
    (a safety net against wild sources; a collapse's air rarely passes 40 m/s)."""
    nx, ny, nz = u.shape
    for i in prange(nx):
        for j in range(ny):
            for k in range(nz):
                pxp = p[i + 1, j, k] if i < nx - 1 else 0.0
                pxm = p[i - 1, j, k] if i > 0 else 0.0
                pyp = p[i, j + 1, k] if j < ny - 1 else 0.0
                pym = p[i, j - 1, k] if j > 0 else 0.0
                pzp = p[i, j, k + 1] if k < nz - 1 else 0.0
                pzm = p[i, j, k - 1] if k > 0 else p[i, j, k]
                a = u[i, j, k] - 0.5 * (pxp - pxm)
                b = v[i, j, k] - 0.5 * (pyp - pym)
                c = w[i, j, k] - 0.5 * (pzp - pzm)
                sp2 = a * a + b * b + c * c
                if sp2 > max_speed * max_speed:
                    f = max_speed / math.sqrt(sp2)
                    a *= f
                    b *= f
                    c *= f
                u[i, j, k] = a
                v[i, j, k] = b
                w[i, j, k] = c
            if w[i, j, 0] < 0.0:
                w[i, j, 0] = 0.0


@njit(nogil=True, cache=True, fastmath=True, inline="always")
def _ball(centres, radii, e, nx, ny, nz):
    """Source ``e`` as a soft ball: its centre (cx, cy, cz), radius r (at least 0.75 cells), the cells of its box
    (cut at 2 r) and the sum of its weights exp(-d^2 / r^2) there (0 when it lies outside the grid): the sources
    are normalised by it, so a ball at the edge adds all its mass to the cells it has."""
    cx, cy, cz = centres[e, 0], centres[e, 1], centres[e, 2]
    r = max(radii[e], 0.75)
    ri = int(math.ceil(2.0 * r))
    i_lo, i_hi = max(int(cx) - ri, 0), min(int(cx) + ri + 1, nx)
    j_lo, j_hi = max(int(cy) - ri, 0), min(int(cy) + ri + 1, ny)
    k_lo, k_hi = max(int(cz) - ri, 0), min(int(cz) + ri + 1, nz)
    inv = 1.0 / (r * r)
    total = 0.0
    for i in range(i_lo, i_hi):
        for j in range(j_lo, j_hi):
            for k in range(k_lo, k_hi):
                qd = ((i - cx) ** 2 + (j - cy) ** 2 + (k - cz) ** 2) * inv
                if qd < 4.0:
                    total += math.exp(-qd)
    return cx, cy, cz, r, i_lo, i_hi, j_lo, j_hi, k_lo, k_hi, inv, total


@njit(nogil=True, cache=True, fastmath=True)
def splat(d, s, t, u, v, w, q, centres, radii, dust, smoke, heat, vel, radial, blend, air, cell_volume):
    """Add sources, each a soft ball in the grid.

    ``centres`` (E, 3) index-space; ``radii`` (E,) cells; ``dust``, ``smoke`` (E,) kg added; ``heat`` (E,) kelvin
    at the centre; ``vel`` (E, 3) m/s the air is pushed towards; ``radial`` (E,) m/s of horizontal outflow away
    from the centre (the ring of a ground impact); ``blend`` (E,) 0..1 how far the air is pushed at the centre;
    ``air`` (E,) m^3/s of air pushed out of the source (added to the expansion field ``q``, 1/s).
    """
    nx, ny, nz = d.shape
    for e in range(centres.shape[0]):
        cx, cy, cz, r, i_lo, i_hi, j_lo, j_hi, k_lo, k_hi, inv, total = _ball(centres, radii, e, nx, ny, nz)
        if total <= 0.0:
            continue
        dd = dust[e] / (total * cell_volume)
        ss = smoke[e] / (total * cell_volume)
        qq = air[e] / (total * cell_volume)
        for i in range(i_lo, i_hi):
            for j in range(j_lo, j_hi):
                for k in range(k_lo, k_hi):
                    dx, dy, dz = i - cx, j - cy, k - cz
                    qd = (dx * dx + dy * dy + dz * dz) * inv
                    if qd >= 4.0:
                        continue
                    g = math.exp(-qd)
                    d[i, j, k] += dd * g
                    s[i, j, k] += ss * g
                    q[i, j, k] += qq * g
                    t[i, j, k] = max(t[i, j, k], heat[e] * g)
                    h = math.sqrt(dx * dx + dy * dy) + 1e-6
                    tx = vel[e, 0] + radial[e] * dx / h * min(h / r, 1.0)
                    ty = vel[e, 1] + radial[e] * dy / h * min(h / r, 1.0)
                    tz = vel[e, 2]
                    b = blend[e] * g
                    u[i, j, k] += b * (tx - u[i, j, k])
                    v[i, j, k] += b * (ty - v[i, j, k])
                    w[i, j, k] += b * (tz - w[i, j, k])


@njit(nogil=True, cache=True, fastmath=True)
def splat_air(q, centres, radii, air, cell_volume):
    """Only the pushed air of :func:`splat` (``air`` (E,) m^3/s into the expansion field ``q``, 1/s), with the
    same soft balls: the air sources are wide, so this skips the six other fields splat would add nothing to."""
    nx, ny, nz = q.shape
    for e in range(centres.shape[0]):
        cx, cy, cz, r, i_lo, i_hi, j_lo, j_hi, k_lo, k_hi, inv, total = _ball(centres, radii, e, nx, ny, nz)
        if total <= 0.0:
            continue
        qq = air[e] / (total * cell_volume)
        for i in range(i_lo, i_hi):
            for j in range(j_lo, j_hi):
                for k in range(k_lo, k_hi):
                    qd = ((i - cx) ** 2 + (j - cy) ** 2 + (k - cz) ** 2) * inv
                    if qd < 4.0:
                        q[i, j, k] += qq * math.exp(-qd)


def merge_sources(centres: np.ndarray, radii: np.ndarray, amount: np.ndarray) -> tuple[np.ndarray, ...]:
    """Sources in the same cell with the same radius (to a tenth of a cell) as one: their total ``amount`` at
    their ``amount``-weighted centre (the first moment kept; wide balls of air from thousands of emission
    points in a few hundred cells). Sources with nothing to add are dropped."""
    keep = amount > 0
    centres, radii, amount = centres[keep], radii[keep], amount[keep]
    if len(amount) < 2:
        return centres, radii, amount
    cell = np.floor(centres).astype(np.int64)
    key = np.c_[cell, np.rint(radii * 10.0).astype(np.int64)]
    _, group, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    group = group.reshape(-1)
    n = len(counts)
    total = np.bincount(group, amount, n)
    centre = np.stack([np.bincount(group, amount * centres[:, a], n) for a in range(3)], axis=1) / total[:, None]
    radius = np.bincount(group, amount * radii, n) / total
    return np.ascontiguousarray(centre), np.ascontiguousarray(radius), total


@njit(nogil=True, cache=True, fastmath=True)
def push_air(u, v, w, points, vels, coupling):
    """Moving chunks drag the air around them: each pulls its 2x2x2 neighbouring cells' velocity towards its own.

    ``points`` (C, 3) index-space positions; ``vels`` (C, 3) m/s; ``coupling`` 0..1 per step."""
    nx, ny, nz = u.shape
    for c in range(points.shape[0]):
        x, y, z = points[c, 0], points[c, 1], points[c, 2]
        if x < 0.0 or y < 0.0 or z < -0.5 or x > nx - 1 or y > ny - 1 or z > nz - 1:
            continue
        i0, fx = _cell(x, nx)
        j0, fy = _cell(y, ny)
        k0, fz = _cell(z, nz)
        for a in range(2):
            wa = fx if a else 1.0 - fx
            for b in range(2):
                wb = fy if b else 1.0 - fy
                for cc in range(2):
                    wc = fz if cc else 1.0 - fz
                    g = coupling * wa * wb * wc
                    i, j, k = i0 + a, j0 + b, k0 + cc
                    u[i, j, k] += g * (vels[c, 0] - u[i, j, k])
                    v[i, j, k] += g * (vels[c, 1] - v[i, j, k])
                    w[i, j, k] += g * (vels[c, 2] - w[i, j, k])


@njit(nogil=True, parallel=True, cache=True, fastmath=True)
def sample_velocity(u, v, w, points, out):
    """Trilinear grid velocity (m/s, without the wind) at index-space ``points`` (N, 3); zero outside the grid."""
    nx, ny, nz = u.shape
    for n in prange(points.shape[0]):
        x, y, z = points[n, 0], points[n, 1], points[n, 2]
        if x < -0.5 or y < -0.5 or x > nx - 0.5 or y > ny - 0.5 or z > nz - 0.5:
            out[n, 0] = 0.0
            out[n, 1] = 0.0
            out[n, 2] = 0.0
            continue
        i0, fx = _cell(x, nx)
        j0, fy = _cell(y, ny)
        k0, fz = _cell(z, nz)
        out[n, 0] = _lerp8(u, i0, j0, k0, fx, fy, fz)
        out[n, 1] = _lerp8(v, i0, j0, k0, fx, fy, fz)
        out[n, 2] = _lerp8(w, i0, j0, k0, fx, fy, fz)


def wind_at_height(wind_m_s, z_m: np.ndarray) -> np.ndarray:
    """Horizontal wind (N, 2) at heights ``z_m``: a power-law profile (exponent 0.2, urban-ish) whose value at
    10 m is the scene's wind; its vertical part is dropped (the ground stops it)."""
    z = np.clip(np.asarray(z_m, dtype=np.float64), 0.5, None)
    f = (z / 10.0) ** 0.2
    return np.stack([wind_m_s[0] * f, wind_m_s[1] * f], axis=-1)


def _cap_mass(field: np.ndarray, expected_kg: float, cell_volume: float) -> float:
    """Scale ``field`` down where advection made more mass than went in; return the mass now in it."""
    have = float(field.sum(dtype=np.float64)) * cell_volume
    if have > expected_kg > 0.0:
        field *= np.float32(expected_kg / have)
        return expected_kg
    return have


@contextlib.contextmanager
def numba_threads(n: int | None):
    """Run numba's parallel kernels on ``n`` threads inside the block (``None``: leave numba's setting)."""
    if n is None:
        yield
        return
    old = numba.get_num_threads()
    numba.set_num_threads(max(1, min(int(n), numba.config.NUMBA_NUM_THREADS)))
    try:
        yield
    finally:
        numba.set_num_threads(old)


class FluidGrid:
    """Dust, smoke and heat on a grid above the ground, with wind.

    ``shape`` (nx, ny, nz); ``origin`` (3,) world position of the grid's min corner (origin z = 0, the ground);
    ``cell_m`` cubic cell size. Fields are float32 (nx, ny, nz): ``u, v, w`` m/s (air motion on top of the wind),
    ``dust``, ``smoke`` kg/m^3, ``heat`` kelvin above ambient.
    """

    def __init__(self, shape, origin, cell_m: float, wind_m_s=(0.0, 0.0, 0.0), *, pressure_iterations: int = 30,
                 vorticity: float = 0.35, dust_settle_s: float = 30.0, smoke_thin_s: float = 45.0,
                 cool_s: float = 3.0, damping_s: float = 12.0, dust_weight: float = 0.3, threads: int | None = 1,
                 max_speed_m_s: float = 60.0):
        nx, ny, nz = (int(n) for n in shape)
        if min(nx, ny, nz) < 4:
            raise ValueError(f"grid shape {shape} is too small; each side needs at least 4 cells")
        self.shape = (nx, ny, nz)
        self.origin = np.asarray(origin, dtype=np.float64)
        self.cell_m = float(cell_m)
        self.wind_m_s = tuple(float(x) for x in wind_m_s)
        z = (np.arange(nz) + 0.5) * self.cell_m
        wind = wind_at_height(self.wind_m_s, z)
        self.wind_x = np.ascontiguousarray(wind[:, 0], dtype=np.float32)
        self.wind_y = np.ascontiguousarray(wind[:, 1], dtype=np.float32)
        self.pressure_iterations = int(pressure_iterations)
        self.vorticity = float(vorticity)
        self.dust_settle_s, self.smoke_thin_s = dust_settle_s, smoke_thin_s
        self.cool_s, self.damping_s = cool_s, damping_s
        self.dust_weight = float(dust_weight)
        self.threads = threads
        self.max_speed_m_s = float(max_speed_m_s)
        z0 = lambda: np.zeros(self.shape, np.float32)  # noqa: E731
        self.u, self.v, self.w, self.dust, self.smoke, self.heat = (z0() for _ in range(6))
        self._u2, self._v2, self._w2, self._d2, self._s2, self._t2 = (z0() for _ in range(6))
        self._ox, self._oy, self._oz, self._mag = (z0() for _ in range(4))
        self.pressure, self._div = z0(), z0()
        self.expansion = z0()
        self._q_cells = z0()
        """1/s: air pushed out of each cell this frame (cleared by :meth:`end_frame`)."""
        self._dust_kg = 0.0
        self._smoke_kg = 0.0

    # coordinates
    def to_index(self, points_m: np.ndarray) -> np.ndarray:
        """World points (N, 3) -> index-space (N, 3) float64 (cell centres at integers)."""
        return (np.asarray(points_m, dtype=np.float64) - self.origin) / self.cell_m - 0.5

    @property
    def cell_volume_m3(self) -> float:
        return self.cell_m ** 3

    @property
    def extent_m(self) -> np.ndarray:
        """(2, 3) min and max corner."""
        return np.stack([self.origin, self.origin + np.array(self.shape) * self.cell_m])

    def air_velocity(self, points_m: np.ndarray) -> np.ndarray:
        """Air velocity (N, 3) m/s at world points: the grid's motion plus the wind."""
        pts = np.ascontiguousarray(self.to_index(points_m))
        out = np.empty((len(pts), 3), np.float64)
        if len(pts):
            sample_velocity(self.u, self.v, self.w, pts, out)
            out[:, :2] += wind_at_height(self.wind_m_s, np.asarray(points_m)[:, 2])
        return out

    def add_sources(self, centres_m, radii_m, dust_kg, smoke_kg, heat_k, vel_m_s, radial_m_s, blend,
                    air_m3_s=None) -> None:
        """Soft balls of dust, smoke, heat and pushed air (see :func:`splat`); all (E,) or (E, 3)."""
        if len(centres_m) == 0:
            return
        f64 = lambda a: np.ascontiguousarray(a, dtype=np.float64)  # noqa: E731
        n = len(radii_m)
        centres, radii, zero = f64(self.to_index(centres_m)), f64(np.asarray(radii_m) / self.cell_m), np.zeros(n)
        splat(self.dust, self.smoke, self.heat, self.u, self.v, self.w, self.expansion, centres, radii,
              f64(dust_kg), f64(smoke_kg), f64(heat_k), f64(vel_m_s), f64(radial_m_s),
              f64(np.clip(blend, 0.0, 1.0)), zero, self.cell_volume_m3)
        if air_m3_s is not None and np.any(np.asarray(air_m3_s) > 0):
            # pushed-out air spread over at least AIR_SOURCE_CELLS cells: a smaller source makes the projected
            # outflow a grid-aligned diamond instead of a circle
            splat_air(self.expansion, *merge_sources(centres, np.maximum(radii, AIR_SOURCE_CELLS), f64(air_m3_s)),
                      self.cell_volume_m3)
        self._dust_kg += float(np.sum(dust_kg))
        self._smoke_kg += float(np.sum(smoke_kg))

    def push(self, points_m: np.ndarray, vels_m_s: np.ndarray, coupling: float) -> None:
        """Let moving solids (N, 3) drag the air (see :func:`push_air`)."""
        if len(points_m) == 0:
            return
        push_air(self.u, self.v, self.w, np.ascontiguousarray(self.to_index(points_m)),
                 np.ascontiguousarray(vels_m_s, dtype=np.float64), float(coupling))

    def step(self, dt: float) -> None:
        """Advance ``dt`` seconds: forces, projection, advection."""
        with numba_threads(self.threads):
            self._step(dt)

    def _step(self, dt: float) -> None:
        if self.vorticity > 0.0:
            curl(self.u, self.v, self.w, self._ox, self._oy, self._oz, self._mag)
        else:
            self._mag[:] = 0.0
            self._ox[:] = 0.0
            self._oy[:] = 0.0
            self._oz[:] = 0.0
        forces(self.u, self.v, self.w, self.dust, self.smoke, self.heat, self._ox, self._oy, self._oz, self._mag,
               dt, self.vorticity, G / T_AMBIENT_K, self.dust_weight * G / AIR_DENSITY_KG_M3)
        self._q_cells = self.expansion * np.float32(self.cell_m)  # 1/s -> m/s per cell
        self.project()
        advect(self.u, self.v, self.w, self.dust, self.smoke, self.heat,
               self._u2, self._v2, self._w2, self._d2, self._s2, self._t2,
               self.wind_x, self.wind_y, dt / self.cell_m,
               math.exp(-dt / self.damping_s), math.exp(-dt / self.dust_settle_s),
               math.exp(-dt / self.smoke_thin_s), math.exp(-dt / self.cool_s))
        self.u, self._u2 = self._u2, self.u
        self.v, self._v2 = self._v2, self.v
        self.w, self._w2 = self._w2, self.w
        self.dust, self._d2 = self._d2, self.dust
        self.smoke, self._s2 = self._s2, self.smoke
        self.heat, self._t2 = self._t2, self.heat
        # semi-Lagrangian advection is not conservative; never let it create dust or smoke
        self._dust_kg *= math.exp(-dt / self.dust_settle_s)
        self._smoke_kg *= math.exp(-dt / self.smoke_thin_s)
        self._dust_kg = _cap_mass(self.dust, self._dust_kg, self.cell_volume_m3)
        self._smoke_kg = _cap_mass(self.smoke, self._smoke_kg, self.cell_volume_m3)

    def end_frame(self) -> None:
        """Forget this frame's expansion sources."""
        self.expansion[:] = 0.0

    def project(self) -> None:
        divergence(self.u, self.v, self.w, self._q_cells, self._div)
        pressure_solve(self.pressure, self._div, self.pressure_iterations, 1.7)
        subtract_gradient(self.u, self.v, self.w, self.pressure, self.max_speed_m_s)

    def total_dust_kg(self) -> float:
        return float(self.dust.sum(dtype=np.float64)) * self.cell_volume_m3

    def max_speed(self) -> float:
        return float(max(np.abs(self.u).max(), np.abs(self.v).max(), np.abs(self.w).max()))
