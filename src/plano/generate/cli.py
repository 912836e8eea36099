"""``plano generate`` (AI refinement of a shot's render, guided by its simulation) and ``plano models`` (the
generate engines: what is installed, its licence, what it does, what it needs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from plano.cli import common
from plano.console import console, esc
from plano.errors import PlanoError

ENGINE = typer.Option(None, "--generate", "--engine", help="What refines the render: none (the render itself, "
                      "the default), wan_vace, cogvideox (video models on an NVIDIA GPU, weights on disk) or "
                      "realesrgan (upscales to the delivery size, runs on the CPU). `plano models` lists them.")
MODEL = typer.Option(None, "--model", help="The model's weights: a folder (a diffusers pipeline with "
                     "model_index.json) or a Hugging Face repo id already in your cache; for realesrgan: "
                     "realesrgan-x4plus (default) or realesr-animevideov3.")
STRENGTH = typer.Option(None, "--strength", help="How much of the generated picture replaces the render where it "
                        "generates: 0 (none) to 1 (all; the default).")
ALLOW_DOWNLOAD = typer.Option(False, "--allow-download", help="Let the model be downloaded from the Hugging Face "
                              "hub when it is not on disk (never done otherwise).")
ALLOW_CPU = typer.Option(False, "--allow-cpu", help="Run a video model on the CPU anyway (hours per window at full "
                         "size; for small test models).")
SCALE = typer.Option(None, "--scale", help="realesrgan: upscale by 2 or 4 (default: what reaches the spec's "
                     "delivery width).")


def settings_from(engine: Optional[str], model: Optional[str], strength: Optional[float] = None,
                  allow_download: bool = False, allow_cpu: bool = False, scale: Optional[int] = None, **more):
    """GenerateSettings from command-line options; ``None`` when no engine was asked for (the version's saved
    settings, or none, are used)."""
    from pydantic import ValidationError

    from plano.generate.engines import TABLE
    from plano.generate.settings import GenerateSettings

    if engine is None:
        if model or strength is not None or scale is not None or any(v not in (None, False) for v in more.values()):
            raise PlanoError("--model, --strength and the other generate options need --generate ENGINE "
                             f"({', '.join(TABLE.names)})")
        return None
    TABLE.get(engine)
    data = {"engine": engine, "model": model, "allow_download": allow_download, "allow_cpu": allow_cpu}
    if strength is not None:
        data["strength"] = strength
    if scale is not None:
        data["scale"] = scale
    data.update({k: v for k, v in more.items() if v is not None})
    if engine == "realesrgan":
        from plano.generate.realesrgan import model_name

        model_name(GenerateSettings(engine=engine, model=model))
    try:
        return GenerateSettings(**data)
    except ValidationError as err:
        e = err.errors()[0]
        raise PlanoError(f"--{str(e['loc'][0]).replace('_', '-')} {e.get('input')!r}: {e['msg']}") from None


def announce_cost(settings, spec, quality: str, confirm: bool) -> None:
    """Say how long super-resolution will take on this CPU; refuse one over 12 hours unless ``confirm``."""
    if settings is None or settings.engine != "realesrgan":
        return
    from plano.generate.diffusion import format_seconds
    from plano.generate.realesrgan import LONG_S, estimate_seconds, model_name

    w = spec.format.width if quality == "final" else round(720 * spec.format.aspect)
    h = spec.format.height if quality == "final" else 720
    est = estimate_seconds(model_name(settings), w, h, spec.format.frame_count)
    line = (f"realesrgan ({model_name(settings)}): about {format_seconds(est)} on a 2-core CPU for "
            f"{spec.format.frame_count} frames of {w}x{h}")
    if est > LONG_S and not confirm:
        raise PlanoError(f"{line}; add --confirm-cost to run it anyway, or --model realesr-animevideov3 (about "
                         f"{format_seconds(estimate_seconds('realesr-animevideov3', w, h, spec.format.frame_count))})")
    console.print(line)


def generate(
    text: Optional[str] = common.TEXT,
    spec: Optional[Path] = common.SPEC,
    engine: str = typer.Option("none", "--generate", "--engine", help=ENGINE.help),
    model: Optional[str] = MODEL,
    strength: Optional[float] = STRENGTH,
    region: Optional[str] = typer.Option(None, "--region", help="What is regenerated: hero (the collapsing "
                                         "building, its debris and dust, from the sim's matte; default) or frame."),
    steps: Optional[int] = typer.Option(None, "--steps", help="Denoising steps (default 30)."),
    dtype: Optional[str] = typer.Option(None, "--dtype", help="auto (bf16 on a GPU), bf16, fp16 or fp32."),
    offload: Optional[str] = typer.Option(None, "--offload", help="Save GPU memory: none, model (model CPU "
                                          "offload) or group (group offload, streamed)."),
    vae_tiling: bool = typer.Option(False, "--vae-tiling", help="Decode in tiles to save memory (refused for Wan: "
                                    "its tiles flicker)."),
    compile_: bool = typer.Option(False, "--compile", help="torch.compile the transformer (GPU; pays off on long "
                                  "shots)."),
    allow_download: bool = ALLOW_DOWNLOAD,
    allow_cpu: bool = ALLOW_CPU,
    scale: Optional[int] = SCALE,
    quality: str = common.QUALITY,
    seed: Optional[int] = common.SEED,
    shot: Optional[str] = common.SHOT,
    shots_dir: Path = common.SHOTS_DIR,
    version: Optional[int] = common.VERSION,
    force: list[str] = common.FORCE,
    wait: float = common.WAIT,
    confirm_cost: bool = common.CONFIRM_COST,
) -> None:
    """Refine a shot's render with a generative model, guided by its simulation, into generate/ in its run folder.

    The simulation keeps the timing, the camera and the mattes; the model adds detail. Video models (wan_vace,
    cogvideox) regenerate the collapsing building, its debris and dust (or the whole frame), shown plano's exact
    depth and started from noise that moves with the render's motion vectors; realesrgan upscales every frame to
    the delivery size. The settings are kept in the version's generate.yaml, so `plano comp` and `plano shot`
    afterwards use what was generated. Everything that used a trained model is labelled as such in the report,
    provenance.json and the movies' C2PA credentials.
    """
    settings = settings_from(engine, model, strength, allow_download, allow_cpu, scale, region=region, steps=steps,
                             dtype=dtype, offload=offload, vae_tiling=vae_tiling or None, compile=compile_ or None)
    shot_spec = common.resolve_spec(text, spec, shot, seed)
    announce_cost(settings, shot_spec, quality, confirm_cost)
    result = common.run_stage("generate", None, spec, spec=shot_spec, shots_dir=shots_dir, version=version,
                              force=force, quality=quality, wait_s=wait, confirm_cost=confirm_cost, generate=settings)
    out = result.results["generate"].output
    info = out.info
    if info.get("ai_used"):
        console.print(f"generated with {esc(info['engine'])}: {info.get('generated_fraction', 0):.1%} of the pixels; "
                      f"{len(out.passes)} frames in {esc(result.run.path('generate'))}")
    else:
        console.print("engine none: comp uses the render itself (no AI)")


def models(as_json: bool = typer.Option(False, "--json", help="As JSON.")) -> None:
    """List the generate engines and models: what each does, its licence, what it needs, and whether it can run
    on this machine (and why not, with how to install it)."""
    from rich.table import Table

    from plano.generate.engines import TABLE

    rows = TABLE.listing()
    if as_json:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    table = Table(title="generate engines (`plano generate --generate ENGINE`)")
    for col in ("engine", "does", "licence", "needs", "here"):
        table.add_column(col, overflow="fold")
    for r in rows:
        here = "[green]yes[/]" if r["available"] else f"[yellow]no[/]: {esc(r['why_not'])}" + (
            f"; install: {esc(r['install'])}" if r["install"] and "not installed" in (r["why_not"] or "") else "")
        table.add_row(r["name"], esc(r["does"]), esc(r["licence"]), esc(r["needs"]), here)
    console.print(table)
    console.print("Weights are read from disk only (--model FOLDER or your Hugging Face cache); nothing is "
                  "downloaded unless you add --allow-download.")


def register(app: typer.Typer) -> None:
    app.command("generate")(generate)
    app.command("models")(models)
