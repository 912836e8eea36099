"""Comp: over and premultiplication by hand, OCIO round trips, grain, looks, plates, tracking, the plate camera,
and the whole comp of synthetic passes over a synthetic plate."""

from types import SimpleNamespace

import dataclasses

import numpy as np
import pytest

pytest.importorskip("PyOpenColorIO", reason="comp needs OpenColorIO (pip install 'plano[comp]')")
pytest.importorskip("cv2", reason="comp needs OpenCV (pip install 'plano[comp]')")

from plano.color import spaces  # noqa: E402
from plano.comp import look as looks  # noqa: E402
from plano.comp import ops  # noqa: E402
from plano.errors import PlanoError  # noqa: E402


# ---------------------------------------------------------------- over, premultiplied


def test_premultiply_and_over_against_hand_values():
    fg = np.array([[[0.8, 0.4, 0.2]]], np.float32)
    a = np.array([[[0.25]]], np.float32)
    bg = np.array([[[0.1, 0.2, 0.4]]], np.float32)
    pm = ops.premultiply(fg, a)
    assert pm[0, 0] == pytest.approx([0.2, 0.1, 0.05])
    # over: fg*a + (1 - a)*bg = [0.2 + 0.075, 0.1 + 0.15, 0.05 + 0.3]
    assert ops.over(pm, a, bg)[0, 0] == pytest.approx([0.275, 0.25, 0.35])
    assert ops.over_alpha(a, np.array([[[0.5]]]))[0, 0, 0] == pytest.approx(0.25 + 0.75 * 0.5)
    assert ops.unpremultiply(pm, a)[0, 0] == pytest.approx([0.8, 0.4, 0.2])
    assert ops.unpremultiply(pm, np.zeros_like(a))[0, 0] == pytest.approx([0, 0, 0])
    # fully opaque hides the background; fully clear shows it
    assert ops.over(fg, np.ones_like(a), bg)[0, 0] == pytest.approx(fg[0, 0])
    assert ops.over(np.zeros_like(fg), np.zeros_like(a), bg)[0, 0] == pytest.approx(bg[0, 0])
    with pytest.raises(PlanoError, match="expected"):
        ops.over(np.zeros((2, 2, 3)), np.zeros((2, 2, 1)), np.zeros((3, 3, 3)))


def test_haze_moves_far_pixels_towards_the_haze_colour():
    fg = np.full((1, 2, 3), 0.1, np.float32)
    a = np.ones((1, 2, 1), np.float32)
    depth = np.array([[[10.0], [2000.0]]], np.float32)
    out = ops.haze(fg, a, depth, 1e-3, (0.5, 0.6, 0.7))
    t = np.exp(-1e-3 * 2000.0)
    assert out[0, 1] == pytest.approx(0.1 * t + np.array([0.5, 0.6, 0.7]) * (1 - t), rel=1e-5)
    assert out[0, 0, 0] == pytest.approx(0.1 * np.exp(-0.01) + 0.5 * (1 - np.exp(-0.01)), rel=1e-5)


# ---------------------------------------------------------------- colour through OCIO


@pytest.mark.parametrize("name", [s.name for s in spaces.INPUT_SPACES])
def test_every_input_colour_space_round_trips_through_ocio(name):
    rng = np.random.default_rng(3)
    grey = rng.uniform(0.002, 1.0, (200, 1)).astype(np.float32)
    tint = 1.0 + rng.uniform(-0.15, 0.15, (200, 3)).astype(np.float32)  # low chroma: inside every gamut
    acescg = grey * tint
    encoded = spaces.from_acescg(acescg, name)
    back = spaces.to_acescg(encoded, name)
    assert np.allclose(back, acescg, rtol=1e-3, atol=1e-5), float(np.abs(back - acescg).max())


def test_known_values_and_unknown_names():
    assert spaces.to_log(np.array([[0.18, 0.18, 0.18]]))[0, 0] == pytest.approx(0.4135, abs=1e-3)
    # sRGB mid code value 0.5 is about 0.214 linear (Rec.709 primaries; ACEScg differs by a matrix, grey stays grey)
    assert spaces.to_acescg(np.array([[0.5, 0.5, 0.5]]), "sRGB")[0] == pytest.approx([0.214] * 3, abs=2e-3)
    assert spaces.resolve("logc3") == "ARRI LogC3 (EI800)" and spaces.resolve("S-Log3") == "S-Log3 S-Gamut3"
    with pytest.raises(PlanoError, match="colour space 'Kodak 5219' is not known.*plano colorspaces"):
        spaces.resolve("Kodak 5219")


