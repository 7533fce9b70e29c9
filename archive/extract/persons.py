"""People and their posts, from the frames Vietnamese news names people in.

A name is a run of 2–4 capitalised words starting with a family name (or, for names in
Latin letters, any run right after a cue or a country). It counts when something frames it
as a person: a rank, post or honorific before it (``Thượng tướng Tô Lâm``, ``Bộ trưởng Bộ
Công an Trung Quốc Quách Thanh Côn``), a post after it (``La Vệ Đông, Phó Giám đốc``), a
list it continues, or our list of known people. Short forms (``ông Quách``, ``ông Trọng``)
are folded into the full name the same article gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.extract import lexicon
from archive.extract.text import (
    Sentence,
    Word,
    country_of_text,
    country_pattern,
    place_pattern,
    words,
)
from archive.facts import PersonMention, PostMention
from archive.vietnamese import name_key

CLAUSE_BREAK = re.compile(r"[,;:()“”\"]|\s[–—-]\s")
NAME_WORDS = (2, 4)
AFTER_NAME_POST = re.compile(r"^\s*(?:,|\s[–—-])\s*(?:làm\s+)?")
AFTER_NAME_PERSON = re.compile(r"^\s*[,(]?\s*(?:sinh năm|SN)\b")
NAMED_AFTER = re.compile(
    r"(?:\b[Tt]hành phố|\bTP\.?|\b[Tt]p\.|\b[Đđ]ường|\b[Pp]hố|\b[Qq]uận|\b[Hh]uyện|"
    r"\b[Tt]rường|\b[Cc]ầu|\b[Ss]ân bay|\b[Bb]ảo tàng)\s+$"
)
LOCATIVE = re.compile(r"\b(?:tại|ở|đến|sang)\s+$")
LIST_JOIN = re.compile(r"^\s*(?:,|và|cùng)\s*$")
NATIONALITY = re.compile(r"^[^.;]{0,40}?quốc tịch (?P<where>[^,.;()]+)")
RESIDENCE = re.compile(r"^[^.;]{0,60}?(?:trú tại|thường trú tại|quê quán|quê ở) (?P<where>[^.;]+)")
SIDE = re.compile(
    r"(?:[Vv]ề phía|[Pp]hía|[Đđ]ại biểu|[Đđ]oàn(?: đại biểu)?)\s+(?P<where>[^,.;:]*?)\s+(?:có|do)\b"
)
ORG_MAX_WORDS = 12


@dataclass
class Occurrence:
    """Where a person is named: a field offset range inside one sentence."""

    key: str
    start: int
    end: int
    sentence: Sentence


@dataclass
class Candidate:
    words: list[Word]
    sentence: Sentence
    cut_country: str | None = None
    cued: bool = False

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def start(self) -> int:
        return self.words[0].start

    @property
    def end(self) -> int:
        return self.words[-1].end


@dataclass
class ArticlePeople:
    """What the person pass found in one article: mentions and where each is named."""

    mentions: dict[str, PersonMention] = field(default_factory=dict)
    occurrences: list[Occurrence] = field(default_factory=list)


def capitalised_runs(sentence: Sentence) -> list[list[Word]]:
    """Maximal runs of capitalised words joined by single spaces."""
    runs: list[list[Word]] = []
    text = sentence.segment.text
    for word in words(sentence.text, sentence.start):
        joined = runs and text[runs[-1][-1].end : word.start] == " "
        if word.capitalised and word.text[0].isalpha():
            if joined and runs[-1][-1].capitalised:
                runs[-1].append(word)
            else:
                runs.append([word])
        else:
            runs.append([word])
    return [r for r in runs if r[0].capitalised and r[0].text[0].isalpha()]


def _cut_after_country(run: list[Word], text: str) -> tuple[list[Word], str | None]:
    """Drop a leading organisation/country/place part of a run (``Trung Quốc Quách ...``)."""
    run_text = text[run[0].start : run[-1].end]
    ends = [
        m.end()
        for p in (country_pattern(), place_pattern(), lexicon.organisation_pattern())
        for m in p.finditer(run_text)
    ]
    if not ends:
        return run, None
    cut = run[0].start + max(ends)
    rest = [w for w in run if w.start >= cut]
    return rest, country_of_text(text[run[0].start : cut])


def _left_context(sentence: Sentence, start: int) -> str:
    before = sentence.segment.text[sentence.start : start]
    pieces = CLAUSE_BREAK.split(before)
    return pieces[-1] if pieces else before


def _is_foreign_latin(candidate: list[Word]) -> bool:
    return all(w.text.isascii() and w.text.isalpha() and not w.text.isupper() for w in candidate)


def _looks_like_name(candidate: list[Word]) -> bool:
    low, high = NAME_WORDS
    if not low <= len(candidate) <= high:
        return False
    if name_key(" ".join(w.text for w in candidate)) in lexicon.known_people():
        return True
    if _is_foreign_latin(candidate):
        return True
    first = candidate[0].text
    return (
        first in lexicon.surnames()
        and all(not w.text.isupper() or len(w.text) == 1 for w in candidate)
        and not any(w.text in lexicon.organisation_words() for w in candidate[1:])
    )


def named_after(text: str, start: int) -> bool:
    """A place, street or school named after a person ("TP Hồ Chí Minh", "đường Lê Lợi")."""
    return bool(NAMED_AFTER.search(text[max(0, start - 20) : start]))


def _not_a_name(text: str) -> bool:
    key = name_key(text)
    return bool(
        country_pattern().fullmatch(text)
        or place_pattern().fullmatch(text)
        or key in lexicon.organisations()
        or lexicon.organisation_heads().match(text)
    )


def find_candidates(sentence: Sentence) -> list[Candidate]:
    """Name-shaped runs in a sentence that something frames as a person."""
    text = sentence.segment.text
    found: list[Candidate] = []
    for run in capitalised_runs(sentence):
        run = _strip_leading_cues(run, text)
        rest, country = _cut_after_country(run, text)
        if LOCATIVE.search(text[max(sentence.start, run[0].start - 8) : run[0].start]):
            country = None  # "Đại sứ Trung Quốc tại Việt Nam X": where, not whose
        rest = rest[: NAME_WORDS[1]]
        if not rest or _not_a_name(" ".join(w.text for w in rest)):
            continue
        if named_after(text, rest[0].start):
            continue
        candidate = Candidate(rest, sentence, cut_country=country)
        left = _left_context(sentence, candidate.start)
        candidate.cued = bool(lexicon.cue_pattern().search(left)) or country is not None
        if _accept(candidate, left, text, found):
            found.append(candidate)
    return found


def _strip_leading_cues(run: list[Word], text: str) -> list[Word]:
    """``HLV Park Hang Seo``, ``Ông Jernej``: a capitalised cue inside the run goes."""
    while len(run) > 1:
        head = run[0].text
        if lexicon.cue_pattern().fullmatch(head):
            run = run[1:]
        else:
            break
    return run


def _accept(candidate: Candidate, left: str, text: str, found: list[Candidate]) -> bool:
    words_ = candidate.words
    after = text[candidate.end : candidate.end + 80]
    if len(words_) == 1:
        return False
    if not _looks_like_name(words_):
        return False
    if _is_foreign_latin(words_) and not (candidate.cued and left.strip()):
        return False
    known = name_key(candidate.text) in lexicon.known_people()
    post_after = bool(AFTER_NAME_POST.match(after)) and bool(
        lexicon.post_pattern().match(AFTER_NAME_POST.sub("", after, count=1))
    )
    continues_list = bool(found) and bool(LIST_JOIN.match(text[found[-1].end : candidate.start]))
    return (
        candidate.cued
        or known
        or post_after
        or continues_list
        or bool(AFTER_NAME_PERSON.match(after))
    )


def short_references(sentence: Sentence) -> list[Word]:
    """One-word references right after a cue (``ông Quách``, ``ông Trọng``)."""
    text = sentence.segment.text
    refs = []
    for run in capitalised_runs(sentence):
        run = _strip_leading_cues(run, text)
        if len(run) != 1 or not run[0].text.isalpha():
            continue
        left = text[max(sentence.start, run[0].start - 30) : run[0].start]
        cue = list(lexicon.cue_pattern().finditer(left))
        if cue and not left[cue[-1].end() :].strip():
            refs.append(run[0])
    return refs


# ---------------------------------------------------------------- posts


def _starts_a_name(run: list[Word], text: str) -> bool:
    """Whether a person's name (not a place or body) begins at the first word of ``run``."""
    joined = []
    for w in run:
        if not w.capitalised or (joined and text[joined[-1].end : w.start] != " "):
            break
        joined.append(w)
    return (
        len(joined) >= NAME_WORDS[0]
        and _looks_like_name(joined)
        and not _not_a_name(text[joined[0].start : joined[-1].end])
        and not place_pattern().match(text, joined[0].start)
    )


