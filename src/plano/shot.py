"""The shot as a graph: the list of nodes, and where a shot's run folder is.

``spec -> set -> scene``, ``set -> sim``, ``scene + sim -> render``, ``scene + sim + render -> comp``,
``spec + sim + render + comp -> deliver``. Each
node module declares what it reads, what it writes and the spec fields in its key (``plano.<stage>.node``);
``plano.core`` runs the graph and knows nothing about VFX. A stage command (``plano render``) is this graph
cut at that node, in the same run folder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plano.core import Graph, Progress, Result, run_graph
from plano.errors import PlanoError
from plano.schema.naming import RunFolder, check_shot_name, parse_version_dir

STAGES = ("spec", "set", "scene", "sim", "render", "comp", "deliver")
QUALITIES = ("previs", "final")


def shot_graph(spec: Any, run_name: str, quality: str = "previs", rate_per_hour: float | None = None) -> Graph:
    """The nodes of one shot, in the order data flows."""
    from plano.comp import node as comp
    from plano.deliver import node as deliver
    from plano.render import node as render
    from plano.scene import node as scene
    from plano.sim import node as sim
    from plano.spec import node as spec_node

    if quality not in QUALITIES:
        raise PlanoError(f"quality {quality!r} is not known; expected one of {', '.join(QUALITIES)}")
    return Graph((
        spec_node.make(spec),
        scene.make_set(spec),
        scene.make_scene(spec),
        sim.make(spec),
        render.make(spec, run_name, quality),
        comp.make(spec, run_name),
        deliver.make(run_name, rate_per_hour, unused_spec_fields()),
    ))


def spec_fields_used() -> dict[str, tuple[str, ...]]:
    """For each stage, the spec fields that change what it makes."""
    from plano.comp import node as comp
    from plano.deliver import node as deliver
    from plano.render import node as render
    from plano.scene import node as scene
    from plano.sim import node as sim

    return {"set": scene.SET_FIELDS, "scene": scene.SCENE_FIELDS, "sim": sim.SPEC_FIELDS,
            "render": render.SPEC_FIELDS, "comp": comp.SPEC_FIELDS, "deliver": deliver.SPEC_FIELDS}


def unused_spec_fields() -> tuple[str, ...]:
    """Spec fields that no stage uses yet: `plano parse` and the report say so."""
    from plano.spec.view import unused_fields

    return unused_fields(f for fields in spec_fields_used().values() for f in fields)


# ---------------------------------------------------------------- run folders and versions


def _same_spec(path: Path, spec: Any) -> bool:
    from plano.spec.io import load_spec

    try:
        return load_spec(path) == spec
    except (PlanoError, OSError):
        return False


def open_run(
    spec: Any, shots_dir: str | Path = "shots", version: int | None = None, spec_file: str | Path | None = None
) -> RunFolder:
    """The run folder for ``spec``: ``--version N`` re-enters version N; a spec file inside a run folder
    (``shots/SEQ010_SH010/v003/spec.yaml``) re-runs that version; otherwise the latest version is re-entered
    when it holds the same spec (or nothing yet), and a new version is made when the spec is new."""
    shot = check_shot_name(spec.shot)
    if version is not None:
        return RunFolder.open(shots_dir, shot, version)
    if spec_file is not None:
        folder = Path(spec_file).resolve().parent
        v = parse_version_dir(folder.name)
        if v is not None and folder.parent.name == shot:
            return RunFolder.open(folder.parent.parent, shot, v)
    existing = RunFolder.versions(shots_dir, shot)
    if existing:
        latest = RunFolder.open(shots_dir, shot, existing[-1])
        spec_yaml = latest.path("spec.yaml")
        if not spec_yaml.exists() or _same_spec(spec_yaml, spec):
            return latest
    return RunFolder.open(shots_dir, shot, new=True)


@dataclass(frozen=True)
class ShotRun:
    run: RunFolder
    results: dict[str, Result]

    @property
    def files(self) -> dict[str, Path]:
        out = self.results.get("deliver")
        return dict(out.output) if out is not None else {}


def check_stage(name: str, option: str = "--force") -> str:
    if name not in STAGES:
        raise PlanoError(f"{option} {name!r} is not a stage; expected one of {', '.join(STAGES)}")
    return name


def run_shot(
    spec: Any,
    shots_dir: str | Path = "shots",
    quality: str = "previs",
    version: int | None = None,
    spec_file: str | Path | None = None,
    force: Sequence[str] = (),
    progress: Callable[[str], Progress] | None = None,
    rate_per_hour: float | None = None,
    until: str = "deliver",
    partial: dict[str, dict[str, Any]] | None = None,
    run: RunFolder | None = None,
) -> ShotRun:
    """Run the shot's graph up to ``until`` (the whole chain by default) in its run folder.

    ``force`` names stages to run again (with all that read them); ``partial`` gives a stage options for a
    partial run (``{"render": {"frames": [1001, 1002]}}``)."""
    for f in force:
        check_stage(f)
    check_stage(until, "stage")
    if quality not in QUALITIES:
        raise PlanoError(f"quality {quality!r} is not known; expected one of {', '.join(QUALITIES)}")
    run = run or open_run(spec, shots_dir, version, spec_file)
    graph = shot_graph(spec, run.name, quality, rate_per_hour).cut("spec", until)  # the folder keeps its spec.yaml
    results = run_graph(graph, run, progress, force=[f for f in force if f in graph.names], partial=partial)
    return ShotRun(run, results)
