"""The review server's HTTP API and page (FastAPI on uvicorn). Reads need nothing; every write (a note, a
status, a new version) needs the token in the ``X-Plano-Token`` header. Files are served only from inside the
shots folder; request bodies are bounded (:mod:`plano.review.security`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from plano.errors import PlanoError
from plano.review import catalog, proxies, security
from plano.review.db import STATUS_WORDS, ReviewDB
from plano.review.spec_diff import describe_changes
from plano.schema.naming import shot_name_problem

STATIC = Path(__file__).with_name("static")
MAX_POINTS = 20_000
DB_NAME = ".review/review.db"


@dataclass
class ReviewState:
    shots_dir: Path
    db: ReviewDB
    db_path: Path
    token: str
    quality: str = "previs"
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    """The Host headers answered (a page elsewhere that points its own name at 127.0.0.1 is refused)."""
    processes: dict[int, Any] = field(default_factory=dict)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stroke(Body):
    color: str = Field(default="#ff3b30", pattern=r"^#[0-9a-fA-F]{3,8}$")
    width: float = Field(default=3.0, gt=0, le=40)
    points: list[tuple[float, float]] = Field(max_length=MAX_POINTS)


class NoteIn(Body):
    shot: str = Field(max_length=64)
    version: int = Field(ge=1, le=9999)
    body: str = Field(min_length=1, max_length=4000)
    author: str = Field(default="reviewer", min_length=1, max_length=80)
    frame_in: int | None = Field(default=None, ge=0, le=9_999_999)
    frame_out: int | None = Field(default=None, ge=0, le=9_999_999)
    parent_id: int | None = Field(default=None, ge=1)
    drawing: list[Stroke] = Field(default=[], max_length=200)
    client_key: str | None = Field(default=None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class StatusIn(Body):
    shot: str = Field(max_length=64)
    version: int = Field(ge=1, le=9999)
    status: str
    author: str = Field(default="reviewer", min_length=1, max_length=80)


class ChangeIn(Body):
    shot: str = Field(max_length=64)
    version: int = Field(ge=1, le=9999)
    note: str = Field(min_length=1, max_length=2000)
    note_id: int | None = None
    author: str = Field(default="reviewer", min_length=1, max_length=80)


def create_app(state: ReviewState) -> FastAPI:
    app = FastAPI(title="plano review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.review = state
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(state.hosts))

    def need_token(x_plano_token: str | None = Header(default=None)) -> None:
        if not security.token_ok(x_plano_token, state.token):
            raise HTTPException(401, "writing needs the review token (printed when `plano review` started) in the "
                                     "X-Plano-Token header; open the page from the address it printed")

    @app.exception_handler(PlanoError)
    async def _plano_error(_request: Request, err: PlanoError) -> JSONResponse:
        return JSONResponse({"error": str(err)}, status_code=403 if isinstance(err, security.PathRefused) else 400)

    @app.exception_handler(HTTPException)
    async def _http_error(_request: Request, err: HTTPException) -> JSONResponse:
        return JSONResponse({"error": err.detail}, status_code=err.status_code)

    @app.exception_handler(FileNotFoundError)
    async def _missing(_request: Request, err: FileNotFoundError) -> JSONResponse:
        return JSONResponse({"error": f"{err} is not in the shots folder"}, status_code=404)

    from fastapi.exceptions import RequestValidationError

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, err: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in err.errors()][:10]
        return JSONResponse({"error": "the request is not valid: " + "; ".join(problems)}, status_code=422)

    def version_of(shot: str, version: int) -> catalog.Version:
        problem = shot_name_problem(shot)
        if problem:
            raise PlanoError(problem)
        root = state.shots_dir / shot / f"v{version:03d}"
        if not root.is_dir() or root.is_symlink():
            raise FileNotFoundError(f"{shot} v{version:03d}")
        return catalog.read_version(state.shots_dir, shot, version)

    def version_json(v: catalog.Version, prev: catalog.Version | None, statuses: dict) -> dict[str, Any]:
        st = statuses.get((v.shot, v.version), {})
        mid = v.frames[len(v.frames) // 2] if v.frames else None
        changes = (describe_changes(prev.spec if prev else None, v.spec) if v.spec is not None
                   else f"spec cannot be read: {v.spec_problem}")
        if prev is not None and prev.spec is None and v.spec is not None:
            changes = "the previous version's spec cannot be read"
        return {
            "shot": v.shot, "version": v.version, "name": v.name, "status": st.get("status", "pending_review"),
            "status_by": st.get("author"), "frames": [v.frames[0], v.frames[-1]] if v.frames else None,
            "frame_count": len(v.frames), "fps": v.fps, "changes": changes, "stage_seconds": v.stage_seconds,
            "delivered": v.delivered, "layers": proxies.layers_of(v.folders),
            "thumbnail": f"/api/frame/{v.shot}/{v.version}/{proxies.layers_of(v.folders)[0]}/{mid}.jpg?w=320"
            if mid else None,
            "files": {k: f"/files/{v.shot}/v{v.version:03d}/{name}" for k, name in v.files.items()},
            "prompt": v.spec.prompt if v.spec is not None else "",
        }

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/api/shots")
    def list_shots() -> dict[str, Any]:
        statuses = state.db.statuses()
        sequences: dict[str, list] = {}
        for shot in catalog.shots(state.shots_dir):
            vs = catalog.versions(state.shots_dir, shot)
            items = [version_json(v, vs[i + 1] if i + 1 < len(vs) else None, statuses) for i, v in enumerate(vs)]
            sequences.setdefault(catalog.sequence_of(shot), []).append({"shot": shot, "versions": items})
        return {"shots_dir": str(state.shots_dir), "sequences": [{"sequence": k, "shots": s}
                                                                  for k, s in sorted(sequences.items())]}

    @app.get("/api/frame/{shot}/{version}/{layer}/{frame}.{fmt}")
    def frame(shot: str, version: int, layer: str, frame: int, fmt: str, ev: float = 0.0, w: int = 0) -> Response:
        v = version_of(shot, version)
        if fmt not in ("jpg", "png"):
            raise PlanoError(f"frames are served as .jpg or .png, not .{fmt}")
        if not 0 <= w <= 8192:
            raise PlanoError(f"width {w} is out of range; expected 0 (as rendered) to 8192")
        data = proxies.frame_image(v.root, v.name, layer, frame, ev, w, "jpeg" if fmt == "jpg" else "png")
        return Response(data, media_type="image/jpeg" if fmt == "jpg" else "image/png",
                        headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/files/{path:path}")
    def files(path: str) -> FileResponse:
        # a served page (report.html) runs in a sandbox of its own: it cannot read the page's token or write
        return FileResponse(security.inside(state.shots_dir, path),
                            headers={"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"})

    @app.get("/api/notes")
    def notes(shot: str, version: int | None = None) -> dict[str, Any]:
        return {"notes": state.db.notes(shot, version)}

    @app.post("/api/notes", dependencies=[Depends(need_token)])
    def add_note(note: NoteIn) -> dict[str, Any]:
        v = version_of(note.shot, note.version)
        for f in (note.frame_in, note.frame_out):
            if f is not None and v.frames and not v.frames[0] <= f <= v.frames[-1]:
                raise PlanoError(f"frame {f} is not in {v.name} ({v.frames[0]}-{v.frames[-1]})")
        if note.frame_in is not None and note.frame_out is not None and note.frame_out < note.frame_in:
            raise PlanoError(f"the range {note.frame_in}-{note.frame_out} ends before it starts")
        return state.db.add_note(note.shot, note.version, note.author, note.body, note.frame_in, note.frame_out,
                                 note.parent_id, [s.model_dump() for s in note.drawing], note.client_key)

    @app.post("/api/status", dependencies=[Depends(need_token)])
    def set_status(body: StatusIn) -> dict[str, Any]:
        version_of(body.shot, body.version)
        if body.status not in STATUS_WORDS:
            raise PlanoError(f"status {body.status!r} is not known; expected one of {', '.join(STATUS_WORDS)}")
        return state.db.set_status(body.shot, body.version, body.status, body.author)

    @app.get("/api/audit")
    def audit(shot: str | None = None) -> dict[str, Any]:
        return {"audit": state.db.audit(shot)}

    def change_of(body: ChangeIn):
        from plano.review.note_change import note_change

        v = version_of(body.shot, body.version)
        if v.spec is None:
            raise PlanoError(f"{v.name} has no spec that can be read ({v.spec_problem}); a note cannot change it")
        return v, note_change(body.note, v.spec)

    @app.post("/api/note_preview", dependencies=[Depends(need_token)])
    def note_preview(body: ChangeIn) -> dict[str, Any]:
        _, change = change_of(body)
        return change.as_dict()

    @app.post("/api/next_version", dependencies=[Depends(need_token)])
    def next_version(body: ChangeIn) -> dict[str, Any]:
        from plano.review.jobs import start_job

        v, change = change_of(body)
        job, proc = start_job(state.db, state.db_path, state.shots_dir, change.spec, v.version, body.note_id,
                              body.author, state.quality)
        state.processes[job] = proc
        return {"job": job, **change.as_dict()}

    @app.get("/api/jobs")
    def jobs(shot: str | None = None) -> dict[str, Any]:
        out = state.db.jobs(shot)
        for j in out:  # a job whose process died without a word
            proc = state.processes.get(j["id"])
            if j["state"] in ("queued", "running") and proc is not None and not proc.is_alive() and proc.exitcode:
                state.db.update_job(j["id"], state="failed", message=f"the job's process ended (exit {proc.exitcode})")
                j["state"] = "failed"
        return {"jobs": out}

    def frame_for_sheet(shot: str, version: int, frame: int) -> bytes | None:
        try:
            v = version_of(shot, version)
            return proxies.frame_image(v.root, v.name, proxies.layers_of(v.folders)[0], frame, 0.0, 960)
        except (PlanoError, FileNotFoundError, IndexError):
            return None

    @app.get("/api/export/notes.csv")
    def export_csv(shot: str) -> PlainTextResponse:
        from plano.review.notes_export import notes_csv

        return PlainTextResponse(notes_csv(state.db.notes(shot), state.db.statuses()), media_type="text/csv",
                                 headers={"Content-Disposition": f'attachment; filename="{shot}_notes.csv"'})

    @app.get("/api/export/notes.html", response_class=HTMLResponse)
    def export_sheet(shot: str) -> HTMLResponse:
        from plano.review.notes_export import notes_sheet

        if shot_name_problem(shot):
            raise PlanoError(shot_name_problem(shot))
        return HTMLResponse(notes_sheet(f"{shot}: review notes", state.db.notes(shot), state.db.statuses(),
                                        frame_for_sheet))

    return app


def open_state(shots_dir: str | Path, token: str | None = None, quality: str = "previs",
               hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> ReviewState:
    """The server's state for a shots folder: its database (made or upgraded), the token (made if not given);
    ``hosts``: the Host names it answers to (``("*",)`` for any, with --allow-remote)."""
    root = catalog.check_shots_dir(shots_dir)
    db_path = root / DB_NAME
    db = ReviewDB.open(db_path)
    db.stop_stale_jobs()  # a job's process ends with the server that started it
    return ReviewState(root, db, db_path,
                       security.check_token_choice(token) if token else security.new_token(), quality, hosts)


def asgi(state: ReviewState):
    """The app wrapped in the body-size bound: what uvicorn serves."""
    return security.BodyLimit(create_app(state))
