"""``plano openjd`` (the shot as an Open Job Description job for a studio's farm manager), ``plano farm-task``
(one step of that job, on a worker), and the ``--farm`` option of ``plano shot``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import typer

from plano.cli import common
from plano.console import console, esc
from plano.errors import PlanoError

FARM = typer.Option(None, "--farm", help="Where the work runs: local (here, the default), local-ray (a Ray cluster "
                    "started on this machine), or HOST:PORT / ray://HOST:PORT (a running Ray cluster). On a farm "
                    "the run folder must be on a disk every machine sees.")


@contextlib.contextmanager
def executor(farm: Optional[str]) -> Iterator[object]:
    """The executor ``--farm`` names, let go of when the block ends."""
    from plano.farm.executors import executor_for

    ex = executor_for(farm)
    try:
        yield ex
    finally:
        ex.close()


def openjd(
    text: Optional[str] = common.TEXT,
    spec: Optional[Path] = common.SPEC,
    quality: str = common.QUALITY,
    out: Optional[Path] = typer.Option(None, "--out", help="Where to write the job template (default: "
                                       "job.template.yaml in the shot's run folder)."),
    machines: int = typer.Option(8, "--machines", min=1, max=10000, help="How many render machines to plan the "
                                 "render chunks for (a chunk a machine, at most 24 frames a chunk)."),
    seed: Optional[int] = common.SEED,
    shot: Optional[str] = common.SHOT,
    shots_dir: Path = common.SHOTS_DIR,
    version: Optional[int] = common.VERSION,
) -> None:
    """Write the shot as an Open Job Description job template, for a studio's own farm manager (AWS Deadline
    Cloud, or any that reads OpenJD).

    The job has three steps: Simulate (one task), Render (a task per chunk of frames, spread over your
    machines) and Finish (composite and deliver). Each task runs `plano farm-task` in the shot's run folder,
    which every machine must see at the path given as the job's RunFolder parameter. Submit it with, e.g.,
    `deadline bundle submit` or `openjd run`.
    """
    from plano.core.lock import release
    from plano.farm.openjd import job_template, write_template
    from plano.shot import QUALITIES, open_run, shot_graph

    if quality not in QUALITIES:
        raise PlanoError(f"--quality {quality!r} is not known; expected one of {', '.join(QUALITIES)}")
    shot_spec = common.resolve_spec(text, spec, shot, seed)
    run, lock = open_run(shot_spec, shots_dir, version, spec)
    release(lock)
    template = job_template(shot_graph(shot_spec, run.name, quality), run.name, run.root.resolve(), quality, machines)
    path = write_template(template, out or run.path("job.template.yaml"))
    steps = template["steps"]
    chunks = len(steps[1]["parameterSpace"]["taskParameterDefinitions"][0]["range"])
    console.print(f"{esc(path)}: {len(steps)} steps (Simulate, Render in {chunks} chunks, Finish) for "
                  f"{esc(run.root)}; validated with openjd-model")


def farm_task(
    run_folder: Path = typer.Argument(..., help="The shot's run folder, e.g. /mnt/shots/SEQ010_SH010/v001."),
    until: Optional[str] = typer.Option(None, "--until", help="Run the shot up to this stage (sim, deliver, ...)."),
    chunk: Optional[str] = typer.Option(None, "--chunk", help="Run one chunk of this stage (render) ..."),
    frames: Optional[str] = typer.Option(None, "--frames", help="... made of these frames, e.g. 1001-1024."),
    quality: str = common.QUALITY,
) -> None:
    """One step of a shot's farm job (what `plano openjd` writes): --until STAGE runs the shot up to that
    stage; --chunk render --frames 1001-1024 renders those frames, alongside the other chunks."""
    from plano.farm.task import run_chunk, run_until
    from plano.shot import QUALITIES, check_stage

    if quality not in QUALITIES:
        raise PlanoError(f"--quality {quality!r} is not known; expected one of {', '.join(QUALITIES)}")
    if (until is None) == (chunk is None):
        raise PlanoError("give either --until STAGE or --chunk STAGE --frames A-B, not both and not neither")
    if until is not None:
        check_stage(until, "--until")
        begun = run_until(run_folder, until, quality)
        console.print(f"{esc(run_folder)}: done up to {esc(until)}" + (f"; began {', '.join(begun)}" if begun else ""))
        return
    if not frames:
        raise PlanoError(f"--chunk {chunk!r} needs --frames, e.g. --frames 1001-1024")
    from plano.farm.task import open_run_folder
    from plano.render.cli import parse_frames

    _, spec = open_run_folder(run_folder)
    fr = spec.format.frames
    done = run_chunk(run_folder, chunk, parse_frames(frames, fr.start, fr.stop - 1), quality)
    console.print(f"{esc(done['label'])}: " + (esc(done["skipped"]) if "skipped" in done else
                                                f"{done['seconds']:.1f} s on {esc(done['host'])}"))


def register(app: typer.Typer) -> None:
    app.command("openjd")(openjd)
    app.command("farm-task")(farm_task)
