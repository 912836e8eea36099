"""``plano comp``, ``plano looks``, ``plano colorspaces``; the plate options that ``plano shot`` shares."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from plano.cli import common
from plano.console import console, esc
from plano.errors import PlanoError

PLATE = typer.Option(None, "--plate", help="The live-action plate to put the CG over: a movie (plate.mov, .mp4), an "
                     "image sequence (plate.####.exr, .dpx, .tif, .png, .jpg) or one still held for the shot. "
                     "Without it the shot is composited over its own rendered street and sky.")
PLATE_CS = typer.Option(None, "--plate-colorspace", help="How the plate is encoded: sRGB, Rec.709, ARRI LogC3, ARRI "
                        "LogC4, Sony S-Log3, ACEScct, ACEScg, ... (`plano colorspaces` lists them). Default sRGB.")
PLATE_FPS = typer.Option(None, "--plate-fps", help="The plate's frame rate, when it is not the movie's own or the "
                         "shot's (a plate at another rate is conformed by taking the nearest frame; the report says so).")
TRACK = typer.Option(False, "--track", help="The plate is hand-held: 2D-track it and move the CG with it.")
LOOK = typer.Option(None, "--look", help="A look preset (`plano looks`) or your own look file (my_look.yaml), "
                    "instead of the one the words chose.")
C2PA_CERT = typer.Option(None, "--c2pa-cert", help="Your C2PA signing certificate chain (PEM; or PLANO_C2PA_CERT). "
                         "Without it the movies are signed with plano's local TEST certificate.")
C2PA_KEY = typer.Option(None, "--c2pa-key", help="The private key of --c2pa-cert (PEM; or PLANO_C2PA_KEY).")


def with_plate(spec: Any, plate: Optional[Path], colorspace: Optional[str], fps: Optional[float] = None,
               track: bool = False, look: Optional[str] = None) -> Any:
    """The spec with the command line's plate and look options applied (checked now, with one clear error)."""
    update: dict[str, Any] = {}
    if plate is not None or colorspace is not None or fps is not None or track:
        p = dict(spec.plate.model_dump())
        if plate is not None:
            from plano.comp.plate import kind_of, sequence_files

            if kind_of(plate) == "sequence":
                if not sequence_files(plate):
                    raise PlanoError(f"--plate {str(plate)!r}: no frames of this sequence are on disk")
            elif not Path(plate).is_file():
                raise PlanoError(f"--plate {str(plate)!r} does not exist; give a movie, an image sequence "
                                 "(plate.####.exr) or a still")
            p["path"] = str(Path(plate).resolve())
        if colorspace is not None:
            from plano.color.spaces import resolve

            resolve(colorspace)  # a clear error for an unknown name
            p["colorspace"] = colorspace
        if fps is not None:
            p["fps"] = fps
        if track:
            p["track"] = True
        update["plate"] = p
    if look is not None:
        from plano.comp.look import load_preset

        load_preset(look)
        update["look"] = {**spec.look.model_dump(), "preset": look}
    if not update:
        return spec
    return type(spec).model_validate({**spec.model_dump(), **update})


def signing_env(cert: Optional[Path], key: Optional[Path]) -> None:
    """Make ``--c2pa-cert`` / ``--c2pa-key`` what this run signs with."""
    if cert is not None or key is not None:
        from plano.io.c2pa import signing_identity

        signing_identity(cert, key)  # checks both are there and are PEM
        os.environ["PLANO_C2PA_CERT"], os.environ["PLANO_C2PA_KEY"] = str(Path(cert).resolve()), str(Path(key).resolve())


def comp(
    text: Optional[str] = common.TEXT,
    spec: Optional[Path] = common.SPEC,
    plate: Optional[Path] = PLATE,
    plate_colorspace: Optional[str] = PLATE_CS,
    plate_fps: Optional[float] = PLATE_FPS,
    track: bool = TRACK,
    look: Optional[str] = LOOK,
    quality: str = common.QUALITY,
    seed: Optional[int] = common.SEED,
    shot: Optional[str] = common.SHOT,
    shots_dir: Path = common.SHOTS_DIR,
    version: Optional[int] = common.VERSION,
    force: list[str] = common.FORCE,
) -> None:
    """Composite a shot: the CG and its dust over a plate, or over its own rendered street and sky.

    In linear light (ACEScg): the CG is matched to the plate (blacks, mid-grey, whites), hazed with depth,
    given the plate's lens (distortion, vignette, fringing) and grain, wrapped in the plate's light, and
    shaken by the collapse's impacts. Writes comp/<shot>_<version>.####.exr (the comp, with the plate, CG and
    dust as layers) and comp/look.cc, the look as an ASC CDL for the colourist. Over a plate the EXRs stay
    ungraded, in the plate's colour; without one, the look is in them.
    """
    shot_spec = with_plate(common.resolve_spec(text, spec, shot, seed), plate, plate_colorspace, plate_fps, track, look)
    result = common.run_stage("comp", None, spec, spec=shot_spec, shots_dir=shots_dir, version=version, force=force,
                              quality=quality)
    out = result.results["comp"].output
    info = out.info
    console.print(f"{len(out.frames)} comp frames in {esc(result.run.path('comp'))} "
                  f"({'graded with the look' if out.graded else 'ungraded, over the plate; the look is comp/look.cc'})")
    for line in info.get("plate", {}).get("conform", []):
        console.print(f"  plate: {esc(line)}")
    lk = info.get("look", {})
    applied = "+ " + ", ".join(lk["applied"]) if lk.get("applied") else ""
    console.print(f"  look: {esc(lk.get('preset'))} {esc(applied)}")
    for w in lk.get("ignored", []):
        console.print(f"  [yellow]not used by the look:[/] {esc(w)}")


def looks_cmd() -> None:
    """List the look presets: what each does, and the ASC CDL (in ACEScct) it compiles to.

    A preset is a small YAML file: copy one (the path is shown), change its numbers, and use it with
    `plano shot ... --look my_look.yaml`. Grade words (desaturated, high contrast, film grain...) and mood
    words (gritty, dramatic) adjust the preset, unless the prompt says --style raw.
    """
    from plano.comp.look import _looks_dir, load_preset, resolve_look

    table = Table(title="look presets (values act in ACEScct)", title_justify="left")
    for col in ("preset", "what it does", "slope", "offset", "sat", "grain"):
        table.add_column(col)
    from plano.comp.look import preset_names

    for name in preset_names():
        p = load_preset(name)
        c = resolve_look(name).cdl
        table.add_row(name, p.description, " ".join(f"{v:.3f}" for v in c.slope), " ".join(f"{v:+.3f}" for v in c.offset),
                      f"{c.saturation:.2f}", f"{p.grain:.2f}")
    console.print(table)
    console.print(f"preset files: {esc(_looks_dir())}")


def colorspaces() -> None:
    """List the plate colour spaces plano reads (--plate-colorspace): camera log, video, linear and ACES.

    Each is an OpenColorIO colour space of the built-in ACES studio config; plano converts the plate from it
    to scene-linear ACEScg. Any other colour space name or alias of that config works too.
    """
    from plano.color.spaces import listing, studio_config

    table = Table(title=f"plate colour spaces ({studio_config()[0]})", title_justify="left")
    for col in ("--plate-colorspace", "OCIO colour space", "for"):
        table.add_column(col)
    for row in listing():
        table.add_row(*row)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("comp")(comp)
    app.command("looks")(looks_cmd)
    app.command("colorspaces")(colorspaces)
