"""The building as solids: no overlaps, standing on the ground, supported, the right mass, seeded variation."""

from __future__ import annotations

import time
from collections import Counter, deque

import numpy as np
import pytest
from scipy.spatial import ConvexHull

from plano.scene.build import build_scene
from plano.scene.grammar import BUILT_STYLES
from plano.scene.materials import material
from plano.scene.model import SKIN_GROUPS, STREET_GROUPS, STRUCTURAL_GROUPS
from plano.scene.parts import (aabb_pairs, box, make_part, pair_penetrations, penetration_depth, prism_mesh,
                               regular_polygon)
from scene_helpers import reference_scene, reference_spec, style_spec


def overlaps(parts, tol=1e-3):
    pairs = aabb_pairs(parts)
    depth = pair_penetrations(parts, pairs)
    return [(parts[i].name, parts[j].name, d) for (i, j), d in zip(pairs, depth) if d > tol]


def test_separating_axis_test_sees_overlap_and_touching():
    a = box("a", "slab", "concrete", (0, 0, 0), (1, 1, 1))
    touching = box("b", "slab", "concrete", (1, 0, 0), (2, 1, 1))
    deep = box("c", "slab", "concrete", (0.9, 0.5, 0.5), (2, 2, 2))
    rotated = make_part("d", "column", "concrete", prism_mesh(regular_polygon(1.45, 0.5, 0.5, 12), 0, 1))
    assert penetration_depth(a, touching) == pytest.approx(0.0, abs=1e-9)
    assert penetration_depth(a, deep) == pytest.approx(0.1)
    assert 0.04 < penetration_depth(a, rotated) < 0.06
    assert len(overlaps([a, touching, deep])) == 2
    # the vectorised path agrees with the general test
    parts = [a, touching, deep, rotated]
    pairs = np.array([(0, 1), (0, 2), (0, 3), (1, 2)])
    assert np.allclose(pair_penetrations(parts, pairs), [penetration_depth(parts[i], parts[j]) for i, j in pairs])


def test_parts_are_closed_convex_and_outward():
    scene = reference_scene()
    for p in scene.parts:
        assert p.volume_m3 > 0, p.name
        hull = ConvexHull(p.vertices)
        assert hull.volume == pytest.approx(p.volume_m3, rel=1e-6), f"{p.name} is not convex"


def test_reference_scene_has_no_overlaps_and_known_groups():
    scene = reference_scene()
    assert overlaps(list(scene.parts)) == []
    assert len({p.name for p in scene.parts}) == len(scene.parts)
    groups = set(STRUCTURAL_GROUPS + SKIN_GROUPS + STREET_GROUPS)
    assert {p.group for p in scene.parts} <= groups
    hero = scene.hero_parts()
    assert 300 <= len(hero) <= 1500
    assert all(p.dynamic == (p.group != "foundation") for p in hero)
    ctx = {p.building for p in scene.parts if p.building.startswith("context_")}
    assert 6 <= len(ctx) <= 12
    assert all(not p.dynamic for p in scene.parts if p.building != "hero")


@pytest.mark.parametrize("style", BUILT_STYLES)
def test_every_style_builds_without_overlaps(style):
    scene = build_scene(style_spec(style))
    hero = scene.hero_parts()
    assert overlaps(hero) == [], style
    assert len(hero) < 3500


def _supported(parts, tol=1e-3):
    """Indices of parts connected (through touching parts) to a part that rests on the ground."""
    n = len(parts)
    adj = [[] for _ in range(n)]
    pairs = aabb_pairs(parts, pad=tol)
    for (i, j), d in zip(pairs, pair_penetrations(parts, pairs)):
        if d > -tol:
            adj[i].append(j)
            adj[j].append(i)
    seen = {i for i, p in enumerate(parts) if p.bounds[0, 2] <= tol}
    todo = deque(seen)
    while todo:
        i = todo.popleft()
        for j in adj[i]:
            if j not in seen:
                seen.add(j)
                todo.append(j)
    return seen


@pytest.mark.parametrize("style", BUILT_STYLES)
def test_building_stands_on_the_ground_and_nothing_floats(style):
    scene = reference_scene() if style == "brutalist" else build_scene(style_spec(style))
    hero = scene.hero_parts()
    assert min(p.bounds[0, 2] for p in hero) == pytest.approx(0.0, abs=1e-3)
    assert scene.hero_bounds[0, 2] == pytest.approx(0.0, abs=1e-3)
    ok = _supported(hero)
    floating = [hero[i].name for i in range(len(hero)) if i not in ok]
    assert floating == []


def test_floating_part_is_detected():
    parts = [box("a", "slab", "concrete", (0, 0, 0), (1, 1, 1)), box("b", "slab", "concrete", (0, 0, 1.5), (1, 1, 2))]
    assert _supported(parts) == {0}


