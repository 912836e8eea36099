"""The render passes checked by numbers on tiny shots (160 x 90)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial import ConvexHull

sys.path.insert(0, str(Path(__file__).parent))
from render_fixtures import MemorySimCache, fixture_scene, make_chunks  # noqa: E402

from plano.errors import PlanoError  # noqa: E402
from plano.render.quality import RenderSettings  # noqa: E402
from plano.render.run import render_frame  # noqa: E402

W, H = 160, 90
TINY = RenderSettings(width=W, height=H, shadow_map_px=1024, dust_steps=24, dust_half_res=False)


def world_points(scene, i, depth):
    """Pixel centres with depth > 0 -> world points (N, 3) and their pixel coordinates (N, 2)."""
    rig = scene.camera
    ys, xs = np.nonzero(depth[..., 0] > 0)
    d = depth[ys, xs, 0].astype(np.float64)
    P = rig.projection_matrix(i)
    xn = (xs + 0.5) / rig.width * 2 - 1
    yn = 1 - (ys + 0.5) / rig.height * 2
    cam = np.c_[xn * d / P[0, 0], yn * d / P[1, 1], -d, np.ones_like(d)]
    world = cam @ np.linalg.inv(rig.view_matrix(i)).T
    return world[:, :3], np.c_[xs, ys]


def test_depth_normals_ids_no_nan():
    scene = fixture_scene(frames=2, width=W, height=H)
    p = render_frame(scene, None, 1001, TINY)
    for name, a in p.items():
        assert a.dtype == np.float32 and a.shape[:2] == (H, W), name
        assert np.isfinite(a).all(), name
    depth, alpha, n = p["depth"][..., 0], p["alpha"][..., 0], p["normal"]
    hit = depth > 0
    assert 0.3 < hit.mean() < 0.95  # ground and buildings below, sky above
    # depth lies within the range of the geometry seen from the camera
    verts = np.concatenate([q.vertices for q in scene.parts])
    z = scene.camera.project(0, verts)[:, 2]
    assert depth[hit].min() >= scene.camera.near_m - 1e-3
    assert depth[hit].max() <= z.max() + 1e-3
    # the hero building's front is about 66-80 m away
    hero_ids = {k + 1 for k, q in enumerate(scene.parts) if q.building == "hero"}
    hero = np.isin(p["object_id"][..., 0], list(hero_ids))
    assert hero.mean() > 0.05
    assert 60 < np.median(depth[hero]) < 90
    # normals: unit length where there is geometry, facing the camera; zero in the sky
    length = np.linalg.norm(n[alpha == 1], axis=-1)
    assert np.abs(length - 1).max() < 5e-3
    P = scene.camera.projection_matrix(0)
    yy, xx = np.mgrid[0:H, 0:W] + 0.5
    rays = np.stack([(xx / W * 2 - 1) / P[0, 0], (1 - yy / H * 2) / P[1, 1], -np.ones_like(xx)], axis=-1)
    facing = np.einsum("ij,ij->i", n[hit], -rays[hit])
    assert (facing > -0.02).mean() > 0.99
    assert np.all(n[~hit] == 0) and np.all(depth[~hit] == 0)
    assert (alpha[~hit] < 0.01).mean() > 0.97  # sky is transparent (lens blur softens the edges)
    # ids are integers from the scene
    ids = p["object_id"][..., 0]
    assert np.all(ids == np.round(ids))
    assert set(np.unique(ids).astype(int)) <= {0} | set(range(1, len(scene.parts) + 1))
    mats = set(np.unique(p["material_id"][hit]).astype(int))
    assert mats <= {m.id for m in scene.materials.values()}
    # the sky is brighter than the asphalt, the beauty is scene-linear (not clipped to 1)
    beauty = p["beauty"]
    assert beauty[~hit].mean() > beauty[-5:].mean()
    assert beauty.max() > 0.2


def test_motion_vectors_follow_the_camera():
    n = 3
    pos = np.array([[12.0 + 1.0 * k, -75.0 + 0.5 * k, 8.0 + 0.2 * k] for k in range(n)])
    tgt = np.tile([0.0, 0.0, 9.0], (n, 1))
    scene = fixture_scene(frames=n, width=W, height=H, camera_positions=pos, camera_targets=tgt)
    p = render_frame(scene, None, 1001, TINY)
    world, px = world_points(scene, 0, p["depth"])
    expected = scene.camera.project(1, world)[:, :2] - scene.camera.project(0, world)[:, :2]
    got = p["motion"][px[:, 1], px[:, 0]]
    err = np.linalg.norm(got - expected, axis=1)
    assert np.abs(expected).max() > 1.0  # the camera really moves the picture
    assert np.median(err) < 0.05
    assert np.percentile(err, 95) < 0.3
    # the last frame measures motion backwards from the previous frame, still pointing forward in time
    p_last = render_frame(scene, None, 1003, TINY)
    world, px = world_points(scene, 2, p_last["depth"])
    expected = scene.camera.project(2, world)[:, :2] - scene.camera.project(1, world)[:, :2]
    got = p_last["motion"][px[:, 1], px[:, 0]]
    assert np.median(np.linalg.norm(got - expected, axis=1)) < 0.05


def test_motion_vectors_follow_a_chunk():
    scene = fixture_scene(frames=3, width=W, height=H)
    chunks = make_chunks(scene, pieces=2)
    roof = next(k for k, q in enumerate(scene.parts) if q.name == "hero/slab/f05")
    moving = chunks.part_index == roof
    fps = scene.camera.fps

    def moves(c, t):
        return np.array([1.0 * t * fps, 0.0, 0.0]) if moving[c] else np.zeros(3)

    sim = MemorySimCache(scene, chunks, 3, moves=moves, dust=False, particles=False)
    p = render_frame(scene, sim, 1002, TINY)
    ids = p["object_id"][..., 0]
    world, px = world_points(scene, 1, p["depth"])
    on_roof = ids[px[:, 1], px[:, 0]] == roof + 1
    assert on_roof.sum() > 20
    w = world[on_roof]
    expected = scene.camera.project(1, w + [1.0, 0.0, 0.0])[:, :2] - scene.camera.project(1, w)[:, :2]
    got = p["motion"][px[on_roof, 1], px[on_roof, 0]]
    assert np.median(np.linalg.norm(got - expected, axis=1)) < 0.05
    assert np.median(got[:, 0]) > 1.0
    # everything else stands still
    still = p["motion"][px[~on_roof, 1], px[~on_roof, 0]]
    assert np.percentile(np.abs(still), 99) < 1e-3 or np.median(np.abs(still)) < 1e-4
    # the roof is drawn through the chunks where the sim put it: one frame later it is 1 m further along
    later = render_frame(scene, sim, 1003, TINY)
    xs = lambda q: np.nonzero((q["object_id"][..., 0] == roof + 1).any(axis=0))[0]  # noqa: E731
    assert xs(later).mean() > xs(p).mean() + 0.5


def test_building_covers_its_projected_outline():
    scene = fixture_scene(frames=2, width=W, height=H, context=False)
    p = render_frame(scene, None, 1001, TINY)
    hero_idx = [k for k, q in enumerate(scene.parts) if q.building == "hero"]
    verts = np.concatenate([scene.parts[k].vertices for k in hero_idx])
    uv = scene.camera.project(0, verts)[:, :2]
    hull = ConvexHull(uv)
    yy, xx = np.mgrid[0:H, 0:W] + 0.5
    pts = np.c_[xx.ravel(), yy.ravel(), np.ones(xx.size)]
    inside = np.all(pts @ hull.equations.T <= 1e-9, axis=1).reshape(H, W)
    hero = np.isin(p["object_id"][..., 0], [k + 1 for k in hero_idx])
    assert inside.sum() > 200
    assert hero.sum() / inside.sum() > 0.85  # the outline is nearly solid (slabs, glass, walls)
    assert (hero & ~inside).sum() <= 0.03 * inside.sum()  # nothing drawn outside it


def test_dust_pass_grows_with_the_cloud():
    scene = fixture_scene(frames=12, width=W, height=H)
    sim = MemorySimCache(scene, make_chunks(scene, 1), 12, particles=False)
    from plano.render.gl_renderer import Renderer

    r = Renderer(scene, TINY, sim.chunks)
    try:
        dust = [render_frame(scene, sim, f, TINY, renderer=r)["dust"] for f in (1001, 1003, 1006, 1011)]
    finally:
        r.release()
    means = [float(d.mean()) for d in dust]
    assert means[0] == 0.0  # no dust before the collapse
    assert means[1] < means[2] < means[3]
    assert means[3] > 0.05
    assert all(0.0 <= d.min() and d.max() <= 1.0 for d in dust)


def test_particles_and_supersampling(monkeypatch):
    # every piece solid: in an 80x45 frame all the debris is under a pixel and would be thinned to a few points
    # (tests/test_render_particle_points.py checks those)
    monkeypatch.setattr("plano.render.geometry.POINT_BELOW_PX2", 0.0)
    scene = fixture_scene(frames=6, width=W, height=H)
    sim = MemorySimCache(scene, make_chunks(scene, 1), 6, dust=False)
    s = TINY.model_copy(update={"width": 80, "height": 45, "supersample": 2})
    p = render_frame(scene, sim, 1004, s)
    assert p["beauty"].shape == (45, 80, 3)
    ids = p["object_id"][..., 0]
    assert np.all(ids == np.round(ids))
    n_parts = len(scene.parts)
    assert np.any(ids > n_parts)  # debris, papers or glass drawn with their own ids
    assert np.isfinite(p["motion"]).all()
    # the supersampled passes agree with one sample per pixel away from edges
    one = render_frame(scene, sim, 1004, s.model_copy(update={"supersample": 1}))
    same = one["object_id"] == p["object_id"]
    assert same.mean() > 0.85
    both = same[..., 0] & (one["depth"][..., 0] > 0)
    assert np.median(np.abs(one["depth"][both] - p["depth"][both]) / one["depth"][both]) < 0.02
    assert np.abs(one["beauty"].mean() - p["beauty"].mean()) < 0.05 * one["beauty"].mean()
    assert np.abs(one["motion"].mean(axis=(0, 1)) - p["motion"].mean(axis=(0, 1))).max() < 0.1


def test_missing_sim_frame_is_a_clear_error():
    scene = fixture_scene(frames=4, width=W, height=H)
    sim = MemorySimCache(scene, make_chunks(scene, 1), 2, dust=False, particles=False)
    with pytest.raises(PlanoError, match="no frame 1004"):
        render_frame(scene, sim, 1004, TINY)


def _sun_shade_ratio(scene, p):
    """Mean luminance of concrete facing the sun over concrete facing away."""
    n_cam = p["normal"].reshape(-1, 3)
    n_world = n_cam @ scene.camera.view_matrix(0)[:3, :3]
    facing = n_world @ scene.sun.direction
    lum = (p["beauty"].reshape(-1, 3) * [0.27, 0.67, 0.06]).sum(1)
    hit = p["material_id"].reshape(-1) == scene.materials["concrete"].id
    lit, shade = hit & (facing > 0.3), hit & (facing < -0.05)
    return lum[lit].mean() / lum[shade].mean()


def test_sun_and_overcast_light_and_surface_detail():
    pos = np.tile([40.0, -60.0, 20.0], (2, 1))
    tgt = np.tile([0.0, 0.0, 6.0], (2, 1))
    clear = fixture_scene(frames=2, width=W, height=H, camera_positions=pos, camera_targets=tgt)
    grey = fixture_scene(frames=2, width=W, height=H, camera_positions=pos, camera_targets=tgt, weather="overcast")
    pc, po = render_frame(clear, None, 1001, TINY), render_frame(grey, None, 1001, TINY)
    rc, ro = _sun_shade_ratio(clear, pc), _sun_shade_ratio(grey, po)
    assert rc > 1.6  # hard sun: lit faces well above the shade (sun 30 degrees up: tops get half of it)
    assert ro < 0.75 * rc  # overcast: soft light, faces differ less (tops still see more sky than walls)
    # surfaces are not flat grey: the hero's concrete varies (boards, stains, joints, shadows, glass)
    hero = np.isin(pc["object_id"][..., 0], [k + 1 for k, q in enumerate(clear.parts) if q.building == "hero"])
    lum = (pc["beauty"] * [0.27, 0.67, 0.06]).sum(-1)[hero]
    assert lum.std() / lum.mean() > 0.15


def test_sim_frame_with_the_wrong_chunk_count_is_a_clear_error():
    scene = fixture_scene(frames=2, width=W, height=H)
    sim = MemorySimCache(scene, make_chunks(scene, 2), 2, dust=False, particles=False)
    other = MemorySimCache(scene, make_chunks(scene, 1), 2, dust=False, particles=False)
    sim.frame = other.frame  # frames written for another fracture
    with pytest.raises(PlanoError, match="chunk positions"):
        render_frame(scene, sim, 1001, TINY)


def test_sky_motion_follows_a_pan():
    n = 2
    pos = np.tile([12.0, -75.0, 8.0], (n, 1))
    tgt = np.array([[0.0, 0.0, 20.0], [6.0, 0.0, 21.0]])  # the camera pans right and tilts up a little
    scene = fixture_scene(frames=n, width=W, height=H, camera_positions=pos, camera_targets=tgt)
    p = render_frame(scene, None, 1001, TINY)
    sky = p["depth"][..., 0] == 0
    ys, xs = np.nonzero(sky)
    rig = scene.camera
    P = rig.projection_matrix(0)
    xn, yn = (xs + 0.5) / W * 2 - 1, 1 - (ys + 0.5) / H * 2
    d_cam = np.c_[xn / P[0, 0], yn / P[1, 1], -np.ones_like(xn)]
    d_world = d_cam @ rig.view_matrix(0)[:3, :3]  # rotation only (transpose of the inverse)
    far = pos[0] + 1e5 * d_world / np.linalg.norm(d_world, axis=1, keepdims=True)
    expected = rig.project(1, far)[:, :2] - rig.project(0, far)[:, :2]
    got = p["motion"][ys, xs]
    assert np.abs(expected[:, 0]).mean() > 2.0
    assert np.median(np.linalg.norm(got - expected, axis=1)) < 0.05
