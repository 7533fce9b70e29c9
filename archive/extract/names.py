"""The shape of a person's name in Vietnamese news text: capitalised runs, family names,
Latin-script foreign names, and what is a place or a body rather than a person."""

from __future__ import annotations

import re
from functools import lru_cache

from archive.extract import lexicon
from archive.extract.text import (
    WORD_TAIL,
    Sentence,
    Word,
    country_of_text,
    country_pattern,
    new_word,
    place_pattern,
)
from archive.vietnamese import fold, name_key

NAME_WORDS = (2, 4)
NAMED_AFTER = re.compile(
    r"(?:\b[Tt]hành phố|\bTP\.?|\b[Tt]p\.|\b[Đđ]ường|\b[Pp]hố|\b[Qq]uận|\b[Hh]uyện|"
    r"\b[Tt]rường|\b[Cc]ầu|\b[Ss]ân bay|\b[Bb]ảo tàng)\s+$"
)


def _joins(text: str, previous: Word, start: int) -> bool:
    """Words of one name: one space between them, or ". " after an initial ("V. Putin")."""
    gap = start - previous.end
    if gap == 1:
        return text[previous.end] == " "
    return (
        gap == 2
        and text[previous.end : start] == ". "
        and len(previous.text) == 1
        and previous.text.isupper()
    )


def _capitalised_word() -> re.Pattern[str]:
    """A word (as ``WORD`` finds them) that starts with an upper-case letter; what may not
    come before it is checked once that letter is read, so that the regex engine skips to
    upper-case letters instead of trying every position."""
    upper = "".join(c for c in map(chr, range(0x10000)) if c.isupper() and re.match(r"\w", c))
    return re.compile(rf"[{re.escape(upper)}](?<!\w.)(?<!\w[.-].)\w*{WORD_TAIL}")


CAPITALISED_WORD = _capitalised_word()


def capitalised_runs(sentence: Sentence) -> tuple[tuple[Word, ...], ...]:
    """Maximal runs of capitalised words joined by single spaces (or ". " after an initial)."""
    runs: list[list[Word]] = []
    text = sentence.segment.text
    last = None
    for match in CAPITALISED_WORD.finditer(text, sentence.start, sentence.end):
        start, end = match.span()
        word = new_word((match.group(), start, end))
        if last is not None and start - last.end <= 2 and _joins(text, last, start):
            runs[-1].append(word)  # nothing else between them
        else:
            runs.append([word])
        last = word
    return tuple(tuple(r) for r in runs if r[0].text[0].isalpha())


def is_syllable(word: str) -> bool:
    """Whether ``word`` is one Vietnamese syllable ("Khăm", "Xay", but not "Michael")."""
    return bool(lexicon.syllable_pattern().fullmatch(word.lower()))


def is_foreign_word(word: str) -> bool:
    """A word in Latin letters that no Vietnamese syllable spells ("George", "Lakhamphong")."""
    return (
        len(word) > 2
        and word.isascii()
        and word.isalpha()
        and any(c in "aeiouy" for c in word.lower())
        and not is_syllable(word)
    )


def split_mixed(run: list[Word]) -> list[list[Word]]:
    """Cut a run where a Vietnamese syllable with diacritics meets a foreign word: a name is
    written in one script or the other, so the two belong to different phrases."""
    pieces = [[run[0]]]
    for previous, word in zip(run, run[1:], strict=False):
        vietnamese_then_foreign = (  # the cheapest tests first
            word.text.isascii()
            and not previous.text.isascii()
            and is_syllable(previous.text)
            and is_foreign_word(word.text)
        )
        if vietnamese_then_foreign:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    return pieces


def cut_after_country(run: list[Word], text: str) -> tuple[list[Word], str | None]:
    """Drop a leading organisation/country/place part of a run (``Trung Quốc Quách ...``).
    Only a part that the run starts with is cut: a place inside a name stays (``Trương Hòa
    Bình``, ``Lê Hồng Hà``)."""
    cut, country = _leading_place(text[run[0].start : run[-1].end])
    if not cut:
        return run, None
    return [w for w in run if w.start >= run[0].start + cut], country


@lru_cache(maxsize=4096)
def _leading_place(run_text: str) -> tuple[int, str | None]:
    """How many characters of a run its leading country, place or body takes, and the
    country they name (remembered by text: the same runs come back, article after article)."""
    spans = sorted(
        m.span()
        for p in (country_pattern(), place_pattern(), lexicon.organisation_pattern())
        for m in p.finditer(run_text)
    )
    cut = 0
    for start, end in spans:
        if start <= cut + 1 and end > cut:  # contiguous with what is cut so far
            cut = end
    return cut, country_of_text(run_text[:cut]) if cut else None


