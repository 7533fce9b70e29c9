"""What the pages of an article, a meeting, a person, an organisation and a topic show
(the ``extra_template_vars`` of their row pages, ``templates/row-archive-<table>.html``)."""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable
from datetime import date
from importlib import resources

from archive.datasette.cells import json_list
from archive.datasette.labels import country_label
from archive.datasette.marking import Span, mark, sentence_around


def _queries() -> dict[str, str]:
    """The queries of ``sql/`` by name; ``{part}`` in one stands for the shared part in
    ``sql/_part.sql`` (its comment lines left out)."""
    texts = {
        path.name.removesuffix(".sql"): path.read_text("utf-8")
        for path in resources.files("archive.datasette").joinpath("sql").iterdir()
        if path.name.endswith(".sql")
    }
    parts = {
        name.removeprefix("_"): "\n".join(
            line for line in text.splitlines() if not line.startswith("--")
        ).strip()
        for name, text in texts.items()
        if name.startswith("_")
    }
    queries = {name: text for name, text in texts.items() if not name.startswith("_")}
    for name, text in queries.items():
        for part, sql in parts.items():
            text = text.replace(f"{{{part}}}", sql)
        queries[name] = text
    return queries


SQL = _queries()
TEXT_FIELDS = ("title", "body", "captions")
SPAN = re.compile(r"(\d{1,9})-(\d{1,9})")
# meeting_sources.date_basis → how a reader should take the date
DATE_BASIS = {
    "explicit": "the date is stated in the sentence",
    "article_date": "day and month from the sentence, year from the article's date",
    "text_year": "day and month from the sentence, year from elsewhere in the text",
    "same_day_as_previous": "same day as the meeting reported just before",
    "narrative_date": "the last date the article gave before this sentence",
}


def readable_date(iso: str | None, precision: str | None = None) -> str:
    """``6 January 2012`` (day), ``August 2024`` (month), ``2017`` (year)."""
    if not iso:
        return "date not given"
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3 and precision in (None, "day"):
        return f"{parts[2]} {date(*parts).strftime('%B')} {parts[0]}"
    if len(parts) >= 2 and precision != "year":
        return f"{date(parts[0], parts[1], 1).strftime('%B')} {parts[0]}"
    return str(parts[0])


# A page lists at most this many meetings, articles or people of one entity (the first,
# with a link to the whole list where a browse view holds it): a list grows with the archive.
LISTED_AT_MOST = 200
# A list with a walking query (``sql/<list>_walk.sql``) of a large entity is looked for
# among its first candidates in the page's order, twice as many as its share of them
# says hold the first rows (most meetings have someone of the Ministry of Public
# Security: its first 200 are among the first 250): a few hundred lookups where the whole
# list would be sorted (tens of thousands of rows). Past this many, the list's own query.
WALKED_AT_MOST = 20_000


def walk_length(share: float | None) -> int | None:
    """How many candidates to walk for the first rows of a list holding ``share`` of them,
    or None when the list's own query is cheaper."""
    if not share:
        return None
    length = math.ceil(2 * (LISTED_AT_MOST + 1) / share)
    return length if length <= WALKED_AT_MOST else None


async def rows(db, name: str, row_id: str) -> list[dict]:
    return [dict(row) for row in (await db.execute(SQL[name], {"id": row_id})).rows]


async def first_rows(db, name: str, row_id: str, key: str, share: float | None = None) -> dict:
    """``key``: the first ``LISTED_AT_MOST`` rows of a list; ``key_more``: whether there are
    more. With the ``share`` of all candidates the list holds, a walk (``walk_length``) that
    finds them all answers alone; one that finds fewer may have stopped short of some, and
    the list's own query answers."""
    wanted = LISTED_AT_MOST + 1
    walked = walk_length(share) if f"{name}_walk" in SQL else None
    params = {"id": row_id, "listed": wanted, "walked": walked}
    found = []
    if walked:
        found = [dict(row) for row in (await db.execute(SQL[f"{name}_walk"], params)).rows]
    if len(found) < wanted:
        sql = f"{SQL[name].rstrip()}\nLIMIT {wanted}"
        found = [dict(row) for row in (await db.execute(sql, params)).rows]
    return {key: found[:LISTED_AT_MOST], f"{key}_more": len(found) > LISTED_AT_MOST}


