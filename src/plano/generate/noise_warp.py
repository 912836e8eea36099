"""Flow-warped noise: initial diffusion noise that moves with the render's motion vectors, while every frame stays
independent standard Gaussian per value.

Why: a video diffusion model started from noise that follows the scene's motion keeps its detail on the moving
surfaces (debris, the camera's parallax) instead of boiling through it. The motion comes from the renderer, so
it is exact, not estimated (``plano.schema.passes``: ``motion`` is pixels to the next frame, +X right, +Y down).

The method (plano's own implementation of the idea in Chang et al., "How I Warped Your Noise", ICLR 2024, and
Burgert et al., "Go-with-the-Flow", CVPR 2025):

1. Noise lives on a *fine* grid, ``factor`` times the latent's height and width; each fine value is i.i.d.
   N(0, 1).
2. One step (frame t to t + 1) moves each fine value along the flow to its nearest fine pixel. Every target pixel
   either receives one or more values (it takes their sum over the square root of their count) or none (the
   region expands or was hidden); an empty target takes a share of the value its flow came from. A value ``v``
   shared by ``k`` targets gives them ``v / sqrt(k) + Z_j - mean(Z)`` with ``Z_j`` fresh N(0, 1): shares that
   are i.i.d. N(0, 1) and sum back to ``sqrt(k) v`` (the conditional sampling of Chang et al.'s integral noise).
   Every target is a normalised sum of disjoint independent shares, so the warped frame is again i.i.d. N(0, 1)
   exactly; a target that no value reaches (it entered through the frame's edge) gets fresh noise.
3. The latent noise is the fine grid pooled in ``factor x factor`` blocks by the sum over ``factor`` (the square
   root of the block's count): still N(0, 1), independent between latent pixels, and it moves with sub-latent-
   pixel precision.
4. The video VAE folds 4 frames into one latent frame (Wan, CogVideoX: latent frames ``(F - 1) // 4 + 1``):
   latent frame ``j`` takes the warped noise of frame ``4 j``. (Averaging four correlated frames would shrink
   the variance.)

Patent note: Netflix has filed a patent application on its noise-warping method (the Go-with-the-Flow work).
plano's implementation is written from the two papers, not from anyone's code; users who ship commercially
should look at the application and judge for themselves.

Arrays: noise ``(F, C, h, w)`` float32; flows ``(F - 1, H, W, 2)`` float32 in the grid's pixels, ``[..., 0]`` = +X
right, ``[..., 1]`` = +Y down.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from plano.errors import PlanoError


def _nearest(pos_x: np.ndarray, pos_y: np.ndarray, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices of the nearest pixels to ``(pos_x, pos_y)`` and whether they lie inside an ``h x w`` grid."""
    ix = np.floor(pos_x + 0.5).astype(np.int64)
    iy = np.floor(pos_y + 0.5).astype(np.int64)
    inside = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
    return np.where(inside, iy * w + ix, -1), inside


