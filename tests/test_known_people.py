"""The known-people list (archive/data/people.yml) is knowledge taken from public lists of
office holders: every entry names its list, every spelling belongs to one person, and every
Chinese official carries the Sino-Vietnamese name, pinyin and characters."""

import re
from collections import Counter
from importlib import resources

import pytest

from archive.extract import lexicon
from archive.knowledge import load
from archive.resolve import person_record
from archive.vietnamese import name_key

PEOPLE = load("people")
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
HAN = re.compile(r"[\u4e00-\u9fff]+")
WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*")


def forms(entry: dict) -> list[str]:
    return [entry["name"], *entry.get("aliases", [])]


def sources(entry: dict) -> list[str]:
    source = entry.get("source")
    return [source] if isinstance(source, str) else list(source or [])


@pytest.mark.parametrize("entry", PEOPLE, ids=lambda e: e["name"])
def test_entry_names_country_and_its_public_list(entry):
    assert set(entry) <= {"name", "country", "en", "zh", "wikidata", "aliases", "source"}
    assert entry["name"].strip() == entry["name"] and entry["name"]
    assert COUNTRY_CODE.fullmatch(entry["country"])
    assert sources(entry) and all(isinstance(s, str) and s.strip() for s in sources(entry))
    assert "wikidata" not in entry or WIKIDATA_ID.fullmatch(entry["wikidata"])


@pytest.mark.parametrize(
    "entry", [e for e in PEOPLE if e["country"] == "CN"], ids=lambda e: e["name"]
)
def test_chinese_entry_has_pinyin_characters_and_pinyin_alias(entry):
    assert entry["en"].isascii() and len(entry["en"].split()) >= 2
    assert HAN.fullmatch(entry["zh"])
    assert len(entry["zh"]) == len(entry["name"].split())  # one Hán-Việt syllable per character
    assert entry["en"] in entry.get("aliases", [])


def test_no_spelling_belongs_to_two_entries():
    counts = Counter(name_key(f) for entry in PEOPLE for f in forms(entry))
    assert [form for form, n in counts.items() if n > 1] == []


def test_every_source_is_listed_in_the_header():
    header = _header_comment()
    for entry in PEOPLE:
        for source in sources(entry):
            assert f"# - {source}" in header, source


def _header_comment() -> str:
    text = resources.files("archive.data").joinpath("people.yml").read_text(encoding="utf-8")
    return text.split("\n- ", 1)[0]


@pytest.mark.parametrize(
    "form, name, country, en",
    [
        ("Wang Xiaohong", "Vương Tiểu Hồng", "CN", "Wang Xiaohong"),
        ("Guo Shengkun", "Quách Thanh Côn", "CN", "Guo Shengkun"),
        ("Lương Tam Quang", "Lương Tam Quang", "VN", "Luong Tam Quang"),
        ("Tia Banh", "Tea Banh", "KH", "Tea Banh"),
        ("Nicolai Patrushev", "Nikolai Patrushev", "RU", "Nikolai Patrushev"),
    ],
)
def test_any_spelling_resolves_to_the_canonical_record(form, name, country, en):
    assert lexicon.known_people_pattern().fullmatch(form)
    record = person_record(form, None)
    assert (record.name, record.country, record.name_en) == (name, country, en)
