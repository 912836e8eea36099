"""``plano deliver RUN_FOLDER``: deliver again from a run folder's existing render passes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import typer

from plano.console import console, progress_bar
from plano.errors import PlanoError

_VERSION_DIR = re.compile(r"^v(\d{3,})$")
_PASS_NAME = re.compile(r"^(?P<name>.+)\.(?P<frame>\d+)\.exr$")


def find_passes(run_folder: Path) -> tuple[str, list[Path]]:
    """The run's name (``SEQ010_SH010_v003``) and its pass EXRs (``passes/<name>.####.exr``)."""
    passes = run_folder / "passes"
    files = sorted(p for p in passes.glob("*.exr") if ".tmp-" not in p.name) if passes.is_dir() else []
    if not files:
        raise PlanoError(
            f"{str(run_folder)!r} has no render passes (expected passes/<shot>_vNNN.####.exr); "
            "give a run folder such as shots/SEQ010_SH010/v001 that `plano shot` has rendered"
        )
    m = _VERSION_DIR.match(run_folder.resolve().name)
    if m:
        name = f"{run_folder.resolve().parent.name}_v{int(m.group(1)):03d}"
    else:
        pm = _PASS_NAME.match(files[0].name)
        name = pm.group("name") if pm else run_folder.resolve().name
    ours = [p for p in files if (pm := _PASS_NAME.match(p.name)) and pm.group("name") == name]
    return name, ours or files


def deliver(
    run_folder: Path = typer.Argument(..., help="A run folder, e.g. shots/SEQ010_SH010/v001."),
    rate: Optional[float] = typer.Option(
        None, "--rate", help="Machine price in $ per hour for the cost line (or PLANO_MACHINE_RATE_PER_HOUR)."
    ),
) -> None:
    """Deliver a run folder again from its render passes: movies, contact sheet, report, provenance.

    Writes a ProRes 422 HQ .mov and an H.264 .mp4 (Rec.709), contact.png (sRGB), report.html and
    provenance.json, through the ACES 1.0 SDR view of OpenColorIO's built-in ACES config.
    """
    from plano.deliver.run import deliver_shot
    from plano.spec.io import load_spec

    if not run_folder.is_dir():
        raise PlanoError(f"run folder {str(run_folder)!r} does not exist; expected e.g. shots/SEQ010_SH010/v001")
    spec_path = run_folder / "spec.yaml"
    if not spec_path.exists():
        raise PlanoError(f"{str(run_folder)!r} has no spec.yaml; deliver needs the shot's spec (frame rate, frames, prompt)")
    spec = load_spec(spec_path)
    name, exrs = find_passes(run_folder)
    with progress_bar("deliver") as progress:
        out = deliver_shot(exrs, spec, run_folder, name, progress, rate_per_hour=rate)
    for label, path in out.items():
        console.print(f"  {label:<11} {path}")


def register(app: typer.Typer) -> None:
    app.command("deliver")(deliver)