# ---------------------------------------------------------------- grain


def test_grain_estimate_recovers_a_synthetic_plates_noise_within_15_percent(tmp_path):
    from plano.comp.plate import open_plate
    from plano.comp.testplate import make_plate_frames, write_plate

    for sigma in (0.004, 0.01, 0.025):
        frames = make_plate_frames(1, 320, 180, grain_log_sigma=sigma, seed=5)
        write_plate(frames, tmp_path / f"g{sigma}" / "plate.####.exr", "ACEScg")
        plate = open_plate(tmp_path / f"g{sigma}" / "plate.####.exr", "ACEScg", 1, 24.0, (320, 180))
        est = ops.estimate_noise(spaces.to_log(plate.frame(0)))
        assert np.all(np.abs(est - sigma) / sigma < 0.15), (sigma, est)


def test_log_grain_adds_the_noise_it_is_asked_for():
    flat = np.full((200, 200, 3), 0.18, np.float32)
    grained = ops.add_log_grain(flat, np.array([0.01, 0.01, 0.01]), seed=1)
    est = ops.estimate_noise(spaces.to_log(grained))
    assert np.all(np.abs(est - 0.01) < 0.0015), est


# ---------------------------------------------------------------- looks


def _stats(rgb):
    log = spaces.to_log(rgb)
    lum = log @ np.array([0.2126, 0.7152, 0.0722])
    chroma = np.abs(log - lum[..., None]).mean()
    return lum, chroma


@pytest.mark.parametrize("name", looks.preset_names())
def test_a_look_preset_moves_mid_grey_saturation_and_contrast_the_stated_way(name):
    p = looks.load_preset(name)
    cdl = looks.resolve_look(name).cdl
    greys = np.array([[0.02] * 3, [0.18] * 3, [1.2] * 3], np.float32)
    colour = np.array([[0.30, 0.12, 0.05], [0.05, 0.10, 0.30]], np.float32)
    (l0, _), (l1, _) = _stats(greys), _stats(looks.apply_cdl(greys, cdl))
    _, c0 = _stats(colour)
    _, c1 = _stats(looks.apply_cdl(colour, cdl))
    spread0, spread1 = l0[2] - l0[0], l1[2] - l1[0]
    luma = np.array([0.2126, 0.7152, 0.0722])
    # the log spread of the greys scales with the slope (contrast, the lift's pull, the split): exactly the CDL's
    assert spread1 == pytest.approx(spread0 * float(np.dot(cdl.slope, luma)), rel=1e-3, abs=1e-4)
    if p.contrast > 1.02 and p.lift < 0.01:
        assert spread1 > spread0
    if p.contrast < 1.0:
        assert spread1 < spread0
    if p.saturation < 0.98:
        assert c1 < c0
    elif p.saturation > 1.02:
        assert c1 > c0
    mid = l1[1] - l0[1]  # mid-grey moves by the exposure (stops / 17.52 in ACEScct), the tint's luma and the lift
    tint_luma = float(np.dot(p.tint, luma))
    want_mid = p.exposure_stops / 17.52 * p.contrast * (1 - p.lift / looks._cct(1.0)) + tint_luma + p.lift * (
        1 - looks._cct(0.18) / looks._cct(1.0))
    assert mid == pytest.approx(want_mid, abs=4e-3), (mid, want_mid)
    if p.exposure_stops < 0 and p.lift == 0 and tint_luma <= 0:
        assert mid < 0
    if p.warm_cool > 0:  # a warm-cool split: highlights warmer than shadows
        hi, lo = spaces.to_log(looks.apply_cdl(greys, cdl))[[2, 0]]
        assert (hi[0] - hi[2]) > (lo[0] - lo[2])


def test_raw_is_no_grade_and_words_stack_unless_raw():
    assert looks.resolve_look("raw").params.is_identity and looks.resolve_look("neutral").params.is_identity
    x = np.array([[0.3, 0.2, 0.1]], np.float32)
    assert np.array_equal(looks.apply_cdl(x, looks.resolve_look("raw").cdl), x)
    stacked = looks.resolve_look("villeneuve", ("desaturated",), ("gritty",))
    assert stacked.params.saturation == pytest.approx(0.68 * 0.75 * 0.85)
    raw = looks.resolve_look("villeneuve", ("desaturated",), ("gritty", "cinematic"), raw=True)
    assert raw.params.saturation == pytest.approx(0.68) and len(raw.ignored) == 3
    assert looks.resolve_look("neutral", quality="hyperreal").params.grain > 0
    with pytest.raises(PlanoError, match="look preset 'wes' is not known"):
        looks.resolve_look("wes")


