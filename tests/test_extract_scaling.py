"""Extraction time grows linearly with the text (issue 10, case 2): a 15 KB sentence without
commas took a minute, 200k short lines never finished. Doubling the input twice must cost
at most ~2.5x per doubling (a quadratic stage costs 4x per doubling, 16x over the two).

CPU time, best of three runs, so a busy machine does not decide the result. Each run starts
with the extraction's bounded caches of texts empty: a small text's names all fit in them
(they stay from the warm-up) and a large one's do not, which made a linear stage look
quadratic (the caches of knowledge, unbounded, stay warm).
"""

import importlib
import pkgutil
import time

import pytest

import archive.extract
from archive import vietnamese
from archive.extract import extract_facts
from archive.parse import parse_article
from archive.read import SourceText
from archive.vietnamese import normalise

SENTENCE = (
    "Bộ trưởng Bộ Công an Trung Quốc Vương Tiểu Hồng hội đàm với Thượng tướng Nguyễn Văn An "
    "và ông Lý Bình về phòng chống ma túy "
)
SHAPES = {
    "one sentence without commas": lambda n: SENTENCE * n + ".",
    "many short lines": lambda n: "\n".join(
        f"Dòng {i}: ông Nguyễn Văn Lâm gặp ông Lý Minh ngày {i % 28 + 1}/3." for i in range(n)
    ),
    "a long list of names": lambda n: (
        "Ngày 1/1/2024, "
        + ", ".join(f"Đại tá Nguyễn Văn Lâm{i}" for i in range(n))
        + " đã hội đàm với Bộ trưởng Bộ Công an Trung Quốc Vương Tiểu Hồng."
    ),
    "many meetings": lambda n: " ".join(
        f"Ngày {i % 28 + 1}/5/2024, Thứ trưởng Lê Văn Toàn tiếp ông Trương Quốc Minh {i}."
        for i in range(n)
    ),
    "many dates and timestamps": lambda n: "\n".join(
        f"Ngày {i % 28 + 1}/3, lúc 10:30 {i % 28 + 1}/02/2026." for i in range(n)
    ),
    "many sentences naming known people": lambda n: " ".join(
        f"Vương Tiểu Hồng, Tô Lâm {i}." for i in range(n)
    ),
    "many verbs and framing clauses in one sentence": lambda n: (
        " ".join(
            f"nhân dịp ông Lê Văn A{i} hội đàm với ông Lý Minh B{i} và tiếp, trong khuôn khổ"
            for i in range(n)
        )
        + "."
    ),
}
SIZES = {
    "one sentence without commas": 60,
    "many short lines": 600,
    "a long list of names": 150,
    "many meetings": 150,
    "many dates and timestamps": 1000,
    "many sentences naming known people": 1600,
    "many verbs and framing clauses in one sentence": 1200,
}


def bounded_caches() -> list:
    """The extraction's ``lru_cache``s with a size limit: what it remembers of texts seen."""
    modules = [vietnamese] + [
        importlib.import_module(f"archive.extract.{info.name}")
        for info in pkgutil.iter_modules(archive.extract.__path__)
    ]
    functions = {id(f): f for m in modules for f in vars(m).values() if hasattr(f, "cache_info")}
    return [f for f in functions.values() if f.cache_info().maxsize is not None]


BOUNDED_CACHES = bounded_caches()


def cpu_seconds(text: str) -> float:
    """Each run reads a text of its own (a last line apart): what is remembered by text
    must not make a quadratic stage look linear in the later runs."""
    best = float("inf")
    for run in range(3):
        raw = f"{text}\nLần {run}."
        source = SourceText(
            path="big.txt", sha256="", raw=raw, text=normalise(raw), encoding="utf-8"
        )
        for cached in BOUNDED_CACHES:
            cached.cache_clear()
        start = time.process_time()
        extract_facts(parse_article(source))
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("shape", list(SHAPES))
def test_extraction_time_grows_linearly(shape):
    make, n = SHAPES[shape], SIZES[shape]
    cpu_seconds(make(n))  # warm the knowledge caches
    small, large = cpu_seconds(make(n)), cpu_seconds(make(4 * n))
    assert large <= 2.5**2 * small + 0.05, f"{shape}: {small:.3f}s for n, {large:.3f}s for 4n"
