"""The cut for the editor: an OpenTimelineIO timeline of the animatic, exported through the OTIO adapters to
FCP 7 XML (Premiere, Resolve), FCPX XML and a CMX 3600 EDL; and the editor's cut read back into the sequence.

The timeline starts at 01:00:00:00 with a gap as long as the slate, then one clip a shot: named
``SEQ020_SH010_v001``, its media an external reference to the shot's H.264 movie whose frames run from 1001,
its source range the frames the cut uses. An edited EDL (or ``.otio``, FCP 7 XML, FCPX XML) comes back as the
same sequence with the shots in the new order, each with the editor's length, and its start in the event moved
by as many frames as the editor trimmed from its head; a shot the editor dropped leaves the sequence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from plano.errors import MissingEngine, PlanoError
from plano.plan.animatic import RECORD_START_HOURS, Animatic
from plano.plan.model import Sequence

FORMATS = {".otio": "otio_json", ".xml": "fcp_xml", ".fcpxml": "fcpx_xml", ".edl": "cmx_3600"}
"""File suffix -> OTIO adapter: the files plano writes and reads back."""
ADAPTER_PACKAGES = {"fcp_xml": "otio-fcp-adapter", "fcpx_xml": "otio-fcpx-xml-adapter", "cmx_3600": "otio-cmx3600-adapter"}


def _otio():
    try:
        import opentimelineio as otio
    except ImportError as err:
        raise MissingEngine("opentimelineio", str(err), "pip install 'plano[plan]'") from None
    return otio


def build_timeline(sequence: str, animatic: Animatic):
    """The animatic's cut as an OTIO timeline (see the module's text)."""
    otio = _otio()
    fps = animatic.fps
    rt = lambda n: otio.opentime.RationalTime(n, fps)
    tl = otio.schema.Timeline(name=sequence, global_start_time=rt(RECORD_START_HOURS * 3600 * fps))
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    tl.tracks.append(track)
    if animatic.slate_frames:
        track.append(otio.schema.Gap(name="slate", source_range=otio.opentime.TimeRange(rt(0), rt(animatic.slate_frames))))
    for c, _ in animatic.cuts:
        name = f"{c.shot}_v{c.version:03d}"
        ref = otio.schema.ExternalReference(target_url=Path(c.movie).resolve().as_uri(),
                                            available_range=otio.opentime.TimeRange(rt(c.first_frame), rt(c.frames)))
        ref.name = name
        clip = otio.schema.Clip(name=name, media_reference=ref,
                                source_range=otio.opentime.TimeRange(rt(c.first_frame), rt(c.frames)))
        clip.metadata["plano"] = {"shot": c.shot, "version": c.version, "event_start_s": c.event_start_s,
                                  "lens": c.lens}
        track.append(clip)
    tl.metadata["plano"] = {"sequence": sequence, "animatic": str(animatic.path), "slate_frames": animatic.slate_frames}
    return tl


def adapter_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise PlanoError(f"{str(path)!r}: plano reads and writes edits as {', '.join(FORMATS)} "
                         f"(OTIO, FCP 7 XML, FCPX XML, CMX 3600 EDL); got {suffix or 'no suffix'!r}")
    return FORMATS[suffix]


def write_edit(timeline, path: str | Path) -> Path:
    """Write ``timeline`` through the adapter its suffix names, to a temporary name then renamed."""
    from plano.core.atomic import atomic_write_text

    otio = _otio()
    adapter = adapter_for(path)
    try:
        text = otio.adapters.write_to_string(timeline, adapter_name=adapter)
    except Exception as err:  # noqa: BLE001 - an adapter that is missing or refuses the timeline
        pkg = ADAPTER_PACKAGES.get(adapter)
        if pkg and adapter not in otio.adapters.available_adapter_names():
            raise MissingEngine(adapter, str(err), f"pip install {pkg}") from None
        raise PlanoError(f"the OTIO adapter {adapter} could not write {path}: {err}") from None
    return atomic_write_text(Path(path), text)


def export_all(timeline, folder: Path, stem: str) -> dict[str, Path]:
    """The timeline as ``<stem>.otio``, ``.xml`` (FCP 7), ``.fcpxml`` and ``.edl`` in ``folder``."""
    return {adapter: write_edit(timeline, folder / f"{stem}{suffix}") for suffix, adapter in FORMATS.items()}


def read_edit(path: str | Path, fps: float):
    """The timeline in an edit file (the format from its suffix; an EDL is read at ``fps``)."""
    otio = _otio()
    p = Path(path)
    adapter = adapter_for(p)
    if not p.is_file():
        raise PlanoError(f"edit file {str(p)!r} {'is a folder' if p.is_dir() else 'does not exist'}; give the "
                         ".edl, .otio, .xml or .fcpxml the editor sent back")
    kwargs = {"rate": fps} if adapter == "cmx_3600" else {}
    try:
        return otio.adapters.read_from_file(str(p), adapter_name=adapter, **kwargs)
    except Exception as err:  # noqa: BLE001 - every adapter raises its own kinds
        raise PlanoError(f"{p} is not a {adapter} edit plano can read ({type(err).__name__}: {err})") from None


@dataclass(frozen=True)
class EditChange:
    shot: str
    what: str


def sequence_from_edit(seq: Sequence, timeline, fps: float, first_frame: int = 1001) -> tuple[Sequence, list[EditChange]]:
    """``seq`` as the editor cut it: shots in the timeline's order, each with the editor's length and its start
    in the event moved by the frames trimmed from its head. A clip that is no shot of ``seq`` is refused."""
    by_name = {seq.shot_name(s): s for s in seq.shots}
    clips = [c for c in timeline.find_clips()]
    if not clips:
        raise PlanoError(f"the edit of {seq.sequence} holds no clips")
    new_shots, changes, seen = [], [], set()
    for clip in clips:
        entry = _shot_of(clip, by_name)
        if entry is None:
            raise PlanoError(f"clip {clip.name!r} of the edit is not a shot of {seq.sequence} (its shots: "
                             f"{', '.join(by_name)}); name the clip after its shot, e.g. {next(iter(by_name))}_v001")
        if entry.shot in seen:
            raise PlanoError(f"shot {entry.shot} is in the edit twice; a sequence shows each shot once: split it "
                             "into two shots in the sequence file")
        seen.add(entry.shot)
        sr = clip.source_range or clip.trimmed_range()
        frames = round(sr.duration.rescaled_to(fps).value)
        head = round(sr.start_time.rescaled_to(fps).value) - first_frame
        if frames <= 0:
            raise PlanoError(f"clip {clip.name!r} is {frames} frames long in the edit")
        start = max(0.0, entry.event_start_s + head / fps)
        duration = frames / fps
        old = entry.duration_s
        if old is None or abs(old - duration) > 0.5 / fps:
            changes.append(EditChange(entry.shot, f"length {old if old is not None else 'default'} s -> "
                                                  f"{duration:g} s ({frames} frames)"))
        if abs(start - entry.event_start_s) > 1e-6:
            changes.append(EditChange(entry.shot, f"starts {entry.event_start_s:g} s -> {start:g} s into the event"))
        new_shots.append(entry.model_copy(update={"duration_s": duration, "event_start_s": start}))
    order_old = [s.shot for s in seq.shots if s.shot in seen]
    order_new = [s.shot for s in new_shots]
    if order_old != order_new:
        changes.append(EditChange("*", f"order {' '.join(order_old)} -> {' '.join(order_new)}"))
    for s in seq.shots:
        if s.shot not in seen:
            changes.append(EditChange(s.shot, "dropped from the cut"))
    return seq.model_copy(update={"shots": tuple(new_shots)}), changes


def _shot_of(clip, by_name):
    meta = clip.metadata.get("plano") if hasattr(clip, "metadata") else None
    names = [clip.name or ""]
    ref = getattr(clip, "media_reference", None)
    if ref is not None:
        names += [getattr(ref, "name", "") or "", Path(getattr(ref, "target_url", "") or "").name]
    if isinstance(meta, dict) and isinstance(meta.get("shot"), str):
        names.insert(0, meta["shot"])
    for n in names:
        for full in sorted(by_name, key=len, reverse=True):
            if n == full or n.startswith((full + "_", full + ".")):
                return by_name[full]
    return None
