"""The review database (SQLite, WAL, Alembic), the `plano review` command's refusals, and a note's job that fails."""

from __future__ import annotations

import sqlite3

import pytest
from typer.testing import CliRunner

pytest.importorskip("sqlalchemy", reason="the review database needs sqlalchemy: pip install 'plano[review]'")
pytest.importorskip("alembic", reason="the review database needs alembic: pip install 'plano[review]'")

from plano.cli import app  # noqa: E402
from plano.errors import PlanoError  # noqa: E402
from plano.review import security  # noqa: E402
from plano.review.db import ReviewDB  # noqa: E402

runner = CliRunner(env={"COLUMNS": "200"})


def test_schema_is_made_by_the_migrations_in_wal_mode(tmp_path):
    db = ReviewDB.open(tmp_path / "r.db")
    assert db.revision == "0001"
    con = sqlite3.connect(tmp_path / "r.db")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    assert {"notes", "statuses", "audit", "jobs", "alembic_version"} <= tables
    assert ReviewDB.open(tmp_path / "r.db").revision == "0001"  # opening again upgrades nothing


def test_a_note_with_a_client_key_lands_once_and_a_reply_must_be_in_its_version(tmp_path):
    db = ReviewDB.open(tmp_path / "r.db")
    a = db.add_note("A_B", 1, "sup", "one", 1001, 1001, client_key="k-00000001")
    b = db.add_note("A_B", 1, "sup", "one again", 1001, 1001, client_key="k-00000001")
    assert a["id"] == b["id"] and len(db.notes("A_B")) == 1
    with pytest.raises(PlanoError, match="to reply to"):
        db.add_note("A_B", 2, "sup", "reply", parent_id=a["id"])
    with pytest.raises(PlanoError, match="not known"):
        db.set_status("A_B", 1, "done", "sup")


def test_a_file_that_is_not_a_database_is_one_message(tmp_path):
    bad = tmp_path / "r.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(PlanoError, match="not an SQLite file"):
        ReviewDB.open(bad)
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(PlanoError, match="not a file"):
        ReviewDB.open(tmp_path / "dir.db")


def test_review_command_refuses_bad_input_with_one_message(tmp_path, capsys):
    from plano.cli.commands import main

    f = tmp_path / "file.txt"
    f.write_text("x")
    for args, words in ((["review", str(f)], "is a file"),
                        (["review", str(tmp_path / "nothing")], "does not exist"),
                        (["review", str(tmp_path), "--host", "0.0.0.0"], "--allow-remote"),
                        (["review", str(tmp_path), "--host", "example.org"], "not an IP address"),
                        (["review", str(tmp_path), "--token", "short"], "at least 16"),
                        (["review", str(tmp_path), "--quality", "ultra"], "not known")):
        with pytest.raises(SystemExit) as stop:
            main(args)
        out = capsys.readouterr()
        text = (out.out + out.err).replace("\n", " ")
        assert stop.value.code == 1, (args, text)
        assert words in text and "Traceback" not in text, (args, text)
    r = runner.invoke(app, ["review", "--help"])
    assert r.exit_code == 0 and "A/B" in r.output and "token" in r.output


def test_token_checks():
    t = security.new_token()
    assert len(t) >= security.MIN_TOKEN_CHARS and security.token_ok(t, t) and security.token_ok(f"Bearer {t}", t)
    assert not security.token_ok(None, t) and not security.token_ok("", t) and not security.token_ok(t[:-1], t)


def test_a_job_whose_shot_is_refused_fails_with_the_reason(tmp_path):
    from plano.review.jobs import run_job
    from plano.spec.model import Format, ShotSpec

    db = ReviewDB.open(tmp_path / "r.db")
    job = db.add_job("SEQ010_SH010", 1, None, "sup")
    huge = ShotSpec(format=Format(duration_s=600, fps=240, width=16384, height=9216))
    run_job(str(tmp_path / "r.db"), job, huge.model_dump_json(), str(tmp_path / "shots"), "final")
    (row,) = db.jobs()
    assert row["state"] == "failed" and "machine" in row["message"] and row["finished"] is not None
    assert not (tmp_path / "shots" / "SEQ010_SH010").exists()


def test_jobs_a_stopped_server_left_are_marked_stopped(tmp_path):
    from plano.review.app import open_state

    (tmp_path / "shots").mkdir()
    db = ReviewDB.open(tmp_path / "shots" / ".review" / "review.db")
    job = db.add_job("SEQ010_SH010", 1, None, "sup")
    db.update_job(job, state="running")
    state = open_state(tmp_path / "shots")
    (row,) = state.db.jobs()
    assert row["state"] == "stopped" and "plano shot --spec" in row["message"]
