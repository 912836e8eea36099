"""The dust passes for comp: ``dust_rgb`` rebuilds the beauty exactly, and ``dust_plate`` (the dust marched past the
render's stand-ins) holds at least the render's dust, the same wherever no stand-in is in the way."""

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("moderngl", reason="the renderer needs moderngl (pip install 'plano[render]')")

sys.path.insert(0, str(Path(__file__).parent))


@pytest.mark.parametrize("ss", [1, 2])
def test_dust_plate_holds_the_dust_behind_the_stand_ins(ss):
    from render_fixtures import MemorySimCache, fixture_scene, make_chunks

    from plano.render.gl_renderer import Renderer
    from plano.render.quality import RenderSettings
    from plano.render.run import render_frame
    from plano.schema.passes import is_stand_in

    scene = fixture_scene(frames=8, width=64, height=36)
    sim = MemorySimCache(scene, make_chunks(scene, 1), 8)
    s = RenderSettings(width=64, height=36, supersample=ss, shadow_map_px=512, dust_steps=16, dust_half_res=False)
    r = Renderer(scene, s, sim.chunks)
    try:
        p = render_frame(scene, sim, 1007, s, renderer=r)
    finally:
        r.release()
    d, dp = p["dust"][..., 0], p["dust_plate"][..., 3]
    assert d.max() > 0 and dp.shape == d.shape
    assert (dp >= d - 2e-3).all()
    ids = np.rint(p["object_id"][..., 0]).astype(int)
    flags = np.array([0] + [is_stand_in(q.building, q.group) for q in scene.parts] + [0] * 64, bool)
    clear = ~flags[np.clip(ids, 0, len(flags) - 1)]
    if ss == 1:  # one sample a pixel: where no stand-in is drawn the two marches are the same ray
        assert np.abs(dp[clear] - d[clear]).max() < 2e-3
        assert np.abs(p["dust_plate"][..., :3][clear] - p["dust_rgb"][clear]).max() < 2e-3


def test_without_a_plate_there_is_no_dust_plate_pass():
    from render_fixtures import MemorySimCache, fixture_scene, make_chunks

    from plano.render.quality import RenderSettings
    from plano.render.run import render_frame, settings_for
    from plano.spec.model import ShotSpec

    scene = fixture_scene(frames=8, width=64, height=36)
    sim = MemorySimCache(scene, make_chunks(scene, 1), 8)
    s = RenderSettings(width=64, height=36, shadow_map_px=512, dust_steps=16, dust_half_res=False,
                       dust_behind_stand_ins=False)
    p = render_frame(scene, sim, 1007, s)
    assert p["dust"].max() > 0 and p["dust_rgb"].max() > 0
    assert "dust_plate" not in p  # it would be the render's own dust again (four channels less in every EXR)
    spec = ShotSpec()
    assert not settings_for(spec, scene, "previs").dust_behind_stand_ins
    plated = spec.model_copy(update=dict(plate=spec.plate.model_copy(update=dict(path="plate.mov"))))
    assert settings_for(plated, scene, "previs").dust_behind_stand_ins
