"""Arbitrary text never crashes the parser (it always returns a valid ShotSpec that keeps the prompt, or, past
the length limit, one PlanoError) and arbitrary files never crash the spec loader (a ShotSpec or one SpecError),
and neither hangs: every example has a deadline. Example counts are kept small so the default run stays fast;
``HYPOTHESIS_PROFILE=long`` runs twenty times as many."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plano.errors import PlanoError
from plano.spec.io import SpecError, load_spec
from plano.spec.model import MAX_PROMPT_CHARS

from plano.spec.model import ShotSpec
from plano.spec.parse import parse_prompt
from plano.spec.lexicon import ENTRIES

_WORDS = sorted({w for e in ENTRIES for w in e.words}) + [
    "--ar", "--style", "--no", "--v", "16:9", "2.39:1", "35mm", "8K", "1080p", "24fps", "10s", "1960s", "12-storey",
    "3pm", "15:30", "f/2.8", "1920x1080", "2x", ",", ".", "!", "-", "'", "no", "without", "in", "Atlantis",
]


SCALE = 20 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 1
DEADLINE_MS = 2000
"""One example may take this long (a 4,000-character prompt parses in ~10 ms; a hang fails the test)."""


def _check(text: str) -> None:
    if len(text) > MAX_PROMPT_CHARS:
        try:
            parse_prompt(text)
        except PlanoError as err:
            assert "at most" in str(err)
            return
        raise AssertionError("a prompt past the limit was read")
    s = parse_prompt(text)
    assert isinstance(s, ShotSpec)
    assert s.prompt == text
    ShotSpec.model_validate(s.model_dump())  # round-trips through validation
    for path, words in s.sources.items():
        for w in words:
            assert w in text, (path, w)
    for u in s.unparsed:
        assert u in text


@settings(max_examples=150 * SCALE, deadline=DEADLINE_MS, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text):
    _check(text)


@settings(max_examples=150 * SCALE, deadline=DEADLINE_MS, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_WORDS) | st.text(max_size=8), max_size=40).map(" ".join))
def test_lexicon_soup_never_crashes(text):
    _check(text)


@settings(max_examples=75 * SCALE, deadline=DEADLINE_MS)
@given(st.lists(st.sampled_from(_WORDS), max_size=30).map(lambda ws: "".join(w + c for w, c in zip(ws, "-,:. '" * 10))))
def test_glued_words_never_crash(text):
    _check(text)


_SIGNED = st.sampled_from(["-", "\u2212", "--seed -", "--fps -", " -", "--duration -"])
_NUMBERS = st.one_of(st.integers(0, 10**6).map(str), st.just("9" * 400), st.floats(0, 1e6).map("{:g}".format))


@settings(max_examples=60 * SCALE, deadline=DEADLINE_MS)
@given(st.lists(st.tuples(_SIGNED, _NUMBERS, st.sampled_from(["fps", "mm", "s", "k", "p", " storeys", "", ":9"])),
                max_size=12).map(lambda parts: " ".join(a + b + c for a, b, c in parts)))
def test_signs_and_huge_numbers_never_crash_and_never_set_a_negative(text):
    _check(text)
    s = parse_prompt(text)
    assert s.format.fps > 0 and s.format.duration_s > 0 and s.seed >= 0 and s.camera.focal_length_mm > 0


@settings(max_examples=10 * SCALE, deadline=DEADLINE_MS * 5)
@given(st.text(min_size=MAX_PROMPT_CHARS - 20, max_size=MAX_PROMPT_CHARS + 20))
def test_prompts_at_the_length_limit(text):
    _check(text)


# ---------------------------------------------------------------- the spec loader

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                     st.text(max_size=20), st.sampled_from(["SEQ010_SH010", "x/../../../ESCAPED", "wide", "dust"]))
_KEYS = st.sampled_from(["shot", "seed", "prompt", "camera", "format", "subject", "place", "light", "action",
                         "effects", "look", "fps", "width", "height", "duration_s", "focal_length_mm", "date",
                         "kind", "schema_version", "sources", "notes", "unparsed"]) | st.text(max_size=8)
_TREES = st.recursive(_SCALARS, lambda kids: st.lists(kids, max_size=5) | st.dictionaries(_KEYS, kids, max_size=6),
                      max_leaves=40)


def _load(data: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"shot{suffix}"
        path.write_bytes(data)
        try:
            return load_spec(path)
        except SpecError as err:
            assert str(path) in str(err)
            return None


@settings(max_examples=100 * SCALE, deadline=DEADLINE_MS, suppress_health_check=[HealthCheck.too_slow])
@given(_TREES, st.sampled_from([".yaml", ".json"]))
def test_any_tree_of_values_loads_or_is_one_spec_error(tree, suffix):
    try:
        text = json.dumps(tree) if suffix == ".json" else yaml.safe_dump(tree)
    except (ValueError, OverflowError):
        return
    spec = _load(text.encode(), suffix)
    if spec is not None:
        assert spec.shot.count("_") == 1 and "/" not in spec.shot


_YAML_BITS = st.sampled_from(["shot: SEQ010_SH010\n", "a: &a [1, 2]\n", "b: [*a, *a, *a]\n", "- ", "{", "}", "[",
                              "]", ": ", "!!python/object:os.system", "&x ", "*x ", "\n  ", "'", '"', "\t", "%YAML 1.1\n",
                              "---\n", "...\n", "? ", "|\n", ">\n", "\x00", "\xff", "2026-13-45", "1e999", "<<: *a\n"])


@settings(max_examples=100 * SCALE, deadline=DEADLINE_MS, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_YAML_BITS | st.text(max_size=6), max_size=40).map("".join), st.sampled_from([".yaml", ".json"]))
def test_any_text_loads_or_is_one_spec_error(text, suffix):
    _load(text.encode("utf-8", "surrogatepass"), suffix)


@settings(max_examples=60 * SCALE, deadline=DEADLINE_MS)
@given(st.binary(max_size=2000), st.sampled_from([".yaml", ".json"]))
def test_any_bytes_load_or_are_one_spec_error(data, suffix):
    _load(data, suffix)
