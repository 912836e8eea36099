"""Run a chain of stages in a run folder, reusing a stage whose inputs and config have not changed.

A stage is a name, the names of the stages it reads, a config (JSON-like or pydantic) and two
functions: ``run`` computes and writes its outputs, ``load`` reads them back when the cached result
is reused. A stage's record (``.plano/<name>.json``) is written only when it has finished, so a killed
run re-enters the stage; a stage that writes many files (frames) skips the ones already written.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from plano.core.atomic import atomic_write_text
from plano.core.cache import cache_key
from plano.core.runfolder import RunFolder

Progress = Callable[[float, str], None]
"""``progress(fraction_done, message)``; fraction in [0, 1]."""


def no_progress(fraction: float, message: str = "") -> None:  # noqa: ARG001
    return None


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[RunFolder, dict[str, Any], Progress], Any]
    """``run(run_folder, upstream_outputs, progress) -> output``."""
    load: Callable[[RunFolder], Any]
    """``load(run_folder) -> output`` for a cached stage."""
    config: Any = None
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageResult:
    name: str
    key: str
    output: Any
    seconds: float
    cached: bool
    info: dict[str, Any] = field(default_factory=dict)


def _record_path(run: RunFolder, name: str):
    return run.path(".plano", f"{name}.json")


def read_record(run: RunFolder, name: str) -> dict[str, Any] | None:
    path = _record_path(run, name)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None


def run_stages(
    run: RunFolder,
    stages: Sequence[Stage],
    progress: Callable[[str], Progress] | None = None,
    force: Sequence[str] = (),
) -> dict[str, StageResult]:
    """Run ``stages`` in order. ``progress(stage_name)`` returns that stage's progress callback.

    A stage is reused when its record holds the same key (its config and all upstream keys) and its
    ``load`` succeeds; ``force`` names stages to run regardless.
    """
    results: dict[str, StageResult] = {}
    keys: dict[str, str] = {}
    for stage in stages:
        missing = [n for n in stage.inputs if n not in results]
        if missing:
            raise ValueError(f"stage {stage.name!r} reads {missing}, which do not run before it")
        key = cache_key(stage.name, stage.config, {n: keys[n] for n in stage.inputs})
        keys[stage.name] = key
        record = read_record(run, stage.name)
        cb = progress(stage.name) if progress else no_progress
        if record and record.get("key") == key and stage.name not in force:
            try:
                output = stage.load(run)
            except Exception:  # outputs gone or unreadable: run it again
                output = None
            if output is not None:
                cb(1.0, "reused")
                results[stage.name] = StageResult(stage.name, key, output, record.get("seconds", 0.0), True)
                continue
        t0 = time.perf_counter()
        output = stage.run(run, {n: results[n].output for n in stage.inputs}, cb)
        seconds = time.perf_counter() - t0
        atomic_write_text(
            _record_path(run, stage.name),
            json.dumps({"stage": stage.name, "key": key, "seconds": seconds, "finished": time.time()}, indent=2),
        )
        cb(1.0, "done")
        results[stage.name] = StageResult(stage.name, key, output, seconds, False)
    return results
