"""The display transform through OpenGL (``plano.color.gl``) agrees with OCIO's CPU processor."""

import numpy as np
import pytest

from plano.color import gl, ocio


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


def test_without_a_gl_context_pictures_go_through_the_cpu(monkeypatch):
    import moderngl

    def no_gl(*a, **k):
        raise RuntimeError("no EGL display")

    monkeypatch.setattr(gl, "_state", {})  # a process that has not tried yet
    monkeypatch.setattr(moderngl, "create_standalone_context", no_gl)
    assert not gl.available()
    img = _picture()
    assert gl.apply("display:srgb", ocio._display_processor("srgb"), img) is None
    shown = ocio.to_display(img, "srgb")
    monkeypatch.setattr(ocio, "GL_PICTURES", False)
    assert np.array_equal(shown, ocio.to_display(img, "srgb"))
