"""A note in the shot language ("try 50mm, later in the afternoon, start the collapse a second later") read
into a change of a version's spec: the next version's spec, and what changed in words.

Absolute words go through plano's own parser (:func:`plano.spec.parse.parse_prompt`): a field the note's words
set (``spec.sources``) replaces the version's value; list fields (effects, mood, grade, materials) gain what the
note names and lose what it removes ("no smoke"). What only a note can say, relative to the version, is read
here: "later / earlier in the afternoon" (two hours), "an hour later", "start the collapse a second later",
"a longer / wider lens". Words the note holds that set nothing are reported, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from plano.errors import PlanoError
from plano.review.spec_diff import spec_changes, usual_hour
from plano.spec.io import spec_from_dict
from plano.spec.model import ShotSpec
from plano.spec.numbers import time_of_day_for
from plano.spec.parse import parse_prompt

MAX_NOTE_CHARS = 2000
LIST_FIELDS = ("effects", "light.mood", "look.grade", "subject.materials")
NOTE_FILLERS = frozenset({"try", "maybe", "please", "lets", "let's", "could", "we", "make", "it", "more", "add",
                          "use", "go", "a", "bit", "little", "instead", "again", "and", "then", "with", "the",
                          "perhaps", "should", "be", "i", "think", "want", "like", "do"})
"""Words a note adds around the shot language; not reported as not understood."""
LENSES_MM = (14.0, 18.0, 21.0, 24.0, 28.0, 35.0, 40.0, 50.0, 65.0, 75.0, 85.0, 100.0, 135.0, 180.0)
"""A prime set: "a longer lens" is the next one up."""

_AMOUNT = r"(?P<n>half an?|an?|one|two|three|four|five|\d+(?:\.\d+)?)"
_NUMBERS = {"half a": 0.5, "half an": 0.5, "a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0,
            "five": 5.0}
_START = re.compile(
    r"(?:(?:start|begin|trigger)s?\s+(?:the\s+)?(?:collapse|fall|implosion|topple|action)\s+|"
    r"(?:the\s+)?(?:collapse|fall|implosion|topple|action|it)\s+(?:starts?|begins?)\s+)?"
    + _AMOUNT + r"\s+(?:seconds?|secs?|s)\s+(?P<dir>later|earlier|sooner)", re.I)
_HOURS = re.compile(_AMOUNT + r"\s+hours?\s+(?P<dir>later|earlier)(?:\s+in\s+the\s+(?:day|afternoon|morning|evening))?",
                    re.I)
_LATER = re.compile(r"\b(?P<dir>later|earlier)\s+in\s+the\s+(?:day|afternoon|morning|evening)\b|"
                    r"\b(?P<dir2>later|earlier)\s+(?:sun|light|hour)\b", re.I)
_LENS = re.compile(r"\b(?:an?\s+)?(?P<dir>longer|tighter|wider|shorter)\s+lens\b", re.I)


@dataclass(frozen=True)
class NoteChange:
    """What a note makes of a version's spec: ``spec`` (the next version's), ``changes`` in words
    (``lens 35 -> 50 mm``), ``read`` (each set of words and what it set), ``unparsed`` words."""

    spec: ShotSpec
    changes: tuple[str, ...]
    read: tuple[str, ...]
    unparsed: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"changes": list(self.changes), "read": list(self.read), "unparsed": list(self.unparsed)}


def _amount(text: str) -> float:
    text = text.lower()
    return _NUMBERS[text] if text in _NUMBERS else float(text)


def _relative(text: str, base: ShotSpec, values: dict[str, Any], read: list[str]) -> str:
    """Apply the relative phrases of ``text`` to ``values`` (field path -> value); return the text without them."""
    def start(m: re.Match) -> str:
        sign = 1.0 if m.group("dir").lower() == "later" else -1.0
        s = max(0.0, values.get("action.start_s", base.action.start_s) + sign * _amount(m.group("n")))
        values["action.start_s"] = round(s, 3)
        read.append(f"'{m.group(0)}' -> action.start_s {s:g} s")
        return ","

    def shift_hours(hours: float, words: str) -> None:
        now = values.get("light.local_time") or usual_hour(base)
        minutes = min(max(now.hour * 60 + now.minute + round(hours * 60), 0), 23 * 60 + 59)
        t = dt.time(minutes // 60, minutes % 60)
        values["light.local_time"], values["light.time_of_day"] = t, time_of_day_for(t.hour)
        read.append(f"'{words}' -> light.local_time {t:%H:%M}")

    def hours(m: re.Match) -> str:
        shift_hours((1 if m.group("dir").lower() == "later" else -1) * _amount(m.group("n")), m.group(0))
        return ","

    def later(m: re.Match) -> str:
        shift_hours(2.0 if (m.group("dir") or m.group("dir2")).lower() == "later" else -2.0, m.group(0))
        return ","

    def lens(m: re.Match) -> str:
        f = values.get("camera.focal_length_mm", base.camera.focal_length_mm)
        up = m.group("dir").lower() in ("longer", "tighter")
        pick = [x for x in LENSES_MM if (x > f if up else x < f)]
        if pick:
            new = pick[0] if up else pick[-1]
            values["camera.focal_length_mm"] = new
            read.append(f"'{m.group(0)}' -> camera.focal_length_mm {new:g} mm")
        else:
            read.append(f"'{m.group(0)}': the lens is already {f:g} mm, the end of the prime set")
        return ","

    for pattern, fn in ((_START, start), (_HOURS, hours), (_LATER, later), (_LENS, lens)):
        text = pattern.sub(fn, text)
    return text


def _set(d: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for p in parents:
        d = d[p]
    d[leaf] = value


def _get(d: dict[str, Any], path: str) -> Any:
    for p in path.split("."):
        d = d[p]
    return d


_REMOVES = re.compile(r"^(?P<field>effects|light\.mood|look\.grade|subject\.materials): '(?P<words>[^']*)' removes "
                      r"(?P<value>\S+)$")


def note_change(note: str, base: ShotSpec) -> NoteChange:
    """The next version's spec: ``base`` changed by the words of ``note`` (see the module). A note that changes
    nothing, or makes a spec that does not validate, is a PlanoError saying which words and why."""
    note = str(note)
    if len(note) > MAX_NOTE_CHARS:
        raise PlanoError(f"the note is {len(note):,} characters; at most {MAX_NOTE_CHARS:,} are read as a change")
    values: dict[str, Any] = {}
    read: list[str] = []
    rest = _relative(note, base, values, read)
    parsed = parse_prompt(rest, shot=base.shot, seed=base.seed)
    d = base.model_dump(mode="python")
    set_by_note = {p: w for p, w in parsed.sources.items() if p not in LIST_FIELDS and p not in values}
    for path, words in set_by_note.items():
        values[path] = _get(parsed.model_dump(mode="python"), path)
        read.append(f"'{', '.join(words)}' -> {path} {values[path]}")
    if "light.time_of_day" in set_by_note and "light.local_time" not in set_by_note:
        values.setdefault("light.local_time", None)  # "at dusk": the sun of dusk, not the old clock time
    for path, value in values.items():
        _set(d, path, value)
    for path in LIST_FIELDS:
        old = list(_get(d, path))
        added = [v for v in _get(parsed.model_dump(mode="python"), path) if v not in old] if path in parsed.sources else []
        removed = [m.group("value") for line in parsed.notes if (m := _REMOVES.match(line)) and m.group("field") == path]
        if added or removed:
            _set(d, path, tuple(v for v in old + added if v not in removed))
            read += [f"'{', '.join(parsed.sources.get(path, ()))}' adds {v}" for v in added]
            read += [f"removes {v}" for v in removed]
    unparsed = tuple(w for w in parsed.unparsed if not all(x.lower().strip(".,!?") in NOTE_FILLERS for x in w.split()))
    note_line = f"review note: {note.strip()}"
    d["notes"] = tuple(base.notes) + (note_line,)
    d["sources"] = {**base.sources, **{p: (note.strip()[:200],) for p in values}}
    spec = spec_from_dict(d, "the spec changed by the note")
    changes = tuple(spec_changes(base, spec))
    if not changes:
        why = f"; not understood: {', '.join(unparsed)}" if unparsed else ""
        raise PlanoError(f"the note {note.strip()[:80]!r} changes nothing in the spec{why}. Say it in the shot "
                         "language, e.g. 'try 50mm, later in the afternoon, start the collapse a second later'")
    return NoteChange(spec=spec, changes=changes, read=tuple(read), unparsed=unparsed)
