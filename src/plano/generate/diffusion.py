"""What the diffusers engines share: finding the weights on disk (never downloaded unless asked), checking they
are the pipeline's, the device and dtype, the memory options, the prompt without a tokenizer, and a fingerprint
of the weights for provenance.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from plano.errors import MissingEngine, PlanoError
from plano.generate.settings import GenerateSettings

CPU_FLOPS = 1.0e11
"""Dense float32 FLOP/s a 2-core desktop CPU sustains in torch, for the CPU time estimate (order of magnitude)."""
HASH_LIMIT_BYTES = 2 << 30
"""Weights up to this size are hashed byte for byte; larger ones by their safetensors header and size."""


def torch_module():
    try:
        import torch
    except ImportError as err:
        raise MissingEngine("torch", str(err), "pip install 'plano[generate]'") from None
    return torch


def diffusers_module():
    try:
        import diffusers
    except ImportError as err:
        raise MissingEngine("diffusers", str(err), "pip install 'plano[generate]'") from None
    return diffusers


def resolve_model(settings: GenerateSettings, default_repo: str) -> Path:
    """The folder holding the weights: ``settings.model`` as a folder, or a repo id (``default_repo`` when none is
    given) already in the Hugging Face cache; downloaded only with ``allow_download``."""
    name = settings.model or default_repo
    p = Path(name).expanduser()
    if p.exists():
        if not p.is_dir():
            raise PlanoError(f"--model {name!r} is a file; give the folder that holds model_index.json "
                             "(a diffusers pipeline saved with save_pretrained, or a Hugging Face snapshot)")
        if not (p / "model_index.json").is_file():
            raise PlanoError(f"--model {name!r} has no model_index.json: it is not a diffusers pipeline folder")
        return p
    if "/" not in name or name.startswith((".", "/", "~")):
        raise PlanoError(f"--model {name!r} is neither a folder nor a Hugging Face repo id (owner/name)")
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, revision=settings.revision, local_files_only=not settings.allow_download))
    except Exception as err:  # noqa: BLE001 - not in the cache, or the hub refused: one message
        how = ("it is not in your Hugging Face cache; download it yourself (huggingface-cli download "
               f"{name}) or add --allow-download") if not settings.allow_download else f"the download failed ({err})"
        raise PlanoError(f"model {name!r}: {how}") from None


def check_pipeline(folder: Path, expected: tuple[str, ...]) -> dict[str, Any]:
    """model_index.json of ``folder`` when its pipeline class is one of ``expected``; else a PlanoError."""
    try:
        index = json.loads((folder / "model_index.json").read_text())
    except (OSError, ValueError) as err:
        raise PlanoError(f"{folder / 'model_index.json'} cannot be read as JSON ({err})") from None
    got = index.get("_class_name") if isinstance(index, dict) else None
    if got not in expected:
        raise PlanoError(f"the weights in {folder} are for {got!r}, not for {' or '.join(expected)}: the weights do "
                         "not match the pipeline; pick the engine that fits them (`plano models`)")
    return index


def pick_device(settings: GenerateSettings, cpu_estimate_s: float | None = None) -> str:
    """``cuda`` or ``cpu``; a clear error when a GPU is needed and absent (with the estimated CPU time)."""
    torch = torch_module()
    has_cuda = bool(torch.cuda.is_available())
    if settings.device == "cuda" and not has_cuda:
        raise PlanoError("--device cuda was asked for, but torch sees no CUDA GPU here")
    if settings.device == "cpu" or not has_cuda:
        if not settings.allow_cpu:
            est = f" (about {format_seconds(cpu_estimate_s)} on this CPU)" if cpu_estimate_s else ""
            raise PlanoError(f"engine {settings.engine!r} needs an NVIDIA GPU and none is here{est}; run it on a "
                             "machine with a GPU, or add --allow-cpu to run it here anyway")
        return "cpu"
    return "cuda"


def pick_dtype(settings: GenerateSettings, device: str):
    torch = torch_module()
    name = settings.dtype
    if name == "auto":
        name = "bf16" if device == "cuda" else "fp32"
    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[name]


def load_pipeline(cls, folder: Path, dtype, expected: tuple[str, ...]):
    """``cls.from_pretrained(folder)`` from disk only; wrong or broken weights are one PlanoError."""
    check_pipeline(folder, expected)
    try:
        return cls.from_pretrained(str(folder), torch_dtype=dtype, local_files_only=True)
    except (OSError, ValueError, KeyError, RuntimeError, TypeError) as err:
        raise PlanoError(f"the weights in {folder} do not load into {cls.__name__}: {str(err)[:400]}") from None


def apply_memory_options(pipe, settings: GenerateSettings, device: str, vae_tiling_ok: bool = True) -> list[str]:
    """bf16/fp16 is the dtype; here: model CPU offload, group offload, VAE tiling, torch.compile. Returns what
    was done, for the record."""
    torch = torch_module()
    done = []
    if settings.vae_tiling:
        if not vae_tiling_ok:
            raise PlanoError(f"VAE tiling flickers with {settings.engine}'s VAE (its tiles decode differently from "
                             "frame to frame); leave it off, and use --offload group to save memory instead")
        pipe.vae.enable_tiling()
        done.append("vae tiling")
    if settings.offload != "none" and device != "cuda":
        raise PlanoError(f"--offload {settings.offload} moves weights between the CPU and a GPU; there is no GPU here")
    if settings.offload == "model":
        pipe.enable_model_cpu_offload()
        done.append("model cpu offload")
    elif settings.offload == "group":
        pipe.transformer.enable_group_offload(onload_device=torch.device("cuda"), offload_device=torch.device("cpu"),
                                              offload_type="leaf_level", use_stream=True)
        for name in ("text_encoder", "vae"):
            getattr(pipe, name).to("cuda")
        done.append("group offload (transformer, leaf level, streamed)")
    else:
        pipe.to(device)
    if settings.compile:
        if device != "cuda":
            raise PlanoError("--compile helps on a GPU only; leave it off on the CPU")
        pipe.transformer.compile(mode="max-autotune-no-cudagraphs", dynamic=False)
        done.append("torch.compile (transformer)")
    return done


def prompt_embeds(pipe, text: str, max_length: int, device: str, dtype):
    """The prompt as embeddings from the pipeline's own text encoder. With a tokenizer it is the pipeline's own
    encoding; without one (a test model built from a config), the text's UTF-8 bytes are the token ids."""
    torch = torch_module()
    if getattr(pipe, "tokenizer", None) is not None:
        return None
    vocab = int(pipe.text_encoder.config.vocab_size)
    ids = list(text.encode("utf-8"))[: max_length - 1] + [1]
    ids = [i % vocab for i in ids] + [0] * (max_length - len(ids))
    tokens = torch.tensor([ids], device=device)
    mask = (tokens != 0).long()
    with torch.no_grad():
        out = pipe.text_encoder(tokens, attention_mask=mask).last_hidden_state
    return (out * mask[..., None]).to(dtype)


