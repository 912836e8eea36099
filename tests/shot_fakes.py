"""Small fake stage functions for the shot orchestration tests: real files on disk, counted calls, and a
render that can be told to die midway. The deliver stage is the real one."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from deliver_synthetic import synthetic_channels

from plano.core import atomic_write_text
from plano.deliver.exr import write_channels
from plano.deliver.run import deliver_shot
from plano.shot import Engines


class Killed(RuntimeError):
    """Stands in for a kill -9 in the middle of a stage."""


@dataclass(frozen=True)
class FakeSim:
    frames: list[int]


class FakeStages:
    def __init__(self, width: int = 48, height: int = 27):
        self.calls: Counter[str] = Counter()
        self.rendered: list[int] = []
        self.die_after_frames: int | None = None
        self.width, self.height = width, height

    def build_scene(self, spec):
        self.calls["build_scene"] += 1
        return {"storeys": 12, "focal_length_mm": spec.camera.focal_length_mm}

    def save_scene(self, scene, path):
        Path(path).mkdir(parents=True, exist_ok=True)
        atomic_write_text(Path(path) / "scene.json", json.dumps(scene))

    def load_scene(self, path):
        self.calls["load_scene"] += 1
        return json.loads((Path(path) / "scene.json").read_text())

    def write_usd(self, scene, path):
        atomic_write_text(path, "#usda 1.0\n")

    def run_sim(self, scene, spec, out_dir, progress):
        self.calls["run_sim"] += 1
        out_dir = Path(out_dir) / "sim"  # like plano.sim.run: the cache goes to <out_dir>/sim
        out_dir.mkdir(parents=True, exist_ok=True)
        frames = list(spec.format.frames)
        for i, f in enumerate(frames):
            atomic_write_text(out_dir / f"frame.{f}.json", "{}")
            progress((i + 1) / len(frames), f"frame {f}")
        atomic_write_text(out_dir / "info.json", json.dumps({"frames": frames, "engine": "fake"}))
        return FakeSim(frames)

    def open_sim(self, out_dir):
        return FakeSim(json.loads((Path(out_dir) / "sim" / "info.json").read_text())["frames"])

    def render_shot(self, scene, sim, spec, out_dir, name, quality, progress):
        self.calls["render_shot"] += 1
        paths = []
        for i, f in enumerate(sim.frames):
            path = Path(out_dir) / f"{name}.{f:04d}.exr"
            if not path.exists():  # resume: frames already written are kept
                if self.die_after_frames is not None and len(self.rendered) >= self.die_after_frames:
                    raise Killed(f"killed while rendering frame {f}")
                write_channels(path, synthetic_channels(i, len(sim.frames), self.width, self.height))
                self.rendered.append(f)
            paths.append(path)
            progress((i + 1) / len(sim.frames), f"frame {f}")
        return paths

    def deliver_shot(self, *args, **kwargs):
        self.calls["deliver_shot"] += 1
        return deliver_shot(*args, **kwargs)

    def engines(self) -> Engines:
        return Engines(
            build_scene=self.build_scene, save_scene=self.save_scene, load_scene=self.load_scene,
            write_usd=self.write_usd, run_sim=self.run_sim, open_sim=self.open_sim,
            render_shot=self.render_shot, deliver_shot=self.deliver_shot,
        )
