"""Issue 9's classes of extraction error, one rule per test, on sentences written for them.

Every test runs with the known-people list switched off (extraction must hold without it),
so a name, a country or a meeting here comes from the language alone; a few tests check
that the list, when on, only adds to that.
"""

import pytest

from archive.evaluate import known_people_switch
from archive.extract import extract_facts
from archive.parse import parse_article
from archive.read import SourceText
from archive.resolve import resolve_facts
from archive.vietnamese import normalise


@pytest.fixture(autouse=True)
def without_known_people():
    with known_people_switch(False):
        yield


def extract(text: str, *, dated: str | None = None):
    """Facts of a text; ``dated`` puts a page date line (DD/MM/YYYY) above it."""
    body = f"Tin tức\n\n{dated}\n\n{text}" if dated else text
    source = SourceText(
        path="rule.txt", sha256="", raw=body, text=normalise(body), encoding="utf-8"
    )
    return resolve_facts(extract_facts(parse_article(source))).facts


def people(text: str) -> dict:
    return {p.name: p for p in extract(text).persons}


def pairs(meeting) -> set[str]:
    return {p.name for p in meeting.participants}


# 1. Names the family-name list does not cover: the frame makes them people.
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Lực lượng chức năng đã bắt giữ đối tượng Sùng A Chơ cùng 2 kg ma túy.", "Sùng A Chơ"),
        ("Bị can Hờ Thị Máy khai nhận đã nhiều lần đưa phụ nữ qua biên giới.", "Hờ Thị Máy"),
        ("Các đối tượng gồm: Chảo Mùi Mủi, Giàng Seo Giàng đã bị bắt.", "Chảo Mùi Mủi"),
        ("Các đối tượng gồm: Chảo Mùi Mủi, Giàng Seo Giàng đã bị bắt.", "Giàng Seo Giàng"),
        ("Cảnh sát đã bắt Tráng A Lử (sinh năm 1990, trú tại bản Nậm Hạ).", "Tráng A Lử"),
        (
            "Đại tá Khăm Khăn Vi Lay Suc, Giám đốc Sở An ninh tỉnh, phát biểu.",
            "Khăm Khăn Vi Lay Suc",
        ),
        ("Thiếu tướng En Ùn A Nông Nút, Cục trưởng, dự buổi lễ.", "En Ùn A Nông Nút"),
        ("Trợ lý Bộ trưởng Bộ Công an Trung Quốc CAI KAIHUA cho biết.", "CAI KAIHUA"),
        ("Ông Du Rong Ming, Phó Giám đốc Sở Công an tỉnh Vân Nam, phát biểu.", "Du Rong Ming"),
        ("Đối tượng Huang Zhuliang (SN 1975, quốc tịch Trung Quốc) bị bắt.", "Huang Zhuliang"),
        ("Thiếu tướng Bor Tơnicốp A.V, Phó Tư lệnh, đến thăm đơn vị.", "Bor Tơnicốp A.V"),
        ("Đại sứ Nhật Bản Tsuyuki Yasuhiro đã đến chào từ biệt.", "Tsuyuki Yasuhiro"),
        ("Ngoại trưởng Australia Julie Bishop đã đến Hà Nội.", "Julie Bishop"),
        ("Thủ tướng V. Putin đã phát biểu tại cuộc gặp.", "V. Putin"),
    ],
)
def test_a_frame_makes_any_name_shape_a_person(text, name):
    assert name in people(text)


def test_an_anonymised_name_is_no_person():
    assert people("Chị Vàng Thị Ch. và chị Sùng Thị X. đã được giải cứu.") == {}


# 2. A place or an ordinary word inside a name does not cut it.
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Phó Thủ tướng Trương Hòa Bình tiếp Đại sứ Trung Quốc Hùng Ba.", "Trương Hòa Bình"),
        ("Đại tá Lê Hồng Hà, Phó Giám đốc Công an tỉnh, phát biểu.", "Lê Hồng Hà"),
        ("Ông Nguyễn Văn Viện (54 tuổi), Cục trưởng, được thăng hàm.", "Nguyễn Văn Viện"),
    ],
)
def test_a_place_or_word_inside_a_name_stays(text, name):
    assert name in people(text)


