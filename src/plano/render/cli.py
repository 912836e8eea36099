"""``plano render``: draw a shot's passes (beauty, depth, normals, ids, motion, dust) as multi-layer EXRs."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from plano.cli import common
from plano.console import console, esc
from plano.errors import PlanoError


def parse_frames(text: str | None, first: int, last: int) -> list[int] | None:
    """``"1001-1010"``, ``"1001,1005,1010"`` or ``"1001"`` -> frame numbers (``None``: every frame)."""
    if not text:
        return None
    if len(text) > 1000:
        raise PlanoError(f"--frames is {len(text)} characters long; give ranges such as 1001-1010,1050-1060")
    frames: set[int] = set()
    for piece in text.split(","):
        piece = piece.strip()
        try:
            a, b = (int(x) for x in piece.split("-", 1)) if "-" in piece[1:] else (int(piece), int(piece))
        except ValueError:
            raise PlanoError(f"--frames {text!r} is not a frame range; write it like 1001-1010 or 1001,1012") from None
        if a > b:
            raise PlanoError(f"--frames {piece!r} runs backwards; write the first frame first, e.g. {b}-{a}")
        if a < first or b > last:
            raise PlanoError(f"--frames {text!r} goes outside the shot ({first}..{last}); choose frames inside it")
        frames.update(range(a, b + 1))  # inside the shot (checked above): at most its frame count
    return sorted(frames)


def render(
    text: Optional[str] = common.TEXT,
    spec: Optional[Path] = common.SPEC,
    quality: str = common.QUALITY,
    frames: Optional[str] = typer.Option(None, "--frames", help="Only these frames, e.g. 1001-1010 or 1001,1060 "
                                         "(default: the whole shot)."),
    png: Optional[Path] = typer.Option(None, "--png", help="Also save the first rendered frame as a viewable sRGB PNG."),
    seed: Optional[int] = common.SEED,
    shot: Optional[str] = common.SHOT,
    shots_dir: Path = common.SHOTS_DIR,
    version: Optional[int] = common.VERSION,
    force: list[str] = common.FORCE,
    wait: float = common.WAIT,
    confirm_cost: bool = common.CONFIRM_COST,
) -> None:
    """Render a shot to multi-layer EXR passes in its run folder, one file per frame from 1001.

    Each EXR holds the beauty (scene-linear ACEScg), alpha, depth in metres, camera-space normals, object and
    material ids, motion vectors in pixels and the dust opacity. The scene and the sim are made first, or
    reused. Frames already rendered are kept, so an interrupted render picks up where it stopped.
    """
    shot_spec = common.resolve_spec(text, spec, shot, seed)
    fr = shot_spec.format.frames
    wanted = parse_frames(frames, fr.start, fr.stop - 1)
    partial = {"render": {"frames": wanted}} if wanted is not None else None
    result = common.run_stage("render", None, spec, spec=shot_spec, shots_dir=shots_dir, version=version,
                              force=force, quality=quality, partial=partial, wait_s=wait, confirm_cost=confirm_cost)
    paths = result.results["render"].output
    if wanted is not None:
        paths = [p for p in paths if p.exists()]
    if png is not None and paths:
        from plano.color import save_png
        from plano.io.exr import read_passes

        save_png(read_passes(paths[0]).beauty, png)
        console.print(f"preview: {esc(png)}")
    console.print(f"{len(paths)} frames in {esc(result.run.path('passes'))}")


def register(app: typer.Typer) -> None:
    app.command("render")(render)
