// Deferred lighting: sun (GGX + Lambert, PCF shadows, dust shadow), sky light with SSAO, glass, haze, sky,
// then the dust volume over it. Out: beauty (scene-linear ACEScg) + alpha; camera normal + dust opacity.
in vec2 v_uv;
uniform sampler2D u_albedo;
uniform sampler2D u_normal;
uniform sampler2D u_pos;
uniform sampler2D u_extra;
uniform sampler2D u_dust;
uniform sampler2D u_dust_plate;    // the dust marched past the render's stand-ins (for comp over a plate)
uniform sampler2DShadow u_shadow;
uniform sampler3D u_light;
uniform mat4 u_light_viewproj;
uniform mat4 u_viewproj;
uniform mat4 u_view;
uniform mat4 u_inv_viewproj;
uniform vec3 u_cam_pos;
uniform vec2 u_size;
uniform vec2 u_dust_size;
uniform float u_shadow_texel;     // shadow map texel in uv
uniform float u_shadow_world;     // world metres per shadow texel
uniform int u_shadow_taps;
uniform int u_ao_samples;
uniform float u_ao_radius;
uniform float u_haze;
uniform int u_dust_plate_on;   // 1: the dust past the stand-ins is wanted (a shot with a plate)
uniform int u_has_dust;
uniform vec3 u_box_min;
uniform vec3 u_box_size;
uniform float u_exposure;
layout(location = 0) out vec4 o_beauty;
layout(location = 1) out vec4 o_aux;     // camera-space normal, dust opacity
layout(location = 2) out vec4 o_dust_rgb; // the light the dust adds (premultiplied), for comp over a plate
layout(location = 3) out vec4 o_dust_plate; // the same past the stand-ins a plate replaces: light, opacity

const vec2 POISSON[16] = vec2[](
    vec2(-0.94201624, -0.39906216), vec2(0.94558609, -0.76890725), vec2(-0.09418410, -0.92938870),
    vec2(0.34495938, 0.29387760), vec2(-0.91588581, 0.45771432), vec2(-0.81544232, -0.87912464),
    vec2(-0.38277543, 0.27676845), vec2(0.97484398, 0.75648379), vec2(0.44323325, -0.97511554),
    vec2(0.53742981, -0.47373420), vec2(-0.26496911, -0.41893023), vec2(0.79197514, 0.19090188),
    vec2(-0.24188840, 0.99706507), vec2(-0.81409955, 0.91437590), vec2(0.19984126, 0.78641367),
    vec2(0.14383161, -0.14100790));

float sun_shadow(vec3 P, vec3 N, float rot) {
    float ndl = dot(N, u_sun_dir);
    vec3 Pb = P + N * u_shadow_world * (1.5 + 2.0 * (1.0 - abs(ndl)));
    vec4 c = u_light_viewproj * vec4(Pb, 1.0);
    vec3 s = c.xyz / c.w * 0.5 + 0.5;
    if (any(lessThan(s, vec3(0.0))) || any(greaterThan(s, vec3(1.0)))) return 1.0;
    float radius = u_shadow_texel * (1.5 + 6.0 * u_cloud);
    float cs = cos(rot), sn = sin(rot);
    mat2 R = mat2(cs, sn, -sn, cs);
    float sum = 0.0;
    for (int k = 0; k < u_shadow_taps; k++) {
        sum += texture(u_shadow, vec3(s.xy + R * POISSON[k] * radius, s.z - 0.0004));
    }
    return sum / float(u_shadow_taps);
}

