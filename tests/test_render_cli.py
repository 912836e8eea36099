"""`plano render` wiring: spec in, EXRs and a PNG out (the scene and sim stages are stood in by fixtures here)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from render_fixtures import MemorySimCache, fixture_scene, make_chunks  # noqa: E402

from plano.cli import app  # noqa: E402
from plano.spec.io import save_spec  # noqa: E402
from plano.spec.model import ShotSpec  # noqa: E402


def test_render_command_writes_passes_and_png(tmp_path, monkeypatch):
    scene = fixture_scene(frames=3, width=64, height=36)
    calls = {}

    def build_scene(spec):
        calls["spec"] = spec
        return scene

    def run_sim(scene_, spec, out_dir, progress):
        calls["sim_dir"] = Path(out_dir)
        progress(1.0, "done")
        return MemorySimCache(scene_, make_chunks(scene_, 1), 3)

    monkeypatch.setitem(sys.modules, "plano.scene.build", types.SimpleNamespace(build_scene=build_scene))
    monkeypatch.setitem(sys.modules, "plano.sim.run", types.SimpleNamespace(run_sim=run_sim))
    spec_path = save_spec(ShotSpec(shot="SEQ010_SH020"), tmp_path / "shot.yaml")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["render", "--spec", str(spec_path), "--frames", "1002-1003", "--out", str(out),
                                   "--png", str(tmp_path / "look.png")])
    assert res.exit_code == 0, res.output
    assert calls["spec"].shot == "SEQ010_SH020" and calls["sim_dir"] == out
    exrs = sorted(p.name for p in (out / "passes").glob("*.exr"))
    assert exrs == ["SEQ010_SH020.1002.exr", "SEQ010_SH020.1003.exr"]
    from PIL import Image

    png = np.asarray(Image.open(tmp_path / "look.png"))
    assert png.shape == (720, 1280, 3) and png.std() > 5  # previs is 720 lines; a picture, not a flat colour


def test_render_command_rejects_bad_input(tmp_path):
    from plano.errors import PlanoError

    runner = CliRunner()
    res = runner.invoke(app, ["render", "--quality", "ultra", "a shot"])
    assert isinstance(res.exception, PlanoError) and "ultra" in str(res.exception)
    res = runner.invoke(app, ["render"])
    assert isinstance(res.exception, PlanoError) and "--spec" in str(res.exception)
