"""One texture id table (the material owner's) that both shaders agree with."""

import re
from importlib import resources

from plano.scene import preview
from plano.scene.materials import TEXTURE_IDS, material, material_names


def _branches(source: str, var: str) -> dict[int, str]:
    """{id: the comment of the branch} for lines like ``if (kind == 4 || kind == 6) {  // precast panels``."""
    out = {}
    for line in source.splitlines():
        ids = [int(x) for x in re.findall(rf"\b{var} == (\d+)", line)]
        m = re.search(r"//\s*(.*)", line)
        if ids and m and "{" in line:
            for i in ids:
                out.setdefault(i, m.group(1).lower())
    return out


def test_every_material_texture_has_an_id():
    for name in material_names():
        assert material(name).texture in TEXTURE_IDS


def test_the_render_shader_branches_on_the_table():
    src = resources.files("plano.render").joinpath("shaders", "gbuffer.frag").read_text()
    b = _branches(src, "kind")
    assert "concrete" in b[TEXTURE_IDS["concrete"]] and "board-formed" in b[TEXTURE_IDS["board_formed"]]
    assert "brick" in b[TEXTURE_IDS["brick"]]
    assert "panel" in b[TEXTURE_IDS["panel"]] and "stone" in b[TEXTURE_IDS["stone"]]
    assert "mullion" in b[TEXTURE_IDS["mullion"]] and "metal" in b[TEXTURE_IDS["metal"]]
    assert "asphalt" in b[TEXTURE_IDS["asphalt"]] and "paving" in b[TEXTURE_IDS["paving"]]
    assert "glass" in b[TEXTURE_IDS["glass"]] and "paper" in b[TEXTURE_IDS["paper"]]


def test_the_preview_shader_branches_on_the_table():
    b = _branches(preview._FS, "tex")
    assert "board-formed" in b[TEXTURE_IDS["board_formed"]] and "brick" in b[TEXTURE_IDS["brick"]]
    assert "panel" in b[TEXTURE_IDS["panel"]] and "mullion" in b[TEXTURE_IDS["mullion"]]
    assert not hasattr(preview, "TEXTURE_IDS")  # no second table
