// Single-scatter ray-march of the dust grid, stopped at the opaque depth.
// Out: rgb in-scattered light (ACEScg), a = transmittance along the view ray; and the same marched on past the
// render's own stand-ins (neighbours, street furniture: what a plate replaces) for comp over a plate.
in vec2 v_uv;
uniform sampler2D u_pos;          // g-buffer world position, w = view depth (0: sky)
uniform sampler3D u_density;
uniform sampler3D u_light;        // r sun transmittance, g sky visibility, b geometry shadow
uniform sampler3D u_noise;        // tileable detail noise
uniform mat4 u_inv_viewproj;
uniform vec3 u_cam_pos;
uniform vec3 u_box_min;
uniform vec3 u_box_size;
uniform vec3 u_march_min;      // the occupied part of the grid
uniform vec3 u_march_max;
uniform int u_steps;
uniform float u_ext;
uniform float u_smoke_ext;       // extra extinction of smoke over dust, per unit smoke fraction
uniform vec3 u_albedo;
uniform vec3 u_smoke_albedo;
uniform float u_g;
uniform float u_time;
uniform vec3 u_wind;
uniform float u_noise_scale;
uniform float u_powder_m;       // depth over which the powder effect builds (a few cells)
uniform float u_frame_seed;
uniform sampler2D u_ids;         // object id in x
uniform sampler2D u_standin;     // (ids, 1): 1 where the object is a stand-in a plate replaces
uniform int u_n_ids;
layout(location = 0) out vec4 o_dust;
layout(location = 1) out vec4 o_dust_plate;

void main() {
    vec4 a = u_inv_viewproj * vec4(v_uv * 2.0 - 1.0, -1.0, 1.0);
    vec4 b = u_inv_viewproj * vec4(v_uv * 2.0 - 1.0, 1.0, 1.0);
    vec3 ro = u_cam_pos;
    vec3 rd = normalize(b.xyz / b.w - a.xyz / a.w);
    vec4 P = textureLod(u_pos, v_uv, 0.0);
    float tmax = 1e9;
    float tmax_plate = 1e9;
    if (P.w > 0.0) {
        tmax = length(P.xyz - ro);
        int id = clamp(int(textureLod(u_ids, v_uv, 0.0).x + 0.5), 0, u_n_ids - 1);
        tmax_plate = texelFetch(u_standin, ivec2(id, 0), 0).r > 0.5 ? 1e9 : tmax;
    }

    vec3 inv = 1.0 / (rd + vec3(rd.x == 0.0 ? 1e-9 : 0.0, rd.y == 0.0 ? 1e-9 : 0.0, rd.z == 0.0 ? 1e-9 : 0.0));
    vec3 t0 = (u_march_min - ro) * inv, t1 = (u_march_max - ro) * inv;
    vec3 tn = min(t0, t1), tf = max(t0, t1);
    float tenter = max(max(max(tn.x, tn.y), tn.z), 0.0);
    float tbox = min(min(tf.x, tf.y), tf.z);
    float texit = min(tbox, tmax);
    float texit_plate = min(tbox, tmax_plate);
    if (texit_plate <= tenter) { o_dust = vec4(0.0, 0.0, 0.0, 1.0); o_dust_plate = o_dust; return; }

    // steps in proportion to the length inside the occupied box (a grazing ray needs few); the render's part of
    // the ray sets the step, and the march goes on past a stand-in with the same step for the plate's dust
    float diag = length(u_march_max - u_march_min);
    bool render_ray = texit > tenter;     // false: a stand-in in front of all the dust
    float seg = render_ray ? texit - tenter : texit_plate - tenter;
    int nseg = clamp(int(ceil(float(u_steps) * seg / max(diag * 0.6, 1e-3))), 6, u_steps);
    float dt = seg / float(nseg);
    int steps = render_ray ? nseg : 0;
    int steps_plate = max(steps, min(int(ceil((texit_plate - tenter) / dt - 1e-4)), 2 * u_steps));
    // interleaved gradient noise: an even spread of ray offsets between neighbours (less grain than white noise)
    vec2 fc = gl_FragCoord.xy + vec2(5.588238, 5.588238) * u_frame_seed;
    float jitter = fract(52.9829189 * fract(dot(fc, vec2(0.06711056, 0.00583715))));
    float T = 1.0;
    vec3 L = vec3(0.0);
    float Tr = 1.0;
    vec3 Lr = vec3(0.0);
    float ph = phase_hg(dot(rd, u_sun_dir), u_g) * 4.0 * PI;
    vec3 amb = mix(u_horizon, u_zenith, 0.4) + u_ground * 0.3;
    for (int i = 0; i < steps_plate; i++) {
        float t = tenter + (float(i) + jitter) * dt;
        if (i == steps) { Tr = T; Lr = L; }   // the render's ray ends here
        vec3 p = ro + rd * t;
        vec3 uvw = (p - u_box_min) / u_box_size;
        vec2 ds = texture(u_density, uvw).rg;   // density kg/m^3, smoke fraction
        float d = ds.r;
        if (d * u_ext <= 1e-5) continue;   // thinner than 1e-5 per metre: nothing to see
        float n = texture(u_noise, p * u_noise_scale + u_wind * u_time).r;
        float n2 = texture(u_noise, p * u_noise_scale * 2.3 - u_wind * u_time * 1.7).r;
        // billows: noise carves the grid's smooth blobs, hard where the dust is thin (a lumpy, see-through
        // edge), gently in the dense core (which stays solid)
        float fbm = (1.9 * n + 0.9 * n2) / 2.8;
        float core = 1.0 - exp(-d * u_ext * 0.12 * u_powder_m);   // ~1 where a quarter cell is opaque
        d *= clamp((fbm - 0.55 + 0.7 * core) * 3.0, 0.0, 1.0) * (0.6 + 0.8 * fbm);
        float sigma = d * u_ext * (1.0 + u_smoke_ext * ds.g);   // soot blocks far more light per kg than dust
        if (sigma <= 1e-6) continue;
        vec4 lv = texture(u_light, uvw);
        // "powder": light scattered out of a billow's sunlit skin before it reaches the inside makes dense
        // regions darker towards the sun than thin ones, which gives front-lit clouds their relief
        float powder = mix(1.0, 1.0 - exp(-2.0 * sigma * u_powder_m), 0.6);
        vec3 S = mix(u_albedo, u_smoke_albedo, ds.g) * (u_sun_rgb * (lv.r * lv.b) * ph * powder * (1.0 - 0.7 * u_cloud) + amb * lv.g * (1.0 + u_cloud));
        float e = exp(-sigma * dt);
        L += T * S * (1.0 - e);
        T *= e;
        if (T < 0.004) { T = 0.0; if (i < steps) { Tr = T; Lr = L; } break; }
    }
    if (steps_plate <= steps) { Tr = T; Lr = L; }
    o_dust = vec4(Lr, Tr);
    o_dust_plate = vec4(L, T);
}
