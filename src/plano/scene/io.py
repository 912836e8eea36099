"""Save and load a Scene exactly: arrays in ``arrays.npz``, everything else in ``scene.json``.

``save_scene(scene, folder)`` writes both (each atomically, the JSON last, so a folder with a ``scene.json``
is complete); ``load_scene(folder)`` reads them back bit for bit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io as _io
import json
from pathlib import Path

import numpy as np

from plano.core.atomic import atomic_path, atomic_write_text
from plano.errors import PlanoError
from plano.scene.model import CameraRig, Material, Part, Scene, SceneSet, Sky, Sun

FORMAT_VERSION = 1
_CAMERA_ARRAYS = ("frames", "positions", "targets", "ups", "focal_length_mm", "focus_distance_m")


def _folder(path) -> Path:
    p = Path(path)
    return p.parent if p.suffix in (".json", ".npz") else p


def save_scene(scene: Scene, path: str | Path) -> Path:
    """Write ``scene`` into the folder ``path`` (created); returns the path of ``scene.json``."""
    folder = _folder(path)
    folder.mkdir(parents=True, exist_ok=True)
    counts_v = np.array([len(p.vertices) for p in scene.parts], np.int64)
    counts_f = np.array([len(p.faces) for p in scene.parts], np.int64)
    arrays = {
        "vertices": np.concatenate([p.vertices for p in scene.parts]).astype(np.float64),
        "faces": np.concatenate([p.faces for p in scene.parts]).astype(np.int32),
        "vertex_counts": counts_v, "face_counts": counts_f,
        "hero_bounds": np.asarray(scene.hero_bounds, np.float64),
        "sun_direction": np.asarray(scene.sun.direction, np.float64),
    }
    for k in _CAMERA_ARRAYS if scene.camera is not None else ():
        arrays[f"camera_{k}"] = np.asarray(getattr(scene.camera, k))
    buf = _io.BytesIO()
    np.savez(buf, **arrays)
    data = buf.getvalue()
    with atomic_path(folder / "arrays.npz") as tmp:
        tmp.write_bytes(data)
    cam = None if scene.camera is None else {
        f.name: getattr(scene.camera, f.name) for f in dataclasses.fields(CameraRig) if f.name not in _CAMERA_ARRAYS}
    doc = {
        "format_version": FORMAT_VERSION,
        "arrays_sha256": hashlib.sha256(data).hexdigest(),
        "parts": [{"name": p.name, "group": p.group, "material": p.material, "building": p.building,
                   "floor": p.floor, "dynamic": p.dynamic} for p in scene.parts],
        "materials": [dataclasses.asdict(m) for m in scene.materials.values()],
        "camera": cam,
        "sun": {k: v for k, v in dataclasses.asdict(scene.sun).items() if k != "direction"},
        "sky": dataclasses.asdict(scene.sky),
        "style": scene.style, "storeys": scene.storeys, "floor_height_m": scene.floor_height_m,
        "seed": scene.seed, "info": scene.info, "set_parts": scene.set_parts,
    }
    return atomic_write_text(folder / "scene.json", json.dumps(doc, indent=1, default=_jsonable))


def _jsonable(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"cannot store {type(o).__name__} in scene.json")


def _tuples(d: dict, keys) -> dict:
    return {k: (tuple(v) if k in keys and isinstance(v, list) else v) for k, v in d.items()}


def load_scene(path: str | Path) -> Scene:
    """Read a scene written by :func:`save_scene` (the folder, or its ``scene.json``)."""
    folder = _folder(path)
    jpath, npath = folder / "scene.json", folder / "arrays.npz"
    if not jpath.exists() or not npath.exists():
        raise PlanoError(f"no saved scene in {str(folder)!r}: expected scene.json and arrays.npz there; "
                         "run `plano scene` to build one")
    doc = json.loads(jpath.read_text(encoding="utf-8"))
    if doc.get("format_version") != FORMAT_VERSION:
        raise PlanoError(f"{jpath} has format_version {doc.get('format_version')!r}, expected {FORMAT_VERSION}; "
                         "rebuild the scene with `plano scene`")
    data = npath.read_bytes()
    if hashlib.sha256(data).hexdigest() != doc["arrays_sha256"]:
        raise PlanoError(f"{npath} does not match {jpath.name} (a partial write?); rebuild the scene with `plano scene`")
    with np.load(_io.BytesIO(data)) as z:
        arr = {k: z[k] for k in z.files}
    vo = np.r_[0, np.cumsum(arr["vertex_counts"])]
    fo = np.r_[0, np.cumsum(arr["face_counts"])]
    parts = tuple(
        Part(vertices=arr["vertices"][vo[i]:vo[i + 1]].copy(), faces=arr["faces"][fo[i]:fo[i + 1]].copy(), **meta)
        for i, meta in enumerate(doc["parts"]))
    materials = {m["name"]: Material(**_tuples(m, ("base_color",))) for m in doc["materials"]}
    camera = None if doc["camera"] is None else CameraRig(**{k: arr[f"camera_{k}"] for k in _CAMERA_ARRAYS}, **doc["camera"])
    sun = Sun(direction=arr["sun_direction"], **_tuples(doc["sun"], ("color",)))
    sky = Sky(**_tuples(doc["sky"], ("zenith_color", "horizon_color", "ground_color", "wind_m_s")))
    return Scene(parts=parts, materials=materials, camera=camera, sun=sun, sky=sky, style=doc["style"],
                 storeys=doc["storeys"], floor_height_m=doc["floor_height_m"], hero_bounds=arr["hero_bounds"],
                 seed=doc["seed"], info=doc["info"], set_parts=doc.get("set_parts"))


def save_set(scene_set: SceneSet, path: str | Path) -> Path:
    """Write a set (a scene with no camera, from ``build_set``) into the folder ``path``."""
    if scene_set.camera is not None:
        raise PlanoError("save_set takes a set (no camera); use save_scene for a scene with its camera")
    return save_scene(scene_set, path)


def load_set(path: str | Path) -> SceneSet:
    """Read a set written by :func:`save_set`."""
    scene_set = load_scene(path)
    if scene_set.camera is not None:
        raise PlanoError(f"{str(path)!r} holds a scene with a camera, not a set; rebuild it with `plano scene`")
    return scene_set.as_set()
