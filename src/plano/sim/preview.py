"""A quick look at a simulation: chunks and the static scene drawn from the shot camera (OpenGL, flat
lambert shading under the sun, dust particles as grey points), to PNG frames or an H.264 mp4."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from plano.scene.model import Scene
from plano.sim.cache import SimCache
from plano.sim.solver import quat_to_matrix

_VS = """
#version 330
uniform mat4 mvp;
in vec3 in_pos; in vec3 in_nrm; in vec3 in_col;
out vec3 v_nrm; out vec3 v_col;
void main() { gl_Position = mvp * vec4(in_pos, 1.0); v_nrm = in_nrm; v_col = in_col; }
"""
_FS = """
#version 330
uniform vec3 sun;
in vec3 v_nrm; in vec3 v_col;
out vec4 f;
void main() {
    vec3 n = normalize(v_nrm);
    float l = max(dot(n, sun), 0.0);
    vec3 c = v_col * (0.25 + 0.2 * (0.5 + 0.5 * n.z) + 0.9 * l);
    f = vec4(pow(c, vec3(1.0 / 2.2)), 1.0);
}
"""
_PVS = """
#version 330
uniform mat4 mvp;
in vec3 in_pos;
void main() { gl_Position = mvp * vec4(in_pos, 1.0); gl_PointSize = 2.0; }
"""
_PFS = """
#version 330
out vec4 f;
void main() { f = vec4(0.75, 0.72, 0.66, 0.35); }
"""


def _tris(vertices: np.ndarray, faces: np.ndarray):
    tri = vertices[faces].reshape(-1, 3, 3)
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    return tri.reshape(-1, 3), np.repeat(n, 3, axis=0)


class Previewer:
    """Draws frames of ``cache`` over ``scene`` at ``width`` pixels wide."""

    def __init__(self, scene: Scene, cache: SimCache, width: int = 960):
        from plano.opengl import headless_context

        self.scene, self.cache = scene, cache
        cam = scene.camera
        self.w = int(width)
        self.h = int(round(width / cam.aspect)) // 2 * 2
        ctx = self.ctx = headless_context()
        self.prog = ctx.program(vertex_shader=_VS, fragment_shader=_FS)
        self.pprog = ctx.program(vertex_shader=_PVS, fragment_shader=_PFS)
        self.fbo = ctx.simple_framebuffer((self.w, self.h), components=4)
        # static scene
        pos, nrm, col = [], [], []
        for p in scene.parts:
            if p.dynamic:
                continue
            v, n = _tris(p.vertices, p.faces)
            pos.append(v), nrm.append(n)
            col.append(np.tile(scene.materials[p.material].base_color, (len(v), 1)))
        self.static = np.concatenate(pos), np.concatenate(nrm), np.concatenate(col)
        ch = cache.chunks
        cols = {m.id: m.base_color for m in scene.materials.values()}
        self.face_chunk = np.repeat(np.arange(ch.count), np.diff(ch.face_offsets))
        self.face_idx = ch.faces + np.repeat(ch.vertex_offsets[:-1], np.diff(ch.face_offsets))[:, None]
        self.vert_chunk = np.repeat(np.arange(ch.count), np.diff(ch.vertex_offsets))
        self.chunk_col = np.array([cols.get(int(m), (0.5, 0.5, 0.5)) for m in ch.material_ids])

    def draw(self, frame: int) -> np.ndarray:
        """(H, W, 3) uint8 image of ``frame``."""
        import moderngl

        ch = self.cache.chunks
        f = self.cache.frame(frame)
        R = quat_to_matrix(f.rotations.astype(np.float64))
        local = ch.vertices.astype(np.float64)
        if f.scales is not None:  # crushed members shrink to nothing
            local = local * f.scales.astype(np.float64)[self.vert_chunk, None]
        wv = np.einsum("nij,nj->ni", R[self.vert_chunk], local) + f.positions[self.vert_chunk]
        v, n = _tris(wv, self.face_idx)
        c = np.repeat(self.chunk_col[self.face_chunk], 3, axis=0)
        sp, sn, sc = self.static
        data = np.c_[np.r_[sp, v], np.r_[sn, n], np.r_[sc, c]].astype("f4")
        cam = self.scene.camera
        i = min(max(frame - int(cam.frames[0]), 0), len(cam.frames) - 1)
        proj = cam.projection_matrix(i).copy()
        proj[0, 0] = proj[1, 1] / (self.w / self.h)
        mvp = (proj @ cam.view_matrix(i)).astype("f4")
        ctx = self.ctx
        self.fbo.use()
        ctx.enable(moderngl.DEPTH_TEST)
        ctx.viewport = (0, 0, self.w, self.h)
        sky = self.scene.sky.horizon_color
        self.fbo.clear(*[float(x) ** (1 / 2.2) for x in sky], 1.0)
        self.prog["mvp"].write(mvp.T.tobytes())
        self.prog["sun"].value = tuple(float(x) for x in self.scene.sun.direction)
        vbo = ctx.buffer(data.tobytes())
        vao = ctx.vertex_array(self.prog, [(vbo, "3f 3f 3f", "in_pos", "in_nrm", "in_col")])
        vao.render(moderngl.TRIANGLES)
        vao.release(), vbo.release()
        pts = f.particles.positions
        if len(pts):
            ctx.enable(moderngl.BLEND | moderngl.PROGRAM_POINT_SIZE)
            ctx.blend_func = moderngl.SRC_ALPHA, moderngl.ONE_MINUS_SRC_ALPHA
            self.pprog["mvp"].write(mvp.T.tobytes())
            pb = ctx.buffer(np.asarray(pts, "f4").tobytes())
            pv = ctx.vertex_array(self.pprog, [(pb, "3f", "in_pos")])
            pv.render(moderngl.POINTS)
            pv.release(), pb.release()
            ctx.disable(moderngl.BLEND)
        img = np.frombuffer(self.fbo.read(components=3), np.uint8).reshape(self.h, self.w, 3)
        return img[::-1].copy()


def save_png(img: np.ndarray, path: str | Path) -> Path:
    from PIL import Image

    from plano.core.atomic import atomic_path

    with atomic_path(path) as tmp:
        Image.fromarray(img).save(tmp, format="PNG")
    return Path(path)


def write_preview(scene: Scene, cache: SimCache, path: str | Path, width: int = 960, progress=lambda f, m: None) -> Path:
    """An H.264 (yuv420p) mp4 of every cached frame at the shot's frame rate."""
    import av

    from plano.core.atomic import atomic_path

    pv = Previewer(scene, cache, width)
    frames = cache.frames
    with atomic_path(path) as tmp:
        with av.open(str(tmp), "w", format="mp4") as out:
            st = out.add_stream("libx264", rate=int(round(cache.info.fps)))
            st.width, st.height, st.pix_fmt = pv.w, pv.h, "yuv420p"
            st.options = {"crf": "20", "preset": "veryfast"}
            for k, fr in enumerate(frames):
                img = pv.draw(fr)
                for pkt in st.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                    out.mux(pkt)
                progress((k + 1) / len(frames), f"preview {fr}")
            for pkt in st.encode():
                out.mux(pkt)
    return Path(path)