def is_foreign_latin(candidate: list[Word]) -> bool:
    """Latin letters only, capitalised not in capitals, initials allowed ("V. Putin")."""
    initial = [len(w.text) == 1 for w in candidate]
    return not all(initial) and all(
        w.text.isascii() and w.text.isalpha() and (not w.text.isupper() or len(w.text) == 1)
        for w in candidate
    )


def anonymised(candidate: list[Word], text: str) -> bool:
    """A name the press shortens to protect someone ("chị Vàng Thị Ch.", "Sùng Thị X."):
    its last word, cut off by a full stop, is an initial or consonants only."""
    last = candidate[-1]
    if len(candidate) < 2 or text[last.end : last.end + 1] != ".":
        return False  # not cut off by a full stop (the commonest case, and the cheapest test)
    return len(last.text) == 1 or (
        len(last.text) <= 3 and not any(c in "aeiouy" for c in fold(last.text))
    )


def looks_like_name(candidate: list[Word], framed: bool = False) -> bool:
    """A name's shape: 2–4 words from a family name, or Latin letters; a run that its
    frame marks as a person (``framed``) may be longer and need not start with a known
    family name, but is never a place, a country or a body."""
    low, high = NAME_WORDS
    if framed:
        return low <= len(candidate) <= lexicon.longest_framed_name() and framed_name(candidate)
    if not low <= len(candidate) <= high:
        return False
    return (  # the known-people list last: the dearest look-up
        _family_name_first(candidate)
        or is_foreign_latin(candidate)
        or name_key(" ".join(w.text for w in candidate)) in lexicon.known_people()
    )


def _family_name_first(candidate: list[Word]) -> bool:
    return (
        candidate[0].text in lexicon.surnames()
        and all(not w.text.isupper() or len(w.text) == 1 for w in candidate)
        and not any(w.text in lexicon.organisation_words() for w in candidate[1:])
    )


def framed_name(candidate: list[Word]) -> bool:
    """Any name shape once a frame says "person": words that are not a body's head word
    first, all in capitals (pinyin "CAI KAIHUA") or none beyond initials."""
    first = candidate[0].text
    if first in lexicon.organisation_words() or not first[0].isalpha():
        return False
    capitals = [w.text.isupper() and len(w.text) > 1 for w in candidate if not initials(w.text)]
    return all(capitals) or not any(capitals)


def initials(word: str) -> bool:
    """ "A.V", "V": a name's initials, not a word in capitals."""
    return all(len(part) == 1 and part.isupper() for part in word.split("."))


def named_after(text: str, start: int) -> bool:
    """A place, street or school named after a person ("TP Hồ Chí Minh", "đường Lê Lợi")."""
    return bool(NAMED_AFTER.search(text[max(0, start - 20) : start]))


@lru_cache(maxsize=4096)
def not_a_name(text: str) -> bool:
    """A place, a country or a body (remembered by text, like :func:`_leading_place`)."""
    key = name_key(text)
    unit, _, rest = text.partition(" ")
    return bool(
        (unit in lexicon.unit_words() and place_pattern().fullmatch(rest))
        or country_pattern().fullmatch(text)
        or place_pattern().fullmatch(text)
        or key in lexicon.organisations()
        or lexicon.organisation_heads().match(text)
    )


def starts_a_name(run: list[Word], text: str) -> bool:
    """Whether a person's name (not a place or body) begins at the first word of ``run``."""
    joined = []
    for w in run:
        if not w.capitalised or (joined and text[joined[-1].end : w.start] != " "):
            break
        joined.append(w)
    return (
        len(joined) >= NAME_WORDS[0]
        and looks_like_name(joined)
        and not not_a_name(text[joined[0].start : joined[-1].end])
        and not place_pattern().match(text, joined[0].start)
    )


def strip_leading_cues(run: list[Word], text: str) -> list[Word]:
    """``HLV Park Hang Seo``, ``Ông Jernej``, ``Samdech Krolahom Sar Kheng``, ``QH Trương
    Đức Giang``: a capitalised cue, a foreign honorific or an abbreviation in capitals
    before a name goes."""
    while len(run) > 1:
        head = run[0].text
        honorific = lexicon.foreign_honorific_pattern().match(text, run[0].start)
        if honorific and honorific.end() > run[0].start:
            rest = [w for w in run if w.start >= honorific.end()]
            if len(rest) == len(run) or not rest:
                break
            run = rest
        elif _is_cue(head) or _abbreviation_before_name(run):
            run = run[1:]
        else:
            break
    return run


@lru_cache(maxsize=4096)
def _is_cue(word: str) -> bool:
    """Whether a word is a whole rank, post or honorific ("Ông", "HLV"): the same words come
    back in every sentence, so the answer is remembered."""
    return lexicon.cue_pattern().fullmatch(word) is not None


def _abbreviation_before_name(run: list[Word]) -> bool:
    """ "QH" in "Chủ tịch QH Trương Đức Giang": capitals glued before a name in lower case."""
    head = run[0].text
    return len(head) > 1 and head.isupper() and not run[1].text.isupper()
