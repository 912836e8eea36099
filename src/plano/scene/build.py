"""``build_scene(spec)``: the whole world of one shot, from a ShotSpec.

Seeds: every part of the scene draws from its own generator derived from ``spec.seed`` and a name, so that
changing the camera does not change the building.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
import dataclasses
from dataclasses import replace

import numpy as np

from plano.errors import PlanoError
from plano.scene.camera import solve_camera
from plano.scene.grammar import GRAMMARS, dimensions, nearest_style, vary
from plano.scene.hero import build_hero
from plano.scene.materials import library
from plano.scene.model import Part, Scene, SceneSet
from plano.scene.sky import make_sky
from plano.scene.street import build_backdrop, build_street
from plano.scene.sun import local_time_for, make_sun
from plano.spec.model import ShotSpec

MAX_STOREYS = 120
DRAMATIC_MOODS = {"dramatic", "gritty", "moody", "dark", "ominous", "epic"}
DRAMATIC_LOOKS = {"villeneuve", "nolan", "fincher", "deakins"}


def rng_for(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([int(seed), zlib.crc32(name.encode())])


def _rotation(k: int) -> np.ndarray:
    c, s = [(1, 0), (0, 1), (-1, 0), (0, -1)][k % 4]
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], dtype=np.float64)


def _rotate(parts: list[Part], R: np.ndarray) -> list[Part]:
    return [replace(p, vertices=p.vertices @ R.T) for p in parts]


def _bounds(parts: list[Part]) -> np.ndarray:
    v = np.concatenate([p.vertices for p in parts])
    return np.stack([v.min(axis=0), v.max(axis=0)])


def _orientation(seed: int, sun, light, preset: str) -> tuple[np.random.Generator, float, float, bool]:
    """Where the camera stands, chosen as a DP would from where the sun is: three-quarter front light by default,
    raking side light (the sun 100-110 degrees off the line of sight) for a dramatic or gritty mood; and the
    building turned so that the camera sees it three-quarter on (20-30 degrees off its front facade).

    Returns the camera's generator (its next draws are the camera's own), the view's yaw and swing, and
    whether the light is dramatic. Only the sun, the mood and the seed choose them, never the lens."""
    rng_c = rng_for(seed, "camera")
    sun_h = np.array([sun.direction[0], sun.direction[1]])
    sun_h = sun_h / np.linalg.norm(sun_h) if np.linalg.norm(sun_h) > 1e-6 else np.array([0.0, -1.0])
    dramatic = bool(DRAMATIC_MOODS & set(light.mood)) or preset in DRAMATIC_LOOKS
    off = np.radians(rng_c.uniform(70.0, 80.0) if dramatic else rng_c.uniform(20.0, 30.0))
    c, s_ = np.cos(off), np.sin(off)
    view_h = np.array([c * sun_h[0] - s_ * sun_h[1], s_ * sun_h[0] + c * sun_h[1]])
    swing = np.radians(rng_c.uniform(20.0, 30.0)) * (1.0 if rng_c.uniform() < 0.5 else -1.0)
    cs, ss = np.cos(-swing), np.sin(-swing)
    front_h = np.array([cs * view_h[0] - ss * view_h[1], ss * view_h[0] + cs * view_h[1]])
    yaw = float(np.arctan2(front_h[1], front_h[0]) - np.arctan2(-1.0, 0.0))
    return rng_c, yaw, float(swing), dramatic


def _yaw_matrix(yaw: float) -> np.ndarray:
    return np.array([[np.cos(yaw), -np.sin(yaw), 0.0], [np.sin(yaw), np.cos(yaw), 0.0], [0.0, 0.0, 1.0]])


def _inside_hero(part, hero_bounds: np.ndarray, pad_m: float = 0.5) -> bool:
    """A lamp or tree of the street that stands inside the building's footprint (a narrow pavement) is
    dropped: it would stand through the building, and hold up its falling floors."""
    if part.group != "street_furniture":
        return False
    lo, hi = part.bounds
    return bool((lo[:2] < hero_bounds[1, :2] + pad_m).all() and (hi[:2] > hero_bounds[0, :2] - pad_m).all())


def build_set(spec: ShotSpec) -> SceneSet:
    """The set of a shot: hero building, street and context, materials, sun and sky, turned to the light, with
    the bearing the camera will look from (``info["view_dir"]``) and no camera (``camera`` is ``None``).

    Reads the subject, place, light, the look's preset and the seed; nothing of the camera or the picture, so
    a new lens or framing gives the same set, and the sim made on it stays valid."""
    subj = spec.subject
    if subj.storeys is not None and subj.storeys > MAX_STOREYS:
        raise PlanoError(f"subject.storeys is {subj.storeys}; the scene builder makes at most {MAX_STOREYS} storeys. "
                         f"Set subject.storeys to {MAX_STOREYS} or fewer")
    style = nearest_style(subj.style)
    rng_b = rng_for(spec.seed, "building")
    g = vary(GRAMMARS[style], rng_b)
    dims = dimensions(g, subj.building_type, subj.era, subj.storeys, rng_b)
    hero_local, hero_facts = build_hero(g, dims, subj.era, rng_b)

    place, light = spec.place, spec.light
    when = local_time_for(light.time_of_day, place.latitude, place.longitude, place.date, place.timezone,
                          light.local_time)
    sun, sun_facts = make_sun(place.latitude, place.longitude, when, light.weather)
    _, yaw, swing, dramatic = _orientation(spec.seed, sun, light, spec.look.preset)
    R = _yaw_matrix(yaw)
    hero = _rotate(hero_local, R)
    hero_bounds = _bounds(hero)
    front = R @ np.array([0.0, -1.0, 0.0])
    side = np.array([-front[1], front[0], 0.0])
    view_from = np.cos(swing) * front + np.sin(swing) * side
    local_bounds = _bounds(hero_local)
    street_local, street_facts = build_street(local_bounds, style, subj.era, R.T @ view_from, spec.seed)
    street_local = [p for p in street_local if not _inside_hero(p, local_bounds)]
    street = _rotate(street_local, R)
    sky = make_sky(sun, light.weather, tuple(light.mood), rng_for(spec.seed, "sky"), sun_facts["solar_elevation_deg"])
    parts = tuple(hero + street)
    materials = library(p.material for p in parts)
    mass_t = sum(p.volume_m3 * materials[p.material].density_kg_m3 for p in hero) / 1000.0
    dyn_t = sum(p.volume_m3 * materials[p.material].density_kg_m3 for p in hero if p.dynamic) / 1000.0
    info = {
        "style": style, "style_requested": subj.style, "building_type": subj.building_type, "era": subj.era,
        "footprint_m": [dims.width_m, dims.depth_m], "floor_height_m": dims.floor_h_m,
        "height_m": float(hero_bounds[1, 2] - hero_bounds[0, 2]), "rotation_deg": float(np.degrees(yaw)) % 360.0,
        "yaw_rad": yaw, "front": [float(x) for x in front], "view_dir": [float(x) for x in view_from],
        "swing_deg": float(np.degrees(swing)), "hero_local_bounds": local_bounds.tolist(),
        "dramatic_light": dramatic, "hero_parts": len(hero), "street_parts": len(street),
        "hero_mass_t": float(mass_t), "dynamic_mass_t": float(dyn_t), "groups": dict(Counter(p.group for p in hero)),
        "sun": sun_facts, "street": street_facts, "hero": {k: v for k, v in hero_facts.items() if k != "storey_z_m"},
        "storey_z_m": [float(z) for z in hero_facts["storey_z_m"]], "place": place.name,
    }
    if style != subj.style:
        info["style_note"] = f"style {subj.style!r} is built with the {style!r} grammar"
    info = json.loads(json.dumps(info))  # plain JSON types, so that a saved set loads back equal
    return SceneSet(parts=parts, materials=materials, camera=None, sun=sun, sky=sky, style=style, storeys=dims.storeys,
                 floor_height_m=dims.floor_h_m, hero_bounds=hero_bounds, seed=spec.seed, info=info)


def build_scene(spec: ShotSpec, scene_set: SceneSet | None = None) -> Scene:
    """The shot's scene: its set (``build_set(spec)`` unless given) seen by the camera the spec describes, with
    the backdrop that camera needs. The set's parts come first, with the same indices, so a sim made on the
    set draws in the scene."""
    scene_set = build_set(spec) if scene_set is None else scene_set.as_set()
    info = dict(scene_set.info)
    rng_c = rng_for(spec.seed, "camera")
    for _ in range(3):  # the draws that chose the view and turned the building (_orientation)
        rng_c.uniform()
    rig, cam_facts = solve_camera(spec, scene_set.hero_bounds, np.asarray(info["view_dir"]), rng_c)
    cam_facts["swing_deg"] = info["swing_deg"]
    R = _yaw_matrix(info["yaw_rad"])
    cam_local = R.T @ rig.positions[0]
    back_local, back_facts = build_backdrop(np.asarray(info["hero_local_bounds"]), scene_set.style, info["era"],
                                            R.T @ np.asarray(info["view_dir"]), scene_set.seed, cam_local[:2],
                                            info["street"])
    backdrop = _rotate(back_local, R)
    street = dict(info["street"])
    street["context_buildings"] = street.get("context_buildings", 0) + back_facts["context_buildings"]
    street.update({"street_x_m": back_facts["street_x_m"], "ground_m": back_facts["ground_m"]})
    info.update({"camera": cam_facts, "street": street, "backdrop_parts": len(backdrop)})
    parts = scene_set.parts + tuple(backdrop)
    materials = {**scene_set.materials, **library(p.material for p in backdrop)}
    kw = {f.name: getattr(scene_set, f.name) for f in dataclasses.fields(Scene)}
    kw.update(parts=parts, materials=materials, camera=rig, info=json.loads(json.dumps(info)),
              set_parts=len(scene_set.parts))
    return Scene(**kw)
