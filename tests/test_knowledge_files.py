"""Knowledge files are data an editor changes: an empty list in one must not break
extraction (issue 10, case 12: an empty list made a pattern match the empty string, and
every file failed)."""

import copy

import pytest

from archive import knowledge
from archive.extract import extract_facts, lexicon
from archive.extract.text import phrase_pattern
from archive.parse import parse_article
from archive.read import SourceText
from archive.vietnamese import normalise

TEXT = (
    "Ngày 5/3/2024, Thượng tướng Lê Quốc Hùng, Thứ trưởng Bộ Công an đã hội đàm với Thứ "
    "trưởng Bộ Công an Trung Quốc Lưu Chiêu về phòng, chống ma túy."
)


@pytest.mark.parametrize("phrases", [[], [""], ["  "]])
def test_no_phrase_pattern_matches_the_empty_string(phrases):
    pattern = phrase_pattern(phrases)
    assert pattern.search("bất kỳ văn bản nào") is None
    assert pattern.search("") is None


def _clear_caches() -> None:
    for module in (knowledge, lexicon):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


@pytest.fixture
def emptied(monkeypatch):
    """Load the knowledge files with one list emptied."""
    real = knowledge.load.__wrapped__

    def empty(file: str, key: str) -> None:
        def load(name: str):
            data = copy.deepcopy(real(name))
            if name == file:
                data[key] = []
            return data

        monkeypatch.setattr(knowledge, "load", load)
        monkeypatch.setattr(lexicon, "load", load)
        _clear_caches()

    yield empty
    monkeypatch.undo()
    _clear_caches()


@pytest.mark.parametrize(
    ("file", "key"),
    [("titles", "honorifics"), ("names", "foreign_honorifics"), ("names", "home_body_heads")],
)
def test_an_empty_list_in_a_knowledge_file_leaves_extraction_working(emptied, file, key):
    emptied(file, key)
    source = SourceText(path="k.txt", sha256="", raw=TEXT, text=normalise(TEXT), encoding="utf-8")
    facts = extract_facts(parse_article(source))
    assert {p.name for p in facts.persons} == {"Lê Quốc Hùng", "Lưu Chiêu"}
    assert len(facts.meetings) == 1
