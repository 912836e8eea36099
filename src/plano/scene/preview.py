"""A quick, honest look at a scene from the shot camera (OpenGL through moderngl, headless EGL).

Lambert shading in the sun with a shadow map, hemispherical sky light, a sky-reflection term on glass,
cheap procedural detail (board-formed concrete, brick courses, mullions, panel joints, paving), aerial
perspective. The shaders work in scene-linear ACEScg (the materials' and the sky's colours); the picture reaches
the screen through the OCIO display transform (``plano.color``, ACES SDR view on sRGB) like every other image.
It is a preview: the render stage draws the real thing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from plano.core.atomic import atomic_path
from plano.opengl import headless_context
from plano.schema.camera import look_at, ortho
from plano.scene.materials import texture_id
from plano.scene.model import Scene

DISPLAY_EXPOSURE_EV = 0.75
"""Exposure added before the display transform: the preview's light levels and camera exposure were tuned with a
filmic curve that reads about 0.75 stop brighter than the ACES SDR view (0.18 grey -> sRGB 0.52 there)."""

_VS = """
#version 450
uniform mat4 mvp;
in vec3 in_pos; in vec3 in_nrm; in vec3 in_col; in vec4 in_mat;
out vec3 v_pos; out vec3 v_nrm; out vec3 v_col; out vec4 v_mat;
void main() { v_pos = in_pos; v_nrm = in_nrm; v_col = in_col; v_mat = in_mat; gl_Position = mvp * vec4(in_pos, 1.0); }
"""

_SHADOW_FS = """
#version 450
void main() {}
"""

_FS = """
#version 450
uniform sampler2D shadow_map;
uniform mat4 light_vp;
uniform vec3 sun_dir; uniform vec3 sun_rgb; uniform vec3 zenith; uniform vec3 horizon; uniform vec3 ground_col;
uniform vec3 eye; uniform float haze; uniform float exposure;
in vec3 v_pos; in vec3 v_nrm; in vec3 v_col; in vec4 v_mat;
out vec4 f_color;

float hash(vec2 p) { return fract(sin(dot(p, vec2(127.1, 311.7))) * 43758.5453); }
float vnoise(vec2 p) {
    vec2 i = floor(p), f = fract(p); f = f * f * (3.0 - 2.0 * f);
    return mix(mix(hash(i), hash(i + vec2(1, 0)), f.x), mix(hash(i + vec2(0, 1)), hash(i + vec2(1, 1)), f.x), f.y);
}
float line(float x, float w) { float d = abs(fract(x) - 0.5); return smoothstep(0.5 - w, 0.5 - w * 0.4, d); }

vec3 sky(vec3 d) {
    float t = clamp(d.z, -1.0, 1.0);
    vec3 c = t > 0.0 ? mix(horizon, zenith, pow(t, 0.6)) : mix(horizon, ground_col, clamp(-t * 6.0, 0.0, 1.0));
    float s = max(dot(d, sun_dir), 0.0);
    return c + sun_rgb * (pow(s, 600.0) * 40.0 + pow(s, 12.0) * 0.25);
}

