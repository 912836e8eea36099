"""The set the sim collides with does not depend on the camera: the reference shot at 35 and 50 mm."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from plano.scene.build import build_scene, build_set
from plano.scene.io import load_set, save_set
from plano.scene.street import in_corridor
from plano.shot import shot_graph
from plano.spec.model import Camera, Format
from plano.spec.parse import parse_prompt
from plano.spec.view import SpecView

PROMPT = re.search(r"^PROMPT\s+\?=\s+(.*)$", (Path(__file__).parents[1] / "Makefile").read_text(), re.M).group(1)


def _lens(spec, mm):
    return spec.model_copy(update={"camera": spec.camera.model_copy(update={"focal_length_mm": mm})})


@pytest.fixture(scope="module")
def reference():
    return parse_prompt(PROMPT)


def _colliders(scene):
    return [(p.name, p.dynamic, p.vertices.tobytes()) for p in scene.as_set().parts]


def test_a_new_lens_changes_no_collider_and_keeps_the_sim(reference):
    a, b = _lens(reference, 35.0), _lens(reference, 50.0)
    sa, sb = build_scene(a), build_scene(b)
    assert sa.info["camera"]["distance_m"] < sb.info["camera"]["distance_m"]  # the camera did move back
    assert len(sb.parts) > len(sa.parts)  # and sees more backdrop
    assert _colliders(sa) == _colliders(sb)  # byte for byte the same set
    assert sa.parts[: sa.set_parts] == sa.as_set().parts
    ka, kb = shot_graph(a, "X_Y_v001").keys(), shot_graph(b, "X_Y_v001").keys()
    assert ka["set"] == kb["set"] and ka["sim"] == kb["sim"] and ka["scene"] != kb["scene"]


def test_the_set_reads_no_camera_and_no_picture_size(reference):
    from plano.scene.node import SET_FIELDS

    view = SpecView(reference, SET_FIELDS, "set")  # reading the camera or the format would raise
    odd = reference.model_copy(update={"camera": Camera(focal_length_mm=300.0, shot_size="close_up"),
                                       "format": Format(width=640, height=480, aspect=4 / 3)})
    a, b = build_set(view), build_set(SpecView(odd, SET_FIELDS, "set"))
    assert _colliders(a) == _colliders(b)
    assert a.camera is None and np.isclose(np.linalg.norm(a.info["view_dir"]), 1.0)


@pytest.mark.parametrize("mm", [24.0, 35.0, 50.0, 85.0])
def test_nothing_stands_between_the_camera_and_the_building(reference, mm):
    scene = build_scene(_lens(reference, mm))
    eye = scene.camera.positions[0]
    lo, hi = scene.hero_bounds
    centre = 0.5 * (lo + hi)
    for p in scene.static_parts():
        if p.group != "street_furniture" or p.material not in ("foliage", "car_paint"):
            continue
        c = p.centroid
        # the part's distance from the sight line eye -> hero centre, where it lies between them
        d = centre[:2] - eye[:2]
        t = np.dot(c[:2] - eye[:2], d) / np.dot(d, d)
        if 0.05 < t < 0.85:
            u, r = d / np.linalg.norm(d), c[:2] - eye[:2]
            lateral = abs(u[0] * r[1] - u[1] * r[0])
            assert lateral > 3.0, (p.name, t, lateral)
    assert in_corridor(0.0, -50.0, np.array([-10, -5, 0]), np.array([10, 5, 40]), np.array([0.0, -1.0]))


def test_a_set_round_trips(tmp_path, reference):
    s = build_set(reference)
    save_set(s, tmp_path / "set")
    back = load_set(tmp_path / "set")
    assert _colliders(back) == _colliders(s) and back.info == s.info and back.camera is None


def _set_colliders(scene_set):
    return [(p.name, p.dynamic, p.vertices.tobytes(), p.faces.tobytes()) for p in scene_set.parts]


def test_the_set_is_the_same_for_35_and_50_mm_and_comes_first_in_the_scene(reference):
    from plano.scene.model import SceneSet

    a, b = _lens(reference, 35.0), _lens(reference, 50.0)
    set_a, set_b = build_set(a), build_set(b)
    assert isinstance(set_a, SceneSet) and set_a.camera is None
    assert _set_colliders(set_a) == _set_colliders(set_b)
    assert np.array_equal(set_a.view_dir, set_b.view_dir)
    for spec, s in ((a, set_a), (b, set_b)):
        scene = build_scene(spec, s)
        n = scene.set_part_count
        assert n == len(s.parts) and scene.parts[:n] == s.parts  # the same parts, the same indices
        assert len(scene.parts) > n  # and the backdrop after them, all static
        assert not any(p.dynamic for p in scene.parts[n:])
        assert _set_colliders(scene.as_set()) == _set_colliders(s)
        assert _set_colliders(build_scene(spec).as_set()) == _set_colliders(s)  # built afresh: the same set


@pytest.mark.parametrize("mm", [35.0, 50.0])
def test_both_lenses_still_frame_the_building(reference, mm):
    from plano.scene.camera import FRAMING, MARGIN, in_frame, region_corners

    spec = _lens(reference, mm)
    scene = build_scene(spec)
    rig = scene.camera
    assert float(rig.focal_length_mm[0]) == mm
    framing = FRAMING[spec.camera.shot_size]
    assert framing.whole_building
    front = np.asarray(scene.info["view_dir"], float)
    whole = region_corners(scene.hero_bounds, front, FRAMING["wide"])
    assert all(in_frame(rig, i, whole, MARGIN * 0.5) for i in range(len(rig.frames)))
    cam = scene.info["camera"]
    assert abs(cam["fill_measured"] - framing.fill) < 0.05 * framing.fill or cam["fill_measured"] < framing.fill
    # the camera stands on the set's bearing, wherever the lens puts it
    d = rig.positions[0, :2] - 0.5 * (scene.hero_bounds[0, :2] + scene.hero_bounds[1, :2])
    assert np.dot(d / np.linalg.norm(d), front[:2]) > 0.99


def test_the_topple_falls_along_the_bearing_not_the_camera(reference):
    from plano.sim.scenarios import plan_scenario

    spec = reference.model_copy(update={"action": reference.action.model_copy(update={"kind": "topple"})})
    scene_set = build_set(spec)
    ref = plan_scenario(scene_set, spec)
    for mm in (35.0, 50.0):
        scene = build_scene(_lens(spec, mm), scene_set)
        got = plan_scenario(scene, spec)
        assert got.charges[0].parts == ref.charges[0].parts and np.array_equal(got.focus, ref.focus)


def test_the_sim_has_no_cache_of_its_own():
    import inspect

    from plano.sim import run

    source = inspect.getsource(run)
    assert "cache_key" not in source and "stable_hash" not in source


# (parts, total volume m3) of the hero of each style, measured before styles became grammar data
STYLE_BUILDS = {
    "brutalist/0/office_tower": (1427, 17290.985678),
    "brutalist/5/apartment_block": (1301, 14293.763351),
    "modernist/0/office_tower": (1994, 19559.389026),
    "modernist/5/apartment_block": (1871, 17862.569571),
    "art_deco/0/office_tower": (3826, 16755.867334),
    "art_deco/5/apartment_block": (3752, 15224.159085),
    "neoclassical/0/office_tower": (766, 14704.711016),
    "neoclassical/5/apartment_block": (779, 13119.93373),
    "soviet_panel/0/office_tower": (3069, 7200.752266),
    "soviet_panel/5/apartment_block": (2834, 6665.28688),
    "brick_residential/0/office_tower": (1012, 3779.509576),
    "brick_residential/5/apartment_block": (839, 3226.310699),
}


@pytest.mark.parametrize("key", sorted(STYLE_BUILDS))
def test_each_style_builds_the_same_hero_as_before_styles_were_data(key):
    from plano.scene.grammar import GRAMMARS, dimensions, vary
    from plano.scene.hero import build_hero

    style, seed, building_type = key.split("/")
    rng = np.random.default_rng(int(seed))
    g = vary(GRAMMARS[style], rng)
    rng2 = np.random.default_rng([int(seed), 1])
    parts, _ = build_hero(g, dimensions(g, building_type, 1965, None, rng2), 1965, rng2)
    count, volume = STYLE_BUILDS[key]
    assert len(parts) == count
    assert sum(p.volume_m3 for p in parts) == pytest.approx(volume, abs=1e-5)
