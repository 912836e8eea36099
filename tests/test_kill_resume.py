"""A real ``kill -9``: ``plano shot`` killed during the sim, during the render and during the delivery, then run
again, ends with every frame present, readable and written once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from plano.deliver.movie import probe_movie
from plano.io.exr import read_passes
from plano.spec.io import save_spec
from plano.spec.model import Format, ShotSpec, Subject


SHOT = "SEQ010_SH010"


def _start(spec_file: Path, shots: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-c", "from plano.cli import main; main()", "shot", "--spec", str(spec_file),
           "--shots-dir", str(shots), "--quality", "final"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def _kill_when(proc: subprocess.Popen, ready, what: str, timeout_s: float = 300.0) -> None:
    t0 = time.monotonic()
    while not ready():
        if proc.poll() is not None:
            raise AssertionError(f"plano shot ended before {what} (exit {proc.returncode}): "
                                 f"{proc.stderr.read().decode()[-2000:]}")
        if time.monotonic() - t0 > timeout_s:
            proc.kill()
            raise AssertionError(f"{what} never came")
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL


def _frames(run: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (run / "passes").glob("*.exr")
            if ".tmp-" not in p.name}


def test_plano_shot_killed_in_sim_render_and_deliver_resumes(tmp_path):
    spec = ShotSpec(shot=SHOT, prompt="kill test", subject=Subject(storeys=3, building_type="house"),
                    format=Format(width=96, height=54, duration_s=1.0), effects=("dust",))
    spec_file = tmp_path / "shot.yaml"
    save_spec(spec, spec_file)
    shots = tmp_path / "shots"
    run = shots / SHOT / "v001"
    meta = run / ".plano"

    p = _start(spec_file, shots)
    _kill_when(p, lambda: (meta / "sim.started.json").exists() and len(list((run / "sim").glob("frame.*.npz"))) >= 3,
               "the sim")
    assert not (meta / "sim.json").exists()

    p = _start(spec_file, shots)
    _kill_when(p, lambda: len(_frames(run)) >= 3 and not (meta / "render.json").exists(), "the render")
    before = _frames(run)
    assert 3 <= len(before) < 24 and not (meta / "render.json").exists()

    p = _start(spec_file, shots)
    _kill_when(p, lambda: (meta / "deliver.started.json").exists(), "the delivery")
    assert (meta / "render.json").exists() and not (meta / "deliver.json").exists()

    done = subprocess.run([sys.executable, "-c", "from plano.cli import main; main()", "shot", "--spec",
                           str(spec_file), "--shots-dir", str(shots), "--quality", "final"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(p.name for p in (shots / SHOT).iterdir()) == ["v001"]  # every run re-entered the same version
    after = _frames(run)
    assert sorted(after) == [f"{SHOT}_v001.{f}.exr" for f in spec.format.frames]
    for name, stamp in before.items():  # frames finished before the kill were not written again
        assert after[name] == stamp, name
    for path in sorted((run / "passes").glob("*.exr")):
        passes = read_passes(path)
        assert passes.beauty.shape == (54, 96, 3)
    assert not list(run.rglob("*.tmp-*"))
    assert probe_movie(run / f"{SHOT}_v001.mov")["frames"] == 24
    assert {p.stem for p in meta.glob("*.json") if ".started" not in p.name} == {
        "spec", "set", "scene", "sim", "render", "comp", "deliver"}
