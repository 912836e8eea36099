"""The look: the spec's look words as one grade, applied in ACEScct (log) through OpenColorIO's CDL transform.

A preset (``looks/villeneuve.yaml``) says in a colourist's terms what it does (exposure, contrast, saturation,
lift, warm-cool split, tint, grain); grade words (``look.grade``: ``desaturated``, ``high_contrast``, ...) and mood
words (``light.mood``: ``gritty``, ``dramatic``) adjust it (``looks/_modifiers.yaml``), unless the spec says
``--style raw``. The result compiles to exactly one ASC CDL (slope, offset, power, saturation) in ACEScct, which
``write_cc`` saves as a ``.cc`` file for the colourist, so the grade seen in plano's movies is the grade they load.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from plano.errors import PlanoError

MID_GREY = 0.18
LUMA_709 = (0.2126, 0.7152, 0.0722)
"""The ASC CDL saturation weights (the CDL specification uses Rec.709 luma)."""
ADDITIVE = ("exposure_stops", "lift", "warm_cool", "grain")
MULTIPLY = ("contrast", "saturation")


@dataclass(frozen=True)
class LookParams:
    name: str
    description: str = ""
    exposure_stops: float = 0.0
    contrast: float = 1.0
    saturation: float = 1.0
    lift: float = 0.0
    warm_cool: float = 0.0
    tint: tuple[float, float, float] = (0.0, 0.0, 0.0)
    grain: float = 0.0
    source: str = ""
    """The file it came from."""
    applied: tuple[str, ...] = field(default_factory=tuple)
    """The words that changed it (``grade:desaturated``, ``mood:gritty``)."""

    @property
    def is_identity(self) -> bool:
        return (self.exposure_stops == 0 and self.contrast == 1 and self.saturation == 1 and self.lift == 0
                and self.warm_cool == 0 and not any(self.tint))


@dataclass(frozen=True)
class CDL:
    """ASC CDL in ACEScct: ``out = (in * slope + offset) ** power``, then saturation about Rec.709 luma."""

    slope: tuple[float, float, float]
    offset: tuple[float, float, float]
    power: tuple[float, float, float] = (1.0, 1.0, 1.0)
    saturation: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"slope": list(self.slope), "offset": list(self.offset), "power": list(self.power),
                "saturation": self.saturation}


def _looks_dir():
    return resources.files("plano.comp") / "looks"


def _read_yaml(path, what: str) -> dict:
    try:
        data = yaml.safe_load(Path(str(path)).read_text()) if not hasattr(path, "read_text") else yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as err:
        raise PlanoError(f"look file {str(path)!r} cannot be read ({err}); expected a YAML {what}") from None
    if not isinstance(data, dict):
        raise PlanoError(f"look file {str(path)!r} holds {type(data).__name__}; expected a YAML mapping ({what})")
    return data


def preset_names() -> list[str]:
    """The built-in presets, by name."""
    return sorted(p.name[:-5] for p in _looks_dir().iterdir() if p.name.endswith(".yaml") and not p.name.startswith("_"))


def _params(data: dict, source: str) -> LookParams:
    allowed = {f for f in LookParams.__dataclass_fields__ if f not in ("source", "applied")}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise PlanoError(f"look file {source!r} has unknown key(s) {unknown}; expected {sorted(allowed)}")
    try:
        tint = tuple(float(v) for v in data.get("tint", (0, 0, 0)))
        if len(tint) != 3:
            raise ValueError("tint needs 3 numbers")
        kw = {k: float(data[k]) for k in ("exposure_stops", "contrast", "saturation", "lift", "warm_cool", "grain")
              if k in data}
    except (TypeError, ValueError) as err:
        raise PlanoError(f"look file {source!r}: {err}; numbers expected (tint: [r, g, b])") from None
    if kw.get("contrast", 1.0) <= 0 or kw.get("saturation", 1.0) < 0:
        raise PlanoError(f"look file {source!r}: contrast must be > 0 and saturation >= 0")
    return LookParams(name=str(data.get("name", Path(source).stem)), description=str(data.get("description", "")),
                      tint=tint, source=source, **kw)  # type: ignore[arg-type]


def load_preset(name_or_path: str) -> LookParams:
    """A built-in preset by name (``villeneuve``) or a look file an artist wrote (``my_look.yaml``)."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") and (p.is_file() or "/" in name_or_path):
        if not p.is_file():
            raise PlanoError(f"look file {name_or_path!r} does not exist; give a preset name ({', '.join(preset_names())}) "
                             "or the path of a look YAML file")
        return _params(_read_yaml(p, "look preset"), str(p))
    f = _looks_dir() / f"{name_or_path}.yaml"
    if not f.is_file():
        raise PlanoError(f"look preset {name_or_path!r} is not known; expected one of {', '.join(preset_names())} "
                         "or the path of a look YAML file. Run `plano looks` to see them.")
    return _params(_read_yaml(f, "look preset"), f"looks/{name_or_path}.yaml")


