"""A small shots folder for the review tests: versions whose frames tell which frame and version they are.

Each version's comp and pass EXRs are flat colours: red = 0.02 x (frame - 1000), green 0.1, blue = 0.05 x version
(scene-linear ACEScg), so a test can tell from a pixel of the page which frame of which version it shows."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import numpy as np

from plano.io.exr import write_channels
from plano.schema.naming import frame_file, version_dir
from plano.spec.io import save_spec
from plano.spec.model import Camera, Format, Light, ShotSpec

SHOT = "SEQ010_SH010"
W, H = 320, 180
FRAMES = 12


def frame_rgb(frame: int, version: int) -> tuple[float, float, float]:
    return 0.02 * (frame - 1000), 0.1, 0.05 * version


def make_version(shots: Path, version: int, spec: ShotSpec, frames: int = FRAMES) -> Path:
    root = shots / spec.shot / version_dir(version)
    (root / ".plano").mkdir(parents=True, exist_ok=True)
    save_spec(spec, root / "spec.yaml")
    name = f"{spec.shot}_{version_dir(version)}"
    for f in range(1001, 1001 + frames):
        r, g, b = frame_rgb(f, version)
        ones = np.ones((H, W), np.float32)
        comp = {"R": ones * r, "G": ones * g, "B": ones * b, "A": ones}
        write_channels(root / "comp" / frame_file(name, f), comp)
        depth = np.tile(np.linspace(10, 100, W, dtype=np.float32), (H, 1))
        write_channels(root / "passes" / frame_file(name, f), {**comp, "depth.Z": depth, "dust.A": ones * 0.5})
    for stage, seconds in (("spec", 0.01), ("sim", 61.0), ("render", 52.0), ("comp", 14.0), ("deliver", 13.0)):
        (root / ".plano" / f"{stage}.json").write_text(json.dumps({"node": stage, "key": "k", "seconds": seconds}))
    (root / "report.html").write_text("<html><body>report</body></html>")
    return root


def make_shots(tmp: Path) -> Path:
    """``tmp/shots`` with v001 (35 mm, 15:30) and v002 (50 mm, 17:30) of SEQ010_SH010."""
    import datetime as dt

    shots = tmp / "shots"
    fmt = Format(duration_s=FRAMES / 24, width=W, height=H, aspect=W / H)
    make_version(shots, 1, ShotSpec(prompt="test shot", format=fmt))
    make_version(shots, 2, ShotSpec(prompt="test shot", format=fmt, camera=Camera(focal_length_mm=50.0),
                                    light=Light(local_time=dt.time(17, 30))))
    return shots


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The review app on a real uvicorn server in a thread, on a free port of 127.0.0.1."""

    def __init__(self, shots: Path, token: str = "test-token-0123456789abcdef"):
        import uvicorn

        from plano.review.app import asgi, open_state

        self.token, self.port = token, free_port()
        self.state = open_state(shots, token)
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(asgi(self.state), host="127.0.0.1", port=self.port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the review server did not start in 20 s")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
