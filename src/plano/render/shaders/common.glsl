// Shared by every pass: hashes, value noise, the sky, the phase function.
const float PI = 3.14159265359;

float hash11(float p) { p = fract(p * 0.1031); p *= p + 33.33; p *= p + p; return fract(p); }
float hash21(vec2 p) { vec3 p3 = fract(vec3(p.xyx) * 0.1031); p3 += dot(p3, p3.yzx + 33.33); return fract((p3.x + p3.y) * p3.z); }
float hash31(vec3 p3) { p3 = fract(p3 * 0.1031); p3 += dot(p3, p3.zyx + 31.32); return fract((p3.x + p3.y) * p3.z); }
vec2 hash22(vec2 p) { vec3 p3 = fract(vec3(p.xyx) * vec3(0.1031, 0.1030, 0.0973)); p3 += dot(p3, p3.yzx + 33.33); return fract((p3.xx + p3.yz) * p3.zy); }

float vnoise(vec2 p) {
    vec2 i = floor(p), f = fract(p);
    vec2 u = f * f * (3.0 - 2.0 * f);
    return mix(mix(hash21(i), hash21(i + vec2(1, 0)), u.x), mix(hash21(i + vec2(0, 1)), hash21(i + vec2(1, 1)), u.x), u.y);
}
float fbm(vec2 p) {
    float s = 0.0, a = 0.5;
    for (int k = 0; k < 4; k++) { s += a * vnoise(p); p = p * 2.03 + vec2(17.1, 9.7); a *= 0.5; }
    return s / 0.9375;
}

// sky: set by the host
uniform vec3 u_zenith;
uniform vec3 u_horizon;
uniform vec3 u_ground;
uniform vec3 u_sun_dir;     // unit, towards the sun
uniform vec3 u_sun_rgb;     // irradiance scale of the sun (ACEScg)
uniform float u_cloud;      // 0 clear .. 1 overcast

vec3 sky_radiance(vec3 d, bool with_sun) {
    float h = d.z;
    vec3 c;
    if (h >= 0.0) {
        c = mix(u_horizon, u_zenith, pow(clamp(h, 0.0, 1.0), 0.5));
        c += u_horizon * 0.35 * pow(1.0 - h, 10.0);
    } else {
        c = mix(u_horizon, u_ground, clamp(-h * 8.0, 0.0, 1.0));
    }
    float mu = max(dot(d, u_sun_dir), 0.0);
    c += u_sun_rgb * (0.012 * pow(mu, 12.0) + 0.08 * pow(mu, 400.0)) * (1.0 - 0.7 * u_cloud);
    if (h > 0.0 && u_cloud > 0.02) {
        // a cloud layer: fbm on a plane, denser with cloud cover, lit from the sun side
        vec2 q = d.xy / (h + 0.08) * 1.6;
        float n = fbm(q + vec2(3.1, 1.7)) * 0.65 + fbm(q * 3.7) * 0.35;
        float cover = smoothstep(1.0 - u_cloud, 1.15 - u_cloud * 0.6, n) * smoothstep(0.0, 0.15, h);
        vec3 grey = mix(u_horizon, vec3(dot(u_horizon, vec3(0.33))), 0.6) * (0.9 + 0.5 * pow(mu, 4.0));
        c = mix(c, grey, cover);
    }
    if (with_sun) {
        float disc = smoothstep(0.99996, 0.99999, dot(d, u_sun_dir));
        c += u_sun_rgb * 250.0 * disc * (1.0 - u_cloud);
    }
    return c;
}

// hemispherical sky irradiance for a surface normal (divided by PI: multiply by albedo directly)
vec3 sky_irradiance(vec3 n) {
    float up = n.z * 0.5 + 0.5;
    vec3 skyc = mix(u_horizon, u_zenith, 0.5);
    return mix(u_ground * 0.6 + u_horizon * 0.2, skyc, up);
}

float phase_hg(float cos_t, float g) {
    float g2 = g * g;
    return (1.0 - g2) / (4.0 * PI * pow(max(1.0 + g2 - 2.0 * g * cos_t, 1e-4), 1.5));
}
