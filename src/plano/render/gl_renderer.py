"""The OpenGL renderer: one shot's scene and chunks uploaded once, then one call per frame.

Passes per frame (all on the shared headless context, :func:`plano.opengl.headless_context`):
1. sun shadow map (orthographic, fitted to the hero building and the street around it);
2. geometry buffer: albedo/roughness, world normal/metallic, world position/view depth, ids and motion vectors,
   transmission/cavity; static parts, chunks (one draw call, per-chunk matrices in an SSBO), particles
   (one instanced draw call);
3. dust: a light volume (compute shader: sun and sky transmittance through the dust, geometry shadow), then a
   single-scatter ray-march of the density grid that stops at the opaque depth;
4. deferred lighting and compositing (GGX + Lambert, PCF shadows, hemispherical sky with SSAO, glass, haze,
   sky and sun disc, dust over it);
5. lens: depth of field (oval bokeh for anamorphic), motion blur along the vectors, anamorphic streaks.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from importlib import resources

import numpy as np

from plano.errors import PlanoError
from plano.opengl import headless_context
from plano.render import geometry as geo
from plano.render.quality import RenderSettings
from plano.scene.model import Scene, look_at
from plano.sim.model import Chunks, DustGrid, Particles

PASS_NAMES = ("beauty", "alpha", "depth", "normal", "object_id", "material_id", "motion", "dust", "dust_rgb",
              "dust_plate")


@functools.lru_cache(maxsize=None)
def _shader_text(name: str) -> str:
    return resources.files("plano.render").joinpath("shaders", name).read_text()


def _src(name: str, common: bool = True) -> str:
    head = "#version 450 core\n"
    return head + (_shader_text("common.glsl") if common else "") + "\n#line 1\n" + _shader_text(name)


class Program:
    """A GL program (or compute shader) that remembers which of its uniforms were set. Drawing with it while a
    uniform that the program reads was never set is an error naming the program and the uniform: GL would
    silently read zero (a sampler would read texture unit 0). A name the compiler removed may be set freely."""

    def __init__(self, label: str, prog):
        self.label, self.prog = label, prog
        self.set_names: set[str] = set()
        self.uniforms = frozenset(n for n in prog if type(prog[n]).__name__ == "Uniform")

    def __getitem__(self, name: str):
        return self.prog[name]

    def check(self) -> None:
        missing = sorted(self.uniforms - self.set_names)
        if missing:
            raise PlanoError(
                f"GL program {self.label}: uniform {', '.join(missing)} is read but never set; set it before drawing "
                "(a renderer bug: please report it)"
            )

    def run(self, *groups: int) -> None:
        self.check()
        self.prog.run(*groups)


class CheckedVertexArray:
    """A vertex array whose draws first check its program's uniforms (:class:`Program`)."""

    def __init__(self, vao, program: Program):
        self.vao, self.program = vao, program

    def render(self, *args, **kwargs) -> None:
        self.program.check()
        self.vao.render(*args, **kwargs)


def _set(prog: Program, name: str, value) -> None:
    """Set a uniform if the compiler kept it, and remember that it was set."""
    try:
        member = prog[name]
    except KeyError:
        return
    prog.set_names.add(name)
    if isinstance(value, np.ndarray):
        member.write(np.ascontiguousarray(value, np.float32).tobytes())
    else:
        member.value = value


def _mat(m: np.ndarray) -> np.ndarray:
    """Row-major numpy (4, 4) -> column-major bytes order for GL."""
    return np.ascontiguousarray(np.asarray(m, np.float64).T, np.float32)


def _ortho(l, r, b, t, n, f) -> np.ndarray:
    m = np.eye(4)
    m[0, 0], m[1, 1], m[2, 2] = 2 / (r - l), 2 / (t - b), -2 / (f - n)
    m[0, 3], m[1, 3], m[2, 3] = -(r + l) / (r - l), -(t + b) / (t - b), -(f + n) / (f - n)
    return m


def _noise_plane(n: int = 256, seed: int = 11) -> np.ndarray:
    """(n, n, 4) float32 tileable fbm noise (mean 0.5): four independent channels, 32 units across."""
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng(seed)
    out = np.zeros((n, n, 4), np.float32)
    for c in range(4):
        acc = np.zeros((n, n))
        for k, sigma in enumerate((6.0, 3.0, 1.5, 0.75)):
            o = gaussian_filter(rng.standard_normal((n, n)), sigma, mode="wrap")
            acc += 0.5 ** k * o / o.std()
        out[..., c] = np.clip(0.5 + 0.17 * acc / acc.std(), 0.0, 1.0)
    return out


def _noise_volume(n: int = 32, seed: int = 7) -> np.ndarray:
    """(n, n, n) float32 tileable smooth noise in 0..1 (two octaves)."""
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng(seed)
    a = gaussian_filter(rng.random((n, n, n)), 2.0, mode="wrap")
    b = gaussian_filter(rng.random((n, n, n)), 1.0, mode="wrap")
    v = a / a.std() + 0.5 * b / b.std()
    v = (v - v.min()) / (v.max() - v.min())
    return v.astype(np.float32)


