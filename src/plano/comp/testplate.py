"""A synthetic street plate, for tests and for trying ``--plate`` without footage: an afternoon sky, a row of
low buildings at both sides with an empty lot in the middle (where the CG building goes), a road with markings
and kerbs, film grain of a known size, and optionally a hand-held drift of known pixels per frame.

``make_plate_frames`` gives scene-linear ACEScg frames; ``write_plate`` encodes them as a movie (PyAV, in the
colour space named) or an image sequence (OpenImageIO), the way a camera department would hand them over.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from plano.color.spaces import from_acescg, from_log, to_log


def _street(h: int, w: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    u, v = x / w, y / h
    horizon = 0.6
    sky = np.stack([0.30 + 0.25 * (v / horizon), 0.42 + 0.22 * (v / horizon), 0.75 + 0.05 * (v / horizon)], -1)
    sky *= 0.9
    sun = np.exp(-((u - 0.85) ** 2 + (v - 0.1) ** 2) / 0.02)[..., None] * np.array([1.2, 0.9, 0.5])
    img = sky + sun
    ground = v > horizon
    depth = np.maximum(v - horizon, 1e-3)
    # asphalt: a smooth, low-frequency variation (the only pixel-to-pixel noise of the plate is its grain)
    asphalt = 0.06 + 0.01 * np.sin(u * 23.0 + rng.uniform(0, 6)) * np.sin(v * 57.0)
    img[ground] = np.stack([asphalt * 1.05, asphalt, asphalt * 0.95], -1)[ground]
    # road markings converging to the vanishing point, and kerbs
    for lane in (-0.6, 0.0, 0.6):
        xl = 0.5 + lane * depth / (1 - horizon) * 1.5
        dash = (np.sin(1.0 / depth * 2.0) > 0.2) if lane == 0.0 else np.ones_like(ground)
        line = ground & (np.abs(u - xl) < 0.004 + 0.01 * depth) & dash
        img[line] = (0.55, 0.55, 0.5)
    # low buildings at both sides, the middle empty
    for x0, x1, top, tone in ((0.0, 0.18, 0.32, 0.22), (0.18, 0.3, 0.45, 0.16), (0.72, 0.84, 0.40, 0.2),
                              (0.84, 1.0, 0.28, 0.25)):
        box = (u >= x0) & (u < x1) & (v >= top) & (v <= horizon + 0.01)
        lit = 1.25 if x0 > 0.5 else 0.8  # the sun is to the right: right-hand facades are lit
        col = np.array([tone * 1.05, tone, tone * 0.92]) * lit
        img[box] = col
        win = box & ((x * 0.9 % 14) < 6) & ((y * 0.9 % 18) < 9) & (v > top + 0.02)
        img[win] = col * 0.35
    return img.astype(np.float32)


def make_plate_frames(n: int, width: int = 320, height: int = 180, grain_log_sigma: float = 0.01,
                      drift_px: tuple[float, float] = (0.0, 0.0), seed: int = 0) -> list[np.ndarray]:
    """``n`` frames (H, W, 3) ACEScg of the street, each with fresh grain (``grain_log_sigma`` in ACEScct code
    values) and moved ``drift_px`` (x, y) pixels per frame (a steady hand-held drift)."""
    return list(iter_plate_frames(n, width, height, grain_log_sigma, drift_px, seed))


def iter_plate_frames(n: int, width: int = 320, height: int = 180, grain_log_sigma: float = 0.01,
                      drift_px: tuple[float, float] = (0.0, 0.0), seed: int = 0):
    """``make_plate_frames`` one frame at a time (for long plates)."""
    import cv2

    pad = int(max(abs(drift_px[0]), abs(drift_px[1])) * n) + 4
    base = _street(height + 2 * pad, width + 2 * pad, seed)
    rng = np.random.default_rng(seed + 1)
    for i in range(n):
        m = np.array([[1.0, 0.0, -pad - drift_px[0] * i], [0.0, 1.0, -pad - drift_px[1] * i]])
        frame = cv2.warpAffine(base, m, (width, height), flags=cv2.INTER_LINEAR)
        if grain_log_sigma > 0:
            log = to_log(frame) + rng.standard_normal(frame.shape).astype(np.float32) * grain_log_sigma
            frame = from_log(log)
        yield frame.astype(np.float32)


def write_plate(frames, path: str | Path, colorspace: str = "sRGB", fps: float = 24.0) -> Path:
    """Encode ACEScg frames (a list or an iterator) as a plate: ``.mov`` / ``.mp4`` through PyAV (ProRes / H.264),
    or a sequence ``plate.####.exr`` (half float) / ``.png`` (16-bit) / ``.jpg`` through OpenImageIO, from 1001."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    enc = (np.clip(from_acescg(f, colorspace), 0.0, None) for f in frames)
    if path.suffix.lower() in (".mov", ".mp4"):
        from plano.deliver.movie import MovieWriter

        first = next(enc)
        h, w = first.shape[:2]
        with MovieWriter(path, "prores" if path.suffix.lower() == ".mov" else "h264", fps, w, h) as mw:
            mw.add(np.clip(first, 0.0, 1.0))
            for e in enc:
                mw.add(np.clip(e, 0.0, 1.0))
        return path
    import OpenImageIO as oiio

    from plano.comp.plate import _PATTERN

    m = _PATTERN.search(path.name)
    for i, e in enumerate(enc):
        name = path.name[: m.start()] + f"{1001 + i:04d}" + path.name[m.end():] if m else path.name
        out = path.with_name(name)
        fmt = {".exr": "half", ".png": "uint16", ".tif": "uint16", ".tiff": "uint16"}.get(path.suffix.lower(), "uint8")
        spec = oiio.ImageSpec(e.shape[1], e.shape[0], 3, fmt)
        o = oiio.ImageOutput.create(str(out))
        o.open(str(out), spec)
        o.write_image(np.ascontiguousarray(e if fmt == "half" else np.clip(e, 0, 1), np.float32))
        o.close()
        if not m:
            break
    return path
