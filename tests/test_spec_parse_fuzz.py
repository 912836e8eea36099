"""Arbitrary text never crashes the parser: it always returns a valid ShotSpec that keeps the prompt."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plano.spec.model import ShotSpec
from plano.spec.parse import parse_prompt
from plano.spec.lexicon import ENTRIES

_WORDS = sorted({w for e in ENTRIES for w in e.words}) + [
    "--ar", "--style", "--no", "--v", "16:9", "2.39:1", "35mm", "8K", "1080p", "24fps", "10s", "1960s", "12-storey",
    "3pm", "15:30", "f/2.8", "1920x1080", "2x", ",", ".", "!", "-", "'", "no", "without", "in", "Atlantis",
]


def _check(text: str) -> None:
    s = parse_prompt(text)
    assert isinstance(s, ShotSpec)
    assert s.prompt == text
    ShotSpec.model_validate(s.model_dump())  # round-trips through validation
    for path, words in s.sources.items():
        for w in words:
            assert w in text, (path, w)
    for u in s.unparsed:
        assert u in text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text):
    _check(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_WORDS) | st.text(max_size=8), max_size=40).map(" ".join))
def test_lexicon_soup_never_crashes(text):
    _check(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=30).map(lambda ws: "".join(w + c for w, c in zip(ws, "-,:. '" * 10))))
def test_glued_words_never_crash(text):
    _check(text)