def weights_fingerprint(folder: Path) -> dict[str, Any]:
    """What identifies the weights: the Hugging Face revision (when the folder is a cache snapshot) and a SHA-256
    over every config and weight file (byte for byte up to 2 GiB in all; larger: each safetensors header and size)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    total = sum(p.stat().st_size for p in files)
    h = hashlib.sha256()
    full = total <= HASH_LIMIT_BYTES
    for p in files:
        h.update(p.relative_to(folder).as_posix().encode())
        with open(p, "rb") as f:
            if full or not p.suffix == ".safetensors":
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
            else:
                n = int.from_bytes(f.read(8), "little")
                h.update(f.read(min(n, 100 << 20)))
                h.update(str(p.stat().st_size).encode())
    revision = folder.name if folder.parent.name == "snapshots" else None
    return {"path": str(folder), "revision": revision, "sha256": h.hexdigest(), "bytes": total,
            "hashed": "every byte" if full else "safetensors headers and sizes (weights over 2 GiB)"}


def format_seconds(s: float) -> str:
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.0f} h"


def transformer_cpu_estimate(params: float, tokens: int, layers: int, dim: int, steps: int, cfg: bool = True) -> float:
    """Seconds a diffusion transformer of ``params`` weights needs for ``steps`` steps over ``tokens`` tokens on the
    CPU: 2 FLOPs per weight per token plus attention (4 T^2 d per layer), twice with classifier-free guidance."""
    per = 2.0 * params * tokens + 4.0 * tokens * tokens * dim * layers
    return per * steps * (2 if cfg else 1) / CPU_FLOPS


def pipeline_fingerprint(pipe, name: str | None) -> dict[str, Any]:
    """For a pipeline built in memory (tests, benchmarks): its name and a SHA-256 over every weight of its models."""
    torch = torch_module()
    h = hashlib.sha256()
    for comp_name, comp in sorted(pipe.components.items()):
        if isinstance(comp, torch.nn.Module):
            for key, t in sorted(comp.state_dict().items()):
                h.update(f"{comp_name}.{key}".encode())
                h.update(t.detach().to("cpu", torch.float32).contiguous().numpy().tobytes())
    return {"model": name or type(pipe).__name__, "revision": None, "sha256": h.hexdigest(),
            "hashed": "every weight of the pipeline built in memory"}
