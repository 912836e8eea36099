"""Multi-layer OpenEXR files of render passes (OpenEXR v3 Python API), one file per frame.

The channel layout is ``plano.schema.passes`` (the channel table); this module only moves it to and from disk:
scanline images, half for colour, alpha, normals and dust, float for depth, ids and motion. Writes are atomic
(a temporary name, then renamed), so a killed render never leaves a half-written frame under its final name.

Public: ``write_passes``, ``read_passes``, ``verify``, ``is_complete``, ``read_header``, and the low-level
``write_channels`` / ``read_channels`` for tools and tests that need arbitrary channels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from plano.core.atomic import atomic_path
from plano.errors import MissingEngine, PlanoError
from plano.io import exr_scanline
from plano.io.half import fill_planes, to_half
from plano.schema.passes import CHANNELS, HALF_MAX, RENDER_CHANNELS, Passes, channel_dtype

COMPRESSIONS = ("zip", "zips", "piz", "rle", "none")
SETTINGS_ATTRIBUTE = "plano/settings"
"""Header attribute holding the render settings' key (``is_complete`` compares it)."""


def _openexr():
    try:
        import OpenEXR
    except ImportError as err:  # pragma: no cover - depends on the install
        raise MissingEngine("OpenEXR", str(err), "pip install 'plano[render]'  (or: pip install openexr)") from None
    return OpenEXR


def _compression(OpenEXR, name: str):
    table = {"zip": OpenEXR.ZIP_COMPRESSION, "zips": OpenEXR.ZIPS_COMPRESSION, "piz": OpenEXR.PIZ_COMPRESSION,
             "rle": OpenEXR.RLE_COMPRESSION, "none": OpenEXR.NO_COMPRESSION}
    if name not in table:
        raise PlanoError(f"EXR compression {name!r} is not known; expected one of {list(COMPRESSIONS)}")
    return table[name]


def write_channels(path: str | Path, channels: Mapping[str, np.ndarray], attributes: Mapping[str, str] | None = None,
                   compression: str = "zip", types: Mapping[str, str] | None = None) -> Path:
    """Write ``{channel name: (H, W) array}`` as one scanline EXR, atomically. Storage type per channel from the
    channel table (``plano.schema.passes.channel_dtype``: half for colour, alpha, normals, dust; float otherwise)
    unless ``types`` names it (``{"plate.R": "half"}``); half values are clipped to +-65504. ``attributes``: extra
    (string) header attributes."""
    OpenEXR = _openexr()
    compression_id = _compression(OpenEXR, compression)
    ours = compression in exr_scanline.COMPRESSIONS and exr_scanline.HAVE_NUMBA  # our kernels write it
    out, halves = {}, set()
    for name, arr in channels.items():
        given = (types or {}).get(name)
        if given not in (None, "half", "float"):
            raise PlanoError(f"EXR channel {name!r}: storage type {given!r} is not known; expected 'half' or 'float'")
        dtype = channel_dtype(name) if given is None else (np.float16 if given == "half" else np.float32)
        a = np.asarray(arr, dtype=np.float32)
        if a.ndim != 2:
            raise PlanoError(f"EXR channel {name!r} has shape {a.shape}; expected (H, W)")
        if dtype is np.float16:
            halves.add(name)
        out[name] = a if ours else (to_half(a) if dtype is np.float16 else np.ascontiguousarray(a))
    with atomic_path(path) as tmp:
        if ours:  # the float32 planes converted to half as they are packed (no copies first)
            exr_scanline.write(tmp, out, attributes, compression, halves)
        else:
            header = {"compression": compression_id, "type": OpenEXR.scanlineimage}
            header.update(attributes or {})
            with OpenEXR.File(header, out) as f:
                f.write(str(tmp))
    return Path(path)


def write_passes(path: str | Path, passes: Passes, attributes: Mapping[str, str] | None = None,
                 compression: str = "zips") -> Path:
    """Write one frame's passes (the layers present, with the channel table's names and types) to a multi-layer
    EXR at ``path``, atomically. ``attributes``: extra string header attributes (software, settings key, ...)."""
    if not isinstance(passes, Passes):
        raise PlanoError(f"write_passes expects plano.schema.passes.Passes, got {type(passes).__name__}; "
                         "build one with Passes.from_dict({...})")
    return write_channels(path, passes.to_channels(), attributes, compression)


def read_channels(path: str | Path) -> dict[str, np.ndarray]:
    """Every channel of an EXR as float32 (H, W) arrays, by full name (``R``, ``depth.Z``, ...). Reads every
    pixel, so a missing, truncated or corrupt file is a PlanoError that names it."""
    return {name: np.asarray(a, np.float32) for name, a in _stored(path).items()}


