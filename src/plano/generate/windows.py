"""Long shots for short models: overlapping windows, the model's frame rate against the shot's, and fitting the
shot's picture to the model's native size.

- Windows: a model makes ``length`` frames at a time (81 for Wan, 49 for CogVideoX, both ``4 k + 1``); a longer
  shot is cut into windows that overlap by ``overlap`` frames. A window after the first is given the frames the
  previous one made in the overlap as known frames (VACE: mask black there), its colour is matched to the
  previous window on the overlap (per-channel mean and spread: no colour step), and the two are cross-faded
  over the overlap (no seam).
- Frame rates: the model's frames sit at times ``m / model_fps``, the shot's at ``n / shot_fps``: a model frame
  falls between two shot frames. Images are carried between them with the render's motion vectors
  (:func:`flow_between`: the shot's per-frame motion integrated over the fraction of a frame), never by dropping
  or repeating frames.
- Size: :class:`Fit` maps the shot's picture to the model's native size (``crop``: scale to cover and centre-crop,
  the rest kept from the render; ``stretch``: scale each axis) and back.

Arrays: images (H, W, C) float32; motion (H, W, 2) pixels to the next frame, +X right, +Y down.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from plano.errors import PlanoError

FIT_MODES = ("crop", "stretch")


# ---------------------------------------------------------------- windows


def windows(count: int, length: int, overlap: int) -> list[tuple[int, int]]:
    """``[(start, stop)]`` frame ranges (stop exclusive) of ``count`` frames in windows of at most ``length``,
    overlapping by ``overlap``; every window but a short shot's one has exactly ``length`` frames (the last is
    moved back to end at the shot's end)."""
    if length < 1 or not 0 <= overlap < length:
        raise PlanoError(f"windows of {length} frames overlapping by {overlap}: the overlap must be at least 0 and "
                         "smaller than the window")
    if count <= length:
        return [(0, count)]
    step = length - overlap
    out, start = [], 0
    while start + length < count:
        out.append((start, start + length))
        start += step
    out.append((count - length, count))
    return out


def frames_4k1(count: int) -> int:
    """The smallest ``4 k + 1`` frame count of at least ``count`` (what Wan and CogVideoX's VAEs take)."""
    return 4 * math.ceil(max(count - 1, 0) / 4) + 1


def blend_windows(clips: Sequence[np.ndarray], spans: Sequence[tuple[int, int]], weight: np.ndarray | None = None
                  ) -> np.ndarray:
    """One clip (count, H, W, C) from overlapping window clips (each (stop - start, H, W, C)): each window's colour
    matched to what came before it over their overlap, then a linear cross-fade over the overlap."""
    count = spans[-1][1]
    out = np.zeros((count,) + clips[0].shape[1:], np.float32)
    done = 0
    for clip, (a, b) in zip(clips, spans):
        clip = np.asarray(clip, np.float32)
        n_over = max(0, done - a)
        if n_over:
            wgt = None if weight is None else weight[a:done]
            clip = _matched(clip, out[a:done], n_over, wgt)
            ramp = ((np.arange(n_over, dtype=np.float32) + 1) / (n_over + 1)).reshape(-1, 1, 1, 1)
            out[a:done] = (1 - ramp) * out[a:done] + ramp * clip[:n_over]
        out[done:b] = clip[n_over:]
        done = b
    return out


def _matched(clip: np.ndarray, previous: np.ndarray, n_over: int, weight: np.ndarray | None) -> np.ndarray:
    """``clip`` with a per-channel gain and offset that bring its first ``n_over`` frames onto ``previous``."""
    w = np.ones(previous.shape[:-1] + (1,), np.float32) if weight is None else weight.astype(np.float32)
    total = max(float(w.sum()), 1e-6)
    head = clip[:n_over]
    mh = (head * w).sum(axis=(0, 1, 2)) / total
    mp = (previous * w).sum(axis=(0, 1, 2)) / total
    sh = np.sqrt(((head - mh) ** 2 * w).sum(axis=(0, 1, 2)) / total) + 1e-6
    sp = np.sqrt(((previous - mp) ** 2 * w).sum(axis=(0, 1, 2)) / total) + 1e-6
    return ((clip - mh) * (sp / sh) + mp).astype(np.float32)


