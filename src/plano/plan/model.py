"""A sequence file: a sequence that covers one event, and its shots. The contract ``plano plan`` reads and
writes (YAML), and that an edited EDL or OTIO timeline comes back into.

```yaml
sequence: SEQ020
event: "a 1960s brutalist government building in Buenos Aires collapses into dust, afternoon"
shots:
  - shot: SH010
    text: "wide establishing shot from across the avenue, 24mm, locked off"
    duration_s: 4
  - shot: SH020
    text: "low angle close on the facade as the supports fail, handheld, 85mm"
    event_start_s: 0.5
    duration_s: 3
```

The same as plain text: the first paragraph is the event (it may start ``SEQ020:``), each further paragraph a
shot (it may start ``SH020:``); a shot's length is read from its words ("3 seconds"), and where it starts in
the event from "at 0.5 s into the event".
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from plano.core.atomic import atomic_write_text
from plano.errors import PlanoError
from plano.spec import limits
from plano.spec.model import MAX_PROMPT_CHARS

SEQUENCE_RE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,30}")
SHOT_RE = re.compile(r"[A-Za-z0-9]{1,31}")
MAX_SHOTS = 200


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SequenceShot(_Strict):
    shot: str
    """The shot's name within the sequence (``SH010``); its run folders are ``<SEQ>_<shot>/vNNN``."""
    text: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    """The shot in words: its camera, lens, framing, movement."""
    duration_s: float | None = Field(default=None, gt=0.0, le=600.0)
    """How long the shot lasts; ``None``: what its words say, else the spec's default (5 s)."""
    event_start_s: float = Field(default=0.0, ge=0.0, le=600.0)
    """Where in the event the shot's first frame is, in seconds of the event (0: its start)."""

    @field_validator("shot")
    @classmethod
    def _name(cls, v: str) -> str:
        if not SHOT_RE.fullmatch(v):
            raise ValueError(f"a shot name is letters and digits, e.g. SH010, at most 31, got {v!r}")
        return v


class Sequence(_Strict):
    sequence: str
    """The sequence's name (``SEQ020``): letters and digits."""
    event: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    """The event in words: the building, the place, the time, the action and its effects. Every shot sees it."""
    seed: int = Field(default=0, ge=0)
    shots: tuple[SequenceShot, ...] = Field(min_length=1, max_length=MAX_SHOTS)

    @field_validator("sequence")
    @classmethod
    def _name(cls, v: str) -> str:
        if not SEQUENCE_RE.fullmatch(v):
            raise ValueError(f"a sequence name is a letter then letters and digits, e.g. SEQ020, got {v!r}")
        return v

    @model_validator(mode="after")
    def _unique_shots(self) -> Sequence:
        names = [s.shot for s in self.shots]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"shot names must differ; {', '.join(twice)} appear more than once")
        return self

    def shot_name(self, shot: SequenceShot) -> str:
        """The shot's full name, ``SEQ020_SH010``."""
        return f"{self.sequence}_{shot.shot}"


# ------------------------------------------------------------------ reading and writing


def sequence_from_dict(data: object, source: str) -> Sequence:
    from plano.spec.io import describe_errors

    if not isinstance(data, dict):
        raise PlanoError(f"{source}: a sequence file is a mapping with sequence, event and shots; "
                         f"got {type(data).__name__}")
    try:
        return Sequence.model_validate(data)
    except ValidationError as err:
        lines = "\n".join(f"  - {p}" for p in describe_errors(err))
        raise PlanoError(f"{source} is not a valid sequence:\n{lines}") from None


_EVENT_START = re.compile(r"\b(?:at |from |starting )?(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?)\s+(?:into the "
                          r"(?:event|action|collapse))\b[,.;]?", re.IGNORECASE)
_HEAD = re.compile(r"^\s*([A-Za-z0-9]+)\s*:\s*")


def sequence_from_text(text: str, source: str) -> Sequence:
    """A sequence in plain text: the event's paragraph, then one paragraph a shot (see the module's text)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(paragraphs) < 2:
        raise PlanoError(f"{source}: a sequence in words is the event's paragraph and then one paragraph a shot, "
                         f"separated by blank lines; found {len(paragraphs)} paragraph(s)")
    head = _HEAD.match(paragraphs[0])
    name, event = (head.group(1), paragraphs[0][head.end():]) if head else ("SEQ010", paragraphs[0])
    shots = []
    for i, para in enumerate(paragraphs[1:], 1):
        m = _HEAD.match(para)
        shot, words = (m.group(1), para[m.end():]) if m else (f"SH{i * 10:03d}", para)
        start = _EVENT_START.search(words)
        entry: dict = {"shot": shot, "text": " ".join(words.split())}
        if start:
            entry["event_start_s"] = float(start.group(1))
            entry["text"] = " ".join((words[: start.start()] + words[start.end():]).split()).strip(" ,.;") or words
        shots.append(entry)
    return sequence_from_dict({"sequence": name, "event": " ".join(event.split()), "shots": shots}, source)


def load_sequence(path: str | Path) -> Sequence:
    """A sequence from a ``.yaml`` / ``.yml`` / ``.json`` file, or from words in any other file (``.txt``)."""
    path = Path(path)
    data = limits.read_bounded(path, "sequence", "a sequence .yaml or .txt")
    try:
        text = limits.decode(data)
        if path.suffix.lower() in (".yaml", ".yml", ".json"):
            parsed = limits.load_json(text) if path.suffix.lower() == ".json" else limits.load_yaml(text)
            limits.check_tree(parsed)
            return sequence_from_dict(parsed, str(path))
    except limits.LimitError as err:
        raise PlanoError(f"{path}: {err}") from None
    except (yaml.YAMLError, ValueError, RecursionError) as err:
        raise PlanoError(f"{path}: not valid {path.suffix.lstrip('.').upper()}: {err}") from None
    return sequence_from_text(text, str(path))


def sequence_to_yaml(seq: Sequence) -> str:
    data = seq.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def save_sequence(seq: Sequence, path: str | Path) -> Path:
    return atomic_write_text(Path(path), sequence_to_yaml(seq))
