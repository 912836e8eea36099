"""Benchmark: the reference prompt from words to movie with `plano shot` at previs quality.

Runs the real command in a fresh shots folder (nothing cached), reads each stage's time from the run's
``.plano/<stage>.json`` records, checks the movies (frames, size, rate), and writes the result into
``benchmarks/RESULTS.md`` (its own section, replaced on every run). The target (issue 5): under 3 minutes.
Then it edits the run's spec.yaml to a longer lens and re-runs it, recording which stages ran again (the sim
should be reused).

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

from plano.deliver.machine import cpu_model

REFERENCE_PROMPT = (
    "cinematic ultra-wide shot of a 1960s brutalist government building in Buenos Aires, the entire structure "
    "begins to collapse into a cloud of dust and debris, realistic physics, smoke plumes billow into the sky, "
    "papers fly from the windows, hyperrealistic, 8K, shot on Arri Alexa with an anamorphic lens, dramatic, "
    "gritty afternoon lighting, style of a Denis Villeneuve film --ar 16:9 --style raw"
)
TARGET_S = 180.0
from plano.shot import STAGES  # noqa: E402
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- shot_reference:begin -->", "<!-- shot_reference:end -->"


def run(quality: str, shots_dir: Path, spec_file: Path | None = None) -> tuple[float, Path]:
    what = ["--spec", str(spec_file)] if spec_file else [REFERENCE_PROMPT]
    cmd = [sys.executable, "-m", "plano.cli", "shot", *what, "--quality", quality, "--shots-dir", str(shots_dir)]
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


def stage_records(run_dir: Path) -> dict[str, dict]:
    out = {}
    for name in STAGES:
        p = run_dir / ".plano" / f"{name}.json"
        out[name] = json.loads(p.read_text()) if p.exists() else {"seconds": float("nan"), "finished": 0.0}
    return out


def stage_seconds(run_dir: Path) -> dict[str, float]:
    return {name: float(r["seconds"]) for name, r in stage_records(run_dir).items()}


def new_lens(quality: str, shots_dir: Path, run_dir: Path) -> tuple[float, dict[str, str]]:
    """Edit the run's spec.yaml to a longer lens and re-run it: which stages ran again, and how long."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from plano.spec.io import load_spec, save_spec

    spec_path = run_dir / "spec.yaml"
    spec = load_spec(spec_path)
    longer = spec.model_copy(update={"camera": spec.camera.model_copy(update={"focal_length_mm": spec.camera.focal_length_mm * 1.5})})
    save_spec(longer, spec_path)
    started = time.time()
    wall, again = run(quality, shots_dir, spec_path)
    assert again == run_dir, (again, run_dir)
    rows = {}
    for name, r in stage_records(run_dir).items():
        rows[name] = f"ran again, {float(r['seconds']):.1f} s" if r.get("finished", 0) >= started else "reused"
    return wall, rows


def movie_facts(run_dir: Path) -> list[str]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from plano.deliver.movie import probe_movie

    facts = []
    for movie in sorted(run_dir.glob("*.mov")) + sorted(run_dir.glob("*.mp4")):
        i = probe_movie(movie)
        facts.append(f"`{movie.name}`: {i['codec']} {i['profile']}, {i['width']}x{i['height']}, {i['fps']:g} fps, {i['frames']} frames")
    return facts


def section(quality: str, wall: float, seconds: dict[str, float], facts: list[str], run_dir: Path,
            lens: tuple[float, dict[str, str]] | None = None) -> str:
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
{lens_text(lens)}{END}
"""


def lens_text(lens: tuple[float, dict[str, str]] | None) -> str:
    if lens is None:
        return ""
    wall, rows = lens
    table = "\n".join(f"| {name} | {what} |" for name, what in rows.items())
    return f"""
Then a 1.5x longer lens in the run's spec.yaml and `plano shot --spec <run>/spec.yaml`: {wall:.1f} s wall.

| stage | after the lens change |
|---|---|
{table}
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
    ap.add_argument("--no-lens-change", action="store_true", help="skip the second run with a longer lens")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="plano-bench-") as tmp:
        shots = args.keep or Path(tmp) / "shots"
        if args.keep and any(shots.glob("*/v*")):
            sys.exit(f"{shots} already holds run folders; give an empty --keep folder so nothing is reused")
        wall, run_dir = run(args.quality, shots)
        seconds = stage_seconds(run_dir)
        facts = movie_facts(run_dir)
        lens = None if args.no_lens_change else new_lens(args.quality, shots, run_dir)
        text = section(args.quality, wall, seconds, facts, run_dir, lens)
    write_results(text)
    print(text)


if __name__ == "__main__":
    main()
