"""User-facing errors: what was received, what was expected, how to fix it.

The CLI prints a :class:`PlanoError` without a traceback and exits 1 (``plano.cli.fail`` lists every exit code).
"""

from __future__ import annotations

import errno
import os


class PlanoError(Exception):
    """An error a user can fix. The message says what was wrong and how to fix it."""


class MissingEngine(PlanoError):
    """An optional engine (a Python package or a system library) is not installed."""

    def __init__(self, engine: str, why: str, install: str):
        self.engine, self.why, self.install = engine, why, install
        super().__init__(f"engine {engine!r} is not available: {why}. Install it with: {install}")


class FileSystemError(PlanoError):
    """A file could not be read or written: ``path`` and the system's reason (``errno``)."""

    def __init__(self, message: str, path: str, err_no: int | None):
        self.path, self.errno = path, err_no
        super().__init__(message)


_HINTS = {
    errno.ENOSPC: "the disk is full: free some space (or choose another --shots-dir) and run the same command "
                  "again; what was finished is kept",
    errno.EDQUOT: "the disk quota is used up: free some space and run the same command again",
    errno.EACCES: "no permission: choose a folder you can write to, or change its permissions",
    errno.EPERM: "not permitted: choose a folder you can write to",
    errno.EROFS: "the file system is read-only: choose a folder on a writable disk",
    errno.ENOTDIR: "a part of the path is a file, not a folder: rename it or choose another path",
    errno.EISDIR: "the path is a folder, not a file: choose a file name",
    errno.ENAMETOOLONG: "the name is too long: choose a shorter one",
    errno.ENOENT: "it does not exist: check the path",
    errno.EEXIST: "a file is in the way of a folder of that name: rename it or choose another path",
}


def fs_error(err: OSError, path: str | os.PathLike | None = None, doing: str = "write") -> FileSystemError:
    """The PlanoError for an OSError: what could not be done to which path, why, and what to do."""
    where = os.fspath(path) if path is not None else (err.filename or "a file")
    why = err.strerror or str(err)
    hint = _HINTS.get(err.errno or -1)
    return FileSystemError(f"cannot {doing} {str(where)!r}: {why}" + (f"; {hint}" if hint else ""), str(where),
                           err.errno)
