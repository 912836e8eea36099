"""Read (and, for tests and tools, write) the render's multi-layer EXR passes (OpenEXR v3 API).

Channels (see the brief): ``R,G,B`` beauty scene-linear ACEScg (half), ``A`` alpha (half), ``depth.Z``
metres (float, 0 = nothing hit), ``N.X,N.Y,N.Z`` camera-space normals, ``id.object``, ``id.material``,
``motion.X,motion.Y`` pixels, ``dust.A`` dust opacity. Only ``R,G,B`` are required to deliver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from plano.core.atomic import atomic_path
from plano.errors import MissingEngine, PlanoError

_FRAME_RE = re.compile(r"\.(\d+)\.exr$", re.IGNORECASE)


def _openexr():
    try:
        import OpenEXR
    except ImportError as err:  # pragma: no cover - depends on the install
        raise MissingEngine("OpenEXR", str(err), "pip install 'plano[render]'  (or: pip install openexr)") from None
    return OpenEXR


@dataclass(frozen=True)
class Passes:
    """One frame's passes as float32 arrays. ``beauty`` (H, W, 3) ACEScg; single channels (H, W);
    ``normals`` (H, W, 3); ``motion`` (H, W, 2). A pass the file does not hold is ``None``."""

    beauty: np.ndarray
    alpha: np.ndarray | None = None
    depth: np.ndarray | None = None
    normals: np.ndarray | None = None
    object_id: np.ndarray | None = None
    material_id: np.ndarray | None = None
    motion: np.ndarray | None = None
    dust: np.ndarray | None = None

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)."""
        return self.beauty.shape[1], self.beauty.shape[0]


def frame_number(path: str | Path, default: int) -> int:
    """The frame number of ``name.1001.exr``, or ``default`` when the name holds none."""
    m = _FRAME_RE.search(Path(path).name)
    return int(m.group(1)) if m else default


def read_channels(path: str | Path) -> dict[str, np.ndarray]:
    """Every channel of an EXR as float32 (H, W) arrays, by full name (``R``, ``depth.Z``, ...)."""
    path = Path(path)
    if not path.is_file():
        raise PlanoError(
            f"render pass {str(path)!r} does not exist; expected a multi-layer EXR written by the render stage. "
            "Run `plano shot` again on this version to render the missing frames."
        )
    OpenEXR = _openexr()
    try:
        with OpenEXR.File(str(path), separate_channels=True) as f:
            return {name: np.asarray(ch.pixels, dtype=np.float32) for name, ch in f.channels().items()}
    except Exception as err:  # OpenEXR raises RuntimeError for truncated / non-EXR files
        size = path.stat().st_size
        raise PlanoError(
            f"render pass {str(path)!r} ({size} bytes) is not a readable OpenEXR file ({err}); it may be "
            "truncated or corrupt. Delete it and run `plano shot` again on this version to render it anew."
        ) from None


def read_passes(path: str | Path) -> Passes:
    """One frame's passes; ``R,G,B`` are required (a clear PlanoError names what is there instead)."""
    ch = read_channels(path)
    missing = [c for c in ("R", "G", "B") if c not in ch]
    if missing:
        raise PlanoError(
            f"render pass {str(path)!r} has no beauty channel(s) {missing}; it holds {sorted(ch)}. "
            "Expected R, G, B (scene-linear ACEScg) from the render stage."
        )

    def stack(names: tuple[str, ...]) -> np.ndarray | None:
        return np.stack([ch[n] for n in names], axis=-1) if all(n in ch for n in names) else None

    beauty = stack(("R", "G", "B"))
    return Passes(
        beauty=np.nan_to_num(beauty, nan=0.0, posinf=65504.0, neginf=0.0),
        alpha=ch.get("A"),
        depth=ch.get("depth.Z"),
        normals=stack(("N.X", "N.Y", "N.Z")),
        object_id=ch.get("id.object"),
        material_id=ch.get("id.material"),
        motion=stack(("motion.X", "motion.Y")),
        dust=ch.get("dust.A"),
    )


HALF_CHANNELS = ("R", "G", "B", "A", "N.X", "N.Y", "N.Z", "dust.A")
"""Stored as half; every other channel (depth, ids, motion) as 32-bit float."""


def write_channels(path: str | Path, channels: dict[str, np.ndarray], attributes: dict | None = None) -> Path:
    """Write (H, W) arrays as one multi-layer scanline EXR (ZIP), atomically. Colour, alpha, normals and
    dust as half, the rest as float. ``attributes``: extra string header attributes."""
    OpenEXR = _openexr()
    out = {}
    for name, arr in channels.items():
        dtype = np.float16 if name in HALF_CHANNELS else np.float32
        out[name] = np.ascontiguousarray(arr, dtype=dtype)
    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    header.update(attributes or {})
    with atomic_path(path) as tmp:
        with OpenEXR.File(header, out) as f:
            f.write(str(tmp))
    return Path(path)


def read_header(path: str | Path) -> dict[str, str]:
    """The EXR header's string attributes (e.g. software, renderer), for provenance."""
    OpenEXR = _openexr()
    try:
        with OpenEXR.File(str(path)) as f:
            return {k: v for k, v in f.header().items() if isinstance(v, str)}
    except Exception:
        return {}
