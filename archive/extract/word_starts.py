"""Where a case-insensitive pattern that begins at a word start can match, found fast.

``(?<!\\w)(?:body)`` compiled with ``re.IGNORECASE`` is tried by the regex engine at every
position of a text: a pattern that begins with a cased letter gets no quick skip to the
places it can begin. :func:`word_start_finder` writes the same test as one character class
of every character the body can begin with (each in all the cases the engine folds together)
followed by the test itself, so that the engine skips to those characters. The first
characters are read by the engine's own parser (``re._parser``, private): a Python without
it gets the plain patterns, which find the same places more slowly.
"""

from __future__ import annotations

import re
import sys
from array import array

try:  # the regex engine's own parser: private, so a Python may lack it or change it
    from re import _constants as sre
    from re import _parser

    regex_parse = _parser.parse
    LITERAL, IN, RANGE = sre.LITERAL, sre.IN, sre.RANGE
    SUBPATTERN, BRANCH = sre.SUBPATTERN, sre.BRANCH
    ZERO_WIDTH = (sre.ASSERT, sre.ASSERT_NOT, sre.AT)
    REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)
except (ImportError, AttributeError):  # first characters unknown: the plain scans are used
    regex_parse = None


def _class_characters(items: list) -> set[int] | None:
    """The characters of a character class of literals and ranges (None for any other)."""
    found: set[int] = set()
    for op, value in items:
        if op is LITERAL:
            found.add(value)
        elif op is RANGE:
            found.update(range(value[0], value[1] + 1))
        else:
            return None  # a negated class or a category: any character may begin
    return found


def _first_characters(items: list) -> tuple[set[int], bool] | None:
    """The characters a parsed sequence can begin with, and whether it can match nothing;
    None when they are not known (the caller then keeps the plain pattern). Lookarounds
    read no character, so the next item's first characters are taken (a superset)."""
    found: set[int] = set()
    for op, value in items:
        if op in ZERO_WIDTH:
            continue
        if op is LITERAL:
            return found | {value}, False
        if op is IN:
            characters = _class_characters(value)
            return None if characters is None else (found | characters, False)
        if op is SUBPATTERN:
            inner = _first_characters(value[3].data)
        elif op is BRANCH:
            inner = _branch_characters(value[1])
        elif op in REPEATS:
            inner = _first_characters(value[2].data)
            inner = inner and (inner[0], inner[1] or value[0] == 0)
        else:
            return None
        if inner is None:
            return None
        found |= inner[0]
        if not inner[1]:
            return found, False
    return found, True


def _branch_characters(branches: list) -> tuple[set[int], bool] | None:
    firsts = [_first_characters(branch.data) for branch in branches]
    if any(first is None for first in firsts):
        return None
    return set().union(*(first[0] for first in firsts)), any(first[1] for first in firsts)


def _every_character() -> str:
    """Every character but the surrogates, as one string (made in C: 0.05 s, not 0.3 s)."""
    codes = array("I", range(0xD800))
    codes.extend(range(0xE000, sys.maxunicode + 1))
    return codes.tobytes().decode(f"utf-32-{'le' if sys.byteorder == 'little' else 'be'}")


def _in_every_case(characters: set[int]) -> list[str]:
    """Every character that ``re.IGNORECASE`` matches to one of ``characters`` (``k`` also
    matches the Kelvin sign, ``s`` the long s), as asked of the regex engine itself."""
    return sorted(set(_class(characters).findall(_every_character())))


def _class(characters: set[int]) -> re.Pattern[str]:
    return re.compile(f"[{''.join(re.escape(chr(c)) for c in sorted(characters))}]", re.I)


