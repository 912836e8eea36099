"""A sequence that covers one event: every shot's spec from the event's words and its own, one set and one
simulation of the whole event, and each shot's graph run on them.

On disk, next to the shots' own run folders::

    shots/SEQ020/sequence.yaml         the sequence as it was planned (after an edit came back, the new cut)
    shots/SEQ020/event.yaml            the event's spec: what is built and simulated, for the whole event
    shots/SEQ020/sims/<key>/           the one set and sim of the event (set/, sim/, .plano/ records)
    shots/SEQ020/plan.json             each shot's version, run folder, movie and event frames
    shots/SEQ020_SH010/v001/ ...       each shot's versions, as `plano shot` makes them

The loop over the shots is :func:`run_sequence`, one call of :func:`run_sequence_shot` a shot: an executor
(anything with ``map(fn, items)``, as the farm's executors) may run them elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from plano.core.atomic import atomic_write_text
from plano.errors import PlanoError
from plano.plan.model import Sequence, SequenceShot, save_sequence
from plano.plan.shared import SharedSim, run_shared, shared_nodes
from plano.schema.naming import check_shots_dir
from plano.spec.model import MAX_PROMPT_CHARS, ShotSpec

EVENT_SHOT = "EVENT"
"""The event spec's shot name is ``<SEQ>_EVENT`` (it is simulated, never rendered)."""
SHOT_FIELDS = ("camera",)
"""What a shot's own words decide; the rest (the building, the place, the light, the action, the effects, the
look, the seed) is the event's, so that every shot sees the same set and the same collapse."""


@dataclass(frozen=True)
class ResolvedShot:
    """One shot of the sequence, ready to run: its spec and the event frames it shows."""

    entry: SequenceShot
    spec: ShotSpec
    event_first: int
    """The event frame shown at the shot's first frame (1001 + event_start_s x fps)."""

    @property
    def name(self) -> str:
        return self.spec.shot

    @property
    def frame_count(self) -> int:
        return self.spec.format.frame_count


@dataclass(frozen=True)
class ResolvedSequence:
    sequence: Sequence
    event: ShotSpec
    """The event's spec: what the shared set and sim are made from, as long as the whole event."""
    shots: tuple[ResolvedShot, ...]

    @property
    def fps(self) -> float:
        return self.event.format.fps


def _parse(text: str, shot: str, seed: int) -> ShotSpec:
    from plano.spec.parse import parse_prompt

    return parse_prompt(text, shot=shot, seed=seed)


def resolve(seq: Sequence) -> ResolvedSequence:
    """Every shot's spec: its camera and length from its words, everything else from the event's words."""
    from plano.spec.io import spec_from_dict

    event = _parse(seq.event, f"{seq.sequence}_{EVENT_SHOT}", seq.seed)
    if event.action.kind == "none":
        raise PlanoError(f"the event of {seq.sequence} ({seq.event!r}) names no action; say what happens, e.g. "
                         "'... collapses into dust'")
    fps = event.format.fps
    shots, ends = [], []
    for entry in seq.shots:
        own = _parse(entry.text, seq.shot_name(entry), seq.seed)
        if "format.fps" in own.sources and own.format.fps != fps:
            raise PlanoError(f"shot {entry.shot} asks for {own.format.fps:g} fps but the event runs at {fps:g} fps; "
                             "one event is simulated at one rate: give the rate in the event's words")
        duration = entry.duration_s if entry.duration_s is not None else own.format.duration_s
        offset = round(entry.event_start_s * fps)
        start_in_shot = max(0.0, event.action.start_s - entry.event_start_s)
        data = event.model_dump()
        data.update(shot=seq.shot_name(entry), camera=own.camera.model_dump(),
                    prompt=f"{entry.text}. {seq.event}"[:MAX_PROMPT_CHARS])
        data["format"] = {**own.format.model_dump(), "fps": fps, "speed": event.format.speed, "duration_s": duration,
                          "frame_start": event.format.frame_start}
        data["action"] = {**event.action.model_dump(), "start_s": start_in_shot}
        data["sources"] = {**{k: v for k, v in event.sources.items() if not k.startswith(("camera.", "format."))},
                           **{k: v for k, v in own.sources.items() if k.startswith(("camera.", "format."))}}
        data["notes"] = (*own.notes, *event.notes,
                         f"sequence {seq.sequence}: this shot shows the event from {entry.event_start_s:g} s "
                         f"(event frame {event.format.frame_start + offset}); the collapse starts at "
                         f"{event.action.start_s:g} s of the event, {start_in_shot:g} s into the shot")
        data["unparsed"] = tuple(dict.fromkeys((*own.unparsed, *event.unparsed)))
        spec = spec_from_dict(data, f"shot {entry.shot} of {seq.sequence}")
        shots.append(ResolvedShot(entry, spec, event.format.frame_start + offset))
        ends.append(offset + spec.format.frame_count)
    frames = max(ends)
    event = spec_from_dict({**event.model_dump(), "format": {**event.format.model_dump(), "duration_s": frames / fps}},
                           f"the event of {seq.sequence}")
    return ResolvedSequence(seq, event, tuple(shots))


# ------------------------------------------------------------------ running


@dataclass(frozen=True)
class ShotJob:
    """What one shot of a sequence needs to run anywhere (plain data: it pickles)."""

    spec: ShotSpec
    shots_dir: str
    quality: str
    shared: SharedSim
    event_first: int
    rate_per_hour: float | None = None
    until: str = "deliver"


@dataclass(frozen=True)
class ShotOutcome:
    """What one shot's run made: its version, run folder, files and, per stage, whether it ran."""

    shot: str
    version: int
    root: str
    files: dict[str, str]
    stages: dict[str, dict[str, Any]]
    """``{stage: {"cached": bool, "seconds": float, "key": str}}``."""
    event_first: int
    frame_count: int
    sim: Any = field(default=None, compare=False)
    """The shot's sim output (a :class:`plano.plan.shared.SimWindow`) when run in this process."""


