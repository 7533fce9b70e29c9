"""Vietnamese text normalisation shared by import and search.

One canonical form for stored and indexed text: NFC, with the tone mark placed the
"new" way in the open syllables ``oa``, ``oe`` and ``uy`` (``hoà``→``hòa``,
``Uỷ``→``Ủy``, ``khoẻ``→``khỏe``). :func:`fold` gives the accent-free form
(``đ``→``d``) used for searches typed without diacritics.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
OPEN_CLUSTERS = ("oa", "oe", "uy")
WORD = re.compile(r"\w+")


def _move_tone_to_first_vowel(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    if len(tones) != 1:
        return word
    base = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    letters = base.lower()
    tone_at = decomposed.index(tones[0])
    tone_on = "".join(ch for ch in decomposed[:tone_at] if ch not in TONE_MARKS)
    if tone_on != base:  # the mark must sit on the word's last vowel
        return word
    if not letters.endswith(OPEN_CLUSTERS):
        return word
    if letters.endswith("uy") and letters[:-2].endswith("q"):
        return word  # "quý": the u belongs to the consonant qu
    if len(letters) >= 3 and letters[-3] in "aăâeêioôơuưy":
        return word  # longer vowel cluster (e.g. "ngoài" never gets here; "uoa" is rare)
    rebuilt = base[:-1] + tones[0] + base[-1]
    return unicodedata.normalize("NFC", rebuilt)


def _old_placement_pattern() -> re.Pattern:
    """An ``o``/``u`` then a toned ``a``/``e``/``y`` ending a word (NFC): the only places an
    "old" tone mark can sit, so that only those words are looked at."""
    toned = "".join(
        unicodedata.normalize("NFC", vowel + tone)
        for vowel in "aeyAEY"
        for tone in sorted(TONE_MARKS)
    )
    return re.compile(rf"[oOuU][{toned}](?!\w)")


OLD_PLACEMENT = _old_placement_pattern()


def _word_start(text: str, end: int, floor: int) -> int:
    start = end
    while start > floor and WORD.match(text, start - 1, start):
        start -= 1
    return start


def unify_tone_marks(text: str) -> str:
    """Place tone marks the same way everywhere (``hoà`` → ``hòa``) in NFC text."""
    pieces, done = [], 0
    for match in OLD_PLACEMENT.finditer(text):
        start = _word_start(text, match.start(), done)
        pieces += [text[done:start], _move_tone_to_first_vowel(text[start : match.end()])]
        done = match.end()
    return "".join(pieces) + text[done:] if pieces else text


def normalise(text: str) -> str:
    """NFC plus unified tone-mark placement: the form stored, indexed and searched."""
    return unify_tone_marks(unicodedata.normalize("NFC", text))


def _marks_pattern() -> re.Pattern:
    """Runs of combining marks of the Basic Multilingual Plane, as one character class."""
    marks = "".join(chr(code) for code in range(0x10000) if unicodedata.combining(chr(code)))
    return re.compile(f"[{re.escape(marks)}]+")


MARKS = _marks_pattern()


def fold(text: str) -> str:
    """Accent-free lower-case form: ``Ủy ban Chính pháp`` → ``uy ban chinh phap``."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = MARKS.sub("", decomposed)
    if max(stripped, default="") > "\uffff":  # marks beyond the pattern's plane (rare)
        stripped = "".join(ch for ch in stripped if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """Comparison key for names: normalised, case-folded, single-spaced."""
    return " ".join(normalise(name).casefold().split())