def test_the_cdl_file_reads_back_in_ocio_and_a_user_look_file_works(tmp_path):
    cdl = looks.resolve_look("fincher").cdl
    cc = looks.write_cc(tmp_path / "fincher.cc", cdl, "sh010_fincher", "test")
    back = looks.read_cc(cc)
    assert back.slope == pytest.approx(cdl.slope, abs=1e-6) and back.offset == pytest.approx(cdl.offset, abs=1e-6)
    assert back.saturation == pytest.approx(cdl.saturation)
    mine = tmp_path / "mine.yaml"
    mine.write_text("name: mine\ncontrast: 1.3\nsaturation: 0.5\n")
    assert looks.load_preset(str(mine)).contrast == 1.3
    (tmp_path / "bad.yaml").write_text("name: bad\nconstrast: 1.3\n")
    with pytest.raises(PlanoError, match="unknown key.*constrast"):
        looks.load_preset(str(tmp_path / "bad.yaml"))


# ---------------------------------------------------------------- plates


def test_plates_of_every_kind_read_and_conform(tmp_path):
    from plano.comp.plate import open_plate
    from plano.comp.testplate import make_plate_frames, write_plate

    frames = make_plate_frames(6, 160, 90, grain_log_sigma=0.0)
    for path, cs in ((tmp_path / "a" / "plate.####.exr", "ACEScg"), (tmp_path / "b" / "plate.%04d.png", "sRGB"),
                     (tmp_path / "p.mov", "Rec.709"), (tmp_path / "p.mp4", "Rec.709")):
        write_plate(frames, path, cs)
        plate = open_plate(path, cs, 6, 24.0, (160, 90))
        got = plate.frame(3)
        err = np.abs(spaces.to_log(got) - spaces.to_log(frames[3])).mean()
        assert err < (0.002 if path.suffix == ".exr" else 0.03), (path, err)
    # a 48 fps plate for a 24 fps shot takes every other frame, and says so
    write_plate(make_plate_frames(12, 160, 90, grain_log_sigma=0.0), tmp_path / "c" / "plate.####.exr", "ACEScg")
    fast = open_plate(tmp_path / "c" / "plate.####.exr", "ACEScg", 6, 24.0, (80, 45), plate_fps=48.0)
    assert fast.index == [1001, 1003, 1005, 1007, 1009, 1011]
    assert any("48 fps plate conformed" in c for c in fast.conform) and any("scaled to 80x45" in c for c in fast.conform)
    still = tmp_path / "still.jpg"
    write_plate(frames[:1], still, "sRGB")
    held = open_plate(still, "sRGB", 6, 24.0, (160, 90))
    assert held.kind == "still" and np.array_equal(held.frame(0), held.frame(5))


def test_bad_plates_are_one_clear_error_naming_the_file_and_frame(tmp_path):
    from plano.comp.plate import open_plate
    from plano.comp.testplate import make_plate_frames, write_plate

    frames = make_plate_frames(4, 64, 36, grain_log_sigma=0.0)
    seq = tmp_path / "s" / "plate.####.exr"
    write_plate(frames, seq, "ACEScg")
    with pytest.raises(PlanoError, match=r"ends at frame 1004 but the shot needs frames 1001\.\.1005.*too short"):
        open_plate(seq, "ACEScg", 5, 24.0, (64, 36))
    (tmp_path / "s" / "plate.1002.exr").unlink()
    plate = open_plate(seq, "ACEScg", 4, 24.0, (64, 36))
    with pytest.raises(PlanoError, match=r"plate frame 1002 .*plate\.1002\.exr.* is missing"):
        plate.frame(1)
    (tmp_path / "s" / "plate.1003.exr").write_bytes(b"not an exr at all")
    with pytest.raises(PlanoError, match="plate.1003.exr"):
        plate.frame(2)
    movie = tmp_path / "short.mp4"
    write_plate(frames, movie, "Rec.709")
    with pytest.raises(PlanoError, match="has 4 frames.*too short"):
        open_plate(movie, "Rec.709", 10, 24.0, (64, 36))
    broken = tmp_path / "broken.mov"
    broken.write_bytes(b"\x00\x00\x00\x14ftypqt  " + b"garbage" * 50)
    with pytest.raises(PlanoError, match="broken.mov.*not a readable movie"):
        open_plate(broken, "Rec.709", 2, 24.0, (64, 36))
    with pytest.raises(PlanoError, match="not known"):
        open_plate(movie, "Kodak 5219", 2, 24.0, (64, 36))