def _org_extent(text: str) -> str | None:
    """The organisation phrase at the start of ``text`` (``Bộ Công an Trung Quốc, ...``)."""
    known = lexicon.organisation_pattern().match(text)
    taken: list[Word] = []
    all_words = words(text)
    for index, w in enumerate(all_words):
        if text[taken[-1].end if taken else 0 : w.start].strip(" "):
            break
        if w.text.lower() in lexicon.organisation_stop_words() or len(taken) >= ORG_MAX_WORDS:
            break
        if _starts_a_name(all_words[index : index + NAME_WORDS[1]], text):
            break
        taken.append(w)
    while taken and taken[-1].text in lexicon.organisation_stop_words():
        taken.pop()
    generic = text[: taken[-1].end] if taken else None
    if known and (generic is None or known.end() >= len(generic)):
        return known.group(0)
    return generic if generic and generic[0].isupper() else None


Post = tuple[str | None, str | None, str | None, int]  # rank, title, organisation, offset
POSTED_AT = re.compile(r"\s+(?:tại|ở)\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*(?=\s*$|\s*,)")
CHAIN_JOINERS = re.compile(r"\s*(?:làm|kiêm|và là)?\s*")


def parse_chain(text: str, offset: int = 0) -> tuple[list[Post], int]:
    """Ranks, honorifics and posts from the start of ``text``: (posts, characters consumed)."""
    found: list[Post] = []
    position = 0
    while True:
        position += len(text[position:]) - len(text[position:].lstrip())
        rank = lexicon.rank_pattern().match(text, position)
        if rank:
            found.append((rank.group(0), None, None, offset + position))
            position = rank.end()
            continue
        honorific = lexicon.honorific_pattern().match(text, position)
        if honorific:
            position = honorific.end()
            continue
        short = _short_post(text, position, offset)
        if short:
            post_found, position = short
            found.append(post_found)
            position = CHAIN_JOINERS.match(text, position).end()
            continue
        post = lexicon.post_pattern().match(text, position)
        if not post:
            return found, position
        org = _org_extent(text[post.end() :].lstrip())
        found.append((None, lexicon.canonical_post(post.group(0)), org, offset + position))
        position = post.end()
        if org:
            position = text.index(org, position) + len(org)
            if posted_at := POSTED_AT.match(text, position):
                position = posted_at.end()  # "Đại sứ Trung Quốc tại Việt Nam"
        position = CHAIN_JOINERS.match(text, position).end()


