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


@pytest.mark.parametrize("mm", [24.0, 35.0, 85.0])
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
