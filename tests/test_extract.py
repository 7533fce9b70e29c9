"""Extraction on the real seed articles: people, posts, credits, organisations, meetings,
dates, resolution across articles, and evidence that points back to the text."""

import shutil
import sqlite3

import pytest

from archive.extract import extract_facts
from archive.extract.dates import Dated, YearContext, find_dates
from archive.parse import parse_article
from archive.read import read_source
from archive.resolve import organisation_record, resolve_facts

from .conftest import SEEDS, invoke

FIELDS_WITH_EVIDENCE = (
    "article_persons",
    "person_positions",
    "article_organisations",
    "meeting_sources",
    "meeting_participants",
    "article_topics",
)


def facts_of(name: str):
    return resolve_facts(extract_facts(parse_article(read_source(SEEDS / name))))


def rows(db, sql, *params):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tại cuộc hội đàm sáng 5/1/2012, Bộ trưởng", (5, 1, 2012)),
        ("ngày 13/1, tại thủ đô Bắc Kinh", (13, 1, None)),
        ("Chiều 16/4, tại Trụ sở", (16, 4, None)),
        ("đã thăm chính thức Trung Quốc từ ngày 4-7/1/2012.", (4, 1, 2012)),
        ("diễn ra từ ngày 12 đến 16/9/2023 tại", (12, 9, 2023)),
        ("Ngày 26-10, đoàn đại biểu", (26, 10, None)),
        ("Sáng 16-1-2026, tại Hà Nội", (16, 1, 2026)),
        ("06/01/2012", (6, 1, 2012)),
    ],
)
def test_date_shapes(text, expected):
    found = find_dates(text)
    assert found and (found[0].day, found[0].month, found[0].year) == expected


def test_a_score_is_not_a_date():
    assert not find_dates("giành chiến thắng với tỷ số 2-0")


def test_year_from_article_date_line_else_the_same_date_elsewhere_else_none():
    mention = find_dates("Ngày 24/10, tại Trụ sở")[0]
    dated = YearContext.of("2012-10-25", "date_line", [])
    assert (dated.complete(mention).date.iso, dated.complete(mention).basis) == (
        "2012-10-24",
        "report_date",
    )
    elsewhere = YearContext.of(None, None, ["Hôm 24/10/2017, hai bên đã ký."])
    assert elsewhere.complete(mention).date.iso == "2017-10-24"
    background = YearContext.of(None, None, ["Hiệp định ký năm 2001 (tháng 8/2024)."])
    assert background.complete(mention) == Dated(None, None, "10-24")
    prefix_only = YearContext.of("2024-08", "page_prefix", [])
    assert prefix_only.complete(mention) == Dated(None, None, "10-24")


def test_seed_001_meeting_takes_its_year_from_new_year_2017():
    (talks,) = facts_of("001_9c86299ff7976ae4.txt").facts.meetings
    assert (talks.kind, talks.date, talks.date_basis) == ("talks", "2017-01-13", "time_frame")
    names = {p.name for p in talks.participants}
    assert names == {"Tô Lâm", "Mạnh Kiến Trụ", "Quách Thanh Côn", "Mạnh Hồng Vỹ"}
    assert "Nguyễn Phú Trọng" not in names  # he led the wider visit: context, not a participant


def test_cited_talks_are_not_a_meeting():
    """Citing "Kết quả hội đàm giữa ... với ..." reports an earlier event, not a meeting."""
    meetings = facts_of("001_9c86299ff7976ae4.txt").facts.meetings
    assert not any("Tập Cận Bình" in {p.name for p in m.participants} for m in meetings)


def test_delegation_subject_stands_for_its_head():
    """ "đoàn đã tiếp kiến ... Chu Vĩnh Khang": the delegation led by Trần Đại Quang."""
    meetings = facts_of("000_2e5f7d23c231756c.txt").facts.meetings
    reception = next(m for m in meetings if m.kind == "reception")
    roles = {p.name: (p.side, p.role) for p in reception.participants}
    assert roles == {"Chu Vĩnh Khang": ("CN", "host"), "Trần Đại Quang": ("VN", "guest")}
    assert reception.date == "2012-01-05"


def test_reception_roles_and_place():
    (reception,) = facts_of("002_b60e7491f22b6e69.txt").facts.meetings
    roles = {p.name: p.role for p in reception.participants}
    assert roles == {"Nguyễn Phú Trọng": "host", "Quách Thanh Côn": "guest"}
    assert reception.date is None  # "Chiều 16/4" and nothing gives the year