def test_a_unit_before_a_place_is_the_place():
    assert "Châu Văn Sơn" not in people("Ban Thường vụ Nhân đại Châu Văn Sơn tiếp đoàn.")


# 3. Honorifics and country words glued to names; one person however spelled.
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Ngài Samdech Krolahom Sar Kheng, Phó Thủ tướng Campuchia, phát biểu.", "Sar Kheng"),
        ("Thủ tướng Malaysia Datuk Seri Anwar Ibrahim tiếp đoàn.", "Anwar Ibrahim"),
        ("Chủ tịch QH Trương Đức Giang dự tiệc.", "Trương Đức Giang"),
    ],
)
def test_honorifics_and_country_words_are_not_part_of_the_name(text, name):
    assert list(people(text)) == [name]


def test_a_country_and_honorific_before_one_word_is_no_name():
    assert people("Thủ tướng Malaysia Datuk Seri Anwar phát biểu tại hội nghị.") == {}


def test_one_person_spelled_two_ways_is_one_person():
    found = people(
        "Đại tướng Vilay Lakhamphon, Bộ trưởng Bộ Công an Lào, đón đoàn. "
        "Bộ trưởng Vilay Lakhamphong phát biểu. "
        "Ông Patrushev Nikolai Patrushev và Thư ký Nicolai Patrushev dự buổi tiếp."
    )
    assert set(found) == {"Vilay Lakhamphong", "Nikolai Patrushev"} or set(found) == {
        "Vilay Lakhamphong",
        "Nicolai Patrushev",
    }
    assert found["Vilay Lakhamphong"].alt_names == ["Vilay Lakhamphon"]


@pytest.mark.parametrize(
    "text",
    [
        "Bộ trưởng Bộ Công an Trung Quốc Vương Tiểu Hồng (Wang Xiaohong) phát biểu.",
        "Bộ trưởng Bộ Công an Trung Quốc Wang Xiaohong (Vương Tiểu Hồng) phát biểu.",
    ],
)
def test_a_spelling_in_brackets_is_the_same_person_named_in_sino_vietnamese(text):
    found = people(text)
    assert list(found) == ["Vương Tiểu Hồng"]
    assert found["Vương Tiểu Hồng"].alt_names == ["Wang Xiaohong"]


# 4. Country from the post's body, the delegation, the side, or unknown: never a guess.
@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Thứ trưởng Bộ Công an Trung Quốc Lưu Minh Khải phát biểu.", "Lưu Minh Khải", "CN"),
        (
            "Đoàn đại biểu Công an tỉnh Vân Nam, Trung Quốc do ông Lý Đại Hải làm Trưởng đoàn "
            "đã đến Lào Cai.",
            "Lý Đại Hải",
            "CN",
        ),
        ("Về phía Trung Quốc có ông Trần Minh Đức, Phó Chủ nhiệm.", "Trần Minh Đức", "CN"),
        (
            "Ông Hoàng Văn Lâm (sinh năm 1980, trú tại xã Bản Lầu, huyện Mường Khương) bị bắt.",
            "Hoàng Văn Lâm",
            "VN",
        ),
        ("Phó Thị trưởng thành phố Sùng Tả Ngô Quốc Bình tiếp đoàn.", "Ngô Quốc Bình", "CN"),
        ("Ông Phạm Văn Quý, Cục trưởng Cục Cảnh sát giao thông, phát biểu.", "Phạm Văn Quý", "VN"),
        ("Ông Trịnh Quang Hải phát biểu tại buổi lễ.", "Trịnh Quang Hải", None),
    ],
)
def test_country_comes_from_the_frame_or_stays_unknown(text, name, country):
    assert people(text)[name].country == country


