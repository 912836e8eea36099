"""A note turned into the next version by the real chain (slow: run with --run-slow)."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlalchemy", reason="the review database needs sqlalchemy: pip install 'plano[review]'")

from plano.review import catalog  # noqa: E402
from plano.review.db import ReviewDB  # noqa: E402
from plano.review.jobs import run_job  # noqa: E402
from plano.review.note_change import note_change  # noqa: E402
from plano.shot import run_shot  # noqa: E402
from plano.spec.model import Format, ShotSpec  # noqa: E402

pytestmark = pytest.mark.slow


def test_a_note_makes_the_next_version_with_its_change(tmp_path):
    shots = tmp_path / "shots"
    spec = ShotSpec(prompt="tiny real shot", format=Format(duration_s=0.5), effects=("dust", "debris"))
    run_shot(spec, shots, quality="previs")
    change = note_change("try 50mm, an hour later", spec)
    db = ReviewDB.open(shots / ".review" / "review.db")
    job = db.add_job(spec.shot, 1, None, "sup")
    run_job(str(shots / ".review" / "review.db"), job, change.spec.model_dump_json(), str(shots), "previs")
    (row,) = db.jobs()
    assert row["state"] == "done" and row["to_version"] == 2 and row["progress"] == 1.0, row
    v2 = catalog.read_version(shots, spec.shot, 2)
    assert v2.delivered and len(v2.frames) == 12 and v2.spec.camera.focal_length_mm == 50.0
    assert v2.stage_seconds.keys() >= {"sim", "render", "comp", "deliver"}
