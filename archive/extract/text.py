"""Text helpers for extraction: segments, sentences, words and lexicon lookups with spans."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property, partial
from itertools import islice
from typing import NamedTuple

from archive.facts import Span
from archive.knowledge import forms_table, load
from archive.vietnamese import normalise

WORD_TAIL = r"(?:[.-]\w+)*"  # "Đ.Văn", "Nguyễn-Văn": one word
WORD = re.compile(rf"\w+{WORD_TAIL}")
INITIAL = r"(?<!(?<!\w)[A-ZĐ]\.)"  # "V. Putin": an initial's full stop ends no sentence
CLAUSE_BREAK_CHARS = (",", ";", ":", "(", ")", "“", "”", '"')  # each a clause break, and
DASH_BREAK = re.compile(r"\s[–—-]\s")  # a dash between spaces
# A break between sentences: after a full stop, "!", "?" or "…" (the ``gap``: closing quotes
# or brackets and spaces before a capital or a digit), or a run of line breaks. Written to
# begin with one character class (the stop itself, or the first line break), which the regex
# engine skips to instead of trying every position of the text.
SENTENCE_END = re.compile(
    rf"[.!?…\n](?:(?<=[.!?…])(?P<gap>{INITIAL}[\"”’)]*\s+(?=[\"“‘(*]*[A-ZĐÀ-Ỹ0-9]))|(?<=\n)\n*)"
)


@dataclass(frozen=True)
class Segment:
    """One text field of an article (``body``, ``title`` or ``captions``)."""

    field: str
    text: str


@dataclass(frozen=True)
class Sentence:
    segment: Segment
    start: int
    end: int

    @cached_property  # every span read in the sentence holds it
    def text(self) -> str:
        return self.segment.text[self.start : self.end]

    def span(self, start: int, end: int) -> Span:
        """A span of this sentence's field (offsets relative to the field)."""
        return Span(start=start, end=end, sentence=self.text, field=self.segment.field)


class Word(NamedTuple):  # a tuple: made for every word of a sentence, so kept cheap
    text: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()


# Word((text, start, end)) made by the tuple constructor itself, not the named tuple's own
# Python-level __new__: words are made by the hundred per article.
new_word = partial(tuple.__new__, Word)


def sentences(segment: Segment) -> list[Sentence]:
    """Split a field into sentences, keeping offsets; whitespace-only pieces are dropped."""
    result, start = [], 0
    for match in SENTENCE_END.finditer(segment.text):
        result.append((start, match.start("gap") if match["gap"] else match.start()))
        start = match.end()
    result.append((start, len(segment.text)))
    return [Sentence(segment, s, e) for s, e in _trimmed(segment.text, result)]


def _trimmed(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for start, end in bounds:
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append((start + lead, start + len(piece.rstrip())))
    return out


def words(text: str, offset: int = 0, limit: int | None = None) -> list[Word]:
    """The words of ``text`` (the first ``limit`` of them), offsets moved by ``offset``."""
    found = islice(WORD.finditer(text), limit)
    return [new_word((m.group(), m.start() + offset, m.end() + offset)) for m in found]


def clause_before(before: str) -> str:
    """What follows the last clause break: the last break character found from the end (a
    dash between spaces holds none of them), then any dash break after it."""
    last = max(map(before.rfind, CLAUSE_BREAK_CHARS)) + 1
    for dash in DASH_BREAK.finditer(before, last):
        last = dash.end()
    return before[last:]


def phrase_pattern(phrases: list[str], case_insensitive: bool = True) -> re.Pattern[str]:
    """One regex matching any of ``phrases`` as whole words, longest first; an empty list
    (or only blank phrases) gives a pattern that matches nothing, never the empty string."""
    if case_insensitive:
        body = phrase_alternation(phrases)
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
    # "(?<!\w)B..." written "B(?<!\wB)...": a pattern that begins with a character, which
    # the regex engine skips to instead of trying every position of the text.
    forms = {normalise(p) for p in phrases if p and p.strip()}
    body = _trie_alternation(sorted(forms), word_start_checked_after=True) or "(?!)"
    return re.compile(rf"(?:{body})(?!\w)")


def phrase_alternation(phrases: list[str], case_insensitive: bool = True) -> str:
    """The phrases of :func:`phrase_pattern` as one regex, without its word boundaries."""
    forms = {normalise(p) for p in phrases if p and p.strip()}
    if case_insensitive:
        forms = {f.lower() for f in forms}
    return _trie_alternation(sorted(forms)) or "(?!)"


def matches_at(
    pattern: re.Pattern[str], text: str, starts: list[int], end: int
) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text, starts[0], end)`` gives when ``starts`` holds every
    position where a match can begin (found by a cheaper pattern): only those are tried."""
    after = 0
    for start in starts:
        if start >= after and (m := pattern.match(text, start, end)):
            after = m.end()
            yield m


class Covered:
    """The characters of ``[start, end)`` of a text that some (non-empty) span covers:
    whether a span overlaps one is one search, however many spans were added (a scan of
    them all makes a text with many of them quadratic)."""

    def __init__(self, start: int, end: int) -> None:
        self._start = start
        self._covered = bytearray(max(0, end - start))

    def add(self, start: int, end: int) -> None:
        self._covered[start - self._start : end - self._start] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self._covered.find(1, start - self._start, end - self._start) != -1


def _trie_alternation(forms: list[str], word_start_checked_after: bool = False) -> str:
    """``forms`` as one regex that shares their common beginnings (``Trung (?:Quốc|Hoa)``),
    so a position is tried in one pass, not once per form; a longer form is tried before a
    shorter one it continues (the optional tail is greedy). ``word_start_checked_after``:
    each first character is followed by a check that no word character precedes it."""
    trie: dict = {}
    for form in forms:
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[None] = {}
    return _node_pattern(trie, word_start_checked_after)


def _node_pattern(node: dict, word_start_checked_after: bool = False) -> str:
    branches = [
        re.escape(char)
        + (rf"(?<!\w{re.escape(char)})" if word_start_checked_after else "")
        + _node_pattern(child)
        for char, child in node.items()
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    if None not in node:
        return body
    return f"{body}?" if len(branches) > 1 else f"(?:{body})?"


@cache
def countries() -> dict[str, str]:
    return {normalise(k): v for k, v in load("places")["countries"].items()}


@cache
def places() -> dict[str, dict]:
    """Every form of every known place → its record (with ``name``)."""
    return forms_table(load("places")["places"], normalise)


@cache
def country_pattern() -> re.Pattern[str]:
    return phrase_pattern(list(countries()), case_insensitive=False)


@cache
def place_pattern() -> re.Pattern[str]:
    return phrase_pattern(list(places()), case_insensitive=False)


def first_country_of_text(text: str) -> str | None:
    """The country a phrase names first: a country name, else a known place's country."""
    if m := country_pattern().search(text):
        return countries()[m.group(0)]
    m = place_pattern().search(text)
    return places()[m.group(0)]["country"] if m else None


def country_of_text(text: str) -> str | None:
    """The country a phrase names last: a country name, or a known place's country."""
    found = [(m.end(), countries()[m.group(0)]) for m in country_pattern().finditer(text)]
    found += [(m.end(), places()[m.group(0)]["country"]) for m in place_pattern().finditer(text)]
    return max(found)[1] if found else None
