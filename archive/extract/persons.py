"""People and their posts, from the frames Vietnamese news names people in.

A name is a run of 2–4 capitalised words starting with a family name (or, for names in
Latin letters, any run right after a cue or a country). It counts when something frames it
as a person: a rank, post or honorific before it (``Thượng tướng Tô Lâm``, ``Bộ trưởng Bộ
Công an Trung Quốc Quách Thanh Côn``), a post after it (``La Vệ Đông, Phó Giám đốc``), a
list it continues, or our list of known people. Short forms (``ông Quách``, ``ông Trọng``)
are folded into the full name the same article gives.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

from archive.extract import lexicon
from archive.extract.coreference import bracketed_after, fold_variants
from archive.extract.countries import (
    context_country,
    home_country,
    relational_countries,
    shares_residence,
    text_before,
)
from archive.extract.names import (
    NAME_WORDS,
    anonymised,
    capitalised_runs,
    cut_after_country,
    is_foreign_latin,
    is_foreign_word,
    looks_like_name,
    named_after,
    not_a_name,
    split_mixed,
    strip_leading_cues,
)
from archive.extract.posts import AFTER_NAME_POST, attach_posts
from archive.extract.text import Sentence, Word, clause_before, words
from archive.facts import PersonMention
from archive.vietnamese import name_key

AFTER_NAME_PERSON = re.compile(r"^\s*[,(]?\s*(?:sinh năm|SN)\b")
LOCATIVE = re.compile(r"\b(?:tại|ở|đến|sang)\s+$")
LIST_JOIN = re.compile(r"^\s*(?:,|và|cùng)\s*$")


@dataclass
class Occurrence:
    """Where a person is named: a field offset range inside one sentence."""

    key: str
    start: int
    end: int
    sentence: Sentence


@dataclass
class Candidate:
    words: list[Word]
    sentence: Sentence
    cut_country: str | None = None
    cued: bool | None = None  # None: not read yet (see _is_cued)
    framed: bool = False

    @cached_property  # asked for again and again; the words never change
    def text(self) -> str:
        return " ".join(self.sentence.segment.text[self.start : self.end].split())

    @property
    def start(self) -> int:
        return self.words[0].start

    @property
    def end(self) -> int:
        return self.words[-1].end


@dataclass
class ArticlePeople:
    """What the person pass found in one article: mentions and where each is named."""

    mentions: dict[str, PersonMention] = field(default_factory=dict)
    occurrences: list[Occurrence] = field(default_factory=list)
    _by_sentence: dict | None = field(default=None, repr=False)

    def in_sentence(self, sentence: Sentence) -> list[Occurrence]:
        """The occurrences in one sentence (indexed once, when the person pass is done)."""
        if self._by_sentence is None:
            self._by_sentence = {}
            for o in self.occurrences:
                place = (o.sentence.segment.field, o.sentence.start)
                self._by_sentence.setdefault(place, []).append(o)
        return self._by_sentence.get((sentence.segment.field, sentence.start), [])


def _left_context(sentence: Sentence, start: int) -> str:
    """The clause a name stands in, up to the name."""
    return clause_before(text_before(sentence, start))


def find_candidates(sentence: Sentence) -> list[Candidate]:
    """Name-shaped runs in a sentence that something frames as a person."""
    text = sentence.segment.text
    found: list[Candidate] = []
    for run in _sentence_runs(sentence).named:
        rest, country = cut_after_country(run, text)
        if not rest:
            continue  # all of it a country, a place or a body
        if rest is not run:  # a place cut off: cues may follow it ("run" has none left)
            rest = strip_leading_cues(rest, text)
        if country and LOCATIVE.search(text[max(sentence.start, run[0].start - 8) : run[0].start]):
            country = None  # "Đại sứ Trung Quốc tại Việt Nam X": where, not whose
        for index, piece in enumerate(split_mixed(rest)):
            candidate = _candidate(sentence, piece, country if index == 0 else None)
            if candidate and _accept(candidate, piece[0].start, found):
                found.append(candidate)
    return found


class SentenceRuns(NamedTuple):
    """The capitalised runs of a sentence as the person pass reads them, without their
    leading cues: those of two words or more (before the cues went), which may hold a name,
    and the single words in letters that are left, which may be short references."""

    named: tuple[Sequence[Word], ...]
    single: tuple[Word, ...]


@lru_cache(maxsize=256)
def _sentence_runs(sentence: Sentence) -> SentenceRuns:
    """The runs of a sentence, found once (names and short references both ask)."""
    text = sentence.segment.text
    named, single = [], []
    for whole in capitalised_runs(sentence):
        run = strip_leading_cues(whole, text) if len(whole) > 1 else whole
        if len(whole) >= NAME_WORDS[0]:  # one capitalised word is never a whole name
            named.append(run)
        if len(run) == 1 and run[0].text.isalpha():
            single.append(run[0])
    return SentenceRuns(tuple(named), tuple(single))


def _candidate(sentence: Sentence, run: list[Word], country: str | None) -> Candidate | None:
    """The name a run of words holds, framed or not, or None for a place or a body."""
    run = _without_repeated_surname(run)
    if named_after(sentence.segment.text, run[0].start):
        return None
    framed = None  # looked for only once a place or a body is ruled out, where it may be
    if len(run) > min(lexicon.longest_framed_name(), NAME_WORDS[1]):  # cut by the frame
        framed = _directly_framed(sentence, run, country)
        run = run[: lexicon.longest_framed_name() if framed else NAME_WORDS[1]]
    if not_a_name(" ".join(w.text for w in run)):
        return None
    if framed is None:
        framed = _directly_framed(sentence, run, country)
    return Candidate(run, sentence, cut_country=country, framed=framed)


def _is_cued(candidate: Candidate) -> bool:
    """A country cut off right before the name, or a cue in the clause before it (read the
    first time it is asked, and only for a candidate that looks like a name)."""
    if candidate.cued is None:
        candidate.cued = candidate.cut_country is not None or bool(
            lexicon.cue_pattern().search(_left_context(candidate.sentence, candidate.start))
        )
    return candidate.cued


def _directly_framed(sentence: Sentence, run: list[Word], country: str | None) -> bool:
    """A frame that makes any name shape a person: an honorific or rank right before it
    ("ông Cái Lập Tân", "Đại tá Xổm Xay Phụ Lạ Khăm Mạ Ni"), a post and a country right
    before it, a list of people it opens ("đối tượng gồm: A"), or a person's appositive right
    after it ("Giàng A Lảnh (sinh năm 1988", "Wu He Shan (SN 1963")."""
    text = sentence.segment.text
    before = text[max(sentence.start, run[0].start - 60) : run[0].start]
    after = text[run[-1].end : min(sentence.end, run[-1].end + 60)]
    return bool(
        _ends_with_frame_word(before)
        or lexicon.person_appositive().match(after)
        or (country is not None and lexicon.cue_pattern().search(clause_before(before)))
        or (LIST_OPENER_END.search(before) and lexicon.person_list_opener().search(before))
    )


LIST_OPENER_END = re.compile(r"\b(?:gồm|là)\s*:?\s*$")


def _ends_with_frame_word(before: str) -> bool:
    """Whether an honorific or a rank ends ``before`` ("... ông ", "... Đại tá ")."""
    tail = before.rsplit(None, 3)[-3:]
    return any(" ".join(tail[-size:]).casefold() in lexicon.frame_words() for size in range(1, 4))


def _without_repeated_surname(run: list[Word]) -> list[Word]:
    """ "Patrushev Nikolai Patrushev": a family name written before a foreign full name goes
    (a Vietnamese name may repeat a word: "Giàng Seo Giàng")."""
    if len(run) >= 3 and run[0].text == run[-1].text and is_foreign_word(run[0].text):
        return run[1:]
    return run


def _accept(candidate: Candidate, run_start: int, found: list[Candidate]) -> bool:
    """Whether a candidate is a person's name (``run_start``: where the run it was read
    from starts, whose clause is read only for a name in Latin letters)."""
    words_ = candidate.words
    text = candidate.sentence.segment.text
    after = text[candidate.end : candidate.end + 80]
    if len(words_) == 1 or anonymised(words_, text):
        return False
    if candidate.framed and looks_like_name(words_, framed=True):
        return True
    if not looks_like_name(words_):
        return False
    in_brackets = bool(found) and bracketed_after(text, found[-1].end, candidate.start)
    if (
        is_foreign_latin(words_)
        and not in_brackets
        and not (_is_cued(candidate) and _left_context(candidate.sentence, run_start).strip())
    ):
        return False
    return (  # the cheapest tests first
        _is_cued(candidate)
        or in_brackets
        or name_key(candidate.text) in lexicon.known_people()
        or _post_after(after)
        or (bool(found) and bool(LIST_JOIN.match(text[found[-1].end : candidate.start])))
        or bool(AFTER_NAME_PERSON.match(after))
    )


def _post_after(after: str) -> bool:
    """A post right after the name (", Phó Giám đốc ...")."""
    return bool(AFTER_NAME_POST.match(after)) and bool(
        lexicon.post_pattern().match(AFTER_NAME_POST.sub("", after, count=1))
    )


def short_references(sentence: Sentence, names: Container[str]) -> list[Word]:
    """One-word references right after a cue (``ông Quách``, ``ông Trọng``) that are one of
    ``names`` (only those can stand for someone: other words are not looked at)."""
    text = sentence.segment.text
    refs = []
    for word in _sentence_runs(sentence).single:
        if word.text not in names:
            continue
        left = text[max(sentence.start, word.start - 30) : word.start]
        last_word = left.rsplit(None, 1)[-1:]
        if not last_word or not lexicon.cue_last_words().search(last_word[0]):
            continue  # no cue can end right before the word (found far faster than cues)
        cue = list(lexicon.cue_pattern().finditer(left))
        if cue and not left[cue[-1].end() :].strip():
            refs.append(word)
    return refs


def person_country(candidate: Candidate, sentence: Sentence) -> str | None:
    if candidate.cut_country:
        return candidate.cut_country
    record = lexicon.known_people().get(name_key(candidate.text))
    return record["country"] if record else None


def new_mention(candidate: Candidate) -> PersonMention:
    span = candidate.sentence.span(candidate.start, candidate.end)
    return PersonMention(
        name=candidate.text,
        country=person_country(candidate, candidate.sentence),
        span=span,
        surface=candidate.text,
    )


def known_in(sentence: Sentence) -> list[Candidate]:
    """Known people named anywhere in the sentence, cue or not."""
    text = sentence.segment.text
    spans, starts = _known_spans(text, lexicon.known_people_on())
    here = spans[bisect_left(starts, sentence.start) : bisect_left(starts, sentence.end)]
    return [
        Candidate(words(m.group(0), m.start()), sentence, cued=True)
        for m in here
        if not named_after(text, m.start())
    ]


@lru_cache(maxsize=8)
def _known_spans(text: str, list_on: bool) -> tuple[tuple[re.Match[str], ...], list[int]]:
    """Every known person's name in a field, found in one pass (not one per sentence), and
    where each starts (a sentence takes its own by bisection)."""
    pattern = lexicon.known_people_pattern() if list_on else None
    spans = tuple(pattern.finditer(text)) if pattern else ()
    return spans, [m.start() for m in spans]


def _overlaps(candidate: Candidate, others: list[Candidate]) -> bool:
    return any(candidate.start < o.end and o.start < candidate.end for o in others)


def _canonical(text: str) -> str:
    record = lexicon.known_people().get(name_key(text))
    return record["name"] if record else text


def _mention_for(people: ArticlePeople, candidate: Candidate) -> PersonMention:
    name = _canonical(candidate.text)
    key = name_key(name)
    mention = people.mentions.get(key)
    if mention is None:
        mention = new_mention(candidate)
        mention.name = name
        people.mentions[key] = mention
    else:
        mention.mentions += 1
        if mention.country is None:
            mention.country = person_country(candidate, candidate.sentence)
    if candidate.text != name and candidate.text not in mention.alt_names:
        mention.alt_names.append(candidate.text)
    return mention


def _name_ends(people: ArticlePeople) -> dict[str, str]:
    """Family name or given name → the one full name that has it (a word that ends two
    names stands for neither)."""
    ends: dict[str, list[str]] = {}
    for key, m in people.mentions.items():
        for word in {m.name.split()[0], m.name.split()[-1]}:
            ends.setdefault(word, []).append(key)
    return {word: keys[0] for word, keys in ends.items() if len(keys) == 1}


def _fold_short_reference(people: ArticlePeople, key: str, word: Word, sentence: Sentence) -> None:
    """``ông Quách`` (family name) or ``ông Trọng`` (given name) → the full name it fits."""
    people.mentions[key].mentions += 1
    people.occurrences.append(Occurrence(key, word.start, word.end, sentence))


def find_people(all_sentences: list[Sentence]) -> ArticlePeople:
    """Every person the sentences name, with posts, country and every occurrence."""
    people = ArticlePeople()
    bracketed: list[tuple[str, str]] = []
    sentences_named = []
    for sentence in all_sentences:
        candidates = find_candidates(sentence)
        candidates += [k for k in known_in(sentence) if not _overlaps(k, candidates)]
        previous: Occurrence | None = None
        listed: list[PersonMention] = []
        named: list[tuple[PersonMention, int, int]] = []
        for candidate in sorted(candidates, key=lambda c: c.start):
            mention = _mention_for(people, candidate)
            attach_posts(mention, sentence, candidate.start, candidate.end)
            if not mention.country:  # the words around the name are read only when needed
                mention.country = context_country(sentence, candidate.start, candidate.end)
            if mention.country and shares_residence(sentence, candidate.end):
                for earlier in listed:  # "A (20 tuổi), B (19 tuổi, cùng ở xã X)"
                    earlier.country = earlier.country or mention.country
            listed.append(mention)
            named.append((mention, candidate.start, candidate.end))
            key = name_key(mention.name)
            occurrence = Occurrence(key, candidate.start, candidate.end, sentence)
            if previous and bracketed_after(sentence.segment.text, previous.end, occurrence.start):
                bracketed.append((previous.key, key))
            people.occurrences.append(occurrence)
            previous = occurrence
        sentences_named.append((sentence, named))
    known = {k for k in people.mentions if k in lexicon.known_people()}
    fold_variants(people.mentions, people.occurrences, bracketed, known)
    taken = {(o.sentence.segment.field, o.start) for o in people.occurrences}
    ends = _name_ends(people)
    for sentence in all_sentences:
        for word in short_references(sentence, ends):
            if (sentence.segment.field, word.start) not in taken:
                _fold_short_reference(people, ends[word.text], word, sentence)
    for mention in people.mentions.values():
        mention.country = mention.country or home_country(mention)
    for sentence, named in sentences_named:
        relational_countries(sentence, named)
    return people
