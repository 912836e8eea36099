"""Compositing operations: pure functions on scene-linear ACEScg float32 images, channel last.

Shapes: ``rgb`` (H, W, 3), ``alpha`` / ``depth`` (H, W, 1) or (H, W). Colour is premultiplied by its alpha
where the name says so (``fg_premult``). Nothing here reads files or knows about shots.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from plano.errors import PlanoError


def _a(alpha: np.ndarray) -> np.ndarray:
    a = np.asarray(alpha, np.float32)
    return a[..., None] if a.ndim == 2 else a


def _check(rgb: np.ndarray, name: str = "rgb") -> np.ndarray:
    arr = np.asarray(rgb, np.float32)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise PlanoError(f"{name} has shape {arr.shape}; expected (H, W, 3) scene-linear ACEScg")
    return arr


def premultiply(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Straight colour (H, W, 3) and alpha (H, W, 1) -> premultiplied colour."""
    return _check(rgb) * _a(alpha)


def unpremultiply(rgb_premult: np.ndarray, alpha: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Premultiplied colour -> straight colour; 0 where alpha is below ``eps``."""
    a = _a(alpha)
    return np.where(a > eps, _check(rgb_premult) / np.maximum(a, eps), 0.0).astype(np.float32)


def over(fg_premult: np.ndarray, fg_alpha: np.ndarray, bg: np.ndarray) -> np.ndarray:
    """Porter-Duff over: ``fg + (1 - alpha) * bg``, with ``fg`` premultiplied (H, W, 3), alpha (H, W, 1)."""
    fg, bg = _check(fg_premult, "foreground"), _check(bg, "background")
    if fg.shape != bg.shape:
        raise PlanoError(f"over: foreground is {fg.shape[1]}x{fg.shape[0]} but background is {bg.shape[1]}x{bg.shape[0]}; "
                         "expected layers of the same size")
    return fg + (1.0 - _a(fg_alpha)) * bg


def over_alpha(fg_alpha: np.ndarray, bg_alpha: np.ndarray) -> np.ndarray:
    """Alpha of ``fg over bg``: ``a + (1 - a) * b``."""
    a = _a(fg_alpha)
    return a + (1.0 - a) * _a(bg_alpha)


# ---------------------------------------------------------------- atmosphere and edges


def haze(fg_premult: np.ndarray, alpha: np.ndarray, depth_m: np.ndarray, per_m: float,
         haze_rgb: tuple[float, float, float]) -> np.ndarray:
    """Aerial perspective on premultiplied CG: ``fg * T + haze * (1 - T) * alpha`` with ``T = exp(-per_m * depth)``.
    Depth 0 (nothing drawn) gets no haze."""
    d = np.maximum(_a(depth_m), 0.0)
    t = np.exp(-float(per_m) * d)
    return (_check(fg_premult) * t + np.asarray(haze_rgb, np.float32) * (1.0 - t) * _a(alpha)).astype(np.float32)


def blur(img: np.ndarray, sigma_px: float) -> np.ndarray:
    """Gaussian blur of an (H, W, C) or (H, W) image (OpenCV, edges reflected)."""
    import cv2

    if sigma_px <= 0:
        return np.asarray(img, np.float32)
    arr = np.ascontiguousarray(img, np.float32)
    out = cv2.GaussianBlur(arr, (0, 0), float(sigma_px), borderType=cv2.BORDER_REFLECT)
    return out.reshape(arr.shape)


def light_wrap(fg_premult: np.ndarray, alpha: np.ndarray, bg: np.ndarray, amount: float, radius_px: float) -> np.ndarray:
    """The background's light bleeding over the CG's edges: blurred background times the part of the CG that is
    near an edge (``alpha * (1 - blurred alpha)``), added to the premultiplied CG."""
    if amount <= 0:
        return _check(fg_premult)
    a = _a(alpha)
    edge = a * (1.0 - blur(a, radius_px).reshape(a.shape))
    return (_check(fg_premult) + float(amount) * blur(_check(bg, "background"), radius_px) * edge).astype(np.float32)


def fill_holes(img: np.ndarray, holes: np.ndarray, sigmas: tuple[float, ...] = (3.0, 8.0)) -> np.ndarray:
    """(H, W, C): ``img`` with the pixels of small ``holes`` (H, W) bool filled from their surroundings (normalised
    convolution at growing scales up to ``sigmas[-1]`` pixels, computed at half resolution: the layers it fills are
    soft); the inside of a large hole stays as it was. Used for the dust that the render's own street furniture
    (signs, lamps, trees) hid, which a plate does not have."""
    import cv2

    h, w = img.shape[:2]
    if not holes.any():
        return img
    small = (max(1, w // 2), max(1, h // 2))
    valid = cv2.resize((~holes).astype(np.float32), small, interpolation=cv2.INTER_AREA)
    src = cv2.resize(np.ascontiguousarray(img, np.float32) * (~holes)[..., None], small, interpolation=cv2.INTER_AREA)
    src = src.reshape(small[1], small[0], -1)
    out = np.zeros_like(src)
    have = np.zeros(valid.shape, bool)
    for sg in sigmas:
        den = blur(valid, sg / 2.0)
        num = blur(src, sg / 2.0).reshape(src.shape)
        ok = (den > 0.05) & ~have
        out[ok] = num[ok] / den[ok, None]
        have |= ok
    filled = cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR).reshape(h, w, -1)
    reached = cv2.resize(have.astype(np.float32), (w, h), interpolation=cv2.INTER_NEAREST) > 0.5
    return np.where((holes & reached)[..., None], filled, img).astype(np.float32)


LUMINANCE = np.array([0.2722, 0.6741, 0.0537], np.float32)
"""ACEScg (AP1) luminance weights."""


def shadow_catcher(ground_rgb: np.ndarray, ground_mask: np.ndarray, material_id: np.ndarray,
                   blur_px: float = 1.5) -> np.ndarray:
    """(H, W, 1) 0..1: how much light the CG takes off the ground, from the render's own ground (the street it was
    rendered on): each ground pixel's luminance over the sunlit level of its material (the 75th percentile of that
    material's ground pixels in this frame), 1 off the ground. Multiplying a plate by it lays the CG's shadow,
    contact darkening and dust shadow on the plate's ground. ``ground_mask`` (H, W) bool, ``material_id`` (H, W, 1)."""
    lum = np.asarray(ground_rgb, np.float32) @ LUMINANCE
    m = np.asarray(ground_mask, bool)
    ratio = np.ones(lum.shape, np.float32)
    mids = np.rint(np.asarray(material_id)[..., 0]).astype(np.int64)
    for k in np.unique(mids[m][::7]):
        sel = m & (mids == k)
        vals = lum[sel]
        if vals.size < 32:
            continue
        ref = float(np.percentile(vals[:: max(1, vals.size // 20000)], 75))
        if ref > 1e-6:
            ratio[sel] = np.clip(vals / ref, 0.0, 1.0)
    return blur(ratio, blur_px).reshape(*lum.shape, 1) if blur_px > 0 else ratio[..., None]


# ---------------------------------------------------------------- grain


def estimate_noise(img: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Per-channel standard deviation of white noise in an (H, W, C) image (Immerkaer's method: a Laplacian-
    difference filter that cancels smooth image content, then the mean absolute response, which is robust to
    the few edges). ``mask`` (H, W) bool: only these pixels count. Returns (C,)."""
    import cv2

    arr = np.asarray(img, np.float32)
    if arr.ndim == 2:
        arr = arr[..., None]
    k = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    out = []
    for c in range(arr.shape[2]):
        r = cv2.filter2D(np.ascontiguousarray(arr[..., c]), -1, k, borderType=cv2.BORDER_REFLECT)[1:-1, 1:-1]
        a = np.abs(r)
        if mask is not None:
            m = np.asarray(mask, bool)[1:-1, 1:-1]
            a = a[m] if m.any() else a.ravel()
        # drop the strongest responses (edges, texture), then undo the trimming for a Gaussian
        flat = np.sort(a.ravel())
        keep = flat[: max(1, int(0.9 * flat.size))]
        # E|X| of a half-normal trimmed at its 90th percentile: sigma_r * 0.6280 (vs 0.7979 untrimmed)
        sigma_r = float(keep.mean()) / 0.6280 if keep.size else 0.0
        out.append(sigma_r / 6.0)  # the filter's noise gain: sqrt(sum k^2) = 6
    return np.asarray(out, np.float32)


def add_grain(rgb: np.ndarray, sigma: np.ndarray, seed: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Add Gaussian grain of per-channel ``sigma`` (C,) to an (H, W, 3) image where ``mask`` (H, W, 1) weights it."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(rgb.shape, dtype=np.float32) * np.asarray(sigma, np.float32)
    if mask is not None:
        noise *= _a(mask)
    return (np.asarray(rgb, np.float32) + noise).astype(np.float32)


ACESCCT_STEP = math.log(2.0) * 17.52
"""d(linear) / d(ACEScct) = linear * ln 2 * 17.52 on ACEScct's log segment (above linear 0.0078125)."""
ACESCCT_TOE = 0.0078125


def add_log_grain(acescg: np.ndarray, sigma_log: np.ndarray, seed: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Grain of ``sigma_log`` (3,) ACEScct code values added to scene-linear ACEScg (H, W, 3), without leaving
    linear light: on ACEScct's log segment a code-value step ``n`` is a factor ``1 + n * ln2 * 17.52`` (to first
    order), so the grain is multiplicative, as film grain is; below the toe it stays the size it has at the toe."""
    rgb = np.asarray(acescg, np.float32)
    rng = np.random.default_rng(seed)
    n = rng.standard_normal(rgb.shape, dtype=np.float32)
    n *= np.asarray(sigma_log, np.float32) * np.float32(ACESCCT_STEP)
    if mask is not None:
        n *= _a(mask)
    n *= np.maximum(rgb, ACESCCT_TOE)
    return rgb + n


# ---------------------------------------------------------------- colour match


@dataclass(frozen=True)
class ColorMatch:
    """Per-channel linear match of the CG to the plate: ``out = black + (x - cg_black) * gain``, then a soft
    shoulder at the plate's white. All (3,) ACEScg."""

    cg_black: np.ndarray
    black: np.ndarray
    gain: np.ndarray
    white: np.ndarray

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        x = np.maximum(np.asarray(rgb, np.float32) - self.cg_black, 0.0) * self.gain + self.black
        return soft_clip(x, self.white)

    def as_dict(self) -> dict[str, list[float]]:
        return {k: [round(float(v), 5) for v in getattr(self, k)] for k in ("cg_black", "black", "gain", "white")}


def soft_clip(x: np.ndarray, white: np.ndarray, knee: float = 0.8) -> np.ndarray:
    """Values up to ``knee * white`` unchanged; above it they roll off smoothly towards ``white`` (never past it)."""
    w = np.asarray(white, np.float32)
    k = knee * w
    over_k = np.maximum(x - k, 0.0)
    span = np.maximum(w - k, 1e-6)
    rolled = k + span * (1.0 - np.exp(-over_k / span))
    return np.where(x > k, rolled, x).astype(np.float32)


def color_match(cg: np.ndarray, cg_mask: np.ndarray, plate: np.ndarray, strength: float = 1.0) -> ColorMatch:
    """The match of the CG's blacks, mid-grey balance and whites to the plate's: blacks (0.5th percentile per
    channel) moved onto the plate's; the CG's mid-grey colour balance (median chroma) moved onto the plate's,
    its brightness kept; whites soft-clipped at the plate's 99.9th percentile. ``cg`` straight (unpremultiplied)
    (H, W, 3), ``cg_mask`` (H, W) bool: pixels fully covered by CG."""
    plate = _check(plate, "plate").reshape(-1, 3)
    m = np.asarray(cg_mask, bool).ravel()
    px = _check(cg, "cg").reshape(-1, 3)[m]
    if px.shape[0] < 16:
        one = np.ones(3, np.float32)
        return ColorMatch(np.zeros(3, np.float32), np.zeros(3, np.float32), one, np.full(3, 1e4, np.float32))
    p_black = np.percentile(plate, 0.5, axis=0)
    c_black = np.percentile(px, 0.5, axis=0)
    p_mid = np.median(plate, axis=0)
    c_mid = np.median(px, axis=0)
    lum = np.array([0.2722, 0.6741, 0.0537])  # AP1 luminance weights
    p_bal = p_mid / max(float(p_mid @ lum), 1e-6)
    c_bal = np.maximum(c_mid, 1e-6) / max(float(c_mid @ lum), 1e-6)
    balance = (p_bal / np.maximum(c_bal, 1e-6)) ** float(strength)
    black = c_black + (p_black - c_black) * float(strength)
    # the CG's mid-grey lands where it was (brightness kept), with the plate's balance
    target_mid = (c_mid * balance)
    gain = (target_mid - black) / np.maximum(c_mid - c_black, 1e-6)
    gain = np.clip(gain, 0.25, 4.0)
    white = np.maximum(np.percentile(plate, 99.9, axis=0), target_mid * 2.0)
    return ColorMatch(c_black.astype(np.float32), black.astype(np.float32), gain.astype(np.float32),
                      white.astype(np.float32))


# ---------------------------------------------------------------- lens


def _grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    r = math.hypot(cx, cy)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return (x - cx) / r, (y - cy) / r, cx, cy, r


def distortion_maps(h: int, w: int, k1: float, k2: float, iterations: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """cv2.remap maps that apply Brown-Conrady radial distortion ``x_d = x_u (1 + k1 r^2 + k2 r^4)`` (r normalised to
    the half-diagonal) to an undistorted image: for each distorted pixel, the undistorted point it shows."""
    xd, yd, cx, cy, r = _grid(h, w)
    xu, yu = xd.copy(), yd.copy()
    for _ in range(iterations):  # fixed point: x_u = x_d / (1 + k1 r_u^2 + k2 r_u^4)
        r2 = xu * xu + yu * yu
        f = 1.0 + k1 * r2 + k2 * r2 * r2
        xu, yu = xd / f, yd / f
    return (xu * r + cx).astype(np.float32), (yu * r + cy).astype(np.float32)


def remap(img: np.ndarray, map_x: np.ndarray, map_y: np.ndarray) -> np.ndarray:
    import cv2

    arr = np.ascontiguousarray(img, np.float32)
    out = cv2.remap(arr, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return out.reshape(arr.shape)


def distort(img: np.ndarray, k1: float, k2: float) -> np.ndarray:
    """Apply the plate lens's radial distortion to an (H, W, C) image (no-op when k1 = k2 = 0)."""
    if not k1 and not k2:
        return np.asarray(img, np.float32)
    h, w = img.shape[:2]
    mx, my = distortion_maps(h, w, k1, k2)
    return remap(img, mx, my)


def vignette_mask(h: int, w: int, amount: float) -> np.ndarray:
    """(H, W, 1) natural falloff ``cos^4`` shaped: 1 at the centre, ``1 - amount`` in the corners."""
    x, y, *_ = _grid(h, w)
    r2 = x * x + y * y
    v = 1.0 - float(amount) * (1.0 - 1.0 / (1.0 + r2) ** 2) / 0.75
    return np.clip(v, 0.0, 1.0)[..., None].astype(np.float32)


@functools.lru_cache(maxsize=8)
def _ca_maps(h: int, w: int, px: float) -> tuple:
    x, y, cx, cy, r = _grid(h, w)
    maps = []
    for sign in (-1.0, 1.0):
        s = 1.0 + sign * px / r
        maps.append(((x * s * r + cx).astype(np.float32), (y * s * r + cy).astype(np.float32)))
    return tuple(maps)


def chromatic_aberration(rgb: np.ndarray, px: float) -> np.ndarray:
    """Lateral chromatic aberration: red scaled out and blue scaled in by ``px`` pixels at the corners."""
    if px <= 0:
        return _check(rgb)
    h, w = rgb.shape[:2]
    out = _check(rgb).copy()
    for c, (mx, my) in zip((0, 2), _ca_maps(h, w, float(px))):
        out[..., c] = remap(np.ascontiguousarray(rgb[..., c]), mx, my)
    return out


def transform(img: np.ndarray, matrix: np.ndarray, border: str = "constant") -> np.ndarray:
    """Warp (H, W, C) by a 2x3 affine matrix (output pixel -> input pixel given as forward: cv2.warpAffine)."""
    import cv2

    arr = np.ascontiguousarray(img, np.float32)
    h, w = arr.shape[:2]
    mode = cv2.BORDER_REFLECT if border == "reflect" else cv2.BORDER_CONSTANT
    out = cv2.warpAffine(arr, np.asarray(matrix, np.float64), (w, h), flags=cv2.INTER_LINEAR, borderMode=mode)
    return out.reshape(arr.shape)


# ---------------------------------------------------------------- shake


def shake_envelope(energy_j: np.ndarray, fps: float, decay_s: float) -> np.ndarray:
    """(F,) 0..1: each frame's released energy (J) starts a jolt that grows with its square root (an amplitude)
    and dies away with ``decay_s``; normalised so the strongest moment is 1. No energy: all 0."""
    e = np.sqrt(np.maximum(np.asarray(energy_j, np.float64), 0.0))
    n = len(e)
    env = np.zeros(n)
    k = math.exp(-1.0 / (max(decay_s, 1e-3) * fps))
    acc = 0.0
    for i in range(n):
        acc = acc * k + e[i]
        env[i] = acc
    peak = env.max() if n else 0.0
    return env / peak if peak > 0 else env


def shake_offsets(envelope: np.ndarray, amplitude_px: float, hz: float, fps: float, seed: int) -> np.ndarray:
    """(F, 3): x, y pixel offsets and a roll in degrees per frame: smooth seeded noise near ``hz``, scaled by the
    envelope. The roll is a tenth of a degree at full amplitude of 10 px."""
    rng = np.random.default_rng(seed)
    n = len(envelope)
    t = np.arange(n) / fps
    out = np.zeros((n, 3))
    for c in range(3):
        for _ in range(3):
            f, ph, a = hz * rng.uniform(0.6, 1.4), rng.uniform(0, 2 * math.pi), rng.uniform(0.5, 1.0)
            out[:, c] += a * np.sin(2 * math.pi * f * t + ph)
    out /= np.maximum(np.abs(out).max(axis=0), 1e-9)
    out[:, :2] *= amplitude_px
    out[:, 2] *= amplitude_px * 0.01
    return out * np.asarray(envelope)[:, None]


def shake_matrix(h: int, w: int, dx: float, dy: float, roll_deg: float) -> np.ndarray:
    """2x3 affine: roll about the centre, then shift; scaled up just enough that no edge comes into view."""
    import cv2

    pad = 2.0 * max(abs(dx) / w, abs(dy) / h) + abs(math.radians(roll_deg)) * 1.2
    m = cv2.getRotationMatrix2D(((w - 1) / 2.0, (h - 1) / 2.0), roll_deg, 1.0 + pad)
    m[0, 2] += dx
    m[1, 2] += dy
    return m