def test_who_accompanies_someone_is_on_their_side():
    found = people(
        "Thứ trưởng Bộ Công an Đặng Văn Hùng đã tháp tùng Thủ tướng Lê Văn Tám thăm Bắc Kinh."
    )
    assert found["Lê Văn Tám"].country == "VN"


def test_the_same_post_without_a_foreign_country_is_held_at_home():
    found = people("Thứ trưởng Ngô Văn Nhân và Thứ trưởng Bộ Công an Trung Quốc Lưu Chí Cường.")
    assert (found["Ngô Văn Nhân"].country, found["Lưu Chí Cường"].country) == ("VN", "CN")


# 5. One meeting per encounter.
def test_a_call_on_three_leaders_is_three_meetings_each_with_the_visitor():
    meetings = extract(
        "Ngày 5/3/2024, Bộ trưởng Bộ Công an Việt Nam Lê Văn Quang đã hội kiến Tổng Bí thư "
        "Trung Quốc Hà Minh Đạo, Chủ tịch nước Trung Quốc Tôn Gia Hòa và Thủ tướng Trung Quốc "
        "Lý Tân Dân."
    ).meetings
    assert [pairs(m) for m in meetings] == [
        {"Lê Văn Quang", "Hà Minh Đạo"},
        {"Lê Văn Quang", "Tôn Gia Hòa"},
        {"Lê Văn Quang", "Lý Tân Dân"},
    ]
    assert all(m.date == "2024-03-05" for m in meetings)


def test_two_verbs_with_their_own_people_are_two_encounters():
    meetings = extract(
        "Ngày 24/10/2015, Bộ trưởng Bộ Công an Việt Nam Hồ Văn Kiên đã hội kiến ông Mã Quang "
        "Vinh, Bí thư Ủy ban Chính pháp Trung ương, và sau đó hội đàm với Bộ trưởng Bộ Công "
        "an Trung Quốc Chu Văn Kiệt."
    ).meetings
    assert [(m.kind, pairs(m)) for m in meetings] == [
        ("meeting", {"Hồ Văn Kiên", "Mã Quang Vinh"}),
        ("talks", {"Hồ Văn Kiên", "Chu Văn Kiệt"}),
    ]


def test_receptions_told_as_another_and_guests_of_several_countries_are_apart():
    meetings = extract(
        "Ngày 12/2/2026, Thứ trưởng Bộ Công an Nguyễn Văn Lực đã tiếp bà Gillian Bird, Đại sứ "
        "Australia tại Việt Nam. Cùng ngày, Thứ trưởng Nguyễn Văn Lực cũng đã tiếp ông Marc "
        "Knapper, Đại sứ Hoa Kỳ tại Việt Nam và ông Ito Naoki, Đại sứ Nhật Bản."
    ).meetings
    assert [pairs(m) for m in meetings] == [
        {"Nguyễn Văn Lực", "Gillian Bird"},
        {"Nguyễn Văn Lực", "Marc Knapper"},
        {"Nguyễn Văn Lực", "Ito Naoki"},
    ]
    assert {m.date for m in meetings} == {"2026-02-12"}


def test_a_later_sentence_about_the_same_talks_folds_into_them():
    (talks,) = extract(
        f"Ngày 3/4/2024, {MEETING}. Tại hội đàm, Bộ trưởng Lê Quốc Toản và Thứ trưởng Trần Văn "
        "Minh đã hội đàm cởi mở với phía Trung Quốc."
    ).meetings
    assert pairs(talks) == {"Lê Quốc Toản", "Trương Kiến Quốc", "Trần Văn Minh"}


