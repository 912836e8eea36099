"""provenance.json: what made every pixel of a delivered shot (engines and versions, seed, prompt, spec
hash, stage cache keys) and the SHA-256 of every delivered file."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

from plano.core.atomic import atomic_write_text
from plano.core.store import file_digest

SCHEMA = "plano.provenance/1"


def build_provenance(
    *,
    name: str,
    spec: Any,
    spec_hash: str,
    engines: dict[str, str],
    color: dict[str, str],
    stages: dict[str, dict],
    label: dict[str, Any],
    machine: dict[str, Any],
    passes: dict[str, Any],
    outputs: dict[str, Path],
    root: Path,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    def rel(p: Path) -> str:
        try:
            return str(Path(p).resolve().relative_to(Path(root).resolve()))
        except ValueError:
            return str(p)

    return {
        "schema": SCHEMA,
        "name": name,
        "shot": spec.shot,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "prompt": spec.prompt,
        "seed": spec.seed,
        "spec_hash": spec_hash,
        "generative_ai": label,
        "engines": engines,
        "color": color,
        "stages": stages,
        "machine": machine,
        "passes": passes,
        "outputs": {k: {"path": rel(p), "sha256": file_digest(p), "bytes": Path(p).stat().st_size} for k, p in outputs.items()},
        "c2pa": "not signed",
        "spec": spec.model_dump(mode="json"),
        **(extra or {}),
    }


def write_provenance(path: str | Path, data: dict[str, Any]) -> Path:
    return atomic_write_text(path, json.dumps(data, indent=2, default=str) + "\n")
