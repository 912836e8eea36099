"""The ``none`` engine: the render itself, no trained model (the default: the label says no AI was used)."""

from __future__ import annotations

import numpy as np

from plano.core import Progress, no_progress
from plano.generate.base import Clip, Generated
from plano.generate.settings import GenerateSettings


class NoGenerator:
    name = "none"

    def generate(self, clip: Clip, settings: GenerateSettings, progress: Progress = no_progress) -> Generated:
        progress(1.0, "the render as it is")
        return Generated(clip.beauty, np.zeros(clip.beauty.shape[:3] + (1,), np.float32), {"engine": "none"})
