"""Debris, glass and papers: free fall, bounce and rest on the ground; papers flutter down slower than free fall
and drift with the wind."""

import numpy as np

from fx_fixtures import box_scene, ground_burst, no_chunks, small_config
from plano.sim.effects import EffectsSim
from plano.sim.effects.debris import drag_per_metre, step_ballistic
from plano.sim.effects.papers import step_papers
from plano.sim.events import BREAK, WINDOW_BREAK, Events
from plano.sim.model import DEBRIS, GLASS, PAPER
from plano.spec.model import ShotSpec

FPS = 24.0
G = 9.81


def _windows(n=30, z=30.0, t_s=1 / FPS, seed=0):
    """WINDOW_BREAK events on the building's -Y facade (y = -10) at height ``z``."""
    rng = np.random.default_rng(seed)
    pos = np.c_[rng.uniform(-12, 12, n), np.full(n, -10.0), np.full(n, z)]
    return Events(np.full(n, t_s), pos, np.zeros((n, 3)), np.full(n, 1e3), np.full(n, WINDOW_BREAK, np.uint8),
                  np.full(n, 2, np.int32))


def _run(effects, events_at, seconds, wind=(2.0, 0.5, 0.0), seed=0):
    scene = box_scene(wind_m_s=wind)
    fx = EffectsSim(scene, ShotSpec(effects=effects), seed, FPS, small_config())
    out = []
    for i in range(int(seconds * FPS) + 1):
        out.append(fx.step(i, i / FPS, events_at.get(i, Events.empty()), *no_chunks())[0])
    return out


def test_a_heavy_piece_falls_in_sqrt_2h_over_g():
    h = 20.0
    size = np.array([0.3], np.float32)
    pos = np.array([[0.0, 0.0, h + 0.15]], np.float32)
    vel = np.zeros((1, 3), np.float32)
    age = np.zeros(1, np.float32)
    drag = np.array([drag_per_metre(0.3, 2200.0)], np.float32)
    resting = np.zeros(1, np.uint8)
    dt, t = 1 / 2400, 0.0
    while pos[0, 2] > 0.15 + 1e-6 and t < 5:
        step_ballistic(pos, vel, size, age, drag, np.zeros(1, np.float32), np.full(1, 0.6, np.float32), resting, dt, 1)
        t += dt
    assert abs(t - np.sqrt(2 * h / G)) < 0.05 * np.sqrt(2 * h / G)


def test_debris_is_thrown_lands_and_settles():
    breaks = Events(np.full(20, 1 / FPS), np.c_[np.linspace(-10, 10, 20), np.zeros(20), np.full(20, 25.0)],
                    np.tile([1.0, 0.0, -2.0], (20, 1)), np.full(20, 5e4), np.full(20, BREAK, np.uint8),
                    np.ones(20, np.int32))
    out = _run(("debris",), {1: ground_burst(t_s=1 / FPS, n=40), 2: breaks}, seconds=7.0)
    first, last = out[3], out[-1]
    assert set(np.unique(last.kinds)) == {DEBRIS}
    assert last.count == first.count > 50
    # thrown: pieces from the ground impacts went up
    assert max(p.positions[:, 2].max() for p in out[2:30]) > 3.0
    # settled: at rest on the ground
    assert np.abs(last.velocities).max() == 0.0
    assert np.allclose(last.positions[:, 2], last.sizes_m / 2, atol=1e-3)
    assert np.hypot(last.positions[:, 0], last.positions[:, 1]).max() < 80.0
    for p in out:
        assert (p.positions[:, 2] >= p.sizes_m / 2 - 1e-4).all()


def test_glass_shards_fly_out_of_broken_windows_and_land():
    out = _run(("glass",), {1: _windows()}, seconds=5.0)
    last = out[-1]
    assert set(np.unique(last.kinds)) == {GLASS}
    assert last.count > 200 and last.sizes_m.max() <= 0.12 + 1e-6
    # out of the -Y facade: away from the building
    assert np.median(last.positions[:, 1]) < -11.0
    assert np.all(last.positions[:, 2] < 0.1)