def test_a_three_plus_three_dialogue_is_one_meeting_with_everyone_once():
    (dialogue,) = extract(
        "Ngày 9/9/2023, Bộ trưởng Bộ Công an Lê Minh An, Bộ trưởng Bộ Quốc phòng Trần Văn "
        "Bảo và Bộ trưởng Bộ Ngoại giao Phạm Quốc Cường đã đối thoại với Bộ trưởng Bộ Công "
        "an Trung Quốc Hạ Vĩnh Xương, Bộ trưởng Bộ Quốc phòng Trung Quốc Đổng Gia Vỹ và Bộ "
        "trưởng Bộ Ngoại giao Trung Quốc Chương Thừa Chí. Tại cuộc đối thoại, Bộ trưởng Lê "
        "Minh An đánh giá cao kết quả hợp tác."
    ).meetings
    assert dialogue.kind == "dialogue" and len(dialogue.participants) == 6
    assert len(pairs(dialogue)) == 6


# 6. Kind from the main encounter verb.
@pytest.mark.parametrize(
    ("verb", "kind"),
    [
        ("đã điện đàm với", "call"),
        ("đã hội đàm trực tuyến với", "call"),
        ("đã đối thoại với", "dialogue"),
        ("đã chào xã giao", "courtesy_call"),
        ("đã hội đàm với", "talks"),
        ("đã tiếp", "reception"),
        ("và đồng chủ trì hội nghị với", "conference"),
    ],
)
def test_kind_comes_from_the_encounter_verb(verb, kind):
    (meeting,) = extract(
        f"Ngày 3/4/2024, Bộ trưởng Bộ Công an Việt Nam Lê Quốc Toản {verb} Bộ trưởng Bộ Công "
        "an Trung Quốc Trương Kiến Quốc."
    ).meetings
    assert meeting.kind == kind


def test_an_incidental_word_does_not_decide_the_kind():
    meetings = extract(
        "Ngày 3/4/2024, Thứ trưởng Bộ Công an Việt Nam Lê Quốc Toản đã hội đàm với Thứ trưởng "
        "Bộ Công an Trung Quốc Trương Kiến Quốc. Sau buổi tiếp, hai bên ký biên bản."
    ).meetings
    assert [m.kind for m in meetings][0] == "talks"


# 7. Meetings reported in the delegation frame.
def test_two_delegation_heads_meet_when_the_encounter_names_no_one():
    (talks,) = extract(
        "Đoàn đại biểu Việt Nam do Thiếu tướng Nguyễn Đức Mạnh, Cục trưởng Cục Cảnh sát hình "
        "sự làm Trưởng đoàn; Đoàn đại biểu Trung Quốc do ông Vương Kiến Bình, Phó Cục trưởng "
        "Cục Hình sự Bộ Công an Trung Quốc làm Trưởng đoàn. Hai đoàn đã hội đàm tại Hà Khẩu."
    ).meetings
    assert talks.kind == "talks" and pairs(talks) == {"Nguyễn Đức Mạnh", "Vương Kiến Bình"}


def test_the_head_named_by_trưởng_đoàn_là_takes_part():
    (talks,) = extract(
        "Về phía Việt Nam, Đại tá Nguyễn Văn Đông, Chỉ huy trưởng Bộ đội Biên phòng tỉnh Lào "
        "Cai làm trưởng đoàn. Về phía Trung Quốc Trưởng đoàn là ông Lục Hải Minh, Tổng trạm "
        "trưởng Tổng trạm Kiểm tra Biên phòng tỉnh Vân Nam. Tại buổi hội đàm, hai bên nhất trí "
        "tăng cường tuần tra chung."
    ).meetings
    assert pairs(talks) == {"Nguyễn Văn Đông", "Lục Hải Minh"}


def test_hosting_the_reception_of_a_delegation_is_a_reception_with_its_head():
    (meeting,) = extract(
        "Sáng 12/6/2024, Đại tá Hoàng Văn Minh, Giám đốc Công an tỉnh Cao Bằng chủ trì buổi đón "
        "tiếp và làm việc với đoàn công tác Sở Công an Quảng Tây, Trung Quốc do ông Lương Chí "
        "Quân, Phó Giám đốc Sở làm trưởng đoàn."
    ).meetings
    assert meeting.kind == "reception"
    assert {(p.name, p.side) for p in meeting.participants} == {
        ("Hoàng Văn Minh", "VN"),
        ("Lương Chí Quân", "CN"),
    }


