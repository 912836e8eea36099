"""The reference shot's render on the local executor, then on a local Ray cluster of 1 and of 2 workers (issue 15).

    PYTHONPATH=src python benchmarks/farm_ray.py [--seconds 2] [--quality previs]

The reference prompt, cut to ``--seconds`` of shot (the machine is shared: few frames), is simulated once
locally; then its render runs three times from scratch (``force render``) in the same run folder: local, Ray
with 1 worker, Ray with 2 workers (each Ray cluster started and stopped here; its start is timed apart). Every
run's EXRs are compared byte for byte with the local ones. Prints a Markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _reference import REFERENCE_PROMPT  # noqa: E402


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.exr"))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--quality", default="previs")
    ap.add_argument("--shots-dir", type=Path, default=None)
    args = ap.parse_args()

    from plano.core.ray_executor import RayExecutor
    from plano.shot import run_shot
    from plano.spec.parse import parse_prompt

    spec = parse_prompt(REFERENCE_PROMPT)
    spec = spec.model_copy(update={"format": spec.format.model_copy(update={"duration_s": args.seconds})})
    frames = len(spec.format.frames)
    shots = args.shots_dir or Path(tempfile.mkdtemp(prefix="plano-farm-bench-"))
    t = time.perf_counter()
    first = run_shot(spec, shots, quality=args.quality, until="sim")
    sim_s = time.perf_counter() - t
    run = first.run
    rows = []

    def render(label: str, executor=None, start_s: float = 0.0):
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        r = run_shot(spec, shots, quality=args.quality, until="render", version=run.version, force=["render"],
                     executor=executor)
        wall = time.perf_counter() - t0
        tasks = []
        tdir = run.path(".plano", "tasks")
        if executor is not None and tdir.is_dir():
            for p in sorted(tdir.glob("render.*.json")):
                doc = json.loads(p.read_text())
                tasks.append(doc["attempts"][-1].get("seconds", 0.0))
        rows.append({"run": label, "render_s": r.results["render"].seconds, "wall_s": wall, "start_s": start_s,
                     "tasks": tasks, "load": load, "digests": digests(run.path("passes"))})
        print(f"{label}: render {r.results['render'].seconds:.1f} s, tasks {[round(x, 1) for x in tasks]}, "
              f"load {load:.1f}", file=sys.stderr)

    render("local executor")
    for workers in (1, 2):
        t0 = time.perf_counter()
        ex = RayExecutor("local", cpus=workers)
        start = time.perf_counter() - t0
        try:
            render(f"Ray, {workers} worker{'s' if workers > 1 else ''}", ex, start)
        finally:
            ex.close()

    local = rows[0]
    print(f"\nMeasured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.processor() or 'x86_64'}, "
          f"{os.cpu_count()} logical cores, {platform.platform()}; the reference prompt cut to {args.seconds:g} s "
          f"({frames} frames), {args.quality}, sim {sim_s:.1f} s (local, once). Other sessions share the cores.\n")
    print("| run | render stage (s) | vs local | chunks (s each) | Ray start (s) | load avg | EXRs = local |")
    print("|---|---:|---:|---|---:|---:|---|")
    for r in rows:
        vs = r["render_s"] / local["render_s"]
        same = "yes" if r["digests"] == local["digests"] else "NO"
        print(f"| {r['run']} | {r['render_s']:.1f} | {vs:.2f}x | {', '.join(f'{x:.1f}' for x in r['tasks']) or '-'} "
              f"| {r['start_s']:.1f} | {r['load']:.1f} | {same} |")
    one, two = rows[1], rows[2]
    print(f"\nRay overhead, 1 worker vs local: {100 * (one['render_s'] / local['render_s'] - 1):+.1f} % "
          f"(+ {one['start_s']:.1f} s cluster start); 2 workers vs 1: {one['render_s'] / two['render_s']:.2f}x faster")


if __name__ == "__main__":
    main()
