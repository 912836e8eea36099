"""Timings of `plano review`'s server: a display frame made from an EXR (per layer, cold), and 200 notes written
at once by 8 clients over HTTP on a real uvicorn server.

    PYTHONPATH=src python benchmarks/review_api.py /tmp/ref14/shots/SEQ010_SH010/v001
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from plano.review import catalog, proxies
from plano.schema.naming import RunFolder


def frame_times(run_folder: Path) -> None:
    run = RunFolder.at(run_folder)
    v = catalog.read_version(run.root.parent.parent, run.shot, run.version)
    frames = list(v.frames[:: max(1, len(v.frames) // 8)])[:8]
    print(f"display frames of {v.name} ({len(frames)} frames each, cold cache):")
    for layer in proxies.layers_of(v.folders):
        times = []
        for f in frames:
            proxies._encode.cache_clear()
            t = time.perf_counter()
            data = proxies.frame_image(v.root, v.name, layer, f)
            times.append(time.perf_counter() - t)
        print(f"  {layer:<12} {statistics.mean(times) * 1000:6.0f} ms mean, {max(times) * 1000:6.0f} ms max, "
              f"{len(data) // 1024} kB JPEG")
    proxies.frame_image(v.root, v.name, "comp", frames[0])
    t = time.perf_counter()
    proxies.frame_image(v.root, v.name, "comp", frames[0])
    print(f"  comp again (held in memory) {(time.perf_counter() - t) * 1e6:.0f} us")


def concurrent_notes(clients: int = 8, each: int = 25) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from review_fixtures import Server

    from plano.spec.io import save_spec
    from plano.spec.model import ShotSpec

    with tempfile.TemporaryDirectory() as tmp:
        shots = Path(tmp) / "shots"
        (shots / "SEQ010_SH010" / "v001").mkdir(parents=True)
        save_spec(ShotSpec(), shots / "SEQ010_SH010" / "v001" / "spec.yaml")
        with Server(shots) as s:
            barrier = threading.Barrier(clients)
            latencies: list[float] = []

            def client(k: int) -> None:
                with httpx.Client(base_url=s.url, headers={"X-Plano-Token": s.token}, timeout=60) as c:
                    barrier.wait()
                    for i in range(each):
                        t = time.perf_counter()
                        r = c.post("/api/notes", json={"shot": "SEQ010_SH010", "version": 1, "body": f"{k} {i}",
                                                       "client_key": f"c{k}-n{i:03d}-xx"})
                        latencies.append(time.perf_counter() - t)
                        assert r.status_code == 200, r.text

            threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
            landed = len(s.state.db.notes("SEQ010_SH010"))
        latencies.sort()
        print(f"{clients * each} notes from {clients} clients: {wall:.2f} s wall ({clients * each / wall:.0f} notes/s), "
              f"latency median {latencies[len(latencies) // 2] * 1000:.0f} ms, p95 "
              f"{latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms; {landed} landed")


if __name__ == "__main__":
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    frame_times(Path(sys.argv[1]))
    concurrent_notes()
