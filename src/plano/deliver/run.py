"""``deliver_shot``: from a shot's render passes to movies, a contact sheet, report.html and provenance.json."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from plano import color
from plano.core import Progress, no_progress
from plano.core.cache import stable_hash
from plano.deliver import contact, machine, movie, provenance, report
from plano.errors import PlanoError
from plano.io.exr import read_beauty, read_header, read_passes
from plano.schema.naming import parse_frame_file

CONTACT_FRAMES = 12
STILLS = 4
STILL_WIDTH = 640


def _downscale(rgb8: np.ndarray, width: int) -> np.ndarray:
    from PIL import Image

    if rgb8.shape[1] <= width:
        return rgb8
    img = Image.fromarray(rgb8)
    h = max(1, round(img.height * width / img.width))
    return np.asarray(img.resize((width, h), Image.LANCZOS))


def _downscale_linear(rgb: np.ndarray, width: int) -> np.ndarray:
    """Scene-linear (H, W, 3) float32 -> at most ``width`` wide (box filter, in linear light)."""
    from PIL import Image

    h, w = rgb.shape[:2]
    if w <= width:
        return rgb
    size = (width, max(1, round(h * width / w)))
    chans = [np.asarray(Image.fromarray(np.ascontiguousarray(rgb[..., c]), mode="F").resize(size, Image.BOX)) for c in range(3)]
    return np.stack(chans, axis=-1).astype(np.float32)


def _prefetched(items: Sequence[Any], fn: Callable[[Any], Any], ahead: int = 3, workers: int = 2) -> Iterator[Any]:
    """``fn(item)`` for each item in order, computed up to ``ahead`` items early on ``workers`` threads
    (reading and colour-converting the next frames while the current one is encoded; EXR reads and OCIO release
    the GIL)."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="plano-deliver") as pool:
        futures = [pool.submit(fn, it) for it in items[:ahead]]
        for i in range(len(items)):
            if i + ahead < len(items):
                futures.append(pool.submit(fn, items[i + ahead]))
            yield futures[i].result()
            futures[i] = None


def frame_number(path: str | Path, default: int) -> int:
    """The frame number of ``name.1001.exr``, or ``default`` when the name holds none."""
    parsed = parse_frame_file(Path(path).name)
    return parsed[1] if parsed else default


def _sorted_frames(exr_paths: Sequence[str | Path], spec: Any) -> list[tuple[int, Path]]:
    paths = [Path(p) for p in exr_paths]
    if not paths:
        raise PlanoError(
            "there are no render passes to deliver (no EXR files were given); expected one EXR per frame "
            f"from the render stage ({spec.format.frame_count} for this shot). Run `plano shot` first."
        )
    start = spec.format.frame_start
    frames = sorted((frame_number(p, start + i), p) for i, p in enumerate(paths))
    expected = list(spec.format.frames)
    got = [f for f, _ in frames]
    if got != expected:
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        detail = []
        if missing:
            detail.append(f"missing {len(missing)} frame(s) {missing[0]}..{missing[-1]}")
        if extra:
            detail.append(f"{len(extra)} frame(s) outside the shot ({extra[0]}..{extra[-1]})")
        if not detail:
            detail.append("duplicate frame numbers")
        raise PlanoError(
            f"the passes hold frames {got[0]}..{got[-1]} ({len(got)} files) but the spec asks for "
            f"{expected[0]}..{expected[-1]} ({len(expected)} frames at {spec.format.fps:g} fps): {'; '.join(detail)}. "
            "Run `plano shot --version N` on this version to finish the render."
        )
    return frames


def _stage_table(stage_seconds: dict[str, float | dict] | None, deliver_seconds: float) -> dict[str, dict]:
    """Each stage of this run, in the order it ran: seconds, whether it was reused, its key."""
    stages: dict[str, dict] = {}
    for name, value in (stage_seconds or {}).items():
        if isinstance(value, dict):
            stages[name] = {"seconds": float(value.get("seconds") or 0.0), "cached": value.get("cached"),
                            "key": value.get("key")}
        else:
            stages[name] = {"seconds": float(value), "cached": None, "key": None}
    stages.setdefault("deliver", {"key": None, "cached": False, "seconds": deliver_seconds})
    return stages


