"""The reference-size effects on a synthetic 5 s, 24 fps collapse of a 30 x 20 x 40 m building (2,000 chunks):
at least 200,000 dust particles, nothing below the ground, a finite grid, and a cloud that keeps spreading."""

import numpy as np
import pytest

from fx_fixtures import box_scene, synthetic_collapse
from plano.sim.effects import EffectsSim
from plano.sim.model import DUST
from plano.spec.model import ShotSpec


@pytest.mark.slow
def test_reference_collapse_drives_200k_dust_particles():
    scene = box_scene()
    fx = EffectsSim(scene, ShotSpec(effects=("dust", "debris", "smoke", "papers", "glass")), 0, 24.0)
    assert np.prod(fx.grid.shape) > 500_000
    radius = {}
    for i, (ev, cp, cv) in enumerate(synthetic_collapse(scene, 5.0, 24.0, chunks=2000)):
        particles, dust = fx.step(i, i / 24.0, ev, cp, cv)
        assert particles.positions[:, 2].min(initial=0.0) >= -1e-4
        if i in (84, 119):
            d = dust.density - dust.smoke
            x = dust.origin[0] + (np.arange(d.shape[0]) + 0.5) * dust.cell_m
            radius[i] = np.sqrt((d.sum(axis=(1, 2)) * x ** 2).sum() / d.sum())
    assert np.isfinite(dust.density).all() and fx.grid.max_speed() < 80.0
    assert fx.dust_emitted >= 200_000
    assert np.sum(particles.kinds == DUST) >= 200_000
    assert radius[119] > radius[84]
