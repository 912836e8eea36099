"""Movies with PyAV (its own ffmpeg): ProRes 422 HQ ``.mov`` and H.264 ``.mp4``, tagged Rec.709.

Frames come in display-referred (already through ``plano.color.to_display(..., "rec709")``) as float32
(H, W, 3) in [0, 1]. ProRes is fed 16-bit RGB and converted to 10-bit 4:2:2 with the BT.709 matrix;
H.264 8-bit 4:2:0. Both need even sizes: an odd width or height loses its last column or row.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import numpy as np

from plano.core.atomic import atomic_path
from plano.errors import MissingEngine, PlanoError

Codec = Literal["prores", "h264"]

# ffmpeg's AVCOL_* numbers for BT.709 and limited ("tv"/MPEG) range
_BT709 = 1
_MPEG_RANGE = 1


def _av():
    try:
        import av
    except ImportError as err:  # pragma: no cover
        raise MissingEngine("PyAV", str(err), "pip install 'plano[deliver]'  (or: pip install av)") from None
    return av


def frame_rate(fps: float) -> Fraction:
    """24 -> 24/1, 23.976 -> 24000/1001, 29.97 -> 30000/1001."""
    return Fraction(fps).limit_denominator(1001)


@dataclass(frozen=True)
class MovieSettings:
    codec_name: str
    pix_fmt: str
    options: dict[str, str]
    suffix: str


SETTINGS: dict[str, MovieSettings] = {
    # ffmpeg's `prores` (prores_aw) rather than `prores_ks`: the same ProRes 422 HQ ('apch'), measured 2.2x faster
    # on the reference shot's frames and a little closer to the source (PSNR 45.7 against 44.8 dB), benchmarks/RESULTS.md
    "prores": MovieSettings("prores", "yuv422p10le", {"profile": "3", "vendor": "apl0"}, ".mov"),
    # a review movie: `veryfast` at CRF 18 is visually the same as `medium` and a third faster
    "h264": MovieSettings("libx264", "yuv420p", {"crf": "18", "preset": "veryfast", "tune": "film"}, ".mp4"),
}


def even_size(width: int, height: int) -> tuple[int, int]:
    return width - width % 2, height - height % 2


class MovieWriter:
    """``with MovieWriter(path, "prores", 24, 1280, 720) as w: w.add(frame)``; written to a temporary
    name and renamed when closed without error."""

    def __init__(self, path: str | Path, codec: Codec, fps: float, width: int, height: int):
        if codec not in SETTINGS:
            raise PlanoError(f"movie codec {codec!r} is not known; expected one of {sorted(SETTINGS)}")
        self.path, self.codec = Path(path), codec
        self.width, self.height = even_size(width, height)
        if self.width < 2 or self.height < 2:
            raise PlanoError(f"a movie needs at least 2x2 pixels, got {width}x{height}")
        self.settings = SETTINGS[codec]
        self.rate = frame_rate(fps)
        self.frames = 0
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> "MovieWriter":
        av = _av()
        tmp = self._stack.enter_context(atomic_path(self.path))
        try:
            self._container = av.open(str(tmp), mode="w")
        except Exception as err:
            self._stack.close()
            raise PlanoError(f"cannot write movie {str(self.path)!r}: {err}") from None
        s = self.settings
        try:
            stream = self._container.add_stream(s.codec_name, rate=self.rate)
        except Exception as err:
            self._container.close()
            self._stack.close()
            raise MissingEngine(s.codec_name, f"this PyAV/ffmpeg build cannot encode it ({err})", "pip install -U av") from None
        stream.width, stream.height, stream.pix_fmt = self.width, self.height, s.pix_fmt
        stream.options = dict(s.options)
        cc = stream.codec_context
        cc.thread_type, cc.thread_count = "FRAME", 0  # every core (prores: frame threads; x264 its own)
        cc.color_primaries, cc.color_trc, cc.colorspace, cc.color_range = _BT709, _BT709, _BT709, _MPEG_RANGE
        self._stream = stream
        return self

    @property
    def bits(self) -> int:
        """The integer depth this codec is fed: 16 (ProRes, 10-bit inside) or 8 (H.264)."""
        return 16 if self.codec == "prores" else 8

    def quantize(self, display_rgb: np.ndarray) -> np.ndarray:
        """Display-referred float in [0, 1] -> what ``add`` feeds the encoder (uint16 or uint8), so a caller can do
        it on another thread."""
        if self.bits > 8:
            return (np.clip(display_rgb, 0.0, 1.0) * 65535.0 + 0.5).astype(np.uint16)
        return (np.clip(display_rgb, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)

    def add(self, display_rgb: np.ndarray) -> None:
        """Add one frame: display-referred float (H, W, 3) in [0, 1], or ``quantize``'s uint16 / uint8, H, W at
        least the movie's."""
        av = _av()
        img = np.asarray(display_rgb)
        if img.ndim != 3 or img.shape[2] != 3 or img.shape[0] < self.height or img.shape[1] < self.width:
            raise PlanoError(
                f"movie frame {self.frames} has shape {img.shape}; expected ({self.height}, {self.width}, 3) "
                "like the first frame: every pass of a shot must have the same size"
            )
        img = img[: self.height, : self.width]
        if img.dtype == np.uint8:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
        elif img.dtype == np.uint16:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb48le")
        else:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(self.quantize(img)), format=(
                "rgb48le" if self.bits > 8 else "rgb24"))
        frame = frame.reformat(format=self.settings.pix_fmt, dst_colorspace="itu709", dst_color_range="MPEG")
        frame.color_primaries, frame.color_trc, frame.colorspace, frame.color_range = _BT709, _BT709, _BT709, _MPEG_RANGE
        frame.pts = self.frames
        frame.time_base = 1 / self.rate
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames += 1

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                for packet in self._stream.encode():
                    self._container.mux(packet)
            self._container.close()
        finally:
            self._stack.__exit__(exc_type, exc, tb)


def probe_movie(path: str | Path) -> dict:
    """Decode a movie and report codec, size, frame rate and the number of decoded frames."""
    av = _av()
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        info = {
            "codec": s.codec_context.name,
            "profile": s.codec_context.profile,
            "width": s.codec_context.width,
            "height": s.codec_context.height,
            "fps": float(s.average_rate) if s.average_rate else None,
            "pix_fmt": s.codec_context.pix_fmt,
            "color_primaries": s.codec_context.color_primaries,
            "color_trc": s.codec_context.color_trc,
            "colorspace": s.codec_context.colorspace,
        }
        info["frames"] = sum(1 for _ in c.decode(video=0))
    return info
