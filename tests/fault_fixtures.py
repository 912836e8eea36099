"""Shared by the fault tests: a tiny real shot (two storeys, 64x36, 12 frames, no effects: the whole chain in
a few seconds), the CLI run as a script runs it (exit status, stderr), and a tree comparison."""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path

import numpy as np

from plano.spec.io import save_spec
from plano.spec.model import Action, Format, ShotSpec, Subject

SHOT = "SEQ030_SH010"


def tiny_spec(**update) -> ShotSpec:
    spec = ShotSpec(shot=SHOT, prompt="a small house comes down", subject=Subject(storeys=2, building_type="house"),
                    format=Format(width=64, height=36, duration_s=0.5), effects=(),
                    action=Action(kind="collapse", start_s=0.1))
    return spec.model_copy(update=update) if update else spec


def write_spec(folder: Path, name: str = "shot.yaml", **update) -> Path:
    return save_spec(tiny_spec(**update), Path(folder) / name)


def cli(capsys, *args: str) -> tuple[int, str]:
    """Run ``plano ARGS`` in this process through its real entry point; (exit status, stderr)."""
    from plano.cli.commands import main

    try:
        main(list(args))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    else:  # pragma: no cover - main always exits
        code = 0
    return code, capsys.readouterr().err


def untimed(doc):
    """A JSON document without the wall-clock times and pids it records (what two runs may not share)."""
    if isinstance(doc, dict):
        return {k: untimed(v) for k, v in doc.items()
                if k not in ("seconds", "timings_s", "finished", "started", "pid", "resumed")}
    return [untimed(v) for v in doc] if isinstance(doc, list) else doc


TIMED = {"report.html", "provenance.json", "contact.png.c2pa"}
"""Delivered files that hold the run's timings (compared without them, or not byte for byte); a signed C2PA sidecar
holds its signing time and a fresh instance id."""


def same_outputs(a: Path, b: Path) -> list[str]:
    """Relative paths whose content differs between run folders ``a`` and ``b`` (or exist in one only): EXRs and
    sim frames byte for byte, JSON without times, the movies by their decoded frames."""
    skip = ("logs/", ".plano/lock")
    files = lambda root: sorted(p.relative_to(root).as_posix() for p in root.rglob("*")  # noqa: E731
                                if p.is_file() and not p.relative_to(root).as_posix().startswith(skip))
    fa, fb = files(a), files(b)
    diff = sorted(set(fa) ^ set(fb))
    for rel in sorted(set(fa) & set(fb)):
        pa, pb = a / rel, b / rel
        if rel.endswith(".json"):
            ja, jb = json.loads(pa.read_text()), json.loads(pb.read_text())
            if rel.startswith(".plano/"):  # records: checksums of files holding times differ by design
                for j in (ja, jb):
                    files = j.get("files", {})
                    # the signed movies' bytes hold their C2PA signature's time: they are compared by their frames
                    for name in [n for n in files if n in TIMED or n.endswith((".json", ".mov", ".mp4"))]:
                        files.pop(name)
            if untimed(ja) != untimed(jb) and rel not in TIMED:
                diff.append(rel)
        elif rel.endswith((".mov", ".mp4")):
            if not _same_movie(pa, pb):
                diff.append(rel)
        elif rel in TIMED:
            continue
        elif not filecmp.cmp(pa, pb, shallow=False):
            diff.append(rel)
    return diff


def _same_movie(a: Path, b: Path) -> bool:
    import av

    def frames(p):
        with av.open(str(p)) as c:
            return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]

    fa, fb = frames(a), frames(b)
    return len(fa) == len(fb) and all(np.array_equal(x, y) for x, y in zip(fa, fb))


def copy_run(run: Path, to: Path) -> Path:
    """A copy of run folder ``run`` as ``<to>/<shot>/<version>`` (without its lock)."""
    dest = to / run.parent.name / run.name
    shutil.copytree(run, dest, ignore=shutil.ignore_patterns("lock"))
    return dest
