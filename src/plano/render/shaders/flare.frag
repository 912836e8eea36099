// Anamorphic streaks: a wide horizontal blur of what is brighter than a threshold (at a reduced size).
in vec2 v_uv;
uniform sampler2D u_color;
uniform float u_threshold;
uniform float u_width;          // streak half length in uv
out vec4 o_color;
void main() {
    vec3 sum = vec3(0.0);
    const int N = 48;
    for (int k = -N; k <= N; k++) {
        float x = float(k) / float(N);
        vec3 c = textureLod(u_color, v_uv + vec2(x * u_width, 0.0), 2.0).rgb;
        float l = dot(c, vec3(0.3, 0.6, 0.1));
        sum += c * max(l - u_threshold, 0.0) / max(l, 1e-4) * exp(-abs(x) * 4.0);
    }
    o_color = vec4(sum / float(N), 1.0);
}
