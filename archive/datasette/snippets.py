"""Snippets of text found without diacritics, in the original spelling: the words of the
query are located in the folded text (``ma tuy``) and marked, character for character, in
the original (``⟦ma⟧ ⟦túy⟧``)."""

from __future__ import annotations

import re

from archive.vietnamese import fold

# matched words are wrapped in these (as FTS5's snippet() does in the canned searches)
MARK_OPEN, MARK_CLOSE = "⟦", "⟧"
SNIPPET_CHARS = 240


def folded_terms(query: str) -> list[str]:
    return re.findall(r"\w+", fold(query))


def folded_positions(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, the index of the original character
    it came from (folding may change the length: ``ß``, decomposed letters)."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded, list(range(len(text)))
    pieces, origin = [], []
    for index, char in enumerate(text):
        piece = fold(char)
        pieces.append(piece)
        origin.extend([index] * len(piece))
    return "".join(pieces), origin


def _window(text: str, first: tuple[int, int], width: int) -> tuple[int, int]:
    """About ``width`` characters around the first match, cut at spaces."""
    start = max(0, first[0] - width // 3)
    end = min(len(text), start + width)
    first_space = text.find(" ", start, first[0])
    if start > 0 and first_space >= 0:
        start = first_space + 1
    last_space = text.rfind(" ", first[1], end)
    if end < len(text) and last_space >= 0:
        end = last_space
    return start, end


def marked_snippet(text: str, query: str, width: int = SNIPPET_CHARS) -> str:
    """A window of ``text`` around the first accent-free match of ``query``'s words, every
    matching word between ⟦ and ⟧, ``…`` where text is left out."""
    terms = folded_terms(query)
    folded, origin = folded_positions(text) if terms else ("", [])
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\b")
    matches = [(origin[m.start()], origin[m.end() - 1] + 1) for m in pattern.finditer(folded)]
    if not matches:
        return text[:width] + ("…" if len(text) > width else "")
    start, end = _window(text, matches[0], width)
    pieces, cursor = ["…" if start else ""], start
    for left, right in matches:
        if cursor <= left and right <= end:
            pieces += [text[cursor:left], MARK_OPEN, text[left:right], MARK_CLOSE]
            cursor = right
    pieces += [text[cursor:end], "…" if end < len(text) else ""]
    return "".join(pieces)