def test_a_hand_held_plate_is_tracked_to_a_fraction_of_a_pixel():
    from plano.comp.testplate import make_plate_frames
    from plano.comp.track import to_gray8, track

    frames = make_plate_frames(8, 320, 180, grain_log_sigma=0.004, drift_px=(1.5, -0.75), seed=2)
    mats, facts = track(len(frames), lambda i: to_gray8(frames[i]))
    # features move with the image: +1.5 px right, -0.75 px down per frame relative to frame 0... the content moves
    # the other way from the camera drift
    shifts = mats[:, :, 2]
    want = np.array([[-1.5 * i, 0.75 * i] for i in range(8)])
    assert np.abs(shifts - want).max() < 0.5, shifts
    assert facts["min_inliers"] > 20


# ---------------------------------------------------------------- the plate camera


def test_the_cg_camera_matches_a_stated_plate_camera():
    from plano.scene.build import build_scene, build_set
    from plano.scene.node import SCENE_FIELDS, SET_FIELDS
    from plano.spec.model import Format, Plate, PlateCamera, ShotSpec, Subject
    from plano.spec.view import SpecView

    pc = PlateCamera(focal_length_mm=24.0, sensor_width_mm=24.89, sensor_height_mm=18.66, height_m=1.6, tilt_deg=4.0,
                     building_px=(700.0, 560.0))
    spec = ShotSpec(subject=Subject(storeys=3), format=Format(width=1280, height=720, duration_s=0.2),
                    plate=Plate(camera=pc))
    scene_set = build_set(SpecView(spec, SET_FIELDS, "set"))
    scene = build_scene(SpecView(spec, SCENE_FIELDS, "scene"), scene_set)
    rig = scene.camera
    assert rig.focal_length_mm[0] == 24.0 and rig.positions[0, 2] == pytest.approx(1.6)
    fwd = rig.targets[0] - rig.positions[0]
    assert np.degrees(np.arcsin(fwd[2] / np.linalg.norm(fwd))) == pytest.approx(4.0, abs=1e-6)
    got = scene.info["camera"]["building_px_got"]
    assert got == pytest.approx([700.0, 560.0], abs=3.0)
    with pytest.raises(PlanoError, match="above the horizon"):
        bad = spec.model_copy(update={"plate": Plate(camera=pc.model_copy(update={"building_px": (640.0, 100.0)}))})
        build_scene(SpecView(bad, SCENE_FIELDS, "scene"), scene_set)


# ---------------------------------------------------------------- shake


def test_shake_follows_the_released_energy():
    energy = np.zeros(48)
    energy[12] = 4e6
    energy[30] = 1e6
    env = ops.shake_envelope(energy, 24.0, 0.3)
    assert env[:12].max() == 0.0 and env[12] == pytest.approx(1.0)
    assert env[20] < 0.5 * env[12] and env[30] > env[29]
    off = ops.shake_offsets(env, 8.0, 8.0, 24.0, seed=1)
    assert np.abs(off[:12]).max() == 0.0 and np.abs(off[12:16, :2]).max() <= 8.0 + 1e-9
    assert np.abs(off[12:18, :2]).max() > 2.0
    assert not ops.shake_envelope(np.zeros(10), 24.0, 0.3).any()


# ---------------------------------------------------------------- the whole comp


def _scene_stub():
    parts = [SimpleNamespace(building="street"), SimpleNamespace(building="hero"), SimpleNamespace(building="context_00")]
    sky = SimpleNamespace(horizon_color=(0.5, 0.55, 0.65), cloud_cover=0.0, haze_density=0.0005)
    return SimpleNamespace(parts=parts, sky=sky)


