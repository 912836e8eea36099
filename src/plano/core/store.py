"""The run-folder store: where a graph's nodes write, what they have finished, and what they started.

A node owns the paths it declares (``writes``). Its record (``.plano/<node>.json``) is written only when it
has finished, so a killed run re-enters it; its start marker (``.plano/<node>.started.json``) holds the key
it started with, so a run with another key removes the old outputs first, and a run with the same key keeps
what was written and resumes. Nothing here knows what the files hold.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plano.core.atomic import atomic_write_text
from plano.errors import PlanoError

META = ".plano"


@dataclass(frozen=True)
class Store:
    """A run folder on disk. Every path a node asks for lies inside ``root``."""

    root: Path

    def path(self, *parts: str) -> Path:
        """``root/parts...``; a path that would leave the run folder (``..``, an absolute part) is refused."""
        p = self.root.joinpath(*parts)
        root = self.root.resolve()
        try:
            p.resolve().relative_to(root)
        except ValueError:
            raise PlanoError(
                f"{'/'.join(parts)!r} lies outside the run folder {str(self.root)!r}; names may not contain '..' "
                "or start with '/'"
            ) from None
        return p

    # ------------------------------------------------------------ records

    def _meta(self, name: str) -> Path:
        return self.path(META, f"{name}.json")

    def record(self, name: str) -> dict[str, Any] | None:
        """The finished record of node ``name``, or ``None`` (never ran, or its record is damaged)."""
        try:
            data = json.loads(self._meta(name).read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def write_record(self, name: str, key: str, seconds: float, config: Any) -> None:
        doc = {"node": name, "key": key, "seconds": seconds, "finished": time.time(), "config": config}
        atomic_write_text(self._meta(name), json.dumps(doc, indent=2, default=str))

    def drop_record(self, name: str) -> None:
        self._meta(name).unlink(missing_ok=True)

    # ------------------------------------------------------------ starting a node

    def begin(self, name: str, key: str, writes: tuple[str, ...], fresh: bool) -> bool:
        """Prepare node ``name`` to run with ``key``. Returns ``True`` when it resumes (same key, not ``fresh``):
        its outputs are kept and only half-written temporaries are removed. Otherwise its outputs are removed
        and the start marker records the new key."""
        marker = self.path(META, f"{name}.started.json")
        try:
            started = json.loads(marker.read_text()).get("key")
        except (OSError, ValueError, AttributeError):
            started = None
        self.drop_record(name)
        if fresh or started != key:
            for rel in writes:
                _remove(self.path(rel))
            atomic_write_text(marker, json.dumps({"node": name, "key": key}))
            return False
        for rel in writes:
            folder = self.path(rel)
            for tmp in folder.rglob("*.tmp-*") if folder.is_dir() else ():
                tmp.unlink(missing_ok=True)
        return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
