"""OCIO processors through OpenGL (``plano.color.gl``) agree with OCIO's CPU processors: the display transform,
a camera log space into ACEScg, and a look's CDL."""

import numpy as np
import pytest

from plano.color import gl, ocio
from plano.color.spaces import convert
from plano.comp.look import CDL, apply_cdl


def _picture(h=300, w=400):
    rng = np.random.default_rng(3)
    base = np.exp(rng.normal(-1.5, 1.2, (h, w, 1))).astype(np.float32)  # scene-linear exposures, 0.002 .. 8
    img = base * rng.uniform(0.5, 1.0, (h, w, 3)).astype(np.float32)  # moderately saturated, as a shot is
    img[0, :50] = np.linspace(0.0, 60.0, 50)[:, None]  # a grey ramp into the highlights
    img[1, :10] = np.array([np.nan, np.inf, -1.0, 0.0, 1e-6, 0.18, 1.0, 16.0, 1000.0, 65504.0], np.float32)[:, None]
    return img


@pytest.fixture(scope="module")
def have_gl():
    if not gl.available():
        pytest.skip("no headless OpenGL context (apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri)")


def _both(monkeypatch, fn):
    monkeypatch.setattr(ocio, "GL_PICTURES", True)
    on_gl = fn()
    monkeypatch.setattr(ocio, "GL_PICTURES", False)
    return on_gl, fn()


@pytest.mark.parametrize("display", ["rec709", "srgb"])
def test_the_display_transform_agrees(have_gl, display, monkeypatch):
    img = _picture()
    got, want = _both(monkeypatch, lambda: ocio.to_display(img, display))
    assert got.shape == want.shape == img.shape and got.dtype == np.float32
    assert np.isfinite(got).all() and got.min() >= 0.0 and got.max() <= 1.0
    assert np.abs(got - want).max() < 2e-4  # a fifth of a 10-bit code
    assert np.isnan(img[1, 0]).all() and np.isinf(img[1, 1]).all()  # the input is untouched


def test_a_camera_log_plate_and_a_cdl_agree(have_gl, monkeypatch):
    img = np.clip(np.nan_to_num(_picture(), posinf=0.0), 0.0, 100.0)
    log = convert(img, "ACEScg", "ARRI LogC3")  # a plate as the camera wrote it
    got, want = _both(monkeypatch, lambda: convert(log, "ARRI LogC3", "ACEScg"))
    assert _relative(got, want) < 2e-4  # under half-float precision (4.9e-4), what the EXRs keep
    cdl = CDL(slope=(0.9, 0.86, 0.8), offset=(0.03, 0.05, 0.07), power=(1.1, 1.0, 0.95), saturation=0.7)
    got, want = _both(monkeypatch, lambda: apply_cdl(img, cdl))
    assert _relative(got, want) < 2e-4


def _relative(got, want):
    return float((np.abs(got - want) / np.maximum(np.abs(want), 1e-3)).max())


def test_small_pictures_and_other_shapes_stay_on_the_cpu(have_gl):
    proc = ocio._display_processor("srgb")
    assert gl.apply("display:srgb", proc, np.zeros((8, 8, 3), np.float32)) is None
    assert gl.apply("display:srgb", proc, np.zeros((300, 300), np.float32)) is None
    assert ocio.to_display(np.full((4, 3), 0.18, np.float32), "srgb").shape == (4, 3)


def test_a_forked_child_converts_on_the_cpu(have_gl):
    import multiprocessing as mp

    img = _picture()
    ocio.to_display(img, "srgb")  # the parent's GL thread exists
    ctx = mp.get_context("fork")
    with ctx.Pool(1) as pool:
        shown = pool.apply_async(ocio.to_display, (img, "srgb")).get(timeout=60)
    assert np.abs(shown - ocio.to_display(img, "srgb")).max() < 2e-4
