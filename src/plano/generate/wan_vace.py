"""``wan_vace``: Wan2.1-VACE (1.3B, 14B) and Wan2.2 VACE-Fun through diffusers' ``WanVACEPipeline``.

The model is shown plano's exact depth where it generates and the render where it keeps (VACE's mask: white =
generate), in windows of ``4 k + 1`` frames at Wan's 16 fps and 832x480, started from flow-warped noise. Wan2.2
VACE-Fun's second transformer (``transformer_2``, ``boundary_ratio``) comes with its weights: nothing to set.
VAE tiling is refused (Wan's VAE tiles flicker).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from plano.core import Progress, no_progress
from plano.generate import diffusion
from plano.generate.base import Clip, Generated
from plano.generate.settings import GenerateSettings
from plano.generate.video import Native, generate_clip, native_for

NATIVE = Native(width=832, height=480, frames=81, fps=16.0, latent_channels=16)
DEFAULT_REPO = "Wan-AI/Wan2.1-VACE-1.3B-diffusers"
PIPELINES = ("WanVACEPipeline",)
MAX_TEXT = 512


def _pil(frames: np.ndarray, mode: str) -> list:
    from PIL import Image

    arr = np.clip(np.rint(frames * 255.0), 0, 255).astype(np.uint8)
    if mode == "L":
        return [Image.fromarray(a[..., 0], "L") for a in arr]
    return [Image.fromarray(a, "RGB") for a in arr]


class WanVaceGenerator:
    name = "wan_vace"

    def __init__(self, pipe: Any = None, model_facts: dict | None = None):
        """``pipe``: a WanVACEPipeline already built (tests, benchmarks); otherwise loaded from ``settings.model``."""
        self.pipe, self.model_facts = pipe, dict(model_facts or {})

    def load(self, settings: GenerateSettings, native: Native):
        if self.pipe is not None:
            device = "cuda" if settings.device == "cuda" else "cpu"
            if not self.model_facts:
                self.model_facts = diffusion.pipeline_fingerprint(self.pipe, settings.model)
            return self.pipe, device, self.model_facts
        tokens = native.frames // 4 * (native.height // 16) * (native.width // 16)
        est = diffusion.transformer_cpu_estimate(1.3e9, tokens, 30, 1536, settings.steps)
        device = diffusion.pick_device(settings, est)
        diffusers = diffusion.diffusers_module()
        folder = diffusion.resolve_model(settings, DEFAULT_REPO)
        pipe = diffusion.load_pipeline(diffusers.WanVACEPipeline, folder, diffusion.pick_dtype(settings, device),
                                       PIPELINES)
        facts = {"model": settings.model or DEFAULT_REPO, **diffusion.weights_fingerprint(folder)}
        facts["memory"] = diffusion.apply_memory_options(pipe, settings, device, vae_tiling_ok=False)
        self.pipe, self.model_facts = pipe, facts
        return pipe, device, facts

    def generate(self, clip: Clip, settings: GenerateSettings, progress: Progress = no_progress) -> Generated:
        if settings.vae_tiling:
            diffusion.apply_memory_options(None, settings, "cpu", vae_tiling_ok=False)  # refused, with why
        torch = diffusion.torch_module()
        native = native_for(NATIVE, settings)
        pipe, device, facts = self.load(settings, native)
        dtype = pipe.transformer.dtype
        embeds = diffusion.prompt_embeds(pipe, clip.prompt, 16 if pipe.tokenizer is None else MAX_TEXT, device, dtype)
        negative = diffusion.prompt_embeds(pipe, settings.negative_prompt, 16 if pipe.tokenizer is None else MAX_TEXT,
                                           device, dtype)
        from plano.generate.control import vace_inputs

        def run_window(picture, depth_rgb, mask, known, noise, seed):
            video, m = vace_inputs(picture, depth_rgb, mask, known)
            kw: dict[str, Any] = {}
            if embeds is not None:
                kw.update(prompt_embeds=embeds, negative_prompt_embeds=negative)
            else:
                kw.update(prompt=clip.prompt, negative_prompt=settings.negative_prompt or None)
            if noise is not None:  # (F_lat, C, h, w) -> (1, C, F_lat, h, w)
                kw["latents"] = torch.from_numpy(np.ascontiguousarray(noise.transpose(1, 0, 2, 3)))[None].to(
                    device, torch.float32)
            out = pipe(video=_pil(video, "RGB"), mask=_pil(m, "L"), height=native.height, width=native.width,
                       num_frames=native.frames, num_inference_steps=settings.steps, guidance_scale=settings.guidance,
                       generator=torch.Generator("cpu").manual_seed(int(seed)), output_type="np",
                       max_sequence_length=16 if embeds is not None else MAX_TEXT, **kw)
            return np.asarray(out.frames[0], np.float32)

        got = generate_clip(clip, native, settings, run_window, progress)
        facts = {**facts, "engine": self.name, "pipeline": type(pipe).__name__, "steps": settings.steps,
                 "guidance": settings.guidance, "device": device, "dtype": str(dtype).replace("torch.", ""),
                 "text": "prompt embeddings from the text encoder" if embeds is not None else "prompt", **got.facts}
        return Generated(got.frames, got.mask, facts)