def _passes(h=36, w=64):
    """Sky (id 0) on top, the street (id 1) below, the hero (id 2) in the middle, dust over the hero's top."""
    from plano.schema.passes import Passes

    beauty = np.zeros((h, w, 3), np.float32)
    beauty[:] = (0.5, 0.55, 0.65)  # sky
    oid = np.zeros((h, w, 1), np.float32)
    alpha = np.zeros((h, w, 1), np.float32)
    depth = np.zeros((h, w, 1), np.float32)
    beauty[24:] = (0.08, 0.08, 0.08)
    oid[24:], alpha[24:], depth[24:] = 1, 1, 30
    beauty[8:30, 24:40] = (0.3, 0.25, 0.2)
    oid[8:30, 24:40], alpha[8:30, 24:40], depth[8:30, 24:40] = 2, 1, 50
    dust = np.zeros((h, w, 1), np.float32)
    dust_rgb = np.zeros((h, w, 3), np.float32)
    dust[2:12, 20:44] = 0.5
    dust_rgb[2:12, 20:44] = (0.2, 0.19, 0.18)
    beauty = beauty * (1 - dust) + dust_rgb
    alpha = 1 - (1 - alpha) * (1 - dust)
    return Passes(beauty=beauty, alpha=alpha, depth=depth, object_id=oid, material_id=oid, dust=dust, dust_rgb=dust_rgb)


def test_split_layers_rebuilds_the_beauty_exactly():
    from plano.comp.run import split_layers

    p = _passes()
    L = split_layers(p, _scene_stub())
    rebuilt = L["dust"] + (1 - L["dust_a"]) * (L["cg"] + L["background"])
    assert np.abs(rebuilt - p.beauty).max() < 1e-5
    assert L["cg_a"][20, 30, 0] == 1.0 and L["cg_a"][30, 5, 0] == 0.0 and L["cg_a"][3, 5, 0] == 0.0


def test_comp_over_a_plate_keeps_the_plate_ungraded_and_the_cg_in_it(tmp_path):
    from plano.comp.run import comp_shot
    from plano.comp.testplate import make_plate_frames, write_plate
    from plano.io.exr import read_channels, write_passes
    from plano.spec.model import Comp, Format, Look, Plate, ShotSpec

    spec = ShotSpec(format=Format(width=64, height=36, duration_s=3 / 24), look=Look(preset="villeneuve"),
                    plate=Plate(path=str(tmp_path / "plate" / "plate.####.exr"), colorspace="ACEScg"),
                    comp=Comp(shake_px=0.0, vignette=0.0, chromatic_aberration_px=0.0, light_wrap=0.0))
    plate_frames = make_plate_frames(3, 64, 36, grain_log_sigma=0.01)
    write_plate(plate_frames, spec.plate.path, "ACEScg")
    paths = [write_passes(tmp_path / "passes" / f"x.{f}.exr", _passes()) for f in spec.format.frames]
    res = comp_shot(paths, _scene_stub(), None, spec, tmp_path / "comp", "x")
    assert not res.graded and (tmp_path / "comp" / "look.cc").is_file() and len(res.frames) == 3
    ch = read_channels(res.frames[1])
    comp = np.stack([ch[c] for c in "RGB"], -1)
    plate = np.stack([ch[f"plate.{c}"] for c in "RGB"], -1)
    assert {"cg.A", "dustfx.A", "plate.R"} <= set(ch)
    # outside the CG and the dust: the plate, as ingested (half float), plus nothing
    assert np.abs(comp[30:, :10] - plate[30:, :10]).max() < 2e-3
    assert np.abs(plate - plate_frames[1]).max() < 2e-2
    # inside the CG: not the plate; the street of the render is gone
    assert np.abs(comp[20, 30] - plate[20, 30]).max() > 0.02
    # dust over the plate where there is no CG: half the plate plus the dust's light (balanced like the CG), on average
    gain = np.asarray(res.info["color_match"]["gain"])
    want = 0.5 * plate[2:8, 20:44] + np.array([0.2, 0.19, 0.18]) * gain / gain.mean()
    assert comp[2:8, 20:44].mean(axis=(0, 1)) == pytest.approx(want.mean(axis=(0, 1)), abs=0.01)
    assert "plate_grain_log_sigma" in res.info and res.info["layers"]["plate"] == "captured plate"


def test_comp_without_a_plate_is_graded_with_the_look(tmp_path):
    from plano.comp.run import comp_shot
    from plano.io.exr import read_channels, write_passes
    from plano.spec.model import Comp, Format, Look, ShotSpec

    spec = ShotSpec(format=Format(width=64, height=36, duration_s=2 / 24), look=Look(preset="gritty"),
                    comp=Comp(shake_px=0.0, vignette=0.0, chromatic_aberration_px=0.0, grain=False))
    p = _passes()
    paths = [write_passes(tmp_path / f"x.{f}.exr", p) for f in spec.format.frames]
    res = comp_shot(paths, _scene_stub(), None, spec, tmp_path / "comp", "x")
    assert res.graded
    ch = read_channels(res.frames[0])
    comp = np.stack([ch[c] for c in "RGB"], -1)
    want = looks.apply_cdl(p.beauty, looks.resolve_look("gritty").cdl)
    assert np.abs(comp - want).max() < 5e-3 * max(1.0, float(want.max()))


