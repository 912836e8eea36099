"""The spec node: the resolved shot spec, written as ``spec.yaml`` (an artist's edited file is kept as is)."""

from __future__ import annotations

from typing import Any

from plano import __version__
from plano.core import Context, Node, Store
from plano.spec.io import load_spec, save_spec
from plano.spec.model import ShotSpec

NAME = "spec"
FILE = "spec.yaml"


def make(spec: ShotSpec) -> Node:
    """Its key is the whole spec; its output is the spec itself (the report shows every word of it)."""

    def run(ctx: Context) -> ShotSpec:
        path = ctx.store.path(FILE)
        if not (path.exists() and _same(path, spec)):
            save_spec(spec, path)
        return spec

    def load(store: Store) -> Any:
        return spec if _same(store.path(FILE), spec) else None

    return Node(NAME, run, load, config={"plano": __version__, "spec": spec.model_dump(mode="json")})


def _same(path, spec: ShotSpec) -> bool:
    from plano.errors import PlanoError

    try:
        return load_spec(path) == spec
    except (PlanoError, OSError):
        return False
