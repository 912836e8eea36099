"""Write files so that a killed run never leaves a half-written file under the final name, and never outside
the run folder being worked in.

Every file plano writes goes through :func:`atomic_path`. While a graph's node runs, :func:`writes_inside`
names its run folder, and a write anywhere else is refused (a name from a spec can never place a file above
the folder). A file-system error on the way (disk full, no permission, a file where a folder should be) is a
:class:`PlanoError` naming the path, and leaves nothing behind: the temporary file is removed, and a file of
the same name written before is untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from plano.errors import PlanoError, fs_error

_inside: list[Path] = []
"""The run folders writes are confined to (innermost last); none outside a graph run."""


@contextlib.contextmanager
def writes_inside(root: str | os.PathLike) -> Iterator[Path]:
    """Within the block, :func:`atomic_path` refuses any path outside ``root``."""
    root = Path(root).resolve()
    _inside.append(root)
    try:
        yield root
    finally:
        _inside.pop()


def check_inside(path: str | os.PathLike) -> Path:
    """``path`` if writes may go there now, else a PlanoError naming it and the run folder."""
    path = Path(path)
    if _inside:
        root = _inside[-1]
        try:
            path.resolve().relative_to(root)
        except ValueError:
            raise PlanoError(f"refusing to write {str(path)!r}: it lies outside the run folder {str(root)!r} "
                             "(a name with '..', '/' or a link out of the folder?)") from None
    return path


def _disk_full(folder: Path, margin_bytes: int = 1 << 20) -> OSError | None:
    try:
        if shutil.disk_usage(folder).free < margin_bytes:
            return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    except OSError:
        pass
    return None


def temporary_name(final: Path) -> Path:
    """``frame.1001.exr -> frame.1001.tmp-<pid>.exr``: the suffix is kept for writers that pick a format by it."""
    return final.with_name(f"{final.stem}.tmp-{os.getpid()}{final.suffix}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it is renamed to ``path``.

    The temporary name keeps the suffix (``frame.1001.tmp-123.exr``) so that writers which pick
    a format from the extension still work. On an exception the temporary file is removed; an OSError
    (disk full, permission) becomes a PlanoError naming ``path``.
    """
    final = check_inside(path)
    tmp = temporary_name(final)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        yield tmp
        os.replace(tmp, final)
    except OSError as err:
        raise fs_error(err, final, "write") from None
    except Exception as err:
        full = _disk_full(final.parent)  # a C writer (OpenEXR) reports a full disk as its own error
        if full is not None:
            raise fs_error(full, final, "write") from err
        raise
    finally:
        with contextlib.suppress(OSError):
            if tmp.exists():
                tmp.unlink()


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))
