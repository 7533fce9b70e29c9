"""Meetings: the encounters an article reports, dated, placed, with sides and topics.

Drafts (``drafts.py``) say who met whom by which verb; here they become meetings:
- "hai đồng chí Thứ trưởng" stands for the two people holding that post, and a caption line
  naming two people ("Thứ trưởng A và đồng chí B.") names the participants of an encounter
  the article reports without names;
- the heads of two delegations meet when a sentence reports the encounter without names;
- in an encounter between two sides of an article about two countries, a participant of
  unknown country on the side facing a known one is of the other country;
- a meeting needs two named participants; its topics are those the sentences reporting it
  name (each with its evidence), not every topic of the article.
"""

from __future__ import annotations

import re
from functools import cache

from archive.extract import lexicon
from archive.extract.countries import HOME
from archive.extract.dates import ArticleDates, Dated, YearContext
from archive.extract.drafts import (
    Draft,
    anaphora,
    delegation_heads,
    fold,
    sentence_drafts,
)
from archive.extract.persons import ArticlePeople
from archive.extract.text import Sentence, countries, country_pattern, places
from archive.extract.verbs import Verb
from archive.facts import MeetingFact, Participant, TopicMention
from archive.parse.dates import PartialDate
from archive.vietnamese import normalise

PLACE = re.compile(
    r"\btại (?:thủ đô |Thủ đô |TP |thành phố |trụ sở |Trụ sở )?"
    r"(?P<place>[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?: [A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,5})"
)
CAPTION_JOINERS = re.compile(r"^[\s,.;:–—-]*(?:(?:và|cùng|với|các|đồng chí)[\s,.;:–—-]*)*$")
JOIN_WORD = re.compile(r"\b(?:và|cùng|với)\b")
BILATERAL_KINDS = ("talks", "meeting", "reception", "courtesy_call", "call", "signing")


def drafts(body: list[Sentence], people: ArticlePeople) -> list[Draft]:
    """The article's meetings as drafts of two or more named participants each."""
    heads = delegation_heads(body, people)
    candidates = sentence_drafts(body, people, heads)
    full = fold([d for d in candidates if len(d.keys) >= 2])
    kinds = {d.verb.kind for d in full}
    for draft in candidates:
        new_kind = not draft.keys and draft.verb.kind not in kinds and full
        if new_kind and (pair := anaphora(draft.sentence, people)):
            full.append(Draft.of(draft.verb, draft.sentence, pair, heads))
            kinds.add(draft.verb.kind)
    partial = [d for d in candidates if len(d.keys) == 1]
    for draft in partial:
        same_kind = [f for f in full if f.verb.kind == draft.verb.kind]
        if same_kind:
            max(same_kind, key=lambda f: len(set(f.keys) & set(draft.keys))).absorb(draft)
    if full:
        return full
    gathered = fold(partial)
    if any(len(d.keys) >= 2 for d in gathered):
        return [d for d in gathered if len(d.keys) >= 2]
    return _fallback(body, candidates, people, heads)


def _fallback(body, candidates: list[Draft], people: ArticlePeople, heads) -> list[Draft]:
    """No sentence names two participants: the pair a "hai Bộ trưởng" phrase refers to, the
    two people a caption line names, or the heads of two delegations, when a sentence
    reports the encounter without names."""
    if not candidates:
        return []
    first = candidates[0]
    for draft in candidates:
        if pair := anaphora(draft.sentence, people):
            return [Draft.of(draft.verb, draft.sentence, pair, heads)]
    for sentence in body:
        if len(named := caption_line_people(sentence, people)) >= 2:
            return [Draft.of(_joiner_verb(first.verb, sentence, named), sentence, named, heads)]
    sides = {people.mentions[key].country for key in heads.values()}
    if len(heads) >= 2 and len(sides) >= 2:
        return [Draft.of(first.verb, first.sentence, dict.fromkeys(heads.values(), 0), heads)]
    return []


def caption_line_people(sentence: Sentence, people: ArticlePeople) -> dict[str, int]:
    """People a line names with nothing but their titles ("Thứ trưởng Bùi Văn Nam và đồng
    chí Phùng Lượng."): a photo caption left in the body, naming who met."""
    occurrences = people.in_sentence(sentence)
    if len(occurrences) < 2:
        return {}
    text, rest, position = sentence.segment.text, [], sentence.start
    for o in sorted(occurrences, key=lambda o: o.start):
        rest.append(text[position : o.start])
        position = o.end
    rest.append(text[position : sentence.end])
    leftover = lexicon.cue_pattern().sub(" ", " ".join(rest))
    return {o.key: o.start for o in occurrences} if CAPTION_JOINERS.match(leftover) else {}


def _joiner_verb(verb: Verb, sentence: Sentence, named: dict[str, int]) -> Verb:
    """The encounter a caption line shows stands where its names are joined ("A và B"): its
    evidence lies in the caption line, and the two names are its two sides."""
    positions = sorted(named.values())
    text = sentence.segment.text
    join = JOIN_WORD.search(text, positions[0], positions[1])
    start, end = join.span() if join else (positions[0], positions[1])
    return Verb(verb.kind, start, end, verb.roles, verb.generic)


def article_countries(body: list[Sentence]) -> set[str]:
    """The countries an article names, with the home country of the news it is."""
    text = body[0].segment.text if body else ""
    return {HOME} | {countries()[m.group(0)] for m in country_pattern().finditer(text)}


