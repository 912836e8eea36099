"""Run folders: ``shots/SEQ010_SH010/v003/``, one per version of a shot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from plano.errors import PlanoError

_SHOT_RE = re.compile(r"^[A-Za-z0-9]+_[A-Za-z0-9]+$")
_VERSION_RE = re.compile(r"^v(\d{3,})$")


@dataclass(frozen=True)
class RunFolder:
    """One version of one shot on disk. ``root`` is e.g. ``shots/SEQ010_SH010/v003``."""

    root: Path
    shot: str
    version: int

    @property
    def name(self) -> str:
        """``SEQ010_SH010_v003``: the prefix of every file of this version."""
        return f"{self.shot}_v{self.version:03d}"

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    def frame_path(self, folder: str, frame: int, ext: str = "exr") -> Path:
        """``<root>/<folder>/<shot>_vNNN.<frame:04d>.<ext>``."""
        return self.root / folder / f"{self.name}.{frame:04d}.{ext}"

    @staticmethod
    def check_shot_name(shot: str) -> str:
        if not _SHOT_RE.match(shot):
            raise PlanoError(
                f"shot name {shot!r} is not of the form SEQ_SHOT (letters and digits, one underscore), "
                "e.g. SEQ010_SH010"
            )
        return shot

    @classmethod
    def versions(cls, shots_dir: Path, shot: str) -> list[int]:
        base = Path(shots_dir) / shot
        if not base.is_dir():
            return []
        return sorted(int(m.group(1)) for p in base.iterdir() if p.is_dir() and (m := _VERSION_RE.match(p.name)))

    @classmethod
    def open(cls, shots_dir: str | Path, shot: str, version: int | None = None, new: bool = False) -> "RunFolder":
        """The run folder of ``shot``: a given version, the latest one, or (``new=True``) the next one."""
        cls.check_shot_name(shot)
        existing = cls.versions(Path(shots_dir), shot)
        if version is None:
            version = (existing[-1] + 1 if existing else 1) if new else (existing[-1] if existing else 1)
        if version < 1:
            raise PlanoError(f"version must be 1 or more, got {version}")
        root = Path(shots_dir) / shot / f"v{version:03d}"
        root.mkdir(parents=True, exist_ok=True)
        return cls(root=root, shot=shot, version=version)
