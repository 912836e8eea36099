"""The one display transform: OCIO's built-in ACES config, ACEScg -> sRGB / Rec.709."""

import numpy as np
import pytest

from plano.color import color_info, quantize_8bit, save_png, to_8bit, to_display
from plano.errors import PlanoError


def test_mid_grey_lands_where_the_aces_sdr_view_puts_it():
    grey = np.full((2, 2, 3), 0.18, np.float32)
    srgb = to_display(grey, "srgb")
    rec709 = to_display(grey, "rec709")
    # ACES 1.0 SDR Video output transform: 18% grey -> ~0.356 sRGB, ~0.390 Rec.1886 (BT.1886 gamma 2.4)
    assert srgb == pytest.approx(0.356, abs=0.01)
    assert rec709 == pytest.approx(0.390, abs=0.01)
    assert np.ptp(srgb) < 1e-4  # neutral stays neutral


def test_black_maps_to_black_and_white_is_tone_mapped_not_clipped():
    out = to_display(np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [100.0, 100.0, 100.0]], np.float32), "srgb")
    assert out[0] == pytest.approx(0.0, abs=1e-3)
    assert 0.75 < out[1, 0] < 0.86  # scene 1.0 is below display white
    assert out[2, 0] > 0.99
    assert out[1, 0] < out[2, 0]


def test_tone_curve_is_monotonic_and_nan_safe():
    ramp = np.linspace(0, 8, 200, dtype=np.float32)[:, None].repeat(3, 1)
    out = to_display(ramp, "rec709")[:, 0]
    assert np.all(np.diff(out) >= -1e-6)
    bad = to_display(np.array([[np.nan, np.inf, -1.0]], np.float32))
    assert np.isfinite(bad).all() and (bad >= 0).all() and (bad <= 1).all()


def test_shape_is_kept_and_input_not_modified():
    img = np.random.default_rng(0).random((5, 7, 3), dtype=np.float32)
    before = img.copy()
    out = to_display(img)
    assert out.shape == (5, 7, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(img, before)
    assert quantize_8bit(out).dtype == np.uint8


def test_bad_input_is_a_plano_error():
    with pytest.raises(PlanoError, match="3 channels"):
        to_display(np.zeros((4, 4, 4), np.float32))
    with pytest.raises(PlanoError, match="display"):
        to_display(np.zeros((1, 3), np.float32), "p3")  # type: ignore[arg-type]


def test_color_info_names_the_builtin_aces_config():
    info = color_info()
    assert "aces-v1.3" in info["config"] and info["view"] == "ACES 1.0 - SDR Video"


def test_previews_go_through_the_same_transform(tmp_path):
    from PIL import Image

    grey = np.full((4, 6, 3), 0.18, np.float32)
    path = save_png(grey, tmp_path / "grey.png")
    png = np.asarray(Image.open(path))
    assert png.shape == (4, 6, 3)
    assert int(png[0, 0, 0]) == int(quantize_8bit(to_display(grey))[0, 0, 0])
    assert not list(tmp_path.glob("*.tmp-*"))


def test_mid_grey_code_value_matches_ocio_computed_independently():
    import PyOpenColorIO as OCIO

    config = OCIO.Config.CreateFromBuiltinConfig(color_info()["config"])
    cpu = config.getProcessor("ACEScg", "sRGB - Display", "ACES 1.0 - SDR Video",
                              OCIO.TRANSFORM_DIR_FORWARD).getDefaultCPUProcessor()
    expected = cpu.applyRGB([0.18, 0.18, 0.18])
    got = to_display(np.full((1, 1, 3), 0.18, np.float32), "srgb")[0, 0]
    np.testing.assert_allclose(got, expected, atol=1e-6)
    code = to_8bit(np.full((1, 1, 3), 0.18, np.float32))[0, 0]
    assert code.tolist() == [round(expected[0] * 255)] * 3 == [91] * 3  # 0.356 * 255
    one_stop_up = to_display(np.full((1, 1, 3), 0.18, np.float32), exposure_ev=1.0)
    np.testing.assert_allclose(one_stop_up, to_display(np.full((1, 1, 3), 0.36, np.float32)), atol=1e-6)

