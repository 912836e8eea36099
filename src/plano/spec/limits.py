"""Bounds on what a spec file may hold, checked while it is read and before anything is built from it.

A shot spec is a few kB of YAML. A file over :data:`MAX_FILE_BYTES`, one that is not UTF-8 text, nested
deeper than :data:`MAX_DEPTH`, or with more than :data:`MAX_ALIASES` YAML aliases or :data:`MAX_NODES` values
once its aliases are expanded (an "alias bomb": nine aliases of nine lists of nine... grow to billions of
values) is refused with a message saying which limit and where, without expanding it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import Node, SequenceNode

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 16
MAX_ALIASES = 64
MAX_NODES = 20_000


class LimitError(ValueError):
    """A spec file beyond one of the limits; the message names the limit and the line."""


def read_bounded(path: Path, what: str, give: str) -> bytes:
    """At most ``MAX_FILE_BYTES + 1`` bytes of the ``what`` file ``path`` (:func:`decode` refuses more); a folder
    or an unreadable file is one :class:`PlanoError` that says so (``give``: what to give instead of a folder)."""
    from plano.errors import PlanoError

    try:
        if path.is_dir():
            raise PlanoError(f"{what} file {str(path)!r} is a folder; give {give}")
        with open(path, "rb") as f:
            return f.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise PlanoError(f"cannot read {what} file {str(path)!r}: {err.strerror or err}") from None


def decode(data: bytes) -> str:
    """The text of a spec file: size and encoding checked (binary and non-UTF-8 files refused, naming the byte)."""
    if len(data) > MAX_FILE_BYTES:
        raise LimitError(f"the file is {len(data):,} bytes; a shot spec is at most {MAX_FILE_BYTES:,} bytes")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise LimitError(f"the file is binary (a NUL byte at offset {nul}), not YAML or JSON text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise LimitError(f"the file is not UTF-8 text: byte 0x{data[err.start]:02x} at offset {err.start} "
                         f"(line {line}); save it as UTF-8") from None


class _BoundedComposer(Composer):
    """PyYAML's composer, counting aliases and depth as it goes, and the size of the tree aliases expand to."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._aliases = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise LimitError(f"more than {MAX_ALIASES} YAML aliases (*name), at line {mark.line + 1}")
        else:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise LimitError(f"nested more than {MAX_DEPTH} levels deep, at line {mark.line + 1}")
        return super().compose_node(parent, index)

    def compose_sequence_node(self, anchor):  # noqa: ANN001
        node = super().compose_sequence_node(anchor)
        self._depth -= 1
        self._count(node)
        return node

    def compose_mapping_node(self, anchor):  # noqa: ANN001
        node = super().compose_mapping_node(anchor)
        self._depth -= 1
        self._count(node)
        return node

    def compose_scalar_node(self, anchor):  # noqa: ANN001
        node = super().compose_scalar_node(anchor)
        self._depth -= 1
        self._sizes[id(node)] = 1
        return node

    def _count(self, node: Node) -> None:
        """The number of values ``node`` stands for with every alias expanded (memoised: never expanded)."""
        children = node.value if isinstance(node, SequenceNode) else [v for kv in node.value for v in kv]
        size = 1 + sum(self._sizes.get(id(c), 1) for c in children)
        if size > MAX_NODES:
            raise LimitError(f"the file stands for more than {MAX_NODES:,} values once its aliases are expanded "
                             f"(at line {node.start_mark.line + 1}): an alias bomb?")
        self._sizes[id(node)] = size


class BoundedLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _BoundedComposer,
                    yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """``yaml.SafeLoader`` with the limits of this module."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _BoundedComposer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


def load_yaml(text: str) -> Any:
    loader = BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_json(text: str) -> Any:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:  # bracket depth outside strings, before json.loads recurses into it
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                raise LimitError(f"nested more than {MAX_DEPTH} levels deep")
        elif ch in "]}":
            depth -= 1
    return json.loads(text)


def check_tree(data: Any) -> None:
    """Depth and size of parsed data (any source), walked without recursion."""
    stack, count = [(data, 1)], 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise LimitError(f"nested more than {MAX_DEPTH} levels deep")
        if count > MAX_NODES:
            raise LimitError(f"more than {MAX_NODES:,} values")
        if isinstance(value, dict):
            stack += [(v, depth + 1) for v in value.values()]
        elif isinstance(value, (list, tuple)):
            stack += [(v, depth + 1) for v in value]
