in vec2 v_uv;
uniform sampler2D u_color;
uniform sampler2D u_flare;
uniform vec3 u_tint;
uniform float u_strength;
out vec4 o_color;
void main() {
    vec4 c = textureLod(u_color, v_uv, 0.0);
    vec3 f = textureLod(u_flare, v_uv, 0.0).rgb;
    o_color = vec4(c.rgb + u_tint * dot(f, vec3(0.3, 0.6, 0.1)) * u_strength, c.a);
}
