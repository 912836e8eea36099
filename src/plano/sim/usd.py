"""Export the animated chunks to USD: one mesh per chunk (its points in its own frame) moved by translate and
orient time samples, timeCodesPerSecond = the shot's fps, so any USD tool (usdview, Blender, Houdini) plays it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from plano.errors import MissingEngine
from plano.sim.cache import SimCache


def export_usd(cache: SimCache, path: str | Path, every: int = 1) -> Path:
    """Write ``path`` (.usd, .usda or .usdc) with ``/Sim/Chunks/chunk_NNNNN`` meshes animated over the cached
    frames (every ``every``-th frame). Returns the path."""
    try:
        from pxr import Gf, Sdf, Usd, UsdGeom, Vt
    except ImportError:
        raise MissingEngine("usd", "the Python package usd-core (pxr) is not installed", "pip install usd-core") from None
    from plano.core.atomic import atomic_path

    ch = cache.chunks
    frames = cache.frames[::every]
    if cache.frames[-1] not in frames:
        frames.append(cache.frames[-1])
    with atomic_path(path) as tmp:
        stage = Usd.Stage.CreateNew(str(tmp))
        stage.SetMetadata("metersPerUnit", 1.0)
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
            ops.append((mesh.AddTranslateOp(UsdGeom.XformOp.PrecisionDouble), mesh.AddOrientOp()))
        for n in frames:
            fr = cache.frame(n)
            for c, (tr, orient) in enumerate(ops):
                p = fr.positions[c]
                x, y, z, w = (float(a) for a in fr.rotations[c])
                tr.Set(Gf.Vec3d(*map(float, p)), n)
                orient.Set(Gf.Quatf(w, x, y, z), n)
        stage.GetRootLayer().Save()
    return Path(path)
