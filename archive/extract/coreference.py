"""One person, however one article spells them: spelling variants of a foreign name
(``Lakhamphon``/``Lakhamphong``, ``Nicolai``/``Nikolai``), a shorter and a fuller form
(``Nikolai Patrushev``/``Nicolai Platonovich Patrushev``) and a form given in brackets right
after the name (``Vương Tiểu Hồng (Wang Xiaohong)``) are folded into one mention; the other
spellings are kept as its ``alt_names``."""

from __future__ import annotations

import re
from typing import Protocol

from archive.facts import PersonMention
from archive.vietnamese import name_key

MAX_SPELLING_EDITS = 2
MIN_VARIANT_LETTERS = 4
BRACKETED = re.compile(r"\s*\(\s*$")


class Occurrence(Protocol):
    key: str
    start: int
    end: int


def edit_distance(a: str, b: str, limit: int = MAX_SPELLING_EDITS) -> int:
    """Levenshtein distance, stopped once it exceeds ``limit`` (names are short)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _spelling_variant(a: list[str], b: list[str]) -> bool:
    """Same words but one, which differs by a letter or two (Latin letters only)."""
    if len(a) != len(b) or len(a) < 2:
        return False
    differing = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(differing) != 1:
        return False
    x, y = differing[0]
    latin = x.isascii() and y.isascii() and min(len(x), len(y)) >= MIN_VARIANT_LETTERS
    return latin and edit_distance(x, y) <= MAX_SPELLING_EDITS


def _shorter_form(short: list[str], full: list[str]) -> bool:
    """``Nikolai Patrushev`` in ``Nicolai Platonovich Patrushev``: the same last word, the
    first spelled alike, the rest in order (Latin letters only: Vietnamese names that share
    words are different people)."""
    if not 2 <= len(short) < len(full) or not all(w.isascii() for w in full):
        return False
    if short[-1] != full[-1] or edit_distance(short[0], full[0]) > MAX_SPELLING_EDITS:
        return False
    rest = iter(full[1:])
    return all(word in rest for word in short[1:])


def same_person(a: str, b: str) -> bool:
    words_a, words_b = name_key(a).split(), name_key(b).split()
    return (
        _spelling_variant(words_a, words_b)
        or _shorter_form(words_a, words_b)
        or _shorter_form(words_b, words_a)
    )


def _preferred(a: PersonMention, b: PersonMention) -> tuple[PersonMention, PersonMention]:
    """(kept, folded): the fuller spelling wins, then the one named more often."""
    rank_a, rank_b = (len(a.name), a.mentions), (len(b.name), b.mentions)
    return (a, b) if rank_a >= rank_b else (b, a)


def fold_variants(
    mentions: dict[str, PersonMention],
    occurrences: list,
    bracketed: list[tuple[str, str]],
    known: set[str],
) -> None:
    """Fold mentions of one person into one, in place: ``bracketed`` pairs (key of a name,
    key of the form in brackets right after it) first, then spelling variants. A known
    person's listed name is always the one kept."""
    merges = [_vietnamese_first(mentions, a, b) for a, b in bracketed if a != b]
    for a, b in sorted(_candidate_pairs(mentions)):  # sorted: the same result every run
        if same_person(mentions[a].name, mentions[b].name):
            kept, folded = _preferred(mentions[a], mentions[b])
            if name_key(folded.name) in known:
                kept, folded = folded, kept
            merges.append((name_key(kept.name), name_key(folded.name)))
    for kept_key, folded_key in merges:
        _merge(mentions, occurrences, kept_key, folded_key)


def _vietnamese_first(mentions: dict, a: str, b: str) -> tuple[str, str]:
    """(kept, folded) of a name and its bracketed form: the Sino-Vietnamese form is the name,
    the pinyin the other spelling ("Wang Xiaohong (Vương Tiểu Hồng)" → Vương Tiểu Hồng)."""
    latin = [k for k in (a, b) if k in mentions and mentions[k].name.isascii()]
    return (b, a) if latin == [a] else (a, b)


MAX_BUCKET = 40


def _candidate_pairs(mentions: dict[str, PersonMention]) -> set[tuple[str, str]]:
    """Pairs that may be one person: names with a word in Latin letters sharing their first
    or last word (a variant changes one word). Buckets are capped, so the work stays linear
    however many names an article holds."""
    buckets: dict[tuple[int, str], list[str]] = {}
    for key in mentions:
        words = key.split()
        if len(words) < 2 or not any(w.isascii() and len(w) >= MIN_VARIANT_LETTERS for w in words):
            continue
        for bucket in ((0, words[0]), (1, words[-1])):
            buckets.setdefault(bucket, []).append(key)
    pairs = set()
    for keys in buckets.values():
        keys = keys[:MAX_BUCKET]
        pairs |= {(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]}
    return pairs


def _merge(mentions: dict, occurrences: list, kept_key: str, folded_key: str) -> None:
    kept, folded = mentions.get(kept_key), mentions.get(folded_key)
    if kept is None or folded is None or kept is folded:
        return
    kept.mentions += folded.mentions
    kept.country = kept.country or folded.country
    kept.rank = kept.rank or folded.rank
    for post in folded.posts:
        if post not in kept.posts:
            kept.posts.append(post)
    for alt in [folded.name, *folded.alt_names]:
        if alt != kept.name and alt not in kept.alt_names:
            kept.alt_names.append(alt)
    del mentions[folded_key]
    for occurrence in occurrences:
        if occurrence.key == folded_key:
            occurrence.key = kept_key


def bracketed_after(text: str, end: int, start_of_next: int) -> bool:
    """Whether a name starting at ``start_of_next`` sits in brackets right after a name
    ending at ``end`` ("Vương Tiểu Hồng (Wang Xiaohong)")."""
    return bool(BRACKETED.fullmatch(text[end:start_of_next]))