@dataclass(frozen=True)
class FrameInput:
    """What changes per frame. ``chunk_*`` (C, 3)/(C, 4) for this frame and the frame motion is measured to
    (``other_sign`` +1: the next frame; -1: the previous one, used on the last frame)."""

    index: int
    chunk_positions: np.ndarray | None = None
    chunk_rotations: np.ndarray | None = None
    other_positions: np.ndarray | None = None
    other_rotations: np.ndarray | None = None
    other_index: int | None = None
    particles: Particles | None = None
    dust: DustGrid | None = None
    time_s: float = 0.0
    chunk_scales: np.ndarray | None = None
    """(C,) how big each chunk is drawn (a crushed member shrinks to nothing); None: all 1."""
    other_scales: np.ndarray | None = None


class Renderer:
    """Holds the GPU state of one shot. ``chunks`` None draws every part from the scene (no simulation)."""

    def __init__(self, scene: Scene, settings: RenderSettings, chunks: Chunks | None = None):
        self.scene, self.settings, self.chunks = scene, settings, chunks
        self.ctx = ctx = headless_context()
        self.rig = scene.camera
        ss = settings.supersample
        self.size = (settings.width * ss, settings.height * ss)
        self._resources = []
        self._build_programs()
        self._upload_geometry()
        self._build_targets()
        self._fit_shadow()
        self.noise_tex = self._keep(ctx.texture3d((32, 32, 32), 1, _noise_volume().tobytes(), dtype="f4"))
        self.noise_tex.repeat_x = self.noise_tex.repeat_y = self.noise_tex.repeat_z = True
        self.noise2d = self._keep(ctx.texture((256, 256), 4, _noise_plane().tobytes(), dtype="f4"))
        self.noise2d.build_mipmaps()
        self.noise2d.filter = (ctx.LINEAR_MIPMAP_LINEAR, ctx.LINEAR)
        self.density_tex = None
        self.light_tex = None
        self.standin_tex = self._standin_texture()
        self.profile = False
        self.depth_prepass = True
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    # ------------------------------------------------------------------ setup
    def _standin_texture(self):
        """(ids, 1) R32F: 1 for the object ids of the render's stand-ins for what a plate shows instead (the
        neighbours and the street furniture); 0 for the hero, the ground and the particles above the parts."""
        from plano.schema.passes import is_stand_in

        n = len(self.scene.parts) + 2
        flags = np.zeros(n, np.float32)
        for i, p in enumerate(self.scene.parts):
            flags[i + 1] = 1.0 if is_stand_in(p.building, p.group) and self.settings.dust_behind_stand_ins else 0.0
        t = self._keep(self.ctx.texture((n, 1), 1, flags.tobytes(), dtype="f4"))
        t.filter = (self.ctx.NEAREST, self.ctx.NEAREST)
        return t

    def _keep(self, obj):
        self._resources.append(obj)
        return obj

    def _vao(self, program: str, content) -> CheckedVertexArray:
        prog = self.progs[program]
        return CheckedVertexArray(self._keep(self.ctx.vertex_array(prog.prog, content)), prog)

    def _build_programs(self) -> None:
        ctx = self.ctx
        p = {}
        p["gbuffer"] = ctx.program(vertex_shader=_src("gbuffer.vert"), fragment_shader=_src("gbuffer.frag"))
        p["particles"] = ctx.program(vertex_shader=_src("particles.vert"), fragment_shader=_src("gbuffer.frag"))
        p["shadow"] = ctx.program(vertex_shader=_src("shadow.vert", False), fragment_shader=_src("empty.frag", False))
        p["shadow_particles"] = ctx.program(vertex_shader=_src("shadow_particles.vert", False),
                                            fragment_shader=_src("empty.frag", False))
        for name in ("dust", "compose", "dof", "motion_blur", "flare", "add_flare"):
            p[name] = ctx.program(vertex_shader=_src("fullscreen.vert", False), fragment_shader=_src(f"{name}.frag"))
        p["sky_motion"] = ctx.program(vertex_shader=_src("fullscreen_far.vert", False),
                                      fragment_shader=_src("sky_motion.frag", False))
        p["pack"] = ctx.program(vertex_shader=_src("fullscreen.vert", False), fragment_shader=_src("pack.frag", False))
        p["light_volume"] = ctx.compute_shader(_src("light_volume.comp"))
        labels = {"gbuffer": "gbuffer.vert+gbuffer.frag", "particles": "particles.vert+gbuffer.frag",
                  "shadow": "shadow.vert+empty.frag", "shadow_particles": "shadow_particles.vert+empty.frag",
                  "sky_motion": "fullscreen_far.vert+sky_motion.frag", "light_volume": "light_volume.comp"}
        self.progs = {n: Program(labels.get(n, f"fullscreen.vert+{n}.frag"), self._keep(prog)) for n, prog in p.items()}
        self.fullscreen = {n: self._vao(n, []) for n in
                           ("dust", "compose", "dof", "motion_blur", "flare", "add_flare", "sky_motion", "pack")}

    def _upload_geometry(self) -> None:
        ctx, p = self.ctx, self.progs
        self.static = geo.static_mesh(self.scene, include_dynamic=self.chunks is None)
        self.chunk_geo = geo.chunk_mesh(self.chunks) if self.chunks is not None else None
        self.vaos = []  # (gbuffer vao, shadow vao, vertex count)
        for mesh in (self.static, self.chunk_geo):
            if mesh is None:
                continue
            vbo = self._keep(ctx.buffer(mesh.data))
            g = self._vao("gbuffer", [(vbo, geo.VERTEX_FORMAT, *geo.VERTEX_ATTRS)])
            s = self._vao("shadow", [(vbo, geo.SHADOW_FORMAT, *geo.SHADOW_ATTRS)])
            self.vaos.append((g, s, mesh.count))
        n_chunks = self.chunks.count if self.chunks is not None else 0
        ident = np.tile(np.eye(4, dtype=np.float32), (max(n_chunks, 1), 1, 1))
        self.xf_cur = self._keep(ctx.buffer(ident.tobytes()))
        self.xf_other = self._keep(ctx.buffer(ident.tobytes()))
        table, _ = geo.material_table(self.scene)
        self.mat_buf = self._keep(ctx.buffer(table.tobytes()))
        self.shape_vbo = self._keep(ctx.buffer(geo.particle_shape().tobytes()))
        self.point_vbo = self._keep(ctx.buffer(geo.particle_point().tobytes()))
        self.particle_sets: dict[str, tuple[int, tuple]] = {}
        shapes = np.zeros((4, 3), np.float32)
        for kind, axes in geo.PARTICLE_SHAPES.items():
            shapes[kind] = axes
        _set(p["particles"], "u_shapes", shapes)

    def _particle_vaos(self, which: str, count: int):
        """The gbuffer and shadow vertex arrays of a set of particle instances (``which``: "shapes", drawn as
        octahedra, or "points"), with room for ``count``; the instances go into ``self.particle_vbo[which]``."""
        cap, vaos = self.particle_sets.get(which, (0, None))
        if count > cap:
            cap = max(1024, int(count * 1.5))
            vbo = self._keep(self.ctx.buffer(reserve=cap * 40))
            shape = self.shape_vbo if which == "shapes" else self.point_vbo
            inst = (vbo, "3f 3f 4f/i", "i_pos", "i_vel", "i_size_kind_id_age")
            gvao = self._vao("particles", [(shape, "3f 3f", "in_pos", "in_normal"), inst])
            svao = self._vao("shadow_particles", [(shape, "3f 12x", "in_pos"),
                             (vbo, "3f 12x 4f/i", "i_pos", "i_size_kind_id_age")])
            vaos = (vbo, gvao, svao)
            self.particle_sets[which] = (cap, vaos)
        return vaos

    def _particle_instances(self, parts, vp: np.ndarray, proj: np.ndarray) -> list[tuple[str, int]]:
        """Upload this frame's drawn particles, split into octahedra and one-pixel points; [(set, count)]."""
        if parts is None or not parts.count:
            return []
        keep = np.isin(parts.kinds, geo.DRAWN_PARTICLE_KINDS)
        n = int(keep.sum())
        if not n:
            return []
        inst = np.zeros((n, 10), np.float32)
        inst[:, 0:3] = parts.positions[keep]
        inst[:, 3:6] = parts.velocities[keep]
        inst[:, 6] = parts.sizes_m[keep]
        inst[:, 7] = parts.kinds[keep]
        inst[:, 8] = (parts.ids[keep] % 65521).astype(np.float32)
        inst[:, 9] = parts.ages_s[keep]
        shapes, points = geo.split_particles(inst, vp, float(proj[1, 1]) * self.size[1] / 2.0)
        drawn = []
        for which, part in (("shapes", shapes), ("points", points)):
            if len(part):
                self._particle_vaos(which, len(part))[0].write(np.ascontiguousarray(part).tobytes())
                drawn.append((which, len(part)))
        return drawn

    def _draw_particles(self, drawn: list[tuple[str, int]], shadow: bool) -> None:
        for which, count in drawn:
            _, gvao, svao = self.particle_sets[which][1]
            vao = svao if shadow else gvao
            if which == "shapes":
                vao.render(vertices=24, instances=count)
            else:
                vao.render(mode=self.ctx.POINTS, vertices=1, instances=count)

    def _build_targets(self) -> None:
        ctx, (w, h) = self.ctx, self.size
        s = self.settings

        def tex(comp=4, dtype="f4", size=(w, h)):
            t = self._keep(ctx.texture(size, comp, dtype=dtype))
            t.repeat_x = t.repeat_y = False
            return t

        self.t_albedo, self.t_normal = tex(dtype="f2"), tex(dtype="f2")
        self.t_pos, self.t_ids, self.t_extra = tex(), tex(), tex(dtype="f2")
        for t in (self.t_pos, self.t_ids):
            t.filter = (ctx.NEAREST, ctx.NEAREST)
        self.t_depth = self._keep(ctx.depth_texture((w, h)))
        self.fbo_g = self._keep(ctx.framebuffer(
            [self.t_albedo, self.t_normal, self.t_pos, self.t_ids, self.t_extra], self.t_depth))
        sm = s.shadow_map_px
        self.t_shadow = self._keep(ctx.depth_texture((sm, sm)))
        self.t_shadow.compare_func = "<="
        self.t_shadow.repeat_x = self.t_shadow.repeat_y = False
        self.fbo_shadow = self._keep(ctx.framebuffer(depth_attachment=self.t_shadow))
        dw, dh = (max(1, w // 2), max(1, h // 2)) if s.dust_half_res else (w, h)
        self.dust_size = (dw, dh)
        self.t_dust = tex(dtype="f2", size=(dw, dh))
        self.t_dust_plate_march = tex(dtype="f2", size=(dw, dh))
        self.fbo_dust = self._keep(ctx.framebuffer([self.t_dust, self.t_dust_plate_march]))
        self.t_beauty, self.t_aux, self.t_dust_rgb, self.t_dust_plate = tex(), tex(), tex(), tex()
        self.fbo_beauty = self._keep(ctx.framebuffer([self.t_beauty, self.t_aux, self.t_dust_rgb, self.t_dust_plate]))
        self.t_ping, self.t_pong = tex(), tex()
        self.fbo_ping = self._keep(ctx.framebuffer([self.t_ping]))
        self.fbo_pong = self._keep(ctx.framebuffer([self.t_pong]))
        if s.supersample > 1:  # the delivered size, for packing the passes before reading them back
            size = (s.width, s.height)
            self.t_packed = [tex(size=size) for _ in range(5)]
            for t in self.t_packed:
                t.filter = (ctx.NEAREST, ctx.NEAREST)
            self.fbo_pack = self._keep(ctx.framebuffer(self.t_packed))
        fw, fh = max(1, w // 4), max(1, h // 4)
        self.t_flare = tex(dtype="f2", size=(fw, fh))
        self.fbo_flare = self._keep(ctx.framebuffer([self.t_flare]))

    def _fit_shadow(self) -> None:
        """An orthographic sun camera around the hero building and the street next to it."""
        sc = self.scene
        hb = np.asarray(sc.hero_bounds, np.float64)
        height = max(hb[1, 2] - hb[0, 2], 10.0)
        margin = np.array([1.2 * height, 1.2 * height, 0.0])
        lo, hi = hb[0] - margin, hb[1] + margin
        lo[2], hi[2] = min(lo[2], 0.0) - 1.0, hi[2] + 2.0
        sun = np.asarray(sc.sun.direction, np.float64)
        if sun.shape != (3,) or not np.all(np.isfinite(sun)) or np.linalg.norm(sun) < 1e-9:
            raise PlanoError(f"the sun direction is {sun.tolist()}; expected a unit vector towards the sun "
                             "(rebuild the scene with `plano scene`)")
        sun = sun / np.linalg.norm(sun)
        if sun[2] < 0.02:  # the sun under the horizon still needs a light camera; light from just above
            sun = np.array([sun[0], sun[1], 0.02])
            sun /= np.linalg.norm(sun)
        self.sun_dir = sun
        centre = (lo + hi) / 2
        radius = np.linalg.norm(hi - lo) / 2
        up = np.array([0.0, 0.0, 1.0]) if abs(sun[2]) < 0.99 else np.array([0.0, 1.0, 0.0])
        view = look_at(centre + sun * radius * 2, centre, up)
        corners = np.array([[x, y, z, 1.0] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
        lc = corners @ view.T
        x0, y0 = lc[:, 0].min(), lc[:, 1].min()
        x1, y1 = lc[:, 0].max(), lc[:, 1].max()
        n, f = max(-lc[:, 2].max() - radius * 0.5, 0.01), -lc[:, 2].min() + 1.0
        side = max(x1 - x0, y1 - y0)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        proj = _ortho(cx - side / 2, cx + side / 2, cy - side / 2, cy + side / 2, n, f)
        self.light_viewproj = proj @ view
        self.shadow_world_m = side / self.settings.shadow_map_px

    # ------------------------------------------------------------------ per frame
    def _sun_rgb(self) -> np.ndarray:
        sun = self.scene.sun
        return np.asarray(sun.color, np.float64) * (sun.illuminance_lux / 50000.0)

    def _sky_uniforms(self, prog) -> None:
        sky = self.scene.sky
        _set(prog, "u_zenith", tuple(map(float, sky.zenith_color)))
        _set(prog, "u_horizon", tuple(map(float, sky.horizon_color)))
        _set(prog, "u_ground", tuple(map(float, sky.ground_color)))
        _set(prog, "u_sun_dir", tuple(map(float, self.sun_dir)))
        _set(prog, "u_sun_rgb", tuple(map(float, self._sun_rgb())))
        cloud = float(sky.cloud_cover)
        if sky.weather in ("overcast", "fog", "rain", "storm", "snow"):
            cloud = max(cloud, 0.85)
        _set(prog, "u_cloud", float(np.clip(cloud, 0.0, 1.0)))

    def _camera(self, i: int):
        rig = self.rig
        view = rig.view_matrix(i)
        proj = rig.projection_matrix(i)
        return view, proj

    def _upload_transforms(self, fi: FrameInput) -> None:
        if self.chunks is None or self.chunks.count == 0:
            return
        if fi.chunk_positions is None:
            raise PlanoError("the renderer was given sim chunks but no chunk transforms for this frame")
        n = self.chunks.count
        for name, a in (("positions", fi.chunk_positions), ("rotations", fi.chunk_rotations),
                        ("next positions", fi.other_positions), ("next rotations", fi.other_rotations)):
            if a is None or len(a) != n:
                got = "none" if a is None else len(a)
                raise PlanoError(
                    f"the sim frame has {got} chunk {name} but the sim has {n} chunks; the cache is inconsistent "
                    "(a frame from another run?): delete the sim folder and run the sim again"
                )
        self.xf_cur.write(geo.quat_to_matrices(fi.chunk_positions, fi.chunk_rotations, fi.chunk_scales).tobytes())
        self.xf_other.write(geo.quat_to_matrices(fi.other_positions, fi.other_rotations, fi.other_scales).tobytes())

    def _tick(self, name: str) -> None:
        """With ``profile`` on: wall seconds per pass in ``timings``, CPU seconds (all threads) in ``cpu``."""
        if self.profile:
            self.ctx.finish()
            now, cpu = time.perf_counter(), time.process_time()
            self.timings[name] = self.timings.get(name, 0.0) + now - self._t
            self.cpu[name] = self.cpu.get(name, 0.0) + cpu - self._c
            self._t, self._c = now, cpu

    def render(self, fi: FrameInput) -> dict[str, np.ndarray]:
        """Render one frame. Returns the passes as (H, W, C) float32 arrays, rows from the top:
        beauty (3), alpha (1), depth (1, metres, 0 = sky), normal (3, camera space), object_id (1),
        material_id (1), motion (2, px to the next frame, +y down), dust (1, opacity)."""
        ctx, s = self.ctx, self.settings
        w, h = self.size
        i = fi.index
        self._t, self._c = time.perf_counter(), time.process_time()
        oi = fi.other_index if fi.other_index is not None else i
        sign = 1.0 if oi >= i else -1.0
        view, proj = self._camera(i)
        oview, oproj = self._camera(oi)
        vp, ovp = proj @ view, oproj @ oview
        cam_pos = np.asarray(self.rig.positions[i], np.float64)
        self._upload_transforms(fi)
        self.xf_cur.bind_to_storage_buffer(0)
        self.xf_other.bind_to_storage_buffer(1)
        self.mat_buf.bind_to_storage_buffer(2)
        drawn = self._particle_instances(fi.particles, vp, proj)

        self._tick("upload")
        # 1. shadow map
        ctx.enable(ctx.DEPTH_TEST)
        ctx.disable(ctx.CULL_FACE)
        self.fbo_shadow.use()
        self.fbo_shadow.clear(depth=1.0)
        ctx.polygon_offset = (2.0, 4.0)
        lvp = _mat(self.light_viewproj)
        _set(self.progs["shadow"], "u_light_viewproj", lvp)
        _set(self.progs["shadow_particles"], "u_light_viewproj", lvp)
        for _, svao_mesh, count in self.vaos:
            svao_mesh.render(vertices=count)
        self._draw_particles(drawn, shadow=True)
        ctx.polygon_offset = (0.0, 0.0)

        self._tick("shadow")
        # 2. geometry buffer
        self.fbo_g.use()
        self.fbo_g.clear(0.0, 0.0, 0.0, 0.0, depth=1.0)
        for name in ("gbuffer", "particles"):
            prog = self.progs[name]
            _set(prog, "u_viewproj", _mat(vp))
            _set(prog, "u_viewproj_other", _mat(ovp))
            _set(prog, "u_view", _mat(view))
            _set(prog, "u_cam_pos", tuple(cam_pos))
            _set(prog, "u_size", (float(w), float(h)))
            _set(prog, "u_motion_sign", sign)
        if self.depth_prepass:  # depth first: the expensive material shader then runs once per pixel
            self.fbo_g.color_mask = ((False,) * 4,) * 5
            _set(self.progs["shadow"], "u_light_viewproj", _mat(vp))
            for _, svao_mesh, count in self.vaos:
                svao_mesh.render(vertices=count)
            self.fbo_g.color_mask = ((True,) * 4,) * 5
            ctx.depth_func = "<="
        self.noise2d.use(0)
        _set(self.progs["gbuffer"], "u_noise2d", 0)
        _set(self.progs["particles"], "u_noise2d", 0)
        for gvao_mesh, _, count in self.vaos:
            gvao_mesh.render(vertices=count)
        if drawn:
            prog = self.progs["particles"]
            _set(prog, "u_dt_other", float((oi - i) / self.rig.fps) if oi != i else 1.0 / self.rig.fps)
            _set(prog, "u_object_base", len(self.scene.parts) + 1)
            _set(prog, "u_material_base", geo.PARTICLE_MATERIAL_BASE)
            self._draw_particles(drawn, shadow=False)
        # the sky: where nothing was drawn, motion vectors from the camera's rotation
        prog = self.progs["sky_motion"]
        _set(prog, "u_inv_viewproj", _mat(np.linalg.inv(vp)))
        _set(prog, "u_viewproj_other", _mat(ovp))
        _set(prog, "u_size", (float(w), float(h)))
        _set(prog, "u_motion_sign", sign)
        ctx.depth_func = "<="
        self.fullscreen["sky_motion"].render(vertices=3)
        ctx.depth_func = "<"
        ctx.disable(ctx.DEPTH_TEST)

        self._tick("gbuffer")
        # 3. dust
        has_dust = self._dust(fi, vp, cam_pos)
        self._tick("dust")

        # 4. lighting and compositing
        inv_vp = np.linalg.inv(vp)
        prog = self.progs["compose"]
        self._sky_uniforms(prog)
        for unit, (name, t) in enumerate((("u_albedo", self.t_albedo), ("u_normal", self.t_normal),
                                          ("u_pos", self.t_pos), ("u_extra", self.t_extra),
                                          ("u_dust", self.t_dust), ("u_shadow", self.t_shadow))):
            t.use(unit)
            _set(prog, name, unit)
        if self.light_tex is not None:
            self.light_tex.use(6)
        _set(prog, "u_light", 6)
        self.t_dust_plate_march.use(7)
        _set(prog, "u_dust_plate", 7)
        _set(prog, "u_light_viewproj", lvp)
        _set(prog, "u_viewproj", _mat(vp))
        _set(prog, "u_view", _mat(view))
        _set(prog, "u_inv_viewproj", _mat(inv_vp))
        _set(prog, "u_cam_pos", tuple(cam_pos))
        _set(prog, "u_size", (float(w), float(h)))
        _set(prog, "u_dust_size", tuple(float(v) for v in self.dust_size))
        _set(prog, "u_shadow_texel", 1.0 / s.shadow_map_px)
        _set(prog, "u_shadow_world", float(self.shadow_world_m))
        _set(prog, "u_shadow_taps", int(s.shadow_taps))
        _set(prog, "u_ao_samples", int(s.ao_samples))
        _set(prog, "u_ao_radius", float(s.ao_radius_m))
        _set(prog, "u_haze", float(self.scene.sky.haze_density))
        _set(prog, "u_has_dust", 1 if has_dust else 0)
        _set(prog, "u_dust_plate_on", 1 if s.dust_behind_stand_ins else 0)
        # where the dust's light volume lies, so that surfaces inside the cloud are shadowed by it
        box_min, box_size = self.dust_box if has_dust else (np.zeros(3), np.ones(3))
        _set(prog, "u_box_min", tuple(map(float, box_min)))
        _set(prog, "u_box_size", tuple(map(float, box_size)))
        _set(prog, "u_exposure", float(2.0 ** s.exposure_ev))
        self.fbo_beauty.use()
        self.fullscreen["compose"].render(vertices=3)

        self._tick("compose")
        # 5. lens
        color = self._lens(i, vp, ovp)
        self._tick("lens")
        out = self._read(color)
        self._tick("read")
        return out

    def _dust(self, fi: FrameInput, vp: np.ndarray, cam_pos: np.ndarray) -> bool:
        ctx, s = self.ctx, self.settings
        grid = fi.dust
        if grid is None or grid.density.size == 0 or not np.any(grid.density > 1e-6) or s.dust_extinction_per_m <= 0:
            self.fbo_dust.use()
            self.fbo_dust.clear(0.0, 0.0, 0.0, 1.0)
            return False
        dens = np.asarray(grid.density, np.float32)
        if dens.ndim != 3:
            raise PlanoError(f"dust density has shape {dens.shape}; expected (nx, ny, nz)")
        nx, ny, nz = dens.shape
        dens = np.nan_to_num(dens, nan=0.0, posinf=0.0, neginf=0.0).clip(0, None)
        smoke = getattr(grid, "smoke", None)  # the dark smoke part of the density, where the sim has it
        if smoke is not None and np.shape(smoke) == dens.shape:
            frac = np.clip(np.asarray(smoke, np.float32) / np.maximum(dens, 1e-12), 0.0, 1.0)
        else:
            frac = np.zeros_like(dens)
        data = np.ascontiguousarray(np.stack([dens, frac], axis=-1).transpose(2, 1, 0, 3))
        if self.density_tex is None or self.density_tex.size != (nx, ny, nz):
            self.density_tex = self._keep(ctx.texture3d((nx, ny, nz), 2, dtype="f4"))
            self.density_tex.repeat_x = self.density_tex.repeat_y = self.density_tex.repeat_z = False
            # half the density's resolution across, full resolution in height: the sun is above, and coarse
            # layers of light make terraces on a dense cloud's dome
            ldims = (max(1, (nx + 1) // 2), max(1, (ny + 1) // 2), max(1, nz))
            self.light_tex = self._keep(ctx.texture3d(ldims, 4, dtype="f2"))
            self.light_tex.repeat_x = self.light_tex.repeat_y = self.light_tex.repeat_z = False
        self.density_tex.write(data.tobytes())
        box_min = np.asarray(grid.origin, np.float64)
        box_size = np.array([nx, ny, nz], np.float64) * float(grid.cell_m)
        self.dust_box = (box_min, box_size)
        # march only the part of the grid that holds dust (early in a collapse most of it is empty)
        occupied = dens > dens.max() * 1e-4
        lo_hi = []
        for axis in range(3):
            cells = np.flatnonzero(occupied.any(axis=tuple(a for a in range(3) if a != axis)))
            lo_hi.append((max(cells[0] - 1, 0), min(cells[-1] + 2, dens.shape[axis])))
        cell = float(grid.cell_m)
        march_min = box_min + np.array([lo for lo, _ in lo_hi]) * cell
        march_size = np.array([hi - lo for lo, hi in lo_hi], np.float64) * cell
        ext = float(s.dust_extinction_per_m)

        comp = self.progs["light_volume"]
        self.density_tex.use(0)
        self.t_shadow.use(1)
        _set(comp, "u_density", 0)
        _set(comp, "u_shadow", 1)
        self.light_tex.bind_to_image(0, read=False, write=True)
        _set(comp, "u_light", 0)  # the image unit it is bound to
        _set(comp, "u_light_viewproj", _mat(self.light_viewproj))
        _set(comp, "u_box_min", tuple(box_min))
        _set(comp, "u_box_size", tuple(box_size))
        ld = self.light_tex.size
        _set(comp, "u_dims", tuple(int(v) for v in ld))
        _set(comp, "u_sun_dir", tuple(self.sun_dir))
        _set(comp, "u_ext", ext)
        _set(comp, "u_smoke_ext", float(s.smoke_extinction_factor))
        _set(comp, "u_steps", int(s.dust_light_steps))
        comp.run((ld[0] + 3) // 4, (ld[1] + 3) // 4, (ld[2] + 3) // 4)
        ctx.memory_barrier()

        prog = self.progs["dust"]
        self._sky_uniforms(prog)
        self.t_pos.use(0)
        self.density_tex.use(1)
        self.light_tex.use(2)
        self.noise_tex.use(3)
        self.t_ids.use(4)
        self.standin_tex.use(5)
        for unit, name in enumerate(("u_pos", "u_density", "u_light", "u_noise", "u_ids", "u_standin")):
            _set(prog, name, unit)
        _set(prog, "u_n_ids", int(self.standin_tex.width))
        _set(prog, "u_inv_viewproj", _mat(np.linalg.inv(vp)))
        _set(prog, "u_cam_pos", tuple(cam_pos))
        _set(prog, "u_box_min", tuple(box_min))
        _set(prog, "u_box_size", tuple(box_size))
        _set(prog, "u_march_min", tuple(march_min))
        _set(prog, "u_march_max", tuple(march_min + march_size))
        _set(prog, "u_steps", int(s.dust_steps))
        _set(prog, "u_ext", ext)
        _set(prog, "u_smoke_ext", float(s.smoke_extinction_factor))
        _set(prog, "u_albedo", tuple(map(float, s.dust_albedo)))
        _set(prog, "u_smoke_albedo", tuple(map(float, s.smoke_albedo)))
        _set(prog, "u_g", float(s.dust_anisotropy))
        _set(prog, "u_time", float(fi.time_s))
        wind = np.asarray(self.scene.sky.wind_m_s, np.float64) * 0.02
        _set(prog, "u_wind", tuple(-wind))
        _set(prog, "u_noise_scale", float(1.0 / max(9.0 * grid.cell_m, 1e-3)))
        _set(prog, "u_powder_m", float(2.0 * grid.cell_m))
        _set(prog, "u_frame_seed", float(fi.index % 97) * 1.37)
        self.fbo_dust.use()
        self.fullscreen["dust"].render(vertices=3)
        return True

    def _lens(self, i: int, vp, ovp):
        """Depth of field, motion blur, anamorphic streaks. Returns the texture holding the result."""
        s, rig = self.settings, self.rig
        w, h = self.size
        src = self.t_beauty
        targets = [(self.fbo_ping, self.t_ping), (self.fbo_pong, self.t_pong)]
        k = 0
        f_mm = float(rig.focal_length_mm[i])
        focus_mm = max(float(rig.focus_distance_m[i]) * 1000.0, f_mm * 1.01)
        coc_k = f_mm * f_mm / (max(rig.fstop, 0.5) * (focus_mm - f_mm)) / rig.aperture_height_mm * h
        if s.depth_of_field and coc_k > 0.3:
            prog = self.progs["dof"]
            src.use(0)
            self.t_pos.use(1)
            _set(prog, "u_color", 0)
            _set(prog, "u_pos", 1)
            _set(prog, "u_size", (float(w), float(h)))
            _set(prog, "u_coc_k", float(coc_k))
            _set(prog, "u_focus", focus_mm / 1000.0)
            _set(prog, "u_max_coc", float(s.max_coc_px * s.supersample))
            _set(prog, "u_squeeze", float(max(rig.squeeze, 1.0)))
            _set(prog, "u_samples", int(s.dof_samples))
            fbo, tex = targets[k % 2]
            fbo.use()
            self.fullscreen["dof"].render(vertices=3)
            src, k = tex, k + 1
        shutter = s.shutter_angle_deg / 360.0
        if s.motion_blur_samples >= 2 and shutter > 0:
            prog = self.progs["motion_blur"]
            src.use(0)
            self.t_ids.use(1)
            _set(prog, "u_color", 0)
            _set(prog, "u_ids", 1)
            _set(prog, "u_size", (float(w), float(h)))
            _set(prog, "u_shutter", float(shutter))
            _set(prog, "u_samples", int(s.motion_blur_samples))
            fbo, tex = targets[k % 2]
            fbo.use()
            self.fullscreen["motion_blur"].render(vertices=3)
            src, k = tex, k + 1
        if s.flares and rig.squeeze > 1.0:
            src.build_mipmaps(0, 2)
            src.filter = (self.ctx.LINEAR_MIPMAP_LINEAR, self.ctx.LINEAR)
            prog = self.progs["flare"]
            src.use(0)
            _set(prog, "u_color", 0)
            lum = float(np.dot(self._sun_rgb(), [0.3, 0.6, 0.1]))
            _set(prog, "u_threshold", max(lum * 4.0, 1.0))
            _set(prog, "u_width", 0.35)
            self.fbo_flare.use()
            self.fullscreen["flare"].render(vertices=3)
            src.filter = (self.ctx.LINEAR, self.ctx.LINEAR)
            prog = self.progs["add_flare"]
            src.use(0)
            self.t_flare.use(1)
            _set(prog, "u_color", 0)
            _set(prog, "u_flare", 1)
            _set(prog, "u_tint", (0.35, 0.55, 1.0))
            _set(prog, "u_strength", 0.08)
            fbo, tex = targets[k % 2]
            fbo.use()
            self.fullscreen["add_flare"].render(vertices=3)
            src, k = tex, k + 1
        return src

    def _read(self, color_tex) -> dict[str, np.ndarray]:
        w, h = self.size
        ss = self.settings.supersample

        def read(t, comp=4):
            return np.frombuffer(t.read(), dtype=np.float32).reshape(h, w, comp)[::-1]

        if ss > 1:  # average / pick on the GPU, read the delivered size
            prog = self.progs["pack"]
            for unit, (name, t) in enumerate((("u_color", color_tex), ("u_aux", self.t_aux), ("u_pos", self.t_pos),
                                              ("u_ids", self.t_ids), ("u_dust_rgb", self.t_dust_rgb),
                                              ("u_dust_plate", self.t_dust_plate))):
                t.use(unit)
                _set(prog, name, unit)
            _set(prog, "u_ss", int(ss))
            self.fbo_pack.use()
            self.fullscreen["pack"].render(vertices=3)
            w, h = self.settings.width, self.settings.height
            color, dis, nrm, mot, dplate = (read(t) for t in self.t_packed)
            dust, motion = dis[..., 3:4], mot[..., 0:2]
            normal, depth, idv = nrm[..., 0:3], dis[..., 0:1], dis[..., 1:3]
            dust_rgb = np.concatenate([nrm[..., 3:4], mot[..., 2:4]], axis=-1)
        else:
            color = read(color_tex)
            aux = read(self.t_aux)
            ids = read(self.t_ids)
            dust_rgb_depth = read(self.t_dust_rgb)  # the depth rides in its spare channel: one texture less to read
            dust, motion = aux[..., 3:4], ids[..., 2:4]
            normal, depth, idv = aux[..., 0:3], dust_rgb_depth[..., 3:4], ids[..., 0:2]
            dust_rgb = dust_rgb_depth[..., 0:3]
            dplate = read(self.t_dust_plate) if self.settings.dust_behind_stand_ins else None
        out = {
            "beauty": color[..., 0:3],
            "alpha": color[..., 3:4],
            "depth": depth,
            "normal": normal,
            "object_id": idv[..., 0:1],
            "material_id": idv[..., 1:2],
            "motion": motion,
            "dust": dust,
            "dust_rgb": dust_rgb,
            "dust_plate": dplate,
        }
        if not self.settings.dust_behind_stand_ins:  # without a plate it would be the dust again: not written
            del out["dust_plate"]
        return {k: np.ascontiguousarray(np.nan_to_num(v, nan=0.0, posinf=0.0, neginf=0.0), np.float32)
                for k, v in out.items()}

    def release(self) -> None:
        for obj in reversed(self._resources):
            try:
                obj.release()
            except Exception:  # noqa: BLE001 - already released with its owner
                pass
        self._resources.clear()
