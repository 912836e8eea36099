"""What a video model is shown, built from plano's own passes: the picture in the model's colour space, the exact
depth as a control video (no depth estimator, so none of its flicker), and the mask in VACE's convention.

- Picture: ACEScg -> sRGB-encoded Rec.709 through OCIO (``plano.color.spaces``), clipped to 0..1; back the same
  way. What the clip loses (highlights over 1, colours outside Rec.709) is returned by :func:`from_model_rgb`'s
  ``residual`` so nothing of the render is lost where the model does not change it.
- Depth: inverse depth, near = white, far and sky = black, stretched once for the whole clip over the region
  the model generates (not per frame: a per-frame normalisation would pump), as the depth annotators VACE was
  trained with draw it; the dust (which has no depth of its own) laid over it as a soft grey by its opacity.
- Mask: 1 (white) = generate, 0 (black) = keep, a few pixels wider than the matte so the edge is regenerated too.
"""

from __future__ import annotations

import numpy as np

MODEL_SPACE = "sRGB Encoded Rec.709 (sRGB)"


def to_model_rgb(acescg: np.ndarray) -> np.ndarray:
    """(..., 3) ACEScg -> (..., 3) sRGB-encoded 0..1 (clipped)."""
    from plano.color.spaces import from_acescg

    flat = np.ascontiguousarray(acescg, np.float32).reshape(-1, 1, 3)
    return np.clip(from_acescg(flat, MODEL_SPACE), 0.0, 1.0).reshape(acescg.shape).astype(np.float32)


def from_model_rgb(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) sRGB-encoded 0..1 -> (..., 3) ACEScg."""
    from plano.color.spaces import to_acescg

    flat = np.ascontiguousarray(np.clip(rgb, 0.0, 1.0), np.float32).reshape(-1, 1, 3)
    return to_acescg(flat, MODEL_SPACE).reshape(rgb.shape).astype(np.float32)


LINEAR_SPACE = "Linear Rec.709 (sRGB)"
"""The model space without its encoding: a 3x3 matrix away from ACEScg, used to find what the encoding clips."""


def _to_linear_709() -> np.ndarray:
    """(3, 3) ACEScg -> linear Rec.709, read from OCIO by converting the three primaries."""
    from plano.color.spaces import from_acescg

    return np.asarray(from_acescg(np.eye(3, dtype=np.float32).reshape(3, 1, 3), LINEAR_SPACE), np.float32).reshape(3, 3)


def clip_residual(acescg: np.ndarray) -> np.ndarray:
    """What :func:`to_model_rgb` clips away, in ACEScg: ``acescg - from_model_rgb(to_model_rgb(acescg))``; found
    with one matrix product, so OCIO runs only on the values that leave the 0..1 range (few, in a render)."""
    flat = np.ascontiguousarray(acescg, np.float32).reshape(-1, 3)
    lin = flat @ _to_linear_709()
    out = np.zeros_like(flat)
    bad = np.flatnonzero(((lin < 0.0) | (lin > 1.0)).any(axis=1))
    if bad.size:
        x = flat[bad]
        out[bad] = x - from_model_rgb(to_model_rgb(x))
    return out.reshape(acescg.shape)


DUST_GREY = 0.3
"""The grey the dust is drawn with in the depth control (a soft surface in the middle distance)."""


def depth_control(depth: np.ndarray, where: np.ndarray | None = None, percentile: float = 1.0,
                  dust: np.ndarray | None = None) -> np.ndarray:
    """(F, H, W, 1) metres (0 = sky) -> (F, H, W, 3) 0..1 grey: inverse depth, stretched once for the whole clip
    between its ``percentile`` and ``100 - percentile`` inside ``where`` (F, H, W, 1: the region the model
    generates; default everywhere), so the generated element's own shape spans the greys and no frame pumps.
    ``dust`` (F, H, W, 1) opacity: the dust has no depth of its own (the depth pass is the geometry's), so it is
    laid over the geometry's grey as a soft surface of grey ``DUST_GREY`` by its opacity (over the sky too, which
    would otherwise say there is nothing there)."""
    d = np.asarray(depth, np.float32)
    valid = d > 0
    if not valid.any():
        return np.zeros(d.shape[:-1] + (3,), np.float32)
    inv = np.where(valid, 1.0 / np.maximum(d, 1e-3), 0.0)
    sel = valid if where is None else valid & (np.asarray(where) > 0.5)
    if not sel.any():
        sel = valid
    near = float(np.percentile(inv[sel], 100.0 - percentile))
    far = float(np.percentile(inv[sel], percentile))
    g = 0.05 + 0.95 * np.clip((inv - far) / max(near - far, 1e-9), 0.0, 1.0)  # the farthest stays above the sky
    g = np.where(valid, g, 0.0)
    if dust is not None:
        a = np.clip(np.asarray(dust, np.float32), 0.0, 1.0)
        g = g * (1.0 - a) + DUST_GREY * a
    return np.repeat(g, 3, axis=-1).astype(np.float32)


def grow(mask: np.ndarray, pixels: int) -> np.ndarray:
    """(..., H, W, 1) 0..1 mask grown by ``pixels`` (a dilation), its new edge softened by one pixel (the mask
    itself is kept whole)."""
    import cv2

    if pixels <= 0:
        return mask.astype(np.float32)
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * pixels + 1, 2 * pixels + 1))
    flat = mask.reshape((-1,) + mask.shape[-3:-1])
    out = np.stack([np.maximum(cv2.GaussianBlur(cv2.dilate(m.astype(np.float32), k), (3, 3), 0), m) for m in flat])
    return np.clip(out, 0.0, 1.0).reshape(mask.shape).astype(np.float32)


def vace_inputs(picture: np.ndarray, depth_rgb: np.ndarray, mask: np.ndarray, known: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """The VACE control video and mask, (F, H, W, 3) and (F, H, W, 1), 0..1.

    Where the mask is white the model sees the depth (what to generate); where it is black it sees the picture
    (what to keep). ``known`` (F,) bool marks frames already made (the previous window's overlap): their mask is
    all black and their picture is given as it is."""
    m = (np.asarray(mask, np.float32) > 0.5).astype(np.float32)
    if known is not None:
        m[np.asarray(known, bool)] = 0.0
    video = m * depth_rgb + (1.0 - m) * picture
    return video.astype(np.float32), m
