"""Parse stage: one source text → title, URL, outlet, date, agency and a clean body.

Layouts are tried in order (``LAYOUTS``); the first whose ``detect`` accepts the text
splits its header off, and :func:`clean_body` does the rest the same way for all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import urlsplit

from archive.knowledge import load
from archive.parse.clean import Credit, clean_body, find_photo_credit, is_navigation
from archive.parse.dates import PartialDate, date_line, page_prefix, trailing_date
from archive.parse.html import HtmlPage
from archive.read import SourceText, looks_like_html

SEPARATOR = re.compile(r"^-{5,}\s*$", re.MULTILINE)
URL_LINE = re.compile(r"^\s*(https?://\S+)\s*$")
TITLE_MAX_CHARS = 250
SENTENCE_END = (".", "!", "?", ";", "…", ":", ")")
HEADER_SCAN_LINES = 6
MIN_BODY_WORDS = 8
WORD = re.compile(r"\w+")
NON_ASCII_LETTER = re.compile(r"[^\W\x00-\x7f]")  # a word character beyond ASCII


class ParseError(Exception):
    """A text with no article in it; the message says why."""


@dataclass
class Header:
    rest: str
    title: str | None = None
    url: str | None = None
    date: PartialDate | None = None
    date_source: str | None = None


@dataclass
class ParsedArticle:
    format: str
    body: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published_date: str | None = None
    date_precision: str | None = None
    date_source: str | None = None
    agency: str | None = None
    credits: list[Credit] = field(default_factory=list)

    @property
    def captions(self) -> str | None:
        """Photo captions, one per line: article text kept apart from the body."""
        return "\n".join(c.text for c in self.credits if c.kind == "caption") or None


def _lines(text: str) -> list[str]:
    return text.split("\n")


def detect_url_separated(text: str) -> bool:
    first = next((line for line in _lines(text) if line.strip()), "")
    return bool(URL_LINE.match(first)) and len(SEPARATOR.findall(text)) >= 2


def split_url_separated(text: str) -> Header:
    parts = SEPARATOR.split(text)
    url = parts[0].strip()
    title = parts[1].strip() or None
    return Header(rest=parts[2] if len(parts) > 2 else "", title=title, url=url)


def detect_date_prefix(text: str) -> bool:
    return page_prefix(text) is not None


def split_date_prefix(text: str) -> Header:
    date, start = page_prefix(text)
    return Header(rest=text[start:], date=date, date_source="page_prefix")


def _is_title(line: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) <= TITLE_MAX_CHARS
        and not line.endswith(SENTENCE_END)
        and find_photo_credit(line) is None
    )


def _content_lines(text: str, limit: int) -> list[tuple[int, str]]:
    """(index, line) of the first ``limit`` non-empty lines that are not navigation or a
    section header (the lines after them are not looked at)."""
    headers = set(load("boilerplate")["section_headers"])
    found = (
        (i, line)
        for i, line in enumerate(_lines(text))
        if line.strip() and not is_navigation(line) and line.strip() not in headers
    )
    return list(islice(found, limit))


def detect_titled(text: str) -> bool:
    content = _content_lines(text, 1)
    return bool(content) and _is_title(content[0][1])


def split_titled(text: str) -> Header:
    """Title line, then (within a few lines) an optional date line; echoes of the title go."""
    lines = _lines(text)
    content = _content_lines(text, HEADER_SCAN_LINES)
    first_index, first = content[0]
    if stamp := date_line(first):  # a page that opens with its timestamp ("14:59, 03/09/2023")
        rest = "\n".join(lines[first_index + 1 :])
        return Header(rest=rest, title=None, date=stamp, date_source="date_line")
    header = Header(rest="", title=first.strip())
    split = trailing_date(first)
    if split and split[0]:
        header.title, header.date, header.date_source = split[0], split[1], "title_line"
    body_start = first_index + 1
    for index, line in content[1:HEADER_SCAN_LINES]:
        date = date_line(line) or _date_after_comma(line)
        if date and header.date is None:
            header.date, header.date_source, body_start = date, "date_line", index + 1
            break
        if not _echoes_header(line, header.title):
            break
        body_start = index + 1
    header.rest = "\n".join(lines[body_start:])
    return header


def _date_after_comma(line: str) -> PartialDate | None:
    return date_line(line.split(",")[-1]) if "," in line else None


def _echoes_header(line: str, title: str | None) -> bool:
    """A repeat of the title, or a bare host name, between the title and the date line."""
    stripped = line.strip().rstrip(" :")
    return stripped == title or bool(re.fullmatch(r"[\w.-]+\.(vn|com|net|org)", stripped))


def detect_plain(text: str) -> bool:
    return bool(_content_lines(text, 1))


def split_plain(text: str) -> Header:
    return Header(rest=text)


LAYOUTS: tuple[tuple[str, Callable[[str], bool], Callable[[str], Header]], ...] = (
    ("url_separated", detect_url_separated, split_url_separated),
    ("date_prefix", detect_date_prefix, split_date_prefix),
    ("titled", detect_titled, split_titled),
    ("plain", detect_plain, split_plain),
)


def looks_like_vietnamese_prose(body: str) -> bool:
    """At least a sentence's worth of words, some of them written with Vietnamese letters."""
    enough = sum(1 for _ in islice(WORD.finditer(body), MIN_BODY_WORDS)) == MIN_BODY_WORDS
    return enough and NON_ASCII_LETTER.search(body) is not None  # a word with one is not ASCII


def outlet_for(url: str | None, source_tag: str | None) -> str | None:
    outlets = load("outlets")
    if url:
        host = urlsplit(url).hostname or ""
        host = host.removeprefix("www.")
        if host in outlets["hosts"]:
            return outlets["hosts"][host]
    return outlets["tags"].get(source_tag) if source_tag else None


def split_html(text: str) -> Header:
    """A web page: trafilatura's main text, title, date and canonical URL."""
    page = HtmlPage(text)
    if not page.text.strip():
        raise ParseError("HTML page with no main text that trafilatura could find")
    return Header(
        rest=page.body,
        title=page.title,
        url=page.url,
        date=page.date,
        date_source="html_metadata" if page.date else None,
    )


def parse_article(source: SourceText) -> ParsedArticle:
    """Detect the layout of ``source`` and split it into fields; raise ParseError if empty."""
    text = source.text
    if looks_like_html(text):
        layout, split = "html", split_html
    else:
        found = next(((name, split) for name, detect, split in LAYOUTS if detect(text)), None)
        if found is None:
            raise ParseError("no article text: only whitespace or page furniture")
        layout, split = found
    header = split(text)
    cleaned = clean_body(header.rest)
    if not cleaned.body:
        raise ParseError(f"layout '{layout}' found no article body (only navigation or captions)")
    if not looks_like_vietnamese_prose(cleaned.body):
        raise ParseError(
            f"no recognisable article: the text has fewer than {MIN_BODY_WORDS} words "
            "or no Vietnamese letters"
        )
    article = ParsedArticle(
        format=layout,
        body=cleaned.body,
        title=header.title,
        url=header.url,
        outlet=outlet_for(header.url, cleaned.source_tag),
        agency=cleaned.agency,
        credits=cleaned.credits,
    )
    if header.date:
        article.published_date = header.date.iso
        article.date_precision = header.date.precision
        article.date_source = header.date_source
    return article
