"""The contact sheet: a grid of evenly spaced frames with their numbers burned in (bottom left), and an optional row of
pass thumbnails (depth, dust) below. Pillow."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from plano.core.atomic import atomic_path
from plano.errors import MissingEngine

THUMB_WIDTH = 320
GAP = 8
HEADER_HEIGHT = 36
BACKGROUND = (18, 18, 18)


def _pil():
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError as err:  # pragma: no cover
        raise MissingEngine("pillow", str(err), "pip install pillow") from None
    return Image, ImageDraw, ImageFont


def pick_frames(count: int, wanted: int = 12) -> list[int]:
    """Indices of ``wanted`` evenly spaced frames out of ``count`` (first and last included)."""
    if count <= wanted:
        return list(range(count))
    return sorted({round(i * (count - 1) / (wanted - 1)) for i in range(wanted)})


def depth_preview(depth_m: np.ndarray) -> np.ndarray:
    """(H, W) metres -> (H, W, 3) uint8: near is bright, far dark, nothing hit (0) black; log scale."""
    d = np.asarray(depth_m, dtype=np.float32)
    hit = np.isfinite(d) & (d > 0)
    out = np.zeros(d.shape, np.float32)
    if hit.any():
        logd = np.log(d[hit])
        lo, hi = np.percentile(logd, 1), np.percentile(logd, 99)
        out[hit] = 1.0 - np.clip((logd - lo) / max(hi - lo, 1e-6), 0.0, 1.0) * 0.85
    g = (out * 255 + 0.5).astype(np.uint8)
    return np.stack([g, g, g], axis=-1)


def mono_preview(values: np.ndarray) -> np.ndarray:
    """(H, W) in [0, 1] (dust opacity) -> (H, W, 3) uint8, warm tint."""
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float32)), 0.0, 1.0)
    return (np.stack([v, v * 0.92, v * 0.8], axis=-1) * 255 + 0.5).astype(np.uint8)


def thumb_height(width: int, height: int, thumb_width: int = THUMB_WIDTH) -> int:
    return max(1, round(thumb_width * height / width))


def contact_sheet(
    path: str | Path,
    frames: list[tuple[str, np.ndarray]],
    extra_row: list[tuple[str, np.ndarray]] = (),
    title: str = "",
    columns: int = 4,
    thumb_width: int = THUMB_WIDTH,
) -> Path:
    """Write a PNG contact sheet. ``frames``: (label, uint8 (H, W, 3)) in order, laid out ``columns`` wide;
    ``extra_row``: (label, uint8 (H, W, 3)) pass thumbnails on a last row. All images share one aspect.

    Size: width ``columns * thumb_width + (columns + 1) * GAP``; height ``HEADER_HEIGHT`` plus, per row,
    ``thumb_h + GAP`` (+ GAP at the bottom).
    """
    Image, ImageDraw, ImageFont = _pil()
    h0, w0 = frames[0][1].shape[:2]
    th = thumb_height(w0, h0, thumb_width)
    rows = [list(frames[i : i + columns]) for i in range(0, len(frames), columns)]
    if extra_row:
        rows += [list(extra_row[i : i + columns]) for i in range(0, len(extra_row), columns)]
    width = columns * thumb_width + (columns + 1) * GAP
    height = HEADER_HEIGHT + len(rows) * (th + GAP) + GAP
    sheet = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=15)
    title_font = ImageFont.load_default(size=20)
    draw.text((GAP, 8), title, fill=(235, 235, 235), font=title_font)
    y = HEADER_HEIGHT
    for row in rows:
        for c, (label, img) in enumerate(row):
            x = GAP + c * (thumb_width + GAP)
            thumb = Image.fromarray(np.ascontiguousarray(img)).resize((thumb_width, th), Image.LANCZOS)
            sheet.paste(thumb, (x, y))
            # burned in: white on a dark box, bottom left of the thumbnail
            box = draw.textbbox((0, 0), label, font=font)
            bw, bh = box[2] - box[0] + 8, box[3] - box[1] + 8
            draw.rectangle((x, y + th - bh, x + bw, y + th), fill=(0, 0, 0))
            draw.text((x + 4 - box[0], y + th - bh + 4 - box[1]), label, fill=(255, 255, 255), font=font)
        y += th + GAP
    with atomic_path(path) as tmp:
        sheet.save(tmp, format="PNG", optimize=False)
    return Path(path)
