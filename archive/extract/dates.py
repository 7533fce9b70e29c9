"""Event dates in running text, and the year a date without one takes.

Shapes: ``06/01/2012``, ``ngày 13/1``, ``Chiều 16/4``, ``sáng 5/1/2012``, ``từ ngày 4-7/1/2012``,
``từ ngày 12 đến 16/9/2023``, ``Ngày 26-10``, ``Sáng 16-1-2026``, ``19/8 năm 2025``, ``ngày 5
tháng 9 năm 2025``, and ranges across months (``Từ ngày 29.8 – 2.9``).

Not event dates: a page's timestamp (``14/02/2026 12:54``, ``14:59, 03/09/2023``), which dates
the report itself, and an anniversary span (``19/8/1945-19/8/2025``), which dates nothing.

A date without a year takes it, in this order, from: a year written with it; a full date
elsewhere in the text with the same day and month (the same event); the report's own date
(its date line, title line or timestamp; an event in December reported in January is the
year before). A year mentioned for something else (``chuyến thăm ... (tháng 8/2024)``, ``ký
năm 2001``) never dates an event, nor does the `` date YYYY-MM`` storage prefix; with none
of these the date keeps its day and month and no year. Every inferred year names its basis.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

from archive.extract.text import Covered
from archive.parse.dates import PartialDate

# Alternatives spelled out (``Ngày|ngày``, not ``[Nn]gày``) and patterns that begin with a
# character, not an assertion or an optional part: the regex engine then skips to where such
# a character stands instead of trying every position of the text.
TIME_OF_DAY = (
    "(?:Ngày|ngày|Sáng|sáng|Chiều|chiều|Tối|tối|Trưa|trưa|Hôm|hôm|Đêm|đêm|Rạng sáng|rạng sáng)"
)
YEAR = r"(?P<year>(?:19|20)\d{2})"
YEAR_AFTER = rf"(?:[/-]{YEAR}|\s+năm\s+{YEAR})?"
CLOCK_REST = r"\d?[:h]\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?"  # after its first digit
CLOCK = rf"\d{CLOCK_REST}"
DATE_PATTERNS = (
    # từ ngày 12 đến 16/9/2023, từ ngày 4-7/1/2012: the first day counts
    re.compile(
        rf"(?:từ ngày|ngày) (?P<day>\d{{1,2}})\s*(?:-|đến)\s*\d{{1,2}}[/-](?P<month>\d{{1,2}})"
        rf"(?:[/-]{YEAR})?(?!\d)"
    ),
    re.compile(rf"(?P<day>\d(?<![\d/]\d)\d?)[/.-](?P<month>\d{{1,2}})[/.-]{YEAR}(?!\d)"),
    re.compile(
        rf"{TIME_OF_DAY}(?: ngày)? (?P<day>\d{{1,2}})[/.-](?P<month>\d{{1,2}})"
        rf"(?:\s+năm\s+{YEAR})?(?![\d/-])"
    ),
    # ngày 13 tháng 1 năm 2017, ngày 5 tháng 9
    re.compile(rf"[Nn]gày (?P<day>\d{{1,2}}) tháng (?P<month>\d{{1,2}})(?: năm {YEAR})?(?!\d)"),
    # (13/1): a bracketed date after "hôm nay", "tối qua"...
    re.compile(r"\((?P<day>\d{1,2})/(?P<month>\d{1,2})\)"),
)


class GatedPattern(NamedTuple):
    """A pattern and a part each of its matches holds (``needs``: one that begins with a
    character, which the engine finds fast): a text without that part is not scanned."""

    pattern: re.Pattern[str]
    needs: re.Pattern[str]

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self.needs.search(text) else iter(())


# "29.8 – 2.9", found where its first digit stands; the optional "từ ngày" before it is
# read backwards from there (the same matches as the prefix and the range as one pattern,
# which the engine would try at every position of the text).
MONTH_RANGE = re.compile(
    r"(?P<day>\d\d?)[./](?P<month>\d{1,2})\s*(?:[-–—]|đến)\s*"
    r"(?:ngày )?(?P<day2>\d{1,2})[./](?P<month2>\d{1,2})(?![\d./])"
)
MONTH_RANGE_OPENER = re.compile(r"(?:[Tt]ừ )?(?:[Nn]gày )?\Z")
MONTH_RANGE_OPENER_CHARS = len("từ ngày ")
FULL_DATE_REST = r"\d?[/.-]\d{1,2}[/.-](?:19|20)\d{2}"  # after its first digit
FULL_DATE = rf"\d{FULL_DATE_REST}"  # found by its first digit
# A time of year the text says its events fall in ("đúng vào dịp đầu Năm mới 2017"), and
# the months it covers; a year in the date's own sentence ("ngày 19/8, ... năm 2025").
TIME_FRAMES = (
    (
        re.compile(
            rf"(?:Năm mới|năm mới|Đầu năm|đầu năm|Tết(?: Nguyên đán)?|tết(?: Nguyên đán)?"
            rf"|Xuân|xuân) {YEAR}"
        ),
        (1, 3),
    ),
    (re.compile(rf"[Gg]iữa năm {YEAR}"), (5, 8)),
    (re.compile(rf"[Cc]uối năm {YEAR}"), (10, 12)),
)
# A sentence that places its event against the one told before ("Trước đó, ngày 18/4, ...")
# shares that event's year (the day before a January event may fall in December).
SEQUENCE_OPENER = re.compile(  # used with .match(): anchored where the sentence starts
    r"\W*(?:(?P<before>[Tt]rước đó|[Hh]ôm trước)|[Ss]au đó|[Tt]iếp đó|[Tt]iếp theo|"
    r"(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa)? ?cùng ngày|[Hh]ôm sau|[Nn]gày hôm sau)\b"
)
# "Sáng nay", "hôm qua": the day of the report itself, or the day before it.
RELATIVE_DAY = re.compile(
    r"(?<!\w)(?:(?P<today>(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa|[Hh]ôm|[Đđ]êm) nay)|"
    r"(?P<yesterday>[Hh]ôm qua|(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa|[Đđ]êm) qua))(?!\w)"
)
# "năm" not after a word character nor "(", a digit, "/" or "-" (checked once it is read).
SENTENCE_YEAR = re.compile(rf"năm(?<![(\d/-]năm)(?<!\wnăm) {YEAR}(?![\d)])")
# A clock time then a full date (the date is group ``a``), or a full date (the whole match)
# then a clock time; the two begin with one digit, read first, which the regex engine skips
# to. Every timestamp has a clock time: a text without one is not scanned.
TIMESTAMP = GatedPattern(
    re.compile(
        rf"\d(?:{CLOCK_REST}\s*[,|-]?\s*(?P<a>{FULL_DATE})|{FULL_DATE_REST}(?=\s*[,|-]?\s*{CLOCK}))"
    ),
    re.compile(CLOCK),
)
ANNIVERSARY = re.compile(rf"(?P<a>{FULL_DATE})\s*[-–—]\s*(?P<b>{FULL_DATE})")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    day: int
    month: int
    year: int | None
    last_month: int | None = None  # a range into another month: the day is not known

    @property
    def month_day(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class Dated:
    """A date as far as the text supports it, and how its year was found."""

    date: PartialDate | None
    basis: str | None
    month_day: str | None = None


def _timestamp_date(m: re.Match[str]) -> tuple[int, int]:
    """Where the date of a timestamp stands (the match is a date then a clock time, or a
    clock time then the date in group ``a``)."""
    return m.span("a") if m["a"] else m.span()


def _not_event_dates(text: str) -> list[tuple[int, int]]:
    """Spans of timestamps' dates and anniversary spans: no event is dated by them."""
    spans = [_timestamp_date(m) for m in TIMESTAMP.finditer(text)]
    for m in ANNIVERSARY.finditer(text):
        spans += [m.span("a"), m.span("b")]
    return spans


