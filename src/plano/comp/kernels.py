"""The comp's per-pixel work fused into numba kernels (one pass over the frame each), so that a frame costs a few
memory sweeps instead of dozens of numpy temporaries. They compute what the functions of ``plano.comp.ops``
compute (tests compare them); ``ops`` stays the readable reference.

``layers``: render passes -> CG (premultiplied, hazed, colour-matched, vignetted), its coverage, the dust's light
(balanced like the CG) and opacity (over a plate: the dust marched past the render's stand-ins), and the render's
own background.
``lens_and_track``: the CG layers through the plate's lens and its tracked motion, skipping the tiles where they
hold nothing (``occupied_tiles``, ``map_boxes``, ``empty_tiles``).
``finish``: dust over (CG with light wrap over background), then grain in ACEScct code values where ``cover``.
``lens_rgb`` and ``grain``: a whole frame through the lens, vignette and grain (no plate).
``shadow_ratio_*``: the shadow catcher's passes over the render's ground.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np

from plano.comp.ops import ACESCCT_STEP, ACESCCT_TOE

try:
    import numba
    from numba import njit, prange
except ImportError:  # pragma: no cover - numba is in the sim extra; without it the numpy path runs
    numba = None

HAVE_NUMBA = numba is not None


@contextlib.contextmanager
def one_thread():
    """numba's parallel kernels on the calling thread alone while the block runs (restored after). The comp's
    parallelism is its pipeline: the pass reads, the EXR writes and the plate's decode and track run on threads of
    their own beside the main thread's kernels; on two cores numba's second OpenMP thread only competes with them
    and spins between kernels (one thread: comp 10-20% faster in alternating runs, with or without a plate)."""
    if not HAVE_NUMBA:
        yield
        return
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(before)


if HAVE_NUMBA:

    @njit(parallel=True, fastmath=True, cache=True)
    def layers(beauty, alpha, dust_a, dust_rgb, oid, depth, lut, haze_shift, haze_per_m, extra_per_m, extra_col,
               m_on, m_cg_black, m_black, m_gain, m_white, dust_bal, vign, plate_dust, out_cg, out_a, out_dust,
               out_da, out_bg):
        """``plate_dust`` (H, W, 4) or (0, 0, 4): over a plate, the dust layer is the dust marched past the render's
        stand-ins (its light balanced like the CG and vignetted, its opacity) instead of the render's own."""
        use_pd = plate_dust.shape[0] > 0
        h, w = beauty.shape[0], beauty.shape[1]
        n_lut = lut.shape[0]
        for y in prange(h):
            for x in range(w):
                d = dust_a[y, x, 0]
                t = 1.0 - d
                inv = 1.0 / max(t, 1e-2)
                k = int(oid[y, x, 0] + 0.5)
                k = 0 if k < 0 else (n_lut - 1 if k >= n_lut else k)
                geom = (alpha[y, x, 0] - d) / max(t, 1e-3)
                geom = 0.0 if geom < 0.0 else (1.0 if geom > 1.0 else geom)
                hold = geom if lut[k] else 0.0
                z = depth[y, x, 0]
                tr, te = 1.0, 1.0
                if hold > 0.0 and z > 0.0:  # the haze acts on the CG only
                    tr = math.exp(-haze_per_m * z)
                    te = math.exp(-extra_per_m * z)
                v = vign[y, x, 0]
                for c in range(3):
                    under = beauty[y, x, c] - dust_rgb[y, x, c]
                    under = (under if under > 0.0 else 0.0) * inv
                    cg = under * hold
                    out_bg[y, x, c] = under * (1.0 - hold)
                    if hold > 0.0:
                        cg = cg + haze_shift[c] * (1.0 - tr) * hold
                        cg = cg if cg > 0.0 else 0.0
                        cg = cg * te + extra_col[c] * (1.0 - te) * hold
                        if m_on:
                            s = cg / hold - m_cg_black[c]
                            s = (s if s > 0.0 else 0.0) * m_gain[c] + m_black[c]
                            kn = 0.8 * m_white[c]
                            if s > kn:
                                span = max(m_white[c] - kn, 1e-6)
                                s = kn + span * (1.0 - math.exp(-(s - kn) / span))
                            cg = s * hold
                    out_cg[y, x, c] = cg * v
                    out_dust[y, x, c] = (plate_dust[y, x, c] if use_pd else dust_rgb[y, x, c]) * dust_bal[c] * v
                out_a[y, x, 0] = hold
                out_da[y, x, 0] = plate_dust[y, x, 3] if use_pd else d
                # dust opacity is not vignetted: the vignette darkens light, not coverage

    @njit(inline="always")
    def _grained(v, normal, sigma):
        """``v`` with film grain: a standard normal times ``sigma`` ACEScct code values, as a linear-light change."""
        return v + normal * sigma * ACESCCT_STEP * (v if v > ACESCCT_TOE else ACESCCT_TOE)

    @njit(parallel=True, fastmath=True, cache=True)
    def finish(cg, cg_a, dust, dust_a, bg, wrap_bg, wrap_edge, wy0, wx0, wrap_amount, sigma, pool, oy, ox, out):
        """``pool`` (Hp, Wp, 3) standard normals made once; each frame reads it from another offset (oy, ox), so
        the grain is fresh every frame without drawing 3 normals per pixel. ``wrap_bg`` and ``wrap_edge`` cover
        the frame from row ``wy0``, column ``wx0`` (the CG's surroundings): no light wrap outside them."""
        h, w = cg.shape[0], cg.shape[1]
        ph, pw = pool.shape[0], pool.shape[1]
        wh, ww = wrap_bg.shape[0], wrap_bg.shape[1]
        for y in prange(h):
            py = (y + oy) % ph
            px = ox % pw
            iy = y - wy0
            for x in range(w):
                a = cg_a[y, x, 0]
                da = dust_a[y, x, 0]
                ix = x - wx0
                inside = a > 0.0 and 0 <= iy < wh and 0 <= ix < ww
                edge = a * (1.0 - wrap_edge[iy, ix, 0]) * wrap_amount if inside else 0.0
                cover = 1.0 - (1.0 - a) * (1.0 - da)
                for c in range(3):
                    wb = wrap_bg[iy, ix, c] if inside else 0.0
                    v = dust[y, x, c] + (1.0 - da) * (cg[y, x, c] + edge * wb + (1.0 - a) * bg[y, x, c])
                    if sigma[c] > 0.0 and cover > 0.0:
                        v = _grained(v, pool[py, px, c], sigma[c] * cover)
                    out[y, x, c] = v
                px += 1
                if px == pw:
                    px = 0

    @njit(parallel=True, fastmath=True, cache=True)
    def grain(rgb, sigma, pool, oy, ox, out):
        """Film grain of ``sigma`` (3,) ACEScct code values on the whole frame, from the noise pool."""
        h, w = rgb.shape[0], rgb.shape[1]
        ph, pw = pool.shape[0], pool.shape[1]
        for y in prange(h):
            py = (y + oy) % ph
            for x in range(w):
                px = (x + ox) % pw
                for c in range(3):
                    out[y, x, c] = _grained(rgb[y, x, c], pool[py, px, c], sigma[c])

    @njit(inline="always")
    def _bilinear(img, c, x, y):
        h, w = img.shape[0], img.shape[1]
        x0 = int(math.floor(x))
        y0 = int(math.floor(y))
        fx, fy = x - x0, y - y0
        v = 0.0
        for dy in range(2):
            yy = y0 + dy
            if yy < 0 or yy >= h:
                continue
            wy = fy if dy else 1.0 - fy
            for dx in range(2):
                xx = x0 + dx
                if xx < 0 or xx >= w:
                    continue
                wx = fx if dx else 1.0 - fx
                v += img[yy, xx, c] * wx * wy
        return v

    @njit(inline="always")
    def _lerp4(img, c, y0, x0, w00, w01, w10, w11):
        return (img[y0, x0, c] * w00 + img[y0, x0 + 1, c] * w01 + img[y0 + 1, x0, c] * w10
                + img[y0 + 1, x0 + 1, c] * w11)

    TILE_SHIFT = 4
    """Tiles of 16 x 16 pixels: an output tile whose samples all fall where the CG layers hold nothing is zeros."""

    @njit(cache=True)
    def occupied_tiles(cg_a, dust_a, dust):
        """(H / 16 + 1, W / 16 + 1) int32: the summed-area table of the tiles where any of the CG's coverage, the
        dust's opacity or its light is not zero (entry [i, j]: occupied tiles above and left of tile (i, j))."""
        h, w = cg_a.shape[0], cg_a.shape[1]
        th, tw = ((h - 1) >> TILE_SHIFT) + 1, ((w - 1) >> TILE_SHIFT) + 1
        own = np.zeros((th, tw), np.uint8)
        for y in range(h):
            ty = y >> TILE_SHIFT
            for x in range(w):
                if cg_a[y, x, 0] != 0.0 or dust_a[y, x, 0] != 0.0 or dust[y, x, 0] != 0.0 or dust[y, x, 1] != 0.0 \
                        or dust[y, x, 2] != 0.0:
                    own[ty, x >> TILE_SHIFT] = 1
        sat = np.zeros((th + 1, tw + 1), np.int32)
        for i in range(th):
            for j in range(tw):
                sat[i + 1, j + 1] = own[i, j] + sat[i, j + 1] + sat[i + 1, j] - sat[i, j]
        return sat

    @njit(cache=True)
    def map_boxes(gx, gy, rx, ry, bx, by):
        """(H / 16 + 1, W / 16 + 1, 4) float64: per output tile, the smallest and largest x and y that any of the
        three lens maps points to (x0, x1, y0, y1)."""
        h, w = gx.shape[0], gx.shape[1]
        th, tw = ((h - 1) >> TILE_SHIFT) + 1, ((w - 1) >> TILE_SHIFT) + 1
        out = np.empty((th, tw, 4), np.float64)
        for i in range(th):
            for j in range(tw):
                out[i, j, 0], out[i, j, 1], out[i, j, 2], out[i, j, 3] = 1e30, -1e30, 1e30, -1e30
        for y in range(h):
            i = y >> TILE_SHIFT
            for x in range(w):
                j = x >> TILE_SHIFT
                for u, v in ((gx[y, x], gy[y, x]), (rx[y, x], ry[y, x]), (bx[y, x], by[y, x])):
                    out[i, j, 0] = min(out[i, j, 0], u)
                    out[i, j, 1] = max(out[i, j, 1], u)
                    out[i, j, 2] = min(out[i, j, 2], v)
                    out[i, j, 3] = max(out[i, j, 3], v)
        return out

    @njit(inline="always")
    def _tile_is_empty(boxes, i, j, inv, sat, h, w):
        """Whether every bilinear tap of output tile (i, j) lands in a source tile that holds nothing."""
        x_lo, x_hi, y_lo, y_hi = 1e30, -1e30, 1e30, -1e30
        for u in (boxes[i, j, 0], boxes[i, j, 1]):  # the affine image of the box: bounded by its corners' images
            for v in (boxes[i, j, 2], boxes[i, j, 3]):
                sx = inv[0, 0] * u + inv[0, 1] * v + inv[0, 2]
                sy = inv[1, 0] * u + inv[1, 1] * v + inv[1, 2]
                x_lo, x_hi = min(x_lo, sx), max(x_hi, sx)
                y_lo, y_hi = min(y_lo, sy), max(y_hi, sy)
        th, tw = sat.shape[0] - 1, sat.shape[1] - 1
        a = max(0, int(math.floor(x_lo)) >> TILE_SHIFT) if x_lo > 0 else 0
        b = min(tw - 1, (int(math.floor(x_hi)) + 1) >> TILE_SHIFT) if x_hi < w else tw - 1
        c = max(0, int(math.floor(y_lo)) >> TILE_SHIFT) if y_lo > 0 else 0
        d = min(th - 1, (int(math.floor(y_hi)) + 1) >> TILE_SHIFT) if y_hi < h else th - 1
        if x_hi < -1.0 or y_hi < -1.0 or x_lo >= w or y_lo >= h:
            return True  # the whole tile samples outside the frame: zeros
        return sat[d + 1, b + 1] - sat[c, b + 1] - sat[d + 1, a] + sat[c, a] == 0

    @njit(cache=True)
    def empty_tiles(boxes, inv, sat, h, w):
        """(H / 16 + 1, W / 16 + 1) uint8: 1 for an output tile whose taps all land in empty source tiles."""
        th, tw = boxes.shape[0], boxes.shape[1]
        out = np.zeros((th, tw), np.uint8)
        for i in range(th):
            for j in range(tw):
                out[i, j] = _tile_is_empty(boxes, i, j, inv, sat, h, w)
        return out

    @njit(parallel=True, fastmath=True, cache=True)
    def lens_and_track(cg, cg_a, dust, dust_a, gx, gy, rx, ry, bx, by, inv, empty, out_cg, out_a, out_dust, out_da):
        """The CG layers sampled (bilinear, 0 outside) through the static lens maps (G and coverages, R, B), each
        map point moved by the track's inverse affine ``inv`` (2, 3). The four taps and their weights are found
        once per map point and shared by the layers sampled there; ``_bilinear`` only at the frame's edge. In an
        output tile that ``empty`` (``empty_tiles``) marks, every tap falls where the layers hold nothing: zeros,
        without sampling."""
        h, w = cg.shape[0], cg.shape[1]
        a00, a01, a02 = inv[0, 0], inv[0, 1], inv[0, 2]
        a10, a11, a12 = inv[1, 0], inv[1, 1], inv[1, 2]
        for y in prange(h):
            ty = y >> TILE_SHIFT
            for x in range(w):
                if empty[ty, x >> TILE_SHIFT]:
                    for c in range(3):
                        out_cg[y, x, c] = 0.0
                        out_dust[y, x, c] = 0.0
                    out_a[y, x, 0] = 0.0
                    out_da[y, x, 0] = 0.0
                    continue
                for m in range(3):
                    if m == 0:
                        u, v = gx[y, x], gy[y, x]
                    elif m == 1:
                        u, v = rx[y, x], ry[y, x]
                    else:
                        u, v = bx[y, x], by[y, x]
                    sx, sy = a00 * u + a01 * v + a02, a10 * u + a11 * v + a12
                    c = 1 if m == 0 else (0 if m == 1 else 2)
                    x0 = int(math.floor(sx))
                    y0 = int(math.floor(sy))
                    if x0 >= 0 and y0 >= 0 and x0 < w - 1 and y0 < h - 1:
                        fx, fy = sx - x0, sy - y0
                        w00, w01 = (1.0 - fx) * (1.0 - fy), fx * (1.0 - fy)
                        w10, w11 = (1.0 - fx) * fy, fx * fy
                        out_cg[y, x, c] = _lerp4(cg, c, y0, x0, w00, w01, w10, w11)
                        out_dust[y, x, c] = _lerp4(dust, c, y0, x0, w00, w01, w10, w11)
                        if m == 0:
                            out_a[y, x, 0] = _lerp4(cg_a, 0, y0, x0, w00, w01, w10, w11)
                            out_da[y, x, 0] = _lerp4(dust_a, 0, y0, x0, w00, w01, w10, w11)
                    else:
                        out_cg[y, x, c] = _bilinear(cg, c, sx, sy)
                        out_dust[y, x, c] = _bilinear(dust, c, sx, sy)
                        if m == 0:
                            out_a[y, x, 0] = _bilinear(cg_a, 0, sx, sy)
                            out_da[y, x, 0] = _bilinear(dust_a, 0, sx, sy)

    @njit(parallel=True, fastmath=True, cache=True)
    def lens_rgb(rgb, gx, gy, rx, ry, bx, by, vign, sigma, pool, oy, ox, out):
        """A whole frame through the lens maps (G with its map, R and B with theirs; bilinear, 0 outside), times the
        vignette, then film grain of ``sigma`` (3,) ACEScct code values from the noise pool (as ``grain``)."""
        h, w = out.shape[0], out.shape[1]
        ph, pw = pool.shape[0], pool.shape[1]
        for y in prange(h):
            py = (y + oy) % ph
            px = ox % pw
            for x in range(w):
                vg = vign[y, x, 0]
                for c in range(3):
                    if c == 0:
                        sx, sy = rx[y, x], ry[y, x]
                    elif c == 1:
                        sx, sy = gx[y, x], gy[y, x]
                    else:
                        sx, sy = bx[y, x], by[y, x]
                    x0 = int(math.floor(sx))
                    y0 = int(math.floor(sy))
                    if x0 >= 0 and y0 >= 0 and x0 < w - 1 and y0 < h - 1:  # inside: the four taps as they are
                        fx, fy = sx - x0, sy - y0
                        v = _lerp4(rgb, c, y0, x0, (1.0 - fx) * (1.0 - fy), fx * (1.0 - fy), (1.0 - fx) * fy, fx * fy)
                    else:
                        v = _bilinear(rgb, c, sx, sy)
                    out[y, x, c] = _grained(v * vg, pool[py, px, c], sigma[c])
                px += 1
                if px == pw:
                    px = 0

    @njit(cache=True)
    def shadow_ratio_prepare(ground_rgb, oid, ground_lut, material_id, lum_w):
        """The first pass of ``ops.shadow_catcher`` over the ground (``ground_lut`` of the rounded object id):
        (luminance (H, W) float32, material ids (H, W) int64 with -1 off the ground, pixels per material, which
        materials the every-7th-ground-pixel sample sees)."""
        h, w = oid.shape[0], oid.shape[1]
        n_lut = ground_lut.shape[0]
        lum = np.empty((h, w), np.float32)
        mids = np.full((h, w), -1, np.int64)
        top = 0
        for y in range(h):
            for x in range(w):
                k = int(oid[y, x, 0] + 0.5) if oid[y, x, 0] > 0 else 0  # rint for the ids' whole numbers
                k = n_lut - 1 if k >= n_lut else k
                lum[y, x] = (ground_rgb[y, x, 0] * lum_w[0] + ground_rgb[y, x, 1] * lum_w[1]
                             + ground_rgb[y, x, 2] * lum_w[2])
                if ground_lut[k]:
                    mid = int(np.rint(material_id[y, x, 0]))
                    mids[y, x] = mid
                    top = max(top, mid + 1)
        count = np.zeros(max(top, 1), np.int64)
        seen = np.zeros(max(top, 1), np.bool_)
        n = 0
        for y in range(h):
            for x in range(w):
                mid = mids[y, x]
                if mid >= 0:
                    count[mid] += 1
                    if n % 7 == 0:
                        seen[mid] = True
                    n += 1
        return lum, mids, count, seen

    @njit(cache=True)
    def shadow_ratio_samples(lum, mids, mid, step, n_out):
        """Every ``step``-th luminance of material ``mid``'s ground pixels, in raster order (``n_out`` of them)."""
        out = np.empty(n_out, np.float32)
        i = 0
        j = 0
        for y in range(lum.shape[0]):
            for x in range(lum.shape[1]):
                if mids[y, x] == mid:
                    if i % step == 0 and j < n_out:
                        out[j] = lum[y, x]
                        j += 1
                    i += 1
        return out[:j]

    @njit(cache=True)
    def shadow_ratio_apply(lum, mids, ref, out):
        """``out`` = the ground's luminance over its material's sunlit level, 0..1; 1 off the ground or where the
        material has no level (``ref`` <= 0)."""
        for y in range(lum.shape[0]):
            for x in range(lum.shape[1]):
                mid = mids[y, x]
                r = ref[mid] if mid >= 0 else 0.0
                if r > 0.0:
                    v = lum[y, x] / r
                    out[y, x] = 0.0 if v < 0.0 else (1.0 if v > 1.0 else v)
                else:
                    out[y, x] = 1.0
