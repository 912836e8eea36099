"""Single-part scanline OpenEXR files, uncompressed or RLE, read and written by numba kernels without the GIL.

OpenEXR's Python binding spends most of a pass file's read in its generic unpacking of half channels and in RLE
(a 1280x720 frame of 24 channels: 170 ms read, 200 ms written); the two kernels here do the same file layout in a
fraction of that, on the stage's I/O threads beside its other work. Only what plano writes at previs and draft is
handled here (one part, scanline, NO_COMPRESSION or RLE_COMPRESSION, no subsampling, HALF / FLOAT / UINT
channels); ``read`` returns None for any other file, which ``plano.io.exr`` then reads through OpenEXR.

The layout follows the OpenEXR file format (openexr.com, "OpenEXR File Layout"): the magic number and version,
the header's attributes (name, type, size, value; an empty name ends it), the offset table (one uint64 per
chunk), then the chunks (int32 y, int32 data size, data). A chunk is one scanline: each channel's samples in
turn, channels in the header's (alphabetical) order, little-endian. RLE data is that line with its bytes split
into even and odd halves, each byte stored as the difference to the one before (+128), then run-length coded
(a count byte: n >= 0 repeats the next byte n + 1 times, n < 0 copies the next -n bytes); a chunk whose coded
form is not smaller is stored as it is. Tests check every file against OpenEXR's own reader and writer.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from plano.io.half import half_into

try:
    from numba import njit
except ImportError:  # pragma: no cover - numba comes with the sim extra
    njit = None

HAVE_NUMBA = njit is not None
MAGIC = 20000630
COMPRESSIONS = {"none": 0, "rle": 1}
PIXEL_TYPES = {np.dtype(np.uint32): 0, np.dtype(np.float16): 1, np.dtype(np.float32): 2}
DTYPES = {v: k for k, v in PIXEL_TYPES.items()}
_TILED, _LONG_NAMES, _DEEP, _MULTIPART = 0x200, 0x400, 0x800, 0x1000


class LayoutError(ValueError):
    """The file is not a well-formed EXR of the kind this module reads (truncated, or damaged)."""


if HAVE_NUMBA:

    @njit(nogil=True, cache=True)
    def _copy(dst, src):
        """``dst[:] = src`` as a plain loop (numba's slice assignment is two to three times slower)."""
        for k in range(src.size):
            dst[k] = src[k]

    @njit(nogil=True, cache=True)
    def _rle_encode(src, n, runs, out):
        """OpenEXR's rleCompress of ``src[:n]`` into ``out`` (the same bytes); returns the coded length. ``runs``:
        scratch of ``n`` bytes: where three equal bytes start (the only place a repeat run can begin)."""
        for k in range(n - 2):
            runs[k] = (src[k] == src[k + 1]) & (src[k + 1] == src[k + 2])
        for k in range(max(n - 2, 0), n):
            runs[k] = 0
        o = 0
        start = 0
        while start < n:
            if runs[start]:  # a run of 3..128 equal bytes
                v = src[start]
                end = start + 3
                while end < n and src[end] == v and end - start < 128:
                    end += 1
                out[o] = (end - start - 1) & 0xFF
                out[o + 1] = v
                o += 2
            else:  # up to 127 bytes as they are, until a run begins
                end = start + 1
                while end < n and not runs[end] and end - start < 127:
                    end += 1
                out[o] = (start - end) & 0xFF
                _copy(out[o + 1:o + 1 + end - start], src[start:end])
                o += 1 + end - start
            start = end
        return o

    @njit(nogil=True, cache=True)
    def _rle_decode(src, out):
        """OpenEXR's rleUncompress of ``src`` into ``out``; returns the length, or -1 when it does not fit."""
        o = 0
        i = 0
        b = src.size
        m = out.size
        while i < b:
            c = np.int64(src[i])
            if c > 127:  # a literal run of 256 - c bytes
                count = 256 - c
                if o + count > m or i + 1 + count > b:
                    return -1
                _copy(out[o:o + count], src[i + 1:i + 1 + count])
                o += count
                i += 1 + count
            else:
                count = c + 1
                if o + count > m or i + 1 >= b:
                    return -1
                out[o:o + count] = src[i + 1]
                o += count
                i += 2
        return o

    @njit(nogil=True, cache=True)
    def _split(line, tmp):
        """Even bytes to the first half of ``tmp``, odd bytes to the second."""
        n = line.size
        half = (n + 1) // 2
        lo = tmp[:half]
        hi = tmp[half:]
        for k in range(n // 2):
            lo[k] = line[2 * k]
            hi[k] = line[2 * k + 1]
        if n & 1:
            lo[half - 1] = line[n - 1]

    @njit(nogil=True, cache=True)
    def _predict(s, d):
        """Each byte as the difference to the one before, + 128 (the first as it is)."""
        d[0] = s[0]
        for k in range(1, s.size):
            d[k] = (s[k] - s[k - 1] + 128) & 0xFF

    _LO7 = np.uint64(0x7F7F7F7F7F7F7F7F)
    _HI1 = np.uint64(0x8080808080808080)
    _ONES = np.uint64(0x0101010101010101)

    @njit(inline="always")
    def _add8(a, b):
        """Eight byte-wise additions modulo 256 in one 64-bit word (no carry from one byte to the next)."""
        return ((a & _LO7) + (b & _LO7)) ^ ((a ^ b) & _HI1)

    @njit(nogil=True, cache=True)
    def _unpredict(t):
        """Undo ``_predict`` in place: each byte is the one before plus it, - 128 (a running sum modulo 256),
        eight bytes a step (a prefix sum within each 64-bit word, then the carry of the words before)."""
        n = t.size
        if n % 8 or n < 8:
            for k in range(1, n):
                t[k] = (np.int32(t[k - 1]) + np.int32(t[k]) - 128) & 0xFF
            return
        words = t.view(np.uint64)
        carry = np.uint64(0)
        for i in range(words.size):
            x = words[i] ^ _HI1  # every byte - 128
            if i == 0:
                x ^= np.uint64(0x80)  # the line's first byte is itself, not a difference
            x = _add8(x, x << np.uint64(8))
            x = _add8(x, x << np.uint64(16))
            x = _add8(x, x << np.uint64(32))
            x = _add8(x, carry * _ONES)
            words[i] = x
            carry = x >> np.uint64(56)

    @njit(nogil=True, cache=True)
    def _put_int32(out, o, v):
        for k in range(4):
            out[o + k] = (v >> (8 * k)) & 0xFF

    @njit(nogil=True, cache=True)
    def _encode(planar, bases, sizes, h, w, rle, y0, out):
        """Every scanline of ``planar`` (each channel's H x W samples in turn, as bytes) as chunks in ``out``;
        returns (the bytes used, each chunk's offset from the start of ``out``)."""
        n = 0
        for s in sizes:
            n += s * w
        line = np.empty(n, np.uint8)
        tmp = np.empty(n, np.uint8)
        diff = np.empty(n, np.uint8)
        runs = np.empty(n, np.uint8)
        coded = np.empty(n + n // 127 + 8, np.uint8)
        offsets = np.empty(h, np.int64)
        o = 0
        for y in range(h):
            p = 0
            for c in range(bases.size):
                row = sizes[c] * w
                src = bases[c] + y * row
                _copy(line[p:p + row], planar[src:src + row])
                p += row
            size = n
            if rle:
                _split(line, tmp)
                _predict(tmp, diff)
                m = _rle_encode(diff, n, runs, coded)
                if m < n:
                    size = m
            offsets[y] = o
            _put_int32(out, o, y0 + y)
            _put_int32(out, o + 4, size)
            o += 8
            if size < n:
                _copy(out[o:o + size], coded[:size])
            else:
                _copy(out[o:o + n], line)
            o += size
        return o, offsets

    @njit(nogil=True, cache=True)
    def _get_int32(buf, o):
        v = np.int64(0)
        for k in range(4):
            v |= np.int64(buf[o + k]) << (8 * k)
        return v - 2 ** 32 if v >= 2 ** 31 else v

    @njit(nogil=True, cache=True)
    def _decode(buf, offsets, bases, sizes, h, w, y0, rle, planar):
        """The chunks at ``offsets`` of the file ``buf`` into ``planar`` (each channel's H x W samples in turn);
        returns 0, or the index + 1 of the first chunk that is damaged (outside the file, a wrong line, bad
        data)."""
        n = 0
        for s in sizes:
            n += s * w
        tmp = np.empty(n, np.uint8)
        half = (n + 1) // 2
        for i in range(h):
            o = offsets[i]
            if o < 0 or o + 8 > buf.size:
                return i + 1
            y = _get_int32(buf, o) - y0
            size = _get_int32(buf, o + 4)
            if y < 0 or y >= h or size <= 0 or o + 8 + size > buf.size or size > n:
                return i + 1
            data = buf[o + 8:o + 8 + size]
            raw = size == n  # stored as it is
            if not raw:
                if not rle or _rle_decode(data, tmp) != n:
                    return i + 1
                _unpredict(tmp)
            p = 0
            for c in range(bases.size):
                row = sizes[c] * w
                dst = planar[bases[c] + y * row:bases[c] + (y + 1) * row]
                if raw:
                    _copy(dst, data[p:p + row])
                else:  # interleave the even and odd halves straight into the channel (rows are whole samples:
                    lo = tmp[p >> 1:(p + row) >> 1]  # p and row are even)
                    hi = tmp[half + (p >> 1):half + ((p + row) >> 1)]
                    for k in range(row >> 1):
                        dst[2 * k] = lo[k]
                        dst[2 * k + 1] = hi[k]
                p += row
        return 0


# ---------------------------------------------------------------- header


def _attr(name: str, type_name: str, value: bytes) -> bytes:
    return name.encode() + b"\0" + type_name.encode() + b"\0" + struct.pack("<i", len(value)) + value


def _header(names: list[str], types: list[int], w: int, h: int, compression: int,
            attributes: Mapping[str, str]) -> bytes:
    chlist = b"".join(n.encode() + b"\0" + struct.pack("<iB3xii", t, 0, 1, 1) for n, t in zip(names, types)) + b"\0"
    box = struct.pack("<iiii", 0, 0, w - 1, h - 1)
    attrs = [("channels", "chlist", chlist), ("compression", "compression", bytes([compression])),
             ("dataWindow", "box2i", box), ("displayWindow", "box2i", box), ("lineOrder", "lineOrder", b"\0"),
             ("pixelAspectRatio", "float", struct.pack("<f", 1.0)),
             ("screenWindowCenter", "v2f", struct.pack("<ff", 0.0, 0.0)),
             ("screenWindowWidth", "float", struct.pack("<f", 1.0))]
    attrs += [(k, "string", str(v).encode()) for k, v in attributes.items()]
    long_names = any(len(n) > 31 for n in names) or any(len(a[0]) > 31 for a in attrs)
    version = 2 | (_LONG_NAMES if long_names else 0)
    return struct.pack("<ii", MAGIC, version) + b"".join(_attr(*a) for a in sorted(attrs)) + b"\0"


def _parse_header(buf: np.ndarray) -> tuple[dict, int] | None:
    """(the attributes this reader needs, where the offset table starts), or None for a file it leaves to OpenEXR."""
    raw = buf.tobytes() if buf.size < 1 << 16 else buf[: 1 << 16].tobytes()
    if len(raw) < 8 or struct.unpack_from("<i", raw)[0] != MAGIC:
        raise LayoutError("not an OpenEXR file (no magic number)")
    version = struct.unpack_from("<i", raw, 4)[0]
    if (version & 0xFF) != 2 or version & (_TILED | _DEEP | _MULTIPART):
        return None
    pos, out = 8, {}
    while True:
        end = raw.find(b"\0", pos)
        if end < 0:
            return None  # a header longer than we look at: OpenEXR reads it
        name = raw[pos:end].decode("latin-1")
        pos = end + 1
        if not name:
            break
        end = raw.find(b"\0", pos)
        if end < 0 or end + 5 > len(raw):
            return None
        type_name = raw[pos:end].decode("latin-1")
        size = struct.unpack_from("<i", raw, end + 1)[0]
        value = raw[end + 5: end + 5 + size]
        if size < 0 or len(value) != size:
            return None
        pos = end + 5 + size
        if type_name == "chlist":
            out["channels"] = _parse_chlist(value)
        elif name in ("compression", "dataWindow", "lineOrder"):
            out[name] = value
    if "channels" not in out or "dataWindow" not in out or "compression" not in out:
        raise LayoutError("the header lacks channels, dataWindow or compression")
    return out, pos


def _parse_chlist(value: bytes) -> list[tuple[str, int, int, int]] | None:
    chans, p = [], 0
    while p < len(value) and value[p] != 0:
        end = value.index(b"\0", p)
        t, _, xs, ys = struct.unpack_from("<iB3xii", value, end + 1)
        chans.append((value[p:end].decode("latin-1"), t, xs, ys))
        p = end + 17
    return chans


# ---------------------------------------------------------------- read and write


def write(path: str | Path, channels: Mapping[str, np.ndarray], attributes: Mapping[str, str] | None = None,
          compression: str = "rle", halves: frozenset[str] | set[str] = frozenset()) -> Path:
    """``{name: (H, W) float16 / float32 / uint32 array}`` as one scanline EXR at ``path`` (the caller makes it
    atomic), uncompressed or RLE. ``halves``: float32 channels stored as half (converted as they are packed, in
    any memory layout)."""
    if not HAVE_NUMBA:
        raise RuntimeError("plano.io.exr_scanline needs numba")
    names = sorted(channels)  # the header's order: by name, byte for byte
    arrays = [np.asarray(channels[n]) for n in names]
    h, w = arrays[0].shape
    stored = [np.dtype(np.float16) if n in halves else a.dtype for n, a in zip(names, arrays)]
    if any(a.shape != (h, w) or d not in PIXEL_TYPES for a, d in zip(arrays, stored)):
        raise ValueError("every channel must be an (H, W) float16, float32 or uint32 array of the same size")
    sizes = np.array([d.itemsize for d in stored], np.int64)
    bases = np.concatenate([[0], np.cumsum(sizes * h * w)[:-1]]).astype(np.int64)
    planar = np.empty(int(sizes.sum()) * h * w, np.uint8)
    for a, d, b in zip(arrays, stored, bases):
        dst = planar[b: b + h * w * d.itemsize]
        if d == np.float16 and a.dtype != np.float16:
            half_into(a, dst.view(np.uint16).reshape(h, w))
        else:
            dst.view(d).reshape(h, w)[...] = a
    n = int(sizes.sum()) * w
    out = np.empty(h * (n + n // 127 + 16), np.uint8)
    used, offsets = _encode(planar, bases, sizes, h, w, compression == "rle", 0, out)
    head = _header(names, [PIXEL_TYPES[d] for d in stored], w, h, COMPRESSIONS[compression], attributes or {})
    table = (offsets + len(head) + 8 * h).astype("<u8")
    with open(path, "wb") as f:
        f.write(head)
        f.write(table.tobytes())
        f.write(memoryview(out)[:used])
    return Path(path)


def read(path: str | Path) -> dict[str, np.ndarray] | None:
    """Every channel of a single-part scanline EXR without compression or with RLE, as the file stores it
    ((H, W) float16 / float32 / uint32 views of one buffer); None for any other EXR (OpenEXR reads those).
    Raises LayoutError when the file is truncated or damaged, OSError when it cannot be read."""
    if not HAVE_NUMBA:
        return None
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        f.seek(0)
        buf = np.empty(size, np.uint8)
        if f.readinto(memoryview(buf)) != size:
            raise LayoutError("the file changed while it was read")
    parsed = _parse_header(buf)
    if parsed is None:
        return None
    head, pos = parsed
    comp = head["compression"][0] if head["compression"] else -1
    chans = head["channels"]
    if comp not in COMPRESSIONS.values() or not chans or any(c[1] not in DTYPES or c[2:] != (1, 1) for c in chans):
        return None
    x0, y0, x1, y1 = struct.unpack("<iiii", head["dataWindow"])
    w, h = x1 - x0 + 1, y1 - y0 + 1
    if w <= 0 or h <= 0:
        raise LayoutError(f"its data window is {w}x{h} pixels")
    if pos + 8 * h > size:
        raise LayoutError("it ends inside its offset table")
    offsets = buf[pos: pos + 8 * h].view("<u8").astype(np.int64)
    dtypes = [DTYPES[c[1]] for c in chans]
    sizes = np.array([d.itemsize for d in dtypes], np.int64)
    bases = np.concatenate([[0], np.cumsum(sizes * h * w)[:-1]]).astype(np.int64)
    planar = np.empty(int(sizes.sum()) * h * w, np.uint8)
    bad = _decode(buf, offsets, bases, sizes, h, w, y0, comp == 1, planar)
    if bad:
        raise LayoutError(f"scanline chunk {bad - 1} (of {h}) is damaged or lies outside the file")
    return {name: planar[b: b + h * w * d.itemsize].view(d).reshape(h, w)
            for (name, *_), d, b in zip(chans, dtypes, bases)}
