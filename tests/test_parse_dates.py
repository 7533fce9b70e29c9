"""Publication-date lines as Vietnamese sites print them (the seeds and dev corpus show the
first four; the labelled forms are the other common shapes)."""

import pytest

from archive.parse.dates import date_line, page_prefix, trailing_date


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("06/01/2012", "2012-01-06"),
        ("25/10/2012 08:54", "2012-10-25"),
        ("Thứ Năm, 01/06/2023 10:43", "2023-06-01"),
        ("12:00, 26/10/2014", "2014-10-26"),
        ("28-03-2022", "2022-03-28"),
        ("Cập nhật: 10:30 12/05/2023", "2023-05-12"),
        ("Thứ hai, 12/5/2023 - 10:30 (GMT+7)", "2023-05-12"),
        ("Ngày đăng: 12/05/2023 | 10:30", "2023-05-12"),
    ],
)
def test_date_lines(line, iso):
    assert date_line(line).iso == iso


@pytest.mark.parametrize(
    "line", ["Chiều 5/1/2012, đoàn đã tiếp kiến", "31/02/2020", "29/02/2023", "29/02/1900", "Top"]
)
def test_not_date_lines(line):
    assert date_line(line) is None


def test_title_with_trailing_date():
    title, date = trailing_date("Thứ trưởng tiếp Đại sứ Trung Quốc Hà Vĩ 16/01/2026 17:58")
    assert (title, date.iso) == ("Thứ trưởng tiếp Đại sứ Trung Quốc Hà Vĩ", "2026-01-16")


def test_page_prefix_has_month_precision():
    date, start = page_prefix(" date 2024-08 Thượng tướng")
    assert (date.iso, date.precision, start) == ("2024-08", "month", 14)


@pytest.mark.parametrize(
    ("line", "iso"), [("29/02/2024", "2024-02-29"), ("29/02/2000", "2000-02-29")]
)
def test_29_february_only_in_leap_years(line, iso):
    assert date_line(line).iso == iso
    assert date_line(line.replace("29/02", "30/02")) is None
