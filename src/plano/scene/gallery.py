"""Preview pictures of every built style from the same camera set-up, and of the reference prompt's scene.

``python -m plano.scene.gallery docs`` writes ``docs/scene_styles/<style>.png`` and ``docs/scene_reference.png``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from plano.scene.build import build_scene
from plano.scene.grammar import BUILT_STYLES
from plano.scene.preview import render_preview
from plano.spec.model import Camera, Light, ShotSpec, Subject

STYLE_TYPES = {
    "brutalist": "government_building", "modernist": "office_tower", "art_deco": "office_tower",
    "neoclassical": "government_building", "soviet_panel": "apartment_block", "brick_residential": "apartment_block",
}
STYLE_ERAS = {"brutalist": 1960, "modernist": 1965, "art_deco": 1930, "neoclassical": 1910, "soviet_panel": 1975,
              "brick_residential": 1925}

REFERENCE = ShotSpec(
    subject=Subject(style="brutalist", building_type="government_building", era=1960),
    camera=Camera(shot_size="extreme_wide", anamorphic=True, squeeze=2.0, focal_length_mm=40.0, body="ARRI Alexa 35"),
    light=Light(time_of_day="afternoon", mood=("gritty", "dramatic")))


def style_spec(style: str, seed: int = 0) -> ShotSpec:
    """The shared gallery camera: a wide shot, 35 mm spherical, eye level, 15:30 in Buenos Aires."""
    return ShotSpec(seed=seed, subject=Subject(style=style, building_type=STYLE_TYPES[style], era=STYLE_ERAS[style]),
                    camera=Camera(shot_size="wide", focal_length_mm=35.0), light=Light(time_of_day="afternoon"))


def render_gallery(docs: Path, width: int = 960) -> list[Path]:
    out = []
    for style in BUILT_STYLES:
        out.append(render_preview(build_scene(style_spec(style)), docs / "scene_styles" / f"{style}.png", width=width))
    out.append(render_preview(build_scene(REFERENCE), docs / "scene_reference.png", width=width))
    return out


if __name__ == "__main__":
    for p in render_gallery(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(p, p.stat().st_size // 1024, "KB")
