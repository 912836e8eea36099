"""The pipeline core: atomic writes, run folders, cache keys and stage reuse."""

import json

import pytest

from plano.core import RunFolder, Stage, atomic_path, cache_key, run_stages, stable_hash
from plano.errors import PlanoError


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "frame.1001.exr"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("killed")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    with atomic_path(target) as tmp:
        assert tmp.suffix == ".exr" and tmp != target
        tmp.write_bytes(b"whole")
    assert target.read_bytes() == b"whole"


def test_run_folder_versions(tmp_path):
    a = RunFolder.open(tmp_path, "SEQ010_SH010", new=True)
    b = RunFolder.open(tmp_path, "SEQ010_SH010", new=True)
    assert (a.version, b.version) == (1, 2)
    assert RunFolder.open(tmp_path, "SEQ010_SH010").version == 2
    assert b.frame_path("passes", 1001).name == "SEQ010_SH010_v002.1001.exr"
    with pytest.raises(PlanoError, match="SEQ_SHOT"):
        RunFolder.open(tmp_path, "bad name")


def test_cache_key_depends_on_config_and_upstream():
    assert stable_hash({"a": 1, "b": [1.0, 2]}) == stable_hash({"b": [1.0, 2], "a": 1})
    k = cache_key("render", {"lens": 35}, {"sim": "x"})
    assert k != cache_key("render", {"lens": 50}, {"sim": "x"})
    assert k != cache_key("render", {"lens": 35}, {"sim": "y"})


def _counting_stage(name, config, inputs, calls):
    def run(rf, upstream, progress):
        calls.append(name)
        progress(0.5, "half")
        out = {"name": name, "config": config, "upstream": upstream}
        rf.path(f"{name}.json").write_text(json.dumps(out))
        return out

    def load(rf):
        return json.loads(rf.path(f"{name}.json").read_text())

    return Stage(name=name, run=run, load=load, config=config, inputs=inputs)


def test_changed_config_reruns_only_that_stage_and_after(tmp_path):
    rf = RunFolder.open(tmp_path, "SEQ010_SH010")
    calls = []

    def chain(lens):
        return [
            _counting_stage("sim", {"seed": 1}, (), calls),
            _counting_stage("render", {"lens": lens}, ("sim",), calls),
            _counting_stage("deliver", {}, ("render",), calls),
        ]

    run_stages(rf, chain(35))
    assert calls == ["sim", "render", "deliver"]
    calls.clear()
    res = run_stages(rf, chain(35))
    assert calls == [] and all(r.cached for r in res.values())
    calls.clear()
    run_stages(rf, chain(50))
    assert calls == ["render", "deliver"]
    # outputs gone: that stage runs again; its key is unchanged, so what follows is reused
    calls.clear()
    rf.path("sim.json").unlink()
    run_stages(rf, chain(50))
    assert calls == ["sim"]
