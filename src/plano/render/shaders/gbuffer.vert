// Parts and chunks: chunk transforms come from two SSBOs (this frame and the frame motion is measured to).
layout(location = 0) in vec3 in_pos;
in vec3 in_normal;
in vec3 in_rest;
in ivec3 in_ids;

layout(std430, binding = 0) readonly buffer CurXf { mat4 cur_m[]; };
layout(std430, binding = 1) readonly buffer OthXf { mat4 oth_m[]; };

uniform mat4 u_viewproj;
uniform mat4 u_viewproj_other;
uniform mat4 u_view;

out vec3 v_world;
out vec3 v_normal;
out vec3 v_rest;
out vec3 v_rest_normal;
out vec4 v_clip;
out vec4 v_clip_other;
flat out ivec2 v_ids;

invariant gl_Position;

void main() {
    mat4 M = mat4(1.0), Mo = mat4(1.0);
    if (in_ids.x >= 0) { M = cur_m[in_ids.x]; Mo = oth_m[in_ids.x]; }
    vec4 w = M * vec4(in_pos, 1.0);
    vec4 wo = Mo * vec4(in_pos, 1.0);
    v_world = w.xyz;
    v_normal = mat3(M) * in_normal;
    v_rest = in_rest;
    v_rest_normal = in_normal;
    v_clip = u_viewproj * w;
    v_clip_other = u_viewproj_other * wo;
    v_ids = in_ids.yz;
    gl_Position = v_clip;
}
