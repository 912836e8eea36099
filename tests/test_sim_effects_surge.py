"""The collapse's dust comes out of the building, not out of a box the building's shape: break and impact dust
leaves through the nearest facade, and floors stopping hard blow a surge that rolls out along the ground."""

import numpy as np

from fx_fixtures import box_scene, small_config
from plano.sim.effects import EffectsSim, emit
from plano.sim.events import Events
from plano.spec.model import ShotSpec

FPS = 24.0


def test_dust_made_inside_leaves_through_the_nearest_facade():
    b = np.array([[-10.0, -20.0, 0.0], [10.0, 20.0, 30.0]])
    pts = np.array([[8.0, 0.0, 5.0], [0.0, -19.0, 12.0], [-9.5, 5.0, 3.0], [15.0, 0.0, 4.0]])
    out, normal = emit.to_facade(pts, b, 1.5)
    np.testing.assert_allclose(out[0], [11.5, 0.0, 5.0])
    np.testing.assert_allclose(out[1], [0.0, -21.5, 12.0])
    np.testing.assert_allclose(out[2], [-11.5, 5.0, 3.0])
    np.testing.assert_allclose(out[3], pts[3])  # already outside: stays
    np.testing.assert_allclose(normal[:3], [[1, 0, 0], [0, -1, 0], [-1, 0, 0]])


def test_crush_counts_only_falling_chunks_that_stopped():
    prev = np.array([[0, 0, -8.0], [0, 0, -8.0], [0, 0, -1.0], [0, 0, 3.0]])
    now = np.array([[0, 0, 0.0], [0, 0, -8.0], [0, 0, 0.0], [0, 0, 0.0]])
    mass, speed = emit.crush(prev, np.zeros((4, 3)), now, 100.0, 2.5)
    np.testing.assert_allclose(mass, [100.0, 0.0, 0.0, 0.0])
    assert speed[0] == 8.0
    assert emit.crush(None, np.zeros((4, 3)), now, 100.0, 2.5)[0].sum() == 0.0


def _footprint_distance(dust, b):
    d = (dust.density - (dust.smoke if dust.smoke is not None else 0.0)).astype(np.float64)
    nx, ny, nz = d.shape
    h = dust.cell_m
    x = dust.origin[0] + (np.arange(nx) + 0.5) * h
    y = dust.origin[1] + (np.arange(ny) + 0.5) * h
    out = np.hypot(np.maximum(np.abs(x) - b[1, 0], 0.0)[:, None], np.maximum(np.abs(y) - b[1, 1], 0.0)[None, :])
    low = d[:, :, : max(1, int(6.0 / h))].sum(axis=2)
    return (low * out).sum() / max(low.sum(), 1e-12), low.sum() / max(d.sum(), 1e-12)


def test_floors_stopping_hard_blow_a_surge_along_the_ground():
    """Chunks fall at 8 m/s for half a second, then stop on the floor below: their dust rolls out along the
    ground beyond the footprint and keeps spreading, and most of it stays low."""
    scene = box_scene()
    b = scene.hero_bounds
    rng = np.random.default_rng(0)
    cp = rng.uniform(b[0] + 1.0, b[1] - 1.0, (300, 3))
    falling, stopped = np.tile([0.0, 0.0, -8.0], (300, 1)), np.zeros((300, 3))
    fx = EffectsSim(scene, ShotSpec(effects=("dust",)), 0, FPS, small_config())
    dist = {}
    for i in range(60):
        cv = falling if 2 <= i < 14 else stopped
        _, dust = fx.step(i, i / FPS, Events.empty(), cp, cv)
        if i in (20, 59):
            dist[i] = _footprint_distance(dust, b)
    assert fx.grid.total_dust_kg() > 0.0
    (d20, low20), (d59, low59) = dist[20], dist[59]
    assert d20 > 3.0 and d59 > d20 + 5.0, (d20, d59)
    assert low59 > 0.3, low59