def assign_opposite_sides(found: list[Draft], people: ArticlePeople, named_countries) -> None:
    """In an article about two countries, the people facing a side of known country in a
    bilateral encounter are of the other country ("the side in the sentence").
    ``named_countries`` gives the article's countries (read only if someone's is unknown)."""
    unknown = any(people.mentions[k].country is None for d in found for k in d.keys)
    named = named_countries() if unknown else set()
    if len(named) != 2:
        return
    for draft in found:
        if draft.verb.kind not in BILATERAL_KINDS:
            continue
        sides = ({k for k, p in draft.keys.items() if p < draft.verb.start}, set())
        sides[1].update(set(draft.keys) - sides[0])
        for this, other in (sides, sides[::-1]):
            known = {people.mentions[k].country for k in this} - {None}
            if len(known) == 1 and known < named and other:
                (opposite,) = named - known
                for key in other:
                    mention = people.mentions[key]
                    mention.country = mention.country or opposite


def discussion_regions(found: list[Draft]) -> list[list[tuple[int, int]]]:
    """The body each encounter's topics are read from: the sentences reporting it, and the
    text from its first report to the first report of the next encounter (where the
    article tells what was discussed there)."""
    firsts = sorted({min(s.start for s in d.reports) for d in found})
    regions = []
    for draft in found:
        first = min(s.start for s in draft.reports)
        later = [f for f in firsts if f > first]
        narrative = (first, later[0] if later else 1 << 62)
        regions.append([narrative, *((s.start, s.end) for s in draft.reports)])
    return regions


def meeting_topics(region: list[tuple[int, int]], topics: list[TopicMention]) -> list:
    """The topics named in one encounter's sentences, each with its evidence."""
    return [
        t
        for t in topics
        if t.span.field == "body" and any(a <= t.span.start < b for a, b in region)
    ]


def _date(draft: Draft, dates: ArticleDates, context: YearContext, previous) -> Dated:
    """The encounter's date: the first date a report of it gives; else the report's own
    day for "sáng nay" / "hôm qua"; else the day of the meeting reported just before; else
    the date the article's narrative is at."""
    told_before = PartialDate.from_iso(previous.date) if previous and previous.date else None
    for sentence in draft.reports:
        if mentions := dates.between(sentence.start, sentence.end):
            return context.complete(mentions[0], sentence.text, told_before)
    for sentence in draft.reports:
        if relative := context.relative_day(sentence.text):
            return relative
    if previous is not None and (previous.date or previous.month_day):
        same_day = PartialDate.from_iso(previous.date) if previous.date else None
        return Dated(same_day, "same_day_as_previous", previous.month_day)
    if earlier := dates.last_before(draft.sentence.start):
        dated = context.complete(earlier)
        basis = f"narrative_date, year: {dated.basis}" if dated.basis else "narrative_date"
        return Dated(dated.date, basis, dated.month_day)
    return Dated(None, None)


def _place(sentence: Sentence) -> str | None:
    text = sentence.segment.text[sentence.start : sentence.end]
    for m in PLACE.finditer(text):
        record = places().get(normalise(m.group("place"))) or _place_starting(m.group("place"))
        if record:
            return record["name"]
    return None


def _place_starting(phrase: str) -> dict | None:
    """The first known place (in the places file's order) whose form ``phrase`` starts
    with: one look-up per length of a form, not a test per form."""
    table, lengths, order = places(), *_place_forms()
    forms = [phrase[:n] for n in lengths if n <= len(phrase) and phrase[:n] in table]
    return table[min(forms, key=order.__getitem__)] if forms else None


@cache
def _place_forms() -> tuple[tuple[int, ...], dict[str, int]]:
    """The lengths of the known places' forms, and each form's rank in the file."""
    return tuple(sorted({len(f) for f in places()})), {f: i for i, f in enumerate(places())}


def find_meetings(
    body: list[Sentence],
    people: ArticlePeople,
    context: YearContext,
    topics: list[TopicMention],
) -> list[MeetingFact]:
    """The meetings an article reports, dated, placed, with participants and their roles."""
    if len(people.mentions) < 2:
        return []  # each meeting has two named participants: no verb is looked for
    facts: list[MeetingFact] = []
    dates = ArticleDates(body[0].segment.text if body else "")
    found = drafts(body, people)
    assign_opposite_sides(found, people, lambda: article_countries(body))
    for draft, region in zip(found, discussion_regions(found), strict=True):
        if draft.verb.kind == "visit" and len({people.mentions[k].country for k in draft.keys}) < 2:
            continue  # accompanying one's own leader is no encounter between two sides
        dated = _date(draft, dates, context, facts[-1] if facts else None)
        span = draft.sentence.span(draft.verb.start, draft.verb.end)
        participants = [
            Participant(
                name=people.mentions[key].name,
                side=people.mentions[key].country,
                role=draft.roles[key],
            )
            for key, _position in sorted(draft.keys.items(), key=lambda kv: kv[1])
        ]
        facts.append(
            MeetingFact(
                kind=draft.verb.kind,
                span=span,
                participants=participants,
                date=dated.date.iso if dated.date else None,
                date_precision=dated.date.precision if dated.date else None,
                date_basis=dated.basis,
                month_day=None if dated.date else dated.month_day,
                place=_place(draft.sentence),
                topics=meeting_topics(region, topics),
            )
        )
    return link_to_visit(facts)


def link_to_visit(facts: list[MeetingFact]) -> list[MeetingFact]:
    """A visit between two sides contains the article's other encounters: list it first and
    make it their parent."""
    visits = [f for f in facts if f.kind == "visit"]
    if len(visits) != 1 or len(facts) < 2:
        return facts
    ordered = visits + [f for f in facts if f.kind != "visit"]
    for fact in ordered[1:]:
        fact.parent_index = 0
    return ordered
