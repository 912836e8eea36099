"""GPU benchmark of the generate engines: the full-size Wan2.1-VACE-1.3B and CogVideoX-5B architectures with
random weights (no download: the speed and memory of a model do not depend on its weights), at 480p, plano's
wrapper (``plano.generate.wan_vace`` / ``cogvideox``: control video, mask, flow-warped noise, windows, fit and
frame-rate mapping) against the bare diffusers pipeline with the same settings (same size, frames, steps, dtype,
guidance, prompt embeddings). Records seconds per output frame and peak GPU memory.

    PYTHONPATH=src python benchmarks/generate_gpu.py --steps 20            # on a machine with an NVIDIA GPU
    PYTHONPATH=src python benchmarks/generate_gpu.py --tiny --device cpu   # a dry run of the script on a CPU
    PYTHONPATH=src python benchmarks/generate_gpu.py --wrapper-only        # the wrapper's CPU work, no model

The text encoders (UMT5-XXL, T5-XXL) are not built: both sides get the same random prompt embeddings (1 x 512 x
4096 for Wan, 1 x 226 x 4096 for CogVideoX), so the comparison times the transformer, the VAE and the wrapper.
"""

from __future__ import annotations

import argparse
import json
import time
from types import SimpleNamespace

import numpy as np
import torch

WAN_1_3B = dict(patch_size=(1, 2, 2), num_attention_heads=12, attention_head_dim=128, in_channels=16, out_channels=16,
                text_dim=4096, freq_dim=256, ffn_dim=8960, num_layers=30, cross_attn_norm=True,
                qk_norm="rms_norm_across_heads", eps=1e-6, rope_max_seq_len=1024,
                vace_layers=list(range(0, 30, 2)), vace_in_channels=96)  # as diffusers converts Wan2.1-VACE-1.3B
COGVIDEOX_5B = dict(num_attention_heads=48, attention_head_dim=64, in_channels=16, out_channels=16,
                    time_embed_dim=512, text_embed_dim=4096, num_layers=42, sample_width=90, sample_height=60,
                    sample_frames=49, patch_size=2, temporal_compression_ratio=4, max_text_seq_length=226,
                    use_rotary_positional_embeddings=True, use_learned_positional_embeddings=False)
TINY_WAN = dict(WAN_1_3B, num_attention_heads=2, attention_head_dim=12, text_dim=32, ffn_dim=32, num_layers=3,
                rope_max_seq_len=32, vace_layers=[0, 2])
TINY_COG = dict(COGVIDEOX_5B, num_attention_heads=4, attention_head_dim=8, time_embed_dim=2, text_embed_dim=32,
                num_layers=1, sample_width=4, sample_height=4, sample_frames=9, max_text_seq_length=16,
                use_rotary_positional_embeddings=False)


class NoText(torch.nn.Module):
    """Stands in for the text encoder, which neither side runs (prompt embeddings are given)."""

    def __init__(self, dim: int):
        super().__init__()
        self.config = SimpleNamespace(vocab_size=256, d_model=dim)
        self.dim = dim

    def forward(self, *a, **k):  # pragma: no cover - never called
        raise RuntimeError("the benchmark gives prompt embeddings")


def build(which: str, tiny: bool, device: str, dtype):
    import diffusers as d

    torch.manual_seed(0)
    with torch.device(device):
        if which == "wan":
            tr = d.WanVACETransformer3DModel(**(TINY_WAN if tiny else WAN_1_3B))
            vae = d.AutoencoderKLWan(**(dict(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                                              temperal_downsample=[False, True, True]) if tiny else {}))
            pipe = d.WanVACEPipeline(transformer=tr.to(dtype), vae=vae.to(torch.float32), text_encoder=None,
                                     tokenizer=None, scheduler=d.UniPCMultistepScheduler(flow_shift=3.0,
                                                                                         prediction_type="flow_prediction",
                                                                                         use_flow_sigmas=True))
        else:
            tr = d.CogVideoXTransformer3DModel(**(TINY_COG if tiny else COGVIDEOX_5B))
            vae = d.AutoencoderKLCogVideoX(**(dict(down_block_types=("CogVideoXDownBlock3D",) * 4,
                                                   up_block_types=("CogVideoXUpBlock3D",) * 4,
                                                   block_out_channels=(8, 8, 8, 8), latent_channels=16,
                                                   layers_per_block=1, norm_num_groups=2) if tiny else
                                              dict(scaling_factor=0.7)))
            pipe = d.CogVideoXPipeline(transformer=tr.to(dtype), vae=vae.to(dtype), text_encoder=None, tokenizer=None,
                                       scheduler=d.CogVideoXDPMScheduler(snr_shift_scale=1.0,
                                                                         timestep_spacing="trailing"))
    return pipe.to(device)


def sizes(which: str, tiny: bool):
    if which == "wan":
        return (32, 16, 9, 16.0) if tiny else (832, 480, 81, 16.0)
    return (32, 32, 9, 8.0) if tiny else (720, 480, 49, 8.0)


def peak(device: str) -> float:
    return torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else float("nan")


