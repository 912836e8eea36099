"""Plate ingest: a movie (PyAV), an image sequence or a still (OpenImageIO) -> scene-linear ACEScg frames at the
shot's size and rate.

``open_plate(path, colorspace, shot_frames, fps, size)`` returns a ``Plate`` whose ``frame(i)`` is shot frame
``i`` (0-based) as (H, W, 3) float32 ACEScg, converted by OCIO from the stated input colour space. What was done
to make it fit (another rate, another size, a held still) is said in ``Plate.conform``, never done silently. A
missing, unreadable or short plate is a PlanoError naming the file and frame.

Sequences are written ``plate.####.exr``, ``plate.%04d.dpx`` or ``plate.@@@@.tif``; any other path with a movie
extension is a movie, and anything else one still image held for the shot.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from plano.color.spaces import resolve, to_acescg
from plano.errors import MissingEngine, PlanoError

MOVIE_EXTS = (".mov", ".mp4", ".m4v", ".mxf", ".mkv", ".avi", ".webm")
IMAGE_EXTS = (".exr", ".dpx", ".tif", ".tiff", ".png", ".jpg", ".jpeg")
_PATTERN = re.compile(r"(#+|@+|%0?(\d*)d)")


def _oiio():
    try:
        import OpenImageIO as oiio
    except ImportError as err:  # pragma: no cover - depends on the install
        raise MissingEngine("OpenImageIO", str(err), "pip install 'plano[comp]'  (or: pip install openimageio)") from None
    return oiio


def _av():
    try:
        import av
    except ImportError as err:  # pragma: no cover
        raise MissingEngine("PyAV", str(err), "pip install 'plano[comp]'  (or: pip install av)") from None
    return av


def read_image(path: str | Path, what: str = "plate") -> np.ndarray:
    """An image file as (H, W, 3) float32 in its own encoding (integers scaled to 0..1; EXR values as stored)."""
    oiio = _oiio()
    path = Path(path)
    if not path.is_file():
        raise PlanoError(f"{what} {str(path)!r} does not exist")
    inp = oiio.ImageInput.open(str(path))
    if inp is None:
        raise PlanoError(f"{what} {str(path)!r} is not a readable image ({oiio.geterror() or 'unknown format'}); "
                         f"expected one of {', '.join(IMAGE_EXTS)}")
    try:
        spec = inp.spec()
        pixels = inp.read_image(0, 0, 0, min(3, spec.nchannels), "float")
        err = inp.geterror()
    finally:
        inp.close()
    if pixels is None or err:
        raise PlanoError(f"{what} {str(path)!r} is truncated or corrupt ({err or 'no pixels'}); re-export it")
    arr = np.asarray(pixels, np.float32).reshape(spec.height, spec.width, -1)
    if arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
    elif arr.shape[2] == 2:
        arr = np.concatenate([arr, arr[..., :1]], axis=2)
    return np.ascontiguousarray(arr[..., :3])


def sequence_files(pattern: str | Path) -> dict[int, Path]:
    """``plate.####.exr`` -> {frame number: path} of the files that exist."""
    p = Path(pattern)
    m = _PATTERN.search(p.name)
    if m is None:
        return {}
    pre, post = p.name[: m.start()], p.name[m.end():]
    rx = re.compile(re.escape(pre) + r"(\d+)" + re.escape(post) + "$")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise PlanoError(f"plate folder {str(folder)!r} does not exist (plate {str(pattern)!r})")
    out = {}
    for f in folder.iterdir():
        hit = rx.match(f.name)
        if hit:
            out[int(hit.group(1))] = f
    return out


def _seq_name(pattern: Path, frame: int) -> Path:
    m = _PATTERN.search(pattern.name)
    assert m is not None
    width = len(m.group(1)) if m.group(1)[0] in "#@" else int(m.group(2) or 1)
    return pattern.with_name(pattern.name[: m.start()] + f"{frame:0{width}d}" + pattern.name[m.end():])


def kind_of(path: str | Path) -> str:
    """``sequence``, ``movie`` or ``still``."""
    p = Path(path)
    if _PATTERN.search(p.name):
        return "sequence"
    if p.suffix.lower() in MOVIE_EXTS:
        return "movie"
    return "still"


