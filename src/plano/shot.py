"""The shot as a graph: the list of nodes, and where a shot's run folder is.

``spec -> set -> scene``, ``set -> sim``, ``scene + sim -> render``, ``scene + render -> generate`` (optional AI
refinement; the engine ``none`` hands on the render itself), ``scene + sim + generate -> comp``,
``spec + sim + render + comp -> deliver``. Each
node module declares what it reads, what it writes and the spec fields in its key (``plano.<stage>.node``);
``plano.core`` runs the graph and knows nothing about VFX. A stage command (``plano render``) is this graph
cut at that node, in the same run folder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plano.core import Graph, Node, Progress, Result, run_graph
from plano.core.lock import FolderLock, acquire, describe, release
from plano.errors import PlanoError
from plano.schema.naming import RunFolder, check_shot_name, parse_version_dir

STAGES = ("spec", "set", "scene", "sim", "render", "generate", "comp", "deliver")
QUALITIES = ("draft", "previs", "final")


def shot_graph(spec: Any, run_name: str, quality: str = "previs", rate_per_hour: float | None = None,
               generate: Any = None) -> Graph:
    """The nodes of one shot, in the order data flows. ``generate``: a ``plano.generate.settings.GenerateSettings``
    (default: the engine ``none``)."""
    from plano.comp import node as comp
    from plano.generate import node as generate_node
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
        sim.make(spec, quality),
        render.make(spec, run_name, quality),
        generate_node.make(spec, run_name, generate),
        comp.make(spec, run_name),
        deliver.make(run_name, rate_per_hour, unused_spec_fields()),
    ))


def spec_fields_used() -> dict[str, tuple[str, ...]]:
    """For each stage, the spec fields that change what it makes."""
    from plano.comp import node as comp
    from plano.deliver import node as deliver
    from plano.generate import node as generate
    from plano.render import node as render
    from plano.scene import node as scene
    from plano.sim import node as sim

    return {"set": scene.SET_FIELDS, "scene": scene.SCENE_FIELDS, "sim": sim.SPEC_FIELDS,
            "render": render.SPEC_FIELDS, "generate": generate.SPEC_FIELDS, "comp": comp.SPEC_FIELDS,
            "deliver": deliver.SPEC_FIELDS}


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


def _holds_other_spec(run: RunFolder, spec: Any) -> bool:
    path = run.path("spec.yaml")
    return path.exists() and not _same_spec(path, spec)


def _claim_for(run: RunFolder, spec: Any, lock: FolderLock) -> bool:
    """With ``run`` locked: True (and its spec.yaml written) when it is free for ``spec`` (empty, or holding the
    same spec); False, with the lock let go, when another spec got there first."""
    if _holds_other_spec(run, spec):
        release(lock)
        return False
    if not run.path("spec.yaml").exists():
        from plano.spec.io import save_spec

        save_spec(spec, run.path("spec.yaml"))
    return True


def open_run(
    spec: Any, shots_dir: str | Path = "shots", version: int | None = None, spec_file: str | Path | None = None,
    replace: bool = False, wait_s: float = 0.0,
) -> tuple[RunFolder, FolderLock]:
    """The run folder for ``spec``, locked for this run (:mod:`plano.core.lock`; a version another live run
    holds is waited for up to ``wait_s`` seconds, then :class:`FolderBusy` names its holder).

    ``version`` re-enters that version; one that holds another spec is refused unless ``replace`` (new words
    never overwrite a version's work unasked). A spec file inside a run folder
    (``shots/SEQ010_SH010/v003/spec.yaml``, edited by the artist) re-runs that version. Otherwise the latest
    version is re-entered when it holds the same spec (or nothing yet), and the next version is claimed
    (an exclusive ``mkdir``) when the spec is new: two runs with different words never share a version."""
    shot = check_shot_name(spec.shot)
    if version is None and spec_file is not None:
        folder = Path(spec_file).resolve().parent
        v = parse_version_dir(folder.name)
        if v is not None and folder.parent.name == shot:
            shots_dir, version, replace = folder.parent.parent, v, True
    if version is not None:
        run = RunFolder.open(shots_dir, shot, version)
        lock = acquire(run.root, wait_s)
        if not replace and _holds_other_spec(run, spec):
            release(lock)
            raise PlanoError(
                f"{run.root} was made from another spec; running these words there would replace its work. Run "
                f"without --version to make a new version, or add --force spec to replace {run.root.name}"
            )
        if not run.path("spec.yaml").exists():
            _claim_for(run, spec, lock)
        return run, lock
    for _ in range(1000):
        existing = RunFolder.versions(shots_dir, shot)
        if existing:
            latest = RunFolder.open(shots_dir, shot, existing[-1])
            if not _holds_other_spec(latest, spec):
                lock = acquire(latest.root, wait_s)
                if _claim_for(latest, spec, lock):
                    return latest, lock
        run = RunFolder.claim(shots_dir, shot)
        lock = acquire(run.root, wait_s)
        if _claim_for(run, spec, lock):
            return run, lock
    raise PlanoError(f"could not claim a version of {shot} in {shots_dir}: other runs keep taking them")


def _generate_settings(run: RunFolder, given: Any) -> Any:
    """The generate settings for this run: those given (saved in the version's ``generate.yaml``), else the ones
    saved there by an earlier run (so `plano comp` after `plano generate` keeps what was generated), else none."""
    from plano.generate.settings import SETTINGS_FILE, load_settings, save_settings

    path = run.path(SETTINGS_FILE)
    if given is None:
        return load_settings(path)
    save_settings(given, path)
    return given


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
    replace: bool = False,
    wait_s: float = 0.0,
    notify: Callable[[str], None] | None = None,
    generate: Any = None,
    nodes: Mapping[str, Node] | None = None,
    executor: Any = None,
) -> ShotRun:
    """Run the shot's graph up to ``until`` (the whole chain by default) in its run folder, holding its lock.

    ``force`` names stages to run again (with all that read them); ``partial`` gives a stage options for a
    partial run (``{"render": {"frames": [1001, 1002]}}``); ``replace`` lets ``version`` hold another spec;
    ``wait_s``: how long to wait for another run that holds the version; ``notify(message)`` hears what
    was repaired (a damaged output found and rebuilt) and cleaned up; ``generate``: the generate stage's settings
    (``GenerateSettings``; default the engine ``none``); ``nodes`` replace the shot's own nodes of
    those names (``plano.plan.shared``: a set and a sim that several shots share); ``executor``
    (:mod:`plano.core.executor`) runs the sim as a task and the render in frame chunks, on a farm (default: all here)."""
    for f in force:
        check_stage(f)
    check_stage(until, "stage")
    if quality not in QUALITIES:
        raise PlanoError(f"quality {quality!r} is not known; expected one of {', '.join(QUALITIES)}")
    if run is None:
        run, lock = open_run(spec, shots_dir, version, spec_file, replace=replace, wait_s=wait_s)
    else:
        lock = acquire(run.root, wait_s)
    try:
        if lock.took_over and notify:
            notify(f"took over the lock of {describe(lock.took_over)}, which is no longer running")
        for path in run.sweep_temporaries():
            if notify:
                notify(f"removed {path}, left half-written by a run that stopped")
        generate = _generate_settings(run, generate)
        graph = shot_graph(spec, run.name, quality, rate_per_hour, generate)
        if nodes:
            graph = Graph(tuple(nodes.get(n.name, n) for n in graph.nodes))
        graph = graph.cut("spec", until)  # the folder keeps spec.yaml
        results = run_graph(graph, run, progress, force=[f for f in force if f in graph.names], partial=partial,
                            notify=notify, executor=executor)
    finally:
        release(lock)
    return ShotRun(run, results)
