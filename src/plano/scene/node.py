"""The scene's two nodes.

``set``: what does not depend on the camera: the building, its street and neighbours, the sun and the sky,
and the bearing the camera will look from. The sim collides with exactly these parts, so a new lens or a new
framing never changes what the collapse hits. Writes ``set/``.

``scene``: the set seen by the shot's camera: the camera rig solved for the framing, plus the backdrop the
camera needs (the ground and street out to where it stands). Writes ``scene/`` and ``scene.usda``.
"""

from __future__ import annotations

from typing import Any

from plano import __version__
from plano.core import Context, Node, Store
from plano.spec.view import SpecView

SET_FIELDS = ("seed", "subject", "place", "light", "look.preset")
"""The building, its street, the sun and sky (the light and the look's preset turn the building to the sun)."""
SCENE_FIELDS = ("seed", "camera", "format.aspect", "format.width", "format.height", "format.frame_start",
                "format.duration_s", "format.fps", "plate.camera")
"""The camera and its framing (or the plate's camera, when it is stated), and the frames it has a pose for."""


def make_set(spec: Any) -> Node:
    view = SpecView(spec, SET_FIELDS, "set")

    def run(ctx: Context):
        from plano.scene.build import build_set
        from plano.scene.io import save_set

        ctx.progress(0.05, "building")
        scene_set = build_set(view)
        ctx.progress(0.7, "saving")
        save_set(scene_set, ctx.store.path("set"))
        return scene_set

    def load(store: Store):
        from plano.scene.io import load_set

        return load_set(store.path("set"))

    return Node("set", run, load, config={"plano": __version__, "spec": view.data()}, writes=("set",))


def make_scene(spec: Any) -> Node:
    view = SpecView(spec, SCENE_FIELDS, "scene")

    def run(ctx: Context):
        from plano.scene.build import build_scene
        from plano.scene.io import save_scene
        from plano.io.usd import write_scene_usd

        ctx.progress(0.05, "framing the camera")
        scene = build_scene(view, ctx.inputs["set"])
        ctx.progress(0.5, "saving")
        save_scene(scene, ctx.store.path("scene"))
        ctx.progress(0.8, "writing scene.usda")
        write_scene_usd(scene, ctx.store.path("scene.usda"))
        return scene

    def load(store: Store):
        from plano.scene.io import load_scene

        if not store.path("scene.usda").is_file():
            return None
        return load_scene(store.path("scene"))

    return Node("scene", run, load, config={"plano": __version__, "spec": view.data()}, inputs=("set",),
                writes=("scene", "scene.usda"))
