"""An engine table: the engines a step can use, what each needs, whether it is available here and why not.

An engine is a name, a one-line account of what it does, its licence, what it needs (Python modules, shared
libraries, a device) and a ``probe`` that says, in words, why it cannot run here (``None``: it can). A missing
engine stays listed with its reason and the command that installs it; asking for it is one clear error, never a
silent fallback. Nothing here knows what the engines make: a stage builds its own table.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from plano.errors import MissingEngine, PlanoError


def missing_modules(modules: tuple[str, ...]) -> list[str]:
    """The Python modules of ``modules`` that cannot be imported here (checked without importing them)."""
    out = []
    for m in modules:
        try:
            if importlib.util.find_spec(m) is None:
                out.append(m)
        except (ImportError, ValueError):
            out.append(m)
    return out


def missing_libraries(libraries: tuple[str, ...]) -> list[str]:
    """The shared libraries of ``libraries`` (``vulkan``, ``omp``) the dynamic loader cannot find."""
    return [lib for lib in libraries if ctypes.util.find_library(lib) is None]


@dataclass(frozen=True)
class Engine:
    """One engine of a table.

    ``modules``: Python modules it imports; ``libraries``: shared libraries (names for ``ctypes.util.find_library``);
    ``install``: the command that provides them; ``probe()``: a sentence saying why it cannot run now beyond a
    missing dependency (no device, ...), or ``None``; ``facts``: anything else worth listing (weights, sizes)."""

    name: str
    does: str
    licence: str
    modules: tuple[str, ...] = ()
    libraries: tuple[str, ...] = ()
    install: str = ""
    needs: str = ""
    probe: Callable[[], str | None] | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    def why_not(self) -> str | None:
        """Why this engine cannot run here, in words; ``None`` when it can."""
        mods = missing_modules(self.modules)
        libs = missing_libraries(self.libraries)
        reasons = []
        if mods:
            reasons.append(f"Python module(s) {', '.join(mods)} not installed")
        if libs:
            reasons.append(f"shared librar{'y' if len(libs) == 1 else 'ies'} {', '.join(libs)} not found")
        if not reasons and self.probe is not None:
            extra = self.probe()
            if extra:
                reasons.append(extra)
        return "; ".join(reasons) or None

    @property
    def available(self) -> bool:
        return self.why_not() is None

    def describe(self) -> dict[str, Any]:
        """A plain record for a listing: name, what it does, licence, needs, available, why not, install."""
        why = self.why_not()
        return {"name": self.name, "does": self.does, "licence": self.licence, "needs": self.needs,
                "available": why is None, "why_not": why, "install": self.install, **self.facts}


@dataclass(frozen=True)
class EngineTable:
    """The engines of one step, by name, in the order they are listed."""

    step: str
    engines: tuple[Engine, ...]

    def __post_init__(self) -> None:
        names = [e.name for e in self.engines]
        if len(set(names)) != len(names):
            raise ValueError(f"engine table {self.step!r} names an engine twice: {names}")

    def __iter__(self) -> Iterator[Engine]:
        return iter(self.engines)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.engines)

    def get(self, name: str) -> Engine:
        """The engine ``name``, or a PlanoError listing the known ones."""
        for e in self.engines:
            if e.name == name:
                return e
        raise PlanoError(f"{self.step} engine {name!r} is not known; expected one of {', '.join(self.names)} "
                         f"(`plano models` lists them with what each needs)")

    def require(self, name: str) -> Engine:
        """The engine ``name`` when it can run here; otherwise :class:`MissingEngine` with why and how to install."""
        e = self.get(name)
        why = e.why_not()
        if why is not None:
            raise MissingEngine(f"{self.step} {name}", why, e.install or "see `plano models`")
        return e

    def listing(self) -> list[dict[str, Any]]:
        return [e.describe() for e in self.engines]
