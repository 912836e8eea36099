"""`plano parse` through typer's CliRunner: table, --json, --yaml, --spec good and bad."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from plano.cli import app
from plano.spec.io import save_spec
from plano.spec.parse import parse_prompt

runner = CliRunner(env={"COLUMNS": "200"})
PROMPT = "close-up of a brutalist church in Prague at dawn, 85mm, purple elephants"


def test_parse_table_shows_fields_words_unparsed_and_notes():
    r = runner.invoke(app, ["parse", PROMPT + ", wide shot"])
    assert r.exit_code == 0, r.output
    assert "close_up" not in r.output or "wide" in r.output
    assert "'wide shot'" in r.output and "Prague" in r.output and "'85mm'" in r.output
    assert "not understood" in r.output and "purple elephants" in r.output
    assert "overrides earlier 'close-up'" in r.output


def test_parse_json():
    r = runner.invoke(app, ["parse", PROMPT, "--json", "--shot", "SEQ010_SH040", "--seed", "9"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["camera"]["shot_size"] == "close_up"
    assert d["camera"]["focal_length_mm"] == 85.0
    assert d["place"]["name"] == "Prague"
    assert d["shot"] == "SEQ010_SH040" and d["seed"] == 9
    assert d["unparsed"] == ["purple elephants"]
    for key in ("camera.shot_size", "camera.angle", "camera.movement", "camera.focal_length_mm", "camera.anamorphic",
                "camera.body", "camera.sensor_width_mm", "format.aspect", "format.width", "format.height",
                "format.fps", "format.duration_s", "subject.building_type", "subject.style", "subject.era",
                "subject.storeys", "place.name", "place.latitude", "place.longitude", "light.time_of_day",
                "light.weather", "action.kind", "effects", "look.preset", "unparsed", "sources", "notes"):
        obj = d
        for part in key.split("."):
            assert part in obj, key
            obj = obj[part]


def test_parse_yaml_and_file_round_trip(tmp_path):
    r = runner.invoke(app, ["parse", PROMPT, "--yaml"])
    assert r.exit_code == 0, r.output
    path = tmp_path / "shot.yaml"
    path.write_text(r.stdout)
    assert yaml.safe_load(r.stdout)["subject"]["style"] == "brutalist"
    r = runner.invoke(app, ["parse", "--spec", str(path)])
    assert r.exit_code == 0, r.output
    assert "is a valid shot spec" in r.output


def test_parse_bad_file_lists_problems_and_exits_1(tmp_path):
    path = save_spec(parse_prompt(PROMPT), tmp_path / "shot.yaml")
    path.write_text(path.read_text().replace("focal_length_mm: 85.0", "focal_length_mm: -35") + "bogus: 1\n")
    r = runner.invoke(app, ["parse", "--spec", str(path)])
    assert r.exit_code == 1
    assert "camera.focal_length_mm: must be > 0, got -35" in r.output
    assert "bogus: unknown key" in r.output
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_parse_missing_file_is_a_clear_error(tmp_path):
    r = runner.invoke(app, ["parse", "--spec", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 1
    assert "cannot read spec file" in r.output and "Traceback" not in r.output


def test_parse_with_nothing_is_a_clear_error():
    r = runner.invoke(app, ["parse"])
    assert r.exit_code == 1
    assert "nothing to parse" in r.output


def test_parse_save(tmp_path):
    r = runner.invoke(app, ["parse", PROMPT, "--save", str(tmp_path / "s.yaml")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "s.yaml").exists()


def test_cities_and_cameras_list():
    r = runner.invoke(app, ["cities"])
    assert r.exit_code == 0 and "Buenos Aires" in r.output
    r = runner.invoke(app, ["cameras"])
    assert r.exit_code == 0 and "Alexa Mini LF" in r.output


def test_words_lists_the_lexicon():
    r = runner.invoke(app, ["words", "shot_size"])
    assert r.exit_code == 0, r.output
    assert "extreme_wide" in r.output and "ultra wide" in r.output
    r = runner.invoke(app, ["words", "nonsense"])
    assert r.exit_code != 0


def test_parse_says_which_words_no_stage_uses_yet():
    r = runner.invoke(app, ["parse", "wide shot of a tower, hyperrealistic, desaturated --style raw"])
    assert r.exit_code == 0, r.output
    assert "'hyperrealistic'" in r.output
    # the look words are used now (comp grades with them): nothing is listed as unused
    assert "not used yet" not in r.output
