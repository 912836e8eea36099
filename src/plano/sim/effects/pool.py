"""A growable set of particles kept as parallel arrays (struct of arrays)."""

from __future__ import annotations

import numpy as np

BASE_FIELDS = {
    "pos": (3, np.float32),
    "vel": (3, np.float32),
    "size": ((), np.float32),
    "age": ((), np.float32),
    "life": ((), np.float32),
    "kind": ((), np.uint8),
    "ids": ((), np.int64),
}


class Pool:
    """Particles of one model (dust-like, ballistic, paper). ``a[name]`` is an array with one row per particle;
    the base fields are ``pos`` (N, 3) m, ``vel`` (N, 3) m/s, ``size`` m, ``age`` s, ``life`` s (age at which
    it is removed), ``kind`` uint8, ``ids`` int64; ``extra`` adds model-specific fields."""

    def __init__(self, extra: dict[str, tuple] | None = None):
        self.fields = {**BASE_FIELDS, **(extra or {})}
        self.a: dict[str, np.ndarray] = {}
        for k, (shape, dt) in self.fields.items():
            self.a[k] = np.zeros((0,) + ((shape,) if isinstance(shape, int) else shape), dt)

    def __len__(self) -> int:
        return len(self.a["ids"])

    def append(self, **arrays) -> None:
        missing = set(self.fields) - set(arrays)
        if missing:
            raise ValueError(f"new particles lack {sorted(missing)}")
        n = len(arrays["ids"])
        if n == 0:
            return
        for k, (shape, dt) in self.fields.items():
            new = np.asarray(arrays[k], dtype=dt)
            want = (n,) + ((shape,) if isinstance(shape, int) else shape)
            if new.shape != want:
                new = np.broadcast_to(new, want)
            self.a[k] = np.concatenate([self.a[k], new])

    def keep(self, mask: np.ndarray) -> None:
        if mask.all():
            return
        for k in self.a:
            self.a[k] = self.a[k][mask]

    def make_contiguous(self) -> None:
        for k in self.a:
            self.a[k] = np.ascontiguousarray(self.a[k])