def run_sequence_shot(job: ShotJob) -> ShotOutcome:
    """Run one shot of a sequence on the event's shared set and sim (its own version, as `plano shot`)."""
    from plano.shot import run_shot

    count = job.spec.format.frame_count
    nodes = shared_nodes(job.shared, job.event_first, job.spec.format.frame_start, count)
    result = run_shot(job.spec, job.shots_dir, job.quality, nodes=nodes, rate_per_hour=job.rate_per_hour,
                      until=job.until)
    stages = {n: {"cached": r.cached, "seconds": r.seconds, "key": r.key} for n, r in result.results.items()}
    sim = result.results["sim"].output if "sim" in result.results else None
    return ShotOutcome(job.spec.shot, result.run.version, str(result.run.root),
                       {k: str(v) for k, v in result.files.items()}, stages, job.event_first, count, sim)


@dataclass(frozen=True)
class SequenceRun:
    resolved: ResolvedSequence
    folder: Path
    shared: SharedSim
    shots: tuple[ShotOutcome, ...]


def sequence_folder(shots_dir: str | Path, seq: Sequence) -> Path:
    return check_shots_dir(shots_dir) / seq.sequence


def run_sequence(
    seq: Sequence,
    shots_dir: str | Path = "shots",
    quality: str = "previs",
    executor: Any = None,
    rate_per_hour: float | None = None,
    until: str = "deliver",
    say: Callable[[str], None] | None = None,
    progress: Callable[[str], Any] | None = None,
) -> SequenceRun:
    """Make every shot of ``seq``: the event's set and sim once (or reused), then each shot's graph on them.

    ``executor``: anything with ``map(fn, items)`` that runs :func:`run_sequence_shot` on each
    :class:`ShotJob` (``None``: one after the other, here); ``say(line)`` hears what happens; ``progress`` is
    the stage-bar factory of the shared set and sim."""
    from plano.shot import QUALITIES, check_stage

    if quality not in QUALITIES:
        raise PlanoError(f"quality {quality!r} is not known; expected one of {', '.join(QUALITIES)}")
    check_stage(until, "stage")
    say = say or (lambda line: None)
    resolved = resolve(seq)
    folder = sequence_folder(shots_dir, seq)
    if folder.exists() and not folder.is_dir():
        raise PlanoError(f"{str(folder)!r} is a file; the sequence's folder goes there: move it or choose another "
                         "--shots-dir")
    folder.mkdir(parents=True, exist_ok=True)
    from plano.spec.io import save_spec

    save_sequence(seq, folder / "sequence.yaml")
    save_spec(resolved.event, folder / "event.yaml")
    say(f"{seq.sequence}: {len(resolved.shots)} shots, event {resolved.event.format.frame_count} frames "
        f"({resolved.event.format.duration_s:.2f} s at {resolved.fps:g} fps)")
    shared = run_shared(resolved.event, folder, quality, progress)
    say(f"event set and sim: {'simulated' if shared.simulated else 'reused'} in {shared.root}")
    light = replace(shared, results={})  # the jobs carry keys and paths, not this run's outputs
    jobs = [ShotJob(s.spec, str(shots_dir), quality, light, s.event_first, rate_per_hour, until)
            for s in resolved.shots]
    outcomes = []
    for outcome in _map_shots(jobs, shots_dir, executor):
        ran = [n for n, st in outcome.stages.items() if not st["cached"] and n not in ("set", "sim")]
        say(f"{outcome.shot} v{outcome.version:03d}: ran {', '.join(ran) or 'nothing (all reused)'}; set and sim: "
            "the event's")
        outcomes.append(outcome)
    run = SequenceRun(resolved, folder, shared, tuple(outcomes))
    write_plan(run)
    return run


def _map_shots(jobs: list[ShotJob], shots_dir: Path, executor: Any) -> Iterable[ShotOutcome]:
    """Each job through :func:`run_sequence_shot`: here, or as one task a shot on ``executor``
    (:mod:`plano.core.executor`), once its workers are seen to share ``shots_dir``."""
    if executor is None:
        return map(run_sequence_shot, jobs)
    from plano.core.executor import Task, write_marker

    executor.check_shared(Path(shots_dir), write_marker(shots_dir))
    return executor.map(run_sequence_shot, [Task(f"shot {j.spec.shot}", j) for j in jobs])


def write_plan(run: SequenceRun) -> Path:
    """``plan.json``: the sequence's shots in order, each with its version, folder, movie and event frames."""
    doc = {
        "sequence": run.resolved.sequence.sequence, "event": run.resolved.sequence.event, "fps": run.resolved.fps,
        "shared_sim": str(run.shared.root), "sim_key": run.shared.sim_key,
        "shots": [{"shot": o.shot, "version": o.version, "run": o.root, "files": o.files,
                   "event_first_frame": o.event_first, "frames": o.frame_count,
                   "event_start_s": s.entry.event_start_s, "duration_s": s.spec.format.duration_s,
                   "stages": o.stages}
                  for o, s in zip(run.shots, run.resolved.shots)],
    }
    return atomic_write_text(run.folder / "plan.json", json.dumps(doc, indent=1))


def read_plan(folder: str | Path) -> dict[str, Any]:
    path = Path(folder) / "plan.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise PlanoError(f"no plan in {str(folder)!r} ({err.strerror or err}); run `plano plan FILE` first") from None
    except ValueError as err:
        raise PlanoError(f"{path} is damaged ({err}); run `plano plan FILE` again to write it") from None
