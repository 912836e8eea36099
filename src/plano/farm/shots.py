"""Whole shots as tasks: many shot specs (the shots of a sequence) run on one executor, each shot's graph in one
task, in its own run folder under one shots folder that every worker sees."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plano.core.executor import Executor, Resources, Task, check_marker, map_path, write_marker
from plano.errors import PlanoError

SHOT_TASK = Resources(cpus=1, memory_bytes=2 << 30)
"""One shot's graph in one task: its stages one after another on one core."""


@dataclass(frozen=True)
class ShotJob:
    spec: Any
    shots_dir: Path
    quality: str
    until: str
    token: str


@dataclass(frozen=True)
class ShotDone:
    """Where a shot task left its run folder (as the worker saw it) and what each stage did."""

    shot: str
    root: Path
    stages: dict[str, dict[str, Any]]
    host: str


def run_shot_job(job: ShotJob) -> ShotDone:
    """On a worker: check the shots folder is the head's, then run the shot's graph there (holding its lock)."""
    import socket

    from plano.shot import run_shot

    check_marker(job.shots_dir, job.token)
    result = run_shot(job.spec, job.shots_dir, quality=job.quality, until=job.until)
    stages = {n: {"key": r.key, "cached": r.cached, "seconds": r.seconds} for n, r in result.results.items()}
    return ShotDone(job.spec.shot, result.run.root, stages, socket.gethostname())


def run_shots(specs: Sequence[Any], shots_dir: str | Path, executor: Executor, quality: str = "previs",
              until: str = "deliver", on_done: Callable[[int, ShotDone], None] | None = None) -> list[ShotDone]:
    """Run every spec's shot (a sequence) on ``executor``, one task a shot, in ``shots_dir``; two specs of the same
    shot name are refused (they would share versions)."""
    names = [s.shot for s in specs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise PlanoError(f"shots {', '.join(twice)} appear more than once; give each shot of a sequence its own name")
    shots_dir = Path(shots_dir)
    try:
        shots_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise PlanoError(f"cannot make the shots folder {str(shots_dir)!r}: {err.strerror or err}") from None
    token = write_marker(shots_dir)
    executor.check_shared(shots_dir, token)
    seen = map_path(shots_dir.resolve(), executor.path_map)
    tasks = [Task(f"shot {s.shot}", ShotJob(s, seen, quality, until, token)) for s in specs]
    return executor.map(run_shot_job, tasks, SHOT_TASK, on_done)
