"""A real ``kill -9``: ``plano shot`` killed at a random point in every stage (spec, set, scene, sim, render,
deliver), one after the other in the same run folder, then run again, ends with every output present,
readable and equal to an uninterrupted run's; frames finished before a kill are not written again.

The random points are drawn from ``PLANO_KILL_SEED`` (printed on failure) within each stage's span, taken from
the uninterrupted run's records; a stage is seen to start by its start marker naming the killed process."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from fault_fixtures import SHOT, same_outputs, write_spec
from plano.deliver.movie import probe_movie
from plano.io.exr import read_passes
from plano.shot import STAGES
from plano.sim.cache import SimCache
from plano.spec.model import Format


def _start(spec_file: Path, shots: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-c", "from plano.cli.commands import main; main()", "shot", "--spec", str(spec_file),
           "--shots-dir", str(shots), "--quality", "final"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def _started_by(meta: Path, stage: str, pid: int) -> bool:
    try:
        return json.loads((meta / f"{stage}.started.json").read_text()).get("pid") == pid
    except (OSError, ValueError):
        return False


def _frames(run: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (run / "passes").glob("*.exr")
            if ".tmp-" not in p.name}


def test_plano_shot_killed_in_every_stage_resumes_to_the_same_shot(tmp_path):
    seed = int(os.environ.get("PLANO_KILL_SEED", time.time_ns() % 100_000))
    rng = random.Random(seed)
    spec_file = write_spec(tmp_path, format=Format(width=64, height=36, duration_s=0.5))

    ref_shots = tmp_path / "reference"
    done = _start(spec_file, ref_shots)
    assert done.wait(timeout=600) == 0, done.stderr.read().decode()[-3000:]
    ref = ref_shots / SHOT / "v001"
    span = {s: json.loads((ref / ".plano" / f"{s}.json").read_text())["seconds"] for s in STAGES}

    shots = tmp_path / "shots"
    run, meta = shots / SHOT / "v001", shots / SHOT / "v001" / ".plano"
    landed, before_render_kill = [], {}
    for stage in STAGES:
        p = _start(spec_file, shots)
        t0 = time.monotonic()
        while not _started_by(meta, stage, p.pid):
            assert p.poll() is None, (f"seed {seed}: plano shot ended before {stage} started (exit {p.returncode}): "
                                      f"{p.stderr.read().decode()[-2000:]}")
            assert time.monotonic() - t0 < 300, f"seed {seed}: {stage} never started"
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.75 * span[stage]))  # inside it, with room for a faster run
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        assert p.returncode == -signal.SIGKILL
        landed.append((stage, next((s for s in STAGES if not (meta / f"{s}.json").exists()), "after deliver")))
        if stage == "render":
            before_render_kill = _frames(run)
    print(f"kill seed {seed}: (stage aimed at, stage it landed in) {landed}")
    # the long stages are killed inside themselves (the short ones may finish first: they are tried anyway)
    for stage, where in landed:
        if stage in ("sim", "render", "deliver"):
            assert where == stage, f"seed {seed}: {landed}"

    final = subprocess.run([sys.executable, "-c", "from plano.cli.commands import main; main()", "shot", "--spec",
                            str(spec_file), "--shots-dir", str(shots), "--quality", "final"],
                           capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr[-3000:]
    assert sorted(p.name for p in (shots / SHOT).iterdir()) == ["v001"]  # every run re-entered the same version
    assert same_outputs(ref, run) == [], f"seed {seed}: kills landed {landed}"
    after = _frames(run)
    assert len(after) == 12
    for name, stamp in before_render_kill.items():  # frames finished before the kill were not written again
        assert after[name] == stamp, name
    for path in sorted((run / "passes").glob("*.exr")):
        assert read_passes(path).beauty.shape == (36, 64, 3)
    cache = SimCache(run)
    assert all(cache.frame(f).positions.shape == cache.frame(1001).positions.shape for f in cache.frames)
    assert not list(run.rglob("*.tmp-*"))
    assert probe_movie(run / f"{SHOT}_v001.mov")["frames"] == 12
    assert {p.stem for p in meta.glob("*.json") if ".started" not in p.name} == set(STAGES)
