// Per-frame light volume for the dust (coarser than the density grid):
// r = sun transmittance through the dust, g = sky visibility (transmittance upwards), b = geometry sun shadow.
layout(local_size_x = 4, local_size_y = 4, local_size_z = 4) in;
layout(rgba16f, binding = 0) writeonly uniform image3D u_light;
uniform sampler3D u_density;
uniform sampler2DShadow u_shadow;
uniform mat4 u_light_viewproj;
uniform vec3 u_box_min;
uniform vec3 u_box_size;
uniform ivec3 u_dims;          // light volume voxels
uniform float u_ext;           // extinction per metre per density unit
uniform float u_smoke_ext;     // extra extinction of smoke over dust, per unit smoke fraction
uniform int u_steps;

float dens(vec3 q) {
    vec3 uvw = (q - u_box_min) / u_box_size;
    if (any(lessThan(uvw, vec3(0.0))) || any(greaterThan(uvw, vec3(1.0)))) return -1.0;
    vec2 ds = texture(u_density, uvw).rg;
    return ds.r * (1.0 + u_smoke_ext * ds.g);   // smoke (fraction g) is darker per kg than dust
}

void main() {
    ivec3 g = ivec3(gl_GlobalInvocationID);
    if (any(greaterThanEqual(g, u_dims))) return;
    vec3 cell = u_box_size / vec3(u_dims);
    vec3 p = u_box_min + (vec3(g) + 0.5) * cell;
    float ds = min(cell.x, min(cell.y, cell.z));
    float tau = 0.0;
    for (int k = 1; k <= u_steps; k++) {
        float d = dens(p + u_sun_dir * ds * (float(k) - 0.5));
        if (d < 0.0) break;
        tau += d * u_ext * ds;
    }
    float tau_up = 0.0;
    for (int k = 1; k <= u_steps / 2; k++) {
        float d = dens(p + vec3(0.0, 0.0, 2.0 * ds * (float(k) - 0.5)));
        if (d < 0.0) break;
        tau_up += d * u_ext * 2.0 * ds;
    }
    vec4 c = u_light_viewproj * vec4(p, 1.0);
    vec3 s = c.xyz / c.w * 0.5 + 0.5;
    float geo = 1.0;
    if (all(greaterThan(s, vec3(0.0))) && all(lessThan(s, vec3(1.0)))) geo = texture(u_shadow, vec3(s.xy, s.z - 0.002));
    imageStore(u_light, g, vec4(exp(-tau), exp(-0.5 * tau_up), geo, 1.0));
}
