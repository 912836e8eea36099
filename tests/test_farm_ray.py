"""The shot graph on a local Ray cluster (2 CPUs, started here, shared by the module): the same EXRs as the local
executor, byte for byte; a worker killed with kill -9 in a render chunk; a run folder a worker cannot see."""

from __future__ import annotations

import filecmp
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from plano.core.executor import RunFolderNotShared
from plano.core.tasks import read_task_record
from plano.schema.naming import frame_file
from plano.shot import run_shot
from plano.spec.model import Action, Format, ShotSpec, Subject

ray = pytest.importorskip("ray", reason="the farm needs Ray: pip install 'plano[farm]'")
pytestmark = pytest.mark.xdist_group("ray")  # one test worker, one cluster (make test: --dist loadgroup)


def spec_for(shot: str, seed: int) -> ShotSpec:
    return ShotSpec(shot=shot, prompt="a small house comes down", seed=seed,
                    subject=Subject(storeys=2, building_type="house"), format=Format(width=64, height=36,
                    duration_s=0.5), effects=(), action=Action(kind="collapse", start_s=0.1))


A, B = spec_for("SEQ040_SH010", 1), spec_for("SEQ040_SH020", 2)


@pytest.fixture(scope="module")
def cluster():
    from plano.core.ray_executor import RayExecutor

    executor = RayExecutor("local", cpus=2, object_store_bytes=128 * 1024 * 1024)
    yield executor
    executor.close()


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """Both shots with the local executor, up to the render: the reference."""
    shots = tmp_path_factory.mktemp("local")
    return {s.shot: run_shot(s, shots, quality="final", until="render") for s in (A, B)}


def exrs(root: Path) -> list[Path]:
    return sorted((root / "passes").iterdir())


def same_files(a: list[Path], b: list[Path]) -> bool:
    return [p.name for p in a] == [p.name for p in b] and all(filecmp.cmp(x, y, shallow=False) for x, y in zip(a, b))


def test_chunked_render_on_ray_gives_the_local_exrs_byte_for_byte(cluster, local, tmp_path):
    ran = run_shot(A, tmp_path, quality="final", until="render", executor=cluster)
    ours, theirs = exrs(ran.run.root), exrs(local[A.shot].run.root)
    assert len(ours) == len(A.format.frames) and same_files(ours, theirs)
    chunks = sorted(p.name for p in (ran.run.root / ".plano" / "tasks").glob("render.*.json"))
    assert len(chunks) == 2  # one chunk per worker
    pids = {read_task_record(ran.run, "render", i)["attempts"][-1]["pid"] for i in range(2)}
    assert os.getpid() not in pids  # rendered on the workers, not on the head
    assert ran.results["render"].output == [ran.run.root / "passes" / p.name for p in ours]
    again = run_shot(A, tmp_path, quality="final", until="render", executor=cluster)  # the record holds: reused
    assert all(r.cached for r in again.results.values())


def test_two_shots_of_a_sequence_on_ray_give_the_local_exrs(cluster, local, tmp_path):
    from plano.farm.shots import run_shots

    done = run_shots([A, B], tmp_path, cluster, quality="final", until="render")
    assert [d.shot for d in done] == [A.shot, B.shot]
    for d in done:
        assert same_files(exrs(d.root), exrs(local[d.shot].run.root))
        assert not d.stages["render"]["cached"]
    assert not same_files(exrs(done[0].root), exrs(done[1].root))  # two shots, two pictures


