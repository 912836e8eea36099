"""``comp_shot``: the render passes over a plate (or over the render's own street and sky), one EXR per frame.

Per frame, in scene-linear ACEScg:

1. split the render into layers: the CG (hero building, its debris and particles: premultiplied colour and
   coverage, from the object ids) and the dust (``dust_rgb`` and its opacity) in front of it; the render's
   street, neighbours and sky are the background when there is no plate;
2. over a plate: move the CG with the plate's 2D track; re-tint the render's haze to the plate's sky and add
   the stated haze; match the CG's blacks, mid-grey balance and whites to the plate's; apply the plate lens
   (Brown-Conrady k1, k2, vignette, chromatic aberration) to the CG layers only; light wrap from the plate;
3. ``dust over (CG over background)``; grain: the plate's measured grain on the CG (or the look's film grain on
   the whole frame without a plate), in ACEScct;
4. camera shake from the simulation's released energy (envelope in the spec), on the whole frame;
5. the look (a CDL in ACEScct): applied to the comp frames only when there is no plate; over a plate the comp
   stays ungraded (the movies get the look, and the CDL travels as ``comp/look.cc``).

``comp/<name>.<frame>.exr`` holds R, G, B, A (the comp) and the layers ``plate.*``, ``cg.*``, ``dustfx.*`` (half).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from plano.color.spaces import to_log
from plano.comp import look as looks
from plano.comp import ops
from plano.core import Progress, no_progress
from plano.core.atomic import atomic_write_text
from plano.errors import PlanoError
from plano.io.exr import read_passes, write_channels
from plano.schema.naming import frame_file

GRAVITY = 9.81
COMP_CHANNELS = ("R", "G", "B", "A", "plate.R", "plate.G", "plate.B", "cg.R", "cg.G", "cg.B", "cg.A",
                 "dustfx.R", "dustfx.G", "dustfx.B", "dustfx.A")
"""The channels of a comp EXR (all half): the comp, the plate as ingested (ACEScg), the CG (premultiplied, as it
went into the over) and the dust (premultiplied light and opacity)."""


@dataclass(frozen=True)
class CompResult:
    """What the comp node gives deliver."""

    frames: tuple[Path, ...]
    graded: bool
    """The comp frames carry the look (no plate); otherwise deliver grades the movies with ``cdl``."""
    cdl: looks.CDL
    info: dict


def cg_ids(scene) -> np.ndarray:
    """(len(parts) + 2,) bool: which object ids (``Scene.parts`` index + 1) belong to the CG over a plate (the hero
    building's parts, hence their chunks); the last entry stands for every id above the parts (the particles)."""
    lut = np.zeros(len(scene.parts) + 2, bool)
    for i, p in enumerate(scene.parts):
        lut[i + 1] = p.building == "hero"
    lut[-1] = True
    return lut


def cg_matte(passes, scene, lut: np.ndarray | None = None) -> np.ndarray:
    """(H, W, 1) coverage of the CG: hero parts, their chunks and the particles (ids above the parts), excluding
    the dust (which is its own layer)."""
    oid = passes.object_id[..., 0] if passes.object_id is not None else np.zeros(passes.beauty.shape[:2], np.float32)
    lut = cg_ids(scene) if lut is None else lut
    is_cg = lut[np.clip(np.rint(oid).astype(np.int64), 0, len(lut) - 1)]
    a = passes.alpha[..., 0] if passes.alpha is not None else np.ones(oid.shape, np.float32)
    d = passes.dust[..., 0] if passes.dust is not None else np.zeros(oid.shape, np.float32)
    geom = np.clip((a - d) / np.maximum(1.0 - d, 1e-3), 0.0, 1.0)
    return (geom * is_cg)[..., None].astype(np.float32)


def split_layers(passes, scene, lut: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The render as layers: ``cg`` (premultiplied, no dust) with ``cg_a``, ``dust`` light with ``dust_a``, and the
    render's own ``background`` (street, neighbours, sky, without dust) where it is not CG."""
    h, w = passes.beauty.shape[:2]
    beauty = passes.beauty
    d = passes.dust if passes.dust is not None else np.zeros((h, w, 1), np.float32)
    D = passes.dust_rgb if passes.dust_rgb is not None else np.zeros((h, w, 3), np.float32)
    if passes.dust is not None and passes.dust_rgb is None and float(d.max()) > 0:
        raise PlanoError("these passes have dust but no dust_rgb layer (rendered by an older plano); re-render with "
                         "`plano shot --force render` to composite the dust over a plate")
    under = np.maximum(beauty - D, 0.0) / np.maximum(1.0 - d, 1e-2)  # what is behind the dust
    hold = cg_matte(passes, scene, lut)
    return {"cg": under * hold, "cg_a": hold, "dust": D, "dust_a": d, "background": under * (1.0 - hold)}


def released_energy(sim, frames: Sequence[int]) -> np.ndarray:
    """(F,) joules of mechanical energy (kinetic + potential of the chunks) lost from one frame to the next:
    what impacts and breaking released. 0 for the first frame, or without a sim."""
    if sim is None:
        return np.zeros(len(frames))
    try:
        mass = np.asarray(sim.chunks.mass_kg, np.float64)
    except Exception:  # noqa: BLE001 - a sim without chunks releases nothing
        return np.zeros(len(frames))
    energy = []
    for f in frames:
        path = Path(sim.dir) / frame_file("frame", f, "npz") if hasattr(sim, "dir") else None
        if path is not None and path.is_file():
            with np.load(path) as z:
                pos, vel = z["positions"], z["velocities"]
        else:
            fr = sim.frame(f)
            pos, vel = fr.positions, fr.velocities
        v2 = np.sum(np.asarray(vel, np.float64) ** 2, axis=1)
        energy.append(float(np.sum(mass * (0.5 * v2 + GRAVITY * np.asarray(pos, np.float64)[:, 2]))))
    e = np.asarray(energy)
    out = np.zeros(len(frames))
    out[1:] = np.maximum(e[:-1] - e[1:], 0.0)
    return out


def sky_colour(plate: np.ndarray) -> np.ndarray:
    """(3,) the plate's haze colour: the median of its top tenth (where the sky and the far distance are)."""
    top = plate[: max(1, plate.shape[0] // 10)].reshape(-1, 3)
    return np.median(top, axis=0).astype(np.float32)


def render_haze_colour(scene) -> np.ndarray:
    """(3,) the colour the renderer hazed towards (its horizon, brightened by cloud: compose.frag)."""
    sky = scene.sky
    return (np.asarray(sky.horizon_color, np.float32) * (1.0 + 0.4 * float(sky.cloud_cover))).astype(np.float32)


def _grain_log(rgb: np.ndarray, sigma: np.ndarray, seed: int, weight: np.ndarray | None) -> np.ndarray:
    if not np.any(np.asarray(sigma) > 0):
        return rgb
    return ops.add_log_grain(rgb, sigma, seed, weight)


def comp_shot(
    pass_paths: Sequence[Path],
    scene,
    sim,
    spec,
    out_dir: str | Path,
    name: str,
    progress: Progress = no_progress,
    frames: Sequence[int] | None = None,
) -> CompResult:
    """Composite every frame of ``pass_paths`` (the render's EXRs, frames from 1001) into ``out_dir``.

    ``spec`` gives ``plate``, ``comp``, ``look``, ``light.mood``, ``seed`` and the frames; ``scene`` the CG's object
    ids and the render's haze colour; ``sim`` the released energy for the shake (None: no shake)."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [Path(p) for p in pass_paths]
    if not paths:
        raise PlanoError("there are no render passes to composite; run `plano render` first")
    shot_frames = list(spec.format.frames)
    if len(paths) != len(shot_frames):
        raise PlanoError(f"comp got {len(paths)} render passes but the shot has {len(shot_frames)} frames "
                         f"({shot_frames[0]}..{shot_frames[-1]}); finish the render first")
    first = read_passes(paths[0])
    w, h = first.size
    pl, cp, lk = spec.plate, spec.comp, spec.look
    look = looks.resolve_look(lk.preset, tuple(lk.grade), tuple(spec.light.mood), bool(lk.raw), str(lk.quality))
    cc = looks.write_cc(out_dir / "look.cc", look.cdl, f"{name}_{look.params.name}",
                        f"plano look {looks.describe(look)} for {name}; values act in ACEScct")
    info: dict[str, Any] = {"look": {"preset": look.params.name, "source": look.params.source,
                                     "applied": list(look.params.applied), "ignored": list(look.ignored),
                                     "cdl": look.cdl.as_dict(), "cc": cc.name}}
    plate = None
    if pl.path:
        from plano.comp.plate import open_plate

        plate = open_plate(pl.path, pl.colorspace, len(shot_frames), spec.format.fps, (w, h), pl.fps,
                           pl.first_frame, pl.hold)
        info["plate"] = plate.info()
    k1, k2 = float(pl.camera.k1), float(pl.camera.k2)

    # the plate's motion (a 2D track) and grain, measured once
    mats = None
    plate_grain = np.zeros(3, np.float32)
    if plate is not None:
        p0 = plate.frame(0)
        plate_grain = ops.estimate_noise(to_log(p0)) if cp.grain else plate_grain
        info["plate_grain_log_sigma"] = [round(float(v), 5) for v in plate_grain]
        if pl.track and plate.kind != "still" and not pl.hold:
            from plano.comp.track import to_gray8, track

            progress(0.02, "tracking the plate")
            mats, facts = track(len(shot_frames), lambda i: to_gray8(plate.frame(i)))
            info["track"] = facts
        haze_col = sky_colour(p0)
    else:
        haze_col = render_haze_colour(scene)
    info["haze_colour"] = [round(float(v), 5) for v in haze_col]
    extra_haze = (cp.haze_per_km or 0.0) / 1000.0
    look_grain = looks.grain_sigma_log(look.params.grain) if cp.grain else 0.0

    # the shake: released energy -> envelope -> offsets
    energy = released_energy(sim, shot_frames) if cp.shake_px > 0 else np.zeros(len(shot_frames))
    env = ops.shake_envelope(energy, spec.format.fps, cp.shake_decay_s)
    shake = ops.shake_offsets(env, cp.shake_px * w / float(spec.format.width), cp.shake_hz, spec.format.fps,
                              spec.seed + 11)
    info["shake"] = {"peak_energy_J": float(energy.max()) if len(energy) else 0.0,
                     "peak_frame": int(shot_frames[int(np.argmax(env))]) if env.any() else None,
                     "max_offset_px": float(np.abs(shake[:, :2]).max()) if len(shake) else 0.0,
                     "offsets_px": [[round(float(a), 3) for a in row] for row in shake]}

    lut = cg_ids(scene)
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="plano-comp")
    reads = {0: pool.submit(lambda: first)}
    writes = []
    vign = ops.vignette_mask(h, w, cp.vignette) if cp.vignette > 0 else None
    dist_maps = ops.distortion_maps(h, w, k1, k2) if (k1 or k2) else None
    match = None
    wanted = set(frames) if frames is not None else None
    written: list[Path] = []
    seconds = {"read": 0.0, "comp": 0.0, "write": 0.0}
    for i, (frame, path) in enumerate(zip(shot_frames, paths)):
        out_path = out_dir / frame_file(name, frame)
        written.append(out_path)
        if wanted is not None and frame not in wanted:
            continue
        ta = time.perf_counter()
        passes = reads.pop(i).result() if i in reads else read_passes(path)
        if i + 1 < len(paths) and (wanted is None or shot_frames[i + 1] in wanted):
            reads[i + 1] = pool.submit(read_passes, paths[i + 1])
        if passes.size != (w, h):
            raise PlanoError(f"render pass {str(path)!r} is {passes.size[0]}x{passes.size[1]}, frame "
                             f"{shot_frames[0]} is {w}x{h}; re-render with `plano shot --force render`")
        L = split_layers(passes, scene, lut)
        bg = plate.frame(i) if plate is not None else L["background"] + 0.0
        tb = time.perf_counter()
        cg, cg_a, dust, dust_a = L["cg"], L["cg_a"], L["dust"], L["dust_a"]
        if plate is not None:
            # the render hazed towards its own horizon: move that haze to the plate's sky colour
            depth = passes.depth if passes.depth is not None else np.zeros_like(cg_a)
            t_r = np.exp(-float(scene.sky.haze_density) * np.maximum(depth, 0.0)) * (depth > 0)
            cg = np.maximum(cg + (haze_col - render_haze_colour(scene)) * (1.0 - t_r) * cg_a, 0.0)
        if extra_haze > 0:
            depth = passes.depth if passes.depth is not None else np.zeros_like(cg_a)
            cg = ops.haze(cg, cg_a, depth, extra_haze, tuple(haze_col))
        if plate is not None:
            if cp.color_match:
                if match is None:  # measured on the first frame with enough CG, then held (no flicker)
                    mask = cg_a[..., 0] > 0.99
                    if mask.sum() >= 64:
                        match = ops.color_match(ops.unpremultiply(cg, cg_a), mask, bg)
                        info["color_match"] = {"frame": frame, **match.as_dict()}
                if match is not None:
                    cg = ops.premultiply(match.apply(ops.unpremultiply(cg, cg_a)), cg_a)
                    dust = dust * (match.gain / np.maximum(match.gain.mean(), 1e-6))
            if mats is not None:
                m = mats[i]
                cg, cg_a = ops.transform(cg, m), ops.transform(cg_a, m)
                dust, dust_a = ops.transform(dust, m), ops.transform(dust_a, m)
            # the plate's lens on the CG only
            if dist_maps is not None:
                cg, cg_a, dust, dust_a = (ops.remap(x, *dist_maps) for x in (cg, cg_a, dust, dust_a))
            if vign is not None:
                cg, dust = cg * vign, dust * vign
            if cp.chromatic_aberration_px > 0:
                cg, dust = ops.chromatic_aberration(cg, cp.chromatic_aberration_px), ops.chromatic_aberration(
                    dust, cp.chromatic_aberration_px)
            cg = ops.light_wrap(cg, cg_a, bg, cp.light_wrap, max(2.0, w / 320.0))
        comp = dust + (1.0 - dust_a) * ops.over(cg, cg_a, bg)
        if plate is None:
            # the whole frame is CG: the lens and the look's grain on all of it
            if dist_maps is not None:
                comp = ops.remap(comp, *dist_maps)
            if vign is not None:
                comp = comp * vign
            if cp.chromatic_aberration_px > 0:
                comp = ops.chromatic_aberration(comp, cp.chromatic_aberration_px)
            comp = _grain_log(comp, np.full(3, look_grain, np.float32), spec.seed * 7919 + frame, None)
        else:
            cover = 1.0 - (1.0 - cg_a) * (1.0 - dust_a)
            cg_noise = ops.estimate_noise(to_log(comp), cover[..., 0] > 0.99) if i == 0 else None
            if cg_noise is not None:
                info["cg_grain_log_sigma"] = [round(float(v), 5) for v in cg_noise]
                add = np.sqrt(np.maximum(plate_grain ** 2 - cg_noise ** 2, 0.0)).astype(np.float32)
                info["grain_added_log_sigma"] = [round(float(v), 5) for v in add]
            add = np.asarray(info.get("grain_added_log_sigma", [0, 0, 0]), np.float32)
            comp = _grain_log(comp, add, spec.seed * 7919 + frame, cover)
        if shake[i].any():
            m = ops.shake_matrix(h, w, *shake[i])
            comp = ops.transform(comp, m, border="reflect")
        if plate is None:
            comp = looks.apply_cdl(comp, look.cdl)
        tc = time.perf_counter()
        channels = {"R": comp[..., 0], "G": comp[..., 1], "B": comp[..., 2], "A": np.ones((h, w), np.float32)}
        for k, c in enumerate("RGB"):
            channels[f"plate.{c}"] = bg[..., k] if plate is not None else L["background"][..., k]
            channels[f"cg.{c}"] = cg[..., k]
            channels[f"dustfx.{c}"] = dust[..., k]
        channels["cg.A"], channels["dustfx.A"] = cg_a[..., 0], dust_a[..., 0]
        attrs = {"software": "plano comp", "plano/comp": "graded" if plate is None else
                 "ungraded (plate colour); look in look.cc"}
        while len(writes) > 1:  # at most two frames waiting to be written
            writes.pop(0).result()
        writes.append(pool.submit(write_channels, out_path, channels, attrs, "piz", {c: "half" for c in COMP_CHANNELS}))
        td = time.perf_counter()
        seconds["read"] += tb - ta
        seconds["comp"] += tc - tb
        seconds["write"] += td - tc
        progress((i + 1) / len(paths), f"frame {frame}")
    tw = time.perf_counter()
    for f in writes:
        f.result()
    pool.shutdown()
    seconds["write"] += time.perf_counter() - tw
    info["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
    info["seconds"]["total"] = round(time.perf_counter() - t0, 3)
    info["graded"] = plate is None
    info["layers"] = {"plate": "captured plate" if plate is not None else "the render's street and sky (simulated "
                      "and rendered)", "cg": "simulated and rendered", "dustfx": "simulated and rendered"}
    atomic_write_text(out_dir / "info.json", json.dumps(info, indent=2) + "\n")
    return CompResult(tuple(written), plate is None, look.cdl, info)
