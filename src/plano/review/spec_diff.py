"""What changed between two versions' specs, in words with units: ``lens 35 -> 50 mm, hour 15:30 -> 17:30``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plano.spec.model import ShotSpec
from plano.spec.view import leaf_fields

BOOKKEEPING = frozenset({"sources", "notes", "unparsed", "prompt", "schema_version"})
"""Fields that record how a spec was made, not what it makes: left out of the diff."""

LABELS = {
    "camera.focal_length_mm": "lens",
    "light.local_time": "hour",
    "light.time_of_day": "time of day",
    "action.start_s": "collapse start",
    "action.kind": "action",
    "action.speed": "collapse speed",
    "format.duration_s": "duration",
    "format.fps": "frame rate",
    "camera.shot_size": "framing",
    "camera.fstop": "stop",
    "subject.style": "style",
    "look.preset": "look",
}
UNITS = (("_mm", "mm"), ("_s", "s"), ("_m", "m"), ("_deg", "deg"), ("_px", "px"), ("_per_km", "/km"))


def usual_hour(spec: ShotSpec) -> dt.time:
    """The clock time the sun is set for: the spec's ``local_time``, or its time of day's usual hour there."""
    if spec.light.local_time is not None:
        return spec.light.local_time
    from plano.scene.sun import local_time_for

    p = spec.place
    return local_time_for(spec.light.time_of_day, p.latitude, p.longitude, p.date, p.timezone).time()


def _get(spec: ShotSpec, path: str) -> Any:
    node: Any = spec
    for part in path.split("."):
        node = getattr(node, part)
    return node


def _label(path: str) -> str:
    if path in LABELS:
        return LABELS[path]
    head, _, leaf = path.rpartition(".")
    for suffix, _unit in UNITS:
        if leaf.endswith(suffix):
            leaf = leaf[: -len(suffix)]
    return f"{head} {leaf}".strip().replace("_", " ") if head else leaf.replace("_", " ")


def _unit(path: str) -> str:
    if path == "format.fps":
        return " fps"
    return next((f" {u}" for suffix, u in UNITS if path.endswith(suffix)), "")


def _show(value: Any) -> str:
    if value is None:
        return "auto"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, tuple):
        return ", ".join(_show(v) for v in value) if value else "none"
    return str(value).replace("_", " ")


def spec_changes(old: ShotSpec, new: ShotSpec) -> list[str]:
    """Every field that differs, as ``label old -> new unit`` (``lens 35 -> 50 mm``), in schema order. The hour
    is compared as the clock time the sun is set for, so ``afternoon -> 17:30`` reads ``hour 15:30 -> 17:30``."""
    out: list[str] = []
    for path in leaf_fields():
        if path.split(".")[0] in BOOKKEEPING:
            continue
        a, b = _get(old, path), _get(new, path)
        if path == "light.local_time":
            a, b = usual_hour(old), usual_hour(new)
        if a == b:
            continue
        if isinstance(a, tuple) and isinstance(b, tuple):
            added = [v for v in b if v not in a]
            gone = [v for v in a if v not in b]
            parts = [f"+{_show(v)}" for v in added] + [f"-{_show(v)}" for v in gone]
            out.append(f"{_label(path)} {' '.join(parts) if parts else _show(a) + ' -> ' + _show(b)}")
            continue
        out.append(f"{_label(path)} {_show(a)} -> {_show(b)}{_unit(path)}")
    return out


def describe_changes(old: ShotSpec | None, new: ShotSpec) -> str:
    """One line: ``lens 35 -> 50 mm, hour 15:30 -> 17:30``; ``first version`` or ``same spec``."""
    if old is None:
        return "first version"
    changes = spec_changes(old, new)
    return ", ".join(changes) if changes else "same spec"
