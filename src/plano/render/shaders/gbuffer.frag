// The geometry buffer: surface properties with procedural material detail, depth, ids, motion.
in vec3 v_world;
in vec3 v_normal;
in vec3 v_rest;
in vec3 v_rest_normal;
in vec4 v_clip;
in vec4 v_clip_other;
flat in ivec2 v_ids;

struct Mat { vec4 color_rough; vec4 params; };   // params: metallic, transmission, texture kind, scale
layout(std430, binding = 2) readonly buffer Mats { Mat mats[]; };

uniform vec3 u_cam_pos;
uniform mat4 u_view;
uniform vec2 u_size;        // render target pixels
uniform float u_motion_sign;

layout(location = 0) out vec4 o_albedo;   // albedo, roughness
layout(location = 1) out vec4 o_normal;   // world normal, metallic
layout(location = 2) out vec4 o_pos;      // world position, view depth (m)
layout(location = 3) out vec4 o_ids;      // object id, material id, motion x, motion y (px, +y down)
layout(location = 4) out vec4 o_extra;    // transmission, cavity, interior light, coverage

uniform sampler2D u_noise2d;   // tileable fbm noise, 32 units per tile (mip-mapped, so it never aliases)
float tfbm(vec2 p) { return texture(u_noise2d, p / 32.0).r; }
float tfbm2(vec2 p) { return texture(u_noise2d, p / 32.0).g; }

// coordinates on the surface, metres: horizontal along the wall and height, or plan for flat faces
vec2 surface_uv(vec3 p, vec3 n) {
    if (abs(n.z) > 0.7) return p.xy;
    vec2 t = normalize(vec2(-n.y, n.x) + 1e-6);
    return vec2(dot(p.xy, t), p.z);
}

float line(float x, float period, float width) {   // 1 on a joint line of the given width (m)
    float d = abs(fract(x / period + 0.5) - 0.5) * period;
    return 1.0 - smoothstep(width * 0.5, width * 0.5 + 0.004, d);
}