@functools.cache
def modifiers() -> dict[str, dict[str, dict]]:
    data = _read_yaml(_looks_dir() / "_modifiers.yaml", "table of modifiers")
    return {k: dict(v or {}) for k, v in data.items()}


def _modify(p: LookParams, change: dict, label: str) -> LookParams:
    kw: dict[str, Any] = {}
    for k, v in change.items():
        if k in ADDITIVE:
            kw[k] = getattr(p, k) + float(v)
        elif k in MULTIPLY:
            kw[k] = getattr(p, k) * float(v)
        elif k == "tint":
            kw[k] = tuple(a + float(b) for a, b in zip(p.tint, v))
        else:
            raise PlanoError(f"look modifier {label!r} changes {k!r}, which a look does not have")
    return replace(p, applied=p.applied + (label,), **kw)


@dataclass(frozen=True)
class ResolvedLook:
    params: LookParams
    cdl: CDL
    ignored: tuple[str, ...]
    """Words that change nothing in the grade (no modifier for them, or ``--style raw`` kept them out)."""


def resolve_look(preset: str, grade: tuple[str, ...] = (), mood: tuple[str, ...] = (), raw: bool = False,
                 quality: str = "standard") -> ResolvedLook:
    """The spec's look (``look.preset``, ``look.grade``, ``light.mood``, ``look.raw``, ``look.quality``) as parameters
    and one CDL. ``hyperreal`` quality adds fine grain (what real footage has); the render's own quality comes from
    ``--quality``."""
    p = load_preset(preset)
    ignored: list[str] = []
    table = modifiers()
    for kind, words in (("grade", grade), ("mood", mood)):
        for w in words:
            if raw:
                ignored.append(f"{kind}:{w} (--style raw: the preset only)")
            elif w in table.get(kind, {}):
                p = _modify(p, table[kind][w], f"{kind}:{w}")
            else:
                ignored.append(f"{kind}:{w} (no grade for it)")
    if quality == "hyperreal" and p.grain < 0.15:
        p = replace(p, grain=0.15, applied=p.applied + ("quality:hyperreal (fine grain)",))
    return ResolvedLook(p, compile_cdl(p), tuple(ignored))


def _cct(x: float) -> float:
    from plano.color.spaces import to_log

    return float(to_log(np.full((1, 3), x, np.float32))[0, 0])


def compile_cdl(p: LookParams) -> CDL:
    """The look as one ASC CDL in ACEScct. Each step is ``y = a x + b`` per channel, composed in order:
    exposure (stops / 17.52 code values), contrast about mid-grey, lift (blacks up, white fixed), the warm-cool
    split (about mid-grey: highlights one way, shadows the other), tint."""
    pivot, white = _cct(MID_GREY), _cct(1.0)
    a = np.ones(3)
    b = np.zeros(3)

    def then(a2, b2):
        nonlocal a, b
        a, b = a * a2, b * a2 + b2

    then(1.0, p.exposure_stops / 17.52)
    then(p.contrast, pivot * (1.0 - p.contrast))
    then(1.0 - p.lift / white, p.lift)
    k = p.warm_cool / (white - pivot) * np.array([1.0, 0.0, -1.0])
    then(1.0 + k, -k * pivot)
    then(1.0, np.asarray(p.tint, float))
    r6 = lambda v: tuple(round(float(x), 6) for x in v)  # noqa: E731
    return CDL(slope=r6(a), offset=r6(b), power=(1.0, 1.0, 1.0), saturation=round(float(p.saturation), 6))


