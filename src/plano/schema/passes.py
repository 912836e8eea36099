"""The render passes of one frame: the channel table every stage agrees on, and the ``Passes`` dataclass.

The render stage writes these layers, one multi-layer EXR per frame (``plano.io.exr``); deliver, comp and
generate read them back. The table below is the only place that spells a layer's EXR channel names, its storage
type and its unit:

=============  ==========================  =====  ====================================================
layer          EXR channels                type   unit / space
=============  ==========================  =====  ====================================================
beauty         R, G, B                     half   scene-linear ACEScg
alpha          A                           half   coverage 0..1 (0 = sky)
depth          depth.Z                     float  metres along the camera's view axis; 0 = sky
normals        N.X, N.Y, N.Z               half   camera space unit vectors (OpenGL: +X right, +Y up,
                                                  +Z towards the camera)
object_id      id.object                   float  integer ``Scene.parts`` index + 1; 0 = sky
material_id    id.material                 float  integer ``Material.id``; 0 = sky
motion         motion.X, motion.Y          float  pixels to the next frame, +X right, +Y down
dust           dust.A                      half   dust opacity 0..1
dust_rgb       dust.R, dust.G, dust.B      half   scene-linear ACEScg light the dust adds, premultiplied
                                                  (beauty = what is behind x (1 - dust) + dust_rgb)
dust_plate     dustplate.R, .G, .B, .A     half   the dust marched past the render's stand-ins (neighbours,
                                                  street furniture): light (premultiplied) and opacity, for
                                                  comp over a plate that replaces them (rendered only
                                                  for a shot with a plate)
=============  ==========================  =====  ====================================================

In memory every layer is a ``(H, W, C)`` float32 array, ``C`` = the number of its channels (rows from the top).
Only ``beauty`` is required; a layer a file does not hold is ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np

from plano.errors import PlanoError

StorageType = Literal["half", "float"]


@dataclass(frozen=True)
class Layer:
    """One pass: its name in ``Passes``, its EXR channel names, storage type, and what its values mean."""

    name: str
    channels: tuple[str, ...]
    storage: StorageType
    unit: str

    @property
    def depth(self) -> int:
        """Number of channels (the ``C`` of its ``(H, W, C)`` array)."""
        return len(self.channels)

    @property
    def dtype(self) -> type:
        """The numpy type the EXR stores it as."""
        return np.float16 if self.storage == "half" else np.float32


LAYERS: tuple[Layer, ...] = (
    Layer("beauty", ("R", "G", "B"), "half", "scene-linear ACEScg"),
    Layer("alpha", ("A",), "half", "coverage 0..1 (0 = sky)"),
    Layer("depth", ("depth.Z",), "float", "metres along the camera's view axis; 0 = sky"),
    Layer("normals", ("N.X", "N.Y", "N.Z"), "half",
          "camera space unit vectors (OpenGL: +X right, +Y up, +Z towards the camera)"),
    Layer("object_id", ("id.object",), "float", "integer Scene.parts index + 1; 0 = sky"),
    Layer("material_id", ("id.material",), "float", "integer Material.id; 0 = sky"),
    Layer("motion", ("motion.X", "motion.Y"), "float", "pixels to the next frame, +X right, +Y down"),
    Layer("dust", ("dust.A",), "half", "dust opacity 0..1"),
    Layer("dust_rgb", ("dust.R", "dust.G", "dust.B"), "half",
          "scene-linear ACEScg light the dust adds, premultiplied (beauty = behind x (1 - dust) + dust_rgb)"),
    Layer("dust_plate", ("dustplate.R", "dustplate.G", "dustplate.B", "dustplate.A"), "half",
          "the dust marched past the render's stand-ins (neighbours, street furniture): light, opacity"),
)
GROUND_GROUPS: tuple[str, ...] = ("ground", "road", "sidewalk", "kerb")
"""Scene part groups of the ground. Every other part that is not the hero building's (the neighbours with their
windows and facades, the street furniture) stands in for what a plate shows instead: the dust behind those is in
``dust_plate``."""


def is_stand_in(building: str, group: str) -> bool:
    """Whether a scene part stands in for what a plate replaces (not the hero, not the ground)."""
    return building != "hero" and group not in GROUND_GROUPS
LAYER: dict[str, Layer] = {layer.name: layer for layer in LAYERS}
LAYER_NAMES: tuple[str, ...] = tuple(LAYER)
REQUIRED: tuple[str, ...] = ("beauty",)
CHANNELS: tuple[str, ...] = tuple(c for layer in LAYERS for c in layer.channels)
"""Every EXR channel name, in table order."""
RENDERED_ONLY_WITH_A_PLATE: tuple[str, ...] = ("dust_plate",)
"""Layers the render writes only for a shot with a plate (without one they would repeat another layer)."""
RENDER_CHANNELS: tuple[str, ...] = tuple(c for layer in LAYERS if layer.name not in RENDERED_ONLY_WITH_A_PLATE
                                         for c in layer.channels)
"""The channels every finished render frame holds (``plano.io.exr.is_complete`` and ``verify`` check these)."""
HALF_CHANNELS: tuple[str, ...] = tuple(c for layer in LAYERS if layer.storage == "half" for c in layer.channels)
"""Stored as half; every other channel (depth, ids, motion) as 32-bit float."""
HALF_MAX = 65504.0


def channel_dtype(channel: str) -> type:
    """numpy storage type of an EXR channel: half for the table's half channels, float for all others."""
    return np.float16 if channel in HALF_CHANNELS else np.float32


