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

import functools
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
from plano.comp import kernels, ops
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
PASSES_READ = ("alpha", "depth", "object_id", "material_id", "dust", "dust_rgb", "dust_plate")
"""The render's layers comp uses besides the beauty (the normals and motion are not converted)."""


@dataclass(frozen=True)
class CompResult:
    """What the comp node gives deliver."""

    frames: tuple[Path, ...]
    graded: bool
    """The comp frames carry the look (no plate); otherwise deliver grades the movies with ``cdl``."""
    cdl: looks.CDL
    info: dict


from plano.schema.passes import GROUND_GROUPS  # noqa: E402


def ground_ids(scene) -> np.ndarray:
    """(len(parts) + 2,) bool: object ids of the ground (road, sidewalk, kerbs): what a plate's ground stands in for."""
    lut = np.zeros(len(scene.parts) + 2, bool)
    for i, p in enumerate(scene.parts):
        lut[i + 1] = p.building != "hero" and getattr(p, "group", "ground") in GROUND_GROUPS
    return lut


def stand_in_ids(scene) -> np.ndarray:
    """(len(parts) + 2,) bool: the render's own street furniture (signs, lamps, trees), which a plate replaces: the
    dust it hid is filled in over a plate. (The neighbours are too large to fill: the dust they hid stays hidden.)"""
    lut = np.zeros(len(scene.parts) + 2, bool)
    for i, p in enumerate(scene.parts):
        lut[i + 1] = p.building != "hero" and getattr(p, "group", "ground") == "street_furniture"
    return lut


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
        fr = sim.frame(f, effects=False)
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


def _gray(rgb: np.ndarray, scale: int = 1) -> np.ndarray:
    from plano.comp.track import to_gray8

    return to_gray8(rgb, scale)


def _layers(passes, lut, scene, over_plate: bool, haze_shift, extra_per_m: float, extra_col, match, vign):
    """(cg, cg_a, dust, dust_a, background) of one frame, hazed, matched and vignetted (see ``kernels.layers``)."""
    h, w = passes.beauty.shape[:2]
    z1 = np.zeros((h, w, 1), np.float32)
    d = passes.dust if passes.dust is not None else z1
    D = passes.dust_rgb if passes.dust_rgb is not None else np.zeros((h, w, 3), np.float32)
    if passes.dust is not None and passes.dust_rgb is None and float(d.max()) > 0:
        raise PlanoError("these passes have dust but no dust_rgb layer (rendered by an older plano); re-render with "
                         "`plano shot --force render` to composite the dust over a plate")
    alpha = passes.alpha if passes.alpha is not None else np.ones((h, w, 1), np.float32)
    oid = passes.object_id if passes.object_id is not None else z1
    depth = passes.depth if passes.depth is not None else z1
    shift = np.asarray(haze_shift if over_plate else np.zeros(3), np.float32)
    haze_per_m = float(scene.sky.haze_density)
    m_on = match is not None
    mz = np.zeros(3, np.float32)
    bal = (match.gain / max(float(match.gain.mean()), 1e-6)).astype(np.float32) if m_on else np.ones(3, np.float32)
    v = vign if vign is not None else np.ones((h, w, 1), np.float32)
    if kernels.HAVE_NUMBA:
        out = [np.empty((h, w, 3), np.float32), np.empty((h, w, 1), np.float32), np.empty((h, w, 3), np.float32),
               np.empty((h, w, 1), np.float32), np.empty((h, w, 3), np.float32)]
        pd = np.ascontiguousarray(passes.dust_plate, np.float32) if over_plate and passes.dust_plate is not None \
            else np.zeros((0, 0, 4), np.float32)  # over a plate: the dust the render's stand-ins hid, too
        kernels.layers(passes.beauty, alpha, d, D, oid, depth, lut, shift, haze_per_m, float(extra_per_m),
                       np.asarray(extra_col, np.float32), m_on, match.cg_black if m_on else mz,
                       match.black if m_on else mz, match.gain if m_on else mz, match.white if m_on else mz,
                       bal, np.ascontiguousarray(v, np.float32), pd, *out)
        return tuple(out)
    L = split_layers(passes, scene, lut)
    cg, cg_a = L["cg"], L["cg_a"]
    t_r = np.exp(-haze_per_m * np.maximum(depth, 0.0)) * (depth > 0)
    cg = np.maximum(cg + shift * (1.0 - t_r) * cg_a, 0.0)
    if extra_per_m > 0:
        cg = ops.haze(cg, cg_a, depth, extra_per_m, tuple(extra_col))
    if m_on:
        cg = ops.premultiply(match.apply(ops.unpremultiply(cg, cg_a)), cg_a)
    if over_plate and passes.dust_plate is not None:
        return cg * v, cg_a, passes.dust_plate[..., :3] * bal * v, passes.dust_plate[..., 3:4], L["background"]
    return cg * v, cg_a, L["dust"] * bal * v, L["dust_a"], L["background"]


