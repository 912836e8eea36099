"""Rigid-body physics: free fall, the ground, a glued stack that stands and falls, determinism, the cache."""

from pathlib import Path

import numpy as np
import pytest
from sim_fixtures import box, building, ground, scene_from, stack

from plano.sim.cache import SimCache, SimCacheWriter, empty_particles
from plano.sim.model import DustGrid, Particles, SimFrame, SimInfo
from plano.sim.run import run_sim
from plano.sim.solver import quat_to_matrix
from plano.spec.model import Action, Format, ShotSpec

G = 9.81


def _spec(kind="none", duration=2.0, **action):
    return ShotSpec(effects=(), format=Format(duration_s=duration, fps=24.0), action=Action(kind=kind, **action))


def _world_vertices(cache, frame):
    ch = cache.chunks
    f = cache.frame(frame)
    idx = np.repeat(np.arange(ch.count), np.diff(ch.vertex_offsets))
    R = quat_to_matrix(f.rotations.astype(np.float64))
    return np.einsum("nij,nj->ni", R[idx], ch.vertices.astype(np.float64)) + f.positions[idx], idx


def test_free_fall_takes_sqrt_2h_over_g(tmp_path):
    h = 10.0
    sc = scene_from([box("hero/wall/cube", (0, 0, h), (1, 1, h + 1)), ground()])
    cache = run_sim(sc, _spec(duration=2.0), tmp_path, effects=None, target_chunks=1)
    assert cache.chunks.count == 1
    bottom = np.array([_world_vertices(cache, f)[0][:, 2].min() for f in cache.frames])
    t = np.arange(len(bottom)) / cache.info.fps
    k = np.flatnonzero(bottom <= 0.02)[0]  # first frame on the ground
    # interpolate the moment the bottom reached z = 0 between the last frame in the air and the first on the ground
    t_hit = t[k - 1] + (t[k] - t[k - 1]) * bottom[k - 1] / (bottom[k - 1] - bottom[k])
    assert t_hit == pytest.approx(np.sqrt(2 * h / G), rel=0.05)
    # and it stays on the ground, not in it
    assert bottom[-1] > -0.05


def test_glued_stack_stands_without_a_trigger(tmp_path):
    cache = run_sim(stack(3), _spec("none", 2.0), tmp_path, effects=None, target_chunks=30)
    p0 = cache.frame(cache.frames[0]).positions
    p1 = cache.frame(cache.frames[-1]).positions
    assert np.abs(p1 - p0).max() < 0.01
    assert cache.frame(cache.frames[-1]).bonds_broken == 0


def test_glued_stack_falls_when_triggered(tmp_path):
    sc = stack(4, size=1.0)
    cache = run_sim(sc, _spec("collapse", 2.5, start_floor=1, start_s=0.5), tmp_path, effects=None, target_chunks=40)
    first, last = cache.frame(cache.frames[0]), cache.frame(cache.frames[-1])
    top = cache.chunks.part_index == 3
    assert (first.positions[top, 2] - last.positions[top, 2]).mean() > 0.8  # the top block came down a storey
    assert last.bonds_broken > 0
    # before the trigger nothing moved
    before = cache.frame(cache.frames[0] + 10)
    assert np.abs(before.positions - first.positions).max() < 1e-3
    v, _ = _world_vertices(cache, cache.frames[-1])
    assert v[:, 2].min() > -0.05


@pytest.fixture(scope="module")
def collapse(tmp_path_factory):
    sc = building(storeys=4, nx=3, ny=2)
    out = tmp_path_factory.mktemp("collapse")
    spec = _spec("collapse", 2.5, start_floor=1, start_s=0.3)
    return sc, spec, run_sim(sc, spec, out, effects=None, target_chunks=500), out


def test_building_collapses_and_nothing_goes_through_the_ground(collapse):
    sc, _, cache, _ = collapse
    first, last = cache.frame(cache.frames[0]), cache.frame(cache.frames[-1])
    m = cache.chunks.mass_kg
    drop = (m * (first.positions[:, 2] - last.positions[:, 2])).sum() / m.sum()
    assert drop > 1.0  # the centre of mass came down
    assert last.bonds_broken > 0.1 * cache.info.bonds_total
    v, _ = _world_vertices(cache, cache.frames[-1])
    assert v[:, 2].min() > -0.05
    broken = cache.extra["bonds_broken"]
    assert broken == sorted(broken)  # cumulative


def test_same_spec_and_seed_give_identical_cache_bytes(collapse, tmp_path):
    sc, spec, cache, out = collapse
    again = run_sim(sc, spec, tmp_path, effects=None, target_chunks=500)
    a, b = Path(out) / "sim", Path(tmp_path) / "sim"
    assert (a / "chunks.npz").read_bytes() == (b / "chunks.npz").read_bytes()
    for f in again.frames:
        assert (a / f"frame.{f:04d}.npz").read_bytes() == (b / f"frame.{f:04d}.npz").read_bytes(), f


def test_cache_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    parts = Particles(rng.random((5, 3), dtype=np.float32), rng.random((5, 3), dtype=np.float32),
                      np.ones(5, np.float32), np.zeros(5, np.float32), np.arange(5, dtype=np.uint8), np.arange(5))
    dust = DustGrid(np.zeros(3), 0.5, rng.random((4, 5, 6)).astype(np.float32))
    fr = SimFrame(1001, rng.random((3, 3)), rng.random((3, 4)).astype(np.float32),
                  rng.random((3, 3)).astype(np.float32), parts, dust, 7)
    w = SimCacheWriter(tmp_path)
    w.write_frame(fr)
    w.write_frame(SimFrame(1002, fr.positions, fr.rotations, fr.velocities, empty_particles(), None, 8))
    from plano.sim.fracture import fracture_scene

    sc = stack(1)
    chunks = fracture_scene(sc, 0, np.zeros(3), 1.0, 5).chunks
    w.write_chunks(chunks)
    w.write_info(SimInfo(24.0, 1001, 2, "rapier", 3, 10, 1.5))
    c = SimCache(tmp_path)
    assert c.frames == [1001, 1002]
    back = c.frame(1001)
    assert np.array_equal(back.positions, fr.positions) and back.positions.dtype == np.float64
    assert np.array_equal(back.rotations, fr.rotations)
    assert np.array_equal(back.particles.ids, parts.ids) and np.array_equal(back.particles.kinds, parts.kinds)
    assert np.allclose(back.dust.density, dust.density, atol=1e-3) and back.bonds_broken == 7
    assert c.frame(1002).dust is None
    assert np.array_equal(c.chunks.vertices, chunks.vertices)
    assert c.info.engine == "rapier"
