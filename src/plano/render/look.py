"""A quick display of a beauty pass for a person to look at (not the delivery transform, which is OCIO in
deliver): exposure, an ACES-like filmic curve, ACEScg -> linear sRGB primaries, the sRGB transfer function."""

from __future__ import annotations

from pathlib import Path

import numpy as np

# ACEScg (AP1, D60) -> linear sRGB / Rec.709 (D65), Bradford adapted
AP1_TO_REC709 = np.array([
    [1.70505, -0.62179, -0.08326],
    [-0.13026, 1.14080, -0.01055],
    [-0.02400, -0.12897, 1.15297],
], np.float32)


def filmic(x: np.ndarray) -> np.ndarray:
    """Narkowicz's ACES fit: scene-linear -> 0..1 display-linear."""
    a, b, c, d, e = 2.51, 0.03, 2.43, 0.59, 0.14
    return np.clip((x * (a * x + b)) / (x * (c * x + d) + e), 0.0, 1.0)


def srgb_oetf(x: np.ndarray) -> np.ndarray:
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.power(np.maximum(x, 0.0031308), 1 / 2.4) - 0.055)


def to_display(beauty_acescg: np.ndarray, exposure_ev: float = 0.0) -> np.ndarray:
    """(H, W, 3) scene-linear ACEScg -> (H, W, 3) uint8 sRGB."""
    rgb = np.maximum(beauty_acescg[..., :3], 0.0) * (2.0 ** exposure_ev) * 0.6
    rgb = np.clip(rgb @ AP1_TO_REC709.T, 0.0, None)
    return (srgb_oetf(filmic(rgb)) * 255.0 + 0.5).astype(np.uint8)


def save_png(beauty_acescg: np.ndarray, path: str | Path, exposure_ev: float = 0.0) -> Path:
    from PIL import Image

    from plano.core.atomic import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp:
        Image.fromarray(to_display(beauty_acescg, exposure_ev)).save(tmp, format="PNG")
    return path
