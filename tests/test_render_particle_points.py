"""Debris smaller than a pixel is drawn as one-pixel points, kept with a probability of its area: the split keeps
the frame's expected coverage, large pieces stay solid, and points reach the passes."""

import numpy as np

from plano.render import geometry as geo
from plano.render.quality import RenderSettings
from plano.render.run import render_frame
from plano.sim.model import DEBRIS, PAPER

from render_fixtures import MemorySimCache, fixture_scene, make_chunks


def _instances(n, size, kind=DEBRIS, z=-100.0):
    inst = np.zeros((n, 10), np.float32)
    rng = np.random.default_rng(3)
    inst[:, 0:2] = rng.uniform(-5, 5, (n, 2))
    inst[:, 2] = z
    inst[:, 6] = size
    inst[:, 7] = kind
    inst[:, 8] = np.arange(n) % 65521
    return inst


def _viewproj():
    vp = np.eye(4)
    vp[3] = [0.0, 0.0, -1.0, 0.0]  # w = distance in front of the camera (looking down -z)
    return vp


def test_sub_pixel_debris_keeps_its_expected_coverage():
    # 0.1 m at 100 m with 1000 px per metre at 1 m: 1 px across, mean area 0.277 px^2
    inst = _instances(20000, 0.1)
    shapes, points = geo.split_particles(inst, _viewproj(), 1000.0)
    assert len(shapes) == 0
    area = geo.mean_projected_area(geo.PARTICLE_SHAPES[DEBRIS]) * 1.0
    assert abs(len(points) / len(inst) - area) < 0.02
    again = geo.split_particles(inst, _viewproj(), 1000.0)[1]  # the same particles every frame
    assert np.array_equal(again[:, 8], points[:, 8])


def test_large_pieces_and_particles_behind_the_camera_stay_solid():
    big = _instances(100, 1.0)  # 10 px across
    behind = _instances(100, 0.01, z=50.0)
    shapes, points = geo.split_particles(np.vstack([big, behind]), _viewproj(), 1000.0)
    assert len(shapes) == 200 and len(points) == 0
    flat = _instances(1000, 0.05, PAPER)  # a paper card's mean area is smaller than a chip's of the same size
    assert len(geo.split_particles(flat, _viewproj(), 1000.0)[1]) < len(geo.split_particles(
        _instances(1000, 0.05), _viewproj(), 1000.0)[1])


def test_point_debris_is_drawn_with_its_ids():
    scene = fixture_scene(frames=6, width=160, height=90)
    sim = MemorySimCache(scene, make_chunks(scene, 1), 6, dust=False)
    s = RenderSettings(width=160, height=90, shadow_map_px=256, shadow_taps=1, ao_samples=0, dust_steps=4,
                       dust_light_steps=2, motion_blur_samples=0, depth_of_field=False)
    debris = len(scene.parts) + 1 + DEBRIS
    old = geo.POINT_BELOW_PX2
    try:
        geo.POINT_BELOW_PX2 = 0.0  # every piece solid
        solid = render_frame(scene, sim, 1004, s)
        geo.POINT_BELOW_PX2 = 1e9  # every piece a point, kept by its area
        points = render_frame(scene, sim, 1004, s)
    finally:
        geo.POINT_BELOW_PX2 = old
    n_solid = int((solid["object_id"][..., 0] == debris).sum())
    n_points = int((points["object_id"][..., 0] == debris).sum())
    assert n_solid > 0 and n_points > 0
    assert np.isfinite(points["beauty"]).all() and np.isfinite(points["motion"]).all()
