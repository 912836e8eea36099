"""Scenarios: each action kind fails the supports it should, where and when the spec says."""

import numpy as np
import pytest
from sim_fixtures import building

from plano.sim.scenarios import WEDGE_SHARE, plan_scenario
from plano.spec.model import Action, ShotSpec


@pytest.fixture(scope="module")
def scene():
    return building(storeys=8, nx=4, ny=2)


def _spec(**kw):
    return ShotSpec(effects=(), action=Action(**kw))


def test_collapse_fails_every_support_of_its_floor(scene):
    s = plan_scenario(scene, _spec(kind="collapse", start_floor=3, start_s=2.0))
    (c,) = s.charges
    assert c.time_s == 2.0
    floors = {scene.parts[i].floor for i in c.parts}
    groups = {scene.parts[i].group for i in c.parts}
    assert floors == {3} and {"column", "core"} <= groups and "slab" not in groups
    n_cols = sum(1 for p in scene.parts if p.group == "column" and p.floor == 3)
    assert sum(1 for i in c.parts if scene.parts[i].group == "column") == n_cols
    assert s.focus[2] == pytest.approx((3.5) * scene.floor_height_m)


def test_default_collapse_starts_a_third_of_the_way_up(scene):
    (c,) = plan_scenario(scene, _spec(kind="collapse")).charges
    assert {scene.parts[i].floor for i in c.parts} == {2}
    assert c.time_s == 1.0


def test_corner_collapse_stays_in_one_corner(scene):
    (c,) = plan_scenario(scene, _spec(kind="partial_collapse", region="corner")).charges
    lo, hi = scene.hero_bounds
    cen = np.array([scene.parts[i].centroid for i in c.parts])
    assert len(c.parts) > 0
    assert np.all(cen[:, 0] < lo[0] + 0.3 * (hi[0] - lo[0])) and np.all(cen[:, 1] < lo[1] + 0.35 * (hi[1] - lo[1]))


def test_top_floors_collapse_high_up(scene):
    (c,) = plan_scenario(scene, _spec(kind="partial_collapse", region="top_floors")).charges
    assert min(scene.parts[i].floor for i in c.parts) >= 8 - 3


def test_topple_cuts_a_felling_wedge_on_one_side(scene):
    s = plan_scenario(scene, _spec(kind="topple"))
    (c,) = s.charges
    lo, hi = scene.hero_bounds
    x = np.array([scene.parts[i].centroid[0] for i in c.parts])
    fl = np.array([scene.parts[i].floor for i in c.parts])
    assert c.release and not s.seam_loads and s.hinge_until_s > c.time_s
    assert np.all(x < lo[0] + 0.75 * (hi[0] - lo[0]))  # the far side stands: the hinge
    # deepest at the outer edge (WEDGE_SHARE of the 8 storeys)
    assert fl.min() == 0 and fl.max() == round(WEDGE_SHARE * 8) - 1
    assert x[fl == 3].max() < x[fl == 0].max()  # the wedge gets shallower towards the hinge


def test_implosion_fires_the_core_first_then_the_rest_in_sequence(scene):
    s = plan_scenario(scene, _spec(kind="implosion", start_s=0.5))
    times = [c.time_s for c in s.charges]
    assert times == sorted(times) and times[0] == 0.5 and len(times) >= 3
    assert {scene.parts[i].group for i in s.charges[0].parts} == {"core"}
    assert all(c.inward for c in s.charges)


def test_none_triggers_nothing(scene):
    assert plan_scenario(scene, _spec(kind="none")).charges == ()
