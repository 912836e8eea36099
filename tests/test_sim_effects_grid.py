"""The dust grid solver: buoyancy, ground, expansion sources, wind, stability, no mass made from nothing."""

import numpy as np
import pytest

from plano.sim.effects.grid import FluidGrid


def _ball(g, centre, dust=50.0, heat=0.0, radius=2.0, air=0.0, vel=(0.0, 0.0, 0.0)):
    g.add_sources(np.array([centre], float), np.array([radius]), np.array([dust]), np.array([0.0]),
                  np.array([heat]), np.array([vel], float), np.array([0.0]), np.array([0.5 if any(vel) else 0.0]),
                  np.array([air]))


def _moments(g):
    d = g.dust.astype(np.float64)
    nx, ny, nz = d.shape
    idx = np.stack(np.meshgrid(np.arange(nx), np.arange(ny), np.arange(nz), indexing="ij"), -1)
    c = g.origin + (idx + 0.5) * g.cell_m
    m = d.sum()
    mean = (d[..., None] * c).sum(axis=(0, 1, 2)) / m
    r = np.sqrt((d * ((c[..., 0] - mean[0]) ** 2 + (c[..., 1] - mean[1]) ** 2)).sum() / m)
    return mean, r, m * g.cell_volume_m3


def test_hot_dust_rises_then_cools():
    g = FluidGrid((24, 24, 32), (-12.0, -12.0, 0.0), 1.0, cool_s=2.0)
    _ball(g, (0, 0, 3), dust=20.0, heat=150.0)
    z = [_moments(g)[0][2]]
    for i in range(72):
        g.step(1 / 24)
        if i % 24 == 23:
            z.append(_moments(g)[0][2])
    assert z[1] > z[0] + 0.1 and z[2] > z[1] + 0.3 and z[3] > z[2] + 0.3 and z[3] > z[0] + 1.0, z
    # it cools: the heat left is a small part of what went in
    assert g.heat.max() < 0.3 * 150.0
    assert np.isfinite(g.u).all() and g.max_speed() < 30.0


def test_cold_dense_dust_stays_low():
    g = FluidGrid((24, 24, 32), (-12.0, -12.0, 0.0), 1.0, dust_weight=1.0)
    _ball(g, (0, 0, 3), dust=20.0, heat=0.0)
    for _ in range(48):
        g.step(1 / 24)
    assert _moments(g)[0][2] < 3.5


def test_pushed_out_air_rolls_out_along_the_ground():
    """An expansion source on the ground (air squeezed out of a collapsing building) makes a radial outflow and
    carries dust away from the centre; nothing flows into the ground."""
    g = FluidGrid((32, 32, 20), (-16.0, -16.0, 0.0), 1.0)
    _, r0, _ = _moments(_fill_ground_dust(g))
    for _ in range(24):
        _ball(g, (0, 0, 1.0), dust=0.0, radius=2.0, air=400.0)
        g.step(1 / 24)
        g.end_frame()
    _, r1, _ = _moments(g)
    assert r1 > 1.25 * r0, (r0, r1)
    # velocity near the ground points away from the centre
    i, j = np.meshgrid(np.arange(32) - 15.5, np.arange(32) - 15.5, indexing="ij")
    radial = (g.u[:, :, 0] * i + g.v[:, :, 0] * j) / np.maximum(np.hypot(i, j), 1e-6)
    ring = (np.hypot(i, j) > 3) & (np.hypot(i, j) < 8)
    assert radial[ring].mean() > 0.5
    assert (g.w[:, :, 0] >= 0).all()
    assert g.expansion.max() == 0.0  # cleared at the end of the frame


def _fill_ground_dust(g):
    g.dust[12:20, 12:20, 0:2] = 0.1
    g._dust_kg = g.total_dust_kg()
    return g


