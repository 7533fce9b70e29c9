"""Meetings: a sentence that reports an encounter (by its verb) between named people.

Rules, all driven by ``archive/data/meetings.yml``:
- the verb gives the kind; a verb right after "kết quả", "sẽ", "chuyến"... is a citation,
  a plan or a noun, and the sentence reports nothing;
- people inside a framing clause ("trong khuôn khổ chuyến thăm ... do X dẫn đầu,") or named
  as someone's ("của Tổng Bí thư X") are context, not participants;
- "đoàn" as the subject stands for the delegation's head ("do X dẫn đầu") named earlier;
- "hai đồng chí Thứ trưởng" stands for the two people holding that post, when the article
  reports no meeting otherwise;
- a meeting needs two named participants; within an article, reports of the same encounter
  (same kind, or a vaguer word for the same people) are folded into one meeting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.extract import lexicon
from archive.extract.dates import ArticleDates, Dated, YearContext
from archive.extract.persons import ArticlePeople, Occurrence
from archive.extract.text import Sentence, places
from archive.extract.verbs import Verb, find_verbs, framing_regions, inside, reported_kind
from archive.facts import MeetingFact, Participant, TopicMention
from archive.knowledge import load
from archive.parse.dates import PartialDate
from archive.vietnamese import normalise

GENERIC_KINDS = ("meeting", "visit", "other")
PLACE = re.compile(
    r"\btại (?:thủ đô |Thủ đô |TP |thành phố |trụ sở |Trụ sở )?"
    r"(?P<place>[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?: [A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,5})"
)
POSSESSIVE = re.compile(r"\bcủa\s*(?:các |đồng chí |ông |bà )?$")
VERB_OF = re.compile(r"(?:chủ trì|đồng chủ trì|sự tham dự|sự chứng kiến)\s*$")
SIDE_STATEMENT = re.compile(
    r"^\W*(?:[Vv]ề phía|[Pp]hía|[Đđ]ại biểu\b[^.;]*\bcó|[Dd]ự (?:hội đàm|buổi|hội nghị)"
    r"|[Tt]ham dự|[Cc]ùng (?:dự|tham dự))"
)


def _is_context_only(occurrence: Occurrence, people: ArticlePeople, framing) -> bool:
    """Named inside a framing clause, or as someone's ("của Tổng Bí thư X")."""
    if inside(occurrence.start, framing):
        return True
    sentence = occurrence.sentence
    text = sentence.segment.text
    chain_start = _title_chain_start(text, sentence.start, occurrence.start)
    before = text[max(sentence.start, chain_start - 40) : chain_start]
    possessive = POSSESSIVE.search(before)
    return bool(possessive) and not VERB_OF.search(before[: possessive.start()])


def _title_chain_start(text: str, sentence_start: int, name_start: int) -> int:
    """Where the comma-chained titles before a name begin."""
    position = name_start
    cue = None
    while True:
        window = text[sentence_start:position]
        cues = list(lexicon.cue_pattern().finditer(window))
        if not cues:
            return cue if cue is not None else name_start
        last = cues[-1]
        between = window[last.end() :]
        if cue is not None and not re.fullmatch(r"[\w\s]*,?\s*", between):
            return cue
        cue = sentence_start + last.start()
        position = cue


def delegation_heads(body: list[Sentence], people: ArticlePeople) -> dict[str | None, str]:
    """Country → the person an article names as leading that country's delegation."""
    pattern = re.compile(load("meetings")["delegation_head"])
    heads: dict[str | None, str] = {}
    for sentence in body:
        text = sentence.segment.text
        for m in pattern.finditer(text, sentence.start, sentence.end):
            inside = [
                o
                for o in _occurrences_in(sentence, people)
                if m.start("who") <= o.start < m.end("who")
            ]
            if inside:
                country = people.mentions[inside[0].key].country
                heads.setdefault(country, inside[0].key)
    return heads


def _occurrences_in(sentence: Sentence, people: ArticlePeople) -> list[Occurrence]:
    return [o for o in people.occurrences if o.sentence == sentence]


