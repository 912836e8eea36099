"""Display transforms through OpenColorIO's built-in ACES configs (no config files to install).

Scene-linear ACEScg goes through the ACES 1.0 SDR Video output transform to the sRGB display (PNGs, previews,
contact sheet, report) or the Rec.1886 / Rec.709 display (movies). For reference, ACEScg 0.18 grey lands at
about 0.356 on the sRGB display and 0.390 on Rec.1886: the ACES tone scale places mid grey lower than a plain
sRGB curve would (0.46).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Literal

import numpy as np

from plano.errors import MissingEngine, PlanoError

# ACES 1.3 configs in order of preference (newest first); all of them hold the views below. The ACES 2.0
# configs (v4+) rename the SDR view, so the newest ACES 1.x config is named here explicitly, not "latest".
CONFIG_NAMES = (
    "cg-config-v2.2.0_aces-v1.3_ocio-v2.4",
    "cg-config-v2.1.0_aces-v1.3_ocio-v2.3",
    "cg-config-v1.0.0_aces-v1.3_ocio-v2.1",
)
SCENE_SPACE = "ACEScg"
VIEW = "ACES 1.0 - SDR Video"
DISPLAYS = {"srgb": "sRGB - Display", "rec709": "Rec.1886 Rec.709 - Display"}
Display = Literal["srgb", "rec709"]
HALF_MAX = 65504.0


def _ocio():
    try:
        import PyOpenColorIO as OCIO
    except ImportError as err:  # pragma: no cover - depends on the install
        raise MissingEngine("OpenColorIO", str(err), "pip install 'plano[deliver]'  (or: pip install opencolorio)") from None
    return OCIO


@functools.cache
def _config():
    OCIO = _ocio()
    available = set(OCIO.BuiltinConfigRegistry())
    for name in CONFIG_NAMES:
        if name in available:
            return name, OCIO.Config.CreateFromBuiltinConfig(name)
    raise MissingEngine(
        "OpenColorIO ACES config",
        f"OpenColorIO {OCIO.__version__} has none of the built-in ACES 1.3 configs {list(CONFIG_NAMES)}",
        "pip install -U 'opencolorio>=2.3'",
    )


_BAND_PIXELS = 1 << 17


@functools.cache
def _band_pool():
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)), thread_name_prefix="plano-ocio")


def apply_rgb(proc, rgb: np.ndarray) -> None:
    """``proc.applyRGB`` on a contiguous float32 (..., 3) array in place, in bands on every core for a picture
    (OCIO releases the GIL: 2.2x on 2 cores for a 1280x720 frame)."""
    flat = rgb.reshape(-1, 3)
    workers = _band_pool()._max_workers
    if len(flat) < 2 * _BAND_PIXELS or workers < 2:
        proc.applyRGB(flat)
        return
    bands = np.array_split(flat, workers)
    for f in [_band_pool().submit(proc.applyRGB, b) for b in bands]:
        f.result()


@functools.cache
def _display_processor(display: str):
    """The OCIO Processor from the scene space to ``display`` through the ACES SDR view."""
    if display not in DISPLAYS:
        raise PlanoError(f"display {display!r} is not known; expected one of {sorted(DISPLAYS)}")
    OCIO = _ocio()
    _, config = _config()
    return config.getProcessor(SCENE_SPACE, DISPLAYS[display], VIEW, OCIO.TRANSFORM_DIR_FORWARD)


GL_PICTURES = os.environ.get("PLANO_OCIO_GL", "1") != "0"
"""Pictures go through the display transform as OCIO's GLSL on a headless OpenGL context (``plano.color.gl``:
78 against 169 ms of CPU a 1280x720 frame) when there is one; ``PLANO_OCIO_GL=0`` keeps OCIO's CPU processor."""


@functools.cache
def _processor(display: str):
    return _display_processor(display).getDefaultCPUProcessor()


def to_display(acescg: np.ndarray, display: Display = "srgb", exposure_ev: float = 0.0) -> np.ndarray:
    """Scene-linear ACEScg (..., 3), e.g. (H, W, 3) -> display-referred RGB (..., 3) float32 in [0, 1] through the
    OCIO ACES SDR view on ``display`` (``"srgb"`` or ``"rec709"``). ``exposure_ev`` scales the scene-linear
    values by 2**ev first. NaN becomes 0, +inf the largest half; the input is not modified."""
    rgb = np.asarray(acescg, dtype=np.float32)
    if rgb.ndim < 1 or rgb.shape[-1] != 3:
        raise PlanoError(f"to_display expects scene-linear ACEScg with 3 channels last, e.g. (H, W, 3); "
                         f"got shape {rgb.shape}")
    proc = _display_processor(display)  # checks the display name before any work
    out = np.nan_to_num(rgb, nan=0.0, posinf=HALF_MAX, neginf=0.0).astype(np.float32, copy=True)
    if exposure_ev:
        out *= np.float32(2.0 ** exposure_ev)
    out = np.ascontiguousarray(out)
    shown = None
    if GL_PICTURES and out.ndim == 3:
        from plano.color import gl

        shown = gl.apply(f"display:{display}", proc, out)
    if shown is None:
        apply_rgb(_processor(display), out)
        shown = out
    return np.clip(shown, 0.0, 1.0, out=shown)


def quantize_8bit(display_rgb: np.ndarray) -> np.ndarray:
    """Display-referred float in [0, 1] -> uint8 (rounded to nearest)."""
    return (np.clip(display_rgb, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def to_8bit(acescg: np.ndarray, display: Display = "srgb", exposure_ev: float = 0.0) -> np.ndarray:
    """Scene-linear ACEScg (H, W, 3) -> (H, W, 3) uint8 on ``display``: ``to_display`` then ``quantize_8bit``."""
    return quantize_8bit(to_display(acescg, display, exposure_ev))


def save_png(acescg: np.ndarray, path: str | Path, exposure_ev: float = 0.0, display: Display = "srgb") -> Path:
    """Write scene-linear ACEScg (H, W, 3) as an 8-bit PNG on the sRGB display (for previews), atomically."""
    from PIL import Image

    from plano.core.atomic import atomic_path

    img = Image.fromarray(to_8bit(acescg, display, exposure_ev))
    path = Path(path)
    with atomic_path(path) as tmp:
        img.save(tmp, format="PNG")
    return path


def color_info() -> dict[str, str]:
    """What the display transforms are, for the report and provenance."""
    OCIO = _ocio()
    name, _ = _config()
    return {
        "engine": f"OpenColorIO {OCIO.__version__}",
        "config": name,
        "scene_space": SCENE_SPACE,
        "view": VIEW,
        "stills_display": DISPLAYS["srgb"],
        "movie_display": DISPLAYS["rec709"],
    }
