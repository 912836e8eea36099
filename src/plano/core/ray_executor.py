"""The Ray executor: tasks on a Ray cluster, each asking for its node's resources.

``RayExecutor("local")`` starts a Ray cluster on this machine (``cpus`` workers); ``RayExecutor("HOST:PORT")``
or ``"ray://HOST:PORT"`` joins a running one (``ray start --head`` on the head node, ``ray start
--address HOST:PORT`` on every worker). A task whose worker process or node dies is retried elsewhere by Ray
(``retries`` times); a task that raises is not retried: its error comes back naming the task. Before a node's
tasks run, one check runs on every node of the cluster: it must see the run folder with the head's marker.
Nothing here knows what the tasks make.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from typing import Any

from plano.core.executor import Executor, Resources, RunFolderNotShared, TaskFailed, check_marker, map_path
from plano.errors import MissingEngine, PlanoError


def _ray():
    try:
        import ray
    except ImportError as err:
        raise MissingEngine("ray", f"the Ray package cannot be imported ({err})",
                            "pip install 'plano[farm]' (or pip install ray)") from None
    return ray


def _reachable(address: str, timeout_s: float = 5.0) -> None:
    """A ``HOST:PORT`` (or ``ray://HOST:PORT``) that nothing answers on is one clear error, not minutes of retries."""
    hostport = address.removeprefix("ray://")
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=timeout_s).close()
    except OSError as err:
        raise PlanoError(f"nothing answers at {address!r} ({err.strerror or err}): start the Ray head there with "
                         f"`ray start --head --port {port}`, check the address, or use --farm local-ray") from None


def _check_on_node(folder: str, token: str) -> str:
    check_marker(folder, token)
    return socket.gethostname()


class RayExecutor(Executor):
    """Tasks on Ray. ``address``: ``"local"`` (start a cluster here with ``cpus`` CPUs and ``gpus`` GPUs),
    ``"auto"``, ``"HOST:PORT"`` or ``"ray://HOST:PORT"``. ``path_map`` maps the head's run-folder paths to where
    the workers see them (``{"/mnt/head/shots": "/shots"}``)."""

    name = "ray"
    distributed = True

    def __init__(self, address: str = "local", cpus: int | None = None, gpus: int | None = None,
                 retries: int = 3, path_map: Mapping[str, str] | None = None,
                 object_store_bytes: int | None = 256 * 1024 * 1024):
        ray = _ray()
        self.address, self.retries = address, int(retries)
        self.path_map = dict(path_map or {})
        self._started = False
        if ray.is_initialized():
            self._ray = ray
            return
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                  "configure_logging": False}
        try:
            if address == "local":
                ray.init(num_cpus=cpus or os.cpu_count() or 1, num_gpus=gpus, object_store_memory=object_store_bytes,
                         **kwargs)
            else:
                _reachable(address)
                ray.init(address=address, **kwargs)
        except ConnectionError as err:
            raise PlanoError(f"cannot reach the Ray cluster at {address!r}: {err}; start it with `ray start --head` "
                             "there, or use --farm local-ray") from None
        except (ValueError, RuntimeError) as err:
            raise PlanoError(f"cannot start or join Ray at {address!r}: {err}") from None
        self._ray, self._started = ray, True

    @property
    def workers(self) -> int:
        return max(1, int(self._ray.cluster_resources().get("CPU", 1)))

    def _options(self, resources: Resources) -> dict[str, Any]:
        opts: dict[str, Any] = {"num_cpus": resources.cpus, "num_gpus": resources.gpus, "max_retries": self.retries,
                                "retry_exceptions": False}
        if resources.memory_bytes:
            opts["memory"] = resources.memory_bytes
        return opts

    def check_shared(self, folder, token):
        ray = self._ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        seen = str(map_path(folder, self.path_map))
        check = ray.remote(_check_on_node)
        refs = [check.options(num_cpus=0, max_retries=1, scheduling_strategy=NodeAffinitySchedulingStrategy(
                    n["NodeID"], soft=False)).remote(seen, token)
                for n in ray.nodes() if n.get("Alive")]
        for ref in refs:
            try:
                ray.get(ref)
            except ray.exceptions.RayTaskError as err:
                cause = getattr(err, "cause", None)
                if isinstance(cause, RunFolderNotShared):
                    raise RunFolderNotShared(str(cause)) from None
                raise PlanoError(f"checking the run folder on a Ray worker failed: {cause or err}") from None

    def _check_fits(self, resources: Resources) -> None:
        """A task no node can hold would wait for ever: refuse it, saying what the largest node has."""
        nodes = [n.get("Resources", {}) for n in self._ray.nodes() if n.get("Alive")]

        def fits(r: dict) -> bool:
            return (r.get("CPU", 0) >= resources.cpus and r.get("GPU", 0) >= resources.gpus
                    and (not resources.memory_bytes or r.get("memory", 0) >= resources.memory_bytes))

        if not any(fits(r) for r in nodes):
            best = max(nodes, key=lambda r: (r.get("GPU", 0), r.get("CPU", 0)), default={})
            raise PlanoError(
                f"no machine of the Ray cluster can run a task that needs {resources.cpus:g} CPU, {resources.gpus:g} "
                f"GPU and {resources.memory_bytes / 2**30:.1f} GB: the largest has {best.get('CPU', 0):g} CPU, "
                f"{best.get('GPU', 0):g} GPU, {best.get('memory', 0) / 2**30:.1f} GB; add such a machine")

    def map(self, fn, tasks, resources=Resources(), on_done=None):
        ray = self._ray
        self._check_fits(resources)
        remote = ray.remote(fn).options(**self._options(resources))
        refs = [remote.remote(t.item) for t in tasks]
        index = {ref: i for i, ref in enumerate(refs)}
        results: list[Any] = [None] * len(refs)
        pending = list(refs)
        failure: TaskFailed | None = None
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            i = index[ready[0]]
            try:
                results[i] = ray.get(ready[0])
            except ray.exceptions.RayTaskError as err:
                cause = getattr(err, "cause", None)
                why = str(cause) if isinstance(cause, PlanoError) else \
                    f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}" \
                    if cause is not None else str(err).splitlines()[0]
                failure = failure or TaskFailed(tasks[i].label, why)
                continue
            except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError,
                    ray.exceptions.TaskCancelledError) as err:
                failure = failure or TaskFailed(tasks[i].label, f"its worker died {self.retries + 1} times "
                                                f"({type(err).__name__}); nothing more is retried")
                continue
            if on_done is not None:
                on_done(i, results[i])
        if failure is not None:
            raise failure
        return results

    def close(self) -> None:
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()
        self._started = False
