import json

import av
import numpy as np
import pytest
from deliver_synthetic import write_synthetic_passes
from PIL import Image

from plano.deliver.contact import GAP, HEADER_HEIGHT
from plano.io.exr import read_passes
from plano.deliver.movie import probe_movie
from plano.deliver.run import deliver_shot
from plano.errors import PlanoError
from plano.spec.model import Format, ShotSpec

PROMPT = "wide shot of a brutalist tower collapsing at dusk, shot on Alexa"


def tiny_spec(fps=24.0, duration_s=0.5, **kw) -> ShotSpec:
    return ShotSpec(
        prompt=PROMPT, seed=7, format=Format(width=64, height=36, fps=fps, duration_s=duration_s),
        unparsed=("blorp",), sources={"camera.shot_size": ("wide", "shot")}, **kw,
    )


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    spec = tiny_spec()
    exrs = write_synthetic_passes(root / "passes", "SEQ010_SH010_v001", spec.format.frames)
    calls = []
    out = deliver_shot(
        exrs, spec, root, "SEQ010_SH010_v001", lambda f, m: calls.append((f, m)),
        stage_seconds={"sim": 12.5, "render": {"seconds": 3.25, "cached": True, "key": "abc123"}},
        rate_per_hour=2.0,
    )
    return root, spec, out, calls


def test_outputs_exist(delivered):
    root, _, out, calls = delivered
    assert set(out) == {"mov", "mp4", "contact", "report", "provenance"}
    assert all(p.is_file() and p.stat().st_size > 0 for p in out.values())
    assert out["mov"] == root / "SEQ010_SH010_v001.mov"
    assert not list(root.glob("*.tmp-*"))  # nothing left half-written
    assert calls[-1][0] == 1.0 and all(0 <= f <= 1 for f, _ in calls)


@pytest.mark.parametrize("key,codec,pix_fmt", [("mov", "prores", "yuv422p10le"), ("mp4", "h264", "yuv420p")])
def test_movies_decode_with_the_right_frames_size_rate_and_codec(delivered, key, codec, pix_fmt):
    _, spec, out, _ = delivered
    info = probe_movie(out[key])
    assert info["codec"] == codec
    assert info["frames"] == spec.format.frame_count == 12
    assert (info["width"], info["height"]) == (64, 36)
    assert info["fps"] == pytest.approx(24.0)
    assert info["pix_fmt"] == pix_fmt
    assert info["color_primaries"] == info["color_trc"] == info["colorspace"] == 1  # BT.709 tags
    if key == "mov":
        assert info["profile"] == "HQ"


def test_movie_pixels_are_the_rec709_display_transform(delivered):
    from plano.color import to_display

    root, _, out, _ = delivered
    passes = read_passes(root / "passes" / "SEQ010_SH010_v001.1001.exr")
    expected = to_display(passes.beauty, "rec709")[30, 2] * 255  # a flat ground pixel
    with av.open(str(out["mov"])) as c:
        frame = next(iter(c.decode(video=0)))
        got = frame.to_ndarray(format="rgb24", dst_colorspace="itu709")[30, 2]
    np.testing.assert_allclose(got, expected, atol=4)


def test_contact_sheet_size(delivered):
    _, _, out, _ = delivered
    img = Image.open(out["contact"])
    # 4 columns of 320 px, 12 frames -> 3 rows, plus one row of depth/dust thumbnails (mid and last frame)
    thumb_h = round(320 * 36 / 64)
    assert img.size == (4 * 320 + 5 * GAP, HEADER_HEIGHT + 4 * (thumb_h + GAP) + GAP)
    arr = np.asarray(img)
    assert arr[HEADER_HEIGHT + 5, GAP + 5].sum() > 0  # a thumbnail is drawn there, not the background


def test_report_has_prompt_timing_cost_and_label(delivered):
    _, spec, out, _ = delivered
    text = out["report"].read_text()
    assert PROMPT in text
    assert "12.50" in text and "3.25" in text and "reused from cache" in text  # stage seconds
    assert "blorp" in text  # the words not understood
    assert "core-hours" in text and "$/h" in text
    assert "No generative AI" in text
    assert text.count("data:image/jpeg;base64,") == 4  # stills embedded
    assert 'src="contact.png"' in text
    assert "camera.shot_size" in text and "wide" in text


def test_provenance_parses_and_hashes_outputs(delivered):
    root, spec, out, _ = delivered
    data = json.loads(out["provenance"].read_text())
    assert data["prompt"] == PROMPT and data["seed"] == 7
    assert data["generative_ai"]["generative_ai_used"] is False
    assert data["stages"]["render"]["key"] == "abc123"
    assert {"opencolorio", "av", "openexr"} <= set(data["engines"])
    assert data["outputs"]["mov"]["path"] == "SEQ010_SH010_v001.mov"
    import hashlib

    assert data["outputs"]["mp4"]["sha256"] == hashlib.sha256(out["mp4"].read_bytes()).hexdigest()
    assert data["passes"]["count"] == 12 and data["passes"]["first"] == 1001