def _warp_maps(h: int, w: int, mat, dist_maps):
    """One remap for the CG layers: the plate's lens distortion, then its tracked motion (``mat`` takes frame-0
    positions to this frame's), composed; ``None`` when there is neither."""
    if mat is None and dist_maps is None:
        return None
    if dist_maps is None:
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        mx, my = x, y
    else:
        mx, my = dist_maps
    if mat is None:
        return mx, my
    inv = np.linalg.inv(np.vstack([np.asarray(mat, np.float64), [0, 0, 1]]))[:2].astype(np.float32)
    return (inv[0, 0] * mx + inv[0, 1] * my + inv[0, 2]).astype(np.float32), \
        (inv[1, 0] * mx + inv[1, 1] * my + inv[1, 2]).astype(np.float32)


@functools.lru_cache(maxsize=2)
def _noise_pool(h: int, w: int) -> np.ndarray:
    """Standard normals, a little larger than the frame and of coprime size (offsets never repeat a row)."""
    return np.random.default_rng(12345).standard_normal((h + 61, w + 67, 3), dtype=np.float32)


def _lens_maps(h: int, w: int, k1: float, k2: float, ca_px: float):
    """The plate lens as three static remap maps (for G with the coverages, for R, for B): the distortion, and the
    chromatic aberration's radial scale of R (out) and B (in) on top of it; ``None`` when the lens does nothing."""
    if not (k1 or k2 or ca_px > 0):
        return None
    base = ops.distortion_maps(h, w, k1, k2) if (k1 or k2) else tuple(
        a.astype(np.float32) for a in np.meshgrid(np.arange(w), np.arange(h)))
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    r = float(np.hypot(cx, cy))
    out = [base]
    for sign in (-1.0, 1.0):  # R, B: sample the lens map at radially scaled positions
        s = 1.0 + sign * ca_px / r
        sx = ((base[0] - cx) * s + cx).astype(np.float32)
        sy = ((base[1] - cy) * s + cy).astype(np.float32)
        out.append((sx, sy))
    return tuple(out)


def _lens_rgb(rgb: np.ndarray, lens_maps) -> np.ndarray:
    """A whole frame through the lens maps (G with its map, R and B with theirs)."""
    return np.stack([ops.remap(np.ascontiguousarray(rgb[..., c]), *lens_maps[m]) for c, m in ((0, 1), (1, 0), (2, 2))],
                    axis=-1)


def _whole_grain(rgb: np.ndarray, sigma: np.ndarray, seed: int) -> np.ndarray:
    if not np.any(sigma > 0):
        return rgb
    if not kernels.HAVE_NUMBA:
        return _grain_log(rgb, sigma, seed, None)
    h, w = rgb.shape[:2]
    pool = _noise_pool(h, w)
    rng = np.random.default_rng(int(seed) % (2 ** 31))
    out = np.empty_like(rgb)
    kernels.grain(np.ascontiguousarray(rgb, np.float32), sigma.astype(np.float32), pool,
                  int(rng.integers(0, pool.shape[0])), int(rng.integers(0, pool.shape[1])), out)
    return out