@functools.cache
def _processor(cdl: CDL):
    import PyOpenColorIO as OCIO

    from plano.color.spaces import LOG_GRADING, SCENE, resolve, studio_config

    _, config = studio_config()
    t = OCIO.CDLTransform()
    t.setSlope(list(cdl.slope))
    t.setOffset(list(cdl.offset))
    t.setPower(list(cdl.power))
    t.setSat(float(cdl.saturation))
    t.setStyle(OCIO.CDL_NO_CLAMP)
    group = OCIO.GroupTransform()
    group.appendTransform(OCIO.ColorSpaceTransform(resolve(SCENE), resolve(LOG_GRADING)))
    group.appendTransform(t)
    group.appendTransform(OCIO.ColorSpaceTransform(resolve(LOG_GRADING), resolve(SCENE)))
    return config.getProcessor(group).getDefaultCPUProcessor()


def apply_cdl(acescg: np.ndarray, cdl: CDL) -> np.ndarray:
    """Scene-linear ACEScg (..., 3) graded by ``cdl`` in ACEScct (OCIO: ACEScg -> ACEScct, CDL, -> ACEScg)."""
    out = np.ascontiguousarray(np.asarray(acescg, np.float32)).copy()
    if cdl.slope == (1.0, 1.0, 1.0) and cdl.offset == (0.0, 0.0, 0.0) and cdl.power == (1.0, 1.0, 1.0) \
            and cdl.saturation == 1.0:
        return out
    from plano.color.ocio import apply_rgb

    apply_rgb(_processor(cdl), out)
    return out


def grain_sigma_log(amount: float) -> float:
    """The film grain a look asks for, as a standard deviation in ACEScct code values (1.0 -> 0.012)."""
    return 0.012 * max(0.0, float(amount))


def write_cc(path: str | Path, cdl: CDL, cc_id: str, description: str = "") -> Path:
    """Save ``cdl`` as an ASC CDL ColorCorrection (``.cc``) for a colourist. The values act in ACEScct."""
    from xml.sax.saxutils import escape

    from plano.core.atomic import atomic_write_text

    f = lambda v: " ".join(f"{x:.6f}" for x in v)  # noqa: E731
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ColorCorrection id="{escape(cc_id)}">\n'
        f"  <Description>{escape(description)}</Description>\n"
        "  <InputDescription>ACEScct</InputDescription>\n"
        "  <ViewingDescription>ACES 1.0 - SDR Video</ViewingDescription>\n"
        f"  <SOPNode>\n    <Slope>{f(cdl.slope)}</Slope>\n    <Offset>{f(cdl.offset)}</Offset>\n"
        f"    <Power>{f(cdl.power)}</Power>\n  </SOPNode>\n"
        f"  <SatNode>\n    <Saturation>{cdl.saturation:.6f}</Saturation>\n  </SatNode>\n"
        "</ColorCorrection>\n"
    )
    return atomic_write_text(path, text)


def read_cc(path: str | Path) -> CDL:
    """A ``.cc`` file back, read by OpenColorIO's own CDL parser."""
    import PyOpenColorIO as OCIO

    try:
        t = OCIO.CDLTransform.CreateFromFile(str(path), "")
    except Exception as err:  # noqa: BLE001 - OCIO raises its own Exception type
        raise PlanoError(f"{str(path)!r} is not a readable ASC CDL .cc file ({err})") from None
    return CDL(tuple(t.getSlope()), tuple(t.getOffset()), tuple(t.getPower()), float(t.getSat()))


def describe(look: ResolvedLook) -> str:
    p = look.params
    parts = [f"{p.name}"]
    if p.applied:
        parts.append("+ " + ", ".join(p.applied))
    return " ".join(parts)


def stops(x: float) -> float:
    return math.log2(max(x, 1e-9) / MID_GREY)
