"""The generate node: between render and comp. With the engine ``none`` (the default) it writes one small
``generate/info.json`` and hands comp the render's own pass files (no copy); with an engine it writes passes with
the generated beauty in ``generate/`` (see :mod:`plano.generate.run`).

Its key covers the settings (engine, model, strength, ...), the spec fields it reads and, for a model folder, the
folder's path and modification time (new weights generate again).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plano import __version__
from plano.core import Context, Node, Store
from plano.generate.settings import GenerateSettings
from plano.spec.view import SpecView

SPEC_FIELDS = ("prompt", "seed", "format.frame_start", "format.duration_s", "format.fps", "format.width",
               "format.height")
"""The words (the prompt), the seed, the frames and their rate, and the delivery size (super-resolution's target)."""
FRAME_FIELDS = ("format.frame_start", "format.duration_s", "format.fps")
FOLDER = "generate"


def _model_stamp(settings: GenerateSettings) -> Any:
    if not settings.model:
        return None
    p = Path(settings.model).expanduser()
    if p.exists():
        return {"path": str(p.resolve()), "mtime_ns": p.stat().st_mtime_ns}
    return settings.model


def make(spec: Any, run_name: str, settings: GenerateSettings | None = None, pipe: Any = None) -> Node:
    """``pipe``: a diffusers pipeline already built (tests, benchmarks), used instead of loading ``settings.model``."""
    settings = settings or GenerateSettings()
    # with the engine none only the frames matter: new words re-deliver, they do not re-composite
    view = SpecView(spec, SPEC_FIELDS if settings.engine != "none" else FRAME_FIELDS, "generate")
    frames = list(view.format.frames)

    def run(ctx: Context):
        from plano.generate.engines import make_generator
        from plano.generate.run import generate_shot

        gen = make_generator(settings.engine, int(view.format.width), pipe, int(view.format.height)) \
            if pipe is not None else None
        return generate_shot(ctx.inputs["render"], ctx.inputs["scene"], view, settings, ctx.store.path(FOLDER),
                             run_name, ctx.progress, generator=gen)

    def load(store: Store):
        from plano.generate.run import GenerateResult, read_info
        from plano.render.node import FOLDER as RENDER_FOLDER
        from plano.schema.naming import frame_file

        info = read_info(store.path(FOLDER))
        if info is None or info.get("engine") != settings.engine:
            return None
        folder = RENDER_FOLDER if settings.engine == "none" else FOLDER
        paths = tuple(store.path(folder, frame_file(run_name, f)) for f in frames)
        return GenerateResult(paths, info) if all(p.is_file() for p in paths) else None

    config = {"plano": __version__, "spec": view.data(), "settings": settings.model_dump(mode="json"),
              "model": _model_stamp(settings), "name": run_name, "pipe": type(pipe).__name__ if pipe else None}
    return Node("generate", run, load, config=config, inputs=("scene", "render"), writes=(FOLDER,))
