"""The run-folder store: where a graph's nodes write, what they have finished, and what they started.

A node owns the paths it declares (``writes``). Its record (``.plano/<node>.json``) is written only when it
has finished, so a killed run re-enters it; its start marker (``.plano/<node>.started.json``) holds the key
it started with, so a run with another key removes the old outputs first, and a run with the same key keeps
what was written and resumes. The record also holds the size and SHA-256 of every file the node wrote: a
finished output is checked against them before it is reused (:meth:`Store.damaged`), so a truncated,
changed or missing file is found, named and made again. Nothing here knows what the files hold.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plano.core.atomic import atomic_write_text
from plano.errors import PlanoError

META = ".plano"
TEMPORARY = re.compile(r"\.tmp-\d+(\.[^/]*)?$")
"""Names :func:`plano.core.atomic.atomic_path` writes to before the rename (``frame.1001.tmp-123.exr``)."""


def file_digest(path: Path) -> str:
    """The SHA-256 of the file at ``path`` (hex)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


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
            data = json.loads(self._meta(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("key"), str):
            return None
        if not isinstance(data.get("seconds", 0.0), (int, float)) or isinstance(data.get("seconds"), bool):
            return None
        return data

    def write_record(self, name: str, key: str, seconds: float, config: Any, writes: tuple[str, ...] = ()) -> None:
        """Node ``name`` finished with ``key``: its record, with the size and SHA-256 of every file in ``writes``."""
        doc = {"node": name, "key": key, "seconds": seconds, "finished": time.time(), "config": config,
               "files": self.checksums(writes)}
        atomic_write_text(self._meta(name), json.dumps(doc, indent=2, default=str))

    # ------------------------------------------------------------ checking finished outputs

    def output_files(self, writes: tuple[str, ...]) -> list[str]:
        """Every file under the paths in ``writes`` (relative to the root, sorted; temporaries left out)."""
        out: list[str] = []
        for rel in writes:
            p = self.path(rel)
            found = sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else [p] if p.is_file() else []
            out += [q.relative_to(self.root).as_posix() for q in found if not TEMPORARY.search(q.name)]
        return out

    def checksums(self, writes: tuple[str, ...]) -> dict[str, list]:
        """``{relative path: [size in bytes, sha256]}`` for every file in ``writes`` (hashed on every core: hashlib
        releases the GIL, and a shot's passes are gigabytes)."""
        from concurrent.futures import ThreadPoolExecutor

        rels = self.output_files(writes)

        def one(rel: str) -> list:
            return [self.path(rel).stat().st_size, file_digest(self.path(rel))]

        if len(rels) < 8:
            return {rel: one(rel) for rel in rels}
        with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
            return dict(zip(rels, pool.map(one, rels)))

    def damaged(self, record: dict[str, Any]) -> list[tuple[str, str]]:
        """The files of a finished record that are no longer as written: ``[(relative path, why)]``
        (missing, another size, other bytes). Every byte is read (SHA-256)."""
        files = record.get("files")
        if not isinstance(files, dict):
            return []
        bad: list[tuple[str, str]] = []
        for rel, entry in files.items():
            try:
                size, digest = entry
                p = self.path(rel)
                if not p.is_file():
                    bad.append((rel, "missing"))
                elif p.stat().st_size != size:
                    bad.append((rel, f"{p.stat().st_size} bytes, written as {size}: truncated or overwritten"))
                elif file_digest(p) != digest:
                    bad.append((rel, "its bytes changed since it was written (checksum differs)"))
            except (TypeError, ValueError, PlanoError):
                bad.append((str(rel), "its record entry is damaged"))
            except OSError as err:
                bad.append((rel, f"cannot be read ({err.strerror or err})"))
        return bad

    def remove(self, rel: str) -> None:
        """Remove one output (a damaged file, before it is made again)."""
        _remove(self.path(rel))

    def sweep_temporaries(self) -> list[Path]:
        """Remove the half-written temporaries a stopped run left anywhere in the folder (call it holding the
        folder's lock: then no other run is writing them). Returns what was removed."""
        gone = []
        if self.root.is_dir():
            for p in sorted(self.root.rglob("*.tmp-*")):
                if TEMPORARY.search(p.name) and (p.is_file() or p.is_symlink()):
                    p.unlink(missing_ok=True)
                    gone.append(p)
        return gone

    def drop_record(self, name: str) -> None:
        self._meta(name).unlink(missing_ok=True)

    # ------------------------------------------------------------ starting a node

    def begin(self, name: str, key: str, writes: tuple[str, ...], fresh: bool) -> bool:
        """Prepare node ``name`` to run with ``key``. Returns ``True`` when it resumes (same key, not ``fresh``):
        its outputs are kept and only half-written temporaries are removed. Otherwise its outputs are removed.
        The start marker records the key and which process started it when (``pid``, ``started``)."""
        marker = self.path(META, f"{name}.started.json")
        try:
            started = json.loads(marker.read_text()).get("key")
        except (OSError, ValueError, AttributeError):
            started = None
        self.drop_record(name)
        resume = not fresh and started == key
        if not resume:
            for rel in writes:
                _remove(self.path(rel))
        atomic_write_text(marker, json.dumps({"node": name, "key": key, "pid": os.getpid(), "started": time.time(),
                                              "resumed": resume}))
        if not resume:
            return False
        for rel in writes:
            target = self.path(rel)
            leftovers = target.rglob("*.tmp-*") if target.is_dir() else target.parent.glob(f"{target.stem}.tmp-*")
            for tmp in leftovers:
                if TEMPORARY.search(tmp.name):
                    tmp.unlink(missing_ok=True)
        return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
