"""A graph of nodes, run in a store: each node is reused when its key is unchanged and its output loads.

A node declares its name, the nodes it reads (``inputs``), its config (JSON-like data that changes its
output), the paths it writes and two functions: ``run(ctx)`` computes and writes its output, ``load(store)``
reads a finished output back. Its key hashes its config and its inputs' keys, so it covers exactly what can
change its output. A node sees only the inputs it declares: asking for another one fails, naming both.
Nothing here knows what the nodes make.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from plano.core.atomic import writes_inside
from plano.core.cache import cache_key
from plano.core.executor import Executor, Resources
from plano.core import process
from plano.core.store import Store

Progress = Callable[[float, str], None]
"""``progress(fraction_done, message)``; fraction in [0, 1]."""


def no_progress(fraction: float, message: str = "") -> None:  # noqa: ARG001
    return None


class UndeclaredInput(KeyError):
    """A node asked for an input it did not declare."""

    def __str__(self) -> str:  # KeyError quotes its argument; this is a sentence
        return str(self.args[0])


class Inputs(Mapping[str, Any]):
    """The outputs of the nodes a node declared as inputs, and nothing else."""

    def __init__(self, node: str, values: dict[str, Any]):
        self._node, self._values = node, values

    def __getitem__(self, name: str) -> Any:
        if name not in self._values:
            raise UndeclaredInput(
                f"node {self._node!r} reads {name!r}, which it does not declare as an input "
                f"(declared: {', '.join(self._values) or 'none'})"
            )
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@dataclass(frozen=True)
class Context:
    """What a node's ``run`` gets: its declared inputs, the store, its progress, and run options.

    ``resume`` is true when the node re-enters a run with the same key (outputs already written are kept);
    ``options`` holds options for a partial run (``{"frames": [...]}``), whose record is not written;
    ``history`` says, for each node that came before it in this run, its key, seconds and whether it was
    reused (for a report: facts about the run, not any node's output)."""

    node: str
    inputs: Inputs
    store: Store
    progress: Progress = no_progress
    resume: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    history: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Node:
    name: str
    run: Callable[[Context], Any]
    load: Callable[[Store], Any]
    """``load(store) -> output`` of a finished node; ``None`` (or an exception) when it is missing or damaged."""
    config: Any = None
    inputs: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    """Paths inside the store this node owns: removed when it runs with a new key."""
    resources: Resources | None = None
    """What one task of this node needs (CPUs, GPUs, memory). ``None``: it runs on the head, never as a task."""
    chunks: Callable[[int], Sequence[tuple[str, Mapping[str, Any]]]] | None = None
    """``chunks(workers) -> [(label, options)]``: how the node splits into tasks, each a partial run with those
    options (``{"frames": [...]}``) that keeps what the others wrote; a full run afterwards finds every part
    there and writes the record. ``None``: the node runs whole."""


@dataclass(frozen=True)
class Result:
    name: str
    key: str
    output: Any
    seconds: float
    cached: bool


@dataclass(frozen=True)
class Graph:
    """Nodes in an order where every node comes after its inputs."""

    nodes: tuple[Node, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        owner: dict[str, str] = {}
        for n in self.nodes:
            if n.name in seen:
                raise ValueError(f"two nodes are named {n.name!r}")
            missing = [i for i in n.inputs if i not in seen]
            if missing:
                raise ValueError(f"node {n.name!r} reads {missing}, which no node before it makes")
            for w in n.writes:
                if w in owner:
                    raise ValueError(f"nodes {owner[w]!r} and {n.name!r} both write {w!r}")
                owner[w] = n.name
            seen.add(n.name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.nodes)

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(f"no node {name!r}; the graph has {', '.join(self.names)}")

    def upstream(self, name: str) -> tuple[str, ...]:
        """``name`` and every node it depends on, in graph order."""
        need = {name}
        for n in reversed(self.nodes):
            if n.name in need:
                need.update(n.inputs)
        return tuple(n for n in self.names if n in need)

    def downstream(self, names: Sequence[str]) -> tuple[str, ...]:
        """``names`` and every node that depends on them, in graph order."""
        hit = set(names)
        for n in self.nodes:
            if hit & set(n.inputs):
                hit.add(n.name)
        return tuple(n for n in self.names if n in hit)

    def cut(self, *names: str) -> "Graph":
        """The graph that makes ``names``: them and their ancestors."""
        keep = {n for name in names for n in self.upstream(name)}
        return Graph(tuple(n for n in self.nodes if n.name in keep))

    def keys(self) -> dict[str, str]:
        keys: dict[str, str] = {}
        for n in self.nodes:
            keys[n.name] = cache_key(n.name, n.config, {i: keys[i] for i in n.inputs})
        return keys


def run_graph(
    graph: Graph,
    store: Store,
    progress: Callable[[str], Progress] | None = None,
    force: Sequence[str] = (),
    partial: Mapping[str, Mapping[str, Any]] | None = None,
    notify: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> dict[str, Result]:
    """Run ``graph`` in ``store`` and return each node's result.

    A node is reused when its record holds its key, every file it wrote is as written (size and SHA-256) and
    its ``load`` gives an output. A damaged file is named through ``notify(message)``, removed, and the node
    alone runs again with ``resume`` (keeping its intact outputs); the nodes after it are reused when their
    own outputs are intact. ``force`` names nodes to run again from scratch (with everything that reads them).
    ``partial`` maps a node to options for a partial run (e.g. some frames): it runs with them and writes no
    record, so a later full run completes it. While a node runs, writes outside ``store.root`` are refused.

    With a distributed ``executor`` (:mod:`plano.core.executor`), a node that declares ``chunks`` runs as one
    task per chunk, and one that declares ``resources`` as one task; the tasks load their inputs from the store
    (``load``), and the head loads the output back. The head first checks that the workers see the store.
    """
    notify = notify or (lambda message: None)
    process.tune()  # frame buffers reused from frame to frame, not zeroed anew by the kernel
    partial = dict(partial or {})
    forced = set(graph.downstream(force)) if force else set()
    keys = graph.keys()
    results: dict[str, Result] = {}
    for node in graph.nodes:
        cb = progress(node.name) if progress else no_progress
        key = keys[node.name]
        if node.name not in forced and node.name not in partial:
            reused = _reuse(node, store, key, notify)
            if reused is not None:
                cb(1.0, "reused")
                results[node.name] = Result(node.name, key, reused[0], reused[1], True)
                continue
        resume = store.begin(node.name, key, node.writes, fresh=node.name in forced)
        history = {r.name: {"key": r.key, "seconds": r.seconds, "cached": r.cached} for r in results.values()}
        ctx = Context(node.name, Inputs(node.name, {i: results[i].output for i in node.inputs}), store, cb, resume,
                      partial.get(node.name, {}), history)
        t0 = time.perf_counter()
        if executor is not None and executor.distributed and node.name not in partial and (
                node.chunks is not None or node.resources is not None):
            from plano.core.tasks import run_as_tasks

            output = run_as_tasks(graph, node, ctx, key, executor)
        else:
            with writes_inside(store.root):
                output = node.run(ctx)
        seconds = time.perf_counter() - t0
        if node.name not in partial:
            store.write_record(node.name, key, seconds, node.config, node.writes)
        cb(1.0, "done")
        results[node.name] = Result(node.name, key, output, seconds, False)
    return results


_NUMBERED = re.compile(r"\.(\d{4,})\.[A-Za-z0-9]+$")


def _reuse(node: Node, store: Store, key: str, notify: Callable[[str], None]) -> tuple[Any, float] | None:
    record = store.record(node.name)
    if not record or record.get("key") != key:
        return None
    damaged = store.damaged(record)
    if damaged:
        for rel, why in damaged:
            m = _NUMBERED.search(rel)
            frame = f" (frame {int(m.group(1))})" if m else ""
            notify(f"{node.name}: {rel}{frame} is damaged: {why}; {node.name} runs again to make it anew")
            store.remove(rel)
        return None
    try:
        output = node.load(store)
    except Exception:  # noqa: BLE001 - outputs gone or damaged: the node runs again
        return None
    return None if output is None else (output, float(record.get("seconds", 0.0)))
