"""The simulation cache on disk: ``sim/chunks.npz``, one ``sim/frame.NNNN.npz`` per frame, ``sim/info.json``.

Every file is written to a temporary name and renamed (plano.core.atomic_path). ``info.json`` is written
last, so a folder with it is a complete cache. Chunk positions are float64, rotations float32 (x, y, z, w),
velocities float32, particles float32, the dust grid float16.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np

from plano.core.atomic import atomic_path, atomic_write_text
from plano.errors import PlanoError
from plano.schema.naming import frame_file
from plano.sim.model import Chunks, DustGrid, Particles, SimFrame, SimInfo

_CHUNK_FIELDS = ("vertices", "faces", "vertex_offsets", "face_offsets", "material_ids", "part_index", "mass_kg",
                 "rest_position")


def _savez(path: Path, **arrays) -> None:
    """Like np.savez (deflated), but with fixed zip timestamps: the same arrays give the same bytes."""
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for name, arr in arrays.items():
                buf = io.BytesIO()
                np.lib.format.write_array(buf, np.asanyarray(arr), allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, buf.getvalue(), compresslevel=1)


def empty_particles() -> Particles:
    return Particles(np.zeros((0, 3), np.float32), np.zeros((0, 3), np.float32), np.zeros(0, np.float32),
                     np.zeros(0, np.float32), np.zeros(0, np.uint8), np.zeros(0, np.int64))


class SimCacheWriter:
    """Writes a cache into ``<out_dir>/sim``."""

    def __init__(self, out_dir: str | Path):
        self.dir = Path(out_dir) / "sim"
        self.dir.mkdir(parents=True, exist_ok=True)

    def frame_path(self, frame: int) -> Path:
        return self.dir / frame_file("frame", frame, "npz")

    def write_chunks(self, chunks: Chunks) -> None:
        _savez(self.dir / "chunks.npz", **{f: getattr(chunks, f) for f in _CHUNK_FIELDS})

    def write_frame(self, f: SimFrame) -> None:
        p = f.particles
        arrays = dict(
            frame=np.int64(f.frame), positions=np.asarray(f.positions, np.float64),
            rotations=np.asarray(f.rotations, np.float32), velocities=np.asarray(f.velocities, np.float32),
            bonds_broken=np.int64(f.bonds_broken),
            **({} if f.scales is None else {"scales": np.asarray(f.scales, np.float32)}),
            p_positions=np.asarray(p.positions, np.float32), p_velocities=np.asarray(p.velocities, np.float16),
            p_sizes_m=np.asarray(p.sizes_m, np.float16), p_ages_s=np.asarray(p.ages_s, np.float16),
            p_kinds=np.asarray(p.kinds, np.uint8), p_ids=np.asarray(p.ids, np.int64),
        )
        if f.dust is not None:
            arrays.update(dust_origin=np.asarray(f.dust.origin, np.float64), dust_cell_m=np.float64(f.dust.cell_m),
                          dust_density=np.asarray(f.dust.density, np.float16))
            if f.dust.temperature is not None:
                arrays["dust_temperature"] = np.asarray(f.dust.temperature, np.float16)
            if getattr(f.dust, "smoke", None) is not None:
                arrays["dust_smoke"] = np.asarray(f.dust.smoke, np.float16)
        _savez(self.frame_path(f.frame), **arrays)

    def write_info(self, info: SimInfo, extra: dict | None = None) -> None:
        d = dict(fps=info.fps, frame_start=info.frame_start, frame_count=info.frame_count, engine=info.engine,
                 seed=info.seed, bonds_total=info.bonds_total, seconds=info.seconds)
        if extra:
            d["extra"] = extra
        atomic_write_text(self.dir / "info.json", json.dumps(d, indent=1, sort_keys=True))


class SimCache:
    """Reads a cache written by :func:`plano.sim.run.run_sim` from ``<out_dir>/sim``."""

    def __init__(self, out_dir: str | Path):
        self.dir = Path(out_dir) / "sim"
        info = self.dir / "info.json"
        if not info.exists():
            raise PlanoError(
                f"no complete simulation cache in {self.dir} (no info.json); run `plano sim` to write one"
            )
        try:
            d = json.loads(info.read_text(encoding="utf-8"))
            if not isinstance(d, dict):
                raise ValueError("not a JSON object")
        except (ValueError, UnicodeDecodeError) as err:
            raise PlanoError(f"the sim cache's {info} is damaged ({err}); run the shot again to re-simulate "
                             "(`plano sim`)") from None
        self.document: dict = json.loads(json.dumps(d))
        """``info.json`` as written: what the report and provenance show of the sim."""
        self.extra: dict = d.pop("extra", {})
        try:
            self.info = SimInfo(**d)
        except TypeError as err:
            raise PlanoError(f"the sim cache's {info} does not describe a cache ({err}); run the shot again to "
                             "re-simulate (`plano sim`)") from None
        self._chunks: Chunks | None = None

    @property
    def chunks(self) -> Chunks:
        if self._chunks is None:
            path = self.dir / "chunks.npz"
            try:
                with np.load(path) as z:
                    self._chunks = Chunks(**{f: z[f] for f in _CHUNK_FIELDS})
            except _DAMAGE as err:
                raise damaged_file(path, err) from None
        return self._chunks

    @property
    def frames(self) -> list[int]:
        return list(range(self.info.frame_start, self.info.frame_start + self.info.frame_count))

    def frame(self, n: int, effects: bool = True) -> SimFrame:
        """Frame ``n``; ``effects=False``: the chunks only (no particles, no dust grid read: a few hundred
        kilobytes instead of several megabytes a frame, for what measures the rigid bodies)."""
        path = self.dir / frame_file("frame", n, "npz")
        if not path.exists():
            raise PlanoError(f"frame {n} is not in the cache {self.dir} (frames {self.frames[0]}..{self.frames[-1]})")
        return read_frame(path, effects)


_DAMAGE = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error)
"""What numpy and zipfile raise for a truncated or changed .npz."""


def damaged_file(path: Path, err: BaseException, frame: int | None = None) -> PlanoError:
    what = f"sim frame {frame} ({path})" if frame is not None else f"sim file {path}"
    return PlanoError(f"{what} is damaged or truncated ({type(err).__name__}: {err}); run the same command again: "
                      "the sim stage finds it by its checksum and simulates again")


def read_frame(path: Path, effects: bool = True) -> SimFrame:
    """One frame of the cache (``effects=False``: its chunks only); a damaged file is a PlanoError naming it and
    its frame."""
    m = re.search(r"\.(\d+)\.npz$", str(path))
    try:
        return _read_frame(path, effects)
    except _DAMAGE as err:
        raise damaged_file(Path(path), err, int(m.group(1)) if m else None) from None


def _read_frame(path: Path, effects: bool = True) -> SimFrame:
    with np.load(path) as z:
        if not effects:
            return SimFrame(int(z["frame"]), z["positions"], z["rotations"], z["velocities"], empty_particles(),
                            None, int(z["bonds_broken"]), z["scales"] if "scales" in z else None)
        dust = None
        if "dust_density" in z:
            temp = z["dust_temperature"].astype(np.float32) if "dust_temperature" in z else None
            extra = {"smoke": z["dust_smoke"].astype(np.float32)} if "dust_smoke" in z else {}
            dust = DustGrid(z["dust_origin"], float(z["dust_cell_m"]), z["dust_density"].astype(np.float32), temp,
                            **extra)
        f32 = lambda k: z[k].astype(np.float32)  # noqa: E731
        parts = Particles(z["p_positions"], f32("p_velocities"), f32("p_sizes_m"), f32("p_ages_s"), z["p_kinds"],
                          z["p_ids"])
        return SimFrame(int(z["frame"]), z["positions"], z["rotations"], z["velocities"], parts, dust,
                        int(z["bonds_broken"]), z["scales"] if "scales" in z else None)


def complete_frames(out_dir: str | Path) -> list[int]:
    """Frame numbers already written under ``<out_dir>/sim`` (complete files only: temporaries are ignored)."""
    d = Path(out_dir) / "sim"
    if not d.exists():
        return []
    return sorted(int(m.group(1)) for p in d.iterdir() if (m := re.fullmatch(r"frame\.(\d+)\.npz", p.name)))