def test_papers_flutter_down_slower_than_free_fall_and_drift():
    wind = (3.0, 0.0, 0.0)
    out = _run(("papers",), {1: _windows(z=30.0)}, seconds=5.0, wind=wind)
    start, end = out[2], out[-1]
    assert set(np.unique(end.kinds)) == {PAPER} and end.count >= 30
    common, ia, ib = np.intersect1d(start.ids, end.ids, return_indices=True)
    assert len(common) == start.count
    drop = start.positions[ia, 2] - end.positions[ib, 2]
    t = 5.0 - 2 / FPS
    free_fall = min(0.5 * G * t ** 2, 30.0)
    assert np.all(drop < 0.5 * free_fall) and np.median(drop) > 1.0
    # carried downwind (+x) and out of the facade (-y)
    dx = end.positions[ib, 0] - start.positions[ia, 0]
    assert np.median(dx) > 3.0
    assert np.median(end.positions[ib, 1]) < -10.5


def test_a_paper_in_still_air_flutters():
    """One sheet dropped in still air swings from side to side (its pitch changes sign, its path wanders
    sideways and back) and sinks at well under a metre or two a second."""
    pos = np.array([[0.0, 0.0, 50.0]], np.float32)
    vel = np.zeros((1, 3), np.float32)
    st = [np.zeros(1, np.float32) for _ in range(3)]
    age, heading, omega = st
    theta = np.full(1, 0.3, np.float32)
    chord = np.full(1, 0.21, np.float32)
    yaw = np.zeros(1, np.float32)
    landed = np.zeros(1, np.uint8)
    air = np.zeros((1, 3), np.float32)
    xs, thetas = [], []
    for _ in range(24 * 8):
        step_papers(pos, vel, age, chord, heading, theta, omega, yaw, landed, air, 1 / FPS, 0.002)
        xs.append(pos[0, 0])
        thetas.append(theta[0])
    thetas = np.array(thetas)
    assert np.sum(np.diff(np.sign(thetas)) != 0) >= 6  # swings back and forth
    x = np.array(xs)
    assert np.ptp(x) > 0.3  # wanders sideways
    speed = (50.0 - pos[0, 2]) / 8.0
    assert 0.1 < speed < 2.0 and landed[0] == 0


def test_crushed_members_throw_debris_and_dust_at_their_level():
    from plano.sim.events import CRUSH

    n = 20
    rng = np.random.default_rng(3)
    pos = np.c_[rng.uniform(-12, 12, n), rng.uniform(-8, 8, n), np.full(n, 24.0)]
    crush = Events(np.full(n, 1 / FPS), pos, np.tile([0.0, 0.0, -8.0], (n, 1)), np.full(n, 5e3),
                   np.full(n, CRUSH, np.uint8), np.full(n, 1, np.int32))
    scene = box_scene()
    fx = EffectsSim(scene, ShotSpec(effects=("dust", "debris")), 0, FPS, small_config())
    fx.step(0, 0.0, Events.empty(), *no_chunks())
    parts, dust = fx.step(1, 1 / FPS, crush, *no_chunks())
    debris = parts.kinds == DEBRIS
    assert debris.sum() >= n  # rubble of every crushed member
    assert np.abs(parts.positions[debris, 2] - 24.0).max() < 6.0  # thrown out where it crushed, not at the ground
    assert dust is not None and float(dust.density.sum()) > 0.0
    # without crushes nothing comes out
    quiet = EffectsSim(scene, ShotSpec(effects=("dust", "debris")), 0, FPS, small_config())
    quiet.step(0, 0.0, Events.empty(), *no_chunks())
    p2, d2 = quiet.step(1, 1 / FPS, Events.empty(), *no_chunks())
    assert (p2.kinds == DEBRIS).sum() == 0 and float(d2.density.sum()) == 0.0
