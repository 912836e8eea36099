"""``plano shot``: words (or an edited shot.yaml) to a finished, reviewable shot in one command."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from plano.console import console
from plano.errors import PlanoError
from plano.shot import QUALITIES, STAGES, ShotRun, run_shot


@contextlib.contextmanager
def stage_progress(stages: tuple[str, ...] = STAGES) -> Iterator[Callable[[str], Callable[[float, str], None]]]:
    """One bar per stage; ``factory(stage)`` returns that stage's ``progress(fraction, message)``."""
    with Progress(
        TextColumn("[bold]{task.description:<8}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[message]}"),
        console=console,
    ) as bar:
        tasks = {s: bar.add_task(s, total=1.0, message="waiting", start=False) for s in stages}

        def factory(stage: str) -> Callable[[float, str], None]:
            task = tasks[stage]
            bar.start_task(task)

            def update(fraction: float, message: str = "") -> None:
                bar.update(task, completed=max(0.0, min(1.0, fraction)), message=message)
                if fraction >= 1.0:
                    bar.stop_task(task)

            return update

        yield factory


def _parse(text: str, shot: str, seed: int):
    try:
        parse = importlib.import_module("plano.spec.parse").parse_prompt
    except ImportError as err:
        raise PlanoError(f"the prompt parser (plano.spec.parse) is not available in this install ({err})") from None
    return parse(text, shot=shot, seed=seed)


def summary(result: ShotRun) -> None:
    console.print(f"[bold]{result.run.name}[/]  run folder: {result.run.root}")
    table = Table()
    table.add_column("stage")
    table.add_column("this run")
    table.add_column("seconds", justify="right")
    total = 0.0
    for name, r in result.results.items():
        table.add_row(name, "[dim]reused[/]" if r.cached else "[green]ran[/]", f"{r.seconds:.1f}")
        total += 0.0 if r.cached else r.seconds
    table.add_row("[bold]total (this run)", "", f"[bold]{total:.1f}")
    console.print(table)
    for label, path in result.files.items():
        console.print(f"  {label:<11} {path}")
    if "report" in result.files:
        console.print(f"open [bold]{result.files['report']}[/] for the spec, frames, timings and cost.")


def shot(
    text: Optional[str] = typer.Argument(None, help="The shot, in words, in quotes: \"ultra-wide shot of ...\"."),
    spec: Optional[Path] = typer.Option(
        None, "--spec", help="Run an edited shot.yaml instead of words (one inside a run folder re-runs that version)."
    ),
    quality: str = typer.Option(
        "previs", "--quality", "-q", help="previs: fast, 720p, to judge the shot. final: the spec's resolution, supersampled."
    ),
    shots_dir: Path = typer.Option(Path("shots"), "--shots-dir", help="Where run folders go (shots/SEQ010_SH010/v001/)."),
    version: Optional[int] = typer.Option(
        None, "--version", "-v", help="Re-enter version N (e.g. to resume a run that was stopped) instead of choosing one."
    ),
    force: list[str] = typer.Option(
        [], "--force", help=f"Run this stage (and all after it) again even if nothing changed: {', '.join(STAGES)}."
    ),
    shot_name: str = typer.Option("SEQ010_SH010", "--shot", help="Shot name, SEQ_SHOT (for words; a spec file has its own)."),
    seed: int = typer.Option(0, "--seed", help="The run's random seed (for words; a spec file has its own)."),
    rate: Optional[float] = typer.Option(
        None, "--rate", help="Machine price in $ per hour, to show the shot's cost in the report (or PLANO_MACHINE_RATE_PER_HOUR)."
    ),
) -> None:
    """Make a whole shot from words: spec, scene, sim, render, deliver (movies, contact sheet, report).

    Each stage is reused when nothing it depends on has changed: edit the lens in spec.yaml and run
    `plano shot --spec shots/SEQ010_SH010/v001/spec.yaml` to re-render without re-simulating. New words
    make a new version (v002, ...). A stopped run picks up where it stopped: run the same command again.
    """
    if quality not in QUALITIES:
        raise PlanoError(f"--quality {quality!r} is not known; expected one of {', '.join(QUALITIES)}")
    if (text is None) == (spec is None):
        raise PlanoError(
            "give the shot either in words (plano shot \"wide shot of ...\") or as a file (plano shot --spec shot.yaml), "
            "not both and not neither"
        )
    if spec is not None:
        from plano.spec.io import load_spec

        shot_spec = load_spec(spec)
    else:
        shot_spec = _parse(text, shot_name, seed)
    if shot_spec.unparsed:
        console.print(f"[yellow]words not understood:[/] {', '.join(shot_spec.unparsed)}")
    with stage_progress() as factory:
        result = run_shot(
            shot_spec, shots_dir=shots_dir, quality=quality, version=version, spec_file=spec, force=force,
            progress=factory, rate_per_hour=rate,
        )
    summary(result)


def register(app: typer.Typer) -> None:
    app.command("shot")(shot)
