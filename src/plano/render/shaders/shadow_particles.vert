layout(location = 0) in vec3 in_pos;
in vec3 i_pos;
in vec4 i_size_kind_id_age;
uniform mat4 u_light_viewproj;
void main() {
    float size = i_size_kind_id_age.x;
    int kind = int(i_size_kind_id_age.y + 0.5);
    vec3 shape = kind == 1 ? vec3(0.8) : vec3(0.7, 0.5, 0.1);
    gl_Position = u_light_viewproj * vec4(i_pos + in_pos * shape * size, 1.0);
}
