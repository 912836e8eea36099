"""The review server's API on a real uvicorn server: writes need the token, files stay inside the shots folder,
request sizes are bounded, 200 notes written at once by 8 clients all land exactly once."""

from __future__ import annotations

import io
import os
import threading

import httpx
import numpy as np
import pytest
from PIL import Image

pytest.importorskip("fastapi", reason="the review server needs fastapi: pip install 'plano[review]'")
pytest.importorskip("uvicorn", reason="the review server needs uvicorn: pip install 'plano[review]'")

from review_fixtures import SHOT, Server, frame_rgb, make_shots  # noqa: E402

from plano.color import to_8bit  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("review")
    shots = make_shots(tmp)
    (tmp / "secret.txt").write_text("TOP-SECRET-CONTENT")
    os.symlink(tmp / "secret.txt", shots / SHOT / "v001" / "escape.txt")
    os.symlink(tmp, shots / SHOT / "v001" / "escape_dir")
    with Server(shots) as s:
        s.tmp = tmp
        yield s


def writer(s, **kw):
    return httpx.Client(base_url=s.url, headers={"X-Plano-Token": s.token}, timeout=30, **kw)


def note(**kw):
    return {"shot": SHOT, "version": 1, "body": "dust reads too thin here", "author": "sup", "frame_in": 1005,
            "frame_out": 1005, **kw}


def test_writes_without_the_token_are_refused_and_change_nothing(server):
    before = httpx.get(f"{server.url}/api/notes", params={"shot": SHOT}).json()["notes"]
    for headers in ({}, {"X-Plano-Token": "wrong-token-0123456789"}, {"X-Plano-Token": ""}):
        for path, body in (("/api/notes", note()), ("/api/status", {"shot": SHOT, "version": 1, "status": "approved"}),
                           ("/api/next_version", {"shot": SHOT, "version": 1, "note": "try 50mm"})):
            r = httpx.post(server.url + path, json=body, headers=headers)
            assert r.status_code == 401, (path, headers, r.text)
            assert "token" in r.json()["error"]
    assert httpx.get(f"{server.url}/api/notes", params={"shot": SHOT}).json()["notes"] == before
    assert (SHOT, 1) not in server.state.db.statuses()
    assert server.state.db.jobs() == []


@pytest.mark.parametrize("path", [
    "SEQ010_SH010/v001/../../../secret.txt",
    "SEQ010_SH010/v001/%2e%2e/%2e%2e/%2e%2e/secret.txt",
    "SEQ010_SH010/v001/%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret.txt",
    "SEQ010_SH010/v001/%252e%252e/%252e%252e/%252e%252e/secret.txt",
    "SEQ010_SH010/v001/..%2f..%2f..%2fsecret.txt",
    "SEQ010_SH010/v001/escape.txt",
    "SEQ010_SH010/v001/escape_dir/secret.txt",
    ".review/review.db",
    "SEQ010_SH010/v001/.plano/sim.json",
    "%2fetc%2fpasswd",
])
def test_paths_outside_the_shots_folder_are_refused(server, path):
    r = httpx.get(f"{server.url}/files/{path}")
    assert r.status_code in (403, 404), r.text
    assert "TOP-SECRET" not in r.text


def test_a_file_inside_is_served_and_the_refusals_say_why(server):
    r = httpx.get(f"{server.url}/files/SEQ010_SH010/v001/report.html")
    assert r.status_code == 200 and b"report" in r.content
    r = httpx.get(f"{server.url}/files/SEQ010_SH010/v001/escape.txt")
    assert r.status_code == 403 and "outside the shots folder" in r.json()["error"]
    r = httpx.get(f"{server.url}/files/SEQ010_SH010/v001/%2e%2e/v002/report.html")
    assert r.status_code == 403 and "'..'" in r.json()["error"]
    assert httpx.get(f"{server.url}/files/SEQ010_SH010/v001/nothing.mov").status_code == 404


def test_served_pages_are_sandboxed_and_other_host_names_refused(server):
    r = httpx.get(f"{server.url}/files/SEQ010_SH010/v001/report.html")
    assert r.headers["content-security-policy"] == "sandbox" and r.headers["x-content-type-options"] == "nosniff"
    r = httpx.get(f"{server.url}/api/shots", headers={"Host": "evil.example:80"})  # DNS rebinding
    assert r.status_code == 400
    assert httpx.get(f"http://localhost:{server.port}/api/shots").status_code == 200


