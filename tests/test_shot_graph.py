"""The shot graph: which spec fields each node's key covers, what a cut runs, and what is not used yet."""

import pytest

from plano.errors import PlanoError
from plano.shot import STAGES, shot_graph, spec_fields_used, unused_spec_fields
from plano.spec.model import Camera, Format, Light, Look, ShotSpec
from plano.spec.view import SpecView, UndeclaredField, leaf_fields


def tiny_spec(**kw) -> ShotSpec:
    return ShotSpec(prompt="a tiny test shot", format=Format(width=48, height=27, duration_s=0.5), **kw)


def keys(spec, quality="previs"):
    return shot_graph(spec, "SEQ010_SH010_v001", quality).keys()


def test_the_graph_is_the_stages_in_order():
    g = shot_graph(tiny_spec(), "SEQ010_SH010_v001")
    assert g.names == STAGES
    assert g.node("sim").inputs == ("set",)  # the sim collides with the set, never the camera
    assert set(g.node("render").inputs) == {"scene", "sim"}
    assert g.cut("sim").names == ("set", "sim")


def test_a_new_lens_or_size_keeps_the_set_and_the_sim():
    spec = tiny_spec()
    moved = spec.model_copy(update={
        "camera": Camera(focal_length_mm=50.0, anamorphic=True, squeeze=2.0),
        "format": Format(width=96, height=54, duration_s=0.5),
        "prompt": "other words",
    })
    a, b = keys(spec), keys(moved)
    assert a["set"] == b["set"] and a["sim"] == b["sim"]
    assert a["scene"] != b["scene"] and a["render"] != b["render"] and a["deliver"] != b["deliver"]
    assert keys(spec, "final")["sim"] == a["sim"] and keys(spec, "final")["render"] != a["render"]


@pytest.mark.parametrize("update", [
    {"light": Light(time_of_day="dusk")},  # the set turns the building to the sun
    {"look": Look(preset="villeneuve")},  # and to the mood
    {"seed": 3},
    {"format": Format(width=48, height=27, duration_s=1.0)},
    {"effects": ("dust",)},
])
def test_what_changes_the_collapse_resimulates(update):
    spec = tiny_spec()
    assert keys(spec.model_copy(update=update))["sim"] != keys(spec)["sim"]


def test_words_alone_change_only_the_delivery():
    spec = tiny_spec()
    other = spec.model_copy(update={"prompt": "the same shot in other words", "notes": ("a note",)})
    a, b = keys(spec), keys(other)
    assert [n for n in STAGES if a[n] != b[n]] == ["spec", "deliver"]


def test_every_field_is_used_or_said_to_be_unused():
    used = {f for fields in spec_fields_used().values() for f in fields}
    assert set(unused_spec_fields()) == set()
    for path in leaf_fields():
        assert path in unused_spec_fields() or any(path == f or path.startswith(f + ".") for f in used), path


def test_a_stage_that_reads_an_undeclared_field_fails_loudly():
    view = SpecView(tiny_spec(), ("camera", "format.fps"), "render")
    assert view.camera.focal_length_mm == 35.0 and view.format.fps == 24.0
    with pytest.raises(UndeclaredField, match="stage 'render' reads spec.format.width"):
        view.format.width
    with pytest.raises(UndeclaredField, match="spec.format.frames"):
        view.format.frames
    with pytest.raises(UndeclaredField, match="spec.light"):
        view.light


def test_a_bad_stage_name_is_a_clear_error(tmp_path):
    from plano.shot import run_shot

    with pytest.raises(PlanoError, match="'lighting' is not a stage"):
        run_shot(tiny_spec(), tmp_path, force=["lighting"])
    with pytest.raises(PlanoError, match="quality 'ultra'"):
        run_shot(tiny_spec(), tmp_path, quality="ultra")