def warp_step(noise: np.ndarray, flow: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One step of the warp: ``noise`` (C, h, w) i.i.d. N(0, 1) moved by ``flow`` (h, w, 2) pixels.

    Returns (C, h, w) float32, again i.i.d. N(0, 1) per value (see the module's notes), each value a share of the
    values the flow brought there."""
    c, h, w = noise.shape
    if flow.shape != (h, w, 2):
        raise PlanoError(f"flow has shape {flow.shape}; expected ({h}, {w}, 2) for noise of shape {noise.shape}")
    n = h * w
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    fx, fy = flow[..., 0], flow[..., 1]
    fwd, ok = _nearest(x + fx, y + fy, h, w)
    fwd, ok = fwd.ravel(), ok.ravel()
    src = np.arange(n, dtype=np.int64)
    hits = np.bincount(fwd[ok], minlength=n)
    empty = np.flatnonzero(hits == 0)
    # an empty target takes a share of the value its flow came from (the flow at the target, followed back)
    back, back_ok = _nearest(x.ravel()[empty] - fx.ravel()[empty], y.ravel()[empty] - fy.ravel()[empty], h, w)
    pair_src = np.concatenate([src[ok], back[back_ok]])
    pair_dst = np.concatenate([fwd[ok], empty[back_ok]])
    shares = np.bincount(pair_src, minlength=n).astype(np.float32)  # k: how many targets share each value
    got = np.bincount(pair_dst, minlength=n).astype(np.float32)  # how many shares each target sums
    flat = noise.reshape(c, n)
    k = shares[pair_src]
    inv_sqrt_got = 1.0 / np.sqrt(np.maximum(got, 1.0))
    # all channels at once: channel ch's pairs are binned at ch * n + index
    offs = (np.arange(c, dtype=np.int64) * n)[:, None]
    z = rng.standard_normal((c, pair_src.size), dtype=np.float32)
    zbar = np.bincount((pair_src + offs).ravel(), weights=z.ravel(), minlength=c * n).reshape(c, n)[:, pair_src] / k
    piece = flat[:, pair_src] / np.sqrt(k) + z - zbar.astype(np.float32)
    out = (np.bincount((pair_dst + offs).ravel(), weights=piece.ravel(), minlength=c * n).reshape(c, n)
           * inv_sqrt_got).astype(np.float32)
    fresh = got == 0
    if fresh.any():
        out[:, fresh] = rng.standard_normal((c, int(fresh.sum())), dtype=np.float32)
    return out.reshape(c, h, w)


def pool(noise: np.ndarray, factor: int) -> np.ndarray:
    """(..., h * factor, w * factor) -> (..., h, w): block sums over ``factor``, keeping N(0, 1) values N(0, 1)."""
    *lead, hh, ww = noise.shape
    if hh % factor or ww % factor:
        raise PlanoError(f"noise of {ww}x{hh} does not pool by {factor}: its size must be a multiple of the factor")
    h, w = hh // factor, ww // factor
    blocks = noise.reshape(*lead, h, factor, w, factor)
    return (blocks.sum(axis=(-3, -1)) / factor).astype(np.float32)


def resample_flow(motion: np.ndarray, height: int, width: int) -> np.ndarray:
    """A motion pass (H, W, 2) in its own pixels -> (height, width, 2) in the new grid's pixels (area average,
    vectors scaled by the size ratio)."""
    import cv2

    H, W = motion.shape[:2]
    m = np.ascontiguousarray(motion, np.float32)
    interp = cv2.INTER_AREA if height <= H and width <= W else cv2.INTER_LINEAR
    small = cv2.resize(m, (width, height), interpolation=interp).reshape(height, width, 2)
    return (small * np.array([width / W, height / H], np.float32)).astype(np.float32)


def warped_noise(flows: Sequence[np.ndarray] | np.ndarray, channels: int, latent_size: tuple[int, int],
                 seed: int, factor: int = 4, temporal_stride: int = 1) -> np.ndarray:
    """Latent noise for a clip, moving with ``flows``.

    ``flows``: F - 1 motion fields from frame ``t`` to ``t + 1``, each (H, W, 2) in pixels of any size (resampled
    to the fine grid); ``latent_size`` (h, w); ``factor``: the fine grid is ``factor`` times the latent in each
    direction; ``temporal_stride``: keep every ``stride``-th frame (4 for the video VAEs: F frames -> ``(F - 1)
    // 4 + 1`` latent frames). Returns (F_kept, C, h, w) float32."""
    h, w = latent_size
    if factor < 1 or h < 1 or w < 1 or channels < 1:
        raise PlanoError(f"warped noise needs a positive size, channel count and factor; got {w}x{h}, "
                         f"{channels} channels, factor {factor}")
    rng = np.random.default_rng(seed)
    hh, ww = h * factor, w * factor
    fine = rng.standard_normal((channels, hh, ww), dtype=np.float32)
    kept = [pool(fine, factor)]
    for t, motion in enumerate(flows, start=1):
        fine = warp_step(fine, resample_flow(np.asarray(motion, np.float32), hh, ww), rng)
        if t % temporal_stride == 0:
            kept.append(pool(fine, factor))
    return np.stack(kept)


def latent_frames(num_frames: int, temporal_compression: int = 4) -> int:
    """The latent frame count a video VAE makes of ``num_frames`` (``4 k + 1`` frames -> ``k + 1``)."""
    return (num_frames - 1) // temporal_compression + 1