def test_the_numba_kernels_compute_what_the_numpy_reference_computes(monkeypatch):
    from plano.comp import kernels, run

    if not kernels.HAVE_NUMBA:
        pytest.skip("numba is not installed (pip install 'plano[sim]'): the numpy path is the only one")
    p = _passes()
    scene = _scene_stub()
    lut = run.cg_ids(scene)
    plate = np.random.default_rng(0).uniform(0.05, 0.6, (36, 64, 3)).astype(np.float32)
    L = run.split_layers(p, scene, lut)
    match = ops.color_match(ops.unpremultiply(L["cg"], L["cg_a"]), L["cg_a"][..., 0] > 0.99, plate)
    vign = ops.vignette_mask(36, 64, 0.3)
    args = (p, lut, scene, True, np.array([0.05, 0.02, -0.03], np.float32), 2e-3, np.array([0.4, 0.5, 0.6], np.float32),
            match, vign)
    fast = run._layers(*args)
    fin_fast = run._finish(fast[0], fast[1], fast[2], fast[3], plate, 0.3, np.zeros(3, np.float32), 1)
    monkeypatch.setattr(kernels, "HAVE_NUMBA", False)
    ref = run._layers(*args)
    fin_ref = run._finish(ref[0], ref[1], ref[2], ref[3], plate, 0.3, np.zeros(3, np.float32), 1)
    for a, b in zip(fast, ref):
        assert np.abs(a - b).max() < 1e-4
    assert np.abs(fin_fast - fin_ref).max() < 1e-4
    plated = dataclasses.replace(p, dust_plate=np.concatenate([p.dust_rgb * 1.5, np.clip(p.dust * 1.2, 0, 1)], -1))
    monkeypatch.setattr(kernels, "HAVE_NUMBA", True)
    pf = run._layers(plated, *args[1:])
    monkeypatch.setattr(kernels, "HAVE_NUMBA", False)
    pr = run._layers(plated, *args[1:])
    assert np.abs(pf[2] - pr[2]).max() < 1e-5 and np.abs(pf[3] - pr[3]).max() < 1e-6 and pf[2].max() > 0
    lens = run._lens_maps(36, 64, 0.05, 0.01, 0.8)
    mat = np.array([[1.0, 0.01, 1.5], [-0.01, 1.0, -0.75]])
    monkeypatch.setattr(kernels, "HAVE_NUMBA", True)
    lt_fast = run._lens_and_track(fast[0], fast[1], fast[2], fast[3], lens, mat)
    monkeypatch.setattr(kernels, "HAVE_NUMBA", False)
    lt_ref = run._lens_and_track(fast[0], fast[1], fast[2], fast[3], lens, mat)
    for a, b in zip(lt_fast, lt_ref):  # inside the frame; OpenCV's remap weights are 1/32-pixel fixed point
        assert np.abs(a[2:-2, 2:-2] - b[2:-2, 2:-2]).max() < 0.02 * max(float(np.abs(b).max()), 1e-3)
    # the light wrap worked out only around the CG: the same frame as over the whole frame
    rng = np.random.default_rng(2)
    H, W = 200, 300
    layers = [np.zeros((H, W, k), np.float32) for k in (3, 1, 3, 1)]
    for arr, src in zip(layers, fast[:4]):
        arr[120:156, 200:264] = src
    bg_big = rng.uniform(0.05, 0.6, (H, W, 3)).astype(np.float32)
    monkeypatch.setattr(kernels, "HAVE_NUMBA", True)
    (y0, x0), wb, _ = run._wrap_near_cg(bg_big, layers[1], 2.0)
    assert wb.shape[0] * wb.shape[1] < 0.5 * H * W and y0 > 0 and x0 > 0  # a crop, not the frame
    near = run._finish(*layers, bg_big, 0.3, np.zeros(3, np.float32), 1)
    monkeypatch.setattr(kernels, "HAVE_NUMBA", False)
    whole = run._finish(*layers, bg_big, 0.3, np.zeros(3, np.float32), 1)
    assert np.abs(near - whole).max() < 1e-4 and not np.allclose(whole, run._finish(*layers, bg_big, 0.0,
                                                                                     np.zeros(3, np.float32), 1))
    # skipping the empty tiles changes nothing: CG in one corner of a larger frame, moved and distorted
    big = [np.zeros((100, 150, k), np.float32) for k in (3, 1, 3, 1)]
    for arr, src, value in zip(big, fast, (0.5, 1.0, 0.2, 0.3)):
        arr[64:96, 80:144] = value  # from a tile's first row and column: samples just before it reach into it
        arr[60:96, 84:148] = src[:, :, :] if src.shape[:2] == (36, 64) else value
    lens_big = run._lens_maps(100, 150, 0.05, 0.01, 0.8)
    monkeypatch.setattr(kernels, "HAVE_NUMBA", True)
    sat = kernels.occupied_tiles(big[1], big[3], big[2])  # summed-area table of the occupied tiles
    assert 0 < sat[-1, -1] < 0.7 * (sat.shape[0] - 1) * (sat.shape[1] - 1)
    for maps, m in ((lens_big, mat), (None, np.array([[1.0, 0.0, -0.5], [0.0, 1.0, -0.5]]))):  # half a pixel
        skipped = run._lens_and_track(*big, maps, m)
        full = run._lens_and_track(*big, maps, m, skip_empty=False)
        for a, b in zip(skipped, full):
            assert np.array_equal(a, b) and b.max() > 0
    zero, sigma = np.zeros(3, np.float32), np.full(3, 0.02, np.float32)
    monkeypatch.setattr(kernels, "HAVE_NUMBA", True)
    whole_fast = run._lens_vignette_grain(fin_ref, lens, vign, zero, 7)
    grained = run._lens_vignette_grain(fin_ref, lens, vign, sigma, 7)
    assert np.abs(grained - run._whole_grain(whole_fast, sigma, 7)).max() < 1e-5  # the same grain, fused
    monkeypatch.setattr(kernels, "HAVE_NUMBA", False)
    whole_ref = run._lens_vignette_grain(fin_ref, lens, vign, zero, 7)
    assert not np.allclose(whole_ref, fin_ref, atol=1e-3)  # the lens and the vignette did something
    err = np.abs(whole_fast[2:-2, 2:-2] - whole_ref[2:-2, 2:-2])
    assert err.max() < 0.02 * max(float(np.abs(whole_ref).max()), 1e-3), err.max()


