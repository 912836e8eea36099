"""The render stage: a scene and its sim cache -> one multi-layer EXR of passes per frame.

``render_shot`` writes ``<out_dir>/<name>.<frame:04d>.exr`` for every frame of the camera rig (from 1001); a frame
whose file is already complete is skipped, so a killed render resumes. ``render_frame`` returns the passes of one
frame as arrays (for tests and previews). The files are ``plano.schema.passes`` layers written by ``plano.io.exr``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from plano.errors import PlanoError
from plano.io.exr import is_complete, verify, write_passes
from plano.render.gl_renderer import FrameInput, Renderer
from plano.render.quality import RenderSettings, render_settings, settings_key
from plano.scene.model import Scene
from plano.schema.naming import frame_file
from plano.schema.passes import Passes

Progress = Callable[[float, str], None]


def _no_progress(fraction: float, message: str = "") -> None:
    pass


def settings_for(spec, scene: Scene, quality: str | RenderSettings) -> RenderSettings:
    """RenderSettings for a quality name, at the camera rig's picture size (the scene solved it from the spec's
    format); the spec says whether the lens is anamorphic (streak flares) and whether there is a plate (the dust
    behind the render's stand-ins)."""
    if isinstance(quality, RenderSettings):
        return quality
    width, height = scene.camera.width, scene.camera.height
    flares, behind = True, True
    if spec is not None:
        flares = bool(spec.camera.anamorphic)
        behind = bool(spec.plate.path)  # only comp over a plate looks behind the stand-ins
    return render_settings(quality, width, height, flares=flares, dust_behind_stand_ins=behind)


class _SimFrames:
    """Reads sim frames, keeping the last few (each frame is needed as 'this' and as 'other')."""

    def __init__(self, sim):
        self.sim = sim
        self.available = set(int(f) for f in sim.frames) if sim is not None else set()
        self.cache: dict[int, object] = {}

    def get(self, frame: int):
        if frame not in self.cache:
            if frame not in self.available:
                lo, hi = (min(self.available), max(self.available)) if self.available else (None, None)
                raise PlanoError(
                    f"the sim cache has no frame {frame} (it holds {lo}..{hi}); the shot and the sim disagree: "
                    "re-run the sim for this spec (`plano sim`)"
                )
            if len(self.cache) >= 3:
                self.cache.pop(min(self.cache))
            self.cache[frame] = self.sim.frame(frame)
        return self.cache[frame]


def _frame_input(scene: Scene, frames: _SimFrames | None, frame: int) -> FrameInput:
    rig = scene.camera
    i = rig.index(frame)
    n = len(rig.frames)
    oi = i + 1 if i + 1 < n else (i - 1 if i > 0 else i)
    t = i / rig.fps
    if frames is None or frames.sim is None:
        return FrameInput(index=i, other_index=oi, time_s=t)
    sf = frames.get(frame)
    other_frame = int(rig.frames[oi])
    if other_frame in frames.available and other_frame != frame:
        of = frames.get(other_frame)
        opos, orot, oscale = of.positions, of.rotations, of.scales
    else:  # extrapolate with the velocities
        dt = (oi - i) / rig.fps if oi != i else 1.0 / rig.fps
        opos, orot, oscale = sf.positions + sf.velocities * dt, sf.rotations, sf.scales
    return FrameInput(index=i, chunk_positions=np.asarray(sf.positions), chunk_rotations=np.asarray(sf.rotations),
                      other_positions=np.asarray(opos), other_rotations=np.asarray(orot), other_index=oi,
                      particles=sf.particles, dust=sf.dust, time_s=t, chunk_scales=sf.scales, other_scales=oscale)


def _check_sim(scene: Scene, sim) -> None:
    if sim is None:
        return
    chunks = sim.chunks
    n_parts = len(scene.parts)
    if chunks.count and (chunks.part_index.min() < 0 or chunks.part_index.max() >= n_parts):
        raise PlanoError(
            f"the sim chunks refer to parts up to index {int(chunks.part_index.max())} but the scene has {n_parts} "
            "parts; the sim cache belongs to another scene: re-run `plano sim`"
        )


def render_frame(scene: Scene, sim, frame: int, quality: str | RenderSettings = "previs", spec=None,
                 renderer: Renderer | None = None) -> dict[str, np.ndarray]:
    """The passes of one frame: (H, W, C) float32 arrays ``beauty`` (3), ``alpha`` (1), ``depth`` (1),
    ``normal`` (3), ``object_id`` (1), ``material_id`` (1), ``motion`` (2), ``dust`` (1).

    ``sim`` None draws the hero building from the scene, unbroken."""
    settings = settings_for(spec, scene, quality)
    _check_sim(scene, sim)
    own = renderer is None
    if own:
        renderer = Renderer(scene, settings, sim.chunks if sim is not None else None)
    try:
        return renderer.render(_frame_input(scene, _SimFrames(sim) if sim is not None else None, frame))
    finally:
        if own:
            renderer.release()


def to_passes(raw: dict[str, np.ndarray], source: str = "") -> Passes:
    """The renderer's arrays (``Renderer.render``: ``normal`` for the normals layer) as ``Passes``."""
    layers = {("normals" if k == "normal" else k): v for k, v in raw.items()}
    return Passes.from_dict(layers, source or "the renderer")


def write_frame(path: str | Path, raw: dict[str, np.ndarray], compression: str = "zips",
                attributes: dict[str, str] | None = None) -> Path:
    """Write the renderer's arrays for one frame to ``path`` as a multi-layer EXR (atomically)."""
    return write_passes(path, to_passes(raw, str(path)), attributes, compression)


def _finished(path: Path, key: str, read_back: bool = True) -> bool:
    """A frame already there from a stopped run counts only when its header says these settings and every pixel
    reads back (a truncated or changed file is rendered again); ``read_back=False``: the header only (frames
    the farm's chunks have just written, each renamed into place whole)."""
    if not is_complete(path, key):
        return False
    if not read_back:
        return True
    try:
        verify(path)
    except PlanoError:
        return False
    return True


def frame_path(out_dir: str | Path, name: str, frame: int) -> Path:
    return Path(out_dir) / frame_file(name, frame)


def render_shot(scene: Scene, sim, spec, out_dir: str | Path, name: str, quality: str | RenderSettings = "previs",
                progress: Progress | None = None, frames: Iterable[int] | None = None,
                read_back: bool = True) -> list[Path]:
    """Render every frame of the shot (or ``frames``) to ``<out_dir>/<name>.<frame:04d>.exr``.

    Frames whose file is already complete are skipped (resume; ``read_back=False`` trusts a complete header
    without reading every pixel). Returns the paths of all requested frames."""
    progress = progress or _no_progress
    settings = settings_for(spec, scene, quality)
    rig = scene.camera
    all_frames = [int(f) for f in rig.frames]
    wanted = all_frames if frames is None else [int(f) for f in frames]
    bad = [f for f in wanted if f not in all_frames]
    if bad:
        raise PlanoError(f"frames {bad[:5]} are outside the shot ({all_frames[0]}..{all_frames[-1]}); "
                         "choose frames inside it, e.g. --frames 1001-1010")
    _check_sim(scene, sim)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [frame_path(out_dir, name, f) for f in wanted]
    key = settings_key(settings)
    todo = [(f, p) for f, p in zip(wanted, paths) if not _finished(p, key, read_back)]
    if not todo:
        progress(1.0, f"{len(paths)} frames already rendered")
        return paths
    skipped = len(paths) - len(todo)
    progress(0.0, f"{skipped} frames already there" if skipped else "uploading the scene")
    renderer = Renderer(scene, settings, sim.chunks if sim is not None else None)
    sim_frames = _SimFrames(sim) if sim is not None else None
    attrs = {"plano/quality": settings.quality, "plano/shot": name, "plano/settings": key}
    t0 = time.perf_counter()
    # the EXR of frame n is compressed and written on a second thread while frame n+1 renders
    pending: Future | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="exr") as pool:
        try:
            for k, (frame, path) in enumerate(todo):
                passes = renderer.render(_frame_input(scene, sim_frames, frame))
                if pending is not None:
                    pending.result()
                pending = pool.submit(write_frame, path, passes, settings.exr_compression, attrs)
                per = (time.perf_counter() - t0) / (k + 1)
                progress((skipped + k + 0.5) / len(paths), f"frame {frame} ({per:.2f} s/frame)")
            if pending is not None:
                pending.result()
            progress(1.0, f"{len(todo)} frames in {time.perf_counter() - t0:.1f} s")
        finally:
            renderer.release()
    return paths
