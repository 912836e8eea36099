"""Where a graph's work runs: the executor interface, and the local executor (this process, today's behaviour).

An executor runs *tasks*: a function applied to items (``map``), each task asking for the resources its node
declares (:class:`Resources`: CPUs, GPUs, memory). The local executor runs them here, one after another; the Ray
executor (:mod:`plano.core.ray_executor`) spreads them over a cluster. :func:`plano.core.graph.run_graph` uses an
executor for the nodes that say how they split (``Node.chunks``) or that ask to run as a task
(``Node.resources``); every other node runs on the head.

A task on another machine sees the run folder only through a shared file system. Before any task runs, the head
writes a marker with a fresh token in the folder (:func:`write_marker`) and every task checks it
(:func:`check_marker`): a worker that does not see the head's folder is refused with a message that says so,
instead of writing into a folder of its own. Nothing here knows what the nodes make.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plano.errors import PlanoError

MARKER = ".plano/farm.json"
"""The head's marker in a folder its tasks must see (token, head host, when)."""


@dataclass(frozen=True)
class Resources:
    """What one task of a node needs: CPU cores, GPUs (fractions allowed), memory in bytes (0: not stated)."""

    cpus: float = 1.0
    gpus: float = 0.0
    memory_bytes: int = 0

    def __post_init__(self) -> None:
        if self.cpus < 0 or self.gpus < 0 or self.memory_bytes < 0:
            raise ValueError(f"resources must not be negative: {self}")


class TaskFailed(PlanoError):
    """A task failed for good (its error, or its worker died more often than it may be retried): ``label`` names
    the task (node and part), ``host`` where it last ran."""

    def __init__(self, label: str, why: str, host: str = ""):
        self.label, self.why, self.host = label, why, host
        where = f" on {host}" if host else ""
        super().__init__(f"{label} failed{where}: {why}")


class RunFolderNotShared(PlanoError):
    """A worker does not see the run folder the head works in."""


@dataclass(frozen=True)
class Task:
    """One item of :meth:`Executor.map`: what to call it in messages, and its argument."""

    label: str
    item: Any


class Executor(ABC):
    """Runs tasks. ``distributed`` executors run them in other processes (on other machines): the graph then
    splits nodes into chunks and checks that the workers see the run folder."""

    name: str = "executor"
    distributed: bool = False
    path_map: Mapping[str, str] | None = None
    """Head path -> worker path, where the workers mount the run folder elsewhere (None: the same path)."""

    @abstractmethod
    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Task], resources: Resources = Resources(),
            on_done: Callable[[int, Any], None] | None = None) -> list[Any]:
        """``[fn(t.item) for t in tasks]``, run as tasks that each ask for ``resources``; ``on_done(index, result)``
        is called on this process as each finishes (in any order). A task that fails raises :class:`TaskFailed`
        naming its label, once the others have stopped or finished."""

    def check_shared(self, folder: Path, token: str) -> None:  # noqa: B027 - local: the folder is this machine's
        """Refuse (:class:`RunFolderNotShared`) when a worker does not see ``folder`` with the head's marker."""

    @property
    def workers(self) -> int:
        return 1

    def close(self) -> None:  # noqa: B027
        """Let go of what the executor started."""

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class LocalExecutor(Executor):
    """Every task in this process, in order: what plano did before executors."""

    name = "local"
    distributed = False

    def map(self, fn, tasks, resources=Resources(), on_done=None):
        out = []
        for i, task in enumerate(tasks):
            try:
                result = fn(task.item)
            except PlanoError as err:
                raise TaskFailed(task.label, str(err), socket.gethostname()) from err
            out.append(result)
            if on_done is not None:
                on_done(i, result)
        return out


# ---------------------------------------------------------------- the shared-folder marker


def write_marker(folder: str | os.PathLike) -> str:
    """Write the head's marker in ``folder`` (atomically) and return its fresh token."""
    from plano.core.atomic import atomic_write_text

    token = secrets.token_hex(16)
    doc = {"token": token, "head": socket.gethostname(), "pid": os.getpid(), "written": time.time(),
           "folder": str(Path(folder).resolve())}
    atomic_write_text(Path(folder) / MARKER, json.dumps(doc))
    return token


def check_marker(folder: str | os.PathLike, token: str) -> None:
    """On a worker: the marker in ``folder`` holds the head's ``token``, or :class:`RunFolderNotShared`."""
    path = Path(folder) / MARKER
    host = socket.gethostname()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        doc = None
    if not isinstance(doc, dict) or doc.get("token") != token:
        seen = "holds another run's marker" if isinstance(doc, dict) else "is not there"
        raise RunFolderNotShared(
            f"worker {host} (pid {os.getpid()}) does not see the run folder the head works in: {str(path)!r} {seen}. "
            "Every worker must see the run folder at the same path (a shared file system such as NFS, CephFS, "
            "Lustre or EFS), or be given where it sees it (path mapping); nothing was run")


def map_path(path: str | os.PathLike, path_map: Mapping[str, str] | None) -> Path:
    """``path`` as a worker sees it: the longest prefix in ``path_map`` (head path -> worker path) replaced."""
    p = Path(path)
    if not path_map:
        return p
    for head in sorted(path_map, key=len, reverse=True):
        try:
            rest = p.relative_to(head)
        except ValueError:
            continue
        return Path(path_map[head]) / rest
    return p
