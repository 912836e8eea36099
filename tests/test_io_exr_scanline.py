"""plano's own scanline EXR kernels (uncompressed and RLE) against OpenEXR's library: each reads what the other
writes, pixel for pixel and with the same compressed size; damaged files are errors that name the file."""

import numpy as np
import pytest

pytest.importorskip("numba")
OpenEXR = pytest.importorskip("OpenEXR")

from plano.errors import PlanoError  # noqa: E402
from plano.io import exr, exr_scanline  # noqa: E402
from plano.io.half import fill_planes  # noqa: E402

OPENEXR_COMPRESSION = {"rle": "RLE_COMPRESSION", "none": "NO_COMPRESSION"}


def _channels(h=37, w=53, seed=3):
    """Half, float and uint channels: smooth gradients (runs after the predictor), flat areas, noise, edges."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    flat = np.zeros((h, w), np.float32)
    flat[h // 3:, w // 2:] = 0.25
    return {
        "R": (x / w).astype(np.float16), "G": flat.astype(np.float16),
        "B": rng.normal(0.2, 0.05, (h, w)).astype(np.float16),
        "A": np.ones((h, w), np.float16), "depth.Z": (10 + y * 0.37).astype(np.float32),
        "id.object": np.floor(x / 7).astype(np.float32), "motion.X": rng.normal(0, 3, (h, w)).astype(np.float32),
        "count": rng.integers(0, 4, (h, w)).astype(np.uint32),
        "a.channel.name.longer.than.thirty.one.bytes": np.full((h, w), 0.5, np.float16),
    }


def _openexr_write(path, chans, compression):
    header = {"compression": getattr(OpenEXR, OPENEXR_COMPRESSION[compression]), "type": OpenEXR.scanlineimage}
    with OpenEXR.File(header, dict(chans)) as f:  # (it turns the dict's values into its Channel objects)
        f.write(str(path))


def _openexr_read(path):
    with OpenEXR.File(str(path), separate_channels=True) as f:
        return {n: c.pixels for n, c in f.channels().items()}


def _same(a, b):
    assert set(a) == set(b)
    for k in a:
        assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape, k
        assert np.array_equal(a[k].view(np.uint8), b[k].view(np.uint8)), k


@pytest.mark.parametrize("compression", ["rle", "none"])
def test_openexr_reads_what_we_write_and_we_read_what_it_writes(tmp_path, compression):
    chans = _channels()
    ours, theirs = tmp_path / "ours.exr", tmp_path / "theirs.exr"
    exr_scanline.write(ours, chans, {"software": "plano test", "plano/settings": "abc"}, compression)
    _openexr_write(theirs, chans, compression)
    _same(_openexr_read(ours), chans)
    _same(exr_scanline.read(theirs), chans)
    _same(exr_scanline.read(ours), chans)
    # the same compression decisions, byte for byte: only the headers differ
    body = lambda p: p.read_bytes()[-sum(a.nbytes for a in chans.values()) // 2:]  # noqa: E731
    assert body(ours) == body(theirs)
    with OpenEXR.File(str(ours), header_only=True) as f:  # (the header is the file's: read it while open)
        header = f.header()
        assert header["software"] == "plano test" and header["plano/settings"] == "abc"
        assert header["compression"] == getattr(OpenEXR, OPENEXR_COMPRESSION[compression])


def test_openimageio_reads_what_we_write(tmp_path):
    oiio = pytest.importorskip("OpenImageIO")
    chans = {k: v for k, v in _channels().items() if v.dtype != np.uint32}
    path = exr_scanline.write(tmp_path / "a.exr", chans, {}, "rle")
    inp = oiio.ImageInput.open(str(path))
    names = list(inp.spec().channelnames)
    pixels = inp.read_image(0, 0, 0, len(names), "float")
    inp.close()
    for k, name in enumerate(names):
        assert np.array_equal(pixels[..., k], chans[name].astype(np.float32)), name


def test_one_pixel_and_one_line_files(tmp_path):
    for h, w in ((1, 1), (1, 300), (300, 1)):
        chans = _channels(h, w)
        _same(exr_scanline.read(exr_scanline.write(tmp_path / f"{h}x{w}.exr", chans, {}, "rle")), chans)


def test_long_runs_and_long_literals_round_trip(tmp_path):
    """Runs longer than 128 bytes and literals longer than 127, on their limits."""
    w = 1000
    row = np.concatenate([np.zeros(300), np.arange(400) * 1.7, np.full(300, 3.0)]).astype(np.float16)
    chans = {"Y": np.tile(row, (5, 1))}
    ours, theirs = tmp_path / "o.exr", tmp_path / "t.exr"
    exr_scanline.write(ours, chans, {}, "rle")
    _openexr_write(theirs, chans, "rle")
    _same(_openexr_read(ours), chans)
    assert ours.read_bytes()[-2000:] == theirs.read_bytes()[-2000:]
    assert ours.stat().st_size < chans["Y"].nbytes


def test_other_kinds_of_exr_are_left_to_openexr(tmp_path):
    chans = _channels()
    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    with OpenEXR.File(header, dict(chans)) as f:
        f.write(str(tmp_path / "zip.exr"))
    assert exr_scanline.read(tmp_path / "zip.exr") is None
    _same(exr._stored(tmp_path / "zip.exr"), chans)  # plano.io.exr reads it through OpenEXR


def test_truncated_and_damaged_files_are_errors_that_name_the_file(tmp_path):
    chans = _channels()
    good = exr_scanline.write(tmp_path / "good.exr", chans, {}, "rle")
    data = good.read_bytes()
    cut = tmp_path / "cut.exr"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(exr_scanline.LayoutError):
        exr_scanline.read(cut)
    with pytest.raises(PlanoError, match="cut.exr"):
        exr.read_channels(cut)
    bad = bytearray(data)
    for k in range(8):  # the first offset points past the end of the file
        bad[_table_start(data) + k] = 0xFF
    (tmp_path / "bad.exr").write_bytes(bytes(bad))
    with pytest.raises(PlanoError, match="bad.exr"):
        exr.read_channels(tmp_path / "bad.exr")
    garbage = tmp_path / "garbage.exr"
    garbage.write_bytes(b"not an exr at all" * 10)
    with pytest.raises(PlanoError, match="garbage.exr"):
        exr.read_channels(garbage)


def _table_start(data: bytes) -> int:
    parsed = exr_scanline._parse_header(np.frombuffer(data, np.uint8))
    return parsed[1]


def test_plano_exr_writes_rle_and_none_through_these_kernels(tmp_path):
    """``plano.io.exr.write_channels`` with RLE: the same pixels as before through OpenEXR's reader."""
    rng = np.random.default_rng(1)
    chans = {"R": rng.random((20, 30), np.float32), "depth.Z": rng.random((20, 30), np.float32) * 100}
    path = exr.write_channels(tmp_path / "f.exr", chans, {"software": "t"}, "rle")
    back = _openexr_read(path)
    assert back["R"].dtype == np.float16 and back["depth.Z"].dtype == np.float32
    assert np.array_equal(back["R"], chans["R"].astype(np.float16))
    assert np.array_equal(back["depth.Z"], chans["depth.Z"])


