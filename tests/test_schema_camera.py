"""Camera maths: one look_at for every stage, its inverse, USD's row-vector form, projections."""

import numpy as np
import pytest

from plano.schema.camera import camera_to_world, camera_to_world_usd, look_at, ortho, perspective


def test_look_at_maps_the_target_onto_the_minus_z_axis():
    eye, target, up = np.array([10.0, -20.0, 5.0]), np.array([0.0, 0.0, 8.0]), np.array([0.0, 0.0, 1.0])
    v = look_at(eye, target, up)
    t = v @ np.r_[target, 1.0]
    assert t[:2] == pytest.approx([0.0, 0.0], abs=1e-9) and t[2] == pytest.approx(-np.linalg.norm(target - eye))
    assert (v @ np.r_[eye, 1.0])[:3] == pytest.approx([0, 0, 0], abs=1e-9)
    above = v @ np.r_[target + [0, 0, 1.0], 1.0]
    assert above[1] > 0  # world up is camera +Y
    np.testing.assert_allclose(camera_to_world(eye, target, up), np.linalg.inv(v), atol=1e-12)


def test_usd_form_is_the_row_vector_transpose():
    eye, target, up = np.array([3.0, 4.0, 2.0]), np.array([-1.0, 0.5, 1.0]), np.array([0.0, 0.0, 1.0])
    m = camera_to_world_usd(eye, target, up)
    np.testing.assert_allclose(m, camera_to_world(eye, target, up).T)
    np.testing.assert_allclose(m[3, :3], eye)  # the translation row
    np.testing.assert_allclose(np.r_[0.0, 0.0, 0.0, 1.0] @ m, np.r_[eye, 1.0])


def test_looking_straight_down_does_not_break():
    v = look_at([0.0, 0.0, 100.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0])
    assert np.isfinite(v).all()
    assert (v @ np.r_[0.0, 0.0, 0.0, 1.0])[2] == pytest.approx(-100.0)


def test_the_scene_camera_uses_the_same_maths(tmp_path):
    from plano.scene import model

    assert model.look_at is look_at
    rig = model.CameraRig(
        frames=np.array([1001]), fps=24.0, positions=np.array([[0.0, -50.0, 2.0]]), targets=np.array([[0.0, 0.0, 10.0]]),
        ups=np.array([[0.0, 0.0, 1.0]]), focal_length_mm=np.array([35.0]), focus_distance_m=np.array([50.0]),
        aperture_width_mm=24.9, aperture_height_mm=14.0, squeeze=1.0, fstop=4.0, width=1920, height=1080)
    np.testing.assert_allclose(rig.projection_matrix(0), perspective(rig.vertical_fov(0), rig.aspect, rig.near_m, rig.far_m))


def test_ortho_maps_the_box_to_the_unit_cube():
    m = ortho(-2.0, 6.0, -1.0, 3.0, 1.0, 11.0)
    assert (m @ [-2.0, -1.0, -1.0, 1.0])[:3] == pytest.approx([-1, -1, -1])
    assert (m @ [6.0, 3.0, -11.0, 1.0])[:3] == pytest.approx([1, 1, 1])
