"""The shot: spec -> scene -> sim -> render -> deliver in one run folder, each stage reused when nothing it
depends on has changed. This is the VFX-aware wiring; ``plano.core`` runs it and knows nothing about VFX.

What each stage's cache key covers (its config, plus the keys of the stages it reads):

- ``spec``    the whole spec (writes ``spec.yaml``).
- ``scene``   the spec without the prompt's words and the grade: the building, the street, the camera, the sun.
- ``sim``     the spec without the camera, the picture size and the grade. The light and the look's preset stay
              in: the scene turns the building so that the sun rakes the facade the camera sees, so a new hour
              or mood moves the chunks. A new lens or framing re-renders without re-simulating.
- ``render``  reads scene and sim; the spec without the prompt's words, plus the quality tier.
- ``deliver`` reads render; the whole spec (the report shows the prompt) and the cost rate.

A stage that runs again with a different key first removes its old outputs, so a new camera never leaves
stale frames behind; a stage interrupted with the same key keeps what it wrote and resumes (the render skips
frames already on disk). Stage functions are imported when they run, so this module imports on its own.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from plano import __version__
from plano.core import RunFolder, Stage, StageResult, atomic_write_text, cache_key, run_stages
from plano.core.pipeline import Progress
from plano.errors import PlanoError

STAGES = ("spec", "scene", "sim", "render", "deliver")
RenderQuality = Literal["previs", "final"]
QUALITIES = ("previs", "final")
TEXT_FIELDS = ("prompt", "sources", "notes", "unparsed")
"""Spec fields that record the words, not the shot: they change no pixel."""

_VERSION_DIR = re.compile(r"^v(\d{3,})$")


def _lazy(module: str, name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            mod = importlib.import_module(module)
        except ImportError as err:
            raise PlanoError(f"the stage function {module}.{name} is not available in this install ({err})") from None
        return getattr(mod, name)(*args, **kwargs)

    call.__name__ = name
    return call


@dataclass(frozen=True)
class Engines:
    """The stage functions a shot runs: the real ones (``Engines.real()``), or small fakes in tests."""

    build_scene: Callable[..., Any]
    save_scene: Callable[..., Any]
    load_scene: Callable[..., Any]
    write_usd: Callable[..., Any]
    run_sim: Callable[..., Any]
    open_sim: Callable[..., Any]
    render_shot: Callable[..., list[Path]]
    deliver_shot: Callable[..., dict[str, Path]]

    @classmethod
    def real(cls) -> "Engines":
        return cls(
            build_scene=_lazy("plano.scene.build", "build_scene"),
            save_scene=_lazy("plano.scene.io", "save_scene"),
            load_scene=_lazy("plano.scene.io", "load_scene"),
            write_usd=_lazy("plano.scene.usd", "write_usd"),
            run_sim=_lazy("plano.sim.run", "run_sim"),
            open_sim=_lazy("plano.sim.cache", "SimCache"),
            render_shot=_lazy("plano.render.run", "render_shot"),
            deliver_shot=_lazy("plano.deliver.run", "deliver_shot"),
        )


# ---------------------------------------------------------------- what each stage depends on


def _data(spec: Any) -> dict[str, Any]:
    return spec.model_dump(mode="json")


def _drop(d: dict[str, Any], *paths: str) -> dict[str, Any]:
    for path in paths:
        *parents, leaf = path.split(".")
        node = d
        for p in parents:
            node = node.get(p, {})
        if isinstance(node, dict):
            node.pop(leaf, None)
    return d


def scene_config(spec: Any) -> dict[str, Any]:
    return {"plano": __version__, "spec": _drop(_data(spec), *TEXT_FIELDS, "look.quality", "look.raw", "look.grade")}


def sim_config(spec: Any) -> dict[str, Any]:
    # The light stays in: the scene turns the building to the sun (and to the mood), so a new hour moves
    # the chunks. The look's grade and the camera do not touch the building.
    d = _drop(
        _data(spec), *TEXT_FIELDS, "look.quality", "look.raw", "look.grade", "camera", "format.width",
        "format.height", "format.aspect",
    )
    return {"plano": __version__, "spec": d}


def render_config(spec: Any, quality: str) -> dict[str, Any]:
    return {"plano": __version__, "spec": _drop(_data(spec), *TEXT_FIELDS), "quality": quality}


def deliver_config(spec: Any, rate_per_hour: float | None) -> dict[str, Any]:
    return {"plano": __version__, "spec": _data(spec), "rate_per_hour": rate_per_hour}


# ---------------------------------------------------------------- run folders and versions


def _spec_io():
    from plano.spec.io import load_spec, save_spec

    return load_spec, save_spec


def _same_spec(path: Path, spec: Any) -> bool:
    load_spec, _ = _spec_io()
    try:
        return load_spec(path) == spec
    except PlanoError:
        return False


def open_run(
    spec: Any, shots_dir: str | Path = "shots", version: int | None = None, spec_file: str | Path | None = None
) -> RunFolder:
    """The run folder for ``spec``: ``--version N`` re-enters version N; a spec file inside a run folder
    (``shots/SEQ010_SH010/v003/spec.yaml``) re-runs that version; otherwise the latest version is re-entered
    when it holds the same spec (or nothing yet), and a new version is made when the spec is new."""
    shot = RunFolder.check_shot_name(spec.shot)
    if version is not None:
        return RunFolder.open(shots_dir, shot, version)
    if spec_file is not None:
        folder = Path(spec_file).resolve().parent
        m = _VERSION_DIR.match(folder.name)
        if m and folder.parent.name == shot:
            return RunFolder.open(folder.parent.parent, shot, int(m.group(1)))
    existing = RunFolder.versions(Path(shots_dir), shot)
    if existing:
        latest = RunFolder.open(shots_dir, shot, existing[-1])
        spec_yaml = latest.path("spec.yaml")
        if not spec_yaml.exists() or _same_spec(spec_yaml, spec):
            return latest
    return RunFolder.open(shots_dir, shot, new=True)


# ---------------------------------------------------------------- stages


@dataclass
class _Context:
    """What the stages share during one ``run_shot``: outputs as they appear, which stages were reused."""

    outputs: dict[str, Any] = field(default_factory=dict)
    reused: dict[str, bool] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _guard(
    name: str, outputs: Sequence[str], fn: Callable[[RunFolder, dict[str, Any], Progress], Any],
    ctx: _Context, forced: bool,
) -> Callable[[RunFolder, dict[str, Any], Progress], Any]:
    """Wrap a stage's ``run``: outputs of another key (or of a forced stage) are removed first; a stage
    interrupted with the same key keeps its partial outputs and resumes."""

    def run(rf: RunFolder, upstream: dict[str, Any], progress: Progress) -> Any:
        key = ctx.keys[name]
        marker = rf.path(".plano", f"{name}.started.json")
        try:
            started = json.loads(marker.read_text()).get("key")
        except (OSError, ValueError, AttributeError):
            started = None
        if forced or started != key:
            for rel in outputs:
                _remove(rf.path(rel))
            atomic_write_text(marker, json.dumps({"stage": name, "key": key}))
        else:  # resuming: drop half-written temporaries a killed run left (never final names)
            for rel in outputs:
                folder = rf.path(rel)
                for tmp in folder.rglob("*.tmp-*") if folder.is_dir() else ():
                    tmp.unlink(missing_ok=True)
        out = fn(rf, upstream, progress)
        ctx.outputs[name] = out
        ctx.reused[name] = False
        return out

    return run


def _track_load(name: str, fn: Callable[[RunFolder], Any], ctx: _Context) -> Callable[[RunFolder], Any]:
    def load(rf: RunFolder) -> Any:
        out = fn(rf)
        if out is not None:
            ctx.outputs[name] = out
            ctx.reused[name] = True
        return out

    return load


def build_stages(
    spec: Any,
    run: RunFolder,
    quality: str = "previs",
    engines: Engines | None = None,
    force: Sequence[str] = (),
    rate_per_hour: float | None = None,
    ctx: _Context | None = None,
) -> list[Stage]:
    """The five stages of a shot for ``plano.core.run_stages``."""
    eng = engines or Engines.real()
    ctx = ctx if ctx is not None else _Context()
    load_spec, save_spec = _spec_io()
    frames = list(spec.format.frames)

    def pass_paths(rf: RunFolder) -> list[Path]:
        return [rf.frame_path("passes", f) for f in frames]

    # spec
    def spec_run(rf, up, progress):
        path = rf.path("spec.yaml")
        if not (path.exists() and _same_spec(path, spec)):  # an artist's edited file (and comments) is kept
            save_spec(spec, path)
        return spec

    def spec_load(rf):
        loaded = load_spec(rf.path("spec.yaml"))
        return loaded if loaded == spec else None

    # scene
    def scene_run(rf, up, progress):
        progress(0.05, "building")
        scene = eng.build_scene(spec)
        progress(0.6, "saving cache")
        eng.save_scene(scene, rf.path("scene"))
        progress(0.8, "writing scene.usda")
        eng.write_usd(scene, rf.path("scene.usda"))
        return scene

    def scene_load(rf):
        if not rf.path("scene.usda").exists():
            return None
        return eng.load_scene(rf.path("scene"))

    # sim
    def sim_run(rf, up, progress):
        scene = ctx.outputs["scene"]
        return eng.run_sim(scene, spec, rf.root, progress)  # writes <run>/sim/

    def sim_load(rf):
        cache = eng.open_sim(rf.root)  # reads <run>/sim/
        return cache if len(cache.frames) == len(frames) else None

    # render
    def render_run(rf, up, progress):
        paths = eng.render_shot(up["scene"], up["sim"], spec, rf.path("passes"), rf.name, quality, progress)
        return [Path(p) for p in paths]

    def render_load(rf):
        paths = pass_paths(rf)
        return paths if all(p.is_file() for p in paths) else None

    # deliver
    def deliver_run(rf, up, progress):
        table = {n: {"cached": ctx.reused.get(n), "key": ctx.keys.get(n)} for n in STAGES}
        return eng.deliver_shot(up["render"], spec, rf.root, rf.name, progress, stage_seconds=table, rate_per_hour=rate_per_hour)

    def deliver_load(rf):
        files = {
            "mov": rf.path(f"{rf.name}.mov"), "mp4": rf.path(f"{rf.name}.mp4"), "contact": rf.path("contact.png"),
            "report": rf.path("report.html"), "provenance": rf.path("provenance.json"),
        }
        return files if all(p.is_file() for p in files.values()) else None

    table = [
        ("spec", spec_run, spec_load, _data(spec), (), ()),
        ("scene", scene_run, scene_load, scene_config(spec), (), ("scene", "scene.usda")),
        ("sim", sim_run, sim_load, sim_config(spec), (), ("sim",)),
        ("render", render_run, render_load, render_config(spec, quality), ("scene", "sim"), ("passes",)),
        ("deliver", deliver_run, deliver_load, deliver_config(spec, rate_per_hour), ("render",), ()),
    ]
    stages = []
    for name, run_fn, load_fn, config, inputs, outputs in table:
        ctx.keys[name] = cache_key(name, config, {n: ctx.keys[n] for n in inputs})
        stages.append(
            Stage(
                name=name,
                run=_guard(name, outputs, run_fn, ctx, name in force),
                load=_track_load(name, load_fn, ctx),
                config=config,
                inputs=inputs,
            )
        )
    return stages


@dataclass(frozen=True)
class ShotRun:
    run: RunFolder
    results: dict[str, StageResult]

    @property
    def files(self) -> dict[str, Path]:
        out = self.results.get("deliver")
        return dict(out.output) if out is not None else {}


def check_force(force: Sequence[str]) -> tuple[str, ...]:
    bad = [f for f in force if f not in STAGES]
    if bad:
        raise PlanoError(f"--force {bad[0]!r} is not a stage; expected one of {', '.join(STAGES)}")
    # forcing a stage forces what reads it, so nothing downstream keeps results of the old run
    first = min((STAGES.index(f) for f in force), default=len(STAGES))
    return STAGES[first:]


def run_shot(
    spec: Any,
    shots_dir: str | Path = "shots",
    quality: str = "previs",
    version: int | None = None,
    spec_file: str | Path | None = None,
    force: Sequence[str] = (),
    progress: Callable[[str], Progress] | None = None,
    engines: Engines | None = None,
    rate_per_hour: float | None = None,
) -> ShotRun:
    """Run the whole chain for ``spec`` into its run folder and return the folder and each stage's result."""
    if quality not in QUALITIES:
        raise PlanoError(f"quality {quality!r} is not known; expected one of {', '.join(QUALITIES)}")
    force = check_force(force)
    run = open_run(spec, shots_dir, version, spec_file)
    stages = build_stages(spec, run, quality, engines, force, rate_per_hour)
    results = run_stages(run, stages, progress, force=force)
    return ShotRun(run, results)
