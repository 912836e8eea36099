"""The sim stage: fracture, glue, the rigid-body collapse and its effects, written to the cache frame by frame."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from plano.errors import PlanoError
from plano.scene.model import Scene, SceneSet
from plano.sim.cache import SimCache, SimCacheWriter, empty_particles
from plano.sim.crush import DUST_SHARE, build_crushing
from plano.sim.engines import get_engine
from plano.sim.events import Events
from plano.sim.fracture import fracture_scene
from plano.sim.glue import build_glue
from plano.sim.measure import measure_collapse
from plano.sim.model import Particles, SimFrame, SimInfo
from plano.sim.scenarios import FALL_DIRECTIONS, fall_vector, plan_scenario, start_floor
from plano.sim.solver import RigidSim
from plano.spec.model import ShotSpec

SUBSTEPS = 4
"""Engine steps per frame (4 at 24 fps: a 1/96 s step)."""
TARGET_CHUNKS = 3500
KEPT_STRENGTH = 100.0
"""Bond strength factor of what the spec leaves standing (a stair core built to survive)."""
ENGINE = "rapier"


def _effects_factory(spec: ShotSpec):
    if not spec.effects:
        return None
    try:
        from plano.sim.effects import EffectsSim
    except ImportError as err:
        raise PlanoError(
            f"the spec asks for effects {list(spec.effects)} but plano.sim.effects cannot be imported ({err}); "
            "install plano with its sim extra (pip install 'plano[sim]'), or set `effects: []` in the spec"
        ) from None
    return EffectsSim


def run_sim(
    scene: SceneSet | Scene,
    spec: ShotSpec,
    out_dir: str | Path,
    progress: Callable[[float, str], None] = lambda f, m: None,
    *,
    effects="spec",
    engine: str = ENGINE,
    target_chunks: int = TARGET_CHUNKS,
    crush: bool = True,
    fx_config=None,
) -> SimCache:
    """Simulate ``spec.action`` on ``scene`` and write the cache to ``<out_dir>/sim``; returns its reader.

    ``effects``: ``"spec"`` (the effects the spec asks for, from plano.sim.effects, required when asked for),
    ``None`` (rigid bodies only: for tests), or a class with the EffectsSim interface. ``crush``: members
    crush under what falls on them (``plano.sim.crush``); False: bonds only (the old model, for comparison). ``scene`` is a set
    (``plano.scene.build.build_set``); given a scene with a camera, only its set is simulated: the sim
    collides with nothing the camera brings. It always simulates: whether to reuse a cache is the shot
    graph's decision. ``fx_config``: the effects' settings (an EffectsConfig; ``None``: its defaults). A killed
    run re-simulates from the start (the engine's state between frames is not
    kept on disk) and rewrites the same bytes, since the sim is deterministic.
    """
    out_dir = Path(out_dir)
    scene = scene.as_set()
    fx_cls = _effects_factory(spec) if effects == "spec" else effects
    t_start = time.perf_counter()
    fps = spec.format.fps
    seed = int(np.random.SeedSequence([spec.seed, 0x5117]).generate_state(1)[0])
    progress(0.0, "fracture")
    scen = plan_scenario(scene, spec)
    fr = fracture_scene(scene, seed, scen.focus, scen.focus_radius_m, target_chunks)
    t_fracture = time.perf_counter() - t_start
    progress(0.02, f"glue {fr.chunks.count} chunks")
    glue = build_glue(fr, scene)
    if scen.keep_parts:  # what the spec leaves standing holds together whatever hits it
        kept = np.isin(fr.chunks.part_index, scen.keep_parts)
        glue.capacity_n[kept[glue.pairs[:, 0]] & kept[glue.pairs[:, 1]]] *= KEPT_STRENGTH
    glass_ids = {m.id for m in scene.materials.values() if m.transmission > 0.5}
    eng = get_engine(engine, 1.0 / (fps * SUBSTEPS))
    crushing = build_crushing(scene, fr, glue, scen.energy_share, scen.keep_parts)
    sim = RigidSim(scene, fr, glue, eng, fps, SUBSTEPS, glass_ids, seed, seam_loads=scen.seam_loads,
                   hinge=(scen.hinge_until_s, scen.hinge_deg), crushing=crushing if crush else None)
    fx = None
    if fx_cls is not None:
        fx = fx_cls(scene, spec, seed, fps) if fx_config is None else fx_cls(scene, spec, seed, fps, config=fx_config)
    writer = SimCacheWriter(out_dir)
    writer.write_chunks(fr.chunks)
    charges = sorted(scen.charges, key=lambda c: c.time_s)
    frames = list(spec.format.frames)
    broken, particles = [], []
    t_rigid = t_fx = 0.0
    # the effects of frame i run on their own thread while the rigid bodies solve frame i + 1 (rapier and the
    # effects' numba kernels release the GIL); frames are compressed and written on a third (zlib frees the GIL)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="plano-fx") as fx_pool, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="plano-sim-write") as pool:
        pending, before = [], None
        for i, frame in enumerate(frames):
            rigid, dt = _rigid_frame(i, frame, fps, charges, sim, glue)
            t_rigid += dt
            fx_job = fx_pool.submit(_fx_frame, fx, i, rigid)
            if before is not None:
                t_fx += _write_frame(*before, writer, pool, pending, broken, particles)
            before = (rigid, fx_job)
            charges = [c for c in charges if c.time_s >= i / fps - 1e-9]
            progress(0.03 + 0.97 * (i + 1) / len(frames), f"frame {frame}  bonds broken {glue.broken}")
        if before is not None:
            t_fx += _write_frame(*before, writer, pool, pending, broken, particles)
        for fut in pending:
            fut.result()
    seconds = time.perf_counter() - t_start
    info = SimInfo(fps=fps, frame_start=frames[0], frame_count=len(frames), engine=engine, seed=seed,
                   bonds_total=glue.count, seconds=seconds)
    crushed = np.flatnonzero(crushing.crushed)
    crushed_kg = float(fr.chunks.mass_kg[crushed].sum())
    extra = dict(
        scenario=scen.kind, chunks=fr.chunks.count, bonds_broken=broken, particles=particles,
        crushed_chunks=crushed.tolist(), crushed_kg=crushed_kg, crush_dust_kg=DUST_SHARE * crushed_kg,
        timings_s=dict(fracture=t_fracture, rigid=t_rigid, effects=t_fx, total=seconds),
        effects=[] if fx is None else list(spec.effects),
    )
    writer.write_info(info, extra)
    progress(1.0, "measuring the collapse")
    extra["collapse"] = collapse_record(SimCache(out_dir), scene, spec, scen)
    writer.write_info(info, extra)
    return SimCache(out_dir)


def collapse_record(cache: SimCache, scene: SceneSet, spec: ShotSpec, scen) -> dict:
    """What the spec asked of the collapse and what the sim made of it, for the report."""
    m = measure_collapse(cache)
    first, last = cache.frame(cache.frames[0], effects=False), cache.frame(cache.frames[-1], effects=False)
    mass = cache.chunks.mass_kg
    shift = (mass[:, None] * (last.positions - first.positions)).sum(0)[:2] / mass.sum()
    still = np.linalg.norm(last.positions - first.positions, axis=1) < 0.5

    def share_still(sel: np.ndarray) -> float | None:
        return float(mass[sel & still].sum()) / float(mass[sel].sum()) if sel.any() else None

    kept_up = share_still(np.isin(cache.chunks.part_index, scen.keep_parts))
    a = spec.action
    below = None
    if scen.kind == "partial_collapse" and a.region == "top_floors":
        floor = start_floor(scene, spec, scen.kind)
        floors = np.array([p.floor for p in scene.parts])[cache.chunks.part_index]
        below = share_still((floors >= 0) & (floors < floor))
    return dict(below_start_standing=below,
        asked=dict(kind=a.kind, region=a.region, start_s=a.start_s, start_floor=a.start_floor, speed=a.speed,
                   direction=a.direction, stage_delay_s=a.stage_delay_s, leaves_standing=list(a.leaves_standing)),
        scenario=scen.kind, energy_share=scen.energy_share, measure=m.as_dict(),
        fell_toward=_bearing_words(scene, shift), com_shift_m=float(np.linalg.norm(shift)), kept_standing=kept_up,
    )


def _bearing_words(scene: SceneSet, shift_xy: np.ndarray) -> str:
    """A horizontal shift as the picture's words (toward the camera, away from it, left, right)."""
    if np.linalg.norm(shift_xy) < 0.5:
        return "straight down"
    return max(FALL_DIRECTIONS, key=lambda k: float(np.dot(fall_vector(scene, k), shift_xy)))


