// Sky pixels of the geometry buffer: nothing hit (zeros), but motion vectors from the camera's rotation
// (the sky is at infinity: directions reprojected with the other frame's camera).
in vec2 v_uv;
uniform mat4 u_inv_viewproj;
uniform mat4 u_viewproj_other;
uniform vec2 u_size;
uniform float u_motion_sign;
layout(location = 0) out vec4 o_albedo;
layout(location = 1) out vec4 o_normal;
layout(location = 2) out vec4 o_pos;
layout(location = 3) out vec4 o_ids;
layout(location = 4) out vec4 o_extra;
void main() {
    vec2 ndc = v_uv * 2.0 - 1.0;
    vec4 a = u_inv_viewproj * vec4(ndc, -1.0, 1.0);
    vec4 b = u_inv_viewproj * vec4(ndc, 1.0, 1.0);
    vec3 d = normalize(b.xyz / b.w - a.xyz / a.w);
    vec4 c = u_viewproj_other * vec4(d, 0.0);
    vec2 motion = vec2(0.0);
    if (c.w > 1e-6) {
        vec2 no = c.xy / c.w;
        vec2 px = vec2((ndc.x + 1.0) * 0.5 * u_size.x, (1.0 - ndc.y) * 0.5 * u_size.y);
        vec2 pxo = vec2((no.x + 1.0) * 0.5 * u_size.x, (1.0 - no.y) * 0.5 * u_size.y);
        motion = u_motion_sign * (pxo - px);
    }
    o_albedo = vec4(0.0);
    o_normal = vec4(0.0);
    o_pos = vec4(0.0);
    o_ids = vec4(0.0, 0.0, motion);
    o_extra = vec4(0.0);
}
