"""Saving and loading a scene exactly, and the USD file: camera, sun, sky, one mesh per part group."""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict

import numpy as np
import pytest

from plano.errors import PlanoError
from plano.scene.build import build_scene
from plano.scene.io import load_scene, save_scene
from plano.io.usd import write_scene_usd as write_usd
from scene_helpers import reference_scene, reference_spec


def test_save_load_round_trip_is_exact(tmp_path):
    scene = reference_scene()
    save_scene(scene, tmp_path / "scene")
    back = load_scene(tmp_path / "scene")
    assert len(back.parts) == len(scene.parts)
    for a, b in zip(scene.parts, back.parts):
        assert (a.name, a.group, a.material, a.building, a.floor, a.dynamic) == (
            b.name, b.group, b.material, b.building, b.floor, b.dynamic)
        assert np.array_equal(a.vertices, b.vertices) and np.array_equal(a.faces, b.faces)
        assert b.faces.dtype == np.int32
    assert back.materials == scene.materials and back.sky == scene.sky and back.info == scene.info
    for f in dataclasses.fields(scene.camera):
        x, y = getattr(scene.camera, f.name), getattr(back.camera, f.name)
        assert np.array_equal(x, y), f.name
    assert np.array_equal(back.sun.direction, scene.sun.direction) and back.sun.color == scene.sun.color
    assert np.array_equal(back.hero_bounds, scene.hero_bounds)
    assert (back.style, back.storeys, back.floor_height_m, back.seed) == (
        scene.style, scene.storeys, scene.floor_height_m, scene.seed)


def test_load_refuses_a_damaged_cache(tmp_path):
    scene = build_scene(reference_spec())
    save_scene(scene, tmp_path)
    (tmp_path / "arrays.npz").write_bytes(b"junk")
    with pytest.raises(PlanoError, match="rebuild"):
        load_scene(tmp_path)
    with pytest.raises(PlanoError, match="no saved scene"):
        load_scene(tmp_path / "nothing")


def test_usd_reopens_with_camera_sun_and_one_mesh_per_group(tmp_path):
    from pxr import Usd, UsdGeom, UsdLux, UsdShade

    scene = build_scene(reference_spec(movement="push_in"))
    path = write_usd(scene, tmp_path / "scene.usda")
    assert not list(tmp_path.glob("*.tmp-*"))
    stage = Usd.Stage.Open(str(path))
    assert UsdGeom.GetStageMetersPerUnit(stage) == 1.0 and UsdGeom.GetStageUpAxis(stage) == "Z"
    rig = scene.camera
    assert stage.GetTimeCodesPerSecond() == rig.fps and stage.GetStartTimeCode() == 1001
    cam = UsdGeom.Camera(stage.GetPrimAtPath("/World/Camera"))
    # UsdGeom.Camera's lens units are tenths of a scene unit (mm only on a cm stage): read back as Blender's
    # importer does (x 100 x metersPerUnit), the lens is the rig's in millimetres
    to_mm = 100.0 * UsdGeom.GetStageMetersPerUnit(stage)
    assert cam.GetFocalLengthAttr().Get(1001) * to_mm == pytest.approx(rig.focal_length_mm[0], rel=1e-6)
    assert cam.GetPrim().GetAttribute("plano:focalLength_mm").Get(1001) == pytest.approx(rig.focal_length_mm[0])
    assert cam.GetHorizontalApertureAttr().Get() * to_mm == pytest.approx(rig.aperture_width_mm * rig.squeeze,
                                                                         rel=1e-6)
    assert cam.GetVerticalApertureAttr().Get() * to_mm == pytest.approx(rig.aperture_height_mm, rel=1e-6)
    assert 5 < cam.GetFocalLengthAttr().Get(1001) * to_mm < 300 and 10 < rig.aperture_height_mm < 40
    xf = cam.GetPrim().GetAttribute("xformOp:transform")
    assert xf.GetTimeSamples() == [float(f) for f in rig.frames]
    for i in (0, len(rig.frames) - 1):
        gcam = cam.GetCamera(Usd.TimeCode(float(rig.frames[i])))
        assert np.allclose(gcam.frustum.GetPosition(), rig.positions[i], atol=1e-6)
        view = np.array(gcam.frustum.ComputeViewDirection())
        want = rig.targets[i] - rig.positions[i]
        assert np.allclose(view, want / np.linalg.norm(want), atol=1e-6)
        # the USD camera's field of view is the rig's (horizontal after de-squeeze)
        hfov = 2 * math.atan(gcam.horizontalAperture / (2 * gcam.focalLength))
        assert hfov == pytest.approx(rig.horizontal_fov(i), rel=1e-5)
        # the camera looks at the building: the hero's centre lies in front, inside the frustum
        centre = np.asarray(scene.hero_bounds, float).mean(axis=0)
        to_c = centre - np.array(gcam.frustum.GetPosition())
        assert np.dot(to_c / np.linalg.norm(to_c), view) > math.cos(hfov / 2)
    sun = UsdLux.DistantLight(stage.GetPrimAtPath("/World/Sun"))
    assert sun.GetAngleAttr().Get() == pytest.approx(0.53)
    m = UsdGeom.Xformable(sun).ComputeLocalToWorldTransform(Usd.TimeCode.Default())
    light_dir = np.array(m.TransformDir((0, 0, -1)))
    assert np.allclose(-light_dir / np.linalg.norm(light_dir), scene.sun.direction, atol=1e-6)
    # as a DCC reads the light (UsdLux): a normalized distant light's intensity is its illuminance in lux, so
    # the sun lights the ground with the sun's lux whatever its angle (unnormalized, Blender and Karma read it
    # as radiance over the 0.53 degree disc: a sun-only render would be black)
    assert sun.GetNormalizeAttr().Get() is True
    assert sun.GetIntensityAttr().Get() == pytest.approx(scene.sun.illuminance_lux, rel=1e-6)
    assert 1e4 < sun.GetIntensityAttr().Get() < 1.3e5  # an afternoon sun
    assert sun.GetExposureAttr().Get() in (None, 0.0)
    dome = UsdLux.DomeLight(stage.GetPrimAtPath("/World/Sky"))
    sky_lux = np.pi * dome.GetIntensityAttr().Get()  # a uniform dome of luminance L gives pi * L lux
    assert 0.05 < sky_lux / scene.sun.illuminance_lux < 0.3
    groups = defaultdict(int)
    for p in scene.parts:
        groups[(p.building, p.group)] += 1
    meshes = [p for p in stage.Traverse() if p.IsA(UsdGeom.Mesh)]
    assert len(meshes) == len(groups)
    hero_slab = UsdGeom.Mesh(stage.GetPrimAtPath("/World/Buildings/hero/slab"))
    n_slab = sum(len(p.faces) for p in scene.parts if p.building == "hero" and p.group == "slab")
    assert len(hero_slab.GetFaceVertexCountsAttr().Get()) == n_slab
    mat, _ = UsdShade.MaterialBindingAPI(hero_slab.GetPrim()).ComputeBoundMaterial()
    assert mat and mat.GetPrim().GetName() == "concrete_board_formed"


