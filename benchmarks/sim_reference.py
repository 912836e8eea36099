"""Time the reference shot's whole sim (fracture, glue, rigid bodies, effects, cache writing): 5 s at 24 fps.

    PYTHONPATH=src python benchmarks/sim_reference.py [--out /tmp/plano_sim_ref] [--no-effects] [--no-crush]

Prints the collapse measure too (roof line, centre of mass, descent in g, mass balance: plano.sim.measure).
``--no-crush``: bonds only, the model before crushing members (for before/after).

Target (issue 4): under 60 s on this machine's 2 cores.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import time

from _reference import reference

from plano.sim.measure import measure_collapse
from plano.sim.run import run_sim


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/plano_sim_ref")
    ap.add_argument("--no-effects", action="store_true", help="rigid bodies only")
    ap.add_argument("--no-crush", action="store_true", help="bonds only: members never crush (the old model)")
    args = ap.parse_args()
    scene, spec, source = reference(effects=not args.no_effects)
    shutil.rmtree(args.out, ignore_errors=True)
    t0 = time.perf_counter()
    cache = run_sim(scene, spec, args.out, effects=None if args.no_effects else "spec", crush=not args.no_crush)
    wall = time.perf_counter() - t0
    x = cache.extra
    tm = x["timings_s"]
    b = x["bonds_broken"]
    print(f"# {platform.node()} {time.strftime('%Y-%m-%d %H:%M')} scene: {source}, {len(scene.parts)} parts")
    print(f"frames {cache.info.frame_count} at {cache.info.fps:g} fps, chunks {x['chunks']}, bonds {cache.info.bonds_total}, "
          f"broken at 1/4 {b[len(b) // 4]}, 1/2 {b[len(b) // 2]}, end {b[-1]}")
    print(f"particles max {max(x['particles']) if x['particles'] else 0}, effects {x['effects']}")
    print(f"wall {wall:.1f} s: fracture+glue {tm['fracture']:.1f} s, rigid {tm['rigid']:.1f} s, "
          f"effects {tm['effects']:.1f} s, rest (cache writing, setup) {wall - tm['fracture'] - tm['rigid'] - tm['effects']:.1f} s")
    m = measure_collapse(cache)
    print(f"collapse: centre of mass {m.com_m[0]:.1f} -> {m.com_m[-1]:.1f} m ({100 * m.com_ratio:.0f}%), roof line "
          f"{m.roof_m[0]:.1f} -> {m.roof_m[-1]:.1f} m ({100 * m.roof_ratio:.0f}% of {m.height_m:.1f} m), descent "
          f"{m.mean_descent_g or 0:.2f} g mean, crushed {m.crushed_kg / 1e3:,.0f} t, lost {m.lost_kg / 1e3:,.0f} t, "
          f"mass accounted {100 * (1 - m.mass_error):.2f}%")
    print(f"cache size {sum(p.stat().st_size for p in (cache.dir).iterdir()) / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