def _month_ranges(text: str) -> Iterator[tuple[int, re.Match[str]]]:
    """Ranges across months, each with where it starts (its "từ ngày" included)."""
    for m in MONTH_RANGE.finditer(text):
        window = max(0, m.start() - MONTH_RANGE_OPENER_CHARS)
        yield MONTH_RANGE_OPENER.search(text, window, m.start()).start(), m


@lru_cache(maxsize=16)
def find_dates(text: str) -> tuple[DateMention, ...]:
    """Day-and-month dates in ``text``, in order, without overlaps; timestamps and
    anniversary spans left out (found once per text: several stages ask)."""
    not_event, taken = Covered(0, len(text)), Covered(0, len(text))  # timestamps; dates
    for start, end in _not_event_dates(text):
        not_event.add(start, end)
    found: list[DateMention] = []
    for start, m in _month_ranges(text):
        day, month, month2 = int(m["day"]), int(m["month"]), int(m["month2"])
        if month2 != month and PartialDate.from_parts(2000, month, day):
            found.append(DateMention(start, m.end(), day, month, None, last_month=month2))
            taken.add(start, m.end())
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if not_event.overlaps(m.start(), m.end()) or taken.overlaps(m.start(), m.end()):
                continue
            year = m.groupdict().get("year")
            mention = DateMention(
                m.start(), m.end(), int(m["day"]), int(m["month"]), int(year) if year else None
            )
            if PartialDate.from_parts(mention.year or 2000, mention.month, mention.day):
                found.append(mention)
                taken.add(m.start(), m.end())
    return tuple(sorted(found, key=lambda d: d.start))


def report_date(text: str) -> PartialDate | None:
    """The report's own date from a timestamp in its text (``14/02/2026 12:54``)."""
    for m in TIMESTAMP.finditer(text):
        start, end = _timestamp_date(m)
        day, month, year = re.split(r"[/.-]", text[start:end])
        if date := PartialDate.from_parts(int(year), int(month), int(day)):
            return date
    return None


