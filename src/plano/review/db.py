"""The review database: SQLite (WAL, one transaction per write) through SQLAlchemy Core, its schema made and
upgraded by Alembic migrations (``plano/review/migrations``). It lives at ``<shots>/.review/review.db``.

Tables: ``notes`` (pinned to a version and a frame or a range, threaded by ``parent_id``, with a drawing as
vector strokes in JSON), ``statuses`` (each version's current status), ``audit`` (who changed what, when),
``jobs`` (versions made from notes, rendering in the background).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from plano.errors import PlanoError

METADATA = sa.MetaData()
NOTES = sa.Table(
    "notes", METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("client_key", sa.String(64), unique=True),
    sa.Column("shot", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("frame_in", sa.Integer),
    sa.Column("frame_out", sa.Integer),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("notes.id")),
    sa.Column("author", sa.String(80), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("drawing", sa.Text),
    sa.Column("created", sa.Float, nullable=False),
)
STATUSES = sa.Table(
    "statuses", METADATA,
    sa.Column("shot", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("author", sa.String(80), nullable=False),
    sa.Column("changed", sa.Float, nullable=False),
)
AUDIT = sa.Table(
    "audit", METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("author", sa.String(80), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("shot", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)
JOBS = sa.Table(
    "jobs", METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("shot", sa.String(64), nullable=False),
    sa.Column("from_version", sa.Integer, nullable=False),
    sa.Column("to_version", sa.Integer),
    sa.Column("note_id", sa.Integer, sa.ForeignKey("notes.id")),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("stage", sa.String(16)),
    sa.Column("progress", sa.Float, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("started", sa.Float, nullable=False),
    sa.Column("finished", sa.Float),
)
STATUS_WORDS = ("pending_review", "needs_changes", "approved")
"""A version's review status; a version nobody has marked is ``pending_review``."""
MIGRATIONS = Path(__file__).with_name("migrations")


