"""The word-start finders find exactly where their case-insensitive patterns match."""

import re

import pytest

from archive.extract import lexicon, verbs
from archive.extract.word_starts import word_start_finder

from .conftest import DEV_CORPUS, SEEDS

# Characters that re.IGNORECASE folds with a Latin letter though str.lower() does not, or
# that lower-case to two characters: the finder must treat them as the engine does.
FOLDED = "\u212aſıİ \u212aELVIN ſang Kết ĐIỆN ĐÀM HỘI ĐÀM İt Tiếp Ông Khoa ký kết Trong khuôn khổ"


def _texts() -> list[str]:
    paths = sorted(DEV_CORPUS.glob("*.txt")) + sorted(SEEDS.rglob("*.txt"))
    assert paths, "no dev corpus or seed texts"
    return [FOLDED, *(path.read_text(encoding="utf-8") for path in paths)]


def _plain_starts(body: str, text: str) -> list[int]:
    pattern = re.compile(rf"(?<!\w)(?=(?:{body}))", re.IGNORECASE)
    return [m.start() for m in pattern.finditer(text)]


BODIES = {
    "verbs": lambda: verbs.verb_starts(),
    "framing": lambda: verbs.framing_starts(),
    "organisations": lambda: lexicon.organisation_starts(),
}


@pytest.mark.parametrize("name", BODIES)
def test_finder_starts_are_the_plain_patterns_starts(name):
    finder = BODIES[name]()
    body = finder.pattern.split(  # the body the finder was made for, read back from it
        "(?<=(?=(?i:", 1
    )[1].rsplit("))[", 1)[0]
    found = 0
    for text in _texts():
        starts = [m.start() for m in finder.finditer(text)]
        assert starts == _plain_starts(body, text)
        found += len(starts)
    assert found > 0


def test_first_characters_in_every_case_the_engine_folds():
    finder = word_start_finder("(?:kết|sang)(?!\\w)")
    assert [m.start() for m in finder.finditer("\u212aết ſang KẾT xsang")] == [0, 4, 9]
    assert [m.start() for m in finder.finditer("ket sangx")] == []


def test_a_body_that_may_match_nothing_keeps_the_plain_pattern():
    finder = word_start_finder("a?")
    assert [m.start() for m in finder.finditer("b a")] == [0, 2]