@dataclass
class Plate:
    """An opened plate. ``frame(i)``: shot frame ``i`` (0-based) as (H, W, 3) float32 scene-linear ACEScg at ``size``
    (the same array for repeated calls of a movie frame: copy it before changing it)."""

    path: Path
    kind: str
    colorspace: str
    """The OCIO input colour space."""
    size: tuple[int, int]
    """(width, height) delivered."""
    source_size: tuple[int, int]
    source_fps: float | None
    fps: float
    index: list[int]
    """Per shot frame, the plate frame shown (movie frame from 0, or sequence number)."""
    conform: list[str] = field(default_factory=list)
    _files: dict[int, Path] = field(default_factory=dict)
    _still: np.ndarray | None = None
    _decoder: Iterator[tuple[int, np.ndarray]] | None = None
    _last: tuple[int, np.ndarray] | None = None

    def info(self) -> dict:
        return {"path": str(self.path), "kind": self.kind, "colorspace": self.colorspace,
                "source_size": list(self.source_size), "size": list(self.size), "source_fps": self.source_fps,
                "plate_frames": [self.index[0], self.index[-1]] if self.index else [], "conform": list(self.conform)}

    def _fit(self, rgb: np.ndarray, where: str, finite: bool = False) -> np.ndarray:
        """Scale to cover the shot's size, centre-crop the rest, and convert to ACEScg. ``finite``: the values are
        known to be finite (a movie's integer code values), so they are not checked."""
        import cv2

        h, w = rgb.shape[:2]
        W, H = self.size
        if (w, h) != (W, H):
            s = max(W / w, H / h)
            nw, nh = max(W, round(w * s)), max(H, round(h * s))
            rgb = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
            x0, y0 = (nw - W) // 2, (nh - H) // 2
            rgb = rgb[y0:y0 + H, x0:x0 + W]
        if not finite and not np.isfinite(rgb).all():
            raise PlanoError(f"plate {where} holds NaN or infinite values; re-export it")
        return to_acescg(np.ascontiguousarray(rgb, np.float32), self.colorspace)

    def frame(self, i: int) -> np.ndarray:
        if self.kind == "still" or self._still is not None:
            return self._still.copy()  # type: ignore[union-attr]
        n = self.index[i]
        if self.kind == "sequence":
            f = self._files.get(n)
            if f is None:
                raise PlanoError(f"plate frame {n} ({str(_seq_name(self.path, n))!r}) is missing from the sequence "
                                 f"{str(self.path)!r} (shot frame {i + 1} of {len(self.index)}); render or copy it in")
            return self._fit(read_image(f, f"plate frame {n}"), f"frame {n} ({str(f)!r})")
        return self._movie_frame(n)

    def _movie_frame(self, n: int) -> np.ndarray:
        if self._last is not None and self._last[0] == n:
            return self._last[1]
        if self._decoder is None or (self._last is not None and self._last[0] > n):
            self._decoder = _decode(self.path)
        for k, rgb in self._decoder:
            if k == n:
                out = self._fit(rgb, f"frame {n} of {str(self.path)!r}", finite=True)
                self._last = (n, out)
                return out
        raise PlanoError(f"plate {str(self.path)!r} ended before frame {n}; it is shorter than the shot needs "
                         f"({self.index[-1] + 1} frames)")


def _decode(path: Path) -> Iterator[tuple[int, np.ndarray]]:
    av = _av()
    try:
        container = av.open(str(path))
    except Exception as err:  # noqa: BLE001 - PyAV raises many types
        raise PlanoError(f"plate {str(path)!r} is not a readable movie ({err}); expected "
                         f"{', '.join(MOVIE_EXTS)} that ffmpeg decodes") from None
    with container:
        k = -1
        try:
            for frame in container.decode(video=0):
                k += 1
                # Y'CbCr -> R'G'B' with the BT.709 matrix (HD and film plates); the colour space stated for
                # the plate then says what the R'G'B' code values mean
                rgb = frame.reformat(format="rgb48le", src_colorspace="itu709",
                                     src_color_range="JPEG" if frame.color_range == 2 else "MPEG").to_ndarray()
                yield k, np.divide(rgb, np.float32(65535.0), dtype=np.float32)  # one pass; the same values
        except PlanoError:
            raise
        except Exception as err:  # noqa: BLE001
            raise PlanoError(f"plate {str(path)!r} is corrupt at frame {k + 1} ({err}); re-export it") from None


def _probe_movie(path: Path) -> tuple[int, float, tuple[int, int]]:
    av = _av()
    try:
        with av.open(str(path)) as c:
            if not c.streams.video:
                raise PlanoError(f"plate {str(path)!r} has no video stream")
            s = c.streams.video[0]
            fps = float(s.average_rate or s.guessed_rate or 0) or None
            frames = s.frames or 0
            size = (s.codec_context.width, s.codec_context.height)
            if not frames:  # not in the header: count by demuxing (no decode)
                frames = sum(1 for p in c.demux(s) if p.size)
    except PlanoError:
        raise
    except Exception as err:  # noqa: BLE001
        raise PlanoError(f"plate {str(path)!r} is not a readable movie ({err}); expected {', '.join(MOVIE_EXTS)}") from None
    return frames, fps or 0.0, size


