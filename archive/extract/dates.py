"""Event dates in running text, and the year a date without one takes.

Shapes: ``06/01/2012``, ``ngày 13/1``, ``Chiều 16/4``, ``sáng 5/1/2012``, ``từ ngày 4-7/1/2012``,
``từ ngày 12 đến 16/9/2023``, ``Ngày 26-10``, ``Sáng 16-1-2026``, ``tháng 8/2020``.
A date without a year takes it from the article's own date line, else from an explicit
year in the text (another full date, ``tháng 8/2020``, ``Năm mới 2017``); never from the
page's `` date YYYY-MM`` storage prefix; otherwise it has no year and is not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.parse.dates import PartialDate

TIME_OF_DAY = r"(?:[Nn]gày|[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa|[Hh]ôm|[Đđ]êm|[Rr]ạng sáng)"
YEAR = r"(?P<year>(?:19|20)\d{2})"
DATE_PATTERNS = (
    # từ ngày 12 đến 16/9/2023, từ ngày 4-7/1/2012: the first day counts
    re.compile(
        rf"(?:từ )?ngày (?P<day>\d{{1,2}})\s*(?:-|đến)\s*\d{{1,2}}[/-](?P<month>\d{{1,2}})"
        rf"(?:[/-]{YEAR})?(?!\d)"
    ),
    re.compile(rf"(?<![\d/])(?P<day>\d{{1,2}})[/.-](?P<month>\d{{1,2}})[/.-]{YEAR}(?!\d)"),
    re.compile(rf"{TIME_OF_DAY}(?: ngày)? (?P<day>\d{{1,2}})[/-](?P<month>\d{{1,2}})(?![\d/-])"),
    # ngày 13 tháng 1 năm 2017, ngày 5 tháng 9
    re.compile(rf"[Nn]gày (?P<day>\d{{1,2}}) tháng (?P<month>\d{{1,2}})(?: năm {YEAR})?(?!\d)"),
    # (13/1): a bracketed date after "hôm nay", "tối qua"...
    re.compile(r"\((?P<day>\d{1,2})/(?P<month>\d{1,2})\)"),
)
MONTH_YEAR = re.compile(rf"tháng (?P<month>\d{{1,2}})[/-]{YEAR}(?!\d)")
NEW_YEAR = re.compile(rf"[Nn]ăm mới {YEAR}")
DATED_SOURCES = ("date_line", "title_line")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    day: int
    month: int
    year: int | None


def find_dates(text: str) -> list[DateMention]:
    """Day-and-month dates in ``text``, in order, without overlaps."""
    found: list[DateMention] = []
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < d.end and d.start < m.end() for d in found):
                continue
            year = m.groupdict().get("year")
            mention = DateMention(
                m.start(),
                m.end(),
                int(m.group("day")),
                int(m.group("month")),
                int(year) if year else None,
            )
            if PartialDate.from_parts(mention.year or 2000, mention.month, mention.day):
                found.append(mention)
    return sorted(found, key=lambda d: d.start)


def text_years(text: str) -> list[tuple[int, int]]:
    """(offset, year) of explicit years that date the text's events."""
    years = [(d.start, d.year) for d in find_dates(text) if d.year]
    years += [(m.start(), int(m.group("year"))) for m in MONTH_YEAR.finditer(text)]
    years += [(m.start(), int(m.group("year"))) for m in NEW_YEAR.finditer(text)]
    return sorted(years)


@dataclass(frozen=True)
class YearContext:
    """What a date without a year can take its year from."""

    article_date: str | None
    article_date_source: str | None
    years: tuple[tuple[int, int], ...]

    def complete(self, mention: DateMention) -> tuple[PartialDate | None, str | None]:
        """The full date of ``mention`` and how its year was found."""
        if mention.year:
            return PartialDate.from_parts(mention.year, mention.month, mention.day), "explicit"
        year = self._article_year(mention.month)
        if year:
            return PartialDate.from_parts(year, mention.month, mention.day), "article_date"
        if self.years:
            before = [y for offset, y in self.years if offset <= mention.start]
            year = before[-1] if before else self.years[0][1]
            return PartialDate.from_parts(year, mention.month, mention.day), "text_year"
        return None, None

    def _article_year(self, month: int) -> int | None:
        if not self.article_date or self.article_date_source not in DATED_SOURCES:
            return None
        year, published_month = int(self.article_date[:4]), int(self.article_date[5:7] or 0)
        # An event in December reported in January happened the year before.
        return year - 1 if published_month and month > published_month + 1 else year
