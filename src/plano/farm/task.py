"""One step of a shot run by a farm manager that is not Ray (an Open Job Description job): run the shot's graph
up to a stage in its run folder, or one chunk of a chunked stage (some frames of the render) alongside others.

A chunk takes no lock (its siblings run at the same time, each writing its own frames atomically); it runs only
when the step before it has begun its stage with the same key (``.plano/<stage>.started.json``), so a chunk never
writes into a folder prepared for other settings. The last step (``--until deliver``) holds the lock, finds every
chunk's frames and writes the stage's record.
"""

from __future__ import annotations

import json
from pathlib import Path

from plano.core.tasks import NodeTask, run_task
from plano.errors import PlanoError
from plano.schema.naming import RunFolder, parse_version_dir


def open_run_folder(root: str | Path) -> tuple[RunFolder, object]:
    """The run folder at ``root`` (``.../SEQ010_SH010/v003``) and its spec, or a PlanoError saying what is wrong."""
    from plano.spec.io import load_spec

    root = Path(root)
    version = parse_version_dir(root.name)
    if not root.is_dir() or version is None:
        raise PlanoError(f"{str(root)!r} is not a run folder; expected a version folder such as "
                         "shots/SEQ010_SH010/v001 (made by `plano shot` or `plano openjd`)")
    if not (root / "spec.yaml").is_file():
        raise PlanoError(f"{str(root)!r} holds no spec.yaml; make it with `plano openjd` or `plano shot` first")
    return RunFolder.open(root.parent.parent, root.parent.name, version), load_spec(root / "spec.yaml")


def run_until(root: str | Path, until: str, quality: str) -> list[str]:
    """Run the graph up to ``until`` (holding the folder's lock), then begin each chunked stage whose inputs are
    now done, so its chunks can run. Returns the stages begun."""
    from plano.shot import run_shot, shot_graph

    run, spec = open_run_folder(root)
    graph = shot_graph(spec, run.name, quality)
    results = dict(run_shot(spec, quality=quality, until=until, run=run).results)
    for node in graph.nodes:  # a chunked stage that reads `until` gets its other inputs made too (render: scene)
        if node.chunks is not None and until in node.inputs:
            for name in node.inputs:
                if name not in results:
                    results.update(run_shot(spec, quality=quality, until=name, run=run).results)
    keys, begun = graph.keys(), []
    for node in graph.nodes:
        if node.chunks is None or node.name in results or not all(i in results for i in node.inputs):
            continue
        record = run.record(node.name)
        if record and record.get("key") == keys[node.name] and not run.damaged(record):
            continue  # finished already: its chunks will find every frame there
        run.begin(node.name, keys[node.name], node.writes, fresh=False)
        begun.append(node.name)
    return begun


def run_chunk(root: str | Path, stage: str, frames: list[int], quality: str) -> dict:
    """Run ``frames`` of chunked ``stage`` in the run folder at ``root`` (no lock: other chunks run alongside)."""
    from plano.shot import shot_graph

    run, spec = open_run_folder(root)
    graph = shot_graph(spec, run.name, quality)
    try:
        node = graph.node(stage)
    except KeyError:
        raise PlanoError(f"--chunk {stage!r} is not a stage; expected one of {', '.join(graph.names)}") from None
    if node.chunks is None:
        raise PlanoError(f"--chunk {stage!r}: {stage} does not run in chunks; run it with --until {stage}")
    key = graph.keys()[stage]
    try:
        started = json.loads(run.path(".plano", f"{stage}.started.json").read_text()).get("key")
    except (OSError, ValueError, AttributeError):
        started = None
    if started != key:
        record = run.record(stage)
        if record and record.get("key") == key:
            return {"label": f"{stage} {frames[0]}-{frames[-1]}", "skipped": "already finished"}
        before = ", ".join(node.inputs)
        raise PlanoError(f"{run.root} is not ready for {stage} chunks at quality {quality!r}: run the step before "
                         f"first (plano farm-task {run.root} --until {node.inputs[-1]} --quality {quality}), which "
                         f"makes {before} and begins {stage}")
    task = NodeTask(graph, stage, run, token="", label=f"{stage} frames {frames[0]}-{frames[-1]}",
                    index=frames[0], resume=True, options={"frames": frames})
    return run_task(task)
