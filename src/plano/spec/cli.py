"""``plano parse``, ``plano schema``, ``plano cities``, ``plano cameras``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from plano.cli import common
from plano.console import visible
from plano.errors import PlanoError
from plano.spec.io import json_schema, load_spec, save_spec, spec_to_yaml
from plano.spec.model import ShotSpec

GROUPS = ("camera", "format", "subject", "place", "light", "action", "effects", "look")


def schema() -> None:
    """Print the JSON Schema of a shot spec (shot.yaml): every key, its type, range and default."""
    typer.echo(json.dumps(json_schema(), indent=2))


def _show(v: Any) -> str:
    if v is None:
        return "auto"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (tuple, list)):
        return ", ".join(str(x) for x in v) if v else "none"
    return str(v)


def spec_table(spec: ShotSpec) -> Table:
    """The shot as a table: one section per part of the spec, each field with the prompt's words that set it."""
    table = Table(title=Text(visible(spec.shot)), title_justify="left", show_lines=False, expand=False)
    table.add_column("field", style="cyan", no_wrap=True)
    table.add_column("value", style="bold")
    table.add_column("set by (words of the prompt)", style="green")
    parsed = bool(spec.prompt)
    for group in GROUPS:
        table.add_row(Text(group.upper(), style="bold magenta"), "", "")
        if group == "effects":
            rows = [("effects", spec.effects)]
        else:
            part = getattr(spec, group)
            rows = [(f"{group}.{name}", getattr(part, name)) for name in type(part).model_fields]
        for path, value in rows:
            words = spec.sources.get(path, ())
            by = Text(visible(", ".join(f"'{w}'" for w in words))) if words else Text("default" if parsed else "", style="dim")
            label = path.split(".", 1)[-1] if "." in path else path
            table.add_row(f"  {label}", Text(visible(_show(value))), by)
    return table


def print_spec(spec: ShotSpec, console: Console, unused: tuple[str, ...] = ()) -> None:
    if spec.prompt:
        console.print(Text("prompt: ", style="bold") + Text(visible(spec.prompt)), soft_wrap=True)
    console.print(spec_table(spec))
    frames = spec.format.frames
    console.print(f"{spec.format.frame_count} frames, {frames.start}-{frames.stop - 1}, seed {spec.seed}")
    from plano.budget import estimate

    for quality in ("previs", "final"):
        console.print(Text(f"cost at {quality}: {estimate(spec, quality).describe()}", style="dim"), soft_wrap=True)
    if spec.unparsed:
        console.print(Text("not understood:", style="bold red"))
        for u in spec.unparsed:
            console.print(Text(f"  {visible(u)}", style="red"), soft_wrap=True)
    elif spec.prompt:
        console.print(Text("every word was understood", style="green"))
    if unused:
        console.print(Text("not used yet (parsed and kept in the spec, but no stage changes the shot for them):",
                           style="bold yellow"))
        for path in unused:
            words = spec.sources.get(path, ())
            by = f" (set by {', '.join(repr(w) for w in words)})" if words else ""
            console.print(Text(visible(f"  {path}{by}"), style="yellow"), soft_wrap=True)
    if spec.notes:
        console.print(Text("notes:", style="bold yellow"))
        for n in spec.notes:
            console.print(Text(f"  {visible(n)}", style="yellow"), soft_wrap=True)


