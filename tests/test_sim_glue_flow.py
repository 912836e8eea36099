"""The static load flow through the bond graph: the compiled pass down the graph gives exactly what the level by
level numpy loop gave (the same sums in the same order)."""

from types import SimpleNamespace

import numpy as np

from plano.sim import glue as g


def _level_loop(src, dst, share, load, mom, bond_mid, level):
    """The loop ``_flow_down`` replaced, written out: level by level from the top, all bonds of a level at once."""
    flow, lever = np.zeros(len(src)), np.zeros(len(src))
    for lv in np.unique(level)[::-1]:
        sel = np.flatnonzero(level == lv)
        s = src[sel]
        f = load[s] * share[sel]
        centre = mom[s] / np.maximum(load[s], 1e-12)[:, None]
        flow[sel] = f
        lever[sel] = np.linalg.norm(centre - bond_mid[sel], axis=1)
        np.add.at(load, dst[sel], f)
        np.add.at(mom, dst[sel], f[:, None] * centre)
    return flow, lever, load, mom


def test_flow_down_matches_the_level_loop():
    rng = np.random.default_rng(4)
    n, b = 400, 1500
    dist = np.round(rng.uniform(0, 30, n), 1)  # ties: many chunks on one level
    a, c = rng.integers(0, n, b), rng.integers(0, n, b)
    keep = dist[a] != dist[c]
    a, c = a[keep], c[keep]
    src, dst = np.where(dist[a] > dist[c], a, c), np.where(dist[a] > dist[c], c, a)
    share = rng.uniform(0.1, 1.0, len(src))
    load0 = rng.uniform(1e3, 1e5, n)
    mom0 = load0[:, None] * rng.uniform(-20, 20, (n, 2))
    mid = rng.uniform(-20, 20, (len(src), 2))
    want = _level_loop(src, dst, share, load0.copy(), mom0.copy(), mid, dist[src])
    load, mom = load0.copy(), mom0.copy()
    flow, lever = np.zeros(len(src)), np.zeros(len(src))
    g._flow_down(np.argsort(-dist[src], kind="stable"), src, dst, share, load, mom, mid, flow, lever)
    for got, exp in zip((flow, lever, load, mom), want):
        assert np.array_equal(got, exp)


def test_a_column_carries_the_floors_above():
    # four chunks stacked on an anchor: each bond carries the weight of everything above it
    glue = SimpleNamespace(n_chunks=4, count=3, intact=np.ones(3, bool), pairs=np.array([[0, 1], [1, 2], [2, 3]]),
                           anchored=np.array([True, False, False, False]), area_m2=np.ones(3),
                           normal=np.tile([0.0, 0.0, 1.0], (3, 1)), depth_m=np.ones(3))
    pos = np.array([[0, 0, 0.5], [0, 0, 1.5], [0, 0, 2.5], [0, 0, 3.5]], float)
    carried = g.through_load(glue, np.full(4, 1000.0), pos)
    assert np.allclose(carried, [4, 3, 2, 1] * np.full(4, 1000.0 * g.G))
