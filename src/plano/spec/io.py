"""Save, load and validate ShotSpec files (YAML or JSON), with upgrades between schema versions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from plano.core.atomic import atomic_write_text
from plano.errors import PlanoError
from plano.spec import limits
from plano.spec.model import SCHEMA_VERSION, ShotSpec

# schema_version N -> function turning a version-N dict into a version-(N+1) dict
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class SpecError(PlanoError):
    """A spec that does not validate. ``problems`` lists every problem as ``path: message``."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source} is not a valid shot spec ({len(problems)} problem(s)):\n{lines}")


_MESSAGES = {
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than": "must be < {lt}",
    "less_than_equal": "must be <= {le}",
    "extra_forbidden": "unknown key (check the spelling; `plano schema` lists every key)",
    "missing": "is required",
}


def describe_errors(err: ValidationError) -> list[str]:
    """Every problem of a pydantic ValidationError as ``a.b.c: message, got X``."""
    out = []
    for e in err.errors(include_url=False):
        path = ".".join(str(p) for p in e["loc"]) or "(top level)"
        ctx = e.get("ctx") or {}
        if e["type"] in _MESSAGES:
            msg = _MESSAGES[e["type"]].format(**{k: f"{v:g}" if isinstance(v, float) else v for k, v in ctx.items()})
        elif e["type"] == "literal_error":
            msg = f"must be one of {ctx.get('expected', '')}"
        else:
            msg = e["msg"]
            msg = msg.removeprefix("Value error, ")
        if e["type"] not in ("missing", "extra_forbidden") and "input" in e and not isinstance(e["input"], dict):
            msg += f", got {e['input']!r}"
        out.append(f"{path}: {msg}")
    return out


def upgrade(data: dict[str, Any], source: str = "spec") -> dict[str, Any]:
    """Bring a spec dict of any known schema version up to the current one."""
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1 or version > SCHEMA_VERSION:
        raise SpecError(source, [f"schema_version: must be 1..{SCHEMA_VERSION}, got {version!r}"])
    while version < SCHEMA_VERSION:
        data = UPGRADES[version](data)
        version += 1
        data["schema_version"] = version
    return data


def spec_from_dict(data: Any, source: str = "spec") -> ShotSpec:
    if not isinstance(data, dict):
        raise SpecError(source, [f"(top level): must be a mapping of keys to values, got {type(data).__name__}"])
    try:
        return ShotSpec.model_validate(upgrade(dict(data), source))
    except ValidationError as err:
        raise SpecError(source, describe_errors(err)) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as err:  # a value no validator expected
        raise SpecError(source, [f"(top level): {type(err).__name__}: {err}"]) from None


def load_spec(path: str | Path) -> ShotSpec:
    """Load a ShotSpec from a ``.yaml``/``.yml``/``.json`` file; every problem is listed with its path.

    The file is bounded before it is built (:mod:`plano.spec.limits`: size, UTF-8, depth, aliases)."""
    path = Path(path)
    kind = "JSON" if path.suffix == ".json" else "YAML"
    data = limits.read_bounded(path, "spec", "a shot.yaml")
    try:
        text = limits.decode(data)
        parsed = limits.load_json(text) if kind == "JSON" else limits.load_yaml(text)
        limits.check_tree(parsed)
    except limits.LimitError as err:
        raise SpecError(str(path), [f"(file): {err}"]) from None
    except (yaml.YAMLError, ValueError, RecursionError) as err:  # ValueError: JSON, a YAML date or int out of range
        raise SpecError(str(path), [f"(file): not valid {kind}: {err}"]) from None
    return spec_from_dict(parsed, str(path))


def spec_to_yaml(spec: ShotSpec) -> str:
    data = spec.model_dump(mode="json")
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def save_spec(spec: ShotSpec, path: str | Path) -> Path:
    path = Path(path)
    text = spec.model_dump_json(indent=2) if path.suffix == ".json" else spec_to_yaml(spec)
    return atomic_write_text(path, text)


def json_schema() -> dict[str, Any]:
    return ShotSpec.model_json_schema()