@dataclass
class Draft:
    """A meeting being assembled: person keys with the position of their mention."""

    verb: Verb
    sentence: Sentence
    keys: dict[str, int]
    roles: dict[str, str] = field(default_factory=dict)
    reports: list[Sentence] = field(default_factory=list)  # every sentence about it

    @classmethod
    def of(cls, verb: Verb, sentence: Sentence, keys: dict[str, int], heads: dict) -> Draft:
        """A draft whose roles come from where each person stands against the verb."""
        roles = {key: _role(position, verb, key, heads) for key, position in keys.items()}
        return cls(verb, sentence, dict(keys), roles, [sentence])

    def copy(self) -> Draft:
        return Draft(self.verb, self.sentence, dict(self.keys), dict(self.roles), [*self.reports])

    def absorb(self, other: Draft) -> None:
        """Take in the people and sentences of another report of the same encounter."""
        self.absorb_people(other.keys, other.roles)
        self.reports += [s for s in other.reports if s not in self.reports]

    def absorb_people(self, keys: dict[str, int], roles: dict[str, str]) -> None:
        for key, position in keys.items():
            if key not in self.keys:
                self.keys[key] = position
                self.roles[key] = roles.get(key, "participant")


def _participants(sentence, people, framing, heads, group) -> dict[str, int]:
    keys: dict[str, int] = {}
    start, end = group
    for occurrence in _occurrences_in(sentence, people):
        inside = start <= occurrence.start < end
        if inside and not _is_context_only(occurrence, people, framing):
            keys.setdefault(occurrence.key, occurrence.start)
    text = sentence.segment.text[start:end]
    if len(keys) == 1 and re.search(r"(?i)\bđoàn\b", text):
        for head in heads.values():
            keys.setdefault(head, start)
    return keys


def _anaphora(sentence: Sentence, people: ArticlePeople) -> dict[str, int]:
    """ "hai đồng chí Bộ trưởng" → the two people holding that post in this article."""
    pattern = re.compile(load("meetings")["pair_anaphora"])
    text = sentence.segment.text
    for m in pattern.finditer(text, sentence.start, sentence.end):
        holders = [
            key
            for key, p in people.mentions.items()
            if any(post.title.casefold() == m.group("post").casefold() for post in p.posts)
        ]
        if len(holders) == 2:
            return dict.fromkeys(holders, m.start())
    return {}


def _side_statement_people(sentence: Sentence, people: ArticlePeople) -> dict[str, int]:
    """People a "Về phía X có ..." attendance sentence lists."""
    text = sentence.segment.text[sentence.start : sentence.end]
    if not SIDE_STATEMENT.match(text):
        return {}
    return {o.key: o.start for o in _occurrences_in(sentence, people)}


def clause_groups(
    sentence: Sentence, verbs: list[Verb], people: ArticlePeople
) -> list[tuple[int, int]]:
    """Parts of a sentence that each report at most one encounter: clauses split at ";",
    where a clause without a verb that opens with a title continues the one before it
    ("hội đàm với A; Bộ trưởng B và đồng chí C" is one list of participants)."""
    text = sentence.segment.text
    cuts = [m.start() for m in re.finditer(";", text[sentence.start : sentence.end])]
    bounds = list(
        zip([0, *(c + 1 for c in cuts)], [*cuts, sentence.end - sentence.start], strict=True)
    )
    groups: list[tuple[int, int]] = []
    for start, end in ((sentence.start + a, sentence.start + b) for a, b in bounds):
        has_verb = any(start <= v.start < end for v in verbs)
        opening = start + len(text[start:end]) - len(text[start:end].lstrip())
        lists_people = lexicon.cue_pattern().match(text, opening) or any(
            o.start == opening for o in _occurrences_in(sentence, people)
        )
        if groups and not has_verb and lists_people:
            groups[-1] = (groups[-1][0], end)
        else:
            groups.append((start, end))
    return groups


def _group_draft(sentence, group, verbs, people, framing, heads, subject) -> Draft | None:
    start, end = group
    inside = [v for v in verbs if start <= v.start < end]
    verb = reported_kind(sentence.segment.text, inside, start)
    if verb is None:
        return None
    keys = _participants(sentence, people, framing, heads, group)
    if subject and not any(position < verb.start for position in keys.values()):
        for key, position in subject.items():
            keys.setdefault(key, position)
    return Draft.of(verb, sentence, keys, heads)