def test_wind_carries_dust_downwind():
    g = FluidGrid((40, 16, 16), (-10.0, -8.0, 0.0), 1.0, wind_m_s=(3.0, 0.0, 0.0), vorticity=0.0)
    _ball(g, (-5, 0, 10), dust=20.0)
    x0 = _moments(g)[0][0]
    for _ in range(48):
        g.step(1 / 24)
    x1 = _moments(g)[0][0]
    expect = 2 * 3.0 * (10 / 10) ** 0.2
    assert abs((x1 - x0) - expect) < 0.25 * expect, (x1 - x0, expect)


def test_advection_never_makes_mass_and_stays_finite():
    g = FluidGrid((24, 24, 24), (-12.0, -12.0, 0.0), 1.0, wind_m_s=(1.0, 0.0, 0.0))
    added = 0.0
    rng = np.random.default_rng(0)
    for i in range(60):
        c = rng.uniform([-6, -6, 0], [6, 6, 10])
        _ball(g, c, dust=10.0, heat=80.0, air=50.0, vel=tuple(rng.normal(0, 15, 3)))
        added += 10.0
        g.step(1 / 24)
        g.end_frame()
        assert g.total_dust_kg() <= added * 1.0001
    for f in (g.u, g.v, g.w, g.dust, g.heat, g.pressure):
        assert np.isfinite(f).all()
    assert g.max_speed() < 60.0
    assert g.dust.min() >= 0.0


def test_merged_air_sources_push_the_same_air():
    """Thousands of air sources in a few cells, merged and splatted into the expansion field alone, give the same
    air as splatting every source through ``splat`` (total exactly, the field within 2% of its peak)."""
    from plano.sim.effects import grid as g

    rng = np.random.default_rng(5)
    shape, n = (40, 40, 30), 3000
    centres = rng.uniform([10, 10, 2], [30, 30, 20], (60, 3))[rng.integers(0, 60, n)] + rng.uniform(0, 0.6, (n, 3))
    radii, air, zero = np.full(n, 4.0), rng.uniform(0, 20, n), np.zeros(n)
    air[::5] = 0.0
    fields = [np.zeros(shape) for _ in range(7)]
    g.splat(*fields, centres, radii, zero, zero, zero, np.zeros((n, 3)), zero, zero, air, 2.0)
    c, r, a = g.merge_sources(centres, radii, air)
    assert len(a) < n / 5 and np.isclose(a.sum(), air.sum())
    q = np.zeros(shape)
    g.splat_air(q, c, r, a, 2.0)
    want = fields[6]
    assert np.isclose(q.sum(), want.sum(), rtol=1e-9)
    assert np.abs(q - want).max() < 0.02 * want.max()
    assert all(np.abs(f).max() == 0.0 for f in fields[:6])  # splat added only air here


def _sor_reference(p, div, iterations, omega):
    """Red-black SOR written out plainly: sides and top p = 0, ground dp/dz = 0."""
    nx, ny, nz = p.shape
    for _ in range(iterations):
        for colour in (0, 1):
            for i in range(nx):
                for j in range(ny):
                    for k in range((i + j + colour) & 1, nz, 2):
                        nb = [p[i + di, j + dj, k + dk] for di, dj, dk in
                              ((-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, 1), (0, 0, -1))
                              if 0 <= i + di < nx and 0 <= j + dj < ny and 0 <= k + dk < nz]
                        diag = 5.0 if k == 0 else 6.0
                        p[i, j, k] += omega * ((sum(nb) - div[i, j, k]) / diag - p[i, j, k])


@pytest.mark.parametrize("shape", [(6, 5, 7), (4, 4, 2), (5, 3, 1), (7, 6, 4)])
def test_pressure_solve_is_red_black_sor(shape):
    from plano.sim.effects.grid import pressure_solve

    div = np.random.default_rng(2).normal(0, 1, shape)
    want, got = np.zeros(shape), np.zeros(shape)
    _sor_reference(want, div, 5, 1.7)
    pressure_solve(got, div, 5, 1.7)
    assert np.allclose(got, want, rtol=1e-12, atol=1e-12)
