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
from dataclasses import dataclass
from functools import cache

from archive.extract import lexicon
from archive.extract.dates import YearContext, find_dates
from archive.extract.persons import ArticlePeople, Occurrence
from archive.extract.text import Sentence, places
from archive.facts import MeetingFact, Participant, TopicMention
from archive.knowledge import load
from archive.parse.dates import PartialDate
from archive.vietnamese import normalise

GENERIC_KINDS = ("meeting", "visit", "other")
NEGATION_WINDOW_WORDS = 3
PLACE = re.compile(
    r"\btại (?:thủ đô |Thủ đô |TP |thành phố |trụ sở |Trụ sở )?"
    r"(?P<place>[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?: [A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,5})"
)
POSSESSIVE = re.compile(r"\bcủa\s*(?:các |đồng chí |ông |bà )?$")


@dataclass(frozen=True)
class Verb:
    kind: str
    start: int
    end: int
    roles: tuple[str | None, str | None] = (None, None)


@cache
def verb_patterns() -> tuple[tuple[str, re.Pattern[str], tuple], ...]:
    return tuple(
        (
            v["kind"],
            re.compile(rf"(?<!\w)(?:{normalise(v['pattern'])})(?!\w)", re.IGNORECASE),
            (v.get("subject"), v.get("object")),
        )
        for v in load("meetings")["verbs"]
    )


@cache
def negation_pattern() -> re.Pattern[str]:
    forms = sorted(
        (normalise(w) for w in load("meetings")["not_a_report_before"]), key=len, reverse=True
    )
    body = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?<!\w)(?:{body})(?:\s+(?:các|cuộc|buổi))?\s*$", re.IGNORECASE)


@cache
def framing_pattern() -> re.Pattern[str]:
    forms = [re.escape(normalise(w)) for w in load("meetings")["framing_openers"]]
    return re.compile(rf"(?<!\w)(?:{'|'.join(forms)})(?!\w)[^,;]*", re.IGNORECASE)


def framing_regions(sentence: Sentence) -> list[tuple[int, int]]:
    text = sentence.segment.text
    return [
        (m.start(), m.end()) for m in framing_pattern().finditer(text, sentence.start, sentence.end)
    ]


def _inside(position: int, regions: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in regions)


def _negated(text: str, verb: Verb, sentence_start: int) -> bool:
    before = text[max(sentence_start, verb.start - 60) : verb.start]
    window = " ".join(before.split()[-NEGATION_WINDOW_WORDS - 2 :])
    return bool(negation_pattern().search(window))


def find_verbs(sentence: Sentence, framing: list[tuple[int, int]]) -> list[Verb]:
    """Every meeting verb in the sentence outside framing clauses, in text order."""
    text = sentence.segment.text
    found = []
    for kind, pattern, roles in verb_patterns():
        for m in pattern.finditer(text, sentence.start, sentence.end):
            if not _inside(m.start(), framing) and not any(
                m.start() < v.end and v.start < m.end() for v in found
            ):
                found.append(Verb(kind, m.start(), m.end(), roles))
    return sorted(found, key=lambda v: v.start)


def reported_kind(sentence: Sentence, verbs: list[Verb]) -> Verb | None:
    """The verb a sentence reports a meeting with: none if its first verb is not a report."""
    if not verbs or _negated(sentence.segment.text, verbs[0], sentence.start):
        return None
    order = [kind for kind, _, _ in verb_patterns()]
    usable = [v for v in verbs if not _negated(sentence.segment.text, v, sentence.start)]
    return min(usable, key=lambda v: (order.index(v.kind), v.start), default=None)


def _is_context_only(occurrence: Occurrence, people: ArticlePeople, framing) -> bool:
    """Named inside a framing clause, or as someone's ("của Tổng Bí thư X")."""
    if _inside(occurrence.start, framing):
        return True
    sentence = occurrence.sentence
    text = sentence.segment.text
    chain_start = _title_chain_start(text, sentence.start, occurrence.start)
    return bool(POSSESSIVE.search(text[max(sentence.start, chain_start - 40) : chain_start]))


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


def _participants(sentence, people, framing, heads) -> dict[str, int]:
    keys: dict[str, int] = {}
    for occurrence in _occurrences_in(sentence, people):
        if not _is_context_only(occurrence, people, framing):
            keys.setdefault(occurrence.key, occurrence.start)
    text = sentence.segment.text[sentence.start : sentence.end]
    if len(keys) == 1 and re.search(r"(?i)\bđoàn\b", text):
        for head in heads.values():
            keys.setdefault(head, sentence.start)
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


def drafts(body: list[Sentence], people: ArticlePeople) -> list[Draft]:
    """One draft per sentence that reports a meeting between two or more named people."""
    heads = delegation_heads(body, people)
    found: list[Draft] = []
    pending: list[Draft] = []
    for sentence in body:
        framing = framing_regions(sentence)
        verb = reported_kind(sentence, find_verbs(sentence, framing))
        if verb is None:
            continue
        keys = _participants(sentence, people, framing, heads)
        if len(keys) >= 2:
            found.append(Draft(verb, sentence, keys))
        elif anaphora := _anaphora(sentence, people):
            pending.append(Draft(verb, sentence, anaphora))
    return found or pending[:1]


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
            kept.append(draft)
        else:
            for key, position in draft.keys.items():
                target.keys.setdefault(key, position)
    return [d for d in kept if not _one_sided_visit(d)]


def _one_sided_visit(draft: Draft) -> bool:
    return draft.verb.kind == "visit" and len(set(draft.keys)) < 2


def _role(position: int, verb: Verb, key: str, heads: dict) -> str:
    role = verb.roles[0] if position < verb.start else verb.roles[1]
    if role:
        return role
    return "head_of_delegation" if key in heads.values() else "participant"


def _date(draft: Draft, context: YearContext, previous: MeetingFact | None):
    sentence = draft.sentence
    mentions = [
        d for d in find_dates(sentence.segment.text) if sentence.start <= d.start < sentence.end
    ]
    if mentions:
        return context.complete(mentions[0])
    if previous is not None and previous.date:
        return _previous_date(previous), "same_day_as_previous"
    return None, None


def _previous_date(previous: MeetingFact) -> PartialDate | None:
    return PartialDate.from_iso(previous.date)


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
    heads = delegation_heads(body, people)
    facts: list[MeetingFact] = []
    for draft in fold(drafts(body, people)):
        date, basis = _date(draft, context, facts[-1] if facts else None)
        span = draft.sentence.span(draft.verb.start, draft.verb.end)
        participants = [
            Participant(
                name=people.mentions[key].name,
                side=people.mentions[key].country,
                role=_role(pos, draft.verb, key, heads),
            )
            for key, pos in sorted(draft.keys.items(), key=lambda kv: kv[1])
        ]
        facts.append(
            MeetingFact(
                kind=draft.verb.kind,
                span=span,
                participants=participants,
                date=date.iso if date else None,
                date_precision=date.precision if date else None,
                date_basis=basis,
                place=_place(draft.sentence),
                topics=[t.slug for t in topics],
            )
        )
    return facts
