"""What `plano plan` hands on once the shots are made: the animatic, the editorial files and the techvis.

``shots/SEQ020/animatic/SEQ020_animatic.mp4``, ``shots/SEQ020/editorial/SEQ020.{otio,xml,fcpxml,edl}``,
``shots/SEQ020/techvis/<SHOT>.png`` and ``techvis.json``, and ``shots/SEQ020/techvis.html`` (the plans and
camera reports of every shot, and the sun's hours on the shoot day).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path

from plano.core.atomic import atomic_write_text
from plano.plan.animatic import Animatic, CutShot, make_animatic
from plano.plan.editorial import build_timeline, export_all
from plano.plan.sequence import SequenceRun
from plano.plan.techvis import CameraReport, report_dict, report_lines, techvis_for_run


@dataclass(frozen=True)
class PlanOutputs:
    animatic: Animatic
    editorial: dict[str, Path]
    techvis: dict[str, tuple[Path, CameraReport]]
    report: Path


def _lens(spec) -> str:
    cam = spec.camera
    return f"{cam.focal_length_mm:g} mm" + (" anamorphic" if cam.anamorphic else "")


def cut_of(run: SequenceRun) -> list[CutShot]:
    return [CutShot(o.shot, o.version, Path(o.files["mp4"]), o.frame_count, s.spec.format.frame_start,
                    _lens(s.spec), s.entry.event_start_s)
            for o, s in zip(run.shots, run.resolved.shots)]


def make_outputs(run: SequenceRun, shoot_date: dt.date | None = None) -> PlanOutputs:
    name = run.resolved.sequence.sequence
    folder = run.folder
    (folder / "animatic").mkdir(exist_ok=True)
    (folder / "editorial").mkdir(exist_ok=True)
    (folder / "techvis").mkdir(exist_ok=True)
    animatic = make_animatic(name, run.resolved.sequence.event, cut_of(run), folder / "animatic" / f"{name}_animatic.mp4",
                             run.resolved.fps)
    editorial = export_all(build_timeline(name, animatic), folder / "editorial", name)
    techvis = {}
    for o in run.shots:
        png = folder / "techvis" / f"{o.shot}.png"
        techvis[o.shot] = (png, techvis_for_run(Path(o.root), png, shoot_date))
    atomic_write_text(folder / "techvis" / "techvis.json",
                      json.dumps({s: report_dict(r) for s, (_, r) in techvis.items()}, indent=1))
    report = write_report(run, animatic, editorial, techvis)
    return PlanOutputs(animatic, editorial, techvis, report)


def write_report(run: SequenceRun, animatic: Animatic, editorial: dict[str, Path],
                 techvis: dict[str, tuple[Path, CameraReport]]) -> Path:
    seq = run.resolved.sequence
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(o.shot)}</td><td>v{o.version:03d}</td><td>{o.frame_count}</td><td>{s.entry.event_start_s:g}</td>"
        f"<td>{o.event_first}..{o.event_first + o.frame_count - 1}</td>"
        f"<td>{e(', '.join(n for n, st in o.stages.items() if not st['cached']) or 'all reused')}</td></tr>"
        for o, s in zip(run.shots, run.resolved.shots))
    shots = "".join(
        f"<h2>{e(shot)}</h2><img src='techvis/{e(png.name)}' width='100%'><pre>{e(chr(10).join(report_lines(r)))}</pre>"
        for shot, (png, r) in techvis.items())
    files = "".join(f"<li>{e(k)}: <code>{e(str(p.relative_to(run.folder)))}</code></li>" for k, p in editorial.items())
    doc = f"""<!doctype html><html><head><meta charset="utf-8"><title>{e(seq.sequence)} plan</title>
<style>body{{font-family:sans-serif;max-width:1400px;margin:auto;padding:1em}}td,th{{padding:2px 10px}}
pre{{background:#f4f4f0;padding:8px}}</style></head><body>
<h1>{e(seq.sequence)}: previs and techvis</h1><p>{e(seq.event)}</p>
<p>One set and one simulation of the event ({run.resolved.event.format.frame_count} frames at {run.resolved.fps:g} fps,
<code>{e(str(run.shared.root))}</code>); every shot is a window of it seen from its own camera.</p>
<table><tr><th>shot</th><th>version</th><th>frames</th><th>from (s of the event)</th><th>event frames</th>
<th>ran this time</th></tr>{rows}</table>
<p>Animatic: <code>{e(str(animatic.path.relative_to(run.folder)))}</code>, {animatic.frame_count} frames
({animatic.slate_frames} of slate). Editorial:</p><ul>{files}</ul>{shots}</body></html>"""
    return atomic_write_text(run.folder / "techvis.html", doc)
