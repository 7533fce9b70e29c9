"""Posts and ranks around a name: the comma-chained titles before it (``Ủy viên Bộ Chính
trị, Bộ trưởng Bộ Công an Trung Quốc Quách Thanh Côn``) and the appositive after it
(``Trần Văn Thanh, Bộ trưởng Bộ An ninh Quốc gia Trung Quốc``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from archive.extract import lexicon
from archive.extract.names import NAME_WORDS, looks_like_name, starts_a_name
from archive.extract.text import Sentence, Word, country_of_text, country_pattern, words
from archive.facts import PersonMention, PostMention
from archive.vietnamese import name_key

AGE_OR_BIRTH = re.compile(r"\s*\([^()]{0,60}\)")
AFTER_NAME_POST = re.compile(r"^\s*(?:,|\s[–—-])\s*(?:làm\s+)?")
ORG_MAX_WORDS = 12
ORG_WINDOW = 160
TITLES_WINDOW = 400  # the titles around a name: never more than a few hundred characters
# A local government named by its unit ("Phó Thị trưởng thành phố Sùng Tả", "tỉnh Vân Nam").
UNIT_LED = re.compile(
    r"(?:thành phố|tỉnh|huyện|châu|khu tự trị|quận|thị xã) [A-ZĐÀ-Ỹ]|(?:thành|tỉnh|huyện) ủy\b"
)
Post = tuple[str | None, str | None, str | None, int]  # rank, title, organisation, offset
POSTED_AT = re.compile(r"\s+(?:tại|ở)\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*(?=\s*$|\s*,)")
CHAIN_JOINERS = re.compile(r"\s*(?:làm|kiêm|và là)?\s*")
SPACES = re.compile(r"\s*")
APPOSITIVE_PIECE = re.compile(r"[^,;]+")  # what the commas of an appositive part
APPOSITIVE_LEAD = re.compile(r"^\s*(?:[–—-]\s*)?(?:làm\s+)?")


def _org_extent(text: str) -> str | None:
    """The organisation phrase at the start of ``text`` (``Bộ Công an Trung Quốc, ...``)."""
    text = text[:ORG_WINDOW]  # an organisation is at most ORG_MAX_WORDS words: read no further
    known = lexicon.organisation_pattern().match(text)
    taken: list[Word] = []
    all_words = words(text, limit=ORG_MAX_WORDS + NAME_WORDS[1] + 1)  # all it can look at
    for index, w in enumerate(all_words):
        if text[taken[-1].end if taken else 0 : w.start].strip(" "):
            break
        stops = w.text.islower() and w.text in lexicon.organisation_stop_words()
        if stops or len(taken) >= ORG_MAX_WORDS:  # a capitalised word continues the name
            break
        if w.capitalised and starts_a_name(all_words[index : index + NAME_WORDS[1]], text):
            break
        taken.append(w)
    while taken and taken[-1].text in lexicon.organisation_stop_words():
        taken.pop()
    generic = text[: taken[-1].end] if taken else None
    if known and (generic is None or known.end() >= len(generic)):
        return known.group(0)
    return generic if generic and (generic[0].isupper() or UNIT_LED.match(generic)) else None


def parse_chain(text: str, offset: int = 0) -> tuple[list[Post], int]:
    """Ranks, honorifics and posts from the start of ``text``: (posts, characters consumed)."""
    posts, consumed = _chain(text, lexicon.known_people_on())
    return [(rank, title, org, offset + at) for rank, title, org, at in posts], consumed


@lru_cache(maxsize=1024)  # keys of up to TITLES_WINDOW characters: fewer kept
def _chain(text: str, list_on: bool) -> tuple[tuple[Post, ...], int]:
    """:func:`parse_chain` at offset 0, remembered by text (the same titles come back) and
    by whether the known-people list is on (which names an organisation stops before)."""
    found: list[Post] = []
    position = 0
    while True:
        position = SPACES.match(text, position).end()
        rank = lexicon.rank_pattern().match(text, position)
        if rank:
            found.append((rank.group(0), None, None, position))
            position = rank.end()
            continue
        honorific = lexicon.honorific_pattern().match(text, position)
        if honorific:
            position = honorific.end()
            continue
        short = _short_post(text, position)
        if short:
            post_found, position = short
            found.append(post_found)
            position = CHAIN_JOINERS.match(text, position).end()
            continue
        post = lexicon.post_pattern().match(text, position)
        if not post:
            return tuple(found), position
        org = _org_extent(text[post.end() :].lstrip())
        found.append((None, lexicon.canonical_post(post.group(0)), org, position))
        position = post.end()
        if org:
            position = text.index(org, position) + len(org)
            if posted_at := POSTED_AT.match(text, position):
                position = posted_at.end()  # "Đại sứ Trung Quốc tại Việt Nam"
        position = CHAIN_JOINERS.match(text, position).end()


def _short_post(text: str, position: int) -> tuple[Post, int] | None:
    """``Bộ trưởng Công an [Trung Quốc]`` → (Bộ trưởng, Bộ Công an [Trung Quốc])."""
    pattern, table = lexicon.post_with_organisation()
    m = pattern.match(text, position)
    if not m:
        return None
    meaning = table[m.group(0).casefold()]
    organisation, end = meaning["organisation"], m.end()
    if country := country_pattern().match(text, end + 1):
        organisation, end = f"{organisation} {country.group(0)}", country.end()
    return (None, meaning["title"], organisation, position), end


def _consumed_all(text: str, consumed: int) -> bool:
    return not text[consumed:].strip()


def posts_before(sentence: Sentence, start: int) -> list[Post]:
    """Posts in the comma-chained titles right before a name (read within a bounded window,
    so the work per name does not grow with the sentence)."""
    window_start = max(sentence.start, start - TITLES_WINDOW)
    before = sentence.segment.text[window_start:start]
    found: list[Post] = []
    for index, (s, e) in enumerate(_chunks_backwards(before, before.rfind(";") + 1)):
        chunk = before[s:e]
        chain = _chain_ending_chunk(chunk, window_start + s)
        if chain is None or (index > 0 and _ends_with_name(chunk)):
            break
        posts, whole_chunk = chain
        found += posts
        if not whole_chunk:
            break
    return found


def _chunks_backwards(text: str, floor: int) -> Iterator[tuple[int, int]]:
    """The (start, end) of each non-empty piece of ``text[floor:]`` between commas, the
    last first (read only as far back as they are asked for)."""
    end = len(text)
    while end > floor:
        comma = text.rfind(",", floor, end)
        start = floor if comma == -1 else comma + 1
        if start < end:
            yield start, end
        if comma == -1:
            return
        end = comma


def _ends_with_name(chunk: str) -> bool:
    """A chunk like "Bí thư ... Trung Quốc Mạnh Kiến Trụ" belongs to another person."""
    run = words(chunk)[-NAME_WORDS[1] :]
    return any(looks_like_name(run[i:]) and run[i].capitalised for i in range(len(run) - 1))


def _chain_ending_chunk(chunk: str, offset: int) -> tuple[list[Post], bool] | None:
    """The longest fully parsed chain ending the chunk before a name, and whether it fills
    the whole chunk (only then may the chain go on into the chunk before)."""
    chain = _chunk_chain(chunk, lexicon.known_people_on())
    if chain is None:
        return None
    posts, whole_chunk = chain
    return [(rank, title, org, offset + at) for rank, title, org, at in posts], whole_chunk


@lru_cache(maxsize=1024)  # keys of up to TITLES_WINDOW characters: fewer kept
def _chunk_chain(chunk: str, list_on: bool) -> tuple[tuple[Post, ...], bool] | None:
    """:func:`_chain_ending_chunk` at offset 0, remembered like :func:`_chain`."""
    for cue in lexicon.cue_pattern().finditer(chunk):
        posts, consumed = parse_chain(chunk[cue.start() :], cue.start())
        if _consumed_all(chunk[cue.start() :], consumed):
            return tuple(posts), not chunk[: cue.start()].strip()
    return None


def posts_after(sentence: Sentence, end: int) -> list[Post]:
    """Posts in the appositive after a name (``, Ủy viên Bộ Chính trị, Bộ trưởng ...``),
    read past a bracket about the person (``ông X (53 tuổi), Cục trưởng ...``)."""
    if bracket := AGE_OR_BIRTH.match(sentence.segment.text, end, sentence.end):
        end = bracket.end()
    text = sentence.segment.text[end : min(sentence.end, end + TITLES_WINDOW)]
    if not AFTER_NAME_POST.match(text):
        return []
    found: list[Post] = []
    for m in APPOSITIVE_PIECE.finditer(text):
        lead = APPOSITIVE_LEAD.match(m.group(0)).end()
        chunk = m.group(0)[lead:]
        posts, consumed = parse_chain(chunk, end + m.start() + lead)
        rest = chunk[consumed:]  # its first words: a longer run than NAME_WORDS[1] is no name
        if starts_a_name(words(rest, limit=NAME_WORDS[1] + 1), rest):
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
        if mention.country is None:
            mention.country = lexicon.post_countries().get(title.casefold())
        if mention.country is None and org:
            mention.country = organisation_country(org)


def organisation_country(org: str) -> str | None:
    """A body's country: a known body's, else the country or place its name holds."""
    record = lexicon.organisations().get(name_key(org))
    return (record or {}).get("country") or country_of_text(org)


def _add_post(mention: PersonMention, post: PostMention) -> None:
    """Keep one post per title: the form that names an organisation wins."""
    same = [p for p in mention.posts if p.title.casefold() == post.title.casefold()]
    if any(p.organisation == post.organisation or not post.organisation for p in same):
        return
    mention.posts = [p for p in mention.posts if p not in same or p.organisation] + [post]