float ssao(vec3 P, vec3 N, float depth, float rnd) {
    if (u_ao_samples == 0) return 1.0;
    vec3 t = normalize(abs(N.z) < 0.9 ? cross(N, vec3(0, 0, 1)) : cross(N, vec3(1, 0, 0)));
    vec3 b = cross(N, t);
    float occ = 0.0;
    float radius = u_ao_radius * clamp(depth / 60.0, 0.5, 3.0);
    for (int k = 0; k < u_ao_samples; k++) {
        float a = (float(k) + rnd) * 2.39996;
        float r = sqrt((float(k) + 0.5) / float(u_ao_samples));
        float h = sqrt(max(0.0, 1.0 - r * r));
        vec3 dir = (t * cos(a) * r + b * sin(a) * r + N * h) * radius * mix(0.3, 1.0, hash11(float(k) + rnd * 7.0));
        vec3 S = P + dir;
        vec4 c = u_viewproj * vec4(S, 1.0);
        vec2 suv = c.xy / c.w * 0.5 + 0.5;
        if (any(lessThan(suv, vec2(0.0))) || any(greaterThan(suv, vec2(1.0)))) continue;
        float sd = -(u_view * vec4(S, 1.0)).z;
        float scene = textureLod(u_pos, suv, 0.0).w;
        if (scene > 0.0 && scene < sd - 0.05) occ += smoothstep(0.0, 1.0, radius / abs(depth - scene));
    }
    return 1.0 - occ / float(u_ao_samples);
}

vec3 fresnel(vec3 f0, float c) { return f0 + (1.0 - f0) * pow(1.0 - c, 5.0); }

float ggx_spec(vec3 N, vec3 V, vec3 L, float rough) {
    vec3 H = normalize(V + L);
    float a = rough * rough, a2 = a * a;
    float nh = max(dot(N, H), 0.0), nv = max(dot(N, V), 1e-3), nl = max(dot(N, L), 0.0);
    float d = nh * nh * (a2 - 1.0) + 1.0;
    float D = a2 / (PI * d * d);
    float k = (rough + 1.0) * (rough + 1.0) / 8.0;
    float G = (nv / (nv * (1.0 - k) + k)) * (nl / (nl * (1.0 - k) + k));
    return D * G / (4.0 * nv * max(nl, 1e-3));
}

// the dust was marched at a lower resolution: upsample it from the 3x3 nearest dust texels with a tent filter
// (which also evens out the march's per-pixel jitter) weighted by how close the depth each of them stopped at
// is to this pixel's depth (no halo of dust across a building's edge)
float far_depth(float d) { return d > 0.0 ? d : 1e7; }
vec4 dust_sample(sampler2D dust_tex, vec2 uv, float depth) {
    if (u_dust_size.x >= u_size.x) return textureLod(dust_tex, uv, 0.0);
    vec2 st = uv * u_dust_size - 0.5;
    ivec2 i0 = ivec2(floor(st + 0.5));
    float dz = far_depth(depth);
    vec4 sum = vec4(0.0);
    float wsum = 0.0;
    for (int k = 0; k < 9; k++) {
        ivec2 c = ivec2(k % 3 - 1, k / 3 - 1);
        ivec2 t = clamp(i0 + c, ivec2(0), ivec2(u_dust_size) - 1);
        vec2 dd = abs(vec2(i0 + c) - st);
        float wb = max(1.5 - dd.x, 0.0) * max(1.5 - dd.y, 0.0);
        float tz = far_depth(textureLod(u_pos, (vec2(t) + 0.5) / u_dust_size, 0.0).w);
        float wz = 1.0 / (1e-3 + abs(tz - dz) / min(tz, dz));
        float w = wb * wz + 1e-6;
        sum += texelFetch(dust_tex, t, 0) * w;
        wsum += w;
    }
    return sum / wsum;
}

