"""A headless OpenGL 4.5 context (EGL): Mesa llvmpipe on a CPU-only machine, the NVIDIA driver on a GPU.

Shared by the scene preview and the render stage; it knows nothing about what is drawn.
"""

from __future__ import annotations

import functools

from plano.errors import MissingEngine

_INSTALL = "apt-get install -y libegl1 libegl-mesa0 libgl1-mesa-dri && pip install 'plano[render]' (or run `make setup`)"


@functools.lru_cache(maxsize=1)
def headless_context():
    """The process's shared moderngl context (created once). Raises MissingEngine with how to install it."""
    try:
        import moderngl
    except ImportError:
        raise MissingEngine("opengl", "the Python package moderngl is not installed", _INSTALL) from None
    try:
        ctx = moderngl.create_standalone_context(require=450, backend="egl")
    except Exception as err:  # noqa: BLE001 - every backend failure reads the same to a user
        raise MissingEngine("opengl", f"no headless OpenGL 4.5 context through EGL ({err})", _INSTALL) from None
    return ctx


def renderer_name() -> str:
    ctx = headless_context()
    return f"{ctx.info['GL_RENDERER']} (OpenGL {ctx.version_code // 100}.{ctx.version_code % 100 // 10})"
