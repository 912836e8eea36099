"""OCIO processors on pictures through OpenGL: OCIO writes a processor as GLSL (the ACES output transform needs no
textures), one fullscreen pass applies it to a frame.

On a CPU-only machine the GL is Mesa's llvmpipe, which compiles the shader to vector code on every core: the ACES
display transform of a 1280x720 frame costs 78 ms of CPU against 169 ms through OCIO's CPU processor (``to_display``;
the movies convert every frame). The values agree with the CPU processor within 2e-4 (tests). Everything GL lives on
one thread of its own with its own context, so any thread may call :func:`apply`; without a headless OpenGL context
:func:`available` is False and ``to_display`` uses the CPU processor.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

MIN_PIXELS = 256 * 256
"""Smaller pictures go through the CPU processor (the upload and read-back would cost more)."""

_VERTEX = """#version 400 core
void main() {
    vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
    gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
"""
_FRAGMENT = """#version 400 core
uniform sampler2D u_src;
out vec3 o_color;
{ocio}
void main() {{
    vec4 c = texelFetch(u_src, ivec2(gl_FragCoord.xy), 0);
    o_color = OCIOApply(vec4(c.rgb, 1.0)).rgb;
}}
"""

_lock = threading.Lock()
_state: dict = {}


def _gl_thread() -> ThreadPoolExecutor:
    """The one thread that owns this process's GL context. A child forked from a process that had one gets a
    thread of its own and no GL (the parent's thread does not exist there, and EGL does not start again in a
    forked child): it converts on the CPU."""
    with _lock:
        if _state.get("pid") != os.getpid():
            parent_had_gl = _state.get("ctx") is not None
            _state.clear()
            _state["pid"] = os.getpid()
            _state["thread"] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plano-ocio-gl")
            if parent_had_gl:
                _state["ctx"] = None
        return _state["thread"]


def _shader_text(processor) -> str | None:
    """OCIO's GLSL for ``processor`` (an OCIO Processor), or None when it needs textures or uniforms."""
    import PyOpenColorIO as OCIO

    desc = OCIO.GpuShaderDesc.CreateShaderDesc(language=OCIO.GPU_LANGUAGE_GLSL_4_0, functionName="OCIOApply",
                                               resourcePrefix="ocio_")
    processor.getDefaultGPUProcessor().extractGpuShaderInfo(desc)
    if list(desc.getTextures()) or list(desc.get3DTextures()) or list(desc.getUniforms()):
        return None
    return desc.getShaderText()


def _context():
    """This thread's GL context (created on the GL thread on first use), or None without one."""
    if "ctx" not in _state:
        try:
            import moderngl

            _state["ctx"] = moderngl.create_standalone_context(require=400, backend="egl")
        except Exception:  # noqa: BLE001 - no headless GL here: the CPU processor does the work
            _state["ctx"] = None
    return _state["ctx"]


def _program(key: str, text: str):
    progs = _state.setdefault("programs", {})
    if key not in progs:
        ctx = _context()
        prog = ctx.program(vertex_shader=_VERTEX, fragment_shader=_FRAGMENT.format(ocio=text))
        progs[key] = (prog, ctx.vertex_array(prog, []))
    return progs[key]


def _targets(w: int, h: int):
    t = _state.get("targets")
    if t is None or t[0] != (w, h):
        if t is not None:
            for obj in t[1:]:
                obj.release()
        ctx = _context()
        src = ctx.texture((w, h), 3, dtype="f4")
        dst = ctx.texture((w, h), 3, dtype="f4")
        fbo = ctx.framebuffer([dst])
        t = _state["targets"] = ((w, h), src, dst, fbo)
    return t


def _run(key: str, text: str, rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    prog, vao = _program(key, text)
    _, src, _, fbo = _targets(w, h)
    src.write(np.ascontiguousarray(rgb, np.float32).tobytes())
    src.use(0)
    prog["u_src"].value = 0
    fbo.use()
    vao.render(vertices=3)
    out = np.empty((h, w, 3), np.float32)
    fbo.read_into(out, components=3, dtype="f4")
    return out


def available() -> bool:
    """Whether a headless OpenGL context can be made here (tried once per process)."""
    return _gl_thread().submit(_context).result() is not None


def apply(key: str, processor, rgb: np.ndarray) -> np.ndarray | None:
    """``processor`` (an OCIO Processor, ``key`` naming it) applied to ``rgb`` (H, W, 3) float32 on the GPU; None
    when it cannot be (no GL context, a picture too small, a processor that needs textures)."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.shape[0] * rgb.shape[1] < MIN_PIXELS or not available():
        return None
    thread = _gl_thread()
    with _lock:
        texts = _state.setdefault("texts", {})
        if key not in texts:
            texts[key] = _shader_text(processor)
        text = texts[key]
    if text is None:
        return None
    return thread.submit(_run, key, text, rgb).result()
