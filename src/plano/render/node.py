"""The render node: multi-layer EXR passes, one file per frame from 1001, in ``passes/``.

A partial run (``options={"frames": [...]}``) renders some frames; frames already complete are kept, so a
stopped render resumes where it stopped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plano import __version__
from plano.core import Context, Node, Store
from plano.core.executor import Resources
from plano.core.tasks import AFTER_CHUNKS
from plano.spec.view import SpecView

QUALITIES = ("draft", "previs", "final")
SPEC_FIELDS = ("camera.anamorphic", "plate.path", "format.frame_start", "format.duration_s", "format.fps")
"""Streak flares for an anamorphic lens, whether there is a plate (the dust behind the stand-ins is marched only for
one), and the frames to draw; the rest comes from the scene and the sim."""
FOLDER = "passes"
RESOURCES = Resources(cpus=1, memory_bytes=2 << 30)
"""One render task: one core for llvmpipe and the EXR writer (on a GPU node the driver's GL; ask ``gpus`` there)."""
MOST_FRAMES_A_CHUNK = 24


def make(spec: Any, run_name: str, quality: str = "previs") -> Node:
    view = SpecView(spec, SPEC_FIELDS, "render")
    frames = list(view.format.frames)

    def paths(store: Store) -> list[Path]:
        from plano.schema.naming import frame_file

        return [store.path(FOLDER, frame_file(run_name, f)) for f in frames]

    def run(ctx: Context) -> list[Path]:
        from plano.render.run import render_shot

        out = render_shot(ctx.inputs["scene"], ctx.inputs["sim"], view, ctx.store.path(FOLDER), run_name, quality,
                          ctx.progress, frames=ctx.options.get("frames"),
                          read_back=not ctx.options.get(AFTER_CHUNKS, False))
        return [Path(p) for p in out]

    def load(store: Store) -> list[Path] | None:
        """The frames, when every one is there with a header of every pass (the graph has checked every byte
        against the record's checksums before it calls this)."""
        from plano.io.exr import is_complete

        ps = paths(store)
        return ps if all(is_complete(p) for p in ps) else None

    def chunks(workers: int) -> list[tuple[str, dict[str, Any]]]:
        return [(f"render frames {c[0]}-{c[-1]}", {"frames": c}) for c in frame_chunks(frames, workers)]

    config = {"plano": __version__, "spec": view.data(), "quality": quality, "name": run_name}
    return Node("render", run, load, config=config, inputs=("scene", "sim"), writes=(FOLDER,),
                resources=RESOURCES, chunks=chunks)


def frame_chunks(frames: list[int], workers: int, most: int = MOST_FRAMES_A_CHUNK) -> list[list[int]]:
    """``frames`` in consecutive chunks: one per worker, but none longer than ``most`` frames (a retried chunk
    re-renders at most that many; each chunk pays the renderer's start, about a second here)."""
    if not frames:
        return []
    count = max(1, min(len(frames), max(int(workers), -(-len(frames) // most))))
    size = -(-len(frames) // count)
    return [frames[i:i + size] for i in range(0, len(frames), size)]
