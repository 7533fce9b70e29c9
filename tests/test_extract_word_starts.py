"""The word-start finders find exactly where their case-insensitive patterns match."""

import importlib.util
import re
import sys
import types

import pytest

from archive.extract import extract_facts, lexicon, verbs, word_starts
from archive.extract.text import phrase_alternation
from archive.extract.word_starts import (
    first_characters,
    plain_word_start_pattern,
    top_level_alternatives,
    word_start_finder,
)
from archive.knowledge import load
from archive.parse import parse_article
from archive.read import read_source
from archive.vietnamese import normalise

from .conftest import DEV_CORPUS, SEEDS

# Characters that re.IGNORECASE folds with a Latin letter though str.lower() does not, or
# that lower-case to two characters: the finders must read them as the engine does.
FOLDED = "\u212aſıİ \u212aẾT ſang Kết ĐIỆN ĐÀM HỘI ĐÀM İt Tiếp Ông Khoa ký kết Trong khuôn khổ"

# Each finder the extractor uses, and the alternatives and tail it is made of.
FINDERS = {
    "verbs": (
        verbs.verb_starts,
        lambda: [normalise(v["pattern"]) for v in load("meetings")["verbs"]],
    ),
    "framing": (
        verbs.framing_starts,
        lambda: [phrase_alternation(load("meetings")["framing_openers"], False)],
    ),
    "organisations": (
        lexicon.organisation_starts,
        lambda: [phrase_alternation(lexicon.organisation_forms())],
    ),
}


def _texts() -> list[str]:
    paths = sorted(DEV_CORPUS.glob("*.txt")) + sorted(SEEDS.rglob("*.txt"))
    assert paths, "no dev corpus or seed texts"
    return [FOLDED, *(path.read_text(encoding="utf-8") for path in paths)]


def _starts(pattern, text: str) -> list[int]:
    return [m.start() for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", FINDERS)
def test_finder_starts_are_the_plain_patterns_starts(name):
    finder, alternatives = FINDERS[name]
    assert finder().pattern == word_start_finder(alternatives(), r"(?!\w)").pattern
    plain = plain_word_start_pattern(alternatives(), r"(?!\w)")
    found = 0
    for text in _texts():
        starts = _starts(finder(), text)
        assert starts == _starts(plain, text)
        found += len(starts)
    assert found > 0


def test_first_characters_in_every_case_the_engine_folds():
    finder = word_start_finder(["kết", "sang"], r"(?!\w)")
    assert _starts(finder, "\u212aết ſang KẾT xsang") == [0, 4, 9]
    assert _starts(finder, "ket sangx") == []


def test_first_characters_known_only_for_patterns_that_read_one():
    assert first_characters(["kết|(?:ſ)x", "a?", "[^x]y", "(?=b)c"]) == [
        frozenset("Kk\u212aSsſ"),
        None,
        None,
        frozenset("Cc"),
    ]


def test_a_body_that_may_match_nothing_keeps_the_plain_pattern():
    finder = word_start_finder(["a?"])
    assert finder.pattern == plain_word_start_pattern(["a?"]).pattern
    assert _starts(finder, "b a") == [0, 2]


def test_top_level_alternatives_outside_groups_and_classes():
    pattern = r"a|b(c|d)|[|]x|\|y|[]|]z|[^]|]w"
    assert top_level_alternatives(pattern) == ["a", "b(c|d)", "[|]x", r"\|y", "[]|]z", "[^]|]w"]
    assert top_level_alternatives("buổi tiếp|buổi đón tiếp") == ["buổi tiếp|buổi đón tiếp"]


# How a Python may lack the regex engine's private parser: no such modules (ImportError), or
# modules that no longer hold what is read of them (AttributeError).
NO_PARSER = {
    "missing": None,
    "changed": types.ModuleType("changed"),
}


def _word_starts_without_parser(monkeypatch, stand_in):
    """A fresh copy of word_starts, loaded by a Python whose ``re`` lacks its parser."""
    for name in ("_parser", "_constants"):
        monkeypatch.delattr(re, name)
        monkeypatch.setitem(sys.modules, f"re.{name}", stand_in)
        if stand_in is not None:
            monkeypatch.setattr(re, name, stand_in, raising=False)
    spec = importlib.util.spec_from_file_location("word_starts_copy", word_starts.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.undo()  # the re module whole again for everything else
    return module


FINDERS_CACHED = (
    lexicon.organisation_starts,
    verbs.framing_starts,
    verbs.verb_starts,
    verbs.verb_patterns,
)


@pytest.mark.parametrize("how", NO_PARSER)
def test_without_the_regex_parser_the_plain_scans_give_the_same_facts(monkeypatch, how):
    fallback = _word_starts_without_parser(monkeypatch, NO_PARSER[how])
    assert fallback.regex_parse is None
    assert fallback.top_level_alternatives("a|b") == ["a|b"]
    paths = sorted(DEV_CORPUS.glob("*.txt")) + sorted(SEEDS.rglob("*.txt"))
    articles = [parse_article(read_source(path)) for path in paths]
    expected = [repr(extract_facts(article)) for article in articles]
    monkeypatch.setattr(lexicon, "word_start_finder", fallback.word_start_finder)
    monkeypatch.setattr(verbs, "word_start_finder", fallback.word_start_finder)
    monkeypatch.setattr(verbs, "first_characters", fallback.first_characters)
    try:
        for cached in FINDERS_CACHED:
            cached.cache_clear()
        plain = plain_word_start_pattern(FINDERS["organisations"][1](), r"(?!\w)")
        assert lexicon.organisation_starts().pattern == plain.pattern
        assert all(first is None for *_, first in verbs.verb_patterns())
        found = [repr(extract_facts(article)) for article in articles]
    finally:
        monkeypatch.undo()
        for cached in FINDERS_CACHED:
            cached.cache_clear()
    assert found == expected
    assert any("meetings=[MeetingFact" in facts for facts in found)
