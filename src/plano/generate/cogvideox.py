"""``cogvideox``: CogVideoX (``CogVideoXPipeline``) or CogVideoX-Fun with a control video
(``CogVideoXFunControlPipeline``: plano's exact depth), started from flow-warped noise given as ``latents``, so
LoRAs trained on warped noise (Go-with-the-Flow's) work unchanged. 720x480, 49 frames at 8 fps (CogVideoX-5B).

CogVideoX has no inpainting mask: it makes the whole picture, and plano keeps the render outside the region
(the generated mask is the region).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from plano.core import Progress, no_progress
from plano.generate import diffusion
from plano.generate.base import Clip, Generated
from plano.generate.settings import GenerateSettings
from plano.generate.video import Native, generate_clip, native_for

NATIVE = Native(width=720, height=480, frames=49, fps=8.0, latent_channels=16)
DEFAULT_REPO = "THUDM/CogVideoX-5b"
PIPELINES = ("CogVideoXPipeline", "CogVideoXFunControlPipeline")
MAX_TEXT = 226


class CogVideoXGenerator:
    name = "cogvideox"

    def __init__(self, pipe: Any = None, model_facts: dict | None = None):
        self.pipe, self.model_facts = pipe, dict(model_facts or {})

    def load(self, settings: GenerateSettings, native: Native):
        if self.pipe is not None:
            if not self.model_facts:
                self.model_facts = diffusion.pipeline_fingerprint(self.pipe, settings.model)
            return self.pipe, ("cuda" if settings.device == "cuda" else "cpu"), self.model_facts
        tokens = (native.frames // 4 + 1) * (native.height // 16) * (native.width // 16)
        device = diffusion.pick_device(settings, diffusion.transformer_cpu_estimate(5e9, tokens, 42, 3072, settings.steps))
        diffusers = diffusion.diffusers_module()
        folder = diffusion.resolve_model(settings, DEFAULT_REPO)
        index = diffusion.check_pipeline(folder, PIPELINES)
        cls = getattr(diffusers, index["_class_name"])
        pipe = diffusion.load_pipeline(cls, folder, diffusion.pick_dtype(settings, device), PIPELINES)
        facts = {"model": settings.model or DEFAULT_REPO, **diffusion.weights_fingerprint(folder)}
        facts["memory"] = diffusion.apply_memory_options(pipe, settings, device)
        self.pipe, self.model_facts = pipe, facts
        return pipe, device, facts

    def generate(self, clip: Clip, settings: GenerateSettings, progress: Progress = no_progress) -> Generated:
        torch = diffusion.torch_module()
        native = native_for(NATIVE, settings)
        pipe, device, facts = self.load(settings, native)
        dtype = pipe.transformer.dtype
        short = pipe.tokenizer is None
        embeds = diffusion.prompt_embeds(pipe, clip.prompt, 16 if short else MAX_TEXT, device, dtype)
        negative = diffusion.prompt_embeds(pipe, settings.negative_prompt, 16 if short else MAX_TEXT, device, dtype)
        with_control = type(pipe).__name__ == "CogVideoXFunControlPipeline"

        def run_window(picture, depth_rgb, mask, known, noise, seed):
            from PIL import Image

            kw: dict[str, Any] = {}
            if embeds is not None:
                kw.update(prompt_embeds=embeds, negative_prompt_embeds=negative)
            else:
                kw.update(prompt=clip.prompt, negative_prompt=settings.negative_prompt or None)
            if noise is not None:  # (F_lat, C, h, w) is CogVideoX's own latent layout
                kw["latents"] = torch.from_numpy(np.ascontiguousarray(noise))[None].to(device, dtype)
            if with_control:
                arr = np.clip(np.rint(depth_rgb * 255), 0, 255).astype(np.uint8)
                kw["control_video"] = [Image.fromarray(a, "RGB") for a in arr]
            else:
                kw["num_frames"] = native.frames
            out = pipe(height=native.height, width=native.width, num_inference_steps=settings.steps,
                       guidance_scale=settings.guidance, generator=torch.Generator("cpu").manual_seed(int(seed)),
                       output_type="np", max_sequence_length=16 if short else MAX_TEXT, **kw)
            return np.asarray(out.frames[0], np.float32)

        got = generate_clip(clip, native, settings, run_window, progress)
        facts = {**facts, "engine": self.name, "pipeline": type(pipe).__name__, "steps": settings.steps,
                 "guidance": settings.guidance, "device": device, "dtype": str(dtype).replace("torch.", ""),
                 "control": "depth" if with_control else "none (text and warped noise)", **got.facts}
        return Generated(got.frames, got.mask, facts)