# ---------------------------------------------------------------- frame rates


def model_times(shot_count: int, shot_fps: float, model_fps: float) -> np.ndarray:
    """Where the model's frames fall in the shot, in shot frames (0 = the first): ``m * shot_fps / model_fps`` for
    every model frame inside the shot."""
    if shot_fps <= 0 or model_fps <= 0:
        raise PlanoError(f"frame rates must be positive; got shot {shot_fps} fps, model {model_fps} fps")
    step = shot_fps / model_fps
    n = int(math.floor((shot_count - 1) / step + 1e-9)) + 1
    return np.arange(n, dtype=np.float64) * step


def _sample(field: np.ndarray, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.remap(np.ascontiguousarray(field, np.float32), px.astype(np.float32), py.astype(np.float32),
                     cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE).reshape(px.shape + (-1,))


def flow_between(motion: Sequence[np.ndarray], t0: float, t1: float) -> np.ndarray:
    """(H, W, 2) pixels each pixel of the picture at shot time ``t0`` moves by up to time ``t1`` (``t1 >= t0``, in
    shot frames), the per-frame motion passes ``motion[n]`` (frame n to n + 1) followed along the way, with the
    motion taken as steady within a frame."""
    if t1 < t0:
        raise PlanoError(f"flow_between goes forward in time; got {t0} -> {t1}")
    h, w = motion[0].shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    px, py = x.copy(), y.copy()
    t = t0
    while t < t1 - 1e-9:
        n = min(int(math.floor(t + 1e-9)), len(motion) - 1)
        seg = min(n + 1.0, t1) - t
        v = _sample(motion[n], px, py)
        px += seg * v[..., 0]
        py += seg * v[..., 1]
        t += seg
    return np.stack([px - x, py - y], axis=-1).astype(np.float32)


def carry(image: np.ndarray, motion: Sequence[np.ndarray], t_from: float, t_to: float) -> np.ndarray:
    """The picture at shot time ``t_from`` carried to ``t_to`` by the motion (backward lookup: each pixel at
    ``t_to`` takes the pixel its motion came from; the motion at the pixel stands in for the motion of its
    source, the usual first-order step). Works both ways in time."""
    h, w = image.shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    if t_to >= t_from:
        f = flow_between(motion, t_from, t_to)
        return _sample(image, x - f[..., 0], y - f[..., 1]).reshape(image.shape)
    f = flow_between(motion, t_to, t_from)
    return _sample(image, x + f[..., 0], y + f[..., 1]).reshape(image.shape)


def to_model_rate(images: Sequence[np.ndarray], motion: Sequence[np.ndarray], times: np.ndarray) -> list[np.ndarray]:
    """Shot pictures at the model's times: each from its nearer shot frame, carried by the motion."""
    out = []
    for t in times:
        n = int(round(t))
        n = min(max(n, 0), len(images) - 1)
        out.append(images[n] if abs(t - n) < 1e-6 else carry(images[n], motion, n, float(t)))
    return out


def to_shot_rate(model_images: Sequence[np.ndarray], times: np.ndarray, motion: Sequence[np.ndarray],
                 shot_count: int) -> list[np.ndarray]:
    """Model pictures (at shot times ``times``) back at every shot frame: the two model frames around it carried to
    it by the motion and blended by nearness."""
    out = []
    for n in range(shot_count):
        j = int(np.searchsorted(times, n + 1e-9, side="right")) - 1
        j = min(max(j, 0), len(times) - 1)
        if abs(times[j] - n) < 1e-6 or j + 1 >= len(times):
            out.append(model_images[j] if abs(times[j] - n) < 1e-6 else carry(model_images[j], motion, times[j], n))
            continue
        a, b = times[j], times[j + 1]
        u = (n - a) / (b - a)
        before = carry(model_images[j], motion, a, n)
        after = carry(model_images[j + 1], motion, b, n)
        out.append(((1 - u) * before + u * after).astype(np.float32))
    return out


# ---------------------------------------------------------------- size


@dataclass(frozen=True)
class Fit:
    """The shot's picture (``shot_w`` x ``shot_h``) at the model's native size (``model_w`` x ``model_h``) and back.

    ``crop``: scaled to cover the model frame and centre-cropped (the part outside stays the render's);
    ``stretch``: each axis scaled to fit."""

    shot_w: int
    shot_h: int
    model_w: int
    model_h: int
    mode: str = "crop"

    def __post_init__(self) -> None:
        if self.mode not in FIT_MODES:
            raise PlanoError(f"fit {self.mode!r} is not known; expected one of {', '.join(FIT_MODES)}")

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(x0, y0, width, height) of the region of the shot the model sees, in shot pixels."""
        if self.mode == "stretch":
            return 0.0, 0.0, float(self.shot_w), float(self.shot_h)
        s = max(self.model_w / self.shot_w, self.model_h / self.shot_h)
        bw, bh = self.model_w / s, self.model_h / s
        return (self.shot_w - bw) / 2, (self.shot_h - bh) / 2, bw, bh

    def to_model(self, image: np.ndarray, nearest: bool = False) -> np.ndarray:
        """(shot_h, shot_w, C) -> (model_h, model_w, C)."""
        import cv2

        x0, y0, bw, bh = self.box
        sx, sy = bw / self.model_w, bh / self.model_h
        mx = (np.arange(self.model_w, dtype=np.float32) + 0.5) * sx + x0 - 0.5
        my = (np.arange(self.model_h, dtype=np.float32) + 0.5) * sy + y0 - 0.5
        gx, gy = np.meshgrid(mx, my)
        src = np.ascontiguousarray(image, np.float32)
        if not nearest and (sx > 1.5 or sy > 1.5):  # shrinking a lot: average first so nothing aliases
            src = cv2.resize(src, (max(1, round(self.shot_w / sx)), max(1, round(self.shot_h / sy))),
                             interpolation=cv2.INTER_AREA).reshape(
                max(1, round(self.shot_h / sy)), max(1, round(self.shot_w / sx)), -1)
            gx = gx * src.shape[1] / self.shot_w
            gy = gy * src.shape[0] / self.shot_h
        out = cv2.remap(src, gx, gy, cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR,
                        borderMode=cv2.BORDER_REPLICATE)
        return out.reshape(self.model_h, self.model_w, -1)

    def motion_to_model(self, motion: np.ndarray) -> np.ndarray:
        """A motion pass (shot_h, shot_w, 2) in shot pixels -> (model_h, model_w, 2) in model pixels."""
        _, _, bw, bh = self.box
        return self.to_model(motion) * np.array([self.model_w / bw, self.model_h / bh], np.float32)

    def to_shot(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(model_h, model_w, C) -> ((shot_h, shot_w, C), (shot_h, shot_w, 1) coverage: 1 inside the model's box)."""
        import cv2

        x0, y0, bw, bh = self.box
        sx, sy = self.model_w / bw, self.model_h / bh
        px = (np.arange(self.shot_w, dtype=np.float32) + 0.5 - x0) * sx - 0.5
        py = (np.arange(self.shot_h, dtype=np.float32) + 0.5 - y0) * sy - 0.5
        gx, gy = np.meshgrid(px, py)
        out = cv2.remap(np.ascontiguousarray(image, np.float32), gx, gy, cv2.INTER_LINEAR,
                        borderMode=cv2.BORDER_REPLICATE).reshape(self.shot_h, self.shot_w, -1)
        inside = ((gx >= -0.5) & (gx <= self.model_w - 0.5) & (gy >= -0.5) & (gy <= self.model_h - 0.5))
        return out, inside[..., None].astype(np.float32)
