// Debris, papers and glass shards: one instanced octahedron, flattened into cards for papers and glass; or one
// vertex (a one-pixel point) for a particle smaller than a pixel (geometry.split_particles).
layout(location = 0) in vec3 in_pos;
in vec3 in_normal;
in vec3 i_pos;
in vec3 i_vel;
in vec4 i_size_kind_id_age;   // size m, kind, id (hashed), age s

uniform mat4 u_viewproj;
uniform mat4 u_viewproj_other;
uniform float u_dt_other;      // seconds from this frame to the other frame (negative when backwards)
uniform int u_object_base;     // len(scene.parts) + 1
uniform int u_material_base;   // PARTICLE_MATERIAL_BASE
uniform vec3 u_shapes[4];      // axes of each kind's octahedron, by kind (geometry.PARTICLE_SHAPES)

out vec3 v_world;
out vec3 v_normal;
out vec3 v_rest;
out vec3 v_rest_normal;
out vec4 v_clip;
out vec4 v_clip_other;
flat out ivec2 v_ids;

mat3 rot_axis(vec3 a, float ang) {
    float s = sin(ang), c = cos(ang), t = 1.0 - c;
    return mat3(t * a.x * a.x + c, t * a.x * a.y + s * a.z, t * a.x * a.z - s * a.y,
                t * a.x * a.y - s * a.z, t * a.y * a.y + c, t * a.y * a.z + s * a.x,
                t * a.x * a.z + s * a.y, t * a.y * a.z - s * a.x, t * a.z * a.z + c);
}

void main() {
    float size = i_size_kind_id_age.x;
    int kind = int(i_size_kind_id_age.y + 0.5);
    float id = i_size_kind_id_age.z;
    float age = i_size_kind_id_age.w;
    vec3 shape = u_shapes[clamp(kind, 0, 3)];   // geometry.PARTICLE_SHAPES: debris, paper and glass cards
    float spin = 2.0;
    if (kind == 2) spin = 3.0;   // paper
    if (kind == 3) spin = 5.0;   // glass
    vec3 axis = normalize(vec3(hash11(id) - 0.5, hash11(id + 1.7) - 0.5, hash11(id + 3.1) - 0.5) + 1e-3);
    float ang0 = hash11(id + 5.3) * 6.2831;
    mat3 R = rot_axis(axis, ang0 + spin * age);
    mat3 Ro = rot_axis(axis, ang0 + spin * (age + u_dt_other));
    vec3 local = in_pos * shape * size;
    vec3 w = i_pos + R * local;
    vec3 wo = i_pos + i_vel * u_dt_other + Ro * local;
    v_world = w;
    v_normal = R * normalize(in_normal / max(shape, vec3(1e-3)));
    v_rest = local + vec3(id * 0.37, id * 0.11, 0.0);
    v_rest_normal = normalize(in_normal / max(shape, vec3(1e-3)));
    v_clip = u_viewproj * vec4(w, 1.0);
    v_clip_other = u_viewproj_other * vec4(wo, 1.0);
    v_ids = ivec2(u_object_base + kind, u_material_base + kind);
    gl_Position = v_clip;
}
