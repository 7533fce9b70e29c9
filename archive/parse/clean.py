"""Body cleaning: navigation, captions, agency lines, bylines and trailing articles out.

The rules are data (``archive/data/boilerplate.yml``); this module applies them in order:
drop navigation lines → cut at the end of the article → lift captions → lift lead tags
and a closing byline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from archive.knowledge import any_of, load, patterns

BLANK_LINES = re.compile(r"\n\s*\n+")
# What becomes one space (not " " itself): a run of two or more spaces, tabs or no-break
# spaces, or one tab or no-break space; written to begin with the character class, which the
# regex engine skips to instead of trying both alternatives at every position.
SPACES = re.compile(r"[ \t\u00a0](?:[ \t\u00a0]+|(?<=[\t\u00a0]))")
SENTENCE_BREAK = re.compile(r"[.!?…]\s+")
CAPTION_MAX_CHARS = 400
PHOTO_CREDIT_WORD = "Ảnh"  # in every photo_credits pattern, outside any alternative
PARAGRAPH_END = re.compile(r"[.!?…”\"]\s*\n")


@dataclass
class Credit:
    """Text that credits a source or a photographer rather than reporting the story."""

    kind: str  # photo | caption | agency | byline | source_tag
    text: str


@dataclass
class CleanBody:
    body: str
    agency: str | None = None
    source_tag: str | None = None
    credits: list[Credit] = field(default_factory=list)


def is_navigation(line: str) -> bool:
    return any_of("boilerplate", "navigation_lines").search(line.strip()) is not None


def agency_of(line: str) -> str | None:
    for pattern in patterns("boilerplate", "agency_lines"):
        match = pattern.match(line.strip())
        if match:
            return match.group("agency").strip()
    return None


def tidy(text: str) -> str:
    """One space between words, no trailing spaces, at most one blank line between blocks."""
    if "  " in text or "\t" in text or "\u00a0" in text:  # else SPACES finds nothing
        text = SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]  # no run of spaces spans lines
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _cut_at_end(lines: list[str]) -> tuple[list[str], str | None]:
    """Keep lines up to the article's end mark or agency line; return them and the agency."""
    end_marks = tuple(load("boilerplate")["end_marks"])
    for index, line in enumerate(lines):
        agency = agency_of(line)
        if agency and index > 0:
            return lines[:index], agency
        if line.rstrip().endswith(end_marks):
            return lines[: index + 1], _agency_after(lines[index + 1 :])
    return lines, None


def _agency_after(lines: list[str]) -> str | None:
    following = [line for line in lines if line.strip()][:3]
    return next((a for a in map(agency_of, following) if a), None)


def find_photo_credit(text: str) -> re.Match[str] | None:
    """The first photo credit in ``text`` ("(Ảnh: Trí Dũng/TTXVN)", "... Ảnh: TTXVN phát");
    a text without the credit's word is not searched (one pattern is tried at every
    position)."""
    if PHOTO_CREDIT_WORD not in text:
        return None
    matches = [m for p in _photo_credit_patterns() if (m := p.search(text))]
    return min(matches, key=lambda m: m.start(), default=None)


@cache
def _photo_credit_patterns() -> tuple[re.Pattern[str], ...]:
    found = patterns("boilerplate", "photo_credits")
    for pattern in found:
        if PHOTO_CREDIT_WORD not in pattern.pattern:
            raise ValueError(f"boilerplate.yml: photo credit {pattern.pattern!r} lacks Ảnh")
    return found


def _caption_start(block: str, credit_start: int) -> int:
    """A caption runs from its block's start, or from after the last line before it that
    ends a sentence (a lead paragraph glued on the line before is body; a caption wrapped
    over two lines is one), unless that is too long to be one."""
    ended = [m.end() for m in PARAGRAPH_END.finditer(block, 0, credit_start)]
    line_start = ended[-1] if ended else 0
    if credit_start - line_start <= CAPTION_MAX_CHARS:
        return line_start
    ends = [m.end() for m in SENTENCE_BREAK.finditer(block, line_start, credit_start - 1)]
    return ends[-1] if ends else credit_start


def _lift_captions(text: str, credits: list[Credit]) -> str:
    """Remove each caption: from the start of its block to the photo credit that closes it."""
    blocks = []
    for block in text.split("\n\n"):
        while match := find_photo_credit(block):
            start = _caption_start(block, match.start())
            caption = block[start : match.start()].strip()
            if caption:
                credits.append(Credit("caption", caption))
            credits.append(Credit("photo", match.group("credit").strip()))
            block = (block[:start] + " " + block[match.end() :]).strip()
        blocks.append(block)
    return "\n\n".join(b for b in blocks if b)


def _lift_lead_tag(text: str, result: CleanBody) -> str:
    for pattern in patterns("boilerplate", "lead_tags"):
        match = pattern.match(text)
        if match:
            result.source_tag = match.group("tag")
            result.credits.append(Credit("source_tag", match.group("tag")))
            return text[match.end() :]
    return text


def _lift_byline(text: str, credits: list[Credit]) -> str:
    head, _, last = text.rpartition("\n")
    byline = patterns("boilerplate", "byline")[0].match(last.strip())
    if head and byline and re.search(r"\s[–-]\s", last):
        credits.append(Credit("byline", byline.group("byline")))
        return head
    return text


def clean_body(text: str) -> CleanBody:
    """Turn the part of a page below its header into article text and credits."""
    lines = [line for line in text.split("\n") if not is_navigation(line)]
    lines, agency = _cut_at_end(lines)
    result = CleanBody(body="", agency=agency)
    if agency:
        result.credits.append(Credit("agency", agency))
    body = _lift_captions(tidy("\n".join(lines)), result.credits)
    body = _lift_lead_tag(body, result)
    body = _lift_byline(tidy(body), result.credits)
    result.body = tidy(body)
    return result
