"""Synthetic render passes for the deliver and shot tests: real multi-layer EXRs with every channel."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from plano.io.exr import write_channels


def synthetic_channels(frame_index: int, count: int, width: int, height: int) -> dict[str, np.ndarray]:
    """A grey ground, a sky gradient, a box that slides right and a dust cloud that grows: (H, W) arrays."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    t = frame_index / max(count - 1, 1)
    sky = y < height * 0.55
    r = np.where(sky, 0.35 - 0.2 * y / height, 0.12).astype(np.float32)
    g = np.where(sky, 0.45 - 0.2 * y / height, 0.12).astype(np.float32)
    b = np.where(sky, 0.65 - 0.2 * y / height, 0.11).astype(np.float32)
    x0 = (0.1 + 0.5 * t) * width
    box = (x > x0) & (x < x0 + width * 0.25) & (y > height * 0.2) & (y < height * 0.8)
    r[box], g[box], b[box] = 0.18, 0.18, 0.18
    depth = np.where(sky, 0.0, 20.0 + y).astype(np.float32)
    depth[box] = 50.0
    dust = np.clip(1.0 - np.hypot(x - width / 2, y - height * 0.7) / (5 + 0.4 * width * t), 0, 1).astype(np.float32)
    zeros = np.zeros((height, width), np.float32)
    return {
        "R": r, "G": g, "B": b, "A": np.where(sky, 0.0, 1.0).astype(np.float32),
        "depth.Z": depth,
        "N.X": zeros, "N.Y": zeros, "N.Z": np.ones_like(zeros),
        "id.object": box.astype(np.float32), "id.material": box.astype(np.float32) * 3,
        "motion.X": np.where(box, 0.5 * width / count, 0.0).astype(np.float32), "motion.Y": zeros,
        "dust.A": dust,
    }


def write_synthetic_passes(folder: Path, name: str, frames: range, width: int = 64, height: int = 36) -> list[Path]:
    paths = []
    for i, frame in enumerate(frames):
        paths.append(write_channels(Path(folder) / f"{name}.{frame:04d}.exr", synthetic_channels(i, len(frames), width, height)))
    return paths
