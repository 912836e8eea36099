// Supersampled buffers -> delivered pixels: colour, alpha, dust and motion averaged over the ss x ss block;
// depth, ids and normals from one sample; the dust's own light (averaged) rides in the spare channels (averaging ids or depths across an edge would invent values).
uniform sampler2D u_color;
uniform sampler2D u_aux;    // camera normal, dust opacity
uniform sampler2D u_pos;    // w = depth
uniform sampler2D u_ids;    // object id, material id, motion px
uniform sampler2D u_dust_rgb;  // the light the dust adds
uniform sampler2D u_dust_plate;  // the dust past the stand-ins: light, opacity
uniform int u_ss;
layout(location = 0) out vec4 o_color;
layout(location = 1) out vec4 o_depth_ids_dust;
layout(location = 2) out vec4 o_normal;   // w: dust light R
layout(location = 3) out vec4 o_motion;   // zw: dust light G, B
layout(location = 4) out vec4 o_dust_plate;
void main() {
    ivec2 base = ivec2(gl_FragCoord.xy) * u_ss;
    vec4 c = vec4(0.0);
    float dust = 0.0;
    vec2 m = vec2(0.0);
    vec3 drgb = vec3(0.0);
    vec4 dplate = vec4(0.0);
    for (int j = 0; j < u_ss; j++) {
        for (int i = 0; i < u_ss; i++) {
            ivec2 q = base + ivec2(i, j);
            c += texelFetch(u_color, q, 0);
            dust += texelFetch(u_aux, q, 0).a;
            m += texelFetch(u_ids, q, 0).zw;
            drgb += texelFetch(u_dust_rgb, q, 0).rgb;
            dplate += texelFetch(u_dust_plate, q, 0);
        }
    }
    float k = 1.0 / float(u_ss * u_ss);
    ivec2 pick = base + ivec2(0, u_ss - 1);   // the top-left sample of the block, as the image is read top-down
    vec4 ids = texelFetch(u_ids, pick, 0);
    o_color = c * k;
    o_depth_ids_dust = vec4(texelFetch(u_pos, pick, 0).w, ids.x, ids.y, dust * k);
    drgb *= k;
    o_normal = vec4(texelFetch(u_aux, pick, 0).xyz, drgb.r);
    o_motion = vec4(m * k / float(u_ss), drgb.g, drgb.b);
    o_dust_plate = dplate * k;
}
