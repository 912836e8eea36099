"""Speed of plano's flow-warped noise (plano.generate.noise_warp) at the sizes the video models need.

Wan2.1 (832x480, 81 frames -> 21 latent frames of 104x60, 16 channels) and CogVideoX-5B (720x480, 49 frames ->
13 latent frames of 90x60, 16 channels); the motion is a zoom with a pan at the model's picture size, warped
through every frame (the latent keeps every 4th). Run by hand:

    PYTHONPATH=src python benchmarks/generate_noise_speed.py
"""

from __future__ import annotations

import os
import platform
import time

import numpy as np

from plano.generate.noise_warp import warped_noise

SIZES = {"Wan2.1 480p": (81, 480, 832), "CogVideoX-5B": (49, 480, 720)}


def motion(h: int, w: int) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return np.stack([(x - w / 2) * 0.01 + 2.5, (y - h / 2) * 0.01 + 0.7], axis=-1).astype(np.float32)


def main() -> None:
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    for name, (frames, h, w) in SIZES.items():
        flows = [motion(h, w)] * (frames - 1)
        for factor in (2, 4, 8):
            t0 = time.perf_counter()
            out = warped_noise(flows, 16, (h // 8, w // 8), seed=0, factor=factor, temporal_stride=4)
            dt = time.perf_counter() - t0
            print(f"{name:13s} factor {factor}: {out.shape} in {dt:6.2f} s ({1000 * dt / frames:6.1f} ms a frame); "
                  f"mean {out.mean():+.4f}, var {out.var():.4f}")


if __name__ == "__main__":
    main()
