"""The quick look (OpenGL preview) and the ``plano scene`` command."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from plano.cli import app
from plano.errors import MissingEngine
from scene_helpers import reference_scene


def _gl_or_skip():
    from plano.opengl import headless_context

    try:
        headless_context()
    except MissingEngine as err:
        pytest.skip(str(err))


def test_preview_draws_the_building_against_the_sky(tmp_path):
    _gl_or_skip()
    from PIL import Image

    from plano.scene.preview import render_preview

    scene = reference_scene()
    out = render_preview(scene, tmp_path / "p.png", width=320)
    img = np.asarray(Image.open(out).convert("RGB")).astype(float)
    assert img.shape == (180, 320, 3)
    # where the hero projects, the picture differs from the sky above it
    p = scene.camera.project(0, np.concatenate([q.vertices for q in scene.hero_parts()]))
    x0, x1 = int(p[:, 0].min() / 6), int(p[:, 0].max() / 6)
    y0, y1 = int(p[:, 1].min() / 6), int(p[:, 1].max() / 6)
    building = img[y0 + 3:y1 - 3, x0 + 3:x1 - 3].mean(axis=(0, 1))
    sky = img[2:max(3, y0 - 4), :].mean(axis=(0, 1))
    assert np.abs(building - sky).sum() > 40
    assert img.std() > 15  # not a flat picture
    assert sky[2] > sky[0]  # the afternoon sky is blue


def test_scene_command_writes_usd_and_prints_a_summary(tmp_path):
    spec = tmp_path / "shot.yaml"
    spec.write_text("subject: {style: brutalist, building_type: government_building, era: 1960}\n"
                    "camera: {shot_size: extreme_wide, anamorphic: true, squeeze: 2.0}\n")
    r = CliRunner().invoke(app, ["scene", "--spec", str(spec), "--shots-dir", str(tmp_path), "--seed", "2"])
    assert r.exit_code == 0, r.output
    out = tmp_path / "SEQ010_SH010" / "v001"
    assert (out / "scene.usda").exists() and (out / "scene" / "scene.json").exists() and (out / "spec.yaml").exists()
    for word in ("brutalist", "storeys", "parts", "mass", "camera", "sun", "elevation", "anamorphic"):
        assert word in r.output
    assert "seed: 2" in (out / "spec.yaml").read_text()


def test_scene_command_needs_words_or_a_spec(tmp_path):
    r = CliRunner().invoke(app, ["scene", "--shots-dir", str(tmp_path)])
    assert r.exit_code != 0


def test_reference_prompt_builds_the_reference_scene():
    parse = pytest.importorskip("plano.spec.parse", reason="the prompt parser lands with the spec stage")
    from plano.scene.build import build_scene

    text = ("cinematic ultra-wide shot of a 1960s brutalist government building in Buenos Aires, the entire "
            "structure begins to collapse into a cloud of dust and debris, realistic physics, smoke plumes billow "
            "into the sky, papers fly from the windows, hyperrealistic, 8K, shot on Arri Alexa with an anamorphic "
            "lens, dramatic, gritty afternoon lighting, style of a Denis Villeneuve film --ar 16:9 --style raw")
    scene = build_scene(parse.parse_prompt(text))
    assert scene.style == "brutalist" and scene.info["building_type"] == "government_building"
    assert scene.info["place"] == "Buenos Aires" and scene.info["sun"]["local_time"].endswith("-03:00")
    assert scene.info["camera"]["shot_size"] == "extreme_wide"
    assert scene.camera.squeeze > 1.0 and "alexa" in scene.camera.body.lower()
    assert scene.camera.width / scene.camera.height == pytest.approx(16 / 9, rel=0.01)
    assert scene.sun.elevation_deg > 10