@dataclasses.dataclass(frozen=True)
class _Rigid:
    """What the rigid bodies left at one frame: copies, so the next frame's solve cannot change them."""

    index: int
    frame: int
    time_s: float
    events: Events
    positions: np.ndarray
    velocities: np.ndarray
    rotations: np.ndarray
    broken: int
    scales: np.ndarray | None


def _rigid_frame(i, frame, fps, charges, sim, glue) -> tuple[_Rigid, float]:
    t_s = i / fps
    t0 = time.perf_counter()
    if i == 0:
        events = Events.empty()
    else:
        events = sim.step_frame([c for c in charges if c.time_s < t_s - 1e-9])
    pos = np.array(sim.positions())
    vel = np.array(sim.chunk_velocities())
    scales = sim.crushing.scales(t_s) if sim.crushing is not None else None
    rigid = _Rigid(i, frame, t_s, events, pos, vel, sim.q.astype(np.float32), glue.broken,
                   None if scales is None else np.array(scales))
    return rigid, (time.perf_counter() - t0 if i else 0.0)


def _fx_frame(fx, i: int, rigid: _Rigid):
    """The effects of one frame (on the effects' thread, frames in order): (particles, dust, seconds), copied,
    since the effects may reuse their buffers."""
    if fx is None:
        return empty_particles(), None, 0.0
    t0 = time.perf_counter()
    parts, dust = fx.step(i, rigid.time_s, rigid.events, rigid.positions, rigid.velocities)
    parts = Particles(*(np.array(getattr(parts, k)) for k in ("positions", "velocities", "sizes_m", "ages_s",
                                                                "kinds", "ids")))
    if dust is not None:
        dust = dataclasses.replace(dust, **{f.name: np.array(getattr(dust, f.name)) for f in dataclasses.fields(dust)
                                            if isinstance(getattr(dust, f.name), np.ndarray)})
    return parts, dust, time.perf_counter() - t0


def _write_frame(rigid: _Rigid, fx_job, writer, pool, pending, broken, particles) -> float:
    """Wait for a frame's effects, then hand the whole frame to the writer; returns the effects' seconds."""
    parts, dust, seconds = fx_job.result()
    sf = SimFrame(rigid.frame, rigid.positions, rigid.rotations, rigid.velocities.astype(np.float32), parts, dust,
                  rigid.broken, rigid.scales)
    while len(pending) >= 2:  # bounded: at most two frames wait to be written
        pending.pop(0).result()
    pending.append(pool.submit(writer.write_frame, sf))
    broken.append(rigid.broken)
    particles.append(int(parts.count))
    return seconds
