"""One run at a time in a run folder: a lock file held for as long as a run works in it.

``.plano/lock`` is locked with ``flock`` (the kernel lets go of it when its process ends, even by ``kill -9``)
and holds who has it: pid, host, command and since when. A second run either waits for it (``wait_s``) or
is told who holds it (:class:`FolderBusy`). A lock file left with a holder in it by a process that died is
taken over, and the lock says so (``took_over``); a run that ends well empties the file before letting go.
A process may take the same folder's lock again while it holds it (nested stage runs).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plano.errors import PlanoError

LOCK_FILE = ".plano/lock"


class FolderBusy(PlanoError):
    """Another live run holds the folder's lock. ``holder``: what its lock file says (pid, host, command, since)."""

    def __init__(self, root: Path, holder: dict[str, Any], waited_s: float):
        self.root, self.holder = root, holder
        who = describe(holder)
        waited = f" (waited {waited_s:.0f} s)" if waited_s >= 1 else ""
        super().__init__(f"{root} is in use by {who}{waited}; let it finish, or run again with --wait SECONDS to "
                         "wait for it")


def describe(holder: dict[str, Any]) -> str:
    if not holder.get("pid"):
        return "another run"
    since = holder.get("since")
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(since)) if isinstance(since, (int, float)) else "?"
    return (f"pid {holder.get('pid')} on {holder.get('host', '?')} since {when} "
            f"({str(holder.get('command', ''))[:120]})")


@dataclass
class FolderLock:
    root: Path
    fd: int
    took_over: dict[str, Any] | None = None
    """The holder written in a lock file whose process had died (its lock is now this one's)."""
    depth: int = field(default=1)


_held: dict[str, FolderLock] = {}
_last_root: Path | None = None


def last_root() -> Path | None:
    """The run folder this process last locked (where a crash log goes)."""
    return _last_root


def _read(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 65536).decode("utf-8", "replace") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def acquire(root: str | Path, wait_s: float = 0.0, poll_s: float = 0.2) -> FolderLock:
    """Lock run folder ``root`` for this process, waiting up to ``wait_s`` seconds for another run to finish."""
    global _last_root
    root = Path(root)
    key = str(root.resolve())
    if key in _held:
        _held[key].depth += 1
        return _held[key]
    path = root / LOCK_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise PlanoError(f"cannot open the lock file {str(path)!r}: {err.strerror or err}") from None
    t0 = time.monotonic()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as err:
            if err.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                os.close(fd)
                raise PlanoError(f"cannot lock {str(path)!r}: {err.strerror or err} (does this file system "
                                 "support file locks?)") from None
            waited = time.monotonic() - t0
            if waited >= wait_s:
                holder = _read(fd)
                os.close(fd)
                raise FolderBusy(root, holder, waited) from None
            time.sleep(min(poll_s, max(0.01, wait_s - waited)))
    previous = _read(fd)
    lock = FolderLock(root, fd, took_over=previous if previous.get("pid") else None)
    me = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time(), "command": " ".join(sys.argv)}
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(me).encode())
    os.fsync(fd)
    _held[key] = lock
    _last_root = root
    return lock


def release(lock: FolderLock) -> None:
    """Let go of ``lock`` (the outermost release empties the lock file: the folder was left in order)."""
    key = str(lock.root.resolve())
    lock.depth -= 1
    if lock.depth > 0:
        return
    _held.pop(key, None)
    try:
        os.ftruncate(lock.fd, 0)
    finally:
        fcntl.flock(lock.fd, fcntl.LOCK_UN)
        os.close(lock.fd)


class locked:
    """``with locked(root, wait_s) as lock:`` hold the folder's lock for the block."""

    def __init__(self, root: str | Path, wait_s: float = 0.0):
        self.root, self.wait_s = root, wait_s
        self.lock: FolderLock | None = None

    def __enter__(self) -> FolderLock:
        self.lock = acquire(self.root, self.wait_s)
        return self.lock

    def __exit__(self, *exc) -> None:
        if self.lock is not None:
            release(self.lock)
