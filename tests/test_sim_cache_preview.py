"""The sim on a small building: its cache, summary, quick-look movie and USD export."""

import sys

import numpy as np
import pytest
from sim_fixtures import building

from plano.spec.model import Action, Format, ShotSpec


def test_run_sim_writes_a_cache_a_preview_and_usd(tmp_path):
    from plano.sim.cache import SimCache
    from plano.sim.cli import summary_table
    from plano.sim.preview import write_preview
    from plano.sim.run import run_sim

    spec = ShotSpec(effects=(), format=Format(duration_s=1.0, fps=24.0, width=320, height=180),
                    action=Action(kind="collapse", start_floor=1, start_s=0.2))
    movie = tmp_path / "look.mp4"
    scene = building(storeys=3, nx=2, ny=2)
    run_sim(scene, spec, tmp_path / "run")
    cache = SimCache(tmp_path / "run")
    table = summary_table(cache, 1.0)
    assert [c.header for c in table.columns] == ["", ""] and table.row_count >= 5
    write_preview(scene, cache, movie)
    assert cache.info.frame_count == 24 and len(cache.frames) == 24
    import av

    with av.open(str(movie)) as f:
        st = f.streams.video[0]
        n = sum(1 for _ in f.decode(st))
        assert n == 24 and st.codec_context.name == "h264" and st.codec_context.pix_fmt == "yuv420p"

    from pxr import Usd, UsdGeom

    from plano.io.usd import write_sim_usd as export_usd

    path = export_usd(cache, tmp_path / "collapse.usda", every=6)
    stage = Usd.Stage.Open(str(path))
    assert stage.GetTimeCodesPerSecond() == 24.0
    prim = stage.GetPrimAtPath("/Sim/Chunks/chunk_00000")
    xf = UsdGeom.Xformable(prim)
    last = cache.frames[-1]
    m = np.array(xf.ComputeLocalToWorldTransform(last))
    assert np.allclose(m[3, :3], cache.frame(last).positions[0], atol=1e-4)


def test_effects_are_required_when_the_spec_asks(tmp_path, monkeypatch):
    from plano.errors import PlanoError
    from plano.sim.run import run_sim

    monkeypatch.setitem(sys.modules, "plano.sim.effects", None)  # import fails
    spec = ShotSpec(effects=("dust",), format=Format(duration_s=0.5))
    with pytest.raises(PlanoError, match="effects"):
        run_sim(building(storeys=1, nx=1, ny=1), spec, tmp_path)
