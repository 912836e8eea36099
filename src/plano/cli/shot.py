"""``plano shot``: words (or an edited shot.yaml) to a finished, reviewable shot in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from plano.cli import common
from plano.console import console, esc


def shot(
    text: Optional[str] = common.TEXT,
    spec: Optional[Path] = common.SPEC,
    quality: str = common.QUALITY,
    shots_dir: Path = common.SHOTS_DIR,
    version: Optional[int] = common.VERSION,
    force: list[str] = common.FORCE,
    wait: float = common.WAIT,
    confirm_cost: bool = common.CONFIRM_COST,
    shot_name: Optional[str] = common.SHOT,
    seed: Optional[int] = common.SEED,
    rate: Optional[float] = typer.Option(
        None, "--rate", help="Machine price in $ per hour, to show the shot's cost in the report (or PLANO_MACHINE_RATE_PER_HOUR)."
    ),
) -> None:
    """Make a whole shot from words: spec, set, scene, sim, render, deliver (movies, contact sheet, report).

    Each stage is reused when nothing it depends on has changed: edit the lens in spec.yaml and run
    `plano shot --spec shots/SEQ010_SH010/v001/spec.yaml` to re-render without re-simulating. New words
    make a new version (v002, ...). A stopped run picks up where it stopped: run the same command again.
    """
    result = common.run_stage("deliver", text, spec, shot=shot_name, seed=seed, shots_dir=shots_dir, version=version,
                              force=force, quality=quality, rate_per_hour=rate, wait_s=wait, confirm_cost=confirm_cost)
    for label, path in result.files.items():
        console.print(f"  {label:<11} {esc(path)}")
    if "report" in result.files:
        console.print(f"open [bold]{esc(result.files['report'])}[/] for the spec, frames, timings and cost.")


def register(app: typer.Typer) -> None:
    app.command("shot")(shot)
