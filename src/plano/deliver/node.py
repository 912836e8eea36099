"""The deliver node: ProRes and H.264 movies (signed C2PA manifests), contact sheet, report and provenance, from
the comp frames (graded with the look when the comp is over a plate)."""

from __future__ import annotations

from typing import Any

from plano import __version__
from plano.core import Context, Node, Store

SPEC_FIELDS = ("shot", "prompt", "seed", "format", "sources", "notes", "unparsed", "schema_version")
"""What the delivery uses: the frames and their rate, and the words and choices the report and provenance show.
It reads the whole spec from the spec node (the report lists every field)."""


def outputs(store: Store, run_name: str) -> dict[str, Any]:
    return {
        "mov": store.path(f"{run_name}.mov"), "mp4": store.path(f"{run_name}.mp4"), "contact": store.path("contact.png"),
        "report": store.path("report.html"), "provenance": store.path("provenance.json"),
    }


def make(run_name: str, rate_per_hour: float | None = None, unused_fields: tuple[str, ...] = (),
         c2pa_cert: str | None = None, c2pa_key: str | None = None) -> Node:
    """``unused_fields``: spec fields no stage uses yet, for the report; ``c2pa_cert`` / ``c2pa_key``: the signing
    certificate chain and key (default ``PLANO_C2PA_CERT`` / ``PLANO_C2PA_KEY``, else plano's test chain)."""
    import os

    c2pa_cert = c2pa_cert or os.environ.get("PLANO_C2PA_CERT")
    c2pa_key = c2pa_key or os.environ.get("PLANO_C2PA_KEY")
    def run(ctx: Context) -> dict[str, Any]:
        from plano.deliver.run import deliver_shot

        spec, sim = ctx.inputs["spec"], ctx.inputs["sim"]
        return deliver_shot(ctx.inputs["render"], spec, ctx.store.root, run_name, ctx.progress,
                            stage_seconds=dict(ctx.history), rate_per_hour=rate_per_hour, sim_info=sim.document,
                            unused_fields=unused_fields, comp=ctx.inputs["comp"], c2pa_cert=c2pa_cert, c2pa_key=c2pa_key)

    def load(store: Store) -> dict[str, Any] | None:
        files = outputs(store, run_name)
        return files if all(p.is_file() for p in files.values()) else None

    config = {"plano": __version__, "rate_per_hour": rate_per_hour, "name": run_name, "unused": list(unused_fields),
              "c2pa": [c2pa_cert, c2pa_key]}
    names = [f"{run_name}.mov", f"{run_name}.mp4", "contact.png", "contact.png.c2pa", "report.html", "provenance.json"]
    return Node("deliver", run, load, config=config, inputs=("spec", "sim", "render", "comp"), writes=tuple(names))
