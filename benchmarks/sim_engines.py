"""Time the same glued scene in rapier3d, MuJoCo and PyBullet.

The reference building is fractured and glued as in ``plano sim``; a collapse is run in rapier until
``--at`` seconds to get a realistic set of clusters (compound bodies: standing ones fixed, broken ones free).
Those clusters are then put back at rest and every engine steps the same bodies (convex chunk colliders,
the ground, gravity, dt = 1/96 s) for ``--seconds`` s. Usage::

    PYTHONPATH=src python benchmarks/sim_engines.py [--at 2.5] [--seconds 1.0] [--limit 120]
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
from _reference import reference

from plano.sim.engines import get_engine
from plano.sim.fracture import fracture_scene
from plano.sim.glue import build_glue
from plano.sim.run import SUBSTEPS, TARGET_CHUNKS
from plano.sim.scenarios import plan_scenario
from plano.sim.solver import RigidSim


def clusters(scene, spec, at_s: float):
    scen = plan_scenario(scene, spec)
    fr = fracture_scene(scene, 0, scen.focus, scen.focus_radius_m, TARGET_CHUNKS)
    glue = build_glue(fr, scene)
    fps = spec.format.fps
    sim = RigidSim(scene, fr, glue, get_engine("rapier", 1 / (fps * SUBSTEPS)), fps, SUBSTEPS, {3}, 0)
    charges = sorted(scen.charges, key=lambda c: c.time_s)
    for i in range(1, int(at_s * fps) + 1):
        due = [c for c in charges if c.time_s < i / fps]
        charges = charges[len(due):]
        sim.step_frame(due)
    bodies = [(cs, sim.body_fixed[b]) for b, cs in sorted(sim.body_chunks.items())]
    return fr, glue, bodies


def run_rapier(scene, fr, bodies, steps, limit):
    from plano.sim.engines.rapier import RapierEngine

    t0 = time.perf_counter()
    eng = RapierEngine(1 / 96)
    for p in scene.parts:
        if not p.dynamic:
            eng.add_static(p.vertices)
    ch = fr.chunks
    eng.set_chunks([ch.chunk_vertices(c) for c in range(ch.count)], ch.rest_position,
                   np.full(ch.count, 1e5), ch.mass_kg / fr.volumes_m3)
    for cs, fixed in bodies:
        eng.add_body(cs, np.zeros(3), (0, 0, 0, 1), np.zeros(3), np.zeros(3), fixed)
    build = time.perf_counter() - t0
    return build, _steps(lambda: (eng.step(), eng.contacts()), steps, limit)


def run_mujoco(scene, fr, bodies, steps, limit):
    import mujoco

    t0 = time.perf_counter()
    ch = fr.chunks
    dens = ch.mass_kg / fr.volumes_m3
    assets, world, free = [], [], []
    for c in range(ch.count):
        v = " ".join(f"{x:.5f}" for x in ch.chunk_vertices(c).ravel())
        assets.append(f'<mesh name="c{c}" vertex="{v}"/>')

    def geom(c):
        x, y, z = ch.rest_position[c]
        return f'<geom type="mesh" mesh="c{c}" pos="{x:.5f} {y:.5f} {z:.5f}" density="{dens[c]:.1f}"/>'

    for k, (cs, fixed) in enumerate(bodies):
        if fixed:
            world.extend(geom(c) for c in cs)
        else:
            free.append(f'<body name="b{k}"><freejoint/>' + "".join(geom(c) for c in cs) + "</body>")
    for i, p in enumerate(scene.parts):
        if not p.dynamic:
            v = " ".join(f"{x:.4f}" for x in p.vertices.ravel())
            assets.append(f'<mesh name="s{i}" vertex="{v}"/>')
            world.append(f'<geom type="mesh" mesh="s{i}"/>')
    xml = (f'<mujoco><option timestep="{1 / 96:.6f}" gravity="0 0 -9.81"/><size memory="2G"/>'
           f'<asset>{"".join(assets)}</asset><worldbody>{"".join(world)}{"".join(free)}</worldbody></mujoco>')
    model = mujoco.MjModel.from_xml_string(xml)
    data = mujoco.MjData(model)
    build = time.perf_counter() - t0
    return build, _steps(lambda: mujoco.mj_step(model, data), steps, limit)


def run_pybullet(scene, fr, bodies, steps, limit):
    import tempfile
    from pathlib import Path

    import pybullet as pb

    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="plano_pb_"))
    cid = pb.connect(pb.DIRECT)
    pb.setGravity(0, 0, -9.81, physicsClientId=cid)
    pb.setTimeStep(1 / 96, physicsClientId=cid)
    ch = fr.chunks
    for p in scene.parts:
        if not p.dynamic:
            s = pb.createCollisionShape(pb.GEOM_MESH, vertices=p.vertices.tolist(), physicsClientId=cid)
            pb.createMultiBody(0, s, physicsClientId=cid)
    files = []  # compound shapes of meshes need files: one OBJ per chunk (pybullet takes its convex hull)
    for c in range(ch.count):
        f = tmp / f"c{c}.obj"
        v, t = ch.chunk_vertices(c), ch.chunk_faces(c) + 1
        f.write_text("".join(f"v {a:.5f} {b:.5f} {d:.5f}\n" for a, b, d in v) + "".join(f"f {a} {b} {d}\n" for a, b, d in t))
        files.append(str(f))
    for cs, fixed in bodies:
        for start in range(0, len(cs), 60):  # pybullet compounds are limited in size: split big clusters
            part = cs[start:start + 60]
            s = pb.createCollisionShapeArray(
                [pb.GEOM_MESH] * len(part), fileNames=[files[c] for c in part],
                collisionFramePositions=[ch.rest_position[c].tolist() for c in part], physicsClientId=cid)
            pb.createMultiBody(0.0 if fixed else float(ch.mass_kg[part].sum()), s, physicsClientId=cid)
    build = time.perf_counter() - t0
    return build, _steps(lambda: pb.stepSimulation(physicsClientId=cid), steps, limit)


def _steps(step, steps, limit):
    t0 = time.perf_counter()
    done = 0
    while done < steps:
        step()
        done += 1
        if time.perf_counter() - t0 > limit:
            break
    per = (time.perf_counter() - t0) / done
    return per, done


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--at", type=float, default=2.5)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--limit", type=float, default=120.0, help="stop an engine after this many seconds of stepping")
    args = ap.parse_args()
    scene, spec, source = reference(effects=False)
    fr, glue, bodies = clusters(scene, spec, args.at)
    nfree = sum(1 for _, f in bodies if not f)
    print(f"# {platform.node()} {time.strftime('%Y-%m-%d %H:%M')} scene: {source}")
    print(f"chunks {fr.chunks.count}, bonds {glue.count} ({glue.broken} broken at {args.at} s), "
          f"clusters {len(bodies)} ({nfree} free)")
    steps = int(round(args.seconds * 96))
    results = {}
    for name, fn in (("rapier3d", run_rapier), ("mujoco", run_mujoco), ("pybullet", run_pybullet)):
        try:
            build, (per, done) = fn(scene, fr, bodies, steps, args.limit)
        except ImportError as err:
            print(f"{name}: not available ({err})")
            continue
        results[name] = per
        print(f"{name:9s} build {build:6.2f} s  step {per * 1e3:8.2f} ms  ({done} steps)  "
              f"-> {per * 96 * args.seconds:7.2f} s per {args.seconds:g} s of shot")
    if "rapier3d" in results:
        for k, v in results.items():
            print(f"ratio {k}/rapier3d: {v / results['rapier3d']:.1f}x")


if __name__ == "__main__":
    main()
