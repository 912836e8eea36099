"""Fault suite, outputs: a finished output is verified before it is reused (size and SHA-256 from its stage's
record), and a damaged one is named (file and frame) and made again by its stage alone; what a stopped run
left half-written is swept; a full disk ends with one message and nothing damaged."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import numpy as np
import pytest

from fault_fixtures import SHOT, cli, copy_run, same_outputs, tiny_spec, write_spec
from plano.core.atomic import atomic_path
from plano.errors import PlanoError
from plano.io.exr import read_passes
from plano.shot import run_shot
from plano.sim.cache import read_frame

FRAME = f"{SHOT}_v001.{{}}.exr"


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """An uninterrupted, undamaged run of the tiny shot."""
    shots = tmp_path_factory.mktemp("reference")
    run_shot(tiny_spec(), shots, quality="final")
    return shots / SHOT / "v001"


def _rerun(shots: Path):
    notes: list[str] = []
    result = run_shot(tiny_spec(), shots, quality="final", notify=notes.append)
    return result, notes


def _flip(path: Path, at: float = 0.5) -> None:
    data = bytearray(path.read_bytes())
    data[int(len(data) * at)] ^= 0xFF
    path.write_bytes(bytes(data))


def _ran(result) -> set[str]:
    return {name for name, r in result.results.items() if not r.cached}


def test_damaged_frames_are_named_and_rendered_again_by_the_render_alone(reference, tmp_path):
    run = copy_run(reference, tmp_path)
    passes = run / "passes"
    os.truncate(passes / FRAME.format(1003), 1000)            # truncated
    _flip(passes / FRAME.format(1006))                          # one byte changed, same size
    (passes / FRAME.format(1009)).unlink()                      # gone
    (passes / FRAME.format(1010)).write_bytes(b"")              # emptied
    keep = {p.name: p.stat().st_ino for p in passes.iterdir()}
    result, notes = _rerun(tmp_path)
    assert _ran(result) == {"render"}, notes
    for frame, why in ((1003, "truncated"), (1006, "checksum differs"), (1009, "missing"), (1010, "truncated")):
        assert any(FRAME.format(frame) in n and f"(frame {frame})" in n and why in n for n in notes), (frame, notes)
    for name, ino in keep.items():  # the intact frames were kept, not written again
        if not any(f in name for f in ("1003", "1006", "1009", "1010")):
            assert (passes / name).stat().st_ino == ino, name
    assert same_outputs(reference, run) == []


def test_a_damaged_sim_frame_is_found_and_simulated_again_without_rendering_again(reference, tmp_path):
    run = copy_run(reference, tmp_path)
    _flip(run / "sim" / "frame.1007.npz", 0.6)
    os.truncate(run / "sim" / "chunks.npz", 300)
    with pytest.raises(PlanoError, match=r"sim frame 1007 .*damaged"):  # read directly, it is named, not BadZipFile
        read_frame(run / "sim" / "frame.1007.npz")
    result, notes = _rerun(tmp_path)
    assert _ran(result) == {"sim"}, notes
    assert any("sim/frame.1007.npz (frame 1007)" in n for n in notes) and any("sim/chunks.npz" in n for n in notes)
    assert same_outputs(reference, run) == []


@pytest.mark.parametrize("damage", [
    lambda run: (run / ".plano" / "render.json").write_text("{not json"),
    lambda run: (run / ".plano" / "render.json").write_text('{"key": 3, "seconds": "x"}'),
    lambda run: (run / ".plano" / "render.json").write_bytes(b"\xff\xfe\x00garbage"),
    lambda run: (run / ".plano" / "render.json").write_text("[]"),
])
def test_a_damaged_stage_record_means_that_stage_runs_again_keeping_its_frames(reference, tmp_path, damage):
    run = copy_run(reference, tmp_path)
    damage(run)
    before = {p.name: p.stat().st_ino for p in (run / "passes").iterdir()}
    result, _ = _rerun(tmp_path)
    assert _ran(result) == {"render"}
    assert {p.name: p.stat().st_ino for p in (run / "passes").iterdir()} == before  # resumed: nothing redrawn
    assert same_outputs(reference, run) == []


def test_damaged_scene_and_delivered_files_are_made_again(reference, tmp_path):
    run = copy_run(reference, tmp_path)
    _flip(run / "scene.usda")
    (run / f"{SHOT}_v001.mov").write_bytes(b"not a movie")
    (run / "sim" / "info.json").write_text("{")
    result, notes = _rerun(tmp_path)
    assert _ran(result) == {"scene", "sim", "deliver"}, notes
    assert same_outputs(reference, run) == []


def test_a_stopped_run_leaves_no_temporaries_behind(reference, tmp_path):
    run = copy_run(reference, tmp_path)
    leftovers = [run / f"{SHOT}_v001.tmp-424242.mov", run / "passes" / f"{SHOT}_v001.1004.tmp-17.exr",
                 run / "sim" / "frame.1002.tmp-99.npz", run / ".plano" / "sim.tmp-5.json"]
    for p in leftovers:
        p.write_bytes(b"half")
    result, notes = _rerun(tmp_path)
    assert not _ran(result)  # nothing to redo: only the leftovers go
    assert not any(p.exists() for p in leftovers)
    assert sum("left half-written" in n for n in notes) == len(leftovers)


def test_a_frame_damaged_in_a_stopped_render_is_drawn_again_when_it_resumes(reference, tmp_path):
    run = copy_run(reference, tmp_path)
    (run / ".plano" / "render.json").unlink()  # the render never finished: no checksums to compare with
    os.truncate(run / "passes" / FRAME.format(1005), 2000)
    result, _ = _rerun(tmp_path)
    assert _ran(result) == {"render"}
    read_passes(run / "passes" / FRAME.format(1005))  # every pixel reads again
    assert same_outputs(reference, run) == []


def test_a_full_disk_ends_with_one_message_and_nothing_damaged(tmp_path, capsys, monkeypatch):
    """The writer of frames is replaced by one that writes three frames, then half of a fourth and fails with
    ENOSPC, as a full disk does. The run stops with exit status 1 and one message naming the file and the
    disk; the three frames are intact, nothing half-written is left, the render has no record, and the same
    command, once the disk has room, finishes the shot without drawing those three again."""
    import plano.render.run as render_run

    spec_file = write_spec(tmp_path)
    shots = tmp_path / "shots"
    real_write, calls = render_run.write_frame, []

    def full_disk(path, *args, **kwargs):
        calls.append(path)
        if len(calls) <= 3:
            return real_write(path, *args, **kwargs)
        with atomic_path(path) as tmp:
            tmp.write_bytes(b"\x76\x2f\x31\x01 half a frame")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(render_run, "write_frame", full_disk)
    code, err = cli(capsys, "shot", "--spec", str(spec_file), "--shots-dir", str(shots), "--quality", "final")
    run = shots / SHOT / "v001"
    assert code == 1, err
    assert "No space left on device" in err and "disk is full" in err and FRAME.format(1004) in err
    assert "Traceback" not in err and err.count("error:") == 1
    frames = sorted((run / "passes").iterdir())
    assert [p.name for p in frames] == [FRAME.format(f) for f in (1001, 1002, 1003)]
    for p in frames:
        assert read_passes(p).beauty.shape == (36, 64, 3)
    assert not list(run.rglob("*.tmp-*")) and not (run / ".plano" / "render.json").exists()
    assert json.loads((run / ".plano" / "sim.json").read_text())["key"]  # what finished before is intact
    inodes = {p.name: p.stat().st_ino for p in frames}

    monkeypatch.setattr(render_run, "write_frame", real_write)
    code, err = cli(capsys, "shot", "--spec", str(spec_file), "--shots-dir", str(shots), "--quality", "final")
    assert code == 0, err
    assert len(list((run / "passes").iterdir())) == 12
    assert all((run / "passes" / n).stat().st_ino == i for n, i in inodes.items())


@pytest.mark.parametrize("code, hint", [(errno.ENOSPC, "disk is full"), (errno.EDQUOT, "quota"),
                                        (errno.EACCES, "no permission"), (errno.EROFS, "read-only"),
                                        (errno.ENAMETOOLONG, "too long"), (errno.EIO, "Input/output error")])
def test_a_failing_disk_while_writing_a_file_keeps_the_old_file(tmp_path, monkeypatch, code, hint):
    from plano.core.atomic import atomic_write_text

    target = tmp_path / "spec.yaml"
    target.write_text("old")
    real = Path.write_bytes

    def failing(self, data):
        real(self, data[:3])
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(PlanoError, match=hint) as err:
        atomic_write_text(target, "new content")
    assert str(target) in str(err.value)
    monkeypatch.undo()
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["spec.yaml"]


def test_checksums_cover_every_output_and_reuse_reads_every_byte(reference):
    record = json.loads((reference / ".plano" / "render.json").read_text())
    assert sorted(record["files"]) == sorted(f"passes/{p.name}" for p in (reference / "passes").iterdir())
    sim = json.loads((reference / ".plano" / "sim.json").read_text())["files"]
    assert "sim/chunks.npz" in sim and "sim/info.json" in sim and len(sim) == 12 + 2
    size, digest = record["files"][f"passes/{FRAME.format(1001)}"]
    import hashlib

    data = (reference / "passes" / FRAME.format(1001)).read_bytes()
    assert size == len(data) and digest == hashlib.sha256(data).hexdigest()
    assert np.isfinite(read_passes(reference / "passes" / FRAME.format(1001)).beauty).all()