def test_sim_usd_plays_the_chunks_at_the_shot_rate(tmp_path):
    """The animated chunks as a DCC reads them: a mesh per chunk, translate and orient samples at every written
    frame, time codes = frame numbers, timeCodesPerSecond = the sim's fps."""
    from types import SimpleNamespace

    from pxr import Usd, UsdGeom

    from plano.io.usd import write_sim_usd
    from plano.sim.model import Chunks

    cube = np.array([[x, y, z] for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)], np.float32)
    faces = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
                      [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]], np.int32)
    chunks = Chunks(vertices=np.concatenate([cube, cube]), faces=np.concatenate([faces, faces]),
                    vertex_offsets=np.array([0, 8, 16]), face_offsets=np.array([0, 12, 24]),
                    material_ids=np.array([1, 2], np.int32), part_index=np.array([0, 1], np.int32),
                    mass_kg=np.array([2400.0, 2400.0]), rest_position=np.array([[0, 0, 10.0], [3, 0, 10.0]]))
    frames = list(range(1001, 1011))
    fps = 25.0

    def frame(n, effects=True):  # chunk 0 falls freely, chunk 1 turns about z and is crushed at the last frame
        t = (n - 1001) / fps
        half = 0.5 * t
        return SimpleNamespace(positions=np.array([[0, 0, 10 - 4.905 * t * t], [3, 0, 10.0]]),
                               rotations=np.array([[0, 0, 0, 1.0], [0, 0, math.sin(half), math.cos(half)]]),
                               scales=np.array([1.0, 0.0 if n == 1010 else 1.0], np.float32))

    cache = SimpleNamespace(chunks=chunks, frames=frames, info=SimpleNamespace(fps=fps), frame=frame)
    path = write_sim_usd(cache, tmp_path / "sim.usda", every=4)
    stage = Usd.Stage.Open(str(path))
    assert stage.GetTimeCodesPerSecond() == fps and stage.GetFramesPerSecond() == fps
    assert UsdGeom.GetStageMetersPerUnit(stage) == 1.0 and UsdGeom.GetStageUpAxis(stage) == "Z"
    assert (stage.GetStartTimeCode(), stage.GetEndTimeCode()) == (1001, 1010)
    meshes = [p for p in stage.Traverse() if p.IsA(UsdGeom.Mesh)]
    assert [p.GetName() for p in meshes] == ["chunk_00000", "chunk_00001"]
    for prim in meshes:
        for op in UsdGeom.Xformable(prim).GetOrderedXformOps():
            assert op.GetAttr().GetTimeSamples() == [1001.0, 1005.0, 1009.0, 1010.0]
    for n in (1001, 1009, 1010):
        want = frame(n)
        for c, prim in enumerate(meshes):
            m = np.array(UsdGeom.Xformable(prim).ComputeLocalToWorldTransform(Usd.TimeCode(n)))
            assert np.allclose(m[3, :3], want.positions[c], atol=1e-5)
            x, y, z, w = want.rotations[c]
            angle = 2 * math.atan2(z, w)
            k = want.scales[c]
            assert np.allclose(m[0, :2], [k * math.cos(angle), k * math.sin(angle)], atol=1e-5)  # row vectors
