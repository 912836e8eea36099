"""Benchmark (and look at) the secondary effects on a synthetic 5 s, 24 fps collapse of a 30 x 20 x 40 m building.

    PYTHONPATH=src python benchmarks/sim_effects.py                 # time it at the real grid size
    PYTHONPATH=src python benchmarks/sim_effects.py --pictures out  # also save side views at 1, 2.5 and 4 s

Numba compiles every kernel (or loads its cache) on a tiny warm-up run first; that time is reported on its own.
The effects run on one numba thread (EffectsConfig.threads).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fx_fixtures import box_scene, synthetic_collapse  # noqa: E402

from plano.sim.effects import EffectsConfig, EffectsSim  # noqa: E402
from plano.sim.model import DEBRIS, DUST, GLASS, PAPER, SMOKE  # noqa: E402
from plano.spec.model import ShotSpec  # noqa: E402

KIND_COLOURS = {DUST: (200, 190, 170), DEBRIS: (90, 70, 50), PAPER: (255, 255, 255), GLASS: (120, 200, 255),
                SMOKE: (60, 60, 60)}


def side_view(fx: EffectsSim, dust, particles, t_s: float, path: Path, hero_bounds) -> None:
    """Left: dust + smoke density summed along Y (log scale, 3 decades below the peak); right: particles seen
    from -Y (dust beige, smoke grey, debris brown, glass blue, papers white); the building's outline in red."""
    from PIL import Image, ImageDraw

    g = fx.grid
    col = dust.density.sum(axis=1) * g.cell_m  # (nx, nz) kg/m^2
    peak = max(float(col.max()), 1e-12)
    alpha = (np.log10(np.maximum(col, 1e-30)) - np.log10(peak) + 3.0) / 3.0
    img = (np.clip(alpha.T[::-1], 0, 1) * 255).astype(np.uint8)  # z up
    scale = 4
    left = Image.fromarray(img).resize((img.shape[1] * scale, img.shape[0] * scale), Image.NEAREST).convert("RGB")
    w, h = left.size
    right = Image.new("RGB", (w, h), (20, 24, 32))
    dr = ImageDraw.Draw(right)
    x0, z_top = g.origin[0], g.shape[2] * g.cell_m
    px = lambda x, z: ((x - x0) / (g.shape[0] * g.cell_m) * w, h - z / z_top * h)  # noqa: E731
    b = hero_bounds
    for im in (ImageDraw.Draw(left), dr):
        im.rectangle([*px(b[0, 0], b[1, 2]), *px(b[1, 0], 0.0)], outline=(255, 80, 80))
    p, k = particles.positions, particles.kinds
    step = max(1, particles.count // 60000)
    for kind, colour in KIND_COLOURS.items():
        sel = np.flatnonzero(k == kind)[::step if kind in (DUST, SMOKE) else 1]
        xs, zs = px(p[sel, 0], p[sel, 2])
        for x, z in zip(xs, zs):
            dr.point((float(x), float(z)), fill=colour)
    both = Image.new("RGB", (2 * w + 4, h + 16), (0, 0, 0))
    both.paste(left, (0, 16))
    both.paste(right, (w + 4, 16))
    ImageDraw.Draw(both).text((4, 2), f"t = {t_s:.1f} s   dust, side (log sum over Y)  |  particles "
                                      f"({particles.count} live)", fill=(255, 255, 255))
    path.parent.mkdir(parents=True, exist_ok=True)
    both.save(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cells", type=int, default=EffectsConfig().grid_cells, help="dust grid cells")
    ap.add_argument("--pictures", type=Path, default=None, help="folder for side-view PNGs at 1, 2.5, 4 s")
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    fps = 24.0
    scene = box_scene()
    spec = ShotSpec(effects=("dust", "debris", "smoke", "papers", "glass"))
    frames = synthetic_collapse(scene, duration_s=args.seconds, fps=fps, chunks=2000)
    # numba: compile (empty cache) or load the cache, for every kernel, on a tiny grid
    tc = time.perf_counter()
    warm = EffectsSim(scene, spec, seed=0, fps=fps, config=EffectsConfig(grid_cells=8_000, dust_particles=2_000))
    for i, (ev, cp, cv) in enumerate(synthetic_collapse(scene, duration_s=3.5, fps=fps, chunks=100)):
        warm.step(i, i / fps, ev, cp, cv)
    compile_s = time.perf_counter() - tc
    t0 = time.perf_counter()
    fx = EffectsSim(scene, spec, seed=0, fps=fps, config=EffectsConfig(grid_cells=args.cells))
    times, counts = [], []
    shots = {round(t * fps): t for t in (1.0, 2.5, 4.0, 4.9)}
    for i, (ev, cp, cv) in enumerate(frames):
        t1 = time.perf_counter()
        particles, dust = fx.step(i, i / fps, ev, cp, cv)
        times.append(time.perf_counter() - t1)
        counts.append(particles.count)
        if args.pictures is not None and i in shots:
            side_view(fx, dust, particles, i / fps, args.pictures / f"sim_dust_side_{shots[i]:.1f}s.png",
                      scene.hero_bounds)
    total = time.perf_counter() - t0
    first = times[0]
    steady = np.array(times[1:])
    kinds = particles.kinds
    print(f"grid {fx.grid.shape} = {np.prod(fx.grid.shape):,} cells of {fx.grid.cell_m:.2f} m")
    print(f"numba compile or cache load (all kernels, tiny grid): {compile_s:.1f} s")
    print(f"frames {len(frames)}, total {total:.1f} s (first frame {first:.2f} s)")
    print(f"per frame after the first: mean {steady.mean() * 1e3:.0f} ms, max {steady.max() * 1e3:.0f} ms, "
          f"sum {steady.sum():.1f} s")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"dust particles emitted {fx.dust_emitted:,}; live at the end {particles.count:,} "
          f"(dust {np.sum(kinds == DUST):,}, debris {np.sum(kinds == DEBRIS):,}, papers {np.sum(kinds == PAPER):,}, "
          f"glass {np.sum(kinds == GLASS):,}, smoke {np.sum(kinds == SMOKE):,})")


if __name__ == "__main__":
    main()
