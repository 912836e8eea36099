"""``plano plan``, ``plano variants``, ``plano pick``: planning a sequence, trying variants, choosing one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from plano.cli import common
from plano.console import console, esc
from plano.farm import cli as farm_cli
from plano.errors import PlanoError

PLAN_QUALITY = typer.Option("draft", "--quality", "-q", help="draft (default): 360 lines high and a lighter sim, "
                            "to judge the cut and the cameras; previs: 720 lines high, the full sim; final.")


def _quality(quality: str) -> str:
    from plano.shot import QUALITIES

    if quality not in QUALITIES:
        raise PlanoError(f"--quality {quality!r} is not known; expected one of {', '.join(QUALITIES)}")
    return quality


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PlanoError(f"--shoot-date {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2027-03-14") from None


def plan(
    file: Path = typer.Argument(..., metavar="FILE", show_default=False,
                                help="The sequence: a .yaml (sequence, event, shots) or a .txt in words (the event's "
                                "paragraph, then one paragraph a shot)."),
    edl: Path | None = typer.Option(None, "--edl", help="The editor's cut back (.edl, or .otio, FCP 7 .xml, "
                                       ".fcpxml): the shots take its order and lengths before they are made again."),
    quality: str = PLAN_QUALITY,
    shots_dir: Path = common.SHOTS_DIR,
    shoot_date: str | None = typer.Option(None, "--shoot-date", help="The day the plates will be shot "
                                             "(YYYY-MM-DD), for the sun's hours in the techvis (default: the event's date)."),
    save: Path | None = typer.Option(None, "--save", help="With --edl: also write the re-cut sequence to this "
                                        "YAML file (your FILE is never changed)."),
    farm: str | None = farm_cli.FARM,
) -> None:
    """Make the previs of a whole sequence: every shot of one event, an animatic, the editor's files, techvis.

    The event (the building, the place, the time, what happens) is built and simulated once, and every shot is
    that same collapse seen from its own camera, so the action matches across the cuts. Each shot gets its
    own version (shots/SEQ020_SH010/v001/ ...). In shots/SEQ020/ you get the animatic (slate and burn-ins),
    the cut as OpenTimelineIO, FCP 7 XML (Premiere, Resolve), FCPX XML and a CMX 3600 EDL, and the techvis:
    a top-down plan and a camera report for each shot, with the hours the sun is right on the shoot day.

    Re-cut in your editor, export an EDL, and run `plano plan FILE --edl cut.edl`: the shots take the new
    order and lengths (trimming a head moves where the shot starts in the event) and are made again.
    """
    from plano.plan.model import load_sequence, save_sequence
    from plano.plan.outputs import make_outputs
    from plano.plan.sequence import resolve, run_sequence

    when = _date(shoot_date)
    _quality(quality)
    seq = load_sequence(file)
    if save is not None and edl is None:
        raise PlanoError("--save writes the sequence re-cut by --edl; give the editor's cut with --edl too")
    if edl is not None:
        from plano.plan.editorial import read_edit, sequence_from_edit

        fps = resolve(seq).fps
        seq, changes = sequence_from_edit(seq, read_edit(edl, fps), fps)
        for c in changes:
            console.print(f"  edit: {esc(c.shot)} {esc(c.what)}")
        if not changes:
            console.print("  edit: the cut is the same as the sequence's")
        if save is not None:
            save_sequence(seq, save)
            console.print(f"  re-cut sequence written to {esc(save)}")
    with farm_cli.executor(farm) as executor, common.stage_progress(("set", "sim")) as factory:
        run = run_sequence(seq, shots_dir, quality, say=lambda line: console.print(esc(line)), progress=factory,
                           executor=executor if executor.distributed else None)
    out = make_outputs(run, when)
    console.print(f"[bold]{esc(seq.sequence)}[/]  {len(run.shots)} shots, animatic {out.animatic.frame_count} frames")
    console.print(f"  animatic    {esc(out.animatic.path)}")
    for adapter, path in out.editorial.items():
        console.print(f"  {adapter:<11} {esc(path)}")
    console.print(f"  techvis     {esc(out.report)}")


def variants(
    text: str | None = common.TEXT,
    spec: Path | None = common.SPEC,
    vary: list[str] = typer.Option(..., "--vary", help="A field and its values, e.g. --vary lens=18,24,35 --vary "
                                   "time=16:00,18:30; short names: lens, angle, size, height, movement, fstop, time, "
                                   "weather, start, speed, direction, look, grade, seed, duration, date; or any spec "
                                   "field by its path (camera.squeeze=1.5,2). Repeat --vary for more fields."),
    quality: str = PLAN_QUALITY,
    shots_dir: Path = common.SHOTS_DIR,
    shot_name: str | None = common.SHOT,
    seed: int | None = common.SEED,
    no_reuse: bool = typer.Option(False, "--no-reuse", help="Simulate every variant on its own, even when only the "
                                  "camera or the grade differs (to measure what the reuse saves)."),
) -> None:
    """Try a shot several ways and see them side by side: every combination of the values becomes a version.

    Variants that differ only in the camera (lens, angle, framing, height, movement) or the grade share one
    simulation: the building falls the same way in all of them. A new hour or start re-simulates. You get
    grid.mp4 (all variants playing in sync, each labelled) and sheet.png (stills at the same frames) in
    shots/<SHOT>/variants/; choose one with `plano pick`.
    """
    from plano.plan.variants import parse_vary, run_variants

    _quality(quality)
    varies = [parse_vary(v) for v in vary]
    base = common.resolve_spec(text, spec, shot_name, seed)
    folder, runs = run_variants(base, varies, shots_dir, quality, reuse_sim=not no_reuse,
                                say=lambda line: console.print(esc(line)))
    console.print(f"[bold]{len(runs)} variants[/] of {esc(base.shot)}")
    console.print(f"  grid movie  {esc(folder / 'grid.mp4')}")
    console.print(f"  stills      {esc(folder / 'sheet.png')}")
    console.print(f"choose one with: plano pick {esc(base.shot)}/v{runs[0].version:03d}")


def pick(
    version: str = typer.Argument(..., metavar="VERSION", show_default=False,
                                  help="The version you choose: SEQ010_SH010/v003 (or a run folder's path)."),
    shots_dir: Path = common.SHOTS_DIR,
    note: str = typer.Option("", "--note", help="Why this one, for whoever reads the shot's picked.json."),
) -> None:
    """Mark the version of a shot you choose (after `plano variants`): it is written to shots/<SHOT>/picked.json."""
    from plano.plan.variants import pick as do_pick
    from plano.schema.naming import parse_version_dir

    parts = Path(version).parts
    if len(parts) < 2 or parse_version_dir(parts[-1]) is None:
        raise PlanoError(f"VERSION {version!r}: write the shot and its version, e.g. SEQ010_SH010/v003")
    path = do_pick(shots_dir, parts[-2], parse_version_dir(parts[-1]), note)
    console.print(f"picked {esc(parts[-2])}/{esc(parts[-1])}  ({esc(path)})")


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
    app.command("variants")(variants)
    app.command("pick")(pick)
