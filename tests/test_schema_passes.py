"""The passes contract: the channel table and the Passes dataclass (shape checks, conversions)."""

import numpy as np
import pytest

from plano.errors import PlanoError
from plano.schema.passes import CHANNELS, HALF_CHANNELS, LAYER, LAYER_NAMES, Passes, channel_dtype


def test_the_channel_table():
    assert LAYER_NAMES == ("beauty", "alpha", "depth", "normals", "object_id", "material_id", "motion", "dust",
                           "dust_rgb", "dust_plate")
    assert LAYER["beauty"].channels == ("R", "G", "B") and LAYER["beauty"].storage == "half"
    assert LAYER["depth"].channels == ("depth.Z",) and LAYER["depth"].storage == "float"
    assert LAYER["motion"].channels == ("motion.X", "motion.Y") and "+Y down" in LAYER["motion"].unit
    assert "0 = sky" in LAYER["depth"].unit and "ACEScg" in LAYER["beauty"].unit
    assert set(HALF_CHANNELS) == {"R", "G", "B", "A", "N.X", "N.Y", "N.Z", "dust.A", "dust.R", "dust.G", "dust.B",
                                 "dustplate.R", "dustplate.G", "dustplate.B", "dustplate.A"}
    assert len(CHANNELS) == len(set(CHANNELS)) == 20
    assert LAYER["dust_rgb"].channels == ("dust.R", "dust.G", "dust.B") and "premultiplied" in LAYER["dust_rgb"].unit
    assert channel_dtype("R") is np.float16 and channel_dtype("id.object") is np.float32
    assert channel_dtype("something.else") is np.float32


def test_from_dict_converts_and_keeps_shapes():
    p = Passes.from_dict({"beauty": np.zeros((4, 6, 3), np.float64), "depth": np.ones((4, 6)),
                          "motion": np.zeros((4, 6, 2), np.float32)})
    assert p.beauty.dtype == np.float32 and p.depth.shape == (4, 6, 1) and p.motion.shape == (4, 6, 2)
    assert p.size == (6, 4) and (p.width, p.height) == (6, 4)
    assert p.alpha is None and not p.complete
    assert list(p.to_dict()) == ["beauty", "depth", "motion"]
    assert list(p.to_channels()) == ["R", "G", "B", "depth.Z", "motion.X", "motion.Y"]
    with pytest.raises(Exception):
        p.depth = None  # type: ignore[misc]  (frozen)


def test_from_channels_stacks_layers_and_ignores_partial_ones():
    ch = {c: np.full((2, 3), i, np.float32) for i, c in enumerate(CHANNELS)}
    p = Passes.from_channels(ch)
    assert p.complete and p.normals.shape == (2, 3, 3) and p.normals[0, 0, 2] == CHANNELS.index("N.Z")
    del ch["N.Y"]
    assert Passes.from_channels(ch).normals is None


def test_shape_errors_name_what_was_received_and_expected():
    with pytest.raises(PlanoError, match=r"'beauty' .*shape \(4, 6, 4\); expected \(H, W, 3\)"):
        Passes(beauty=np.zeros((4, 6, 4)))
    with pytest.raises(PlanoError, match=r"'normals' .*shape \(4, 6\); expected \(H, W, 3\)"):
        Passes.from_dict({"beauty": np.zeros((4, 6, 3)), "normals": np.zeros((4, 6))})
    with pytest.raises(PlanoError, match=r"'depth' in x\.exr is 5x4 .*beauty is 6x4"):
        Passes.from_dict({"beauty": np.zeros((4, 6, 3)), "depth": np.zeros((4, 5, 1))}, source="x.exr")
    with pytest.raises(PlanoError, match=r"unknown pass name\(s\) \['normal'\].*'normals'"):
        Passes.from_dict({"beauty": np.zeros((4, 6, 3)), "normal": np.zeros((4, 6, 3))})
    with pytest.raises(PlanoError, match="no 'beauty'"):
        Passes.from_dict({"depth": np.zeros((4, 6, 1))})
    with pytest.raises(PlanoError, match=r"no beauty channel\(s\) \['G', 'B'\].*'R'"):
        Passes.from_channels({"R": np.zeros((2, 2))}, source="f.exr")
    with pytest.raises(PlanoError, match="no 'dust' layer"):
        Passes(beauty=np.zeros((2, 2, 3))).layer("dust")


def test_from_channels_converts_only_the_layers_asked_for():
    ch = {"R": np.full((2, 3), 0.5, np.float16), "G": np.zeros((2, 3), np.float16), "B": np.ones((2, 3), np.float16),
          "depth.Z": np.arange(6, dtype=np.float32).reshape(2, 3), "motion.X": np.ones((2, 3), np.float32),
          "motion.Y": np.ones((2, 3), np.float32)}
    p = Passes.from_channels(ch, layers=("depth",))
    assert p.beauty.dtype == np.float32 and p.beauty[..., 0].max() == 0.5 and p.beauty[..., 2].min() == 1.0
    assert p.depth[1, 2, 0] == 5.0 and p.motion is None
    assert Passes.from_channels(ch).motion.shape == (2, 3, 2)
    with pytest.raises(PlanoError, match="unknown pass name"):
        Passes.from_channels(ch, layers=("depht",))
