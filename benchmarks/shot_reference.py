"""Benchmark: the reference prompt from words to movie with `plano shot` at previs quality.

Runs the real command in a fresh shots folder (nothing cached), reads each stage's time from the run's
``.plano/<stage>.json`` records, checks the movies (frames, size, rate), and writes the result into
``benchmarks/RESULTS.md`` (its own section, replaced on every run). The target (issue 5): under 3 minutes.

    PYTHONPATH=src python benchmarks/shot_reference.py [--quality previs] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REFERENCE_PROMPT = (
    "cinematic ultra-wide shot of a 1960s brutalist government building in Buenos Aires, the entire structure "
    "begins to collapse into a cloud of dust and debris, realistic physics, smoke plumes billow into the sky, "
    "papers fly from the windows, hyperrealistic, 8K, shot on Arri Alexa with an anamorphic lens, dramatic, "
    "gritty afternoon lighting, style of a Denis Villeneuve film --ar 16:9 --style raw"
)
TARGET_S = 180.0
STAGES = ("spec", "scene", "sim", "render", "deliver")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- shot_reference:begin -->", "<!-- shot_reference:end -->"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def run(quality: str, shots_dir: Path) -> tuple[float, Path]:
    cmd = [sys.executable, "-m", "plano.cli", "shot", REFERENCE_PROMPT, "--quality", quality, "--shots-dir", str(shots_dir)]
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parent.parent / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"plano shot failed with exit code {proc.returncode}")
    runs = sorted(shots_dir.glob("*/v*"))
    if not runs:
        sys.exit(f"plano shot made no run folder under {shots_dir}")
    return wall, runs[-1]


def stage_seconds(run_dir: Path) -> dict[str, float]:
    out = {}
    for name in STAGES:
        p = run_dir / ".plano" / f"{name}.json"
        out[name] = float(json.loads(p.read_text())["seconds"]) if p.exists() else float("nan")
    return out


def movie_facts(run_dir: Path) -> list[str]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from plano.deliver.movie import probe_movie

    facts = []
    for movie in sorted(run_dir.glob("*.mov")) + sorted(run_dir.glob("*.mp4")):
        i = probe_movie(movie)
        facts.append(f"`{movie.name}`: {i['codec']} {i['profile']}, {i['width']}x{i['height']}, {i['fps']:g} fps, {i['frames']} frames")
    return facts


def section(quality: str, wall: float, seconds: dict[str, float], facts: list[str], run_dir: Path) -> str:
    total = sum(v for v in seconds.values() if v == v)
    rows = "\n".join(f"| {name} | {s:.1f} |" for name, s in seconds.items())
    verdict = "meets" if wall < TARGET_S else "MISSES"
    return f"""{BEGIN}
## `plano shot`: reference prompt, {quality} quality, text to movie

Measured {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC on {cpu_model()}, {os.cpu_count()} logical cores,
{platform.platform()}; fresh run folder (nothing cached). Command: `python benchmarks/shot_reference.py --quality {quality}`.

| stage | seconds |
|---|---:|
{rows}
| **sum of stages** | **{total:.1f}** |
| **wall, whole command** (incl. start-up) | **{wall:.1f}** |

Target: under {TARGET_S:.0f} s: it {verdict} the target.

{chr(10).join('- ' + f for f in facts)}
{END}
"""


def write_results(text: str) -> None:
    old = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        new = head + text.strip() + rest.split(END, 1)[1]
    else:
        new = old.rstrip() + "\n\n" + text
    RESULTS.write_text(new)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quality", default="previs", choices=("previs", "final"))
    ap.add_argument("--keep", type=Path, default=None, help="shots folder to keep (default: a temporary one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="plano-bench-") as tmp:
        shots = args.keep or Path(tmp) / "shots"
        if args.keep and any(shots.glob("*/v*")):
            sys.exit(f"{shots} already holds run folders; give an empty --keep folder so nothing is reused")
        wall, run_dir = run(args.quality, shots)
        seconds = stage_seconds(run_dir)
        text = section(args.quality, wall, seconds, movie_facts(run_dir), run_dir)
    write_results(text)
    print(text)


if __name__ == "__main__":
    main()
