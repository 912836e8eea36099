"""The reference shot for the sim benchmarks: the reference prompt's building when the spec and scene stages
are installed, otherwise a stand-in frame building of the same size class (tests/sim_fixtures.py)."""

from __future__ import annotations

import sys
from pathlib import Path

REFERENCE_PROMPT = (
    "cinematic ultra-wide shot of a 1960s brutalist government building in Buenos Aires, the entire structure "
    "begins to collapse into a cloud of dust and debris, realistic physics, smoke plumes billow into the sky, "
    "papers fly from the windows, hyperrealistic, 8K, shot on Arri Alexa with an anamorphic lens, dramatic, "
    "gritty afternoon lighting, style of a Denis Villeneuve film --ar 16:9 --style raw"
)


def reference(effects: bool = True):
    """(scene, spec, source) for the reference shot."""
    try:
        from plano.scene.build import build_scene
        from plano.spec.parse import parse_prompt

        spec = parse_prompt(REFERENCE_PROMPT)
        if not effects:
            spec = spec.model_copy(update={"effects": ()})
        return build_scene(spec), spec, "plano.scene.build_scene(reference prompt)"
    except ImportError:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from sim_fixtures import building

        from plano.spec.model import ShotSpec

        spec = ShotSpec(prompt=REFERENCE_PROMPT, effects=("dust", "debris", "smoke", "papers", "glass") if effects else ())
        return building(storeys=12, nx=6, ny=3), spec, "stand-in: tests/sim_fixtures.building(12 storeys, 6x3 bays)"