def sentence_drafts(body: list[Sentence], people: ArticlePeople, heads) -> list[Draft]:
    """A draft per reported encounter; attendance sentences right after one extend it."""
    found: list[Draft] = []
    previous: Draft | None = None
    for sentence in body:
        framing = framing_regions(sentence)
        verbs = find_verbs(sentence, framing)
        drafts_here: list[Draft] = []
        for group in clause_groups(sentence, verbs, people):
            subject = _subject(drafts_here[0]) if drafts_here else {}
            draft = _group_draft(sentence, group, verbs, people, framing, heads, subject)
            if draft is not None:
                drafts_here.append(draft)
        if drafts_here:
            found += drafts_here
            previous = drafts_here[-1]
            continue
        attendees = _side_statement_people(sentence, people) if previous else {}
        if attendees:
            previous.absorb_people(attendees, {})
        previous = previous if attendees else None
    return found


def _subject(draft: Draft) -> dict[str, int]:
    """Who the first clause names before its verb: the subject later clauses share."""
    return {k: p for k, p in draft.keys.items() if p < draft.verb.start}


def drafts(body: list[Sentence], people: ArticlePeople) -> list[Draft]:
    """The article's meetings as drafts of two or more named participants each."""
    heads = delegation_heads(body, people)
    candidates = sentence_drafts(body, people, heads)
    full = fold([d for d in candidates if len(d.keys) >= 2])
    kinds = {d.verb.kind for d in full}
    for draft in candidates:
        new_kind = not draft.keys and draft.verb.kind not in kinds and full
        if new_kind and (anaphora := _anaphora(draft.sentence, people)):
            full.append(Draft.of(draft.verb, draft.sentence, anaphora, heads))
            kinds.add(draft.verb.kind)
    partial = [d for d in candidates if len(d.keys) == 1]
    for draft in partial:
        target = next((f for f in full if f.verb.kind == draft.verb.kind), None)
        if target is not None:
            target.absorb(draft)
    if full:
        return full
    gathered = fold(partial)
    if any(len(d.keys) >= 2 for d in gathered):
        return [d for d in gathered if len(d.keys) >= 2]
    return _fallback(candidates, people, heads)


def _fallback(candidates: list[Draft], people: ArticlePeople, heads) -> list[Draft]:
    """No sentence names two participants: the pair a "hai Bộ trưởng" phrase refers to, or
    the heads of two delegations when a sentence reports the encounter without names."""
    for draft in candidates:
        if anaphora := _anaphora(draft.sentence, people):
            return [Draft.of(draft.verb, draft.sentence, anaphora, heads)]
    sides = {people.mentions[key].country for key in heads.values()}
    if candidates and len(heads) >= 2 and len(sides) >= 2:
        first = candidates[0]
        return [Draft.of(first.verb, first.sentence, dict.fromkeys(heads.values(), 0), heads)]
    return []


def _same_encounter(draft: Draft, earlier: Draft) -> bool:
    if draft.verb.kind == earlier.verb.kind:
        return True
    return draft.verb.kind in GENERIC_KINDS and set(draft.keys) <= set(earlier.keys)


def fold(found: list[Draft]) -> list[Draft]:
    """Fold reports of the same encounter within one article into the first report."""
    kept: list[Draft] = []
    for draft in found:
        target = next((k for k in kept if _same_encounter(draft, k)), None)
        if target is None:
            kept.append(draft.copy())
        else:
            target.absorb(draft)
    return kept


def _role(position: int, verb: Verb, key: str, heads: dict) -> str:
    role = verb.roles[0] if position < verb.start else verb.roles[1]
    if role:
        return role
    return "head_of_delegation" if key in heads.values() else "participant"


def _date(draft: Draft, dates: ArticleDates, context: YearContext, previous) -> Dated:
    """The encounter's date: the first date a report of it gives; else the day of the
    meeting reported just before; else the date the article's narrative is at."""
    for sentence in draft.reports:
        if mentions := dates.between(sentence.start, sentence.end):
            return context.complete(mentions[0], sentence.text)
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
        record = places().get(normalise(m.group("place")))
        if record:
            return record["name"]
        for form, record in places().items():
            if m.group("place").startswith(form):
                return record["name"]
    return None


def find_meetings(
    body: list[Sentence],
    people: ArticlePeople,
    context: YearContext,
    topics: list[TopicMention],
) -> list[MeetingFact]:
    """The meetings an article reports, dated, placed, with participants and their roles."""
    facts: list[MeetingFact] = []
    dates = ArticleDates(body[0].segment.text if body else "")
    for draft in drafts(body, people):
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
                topics=list(topics),
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