def _short_post(text: str, position: int, offset: int) -> tuple[Post, int] | None:
    """``Bộ trưởng Công an [Trung Quốc]`` → (Bộ trưởng, Bộ Công an [Trung Quốc])."""
    pattern, table = lexicon.post_with_organisation()
    m = pattern.match(text, position)
    if not m:
        return None
    meaning = table[m.group(0).casefold()]
    organisation, end = meaning["organisation"], m.end()
    if country := country_pattern().match(text, end + 1):
        organisation, end = f"{organisation} {country.group(0)}", country.end()
    return (None, meaning["title"], organisation, offset + position), end


def _consumed_all(text: str, consumed: int) -> bool:
    return not text[consumed:].strip()


def posts_before(sentence: Sentence, start: int) -> list[Post]:
    """Posts in the comma-chained titles right before a name."""
    before = sentence.segment.text[sentence.start : start]
    clause_start = before.rfind(";") + 1
    chunks = [(m.start(), m.end()) for m in re.finditer(r"[^,]+", before[clause_start:])]
    found: list[Post] = []
    for index, (s, e) in enumerate(reversed(chunks)):
        s, e = s + clause_start, e + clause_start
        chunk = before[s:e]
        chain = _chain_ending_chunk(chunk, sentence.start + s)
        if chain is None or (index > 0 and _ends_with_name(chunk)):
            break
        posts, whole_chunk = chain
        found += posts
        if not whole_chunk:
            break
    return found