def test_fractional_frame_rate(tmp_path):
    spec = tiny_spec(fps=23.976, duration_s=0.25)
    exrs = write_synthetic_passes(tmp_path / "passes", "S_v1", spec.format.frames, 32, 18)
    out = deliver_shot(exrs, spec, tmp_path, "S_v1", lambda f, m: None)
    info = probe_movie(out["mp4"])
    assert info["fps"] == pytest.approx(24000 / 1001, rel=1e-4)
    assert info["frames"] == spec.format.frame_count


def test_odd_size_is_cropped_to_even(tmp_path):
    spec = ShotSpec(format=Format(width=33, height=19, aspect=33 / 19, duration_s=0.125))
    exrs = write_synthetic_passes(tmp_path / "passes", "S_v1", spec.format.frames, 33, 19)
    out = deliver_shot(exrs, spec, tmp_path, "S_v1")
    info = probe_movie(out["mov"])
    assert (info["width"], info["height"]) == (32, 18)


def test_corrupt_exr_is_one_clear_error(tmp_path):
    spec = tiny_spec(duration_s=0.125)
    exrs = write_synthetic_passes(tmp_path / "passes", "S_v1", spec.format.frames, 32, 18)
    exrs[1].write_bytes(exrs[1].read_bytes()[:200])  # truncated, as a killed writer would leave it
    with pytest.raises(PlanoError, match=r"S_v1\.1002\.exr.*not a readable OpenEXR") as err:
        deliver_shot(exrs, spec, tmp_path / "out", "S_v1")
    assert "plano shot" in str(err.value)
    assert not list((tmp_path / "out").glob("*.mov"))  # no half movie under the final name


def test_missing_and_partial_passes_are_clear_errors(tmp_path):
    spec = tiny_spec(duration_s=0.25)
    exrs = write_synthetic_passes(tmp_path / "passes", "S_v1", spec.format.frames, 32, 18)
    with pytest.raises(PlanoError, match="no render passes"):
        deliver_shot([], spec, tmp_path, "S_v1")
    with pytest.raises(PlanoError, match=r"missing 2 frame\(s\) 1005\.\.1006"):
        deliver_shot(exrs[:4], spec, tmp_path, "S_v1")
    exrs[2].unlink()
    with pytest.raises(PlanoError, match="does not exist"):
        read_passes(exrs[2])


def test_exr_without_beauty_is_a_clear_error(tmp_path):
    from plano.io.exr import write_channels

    p = write_channels(tmp_path / "x.1001.exr", {"depth.Z": np.ones((4, 4), np.float32)})
    with pytest.raises(PlanoError, match=r"no beauty channel.*depth\.Z"):
        read_passes(p)


def test_frames_of_different_sizes_are_a_clear_error(tmp_path):
    spec = tiny_spec(duration_s=0.125)
    exrs = write_synthetic_passes(tmp_path / "passes", "S_v1", spec.format.frames, 32, 18)
    write_synthetic_passes(tmp_path / "passes", "S_v1", range(1002, 1003), 64, 36)
    with pytest.raises(PlanoError, match=r"S_v1\.1002\.exr' is 64x36 but frame 1001 is 32x18"):
        deliver_shot(exrs, spec, tmp_path, "S_v1")


def test_beauty_only_passes_deliver_without_the_pass_row(tmp_path):
    from plano.io.exr import write_channels

    spec = tiny_spec(duration_s=0.125)
    exrs = [
        write_channels(tmp_path / "p" / f"S_v1.{f}.exr", {c: np.full((18, 32), 0.18, np.float32) for c in "RGB"})
        for f in spec.format.frames
    ]
    out = deliver_shot(exrs, spec, tmp_path, "S_v1")
    thumb_h = round(320 * 18 / 32)
    assert Image.open(out["contact"]).size[1] == HEADER_HEIGHT + 1 * (thumb_h + GAP) + GAP  # 3 frames, one row
    with av.open(str(out["mp4"])) as c:
        px = next(iter(c.decode(video=0))).to_ndarray(format="rgb24", dst_colorspace="itu709")[9, 16]
    np.testing.assert_allclose(px, 0.390 * 255, atol=4)  # ACEScg 0.18 grey on the Rec.709 display


def test_renderer_attributes_reach_provenance(tmp_path):
    from plano.io.exr import write_channels

    spec = tiny_spec(duration_s=1 / 24)
    exr = write_channels(tmp_path / "S_v1.1001.exr", {c: np.zeros((18, 32), np.float32) for c in "RGB"},
                         attributes={"software": "plano render 0.1 (llvmpipe)"})
    out = deliver_shot([exr], spec, tmp_path, "S_v1")
    data = json.loads(out["provenance"].read_text())
    assert data["engines"]["render software (this shot)"] == "plano render 0.1 (llvmpipe)"
    assert probe_movie(out["mov"])["frames"] == 1