def reset(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def bench(which: str, tiny: bool, device: str, steps: int, dtype) -> dict:
    from PIL import Image

    from plano.generate.base import Clip
    from plano.generate.settings import GenerateSettings

    w, h, frames, fps = sizes(which, tiny)
    pipe = build(which, tiny, device, dtype)
    text_len, dim = (16, 32) if tiny else ((512, 4096) if which == "wan" else (226, 4096))
    g = torch.Generator("cpu").manual_seed(0)
    embeds = torch.randn(1, text_len, dim, generator=g).to(device, dtype)
    negative = torch.randn(1, text_len, dim, generator=g).to(device, dtype)

    # the shot: a clip at the model's own rate and size (one window, no resampling), a hero in the middle
    rng = np.random.default_rng(0)
    beauty = (0.18 + 0.05 * rng.random((frames, h, w, 3))).astype(np.float32)
    depth = np.full((frames, h, w, 1), 40.0, np.float32)
    region = np.zeros((frames, h, w, 1), np.float32)
    region[:, h // 4: 3 * h // 4, w // 4: 3 * w // 4] = 1.0
    motion = np.zeros((frames, h, w, 2), np.float32)
    motion[..., 0] = 1.5
    clip = Clip(beauty, np.ones_like(depth), depth, motion, region, fps, "benchmark", 0)

    def bare():
        kw = dict(prompt_embeds=embeds, negative_prompt_embeds=negative, height=h, width=w, num_frames=frames,
                  num_inference_steps=steps, guidance_scale=5.0, generator=torch.Generator("cpu").manual_seed(0),
                  output_type="np")
        if which == "wan":
            grey = Image.new("RGB", (w, h), (128, 128, 128))
            kw.update(video=[grey] * frames, mask=[Image.new("L", (w, h), 255)] * frames)
        return pipe(**kw).frames[0]

    settings = GenerateSettings(engine="wan_vace" if which == "wan" else "cogvideox", steps=steps, guidance=5.0,
                                width=w, height=h, num_frames=frames, allow_cpu=device == "cpu", overlap=0,
                                device="cuda" if device == "cuda" else "cpu")

    def ours():
        if which == "wan":
            from plano.generate.wan_vace import WanVaceGenerator as G
        else:
            from plano.generate.cogvideox import CogVideoXGenerator as G
        import plano.generate.diffusion as diff

        real = diff.prompt_embeds
        diff.prompt_embeds = lambda p, text, n, dev, dt: embeds if text == "benchmark" else negative  # same text
        try:
            return G(pipe, {"model": f"random {which}"}).generate(clip, settings).frames
        finally:
            diff.prompt_embeds = real

    out = {"model": "Wan2.1-VACE-1.3B architecture" if which == "wan" else "CogVideoX-5B architecture",
           "tiny": tiny, "device": device, "dtype": str(dtype).replace("torch.", ""), "size": [w, h],
           "frames": frames, "steps": steps,
           "params_transformer": sum(p.numel() for p in pipe.transformer.parameters())}
    bare()  # warm-up (kernels, allocator)
    for name, fn in (("bare diffusers", bare), ("plano wrapper", ours)):
        reset(device)
        t0 = time.perf_counter()
        fn()
        sync(device)
        dt = time.perf_counter() - t0
        out[name] = {"seconds": round(dt, 3), "s_per_frame": round(dt / frames, 4), "peak_gib": round(peak(device), 2)}
    out["wrapper_overhead"] = round(out["plano wrapper"]["seconds"] / out["bare diffusers"]["seconds"] - 1.0, 4)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="wan,cogvideox")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--tiny", action="store_true", help="tiny configs (a dry run on a CPU)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--out", default=None, help="write the results as JSON here")
    ap.add_argument("--wrapper-only", action="store_true", help="time the wrapper's CPU work for one Wan window")
    args = ap.parse_args()
    if args.wrapper_only:
        print(json.dumps(wrapper_cpu_seconds(), indent=2))
        return
    dtype = torch.bfloat16 if args.device == "cuda" else torch.float32
    results = []
    for which in args.models.split(","):
        r = bench(which.strip(), args.tiny, args.device, args.steps, dtype)
        print(json.dumps(r, indent=2))
        results.append(r)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"gpu": torch.cuda.get_device_name() if args.device == "cuda" else None, "results": results}, f,
                      indent=2)



def wrapper_cpu_seconds(shot_w: int = 1280, shot_h: int = 720, shot_frames: int = 121) -> dict:
    """The wrapper's own work for one Wan window, without a model (``run_window`` hands back its input): a
    24 fps shot at ``shot_w`` x ``shot_h`` carried to 81 frames at 16 fps and 832x480, warped noise, blending,
    back to the shot. ``python benchmarks/generate_gpu.py --wrapper-only``."""
    from plano.generate.base import Clip
    from plano.generate.settings import GenerateSettings
    from plano.generate.video import generate_clip
    from plano.generate.wan_vace import NATIVE

    rng = np.random.default_rng(0)
    f, h, w = shot_frames, shot_h, shot_w
    beauty = (0.18 + 0.05 * rng.random((f, h, w, 3), dtype=np.float32))
    depth = np.full((f, h, w, 1), 40.0, np.float32)
    region = np.zeros((f, h, w, 1), np.float32)
    region[:, h // 4: 3 * h // 4, w // 4: 3 * w // 4] = 1.0
    motion = np.zeros((f, h, w, 2), np.float32)
    motion[..., 0], motion[..., 1] = 1.5, -0.4
    clip = Clip(beauty, np.ones_like(depth), depth, motion, region, 24.0, "benchmark", 0)
    t0 = time.perf_counter()
    got = generate_clip(clip, NATIVE, GenerateSettings(engine="wan_vace", overlap=0),
                        lambda picture, depth_rgb, mask, known, noise, seed: picture)
    return {"shot": [w, h, f], "model_frames": got.facts["model_frames"], "windows": got.facts["windows"],
            "seconds": round(time.perf_counter() - t0, 2)}


if __name__ == "__main__":
    main()
