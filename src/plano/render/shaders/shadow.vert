layout(location = 0) in vec3 in_pos;
in ivec3 in_ids;
layout(std430, binding = 0) readonly buffer CurXf { mat4 cur_m[]; };
uniform mat4 u_light_viewproj;
invariant gl_Position;

void main() {
    mat4 M = mat4(1.0);
    if (in_ids.x >= 0) M = cur_m[in_ids.x];
    gl_Position = u_light_viewproj * (M * vec4(in_pos, 1.0));
}
