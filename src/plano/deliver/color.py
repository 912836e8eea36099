"""Display transforms through OpenColorIO's built-in ACES configs (no config files to install).

Scene-linear ACEScg goes through the ACES 1.0 SDR Video output transform to the sRGB display (PNGs,
contact sheet, report) or the Rec.1886 / Rec.709 display (movies). For reference, ACEScg 0.18 grey lands
at about 0.356 on the sRGB display and 0.390 on Rec.1886: the ACES tone scale places mid grey lower than a
plain sRGB curve would (0.46).
"""

from __future__ import annotations

import functools
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


def _ocio():
    try:
        import PyOpenColorIO as OCIO
    except ImportError as err:  # pragma: no cover
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


@functools.cache
def _processor(display: str):
    if display not in DISPLAYS:
        raise PlanoError(f"display {display!r} is not known; expected one of {sorted(DISPLAYS)}")
    OCIO = _ocio()
    _, config = _config()
    proc = config.getProcessor(SCENE_SPACE, DISPLAYS[display], VIEW, OCIO.TRANSFORM_DIR_FORWARD)
    return proc.getDefaultCPUProcessor()


def to_display(acescg: np.ndarray, display: Display = "srgb") -> np.ndarray:
    """Scene-linear ACEScg (..., 3) -> display-referred RGB (..., 3) float32 in [0, 1]."""
    rgb = np.asarray(acescg, dtype=np.float32)
    if rgb.shape[-1] != 3:
        raise PlanoError(f"to_display expects RGB with 3 channels last, got shape {rgb.shape}")
    out = np.ascontiguousarray(np.nan_to_num(rgb, nan=0.0, posinf=65504.0, neginf=0.0), dtype=np.float32).copy()
    flat = out.reshape(-1, 3)
    _processor(display).applyRGB(flat)
    return np.clip(out, 0.0, 1.0)


def to_uint8(display_rgb: np.ndarray) -> np.ndarray:
    """[0, 1] float -> uint8 (rounded)."""
    return (np.clip(display_rgb, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


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
