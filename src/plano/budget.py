"""What a shot will cost before anything runs: frames x pixels, machine time, disk and memory, against this
machine's means.

The rates are this project's measurements on a 2-core CPU with llvmpipe (benchmarks/RESULTS.md): the reference
sim ~0.75 s and ~13 MB of cache a frame with its effects, a previs render ~0.65 s a frame at 1280x720 (about
0.7 s per million samples, supersampling included), a multi-layer EXR ~10 bytes a pixel. They are rough on
purpose: the estimate is there to catch a shot that is 100x too big (240 fps for 600 s at 8K), not to plan a
schedule. A shot over a limit is refused with the estimate unless the run confirms it (``--confirm-cost``).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plano.errors import PlanoError

SIM_S_PER_FRAME = 0.75
SIM_BYTES_PER_FRAME = 13e6
RENDER_S_PER_MSAMPLE = 0.7
EXR_BYTES_PER_PIXEL = 10.0
RENDER_BYTES_PER_SAMPLE = 160.0
"""Renderer buffers per internal sample: G-buffer, dust, compose, readback (float32, several layers)."""
MAX_HOURS = 12.0
"""An overnight run: a shot estimated above this asks for confirmation."""


class CostTooHigh(PlanoError):
    """A shot far above this machine's means, refused until the run confirms it."""


@dataclass(frozen=True)
class Estimate:
    frames: int
    width: int
    height: int
    supersample: int
    seconds: float
    disk_bytes: float
    frame_memory_bytes: float

    @property
    def megapixels(self) -> float:
        return self.width * self.height / 1e6

    def describe(self) -> str:
        return (f"{self.frames:,} frames of {self.width}x{self.height}"
                + (f" ({self.supersample}x{self.supersample} samples a pixel)" if self.supersample > 1 else "")
                + f": about {_duration(self.seconds)} of machine time, {_bytes(self.disk_bytes)} on disk and "
                  f"{_bytes(self.frame_memory_bytes)} of memory a frame")


def _duration(s: float) -> str:
    if s < 120:
        return f"{s:.0f} s"
    if s < 3 * 3600:
        return f"{s / 60:.0f} min"
    if s < 3 * 86400:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} days"


def _bytes(b: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if b >= size:
            return f"{b / size:.1f} {unit}"
    return f"{b / 1e3:.0f} kB"


def picture(spec: Any, quality: str) -> tuple[int, int, int]:
    """(width, height, supersample) the renderer works at for ``quality`` (plano.render.quality's tiers)."""
    w, h = int(spec.format.width), int(spec.format.height)
    if quality in ("draft", "previs"):
        lines = 360 if quality == "draft" else 720
        return max(2, round(lines * w / h / 2) * 2), lines, 1
    return w, h, 2 if w * h <= 3840 * 2160 else 1


def estimate(spec: Any, quality: str = "previs") -> Estimate:
    """The cost of rendering ``spec`` at ``quality`` from scratch. Pure arithmetic: nothing is allocated."""
    frames = int(spec.format.frame_count)
    w, h, ss = picture(spec, quality)
    samples = w * h * ss * ss
    sim_frames = frames if spec.action.kind != "none" or spec.effects else 0
    speed = float(spec.format.speed) or 1.0
    seconds = sim_frames * SIM_S_PER_FRAME / speed + frames * RENDER_S_PER_MSAMPLE * samples / 1e6
    disk = sim_frames * SIM_BYTES_PER_FRAME * (1 if spec.effects else 0.1) + frames * w * h * EXR_BYTES_PER_PIXEL
    return Estimate(frames, w, h, ss, seconds, disk, samples * RENDER_BYTES_PER_SAMPLE)


def machine_memory_bytes() -> float:
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return float("inf")


def free_disk_bytes(folder: str | Path) -> float:
    p = Path(folder).resolve()
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        return float(shutil.disk_usage(p).free)
    except OSError:
        return float("inf")


def over_limits(est: Estimate, shots_dir: str | Path, max_hours: float = MAX_HOURS) -> list[str]:
    """Why ``est`` is far above this machine's means (empty when it is not)."""
    why = []
    if est.seconds > max_hours * 3600:
        why.append(f"more than {max_hours:g} h of machine time")
    free = free_disk_bytes(shots_dir)
    if est.disk_bytes > free:
        why.append(f"more disk than the {_bytes(free)} free in {shots_dir}")
    memory = machine_memory_bytes()
    if est.frame_memory_bytes > memory / 2:
        why.append(f"more than half of this machine's {_bytes(memory)} of memory for one frame")
    return why


def check_cost(spec: Any, quality: str, shots_dir: str | Path, confirmed: bool = False) -> Estimate:
    """The estimate; a :class:`CostTooHigh` with it when the shot is over a limit and not ``confirmed``."""
    est = estimate(spec, quality)
    why = over_limits(est, shots_dir)
    if why and not confirmed:
        raise CostTooHigh(
            f"this shot is {est.describe()}: {'; '.join(why)}. Make it smaller (fewer seconds or frames a second, "
            "a smaller picture, --quality previs), or run it anyway with --confirm-cost"
        )
    return est
