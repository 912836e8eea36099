"""The pipeline core: run folders, cache keys, atomic writes and stage execution.

Nothing here knows about shots, cameras or buildings; stages are plain functions with a config.
"""

from plano.core.atomic import atomic_path, atomic_write_bytes, atomic_write_text
from plano.core.cache import cache_key, stable_hash
from plano.core.pipeline import Stage, StageResult, run_stages
from plano.core.runfolder import RunFolder

__all__ = [
    "RunFolder",
    "Stage",
    "StageResult",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "cache_key",
    "run_stages",
    "stable_hash",
]
