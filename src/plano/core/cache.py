"""Cache keys: a stage's key hashes its own config and the keys of everything upstream of it."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def _canonical(value: Any) -> Any:
    if hasattr(value, "model_dump"):  # pydantic models
        return _canonical(value.model_dump(mode="json"))
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, float):
        return repr(value)
    return value


def stable_hash(value: Any) -> str:
    """A short, stable hex digest of JSON-like data (dicts, lists, numbers, strings, pydantic models)."""
    blob = json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def cache_key(name: str, config: Any, upstream: dict[str, str]) -> str:
    """The key of stage ``name`` given its config and its upstream stages' keys."""
    return stable_hash({"stage": name, "config": config, "upstream": dict(sorted(upstream.items()))})
