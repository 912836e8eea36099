"""The executor interface without Ray: chunks, the local executor, the shared-folder marker, --farm choices, and
the Open Job Description export run step by step through `plano farm-task` as a farm manager would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from fault_fixtures import SHOT, cli, write_spec
from plano.core.executor import (LocalExecutor, Resources, RunFolderNotShared, Task, TaskFailed, check_marker,
                                 map_path, write_marker)
from plano.errors import PlanoError
from plano.render.node import frame_chunks


def test_frame_chunks_one_per_worker_and_never_longer_than_the_cap():
    frames = list(range(1001, 1013))
    assert frame_chunks(frames, 2) == [frames[:6], frames[6:]]
    assert frame_chunks(frames, 5) == [frames[0:3], frames[3:6], frames[6:9], frames[9:12]]
    assert frame_chunks(frames, 100) == [[f] for f in frames]
    long = list(range(1001, 1101))
    chunks = frame_chunks(long, 1)
    assert max(map(len, chunks)) <= 24 and sum(chunks, []) == long
    assert frame_chunks([], 3) == []


def test_the_local_executor_runs_every_task_in_order_and_names_a_failed_one():
    seen = []
    out = LocalExecutor().map(lambda x: x * 2, [Task(f"t{i}", i) for i in range(3)], Resources(),
                              lambda i, r: seen.append((i, r)))
    assert out == [0, 2, 4] and seen == [(0, 0), (1, 2), (2, 4)]

    def bad(x):
        raise PlanoError(f"frame {x} has no sim")

    with pytest.raises(TaskFailed, match=r"render frames 1001-1004 failed on .*: frame 1001 has no sim"):
        LocalExecutor().map(bad, [Task("render frames 1001-1004", 1001)])
    with pytest.raises(ValueError):
        Resources(cpus=-1)


def test_a_worker_that_sees_another_folder_or_none_is_refused(tmp_path):
    token = write_marker(tmp_path)
    check_marker(tmp_path, token)  # the head's own folder
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(RunFolderNotShared, match="is not there"):
        check_marker(other, token)
    write_marker(other)
    with pytest.raises(RunFolderNotShared, match="holds another run's marker"):
        check_marker(other, token)
    assert map_path("/mnt/head/shots/A_B/v001", {"/mnt/head": "/x", "/mnt/head/shots": "/shots"}) == \
        Path("/shots/A_B/v001")
    assert map_path("/elsewhere/v001", {"/mnt/head": "/x"}) == Path("/elsewhere/v001")


@pytest.mark.parametrize("farm", ["bogus", "ray//host", "host:port", "local-rya"])
def test_an_unknown_farm_is_one_clear_line(capsys, tmp_path, farm):
    spec = write_spec(tmp_path)
    code, err = cli(capsys, "shot", "--spec", str(spec), "--shots-dir", str(tmp_path / "shots"), "--farm", farm)
    assert code == 1 and f"--farm {farm!r} is not a farm plano knows" in err and "Traceback" not in err
    assert not (tmp_path / "shots").exists()


@pytest.mark.slow  # ~35 s: the Finish step delivers (movies, contact sheet, report)
def test_openjd_export_validates_and_its_steps_make_the_shot(capsys, tmp_path):
    from openjd.model import create_job, decode_job_template

    spec = write_spec(tmp_path)
    shots = tmp_path / "shots"
    code, err = cli(capsys, "openjd", "--spec", str(spec), "--shots-dir", str(shots), "--machines", "2")
    assert code == 0, err
    run = shots / SHOT / "v001"
    template = yaml.safe_load((run / "job.template.yaml").read_text())
    job = create_job(job_template=decode_job_template(template=template), job_parameter_values={})
    assert [s.name for s in job.steps] == ["Simulate", "Render", "Finish"]
    frames = template["steps"][1]["parameterSpace"]["taskParameterDefinitions"][0]["range"]
    assert frames == ["1001-1006", "1007-1012"]
    params = {p["name"]: p["default"] for p in template["parameterDefinitions"]}
    assert params["RunFolder"] == str(run.resolve())

    def args(step, frames=None):
        out = []
        for a in step["script"]["actions"]["onRun"]["args"]:
            a = re.sub(r"\{\{Param\.(\w+)\}\}", lambda m: str(params[m.group(1)]), a)
            out.append(a.replace("{{Task.Param.Frames}}", frames or ""))
        return out

    simulate, render, finish = template["steps"]
    code, err = cli(capsys, *args(render, frames[0]))  # before Simulate: refused, nothing written
    assert code == 1 and "not ready for render chunks" in err and not (run / "passes").exists()
    assert cli(capsys, *args(simulate))[0] == 0
    for chunk in reversed(frames):  # any order, as a farm hands them out
        code, err = cli(capsys, *args(render, chunk))
        assert code == 0, err
    assert len(list((run / "passes").glob("*.exr"))) == 12 and not (run / ".plano" / "render.json").exists()
    code, err = cli(capsys, *args(finish))
    assert code == 0, err
    assert (run / ".plano" / "render.json").exists() and (run / ".plano" / "deliver.json").exists()
    assert len(list((run / "comp").glob("*.exr"))) == 12 and (run / f"{SHOT}_v001.mov").is_file()


def test_openjd_refuses_a_folder_for_out_and_farm_task_a_folder_that_is_not_a_run(capsys, tmp_path):
    spec = write_spec(tmp_path)
    code, err = cli(capsys, "openjd", "--spec", str(spec), "--shots-dir", str(tmp_path / "s"), "--out", str(tmp_path))
    assert code == 1 and "give a file name" in err and "Traceback" not in err
    code, err = cli(capsys, "openjd", "--spec", str(spec), "--shots-dir", str(tmp_path / "s"), "--out",
                    str(tmp_path / "job.txt"))
    assert code == 1 and "name the template .yaml or .json" in err
    code, err = cli(capsys, "farm-task", str(tmp_path), "--until", "sim")
    assert code == 1 and "is not a run folder" in err and "Traceback" not in err
    code, err = cli(capsys, "farm-task", str(tmp_path), "--until", "sim", "--chunk", "render")
    assert code == 1 and "not both" in err


def test_a_ray_address_nothing_answers_on_is_one_clear_line_at_once(capsys, tmp_path):
    pytest.importorskip("ray", reason="the farm needs Ray: pip install 'plano[farm]'")
    import socket

    with socket.socket() as s:  # a port that was free a moment ago: nothing listens on it
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    spec = write_spec(tmp_path)
    t0 = __import__("time").monotonic()
    code, err = cli(capsys, "shot", "--spec", str(spec), "--shots-dir", str(tmp_path / "shots"),
                    "--farm", f"127.0.0.1:{port}")
    assert code == 1 and f"nothing answers at '127.0.0.1:{port}'" in err and "ray start --head" in err
    assert __import__("time").monotonic() - t0 < 30 and not (tmp_path / "shots").exists()
