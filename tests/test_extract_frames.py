"""The naming frames and meeting shapes the extraction issue lists, one sentence each.

The seeds and dev corpus test these on whole articles (test_extract, test_evaluate); here
each rule is pinned on its own so a regression names the rule it broke.
"""

import pytest

from archive.extract import extract_facts
from archive.parse import parse_article
from archive.read import SourceText
from archive.resolve import person_record, resolve_facts
from archive.vietnamese import normalise


def extract(text: str):
    source = SourceText(
        path="frame.txt", sha256="", raw=text, text=normalise(text), encoding="utf-8"
    )
    return resolve_facts(extract_facts(parse_article(source))).facts


def people(text: str) -> dict:
    return {p.name: p for p in extract(text).persons}


@pytest.mark.parametrize(
    ("text", "name", "country", "post"),
    [
        (
            "Thượng tướng Tô Lâm, Ủy viên Bộ Chính trị, Bộ trưởng Bộ Công an phát biểu.",
            "Tô Lâm",
            "VN",
            ("Bộ trưởng", "Bộ Công an Việt Nam"),
        ),
        (
            "Bộ trưởng Bộ Công an Trung Quốc Quách Thanh Côn phát biểu.",
            "Quách Thanh Côn",
            "CN",
            ("Bộ trưởng", "Bộ Công an Trung Quốc"),
        ),
        (
            "Tổng Bí thư, Chủ tịch nước Tập Cận Bình gửi lời chúc.",
            "Tập Cận Bình",
            "CN",
            ("Chủ tịch nước", None),
        ),
        (
            "Ông Hùng Ba, Đại sứ Trung Quốc tại Việt Nam, dự buổi lễ.",
            "Hùng Ba",
            "CN",
            ("Đại sứ", None),
        ),
        (
            "Dự buổi làm việc có Đại tá Nguyễn Văn Bình – Phó Giám đốc Công an tỉnh Lạng Sơn.",
            "Nguyễn Văn Bình",
            "VN",
            ("Phó Giám đốc", "Công an tỉnh Lạng Sơn"),
        ),
    ],
)
def test_naming_frames(text, name, country, post):
    found = people(text)
    assert name in found
    assert found[name].country == country
    assert post in [(p.title, p.organisation) for p in found[name].posts]


def test_short_form_after_full_name_is_the_same_person():
    found = people("Bộ trưởng Quách Thanh Côn đến Hà Nội. Ông Quách cảm ơn phía Việt Nam.")
    assert list(found) == ["Quách Thanh Côn"] and found["Quách Thanh Côn"].mentions == 2


def test_organisation_words_are_not_names():
    found = people("Thứ trưởng Lê Quốc Hùng tiếp Đoàn Cục Bảo vệ An ninh Nội địa.")
    assert list(found) == ["Lê Quốc Hùng"]


@pytest.mark.parametrize(
    ("text", "kind", "date"),
    [
        (
            "Sáng 12/3/2023, Đại tướng Tô Lâm đã điện đàm với Bộ trưởng Bộ Công an Trung Quốc "
            "Vương Tiểu Hồng.",
            "call",
            "2023-03-12",
        ),
        (
            "Chiều 5/9/2023, Thủ tướng Phạm Minh Chính tiếp Bộ trưởng Bộ Công an Trung Quốc "
            "Vương Tiểu Hồng.",
            "reception",
            "2023-09-05",
        ),
        (
            "Ngày 13 tháng 1 năm 2017, Bộ trưởng Tô Lâm hội kiến Bộ trưởng Bộ An ninh Quốc gia "
            "Trung Quốc Trần Văn Thanh.",
            "meeting",
            "2017-01-13",
        ),
        (
            "Từ ngày 12 đến 16/9/2023, Bộ trưởng Lương Tam Quang và Bộ trưởng Vương Tiểu Hồng đồng "
            "chủ trì Hội nghị.",
            "conference",
            "2023-09-12",
        ),
    ],
)
def test_meeting_kinds_and_dates(text, kind, date):
    (meeting,) = extract(text).meetings
    assert (meeting.kind, meeting.date) == (kind, date)
    assert len(meeting.participants) == 2


def test_plans_and_citations_are_not_meetings():
    assert (
        extract("Bộ trưởng Tô Lâm sẽ hội đàm với Bộ trưởng Vương Tiểu Hồng vào tháng tới.").meetings
        == []
    )
    assert (
        extract(
            "Kết quả hội đàm giữa Tổng Bí thư Nguyễn Phú Trọng với Tổng Bí thư Tập Cận "
            "Bình là định hướng lớn."
        ).meetings
        == []
    )


def test_one_sentence_two_encounters_share_the_subject():
    (courtesy, meeting) = extract(
        "Bộ trưởng Tô Lâm đã chào xã giao Chủ tịch Quốc hội Trung Quốc Lật Chiến Thư; hội kiến "
        "Bí thư Ủy ban Chính pháp Trung ương Trung Quốc Quách Thanh Côn."
    ).meetings
    assert courtesy.kind == "courtesy_call"
    assert {p.name for p in courtesy.participants} == {"Tô Lâm", "Lật Chiến Thư"}
    assert {p.name for p in meeting.participants} == {"Tô Lâm", "Quách Thanh Côn"}


def test_attendance_sentence_adds_participants():
    (reception,) = extract(
        "Chiều 19/2, Tổng Bí thư Nguyễn Phú Trọng đã tiếp Bộ trưởng Bộ Công an Trung Quốc "
        "Triệu Khắc Chí. Cùng dự có Đại tướng Tô Lâm, Bộ trưởng Bộ Công an."
    ).meetings
    roles = {p.name: p.role for p in reception.participants}
    assert roles == {"Nguyễn Phú Trọng": "host", "Triệu Khắc Chí": "guest", "Tô Lâm": "participant"}


def test_a_framing_clause_ends_at_its_comma():
    (meeting,) = extract(
        "Nhân dịp sang dự Hội nghị, Thứ trưởng Lê Quốc Hùng đã có cuộc gặp với ông Lưu Chiêu, "
        "Thứ trưởng Bộ Công an Trung Quốc."
    ).meetings
    assert {p.name for p in meeting.participants} == {"Lê Quốc Hùng", "Lưu Chiêu"}


def test_places_named_after_people_are_not_people():
    found = people(
        "Tại Thành phố Hồ Chí Minh, Thượng tướng Trần Quốc Tỏ làm việc với Công an "
        "thành phố Vũ Hán."
    )
    assert list(found) == ["Trần Quốc Tỏ"]


def test_pinyin_spelling_resolves_to_the_sino_vietnamese_name():
    found = people("Bộ trưởng Bộ Công an Trung Quốc Wang Xiaohong phát biểu tại hội nghị.")
    person = found["Vương Tiểu Hồng"]
    assert (person.surface, person.country) == ("Wang Xiaohong", "CN")
    record = person_record("Wang Xiaohong", None)
    assert (record.name, record.name_zh) == ("Vương Tiểu Hồng", "王小洪")
