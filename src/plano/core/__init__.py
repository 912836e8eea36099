"""The pipeline core: a graph of nodes, cache keys, the run-folder store, atomic writes.

Nothing here knows about shots, cameras or buildings: a node is a name, its inputs, its config, the paths
it writes and two functions (run, load).
"""

from plano.core.atomic import atomic_path, atomic_write_bytes, atomic_write_text
from plano.core.cache import cache_key, stable_hash
from plano.core.executor import Executor, LocalExecutor, Resources, TaskFailed
from plano.core.graph import Context, Graph, Inputs, Node, Progress, Result, UndeclaredInput, no_progress, run_graph
from plano.core.store import Store

__all__ = [
    "Context",
    "Executor",
    "LocalExecutor",
    "Resources",
    "TaskFailed",
    "Graph",
    "Inputs",
    "Node",
    "Progress",
    "Result",
    "Store",
    "UndeclaredInput",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "cache_key",
    "no_progress",
    "run_graph",
    "stable_hash",
]
