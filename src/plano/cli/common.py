"""What every stage command shares: the same options meaning the same thing, the words-or-spec choice made
once, one progress bar per stage, and the run's summary. A stage command is the shot graph cut at its stage."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from plano.console import console, esc, text as safe_text
from plano.errors import PlanoError
from plano.shot import QUALITIES, STAGES, ShotRun, run_shot

DEFAULT_SHOT = "SEQ010_SH010"

TEXT = typer.Argument(None, metavar="[WORDS]", show_default=False,
                      help="The shot in words, in quotes: \"ultra-wide shot of a brutalist tower collapsing at dusk, 35mm\".")
SPEC = typer.Option(None, "--spec", help="An edited shot.yaml instead of words (one inside a run folder re-runs "
                    "that version).")
SEED = typer.Option(None, "--seed", help="The run's random seed: another seed, another building and collapse "
                    "(default: the spec's seed; 0 for words).")
SHOT = typer.Option(None, "--shot", help=f"The shot's name, SEQ_SHOT (default: the spec's; {DEFAULT_SHOT} for words).")
SHOTS_DIR = typer.Option(Path("shots"), "--shots-dir", help="Where run folders go: <shots-dir>/SEQ010_SH010/v001/.")
VERSION = typer.Option(None, "--version", "-v", help="Work in version N (e.g. to resume a stopped run) instead of "
                       "the latest version with the same spec, or a new one.")
FORCE = typer.Option([], "--force", help=f"Run this stage (and all after it) again even if nothing changed: "
                     f"{', '.join(STAGES)}.")
WAIT = typer.Option(0.0, "--wait", min=0.0, help="When another run is working in this version, wait up to this many "
                    "seconds for it to finish (default: say who holds it and stop, exit status 75).")
CONFIRM_COST = typer.Option(False, "--confirm-cost", help="Run a shot whose estimated cost (frames x pixels: hours "
                            "of machine time, disk, memory) is far above this machine's means.")
QUALITY = typer.Option("previs", "--quality", "-q", help="draft: 360 lines high and a lighter sim, to compare "
                       "variants; previs: fast, 720 lines high, to judge the shot; final: the spec's resolution, "
                       "supersampled.")


def resolve_spec(text: Optional[str], spec_path: Optional[Path], shot: Optional[str], seed: Optional[int],
                 quiet: bool = False):
    """The shot spec from words or a spec file, with ``--shot`` and ``--seed`` applied to either."""
    if (text is None) == (spec_path is None):
        raise PlanoError("give the shot either in words (plano shot \"wide shot of ...\") or as a file "
                         "(--spec shot.yaml), not both and not neither")
    if seed is not None and seed < 0:
        raise PlanoError(f"--seed {seed}: a seed is a whole number 0 or more, e.g. --seed 7")
    if shot is not None:
        from plano.schema.naming import check_shot_name

        check_shot_name(shot)
    if spec_path is not None:
        from plano.spec.io import load_spec, spec_from_dict

        spec = load_spec(spec_path)
        update: dict[str, Any] = {}
        if seed is not None:
            update["seed"] = seed
        if shot is not None:
            update["shot"] = shot
        if update:
            spec = spec_from_dict({**spec.model_dump(), **update}, f"{spec_path} with --seed/--shot")
    else:
        from plano.spec.parse import parse_prompt

        if not text.strip():
            raise PlanoError("the words are empty; describe the shot, e.g. plano shot \"wide shot of a brutalist "
                             "tower collapsing at dusk\"")
        spec = parse_prompt(text, shot=shot or DEFAULT_SHOT, seed=0 if seed is None else seed)
    if spec.unparsed and not quiet:
        console.print(f"[yellow]words not understood:[/] {esc(', '.join(spec.unparsed))}")
    return spec


@contextlib.contextmanager
def stage_progress(stages: Sequence[str] = STAGES) -> Iterator[Callable[[str], Callable[[float, str], None]]]:
    """One bar per stage; ``factory(stage)`` returns that stage's ``progress(fraction, message)``."""
    with Progress(
        TextColumn("[bold]{task.description:<8}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[message]}", markup=False),
        console=console,
    ) as bar:
        tasks = {s: bar.add_task(s, total=1.0, message="waiting", start=False) for s in stages}

        def factory(stage: str) -> Callable[[float, str], None]:
            task = tasks[stage]
            bar.start_task(task)

            def update(fraction: float, message: str = "") -> None:
                bar.update(task, completed=max(0.0, min(1.0, fraction)), message=safe_text(message).plain)
                if fraction >= 1.0:
                    bar.stop_task(task)

            return update

        yield factory


def run_stage(
    stage: str, text: Optional[str], spec_path: Optional[Path], *, shot: Optional[str] = None,
    seed: Optional[int] = None, shots_dir: Path = Path("shots"), version: Optional[int] = None,
    force: Sequence[str] = (), quality: str = "previs", partial: dict | None = None, spec: Any = None, run=None,
    rate_per_hour: float | None = None, wait_s: float = 0.0, confirm_cost: bool = False, generate: Any = None,
    executor: Any = None,
) -> ShotRun:
    """Run the shot graph up to ``stage`` in its run folder, with a bar per stage, and print what ran.

    The shot's cost is checked first (:mod:`plano.budget`: refused with the estimate when it is far above the
    machine's means, unless ``confirm_cost``); ``force`` also lets ``--version N`` hold another spec."""
    if quality not in QUALITIES:
        raise PlanoError(f"--quality {quality!r} is not known; expected one of {', '.join(QUALITIES)}")
    spec = spec if spec is not None else resolve_spec(text, spec_path, shot, seed)
    from plano.budget import check_cost
    from plano.shot import shot_graph

    check_cost(spec, quality, shots_dir if run is None else run.root, confirm_cost)
    names = shot_graph(spec, "X_Y_v001", quality).cut("spec", stage).names
    def notify(message: str) -> None:
        console.print(f"[yellow]note:[/] {esc(message)}")

    from plano.core.lock import acquire, release
    from plano.shot import open_run

    # the version is claimed and locked before the bars start: "in use" or "made from another spec" is one line
    if run is None:
        run, lock = open_run(spec, shots_dir, version, spec_path, replace=bool(force), wait_s=wait_s)
    else:
        lock = acquire(run.root, wait_s)
    try:
        with stage_progress(names) as factory:
            result = run_shot(spec, quality=quality, force=force, progress=factory, rate_per_hour=rate_per_hour,
                              until=stage, partial=partial, run=run, notify=notify, generate=generate,
                              executor=executor)
    finally:
        release(lock)
    summary(result)
    return result


def summary(result: ShotRun) -> None:
    console.print(f"[bold]{esc(result.run.name)}[/]  run folder: {esc(result.run.root)}")
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
