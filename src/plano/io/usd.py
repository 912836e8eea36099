"""USD, the one adapter: a Scene as ``scene.usda`` and the sim's animated chunks (usd-core).

``write_scene_usd``: meshes, UsdPreviewSurface materials, the shot camera, the sun and the sky.

Layout: ``/World/Buildings/<building>/<group>`` one Mesh per part group per building (parts merged; a
GeomSubset per material where a group mixes materials), ``/World/Looks/<material>`` UsdPreviewSurface
materials, ``/World/Camera`` a UsdGeom.Camera animated per frame (time codes = frame numbers from 1001,
timeCodesPerSecond = fps), ``/World/Sun`` a UsdLux.DistantLight pointing along the sunlight (angle 0.53 deg,
``inputs:normalize`` on, so its intensity is the sun's illuminance in lux, as UsdLux defines it for a normalized
distant light, whatever its angle), ``/World/Sky`` a UsdLux.DomeLight tinted with the sky colour, its luminance
in nits (cd/m2) that of a uniform sky giving the clear-sky share of the sun's illuminance. metersPerUnit = 1,
upAxis = Z. Camera focal length and apertures are in tenths of a scene unit, as UsdGeom.Camera defines its
lens units (millimetres only on a centimetre stage): on this metre stage a 35 mm lens is ``focalLength = 0.35``,
which is what Blender's importer (x 100 x metersPerUnit) and Hydra read back; the millimetres are kept too, in
``plano:focalLength_mm`` and ``plano:sensorApertureWidth_mm``.

``write_sim_usd``: one mesh per chunk (its points in its own frame) moved by translate and orient time samples,
timeCodesPerSecond = the shot's fps, so any USD tool (usdview, Blender, Houdini) plays the collapse.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import numpy as np

from plano.core.atomic import atomic_path
from plano.errors import MissingEngine
from plano.schema.camera import camera_to_world_usd

METERS_PER_UNIT = 1.0
LENS_UNITS_PER_MM = 1.0 / (100.0 * METERS_PER_UNIT)
"""UsdGeom.Camera's focal length and apertures are in tenths of a scene unit: 1 mm is 0.01 of them on a metre stage."""

SKY_SHARE = 0.12
"""Diffuse skylight on a horizontal surface as a share of the direct sun's illuminance (clear sky, sun well up)."""


def _pxr():
    try:
        from pxr import Gf, Sdf, Usd, UsdGeom, UsdLux, UsdShade, Vt
    except ImportError:
        raise MissingEngine("usd", "the Python package usd-core (pxr) is not installed", "pip install 'plano[scene]'") from None
    return Gf, Sdf, Usd, UsdGeom, UsdLux, UsdShade, Vt


def _ident(s: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_]", "_", s)
    return s if s and not s[0].isdigit() else f"_{s}"


