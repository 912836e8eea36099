"""Time the renderer: ms per frame at previs (1280x720) with ~5,000 chunks and a 96x96x64 dust grid,
including writing the multi-layer EXR. Prints a per-pass breakdown (a separate, synchronised run).

    PYTHONPATH=src python benchmarks/render_frame.py [--frames 12] [--record]

``--record`` appends the result to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from render_fixtures import MemorySimCache, fixture_scene, make_chunks  # noqa: E402

from plano.opengl import renderer_name  # noqa: E402
from plano.render.run import write_frame as write_passes  # noqa: E402
from plano.render.gl_renderer import Renderer  # noqa: E402
from plano.render.quality import render_settings  # noqa: E402
from plano.render.run import _frame_input, _SimFrames  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=12)
    ap.add_argument("--quality", default="previs")
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--shot", type=int, default=0, help="also time render_shot over this many frames")
    args = ap.parse_args()
    if args.shot:
        time_shot(args.shot, args.quality, args.record)
        return

    n = args.frames + 14
    scene = fixture_scene(frames=n, width=1920, height=1080, storeys=12)
    chunks = make_chunks(scene, pieces=22)
    sim = MemorySimCache(scene, chunks, n, grid=(96, 96, 64), cell_m=1.5)
    settings = render_settings(args.quality, 1920, 1080)
    t = time.perf_counter()
    r = Renderer(scene, settings, chunks)
    setup_s = time.perf_counter() - t
    frames = _SimFrames(sim)
    for f in (1001, 1002):  # warm up: llvmpipe compiles shaders on first use
        r.render(_frame_input(scene, frames, f))
    out = Path(tempfile.mkdtemp())
    times, exr_times = [], []
    c0 = time.process_time()
    for k in range(args.frames):
        f = 1012 + k  # frames with a grown dust cloud, the expensive case
        t0 = time.perf_counter()
        passes = r.render(_frame_input(scene, frames, f))
        t1 = time.perf_counter()
        write_passes(out / f"b.{f}.exr", passes, settings.exr_compression)
        t2 = time.perf_counter()
        times.append(t2 - t0)
        exr_times.append(t2 - t1)
    cpu_s = (time.process_time() - c0) / args.frames
    r.profile = True
    r.timings = {}
    for f in range(1012, 1015):
        r.render(_frame_input(scene, frames, f))
    breakdown = {k: v / 3 * 1000 for k, v in r.timings.items()}
    cpu_breakdown = {k: v / 3 * 1000 for k, v in r.cpu.items()}
    r.release()
    ms = sorted(times)[len(times) // 2] * 1000
    exr_ms = sorted(exr_times)[len(exr_times) // 2] * 1000
    line = (f"| {dt.date.today()} | {args.quality} {settings.width}x{settings.height} x{settings.supersample} | "
            f"{chunks.count} chunks, dust 96x96x64 | {ms:.0f} ms/frame wall (EXR {exr_ms:.0f} ms), "
            f"{cpu_s * 1000:.0f} ms CPU | " + ", ".join(f"{k} {v:.0f}" for k, v in cpu_breakdown.items()) + f" | setup {setup_s:.1f} s |")
    print(f"renderer: {renderer_name()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"{chunks.count} chunks; median {ms:.0f} ms/frame including EXR ({exr_ms:.0f} ms); 120 frames ~ "
          f"{ms * 120 / 1000:.0f} s")
    print(f"CPU time (both cores together) per frame: {cpu_s * 1000:.0f} ms")
    print("per pass wall ms:", {k: round(v) for k, v in breakdown.items()})
    print("per pass CPU ms:", {k: round(v) for k, v in cpu_breakdown.items()})
    if args.record:
        results = ROOT / "benchmarks" / "RESULTS.md"
        text = results.read_text() if results.exists() else "# Benchmarks\n"
        head = "\n## render: one frame (benchmarks/render_frame.py)\n\n"
        if head not in text:
            text += (head + f"Machine: {os.cpu_count()} cores (shared with other jobs: the load average is recorded), {renderer_name()}, {platform.python_version()}.\n\n"
                     "| date | quality | scene | time per frame | CPU ms per pass | machine load, setup |\n|---|---|---|---|---|---|\n")
        row = line.replace(" | setup", f" | load {os.getloadavg()[0]:.1f}, setup")
        shot_head = "\n## render: a whole shot"
        first, sep, rest = text.partition(shot_head)
        results.write_text(first.rstrip("\n") + "\n" + row + "\n" + (sep + rest if sep else ""))


def time_shot(n: int, quality: str, record: bool) -> None:
    """render_shot over ``n`` frames (EXRs written on the second thread) into a temporary folder."""
    from plano.render.run import render_shot

    scene = fixture_scene(frames=n, width=1920, height=1080, storeys=12)
    chunks = make_chunks(scene, pieces=22)
    sim = MemorySimCache(scene, chunks, n, grid=(96, 96, 64), cell_m=1.5)
    t = time.perf_counter()
    c = time.process_time()
    paths = render_shot(scene, sim, None, tempfile.mkdtemp(), "bench", render_settings(quality, 1920, 1080))
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    load = os.getloadavg()[0]
    msg = (f"render_shot: {len(paths)} frames {quality}, {chunks.count} chunks, dust 96x96x64: {wall:.1f} s "
           f"({wall / n * 1000:.0f} ms/frame wall, {cpu / n * 1000:.0f} ms CPU), load {load:.1f}")
    print(msg)
    if record:
        results = ROOT / "benchmarks" / "RESULTS.md"
        text = results.read_text() if results.exists() else "# Benchmarks\n"
        head = "\n## render: a whole shot (benchmarks/render_frame.py --shot 120)\n\n"
        if head not in text:
            text += head + "`render_shot` over 120 frames, EXRs written on a second thread, same scene:\n\n"
        results.write_text(text.rstrip("\n") + f"\n- {dt.date.today()}: {msg}\n")


if __name__ == "__main__":
    main()
