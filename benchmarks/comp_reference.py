"""Benchmark and look: the reference prompt composited over a synthetic hand-held street plate, at previs.

Makes the plate (``plano.comp.testplate``: 120 frames, 1280x720, ProRes 422 HQ in ARRI LogC3, film grain, a slow
hand-held drift), states the plate camera (the spec's 35 mm anamorphic, 1.7 m high, tilted up 3.1 degrees so the
plate's horizon sits at 60% of the frame height, the building's foot in the plate's empty lot), runs the whole
chain with ``--plate`` and ``--track``, then composites the same passes again without the plate (over the
render's own street and sky, graded). Records each stage's seconds, comp / render, and writes stills to look at.

    PYTHONPATH=src python benchmarks/comp_reference.py [--keep DIR] [--no-results]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from plano.deliver.machine import cpu_model

REFERENCE_PROMPT = (
    "cinematic ultra-wide shot of a 1960s brutalist government building in Buenos Aires, the entire structure "
    "begins to collapse into a cloud of dust and debris, realistic physics, smoke plumes billow into the sky, "
    "papers fly from the windows, hyperrealistic, 8K, shot on Arri Alexa with an anamorphic lens, dramatic, "
    "gritty afternoon lighting, style of a Denis Villeneuve film --ar 16:9 --style raw"
)
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- comp_reference:begin -->", "<!-- comp_reference:end -->"
STILLS = (1001, 1030, 1060, 1090, 1120)


def make_plate(path: Path) -> Path:
    from plano.comp.testplate import iter_plate_frames, write_plate

    if not path.exists():
        write_plate(iter_plate_frames(120, 1280, 720, grain_log_sigma=0.008, drift_px=(0.35, -0.12), seed=4), path,
                    "ARRI LogC3")
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, default=None, help="shots folder to use and keep")
    ap.add_argument("--no-results", action="store_true", help="do not write benchmarks/RESULTS.md")
    args = ap.parse_args()
    from plano.color import save_png
    from plano.comp.look import apply_cdl
    from plano.comp.run import comp_shot
    from plano.io.exr import read_channels
    from plano.shot import run_shot
    from plano.spec.model import Plate, PlateCamera
    from plano.spec.parse import parse_prompt

    shots = args.keep or Path(tempfile.mkdtemp(prefix="plano-comp-bench-"))
    plate = make_plate(shots / "plate" / "street_plate.mov")
    spec = parse_prompt(REFERENCE_PROMPT, shot="SEQ010_SH010", seed=0)
    w, h = spec.format.width, spec.format.height
    cam = PlateCamera(focal_length_mm=spec.camera.focal_length_mm, height_m=1.7, tilt_deg=3.14,
                      building_px=(0.5 * w, 0.615 * h))
    spec = spec.model_copy(update={"plate": Plate(path=str(plate), colorspace="ARRI LogC3", track=True, camera=cam)})
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    result = run_shot(spec, shots / "shots", quality="previs")
    wall = time.perf_counter() - t0
    stages = {k: round(r.seconds, 1) for k, r in result.results.items()}
    run = result.run.root
    comp_out = result.results["comp"].output

    # the same passes over the render's own street and sky (graded), timed alone
    bare = spec.model_copy(update={"plate": Plate()})
    t1 = time.perf_counter()
    own = comp_shot(result.results["render"].output, result.results["scene"].output, result.results["sim"].output,
                    bare, run / "comp_own_street", result.run.name)
    own_s = time.perf_counter() - t1

    stills = run / "stills"
    stills.mkdir(exist_ok=True)
    for f in STILLS:
        i = f - spec.format.frame_start
        ch = read_channels(comp_out.frames[i])
        rgb = np.stack([ch[c] for c in "RGB"], -1)
        save_png(apply_cdl(rgb, comp_out.cdl), stills / f"over_plate_graded.{f}.png")
        save_png(rgb, stills / f"over_plate_ungraded.{f}.png")
        save_png(np.stack([ch[f"plate.{c}"] for c in "RGB"], -1), stills / f"plate.{f}.png")
        och = read_channels(own.frames[i])
        save_png(np.stack([och[c] for c in "RGB"], -1), stills / f"own_street_graded.{f}.png")
    ratio = stages["comp"] / max(stages["render"], 1e-9)
    facts = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": cpu_model(),
        "cores": os.cpu_count(), "platform": platform.platform(), "load_at_start": round(load, 2),
        "stages_s": stages, "wall_s": round(wall, 1), "comp_over_plate_s": stages["comp"],
        "comp_own_street_s": round(own_s, 1), "comp_over_render": round(ratio, 3),
        "comp_own_street_over_render": round(own_s / max(stages["render"], 1e-9), 3),
        "comp_info": {k: v for k, v in comp_out.info.items() if k not in ("shake",)},
        "shake": {k: v for k, v in comp_out.info.get("shake", {}).items() if k != "offsets_px"},
        "run": str(run), "stills": str(stills),
    }
    print(json.dumps(facts, indent=2, default=str))
    if not args.no_results:
        write_results(facts)


def write_results(f: dict) -> None:
    rows = "\n".join(f"| {k} | {v} |" for k, v in f["stages_s"].items())
    cm = f["comp_info"].get("color_match", {})
    tr = f["comp_info"].get("track", {})
    section = f"""{BEGIN}
## Comp over a plate: the reference prompt at previs (`benchmarks/comp_reference.py`)

{f['date']}, {f['machine']}, {f['cores']} cores, {f['platform']}; load average {f['load_at_start']} at the start
(the machine is shared: other runs were going on). The plate: `plano.comp.testplate`, 120 frames 1280x720 ProRes
422 HQ in ARRI LogC3 with film grain and a hand-held drift; `--plate-colorspace "ARRI LogC3" --track`, the plate
camera stated (35 mm anamorphic, 1.7 m, tilt 3.14 deg, the building's foot at 50% / 61.5% of the frame).

| stage | seconds |
|---|---|
{rows}
| **wall** | **{f['wall_s']}** |

- comp over the plate: **{f['comp_over_plate_s']} s = {100 * f['comp_over_render']:.1f}% of the render** (target: under 20%)
- comp of the same passes over the render's own street and sky (graded): {f['comp_own_street_s']} s =
  {100 * f['comp_own_street_over_render']:.1f}% of the render
- comp engine: {f['comp_info'].get('engine')}; its own split: {f['comp_info'].get('seconds')}
- plate grain measured (ACEScct sigma): {f['comp_info'].get('plate_grain_log_sigma')}, CG before grain:
  {f['comp_info'].get('cg_grain_log_sigma')}, added: {f['comp_info'].get('grain_added_log_sigma')}
- colour match (frame {cm.get('frame')}): gain {cm.get('gain')}, blacks {cm.get('cg_black')} -> {cm.get('black')}
- track: {tr}
- shake: {f['shake']}
{END}"""
    text = RESULTS.read_text() if RESULTS.exists() else ""
    if BEGIN in text:
        a, b = text.index(BEGIN), text.index(END) + len(END)
        text = text[:a] + section + text[b:]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