def write_scene_usd(scene, path: str | Path) -> Path:
    """Write ``scene`` to ``path`` (a ``.usda``), atomically. Returns the path."""
    Gf, Sdf, Usd, UsdGeom, UsdLux, UsdShade, Vt = _pxr()
    path = Path(path)
    with atomic_path(path) as tmp:
        stage = Usd.Stage.CreateNew(str(tmp))
        UsdGeom.SetStageMetersPerUnit(stage, METERS_PER_UNIT)
        UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.z)
        rig = scene.camera
        stage.SetTimeCodesPerSecond(float(rig.fps))
        stage.SetFramesPerSecond(float(rig.fps))
        stage.SetStartTimeCode(float(rig.frames[0]))
        stage.SetEndTimeCode(float(rig.frames[-1]))
        world = UsdGeom.Xform.Define(stage, "/World")
        stage.SetDefaultPrim(world.GetPrim())
        world.GetPrim().SetCustomDataByKey("plano:style", scene.style)
        world.GetPrim().SetCustomDataByKey("plano:storeys", int(scene.storeys))
        world.GetPrim().SetCustomDataByKey("plano:seed", int(scene.seed))

        looks = {}
        UsdGeom.Scope.Define(stage, "/World/Looks")
        for name, m in scene.materials.items():
            mp = f"/World/Looks/{_ident(name)}"
            mat = UsdShade.Material.Define(stage, mp)
            sh = UsdShade.Shader.Define(stage, mp + "/PreviewSurface")
            sh.CreateIdAttr("UsdPreviewSurface")
            sh.CreateInput("diffuseColor", Sdf.ValueTypeNames.Color3f).Set(Gf.Vec3f(*m.base_color))
            sh.CreateInput("roughness", Sdf.ValueTypeNames.Float).Set(float(m.roughness))
            sh.CreateInput("metallic", Sdf.ValueTypeNames.Float).Set(float(m.metallic))
            if m.transmission > 0:
                sh.CreateInput("opacity", Sdf.ValueTypeNames.Float).Set(float(1.0 - 0.9 * m.transmission))
                sh.CreateInput("ior", Sdf.ValueTypeNames.Float).Set(1.5)
            mat.CreateSurfaceOutput().ConnectToSource(sh.ConnectableAPI(), "surface")
            prim = mat.GetPrim()
            prim.CreateAttribute("plano:materialId", Sdf.ValueTypeNames.Int).Set(int(m.id))
            prim.CreateAttribute("plano:density_kg_m3", Sdf.ValueTypeNames.Float).Set(float(m.density_kg_m3))
            prim.CreateAttribute("plano:tensileStrength_pa", Sdf.ValueTypeNames.Float).Set(float(m.tensile_strength_pa))
            prim.CreateAttribute("plano:texture", Sdf.ValueTypeNames.String).Set(m.texture)
            looks[name] = mat

        groups: dict[tuple[str, str], list] = defaultdict(list)
        for p in scene.parts:
            groups[(p.building, p.group)].append(p)
        UsdGeom.Scope.Define(stage, "/World/Buildings")
        for (building, group), parts in groups.items():
            bp = f"/World/Buildings/{_ident(building)}"
            if not stage.GetPrimAtPath(bp):
                UsdGeom.Xform.Define(stage, bp)
            mesh = UsdGeom.Mesh.Define(stage, f"{bp}/{_ident(group)}")
            pts, idx, face_mat = [], [], []
            off = 0
            for p in parts:
                pts.append(p.vertices)
                idx.append(p.faces + off)
                face_mat += [p.material] * len(p.faces)
                off += len(p.vertices)
            pts = np.concatenate(pts)
            idx = np.concatenate(idx)
            mesh.CreatePointsAttr(Vt.Vec3fArray.FromNumpy(pts.astype(np.float32)))
            mesh.CreateFaceVertexCountsAttr(Vt.IntArray.FromNumpy(np.full(len(idx), 3, np.int32)))
            mesh.CreateFaceVertexIndicesAttr(Vt.IntArray.FromNumpy(idx.reshape(-1).astype(np.int32)))
            mesh.CreateSubdivisionSchemeAttr(UsdGeom.Tokens.none)
            mesh.CreateOrientationAttr(UsdGeom.Tokens.rightHanded)
            lo, hi = pts.min(axis=0), pts.max(axis=0)
            mesh.CreateExtentAttr([Gf.Vec3f(*map(float, lo)), Gf.Vec3f(*map(float, hi))])
            prim = mesh.GetPrim()
            prim.CreateAttribute("plano:partCount", Sdf.ValueTypeNames.Int).Set(len(parts))
            prim.CreateAttribute("plano:dynamic", Sdf.ValueTypeNames.Bool).Set(bool(parts[0].dynamic))
            mats = sorted(set(face_mat))
            if len(mats) == 1:
                UsdShade.MaterialBindingAPI.Apply(prim).Bind(looks[mats[0]])
            else:
                UsdShade.MaterialBindingAPI.Apply(prim)
                fm = np.array(face_mat)
                for mname in mats:
                    sub = UsdGeom.Subset.CreateGeomSubset(
                        mesh, _ident(mname), UsdGeom.Tokens.face, Vt.IntArray.FromNumpy(
                            np.nonzero(fm == mname)[0].astype(np.int32)), UsdShade.Tokens.materialBind)
                    UsdShade.MaterialBindingAPI.Apply(sub.GetPrim()).Bind(looks[mname])

        # the shot camera, animated per frame; lens and filmback in tenths of a scene unit (UsdGeom.Camera's
        # lens units): focal length, apertures and fStop then give the right field of view and depth of field
        cam = UsdGeom.Camera.Define(stage, "/World/Camera")
        cam.CreateHorizontalApertureAttr(float(rig.aperture_width_mm * rig.squeeze * LENS_UNITS_PER_MM))
        cam.CreateVerticalApertureAttr(float(rig.aperture_height_mm * LENS_UNITS_PER_MM))
        cam.CreateClippingRangeAttr(Gf.Vec2f(float(rig.near_m), float(rig.far_m)))
        cam.CreateFStopAttr(float(rig.fstop))
        cprim = cam.GetPrim()
        cprim.CreateAttribute("plano:body", Sdf.ValueTypeNames.String).Set(rig.body)
        cprim.CreateAttribute("plano:anamorphicSqueeze", Sdf.ValueTypeNames.Float).Set(float(rig.squeeze))
        cprim.CreateAttribute("plano:sensorApertureWidth_mm", Sdf.ValueTypeNames.Float).Set(float(rig.aperture_width_mm))
        focal = cam.CreateFocalLengthAttr()
        focal_mm = cprim.CreateAttribute("plano:focalLength_mm", Sdf.ValueTypeNames.Float)
        focus = cam.CreateFocusDistanceAttr()
        xop = cam.AddTransformOp()
        for i, fr in enumerate(rig.frames):
            t = Usd.TimeCode(float(fr))
            focal.Set(float(rig.focal_length_mm[i] * LENS_UNITS_PER_MM), t)
            focal_mm.Set(float(rig.focal_length_mm[i]), t)
            focus.Set(float(rig.focus_distance_m[i]), t)
            m = camera_to_world_usd(rig.positions[i], rig.targets[i], rig.ups[i])
            xop.Set(Gf.Matrix4d(m.tolist()), t)

        # the sun: a distant light emits along its -Z; aim -Z at the ground (away from the sun)
        sun = UsdLux.DistantLight.Define(stage, "/World/Sun")
        sun.CreateAngleAttr(0.53)
        sun.CreateColorAttr(Gf.Vec3f(*map(float, scene.sun.color)))
        sun.CreateNormalizeAttr(True)  # intensity is illuminance (lux), not radiance over the 0.53 degree disc
        sun.CreateIntensityAttr(float(max(scene.sun.illuminance_lux, 0.0)))
        d = np.asarray(scene.sun.direction, float)
        up = np.array([0, 0, 1.0]) if abs(d[2]) < 0.99 else np.array([0, 1.0, 0])
        m = camera_to_world_usd(d, np.zeros(3), up)  # -Z from the sun towards the origin
        m[3, :3] = 0.0
        sun.AddTransformOp().Set(Gf.Matrix4d(m.tolist()))
        sprim = sun.GetPrim()
        sprim.CreateAttribute("plano:elevation_deg", Sdf.ValueTypeNames.Float).Set(float(scene.sun.elevation_deg))
        sprim.CreateAttribute("plano:azimuth_deg", Sdf.ValueTypeNames.Float).Set(float(scene.sun.azimuth_deg))
        sprim.CreateAttribute("plano:illuminance_lux", Sdf.ValueTypeNames.Float).Set(float(scene.sun.illuminance_lux))
        dome = UsdLux.DomeLight.Define(stage, "/World/Sky")
        dome.CreateColorAttr(Gf.Vec3f(*map(float, scene.sky.zenith_color)))
        dome.CreateIntensityAttr(float(SKY_SHARE * max(scene.sun.illuminance_lux, 0.0) / np.pi))
        kprim = dome.GetPrim()
        kprim.CreateAttribute("plano:horizonColor", Sdf.ValueTypeNames.Color3f).Set(Gf.Vec3f(*scene.sky.horizon_color))
        kprim.CreateAttribute("plano:turbidity", Sdf.ValueTypeNames.Float).Set(float(scene.sky.turbidity))
        kprim.CreateAttribute("plano:hazeDensity", Sdf.ValueTypeNames.Float).Set(float(scene.sky.haze_density))
        kprim.CreateAttribute("plano:cloudCover", Sdf.ValueTypeNames.Float).Set(float(scene.sky.cloud_cover))
        kprim.CreateAttribute("plano:weather", Sdf.ValueTypeNames.String).Set(scene.sky.weather)
        stage.GetRootLayer().Save()
    return path


