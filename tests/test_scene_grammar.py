"""Styles are data: the hero builder reads what a grammar entry says, never a style's name."""

import dataclasses
import inspect

import numpy as np

from plano.scene import hero
from plano.scene.grammar import GRAMMARS, dimensions, vary
from plano.scene.hero import build_hero


def _build(g, seed=5):
    rng = np.random.default_rng(seed)
    g = vary(g, rng)
    parts, facts = build_hero(g, dimensions(g, "office_tower", 1965, None, rng), 1965, rng)
    return parts


def test_the_builders_name_no_style():
    from plano.scene import street

    for module in (hero, street):
        source = inspect.getsource(module).replace('GRAMMARS["modernist"]', "")  # the fallback for unknown styles
        for style in GRAMMARS:
            assert f'"{style}"' not in source and f"'{style}'" not in source, (module.__name__, style)


def test_a_new_style_is_a_new_grammar_entry():
    brutalist = GRAMMARS["brutalist"]
    mine = dataclasses.replace(brutalist, name="my_style", parapet_mat="limestone", pilotis=False)
    a, b = _build(brutalist), _build(mine)
    assert sum(p.volume_m3 for p in a) != sum(p.volume_m3 for p in b)  # pilotis off: a slender colonnade
    assert {p.material for p in b if p.group == "parapet"} == {"limestone"}
    assert {p.material for p in a if p.group == "parapet"} == {brutalist.wall_mat}