void main() {
    vec3 n = normalize(v_nrm);
    int tex = int(v_mat.x + 0.5);  // plano.scene.materials.TEXTURE_IDS
    float scale = max(v_mat.y, 0.01);
    float glassy = v_mat.z;
    float tint = v_mat.w;
    // face coordinates: u along the face horizontally, v up (or y on horizontal faces)
    vec2 uv = abs(n.z) > 0.5 ? v_pos.xy : vec2(abs(n.x) > 0.5 ? v_pos.y : v_pos.x, v_pos.z);
    vec3 albedo = v_col * tint;
    // fade the procedural detail where it is finer than a pixel (no moire)
    float aa = clamp(1.0 - 1.2 * max(fwidth(uv.x), fwidth(uv.y)) / scale, 0.0, 1.0);
    vec3 base = albedo;
    if (tex == 1) { albedo *= 0.85 + 0.25 * vnoise(uv * 0.7) + 0.08 * vnoise(uv * 6.0); }
    else if (tex == 2) {  // board-formed concrete: horizontal boards, each a little different, plus stains
        float board = floor(uv.y / scale);
        albedo *= 0.86 + 0.12 * hash(vec2(board, floor(uv.x / 2.4))) + 0.10 * vnoise(uv * vec2(0.3, 1.5));
        albedo *= 1.0 - 0.22 * line(uv.y / scale + 0.5, 0.06);
        albedo *= 0.8 + 0.3 * vnoise(uv * 0.15 + 3.0);
    } else if (tex == 3) {  // brick, running bond, mortar joints
        float row = floor(uv.y / scale);
        float u = uv.x / (scale * 3.0) + 0.5 * mod(row, 2.0);
        float mortar = max(line(uv.y / scale + 0.5, 0.08), line(u + 0.5, 0.03));
        albedo *= (0.8 + 0.35 * hash(vec2(floor(u), row)));
        albedo = mix(albedo, vec3(0.32, 0.30, 0.27), mortar * 0.85);
    } else if (tex == 4) {  // precast panels
        float m = max(line(uv.x / scale + 0.5, 0.01), line(uv.y / 2.8 + 0.5, 0.012));
        albedo *= (0.9 + 0.15 * hash(floor(uv / vec2(scale, 2.8)))) * (1.0 - 0.45 * m);
    } else if (tex == 5) {  // curtain wall mullions
        float m = max(line(uv.x / scale + 0.5, 0.03), line(uv.y / 3.75 + 0.5, 0.02));
        albedo = mix(albedo, vec3(0.09, 0.09, 0.1), m);
        glassy *= 1.0 - m;
    } else if (tex == 6) { albedo *= 0.88 + 0.16 * vnoise(uv * 2.0) - 0.1 * line(uv.y / scale + 0.5, 0.02); }
    else if (tex == 7) { albedo *= 0.8 + 0.4 * vnoise(uv * 3.0) * vnoise(uv * 0.2); }
    else if (tex == 8) { albedo *= (0.85 + 0.2 * hash(floor(uv / scale))) * (1.0 - 0.3 * max(line(uv.x / scale + 0.5, 0.04), line(uv.y / scale + 0.5, 0.04))); }
    // far away: the average colour of the pattern
    vec3 avg = tex == 3 ? mix(base, vec3(0.32, 0.30, 0.27), 0.2) : base * (tex == 2 ? 0.95 : 1.0);
    if (tex != 1 && tex != 7) albedo = mix(avg, albedo, aa);

    // sun shadow, 3x3 PCF
    vec4 lp = light_vp * vec4(v_pos + n * 0.05, 1.0);
    vec3 sc = lp.xyz / lp.w * 0.5 + 0.5;
    float lit = 0.0;
    vec2 texel = 1.0 / vec2(textureSize(shadow_map, 0));
    for (int i = -2; i <= 2; i++) for (int j = -2; j <= 2; j++) {
        float d = texture(shadow_map, sc.xy + vec2(i, j) * texel).r;
        lit += (sc.z - 0.0006 <= d) ? 1.0 : 0.0;
    }
    lit /= 25.0;
    if (sc.x < 0.0 || sc.x > 1.0 || sc.y < 0.0 || sc.y > 1.0) lit = 1.0;
    float ndl = max(dot(n, sun_dir), 0.0);
    vec3 amb = mix(ground_col * 1.2, mix(horizon, zenith, 0.5), n.z * 0.5 + 0.5);
    vec3 col = albedo * (sun_rgb * ndl * lit + amb * 0.9);
    vec3 vdir = normalize(v_pos - eye);
    if (glassy > 0.0) {
        vec3 r = reflect(vdir, n);
        float fres = 0.08 + 0.6 * pow(1.0 - max(dot(-vdir, n), 0.0), 4.0);
        vec3 refl = sky(r) * (r.z < 0.0 ? 0.3 : 1.0);
        col = mix(col, refl, clamp(fres + 0.25 * glassy, 0.0, 1.0));
    }
    float dist = length(v_pos - eye);
    col = mix(col, horizon * 1.05, 1.0 - exp(-haze * dist));
    f_color = vec4(col * exposure, 1.0);
}
"""

_SKY_VS = """
#version 450
in vec2 in_xy; out vec2 v_xy;
void main() { v_xy = in_xy; gl_Position = vec4(in_xy, 0.9999, 1.0); }
"""
_SKY_FS = """
#version 450
uniform mat4 inv_vp; uniform vec3 zenith; uniform vec3 horizon; uniform vec3 ground_col; uniform vec3 sun_dir;
uniform vec3 sun_rgb; uniform float exposure; uniform vec3 eye;
in vec2 v_xy; out vec4 f_color;
void main() {
    vec4 p = inv_vp * vec4(v_xy, 1.0, 1.0);
    vec3 d = normalize(p.xyz / p.w - eye);
    float t = clamp(d.z, -1.0, 1.0);
    vec3 c = t > 0.0 ? mix(horizon, zenith, pow(t, 0.6)) : mix(horizon, ground_col, clamp(-t * 6.0, 0.0, 1.0));
    float s = max(dot(d, sun_dir), 0.0);
    c += sun_rgb * (pow(s, 2000.0) * 30.0 + pow(s, 16.0) * 0.3);
    f_color = vec4(c * exposure, 1.0);
}
"""


def _geometry(scene: Scene) -> np.ndarray:
    """(T*3, 16) float32 per-vertex rows: position, flat normal, colour, texture id, scale, glassy, tint, pad."""
    rows = []
    for k, p in enumerate(scene.parts):
        m = scene.materials[p.material]
        tri = p.vertices[p.faces]  # (M, 3, 3)
        nrm = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
        nrm /= np.linalg.norm(nrm, axis=1, keepdims=True) + 1e-12
        nt = len(tri) * 3
        r = np.zeros((nt, 13), np.float32)
        r[:, 0:3] = tri.reshape(-1, 3)
        r[:, 3:6] = np.repeat(nrm, 3, axis=0)
        r[:, 6:9] = m.base_color
        tint = 1.0 + 0.08 * (((k * 2654435761) % 1000) / 1000.0 - 0.5)
        glassy = m.transmission if m.transmission > 0 else (0.15 if m.metallic > 0.5 else 0.0)
        r[:, 9:13] = (texture_id(m.texture), m.texture_scale_m, glassy, tint)
        rows.append(r)
    return np.concatenate(rows)


def render_preview(scene: Scene, path: str | Path, frame: int | None = None, width: int = 960) -> Path:
    """Draw the scene from the shot camera at ``frame`` (default: the first) into a PNG ``width`` pixels wide."""
    from PIL import Image

    from plano.color import to_8bit

    ctx = headless_context()
    rig = scene.camera
    i = 0 if frame is None else rig.index(frame)
    height = max(2, int(round(width / rig.aspect)))
    ss = 2
    W, H = width * ss, height * ss
    data = _geometry(scene)
    view = rig.view_matrix(i)
    proj = rig.projection_matrix(i)
    vp = proj @ view
    eye = rig.positions[i]

    # shadow map over the hero and what is around it
    sun_dir = np.asarray(scene.sun.direction, float)
    hb = scene.hero_bounds
    centre = 0.5 * (hb[0] + hb[1])
    radius = float(np.linalg.norm(hb[1] - hb[0])) * 0.5 + 0.3 * float(np.linalg.norm(hb[1, :2] - hb[0, :2])) + 40.0
    l_eye = centre + sun_dir * (radius * 3)
    up = np.array([0, 0, 1.0]) if abs(sun_dir[2]) < 0.99 else np.array([0, 1.0, 0])
    light_vp = ortho(-radius, radius, -radius, radius, 1.0, radius * 6) @ look_at(l_eye, centre, up)

    prog = ctx.program(vertex_shader=_VS, fragment_shader=_FS)
    sprog = ctx.program(vertex_shader=_VS, fragment_shader=_SHADOW_FS)
    vbo = ctx.buffer(data.astype("f4").tobytes())
    fmt = "3f 3f 3f 4f"
    attrs = ["in_pos", "in_nrm", "in_col", "in_mat"]
    vao = ctx.vertex_array(prog, [(vbo, fmt, *attrs)])
    svao = ctx.vertex_array(sprog, [(vbo, "3f 40x", "in_pos")])
    smap_size = 4096
    depth_tex = ctx.depth_texture((smap_size, smap_size))
    depth_tex.compare_func = ""  # read raw depths; the shader compares
    sfbo = ctx.framebuffer(depth_attachment=depth_tex)
    sfbo.use()
    sfbo.clear(depth=1.0)
    ctx.enable(ctx.DEPTH_TEST)
    sprog["mvp"].write(light_vp.T.astype("f4").tobytes())
    svao.render()

    color = ctx.renderbuffer((W, H), components=4, dtype="f4")
    depth = ctx.depth_renderbuffer((W, H))
    fbo = ctx.framebuffer(color_attachments=[color], depth_attachment=depth)
    fbo.use()
    fbo.clear(0, 0, 0, 1, depth=1.0)
    sky = scene.sky
    # light levels relative to a clear afternoon, and an exposure that adapts like a camera's (within limits)
    moon = scene.info.get("sun", {}).get("light_source") == "moon"
    sun_level = 0.12 if moon else 2.3 * min(1.0, scene.sun.illuminance_lux / 100000.0) ** 0.5
    sun_rgb = np.array(scene.sun.color) * sun_level
    sky_level = float(np.mean(sky.zenith_color) + np.mean(sky.horizon_color)) / 2
    key = 0.5 * sun_level + 0.9 * sky_level
    exposure = float(np.clip(0.78 * 1.45 / max(key, 1e-4), 0.78, 4.0 if moon else 12.0))
    # sky background
    sky_prog = ctx.program(vertex_shader=_SKY_VS, fragment_shader=_SKY_FS)
    quad = ctx.buffer(np.array([-1, -1, 1, -1, -1, 1, 1, 1], "f4").tobytes())
    qvao = ctx.vertex_array(sky_prog, [(quad, "2f", "in_xy")])
    common = {"zenith": sky.zenith_color, "horizon": sky.horizon_color, "ground_col": sky.ground_color,
              "sun_dir": tuple(sun_dir), "sun_rgb": tuple(sun_rgb), "exposure": exposure, "eye": tuple(eye)}
    for k, v in common.items():
        sky_prog[k].value = v
    sky_prog["inv_vp"].write(np.linalg.inv(vp).T.astype("f4").tobytes())
    ctx.disable(ctx.DEPTH_TEST)
    qvao.render(mode=ctx.TRIANGLE_STRIP)
    ctx.enable(ctx.DEPTH_TEST)
    for k, v in common.items():
        prog[k].value = v
    prog["haze"].value = float(sky.haze_density)
    prog["mvp"].write(vp.T.astype("f4").tobytes())
    prog["light_vp"].write(light_vp.T.astype("f4").tobytes())
    depth_tex.use(0)
    prog["shadow_map"].value = 0
    vao.render()
    raw = np.frombuffer(fbo.read(components=3, dtype="f4"), dtype="f4").reshape(H, W, 3)[::-1]
    for obj in (vao, svao, qvao, vbo, quad, prog, sprog, sky_prog, fbo, sfbo, color, depth, depth_tex):
        obj.release()
    # resolve the supersampling in scene-linear light (a box over each ss x ss block), then the display transform
    linear = raw.reshape(height, ss, width, ss, 3).mean(axis=(1, 3))
    im = Image.fromarray(to_8bit(linear, "srgb", DISPLAY_EXPOSURE_EV))
    path = Path(path)
    with atomic_path(path) as tmp:
        im.save(tmp, format="PNG", optimize=True)
    return path
