"""C2PA: a signed MOV and MP4 validate with c2pa-python's reader; a changed byte is reported as tampered; the PNG
sidecar and the EXR hash binding; certificates given by the user; `plano verify` in words."""

import struct

import numpy as np
import pytest

pytest.importorskip("c2pa", reason="C2PA needs c2pa-python (pip install 'plano[deliver]')")
pytest.importorskip("cryptography", reason="the test certificate needs cryptography")

from plano.errors import PlanoError  # noqa: E402
from plano.io import c2pa as c2io  # noqa: E402


def _movie(path, codec):
    from plano.deliver.movie import MovieWriter

    with MovieWriter(path, codec, 24.0, 64, 36) as w:
        for i in range(6):
            w.add(np.full((36, 64, 3), 0.1 + 0.1 * i, np.float32))
    return path


def _boxes(data: bytes):
    i, out = 0, []
    while i + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[i:i + 8])
        size = struct.unpack(">Q", data[i + 8:i + 16])[0] if size == 1 else (size or len(data) - i)
        out.append((kind.decode("latin1"), i, size))
        i += size
    return out


def _flip_in_mdat(path):
    data = bytearray(path.read_bytes())
    _, off, size = next(b for b in _boxes(bytes(data)) if b[0] == "mdat")
    data[off + size // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _manifest(title, plate=None, frames=None):
    return c2io.manifest_definition(title, ai_used=False, plate=plate, layers={"cg": "simulated and rendered"},
                                    spec_hash="abc", version="0.1.0", frames=frames, test=True)


@pytest.mark.parametrize("suffix,codec", [(".mov", "prores"), (".mp4", "h264")])
def test_a_signed_movie_validates_and_a_changed_byte_is_tampered(tmp_path, suffix, codec):
    movie = _movie(tmp_path / f"shot{suffix}", codec)
    ident = c2io.signing_identity()
    assert ident.test and "TEST" in ident.chain.read_text() or ident.test
    plate = _movie(tmp_path / "plate.mp4", "h264")
    c2io.sign_file(movie, movie, _manifest(movie.name, plate={"title": "plate.mp4"}), ident, plate, "plate.mp4")
    import c2pa

    reader = c2pa.Reader(str(movie))  # c2pa-python's own reader
    assert reader.get_validation_state() in ("Valid", "Trusted")
    m = reader.get_active_manifest()
    actions = next(a for a in m["assertions"] if a["label"].startswith("c2pa.actions"))["data"]["actions"]
    assert any(a.get("digitalSourceType", "").endswith("/compositeSynthetic") for a in actions)
    assert [i["title"] for i in m["ingredients"]] == ["plate.mp4"]
    ok = c2io.verify(movie)
    assert ok.ok and ok.state in ("Valid", "Trusted") and any("compositeSynthetic" in line for line in ok.lines)
    assert any("TEST certificate" in line for line in ok.lines)
    _flip_in_mdat(movie)
    bad = c2io.verify(movie)
    assert not bad.ok and bad.state == "tampered" and any("mismatch" in f for f in bad.failures)


def test_source_types_follow_the_iptc_definitions():
    assert c2io.source_type(True, True).endswith("/compositeWithTrainedAlgorithmicMedia")
    assert c2io.source_type(True, False).endswith("/compositeWithTrainedAlgorithmicMedia")
    assert c2io.source_type(False, True).endswith("/compositeSynthetic")
    assert c2io.source_type(False, False).endswith("/algorithmicMedia")


def test_png_sidecar_and_exr_hash_binding(tmp_path):
    from PIL import Image

    from plano.io.exr import write_channels

    run = tmp_path / "v001"
    (run / "comp").mkdir(parents=True)
    png = run / "contact.png"
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(png)
    ident = c2io.signing_identity()
    side = c2io.sign_sidecar(png, _manifest("contact.png"), ident)
    assert side.name == "contact.png.c2pa" and c2io.verify(png).ok
    exr = write_channels(run / "comp" / "x.1001.exr", {"R": np.zeros((4, 4)), "G": np.zeros((4, 4)), "B": np.zeros((4, 4))})
    movie = _movie(run / "x.mp4", "h264")
    c2io.sign_file(movie, movie, _manifest("x.mp4", frames={"comp/x.1001.exr": c2io.sha256(exr)}), ident)
    assert c2io.verify(exr).ok
    write_channels(exr, {"R": np.ones((4, 4)), "G": np.zeros((4, 4)), "B": np.zeros((4, 4))})
    assert c2io.verify(exr).state == "tampered"
    data = bytearray(png.read_bytes())
    data[-20] ^= 0x01
    png.write_bytes(bytes(data))
    assert not c2io.verify(png).ok


def test_a_users_certificate_and_bad_certificates(tmp_path, monkeypatch):
    chain, key, root = c2io.make_test_chain(tmp_path / "mine")
    ident = c2io.signing_identity(chain, key)
    assert not ident.test
    with pytest.raises(PlanoError, match="needs both a certificate chain and its private key"):
        c2io.signing_identity(chain, None)
    (tmp_path / "nope.pem").write_text("hello")
    with pytest.raises(PlanoError, match="holds no PEM certificate"):
        c2io.signing_identity(tmp_path / "nope.pem", key)
    with pytest.raises(PlanoError, match="does not exist"):
        c2io.signing_identity(tmp_path / "missing.pem", key)
    monkeypatch.setenv("PLANO_C2PA_CERT", str(chain))
    monkeypatch.setenv("PLANO_C2PA_KEY", str(key))
    assert c2io.signing_identity().chain == chain


def test_plano_verify_in_words_and_exit_codes(tmp_path):
    from typer.testing import CliRunner

    from plano.cli.commands import app

    movie = _movie(tmp_path / "shot.mp4", "h264")
    c2io.sign_file(movie, movie, _manifest("shot.mp4"), c2io.signing_identity())
    runner = CliRunner()
    good = runner.invoke(app, ["verify", str(movie)])
    assert good.exit_code == 0 and "algorithmicMedia" in good.output and "valid" in good.output
    _flip_in_mdat(movie)
    bad = runner.invoke(app, ["verify", str(movie)])
    assert bad.exit_code == 1 and "TAMPERED" in bad.output
    plain = _movie(tmp_path / "plain.mp4", "h264")
    none = runner.invoke(app, ["verify", str(plain)])
    assert none.exit_code == 1 and "no C2PA manifest" in none.output