def test_the_comp_commands_speak_plainly(tmp_path):
    from typer.testing import CliRunner

    from plano.cli.commands import app

    runner = CliRunner()
    r = runner.invoke(app, ["looks"])
    assert r.exit_code == 0 and "villeneuve" in r.output and "Desaturated" in r.output
    r = runner.invoke(app, ["colorspaces"])
    assert r.exit_code == 0 and "ARRI LogC3" in r.output and "S-Log3" in r.output
    for cmd in ("comp", "looks", "colorspaces", "verify", "shot"):
        h = runner.invoke(app, [cmd, "--help"])
        assert h.exit_code == 0, cmd
    h = runner.invoke(app, ["shot", "--help"])
    assert "--plate" in h.output and "--plate-colorspace" in h.output


def test_bad_plate_options_are_one_line_errors_without_a_traceback(tmp_path):
    import subprocess
    import sys

    def plano(*args):
        return subprocess.run([sys.executable, "-c", "from plano.cli import main; main()", *args], capture_output=True,
                              text=True, timeout=120, cwd=tmp_path)

    r = plano("comp", "wide shot of a tower", "--plate", str(tmp_path / "nope.mov"))
    assert r.returncode == 1 and "does not exist" in r.stderr and "Traceback" not in r.stderr
    (tmp_path / "p.mov").write_bytes(b"x")
    r = plano("comp", "wide shot of a tower", "--plate", str(tmp_path / "p.mov"), "--plate-colorspace", "Kodak 5219")
    assert r.returncode == 1 and "colour space 'Kodak 5219' is not known" in r.stderr and "Traceback" not in r.stderr
    r = plano("verify", str(tmp_path / "p.mov"))
    assert r.returncode == 1 and "Traceback" not in r.stderr


def test_the_shadow_catcher_lays_the_cgs_shadow_on_the_ground():
    ground = np.full((40, 60, 3), 0.1, np.float32)
    ground[20:30, 10:30] = 0.03  # the building's shadow on the rendered street
    mask = np.ones((40, 60), bool)
    mask[:10] = False  # sky
    mid = np.ones((40, 60, 1), np.float32)
    shade = ops.shadow_catcher(ground, mask, mid, blur_px=0)
    assert shade[25, 20, 0] == pytest.approx(0.3, abs=0.01) and shade[35, 50, 0] == pytest.approx(1.0)
    assert shade[5, 5, 0] == 1.0


