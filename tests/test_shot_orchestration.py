import json

import pytest
from shot_fakes import FakeStages, Killed

from plano.deliver.movie import probe_movie
from plano.errors import PlanoError
from plano.shot import check_force, open_run, render_config, run_shot, sim_config
from plano.spec.io import load_spec, save_spec
from plano.spec.model import Camera, Format, Light, ShotSpec


def tiny_spec(**kw) -> ShotSpec:
    return ShotSpec(prompt="a tiny test shot", format=Format(width=48, height=27, duration_s=0.5), **kw)


def ran(result) -> dict[str, bool]:
    return {name: not r.cached for name, r in result.results.items()}


def test_first_run_makes_everything_and_second_run_reuses_it(tmp_path):
    fake = FakeStages()
    spec = tiny_spec()
    first = run_shot(spec, tmp_path, engines=fake.engines())
    assert first.run.root == tmp_path / "SEQ010_SH010" / "v001"
    assert all(ran(first).values())
    files = first.files
    assert probe_movie(files["mov"])["frames"] == 12
    assert load_spec(first.run.path("spec.yaml")) == spec
    prov = json.loads(files["provenance"].read_text())
    assert {n: s["key"] for n, s in prov["stages"].items()} == {n: r.key for n, r in first.results.items()}
    assert prov["engines"]["sim engine (this shot)"] == "fake"
    records = {p.stem for p in first.run.path(".plano").glob("*.json") if ".started" not in p.name}
    assert records == {"spec", "scene", "sim", "render", "deliver"}

    second = run_shot(spec, tmp_path, engines=fake.engines())
    assert second.run.root == first.run.root  # the same spec re-enters the latest version
    assert not any(ran(second).values())
    assert fake.calls["run_sim"] == 1 and fake.calls["render_shot"] == 1 and fake.calls["deliver_shot"] == 1
    assert second.files == files


def test_a_new_lens_rerenders_without_resimulating(tmp_path):
    fake = FakeStages()
    spec = tiny_spec()
    first = run_shot(spec, tmp_path, engines=fake.engines())
    before = {p.name: p.stat().st_mtime_ns for p in first.run.path("passes").iterdir()}
    edited = spec.model_copy(update={"camera": Camera(focal_length_mm=85.0)})
    save_spec(edited, first.run.path("spec.yaml"))  # the artist edits spec.yaml in the run folder
    with first.run.path("spec.yaml").open("a") as f:
        f.write("# longer lens for the hero\n")

    second = run_shot(load_spec(first.run.path("spec.yaml")), tmp_path, spec_file=first.run.path("spec.yaml"),
                      engines=fake.engines())
    assert second.run.root == first.run.root
    assert "# longer lens for the hero" in first.run.path("spec.yaml").read_text()  # the edit is kept as written
    assert ran(second) == {"spec": True, "scene": True, "sim": False, "render": True, "deliver": True}
    assert fake.calls["run_sim"] == 1 and fake.calls["render_shot"] == 2
    # every frame was rendered again (no stale frame of the old lens kept), and delivered
    assert len(fake.rendered) == 24
    after = {p.name: p.stat().st_mtime_ns for p in second.run.path("passes").iterdir()}
    assert set(after) == set(before) and all(after[n] != before[n] for n in after)
    assert json.loads(second.files["provenance"].read_text())["spec"]["camera"]["focal_length_mm"] == 85.0


def test_sim_key_ignores_camera_and_size_but_not_the_sun():
    spec = tiny_spec()
    moved = spec.model_copy(update={
        "camera": Camera(focal_length_mm=24.0, anamorphic=True, squeeze=2.0),
        "format": Format(width=96, height=54, duration_s=0.5),
        "prompt": "other words",
    })
    assert sim_config(moved) == sim_config(spec)
    assert render_config(moved, "previs") != render_config(spec, "previs")
    # the scene turns the building to the sun, so another hour is another collapse
    assert sim_config(spec.model_copy(update={"light": Light(time_of_day="dusk")})) != sim_config(spec)
    longer = spec.model_copy(update={"format": Format(width=48, height=27, duration_s=1.0)})
    assert sim_config(longer) != sim_config(spec)
    assert sim_config(spec.model_copy(update={"seed": 3})) != sim_config(spec)


def test_a_run_killed_midway_resumes_without_losing_frames(tmp_path):
    fake = FakeStages()
    fake.die_after_frames = 5
    spec = tiny_spec()
    with pytest.raises(Killed):
        run_shot(spec, tmp_path, engines=fake.engines())
    run_dir = tmp_path / "SEQ010_SH010" / "v001"
    assert len(list((run_dir / "passes").glob("*.exr"))) == 5
    assert not (run_dir / ".plano" / "render.json").exists()
    assert not list(run_dir.rglob("*.tmp-*"))

    leftover = run_dir / "passes" / "SEQ010_SH010_v001.1006.tmp-99999.exr"
    leftover.write_bytes(b"half a frame")  # what a kill -9 during a write leaves behind
    fake.die_after_frames = None
    again = run_shot(spec, tmp_path, engines=fake.engines())
    assert not leftover.exists()
    assert again.run.root == run_dir
    assert ran(again) == {"spec": False, "scene": False, "sim": False, "render": True, "deliver": True}
    assert fake.calls["run_sim"] == 1
    assert fake.rendered == list(range(1001, 1013))  # each frame rendered exactly once
    assert probe_movie(again.files["mp4"])["frames"] == 12


def test_force_reruns_the_stage_and_everything_after_it(tmp_path):
    fake = FakeStages()
    spec = tiny_spec()
    run_shot(spec, tmp_path, engines=fake.engines())
    again = run_shot(spec, tmp_path, force=["sim"], engines=fake.engines())
    assert ran(again) == {"spec": False, "scene": False, "sim": True, "render": True, "deliver": True}
    assert len(fake.rendered) == 24
    assert check_force(["render"]) == ("render", "deliver")
    with pytest.raises(PlanoError, match="'lighting' is not a stage"):
        check_force(["lighting"])


def test_a_new_spec_gets_the_next_version_and_version_n_re_enters(tmp_path):
    fake = FakeStages()
    first = run_shot(tiny_spec(), tmp_path, engines=fake.engines())
    other = tiny_spec(seed=5)
    second = run_shot(other, tmp_path, engines=fake.engines())
    assert second.run.version == 2 and first.run.version == 1
    assert open_run(tiny_spec(), tmp_path, version=1).root == first.run.root
    # the latest version holds `other`: the first spec is new again relative to it
    assert open_run(tiny_spec(), tmp_path).version == 3


def test_bad_quality_is_a_clear_error(tmp_path):
    with pytest.raises(PlanoError, match="quality 'ultra'"):
        run_shot(tiny_spec(), tmp_path, quality="ultra", engines=FakeStages().engines())


def test_quality_change_rerenders_only(tmp_path):
    fake = FakeStages()
    run_shot(tiny_spec(), tmp_path, engines=fake.engines())
    again = run_shot(tiny_spec(), tmp_path, quality="final", engines=fake.engines())
    assert ran(again) == {"spec": False, "scene": False, "sim": False, "render": True, "deliver": True}
