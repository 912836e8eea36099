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
