"""Split a prompt into tokens that keep their place in the original text.

Kinds: ``word`` (letters, apostrophes allowed), ``num`` ("35mm", "8K", "1960s", "24fps", "12": value + unit),
``ratio`` ("16:9", "2.39:1"), ``res`` ("1920x1080"), ``time`` ("3pm", "5:30 am"), ``fstop`` ("f/2.8", "T2"),
``flag`` ("--ar"), ``break`` (punctuation: phrases never run across it) and ``sym`` (anything else: emoji...).
Hyphens and other joiners separate words and are dropped ("ultra-wide" -> "ultra", "wide").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from plano.spec.lexicon import norm_word

_TOKEN = re.compile(
    r"""
    (?P<flag>(?<!\S)(?:--|\u2014|\u2013)[A-Za-z][A-Za-z0-9_]*)
  | (?P<time>\d{1,2}(?::\d{2})?\s?(?:[ap]\.m\.|[ap]m)(?![A-Za-z]))
  | (?P<ratio>\d+(?:\.\d+)?\s?[:\u2236]\s?\d+(?:\.\d+)?)
  | (?P<res>\d{2,5}\s?[x\u00d7X]\s?\d{2,5}(?![\d.]))
  | (?P<fstop>(?<![A-Za-z0-9])(?:[fFtT]\s?/\s?\d+(?:\.\d+)?|[fT]\d+(?:\.\d+)?)(?![A-Za-z0-9]))
  | (?P<num>['\u2019]?\d+(?:\.\d+)?(?:['\u2019]?[A-Za-z\u00b0%]+)?)
  | (?P<acronym>(?<![A-Za-z])(?:[A-Za-z]\.){2,})
  | (?P<abbr>(?i:\b(?:st|mt|ft)\.))
  | (?P<word>[^\W\d_]+(?:\d+[^\W\d_]*)*(?:['\u2019][^\W\d_]+)*)
  | (?P<brk>[.,;:!?()\[\]{}"\u201c\u201d\u00ab\u00bb/|\u2026\n\u2014\u2013])
  | (?P<skip>\s+|[-_+*~\#@'\u2019`^=<>\\\u2212])
  | (?P<sym>\S)
    """,
    re.VERBOSE,
)
_NUM = re.compile(r"['\u2019]?(\d+(?:\.\d+)?)(?:['\u2019]?([A-Za-z\u00b0%]+))?")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    """The token as written in the prompt."""
    start: int
    end: int
    norm: str = ""
    """Lower case, accents stripped (words); the lower-case text (numbers)."""
    value: float | None = None
    unit: str = ""
    """For ``num``: the letters written right after the number ("mm", "k", "s", "fps")."""
    apostrophe: bool = False
    """For ``num``: written with an apostrophe ("'60s", "60's")."""
    negative: bool = False
    """A number written with a minus sign in front ("-30 fps", "--seed -1"; not "1001-1010" or "12-storey")."""

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


_MINUS = frozenset("-\u2212")


def _minus_before(text: str, start: int) -> bool:
    """A minus sign right before ``start``, itself not joined to a word or number before it."""
    return start > 0 and text[start - 1] in _MINUS and (start == 1 or not text[start - 2].isalnum())


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "sym"
        raw = m.group()
        s, e = m.span()
        if kind == "skip":
            continue
        if kind == "acronym":
            out.append(Token("word", raw, s, e, norm_word(raw.replace(".", ""))))
        elif kind == "abbr":
            out.append(Token("word", raw, s, e, norm_word(raw.rstrip("."))))
        elif kind == "word":
            out.append(Token("word", raw, s, e, norm_word(raw)))
        elif kind == "num":
            nm = _NUM.fullmatch(raw)
            value = float(nm.group(1)) if nm else None
            if value is not None and not math.isfinite(value):  # 400 digits: no number plano reads
                value = None
            unit = (nm.group(2) or "").lower() if nm else ""
            out.append(Token("num", raw, s, e, raw.lower().replace("\u2019", "").replace("'", ""), value, unit,
                             "'" in raw or "\u2019" in raw, _minus_before(text, s)))
        elif kind == "flag":
            out.append(Token("flag", raw, s, e, raw.lstrip("-\u2014\u2013").lower()))
        elif kind == "brk":
            out.append(Token("break", raw, s, e))
        elif kind in ("ratio", "res", "time", "fstop"):
            out.append(Token(kind, raw, s, e, raw.lower(), negative=_minus_before(text, s)))
        else:
            out.append(Token(kind, raw, s, e, raw.lower()))
    return out