def test_hosting_the_welcome_and_talks_is_talks_and_attendance_extends_it():
    (talks,) = extract(
        "Chiều 15/5/2025, tại Hà Nội, Đại tướng Lê Minh Sơn, Bộ trưởng Bộ Công an đã chủ trì "
        "lễ đón và hội đàm với Đại tướng Khăm Phăn Phôm Ma Vông, Bộ trưởng Bộ Công an Lào nhân "
        "dịp chuyến thăm chính thức Việt Nam. Tham dự hội đàm, về phía Bộ Công an Việt Nam có "
        "Thượng tướng Nguyễn Văn Hải, Thứ trưởng Bộ Công an. Tại hội đàm, hai bên thống nhất "
        "phối hợp phòng, chống ma túy."
    ).meetings
    assert talks.kind == "talks"
    assert pairs(talks) == {"Lê Minh Sơn", "Khăm Phăn Phôm Ma Vông", "Nguyễn Văn Hải"}
    assert {t.slug for t in talks.topics} == {"drug_crime"}


def test_a_lower_case_word_ends_a_body_name_a_capitalised_one_does_not():
    found = people(
        "Đại tướng Khăm Phăn Phôm Ma Vông, Bộ trưởng Bộ Công an Lào nhân dịp thăm Việt Nam. "
        "Ông Lưu Vĩnh Nghị, Chủ nhiệm Ủy ban Thường vụ Nhân đại châu Văn Sơn, phát biểu."
    )
    assert [p.organisation for p in found["Khăm Phăn Phôm Ma Vông"].posts] == ["Bộ Công an Lào"]
    assert found["Lưu Vĩnh Nghị"].country == "CN"


def test_the_suspect_handed_over_is_no_participant():
    (handover,) = extract(
        "Ngày 12/3/2024, tại cửa khẩu Móng Cái, Công an tỉnh Quảng Ninh đã tiếp nhận đối tượng "
        "truy nã Trần Văn Tú (SN 1985) do Cục Công an thành phố Đông Hưng bàn giao. Tham dự buổi "
        "bàn giao, về phía Việt Nam có Đại tá Phạm Văn Sơn, Phó Giám đốc Công an tỉnh Quảng Ninh; "
        "về phía Trung Quốc có ông Hoàng Chí Cường, Phó Cục trưởng Cục Công an thành phố Đông Hưng."
    ).meetings
    assert handover.kind == "other"
    assert pairs(handover) == {"Phạm Văn Sơn", "Hoàng Chí Cường"}


def test_a_caption_line_names_who_met():
    (meeting,) = extract(
        "Phát biểu tại buổi làm việc, Thứ trưởng Lê Quang Huy bày tỏ vui mừng.\n\n"
        "Thứ trưởng Lê Quang Huy và đồng chí Mạc Chí Viễn.\n\nHai bên nhất trí tăng cường hợp tác."
    ).meetings
    assert pairs(meeting) == {"Lê Quang Huy", "Mạc Chí Viễn"}


# 8. The year the text gives for this event, with its basis; else day and month only.
MEETING = (
    "Bộ trưởng Bộ Công an Việt Nam Lê Quốc Toản đã hội đàm với Bộ trưởng Bộ Công an Trung "
    "Quốc Trương Kiến Quốc"
)


