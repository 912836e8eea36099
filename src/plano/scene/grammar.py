"""Style grammars: the numbers that make a brutalist block differ from an art deco tower.

One :class:`Grammar` per built style; :data:`STYLE_MAP` sends every spec style to its nearest built style, and
:func:`dimensions` turns (style, building type, era, storeys, seed) into storeys, footprint and floor height.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BUILT_STYLES = ("brutalist", "modernist", "art_deco", "neoclassical", "soviet_panel", "brick_residential")

STYLE_MAP = {
    "brutalist": "brutalist",
    "modernist": "modernist",
    "glass_curtain_wall": "modernist",
    "contemporary": "modernist",
    "art_deco": "art_deco",
    "postmodern": "art_deco",
    "neoclassical": "neoclassical",
    "colonial": "neoclassical",
    "gothic": "neoclassical",
    "soviet_panel": "soviet_panel",
    "brick_residential": "brick_residential",
    "industrial": "brick_residential",
}


@dataclass(frozen=True)
class Grammar:
    name: str
    storeys: tuple[int, int]
    width_m: tuple[float, float]
    depth_m: tuple[float, float]
    floor_h_m: tuple[float, float]
    slab_t_m: float
    bay_m: float
    pier_frac: float
    """Solid share of each facade bay (0: continuous window bands or curtain wall)."""
    sill_m: float
    head_m: float
    wall_t_m: float
    glass_depth_m: float
    """How far the glass sits behind the facade's outer face (deep-set windows)."""
    overhang_m: float
    """How far the floor slabs project beyond the facade line."""
    roof_overhang_m: float
    plinth_m: float
    wall_mat: str
    slab_mat: str
    column_mat: str
    glass_mat: str
    spandrel_mat: str
    column_m: float = 0.6
    column_round: bool = False
    column_spacing_m: float = 7.5
    ground_recess_m: float = 0.0
    """Pilotis / lobby: the ground floor's facade is set back this far."""
    upstand_m: float = 0.0
    """Solid upstand on the slab edge (brutalist spandrel band)."""
    fins: bool = False
    balcony_share: float = 0.0
    setbacks: tuple[tuple[float, float], ...] = ()
    """(share of storeys below the setback, inset per side in metres)."""
    roof: str = "flat"
    """``flat``, ``gable`` or ``crown``."""
    parapet_m: float = 1.0
    portico: bool = False
    core_m: tuple[float, float] = (8.0, 6.0)
    core_every_m: float = 40.0
    blind_ends: bool = False
    """Gable end walls without windows (panel blocks)."""
    ground_shop: bool = False
    """Shop fronts on the ground floor: its windows go down to the pavement (no sill)."""
    pilotis: bool = False
    """The recessed ground floor stands on a row of heavy pilotis (else a lobby colonnade of slender columns)."""
    parapet_mat: str | None = None
    """The roof parapet's material (``None``: the facade's)."""
    depth_in_bays: bool = True
    """The footprint's depth is a whole number of bays (False: rounded to 0.1 m, for slab blocks whose depth
    the bay does not set)."""
    balcony_rail_mat: str = "painted_panel"
    """The balconies' front rail."""
    balcony_rail_posts: bool = False
    """Steel side rails at each end of a balcony (open balconies), besides the front rail."""
    context_facades: tuple[str, ...] = ("concrete", "glass_curtain", "limestone", "aluminium_frame")
    """Wall materials of the neighbouring buildings in a street of this style (one drawn per building)."""


