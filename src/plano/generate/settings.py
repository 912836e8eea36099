"""How to generate: the engine, the model's weights on disk, and the knobs a user sets (saved in the node's key).

Frozen pydantic, unknown keys refused: a misspelt option is an error, not a silent default."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Region = Literal["hero", "frame"]
DType = Literal["auto", "bf16", "fp16", "fp32"]
Offload = Literal["none", "model", "group"]
Device = Literal["auto", "cpu", "cuda"]


class GenerateSettings(BaseModel):
    """``engine``: ``none`` (the render itself), ``wan_vace``, ``cogvideox``, ``realesrgan``; ``model``: a local
    folder with the weights (diffusers layout, ``model_index.json``) or a Hugging Face repo id already in the
    user's cache (fetched only with ``allow_download``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: str = "none"
    model: str | None = None
    revision: str | None = None
    allow_download: bool = False
    strength: float = Field(default=1.0, ge=0.0, le=1.0)
    """How much of the generated picture replaces the render inside the mask (0: none, 1: all of it)."""
    region: Region = "hero"
    """What is regenerated: ``hero`` (the collapsing building, its debris and dust: the sim's matte) or ``frame``."""
    steps: int = Field(default=30, ge=1, le=500)
    guidance: float = Field(default=5.0, ge=0.0, le=50.0)
    negative_prompt: str = ""
    fit: Literal["crop", "stretch"] = "crop"
    overlap: int = Field(default=8, ge=0, le=64)
    """Frames shared by two windows of a long shot (rounded to the model's 4-frame step)."""
    noise_factor: int = Field(default=4, ge=1, le=16)
    """Flow-warped noise is warped on a grid this many times finer than the latent."""
    warped_noise: bool = True
    dtype: DType = "auto"
    offload: Offload = "none"
    vae_tiling: bool = False
    compile: bool = False
    device: Device = "auto"
    allow_cpu: bool = False
    """Run a diffusion engine on the CPU anyway (hours per window at full size: for tiny test models)."""
    scale: int = Field(default=0, ge=0, le=4)
    """realesrgan: 2 or 4 (0: the factor that reaches the spec's delivery width)."""
    width: int | None = Field(default=None, ge=16, le=4096)
    height: int | None = Field(default=None, ge=16, le=4096)
    num_frames: int | None = Field(default=None, ge=1, le=257)
    """Override the model's native size and window length (tiny test models); default: the engine's own."""


SETTINGS_FILE = "generate.yaml"
"""In a run folder, next to spec.yaml: the generate settings the version was last made with (edit and re-run)."""


def load_settings(path) -> GenerateSettings | None:
    """The settings saved in ``path`` (None when there is no such file); a damaged or wrong file is a PlanoError."""
    from pathlib import Path

    import yaml
    from pydantic import ValidationError

    from plano.errors import PlanoError

    p = Path(path)
    if not p.exists():
        return None
    if not p.is_file():
        raise PlanoError(f"{p} is not a file; it should hold the generate settings (YAML); remove it or rename it")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        return GenerateSettings.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError, TypeError) as err:
        first = str(err).splitlines()
        raise PlanoError(f"{p} is not valid generate settings: {' '.join(first[:3])[:400]}; fix it or remove it "
                         "(the default is the engine none)") from None


def save_settings(settings: GenerateSettings, path) -> None:
    import yaml

    from plano.core.atomic import atomic_write_text

    atomic_write_text(path, "# plano generate settings for this version (edit and re-run)\n"
                      + yaml.safe_dump(settings.model_dump(mode="json"), sort_keys=False))
