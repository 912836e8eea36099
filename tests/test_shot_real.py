"""The whole chain with the real stages on a tiny shot (slow: run with --run-slow once every stage is in)."""

import json

import pytest

from plano.io.exr import read_channels
from plano.deliver.movie import probe_movie
from plano.shot import run_shot
from plano.spec.model import Camera, Format, ShotSpec

pytestmark = pytest.mark.slow


def test_real_chain_tiny_shot_then_new_lens_reuses_the_sim(tmp_path):
    spec = ShotSpec(prompt="tiny real shot", format=Format(duration_s=0.5), effects=("dust", "debris"))
    first = run_shot(spec, tmp_path, quality="previs")
    assert all(not r.cached for r in first.results.values())
    frames = list(spec.format.frames)
    exrs = first.results["render"].output
    assert len(exrs) == len(frames)
    channels = read_channels(exrs[0])
    assert {"R", "G", "B", "A", "depth.Z", "N.X", "N.Y", "N.Z", "id.object", "id.material", "motion.X", "motion.Y", "dust.A"} <= set(channels)
    for key, codec in (("mov", "prores"), ("mp4", "h264")):
        info = probe_movie(first.files[key])
        assert info["codec"] == codec and info["frames"] == len(frames) and info["fps"] == pytest.approx(24.0)
    assert json.loads(first.files["provenance"].read_text())["prompt"] == "tiny real shot"

    longer_lens = spec.model_copy(update={"camera": Camera(focal_length_mm=50.0)})
    second = run_shot(longer_lens, tmp_path, quality="previs", version=first.run.version, replace=True)
    assert second.results["sim"].cached and not second.results["render"].cached
