"""``plano sim``: break the building and simulate its collapse, with a summary and an optional quick look."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from plano.cli import common
from plano.console import console, esc, progress_bar


def sim(
    text: Optional[str] = common.TEXT,
    spec: Optional[Path] = common.SPEC,
    preview: Optional[Path] = typer.Option(None, "--preview", help="Also write a quick-look movie (.mp4) of the collapse."),
    seed: Optional[int] = common.SEED,
    shot: Optional[str] = common.SHOT,
    shots_dir: Path = common.SHOTS_DIR,
    version: Optional[int] = common.VERSION,
    force: list[str] = common.FORCE,
    wait: float = common.WAIT,
    confirm_cost: bool = common.CONFIRM_COST,
) -> None:
    """Fracture the building, glue it, bring it down as the spec's action says, and cache every frame.

    Writes sim/ in the shot's run folder: chunks.npz (the broken pieces), frame.1001.npz... (where every piece
    is, the dust and debris) and info.json. Run it again with the same inputs and the cache is reused; a new
    lens or framing does not change it.
    """
    t0 = time.perf_counter()
    result = common.run_stage("sim", text, spec, shot=shot, seed=seed, shots_dir=shots_dir, version=version,
                              force=force, wait_s=wait, confirm_cost=confirm_cost)
    cache = result.results["sim"].output
    console.print(summary_table(cache, time.perf_counter() - t0))
    if preview is not None:
        from plano.shot import run_shot
        from plano.sim.preview import write_preview

        with progress_bar("preview") as progress:
            progress(0.0, "framing the camera")
            scene = run_shot(result.results["spec"].output, run=result.run, until="scene")
            write_preview(scene.results["scene"].output, cache, preview, progress=progress)
        console.print(f"quick look: {esc(preview)}")


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
