"""A person's country from the words around their name, never a default guess.

In order: nationality or residence after the name (a unit only Vietnam has, or a known
place), the group a "do X dẫn đầu" or "dưới sự chỉ huy của X" phrase says they lead, the
side a clause speaks for ("Về phía Trung Quốc có ..."), the titles right before the name;
then, once the article is read, a body Vietnamese news names without a country. With none
of these the country stays unknown.
"""

from __future__ import annotations

import re

from archive.extract import lexicon
from archive.extract.posts import parse_chain
from archive.extract.text import Sentence, country_of_text, first_country_of_text
from archive.facts import PersonMention

HOME = "VN"  # the country of the news: Vietnamese bodies named without one
CONTEXT_WINDOW = 200  # characters read around a name: the work per name stays bounded


def text_before(sentence: Sentence, start: int) -> str:
    return sentence.segment.text[max(sentence.start, start - CONTEXT_WINDOW) : start]


def text_after(sentence: Sentence, end: int) -> str:
    return sentence.segment.text[end : min(sentence.end, end + CONTEXT_WINDOW)]


def context_country(sentence: Sentence, start: int, end: int) -> str | None:
    """Country from what surrounds the name at [start, end): nationality or residence after
    it, the group it leads ("Đoàn ... Trung Quốc do ông X"), the side its clause speaks for,
    or the titles right before it."""
    frames = lexicon.country_frames()
    after = text_after(sentence, end)
    for key in ("nationality", "residence"):
        if (m := frames[key].match(after)) and (country := place_country(m.group("where"))):
            return country
    before = text_before(sentence, start)
    return led_group_country(before) or side_country(before) or title_country(before)


TITLE_WINDOW = 120


def title_country(before: str) -> str | None:
    """The country the titles right before a name give ("Trợ lý Ngoại trưởng Hoa Kỳ phụ
    trách ... X", "Phó Thị trưởng thành phố Sùng Tả X"): the first one after the last post,
    with no clause break between it and the name."""
    window = before[-TITLE_WINDOW:]
    cues = list(lexicon.post_pattern().finditer(window))
    if not cues or re.search(r"[,;:()]", window[cues[-1].start() :]):
        return None
    return first_country_of_text(window[cues[-1].start() :])


def shares_residence(sentence: Sentence, end: int) -> bool:
    """Whether the residence after a name is said of the people listed before it too."""
    after = text_after(sentence, end)
    m = lexicon.country_frames()["residence"].match(after)
    return bool(m) and "cùng" in after[: m.start("where")]


def place_country(where: str) -> str | None:
    """The country of a place phrase: a named country or place, or a unit only Vietnam has."""
    if lexicon.home_units().match(where):
        return HOME
    return country_of_text(where)


def side_country(before: str) -> str | None:
    sides = list(lexicon.country_frames()["side"].finditer(before))
    return country_of_text(sides[-1].group("where")) if sides else None


GROUP_START = re.compile(r".*\b(?:[Đđ]oàn|với|cùng)\b", re.DOTALL)


def led_group_country(before: str) -> str | None:
    """The country of the group a "do <titles> X" or "dưới sự chỉ huy của <titles> X" phrase
    says X leads: the last country or place the group's words name."""
    window = before[-TITLE_WINDOW:]
    leads = list(lexicon.country_frames()["led_by"].finditer(window))
    if not leads:
        return None
    after_lead = window[leads[-1].end() :]
    _posts, consumed = parse_chain(after_lead)
    if after_lead[consumed:].strip():
        return None  # words other than titles between the phrase and the name
    group = window[: leads[-1].start()]
    start = GROUP_START.match(group)
    return country_of_text(group[start.end() if start else 0 :])


def home_country(mention: PersonMention) -> str | None:
    """Vietnam, for a post in a body Vietnamese news names without a country
    ("Cục trưởng Cục Cảnh sát giao thông")."""
    for post in mention.posts:
        org = post.organisation or ""
        home = lexicon.home_body_heads().match(org) or lexicon.home_unit_codes().match(org)
        if home and country_of_text(org) is None:
            return HOME
    return None


ACCOMPANY_WORDS = "tháp tùng"
ACCOMPANIES = re.compile(rf"\b{ACCOMPANY_WORDS}\s+$")
JOINED = re.compile(r"^\s*(?:,|và|cùng)\s*$")
JOINER_FIRST = re.compile(r"\s*(?:,|và|cùng)")  # how every text JOINED matches begins


def relational_countries(sentence: Sentence, named: list[tuple[PersonMention, int, int]]) -> None:
    """Countries one person's tells another's, in one sentence: whoever "tháp tùng" (goes
    with) someone is on their side; and of two people given the same post and joined by
    "và", where only one post names a foreign country, the other holds it at home
    ("Thứ trưởng A và Thứ trưởng Bộ Công an Trung Quốc B")."""
    for index, (mention, start, _end) in enumerate(named):
        if index and mention.country is None:
            before = text_before(sentence, start)
            if ACCOMPANY_WORDS not in before:
                continue  # the titles before the name need not be looked for
            if ACCOMPANIES.search(before[: _chain_start(before)]):
                mention.country = named[index - 1][0].country
    for (a, _, a_end), (_, b_start, _) in zip(named, named[1:], strict=False):
        between = sentence.segment.text[a_end:b_start]
        if not JOINER_FIRST.match(between):
            continue  # no "," or "và" first: no post can follow one (the post is not sought)
        title = lexicon.post_pattern().search(between)
        if not title or not JOINED.match(between[: title.start()]):
            continue
        same_post = any(p.title.casefold() == title.group(0).casefold() for p in a.posts)
        foreign = first_country_of_text(between[title.end() :])
        if same_post and a.country is None and foreign and foreign != HOME:
            a.country = HOME


def _chain_start(before: str) -> int:
    """Where the titles right before a name begin, within ``before``."""
    cues = list(lexicon.cue_pattern().finditer(before))
    start = len(before)
    for cue in reversed(cues):
        if before[cue.end() : start].strip(" ,"):
            break
        start = cue.start()
    return start
