"""float32 -> float16 for the EXR writers, clipped to the largest half (+-65504), rounded to nearest even.

numpy's cast takes about 5 ns a value on this machine (a 1280x720 frame of 15 half channels: 70 ms); the numba
kernel below does the same bit for bit (IEEE 754 round to nearest even, subnormals, NaN kept) in a fraction of
that, without the GIL, so the writer threads run beside the renderer or comp. Without numba: numpy.
"""

from __future__ import annotations

import numpy as np

from plano.schema.passes import HALF_MAX

try:
    from numba import njit
except ImportError:  # pragma: no cover - numba comes with the sim extra
    njit = None


def _numpy_half(a: np.ndarray) -> np.ndarray:
    return np.clip(a, -HALF_MAX, HALF_MAX).astype(np.float16)


if njit is not None:

    @njit(nogil=True, cache=True)
    def _bits(src, out):
        """``src`` float32 bits (uint32), ``out`` float16 bits (uint16), both flat. Every case is worked out and
        the right one selected, without branches, so that the loop vectorises."""
        for i in range(src.size):
            f = np.uint32(src[i])
            sign = (f >> np.uint32(16)) & np.uint32(0x8000)
            a = f & np.uint32(0x7FFFFFFF)
            # a normal half: rebias the exponent (-112 << 23), round to nearest even
            odd = (a >> np.uint32(13)) & np.uint32(1)
            normal = ((a + np.uint32(0xC8000FFF) + odd) >> np.uint32(13)) & np.uint32(0xFFFF)
            # under 2**-14: a subnormal half (or zero), m * 2**-24 rounded to nearest even
            e = np.int32(a >> np.uint32(23))
            m = (a & np.uint32(0x7FFFFF)) | np.uint32(0x800000)
            shift = np.uint32(min(max(126 - e, 1), 31))
            q = m >> shift
            rest = m & ((np.uint32(1) << shift) - np.uint32(1))
            half = np.uint32(1) << (shift - np.uint32(1))
            q = q + np.uint32((rest > half) | ((rest == half) & (q & np.uint32(1)) == np.uint32(1)))
            o = normal
            o = q if a < np.uint32(0x38800000) else o
            o = np.uint32(0x7BFF) if a >= np.uint32(0x477FE000) else o  # from 65504 up (and inf): the largest half
            o = np.uint32(0x7E00) if a > np.uint32(0x7F800000) else o  # NaN stays NaN (quiet)
            out[i] = np.uint16(sign | o)


if njit is not None:

    @njit(nogil=True, cache=True)
    def _bits_rows(src, out):
        """``_bits`` row by row: ``src`` (H, W) float32 bits in any layout (a channel of an (H, W, C) array),
        ``out`` (H, W) float16 bits."""
        for y in range(src.shape[0]):
            _bits(src[y], out[y])


def half_into(a: np.ndarray, out: np.ndarray) -> None:
    """``out[...] = to_half(a)`` for an (H, W) float32 array in any layout and an (H, W) float16 (or uint16)
    array, without copying ``a`` first."""
    a = np.asarray(a)
    if njit is None or a.dtype != np.float32 or a.ndim != 2:
        out.view(np.float16)[...] = _numpy_half(np.asarray(a, np.float32))
        return
    _bits_rows(a.view(np.uint32), out.view(np.uint16))


def to_half(a: np.ndarray) -> np.ndarray:
    """``a`` as a contiguous float16 array of the same shape, clipped to +-65504 (NaN stays NaN)."""
    a = np.ascontiguousarray(a, dtype=np.float32)
    if njit is None or a.size < 4096:
        return _numpy_half(a)
    out = np.empty(a.shape, np.float16)
    _bits(a.reshape(-1).view(np.uint32), out.reshape(-1).view(np.uint16))
    return out


if njit is not None:

    @njit(nogil=True, cache=True)
    def _widen(bits, table, out, k):
        """Plane ``bits`` (float16 bits, flat) into channel ``k`` of ``out`` (N, C) float32, by table."""
        for i in range(bits.size):
            out[i, k] = table[bits[i]]

    @njit(nogil=True, cache=True)
    def _place(src, out, k):
        for i in range(src.size):
            out[i, k] = src[i]


_TABLE = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float32)
"""Every float16 bit pattern's float32 value (exact: float32 holds every half)."""


def fill_planes(planes: list[np.ndarray], out: np.ndarray) -> None:
    """``out[..., k] = planes[k]`` for (H, W) float16 or float32 planes into an (H, W, C) float32 array, without
    the GIL (numpy's cast: about 3 ms a 1280x720 plane here; this: under 2)."""
    if njit is None or not out.flags.c_contiguous:
        for k, plane in enumerate(planes):
            out[..., k] = plane
        return
    flat = out.reshape(-1, out.shape[-1])
    for k, plane in enumerate(planes):
        p = np.ascontiguousarray(plane).reshape(-1)
        if p.dtype == np.float16:
            _widen(p.view(np.uint16), _TABLE, flat, k)
        else:
            _place(p.astype(np.float32, copy=False), flat, k)
