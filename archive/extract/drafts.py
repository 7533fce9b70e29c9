"""Drafts of meetings: who a sentence reports as meeting whom, by which verb.

- people inside a framing clause ("trong khuôn khổ chuyến thăm ... do X dẫn đầu,") or named
  as someone's ("của Tổng Bí thư X") are context, not participants;
- "đoàn" as the subject stands for the delegation's head ("do X dẫn đầu") named earlier;
- one draft per encounter: "hội kiến ông A, ... và sau đó hội đàm với B" is two encounters
  sharing the subject; "hội kiến Tổng Bí thư A, Chủ tịch nước B và Thủ tướng C" is three
  calls, each with the visitor; a dialogue or talks between delegations stays one;
- reports of the same encounter within an article (same kind, or a vaguer word for the
  same people) fold into one draft, which keeps every sentence that reports it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from archive.extract import lexicon
from archive.extract.dates import SEQUENCE_OPENER
from archive.extract.persons import ArticlePeople, Occurrence
from archive.extract.text import Sentence
from archive.extract.verbs import Regions, Verb, find_verbs, inside, reported_kind
from archive.knowledge import load
from archive.vietnamese import normalise

GENERIC_KINDS = ("meeting", "visit", "other")
SEPARABLE_KINDS = ("talks", "meeting", "reception", "courtesy_call", "call")
POSSESSIVE_WORD = "của"
POSSESSIVE = re.compile(rf"\b{POSSESSIVE_WORD}\s*(?:các |đồng chí |ông |bà )?$")
VERB_OF = re.compile(r"(?:chủ trì|đồng chủ trì|sự tham dự|sự chứng kiến)\s*$")
SIDE_STATEMENT = re.compile(
    r"^\W*(?:[Vv]ề phía|[Pp]hía|[Đđ]ại biểu\b[^.;]*\bcó|[Dd]ự (?:hội đàm|buổi|hội nghị)"
    r"|[Tt]ham dự|[Cc]ùng (?:dự|tham dự))"
)
TITLE_CHAIN = re.compile(r"[\w\s]*,?\s*")
SEMICOLON = re.compile(";")
SPACES = re.compile(r"\s*")
MAX_CHAIN_TITLES = 12  # a comma-chained run of titles before a name is never longer
MAX_REPORTS = 50  # sentences kept per encounter (they date it and give its topics)


@lru_cache(maxsize=64)
def _cue_spans(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Every rank, post or honorific of one sentence, found once."""
    return tuple(m.span() for m in lexicon.cue_pattern().finditer(text, start, end))


def _title_chain_start(sentence: Sentence, name_start: int) -> int:
    """Where the comma-chained titles before a name begin."""
    text = sentence.segment.text
    cues = _cue_spans(text, sentence.start, sentence.end)
    ends = [end for _start, end in cues]
    position, chain = name_start, None
    for _step in range(MAX_CHAIN_TITLES):
        index = bisect.bisect_right(ends, position) - 1
        if index < 0:
            break
        start, end = cues[index]
        if chain is not None and not TITLE_CHAIN.fullmatch(text, end, position):
            break
        chain = position = start
    return chain if chain is not None else name_start


def is_context_only(occurrence: Occurrence, framing: Regions) -> bool:
    """Named inside a framing clause, or as someone's ("của Tổng Bí thư X")."""
    if inside(occurrence.start, framing):
        return True
    sentence = occurrence.sentence
    text = sentence.segment.text
    if text.find(POSSESSIVE_WORD, sentence.start, occurrence.start) == -1:
        return False  # no "của" before the name: its titles need not be looked for
    chain_start = _title_chain_start(sentence, occurrence.start)
    before = text[max(sentence.start, chain_start - 40) : chain_start]
    possessive = POSSESSIVE.search(before)
    return bool(possessive) and not VERB_OF.search(before[: possessive.start()])


# Every delegation_heads pattern ends on one of these words ("do X dẫn đầu", "X làm Trưởng
# đoàn", "Trưởng đoàn là X"): a sentence with neither is not searched (one of the patterns
# reads back from each comma, at every position of a sentence).
DELEGATION_WORDS = ("dẫn đầu", "rưởng đoàn")


