"""Real-ESRGAN (``plano generate --generate realesrgan``) on a crop of the reference shot: time per frame, and
temporal stability against plain resizing.

Stability: each upscaled frame ``t + 1`` is carried back to frame ``t`` with the render's exact motion vectors
(scaled to the new size) and compared with frame ``t``: the mean absolute difference (sRGB-encoded 0..1) over the
pixels whose motion is smooth (no occlusion edge). Lower is steadier; plain bicubic and Lanczos resizing of the
same frames are the yardstick (they add no detail, so they add no flicker of their own). Run by hand, after
rendering the reference shot at previs (`plano render "..." --quality previs --frames 1040-1063`):

    PYTHONPATH=src python benchmarks/generate_realesrgan.py RUN_FOLDER --out docs/generate
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import cv2
import numpy as np

from plano.generate import control
from plano.generate.base import Clip
from plano.generate.realesrgan import RealEsrganGenerator
from plano.generate.settings import GenerateSettings
from plano.io.exr import read_passes


def crop_of(passes, x0, y0, w, h):
    return {k: v[y0:y0 + h, x0:x0 + w] for k, v in passes.to_dict().items()}


def warp_error(frames: np.ndarray, motion: np.ndarray, scale: int) -> float:
    """Mean |frame t - frame t+1 carried back by the motion| over smooth-motion pixels (frames sRGB 0..1)."""
    errs = []
    for t in range(len(frames) - 1):
        m = cv2.resize(motion[t], (frames.shape[2], frames.shape[1]), interpolation=cv2.INTER_NEAREST) * scale
        h, w = m.shape[:2]
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        back = cv2.remap(frames[t + 1], x + m[..., 0], y + m[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        gx = np.abs(np.gradient(m[..., 0], axis=1)) + np.abs(np.gradient(m[..., 0], axis=0))
        gy = np.abs(np.gradient(m[..., 1], axis=1)) + np.abs(np.gradient(m[..., 1], axis=0))
        smooth = (gx + gy < 0.05 * scale) & (x + m[..., 0] > 2) & (x + m[..., 0] < w - 3) & \
            (y + m[..., 1] > 2) & (y + m[..., 1] < h - 3)
        errs.append(float(np.abs(back - frames[t])[smooth].mean()))
    return float(np.mean(errs))


def static_flicker(frames: np.ndarray, source: np.ndarray, scale: int) -> tuple[float, float]:
    """Flicker an upscaler adds: mean |frame t+1 - frame t| of the upscaled sequence over the pixels whose whole
    3x3 neighbourhood in the source did not change by a code value (1/255) from t to t+1; and that share of the
    pixels."""
    vals, share = [], []
    for t in range(len(frames) - 1):
        still = (np.abs(source[t + 1] - source[t]).max(axis=-1) < 1 / 255).astype(np.uint8)
        still = cv2.erode(still, np.ones((3, 3), np.uint8))
        big = cv2.resize(still, (frames.shape[2], frames.shape[1]), interpolation=cv2.INTER_NEAREST) > 0
        share.append(float(still.mean()))
        if big.any():
            vals.append(float(np.abs(frames[t + 1] - frames[t])[big].mean()))
    return float(np.mean(vals)) if vals else float("nan"), float(np.mean(share))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", type=Path)
    ap.add_argument("--crop", default="480,180,320,180", help="x0,y0,width,height in the previs frame")
    ap.add_argument("--frames", type=int, default=12)
    ap.add_argument("--out", type=Path, default=Path("docs/generate"))
    args = ap.parse_args()
    x0, y0, w, h = (int(v) for v in args.crop.split(","))
    paths = sorted((args.run / "passes").glob("*.exr"))[: args.frames]
    crops = [crop_of(read_passes(p), x0, y0, w, h) for p in paths]
    beauty = np.stack([c["beauty"] for c in crops])
    motion = np.stack([c["motion"] for c in crops])
    one = np.ones(beauty.shape[:3] + (1,), np.float32)
    args.out.mkdir(parents=True, exist_ok=True)
    results = {"run": str(args.run), "frames": [p.name for p in paths], "crop": [x0, y0, w, h]}
    enc = control.to_model_rgb(beauty)
    results["input_warp_error"] = warp_error(enc, motion, 1)
    results["static_share_of_pixels"] = static_flicker(enc, enc, 1)[1]
    outs = {}
    for name, interp in (("bicubic", cv2.INTER_CUBIC), ("lanczos", cv2.INTER_LANCZOS4)):
        up = np.stack([np.clip(cv2.resize(f, (4 * w, 4 * h), interpolation=interp), 0, 1) for f in enc])
        outs[name] = up
        results[name] = {"warp_error": warp_error(up, motion, 4), "static_flicker": static_flicker(up, enc, 4)[0]}
    for model in ("realesr-animevideov3", "realesrgan-x4plus"):
        gen = RealEsrganGenerator()
        s = GenerateSettings(engine="realesrgan", model=model, scale=4)
        t0 = time.perf_counter()
        got = [gen.generate(Clip(beauty[i:i + 1], one[i:i + 1], one[i:i + 1], motion[i:i + 1], one[i:i + 1], 24.0,
                                 "", 0), s).frames[0] for i in range(len(beauty))]
        dt = (time.perf_counter() - t0) / len(beauty)
        up = control.to_model_rgb(np.stack(got))
        outs[model] = up
        results[model] = {"warp_error": warp_error(up, motion, 4), "static_flicker": static_flicker(up, enc, 4)[0],
                          "seconds_per_crop_frame": round(dt, 3),
                          "seconds_per_input_megapixel": round(dt / (w * h / 1e6), 1),
                          "estimated_s_per_1280x720_frame": round(dt * 1280 * 720 / (w * h), 1),
                          "estimated_s_per_1920x1080_frame_to_8k": round(dt * 1920 * 1080 / (w * h), 1)}
    for k in ("realesr-animevideov3", "realesrgan-x4plus"):
        results[k]["warp_error_vs_bicubic"] = round(results[k]["warp_error"] / results["bicubic"]["warp_error"], 3)
    print(json.dumps(results, indent=2))
    (args.out / "realesrgan_results.json").write_text(json.dumps(results, indent=2) + "\n")
    # what to look at: one frame, bicubic | animevideov3 | x4plus; and a zoomed detail of each
    i = len(beauty) // 2
    row = np.concatenate([outs["bicubic"][i], outs["realesr-animevideov3"][i], outs["realesrgan-x4plus"][i]], axis=1)
    cv2.imwrite(str(args.out / "realesrgan_compare.png"), cv2.cvtColor((row * 255).round().astype(np.uint8),
                                                                        cv2.COLOR_RGB2BGR))
    dy, dx = 2 * h - 120, 2 * w - 160
    detail = np.concatenate([outs[k][i][dy:dy + 240, dx:dx + 320] for k in ("bicubic", "realesr-animevideov3",
                                                                             "realesrgan-x4plus")], axis=1)
    detail = cv2.resize(detail, (detail.shape[1] * 2, detail.shape[0] * 2), interpolation=cv2.INTER_NEAREST)
    cv2.imwrite(str(args.out / "realesrgan_detail.png"), cv2.cvtColor((detail * 255).round().astype(np.uint8),
                                                                       cv2.COLOR_RGB2BGR))
    for k in ("bicubic", "realesrgan-x4plus"):  # three consecutive frames of each, for flicker by eye
        strip = np.concatenate([outs[k][j] for j in (i - 1, i, i + 1)], axis=1)
        cv2.imwrite(str(args.out / f"realesrgan_frames_{k}.png"),
                    cv2.cvtColor((strip * 255).round().astype(np.uint8), cv2.COLOR_RGB2BGR))


if __name__ == "__main__":
    main()
