"""The material library: physical properties for the sim, appearance for the renderer.

Ids are stable small integers (the material id pass). Colours are scene-linear ACEScg (approximate albedos).
Densities are bulk values of the part as modelled (a floor slab is solid concrete; a facade panel of glass
includes its frame). Strengths (Pa) are bond strengths of a glued joint per m2 of contact and crushing strengths of a member per m2
of section.
"""

from __future__ import annotations

from plano.scene.model import Material

TEXTURE_IDS: dict[str, int] = {
    "none": 0, "concrete": 1, "board_formed": 2, "brick": 3, "panel": 4, "mullion": 5, "stone": 6, "asphalt": 7,
    "paving": 8, "glass": 9, "paper": 10, "metal": 11,
}
"""Procedural texture kinds (``Material.texture``) -> the integer the shaders branch on: the render stage's
``render/shaders/gbuffer.frag`` (``kind == 4`` precast panels, ``kind == 5`` mullions, ...) and the scene preview's
fragment shader. The one table: ``render.geometry`` and ``scene.preview`` import it."""


def texture_id(texture: str) -> int:
    """The shader's integer for a texture kind; an unknown kind is a KeyError that lists the known ones."""
    try:
        return TEXTURE_IDS[texture]
    except KeyError:
        raise KeyError(f"unknown texture kind {texture!r}; known: {', '.join(TEXTURE_IDS)}") from None

# name: (id, density kg/m3, bond strength Pa, brittleness, base colour, roughness, metallic, transmission,
#        texture, texture scale m, compressive (crushing) strength Pa)
# Strengths, the sim's one table of them: bond strength is what a glued joint holds in tension per m2 of contact;
# compressive strength is what a load-bearing member carries per m2 of section before it crushes
# (characteristic values: concrete C30 30 MPa, precast and core concrete C40 40 MPa, clay brick masonry 10 MPa,
# structural steel S355 yield 355 MPa, timber 20 MPa; EN 1992 / 1996 / 1993 / 1995 orders of magnitude).
_TABLE: dict[str, tuple] = {
    "ground": (1, 1800.0, 1.0e6, 0.5, (0.11, 0.11, 0.105), 0.95, 0.0, 0.0, "concrete", 4.0, 2e7),
    "asphalt": (2, 2300.0, 1.0e6, 0.5, (0.055, 0.055, 0.058), 0.9, 0.0, 0.0, "asphalt", 1.0, 5e6),
    "paving": (3, 2200.0, 1.0e6, 0.6, (0.30, 0.28, 0.25), 0.85, 0.0, 0.0, "paving", 0.6, 2e7),
    "kerb_stone": (4, 2600.0, 2.0e6, 0.6, (0.36, 0.35, 0.33), 0.8, 0.0, 0.0, "stone", 1.0, 6e7),
    "road_paint": (5, 1500.0, 1.0e5, 0.5, (0.70, 0.70, 0.66), 0.7, 0.0, 0.0, "none", 1.0, 1e6),
    "concrete_board_formed": (10, 2400.0, 2.5e6, 0.7, (0.33, 0.31, 0.28), 0.9, 0.0, 0.0, "board_formed", 0.15, 3e7),
    "concrete": (11, 2400.0, 2.5e6, 0.7, (0.40, 0.39, 0.36), 0.85, 0.0, 0.0, "concrete", 1.0, 3e7),
    "concrete_precast_panel": (12, 2300.0, 1.8e6, 0.75, (0.48, 0.46, 0.42), 0.8, 0.0, 0.0, "panel", 3.0, 4e7),
    "reinforced_concrete": (13, 2500.0, 3.5e6, 0.6, (0.36, 0.35, 0.33), 0.85, 0.0, 0.0, "concrete", 1.0, 4e7),
    "brick": (20, 1900.0, 1.0e6, 0.8, (0.36, 0.14, 0.08), 0.9, 0.0, 0.0, "brick", 0.075, 1e7),
    "limestone": (21, 2300.0, 1.5e6, 0.75, (0.62, 0.57, 0.47), 0.7, 0.0, 0.0, "stone", 0.6, 4e7),
    "terracotta": (22, 2000.0, 1.2e6, 0.8, (0.56, 0.44, 0.32), 0.75, 0.0, 0.0, "stone", 0.9, 1.5e7),
    "render_plaster": (23, 1800.0, 0.8e6, 0.8, (0.58, 0.53, 0.45), 0.85, 0.0, 0.0, "concrete", 2.0, 3e6),
    "glass": (30, 2500.0, 0.5e6, 1.0, (0.05, 0.07, 0.08), 0.05, 0.0, 0.85, "glass", 1.0, 3e7),
    "glass_curtain": (31, 2500.0, 0.5e6, 1.0, (0.06, 0.09, 0.11), 0.04, 0.2, 0.6, "mullion", 1.5, 3e7),
    "glass_dark": (32, 2500.0, 0.5e6, 1.0, (0.025, 0.03, 0.035), 0.08, 0.0, 0.5, "glass", 1.0, 3e7),
    "steel": (40, 7850.0, 2.5e8, 0.05, (0.25, 0.25, 0.26), 0.45, 1.0, 0.0, "none", 1.0, 3.55e8),
    "aluminium_frame": (41, 2700.0, 1.0e8, 0.1, (0.12, 0.12, 0.13), 0.4, 1.0, 0.0, "none", 1.0, 1.6e8),
    "bronze": (42, 8800.0, 1.5e8, 0.05, (0.30, 0.18, 0.08), 0.4, 1.0, 0.0, "none", 1.0, 2.5e8),
    "roof_tile": (50, 1900.0, 0.6e6, 0.85, (0.30, 0.10, 0.06), 0.8, 0.0, 0.0, "brick", 0.25, 1e7),
    "roof_membrane": (51, 1200.0, 0.5e6, 0.3, (0.10, 0.10, 0.10), 0.85, 0.0, 0.0, "none", 1.0, 1e6),
    "plant_metal": (52, 900.0, 1.0e7, 0.2, (0.32, 0.33, 0.33), 0.5, 0.7, 0.0, "panel", 1.0, 5e7),
    "painted_panel": (61, 2300.0, 1.5e6, 0.75, (0.30, 0.40, 0.42), 0.7, 0.0, 0.0, "panel", 1.2, 3e7),
    "foliage": (62, 150.0, 1.0e5, 0.2, (0.045, 0.075, 0.03), 0.95, 0.0, 0.0, "concrete", 0.7, 1e5),
    "car_paint": (63, 300.0, 1.0e7, 0.2, (0.20, 0.20, 0.21), 0.35, 0.6, 0.0, "none", 1.0, 1e7),
    "timber": (60, 600.0, 3.0e6, 0.3, (0.09, 0.07, 0.05), 0.8, 0.0, 0.0, "none", 1.0, 2e7),
}


def material(name: str) -> Material:
    """One material by name (KeyError lists the known names)."""
    try:
        row = _TABLE[name]
    except KeyError:
        raise KeyError(f"unknown material {name!r}; known: {', '.join(sorted(_TABLE))}") from None
    mid, dens, tens, brit, col, rough, metal, trans, tex, scale, comp = row
    return Material(name, mid, dens, tens, brit, col, rough, metal, trans, tex, scale, comp)


def material_names() -> tuple[str, ...]:
    return tuple(_TABLE)


def library(names) -> dict[str, Material]:
    """The materials used by a scene, keyed by name, in id order."""
    return {n: material(n) for n in sorted(set(names), key=lambda n: _TABLE[n][0])}