def deliver_shot(
    exr_paths: Sequence[str | Path],
    spec: Any,
    out_dir: str | Path,
    name: str,
    progress: Progress = no_progress,
    stage_seconds: dict[str, float | dict] | None = None,
    rate_per_hour: float | None = None,
    sim_info: dict[str, Any] | None = None,
    unused_fields: Sequence[str] = (),
    comp: Any = None,
    c2pa_cert: str | None = None,
    c2pa_key: str | None = None,
) -> dict[str, Path]:
    """Deliver a rendered shot into ``out_dir``: ``<name>.mov`` (ProRes 422 HQ, Rec.709), ``<name>.mp4``
    (H.264, Rec.709), ``contact.png`` (sRGB), ``report.html``, ``provenance.json``.

    ``exr_paths``: one multi-layer EXR per frame (``<name>.<frame>.exr``, the spec's frames from 1001);
    ``stage_seconds``: seconds (or {"seconds", "cached", "key"}) per stage of this run, for the report;
    ``sim_info``: the sim cache's ``info.json`` (engine, timings) for the report; ``unused_fields``: spec fields
    no stage uses yet, which the report lists; ``rate_per_hour``: machine price for the cost line (default from
    ``PLANO_MACHINE_RATE_PER_HOUR``); ``comp``: the comp node's ``CompResult`` (its frames are what is delivered,
    graded with its CDL when the comp itself is ungraded, over a plate), ``None`` delivers the passes' beauty;
    ``c2pa_cert`` / ``c2pa_key``: the C2PA signing identity (default: environment, else plano's test chain).
    Returns {"mov", "mp4", "contact", "report", "provenance"} -> path.
    """
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = _sorted_frames(exr_paths, spec)
    pass_frames = frames
    grade = None
    if comp is not None:
        frames = _sorted_frames(comp.frames, spec)
        if not comp.graded:
            from plano.comp.look import apply_cdl

            grade = lambda rgb: apply_cdl(rgb, comp.cdl)  # noqa: E731 - the look, for the movies only
    n = len(frames)
    contact_idx = set(contact.pick_frames(n, CONTACT_FRAMES))
    still_idx = set(contact.pick_frames(n, STILLS))
    pass_idx = {n // 2: "mid", n - 1: "last"}

    first = read_passes(frames[0][1])
    width, height = first.size
    out = {"mov": out_dir / f"{name}.mov", "mp4": out_dir / f"{name}.mp4"}
    thumbs: list[tuple[str, np.ndarray]] = []
    stills: list[tuple[int, np.ndarray]] = []
    pass_thumbs: list[tuple[str, np.ndarray]] = []
    progress(0.0, f"{n} frames, {width}x{height}")
    with movie.MovieWriter(out["mov"], "prores", spec.format.fps, width, height) as mov, movie.MovieWriter(
        out["mp4"], "h264", spec.format.fps, width, height
    ) as mp4:

        def prepare(item: tuple[int, tuple[int, Path]]):
            i, (frame, path) = item
            # comp frames: their R, G, B only (the layers stay on disk); the render's passes: all (depth, dust)
            passes = first if i == 0 else (None if comp is not None else read_passes(path))
            beauty = read_beauty(path) if passes is None else passes.beauty
            if beauty.shape[1::-1] != (width, height):
                raise PlanoError(
                    f"render pass {str(path)!r} is {beauty.shape[1]}x{beauty.shape[0]} but frame {frames[0][0]} is "
                    f"{width}x{height}; every frame of a shot must have the same size. Re-render with `plano shot --force render`."
                )
            if grade is not None:
                beauty = grade(beauty)
            video = color.to_display(beauty, "rec709")
            return passes, beauty, mov.quantize(video), mp4.quantize(video)

        for i, (passes, beauty, video16, video8) in enumerate(_prefetched(list(enumerate(frames)), prepare)):
            frame = frames[i][0]
            mov.add(video16)
            mp4.add(video8)
            if i in contact_idx or i in still_idx:
                # downscaled in linear light first: a quarter of the pixels through OCIO
                srgb = color.to_8bit(_downscale_linear(beauty, STILL_WIDTH), "srgb")
                if i in contact_idx:
                    thumbs.append((str(frame), _downscale(srgb, contact.THUMB_WIDTH)))
                if i in still_idx:
                    stills.append((frame, srgb))
            if i in pass_idx:
                if comp is not None:
                    passes = read_passes(pass_frames[i][1])
                if passes.depth is not None:
                    depth = contact.depth_preview(passes.depth[..., 0])
                    pass_thumbs.append((f"depth {frame}", _downscale(depth, contact.THUMB_WIDTH)))
                if passes.dust is not None:
                    dust = contact.mono_preview(passes.dust[..., 0])
                    pass_thumbs.append((f"dust {frame}", _downscale(dust, contact.THUMB_WIDTH)))
            progress(0.9 * (i + 1) / n, f"frame {frame}")

    progress(0.92, "contact sheet")
    fps = spec.format.fps
    info = machine.machine_info()
    engines: dict[str, str] = {}
    extra: dict[str, Any] = {}
    stages = _stage_table(stage_seconds, time.perf_counter() - t0)
    out["contact"] = contact.contact_sheet(
        out_dir / "contact.png",
        thumbs,
        pass_thumbs,
        title=f"{name}   {n} frames {frames[0][0]}-{frames[-1][0]}   {width}x{height} @ {fps:g} fps",
    )

    progress(0.93, "C2PA")
    from plano import __version__
    from plano.io import c2pa as c2pa_io

    from plano.generate import label as gen_label

    generated = comp.info.get("generate") if comp is not None else None
    label = gen_label.ai_label(generated, report.AI_LABEL_NONE)
    whole = gen_label.whole_frame(generated)
    plate_info = (comp.info.get("plate") if comp is not None else None)
    identity = c2pa_io.signing_identity(c2pa_cert, c2pa_key)
    layers = dict(comp.info.get("layers", {})) if comp is not None else {"beauty": "simulated and rendered"}
    frame_hashes = {f"{Path(p).parent.name}/{Path(p).name}": c2pa_io.sha256(p) for _, p in frames}
    manifest_args = dict(ai_used=bool(label["generative_ai_used"]), layers=layers, spec_hash=stable_hash(spec),
                         version=__version__, test=identity.test, whole_frame=whole, models=label.get("models"),
                         plate={"title": Path(plate_info["path"]).name} if plate_info else None)
    ingredient = None
    if plate_info:
        from plano.comp.plate import sequence_files

        pp = Path(plate_info["path"])
        ingredient = pp if pp.is_file() else next(iter(sorted(sequence_files(pp).items())), (None, None))[1]
    for key in ("mov", "mp4"):
        c2pa_io.sign_file(out[key], out[key], c2pa_io.manifest_definition(
            out[key].name, frames=frame_hashes, **manifest_args), identity, ingredient,
            Path(plate_info["path"]).name if plate_info else None)
    sidecar = c2pa_io.sign_sidecar(out["contact"], c2pa_io.manifest_definition("contact.png", **manifest_args), identity)
    c2pa_record = {
        "digital_source_type": c2pa_io.source_type(bool(label["generative_ai_used"]), plate_info is not None, whole),
        "why": (("a trained model made every pixel" if whole and not plate_info else "a trained model made some "
                 "pixels") if label["generative_ai_used"] else
                ("simulated and rendered CG composited over a captured plate: a composite with a synthetic element"
                 if plate_info else "procedural, simulated and rendered: made by an algorithm, no trained model")),
        "signed": [out["mov"].name, out["mp4"].name], "sidecars": [sidecar.name],
        "exr_frames": f"{len(frame_hashes)} EXR frames bound by SHA-256 in the movies' manifests ({c2pa_io.FRAMES_LABEL})",
        "certificate": identity.describe(), "test_certificate": identity.test,
        "verify": f"plano verify {out['mov'].name}",
    }
    label = {**label, "c2pa": c2pa_record, "layers": layers}
    if plate_info:
        label["label"] = label["label"].replace("every frame was rendered from geometry and simulation",
                                                "a captured plate with simulated and rendered CG over it")
    extra["c2pa"] = c2pa_record
    extra["layers"] = {k: {"source": v} for k, v in layers.items()}
    if plate_info:
        extra["layers"]["plate"]["file"] = plate_info["path"]
        if ingredient is not None and Path(ingredient).is_file():
            extra["layers"]["plate"]["sha256"] = c2pa_io.sha256(ingredient)
    if comp is not None:
        extra["comp"] = comp.info
    if generated is not None:
        extra["generate"] = generated

    progress(0.95, "report")
    if sim_info:
        extra["sim_info"] = sim_info
        if sim_info.get("engine"):
            engines["sim engine (this shot)"] = str(sim_info["engine"])
    header = read_header(pass_frames[0][1])
    for k, v in header.items():  # what the renderer wrote about itself (software, GL renderer, ...)
        if v.strip():
            engines[f"render {k} (this shot)"] = v.strip()[:200]
    engines.update(machine.engine_versions())
    col = color.color_info()
    stages = _stage_table(stage_seconds, time.perf_counter() - t0)
    label.setdefault("generative_ai_used", False)
    rate = rate_per_hour if rate_per_hour is not None else machine.machine_rate()
    total = sum(float(s.get("seconds") or 0.0) for s in stages.values())
    cost = machine.cost(total, int(info["cores"]), rate)
    extra["cost"] = cost
    spec_hash = stable_hash(spec)
    frame_info = {"count": n, "first": frames[0][0], "last": frames[-1][0], "width": width, "height": height, "fps": fps}

    def rel(p: Path) -> str:
        return str(Path(p).relative_to(out_dir)) if Path(p).is_relative_to(out_dir) else str(p)

    files = {"ProRes 422 HQ movie": rel(out["mov"]), "H.264 review movie": rel(out["mp4"]), "contact sheet": rel(out["contact"]),
             "contact sheet C2PA sidecar": rel(sidecar)}
    if comp is not None:
        files["comp frames (first)"] = rel(frames[0][1])
        files["look (ASC CDL)"] = rel(Path(frames[0][1]).parent / "look.cc")
    if (out_dir / "spec.yaml").exists():
        files["spec.yaml"] = "spec.yaml"
    if (out_dir / "scene.usda").exists():
        files["scene.usda"] = "scene.usda"
    out["report"] = report.write_report(
        out_dir / "report.html",
        report.ReportData(
            name=name, spec=spec, stills=stills, stages=stages, machine=info, cost=cost, engines=engines,
            color=col, label=label, files=files, frames=frame_info, spec_hash=spec_hash,
            unused=tuple(unused_fields), physics=((sim_info or {}).get("extra") or {}).get("collapse"),
            comp=dict(comp.info) if comp is not None else {},
        ),
    )

    progress(0.98, "provenance")
    passes_info = {
        **frame_info,
        "first_file": rel(frames[0][1]),
        "last_file": rel(frames[-1][1]),
        "exr_header": header,
    }
    out["provenance"] = provenance.write_provenance(
        out_dir / "provenance.json",
        provenance.build_provenance(
            name=name, spec=spec, spec_hash=spec_hash, engines=engines, color=col, stages=stages, label=label,
            machine=info, passes=passes_info, outputs={**{k: out[k] for k in ("mov", "mp4", "contact", "report")},
                                                       "contact_c2pa": sidecar},
            root=out_dir, extra=extra,
        ),
    )
    progress(1.0, f"{n} frames delivered")
    return out
