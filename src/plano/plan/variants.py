"""Variants of one shot: every combination of the values given for some spec fields, each its own version,
sharing the sim wherever only the camera or the grade changes, and a comparison of them side by side.

``--vary lens=18,24,35 --vary time=16:00,18:30`` makes six versions. Variants that differ only in fields no
sim reads (the camera, the grade) share one set and sim (:mod:`plano.plan.shared`, in
``shots/<SHOT>/sims/<key>/``); a new hour turns the building to the sun and re-simulates. The comparison,
in ``shots/<SHOT>/variants/<id>/``: ``grid.mp4`` (every variant playing in sync, its label burnt in),
``sheet.png`` (stills of every variant at the same frames) and ``variants.json``. ``plano pick`` marks the
chosen version in ``shots/<SHOT>/picked.json``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from plano.core.atomic import atomic_path, atomic_write_text
from plano.errors import PlanoError
from plano.spec.model import ShotSpec

SHORT_NAMES = {
    "lens": "camera.focal_length_mm", "focal": "camera.focal_length_mm", "angle": "camera.angle",
    "size": "camera.shot_size", "framing": "camera.shot_size", "height": "camera.height_m",
    "movement": "camera.movement", "move": "camera.movement", "fstop": "camera.fstop", "dutch": "camera.dutch_deg",
    "time": "light.local_time", "hour": "light.local_time", "weather": "light.weather",
    "start": "action.start_s", "speed": "action.speed", "direction": "action.direction",
    "look": "look.preset", "grade": "look.grade", "seed": "seed", "duration": "format.duration_s",
    "date": "place.date",
}
"""Short names for the fields a director varies most; any other field by its path (``camera.squeeze``)."""
MAX_VARIANTS = 64


@dataclass(frozen=True)
class Vary:
    path: str
    values: tuple[str, ...]
    name: str
    """What the user wrote before ``=`` (``lens``), for the labels."""


def parse_vary(text: str) -> Vary:
    """``lens=18,24,35`` or ``camera.angle=low,eye_level``; a list field takes ``+`` between its words
    (``grade=warm+film_grain,cool``)."""
    if "=" not in text:
        raise PlanoError(f"--vary {text!r}: write FIELD=VALUE,VALUE, e.g. --vary lens=18,24,35 (short names: "
                         f"{', '.join(sorted(SHORT_NAMES))}; or any spec field by its path, e.g. camera.fstop)")
    name, _, values = text.partition("=")
    name = name.strip()
    path = SHORT_NAMES.get(name.lower(), name)
    vals = tuple(v.strip() for v in values.split(",") if v.strip())
    if not vals:
        raise PlanoError(f"--vary {text!r} gives no values; e.g. --vary {name}=18,24")
    if len(set(vals)) != len(vals):
        raise PlanoError(f"--vary {text!r} gives a value twice")
    _check_path(path, name)
    return Vary(path, vals, name)


def _check_path(path: str, name: str) -> None:
    from pydantic import BaseModel

    model: Any = ShotSpec
    for part in path.split("."):
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            raise PlanoError(f"--vary {name}: {path!r} is not a spec field; short names are "
                             f"{', '.join(sorted(SHORT_NAMES))}, and `plano schema` lists every field path")
        ann = fields[part].annotation
        model = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
    if model is not None:
        raise PlanoError(f"--vary {name}: {path!r} is a group of fields; vary one of them, e.g. {path}."
                         f"{next(iter(model.model_fields))}")


def _set(data: dict, path: str, value: Any) -> None:
    *head, last = path.split(".")
    for k in head:
        data = data[k]
    data[last] = value


def _value(spec: ShotSpec, path: str, raw: str) -> Any:
    cur: Any = spec
    for k in path.split("."):
        cur = getattr(cur, k)
    if isinstance(cur, tuple):
        return tuple(w for w in raw.split("+") if w)
    if raw.lower() in ("none", "auto", "null"):
        return None
    return raw


def variant_specs(base: ShotSpec, varies: Sequence[Vary]) -> list[tuple[dict[str, str], ShotSpec]]:
    """Every combination of the values, as ``(labels, spec)``; each value is checked by the spec itself."""
    from plano.spec.io import spec_from_dict

    paths = [v.path for v in varies]
    if len(set(paths)) != len(paths):
        raise PlanoError("two --vary options set the same field; give all its values in one: --vary lens=18,24,35")
    combos = list(itertools.product(*[v.values for v in varies]))
    if len(combos) > MAX_VARIANTS:
        raise PlanoError(f"{len(combos)} variants is more than {MAX_VARIANTS}; vary fewer fields or fewer values")
    out = []
    for combo in combos:
        data = base.model_dump()
        labels = {}
        for v, raw in zip(varies, combo):
            _set(data, v.path, _value(base, v.path, raw))
            labels[v.name] = raw
            data.setdefault("notes", ())
            data["notes"] = (*data["notes"], f"variant: {v.path} = {raw} (--vary {v.name})")
            if v.path == "light.local_time":  # an exact hour wins over the time-of-day word
                data["sources"] = {**data["sources"], "light.local_time": (f"--vary {v.name}={raw}",)}
        label = ", ".join(f"{k} {val}" for k, val in labels.items())
        out.append((labels, spec_from_dict(data, f"variant {label}")))
    return out


@dataclass(frozen=True)
class VariantRun:
    labels: dict[str, str]
    version: int
    root: Path
    movie: Path
    seconds: float
    sim_reused: bool
    """The sim was not run for this variant (another variant's, or an earlier run's, was used)."""
    stages: dict[str, dict[str, Any]]


def run_variants(base: ShotSpec, varies: Sequence[Vary], shots_dir: str | Path = "shots", quality: str = "draft",
                 reuse_sim: bool = True, say: Callable[[str], None] | None = None) -> tuple[Path, list[VariantRun]]:
    """Run every variant as its own version of ``base.shot`` and make the comparison; returns its folder and
    the variants. ``reuse_sim=False`` gives every variant its own sim in its own version (the benchmark's
    'without reuse')."""
    from plano.plan.shared import run_shared, shared_nodes
    from plano.schema.naming import check_shots_dir
    from plano.shot import run_shot

    say = say or (lambda line: None)
    shots_dir = check_shots_dir(shots_dir)
    specs = variant_specs(base, varies)
    shot_dir = shots_dir / base.shot
    runs: list[VariantRun] = []
    for labels, spec in specs:
        label = ", ".join(f"{k} {v}" for k, v in labels.items())
        t0 = time.perf_counter()
        nodes = None
        simulated = False
        if reuse_sim:
            shared = run_shared(spec, shot_dir, quality)
            simulated = shared.simulated
            nodes = shared_nodes(shared, spec.format.frame_start, spec.format.frame_start, spec.format.frame_count)
        result = run_shot(spec, shots_dir, quality, nodes=nodes)
        if not reuse_sim:
            simulated = not result.results["sim"].cached
        seconds = time.perf_counter() - t0
        stages = {n: {"cached": r.cached, "seconds": round(r.seconds, 3)} for n, r in result.results.items()}
        runs.append(VariantRun(labels, result.run.version, result.run.root, Path(result.files["mp4"]), seconds,
                               not simulated, stages))
        say(f"{label}: v{result.run.version:03d} in {seconds:.1f} s ({'sim reused' if not simulated else 'simulated'})")
    folder = compare(base.shot, runs, shot_dir / "variants" / _id(varies, quality), quality, varies)
    return folder, runs


def _id(varies: Sequence[Vary], quality: str) -> str:
    text = json.dumps([[v.path, list(v.values)] for v in varies] + [quality])
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _label(v: VariantRun) -> str:
    return f"v{v.version:03d}  " + "  ".join(f"{k} {val}" for k, val in v.labels.items())


def compare(shot: str, runs: list[VariantRun], folder: Path, quality: str, varies: Sequence[Vary]) -> Path:
    """``grid.mp4``, ``sheet.png`` and ``variants.json`` for ``runs`` in ``folder``."""
    from plano.deliver.movie import MovieWriter
    from plano.plan.animatic import burn_in, fit, read_frames

    folder.mkdir(parents=True, exist_ok=True)
    frames = [_count(r.movie) for r in runs]
    n = min(frames)
    cols = math.ceil(math.sqrt(len(runs)))
    rows = math.ceil(len(runs) / cols)
    first = next(read_frames(runs[0].movie, 1))
    cell_w = min(first.shape[1], 1920 // cols) // 2 * 2
    cell_h = round(cell_w * first.shape[0] / first.shape[1]) // 2 * 2
    readers = [read_frames(r.movie, n) for r in runs]
    picks = sorted(set(np.linspace(0, n - 1, 4).round().astype(int).tolist()))
    stills: dict[int, list[np.ndarray]] = {k: [] for k in picks}
    from plano.spec.io import load_spec

    fps = load_spec(runs[0].root / "spec.yaml").format.fps
    with MovieWriter(folder / "grid.mp4", "h264", fps, cols * cell_w, rows * cell_h) as w:
        for k in range(n):
            grid = np.zeros((rows * cell_h, cols * cell_w, 3), np.uint8)
            for i, (run, reader) in enumerate(zip(runs, readers)):
                cell = fit(next(reader), cell_w, cell_h)
                if k in stills:
                    stills[k].append(cell)
                cell = burn_in(cell, {"tl": _label(run), "br": f"frame {1001 + k}"})
                y, x = (i // cols) * cell_h, (i % cols) * cell_w
                grid[y:y + cell_h, x:x + cell_w] = cell
            w.add(grid)
    _sheet(runs, stills, folder / "sheet.png", cell_w, cell_h)
    doc = {"shot": shot, "quality": quality, "vary": {v.name: [v.path, list(v.values)] for v in varies},
           "frames": n, "made": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
           "variants": [{"version": r.version, "labels": r.labels, "run": str(r.root), "movie": str(r.movie),
                         "seconds": round(r.seconds, 2), "sim_reused": r.sim_reused, "stages": r.stages} for r in runs]}
    atomic_write_text(folder / "variants.json", json.dumps(doc, indent=1))
    return folder


def _count(movie: Path) -> int:
    import av

    with av.open(str(movie)) as c:
        return sum(1 for _ in c.decode(video=0))


def _sheet(runs, stills: dict[int, list[np.ndarray]], out: Path, cell_w: int, cell_h: int) -> None:
    """Rows: variants; columns: the same frames of each."""
    from PIL import Image, ImageDraw, ImageFont

    scale = min(1.0, 400 / cell_w)
    w, h = round(cell_w * scale), round(cell_h * scale)
    label_w, head = 230, 30
    cols = sorted(stills)
    img = Image.new("RGB", (label_w + len(cols) * (w + 6), head + len(runs) * (h + 6)), (24, 24, 26))
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=14)
    for j, k in enumerate(cols):
        d.text((label_w + j * (w + 6), 8), f"frame {1001 + k}", fill=(230, 230, 230), font=font)
    for i, run in enumerate(runs):
        y = head + i * (h + 6)
        d.text((8, y + 4), f"v{run.version:03d}", fill=(255, 255, 255), font=ImageFont.load_default(size=18))
        for m, (k, val) in enumerate(run.labels.items()):
            d.text((8, y + 28 + 18 * m), f"{k} {val}", fill=(210, 210, 210), font=font)
        for j, k in enumerate(cols):
            cell = Image.fromarray(stills[k][i]).resize((w, h), Image.BILINEAR)
            img.paste(cell, (label_w + j * (w + 6), y))
    with atomic_path(out) as tmp:
        img.save(tmp, format="PNG")


# ------------------------------------------------------------------ picking


def pick(shots_dir: str | Path, shot: str, version: int, note: str = "") -> Path:
    """Mark ``version`` of ``shot`` as the chosen one: ``shots/<SHOT>/picked.json`` (the history kept)."""
    from plano.schema.naming import (
        RunFolder,
        check_shot_name,
        check_version,
        version_dir,
    )

    check_shot_name(shot)
    check_version(version)
    versions = RunFolder.versions(shots_dir, shot)
    if version not in versions:
        have = ", ".join(version_dir(v) for v in versions) or "none"
        raise PlanoError(f"{shot} has no version {version_dir(version)} in {shots_dir} (it has: {have})")
    path = Path(shots_dir) / shot / "picked.json"
    history: list = []
    if path.is_file():
        try:
            history = json.loads(path.read_text(encoding="utf-8")).get("history", [])
        except (ValueError, AttributeError):
            history = []
    entry = {"version": version, "folder": version_dir(version), "note": note,
             "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    atomic_write_text(path, json.dumps({"shot": shot, "picked": entry, "history": [*history, entry][-100:]}, indent=1))
    return path


def picked(shots_dir: str | Path, shot: str) -> int | None:
    """The version of ``shot`` that was picked, or ``None``."""
    path = Path(shots_dir) / shot / "picked.json"
    try:
        return int(json.loads(path.read_text(encoding="utf-8"))["picked"]["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
