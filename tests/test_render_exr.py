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
from plano.io.exr import is_complete, read_channels, read_passes, verify, write_channels, write_passes  # noqa: E402
from plano.render.quality import RenderSettings, render_settings  # noqa: E402
from plano.render.run import render_shot  # noqa: E402
from plano.schema.passes import CHANNELS, HALF_CHANNELS, LAYERS, Passes  # noqa: E402

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
    ch = read_channels(paths[1])
    assert ch["depth.Z"].max() > 10.0 and ch["A"].max() == 1.0
    assert ch["depth.Z"].dtype == np.float32
    passes = read_passes(paths[1])
    assert passes.complete and passes.size == (96, 54) and passes.normals.shape == (54, 96, 3)
    np.testing.assert_array_equal(passes.depth[..., 0], ch["depth.Z"])
    verify(paths[1])

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


def _random_passes(h: int = 20, w: int = 30) -> Passes:
    rng = np.random.default_rng(3)
    layers = {layer.name: rng.random((h, w, layer.depth), dtype=np.float32) * 4 for layer in LAYERS}
    layers["depth"][0, :] = 0.0  # sky
    layers["object_id"] = np.floor(layers["object_id"] * 100)
    layers["motion"] -= 2.0
    return Passes.from_dict(layers)


def test_channel_table_round_trip_with_openimageio_reading_the_same_names(tmp_path):
    oiio = pytest.importorskip("OpenImageIO")
    passes = _random_passes()
    path = write_passes(tmp_path / "SH.1001.exr", passes, attributes={"software": "plano test"})
    assert not list(tmp_path.glob("*tmp*"))
    # the names written today, in this order, so files stay compatible
    assert CHANNELS == ("R", "G", "B", "A", "depth.Z", "N.X", "N.Y", "N.Z", "id.object", "id.material",
                        "motion.X", "motion.Y", "dust.A", "dust.R", "dust.G", "dust.B",
                        "dustplate.R", "dustplate.G", "dustplate.B", "dustplate.A")
    inp = oiio.ImageInput.open(str(path))
    spec = inp.spec()
    pixels = inp.read_image("float")
    inp.close()
    assert set(spec.channelnames) == set(CHANNELS)
    formats = dict(zip(spec.channelnames, spec.channelformats or [spec.format] * spec.nchannels))
    for c in CHANNELS:
        assert str(formats[c]) == ("half" if c in HALF_CHANNELS else "float"), c
    assert spec.getattribute("software") == "plano test"
    back = read_passes(path)
    for layer in LAYERS:
        ours, theirs = getattr(passes, layer.name), getattr(back, layer.name)
        assert theirs.shape == ours.shape and theirs.dtype == np.float32
        tol = 2e-3 * 4 if layer.storage == "half" else 0.0  # half keeps ~11 bits
        np.testing.assert_allclose(theirs, ours, atol=tol, err_msg=layer.name)
        for k, c in enumerate(layer.channels):  # OpenImageIO sees the same values under the same names
            np.testing.assert_allclose(pixels[..., spec.channelnames.index(c)], theirs[..., k], atol=1e-6)
    assert is_complete(path) and not is_complete(path, settings_key="other")


def test_a_truncated_or_missing_exr_is_a_plano_error_naming_the_file(tmp_path):
    path = write_passes(tmp_path / "SH.1001.exr", _random_passes(64, 48))
    data = path.read_bytes()
    cut = tmp_path / "SH.1002.exr"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(PlanoError, match=r"SH\.1002\.exr.*truncated or corrupt"):
        read_passes(cut)
    with pytest.raises(PlanoError, match=r"SH\.1002\.exr"):
        verify(cut)
    with pytest.raises(PlanoError, match=r"SH\.1003\.exr.*does not exist"):
        read_passes(tmp_path / "SH.1003.exr")
    # a file without every layer is readable but not complete
    beauty_only = write_channels(tmp_path / "SH.1004.exr", {c: np.zeros((4, 4), np.float32) for c in "RGB"})
    assert read_passes(beauty_only).depth is None and not read_passes(beauty_only).complete
    assert not is_complete(beauty_only)
    with pytest.raises(PlanoError, match=r"lacks channel\(s\) \['A'"):
        verify(beauty_only)


def test_read_beauty_reads_rgb_of_a_layered_frame_and_names_a_bad_file(tmp_path):
    from plano.io.exr import read_beauty

    rng = np.random.default_rng(3)
    rgb = rng.random((6, 8, 3), dtype=np.float32) * 4.0
    channels = {"R": rgb[..., 0], "G": rgb[..., 1], "B": rgb[..., 2], "A": np.ones((6, 8), np.float32),
                "cg.R": rgb[..., 2] * 0.5, "plate.G": rgb[..., 0] + 1.0}
    path = write_channels(tmp_path / "comp.1001.exr", channels, None, "rle", {k: "half" for k in channels})
    got = read_beauty(path)
    assert got.shape == (6, 8, 3) and got.dtype == np.float32
    np.testing.assert_allclose(got, read_passes(path).beauty, atol=0)
    np.testing.assert_allclose(got, rgb, rtol=2e-3)  # half precision
    bad = tmp_path / "bad.1001.exr"
    bad.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(PlanoError, match="bad.1001.exr"):
        read_beauty(bad)
    with pytest.raises(PlanoError, match="missing.1001.exr"):
        read_beauty(tmp_path / "missing.1001.exr")