def _as_layer(name: str, value, height: int | None, width: int | None, source: str) -> np.ndarray:
    """``value`` as a contiguous (H, W, C) float32 array for layer ``name``, or a PlanoError naming what is wrong.
    A one-channel layer may be given as (H, W)."""
    layer = LAYER[name]
    where = f" in {source}" if source else ""
    try:
        arr = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError) as err:
        raise PlanoError(f"pass {name!r}{where} is not a numeric array ({err}); "
                         f"expected (H, W, {layer.depth}) float32") from None
    if arr.ndim == 2 and layer.depth == 1:
        arr = arr[..., None]
    if arr.ndim != 3 or arr.shape[2] != layer.depth:
        raise PlanoError(
            f"pass {name!r}{where} has shape {arr.shape}; expected (H, W, {layer.depth}) "
            f"(channels {', '.join(layer.channels)})"
        )
    if height is not None and arr.shape[:2] != (height, width):
        raise PlanoError(
            f"pass {name!r}{where} is {arr.shape[1]}x{arr.shape[0]} (shape {arr.shape}) but beauty is "
            f"{width}x{height}; every pass of a frame must have the same size"
        )
    return np.ascontiguousarray(arr)


@dataclass(frozen=True)
class Passes:
    """One frame's passes, each ``(H, W, C)`` float32 (see the module's table): ``beauty`` (H, W, 3) ACEScg,
    ``alpha`` (H, W, 1), ``depth`` (H, W, 1) metres, ``normals`` (H, W, 3), ``object_id`` (H, W, 1),
    ``material_id`` (H, W, 1), ``motion`` (H, W, 2) pixels, ``dust`` (H, W, 1), ``dust_rgb`` (H, W, 3) ACEScg,
    ``dust_plate`` (H, W, 4).
    Absent layers are ``None``.

    Arrays are checked and converted on construction (a one-channel layer may be given as (H, W)); a wrong
    shape is a PlanoError that names the layer, the shape received and the shape expected.
    """

    beauty: np.ndarray
    alpha: np.ndarray | None = None
    depth: np.ndarray | None = None
    normals: np.ndarray | None = None
    object_id: np.ndarray | None = None
    material_id: np.ndarray | None = None
    motion: np.ndarray | None = None
    dust: np.ndarray | None = None
    dust_rgb: np.ndarray | None = None
    dust_plate: np.ndarray | None = None

    def __post_init__(self) -> None:
        beauty = _as_layer("beauty", self.beauty, None, None, "")
        object.__setattr__(self, "beauty", beauty)
        h, w = beauty.shape[:2]
        for name in LAYER_NAMES[1:]:
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _as_layer(name, value, h, w, ""))

    @classmethod
    def from_dict(cls, layers: Mapping[str, np.ndarray], source: str = "") -> "Passes":
        """From ``{layer name: array}`` (names from ``LAYER_NAMES``). ``source`` names where the arrays came
        from, for the error messages. Unknown names are refused, so a misspelt layer is not silently dropped."""
        unknown = sorted(set(layers) - set(LAYER_NAMES))
        where = f" from {source}" if source else ""
        if unknown:
            raise PlanoError(f"unknown pass name(s) {unknown}{where}; expected names from {list(LAYER_NAMES)}")
        if "beauty" not in layers or layers["beauty"] is None:
            raise PlanoError(f"the passes{where} have no 'beauty'; got {sorted(layers)}")
        beauty = _as_layer("beauty", layers["beauty"], None, None, source)
        h, w = beauty.shape[:2]
        checked = {name: _as_layer(name, v, h, w, source) for name, v in layers.items()
                   if name != "beauty" and v is not None}
        return cls(beauty=beauty, **checked)

    @classmethod
    def from_channels(cls, channels: Mapping[str, np.ndarray], source: str = "",
                      layers: Iterable[str] | None = None, fill=None) -> "Passes":
        """From EXR channels ``{"R": (H, W), "depth.Z": (H, W), ...}`` (float16 or float32). A layer is present
        when all its channels are; other channels are ignored; ``layers``: only these and the beauty. Without
        ``R, G, B`` a PlanoError lists what is there instead. ``fill(planes, out)``: how the reader puts a layer's
        planes into its (H, W, C) float32 array (default: numpy's cast, one plane at a time)."""
        missing = [c for c in LAYER["beauty"].channels if c not in channels]
        if missing:
            where = f"render pass {source!r}" if source else "the channels"
            raise PlanoError(
                f"{where} has no beauty channel(s) {missing}; it holds {sorted(channels)}. "
                "Expected R, G, B (scene-linear ACEScg) from the render stage."
            )
        wanted = None if layers is None else {"beauty", *layers}
        unknown = sorted(set(wanted or ()) - set(LAYER_NAMES))
        if unknown:
            raise PlanoError(f"unknown pass name(s) {unknown}; expected names from {list(LAYER_NAMES)}")
        layers = {}
        for layer in LAYERS:
            if (wanted is None or layer.name in wanted) and all(c in channels for c in layer.channels):
                planes = [np.asarray(channels[c]) for c in layer.channels]
                arr = np.empty((*planes[0].shape[:2], len(planes)), np.float32)
                if fill is not None:
                    fill(planes, arr)
                else:
                    for k, plane in enumerate(planes):  # one conversion each, straight into the layer
                        arr[..., k] = plane
                layers[layer.name] = arr
        return cls.from_dict(layers, source)

    def to_dict(self) -> dict[str, np.ndarray]:
        """``{layer name: (H, W, C) array}`` for the layers present."""
        return {name: getattr(self, name) for name in LAYER_NAMES if getattr(self, name) is not None}

    def to_channels(self) -> dict[str, np.ndarray]:
        """``{EXR channel name: (H, W) float32 view}`` for the layers present, in table order."""
        out = {}
        for name, arr in self.to_dict().items():
            for k, channel in enumerate(LAYER[name].channels):
                out[channel] = arr[..., k]
        return out

    def layer(self, name: str) -> np.ndarray:
        """The layer ``name``, or a PlanoError saying it is not in these passes."""
        if name not in LAYER:
            raise PlanoError(f"unknown pass name {name!r}; expected one of {list(LAYER_NAMES)}")
        value = getattr(self, name)
        if value is None:
            raise PlanoError(f"these passes have no {name!r} layer (they hold {list(self.to_dict())}); "
                             "render the shot again with a renderer that writes it")
        return value

    @property
    def height(self) -> int:
        return int(self.beauty.shape[0])

    @property
    def width(self) -> int:
        return int(self.beauty.shape[1])

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return self.width, self.height

    @property
    def complete(self) -> bool:
        """True when every layer of the table is present."""
        return all(getattr(self, f.name) is not None for f in fields(self))
