"""Publication dates as pages print them: ``06/01/2012``, ``28-03-2022``,
``25/10/2012 08:54``, ``12:00, 26/10/2014``, and the ``date YYYY-MM`` page prefix."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

DAY_MONTH_YEAR = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})\s*[/.-]\s*(?P<month>\d{1,2})\s*[/.-]\s*(?P<year>(?:19|20)\d{2})(?!\d)"
)
TIME = r"\d{1,2}[:h]\d{2}(?::\d{2})?"
DATE_LABEL = (
    r"(?:(?:Cập nhật|Ngày đăng|Đăng lúc|Đăng ngày|Thời gian|Xuất bản)(?: lúc| ngày)?\s*:?\s*)?"
)
DATE_LINE = re.compile(
    rf"^{DATE_LABEL}(?:{TIME}\s*[,|]?\s*)?(?:[\w ]+,\s*)?{DAY_MONTH_YEAR.pattern}"
    rf"(?:\s*[-|,]?\s*{TIME})?(?:\s*\(GMT[+-]\d+\))?$"
)
TRAILING_DATE = re.compile(rf"\s+{DAY_MONTH_YEAR.pattern}(?:\s+{TIME})?$")
PAGE_PREFIX = re.compile(r"^\s*date (?P<iso>\d{4}(?:-\d{2}){0,2})\s")


@dataclass(frozen=True)
class PartialDate:
    """An ISO prefix (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) and its precision."""

    iso: str
    precision: str

    @classmethod
    def from_parts(cls, year: int | None, month: int | None = None, day: int | None = None):
        if year is None or not valid(year, month, day):
            return None
        if month is None:
            return cls(f"{year:04d}", "year")
        if day is None:
            return cls(f"{year:04d}-{month:02d}", "month")
        return cls(f"{year:04d}-{month:02d}-{day:02d}", "day")

    @classmethod
    def from_iso(cls, iso: str):
        parts = [int(p) for p in iso.split("-")]
        return cls.from_parts(*parts)


def valid(year: int, month: int | None, day: int | None) -> bool:
    """A real calendar date (29 February only in leap years), years 1900–2100."""
    if not 1900 <= year <= 2100:
        return False
    if month is None:
        return day is None
    if not 1 <= month <= 12:
        return False
    return day is None or 1 <= day <= calendar.monthrange(year, month)[1]


def date_line(line: str) -> PartialDate | None:
    """The date of a line that holds only a date (and maybe a time)."""
    match = DATE_LINE.match(line.strip())
    return _from_match(match) if match else None


def trailing_date(line: str) -> tuple[str, PartialDate] | None:
    """Split ``Title 16/01/2026 17:58`` into the title and its date."""
    match = TRAILING_DATE.search(line.strip())
    date = _from_match(match) if match else None
    if date is None:
        return None
    return line.strip()[: match.start()].strip(), date


def page_prefix(text: str) -> tuple[PartialDate, int] | None:
    """The `` date YYYY-MM`` prefix some scrapes carry, and where the text after it starts."""
    match = PAGE_PREFIX.match(text)
    if not match:
        return None
    date = PartialDate.from_iso(match.group("iso"))
    return (date, match.end()) if date else None


def _from_match(match: re.Match[str]) -> PartialDate | None:
    return PartialDate.from_parts(
        int(match.group("year")), int(match.group("month")), int(match.group("day"))
    )
