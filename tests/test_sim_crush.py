"""Crushing: members that fail in compression (crush-down), the collapse measure, the spec's art direction."""

import numpy as np
import pytest
from sim_fixtures import box, ground, scene_from

from plano.scene.materials import material
from plano.sim.crush import CRUSHES, DESIGN_FACTOR, HOLDS, PUNCHES, VANISH_S, Crushing, build_crushing
from plano.sim.fracture import fracture_scene
from plano.sim.glue import G, build_glue, through_load
from plano.sim.measure import descent, footprint_m2, measure_collapse, weighted_percentile
from plano.sim.run import run_sim
from plano.spec.model import Action, Format, ShotSpec
from plano.spec.parse import parse_prompt


def _spec(duration=2.0, **action):
    return ShotSpec(effects=(), format=Format(duration_s=duration, fps=24.0), action=Action(kind="none", **action))


def _column_and_block(gap=2.0, block_t=60.0):
    """A 3 m concrete column (0.5 x 0.5 m, three storeys) on the ground and a heavy block ``gap`` above it,
    free to fall: it hits at 6 m/s, far past what the column holds (7.5 MN)."""
    side = np.sqrt(block_t * 1000 / 2400.0)  # a 1 m thick block of that mass
    parts = [box(f"hero/column/c{i}", (-0.25, -0.25, i), (0.25, 0.25, i + 1.0), group="column", floor=i)
             for i in range(3)]
    parts.append(box("hero/slab/block", (-side / 2, -side / 2, 3 + gap), (side / 2, side / 2, 4 + gap), group="slab",
                     floor=3))
    return scene_from(parts + [ground()], storeys=4, floor_height_m=1.0)


def test_material_table_has_crushing_strengths_in_pa():
    assert material("concrete").crushing_strength_pa == pytest.approx(30e6)
    assert material("brick").crushing_strength_pa < material("concrete").crushing_strength_pa
    assert material("steel").crushing_strength_pa > 10 * material("concrete").crushing_strength_pa


def test_capacity_carries_the_intact_building_with_its_design_factor():
    sc = _column_and_block()
    fr = fracture_scene(sc, 0, np.zeros(3), 5.0, 12)
    glue = build_glue(fr, sc)
    cr = build_crushing(sc, fr, glue)
    carried = through_load(glue, fr.chunks.mass_kg, fr.chunks.rest_position)
    assert (cr.capacity_n >= DESIGN_FACTOR * carried - 1e-6).all()
    assert (cr.capacity_n >= 2 * fr.chunks.mass_kg * G - 1e-6).all()
    groups = np.array([p.group for p in sc.parts])[fr.chunks.part_index]
    assert (cr.mode[groups == "column"] == CRUSHES).all() and (cr.mode[groups == "slab"] == PUNCHES).all()
    kept = build_crushing(sc, fr, glue, keep_parts=(0,))
    assert (kept.mode[fr.chunks.part_index == 0] == HOLDS).all()


def test_a_crushed_chunk_shrinks_to_nothing():
    cr = Crushing(np.ones(3), np.ones(3), np.full(3, CRUSHES, np.int8), np.ones(3))
    cr.time_s[1] = 1.0
    assert cr.scales(0.5).tolist() == [1.0, 1.0, 1.0]
    assert cr.scales(1.0 + VANISH_S / 2)[1] == pytest.approx(0.5)
    assert cr.scales(1.0 + 2 * VANISH_S).tolist() == [1.0, 0.0, 1.0]


@pytest.mark.parametrize("crush", [True, False])
def test_a_falling_block_crushes_the_column_under_it(tmp_path, crush):
    cache = run_sim(_column_and_block(), _spec(3.0), tmp_path, effects=None, target_chunks=4, crush=crush)
    block = cache.chunks.part_index == 3
    z_end = float(cache.frame(cache.frames[-1]).positions[block, 2].mean())
    crushed = cache.extra["crushed_chunks"]
    if crush:
        assert len(crushed) >= 2  # the column crushed under it...
        assert z_end < 1.5  # ...and the block came down through it
        last = cache.frame(cache.frames[-1])
        assert last.scales is not None and (last.scales[crushed] == 0).all()
        assert np.isin(cache.chunks.part_index[crushed], [0, 1, 2]).all()
    else:  # bonds only: the column holds the block up like a tower of blocks
        assert crushed == []
        assert z_end > 2.5


def test_measure_of_a_collapse_accounts_for_the_mass(tmp_path):
    cache = run_sim(_column_and_block(), _spec(3.0), tmp_path, effects=None, target_chunks=8)
    m = measure_collapse(cache)
    assert m.mass_error < 0.01 and m.lost_kg == 0.0
    assert m.lowest_m > -0.1
    assert m.com_m[-1] < m.com_m[0] - 1.0
    assert m.moved_frame is not None and 0.2 < m.mean_descent_g <= 1.2
    rec = cache.extra["collapse"]
    assert rec["measure"]["com_m"] == pytest.approx(m.com_m)
    assert rec["asked"]["speed"] == "natural"


