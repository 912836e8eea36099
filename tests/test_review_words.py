"""What changed between versions in words, and notes in the shot language read into the next version's spec."""

from __future__ import annotations

import datetime as dt

import pytest

from plano.errors import PlanoError
from plano.review.note_change import note_change
from plano.review.spec_diff import describe_changes, spec_changes
from plano.spec.model import Action, Camera, Format, Light, ShotSpec

BASE = ShotSpec(prompt="a brutalist tower collapses", effects=("dust", "debris", "smoke"))


def test_spec_diff_names_fields_with_units():
    new = BASE.model_copy(update={"camera": Camera(focal_length_mm=50.0), "light": Light(local_time=dt.time(18, 30)),
                                  "action": Action(start_s=2.0), "format": Format(fps=25.0),
                                  "effects": ("dust", "debris", "fire")})
    assert spec_changes(BASE, new) == ["lens 35 -> 50 mm", "frame rate 24 -> 25 fps", "hour 15:30 -> 18:30",
                                       "collapse start 1 -> 2 s", "effects +fire -smoke"]
    assert describe_changes(None, BASE) == "first version"
    assert describe_changes(BASE, BASE.model_copy(update={"prompt": "other words", "notes": ("x",)})) == "same spec"


def test_spec_diff_reads_the_default_hour_of_a_time_of_day():
    dusk = BASE.model_copy(update={"light": Light(time_of_day="dusk")})
    changes = spec_changes(BASE, dusk)
    assert changes[0] == "time of day afternoon -> dusk"
    assert changes[1].startswith("hour 15:30 -> 19:")  # Buenos Aires, sunset on the equinox + 10 min


def test_the_issue_note_becomes_the_next_spec():
    c = note_change("try 50mm, later in the afternoon, start the collapse a second later", BASE)
    assert c.spec.camera.focal_length_mm == 50.0
    assert c.spec.light.local_time == dt.time(17, 30)
    assert c.spec.action.start_s == 2.0
    assert c.changes == ("lens 35 -> 50 mm", "time of day afternoon -> golden hour", "hour 15:30 -> 17:30",
                         "collapse start 1 -> 2 s")
    assert c.unparsed == ()
    assert c.spec.action.kind == BASE.action.kind and c.spec.effects == BASE.effects  # the rest is kept
    assert c.spec.prompt == BASE.prompt and c.spec.notes[-1].startswith("review note: try 50mm")


@pytest.mark.parametrize("note, field, value", [
    ("a longer lens", "camera.focal_length_mm", 40.0),
    ("wider lens please", "camera.focal_length_mm", 28.0),
    ("an hour earlier", "light.local_time", dt.time(14, 30)),
    ("two hours later", "light.local_time", dt.time(17, 30)),
    ("half a second sooner", "action.start_s", 0.5),
    ("the collapse starts 3 seconds later", "action.start_s", 4.0),
    ("low angle", "camera.angle", "low"),
    ("at dusk", "light.time_of_day", "dusk"),
    ("shot on a red komodo", "camera.body", "RED Komodo 6K"),
])
def test_note_phrases(note, field, value):
    spec = note_change(note, BASE).spec
    got = spec
    for part in field.split("."):
        got = getattr(got, part)
    assert got == value


def test_list_fields_gain_and_lose_what_the_note_says():
    c = note_change("no smoke, add fire", BASE)
    assert c.spec.effects == ("dust", "debris", "fire")
    assert "effects +fire -smoke" in c.changes


def test_at_dusk_drops_the_old_clock_time():
    base = BASE.model_copy(update={"light": Light(local_time=dt.time(15, 0))})
    spec = note_change("at dusk", base).spec
    assert spec.light.time_of_day == "dusk" and spec.light.local_time is None


def test_a_note_that_changes_nothing_says_so_with_its_words():
    with pytest.raises(PlanoError, match="changes nothing.*purple elephants"):
        note_change("purple elephants", BASE)
    with pytest.raises(PlanoError, match="changes nothing"):
        note_change("35mm", BASE)  # already the lens
    with pytest.raises(PlanoError, match="at most 2,000"):
        note_change("x" * 2001, BASE)


def test_unknown_words_are_reported_next_to_a_change():
    c = note_change("try 85mm and a red sports car", BASE)
    assert c.spec.camera.focal_length_mm == 85.0 and c.unparsed == ("red sports car",)