void main() {
    Mat m = mats[v_ids.y];
    vec3 base = m.color_rough.rgb;
    float rough = m.color_rough.a;
    float metal = m.params.x;
    float trans = m.params.y;
    int kind = int(m.params.z + 0.5);
    float scale = max(m.params.w, 1e-3);

    vec3 N = normalize(v_normal);
    vec3 V = normalize(u_cam_pos - v_world);
    vec3 rn = normalize(v_rest_normal);
    vec3 p = v_rest / scale;
    vec2 uv = surface_uv(p, rn);
    bool vertical = abs(rn.z) <= 0.7;

    vec3 albedo = base;
    float cavity = 1.0;
    float interior = 0.0;
    vec3 dn = vec3(0.0);
    float fp = max(length(fwidth(uv)), 1e-5);      // metres per pixel: fade detail finer than a pixel
    #define AA(feature) (1.0 - smoothstep(0.1, 0.5, fp / (feature)))
    float big = tfbm(uv * 0.15 + 11.0);            // large scale weathering
    float mid = tfbm(uv * 1.3);

    if (kind == 1 || kind == 2) {                 // concrete, board-formed concrete
        float tint = 0.9 + 0.16 * (mid - 0.5) + 0.18 * (big - 0.5);
        albedo = base * tint;
        if (kind == 2 && vertical) {
            float bh = 0.15;
            float row = floor(uv.y / bh);
            float board = hash11(row * 7.13 + floor(uv.x / 2.4 + hash11(row) * 5.0));
            float grain = mix(0.5, tfbm(vec2(uv.x * 0.9, uv.y * 26.0) + row * 3.7), AA(0.08));
            board = mix(0.5, board, AA(0.3));
            float seam = line(uv.y, bh, 0.008) * AA(0.1);
            albedo *= (0.9 + 0.16 * board) * (0.9 + 0.2 * grain) * (1.0 - 0.3 * seam);
            cavity *= 1.0 - 0.45 * seam;
            dn.z += (grain - 0.5) * 0.12;
            vec2 tie = abs(fract(uv / vec2(0.6, 0.45)) - 0.5) * vec2(0.6, 0.45);
            float hole = (1.0 - smoothstep(0.012, 0.02, length(tie))) * AA(0.25);
            albedo *= 1.0 - 0.55 * hole;
            cavity *= 1.0 - 0.5 * hole;
        }
        if (vertical) {                           // rain streaks running down from edges
            float streak = tfbm(vec2(uv.x * 3.0, uv.y * 0.12 + 4.0));
            float drip = smoothstep(0.5, 0.85, streak) * (0.6 + 0.4 * tfbm(vec2(uv.x * 9.0, uv.y * 0.5)));
            albedo *= 1.0 - 0.35 * drip;
            rough = min(1.0, rough + 0.05 * drip);
        } else {   // flat concrete (slab tops, plazas, ground): pours, joints, weathering at every scale
            albedo *= (0.85 + 0.25 * mid) * (0.7 + 0.6 * smoothstep(0.3, 0.7, tfbm2(uv * 0.02 + 4.0)));
            float pour = hash21(floor(uv / 6.0));                                  // 6 m pours, each a shade off
            float joint = max(line(uv.x, 6.0, 0.02), line(uv.y, 6.0, 0.02)) * AA(0.5);
            albedo *= (0.92 + 0.16 * mix(0.5, pour, AA(3.0))) * (1.0 - 0.35 * joint);
            cavity *= 1.0 - 0.4 * joint;
        }
    } else if (kind == 3) {                       // brick with mortar courses
        vec2 b = uv / vec2(0.225, 0.075);
        if (!vertical) b = uv / vec2(0.225, 0.1125);
        float r = floor(b.y);
        b.x += 0.5 * mod(r, 2.0);
        vec2 f = fract(b), id = floor(b);
        float mortar = max(1.0 - smoothstep(0.03, 0.05, min(f.x, 1.0 - f.x)), 1.0 - smoothstep(0.08, 0.13, min(f.y, 1.0 - f.y)));
        mortar = mix(0.22, mortar, AA(0.1));
        vec3 brick = base * (0.72 + 0.5 * mix(0.5, hash21(id), AA(0.2))) * (0.88 + 0.24 * mix(0.5, tfbm(uv * 14.0), AA(0.15)));
        brick *= 0.9 + 0.2 * big;
        albedo = mix(brick, vec3(0.42, 0.40, 0.37), mortar);
        cavity = mix(1.0, 0.55, mortar);
        dn.z += (mortar - 0.5) * 0.0;
        rough = mix(rough, 0.95, mortar);
    } else if (kind == 4 || kind == 6) {          // precast panels or stone blocks with joints
        vec2 size = kind == 4 ? vec2(3.0, 1.5) : vec2(0.9, 0.45);
        vec2 b = uv / size;
        b.x += kind == 6 ? 0.5 * mod(floor(b.y), 2.0) : 0.0;
        vec2 f = fract(b) * size, id = floor(b);
        float jw = kind == 4 ? 0.02 : 0.006;
        float joint = 1.0 - smoothstep(jw, jw + 0.006, min(min(f.x, size.x - f.x), min(f.y, size.y - f.y)));
        joint = mix(2.0 * jw / size.y, joint, AA(size.y * 0.5));
        albedo = base * (0.86 + 0.26 * hash21(id)) * (0.88 + 0.2 * mid) * (1.0 - 0.55 * joint);
        cavity = 1.0 - 0.5 * joint;
        if (vertical) albedo *= 1.0 - 0.25 * smoothstep(0.55, 0.85, tfbm(vec2(uv.x * 2.0, uv.y * 0.15)));
    } else if (kind == 5 || kind == 11) {         // mullions, window frames, metal
        float grid = max(line(uv.x, 1.5, 0.08), line(uv.y, 1.2, 0.08)) * AA(0.6);
        albedo = base * (0.9 + 0.2 * mid) * (1.0 - 0.3 * grid);
        cavity = 1.0 - 0.4 * grid;
    } else if (kind == 7) {                       // asphalt: speckle, patches, cracks
        float speck = mix(0.5, hash21(floor(uv * 60.0)), AA(0.06));
        float patchy = smoothstep(0.55, 0.7, tfbm(uv * 0.08 + 5.0));
        float crack = (1.0 - smoothstep(0.0, 0.012, abs(tfbm2(uv * 1.7) - 0.5))) * AA(0.3) * smoothstep(0.5, 0.7, tfbm(uv * 0.2 + 3.0));
        float worn = tfbm2(uv * 0.05 + 1.3);                                   // sun-bleached, worn lighter
        float repair = smoothstep(0.6, 0.62, tfbm(uv * 0.03 + 7.0));             // newer, darker repair patches
        float stain = smoothstep(0.55, 0.8, tfbm2(uv * 0.4 + 2.0));             // oil and water stains
        albedo = base * (0.85 + 0.3 * speck) * (0.8 + 0.4 * mid) * (1.0 - 0.25 * patchy) * (1.0 - 0.4 * crack);
        albedo *= (0.8 + 0.9 * smoothstep(0.35, 0.75, worn)) * (1.0 - 0.35 * repair) * (1.0 - 0.3 * stain);
        rough = clamp(rough - 0.15 * patchy - 0.2 * stain, 0.3, 1.0);
    } else if (kind == 8) {                       // paving slabs
        vec2 b = uv / 0.6;
        vec2 f = fract(b), id = floor(b);
        float joint = (1.0 - smoothstep(0.015, 0.03, min(min(f.x, 1.0 - f.x), min(f.y, 1.0 - f.y)))) * AA(0.3);
        albedo = base * (0.82 + 0.3 * hash21(id)) * (0.9 + 0.2 * tfbm(uv * 3.0)) * (1.0 - 0.4 * joint);
        cavity = 1.0 - 0.5 * joint;
    } else if (kind == 9) {                       // glass: panes with frames, reflections vary per pane
        vec2 pane = vec2(1.5, 1.2);
        vec2 b = uv / pane;
        vec2 f = fract(b) * pane, id = floor(b);
        float frame = 1.0 - smoothstep(0.035, 0.045, min(min(f.x, pane.x - f.x), min(f.y, pane.y - f.y)));
        frame = mix(0.1, frame, AA(0.3));
        float h = hash21(id + 0.5);
        interior = h > 0.94 ? 0.3 + 0.3 * hash21(id + 3.0) : 0.06 * h;   // a few rooms lit, blinds in some
        if (h > 0.6 && h < 0.72) interior = 0.12 + 0.1 * step(0.5, fract(f.y * 12.0)) * AA(0.1);
        interior *= 0.55 + 0.7 * smoothstep(0.1, 1.0, f.y / pane.y);   // ceiling lights: brighter at the top
        dn += vec3(hash21(id) - 0.5, hash21(id + 9.0) - 0.5, 0.0) * 0.04;
        if (frame > 0.5) {
            albedo = vec3(0.06, 0.06, 0.065);
            rough = 0.5;
            trans = 0.0;
            interior = 0.0;
            dn = vec3(0.0);
        }
        cavity = 1.0 - 0.3 * frame;
    } else if (kind == 10) {                      // paper
        albedo = base * (0.9 + 0.2 * hash21(floor(v_rest.xy * 40.0)));
    }
    if ((kind == 1 || kind == 2 || kind == 4 || kind == 6) && vertical) {
        // weathering at the scale of the building (metres to tens of metres): runoff bands and damp patches
        // that still read from across the street
        float band = tfbm2(vec2(uv.x * 0.12, uv.y * 0.025) + 9.0);
        albedo *= 0.8 + 0.35 * smoothstep(0.3, 0.7, band);
    }
    if (kind != 9 && kind != 7 && kind != 8 && v_rest.z < 2.0 && vertical) {
        albedo *= mix(0.72, 1.0, smoothstep(0.0, 2.0, v_rest.z));   // grime near the ground
    }

    N = normalize(N + dn);
    if (dot(N, V) < 0.0) N = normalize(N - 2.0 * dot(N, V) * V * 0.5);

    vec2 ndc = v_clip.xy / v_clip.w;
    vec2 ndo = v_clip_other.xy / v_clip_other.w;
    vec2 px = vec2((ndc.x + 1.0) * 0.5 * u_size.x, (1.0 - ndc.y) * 0.5 * u_size.y);
    vec2 pxo = vec2((ndo.x + 1.0) * 0.5 * u_size.x, (1.0 - ndo.y) * 0.5 * u_size.y);
    vec2 motion = u_motion_sign * (pxo - px);
    float depth = -(u_view * vec4(v_world, 1.0)).z;

    o_albedo = vec4(clamp(albedo, 0.0, 1.0), clamp(rough, 0.03, 1.0));
    o_normal = vec4(N, metal);
    o_pos = vec4(v_world, depth);
    o_ids = vec4(float(v_ids.x), float(v_ids.y), motion);
    o_extra = vec4(trans, cavity, interior, 1.0);
}
