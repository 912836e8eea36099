"""Camera maths every stage shares: view matrices, their inverses, projections.

Conventions: world Z up, metres. Camera space is OpenGL's: the camera looks down -Z with +Y up and +X right.
Matrices are (4, 4) float64 numpy arrays for column vectors (``p_cam = view @ p_world``); to upload one to GL
transpose it (GL reads column-major). USD writes transforms for row vectors (``p' = p @ M``): use
``camera_to_world_usd``, the transpose of ``camera_to_world``.

Public: ``look_at``, ``camera_to_world``, ``camera_to_world_usd``, ``perspective``, ``ortho``.
"""

from __future__ import annotations

import numpy as np


def _basis(eye, target, up) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Camera right ``s``, up ``u`` and forward ``f`` (unit vectors, world space) and the eye as float64. When
    ``up`` is parallel to the view direction, world +Y stands in for it (a camera looking straight down)."""
    eye = np.asarray(eye, np.float64)
    f = np.asarray(target, np.float64) - eye
    f = f / np.linalg.norm(f)
    s = np.cross(f, np.asarray(up, np.float64))
    if np.linalg.norm(s) < 1e-6:
        s = np.cross(f, [0.0, 1.0, 0.0])
    s = s / np.linalg.norm(s)
    u = np.cross(s, f)
    return s, u, f, eye


def look_at(eye, target, up) -> np.ndarray:
    """(4, 4) world -> camera (view) matrix of an eye at ``eye`` (3,) looking at ``target`` (3,) with ``up`` (3,)
    roughly up: rows right, up, -forward (OpenGL: the camera looks down -Z, +Y up)."""
    s, u, f, eye = _basis(eye, target, up)
    m = np.eye(4)
    m[0, :3], m[1, :3], m[2, :3] = s, u, -f
    m[:3, 3] = -m[:3, :3] @ eye
    return m


def camera_to_world(eye, target, up) -> np.ndarray:
    """(4, 4) camera -> world matrix, the inverse of ``look_at``: columns right, up, -forward, eye."""
    s, u, f, eye = _basis(eye, target, up)
    m = np.eye(4)
    m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = s, u, -f, eye
    return m


def camera_to_world_usd(eye, target, up) -> np.ndarray:
    """(4, 4) camera -> world for USD's row-vector convention (``Gf.Matrix4d(m.tolist())``): rows right, up,
    -forward, eye. The transpose of ``camera_to_world``; a USD camera looks down its -Z, +Y up."""
    return camera_to_world(eye, target, up).T.copy()


def perspective(vertical_fov_rad: float, aspect: float, near_m: float, far_m: float) -> np.ndarray:
    """(4, 4) OpenGL perspective clip matrix (depth -1..1) for a vertical field of view in radians and
    ``aspect`` = width / height."""
    t = np.tan(vertical_fov_rad / 2.0)
    n, fa = near_m, far_m
    p = np.zeros((4, 4))
    p[0, 0] = 1.0 / (t * aspect)
    p[1, 1] = 1.0 / t
    p[2, 2] = -(fa + n) / (fa - n)
    p[2, 3] = -2.0 * fa * n / (fa - n)
    p[3, 2] = -1.0
    return p


def ortho(left: float, right: float, bottom: float, top: float, near: float, far: float) -> np.ndarray:
    """(4, 4) OpenGL orthographic clip matrix (``glOrtho``; depth -1..1), e.g. for a sun shadow map."""
    m = np.eye(4)
    m[0, 0], m[1, 1], m[2, 2] = 2 / (right - left), 2 / (top - bottom), -2 / (far - near)
    m[0, 3] = -(right + left) / (right - left)
    m[1, 3] = -(top + bottom) / (top - bottom)
    m[2, 3] = -(far + near) / (far - near)
    return m
