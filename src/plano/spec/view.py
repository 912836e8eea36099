"""What a stage may read of a shot spec: a view that holds only the fields the stage declares.

``SpecView(spec, ("camera", "format.fps"), reader="render")`` behaves like the spec for those fields and
their parents; reading any other field fails naming the reader and the field, so a stage's cache key (made
from ``view.data()``) covers everything the stage can read. ``unused_fields`` lists the fields no stage reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from plano.spec.model import ShotSpec


class UndeclaredField(AttributeError):
    """A stage read a spec field it did not declare."""


PROPERTY_FIELDS = {
    "format.frames": ("format.frame_start", "format.duration_s", "format.fps"),
    "format.frame_count": ("format.duration_s", "format.fps"),
}
"""The fields each computed property of the spec reads."""


def leaf_fields(model: type[BaseModel] = ShotSpec, prefix: str = "") -> tuple[str, ...]:
    """Every field path of the spec: ``camera.focal_length_mm``, ``format.fps``, ``effects``, ..."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        sub = info.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            out.extend(leaf_fields(sub, f"{path}."))
        else:
            out.append(path)
    return tuple(out)


def _covered(path: str, fields: Iterable[str]) -> bool:
    return any(path == f or path.startswith(f + ".") for f in fields)


def unused_fields(declared: Iterable[str]) -> tuple[str, ...]:
    """The spec's fields that no stage declares (read by nothing yet), in schema order."""
    declared = tuple(declared)
    return tuple(p for p in leaf_fields() if not _covered(p, declared))


class SpecView:
    """A read-only view of ``spec`` holding only ``fields`` (paths such as ``camera`` or ``look.preset``)."""

    __slots__ = ("_obj", "_fields", "_reader", "_prefix")

    def __init__(self, spec: Any, fields: Iterable[str], reader: str, _prefix: str = ""):
        object.__setattr__(self, "_obj", spec)
        object.__setattr__(self, "_fields", tuple(fields))
        object.__setattr__(self, "_reader", reader)
        object.__setattr__(self, "_prefix", _prefix)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        path = f"{self._prefix}{name}"
        value = getattr(self._obj, name)
        if isinstance(self._obj, BaseModel) and name not in type(self._obj).model_fields:
            # a computed property (format.frames): allowed when every field it reads is declared
            needs = PROPERTY_FIELDS.get(path)
            if needs is not None and all(_covered(f, self._fields) for f in needs):
                return value
            raise UndeclaredField(
                f"stage {self._reader!r} reads spec.{path}, computed from {', '.join(needs or ('undeclared fields',))}, "
                "which it does not all declare"
            )
        if _covered(path, self._fields):
            return value
        if any(f.startswith(path + ".") for f in self._fields) and isinstance(value, BaseModel):
            return SpecView(value, self._fields, self._reader, f"{path}.")
        raise UndeclaredField(
            f"stage {self._reader!r} reads spec.{path}, which it does not declare (it declares "
            f"{', '.join(self._fields)}); add it to the stage's SPEC_FIELDS so its cache key covers it"
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a spec view is read-only")

    def __reduce__(self):  # pickled for a task on another process (a farm): the same view of the same spec
        return (SpecView, (self._obj, self._fields, self._reader, self._prefix))

    def __repr__(self) -> str:
        return f"SpecView({self._reader!r}, {', '.join(self._fields)})"

    def data(self) -> dict[str, Any]:
        """The declared fields as JSON-like data: what the stage's cache key hashes."""
        full = self._obj.model_dump(mode="json")
        out: dict[str, Any] = {}
        for f in sorted(self._fields):
            node: Any = full
            for part in f.split("."):
                node = node[part]
            out[f] = node
        return out
