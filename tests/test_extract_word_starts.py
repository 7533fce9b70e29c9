"""The word-start finders find exactly where their case-insensitive patterns match."""

import pytest

from archive.extract import lexicon, verbs
from archive.extract.text import phrase_alternation
from archive.extract.word_starts import (
    first_characters,
    plain_word_start_pattern,
    top_level_alternatives,
    word_start_finder,
)
from archive.knowledge import load
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
