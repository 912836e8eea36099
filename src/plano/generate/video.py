"""The path every video diffusion engine shares, in named steps:

1. ``prepare``: the shot's passes at the model's frame rate (carried by the exact motion vectors) and native size
   (:class:`plano.generate.windows.Fit`), the motion between model frames, and the flow-warped noise;
2. ``windows``: the clip cut into the model's window length (``4 k + 1`` frames), overlapping;
3. ``denoise``: each window through the engine's pipeline (its own ``run_window``), the overlap of the previous
   window given as known frames;
4. ``finish``: windows blended (colour matched, cross-faded), back to the shot's frame rate and size, ACEScg.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from plano.core import Progress, no_progress
from plano.generate import control, windows as win
from plano.generate.base import Clip, Generated
from plano.generate.noise_warp import warped_noise
from plano.generate.settings import GenerateSettings


@dataclass(frozen=True)
class Native:
    """A model's native working format."""

    width: int
    height: int
    frames: int
    fps: float
    latent_channels: int
    spatial: int = 8
    temporal: int = 4


@dataclass(frozen=True)
class ModelClip:
    """The shot at the model's rate and size: (M, h, w, C) arrays, 0..1 pictures, and the flow-warped noise."""

    picture: np.ndarray
    depth_rgb: np.ndarray
    region: np.ndarray
    times: np.ndarray
    noise: np.ndarray | None
    """(M, C, h / 8, w / 8): warped noise for every model frame (a window takes every 4th)."""
    fit: win.Fit
    motion: list
    """The shot's motion passes in the model's pixels, one per shot frame."""


def native_for(default: Native, settings: GenerateSettings) -> Native:
    w = settings.width or default.width
    h = settings.height or default.height
    f = win.frames_4k1(settings.num_frames or default.frames)
    return Native(w, h, f, default.fps, default.latent_channels, default.spatial, default.temporal)


def prepare(clip: Clip, native: Native, settings: GenerateSettings) -> ModelClip:
    """Step 1: the shot at the model's native size, then at its frame rate (carried by the motion, in the model's
    pixels), then in the model's colour space, with its warped noise. The work is done at the model's size, which
    is smaller than the shot's: fitting first keeps it cheap."""
    times = win.model_times(clip.count, clip.fps, native.fps)
    fit = win.Fit(clip.size[0], clip.size[1], native.width, native.height, settings.fit)
    motion = [fit.motion_to_model(m) for m in clip.motion]  # model pixels
    at = lambda images: np.stack(win.to_model_rate([fit.to_model(im) for im in images], motion, times))  # noqa: E731
    picture = control.to_model_rgb(at(clip.beauty))  # resampled in linear light, then encoded
    region = at(clip.region)
    dust = at(clip.dust) if clip.dust is not None else None
    # depth resampled as inverse depth (sky 0): an edge blends towards far, never towards a nearer halo
    inv = at(np.where(clip.depth > 0, 1.0 / np.maximum(clip.depth, 1e-3), 0.0).astype(np.float32))
    depth = np.where(inv > 1e-6, 1.0 / np.maximum(inv, 1e-6), 0.0).astype(np.float32)
    depth_rgb = control.depth_control(depth, region, dust=dust)
    noise = None
    if settings.warped_noise:
        flows = [win.flow_between(motion, float(a), float(b)) for a, b in zip(times, times[1:])]
        hl, wl = native.height // native.spatial, native.width // native.spatial
        noise = warped_noise(flows, native.latent_channels, (hl, wl), clip.seed, settings.noise_factor)
    return ModelClip(picture, depth_rgb, region, times, noise, fit, motion)


def spans(count: int, native: Native, settings: GenerateSettings) -> list[tuple[int, int]]:
    """Step 2: windows of the model's length over ``count`` model frames (a short clip: one window, padded)."""
    overlap = min(settings.overlap, native.frames - 1)
    return win.windows(count, native.frames, overlap)


def window_noise(mc: ModelClip, a: int, length: int, temporal: int) -> np.ndarray | None:
    """(F_lat, C, h, w) noise of a window starting at model frame ``a``: every ``temporal``-th frame."""
    if mc.noise is None:
        return None
    idx = np.minimum(np.arange(a, a + length, temporal), len(mc.noise) - 1)
    return mc.noise[idx]


def pad(arr: np.ndarray, length: int) -> np.ndarray:
    """A clip shorter than the model's window, padded at the end with its last frame (the output is trimmed)."""
    if len(arr) >= length:
        return arr
    return np.concatenate([arr, np.repeat(arr[-1:], length - len(arr), axis=0)])


RunWindow = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, "np.ndarray | None", int], np.ndarray]
"""``run_window(picture, depth_rgb, mask, known, noise, seed) -> (L, h, w, 3)`` 0..1: one window through a model."""


def generate_clip(clip: Clip, native: Native, settings: GenerateSettings, run_window: RunWindow,
                  progress: Progress = no_progress) -> Generated:
    """Steps 1-4 around an engine's ``run_window``."""
    t0 = time.perf_counter()
    mc = prepare(clip, native, settings)
    progress(0.05, f"{len(mc.times)} frames at {native.fps:g} fps, {native.width}x{native.height}")
    M = len(mc.times)
    ss = spans(M, native, settings)
    clips, done = [], 0
    seconds: list[float] = []
    for k, (a, b) in enumerate(ss):
        tw = time.perf_counter()
        n = b - a
        known = np.zeros(native.frames, bool)
        picture = pad(mc.picture[a:b], native.frames).copy()
        if k and done > a:  # the overlap the previous window made is given as known frames
            n_over = done - a
            prev = blend_so_far(clips, ss[:k])
            picture[:n_over] = prev[a:done]
            known[:n_over] = True
        out = run_window(picture, pad(mc.depth_rgb[a:b], native.frames), pad(mc.region[a:b], native.frames), known,
                         window_noise(mc, a, native.frames, native.temporal), clip.seed + 1009 * k)
        clips.append(np.asarray(out[:n], np.float32))
        done = b
        seconds.append(time.perf_counter() - tw)
        progress(0.05 + 0.85 * (k + 1) / len(ss), f"window {k + 1} of {len(ss)}")
    blended = control.from_model_rgb(win.blend_windows(clips, ss, weight=mc.region))  # ACEScg, model size
    at_rate = win.to_shot_rate(list(blended), mc.times, mc.motion, clip.count)  # in the model's pixels
    cover = mc.fit.to_shot(at_rate[0][..., :1])[1]
    acescg = np.stack([mc.fit.to_shot(f)[0] for f in at_rate])
    mask = np.clip(clip.region * cover[None], 0.0, 1.0).astype(np.float32)
    inside = mask[..., 0] > 0  # what the model's 0..1 range cannot hold, kept (only where it generates)
    acescg[inside] += control.clip_residual(clip.beauty[inside])
    facts: dict[str, Any] = {"native": {"width": native.width, "height": native.height, "frames": native.frames,
                                        "fps": native.fps}, "model_frames": M, "windows": [list(s) for s in ss],
                             "fit": settings.fit, "fit_box_shot_px": [round(v, 2) for v in mc.fit.box],
                             "warped_noise": mc.noise is not None, "noise_factor": settings.noise_factor,
                             "seconds_per_window": [round(s, 3) for s in seconds],
                             "seconds": round(time.perf_counter() - t0, 3)}
    progress(1.0, "done")
    return Generated(acescg, mask, facts)


def blend_so_far(clips: list[np.ndarray], ss: list[tuple[int, int]]) -> np.ndarray:
    return win.blend_windows(clips, ss)