GRAMMARS: dict[str, Grammar] = {
    "brutalist": Grammar(
        "brutalist", (10, 14), (54.0, 66.0), (22.0, 26.0), (3.6, 3.9), 0.45, 6.0, 0.0, 1.0, 0.45, 0.35, 0.28,
        1.6, 1.6, 0.6, "concrete_board_formed", "concrete_board_formed", "concrete_board_formed", "glass_dark",
        "concrete_board_formed", column_m=0.8, ground_recess_m=4.5, upstand_m=1.1, fins=True, parapet_m=1.6,
        core_m=(9.0, 7.0), core_every_m=32.0, ground_shop=True, pilotis=True,
        context_facades=("concrete", "render_plaster", "brick", "concrete_precast_panel", "terracotta", "limestone")),
    "modernist": Grammar(
        "modernist", (26, 36), (36.0, 44.0), (26.0, 32.0), (3.7, 3.9), 0.3, 4.5, 0.0, 0.0, 0.0, 0.12, 0.0,
        0.0, 0.4, 0.8, "glass_curtain", "concrete", "steel", "glass_curtain", "glass_curtain",
        column_m=0.7, ground_recess_m=3.0, parapet_m=1.2, core_m=(12.0, 9.0), core_every_m=100.0,
        ground_shop=True, parapet_mat="aluminium_frame",
        context_facades=("concrete", "glass_curtain", "limestone", "aluminium_frame")),
    "art_deco": Grammar(
        "art_deco", (24, 30), (34.0, 40.0), (30.0, 34.0), (3.6, 3.8), 0.3, 4.5, 0.5, 0.9, 0.6, 0.35, 0.25,
        0.0, 0.35, 1.0, "limestone", "concrete", "steel", "glass", "bronze", column_m=0.6,
        setbacks=((0.5, 0.1), (0.72, 0.09), (0.86, 0.08)), roof="crown", parapet_m=1.4, core_m=(9.0, 8.0),
        core_every_m=100.0, ground_shop=True, context_facades=("limestone", "terracotta", "brick", "render_plaster")),
    "neoclassical": Grammar(
        "neoclassical", (4, 5), (64.0, 76.0), (26.0, 30.0), (5.0, 5.6), 0.45, 4.5, 0.55, 1.1, 1.0, 0.6, 0.35,
        0.2, 1.0, 1.6, "limestone", "concrete", "limestone", "glass_dark", "limestone", column_m=0.7,
        column_round=True, portico=True, parapet_m=1.1, core_m=(8.0, 6.0), core_every_m=40.0,
        parapet_mat="limestone", context_facades=("limestone", "render_plaster", "terracotta", "limestone")),
    "soviet_panel": Grammar(
        "soviet_panel", (9, 12), (84.0, 96.0), (14.0, 15.0), (2.8, 2.8), 0.22, 3.0, 0.42, 0.9, 0.45, 0.3, 0.12,
        0.0, 0.0, 0.5, "concrete_precast_panel", "reinforced_concrete", "reinforced_concrete", "glass_dark",
        "concrete_precast_panel", column_m=0.4, column_spacing_m=6.0, balcony_share=0.35, parapet_m=0.7,
        core_m=(3.0, 5.0), core_every_m=24.0, blind_ends=True, depth_in_bays=False,
        context_facades=("concrete_precast_panel", "concrete_precast_panel", "brick", "concrete")),
    "brick_residential": Grammar(
        "brick_residential", (5, 7), (34.0, 42.0), (13.0, 15.0), (3.1, 3.3), 0.25, 3.6, 0.55, 0.9, 0.5, 0.38, 0.15,
        0.0, 0.5, 0.6, "brick", "concrete", "brick", "glass_dark", "brick", column_m=0.45, column_spacing_m=6.0,
        balcony_share=0.5, roof="gable", parapet_m=0.0, core_m=(3.0, 5.5), core_every_m=20.0,
        balcony_rail_mat="steel", balcony_rail_posts=True,
        context_facades=("brick", "brick", "render_plaster", "concrete")),
}

# building type -> (width x, depth x, storeys x)
TYPE_SCALE = {
    "government_building": (1.0, 1.0, 0.9),
    "office_tower": (0.9, 1.0, 1.0),
    "apartment_block": (1.1, 0.8, 1.0),
    "hotel": (0.9, 0.9, 1.1),
    "hospital": (1.2, 1.1, 0.8),
    "school": (1.1, 1.0, 0.5),
    "museum": (1.1, 1.1, 0.5),
    "church": (0.8, 1.2, 0.5),
    "factory": (1.3, 1.3, 0.4),
    "warehouse": (1.3, 1.3, 0.4),
    "stadium": (1.5, 1.5, 0.4),
    "bridge": (1.0, 1.0, 0.5),
    "tower": (0.6, 0.8, 1.5),
    "house": (0.3, 0.6, 0.3),
}


@dataclass(frozen=True)
class Dimensions:
    storeys: int
    width_m: float
    depth_m: float
    floor_h_m: float


def nearest_style(spec_style: str) -> str:
    return STYLE_MAP.get(spec_style, "modernist")


def dimensions(g: Grammar, building_type: str, era: int, storeys: int | None, rng: np.random.Generator) -> Dimensions:
    """Storeys, footprint and floor height for a grammar, a building type, an era and a seed."""
    wx, dx, sx = TYPE_SCALE.get(building_type, (1.0, 1.0, 1.0))
    lo, hi = g.storeys
    n = int(round(rng.uniform(lo, hi) * sx)) if storeys is None else int(storeys)
    n = max(1, n)
    fh = rng.uniform(*g.floor_h_m)
    if era < 1940:
        fh += 0.3
    w = rng.uniform(*g.width_m) * wx
    d = rng.uniform(*g.depth_m) * dx
    # round the facade to whole bays
    w = max(2, round(w / g.bay_m)) * g.bay_m
    d = max(2, round(d / g.bay_m)) * g.bay_m if g.depth_in_bays else round(d, 1)
    return Dimensions(n, float(w), float(d), float(round(fh, 3)))


def vary(g: Grammar, rng: np.random.Generator) -> Grammar:
    """A seeded variation of a grammar: proportions of the facade move within what the style allows."""
    from dataclasses import replace

    def j(x: float, share: float) -> float:
        return float(x * rng.uniform(1 - share, 1 + share)) if x > 0 else x

    return replace(
        g, pier_frac=min(0.7, j(g.pier_frac, 0.12)), sill_m=j(g.sill_m, 0.15), head_m=j(g.head_m, 0.2),
        upstand_m=j(g.upstand_m, 0.15), overhang_m=max(0.0, j(g.overhang_m, 0.15)) if g.overhang_m >= 0.6 else g.overhang_m,
        glass_depth_m=j(g.glass_depth_m, 0.2), parapet_m=j(g.parapet_m, 0.2),
        balcony_share=min(0.8, j(g.balcony_share, 0.4)), column_m=j(g.column_m, 0.1))