REPORT_SOURCES = ("date_line", "title_line")


@dataclass(frozen=True)
class YearContext:
    """What a date without a year can take its year from: the report's own date (never the
    storage prefix), the full dates the texts give by day and month, and the times of year
    they name; each read from the texts only once a date needs it (most dates never do)."""

    date: str | None  # the article's own date, and where it was read
    source: str | None
    texts: tuple[str, ...]

    @classmethod
    def of(cls, date: str | None, source: str | None, texts: list[str]) -> YearContext:
        return cls(date, source, tuple(texts))

    @cached_property
    def report(self) -> PartialDate | None:
        given = self.date and self.source in REPORT_SOURCES
        report = PartialDate.from_iso(self.date) if given else None
        if report is None or report.precision != "day":
            report = next(filter(None, (report_date(t) for t in self.texts)), report)
        return report

    @cached_property
    def full_dates(self) -> dict[tuple[int, int], int]:
        full: dict[tuple[int, int], int] = {}
        for text in self.texts:
            for d in find_dates(text):
                if d.year:
                    full.setdefault((d.month, d.day), d.year)
        return full

    @cached_property
    def frames(self) -> tuple[tuple[int, int, int], ...]:  # (year, first month, last month)
        return tuple(
            (int(m["year"]), *months)
            for text in self.texts
            for pattern, months in TIME_FRAMES
            for m in pattern.finditer(text)
        )

    def complete(
        self, mention: DateMention, sentence: str = "", told_before: PartialDate | None = None
    ) -> Dated:
        """The date of ``mention`` as far as the text supports it, with the basis of its
        year; ``sentence`` is the sentence the date is read in, ``told_before`` the date of
        the event the text told just before it."""
        if mention.year:
            return Dated(self._dated(mention, mention.year), "explicit")
        if year := self.full_dates.get((mention.month, mention.day)):
            return Dated(self._dated(mention, year), "same_date_elsewhere")
        if len(years := {int(m["year"]) for m in SENTENCE_YEAR.finditer(sentence)}) == 1:
            return Dated(self._dated(mention, years.pop()), "same_sentence")
        if year := self._report_year(mention.month):
            return Dated(self._dated(mention, year), "report_date")
        if year := _sequence_year(mention, sentence, told_before):
            return Dated(self._dated(mention, year), "sequence")
        if year := self._frame_year(mention.month):
            return Dated(self._dated(mention, year), "time_frame")
        return Dated(None, None, None if mention.last_month else mention.month_day)

    def relative_day(self, sentence: str) -> Dated | None:
        """The date a "sáng nay" / "hôm qua" in the sentence means, from the report's date."""
        m = RELATIVE_DAY.search(sentence)
        if m is None or self.report is None or self.report.precision != "day":
            return None
        day = datetime.date.fromisoformat(self.report.iso)
        if m.group("yesterday"):
            day -= datetime.timedelta(days=1)
        basis = "report_date, today" if m.group("today") else "report_date, yesterday"
        return Dated(PartialDate.from_parts(day.year, day.month, day.day), basis)

    def _frame_year(self, month: int) -> int | None:
        years = {year for year, first, last in self.frames if first <= month <= last}
        return years.pop() if len(years) == 1 else None

    @staticmethod
    def _dated(mention: DateMention, year: int) -> PartialDate | None:
        if mention.last_month:  # "29.8 – 2.9": only the year is certain
            return PartialDate.from_parts(year)
        return PartialDate.from_parts(year, mention.month, mention.day)

    def _report_year(self, month: int) -> int | None:
        if self.report is None or self.report.precision == "year":
            return None
        year, reported_in = int(self.report.iso[:4]), int(self.report.iso[5:7])
        # An event in December reported in January happened the year before.
        return year - 1 if month > reported_in + 1 else year


def _sequence_year(mention: DateMention, sentence: str, told: PartialDate | None) -> int | None:
    """The year of an event told against the one before it ("Trước đó, ngày 18/4")."""
    opener = SEQUENCE_OPENER.match(sentence)
    if told is None or told.precision == "year" or opener is None:
        return None
    year, month = int(told.iso[:4]), int(told.iso[5:7])
    if opener.group("before"):
        return year - 1 if mention.month > month else year
    return year + 1 if mention.month < month else year


class ArticleDates:
    """The dates of one text field, found once, looked up by position."""

    def __init__(self, text: str) -> None:
        self.mentions = find_dates(text)
        self._starts = [d.start for d in self.mentions]

    def between(self, start: int, end: int) -> list[DateMention]:
        low, high = bisect.bisect_left(self._starts, start), bisect.bisect_left(self._starts, end)
        return self.mentions[low:high]

    def last_before(self, position: int) -> DateMention | None:
        index = bisect.bisect_left(self._starts, position)
        return self.mentions[index - 1] if index else None