def test_posts_before_and_after_names():
    people = {p.name: p for p in facts_of("004_53ed54ac5e852cfd.txt").facts.persons}
    assert people["Vương Ninh"].rank == "Thượng tướng"
    assert [(p.title, p.organisation) for p in people["Vương Ninh"].posts] == [
        ("Tư lệnh", "Tổng bộ Cảnh sát vũ trang Trung Quốc")
    ]
    assert ("Bộ trưởng", "Bộ An ninh Quốc gia Trung Quốc") in [
        (p.title, p.organisation) for p in people["Trần Văn Thanh"].posts
    ]


def test_short_forms_fold_into_the_full_name():
    people = {p.name: p for p in facts_of("000_2e5f7d23c231756c.txt").facts.persons}
    assert people["Chu Vĩnh Khang"].mentions >= 2  # "... Chu Vĩnh Khang", "ông Chu Vĩnh Khang"
    assert set(people) == {"Trần Đại Quang", "Mạnh Kiến Trụ", "Chu Vĩnh Khang"}


def test_photo_credits_are_not_people():
    for name in ("001_9c86299ff7976ae4.txt", "002_b60e7491f22b6e69.txt"):
        names = {p.name for p in facts_of(name).facts.persons}
        assert not names & {"Doãn Tấn", "Trí Dũng"}


@pytest.mark.parametrize(
    ("form", "hint", "canonical", "country"),
    [
        ("Bộ An ninh Trung Quốc", None, "Bộ An ninh Quốc gia Trung Quốc", "CN"),
        ("Bộ An ninh Quốc gia Trung Quốc", None, "Bộ An ninh Quốc gia Trung Quốc", "CN"),
        ("Bộ Công an nước Cộng hòa Nhân dân Trung Hoa", None, "Bộ Công an Trung Quốc", "CN"),
        ("Bộ Công an", None, "Bộ Công an Việt Nam", "VN"),
        ("Bộ Công an", "CN", "Bộ Công an Trung Quốc", "CN"),
    ],
)
def test_organisations_resolve_to_one_canonical_body(form, hint, canonical, country):
    record = organisation_record(form, hint)
    assert (record.name, record.country) == (canonical, country)


def test_known_people_carry_english_and_chinese_names(built_db):
    assert rows(
        built_db, "SELECT name_en, name_zh, country FROM persons WHERE name = ?", "Quách Thanh Côn"
    ) == [("Guo Shengkun", "郭声琨", "CN")]
    assert rows(built_db, "SELECT name_en FROM persons WHERE name = ?", "Vương Tiểu Hồng") == [
        ("Wang Xiaohong",)
    ]


def test_one_person_row_across_articles(built_db):
    (count,) = rows(
        built_db,
        """SELECT count(DISTINCT article_id) FROM article_persons ap
                    JOIN persons p ON p.id = ap.person_id WHERE p.name = 'Tô Lâm'""",
    )[0]
    assert count == 3
    assert rows(built_db, "SELECT count(*) FROM persons WHERE name LIKE 'Tô Lâm%'") == [(1,)]


@pytest.mark.parametrize("table", FIELDS_WITH_EVIDENCE)
def test_every_fact_points_to_its_text(built_db, table):
    facts = rows(
        built_db,
        f"""SELECT t.evidence_field, t.evidence_start, t.evidence_end,
                 t.evidence, a.body, a.title, a.captions FROM {table} t
                 JOIN articles a ON a.id = t.article_id""",
    )
    assert facts
    for field, start, end, sentence, body, title, captions in facts:
        text = {"body": body, "title": title, "captions": captions}[field]
        assert text[start:end] and text[start:end] in sentence and sentence in text


def test_same_meeting_in_two_articles_is_one_row(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    original = SEEDS / "000_2e5f7d23c231756c.txt"
    shutil.copy(original, folder / "a.txt")
    retold = original.read_text(encoding="utf-8").replace(
        "Đoàn đại biểu cấp cao Bộ Công an thăm Trung Quốc",
        "Bộ trưởng Trần Đại Quang thăm Trung Quốc",
    )
    (folder / "b.txt").write_text(retold, encoding="utf-8")
    db = tmp_path / "two.db"
    invoke("import", str(folder), "--db", str(db))
    assert rows(db, "SELECT count(*) FROM meetings") == [(2,)]
    assert rows(db, "SELECT count(*) FROM meeting_sources") == [(4,)]
    assert rows(db, "SELECT count(DISTINCT meeting_id) FROM meeting_sources") == [(2,)]


def test_build_fills_every_table(built_db):
    for table in (
        "articles",
        "persons",
        "organisations",
        "positions",
        "person_positions",
        "meetings",
        "meeting_sources",
        "meeting_participants",
        "topics",
        "article_topics",
        "article_persons",
        "article_organisations",
        "article_credits",
        "meeting_topics",
    ):
        assert rows(built_db, f"SELECT count(*) FROM {table}")[0][0] > 0, table
