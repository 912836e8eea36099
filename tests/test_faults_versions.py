"""Fault suite, versions: a version is claimed atomically, held by a lock while a run works in it (a second
run waits or is told who holds it; a dead holder's lock is taken over), and new words never overwrite an
existing version's work (they make the next version, or need --force)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from fault_fixtures import SHOT, cli, tiny_spec, write_spec
from plano.core.lock import FolderBusy, acquire, release
from plano.schema.naming import RunFolder
from plano.shot import open_run

PLANO = [sys.executable, "-c", "from plano.cli.commands import main; main()"]


def _holder(root: Path, seconds: float) -> subprocess.Popen:
    """Another process holding ``root``'s lock for ``seconds`` (it says 'held' once it has it)."""
    code = textwrap.dedent(f"""
        import sys, time
        from plano.core.lock import acquire
        acquire({str(root)!r})
        print("held", flush=True)
        time.sleep({seconds})
    """)
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_versions_claimed_at_the_same_moment_are_all_different(tmp_path):
    got, barrier = [], threading.Barrier(8)

    def claim():
        barrier.wait()
        got.append(RunFolder.claim(tmp_path, SHOT).version)

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(1, 9))


def test_two_runs_that_both_saw_no_version_yet_claim_two(tmp_path, monkeypatch):
    """The race made certain: both looked before either made its folder (the listing is stale for both)."""
    monkeypatch.setattr(RunFolder, "versions", staticmethod(lambda shots_dir, shot: []))
    first, second = RunFolder.claim(tmp_path, SHOT), RunFolder.claim(tmp_path, SHOT)
    assert (first.version, second.version) == (1, 2)


def test_new_words_make_the_next_version_and_leave_the_old_one_alone(tmp_path):
    run1, lock = open_run(tiny_spec(), tmp_path)
    release(lock)
    (run1.root / "sim").mkdir()
    (run1.root / "sim" / "frame.1001.npz").write_bytes(b"work")
    run2, lock = open_run(tiny_spec(prompt="other words", seed=4), tmp_path)
    release(lock)
    assert (run1.version, run2.version) == (1, 2)
    assert (run1.root / "sim" / "frame.1001.npz").read_bytes() == b"work"
    again, lock = open_run(tiny_spec(), tmp_path)  # the first words again: the latest holds others, so v003
    release(lock)
    assert again.version == 3


def test_a_version_another_spec_took_while_this_run_waited_for_its_lock_is_left_to_it(tmp_path, monkeypatch):
    """This run saw v001 empty; before it had the lock, another run claimed v001 for other words. Once it
    has the lock it looks again, lets v001 go and claims v002."""
    import plano.shot as shot
    from plano.spec.io import save_spec

    RunFolder.open(tmp_path, SHOT, 1)
    real = shot.acquire

    def other_run_first(root, wait_s=0.0):
        if Path(root).name == "v001" and not (Path(root) / "spec.yaml").exists():
            save_spec(tiny_spec(prompt="the other run's words"), Path(root) / "spec.yaml")
        return real(root, wait_s)

    monkeypatch.setattr(shot, "acquire", other_run_first)
    run, lock = open_run(tiny_spec(), tmp_path)
    release(lock)
    assert run.version == 2


@pytest.mark.parametrize("other", [{"seed": 9}, {"prompt": "a taller house"}, {"effects": ("dust",)}])
def test_version_n_with_new_words_is_refused_unless_forced(tmp_path, capsys, other):
    spec_file = write_spec(tmp_path)
    shots = tmp_path / "shots"
    assert cli(capsys, "scene", "--spec", str(spec_file), "--shots-dir", str(shots))[0] == 0
    run = shots / SHOT / "v001"
    before = {p.relative_to(run): p.read_bytes() for p in run.rglob("*") if p.is_file() and "lock" not in p.name
              and ".plano" not in p.parts}
    other_file = write_spec(tmp_path, "other.yaml", **other)
    code, err = cli(capsys, "scene", "--spec", str(other_file), "--shots-dir", str(shots), "--version", "1")
    assert code == 1 and "made from another spec" in err and "--force" in err, err
    after = {p.relative_to(run): p.read_bytes() for p in run.rglob("*") if p.is_file() and "lock" not in p.name
             and ".plano" not in p.parts}
    assert after == before  # not a byte of v001 changed
    code, err = cli(capsys, "scene", "--spec", str(other_file), "--shots-dir", str(shots), "--version", "1",
                    "--force", "scene")
    assert code == 0, err
    assert sorted(p.name for p in (shots / SHOT).iterdir()) == ["v001"]


def test_a_run_in_a_version_another_live_run_holds_says_who_holds_it(tmp_path, capsys):
    spec_file = write_spec(tmp_path)
    shots = tmp_path / "shots"
    run = RunFolder.open(shots, SHOT, 1)
    holder = _holder(run.root, 60)
    try:
        code, err = cli(capsys, "scene", "--spec", str(spec_file), "--shots-dir", str(shots))
        assert code == 75, err
        assert f"pid {holder.pid}" in err and "in use" in err and "--wait" in err and err.count("error:") == 1
        with pytest.raises(FolderBusy) as busy:
            acquire(run.root, wait_s=0.3)
        assert busy.value.holder["pid"] == holder.pid and "(waited" not in str(busy.value)
    finally:
        holder.kill()
        holder.wait()


def test_a_second_run_waits_for_the_first_then_reuses_its_work(tmp_path, capsys):
    spec_file = write_spec(tmp_path)
    shots = tmp_path / "shots"
    run = RunFolder.open(shots, SHOT, 1)
    holder = _holder(run.root, 1.5)
    t0 = time.monotonic()
    code, err = cli(capsys, "scene", "--spec", str(spec_file), "--shots-dir", str(shots), "--wait", "60")
    holder.wait()
    assert code == 0, err
    assert time.monotonic() - t0 >= 1.0  # it waited for the holder
    assert sorted(p.name for p in (shots / SHOT).iterdir()) == ["v001"]


def test_identical_runs_started_together_do_the_work_once(tmp_path):
    spec_file = write_spec(tmp_path)
    shots = tmp_path / "shots"
    cmd = [*PLANO, "scene", "--spec", str(spec_file), "--shots-dir", str(shots), "--wait", "120"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted(p.name for p in (shots / SHOT).iterdir()) == ["v001"]
    ran_set = [any(line.split("│")[1:3] and line.split("│")[1].strip() == "set" and "ran" in line.split("│")[2]
                   for line in err.splitlines() if "│" in line) for _, err in outs]
    assert sorted(ran_set) == [False, True], outs  # one built the set, the other reused it


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path, capsys):
    spec_file = write_spec(tmp_path)
    shots = tmp_path / "shots"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    run = RunFolder.open(shots, SHOT, 1)
    (run.root / ".plano").mkdir()
    (run.root / ".plano" / "lock").write_text(json.dumps({"pid": pid, "host": "farm7", "since": 1.0,
                                                          "command": "plano shot --spec x.yaml"}))
    code, err = cli(capsys, "scene", "--spec", str(spec_file), "--shots-dir", str(shots))
    assert code == 0, err
    assert f"took over the lock of pid {pid} on farm7" in err
    assert (run.root / ".plano" / "lock").read_text() == ""  # let go in order at the end


def test_a_run_killed_while_holding_the_lock_does_not_block_the_next(tmp_path):
    run = RunFolder.open(tmp_path, SHOT, 1)
    holder = _holder(run.root, 60)
    os.kill(holder.pid, 9)
    holder.wait()
    lock = acquire(run.root)
    try:
        assert lock.took_over["pid"] == holder.pid
    finally:
        release(lock)