def test_fill_planes_widens_every_half_exactly():
    bits = np.arange(65536, dtype=np.uint32).astype(np.uint16).reshape(256, 256)
    h16 = bits.view(np.float16)
    f32 = np.random.default_rng(0).random((256, 256), np.float32)
    out = np.empty((256, 256, 2), np.float32)
    fill_planes([h16, f32], out)
    want = h16.astype(np.float32)
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(out[..., 0]), nan)
    assert np.array_equal(out[..., 0][~nan], want[~nan])
    assert np.array_equal(out[..., 1], f32)


def test_channels_of_a_larger_array_are_packed_as_half_without_copies(tmp_path):
    """Strided views (the channels of an (H, W, 3) frame) with values past the largest half: OpenEXR reads back
    what numpy's clip and cast give."""
    rng = np.random.default_rng(4)
    rgb = (rng.normal(0, 1, (31, 47, 3)) * np.array([1.0, 100.0, 1e5])).astype(np.float32)
    chans = {c: rgb[..., k] for k, c in enumerate("RGB")}
    path = exr.write_channels(tmp_path / "s.exr", chans, {}, "rle", {c: "half" for c in "RGB"})
    back = _openexr_read(path)
    for k, c in enumerate("RGB"):
        want = np.clip(rgb[..., k], -65504, 65504).astype(np.float16)
        assert back[c].dtype == np.float16 and np.array_equal(back[c], want), c
