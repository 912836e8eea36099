"""The camera: film back, solved framing (fill fractions), the building in frame on every frame of a move."""

from __future__ import annotations

import math

import numpy as np
import pytest

from plano.scene.build import build_scene
from plano.scene.camera import FRAMING, film_back, in_frame, in_frame_vertically, region_corners
from scene_helpers import reference_scene, reference_spec


def _hero_points(scene):
    return np.concatenate([p.vertices for p in scene.hero_parts()])


def _height_share(scene, i, pts):
    p = scene.camera.project(i, pts)
    return (p[:, 1].max() - p[:, 1].min()) / scene.camera.height


def test_film_back_crops_the_sensor_to_the_delivered_aspect():
    aw, ah = film_back(27.99, 19.22, 16 / 9, 1.0)
    assert aw == pytest.approx(27.99) and aw / ah == pytest.approx(16 / 9)
    aw, ah = film_back(27.99, 19.22, 16 / 9, 2.0)  # 2x anamorphic: full height, half the width of 16:9
    assert ah == pytest.approx(19.22) and 2 * aw / ah == pytest.approx(16 / 9)


def test_reference_camera_is_an_anamorphic_alexa_for_16_9():
    rig = reference_scene().camera
    assert "alexa" in rig.body.lower() and rig.squeeze == 2.0
    assert rig.width / rig.height == pytest.approx(16 / 9, rel=0.01)
    # de-squeezed horizontal FOV matches the delivered aspect
    assert math.tan(rig.horizontal_fov(0) / 2) / math.tan(rig.vertical_fov(0) / 2) == pytest.approx(16 / 9, rel=1e-3)
    assert rig.frames[0] == 1001 and len(rig.frames) == 120
    assert rig.positions[0, 2] == pytest.approx(1.7)  # eye level


def test_extreme_wide_fills_the_stated_share_and_holds_the_whole_building():
    scene = reference_scene()
    pts = _hero_points(scene)
    for i in range(len(scene.camera.frames)):
        assert in_frame(scene.camera, i, pts), f"frame {scene.camera.frames[i]}"
    # the building's projected bounds span the stated share of the frame height; its real outline a little less
    corners = region_corners(scene.hero_bounds, np.array([1.0, 0, 0]), FRAMING["extreme_wide"])
    assert _height_share(scene, 0, corners) == pytest.approx(FRAMING["extreme_wide"].fill, abs=0.01)
    assert 0.85 * FRAMING["extreme_wide"].fill < _height_share(scene, 0, pts) <= _height_share(scene, 0, corners)
    # context around it: the building is less than half the frame width
    p = scene.camera.project(0, pts)
    assert (p[:, 0].max() - p[:, 0].min()) / scene.camera.width < 0.5


@pytest.mark.parametrize("size", ["wide", "full", "medium", "medium_close_up", "close_up", "insert"])
def test_each_shot_size_frames_its_stated_region(size):
    scene = build_scene(reference_spec(shot_size=size))
    f = FRAMING[size]
    front = np.array(scene.info["front"])
    swing = math.radians(scene.info["camera"]["swing_deg"])
    side = np.array([-front[1], front[0], 0.0])
    view = math.cos(swing) * front + math.sin(swing) * side
    region = region_corners(scene.hero_bounds, view, f)
    if f.whole_building:
        assert in_frame(scene.camera, 0, _hero_points(scene))
    else:
        assert in_frame_vertically(scene.camera, 0, region)
    share = _height_share(scene, 0, region)
    if f.whole_building:
        # fills the stated share of the height, or is held back by the frame width
        p = scene.camera.project(0, region)
        wshare = (p[:, 0].max() - p[:, 0].min()) / scene.camera.width
        assert share == pytest.approx(f.fill, abs=0.02) or wshare == pytest.approx(0.92, abs=0.02)
    else:
        assert share == pytest.approx(f.fill, abs=0.02)
        # a tighter shot does not show the whole building
        assert not in_frame(scene.camera, 0, _hero_points(scene))


@pytest.mark.parametrize("move", ["push_in", "pull_out", "pan", "tilt", "crane", "orbit", "handheld", "tracking"])
def test_moves_keep_the_building_in_frame_on_every_frame(move):
    scene = build_scene(reference_spec(shot_size="wide", movement=move))
    rig = scene.camera
    pts = _hero_points(scene)
    assert all(in_frame(rig, i, pts) for i in range(len(rig.frames)))
    moved = (np.ptp(rig.positions, axis=0).max() + np.ptp(rig.targets, axis=0).max())
    assert moved > 1e-3, "the camera should move"
    # smooth: no jump between frames larger than 5x the mean step
    steps = np.linalg.norm(np.diff(rig.positions, axis=0), axis=1) + np.linalg.norm(np.diff(rig.targets, axis=0), axis=1)
    assert steps.max() <= 5 * steps.mean() + 1e-9


@pytest.mark.parametrize("angle,check", [("low", lambda z, h: z == pytest.approx(0.5)),
                                         ("high", lambda z, h: z > 0.5 * h),
                                         ("aerial", lambda z, h: 1.2 * h < z < 4 * h),
                                         ("top_down", lambda z, h: z > h)])
def test_camera_angles_set_the_height(angle, check):
    scene = build_scene(reference_spec(shot_size="wide", angle=angle))
    assert check(scene.camera.positions[0, 2], scene.hero_height_m)
    assert in_frame(scene.camera, 0, _hero_points(scene))
    if angle == "top_down":
        d = scene.camera.targets[0] - scene.camera.positions[0]
        assert d[2] / np.linalg.norm(d) < -0.99


def test_longer_lens_stands_further_back():
    a = build_scene(reference_spec(focal_length_mm=24.0)).info["camera"]["distance_m"]
    b = build_scene(reference_spec(focal_length_mm=75.0)).info["camera"]["distance_m"]
    # about in proportion to the focal length (less at 24 mm, where the building's depth and the upward
    # aim add perspective)
    assert 0.8 * 75 / 24 < b / a < 1.05 * 75 / 24
