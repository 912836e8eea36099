"""A node run as tasks on an executor: one task per chunk (or one for the whole node), run where the executor
puts it, against the same store.

A task gets the graph, its node's name, the store as the worker sees it, its options and the head's marker token.
On the worker it checks the marker (:func:`plano.core.executor.check_marker`), loads its node's declared inputs
from the store with their ``load`` (a node reads only what it declares, here too), notes its attempt in
``.plano/tasks/<node>.<part>.json`` (pid, host, when: a retried task has two), runs, and returns where and how
long it ran. On the head, after the chunks, the node runs once more as a full run that resumes: every part is
there, so it only checks them (``options={"after_chunks": True}``) and the graph writes the record. Nothing here knows what the nodes make.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from plano.core.atomic import atomic_write_text, writes_inside
from plano.core.executor import Executor, Resources, Task, check_marker, map_path, write_marker
from plano.core.store import META, Store
from plano.errors import PlanoError

if TYPE_CHECKING:
    from plano.core.graph import Context, Graph, Node

TASKS = f"{META}/tasks"
AFTER_CHUNKS = "after_chunks"
"""The option of the head's full run after a node's chunks: every part was just written (atomically) by a
chunk, so the node may confirm each is there without reading it all again."""


@dataclass(frozen=True)
class NodeTask:
    graph: "Graph"
    node: str
    store: Store
    token: str
    label: str
    index: int
    resume: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)


def task_record_path(store: Store, node: str, index: int):
    return store.path(TASKS, f"{node}.{index:03d}.json")


def read_task_record(store: Store, node: str, index: int) -> dict[str, Any]:
    try:
        doc = json.loads(task_record_path(store, node, index).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def _note_attempt(task: NodeTask, **fields: Any) -> dict[str, Any]:
    doc = read_task_record(task.store, task.node, task.index)
    attempts = [a for a in doc.get("attempts", []) if isinstance(a, dict)]
    me = {"pid": os.getpid(), "host": socket.gethostname()}
    if fields.get("state") == "running":
        attempts.append({**me, "started": time.time(), "state": "running"})
    elif attempts and attempts[-1].get("pid") == me["pid"]:
        attempts[-1].update(fields)
    doc = {"node": task.node, "label": task.label, "options": dict(task.options), "attempts": attempts}
    atomic_write_text(task_record_path(task.store, task.node, task.index), json.dumps(doc, default=str))
    return doc


def run_task(task: NodeTask) -> dict[str, Any]:
    """Run one task of a node on this worker (see the module's docstring); returns ``{label, host, pid, seconds,
    attempt}``."""
    if task.token:  # a task of a head on a farm (an empty token: a step a farm manager runs on its own)
        check_marker(task.store.root, task.token)
    from plano.core.graph import Context, Inputs, no_progress

    node = task.graph.node(task.node)
    values = {}
    for name in node.inputs:
        try:
            value = task.graph.node(name).load(task.store)
        except Exception as err:  # noqa: BLE001 - named below
            raise PlanoError(f"{task.label}: its input {name!r} cannot be loaded from {task.store.root}: {err}") from err
        if value is None:
            raise PlanoError(f"{task.label}: its input {name!r} is not finished in {task.store.root} as this worker "
                             "sees it")
        values[name] = value
    t0 = time.perf_counter()
    with writes_inside(task.store.root):
        doc = _note_attempt(task, state="running")
        ctx = Context(node.name, Inputs(node.name, values), task.store, no_progress, task.resume, dict(task.options))
        node.run(ctx)
        seconds = time.perf_counter() - t0
        _note_attempt(task, state="done", seconds=round(seconds, 3))
    return {"label": task.label, "host": socket.gethostname(), "pid": os.getpid(), "seconds": seconds,
            "attempt": len(doc["attempts"])}


def run_as_tasks(graph: "Graph", node: "Node", ctx: "Context", key: str, executor: Executor) -> Any:
    """Run ``node`` (already begun in ``ctx.store``) as tasks on ``executor``; return its output on the head."""
    store = ctx.store
    token = write_marker(store.root)
    executor.check_shared(store.root, token)
    worker_store = dataclasses.replace(store, root=map_path(store.root, executor.path_map))
    for old in sorted(store.path(TASKS).glob(f"{node.name}.*.json")) if store.path(TASKS).is_dir() else []:
        old.unlink(missing_ok=True)
    parts = list(node.chunks(executor.workers)) if node.chunks is not None else [(node.name, {})]
    tasks = [Task(label, NodeTask(graph, node.name, worker_store, token, label, i, ctx.resume, dict(opts)))
             for i, (label, opts) in enumerate(parts)]
    finished = 0
    ctx.progress(0.0, f"{len(tasks)} task{'s' if len(tasks) != 1 else ''} on {executor.name}")

    def on_done(index: int, result: dict[str, Any]) -> None:
        nonlocal finished
        finished += 1
        again = f", attempt {result['attempt']}" if result.get("attempt", 1) > 1 else ""
        ctx.progress(finished / len(tasks) * 0.99,
                     f"{result['label']} done on {result['host']} in {result['seconds']:.1f} s{again}")

    executor.map(run_task, tasks, node.resources or Resources(), on_done)
    if node.chunks is None:
        output = node.load(store)
        if output is None:
            raise PlanoError(f"{node.name} ran as a task but its output cannot be loaded back from {store.root}")
        return output
    store.begin(node.name, key, node.writes, fresh=False)  # resumes: what a killed chunk left half-written goes
    with writes_inside(store.root):
        return node.run(dataclasses.replace(ctx, resume=True, options={AFTER_CHUNKS: True}))
