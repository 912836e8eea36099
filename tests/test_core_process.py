"""The process settings. The allocator: on Linux with glibc, a frame's worth of arrays freed and made again gets the same pages
back (without it, glibc returns them to the kernel and every frame faults in ~17 000 fresh zeroed pages)."""

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import resource, sys
    import numpy as np
    from plano.core.process import keep_freed_memory
    if sys.argv[1] == "tuned":
        assert keep_freed_memory() and keep_freed_memory()  # once is enough; again is harmless
    def frame():  # six 1280x720 RGB float32 arrays alive at once, then freed: 66 MB
        live = [np.ones(1280 * 720 * 3, np.float32) for _ in range(6)]
        del live
    frame()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(10):
        frame()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
""")


def _faults(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")
def test_freed_frame_buffers_come_back_without_new_pages():
    plain, tuned = _faults("plain"), _faults("tuned")
    assert plain > 10 * 2700  # glibc as it comes: the pages go back to the kernel every frame
    assert tuned < plain / 20, (tuned, plain)

