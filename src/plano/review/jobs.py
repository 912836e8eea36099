"""The next version, made from a note, rendering in the background: a separate process (the sim and render
hold the CPU; the page stays answering) that runs the shot through plano's own API and writes its progress to
the review database, where the page reads it."""

from __future__ import annotations

import multiprocessing
import time
import traceback
from pathlib import Path
from typing import Any

from plano.review.db import ReviewDB

PROGRESS_EVERY_S = 0.5


def start_job(db: ReviewDB, db_path: Path, shots_dir: Path, spec: Any, from_version: int, note_id: int | None,
              author: str, quality: str = "previs") -> tuple[int, multiprocessing.Process]:
    """Queue the spec as the shot's next version and start it; returns the job's id and its process."""
    job = db.add_job(spec.shot, from_version, note_id, author)
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=run_job, args=(str(db_path), job, spec.model_dump_json(), str(shots_dir), quality),
                       daemon=True, name=f"plano-review-job-{job}")
    proc.start()
    return job, proc


def run_job(db_path: str, job: int, spec_json: str, shots_dir: str, quality: str) -> None:
    """In the job's process: claim the version, run the shot, say how far it is."""
    from plano.budget import check_cost
    from plano.core.lock import release
    from plano.errors import PlanoError
    from plano.shot import open_run, run_shot, shot_graph
    from plano.spec.model import ShotSpec

    db = ReviewDB.open(db_path)
    spec = ShotSpec.model_validate_json(spec_json)
    try:
        check_cost(spec, quality, Path(shots_dir), False)
        run, lock = open_run(spec, shots_dir)
        release(lock)
        stages = shot_graph(spec, run.name, quality).names
        db.update_job(job, to_version=run.version, state="running", message=f"{run.name}: starting")
        last = [0.0]

        def factory(stage: str):
            k = stages.index(stage)

            def update(fraction: float, message: str = "") -> None:
                now = time.monotonic()
                if now - last[0] < PROGRESS_EVERY_S and fraction < 1.0:
                    return
                last[0] = now
                db.update_job(job, stage=stage, progress=(k + max(0.0, min(1.0, fraction))) / len(stages),
                              message=f"{stage}: {message}"[:300])

            return update

        run_shot(spec, quality=quality, progress=factory, run=run)
        db.update_job(job, state="done", progress=1.0, message=f"{run.name} delivered", finished=time.time())
    except PlanoError as err:
        db.update_job(job, state="failed", message=str(err)[:2000], finished=time.time())
    except Exception as err:  # a crash: say so on the page with its last lines
        tail = traceback.format_exc().strip().splitlines()[-3:]
        db.update_job(job, state="failed", message=f"crashed: {type(err).__name__}: {err} | {' | '.join(tail)}"[:2000],
                      finished=time.time())
