"""Naming: shots ``SEQ010_SH010``, versions ``v003``, runs ``SEQ010_SH010_v003``, frames from 1001 as ``####``.

Every stage that names a file or a folder imports these; nothing else spells the patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from plano.core.store import Store
from plano.errors import PlanoError

FIRST_FRAME = 1001
PADDING = 4
SHOT_RE = re.compile(r"^[A-Za-z0-9]+_[A-Za-z0-9]+$")
VERSION_RE = re.compile(r"^v(\d{3,})$")
FRAME_FILE_RE = re.compile(r"^(?P<name>.+)\.(?P<frame>\d{4,})\.(?P<ext>[A-Za-z0-9]+)$")


def check_shot_name(shot: str) -> str:
    """``shot`` if it is ``SEQ_SHOT`` (letters and digits, one underscore), else a PlanoError saying so."""
    if not isinstance(shot, str) or not SHOT_RE.match(shot):
        raise PlanoError(
            f"shot name {shot!r} is not of the form SEQ_SHOT (letters and digits, one underscore), e.g. SEQ010_SH010"
        )
    return shot


def version_dir(version: int) -> str:
    """``3 -> "v003"``."""
    return f"v{int(version):03d}"


def parse_version_dir(name: str) -> int | None:
    """``"v003" -> 3``; ``None`` for a name that is not a version folder."""
    m = VERSION_RE.match(name)
    return int(m.group(1)) if m else None


def run_name(shot: str, version: int) -> str:
    """``SEQ010_SH010_v003``: the prefix of every file of that version."""
    return f"{shot}_{version_dir(version)}"


def frame_file(name: str, frame: int, ext: str = "exr") -> str:
    """``SEQ010_SH010_v003.1001.exr``."""
    return f"{name}.{int(frame):0{PADDING}d}.{ext}"


def frame_pattern(name: str, ext: str = "exr") -> str:
    """``SEQ010_SH010_v003.####.exr``: the sequence as compositors write it."""
    return f"{name}.{'#' * PADDING}.{ext}"


def parse_frame_file(filename: str) -> tuple[str, int, str] | None:
    """``"SEQ010_SH010_v003.1001.exr" -> ("SEQ010_SH010_v003", 1001, "exr")``; ``None`` if not a frame file."""
    m = FRAME_FILE_RE.match(filename)
    return (m.group("name"), int(m.group("frame")), m.group("ext")) if m else None


@dataclass(frozen=True)
class RunFolder(Store):
    """One version of one shot on disk: ``shots/SEQ010_SH010/v003``; a store for the shot's graph."""

    shot: str = ""
    version: int = 1

    @property
    def name(self) -> str:
        return run_name(self.shot, self.version)

    def frame_path(self, folder: str, frame: int, ext: str = "exr") -> Path:
        """``<root>/<folder>/<shot>_vNNN.<frame:04d>.<ext>``."""
        return self.path(folder, frame_file(self.name, frame, ext))

    @staticmethod
    def versions(shots_dir: str | Path, shot: str) -> list[int]:
        base = Path(shots_dir) / check_shot_name(shot)
        if not base.is_dir():
            return []
        return sorted(v for p in base.iterdir() if p.is_dir() and (v := parse_version_dir(p.name)) is not None)

    @classmethod
    def open(cls, shots_dir: str | Path, shot: str, version: int | None = None, new: bool = False) -> "RunFolder":
        """The run folder of ``shot``: a given version, the latest one, or (``new=True``) the next one."""
        check_shot_name(shot)
        shots_dir = Path(shots_dir)
        if shots_dir.exists() and not shots_dir.is_dir():
            raise PlanoError(f"--shots-dir {str(shots_dir)!r} is a file; give a folder for the run folders")
        existing = cls.versions(shots_dir, shot)
        if version is None:
            version = (existing[-1] + 1 if existing else 1) if new else (existing[-1] if existing else 1)
        if version < 1:
            raise PlanoError(f"version must be 1 or more, got {version}")
        root = shots_dir / shot / version_dir(version)
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise PlanoError(f"cannot make the run folder {str(root)!r}: {err.strerror or err}") from None
        return cls(root=root, shot=shot, version=version)

    @classmethod
    def at(cls, folder: str | Path) -> "RunFolder":
        """The run folder at ``folder`` (``shots/SEQ010_SH010/v003``), which must exist and be named so."""
        folder = Path(folder)
        if not folder.is_dir():
            raise PlanoError(f"run folder {str(folder)!r} does not exist; expected e.g. shots/SEQ010_SH010/v001")
        version = parse_version_dir(folder.resolve().name)
        shot = folder.resolve().parent.name
        if version is None or not SHOT_RE.match(shot):
            raise PlanoError(f"{str(folder)!r} is not a run folder; expected <shots>/SEQ_SHOT/vNNN, "
                             "e.g. shots/SEQ010_SH010/v001")
        return cls(root=folder, shot=shot, version=version)
