"""Read stage: a file is read by the size stat() gives, and read on when it holds more
(a file that grew after stat(), or one whose size the system does not know)."""

from pathlib import Path

from archive.read import read_source

from .conftest import SEEDS

# A regular file whose stat() size is 0 whatever it holds (Linux's procfs, as on CI): its
# content is there only once read, as in a file that grows between stat() and the read.
GROWING = Path("/proc/self/status")


def test_a_file_is_read_whole():
    for path in sorted(SEEDS.rglob("*.txt")):
        assert read_source(path).raw == path.read_bytes().decode("utf-8")


def test_a_file_holding_more_than_its_size_is_read_on_to_the_end():
    assert GROWING.stat().st_size == 0
    text = read_source(GROWING).raw
    assert text.startswith("Name:") and "\nPid:" in text and text.endswith("\n")
