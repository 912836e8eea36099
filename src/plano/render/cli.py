"""``plano render``: draw a shot's passes (beauty, depth, normals, ids, motion, dust) as multi-layer EXRs."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from plano.errors import PlanoError


def parse_frames(text: str | None, first: int, last: int) -> list[int] | None:
    """``"1001-1010"``, ``"1001,1005,1010"`` or ``"1001"`` -> frame numbers (``None``: every frame)."""
    if not text:
        return None
    frames: list[int] = []
    try:
        for piece in text.split(","):
            piece = piece.strip()
            if "-" in piece:
                a, b = piece.split("-", 1)
                frames.extend(range(int(a), int(b) + 1))
            else:
                frames.append(int(piece))
    except ValueError:
        raise PlanoError(f"--frames {text!r} is not a frame range; write it like 1001-1010 or 1001,1012") from None
    outside = [f for f in frames if not first <= f <= last]
    if outside:
        raise PlanoError(f"--frames {text!r} goes outside the shot ({first}..{last}); choose frames inside it")
    return frames


def render(
    text: str = typer.Argument(None, help="The shot described in words, e.g. \"wide shot of a brutalist tower collapsing\"."),
    spec: Path = typer.Option(None, "--spec", help="A shot.yaml to render instead of a description."),
    quality: str = typer.Option("previs", "--quality", "-q",
                                help="previs: 720 lines, fast, for blocking; final: the spec's resolution, supersampled."),
    frames: str = typer.Option(None, "--frames", help="Only these frames, e.g. 1001-1010 (default: the whole shot)."),
    out: Path = typer.Option(Path("render_out"), "--out", help="Folder for the sim cache and passes/<shot>.####.exr."),
    png: Path = typer.Option(None, "--png", help="Also save the first rendered frame as a viewable sRGB PNG."),
    seed: int = typer.Option(0, "--seed", help="Seed for the building and the collapse."),
) -> None:
    """Render a shot to multi-layer EXR passes, one file per frame from 1001.

    Each EXR holds the beauty (scene-linear ACEScg), alpha, depth in metres, camera-space normals, object and
    material ids, motion vectors in pixels and the dust opacity. Frames already rendered are kept, so an
    interrupted render picks up where it stopped.
    """
    from plano.console import console, progress_bar
    from plano.render.quality import QUALITIES

    if quality not in QUALITIES:
        raise PlanoError(f"--quality {quality!r} is not known; use one of: {', '.join(QUALITIES)}")
    if (text is None) == (spec is None):
        raise PlanoError("give either a description of the shot or --spec shot.yaml (one of them, not both)")
    if spec is not None:
        from plano.spec.io import load_spec

        shot_spec = load_spec(spec)
    else:
        from plano.spec.parse import parse_prompt

        shot_spec = parse_prompt(text, seed=seed)
    from plano.render.look import save_png
    from plano.render.run import render_shot
    from plano.scene.build import build_scene
    from plano.sim.run import run_sim

    t0 = time.perf_counter()
    scene = build_scene(shot_spec)
    first, last = int(scene.camera.frames[0]), int(scene.camera.frames[-1])
    wanted = parse_frames(frames, first, last)
    with progress_bar("sim") as progress:
        sim = run_sim(scene, shot_spec, out, progress)  # writes <out>/sim/
    t1 = time.perf_counter()
    name = shot_spec.shot
    with progress_bar("render") as progress:
        paths = render_shot(scene, sim, shot_spec, out / "passes", name, quality, progress, frames=wanted)
    t2 = time.perf_counter()
    if png is not None:
        from plano.render.exr import read_passes

        ch = read_passes(paths[0])
        import numpy as np

        beauty = np.stack([ch["R"], ch["G"], ch["B"]], axis=-1)
        save_png(beauty, png)
        console.print(f"preview: {png}")
    console.print(f"{len(paths)} frames in {out / 'passes'} (sim {t1 - t0:.1f} s, render {t2 - t1:.1f} s)")


def register(app: typer.Typer) -> None:
    app.command("render")(render)
