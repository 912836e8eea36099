"""Shared builders for the scene tests (specs of the reference shot and of each style)."""

from __future__ import annotations

import functools

from plano.spec.model import Camera, Light, ShotSpec, Subject

STYLE_TYPES = {
    "brutalist": "government_building",
    "modernist": "office_tower",
    "art_deco": "office_tower",
    "neoclassical": "government_building",
    "soviet_panel": "apartment_block",
    "brick_residential": "apartment_block",
}


def reference_spec(**camera) -> ShotSpec:
    cam = dict(shot_size="extreme_wide", anamorphic=True, squeeze=2.0, focal_length_mm=40.0)
    cam.update(camera)
    return ShotSpec(
        subject=Subject(style="brutalist", building_type="government_building", era=1960, storeys=None),
        camera=Camera(**cam), light=Light(time_of_day="afternoon", mood=("gritty", "dramatic")))


def style_spec(style: str, seed: int = 0, **camera) -> ShotSpec:
    cam = dict(shot_size="wide", focal_length_mm=35.0)
    cam.update(camera)
    return ShotSpec(seed=seed, subject=Subject(style=style, building_type=STYLE_TYPES[style], era=1960),
                    camera=Camera(**cam), light=Light(time_of_day="afternoon"))


@functools.lru_cache(maxsize=None)
def reference_scene():
    from plano.scene.build import build_scene

    return build_scene(reference_spec())
