"""An article's text as HTML with the spans of its facts marked and one sentence in focus.

Spans may overlap (a name inside a post inside a meeting sentence): the text is cut at every
span boundary and each piece is marked by what covers it, so the HTML never nests badly.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    anchor: str | None = None  # an id for the first piece of the span


def sentence_around(text: str, sentence: str | None, start: int, end: int) -> tuple[int, int]:
    """Where ``sentence`` (the evidence) lies in ``text`` around the span [start, end);
    the span itself when the sentence is not found there."""
    if sentence:
        at = text.find(sentence, max(0, end - len(sentence)))
        if 0 <= at <= start and at + len(sentence) >= end:
            return at, at + len(sentence)
    return start, end


def mark(text: str, spans: list[Span], focus: tuple[int, int] | None = None) -> Markup:
    """``text`` escaped, each span's characters in <mark class="fact">, the ``focus``
    characters inside <span class="focus" id="focus"> (the first piece carries the id)."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = {0, len(text)} | {s.start for s in valid} | {s.end for s in valid}
    if focus:
        cuts |= {max(0, focus[0]), min(len(text), focus[1])}
    anchors = {}
    for span in valid:
        if span.anchor:
            anchors.setdefault(span.start, span.anchor)
    pieces, focus_id_given = [], False
    bounds = sorted(cuts)
    for left, right in zip(bounds, bounds[1:], strict=False):
        piece = escape(text[left:right])
        if any(s.start <= left and right <= s.end for s in valid):
            anchor = anchors.get(left)
            piece = (
                Markup('<mark class="fact" id="{}">{}</mark>').format(anchor, piece)
                if anchor
                else Markup('<mark class="fact">{}</mark>').format(piece)
            )
        if focus and focus[0] <= left and right <= focus[1]:
            focus_id = "" if focus_id_given else ' id="focus"'
            focus_id_given = True
            piece = Markup('<span class="focus"{}>{}</span>').format(Markup(focus_id), piece)
        pieces.append(piece)
    return Markup("").join(pieces)
