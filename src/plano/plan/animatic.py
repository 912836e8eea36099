"""The animatic: the sequence's shots cut together in order into one movie, with a slate at the head and burn-ins
on every frame (sequence, shot, version, shot frame from 1001, the cut's timecode from 01:00:00:00, lens).

Each shot's delivered H.264 movie is decoded with PyAV, fitted into the animatic's picture (letterboxed when its
aspect differs), labelled, and written again as H.264 (plano.deliver.movie). The cut it makes is what
:mod:`plano.plan.editorial` turns into an OpenTimelineIO timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from plano.errors import PlanoError

SLATE_S = 2.0
"""Seconds of slate before the first shot."""
RECORD_START_HOURS = 1
"""The cut's timecode starts at 01:00:00:00, the slate included."""


@dataclass(frozen=True)
class CutShot:
    """One shot in the cut: what it is and where its frames come from."""

    shot: str
    version: int
    movie: Path
    frames: int
    """Frames of the shot in the cut (its movie's, from frame 1001)."""
    first_frame: int = 1001
    lens: str = ""
    event_start_s: float = 0.0


@dataclass(frozen=True)
class Animatic:
    path: Path
    fps: float
    width: int
    height: int
    slate_frames: int
    cuts: tuple[tuple[CutShot, int], ...]
    """Each shot with the animatic frame (from 0) where it starts."""

    @property
    def frame_count(self) -> int:
        return self.slate_frames + sum(c.frames for c, _ in self.cuts)


def timecode(frame: int, fps: float) -> str:
    """The cut's timecode of animatic frame ``frame`` (from 01:00:00:00)."""
    import opentimelineio as otio

    start = RECORD_START_HOURS * 3600 * fps
    return otio.opentime.to_timecode(otio.opentime.RationalTime(start + frame, fps), fps)


def read_frames(path: Path, limit: int) -> Iterator[np.ndarray]:
    """The first ``limit`` frames of a movie as (H, W, 3) uint8 display RGB (Rec.709 as encoded)."""
    import av

    try:
        container = av.open(str(path))
    except Exception as err:  # noqa: BLE001 - PyAV raises many kinds; one message
        raise PlanoError(f"cannot read the shot's movie {str(path)!r} ({err}); make the shot again "
                         "(`plano plan FILE`)") from None
    with container:
        n = 0
        for frame in container.decode(video=0):
            if n >= limit:
                break
            yield frame.to_ndarray(format="rgb24")
            n += 1
    if n < limit:
        raise PlanoError(f"{path} has {n} frames, the cut needs {limit}; make the shot again (`plano plan FILE`)")


def fit(img: np.ndarray, width: int, height: int) -> np.ndarray:
    """``img`` scaled to fit ``width`` x ``height``, centred on black (letterbox or pillarbox)."""
    from PIL import Image

    h, w = img.shape[:2]
    s = min(width / w, height / h)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    out = np.zeros((height, width, 3), np.uint8)
    small = np.asarray(Image.fromarray(img).resize((nw, nh), Image.BILINEAR)) if (nw, nh) != (w, h) else img
    y, x = (height - nh) // 2, (width - nw) // 2
    out[y:y + nh, x:x + nw] = small
    return out


def _font(size: int):
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def burn_in(img: np.ndarray, corners: dict[str, str]) -> np.ndarray:
    """Text in the corners (``tl``, ``tr``, ``bl``, ``br``) on dark boxes, sized to the picture."""
    from PIL import Image, ImageDraw

    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    h, w = img.shape[:2]
    font = _font(max(10, h // 28))
    pad = max(3, h // 90)
    for corner, text in corners.items():
        if not text:
            continue
        l, t, r, b = draw.textbbox((0, 0), text, font=font)
        tw, th = r - l, b - t
        x = pad if corner[1] == "l" else w - tw - 3 * pad
        y = pad if corner[0] == "t" else h - th - 3 * pad
        draw.rectangle((x, y, x + tw + 2 * pad, y + th + 2 * pad), fill=(0, 0, 0))
        draw.text((x + pad - l, y + pad - t), text, fill=(255, 255, 255), font=font)
    return np.asarray(pil)


def slate(width: int, height: int, title: str, lines: list[str]) -> np.ndarray:
    """The slate card: the sequence's name large, then what it is, one line each."""
    from PIL import Image, ImageDraw

    pil = Image.new("RGB", (width, height), (18, 18, 20))
    draw = ImageDraw.Draw(pil)
    big, small = _font(max(14, height // 9)), _font(max(9, height // 30))
    x, y = width // 12, height // 10
    draw.text((x, y), title, fill=(240, 240, 240), font=big)
    y += int(height / 9 * 1.6)
    for line in lines:
        draw.text((x, y), line, fill=(200, 200, 200), font=small)
        y += int(height / 30 * 1.5)
    return np.asarray(pil)


def make_animatic(sequence: str, event: str, cut: list[CutShot], out: Path, fps: float,
                  size: tuple[int, int] | None = None, slate_s: float = SLATE_S) -> Animatic:
    """Cut ``cut`` together into ``out`` (H.264): a slate of ``slate_s`` seconds, then every shot with burn-ins.
    ``size``: the animatic's picture (default: the first shot's movie's)."""
    import av

    from plano.deliver.movie import MovieWriter

    if not cut:
        raise PlanoError(f"sequence {sequence} has no shots to cut together")
    if size is None:
        try:
            with av.open(str(cut[0].movie)) as c:
                cc = c.streams.video[0].codec_context
                size = (cc.width, cc.height)
        except Exception as err:  # noqa: BLE001
            raise PlanoError(f"cannot read the shot's movie {str(cut[0].movie)!r} ({err})") from None
    width, height = size
    slate_frames = max(0, round(slate_s * fps))
    total = slate_frames + sum(c.frames for c in cut)
    lines = [event[:110], f"{len(cut)} shots, {total - slate_frames} frames ({(total - slate_frames) / fps:.2f} s) "
             f"at {fps:g} fps, plus {slate_frames} frames of slate",
             *[f"{c.shot} v{c.version:03d}  {c.frames} fr  {c.lens}  from {c.event_start_s:g} s of the event"
               for c in cut[:14]],
             f"animatic made {dt.date.today().isoformat()} by plano: previs, not final pixels"]
    card = slate(width, height, sequence, lines)
    placed: list[tuple[CutShot, int]] = []
    with MovieWriter(out, "h264", fps, width, height) as w:
        for i in range(slate_frames):
            w.add(burn_in(card, {"br": timecode(i, fps)}))
        at = slate_frames
        for c in cut:
            placed.append((c, at))
            for k, img in enumerate(read_frames(c.movie, c.frames)):
                frame = fit(img, w.width, w.height)
                w.add(burn_in(frame, {
                    "tl": f"{c.shot}  v{c.version:03d}", "tr": c.lens,
                    "bl": f"frame {c.first_frame + k}", "br": timecode(at + k, fps),
                }))
            at += c.frames
    return Animatic(out, fps, width - width % 2, height - height % 2, slate_frames, tuple(placed))
