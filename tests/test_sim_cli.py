"""``plano sim`` end to end on a small building (the scene stage is replaced by a fixture), USD export, preview."""

import sys
import types

import numpy as np
import pytest
from sim_fixtures import building
from typer.testing import CliRunner

from plano.spec.io import save_spec
from plano.spec.model import Action, Format, ShotSpec


@pytest.fixture()
def fake_scene_stage(monkeypatch):
    mod = types.ModuleType("plano.scene.build")
    mod.build_scene = lambda spec: building(storeys=3, nx=2, ny=2)
    monkeypatch.setitem(sys.modules, "plano.scene.build", mod)


def test_plano_sim_writes_a_cache_a_summary_a_preview_and_usd(tmp_path, fake_scene_stage):
    from plano.cli import app
    from plano.sim.cache import SimCache

    spec = ShotSpec(effects=(), format=Format(duration_s=1.0, fps=24.0, width=320, height=180),
                    action=Action(kind="collapse", start_floor=1, start_s=0.2))
    save_spec(spec, tmp_path / "shot.yaml")
    movie = tmp_path / "look.mp4"
    res = CliRunner().invoke(app, ["sim", "--spec", str(tmp_path / "shot.yaml"), "--out", str(tmp_path / "run"),
                                   "--preview", str(movie)])
    assert res.exit_code == 0, res.output
    assert "bonds broken" in res.output and "chunks" in res.output
    cache = SimCache(tmp_path / "run")
    assert cache.info.frame_count == 24 and len(cache.frames) == 24
    import av

    with av.open(str(movie)) as f:
        st = f.streams.video[0]
        n = sum(1 for _ in f.decode(st))
        assert n == 24 and st.codec_context.name == "h264" and st.codec_context.pix_fmt == "yuv420p"

    from pxr import Usd, UsdGeom

    from plano.sim.usd import export_usd

    path = export_usd(cache, tmp_path / "collapse.usda", every=6)
    stage = Usd.Stage.Open(str(path))
    assert stage.GetTimeCodesPerSecond() == 24.0
    prim = stage.GetPrimAtPath("/Sim/Chunks/chunk_00000")
    xf = UsdGeom.Xformable(prim)
    last = cache.frames[-1]
    m = np.array(xf.ComputeLocalToWorldTransform(last))
    assert np.allclose(m[3, :3], cache.frame(last).positions[0], atol=1e-4)


def test_plano_sim_needs_words_or_a_spec(fake_scene_stage):
    from plano.cli import app

    res = CliRunner().invoke(app, ["sim"])
    assert res.exit_code != 0
    assert "spec" in str(res.exception) or "spec" in res.output


def test_effects_are_required_when_the_spec_asks(tmp_path, monkeypatch):
    from plano.errors import PlanoError
    from plano.sim.run import run_sim

    monkeypatch.setitem(sys.modules, "plano.sim.effects", None)  # import fails
    spec = ShotSpec(effects=("dust",), format=Format(duration_s=0.5))
    with pytest.raises(PlanoError, match="effects"):
        run_sim(building(storeys=1, nx=1, ny=1), spec, tmp_path)
