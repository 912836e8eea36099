"""2D tracking of a hand-held plate with OpenCV: corner features (Shi-Tomasi), pyramidal Lucas-Kanade flow from
frame to frame, and a RANSAC similarity (shift, rotation, scale) per frame. The CG is moved by the same motion,
so it stays locked to the plate.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from plano.errors import MissingEngine, PlanoError


def _cv2():
    try:
        import cv2
    except ImportError as err:  # pragma: no cover
        raise MissingEngine("OpenCV", str(err), "pip install 'plano[comp]'  (or: pip install opencv-python-headless)") from None
    return cv2


def to_gray8(acescg: np.ndarray, scale: int = 1) -> np.ndarray:
    """(H, W, 3) ACEScg -> (H / scale, W / scale) uint8 for feature tracking (a log-like curve, so shadows have
    texture too)."""
    arr = np.asarray(acescg, np.float32)
    if scale > 1:
        import cv2

        arr = cv2.resize(arr, (arr.shape[1] // scale, arr.shape[0] // scale), interpolation=cv2.INTER_AREA)
    lum = arr @ np.array([0.2722, 0.6741, 0.0537], np.float32)
    v = np.log2(np.maximum(lum, 1e-4) / 0.18) / 12.0 + 0.6
    return (np.clip(v, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


class Tracker:
    """Frame-by-frame 2D tracking: ``step(gray)`` for each frame in order returns the 2x3 affine taking frame-0
    pixel positions to this frame's (identity for the first frame). ``scale``: the gray frames are this many times
    smaller than the frames the matrices are for (tracking at half resolution: the motion is scaled back)."""

    def __init__(self, max_features: int = 400, mask: np.ndarray | None = None, scale: int = 1):
        self.scale = scale
        self.cv2 = _cv2()
        self.max_features, self.mask = max_features, mask
        self.params = dict(maxCorners=max_features, qualityLevel=0.01, minDistance=8, blockSize=7)
        self.prev = None
        self.pts = None
        self.acc = np.eye(3)
        self.i = -1
        self.counts: list[int] = []
        self.residuals: list[float] = []
        self.max_shift = 0.0

    def step(self, cur: np.ndarray) -> np.ndarray:
        cv2 = self.cv2
        self.i += 1
        if self.prev is None:
            self.prev = cur
            self.pts = cv2.goodFeaturesToTrack(cur, mask=self.mask, **self.params)
            if self.pts is None or len(self.pts) < 8:
                raise PlanoError("the plate has too little texture to track (fewer than 8 features); set plate.track: "
                                 "false or give a plate with visible detail")
            return np.eye(2, 3)
        i = self.i
        nxt, status, _ = cv2.calcOpticalFlowPyrLK(self.prev, cur, self.pts, None, winSize=(21, 21), maxLevel=3)
        good = status.ravel() == 1
        a, b = self.pts[good].reshape(-1, 2), nxt[good].reshape(-1, 2)
        if len(a) < 6:
            raise PlanoError(f"lost the track at plate frame {i} (only {len(a)} features followed); the plate moves "
                             "too fast or is too blurred to 2D-track")
        m, inl = cv2.estimateAffinePartial2D(a, b, method=cv2.RANSAC, ransacReprojThreshold=1.5)
        if m is None:
            raise PlanoError(f"could not fit the plate's motion at frame {i}; set plate.track: false")
        inl = inl.ravel().astype(bool)
        self.acc = np.vstack([m, [0, 0, 1]]) @ self.acc
        pred = a[inl] @ m[:, :2].T + m[:, 2]
        self.residuals.append(float(np.sqrt(np.mean(np.sum((pred - b[inl]) ** 2, axis=1)))) if inl.any() else 0.0)
        self.counts.append(int(inl.sum()))
        pts = b[inl].reshape(-1, 1, 2).astype(np.float32)
        if len(pts) < self.max_features // 2:  # top up with new features
            fresh = cv2.goodFeaturesToTrack(cur, mask=self.mask, **self.params)
            if fresh is not None:
                pts = np.concatenate([pts, fresh.astype(np.float32)])[: self.max_features]
        self.pts, self.prev = pts, cur
        out = self.acc[:2].copy()
        out[:, 2] *= self.scale
        self.max_shift = max(self.max_shift, float(np.abs(out[:, 2]).max()))
        return out

    def facts(self) -> dict:
        return {"frames": self.i + 1, "min_inliers": min(self.counts) if self.counts else 0,
                "mean_residual_px": float(np.mean(self.residuals)) if self.residuals else 0.0,
                "max_shift_px": self.max_shift}


def track(frames: int, gray: Callable[[int], np.ndarray], max_features: int = 400,
          mask: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """(F, 2, 3) affine matrices taking frame-0 pixel positions to frame ``i`` positions, and facts (features,
    inliers, residual px). ``gray(i)`` gives frame ``i`` as (H, W) uint8; ``mask`` (H, W) uint8 limits where features
    are picked (e.g. away from where the CG will be)."""
    t = Tracker(max_features, mask)
    mats = np.stack([t.step(gray(i)) for i in range(frames)])
    return mats, t.facts()