@pytest.mark.parametrize(
    ("text", "dated", "date", "basis", "month_day"),
    [
        (
            f"Sáng 19/8, {MEETING} nhân dịp kỷ niệm năm 2025.",
            None,
            "2025-08-19",
            "same_sentence",
            None,
        ),
        (
            f"Sáng 19/8, {MEETING}. Hai bên ký biên bản ngày 19/8/2024.",
            None,
            "2024-08-19",
            "same_date_elsewhere",
            None,
        ),
        (f"Sáng 19/8, {MEETING}.", "20/08/2025", "2025-08-19", "report_date", None),
        (f"Sáng 19/8, {MEETING}.", None, None, None, "08-19"),
        (
            f"Sáng 19/8, {MEETING}. Chuyến thăm trước (tháng 8/2024) rất thành công.",
            None,
            None,
            None,
            "08-19",
        ),
        (
            f"Sáng 19/8, {MEETING}. Hiệp định ký năm 2001 vẫn còn hiệu lực.",
            None,
            None,
            None,
            "08-19",
        ),
        (f"Ngày 30/12, {MEETING}.", "02/01/2026", "2025-12-30", "report_date", None),
    ],
)
def test_the_year_of_a_date_without_one(text, dated, date, basis, month_day):
    (meeting,) = extract(text, dated=dated).meetings
    assert (meeting.date, meeting.date_basis, meeting.month_day) == (date, basis, month_day)


def test_an_event_told_against_the_one_before_shares_its_year():
    call, reception = extract(
        f"Tối 20/4/2022, {MEETING}. Trước đó, ngày 18/4, Thứ trưởng Lương Văn Tâm đã tiếp Đại "
        "sứ Trung Quốc tại Việt Nam Hùng Ba."
    ).meetings
    assert (reception.date, reception.date_basis) == ("2022-04-18", "sequence")


def test_a_page_timestamp_after_a_label_and_a_bar_dates_the_report():
    (meeting,) = extract(f"Cập nhật: 10:25 | 14/09/2023\n\nHôm qua (13/9), {MEETING}.").meetings
    assert (meeting.date, meeting.date_basis) == ("2023-09-13", "report_date")


def test_sáng_nay_and_hôm_qua_are_the_report_day_and_the_day_before():
    today, yesterday = extract(
        f"Sáng nay, {MEETING}. Hôm qua, Thứ trưởng Lê Văn Minh đã tiếp Đại sứ Trung Quốc Hùng Ba.",
        dated="14/09/2023",
    ).meetings
    assert (today.date, yesterday.date) == ("2023-09-14", "2023-09-13")
    assert yesterday.date_basis == "report_date, yesterday"


def test_tiếp_đó_is_next_not_a_reception():
    first, second = extract(
        f"Ngày 13/9/2023, {MEETING}. Tiếp đó, Bộ trưởng Lê Quốc Toản đã gặp Phó Bộ trưởng Bộ "
        "Công an Trung Quốc Hứa Cam Lộ."
    ).meetings
    assert (second.kind, pairs(second)) == ("meeting", {"Lê Quốc Toản", "Hứa Cam Lộ"})


def test_a_page_timestamp_dates_the_report_not_the_event():
    (meeting,) = extract(f"Bộ trưởng tiếp khách 14/02/2026 12:54\n\nNgày 13-2, {MEETING}.").meetings
    assert (meeting.date, meeting.date_basis) == ("2026-02-13", "report_date")


def test_an_anniversary_span_dates_nothing():
    facts = extract(
        f"Kỷ niệm 80 năm Ngày truyền thống (19/8/1945-19/8/2025). Sáng 18/8, {MEETING}."
    )
    (meeting,) = facts.meetings
    assert (meeting.date, meeting.month_day) == (None, "08-18")


# 9. Topics per meeting, each with its evidence.
def test_each_meeting_has_the_topics_of_its_own_sentences():
    first, second = extract(
        "Ngày 3/4/2024, Bộ trưởng Bộ Công an Việt Nam Lê Quốc Toản đã hội đàm với Bộ trưởng Bộ "
        "Công an Trung Quốc Trương Kiến Quốc. Hai bên thống nhất phối hợp phòng, chống ma túy. "
        "Ngày 4/4/2024, Bộ trưởng Lê Quốc Toản đã hội kiến Thủ tướng Trung Quốc Lý Tân Dân. "
        "Hai bên bàn về phòng, chống tội phạm mua bán người."
    ).meetings
    assert {t.slug for t in first.topics} == {"drug_crime"}
    assert {t.slug for t in second.topics} == {"human_trafficking"}
    assert all("ma túy" in t.span.sentence for t in first.topics)
