"""Multi-layer EXR passes: one file per frame, channel names as agreed between the stages.

``R,G,B`` beauty (scene-linear ACEScg, half), ``A`` alpha (half), ``depth.Z`` metres along the view axis (float,
0 = sky), ``N.X,N.Y,N.Z`` camera-space normals (half), ``id.object``, ``id.material`` (float holding integers),
``motion.X,motion.Y`` pixels to the next frame (float, +X right, +Y down), ``dust.A`` dust opacity (half).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from plano.core.atomic import atomic_path
from plano.errors import MissingEngine, PlanoError

CHANNELS = ("R", "G", "B", "A", "depth.Z", "N.X", "N.Y", "N.Z", "id.object", "id.material",
            "motion.X", "motion.Y", "dust.A")
HALF = ("R", "G", "B", "A", "N.X", "N.Y", "N.Z", "dust.A")

# channel -> (pass name, component)
_SOURCES = {
    "R": ("beauty", 0), "G": ("beauty", 1), "B": ("beauty", 2), "A": ("alpha", 0), "depth.Z": ("depth", 0),
    "N.X": ("normal", 0), "N.Y": ("normal", 1), "N.Z": ("normal", 2), "id.object": ("object_id", 0),
    "id.material": ("material_id", 0), "motion.X": ("motion", 0), "motion.Y": ("motion", 1), "dust.A": ("dust", 0),
}


def _openexr():
    try:
        import OpenEXR
    except ImportError:
        raise MissingEngine("openexr", "the Python package OpenEXR is not installed", "pip install 'plano[render]'") from None
    return OpenEXR


def write_passes(path: str | Path, passes: dict[str, np.ndarray], compression: str = "zips",
                 attributes: dict | None = None) -> Path:
    """Write the passes of one frame (``(H, W, C)`` float32 arrays named as ``Renderer.render`` returns them)
    to a multi-layer EXR, atomically (a temporary name, then renamed)."""
    OpenEXR = _openexr()
    channels = {}
    for name in CHANNELS:
        key, comp = _SOURCES[name]
        if key not in passes:
            raise PlanoError(f"pass {key!r} is missing; got {sorted(passes)}")
        a = np.ascontiguousarray(passes[key][..., comp])
        if name in HALF:
            a = np.clip(a, -65000.0, 65000.0).astype(np.float16)
        else:
            a = a.astype(np.float32)
        channels[name] = a
    comp_map = {"zip": OpenEXR.ZIP_COMPRESSION, "zips": OpenEXR.ZIPS_COMPRESSION, "piz": OpenEXR.PIZ_COMPRESSION,
                "none": OpenEXR.NO_COMPRESSION}
    header = {"compression": comp_map[compression], "type": OpenEXR.scanlineimage}
    for k, v in (attributes or {}).items():
        header[k] = v
    path = Path(path)
    with atomic_path(path) as tmp:
        with OpenEXR.File(header, channels) as f:
            f.write(str(tmp))
    return path


def read_passes(path: str | Path) -> dict[str, np.ndarray]:
    """Every channel of a pass file as (H, W) float32, by channel name."""
    OpenEXR = _openexr()
    out = {}
    with OpenEXR.File(str(path), separate_channels=True) as f:
        for name, ch in f.channels().items():
            out[name] = np.asarray(ch.pixels, np.float32)
    return out


def is_complete(path: str | Path, settings_key: str | None = None) -> bool:
    """True when the file exists, its header lists every channel and, when ``settings_key`` is given, it was
    rendered with those settings (header attribute ``plano/settings``): a finished frame from an earlier run."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        OpenEXR = _openexr()
        with OpenEXR.File(str(path), header_only=True) as f:
            header = f.parts[0].header
            names = {c.name for c in header["channels"]}
            key = header.get("plano/settings")
        if settings_key is not None and key != settings_key:
            return False
        return set(CHANNELS) <= names
    except Exception:  # noqa: BLE001 - unreadable means not complete
        return False
