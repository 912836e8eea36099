"""Every stage command is the shot graph cut at that stage, in a run folder, with the real engines on a small
building: the same options mean the same thing everywhere, and a stage command in a fresh folder writes the
same files as the same stage of ``plano shot``."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from plano.cli import app
from plano.deliver.movie import probe_movie
from plano.errors import PlanoError
from plano.io.exr import read_passes
from plano.spec.io import save_spec
from plano.spec.model import Action, Format, ShotSpec, Subject

runner = CliRunner()
SHOT = "SEQ020_SH030"


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory) -> Path:
    spec = ShotSpec(shot=SHOT, prompt="a small house comes down", subject=Subject(storeys=2, building_type="house"),
                    format=Format(width=64, height=36, duration_s=0.5), effects=(),
                    action=Action(kind="collapse", start_s=0.1))
    return save_spec(spec, tmp_path_factory.mktemp("spec") / "shot.yaml")


@pytest.fixture(scope="module")
def whole_shot(spec_file, tmp_path_factory) -> Path:
    shots = tmp_path_factory.mktemp("whole")
    res = runner.invoke(app, ["shot", "--spec", str(spec_file), "--shots-dir", str(shots), "--quality", "final"])
    assert res.exit_code == 0, res.output
    return shots / SHOT / "v001"


def _invoke(*args: str):
    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, f"{res.output}\n{res.exception!r}"
    return res


def _untimed(doc):
    """A JSON document without the wall-clock times it records (the one thing two runs may not share)."""
    if isinstance(doc, dict):
        return {k: _untimed(v) for k, v in doc.items() if k not in ("seconds", "timings_s")}
    return [_untimed(v) for v in doc] if isinstance(doc, list) else doc


def _same_tree(a: Path, b: Path) -> None:
    files = sorted(p for p in a.rglob("*") if p.is_file())
    assert files and sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()) == [p.relative_to(a) for p in files]
    for path in files:
        other = b / path.relative_to(a)
        if path.suffix == ".json":
            assert _untimed(json.loads(path.read_text())) == _untimed(json.loads(other.read_text())), path.name
        else:
            assert filecmp.cmp(path, other, shallow=False), path.relative_to(a)


def test_scene_command_is_the_scene_of_the_shot(spec_file, whole_shot, tmp_path):
    res = _invoke("scene", "--spec", str(spec_file), "--shots-dir", str(tmp_path), "--preview", str(tmp_path / "p.png"))
    run = tmp_path / SHOT / "v001"
    assert "storeys" in res.output and (tmp_path / "p.png").is_file()
    assert sorted(p.name for p in run.iterdir()) == [".plano", "scene", "scene.usda", "set", "spec.yaml"]
    for name in ("set", "scene"):
        _same_tree(run / name, whole_shot / name)
    assert filecmp.cmp(run / "scene.usda", whole_shot / "scene.usda", shallow=False)


def test_sim_command_is_the_sim_of_the_shot(spec_file, whole_shot, tmp_path):
    res = _invoke("sim", "--spec", str(spec_file), "--shots-dir", str(tmp_path))
    assert "bonds broken" in res.output
    run = tmp_path / SHOT / "v001"
    assert not (run / "scene.usda").exists()  # the sim does not need the camera
    _same_tree(run / "sim", whole_shot / "sim")


def test_render_command_renders_a_part_then_the_rest(spec_file, whole_shot, tmp_path):
    png = tmp_path / "look.png"
    _invoke("render", "--spec", str(spec_file), "--shots-dir", str(tmp_path), "--quality", "final",
            "--frames", "1002-1003", "--png", str(png))
    run = tmp_path / SHOT / "v001"
    assert sorted(p.name for p in (run / "passes").glob("*.exr")) == [f"{SHOT}_v001.1002.exr", f"{SHOT}_v001.1003.exr"]
    assert not (run / ".plano" / "render.json").exists()  # a part is not a finished render
    from PIL import Image

    look = np.asarray(Image.open(png))
    assert look.shape == (36, 64, 3) and look.std() > 3
    _invoke("render", "--spec", str(spec_file), "--shots-dir", str(tmp_path), "--quality", "final")
    assert (run / ".plano" / "render.json").exists()
    for path in sorted((whole_shot / "passes").glob("*.exr")):
        a, b = read_passes(path), read_passes(run / "passes" / path.name)
        assert np.array_equal(a.beauty, b.beauty) and np.array_equal(a.depth, b.depth), path.name


def test_shot_reuses_everything_and_deliver_delivers_again(spec_file, whole_shot):
    shots = whole_shot.parent.parent
    again = _invoke("shot", "--spec", str(spec_file), "--shots-dir", str(shots), "--quality", "final")
    assert again.output.count("reused") >= 6 and "v002" not in again.output
    assert probe_movie(whole_shot / f"{SHOT}_v001.mov")["frames"] == 12
    report = (whole_shot / "report.html").read_text()
    assert "Not used yet" in report and "C2PA Content Credentials" in report and "algorithmicMedia" in report
    for stage in ("spec", "set", "scene", "sim", "render", "comp", "deliver"):
        assert f"<td>{stage}</td>" in report, stage
    (whole_shot / "contact.png").unlink()
    _invoke("deliver", str(whole_shot))
    assert (whole_shot / "contact.png").is_file()


def test_seed_means_the_same_everywhere(spec_file, tmp_path):
    _invoke("scene", "--spec", str(spec_file), "--shots-dir", str(tmp_path), "--seed", "7")
    from plano.spec.io import load_spec

    assert load_spec(tmp_path / SHOT / "v001" / "spec.yaml").seed == 7


@pytest.mark.parametrize("args, message", [
    (["shot"], "either in words"),
    (["render", "a tower", "--quality", "ultra"], "ultra"),
    (["render", "a tower", "--frames", "99-100"], "outside the shot"),
    (["render", "a tower", "--frames", "1001-abc"], "not a frame range"),
    (["render", "a tower", "--frames", "1001-300000000"], "outside the shot"),
    (["scene", "a tower", "--shot", "../../x"], "SEQ_SHOT"),
    (["sim", "a tower", "--force", "lighting"], "'lighting' is not a stage"),
    (["deliver", "/nonexistent/v001"], "does not exist"),
])
def test_bad_input_is_one_clear_message(args, message, tmp_path):
    res = runner.invoke(app, [*args, *(["--shots-dir", str(tmp_path)] if args[0] != "deliver" else [])])
    assert isinstance(res.exception, PlanoError), res.output
    assert message in str(res.exception)


def test_shots_dir_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    res = runner.invoke(app, ["scene", "a tower", "--shots-dir", str(tmp_path / "f")])
    assert isinstance(res.exception, PlanoError) and "is a file" in str(res.exception)


def test_shot_over_a_plate_is_composited_graded_in_the_movies_and_labelled(spec_file, tmp_path):
    from plano.comp.testplate import make_plate_frames, write_plate
    from plano.io.c2pa import verify

    plate = write_plate(make_plate_frames(1, 128, 72), tmp_path / "street.png", "sRGB")
    shots = tmp_path / "shots"
    _invoke("shot", "--spec", str(spec_file), "--shots-dir", str(shots), "--quality", "final", "--plate", str(plate),
            "--plate-colorspace", "sRGB")
    run = shots / SHOT / "v001"
    info = json.loads((run / "comp" / "info.json").read_text())
    assert info["graded"] is False and info["plate"]["kind"] == "still" and info["layers"]["plate"] == "captured plate"
    assert (run / "comp" / "look.cc").is_file() and len(list((run / "comp").glob("*.exr"))) == 12
    checked = verify(run / f"{SHOT}_v001.mov")
    assert checked.ok and any("compositeSynthetic" in line for line in checked.lines)
    assert any("ingredient: street.png" in line for line in checked.lines)
    prov = json.loads((run / "provenance.json").read_text())
    assert prov["c2pa"]["digital_source_type"].endswith("compositeSynthetic") and prov["layers"]["plate"]["sha256"]
    assert "compositeSynthetic" in (run / "report.html").read_text()
    assert verify(run / "comp" / f"{SHOT}_v001.1001.exr").ok
