"""The shape of a person's name in Vietnamese news text: capitalised runs, family names,
Latin-script foreign names, and what is a place or a body rather than a person."""

from __future__ import annotations

import re

from archive.extract import lexicon
from archive.extract.text import (
    Sentence,
    Word,
    country_of_text,
    country_pattern,
    place_pattern,
    words,
)
from archive.vietnamese import name_key

NAME_WORDS = (2, 4)
NAMED_AFTER = re.compile(
    r"(?:\b[Tt]hành phố|\bTP\.?|\b[Tt]p\.|\b[Đđ]ường|\b[Pp]hố|\b[Qq]uận|\b[Hh]uyện|"
    r"\b[Tt]rường|\b[Cc]ầu|\b[Ss]ân bay|\b[Bb]ảo tàng)\s+$"
)


def capitalised_runs(sentence: Sentence) -> list[list[Word]]:
    """Maximal runs of capitalised words joined by single spaces."""
    runs: list[list[Word]] = []
    text = sentence.segment.text
    for word in words(sentence.text, sentence.start):
        joined = runs and text[runs[-1][-1].end : word.start] == " "
        if word.capitalised and word.text[0].isalpha():
            if joined and runs[-1][-1].capitalised:
                runs[-1].append(word)
            else:
                runs.append([word])
        else:
            runs.append([word])
    return [r for r in runs if r[0].capitalised and r[0].text[0].isalpha()]


def cut_after_country(run: list[Word], text: str) -> tuple[list[Word], str | None]:
    """Drop a leading organisation/country/place part of a run (``Trung Quốc Quách ...``)."""
    run_text = text[run[0].start : run[-1].end]
    ends = [
        m.end()
        for p in (country_pattern(), place_pattern(), lexicon.organisation_pattern())
        for m in p.finditer(run_text)
    ]
    if not ends:
        return run, None
    cut = run[0].start + max(ends)
    rest = [w for w in run if w.start >= cut]
    return rest, country_of_text(text[run[0].start : cut])


def is_foreign_latin(candidate: list[Word]) -> bool:
    return all(w.text.isascii() and w.text.isalpha() and not w.text.isupper() for w in candidate)


def looks_like_name(candidate: list[Word]) -> bool:
    low, high = NAME_WORDS
    if not low <= len(candidate) <= high:
        return False
    if name_key(" ".join(w.text for w in candidate)) in lexicon.known_people():
        return True
    if is_foreign_latin(candidate):
        return True
    first = candidate[0].text
    return (
        first in lexicon.surnames()
        and all(not w.text.isupper() or len(w.text) == 1 for w in candidate)
        and not any(w.text in lexicon.organisation_words() for w in candidate[1:])
    )


def named_after(text: str, start: int) -> bool:
    """A place, street or school named after a person ("TP Hồ Chí Minh", "đường Lê Lợi")."""
    return bool(NAMED_AFTER.search(text[max(0, start - 20) : start]))


def not_a_name(text: str) -> bool:
    key = name_key(text)
    return bool(
        country_pattern().fullmatch(text)
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
