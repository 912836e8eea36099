"""The ``Generator`` interface: passes, the spec's prompt, a seed and a strength in; frames plus a mask of which
pixels are generated out. Each engine module (``none``, ``wan_vace``, ``cogvideox``, ``realesrgan``) has one.

Arrays: (F, H, W, C) float32, frames in shot order; colour scene-linear ACEScg; motion in pixels to the next frame
(+X right, +Y down); mask 0..1 (1 = generated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from plano.core import Progress, no_progress
from plano.generate.settings import GenerateSettings


@dataclass(frozen=True)
class Clip:
    """What an engine is given: the shot's render passes as clips (F, H, W, C) and what to make of them."""

    beauty: np.ndarray
    alpha: np.ndarray
    depth: np.ndarray
    motion: np.ndarray
    region: np.ndarray
    """(F, H, W, 1) where the engine may generate (1), from the sim's matte or the whole frame."""
    fps: float
    prompt: str
    seed: int
    dust: np.ndarray | None = None
    """(F, H, W, 1) dust opacity, when the render has it."""

    @property
    def count(self) -> int:
        return int(self.beauty.shape[0])

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)."""
        return int(self.beauty.shape[2]), int(self.beauty.shape[1])


@dataclass(frozen=True)
class Generated:
    """What an engine gives back: ``frames`` (F, H', W', 3) ACEScg (H', W' may be larger: super-resolution) and
    ``mask`` (F, H', W', 1), 1 where a trained model made the pixel; ``facts``: model id, revision or file hash,
    steps, seconds ... for provenance."""

    frames: np.ndarray
    mask: np.ndarray
    facts: dict[str, Any] = field(default_factory=dict)


class Generator(Protocol):
    name: str

    def generate(self, clip: Clip, settings: GenerateSettings, progress: Progress = no_progress) -> Generated: ...
