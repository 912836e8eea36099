"""``generate_shot``: the render's passes through a generate engine, written as passes again in ``generate/``.

- ``none``: nothing is copied; the result names the render's own pass files and says no AI was used.
- a video model (``wan_vace``, ``cogvideox``): the whole shot as one clip (windows inside the engine); inside the
  region (the sim's matte of the hero, its debris and dust, grown a little; or the whole frame) the generated
  picture replaces the render by ``strength``; outside it, and in every other pass, the render is kept: the
  sim's alpha stays the matte of the generated element.
- ``realesrgan``: frame by frame, every pass brought to the upscaled size (beauty by the model; colour-like passes
  by linear resize, ids by nearest, motion vectors resized and scaled).

Each written EXR holds every render layer plus ``generated.A`` (0..1: how much of the pixel a trained model
made). ``generate/info.json`` records the engine, model, revision or file hash, seed, prompt, strength and the
share of pixels generated; it is what comp, the label and the C2PA digital source type are made from.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from plano.core import Progress, no_progress
from plano.core.atomic import atomic_write_text
from plano.errors import PlanoError
from plano.generate.base import Clip
from plano.generate.settings import GenerateSettings
from plano.io.exr import read_passes, write_channels
from plano.schema.naming import frame_file
from plano.schema.passes import Passes

GENERATED_CHANNEL = "generated.A"
"""The EXR channel of generate's frames that says how much of each pixel a trained model made (0..1)."""
GROW_PX = 4
"""The region is grown by this many pixels (at 1280 wide) so the matte's edge is regenerated too."""


@dataclass(frozen=True)
class GenerateResult:
    """What generate gives comp: the pass files to composite (the render's own with ``none``) and what was done."""

    passes: tuple[Path, ...]
    info: dict[str, Any]

    @property
    def ai_used(self) -> bool:
        return bool(self.info.get("ai_used"))


def hero_ids(scene) -> np.ndarray:
    """(len(parts) + 2,) bool: object ids of the hero building's parts, and (last entry) every id above the parts
    (its chunks' particles)."""
    lut = np.zeros(len(scene.parts) + 2, bool)
    for i, p in enumerate(scene.parts):
        lut[i + 1] = p.building == "hero"
    lut[-1] = True
    return lut


def region_of(passes: Passes, lut: np.ndarray | None, region: str) -> np.ndarray:
    """(H, W, 1) where to generate: the whole frame, or the hero's matte (alpha on hero ids) with its dust."""
    from plano.generate.control import grow

    h, w = passes.height, passes.width
    if region == "frame":
        return np.ones((h, w, 1), np.float32)
    a = passes.alpha if passes.alpha is not None else np.ones((h, w, 1), np.float32)
    if passes.object_id is not None and lut is not None:
        oid = np.clip(np.rint(passes.object_id[..., 0]).astype(np.int64), 0, len(lut) - 1)
        a = a * lut[oid][..., None]
    if passes.dust is not None:
        a = np.maximum(a, passes.dust)
    return grow(np.clip(a, 0.0, 1.0), max(1, round(GROW_PX * w / 1280)))


def read_clip(paths: Sequence[Path], lut, settings: GenerateSettings, fps: float, prompt: str, seed: int) -> Clip:
    """Every frame's beauty, alpha, depth, motion and region as (F, H, W, C) clips."""
    frames = [read_passes(p) for p in paths]
    h, w = frames[0].height, frames[0].width
    for p, f in zip(paths, frames):
        if f.size != (w, h):
            raise PlanoError(f"render pass {str(p)!r} is {f.width}x{f.height}, the first frame is {w}x{h}; re-render "
                             "with `plano shot --force render`")
    one = np.ones((h, w, 1), np.float32)
    zero2 = np.zeros((h, w, 2), np.float32)
    beauty = np.stack([f.beauty for f in frames])
    alpha = np.stack([f.alpha if f.alpha is not None else one for f in frames])
    depth = np.stack([f.depth if f.depth is not None else one * 0 for f in frames])
    motion = np.stack([f.motion if f.motion is not None else zero2 for f in frames])
    region = np.stack([region_of(f, lut, settings.region) for f in frames])
    dust = np.stack([f.dust for f in frames]) if all(f.dust is not None for f in frames) else None
    return Clip(beauty, alpha, depth, motion, region, fps, prompt, seed, dust)


def _resized(passes: Passes, w: int, h: int) -> dict[str, np.ndarray]:
    """Every layer of ``passes`` at ``w`` x ``h``: ids by nearest, motion scaled with the size, the rest linear."""
    import cv2

    out = {}
    sx, sy = w / passes.width, h / passes.height
    for name, arr in passes.to_dict().items():
        interp = cv2.INTER_NEAREST if name in ("object_id", "material_id") else cv2.INTER_LINEAR
        big = cv2.resize(np.ascontiguousarray(arr), (w, h), interpolation=interp).reshape(h, w, -1)
        if name == "motion":
            big = big * np.array([sx, sy], np.float32)
        out[name] = big
    return out


