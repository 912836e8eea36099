"""Fracture and glue: chunk volumes and masses add up, cells are finer where asked, bonds join touching chunks."""

import numpy as np
import pytest
from sim_fixtures import box, building, ground, scene_from, stack

from plano.sim.fracture import cell_counts, fracture_scene
from plano.sim.glue import build_glue, static_demand


@pytest.fixture(scope="module")
def small():
    sc = building(storeys=3, nx=3, ny=2)
    fr = fracture_scene(sc, 7, np.array([0.0, 0.0, 5.0]), 6.0, target_chunks=600)
    return sc, fr


def test_chunk_volumes_add_up_to_each_part(small):
    sc, fr = small
    dyn = [i for i, p in enumerate(sc.parts) if p.dynamic]
    part_vol = np.array([sc.parts[i].volume_m3 for i in dyn])
    chunk_vol = np.bincount(fr.chunks.part_index, weights=fr.volumes_m3, minlength=len(sc.parts))[dyn]
    assert np.all(np.abs(chunk_vol - part_vol) / part_vol < 0.01)
    assert fr.chunks.count > len(dyn)  # parts were actually cut


def test_mass_is_conserved_from_parts_to_chunks(small):
    sc, fr = small
    want = sum(p.volume_m3 * sc.materials[p.material].density_kg_m3 for p in sc.parts if p.dynamic)
    assert fr.chunks.mass_kg.sum() == pytest.approx(want, rel=0.01)


def test_chunks_are_closed_convex_and_centred(small):
    _, fr = small
    ch = fr.chunks
    for c in range(0, ch.count, 7):
        v = ch.chunk_vertices(c).astype(np.float64)
        f = ch.chunk_faces(c)
        tri = v[f]
        vol = np.einsum("ij,ij->i", tri[:, 0], np.cross(tri[:, 1], tri[:, 2])).sum() / 6.0
        assert vol == pytest.approx(fr.volumes_m3[c], rel=1e-3)  # outward faces, closed
        com = (np.einsum("ij,ij->i", tri[:, 0], np.cross(tri[:, 1], tri[:, 2]))[:, None] * tri.sum(1) / 24).sum(0)
        assert np.abs(com / vol).max() < 1e-3  # local frame centred on the centre of mass


def test_same_seed_same_chunks_other_seed_other_chunks():
    sc = stack(2, size=2.0)
    a = fracture_scene(sc, 1, np.zeros(3), 3.0, 40)
    b = fracture_scene(sc, 1, np.zeros(3), 3.0, 40)
    c = fracture_scene(sc, 2, np.zeros(3), 3.0, 40)
    assert np.array_equal(a.chunks.vertices, b.chunks.vertices)
    assert not np.array_equal(a.chunks.rest_position, c.chunks.rest_position)


def test_finer_near_the_focus_and_in_brittle_material():
    parts = [box("hero/wall/a", (0, 0, 0), (2, 2, 2)), box("hero/wall/b", (0, 0, 20), (2, 2, 22)),
             box("hero/wall/c", (10, 0, 20), (12, 2, 22), material="core_concrete"), ground()]
    sc = scene_from(parts)
    n = cell_counts(sc, [0, 1, 2], np.array([1.0, 1.0, 1.0]), 5.0, 60)
    assert n[0] > n[1] > n[2]


def test_glass_breaks_into_slivers():
    pane = box("hero/window/a", (0, 0, 1), (2.0, 0.02, 3.0), group="window", material="glass")
    sc = scene_from([pane, ground()])
    fr = fracture_scene(sc, 3, np.array([1, 0, 2.0]), 5.0, 12)
    assert fr.chunks.count >= 6
    ext = fr.bounds[:, 1] - fr.bounds[:, 0]
    assert np.all(ext[:, 1] > 0.0195)  # every piece goes through the pane's thickness: shards, not crumbs


def test_glue_bonds_touching_parts_and_anchors_the_ground(small):
    sc, fr = small
    g = build_glue(fr, sc)
    parts = fr.chunks.part_index[g.pairs]
    assert (parts[:, 0] != parts[:, 1]).sum() > 50  # between parts (slab on column, column on slab)
    assert (parts[:, 0] == parts[:, 1]).sum() > 50  # inside parts (Voronoi faces)
    assert g.anchored.any() and np.all(fr.bounds[g.anchored, 0, 2] < 0.1)
    assert len(np.unique(g.components())) == 1  # the intact building is one cluster
    d = static_demand(g, fr.chunks.mass_kg, fr.chunks.rest_position)
    assert np.all(d <= g.capacity_n)  # it stands
    assert d.max() > 0


def test_cutting_a_column_overloads_the_slab_it_held():
    sc = building(storeys=1, nx=2, ny=1, windows=False, context=False)
    fr = fracture_scene(sc, 0, np.zeros(3), 5.0, 60)
    g = build_glue(fr, sc)
    col = [i for i, p in enumerate(sc.parts) if p.name == "hero/column/f00_00"][0]
    cut = np.isin(g.pairs, np.flatnonzero(fr.chunks.part_index == col)).any(axis=1)
    before = static_demand(g, fr.chunks.mass_kg, fr.chunks.rest_position)
    g.intact[cut] = False
    after = static_demand(g, fr.chunks.mass_kg, fr.chunks.rest_position)
    assert (after / g.capacity_n).max() > (before / g.capacity_n).max()


def test_a_building_on_a_static_plinth_is_anchored_to_it():
    plinth = box("hero/foundation/plinth", (-1, -1, 0), (3, 3, 1.0), group="foundation", dynamic=False)
    cols = [box(f"hero/column/c{i}", (2 * i, 0, 1.0), (2 * i + 0.5, 0.5, 4.0), "column", floor=0) for i in range(2)]
    slab = box("hero/slab/s", (0, 0, 4.0), (2.5, 0.5, 4.3), "slab", floor=0)
    sc = scene_from([plinth, *cols, slab, ground()])
    fr = fracture_scene(sc, 0, np.zeros(3), 3.0, 20)
    g = build_glue(fr, sc)
    on_plinth = fr.bounds[:, 0, 2] < 1.01
    assert on_plinth.any() and np.all(g.anchored == on_plinth)
