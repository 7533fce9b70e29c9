"""Extraction gives the same facts in every process: worker processes of the import each
have their own hash seed, so a fact must never depend on the order of a set."""

import os
import subprocess
import sys

import pytest

from .conftest import DEV_CORPUS, SEEDS

# An article naming Vietnam and Laos whose guest is Chinese by his post alone: the side
# facing a known country must not be picked from a set of two candidates.
MIXED = (
    "Ngày 3/8/2024, Trưởng Công an tỉnh Trác Thị Khánh đã tiếp Ủy viên Quốc vụ Hùng Lực Mẫn "
    "đang thăm Việt Nam. Cùng ngày, Thứ trưởng Ly Thế Uyên hội đàm với Bộ trưởng Bộ Công an "
    "Lào Ứng Kim Lộc Phúc."
)

DIGEST = """
import dataclasses, hashlib, sys
from pathlib import Path
from archive.extract import extract_facts
from archive.parse import parse_article
from archive.read import read_source
from archive.resolve import resolve_facts
digest = hashlib.sha256()
for folder in sys.argv[1:]:
    for path in sorted(Path(folder).rglob("*.txt")):
        facts = resolve_facts(extract_facts(parse_article(read_source(path)))).facts
        digest.update(repr(dataclasses.asdict(facts)).encode())
print(digest.hexdigest())
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    (folder / "mixed.txt").write_text(MIXED, encoding="utf-8")
    return folder


def facts_digest(hash_seed: str, *folders) -> str:
    run = subprocess.run(
        [sys.executable, "-c", DIGEST, str(SEEDS), str(DEV_CORPUS), *map(str, folders)],
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.strip()


def test_the_same_facts_whatever_the_hash_seed(written):
    assert len({facts_digest(seed, written) for seed in ("1", "2", "3", "4")}) == 1