def test_the_shadow_catcher_kernels_give_the_numpy_reference(monkeypatch):
    from plano.comp import kernels, run

    if not kernels.HAVE_NUMBA:
        pytest.skip("numba is not installed: the numpy path is the only one")
    rng = np.random.default_rng(5)
    h, w = 90, 160
    ground = rng.uniform(0.02, 0.2, (h, w, 3)).astype(np.float32)
    ground[40:70, 30:90] *= 0.3  # a shadow
    oid = rng.integers(0, 9, (h, w, 1)).astype(np.float32)
    oid[:20] = 0  # sky
    mid = rng.integers(1, 5, (h, w, 1)).astype(np.float32)
    mid[:, :3] = 9  # a material with too few pixels for a level
    glut = np.array([False, True, True, False, True, True, True, False, True, False])
    fast = run._shadow_catcher(ground, oid, glut, mid)
    monkeypatch.setattr(kernels, "HAVE_NUMBA", False)
    ref = run._shadow_catcher(ground, oid, glut, mid)
    assert fast.shape == ref.shape == (h, w, 1)
    assert np.abs(fast - ref).max() < 1e-5
    assert ref.min() < 0.5 and ref[:8].min() == 1.0  # it found the shadow; the sky (away from the blur) is 1


def test_the_comp_runs_numbas_kernels_on_its_own_thread_and_gives_the_rest_back():
    from plano.comp import kernels

    if not kernels.HAVE_NUMBA:
        pytest.skip("numba is not installed: nothing to set")
    import numba

    before = numba.get_num_threads()
    with kernels.one_thread():
        assert numba.get_num_threads() == 1
    assert numba.get_num_threads() == before
    with pytest.raises(RuntimeError), kernels.one_thread():
        raise RuntimeError("a failed frame")
    assert numba.get_num_threads() == before


def test_holes_are_filled_from_their_surroundings():
    img = np.zeros((40, 60, 4), np.float32)
    img[..., 0] = np.linspace(0.0, 1.0, 60)[None, :]
    img[..., 3] = 0.5
    holes = np.zeros((40, 60), bool)
    holes[17:23, 27:33] = True  # a street sign the dust was hidden by
    broken = img.copy()
    broken[holes] = 0.0
    out = ops.fill_holes(broken, holes)
    assert np.abs(out[holes][:, 3] - 0.5).max() < 0.05 and np.abs(out[holes][:, 0] - img[holes][:, 0]).max() < 0.1
    assert np.array_equal(out[~holes], broken[~holes])


def test_every_look_word_the_parser_knows_has_a_preset_file():
    from plano.spec.parse import parse_prompt

    for words, preset in (("style of a Denis Villeneuve film", "villeneuve"), ("like Zodiac", "fincher"),
                          ("shot like Interstellar", "nolan"), ("wes anderson", "anderson")):
        spec = parse_prompt(words)
        assert spec.look.preset == preset and looks.load_preset(spec.look.preset).name == preset
    from plano.spec import lexicon

    named = {v for e in lexicon.ENTRIES for k, v in e.sets if k == "look.preset"}
    assert len(named) >= 12
    for name in named:
        looks.load_preset(name)
    grades = {v for e in lexicon.ENTRIES for k, v in e.sets if k == "look.grade"}
    assert {g for g in grades if isinstance(g, str)} <= set(looks.modifiers()["grade"]), "a grade word has no modifier"


def test_the_plate_lens_distortion_moves_cg_pixels_as_brown_conrady_says():
    h, w = 90, 160
    img = np.zeros((h, w, 1), np.float32)
    cx, cy = (w - 1) / 2, (h - 1) / 2
    r = np.hypot(cx, cy)
    xu, yu = 140.0, 70.0  # an undistorted CG point
    img[int(yu), int(xu)] = 1.0
    k1, k2 = 0.08, 0.02
    out = ops.distort(img, k1, k2)
    yd, xd = np.unravel_index(np.argmax(out[..., 0]), (h, w))
    nx, ny = (xu - cx) / r, (yu - cy) / r
    f = 1 + k1 * (nx * nx + ny * ny) + k2 * (nx * nx + ny * ny) ** 2
    assert (xd, yd) == pytest.approx((cx + nx * f * r, cy + ny * f * r), abs=1.0)
    assert np.array_equal(ops.distort(img, 0.0, 0.0), img)