@cache
def delegation_head_patterns() -> tuple[re.Pattern[str], ...]:
    patterns = load("meetings")["delegation_heads"]
    for pattern in patterns:
        if not any(word in pattern for word in DELEGATION_WORDS):
            raise ValueError(f"meetings.yml: delegation head {pattern!r} names no head word")
    return tuple(re.compile(p) for p in patterns)


def _names_a_delegation_head(sentence: Sentence) -> bool:
    text, start, end = sentence.segment.text, sentence.start, sentence.end
    return any(text.find(word, start, end) != -1 for word in DELEGATION_WORDS)


def delegation_heads(body: list[Sentence], people: ArticlePeople) -> dict[str | None, str]:
    """Country → the person an article names as leading that country's delegation
    ("do X dẫn đầu", "X ... làm Trưởng đoàn", "Trưởng đoàn là ông X")."""
    heads: dict[str | None, str] = {}
    for sentence in body:
        text = sentence.segment.text
        occurrences = people.in_sentence(sentence)
        if not occurrences or not _names_a_delegation_head(sentence):
            continue  # nobody to lead a delegation here, or no word that names a head
        for pattern in delegation_head_patterns():
            for m in pattern.finditer(text, sentence.start, sentence.end):
                named = [o for o in occurrences if m.start("who") <= o.start < m.end("who")]
                if named:
                    heads.setdefault(people.mentions[named[0].key].country, named[0].key)
    return heads


@dataclass
class Draft:
    """A meeting being assembled: person keys with the position of their mention."""

    verb: Verb
    sentence: Sentence
    keys: dict[str, int]
    roles: dict[str, str] = field(default_factory=dict)
    reports: list[Sentence] = field(default_factory=list)  # every sentence about it
    split_from: tuple | None = None  # encounters one sentence lists are never folded together
    told_as_new: bool = False  # "Cùng ngày, ... cũng đã tiếp": another encounter of its kind

    @classmethod
    def of(cls, verb: Verb, sentence: Sentence, keys: dict[str, int], heads: dict) -> Draft:
        """A draft whose roles come from where each person stands against the verb."""
        roles = {key: _role(position, verb, key, heads) for key, position in keys.items()}
        return cls(verb, sentence, dict(keys), roles, [sentence])

    def copy(self) -> Draft:
        return Draft(
            self.verb,
            self.sentence,
            dict(self.keys),
            dict(self.roles),
            [*self.reports],
            self.split_from,
            self.told_as_new,
        )

    def absorb(self, other: Draft) -> None:
        """Take in the people and sentences of another report of the same encounter."""
        self.absorb_people(other.keys, other.roles)
        known = {id(s) for s in self.reports}
        if len(known) + len(other.reports) > MAX_REPORTS:
            return  # a report that repeats itself endlessly: its first sentences suffice
        self.reports += [s for s in other.reports if id(s) not in known]

    def absorb_people(self, keys: dict[str, int], roles: dict[str, str]) -> None:
        for key, position in keys.items():
            if key not in self.keys:
                self.keys[key] = position
                self.roles[key] = roles.get(key, "participant")


def is_suspect(occurrence: Occurrence) -> bool:
    """Named as a suspect ("đối tượng truy nã X"): what a handover hands over, not who."""
    sentence = occurrence.sentence
    before = sentence.segment.text[max(sentence.start, occurrence.start - 30) : occurrence.start]
    return bool(lexicon.suspect_pattern().search(before))


def _participants(sentence, people, framing, heads, group) -> dict[str, int]:
    keys: dict[str, int] = {}
    start, end = group
    for occurrence in people.in_sentence(sentence):
        inside_group = start <= occurrence.start < end
        if inside_group and not is_context_only(occurrence, framing) and not is_suspect(occurrence):
            keys.setdefault(occurrence.key, occurrence.start)
    text = sentence.segment.text[start:end]
    if len(keys) == 1 and re.search(r"(?i)\bđoàn\b", text):
        for head in heads.values():
            keys.setdefault(head, start)
    return keys


