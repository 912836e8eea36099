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
MAX_SHOT_CHARS = 64
MAX_VERSION = 9999
VERSION_RE = re.compile(r"^v(\d{3,})$")
FRAME_FILE_RE = re.compile(r"^(?P<name>.+)\.(?P<frame>\d{4,})\.(?P<ext>[A-Za-z0-9]+)$")


def shot_name_problem(shot: object) -> str | None:
    """Why ``shot`` cannot name a shot folder, or ``None`` when it is ``SEQ_SHOT`` (ASCII letters and digits, one
    underscore, at most 64 characters: no '/', '..', space or control character can reach a path)."""
    if not isinstance(shot, str) or not SHOT_RE.fullmatch(shot) or not shot.isascii():
        return (f"shot name {shot!r} is not of the form SEQ_SHOT (letters and digits, one underscore), "
                "e.g. SEQ010_SH010")
    if len(shot) > MAX_SHOT_CHARS:
        return f"shot name {shot[:20]!r}... has {len(shot)} characters; at most {MAX_SHOT_CHARS}"
    return None


def check_shot_name(shot: str) -> str:
    """``shot`` if it is ``SEQ_SHOT`` (letters and digits, one underscore), else a PlanoError saying so."""
    problem = shot_name_problem(shot)
    if problem:
        raise PlanoError(problem)
    return shot


def check_version(version: object) -> int:
    """``version`` if it is a whole number 1..9999, else a PlanoError saying so."""
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
        raise PlanoError(f"version must be a whole number from 1 to {MAX_VERSION}, got {version!r}")
    return version


def version_dir(version: int) -> str:
    """``3 -> "v003"``."""
    return f"v{check_version(int(version)):03d}"


def parse_version_dir(name: str) -> int | None:
    """``"v003" -> 3``; ``None`` for a name that is not a version folder."""
    m = VERSION_RE.fullmatch(name)
    return int(m.group(1)) if m else None


def run_name(shot: str, version: int) -> str:
    """``SEQ010_SH010_v003``: the prefix of every file of that version."""
    return f"{check_shot_name(shot)}_{version_dir(version)}"


def frame_file(name: str, frame: int, ext: str = "exr") -> str:
    """``SEQ010_SH010_v003.1001.exr``."""
    return f"{name}.{int(frame):0{PADDING}d}.{ext}"


def frame_pattern(name: str, ext: str = "exr") -> str:
    """``SEQ010_SH010_v003.####.exr``: the sequence as compositors write it."""
    return f"{name}.{'#' * PADDING}.{ext}"


def parse_frame_file(filename: str) -> tuple[str, int, str] | None:
    """``"SEQ010_SH010_v003.1001.exr" -> ("SEQ010_SH010_v003", 1001, "exr")``; ``None`` if not a frame file."""
    m = FRAME_FILE_RE.fullmatch(filename)
    return (m.group("name"), int(m.group("frame")), m.group("ext")) if m else None


def check_shots_dir(shots_dir: str | Path) -> Path:
    """``shots_dir`` as a Path, unless it (or the shot folder in it) is a file: a PlanoError saying so."""
    shots_dir = Path(shots_dir)
    if shots_dir.exists() and not shots_dir.is_dir():
        raise PlanoError(f"--shots-dir {str(shots_dir)!r} is a file; give a folder for the run folders")
    return shots_dir


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
        """The run folder of ``shot``: a given version, the latest one, or (``new=True``) a new one, claimed
        atomically: two runs asking for a new version at once get two versions."""
        check_shot_name(shot)
        shots_dir = check_shots_dir(shots_dir)
        if new and version is None:
            return cls.claim(shots_dir, shot)
        existing = cls.versions(shots_dir, shot)
        if version is None:
            version = existing[-1] if existing else 1
        root = shots_dir / shot / version_dir(check_version(version))
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise PlanoError(f"cannot make the run folder {str(root)!r}: {err.strerror or err}") from None
        return cls(root=root, shot=shot, version=version)

    @classmethod
    def claim(cls, shots_dir: str | Path, shot: str) -> "RunFolder":
        """Make the next version's folder with an exclusive ``mkdir``: it is this run's alone (another run
        that made it first sends this one to the version after)."""
        base = check_shots_dir(shots_dir) / check_shot_name(shot)
        try:
            base.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise PlanoError(f"cannot make the shot folder {str(base)!r}: {err.strerror or err}") from None
        version = (cls.versions(shots_dir, shot) or [0])[-1] + 1
        while True:
            root = base / version_dir(version)
            try:
                root.mkdir()
                return cls(root=root, shot=shot, version=version)
            except FileExistsError:
                version += 1
            except OSError as err:
                raise PlanoError(f"cannot make the run folder {str(root)!r}: {err.strerror or err}") from None

    @classmethod
    def at(cls, folder: str | Path) -> "RunFolder":
        """The run folder at ``folder`` (``shots/SEQ010_SH010/v003``), which must exist and be named so."""
        folder = Path(folder)
        if not folder.is_dir():
            raise PlanoError(f"run folder {str(folder)!r} does not exist; expected e.g. shots/SEQ010_SH010/v001")
        version = parse_version_dir(folder.resolve().name)
        shot = folder.resolve().parent.name
        if version is None or not SHOT_RE.fullmatch(shot):
            raise PlanoError(f"{str(folder)!r} is not a run folder; expected <shots>/SEQ_SHOT/vNNN, "
                             "e.g. shots/SEQ010_SH010/v001")
        return cls(root=folder, shot=shot, version=version)
