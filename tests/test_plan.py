"""Issue 13: a sequence of one event, variants, the animatic, OTIO editorial and techvis."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from plano.errors import PlanoError
from plano.plan.model import load_sequence, sequence_from_dict, sequence_from_text

otio = pytest.importorskip("opentimelineio")

SMALL_EVENT = "a four storey brick apartment block collapses after 0.1 s, no dust"


def _movie(path: Path, frames: int, colour: tuple[int, int, int], size=(96, 54)) -> Path:
    from plano.deliver.movie import MovieWriter

    with MovieWriter(path, "h264", 24, *size) as w:
        for k in range(frames):
            img = np.zeros((size[1], size[0], 3), np.uint8)
            img[:] = colour
            img[:, : 4 + k] = 255  # a bar that grows: every frame differs
            w.add(img)
    return path


def _frames(path: Path) -> int:
    import av

    with av.open(str(path)) as c:
        return sum(1 for _ in c.decode(video=0))


@pytest.fixture(scope="module")
def cut(tmp_path_factory):
    """A real animatic of two shots (10 and 7 frames) with half a second of slate, and its timeline."""
    from plano.plan.animatic import CutShot, make_animatic
    from plano.plan.editorial import build_timeline

    d = tmp_path_factory.mktemp("cut")
    shots = [CutShot("SEQ020_SH010", 1, _movie(d / "a.mp4", 10, (200, 40, 40)), 10, lens="24 mm"),
             CutShot("SEQ020_SH020", 3, _movie(d / "b.mp4", 7, (40, 40, 200)), 7, lens="85 mm", event_start_s=0.5)]
    anim = make_animatic("SEQ020", "a building collapses", shots, d / "anim.mp4", 24.0, slate_s=0.5)
    return d, anim, build_timeline("SEQ020", anim)


def _seq() -> object:
    return sequence_from_dict({"sequence": "SEQ020", "event": "a building collapses", "shots": [
        {"shot": "SH010", "text": "wide, 24mm", "duration_s": 10 / 24},
        {"shot": "SH020", "text": "close, 85mm", "duration_s": 7 / 24, "event_start_s": 0.5}]}, "test")


# ------------------------------------------------------------------ animatic and OTIO


def test_timeline_opens_with_otio_and_sums_to_the_animatic(cut):
    from plano.plan.editorial import write_edit

    d, anim, tl = cut
    path = write_edit(tl, d / "SEQ020.otio")
    back = otio.adapters.read_from_file(str(path))
    items = list(back.tracks[0])
    total = sum(round(i.source_range.duration.value) for i in items)
    assert total == anim.frame_count == _frames(anim.path) == 12 + 10 + 7
    clips = list(back.find_clips())
    assert [c.name for c in clips] == ["SEQ020_SH010_v001", "SEQ020_SH020_v003"]
    for c, n in zip(clips, (10, 7)):
        assert c.source_range.start_time.value == 1001 and c.source_range.duration.value == n
        assert c.media_reference.target_url.startswith("file://") and Path(c.media_reference.target_url[7:]).is_file()
        assert c.media_reference.available_range.start_time.value == 1001
    assert back.global_start_time.value == 3600 * 24


def test_animatic_has_slate_and_burn_ins(cut):
    """The slate is a card, not a shot; a shot's frames carry the burn-in boxes on its own colour."""
    import av

    _, anim, _ = cut
    with av.open(str(anim.path)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    slate, first_a, first_b = frames[0], frames[12], frames[22]
    assert slate.mean() < 60  # the dark card
    centre = lambda f: f[20:34, 40:56].reshape(-1, 3).mean(0)
    assert centre(first_a)[0] > 150 > centre(first_a)[2]
    assert centre(first_b)[2] > 150 > centre(first_b)[0]
    assert (first_a[:12, :40] < 30).mean() > 0.3 and (first_a[:12, :40] > 200).any()  # the black box with white text


@pytest.mark.parametrize("suffix", [".xml", ".edl", ".fcpxml"])
def test_adapters_round_trip(cut, suffix):
    from plano.plan.editorial import read_edit, write_edit

    d, _, tl = cut
    back = read_edit(write_edit(tl, d / f"SEQ020{suffix}"), 24.0)
    got = [(c.name, c.source_range.start_time.value, c.source_range.duration.value) for c in back.find_clips()]
    assert got == [("SEQ020_SH010_v001", 1001, 10), ("SEQ020_SH020_v003", 1001, 7)]


EDITED_EDL = """TITLE: SEQ020

001  SEQ020SH V     C        00:00:41:19 00:00:41:23 00:00:00:12 00:00:00:16
* FROM CLIP NAME:  SEQ020_SH020_v003
002  SEQ020SH V     C        00:00:41:17 00:00:42:01 00:00:00:16 00:00:01:00
* FROM CLIP NAME:  SEQ020_SH010_v001
"""


def test_a_changed_edl_comes_back_as_a_changed_sequence(tmp_path):
    """The editor put SH020 first, trimmed 2 frames off its head and cut it to 4 frames; SH010 to 8 frames."""
    from plano.plan.editorial import read_edit, sequence_from_edit

    path = tmp_path / "cut.edl"
    path.write_text(EDITED_EDL)
    seq = _seq()
    new, changes = sequence_from_edit(seq, read_edit(path, 24.0), 24.0)
    assert [s.shot for s in new.shots] == ["SH020", "SH010"]
    sh020, sh010 = new.shots
    assert sh020.duration_s == pytest.approx(4 / 24) and sh020.event_start_s == pytest.approx(0.5 + 2 / 24)
    assert sh010.duration_s == pytest.approx(8 / 24) and sh010.event_start_s == 0.0
    assert any("order SH010 SH020 -> SH020 SH010" in c.what for c in changes)
    same, none = sequence_from_edit(seq, read_edit(path.with_suffix(".edl"), 24.0), 24.0)
    assert same == new and none


def test_an_edit_with_a_stranger_clip_or_bad_file_is_refused(tmp_path):
    from plano.plan.editorial import read_edit, sequence_from_edit

    bad = tmp_path / "cut.edl"
    bad.write_text(EDITED_EDL.replace("SEQ020_SH010_v001", "STOCK_FOOTAGE"))
    with pytest.raises(PlanoError, match="STOCK_FOOTAGE.*not a shot of SEQ020"):
        sequence_from_edit(_seq(), read_edit(bad, 24.0), 24.0)
    with pytest.raises(PlanoError, match="plano reads and writes edits as"):
        read_edit(tmp_path / "cut.mov", 24.0)
    with pytest.raises(PlanoError, match="does not exist"):
        read_edit(tmp_path / "missing.edl", 24.0)
    (tmp_path / "junk.xml").write_text("<xmeml><sequence>")
    with pytest.raises(PlanoError, match="not a fcp_xml edit"):
        read_edit(tmp_path / "junk.xml", 24.0)


# ------------------------------------------------------------------ the sequence file


def test_sequence_in_words_and_bad_files(tmp_path):
    seq = sequence_from_text("SEQ030: a brutalist tower collapses at dusk\n\nwide shot, 24mm, 4 seconds\n\n"
                             "SH050: close up, 85mm, at 1.5 s into the event, 2 seconds", "t.txt")
    assert seq.sequence == "SEQ030" and [s.shot for s in seq.shots] == ["SH010", "SH050"]
    assert seq.shots[1].event_start_s == 1.5 and "into the event" not in seq.shots[1].text
    (tmp_path / "a.yaml").write_text("sequence: SEQ1\nevent: x\nshots: []\n")
    with pytest.raises(PlanoError, match="shots"):
        load_sequence(tmp_path / "a.yaml")
    (tmp_path / "b.yaml").write_text("sequence: SEQ1\nevent: x\nshots: [{shot: SH1, text: a, lens: 3}]\n")
    with pytest.raises(PlanoError, match="lens: unknown key"):
        load_sequence(tmp_path / "b.yaml")
    (tmp_path / "c.yaml").write_text("sequence: [\n")
    with pytest.raises(PlanoError, match="not valid YAML"):
        load_sequence(tmp_path / "c.yaml")
    with pytest.raises(PlanoError, match="is a folder"):
        load_sequence(tmp_path)
    with pytest.raises(PlanoError, match="more than once"):
        sequence_from_dict({"sequence": "S1", "event": "x", "shots": [{"shot": "A", "text": "a"},
                                                                      {"shot": "A", "text": "b"}]}, "t")


def test_resolve_gives_every_shot_the_event_and_its_own_camera():
    from plano.plan.sequence import resolve

    seq = sequence_from_dict({"sequence": "SEQ020", "event": "a brutalist office tower in Madrid collapses at dusk",
                              "shots": [{"shot": "SH010", "text": "wide shot at night, 24mm", "duration_s": 2},
                                        {"shot": "SH020", "text": "low angle close up, 85mm", "event_start_s": 1.5,
                                         "duration_s": 1}]}, "t")
    r = resolve(seq)
    a, b = r.shots
    assert a.spec.camera.focal_length_mm == 24 and b.spec.camera.focal_length_mm == 85
    assert a.spec.place == b.spec.place == r.event.place and a.spec.place.name == "Madrid"
    assert a.spec.light == b.spec.light == r.event.light  # "at night" is the shot's word, not the event's
    assert b.event_first == 1001 + 36 and r.event.format.frame_count == max(48, 36 + 24)
    with pytest.raises(PlanoError, match="names no action"):
        resolve(sequence_from_dict({"sequence": "S1", "event": "a church at dawn",
                                    "shots": [{"shot": "A", "text": "wide"}]}, "t"))


# ------------------------------------------------------------------ one event, one sim


def test_two_shots_of_one_event_share_one_sim_and_see_the_same_poses(tmp_path):
    from plano.plan.sequence import run_sequence
    from plano.plan.shared import SimWindow

    seq = sequence_from_dict({"sequence": "SEQ900", "event": SMALL_EVENT, "shots": [
        {"shot": "SH010", "text": "wide shot, 24mm", "duration_s": 0.5},
        {"shot": "SH020", "text": "low angle close up, 85mm", "event_start_s": 0.25, "duration_s": 0.5}]}, "t")
    run = run_sequence(seq, tmp_path, "draft", until="sim")
    assert run.shared.simulated
    sims = list((tmp_path / "SEQ900" / "sims").iterdir())
    assert len(sims) == 1 and (sims[0] / ".plano" / "sim.json").is_file()
    records = []
    for o in run.shots:
        root = Path(o.root)
        assert not (root / "sim").exists() and not (root / "set").exists()
        rec = json.loads((root / ".plano" / "sim.json").read_text())
        records.append(rec["config"])
        assert rec["config"]["shared"] == str(sims[0].resolve()) and rec["config"]["key"] == run.shared.sim_key
    assert [r["event_first_frame"] for r in records] == [1001, 1007]
    a, b = (o.sim for o in run.shots)
    assert isinstance(a, SimWindow) and a.frames == b.frames == list(range(1001, 1013))
    moved = 0.0
    for k in range(6):  # event frames 1007..1012 are a's 1007.. and b's 1001..
        pa, pb = a.frame(1007 + k), b.frame(1001 + k)
        assert np.array_equal(pa.positions, pb.positions) and np.array_equal(pa.rotations, pb.rotations)
        moved = max(moved, float(np.abs(pa.positions - a.frame(1001).positions).max()))
    assert moved > 0.05  # the building is moving in that window: the equality says something
    again = run_sequence(seq, tmp_path, "draft", until="sim")
    assert not again.shared.simulated and all(o.stages["sim"]["cached"] for o in again.shots)
    finished = json.loads((sims[0] / ".plano" / "sim.json").read_text())["finished"]
    assert finished == json.loads((sims[0] / ".plano" / "sim.json").read_text())["finished"]


def test_sim_window_refuses_frames_outside_the_shot(tmp_path):
    from plano.plan.shared import SimWindow

    class Cache:
        frames = tuple(range(1001, 1011))

    with pytest.raises(PlanoError, match="event frames 1005..1014"):
        SimWindow(Cache(), 1005, 1001, 10)


# ------------------------------------------------------------------ variants


def test_variants_share_the_sim_only_when_the_camera_or_grade_changes():
    from plano.plan.shared import shared_folder
    from plano.plan.variants import parse_vary, variant_specs
    from plano.spec.parse import parse_prompt

    base = parse_prompt("wide shot of a brutalist tower collapsing, afternoon")
    specs = variant_specs(base, [parse_vary("lens=18,24,35"), parse_vary("time=16:00,18:30"),
                                 parse_vary("grade=warm,cool+film_grain")])
    assert len(specs) == 12
    assert {s.camera.focal_length_mm for _, s in specs} == {18, 24, 35}
    assert {s.light.local_time for _, s in specs} == {dt.time(16), dt.time(18, 30)}
    assert {s.look.grade for _, s in specs} == {("warm",), ("cool", "film_grain")}
    folders = {shared_folder("x", s, "draft") for _, s in specs}
    assert len(folders) == 2  # one sim an hour: the sun turns the building; lens and grade do not
    assert shared_folder("x", specs[0][1], "draft") != shared_folder("x", specs[0][1], "previs")


@pytest.mark.parametrize("vary, message", [
    ("lens", "write FIELD=VALUE"), ("lense=18", "not a spec field"), ("camera=1", "a group of fields"),
    ("lens=", "gives no values"), ("lens=18,18", "a value twice")])
def test_bad_vary_is_one_message(vary, message):
    from plano.plan.variants import parse_vary

    with pytest.raises(PlanoError, match=message):
        parse_vary(vary)


def test_bad_variant_value_names_the_field():
    from plano.plan.variants import parse_vary, variant_specs
    from plano.spec.parse import parse_prompt

    with pytest.raises(PlanoError, match="focal_length_mm"):
        variant_specs(parse_prompt("wide shot of a tower collapsing"), [parse_vary("lens=wide")])


def test_pick_marks_an_existing_version(tmp_path):
    from typer.testing import CliRunner

    from plano.cli.commands import app
    from plano.plan.variants import picked

    (tmp_path / "SEQ010_SH010" / "v002").mkdir(parents=True)
    r = CliRunner().invoke(app, ["pick", "SEQ010_SH010/v002", "--shots-dir", str(tmp_path), "--note", "the 24"])
    assert r.exit_code == 0, r.output
    assert picked(tmp_path, "SEQ010_SH010") == 2
    r = CliRunner().invoke(app, ["pick", "SEQ010_SH010/v007", "--shots-dir", str(tmp_path)])
    assert r.exit_code != 0 and "has no version v007" in str(r.exception)


# ------------------------------------------------------------------ techvis


def test_camera_report_and_plan(tmp_path):
    from PIL import Image

    from plano.plan.techvis import camera_report, draw_plan, sun_windows
    from plano.scene.build import build_scene
    from plano.spec.parse import parse_prompt

    spec = parse_prompt("wide shot of a brutalist tower in Buenos Aires collapsing, 24mm, 4pm")
    scene = build_scene(spec)
    r = camera_report(scene, spec, dt.date(2026, 6, 21))
    eye = scene.camera.positions[0]
    assert r.lens_mm == 24 and r.camera_height_m == pytest.approx(eye[2], abs=0.01)
    assert 0 < r.distance_to_building_m < r.distance_to_centre_m
    assert r.hfov_deg == pytest.approx(np.degrees(2 * np.arctan(r.film_back_mm[0] / 48)), abs=0.1)
    assert r.sun_azimuth_deg == pytest.approx(scene.sun.azimuth_deg, abs=0.1)
    same_day = sun_windows(spec.place.latitude, spec.place.longitude, spec.place.timezone, spec.place.date,
                           r.sun_azimuth_deg, r.sun_elevation_deg)
    assert any(a <= "16:00" <= b for a, b in same_day)  # on the shot's own date the shot's hour matches
    png = draw_plan(scene, r, tmp_path / "plan.png")
    img = np.asarray(Image.open(png).convert("RGB")).astype(int)
    orange = (np.abs(img - [214, 120, 40]).sum(-1) < 30).sum()
    camera = (np.abs(img - [20, 40, 160]).sum(-1) < 30).sum()
    assert orange > 500 and camera > 50


def test_draft_tier_is_smaller_and_lighter():
    from plano.render.quality import render_settings
    from plano.sim.node import make
    from plano.sim.quality import effects_config, sim_tier
    from plano.spec.parse import parse_prompt

    d, p = render_settings("draft", 1920, 1080), render_settings("previs", 1920, 1080)
    assert (d.width, d.height) == (640, 360) and (p.width, p.height) == (1280, 720)
    assert d.dust_steps < p.dust_steps and d.motion_blur_samples < p.motion_blur_samples
    cfg = effects_config(sim_tier("draft"))
    assert cfg.grid_cells < 600_000 and cfg.dust_particles < 300_000
    assert sim_tier("previs") is None and sim_tier("final") is None
    spec = parse_prompt("wide shot of a tower collapsing")
    assert make(spec, "previs").config == make(spec, "final").config != make(spec, "draft").config
    with pytest.raises(PlanoError, match="not known"):
        sim_tier("best")
