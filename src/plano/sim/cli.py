"""``plano sim``: break the building and simulate its collapse, with a summary and an optional quick look."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.table import Table

from plano.errors import PlanoError


def sim(
    text: str = typer.Argument(None, help="The shot, in words (e.g. \"a brutalist tower collapses into dust\")."),
    spec_file: Path = typer.Option(None, "--spec", help="A shot spec (shot.yaml) instead of words."),
    out: Path = typer.Option(Path("sim_out"), "--out", help="Folder to write the simulation cache into (sim/)."),
    preview: Path = typer.Option(None, "--preview", help="Also write a quick-look movie (.mp4) of the collapse."),
    seed: int = typer.Option(None, help="Random seed (same seed, same collapse). Default: the spec's seed."),
) -> None:
    """Fracture the building, glue it, bring it down as the spec's action says, and cache every frame.

    Writes <out>/sim/: chunks.npz (the broken pieces), frame.1001.npz... (where every piece is, the dust and
    debris) and info.json. Run it again with the same inputs and the cache is reused.
    """
    from plano.console import console, progress_bar

    if (text is None) == (spec_file is None):
        raise PlanoError("give either the shot in words (plano sim \"...\") or a spec file (--spec shot.yaml), not both or neither")
    if spec_file is not None:
        from plano.spec.io import load_spec

        spec = load_spec(spec_file)
    else:
        from plano.spec.parse import parse_prompt

        spec = parse_prompt(text)
    if seed is not None:
        spec = spec.model_copy(update={"seed": seed})
    from plano.scene.build import build_scene
    from plano.sim.run import run_sim

    t0 = time.perf_counter()
    with progress_bar("scene") as progress:
        progress(0.0, "building")
        scene = build_scene(spec)
        progress(1.0, f"{len(scene.parts)} parts")
    with progress_bar("sim") as progress:
        cache = run_sim(scene, spec, out, progress)
    console.print(summary_table(cache, time.perf_counter() - t0))
    if preview is not None:
        from plano.sim.preview import write_preview

        with progress_bar("preview") as progress:
            write_preview(scene, cache, preview, progress=progress)
        console.print(f"quick look: {preview}")


def summary_table(cache, wall_s: float) -> Table:
    x = cache.extra
    broken = x.get("bonds_broken", [])
    n = len(broken)
    t = Table(title=f"sim: {x.get('scenario', '?')} ({cache.info.engine}, seed {cache.info.seed})")
    t.add_column("")
    t.add_column("", justify="right")
    t.add_row("chunks", f"{x.get('chunks', cache.chunks.count):,}")
    t.add_row("bonds", f"{cache.info.bonds_total:,}")
    fps = cache.info.fps
    for label, k in (("1/4", n // 4), ("1/2", n // 2), ("end", n - 1)):
        if n:
            t.add_row(f"bonds broken at {label} ({k / fps:.1f} s)", f"{broken[k]:,}")
    parts = x.get("particles", [])
    if parts:
        t.add_row("particles (last frame / most)", f"{parts[-1]:,} / {max(parts):,}")
    t.add_row("frames", f"{cache.info.frame_count} at {fps:g} fps")
    tm = x.get("timings_s", {})
    t.add_row("sim time", f"{cache.info.seconds:.1f} s (fracture {tm.get('fracture', 0):.1f}, rigid "
              f"{tm.get('rigid', 0):.1f}, effects {tm.get('effects', 0):.1f})")
    t.add_row("wall time", f"{wall_s:.1f} s")
    return t


def register(app: typer.Typer) -> None:
    app.command("sim")(sim)