def test_descent_of_a_free_falling_roof_is_one_g():
    fps = 24.0
    t = np.arange(0, 3.0, 1 / fps)
    roof = np.where(t < 1.0, 40.0, 40.0 - 0.5 * G * (t - 1.0) ** 2)
    roof = np.maximum(roof, 5.0)
    s, mean, peak = descent(roof, fps)
    assert 24 <= s <= 27  # the last frame within 5 cm of the start
    assert mean == pytest.approx(1.0, abs=0.1)
    assert descent(np.full(50, 10.0), fps) == (None, None, None)


def test_weighted_percentile_and_footprint():
    v = np.array([0.0, 1.0, 2.0, 3.0])
    assert weighted_percentile(v, np.array([1.0, 1.0, 1.0, 97.0]), 50) == 3.0
    xy = np.array([[0.2, 0.2], [0.7, 0.4], [5.5, 5.5]])
    assert footprint_m2(xy, np.array([10.0, 10.0, 0.1])) == 1.0


def test_shot_language_for_how_it_comes_down():
    s = parse_prompt("a 6-storey brick block collapses slowly toward the camera, leaving the stair core standing")
    assert s.action.kind == "collapse" and s.action.speed == "slow" and s.action.direction == "toward_camera"
    assert set(s.action.leaves_standing) == {"stair", "core"}
    s = parse_prompt("the building topples to the left, suddenly")
    assert s.action.kind == "topple" and s.action.direction == "left" and s.action.speed == "fast"
    s = parse_prompt("a controlled implosion in stages")
    assert s.action.stage_delay_s == pytest.approx(0.6)
    with pytest.raises(ValueError):
        Action(speed="glacial")
    with pytest.raises(ValueError):
        Action(direction="up")


def test_top_floors_collapse_keeps_the_floors_below_and_stays_standing_words():
    from sim_fixtures import building

    from plano.sim.scenarios import kept_parts, plan_scenario, start_floor

    sc = building(storeys=8, nx=3, ny=2, windows=False, context=False)
    spec = ShotSpec(action=Action(kind="partial_collapse", region="top_floors"))
    f = start_floor(sc, spec, "partial_collapse")
    keep = set(kept_parts(sc, spec, f))
    assert keep and all(0 <= sc.parts[i].floor < f for i in keep)
    assert all(i in keep for i, p in enumerate(sc.parts) if p.dynamic and 0 <= p.floor < f)
    scen = plan_scenario(sc, spec)
    assert set(scen.keep_parts) == keep and not keep & set(scen.charges[0].parts)
    assert scen.charges[0].cut_parts == scen.keep_parts
    core = ShotSpec(action=Action(kind="collapse", leaves_standing=("core",)))
    assert {sc.parts[i].group for i in plan_scenario(sc, core).keep_parts} <= {"core"}
    slow, fast = (plan_scenario(sc, ShotSpec(action=Action(speed=s))).energy_share for s in ("slow", "fast"))
    assert slow > fast


def test_topple_falls_the_way_the_spec_says():
    from sim_fixtures import building

    from plano.sim.scenarios import fall_vector, plan_scenario

    sc = building(storeys=8, nx=4, ny=2, windows=False, context=False)
    lo, hi = sc.hero_bounds
    mid = 0.5 * (lo + hi)
    for direction in ("toward_camera", "away_from_camera", "left", "right"):
        d = fall_vector(sc, direction)
        scen = plan_scenario(sc, ShotSpec(action=Action(kind="topple", direction=direction)))
        cut = np.mean([sc.parts[i].centroid for i in scen.charges[0].parts], axis=0)
        k = int(np.argmax(np.abs(d)))
        assert np.sign(cut[k] - mid[k]) == np.sign(d[k])  # the wedge is cut on the side it falls to


def test_report_physics_section_shows_the_numbers():
    from plano.deliver.physics import physics_html

    assert physics_html(None) == ""
    roof = [40.0] * 24 + [40.0 - 0.5 * G * (i / 24) ** 2 for i in range(1, 30)]
    m = dict(fps=24.0, frame_start=1001, height_m=42.0, mass_kg=3e7, roof_m=roof, com_m=[r / 2 for r in roof],
             above_half=[0.5] * len(roof), moved_frame=1025, mean_descent_g=0.62, peak_descent_g=0.9,
             pile_height_m=8.0, pile_footprint_m2=1400.0, building_footprint_m2=1000.0, standing_kg=0.0,
             pile_kg=2.5e7, crushed_kg=5e6, dust_kg=1e5, lost_kg=0.0, lowest_m=-0.01, block_tilt_deg=3.0,
             tilt_deg=12.0, com_ratio=0.2, roof_ratio=0.3, mass_error=0.0)
    rec = dict(measure=m, asked=dict(kind="collapse", speed="fast"), energy_share=0.002, fell_toward="left",
               kept_standing=None, below_start_standing=None)
    page = physics_html(rec)
    assert "<svg" in page and "0.62 g mean" in page and "100.00% accounted for" in page and "fast" in page
    assert page.count("<polyline") == 2
