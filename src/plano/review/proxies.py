"""Display frames of a version for the page, one image per frame (so a seek lands on the frame asked for): the
comp or a render pass, with an exposure, through OCIO's display view (:mod:`plano.color`) for colour layers;
data passes (depth, normals, ids, motion, dust, alpha) as the false colours a compositor's viewer shows."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import numpy as np

from plano.errors import PlanoError
from plano.schema.naming import frame_file

LAYERS = {
    # name: (folder, channels, kind)
    "comp": ("comp", ("R", "G", "B"), "color"),
    "comp_cg": ("comp", ("cg.R", "cg.G", "cg.B"), "color"),
    "comp_dust": ("comp", ("dustfx.R", "dustfx.G", "dustfx.B"), "color"),
    "comp_plate": ("comp", ("plate.R", "plate.G", "plate.B"), "color"),
    "beauty": ("passes", ("R", "G", "B"), "color"),
    "alpha": ("passes", ("A",), "grey"),
    "depth": ("passes", ("depth.Z",), "depth"),
    "normals": ("passes", ("N.X", "N.Y", "N.Z"), "normals"),
    "object_id": ("passes", ("id.object",), "ids"),
    "material_id": ("passes", ("id.material",), "ids"),
    "motion": ("passes", ("motion.X", "motion.Y"), "motion"),
    "dust": ("passes", ("dust.A",), "grey"),
    "dust_rgb": ("passes", ("dust.R", "dust.G", "dust.B"), "color"),
}
MAX_EXPOSURE_EV = 10.0
CACHE_FRAMES = 512


def layers_of(folders: dict[str, tuple[int, ...]]) -> list[str]:
    """The layers a version can show, from the folders that hold frames."""
    return [name for name, (folder, _, _) in LAYERS.items() if folders.get(folder)]


def _false_colour(kind: str, ch: list[np.ndarray], exposure_ev: float) -> np.ndarray:
    gain = np.float32(2.0 ** exposure_ev)
    if kind == "grey":
        v = np.clip(ch[0] * gain, 0, 1)
        return np.stack([v, v, v], -1)
    if kind == "depth":  # near is bright; 0 (sky) is black
        z = ch[0]
        far = float(np.percentile(z[z > 0], 99)) if (z > 0).any() else 1.0
        v = np.where(z > 0, 1.0 - np.clip(z / max(far, 1e-6), 0, 1) * 0.9, 0.0) * gain
        return np.stack([np.clip(v, 0, 1)] * 3, -1)
    if kind == "normals":
        return np.clip(np.stack(ch, -1) * 0.5 + 0.5, 0, 1) * (np.stack(ch, -1) ** 2).sum(-1, keepdims=True).clip(0, 1)
    if kind == "ids":
        ids = ch[0].astype(np.int64)
        rgb = np.stack([(ids * 2654435761 >> s) & 255 for s in (0, 8, 16)], -1).astype(np.float32) / 255.0
        return np.where((ids > 0)[..., None], 0.25 + 0.75 * rgb, 0.0)
    if kind == "motion":
        x, y = ch
        return np.clip(np.stack([np.abs(x), np.abs(y), np.zeros_like(x)], -1) * gain / 8.0, 0, 1)
    raise PlanoError(f"layer kind {kind!r} is not known")


@functools.lru_cache(maxsize=CACHE_FRAMES)
def _encode(path: str, mtime_ns: int, layer: str, exposure_ev: float, width: int, fmt: str) -> bytes:
    from PIL import Image

    from plano.color import quantize_8bit, to_display
    from plano.io.exr import read_channels

    _, names, kind = LAYERS[layer]
    channels = read_channels(path)
    missing = [n for n in names if n not in channels]
    if missing:
        raise PlanoError(f"{Path(path).name} has no {layer} layer (no channels {', '.join(missing)})")
    ch = [channels[n] for n in names]
    rgb = to_display(np.stack(ch, -1), "srgb", exposure_ev) if kind == "color" else _false_colour(kind, ch, exposure_ev)
    img = Image.fromarray(quantize_8bit(rgb))
    if width and img.width > width:
        img = img.resize((width, round(img.height * width / img.width)), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    img.save(buf, format="JPEG" if fmt == "jpeg" else "PNG", quality=90)
    return buf.getvalue()


def frame_image(root: Path, run_name: str, layer: str, frame: int, exposure_ev: float = 0.0, width: int = 0,
                fmt: str = "jpeg") -> bytes:
    """One frame of ``layer`` as JPEG (or PNG) bytes, ``width`` pixels wide at most (0: as rendered)."""
    if layer not in LAYERS:
        raise PlanoError(f"layer {layer!r} is not known; expected one of {', '.join(LAYERS)}")
    if not -MAX_EXPOSURE_EV <= exposure_ev <= MAX_EXPOSURE_EV:
        raise PlanoError(f"exposure {exposure_ev:g} EV is out of range; expected -{MAX_EXPOSURE_EV:g} to "
                         f"+{MAX_EXPOSURE_EV:g}")
    if fmt not in ("jpeg", "png"):
        raise PlanoError(f"image format {fmt!r} is not known; expected jpeg or png")
    path = root / LAYERS[layer][0] / frame_file(run_name, frame)
    if not path.is_file():
        raise PlanoError(f"frame {frame} of {run_name} has no {LAYERS[layer][0]} file")
    return _encode(str(path), path.stat().st_mtime_ns, layer, round(float(exposure_ev), 2), int(width), fmt)


def warm(versions, layer: str = "comp", stop=None) -> int:
    """Make the frames the page asks for first (``layer`` at full size, and the thumbnail) ahead of time, newest
    versions first; ``stop()`` ends it early. Returns how many frames were made."""
    made = 0
    for v in versions:
        if layer not in layers_of(v.folders):
            continue
        mid = v.frames[len(v.frames) // 2] if v.frames else None
        for frame, width in ([(mid, 320)] if mid else []) + [(f, 0) for f in v.frames]:
            if stop is not None and stop():
                return made
            try:
                frame_image(v.root, v.name, layer, frame, 0.0, width)
                made += 1
            except PlanoError:
                continue
    return made