def anaphora(sentence: Sentence, people: ArticlePeople) -> dict[str, int]:
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
    return {o.key: o.start for o in people.in_sentence(sentence)}


def clause_groups(
    sentence: Sentence, verbs: list[Verb], people: ArticlePeople
) -> list[tuple[int, int]]:
    """Parts of a sentence that each report at most one encounter: clauses split at ";",
    where a clause without a verb that opens with a title continues the one before it
    ("hội đàm với A; Bộ trưởng B và đồng chí C" is one list of participants)."""
    text = sentence.segment.text
    semicolons = SEMICOLON.finditer(text, sentence.start, sentence.end)
    cuts = [m.start() - sentence.start for m in semicolons]
    bounds = list(
        zip([0, *(c + 1 for c in cuts)], [*cuts, sentence.end - sentence.start], strict=True)
    )
    openings = {o.start for o in people.in_sentence(sentence)}
    groups: list[tuple[int, int]] = []
    for start, end in ((sentence.start + a, sentence.start + b) for a, b in bounds):
        has_verb = any(start <= v.start < end for v in verbs)
        if groups and not has_verb and _lists_people(text, start, end, openings):
            groups[-1] = (groups[-1][0], end)
        else:
            groups.append((start, end))
    return groups


def _lists_people(text: str, start: int, end: int, openings: set[int]) -> bool:
    """Whether a clause opens with a title or a person's name."""
    opening = SPACES.match(text, start, end).end()
    return opening in openings or lexicon.cue_pattern().match(text, opening) is not None