def _index(count: int, fps_shot: float, fps_plate: float, first: int) -> list[int]:
    ratio = Fraction(fps_plate).limit_denominator(1001) / Fraction(fps_shot).limit_denominator(1001)
    return [first + int(round(i * float(ratio))) for i in range(count)]


def open_plate(path: str | Path, colorspace: str, frame_count: int, fps: float, size: tuple[int, int],
               plate_fps: float | None = None, first_frame: int | None = None, hold: bool = False) -> Plate:
    """Open a plate for a shot of ``frame_count`` frames at ``fps`` and ``size`` (width, height)."""
    p = Path(path)
    cs = resolve(colorspace)
    kind = kind_of(p)
    conform: list[str] = []
    if kind == "still" or hold:
        if kind == "sequence":
            files = sequence_files(p)
            if not files:
                raise PlanoError(f"plate sequence {str(p)!r} has no frames on disk")
            n0 = first_frame if first_frame is not None else min(files)
            src_path = files.get(n0)
            if src_path is None:
                raise PlanoError(f"plate frame {n0} ({str(_seq_name(p, n0))!r}) is missing")
            rgb = read_image(src_path, f"plate frame {n0}")
        elif kind == "movie":
            frames, _, _ = _probe_movie(p)
            n0 = first_frame or 0
            rgb = next((r for k, r in _decode(p) if k == n0), None)
            if rgb is None:
                raise PlanoError(f"plate {str(p)!r} has {frames} frames; frame {n0} to hold is not among them")
        else:
            rgb = read_image(p)
            n0 = 0
        plate = Plate(p, kind, cs, size, (rgb.shape[1], rgb.shape[0]), None, fps, [n0] * frame_count, conform)
        conform.append(f"one frame ({n0}) held for all {frame_count} frames")
        plate._still = plate._fit(rgb, f"{str(p)!r}")
    elif kind == "sequence":
        files = sequence_files(p)
        if not files:
            raise PlanoError(f"plate sequence {str(p)!r} has no frames on disk (looked for {_seq_name(p, 1001).name} "
                             "and the like)")
        first = first_frame if first_frame is not None else min(files)
        src_fps = plate_fps or fps
        index = _index(frame_count, fps, src_fps, first)
        last_needed = index[-1]
        if last_needed > max(files):
            raise PlanoError(f"plate {str(p)!r} ends at frame {max(files)} but the shot needs frames {first}..{last_needed} "
                             f"({frame_count} frames at {fps:g} fps from a {src_fps:g} fps plate): it is too short")
        probe = read_image(files[min(files)], f"plate frame {min(files)}")
        plate = Plate(p, kind, cs, size, (probe.shape[1], probe.shape[0]), src_fps, fps, index, conform, files)
        if plate_fps is None:
            conform.append(f"sequence taken at the shot's {fps:g} fps (plate.fps not stated)")
    else:
        if not p.is_file():
            raise PlanoError(f"plate {str(p)!r} does not exist")
        frames, movie_fps, src_size = _probe_movie(p)
        src_fps = plate_fps or movie_fps or fps
        if plate_fps and movie_fps and abs(plate_fps - movie_fps) > 1e-3:
            conform.append(f"plate.fps {plate_fps:g} stated; the movie says {movie_fps:g}: the stated rate is used")
        first = first_frame or 0
        index = _index(frame_count, fps, src_fps, first)
        if index[-1] >= frames:
            raise PlanoError(f"plate {str(p)!r} has {frames} frames at {src_fps:g} fps but the shot needs "
                             f"{index[-1] + 1} ({frame_count} frames at {fps:g} fps from frame {first}): it is too short")
        plate = Plate(p, kind, cs, size, src_size, src_fps, fps, index, conform)
    if plate.source_fps and abs(plate.source_fps - fps) > 1e-3 and kind != "still" and not hold:
        conform.append(f"{plate.source_fps:g} fps plate conformed to the shot's {fps:g} fps by taking the nearest frame")
    if plate.source_size != tuple(size):
        sw, sh = plate.source_size
        crop = "" if abs(sw / sh - size[0] / size[1]) < 0.01 else ", centre-cropped to the shot's aspect"
        conform.append(f"{sw}x{sh} plate scaled to {size[0]}x{size[1]}{crop}")
    return plate
