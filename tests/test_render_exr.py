"""EXR files: every channel, the right types, atomic writes and resume; quality tiers; the CLI's frame ranges."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from render_fixtures import MemorySimCache, fixture_scene, make_chunks  # noqa: E402

from plano.errors import PlanoError  # noqa: E402
from plano.render.exr import CHANNELS, is_complete, read_passes  # noqa: E402
from plano.render.quality import RenderSettings, render_settings  # noqa: E402
from plano.render.run import render_shot  # noqa: E402

TINY = RenderSettings(width=96, height=54, shadow_map_px=512, dust_steps=16)


def test_shot_writes_exrs_that_openimageio_reads_and_resumes(tmp_path):
    oiio = pytest.importorskip("OpenImageIO")
    scene = fixture_scene(frames=3, width=96, height=54)
    sim = MemorySimCache(scene, make_chunks(scene, 1), 3)
    calls = []
    paths = render_shot(scene, sim, None, tmp_path, "SH010", TINY, progress=lambda f, m: calls.append((f, m)))
    assert [p.name for p in paths] == ["SH010.1001.exr", "SH010.1002.exr", "SH010.1003.exr"]
    assert calls[-1][0] == 1.0
    assert not list(tmp_path.glob("*tmp*"))  # no temporary files left behind
    inp = oiio.ImageInput.open(str(paths[1]))
    spec = inp.spec()
    assert set(spec.channelnames) == set(CHANNELS)
    assert (spec.width, spec.height) == (96, 54)
    formats = dict(zip(spec.channelnames, spec.channelformats or [spec.format] * spec.nchannels))
    assert str(formats["R"]) == "half" and str(formats["dust.A"]) == "half"
    assert str(formats["depth.Z"]) == "float" and str(formats["motion.X"]) == "float"
    pixels = inp.read_image("float")
    inp.close()
    assert np.isfinite(pixels).all()
    ch = read_passes(paths[1])
    assert ch["depth.Z"].max() > 10.0 and ch["A"].max() == 1.0
    assert ch["depth.Z"].dtype == np.float32

    # resume: complete frames are kept, a deleted or half-written one is rendered again
    paths[0].unlink()
    paths[2].write_bytes(b"not an exr")
    assert not is_complete(paths[2]) and is_complete(paths[1])
    os.utime(paths[1], ns=(1, 1))
    render_shot(scene, sim, None, tmp_path, "SH010", TINY)
    assert all(is_complete(p) for p in paths)
    assert paths[1].stat().st_mtime_ns == 1  # untouched
    assert paths[2].stat().st_size > 1000
    # other settings (another quality): the frames are rendered again
    other = TINY.model_copy(update={"dust_steps": 20})
    render_shot(scene, sim, None, tmp_path, "SH010", other)
    assert paths[1].stat().st_mtime_ns != 1
    assert render_shot(scene, sim, None, tmp_path, "SH010", other, progress=lambda f, m: calls.append(m))
    assert "already" in calls[-1]
    render_shot(scene, sim, None, tmp_path, "SH010", TINY)
    # nothing left to do: returns at once with every path
    done = []
    assert render_shot(scene, sim, None, tmp_path, "SH010", TINY, progress=lambda f, m: done.append(m)) == paths
    assert "already" in done[-1]


def test_frames_outside_the_shot_are_refused(tmp_path):
    scene = fixture_scene(frames=2, width=96, height=54)
    with pytest.raises(PlanoError, match="outside the shot"):
        render_shot(scene, None, None, tmp_path, "SH", TINY, frames=[1005])


def test_quality_tiers():
    p = render_settings("previs", 1920, 1080)
    assert (p.width, p.height, p.supersample) == (1280, 720, 1)
    scope = render_settings("previs", 2048, 858)
    assert scope.height == 720 and scope.width % 2 == 0 and abs(scope.width / 720 - 2048 / 858) < 0.01
    f = render_settings("final", 1920, 1080)
    assert (f.width, f.height, f.supersample) == (1920, 1080, 2)
    assert f.dust_steps > p.dust_steps and f.shadow_map_px > p.shadow_map_px
    assert render_settings("final", 7680, 4320).supersample == 1  # 8K: one sample, the buffers stay in memory
    assert hash(f) != hash(p)  # frozen, hashable: the pipeline keys its cache on it
    with pytest.raises(Exception):
        f.width = 10  # type: ignore[misc]
    with pytest.raises(PlanoError, match="previs"):
        render_settings("ultra", 1920, 1080)


def test_cli_frame_ranges():
    from plano.render.cli import parse_frames

    assert parse_frames("1001-1003", 1001, 1120) == [1001, 1002, 1003]
    assert parse_frames("1001,1010", 1001, 1120) == [1001, 1010]
    assert parse_frames(None, 1001, 1120) is None
    with pytest.raises(PlanoError, match="outside"):
        parse_frames("990-1001", 1001, 1120)
    with pytest.raises(PlanoError, match="frame range"):
        parse_frames("first-last", 1001, 1120)