def first_characters(patterns: list[str]) -> list[frozenset[str] | None]:
    """For each pattern, every character a match of it with ``re.IGNORECASE`` can begin
    with; None when they are not known or it may match nothing. (Every character is read
    once for all the patterns: each one's are then picked from those.) All None when the
    regex parser cannot be read."""
    if regex_parse is None:
        return [None] * len(patterns)
    parsed = [_first_characters(regex_parse(p, re.IGNORECASE).data) for p in patterns]
    known = [first[0] for first in parsed if first is not None and not first[1]]
    every_case = _in_every_case(set().union(*known)) if known else []
    return [
        None
        if first is None or first[1]
        else frozenset(filter(_class(first[0]).fullmatch, every_case))
        for first in parsed
    ]


def word_start_finder(alternatives: list[str], tail: str = "") -> re.Pattern[str]:
    """A pattern that matches the first character of a text at each position where
    ``(?<!\\w)(?:alternatives...)tail`` matches with ``re.IGNORECASE`` (one such position per
    word, so the same positions, in order). It begins with a character class, which the
    engine skips to; at each character only the alternatives that can begin with it are
    tried (the others are passed over by one test of a class)."""
    alternatives = [part for a in alternatives for part in top_level_alternatives(a)]
    firsts = first_characters(alternatives)
    if any(first is None for first in firsts):
        return plain_word_start_pattern(alternatives, tail)
    selected: dict[str, list[int]] = {}  # character -> the alternatives it can begin
    for index, characters in enumerate(firsts):
        for character in sorted(characters):
            selected.setdefault(character, []).append(index)
    by_selection: dict[tuple[int, ...], list[str]] = {}
    for character, indexes in selected.items():
        by_selection.setdefault(tuple(indexes), []).append(character)
    branches = [
        _branch([alternatives[i] for i in indexes], tail, characters)
        for indexes, characters in by_selection.items()
    ]
    first = re.escape("".join(sorted(selected)))
    return re.compile(rf"[{first}](?<!\w.)(?<=(?:{'|'.join(branches)}))")


def plain_word_start_pattern(alternatives: list[str], tail: str = "") -> re.Pattern[str]:
    """The empty match at each position :func:`word_start_finder` finds, tried everywhere."""
    body = "|".join(f"(?:{alternative})" for alternative in alternatives)
    return re.compile(rf"(?<!\w)(?=(?i:(?:{body}){tail}))")


def _branch(alternatives: list[str], tail: str, characters: list[str]) -> str:
    """One character of ``characters``, where one of ``alternatives`` then ``tail`` begins."""
    first = f"[{re.escape(''.join(sorted(characters)))}]"
    body = "|".join(f"(?:{alternative})" for alternative in alternatives)
    return rf"{first}(?<=(?=(?i:(?:{body}){tail})){first})"


def top_level_alternatives(pattern: str) -> list[str]:
    """The alternatives ``pattern`` joins with a ``|`` outside any group or class (itself
    alone when the regex parser reads another number of them, or cannot be read)."""
    if regex_parse is None:
        return [pattern]
    parts, start, depth, position = [], 0, 0, 0
    while position < len(pattern):
        character = pattern[position]
        if character == "\\":
            position += 1
        elif character == "[":
            position = _class_end(pattern, position)
        elif character in "()":
            depth += 1 if character == "(" else -1
        elif character == "|" and depth == 0:
            parts.append(pattern[start:position])
            start = position + 1
        position += 1
    parts.append(pattern[start:])
    parsed = regex_parse(pattern, re.IGNORECASE).data
    branches = len(parsed[0][1][1]) if len(parsed) == 1 and parsed[0][0] is BRANCH else 1
    return parts if len(parts) == branches else [pattern]


def _class_end(pattern: str, start: int) -> int:
    """Where the character class that opens at ``start`` closes (a ``]`` read first, or
    after ``^``, is a member)."""
    position = start + 1
    if pattern.startswith("^", position):
        position += 1
    if pattern.startswith("]", position):
        position += 1
    while pattern[position] != "]":
        position += 2 if pattern[position] == "\\" else 1
    return position