def test_total_mass_matches_a_hand_computation():
    """Hand number: each box's width x depth x height (from its corner coordinates), other solids by their
    convex hull, times the density from the material table; the scene's own figure uses signed tetrahedra."""
    scene = reference_scene()
    hand = 0.0
    for p in scene.hero_parts():
        lo, hi = p.bounds
        if len(p.vertices) == 8 and len(np.unique(np.round(p.vertices, 9), axis=0)) == 8 and all(
                len(np.unique(np.round(p.vertices[:, k], 9))) == 2 for k in range(3)):
            vol = float(np.prod(hi - lo))
        else:
            vol = ConvexHull(p.vertices).volume
        hand += vol * material(p.material).density_kg_m3
    hand_t = hand / 1000.0
    assert scene.info["hero_mass_t"] == pytest.approx(hand_t, rel=0.10)
    # and it is a plausible building: 0.2-0.7 t per m3 of envelope
    lo, hi = scene.hero_bounds
    assert 0.2 < hand_t / float(np.prod(hi - lo)) < 0.7


def test_reference_is_a_1960s_brutalist_government_building():
    scene = reference_scene()
    info = scene.info
    assert scene.style == "brutalist" and info["building_type"] == "government_building"
    assert 8 <= scene.storeys <= 16
    g = Counter(p.group for p in scene.hero_parts())
    for group in ("foundation", "column", "slab", "core", "facade", "window", "parapet", "roof_plant", "stair"):
        assert g[group] > 0, group
    mats = Counter(p.material for p in scene.hero_parts())
    assert mats["concrete_board_formed"] > mats.get("glass_dark", 0)
    assert scene.materials["concrete_board_formed"].texture == "board_formed"


def test_build_is_fast():
    t = time.perf_counter()
    build_scene(reference_spec())
    assert time.perf_counter() - t < 3.0


def test_same_seed_same_scene_other_seed_other_building():
    a = build_scene(style_spec("brutalist", seed=3))
    b = build_scene(style_spec("brutalist", seed=3))
    assert len(a.parts) == len(b.parts)
    assert all(p.name == q.name and np.array_equal(p.vertices, q.vertices) for p, q in zip(a.parts, b.parts))
    assert np.array_equal(a.camera.positions, b.camera.positions)
    c = build_scene(style_spec("brutalist", seed=4))
    differs = (len(c.parts) != len(a.parts) or not np.allclose(c.hero_bounds, a.hero_bounds)
               or c.floor_height_m != a.floor_height_m)
    assert differs
    # still believable: same style, storeys within the style's range
    assert c.style == "brutalist" and 8 <= c.storeys <= 16


def _signature(scene) -> dict:
    hero = scene.hero_parts()
    g = Counter(p.group for p in hero)
    n = len(hero)
    mats = Counter(p.material for p in hero)
    lo, hi = scene.hero_bounds
    return {
        "storeys": scene.storeys, "height": hi[2] - lo[2], "slenderness": (hi[2] - lo[2]) / max(scene.info["footprint_m"]),
        "glass_share": g["window"] / n, "balcony": g["balcony"], "ornament": g["ornament"], "beam": g["beam"],
        "main_material": mats.most_common(1)[0][0], "round_columns": sum(len(p.vertices) > 8 for p in hero if p.group == "column"),
    }


def test_six_styles_are_distinguishable_by_their_parts():
    sig = {s: _signature(build_scene(style_spec(s))) for s in BUILT_STYLES}
    assert sig["modernist"]["glass_share"] > 0.4 and sig["modernist"]["slenderness"] > 2.5
    assert sig["art_deco"]["ornament"] >= 3 and sig["art_deco"]["slenderness"] > 2.5  # crown and spire, tall
    assert sig["neoclassical"]["beam"] >= 1 and sig["neoclassical"]["round_columns"] >= 6 and sig["neoclassical"]["storeys"] <= 6
    assert sig["soviet_panel"]["main_material"] == "concrete_precast_panel" and sig["soviet_panel"]["balcony"] > 0
    assert sig["brick_residential"]["main_material"] == "brick" and sig["brick_residential"]["balcony"] > 0
    assert sig["brutalist"]["main_material"] == "concrete_board_formed"
    keys = [tuple(sorted((k, str(v)) for k, v in s.items() if k in ("main_material", "storeys", "ornament", "beam")))
            for s in sig.values()]
    assert len(set(keys)) == 6


def test_other_spec_styles_map_to_the_nearest_grammar():
    from plano.spec.model import Camera, ShotSpec, Subject

    s = build_scene(ShotSpec(subject=Subject(style="glass_curtain_wall", building_type="office_tower"),
                             camera=Camera(shot_size="wide")))
    assert s.style == "modernist" and "style_note" in s.info


def test_too_many_storeys_is_a_clear_error():
    from plano.errors import PlanoError
    from plano.spec.model import ShotSpec, Subject

    with pytest.raises(PlanoError, match="storeys"):
        build_scene(ShotSpec(subject=Subject(storeys=150)))


def test_storeys_from_the_spec_are_built():
    from plano.spec.model import ShotSpec, Subject

    scene = build_scene(ShotSpec(subject=Subject(style="brutalist", building_type="government_building", storeys=7)))
    assert scene.storeys == 7
    floors = {p.floor for p in scene.hero_parts() if p.group == "window"}
    assert floors == set(range(7))
