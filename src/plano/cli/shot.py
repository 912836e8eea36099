"""``plano shot``: words (or an edited shot.yaml) to a finished, reviewable shot in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from plano.cli import common
from plano.comp import cli as comp_cli
from plano.farm import cli as farm_cli
from plano.console import console, esc
from plano.generate import cli as generate_cli


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
    plate: Optional[Path] = comp_cli.PLATE,
    plate_colorspace: Optional[str] = comp_cli.PLATE_CS,
    plate_fps: Optional[float] = comp_cli.PLATE_FPS,
    track: bool = comp_cli.TRACK,
    look: Optional[str] = comp_cli.LOOK,
    c2pa_cert: Optional[Path] = comp_cli.C2PA_CERT,
    c2pa_key: Optional[Path] = comp_cli.C2PA_KEY,
    generate: Optional[str] = generate_cli.ENGINE,
    model: Optional[str] = generate_cli.MODEL,
    strength: Optional[float] = generate_cli.STRENGTH,
    allow_download: bool = generate_cli.ALLOW_DOWNLOAD,
    allow_cpu: bool = generate_cli.ALLOW_CPU,
    scale: Optional[int] = generate_cli.SCALE,
    farm: Optional[str] = farm_cli.FARM,
) -> None:
    """Make a whole shot from words: spec, set, scene, sim, render, comp, deliver (movies, contact sheet, report).

    With --generate ENGINE a generative model refines the render before the comp (`plano models` lists them;
    realesrgan upscales to the delivery size on the CPU); everything it made is labelled.

    With --plate the CG is composited over your footage (say how it is encoded with --plate-colorspace);
    without it, over its own rendered street and sky. The movies carry signed C2PA Content Credentials.

    Each stage is reused when nothing it depends on has changed: edit the lens in spec.yaml and run
    `plano shot --spec shots/SEQ010_SH010/v001/spec.yaml` to re-render without re-simulating. New words
    make a new version (v002, ...). A stopped run picks up where it stopped: run the same command again.

    With --farm local-ray (or --farm HOST:PORT for a Ray cluster) the sim runs as a task and the render in
    chunks of frames on the farm's machines; the run folder must be on a disk every machine sees.
    """
    shot_spec = comp_cli.with_plate(common.resolve_spec(text, spec, shot_name, seed), plate, plate_colorspace, plate_fps,
                                    track, look)
    comp_cli.signing_env(c2pa_cert, c2pa_key)
    gen = generate_cli.settings_from(generate, model, strength, allow_download, allow_cpu, scale)
    generate_cli.announce_cost(gen, shot_spec, quality, confirm_cost)
    with farm_cli.executor(farm) as executor:
        result = common.run_stage("deliver", None, spec, spec=shot_spec, shots_dir=shots_dir, version=version,
                                  force=force, quality=quality, rate_per_hour=rate, wait_s=wait,
                                  confirm_cost=confirm_cost, generate=gen, executor=executor)
    comp = result.results.get("comp")
    if comp is not None:
        info = comp.output.info
        for line in info.get("plate", {}).get("conform", []):
            console.print(f"  plate: {esc(line)}")
        for w in info.get("look", {}).get("ignored", []):
            console.print(f"  [yellow]not used by the look:[/] {esc(w)}")
    for label, path in result.files.items():
        console.print(f"  {label:<11} {esc(path)}")
    if "report" in result.files:
        console.print(f"open [bold]{esc(result.files['report'])}[/] for the spec, frames, timings and cost.")


def register(app: typer.Typer) -> None:
    app.command("shot")(shot)
