"""Papers that flutter and tumble out of broken windows.

Each sheet moves in its own vertical plane (a heading that slowly turns) with the quasi-steady thin-plate
model of Andersen, Pesavento and Wang (J. Fluid Mech. 541, 2005): added mass, circulation lift from
translation and rotation, drag that depends on the angle of attack, and rotational damping. The sheet's
velocity is taken relative to the air (the grid's motion plus the wind), so the dust outflow and the wind
carry papers away; sideways to its plane the sheet simply relaxes to the air's speed. A sheet that reaches
the ground lies there.

Coefficients from APW: A = 1.4, B = 1.0, C_T = 1.2, C_R = pi, mu1 = mu2 = 0.2.
"""

from __future__ import annotations

import math

from numba import njit, prange

G = 9.81
AIR_DENSITY_KG_M3 = 1.2
PAPER_AREAL_DENSITY_KG_M2 = 0.08  # 80 g/m^2 office paper
A_DRAG, B_DRAG, C_T, C_R, MU1, MU2 = 1.4, 1.0, 1.2, math.pi, 0.2, 0.2
SIDE_RELAX_S = 0.4


@njit(nogil=True, parallel=True, cache=True, fastmath=True)
def step_papers(pos, vel, age, chord, heading, theta, omega, yaw_rate, landed, air, dt, h_max):
    """Advance sheets ``dt`` seconds in substeps of at most ``h_max`` seconds.

    ``pos``, ``vel`` (N, 3) float32 world; ``chord`` (N,) m; ``heading`` (N,) rad, direction of the sheet's plane
    of motion in xy; ``theta`` (N,) rad pitch of the sheet in that plane; ``omega`` (N,) rad/s; ``yaw_rate``
    (N,) rad/s; ``landed`` (N,) uint8; ``air`` (N, 3) air velocity at each sheet this frame. All in place."""
    steps = max(1, int(math.ceil(dt / h_max)))
    h = dt / steps
    rho = AIR_DENSITY_KG_M3
    for n in prange(pos.shape[0]):
        age[n] += dt
        if landed[n]:
            continue
        l = chord[n]
        m = PAPER_AREAL_DENSITY_KG_M2 * l
        m22 = math.pi * rho * l * l / 4.0
        inertia = m * l * l / 12.0 + math.pi * rho * l ** 4 / 128.0
        for _ in range(steps):
            ch, sh = math.cos(heading[n]), math.sin(heading[n])
            rx = vel[n, 0] - air[n, 0]
            ry = vel[n, 1] - air[n, 1]
            rz = vel[n, 2] - air[n, 2]
            a = rx * ch + ry * sh  # in-plane horizontal
            p = -rx * sh + ry * ch  # across the plane
            ct, st = math.cos(theta[n]), math.sin(theta[n])
            ub = a * ct + rz * st
            vb = -a * st + rz * ct
            sp = math.sqrt(ub * ub + vb * vb) + 1e-6
            om = omega[n]
            gamma = -0.5 * C_T * l * ub * vb / sp + 0.5 * C_R * l * l * om
            fd = 0.5 * rho * l * (A_DRAG - B_DRAG * (ub * ub - vb * vb) / (sp * sp)) * sp
            dub = (m + m22) * vb * om - rho * gamma * vb - m * G * st - fd * ub
            dvb = -m * ub * om + rho * gamma * ub - m * G * ct - fd * vb
            tau = math.pi / 32.0 * rho * l ** 4 * (MU1 * sp / l + MU2 * abs(om)) * om
            dom = (-m22 * ub * vb - tau) / inertia
            ub += h * dub / m
            vb += h * dvb / (m + m22)
            om += h * dom
            if om > 60.0:
                om = 60.0
            elif om < -60.0:
                om = -60.0
            th = theta[n] + h * om
            ct, st = math.cos(th), math.sin(th)
            a = ub * ct - vb * st
            rz = ub * st + vb * ct
            p *= math.exp(-h / SIDE_RELAX_S)
            vx = air[n, 0] + a * ch - p * sh
            vy = air[n, 1] + a * sh + p * ch
            vz = air[n, 2] + rz
            theta[n] = th
            omega[n] = om
            heading[n] += h * yaw_rate[n]
            vel[n, 0], vel[n, 1], vel[n, 2] = vx, vy, vz
            pos[n, 0] += h * vx
            pos[n, 1] += h * vy
            pos[n, 2] += h * vz
            if pos[n, 2] <= 0.0:
                pos[n, 2] = 0.0
                vel[n, 0] = 0.0
                vel[n, 1] = 0.0
                vel[n, 2] = 0.0
                theta[n] = 0.0
                omega[n] = 0.0
                landed[n] = 1
                break
