"""A uniform that a GL program reads but the render never sets is an error naming the program and the uniform."""

import pytest

from plano.errors import PlanoError
from plano.opengl import headless_context
from plano.render.gl_renderer import CheckedVertexArray, Program, _set

FRAG = """#version 450 core
uniform vec3 u_tint;
uniform float u_gain;
uniform float u_removed;  // not read: the compiler drops it
out vec4 colour;
void main() { colour = vec4(u_tint * u_gain, 1.0); }
"""
VERT = "#version 450 core\nvoid main() { gl_Position = vec4(0.0, 0.0, 0.0, 1.0); }\n"


@pytest.fixture
def program():
    ctx = headless_context()
    prog = Program("test.vert+test.frag", ctx.program(vertex_shader=VERT, fragment_shader=FRAG))
    fbo = ctx.simple_framebuffer((4, 4))
    fbo.use()
    yield ctx, prog
    fbo.release()


def test_drawing_with_an_unset_uniform_names_it(program):
    ctx, prog = program
    vao = CheckedVertexArray(ctx.vertex_array(prog.prog, []), prog)
    _set(prog, "u_tint", (1.0, 0.5, 0.2))
    _set(prog, "u_removed", 3.0)  # allowed: the program does not have it
    with pytest.raises(PlanoError, match=r"GL program test.vert\+test.frag: uniform u_gain is read but never set"):
        vao.render(vertices=1)
    _set(prog, "u_gain", 2.0)
    vao.render(vertices=1)
    assert prog.uniforms == {"u_tint", "u_gain"}


def test_an_unset_sampler_is_named_too(program):
    ctx, _ = program
    frag = """#version 450 core
uniform sampler2D u_tex;
uniform float u_gain;
out vec4 colour;
void main() { colour = texture(u_tex, vec2(0.5)) * u_gain; }
"""
    prog = Program("test.vert+sampler.frag", ctx.program(vertex_shader=VERT, fragment_shader=frag))
    vao = CheckedVertexArray(ctx.vertex_array(prog.prog, []), prog)
    _set(prog, "u_gain", 1.0)
    with pytest.raises(PlanoError, match=r"GL program test.vert\+sampler.frag: uniform u_tex is read but never set"):
        vao.render(vertices=1)
    _set(prog, "u_tex", 0)  # the texture unit it reads
    vao.render(vertices=1)


def test_the_renderer_sets_every_uniform_of_every_program():
    """A frame through every pass (shadow, g-buffer with particles, dust light volume and march, compose, depth of
    field, motion blur, anamorphic flares, supersample packing) renders, and each program had all its uniforms
    set; compose gets the dust box, so the dust shadows the surfaces inside it."""
    import dataclasses
    import sys
    from pathlib import Path

    import numpy as np

    sys.path.insert(0, str(Path(__file__).parent))
    from render_fixtures import MemorySimCache, fixture_scene, make_chunks

    from plano.render.gl_renderer import Renderer
    from plano.render.quality import RenderSettings
    from plano.render.run import render_frame

    scene = fixture_scene(frames=8, width=64, height=36, squeeze=2.0, focal_mm=85.0)
    scene = dataclasses.replace(scene, camera=dataclasses.replace(scene.camera, fstop=0.7))
    sim = MemorySimCache(scene, make_chunks(scene, 1), 8)
    s = RenderSettings(width=64, height=36, supersample=2, shadow_map_px=512, dust_steps=16, dust_half_res=False)
    r = Renderer(scene, s, sim.chunks)
    try:
        p = render_frame(scene, sim, 1007, s, renderer=r)
        assert p["beauty"].shape == (36, 64, 3) and np.isfinite(p["beauty"]).all() and p["dust"].max() > 0
        for name, prog in r.progs.items():
            assert prog.uniforms <= prog.set_names, (name, sorted(prog.uniforms - prog.set_names))
        compose = r.progs["compose"].prog
        box_min, box_size = r.dust_box
        assert np.allclose(compose["u_box_min"].value, box_min, atol=1e-4)
        assert np.allclose(compose["u_box_size"].value, box_size, atol=1e-4) and min(box_size) > 0
    finally:
        r.release()
