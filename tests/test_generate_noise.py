"""Flow-warped noise (plano.generate.noise_warp): each frame i.i.d. standard Gaussian, moving with the flow."""

import numpy as np
import pytest

from plano.generate.noise_warp import latent_frames, pool, warp_step, warped_noise

C, H, W = 4, 48, 64  # latent size of the statistical tests
N = C * H * W


def translating(dx_latent: float, dy_latent: float = 0.0, frames: int = 8, factor: int = 4):
    """Motion fields of a rigid translation by (dx, dy) latent pixels a frame, given at 2x the latent size."""
    f = np.zeros((2 * H, 2 * W, 2), np.float32)
    f[..., 0], f[..., 1] = 2 * dx_latent, 2 * dy_latent
    return [f] * (frames - 1)


def zooming(rate: float, frames: int = 8):
    """A zoom in about the centre: each point moves away from it by ``rate`` of its distance a frame."""
    y, x = np.mgrid[0:2 * H, 0:2 * W].astype(np.float32)
    f = np.stack([(x - W) * rate, (y - H) * rate], axis=-1).astype(np.float32)
    return [f] * (frames - 1)


def corr(a, b) -> float:
    return float(np.corrcoef(np.ravel(a), np.ravel(b))[0, 1])


def assert_standard_normal(frame):
    """Mean 0 and variance 1 within 5 standard errors, and no correlation between neighbours."""
    n = frame.size
    assert abs(float(frame.mean())) < 5 / np.sqrt(n)
    assert abs(float(frame.var()) - 1.0) < 5 * np.sqrt(2 / n)
    for a, b in ((frame[:, :, :-1], frame[:, :, 1:]), (frame[:, :-1], frame[:, 1:]),
                 (frame[:, :-1, :-1], frame[:, 1:, 1:])):
        assert abs(corr(a, b)) < 5 / np.sqrt(a.size)


@pytest.mark.parametrize("flows", [translating(0.3, 0.1), translating(1.0), zooming(0.04), zooming(-0.04)],
                         ids=["subpixel-translation", "whole-pixel-translation", "zoom-in", "zoom-out"])
def test_every_frame_is_iid_standard_normal(flows):
    noise = warped_noise(flows, C, (H, W), seed=3)
    assert noise.shape == (len(flows) + 1, C, H, W) and noise.dtype == np.float32
    for frame in noise:
        assert_standard_normal(frame)


def test_follows_a_translation():
    noise = warped_noise(translating(1.0), C, (H, W), seed=1)
    # one latent pixel a frame: frame t+1 at x+1 is frame t at x (the new column at the edge is fresh)
    assert corr(noise[0][:, :, :-1], noise[1][:, :, 1:]) > 0.99
    assert corr(noise[0][:, :, :-3], noise[3][:, :, 3:]) > 0.99
    # without following the flow the frames are unrelated
    assert abs(corr(noise[0], noise[1])) < 5 / np.sqrt(N)


def test_follows_a_subpixel_translation():
    noise = warped_noise(translating(0.25), C, (H, W), seed=2)
    # a quarter pixel a frame: after 4 frames one whole pixel, and frame to frame mostly the same values
    assert corr(noise[0][:, :, :-1], noise[4][:, :, 1:]) > 0.95
    assert corr(noise[0], noise[1]) > 0.6
    white = np.random.default_rng(0).standard_normal(noise.shape, dtype=np.float32)
    assert abs(corr(white[0], white[1])) < 5 / np.sqrt(N)


def test_follows_a_zoom():
    rate = 0.05
    noise = warped_noise(zooming(rate), C, (H, W), seed=4)
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    cy, cx = (H - 1) / 2, (W - 1) / 2
    # where each latent pixel of frame 0 is in frame 1 (nearest), inside the frame
    ty = np.rint(cy + (y - cy) * (1 + rate)).astype(int)
    tx = np.rint(cx + (x - cx) * (1 + rate)).astype(int)
    ok = (ty >= 0) & (ty < H) & (tx >= 0) & (tx < W)
    along = corr(noise[0][:, ok], noise[1][:, ty[ok], tx[ok]])
    still = corr(noise[0][:, ok], noise[1][:, ok])
    assert along > 0.5 and along > still + 0.2, (along, still)
    assert still < 0.5


def test_pooling_keeps_variance_one():
    fine = np.random.default_rng(5).standard_normal((C, 4 * H, 4 * W), dtype=np.float32)
    pooled = pool(fine, 4)
    assert pooled.shape == (C, H, W)
    assert_standard_normal(pooled)
    with pytest.raises(Exception, match="multiple"):
        pool(fine[:, :-1], 4)


def test_warp_step_keeps_each_value_standard_under_a_strong_zoom():
    rng = np.random.default_rng(6)
    noise = rng.standard_normal((C, H, W), dtype=np.float32)
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    flow = np.stack([(x - W / 2) * 0.5, (y - H / 2) * 0.5], -1).astype(np.float32)  # 1.5x in one step
    assert_standard_normal(warp_step(noise, flow, rng))
    with pytest.raises(Exception, match="flow has shape"):
        warp_step(noise, flow[:-1], rng)


def test_latent_frame_counts_of_wan_and_cogvideox():
    assert latent_frames(81) == 21 and latent_frames(49) == 13
    flows = [np.zeros((8, 8, 2), np.float32)] * 80
    assert warped_noise(flows, 2, (4, 4), 0, factor=2, temporal_stride=4).shape == (21, 2, 4, 4)


def test_same_seed_same_noise_other_seed_other_noise():
    a = warped_noise(translating(0.3), 2, (8, 8), seed=9)
    assert np.array_equal(a, warped_noise(translating(0.3), 2, (8, 8), seed=9))
    assert not np.array_equal(a, warped_noise(translating(0.3), 2, (8, 8), seed=10))
