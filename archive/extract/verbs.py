"""Meeting verbs in a sentence: which encounter a clause reports, if any.

A verb inside a framing clause ("trong khuôn khổ chuyến thăm ...,") does not count; a verb
right after "kết quả", "sẽ", "chuyến"... is a citation, a plan or a noun. Patterns and word
lists are in ``archive/data/meetings.yml``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from archive.extract import lexicon
from archive.extract.text import Covered, Sentence, matches_at, phrase_alternation
from archive.extract.word_starts import first_characters, word_start_finder
from archive.knowledge import load
from archive.vietnamese import normalise

NEGATION_WINDOW_WORDS = 3
SPACES = re.compile(r"\s*")


@dataclass(frozen=True)
class Verb:
    kind: str
    start: int
    end: int
    roles: tuple[str | None, str | None] = (None, None)
    generic: bool = False


@cache
def verb_patterns() -> tuple[tuple[str, re.Pattern[str], tuple, bool, frozenset | None], ...]:
    """Each verb: its kind, pattern, roles, whether generic, and the characters it can
    begin with (None: not known)."""
    verbs = load("meetings")["verbs"]
    firsts = first_characters([normalise(v["pattern"]) for v in verbs])
    return tuple(
        (
            v["kind"],
            re.compile(rf"(?<!\w)(?:{normalise(v['pattern'])})(?!\w)", re.IGNORECASE),
            (v.get("subject"), v.get("object")),
            bool(v.get("generic")),
            first,
        )
        for v, first in zip(verbs, firsts, strict=True)
    )


@cache
def negation_pattern() -> re.Pattern[str]:
    forms = sorted(
        (normalise(w) for w in load("meetings")["not_a_report_before"]), key=len, reverse=True
    )
    body = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?<!\w)(?:{body})(?:\s+(?:các|cuộc|buổi))?\s*$", re.IGNORECASE)


@cache
def framing_pattern() -> re.Pattern[str]:
    """An opener and its clause, to the next comma or semicolon (the clause's end is the
    same whichever opener is read, so the openers can be one trie)."""
    openers = phrase_alternation(load("meetings")["framing_openers"], case_insensitive=False)
    return re.compile(rf"(?<!\w)(?:{openers})(?!\w)[^,;]*", re.IGNORECASE)


@cache
def framing_starts() -> re.Pattern[str]:
    """Where a framing clause starts (:func:`framing_pattern` is then tried only there)."""
    openers = phrase_alternation(load("meetings")["framing_openers"], case_insensitive=False)
    return word_start_finder([openers], r"(?!\w)")


class Regions:
    """Ranges of a sentence in the order of their starts (they may overlap): whether one
    holds a position is a bisect, not a scan of them all."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self.ranges = ranges
        self._starts = [start for start, _end in ranges]
        self._reach = list(accumulate((end for _start, end in ranges), max))

    def holds(self, position: int) -> bool:
        index = bisect.bisect_right(self._starts, position)
        return index > 0 and self._reach[index - 1] > position


def framing_regions(sentence: Sentence) -> Regions:
    """Framing clauses: from the opener to the comma that ends it, read through the commas
    of a title chain ("nhận lời mời của Ủy viên Quốc vụ, Bộ trưởng ... Quách Thanh Côn,")."""
    text = sentence.segment.text
    regions = []
    starts = [m.start() for m in framing_starts().finditer(text, sentence.start, sentence.end)]
    for m in matches_at(framing_pattern(), text, starts, sentence.end):
        end, chunk_start = m.end(), m.start()
        while (
            end < sentence.end
            and text[end] == ","
            and lexicon.cue_pattern().search(text, chunk_start, end)  # a title, no name yet
            and lexicon.cue_pattern().match(text, _after_spaces(text, end + 1), sentence.end)
        ):
            chunk_start = end + 1
            following = text.find(",", end + 1, sentence.end)
            end = following if following != -1 else sentence.end
        regions.append((m.start(), end))
    return Regions(regions)


def _after_spaces(text: str, position: int) -> int:
    return SPACES.match(text, position).end()


def inside(position: int, regions: Regions) -> bool:
    return regions.holds(position)


def _negated(text: str, verb: Verb, sentence_start: int) -> bool:
    before = text[max(sentence_start, verb.start - 60) : verb.start]
    window = " ".join(before.split()[-NEGATION_WINDOW_WORDS - 2 :])
    return bool(negation_pattern().search(window))


@cache
def verb_starts() -> re.Pattern[str]:
    """Where any meeting verb starts (a match's start): each verb's own pattern is then
    tried only at those places, never along the whole sentence."""
    verbs = [normalise(v["pattern"]) for v in load("meetings")["verbs"]]
    return word_start_finder(verbs, r"(?!\w)")


def find_verbs(sentence: Sentence) -> tuple[list[Verb], Regions]:
    """Every meeting verb in the sentence outside framing clauses, in text order, and the
    framing clauses (looked for only in a sentence where some verb starts)."""
    text = sentence.segment.text
    found: list[Verb] = []
    starts = [m.start() for m in verb_starts().finditer(text, sentence.start, sentence.end)]
    if not starts:
        return found, Regions([])
    framing = framing_regions(sentence)
    taken = Covered(sentence.start, sentence.end)  # by the verbs found so far
    leads = {text[start] for start in starts}  # a verb that begins with none is not tried
    for kind, pattern, roles, generic, firsts in verb_patterns():
        if firsts is not None and firsts.isdisjoint(leads):
            continue
        for m in matches_at(pattern, text, starts, sentence.end):
            if not inside(m.start(), framing) and not taken.overlaps(m.start(), m.end()):
                found.append(Verb(kind, m.start(), m.end(), roles, generic))
                taken.add(m.start(), m.end())
    return sorted(found, key=lambda v: v.start), framing


def reported_kind(text: str, verbs: list[Verb], start: int) -> Verb | None:
    """The verb a clause reports a meeting with: none if its first verb is not a report;
    otherwise its first specific verb ("tiếp ... và đồng chủ trì" is a reception), else its
    first generic one (gặp, làm việc với, thăm...)."""
    if not verbs or _negated(text, verbs[0], start):
        return None
    usable = [verbs[0], *(v for v in verbs[1:] if not _negated(text, v, start))]
    specific = [v for v in usable if not v.generic]
    return (specific or usable or [None])[0]  # the main verb: the first specific one
