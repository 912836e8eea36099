"""EffectsSim driven by synthetic events: the dust cloud rises and spreads, nothing goes below the ground,
dust follows the events, the same seed gives the same frames, the spec picks the effects."""

import numpy as np
import pytest

from fx_fixtures import box_scene, ground_burst, no_chunks, small_config, synthetic_collapse
from plano.errors import PlanoError
from plano.sim.effects import EffectsSim, grid_layout
from plano.sim.events import Events
from plano.sim.model import DEBRIS, DUST, GLASS, PAPER, SMOKE
from plano.spec.model import ShotSpec

FPS = 24.0
ALL = ("dust", "debris", "smoke", "papers", "glass")


@pytest.fixture(scope="module")
def scene():
    return box_scene()


@pytest.fixture(scope="module")
def collapse(scene):
    return synthetic_collapse(scene, duration_s=3.0, fps=FPS, chunks=300, start_s=0.2)


@pytest.fixture(scope="module")
def full_run(scene, collapse):
    """All effects but fire over the synthetic collapse, seed 3."""
    return _run(scene, collapse, seed=3)


def _run(scene, frames, effects=ALL, seed=0, config=None):
    fx = EffectsSim(scene, ShotSpec(effects=effects), seed, FPS, config or small_config())
    return fx, [fx.step(i, i / FPS, ev, cp, cv) for i, (ev, cp, cv) in enumerate(frames)]


def _grid_stats(dust):
    d = dust.density.astype(np.float64)
    nx, ny, nz = d.shape
    h = dust.cell_m
    x = dust.origin[0] + (np.arange(nx) + 0.5) * h
    y = dust.origin[1] + (np.arange(ny) + 0.5) * h
    z = dust.origin[2] + (np.arange(nz) + 0.5) * h
    m = d.sum()
    mean_z = (d.sum(axis=(0, 1)) * z).sum() / m
    r2 = x[:, None] ** 2 + y[None, :] ** 2
    radius = np.sqrt((d.sum(axis=2) * r2).sum() / m)
    return mean_z, radius, m * h ** 3


def test_dust_rises_and_spreads_after_ground_impacts(scene):
    """Impacts on the ground at t = 1/24 s; the cloud's horizontal radius grows over 3 s and, once the first
    splash has settled (1 s), its mean height grows too; the dust particles rise from the start."""
    frames = [(Events.empty(), *no_chunks())] * 73
    frames[1] = (ground_burst(t_s=1 / FPS, n=60, radius_m=12.0, speed_m_s=20.0, mass_kg=3e4), *no_chunks())
    fx, out = _run(scene, frames, effects=("dust",))
    stats = {i: _grid_stats(out[i][1]) for i in (2, 24, 48, 72)}
    z = [stats[i][0] for i in sorted(stats)]
    r = [stats[i][1] for i in sorted(stats)]
    assert z[2] > z[1] and z[3] > z[2] + 0.2, z
    assert r[1] > r[0] and r[2] > r[1] and r[3] > r[2] and r[3] > r[0] + 4.0, r
    # the particles tell the same story
    p2, p72 = out[2][0], out[72][0]
    assert p2.count > 0 and np.array_equal(np.sort(p2.ids), np.sort(p72.ids))
    pz = [out[i][0].positions[:, 2].mean() for i in (2, 24, 48, 72)]
    assert pz[1] > pz[0] and pz[2] > pz[1] and pz[3] > pz[2] and pz[3] > pz[0] + 1.0, pz
    rp = lambda p: np.sqrt((p.positions[:, :2] ** 2).sum(axis=1)).mean()  # noqa: E731
    assert rp(p72) > rp(p2) + 3.0
    # and they grow and age
    assert p72.sizes_m.mean() > p2.sizes_m.mean() and np.all(p72.ages_s > 2.9)


def test_collapse_stays_above_ground_finite_and_bounded(full_run):
    fx, out = full_run
    for particles, dust in out:
        assert particles.positions.dtype == np.float32
        assert np.isfinite(particles.positions).all() and np.isfinite(particles.velocities).all()
        if particles.count:
            assert particles.positions[:, 2].min() >= -1e-4
            assert np.abs(particles.velocities).max() < 100.0
        assert np.isfinite(dust.density).all() and dust.density.min() >= 0.0
    assert fx.grid.max_speed() < 80.0
    kinds = out[-1][0].kinds
    for k in (DUST, DEBRIS, PAPER, GLASS, SMOKE):
        assert (kinds == k).any(), k
    assert out[-1][1].smoke is not None and out[-1][1].smoke.max() > 0.0
    assert out[-1][1].temperature is None  # no fire asked