def _kill_first_chunk_mid_render(run_root: Path, name: str, first: int, killed: list[int]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        doc = read_task_record(_Store(run_root), "render", 0)
        attempts = doc.get("attempts", [])
        if attempts and attempts[0].get("state") == "running" and (run_root / "passes" / frame_file(name, first)).exists():
            os.kill(attempts[0]["pid"], signal.SIGKILL)
            killed.append(attempts[0]["pid"])
            return
        time.sleep(0.005)


class _Store:
    def __init__(self, root):
        self.root = root

    def path(self, *parts):
        return self.root.joinpath(*parts)


def test_a_worker_killed_in_a_render_chunk_is_retried_and_every_frame_is_there_once(cluster, local, tmp_path):
    reference = local[A.shot].run
    copy = tmp_path / A.shot / reference.root.name
    shutil.copytree(reference.root, copy)
    shutil.rmtree(copy / "passes")
    (copy / ".plano" / "render.json").unlink()
    killed: list[int] = []
    watcher = threading.Thread(target=_kill_first_chunk_mid_render, args=(copy, reference.name, 1001, killed))
    watcher.start()
    ran = run_shot(A, tmp_path, quality="final", until="render", version=reference.version, executor=cluster)
    watcher.join()
    assert killed, "the watcher never saw the first chunk rendering"
    attempts = read_task_record(ran.run, "render", 0)["attempts"]
    assert attempts[0]["pid"] == killed[0] and attempts[0]["state"] == "running"  # died there
    assert len(attempts) == 2 and attempts[1]["state"] == "done" and attempts[1]["pid"] != killed[0]
    names = sorted(p.name for p in (copy / "passes").iterdir())
    assert names == [frame_file(reference.name, f) for f in A.format.frames]  # every frame once, no temporaries
    assert same_files(exrs(copy), exrs(reference.root))
    assert ran.run.record("render") is not None and not ran.run.damaged(ran.run.record("render"))


def test_a_run_folder_the_workers_do_not_see_is_refused_before_anything_runs(cluster, local, tmp_path):
    from plano.core.ray_executor import RayExecutor

    reference = local[B.shot].run
    shutil.copytree(reference.root, tmp_path / B.shot / reference.root.name)
    elsewhere = tmp_path / "what-the-workers-see"
    elsewhere.mkdir()
    blind = RayExecutor("local", path_map={str(tmp_path.resolve()): str(elsewhere)})  # joins the running cluster
    with pytest.raises(RunFolderNotShared, match="does not see the run folder the head works in") as err:
        run_shot(B, tmp_path, quality="final", until="render", version=reference.version, force=["render"],
                 executor=blind)
    assert "shared file system" in str(err.value) and str(elsewhere) in str(err.value)
    assert not (tmp_path / B.shot / reference.root.name / "passes").exists()
    assert not list(elsewhere.iterdir())


def test_a_failing_task_names_its_node_and_frames_instead_of_hanging(cluster):
    from plano.core.executor import Task, TaskFailed

    def _fails_on(frame: int) -> int:  # defined here: Ray ships it by value (the workers cannot import tests/)
        from plano.errors import PlanoError

        if frame == 1005:
            raise PlanoError("the sim cache has no frame 1005")
        return frame

    tasks = [Task(f"render frames {f}-{f + 3}", f) for f in (1001, 1005)]
    with pytest.raises(TaskFailed, match=r"^render frames 1005-1008 failed: the sim cache has no frame 1005$"):
        cluster.map(_fails_on, tasks)


def test_a_task_no_machine_can_hold_is_refused_instead_of_waiting_for_ever(cluster):
    from plano.core.executor import Resources, Task
    from plano.errors import PlanoError

    with pytest.raises(PlanoError, match=r"no machine of the Ray cluster can run a task that needs 1 CPU, 4 GPU"):
        cluster.map(lambda x: x, [Task("generate window 1", 1001)], Resources(cpus=1, gpus=4))


def test_a_run_stopped_on_the_head_resumes_on_ray_from_the_frames_on_disk(cluster, local, tmp_path):
    reference = local[A.shot].run
    copy = tmp_path / A.shot / reference.root.name
    shutil.copytree(reference.root, copy)  # as the head left it when killed: half the frames, no render record
    (copy / ".plano" / "render.json").unlink()
    frames = sorted((copy / "passes").iterdir())
    for p in frames[len(frames) // 2:]:
        p.unlink()
    (copy / "passes" / (frames[-1].stem + ".tmp-99999.exr")).write_bytes(b"half a frame")
    kept = {p.name: p.stat().st_mtime_ns for p in frames[: len(frames) // 2]}
    ran = run_shot(A, tmp_path, quality="final", until="render", version=reference.version, executor=cluster)
    assert not ran.results["render"].cached
    assert {p.name: p.stat().st_mtime_ns for p in frames[: len(frames) // 2]} == kept  # not rendered again
    assert same_files(exrs(copy), exrs(reference.root))  # the rest made, the temporary gone
