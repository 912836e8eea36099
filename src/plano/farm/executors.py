"""``--farm``: which executor runs a shot. ``local`` (this process, the default), ``local-ray`` (a Ray cluster
started on this machine), ``ray://HOST:PORT`` or ``HOST:PORT`` (a running Ray cluster)."""

from __future__ import annotations

import re

from plano.core.executor import Executor, LocalExecutor
from plano.errors import PlanoError

_ADDRESS = re.compile(r"^(ray://)?[A-Za-z0-9.\-]+:\d{1,5}$")
CHOICES = "local, local-ray, ray://HOST:PORT or HOST:PORT"


def executor_for(farm: str | None, cpus: int | None = None) -> Executor:
    """The executor ``farm`` names (a wrong value is a PlanoError that lists the choices)."""
    if farm is None or farm == "local":
        return LocalExecutor()
    from plano.core.ray_executor import RayExecutor

    if farm == "local-ray":
        return RayExecutor("local", cpus=cpus)
    if farm == "auto" or _ADDRESS.fullmatch(farm):
        return RayExecutor(farm)
    raise PlanoError(f"--farm {farm!r} is not a farm plano knows; expected {CHOICES} (e.g. --farm local-ray)")