def test_dust_follows_the_events(collapse, full_run):
    fx, out = full_run
    has_events = [ev.count > 0 for ev, _, _ in collapse]
    first = has_events.index(True)
    # nothing before the collapse starts
    assert all(p.count == 0 and d.density.max() == 0.0 for p, d in out[:first])
    mass = np.array([(d.density - d.smoke).sum() for _, d in out])
    counts = np.array([np.sum(p.kinds == DUST) for p, _ in out])
    assert mass[-1] > 0 and counts[-1] > counts[first] > 0
    # the dust emitted on the frames with ground impacts outweighs the rest
    gi = np.array([np.any(ev.kinds == 2) for ev, _, _ in collapse])
    jumps = np.diff(counts, prepend=0)
    assert jumps[gi].mean() > 3 * max(jumps[~gi].mean(), 1.0)


def test_ids_are_unique_and_stable(full_run):
    _, out = full_run
    a, b = out[60][0], out[61][0]
    assert len(np.unique(b.ids)) == b.count
    common, ia, ib = np.intersect1d(a.ids, b.ids, return_indices=True)
    assert len(common) > 0.9 * a.count
    # a particle keeps its identity: it moved no further than its speed allows in one frame
    step = np.linalg.norm(b.positions[ib] - a.positions[ia], axis=1)
    assert np.percentile(step, 99) < 3.0


def test_same_seed_same_frames_other_seed_differs(scene, collapse, full_run):
    frames = collapse[:36]
    a = full_run[1][:36]
    _, b = _run(scene, frames, seed=3)
    _, c = _run(scene, frames, seed=4)
    for (pa, da), (pb, db) in zip(a, b):
        for f in ("positions", "velocities", "sizes_m", "ages_s", "kinds", "ids"):
            assert np.array_equal(getattr(pa, f), getattr(pb, f)), f
        assert np.array_equal(da.density, db.density)
    assert not np.array_equal(a[-1][0].positions, c[-1][0].positions)


def test_spec_chooses_the_effects(scene, collapse):
    frames = collapse[:36]
    _, out = _run(scene, frames, effects=("debris",))
    assert out[-1][1] is None and set(np.unique(out[-1][0].kinds)) == {DEBRIS}
    _, out = _run(scene, frames, effects=())
    assert out[-1][1] is None and out[-1][0].count == 0
    _, out = _run(scene, frames, effects=("fire",))
    dust = out[-1][1]
    assert dust is not None and dust.temperature is not None and dust.temperature.max() > 50.0


def test_grid_is_centred_on_the_building_and_reaches_the_ground(scene):
    shape, origin, cell = grid_layout(scene.hero_bounds, small_config())
    lo, hi = origin, origin + np.array(shape) * cell
    assert lo[2] == 0.0 and hi[2] >= 1.5 * scene.hero_height_m
    assert np.allclose((lo[:2] + hi[:2]) / 2, 0.0)
    assert hi[0] - lo[0] >= 30.0 + 2 * 1 * 30.0
    assert 0.7 * 30_000 < np.prod(shape) < 1.5 * 30_000


def test_bad_input_is_a_plano_error(scene):
    fx = EffectsSim(scene, ShotSpec(effects=("dust",)), 0, FPS, small_config())
    with pytest.raises(PlanoError, match="chunk_velocities"):
        fx.step(0, 0.0, Events.empty(), np.zeros((3, 3)), np.zeros((2, 3)))
    with pytest.raises(PlanoError, match="chunk_positions"):
        fx.step(0, 0.0, Events.empty(), np.zeros((4, 6)), np.zeros((8, 3)))
    with pytest.raises(PlanoError, match="Events"):
        fx.step(0, 0.0, [], *no_chunks())
    fx.step(1, 1.0, Events.empty(), *no_chunks())
    with pytest.raises(PlanoError, match="back in time"):
        fx.step(0, 0.5, Events.empty(), *no_chunks())


def test_resting_contacts_make_no_dust_or_debris(scene):
    """GROUND_IMPACT events at walking pace (pieces settling on the pile) are not explosions."""
    slow = ground_burst(t_s=0.0, n=50, speed_m_s=0.5, mass_kg=2e3)
    fx = EffectsSim(scene, ShotSpec(effects=("dust", "debris")), 0, FPS, small_config())
    particles, dust = fx.step(0, 0.0, slow, *no_chunks())
    assert particles.count == 0 and dust.density.max() == 0.0
    hard = ground_burst(t_s=1 / FPS, n=50, speed_m_s=15.0, mass_kg=2e3)
    particles, dust = fx.step(1, 1 / FPS, hard, *no_chunks())
    assert (particles.kinds == DUST).sum() >= 4 * 50 and (particles.kinds == DEBRIS).any()
    assert dust.density.max() > 0.0


def test_simulate_effects_runs_a_shot(scene, collapse):
    from plano.sim.effects import simulate_effects

    frames = list(simulate_effects(scene, ShotSpec(effects=("dust",)), 3, collapse[:30], FPS, small_config()))
    assert len(frames) == 30
    assert frames[-1][0].count > 0 and frames[-1][1].density.max() > 0