def parse(
    text: Optional[str] = typer.Argument(None, metavar="PROMPT", help="The shot in words, in quotes: \"wide shot of a brutalist "
                                         "tower in Kyiv at dusk, it collapses into dust, 35mm, 2.39:1\"."),
    as_json: bool = typer.Option(False, "--json", help="Print the shot spec as JSON instead of a table."),
    as_yaml: bool = typer.Option(False, "--yaml", help="Print the shot spec as YAML (the shot.yaml format)."),
    file: Optional[Path] = typer.Option(None, "--spec", help="Check a shot.yaml / shot.json you wrote or "
                                        "edited: prints every problem with its key, exit status 1 if any."),
    save: Optional[Path] = typer.Option(None, "--save", "-o", help="Also write the spec to this .yaml/.json file."),
    shot: Optional[str] = common.SHOT,
    seed: Optional[int] = common.SEED,
) -> None:
    """Read a shot description and show how plano understands it.

    Every field of the shot is listed with the words that set it; words plano did not understand are shown in
    red, and its decisions (a later word overriding an earlier one, a typo read as a known word) as notes.

    What the prompt leaves out gets the defaults: 5 s at 24 fps, 1920x1080 at 16:9, a 35 mm lens on an ARRI
    Alexa 35, Buenos Aires on the March equinox, afternoon, clear sky; no action unless the prompt names one.
    `plano words`, `plano cities` and `plano cameras` list the words, places and camera bodies plano knows.
    """
    console = Console(highlight=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    if as_json and as_yaml:
        err.print("[bold red]error:[/] choose one of --json and --yaml")
        raise typer.Exit(2)
    try:
        if text is not None and not text.strip():
            raise PlanoError("the prompt is empty; describe the shot, e.g. plano parse \"wide shot of a "
                             "brutalist building at dusk\"")
        if text is None and file is None:
            raise PlanoError("nothing to parse: give the shot in words, plano parse \"wide shot of a brutalist "
                             "building at dusk\", or a spec file to check, plano parse --spec shot.yaml")
        spec = common.resolve_spec(text, file, shot, seed, quiet=True)
        if save is not None:
            save_spec(spec, save)
    except PlanoError as e:
        err.print(Text("error: ", style="bold red") + Text(visible(e)))
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(spec.model_dump_json(indent=2))
    elif as_yaml:
        typer.echo(spec_to_yaml(spec), nl=False)
    else:
        from plano.shot import unused_spec_fields

        print_spec(spec, console, unused_spec_fields())
        if file is not None:
            console.print(Text(f"{visible(file)} is a valid shot spec", style="green"), soft_wrap=True)
        if save is not None:
            console.print(Text(f"saved {visible(save)}"))


def cities() -> None:
    """List the cities plano knows (for the sun's position): name, country, latitude, longitude, time zone."""
    from plano.spec.cities import CITIES

    table = Table("city", "also", "country", "lat", "lon", "time zone")
    for c in CITIES:
        table.add_row(c.name, ", ".join(c.aliases), c.country, f"{c.latitude:.4f}", f"{c.longitude:.4f}", c.timezone)
    Console().print(table)


def cameras() -> None:
    """List the camera bodies plano knows, with the sensor size that sets the field of view."""
    from plano.spec.cameras import CAMERA_BODIES

    table = Table("camera", "sensor mm", "mode", "say")
    for b in CAMERA_BODIES:
        table.add_row(b.name, f"{b.sensor_width_mm:.2f} x {b.sensor_height_mm:.2f}", b.mode,
                      ", ".join(b.aliases + b.generic_aliases))
    Console().print(table)


def words(
    category: Optional[str] = typer.Argument(None, help="Only this kind of word: shot_size, angle, movement, lens, "
                                             "body, format, building, style, time, weather, mood, action, effect, "
                                             "look, quality, grade, ..."),
) -> None:
    """List the words and phrases plano understands, by kind, with what each sets."""
    from plano.spec.lexicon import ENTRIES

    by_meaning: dict[tuple[str, str], list[str]] = {}
    for e in {e.words: e for e in ENTRIES}.values():
        if e.category in ("filler", "place", "country") or (category and e.category != category):
            continue
        what = ", ".join(f"{p}={_show(v)}" for p, v in e.sets + e.implies if not p.startswith("camera.sensor"))
        by_meaning.setdefault((e.category, what or "(understood)"), []).append(" ".join(e.words))
    if not by_meaning:
        raise typer.BadParameter(f"no words of kind {category!r}")
    table = Table("kind", "sets", "words")
    for (cat, what), phrases in sorted(by_meaning.items()):
        table.add_row(cat, what, ", ".join(sorted(phrases)))
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("parse")(parse)
    app.command("schema")(schema)
    app.command("cities")(cities)
    app.command("cameras")(cameras)
    app.command("words")(words)