def write_sim_usd(cache, path: str | Path, every: int = 1) -> Path:
    """Write ``path`` (.usd, .usda or .usdc) with ``/Sim/Chunks/chunk_NNNNN`` meshes animated over the cached
    frames (every ``every``-th frame). Returns the path."""
    Gf, Sdf, Usd, UsdGeom, UsdLux, UsdShade, Vt = _pxr()
    ch = cache.chunks
    frames = cache.frames[::every]
    if cache.frames[-1] not in frames:
        frames.append(cache.frames[-1])
    with atomic_path(path) as tmp:
        stage = Usd.Stage.CreateNew(str(tmp))
        UsdGeom.SetStageMetersPerUnit(stage, METERS_PER_UNIT)
        UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.z)
        stage.SetTimeCodesPerSecond(cache.info.fps)
        stage.SetFramesPerSecond(cache.info.fps)
        stage.SetStartTimeCode(frames[0])
        stage.SetEndTimeCode(frames[-1])
        root = UsdGeom.Xform.Define(stage, "/Sim")
        stage.SetDefaultPrim(root.GetPrim())
        UsdGeom.Scope.Define(stage, "/Sim/Chunks")
        ops = []
        for c in range(ch.count):
            mesh = UsdGeom.Mesh.Define(stage, f"/Sim/Chunks/chunk_{c:05d}")
            v = ch.chunk_vertices(c)
            f = ch.chunk_faces(c)
            mesh.CreatePointsAttr(Vt.Vec3fArray.FromNumpy(np.ascontiguousarray(v, np.float32)))
            mesh.CreateFaceVertexCountsAttr(Vt.IntArray.FromNumpy(np.full(len(f), 3, np.int32)))
            mesh.CreateFaceVertexIndicesAttr(Vt.IntArray.FromNumpy(np.ascontiguousarray(f.ravel(), np.int32)))
            mesh.CreateSubdivisionSchemeAttr(UsdGeom.Tokens.none)
            prim = mesh.GetPrim()
            prim.CreateAttribute("plano:materialId", Sdf.ValueTypeNames.Int).Set(int(ch.material_ids[c]))
            prim.CreateAttribute("plano:partIndex", Sdf.ValueTypeNames.Int).Set(int(ch.part_index[c]))
            prim.CreateAttribute("plano:massKg", Sdf.ValueTypeNames.Double).Set(float(ch.mass_kg[c]))
            # translate, orient, scale (a crushed member shrinks to nothing as it turns to rubble and dust)
            ops.append((mesh.AddTranslateOp(UsdGeom.XformOp.PrecisionDouble), mesh.AddOrientOp(), mesh.AddScaleOp()))
        for n in frames:
            fr = cache.frame(n, effects=False)
            for c, (tr, orient, scale) in enumerate(ops):
                p = fr.positions[c]
                x, y, z, w = (float(a) for a in fr.rotations[c])
                tr.Set(Gf.Vec3d(*map(float, p)), n)
                orient.Set(Gf.Quatf(w, x, y, z), n)
                k = 1.0 if fr.scales is None else float(fr.scales[c])
                scale.Set(Gf.Vec3f(k, k, k), n)
        stage.GetRootLayer().Save()
    return Path(path)
