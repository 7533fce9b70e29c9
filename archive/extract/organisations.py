"""Organisations named in an article: the known ones (by any alias) and those posts name."""

from __future__ import annotations

from archive.extract import lexicon
from archive.extract.text import Sentence, matches_at
from archive.facts import OrganisationMention


def find_organisations(all_sentences: list[Sentence]) -> list[OrganisationMention]:
    """Known organisations, first mention each, as the text spells them (resolved later)."""
    found: dict[str, OrganisationMention] = {}
    for sentence in all_sentences:
        text = sentence.segment.text
        finder = lexicon.organisation_starts().finditer(text, sentence.start, sentence.end)
        starts = [m.start() for m in finder]
        for m in matches_at(lexicon.organisation_pattern(), text, starts, sentence.end):
            surface = m.group(0)
            following = text[m.end() : m.end() + 12]
            if following.startswith((" hai nước", " hai bên", " các nước")):
                continue  # "Bộ Công an hai nước": both ministries, neither in particular
            if surface.casefold() not in found:
                span = sentence.span(m.start(), m.end())
                found[surface.casefold()] = OrganisationMention(
                    name=surface, span=span, surface=surface
                )
    return list(found.values())
