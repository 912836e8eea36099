"""The sim node: fracture, glue and the collapse with its effects, one cache file per frame in ``sim/``.

It reads the set (what it collides with), never the camera: a new lens re-renders, it does not re-simulate.
"""

from __future__ import annotations

from typing import Any

from plano import __version__
from plano.core import Context, Node, Store
from plano.core.executor import Resources
from plano.spec.view import SpecView

SPEC_FIELDS = ("seed", "action", "effects", "format.fps", "format.duration_s", "format.frame_start", "format.speed")


RESOURCES = Resources(cpus=1, memory_bytes=2 << 30)
"""On a farm the sim is one task: one core (rapier steps on one thread), about 2 GB for the glued building."""


def make(spec: Any) -> Node:
    view = SpecView(spec, SPEC_FIELDS, "sim")
    frames = len(view.format.frames)

    def run(ctx: Context):
        from plano.sim.run import run_sim

        return run_sim(ctx.inputs["set"], view, ctx.store.root, ctx.progress)  # writes <run>/sim/

    def load(store: Store):
        from plano.sim.cache import SimCache

        cache = SimCache(store.root)
        return cache if len(cache.frames) == frames else None

    return Node("sim", run, load, config={"plano": __version__, "spec": view.data()}, inputs=("set",),
                writes=("sim",), resources=RESOURCES)
