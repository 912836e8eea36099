"""Benchmark (issue 13): variants of the reference prompt, three lenses by two hours, in the draft tier and at
previs, with the sim shared between variants that differ only in the lens and without (each its own sim).

Each of the four runs starts in a fresh shots folder (nothing cached). Per variant it records the wall time of
the variant and its stage seconds from the run's records; the result is written to ``benchmarks/RESULTS.md``
(its own section, replaced on every run). A short shot keeps it inside what a shared 2-core machine allows:
``--duration`` seconds with the collapse starting at ``--start``.

    PYTHONPATH=src python benchmarks/plan_variants.py [--duration 1.5] [--start 0.5] [--qualities draft,previs]
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shot_reference import REFERENCE_PROMPT

from plano.deliver.machine import cpu_model

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- plan_variants:begin -->", "<!-- plan_variants:end -->"


def one(quality: str, reuse: bool, duration: float, start: float, lenses: str, hours: str, keep: Path) -> dict:
    from plano.plan.variants import parse_vary, run_variants
    from plano.spec.io import spec_from_dict
    from plano.spec.parse import parse_prompt

    base = parse_prompt(REFERENCE_PROMPT)
    data = base.model_dump()
    data["format"]["duration_s"] = duration
    data["action"]["start_s"] = start
    base = spec_from_dict(data, "benchmark spec")
    shots = keep / f"{quality}-{'reuse' if reuse else 'no-reuse'}"
    t0 = time.perf_counter()
    load0 = os.getloadavg()[0]
    folder, runs = run_variants(base, [parse_vary(f"lens={lenses}"), parse_vary(f"time={hours}")], shots, quality,
                                reuse_sim=reuse, say=lambda line: print(f"  [{quality} {'reuse' if reuse else 'own sim'}] {line}", flush=True))
    wall = time.perf_counter() - t0
    return {"quality": quality, "reuse": reuse, "wall_s": wall, "load": (load0, os.getloadavg()[0]),
            "folder": str(folder), "variants": runs}


def table(results: list[dict], frames: int) -> str:
    lines = ["| tier | sim | variants | simulated | wall, all variants | per variant | sim seconds (sum) | render | comp | deliver |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        vs = r["variants"]
        stage = lambda n: sum(v.stages.get(n, {}).get("seconds", 0.0) for v in vs if not v.stages.get(n, {}).get("cached"))
        simulated = sum(1 for v in vs if not v.sim_reused)
        sim_s = sum(v.seconds for v in vs) - sum(stage(n) for n in ("render", "comp", "deliver", "scene", "spec"))
        lines.append(f"| {r['quality']} | {'shared' if r['reuse'] else 'own'} | {len(vs)} | {simulated} | "
                     f"{r['wall_s']:.0f} s | {r['wall_s'] / len(vs):.1f} s | {sim_s:.0f} s | {stage('render'):.0f} s | "
                     f"{stage('comp'):.0f} s | {stage('deliver'):.0f} s |")
    return "\n".join(lines)


def per_variant(results: list[dict]) -> str:
    lines = ["| tier | sim | version | lens, hour | seconds | sim |", "|---|---|---|---|---|---|"]
    for r in results:
        for v in r["variants"]:
            lines.append(f"| {r['quality']} | {'shared' if r['reuse'] else 'own'} | v{v.version:03d} | "
                         f"{v.labels.get('lens')} mm, {v.labels.get('time')} | {v.seconds:.1f} | "
                         f"{'reused' if v.sim_reused else 'simulated'} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--duration", type=float, default=1.5)
    ap.add_argument("--start", type=float, default=0.5)
    ap.add_argument("--qualities", default="draft,previs")
    ap.add_argument("--lenses", default="18,24,35")
    ap.add_argument("--hours", default="16:00,18:30")
    ap.add_argument("--keep", type=Path, default=None)
    args = ap.parse_args()
    keep = args.keep or Path(tempfile.mkdtemp(prefix="plano-variants-"))
    started = dt.datetime.now(dt.UTC)
    results = []
    for q in args.qualities.split(","):
        for reuse in (True, False):
            results.append(one(q, reuse, args.duration, args.start, args.lenses, args.hours, keep))
            print(table(results, 0), flush=True)
    frames = round(args.duration * 24)
    body = (f"{BEGIN}\n## Variants of the reference prompt: draft against previs, sim shared or not "
            f"(`benchmarks/plan_variants.py`, issue 13)\n\n"
            f"{started:%Y-%m-%d %H:%M} UTC to {dt.datetime.now(dt.UTC):%H:%M} UTC, {cpu_model()}, "
            f"{os.cpu_count()} cores, no GPU, {platform.system()} {platform.release()}; the machine was shared with "
            f"other engineers' runs (load average {min(r['load'][0] for r in results):.1f} to "
            f"{max(max(r['load']) for r in results):.1f} at the starts and ends of the runs). The reference prompt, "
            f"{args.duration:g} s ({frames} frames) with the collapse starting at {args.start:g} s, "
            f"`--vary lens={args.lenses} --vary time={args.hours}`: {len(results[0]['variants'])} variants, each its "
            f"own version, every run in a fresh shots folder.\n\n{table(results, frames)}\n\n"
            f"'simulated': variants that ran a sim (shared: one an hour, since the hour turns the building to the "
            f"sun; own: every variant). The sim column is each run's wall time less its render, comp, deliver, "
            f"scene and spec stages (the set and the sim); the wall time includes making the grid movie and the sheet.\n\n"
            f"<details><summary>Every variant</summary>\n\n{per_variant(results)}\n\n</details>\n{END}")
    text = RESULTS.read_text() if RESULTS.exists() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + body + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + body + "\n"
    RESULTS.write_text(text)
    print(body)


if __name__ == "__main__":
    main()
