"""A parsed spec saved to YAML, edited by hand and loaded back; invalid files list every problem with its path."""

from __future__ import annotations

import pytest

from plano.spec.io import SpecError, load_spec, save_spec
from plano.spec.parse import parse_prompt

PROMPT = ("wide shot of a 12-storey brutalist ministry in Kyiv at dusk, it collapses into dust, 35mm, "
          "anamorphic, 2.39:1, 4K")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_saved_spec_loads_back_equal(tmp_path, suffix):
    spec = parse_prompt(PROMPT, shot="SEQ010_SH020", seed=3)
    path = save_spec(spec, tmp_path / f"shot{suffix}")
    assert load_spec(path) == spec


def test_clock_time_and_season_survive_the_round_trip(tmp_path):
    spec = parse_prompt("winter in Oslo at 3:30pm")
    assert spec.light.local_time is not None and spec.place.date.month == 12
    assert load_spec(save_spec(spec, tmp_path / "shot.yaml")) == spec


def test_hand_edited_yaml_gives_the_same_shot_with_the_change(tmp_path):
    spec = parse_prompt(PROMPT)
    path = save_spec(spec, tmp_path / "shot.yaml")
    text = path.read_text()
    assert "focal_length_mm: 35.0" in text and "time_of_day: dusk" in text
    path.write_text(text.replace("focal_length_mm: 35.0", "focal_length_mm: 50.0")
                        .replace("time_of_day: dusk", "time_of_day: night"))
    edited = load_spec(path)
    assert edited.camera.focal_length_mm == 50.0
    assert edited.light.time_of_day == "night"
    expected = spec.model_copy(update={
        "camera": spec.camera.model_copy(update={"focal_length_mm": 50.0}),
        "light": spec.light.model_copy(update={"time_of_day": "night"}),
    })
    assert edited == expected


def test_invalid_file_lists_every_problem_with_its_path(tmp_path):
    spec = parse_prompt(PROMPT)
    path = save_spec(spec, tmp_path / "shot.yaml")
    text = path.read_text()
    text = (text.replace("focal_length_mm: 35.0", "focal_length_mm: -35")
                .replace("fps: 24.0", "fps: 0")
                .replace("shot_size: wide", "shot_size: huge")
                .replace("kind: collapse", "kind: explode")
                + "colour: blue\n")
    path.write_text(text)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    problems = info.value.problems
    assert "camera.focal_length_mm: must be > 0, got -35" in problems
    assert "format.fps: must be > 0, got 0" in problems
    assert any(p.startswith("camera.shot_size: must be one of") and "got 'huge'" in p for p in problems)
    assert any(p.startswith("action.kind: must be one of") and "got 'explode'" in p for p in problems)
    assert any(p.startswith("colour: unknown key") for p in problems)
    assert len(problems) == 5
    assert str(path) in str(info.value)


def test_squeeze_without_anamorphic_is_explained(tmp_path):
    path = save_spec(parse_prompt("anamorphic"), tmp_path / "shot.yaml")
    path.write_text(path.read_text().replace("anamorphic: true", "anamorphic: false"))
    with pytest.raises(SpecError, match="squeeze is 2.0 but anamorphic is false"):
        load_spec(path)
