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


def make(spec: Any, quality: str = "previs") -> Node:
    """``quality``: ``draft`` simulates fewer chunks and particles (:mod:`plano.sim.quality`); previs and final
    share one sim."""
    from plano.sim.quality import effects_config, sim_tier

    view = SpecView(spec, SPEC_FIELDS, "sim")
    frames = len(view.format.frames)
    tier = sim_tier(quality)

    def run(ctx: Context):
        from plano.sim.run import TARGET_CHUNKS, run_sim

        chunks = tier["target_chunks"] if tier else TARGET_CHUNKS
        return run_sim(ctx.inputs["set"], view, ctx.store.root, ctx.progress, target_chunks=chunks,
                       fx_config=effects_config(tier))  # writes <run>/sim/

    def load(store: Store):
        from plano.sim.cache import SimCache

        cache = SimCache(store.root)
        return cache if len(cache.frames) == frames else None

    config = {"plano": __version__, "spec": view.data(), **({"tier": tier} if tier else {})}
    return Node("sim", run, load, config=config, inputs=("set",),
                writes=("sim",), resources=RESOURCES)