def with_lists(items: list[dict], *columns: str) -> list[dict]:
    """The JSON-array ``columns`` of each row as Python lists."""
    for item in items:
        for column in columns:
            item[column] = json_list(item.get(column)) or []
    return items


def requested_span(request) -> tuple[str, int, int] | None:
    """``?span=START-END&field=body``: the fact a link asks the article page to show."""
    found = SPAN.fullmatch(request.args.get("span") or "")
    field = request.args.get("field") or "body"
    if not found or field not in TEXT_FIELDS:
        return None
    return field, int(found.group(1)), int(found.group(2))


async def article_page(db, article_id: str, request) -> dict:
    [article] = await rows(db, "article", article_id) or [None]
    if article is None:
        return {}
    facts = await rows(db, "article_facts", article_id)
    for number, fact in enumerate(facts, start=1):
        fact["anchor"] = f"fact-{number}"
    wanted = requested_span(request)
    focus_sentence = None
    texts = {}
    for field in TEXT_FIELDS:
        text = article[field] or ""
        spans = [
            Span(f["start"], f["end"], f["anchor"])
            for f in facts
            if f["field"] == field and f["start"] is not None
        ]
        focus = None
        if wanted and wanted[0] == field:
            _, start, end = wanted
            sentence = next(
                (f["evidence"] for f in facts if (f["field"], f["start"], f["end"]) == wanted),
                None,
            )
            focus = sentence_around(text, sentence, start, end)
            focus_sentence = text[focus[0] : focus[1]]
        texts[field] = mark(text, spans, focus)
    return {
        "article": article,
        "article_date": readable_date(article["published_date"], article["date_precision"]),
        "texts": texts,
        "facts": facts,
        "focus_sentence": focus_sentence,
        "meetings": with_lists(await rows(db, "article_meetings", article_id), "participants"),
    }


async def meeting_page(db, meeting_id: str, request) -> dict:
    [meeting] = await rows(db, "meeting", meeting_id) or [None]
    if meeting is None:
        return {}
    with_lists([meeting], "participants", "sides", "topics")
    participants = await rows(db, "meeting_participants", meeting_id)
    sides: dict[str, list[dict]] = {}
    for person in participants:
        sides.setdefault(person["side"] or "?", []).append(person)
    sources = await rows(db, "meeting_sources", meeting_id)
    for source in sources:
        source["basis"] = DATE_BASIS.get(source["date_basis"], source["date_basis"])
        source["reported"] = readable_date(source["published_date"])
    return {
        "meeting": meeting,
        "sides": [(side, country_label(side), people) for side, people in sides.items()],
        "sources": sources,
        "topics": await rows(db, "meeting_topics", meeting_id),
    }


async def person_page(db, person_id: str, request) -> dict:
    found = await first_rows(db, "person_meetings", person_id, "person_meetings")
    with_lists(found["person_meetings"], "with_whom", "topics")
    return found | {
        "person_posts": await rows(db, "person_posts", person_id),
        "person_aliases": await rows(db, "person_aliases", person_id),
        "listed_at_most": LISTED_AT_MOST,
    }


async def organisation_page(db, organisation_id: str, request) -> dict:
    [shares] = await rows(db, "organisation_shares", organisation_id) or [{}]
    found = {}
    for key in ("people", "meetings", "articles"):
        name = f"organisation_{key}"
        found |= await first_rows(db, name, organisation_id, key, shares.get(name))
    with_lists(found["meetings"], "participants")
    return found | {"listed_at_most": LISTED_AT_MOST}


async def topic_page(db, topic_id: str, request) -> dict:
    [shares] = await rows(db, "topic_shares", topic_id) or [{}]
    found = {}
    for key in ("meetings", "articles"):
        name = f"topic_{key}"
        found |= await first_rows(db, name, topic_id, key, shares.get(name))
    with_lists(found["meetings"], "participants")
    return found | {"listed_at_most": LISTED_AT_MOST}


PAGES: dict[str, Callable[..., Awaitable[dict]]] = {
    "articles": article_page,
    "meetings": meeting_page,
    "persons": person_page,
    "organisations": organisation_page,
    "topics": topic_page,
}
