"""The scene's data model: parts, materials, camera rig, sun and sky.

In-memory data with arrays are frozen dataclasses. Units: metres, seconds, kilograms; Z is up and the
ground is z = 0; angles are radians inside, degrees where a field's name says ``_deg``.
Colours are scene-linear ACEScg.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from plano.schema.camera import look_at  # noqa: F401 - re-exported: plano.scene.model.look_at

# Part groups (what a part is structurally). Sim and render read these names.
STRUCTURAL_GROUPS = ("foundation", "column", "slab", "core", "wall", "beam", "stair")
SKIN_GROUPS = ("facade", "window", "parapet", "roof_plant", "balcony", "ornament")
STREET_GROUPS = ("ground", "road", "sidewalk", "kerb", "context", "street_furniture")


@dataclass(frozen=True)
class Material:
    """Physical and appearance properties of one material."""

    name: str
    id: int
    """Small integer, stable across runs: the material id pass."""
    density_kg_m3: float
    tensile_strength_pa: float
    """Strength of a glued joint of this material per square metre of contact (bond strength)."""
    brittleness: float
    """0 (ductile steel) .. 1 (glass): how finely it fractures."""
    base_color: tuple[float, float, float]
    """ACEScg, linear."""
    roughness: float
    metallic: float = 0.0
    transmission: float = 0.0
    """0 opaque .. 1 clear glass."""
    texture: str = "none"
    """Procedural detail the renderer draws: ``board_formed``, ``concrete``, ``brick``, ``panel``, ``mullion``,
    ``stone``, ``asphalt``, ``paving``, ``glass``, ``none``."""
    texture_scale_m: float = 1.0
    compressive_strength_pa: float = 0.0
    """Crushing strength of the material in a load-bearing member (Pa): a column or wall whose load exceeds it
    times its section crushes. 0: twelve times ``tensile_strength_pa`` (concrete's usual ratio)."""

    @property
    def crushing_strength_pa(self) -> float:
        return self.compressive_strength_pa if self.compressive_strength_pa > 0 else 12.0 * self.tensile_strength_pa


@dataclass(frozen=True)
class Part:
    """One closed, convex solid of the scene, in world metres.

    ``vertices`` (N, 3) float64; ``faces`` (M, 3) int32, counter-clockwise seen from outside (outward normals).
    """

    name: str
    """Unique, e.g. ``hero/slab/f03_02``."""
    group: str
    """One of STRUCTURAL_GROUPS, SKIN_GROUPS or STREET_GROUPS."""
    material: str
    vertices: np.ndarray
    faces: np.ndarray
    building: str = "hero"
    """``hero``, ``context_00``.. or ``street``."""
    floor: int = -1
    """Storey index, 0 = ground floor; -1 where it does not apply."""
    dynamic: bool = True
    """Can break and move (the hero building's parts); street and context buildings are static."""

    @property
    def bounds(self) -> np.ndarray:
        """(2, 3): min and max corner."""
        return np.stack([self.vertices.min(axis=0), self.vertices.max(axis=0)])

    @property
    def volume_m3(self) -> float:
        v = self.vertices[self.faces]
        return float(np.einsum("ij,ij->i", v[:, 0], np.cross(v[:, 1], v[:, 2])).sum() / 6.0)

    @property
    def centroid(self) -> np.ndarray:
        v = self.vertices[self.faces]
        vol = np.einsum("ij,ij->i", v[:, 0], np.cross(v[:, 1], v[:, 2])) / 6.0
        total = vol.sum()
        if abs(total) < 1e-12:
            return self.vertices.mean(axis=0)
        return (vol[:, None] * v.sum(axis=1) / 4.0).sum(axis=0) / total


@dataclass(frozen=True)
class CameraRig:
    """The shot camera, sampled once per frame.

    ``positions``, ``targets``, ``ups``: (F, 3); ``focal_length_mm``, ``focus_distance_m``: (F,).
    The film back is ``aperture_width_mm`` x ``aperture_height_mm`` after cropping the sensor to the
    delivered aspect and, for anamorphic lenses, before de-squeeze (the horizontal field of view is
    ``2 atan(squeeze * aperture_width / (2 f))``).
    """

    frames: np.ndarray
    """(F,) int frame numbers from 1001."""
    fps: float
    positions: np.ndarray
    targets: np.ndarray
    ups: np.ndarray
    focal_length_mm: np.ndarray
    focus_distance_m: np.ndarray
    aperture_width_mm: float
    aperture_height_mm: float
    squeeze: float
    fstop: float
    width: int
    height: int
    near_m: float = 0.5
    far_m: float = 5000.0
    body: str = ""

    @property
    def aspect(self) -> float:
        return self.width / self.height

    def index(self, frame: int) -> int:
        i = int(frame - self.frames[0])
        if not 0 <= i < len(self.frames):
            raise IndexError(f"frame {frame} is outside the shot {self.frames[0]}..{self.frames[-1]}")
        return i

    def view_matrix(self, i: int) -> np.ndarray:
        """(4, 4) world -> camera (OpenGL convention: camera looks down -Z, Y up), for frame index ``i``."""
        return look_at(self.positions[i], self.targets[i], self.ups[i])

    def vertical_fov(self, i: int) -> float:
        """Radians."""
        return float(2.0 * np.arctan(self.aperture_height_mm / (2.0 * self.focal_length_mm[i])))

    def horizontal_fov(self, i: int) -> float:
        """Radians, after de-squeeze."""
        return float(2.0 * np.arctan(self.squeeze * self.aperture_width_mm / (2.0 * self.focal_length_mm[i])))

    def projection_matrix(self, i: int) -> np.ndarray:
        """(4, 4) OpenGL clip matrix for frame index ``i`` (depth -1..1)."""
        t = np.tan(self.vertical_fov(i) / 2.0)
        n, fa = self.near_m, self.far_m
        p = np.zeros((4, 4))
        p[0, 0] = 1.0 / (t * self.aspect)
        p[1, 1] = 1.0 / t
        p[2, 2] = -(fa + n) / (fa - n)
        p[2, 3] = -2.0 * fa * n / (fa - n)
        p[3, 2] = -1.0
        return p

    def project(self, i: int, points: np.ndarray) -> np.ndarray:
        """World points (N, 3) -> pixel coordinates (N, 2) (x right, y down, origin top-left) and depth.

        Returns (N, 3): x_px, y_px, depth along the view axis in metres (negative behind the camera).
        """
        pts = np.c_[points, np.ones(len(points))]
        cam = pts @ self.view_matrix(i).T
        clip = cam @ self.projection_matrix(i).T
        w = clip[:, 3:4]
        ndc = clip[:, :2] / np.where(np.abs(w) < 1e-9, 1e-9, w)
        x = (ndc[:, 0] + 1.0) * 0.5 * self.width
        y = (1.0 - ndc[:, 1]) * 0.5 * self.height
        return np.c_[x, y, -cam[:, 2]]


@dataclass(frozen=True)
class Sun:
    direction: np.ndarray
    """(3,) unit vector from the ground towards the sun."""
    elevation_deg: float
    azimuth_deg: float
    """Clockwise from north (north = +Y, east = +X)."""
    color: tuple[float, float, float]
    """ACEScg, linear, relative."""
    illuminance_lux: float


@dataclass(frozen=True)
class Sky:
    zenith_color: tuple[float, float, float]
    horizon_color: tuple[float, float, float]
    ground_color: tuple[float, float, float]
    weather: str = "clear"
    turbidity: float = 3.0
    haze_density: float = 0.0005
    """Atmospheric extinction per metre (aerial perspective)."""
    cloud_cover: float = 0.0
    wind_m_s: tuple[float, float, float] = (2.0, 0.5, 0.0)


@dataclass(frozen=True)
class Scene:
    parts: tuple[Part, ...]
    materials: dict[str, Material]
    camera: CameraRig | None
    """``None`` for a set (the world before a camera looks at it)."""
    sun: Sun
    sky: Sky
    style: str
    storeys: int
    floor_height_m: float
    hero_bounds: np.ndarray
    """(2, 3) min and max corner of the hero building."""
    seed: int = 0
    info: dict = field(default_factory=dict)
    set_parts: int | None = None
    """How many of ``parts`` (the first ones) are the set the sim collides with; ``None``: all of them."""

    @property
    def set_part_count(self) -> int:
        """How many of ``parts`` (the first ones) are the set: ``parts[:set_part_count]`` is what the sim
        collides with, with the same indices in the set and in the scene."""
        return len(self.parts) if self.set_parts is None else int(self.set_parts)

    @property
    def view_dir(self) -> np.ndarray:
        """(3,) unit, horizontal: the camera's bearing, from the hero towards where the camera stands (the set's
        ``info["view_dir"]``, or from the camera's first frame for a scene made without one)."""
        if "view_dir" in self.info:
            return np.asarray(self.info["view_dir"], float)
        if self.camera is None:
            raise ValueError("this scene has neither a camera nor info['view_dir']: there is no bearing to give; "
                             "build it with plano.scene.build.build_set")
        v = np.asarray(self.camera.positions[0], float) - np.asarray(self.camera.targets[0], float)
        v[2] = 0.0
        return v / max(float(np.linalg.norm(v)), 1e-9)

    def as_set(self) -> "SceneSet":
        """The set of this scene: its first ``set_part_count`` parts, no camera, and the camera's bearing kept in
        ``info["view_dir"]``. A SceneSet is returned as it is."""
        if isinstance(self, SceneSet):
            return self
        info = dict(self.info)
        if "view_dir" not in info and self.camera is not None:
            info["view_dir"] = self.view_dir.tolist()
        kw = {f.name: getattr(self, f.name) for f in dataclasses.fields(Scene)}
        kw.update(parts=self.parts[:self.set_part_count], camera=None, info=info, set_parts=None)
        return SceneSet(**kw)

    def hero_parts(self) -> list[Part]:
        return [p for p in self.parts if p.building == "hero"]

    def static_parts(self) -> list[Part]:
        return [p for p in self.parts if not p.dynamic]

    @property
    def hero_height_m(self) -> float:
        return float(self.hero_bounds[1, 2] - self.hero_bounds[0, 2])


@dataclass(frozen=True)
class SceneSet(Scene):
    """The set of a shot: everything that does not depend on the camera (the hero, the near street and its
    neighbours, materials, sun, sky, and the camera's bearing in ``info["view_dir"]``); ``camera`` is None.

    Its ``parts`` are exactly what the sim collides with. :func:`plano.scene.build.build_scene` puts them first
    in the shot's Scene (``scene.parts[:scene.set_part_count] == scene_set.parts``) and adds the backdrop the
    camera needs after them. A SceneSet is a Scene, so whatever reads a Scene's parts reads a set too."""

    def __post_init__(self):
        if self.camera is not None:
            raise ValueError("a SceneSet has no camera (got a CameraRig, expected None); a set seen by a camera is "
                             "a Scene: make it with plano.scene.build.build_scene(spec, scene_set)")
        if self.set_parts not in (None, len(self.parts)):
            raise ValueError(f"a SceneSet is all set: set_parts is {self.set_parts}, expected None or "
                             f"{len(self.parts)}")
