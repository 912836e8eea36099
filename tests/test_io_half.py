"""The EXR writers' float32 -> float16: bit for bit what numpy's clip and cast give (round to nearest even,
subnormals, signed zeros, NaN, clipping at +-65504)."""

import numpy as np
import pytest

from plano.io import half


def _numpy(x):
    return np.clip(x, -half.HALF_MAX, half.HALF_MAX).astype(np.float16)


def test_random_bit_patterns_and_edges_match_numpy():
    rng = np.random.default_rng(7)
    x = rng.integers(0, 2**32, 2_000_000, dtype=np.uint64).astype(np.uint32).view(np.float32)
    edge = np.array([0.0, 1.0, 65504.0, 65505.0, 65520.0, 1e9, np.inf, np.nan, 6.0e-5, 2**-24, 2**-25,
                     3 * 2**-25, 2**-14, 2**-14 * (1 - 2**-11), 1.00048828125, 1.000732421875], np.float32)
    x = np.concatenate([x, edge, -edge, rng.normal(0, 1, 100_000).astype(np.float32)]).reshape(-1, 16)
    got, want = half.to_half(x), _numpy(x)
    assert got.dtype == np.float16 and got.shape == x.shape
    assert np.array_equal(np.isnan(got), np.isnan(want))
    same = got.view(np.uint16) == want.view(np.uint16)
    assert same[~np.isnan(want)].all()
    assert got.reshape(-1)[-(100_000 + 2 * len(edge))] == np.float16(0.0)


def test_small_and_strided_arrays():
    x = np.linspace(-70000, 70000, 300, dtype=np.float32)
    assert np.array_equal(half.to_half(x), _numpy(x))
    big = np.random.default_rng(1).normal(0, 100, (64, 128, 3)).astype(np.float32)
    assert np.array_equal(half.to_half(big[..., 1]), _numpy(big[..., 1]))


@pytest.mark.skipif(half.njit is None, reason="numba is not installed (pip install 'plano[sim]')")
def test_the_kernel_runs():
    x = np.full((100, 100), 1.5, np.float32)
    assert (half.to_half(x) == np.float16(1.5)).all()
