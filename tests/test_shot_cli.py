import pytest
from shot_fakes import FakeStages
from typer.testing import CliRunner

from plano.cli import app
from plano.deliver.movie import probe_movie
from plano.errors import PlanoError
from plano.spec.io import save_spec
from plano.spec.model import Format, ShotSpec

runner = CliRunner()


@pytest.fixture
def fake(monkeypatch):
    fake = FakeStages()
    monkeypatch.setattr("plano.shot.Engines.real", classmethod(lambda cls: fake.engines()))
    return fake


def test_shot_from_a_spec_file_then_reused(tmp_path, fake):
    spec_file = save_spec(ShotSpec(prompt="cli test", format=Format(width=48, height=27, duration_s=0.25)), tmp_path / "shot.yaml")
    args = ["shot", "--spec", str(spec_file), "--shots-dir", str(tmp_path / "shots")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "SEQ010_SH010_v001" in result.output and "ran" in result.output and "report.html" in result.output
    run_dir = tmp_path / "shots" / "SEQ010_SH010" / "v001"
    assert probe_movie(run_dir / "SEQ010_SH010_v001.mov")["frames"] == 6
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and again.output.count("reused") >= 5
    assert fake.calls["run_sim"] == fake.calls["render_shot"] == fake.calls["deliver_shot"] == 1

    # plano deliver re-delivers from the passes
    (run_dir / "contact.png").unlink()
    out = runner.invoke(app, ["deliver", str(run_dir)])
    assert out.exit_code == 0, out.output
    assert (run_dir / "contact.png").is_file()


def test_shot_needs_words_or_a_spec(tmp_path, fake):
    result = runner.invoke(app, ["shot", "--shots-dir", str(tmp_path)])
    assert isinstance(result.exception, PlanoError) and "either in words" in str(result.exception)
    result = runner.invoke(app, ["shot", "x", "--quality", "ultra", "--shots-dir", str(tmp_path)])
    assert isinstance(result.exception, PlanoError) and "ultra" in str(result.exception)


def test_deliver_of_a_folder_without_passes_is_a_clear_error(tmp_path):
    save_spec(ShotSpec(), tmp_path / "v001" / "spec.yaml")
    result = runner.invoke(app, ["deliver", str(tmp_path / "v001")])
    assert isinstance(result.exception, PlanoError) and "no render passes" in str(result.exception)
    result = runner.invoke(app, ["deliver", str(tmp_path / "nope")])
    assert isinstance(result.exception, PlanoError) and "does not exist" in str(result.exception)
