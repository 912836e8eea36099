"""Numbers in a prompt: focal lengths, resolutions, frame rates, durations, storeys, eras, clock times, ratios.

:func:`read_number` looks at the token at ``i`` (and the unit word after it) and says what it sets, or ``None``
when the number means nothing plano knows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from plano.spec.lexicon import NUMBER_WORDS
from plano.spec.tokens import Token

# 16:9-container heights for "8K", "1080p" ...: the picture is fitted into a 16:9 frame of this height
K_HEIGHTS = {1: 540, 2: 1080, 3: 1620, 4: 2160, 5: 2880, 6: 3240, 8: 4320, 12: 6480, 16: 8640}
P_HEIGHTS = {360, 480, 540, 576, 720, 1080, 1440, 2160, 4320}
VIDEO_RATES = {23.976, 23.98, 24, 25, 29.97, 30, 48, 50, 59.94, 60, 100, 119.88, 120}
KNOWN_RATIOS = {
    (16, 9), (9, 16), (4, 3), (3, 4), (1, 1), (21, 9), (16, 10), (3, 2), (2, 3), (4, 5), (5, 4), (2, 1), (1, 2),
    (2.39, 1), (2.35, 1), (2.4, 1), (1.85, 1), (1.66, 1), (1.43, 1), (1.37, 1), (1.375, 1), (2.2, 1), (2.76, 1),
    (1.78, 1), (1.9, 1), (2.0, 1), (1.33, 1), (1.5, 1),
}
BARE_RATIOS = {1.33, 1.37, 1.375, 1.43, 1.66, 1.78, 1.85, 1.9, 2.2, 2.35, 2.39, 2.4, 2.55, 2.76}
UNITS = {
    "mm": "mm", "millimeter": "mm", "millimeters": "mm", "millimetre": "mm", "millimetres": "mm",
    "k": "k", "p": "p", "i": "p",
    "fps": "fps", "frames": "fps", "fp": "fps", "hz": "fps",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "min": "min", "mins": "min", "minute": "min", "minutes": "min",
    "storey": "storey", "storeys": "storey", "story": "storey", "stories": "storey", "floor": "storey",
    "floors": "storey", "level": "storey", "levels": "storey", "storied": "storey", "storeyed": "storey",
    "x": "x", "deg": "deg", "degrees": "deg", "degree": "deg", "\u00b0": "deg",
    "m": "m", "meter": "m", "meters": "m", "metre": "m", "metres": "m", "ft": "ft", "feet": "ft", "foot": "ft",
    "th": "th", "st": "th", "nd": "th", "rd": "th",
}
TIME_OF_DAY_BY_HOUR = ((4, "night"), (6, "dawn"), (11, "morning"), (14, "noon"), (17, "afternoon"),
                       (19, "golden_hour"), (20, "dusk"), (24, "night"))


@dataclass
class NumberMeaning:
    end: int
    """Index after the last token used."""
    category: str
    sets: list[tuple[str, Any]] = field(default_factory=list)
    implies: list[tuple[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reject: str = ""
    """Why a number with a known unit was not used (out of range): the words go to ``unparsed`` with this note."""


def time_of_day_for(hour: int) -> str:
    for limit, name in TIME_OF_DAY_BY_HOUR:
        if hour < limit:
            return name
    return "night"


def _word(toks: list[Token], i: int) -> str:
    return toks[i].norm if 0 <= i < len(toks) and toks[i].kind in ("word", "num") else ""


def read_number_words(toks: list[Token], i: int) -> tuple[int, int] | None:
    """``twenty five`` -> (25, index after). Only words in NUMBER_WORDS."""
    w = _word(toks, i)
    if w not in NUMBER_WORDS or toks[i].kind != "word":
        return None
    v = NUMBER_WORDS[w]
    j = i + 1
    if 20 <= v <= 90 and _word(toks, j) in NUMBER_WORDS and NUMBER_WORDS[_word(toks, j)] < 10:
        v += NUMBER_WORDS[_word(toks, j)]
        j += 1
    return v, j


def _ratio(a: float, b: float) -> float | None:
    if b <= 0:
        return None
    r = a / b
    return r if 0.2 < r <= 5.0 else None


def read_ratio(tok: Token) -> NumberMeaning | None:
    """A ``ratio`` token: an aspect ratio ("16:9", "2.39:1") or a clock time ("15:30")."""
    a_s, b_s = [p.strip() for p in tok.text.replace("\u2236", ":").split(":")]
    a, b = float(a_s), float(b_s)
    if (a, b) not in KNOWN_RATIOS and "." not in a_s + b_s and len(b_s) == 2 and a <= 23 and b < 60:
        t = dt.time(int(a), int(b))
        return NumberMeaning(0, "time", [("light.local_time", t)], [("light.time_of_day", time_of_day_for(t.hour))])
    r = _ratio(a, b)
    if r is None:
        return NumberMeaning(0, "format", reject=f"format.aspect: {tok.text} is not a picture aspect (0.2 to 5)")
    return NumberMeaning(0, "format", [("format.aspect", r)])


def read_time(tok: Token) -> NumberMeaning:
    t = tok.text.lower().replace(".", "").replace(" ", "")
    pm = t.endswith("pm")
    hm = t[:-2]
    h, m = (int(x) for x in hm.split(":")) if ":" in hm else (int(hm), 0)
    if not (1 <= h <= 12 and m < 60):
        return NumberMeaning(0, "time", reject=f"light.local_time: {tok.text} is not a clock time")
    h = (h % 12) + (12 if pm else 0)
    t = dt.time(h, m)
    return NumberMeaning(0, "time", [("light.local_time", t)], [("light.time_of_day", time_of_day_for(h))])


def read_number(toks: list[Token], i: int) -> NumberMeaning | None:
    """What the number at ``toks[i]`` (and the unit after it) sets; ``None`` if it is not a number we read.

    A minus sign is never dropped: a negative number sets nothing but a dutch angle ("dutch -15 degrees");
    otherwise its words are reported with a note saying the value must be positive."""
    m = _read_unsigned(toks, i)
    tok = toks[i]
    if m is None or not tok.negative or m.reject:
        return m
    if m.category == "angle" and any(p == "camera.dutch_deg" for p, _ in m.sets):
        m.sets = [(p, -v if p == "camera.dutch_deg" else v) for p, v in m.sets]
        return m
    field = m.sets[0][0] if m.sets else m.category
    return NumberMeaning(m.end, m.category, reject=f"{field}: '-{tok.text}' is negative; plano drops no minus sign "
                                                   "and reads no negative value here, so these words set nothing")


def _read_unsigned(toks: list[Token], i: int) -> NumberMeaning | None:
    tok = toks[i]
    if tok.kind == "ratio":
        m = read_ratio(tok)
        m.end = i + 1
        return m
    if tok.kind == "time":
        m = read_time(tok)
        m.end = i + 1
        return m
    if tok.kind == "res":
        w_s, h_s = tok.text.lower().replace("\u00d7", "x").replace(" ", "").split("x")
        w, h = int(w_s), int(h_s)
        if 16 <= w <= 16384 and 16 <= h <= 16384 and _ratio(w, h):
            return NumberMeaning(i + 1, "resolution", [("format.size", (w, h)), ("format.aspect", w / h)])
        return NumberMeaning(i + 1, "resolution", reject=f"format: {tok.text} is not a picture size (16 to 16384 a side)")
    if tok.kind == "fstop":
        v = float(tok.text.lstrip("fFtT/ ").strip())
        if 0.5 <= v <= 64:
            return NumberMeaning(i + 1, "focus", [("camera.fstop", v)])
        return NumberMeaning(i + 1, "focus", reject=f"camera.fstop: {tok.text} is not a lens stop (0.5 to 64)")

    if tok.kind == "num" and tok.value is not None:
        value, unit, j = tok.value, tok.unit, i + 1
    elif tok.kind == "word":
        nw = read_number_words(toks, i)
        if nw is None:
            return None
        value, unit, j = float(nw[0]), "", nw[1]
    else:
        return None
    unit = UNITS.get(unit, unit)
    if not unit and _word(toks, j) in UNITS:  # unit written as its own word: "35 mm", "12 storey"
        unit = UNITS[_word(toks, j)]
        j += 1
    if unit == "fps" and _word(toks, j) in ("per", "a") and _word(toks, j + 1) in ("second", "sec"):
        j += 2
    before = _word(toks, i - 1)
    return _meaning(toks, i, j, value, unit, tok, before)


def _meaning(toks: list[Token], i: int, j: int, v: float, unit: str, tok: Token, before: str) -> NumberMeaning | None:
    integer = v == int(v)
    if unit == "mm":
        if before == "on" and v in (8, 16, 35, 65, 70) and _word(toks, j) not in ("lens", "lenses", "prime"):
            # "shot on 35mm" is the film format, not the lens
            return NumberMeaning(j, "grade", [("look.grade", "film_grain")],
                                 notes=["look.grade: '{words}' read as film stock; write '35mm lens' for a focal length"])
        if 1.0 <= v <= 2000.0:
            return NumberMeaning(j, "lens", [("camera.focal_length_mm", v)])
        return NumberMeaning(j, "lens", reject=f"camera.focal_length_mm: {v:g} mm is not a lens (1 to 2000 mm)")
    if unit == "k":
        if integer and int(v) in K_HEIGHTS:
            m = NumberMeaning(j, "resolution", [("format.resolution", K_HEIGHTS[int(v)])])
            if v >= 8:
                m.implies.append(("look.quality", "hyperreal"))
            return m
        return NumberMeaning(j, "resolution", reject=f"format: {v:g}K is not a resolution plano knows (2K to 16K)")
    if unit == "p":
        if integer and int(v) in P_HEIGHTS:
            return NumberMeaning(j, "resolution", [("format.resolution", int(v))])
        if v in VIDEO_RATES:  # "24p", "60p": progressive frames a second
            return NumberMeaning(j, "format", [("format.fps", v)])
        return NumberMeaning(j, "resolution", reject=f"format: {v:g}p is not a resolution plano knows")
    if unit == "fps":
        if 1 <= v <= 240:
            return NumberMeaning(j, "format", [("format.fps", v)])
        return NumberMeaning(j, "format", reject=f"format.fps: {v:g} fps is out of range (1 to 240)")
    if unit in ("s", "min") and not tok.apostrophe:
        if unit == "s" and integer and (v >= 1000 or (tok.unit == "s" and 20 <= v <= 90 and v % 10 == 0
                                                      and _word(toks, j) not in ("shot", "clip", "long", "take"))):
            return _era(j, v, toks, i)
        seconds = v * (60 if unit == "min" else 1)
        if before in ("after", "at") or _word(toks, j) == "in":
            if seconds <= 600:
                return NumberMeaning(j + (_word(toks, j) == "in"), "action", [("action.start_s", seconds)])
        if 0 < seconds <= 600:
            return NumberMeaning(j, "format", [("format.duration_s", seconds)])
        return NumberMeaning(j, "format", reject=f"format.duration_s: {seconds:g} s is out of range (up to 600 s)")
    if unit == "s" and tok.apostrophe and integer:
        return _era(j, v, toks, i)
    if unit == "storey":
        if integer and 1 <= v <= 200:
            # "12 storeys high/tall": the adjective belongs to the storeys
            if _word(toks, j) in ("high", "tall"):
                j += 1
            return NumberMeaning(j, "storeys", [("subject.storeys", int(v))])
        return NumberMeaning(j, "storeys", reject=f"subject.storeys: {v:g} is out of range (1 to 200)")
    if unit == "x" and _word(toks, j) in ("anamorphic", "squeeze"):
        if 1.0 < v <= 2.0:
            return NumberMeaning(j + 1, "lens", [("camera.anamorphic", True), ("camera.squeeze", v)])
        return NumberMeaning(j + 1, "lens", reject=f"camera.squeeze: {v:g}x is out of range (1 to 2)")
    if unit == "deg" and before in ("dutch", "angle", "tilt", "canted", "tilted"):
        if 0 < v <= 45:
            return NumberMeaning(j, "angle", [("camera.angle", "dutch"), ("camera.dutch_deg", v)])
        return NumberMeaning(j, "angle", reject=f"camera.dutch_deg: {v:g} degrees is out of range (up to 45)")
    if unit in ("m", "ft") and (_word(toks, j) in ("up", "above", "overhead", "altitude")
                                or before in ("altitude", "height", "elevation")
                                or (before == "of" and _word(toks, i - 2) in ("altitude", "height", "elevation"))):
        metres = v * (0.3048 if unit == "ft" else 1.0)
        end = j + (_word(toks, j) in ("up", "above", "overhead", "altitude"))
        if 0 <= metres <= 2000:
            return NumberMeaning(end, "height", [("camera.height_m", round(metres, 2))])
        return NumberMeaning(end, "height", reject=f"camera.height_m: {v:g} {unit} is out of range (up to 2000 m)")
    if unit in ("m", "ft") and _word(toks, j) in ("tall", "high"):
        metres = v * (0.3048 if unit == "ft" else 1.0)
        storeys = round(metres / 3.5)
        if 1 <= storeys <= 200:
            return NumberMeaning(j + 1, "storeys", [("subject.storeys", storeys)],
                                 notes=[f"subject.storeys: {storeys} from '{{words}}' at 3.5 m a storey"])
        return NumberMeaning(j + 1, "storeys", reject=f"subject.storeys: {v:g} {unit} is not a building height plano builds")
    if unit:
        return None
    # a bare number
    if before in ("rate", "framerate") or (before == "of" and _word(toks, i - 2) in ("rate", "framerate")):
        if 1 <= v <= 240:
            return NumberMeaning(j, "format", [("format.fps", v)])
    if integer and 1000 <= v <= 2100:
        return _era(j, v, toks, i)
    if not integer and round(v, 3) in BARE_RATIOS:
        return NumberMeaning(j, "format", [("format.aspect", v)])
    return None


def _era(j: int, v: float, toks: list[Token], i: int) -> NumberMeaning:
    year = int(v)
    if year < 100:  # "'60s" / "60s"
        year += 1900
    if 1000 <= year <= 2100:
        return NumberMeaning(j, "era", [("subject.era", year)])
    return NumberMeaning(j, "era", reject=f"subject.era: {toks[i].text} is not a year plano builds (1000 to 2100)")
