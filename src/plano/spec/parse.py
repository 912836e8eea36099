"""The rule-based prompt parser: a director's words to a :class:`ShotSpec`.

How it reads a prompt:

1. The text is split into tokens that remember where they were (:mod:`plano.spec.tokens`); punctuation ends a
   phrase. ``--flags`` (``--ar 16:9``, ``--style raw``, ``--seed 7``, ``--no smoke``) are read where they
   stand; unknown flags (``--v 6``) are reported.
2. Left to right, the longest phrase of the lexicon (:mod:`plano.spec.lexicon`) that starts at a word wins:
   "medium close up" before "close up" before "close". Plurals find their singular. A word that is not in the
   lexicon may be a typo of a lexicon word: two swapped letters for five-letter words ("nigth"), one missing,
   extra or swapped letter from six letters ("brutalst", "colapse"), two from nine ("skyscrapper"); a wrong
   letter counts as two, and common English words are never "corrected". The spec's notes say what was read
   as what. Numbers with units are read by :mod:`plano.spec.numbers`.
3. Words that follow a phrase and belong to it ("anamorphic *lens*", "papers *fly from the windows*") are
   added to its sources; describing words before it ("*thick black* smoke") too.
4. Function words ("a", "of", "the", "with", "begins to") are consumed silently. Every other word that sets
   nothing is reported in ``unparsed``, grouped into phrases as written ("red sports car").
5. When two words set the same field differently, the later one wins and a note says so
   (``camera.shot_size: 'close-up' overrides earlier 'wide'``). Weak implications ("skyscraper" implies 40
   storeys, "collapse" implies dust and debris) apply only where no word sets the field, and are noted.

Defaults for what a prompt leaves out are the ShotSpec defaults (5 s, 24 fps, 1920x1080 at 16:9, 35 mm on an
ARRI Alexa 35, Buenos Aires on the March equinox, afternoon, clear). A prompt that names no action and no effect
gets ``action.kind: none`` and no effects (a note says so): a church at dawn does not fall down unless asked.

Resolutions fit the picture into a 16:9 frame of that size: "4K" is 3840x2160 at 16:9, 3840x1606 at 2.39:1 and
2160x3840 vertical; "8K" at 16:9 is 7680x4320. Sizes are rounded to even numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from plano.errors import PlanoError
from plano.spec.cities import country_hint
from plano.spec.lexicon import (
    ENTRIES, FILLERS, LIST_FIELDS, MODIFIERS, NEGATIONS, NUMBER_WORDS, OPPOSITES, TAIL_PHRASES, TAILS, Entry,
)
from plano.spec.model import MAX_PROMPT_CHARS, ShotSpec
from plano.spec.numbers import NumberMeaning, read_number, read_ratio
from plano.spec.tokens import Token, tokenize

PLACE_PREPOSITIONS = frozenset({"in", "at", "over", "above", "near", "outside", "downtown", "across", "of", "from"})
# real English words near a lexicon word that must not be read as a typo of it
NOT_TYPOS = frozenset({
    "horse", "mouse", "woman", "women", "roman", "water", "later", "plane", "planes", "places", "space", "spaces",
    "stars", "start", "state", "story", "stone", "store", "storm", "still", "short", "shore", "sport", "sports",
    "smile", "smiles", "while", "white", "write", "price", "pride", "bride", "bridges", "child", "china", "chair",
    "hands", "heads", "house", "mouth", "faces", "voice", "piano", "opera", "glory", "grass", "bread", "dream",
    "night", "light", "eight", "tight", "right", "might", "sight", "fight", "flight", "lights",
    "towel", "power", "tower", "lower", "flower", "flowers", "dancer", "dancers", "danger", "dinner",
    "singer", "finger", "ginger", "soldier", "soldiers", "officer", "officers", "walker", "worker", "workers",
    "player", "players", "prayer", "mother", "father", "brother", "sister", "another", "bother",
    "remaining", "retaining", "though", "quite", "pairs", "proto", "planet", "planets", "walter", "closer",
    "closed", "larger", "factor", "factors", "situation", "tracked", "stated", "shrinking", "matter", "raising",
    "county", "settle", "noting", "filed", "titles", "tiling", "marco", "clement", "exploring", "explore",
    "completed", "throughput", "naturally", "practically", "lengthy", "situated", "station", "stations",
    "market", "markets", "marked", "smoker", "smokers", "dusted", "tower", "towers", "tennis", "dennis",
    "printer", "paint", "painting", "painted", "painter", "winter", "winner", "dinner", "mirror", "fighter",
})

_INDEX: dict[str, list[Entry]] = {}
for _e in {e.words: e for e in ENTRIES}.values():  # a later entry with the same words replaces an earlier one
    _INDEX.setdefault(_e.words[0], []).append(_e)
for _lst in _INDEX.values():
    _lst.sort(key=lambda e: -len(e.words))
_VOCAB = frozenset(w for e in ENTRIES for w in e.words)
# typo targets: words of entries that set something (not of function-word phrases), five letters or more
_FUZZY_VOCAB = tuple(sorted({w for e in ENTRIES if e.category != "filler" for w in e.words
                             if len(w) >= 5 and w.isalpha()}))
_TAIL_WORDS = frozenset().union(*TAILS.values())


def _damerau(a: str, b: str, limit: int, sub_cost: int = 2) -> int:
    """Optimal-string-alignment edit distance: a missing, extra or swapped letter costs 1, a wrong letter
    ``sub_cost`` (typos drop, double or swap letters far more often than real words differ by one letter,
    "factor"/"factory" aside). Stops early past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = sub_cost if a[i - 1] != b[j - 1] else 0
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _swapped(a: str, b: str) -> bool:
    """``a`` is ``b`` with two neighbouring letters swapped."""
    if len(a) != len(b) or a == b:
        return False
    diff = [k for k in range(len(a)) if a[k] != b[k]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


@lru_cache(maxsize=8192)
def resolve_word(w: str) -> tuple[str, bool] | None:
    """The lexicon word ``w`` stands for, and whether that was a typo correction; ``None`` if none."""
    if w in _VOCAB:
        return w, False
    for stem in (w[:-1] if w.endswith("s") else "", w[:-2] if w.endswith("es") else "",
                 w[:-3] + "y" if w.endswith("ies") else ""):
        if len(stem) >= 3 and stem in _VOCAB:
            return stem, False
    if len(w) < 5 or not w.isalpha() or w in FILLERS or w in MODIFIERS or w in NOT_TYPOS or w in _TAIL_WORDS:
        return None
    # five letters: only two swapped letters ("nigth"); six or more: one typo; nine or more: two
    limit = 2 if len(w) >= 9 else 1
    best, best_d, tie = None, limit + 1, False
    for cand in _FUZZY_VOCAB:
        if cand[0] != w[0] or abs(len(cand) - len(w)) > limit:
            continue
        if len(w) == 5 and not _swapped(w, cand):
            continue
        d = _damerau(w, cand, limit)
        if d < best_d:
            best, best_d, tie = cand, d, False
        elif d == best_d and cand != best:
            tie = True
    if best is None or tie:
        return None
    return best, True


@dataclass
class Match:
    start: int
    end: int
    category: str
    sets: list[tuple[str, Any]]
    implies: list[tuple[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    typos: list[tuple[str, str]] = field(default_factory=list)
    reject: str = ""


@dataclass
class _State:
    text: str
    toks: list[Token]
    strong: dict[str, tuple[Any, str]] = field(default_factory=dict)
    weak: dict[str, tuple[Any, str]] = field(default_factory=dict)
    lists: dict[str, list[tuple[Any, str]]] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    unparsed: list[tuple[int, str]] = field(default_factory=list)
    """(where in the prompt, words): reported in the order they were written."""
    removed_effects: dict[str, str] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    """For each field set by a word, when it was last set (to tell which of two contradicting words came later)."""
    seed: int | None = None
    unknown_places: list[str] = field(default_factory=list)

    def words(self, a: int, b: int) -> str:
        return self.text[self.toks[a].start:self.toks[b - 1].end]

    def report(self, a: int, b: int) -> str:
        """Report tokens ``a:b`` as not understood; return their words."""
        words = self.words(a, b)
        self.unparsed.append((self.toks[a].start, words))
        return words

    def note(self, line: str) -> None:
        if line not in self.notes:
            self.notes.append(line)

    def source(self, path: str, words: str) -> None:
        lst = self.sources.setdefault(path, [])
        if words not in lst:
            lst.append(words)

    def set(self, path: str, value: Any, words: str, primary: bool) -> None:
        if path in LIST_FIELDS:
            values = value if isinstance(value, tuple) else (value,)
            lst = self.lists.setdefault(path, [])
            for v in values:
                if path == "effects":
                    self.removed_effects.pop(v, None)  # "no smoke ... then smoke": the later word wins
                for x, w in [(x, w) for x, w in lst if x in OPPOSITES.get(v, ())]:
                    lst.remove((x, w))
                    self.note(f"{path}: '{words}' overrides earlier '{w}'")
                if v not in [x for x, _ in lst]:
                    lst.append((v, words))
            self.source(path, words)
            return
        old = self.strong.get(path)
        if path == "action.kind" and old is not None and {old[0], value} == {"collapse", "partial_collapse"}:
            # "collapses ... partially": a refinement, not a contradiction
            self.strong[path] = ("partial_collapse", old[1])
            self.source(path, words)
            return
        if old is not None and old[0] != value:
            if primary:
                self.note(f"{path}: '{words}' overrides earlier '{old[1]}'")
            self.sources[path] = []
        self.strong[path] = (value, words)
        self.order[path] = max(self.order.values(), default=0) + 1
        self.source(path, words)

    def imply(self, path: str, value: Any, words: str) -> None:
        self.weak[path] = (value, words)


def _entry_match(st: _State, i: int) -> Match | None:
    toks = st.toks
    first = toks[i]
    if first.kind not in ("word", "num"):
        return None
    r0 = resolve_word(first.norm)
    if r0 is None:
        return None
    best: Match | None = None
    for e in _INDEX.get(r0[0], ()):
        n = len(e.words)
        if best is not None and n <= best.end - best.start:
            break
        if i + n > len(toks):
            continue
        typos = [(first.text, r0[0])] if r0[1] else []
        ok = True
        for k in range(1, n):
            t = toks[i + k]
            r = resolve_word(t.norm) if t.kind in ("word", "num") else None
            if r is None or r[0] != e.words[k]:
                ok = False
                break
            if r[1]:
                typos.append((t.text, r[0]))
        if ok:
            best = Match(i, i + n, e.category, list(e.sets), list(e.implies), [e.note] if e.note else [], typos)
    return best


def _number_match(st: _State, i: int) -> Match | None:
    m: NumberMeaning | None = read_number(st.toks, i)
    if m is None:
        return None
    return Match(i, m.end, m.category, m.sets, m.implies, m.notes, reject=m.reject)


def _tail_end(st: _State, category: str, j: int) -> int:
    """Extend a match over the words that belong to it (function words in between included)."""
    toks = st.toks
    tails = TAILS.get(category, frozenset())
    phrases = TAIL_PHRASES.get(category, ())
    end, k = j, j
    while k < len(toks) and toks[k].kind == "word":
        w = toks[k].norm
        ph = next((p for p in phrases if tuple(t.norm for t in toks[k:k + len(p)]) == p), None)
        if ph is not None:
            k += len(ph)
            end = k
            continue
        if w in FILLERS and w not in tails:
            k += 1
            continue
        if w in tails:
            em = _entry_match(st, k)
            if em is not None and (em.category != "filler"):
                break  # the word starts something of its own ("ground floor", "light rain")
            k += 1
            end = k
            continue
        break
    return end


def _flag(st: _State, i: int) -> int:
    """Read ``--name value`` at ``i``; return the index after it."""
    toks, name = st.toks, st.toks[i].norm
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    value = nxt if nxt is not None and nxt.kind not in ("flag", "break") else None
    if name in ("ar", "aspect", "ratio"):
        if value is not None and value.kind == "ratio":
            m = read_ratio(value)
            if m.reject or not m.sets or m.sets[0][0] != "format.aspect":
                a, b = value.text.replace(" ", "").replace("\u2236", ":").split(":")
                r = float(a) / float(b) if float(b) else 0
                if 0.2 < r <= 5:
                    m = NumberMeaning(0, "format", [("format.aspect", r)])
            if m.sets and m.sets[0][0] == "format.aspect":
                st.set("format.aspect", m.sets[0][1], st.words(i, i + 2), True)
                return i + 2
        st.report(i, i + 2 if value is not None else i + 1)
        st.note(f"--{name}: expects a ratio such as 16:9, got {value.text if value else 'nothing'}")
        return i + 2 if value is not None else i + 1
    if name == "style":
        if value is not None and value.norm == "raw":
            st.set("look.raw", True, st.words(i, i + 2), True)
            return i + 2
        if value is not None and value.kind == "word":
            st.report(i, i + 2)
            st.note(f"--style {value.text}: plano knows only --style raw")
            return i + 2
    if name in ("seed", "fps", "duration", "dur") and value is not None and value.kind == "num" and value.value is not None:
        v = value.value
        if value.negative:
            st.report(i, i + 2)
            st.note(f"--{name} -{value.text}: negative; {'a seed is a whole number 0 or more' if name == 'seed' else 'it must be positive'}, "
                    "so it sets nothing")
            return i + 2
        if name == "seed" and v == int(v) and v >= 0:
            st.seed = int(v)
            st.source("seed", st.words(i, i + 2))
            return i + 2
        if name == "fps" and 1 <= v <= 240:
            st.set("format.fps", v, st.words(i, i + 2), True)
            return i + 2
        if name in ("duration", "dur") and 0 < v <= 600:
            st.set("format.duration_s", v, st.words(i, i + 2), True)
            return i + 2
    if name == "no":
        return -(i + 1)  # the caller reads what follows as negated
    end = i + 2 if value is not None and value.kind in ("num", "ratio") else i + 1
    st.report(i, end)
    st.note(f"--{name}: not a flag plano uses (it knows --ar, --style raw, --seed, --fps, --duration, --no)")
    return end


def _apply(st: _State, m: Match, start: int, end: int, negated: bool) -> None:
    words = st.words(start, end)
    for typo, meant in m.typos:
        st.note(f"read '{typo}' as '{meant}'")
    if m.reject:
        st.report(start, end)
        st.note(m.reject)
        return
    if negated and m.category == "effect":
        for path, value in m.sets:
            for v in value if isinstance(value, tuple) else (value,):
                st.removed_effects[v] = words
                st.lists["effects"] = [(x, w) for x, w in st.lists.get("effects", []) if x != v]
        return
    if negated and m.category == "action":
        st.set("action.kind", "none", words, True)
        return
    for k, (path, value) in enumerate(m.sets):
        st.set(path, value, words, k == 0)
    for path, value in m.implies:
        st.imply(path, value, words)
    for n in m.notes:
        st.note(n.format(words=words))


def _walk(st: _State) -> None:
    toks = st.toks
    status = ["filler"] * len(toks)  # filler | used | unknown | break | pending (a "no") | flag | reported
    pending_mod: list[int] = []
    negation: int | None = None  # index of the negating word while it is active
    neg_scope_flag = False
    i = 0

    def flush_mods() -> None:
        for k in pending_mod:
            status[k] = "unknown"
        pending_mod.clear()

    def end_negation() -> None:
        nonlocal negation, neg_scope_flag
        if negation is not None and status[negation] == "pending":
            status[negation] = "unknown"
        negation, neg_scope_flag = None, False

    while i < len(toks):
        t = toks[i]
        if t.kind == "break":
            status[i] = "break"
            flush_mods()
            end_negation()
            i += 1
            continue
        if t.kind == "flag":
            flush_mods()
            end_negation()
            nxt = _flag(st, i)
            if nxt < 0:  # --no: negate what follows
                negation, neg_scope_flag = i, True
                status[i] = "used"
                nxt = -nxt
            for k in range(i, nxt):
                status[k] = "flag"
            i = nxt
            continue
        em = _entry_match(st, i)
        nm = _number_match(st, i) if t.kind != "word" or t.norm in NUMBER_WORDS else None
        m = em
        if nm is not None and (em is None or nm.end > em.end):
            m = nm
        if m is not None and m.category == "filler":
            i = m.end
            continue
        if m is not None and m.category == "country":
            flush_mods()
            words = st.words(i, m.end)
            st.report(i, m.end)
            hint = country_hint(words)
            st.note(f"place: '{words}' is a country; name a city" + (f" (plano knows {hint})" if hint else ""))
            for k in range(i, m.end):
                status[k] = "reported"
            i = m.end
            continue
        if m is not None:
            end = _tail_end(st, m.category, m.end)
            negated = negation is not None and m.category in ("effect", "action")
            start = pending_mod[0] if pending_mod else i
            if negated and status[negation] == "pending":
                start = min(start, negation)
            _apply(st, m, start, end, negated)
            if negated:
                status[negation] = "used"
                if m.category == "action":
                    end_negation()
            elif negation is not None:
                end_negation()
            for k in range(start, end):
                status[k] = "used" if status[k] != "break" else "break"
            pending_mod.clear()
            i = end
            continue
        w = t.norm if t.kind == "word" else ""
        if w in NEGATIONS:
            end_negation()
            negation = i
            status[i] = "pending"
            i += 1
            continue
        if w in FILLERS:
            i += 1
            continue
        if w in MODIFIERS:
            pending_mod.append(i)
            i += 1
            continue
        flush_mods()
        if negation is not None and not neg_scope_flag:
            end_negation()
        status[i] = "unknown"
        i += 1
    flush_mods()
    end_negation()
    _collect_unknown(st, status)


def _collect_unknown(st: _State, status: list[str]) -> None:
    """Group unknown words into phrases as written; note unknown places after "in", "over", ..."""
    toks = st.toks
    i = 0
    groups: list[tuple[int, int]] = []
    while i < len(toks):
        if status[i] != "unknown":
            i += 1
            continue
        j = last = i
        while j < len(toks) and status[j] in ("unknown", "filler"):
            if status[j] == "unknown":
                last = j
            j += 1
        groups.append((i, last + 1))
        i = last + 1
    for a, b in groups:
        words = st.report(a, b)
        prev = next((toks[k] for k in range(a - 1, -1, -1) if status[k] != "filler" or toks[k].kind == "word"), None)
        if prev is not None and prev.kind == "word" and prev.norm in PLACE_PREPOSITIONS and toks[a].capitalised \
                and toks[a].kind == "word":
            st.unknown_places.append(words)


# ---------------------------------------------------------------- building the spec

def _even(x: float) -> int:
    return max(16, int(round(x / 2.0)) * 2)


def _fit(aspect: float, container_height: int) -> tuple[int, int]:
    if aspect >= 16 / 9:
        cw = _even(container_height * 16 / 9)
        return cw, _even(cw / aspect)
    if aspect >= 1.0:
        return _even(container_height * aspect), container_height
    return container_height, _even(container_height / aspect)


def frame_size(aspect: float, container_height: int) -> tuple[int, int]:
    """Fit a picture of ``aspect`` into a 16:9 frame ``container_height`` tall: (width, height), even numbers;
    the container is halved until no side is over 16384 pixels (the parser notes that clamp)."""
    while True:
        w, h = _fit(aspect, container_height)
        if max(w, h) <= 16384 or container_height <= 16:
            return w, h
        container_height //= 2


TIME_WINDOWS = {
    "dawn": ((4, 8),), "morning": ((5, 12),), "noon": ((11, 14),), "afternoon": ((12, 18),),
    "golden_hour": ((5, 9), (16, 21)), "dusk": ((17, 22),), "blue_hour": ((4, 7), (17, 23)),
    "night": ((19, 24), (0, 6)),
}
"""The clock hours each time of day can mean (start inclusive, end exclusive): "dusk, 7pm" agree, "night, 3pm"
contradict."""


def clock_fits(t: dt.time, time_of_day: str) -> bool:
    h = t.hour + t.minute / 60
    return any(a <= h < b for a, b in TIME_WINDOWS.get(time_of_day, ((0, 24),)))


def _resolve_clock(st: _State, values: dict[str, Any], sources: dict[str, list[str]], notes: list[str]) -> None:
    """A clock time and a time of day that contradict ("at night, 3pm"): the later words win, and a note says so
    (without this, 3pm under "night" lights a night sky with an afternoon sun)."""
    tod, clock = st.strong.get("light.time_of_day"), st.strong.get("light.local_time")
    if tod is None or clock is None or clock_fits(clock[0], tod[0]):
        return
    from plano.spec.numbers import time_of_day_for

    if st.order["light.local_time"] > st.order["light.time_of_day"]:
        new = time_of_day_for(clock[0].hour)
        values["light.time_of_day"] = new
        sources["light.time_of_day"] = [clock[1]]
        notes.append(f"light.time_of_day: '{clock[1]}' contradicts earlier '{tod[1]}'; the later words win: {new}")
    else:
        values.pop("light.local_time", None)
        sources.pop("light.local_time", None)
        notes.append(f"light.local_time: '{tod[1]}' contradicts earlier '{clock[1]}'; the later words win: "
                     f"{tod[0]}, at its usual hour (the clock time is dropped)")


def _set_path(d: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for p in parts[:-1]:
        d = d[p]
    d[parts[-1]] = value


def _build(st: _State, shot: str, seed: int) -> dict[str, Any]:
    base = ShotSpec(shot=shot, prompt=st.text, seed=seed).model_dump()
    values: dict[str, Any] = {}
    sources = {k: list(v) for k, v in st.sources.items()}
    notes = list(st.notes)
    for path, (v, words) in st.weak.items():
        if path not in st.strong and path not in st.lists:
            if path in LIST_FIELDS:
                continue
            values[path] = v
            sources[path] = [words]
            shown = f"{v:g}" if isinstance(v, float) else str(v)
            notes.append(f"{path}: {shown} implied by '{words}'")
    for path, (v, _) in st.strong.items():
        values[path] = v

    # format: size from resolution (16:9 container) and aspect
    aspect = values.get("format.aspect", base["format"]["aspect"])
    size = values.pop("format.size", None)
    res = values.pop("format.resolution", None)
    if size is not None and abs(size[0] / size[1] - aspect) / aspect <= 0.02:
        w, h = size
    else:
        container = res or (size[1] if size else base["format"]["height"])
        w, h = frame_size(aspect, container)
        if size is not None:
            notes.append(f"format: {size[0]}x{size[1]} does not have the aspect {aspect:.3f}; made {w}x{h}")
        elif (w, h) != _fit(aspect, container):
            w0, h0 = _fit(aspect, container)
            notes.append(f"format: clamped to {w}x{h}: {w0}x{h0} (the aspect {aspect:.3f} in a {container}-line "
                         "16:9 frame) is over 16384 pixels a side, the most plano renders")
    values["format.width"], values["format.height"] = w, h
    fmt_words = sources.pop("format.resolution", []) + sources.pop("format.size", []) + sources.get("format.aspect", [])
    if fmt_words:
        sources["format.width"] = sources["format.height"] = list(dict.fromkeys(fmt_words))

    _resolve_clock(st, values, sources, notes)

    # action and effects
    effects = [v for v, _ in st.lists.get("effects", [])]
    kind = values.get("action.kind")
    if kind is None and not effects:
        values["action.kind"] = "none"
        notes.append("action.kind: none, the prompt names no action (say 'collapse', 'implosion', 'topple'...)")
    elif kind is None:
        values["action.kind"] = "none"
        notes.append("action.kind: none, the prompt names effects but no action")
    kind = values["action.kind"]
    region = values.get("action.region", "whole")
    if kind == "collapse" and region != "whole":
        values["action.kind"] = kind = "partial_collapse"
        notes.append(f"action.kind: partial_collapse, because only the {region.replace('_', ' ')} collapse")
        sources.setdefault("action.kind", []).extend(sources.get("action.region", []))
    if kind in ("collapse", "partial_collapse", "implosion", "topple"):
        implied = [e for e in ("dust", "debris") if e not in effects and e not in st.removed_effects]
        if implied:
            effects += implied
            words = st.strong["action.kind"][1] if "action.kind" in st.strong else kind
            sources.setdefault("effects", []).append(words)
            notes.append(f"effects: {', '.join(implied)} implied by '{words}'")
    for eff, words in st.removed_effects.items():
        notes.append(f"effects: '{words}' removes {eff}")
    values["effects"] = tuple(effects)
    for path in ("light.mood", "look.grade", "subject.materials"):
        if path in st.lists:
            values[path] = tuple(v for v, _ in st.lists[path])

    season = values.pop("place.season", None)
    if season is not None:
        lat = values.get("place.latitude", base["place"]["latitude"])
        north = lat >= 0
        month_day = {"winter": (12, 21) if north else (6, 21), "summer": (6, 21) if north else (12, 21),
                     "spring": (3, 20) if north else (9, 22), "autumn": (9, 22) if north else (3, 20)}[season]
        values["place.date"] = dt.date(base["place"]["date"].year, *month_day)
        sources["place.date"] = sources.pop("place.season", [])
        notes.append(f"place.date: {values['place.date'].isoformat()}, {season} in the "
                     f"{'northern' if north else 'southern'} hemisphere")
    for words in st.unknown_places:
        where = values.get("place.name", base["place"]["name"])
        why = "from the prompt" if "place.name" in values else "the default"
        notes.append(f"place: '{words}' is not a city plano knows (`plano cities` lists them); place stays {where} "
                     f"({why})")
    d = base
    for path, v in values.items():
        _set_path(d, path, v)
    if st.seed is not None:
        d["seed"] = st.seed
        notes.append(f"seed: {st.seed} from the prompt's --seed")
    d["sources"] = {k: tuple(v) for k, v in sources.items() if v}
    d["notes"] = tuple(notes)
    d["unparsed"] = tuple(dict.fromkeys(w for _, w in sorted(st.unparsed)))
    return d


def parse_prompt(text: str, shot: str = "SEQ010_SH010", seed: int = 0) -> ShotSpec:
    """Read a director's prompt into a :class:`ShotSpec`.

    ``spec.sources[path]`` holds the prompt's words that set each field, ``spec.unparsed`` every word or phrase
    not understood, ``spec.notes`` every decision (overrides, implications, typo corrections). Never raises for
    any text up to ``MAX_PROMPT_CHARS`` characters (a longer one is a PlanoError); ``prompt`` is kept as given.
    """
    text = str(text)
    if len(text) > MAX_PROMPT_CHARS:
        raise PlanoError(f"the prompt is {len(text):,} characters long; plano reads at most {MAX_PROMPT_CHARS:,}: "
                         "describe the shot in fewer words")
    if not isinstance(seed, int) or seed < 0:
        raise PlanoError(f"seed must be a whole number >= 0, got {seed!r}")
    st = _State(text=text, toks=tokenize(text))
    _walk(st)
    for _ in range(8):
        d = _build(st, shot, seed)
        try:
            return ShotSpec.model_validate(d)
        except ValidationError as err:
            if not _drop_invalid(st, err):
                break
    # should not happen: every value the parser sets is range-checked; keep the words and say so
    return ShotSpec(shot=shot, prompt=text, seed=seed, unparsed=(text,) if text.strip() else (),
                    notes=("the parser could not build a valid spec from this prompt; defaults used",))


def _drop_invalid(st: _State, err: ValidationError) -> bool:
    """Forget values that failed validation, reporting their words; True if anything was dropped."""
    dropped = False
    for e in err.errors(include_url=False):
        loc = ".".join(str(p) for p in e["loc"])
        for store in (st.strong, st.weak):
            for path in list(store):
                if path == loc or path.startswith(loc + ".") or (loc and loc.startswith(path)):
                    _, words = store.pop(path)
                    st.sources.pop(path, None)
                    if store is st.strong:
                        st.unparsed.append((max(st.text.find(words), 0), words))
                    st.note(f"{path}: '{words}' not used: {e['msg']}")
                    dropped = True
    return dropped


__all__ = ["parse_prompt", "frame_size", "resolve_word"]