def _stored(path: str | Path) -> dict[str, np.ndarray]:
    """Every channel as the file stores it (float16 or float32), or a PlanoError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise PlanoError(
            f"render pass {str(path)!r} does not exist; expected a multi-layer EXR written by the render stage. "
            "Run `plano shot` again on this version to render the missing frames."
        )
    OpenEXR = _openexr()
    try:
        out = exr_scanline.read(path)  # None: a kind of EXR only OpenEXR reads (tiled, ZIP, PIZ, ...)
        if out is None:
            with OpenEXR.File(str(path), separate_channels=True) as f:
                out = {name: ch.pixels for name, ch in f.channels().items()}
    except Exception as err:  # OpenEXR raises RuntimeError for truncated / non-EXR files; ours LayoutError
        size = path.stat().st_size
        raise PlanoError(
            f"render pass {str(path)!r} ({size} bytes) is not a readable OpenEXR file ({err}); it may be "
            "truncated or corrupt. Delete it and run `plano shot` again on this version to render it anew."
        ) from None
    if not out:
        raise PlanoError(f"render pass {str(path)!r} holds no channels; expected {list(CHANNELS)}")
    return out


def read_passes(path: str | Path, layers: Iterable[str] | None = None) -> Passes:
    """One frame's passes (``R, G, B`` required; a clear PlanoError names what the file holds instead).
    ``layers``: only these (and the beauty), each converted to float32 once; the file is read whole either
    way. Non-finite beauty values (a half can hold inf) become 0 or the largest half."""
    passes = Passes.from_channels(_stored(path), source=str(path), layers=layers, fill=fill_planes)
    beauty = passes.beauty
    if not np.isfinite(beauty).all():
        np.nan_to_num(beauty, copy=False, nan=0.0, posinf=HALF_MAX, neginf=0.0)
    return passes


def read_beauty(path: str | Path) -> np.ndarray:
    """(H, W, 3) float32: only ``R, G, B`` of an EXR (a comp frame with its layers, for the movies): OpenImageIO
    reads three channels where OpenEXR's Python API reads every layer (0.06 s against 0.17 s a 1280x720 comp
    frame). Without OpenImageIO, or when the file's first channels are not R, G, B: ``read_passes``."""
    try:
        import OpenImageIO as oiio
    except ImportError:
        return read_passes(path).beauty
    inp = oiio.ImageInput.open(str(path)) if Path(path).is_file() else None
    if inp is None:
        return read_passes(path).beauty  # its error names the file and what to do
    try:
        if tuple(inp.spec().channelnames[:3]) != ("R", "G", "B"):
            return read_passes(path).beauty
        rgb = inp.read_image(0, 0, 0, 3, "float")
        err = inp.geterror()
    finally:
        inp.close()
    if rgb is None or err:
        return read_passes(path).beauty
    rgb = np.ascontiguousarray(rgb, np.float32)
    if not np.isfinite(rgb).all():
        np.nan_to_num(rgb, copy=False, nan=0.0, posinf=HALF_MAX, neginf=0.0)
    return rgb


def verify(path: str | Path, channels: tuple[str, ...] = RENDER_CHANNELS) -> Path:
    """Read the whole file and check it holds ``channels`` (default: every channel a render frame holds). Returns the
    path, or raises a PlanoError naming the file (missing, truncated, corrupt or lacking channels)."""
    names = set(read_channels(path))
    missing = [c for c in channels if c not in names]
    if missing:
        raise PlanoError(f"render pass {str(path)!r} lacks channel(s) {missing}; it holds {sorted(names)}. "
                         "Render it again with `plano render --force render`.")
    return Path(path)


def is_complete(path: str | Path, settings_key: str | None = None) -> bool:
    """True when the file exists, its header lists every channel a render frame holds (``RENDER_CHANNELS``; the
    plate's dust only with a plate, which the settings key says) and, when ``settings_key`` is
    given, it was rendered with those settings (header attribute ``plano/settings``): a finished frame from an
    earlier run. Header only (cheap); ``verify`` reads every pixel."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        OpenEXR = _openexr()
        with OpenEXR.File(str(path), header_only=True) as f:
            header = f.parts[0].header
            names = {c.name for c in header["channels"]}
            key = header.get(SETTINGS_ATTRIBUTE)
    except MissingEngine:
        raise
    except Exception:  # noqa: BLE001 - unreadable means not complete
        return False
    if settings_key is not None and key != settings_key:
        return False
    return set(RENDER_CHANNELS) <= names


def read_header(path: str | Path) -> dict[str, str]:
    """The EXR header's string attributes (software, renderer, settings key, ...), for provenance; {} when the
    file cannot be read."""
    OpenEXR = _openexr()
    try:
        with OpenEXR.File(str(path), header_only=True) as f:
            return {k: v for k, v in f.header().items() if isinstance(v, str)}
    except Exception:  # noqa: BLE001 - provenance is best effort
        return {}
