"""Process-wide settings for frame work on a few cores, made once by the stage runner (``tune``).

``keep_freed_memory``: glibc serves an allocation above its mmap threshold (128 KiB at first) straight from the
kernel and returns it on free, so a stage that makes tens of megabytes of frame arrays a frame pays the kernel for
fresh zeroed pages each time: in comp over a plate that was 60-70 ms of system time a 1280x720 frame. Raising the
thresholds (mallopt) keeps the freed arrays for the next frame; the process keeps its peak working set. Linux
with glibc only; elsewhere, or when libc cannot be loaded, it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
MMAP_THRESHOLD = 1 << 30
"""Allocations under 1 GiB come from the heap (a frame array is 3-12 MiB at 1280x720, 12-48 MiB at UHD; a pass file
being read, 15-50 MiB)."""
TRIM_THRESHOLD = 2 << 30
TOP_PAD = 64 << 20
_done = False


def keep_freed_memory() -> bool:
    """Tune glibc's allocator once for this process; True when it took effect."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    ok = all(mallopt(k, v) == 1 for k, v in ((M_MMAP_THRESHOLD, MMAP_THRESHOLD), (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
                                               (M_TOP_PAD, TOP_PAD)))
    _done = ok
    return ok


def tune() -> None:
    """The settings above (the stage runner calls it before the first stage)."""
    keep_freed_memory()
