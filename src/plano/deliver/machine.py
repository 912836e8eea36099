"""What ran the shot: machine description, engine versions, stage records and cost."""

from __future__ import annotations

import json
import os
import platform
from importlib import metadata
from pathlib import Path

# distributions whose versions say what made the pixels, in the order data flows
ENGINE_PACKAGES = (
    "plano", "numpy", "scipy", "pydantic", "trimesh", "usd-core", "rapier3d", "mujoco", "numba",
    "moderngl", "glcontext", "openexr", "opencolorio", "av", "pillow", "opencv-python-headless", "openimageio",
    "c2pa-python", "cryptography",
)
RATE_ENV = "PLANO_MACHINE_RATE_PER_HOUR"
"""Set to a machine's price in $ per hour (e.g. 0.45) to have the report show the shot's cost."""


def engine_versions() -> dict[str, str]:
    """Installed versions of the engines plano uses (missing ones are left out), plus ffmpeg's libavcodec."""
    out: dict[str, str] = {}
    for dist in ENGINE_PACKAGES:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    try:
        import av

        lib = av.library_versions.get("libavcodec")
        if lib:
            out["ffmpeg libavcodec (PyAV)"] = ".".join(str(x) for x in lib)
    except Exception:  # pragma: no cover
        pass
    return out


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return None


def machine_info() -> dict[str, object]:
    mem = _memory_gib()
    cores = os.cpu_count() or 1
    desc = f"{cpu_model()}, {cores} logical cores" + (f", {mem:.0f} GiB RAM" if mem else "")
    return {
        "description": desc,
        "cpu": cpu_model(),
        "cores": cores,
        "memory_gib": round(mem, 1) if mem else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "host": platform.node(),
    }


def machine_rate() -> float | None:
    """$ per hour from the environment (``PLANO_MACHINE_RATE_PER_HOUR``), or None."""
    raw = os.environ.get(RATE_ENV, "").strip()
    if not raw:
        return None
    try:
        rate = float(raw)
    except ValueError:
        return None
    return rate if rate >= 0 else None


def cost(total_seconds: float, cores: int, rate_per_hour: float | None) -> dict[str, float | None]:
    """Wall time, core-hours (wall x cores: what the machine was held for) and money at ``rate_per_hour``."""
    hours = total_seconds / 3600.0
    return {
        "seconds": total_seconds,
        "machine_hours": hours,
        "core_hours": hours * cores,
        "rate_per_hour": rate_per_hour,
        "cost": hours * rate_per_hour if rate_per_hour is not None else None,
    }
