"""The engine interface: a missing engine says how to install it; rapier compound bodies split cleanly."""

import sys

import numpy as np
import pytest

from plano.errors import MissingEngine, PlanoError
from plano.sim.engines import GROUND, get_engine


def test_missing_engine_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "rapier3d", None)
    with pytest.raises(MissingEngine, match="pip install"):
        get_engine("rapier", 0.01)


def test_unknown_engine_is_a_clear_error():
    with pytest.raises(PlanoError, match="expected one of"):
        get_engine("havok", 0.01)


def test_compound_body_falls_lands_and_loses_a_chunk():
    eng = get_engine("rapier", 1 / 96)
    cube = np.array([[x, y, z] for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)])
    rest = np.array([[0.0, 0.0, 3.0], [1.0, 0.0, 3.0]])
    eng.set_chunks([cube, cube], rest, np.zeros(2), np.full(2, 2400.0))
    b = eng.add_body(np.array([0, 1]), np.zeros(3), (0, 0, 0, 1), np.zeros(3), np.zeros(3), fixed=False)
    for _ in range(96 * 2):
        eng.step()
    t, q = eng.poses([b])
    assert t[0, 2] == pytest.approx(-2.5, abs=0.05)  # body origin moved so the chunks rest on z = 0
    a, c, f = eng.contacts()
    eng.remove_chunks(b, [1])
    eng.step()
    v, w, com = eng.velocities([b])
    t, q = eng.poses([b])
    from plano.sim.solver import quat_to_matrix

    chunk0 = quat_to_matrix(q)[0] @ rest[0] + t[0]
    assert np.allclose(com[0], chunk0, atol=1e-3)  # the centre of mass is now the remaining chunk's
    assert GROUND == -1
