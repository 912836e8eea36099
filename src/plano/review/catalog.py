"""What a shots folder holds: sequences, shots, each shot's versions (newest first) with their frames, stage
times, movies, what changed against the previous version. Read from the run folders plano wrote; nothing here
writes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plano.errors import PlanoError
from plano.schema.naming import SHOT_RE, RunFolder, parse_frame_file, version_dir
from plano.shot import STAGES

FRAME_FOLDERS = ("comp", "passes")
"""Where a version's frames are, the finished ones first."""


@dataclass(frozen=True)
class Version:
    shot: str
    version: int
    root: Path
    spec: Any | None
    spec_problem: str | None
    frames: tuple[int, ...]
    folders: dict[str, tuple[int, ...]] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    delivered: bool = False

    @property
    def name(self) -> str:
        return f"{self.shot}_{version_dir(self.version)}"

    @property
    def fps(self) -> float:
        return float(self.spec.format.fps) if self.spec is not None else 24.0


def _frames(folder: Path, run_name: str) -> tuple[int, ...]:
    if not folder.is_dir():
        return ()
    out = []
    for p in folder.iterdir():
        parsed = parse_frame_file(p.name)
        if parsed and parsed[0] == run_name and parsed[2] == "exr" and p.is_file():
            out.append(parsed[1])
    return tuple(sorted(out))


def _seconds(root: Path) -> dict[str, float]:
    out = {}
    for stage in STAGES:
        try:
            rec = json.loads((root / ".plano" / f"{stage}.json").read_text(encoding="utf-8"))
            if isinstance(rec.get("seconds"), (int, float)):
                out[stage] = float(rec["seconds"])
        except (OSError, ValueError, AttributeError):
            continue
    return out


def read_version(shots_dir: Path, shot: str, version: int) -> Version:
    from plano.spec.io import load_spec

    root = shots_dir / shot / version_dir(version)
    run_name = f"{shot}_{version_dir(version)}"
    spec, problem = None, None
    try:
        spec = load_spec(root / "spec.yaml")
    except PlanoError as err:
        problem = str(err)
    folders = {f: _frames(root / f, run_name) for f in FRAME_FOLDERS}
    frames = next((fr for f in FRAME_FOLDERS if (fr := folders[f])), ())
    files = {}
    for label, name in (("mov", f"{run_name}.mov"), ("mp4", f"{run_name}.mp4"), ("report", "report.html"),
                        ("contact", "contact.png")):
        if (root / name).is_file():
            files[label] = name
    return Version(shot, version, root, spec, problem, frames, folders, _seconds(root), files,
                   (root / ".plano" / "deliver.json").is_file())


def shots(shots_dir: Path) -> list[str]:
    if not shots_dir.is_dir():
        return []
    return sorted(p.name for p in shots_dir.iterdir() if p.is_dir() and not p.is_symlink() and SHOT_RE.fullmatch(p.name))


def versions(shots_dir: Path, shot: str) -> list[Version]:
    """The shot's versions, newest first."""
    return [read_version(shots_dir, shot, v) for v in reversed(RunFolder.versions(shots_dir, shot))]


def sequence_of(shot: str) -> str:
    return shot.split("_", 1)[0]


def check_shots_dir(shots_dir: str | Path) -> Path:
    """``shots_dir`` resolved, if it is a folder; a PlanoError otherwise."""
    path = Path(shots_dir)
    if not path.exists():
        raise PlanoError(f"shots folder {str(path)!r} does not exist; give the folder `plano shot` wrote to "
                         "(--shots-dir, default shots)")
    if not path.is_dir():
        raise PlanoError(f"shots folder {str(path)!r} is a file; give the folder that holds SEQ_SHOT/vNNN folders")
    return path.resolve()
