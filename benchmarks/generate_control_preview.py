"""What a video model is shown for a real shot: plano's control video and mask (VACE's convention), the region
the sim's matte gives, and the flow-warped noise, saved as one PNG to look at. Run by hand on a rendered run
folder (any frames of it):

    PYTHONPATH=src python benchmarks/generate_control_preview.py shots/SEQ010_SH010/v001 docs/generate/control.png
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

from plano.generate import control, windows as win
from plano.generate.noise_warp import warped_noise
from plano.generate.run import hero_ids, region_of
from plano.io.exr import read_passes
from plano.spec.io import load_spec


def scene_of(run: Path):
    from plano.core import run_graph
    from plano.core.store import Store
    from plano.shot import shot_graph

    spec = load_spec(run / "spec.yaml")
    return run_graph(shot_graph(spec, run.name).cut("scene"), Store(run))["scene"].output


def main() -> None:
    run, out = Path(sys.argv[1]), Path(sys.argv[2])
    paths = sorted((run / "passes").glob("*.exr"))
    picks = [paths[0], paths[len(paths) // 2], paths[-1]]
    lut = hero_ids(scene_of(run))
    passes = [read_passes(p) for p in paths]
    fit = win.Fit(passes[0].width, passes[0].height, 832, 480, "crop")
    regions = np.stack([region_of(p, lut, "hero") for p in passes])
    depth = control.depth_control(np.stack([p.depth for p in passes]), regions,
                                  dust=np.stack([p.dust for p in passes]))
    rows = []
    for p in picks:
        i = paths.index(p)
        pic = fit.to_model(control.to_model_rgb(passes[i].beauty))
        region = fit.to_model(regions[i])
        video, mask = control.vace_inputs(pic[None], fit.to_model(depth[i])[None], region[None])
        rows.append(np.concatenate([pic, np.repeat(mask[0], 3, -1), video[0]], axis=1))
    # the warped noise of the first 9 frames (one latent channel, upscaled), along the render's motion
    flows = [fit.motion_to_model(p.motion) for p in passes[:8]]
    noise = warped_noise(flows, 1, (60, 104), seed=0)
    tiles = [cv2.resize(np.clip(n[0] * 0.25 + 0.5, 0, 1), (832, 480), interpolation=cv2.INTER_NEAREST)
             for n in noise[[0, 4, 8]]]
    rows.append(np.concatenate([np.repeat(t[..., None], 3, -1) for t in tiles], axis=1))
    sheet = np.concatenate(rows, axis=0)
    out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out), cv2.cvtColor((cv2.resize(sheet, (sheet.shape[1] // 2, sheet.shape[0] // 2),
                                                   interpolation=cv2.INTER_AREA) * 255).round().astype(np.uint8),
                                       cv2.COLOR_RGB2BGR))
    print(out)


if __name__ == "__main__":
    main()
