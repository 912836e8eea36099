"""Overlapping windows, the model's frame rate against the shot's by the motion vectors, and the fit to the
model's native size (plano.generate.windows)."""

import numpy as np
import pytest

from plano.errors import PlanoError
from plano.generate import windows as win


def test_windows_cover_the_shot_with_the_overlap():
    spans = win.windows(200, 81, 16)
    assert spans[0] == (0, 81) and spans[-1][1] == 200
    assert all(b - a == 81 for a, b in spans)
    assert all(a2 < b1 for (_, b1), (a2, _) in zip(spans, spans[1:]))  # each overlaps the one before
    assert win.windows(40, 81, 16) == [(0, 40)]
    with pytest.raises(PlanoError, match="overlap"):
        win.windows(100, 49, 49)


def test_frames_4k1():
    assert [win.frames_4k1(n) for n in (1, 2, 5, 6, 81, 82)] == [1, 5, 5, 9, 81, 85]


def test_blend_has_no_seam_and_holds_the_colour():
    """Two windows of a steady picture, the second one brighter (a model's drift): the blend matches its colour to
    the first over the overlap, so the step between frames is no larger than inside a window."""
    rng = np.random.default_rng(0)
    base = rng.random((1, 8, 8, 3)).astype(np.float32)
    a = np.repeat(base, 20, axis=0)
    b = np.repeat(base * 1.3 + 0.1, 20, axis=0)
    out = win.blend_windows([a, b], [(0, 20), (12, 32)])
    assert out.shape == (32, 8, 8, 3)
    steps = np.abs(np.diff(out, axis=0)).max(axis=(1, 2, 3))
    assert steps.max() < 1e-4  # the second window's colour is brought onto the first
    naive = np.concatenate([a[:12], b[:20]])
    assert np.abs(np.diff(naive, axis=0)).max() > 0.1  # without it there would be a jump


def test_model_times_24_to_16():
    t = win.model_times(24, 24.0, 16.0)
    assert len(t) == 16 and t[1] == pytest.approx(1.5) and t[-1] == pytest.approx(22.5)


def moving_square(n=6, h=24, w=32, speed=2.0):
    frames, motion = [], []
    for i in range(n):
        im = np.zeros((h, w, 1), np.float32)
        x0 = int(4 + speed * i)
        im[8:14, x0:x0 + 6] = 1.0
        m = np.zeros((h, w, 2), np.float32)
        m[..., 0] = speed
        frames.append(im)
        motion.append(m)
    return frames, motion


def test_carry_moves_a_picture_by_a_fraction_of_a_frame():
    frames, motion = moving_square()
    half = win.carry(frames[0], motion, 0.0, 0.5)  # half a frame: 1 px right
    assert np.allclose(half[8:14, 5:11, 0], 1.0) and half[10, 4, 0] == 0.0
    back = win.carry(frames[2], motion, 2.0, 1.0)
    assert np.allclose(back, frames[1])
    f = win.flow_between(motion, 0.25, 2.0)
    assert np.allclose(f[..., 0], 3.5)


def test_model_rate_and_back_by_the_motion_not_by_repeating():
    frames, motion = moving_square(n=7)
    times = win.model_times(7, 24.0, 16.0)  # 0, 1.5, 3, 4.5
    at_model = win.to_model_rate(frames, motion, times)
    # the model frame at 1.5 shot frames: the square moved 3 px from frame 0, not frame 1 or 2 repeated
    assert np.allclose(at_model[1][8:14, 7:13, 0], 1.0)
    assert not np.allclose(at_model[1], frames[1]) and not np.allclose(at_model[1], frames[2])
    back = win.to_shot_rate(at_model, times, motion, 7)
    assert len(back) == 7
    for i in range(7):
        assert np.abs(back[i][..., 0] - frames[i][..., 0]).mean() < 0.02


def test_fit_crop_and_back():
    fit = win.Fit(1280, 720, 832, 480, "crop")
    x0, y0, bw, bh = fit.box
    assert y0 == pytest.approx(0) and bw == pytest.approx(720 * 832 / 480) and x0 > 0
    rng = np.random.default_rng(1)
    im = rng.random((720, 1280, 3)).astype(np.float32)
    small = fit.to_model(im)
    assert small.shape == (480, 832, 3)
    smooth = np.tile(np.linspace(0, 1, 1280, dtype=np.float32)[None, :, None], (720, 1, 3))
    big, cover = fit.to_shot(fit.to_model(smooth))
    inside = cover[..., 0] > 0
    assert cover[:, :int(x0) - 1].max() == 0 and inside[:, 640].all()
    assert np.abs(big[inside] - smooth[inside]).max() < 0.01
    m = np.zeros((720, 1280, 2), np.float32)
    m[..., 0] = 3.0
    assert fit.motion_to_model(m)[..., 0].mean() == pytest.approx(3.0 * 832 / bw, rel=1e-4)
    with pytest.raises(PlanoError, match="fit"):
        win.Fit(10, 10, 8, 8, "squash")


def test_depth_control_near_is_white_sky_is_black_dust_is_drawn():
    from plano.generate.control import DUST_GREY, depth_control

    depth = np.zeros((2, 4, 4, 1), np.float32)
    depth[:, 2:, :2] = 10.0  # near
    depth[:, 2:, 2:] = 100.0  # far
    dust = np.zeros_like(depth)
    dust[:, 0, 0] = 1.0  # dust over the sky
    g = depth_control(depth, dust=dust)
    assert g.shape == (2, 4, 4, 3)
    assert g[0, 3, 0, 0] == pytest.approx(1.0) and g[0, 3, 3, 0] == pytest.approx(0.05)
    assert g[0, 0, 1, 0] == 0.0 and g[0, 0, 0, 0] == pytest.approx(DUST_GREY)
    assert np.array_equal(g[0], g[1])  # one stretch for the whole clip
