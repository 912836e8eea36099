"""One set and one simulation that many shots see: the shots of one event, the variants of one shot.

The set and the sim are the shot graph's own nodes (``plano.scene.node.make_set``, ``plano.sim.node.make``),
run once in a folder of their own named by the sim's cache key (``<base>/sims/<key>/``). A shot that sees
them gets two nodes in place of its own ``set`` and ``sim``: they load the shared outputs, and the shot's
stage records name the shared folder and its keys (``.plano/sim.json`` ``config.shared``), which is how
reuse is shown. The sim node hands the shot a :class:`SimWindow`: the event's frames the shot shows,
renumbered from the shot's first frame, so two cameras at the same event time see the same chunk poses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plano import __version__
from plano.core import Graph, Node, Progress, Result, Store, run_graph
from plano.core.lock import acquire, release
from plano.errors import PlanoError

FOLDER = "sims"
KEY_CHARS = 16


def shared_graph(spec: Any, quality: str = "previs") -> Graph:
    """The two nodes a shared folder runs: the set and the sim of ``spec`` (the event's spec)."""
    from plano.scene import node as scene
    from plano.sim import node as sim

    return Graph((scene.make_set(spec), sim.make(spec, quality)))


@dataclass(frozen=True)
class SharedSim:
    """A finished shared set and sim: where they are, their keys, and the event's frames."""

    root: Path
    set_key: str
    sim_key: str
    frame_start: int
    frame_count: int
    fps: float
    results: dict[str, Result] = dataclasses.field(default_factory=dict, compare=False)
    """This run's results of ``set`` and ``sim`` (``cached``: reused, not run)."""

    @property
    def simulated(self) -> bool:
        """True when this run simulated (the sim was not reused)."""
        r = self.results.get("sim")
        return r is not None and not r.cached


def shared_folder(base: str | Path, spec: Any, quality: str = "previs") -> Path:
    """``<base>/sims/<the sim's key>``: the same set and sim always land in the same folder."""
    return Path(base) / FOLDER / shared_graph(spec, quality).keys()["sim"][:KEY_CHARS]


def run_shared(spec: Any, base: str | Path, quality: str = "previs", progress: Callable[[str], Progress] | None = None,
               wait_s: float = 600.0, notify: Callable[[str], None] | None = None) -> SharedSim:
    """Run (or reuse) the set and sim of ``spec`` in ``<base>/sims/<key>/``, holding that folder's lock (a second
    run of the same event waits for the first, up to ``wait_s``, and then reuses its sim)."""
    graph = shared_graph(spec, quality)
    keys = graph.keys()
    root = Path(base) / FOLDER / keys["sim"][:KEY_CHARS]
    if Path(base).exists() and not Path(base).is_dir():
        raise PlanoError(f"{str(base)!r} is a file; the shared sims go in a folder there")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise PlanoError(f"cannot make the shared sim folder {str(root)!r}: {err.strerror or err}") from None
    store = Store(root)
    lock = acquire(root, wait_s)
    try:
        results = run_graph(graph, store, progress, notify=notify)
    finally:
        release(lock)
    fmt = spec.format
    return SharedSim(root, keys["set"], keys["sim"], fmt.frame_start, fmt.frame_count, fmt.fps, results)


class SimWindow:
    """The frames of a shared sim one shot shows: shot frame ``frame_start + i`` is event frame
    ``event_first + i``. Reads like a :class:`plano.sim.cache.SimCache` (``chunks``, ``frames``, ``frame(n)``,
    ``info``, ``document``, ``extra``); it has no ``dir``, so nothing reads the event's files by the shot's
    frame numbers."""

    def __init__(self, cache: Any, event_first: int, frame_start: int, frame_count: int):
        last = event_first + frame_count - 1
        if event_first < cache.frames[0] or last > cache.frames[-1]:
            raise PlanoError(
                f"the shot needs event frames {event_first}..{last} but the shared sim holds "
                f"{cache.frames[0]}..{cache.frames[-1]}; run the sequence again (`plano plan`) to simulate the "
                "whole event"
            )
        self.cache, self.event_first, self.frame_start, self.frame_count = cache, event_first, frame_start, frame_count
        self.offset = event_first - frame_start
        self.info = dataclasses.replace(cache.info, frame_start=frame_start, frame_count=frame_count)
        self.extra = cache.extra
        self.document = {**cache.document, "window": {"event_first_frame": event_first, "shot_first_frame": frame_start,
                                                      "frames": frame_count}}

    @property
    def chunks(self):
        return self.cache.chunks

    @property
    def frames(self) -> list[int]:
        return list(range(self.frame_start, self.frame_start + self.frame_count))

    def event_frame(self, n: int) -> int:
        return n + self.offset

    def frame(self, n: int, effects: bool = True):
        if not self.frame_start <= n < self.frame_start + self.frame_count:
            raise PlanoError(f"frame {n} is not in this shot ({self.frame_start}..{self.frame_start + self.frame_count - 1})")
        return dataclasses.replace(self.cache.frame(n + self.offset, effects), frame=n)


def shared_nodes(shared: SharedSim, event_first: int, frame_start: int, frame_count: int) -> dict[str, Node]:
    """The ``set`` and ``sim`` nodes of a shot that sees ``shared``: shot frames ``frame_start..`` are event
    frames ``event_first..``. They write nothing in the shot's folder; their records hold the shared folder
    and its keys."""
    root = shared.root.resolve()
    if event_first < shared.frame_start or event_first + frame_count > shared.frame_start + shared.frame_count:
        raise PlanoError(
            f"the shot shows event frames {event_first}..{event_first + frame_count - 1}, outside the shared sim's "
            f"{shared.frame_start}..{shared.frame_start + shared.frame_count - 1}"
        )

    def check(name: str, key: str) -> None:
        record = Store(root).record(name)
        if not record or record.get("key") != key:
            raise PlanoError(f"the shared {name} in {root} is missing or was made for another event; run the "
                             "sequence (or the variants) again to make it")

    def load_set(store: Store):
        from plano.scene.io import load_set as load

        check("set", shared.set_key)
        return load(root / "set")

    def load_sim(store: Store):
        from plano.sim.cache import SimCache

        check("sim", shared.sim_key)
        return SimWindow(SimCache(root), event_first, frame_start, frame_count)

    common = {"plano": __version__, "shared": str(root)}
    return {
        "set": Node("set", lambda ctx: load_set(ctx.store), load_set, config={**common, "key": shared.set_key}),
        "sim": Node("sim", lambda ctx: load_sim(ctx.store), load_sim, inputs=("set",),
                    config={**common, "key": shared.sim_key, "event_first_frame": event_first,
                            "shot_first_frame": frame_start, "frames": frame_count}),
    }