void main() {
    vec4 A = textureLod(u_albedo, v_uv, 0.0);
    vec4 Nm = textureLod(u_normal, v_uv, 0.0);
    vec4 P = textureLod(u_pos, v_uv, 0.0);
    vec4 E = textureLod(u_extra, v_uv, 0.0);
    vec4 a = u_inv_viewproj * vec4(v_uv * 2.0 - 1.0, -1.0, 1.0);
    vec4 b = u_inv_viewproj * vec4(v_uv * 2.0 - 1.0, 1.0, 1.0);
    vec3 rd = normalize(b.xyz / b.w - a.xyz / a.w);
    vec3 col;
    float alpha = 0.0;
    vec3 ncam = vec3(0.0);
    if (E.a < 0.5) {
        col = sky_radiance(rd, true);
    } else {
        alpha = 1.0;
        vec3 N = normalize(Nm.xyz);
        ncam = normalize(mat3(u_view) * N);
        vec3 V = -rd;
        vec3 L = u_sun_dir;
        float rnd = hash21(gl_FragCoord.xy);
        float shadow = sun_shadow(P.xyz, N, rnd * 6.2831);
        float dust_t = 1.0;
        if (u_has_dust == 1) {
            vec3 uvw = (P.xyz - u_box_min) / u_box_size;
            if (all(greaterThan(uvw, vec3(0.0))) && all(lessThan(uvw, vec3(1.0)))) dust_t = texture(u_light, uvw).r;
        }
        float ao = ssao(P.xyz, N, P.w, rnd) * E.g;
        float rough = A.a, metal = Nm.a, trans = E.r;
        vec3 albedo = A.rgb;
        float nl = max(dot(N, L), 0.0), nv = max(dot(N, V), 1e-3);
        vec3 f0 = mix(vec3(0.04), albedo, metal);
        vec3 F = fresnel(f0, nv);
        vec3 sun = u_sun_rgb * (1.0 - 0.85 * u_cloud) * shadow * dust_t;
        vec3 diffuse_c = albedo * (1.0 - metal) * (1.0 - trans);
        vec3 spec = fresnel(f0, max(dot(normalize(V + L), V), 0.0)) * ggx_spec(N, V, L, rough);
        col = (diffuse_c * (1.0 - F) + spec * PI) * sun * nl;
        vec3 sky_amb = sky_irradiance(N) * (1.0 + 1.2 * u_cloud);
        col += diffuse_c * sky_amb * ao;
        vec3 R = reflect(-V, N);
        vec3 env = sky_radiance(normalize(vec3(R.xy, max(R.z, -0.3))), false);
        if (R.z < 0.0) env = mix(env, u_ground * 0.5, clamp(-R.z * 4.0, 0.0, 1.0));
        float spec_occ = mix(ao, 1.0, 0.3);
        vec3 fr = f0 + (max(vec3(1.0 - rough), f0) - f0) * pow(1.0 - nv, 5.0);   // Fresnel damped by roughness
        col += fr * env * (1.0 - rough * 0.5) * spec_occ;
        if (trans > 0.0) {
            // glass: a dark room behind, some rooms lit, tinted by the glass
            vec3 room = mix(vec3(0.012, 0.012, 0.011), vec3(0.78, 0.72, 0.62), E.b);
            vec3 tint = mix(vec3(1.0), albedo / max(max(albedo.r, albedo.g), max(albedo.b, 1e-3)), 0.3);
            col += (1.0 - F) * trans * room * tint * 0.5;
        }
        float dist = length(P.xyz - u_cam_pos);
        float T = exp(-u_haze * dist);
        float mu = dot(rd, u_sun_dir);
        vec3 haze_col = u_horizon * (1.0 + 0.4 * u_cloud) + u_sun_rgb * 0.05 * phase_hg(mu, 0.6) * 4.0 * PI * (1.0 - u_cloud);
        col = col * T + haze_col * (1.0 - T);
    }
    float dust_op = 0.0;
    vec3 dust_rgb = vec3(0.0);
    if (u_has_dust == 1) {
        vec4 d = dust_sample(u_dust, v_uv, P.w);
        col = col * d.a + d.rgb;
        dust_rgb = d.rgb;
        alpha = 1.0 - (1.0 - alpha) * d.a;
        dust_op = 1.0 - d.a;
    }
    col = clamp(col * u_exposure, 0.0, 60000.0);
    o_beauty = vec4(col, alpha);
    o_aux = vec4(ncam, dust_op);
    o_dust_rgb = vec4(clamp(dust_rgb * u_exposure, 0.0, 60000.0), P.w);   // w: the view depth, read back with it
    vec4 dp = u_has_dust == 1 && u_dust_plate_on == 1 ? dust_sample(u_dust_plate, v_uv, P.w) : vec4(0.0, 0.0, 0.0, 1.0);
    o_dust_plate = vec4(clamp(dp.rgb * u_exposure, 0.0, 60000.0), 1.0 - dp.a);
}
