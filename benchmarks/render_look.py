"""Render the test building (tests/render_fixtures.py) before and during its collapse and save a viewable PNG:
docs/render_test.png (top: frame 1001, bottom: frame 1018 with falling floors, debris and the dust cloud).

    PYTHONPATH=src python benchmarks/render_look.py [--out docs/render_test.png] [--weather clear|overcast]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from render_fixtures import MemorySimCache, fixture_scene, make_chunks  # noqa: E402

from plano.render.gl_renderer import Renderer  # noqa: E402
from plano.color import to_8bit as to_display  # noqa: E402
from plano.render.quality import render_settings  # noqa: E402
from plano.render.run import _frame_input, _SimFrames  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs" / "render_test.png"))
    ap.add_argument("--weather", default="clear")
    ap.add_argument("--frames", default="1001,1018")
    args = ap.parse_args()
    n = 24
    pos = np.array([[45.0 - 0.3 * k, -62.0 + 0.4 * k, 22.0] for k in range(n)])
    tgt = np.tile([2.0, 4.0, 6.0], (n, 1))
    scene = fixture_scene(frames=n, width=1280, height=720, camera_positions=pos, camera_targets=tgt, storeys=6,
                          weather=args.weather)
    chunks = make_chunks(scene, pieces=4)
    sim = MemorySimCache(scene, chunks, n, grid=(48, 48, 32), cell_m=2.0)
    settings = render_settings("previs", 1280, 720)
    r = Renderer(scene, settings, chunks)
    frames = _SimFrames(sim)
    rows = []
    for f in (int(x) for x in args.frames.split(",")):
        rows.append(to_display(r.render(_frame_input(scene, frames, f))["beauty"]))
    r.release()
    from PIL import Image

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.concatenate(rows, axis=0)).save(args.out)
    print(args.out)


if __name__ == "__main__":
    main()
