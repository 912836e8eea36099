// Depth of field: gather over a disc (an oval for anamorphic lenses), weighted by each sample's own blur.
in vec2 v_uv;
uniform sampler2D u_color;
uniform sampler2D u_pos;        // w = view depth, 0 for sky (infinitely far)
uniform vec2 u_size;
uniform float u_coc_k;          // coc_px = u_coc_k * |1 - focus / depth|  (with depth -> inf: u_coc_k)
uniform float u_focus;
uniform float u_max_coc;
uniform float u_squeeze;        // horizontal radius = vertical / squeeze
uniform int u_samples;
out vec4 o_color;

float coc(vec2 uv) {
    float d = textureLod(u_pos, uv, 0.0).w;
    float c = d > 0.0 ? u_coc_k * abs(1.0 - u_focus / d) : u_coc_k;
    return min(c, u_max_coc);
}

void main() {
    float c0 = coc(v_uv);
    vec4 center = textureLod(u_color, v_uv, 0.0);
    if (c0 < 0.5) { o_color = center; return; }
    vec4 sum = center;
    float wsum = 1.0;
    vec2 scale = vec2(c0 / u_squeeze, c0) / u_size;
    for (int k = 0; k < u_samples; k++) {
        float r = sqrt((float(k) + 0.5) / float(u_samples));
        float a = float(k) * 2.39996;
        vec2 o = vec2(cos(a), sin(a)) * r;
        vec2 uv = v_uv + o * scale;
        float ck = coc(uv);
        float w = smoothstep(r * c0 - 1.0, r * c0 + 0.5, ck);   // a sharp sample does not spread
        vec4 s = textureLod(u_color, uv, 0.0);
        float lum = dot(s.rgb, vec3(0.3, 0.6, 0.1));
        w *= 1.0 + min(lum, 50.0) * 0.02;                         // bright bokeh stands out
        sum += s * w;
        wsum += w;
    }
    o_color = sum / wsum;
}