def test_200_concurrent_notes_from_8_clients_land_exactly_once(server):
    barrier = threading.Barrier(8)
    errors: list[str] = []

    def client(k: int) -> None:
        with writer(server) as c:
            barrier.wait()
            for i in range(25):
                body = note(version=2, body=f"client {k} note {i}", client_key=f"client{k}-note{i:02d}")
                r = c.post("/api/notes", json=body)
                if i % 5 == 0:  # a retried request (same client key) must not land twice
                    r = c.post("/api/notes", json=body)
                if r.status_code != 200:
                    errors.append(r.text)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    notes = httpx.get(f"{server.url}/api/notes", params={"shot": SHOT, "version": 2}).json()["notes"]
    bodies = [n["body"] for n in notes if n["body"].startswith("client ")]
    assert len(bodies) == 200 and len(set(bodies)) == 200
    assert {f"client {k} note {i}" for k in range(8) for i in range(25)} == set(bodies)
    audit = [a for a in server.state.db.audit(SHOT) if a["action"] == "note" and a["version"] == 2]
    assert len(audit) == 200
    with server.state.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_request_sizes_are_bounded(server):
    with writer(server) as c:
        r = c.post("/api/notes", content=b'{"body": "' + b"x" * 300_000 + b'"}',
                   headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and "larger than" in r.json()["error"]

        def chunks():  # no Content-Length: counted as it streams
            for _ in range(40):
                yield b"x" * 10_000

        r = c.post("/api/notes", content=chunks(), headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        r = c.post("/api/notes", json=note(body="x" * 4001))
        assert r.status_code == 422 and "body" in r.json()["error"]
        r = c.post("/api/notes", json=note(drawing=[{"points": [[0.5, 0.5]] * 20_001}]))
        assert r.status_code in (413, 422)
        r = c.post("/api/notes", json=note(unknown_key=1))
        assert r.status_code == 422


def test_bad_notes_get_one_message(server):
    with writer(server) as c:
        for body, words in ((note(frame_in=2000, frame_out=2000), "not in"),
                            (note(frame_in=1006, frame_out=1004), "ends before"),
                            (note(shot="bad/../name"), "SEQ_SHOT"),
                            (note(version=9), "not in the shots folder"),
                            (note(parent_id=999999), "to reply to"),
                            (note(drawing=[{"color": "red;x", "points": [[0, 0]]}]), "color")):
            r = c.post("/api/notes", json=body)
            assert r.status_code in (400, 404, 422), r.text
            assert words in r.json()["error"], (words, r.json())


def test_threaded_reply_status_and_audit_trail(server):
    with writer(server) as c:
        first = c.post("/api/notes", json=note(body="the roof line drops too early",
                                               drawing=[{"color": "#ff0000", "width": 4,
                                                         "points": [[0.1, 0.1], [0.5, 0.4]]}])).json()
        reply = c.post("/api/notes", json=note(body="agreed", author="director", parent_id=first["id"])).json()
        assert reply["parent_id"] == first["id"]
        assert c.post("/api/status", json={"shot": SHOT, "version": 1, "status": "needs_changes", "author": "sup"}).status_code == 200
        assert c.post("/api/status", json={"shot": SHOT, "version": 1, "status": "approved", "author": "director"}).status_code == 200
        r = c.post("/api/status", json={"shot": SHOT, "version": 1, "status": "lovely"})
        assert r.status_code == 400 and "approved" in r.json()["error"]
    stored = {n["id"]: n for n in httpx.get(f"{server.url}/api/notes", params={"shot": SHOT, "version": 1}).json()["notes"]}
    assert stored[first["id"]]["drawing"] == [{"color": "#ff0000", "width": 4.0, "points": [[0.1, 0.1], [0.5, 0.4]]}]
    audit = httpx.get(f"{server.url}/api/audit", params={"shot": SHOT}).json()["audit"]
    changes = [(a["author"], a["detail"]["from"], a["detail"]["to"]) for a in audit if a["action"] == "status"]
    assert changes[-2:] == [("sup", "pending_review", "needs_changes"), ("director", "needs_changes", "approved")]
    listed = httpx.get(f"{server.url}/api/shots").json()["sequences"][0]["shots"][0]["versions"]
    assert [v["version"] for v in listed] == [2, 1]  # newest first
    assert listed[1]["status"] == "approved" and listed[0]["changes"] == "lens 35 -> 50 mm, hour 15:30 -> 17:30"
    assert listed[0]["stage_seconds"]["sim"] == 61.0


def test_frames_are_the_frame_asked_for_through_the_display_view(server):
    for frame in (1001, 1007):
        r = httpx.get(f"{server.url}/api/frame/{SHOT}/2/comp/{frame}.png")
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        px = np.asarray(Image.open(io.BytesIO(r.content)).convert("RGB"))[90, 160]
        expected = to_8bit(np.array([[frame_rgb(frame, 2)]], np.float32))[0, 0]
        assert np.abs(px.astype(int) - expected).max() <= 1, (frame, px, expected)
    dark = np.asarray(Image.open(io.BytesIO(httpx.get(f"{server.url}/api/frame/{SHOT}/2/comp/1007.png").content)))
    bright = np.asarray(Image.open(io.BytesIO(httpx.get(f"{server.url}/api/frame/{SHOT}/2/comp/1007.png?ev=2").content)))
    assert bright.mean() > dark.mean() + 20
    depth = np.asarray(Image.open(io.BytesIO(httpx.get(f"{server.url}/api/frame/{SHOT}/2/depth/1007.png").content)).convert("L"))
    assert depth[90, 10] > depth[90, 300] + 100  # near is bright
    jpg = httpx.get(f"{server.url}/api/frame/{SHOT}/2/beauty/1003.jpg?w=160")
    assert Image.open(io.BytesIO(jpg.content)).size == (160, 90)
    for url, words in ((f"/api/frame/{SHOT}/2/wireframe/1003.jpg", "layer"),
                       (f"/api/frame/{SHOT}/2/comp/5000.jpg", "no comp file"),
                       (f"/api/frame/{SHOT}/2/comp/1003.jpg?ev=99", "exposure"),
                       (f"/api/frame/{SHOT}/2/comp/1003.gif", ".jpg or .png"),
                       (f"/api/frame/{SHOT}/7/comp/1003.jpg", "not in the shots folder"),
                       (f"/api/frame/{SHOT}/2/comp/1003.jpg?w=-5", "width")):
        r = httpx.get(server.url + url)
        assert r.status_code in (400, 404) and words in r.json()["error"], (url, r.text)


def test_a_note_previews_its_spec_change(server):
    with writer(server) as c:
        r = c.post("/api/note_preview", json={"shot": SHOT, "version": 1,
                                              "note": "try 50mm, later in the afternoon, start the collapse a second later"})
        assert r.status_code == 200, r.text
        assert r.json()["changes"] == ["lens 35 -> 50 mm", "time of day afternoon -> golden hour",
                                       "hour 15:30 -> 17:30", "collapse start 1 -> 2 s"]
        r = c.post("/api/note_preview", json={"shot": SHOT, "version": 1, "note": "purple elephants"})
        assert r.status_code == 400 and "changes nothing" in r.json()["error"]


def test_notes_export_to_csv_and_a_sheet(server):
    with writer(server) as c:
        c.post("/api/notes", json=note(body="=HYPERLINK(\"http://x\") <script>alert(1)</script>",
                                       drawing=[{"points": [[0.2, 0.2], [0.8, 0.8]]}]))
    csv_text = httpx.get(f"{server.url}/api/export/notes.csv", params={"shot": SHOT}).text
    assert csv_text.splitlines()[0].startswith("id,shot,version,frame_in")
    assert "'=HYPERLINK" in csv_text
    sheet = httpx.get(f"{server.url}/api/export/notes.html", params={"shot": SHOT}).text
    assert "<script>alert" not in sheet and "&lt;script&gt;" in sheet
    assert "<polyline points=\"200.0,200.0 800.0,800.0\"" in sheet and "data:image/jpeg;base64," in sheet