def write_frame(path: Path, passes: Passes, generated: np.ndarray, mask: np.ndarray, strength: float,
                attrs: dict[str, str]) -> Path:
    """One generate EXR: the render's layers (at the generated size), the beauty replaced by ``strength`` inside
    ``mask``, and ``generated.A``."""
    h, w = generated.shape[:2]
    layers = _resized(passes, w, h) if (w, h) != passes.size else passes.to_dict()
    m = np.clip(mask * strength, 0.0, 1.0).astype(np.float32)
    layers["beauty"] = (layers["beauty"] + m * (generated - layers["beauty"])).astype(np.float32)
    channels = Passes.from_dict(layers).to_channels()
    channels[GENERATED_CHANNEL] = m[..., 0]
    return write_channels(path, channels, attrs)


def generate_shot(pass_paths: Sequence[Path], scene, spec, settings: GenerateSettings, out_dir: str | Path, name: str,
                  progress: Progress = no_progress, generator: Any = None) -> GenerateResult:
    """Run ``settings.engine`` over the render passes; ``spec`` gives the prompt, seed, frame rate and frames."""
    from plano.generate.engines import make_generator

    t0 = time.perf_counter()
    paths = [Path(p) for p in pass_paths]
    info: dict[str, Any] = {"engine": settings.engine, "settings": settings.model_dump(mode="json")}
    if settings.engine == "none" and generator is None:
        info.update(ai_used=False, generated_fraction=0.0, note="the render itself: no trained model")
        _write_info(Path(out_dir), info, t0)
        progress(1.0, "none: the render itself")
        return GenerateResult(tuple(paths), info)
    if not paths:
        raise PlanoError("there are no render passes to generate from; run `plano render` first")
    gen = generator or make_generator(settings.engine, int(spec.format.width), target_height=int(spec.format.height))
    seed = int(spec.seed) * 1000003 + 12
    lut = hero_ids(scene) if scene is not None else None
    out_dir = Path(out_dir)
    written = [out_dir / frame_file(name, f) for f in spec.format.frames]
    if len(paths) != len(written):
        raise PlanoError(f"generate got {len(paths)} render passes but the shot has {len(written)} frames; finish the "
                         "render first")
    attrs = {"software": "plano generate", "plano/generate": settings.engine}
    fractions: list[float] = []
    facts: dict[str, Any] = {}
    if getattr(gen, "name", settings.engine) == "realesrgan":  # frame by frame: nothing to hold in memory
        for i, p in enumerate(paths):
            passes = read_passes(p)
            got = gen.generate(read_clip([p], lut, settings, float(spec.format.fps), spec.prompt, seed), settings)
            write_frame(written[i], passes, got.frames[0], got.mask[0], settings.strength, attrs)
            fractions.append(float((got.mask[0] * settings.strength).mean()))
            facts = got.facts
            progress((i + 1) / len(paths), f"frame {i + 1} of {len(paths)}")
        total = time.perf_counter() - t0
        facts = {**facts, "seconds": round(total, 3), "seconds_per_frame": round(total / len(paths), 3)}
    else:
        clip = read_clip(paths, lut, settings, float(spec.format.fps), spec.prompt, seed)
        got = gen.generate(clip, settings, lambda f, m: progress(0.9 * f, m))
        for i, p in enumerate(paths):
            write_frame(written[i], read_passes(p), got.frames[i], got.mask[i], settings.strength, attrs)
            fractions.append(float((got.mask[i] * settings.strength).mean()))
            progress(0.9 + 0.1 * (i + 1) / len(paths), f"writing frame {i + 1}")
        facts = got.facts
    frac = float(np.mean(fractions)) if fractions else 0.0
    info.update(ai_used=frac > 0, model=facts, seed=seed, prompt=spec.prompt, strength=settings.strength,
                region="frame" if getattr(gen, "name", "") == "realesrgan" else settings.region,
                generated_fraction=round(frac, 6),
                whole_frame=bool(fractions) and min(fractions) > 0.999,
                generated_pixels=f"channel {GENERATED_CHANNEL} of every EXR in generate/ (1 = made by the model)")
    _write_info(out_dir, info, t0)
    return GenerateResult(tuple(written), info)


def _write_info(out_dir: Path, info: dict[str, Any], t0: float) -> None:
    info["seconds"] = round(time.perf_counter() - t0, 3)
    atomic_write_text(out_dir / "info.json", json.dumps(info, indent=2, default=str) + "\n")


def read_info(out_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((Path(out_dir) / "info.json").read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