def _lens_vignette_grain(rgb: np.ndarray, lens_maps, vign: np.ndarray, sigma: np.ndarray, seed: int) -> np.ndarray:
    """A whole frame through the lens (``_lens_rgb``), times the vignette, with the look's grain (``_whole_grain``):
    one numba pass (``kernels.lens_rgb``) when there is a lens, the same steps in numpy otherwise."""
    if lens_maps is None or not kernels.HAVE_NUMBA:
        out = _lens_rgb(rgb, lens_maps) if lens_maps is not None else rgb
        return _whole_grain(out * vign, sigma, seed)
    h, w = rgb.shape[:2]
    pool = _noise_pool(h, w)
    rng = np.random.default_rng(int(seed) % (2 ** 31))
    oy, ox = int(rng.integers(0, pool.shape[0])), int(rng.integers(0, pool.shape[1]))
    out = np.empty((h, w, 3), np.float32)
    (gx, gy), (rx, ry), (bx, by) = lens_maps
    kernels.lens_rgb(np.ascontiguousarray(rgb, np.float32), gx, gy, rx, ry, bx, by,
                     np.ascontiguousarray(vign, np.float32), np.asarray(sigma, np.float32), pool, oy, ox, out)
    return out


@functools.lru_cache(maxsize=2)
def _identity_maps(h: int, w: int):
    """Lens maps that move nothing (a tracked plate without a stated lens), made once per size: the same arrays
    every frame, so their tile bounds (``_map_boxes``) are worked out once too."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return ((x, y), (x, y), (x, y))


_BOXES: dict = {}


def _map_boxes(lens_maps) -> np.ndarray:
    """``kernels.map_boxes`` of these (static) lens maps, made once per maps."""
    key = id(lens_maps[0][0])
    if key not in _BOXES or _BOXES[key][0] is not lens_maps[0][0]:
        _BOXES.clear()
        _BOXES[key] = (lens_maps[0][0], kernels.map_boxes(*lens_maps[0], *lens_maps[1], *lens_maps[2]))
    return _BOXES[key][1]


def _lens_and_track(cg, cg_a, dust, dust_a, lens_maps, mat, skip_empty: bool = True):
    """The CG layers through the plate lens and moved by the plate's track: one remap for G and the coverages, one
    each for R and B (their fringing), with the track's inverse affine composed onto the static lens maps.
    ``skip_empty``: tiles where the layers hold nothing are not sampled (the same result; the CG and its dust
    cover a tenth to a third of the frame)."""
    h, w = cg.shape[:2]
    if lens_maps is None:
        lens_maps = _identity_maps(h, w)
    if kernels.HAVE_NUMBA:
        inv = np.eye(2, 3) if mat is None else np.linalg.inv(np.vstack([np.asarray(mat, np.float64), [0, 0, 1]]))[:2]
        outs = (np.empty((h, w, 3), np.float32), np.empty((h, w, 1), np.float32), np.empty((h, w, 3), np.float32),
                np.empty((h, w, 1), np.float32))
        c = np.ascontiguousarray
        (gx, gy), (rx, ry), (bx, by) = lens_maps
        cg, cg_a, dust, dust_a = c(cg, np.float32), c(cg_a, np.float32), c(dust, np.float32), c(dust_a, np.float32)
        inv = inv.astype(np.float64)
        boxes = _map_boxes(lens_maps)
        empty = kernels.empty_tiles(boxes, inv, kernels.occupied_tiles(cg_a, dust_a, dust), h, w)
        if not skip_empty:
            empty[:] = 0
        kernels.lens_and_track(cg, cg_a, dust, dust_a, gx, gy, rx, ry, bx, by, inv, empty, *outs)
        return outs
    maps = lens_maps
    if mat is not None:
        inv = np.linalg.inv(np.vstack([np.asarray(mat, np.float64), [0, 0, 1]]))[:2].astype(np.float32)
        maps = tuple((inv[0, 0] * mx + inv[0, 1] * my + inv[0, 2], inv[1, 0] * mx + inv[1, 1] * my + inv[1, 2])
                     for mx, my in lens_maps)
    g = ops.remap(np.concatenate([cg[..., 1:2], cg_a, dust[..., 1:2], dust_a], axis=-1), *maps[0])
    rr = ops.remap(np.concatenate([cg[..., 0:1], dust[..., 0:1]], axis=-1), *maps[1])
    bb = ops.remap(np.concatenate([cg[..., 2:3], dust[..., 2:3]], axis=-1), *maps[2])
    cg = np.stack([rr[..., 0], g[..., 0], bb[..., 0]], axis=-1)
    dust = np.stack([rr[..., 1], g[..., 2], bb[..., 1]], axis=-1)
    return cg, g[..., 1:2], dust, g[..., 3:4]


def _wrap_blurs(bg, cg_a, radius: float, box):
    """The light wrap's soft background and soft coverage over ``box`` (y0, y1, x0, x1; even corners): both
    blurred at half resolution (they are soft anyway), with edges reflected."""
    import cv2

    y0, y1, x0, x1 = box
    h, w = y1 - y0, x1 - x0
    small = (max(1, w // 2), max(1, h // 2))
    soft = []
    for img in (bg[y0:y1, x0:x1], cg_a[y0:y1, x0:x1]):
        half = cv2.resize(np.ascontiguousarray(img, np.float32), small, interpolation=cv2.INTER_AREA)
        soft.append(cv2.resize(ops.blur(half, radius / 2), (w, h), interpolation=cv2.INTER_LINEAR).reshape(h, w, -1))
    return (y0, x0), soft[0], soft[1]


def _wrap_near_cg(bg, cg_a, radius: float):
    """``_wrap_blurs`` over the CG's bounding box grown by the blurs' reach (the wrap acts only where there is CG),
    or over the whole frame when that box is most of it; an empty box when there is no CG."""
    h, w = cg_a.shape[:2]
    rows, cols = np.flatnonzero(cg_a[..., 0].any(axis=1)), np.flatnonzero(cg_a[..., 0].any(axis=0))
    if not len(rows):
        return (0, 0), np.zeros((0, 0, 3), np.float32), np.zeros((0, 0, 1), np.float32)
    m = int(8 * radius) + 16  # the half-resolution Gaussian's reach and the resizes' taps, in full pixels
    y0, x0 = max(0, (rows[0] - m) // 2 * 2), max(0, (cols[0] - m) // 2 * 2)
    y1, x1 = min(h, rows[-1] + 1 + m), min(w, cols[-1] + 1 + m)
    y1 = h if h - y1 < 2 else y1 + (y1 - y0) % 2
    x1 = w if w - x1 < 2 else x1 + (x1 - x0) % 2
    if (y1 - y0) * (x1 - x0) > 0.8 * h * w:
        y0, y1, x0, x1 = 0, h, 0, w
    return _wrap_blurs(bg, cg_a, radius, (y0, y1, x0, x1))


def _finish(cg, cg_a, dust, dust_a, bg, wrap: float, sigma, seed: int, radius: float = 2.0) -> np.ndarray:
    """dust over (CG + light wrap over background), then grain where there is CG or dust (``kernels.finish``)."""
    h, w = cg.shape[:2]
    sig = np.asarray(sigma, np.float32)
    if kernels.HAVE_NUMBA:
        (y0, x0), wb, we = _wrap_near_cg(bg, cg_a, radius) if wrap > 0 else \
            ((0, 0), np.zeros((0, 0, 3), np.float32), np.zeros((0, 0, 1), np.float32))
        out = np.empty((h, w, 3), np.float32)
        pool = _noise_pool(h, w)
        rng = np.random.default_rng(int(seed) % (2 ** 31))
        oy, ox = int(rng.integers(0, pool.shape[0])), int(rng.integers(0, pool.shape[1]))
        c = np.ascontiguousarray
        kernels.finish(c(cg), c(cg_a), c(dust), c(dust_a), c(bg), c(wb, np.float32), c(we, np.float32), y0, x0,
                       float(wrap), sig, pool, oy, ox, out)
        return out
    if wrap > 0:
        _, wb, we = _wrap_blurs(bg, cg_a, radius, (0, h, 0, w))
    else:
        wb, we = bg, np.ones((h, w, 1), np.float32)
    cgw = cg + float(wrap) * wb * cg_a * (1.0 - we)
    comp = dust + (1.0 - dust_a) * ops.over(cgw, cg_a, bg)
    cover = 1.0 - (1.0 - cg_a) * (1.0 - dust_a)
    return _grain_log(comp, sig, seed, cover)


def _shadow_catcher(ground_rgb: np.ndarray, object_id: np.ndarray, glut: np.ndarray, material_id: np.ndarray,
                    blur_px: float = 1.5) -> np.ndarray:
    """``ops.shadow_catcher`` of the render's ground (``glut`` of the object ids), in three numba passes instead of
    two full-frame numpy passes a material (the same values)."""
    h, w = object_id.shape[:2]
    if not kernels.HAVE_NUMBA:
        oid = np.clip(np.rint(object_id[..., 0]).astype(np.int64), 0, len(glut) - 1)
        return ops.shadow_catcher(ground_rgb, glut[oid], material_id, blur_px)
    c = np.ascontiguousarray
    lum, mids, count, seen = kernels.shadow_ratio_prepare(c(ground_rgb, np.float32), c(object_id, np.float32), glut,
                                                          c(material_id, np.float32), ops.LUMINANCE)
    ref = np.zeros(len(count), np.float32)
    for k in np.flatnonzero(seen):
        if count[k] < 32:
            continue
        step = max(1, int(count[k]) // 20000)
        vals = kernels.shadow_ratio_samples(lum, mids, int(k), step, -(-int(count[k]) // step))
        r = float(np.percentile(vals, 75))
        ref[k] = r if r > 1e-6 else 0.0
    ratio = np.empty((h, w), np.float32)
    kernels.shadow_ratio_apply(lum, mids, ref, ratio)
    return ops.blur(ratio, blur_px).reshape(h, w, 1) if blur_px > 0 else ratio[..., None]


def _grain_log(rgb: np.ndarray, sigma: np.ndarray, seed: int, weight: np.ndarray | None) -> np.ndarray:
    if not np.any(np.asarray(sigma) > 0):
        return rgb
    return ops.add_log_grain(rgb, sigma, seed, weight)


def comp_shot(*args, **kwargs) -> CompResult:
    """``_comp_shot`` with numba's kernels on this thread alone (``kernels.one_thread``: the reads, writes and the
    plate run on threads of their own)."""
    with kernels.one_thread():
        return _comp_shot(*args, **kwargs)


def _comp_shot(
    pass_paths: Sequence[Path],
    scene,
    sim,
    spec,
    out_dir: str | Path,
    name: str,
    progress: Progress = no_progress,
    frames: Sequence[int] | None = None,
    generated: dict[str, Any] | None = None,
) -> CompResult:
    """Composite every frame of ``pass_paths`` (the render's EXRs, frames from 1001) into ``out_dir``.

    ``spec`` gives ``plate``, ``comp``, ``look``, ``light.mood``, ``seed`` and the frames; ``scene`` the CG's object
    ids and the render's haze colour; ``sim`` the released energy for the shake (None: no shake); ``generated``:
    what the generate stage did (``generate/info.json``), recorded with the layers for the label."""
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
    first = read_passes(paths[0], PASSES_READ)
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

    # the plate's grain and haze colour, measured on its first frame; its motion, tracked frame by frame
    tracker = None
    plate_grain = np.zeros(3, np.float32)
    if plate is not None:
        p0 = plate.frame(0)
        plate_grain = ops.estimate_noise(to_log(p0)) if cp.grain else plate_grain
        info["plate_grain_log_sigma"] = [round(float(v), 5) for v in plate_grain]
        if pl.track and plate.kind != "still" and not pl.hold:
            from plano.comp.track import Tracker

            tracker = Tracker(scale=2 if min(w, h) >= 360 else 1)
        haze_col = sky_colour(p0)
    else:
        haze_col = render_haze_colour(scene)
    info["haze_colour"] = [round(float(v), 5) for v in haze_col]
    extra_haze = (cp.haze_per_km or 0.0) / 1000.0
    look_grain = looks.grain_sigma_log(look.params.grain) if cp.grain else 0.0

    # the shake: released energy -> envelope -> offsets
    energy = released_energy(sim, shot_frames) if cp.shake_px > 0 else np.zeros(len(shot_frames))
    env = ops.shake_envelope(energy, spec.format.fps, cp.shake_decay_s)
    shake = ops.shake_offsets(env, cp.shake_px * w / 1920.0, cp.shake_hz, spec.format.fps,
                              spec.seed + 11)
    info["shake"] = {"peak_energy_J": float(energy.max()) if len(energy) else 0.0,
                     "peak_frame": int(shot_frames[int(np.argmax(env))]) if env.any() else None,
                     "max_offset_px": float(np.abs(shake[:, :2]).max()) if len(shake) else 0.0,
                     "offsets_px": [[round(float(a), 3) for a in row] for row in shake]}

    lut = cg_ids(scene)
    glut, slut = ground_ids(scene), stand_in_ids(scene)
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="plano-comp")
    wanted = set(frames) if frames is not None else None
    todo = [i for i, f in enumerate(shot_frames) if wanted is None or f in wanted or tracker is not None]

    plate_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plano-plate")  # a movie decodes in order

    def plate_frame(i: int):
        """The plate's frame ``i`` and its tracked motion (frames come in order: one thread, submitted in turn)."""
        bg = plate.frame(i)
        return bg, (tracker.step(_gray(bg, tracker.scale)) if tracker is not None else None)

    def submit(i: int):
        passes = pool.submit(lambda: first if i == 0 else read_passes(paths[i], PASSES_READ))
        bg = plate_pool.submit(plate_frame, i) if plate is not None else None
        return passes, bg

    def load(i: int):
        passes, bg = reads.pop(i)
        return (passes.result(), *(bg.result() if bg is not None else (None, None)))

    AHEAD = 2  # frames read ahead (EXR reads and the plate's decode release the GIL)
    reads = {i: submit(i) for i in todo[:AHEAD]}
    writes: list = []
    vign = ops.vignette_mask(h, w, cp.vignette) if cp.vignette > 0 else np.ones((h, w, 1), np.float32)
    dist_maps = ops.distortion_maps(h, w, k1, k2) if (k1 or k2) else None
    lens_maps = _lens_maps(h, w, k1, k2, cp.chromatic_aberration_px * w / 1920.0)
    match = None
    grain_add = np.zeros(3, np.float32)
    written: list[Path] = [out_dir / frame_file(name, f) for f in shot_frames]
    seconds = {"read": 0.0, "comp": 0.0, "write": 0.0}
    render_haze = render_haze_colour(scene)
    info["engine"] = "numba kernels" if kernels.HAVE_NUMBA else "numpy"
    for n_done, i in enumerate(todo):
        frame, path = shot_frames[i], paths[i]
        ta = time.perf_counter()
        passes, bg, mat = load(i)
        if n_done + AHEAD < len(todo):
            reads[todo[n_done + AHEAD]] = submit(todo[n_done + AHEAD])
        if passes.size != (w, h):
            raise PlanoError(f"render pass {str(path)!r} is {passes.size[0]}x{passes.size[1]}, frame "
                             f"{shot_frames[0]} is {w}x{h}; re-render with `plano shot --force render`")
        if wanted is not None and frame not in wanted:
            continue
        tb = time.perf_counter()
        if plate is not None and cp.color_match and match is None:
            L = split_layers(passes, scene, lut)
            mask = L["cg_a"][..., 0] > 0.99
            if mask.sum() >= 64:  # measured on the first frame with enough CG, then held (no flicker)
                match = ops.color_match(ops.unpremultiply(L["cg"], L["cg_a"]), mask, bg)
                info["color_match"] = {"frame": frame, **match.as_dict()}
        cg, cg_a, dust, dust_a, own_bg = _layers(passes, lut, scene, plate is not None, haze_col - render_haze,
                                                 extra_haze, haze_col, match, vign if plate is not None else None)
        plate_layer = bg
        if plate is None:
            bg = plate_layer = own_bg
        else:
            has_ids = passes.object_id is not None
            if has_ids and passes.dust_plate is None and float(dust_a.max()) > 0:  # older passes: fill in
                holes = slut[np.clip(np.rint(passes.object_id[..., 0]).astype(np.int64), 0, len(slut) - 1)]
                if holes.any():
                    both = ops.fill_holes(np.concatenate([dust, dust_a], axis=-1), holes)
                    dust, dust_a = both[..., :3], np.clip(both[..., 3:4], 0.0, 1.0)
            if cp.shadows > 0 and has_ids and passes.material_id is not None:
                shade = _shadow_catcher(own_bg, passes.object_id, glut, passes.material_id)
                shade = 1.0 - cp.shadows * (1.0 - shade)
                if mat is not None:
                    shade = ops.transform(shade, mat, border="reflect").reshape(h, w, 1)
                bg = bg * shade
            if lens_maps is not None or mat is not None:
                cg, cg_a, dust, dust_a = _lens_and_track(cg, cg_a, dust, dust_a, lens_maps, mat)
        if plate is not None and "cg_grain_log_sigma" not in info:
            cover = 1.0 - (1.0 - cg_a) * (1.0 - dust_a)
            flat = _finish(cg, cg_a, dust, dust_a, bg, 0.0, np.zeros(3, np.float32), 0)
            cg_noise = ops.estimate_noise(to_log(flat), cover[..., 0] > 0.99)
            info["cg_grain_log_sigma"] = [round(float(v), 5) for v in cg_noise]
            grain_add = np.sqrt(np.maximum(plate_grain ** 2 - cg_noise ** 2, 0.0)).astype(np.float32)
            info["grain_added_log_sigma"] = [round(float(v), 5) for v in grain_add]
        if plate is not None:
            comp = _finish(cg, cg_a, dust, dust_a, bg, cp.light_wrap, grain_add, spec.seed * 7919 + frame,
                           radius=max(2.0, w / 320.0))
        else:  # the whole frame is CG: the over, then the lens and the look's grain on all of it
            comp = _finish(cg, cg_a, dust, dust_a, bg, 0.0, np.zeros(3, np.float32), 0)
            comp = _lens_vignette_grain(comp, lens_maps, vign, np.full(3, look_grain, np.float32),
                                        spec.seed * 7919 + frame)
        if shake[i].any():
            comp = ops.transform(comp, ops.shake_matrix(h, w, *shake[i]), border="reflect")
        if plate is None:
            comp = looks.apply_cdl(comp, look.cdl)
        tc = time.perf_counter()
        channels = {"R": comp[..., 0], "G": comp[..., 1], "B": comp[..., 2], "A": np.ones((h, w), np.float32)}
        for k, c in enumerate("RGB"):
            channels[f"plate.{c}"] = plate_layer[..., k]
            channels[f"cg.{c}"] = cg[..., k]
            channels[f"dustfx.{c}"] = dust[..., k]
        channels["cg.A"], channels["dustfx.A"] = cg_a[..., 0], dust_a[..., 0]
        attrs = {"software": "plano comp", "plano/comp": "graded" if plate is None else
                 "ungraded (plate colour); look in look.cc"}
        while len(writes) > 1:  # at most two frames waiting to be written
            writes.pop(0).result()
        writes.append(pool.submit(write_channels, written[i], channels, attrs, cp.exr_compression,
                                  {c: "half" for c in COMP_CHANNELS}))
        td = time.perf_counter()
        seconds["read"] += tb - ta
        seconds["comp"] += tc - tb
        seconds["write"] += td - tc
        progress((n_done + 1) / len(todo), f"frame {frame}")
    if tracker is not None:
        info["track"] = tracker.facts()
    tw = time.perf_counter()
    for f in writes:
        f.result()
    pool.shutdown()
    plate_pool.shutdown()
    seconds["write"] += time.perf_counter() - tw
    info["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
    info["seconds"]["total"] = round(time.perf_counter() - t0, 3)
    info["graded"] = plate is None
    info["layers"] = {"plate": "captured plate" if plate is not None else "the render's street and sky (simulated "
                      "and rendered)", "cg": "simulated and rendered", "dustfx": "simulated and rendered"}
    if generated is not None:
        info["generate"] = generated
        if generated.get("ai_used"):
            from plano.generate.label import layer_sources

            info["layers"].update(layer_sources(generated, plate is not None))
    atomic_write_text(out_dir / "info.json", json.dumps(info, indent=2) + "\n")
    return CompResult(tuple(written), plate is None, look.cdl, info)
