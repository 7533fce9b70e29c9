"""Resolve stage: mentions → canonical persons and organisations.

Known people and organisations (``archive/data/people.yml``, ``organisations.yml``) carry
their English and Chinese names and identifiers; any other name is kept as the text gives
it. Organisation forms resolve to one canonical name ("Bộ An ninh Trung Quốc" and "Bộ An
ninh Quốc gia Trung Quốc" are one body); a bare "Bộ Công an" is the ministry of the country
of the person it is attached to, Vietnam's by default.
"""

from __future__ import annotations

from archive.extract import lexicon
from archive.extract.text import countries, country_of_text, country_pattern
from archive.facts import ArticleFacts, OrganisationRecord, PersonRecord, ResolvedFacts
from archive.vietnamese import name_key


def country_name(code: str) -> str | None:
    return next((name for name, c in countries().items() if c == code and name[0].isupper()), None)


def organisation_record(text: str, country_hint: str | None = None) -> OrganisationRecord | None:
    """The canonical organisation a form names (or the form itself, with its country);
    None when the form is only a country's name ("Chủ tịch Trung Quốc")."""
    key = name_key(text)
    if country_pattern().fullmatch(text):
        return None
    bare = lexicon.bare_organisations().get(key)
    if (
        bare
        and country_hint
        and country_hint != lexicon.organisations()[name_key(bare)].get("country")
    ):
        local = country_name(country_hint)
        record = lexicon.organisations().get(name_key(f"{text} {local}")) if local else None
        if record is None:
            return OrganisationRecord(
                name=f"{text} {local}" if local else text, country=country_hint
            )
    else:
        record = (
            lexicon.organisations().get(name_key(bare))
            if bare
            else lexicon.organisations().get(key)
        )
    if record is None:
        return OrganisationRecord(name=text, country=country_of_text(text))
    return OrganisationRecord(
        name=record["name"],
        country=record.get("country"),
        parent=record.get("parent"),
        name_en=record.get("en"),
        name_zh=record.get("zh"),
        wikidata_id=record.get("wikidata"),
    )


def person_record(name: str, country: str | None) -> PersonRecord:
    known = lexicon.known_people().get(name_key(name))
    if known is None:
        return PersonRecord(name=name, country=country)
    return PersonRecord(
        name=known["name"],
        country=known.get("country") or country,
        name_en=known.get("en"),
        name_zh=known.get("zh"),
        wikidata_id=known.get("wikidata"),
    )


def title_en(title: str) -> str | None:
    """English for a post, with its modifier ("Phó Giám đốc" → "Deputy Director")."""
    posts = lexicon.posts()
    if title in posts:
        return posts[title]
    modifier, _, rest = title.partition(" ")
    modifiers = lexicon.post_modifiers_en()
    if modifier in modifiers and rest in posts:
        return f"{modifiers[modifier]} {posts[rest]}"
    return None


def _add_organisation(resolved: ResolvedFacts, record: OrganisationRecord) -> str:
    resolved.organisations.setdefault(record.name, record)
    if record.parent:
        _add_organisation(resolved, organisation_record(record.parent))
    return record.name


def resolve_facts(facts: ArticleFacts) -> ResolvedFacts:
    """Canonical names throughout ``facts``, and the records of the entities they name."""
    resolved = ResolvedFacts(facts=facts)
    for person in facts.persons:
        record = person_record(person.name, person.country)
        person.name, person.country = record.name, record.country
        resolved.persons[record.name] = record
        for post in person.posts:
            org = (
                organisation_record(post.organisation, person.country)
                if post.organisation
                else None
            )
            post.organisation = _add_organisation(resolved, org) if org else None
            resolved.position_titles_en[post.title] = title_en(post.title)
        person.posts = list(
            {(p.title, p.organisation): p for p in reversed(person.posts)}.values()
        )[::-1]
    for mention in facts.organisations:
        record = organisation_record(mention.surface)
        mention.name = _add_organisation(resolved, record) if record else mention.surface
    seen: set[str] = set()
    facts.organisations = [
        m for m in facts.organisations if not (m.name in seen or seen.add(m.name))
    ]
    return resolved
