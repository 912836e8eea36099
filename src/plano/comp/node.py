"""The comp node: the render passes over a plate (or the render's own street and sky), graded by the look, one
EXR per frame in ``comp/``, with the look as ``comp/look.cc`` and what was done in ``comp/info.json``.

Its key covers the spec fields it reads and the plate file itself (its path, size and modification time), so a
new plate or a replaced plate file composites again without rendering again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plano import __version__
from plano.core import Context, Node, Store
from plano.spec.view import SpecView

SPEC_FIELDS = ("seed", "plate", "comp", "look", "light.mood", "format.frame_start", "format.duration_s",
               "format.fps", "format.width")
"""The plate and how it is read, the comp settings (haze, wrap, grain, shake), the look words, and the frames."""
FOLDER = "comp"


def plate_fingerprint(path: str | None) -> dict[str, Any] | None:
    """What identifies the plate's files on disk (path, bytes, modification time; every file of a sequence)."""
    if not path:
        return None
    from plano.comp.plate import kind_of, sequence_files

    p = Path(path)
    files = list(sequence_files(p).values()) if kind_of(p) == "sequence" else [p]
    stats = [(str(f.resolve()), f.stat().st_size, int(f.stat().st_mtime_ns)) for f in files if f.exists()]
    return {"path": str(p.resolve()), "files": len(stats), "stats": sorted(stats)[:2000]}


def make(spec: Any, run_name: str) -> Node:
    view = SpecView(spec, SPEC_FIELDS, "comp")
    frames = list(view.format.frames)

    def run(ctx: Context):
        from plano.comp.run import comp_shot

        generated = ctx.inputs["generate"]  # the render's own passes, or generate's (plano.generate.run)
        return comp_shot(generated.passes, ctx.inputs["scene"], ctx.inputs["sim"], view, ctx.store.path(FOLDER),
                         run_name, ctx.progress, frames=ctx.options.get("frames"), generated=generated.info)

    def load(store: Store):
        from plano.comp.look import read_cc
        from plano.comp.run import CompResult
        from plano.schema.naming import frame_file

        paths = tuple(store.path(FOLDER, frame_file(run_name, f)) for f in frames)
        info_path = store.path(FOLDER, "info.json")
        if not info_path.is_file() or not all(p.is_file() for p in paths):
            return None
        info = json.loads(info_path.read_text())
        return CompResult(paths, bool(info.get("graded")), read_cc(store.path(FOLDER, "look.cc")), info)

    config = {"plano": __version__, "spec": view.data(), "plate": plate_fingerprint(view.plate.path), "name": run_name}
    return Node("comp", run, load, config=config, inputs=("scene", "sim", "generate"), writes=(FOLDER,))
