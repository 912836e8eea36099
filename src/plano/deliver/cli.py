"""``plano deliver RUN_FOLDER``: deliver a run folder again: movies, contact sheet, report, provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from plano.cli import common
from plano.console import console, esc
from plano.errors import PlanoError


def deliver(
    run_folder: Path = typer.Argument(..., help="A run folder, e.g. shots/SEQ010_SH010/v001."),
    rate: Optional[float] = typer.Option(
        None, "--rate", help="Machine price in $ per hour for the cost line (or PLANO_MACHINE_RATE_PER_HOUR)."
    ),
    wait: float = common.WAIT,
) -> None:
    """Deliver a run folder again from its spec and passes: movies, contact sheet, report, provenance.

    Writes a ProRes 422 HQ .mov and an H.264 .mp4 (Rec.709), contact.png (sRGB), report.html and
    provenance.json, through the ACES 1.0 SDR view of OpenColorIO's built-in ACES config. The stages before
    it are reused as they are in the folder (at the quality it was rendered at).
    """
    from plano.schema.naming import RunFolder
    from plano.spec.io import load_spec

    run = RunFolder.at(run_folder)
    spec_path = run.path("spec.yaml")
    if not spec_path.is_file():
        raise PlanoError(f"{str(run_folder)!r} has no spec.yaml; deliver needs the shot's spec (frame rate, frames, "
                         "prompt); run `plano shot` to make the run folder")
    spec = load_spec(spec_path)
    record = run.record("render") or {}
    quality = (record.get("config") or {}).get("quality", "previs")
    result = common.run_stage("deliver", None, spec_path, spec=spec, run=run, force=["deliver"], quality=quality,
                              rate_per_hour=rate, wait_s=wait, confirm_cost=True)
    for label, path in result.files.items():
        console.print(f"  {label:<11} {esc(path)}")


def verify(
    file: Path = typer.Argument(..., help="A delivered movie (.mov, .mp4), the contact sheet (.png, with its .c2pa "
                                "sidecar) or a comp / pass frame (.exr)."),
    trust: Optional[Path] = typer.Option(None, "--trust", help="A root certificate (PEM) to trust, e.g. your studio's "
                                         "CA (default: plano's local test root, when it exists)."),
) -> None:
    """Read a file's C2PA Content Credentials, say in words what they claim, and whether they validate.

    Shows who made the file, with what, from which plate, whether any layer is AI-generated (the IPTC digital
    source type), and who signed it. A file changed after signing, even by one byte, is reported as tampered
    and the command exits 1.
    """
    from plano.io.c2pa import verify as run_verify

    result = run_verify(file, trust)
    for line in result.lines:
        console.print(f"  {esc(line)}")
    for f in result.failures:
        console.print(f"  [red]failure:[/] {esc(f)}")
    verdict = {"Trusted": "[green]valid, and signed by a trusted certificate[/]",
               "Valid": "[green]valid[/] (signature and hashes check; the certificate is not in a trust list)",
               "tampered": "[bold red]TAMPERED[/]: the file no longer matches its signed manifest",
               "none": "[yellow]no C2PA manifest[/]"}.get(result.state, f"[red]{result.state}[/]")
    if result.ok and any("TEST certificate" in line for line in result.lines):
        verdict = ("[green]valid[/] (signature and hashes check), signed with plano's local TEST certificate: trusted "
                   "only on this machine, not for publication")
    console.print(f"{esc(file)}: {verdict}")
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("deliver")(deliver)
    app.command("verify")(verify)