def _ends_with_name(chunk: str) -> bool:
    """A chunk like "Bí thư ... Trung Quốc Mạnh Kiến Trụ" belongs to another person."""
    run = words(chunk)[-NAME_WORDS[1] :]
    return any(_looks_like_name(run[i:]) and run[i].capitalised for i in range(len(run) - 1))


def _chain_ending_chunk(chunk: str, offset: int) -> tuple[list[Post], bool] | None:
    """The longest fully parsed chain ending the chunk before a name, and whether it fills
    the whole chunk (only then may the chain go on into the chunk before)."""
    for cue in lexicon.cue_pattern().finditer(chunk):
        posts, consumed = parse_chain(chunk[cue.start() :], offset + cue.start())
        if _consumed_all(chunk[cue.start() :], consumed):
            return posts, not chunk[: cue.start()].strip()
    return None


def posts_after(sentence: Sentence, end: int) -> list[Post]:
    """Posts in the appositive after a name (``, Ủy viên Bộ Chính trị, Bộ trưởng ...``)."""
    text = sentence.segment.text[end : sentence.end]
    if not AFTER_NAME_POST.match(text):
        return []
    found: list[Post] = []
    for m in re.finditer(r"[^,;]+", text):
        lead = re.match(r"^\s*(?:[–—-]\s*)?(?:làm\s+)?", m.group(0)).end()
        chunk = m.group(0)[lead:]
        posts, consumed = parse_chain(chunk, end + m.start() + lead)
        if _starts_a_name(words(chunk[consumed:], 0), chunk[consumed:]):
            break  # "..., quyền Chủ tịch nước Đặng Thị Ngọc Thịnh": the next person's post
        found += [p for p in posts if p[1]]
        if not posts or not _consumed_all(chunk, consumed):
            break
    return found


def attach_posts(mention: PersonMention, sentence: Sentence, start: int, end: int) -> None:
    """Record the posts (and rank) the sentence gives the person named at [start, end)."""
    for rank, title, org, offset in posts_before(sentence, start) + posts_after(sentence, end):
        mention.rank = mention.rank or rank
        if title is None:
            continue
        post = PostMention(
            title=title, organisation=org, span=sentence.span(offset, offset + len(title))
        )
        _add_post(mention, post)
        if mention.country is None and org:
            mention.country = country_of_text(org)


def _add_post(mention: PersonMention, post: PostMention) -> None:
    """Keep one post per title: the form that names an organisation wins."""
    same = [p for p in mention.posts if p.title.casefold() == post.title.casefold()]
    if any(p.organisation == post.organisation or not post.organisation for p in same):
        return
    mention.posts = [p for p in mention.posts if p not in same or p.organisation] + [post]


