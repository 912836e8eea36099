"""``plano scene``: build the shot's world (building, street, camera, sun), write scene.usda, print a summary."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Optional

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from plano.cli import common
from plano.console import esc

console = Console()


def summary_table(scene) -> Table:
    info = scene.info
    hero = scene.hero_parts()
    t = Table(title=f"scene: {info['style']} {info['building_type'].replace('_', ' ')} ({info['era']})",
              show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column()
    if "style_note" in info:
        t.add_row("note", info["style_note"])
    w, d = info["footprint_m"]
    t.add_row("building", f"{scene.storeys} storeys, {scene.hero_height_m:.1f} m tall, footprint {w:.1f} x {d:.1f} m, "
              f"storey {scene.floor_height_m:.2f} m")
    groups = Counter(p.group for p in hero)
    t.add_row("parts", f"{len(hero)} hero (" + ", ".join(f"{g} {n}" for g, n in groups.most_common()) + f"); "
              f"{len(scene.parts) - len(hero)} street and context ({info['street']['context_buildings']} buildings)")
    t.add_row("mass", f"{info['hero_mass_t']:,.0f} t ({info['dynamic_mass_t']:,.0f} t can break and fall; "
              "the foundation stays)")
    rig = scene.camera
    c = info["camera"]
    pos = rig.positions[0]
    lens = f"anamorphic {rig.squeeze:g}x" if rig.squeeze > 1 else "spherical"
    t.add_row("camera", f"{rig.body}, {rig.focal_length_mm[0]:.0f} mm {lens}, film back {rig.aperture_width_mm:.2f} x "
              f"{rig.aperture_height_mm:.2f} mm, FOV {c['hfov_deg']:.1f} x {c['vfov_deg']:.1f} deg")
    t.add_row("framing", f"{c['shot_size']} (framed region fills {c['fill_measured']:.0%} of the frame height, "
              f"target {c['fill_target']:.0%}), "
              f"{c['distance_m']:.0f} m away, camera {pos[2]:.1f} m high at ({pos[0]:.0f}, {pos[1]:.0f}), "
              f"{c['movement']} (scale {c['movement_scale']:.2f}), {len(rig.frames)} frames from {rig.frames[0]}")
    s = scene.sun
    t.add_row(info["sun"]["light_source"], f"elevation {s.elevation_deg:.1f} deg, azimuth {s.azimuth_deg:.1f} deg, "
              f"{s.illuminance_lux:,.0f} lux, local time {info['sun']['local_time']} ({info['place']})")
    t.add_row("sky", f"{scene.sky.weather}, turbidity {scene.sky.turbidity:.1f}, haze {scene.sky.haze_density:.4f}/m, "
              f"cloud {scene.sky.cloud_cover:.0%}, wind {np.linalg.norm(scene.sky.wind_m_s):.1f} m/s")
    return t


def scene_cmd(
    text: Optional[str] = common.TEXT,
    spec: Optional[Path] = common.SPEC,
    preview: Optional[Path] = typer.Option(None, "--preview", help="Also draw a quick look from the shot camera "
                                           "into this PNG."),
    frame: Optional[int] = typer.Option(None, "--frame", help="Which frame the preview shows (default: the first)."),
    seed: Optional[int] = common.SEED,
    shot: Optional[str] = common.SHOT,
    shots_dir: Path = common.SHOTS_DIR,
    version: Optional[int] = common.VERSION,
    force: list[str] = common.FORCE,
    wait: float = common.WAIT,
    confirm_cost: bool = common.CONFIRM_COST,
) -> None:
    """Build the world of a shot: the building (style, storeys, real structural parts), the street and its
    neighbours, the camera framed as described, and the sun for the place, date and hour. Writes spec.yaml,
    scene.usda (opens in Blender, usdview, Houdini...) into the shot's run folder and prints what was built."""
    result = common.run_stage("scene", text, spec, shot=shot, seed=seed, shots_dir=shots_dir, version=version,
                              force=force, wait_s=wait, confirm_cost=confirm_cost)
    scene = result.results["scene"].output
    console.print(summary_table(scene))
    console.print(f"scene: {esc(result.run.path('scene.usda'))}")
    if preview is not None:
        from plano.scene.preview import render_preview

        render_preview(scene, preview, frame=frame)
        console.print(f"wrote {esc(preview)}")


def register(app: typer.Typer) -> None:
    app.command("scene")(scene_cmd)
