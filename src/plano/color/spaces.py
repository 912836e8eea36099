"""Input colour spaces: a plate's encoding to scene-linear ACEScg and back, through OpenColorIO's built-in ACES
studio config (camera log curves and gamuts included, no files to install).

``to_acescg(rgb, "ARRI LogC3")`` and ``from_acescg(rgb, "ACEScct")`` take the short names a film crew says
(``plano colorspaces`` lists them) or any colour space name or alias of the OCIO config itself. Every
conversion is an OCIO processor; nothing here does colour maths of its own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np

from plano.errors import MissingEngine, PlanoError

STUDIO_CONFIGS = (
    "studio-config-v2.2.0_aces-v1.3_ocio-v2.4",
    "studio-config-v2.1.0_aces-v1.3_ocio-v2.3",
    "studio-config-v1.0.0_aces-v1.3_ocio-v2.1",
)
"""ACES 1.3 studio configs, newest first: the same ACES version as the display transforms (plano.color.ocio)."""
SCENE = "ACEScg"
LOG_GRADING = "ACEScct"


@dataclass(frozen=True)
class InputSpace:
    name: str
    """What a crew calls it: ``ARRI LogC3``."""
    ocio: str
    """The OCIO colour space it is in the studio config."""
    note: str


INPUT_SPACES: tuple[InputSpace, ...] = (
    InputSpace("sRGB", "sRGB Encoded Rec.709 (sRGB)", "stills and web images: sRGB curve, Rec.709 primaries"),
    InputSpace("Rec.709", "Camera Rec.709", "video camera footage: the BT.709 camera curve (scene-referred)"),
    InputSpace("Gamma 2.4 Rec.709", "Gamma 2.4 Encoded Rec.709", "graded Rec.709 video (display gamma 2.4)"),
    InputSpace("Linear Rec.709", "Linear Rec.709 (sRGB)", "scene-linear, Rec.709 / sRGB primaries"),
    InputSpace("ARRI LogC3", "ARRI LogC3 (EI800)", "ARRI Alexa classic / Mini / LF: LogC3 at EI 800, AWG3"),
    InputSpace("ARRI LogC4", "ARRI LogC4", "ARRI Alexa 35: LogC4, AWG4"),
    InputSpace("Sony S-Log3", "S-Log3 S-Gamut3", "Sony Venice / FX: S-Log3, S-Gamut3"),
    InputSpace("Sony S-Log3.Cine", "S-Log3 S-Gamut3.Cine", "Sony: S-Log3, S-Gamut3.Cine"),
    InputSpace("RED Log3G10", "Log3G10 REDWideGamutRGB", "RED: Log3G10, REDWideGamutRGB"),
    InputSpace("Canon Log3", "CanonLog3 CinemaGamut D55", "Canon Cinema EOS: Canon Log 3, Cinema Gamut"),
    InputSpace("Panasonic V-Log", "V-Log V-Gamut", "Panasonic Varicam / Lumix: V-Log, V-Gamut"),
    InputSpace("Blackmagic Film Gen5", "BMDFilm WideGamut Gen5", "Blackmagic cameras: Film Gen 5"),
    InputSpace("Apple Log", "Apple Log", "iPhone 15 Pro and later: Apple Log"),
    InputSpace("ACEScct", "ACEScct", "ACES log for grading (what a DI delivers as log)"),
    InputSpace("ACEScc", "ACEScc", "ACES pure log"),
    InputSpace("ACEScg", "ACEScg", "scene-linear AP1: plano's working space (no conversion)"),
    InputSpace("ACES2065-1", "ACES2065-1", "scene-linear AP0: ACES archive / interchange EXRs"),
    InputSpace("Linear P3-D65", "Linear P3-D65", "scene-linear, P3 primaries, D65"),
    InputSpace("Linear Rec.2020", "Linear Rec.2020", "scene-linear, Rec.2020 primaries"),
)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _ocio():
    try:
        import PyOpenColorIO as OCIO
    except ImportError as err:  # pragma: no cover - depends on the install
        raise MissingEngine("OpenColorIO", str(err), "pip install 'plano[comp]'  (or: pip install opencolorio)") from None
    return OCIO


@functools.cache
def studio_config():
    """(name, config) of the newest ACES 1.3 studio config this OpenColorIO holds."""
    OCIO = _ocio()
    available = set(OCIO.BuiltinConfigRegistry())
    for name in STUDIO_CONFIGS:
        if name in available:
            return name, OCIO.Config.CreateFromBuiltinConfig(name)
    raise MissingEngine("OpenColorIO ACES studio config",
                        f"OpenColorIO {OCIO.__version__} has none of {list(STUDIO_CONFIGS)}",
                        "pip install -U 'opencolorio>=2.3'")


@functools.cache
def _aliases() -> dict[str, str]:
    """normalised name -> OCIO colour space name: the short names, then every name and alias of the config."""
    _, config = studio_config()
    out: dict[str, str] = {}
    for cs in config.getColorSpaces():
        out.setdefault(_key(cs.getName()), cs.getName())
        for a in cs.getAliases():
            out.setdefault(_key(a), cs.getName())
    for s in INPUT_SPACES:
        out[_key(s.name)] = s.ocio
    extra = {"srgbtexture": "sRGB Encoded Rec.709 (sRGB)", "rec709": "Camera Rec.709", "bt709": "Camera Rec.709",
             "logc": "ARRI LogC3 (EI800)", "logc3": "ARRI LogC3 (EI800)", "logc4": "ARRI LogC4",
             "slog3": "S-Log3 S-Gamut3", "linear": "Linear Rec.709 (sRGB)", "acesap1": "ACEScg", "acesap0": "ACES2065-1"}
    for k, v in extra.items():
        out.setdefault(k, v)
    return out


def resolve(name: str) -> str:
    """The OCIO colour space a name means (``"ARRI LogC3"`` -> ``"ARRI LogC3 (EI800)"``), or a PlanoError that
    lists the names plano knows."""
    hit = _aliases().get(_key(str(name)))
    if hit is None:
        raise PlanoError(
            f"colour space {name!r} is not known; expected one of {', '.join(s.name for s in INPUT_SPACES)} "
            "(or any colour space of the OCIO ACES studio config). Run `plano colorspaces` to see them."
        )
    return hit


@functools.cache
def _processor(src: str, dst: str):
    _, config = studio_config()
    return config.getProcessor(src, dst).getDefaultCPUProcessor()


def convert(rgb: np.ndarray, src: str, dst: str) -> np.ndarray:
    """(..., 3) float32 from colour space ``src`` to ``dst`` (names as ``resolve`` takes them). Returns a new array."""
    arr = np.asarray(rgb, dtype=np.float32)
    if arr.ndim < 1 or arr.shape[-1] != 3:
        raise PlanoError(f"a colour conversion expects RGB with 3 channels last, e.g. (H, W, 3); got shape {arr.shape}")
    a, b = resolve(src), resolve(dst)
    out = np.ascontiguousarray(arr, dtype=np.float32).copy()
    if a != b:
        from plano.color.ocio import apply_rgb

        apply_rgb(_processor(a, b), out)
    return out


def to_acescg(rgb: np.ndarray, src: str) -> np.ndarray:
    """(..., 3) in colour space ``src`` -> scene-linear ACEScg."""
    return convert(rgb, src, SCENE)


def from_acescg(rgb: np.ndarray, dst: str) -> np.ndarray:
    """Scene-linear ACEScg (..., 3) -> colour space ``dst``."""
    return convert(rgb, SCENE, dst)


def to_log(acescg: np.ndarray) -> np.ndarray:
    """ACEScg -> ACEScct, the log space grades are applied in."""
    return convert(acescg, SCENE, LOG_GRADING)


def from_log(acescct: np.ndarray) -> np.ndarray:
    """ACEScct -> ACEScg."""
    return convert(acescct, LOG_GRADING, SCENE)


def listing() -> list[tuple[str, str, str]]:
    """(short name, OCIO colour space, what it is for) for every input space plano names, for ``plano colorspaces``."""
    name, config = studio_config()
    have = {cs.getName() for cs in config.getColorSpaces()}
    return [(s.name, s.ocio if s.ocio in have else f"{s.ocio} (missing from {name})", s.note) for s in INPUT_SPACES]