def person_country(candidate: Candidate, sentence: Sentence) -> str | None:
    if candidate.cut_country:
        return candidate.cut_country
    record = lexicon.known_people().get(name_key(candidate.text))
    return record["country"] if record else None


def context_country(candidate: Candidate) -> str | None:
    """Country from what surrounds a name: nationality, residence, or the side it is on."""
    text = candidate.sentence.segment.text
    after = text[candidate.end : candidate.sentence.end]
    for pattern in (NATIONALITY, RESIDENCE):
        if (m := pattern.match(after)) and (country := country_of_text(m.group("where"))):
            return country
    before = text[candidate.sentence.start : candidate.start]
    sides = list(SIDE.finditer(before))
    return country_of_text(sides[-1].group("where")) if sides else None


def new_mention(candidate: Candidate) -> PersonMention:
    span = candidate.sentence.span(candidate.start, candidate.end)
    return PersonMention(
        name=candidate.text,
        country=person_country(candidate, candidate.sentence),
        span=span,
        surface=candidate.text,
    )


def known_in(sentence: Sentence) -> list[Candidate]:
    """Known people named anywhere in the sentence, cue or not."""
    text = sentence.segment.text
    found = []
    for m in lexicon.known_people_pattern().finditer(text, sentence.start, sentence.end):
        if not named_after(text, m.start()):
            found.append(Candidate(words(m.group(0), m.start()), sentence, cued=True))
    return found


def _overlaps(candidate: Candidate, others: list[Candidate]) -> bool:
    return any(candidate.start < o.end and o.start < candidate.end for o in others)


def _canonical(text: str) -> str:
    record = lexicon.known_people().get(name_key(text))
    return record["name"] if record else text


def _mention_for(people: ArticlePeople, candidate: Candidate) -> PersonMention:
    name = _canonical(candidate.text)
    key = name_key(name)
    mention = people.mentions.get(key)
    if mention is None:
        mention = new_mention(candidate)
        mention.name = name
        people.mentions[key] = mention
    else:
        mention.mentions += 1
        if mention.country is None:
            mention.country = person_country(candidate, candidate.sentence)
    if candidate.text != name and candidate.text not in mention.alt_names:
        mention.alt_names.append(candidate.text)
    return mention


def _fold_short_reference(people: ArticlePeople, word: Word, sentence: Sentence) -> None:
    """``ông Quách`` (family name) or ``ông Trọng`` (given name) → the one full name it fits."""
    fits = [
        key
        for key, m in people.mentions.items()
        if word.text in (m.name.split()[0], m.name.split()[-1])
    ]
    if len(fits) == 1:
        people.mentions[fits[0]].mentions += 1
        people.occurrences.append(Occurrence(fits[0], word.start, word.end, sentence))


def find_people(all_sentences: list[Sentence]) -> ArticlePeople:
    """Every person the sentences name, with posts, country and every occurrence."""
    people = ArticlePeople()
    for sentence in all_sentences:
        candidates = find_candidates(sentence)
        candidates += [k for k in known_in(sentence) if not _overlaps(k, candidates)]
        for candidate in sorted(candidates, key=lambda c: c.start):
            mention = _mention_for(people, candidate)
            attach_posts(mention, sentence, candidate.start, candidate.end)
            mention.country = mention.country or context_country(candidate)
            key = name_key(mention.name)
            people.occurrences.append(Occurrence(key, candidate.start, candidate.end, sentence))
    for sentence in all_sentences:
        taken = {(o.sentence.segment.field, o.start) for o in people.occurrences}
        for word in short_references(sentence):
            if (sentence.segment.field, word.start) not in taken:
                _fold_short_reference(people, word, sentence)
    for mention in people.mentions.values():
        looks_vietnamese = not mention.name.isascii()
        if mention.country is None and (mention.posts or mention.rank) and looks_vietnamese:
            mention.country = "VN"  # a post or rank with no other country, in Vietnamese news
    return people