@cache
def _encounter_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Verbs whose listed objects are separate encounters, and words that say "one by one"."""
    spec = load("meetings")["separate_encounters"]
    verbs = "|".join(re.escape(normalise(v)) for v in spec["verbs"])
    one_by_one = "|".join(re.escape(normalise(v)) for v in spec["one_by_one"])
    return re.compile(rf"(?i)^(?:{verbs})$"), re.compile(rf"(?i)\b(?:{one_by_one})\b")


def _verb_segments(text: str, verb: Verb, verbs: list[Verb], keys: dict[str, int]) -> list:
    """(verb, start, end) of each encounter a clause reports: a later specific verb with its
    own people after it, the earlier verb having its own too, starts another encounter."""
    later = [v for v in verbs if v.start > verb.start and not v.generic and v.kind != verb.kind]
    segments, current = [], verb
    for following in later:
        own_before = any(current.end <= p < following.start for p in keys.values())
        own_after = any(p >= following.end for p in keys.values())
        if own_before and own_after:
            segments.append((current, current.start, following.start))
            current = following
    segments.append((current, current.start, None))
    return segments


def _objects_apart(
    text: str, verb: Verb, objects: dict[str, int], one_by_one: bool, countries: set
) -> bool:
    """Whether each person after the verb is a separate encounter: a call-on verb
    ("hội kiến", "chào xã giao", "điện đàm"), "lần lượt", or people of different countries
    in a two-sided encounter ("tiếp Đại sứ Hoa Kỳ A và Đại sứ Nhật Bản B"), with a title
    before each."""
    separate, _ = _encounter_words()
    several_sides = len(countries - {None}) >= 2 and verb.kind in SEPARABLE_KINDS
    called_on = one_by_one or separate.match(text[verb.start : verb.end]) or several_sides
    if len(objects) < 2 or not called_on:
        return False
    positions = sorted(objects.values())
    gaps = zip([verb.end, *positions[:-1]], positions, strict=True)
    return all(lexicon.cue_pattern().search(text, start, end) for start, end in gaps)


def encounters(sentence: Sentence, verb: Verb, verbs: list[Verb], keys: dict, people):
    """(verb, people) of each encounter one clause reports."""
    text = sentence.segment.text
    subject = {k: p for k, p in keys.items() if p < verb.start}
    segments = [
        (segment_verb, {k: p for k, p in keys.items() if p >= start and (end is None or p < end)})
        for segment_verb, start, end in _verb_segments(text, verb, verbs, keys)
    ]
    _, one_by_one_words = _encounter_words()
    one_by_one = any(len(objects) >= 2 for _verb, objects in segments) and bool(
        one_by_one_words.search(text, sentence.start, sentence.end)
    )  # only asked about two people or more
    found = []
    for segment_verb, objects in segments:
        countries = {people.mentions[k].country for k in objects}
        if _objects_apart(text, segment_verb, objects, one_by_one, countries) and subject:
            found += [(segment_verb, {**subject, k: p}) for k, p in objects.items()]
        else:
            found.append((segment_verb, {**subject, **objects}))
    return found


def _group_drafts(sentence, group, verbs, people, framing, heads, subject) -> list[Draft]:
    start, end = group
    here = [v for v in verbs if start <= v.start < end]
    verb = reported_kind(sentence.segment.text, here, start)
    if verb is None:
        return []
    keys = _participants(sentence, people, framing, heads, group)
    if subject and not any(position < verb.start for position in keys.values()):
        for key, position in subject.items():
            keys.setdefault(key, position)
    found = encounters(sentence, verb, here, keys, people)
    drafts = [Draft.of(v, sentence, k, heads) for v, k in found]
    for draft in drafts:
        draft.told_as_new = told_as_new(sentence, draft.verb)
    if len(drafts) > 1:
        for draft in drafts:
            draft.split_from = (sentence.segment.field, sentence.start, start)
    return drafts


def sentence_drafts(body: list[Sentence], people: ArticlePeople, heads) -> list[Draft]:
    """A draft per reported encounter; attendance sentences right after one extend it."""
    found: list[Draft] = []
    previous: Draft | None = None
    for sentence in body:
        attendees = _side_statement_people(sentence, people) if previous else {}
        if attendees:  # "Tham dự hội đàm, về phía ... có ...": who attended the one before
            previous.absorb_people(attendees, {})
            continue
        verbs, framing = find_verbs(sentence)
        if not verbs:  # no clause reports an encounter
            previous = None
            continue
        drafts_here: list[Draft] = []
        for group in clause_groups(sentence, verbs, people):
            subject = _subject(drafts_here[0]) if drafts_here else {}
            drafts_here += _group_drafts(sentence, group, verbs, people, framing, heads, subject)
        found += drafts_here
        previous = drafts_here[-1] if drafts_here else None
    return found


def _subject(draft: Draft) -> dict[str, int]:
    """Who the first clause names before its verb: the subject later clauses share."""
    return {k: p for k, p in draft.keys.items() if p < draft.verb.start}


ALSO = re.compile(r"\bcũng\s+(?:đã\s+|đã có cuộc\s+|có cuộc\s+)?$")


def told_as_new(sentence: Sentence, verb: Verb) -> bool:
    """A report that says it is another encounter: it opens by placing itself against the
    one before ("Cùng ngày", "Sau đó", "Trước đó") or says "cũng" ("also") before its verb."""
    text = sentence.segment.text
    return bool(
        SEQUENCE_OPENER.match(text, sentence.start, sentence.end)
        or ALSO.search(text, max(sentence.start, verb.start - 20), verb.start)
    )


def _same_encounter(draft: Draft, earlier: Draft) -> bool:
    if draft.split_from is not None and draft.split_from == earlier.split_from:
        return False
    if draft.told_as_new and not set(draft.keys) <= set(earlier.keys):
        return False
    if draft.verb.kind == earlier.verb.kind:
        return True
    return draft.verb.kind in GENERIC_KINDS and set(draft.keys) <= set(earlier.keys)


def fold(found: list[Draft]) -> list[Draft]:
    """Fold reports of the same encounter within one article into the report that shares
    most people with it (the first, when none does)."""
    kept: list[Draft] = []
    for draft in found:
        targets = [k for k in kept if _same_encounter(draft, k)]
        if not targets:
            kept.append(draft.copy())
            continue
        target = max(targets, key=lambda k: len(set(k.keys) & set(draft.keys)))
        target.absorb(draft)
    return kept


def _role(position: int, verb: Verb, key: str, heads: dict) -> str:
    role = verb.roles[0] if position < verb.start else verb.roles[1]
    if role:
        return role
    return "head_of_delegation" if key in heads.values() else "participant"
