// Motion blur along each pixel's vector over the shutter interval (centred on the frame).
in vec2 v_uv;
uniform sampler2D u_color;
uniform sampler2D u_ids;        // zw = motion px to the next frame (+y down)
uniform vec2 u_size;
uniform float u_shutter;        // fraction of a frame the shutter is open (0.5 for 180 degrees)
uniform int u_samples;
out vec4 o_color;

void main() {
    vec2 m = textureLod(u_ids, v_uv, 0.0).zw;
    // look at neighbours too so that a moving edge also smears over the still background behind it
    vec2 best = m;
    for (int k = 0; k < 4; k++) {
        vec2 off = vec2(k == 0 ? 6.0 : (k == 1 ? -6.0 : 0.0), k == 2 ? 6.0 : (k == 3 ? -6.0 : 0.0)) / u_size;
        vec2 mk = textureLod(u_ids, v_uv + off, 0.0).zw;
        if (dot(mk, mk) > dot(best, best)) best = mk;
    }
    vec2 vel = best * u_shutter / u_size * vec2(1.0, -1.0);
    if (dot(best, best) * u_shutter * u_shutter < 0.25 || u_samples < 2) { o_color = textureLod(u_color, v_uv, 0.0); return; }
    vec4 sum = vec4(0.0);
    float j = hash21(gl_FragCoord.xy) - 0.5;
    for (int k = 0; k < u_samples; k++) {
        float t = (float(k) + 0.5 + j * 0.9) / float(u_samples) - 0.5;
        sum += textureLod(u_color, v_uv + vel * t, 0.0);
    }
    o_color = sum / float(u_samples);
}