def _engine(path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # WAL, and transactions that take the write lock at BEGIN
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: sa.Engine) -> str:
    """Bring the schema up to the newest migration; returns its revision."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() or ""


@dataclass
class ReviewDB:
    """The review database of one shots folder; every write is one transaction."""

    engine: sa.Engine
    revision: str

    @classmethod
    def open(cls, path: str | Path) -> "ReviewDB":
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise PlanoError(f"cannot make the review folder {str(path.parent)!r}: {err.strerror or err}") from None
        if path.exists() and not path.is_file():
            raise PlanoError(f"review database {str(path)!r} is not a file; move it away")
        engine = _engine(path)
        try:
            revision = migrate(engine)
        except sa.exc.DatabaseError as err:
            raise PlanoError(f"review database {str(path)!r} cannot be opened ({err.orig}); it is not an SQLite "
                             "file plano made: move it away and start again") from None
        return cls(engine, revision)

    # ------------------------------------------------------------ notes

    def add_note(self, shot: str, version: int, author: str, body: str, frame_in: int | None = None,
                 frame_out: int | None = None, parent_id: int | None = None, drawing: list | None = None,
                 client_key: str | None = None) -> dict[str, Any]:
        """Add a note (a reply when ``parent_id``), with the audit line, in one transaction. A ``client_key``
        seen before returns the note it made (a retried request lands once)."""
        with self.engine.begin() as conn:
            if client_key is not None:
                row = conn.execute(sa.select(NOTES).where(NOTES.c.client_key == client_key)).mappings().first()
                if row is not None:
                    return _note(row)
            if parent_id is not None:
                parent = conn.execute(sa.select(NOTES.c.shot, NOTES.c.version).where(NOTES.c.id == parent_id)).first()
                if parent is None or tuple(parent) != (shot, version):
                    raise PlanoError(f"note {parent_id} to reply to is not a note of {shot} v{version:03d}")
            values = dict(shot=shot, version=version, author=author, body=body, frame_in=frame_in,
                          frame_out=frame_out, parent_id=parent_id, client_key=client_key, created=time.time(),
                          drawing=json.dumps(drawing) if drawing else None)
            note_id = conn.execute(NOTES.insert().values(**values)).inserted_primary_key[0]
            _audit(conn, author, "reply" if parent_id else "note", shot, version,
                   {"note": note_id, "frame_in": frame_in, "frame_out": frame_out})
            return _note({**values, "id": note_id})

    def notes(self, shot: str, version: int | None = None) -> list[dict[str, Any]]:
        q = sa.select(NOTES).where(NOTES.c.shot == shot).order_by(NOTES.c.id)
        if version is not None:
            q = q.where(NOTES.c.version == version)
        with self.engine.connect() as conn:
            return [_note(r) for r in conn.execute(q).mappings()]

    def note(self, note_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(NOTES).where(NOTES.c.id == note_id)).mappings().first()
        return _note(row) if row else None

    # ------------------------------------------------------------ statuses

    def set_status(self, shot: str, version: int, status: str, author: str) -> dict[str, Any]:
        if status not in STATUS_WORDS:
            raise PlanoError(f"status {status!r} is not known; expected one of {', '.join(STATUS_WORDS)}")
        now = time.time()
        with self.engine.begin() as conn:
            old = conn.execute(sa.select(STATUSES.c.status).where(
                STATUSES.c.shot == shot, STATUSES.c.version == version)).scalar()
            conn.execute(STATUSES.delete().where(STATUSES.c.shot == shot, STATUSES.c.version == version))
            conn.execute(STATUSES.insert().values(shot=shot, version=version, status=status, author=author,
                                                  changed=now))
            _audit(conn, author, "status", shot, version, {"from": old or "pending_review", "to": status})
        return {"shot": shot, "version": version, "status": status, "author": author, "changed": now}

    def statuses(self) -> dict[tuple[str, int], dict[str, Any]]:
        with self.engine.connect() as conn:
            return {(r["shot"], r["version"]): dict(r) for r in conn.execute(sa.select(STATUSES)).mappings()}

    def audit(self, shot: str | None = None) -> list[dict[str, Any]]:
        q = sa.select(AUDIT).order_by(AUDIT.c.id)
        if shot is not None:
            q = q.where(AUDIT.c.shot == shot)
        with self.engine.connect() as conn:
            return [{**dict(r), "detail": json.loads(r["detail"])} for r in conn.execute(q).mappings()]

    # ------------------------------------------------------------ jobs

    def add_job(self, shot: str, from_version: int, note_id: int | None, author: str) -> int:
        with self.engine.begin() as conn:
            job = conn.execute(JOBS.insert().values(shot=shot, from_version=from_version, note_id=note_id,
                                                    state="queued", progress=0.0, message="waiting",
                                                    started=time.time())).inserted_primary_key[0]
            _audit(conn, author, "new_version", shot, from_version, {"job": job, "note": note_id})
        return job

    def update_job(self, job_id: int, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(JOBS.update().where(JOBS.c.id == job_id).values(**values))

    def stop_stale_jobs(self) -> int:
        """Jobs left queued or running by a review server that stopped (their process ended with it): marked
        stopped, with a word on how to finish the version. Returns how many."""
        with self.engine.begin() as conn:
            return conn.execute(JOBS.update().where(JOBS.c.state.in_(("queued", "running"))).values(
                state="stopped", finished=time.time(),
                message="the review server stopped while this version was being made; run `plano shot --spec "
                        "<its run folder>/spec.yaml` to finish it (what was made is kept)")).rowcount

    def jobs(self, shot: str | None = None) -> list[dict[str, Any]]:
        q = sa.select(JOBS).order_by(JOBS.c.id.desc())
        if shot is not None:
            q = q.where(JOBS.c.shot == shot)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]


def _note(row: Any) -> dict[str, Any]:
    d = dict(row)
    d["drawing"] = json.loads(d["drawing"]) if d.get("drawing") else []
    return d


def _audit(conn: sa.Connection, author: str, action: str, shot: str, version: int, detail: dict) -> None:
    conn.execute(AUDIT.insert().values(at=time.time(), author=author, action=action, shot=shot, version=version,
                                       detail=json.dumps(detail)))
